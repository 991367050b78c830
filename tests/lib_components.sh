#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The model alone (docs/architecture.md, components): configures the library with
# BRINK_WITH_EVENTS, _REPORT and _GAME off in a directory of its own, builds it, and checks that
# libbrink.so then needs only libfyaml and GSL beside the C runtime and OpenMP (Random123 is
# header-only), leaves out the optional modules' functions, installs a brink.pc that requires no
# SQLite, libzip or cairo, and that examples/compare.c built through that pkg-config file gives
# the same bytes as the full build's command.
# Usage: lib_components.sh BUILD_DIR CC "EXTRA_CMAKE_ARGS"
set -euo pipefail
build=$(cd "$1" && pwd)
cc=$2
extra=${3:-}
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$build/lib-components-test
rm -rf "$work"
mkdir -p "$work"
# shellcheck disable=SC2086
cmake -S . -B "$work/build" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBRINK_WITH_EVENTS=OFF -DBRINK_WITH_REPORT=OFF -DBRINK_WITH_GAME=OFF $extra > "$work/configure.log" \
  || { cat "$work/configure.log"; fail "configure"; }
grep -q "library only" "$work/configure.log" || fail "configure did not say the build is the library only"
cmake --build "$work/build" --target brinkshared brinklib -j 2 > "$work/build.log" 2>&1 \
  || { tail -30 "$work/build.log"; fail "build"; }
so=$work/build/libbrink.so
needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
for lib in libfyaml libgsl; do
  grep -q "$lib" <<<"$needed" || fail "model-only libbrink.so does not need $lib: $needed"
done
for lib in libsqlite3 libzip libcairo libmicrohttpd libmpi; do
  if grep -q "$lib" <<<"$needed"; then fail "model-only libbrink.so needs $lib: $needed"; fi
done
echo "ok: model-only libbrink.so needs: $needed"
syms=$(nm -D --defined-only "$so" | awk '{print $3}')
for f in brink_scenario_load brink_engine_run brink_filter_run brink_sweep_axis_parse; do
  grep -qx "$f" <<<"$syms" || fail "model-only libbrink.so lacks $f"
done
for f in brink_event_store_new brink_report_html brink_game_tournament_run; do
  if grep -qx "$f" <<<"$syms"; then fail "model-only libbrink.so exports $f"; fi
done
echo "ok: the model, engine, filter and sweeps are in; events, report and game are out"
cmake --install "$work/build" --prefix "$work/prefix" > /dev/null
export PKG_CONFIG_PATH=$(dirname "$(find "$work/prefix" -name brink.pc)")
req=$(pkg-config --print-requires-private brink | tr '\n' ' ')
[ "$(tr -d ' ' <<<"$req")" = "libfyamlgsl" ] || fail "brink.pc requires: $req"
libdir=$(pkg-config --variable=libdir brink)
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror examples/compare.c $(pkg-config --cflags --libs brink) \
  -Wl,-rpath,"$libdir" -o "$work/compare"
"$work/compare" scenarios/korea/2022.yaml 200 5 > "$work/model.csv"
"$build/brink" compare scenarios/korea/2022.yaml --runs 200 --seed 5 --threads 1 --format csv \
  --quiet > "$work/full.csv"
cmp "$work/model.csv" "$work/full.csv" || fail "the model-only example and the full command differ"
echo "ok: examples/compare.c against the model-only install gives the full command's bytes"
rm -rf "$work"
