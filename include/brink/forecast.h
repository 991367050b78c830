/* SPDX-License-Identifier: MIT */
/* Forecasts of the recorded series: runs of a model simulated forward from an origin (from the
 * filtered particles of a history, or from the scenario's own start), counted per 52-week
 * window in the series the record defines (issue "Forecasts from any origin", docs/validation.md):
 * launch days, ICBM launch days, nuclear tests, clash days, armed conflict. Each window's count
 * distribution is a histogram over runs, so proper scores (CRPS, log score) can be computed
 * exactly. Deterministic for a seed, the same bytes for any thread count. */
#ifndef BRINK_FORECAST_H
#define BRINK_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"
#include "brink/model.h"
#include "brink/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The series are the record's (brink_record_series, include/brink/record.h): one table. */
#define BRINK_FORECAST_WINDOW 52 /* steps (weeks) per window */
#define BRINK_FORECAST_BINS 64   /* counts 0..62, and 63 or more */

/* Which series each ladder action counts toward: series[actor][action] is a bitmask of
 * (1 << brink_record_series). A step with an armed clash counts for CLASH_DAYS whatever the acts.
 */
typedef struct brink_forecast_map {
  uint32_t series[BRINK_MAX_ACTORS][BRINK_MAX_ACTIONS];
} brink_forecast_map;

/* Reads a series table (TSV with the header `actor<TAB>action<TAB>series`; series a comma list
 * of brink_record_series names, e.g. data/korea_series.tsv) for `scenario` into map. Errors name
 * the file, line and column and what was expected (BRINK_EPARSE), or BRINK_EIO. */
BRINK_API brink_status brink_forecast_map_load(brink_ctx *ctx, const char *path,
                                               const brink_scenario *scenario,
                                               brink_forecast_map *map);

typedef struct brink_forecast_options {
  uint64_t runs; /* >= 1 */
  uint64_t seed;
  int threads;     /* >= 1 */
  uint32_t steps;  /* horizon of the forecast in steps (>= 1, at most the model's horizon) */
  uint32_t policy; /* index into the model's scenario's policies, or UINT32_MAX for none */
  void (*progress)(void *userdata, uint64_t done, uint64_t total);
  void *userdata;
  int keep_runs; /* 1: the forecast keeps each run's armed-conflict step (run_war_step) */
  /* May be NULL. Read after each batch of runs: non-zero stops the forecast, which returns
   * BRINK_ECANCELED and nothing (Ctrl-C in the Python package). */
  const volatile int *cancel;
} brink_forecast_options;

typedef struct brink_forecast {
  uint64_t runs, seed;
  uint32_t steps, n_windows;
  /* hist[(w * BRINK_RECORD_SERIES_COUNT + s) * BRINK_FORECAST_BINS + k]: runs with count k of
   * series s in window w (k = BRINK_FORECAST_BINS - 1: that many or more). */
  uint64_t *hist;
  double *sum; /* [w * BRINK_RECORD_SERIES_COUNT + s]: sum over runs of the counts (exact means) */
  /* With keep_runs: [runs], the forecast step (0-based) at which run r's armed conflict began,
   * or UINT32_MAX. With the same seed and particles, run r of two policies starts from the same
   * particle and stream (common random numbers): paired comparisons use these. */
  uint32_t *run_war_step;
  brink_ctx *ctx; /* the context that made it; brink_forecast_free releases it through it */
} brink_forecast;

/* Writes the forecast as JSON (docs/output.md, "forecast"): origin (ISO date of step 0 of the
 * forecast, may be NULL), runs, seed, the policy's name, and per 52-week window its start and
 * end dates (when origin is given) and per series the count histogram, mean, q05, q50, q95. */
BRINK_API brink_status brink_forecast_json(brink_ctx *ctx, const brink_forecast *forecast,
                                           const char *origin, const char *policy,
                                           const char *scenario_file, brink_buf *out);

/* Simulates options->runs runs of `model` forward for options->steps steps. Run r starts from
 * particles[j] (copied, moved to `model` by brink_model_state_rebind, its stream re-keyed by
 * (seed, r)), j drawn by systematic resampling of `weights` (n_particles of them; NULL: equal);
 * with particles NULL, run r starts from the model's own step 0 (brink_model_state_init).
 * New forecast, caller frees with brink_forecast_free. */
BRINK_API brink_status brink_forecast_run(brink_ctx *ctx, const brink_model *model,
                                          const brink_model_state *const *particles,
                                          const double *weights, size_t n_particles,
                                          const brink_forecast_map *map,
                                          const brink_forecast_options *options,
                                          brink_forecast **out);
BRINK_API void brink_forecast_free(brink_forecast *forecast);

/* Mean and quantile q (0..1, the smallest count whose cumulative share reaches q) of series s
 * in window w. */
BRINK_API double brink_forecast_mean(const brink_forecast *f, uint32_t w, brink_record_series s);
BRINK_API uint32_t brink_forecast_quantile(const brink_forecast *f, uint32_t w,
                                           brink_record_series s, double q);

#ifdef __cplusplus
}
#endif
#endif
