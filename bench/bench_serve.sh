#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Load test of `brink serve` on loopback, bounded in count and time: CLIENTS concurrent clients
# (default 50) send REQUESTS requests (default 2000) mixing cached results (60%), new small
# runs (20%, 50 runs per policy, a new seed each) and malformed bodies (20%). Reports whether
# the server stayed up, the status codes seen (expected: 200, 400, 429 only), its peak RSS and
# latency p50/p99 of cached and fresh requests. Then the time of a 10,000-run comparison of the
# Korean policies on 2 threads, from the request to the result JSON and its three charts.
# Run it under `nice -n 10` on a shared machine; it is a benchmark, not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BRINK_BUILD:-build}
clients=${CLIENTS:-50}
requests=${REQUESTS:-2000}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
"$build/brink" serve --scenarios scenarios/korea --listen 127.0.0.1:0 --port-file "$tmp/port" \
  --jobs 1 --threads 2 --max-runs 10000 2>"$tmp/log" &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$tmp/port")"
cached='{"scenario": "2022.yaml", "runs": 200, "seed": 1}'
curl -s -o /dev/null -X POST "$url/api/run" -d "$cached" # fill the cache
# One line per request: kind and body.
for i in $(seq "$requests"); do
  case $((i % 5)) in
    0) printf 'fresh\t{"scenario": "2022.yaml", "runs": 50, "seed": %d}\n' $((1000 + i)) ;;
    1) printf 'malformed\t{"scenario": "2022.yaml", "runs": [%d}\n' "$i" ;;
    *) printf 'cached\t%s\n' "$cached" ;;
  esac
done > "$tmp/requests"
export url
start=$(date +%s.%N)
timeout 600 xargs -P "$clients" -d '\n' -n 1 bash -c '
  kind=${1%%	*}; body=${1#*	}
  out=$(curl -s -o /dev/null -w "%{http_code} %{time_total}" --max-time 120 -X POST "$url/api/run" -d "$body" || echo "000 0")
  echo "$kind $out"' _ < "$tmp/requests" > "$tmp/results"
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
up=no; curl -s -o /dev/null --max-time 5 "$url/api/scenarios" && kill -0 "$pid" && up=yes
rss=$(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status")
echo "requests: $(wc -l < "$tmp/results") of $requests in ${elapsed} s, $clients clients; server up afterwards: $up"
echo "peak RSS of the server: $rss"
echo "status codes (count code):"; awk '{print $2}' "$tmp/results" | sort | uniq -c | sed 's/^/  /'
echo "by kind (count kind code):"; awk '{print $1, $2}' "$tmp/results" | sort | uniq -c | sed 's/^/  /'
pct() { # kind code
  awk -v k="$1" -v c="$2" '$1 == k && $2 == c {print $3}' "$tmp/results" | sort -g > "$tmp/lat"
  n=$(wc -l < "$tmp/lat")
  if [ "$n" -gt 0 ]; then
    p50=$(sed -n "$(( (n + 1) / 2 ))p" "$tmp/lat"); p99=$(sed -n "$(( (n * 99 + 99) / 100 ))p" "$tmp/lat")
    awk -v k="$1" -v c="$2" -v n="$n" -v a="$p50" -v b="$p99" \
      'BEGIN { printf "  %s (%s, n=%d): p50 %.0f ms, p99 %.0f ms\n", k, c, n, a * 1000, b * 1000 }'
  fi
}
echo "latency:"; pct cached 200; pct fresh 200; pct fresh 429; pct malformed 400
bad=$(awk '$2 != 200 && $2 != 400 && $2 != 429' "$tmp/results" | wc -l)
echo "answers other than 200/400/429: $bad"

# A 10,000-run comparison of the six Korean policies, 2 threads, as the page does it.
s=$(date +%s.%N)
key=$(curl -s -X POST "$url/api/jobs" -d '{"scenario": "2022.yaml", "runs": 10000, "seed": 424242}' |
  sed -n 's/.*"key": "\([0-9a-f]*\)".*/\1/p')
curl -s -N --max-time 300 "$url/api/jobs/$key/events" > "$tmp/events"
r=$(date +%s.%N)
curl -s -o /dev/null "$url/api/results/$key.json"
for k in conflict tension provocations; do curl -s -o /dev/null "$url/api/results/$key/$k.svg"; done
e=$(date +%s.%N)
grep -q '^event: done' "$tmp/events" || echo "10k run did not finish"
echo "10,000 runs x 6 policies, 2 threads: result in $(echo "$r - $s" | bc) s, with JSON and 3 charts $(echo "$e - $s" | bc) s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
kill -TERM "$pid"; wait "$pid" || true; pid=
