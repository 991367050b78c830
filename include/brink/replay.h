/* SPDX-License-Identifier: MIT */
/* Replay of a recorded history: many runs of the model over the record's weeks with the acts
 * of some actors forced from the record (the allies), the others choosing by the model (the
 * DPRK). The result compares, period by period (calendar years), the distribution over runs
 * of the simulated series with the recorded counts, and gives, week by week, the model's mean
 * probability of the recorded act of one actor. Deterministic for a seed, the same bytes for
 * any thread count. */
#ifndef BRINK_REPLAY_H
#define BRINK_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"
#include "brink/forecast.h"
#include "brink/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct brink_replay_options {
  uint64_t runs;
  uint64_t seed;
  int threads;
  uint32_t n_steps, n_actors;
  const int *acts;              /* [n_steps * n_actors], as brink_filter_data.acts */
  uint32_t forced;              /* actors whose recorded acts are forced */
  int scored;                   /* actor whose recorded act's probability is reported, or -1 */
  const uint32_t *period_start; /* [n_periods + 1]: first step of each period, then n_steps */
  size_t n_periods;
  /* Later windows of the history, as in brink_filter_options (may be NULL). */
  const brink_model *const *windows;
  const uint32_t *window_steps;
  size_t n_windows;
} brink_replay_options;

typedef struct brink_replay {
  uint64_t runs;
  uint32_t n_steps;
  size_t n_periods;
  /* hist[(p * BRINK_RECORD_SERIES_COUNT + s) * BRINK_FORECAST_BINS + k]: runs with count k of
   * series s in period p (runs ended by war count up to their end). */
  uint64_t *hist;
  /* p_recorded[t]: mean over runs still going of the model's probability of the scored
   * actor's recorded act at step t (NaN when it was not recorded or no run was going). */
  double *p_recorded;
  uint64_t *going; /* [n_steps]: runs still going at step t */
  brink_ctx *ctx;  /* the context that made it; brink_replay_free releases it through it */
} brink_replay;

/* Replays the record on `model` (horizon >= n_steps). The series are counted with `map` on the
 * simulated acts. New result, caller frees with brink_replay_free. */
BRINK_API brink_status brink_replay_run(brink_ctx *ctx, const brink_model *model,
                                        const brink_forecast_map *map,
                                        const brink_replay_options *options, brink_replay **out);
BRINK_API void brink_replay_free(brink_replay *replay);
/* Quantile q of series s in period p (as brink_forecast_quantile) and its mean. */
BRINK_API uint32_t brink_replay_quantile(const brink_replay *r, size_t p, brink_record_series s,
                                         double q);
BRINK_API double brink_replay_mean(const brink_replay *r, size_t p, brink_record_series s);

#ifdef __cplusplus
}
#endif
#endif
