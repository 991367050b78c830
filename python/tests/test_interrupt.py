# SPDX-License-Identifier: MIT
"""Ctrl-C stops a long run: SIGINT to a process inside compare() ends it with
KeyboardInterrupt within a batch, not after the whole run."""
import os
import signal
import subprocess
import sys
import time

from conftest import KOREA

CHILD = r"""
import sys, time, brink
sc = brink.load(sys.argv[1])
print("started", flush=True)
t = time.time()
try:
    sc.compare(runs=50_000_000, seed=1, threads=2)
except KeyboardInterrupt:
    print("interrupted after %.2f s" % (time.time() - t), flush=True)
    raise
print("finished", flush=True)
"""


def test_sigint_stops_a_long_compare():
    child = subprocess.Popen([sys.executable, "-c", CHILD, KOREA], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    assert child.stdout.readline().strip() == "started"
    time.sleep(1.5)  # well inside the run: 50 million runs x 6 policies take hours
    sent = time.time()
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert time.time() - sent < 30
    assert "interrupted after" in out and "finished" not in out
    assert "KeyboardInterrupt" in err
    assert child.returncode != 0
