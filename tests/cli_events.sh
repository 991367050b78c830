#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `brink events`: import (summaries, bad rows with file:line, duplicates, zip, strict), index
# (table, csv, json; values computed by hand from tests/data/events, see tests/test_events.c),
# query, and usage errors. Numbers are compared as numbers.
set -u
brink=$1
dir=tests/data/events
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/e.db
fail=0; pass=0
ok() { pass=$((pass+1)); }
bad() { echo "FAILED: $1"; fail=$((fail+1)); }
check_rc() { # name expected actual
  if [ "$2" = "$3" ]; then ok; else bad "$1 (exit $3, expected $2)"; fi
}
check_has() { # name text needle
  if grep -qF -- "$3" <<<"$2"; then ok; else bad "$1: no '$3' in: $2"; fi
}
# Same CSV shape, numeric fields equal within 1e-9, other fields equal.
check_csv() { # name actual expected
  if awk -F, -v exp_text="$3" 'BEGIN { n = split(exp_text, E, "\n") }
      { if (NR > n) { bad = 1; exit } split(E[NR], e, ","); if (NF != length(e)) { bad = 1; exit }
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^-?[0-9.]+(e-?[0-9]+)?$/ && e[i] ~ /^-?[0-9.]+(e-?[0-9]+)?$/) {
            d = $i - e[i]; if (d < 0) d = -d; if (d > 1e-9) { bad = 1; exit }
          } else if ($i != e[i]) { bad = 1; exit } } }
      END { if (bad || NR != n) exit 1 }' <<<"$2"; then ok; else bad "$1: got
$2
expected
$3"; fi
}

# --- import
out=$("$brink" events import $dir/gdelt2.tsv $dir/icews.tab --db "$db" 2>"$tmp/err"); check_rc "import" 0 $?
err=$(cat "$tmp/err")
check_has "import gdelt2 summary" "$out" "$dir/gdelt2.tsv: gdelt2, 9 rows, 8 added, 1 duplicates, 4 bad"
check_has "import icews summary" "$out" "$dir/icews.tab: icews, 4 rows, 4 added, 0 duplicates, 3 bad"
check_has "bad row: column count" "$err" "$dir/gdelt2.tsv:7: found 60 tab-separated fields, expected 61 (GDELT 2.0)"
check_has "bad row: date" "$err" "$dir/gdelt2.tsv:8: bad SQLDATE '20170231', expected a day YYYYMMDD"
check_has "bad row: code" "$err" "$dir/gdelt2.tsv:9: unknown CAMEO event code '999' in EventCode"
check_has "bad row: icews date" "$err" "$dir/icews.tab:5: bad Event Date '2017-13-01'"
n=$(grep -c ':[0-9]*: ' <<<"$err"); check_rc "every bad row reported" 7 "$n"
out=$("$brink" events import $dir/gdelt2.tsv --db "$db" 2>/dev/null); check_rc "reimport" 0 $?
check_has "reimport adds nothing" "$out" "9 rows, 0 added, 9 duplicates, 4 bad"
out=$("$brink" events import $dir/gdelt2.zip --db "$db" 2>/dev/null); check_rc "zip import" 0 $?
check_has "zip detected, nothing new" "$out" "gdelt2.zip: gdelt2, 9 rows, 0 added, 9 duplicates"
out=$("$brink" events import $dir/gdelt1_58.tsv $dir/gdelt1_57.tsv --db "$db" --quiet 2>/dev/null); check_rc "quiet import" 0 $?
check_rc "quiet prints nothing on stdout" "" "$out"
out=$("$brink" events import $dir/mapped.csv --db "$db" --columns 'id=event,date=day,actor1_country=src,actor2_country=dst,code=cameo,url=story' 2>/dev/null)
check_has "csv with mapping" "$out" "mapped.csv: csv, 3 rows, 3 added, 0 duplicates, 2 bad"
err=$("$brink" events import $dir/mapped.csv --db "$db" 2>&1 >/dev/null); check_rc "csv without mapping" 1 $?
check_has "csv without mapping message" "$err" "mapped.csv:1: header has no column 'date'"
err=$("$brink" events import $dir/gdelt2.tsv --db "$tmp/strict.db" --strict 2>&1 >/dev/null); check_rc "strict" 1 $?
check_has "strict message" "$err" "brink events import: $dir/gdelt2.tsv:7: found 60 tab-separated fields"
n=$("$brink" events query --db "$tmp/strict.db" --format csv | wc -l); check_rc "strict keeps nothing" 1 "$n"
err=$("$brink" events import "$tmp/none.tsv" --db "$db" 2>&1); check_rc "missing file" 1 $?
check_has "missing file message" "$err" "cannot open '$tmp/none.tsv'"
err=$("$brink" events import $dir/gdelt2.tsv --db "$db" --format gdelt3 2>&1); check_rc "bad --format" 2 $?

# --- index: a fresh store with gdelt2 + icews only
db2=$tmp/i.db
"$brink" events import $dir/gdelt2.tsv $dir/icews.tab --db "$db2" --quiet 2>/dev/null
out=$("$brink" events index --db "$db2" --dyad PRK:USA --both-directions --dedupe daily --format csv); check_rc "index csv" 0 $?
check_csv "index month daily both" "$out" "period,start,events,net_cooperation,tension,mean_goldstein,q1,q2,q3,q4,conflict_share
2017-08,2017-08-01,7,-34.4,34.4,-4.914285714285714,2,0,3,2,0.7142857142857143
2017-09,2017-09-01,1,-10,10,-10,0,0,0,1,1"
out=$("$brink" events index --db "$db2" --dyad PRK:USA --by week --from 2017-07-31 --to 20170903 --format csv)
check_csv "index week directed" "$out" "period,start,events,net_cooperation,tension,mean_goldstein,q1,q2,q3,q4,conflict_share
2017-W31,2017-07-31,0,0,0,0,0,0,0,0,0
2017-W32,2017-08-07,6,-24.2,24.2,-4.033333333333333,2,0,4,0,0.6666666666666666
2017-W33,2017-08-14,0,0,0,0,0,0,0,0,0
2017-W34,2017-08-21,0,0,0,0,0,0,0,0,0
2017-W35,2017-08-28,1,-10,10,-10,0,0,0,1,1"
out=$("$brink" events index --db "$db2" --dyad PRK:USA --by day --from 2017-08-07 --to 2017-08-08 --dedupe source --both-directions --normalise --format csv)
# 08-07: GDELT r1 (a) and r7 (f); r2 folds into r1. 08-08: r3. Totals, all dyads, same rule.
check_csv "index day source normalised" "$out" "period,start,events,net_cooperation,tension,mean_goldstein,q1,q2,q3,q4,conflict_share,total,tension_per_1000
2017-08-07,2017-08-07,2,-14,14,-7,0,0,2,0,1,2,7000
2017-08-08,2017-08-08,1,-10,10,-10,0,0,0,1,1,1,10000"
out=$("$brink" events index --db "$db2" --dyad PRK:USA --format json); check_rc "index json" 0 $?
check_has "json period" "$out" '"period": "2017-08", "start": "2017-08-01", "events": 6, "net_cooperation": -24.2'
out=$("$brink" events index --db "$db2" --dyad PRK:USA); check_rc "index table" 0 $?
check_has "table header" "$out" "period     start       events  net_coop   tension"
check_has "table row" "$out" "2017-08    2017-08-01       6    -24.20     24.20   -4.033"
err=$("$brink" events index --db "$db2" --dyad PRKUSA 2>&1); check_rc "bad dyad" 2 $?
err=$("$brink" events index --db "$db2" 2>&1); check_rc "missing dyad" 2 $?
err=$("$brink" events index --db "$db2" --dyad PRK:USA --by year 2>&1); check_rc "bad --by" 2 $?
check_has "bad --by message" "$err" "--by must be one of day|week|month, got 'year'"
err=$("$brink" events index --db "$db2" --dyad PRK:USA --from 2017-02-30 2>&1); check_rc "bad --from" 2 $?
err=$("$brink" events index --db "$db2" --dyad PRK:USA --from 2017-09-01 --to 2017-08-01 2>&1); check_rc "reversed range" 2 $?
err=$("$brink" events index --db "$tmp/missing.db" --dyad PRK:USA 2>&1); check_rc "missing store" 1 $?
check_has "missing store message" "$err" "cannot open event store"

# --- query
out=$("$brink" events query --db "$db2" --root 19 --format csv); check_rc "query" 0 $?
n=$(($(wc -l <<<"$out") - 1)); check_rc "query root 19 rows" 2 "$n"
check_has "query csv row" "$out" '2017-08-08,2003,1,"USAGOV","USA","GOV","PRKGOV","PRK","GOV","1951",-10,4,"http://news.example/b"'
n=$("$brink" events query --db "$db2" --code 042 --format csv | wc -l); check_rc "query code 042 (GDELT + ICEWS)" 3 "$n"
n=$("$brink" events query --db "$db2" --code 42 --format csv | wc -l); check_rc "query code 42 is not 042" 1 "$n"
n=$("$brink" events query --db "$db2" --dyad :PRK --role1 GOV --format csv | wc -l); check_rc "query target + role" 3 "$n"
out=$("$brink" events query --db "$db2" --dyad PRK:USA --limit 1 --format json); check_rc "query json" 0 $?
check_has "query json first" "$out" '"date": "2017-08-07", "id": 2001'
err=$("$brink" events query --db "$db2" --root 9 2>&1); check_rc "bad root" 2 $?

# --- help
for s in import index query; do
  out=$("$brink" events $s --help); check_rc "$s --help" 0 $?
  check_has "$s --help usage" "$out" "usage: brink events $s"
done
"$brink" events frob >/dev/null 2>&1; check_rc "unknown subcommand" 2 $?
echo "cli_events: $pass passed, $fail failed"
[ $fail -eq 0 ]
