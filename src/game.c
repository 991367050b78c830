/* SPDX-License-Identifier: MIT */
/* The game module's engine: strategy lookup, the players list parser, the match loop, round-robin
 * tournaments with Axelrod's statistics (axelrod/result_set.py) and the Moran process
 * (axelrod/moran.py). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "game_internal.h"
#include "internal.h"

/* ---- Strategies ---------------------------------------------------------------------------- */

size_t brink_game_strategy_count(void) { return brink__game_strategy_count; }

const brink_game_strategy *brink_game_strategy_at(size_t i) {
  return i < brink__game_strategy_count ? &brink__game_strategies[i].info : NULL;
}

/* Other names users reach for: the crisis policies' keys and Axelrod 3.x names. */
static const struct {
  const char *alias, *name;
} aliases[] = {
    {"tit_for_tat", "Tit For Tat"},
    {"TFT", "Tit For Tat"},
    {"grit", "GRIT"},
    {"reciprocal_restraint", "Reciprocal Restraint"},
    {"maximum_pressure", "Maximum Pressure"},
    {"proactive_diplomacy", "Proactive Diplomacy"},
    {"pressure_plus_diplomacy", "Pressure Plus Diplomacy"},
    {"consult_beijing", "Consult Beijing"},
    {"Generous Tit For Tat", "GTFT"},
    {"WSLS", "Win-Stay Lose-Shift"},
    {"Pavlov", "Win-Stay Lose-Shift"},
    {"Grim Trigger", "Grudger"},
    {"Joss", "First by Joss"},
    {"Davis", "First by Davis"},
    {"Downing", "First by Downing"},
    {"Feld", "First by Feld"},
    {"Graaskamp", "First by Graaskamp"},
    {"Grofman", "First by Grofman"},
    {"Nydegger", "First by Nydegger"},
    {"Shubik", "First by Shubik"},
    {"Tullock", "First by Tullock"},
    {"Stein and Rapoport", "First by Stein and Rapoport"},
    {"Tideman and Chieruzzi", "First by Tideman and Chieruzzi"},
    {"Unnamed Strategy", "First by Anonymous"},
};

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

static int same_ignoring_case(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (lower((unsigned char)*a) != lower((unsigned char)*b)) return 0;
  return *a == *b;
}

static size_t exact_index(const char *name) {
  for (size_t i = 0; i < brink__game_strategy_count; i++)
    if (strcmp(brink__game_strategies[i].info.name, name) == 0) return i;
  return SIZE_MAX;
}

static size_t lookup(const char *name) {
  size_t i = exact_index(name);
  if (i != SIZE_MAX) return i;
  for (i = 0; i < brink__game_strategy_count; i++)
    if (same_ignoring_case(brink__game_strategies[i].info.name, name)) return i;
  for (size_t k = 0; k < BRINK_ARRAY_LEN(aliases); k++)
    if (same_ignoring_case(aliases[k].alias, name)) return exact_index(aliases[k].name);
  return SIZE_MAX;
}

const char *brink_game_strategy_suggest(const char *name) {
  const char *best = NULL;
  size_t best_d = SIZE_MAX;
  for (size_t i = 0; i < brink__game_strategy_count; i++) {
    size_t d = brink_edit_distance(name, brink__game_strategies[i].info.name, 1);
    if (d < best_d) best_d = d, best = brink__game_strategies[i].info.name;
  }
  for (size_t k = 0; k < BRINK_ARRAY_LEN(aliases); k++) {
    size_t d = brink_edit_distance(name, aliases[k].alias, 1);
    if (d < best_d) best_d = d, best = aliases[k].name;
  }
  size_t len = strlen(name);
  size_t limit = len / 3 > 3 ? len / 3 : 3;
  return best_d <= limit ? best : NULL;
}

brink_status brink_game_strategy_find(brink_ctx *ctx, const char *name, size_t *out) {
  size_t i = lookup(name);
  if (i != SIZE_MAX) {
    *out = i;
    return BRINK_OK;
  }
  const char *hint = brink_game_strategy_suggest(name);
  if (hint)
    return brink__fail(ctx, BRINK_ENOTFOUND, "unknown strategy '%s' (did you mean '%s'?)", name,
                       hint);
  return brink__fail(ctx, BRINK_ENOTFOUND,
                     "unknown strategy '%s' (see 'brink game strategies' for the list)", name);
}

#define MAX_PLAYERS 4096
#define MAX_NAME 127

brink_status brink_game_players_parse(brink_ctx *ctx, const char *text, size_t len,
                                      const char *origin, size_t **out, size_t *n_out) {
  brink_status st = BRINK_OK;
  size_t *list = NULL, n = 0, cap = 0;
  const char *where = origin ? origin : "";
  const char *sep = origin ? ":" : "";
  *out = NULL;
  *n_out = 0;
  size_t pos = 0, line = 1, line_start = 0;
  while (pos <= len) {
    /* One entry: up to a comma, a newline, a comment or the end. */
    size_t start = pos;
    while (pos < len && text[pos] != ',' && text[pos] != '\n' && text[pos] != '#') pos++;
    size_t a = start, b = pos;
    while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r')) a++;
    while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r')) b--;
    if (b > a) {
      size_t col = a - line_start + 1;
      char name[MAX_NAME + 1];
      if (b - a > MAX_NAME) {
        st = brink__fail(ctx, BRINK_EPARSE, "%s%s%zu:%zu: strategy name longer than %d bytes",
                         where, sep, line, col, MAX_NAME);
        goto done;
      }
      memcpy(name, text + a, b - a);
      name[b - a] = '\0';
      if (memchr(name, '\0', b - a)) {
        st = brink__fail(ctx, BRINK_EPARSE, "%s%s%zu:%zu: NUL byte in a strategy name", where, sep,
                         line, col);
        goto done;
      }
      size_t index = lookup(name);
      if (index == SIZE_MAX) {
        const char *hint = brink_game_strategy_suggest(name);
        st = brink__fail(ctx, BRINK_EPARSE, "%s%s%zu:%zu: unknown strategy '%s'%s%s%s", where, sep,
                         line, col, name, hint ? " (did you mean '" : "", hint ? hint : "",
                         hint ? "'?)" : "");
        goto done;
      }
      if (n == MAX_PLAYERS) {
        st = brink__fail(ctx, BRINK_ELIMIT, "%s%s%zu:%zu: more than %d players", where, sep, line,
                         col, MAX_PLAYERS);
        goto done;
      }
      if (n == cap) {
        size_t new_cap = cap ? 2 * cap : 16;
        size_t *grown = brink_realloc(ctx, list, new_cap * sizeof *list);
        if (!grown) {
          st = BRINK_ENOMEM;
          goto done;
        }
        list = grown;
        cap = new_cap;
      }
      list[n++] = index;
    }
    if (pos < len && text[pos] == '#')
      while (pos < len && text[pos] != '\n') pos++;
    if (pos < len && text[pos] == '\n') {
      line++;
      line_start = pos + 1;
    }
    pos++;
  }
  if (n == 0) {
    st = brink__fail(ctx, BRINK_EPARSE, "%s%sno strategy names in the players list", where,
                     origin ? ": " : "");
    goto done;
  }
  *out = list;
  *n_out = n;
  list = NULL;
done:
  brink_free(ctx, list);
  return st;
}

/* ---- Matches ------------------------------------------------------------------------------- */

brink_game_rules brink_game_rules_default(void) {
  brink_game_rules r = {200, 0.0, 0.0, BRINK_GAME_PAYOFFS_DEFAULT};
  return r;
}

#define MAX_TURNS 100000000u

brink_status brink_game_rules_check(brink_ctx *ctx, const brink_game_rules *r) {
  if (r->turns < 1 || r->turns > MAX_TURNS)
    return brink__fail(ctx, BRINK_EINVAL, "turns must be between 1 and %u, got %u", MAX_TURNS,
                       r->turns);
  if (!(r->noise >= 0.0 && r->noise <= 1.0))
    return brink__fail(ctx, BRINK_EINVAL, "noise must be a probability in [0, 1], got %g",
                       r->noise);
  if (!(r->prob_end >= 0.0 && r->prob_end <= 1.0))
    return brink__fail(ctx, BRINK_EINVAL, "prob_end must be a probability in [0, 1], got %g",
                       r->prob_end);
  const brink_game_payoffs *g = &r->payoffs;
  if (!isfinite(g->reward) || !isfinite(g->sucker) || !isfinite(g->temptation) ||
      !isfinite(g->punishment) ||
      !(g->temptation > g->reward && g->reward > g->punishment && g->punishment > g->sucker))
    return brink__fail(ctx, BRINK_EINVAL,
                       "payoffs must satisfy T > R > P > S, got R=%g S=%g T=%g P=%g", g->reward,
                       g->sucker, g->temptation, g->punishment);
  return BRINK_OK;
}

double brink_game_payoff(const brink_game_payoffs *g, int mine, int theirs) {
  if (mine == BRINK_GAME_C) return theirs == BRINK_GAME_C ? g->reward : g->sucker;
  return theirs == BRINK_GAME_C ? g->temptation : g->punishment;
}

/* Axelrod's match.sample_length: the turn after which a geometric end happens, by inversion. */
static uint32_t sample_length(const brink_game_rules *r, brink_rng *rng) {
  if (r->prob_end <= 0.0) return r->turns;
  if (r->prob_end >= 1.0) return 1;
  double u = brink_rng_uniform(rng);
  double n = ceil(log1p(-u) / log1p(-r->prob_end));
  return n < (double)r->turns ? (n < 1.0 ? 1u : (uint32_t)n) : r->turns;
}

void brink__game_play(const brink_game_rules *rules, uint32_t a, uint32_t b, brink_rng *rng_noise,
                      brink_rng *rng_a, brink_rng *rng_b, uint8_t *ha, uint8_t *hb,
                      brink__game_match_result *res) {
  const game_strategy_entry *sa = &brink__game_strategies[a], *sb = &brink__game_strategies[b];
  uint32_t turns = sample_length(rules, rng_noise);
  uint32_t known = rules->prob_end > 0.0 ? 0 : turns;
  game_player pa, pb;
  memset(&pa, 0, sizeof pa);
  memset(&pb, 0, sizeof pb);
  pa.strategy = a;
  pb.strategy = b;
  pa.rng = *rng_a;
  pb.rng = *rng_b;
  game_view va = {ha, hb, 0, 0, 0, 0, 0, known, &rules->payoffs};
  game_view vb = {hb, ha, 0, 0, 0, 0, 0, known, &rules->payoffs};
  double pay[2][2];
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++) pay[i][j] = brink_game_payoff(&rules->payoffs, i, j);
  double score_a = 0.0, score_b = 0.0;
  for (uint32_t t = 0; t < turns; t++) {
    va.t = vb.t = t;
    int ma = sa->decide(&pa, &va);
    int mb = sb->decide(&pb, &vb);
    /* FinalTransformer((D, D)): the last two known turns are D whatever was decided. */
    if (known && t + 2 >= known) {
      if (sa->final_dd) ma = BRINK_GAME_D;
      if (sb->final_dd) mb = BRINK_GAME_D;
    }
    if (rules->noise > 0.0) {
      if (brink_rng_uniform(rng_noise) < rules->noise) ma ^= 1;
      if (brink_rng_uniform(rng_noise) < rules->noise) mb ^= 1;
    }
    ha[t] = (uint8_t)ma;
    hb[t] = (uint8_t)mb;
    score_a += pay[ma][mb];
    score_b += pay[mb][ma];
    if (ma)
      va.my_d++, vb.their_d++;
    else
      va.my_c++, vb.their_c++;
    if (mb)
      vb.my_d++, va.their_d++;
    else
      vb.my_c++, va.their_c++;
  }
  res->score_a = score_a;
  res->score_b = score_b;
  res->turns = turns;
  res->coop_a = va.my_c;
  res->coop_b = vb.my_c;
}

static brink_status check_index(brink_ctx *ctx, size_t i) {
  if (i >= brink__game_strategy_count)
    return brink__fail(ctx, BRINK_EINVAL, "strategy index %zu out of range (there are %zu)", i,
                       brink__game_strategy_count);
  return BRINK_OK;
}

brink_status brink_game_match_play(brink_ctx *ctx, size_t a, size_t b,
                                   const brink_game_rules *rules, uint64_t seed,
                                   uint64_t match_index, uint8_t *actions_a, uint8_t *actions_b,
                                   uint32_t *out_turns) {
  brink_status st;
  if ((st = brink_game_rules_check(ctx, rules)) || (st = check_index(ctx, a)) ||
      (st = check_index(ctx, b)))
    return st;
  brink_rng noise, ra, rb;
  brink_rng_init(&noise, seed, match_index, 0);
  brink_rng_init(&ra, seed, match_index, 1);
  brink_rng_init(&rb, seed, match_index, 2);
  brink__game_match_result res;
  brink__game_play(rules, (uint32_t)a, (uint32_t)b, &noise, &ra, &rb, actions_a, actions_b, &res);
  *out_turns = res.turns;
  return BRINK_OK;
}

/* ---- Tournaments --------------------------------------------------------------------------- */

#define MAX_MATCHES ((uint64_t)1 << 26)

/* 0 asks for OpenMP's default; an explicit count is honoured (up to 1024) even above the
 * number of cores, so "2 threads" in a test means two threads. */
static int resolve_threads(int threads) {
  if (threads <= 0) {
    int max = omp_get_max_threads();
    return max > 0 ? max : 1;
  }
  return threads > 1024 ? 1024 : threads;
}

/* numpy.median: the mean of the two middle values for an even count. Sorts v in place. */
static int compare_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}
static double median(double *v, size_t n) {
  qsort(v, n, sizeof *v, compare_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void brink_game_tournament_free(brink_game_tournament *t) {
  if (!t) return;
  brink_ctx *ctx = t->ctx_;
  brink_free(ctx, t->players);
  brink_free(ctx, t->payoff_matrix);
  brink_free(ctx, t->normalised_scores);
  brink_free(ctx, t->wins);
  brink_free(ctx, t->median_score);
  brink_free(ctx, t->mean_score);
  brink_free(ctx, t->median_wins);
  brink_free(ctx, t->cooperation_rate);
  brink_free(ctx, t->ranking);
  brink_free(ctx, t->match_results);
  brink_free(ctx, t->history);
  brink_free(ctx, t->scratch);
  brink_free(ctx, t);
}

brink_status brink_game_tournament_new(brink_ctx *ctx, const brink_game_tournament_spec *spec,
                                       brink_game_tournament **out) {
  brink_status st = BRINK_OK;
  brink_game_tournament *t = NULL;
  *out = NULL;
  if ((st = brink_game_rules_check(ctx, &spec->rules))) return st;
  if (spec->n_players < 2 || spec->n_players > MAX_PLAYERS)
    return brink__fail(ctx, BRINK_EINVAL, "a tournament needs 2 to %d players, got %zu",
                       MAX_PLAYERS, spec->n_players);
  if (spec->repetitions < 1)
    return brink__fail(ctx, BRINK_EINVAL, "repetitions must be at least 1");
  for (size_t i = 0; i < spec->n_players; i++)
    if ((st = check_index(ctx, spec->players[i]))) return st;
  size_t n = spec->n_players;
  uint64_t n_pairs = (uint64_t)n * (n + 1) / 2;
  uint64_t n_matches = n_pairs * spec->repetitions;
  if (n_matches > MAX_MATCHES)
    return brink__fail(ctx, BRINK_ELIMIT,
                       "%llu matches (players x (players + 1) / 2 x repetitions) is more than "
                       "the limit of %llu",
                       (unsigned long long)n_matches, (unsigned long long)MAX_MATCHES);
  t = brink_calloc(ctx, 1, sizeof *t);
  if (!t) return BRINK_ENOMEM;
  t->ctx_ = ctx;
  t->n_players = n;
  t->repetitions = spec->repetitions;
  t->rules = spec->rules;
  t->seed = spec->seed;
  t->threads = resolve_threads(spec->threads);
  t->cancel_ = spec->cancel;
  t->n_matches = n_matches;
  size_t reps = spec->repetitions;
  t->players = brink_calloc(ctx, n, sizeof *t->players);
  t->payoff_matrix = brink_calloc(ctx, n * n, sizeof *t->payoff_matrix);
  t->normalised_scores = brink_calloc(ctx, n * reps, sizeof *t->normalised_scores);
  t->wins = brink_calloc(ctx, n * reps, sizeof *t->wins);
  t->median_score = brink_calloc(ctx, n, sizeof *t->median_score);
  t->mean_score = brink_calloc(ctx, n, sizeof *t->mean_score);
  t->median_wins = brink_calloc(ctx, n, sizeof *t->median_wins);
  t->cooperation_rate = brink_calloc(ctx, n, sizeof *t->cooperation_rate);
  t->ranking = brink_calloc(ctx, n, sizeof *t->ranking);
  t->match_results = brink_calloc(ctx, (size_t)n_matches, sizeof *t->match_results);
  t->history = brink_calloc(ctx, (size_t)t->threads * 2, spec->rules.turns);
  t->scratch = brink_calloc(ctx, reps > n ? reps : n, sizeof *t->scratch);
  if (!t->players || !t->payoff_matrix || !t->normalised_scores || !t->wins || !t->median_score ||
      !t->mean_score || !t->median_wins || !t->cooperation_rate || !t->ranking ||
      !t->match_results || !t->history || !t->scratch) {
    st = BRINK_ENOMEM;
    goto done;
  }
  memcpy(t->players, spec->players, n * sizeof *t->players);
  *out = t;
  t = NULL;
done:
  brink_game_tournament_free(t);
  return st;
}

/* The pair (i, j), i <= j, of pair index p in the order (0,0), (0,1), ..., (1,1), ... */
static void pair_of(size_t n, uint64_t p, size_t *i, size_t *j) {
  size_t row = 0;
  while (p >= n - row) {
    p -= n - row;
    row++;
  }
  *i = row;
  *j = row + (size_t)p;
}

brink_status brink_game_tournament_run(brink_game_tournament *t) {
  size_t n = t->n_players, reps = t->repetitions;
  uint64_t n_pairs = (uint64_t)n * (n + 1) / 2;
  int64_t n_matches = (int64_t)t->n_matches;
  uint32_t turns = t->rules.turns;
  int stopped = 0;
#pragma omp parallel for num_threads(t->threads) schedule(dynamic, 8)
  for (int64_t k = 0; k < n_matches; k++) {
    /* A loop of OpenMP cannot break: once cancelled, the remaining matches are skipped. */
    int halt;
#pragma omp atomic read
    halt = stopped;
    if (halt) continue;
    if (t->cancel_ && *t->cancel_) {
#pragma omp atomic write
      stopped = 1;
      continue;
    }
    size_t i, j;
    pair_of(n, (uint64_t)k % n_pairs, &i, &j);
    uint8_t *ha = t->history + (size_t)omp_get_thread_num() * 2 * turns, *hb = ha + turns;
    brink_rng noise, ra, rb;
    brink_rng_init(&noise, t->seed, (uint64_t)k, 0);
    brink_rng_init(&ra, t->seed, (uint64_t)k, 1);
    brink_rng_init(&rb, t->seed, (uint64_t)k, 2);
    brink__game_play(&t->rules, (uint32_t)t->players[i], (uint32_t)t->players[j], &noise, &ra, &rb,
                     ha, hb, &t->match_results[k]);
  }
  if (stopped)
    return brink__fail(t->ctx_, BRINK_ECANCELED, "tournament cancelled before its %llu matches",
                       (unsigned long long)t->n_matches);

  /* Merge in match order: the same sums whatever the thread count. */
  memset(t->payoff_matrix, 0, n * n * sizeof *t->payoff_matrix);
  memset(t->normalised_scores, 0, n * reps * sizeof *t->normalised_scores);
  memset(t->wins, 0, n * reps * sizeof *t->wins);
  double *coop = t->median_score, *played = t->mean_score; /* scratch until the end */
  memset(coop, 0, n * sizeof *coop);
  memset(played, 0, n * sizeof *played);
  t->turns_played = 0;
  for (uint64_t k = 0; k < t->n_matches; k++) {
    const brink__game_match_result *m = &t->match_results[k];
    size_t r = (size_t)(k / n_pairs), i, j;
    pair_of(n, k % n_pairs, &i, &j);
    double per_a = m->score_a / m->turns, per_b = m->score_b / m->turns;
    t->turns_played += m->turns;
    if (i == j) {
      t->payoff_matrix[i * n + i] += 0.5 * (per_a + per_b);
      continue;
    }
    t->payoff_matrix[i * n + j] += per_a;
    t->payoff_matrix[j * n + i] += per_b;
    t->normalised_scores[i * reps + r] += per_a;
    t->normalised_scores[j * reps + r] += per_b;
    if (m->score_a > m->score_b) t->wins[i * reps + r]++;
    if (m->score_b > m->score_a) t->wins[j * reps + r]++;
    coop[i] += m->coop_a;
    coop[j] += m->coop_b;
    played[i] += m->turns;
    played[j] += m->turns;
  }
  for (size_t i = 0; i < n; i++) {
    t->cooperation_rate[i] = played[i] > 0 ? coop[i] / played[i] : 0.0;
    for (size_t j = 0; j < n; j++) t->payoff_matrix[i * n + j] /= (double)reps;
  }
  for (size_t i = 0; i < n; i++) {
    double sum = 0.0;
    for (size_t r = 0; r < reps; r++) {
      t->normalised_scores[i * reps + r] /= (double)(n - 1);
      sum += t->normalised_scores[i * reps + r];
      t->scratch[r] = t->normalised_scores[i * reps + r];
    }
    t->mean_score[i] = sum / (double)reps;
    t->median_score[i] = median(t->scratch, reps);
    for (size_t r = 0; r < reps; r++) t->scratch[r] = t->wins[i * reps + r];
    t->median_wins[i] = median(t->scratch, reps);
  }
  /* Stable insertion sort by median score, descending (Python's sorted keeps ties in order). */
  for (size_t i = 0; i < n; i++) {
    size_t k = i;
    while (k > 0 && t->median_score[t->ranking[k - 1]] < t->median_score[i]) {
      t->ranking[k] = t->ranking[k - 1];
      k--;
    }
    t->ranking[k] = i;
  }
  return BRINK_OK;
}

/* ---- Moran process ------------------------------------------------------------------------- */

void brink_game_moran_free(brink_game_moran *m) {
  if (!m) return;
  brink_ctx *ctx = m->ctx_;
  brink_free(ctx, m->players);
  brink_free(ctx, m->types);
  brink_free(ctx, m->fixations);
  brink_free(ctx, m->winner);
  brink_free(ctx, m->steps);
  brink_free(ctx, m->work);
  brink_free(ctx, m->cache);
  brink_free(ctx, m->history);
  brink_free(ctx, m);
}

brink_status brink_game_moran_new(brink_ctx *ctx, const brink_game_moran_spec *spec,
                                  brink_game_moran **out) {
  brink_status st = BRINK_OK;
  brink_game_moran *m = NULL;
  *out = NULL;
  if ((st = brink_game_rules_check(ctx, &spec->rules))) return st;
  if (spec->n_players < 2 || spec->n_players > 1024)
    return brink__fail(ctx, BRINK_EINVAL, "a Moran process needs 2 to 1024 individuals, got %zu",
                       spec->n_players);
  if (spec->repetitions < 1)
    return brink__fail(ctx, BRINK_EINVAL, "repetitions must be at least 1");
  if (spec->max_steps < 1) return brink__fail(ctx, BRINK_EINVAL, "max_steps must be at least 1");
  if (spec->rules.payoffs.sucker < 0.0)
    return brink__fail(ctx, BRINK_EINVAL,
                       "the Moran process needs non-negative payoffs (fitness), got S=%g",
                       spec->rules.payoffs.sucker);
  for (size_t i = 0; i < spec->n_players; i++)
    if ((st = check_index(ctx, spec->players[i]))) return st;
  size_t n = spec->n_players;
  uint64_t pairs = (uint64_t)n * (n - 1) / 2;
  if (spec->max_steps > (UINT32_MAX / 3 - 1) / pairs)
    return brink__fail(ctx, BRINK_ERANGE,
                       "max_steps %llu x %llu matches per step exceeds the %u random streams "
                       "of a process",
                       (unsigned long long)spec->max_steps, (unsigned long long)pairs,
                       UINT32_MAX / 3);
  m = brink_calloc(ctx, 1, sizeof *m);
  if (!m) return BRINK_ENOMEM;
  m->ctx_ = ctx;
  m->n_players = n;
  m->repetitions = spec->repetitions;
  m->max_steps = spec->max_steps;
  m->rules = spec->rules;
  m->seed = spec->seed;
  m->threads = resolve_threads(spec->threads);
  m->players = brink_calloc(ctx, n, sizeof *m->players);
  m->types = brink_calloc(ctx, n, sizeof *m->types);
  if (!m->players || !m->types) {
    st = BRINK_ENOMEM;
    goto done;
  }
  memcpy(m->players, spec->players, n * sizeof *m->players);
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    while (k < m->n_types && m->types[k] != m->players[i]) k++;
    if (k == m->n_types) m->types[m->n_types++] = m->players[i];
  }
  size_t nt = m->n_types, threads = (size_t)m->threads;
  m->fixations = brink_calloc(ctx, nt, sizeof *m->fixations);
  m->winner = brink_calloc(ctx, m->repetitions, sizeof *m->winner);
  m->steps = brink_calloc(ctx, m->repetitions, sizeof *m->steps);
  /* Per thread: the population (n type indices) and the first-appearance map. */
  m->work = brink_calloc(ctx, threads, n * sizeof *m->work);
  /* Per thread: the deterministic cache, nt x nt pairs of points per turn plus a filled flag. */
  m->cache = brink_calloc(ctx, threads * nt * nt, 3 * sizeof *m->cache);
  m->history = brink_calloc(ctx, threads * 2, spec->rules.turns);
  if (!m->fixations || !m->winner || !m->steps || !m->work || !m->cache || !m->history) {
    st = BRINK_ENOMEM;
    goto done;
  }
  *out = m;
  m = NULL;
done:
  brink_game_moran_free(m);
  return st;
}

/* One Moran process; returns the type it fixated on, or n_types when unfinished. */
static size_t moran_process(const brink_game_moran *m, uint64_t r, uint32_t *pop, double *cache,
                            uint8_t *ha, uint8_t *hb, double *fitness, uint64_t *out_steps) {
  size_t n = m->n_players, nt = m->n_types;
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    while (m->types[k] != m->players[i]) k++;
    pop[i] = (uint32_t)k;
  }
  int cacheable_rules = m->rules.noise == 0.0 && m->rules.prob_end == 0.0;
  brink_rng select;
  brink_rng_init(&select, m->seed, r, 0);
  uint32_t match_counter = 0;
  uint64_t step = 0;
  for (;;) {
    size_t first = pop[0], i = 1;
    while (i < n && pop[i] == first) i++;
    if (i == n) {
      *out_steps = step;
      return first;
    }
    if (step == m->max_steps) {
      *out_steps = step;
      return nt;
    }
    for (i = 0; i < n; i++) fitness[i] = 0.0;
    for (i = 0; i < n; i++)
      for (size_t j = i + 1; j < n; j++) {
        uint32_t a = pop[i], b = pop[j];
        uint32_t sa = (uint32_t)m->types[a], sb = (uint32_t)m->types[b];
        double *entry = cache + 3 * (a * nt + b);
        int cacheable = cacheable_rules && !brink__game_strategies[sa].info.stochastic &&
                        !brink__game_strategies[sb].info.stochastic;
        uint32_t stream = 1 + 3 * match_counter++;
        if (cacheable && entry[2] != 0.0) {
          fitness[i] += entry[0];
          fitness[j] += entry[1];
          continue;
        }
        brink_rng noise, ra, rb;
        brink_rng_init(&noise, m->seed, r, stream);
        brink_rng_init(&ra, m->seed, r, stream + 1);
        brink_rng_init(&rb, m->seed, r, stream + 2);
        brink__game_match_result res;
        brink__game_play(&m->rules, sa, sb, &noise, &ra, &rb, ha, hb, &res);
        double per_a = res.score_a / res.turns, per_b = res.score_b / res.turns;
        fitness[i] += per_a;
        fitness[j] += per_b;
        if (cacheable) {
          entry[0] = per_a;
          entry[1] = per_b;
          entry[2] = 1.0;
        }
      }
    /* Birth proportional to fitness (the first cumulative sum >= u * total), death uniform. */
    double total = 0.0;
    for (i = 0; i < n; i++) total += fitness[i];
    double target = brink_rng_uniform(&select) * total, cum = 0.0;
    size_t born = n - 1;
    for (i = 0; i < n; i++) {
      cum += fitness[i];
      if (cum >= target) {
        born = i;
        break;
      }
    }
    size_t dead = brink_rng_below(&select, (uint32_t)n);
    pop[dead] = pop[born];
    step++;
  }
}

void brink_game_moran_run(brink_game_moran *m) {
  size_t n = m->n_players, nt = m->n_types;
  int64_t reps = (int64_t)m->repetitions;
  uint32_t turns = m->rules.turns;
  memset(m->cache, 0, (size_t)m->threads * nt * nt * 3 * sizeof *m->cache);
#pragma omp parallel num_threads(m->threads)
  {
    size_t tid = (size_t)omp_get_thread_num();
    uint32_t *pop = m->work + tid * n;
    double *cache = m->cache + tid * nt * nt * 3;
    uint8_t *ha = m->history + tid * 2 * turns, *hb = ha + turns;
    double fitness[1024]; /* n <= 1024 (checked by _new) */
#pragma omp for schedule(dynamic, 1)
    for (int64_t r = 0; r < reps; r++)
      m->winner[r] = moran_process(m, (uint64_t)r, pop, cache, ha, hb, fitness, &m->steps[r]);
  }
  memset(m->fixations, 0, nt * sizeof *m->fixations);
  m->unfinished = 0;
  for (int64_t r = 0; r < reps; r++) {
    if (m->winner[r] < nt)
      m->fixations[m->winner[r]]++;
    else
      m->unfinished++;
  }
}
