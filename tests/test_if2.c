/* SPDX-License-Identifier: MIT */
/* Iterated filtering (brink/if2.h) on records simulated by the model with a known parameter:
 * the estimate lands near the truth, follows it when the truth changes, and is the same for
 * any thread count; bad options are refused. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "brink/if2.h"
#include "model_util.h"
#include "scenario_internal.h"

#define CRISIS "tests/data/model/crisis.yaml"
#define STEPS 300

typedef struct recorder {
  int *acts;
  uint32_t n;
} recorder;

static void record_step(void *ud, const brink_step_view *v) {
  recorder *r = ud;
  for (uint32_t i = 0; i < r->n; i++) r->acts[v->step * r->n + i] = v->actions[i];
}

/* Red's rationality as a parameter; no deliberate or accidental war (the record has none). */
static int open_case(fixture *f, const char *rat) {
  const char *sets[] = {rat,
                        "actors.Red.rationality=$rat",
                        "model.incident_base=0",
                        "model.attack_hazard=0",
                        "model.preempt_hazard=0",
                        "params.greed=0"};
  if (!fixture_open(f, CRISIS, sets, 6)) return 0;
  return brink_model_set_horizon(f->ctx, f->model, STEPS) == BRINK_OK;
}

static double estimate(double truth, int threads, uint64_t seed) {
  char set[64];
  snprintf(set, sizeof set, "params.rat={value: %g}", truth);
  fixture t, e;
  double est = NAN;
  if (!open_case(&t, set)) return NAN;
  if (!open_case(&e, "params.rat={dist: uniform, lo: 0.2, hi: 6}")) return NAN;
  uint32_t na = (uint32_t)t.sc->n_actors;
  int *acts = calloc((size_t)STEPS * na, sizeof *acts);
  recorder rec = {acts, na};
  brink_run_observer obs = {NULL, record_step, &rec};
  brink_run_result res;
  int p = brink_scenario_find_policy(t.sc, "maximum_pressure");
  brink_model_run(t.model, (uint32_t)p, seed, 0, &res, NULL, &obs);
  CHECK_INT(res.steps_run, STEPS);
  int red = brink_scenario_find_actor(e.sc, "Red");
  uint32_t rat = (uint32_t)brink_scenario_find_param(e.sc, "rat");
  brink_filter_data d = {STEPS, na, acts, 1u << red, 0.0};
  brink_if2_options o = {200, 12, 0.3, 0.8, &rat, 1, 3, threads, NULL, NULL, NULL, NULL, 0};
  brink_if2_result *r = NULL;
  CHECK_INT(brink_if2_run(e.ctx, e.model, &d, &o, &r), BRINK_OK);
  if (r) {
    est = r->estimate[0];
    fprintf(stderr, "truth %.2f: estimate %.3f (swarm sd %.3f), loglik %.1f -> %.1f\n", truth, est,
            r->spread[0], r->loglik_trace[0], r->loglik_trace[r->iterations - 1]);
    CHECK(r->loglik_trace[r->iterations - 1] > r->loglik_trace[0]); /* the fit improved */
  }
  brink_if2_result_free(r);
  free(acts);
  fixture_close(&t);
  fixture_close(&e);
  return est;
}

static void test_recovers_rationality(void) {
  double high = estimate(3.0, 2, 5), low = estimate(1.0, 2, 6);
  CHECK(fabs(high - 3.0) < 0.9);
  CHECK(fabs(low - 1.0) < 0.5);
  CHECK(high > low + 1.0);
}

static void test_threads_same_result(void) {
  double a = estimate(2.0, 1, 8), b = estimate(2.0, 2, 8);
  CHECK(a == b);
}

static void test_errors(void) {
  fixture f;
  if (!open_case(&f, "params.rat={value: 2}")) return;
  uint32_t na = (uint32_t)f.sc->n_actors;
  int acts[8 * 10];
  for (int k = 0; k < 80; k++) acts[k] = -1;
  brink_filter_data d = {10, na, acts, 0, 0.0};
  uint32_t rat = (uint32_t)brink_scenario_find_param(f.sc, "rat");
  brink_if2_options o = {50, 2, 0.3, 0.9, &rat, 1, 1, 1, NULL, NULL, NULL, NULL, 0};
  brink_if2_result *r = NULL;
  CHECK_INT(brink_if2_run(f.ctx, f.model, &d, &o, &r), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(f.ctx), "constant");
  o.cooling = 1.5;
  CHECK_INT(brink_if2_run(f.ctx, f.model, &d, &o, &r), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(f.ctx), "cooling");
  CHECK(r == NULL);
  fixture_close(&f);
}

int main(void) {
  RUN(test_recovers_rationality);
  RUN(test_threads_same_result);
  RUN(test_errors);
  return harness_finish("test_if2");
}
