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

# From a filtered origin: the record before the origin only. Rows on or after the origin
# (here a nuclear test and an ICBM day added to copies of the files) change no byte.
cp data/csis_provocations_1958_2022.tsv "$tmp/csis.tsv"
cp data/korea_timeline_2019_2022.tsv "$tmp/tl.tsv"
args=(forecast $sc --policy historical --origin 2022-05-02 --from 2021-11-01 --runs 300 --particles 200 --format json --quiet)
"$brink" "${args[@]}" --record "$tmp/csis.tsv" --record "$tmp/tl.tsv" > "$tmp/before.json"; ok "origin exit" 0 $?
has "origin in the output" '"origin": "2022-05-02"' "$(cat "$tmp/before.json")"
printf '2022-05-02\tNUCLEAR\t\tNuclear Provocation\tNuclear Test\thttps://example.org/x\n2022-06-01\tBM\t1\tMissile Provocation\tICBM Launch\thttps://example.org/y\n' >> "$tmp/csis.tsv"
printf '2022-05-03\tUS;ROK\t-\texercise\tlater exercise\thttps://example.org/z\n' >> "$tmp/tl.tsv"
"$brink" "${args[@]}" --record "$tmp/csis.tsv" --record "$tmp/tl.tsv" > "$tmp/after.json"
cmp -s "$tmp/before.json" "$tmp/after.json"; ok "rows on or after the origin change nothing" 0 $?
# A row before the origin does change it (the check above can fail).
printf '2022-04-20\tNUCLEAR\t\tNuclear Provocation\tNuclear Test\thttps://example.org/w\n' >> "$tmp/csis.tsv"
"$brink" "${args[@]}" --record "$tmp/csis.tsv" --record "$tmp/tl.tsv" > "$tmp/earlier.json"
cmp -s "$tmp/before.json" "$tmp/earlier.json"; ok "a row before the origin changes the forecast" 1 $?
err=$("$brink" forecast $sc --origin 2022-05-03 --runs 10 2>&1); ok "origin not a Monday exit" 2 $?
has "origin not a Monday" "must be a Monday" "$err"

echo "cli_forecast: $pass passed, $fail failed"
[ $fail -eq 0 ]
