#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The command's front door: --help, --version, unknown commands and exit codes.
set -u
brink=$1
fail=0; pass=0
check() { # name expected_rc actual_rc
  if [ "$2" = "$3" ]; then pass=$((pass+1)); else echo "FAILED: $1 (exit $3, expected $2)"; fail=$((fail+1)); fi
}
out=$("$brink" --help); check "--help exit" 0 $?
grep -q '^  run ' <<<"$out"; check "--help lists run" 0 $?
grep -q 'exit status' <<<"$out"; check "--help documents exit codes" 0 $?
out=$("$brink" --version); check "--version exit" 0 $?
grep -Eq '^brink [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out"; check "--version format" 0 $?
err=$("$brink" nosuchcommand 2>&1 >/dev/null); check "unknown command exit" 2 $?
grep -q "unknown command 'nosuchcommand'" <<<"$err"; check "unknown command message" 0 $?
err=$("$brink" chek 2>&1 >/dev/null); check "typo exit" 2 $?
grep -q "did you mean 'check'" <<<"$err"; check "typo suggestion" 0 $?
"$brink" >/dev/null 2>&1; check "no command exit" 2 $?
for c in check run compare trace calibrate report plot game events hawkes; do
  out=$("$brink" $c --help 2>&1); check "$c --help exit" 0 $?
  grep -q "usage: brink $c" <<<"$out"; check "$c --help usage line" 0 $?
done
echo "cli_basic: $pass passed, $fail failed"
[ $fail -eq 0 ]
