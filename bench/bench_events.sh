#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Event-data benchmark: generates a GDELT 2.0 export (ROWS rows, default 1 million) in a
# temporary directory, then measures brink's parse rate (MB/s, one core), import rate (rows/s,
# store with its unique key and date/dyad indexes) and index time, next to the same work done
# by the sqlite3 shell (.mode tabs + .import, then the same indexes and the same monthly sum).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BRINK_BUILD:-build}
bin=$build/bench_events
if [ ! -x "$bin" ]; then
  echo "bench_events: build first (make build), or set BRINK_BUILD to a build directory" >&2
  exit 1
fi
command -v sqlite3 >/dev/null || { echo "bench_events: needs the sqlite3 shell" >&2; exit 1; }
rows=${ROWS:-1000000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/brink-bench-events.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
file=$tmp/20170809000000.export.CSV
now() { date +%s.%N; }

"$bin" gen "$file" "$rows" 42
bytes=$(stat -c %s "$file")
cat "$file" >/dev/null # same warm page cache for every reader

read -r _ prows pbytes ptime _ < <("$bin" parse "$file")
read -r _ irows iadded itime < <("$bin" import "$file" "$tmp/brink.db")
read -r _ nper nev xtime bnet < <("$bin" index "$tmp/brink.db" month none)
read -r _ _ _ xtime_w _ < <("$bin" index "$tmp/brink.db" week daily)

# Baseline: the sqlite3 shell reading the same file into a 61-column table.
cols=$(seq -s, -f 'c%g' 1 61)
t0=$(now)
sqlite3 "$tmp/base.db" "PRAGMA journal_mode=OFF;" "PRAGMA synchronous=OFF;" \
  "CREATE TABLE g($cols);" ".mode tabs" ".import $file g" >/dev/null
t1=$(now)
sqlite3 "$tmp/base.db" "CREATE INDEX g_date ON g(c2); CREATE INDEX g_dyad ON g(c8, c18, c2);"
t2=$(now)
# The same monthly series as brink's index (count and sum of weights per month, both ways).
snet=$(sqlite3 "$tmp/base.db" "SELECT printf('%.1f', SUM(s)) FROM (SELECT substr(c2, 1, 6) AS m,
  COUNT(*) AS n, SUM(c31) AS s FROM g WHERE (c8='PRK' AND c18='USA') OR (c8='USA' AND c18='PRK')
  GROUP BY m ORDER BY m)")
t3=$(now)
srows=$(sqlite3 "$tmp/base.db" "SELECT COUNT(*) FROM g")

awk -v rows="$rows" -v bytes="$bytes" -v prows="$prows" -v ptime="$ptime" -v irows="$irows" \
    -v itime="$itime" -v xtime="$xtime" -v xtime_w="$xtime_w" -v nper="$nper" -v nev="$nev" \
    -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v srows="$srows" -v bnet="$bnet" \
    -v snet="$snet" 'BEGIN {
  simp = t1 - t0; sidx = t2 - t1; sq = t3 - t2
  printf "GDELT 2.0 file: %d rows, %.1f MB (generated, seed 42)\n\n", rows, bytes / 1e6
  printf "%-40s %14s %14s %8s\n", "measure", "brink", "sqlite3 shell", "ratio"
  printf "%-40s %14.1f %14s %8s\n", "parse, MB/s (one core, no store)", bytes / 1e6 / ptime, "-", "-"
  printf "%-40s %14.0f %14s %8s\n", "parse, rows/s", prows / ptime, "-", "-"
  printf "%-40s %14.0f %14.0f %7.2fx\n", "import, rows/s (brink: with indexes)", irows / itime, srows / simp, (irows / itime) / (srows / simp)
  printf "%-40s %14.0f %14.0f %7.2fx\n", "import + date/dyad indexes, rows/s", irows / itime, srows / (simp + sidx), (irows / itime) / (srows / (simp + sidx))
  printf "%-40s %14.3f %14.3f %7.2fx\n", "index PRK<>USA by month, s", xtime, sq, sq / xtime
  printf "%-40s %14.3f %14s %8s\n", "index PRK<>USA by week, daily dedupe, s", xtime_w, "-", "-"
  printf "\ncheck: %d periods, %d events; net cooperation brink %s, sqlite3 %s (%s)\n", nper, nev, bnet, snet, (bnet == snet ? "same" : "DIFFERENT")
  printf "targets: parse >= 150 MB/s: %s; import >= 300000 rows/s: %s\n", (bytes / 1e6 / ptime >= 150 ? "met" : "NOT met"), (irows / itime >= 300000 ? "met" : "NOT met")
}'
