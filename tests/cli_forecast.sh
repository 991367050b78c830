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
"$brink" forecast $sc --runs 300 --seed 2 --threads 1 --format json --quiet > "$tmp/d.json"
cmp -s "$tmp/a.json" "$tmp/d.json"; ok "default policy: historical (the recorded behaviour)" 0 $?
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

# Several policies from one filtered state: a comparison with common random numbers. The
# policy's own numbers equal its single-policy forecast (same particles, same streams); the
# baseline is `historical`; the validation file's skills are printed; same bytes on 1 and 2
# threads.
cargs=(forecast $sc --origin 2022-05-02 --from 2021-11-01 --runs 300 --particles 200 --quiet --replicates 2)
printf 'series\treference\tmean_skill\twindows\tperiod\nbm_launch_days\tpersistence\t-0.25\t26\ttest period\n' > "$tmp/val.tsv"
out=$("$brink" "${cargs[@]}" --policy maximum_pressure,historical --validation "$tmp/val.tsv"); ok "compare exit" 0 $?
has "compare baseline" "(baseline)" "$out"
has "compare CRN" "common random numbers" "$out"
has "compare greedy verdict" "is the greedy type | the record)" "$out"
has "compare validation" "bm_launch_days vs persistence: mean CRPS skill -0.25 over 26 scored 52-week windows (test period): the model did not beat the baseline" "$out"
"$brink" "${cargs[@]}" --policy all --format json --threads 1 > "$tmp/c1.json"; ok "compare json exit" 0 $?
"$brink" "${cargs[@]}" --policy all --format json --threads 2 > "$tmp/c2.json"
cmp -s "$tmp/c1.json" "$tmp/c2.json"; ok "compare: 1 and 2 threads same bytes" 0 $?
ok "compare: six policies" 6 "$(grep -o '"policy": ' "$tmp/c1.json" | wc -l | tr -d ' ')"
has "compare json diff of the baseline is 0" '"policy": "historical", "armed_conflict": {"p": ' "$(cat "$tmp/c1.json")"
python3 - "$tmp/c1.json" <<'PY' || { echo "FAILED: compare json"; fail=$((fail+1)); }
import json, sys
c = json.load(open(sys.argv[1]))["forecast_compare"]
base = [p for p in c["policies"] if p["policy"] == c["baseline"]][0]
assert c["baseline"] == "historical" and base["armed_conflict"]["diff"] == 0.0
for p in c["policies"]:
    a = p["armed_conflict"]
    assert 0 <= a["lo"] <= a["p"] <= a["hi"] <= 1, p
assert 0 <= c["filter"]["p_greedy"] <= 1 and c["filter"]["replicates"] == 2
PY
"$brink" "${cargs[@]}" --policy maximum_pressure --format json > "$tmp/one.json"
mp=$(python3 -c "import json,sys; f=json.load(open(sys.argv[1]))['forecast']; print(round(sum(w['series']['armed_conflict']['mean'] for w in f['windows']), 12))" "$tmp/one.json")
mc=$(python3 -c "import json,sys; c=json.load(open(sys.argv[1]))['forecast_compare']; print(round([p for p in c['policies'] if p['policy']=='maximum_pressure'][0]['armed_conflict']['p'], 12))" "$tmp/c1.json")
ok "compare: a policy's conflict share equals its own forecast" "$mp" "$mc"
"$brink" "${cargs[@]}" --policy all --validation "$tmp/val.tsv" --html "$tmp/c.html" > /dev/null; ok "compare html exit" 0 $?
has "compare html: the table" "P(armed conflict) [95% CI]" "$(cat "$tmp/c.html")"
has "compare html: the validation" "the model did not beat the baseline" "$(cat "$tmp/c.html")"
printf 'series\tref\n' > "$tmp/badval.tsv"
err=$("$brink" "${cargs[@]}" --policy all --validation "$tmp/badval.tsv" 2>&1); ok "bad validation exit" 1 $?
has "bad validation location" "badval.tsv:1:1: expected the header" "$err"
err=$("$brink" "${cargs[@]}" --policy historical,nope 2>&1); ok "unknown policy in a list exit" 2 $?
has "unknown policy in a list" "has no policy 'nope' (--policy, column 12)" "$err"

echo "cli_forecast: $pass passed, $fail failed"
[ $fail -eq 0 ]
