#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the browser-test driver (playwright-core, pinned in tests/browser/package-lock.json)
# with `npm ci` when Node.js is present and it is not installed yet. No browser is downloaded:
# the tests drive Debian's chromium.
set -euo pipefail
dir="$(cd "$(dirname "$0")/../tests/browser" && pwd)"
command -v node >/dev/null && command -v npm >/dev/null || exit 0
if [ -f "$dir/node_modules/playwright-core/package.json" ] &&
   cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.copy" 2>/dev/null; then
  exit 0
fi
echo "installing tests/browser dependencies (npm ci)" >&2
(cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund >&2)
cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.copy"
