#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `brink game`: sub-commands, output formats (header, row counts, hand-computed values, compared
# number-aware), reproducibility across --threads, and exit codes for bad input.
set -u
brink=$1
fail=0; pass=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { # name expected actual
  if [ "$2" = "$3" ]; then pass=$((pass+1)); else echo "FAILED: $1 (got '$3', expected '$2')"; fail=$((fail+1)); fi
}
near() { # name expected actual [tolerance]
  if awk -v a="$2" -v b="$3" -v t="${4:-1e-9}" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b != "" && d <= t) }'; then
    pass=$((pass+1)); else echo "FAILED: $1 (got '$3', expected $2)"; fail=$((fail+1)); fi
}

# Front door.
out=$("$brink" game --help); check "game --help exit" 0 $?
grep -q "tournament" <<<"$out"; check "game --help lists tournament" 0 $?
"$brink" game >/dev/null 2>&1; check "game without subcommand exit" 2 $?
err=$("$brink" game tournamnet 2>&1); check "unknown subcommand exit" 2 $?
grep -q "unknown subcommand 'tournamnet'" <<<"$err"; check "unknown subcommand message" 0 $?
for s in strategies match tournament moran; do
  out=$("$brink" game $s --help); check "game $s --help exit" 0 $?
  grep -q "usage: brink game $s" <<<"$out"; check "game $s --help usage" 0 $?
done

# strategies
out=$("$brink" game strategies --format csv); check "strategies exit" 0 $?
check "strategies csv header" "name,stochastic,description,source" "$(head -1 <<<"$out")"
n=$(($(wc -l <<<"$out") - 1))
[ "$n" -ge 40 ]; check "at least 40 strategies ($n)" 0 $?
grep -q '^First by Stein and Rapoport,no,' <<<"$out"; check "Stein and Rapoport deterministic" 0 $?
grep -q '^Random,yes,' <<<"$out"; check "Random stochastic" 0 $?
grep -q '^GRIT,no,' <<<"$out"; check "GRIT listed" 0 $?
"$brink" game strategies --format xml >/dev/null 2>&1; check "strategies bad format exit" 2 $?

# match: header, one row per turn, values derived by hand (TFT copies Alternator's last move).
out=$("$brink" game match "Tit For Tat" Alternator --turns 6 --format csv); check "match exit" 0 $?
check "match header" "turn,action_a,action_b,payoff_a,payoff_b" "$(head -1 <<<"$out")"
check "match rows" 6 "$(($(wc -l <<<"$out") - 1))"
check "match row 2" "2,C,D,0,5" "$(sed -n 3p <<<"$out")"
check "match row 3" "3,D,C,5,0" "$(sed -n 4p <<<"$out")"
out=$("$brink" game match "First by Stein and Rapoport" Cooperator)
check "match default 200 rows" 200 "$(($(wc -l <<<"$out") - 1))"
check "Stein and Rapoport defects on the last two turns" "199,D,C,5,0|200,D,C,5,0" \
  "$(tail -2 <<<"$out" | paste -sd'|')"
out=$("$brink" game match Handshake Handshake --turns 4 --payoffs 4,0,6,1)
check "payoffs option" "3,C,C,4,4" "$(sed -n 4p <<<"$out")"
out=$("$brink" game match "First by Stein and Rapoport" Cooperator --prob-end 0.05 --seed 3)
rows=$(($(wc -l <<<"$out") - 1))
[ "$rows" -ge 1 ] && [ "$rows" -le 200 ]; check "prob-end rows within the cap ($rows)" 0 $?
grep -q ',D,' <<<"$out"; check "no final defections with an unknown length" 1 $?
a=$("$brink" game match "First by Joss" Random --noise 0.1 --seed 5)
b=$("$brink" game match "First by Joss" Random --noise 0.1 --seed 5)
check "match reproducible from the seed" "$a" "$b"
out=$("$brink" game match "Tit For Tat" Alternator --turns 4 --format table); check "match table exit" 0 $?
grep -q "^Tit For Tat  CCDC$" <<<"$out"; check "match table sequence" 0 $?

# match: usage errors exit 2 with a clear message.
err=$("$brink" game match "Tit For Tot" Grudger 2>&1); check "unknown strategy exit" 2 $?
grep -q "unknown strategy 'Tit For Tot' (did you mean 'Tit For Tat'?)" <<<"$err"; check "unknown strategy suggestion" 0 $?
err=$("$brink" game match Grudger Defector --turns abc 2>&1); check "bad --turns exit" 2 $?
grep -q "expects a whole number" <<<"$err"; check "bad --turns message" 0 $?
"$brink" game match Grudger Defector --turns 0 >/dev/null 2>&1; check "zero turns exit" 2 $?
err=$("$brink" game match Grudger Defector --noise 1.5 2>&1); check "bad --noise exit" 2 $?
grep -q "noise must be between 0 and 1" <<<"$err"; check "bad --noise message" 0 $?
err=$("$brink" game match Grudger Defector --payoffs 3,0,5 2>&1); check "short --payoffs exit" 2 $?
"$brink" game match Grudger Defector --payoffs 5,0,3,1 >/dev/null 2>&1; check "non-PD payoffs exit" 2 $?
"$brink" game match Grudger >/dev/null 2>&1; check "one strategy exit" 2 $?

# tournament: Cooperator, Defector, TFT over 10 turns, computed by hand: Defector 3.2, TFT 1.95,
# Cooperator 1.5 points per turn; TFT cooperates 11 times in 20 turns against the others.
players="Cooperator,Defector,Tit For Tat"
out=$("$brink" game tournament --players "$players" --turns 10 --repetitions 2 --format csv)
check "tournament exit" 0 $?
check "tournament header" "rank,player,name,median_score,mean_score,median_wins,cooperation_rate,payoff_vs_1,payoff_vs_2,payoff_vs_3" "$(head -1 <<<"$out")"
check "tournament rows" 3 "$(($(wc -l <<<"$out") - 1))"
check "rank 1" "Defector" "$(awk -F, 'NR==2 {print $3}' <<<"$out")"
near "Defector median score" 3.2 "$(awk -F, 'NR==2 {print $4}' <<<"$out")"
near "Defector wins" 2 "$(awk -F, 'NR==2 {print $6}' <<<"$out")"
near "TFT median score" 1.95 "$(awk -F, 'NR==3 {print $4}' <<<"$out")"
near "TFT cooperation rate" 0.55 "$(awk -F, 'NR==3 {print $7}' <<<"$out")"
near "TFT vs Defector payoff" 0.9 "$(awk -F, 'NR==3 {print $9}' <<<"$out")"
near "Cooperator median score" 1.5 "$(awk -F, 'NR==4 {print $4}' <<<"$out")"
out=$("$brink" game tournament --players "$players" --turns 10 --repetitions 2)
grep -q "seed 1, generator philox4x32-10" <<<"$out"; check "table names seed and generator" 0 $?
grep -q "payoff matrix" <<<"$out"; check "table has the payoff matrix" 0 $?
out=$("$brink" game tournament --players "$players" --turns 10 --format json)
grep -q '"generator": "philox4x32-10"' <<<"$out"; check "json generator" 0 $?
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["payoff_matrix"]) == 3' <<<"$out"
  check "json parses" 0 $?
fi
first="Tit For Tat,First by Tideman and Chieruzzi,First by Nydegger,First by Grofman,First by Shubik,First by Stein and Rapoport,Grudger,First by Davis,First by Graaskamp,First by Downing,First by Feld,First by Joss,First by Tullock,First by Anonymous,Random"
a=$("$brink" game tournament --players "$first" --repetitions 5 --noise 0.05 --seed 9 --threads 1 --format csv)
b=$("$brink" game tournament --players "$first" --repetitions 5 --noise 0.05 --seed 9 --threads 2 --format csv)
check "tournament rows for the first tournament" 15 "$(($(wc -l <<<"$a") - 1))"
check "same results with 1 and 2 threads" "$a" "$b"
c=$("$brink" game tournament --players "$first" --repetitions 5 --noise 0.05 --seed 10 --threads 1 --format csv)
[ "$a" != "$c" ]; check "another seed gives other results" 0 $?

# players file: comments, blank lines, errors with file:line:col.
printf '# the classics\nTit For Tat\n\nGrudger  # grim\nDefector\n' >"$tmp/players.txt"
out=$("$brink" game tournament --players-file "$tmp/players.txt" --turns 5 --repetitions 1 --format csv)
check "players file exit" 0 $?
check "players file rows" 3 "$(($(wc -l <<<"$out") - 1))"
printf 'Tit For Tat\nGrudgr\n' >"$tmp/bad.txt"
err=$("$brink" game tournament --players-file "$tmp/bad.txt" 2>&1); check "bad players file exit" 2 $?
grep -q "bad.txt:2:1: unknown strategy 'Grudgr' (did you mean 'Grudger'?)" <<<"$err"; check "bad players file message" 0 $?
"$brink" game tournament --players-file "$tmp/missing.txt" >/dev/null 2>&1; check "missing players file exit" 1 $?
"$brink" game tournament --players "Grudger" >/dev/null 2>&1; check "one player exit" 2 $?
"$brink" game tournament --players "Grudger,Defector" --players-file "$tmp/players.txt" >/dev/null 2>&1
check "both players options exit" 2 $?
"$brink" game tournament >/dev/null 2>&1; check "no players exit" 2 $?
"$brink" game tournament --players "Grudger,Defector" --repetitions -1 >/dev/null 2>&1; check "negative repetitions exit" 2 $?

# moran: Defector takes over against Cooperator every time.
out=$("$brink" game moran --players "Cooperator,Defector" --repetitions 50 --seed 3 --format csv)
check "moran exit" 0 $?
check "moran header" "name,initial,fixations,processes,share,ci95_lo,ci95_hi" "$(head -1 <<<"$out")"
check "moran Defector fixations" "Defector,1,50,50" "$(grep '^Defector' <<<"$out" | cut -d, -f1-4)"
out=$("$brink" game moran --players "Tit For Tat,Defector,Defector,Cooperator" --repetitions 20 --turns 20)
check "moran table exit" 0 $?
grep -q "unfinished after" <<<"$out"; check "moran table footer" 0 $?
"$brink" game moran --players "Tit For Tat,Defectr" >/dev/null 2>&1; check "moran unknown strategy exit" 2 $?

echo "cli_game: $pass passed, $fail failed"
[ $fail -eq 0 ]
