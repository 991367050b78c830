#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Hawkes benchmark: log-likelihood by the O(n) recursion against the direct O(n^2) sums in the
# same run, and the time of a full fit, on about 1,000 simulated events (bench/bench_hawkes.c).
# REPEATS (default 5) sets best-of-N.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BRINK_BUILD:-build}
bin=$build/bench_hawkes
if [ ! -x "$bin" ]; then
  echo "bench_hawkes: build first (make build), or set BRINK_BUILD to a build directory" >&2
  exit 1
fi
"$bin" "${REPEATS:-5}"
