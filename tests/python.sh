#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Python package as a user installs it: a fresh virtual environment over Debian's packages
# (python3-cffi, python3-pandas, python3-pytest, python3-matplotlib), `pip install` of python/
# with no package index and no download, against this build's libbrink.so; then
# `pytest python/tests`. Usage: python.sh BUILD_DIR PYTHON
set -euo pipefail
build=$(cd "$1" && pwd)
python=${2:-python3}
src=$(pwd)
work=$build/python-test
rm -rf "$work"
mkdir -p "$work"
# A copy, so that pip's in-tree build leaves nothing in the source tree.
cp -r python "$work/src"
rm -rf "$work/src/build" "$work/src"/*.egg-info "$work/src/brink"/_native*
"$python" -m venv --system-site-packages "$work/venv"
BRINK_INCLUDE_DIR=$src/include BRINK_LIBRARY_DIR=$build \
  "$work/venv/bin/pip" install --quiet --no-build-isolation --no-index --no-deps \
  --disable-pip-version-check "$work/src"
# Run from the source tree (the tests use scenarios/ and data/), importing the installed
# package, not python/brink (which has no compiled module).
cd "$src"
BRINK_SOURCE_DIR=$src BRINK_BINARY=$build/brink OMP_WAIT_POLICY=passive MPLBACKEND=Agg \
  "$work/venv/bin/python" -m pytest -q -p no:cacheprovider python/tests
