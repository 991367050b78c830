/* SPDX-License-Identifier: MIT */
/* Replay (brink/replay.h): with every act forced and nothing left to chance, every run retells
 * the record, so each period's simulated count equals the recorded one and the probability of
 * the recorded act equals a direct replay's; with the challenger free, the runs spread; the
 * same bytes for any thread count. */
#include <math.h>
#include <string.h>

#include "brink/filter.h"
#include "brink/replay.h"
#include "model_util.h"
#include "scenario_internal.h"

#define CRISIS "tests/data/model/crisis.yaml"
#define STEPS 104

typedef struct recorder {
  int *acts;
  uint32_t n;
} recorder;

static void record_step(void *ud, const brink_step_view *v) {
  recorder *r = ud;
  for (uint32_t i = 0; i < r->n; i++) r->acts[v->step * r->n + i] = v->actions[i];
}

static void test_forced_record_is_retold(void) {
  const char *sets[] = {"params.greed=0",         "model.noise=0",          "model.incident_base=0",
                        "model.attack_hazard=0",  "model.preempt_hazard=0", "model.veto_base=-20",
                        "model.track_collapse=0", "model.mediate_base=-20"};
  fixture f;
  if (!fixture_open(&f, CRISIS, sets, 8)) return;
  uint32_t na = (uint32_t)f.sc->n_actors;
  int red = brink_scenario_find_actor(f.sc, "Red");
  const brink_actor *ra = &f.sc->actors[red];
  brink_forecast_map map;
  memset(&map, 0, sizeof map);
  map.series[red][brink_actor_find_action(ra, "srbm")] = 1u << BRINK_RECORD_SERIES_BM_LAUNCH_DAYS;
  map.series[red][brink_actor_find_action(ra, "icbm")] = 1u << BRINK_RECORD_SERIES_BM_LAUNCH_DAYS;
  int acts[STEPS * 8];
  recorder rec = {acts, na};
  brink_run_observer obs = {NULL, record_step, &rec};
  brink_run_result res;
  brink_model_run(f.model, 0, 3, 0, &res, NULL, &obs);
  CHECK_INT(res.steps_run, STEPS);
  uint32_t observed[2] = {0, 0};
  for (uint32_t t = 0; t < STEPS; t++) {
    int a = acts[t * na + (uint32_t)red];
    observed[t / 52] += a >= 0 && map.series[red][a] != 0;
  }
  const uint32_t periods[] = {0, 52, STEPS};
  brink_replay_options o = {200, 9,       2, STEPS, na,   acts, (1u << na) - 1,
                            red, periods, 2, NULL,  NULL, 0};
  brink_replay *r = NULL;
  CHECK_INT(brink_replay_run(f.ctx, f.model, &map, &o, &r), BRINK_OK);
  if (r) {
    for (size_t p = 0; p < 2; p++) {
      CHECK_INT(brink_replay_quantile(r, p, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS, 0.0001),
                observed[p]);
      CHECK_INT(brink_replay_quantile(r, p, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS, 1.0), observed[p]);
    }
    CHECK(observed[0] + observed[1] > 5);
    /* The direct replay's probability of each recorded act. */
    brink_model_state *s = NULL;
    CHECK_INT(brink_model_state_new(f.ctx, f.model, &s), BRINK_OK);
    brink_model_state_init(s, UINT32_MAX, 1, 0, NULL);
    double probs[BRINK_MAX_ACTIONS];
    for (uint32_t t = 0; s && t < STEPS; t++) {
      brink_model_state_choice_probs(s, (uint32_t)red, probs);
      CHECK_NEAR(r->p_recorded[t], probs[acts[t * na + (uint32_t)red]], 1e-12);
      for (uint32_t i = 0; i < na; i++) brink_model_state_force(s, i, acts[t * na + i]);
      brink_model_state_step(s, NULL, NULL);
    }
    brink_model_state_free(s);
  }
  brink_replay_free(r);
  fixture_close(&f);
}

static void test_free_challenger_spreads_and_threads(void) {
  fixture f;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  uint32_t na = (uint32_t)f.sc->n_actors;
  int red = brink_scenario_find_actor(f.sc, "Red");
  brink_forecast_map map;
  memset(&map, 0, sizeof map);
  map.series[red][brink_actor_find_action(&f.sc->actors[red], "srbm")] =
      1u << BRINK_RECORD_SERIES_BM_LAUNCH_DAYS;
  int acts[STEPS * 8];
  recorder rec = {acts, na};
  brink_run_observer obs = {NULL, record_step, &rec};
  brink_run_result res;
  brink_model_run(f.model, 0, 4, 0, &res, NULL, &obs);
  const uint32_t periods[] = {0, res.steps_run};
  uint32_t allies = ((1u << na) - 1) & ~(1u << red);
  brink_replay *a = NULL, *b = NULL;
  brink_replay_options o = {300, 9,       1, res.steps_run, na,   acts, allies,
                            red, periods, 1, NULL,          NULL, 0};
  CHECK_INT(brink_replay_run(f.ctx, f.model, &map, &o, &a), BRINK_OK);
  o.threads = 2;
  CHECK_INT(brink_replay_run(f.ctx, f.model, &map, &o, &b), BRINK_OK);
  if (a && b) {
    CHECK(memcmp(a->hist, b->hist,
                 BRINK_RECORD_SERIES_COUNT * BRINK_FORECAST_BINS * sizeof *a->hist) == 0);
    CHECK(memcmp(a->going, b->going, res.steps_run * sizeof *a->going) == 0);
    CHECK(brink_replay_quantile(a, 0, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS, 0.05) <
          brink_replay_quantile(a, 0, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS, 0.95));
    CHECK(a->p_recorded[0] > 0.0 && a->p_recorded[0] < 1.0);
  }
  brink_replay_free(a);
  brink_replay_free(b);
  fixture_close(&f);
}

int main(void) {
  RUN(test_forced_record_is_retold);
  RUN(test_free_challenger_spreads_and_threads);
  return harness_finish("test_replay");
}
