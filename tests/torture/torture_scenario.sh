#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Torture: hostile scenario files and overrides. Each case must end (under a timeout) with a
# clear message and exit 1, or run correctly; never abort, hang or accept a corrupted value.
set -u
brink=$1
sc=tests/data/model/crisis.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0; pass=0
ok() { if [ "$2" = "$3" ]; then pass=$((pass+1)); else echo "FAILED: $1 (got '$3', expected '$2')"; fail=$((fail+1)); fi; }
has() { if grep -q -- "$2" <<<"$3"; then pass=$((pass+1)); else echo "FAILED: $1: no '$2' in: $3"; fail=$((fail+1)); fi; }

# 2. Valid beta priors that aborted (exit 134) or never ended: they run.
for ab in "0.01 5" "1e5 1e5" "1e8 1e8" "1e12 1e12" "1e-300 1" "3 1e-3"; do
  set -- $ab
  err=$(timeout 30 "$brink" run $sc --set "params.greed={dist: beta, a: $1, b: $2}" --runs 200 \
    --threads 1 --quiet 2>&1 >/dev/null); ok "beta($1, $2) runs" 0 $?
done
# A prior whose draws cannot be computed is refused by check, with its location.
printf 'include: %s\nparams:\n  bad: {dist: normal, mean: 1e308, sd: 1e308}\n' "$PWD/$sc" > "$tmp/prior.yaml"
err=$(timeout 30 "$brink" check "$tmp/prior.yaml" 2>&1); ok "uncomputable prior exit" 1 $?
has "uncomputable prior location" "prior.yaml:3:3: cannot draw parameter 'bad'" "$err"

# 8. Including a FIFO is refused at once (it blocked forever).
mkfifo "$tmp/fifo.yaml"
printf 'include: fifo.yaml\nname: x\n' > "$tmp/inc_fifo.yaml"
err=$(timeout 10 "$brink" check "$tmp/inc_fifo.yaml" 2>&1); ok "fifo include exit" 1 $?
has "fifo include message" "not a regular file" "$err"
mkdir "$tmp/dir.yaml"
printf 'include: dir.yaml\nname: x\n' > "$tmp/inc_dir.yaml"
err=$(timeout 10 "$brink" check "$tmp/inc_dir.yaml" 2>&1); ok "directory include exit" 1 $?
has "directory include message" "is a directory" "$err"

# 5. NUL escapes in strings ("\x00", "\0") are refused, not cut short.
cp $sc "$tmp/base.yaml"
printf 'include: "base.yaml\\x00junk"\nname: x\n' > "$tmp/nul_include.yaml"
err=$(timeout 10 "$brink" check "$tmp/nul_include.yaml" 2>&1); ok "NUL include exit" 1 $?
has "NUL include message" "nul_include.yaml:1:.*NUL byte in a string" "$err"
err=$(timeout 10 "$brink" check $sc --set 'name="a\0b"' 2>&1); ok "NUL --set exit" 1 $?
has "NUL --set message" "NUL byte" "$err"

# 7. Duplicate keys among 99,990 keys of one mapping: found quickly (took 66 s).
awk 'BEGIN { print "name: dup\njunk:"; for (i = 0; i < 99990; i++) printf "  k%d: %d\n", i, i;
             print "  k777: 1" }' > "$tmp/keys.yaml"
start=$(date +%s)
err=$(timeout 60 "$brink" check "$tmp/keys.yaml" 2>&1); ok "many keys exit" 1 $?
ok "many keys in under 10 s" 1 $(( $(date +%s) - start < 10 ))
has "many keys duplicate" "99993:3: duplicate key 'k777' (first at line 780, column 3)" "$err"

# Malformed YAML of every kind: exit 1 and a located message, never a crash.
i=0
while IFS= read -r text; do
  i=$((i + 1))
  printf '%b' "$text" > "$tmp/bad$i.yaml"
  err=$(timeout 10 "$brink" check "$tmp/bad$i.yaml" 2>&1); rc=$?
  ok "hostile $i exit ($text)" 1 $rc
done <<'CASES'
{x,''''''''''''' k: m}
[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x
a: &a [*a, *a]
a: &a [1]\nb: *a\nc: *b
\xef\xbb\xbf\xef\xbb\xbfname: x
name: !!binary AAAA
name: x\n---\nname: y
"\\xff\\xfe": 1
key: "unterminated
\t- tab: indented
CASES

echo "torture_scenario: $pass passed, $fail failed"
[ $fail -eq 0 ]
