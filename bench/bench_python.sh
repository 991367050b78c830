#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The cost of calling brink from Python: `brink compare` of every policy of Korea 2022 against
# brink.load(...).compare(...) from Python, same runs, seed and threads, measured alternately in
# one command (the median of REPS pairs). Both wall times are whole processes, from start to
# the JSON in memory (the command writes it to a file; Python builds it with result.json()),
# so interpreter start-up and `import brink` are counted against Python. It also prints the
# in-process time of compare() alone. The package is installed into a venv as tests/python.sh
# does (or taken from BRINK_PYTHONPATH).
#   BRINK_BENCH_RUNS (20000)  runs per policy     BRINK_BENCH_REPS (3)  pairs
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(cd "${BRINK_BUILD:-build}" && pwd)
runs=${BRINK_BENCH_RUNS:-20000}
reps=${BRINK_BENCH_REPS:-3}
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
scenario=scenarios/korea/2022.yaml
now() { date +%s.%N; }
cli_times=() py_times=() inproc=()
for ((i = 0; i < reps; i++)); do
  t0=$(now)
  "$build/brink" compare "$scenario" --runs "$runs" --seed 1 --threads "$threads" --quiet \
    --format json --no-timing > "$tmp/cli.json"
  t1=$(now)
  "$py" - "$scenario" "$runs" "$threads" "$tmp/py.json" > "$tmp/py.txt" <<'PY'
import sys, time
import brink
sc = brink.load(sys.argv[1])
t = time.perf_counter()
r = sc.compare(runs=int(sys.argv[2]), seed=1, threads=int(sys.argv[3]))
text = r.json()
print("%.6f" % (time.perf_counter() - t))
open(sys.argv[4], "w").write(text)
PY
  t2=$(now)
  cli_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
  py_times+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN {print b - a}')")
  inproc+=("$(head -1 "$tmp/py.txt")")
done
# The two outputs are the same result (the command's JSON, byte for byte).
cmp -s "$tmp/cli.json" "$tmp/py.json" || { echo "bench_python: Python's JSON differs from the command's" >&2; exit 1; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
c=$(median "${cli_times[@]}")
p=$(median "${py_times[@]}")
q=$(median "${inproc[@]}")
printf 'compare, Korea 2022, 6 policies x %d runs, %d threads, median of %d\n' "$runs" "$threads" "$reps"
awk -v c="$c" -v p="$p" -v q="$q" 'BEGIN {
  printf "  brink compare (process)          %8.3f s\n", c
  printf "  python brink compare (process)   %8.3f s   ratio %.4f  (overhead %+.2f%%)\n", p, p / c, (p / c - 1) * 100
  printf "  python compare() + json() alone  %8.3f s   ratio %.4f  (overhead %+.2f%%)\n", q, q / c, (q / c - 1) * 100
}'
