# SPDX-License-Identifier: MIT
"""Scenarios and Monte Carlo comparisons: brink.load(...).compare(...)."""
import collections
import os

from brink import _core
from brink._native import ffi, lib
from brink.result import Result

Param = collections.namedtuple("Param", "name dist value a b lo hi choices weights unit doc")
Param.__doc__ = """An uncertain or named parameter of a scenario and its prior: dist is
"constant" (value), "uniform" (a = lo, b = hi), "normal" (a = mean, b = sd), "truncnormal"
(a = mean, b = sd on [lo, hi]), "beta" (a = alpha, b = beta) or "choice" (choices, weights)."""


def load(path, set=None, horizon=None, posterior=None):
    """Loads a scenario file (with its includes). set: overrides {"params.dprk_greed": 0.9}
    or ["params.dprk_greed=0.9"], as `brink --set`; horizon: steps to simulate instead of
    the scenario's; posterior: a TSV sample to draw the parameters it names from (as
    `--posterior`). Raises brink.Error with .file, .line, .col for a malformed file."""
    return Scenario(path, set, horizon, posterior)


def _overrides(set):
    if set is None:
        return []
    if isinstance(set, dict):
        items = []
        for k, v in set.items():
            if isinstance(v, bool):
                v = "true" if v else "false"
            elif isinstance(v, float):
                v = repr(v)
            items.append("%s=%s" % (k, v))
        return items
    if isinstance(set, str):
        return [set]
    return [str(s) for s in set]


class Scenario:
    """A loaded scenario and the model built from it. Read-only; compare() may be called many
    times (each call is an independent Monte Carlo)."""

    def __init__(self, path, set=None, horizon=None, posterior=None):
        self._ctx = _core.Context()
        self.path = os.fspath(path)
        self.overrides = _overrides(set)
        self.posterior = os.fspath(posterior) if posterior is not None else None
        keep = [ffi.new("char[]", o.encode()) for o in self.overrides]
        argv = ffi.new("const char *[]", keep + [ffi.NULL])
        diags = ffi.new("brink_diag_list *")
        lib.brink_diag_list_init(diags, self._ctx.ptr)
        out = ffi.new("brink_scenario **")
        try:
            st = lib.brink_scenario_load(self._ctx.ptr, self.path.encode(), argv,
                                         len(self.overrides), diags, out)
            if st != lib.BRINK_OK:
                raise _core.load_error(self._ctx, st, diags)
        finally:
            lib.brink_diag_list_release(diags)
        ctx = self._ctx
        ctxp = ctx.ptr
        self._ptr = out[0]
        self._own_scenario = ctx.own(out[0], lib.brink_scenario_free)
        model = ffi.new("brink_model **")
        self._ctx.check(lib.brink_model_new(ctxp, self._ptr, model))
        self._model = model[0]
        self._own_model = ctx.own(model[0], lib.brink_model_free)
        if horizon is not None:
            self._ctx.check(lib.brink_model_set_horizon(ctxp, self._model, int(horizon)))
        if self.posterior is not None:
            self._ctx.check(lib.brink_model_load_posterior(ctxp, self._model,
                                                           self.posterior.encode()))

    @property
    def name(self):
        return _core._string(lib.brink_scenario_name(self._ptr))

    @property
    def start(self):
        """ISO date of step 0, or None."""
        return _core._string(lib.brink_scenario_start(self._ptr))

    @property
    def horizon(self):
        """Steps simulated (the scenario's, or the horizon given to load)."""
        return int(lib.brink_model_horizon(self._model))

    @property
    def policies(self):
        """Names of the scenario's policies, in file order."""
        return [_core._string(lib.brink_scenario_policy(self._ptr, i).name)
                for i in range(lib.brink_scenario_policy_count(self._ptr))]

    @property
    def actors(self):
        return [_core._string(lib.brink_scenario_actor(self._ptr, i).name)
                for i in range(lib.brink_scenario_actor_count(self._ptr))]

    @property
    def params(self):
        """The scenario's parameters and their priors, a list of brink.Param."""
        out = []
        for i in range(lib.brink_scenario_param_count(self._ptr)):
            p = lib.brink_scenario_param(self._ptr, i)
            n = p.n_choices
            out.append(Param(_core._string(p.name), _core._string(lib.brink_dist_name(p.dist)),
                             p.value, p.a, p.b, p.lo, p.hi,
                             [p.choices[k] for k in range(n)] if n else None,
                             [p.weights[k] for k in range(n)] if n else None,
                             _core._string(p.unit), _core._string(p.doc)))
        return out

    def compare(self, policies=None, runs=10000, seed=1, threads=None, confidence=0.95):
        """Runs every listed policy (default: all, in file order) `runs` times on the same draws
        (common random numbers), as `brink compare`; returns a brink.Result. The same seed gives
        the same numbers whatever `threads` (default: the number of cores). The GIL is released
        while it runs; Ctrl-C stops it (KeyboardInterrupt) after the current batch."""
        names = self.policies if policies is None else (
            [policies] if isinstance(policies, str) else list(policies))
        if not names:
            raise ValueError("no policy to compare")
        index = []
        for name in names:
            i = lib.brink_scenario_find_policy(self._ptr, name.encode())
            if i < 0:
                raise _core.Error("BRINK_ENOTFOUND", "unknown policy '%s'; the scenario defines: %s"
                            % (name, ", ".join(self.policies)))
            if i in index:
                raise ValueError("policy '%s' listed twice" % name)
            index.append(i)
        if threads is None:
            threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
                (os.cpu_count() or 1)
        pol = ffi.new("uint32_t[]", index)
        cancel = ffi.new("int *", 0)
        opts = ffi.new("brink_engine_options *")
        opts.runs = int(runs)
        opts.seed = int(seed)
        opts.threads = int(threads)
        opts.confidence = float(confidence)
        opts.policies = pol
        opts.n_policies = len(index)
        opts.cancel = cancel
        out = ffi.new("brink_summary **")
        st = _core.interruptible(lambda: lib.brink_engine_run(self._ctx.ptr, self._model, opts,
                                                              out), cancel)
        if st == lib.BRINK_ECANCELED:
            raise KeyboardInterrupt
        self._ctx.check(st)
        ctx = self._ctx
        owner = ctx.own(out[0], lib.brink_summary_free)
        return Result(self, out[0], owner)

    def run(self, policy=None, **kwargs):
        """One policy (default: the first), as `brink run`."""
        return self.compare([policy or self.policies[0]], **kwargs)

    def __repr__(self):
        return "<brink.Scenario %r: %d policies, %d parameters, horizon %d>" % (
            self.name, len(self.policies), lib.brink_scenario_param_count(self._ptr), self.horizon)


Error = _core.Error
