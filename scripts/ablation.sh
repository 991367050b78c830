#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The ablation table of docs/model.md: P(armed conflict within the horizon) per policy with
# each mechanism of model v2 switched off in turn (by the scenario keys that turn it off, no
# special code), and with the hand-set proximities of one side removed.
#   scripts/ablation.sh [SCENARIO] [RUNS] [--set ...]   (defaults: scenarios/korea/2022.yaml, 20000)
set -euo pipefail
cd "$(dirname "$0")/.."
brink=${BRINK:-build/brink}
sc=${1:-scenarios/korea/2022.yaml}
runs=${2:-20000}
shift $(( $# > 2 ? 2 : $# ))
extra=("$@")
policies=maximum_pressure,proactive_diplomacy,reciprocal_restraint,pressure_plus_diplomacy,consult_beijing,historical
case "$sc" in
  *taiwan*) policies=maximum_pressure,proactive_diplomacy,reciprocal_restraint,historical
            behavioural=PRC; others=(USA TWN) ;;
  *) behavioural=DPRK; others=(USA ROK) ;;
esac
# Every military action of an actor, for "proximity of one side removed".
actions_of() { "$brink" check "$sc" --dump | awk -v a="$1" '
  $0 ~ "^  " a ":$" { on = 1; next } on && /^  [A-Za-z]/ { on = 0 }
  on && /- name: / { name = $3 } on && /kind: military/ { print name }'; }
sets_for() {
  case "$1" in
    "all mechanisms") ;;
    "no incidents") echo "model.incident_base=0" ;;
    "no deliberate attack") echo "model.attack_hazard=0" ;;
    "no pre-emption") echo "model.preempt_hazard=0" ;;
    "no nuclear use") echo "actors.$behavioural.nuclear_use=0" ;;
    "no campaigns")
      for a in $(actions_of "$behavioural"); do echo "actors.$behavioural.ladder.$a.campaign_start=0"; done ;;
    "allies' proximity none")
      for o in "${others[@]}"; do for a in $(actions_of "$o"); do echo "actors.$o.ladder.$a.proximity=none"; done; done ;;
    "$behavioural proximity none")
      for a in $(actions_of "$behavioural"); do echo "actors.$behavioural.ladder.$a.proximity=none"; done ;;
  esac
}
variants=("all mechanisms" "no incidents" "no deliberate attack" "no pre-emption" "no nuclear use"
          "no campaigns" "allies' proximity none" "$behavioural proximity none")
IFS=, read -r -a pols <<<"$policies"
printf '| %s |' "variant ($sc, $runs runs, seed 1)"; for p in "${pols[@]}"; do printf ' %s |' "$p"; done; echo
printf '|---|'; for p in "${pols[@]}"; do printf -- '---|'; done; echo
for v in "${variants[@]}"; do
  args=()
  while read -r s; do [ -n "$s" ] && args+=(--set "$s"); done < <(sets_for "$v")
  for s in "${extra[@]}"; do args+=(--set "$s"); done
  json=$("$brink" compare "$sc" --runs "$runs" --seed 1 --quiet --no-timing --format json \
         --policies "$policies" "${args[@]}")
  printf '| %s |' "$v"
  for p in "${pols[@]}"; do
    awk -v p="$p" '
      /"name": / { gsub(/[",]/, "", $2); cur = $2 }
      cur == p && /"p_armed_conflict": \{/ && !done[p]++ {
        match($0, /"mean": [^,]*/); m = substr($0, RSTART + 8, RLENGTH - 8)
        match($0, /"lo": [^,]*/); l = substr($0, RSTART + 6, RLENGTH - 6)
        match($0, /"hi": [^}]*/); h = substr($0, RSTART + 6, RLENGTH - 6)
        printf " %.1f%% [%.1f, %.1f] |", 100 * m, 100 * l, 100 * h }' <<<"$json"
  done
  echo
done
echo
echo "P(armed conflict within the horizon), share of runs with 95% Wilson intervals; each row switches one"
echo "mechanism off through scenario keys (--set), the same common random numbers in every row."
