/* SPDX-License-Identifier: MIT */
/* Inside the game module: the state a player carries through a match, what it sees of the
 * match, the strategy table entry and the match core shared by matches, tournaments and the
 * Moran process. */
#ifndef BRINK_GAME_INTERNAL_H
#define BRINK_GAME_INTERNAL_H

#include "brink/game.h"
#include "brink/rng.h"

/* What a player sees when it decides turn t (0-based): both histories of the t turns played so
 * far (after noise), the counts of each, the match length when known (0: unknown) and the
 * payoffs. Names follow Axelrod's: mine = self.history, theirs = opponent.history. */
typedef struct game_view {
  const uint8_t *mine, *theirs;
  uint32_t t;
  uint32_t my_c, my_d, their_c, their_d;
  uint32_t length;
  const brink_game_payoffs *pay;
} game_view;

/* A player's private state, reset to zero at the start of every match. One member of the
 * union per family of strategies (its comment names who uses it). */
typedef struct game_player {
  uint32_t strategy;
  brink_rng rng;
  union {
    struct { /* Shubik, Tideman and Chieruzzi */
      int retaliating;
      int32_t length, remaining;
      double my_score, their_score;
      uint32_t last_fresh_start;
      int fresh_start;
      uint32_t remembered_d;
    } retaliate;
    struct { /* Stein and Rapoport, Graaskamp */
      int is_random;
      uint32_t next_defection; /* 0: not drawn yet */
    } chi;
    struct { /* Downing */
      uint32_t c_after_c, c_after_d;
    } downing;
    struct { /* Adaptive */
      double score_c, score_d;
    } adaptive;
    struct { /* grudgers, Grumpy, Spiteful TFT, Remorseful Prober, Prober 4 */
      int flag;
      int32_t memory;
      int32_t just_d, unjust_d;
    } grudge;
    struct { /* Omega TFT */
      int32_t randomness, deadlock;
    } omega;
    struct { /* Adaptive Tit For Tat */
      double world;
    } atft;
    struct { /* GRIT and the crisis policies */
      int32_t quiet;
    } grit;
  } s;
} game_player;

typedef int (*game_decide_fn)(game_player *self, const game_view *v);

typedef struct game_strategy_entry {
  brink_game_strategy info;
  game_decide_fn decide;
  int final_dd; /* Axelrod's FinalTransformer((D, D)): defect on the last two known turns */
} game_strategy_entry;

extern const game_strategy_entry brink__game_strategies[];
extern const size_t brink__game_strategy_count;

/* Totals of one match. */
typedef struct brink__game_match_result {
  double score_a, score_b; /* points over the match */
  uint32_t turns, coop_a, coop_b;
} brink__game_match_result;

/* Plays strategies a and b (valid indices) under rules (checked). rng_noise also draws the
 * match length. ha, hb hold rules->turns bytes each. Allocates nothing. */
void brink__game_play(const brink_game_rules *rules, uint32_t a, uint32_t b, brink_rng *rng_noise,
                      brink_rng *rng_a, brink_rng *rng_b, uint8_t *ha, uint8_t *hb,
                      brink__game_match_result *res);

#endif
