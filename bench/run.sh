#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench`: runs every bench/bench_*.sh in turn (each prints its own table, with the
# baseline it is compared against measured in the same run).
set -euo pipefail
cd "$(dirname "$0")/.."
for s in bench/bench_*.sh; do
  [ -e "$s" ] || continue
  echo "== $s"
  bash "$s"
done
