# SPDX-License-Identifier: MIT
"""The result of a comparison: the library's JSON (docs/output.md), its CSV and table, and
tidy pandas frames made from that JSON."""
import collections
import json

from brink import _core
from brink._native import ffi, lib

Frames = collections.namedtuple("Frames", "summary curves tension differences actions")

# One row per (policy, metric) of the summary frame: the metric's name and where the JSON has it.
_SUMMARY = [
    ("p_armed_conflict", ("p_armed_conflict",)),
    ("p_armed_conflict_incident", ("armed_conflict_by_cause", "incident")),
    ("p_armed_conflict_attack", ("armed_conflict_by_cause", "attack")),
    ("p_armed_conflict_preemption", ("armed_conflict_by_cause", "preemption")),
    ("p_nuclear_use", ("p_nuclear_use",)),
    ("p_clash", ("p_clash",)),
    ("incidents", ("incidents",)),
    ("clashes", ("clashes",)),
    ("provocations", ("provocations",)),
    ("p_talks", ("p_talks",)),
    ("p_agreement", ("p_agreement",)),
    ("sanctions_nominal", ("sanctions", "nominal")),
    ("sanctions_effective", ("sanctions", "effective")),
    ("sanctions_effectiveness", ("sanctions", "effectiveness")),
    ("unsc_proposed", ("sanctions", "unsc_proposed")),
    ("unsc_adopted", ("sanctions", "unsc_adopted")),
]


class Result:
    """Outcomes of the compared policies, with intervals and run counts. .json() is the text
    `brink compare --format json` writes for the same scenario, overrides, seed and runs."""

    def __init__(self, scenario, summary, owner):
        self.scenario = scenario
        self._summary = summary
        self._owner = owner  # frees the summary before the scenario's context
        self._data = None

    @property
    def runs(self):
        return int(lib.brink_summary_runs(self._summary))

    @property
    def seed(self):
        return int(lib.brink_summary_seed(self._summary))

    @property
    def seconds(self):
        """Wall time of the runs (seconds)."""
        return float(lib.brink_summary_seconds(self._summary))

    def _meta(self, timing):
        """brink_output_meta for the writers, and the buffers it points into."""
        sc = self.scenario
        keep = [ffi.new("char[]", o.encode()) for o in sc.overrides]
        argv = ffi.new("const char *[]", keep + [ffi.NULL])
        path = ffi.new("char[]", sc.path.encode())
        post = ffi.new("char[]", sc.posterior.encode()) if sc.posterior else ffi.NULL
        meta = ffi.new("brink_output_meta *", {
            "scenario_file": path, "overrides": argv, "n_overrides": len(keep),
            "with_timing": 1 if timing else 0, "posterior_file": post})
        return meta, (keep, argv, path, post)

    def json(self, timing=False):
        """The result as JSON (docs/output.md); timing=False leaves out the timing object,
        as --no-timing does, so equal seeds give equal text."""
        meta, _keep = self._meta(timing)
        ctx = self.scenario._ctx
        return ctx.text(lambda buf: lib.brink_summary_json(ctx.ptr, self._summary, meta, buf))

    def csv(self):
        """One row per policy with scenario, overrides, seed and runs, as `brink compare
        --format csv`."""
        meta, _keep = self._meta(False)
        ctx = self.scenario._ctx
        return ctx.text(lambda buf: lib.brink_summary_csv(ctx.ptr, self._summary, meta, buf))

    def table(self):
        """The human-readable table of `brink compare`."""
        ctx = self.scenario._ctx
        return ctx.text(lambda buf: lib.brink_summary_table(ctx.ptr, self._summary, buf))

    def __str__(self):
        return self.table()

    @property
    def data(self):
        """The JSON as Python objects (numbers read back to the same doubles)."""
        if self._data is None:
            self._data = json.loads(self.json())
        return self._data

    @property
    def policies(self):
        return [p["name"] for p in self.data["policies"]]

    def to_pandas(self, what=None):
        """Tidy (long) frames. what: "summary" (policy x metric: estimate, lo, hi),
        "curves" (policy x step: cumulative P(armed conflict) with its band, and the date
        the step begins), "tension" (policy x step x quantile), "differences" (pair x
        metric), "actions" (policy x actor x action: mean count per run); None: all of them
        as a brink.result.Frames named tuple. Every frame carries scenario, seed and runs."""
        import pandas as pd  # only here: importing brink stays fast

        d = self.data
        common = {"scenario": d["scenario"], "seed": d["seed"], "runs": d["runs"]}
        makers = {
            "summary": self._summary_rows, "curves": self._curve_rows,
            "tension": self._tension_rows, "differences": self._difference_rows,
            "actions": self._action_rows,
        }
        if what is not None and what not in makers:
            raise ValueError("what: one of %s, or None" % ", ".join(makers))
        frames = {}
        for name, make in makers.items():
            if what is not None and name != what:
                continue
            rows = make(d)
            frame = pd.DataFrame(rows)
            for k, v in reversed(list(common.items())):
                frame.insert(0, k, v)
            if "date" in frame:
                frame["date"] = pd.to_datetime(frame["date"])
            frames[name] = frame
        return frames[what] if what is not None else Frames(**frames)

    @staticmethod
    def _summary_rows(d):
        rows = []
        conf = d["confidence"]
        for p in d["policies"]:
            for metric, path in _SUMMARY:
                v = p
                for k in path:
                    v = v.get(k) if isinstance(v, dict) else None
                if v is None:
                    continue
                rows.append({"policy": p["name"], "metric": metric, "stat": "mean",
                             "estimate": v["mean"], "lo": v["lo"], "hi": v["hi"],
                             "confidence": conf})
            t = p.get("time_to_talks")
            if t is not None:
                rows.append({"policy": p["name"], "metric": "time_to_talks", "stat": "median",
                             "estimate": t["median"], "lo": t["lo"], "hi": t["hi"],
                             "confidence": conf})
        return rows

    @staticmethod
    def _curve_rows(d):
        rows = []
        for p in d["policies"]:
            for c in p["p_armed_conflict_curve"]:  # each point names its step and date
                rows.append({"policy": p["name"], "step": c["step"], "date": c.get("date"),
                             "metric": "p_armed_conflict", "estimate": c["mean"], "lo": c["lo"],
                             "hi": c["hi"]})
        return rows

    @staticmethod
    def _tension_rows(d):
        rows = []
        for p in d["policies"]:
            tension = p.get("tension")
            if not tension:
                continue
            qs = tension["quantiles"]
            dates = [c.get("date") for c in p["p_armed_conflict_curve"]]
            for t, (values, date) in enumerate(zip(tension["steps"], dates)):
                for q, v in zip(qs, values):
                    rows.append({"policy": p["name"], "step": t, "date": date, "quantile": q,
                                 "tension": v})
        return rows

    @staticmethod
    def _difference_rows(d):
        rows = []
        for diff in d.get("differences", []):
            for metric in ("p_armed_conflict", "provocations", "p_talks"):
                v = diff.get(metric)
                if v is not None:
                    rows.append({"a": diff["a"], "b": diff["b"], "metric": metric,
                                 "estimate": v["mean"], "lo": v["lo"], "hi": v["hi"]})
        return rows

    @staticmethod
    def _action_rows(d):
        rows = []
        for p in d["policies"]:
            for a in p.get("actions", []):
                v = a["per_run"]
                rows.append({"policy": p["name"], "actor": a["actor"], "action": a["action"],
                             "kind": a["kind"], "cameo": a["cameo"], "estimate": v["mean"],
                             "lo": v["lo"], "hi": v["hi"]})
        return rows

    def __repr__(self):
        return "<brink.Result %s: %d policies x %d runs, seed %d>" % (
            self.scenario.name, len(self.policies), self.runs, self.seed)
