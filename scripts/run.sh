#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job behind `make run`: the seed's question on the Korean peninsula in 2022. Compares
# every policy of scenarios/korea/2022.yaml (maximum pressure, proactive diplomacy, reciprocal
# restraint, pressure plus diplomacy, consulting Beijing, and what was actually done), prints
# the comparison and writes result.json, result.csv, table.txt and report.html to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BRINK_RUNS:-20000}
echo "brink compare scenarios/korea/2022.yaml --runs $runs --seed 1 --out out"
build/brink compare scenarios/korea/2022.yaml --runs "$runs" --seed 1 --out out
echo
echo "Written: out/result.json out/result.csv out/table.txt out/report.html"
echo "The mechanisms behind these numbers: docs/model.md; the scenario and its sources: docs/korea.md."
