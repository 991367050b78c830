/* SPDX-License-Identifier: MIT */
/* Calibration (brink/calibrate.h) on records simulated by the model from known parameters:
 * simulation-based calibration over replications (Talts et al. 2018: the truth drawn from the
 * prior, then its rank among the posterior draws and whether the 95% slice interval holds it),
 * a parameter the record cannot see reported flat, two windows whose parameter lists differ,
 * the posterior file read back, the same bytes for any thread count, and bad options. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "brink/calibrate.h"
#include "brink/rng.h"
#include "model_util.h"
#include "scenario_internal.h"

#define CRISIS "tests/data/model/crisis.yaml"
#define STEPS 300
#define DRAWS 200

typedef struct recorder {
  int *acts;
  uint32_t n;
} recorder;

static void record_step(void *ud, const brink_step_view *v) {
  recorder *r = ud;
  for (uint32_t i = 0; i < r->n; i++) r->acts[v->step * r->n + i] = v->actions[i];
}

/* Red's rationality `rat` and an unused parameter `idle`; no war (the record has none). */
static int open_case(fixture *f, const char *rat, const char *idle) {
  const char *sets[] = {rat,
                        idle,
                        "actors.Red.rationality=$rat",
                        "model.incident_base=0",
                        "model.attack_hazard=0",
                        "model.preempt_hazard=0",
                        "params.greed=0"};
  if (!fixture_open(f, CRISIS, sets, 7)) return 0;
  return brink_model_set_horizon(f->ctx, f->model, STEPS) == BRINK_OK;
}

/* A record of STEPS weeks simulated with rationality `truth` (run `seed` of the model). */
static int *simulate(double truth, uint64_t seed, uint32_t *n_actors) {
  char set[64];
  snprintf(set, sizeof set, "params.rat={value: %.17g}", truth);
  fixture t;
  if (!open_case(&t, set, "params.idle={value: 1}")) return NULL;
  uint32_t na = (uint32_t)t.sc->n_actors;
  int *acts = calloc((size_t)STEPS * na, sizeof *acts);
  recorder rec = {acts, na};
  brink_run_observer obs = {NULL, record_step, &rec};
  brink_run_result res;
  int p = brink_scenario_find_policy(t.sc, "maximum_pressure");
  brink_model_run(t.model, (uint32_t)p, seed, 0, &res, NULL, &obs);
  CHECK_INT(res.steps_run, STEPS);
  fixture_close(&t);
  *n_actors = na;
  return acts;
}

static const char *const PRIOR_RAT = "params.rat={dist: uniform, lo: 0.5, hi: 5}";
static const char *const PRIOR_IDLE = "params.idle={dist: uniform, lo: 0, hi: 1}";

/* The command's settings in small: refined slices (--slice-refine 2, its default). */
static brink_calibrate_options options(const uint32_t *free, size_t n_free, int threads,
                                       uint64_t seed) {
  brink_calibrate_options o = {200, 10, 0.05, 0.8,     free, n_free, 7,
                               200, 2,  seed, threads, NULL, NULL,   2};
  return o;
}

/* Simulation-based calibration: R truths from the prior; the rank of each among the posterior
 * draws should be uniform, and the 95% interval should hold most of them. */
static void test_sbc(void) {
  /* 10 replications in make test; BRINK_SBC_REPS=N for a longer check (docs/validation.md). */
  enum { R_MAX = 1000 };
  const char *env = getenv("BRINK_SBC_REPS");
  int R = env && atoi(env) > 0 && atoi(env) <= R_MAX ? atoi(env) : 10;
  static uint32_t below[R_MAX];
  uint32_t covered = 0;
  brink_rng rng;
  brink_rng_init(&rng, 2024, 0, 0);
  for (int rep = 0; rep < R; rep++) {
    double truth = 0.5 + 4.5 * brink_rng_uniform(&rng);
    uint32_t na = 0;
    int *acts = simulate(truth, 100 + (uint64_t)rep, &na);
    fixture e;
    if (!acts || !open_case(&e, PRIOR_RAT, PRIOR_IDLE)) return;
    int red = brink_scenario_find_actor(e.sc, "Red");
    uint32_t rat = (uint32_t)brink_scenario_find_param(e.sc, "rat");
    brink_filter_data d = {STEPS, na, acts, 1u << red, 0.0};
    brink_calibrate_options o = options(&rat, 1, 2, 7 + (uint64_t)rep);
    uint32_t step0 = 0;
    brink_calibrate_result *r = NULL;
    CHECK_INT(brink_calibrate_run(e.ctx, &e.model, &step0, 1, &d, &o, &r), BRINK_OK);
    if (r) {
      const brink_calibrate_slice *s = &r->slices[0];
      double draws[DRAWS];
      CHECK_INT(brink_calibrate_sample(e.ctx, r, e.sc, 3, DRAWS, draws), BRINK_OK);
      below[rep] = 0;
      for (int k = 0; k < DRAWS; k++) below[rep] += draws[k] < truth;
      int in = truth >= s->lo && truth <= s->hi;
      covered += (uint32_t)in;
      fprintf(stderr, "truth %.3f: estimate %.3f, 95%% [%.3f, %.3f]%s, rank %u of %d%s\n", truth,
              s->estimate, s->lo, s->hi, in ? "" : " (missed)", below[rep], DRAWS,
              s->flat ? ", flat" : "");
      CHECK(!s->flat); /* 300 weeks of choices identify the rationality */
    }
    brink_calibrate_result_free(r);
    fixture_close(&e);
    free(acts);
  }
  /* 95% intervals: at least 80% of the truths (for 10: P(fewer than 8) < 0.012 at the nominal
   * rate). Ranks: not piled at either end (each outer tenth of the ranks holds at most 40%). */
  uint32_t low = 0, high = 0, tenths[10] = {0};
  for (int rep = 0; rep < R; rep++) {
    low += below[rep] < DRAWS / 10;
    high += below[rep] > DRAWS - DRAWS / 10;
    tenths[below[rep] * 10 / (DRAWS + 1)]++;
  }
  fprintf(stderr,
          "SBC: %d replications, %u truths inside the 95%% slice interval (%.0f%%); ranks "
          "by tenth:",
          R, covered, 100.0 * covered / R);
  for (int k = 0; k < 10; k++) fprintf(stderr, " %u", tenths[k]);
  fprintf(stderr, "\n");
  CHECK(covered * 10 >= 8u * (uint32_t)R);
  CHECK(low * 10 <= 4u * (uint32_t)R && high * 10 <= 4u * (uint32_t)R);
}

/* A parameter that nothing reads is flat, and its posterior is its prior. */
static void test_flat_parameter(void) {
  uint32_t na = 0;
  int *acts = simulate(2.0, 41, &na);
  fixture e;
  if (!acts || !open_case(&e, PRIOR_RAT, PRIOR_IDLE)) return;
  int red = brink_scenario_find_actor(e.sc, "Red");
  uint32_t params[2] = {(uint32_t)brink_scenario_find_param(e.sc, "rat"),
                        (uint32_t)brink_scenario_find_param(e.sc, "idle")};
  brink_filter_data d = {STEPS, na, acts, 1u << red, 0.0};
  brink_calibrate_options o = options(params, 2, 2, 11);
  uint32_t step0 = 0;
  brink_calibrate_result *r = NULL;
  CHECK_INT(brink_calibrate_run(e.ctx, &e.model, &step0, 1, &d, &o, &r), BRINK_OK);
  if (r) {
    CHECK(!r->slices[0].flat);
    CHECK(r->slices[1].flat);
    double draws[2 * DRAWS], mean = 0.0;
    CHECK_INT(brink_calibrate_sample(e.ctx, r, e.sc, 5, DRAWS, draws), BRINK_OK);
    for (int k = 0; k < DRAWS; k++) mean += draws[2 * k + 1] / DRAWS;
    CHECK(fabs(mean - 0.5) < 0.1); /* uniform(0, 1): mean 0.5, its sd over 200 draws 0.02 */
    /* The file: read back as a posterior of the model. */
    const char *path = "test_calibrate_posterior.tsv";
    CHECK_INT(
        brink_calibrate_write_posterior(e.ctx, r, e.sc, draws, DRAWS, "test\nsecond line", path),
        BRINK_OK);
    CHECK_INT(brink_model_load_posterior(e.ctx, e.model, path), BRINK_OK);
    double v[BRINK_MAX_PARAMS];
    brink_model_sample_params(e.model, 1, 0, v);
    int found = 0;
    for (int k = 0; k < DRAWS; k++) found |= v[params[0]] == draws[2 * k];
    CHECK(found);
    remove(path);
  }
  brink_calibrate_result_free(r);
  fixture_close(&e);
  free(acts);
}

/* Two windows: `idle` is a parameter of the first only, so the parameter lists differ; the
 * calibration maps `rat` by name; same bytes on 1 and 2 threads. */
static void test_windows_and_threads(void) {
  uint32_t na = 0;
  int *acts = simulate(3.0, 43, &na);
  fixture a, b;
  /* In a, idle comes before rat; b has no idle: rat sits at another index. */
  if (!acts || !open_case(&a, PRIOR_IDLE, PRIOR_RAT)) return;
  if (!open_case(&b, PRIOR_RAT, "params.greed=0")) return;
  CHECK(brink_model_n_params(a.model) != brink_model_n_params(b.model));
  int red = brink_scenario_find_actor(a.sc, "Red");
  uint32_t rat = (uint32_t)brink_scenario_find_param(a.sc, "rat");
  CHECK(rat != (uint32_t)brink_scenario_find_param(b.sc, "rat"));
  brink_filter_data d = {STEPS, na, acts, 1u << red, 0.0};
  brink_model *windows[2] = {a.model, b.model};
  uint32_t steps[2] = {0, 150};
  double est[2] = {0, 0}, ll[2] = {0, 0};
  for (int threads = 1; threads <= 2; threads++) {
    brink_calibrate_options o = options(&rat, 1, threads, 13);
    brink_calibrate_result *r = NULL;
    CHECK_INT(brink_calibrate_run(a.ctx, windows, steps, 2, &d, &o, &r), BRINK_OK);
    if (r) {
      est[threads - 1] = r->slices[0].estimate;
      ll[threads - 1] = r->loglik;
      fprintf(stderr, "two windows, %d thread(s): estimate %.3f, 95%% [%.3f, %.3f]\n", threads,
              r->slices[0].estimate, r->slices[0].lo, r->slices[0].hi);
      /* Mapped to the wrong slot, the second half would not see rat: a flatter slice. */
      CHECK(!r->slices[0].flat);
      CHECK(fabs(r->slices[0].estimate - 3.0) < 1.5);
    }
    brink_calibrate_result_free(r);
  }
  CHECK(est[0] == est[1]);
  CHECK(ll[0] == ll[1]);
  /* The windows carry no posterior afterwards. */
  double v[BRINK_MAX_PARAMS], w[BRINK_MAX_PARAMS];
  brink_model_sample_params(a.model, 1, 0, v);
  CHECK_INT(brink_model_set_posterior(a.ctx, a.model, NULL, 0, NULL, 0), BRINK_OK);
  brink_model_sample_params(a.model, 1, 0, w);
  CHECK(v[rat] == w[rat]);
  fixture_close(&a);
  fixture_close(&b);
  free(acts);
}

/* Refinement: the same grid and the same log-likelihood at every grid point, plus slice_refine
 * points strictly inside each segment where the unrefined slice crosses its cut, in ascending
 * order, every point keeping its own filters' log-likelihoods. */
static void test_refine(void) {
  uint32_t na = 0;
  int *acts = simulate(2.0, 47, &na);
  fixture e;
  if (!acts || !open_case(&e, PRIOR_RAT, PRIOR_IDLE)) return;
  int red = brink_scenario_find_actor(e.sc, "Red");
  uint32_t rat = (uint32_t)brink_scenario_find_param(e.sc, "rat");
  brink_filter_data d = {STEPS, na, acts, 1u << red, 0.0};
  uint32_t step0 = 0;
  brink_calibrate_result *r[2] = {NULL, NULL};
  for (int k = 0; k < 2; k++) {
    brink_calibrate_options o = options(&rat, 1, 2, 17);
    o.slice_refine = k ? 3 : 0;
    CHECK_INT(brink_calibrate_run(e.ctx, &e.model, &step0, 1, &d, &o, &r[k]), BRINK_OK);
  }
  if (r[0] && r[1]) {
    const brink_calibrate_slice *a = &r[0]->slices[0], *b = &r[1]->slices[0];
    CHECK(a->estimate == b->estimate);
    int crossed = !a->lo_open + !a->hi_open;
    CHECK(crossed > 0); /* 300 weeks identify the rationality: the test needs a crossing */
    CHECK_INT(b->n_points, a->n_points + 3u * (uint32_t)crossed);
    uint32_t j = 0, added = 0;
    for (uint32_t i = 0; i < b->n_points; i++) {
      if (i) CHECK(b->x[i] > b->x[i - 1]);
      if (j < a->n_points && b->x[i] == a->x[j]) {
        CHECK(b->loglik[i] == a->loglik[j]);
        CHECK(b->se[i] == a->se[j]);
        /* each point's filters moved with it: the same errors of the difference from the best */
        if (a->best == b->best) CHECK(b->se_diff[i] == a->se_diff[j]);
        j++;
        continue;
      }
      added++;
      /* inside a segment of the unrefined grid whose ends straddle the cut */
      CHECK(j > 0 && j < a->n_points);
      if (j > 0 && j < a->n_points) {
        double cut = fmax(a->loglik[j - 1], a->loglik[j]);
        for (uint32_t q = 0; q < a->n_points; q++) cut = fmax(cut, a->loglik[q]);
        cut -= 1.920729410347062;
        CHECK((a->loglik[j - 1] < cut) != (a->loglik[j] < cut));
      }
    }
    CHECK_INT(j, a->n_points);
    CHECK_INT(added, 3u * (uint32_t)crossed);
    fprintf(stderr, "refined slice: 95%% [%.3f, %.3f] on %u points, unrefined [%.3f, %.3f]\n",
            b->lo, b->hi, b->n_points, a->lo, a->hi);
  }
  brink_calibrate_result_free(r[0]);
  brink_calibrate_result_free(r[1]);
  fixture_close(&e);
  free(acts);
}

static void test_errors(void) {
  fixture e;
  if (!open_case(&e, PRIOR_RAT, PRIOR_IDLE)) return;
  uint32_t na = (uint32_t)e.sc->n_actors;
  int acts[8 * 10];
  for (int k = 0; k < 80; k++) acts[k] = -1;
  brink_filter_data d = {10, na, acts, 0, 0.0};
  uint32_t rat = (uint32_t)brink_scenario_find_param(e.sc, "rat");
  uint32_t twice[2] = {rat, rat};
  uint32_t step0 = 0;
  brink_calibrate_result *r = NULL;
  brink_calibrate_options o = options(twice, 2, 1, 1);
  CHECK_INT(brink_calibrate_run(e.ctx, &e.model, &step0, 1, &d, &o, &r), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(e.ctx), "named twice");
  o = options(&rat, 1, 1, 1);
  o.slice_points = 2;
  CHECK_INT(brink_calibrate_run(e.ctx, &e.model, &step0, 1, &d, &o, &r), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(e.ctx), "slice points");
  o.slice_points = 5;
  o.slice_replicates = 1;
  CHECK_INT(brink_calibrate_run(e.ctx, &e.model, &step0, 1, &d, &o, &r), BRINK_EINVAL);
  CHECK(r == NULL);
  o.slice_replicates = 2;
  o.slice_refine = BRINK_CALIBRATE_MAX_REFINE + 1;
  CHECK_INT(brink_calibrate_run(e.ctx, &e.model, &step0, 1, &d, &o, &r), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(e.ctx), "slice refinement");
  CHECK(r == NULL);
  fixture_close(&e);
}

int main(void) {
  RUN(test_sbc);
  RUN(test_flat_parameter);
  RUN(test_windows_and_threads);
  RUN(test_refine);
  RUN(test_errors);
  return harness_finish("test_calibrate");
}
