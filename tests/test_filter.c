/* SPDX-License-Identifier: MIT */
/* The particle filter (brink/filter.h) on records simulated by the model itself: exact where
 * every particle is the same, discriminating between the true and a wrong hidden type, the
 * same bytes for any thread count, errors, allocation failures. */
#include <math.h>
#include <string.h>

#include "brink/filter.h"
#include "model_util.h"
#include "scenario_internal.h"

#define CRISIS "tests/data/model/crisis.yaml"
#define STEPS 104

typedef struct recorder {
  int *acts; /* [STEPS * n_actors] */
  uint32_t n_actors;
} recorder;

static void record_step(void *ud, const brink_step_view *v) {
  recorder *r = ud;
  for (uint32_t i = 0; i < r->n_actors; i++) r->acts[v->step * r->n_actors + i] = v->actions[i];
}

/* Simulates one run of policy p and writes every actor's act per step (the record). */
static uint32_t simulate(fixture *f, uint32_t p, uint64_t seed, uint64_t run, int *acts) {
  recorder rec = {acts, (uint32_t)f->sc->n_actors};
  brink_run_observer obs = {NULL, record_step, &rec};
  brink_run_result res;
  brink_model_run(f->model, p, seed, run, &res, NULL, &obs);
  return res.steps_run;
}

/* With no uncertain parameter, a fixed type, no noise and no chance event, every particle is
 * the same state, so the filter's log-likelihood is exactly the sum of the log choice
 * probabilities along one replay, and its Monte Carlo error is 0. */
static void test_exact_when_particles_agree(void) {
  const char *sets[] = {"params.greed=1",         "model.noise=0",          "model.incident_base=0",
                        "model.attack_hazard=0",  "model.preempt_hazard=0", "model.veto_base=-20",
                        "model.track_collapse=0", "model.mediate_base=-20"};
  fixture f;
  if (!fixture_open(&f, CRISIS, sets, 8)) return;
  int p = brink_scenario_find_policy(f.sc, "maximum_pressure");
  int red = brink_scenario_find_actor(f.sc, "Red");
  uint32_t na = (uint32_t)f.sc->n_actors;
  int acts[STEPS * 8];
  uint32_t steps = simulate(&f, (uint32_t)p, 21, 0, acts);
  CHECK_INT(steps, STEPS);
  /* The direct replay. */
  brink_model_state *st = NULL;
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &st), BRINK_OK);
  double direct = 0.0, probs[BRINK_MAX_ACTIONS];
  brink_model_state_init(st, UINT32_MAX, 99, 0, NULL);
  for (uint32_t t = 0; st && t < steps; t++) {
    CHECK_INT(brink_model_state_choice_probs(st, (uint32_t)red, probs), BRINK_OK);
    direct += log(probs[acts[t * na + (uint32_t)red]]);
    for (uint32_t i = 0; i < na; i++) brink_model_state_force(st, i, acts[t * na + i]);
    brink_model_state_step(st, NULL, NULL);
  }
  brink_model_state_free(st);
  brink_filter_data d = {steps, na, acts, 1u << red, 0.0};
  brink_filter_options o = {
      .particles = 64, .replicates = 3, .seed = 5, .threads = 2, .ess_fraction = 0.5};
  brink_filter_result *r = NULL;
  CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &o, &r), BRINK_OK);
  if (r) {
    fprintf(stderr, "exact: filter %.12f, direct replay %.12f nats\n", r->loglik, direct);
    CHECK(direct < -10.0); /* a real likelihood, not a trivial one */
    CHECK_NEAR(r->loglik, direct, 1e-9 * fabs(direct));
    CHECK_NEAR(r->loglik_se, 0.0, 1e-12);
    CHECK_NEAR(r->ess[steps - 1], 64.0, 1e-9);
    CHECK_INT(r->resamples, 0);
    CHECK_NEAR(r->p_greedy[(steps - 1) * na + (uint32_t)red], 1.0, 1e-12);
  }
  brink_filter_result_free(r);
  fixture_close(&f);
}

/* Records made by a greedy Red: under a 50/50 prior the filtered P(Red greedy) ends above
 * one half in most of them, and the likelihood with the true type beats the wrong one. */
static void test_type_is_learned(void) {
  const char *prior[] = {"params.greed=0.5"};
  const char *truth[] = {"params.greed=1"};
  const char *wrong[] = {"params.greed=0"};
  fixture fp, ft, fw;
  if (!fixture_open(&fp, CRISIS, prior, 1)) return;
  if (!fixture_open(&ft, CRISIS, truth, 1)) return;
  if (!fixture_open(&fw, CRISIS, wrong, 1)) return;
  int p = brink_scenario_find_policy(ft.sc, "proactive_diplomacy");
  int red = brink_scenario_find_actor(ft.sc, "Red");
  uint32_t na = (uint32_t)ft.sc->n_actors;
  int learned = 0, better = 0, records = 0;
  for (uint64_t run = 0; run < 6; run++) {
    int acts[STEPS * 8];
    uint32_t steps = simulate(&ft, (uint32_t)p, 4, run, acts);
    if (steps < 40) continue; /* a short record (war) says little */
    records++;
    brink_filter_data d = {steps, na, acts, 1u << red, 0.0};
    brink_filter_options o = {
        .particles = 400, .replicates = 1, .seed = 8, .threads = 2, .ess_fraction = 0.5};
    brink_filter_result *rp = NULL, *rt = NULL, *rw = NULL;
    CHECK_INT(brink_filter_run(fp.ctx, fp.model, &d, &o, &rp), BRINK_OK);
    CHECK_INT(brink_filter_run(ft.ctx, ft.model, &d, &o, &rt), BRINK_OK);
    CHECK_INT(brink_filter_run(fw.ctx, fw.model, &d, &o, &rw), BRINK_OK);
    if (rp && rt && rw) {
      double pg = rp->p_greedy[(steps - 1) * na + (uint32_t)red];
      fprintf(stderr, "record %llu: P(greedy) %.3f; loglik true %.2f, wrong %.2f, prior %.2f\n",
              (unsigned long long)run, pg, rt->loglik, rw->loglik, rp->loglik);
      learned += pg > 0.5;
      better += rt->loglik > rw->loglik;
      /* The 50/50 mixture's likelihood lies between the two types' (up to MC error). */
      CHECK(rp->loglik <= fmax(rt->loglik, rw->loglik) + 1.0);
    }
    brink_filter_result_free(rp);
    brink_filter_result_free(rt);
    brink_filter_result_free(rw);
  }
  CHECK(records >= 4);
  CHECK(learned >= records - 1);
  CHECK(better >= records - 1);
  fixture_close(&fp);
  fixture_close(&ft);
  fixture_close(&fw);
}

static void test_threads_same_bytes(void) {
  const char *sets[] = {"params.greed={dist: beta, a: 1, b: 1}"};
  fixture f;
  if (!fixture_open(&f, CRISIS, sets, 1)) return;
  uint32_t na = (uint32_t)f.sc->n_actors;
  int red = brink_scenario_find_actor(f.sc, "Red");
  int acts[STEPS * 8];
  uint32_t steps = simulate(&f, 0, 5, 1, acts);
  brink_filter_data d = {steps, na, acts, 1u << red, 0.0};
  brink_filter_result *r[3] = {NULL, NULL, NULL};
  for (int k = 0; k < 3; k++) {
    brink_filter_options o = {
        .particles = 300, .replicates = 2, .seed = 13, .threads = k + 1, .ess_fraction = 0.5};
    CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &o, &r[k]), BRINK_OK);
  }
  if (r[0] && r[1] && r[2]) {
    CHECK(r[0]->resamples > 0); /* resampling was exercised */
    for (int k = 1; k < 3; k++) {
      CHECK(memcmp(r[0]->loglik_rep, r[k]->loglik_rep, 2 * sizeof(double)) == 0);
      CHECK(memcmp(r[0]->ess, r[k]->ess, steps * sizeof(double)) == 0);
      CHECK(memcmp(r[0]->p_greedy, r[k]->p_greedy, steps * na * sizeof(double)) == 0);
    }
    CHECK(r[0]->loglik_rep[0] != r[0]->loglik_rep[1]); /* independent replicates */
  }
  for (int k = 0; k < 3; k++) brink_filter_result_free(r[k]);
  fixture_close(&f);
}

static void test_errors(void) {
  fixture f;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  uint32_t na = (uint32_t)f.sc->n_actors;
  int acts[4 * 8];
  for (size_t k = 0; k < 4 * na; k++) acts[k] = BRINK_FILTER_FREE;
  int blue = brink_scenario_find_actor(f.sc, "Blue"), red = brink_scenario_find_actor(f.sc, "Red");
  brink_filter_result *r = NULL;
  brink_filter_options o = {
      .particles = 10, .replicates = 1, .seed = 1, .threads = 1, .ess_fraction = 0.5};
  brink_filter_data d = {4, na, acts, 1u << blue, 0.0};
  CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &o, &r), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(f.ctx), "is not behavioural");
  d.scored = 1u << red;
  acts[0] = 99;
  CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &o, &r), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(f.ctx), "not on its ladder");
  acts[0] = BRINK_FILTER_FREE;
  o.particles = 0;
  CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &o, &r), BRINK_EINVAL);
  o.particles = 10;
  d.n_steps = 100000;
  CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &o, &r), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(f.ctx), "horizon");
  CHECK(r == NULL);
  /* A cancel flag set stops the filter after its first step, with no result. */
  d.n_steps = 4;
  volatile int cancel = 1;
  o.cancel = &cancel;
  CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &o, &r), BRINK_ECANCELED);
  CHECK_CONTAINS(brink_ctx_errmsg(f.ctx), "cancelled after 1 of 4 steps");
  CHECK(r == NULL);
  cancel = 0;
  CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &o, &r), BRINK_OK);
  brink_filter_result_free(r);
  fixture_close(&f);
}

static void test_allocation_failures(void) {
  fixture f;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  uint32_t na = (uint32_t)f.sc->n_actors;
  int red = brink_scenario_find_actor(f.sc, "Red");
  int acts[STEPS * 8];
  uint32_t steps = simulate(&f, 0, 5, 2, acts);
  brink_filter_data d = {steps < 20 ? steps : 20, na, acts, 1u << red, 0.0};
  brink_filter_options o = {.particles = 8,
                            .replicates = 1,
                            .seed = 1,
                            .threads = 1,
                            .ess_fraction = 0.5,
                            .keep_particles = 1};
  size_t before = brink_ctx_bytes_in_use(f.ctx);
  uint64_t start = brink_ctx_alloc_count(f.ctx);
  brink_filter_result *r = NULL;
  CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &o, &r), BRINK_OK);
  uint64_t n = brink_ctx_alloc_count(f.ctx) - start;
  brink_filter_result_free(r);
  CHECK(n >= 10);
  for (uint64_t k = 1; k <= n; k++) {
    brink_ctx_fail_after(f.ctx, k);
    r = NULL;
    CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &o, &r), BRINK_ENOMEM);
    CHECK(r == NULL);
    CHECK_INT(brink_ctx_bytes_in_use(f.ctx), before);
  }
  brink_ctx_fail_after(f.ctx, 0);
  fixture_close(&f);
}

/* Windows: particles move to another window's model at its first step; with the same model
 * nothing changes, and a window of another structure is refused. */
static void test_windows(void) {
  fixture f, h;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  if (!fixture_open(&h, "tests/data/model/hazard.yaml", NULL, 0)) return;
  uint32_t na = (uint32_t)f.sc->n_actors;
  int red = brink_scenario_find_actor(f.sc, "Red");
  int acts[STEPS * 8];
  uint32_t steps = simulate(&f, 0, 5, 3, acts);
  brink_filter_data d = {steps, na, acts, 1u << red, 0.0};
  const brink_model *windows[] = {f.model};
  const uint32_t at[] = {steps / 2};
  brink_filter_options plain = {
      .particles = 100, .replicates = 1, .seed = 3, .threads = 2, .ess_fraction = 0.5};
  brink_filter_options win = {.particles = 100,
                              .replicates = 1,
                              .seed = 3,
                              .threads = 2,
                              .ess_fraction = 0.5,
                              .windows = windows,
                              .window_steps = at,
                              .n_windows = 1};
  brink_filter_result *a = NULL, *b = NULL;
  CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &plain, &a), BRINK_OK);
  CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &win, &b), BRINK_OK);
  if (a && b) CHECK(a->loglik == b->loglik);
  brink_filter_result_free(a);
  brink_filter_result_free(b);
  const brink_model *other[] = {h.model};
  CHECK_INT(brink_model_set_horizon(h.ctx, h.model, STEPS), BRINK_OK);
  win.windows = other;
  b = NULL;
  CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &win, &b), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(f.ctx), "differs in structure");
  CHECK(b == NULL);
  fixture_close(&f);
  fixture_close(&h);
}

int main(void) {
  RUN(test_windows);
  RUN(test_exact_when_particles_agree);
  RUN(test_type_is_learned);
  RUN(test_threads_same_bytes);
  RUN(test_errors);
  RUN(test_allocation_failures);
  return harness_finish("test_filter");
}
