#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The profile likelihood of the observation error e (--misrecord; docs/validation.md,
# "Observation error"): the particle filter's log-likelihood of the Korean record 2006-01-02 to
# 2022-11-06 at the calibration's point estimate (read from docs/calibration_korea.txt, or
# from the calibration report given as $1), for each e of the grid, with its Monte Carlo
# standard error. The default of the commands, BRINK_FILTER_MISRECORD, is the grid's best.
#   scripts/misrecord_profile.sh [REPORT]   (env: GRID, PARTICLES (2000), REPLICATES (8))
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
source scripts/korea_fit.sh
brink=${BRINK:-build/brink}
report=${1:-docs/calibration_korea.txt}
grid=${GRID:-"0.001 0.01 0.03 0.05 0.07 0.1 0.13 0.16 0.2"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The estimate column of the report's parameter table: name, [lo, hi], estimate, ...
awk '/^parameter +prior support +estimate/ { on = 1; next }
     on && NF == 0 { exit }
     on { names = names (n++ ? "\t" : "") $1; values = values (m++ ? "\t" : "") $4 }
     END { if (!n) exit 1; print names; print values }' "$report" > "$tmp/estimate.tsv" \
  || { echo "misrecord_profile: no parameter table in $report" >&2; exit 1; }
mapfile -t windows < <(korea_windows_before 2022-11-07)
echo "# profile log-likelihood of the observation error at the estimate of $report"
echo "# $(head -1 "$tmp/estimate.tsv" | tr '\t' ',')"
printf '%-10s %16s %10s\n' misrecord "log-lik (nats)" "se (nats)"
for e in $grid; do
  line=$("$brink" filter "${windows[@]}" --posterior "$tmp/estimate.tsv" --misrecord "$e" \
    --particles "${PARTICLES:-2000}" --replicates "${REPLICATES:-8}" --quiet |
    sed -n 's/^log-likelihood of the record: \([-0-9.]*\) nats, Monte Carlo standard error \([0-9.]*\).*/\1 \2/p')
  # shellcheck disable=SC2086
  printf '%-10s %16s %10s\n' "$e" $line
done
