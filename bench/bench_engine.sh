#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Monte Carlo engine throughput on scenarios/korea/2022.yaml with 1 and 2 threads (see
# bench/bench_engine.c for what the in-process baseline is), and the same benchmark of the
# engine and model of an earlier revision (default: the last commit before model v2), built
# from git into a temporary folder and run in the same command on that revision's own
# Korea 2022 scenario, so the cost of the new mechanisms is a ratio measured here and now.
#   BRINK_BENCH_RUNS (20000)  runs per policy
#   BRINK_BENCH_BASELINE (dece5cc)  the earlier revision; empty to skip it
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BRINK_BUILD:-build}
runs=${BRINK_BENCH_RUNS:-20000}
rev=${BRINK_BENCH_BASELINE-dece5cc}
now=$("$build/bench_engine" scenarios/korea/2022.yaml "$runs")
echo "== this revision ($(git rev-parse --short HEAD 2>/dev/null || echo working tree))"
echo "$now"
if [ -n "$rev" ] && git cat-file -e "$rev^{commit}" 2>/dev/null; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  git archive "$rev" | tar -x -C "$tmp"
  cmake -S "$tmp" -B "$tmp/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRINK_WERROR=OFF >/dev/null
  cmake --build "$tmp/build" --target bench_engine -j "$(nproc)" >/dev/null
  old=$(cd "$tmp" && build/bench_engine scenarios/korea/2022.yaml "$runs")
  echo "== baseline revision $rev (its own scenarios/korea/2022.yaml)"
  echo "$old"
  # Ratios of the 2-thread engine rows: trajectories/s and actor-steps/s.
  pick() { awk '/engine \(with statistics\), 2T/ { print $(NF-2), $(NF-1) }' <<<"$1"; }
  read -r now_t now_s <<<"$(pick "$now")"
  read -r old_t old_s <<<"$(pick "$old")"
  awk -v a="$now_t" -v b="$old_t" -v c="$now_s" -v d="$old_s" 'BEGIN {
    printf "this revision / %s, 2 threads: trajectories/s %.2fx, actor-steps/s %.2fx\n", "'"$rev"'", a / b, c / d }'
fi
