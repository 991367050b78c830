/* SPDX-License-Identifier: MIT */
/* Forecasts of the recorded series (brink/forecast.h): window histograms equal to an
 * independent count over brink_model_run, the same bytes for any thread count, forecasts from
 * filtered particles continue the particles' clocks, and bad inputs are refused. */
#include <string.h>

#include "brink/filter.h"
#include "brink/forecast.h"
#include "model_util.h"
#include "scenario_internal.h"

#define CRISIS "tests/data/model/crisis.yaml"

/* Red's srbm and icbm are "launches"; icbm also an ICBM; nuke a nuclear test. */
static brink_forecast_map crisis_map(const brink_scenario *sc) {
  brink_forecast_map map;
  memset(&map, 0, sizeof map);
  int red = brink_scenario_find_actor(sc, "Red");
  const brink_actor *a = &sc->actors[red];
  map.series[red][brink_actor_find_action(a, "srbm")] = 1u << BRINK_RECORD_SERIES_BM_LAUNCH_DAYS;
  map.series[red][brink_actor_find_action(a, "icbm")] =
      (1u << BRINK_RECORD_SERIES_BM_LAUNCH_DAYS) | (1u << BRINK_RECORD_SERIES_ICBM_LAUNCH_DAYS);
  map.series[red][brink_actor_find_action(a, "nuke")] = 1u << BRINK_RECORD_SERIES_NUCLEAR_TESTS;
  return map;
}

typedef struct tally {
  int red, srbm, icbm, nuke;
  uint32_t counts[2][BRINK_RECORD_SERIES_COUNT];
} tally;

static void tally_step(void *ud, const brink_step_view *v) {
  tally *t = ud;
  uint32_t w = v->step / 52;
  if (w > 1) return;
  int a = v->actions[t->red];
  t->counts[w][BRINK_RECORD_SERIES_BM_LAUNCH_DAYS] += a == t->srbm || a == t->icbm;
  t->counts[w][BRINK_RECORD_SERIES_ICBM_LAUNCH_DAYS] += a == t->icbm;
  t->counts[w][BRINK_RECORD_SERIES_NUCLEAR_TESTS] += a == t->nuke;
  t->counts[w][BRINK_RECORD_SERIES_CLASH_DAYS] += v->clash != 0;
  t->counts[w][BRINK_RECORD_SERIES_ARMED_CONFLICT] += v->war != 0;
}

static void test_matches_direct_runs(void) {
  fixture f;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  brink_forecast_map map = crisis_map(f.sc);
  int p = brink_scenario_find_policy(f.sc, "maximum_pressure");
  const uint64_t runs = 500;
  brink_forecast_options o = {
      .runs = runs, .seed = 17, .threads = 2, .steps = 104, .policy = (uint32_t)p};
  brink_forecast *fc = NULL;
  CHECK_INT(brink_forecast_run(f.ctx, f.model, NULL, NULL, 0, &map, &o, &fc), BRINK_OK);
  if (!fc) goto done;
  CHECK_INT(fc->n_windows, 2);
  static uint64_t hist[2][BRINK_RECORD_SERIES_COUNT][BRINK_FORECAST_BINS];
  memset(hist, 0, sizeof hist);
  const brink_actor *red = &f.sc->actors[brink_scenario_find_actor(f.sc, "Red")];
  for (uint64_t r = 0; r < runs; r++) {
    tally t = {brink_scenario_find_actor(f.sc, "Red"),
               brink_actor_find_action(red, "srbm"),
               brink_actor_find_action(red, "icbm"),
               brink_actor_find_action(red, "nuke"),
               {{0}}};
    brink_run_observer obs = {NULL, tally_step, &t};
    brink_run_result res;
    brink_model_run(f.model, (uint32_t)p, 17, r, &res, NULL, &obs);
    for (int w = 0; w < 2; w++)
      for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++) {
        uint32_t c =
            t.counts[w][s] < BRINK_FORECAST_BINS ? t.counts[w][s] : BRINK_FORECAST_BINS - 1;
        hist[w][s][c]++;
      }
  }
  int nonzero = 0;
  for (uint32_t w = 0; w < 2; w++)
    for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++) {
      const uint64_t *h =
          &fc->hist[((size_t)w * BRINK_RECORD_SERIES_COUNT + (size_t)s) * BRINK_FORECAST_BINS];
      CHECK(memcmp(h, hist[w][s], sizeof hist[w][s]) == 0);
      uint64_t total = 0;
      for (int k = 0; k < BRINK_FORECAST_BINS; k++) total += h[k];
      CHECK_INT(total, runs);
      nonzero += brink_forecast_mean(fc, w, (brink_record_series)s) > 0.0;
    }
  CHECK(nonzero >= 6); /* the series are not all empty */
  CHECK(brink_forecast_quantile(fc, 0, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS, 0.05) <=
        brink_forecast_quantile(fc, 0, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS, 0.95));
done:
  brink_forecast_free(fc);
  fixture_close(&f);
}

static void test_threads_same_bytes(void) {
  fixture f;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  brink_forecast_map map = crisis_map(f.sc);
  brink_forecast *a = NULL, *b = NULL;
  brink_forecast_options o = {.runs = 700, .seed = 3, .threads = 1, .steps = 104, .policy = 1};
  CHECK_INT(brink_forecast_run(f.ctx, f.model, NULL, NULL, 0, &map, &o, &a), BRINK_OK);
  o.threads = 2;
  CHECK_INT(brink_forecast_run(f.ctx, f.model, NULL, NULL, 0, &map, &o, &b), BRINK_OK);
  if (a && b) {
    size_t cells = (size_t)a->n_windows * BRINK_RECORD_SERIES_COUNT;
    CHECK(memcmp(a->hist, b->hist, cells * BRINK_FORECAST_BINS * sizeof *a->hist) == 0);
    CHECK(memcmp(a->sum, b->sum, cells * sizeof *a->sum) == 0);
  }
  brink_forecast_free(a);
  brink_forecast_free(b);
  fixture_close(&f);
}

typedef struct recorder {
  int *acts;
  uint32_t n;
} recorder;

static void record_step(void *ud, const brink_step_view *v) {
  recorder *r = ud;
  for (uint32_t i = 0; i < r->n; i++) r->acts[v->step * r->n + i] = v->actions[i];
}

/* Filter 40 steps of a simulated record, then forecast 52 steps from the particles: the runs
 * continue the particles' clocks (the model's horizon must cover 40 + 52), a structure that
 * differs is refused. */
static void test_from_particles(void) {
  fixture f, g;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  if (!fixture_open(&g, "tests/data/model/hazard.yaml", NULL, 0)) return;
  uint32_t na = (uint32_t)f.sc->n_actors;
  int red = brink_scenario_find_actor(f.sc, "Red");
  int acts[104 * 8];
  recorder rec = {acts, na};
  brink_run_observer obs = {NULL, record_step, &rec};
  brink_run_result res;
  brink_model_run(f.model, 0, 9, 0, &res, NULL, &obs);
  CHECK(res.steps_run >= 40);
  brink_filter_data d = {40, na, acts, 1u << red, 0.0};
  brink_filter_options fo = {.particles = 200,
                             .replicates = 1,
                             .seed = 2,
                             .threads = 2,
                             .ess_fraction = 0.5,
                             .keep_particles = 1};
  brink_filter_result *fr = NULL;
  CHECK_INT(brink_filter_run(f.ctx, f.model, &d, &fo, &fr), BRINK_OK);
  brink_forecast_map map = crisis_map(f.sc);
  brink_forecast *fc = NULL;
  if (fr && fr->final) {
    CHECK_INT(brink_model_state_step_index(fr->final[0]), 40);
    brink_forecast_options o = {.runs = 300, .seed = 5, .threads = 2, .steps = 70, .policy = 1};
    const brink_model_state *const *parts = (const brink_model_state *const *)fr->final;
    CHECK_INT(brink_forecast_run(f.ctx, f.model, parts, fr->final_weight, 200, &map, &o, &fc),
              BRINK_EINVAL); /* 40 + 70 steps is past the horizon of 104 */
    CHECK_CONTAINS(brink_ctx_errmsg(f.ctx), "horizon");
    brink_forecast_free(fc);
    fc = NULL;
    o.steps = 64; /* 40 + 64 = 104 fits exactly */
    CHECK_INT(brink_forecast_run(f.ctx, f.model, parts, fr->final_weight, 200, &map, &o, &fc),
              BRINK_OK);
    if (fc) {
      CHECK_INT(fc->n_windows, 2);
      uint64_t total = 0;
      for (int k = 0; k < BRINK_FORECAST_BINS; k++)
        total +=
            fc->hist[(size_t)BRINK_RECORD_SERIES_BM_LAUNCH_DAYS * BRINK_FORECAST_BINS + (size_t)k];
      CHECK_INT(total, 300);
    }
    /* A cancel flag set stops the forecast after its first batch, with nothing made. */
    brink_forecast *stopped = NULL;
    volatile int cancel = 1;
    o.cancel = &cancel;
    CHECK_INT(brink_forecast_run(f.ctx, f.model, parts, fr->final_weight, 200, &map, &o, &stopped),
              BRINK_ECANCELED);
    CHECK_CONTAINS(brink_ctx_errmsg(f.ctx), "cancelled after");
    CHECK(stopped == NULL);
    o.cancel = NULL;
    brink_forecast *bad = NULL;
    brink_forecast_options og = {
        .runs = 10, .seed = 5, .threads = 1, .steps = 10, .policy = UINT32_MAX};
    CHECK_INT(brink_model_set_horizon(g.ctx, g.model, 100), BRINK_OK);
    CHECK_INT(brink_forecast_run(g.ctx, g.model, parts, fr->final_weight, 200, &map, &og, &bad),
              BRINK_EINVAL);
    CHECK_CONTAINS(brink_ctx_errmsg(g.ctx), "differ in structure");
    CHECK(bad == NULL);
  }
  brink_forecast_free(fc);
  brink_filter_result_free(fr);
  fixture_close(&f);
  fixture_close(&g);
}

int main(void) {
  RUN(test_matches_direct_runs);
  RUN(test_threads_same_bytes);
  RUN(test_from_particles);
  return harness_finish("test_forecast");
}
