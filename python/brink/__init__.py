# SPDX-License-Identifier: MIT
"""brink from Python: scenarios, Monte Carlo comparisons, forecasts and scores, event data and
iterated games, over the C library libbrink through cffi (docs/python.md).

    import brink
    sc = brink.load("scenarios/korea/2022.yaml", set={"params.dprk_greed": 0.9})
    result = sc.compare(runs=20000, seed=1)
    result.to_pandas("summary")
"""
from brink import events, game
from brink._core import Error, OutOfMemoryError
from brink._native import ffi as _ffi
from brink._native import lib as _lib
from brink.forecast import Forecast, forecast, score
from brink.result import Result
from brink.scenario import Param, Scenario, load

__all__ = ["Error", "OutOfMemoryError", "Scenario", "Param", "Result", "Forecast", "load",
           "forecast", "score", "events", "game", "__version__"]

__version__ = "0.1.0"
