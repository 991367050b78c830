#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Game benchmark: Axelrod's first tournament (15 strategies, 200 turns, 100 repetitions, noise
# 0.05) on 1 and 2 threads, with a naive Tit-For-Tat loop of the same size as the baseline
# measured in the same run (bench/bench_game.c). REPEATS (default 5) sets best-of-N.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BRINK_BUILD:-build}
bin=$build/bench_game
if [ ! -x "$bin" ]; then
  echo "bench_game: build first (make build), or set BRINK_BUILD to a build directory" >&2
  exit 1
fi
"$bin" "${REPEATS:-5}"
