#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Browser tests of `brink serve` (tests/browser/serve.test.js): Debian's chromium driven by
# playwright-core against a server on loopback. Skipped, with a message, only when node or
# chromium is not installed.
set -u
brink=$1
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$PWD/tests/lsan-fontconfig.supp"
chrome=$(command -v chromium || command -v chromium-browser || true)
if ! command -v node >/dev/null || [ -z "$chrome" ]; then
  echo "cli_serve_browser: node or chromium not installed: skipping (scripts/deps.sh installs them)"
  exit 0
fi
bash scripts/browser_deps.sh || { echo "FAILED: npm ci in tests/browser"; exit 1; }
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
# With the Korean history and posterior, as make serve (scripts/serve.sh): the forecast box.
source scripts/korea_fit.sh
history=()
for w in "${KOREA_WINDOWS[@]}"; do history+=(--history "scenarios/korea/$w.yaml"); done
"$brink" serve --scenarios scenarios/korea --listen 127.0.0.1:0 --port-file "$tmp/port" \
  --max-runs 2000 --threads 2 "${history[@]}" --posterior data/korea_posterior.tsv 2>"$tmp/log" &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { echo "FAILED: server did not start"; cat "$tmp/log"; exit 1; }
shots=${BRINK_SHOTS:-$tmp}
mkdir -p "$shots"
(cd tests/browser && timeout 300 node serve.test.js "http://127.0.0.1:$(cat "$tmp/port")" "$chrome" "$shots")
rc=$?
kill -TERM "$pid"; wait "$pid"; src=$?; pid=
[ "$src" = 0 ] || { echo "FAILED: server exit $src"; rc=1; }
if grep -q 'ERROR: AddressSanitizer\|runtime error' "$tmp/log"; then
  echo "FAILED: sanitizer report"; cat "$tmp/log"; rc=1
fi
exit $rc
