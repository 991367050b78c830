#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Makes korea_streams.tsv (date<TAB>stream), a stand-in for `brink record streams` used by the
# Hawkes smoke test, from the record files in data/ (2006-01-01 .. 2022-11-06 only):
#   csis_provocations_1958_2022.tsv  class BM -> dprk_bm, BM with icbm 1 -> dprk_icbm,
#                                    NUCLEAR -> dprk_nuclear, CLASH -> dprk_clash
#   korea_timeline_2006_2018.tsv, korea_timeline_2019_2022.tsv
#                                    exercise -> allied_exercise, deployment -> allied_deployment,
#                                    sanctions_unsc / sanctions_unilateral -> allied_sanctions,
#                                    talks / summit with the US or the ROK -> allied_offer
# Usage: bash tests/data/hawkes/make_streams.sh [DATA_DIR] > tests/data/hawkes/korea_streams.tsv
# (`brink record streams` now makes the full streams from the shipped record, allied record
# included: docs/validation.md.)
set -euo pipefail
dir=${1:-data}
{
  awk -F'\t' 'NR > 1 && $1 >= "2006-01-01" && $1 <= "2022-11-06" {
    if ($2 == "BM") { print $1 "\tdprk_bm"; if ($3 == "1") print $1 "\tdprk_icbm" }
    if ($2 == "NUCLEAR") print $1 "\tdprk_nuclear"
    if ($2 == "CLASH") print $1 "\tdprk_clash"
  }' "$dir/csis_provocations_1958_2022.tsv"
  awk -F'\t' 'FNR > 1 && $1 >= "2006-01-01" && $1 <= "2022-11-06" {
    if ($4 == "exercise") print $1 "\tallied_exercise"
    if ($4 == "deployment") print $1 "\tallied_deployment"
    if ($4 == "sanctions_unsc" || $4 == "sanctions_unilateral") print $1 "\tallied_sanctions"
    if (($4 == "talks" || $4 == "summit") && $2 ~ /US|ROK|SIX_PARTY/) print $1 "\tallied_offer"
  }' "$dir/korea_timeline_2006_2018.tsv" "$dir/korea_timeline_2019_2022.tsv"
} | sort -u | { printf 'date\tstream\n'; cat; }
