#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `brink check`: summary, diagnostics as file:line:col on stderr, exit codes, --set, --dump
# (round trip), --keys, and refusal of hostile files. Run from the source tree with the path
# of the built command.
set -u
brink=$1
data=tests/data/scenario
fail=0; pass=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then pass=$((pass+1)); else echo "FAILED: $1 (got '$3', expected '$2')"; fail=$((fail+1)); fi
}
has() { # name pattern text
  if grep -qF -- "$2" <<<"$3"; then pass=$((pass+1)); else echo "FAILED: $1: no '$2' in:"; echo "$3" | head -5; fail=$((fail+1)); fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A valid file: summary on stdout, nothing on stderr, exit 0.
out=$("$brink" check $data/rich.yaml 2>"$tmp/err"); check "valid file exit" 0 $?
check "valid file: no stderr" "" "$(cat "$tmp/err")"
has "summary names the scenario" "name: rich-test" "$out"
has "summary: time" "time: 24 months from 2024-02-29" "$out"
has "summary: actor with driver and ladder size" "Red        behavioural   6 actions" "$out"
has "summary: policy with builtin" "builtin maximum_pressure" "$out"
has "summary: policy with rules" "4 rules" "$out"
has "summary: uncertain parameters" "uncertain parameters (6 of 8)" "$out"
has "summary: distribution" "truncnormal(mean 0.5, sd 0.2) on [0, 1]" "$out"
has "summary: commitments" "moratorium (Red)" "$out"

# Errors: every one on stderr as file:line:col: message, exit 1.
err=$("$brink" check $data/err_undefined.yaml 2>&1 >/dev/null); check "errors exit" 1 $?
has "undefined actor at line:col" "$data/err_undefined.yaml:10:25: undefined actor 'Green'" "$err"
has "undefined action at line:col" "$data/err_undefined.yaml:26:30: undefined action 'no_such_action'" "$err"
check "all six errors reported" 6 "$(grep -c "^$data/err_undefined.yaml:[0-9]*:[0-9]*: " <<<"$err")"
err=$("$brink" check $data/cycle_a.yaml 2>&1 >/dev/null); check "include cycle exit" 1 $?
has "include cycle" "$data/cycle_b.yaml:3:11: include cycle: " "$err"
# Several files: the good one is summarised, the bad one fails the run.
out=$("$brink" check $data/rich.yaml $data/err_range.yaml 2>"$tmp/err"); check "mixed files exit" 1 $?
has "mixed: good file summarised" "rich.yaml: ok" "$out"
has "mixed: bad file reported" "err_range.yaml:7:12: value 1.5 of 'greed'" "$(cat "$tmp/err")"

# --set: applied and validated like the file.
out=$("$brink" check $data/include_child.yaml --set params.g=0.9 --dump); check "--set exit" 0 $?
has "--set replaced a parameter by a constant" "  g:
    value: 0.9" "$out"
err=$("$brink" check $data/include_child.yaml --set actors.Red.gred=1 2>&1 >/dev/null); check "--set unknown key exit" 1 $?
has "--set error at the override" "--set actors.Red.gred=1: unknown key 'gred' in actor 'Red'" "$err"
err=$("$brink" check $data/include_child.yaml --set time.horizon=abc 2>&1 >/dev/null); check "--set wrong type exit" 1 $?
has "--set wrong type" "--set time.horizon=abc: expected a whole number of steps for 'horizon', found 'abc'" "$err"

# --dump round trip: load -> dump -> load -> dump gives the same bytes.
for f in $data/rich.yaml $data/include_child.yaml scenarios/*/*.yaml; do
  [ -e "$f" ] || continue
  "$brink" check --dump "$f" >"$tmp/d1.yaml"; check "dump $f" 0 $?
  "$brink" check --dump "$tmp/d1.yaml" >"$tmp/d2.yaml"; check "reload dump of $f" 0 $?
  cmp -s "$tmp/d1.yaml" "$tmp/d2.yaml"; check "round trip of $f" 0 $?
done

# --keys: the reference table.
out=$("$brink" check --keys); check "--keys exit" 0 $?
has "--keys: model key row" '| `incident_base` | 0.002 | 0 .. 1 | 1/proximity unit |' "$out"
has "--keys: type table" "default (greedy)" "$out"

# Usage errors: exit 2.
"$brink" check >/dev/null 2>&1; check "no file: usage" 2 $?
"$brink" check --nope $data/rich.yaml >/dev/null 2>&1; check "unknown option: usage" 2 $?

# Hostile and broken files: a clear message, exit 1, no crash.
err=$("$brink" check "$tmp/none.yaml" 2>&1); check "missing file exit" 1 $?
has "missing file" "cannot read the scenario: no such file" "$err"
: >"$tmp/empty.yaml"
err=$("$brink" check "$tmp/empty.yaml" 2>&1); check "empty file exit" 1 $?
has "empty file" "empty.yaml:1:1: empty scenario file: expected a mapping with at least 'name'" "$err"
head -c 20000 /dev/urandom >"$tmp/junk.yaml"
"$brink" check "$tmp/junk.yaml" >/dev/null 2>&1; check "binary garbage exit" 1 $?
printf 'name: "caf\xe9"\n' >"$tmp/latin1.yaml"
err=$("$brink" check "$tmp/latin1.yaml" 2>&1); check "invalid UTF-8 exit" 1 $?
has "invalid UTF-8 at line:col" "latin1.yaml:1:11: invalid UTF-8 (byte 0xe9)" "$err"
head -c 20000000 /dev/zero | tr '\0' '[' >"$tmp/deep.yaml"
err=$("$brink" check "$tmp/deep.yaml" 2>&1); check "20 MB of nesting exit" 1 $?
has "20 MB refused by size" "larger than 16 MiB" "$err"
head -c 1000000 /dev/zero | tr '\0' '[' >"$tmp/deep1.yaml"
err=$("$brink" check "$tmp/deep1.yaml" 2>&1); check "1 MB of nesting exit" 1 $?
has "1 MB of nesting refused at depth 65" "deep1.yaml:1:65: nesting deeper than 64 levels" "$err"
{ echo 'a: &a [x, x, x, x, x, x, x, x, x, x]'
  prev=a
  for l in b c d e f g h i j; do echo "$l: &$l [*$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev, *$prev]"; prev=$l; done
} >"$tmp/bomb.yaml"
err=$("$brink" check "$tmp/bomb.yaml" 2>&1); check "alias bomb exit" 1 $?
has "alias bomb" "alias bomb" "$err"

# --set of an undefined parameter: an error with a suggestion (a typo must not run on the prior);
# a whole new distribution may still be defined and referenced.
err=$("$brink" check scenarios/korea/2022.yaml --set params.dprk_gred=0.9 2>&1); check "param typo exit" 1 $?
has "param typo suggestion" "undefined parameter 'dprk_gred' in '--set params.dprk_gred': did you mean 'dprk_greed'?" "$err"
"$brink" check $data/include_child.yaml --set 'params.h={dist: uniform, lo: 0, hi: 0.5}' --set 'actors.Blue.greed=$h' >/dev/null 2>&1
check "new parameter by a whole distribution" 0 $?
# Proximity is named by what the act is; unknown names list the levels.
err=$("$brink" check scenarios/korea/2022.yaml --set actors.USA.ladder.strategic_assets.proximity=nearby 2>&1); check "proximity name exit" 1 $?
has "proximity levels listed" "unknown proximity 'nearby'" "$err"
has "proximity levels listed" "none, own_area, near_line, into_buffer, across_line" "$err"

echo "cli_check: $pass passed, $fail failed"
[ $fail -eq 0 ]
