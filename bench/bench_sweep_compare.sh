#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One `brink compare` divided across MPI processes: scenarios/korea/2022.yaml, every policy,
# 20,000 runs, on 1 process and on 2 processes (mpirun: each runs a block of the runs and rank
# 0 merges the summaries), 1 thread each, timed in the same run; prints both wall times, the
# speed-up as a ratio, and checks that the two JSON results are the same bytes. Needs a build
# with MPI (BRINK_WITH_MPI) and mpirun.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BRINK_BUILD:-build}
ranks=${BRINK_BENCH_RANKS:-2}
runs=${BRINK_BENCH_RUNS:-20000}
if ! command -v mpirun >/dev/null 2>&1; then
  echo "bench_sweep_compare: mpirun not found (apt-get install openmpi-bin libopenmpi-dev); skipped"
  exit 0
fi
if ! grep -q 'BRINK_WITH_MPI:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "bench_sweep_compare: $build has no MPI (BRINK_WITH_MPI off); skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(compare scenarios/korea/2022.yaml --runs "$runs" --seed 1 --threads 1 --format json
      --no-timing --quiet)
policies=$("$build/brink" compare scenarios/korea/2022.yaml --runs 1 --format csv --quiet | tail -n +2 | wc -l)
now() { date +%s.%N; }
t0=$(now)
"$build/brink" "${args[@]}" > "$tmp/one.json"
t1=$(now)
mpirun --allow-run-as-root --oversubscribe -np "$ranks" "$build/brink" "${args[@]}" > "$tmp/many.json"
t2=$(now)
same=no
cmp -s "$tmp/one.json" "$tmp/many.json" && same=yes
awk -v a="$t0" -v b="$t1" -v c="$t2" -v k="$ranks" -v r="$runs" -v np="$policies" -v same="$same" 'BEGIN {
  one = b - a; many = c - b
  printf "compare of %d runs x %d policies (Korea 2022), 1 thread per process\n", r, np
  printf "  1 process:   %7.2f s  (%.0f runs/s)\n", one, r * np / one
  printf "  %d processes: %7.2f s  (%.0f runs/s, mpirun start-up and the merge included)\n", k, many, r * np / many
  printf "  speed-up:    %.2fx\n", one / many
  printf "  same bytes:  %s\n", same
}'
[ "$same" = yes ]
