#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages brink needs, only those missing. As root it runs apt-get;
# otherwise it prints the exact command to run and fails.
set -euo pipefail
packages=(
  build-essential cmake pkg-config       # compiler and build
  clang libclang-rt-14-dev               # libFuzzer targets and sanitizer runtime
  libfyaml-dev                           # scenario files (YAML)
  librandom123-dev                       # counter-based RNG (Philox)
  libgsl-dev                             # statistics, minimisers
  libsqlite3-dev sqlite3                 # event store; sqlite3 shell for the import baseline
  libzip-dev                             # GDELT .zip exports
  libcairo2-dev fonts-dejavu-core        # charts (SVG, PNG, PDF)
  chromium                               # headless check of the HTML report, browser tests
  libmicrohttpd-dev                      # brink serve (HTTP)
  curl                                   # brink serve tests and load test
  nodejs npm                             # browser tests (puppeteer-core from tests/browser)
  zip                                    # test fixtures in .zip packaging
  openmpi-bin libopenmpi-dev             # optional: mpirun for sweeps across processes
  python3-dev python3-venv python3-setuptools  # the Python package (python/): build, venv test
  python3-cffi python3-pandas python3-pytest python3-matplotlib  # its bindings, frames, tests, example
)
missing=()
for p in "${packages[@]}"; do
  # Node.js builds that bundle npm (e.g. NodeSource's nodejs) conflict with Debian's npm.
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "brink needs these Debian packages: ${missing[*]}" >&2
  echo "run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
