#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Torture: every file writer under hostile targets and faults. Special files and symlinks are
# never replaced, two writers of one path never mix, a full disk (RLIMIT_FSIZE) is a clean
# error that keeps the old file, and SIGINT/SIGTERM leave no temporary behind.
set -u
brink=$1
sc=tests/data/model/crisis.yaml
res=tests/data/report/korea-2022.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0; pass=0
ok() { if [ "$2" = "$3" ]; then pass=$((pass+1)); else echo "FAILED: $1 (got '$3', expected '$2')"; fail=$((fail+1)); fi; }
has() { if grep -q -- "$2" <<<"$3"; then pass=$((pass+1)); else echo "FAILED: $1: no '$2' in: $3"; fail=$((fail+1)); fi; }
no_temps() { ls -A "$1" | grep -q 'tmp\.\|\.brink'; ok "$2: no temporary left" 1 $?; }
run() { "$brink" run $sc --runs "${RUNS:-20}" --threads 1 --quiet "$@"; }

# 1. A character device is written in place, not replaced (as root: a private /dev/null; the
# real one is never a target here, so a broken build cannot replace it).
if [ "$(id -u)" -eq 0 ] && mknod "$tmp/nul" c 1 3 2>/dev/null; then
  run --save-runs "$tmp/nul" >/dev/null; ok "device exit" 0 $?
  [ -c "$tmp/nul" ]; ok "device still a character device" 0 $?
  "$brink" report $res -o "$tmp/nul"; ok "report to device exit" 0 $?
  [ -c "$tmp/nul" ]; ok "device kept by report" 0 $?
  rm -f "$tmp/nul"
fi

# A FIFO is written in place: the reader gets every row, the FIFO stays a FIFO.
mkfifo "$tmp/fifo"
timeout 10 cat "$tmp/fifo" > "$tmp/fifo.out" &
reader=$!
timeout 10 bash -c "$(declare -f run); sc=$sc brink=$brink run --save-runs $tmp/fifo" >/dev/null; ok "fifo exit" 0 $?
wait $reader
[ -p "$tmp/fifo" ]; ok "fifo still a fifo" 0 $?
ok "fifo rows" 21 "$(wc -l < "$tmp/fifo.out" | tr -d ' ')"
"$brink" plot $res -o "$tmp/chart.svg" >/dev/null; ok "plot exit" 0 $?

# A symlink is kept; the file it names gets the new content.
echo old > "$tmp/target.csv"
ln -s target.csv "$tmp/link.csv"
run --save-runs "$tmp/link.csv" >/dev/null; ok "symlink exit" 0 $?
[ -L "$tmp/link.csv" ]; ok "symlink kept" 0 $?
ok "symlink target written" 21 "$(wc -l < "$tmp/target.csv" | tr -d ' ')"
# A link like /dev/stdout (into /proc; a private one, so a broken build cannot replace the
# system's): to a pipe, written in place; to a file stdout already writes, appended.
ln -s /proc/self/fd/1 "$tmp/stdout"
out=$(run --save-runs "$tmp/stdout" | grep -c '^[0-9]*,'); ok "stdout link to a pipe" 20 "$out"
run --save-runs "$tmp/stdout" > "$tmp/both.txt"; ok "stdout link to a file exit" 0 $?
ok "stdout link to a file: rows and table" "20 1" \
  "$(grep -c '^[0-9]*,' "$tmp/both.txt") $(grep -c 'runs per policy' "$tmp/both.txt")"
[ -L "$tmp/stdout" ]; ok "stdout link kept" 0 $?
# Refused with a message: directories, dangling links.
err=$(run --save-runs "$tmp" 2>&1 >/dev/null); ok "directory exit" 1 $?
has "directory message" "is a directory" "$err"
ln -s missing "$tmp/dangling"
err=$(run --save-runs "$tmp/dangling" 2>&1 >/dev/null); ok "dangling exit" 1 $?
has "dangling message" "symbolic link to a missing file" "$err"
[ -L "$tmp/dangling" ] && [ ! -e "$tmp/missing" ]; ok "dangling untouched" 0 $?
no_temps "$tmp" "special files"

# 4. Concurrent writers of one path: each exits 0, the result is one writer's whole file.
for i in 1 2 3 4; do RUNS=2000 run --seed $i --save-runs "$tmp/same.csv" >/dev/null & done
codes=""; for j in $(jobs -p); do wait "$j"; codes="$codes$?"; done
ok "concurrent exits" 0000 "$codes"
ok "concurrent rows" 2001 "$(wc -l < "$tmp/same.csv" | tr -d ' ')"
nf=$(awk -F, '{print NF}' "$tmp/same.csv" | sort -u | wc -l | tr -d ' ')
ok "concurrent rows well formed" 1 "$nf"
no_temps "$tmp" "concurrent"

# Disk full (file size limit): a clean error, the old file kept, no temporary left.
echo old > "$tmp/full.csv"
err=$( (ulimit -f 16; RUNS=3000 run --save-runs "$tmp/full.csv") 2>&1 >/dev/null); rc=$?
ok "disk full exit" 1 $rc
has "disk full message" "cannot write" "$err"
ok "disk full keeps the old file" old "$(cat "$tmp/full.csv")"
err=$( (ulimit -f 4; "$brink" report $res -o "$tmp/full.html") 2>&1); ok "report disk full exit" 1 $?
[ ! -e "$tmp/full.html" ]; ok "report disk full writes nothing" 0 $?
no_temps "$tmp" "disk full"

# 11. SIGINT / SIGTERM during a long run: no temporary, no empty --out directory.
for sig in INT TERM; do
  mkdir "$tmp/sig$sig"
  "$brink" run $sc --runs 100000000 --threads 1 --quiet --save-runs "$tmp/sig$sig/runs.csv" \
    --out "$tmp/sig$sig/out" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 50); do ls "$tmp/sig$sig" | grep -q tmp && break; sleep 0.05; done
  sleep 0.2
  kill -$sig $pid; wait $pid; rc=$?
  ok "SIG$sig ends the run" 1 $((rc > 128))
  ok "SIG$sig leaves nothing" "" "$(ls -A "$tmp/sig$sig")"
done

echo "torture_writers: $pass passed, $fail failed"
[ $fail -eq 0 ]
