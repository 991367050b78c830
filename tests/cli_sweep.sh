#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# brink sweep and brink sensitivity from the outside: outputs, charts, the analytic hazard
# answer, a parameter nothing reads, byte-identical results across thread counts and (when
# mpirun is installed) across MPI process counts for sweep, sensitivity, run and compare, and
# bad input with its exit code.
set -u
brink=$1
sc=tests/data/sweep/hazard.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0; pass=0
ok() { if [ "$2" = "$3" ]; then pass=$((pass+1)); else echo "FAILED: $1 (got '$3', expected '$2')"; fail=$((fail+1)); fi; }
has() { if grep -q -- "$2" <<<"$3"; then pass=$((pass+1)); else echo "FAILED: $1: no '$2' in: $3"; fail=$((fail+1)); fi; }

"$brink" sweep --help | grep -q 'PATH=LO:HI'; ok "sweep --help" 0 $?
"$brink" sensitivity --help | grep -q 'Jansen'; ok "sensitivity --help" 0 $?

# Tidy CSV: 3 points x (2 policies x 4 metrics + 1 pair x 3 metrics) rows + header.
out=$("$brink" sweep $sc --param h=0.01:0.05:3 --runs 2000 --format csv --quiet); ok "csv exit" 0 $?
ok "csv rows" 34 "$(wc -l <<<"$out" | tr -d ' ')"
has "csv header" "point,params.h,policy,metric,mean,lower,upper,runs,seed" "$(head -1 <<<"$out")"
has "pair rows" "wait - also_wait,p_armed_conflict,0,0,0,2000,1" "$out"
# The analytic answer 1 - exp(-20 h) inside each interval (docs/model.md 9a).
bad=$(awk -F, 'NR>1 && $3=="wait" && $4=="p_armed_conflict" { t = 1 - exp(-20 * $2); if (t < $6 || t > $7) print $2, t, $6, $7 }' <<<"$out")
ok "analytic inside every interval" "" "$bad"
has "last grid value exact" "^2,0.05,wait" "$out"

"$brink" sweep $sc --param h=0.01:0.05 --param ghost=0:1 --design lhs --points 6 --runs 300 --threads 1 --format json --quiet > "$tmp/t1.json"; ok "json t1" 0 $?
"$brink" sweep $sc --param h=0.01:0.05 --param ghost=0:1 --design lhs --points 6 --runs 300 --threads 2 --format json --quiet > "$tmp/t2.json"; ok "json t2" 0 $?
cmp -s "$tmp/t1.json" "$tmp/t2.json"; ok "same bytes for 1 and 2 threads" 0 $?
for key in '"command": "sweep"' '"design": "lhs"' '"rng": "philox4x32-10"' '"seed": 1' '"runs": 300' '"parameters"' '"points"' '"lower"'; do
  has "json $key" "$key" "$(cat "$tmp/t1.json")"
done
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["points"]) == 6' "$tmp/t1.json"; ok "json parses, 6 points" 0 $?

"$brink" sweep $sc --param h=0.01:0.05:4 --runs 200 --quiet --out "$tmp/o" > /dev/null; ok "out exit" 0 $?
for f in sweep.csv sweep.json table.txt sweep.svg report.html; do [ -s "$tmp/o/$f" ]; ok "out/$f" 0 $?; done
has "svg chart" "<svg" "$(head -c 300 "$tmp/o/sweep.svg")"
has "html has the chart" "<svg" "$(cat "$tmp/o/report.html")"
"$brink" sweep $sc --param h=0.01:0.05:2 --param ghost=0:1:2 --runs 100 --quiet --chart "$tmp/heat.png" > /dev/null; ok "heatmap png" 0 $?
ok "png magic" "PNG" "$(head -c 4 "$tmp/heat.png" | tail -c 3)"
"$brink" sweep $sc --param h=0.01:0.05:2 --runs 100 --quiet --chart "$tmp/line.pdf" > /dev/null; ok "line pdf" 0 $?
ok "pdf magic" "%PDF" "$(head -c 4 "$tmp/line.pdf")"

# Sensitivity: h carries all the variance; ghost, never read, exactly none.
out=$("$brink" sensitivity $sc --samples 32 --runs 300 --format csv --quiet); ok "sensitivity exit" 0 $?
has "sens header" "parameter,index,mean,lower,upper,metric,samples,runs,seed" "$out"
has "ghost first 0" "ghost,first,0,0,0," "$out"
has "ghost total 0" "ghost,total,0,0,0," "$out"
ok "h sorted first" "h" "$(sed -n 2p <<<"$out" | cut -d, -f1)"
"$brink" sensitivity $sc --samples 16 --runs 100 --metric difference:wait-also_wait --quiet --out "$tmp/s" > /dev/null; ok "difference exit" 0 $?
for f in sensitivity.json sensitivity.csv table.txt tornado.svg; do [ -s "$tmp/s/$f" ]; ok "sens/$f" 0 $?; done
has "difference: no variance" '"output_variance": 0' "$(cat "$tmp/s/sensitivity.json")"

# --posterior in a sweep: the parameters it holds come from it at every point, except a swept
# one, which keeps the point's value. h drawn as 0.05 from the sample gives, run for run, the
# numbers of the points where h is swept to 0.05 (same streams); sweeping h itself ignores the
# sample's h (same CSV as without it).
printf '# every draw h = 0.05\nh\n0.05\n0.05\n' > "$tmp/post_h.tsv"
"$brink" sweep $sc --param ghost=0:1:2 --runs 500 --posterior "$tmp/post_h.tsv" --format csv --quiet > "$tmp/ph.csv"; ok "sweep --posterior exit" 0 $?
"$brink" sweep $sc --param h=0.01:0.05:2 --param ghost=0:1:2 --runs 500 --format csv --quiet > "$tmp/sh.csv"
ok "posterior h = swept h 0.05" "$(awk -F, '$2 == 0.05 && $4 == "wait" && $5 == "p_armed_conflict" { print $6, $7, $8 }' "$tmp/sh.csv")" \
  "$(awk -F, '$3 == "wait" && $4 == "p_armed_conflict" { print $5, $6, $7 }' "$tmp/ph.csv")"
bad=$(awk -F, '$3 == "wait" && $4 == "p_armed_conflict" { t = 1 - exp(-20 * 0.05); if (t < $6 || t > $7) print }' "$tmp/ph.csv")
ok "posterior: analytic at h = 0.05 inside the intervals" "" "$bad"
"$brink" sweep $sc --param h=0.01:0.05:3 --runs 300 --format csv --quiet > "$tmp/np.csv"
"$brink" sweep $sc --param h=0.01:0.05:3 --runs 300 --posterior "$tmp/post_h.tsv" --format csv --quiet > "$tmp/wp.csv"; ok "swept parameter in the sample exit" 0 $?
cmp -s "$tmp/np.csv" "$tmp/wp.csv"; ok "swept parameter keeps the point's value" 0 $?
has "sweep json names the posterior" "\"posterior\": \"$tmp/post_h.tsv\"" \
  "$("$brink" sweep $sc --param ghost=0:1:2 --runs 50 --posterior "$tmp/post_h.tsv" --format json --quiet)"
printf 'hh\n0.02\n' > "$tmp/post_bad.tsv"
err=$("$brink" sweep $sc --param ghost=0:1:2 --runs 50 --posterior "$tmp/post_bad.tsv" --quiet 2>&1 >/dev/null); ok "sweep bad posterior exit" 1 $?
has "sweep bad posterior message" "posterior column 'hh' is not a parameter" "$err"
# --posterior in a sensitivity analysis: h ranges over the sample's marginal. A sample with one
# value of h leaves nothing to vary (ghost is never read): no variance (up to rounding). Two values
# 0.01 and 0.05: h carries the variance, with an output mean between the two answers.
out=$("$brink" sensitivity $sc --samples 16 --runs 200 --posterior "$tmp/post_h.tsv" --format json --quiet); ok "sensitivity --posterior exit" 0 $?
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d["output_variance"] < 1e-20 and all(p["total"]["mean"] == 0 for p in d["parameters"]) else 1)' "$out"
ok "sensitivity: point-mass posterior, no variance, indices 0" 0 $?
has "sensitivity json names the posterior" "\"posterior\": \"$tmp/post_h.tsv\"" "$out"
printf 'h\n0.01\n0.05\n' > "$tmp/post_2.tsv"
out=$("$brink" sensitivity $sc --samples 32 --runs 300 --posterior "$tmp/post_2.tsv" --format csv --quiet)
ok "sensitivity: two-point posterior, h first" "h" "$(sed -n 2p <<<"$out" | cut -d, -f1)"
mean=$("$brink" sensitivity $sc --samples 32 --runs 300 --posterior "$tmp/post_2.tsv" --format json --quiet | python3 -c 'import json,sys; print(json.load(sys.stdin)["output_mean"])')
python3 -c 'import math,sys; m=float(sys.argv[1]); lo=1-math.exp(-20*0.01); hi=1-math.exp(-20*0.05); t=(lo+hi)/2; sys.exit(0 if abs(m-t) < 0.05 else 1)' "$mean"; ok "sensitivity: mean over the two posterior values ($mean)" 0 $?

# Bad input: exit 2 and a message naming the problem.
bad() { # name expected-message args...
  local name=$1 msg=$2; shift 2
  local err; err=$("$brink" "$@" 2>&1 >/dev/null); local rc=$?
  ok "$name exit" 2 "$rc"; has "$name message" "$msg" "$err"
}
bad "no --param" "at least one --param" sweep $sc
bad "bad range" "LO 2 is above HI 1" sweep $sc --param h=2:1
bad "bad design" "--design must be one of" sweep $sc --param h=0:1 --design random
bad "bad policy" "unknown policy 'nope'" sweep $sc --param h=0.01:0.02 --policies wait,nope
bad "bad chart name" "must end in .svg" sweep $sc --param h=0.01:0.02 --chart x.gif
bad "bad metric" "--metric must be" sensitivity $sc --metric war
bad "bad difference" "expected difference:A-B" sensitivity $sc --metric difference:wait
# A value the loader refuses: exit 1 with the loader's message.
err=$("$brink" sweep $sc --param h=0.5:2:2 --runs 10 --quiet 2>&1 >/dev/null); ok "refused value exit" 1 $?
has "refused value message" "incident_base" "$err"

# MPI: 2 processes give the bytes of 1 (skipped without mpirun, or in a build without MPI).
if ! command -v mpirun >/dev/null 2>&1; then
  echo "SKIP: mpirun not found (install openmpi-bin); MPI byte comparison not run"
elif ! grep -q 'BRINK_WITH_MPI:BOOL=ON' "$(dirname "$brink")/CMakeCache.txt" 2>/dev/null; then
  echo "SKIP: this build has no MPI (BRINK_WITH_MPI off); MPI byte comparison not run"
else
  # Open MPI leaves its own (plugin) allocations at exit: leak checks off for the MPI runs
  # only; ASan still checks every access.
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
  args=(sweep $sc --param h=0.01:0.05:5 --param ghost=0:1:2 --runs 300 --threads 1 --format csv --quiet)
  "$brink" "${args[@]}" > "$tmp/p1.csv"
  mpirun --allow-run-as-root --oversubscribe -np 2 "$brink" "${args[@]}" > "$tmp/p2.csv" 2> "$tmp/mpi.err"
  ok "mpirun sweep exit" 0 $?
  cmp -s "$tmp/p1.csv" "$tmp/p2.csv"; ok "sweep: same bytes on 1 and 2 processes" 0 $?
  sargs=(sensitivity $sc --samples 8 --runs 100 --threads 1 --format json --quiet)
  "$brink" "${sargs[@]}" > "$tmp/q1.json"
  mpirun --allow-run-as-root --oversubscribe -np 2 "$brink" "${sargs[@]}" > "$tmp/q2.json" 2>> "$tmp/mpi.err"
  ok "mpirun sensitivity exit" 0 $?
  cmp -s "$tmp/q1.json" "$tmp/q2.json"; ok "sensitivity: same bytes on 1 and 2 processes" 0 $?
  # compare divides its runs: 3 processes (uneven blocks, across the engine's batches) give
  # the JSON, CSV, table and --save-runs rows of 1 process, on a scenario whose pressure means
  # are real numbers (their sums are merged in run order).
  kor=scenarios/korea/2022.yaml
  cargs=(compare $kor --policies maximum_pressure,proactive_diplomacy --runs 2500 --threads 1 --no-timing --quiet)
  "$brink" "${cargs[@]}" --save-runs "$tmp/c1.csv" --out "$tmp/c1" > /dev/null
  mpirun --allow-run-as-root --oversubscribe -np 3 "$brink" "${cargs[@]}" --save-runs "$tmp/c3.csv" --out "$tmp/c3" > "$tmp/c3.txt" 2>> "$tmp/mpi.err"
  ok "mpirun compare exit" 0 $?
  has "compare divided" "x 3 processes" "$(cat "$tmp/c3.txt")"
  for f in result.json result.csv table.txt; do
    cmp -s "$tmp/c1/$f" "$tmp/c3/$f"; ok "compare $f: same bytes on 1 and 3 processes" 0 $?
  done
  cmp -s "$tmp/c1.csv" "$tmp/c3.csv"; ok "compare --save-runs: same bytes on 1 and 3 processes" 0 $?
  ok "compare --save-runs rows" 5001 "$(wc -l < "$tmp/c3.csv" | tr -d ' ')"
  "$brink" run $kor --runs 2000 --threads 1 --format json --no-timing --quiet > "$tmp/r1.json"
  mpirun --allow-run-as-root --oversubscribe -np 2 "$brink" run $kor --runs 2000 --threads 1 --format json --no-timing --quiet > "$tmp/r2.json" 2>> "$tmp/mpi.err"
  cmp -s "$tmp/r1.json" "$tmp/r2.json"; ok "run: same bytes on 1 and 2 processes" 0 $?
  [ $fail -eq 0 ] || cat "$tmp/mpi.err"
fi

echo "cli_sweep: $pass passed, $fail failed"
[ $fail -eq 0 ]
