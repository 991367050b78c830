#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The job behind `make serve`: the dashboard on the Korean scenarios (docs/serve.md), with the
# forecast from the record configured as scripts/run.sh runs it: the windows of the Korean
# history (KOREA_WINDOWS of scripts/korea_fit.sh), the shipped posterior and record (data/).
# Extra arguments go to brink serve (e.g. --listen 127.0.0.1:9000).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
source scripts/korea_fit.sh
history=()
for w in "${KOREA_WINDOWS[@]}"; do history+=(--history "scenarios/korea/$w.yaml"); done
exec build/brink serve --scenarios scenarios/korea --listen 127.0.0.1:8080 "${history[@]}" \
  --posterior data/korea_posterior.tsv "$@"
