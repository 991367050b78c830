#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Remakes the shipped posterior of the Korean history, data/korea_posterior.tsv, from the
# record 2006-01-02 to 2022-11-06 (brink calibrate; docs/validation.md, "Calibration"), and
# the calibration report docs/calibration_korea.txt. About 10 minutes on 2 cores.
#   scripts/calibrate.sh [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
# OpenMP threads sleep at barriers instead of spinning: the filter and IF2 meet at a barrier
# every week, and on a machine with other work spinning costs several times the run time.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
source scripts/korea_fit.sh
brink=${BRINK:-build/brink}
seed=${1:-1}
mapfile -t windows < <(korea_windows_before 2022-11-07)
# shellcheck disable=SC2086 # the settings are words
"$brink" calibrate "${windows[@]}" --free "$KOREA_FREE" $KOREA_FIT_SETTINGS --seed "$seed" \
  --out data/korea_posterior.tsv | tee docs/calibration_korea.txt
