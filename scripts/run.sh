#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job behind `make run`.
set -euo pipefail
echo "brink $(build/brink --version | cut -d' ' -f2) is built at build/brink."
echo "The main job (compare the seed's policies on scenarios/korea/2022.yaml) is not built yet:"
echo "it needs the scenario loader (issue 3), the model (issue 4), the engine (issue 5) and the"
echo "Korean scenario pack (issue 6). Try 'build/brink --help' for what exists."
