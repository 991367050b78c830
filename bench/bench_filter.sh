#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Particle filter over 880 weekly steps with 2,000 particles, 1 and 2 threads (bench/bench_filter.c).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BRINK_BUILD:-build}
"$build/bench_filter" scenarios/korea/2022.yaml "${BRINK_BENCH_STEPS:-880}" "${BRINK_BENCH_PARTICLES:-2000}"
