#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Same seed, same bytes for any thread count (the engine's work queue folds batches in run
# order): every shipped scenario under scenarios/, every policy of it (brink compare runs them
# all), 1, 2 and 3 threads, the JSON summary and the per-run rows of --save-runs compared
# byte for byte. 200 runs keep it quick; the batches are then small (a few runs), so threads
# really interleave. A second seed must give other bytes, so the comparison is not vacuous.
set -u
brink=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0; pass=0
ok() { if [ "$2" = "$3" ]; then pass=$((pass+1)); else echo "FAILED: $1 (got '$3', expected '$2')"; fail=$((fail+1)); fi; }
runs=200
n=0
for sc in scenarios/*/*.yaml; do
  name=$(basename "$(dirname "$sc")")_$(basename "$sc" .yaml)
  policies=$("$brink" check "$sc" 2>/dev/null | sed -n 's/^  policies (\([0-9]*\)).*/\1/p')
  [ -n "$policies" ] || continue
  n=$((n + 1))
  for t in 1 2 3; do
    "$brink" compare "$sc" --runs $runs --seed 11 --threads $t --format json --no-timing --quiet \
      --save-runs "$tmp/$name.$t.csv" > "$tmp/$name.$t.json"
    ok "$name: compare, $t threads" 0 $?
  done
  ok "$name: rows of --save-runs" $((runs * policies + 1)) "$(wc -l < "$tmp/$name.1.csv" | tr -d ' ')"
  for t in 2 3; do
    cmp -s "$tmp/$name.1.json" "$tmp/$name.$t.json"; ok "$name: same summary, 1 and $t threads" 0 $?
    cmp -s "$tmp/$name.1.csv" "$tmp/$name.$t.csv"; ok "$name: same runs, 1 and $t threads" 0 $?
  done
  "$brink" compare "$sc" --runs $runs --seed 12 --threads 2 --format json --no-timing --quiet \
    --save-runs "$tmp/$name.other.csv" > /dev/null
  cmp -s "$tmp/$name.1.csv" "$tmp/$name.other.csv"; ok "$name: another seed, other runs" 1 $?
done
# Every shipped scenario with policies was compared (base.yaml has them too).
ok "scenarios compared" "$(ls scenarios/*/*.yaml | wc -l | tr -d ' ')" "$n"
echo "cli_threads: $pass passed, $fail failed ($n scenarios)"
[ $fail -eq 0 ]
