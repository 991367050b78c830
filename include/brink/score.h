/* SPDX-License-Identifier: MIT */
/* Proper scores of count forecasts against the record (docs/validation.md): the forecast JSON
 * of issue 14 read into a struct, CRPS / log score / Brier of a predictive distribution on
 * 0, 1, 2, ..., the persistence and climatology baselines built from the record before the
 * origin, reference forecasts (another model's JSON), and skill. */
#ifndef BRINK_SCORE_H
#define BRINK_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"
#include "brink/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Scores of one predictive distribution ---------------------------------------------- */

/* The three score functions are pure (no allocation, no state): safe from any thread. */

/* The log score's floor on a probability: -log(max(p, floor)), the same for every model, so a
 * zero-probability outcome costs -log(1e-4) = 9.21 nats instead of infinity. */
#define BRINK_SCORE_LOG_FLOOR 1e-4

/* pmf[k] = P(count = k) for k in [0, n); values past n are 0. The pmf must sum to 1 (within
 * rounding; callers normalise). y is the observed count. All three are negatively oriented
 * (lower is better).
 * CRPS for integer counts: sum over k >= 0 of (F(k) - 1{y <= k})^2, F the CDF; the sum is
 * exact (it stops where F = 1 and k >= y, after which every term is 0). */
BRINK_API double brink_score_crps(const double *pmf, size_t n, uint64_t y);
/* -log(max(P(count = y), BRINK_SCORE_LOG_FLOOR)), in nats. */
BRINK_API double brink_score_log(const double *pmf, size_t n, uint64_t y);
/* (P(count >= 1) - 1{y >= 1})^2. */
BRINK_API double brink_score_brier(const double *pmf, size_t n, uint64_t y);

/* ---- Predictions: a forecast JSON as read for scoring ------------------------------------ */

/* brink_prediction is the forecast JSON of issue 14 (the output of `brink forecast`, or of any
 * other model) as a predictive distribution per window and series. It is named apart from
 * brink/forecast.h's brink_forecast (the simulation that produces such a file). */

/* One series in one window: hist[k] = runs whose count was k (the last bin is exactly k, not
 * "k or more"). */
typedef struct brink_prediction_cell {
  int present;    /* 0: the forecast has no such series in this window */
  uint64_t *hist; /* n_hist bins */
  size_t n_hist;
  uint64_t total;             /* sum of hist */
  double mean, q05, q50, q95; /* as written; NAN when absent */
} brink_prediction_cell;

typedef struct brink_prediction_window {
  int32_t start, end; /* YYYYMMDD, end inclusive (start + 363) */
  brink_prediction_cell series[BRINK_RECORD_SERIES_COUNT];
} brink_prediction_window;

typedef struct brink_prediction {
  int32_t origin;
  uint64_t runs, seed;
  size_t n_windows;
  brink_prediction_window *windows; /* window k starts at origin + 364k */
  brink_ctx *ctx;
} brink_prediction;

/* Reads {"forecast": {"origin", "runs", "seed", "windows": [{"start", "end", "series":
 * {NAME: {"hist": [...], "mean", "q05", "q50", "q95"}}}]}}. Series names other than the
 * record's (brink_record_series_name) are ignored; other keys too. Checks: dates, window k
 * starting at origin + 364k and ending 363 days later, every hist summing to runs.
 * BRINK_EPARSE with "name:line:col: path: problem, expected ..." on error. New object, caller
 * frees with brink_prediction_free. */
BRINK_API brink_status brink_prediction_parse(brink_ctx *ctx, const char *text, size_t len,
                                              const char *name, brink_prediction **out);
BRINK_API brink_status brink_prediction_load(brink_ctx *ctx, const char *path,
                                             brink_prediction **out);
BRINK_API void brink_prediction_free(brink_prediction *fc);

/* Building a forecast (for `brink forecast`): a new forecast with n_windows empty windows, window
 * k starting at origin + 364k and ending 363 days later; runs >= 1 (BRINK_EINVAL otherwise).
 * Caller frees with brink_prediction_free. */
BRINK_API brink_status brink_prediction_new(brink_ctx *ctx, int32_t origin, uint64_t runs,
                                            uint64_t seed, size_t n_windows,
                                            brink_prediction **out);
/* Sets one series of one window from a histogram (hist[k] = runs with count k, copied; trailing
 * zero bins are dropped, one bin is kept). The histogram must sum to fc->runs (BRINK_EINVAL).
 * mean = sum k hist[k] / runs; qP = the smallest k with F(k) >= P (P = 0.05, 0.5, 0.95). */
BRINK_API brink_status brink_prediction_set_hist(brink_prediction *fc, size_t window,
                                                 brink_record_series series, const uint64_t *hist,
                                                 size_t n);
/* Appends the forecast as issue 14's JSON (docs/validation.md, "Forecast JSON"); series absent
 * from a window are left out. brink_prediction_parse reads it back. */
BRINK_API brink_status brink_prediction_write_json(const brink_prediction *fc, brink_buf *out);

/* ---- Scoring against the record --------------------------------------------------------- */

enum { BRINK_SCORE_CRPS, BRINK_SCORE_LOG, BRINK_SCORE_BRIER, BRINK_SCORE_METRIC_COUNT };
/* "crps", "log", "brier"; NULL out of range. */
BRINK_API const char *brink_score_metric_name(int metric);

/* Models in a score table: 0 the forecast, 1 persistence, 2 climatology, 3.. references. */
enum { BRINK_SCORE_MODEL_FORECAST, BRINK_SCORE_MODEL_PERSISTENCE, BRINK_SCORE_MODEL_CLIMATOLOGY };

/* One window x series: observed count and every model's scores. */
typedef struct brink_score_cell {
  int scored; /* 1: the forecast has the series and the window ends on or before the
                 record's end */
  uint32_t observed;
  int has[8]; /* per model: 1 when it gives a distribution here */
  double score[8][BRINK_SCORE_METRIC_COUNT];
  double mean[8]; /* each model's predictive mean */
} brink_score_cell;

#define BRINK_SCORE_MAX_MODELS 8

typedef struct brink_score_table {
  int32_t origin, record_end;
  uint64_t runs, seed; /* the forecast's */
  size_t n_windows, n_models;
  const char *model_names[BRINK_SCORE_MAX_MODELS]; /* "forecast", "persistence", ... */
  brink_score_cell *cells; /* n_windows x BRINK_RECORD_SERIES_COUNT, window-major */
  /* Baselines: persistence mean and climatology sample size and windows, per series. */
  uint32_t persistence_count[BRINK_RECORD_SERIES_COUNT];
  size_t climatology_years; /* 52-week windows in the climatology */
  int32_t climatology_from; /* first day of the earliest of them (0 when none) */
  brink_ctx *ctx;
} brink_score_table;

/* A reference model: another forecast of the same origin and windows (e.g. a Hawkes process),
 * used as a baseline. name and fc are borrowed for the call. */
typedef struct brink_score_reference {
  const char *name;
  const brink_prediction *forecast;
} brink_score_reference;

/* Scores fc against rec. Observed counts: the record's rows in each window. Baselines use only
 * rows dated before fc->origin (see docs/validation.md):
 *   persistence  Poisson with mean = the count in [origin - 364, origin);
 *   climatology  the empirical distribution of the counts in the 52-week windows
 *                [origin - 364(j+1), origin - 364j), j = 0, 1, ..., that start on or after
 *                2006-01-01 (none when the origin is before 2007-01-01: no climatology).
 * Windows ending after record_end (YYYYMMDD; BRINK_RECORD_END for the shipped data) are not
 * scored. References must have fc's origin (BRINK_EINVAL otherwise); at most
 * BRINK_SCORE_MAX_MODELS - 3. New table, caller frees with brink_score_table_free. */
BRINK_API brink_status brink_score_run(brink_ctx *ctx, const brink_prediction *fc,
                                       const brink_record *rec, int32_t record_end,
                                       const brink_score_reference *refs, size_t n_refs,
                                       brink_score_table **out);
BRINK_API void brink_score_table_free(brink_score_table *table);

/* The cell of window w and series s. */
BRINK_API const brink_score_cell *brink_score_table_cell(const brink_score_table *t, size_t w,
                                                         brink_record_series s);

/* Mean score of a model over the scored windows of a series where both model and baseline
 * give a distribution, and skill = 1 - mean(model) / mean(baseline); *n_windows = how many
 * windows the means average (0: skill NAN). Skill is NAN too when the baseline's mean is 0. */
BRINK_API void brink_score_skill(const brink_score_table *t, brink_record_series s, int metric,
                                 size_t model, size_t baseline, double *mean_model,
                                 double *mean_baseline, double *skill, size_t *n_windows);

/* The table as text: format "table" (aligned columns), "csv" or "json" (docs/validation.md).
 * Appends to out; BRINK_EINVAL for another format. */
BRINK_API brink_status brink_score_table_write(const brink_score_table *t, const char *format,
                                               brink_buf *out);

#ifdef __cplusplus
}
#endif
#endif
