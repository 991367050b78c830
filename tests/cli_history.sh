#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `brink replay` and `brink filter` over the recorded history: help, the year table and its
# record report, the filter's likelihood with its standard error, the same bytes for 1 and 2
# threads, windows taken in date order, usage errors, and brink calibrate with the posterior
# file it writes. Run from the source tree with the path of the built command.
set -u
brink=$1
sc=scenarios/korea/2022.yaml
fail=0; pass=0
ok() { if [ "$2" = "$3" ]; then pass=$((pass+1)); else echo "FAILED: $1 (got '$3', expected '$2')"; fail=$((fail+1)); fi; }
has() { if grep -qF -- "$2" <<<"$3"; then pass=$((pass+1)); else echo "FAILED: $1: no '$2' in:"; echo "$3" | head -5; fail=$((fail+1)); fi; }

"$brink" replay --help >/dev/null; ok "replay help" 0 $?
"$brink" filter --help >/dev/null; ok "filter help" 0 $?
out=$("$brink" replay $sc --from 2021-11-08 --runs 200 --quiet); ok "replay exit" 0 $?
has "replay: history" "history: 52 weeks from 2021-11-08 to 2022-11-07" "$out"
has "replay: rows accounted for" "mapped to acts" "$out"
has "replay: a year row" "2022 " "$out"
out=$("$brink" filter $sc --from 2021-11-08 --particles 200 --replicates 2 --quiet); ok "filter exit" 0 $?
has "filter: likelihood with its error" "log-likelihood of the record:" "$out"
has "filter: names the filters" "2 independent filters of 200 particles" "$out"
a=$("$brink" filter $sc --from 2021-11-08 --particles 150 --replicates 2 --threads 1 --format json --quiet)
b=$("$brink" filter $sc --from 2021-11-08 --particles 150 --replicates 2 --threads 2 --format json --quiet)
ok "filter: same bytes for 1 and 2 threads" "$a" "$b"
# Two windows given out of order are taken by their time.start.
out=$("$brink" filter scenarios/korea/2022_history.yaml scenarios/korea/2019.yaml --from 2021-06-07 --to 2022-03-07 --particles 100 --replicates 1 --quiet); ok "windows exit" 0 $?
has "windows in date order" "window 1: scenarios/korea/2019.yaml" "$out"
has "second window from its start" "window 2: scenarios/korea/2022_history.yaml from week 30" "$out"
err=$("$brink" filter $sc --from 2022-13-01 2>&1); ok "bad date exit" 2 $?
has "bad date message" "--from must be a date" "$err"
err=$("$brink" filter $sc --from 2022-11-01 2>&1); ok "too short exit" 2 $?
has "too short message" "shorter than a week" "$err"

# brink calibrate on two windows (small settings): the table, the posterior file, which filter
# and replay then read for every window; errors for a parameter whose prior differs between
# windows (window context) and for an unknown one.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$brink" calibrate --help >/dev/null; ok "calibrate help" 0 $?
cal=(calibrate scenarios/korea/2019.yaml scenarios/korea/2022_history.yaml --from 2021-06-07 --particles 100 --iterations 3 --slice-points 3 --slice-particles 100 --slice-replicates 2 --draws 50 --quiet)
out=$("$brink" "${cal[@]}" --free dprk_activity,war_prob --out "$tmp/post.tsv"); ok "calibrate exit" 0 $?
has "calibrate: table" "95% slice interval" "$out"
has "calibrate: activity row" "dprk_activity" "$out"
has "calibrate: estimate's likelihood" "log-likelihood at the estimate:" "$out"
ok "posterior: header and 50 draws" 51 "$(grep -vc '^#' "$tmp/post.tsv")"
has "posterior: header" "dprk_activity	war_prob" "$(grep -v '^#' "$tmp/post.tsv" | head -1)"
out=$("$brink" filter $sc --from 2021-11-08 --particles 100 --replicates 2 --posterior "$tmp/post.tsv" --quiet); ok "filter --posterior exit" 0 $?
out=$("$brink" replay scenarios/korea/2019.yaml scenarios/korea/2022_history.yaml --from 2021-06-07 --runs 50 --posterior "$tmp/post.tsv" --quiet); ok "replay --posterior exit" 0 $?
has "replay: rank correlation" "rank correlation (Spearman)" "$out"
a=$("$brink" "${cal[@]}" --free dprk_activity --threads 1 --format json)
b=$("$brink" "${cal[@]}" --free dprk_activity --threads 2 --format json)
ok "calibrate: same bytes for 1 and 2 threads" "$a" "$b"
err=$("$brink" "${cal[@]}" --free icbm_campaign_active 2>&1); ok "window context exit" 1 $?
has "window context message" "has another prior in window 2" "$err"
err=$("$brink" "${cal[@]}" --free dprk_activity,nope 2>&1); ok "unknown parameter exit" 2 $?
has "unknown parameter message" "'nope' (column 15) is not a parameter" "$err"
err=$("$brink" "${cal[@]}" 2>&1); ok "no --free exit" 2 $?
# Recovery check: a record simulated from known values; the same seed gives the same fit, and
# the truth decides the record (a DPRK that acts in 90% of the weeks is fitted far above the
# 10% of one that acts in 10%).
printf 'dprk_activity\n0.9\n' > "$tmp/busy.tsv"
printf 'dprk_activity\n0.1\n' > "$tmp/quiet.tsv"
busy=$("$brink" "${cal[@]}" --free dprk_activity --synthetic "$tmp/busy.tsv"); ok "synthetic exit" 0 $?
has "synthetic: said" "synthetic record (recovery check)" "$busy"
again=$("$brink" "${cal[@]}" --free dprk_activity --synthetic "$tmp/busy.tsv")
ok "synthetic: same seed, same bytes" "$busy" "$again"
quiet=$("$brink" "${cal[@]}" --free dprk_activity --synthetic "$tmp/quiet.tsv")
eb=$(awk '$1 == "dprk_activity" && $2 ~ /^\[/ { print $4 }' <<<"$busy")
eq=$(awk '$1 == "dprk_activity" && $2 ~ /^\[/ { print $4 }' <<<"$quiet")
ok "synthetic: the truth moves the estimate ($eq < $eb)" 1 "$(awk -v a="$eq" -v b="$eb" 'BEGIN { print (a + 0.2 < b) }')"
err=$("$brink" "${cal[@]}" --free dprk_activity --synthetic "$tmp/nope.tsv" 2>&1); ok "synthetic: missing file exit" 1 $?
printf 'dprk_activity\n7\n' > "$tmp/bad.tsv"
err=$("$brink" filter $sc --from 2021-11-08 --particles 10 --replicates 1 --posterior "$tmp/bad.tsv" --quiet 2>&1); ok "bad posterior exit" 1 $?
has "bad posterior message" "outside its prior's support" "$err"

echo "cli_history: $pass passed, $fail failed"
[ $fail -eq 0 ]
