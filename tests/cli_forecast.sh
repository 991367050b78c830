#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `brink forecast`: help, JSON windows whose histograms add up to the run count, the same bytes
# for 1 and 2 threads, the table, and errors (unknown policy, malformed series table) with
# their exit codes. Run from the source tree with the path of the built command.
set -u
brink=$1
sc=scenarios/korea/2022.yaml
fail=0; pass=0
ok() { if [ "$2" = "$3" ]; then pass=$((pass+1)); else echo "FAILED: $1 (got '$3', expected '$2')"; fail=$((fail+1)); fi; }
has() { if grep -qF -- "$2" <<<"$3"; then pass=$((pass+1)); else echo "FAILED: $1: no '$2' in:"; echo "$3" | head -5; fail=$((fail+1)); fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$brink" forecast --help >/dev/null; ok "help exit" 0 $?
"$brink" forecast $sc --policy historical --runs 300 --seed 2 --threads 1 --format json --quiet > "$tmp/a.json"; ok "json exit" 0 $?
"$brink" forecast $sc --policy historical --runs 300 --seed 2 --threads 2 --format json --quiet > "$tmp/b.json"
cmp -s "$tmp/a.json" "$tmp/b.json"; ok "1 and 2 threads: same bytes" 0 $?
has "origin" '"origin": "2022-11-07"' "$(cat "$tmp/a.json")"
has "second window" '"start": "2023-11-06", "end": "2024-11-03"' "$(cat "$tmp/a.json")"
# Every histogram adds up to the runs (awk over the "hist" arrays).
bad=$(grep -o '"hist": \[[^]]*\]' "$tmp/a.json" | awk -F'[][]' '{ n = split($2, v, ", "); s = 0; for (i = 1; i <= n; i++) s += v[i]; if (s != 300) bad++ } END { print bad + 0 }')
ok "histograms add up to 300 runs" 0 "$bad"
ok "ten histograms (2 windows x 5 series)" 10 "$(grep -o '"hist": ' "$tmp/a.json" | wc -l | tr -d ' ')"
out=$("$brink" forecast $sc --policy maximum_pressure --runs 200 --horizon 52 --quiet); ok "table exit" 0 $?
has "table header" "bm_launch_days" "$out"
has "table names runs and seed" "200 runs, seed 1" "$out"
err=$("$brink" forecast $sc --policy nope --runs 10 2>&1); ok "unknown policy exit" 2 $?
has "unknown policy message" "has no policy 'nope'" "$err"
printf 'actor\taction\tseries\nDPRK\tsrbm_launch\tlaunch_days\n' > "$tmp/series.tsv"
err=$("$brink" forecast $sc --runs 10 --series "$tmp/series.tsv" 2>&1); ok "bad series exit" 1 $?
has "bad series location" "series.tsv:2:18: unknown series 'launch_days'" "$err"
printf 'actor\taction\tseries\nDPRK\tsrbm\tbm_launch_days\n' > "$tmp/series.tsv"
err=$("$brink" forecast $sc --runs 10 --series "$tmp/series.tsv" 2>&1); ok "unknown action exit" 1 $?
has "unknown action" "series.tsv:2:6: actor 'DPRK' has no action 'srbm'" "$err"

echo "cli_forecast: $pass passed, $fail failed"
[ $fail -eq 0 ]
