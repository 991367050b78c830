#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Monte Carlo engine throughput on Korea 2022 (every policy; the baseline's scenario files,
# which both load): this revision
# against the engine of a baseline revision (default 9e1f094, the start of issue 18), both
# measured in the same command, interleaved round by round so that the machine's load hits
# both alike. The baseline is built once from git into $build/baseline-REV (git archive; the
# same bench/bench_engine.c compiled against its library) and reused by later runs.
# Reports, as medians over the rounds:
#   new vs baseline trajectories/s on 1 thread; 1 -> 2 threads scaling of each;
#   1 vs 2 threads while a busy loop started by this script holds one core;
#   this revision's default engine (on a CPU with AVX2 the ladder choice across the actions,
#   BRINK_LANES=wide) against its own scalar path (BRINK_LANES=off: one run after another, the
#   base instruction set), the same binary, in the same rounds.
#   BRINK_BENCH_RUNS (20000)     runs per policy and measurement
#   BRINK_BENCH_ROUNDS (3)       interleaved rounds
#   BRINK_BENCH_BASELINE (9e1f094)  the baseline revision; empty to skip it
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BRINK_BUILD:-build}
runs=${BRINK_BENCH_RUNS:-20000}
rounds=${BRINK_BENCH_ROUNDS:-3}
rev=${BRINK_BENCH_BASELINE-9e1f094}
scenario=scenarios/korea/2022.yaml
spinner=
cleanup() { if [ -n "$spinner" ]; then kill "$spinner" 2>/dev/null || true; wait "$spinner" 2>/dev/null || true; fi; }
trap cleanup EXIT

base=
if [ -n "$rev" ] && git cat-file -e "$rev^{commit}" 2>/dev/null; then
  dir=$build/baseline-$rev
  if [ ! -x "$dir/build/bench_engine" ]; then
    echo "building the baseline $rev in $dir ..." >&2
    rm -rf "$dir"
    mkdir -p "$dir/src"
    git archive "$rev" | tar -x -C "$dir/src"
    cp bench/bench_engine.c "$dir/src/bench/bench_engine.c"
    cmake -S "$dir/src" -B "$dir/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRINK_WERROR=OFF >/dev/null
    cmake --build "$dir/build" --target bench_engine -j "$(nproc)" >/dev/null
  fi
  base=$dir/build/bench_engine
  # Both engines run the baseline's own scenario files: this revision's scenarios use model
  # keys the baseline does not know (e.g. `activity`), and every key added since is optional.
  scenario=$dir/src/scenarios/korea/2022.yaml
fi

rate() { awk '{ for (i = 1; i < NF; i++) if ($i == "trajectories/s") print $(i + 1) }'; }
measure() { # binary threads [BRINK_LANES] -> trajectories/s
  BRINK_LANES=${3:-} "$1" "$scenario" "$runs" "$2" 1 | rate
}
declare -A r
echo "load before: $(uptime)"
for ((k = 0; k < rounds; k++)); do
  for busy in 0 1; do
    if [ "$busy" = 1 ]; then
      bash -c 'while :; do :; done' &
      spinner=$!
    fi
    for t in 1 2; do
      r[new,$busy,$t]+=" $(measure "$build/bench_engine" "$t")"
      r[scalar,$busy,$t]+=" $(measure "$build/bench_engine" "$t" off)"
      [ -n "$base" ] && r[base,$busy,$t]+=" $(measure "$base" "$t")"
    done
    if [ "$busy" = 1 ]; then cleanup; spinner=; fi
  done
done
echo "load after:  $(uptime)"
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A m
for key in "${!r[@]}"; do m[$key]=$(median <<<"${r[$key]}"); done
printf "engine, %s, %d runs x every policy, median of %d interleaved rounds (trajectories/s)\n" \
  "$scenario" "$runs" "$rounds"
printf "%-34s %14s %14s %14s\n" "" "this revision" "BRINK_LANES=off" "baseline $rev"
row() { printf "%-34s %14.0f %14.0f %14s\n" "$1" "${m[new,$2,$3]}" "${m[scalar,$2,$3]}" "${m[base,$2,$3]:--}"; }
row "1 thread" 0 1
row "2 threads" 0 2
row "1 thread, one core busy" 1 1
row "2 threads, one core busy" 1 2
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2fx", a / b }'; }
echo "this revision / baseline, 1 thread:           $(ratio "${m[new,0,1]}" "${m[base,0,1]:-}")  (goal >= 2x)"
echo "this revision / baseline, 2 threads:          $(ratio "${m[new,0,2]}" "${m[base,0,2]:-}")"
echo "default / scalar path (BRINK_LANES=off), 1 thread:  $(ratio "${m[new,0,1]}" "${m[scalar,0,1]}")"
echo "default / scalar path (BRINK_LANES=off), 2 threads: $(ratio "${m[new,0,2]}" "${m[scalar,0,2]}")"
# The machine's speed drifts between minutes: the ratio within each round, then their median.
per_round() { paste -d ' ' <(tr ' ' '\n' <<<"$1" | grep .) <(tr ' ' '\n' <<<"$2" | grep .) |
  awk '{ printf " %.4f", $1 / $2 }'; }
echo "median of per-round ratios, 1 thread: this revision / baseline $(median <<<"$(per_round "${r[new,0,1]}" "${r[base,0,1]:-}")" 2>/dev/null)," \
  "default / BRINK_LANES=off $(median <<<"$(per_round "${r[new,0,1]}" "${r[scalar,0,1]}")")"
[ -n "$base" ] && echo "per-round ratios, 1 thread, this revision / baseline:$(per_round "${r[new,0,1]}" "${r[base,0,1]}")"
echo "1 -> 2 threads, this revision:                $(ratio "${m[new,0,2]}" "${m[new,0,1]}")  (goal >= 1.85x)"
echo "1 -> 2 threads, baseline:                     $(ratio "${m[base,0,2]:-}" "${m[base,0,1]:-}")"
echo "1 -> 2 threads, one core busy, this revision: $(ratio "${m[new,1,2]}" "${m[new,1,1]}")  (goal >= 1x)"
echo "1 -> 2 threads, one core busy, baseline:      $(ratio "${m[base,1,2]:-}" "${m[base,1,1]:-}")"
