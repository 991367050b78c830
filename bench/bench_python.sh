#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The cost of calling brink from Python: `brink compare` of every policy of Korea 2022 against
# brink.load(...).compare(...) from Python, same runs, seed and threads, measured alternately in
# one command (the median of REPS pairs). Both wall times are whole processes, from start to
# the JSON in memory (the command writes it to a file; Python builds it with result.json()),
# so interpreter start-up and `import brink` are counted against Python. It also prints the
# in-process time of compare() alone. The package is installed into a venv as tests/python.sh
# does (or taken from BRINK_PYTHONPATH).
#   BRINK_BENCH_RUNS (20000)  runs per policy     BRINK_BENCH_REPS (5)  pairs
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(cd "${BRINK_BUILD:-build}" && pwd)
runs=${BRINK_BENCH_RUNS:-20000}
reps=${BRINK_BENCH_REPS:-5}
threads=${BRINK_BENCH_THREADS:-2}
python=${BRINK_PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "${BRINK_PYTHONPATH:-}" ]; then
  py=$python
  export PYTHONPATH=$BRINK_PYTHONPATH
else
  cp -r python "$tmp/src"
  rm -rf "$tmp/src/build" "$tmp/src"/*.egg-info
  "$python" -m venv --system-site-packages "$tmp/venv"
  BRINK_INCLUDE_DIR=$PWD/include BRINK_LIBRARY_DIR=$build "$tmp/venv/bin/pip" install --quiet \
    --no-build-isolation --no-index --no-deps --disable-pip-version-check "$tmp/src"
  py=$tmp/venv/bin/python
fi
export OMP_WAIT_POLICY=passive
# One driver runs the pairs alternately and reads each process's wall and CPU time (wait4):
# on a loaded machine CPU time (user + system) is the steadier figure; both are printed.
"$python" - "$build/brink" "$py" "$runs" "$threads" "$reps" "$tmp" <<'PY'
import os, statistics, subprocess, sys, time
brink, py, runs, threads, reps, tmp = sys.argv[1:7]
scenario = "scenarios/korea/2022.yaml"
child = r"""
import sys, time
import brink
sc = brink.load(sys.argv[1])
t = time.perf_counter()
text = sc.compare(runs=int(sys.argv[2]), seed=1, threads=int(sys.argv[3])).json()
sys.stderr.write("%.6f\n" % (time.perf_counter() - t))
open(sys.argv[4], "w").write(text)
"""

def measure(argv, stdout):
    t = time.perf_counter()
    with open(stdout, "w") as out:
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
    if status:
        sys.exit("bench_python: %s failed: %s" % (argv[0], err.decode()))
    return time.perf_counter() - t, ru.ru_utime + ru.ru_stime, err.decode()

rows = []
for i in range(int(reps)):
    c = measure([brink, "compare", scenario, "--runs", runs, "--seed", "1", "--threads", threads,
                 "--quiet", "--format", "json", "--no-timing"], tmp + "/cli.json")
    p = measure([py, "-c", child, scenario, runs, threads, tmp + "/py.json"], os.devnull)
    rows.append((c[0], c[1], p[0], p[1], float(p[2].split()[-1])))
    if open(tmp + "/cli.json").read() != open(tmp + "/py.json").read():
        sys.exit("bench_python: Python's JSON differs from the command's")
med = lambda k: statistics.median(r[k] for r in rows)
ratio = lambda a, b: statistics.median(r[a] / r[b] for r in rows)
print("compare, Korea 2022, 6 policies x %s runs, %s threads, %s alternating pairs (median)"
      % (runs, threads, reps))
print("  brink compare (process)         wall %7.3f s   cpu %7.3f s" % (med(0), med(1)))
print("  Python compare (process)        wall %7.3f s   cpu %7.3f s" % (med(2), med(3)))
print("  Python compare() + json() only  wall %7.3f s" % med(4))
print("  ratio Python / command: wall %.4f (%+.2f%%), cpu %.4f (%+.2f%%), call alone %.4f"
      % (ratio(2, 0), (ratio(2, 0) - 1) * 100, ratio(3, 1), (ratio(3, 1) - 1) * 100,
         ratio(4, 0)))
print("  (the same JSON, byte for byte, in every pair)")
PY
