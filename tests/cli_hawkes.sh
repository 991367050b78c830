#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# brink hawkes fit / forecast from the outside: the table and JSON on the Korea streams file,
# the forecast JSON's shape, determinism for a seed, no use of events on or after the origin,
# and bad input with its exit code and message.
set -u
brink=$1
streams=tests/data/hawkes/korea_streams.tsv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0; pass=0
ok() { if [ "$2" = "$3" ]; then pass=$((pass+1)); else echo "FAILED: $1 (got '$3', expected '$2')"; fail=$((fail+1)); fi; }
has() { if grep -q -- "$2" <<<"$3"; then pass=$((pass+1)); else echo "FAILED: $1: no '$2' in: $3"; fail=$((fail+1)); fi; }

out=$("$brink" hawkes fit $streams --targets dprk_bm --inputs allied_exercise,allied_sanctions \
      --from 2006-01-01 --to 2022-11-06); ok "fit exit" 0 $?
has "fit names the window" "2006-01-01 to 2022-11-06" "$out"
has "fit has the self term" "alpha <- dprk_bm" "$out"
has "fit has an input term" "alpha <- allied_exercise" "$out"
has "fit has the time-rescaling check" "time rescaling: KS D" "$out"
has "fit counts the BM days of 2006-2022" "target dprk_bm: 105 events" "$out"

out=$("$brink" hawkes fit $streams --targets dprk_bm --inputs allied_exercise --format json); ok "fit json exit" 0 $?
for key in '"hawkes_fit"' '"targets"' '"alpha"' '"time_rescaling"' '"aic"' '"se"'; do
  has "fit json key $key" "$key" "$out"
done
python3 -c 'import json,sys; json.loads(sys.stdin.read())' <<<"$out"; ok "fit json parses" 0 $?

args=(hawkes forecast $streams --targets dprk_bm,dprk_nuclear --inputs allied_exercise
      --origin 2016-11-07 --horizon 104 --runs 300 --seed 5)
"$brink" "${args[@]}" > "$tmp/a.json"; ok "forecast exit" 0 $?
"$brink" "${args[@]}" -o "$tmp/b.json"; ok "forecast -o exit" 0 $?
cmp -s "$tmp/a.json" "$tmp/b.json"; ok "same bytes for the same seed" 0 $?
python3 - "$tmp/a.json" <<'PY'; ok "forecast json shape" 0 $?
import json, sys
f = json.load(open(sys.argv[1]))["forecast"]
assert f["origin"] == "2016-11-07" and f["runs"] == 300 and f["seed"] == 5 and f["model"] == "hawkes"
w = f["windows"]
assert [x["start"] for x in w] == ["2016-11-07", "2017-11-06"], w
assert [x["end"] for x in w] == ["2017-11-05", "2018-11-04"], w
for x in w:
    for name in ("bm_launch_days", "nuclear_tests"):
        s = x["series"][name]
        assert sum(s["hist"]) == 300
        m = sum(k * n for k, n in enumerate(s["hist"])) / 300
        assert abs(m - s["mean"]) < 1e-9
        assert s["q05"] <= s["q50"] <= s["q95"]
PY
# Rows on or after the origin change nothing.
{ cat $streams; printf '2016-11-08\tdprk_bm\n2017-01-01\tdprk_bm\n2016-11-07\tallied_exercise\n'; } > "$tmp/more.tsv"
"$brink" hawkes forecast "$tmp/more.tsv" "${args[@]:3}" > "$tmp/c.json"; ok "forecast with later rows" 0 $?
cmp -s "$tmp/a.json" "$tmp/c.json"; ok "later rows are ignored" 0 $?
"$brink" "${args[@]:0:11}" --runs 300 --seed 6 > "$tmp/d.json"
cmp -s "$tmp/a.json" "$tmp/d.json"; ok "another seed differs" 1 $?

# A horizon that is not whole years: the last window is shorter.
out=$("$brink" "${args[@]:0:9}" --horizon 60 --runs 50 --seed 1); ok "60-week forecast" 0 $?
python3 -c 'import json,sys; w=json.loads(sys.stdin.read())["forecast"]["windows"]; assert [(x["start"], x["end"]) for x in w] == [("2016-11-07", "2017-11-05"), ("2017-11-06", "2017-12-31")], w' <<<"$out"
ok "60 weeks end on day 420" 0 $?

# An input with no event before the origin is left out, with a note.
err=$("$brink" hawkes forecast $streams --targets dprk_bm --inputs allied_exercise,allied_sanctions \
      --origin 2009-11-09 --runs 20 2>&1 >"$tmp/e.json"); ok "early origin" 0 $?
has "empty input noted" "input 'allied_exercise' has no event in the window; left out" "$err"
has "streams used" '"streams": \["dprk_bm", "allied_sanctions"\]' "$(cat "$tmp/e.json")"

bad() { # name expected-rc expected-message args...
  local name=$1 rc=$2 msg=$3; shift 3
  err=$("$brink" "$@" 2>&1 >/dev/null); ok "$name exit" "$rc" $?
  has "$name message" "$msg" "$err"
}
bad "no targets" 2 "--targets is required" hawkes fit $streams
bad "no origin" 2 "--origin is required" hawkes forecast $streams --targets dprk_bm
bad "bad date" 2 "expects a date YYYY-MM-DD" hawkes fit $streams --targets dprk_bm --from 2020-13-01
bad "unknown target" 1 "stream 'dprk_xyz' has no event in the window" hawkes fit $streams --targets dprk_xyz --inputs allied_exercise
bad "bad file" 1 "bad_date.tsv:3:1: bad date" hawkes fit tests/data/hawkes/bad_date.tsv --targets dprk_bm
bad "missing file" 1 "cannot open" hawkes fit "$tmp/none.tsv" --targets dprk_bm
bad "unknown subcommand" 2 "unknown subcommand 'fitt'" hawkes fitt
bad "twice" 2 "named twice" hawkes fit $streams --targets dprk_bm --inputs dprk_bm
out=$("$brink" hawkes --help); ok "hawkes --help" 0 $?
has "help lists forecast" "forecast" "$out"
echo "cli_hawkes: $pass passed, $fail failed"
[ $fail -eq 0 ]
