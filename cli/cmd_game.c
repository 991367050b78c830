/* SPDX-License-Identifier: MIT */
/* `brink game`: the iterated prisoner's dilemma with Axelrod-Python's strategies: the strategy
 * list, one match turn by turn, round-robin tournaments and the Moran process (docs/game.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brink/game.h"
#include "brink/rng.h"
#include "cli.h"

#define MAX_PLAYERS_FILE ((size_t)1 << 20)
#define BRINK_ARRAY_LEN_CLI(a) (sizeof(a) / sizeof((a)[0]))

static void print_game_help(void) {
  printf("usage: brink game SUBCOMMAND [options]\n"
         "       brink game SUBCOMMAND --help\n\n"
         "The iterated prisoner's dilemma with the strategies of Axelrod-Python 4.x (same names,\n"
         "same moves), GRIT and the crisis model's policies in two-action form.\n\n"
         "subcommands:\n"
         "  strategies  list every strategy, whether it is stochastic, and where it comes from\n"
         "  match       one match between two strategies, turn by turn\n"
         "  tournament  round robin with self-play: ranks, scores, wins, payoff matrix\n"
         "  moran       Moran process: how often each strategy takes over the population\n\n"
         "exit status: 0 success, 1 runtime failure (bad file, failed run), 2 usage error\n");
}

/* ---- Shared option readers ---------------------------------------------------------------- */

/* "R,S,T,P" -> payoffs. */
static int read_payoffs(cli_spec *spec, brink_game_payoffs *out) {
  const char *v = cli_value(spec, "payoffs", NULL);
  if (!v) return -1;
  double x[4];
  const char *p = v;
  for (int k = 0; k < 4; k++) {
    const char *end = strchr(p, ',');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if ((k < 3 && !end) || (k == 3 && end) || brink_parse_f64(p, n, &x[k]))
      return cli_usage_error(spec,
                             "--payoffs expects four numbers R,S,T,P (e.g. 3,0,5,1), got '%s'", v);
    p = end ? end + 1 : p + n;
  }
  brink_game_payoffs g = {x[0], x[1], x[2], x[3]};
  if (!(g.temptation > g.reward && g.reward > g.punishment && g.punishment > g.sucker))
    return cli_usage_error(spec, "--payoffs must satisfy T > R > P > S, got '%s'", v);
  *out = g;
  return -1;
}

/* --turns, --noise, --prob-end, --payoffs into rules. */
static int read_rules(cli_spec *spec, brink_game_rules *rules) {
  uint64_t turns;
  int rc;
  *rules = brink_game_rules_default();
  if ((rc = cli_u64(spec, "turns", 1, 100000000, 200, &turns)) >= 0) return rc;
  rules->turns = (uint32_t)turns;
  if ((rc = cli_f64(spec, "noise", 0.0, 1.0, 0.0, &rules->noise)) >= 0) return rc;
  if ((rc = cli_f64(spec, "prob-end", 0.0, 1.0, 0.0, &rules->prob_end)) >= 0) return rc;
  return read_payoffs(spec, &rules->payoffs);
}

/* --players "A,B,..." or --players-file F into strategy indices (caller frees with brink_free). */
static int read_players(brink_ctx *ctx, cli_spec *spec, size_t **players, size_t *n) {
  const char *list = cli_value(spec, "players", NULL);
  const char *path = cli_value(spec, "players-file", NULL);
  *players = NULL;
  *n = 0;
  if (!list == !path)
    return cli_usage_error(spec, "give the players with exactly one of --players \"A,B,...\" "
                                 "or --players-file FILE");
  brink_status st;
  if (list) {
    st = brink_game_players_parse(ctx, list, strlen(list), "--players", players, n);
  } else {
    FILE *f = fopen(path, "rb");
    if (!f) {
      fprintf(stderr, "brink %s: cannot open players file '%s'\n", spec->name, path);
      return CLI_EXIT_FAIL;
    }
    char *text = malloc(MAX_PLAYERS_FILE + 1);
    size_t len = text ? fread(text, 1, MAX_PLAYERS_FILE + 1, f) : 0;
    int read_error = ferror(f);
    fclose(f);
    if (!text || read_error || len > MAX_PLAYERS_FILE) {
      free(text);
      fprintf(stderr, "brink %s: cannot read players file '%s'%s\n", spec->name, path,
              len > MAX_PLAYERS_FILE ? " (larger than 1 MiB)" : "");
      return CLI_EXIT_FAIL;
    }
    st = brink_game_players_parse(ctx, text, len, path, players, n);
    free(text);
  }
  if (st == BRINK_EPARSE || st == BRINK_ELIMIT)
    return cli_usage_error(spec, "%s", brink_ctx_errmsg(ctx));
  if (st) return cli_fail(spec, ctx, st);
  return -1;
}

static int read_threads(cli_spec *spec, int *threads) {
  uint64_t v;
  int rc = cli_u64(spec, "threads", 0, 1024, 0, &v);
  *threads = (int)v;
  return rc;
}

static const char *const format_choices[] = {"table", "csv", "json"};
enum { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

static void print_csv_field(const char *s) {
  if (!strpbrk(s, ",\"\n")) {
    fputs(s, stdout);
    return;
  }
  putchar('"');
  for (; *s; s++) {
    if (*s == '"') putchar('"');
    putchar(*s);
  }
  putchar('"');
}

static void print_json_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      printf("\\%c", *s);
    else if ((unsigned char)*s < 0x20)
      printf("\\u%04x", (unsigned)*s);
    else
      putchar(*s);
  }
  putchar('"');
}

/* Shortest text that reads back to the same double; null for non-finite values. */
static void print_number(double v) {
  if (!isfinite(v)) {
    fputs("null", stdout);
    return;
  }
  char buf[32];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  fputs(buf, stdout);
}

/* ---- strategies ---------------------------------------------------------------------------- */

static int game_strategies(int argc, char **argv) {
  cli_opt opts[] = {{"format", "FORMAT", "table, csv or json (default table)", 0, NULL, NULL, 0}};
  cli_spec spec = {"game strategies",
                   "[options]",
                   "Lists every strategy with a one-line description, whether it is stochastic\n"
                   "(draws random numbers, reproducible from --seed) and the Axelrod-Python\n"
                   "source file its rule was read from.",
                   opts,
                   BRINK_ARRAY_LEN_CLI(opts),
                   0,
                   0,
                   "example:\n  brink game strategies --format csv",
                   NULL,
                   0};
  int rc = cli_parse(&spec, argc, argv), format;
  if (rc >= 0) goto done;
  if ((rc = cli_choice(&spec, "format", format_choices, 3, FORMAT_TABLE, &format)) >= 0) goto done;
  size_t n = brink_game_strategy_count();
  if (format == FORMAT_CSV) printf("name,stochastic,description,source\n");
  if (format == FORMAT_JSON) printf("[\n");
  if (format == FORMAT_TABLE) printf("%-32s %-10s %s\n", "name", "stochastic", "description");
  for (size_t i = 0; i < n; i++) {
    const brink_game_strategy *s = brink_game_strategy_at(i);
    if (format == FORMAT_TABLE) {
      printf("%-32s %-10s %s\n", s->name, s->stochastic ? "yes" : "no", s->description);
    } else if (format == FORMAT_CSV) {
      print_csv_field(s->name);
      printf(",%s,", s->stochastic ? "yes" : "no");
      print_csv_field(s->description);
      putchar(',');
      print_csv_field(s->source);
      putchar('\n');
    } else {
      printf("  {\"name\": ");
      print_json_string(s->name);
      printf(", \"stochastic\": %s, \"uses_length\": %s, \"description\": ",
             s->stochastic ? "true" : "false", s->uses_length ? "true" : "false");
      print_json_string(s->description);
      printf(", \"source\": ");
      print_json_string(s->source);
      printf("}%s\n", i + 1 < n ? "," : "");
    }
  }
  if (format == FORMAT_JSON) printf("]\n");
  rc = CLI_EXIT_OK;
done:
  cli_spec_release(&spec);
  return rc;
}

/* ---- match --------------------------------------------------------------------------------- */

#define RULE_OPTS                                                                                   \
  {                                                                                                 \
      "turns", "N", "turns per match (default 200; the most turns with --prob-end)", 0, NULL,       \
      NULL,    0},                                                                                  \
      {"noise", "P", "probability that each chosen action is flipped (default 0)", 0, NULL,         \
       NULL,    0},                                                                                 \
      {"prob-end", "P",  "probability that a match ends after each turn (default 0: fixed length)", \
       0,          NULL, NULL,                                                                      \
       0},                                                                                          \
      {"payoffs", "R,S,T,P", "payoffs, T > R > P > S (default 3,0,5,1)", 0, NULL, NULL, 0}, {       \
    "seed", "S", "random seed (default 1)", 0, NULL, NULL, 0                                        \
  }

static int game_match(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {RULE_OPTS,
                    {"format", "FORMAT", "csv or table (default csv)", 0, NULL, NULL, 0}};
  cli_spec spec = {"game match",
                   "STRATEGY_A STRATEGY_B [options]",
                   "Plays one match and prints every turn: the actions (C or D, after noise) and\n"
                   "the points each player got. Names are Axelrod-Python's (see 'brink game\n"
                   "strategies'); quote names with spaces. The match draws its random numbers\n"
                   "from (seed, match 0) with " BRINK_RNG_NAME ".",
                   opts,
                   BRINK_ARRAY_LEN_CLI(opts),
                   2,
                   2,
                   "examples:\n"
                   "  brink game match \"Tit For Tat\" Alternator --turns 10\n"
                   "  brink game match \"First by Joss\" Grudger --turns 200 --noise 0.05 "
                   "--seed 7",
                   NULL,
                   0};
  static const char *const match_formats[] = {"csv", "table"};
  uint8_t *ha = NULL, *hb = NULL;
  int rc = cli_parse(&spec, argc, argv), format;
  if (rc >= 0) goto done;
  brink_game_rules rules;
  uint64_t seed;
  size_t a, b;
  if ((rc = read_rules(&spec, &rules)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "seed", 0, INT64_MAX, 1, &seed)) >= 0) goto done;
  if ((rc = cli_choice(&spec, "format", match_formats, 2, 0, &format)) >= 0) goto done;
  if (brink_game_strategy_find(ctx, spec.pos[0], &a) ||
      brink_game_strategy_find(ctx, spec.pos[1], &b)) {
    rc = cli_usage_error(&spec, "%s", brink_ctx_errmsg(ctx));
    goto done;
  }
  ha = malloc(rules.turns);
  hb = malloc(rules.turns);
  if (!ha || !hb) {
    fprintf(stderr, "brink game match: out of memory\n");
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  uint32_t turns;
  brink_status st = brink_game_match_play(ctx, a, b, &rules, seed, 0, ha, hb, &turns);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  double total_a = 0.0, total_b = 0.0;
  if (format == 0) printf("turn,action_a,action_b,payoff_a,payoff_b\n");
  for (uint32_t t = 0; t < turns; t++) {
    double pa = brink_game_payoff(&rules.payoffs, ha[t], hb[t]);
    double pb = brink_game_payoff(&rules.payoffs, hb[t], ha[t]);
    total_a += pa;
    total_b += pb;
    if (format == 0) {
      printf("%u,%c,%c,", t + 1, ha[t] ? 'D' : 'C', hb[t] ? 'D' : 'C');
      print_number(pa);
      putchar(',');
      print_number(pb);
      putchar('\n');
    }
  }
  if (format == 1) {
    const char *na = brink_game_strategy_at(a)->name, *nb = brink_game_strategy_at(b)->name;
    size_t w = strlen(na) > strlen(nb) ? strlen(na) : strlen(nb);
    printf("# %u turns, noise %g, prob_end %g, seed %llu, generator %s\n", turns, rules.noise,
           rules.prob_end, (unsigned long long)seed, BRINK_RNG_NAME);
    printf("%-*s  ", (int)w, na);
    for (uint32_t t = 0; t < turns; t++) putchar(ha[t] ? 'D' : 'C');
    printf("\n%-*s  ", (int)w, nb);
    for (uint32_t t = 0; t < turns; t++) putchar(hb[t] ? 'D' : 'C');
    printf("\nscore: %s %g (%.4f per turn), %s %g (%.4f per turn)\n", na, total_a, total_a / turns,
           nb, total_b, total_b / turns);
  }
  rc = CLI_EXIT_OK;
done:
  free(ha);
  free(hb);
  cli_spec_release(&spec);
  return rc;
}

/* ---- tournament ---------------------------------------------------------------------------- */

static void print_tournament(const brink_game_tournament *t, int format) {
  size_t n = t->n_players;
  const char *gen = BRINK_RNG_NAME;
  if (format == FORMAT_JSON) {
    printf("{\n  \"players\": %zu, \"turns\": %u, \"repetitions\": %u, \"noise\": ", n,
           t->rules.turns, t->repetitions);
    print_number(t->rules.noise);
    printf(", \"prob_end\": ");
    print_number(t->rules.prob_end);
    printf(", \"seed\": %llu, \"generator\": \"%s\", \"matches\": %llu,\n  \"ranking\": [\n",
           (unsigned long long)t->seed, gen, (unsigned long long)t->n_matches);
    for (size_t k = 0; k < n; k++) {
      size_t i = t->ranking[k];
      printf("    {\"rank\": %zu, \"player\": %zu, \"name\": ", k + 1, i + 1);
      print_json_string(brink_game_strategy_at(t->players[i])->name);
      printf(", \"median_score\": ");
      print_number(t->median_score[i]);
      printf(", \"mean_score\": ");
      print_number(t->mean_score[i]);
      printf(", \"median_wins\": ");
      print_number(t->median_wins[i]);
      printf(", \"cooperation_rate\": ");
      print_number(t->cooperation_rate[i]);
      printf("}%s\n", k + 1 < n ? "," : "");
    }
    printf("  ],\n  \"payoff_matrix\": [\n");
    for (size_t i = 0; i < n; i++) {
      printf("    [");
      for (size_t j = 0; j < n; j++) {
        if (j) printf(", ");
        print_number(t->payoff_matrix[i * n + j]);
      }
      printf("]%s\n", i + 1 < n ? "," : "");
    }
    printf("  ]\n}\n");
    return;
  }
  if (format == FORMAT_CSV) {
    printf("rank,player,name,median_score,mean_score,median_wins,cooperation_rate");
    for (size_t j = 0; j < n; j++) printf(",payoff_vs_%zu", j + 1);
    putchar('\n');
    for (size_t k = 0; k < n; k++) {
      size_t i = t->ranking[k];
      printf("%zu,%zu,", k + 1, i + 1);
      print_csv_field(brink_game_strategy_at(t->players[i])->name);
      double v[4] = {t->median_score[i], t->mean_score[i], t->median_wins[i],
                     t->cooperation_rate[i]};
      for (int c = 0; c < 4; c++) putchar(','), print_number(v[c]);
      for (size_t j = 0; j < n; j++) putchar(','), print_number(t->payoff_matrix[i * n + j]);
      putchar('\n');
    }
    return;
  }
  printf("# %zu players, %u turns, %u repetitions, noise %g, prob_end %g, seed %llu, generator "
         "%s, %llu matches\n",
         n, t->rules.turns, t->repetitions, t->rules.noise, t->rules.prob_end,
         (unsigned long long)t->seed, gen, (unsigned long long)t->n_matches);
  printf("%4s  %-32s %12s %10s %11s %9s\n", "rank", "name", "median_score", "mean_score",
         "median_wins", "coop_rate");
  for (size_t k = 0; k < n; k++) {
    size_t i = t->ranking[k];
    printf("%4zu  %-32s %12.4f %10.4f %11g %9.4f\n", k + 1,
           brink_game_strategy_at(t->players[i])->name, t->median_score[i], t->mean_score[i],
           t->median_wins[i], t->cooperation_rate[i]);
  }
  printf("\npayoff matrix: mean points per turn of the row player against the column player\n");
  printf("%4s  %-32s", "", "");
  for (size_t j = 0; j < n; j++) printf(" %6zu", j + 1);
  putchar('\n');
  for (size_t i = 0; i < n; i++) {
    printf("%4zu  %-32s", i + 1, brink_game_strategy_at(t->players[i])->name);
    for (size_t j = 0; j < n; j++) printf(" %6.3f", t->payoff_matrix[i * n + j]);
    putchar('\n');
  }
}

#define PLAYER_OPTS                                                                                \
  {"players", "\"A,B,...\"", "the players, comma-separated strategy names", 0, NULL, NULL, 0},     \
      {"players-file", "FILE", "the players, one name per line ('#' comments)", 0, NULL, NULL, 0}, \
      {"repetitions", "R", "repetitions (default 10; moran: processes, default 100)", 0, NULL,     \
       NULL,          0},                                                                          \
      {"threads", "T",  "OpenMP threads (default 0: all cores; results do not depend on it)",      \
       0,         NULL, NULL,                                                                      \
       0},                                                                                         \
  {                                                                                                \
    "format", "FORMAT", "table, csv or json (default table)", 0, NULL, NULL, 0                     \
  }

static int game_tournament(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {RULE_OPTS, PLAYER_OPTS};
  cli_spec spec = {
      "game tournament",
      "--players \"A,B,...\"|--players-file FILE [options]",
      "Round robin as in Axelrod-Python: every player meets every other and itself, each match\n"
      "repeated --repetitions times. Per player: rank (by median normalised score), median and\n"
      "mean normalised score (points per turn against the others), median wins per repetition,\n"
      "cooperation rate; then the payoff matrix (self-play on the diagonal). Match k draws from\n"
      "(seed, k) with " BRINK_RNG_NAME ", so --threads does not change any number.",
      opts,
      BRINK_ARRAY_LEN_CLI(opts),
      0,
      0,
      "examples:\n"
      "  brink game tournament --players \"Tit For Tat,Grudger,Defector,Random\" --turns 200 "
      "--repetitions 10\n"
      "  brink game tournament --players-file first.txt --noise 0.05 --repetitions 100 "
      "--format json",
      NULL,
      0};
  brink_game_tournament *t = NULL;
  size_t *players = NULL, n = 0;
  int rc = cli_parse(&spec, argc, argv), format, threads;
  if (rc >= 0) goto done;
  brink_game_rules rules;
  uint64_t seed, reps;
  if ((rc = read_rules(&spec, &rules)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "seed", 0, INT64_MAX, 1, &seed)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "repetitions", 1, 1000000, 10, &reps)) >= 0) goto done;
  if ((rc = read_threads(&spec, &threads)) >= 0) goto done;
  if ((rc = cli_choice(&spec, "format", format_choices, 3, FORMAT_TABLE, &format)) >= 0) goto done;
  if ((rc = read_players(ctx, &spec, &players, &n)) >= 0) goto done;
  if (n < 2) {
    rc = cli_usage_error(&spec, "a tournament needs at least 2 players, got %zu", n);
    goto done;
  }
  brink_game_tournament_spec ts = {.players = players,
                                   .n_players = n,
                                   .rules = rules,
                                   .repetitions = (uint32_t)reps,
                                   .seed = seed,
                                   .threads = threads};
  brink_status st = brink_game_tournament_new(ctx, &ts, &t);
  if (st) {
    rc = st == BRINK_ENOMEM ? cli_fail(&spec, ctx, st)
                            : cli_usage_error(&spec, "%s", brink_ctx_errmsg(ctx));
    goto done;
  }
  brink_game_tournament_run(t);
  print_tournament(t, format);
  rc = CLI_EXIT_OK;
done:
  brink_game_tournament_free(t);
  brink_free(ctx, players);
  cli_spec_release(&spec);
  return rc;
}

/* ---- moran --------------------------------------------------------------------------------- */

/* Wilson score interval at 95%. */
static void wilson(uint64_t k, uint64_t n, double *lo, double *hi) {
  const double z = 1.959963984540054;
  if (n == 0) {
    *lo = 0.0, *hi = 1.0;
    return;
  }
  double p = (double)k / (double)n, nn = (double)n;
  double denom = 1.0 + z * z / nn, centre = (p + z * z / (2.0 * nn)) / denom;
  double half = z * sqrt(p * (1.0 - p) / nn + z * z / (4.0 * nn * nn)) / denom;
  *lo = centre - half > 0.0 ? centre - half : 0.0;
  *hi = centre + half < 1.0 ? centre + half : 1.0;
}

static void print_moran(const brink_game_moran *m, int format) {
  uint64_t total_steps = 0;
  for (uint32_t r = 0; r < m->repetitions; r++) total_steps += m->steps[r];
  double mean_steps = (double)total_steps / m->repetitions;
  if (format == FORMAT_JSON) {
    printf("{\n  \"individuals\": %zu, \"turns\": %u, \"processes\": %u, \"max_steps\": %llu, "
           "\"noise\": ",
           m->n_players, m->rules.turns, m->repetitions, (unsigned long long)m->max_steps);
    print_number(m->rules.noise);
    printf(", \"seed\": %llu, \"generator\": \"%s\",\n  \"unfinished\": %llu, "
           "\"mean_steps\": ",
           (unsigned long long)m->seed, BRINK_RNG_NAME, (unsigned long long)m->unfinished);
    print_number(mean_steps);
    printf(",\n  \"strategies\": [\n");
  } else if (format == FORMAT_CSV) {
    printf("name,initial,fixations,processes,share,ci95_lo,ci95_hi\n");
  } else {
    printf("# %zu individuals, %u turns, noise %g, %u processes (max %llu steps), seed %llu, "
           "generator %s\n",
           m->n_players, m->rules.turns, m->rules.noise, m->repetitions,
           (unsigned long long)m->max_steps, (unsigned long long)m->seed, BRINK_RNG_NAME);
    printf("%-32s %7s %9s %7s  %s\n", "strategy", "initial", "fixations", "share",
           "95% interval (Wilson)");
  }
  for (size_t k = 0; k < m->n_types; k++) {
    const char *name = brink_game_strategy_at(m->types[k])->name;
    size_t initial = 0;
    for (size_t i = 0; i < m->n_players; i++) initial += m->players[i] == m->types[k];
    double share = (double)m->fixations[k] / m->repetitions, lo, hi;
    wilson(m->fixations[k], m->repetitions, &lo, &hi);
    if (format == FORMAT_JSON) {
      printf("    {\"name\": ");
      print_json_string(name);
      printf(", \"initial\": %zu, \"fixations\": %llu, \"share\": ", initial,
             (unsigned long long)m->fixations[k]);
      print_number(share);
      printf(", \"ci95\": [");
      print_number(lo);
      printf(", ");
      print_number(hi);
      printf("]}%s\n", k + 1 < m->n_types ? "," : "");
    } else if (format == FORMAT_CSV) {
      print_csv_field(name);
      printf(",%zu,%llu,%u,", initial, (unsigned long long)m->fixations[k], m->repetitions);
      print_number(share);
      putchar(',');
      print_number(lo);
      putchar(',');
      print_number(hi);
      putchar('\n');
    } else {
      printf("%-32s %7zu %9llu %7.3f  [%.3f, %.3f]\n", name, initial,
             (unsigned long long)m->fixations[k], share, lo, hi);
    }
  }
  if (format == FORMAT_JSON) printf("  ]\n}\n");
  if (format == FORMAT_TABLE)
    printf("unfinished after %llu steps: %llu; mean steps: %.1f\n",
           (unsigned long long)m->max_steps, (unsigned long long)m->unfinished, mean_steps);
}

static int game_moran(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {RULE_OPTS,
                    PLAYER_OPTS,
                    {"max-steps", "N",
                     "birth-death steps before a process counts as unfinished (default 10000)", 0,
                     NULL, NULL, 0}};
  cli_spec spec = {
      "game moran",
      "--players \"A,B,...\"|--players-file FILE [options]",
      "Moran process as in Axelrod-Python (birth-death, complete graph, no mutation): each step\n"
      "every pair of individuals plays a match, one individual reproduces with probability\n"
      "proportional to its total points per turn and its copy replaces one chosen at random.\n"
      "Runs --repetitions independent processes and counts which strategy each fixated on,\n"
      "with a 95% Wilson interval. A name given twice starts with two individuals of it.",
      opts,
      BRINK_ARRAY_LEN_CLI(opts),
      0,
      0,
      "example:\n"
      "  brink game moran --players \"Tit For Tat,Defector,Defector,Cooperator\" --seed 3",
      NULL,
      0};
  brink_game_moran *m = NULL;
  size_t *players = NULL, n = 0;
  int rc = cli_parse(&spec, argc, argv), format, threads;
  if (rc >= 0) goto done;
  brink_game_rules rules;
  uint64_t seed, reps, max_steps;
  if ((rc = read_rules(&spec, &rules)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "seed", 0, INT64_MAX, 1, &seed)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "repetitions", 1, 1000000, 100, &reps)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "max-steps", 1, 100000000, 10000, &max_steps)) >= 0) goto done;
  if ((rc = read_threads(&spec, &threads)) >= 0) goto done;
  if ((rc = cli_choice(&spec, "format", format_choices, 3, FORMAT_TABLE, &format)) >= 0) goto done;
  if ((rc = read_players(ctx, &spec, &players, &n)) >= 0) goto done;
  brink_game_moran_spec ms = {players, n, rules, (uint32_t)reps, max_steps, seed, threads};
  brink_status st = brink_game_moran_new(ctx, &ms, &m);
  if (st) {
    rc = st == BRINK_ENOMEM ? cli_fail(&spec, ctx, st)
                            : cli_usage_error(&spec, "%s", brink_ctx_errmsg(ctx));
    goto done;
  }
  brink_game_moran_run(m);
  print_moran(m, format);
  rc = CLI_EXIT_OK;
done:
  brink_game_moran_free(m);
  brink_free(ctx, players);
  cli_spec_release(&spec);
  return rc;
}

/* ---- Dispatch ------------------------------------------------------------------------------ */

int cmd_game(brink_ctx *ctx, int argc, char **argv) {
  if (argc < 2) {
    print_game_help();
    return CLI_EXIT_USAGE;
  }
  const char *sub = argv[1];
  if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
    print_game_help();
    return CLI_EXIT_OK;
  }
  if (strcmp(sub, "strategies") == 0) return game_strategies(argc - 1, argv + 1);
  if (strcmp(sub, "match") == 0) return game_match(ctx, argc - 1, argv + 1);
  if (strcmp(sub, "tournament") == 0) return game_tournament(ctx, argc - 1, argv + 1);
  if (strcmp(sub, "moran") == 0) return game_moran(ctx, argc - 1, argv + 1);
  fprintf(stderr,
          "brink game: unknown subcommand '%s' (strategies, match, tournament, moran)\n"
          "Try 'brink game --help'.\n",
          sub);
  return CLI_EXIT_USAGE;
}
