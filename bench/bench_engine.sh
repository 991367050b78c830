#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Monte Carlo engine throughput on scenarios/korea/2022.yaml with 1 and 2 threads (see
# bench/bench_engine.c for what the baseline is).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BRINK_BUILD:-build}
"$build/bench_engine" scenarios/korea/2022.yaml "${BRINK_BENCH_RUNS:-20000}"
