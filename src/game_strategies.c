/* SPDX-License-Identifier: MIT */
/* The strategies of the iterated prisoner's dilemma. Each rule was read from Axelrod-Python 4.x
 * (the source file is named in the table) and written anew in C; GRIT and the crisis policies
 * are brink's own two-action rules (docs/game.md section "GRIT and the crisis policies"). */
#include <math.h>
#include <gsl/gsl_cdf.h>

#include "game_internal.h"

#define C BRINK_GAME_C
#define D BRINK_GAME_D

/* ---- Helpers ------------------------------------------------------------------------------- */

static int last_theirs(const game_view *v) { return v->theirs[v->t - 1]; }
static int last_mine(const game_view *v) { return v->mine[v->t - 1]; }
static int flip(int action) { return action ^ 1; }

/* Axelrod's RandomGenerator.random_choice: no draw when p is 0 or 1. */
static int random_choice(brink_rng *rng, double p) {
  if (p == 0.0) return D;
  if (p == 1.0) return C;
  return brink_rng_uniform(rng) < p ? C : D;
}

/* A memory-one player: probability of cooperating after (mine, theirs) = CC, CD, DC, DD. */
static int memory_one(game_player *self, const game_view *v, double cc, double cd, double dc,
                      double dd, int initial) {
  if (v->t == 0) return initial;
  int state = 2 * last_mine(v) + last_theirs(v);
  double p = state == 0 ? cc : state == 1 ? cd : state == 2 ? dc : dd;
  return random_choice(&self->rng, p);
}

/* scipy.stats.chisquare([cooperations, defections]) against equal expected counts: the p-value
 * with one degree of freedom. */
static double chisquare_p(uint32_t c, uint32_t d) {
  double n = (double)c + (double)d, e = n / 2.0;
  double stat = ((double)c - e) * ((double)c - e) / e + ((double)d - e) * ((double)d - e) / e;
  return gsl_cdf_chisq_Q(stat, 1.0);
}

/* The opponent defected on every one of its last k moves (k <= t). */
static int their_last_all_d(const game_view *v, uint32_t k) {
  if (v->t < k) return 0;
  for (uint32_t i = v->t - k; i < v->t; i++)
    if (v->theirs[i] != D) return 0;
  return 1;
}

/* D among the opponent's last k moves. */
static int their_last_any_d(const game_view *v, uint32_t k) {
  uint32_t from = v->t > k ? v->t - k : 0;
  for (uint32_t i = from; i < v->t; i++)
    if (v->theirs[i] == D) return 1;
  return 0;
}

static int tit_for_tat_move(const game_view *v) { return v->t ? last_theirs(v) : C; }

/* ---- Simple rules (cooperator.py, defector.py, alternator.py, cycler.py, rand.py) ---------- */

static int cooperator(game_player *self, const game_view *v) {
  (void)self, (void)v;
  return C;
}
static int defector(game_player *self, const game_view *v) {
  (void)self, (void)v;
  return D;
}
static int alternator(game_player *self, const game_view *v) {
  (void)self;
  return v->t == 0 ? C : flip(last_mine(v));
}
static int random_player(game_player *self, const game_view *v) {
  (void)v;
  return random_choice(&self->rng, 0.5);
}

/* Cycler: plays its cycle from the first turn, whatever happens. */
static int cycle(const game_view *v, const char *pattern, uint32_t n) {
  return pattern[v->t % n] == 'D' ? D : C;
}
static int cycler_ccd(game_player *self, const game_view *v) {
  (void)self;
  return cycle(v, "CCD", 3);
}
static int cycler_dc(game_player *self, const game_view *v) {
  (void)self;
  return cycle(v, "DC", 2);
}
static int cycler_ddc(game_player *self, const game_view *v) {
  (void)self;
  return cycle(v, "DDC", 3);
}
static int cycler_cccd(game_player *self, const game_view *v) {
  (void)self;
  return cycle(v, "CCCD", 4);
}
static int cycler_cccccd(game_player *self, const game_view *v) {
  (void)self;
  return cycle(v, "CCCCCD", 6);
}
static int cycler_cccdcd(game_player *self, const game_view *v) {
  (void)self;
  return cycle(v, "CCCDCD", 6);
}

/* ---- Tit for tat family (titfortat.py) ------------------------------------------------------ */

static int tit_for_tat(game_player *self, const game_view *v) {
  (void)self;
  return tit_for_tat_move(v);
}
static int tit_for_2_tats(game_player *self, const game_view *v) {
  (void)self;
  return their_last_all_d(v, 2) ? D : C;
}
static int two_tits_for_tat(game_player *self, const game_view *v) {
  (void)self;
  return their_last_any_d(v, 2) ? D : C;
}
static int suspicious_tft(game_player *self, const game_view *v) {
  (void)self;
  return v->t ? last_theirs(v) : D;
}
static int bully(game_player *self, const game_view *v) {
  (void)self;
  return v->t && last_theirs(v) == D ? C : D;
}
static int anti_tft(game_player *self, const game_view *v) {
  (void)self;
  return v->t && last_theirs(v) == C ? D : C;
}
static int hard_tft(game_player *self, const game_view *v) {
  (void)self;
  return their_last_any_d(v, 3) ? D : C;
}
/* "DD" within the opponent's last three moves. */
static int hard_tit_for_2_tats(game_player *self, const game_view *v) {
  (void)self;
  uint32_t from = v->t > 3 ? v->t - 3 : 0;
  for (uint32_t i = from; i + 1 < v->t; i++)
    if (v->theirs[i] == D && v->theirs[i + 1] == D) return D;
  return C;
}
static int sneaky_tft(game_player *self, const game_view *v) {
  (void)self;
  if (v->t < 2) return C;
  if (v->their_d == 0) return D;
  if (last_theirs(v) == D && v->mine[v->t - 2] == D) return C;
  return last_theirs(v);
}
/* The world image starts at the rate (0.5) and moves towards the opponent's last move. */
static int adaptive_tft(game_player *self, const game_view *v) {
  const double rate = 0.5;
  if (v->t == 0) {
    self->s.atft.world = rate;
    return C;
  }
  if (last_theirs(v) == C)
    self->s.atft.world += rate * (1.0 - self->s.atft.world);
  else
    self->s.atft.world -= rate * self->s.atft.world;
  return self->s.atft.world >= 0.5 ? C : D;
}
static int spiteful_tft(game_player *self, const game_view *v) {
  if (v->t == 0) return C;
  if (their_last_all_d(v, 2)) self->s.grudge.flag = 1;
  return self->s.grudge.flag ? D : last_theirs(v);
}
/* Omega TFT (Slany 2007): deadlock threshold 3, randomness threshold 8. */
static int omega_tft(game_player *self, const game_view *v) {
  const int32_t deadlock_threshold = 3, randomness_threshold = 8;
  int32_t *randomness = &self->s.omega.randomness, *deadlock = &self->s.omega.deadlock;
  if (v->t == 0) return C;
  if (v->t == 1) return last_theirs(v);
  int move;
  if (*deadlock >= deadlock_threshold) {
    move = C;
    *deadlock = *deadlock == deadlock_threshold ? deadlock_threshold + 1 : 0;
  } else {
    int prev = v->theirs[v->t - 2], last = last_theirs(v);
    if (prev == C && last == C) (*randomness)--;
    if (prev != last) (*randomness)++;
    if (last_mine(v) != last) (*randomness)++;
    if (*randomness >= randomness_threshold) {
      move = D;
    } else {
      move = last;
      *deadlock = prev != last ? *deadlock + 1 : 0;
    }
  }
  return move;
}

/* ---- Memory-one players (memoryone.py, axelrod_first.py) ------------------------------------ */

/* GTFT: forgives a defection with p = min(1 - (T - R)/(R - S), (R - P)/(T - P)) (1/3 for the
 * default payoffs). */
static int gtft(game_player *self, const game_view *v) {
  const brink_game_payoffs *g = v->pay;
  double a = 1.0 - (g->temptation - g->reward) / (g->reward - g->sucker);
  double b = (g->reward - g->punishment) / (g->temptation - g->punishment);
  double p = a < b ? a : b;
  return memory_one(self, v, 1.0, p, 1.0, p, C);
}
static int wsls(game_player *self, const game_view *v) {
  return memory_one(self, v, 1.0, 0.0, 0.0, 1.0, C);
}
static int wslsr(game_player *self, const game_view *v) {
  return memory_one(self, v, 0.0, 1.0, 1.0, 0.0, D);
}
static int firm_but_fair(game_player *self, const game_view *v) {
  return memory_one(self, v, 1.0, 0.0, 1.0, 2.0 / 3.0, C);
}
static int stochastic_wsls(game_player *self, const game_view *v) {
  return memory_one(self, v, 0.95, 0.05, 0.05, 0.95, C);
}
static int soft_joss(game_player *self, const game_view *v) {
  return memory_one(self, v, 1.0, 1.0 - 0.9, 1.0, 1.0 - 0.9, C);
}
static int joss(game_player *self, const game_view *v) {
  return memory_one(self, v, 0.9, 0.0, 0.9, 0.0, C);
}

/* ---- Grudgers (grudger.py, forgiver.py, grumpy.py) ------------------------------------------ */

static int grudger(game_player *self, const game_view *v) {
  (void)self;
  return v->their_d ? D : C;
}
/* Defects for 10 turns after a defection, then forgets. */
static int forgetful_grudger(game_player *self, const game_view *v) {
  const int32_t mem_length = 10;
  if (self->s.grudge.memory == mem_length) {
    self->s.grudge.memory = 0;
    self->s.grudge.flag = 0;
  }
  if (v->t && last_theirs(v) == D) self->s.grudge.flag = 1;
  if (self->s.grudge.flag) {
    self->s.grudge.memory++;
    return D;
  }
  return C;
}
static int opposite_grudger(game_player *self, const game_view *v) {
  (void)self;
  return v->their_c ? C : D;
}
static int aggravater(game_player *self, const game_view *v) {
  (void)self;
  if (v->t < 3) return D;
  return v->their_d ? D : C;
}
/* Punishes a defection with D, then D, D, D, C, C. */
static int soft_grudger(game_player *self, const game_view *v) {
  static const uint8_t punishment[5] = {D, D, D, C, C};
  if (self->s.grudge.flag) {
    int move = punishment[self->s.grudge.memory++];
    if (self->s.grudge.memory == 5) {
      self->s.grudge.memory = 0;
      self->s.grudge.flag = 0;
    }
    return move;
  }
  if (v->t && last_theirs(v) == D) {
    self->s.grudge.flag = 1;
    return D;
  }
  return C;
}
static int grudger_alternator(game_player *self, const game_view *v) {
  (void)self;
  return v->their_d && last_mine(v) == C ? D : C;
}
static int easy_go(game_player *self, const game_view *v) {
  (void)self;
  return v->their_d ? C : D;
}
static int spiteful_cc(game_player *self, const game_view *v) {
  (void)self;
  if (v->t < 2) return C;
  return v->their_d ? D : C;
}
static int forgiver(game_player *self, const game_view *v) {
  (void)self;
  return (double)v->their_d > (double)v->t / 10.0 ? D : C;
}
static int forgiving_tft(game_player *self, const game_view *v) {
  (void)self;
  return (double)v->their_d > (double)v->t / 10.0 ? last_theirs(v) : C;
}
/* Grumpiness = opponent's defections - cooperations; turns grumpy above 10, nice below -10. */
static int grumpy(game_player *self, const game_view *v) {
  int64_t grumpiness = (int64_t)v->their_d - (int64_t)v->their_c;
  if (!self->s.grudge.flag) {
    if (grumpiness > 10) {
      self->s.grudge.flag = 1;
      return D;
    }
    return C;
  }
  if (grumpiness < -10) {
    self->s.grudge.flag = 0;
    return C;
  }
  return D;
}

/* ---- Probers and handshakes (prober.py, handshake.py, adaptive.py) -------------------------- */

static int prober(game_player *self, const game_view *v) {
  (void)self;
  if (v->t == 0) return D;
  if (v->t < 3) return C;
  if (v->theirs[1] == C && v->theirs[2] == C) return D;
  return last_theirs(v);
}
static int prober2(game_player *self, const game_view *v) {
  (void)self;
  if (v->t == 0) return D;
  if (v->t < 3) return C;
  if (v->theirs[1] == D && v->theirs[2] == C) return C;
  return last_theirs(v);
}
static int prober3(game_player *self, const game_view *v) {
  (void)self;
  if (v->t == 0) return D;
  if (v->t == 1) return C;
  if (v->theirs[1] == C) return D;
  return last_theirs(v);
}
/* A 20-move probe, counting the opponent's just (after my D) and unjust (after my C)
 * defections; a difference of at most 2 makes it a defector, otherwise 5 C then TFT. */
static int prober4(game_player *self, const game_view *v) {
  static const uint8_t probe[20] = {C, C, D, C, D, D, D, C, C, D, C, D, C, C, D, C, D, D, C, D};
  if (v->t == 0) return probe[0];
  if (v->t < 20) {
    if (last_theirs(v) == D) {
      if (last_mine(v) == D) self->s.grudge.just_d++;
      if (last_mine(v) == C) self->s.grudge.unjust_d++;
    }
    return probe[v->t];
  }
  if (v->t == 20) {
    int32_t diff = self->s.grudge.just_d - self->s.grudge.unjust_d;
    self->s.grudge.flag = (diff < 0 ? -diff : diff) <= 2;
  }
  if (self->s.grudge.flag) return D;
  if (v->t < 25) return C;
  return last_theirs(v);
}
static int hard_prober(game_player *self, const game_view *v) {
  (void)self;
  if (v->t < 2) return D;
  if (v->t < 4) return C;
  if (v->theirs[1] == C && v->theirs[2] == C) return D;
  return last_theirs(v);
}
static int naive_prober(game_player *self, const game_view *v) {
  if (v->t == 0) return C;
  if (last_theirs(v) == D) return D;
  return random_choice(&self->rng, 1.0 - 0.1);
}
/* Naive Prober that lets one retaliation for its own random defection go unanswered. */
static int remorseful_prober(game_player *self, const game_view *v) {
  if (v->t == 0) return C;
  if (last_theirs(v) == D) {
    if (self->s.grudge.flag) {
      self->s.grudge.flag = 0;
      return C;
    }
    return D;
  }
  if (brink_rng_uniform(&self->rng) < 1.0 - 0.1) {
    self->s.grudge.flag = 0;
    return C;
  }
  self->s.grudge.flag = 1;
  return D;
}
static int collective_strategy(game_player *self, const game_view *v) {
  (void)self;
  if (v->t == 0) return C;
  if (v->t == 1) return D;
  if (v->their_d > 1) return D;
  return v->theirs[0] == C && v->theirs[1] == D ? C : D;
}
static int handshake(game_player *self, const game_view *v) {
  (void)self;
  if (v->t == 0) return C;
  if (v->t == 1) return D;
  return v->theirs[0] == C && v->theirs[1] == D ? C : D;
}
/* Opens C x6, D x5, then plays the action whose total own payoff so far is higher (D on ties). */
static int adaptive(game_player *self, const game_view *v) {
  static const uint8_t opening[11] = {C, C, C, C, C, C, D, D, D, D, D};
  if (v->t) {
    double points = brink_game_payoff(v->pay, last_mine(v), last_theirs(v));
    if (last_mine(v) == C)
      self->s.adaptive.score_c += points;
    else
      self->s.adaptive.score_d += points;
  }
  if (v->t < 11) return opening[v->t];
  return self->s.adaptive.score_c > self->s.adaptive.score_d ? C : D;
}

/* ---- Axelrod's first tournament (axelrod_first.py) ------------------------------------------ */

static int first_davis(game_player *self, const game_view *v) {
  (void)self;
  if (v->t < 10) return C;
  return v->their_d ? D : C;
}

/* Estimates alpha = P(their C | my C) and beta = P(their C | my D) and plays the action with the
 * higher expected payoff; alternates on a tie. The opponent's first move counts as a reply to a
 * cooperation before the match, and at least two defections are assumed (Axelrod's reading of
 * Downing 1975). */
static int first_downing(game_player *self, const game_view *v) {
  if (v->t == 0) return D;
  if (v->t == 1) {
    if (last_theirs(v) == C) self->s.downing.c_after_c++;
    return D;
  }
  if (last_theirs(v) == C) {
    if (v->mine[v->t - 2] == C)
      self->s.downing.c_after_c++;
    else
      self->s.downing.c_after_d++;
  }
  double alpha = (double)self->s.downing.c_after_c / ((double)v->my_c + 1.0);
  double beta = (double)self->s.downing.c_after_d / (double)(v->my_d > 2 ? v->my_d : 2);
  const brink_game_payoffs *g = v->pay;
  double e_c = alpha * g->reward + (1.0 - alpha) * g->sucker;
  double e_d = beta * g->temptation + (1.0 - beta) * g->punishment;
  if (e_c > e_d) return C;
  if (e_c < e_d) return D;
  return flip(last_mine(v));
}

/* TFT whose cooperation after a cooperation decays linearly from 1 to 0.5 over 200 turns. */
static int first_feld(game_player *self, const game_view *v) {
  if (v->t == 0) return C;
  if (last_theirs(v) == D) return D;
  double p = 1.0 + ((0.5 - 1.0) / 200.0) * (double)v->t;
  return random_choice(&self->rng, p > 0.5 ? p : 0.5);
}

/* TFT for 50 turns, D on turn 51, TFT to turn 56; then D for good once a chi-squared test
 * cannot reject that the opponent is random (p >= 0.05); TFT against TFT or a clone; otherwise
 * C with a defection every 5 to 14 turns (numpy randint(5, 15) excludes 15). */
static int first_graaskamp(game_player *self, const game_view *v) {
  if (v->t == 0) return C;
  if (v->t < 56) return last_theirs(v) == D || v->t == 50 ? D : C;
  if (!self->s.chi.is_random && chisquare_p(v->their_c, v->their_d) >= 0.05)
    self->s.chi.is_random = 1;
  if (self->s.chi.is_random) return D;
  int copies_me = 1, same_as_me = 1;
  for (uint32_t i = 1; i < v->t && copies_me; i++)
    if (v->theirs[i] != v->mine[i - 1]) copies_me = 0;
  for (uint32_t i = 0; i < v->t && same_as_me; i++)
    if (v->theirs[i] != v->mine[i]) same_as_me = 0;
  if (copies_me || same_as_me) return last_theirs(v);
  if (self->s.chi.next_defection == 0)
    self->s.chi.next_defection = 5 + brink_rng_below(&self->rng, 10) + v->t;
  if (v->t == self->s.chi.next_defection) {
    self->s.chi.next_defection = 5 + brink_rng_below(&self->rng, 10) + v->t;
    return D;
  }
  return C;
}

static int first_grofman(game_player *self, const game_view *v) {
  if (v->t == 0 || last_mine(v) == last_theirs(v)) return C;
  return random_choice(&self->rng, 2.0 / 7.0);
}

/* A = 16 a1 + 4 a2 + a3 over the last three turns (a = 0 CC, 2 CD, 1 DC, 3 DD, mine first);
 * defect iff A is in the published list. */
static int first_nydegger(game_player *self, const game_view *v) {
  (void)self;
  static const uint8_t defect_on[19] = {1,  6,  7,  17, 22, 23, 26, 29, 30, 31,
                                        33, 38, 39, 45, 49, 54, 55, 58, 61};
  if (v->t == 0) return C;
  if (v->t == 1) return last_theirs(v);
  if (v->t == 2) return v->theirs[0] == D && v->theirs[1] == C ? D : last_theirs(v);
  static const int weight[3] = {16, 4, 1};
  int a = 0;
  for (uint32_t k = 0; k < 3; k++) {
    uint32_t i = v->t - 1 - k;
    int mine = v->mine[i], theirs = v->theirs[i];
    a += weight[k] * (mine && theirs ? 3 : theirs ? 2 : mine ? 1 : 0);
  }
  for (size_t k = 0; k < sizeof defect_on; k++)
    if (defect_on[k] == a) return D;
  return C;
}

static void retaliation_step(game_player *self) {
  if (self->s.retaliate.retaliating && --self->s.retaliate.remaining == 0)
    self->s.retaliate.retaliating = 0;
}

/* Retaliates k times for the k-th defection that follows its own cooperation. */
static int first_shubik(game_player *self, const game_view *v) {
  if (v->t == 0) return C;
  if (self->s.retaliate.retaliating) {
    retaliation_step(self);
    return D;
  }
  if (last_theirs(v) == D && last_mine(v) == C) {
    self->s.retaliate.retaliating = 1;
    self->s.retaliate.length++;
    self->s.retaliate.remaining = self->s.retaliate.length;
    retaliation_step(self);
    return D;
  }
  return C;
}

/* C for 4 turns, TFT; from turn 15 every 15 turns a chi-squared test of the opponent's C/D
 * counts, and D while p >= 0.05 (the opponent looks random); D on the last two turns (table). */
static int first_stein_rapoport(game_player *self, const game_view *v) {
  uint32_t round = v->t + 1;
  if (round < 5) return C;
  if (round < 15) return last_theirs(v);
  if (round % 15 == 0) self->s.chi.is_random = chisquare_p(v->their_c, v->their_d) >= 0.05;
  return self->s.chi.is_random ? D : last_theirs(v);
}

/* TFT whose punishment grows by one with each run of the opponent's defections, with a fresh
 * start (C, C and everything forgotten) when the opponent is 10 or more points behind, did not
 * just defect, it is 20 or more turns since the last fresh start, 10 or more turns remain (always
 * true when the length is unknown) and its defections are 3 standard deviations away from a
 * fair coin's. D on the last two turns (table). */
static int first_tideman_chieruzzi(game_player *self, const game_view *v) {
  if (v->t == 0) return C;
  int mine = last_mine(v), theirs = last_theirs(v);
  if (theirs == D) self->s.retaliate.remembered_d++;
  self->s.retaliate.my_score += brink_game_payoff(v->pay, mine, theirs);
  self->s.retaliate.their_score += brink_game_payoff(v->pay, theirs, mine);
  if (self->s.retaliate.fresh_start) {
    self->s.retaliate.fresh_start = 0;
    return C;
  }
  uint32_t round = v->t + 1;
  int valid =
      self->s.retaliate.last_fresh_start == 0 || round - self->s.retaliate.last_fresh_start >= 20;
  if (valid) {
    int points = self->s.retaliate.my_score - self->s.retaliate.their_score >= 10.0;
    int turns_left = v->length == 0 || (int64_t)v->length - (int64_t)round >= 10;
    if (points && turns_left && theirs == C) {
      double n = (double)v->t, sd = sqrt(n) / 2.0;
      double lower = n / 2.0 - 3.0 * sd, upper = n / 2.0 + 3.0 * sd;
      double remembered = (double)self->s.retaliate.remembered_d;
      if (remembered <= lower || remembered >= upper) {
        self->s.retaliate.last_fresh_start = round;
        self->s.retaliate.retaliating = 0;
        self->s.retaliate.length = 0;
        self->s.retaliate.remaining = 0;
        self->s.retaliate.remembered_d = 0;
        self->s.retaliate.fresh_start = 1;
        return C;
      }
    }
  }
  if (self->s.retaliate.retaliating) {
    retaliation_step(self);
    return D;
  }
  if (theirs == D) {
    self->s.retaliate.retaliating = 1;
    self->s.retaliate.length++;
    self->s.retaliate.remaining = self->s.retaliate.length;
    retaliation_step(self);
    return D;
  }
  return C;
}

/* C for 11 turns, then C with probability (their C share over their last 10 moves) - 0.1. */
static int first_tullock(game_player *self, const game_view *v) {
  if (v->t < 11) return C;
  uint32_t coop = 0;
  for (uint32_t i = v->t - 10; i < v->t; i++) coop += v->theirs[i] == C;
  double p = (double)coop / 10.0 - 0.10;
  return random_choice(&self->rng, p > 0.0 ? p : 0.0);
}

/* Cooperates with a probability drawn uniformly in [0.3, 0.7) each turn. */
static int first_anonymous(game_player *self, const game_view *v) {
  (void)v;
  double r = (3.0 + 4.0 * brink_rng_uniform(&self->rng)) / 10.0;
  return random_choice(&self->rng, r);
}

/* ---- GRIT and the crisis policies (brink; docs/game.md) ------------------------------------- */

/* GRIT (Osgood 1962, reference/Osgood 1962) with two actions. C is a conciliatory step.
 * - ANNOUNCE/STEP: turn 1 is C; C while the opponent reciprocates (its last move C).
 * - MATCH: when the opponent escalates (D after its own C), answer D now and stay D for
 *   `resume` more turns, then step again.
 * - HOLD: when a step is not reciprocated (my C answered by D, without escalation), hold at D
 *   for `hold` turns, then STEP (C) again, even if the opponent still defects. */
static int grit_rule(game_player *self, const game_view *v, int32_t hold, int32_t resume) {
  if (v->t == 0) return C;
  if (self->s.grit.quiet > 0) {
    self->s.grit.quiet--;
    return D;
  }
  if (last_theirs(v) == C) return C;
  if (v->t >= 2 && v->theirs[v->t - 2] == C) {
    self->s.grit.quiet = resume;
    return D;
  }
  if (last_mine(v) == C) {
    self->s.grit.quiet = hold - 1;
    return D;
  }
  return C;
}
static int grit(game_player *self, const game_view *v) { return grit_rule(self, v, 2, 1); }
/* reciprocal_restraint as in docs/korea.md: steps 8 turns apart when not reciprocated, 2 quiet
 * turns after matching. */
static int reciprocal_restraint(game_player *self, const game_view *v) {
  return grit_rule(self, v, 7, 2);
}
/* maximum_pressure: D, except C after 10 consecutive cooperations by the opponent (sustained
 * compliance); any defection resets the count. */
static int maximum_pressure(game_player *self, const game_view *v) {
  (void)self;
  if (v->t < 10) return D;
  for (uint32_t i = v->t - 10; i < v->t; i++)
    if (v->theirs[i] == D) return D;
  return C;
}
/* proactive_diplomacy: offers and restraint, no military answer to anything: always C. */
static int proactive_diplomacy(game_player *self, const game_view *v) {
  (void)self, (void)v;
  return C;
}
/* pressure_plus_diplomacy: an offer of talks (C) every 8th turn whatever happened; otherwise a
 * countermeasure (D) after an opponent's D and the follow-up sanctions (D) the turn after, else
 * C. */
static int pressure_plus_diplomacy(game_player *self, const game_view *v) {
  (void)self;
  if (v->t % 8 == 0) return C;
  if (last_theirs(v) == D) return D;
  if (v->t >= 2 && v->theirs[v->t - 2] == D && last_mine(v) == D) return D;
  return C;
}
/* consult_beijing: a mediation request (C) every 4th turn; otherwise D only after two
 * consecutive defections (a major provocation), else C. */
static int consult_beijing(game_player *self, const game_view *v) {
  (void)self;
  if (v->t % 4 == 0) return C;
  return their_last_all_d(v, 2) ? D : C;
}

/* ---- The table ----------------------------------------------------------------------------- */

#define AX "axelrod/strategies/"
#define DET 0
#define STOCH 1

const game_strategy_entry brink__game_strategies[] = {
    /* Axelrod's first tournament, in the order of Axelrod's reproduction. */
    {{"Tit For Tat", "cooperates first, then copies the opponent's last move", AX "titfortat.py",
      DET, 0},
     tit_for_tat,
     0},
    {{"First by Tideman and Chieruzzi",
      "TFT with growing punishment, fresh starts, D on the last two turns", AX "axelrod_first.py",
      DET, 1},
     first_tideman_chieruzzi,
     1},
    {{"First by Nydegger", "TFT for 3 turns, then a lookup on the last three outcomes",
      AX "axelrod_first.py", DET, 0},
     first_nydegger,
     0},
    {{"First by Grofman", "C when both did the same last turn, else C with probability 2/7",
      AX "axelrod_first.py", STOCH, 0},
     first_grofman,
     0},
    {{"First by Shubik", "retaliates k turns for the k-th defection after its cooperation",
      AX "axelrod_first.py", DET, 0},
     first_shubik,
     0},
    {{"First by Stein and Rapoport",
      "C x4, TFT, D while a chi-squared test says random, D on the last two turns",
      AX "axelrod_first.py", DET, 1},
     first_stein_rapoport,
     1},
    {{"Grudger", "cooperates until the opponent defects once, then defects for good",
      AX "grudger.py", DET, 0},
     grudger,
     0},
    {{"First by Davis", "cooperates for 10 turns, then Grudger", AX "axelrod_first.py", DET, 0},
     first_davis,
     0},
    {{"First by Graaskamp",
      "TFT, D on turn 51, tests for randomness, then random defections every 5-14 turns",
      AX "axelrod_first.py", STOCH, 0},
     first_graaskamp,
     0},
    {{"First by Downing", "maximises expected payoff from estimated P(C|C) and P(C|D)",
      AX "axelrod_first.py", DET, 0},
     first_downing,
     0},
    {{"First by Feld", "TFT whose cooperation decays to probability 0.5 by turn 200",
      AX "axelrod_first.py", STOCH, 0},
     first_feld,
     0},
    {{"First by Joss", "TFT that cooperates only 90% of the time after a C", AX "axelrod_first.py",
      STOCH, 0},
     joss,
     0},
    {{"First by Tullock", "C x11, then cooperates 10% less than the opponent's last 10 moves",
      AX "axelrod_first.py", STOCH, 0},
     first_tullock,
     0},
    {{"First by Anonymous", "cooperates with a probability drawn in [0.3, 0.7) each turn",
      AX "axelrod_first.py", STOCH, 0},
     first_anonymous,
     0},
    {{"Random", "cooperates with probability 0.5", AX "rand.py", STOCH, 0}, random_player, 0},
    /* Classic strategies. */
    {{"Cooperator", "always cooperates", AX "cooperator.py", DET, 0}, cooperator, 0},
    {{"Defector", "always defects", AX "defector.py", DET, 0}, defector, 0},
    {{"Alternator", "C, D, C, D, ... (flips its own last move)", AX "alternator.py", DET, 0},
     alternator,
     0},
    {{"Tit For 2 Tats", "defects only after two consecutive defections", AX "titfortat.py", DET, 0},
     tit_for_2_tats,
     0},
    {{"Two Tits For Tat", "defects if the opponent defected in either of the last two turns",
      AX "titfortat.py", DET, 0},
     two_tits_for_tat,
     0},
    {{"Suspicious Tit For Tat", "TFT that opens with D", AX "titfortat.py", DET, 0},
     suspicious_tft,
     0},
    {{"GTFT", "generous TFT: forgives a defection with p = min(1-(T-R)/(R-S), (R-P)/(T-P))",
      AX "memoryone.py", STOCH, 0},
     gtft,
     0},
    {{"Win-Stay Lose-Shift", "Pavlov: repeats after R or T, switches after S or P",
      AX "memoryone.py", DET, 0},
     wsls,
     0},
    {{"Cycler CCD", "plays C, C, D repeatedly", AX "cycler.py", DET, 0}, cycler_ccd, 0},
    {{"Bully", "reverse TFT: opens D, then the opposite of the opponent's last move",
      AX "titfortat.py", DET, 0},
     bully,
     0},
    {{"Handshake", "opens C, D; cooperates forever if the opponent did the same, else defects",
      AX "handshake.py", DET, 0},
     handshake,
     0},
    {{"Hard Tit For Tat", "defects if the opponent defected in any of the last three turns",
      AX "titfortat.py", DET, 0},
     hard_tft,
     0},
    {{"Forgiver", "defects while the opponent's defections exceed 10% of its moves",
      AX "forgiver.py", DET, 0},
     forgiver,
     0},
    {{"Prober", "opens D, C, C; exploits an opponent that answered C, C, else TFT", AX "prober.py",
      DET, 0},
     prober,
     0},
    {{"Adaptive", "opens C x6, D x5, then the action with the higher total payoff so far",
      AX "adaptive.py", DET, 0},
     adaptive,
     0},
    {{"Grumpy", "turns grumpy (D) when defections - cooperations > 10, nice again below -10",
      AX "grumpy.py", DET, 0},
     grumpy,
     0},
    /* More from Axelrod-Python. */
    {{"Hard Tit For 2 Tats", "defects after two consecutive D within the last three turns",
      AX "titfortat.py", DET, 0},
     hard_tit_for_2_tats,
     0},
    {{"Anti Tit For Tat", "opens C, then the opposite of the opponent's last move",
      AX "titfortat.py", DET, 0},
     anti_tft,
     0},
    {{"Sneaky Tit For Tat", "tries a defection and repents if punished", AX "titfortat.py", DET, 0},
     sneaky_tft,
     0},
    {{"Adaptive Tit For Tat", "TFT on a running image of the opponent (rate 0.5)",
      AX "titfortat.py", DET, 0},
     adaptive_tft,
     0},
    {{"Spiteful Tit For Tat", "TFT until the opponent defects twice in a row, then D forever",
      AX "titfortat.py", DET, 0},
     spiteful_tft,
     0},
    {{"Omega TFT", "TFT that breaks C/D deadlocks and defects against randomness",
      AX "titfortat.py", DET, 0},
     omega_tft,
     0},
    {{"Forgiving Tit For Tat", "TFT only while the opponent's defections exceed 10%",
      AX "forgiver.py", DET, 0},
     forgiving_tft,
     0},
    {{"Forgetful Grudger", "defects for 10 turns after a defection, then forgets", AX "grudger.py",
      DET, 0},
     forgetful_grudger,
     0},
    {{"Opposite Grudger", "defects until the opponent cooperates once, then cooperates",
      AX "grudger.py", DET, 0},
     opposite_grudger,
     0},
    {{"Aggravater", "Grudger that defects on the first three turns", AX "grudger.py", DET, 0},
     aggravater,
     0},
    {{"Soft Grudger", "punishes a defection with D, D, D, D, C, C", AX "grudger.py", DET, 0},
     soft_grudger,
     0},
    {{"GrudgerAlternator", "cooperates until a defection, then alternates D, C", AX "grudger.py",
      DET, 0},
     grudger_alternator,
     0},
    {{"EasyGo", "defects until the opponent defects, then cooperates", AX "grudger.py", DET, 0},
     easy_go,
     0},
    {{"SpitefulCC", "C, C, then Grudger", AX "grudger.py", DET, 0}, spiteful_cc, 0},
    {{"Prober 2", "opens D, C, C; cooperates forever if answered D, C, else TFT", AX "prober.py",
      DET, 0},
     prober2,
     0},
    {{"Prober 3", "opens D, C; defects forever if answered C on turn 2, else TFT", AX "prober.py",
      DET, 0},
     prober3,
     0},
    {{"Prober 4", "a 20-move probe that sorts just from unjust defections, then D or TFT",
      AX "prober.py", DET, 0},
     prober4,
     0},
    {{"Hard Prober", "opens D, D, C, C; exploits an opponent that answered C, C, else TFT",
      AX "prober.py", DET, 0},
     hard_prober,
     0},
    {{"Naive Prober", "TFT that defects at random with probability 0.1 after a C", AX "prober.py",
      STOCH, 0},
     naive_prober,
     0},
    {{"Remorseful Prober", "Naive Prober that takes one free hit after its own probe",
      AX "prober.py", STOCH, 0},
     remorseful_prober,
     0},
    {{"CollectiveStrategy", "opens C, D; cooperates with an opponent that did the same",
      AX "prober.py", DET, 0},
     collective_strategy,
     0},
    {{"Win-Shift Lose-Stay", "reverse Pavlov: opens D, switches after R or T", AX "memoryone.py",
      DET, 0},
     wslsr,
     0},
    {{"Firm But Fair", "cooperates except after the sucker's payoff; after P, C with p 2/3",
      AX "memoryone.py", STOCH, 0},
     firm_but_fair,
     0},
    {{"Stochastic WSLS", "Win-Stay Lose-Shift that errs with probability 0.05", AX "memoryone.py",
      STOCH, 0},
     stochastic_wsls,
     0},
    {{"Soft Joss", "TFT that defects only 90% of the time after a D", AX "memoryone.py", STOCH, 0},
     soft_joss,
     0},
    {{"Cycler DC", "plays D, C repeatedly", AX "cycler.py", DET, 0}, cycler_dc, 0},
    {{"Cycler DDC", "plays D, D, C repeatedly", AX "cycler.py", DET, 0}, cycler_ddc, 0},
    {{"Cycler CCCD", "plays C, C, C, D repeatedly", AX "cycler.py", DET, 0}, cycler_cccd, 0},
    {{"Cycler CCCCCD", "plays C x5, D repeatedly", AX "cycler.py", DET, 0}, cycler_cccccd, 0},
    {{"Cycler CCCDCD", "plays C, C, C, D, C, D repeatedly", AX "cycler.py", DET, 0},
     cycler_cccdcd,
     0},
    /* brink: GRIT and the crisis model's policies in two-action form. */
    {{"GRIT", "Osgood's GRIT: steps (C), holds 2 turns if unanswered, matches escalation",
      "brink (reference/Osgood 1962)", DET, 0},
     grit,
     0},
    {{"Reciprocal Restraint", "GRIT with steps 8 turns apart and 2 quiet turns after matching",
      "brink (policy reciprocal_restraint)", DET, 0},
     reciprocal_restraint,
     0},
    {{"Maximum Pressure", "defects unless the opponent cooperated on each of its last 10 moves",
      "brink (policy maximum_pressure)", DET, 0},
     maximum_pressure,
     0},
    {{"Proactive Diplomacy", "always cooperates (offers and restraint, no military answer)",
      "brink (policy proactive_diplomacy)", DET, 0},
     proactive_diplomacy,
     0},
    {{"Pressure Plus Diplomacy", "D twice after a defection, an offer (C) every 8th turn",
      "brink (policy pressure_plus_diplomacy)", DET, 0},
     pressure_plus_diplomacy,
     0},
    {{"Consult Beijing", "D only after two defections in a row, a mediation request every 4th",
      "brink (policy consult_beijing)", DET, 0},
     consult_beijing,
     0},
};

const size_t brink__game_strategy_count =
    sizeof brink__game_strategies / sizeof brink__game_strategies[0];
