#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Torture: hostile event files and faults in the event store. NUL bytes, byte order marks,
# duplicate header columns, broken zip archives, lines at the length limit, store paths that
# keep nothing, kill -9 during imports, a file size limit, concurrent imports, and a store
# whose index build was interrupted (opening it must not write).
set -u
brink=$1
dir=tests/data/events
map='id=event,date=day,actor1_country=src,actor2_country=dst,code=cameo,url=story'
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
fail=0; pass=0
ok() { if [ "$2" = "$3" ]; then pass=$((pass+1)); else echo "FAILED: $1 (got '$3', expected '$2')"; fail=$((fail+1)); fi; }
has() { if grep -q -- "$2" <<<"$3"; then pass=$((pass+1)); else echo "FAILED: $1: no '$2' in: $3"; fail=$((fail+1)); fi; }
count() { "$brink" events query --db "$1" --format csv 2>/dev/null | tail -n +2 | wc -l | tr -d ' '; }

# 5. A NUL byte inside a field is a bad row, not a field cut short ("19\0 0" stored as "19").
printf 'event,day,src,dst,cameo,story\n1,2017-08-11,PRK,USA,19\0000,u\n2,2017-08-12,USA,PRK,190,v\n' > "$tmp/nul.csv"
err=$("$brink" events import "$tmp/nul.csv" --db "$tmp/nul.db" --columns "$map" 2>&1 >/dev/null)
ok "NUL import exit" 0 $?
has "NUL reported" "NUL byte" "$err"
ok "NUL row not stored" 1 "$(count "$tmp/nul.db")"
"$brink" events query --db "$tmp/nul.db" --format csv | grep -q ',19,'; ok "no truncated code" 1 $?

# A UTF-8 byte order mark does not defeat detection or the first header name.
printf '\xef\xbb\xbf' > "$tmp/bom.csv"; cat $dir/mapped.csv >> "$tmp/bom.csv"
"$brink" events import "$tmp/bom.csv" --db "$tmp/bom.db" --columns "$map" >/dev/null 2>&1
ok "BOM csv import" 0 $?
ok "BOM csv rows (as without the BOM)" 3 "$(count "$tmp/bom.db")"
printf '\xef\xbb\xbf' > "$tmp/bom.tab"; cat $dir/icews.tab >> "$tmp/bom.tab"
"$brink" events import "$tmp/bom.tab" --db "$tmp/bom2.db" >/dev/null 2>&1; ok "BOM icews detected" 0 $?

# Duplicate header columns are refused, not resolved silently.
printf 'event,day,src,dst,cameo,cameo,story\n1,2017-08-11,PRK,USA,043,190,u\n' > "$tmp/dup.csv"
err=$("$brink" events import "$tmp/dup.csv" --db "$tmp/dup.db" --columns "$map" 2>&1); ok "dup header exit" 1 $?
has "dup header message" "appears twice" "$err"

# A line of exactly 1,048,576 bytes is accepted; one byte more is a bad row.
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
head = "event,day,src,dst,cameo,story\n"
for name, size in (("limit.csv", 1048576), ("over.csv", 1048577)):
    row = "1,2017-08-11,PRK,USA,043,"
    with open(f"{d}/{name}", "w") as f:
        f.write(head + row + "u" * (size - len(row)) + "\n")
PY
"$brink" events import "$tmp/limit.csv" --db "$tmp/limit.db" --columns "$map" >/dev/null 2>&1
ok "line at the limit stored" 1 "$(count "$tmp/limit.db")"
err=$("$brink" events import "$tmp/over.csv" --db "$tmp/over.db" --columns "$map" 2>&1 >/dev/null)
has "line over the limit" "longer than 1048576" "$err"

# A zip entry with a bad CRC says so (it said "No error").
python3 - "$dir/gdelt2.zip" "$tmp/crc.zip" <<'PY'
import sys, zipfile, io
src = zipfile.ZipFile(sys.argv[1])
name = [n for n in src.namelist() if not n.endswith("/")][0]
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
    z.writestr(name, src.read(name))
data = bytearray(buf.getvalue())
start = data.find(src.read(name)[:20])
data[start + 5] ^= 0x01  # stored data changed, CRC kept
open(sys.argv[2], "wb").write(data)
PY
err=$("$brink" events import "$tmp/crc.zip" --db "$tmp/crc.db" 2>&1); ok "CRC exit" 1 $?
has "CRC message" "CRC" "$err"
grep -q "No error" <<<"$err"; ok "CRC not 'No error'" 1 $?

# 10. Store paths that keep nothing are refused.
for db in '' ':memory:' 'file:x?mode=memory'; do
  err=$("$brink" events import $dir/gdelt2.tsv --db "$db" 2>&1); ok "--db '$db' exit" 1 $?
  has "--db '$db' message" "keeps nothing on disk" "$err"
done

# 9. An interrupted index build: the store opens read-only, queries work, the next import
# rebuilds the indexes.
"$brink" events import $dir/gdelt2.tsv --db "$tmp/ix.db" --quiet >/dev/null 2>&1
n=$(count "$tmp/ix.db")
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('DROP INDEX events_by_dyad'); c.commit()" "$tmp/ix.db"
chmod a-w "$tmp/ix.db" "$tmp"
err=$("$brink" events query --db "$tmp/ix.db" --format csv 2>&1 >/dev/null); ok "query without index" 0 $?
has "missing index reported" "secondary indexes are missing" "$err"
ok "rows usable" "$n" "$(count "$tmp/ix.db")"
"$brink" events index --db "$tmp/ix.db" --dyad PRK:USA --format csv >/dev/null 2>&1; ok "index without index" 0 $?
chmod u+w "$tmp/ix.db" "$tmp"
"$brink" events import $dir/icews.tab --db "$tmp/ix.db" --quiet >/dev/null 2>&1; ok "import resumes" 0 $?
ok "index rebuilt" 2 "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM sqlite_master WHERE name IN ('events_by_date','events_by_dyad')\").fetchone()[0])" "$tmp/ix.db")"

# A file size limit (a full disk) during an import: a clean failure, the store still usable.
"$brink" events import $dir/icews.tab --db "$tmp/full.db" --quiet >/dev/null 2>&1
before=$(count "$tmp/full.db")
python3 - "$tmp/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("event,day,src,dst,cameo,story\n")
    for i in range(5000):
        f.write(f"{i},2017-08-11,PRK,USA,043,http://news.example/{'x' * 60}/{i}\n")
PY
err=$( (ulimit -f 512; "$brink" events import "$tmp/big.csv" --db "$tmp/full.db" --columns "$map" --quiet) 2>&1 >/dev/null); rc=$?
ok "size limit exit" 1 $rc
after=$(count "$tmp/full.db")
ok "size limit: no partial import" 1 $(( after == before || after == before + 5000 ))

# kill -9 during imports: every committed import is whole, and importing again completes it.
for i in 1 2; do
  "$brink" events import "$tmp/big.csv" --db "$tmp/kill.db" --columns "$map" --quiet >/dev/null 2>&1 &
  pid=$!
  sleep 0.0$((i * 3))
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  n=$(count "$tmp/kill.db")
  ok "kill -9 #$i: whole or nothing" 1 $(( n == 0 || n == 5000 ))
done
"$brink" events import "$tmp/big.csv" --db "$tmp/kill.db" --columns "$map" --quiet >/dev/null 2>&1
ok "import after kill -9" 0 $?
ok "rows after kill -9" 5000 "$(count "$tmp/kill.db")"

# Concurrent imports into one store: both succeed, nothing lost or duplicated.
"$brink" events import $dir/gdelt2.tsv --db "$tmp/conc.db" --quiet >/dev/null 2>&1 &
a=$!
"$brink" events import $dir/icews.tab --db "$tmp/conc.db" --quiet >/dev/null 2>&1 &
b=$!
wait $a; ra=$?; wait $b; rb=$?
ok "concurrent imports" "0 0" "$ra $rb"
"$brink" events import $dir/gdelt2.tsv --db "$tmp/one.db" --quiet >/dev/null 2>&1
"$brink" events import $dir/icews.tab --db "$tmp/one.db" --quiet >/dev/null 2>&1
ok "concurrent rows" "$(count "$tmp/one.db")" "$(count "$tmp/conc.db")"

echo "torture_events: $pass passed, $fail failed"
[ $fail -eq 0 ]
