#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Sweep scaling across MPI processes: 64 design points x 2,000 runs per policy (two policies)
# on scenarios/korea/2022.yaml, on 1 process and on 2 processes (mpirun), 1 thread each,
# timed in the same run; prints both wall times, the speed-up as a ratio, and checks that the
# two outputs are the same bytes. BRINK_BENCH_ROUNDS (default 3) rounds alternate the two and
# their medians are compared. Needs a build with MPI (BRINK_WITH_MPI) and mpirun.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BRINK_BUILD:-build}
ranks=${BRINK_BENCH_RANKS:-2}
runs=${BRINK_BENCH_RUNS:-2000}
points=${BRINK_BENCH_POINTS:-64}
rounds=${BRINK_BENCH_ROUNDS:-3}
if ! command -v mpirun >/dev/null 2>&1; then
  echo "bench_sweep: mpirun not found (apt-get install openmpi-bin libopenmpi-dev); skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(sweep scenarios/korea/2022.yaml --param dprk_greed=0.05:0.95 --param us_china_relations=-0.9:0.5
      --design sobol --points "$points" --policies maximum_pressure,proactive_diplomacy
      --runs "$runs" --seed 1 --threads 1 --format csv --quiet)
now() { date +%s.%N; }
# Rounds alternate the two measurements so that a change in the machine's speed (a shared
# host's neighbours) hits both alike; the medians are compared.
ones=() manys=() same=yes
for ((round = 1; round <= rounds; round++)); do
  t0=$(now)
  "$build/brink" "${args[@]}" > "$tmp/one.csv"
  t1=$(now)
  mpirun --allow-run-as-root --oversubscribe -np "$ranks" "$build/brink" "${args[@]}" > "$tmp/many.csv"
  t2=$(now)
  cmp -s "$tmp/one.csv" "$tmp/many.csv" || same=no
  ones+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
  manys+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f", b - a }')")
  echo "  round $round: 1 process ${ones[-1]} s, $ranks processes ${manys[-1]} s" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
one=$(median "${ones[@]}")
many=$(median "${manys[@]}")
awk -v one="$one" -v many="$many" -v k="$ranks" -v p="$points" -v r="$runs" -v n="$rounds" -v same="$same" 'BEGIN {
  printf "sweep of %d points x %d runs x 2 policies, 1 thread per process, median of %d rounds\n", p, r, n
  printf "  1 process:   %7.2f s  (%.0f runs/s)\n", one, p * r * 2 / one
  printf "  %d processes: %7.2f s  (%.0f runs/s, mpirun start-up included)\n", k, many, p * r * 2 / many
  printf "  speed-up:    %.2fx (goal >= 1.8x on 2 idle cores)\n", one / many
  printf "  same bytes:  %s\n", same
}'
[ "$same" = yes ]
