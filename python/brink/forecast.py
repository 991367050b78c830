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


def forecast(scenario, policy=None, runs=20000, seed=1, threads=None, horizon=104,
             series=None):
    """Simulates the scenario forward from its start (time.start, the origin) under one policy
    (default: status_quo or historical when the scenario has one, else its first) and counts the record's series per 52-week window, as `brink forecast
    SCENARIO` without --origin. scenario: a brink.Scenario or a path. series: the table of
    which ladder actions count in which series (default data/korea_series.tsv). Returns a
    brink.Forecast. Forecasts from another origin (filtering the record first) are the
    command's for now."""
    if not isinstance(scenario, Scenario):
        scenario = load(scenario, horizon=horizon)
    elif horizon is not None and horizon != scenario.horizon:
        scenario = load(scenario.path, set=scenario.overrides, horizon=horizon,
                        posterior=scenario.posterior)
    ctx = scenario._ctx
    sc = scenario._ptr
    if policy is None:
        # As the command: the recorded behaviour (status_quo or historical) if the scenario
        # has it, else the first policy.
        index = lib.brink_scenario_find_policy(sc, b"status_quo")
        if index < 0:
            index = lib.brink_scenario_find_policy(sc, b"historical")
        if index < 0:
            index = 0 if sc.n_policies else 0xFFFFFFFF
    else:
        index = lib.brink_scenario_find_policy(sc, policy.encode())
        if index < 0:
            raise _core.Error("BRINK_ENOTFOUND", "scenario '%s' has no policy '%s'"
                              % (scenario.name, policy))
    series = series or os.path.join(_DATA, "korea_series.tsv")
    fmap = ffi.new("brink_forecast_map *")
    ctx.check(lib.brink_forecast_map_load(ctx.ptr, os.fspath(series).encode(), sc, fmap))
    if threads is None:
        threads = len(os.sched_getaffinity(0))
    opts = ffi.new("brink_forecast_options *")
    opts.runs, opts.seed, opts.threads = int(runs), int(seed), int(threads)
    opts.steps = scenario.horizon
    opts.policy = index
    out = ffi.new("brink_forecast **")
    ctx.check(lib.brink_forecast_run(ctx.ptr, scenario._model, ffi.NULL, ffi.NULL, 0, fmap,
                                     opts, out))
    try:
        name = sc.policies[index].name if index != 0xFFFFFFFF else ffi.NULL
        text = ctx.text(lambda buf: lib.brink_forecast_json(ctx.ptr, out[0], sc.start, name,
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
