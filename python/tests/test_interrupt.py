# SPDX-License-Identifier: MIT
"""Ctrl-C stops a long run: SIGINT to a process inside compare(), forecast() or a tournament
ends it with KeyboardInterrupt within a batch (a filter step, a match), not after the whole
run."""
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import KOREA

CHILD = r"""
import sys, time, brink
sc = brink.load(sys.argv[1])
print("started", flush=True)
t = time.time()
try:
    if sys.argv[2] == "compare":
        sc.compare(runs=50_000_000, seed=1, threads=2)
    elif sys.argv[2] == "filter":  # 1,000 filters of the year before the origin
        brink.forecast(sc, runs=10, origin="2022-11-07", particles=2000, replicates=1000)
    elif sys.argv[2] == "forecast":
        brink.forecast(sc, runs=50_000_000, threads=2)
    else:  # 200 players, 20,100 pairs x 1,000 repetitions x 200 turns
        brink.game.tournament(brink.game.strategies()[:10] * 20, repetitions=1000, threads=2)
except KeyboardInterrupt:
    print("interrupted after %.2f s" % (time.time() - t), flush=True)
    raise
print("finished", flush=True)
"""


@pytest.mark.parametrize("what", ["compare", "filter", "forecast", "tournament"])
def test_sigint_stops_a_long_call(what):
    child = subprocess.Popen([sys.executable, "-c", CHILD, KOREA, what], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    assert child.stdout.readline().strip() == "started"
    time.sleep(1.5)  # well inside the run, which would take minutes to hours
    sent = time.time()
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert time.time() - sent < 30
    # On failure, show the end of the child's output and traceback, not pytest's shortened repr.
    assert "interrupted after" in out and "finished" not in out, (out[-2000:], err[-2000:])
    assert "KeyboardInterrupt" in err, err[-2000:]
    assert child.returncode != 0
