#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `brink serve` over loopback: the API's answers, path traversal, symlinks and absolute paths
# refused, oversized and malformed bodies, a slow client, a full queue (429), a cancelled
# job, the same result bytes for the same inputs, Content-Security-Policy. Needs curl.
set -u
brink=$1
fail=0; pass=0
ok() { # name condition-result(0/1)
  if [ "$2" = 0 ]; then pass=$((pass+1)); else echo "FAILED: $1"; fail=$((fail+1)); fi
}
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$PWD/tests/lsan-fontconfig.supp"
if ! command -v curl >/dev/null; then
  echo "cli_serve: curl not installed: skipping"; exit 0
fi
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
# A served directory with a symlink to a file outside it and a file outside it.
mkdir -p "$tmp/dir"
cp scenarios/korea/2022.yaml scenarios/korea/base.yaml "$tmp/dir/"
echo 'secret: 1' > "$tmp/outside.yaml"
ln -s "$tmp/outside.yaml" "$tmp/dir/link.yaml"
"$brink" serve --help | grep -q -- '--max-runs'; ok "serve --help" $?
"$brink" serve --listen nowhere >/dev/null 2>&1; [ $? = 2 ]; ok "bad --listen is a usage error" $?
"$brink" serve --scenarios "$tmp/dir" --listen 127.0.0.1:0 --port-file "$tmp/port" \
  --max-runs 5000 --jobs 1 --threads 2 2>"$tmp/log" &
pid=$!
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port" 2>/dev/null)
[ -n "$port" ]; ok "server started" $?
url="http://127.0.0.1:$port"
code() { curl -s -o "$tmp/body" -w '%{http_code}' --max-time 60 "$@"; }

# The page and its headers.
curl -s -D "$tmp/headers" -o "$tmp/page" "$url/" ; grep -q '<script src="/app.js"' "$tmp/page"; ok "page served" $?
grep -qi "^content-security-policy: default-src 'self'" "$tmp/headers"; ok "CSP default-src 'self'" $?
! grep -qE 'https?://' "$tmp/page"; ok "no external URL in the page" $?
curl -s "$url/app.js" | grep -qE "fetch\('https?:" && r=1 || r=0; ok "no external fetch in app.js" $r
[ "$(code "$url/api/scenarios")" = 200 ] && grep -q '"2022.yaml"' "$tmp/body"; ok "scenario list" $?
! grep -q 'link.yaml' "$tmp/body"; ok "symlink not listed" $?
[ "$(code "$url/api/scenario?name=2022.yaml")" = 200 ] && grep -q '"dprk_greed"' "$tmp/body"; ok "scenario params" $?
! grep -q "$tmp" "$tmp/body"; ok "no server path in answers" $?

# Path traversal, absolute paths, symlinks, other names: refused, nothing read.
for name in ../outside.yaml %2e%2e%2foutside.yaml /etc/passwd "$tmp/outside.yaml" link.yaml base.yml .. ''; do
  c=$(code "$url/api/scenario?name=$name")
  [ "$c" = 404 ] || [ "$c" = 400 ]; ok "GET scenario '$name' refused ($c)" $?
  ! grep -q 'secret' "$tmp/body"; ok "nothing of '$name' served" $?
done
for name in '../outside.yaml' '/etc/passwd.yaml' 'link.yaml' 'sub/2022.yaml'; do
  c=$(code -X POST "$url/api/jobs" -d "{\"scenario\": \"$name\", \"runs\": 10}")
  [ "$c" = 400 ] || [ "$c" = 404 ]; ok "POST scenario '$name' refused ($c)" $?
done
[ "$(code "$url/../../etc/passwd")" = 404 ]; ok "traversal in the URL" $?
[ "$(code "$url/api/results/../../x.json")" = 404 ]; ok "traversal in results" $?

# Malformed JSON, wrong types, bad overrides, bad policies: 400 with a message.
for body in '' '{' '[]' '{"scenario": "2022.yaml",}' '{"scenario": 5}' '{"scenario": "2022.yaml", "runs": -1}' \
    '{"scenario": "2022.yaml", "runs": 1e9}' '{"scenario": "2022.yaml", "bogus": 1}' \
    '{"scenario": "2022.yaml", "runs": 999999}' '{"scenario": "2022.yaml", "policies": ["nope"]}' \
    '{"scenario": "2022.yaml", "overrides": ["params.dprk_greed=7"]}' \
    $'\xff\xfe'; do
  c=$(code -X POST "$url/api/jobs" --data-binary "$body")
  [ "$c" = 400 ] && grep -q '"error"' "$tmp/body"; ok "malformed request '$body' → 400 ($c)" $?
done
grep -q 'expected a whole number' <(curl -s -X POST "$url/api/jobs" -d '{"scenario": "2022.yaml", "runs": -1}'); ok "message names the problem" $?

# Oversized body: 413, and the server still answers.
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ' > "$tmp/big"
c=$(code -X POST "$url/api/jobs" --data-binary @"$tmp/big"); [ "$c" = 413 ]; ok "2 MiB body → 413 ($c)" $?
[ "$(code "$url/api/scenarios")" = 200 ]; ok "up after the big body" $?

# Editor: a broken YAML gets its line and column.
printf '{"yaml": "brink: 1\\nname: x\\nparams:\\n  a: {dist: beta, a: [1\\n"}' > "$tmp/broken.json"
c=$(code -X POST "$url/api/check" --data-binary @"$tmp/broken.json"); [ "$c" = 400 ]; ok "broken YAML → 400 ($c)" $?
grep -q '"line": [1-9]' "$tmp/body"; ok "error has a line" $?

# A run: same inputs, same key and the same bytes; the result through /api/run too.
req='{"scenario": "2022.yaml", "runs": 300, "seed": 5, "policies": ["maximum_pressure", "proactive_diplomacy"]}'
[ "$(code -X POST "$url/api/run" -d "$req")" = 200 ]; ok "POST /api/run" $?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["runs"]==300 and d["seed"]==5 and len(d["policies"])==2' "$tmp/body"; ok "run result JSON" $?
cp "$tmp/body" "$tmp/run1.json"
c=$(code -X POST "$url/api/jobs" -d "$req"); grep -q '"cached": true' "$tmp/body"; ok "same request is cached ($c)" $?
key=$(sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p' "$tmp/body")
[ "$(code "$url/api/results/$key.json")" = 200 ] && cmp -s "$tmp/body" <(python3 -c 'import sys; sys.stdout.write(open(sys.argv[1]).read().lstrip(" "))' "$tmp/run1.json"); ok "cached bytes = run bytes" $?
# The same numbers as the CLI with the same inputs.
"$brink" compare "$tmp/dir/2022.yaml" --runs 300 --seed 5 --policies maximum_pressure,proactive_diplomacy \
  --threads 1 --format csv --quiet > "$tmp/cli.csv"
# (all but the scenario_file column, which names the file as each was given it)
[ "$(code "$url/api/results/$key.csv")" = 200 ] && cmp -s <(cut -d, -f1,3- "$tmp/body") <(cut -d, -f1,3- "$tmp/cli.csv"); ok "CSV = brink compare's CSV" $?
[ "$(code "$url/api/results/$key/conflict.svg")" = 200 ] && grep -q '<svg' "$tmp/body"; ok "conflict chart" $?
[ "$(code "$url/api/results/$key.html")" = 200 ] && grep -q 'maximum_pressure' "$tmp/body"; ok "HTML report" $?
[ "$(code "$url/api/results/$key/nope.svg")" = 404 ]; ok "unknown chart kind" $?
# An override changes the key and the numbers.
req2='{"scenario": "2022.yaml", "runs": 300, "seed": 5, "policies": ["maximum_pressure", "proactive_diplomacy"], "overrides": ["params.dprk_greed=0.95"]}'
[ "$(code -X POST "$url/api/run" -d "$req2")" = 200 ] && ! cmp -s "$tmp/body" "$tmp/run1.json"; ok "override changes the result" $?
grep -q 'params.dprk_greed=0.95' "$tmp/body"; ok "override recorded in the result" $?

# Server-sent events: progress, then done.
c=$(code -X POST "$url/api/jobs" -d '{"scenario": "2022.yaml", "runs": 400, "seed": 9}'); key=$(sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p' "$tmp/body")
curl -s -N --max-time 60 "$url/api/jobs/$key/events" > "$tmp/events"
grep -q '^event: done' "$tmp/events"; ok "events end with done" $?
grep -q '^event: progress' "$tmp/events"; ok "events carry progress" $?

# A slow client (headers never finished) is dropped after the timeout; others are served.
exec 3<>/dev/tcp/127.0.0.1/"$port"; printf 'POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"scen' >&3
[ "$(code "$url/api/scenarios")" = 200 ]; ok "served while a slow client waits" $?
start=$(date +%s); timeout 30 cat <&3 >/dev/null; waited=$(( $(date +%s) - start )); exec 3<&-
[ "$waited" -lt 25 ]; ok "slow client dropped by the server (${waited} s)" $?

# A full queue answers 429 with Retry-After; a job whose client goes away is cancelled.
codes=""
for i in 1 2 3 4 5 6; do
  codes="$codes $(curl -s -o /dev/null -D "$tmp/h$i" -w '%{http_code}' -X POST "$url/api/jobs" -d "{\"scenario\": \"2022.yaml\", \"runs\": 5000, \"seed\": $((100 + i))}")"
done
echo "$codes" | grep -q 429; ok "full queue → 429 ($codes)" $?
grep -qi '^retry-after: [0-9]' "$tmp"/h*; ok "429 has Retry-After" $?
# Watch seed 106's job briefly then go away: it is cancelled before it runs.
k6=$(curl -s -X POST "$url/api/jobs" -d '{"scenario": "2022.yaml", "runs": 5000, "seed": 200}' | sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p')
if [ -n "$k6" ]; then
  curl -s -N --max-time 1 "$url/api/jobs/$k6/events" >/dev/null
  curl -s -N --max-time 120 "$url/api/jobs/$k6/events" > "$tmp/ev6"
  grep -q 'cancelled' "$tmp/ev6"; ok "job cancelled when its client went away" $?
fi
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
[ "$rc" = 0 ]; ok "clean stop (exit $rc)" $?

# A running job whose client goes away stops after its current batch (a server allowing long
# runs, one thread): the watcher leaves while it runs, and a later look finds it cancelled.
"$brink" serve --scenarios "$tmp/dir" --listen 127.0.0.1:0 --port-file "$tmp/port2" \
  --max-runs 1000000 --jobs 1 --threads 1 2>"$tmp/log2" &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/port2" ] && break; sleep 0.1; done
url2="http://127.0.0.1:$(cat "$tmp/port2")"
k7=$(curl -s -X POST "$url2/api/jobs" -d '{"scenario": "2022.yaml", "runs": 1000000, "seed": 700}' | sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p')
curl -s -N --max-time 2 "$url2/api/jobs/$k7/events" > "$tmp/ev7a"
grep -q '^event: progress' "$tmp/ev7a"; ok "the long job was running when its client left" $?
start=$(date +%s)
sleep 3 # nobody watches: the next batch stops it (a new watcher would keep it alive)
curl -s -N --max-time 120 "$url2/api/jobs/$k7/events" > "$tmp/ev7"
grep -q 'cancelled' "$tmp/ev7"; ok "running job cancelled when its client went away" $?
[ $(( $(date +%s) - start )) -lt 100 ]; ok "cancelled long before its 1,000,000 runs" $?
kill -TERM "$pid"; wait "$pid"; pid=
! grep -q 'ERROR: AddressSanitizer\|runtime error' "$tmp/log"; ok "no sanitizer report" $?
echo "cli_serve: $pass passed, $fail failed"
[ "$fail" = 0 ]
