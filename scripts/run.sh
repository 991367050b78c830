#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job behind `make run`: the seed's question on the Korean peninsula, re-answered from
# the record (issue "Forecasts from any origin", docs/korea.md). The record 2006-01-02 to
# 2022-11-06 is filtered over the ten windows of the Korean history with the shipped posterior
# (data/korea_posterior.tsv, remade by scripts/calibrate.sh); every policy of
# scenarios/korea/2022.yaml is then run 104 weeks forward from the filtered state with common
# random numbers; the table says what the record makes of the DPRK's type and whether the model
# beat the naive baselines in the rolling-origin backtest (data/korea_backtest.tsv, remade by
# SUMMARY=data/korea_backtest.tsv FIT=1 scripts/backtest.sh). Then the full comparison from the
# scenario's own start, with the posterior, as result.json, result.csv, table.txt and
# report.html. Everything goes to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
# OpenMP threads sleep at barriers instead of spinning: the filter and IF2 meet at a barrier
# every week, and on a machine with other work spinning costs several times the run time.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
source scripts/korea_fit.sh
runs=${BRINK_RUNS:-20000}
mkdir -p out
mapfile -t windows < <(korea_windows_before 2022-11-07)
history=()
for w in "${windows[@]}"; do history+=(--history "$w"); done
cmd=(build/brink forecast scenarios/korea/2022.yaml --policy all "${history[@]}"
     --origin 2022-11-07 --horizon 104 --runs "$runs" --seed 1 --replicates 4
     --posterior data/korea_posterior.tsv --validation data/korea_backtest.tsv
     --html out/forecast_compare.html --output out/forecast_compare.txt)
echo "${cmd[*]}"
"${cmd[@]}"
cat out/forecast_compare.txt
echo
echo "brink compare scenarios/korea/2022.yaml --runs $runs --seed 1 --posterior data/korea_posterior.tsv --out out"
build/brink compare scenarios/korea/2022.yaml --runs "$runs" --seed 1 \
  --posterior data/korea_posterior.tsv --out out
echo
echo "Written: out/forecast_compare.txt out/forecast_compare.html (from the filtered state);"
echo "  out/result.json out/result.csv out/table.txt out/report.html (from the scenario's start)."
echo "The mechanisms: docs/model.md; the fit and the backtest: docs/validation.md; the scenario: docs/korea.md."
