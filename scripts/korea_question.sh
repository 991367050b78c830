#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The numbers behind docs/korea.md, "Does pressure or diplomacy lower the risk of war?":
# the policies of scenarios/korea/2022.yaml compared over the two-year horizon, then swept over
# the DPRK's prior greed (spiral world .. deterrence world) and over US-China relations with
# `brink sweep` (common random numbers at every point), and optionally the Sobol sensitivity of
# the maximum-pressure minus proactive-diplomacy difference with `brink sensitivity`.
# Prints Markdown tables.
# Usage: scripts/korea_question.sh [RUNS [SAMPLES [OUTDIR]]]
#   RUNS     runs per policy and cell (default 20000)
#   SAMPLES  base samples of the sensitivity analysis (default 0: skipped; 256 takes minutes)
#   OUTDIR   where sweep and sensitivity files and charts go (default out/korea_question)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20000}
samples=${2:-0}
outdir=${3:-out/korea_question}
brink=build/brink
sc=scenarios/korea/2022.yaml
policies=maximum_pressure,proactive_diplomacy,reciprocal_restraint,pressure_plus_diplomacy,consult_beijing

# Markdown table of P(armed conflict) from sweep.csv (point,PATH,policy,metric,mean,lower,upper,..): one row per value of
# the swept parameter, one column per policy, percent with the Wilson interval.
sweep_table() { # title, --param value, output directory name
  local title=$1 param=$2 name=$3
  echo
  echo "$title ($runs runs per cell, seed 1, 95% Wilson intervals, percent)"
  echo
  "$brink" sweep "$sc" --param "$param" --policies "$policies" --runs "$runs" --seed 1 --quiet \
      --out "$outdir/$name" > /dev/null
  awk -F, -v policies="$policies" '
    NR == 1 { path = $2; next }
    $4 == "p_armed_conflict" && $3 !~ / - / {
      if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
      cell[$2, $3] = sprintf("%.1f [%.1f, %.1f]", 100 * $5, 100 * $6, 100 * $7)
    }
    END {
      np = split(policies, p, ",")
      printf "| %s |", path; for (i = 1; i <= np; i++) printf " %s |", p[i]; printf "\n"
      printf "|---|"; for (i = 1; i <= np; i++) printf "---|"; printf "\n"
      for (k = 1; k <= n; k++) {
        printf "| %s |", order[k]
        for (i = 1; i <= np; i++) printf " %s |", cell[order[k], p[i]]
        printf "\n"
      }
    }' "$outdir/$name/sweep.csv"
  echo
  echo "(chart: $outdir/$name/sweep.svg; every row: $outdir/$name/sweep.csv)"
}

mkdir -p "$outdir"
echo "Command: scripts/korea_question.sh $runs $samples   (brink $("$brink" --version | cut -d' ' -f2))"
echo
echo "Defaults of scenarios/korea/2022.yaml ($runs runs, seed 1):"
echo
echo '```'
"$brink" compare "$sc" --runs "$runs" --seed 1 --quiet | sed -n '3,10p'
echo '```'
sweep_table "P(armed conflict within 104 weeks) by the DPRK's prior greed (0.1: spiral world .. 0.9: deterrence world)" \
  "params.dprk_greed=0.1:0.9:5" greed
sweep_table "P(armed conflict within 104 weeks) by US-China relations" \
  "params.us_china_relations=-0.8:0.8:5" us_china
if [ "$samples" -gt 0 ]; then
  echo
  echo "What drives the difference maximum_pressure - proactive_diplomacy in P(armed conflict)"
  echo "(Sobol indices over every parameter's prior, $samples base samples, 1000 runs per point):"
  echo
  echo '```'
  "$brink" sensitivity "$sc" --metric difference:maximum_pressure-proactive_diplomacy \
      --samples "$samples" --runs 1000 --seed 1 --quiet --out "$outdir/sensitivity" \
      | sed '/^(.* s for /d'
  echo '```'
  echo
  echo "(tornado chart: $outdir/sensitivity/tornado.svg)"
fi
