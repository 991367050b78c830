#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Rolling-origin backtest (issue "Forecasts from any origin"): origins on the first Monday of
# November 2008-2020, each forecast 104 weeks ahead from the particles of a filter over the
# record before the origin only (brink forecast --origin cuts every row on or after it), over
# the Korean windows that start before the origin, under the `historical` policy of the window
# holding the origin; then scored by brink score against persistence and climatology (and the
# Hawkes model fitted before the origin).
#   scripts/backtest.sh [RUNS] [PARTICLES]     (defaults 2000, 1000)
# Environment:
#   FIT=1      calibrate per origin (brink calibrate on the record before the origin only, the
#              free parameters of scripts/korea_fit.sh, KOREA_FIT_SETTINGS smaller by default
#              here) and forecast with that posterior; FIT=0 (default): the windows' priors.
#   SUMMARY=F  also write the mean skills as TSV (series, reference, mean_skill, windows,
#              period): the file `brink forecast --validation` prints (make run).
# Prints a table per origin and series, and the mean CRPS skill of every series against both
# baselines.
set -euo pipefail
cd "$(dirname "$0")/.."
# OpenMP threads sleep at barriers instead of spinning: the filter and IF2 meet at a barrier
# every week, and on a machine with other work spinning costs several times the run time.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
fit=${FIT:-0}
summary=${SUMMARY:-}
export KOREA_FIT_SETTINGS=${KOREA_FIT_SETTINGS:-"--particles 500 --iterations 15 --slice-points 3 --slice-particles 300 --slice-replicates 2 --draws 500"}
source scripts/korea_fit.sh
brink=${BRINK:-build/brink}
runs=${1:-2000}
particles=${2:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
windows=("${KOREA_WINDOWS[@]}") # scripts/korea_fit.sh: the one list of the history's windows
first_monday_of_november() { # year -> YYYY-MM-DD
  local d=$1-11-01
  while [ "$(date -u -d "$d" +%u)" != 1 ]; do d=$(date -u -d "$d + 1 day" +%F); done
  echo "$d"
}
echo "# Rolling-origin backtest: $runs runs, $particles particles, seed 1, fit per origin: $fit (scripts/backtest.sh)"
printf '%-11s %-17s %5s %9s %9s %9s %9s\n' origin series obs model persist. climat. "crps(m)"
for year in $(seq 2008 2020); do
  origin=$(first_monday_of_november "$year")
  hist=()
  last=""
  for w in "${windows[@]}"; do
    start=$(sed -n 's/^time: {.*start: \([0-9-]*\)}.*/\1/p' "scenarios/korea/$w.yaml")
    if [[ "$start" < "$origin" ]]; then hist+=(--history "scenarios/korea/$w.yaml"); last=$w; fi
  done
  post=()
  if [ "$fit" = 1 ]; then
    mapfile -t before < <(korea_windows_before "$origin")
    # shellcheck disable=SC2086 # the settings are words
    "$brink" calibrate "${before[@]}" --free "$KOREA_FREE" $KOREA_FIT_SETTINGS --to "$origin" \
      --out "$tmp/post$year.tsv" --quiet > "$tmp/cal$year.txt"
    post=(--posterior "$tmp/post$year.tsv")
  fi
  "$brink" forecast "scenarios/korea/$last.yaml" --policy historical "${hist[@]}" "${post[@]}" \
    --origin "$origin" --horizon 104 --runs "$runs" --particles "$particles" --format json \
    --quiet > "$tmp/f$year.json"
  # The Hawkes reference (docs/hawkes.md): fitted to the event streams before the origin only.
  refs=()
  day_before=$(date -u -d "$origin - 1 day" +%F)
  "$brink" record streams --to "$day_before" -o "$tmp/streams$year.tsv"
  if "$brink" hawkes forecast "$tmp/streams$year.tsv" --targets dprk_bm \
       --inputs allied_exercise,allied_deployment,allied_sanctions,allied_offer --origin "$origin" \
       --horizon 104 --runs "$runs" -o "$tmp/h$year.json" 2> "$tmp/h$year.err"; then
    refs=(--reference "hawkes=$tmp/h$year.json")
  else
    echo "# $origin: no Hawkes reference ($(tail -1 "$tmp/h$year.err"))" >&2
  fi
  "$brink" score "$tmp/f$year.json" "${refs[@]}" --format csv > "$tmp/s$year.csv"
  awk -F, -v origin="$origin" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    $col["window_start"] == origin {
      key = $col["series"]; m[key, $col["model"]] = $col["mean"]; s[key, $col["model"]] = $col["crps"]; obs[key] = $col["observed"] }
    END { n = split("bm_launch_days icbm_launch_days nuclear_tests clash_days", ser, " ")
      for (k = 1; k <= n; k++) { x = ser[k]
        printf "%-11s %-17s %5s %9.2f %9.2f %9.2f %9.3f\n", origin, x, obs[x], m[x, "forecast"], m[x, "persistence"], m[x, "climatology"], s[x, "forecast"] } }' \
    "$tmp/s$year.csv" 2>/dev/null || true
done
echo
echo "# Mean CRPS skill over every scored origin-window: 1 - mean CRPS / mean CRPS of the baseline"
[ -n "$summary" ] && printf 'series\treference\tmean_skill\twindows\tperiod\n' > "$summary"
for x in bm_launch_days icbm_launch_days nuclear_tests clash_days; do
  for b in persistence climatology hawkes; do
    if [ -n "$summary" ]; then
      cat "$tmp"/s*.csv | awk -F, -v x="$x" -v b="$b" -v fit="$fit" '
        /^window_start,/ { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $col["series"] == x && $col["model"] == "forecast" { f += $col["crps"]; nf++ }
        $col["series"] == x && $col["model"] == b { g += $col["crps"]; ng++ }
        END { if (ng && g > 1e-12) printf "%s\t%s\t%.4f\t%d\t2008-2020 origins, 104 weeks, %s\n", x, b, 1 - (f / nf) / (g / ng), nf, fit == 1 ? "fitted per origin" : "priors" }' \
        >> "$summary"
    fi
    cat "$tmp"/s*.csv | awk -F, -v x="$x" -v b="$b" '
      /^window_start,/ { for (i = 1; i <= NF; i++) col[$i] = i; next }
      $col["series"] == x && $col["model"] == "forecast" { f += $col["crps"]; nf++ }
      $col["series"] == x && $col["model"] == b { g += $col["crps"]; ng++ }
      END { if (ng && g > 1e-12) printf "%-17s vs %-12s CRPS skill %+.3f (%d origin-windows)\n", x, b, 1 - (f / nf) / (g / ng), nf
            else printf "%-17s vs %-12s n/a\n", x, b }'
  done
done
