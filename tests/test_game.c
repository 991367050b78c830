/* SPDX-License-Identifier: MIT */
/* Tests of the game module: action sequences derived by hand from Axelrod-Python's rules, a
 * tournament computed by hand, noise statistics, thread-count independence, the Moran process
 * against analytic values, the players parser and allocation failures. */
#include <stdint.h>

#include "brink/game.h"
#include "harness.h"

#define TURNS 200

static brink_ctx *ctx;
static char seq_a[TURNS + 1], seq_b[TURNS + 1];

static size_t idx(const char *name) {
  size_t i = SIZE_MAX;
  if (brink_game_strategy_find(ctx, name, &i)) {
    fprintf(stderr, "strategy '%s' not found: %s\n", name, brink_ctx_errmsg(ctx));
    harness_checks_failed++;
    return 0;
  }
  return i;
}

/* Plays a against b without noise and leaves the actions as "CD..." strings. */
static uint32_t play_rules(const char *a, const char *b, const brink_game_rules *rules,
                           uint64_t seed) {
  uint8_t ha[TURNS], hb[TURNS];
  uint32_t turns = 0;
  CHECK_INT(brink_game_match_play(ctx, idx(a), idx(b), rules, seed, 0, ha, hb, &turns), 0);
  for (uint32_t t = 0; t < turns; t++) {
    seq_a[t] = ha[t] ? 'D' : 'C';
    seq_b[t] = hb[t] ? 'D' : 'C';
  }
  seq_a[turns] = seq_b[turns] = '\0';
  return turns;
}

static void play(const char *a, const char *b) {
  brink_game_rules rules = brink_game_rules_default();
  CHECK_INT(play_rules(a, b, &rules, 1), TURNS);
}

/* Expected sequence from a rule: expect[t] = rule(t). */
static char expect[TURNS + 1];
#define EXPECT(expr)                                                                               \
  do {                                                                                             \
    for (int t = 0; t < TURNS; t++) expect[t] = (expr) ? 'D' : 'C';                                \
    expect[TURNS] = '\0';                                                                          \
  } while (0)

/* ---- The strategy table -------------------------------------------------------------------- */

static void test_table(void) {
  size_t n = brink_game_strategy_count();
  CHECK(n >= 40);
  for (size_t i = 0; i < n; i++) {
    const brink_game_strategy *s = brink_game_strategy_at(i);
    size_t found = SIZE_MAX;
    CHECK_INT(brink_game_strategy_find(ctx, s->name, &found), 0);
    CHECK_INT(found, i);
    CHECK(s->description && s->description[0]);
    CHECK(s->source && s->source[0]);
  }
  CHECK(brink_game_strategy_at(n) == NULL);
  /* Axelrod's first tournament, by its 4.x names. */
  const char *first[] = {"Tit For Tat",
                         "First by Tideman and Chieruzzi",
                         "First by Nydegger",
                         "First by Grofman",
                         "First by Shubik",
                         "First by Stein and Rapoport",
                         "Grudger",
                         "First by Davis",
                         "First by Graaskamp",
                         "First by Downing",
                         "First by Feld",
                         "First by Joss",
                         "First by Tullock",
                         "First by Anonymous",
                         "Random"};
  for (size_t i = 0; i < sizeof first / sizeof first[0]; i++) {
    size_t k;
    CHECK_INT(brink_game_strategy_find(ctx, first[i], &k), 0);
  }
  size_t k = 0;
  CHECK_INT(brink_game_strategy_find(ctx, "tit for tat", &k), 0);
  CHECK_INT(k, idx("Tit For Tat"));
  CHECK_INT(brink_game_strategy_find(ctx, "reciprocal_restraint", &k), 0);
  CHECK_INT(k, idx("Reciprocal Restraint"));
  CHECK_INT(brink_game_strategy_find(ctx, "Generous Tit For Tat", &k), 0);
  CHECK_INT(k, idx("GTFT"));
  CHECK_INT(brink_game_strategy_find(ctx, "Tit For Tot", &k), BRINK_ENOTFOUND);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "did you mean 'Tit For Tat'");
  CHECK_INT(brink_game_strategy_find(ctx, "zzzzzzzzzzzzzzzzzzzzzz", &k), BRINK_ENOTFOUND);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "brink game strategies");
  CHECK(brink_game_strategy_at(idx("Random"))->stochastic);
  CHECK(!brink_game_strategy_at(idx("First by Stein and Rapoport"))->stochastic);
}

/* ---- Hand-derived sequences ---------------------------------------------------------------- */

static void test_tit_for_tat_alternator(void) {
  play("Tit For Tat", "Alternator");
  EXPECT(t % 2 == 1);
  CHECK_STR(seq_b, expect);
  /* TFT copies the previous move: C, then C on odd turns and D on even ones. */
  EXPECT(t > 0 && t % 2 == 0);
  CHECK_STR(seq_a, expect);
}

static void test_grudger_alternator(void) {
  play("Grudger", "Alternator");
  EXPECT(t >= 2); /* the first D (turn 2) is seen on turn 3 */
  CHECK_STR(seq_a, expect);
}

static void test_stein_rapoport(void) {
  play("First by Stein and Rapoport", "Cooperator");
  EXPECT(t >= TURNS - 2); /* the chi-squared test finds 14 C / 0 D far from random */
  CHECK_STR(seq_a, expect);
  play("First by Stein and Rapoport", "Defector");
  EXPECT(t >= 4); /* C x4, then TFT */
  CHECK_STR(seq_a, expect);
  /* Alternator: 7 C / 7 D on turn 15 gives chi2 = 0, p = 1: random, D from then on. */
  play("First by Stein and Rapoport", "Alternator");
  EXPECT(t >= 14 || (t >= 4 && t % 2 == 0));
  CHECK_STR(seq_a, expect);
  /* Cycler CCD: turn 15 sees 10 C / 4 D (chi2 = 2.571, p = 0.109: random); turn 30 sees 20 C /
   * 9 D (chi2 = 4.172, p = 0.041: not random), so D on turns 15-29 only, TFT around them. */
  play("First by Stein and Rapoport", "Cycler CCD");
  EXPECT(t >= TURNS - 2 || (t >= 14 && t <= 28) || (t >= 4 && (t - 1) % 3 == 2));
  CHECK_STR(seq_a, expect);
  /* With a random length the last turns are unknown: no final defections. */
  brink_game_rules rules = brink_game_rules_default();
  rules.prob_end = 0.01;
  uint32_t turns = play_rules("First by Stein and Rapoport", "Cooperator", &rules, 5);
  CHECK(turns >= 1 && turns <= TURNS);
  CHECK(strchr(seq_a, 'D') == NULL);
}

static void test_downing(void) {
  /* D, D (alpha = beta = 1/2), then E_C = E_D = 3 on turn 3: alternate to C; after that beta =
   * (k - 2) / (k - 1) > 1/2 makes E_D = 1 + 4 beta > 3 = E_C for good. */
  play("First by Downing", "Cooperator");
  EXPECT(t != 2);
  CHECK_STR(seq_a, expect);
  play("First by Downing", "Defector");
  EXPECT(1);
  CHECK_STR(seq_a, expect);
  /* Against TFT: alpha = 1 after TFT's first C, beta = 0: C from turn 3 on. */
  play("First by Downing", "Tit For Tat");
  EXPECT(t < 2);
  CHECK_STR(seq_a, expect);
  EXPECT(t == 1 || t == 2);
  CHECK_STR(seq_b, expect);
}

static void test_tideman_chieruzzi(void) {
  play("First by Tideman and Chieruzzi", "Defector");
  EXPECT(t >= 1);
  CHECK_STR(seq_a, expect);
  play("First by Tideman and Chieruzzi", "Cooperator");
  EXPECT(t >= TURNS - 2);
  CHECK_STR(seq_a, expect);
  /* Cycler CCCCCD, traced by hand: punishments of 1, 2, 3 turns; on turn 21 it is 10 points
   * ahead (61 to 51), the opponent just cooperated, and 3 defections in 20 moves is below
   * 10 - 3 sqrt(20)/2: a fresh start (C, C, punishment back to 1). The next fresh start comes
   * on turn 41, 20 turns later. */
  play("First by Tideman and Chieruzzi", "Cycler CCCCCD");
  const char *first42 = "CCCCCCDCCCCCDDCCCCDDCCCCDCCCCCDDCCCCDDDCCC";
  CHECK(strncmp(seq_a, first42, 42) == 0);
  if (strncmp(seq_a, first42, 42) != 0) fprintf(stderr, "got      %.42s\n", seq_a);
  CHECK(seq_a[TURNS - 1] == 'D' && seq_a[TURNS - 2] == 'D');
}

static void test_adaptive(void) {
  /* Against Alternator: after C x6, D x5 the totals are C 9, D 17: D for good. */
  play("Adaptive", "Alternator");
  EXPECT(t >= 6);
  CHECK_STR(seq_a, expect);
  /* Against TFT: C 18, D 9 after the opening: back to C for good. */
  play("Adaptive", "Tit For Tat");
  EXPECT(t >= 6 && t <= 10);
  CHECK_STR(seq_a, expect);
  EXPECT(t >= 7 && t <= 11);
  CHECK_STR(seq_b, expect);
}

static void test_handshake(void) {
  play("Handshake", "Handshake");
  EXPECT(t == 1);
  CHECK_STR(seq_a, expect);
  CHECK_STR(seq_b, expect);
  play("Handshake", "Defector");
  EXPECT(t >= 1);
  CHECK_STR(seq_a, expect);
}

static void test_more_rules(void) {
  play("First by Shubik", "Alternator");
  /* Retaliates 1, 2, 3, ... turns for each D that follows its own C. Alternator: C D C D ...
   * t2 D (1), t4-5 D (2), t6-7 C (the D on t5 followed its own D), t8-10 D (3), t11 C,
   * t12-15 D (4). */
  CHECK(strncmp(seq_a, "CCDCDDCCDDDCDDDD", 16) == 0);
  play("Bully", "Tit For Tat");
  EXPECT(t % 4 < 2); /* D, D, C, C, ...: TFT echoes Bully one turn late */
  CHECK_STR(seq_a, expect);
  play("Suspicious Tit For Tat", "Tit For Tat");
  EXPECT(t % 2 == 0);
  CHECK_STR(seq_a, expect);
  play("Prober", "Cooperator");
  EXPECT(t == 0 || t >= 3);
  CHECK_STR(seq_a, expect);
  play("Prober", "Tit For Tat"); /* TFT answered D, C: so Prober plays TFT: D C C C ... */
  EXPECT(t == 0);
  CHECK_STR(seq_a, expect);
  play("Win-Stay Lose-Shift", "Defector");
  EXPECT(t % 2 == 1); /* C (S: shift), D (P: shift), C, ... */
  CHECK_STR(seq_a, expect);
  play("Tit For 2 Tats", "Alternator");
  EXPECT(0);
  CHECK_STR(seq_a, expect);
  play("Two Tits For Tat", "Cycler CCCCCD");
  EXPECT(t % 6 == 0 && t > 0 ? 1 : (t % 6 == 1 && t > 1));
  CHECK_STR(seq_a, expect);
  play("Grumpy", "Defector"); /* grumpiness 11 > 10 on turn 12 (t = 11) */
  EXPECT(t >= 11);
  CHECK_STR(seq_a, expect);
  /* D while defections > t / 10: 1 D is more than 10% of 6..9 moves, not of 10 or 11; from
   * t = 12 on, floor(t / 6) > t / 10 for good. */
  play("Forgiver", "Cycler CCCCCD");
  EXPECT(t >= 12 || (t >= 6 && t <= 9));
  CHECK_STR(seq_a, expect);
  play("Hard Tit For Tat", "Cycler CCCCCD");
  EXPECT(t >= 6 && (t % 6 == 0 || t % 6 == 1 || t % 6 == 2));
  CHECK_STR(seq_a, expect);
  play("First by Davis", "Alternator");
  EXPECT(t >= 10);
  CHECK_STR(seq_a, expect);
  play("Cycler CCD", "Defector");
  EXPECT(t % 3 == 2);
  CHECK_STR(seq_a, expect);
  play("Soft Grudger", "Cycler CCCCCD");
  /* The D on t5 is answered on t6 with D, then D, D, D, C, C on t7-11; again from t12. */
  CHECK(strncmp(seq_a, "CCCCCCDDDDCCDDDDCC", 18) == 0);
}

static void test_grit_and_policies(void) {
  play("GRIT", "Defector"); /* step, hold 2, step, ... */
  EXPECT(t % 3 != 0);
  CHECK_STR(seq_a, expect);
  play("GRIT", "Tit For Tat");
  EXPECT(0);
  CHECK_STR(seq_a, expect);
  play("GRIT", "Alternator"); /* escalation (C then D) is matched, and it keeps escalating */
  EXPECT(t >= 2);
  CHECK_STR(seq_a, expect);
  play("Reciprocal Restraint", "Defector");
  EXPECT(t % 8 != 0);
  CHECK_STR(seq_a, expect);
  play("Maximum Pressure", "Cooperator");
  EXPECT(t < 10);
  CHECK_STR(seq_a, expect);
  play("Proactive Diplomacy", "Defector");
  EXPECT(0);
  CHECK_STR(seq_a, expect);
  play("Pressure Plus Diplomacy", "Defector");
  EXPECT(t % 8 != 0);
  CHECK_STR(seq_a, expect);
  play("Consult Beijing", "Defector");
  EXPECT(t % 4 != 0 && t != 1);
  CHECK_STR(seq_a, expect);
}

/* ---- Noise and randomness ------------------------------------------------------------------ */

static void test_noise(void) {
  brink_game_rules rules = brink_game_rules_default();
  rules.turns = TURNS;
  rules.noise = 0.1;
  uint8_t ha[TURNS], hb[TURNS];
  uint64_t flips = 0, n = 0, same = 0, pairs = 0;
  for (uint64_t m = 0; m < 100; m++) {
    uint32_t turns;
    CHECK_INT(brink_game_match_play(ctx, idx("Cooperator"), idx("Cooperator"), &rules, 42, m, ha,
                                    hb, &turns),
              0);
    for (uint32_t t = 0; t < turns; t++) flips += ha[t] + hb[t];
    n += 2 * turns;
  }
  double p = (double)flips / (double)n, se = sqrt(0.1 * 0.9 / (double)n);
  CHECK_NEAR(p, 0.1, 4 * se);
  /* Strategies see the flipped history: Alternator flips the move it actually played, so
   * consecutive plays are equal only when the current flip happens (p = noise = 0.2); with
   * the intended history it would be 0.32. */
  rules.noise = 0.2;
  for (uint64_t m = 0; m < 100; m++) {
    uint32_t turns;
    CHECK_INT(brink_game_match_play(ctx, idx("Alternator"), idx("Cooperator"), &rules, 42, m, ha,
                                    hb, &turns),
              0);
    for (uint32_t t = 1; t < turns; t++) same += ha[t] == ha[t - 1];
    pairs += turns - 1;
  }
  p = (double)same / (double)pairs;
  CHECK_NEAR(p, 0.2, 4 * sqrt(0.2 * 0.8 / (double)pairs));
  /* Random cooperates half the time; First by Joss 90% after the opponent's C. */
  rules.noise = 0.0;
  uint64_t coop_random = 0, coop_joss = 0, total = 0;
  for (uint64_t m = 0; m < 50; m++) {
    uint32_t turns;
    CHECK_INT(
        brink_game_match_play(ctx, idx("Random"), idx("Cooperator"), &rules, 9, m, ha, hb, &turns),
        0);
    for (uint32_t t = 0; t < turns; t++) coop_random += ha[t] == 0;
    CHECK_INT(brink_game_match_play(ctx, idx("First by Joss"), idx("Cooperator"), &rules, 9, m, ha,
                                    hb, &turns),
              0);
    for (uint32_t t = 1; t < turns; t++) coop_joss += ha[t] == 0;
    total += turns;
  }
  CHECK_NEAR((double)coop_random / (double)total, 0.5, 4 * sqrt(0.25 / (double)total));
  CHECK_NEAR((double)coop_joss / (double)(total - 50), 0.9, 4 * sqrt(0.09 / (double)(total - 50)));
  /* The same (seed, match) gives the same match; another seed another one. */
  uint8_t a1[TURNS], b1[TURNS], a2[TURNS], b2[TURNS];
  uint32_t t1, t2;
  rules.noise = 0.05;
  CHECK_INT(brink_game_match_play(ctx, idx("First by Graaskamp"), idx("Random"), &rules, 3, 7, a1,
                                  b1, &t1),
            0);
  CHECK_INT(brink_game_match_play(ctx, idx("First by Graaskamp"), idx("Random"), &rules, 3, 7, a2,
                                  b2, &t2),
            0);
  CHECK(t1 == t2 && memcmp(a1, a2, t1) == 0 && memcmp(b1, b2, t1) == 0);
  CHECK_INT(brink_game_match_play(ctx, idx("First by Graaskamp"), idx("Random"), &rules, 4, 7, a2,
                                  b2, &t2),
            0);
  CHECK(memcmp(b1, b2, t1) != 0);
}

static void test_prob_end(void) {
  /* Lengths are geometric with mean 1/p (capped): p = 0.1 gives mean 10, variance 90. */
  brink_game_rules rules = brink_game_rules_default();
  rules.turns = TURNS;
  rules.prob_end = 0.1;
  uint8_t ha[TURNS], hb[TURNS];
  double sum = 0.0;
  const int n = 2000;
  for (int m = 0; m < n; m++) {
    uint32_t turns;
    CHECK_INT(brink_game_match_play(ctx, 0, 0, &rules, 11, (uint64_t)m, ha, hb, &turns), 0);
    sum += turns;
  }
  CHECK_NEAR(sum / n, 10.0, 4 * sqrt(90.0 / n));
}

/* ---- Tournaments --------------------------------------------------------------------------- */

static void test_tournament_by_hand(void) {
  /* Cooperator, Defector, TFT, 10 turns. Per turn: C-C 3, C-D 0/5, C-TFT 3, D-D 1, D-TFT
   * (5 + 9) / 10 = 1.4 against (0 + 9) / 10 = 0.9, TFT-TFT 3. */
  size_t players[3] = {idx("Cooperator"), idx("Defector"), idx("Tit For Tat")};
  brink_game_rules rules = brink_game_rules_default();
  rules.turns = 10;
  brink_game_tournament_spec spec = {.players = players,
                                     .n_players = 3,
                                     .rules = rules,
                                     .repetitions = 2,
                                     .seed = 1,
                                     .threads = 1};
  brink_game_tournament *t = NULL;
  CHECK_INT(brink_game_tournament_new(ctx, &spec, &t), 0);
  if (!t) return;
  brink_game_tournament_run(t);
  const double matrix[9] = {3, 0, 3, 5, 1, 1.4, 3, 0.9, 3};
  for (int k = 0; k < 9; k++) CHECK_NEAR(t->payoff_matrix[k], matrix[k], 1e-12);
  CHECK_NEAR(t->median_score[0], (0 + 3) / 2.0, 1e-12);
  CHECK_NEAR(t->median_score[1], (5 + 1.4) / 2.0, 1e-12);
  CHECK_NEAR(t->median_score[2], (3 + 0.9) / 2.0, 1e-12);
  CHECK_NEAR(t->mean_score[2], 1.95, 1e-12);
  CHECK_INT(t->ranking[0], 1);
  CHECK_INT(t->ranking[1], 2);
  CHECK_INT(t->ranking[2], 0);
  CHECK_NEAR(t->median_wins[0], 0, 0);
  CHECK_NEAR(t->median_wins[1], 2, 0); /* beats Cooperator and TFT */
  CHECK_NEAR(t->median_wins[2], 0, 0); /* ties Cooperator, loses to Defector */
  CHECK_NEAR(t->cooperation_rate[0], 1.0, 1e-12);
  CHECK_NEAR(t->cooperation_rate[1], 0.0, 1e-12);
  CHECK_NEAR(t->cooperation_rate[2], 11.0 / 20.0, 1e-12);
  CHECK_INT(t->n_matches, 12);
  CHECK_INT(t->turns_played, 120);
  brink_game_tournament_free(t);
}

static void run_tournament(int threads, brink_game_tournament **out) {
  size_t players[6] = {
      idx("First by Graaskamp"), idx("Random"), idx("Tit For Tat"),
      idx("First by Tullock"),   idx("GTFT"),   idx("First by Stein and Rapoport")};
  brink_game_rules rules = brink_game_rules_default();
  rules.noise = 0.05;
  brink_game_tournament_spec spec = {.players = players,
                                     .n_players = 6,
                                     .rules = rules,
                                     .repetitions = 7,
                                     .seed = 2024,
                                     .threads = threads};
  CHECK_INT(brink_game_tournament_new(ctx, &spec, out), 0);
  if (*out) brink_game_tournament_run(*out);
}

static void test_tournament_threads(void) {
  brink_game_tournament *one = NULL, *two = NULL;
  run_tournament(1, &one);
  run_tournament(2, &two);
  if (!one || !two) goto done;
  CHECK(memcmp(one->payoff_matrix, two->payoff_matrix, 36 * sizeof(double)) == 0);
  CHECK(memcmp(one->normalised_scores, two->normalised_scores, 6 * 7 * sizeof(double)) == 0);
  CHECK(memcmp(one->wins, two->wins, 6 * 7 * sizeof(uint32_t)) == 0);
  CHECK(memcmp(one->ranking, two->ranking, 6 * sizeof(size_t)) == 0);
  /* Running again gives the same numbers. */
  double before = one->median_score[3];
  brink_game_tournament_run(one);
  CHECK(one->median_score[3] == before);
done:
  brink_game_tournament_free(one);
  brink_game_tournament_free(two);
}

static void test_tournament_errors(void) {
  size_t players[2] = {0, 1};
  brink_game_rules rules = brink_game_rules_default();
  brink_game_tournament *t = NULL;
  brink_game_tournament_spec spec = {.players = players,
                                     .n_players = 1,
                                     .rules = rules,
                                     .repetitions = 1,
                                     .seed = 1,
                                     .threads = 1};
  CHECK_INT(brink_game_tournament_new(ctx, &spec, &t), BRINK_EINVAL);
  spec.n_players = 2;
  spec.rules.noise = 1.5;
  CHECK_INT(brink_game_tournament_new(ctx, &spec, &t), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "noise");
  spec.rules = rules;
  spec.rules.payoffs.temptation = 2.0;
  CHECK_INT(brink_game_tournament_new(ctx, &spec, &t), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "T > R > P > S");
  spec.rules = rules;
  players[1] = 100000;
  CHECK_INT(brink_game_tournament_new(ctx, &spec, &t), BRINK_EINVAL);
  CHECK(t == NULL);
  brink_game_tournament_free(NULL);
  brink_game_moran_free(NULL);
  /* A cancel flag set: _run stops before the first match; cleared, the same tournament runs. */
  players[1] = 1;
  volatile int cancel = 1;
  spec.cancel = &cancel;
  CHECK_INT(brink_game_tournament_new(ctx, &spec, &t), BRINK_OK);
  if (t) {
    CHECK_INT(brink_game_tournament_run(t), BRINK_ECANCELED);
    CHECK_CONTAINS(brink_ctx_errmsg(ctx), "cancelled");
    cancel = 0;
    CHECK_INT(brink_game_tournament_run(t), BRINK_OK);
    CHECK(t->turns_played > 0);
  }
  brink_game_tournament_free(t);
}

static void test_alloc_failures(void) {
  size_t players[3] = {0, 1, 2};
  brink_game_tournament_spec spec = {.players = players,
                                     .n_players = 3,
                                     .rules = brink_game_rules_default(),
                                     .repetitions = 2,
                                     .seed = 1,
                                     .threads = 1};
  size_t base = brink_ctx_bytes_in_use(ctx);
  int ok = 0;
  for (uint64_t k = 1; k < 100 && !ok; k++) {
    brink_game_tournament *t = NULL;
    brink_ctx_fail_after(ctx, k);
    brink_status st = brink_game_tournament_new(ctx, &spec, &t);
    brink_ctx_fail_after(ctx, 0);
    if (st == BRINK_OK) {
      ok = 1;
      brink_game_tournament_run(t);
    } else {
      CHECK_INT(st, BRINK_ENOMEM);
      CHECK(t == NULL);
    }
    brink_game_tournament_free(t);
    CHECK_INT(brink_ctx_bytes_in_use(ctx), base);
  }
  CHECK(ok);
  brink_game_moran_spec ms = {players, 3, brink_game_rules_default(), 2, 100, 1, 1};
  ok = 0;
  for (uint64_t k = 1; k < 100 && !ok; k++) {
    brink_game_moran *m = NULL;
    brink_ctx_fail_after(ctx, k);
    brink_status st = brink_game_moran_new(ctx, &ms, &m);
    brink_ctx_fail_after(ctx, 0);
    if (st == BRINK_OK)
      ok = 1;
    else
      CHECK_INT(st, BRINK_ENOMEM);
    brink_game_moran_free(m);
    CHECK_INT(brink_ctx_bytes_in_use(ctx), base);
  }
  CHECK(ok);
  const char *text = "Tit For Tat, Grudger, Defector, Random, Cooperator";
  ok = 0;
  for (uint64_t k = 1; k < 20 && !ok; k++) {
    size_t *list = NULL, n = 0;
    brink_ctx_fail_after(ctx, k);
    brink_status st = brink_game_players_parse(ctx, text, strlen(text), NULL, &list, &n);
    brink_ctx_fail_after(ctx, 0);
    ok = st == BRINK_OK;
    if (ok) CHECK_INT(n, 5);
    brink_free(ctx, list);
    CHECK_INT(brink_ctx_bytes_in_use(ctx), base);
  }
  CHECK(ok);
}

/* ---- Moran --------------------------------------------------------------------------------- */

static void test_moran(void) {
  /* Two individuals, Cooperator (fitness 0) and Defector (5): the Defector always reproduces
   * and the copy replaces either one with probability 1/2: fixation on Defector, after a
   * geometric number of steps (mean 2, variance 2). */
  size_t pair[2] = {idx("Cooperator"), idx("Defector")};
  brink_game_moran_spec spec = {pair, 2, brink_game_rules_default(), 2000, 1000, 5, 2};
  brink_game_moran *m = NULL;
  CHECK_INT(brink_game_moran_new(ctx, &spec, &m), 0);
  if (m) {
    brink_game_moran_run(m);
    CHECK_INT(m->n_types, 2);
    CHECK_INT(m->fixations[1], 2000);
    CHECK_INT(m->unfinished, 0);
    double steps = 0;
    for (uint32_t r = 0; r < m->repetitions; r++) steps += (double)m->steps[r];
    CHECK_NEAR(steps / 2000.0, 2.0, 4 * sqrt(2.0 / 2000.0));
  }
  brink_game_moran_free(m);
  /* Neutral drift: Cooperator and TFT get 3 per turn against anyone here, so each type fixates
   * with its initial share (1/2). */
  size_t four[4] = {idx("Cooperator"), idx("Tit For Tat"), idx("Cooperator"), idx("Tit For Tat")};
  brink_game_moran_spec neutral = {four, 4, brink_game_rules_default(), 2000, 100000, 6, 0};
  m = NULL;
  CHECK_INT(brink_game_moran_new(ctx, &neutral, &m), 0);
  if (m) {
    brink_game_moran_run(m);
    CHECK_INT(m->fixations[0] + m->fixations[1], 2000);
    CHECK_NEAR((double)m->fixations[0] / 2000.0, 0.5, 4 * sqrt(0.25 / 2000.0));
  }
  /* Same results with one thread. */
  brink_game_moran *one = NULL;
  neutral.threads = 1;
  CHECK_INT(brink_game_moran_new(ctx, &neutral, &one), 0);
  if (m && one) {
    brink_game_moran_run(one);
    CHECK(memcmp(m->winner, one->winner, 2000 * sizeof(size_t)) == 0);
    CHECK(memcmp(m->steps, one->steps, 2000 * sizeof(uint64_t)) == 0);
  }
  brink_game_moran_free(one);
  brink_game_moran_free(m);
}

/* ---- The players parser -------------------------------------------------------------------- */

static void test_players_parse(void) {
  size_t *list = NULL, n = 0;
  const char *text = "Tit For Tat, Grudger\n# a comment, with a comma\n  Defector  # trailing\n"
                     "\r\n,,tit_for_tat\n";
  CHECK_INT(brink_game_players_parse(ctx, text, strlen(text), "p.txt", &list, &n), 0);
  CHECK_INT(n, 4);
  if (n == 4) {
    CHECK_INT(list[0], idx("Tit For Tat"));
    CHECK_INT(list[1], idx("Grudger"));
    CHECK_INT(list[2], idx("Defector"));
    CHECK_INT(list[3], idx("Tit For Tat"));
  }
  brink_free(ctx, list);
  text = "Grudger\n  Defecter\n";
  CHECK_INT(brink_game_players_parse(ctx, text, strlen(text), "p.txt", &list, &n), BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "p.txt:2:3: unknown strategy 'Defecter'");
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "did you mean 'Defector'");
  CHECK(list == NULL);
  text = " # nothing\n , \n";
  CHECK_INT(brink_game_players_parse(ctx, text, strlen(text), NULL, &list, &n), BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "no strategy names");
  char nul[] = "Grudger\0x";
  CHECK_INT(brink_game_players_parse(ctx, nul, sizeof nul - 1, NULL, &list, &n), BRINK_EPARSE);
}

int main(void) {
  if (brink_ctx_new(&ctx)) return 1;
  RUN(test_table);
  RUN(test_tit_for_tat_alternator);
  RUN(test_grudger_alternator);
  RUN(test_stein_rapoport);
  RUN(test_downing);
  RUN(test_tideman_chieruzzi);
  RUN(test_adaptive);
  RUN(test_handshake);
  RUN(test_more_rules);
  RUN(test_grit_and_policies);
  RUN(test_noise);
  RUN(test_prob_end);
  RUN(test_tournament_by_hand);
  RUN(test_tournament_threads);
  RUN(test_tournament_errors);
  RUN(test_alloc_failures);
  RUN(test_moran);
  RUN(test_players_parse);
  brink_ctx_free(ctx);
  return harness_finish("test_game");
}
