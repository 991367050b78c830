/* SPDX-License-Identifier: MIT */
/* The iterated prisoner's dilemma: a table of strategies that behave exactly like those of
 * Axelrod-Python 4.x (plus GRIT and the crisis model's policies in two-action form), matches,
 * round-robin tournaments with Axelrod's statistics, and the Moran process (docs/game.md). */
#ifndef BRINK_GAME_H
#define BRINK_GAME_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An action is one byte: 0 cooperate, 1 defect. */
enum { BRINK_GAME_C = 0, BRINK_GAME_D = 1 };

/* Payoffs of one turn, in points: reward (both cooperate), sucker (I cooperate, you defect),
 * temptation (I defect, you cooperate), punishment (both defect). Axelrod's default is
 * R, S, T, P = 3, 0, 5, 1; a game must have T > R > P > S. */
typedef struct brink_game_payoffs {
  double reward, sucker, temptation, punishment;
} brink_game_payoffs;

#define BRINK_GAME_PAYOFFS_DEFAULT                                                                 \
  { 3.0, 0.0, 5.0, 1.0 }

/* ---- Strategies ---------------------------------------------------------------------------- */

typedef struct brink_game_strategy {
  const char *name;        /* Axelrod-Python's name, e.g. "First by Stein and Rapoport" */
  const char *description; /* one line */
  const char *source;      /* where the rule comes from, e.g. "axelrod/strategies/grudger.py" */
  int stochastic;          /* 1: draws random numbers (reproducible from the seed) */
  int uses_length;         /* 1: behaves differently when the match length is known */
} brink_game_strategy;

/* Number of strategies in the table; indices 0 .. count-1 are stable within a version. */
BRINK_API size_t brink_game_strategy_count(void);
/* The strategy at index i (static storage), or NULL when i is out of range. */
BRINK_API const brink_game_strategy *brink_game_strategy_at(size_t i);
/* Index of the strategy called name: the exact name, the name in any letter case, or an alias
 * (the crisis policies' snake_case names, Axelrod 3.x names such as "Stein and Rapoport",
 * "Generous Tit For Tat", "WSLS"). BRINK_ENOTFOUND with "unknown strategy 'X' (did you mean
 * 'Y'?)" in ctx otherwise. */
BRINK_API brink_status brink_game_strategy_find(brink_ctx *ctx, const char *name, size_t *out);
/* Name of the known strategy closest to name (edit distance, any case), or NULL when nothing is
 * close. Static storage. */
BRINK_API const char *brink_game_strategy_suggest(const char *name);

/* Parses a list of strategy names separated by commas or newlines; '#' starts a comment that
 * runs to the end of the line; spaces around names are ignored; empty entries are skipped.
 * origin names the text in messages ("players.txt" gives "players.txt:3:1: unknown strategy
 * ..."; NULL gives "3:1: ..."). On success *out is a new array of *n_out strategy indices that
 * the caller frees with brink_free(ctx, *out). BRINK_EPARSE for an empty list, an unknown name
 * or a name longer than 127 bytes; BRINK_ELIMIT past 4096 names. */
BRINK_API brink_status brink_game_players_parse(brink_ctx *ctx, const char *text, size_t len,
                                                const char *origin, size_t **out, size_t *n_out);

/* ---- Matches ------------------------------------------------------------------------------- */

/* How a match is played. */
typedef struct brink_game_rules {
  uint32_t turns;  /* turns of a match, >= 1; with prob_end > 0 the most a match can last */
  double noise;    /* in [0, 1]: each chosen action is flipped with this probability after the
                      strategy decides; strategies see the flipped history (Axelrod) */
  double prob_end; /* in [0, 1]: probability that the match ends after each turn; 0 gives
                      matches of exactly `turns`. When > 0 the length is unknown to the
                      strategies (the 'First by' rules that defect on the last two turns
                      cannot) and is min(turns, geometric draw) */
  brink_game_payoffs payoffs;
} brink_game_rules;

/* Default rules: 200 turns, no noise, fixed length, payoffs 3, 0, 5, 1. */
BRINK_API brink_game_rules brink_game_rules_default(void);
/* BRINK_EINVAL with a message when a field is out of its range. */
BRINK_API brink_status brink_game_rules_check(brink_ctx *ctx, const brink_game_rules *rules);

/* Plays strategy a (row player) against strategy b. Random numbers come from the streams
 * (seed, match_index, 0..3) of brink_rng: 0 noise, 1 player a, 2 player b, 3 match length, so
 * a match is reproducible from (seed, match_index) alone. actions_a and actions_b (borrowed)
 * must hold rules->turns bytes each; they receive the actions played (after noise), and
 * *out_turns the number of turns played. Allocates nothing; thread-safe (ctx is touched only
 * on error). BRINK_EINVAL for bad rules or an unknown strategy index. */
BRINK_API brink_status brink_game_match_play(brink_ctx *ctx, size_t a, size_t b,
                                             const brink_game_rules *rules, uint64_t seed,
                                             uint64_t match_index, uint8_t *actions_a,
                                             uint8_t *actions_b, uint32_t *out_turns);

/* Points of one turn for the player who played mine against theirs. */
BRINK_API double brink_game_payoff(const brink_game_payoffs *payoffs, int mine, int theirs);

/* ---- Tournaments --------------------------------------------------------------------------- */

typedef struct brink_game_tournament_spec {
  const size_t *players; /* strategy indices (borrowed, copied by _new); a strategy may repeat */
  size_t n_players;      /* >= 2 */
  brink_game_rules rules;
  uint32_t repetitions; /* >= 1 */
  uint64_t seed;
  int threads; /* OpenMP threads for _run (at most 1024); 0: OpenMP's default. Results do not depend
                  on it */
  /* May be NULL. Read by _run before each match: non-zero stops it (BRINK_ECANCELED, results
   * not filled). Ctrl-C in the Python package. */
  const volatile int *cancel;
} brink_game_tournament_spec;

/* A round robin in which every player meets every other and itself (as Axelrod does),
 * `repetitions` times. Match k = rep * n_pairs + pair draws from brink_rng (seed, k, ...), pairs
 * being (0,0), (0,1), ..., (0,n-1), (1,1), ... Statistics follow Axelrod's ResultSet: self-play
 * counts in the payoff matrix only. All arrays are owned by the tournament; read them after
 * brink_game_tournament_run. */
typedef struct brink_game_tournament {
  size_t n_players;
  size_t *players; /* strategy index of each player, as given */
  uint32_t repetitions;
  brink_game_rules rules;
  uint64_t seed;
  int threads;
  /* Results, indexed by player i in the given order: */
  double *payoff_matrix;     /* [i * n + j]: mean over repetitions of i's points per turn against
                                j; the diagonal is the mean of both sides of the self-match */
  double *normalised_scores; /* [i * repetitions + r]: mean over opponents j != i of i's points
                                per turn in repetition r (Axelrod's normalised score) */
  uint32_t *wins;            /* [i * repetitions + r]: matches against j != i in which i scored
                                strictly more than j */
  double *median_score;      /* [i]: median over repetitions of the normalised score */
  double *mean_score;        /* [i]: mean over repetitions of the normalised score */
  double *median_wins;       /* [i]: median over repetitions of wins (Axelrod's "Wins") */
  double *cooperation_rate;  /* [i]: cooperations / turns over all matches against j != i */
  size_t *ranking;           /* ranking[k]: player of rank k (0 best): by median score,
                                descending, ties in the given order (a stable sort) */
  uint64_t turns_played;     /* every turn of every match, self-play included */
  uint64_t n_matches;
  /* Private: the context that owns the memory, per-match results and work buffers. */
  brink_ctx *ctx_;
  const volatile int *cancel_;
  struct brink__game_match_result *match_results;
  uint8_t *history;
  double *scratch;
} brink_game_tournament;

/* Validates the spec and allocates everything _run needs. New object, caller frees with
 * brink_game_tournament_free. BRINK_EINVAL for a bad spec, BRINK_ELIMIT past 2^26 matches,
 * BRINK_ENOMEM. */
BRINK_API brink_status brink_game_tournament_new(brink_ctx *ctx,
                                                 const brink_game_tournament_spec *spec,
                                                 brink_game_tournament **out);
/* Plays every match (OpenMP over matches, per-match results merged in a fixed order) and fills
 * the results. Allocates nothing; may be called again (same results). Not thread-safe on one
 * tournament. BRINK_OK, or BRINK_ECANCELED when the spec's cancel flag was set (the results
 * are then not filled). */
BRINK_API brink_status brink_game_tournament_run(brink_game_tournament *t);
BRINK_API void brink_game_tournament_free(brink_game_tournament *t);

/* ---- Moran process ------------------------------------------------------------------------- */

typedef struct brink_game_moran_spec {
  const size_t *players; /* initial population, one strategy index per individual (borrowed) */
  size_t n_players;      /* >= 2 */
  brink_game_rules rules;
  uint32_t repetitions; /* independent processes, >= 1 */
  uint64_t max_steps;   /* a process still mixed after this many birth-death steps is counted
                           as unfinished; >= 1 */
  uint64_t seed;
  int threads; /* OpenMP threads over processes (at most 1024); 0: OpenMP's default */
} brink_game_moran_spec;

/* Axelrod's MoranProcess, mode "bd" on the complete graph, no mutation: each step every pair
 * of individuals plays one match (no self-play); an individual's fitness is the sum of its
 * points per turn; one individual is chosen to reproduce with probability proportional to
 * fitness, and its copy replaces one chosen uniformly among all (itself included). Process r
 * draws selections from brink_rng (seed, r, 0) and its k-th match from streams 1 + 3k .. 3 + 3k
 * (noise, player a, player b; the length draw shares the noise stream). Matches between
 * deterministic strategies without noise or random length are played once per process and
 * reused (Axelrod's deterministic cache). */
typedef struct brink_game_moran {
  size_t n_players;
  size_t *players;
  size_t n_types; /* distinct strategies in the initial population */
  size_t *types;  /* their strategy indices, in order of first appearance */
  uint32_t repetitions;
  uint64_t max_steps;
  brink_game_rules rules;
  uint64_t seed;
  int threads;
  /* Results: */
  uint64_t *fixations; /* [type]: processes that fixated on that type */
  uint64_t unfinished; /* processes still mixed after max_steps */
  size_t *winner;      /* [r]: type index process r fixated on, or n_types when unfinished */
  uint64_t *steps;     /* [r]: birth-death steps of process r */
  /* Private: the context that owns the memory and work buffers. */
  brink_ctx *ctx_;
  uint32_t *work;
  double *cache;
  uint8_t *history;
} brink_game_moran;

/* Validates and allocates. New object, caller frees with brink_game_moran_free. BRINK_EINVAL
 * (also for a negative sucker's payoff: fitness must not be negative),
 * BRINK_ERANGE (more than 2^32 / 3 matches could be needed per process), BRINK_ENOMEM. */
BRINK_API brink_status brink_game_moran_new(brink_ctx *ctx, const brink_game_moran_spec *spec,
                                            brink_game_moran **out);
/* Runs every process. Allocates nothing; same results for any thread count. */
BRINK_API void brink_game_moran_run(brink_game_moran *m);
BRINK_API void brink_game_moran_free(brink_game_moran *m);

#ifdef __cplusplus
}
#endif
#endif
