#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `brink record` and `brink score`: yearly counts of the shipped record (the CSIS table of
# data/SOURCES.md), the stream TSV, scores of a hand-made forecast against a hand-made record
# (values worked out in tests/test_score.c), byte-identical output when rows after the scored
# windows are added, and usage errors.
set -u
brink=$1
dir=tests/data/record
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0; pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAILED: $1"; fail=$((fail+1)); }
check_rc() { if [ "$2" = "$3" ]; then ok; else bad "$1 (exit $3, expected $2)"; fi; }
check_has() { if grep -qF -- "$3" <<<"$2"; then ok; else bad "$1: no '$3' in: $2"; fi; }
check_eq() { if [ "$2" = "$3" ]; then ok; else bad "$1: '$2' != '$3'"; fi; }

# --- record summary on the shipped data (found as ./data from the source tree)
out=$("$brink" record summary --from 2013-01-01 --to 2017-12-31); check_rc "summary" 0 $?
# year bm icbm nuclear clash war: the CSIS table of data/SOURCES.md
check_eq "2013 row" "$(awk '$1 == 2013 {print $2, $3, $4, $5, $6}' <<<"$out")" "4 0 1 0 0"
check_eq "2014 row" "$(awk '$1 == 2014 {print $2, $3, $4, $5, $6}' <<<"$out")" "11 0 0 5 0"
check_eq "2016 row" "$(awk '$1 == 2016 {print $2, $3, $4, $5, $6}' <<<"$out")" "18 0 2 0 0"
check_eq "2017 row" "$(awk '$1 == 2017 {print $2, $3, $4, $5, $6}' <<<"$out")" "14 2 1 0 0"
check_eq "five years" "$(grep -c '^20' <<<"$out")" "5"
check_has "summary counts files" "$out" "record: 4 files (1 csis, 0 launch, 3 timeline)"
out=$(BRINK_DATA_DIR=$PWD/data "$brink" record summary --from 2018-01-01 --to 2018-12-31); check_rc "summary with BRINK_DATA_DIR" 0 $?
# 2018: suspension of UFG (Jun), Vigilant Ace (Oct), Foal Eagle scaled back (Nov)
check_eq "2018 suspensions" "$(awk '$1 == 2018 {print $8}' <<<"$out")" "3"
out=$(cd "$tmp" && BRINK_DATA_DIR=/nonexistent "$brink" record summary 2>&1); check_rc "data dir missing" 1 $?
check_has "data dir message" "$out" "cannot open '/nonexistent/csis_provocations_1958_2022.tsv'"
out=$("$brink" record summary --record $dir/csis_hand.tsv --record $dir/timeline_hand.tsv --unmapped --from 2006-01-01 --to 2008-12-31)
check_has "unmapped listed" "$out" "unmapped: $dir/csis_hand.tsv:11: class 'DRONE'"
check_has "unmapped timeline" "$out" "unmapped: $dir/timeline_hand.tsv:7: event_type 'missile_count_year'"
check_has "uncounted" "$out" "not counted: 1 DPRK timeline rows"

# --- record streams
out=$("$brink" record streams --record $dir/csis_hand.tsv --record $dir/allied_hand.tsv --to 2007-12-31); check_rc "streams" 0 $?
check_eq "streams" "$out" "date	stream
2006-03-01	dprk_bm
2007-02-01	dprk_bm
2007-03-05	allied_exercise
2007-05-01	dprk_bm
2007-05-01	dprk_icbm
2007-06-01	dprk_nuclear
2007-08-20	allied_exercise
2007-08-21	allied_deployment"
"$brink" record streams -o "$tmp/s.tsv" >/dev/null; check_rc "streams -o" 0 $?
check_eq "streams header" "$(head -1 "$tmp/s.tsv")" "date	stream"
check_eq "no stream after the record" "$(awk -F'\t' 'NR > 1 && $1 > "2022-11-06"' "$tmp/s.tsv" | wc -l)" "0"
check_eq "icbm days 2017" "$(grep -c '^2017-.*dprk_icbm' "$tmp/s.tsv")" "2"

# --- score: hand-made forecast and record (tests/test_score.c has the hand computation)
out=$("$brink" score $dir/forecast.json --record $dir/csis_hand.tsv --format csv); check_rc "score csv" 0 $?
check_has "forecast row" "$out" "2008-01-07,2009-01-04,bm_launch_days,2,forecast,1,0.625,1.3862943611198906,0.0625"
check_has "climatology row" "$out" "2009-01-05,2010-01-03,bm_launch_days,0,climatology,1.5,1.25,9.210340371976182,1"
out=$("$brink" score $dir/forecast.json --record $dir/csis_hand.tsv); check_rc "score table" 0 $?
check_has "skill line" "$out" "bm_launch_days   crps   forecast     climatology      0.3125     0.7500    0.583   2"
out=$("$brink" score $dir/forecast.json --record $dir/csis_hand.tsv --reference hawkes=$dir/reference.json --format json); check_rc "score json + reference" 0 $?
check_has "reference in json" "$out" '"model": "hawkes", "baseline": "climatology"'
out=$("$brink" score $dir/forecast.json --record $dir/csis_hand.tsv --record-end 2009-12-31); check_rc "record end" 0 $?
check_has "unscored window" "$out" "window 2009-01-05 not scored: it ends after the record"

# --- leakage: rows on or after the origin, past the scored windows, change no byte
cat $dir/csis_hand.tsv > "$tmp/more.tsv"
tail -n +2 $dir/csis_after.tsv >> "$tmp/more.tsv"
for f in table csv json; do
  a=$("$brink" score $dir/forecast.json --record $dir/csis_hand.tsv --format $f)
  b=$("$brink" score $dir/forecast.json --record "$tmp/more.tsv" --format $f)
  c=$("$brink" score $dir/forecast.json --record $dir/csis_hand.tsv --record $dir/csis_after.tsv --format $f)
  if [ "$a" = "$b" ] && [ "$a" = "$c" ]; then ok; else bad "leakage ($f)"; fi
done
# rows on the origin day move the observed count, never a baseline
a=$("$brink" score $dir/forecast.json --record $dir/csis_hand.tsv --format json | grep '"baselines"')
b=$("$brink" score $dir/forecast.json --record $dir/csis_hand.tsv --record $dir/csis_on_origin.tsv --format json | grep '"baselines"')
check_eq "baselines blind to the origin day" "$a" "$b"

# --- errors and usage
out=$("$brink" score $dir/forecast.json --record $dir/nothere.tsv 2>&1); check_rc "missing record" 1 $?
check_has "missing record message" "$out" "brink score: cannot open '$dir/nothere.tsv'"
printf 'date\tclass\ticbm\tcsis_type\tcsis_event\tsource\n2020-01-01\tBM\tx\tt\te\thttp://a\n' > "$tmp/bad.tsv"
out=$("$brink" record summary --record "$tmp/bad.tsv" 2>&1); check_rc "bad row" 1 $?
check_has "bad row message" "$out" "$tmp/bad.tsv:2:15: bad icbm 'x'"
out=$("$brink" score 2>&1); check_rc "score without forecast" 2 $?
out=$("$brink" score $dir/forecast.json --format xml 2>&1); check_rc "bad format" 2 $?
out=$("$brink" score $dir/forecast.json --reference hawkes 2>&1); check_rc "bad reference" 2 $?
check_has "bad reference message" "$out" "expected NAME=FILE"
out=$("$brink" score $dir/forecast.json --reference climatology=$dir/reference.json 2>&1); check_rc "taken reference name" 2 $?
out=$("$brink" record frobnicate 2>&1); check_rc "unknown subcommand" 2 $?
out=$("$brink" record summary --from 2020-02-30 2>&1); check_rc "bad day" 2 $?
for c in "score" "record" "record summary" "record streams"; do
  out=$("$brink" $c --help); check_rc "$c --help" 0 $?
  check_has "$c --help text" "$out" "usage"
done

echo "cli_record: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
