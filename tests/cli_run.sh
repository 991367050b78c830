#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# brink run / compare / trace from the outside: outputs, byte-identical results across thread
# counts, --save-runs, --out, and every bad input with its exit code and message.
set -u
brink=$1
sc=tests/data/model/crisis.yaml
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
fail=0; pass=0
ok() { if [ "$2" = "$3" ]; then pass=$((pass+1)); else echo "FAILED: $1 (got '$3', expected '$2')"; fail=$((fail+1)); fi; }
has() { if grep -q -- "$2" <<<"$3"; then pass=$((pass+1)); else echo "FAILED: $1: no '$2' in: $3"; fail=$((fail+1)); fi; }

out=$("$brink" run $sc --policy maximum_pressure --runs 500 --quiet); ok "run exit" 0 $?
has "run table names runs" "500 runs per policy" "$out"
has "run table has the policy" "maximum_pressure" "$out"
has "run table units" "Wilson intervals" "$out"

"$brink" compare $sc --runs 1500 --threads 1 --format json --no-timing --quiet > "$tmp/t1.json"; ok "compare t1" 0 $?
"$brink" compare $sc --runs 1500 --threads 2 --format json --no-timing --quiet > "$tmp/t2.json"; ok "compare t2" 0 $?
cmp -s "$tmp/t1.json" "$tmp/t2.json"; ok "same bytes for 1 and 2 threads" 0 $?
for key in '"scenario"' '"seed"' '"runs"' '"horizon"' '"version"' '"policies"' '"p_armed_conflict"' '"provocations"' '"p_talks"' '"tension"' '"differences"'; do
  has "json key $key" "$key" "$(cat "$tmp/t1.json")"
done
has "no timing with --no-timing" '"runs": 1500' "$(cat "$tmp/t1.json")"
grep -q '"timing"' "$tmp/t1.json"; ok "timing absent" 1 $?
"$brink" compare $sc --runs 300 --format json --quiet | tail -3 | grep -q '"timing"'; ok "timing last" 0 $?

out=$("$brink" compare $sc --policies maximum_pressure,reciprocal_restraint --runs 400 --format csv --quiet); ok "csv exit" 0 $?
ok "csv rows" 3 "$(wc -l <<<"$out" | tr -d ' ')"
has "csv header" "scenario,scenario_file,overrides,seed,rng,runs,horizon,confidence,policy,p_armed_conflict," "$out"
has "csv row carries the scenario, seed and runs" "crisis-test,$sc,,1,philox4x32-10,400,104,0.95,maximum_pressure," "$out"
out=$("$brink" compare $sc --policies maximum_pressure --runs 100 --set params.greed=0.7 --set 'params.relations=-0.1' --format csv --quiet)
has "csv row carries the overrides" ",params.greed=0.7;params.relations=-0.1,1," "$out"

"$brink" compare $sc --policies tit_for_tat,consult_beijing --runs 200 --quiet --out "$tmp/o" --save-runs "$tmp/runs.csv" >/dev/null; ok "out exit" 0 $?
for f in result.json result.csv table.txt report.html; do [ -s "$tmp/o/$f" ]; ok "out/$f written" 0 $?; done
ok "save-runs rows" 401 "$(wc -l < "$tmp/runs.csv" | tr -d ' ')"
has "save-runs header" "run,policy,war_step" "$(head -1 "$tmp/runs.csv")"
ls "$tmp"/*.tmp* "$tmp"/o/*.tmp* "$tmp"/o/.brink* >/dev/null 2>&1; ok "no temporary files left" 2 $?

# Bad input: exit 2, a clear message, nothing written.
bad() { # name expected-message args...
  local name=$1 msg=$2; shift 2
  local err; err=$("$brink" "$@" 2>&1 >/dev/null); local rc=$?
  ok "$name exit" 2 $rc; has "$name message" "$msg" "$err"
}
# A directory that cannot be written is a runtime failure (exit 1), not a usage error.
bad1() {
  local name=$1 msg=$2; shift 2
  local err; err=$("$brink" "$@" 2>&1 >/dev/null); local rc=$?
  ok "$name exit" 1 $rc; has "$name message" "$msg" "$err"
}
bad "runs 0" "between 1 and" run $sc --runs 0
bad "runs -5" "between 1 and" run $sc --runs -5
bad "runs 1e99" "whole number" run $sc --runs 1e99
bad "threads 0" "between 1 and" run $sc --threads 0
bad "unknown policy" "unknown policy 'nope'" run $sc --policy nope
bad "bad format" "must be one of table|csv|json" run $sc --format xml
bad "unknown option" "unknown option" run $sc --rums 5
mkdir -p "$tmp/ro"; chmod a-w "$tmp/ro"
if [ "$(id -u)" -ne 0 ]; then
  bad1 "unwritable out" "cannot" run $sc --runs 10 --out "$tmp/ro/x"
fi
touch "$tmp/file"
bad1 "out is a file" "cannot" run $sc --runs 10 --out "$tmp/file/sub"
"$brink" run tests/data/scenario/err_unknown_key.yaml --runs 10 >/dev/null 2>&1; ok "bad scenario exit" 1 $?

# per-run counts of every ladder action: the behavioural actor takes exactly one act a step, so
# its counts add up to the steps run (war_step + 1, or the horizon); the JSON histogram of an
# action adds up to the run count and its mean equals the mean of the CSV column.
"$brink" run $sc --policy maximum_pressure --runs 300 --seed 4 --quiet --no-timing --format json \
  --save-runs "$tmp/counts.csv" > "$tmp/counts.json"; ok "counts exit" 0 $?
bad_rows=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i ~ /^n_Red_/) red[i] = 1; if ($i == "war_step") w = i } next }
  { s = 0; for (i in red) s += $i; steps = ($w == "") ? 104 : $w + 1; if (s != steps) bad++ }
  END { print bad + 0 }' "$tmp/counts.csv")
ok "red counts add up to the steps run" 0 "$bad_rows"
csv_mean=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "n_Red_srbm") c = i; next } { s += $c } END { printf "%.6f", s / (NR - 1) }' "$tmp/counts.csv")
if command -v python3 >/dev/null; then
  json_check=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
a = [x for x in d["policies"][0]["actions"] if x["actor"] == "Red" and x["action"] == "srbm"][0]
h = a["hist"]
print(sum(h), "%.6f" % (sum(k * n for k, n in enumerate(h)) / sum(h)), "%.6f" % a["per_run"]["mean"])' "$tmp/counts.json")
  ok "srbm histogram, histogram mean, JSON mean" "300 $csv_mean $csv_mean" "$json_check"
fi

# An action whose intensity is a $param reports the parameter's prior mean and name, not 0.
out=$("$brink" run $sc --policy maximum_pressure --runs 20 --quiet --no-timing --format json \
  --set 'params.srbm_rung={dist: uniform, lo: 3, hi: 5}' --set 'actors.Red.ladder.srbm.intensity=$srbm_rung')
has "intensity of a \$param" '"action": "srbm", "kind": "military", "cameo": "150", "intensity": 4, "intensity_param": "srbm_rung"' "$out"

# --posterior: the parameters it names come from the sample (here every run greedy), the
# others from their priors; bad samples are refused with their location.
printf '# a hand-made sample\ngreed\n1\n1\n1\n' > "$tmp/post.tsv"
"$brink" run $sc --policy maximum_pressure --runs 50 --quiet --set 'params.greed={dist: uniform, lo: 0, hi: 1}' --posterior "$tmp/post.tsv" --save-runs "$tmp/post.csv" --format json --no-timing > "$tmp/post.json"; ok "posterior exit" 0 $?
ok "posterior: every run greedy" 50 "$(grep -c ',greedy,' "$tmp/post.csv")"
has "posterior named in the result" "\"posterior\": \"$tmp/post.tsv\"" "$(cat "$tmp/post.json")"
printf 'greed\n2\n' > "$tmp/post2.tsv"
err=$("$brink" run $sc --runs 5 --quiet --set 'params.greed={dist: uniform, lo: 0, hi: 1}' --posterior "$tmp/post2.tsv" 2>&1); ok "posterior outside support exit" 1 $?
err2=$("$brink" run $sc --runs 5 --quiet --posterior "$tmp/post.tsv" 2>&1); ok "posterior of a constant exit" 1 $?
has "posterior of a constant" "is a constant of" "$err2"
has "posterior outside support" "outside its prior's support" "$err"
printf 'gred\n0.5\n' > "$tmp/post3.tsv"
err=$("$brink" run $sc --runs 5 --quiet --posterior "$tmp/post3.tsv" 2>&1); ok "posterior unknown column exit" 1 $?
has "posterior unknown column" "posterior column 'gred' is not a parameter" "$err"
printf 'greed\nhalf\n' > "$tmp/post4.tsv"
err=$("$brink" run $sc --runs 5 --quiet --posterior "$tmp/post4.tsv" 2>&1); ok "posterior bad number exit" 1 $?
has "posterior bad number location" "post4.tsv:2:1: expected a number for 'greed', found 'half'" "$err"

# trace
out=$("$brink" trace $sc --policy maximum_pressure --seed 3); ok "trace exit" 0 $?
has "trace has ISO weeks" "2024-W" "$out"
has "trace names CAMEO" "CAMEO 150, Goldstein -7.2" "$out"
out=$("$brink" trace $sc --policy maximum_pressure --seed 3 --format csv); ok "trace csv exit" 0 $?
has "trace csv header" "step,label,action_Red" "$out"
ok "trace csv rows" 105 "$(wc -l <<<"$out" | tr -d ' ')"
"$brink" trace $sc --seed 3 --format json | grep -q '"events"'; ok "trace json" 0 $?

echo "cli_run: $pass passed, $fail failed"
[ $fail -eq 0 ]
