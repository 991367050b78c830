#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The numbers behind docs/korea.md, "Does pressure or diplomacy lower the risk of war?":
# the policies of scenarios/korea/2022.yaml compared over the two-year horizon, then swept over
# the DPRK's prior greed (spiral world .. deterrence world) and over US-China relations.
# Prints Markdown tables. Usage: scripts/korea_question.sh [RUNS]   (default 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20000}
brink=build/brink
sc=scenarios/korea/2022.yaml
policies=maximum_pressure,proactive_diplomacy,reciprocal_restraint,pressure_plus_diplomacy,consult_beijing

pct() { awk -F, -v c="$1" 'NR>1 {printf "%s %.1f [%.1f, %.1f]\n", $1, 100*$c, 100*$(c+1), 100*$(c+2)}'; }

table() { # title, then "--set" pairs as label=override
  local title=$1 what=$2; shift 2
  echo
  echo "$title ($runs runs per cell, seed 1, 95% Wilson intervals, percent)"
  echo
  printf '| %s |' "$what"
  for p in ${policies//,/ }; do printf ' %s |' "$p"; done
  echo
  printf '|---|'; for p in ${policies//,/ }; do printf -- '---|'; done; echo
  for pair in "$@"; do
    local label=${pair%%=*} set=${pair#*=}
    printf '| %s |' "$label"
    "$brink" compare "$sc" --policies "$policies" --runs "$runs" --seed 1 --quiet --format csv \
        --set "$set" | pct 3 | while read -r name cell; do printf ' %s |' "$cell"; done
    echo
  done
}

echo "Command: scripts/korea_question.sh $runs   (brink $("$brink" --version | cut -d' ' -f2))"
echo
echo "Defaults of scenarios/korea/2022.yaml ($runs runs, seed 1):"
echo
echo '```'
"$brink" compare "$sc" --runs "$runs" --seed 1 --quiet | sed -n '3,10p'
echo '```'
table "P(armed conflict within 104 weeks) by the DPRK's prior greed" "params.dprk_greed" \
  "0.1 (spiral world)=params.dprk_greed=0.1" "0.3=params.dprk_greed=0.3" "0.5=params.dprk_greed=0.5" \
  "0.7=params.dprk_greed=0.7" "0.9 (deterrence world)=params.dprk_greed=0.9"
table "P(armed conflict within 104 weeks) by US-China relations" "params.us_china_relations" \
  "-0.8=params.us_china_relations=-0.8" "-0.4=params.us_china_relations=-0.4" \
  "0.0=params.us_china_relations=0" "0.4=params.us_china_relations=0.4" \
  "0.8=params.us_china_relations=0.8"
