# SPDX-License-Identifier: MIT
"""Forecasts of the recorded series and their scores: brink.forecast(...), brink.score(...)."""
import json
import os

from brink import _core
from brink._native import ffi, lib
from brink.scenario import Scenario, load

_DATA = os.environ.get("BRINK_DATA_DIR", "data")
# The record files `brink score` reads by default (cli/cmd_record.c), in data/.
RECORD_FILES = ("csis_provocations_1958_2022.tsv", "korea_timeline_2006_2018.tsv",
                "korea_timeline_2019_2022.tsv", "korea_allied_record.tsv")


class Forecast:
    """Count distributions of the record's series per 52-week window, as `brink forecast`
    writes them. .json() is the command's JSON; .to_pandas() one row per window x series."""

    def __init__(self, text):
        self.text = text
        self.data = json.loads(text)

    def json(self):
        return self.text

    def to_pandas(self):
        import pandas as pd

        f = self.data["forecast"]
        rows = []
        for k, w in enumerate(f["windows"]):
            for name, s in w["series"].items():
                rows.append({"window": k + 1, "start": w.get("start"), "end": w.get("end"),
                             "series": name, "mean": s["mean"], "q05": s["q05"],
                             "q50": s["q50"], "q95": s["q95"], "runs": f["runs"],
                             "seed": f["seed"], "policy": f.get("policy")})
        frame = pd.DataFrame(rows)
        for c in ("start", "end"):
            if c in frame:
                frame[c] = pd.to_datetime(frame[c])
        return frame


def _policy_index(scenario, policy):
    sc = scenario._ptr
    if policy is None:
        # As the command: the recorded behaviour (status_quo or historical) if the scenario
        # has it, else the first policy.
        index = lib.brink_scenario_find_policy(sc, b"status_quo")
        if index < 0:
            index = lib.brink_scenario_find_policy(sc, b"historical")
        if index < 0:
            index = 0 if lib.brink_scenario_policy_count(sc) else 0xFFFFFFFF
        return index
    index = lib.brink_scenario_find_policy(sc, policy.encode())
    if index < 0:
        raise _core.Error("BRINK_ENOTFOUND", "scenario '%s' has no policy '%s'"
                          % (scenario.name, policy))
    return index


def _monday(origin):
    """origin "YYYY-MM-DD" (a Monday) -> (datetime.date, YYYYMMDD int)."""
    import datetime

    try:
        day = datetime.date.fromisoformat(origin)
    except (TypeError, ValueError):
        raise ValueError("origin: expected a Monday YYYY-MM-DD, got %r" % (origin,)) from None
    if day.weekday() != 0:
        raise ValueError("origin: expected a Monday YYYY-MM-DD, got %r (a %s)"
                         % (origin, day.strftime("%A")))
    return day, day.year * 10000 + day.month * 100 + day.day


def _filter_history(ctx, scenario, origin, history, record, start, particles, replicates, seed,
                    threads, misrecord):
    """Filters the record before origin over the history windows (the library's
    brink_history_load and brink_filter_run, as `brink forecast --origin`). Returns the filter
    result (replicate 0's particles kept), to be freed by the caller, and the history, to be
    released by the caller."""
    import datetime

    day, end = _monday(origin)
    windows = [os.fspath(w) for w in (history or [scenario.path])]
    if start is None and not history:
        # As the command without --history: the scenario itself over the 52 weeks before.
        first = day - datetime.timedelta(days=364)
        start = first.isoformat()
    frm = 0
    if start is not None:
        d = datetime.date.fromisoformat(start)
        frm = d.year * 10000 + d.month * 100 + d.day
    rec = ffi.new("brink_record **")
    ctx.check(lib.brink_record_new(ctx.ptr, rec))
    keep = []
    try:
        files = record or [os.path.join(_DATA, f) for f in RECORD_FILES]
        for f in ([files] if isinstance(files, (str, os.PathLike)) else files):
            ctx.check(lib.brink_record_load(rec[0], os.fspath(f).encode()))
        opts = ffi.new("brink_history_options *")
        wins = [ffi.new("char[]", w.encode()) for w in windows]
        sets = [ffi.new("char[]", o.encode()) for o in scenario.overrides]
        keep += wins + sets
        warr = ffi.new("const char *[]", wins)
        sarr = ffi.new("const char *[]", sets) if sets else ffi.NULL
        obs = ffi.new("char[]", os.path.join(_DATA, "korea_observation.tsv").encode())
        post = ffi.new("char[]", os.fspath(scenario.posterior).encode()) \
            if scenario.posterior is not None else ffi.NULL
        keep += [warr, sarr, obs, post]
        opts.windows, opts.n_windows = warr, len(wins)
        opts.overrides, opts.n_overrides = sarr, len(sets)
        opts.record, opts.observation, opts.posterior = rec[0], obs, post
        opts.__setattr__("from", frm)
        opts.end = end
        h = ffi.new("brink_history *")
        diags = ffi.new("brink_diag_list *")
        lib.brink_diag_list_init(diags, ctx.ptr)
        try:
            st = lib.brink_history_load(ctx.ptr, opts, diags, h)
            if st != lib.BRINK_OK:
                raise _core.load_error(ctx, st, diags)
        finally:
            lib.brink_diag_list_release(diags)
    finally:
        lib.brink_record_free(rec[0])
    fo = ffi.new("brink_filter_options *")
    fo.particles, fo.replicates, fo.seed = int(particles), int(replicates), int(seed)
    fo.threads, fo.ess_fraction, fo.keep_particles = int(threads), 0.5, 1
    lib.brink_history_filter_windows(h, fo)
    data = ffi.new("brink_filter_data *", lib.brink_history_filter_data(
        h, lib.BRINK_FILTER_MISRECORD if misrecord is None else float(misrecord)))
    out = ffi.new("brink_filter_result **")
    cancel = ffi.new("int *", 0)
    fo.cancel = cancel
    try:
        st = _core.interruptible(lambda: lib.brink_filter_run(ctx.ptr, h.models[0], data, fo, out),
                                 cancel)
    except BaseException:
        lib.brink_history_release(h)
        raise
    if st != lib.BRINK_OK:
        lib.brink_history_release(h)
        ctx.check(st)
    return out[0], h


def forecast(scenario, policy=None, runs=20000, seed=1, threads=None, horizon=104,
             series=None, origin=None, history=None, record=None, start=None, particles=2000,
             replicates=1, misrecord=None):
    """Simulates the scenario forward under one policy (default: status_quo or historical
    when the scenario has one, else its first) and counts the record's series per 52-week
    window, as `brink forecast SCENARIO`. scenario: a brink.Scenario or a path. series: the
    table of which ladder actions count in which series (default data/korea_series.tsv).

    Without origin the forecast starts at the scenario's time.start. With origin
    ("YYYY-MM-DD", a Monday) the record strictly before it is filtered first, as `brink
    forecast --origin`: history is the list of window scenario files (default: the scenario
    itself over the 52 weeks before the origin), record the record files (default: the shipped
    ones), start the first day filtered (default: the first window's time.start), particles,
    replicates and misrecord the filter's settings; the scenario's overrides and posterior
    apply to every window. Every policy then runs from the filtered particles. Returns a
    brink.Forecast (the command's JSON)."""
    if origin is None and (history or record or start):
        raise ValueError("history, record and start need an origin")
    if not isinstance(scenario, Scenario):
        scenario = load(scenario, horizon=horizon)
    elif origin is None and horizon is not None and horizon != scenario.horizon:
        scenario = load(scenario.path, set=scenario.overrides, horizon=horizon,
                        posterior=scenario.posterior)
    if threads is None:
        threads = len(os.sched_getaffinity(0))
    ctx = scenario._ctx
    fr = h = None
    origin_text = None
    base = scenario  # keeps the context of the filter's result alive until it is freed
    if origin is not None:
        fr, h = _filter_history(ctx, scenario, origin, history, record, start, particles,
                                replicates, seed, threads, misrecord)
        origin_text = _monday(origin)[0].isoformat()
        # A model of its own over the filtered weeks and the horizon (the caller's scenario
        # keeps its horizon).
        try:
            scenario = load(scenario.path, set=scenario.overrides,
                            horizon=h.n_steps + int(horizon), posterior=scenario.posterior)
        except BaseException:
            lib.brink_filter_result_free(fr)
            lib.brink_history_release(h)
            raise
        ctx = scenario._ctx
    sc = scenario._ptr
    try:
        index = _policy_index(scenario, policy)
        series = series or os.path.join(_DATA, "korea_series.tsv")
        fmap = ffi.new("brink_forecast_map *")
        ctx.check(lib.brink_forecast_map_load(ctx.ptr, os.fspath(series).encode(), sc, fmap))
        opts = ffi.new("brink_forecast_options *")
        opts.runs, opts.seed, opts.threads = int(runs), int(seed), int(threads)
        opts.steps = int(horizon) if origin is not None else scenario.horizon
        opts.policy = index
        out = ffi.new("brink_forecast **")
        cancel = ffi.new("int *", 0)
        opts.cancel = cancel
        model = scenario._model
        if fr is not None:
            call = lambda: lib.brink_forecast_run(ctx.ptr, model, fr.final, fr.final_weight,  # noqa: E731
                                                  fr.particles, fmap, opts, out)
        else:
            call = lambda: lib.brink_forecast_run(ctx.ptr, model, ffi.NULL, ffi.NULL, 0,  # noqa: E731
                                                  fmap, opts, out)
        st = _core.interruptible(call, cancel)
        if st == lib.BRINK_ECANCELED:
            raise KeyboardInterrupt
        ctx.check(st)
    finally:
        if fr is not None:
            lib.brink_filter_result_free(fr)
            lib.brink_history_release(h)
        del base
    try:
        name = lib.brink_scenario_policy(sc, index).name if index != 0xFFFFFFFF else ffi.NULL
        when = origin_text.encode() if origin_text else lib.brink_scenario_start(sc)
        text = ctx.text(lambda buf: lib.brink_forecast_json(ctx.ptr, out[0], when, name,
                                                            scenario.path.encode(), buf))
    finally:
        lib.brink_forecast_free(out[0])
    return Forecast(text)


def score(forecast, record=None, record_end=None):
    """Scores a forecast (a brink.Forecast, its JSON text, or the path of a forecast JSON)
    against the record with CRPS, log score and Brier, with persistence and climatology
    baselines, as `brink score`. record: record files (default: the shipped ones in data/,
    or $BRINK_DATA_DIR); record_end: "YYYY-MM-DD", the last day the record covers (default
    2022-11-06). Returns a pandas frame (the command's CSV)."""
    import io

    import pandas as pd

    ctx = _core.Context()
    if isinstance(forecast, Forecast):
        text, name = forecast.text, "forecast"
    elif isinstance(forecast, str) and forecast.lstrip().startswith("{"):
        text, name = forecast, "forecast"
    else:
        name = os.fspath(forecast)
        with open(name, encoding="utf-8") as fh:
            text = fh.read()
    raw = text.encode()
    end = ffi.new("int32_t *", lib.BRINK_RECORD_END)
    if record_end is not None and lib.brink_record_date_parse(record_end.encode(), end):
        raise ValueError("record_end: expected a day YYYY-MM-DD, got %r" % record_end)
    pred = ffi.new("brink_prediction **")
    rec = ffi.new("brink_record **")
    table = ffi.new("brink_score_table **")
    try:
        ctx.check(lib.brink_prediction_parse(ctx.ptr, raw, len(raw), name.encode(), pred))
        ctx.check(lib.brink_record_new(ctx.ptr, rec))
        files = record or [os.path.join(_DATA, f) for f in RECORD_FILES]
        for f in ([files] if isinstance(files, (str, os.PathLike)) else files):
            ctx.check(lib.brink_record_load(rec[0], os.fspath(f).encode()))
        ctx.check(lib.brink_score_run(ctx.ptr, pred[0], rec[0], end[0], ffi.NULL, 0, table))
        csv = ctx.text(lambda buf: lib.brink_score_table_write(table[0], b"csv", buf))
    finally:
        lib.brink_score_table_free(table[0])
        lib.brink_record_free(rec[0])
        lib.brink_prediction_free(pred[0])
    return pd.read_csv(io.StringIO(csv), float_precision="round_trip")
