#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Torture: hostile result files through `brink report` and `brink plot`, under memory ceilings
# (RLIMIT_AS, skipped under ASan, whose shadow memory needs terabytes of address space).
set -u
brink=$1
fixture=tests/data/report/korea-2022.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0; pass=0
ok() { if [ "$2" = "$3" ]; then pass=$((pass+1)); else echo "FAILED: $1 (got '$3', expected '$2')"; fail=$((fail+1)); fi; }
has() { if grep -q -- "$2" <<<"$3"; then pass=$((pass+1)); else echo "FAILED: $1: no '$2' in: $3"; fail=$((fail+1)); fi; }
limit() { if [ -z "${BRINK_SANITIZED:-}" ]; then ulimit -v "$1"; fi; }

# 6. Nesting 10^6 deep is refused at depth 64 at once (it used 1.1 GB before the error).
python3 -c "import sys; sys.stdout.write('{\"a\":' + '[' * 1000000)" > "$tmp/deep.json"
err=$( (limit 400000; "$brink" report "$tmp/deep.json" -o "$tmp/deep.html") 2>&1); ok "deep exit" 1 $?
has "deep message" "nesting deeper than 64 levels" "$err"

# A 6 MB compact result reads in a small multiple of its size (it took ~1.7 GB).
python3 - "$fixture" "$tmp/big.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
H = 15000
d["horizon"] = H
for p in d["policies"]:
    c = p["p_armed_conflict_curve"]; p["p_armed_conflict_curve"] = [c[i % len(c)] for i in range(H)]
    s = p["tension"]["steps"]; p["tension"]["steps"] = [s[i % len(s)] for i in range(H)]
json.dump(d, open(sys.argv[2], "w"), separators=(",", ":"))
PY
err=$( (limit 300000; "$brink" plot "$tmp/big.json" -o "$tmp/big.svg") 2>&1); ok "6 MB result under 300 MB of address space" 0 $?

# Issue 19: a 17 MB compact result (horizon 44000) is reported within 10 times its size of
# address space plus 64 MB for the command itself (41 MB on the small fixture), and its 77 MB
# page comes out whole. It took about 18 times the input (the JSON tree, the page and each
# chart's SVG held whole) and failed at the 64 MiB limit of one text buffer.
python3 - "$fixture" "$tmp/huge.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
H = 44000
d["horizon"] = H
for p in d["policies"]:
    c = p["p_armed_conflict_curve"]; p["p_armed_conflict_curve"] = [c[i % len(c)] for i in range(H)]
    s = p["tension"]["steps"]; p["tension"]["steps"] = [s[i % len(s)] for i in range(H)]
json.dump(d, open(sys.argv[2], "w"), separators=(",", ":"))
PY
size_kb=$(( $(stat -c %s "$tmp/huge.json") / 1024 ))
err=$( (limit $(( 10 * size_kb + 65536 )); "$brink" report "$tmp/huge.json" -o "$tmp/huge.html") 2>&1)
ok "17 MB result reported within 10x its size ($err)" 0 $?
ok "17 MB result: the page is whole" "</body></html>" "$(tail -n 1 "$tmp/huge.html" 2>/dev/null)"
html_mib=$(( $(stat -c %s "$tmp/huge.html" 2>/dev/null || echo 0) >> 20 ))
[ "$html_mib" -gt 64 ]; ok "17 MB result: a page past 64 MiB ($html_mib MiB)" 0 $?
rm -f "$tmp/huge.json" "$tmp/huge.html"

# Malformed results: exit 1 with a located message, never a crash or "invalid JSON" for OOM.
i=0
while IFS= read -r text; do
  i=$((i + 1))
  printf '%b' "$text" > "$tmp/bad$i.json"
  err=$("$brink" report "$tmp/bad$i.json" -o "$tmp/bad$i.html" 2>&1); rc=$?
  ok "hostile $i exit ($text)" 1 $rc
  [ ! -e "$tmp/bad$i.html" ]; ok "hostile $i writes nothing" 0 $?
done <<'CASES'
{
{"version": "0.1.0",
{"a": "\\u0000"}
{"a": "\\ud800"}
{"a": "\\x41"}
{"a": 01}
{"a": 1.}
{"a": -}
{"a": 1e}
{"a": tru}
{"a": 1} {"b": 2}
{"a": [1, 2,]}
{"a" 1}
{"a": "tab\there"}
\xef\xbb\xbf{"a": 1}
{"version": "0.1.0", "policies": [{"name": 5}]}
{"a": 1e999999}
[]
CASES

# 3. A policy name of 300 bytes draws (it overflowed the chart's 256-byte buffer).
python3 - "$fixture" "$tmp/long.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["policies"][0]["name"] = "\u00e9" * 150
json.dump(d, open(sys.argv[2], "w"))
PY
"$brink" plot "$tmp/long.json" -o "$tmp/long.png" >/dev/null 2>&1; ok "long name plot" 0 $?
"$brink" report "$tmp/long.json" -o "$tmp/long.html" >/dev/null 2>&1; ok "long name report" 0 $?

echo "torture_report: $pass passed, $fail failed"
[ $fail -eq 0 ]
