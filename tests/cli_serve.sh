#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `brink serve` over loopback: the API's answers, path traversal, symlinks and absolute paths
# refused, oversized and malformed bodies, a slow client, a full queue (429), a cancelled
# job, the same result bytes for the same inputs, Content-Security-Policy; one-parameter
# sweeps (the bytes of `brink sweep`, cache, chart, refusals, queue, cancellation); forecasts
# from the record (the bytes of `brink forecast --policy ... --format json`, cache, refusals,
# progress by phase, cancellation between phases, a server without history). Needs curl.
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

# A sweep of one parameter: the numbers and bytes of `brink sweep` on the same inputs (common
# random numbers: one seed at every point and for every policy), cached, its chart, refusals.
sweep='"sweep": {"param": "dprk_greed", "lo": 0.1, "hi": 0.9, "points": 3}'
sreq="{\"scenario\": \"2022.yaml\", \"runs\": 200, \"seed\": 5, \"policies\": [\"maximum_pressure\", \"proactive_diplomacy\"], $sweep}"
[ "$(code -X POST "$url/api/run" -d "$sreq")" = 200 ]; ok "POST /api/run with a sweep" $?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["command"]=="sweep" and d["design"]=="grid" and [p["values"][0] for p in d["points"]]==[0.1,0.5,0.9] and d["parameters"][0]["path"]=="params.dprk_greed" and d["runs"]==200 and d["seed"]==5' "$tmp/body"; ok "sweep JSON: three points 0.1, 0.5, 0.9" $?
python3 -c 'import sys; sys.stdout.write(open(sys.argv[1]).read().lstrip(" "))' "$tmp/body" > "$tmp/sweep1.json"
c=$(code -X POST "$url/api/jobs" -d "$sreq"); grep -q '"cached": true' "$tmp/body"; ok "same sweep is cached ($c)" $?
skey=$(sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p' "$tmp/body")
[ "$skey" != "$key" ]; ok "a sweep has its own key" $?
[ "$(code "$url/api/results/$skey.json")" = 200 ] && cmp -s "$tmp/body" "$tmp/sweep1.json"; ok "cached sweep bytes = run bytes" $?
"$brink" sweep "$tmp/dir/2022.yaml" --param dprk_greed=0.1:0.9:3 --runs 200 --seed 5 \
  --policies maximum_pressure,proactive_diplomacy --threads 1 --format csv --quiet > "$tmp/sweep-cli.csv"
[ "$(code "$url/api/results/$skey.csv")" = 200 ] && cmp -s "$tmp/body" "$tmp/sweep-cli.csv"; ok "sweep CSV = brink sweep's CSV, byte for byte" $?
"$brink" sweep "$tmp/dir/2022.yaml" --param dprk_greed=0.1:0.9:3 --runs 200 --seed 5 \
  --policies maximum_pressure,proactive_diplomacy --threads 1 --format json --quiet > "$tmp/sweep-cli.json"
# (all but scenario_file, which names the file as each was given it)
cmp -s <(grep -v '"scenario_file"' "$tmp/sweep1.json") <(grep -v '"scenario_file"' "$tmp/sweep-cli.json"); ok "sweep JSON = brink sweep's JSON" $?
[ "$(code "$url/api/results/$skey/sweep.svg")" = 200 ] && grep -q '<svg' "$tmp/body"; ok "sweep chart (SVG)" $?
"$brink" sweep "$tmp/dir/2022.yaml" --param dprk_greed=0.1:0.9:3 --runs 200 --seed 5 \
  --policies maximum_pressure,proactive_diplomacy --threads 1 --quiet --chart "$tmp/sweep-cli.svg" >/dev/null
# (but for cairo's id of the drawing surface, a counter of the process)
cmp -s <(sed 's/id="surface[0-9]*"//' "$tmp/body") <(sed 's/id="surface[0-9]*"//' "$tmp/sweep-cli.svg"); ok "sweep chart = brink sweep --chart's SVG" $?
[ "$(code "$url/api/results/$skey.html")" = 200 ] && grep -q 'dprk_greed' "$tmp/body"; ok "sweep HTML page" $?
[ "$(code "$url/api/results/$skey/conflict.svg")" = 404 ]; ok "no comparison chart for a sweep" $?
[ "$(code "$url/api/results/$key/sweep.svg")" = 404 ]; ok "no sweep chart for a comparison" $?
# Another range or point count is another result; the same one again the same bytes.
sreq4=${sreq/\"points\": 3/\"points\": 4}
[ "$(code -X POST "$url/api/run" -d "$sreq4")" = 200 ] && python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["points"])==4' "$tmp/body"; ok "4 points" $?
[ "$(code -X POST "$url/api/run" -d "$sreq")" = 200 ] && cmp -s <(python3 -c 'import sys; sys.stdout.write(open(sys.argv[1]).read().lstrip(" "))' "$tmp/body") "$tmp/sweep1.json"; ok "same sweep, same bytes" $?
# A sweep of the editor's text (a scenario without includes): brink sweep's CSV of the file.
python3 -c 'import json,sys; print(json.dumps({"yaml": open(sys.argv[1]).read(), "runs": 300, "seed": 2, "sweep": {"param": "h", "lo": 0.01, "hi": 0.05, "points": 3}}))' \
  tests/data/sweep/hazard.yaml > "$tmp/yaml-sweep.json"
c=$(code -X POST "$url/api/jobs" --data-binary @"$tmp/yaml-sweep.json"); ykey=$(sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p' "$tmp/body")
curl -s -N --max-time 60 "$url/api/jobs/$ykey/events" > /dev/null
"$brink" sweep tests/data/sweep/hazard.yaml --param h=0.01:0.05:3 --runs 300 --seed 2 --format csv --quiet > "$tmp/yaml-cli.csv"
[ "$(code "$url/api/results/$ykey.csv")" = 200 ] && cmp -s "$tmp/body" "$tmp/yaml-cli.csv"; ok "sweep of editor text = brink sweep's CSV ($c)" $?
# Refusals: 400 with a message naming the problem, before anything is queued.
sbad() { # name expected-message body
  c=$(code -X POST "$url/api/jobs" -d "$3")
  [ "$c" = 400 ] && grep -q "$2" "$tmp/body"; ok "sweep $1 → 400 ($c)" $?
}
sbad "of an unknown parameter" "unknown parameter 'nope' to sweep" '{"scenario": "2022.yaml", "runs": 100, "sweep": {"param": "nope", "lo": 0, "hi": 1}}'
sbad "with lo > hi" "sweep lo 0.9 is above hi 0.1" '{"scenario": "2022.yaml", "runs": 100, "sweep": {"param": "dprk_greed", "lo": 0.9, "hi": 0.1}}'
sbad "outside the prior's support" "sweep hi 7:.*range \[0, 1\]" '{"scenario": "2022.yaml", "runs": 100, "sweep": {"param": "dprk_greed", "lo": 0.1, "hi": 7}}'
sbad "of 1000 points" "sweep points must be 2..100" '{"scenario": "2022.yaml", "runs": 100, "sweep": {"param": "dprk_greed", "lo": 0.1, "hi": 0.9, "points": 1000}}'
sbad "over --max-runs (points x runs)" "over --max-runs 5000" '{"scenario": "2022.yaml", "runs": 2000, "sweep": {"param": "dprk_greed", "lo": 0.1, "hi": 0.9, "points": 3}}'
sbad "with a path for a name" "not a parameter name" '{"scenario": "2022.yaml", "sweep": {"param": "params.dprk_greed", "lo": 0.1, "hi": 0.9}}'
sbad "without hi" "needs 'hi'" '{"scenario": "2022.yaml", "sweep": {"param": "dprk_greed", "lo": 0.1}}'
! grep -q "$tmp" "$tmp/body"; ok "no server path in sweep answers" $?
# A server without --history: no forecast control, and a forecast request is refused.
[ "$(code "$url/api/scenarios")" = 200 ] && grep -q '"forecast": null' "$tmp/body"; ok "no history: forecast null in the scenario list" $?
c=$(code -X POST "$url/api/jobs" -d '{"scenario": "2022.yaml", "runs": 100, "forecast": {"origin": "2022-11-07"}}')
[ "$c" = 400 ] && grep -q 'no history of the record to forecast from: start it with --history' "$tmp/body"; ok "no history: forecast → 400 ($c)" $?

# Server-sent events of a sweep: progress counts the runs of every point and policy.
# (runs enough that the job outlasts the client's first look at it, which a loaded machine delays)
c=$(code -X POST "$url/api/jobs" -d '{"scenario": "2022.yaml", "runs": 1200, "seed": 11, "policies": ["maximum_pressure", "proactive_diplomacy"], "sweep": {"param": "dprk_greed", "lo": 0.2, "hi": 0.8, "points": 4}}')
k=$(sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p' "$tmp/body")
curl -s -N --max-time 60 "$url/api/jobs/$k/events" > "$tmp/sevents"
grep -q '^event: done' "$tmp/sevents" && grep -q '"total": 9600' "$tmp/sevents"; ok "sweep events: total 4 x 1200 x 2 runs, then done" $?

# Server-sent events: progress, then done.
c=$(code -X POST "$url/api/jobs" -d '{"scenario": "2022.yaml", "runs": 2000, "seed": 9}'); key=$(sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p' "$tmp/body")
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
# A sweep goes through the same queue.
c=$(curl -s -o "$tmp/body" -D "$tmp/hs" -w '%{http_code}' -X POST "$url/api/jobs" -d '{"scenario": "2022.yaml", "runs": 1000, "seed": 300, "sweep": {"param": "dprk_greed", "lo": 0.1, "hi": 0.9}}')
[ "$c" = 429 ] && grep -qi '^retry-after: [0-9]' "$tmp/hs"; ok "sweep into a full queue → 429 with Retry-After ($c)" $?
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
  --max-runs 1000000 --jobs 1 --threads 1 --posterior data/korea_posterior.tsv \
  $(for w in 2006 2009 2012 2013 2014 2016 2017 2018 2019 2022_history; do echo --history scenarios/korea/$w.yaml; done) \
  2>"$tmp/log2" &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/port2" ] && break; sleep 0.1; done
url2="http://127.0.0.1:$(cat "$tmp/port2")"
# Forecasts from the record (this server has the Korean history, as make serve): the bytes of
# `brink forecast` on the same inputs, small particles and runs so that it stays fast.
grep -q 'forecasts from the record over 10 history window' "$tmp/log2"; ok "history configured" $?
[ "$(code "$url2/api/scenarios")" = 200 ] && grep -q '"forecast": {"first_origin": "2007-01-01", "last_origin": "2022-11-07"' "$tmp/body"; ok "forecast bounds in the scenario list" $?
source scripts/korea_fit.sh
fcli() { # origin, then extra options of brink forecast
  local o=$1 w h=(); shift
  for w in $(korea_windows_before "$o"); do h+=(--history "$w"); done
  "$brink" forecast "$tmp/dir/2022.yaml" "${h[@]}" --origin "$o" --seed 3 --replicates 2 \
    --particles 40 --posterior data/korea_posterior.tsv --threads 1 --quiet "$@"
}
freq='{"scenario": "2022.yaml", "runs": 200, "seed": 3, "forecast": {"origin": "2022-11-07", "horizon": 52, "particles": 40, "replicates": 2}}'
[ "$(code -X POST "$url2/api/run" -d "$freq")" = 200 ]; ok "POST /api/run with a forecast" $?
sed '1s/^ *//' "$tmp/body" > "$tmp/f1.json"
fcli 2022-11-07 --policy all --horizon 52 --runs 200 --format json > "$tmp/f-cli.json"
# (all but scenario_file, which names the file as each was given it)
cmp -s <(sed 's/"scenario_file": "[^"]*"//' "$tmp/f1.json") <(sed 's/"scenario_file": "[^"]*"//' "$tmp/f-cli.json"); ok "forecast JSON = brink forecast --policy all's JSON" $?
grep -q '"scenario_file": "2022.yaml"' "$tmp/f1.json"; ok "forecast names the served file" $?
c=$(code -X POST "$url2/api/jobs" -d "$freq"); grep -q '"cached": true' "$tmp/body"; ok "same forecast is cached ($c)" $?
fkey=$(sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p' "$tmp/body")
[ "$(code "$url2/api/results/$fkey.json")" = 200 ] && cmp -s "$tmp/body" "$tmp/f1.json"; ok "cached forecast bytes = run bytes" $?
fcli 2022-11-07 --policy all --horizon 52 --runs 200 > "$tmp/f-cli.txt"
[ "$(code "$url2/api/results/$fkey.txt")" = 200 ] && cmp -s "$tmp/body" "$tmp/f-cli.txt"; ok "forecast text = brink forecast's table" $?
[ "$(code "$url2/api/results/$fkey/conflict.svg")" = 404 ] && [ "$(code "$url2/api/results/$fkey.csv")" = 404 ]; ok "no chart or CSV for a forecast" $?
# Another origin (fewer windows), two policies and an override: brink forecast --policy A,B --set.
freq2='{"scenario": "2022.yaml", "runs": 150, "seed": 3, "policies": ["maximum_pressure", "historical"], "overrides": ["params.dprk_greed=0.9"], "forecast": {"origin": "2015-01-05", "horizon": 30, "particles": 40, "replicates": 2}}'
c=$(code -X POST "$url2/api/run" -d "$freq2"); sed '1s/^ *//' "$tmp/body" > "$tmp/f2.json"
fcli 2015-01-05 --policy maximum_pressure,historical --set params.dprk_greed=0.9 --horizon 30 --runs 150 --format json > "$tmp/f2-cli.json"
[ "$c" = 200 ] && cmp -s <(sed 's/"scenario_file": "[^"]*"//' "$tmp/f2.json") <(sed 's/"scenario_file": "[^"]*"//' "$tmp/f2-cli.json"); ok "forecast from 2015-01-05 with an override = brink forecast's JSON ($c)" $?
grep -q '"origin": "2015-01-05"' "$tmp/f2.json" && ! cmp -s "$tmp/f1.json" "$tmp/f2.json"; ok "another origin, another result" $?
# Refusals: 400 naming the problem.
fbad() { # name expected-message forecast-member [policies]
  c=$(code -X POST "$url2/api/jobs" -d "{\"scenario\": \"2022.yaml\", \"runs\": 100${4:-}, \"forecast\": $3}")
  [ "$c" = 400 ] && grep -q "$2" "$tmp/body"; ok "forecast $1 → 400 ($c)" $?
}
fbad "from a Tuesday" "origin '2022-11-08' is not a Monday" '{"origin": "2022-11-08"}'
fbad "after the record" "on or before 2022-11-07" '{"origin": "2022-11-14"}'
fbad "from before the history" "origin 2006-06-05 is before 2007-01-01" '{"origin": "2006-06-05"}'
fbad "of 521 weeks" "horizon must be 1..520, got 521" '{"origin": "2022-11-07", "horizon": 521}'
fbad "of 0 weeks" "horizon must be 1..520, got 0" '{"origin": "2022-11-07", "horizon": 0}'
fbad "of one policy" "choose 2 to 32, got 1" '{"origin": "2022-11-07"}' ', "policies": ["historical"]'
fbad "with a file" "unknown key 'history' in 'forecast'" '{"origin": "2022-11-07", "history": "/etc/passwd"}'
c=$(code -X POST "$url2/api/jobs" -d '{"scenario": "2022.yaml", "runs": 2000000, "forecast": {"origin": "2022-11-07"}}'); [ "$c" = 400 ] && grep -q 'max-runs' "$tmp/body"; ok "forecast over --max-runs → 400 ($c)" $?
! grep -q "$tmp" "$tmp/body"; ok "no server path in forecast answers" $?
# Progress by phase: the filter's weeks x filters, then the runs of every policy.
c=$(code -X POST "$url2/api/jobs" -d '{"scenario": "2022.yaml", "runs": 100, "seed": 4, "policies": ["maximum_pressure", "historical"], "forecast": {"origin": "2022-11-07", "horizon": 10, "particles": 40, "replicates": 1}}')
k=$(sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p' "$tmp/body")
curl -s -N --max-time 60 "$url2/api/jobs/$k/events" > "$tmp/fevents"
grep -q '^event: done' "$tmp/fevents" && grep -q '"total": 1079, "state": "[a-z]*", "phase": "[a-z]*", "filter_total": 879' "$tmp/fevents"; ok "forecast events: 879 filter weeks + 2 x 100 runs, then done" $?
# A forecast whose client goes away stops after the filter (which cannot stop inside) or
# between two policies: it never runs the 6 x 100,000 runs.
kf=$(curl -s -X POST "$url2/api/jobs" -d '{"scenario": "2022.yaml", "runs": 100000, "seed": 5, "forecast": {"origin": "2022-11-07", "particles": 1000, "replicates": 1}}' | sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p')
curl -s -N --max-time 1 "$url2/api/jobs/$kf/events" > "$tmp/evfa"
grep -q '"phase": "filter"' "$tmp/evfa"; ok "the forecast was filtering when its client left" $?
sleep 3 # nobody watches: the next progress marks it, the end of the phase stops it
curl -s -N --max-time 120 "$url2/api/jobs/$kf/events" > "$tmp/evf"
grep -q 'cancelled' "$tmp/evf" && ! grep -q '"done": 600879' "$tmp/evf"; ok "forecast cancelled when its client went away" $?
k7=$(curl -s -X POST "$url2/api/jobs" -d '{"scenario": "2022.yaml", "runs": 1000000, "seed": 700}' | sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p')
curl -s -N --max-time 2 "$url2/api/jobs/$k7/events" > "$tmp/ev7a"
grep -q '^event: progress' "$tmp/ev7a"; ok "the long job was running when its client left" $?
start=$(date +%s)
sleep 3 # nobody watches: the next batch stops it (a new watcher would keep it alive)
curl -s -N --max-time 120 "$url2/api/jobs/$k7/events" > "$tmp/ev7"
grep -q 'cancelled' "$tmp/ev7"; ok "running job cancelled when its client went away" $?
[ $(( $(date +%s) - start )) -lt 100 ]; ok "cancelled long before its 1,000,000 runs" $?
# A sweep stops likewise, between its points or inside one.
k8=$(curl -s -X POST "$url2/api/jobs" -d '{"scenario": "2022.yaml", "runs": 200000, "seed": 800, "sweep": {"param": "dprk_greed", "lo": 0.1, "hi": 0.9, "points": 5}}' | sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p')
curl -s -N --max-time 2 "$url2/api/jobs/$k8/events" > "$tmp/ev8a"
grep -q '^event: progress' "$tmp/ev8a"; ok "the long sweep was running when its client left" $?
sleep 3
curl -s -N --max-time 120 "$url2/api/jobs/$k8/events" > "$tmp/ev8"
grep -q 'cancelled' "$tmp/ev8"; ok "running sweep cancelled when its client went away" $?
kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
[ "$rc" = 0 ]; ok "second server: clean stop (exit $rc)" $?
! grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error' "$tmp/log" "$tmp/log2"; ok "no sanitizer report" $?
echo "cli_serve: $pass passed, $fail failed"
[ "$fail" = 0 ]
