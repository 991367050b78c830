#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The library as an embedder sees it: libbrink.so exports the public brink_ functions and no
# brink__ internals, carries its soname, installs with DESTDIR and with a prefix, and
# examples/compare.c builds through pkg-config against the installed tree and gives the same
# bytes as the command. Usage: lib_install.sh BUILD_DIR CC "EXTRA_FLAGS"
set -euo pipefail
build=$(cd "$1" && pwd)
cc=$2
extra=${3:-}
fail() { echo "FAIL: $*" >&2; exit 1; }
so=$build/libbrink.so
[ -e "$so" ] || fail "no $so"

# 1. Exported symbols: only brink_ names, never brink__; the sanitizer runtimes' own hooks
# (in the ASan build) are not ours and are left out.
syms=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -Ev '^(__asan|__ubsan|__odr_asan|__sanitizer|___asan)' || true)
n=$(printf '%s\n' "$syms" | grep -c . || true)
bad=$(printf '%s\n' "$syms" | grep -Ev '^brink_[a-z0-9]' || true)
[ -z "$bad" ] || fail "libbrink.so exports non-public symbols: $(echo $bad | head -c 400)"
[ "$n" -ge 200 ] || fail "libbrink.so exports only $n symbols"
for f in brink_ctx_new brink_engine_run brink_scenario_load brink_summary_json; do
  grep -qx "$f" <<<"$syms" || fail "libbrink.so does not export $f"
done
# Every public function of the static library is exported by the shared one.
public=$(nm -g --defined-only "$build/libbrink.a" | awk '$2 == "T" {print $3}' | grep -E '^brink_[a-z0-9]' | sort -u)
missing=$(comm -23 <(printf '%s\n' "$public") <(printf '%s\n' "$syms" | sort -u))
[ -z "$missing" ] || fail "public functions not exported: $missing"
echo "ok: libbrink.so exports $n symbols, all brink_ public"

# 2. The soname carries the version.
version=$(sed -n 's/^#define BRINK_VERSION_STRING "\(.*\)"/\1/p' include/brink/brink.h)
soname=$(readelf -d "$so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "libbrink.so.${version%.*}" ] || fail "soname '$soname' for version $version"
echo "ok: soname $soname"

work=$build/lib-install-test
rm -rf "$work"
mkdir -p "$work"
# 3. DESTDIR staging (as a package build does): everything lands below DESTDIR.
DESTDIR=$work/stage cmake --install "$build" --prefix /usr/local >/dev/null
for f in bin/brink include/brink/brink.h include/brink/engine.h; do
  [ -e "$work/stage/usr/local/$f" ] || fail "DESTDIR install lacks $f"
done
pc=$(find "$work/stage/usr/local" -name brink.pc)
[ -n "$pc" ] || fail "DESTDIR install lacks brink.pc"
ls "$(dirname "$(dirname "$pc")")"/libbrink.so.* >/dev/null || fail "DESTDIR install lacks libbrink.so"
echo "ok: DESTDIR install"

# 4. A prefix install, and the example built through pkg-config against it.
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
export PKG_CONFIG_PATH=$(dirname "$(find "$prefix" -name brink.pc)")
flags=$(pkg-config --cflags --libs brink)
libdir=$(pkg-config --variable=libdir brink)
[ "$(pkg-config --modversion brink)" = "$version" ] || fail "brink.pc version"
# shellcheck disable=SC2086
"$cc" -std=c11 -Wall -Wextra -Werror $extra examples/compare.c $flags -Wl,-rpath,"$libdir" \
  -o "$work/compare"
# It must use the installed shared library, not the build tree's.
# (ldd's output is captured first: `ldd | grep -q` under pipefail fails when grep exits early.)
linked=$(ldd "$work/compare")
grep -qF "$libdir/libbrink.so" <<<"$linked" || fail "example not linked to the installed libbrink.so: $(grep brink <<<"$linked")"
"$work/compare" scenarios/korea/2022.yaml 300 11 params.dprk_greed=0.8 > "$work/example.csv"
"$prefix/bin/brink" compare scenarios/korea/2022.yaml --runs 300 --seed 11 --threads 1 \
  --set params.dprk_greed=0.8 --format csv --quiet > "$work/cli.csv"
[ "$(wc -l < "$work/example.csv")" -ge 3 ] || fail "example printed too little"
cmp "$work/example.csv" "$work/cli.csv" || fail "example and brink compare differ"
# A bad file gives the library's message with its location.
if "$work/compare" tests/data/does-not-exist.yaml 2> "$work/err.txt"; then fail "no error"; fi
grep -q "does-not-exist.yaml" "$work/err.txt" || fail "message: $(cat "$work/err.txt")"
echo "ok: examples/compare.c built with pkg-config --cflags --libs brink ($flags) gives the command's bytes"
rm -rf "$work"
