/* SPDX-License-Identifier: MIT */
/* Runs in lanes and the ladder across the actions (src/model_lanes.h) against one run after
 * another: for every shipped scenario and every policy, the engine's summary (JSON) and every
 * run's result are the same bytes with BRINK_LANES=off (the scalar path), portable, avx2 and wide
 * (these two when the CPU has AVX2) and wide512 (when it has AVX-512), on 1 and 2 threads; the
 * AVX2 and AVX-512 kernels' numbers against the scalar functions', bit for bit; their choices
 * without the exact chain against the chain's, on random draws and on the edges between actions,
 * and runs with every choice left to the chain against one run after another; and the state
 * API's choice probabilities from the kernel against those from the scalar functions. */
#define _POSIX_C_SOURCE 200809L
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "model_lanes.h"
#include "model_util.h"

static uint64_t runs(void) { return getenv("BRINK_SANITIZED") ? 90 : 400; }

/* Whether this CPU runs the kind that BRINK_LANES=name asks for (avx2 and wide fall back to one
 * run after another without AVX2, wide512 without AVX-512: then a comparison would prove
 * nothing, and is skipped). */
static int cpu_runs(const char *name, brink__lanes_kind kind) {
  setenv("BRINK_LANES", name, 1);
  int runs_it = brink__lanes_select() == kind;
  unsetenv("BRINK_LANES");
  return runs_it;
}

/* Every field of a run's result, the doubles as their exact hexadecimal value. */
static void on_run(void *userdata, uint64_t run, uint32_t policy, const brink_run_result *r,
                   const double *params) {
  (void)params;
  brink_buf *out = userdata;
  brink_buf_printf(out, "%llu %u: %u %u %u %u %u %u %u %u %u %u %u %u %u %u %u %u %a %a",
                   (unsigned long long)run, policy, r->steps_run, r->war_step, r->war_actor,
                   r->war_cause, r->nuclear_step, r->agreement_step, r->first_clash_step,
                   r->incidents, r->clashes, r->provocations, r->talks_step, r->max_track,
                   r->unsc_proposed, r->unsc_adopted, r->breaches, r->commitments_end,
                   r->pressure_nominal_sum, r->pressure_effective_sum);
  for (size_t i = 0; i < BRINK_MAX_ACTORS; i++) {
    brink_buf_printf(out, " t%u", r->types[i]);
    for (size_t a = 0; a < BRINK_MAX_ACTIONS; a++)
      if (r->action_counts[i][a])
        brink_buf_printf(out, " %zu.%zu:%u", i, a, r->action_counts[i][a]);
  }
  brink_buf_putc(out, '\n');
}

/* The summary JSON and the runs' lines of one engine run on every policy of f. */
static int run_engine(fixture *f, const char *lanes, int threads, brink_buf *json,
                      brink_buf *lines) {
  uint32_t policies[64];
  size_t np = brink_scenario_policy_count(f->sc);
  if (np > 64) np = 64;
  for (size_t p = 0; p < np; p++) policies[p] = (uint32_t)p;
  setenv("BRINK_LANES", lanes, 1);
  brink_engine_options o = {.runs = runs(),
                            .seed = 7,
                            .threads = threads,
                            .confidence = 0.95,
                            .policies = policies,
                            .n_policies = np,
                            .on_run = on_run,
                            .userdata = lines};
  brink_summary *s = NULL;
  brink_status st = brink_engine_run(f->ctx, f->model, &o, &s);
  CHECK_INT(st, BRINK_OK);
  brink_output_meta meta = {"lanes", NULL, 0, 0, NULL};
  if (!st) CHECK_INT(brink_summary_json(f->ctx, s, &meta, json), BRINK_OK);
  brink_summary_free(s);
  unsetenv("BRINK_LANES");
  return st == BRINK_OK;
}

/* First differing line of two texts, for the message. */
static void show_difference(const char *what, const brink_buf *a, const brink_buf *b) {
  size_t i = 0, line = 1, start = 0;
  for (; i < a->len && i < b->len && a->data[i] == b->data[i]; i++)
    if (a->data[i] == '\n') {
      line++;
      start = i + 1;
    }
  fprintf(stderr, "  %s differ from line %zu:\n    %.160s\n    %.160s\n", what, line,
          a->data + start, b->data + start);
}

static int same(const brink_buf *a, const brink_buf *b) {
  return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

static void check_scenario(const char *path, int avx2, int avx512) {
  fixture f;
  if (!fixture_open(&f, path, NULL, 0)) return;
  static const char *const kinds[] = {"off", "portable", "avx2", "wide", "wide512"};
  brink_buf ref_json, ref_lines, json, lines;
  brink_buf_init(&ref_json, f.ctx, 0);
  brink_buf_init(&ref_lines, f.ctx, 0);
  brink_buf_init(&json, f.ctx, 0);
  brink_buf_init(&lines, f.ctx, 0);
  if (!run_engine(&f, "off", 1, &ref_json, &ref_lines)) goto done;
  CHECK(ref_json.len > 1000);
  CHECK(ref_lines.len > 1000);
  for (size_t k = 0; k < 5; k++) {
    if ((k >= 2 && !avx2) || (k == 4 && !avx512)) continue;
    for (int threads = 1; threads <= 2; threads++) {
      if (k == 0 && threads == 1) continue; /* the reference */
      brink_buf_reset(&json);
      brink_buf_reset(&lines);
      if (!run_engine(&f, kinds[k], threads, &json, &lines)) continue;
      int ok_json = same(&ref_json, &json), ok_lines = same(&ref_lines, &lines);
      if (!ok_json || !ok_lines)
        fprintf(stderr, "%s, BRINK_LANES=%s, %d thread(s):\n", path, kinds[k], threads);
      if (!ok_json) show_difference("summaries", &ref_json, &json);
      if (!ok_lines) show_difference("runs", &ref_lines, &lines);
      CHECK(ok_json);
      CHECK(ok_lines);
    }
  }
done:
  brink_buf_release(&ref_json);
  brink_buf_release(&ref_lines);
  brink_buf_release(&json);
  brink_buf_release(&lines);
  fixture_close(&f);
}

static void test_shipped_scenarios(void) {
  int avx2 = cpu_runs("avx2", BRINK__LANES_AVX2);
  int avx512 = cpu_runs("wide512", BRINK__LANES_WIDE512);
  if (!avx2)
    printf("no AVX2 on this CPU: lanes compared with the portable kernel only\n");
  else if (!avx512)
    printf("no AVX-512 on this CPU: wide512 not compared\n");
  static const char *const patterns[] = {"scenarios/*.yaml", "scenarios/*/*.yaml"};
  size_t n = 0;
  for (size_t p = 0; p < 2; p++) {
    glob_t g;
    memset(&g, 0, sizeof g);
    if (glob(patterns[p], 0, NULL, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; i++) {
        if (strstr(g.gl_pathv[i], "_history.yaml")) continue; /* a history, not a scenario */
        check_scenario(g.gl_pathv[i], avx2, avx512);
        n++;
      }
    globfree(&g);
  }
  printf("lanes: %zu shipped scenario(s), every policy, %llu runs\n", n,
         (unsigned long long)runs());
  CHECK(n >= 10);
}

/* The ladder choice of the AVX2 kernel against the portable one (the scalar functions), number
 * by number: four runs of a scenario in lanes, and at every step the same state decided both
 * ways; the weights, totals and best actions of the last behavioural actor must be the same
 * bits, every actor the same act, every stream at the same place. A difference of one unit in
 * the last place shows here even when no draw of the engine test happens to turn on it. */
static size_t kernel_case(const char *path) {
  fixture f;
  if (!fixture_open(&f, path, NULL, 0)) return 0;
  brink_model_state *master[BRINK__LANES] = {NULL}, *a[BRINK__LANES] = {NULL},
                    *b[BRINK__LANES] = {NULL};
  brink__lanes *la = calloc(1, sizeof *la), *lb = calloc(1, sizeof *lb);
  size_t compared = 0;
  uint32_t np = (uint32_t)brink_scenario_policy_count(f.sc);
  uint64_t next_run = 0;
  for (uint32_t l = 0; l < BRINK__LANES; l++) {
    CHECK_INT(brink_model_state_new(f.ctx, f.model, &master[l]), BRINK_OK);
    CHECK_INT(brink_model_state_new(f.ctx, f.model, &a[l]), BRINK_OK);
    CHECK_INT(brink_model_state_new(f.ctx, f.model, &b[l]), BRINK_OK);
  }
  if (!la || !lb || !master[3] || !a[3] || !b[3]) goto done;
  for (uint32_t t = 0; t < 2000; t++) {
    for (uint32_t l = 0; l < BRINK__LANES; l++) {
      if (t == 0 || master[l]->s.ended) {
        brink_model_state_init(master[l], (uint32_t)(next_run % np), 11, next_run, NULL);
        next_run++;
      }
      brink_model_state_copy(a[l], master[l]);
      brink_model_state_copy(b[l], master[l]);
    }
    memset(la, 0, sizeof *la);
    memset(lb, 0, sizeof *lb);
    la->kind = BRINK__LANES_PORTABLE;
    lb->kind = BRINK__LANES_AVX2;
    for (uint32_t l = 0; l < BRINK__LANES; l++) {
      la->lane[l] = &a[l]->s;
      lb->lane[l] = &b[l]->s;
      brink__lanes_fill(lb, l);
    }
    brink__model_decide_lanes(la, 0xfu);
    brink__model_decide_lanes(lb, 0xfu);
    for (uint32_t l = 0; l < BRINK__LANES; l++) {
      CHECK(memcmp(a[l]->s.action, b[l]->s.action, sizeof a[l]->s.action) == 0);
      CHECK(memcmp(&a[l]->s.rng, &b[l]->s.rng, sizeof a[l]->s.rng) == 0);
      CHECK_INT(la->ok[l], lb->ok[l]);
      if (!la->ok[l]) continue; /* the lane did not weigh its options at this step */
      CHECK_INT(la->best[l], lb->best[l]);
      if (la->lambda[l] < 1e6) CHECK(memcmp(&la->total[l], &lb->total[l], sizeof(double)) == 0);
      for (uint32_t ok = la->ok[l]; ok; ok &= ok - 1) {
        uint32_t k = (uint32_t)__builtin_ctz(ok);
        CHECK(memcmp(&la->weight[k][l], &lb->weight[k][l], sizeof(double)) == 0);
        compared++;
      }
    }
    for (uint32_t l = 0; l < BRINK__LANES; l++) brink_model_state_step(master[l], NULL, NULL);
  }
done:
  for (uint32_t l = 0; l < BRINK__LANES; l++) {
    brink_model_state_free(master[l]);
    brink_model_state_free(a[l]);
    brink_model_state_free(b[l]);
  }
  free(la);
  free(lb);
  fixture_close(&f);
  return compared;
}

static void test_kernel(void) {
  if (!cpu_runs("avx2", BRINK__LANES_AVX2)) {
    printf("no AVX2 on this CPU: kernel not compared\n");
    return;
  }
  size_t korea = kernel_case("scenarios/korea/2022.yaml");
  size_t taiwan = kernel_case("scenarios/taiwan/2022.yaml");
  printf("kernel: %zu and %zu logit weights compared (Korea 2022, Taiwan 2022)\n", korea, taiwan);
  CHECK(korea > 1000);
  CHECK(taiwan > 1000);
}

#ifdef BRINK__LANES_HAVE_AVX2
/* The ladder across the actions (brink__ladder_wide_avx2, or with avx512
 * brink__ladder_wide_avx512) against the scalar functions, number by number, on the states of runs
 * of a scenario stepped one after another (every policy in turn; at each step of each run, every
 * behavioural actor): the same available actions, best action, weights (utilities when fully
 * rational) and total, bit for bit. With `set`, a value the scenario changes (rationality above
 * 1e6: the fully rational branch). */
static size_t wide_case(const char *path, const char *set, int avx512) {
  fixture f;
  const char *sets[] = {set};
  if (!fixture_open(&f, path, sets, set ? 1 : 0)) return 0;
  brink_model_state *st = NULL;
  size_t compared = 0;
  uint32_t np = (uint32_t)brink_scenario_policy_count(f.sc);
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &st), BRINK_OK);
  if (!st) goto done;
  const brink_model *m = f.model;
  for (uint64_t run = 0; run < 40; run++) {
    brink_model_state_init(st, (uint32_t)(run % np), 13, run, NULL);
    do {
      for (uint32_t bm = m->behavioural; bm; bm &= bm - 1) {
        uint32_t i = (uint32_t)__builtin_ctz(bm);
        double us[NACT], uw[NACT], ts = -1.0, tw = -2.0;
        uint32_t oks = 0, okw = 1;
        int bs = brink__ladder_scalar(&st->s, i, &oks, us, &ts);
        int bw = brink__ladder_wide(&st->s, i, &okw, uw, &tw, avx512);
        CHECK_INT(bs, bw);
        CHECK_INT(oks, okw);
        if (bs < 0) continue;
        CHECK(memcmp(&ts, &tw, sizeof ts) == 0);
        for (uint32_t ok = oks; ok; ok &= ok - 1) {
          uint32_t a = (uint32_t)__builtin_ctz(ok);
          CHECK(memcmp(&us[a], &uw[a], sizeof us[a]) == 0);
          compared++;
        }
      }
    } while (!brink_model_state_step(st, NULL, NULL));
  }
done:
  brink_model_state_free(st);
  fixture_close(&f);
  return compared;
}
#endif

static void test_wide(void) {
  if (!cpu_runs("wide", BRINK__LANES_WIDE)) {
    printf("no AVX2 on this CPU: the ladder across the actions not compared\n");
    return;
  }
#ifdef BRINK__LANES_HAVE_AVX2
  const int avx512 = cpu_runs("wide512", BRINK__LANES_WIDE512);
  if (!avx512) printf("no AVX-512 on this CPU: the eight-action kernel not compared\n");
  for (int kernel = 0; kernel <= avx512; kernel++) {
    size_t korea = wide_case("scenarios/korea/2022.yaml", NULL, kernel);
    size_t taiwan = wide_case("scenarios/taiwan/2022.yaml", NULL, kernel);
    size_t rational = wide_case("scenarios/korea/2022.yaml", "actors.DPRK.rationality=1e7", kernel);
    printf("wide (%s): %zu, %zu and %zu weights or utilities compared (Korea 2022, Taiwan 2022, "
           "Korea fully rational)\n",
           kernel ? "AVX-512" : "AVX2", korea, taiwan, rational);
    CHECK(korea > 1000);
    CHECK(taiwan > 1000);
    CHECK(rational > 1000);
  }
#endif
}

#ifdef BRINK__LANES_HAVE_AVX2
/* The choice the scalar path makes from the draw (sample_choice in model_run.c): the first
 * available action at which draw x total, less the weights in action order, falls below 0. */
static int chain_choice(double draw, const double *w, uint32_t ok, double total) {
  double u = draw * total;
  int last = -1;
  for (; ok; ok &= ok - 1) {
    uint32_t a = (uint32_t)__builtin_ctz(ok);
    last = (int)a;
    u -= w[a];
    if (u < 0.0) return (int)a;
  }
  return last;
}

typedef struct choose_counts {
  size_t random, random_open, edge, edge_open;
} choose_counts;

/* One draw: the kernel's choice (brink__ladder_choose) is the chain's whenever it gives one. */
static void choose_draw(const run_state *s, uint32_t i, double draw, int avx512, const double *w,
                        uint32_t ok, double total, size_t *decided, size_t *open) {
  int fast = brink__ladder_choose(s, i, draw, avx512);
  if (fast == -2) {
    (*open)++;
    return;
  }
  CHECK_INT(fast, chain_choice(draw, w, ok, total));
  (*decided)++;
}

/* The ladder choice without the exact chain (brink__ladder_choose_avx2, or with avx512
 * brink__ladder_choose_avx512) against the chain, on
 * the states of runs of a scenario: at each step, for each behavioural actor below full
 * rationality with finite utilities, 32 draws from the generator's grid of 2^-32 and, for each
 * available action, draws on the edge between it and the next: the chain's running sum over the
 * total, the doubles next to it, and points 1e-12 and 1e-9 away. */
static void choose_case(const char *path, int avx512, choose_counts *n) {
  fixture f;
  if (!fixture_open(&f, path, NULL, 0)) return;
  brink_model_state *st = NULL;
  uint32_t np = (uint32_t)brink_scenario_policy_count(f.sc);
  uint64_t lcg = 0x9e3779b97f4a7c15ull;
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &st), BRINK_OK);
  if (!st) goto done;
  const brink_model *m = f.model;
  for (uint64_t run = 0; run < 24; run++) {
    brink_model_state_init(st, (uint32_t)(run % np), 19, run, NULL);
    do {
      for (uint32_t bm = m->behavioural; bm; bm &= bm - 1) {
        uint32_t i = (uint32_t)__builtin_ctz(bm), ok = 0;
        double w[NACT], total = 0.0;
        if (brink__ladder_scalar(&st->s, i, &ok, w, &total) < 0 ||
            st->s.num.actor[i][BRINK_ACTOR_RATIONALITY] >= 1e6)
          continue;
        for (int k = 0; k < 32; k++) {
          lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
          double draw = (double)(lcg >> 32) * 0x1p-32;
          choose_draw(&st->s, i, draw, avx512, w, ok, total, &n->random, &n->random_open);
        }
        double sum = 0.0;
        for (uint32_t b = ok; b; b &= b - 1) {
          sum += w[__builtin_ctz(b)];
          const double edge = sum / total;
          const double draws[] = {edge,         nextafter(edge, 0.0), nextafter(edge, 1.0),
                                  edge - 1e-12, edge + 1e-12,         edge - 1e-9,
                                  edge + 1e-9};
          for (size_t d = 0; d < sizeof draws / sizeof draws[0]; d++)
            if (draws[d] >= 0.0 && draws[d] < 1.0)
              choose_draw(&st->s, i, draws[d], avx512, w, ok, total, &n->edge, &n->edge_open);
        }
      }
    } while (!brink_model_state_step(st, NULL, NULL));
  }
done:
  brink_model_state_free(st);
  fixture_close(&f);
}
#endif

static void test_choose(void) {
  if (!cpu_runs("wide", BRINK__LANES_WIDE)) {
    printf("no AVX2 on this CPU: the choice without the chain not compared\n");
    return;
  }
#ifdef BRINK__LANES_HAVE_AVX2
  const int avx512 = cpu_runs("wide512", BRINK__LANES_WIDE512);
  for (int kernel = 0; kernel <= avx512; kernel++) {
    choose_counts n = {0, 0, 0, 0};
    choose_case("scenarios/korea/2022.yaml", kernel, &n);
    choose_case("scenarios/taiwan/2022.yaml", kernel, &n);
    printf("choice without the chain (%s): %zu random draws decided (%zu left to the chain), %zu "
           "draws at edges decided (%zu left to the chain)\n",
           kernel ? "AVX-512" : "AVX2", n.random, n.random_open, n.edge, n.edge_open);
    CHECK(n.random > 10000);
    CHECK(n.random_open * 10000 <= n.random); /* about one in 10^9 expected */
    CHECK(n.edge > 1000);                     /* 1e-9 away: decided */
    CHECK(n.edge_open > 1000);                /* on the edge: left to the chain */
  }
#endif
}

#ifdef BRINK__LANES_HAVE_AVX2
/* Runs of a scenario by the engine's run across the actions (brink__model_run_patched_wide)
 * with the ladder's margin 2, which leaves every choice to the exact chain from the kernel's draw,
 * and with the shipped margin, against one run after another (brink__model_run_patched): every
 * field of every result and the tension series, for every policy. */
static size_t chain_case(const char *path, int avx512) {
  fixture f;
  if (!fixture_open(&f, path, NULL, 0)) return 0;
  const brink_model *m = f.model;
  const uint32_t np = (uint32_t)brink_scenario_policy_count(f.sc), horizon = brink_model_horizon(m);
  run_state *s = calloc(1, sizeof *s), *start = calloc(1, sizeof *start);
  run_state *ref = calloc(1, sizeof *ref);
  brink__ladder *L = calloc(1, sizeof *L);
  double *tension = calloc(horizon, sizeof *tension), *tref = calloc(horizon, sizeof *tref);
  brink_buf a, b;
  brink_buf_init(&a, f.ctx, 0);
  brink_buf_init(&b, f.ctx, 0);
  size_t compared = 0;
  if (!s || !start || !ref || !L || !tension || !tref) goto done;
  brink__ladder_kernel(L, avx512);
  for (int pass = 0; pass < 2; pass++) {
    L->margin = pass ? BRINK__CHOICE_MARGIN : 2.0;
    for (uint64_t run = 0; run < 30; run++) {
      double params[BRINK_MAX_PARAMS];
      brink_model_sample_params(m, 23, run, params);
      brink__model_patch(m, s, params);
      brink__model_patch(m, ref, params);
      for (uint32_t p = 0; p < np; p++) {
        brink_run_result rw, rs;
        brink__model_run_patched_wide(s, start, L, p == 0, p, 23, run, params, &rw, tension);
        brink__model_run_patched(ref, p, 23, run, params, &rs, tref);
        brink_buf_reset(&a);
        brink_buf_reset(&b);
        on_run(&a, run, p, &rw, params);
        on_run(&b, run, p, &rs, params);
        CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
        CHECK(rw.steps_run == rs.steps_run &&
              memcmp(tension, tref, rw.steps_run * sizeof *tension) == 0);
        compared++;
      }
    }
  }
done:
  brink_buf_release(&a);
  brink_buf_release(&b);
  free(tension);
  free(tref);
  free(L);
  free(ref);
  free(start);
  free(s);
  fixture_close(&f);
  return compared;
}
#endif

static void test_chain(void) {
  if (!cpu_runs("wide", BRINK__LANES_WIDE)) {
    printf("no AVX2 on this CPU: the runs across the actions not compared\n");
    return;
  }
#ifdef BRINK__LANES_HAVE_AVX2
  const int avx512 = cpu_runs("wide512", BRINK__LANES_WIDE512);
  for (int kernel = 0; kernel <= avx512; kernel++) {
    size_t korea = chain_case("scenarios/korea/2022.yaml", kernel);
    size_t taiwan = chain_case("scenarios/taiwan/2022.yaml", kernel);
    printf("runs with every choice left to the chain, and with the margin (%s): %zu and %zu "
           "compared (Korea 2022, Taiwan 2022)\n",
           kernel ? "AVX-512" : "AVX2", korea, taiwan);
    CHECK(korea >= 60);
    CHECK(taiwan >= 60);
  }
#endif
}

/* The choice probabilities of the state API (brink_model_state_choice_probs, which the particle
 * filter weighs particles with) from the ladder kernel of the default kind against the scalar
 * functions (a state made under BRINK_LANES=off), bit for bit, at every step of runs of a
 * scenario, for every behavioural actor. */
static size_t probs_case(const char *path, const char *set) {
  fixture f;
  const char *sets[] = {set};
  if (!fixture_open(&f, path, sets, set ? 1 : 0)) return 0;
  brink_model_state *wide = NULL, *scalar = NULL;
  size_t compared = 0;
  uint32_t np = (uint32_t)brink_scenario_policy_count(f.sc);
  unsetenv("BRINK_LANES");
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &wide), BRINK_OK);
  setenv("BRINK_LANES", "off", 1);
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &scalar), BRINK_OK);
  unsetenv("BRINK_LANES");
  if (!wide || !scalar) goto done;
  const brink_model *m = f.model;
  for (uint64_t run = 0; run < 30; run++) {
    brink_model_state_init(wide, (uint32_t)(run % np), 17, run, NULL);
    brink_model_state_init(scalar, (uint32_t)(run % np), 17, run, NULL);
    int ended = 0;
    while (!ended) {
      for (uint32_t bm = m->behavioural; bm; bm &= bm - 1) {
        uint32_t i = (uint32_t)__builtin_ctz(bm);
        double pw[BRINK_MAX_ACTIONS], ps[BRINK_MAX_ACTIONS];
        memset(pw, 0, sizeof pw);
        memset(ps, 0, sizeof ps);
        CHECK_INT(brink_model_state_choice_probs(wide, i, pw), BRINK_OK);
        CHECK_INT(brink_model_state_choice_probs(scalar, i, ps), BRINK_OK);
        CHECK(memcmp(pw, ps, sizeof pw) == 0);
        compared += m->actors[i].n_actions;
      }
      ended = brink_model_state_step(wide, NULL, NULL);
      CHECK_INT(brink_model_state_step(scalar, NULL, NULL), ended);
    }
  }
done:
  brink_model_state_free(wide);
  brink_model_state_free(scalar);
  fixture_close(&f);
  return compared;
}

static void test_choice_probs(void) {
  unsetenv("BRINK_LANES");
  const brink__lanes_kind kind = brink__lanes_select();
  if (!brink__lanes_wide(kind)) {
    printf("no AVX2 on this CPU: the state API's choice probabilities use the scalar functions\n");
    return;
  }
  size_t korea = probs_case("scenarios/korea/2022.yaml", NULL);
  size_t taiwan = probs_case("scenarios/taiwan/2022.yaml", NULL);
  size_t rational = probs_case("scenarios/korea/2022.yaml", "actors.DPRK.rationality=1e7");
  printf("choice probabilities (%s): %zu, %zu and %zu compared (Korea 2022, Taiwan 2022, Korea "
         "fully rational)\n",
         kind == BRINK__LANES_WIDE512 ? "AVX-512" : "AVX2", korea, taiwan, rational);
  CHECK(korea > 1000);
  CHECK(taiwan > 1000);
  CHECK(rational > 1000);
}

/* The automatic choice: the ladder across the actions eight at a time wherever the CPU has
 * AVX-512, four at a time where it has AVX2, one run after another compiled for the base
 * instruction set elsewhere; BRINK_LANES overrides it. */
static void test_select(void) {
  unsetenv("BRINK_LANES");
  const brink__lanes_kind chosen = brink__lanes_select();
  const int avx2 = cpu_runs("avx2", BRINK__LANES_AVX2);
  const int avx512 = cpu_runs("wide512", BRINK__LANES_WIDE512);
  CHECK_INT(chosen, avx512 ? BRINK__LANES_WIDE512 : avx2 ? BRINK__LANES_WIDE : BRINK__LANES_OFF);
  CHECK_INT(cpu_runs("wide", BRINK__LANES_WIDE), avx2);
  CHECK(avx2 || !avx512);
  CHECK(cpu_runs("off", BRINK__LANES_OFF));
  CHECK(cpu_runs("portable", BRINK__LANES_PORTABLE));
}

int main(void) {
  RUN(test_select);
  RUN(test_kernel);
  RUN(test_wide);
  RUN(test_choose);
  RUN(test_chain);
  RUN(test_choice_probs);
  RUN(test_shipped_scenarios);
  return harness_finish("test_lanes");
}
