/* SPDX-License-Identifier: MIT */
/* Replay of a recorded history (include/brink/replay.h). */
#include <math.h>
#include <string.h>

#include <omp.h>

#include "brink/filter.h"
#include "brink/replay.h"
#include "forecast_internal.h"
#include "internal.h"
#include "scenario_internal.h"

#define BATCH 256

void brink_replay_free(brink_replay *r) {
  if (!r) return;
  brink_ctx *ctx = r->ctx;
  brink_free(ctx, r->hist);
  brink_free(ctx, r->p_recorded);
  brink_free(ctx, r->going);
  brink_free(ctx, r);
}

typedef struct run_counts {
  const brink_forecast_map *map;
  const uint32_t *period_start;
  size_t n_periods;
  uint32_t n_actors;
  size_t period;
  uint16_t *counts; /* [n_periods * BRINK_RECORD_SERIES_COUNT] */
} run_counts;

static void count_step(void *ud, const brink_step_view *v) {
  run_counts *c = ud;
  while (c->period < c->n_periods && v->step >= c->period_start[c->period + 1]) c->period++;
  if (c->period >= c->n_periods) return;
  brink__series_count(c->map, c->n_actors, v, &c->counts[c->period * BRINK_RECORD_SERIES_COUNT]);
}

brink_status brink_replay_run(brink_ctx *ctx, const brink_model *m, const brink_forecast_map *map,
                              const brink_replay_options *o, brink_replay **out) {
  brink_status st = BRINK_OK;
  brink_replay *r = NULL;
  brink_model_state **work = NULL;
  uint16_t *counts = NULL;
  double *prob = NULL;
  uint8_t *alive = NULL;
  *out = NULL;
  const brink_scenario *sc = brink_model_scenario(m);
  if (o->runs < 1 || o->threads < 1 || o->n_steps < 1)
    return brink__fail(ctx, BRINK_EINVAL, "replay needs at least one run, thread and step");
  if (o->n_actors != sc->n_actors)
    return brink__fail(ctx, BRINK_EINVAL, "the record has %u actors, the scenario %zu", o->n_actors,
                       sc->n_actors);
  if (o->n_steps > brink_model_horizon(m))
    return brink__fail(ctx, BRINK_EINVAL, "the record has %u steps; the model's horizon is %u",
                       o->n_steps, brink_model_horizon(m));
  if (o->scored >= (int)sc->n_actors ||
      (o->scored >= 0 && sc->actors[o->scored].driver != BRINK_DRIVER_BEHAVIOURAL))
    return brink__fail(ctx, BRINK_EINVAL, "the scored actor must be behavioural");
  if (!o->period_start || o->n_periods < 1 || o->period_start[o->n_periods] != o->n_steps)
    return brink__fail(ctx, BRINK_EINVAL, "periods must end at the record's last step");
  for (size_t p = 0; p < o->n_periods; p++)
    if (o->period_start[p] >= o->period_start[p + 1])
      return brink__fail(ctx, BRINK_EINVAL, "periods must be in rising order");
  const size_t cells = o->n_periods * BRINK_RECORD_SERIES_COUNT;
  r = brink_calloc(ctx, 1, sizeof *r);
  if (r) r->ctx = ctx;
  if (!r) return BRINK_ENOMEM;
  r->runs = o->runs;
  r->n_steps = o->n_steps;
  r->n_periods = o->n_periods;
  r->hist = brink_calloc(ctx, cells * BRINK_FORECAST_BINS, sizeof *r->hist);
  r->p_recorded = brink_calloc(ctx, o->n_steps, sizeof *r->p_recorded);
  r->going = brink_calloc(ctx, o->n_steps, sizeof *r->going);
  counts = brink_calloc(ctx, BATCH * cells, sizeof *counts);
  prob = brink_calloc(ctx, (size_t)BATCH * o->n_steps, sizeof *prob);
  alive = brink_calloc(ctx, (size_t)BATCH * o->n_steps, sizeof *alive);
  if (!r->hist || !r->p_recorded || !r->going || !counts || !prob || !alive) {
    st = BRINK_ENOMEM;
    goto done;
  }
  if ((st = brink__model_states_new(ctx, m, (size_t)o->threads, &work))) goto done;
  int bad_window = 0;
  for (uint64_t first = 0; first < o->runs; first += BATCH) {
    const int64_t n = (int64_t)(o->runs - first < BATCH ? o->runs - first : BATCH);
    memset(counts, 0, BATCH * cells * sizeof *counts);
    memset(alive, 0, (size_t)BATCH * o->n_steps);
#pragma omp parallel for num_threads(o->threads) schedule(dynamic, 4)
    for (int64_t k = 0; k < n; k++) {
      brink_model_state *s = work[omp_get_thread_num()];
      brink_model_state_init(s, UINT32_MAX, o->seed, first + (uint64_t)k, NULL);
      run_counts c = {map, o->period_start,           o->n_periods, o->n_actors,
                      0,   &counts[(size_t)k * cells]};
      brink_run_observer obs = {NULL, count_step, &c};
      size_t window = 0;
      double probs[BRINK_MAX_ACTIONS];
      for (uint32_t t = 0; t < o->n_steps; t++) {
        if (window < o->n_windows && t == o->window_steps[window]) {
          if (brink_model_state_rebind(s, o->windows[window], UINT32_MAX, NULL)) {
#pragma omp atomic write
            bad_window = 1;
            break;
          }
          window++;
        }
        const int *row = &o->acts[(size_t)t * o->n_actors];
        alive[(size_t)k * o->n_steps + t] = 1;
        double pr = (double)NAN;
        if (o->scored >= 0 && row[o->scored] != BRINK_FILTER_FREE) {
          brink_model_state_choice_probs(s, (uint32_t)o->scored, probs);
          pr = row[o->scored] >= 0 ? probs[row[o->scored]] : 0.0;
        }
        prob[(size_t)k * o->n_steps + t] = pr;
        for (uint32_t i = 0; i < o->n_actors; i++)
          if ((o->forced & (1u << i)) && row[i] != BRINK_FILTER_FREE)
            brink_model_state_force(s, i, row[i]);
        if (brink_model_state_step(s, NULL, &obs)) break;
      }
    }
    if (bad_window) {
      st = brink__fail(ctx, BRINK_EINVAL,
                       "a window differs in structure from the first (actors, drivers, ladders or "
                       "commitments)");
      goto done;
    }
    /* Fold in run order. */
    for (int64_t k = 0; k < n; k++) {
      for (size_t c = 0; c < cells; c++) {
        uint16_t v = counts[(size_t)k * cells + c];
        r->hist[c * BRINK_FORECAST_BINS +
                (v < BRINK_FORECAST_BINS ? v : BRINK_FORECAST_BINS - 1)]++;
      }
      for (uint32_t t = 0; t < o->n_steps; t++)
        if (alive[(size_t)k * o->n_steps + t]) {
          r->going[t]++;
          double pr = prob[(size_t)k * o->n_steps + t];
          if (!isnan(pr)) r->p_recorded[t] += pr;
        }
    }
  }
  for (uint32_t t = 0; t < o->n_steps; t++) {
    const int *row = &o->acts[(size_t)t * o->n_actors];
    int recorded = o->scored >= 0 && row[o->scored] != BRINK_FILTER_FREE;
    r->p_recorded[t] =
        recorded && r->going[t] ? r->p_recorded[t] / (double)r->going[t] : (double)NAN;
  }
done:
  brink__model_states_free(ctx, work, (size_t)o->threads);
  brink_free(ctx, counts);
  brink_free(ctx, prob);
  brink_free(ctx, alive);
  if (st) {
    brink_replay_free(r);
    return st;
  }
  *out = r;
  return BRINK_OK;
}

uint32_t brink_replay_quantile(const brink_replay *r, size_t p, brink_record_series s, double q) {
  return brink__hist_quantile(
      &r->hist[(p * BRINK_RECORD_SERIES_COUNT + (size_t)s) * BRINK_FORECAST_BINS], r->runs, q);
}

double brink_replay_mean(const brink_replay *r, size_t p, brink_record_series s) {
  const uint64_t *h = &r->hist[(p * BRINK_RECORD_SERIES_COUNT + (size_t)s) * BRINK_FORECAST_BINS];
  double sum = 0.0;
  for (uint32_t k = 0; k < BRINK_FORECAST_BINS; k++) sum += (double)k * (double)h[k];
  return sum / (double)r->runs;
}
