#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Peak memory of `brink report` against the size of its input (issue 19: under 10x the file
# size on a 60 MB result). Inflates tests/data/report/korea-2022.json to long horizons, once
# compact and once pretty-printed, and prints input size, peak RSS (/usr/bin/time -v), the
# ratio and the HTML size. BRINK_BASELINE=path/to/other/brink measures a second build in the
# same run (e.g. a build of an older commit), so before and after sit side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BRINK_BUILD:-build}
horizons=${BRINK_BENCH_HORIZONS:-50000 150000}
if [ ! -x /usr/bin/time ]; then
  echo "bench_report: /usr/bin/time not found (scripts/deps.sh installs it); skipped"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
binaries=("$build/brink")
[ -n "${BRINK_BASELINE:-}" ] && binaries+=("$BRINK_BASELINE")
printf '%-10s %-8s %12s %12s %8s %12s %s\n' horizon layout input_MB peak_RSS_MB ratio html_MB binary
for h in $horizons; do
  for layout in compact pretty; do
    in="$tmp/r-$h-$layout.json"
    python3 - tests/data/report/korea-2022.json "$in" "$h" "$layout" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
H = int(sys.argv[3])
d["horizon"] = H
for p in d["policies"]:
    c = p["p_armed_conflict_curve"]; p["p_armed_conflict_curve"] = [c[i % len(c)] for i in range(H)]
    s = p["tension"]["steps"]; p["tension"]["steps"] = [s[i % len(s)] for i in range(H)]
with open(sys.argv[2], "w") as f:
    if sys.argv[4] == "pretty":
        json.dump(d, f, indent=2)
    else:
        json.dump(d, f, separators=(",", ":"))
PY
    size=$(stat -c %s "$in")
    for b in "${binaries[@]}"; do
      out="$tmp/r.html"
      rm -f "$out"
      /usr/bin/time -v -o "$tmp/time.txt" "$b" report "$in" -o "$out" > /dev/null 2> "$tmp/err.txt" || true
      rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$tmp/time.txt")
      html=0
      [ -e "$out" ] && html=$(stat -c %s "$out")
      awk -v h="$h" -v l="$layout" -v s="$size" -v r="$rss" -v o="$html" -v b="$b" 'BEGIN {
        printf "%-10s %-8s %12.1f %12.1f %8.1f %12.1f %s\n", h, l, s / 1e6, r * 1024 / 1e6,
               r * 1024 / s, o / 1e6, b }'
      grep -q "Exit status: 0" "$tmp/time.txt" || echo "  failed: $(head -c 300 "$tmp/err.txt")"
    done
  done
done
