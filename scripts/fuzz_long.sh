#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every fuzz target of build-fuzz/ for FUZZ_SECONDS each (default 1800, the 30 minutes of
# issue 19), FUZZ_JOBS targets at a time (default 1), at nice 19, with leak detection on.
# Corpora live in tests/fuzz/corpus/NAME (NAME: the target without fuzz_) and grow with what
# the fuzzer finds; crashes and logs go to build-fuzz/artifacts/. At the end a table gives,
# per target, the executions, the seconds run, peak RSS and whether it ended clean; the same
# table is kept in build-fuzz/artifacts/summary.tsv. Exit status 1 if any target failed.
# Called by `make fuzz-long` (after `make fuzz` has built the targets).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-1800}
jobs=${FUZZ_JOBS:-1}
art=build-fuzz/artifacts
mkdir -p "$art"
targets=()
for t in build-fuzz/fuzz_*; do
  [ -x "$t" ] && targets+=("$t")
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz_long: no fuzz targets in build-fuzz/ (run make fuzz first)" >&2
  exit 1
fi
echo "fuzz_long: ${#targets[@]} targets x ${seconds} s, ${jobs} at a time (nice 19, leak detection on)"

one() {
  local t=$1 name corpus start end rc
  name=$(basename "$t")
  corpus=tests/fuzz/corpus/${name#fuzz_}
  mkdir -p "$corpus"
  start=$(date +%s)
  rc=0
  ASAN_OPTIONS=detect_leaks=1 nice -n 19 "$t" "$corpus" -max_total_time="$seconds" \
    -max_len=65536 -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
    -artifact_prefix="$art/$name-" > "$art/$name.log" 2>&1 || rc=$?
  end=$(date +%s)
  local execs rss
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$art/$name.log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$art/$name.log" | tail -1)
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "${execs:-0}" $((end - start)) "${rss:-?}" \
    "$([ "$rc" -eq 0 ] && echo clean || echo "FAILED (exit $rc, see $art/$name.log)")" \
    > "$art/$name.summary"
  cut -f1,5 "$art/$name.summary" | sed 's/\t/: /'
}
export -f one
export seconds art
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'one "$@"' _ {}

{
  printf 'target\texecutions\tseconds\tpeak_rss_mb\tresult\n'
  for t in "${targets[@]}"; do cat "$art/$(basename "$t").summary"; done
} > "$art/summary.tsv"
column -t -s $'\t' "$art/summary.tsv"
awk -F'\t' 'NR > 1 { n += $2 } END { printf "total executions: %d\n", n }' "$art/summary.tsv"
! grep -q FAILED "$art/summary.tsv"
