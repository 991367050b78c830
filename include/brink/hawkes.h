/* SPDX-License-Identifier: MIT */
/* A multivariate Hawkes process with exponential kernels as a statistical reference model:
 * target streams (DPRK launch days, ...) excited or inhibited by themselves and by input
 * streams (allied exercises, sanctions, ...), fitted by maximum likelihood (O(n) recursion,
 * observed-information intervals, time-rescaling check), simulated by Ogata thinning and
 * used to forecast 52-week counts. docs/hawkes.md has the model and its references. */
#ifndef BRINK_HAWKES_H
#define BRINK_HAWKES_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Days in a 52-week forecast window. */
#define BRINK_HAWKES_WINDOW_DAYS 364
/* Default floor of the intensity, events per day (see brink_hawkes_params). */
#define BRINK_HAWKES_FLOOR 1e-6

/* ---- Days ------------------------------------------------------------------------------ */

/* Times are days since 1970-01-01 (a day d covers [d, d + 1)); an event on a date is at the
 * date's day number. brink_hawkes_day converts a valid YYYYMMDD; brink_hawkes_date is the
 * inverse for whole days. */
BRINK_API int64_t brink_hawkes_day(int32_t yyyymmdd);
BRINK_API int32_t brink_hawkes_date(int64_t day);
/* Parses "YYYY-MM-DD" (a real calendar day) into a day number; BRINK_EPARSE otherwise, no
 * message set. */
BRINK_API brink_status brink_hawkes_parse_day(const char *s, size_t n, int64_t *day);

/* ---- Event data ------------------------------------------------------------------------ */

/* Events of named streams, merged in time order. Fields are read-only for callers; build
 * with brink_hawkes_data_new / _add, or brink_hawkes_data_read. */
typedef struct brink_hawkes_data {
  size_t n_streams;
  char **names;       /* [n_streams], owned */
  size_t n_events;    /* all streams */
  double *time;       /* [n_events] days, non-decreasing once sorted */
  uint32_t *stream;   /* [n_events] stream index of each event */
  size_t *per_stream; /* [n_streams] number of events of each stream */
  size_t cap;
  int sorted;
  brink_ctx *ctx; /* the context that made it; brink_hawkes_data_free releases it through it */
} brink_hawkes_data;

/* New empty data with streams names[n_streams] (distinct, non-empty). Caller frees with
 * brink_hawkes_data_free. */
BRINK_API brink_status brink_hawkes_data_new(brink_ctx *ctx, const char *const *names,
                                             size_t n_streams, brink_hawkes_data **out);
BRINK_API void brink_hawkes_data_free(brink_hawkes_data *data);
/* Adds one event (time finite). Events may come in any order; call brink_hawkes_data_sort
 * before handing the data to the functions below. */
BRINK_API brink_status brink_hawkes_data_add(brink_ctx *ctx, brink_hawkes_data *data,
                                             uint32_t stream, double time);
/* Sorts by (time, stream). An insertion sort: linear for the nearly sorted data the reader
 * and the simulator produce, quadratic for data added in random order. The likelihood,
 * fit, simulation and forecast functions refuse unsorted data (BRINK_EINVAL). */
BRINK_API void brink_hawkes_data_sort(brink_hawkes_data *data);
/* Index of the stream called name, or -1. */
BRINK_API int brink_hawkes_data_find(const brink_hawkes_data *data, const char *name);
/* Number of events of stream in [t0, t1). */
BRINK_API size_t brink_hawkes_data_count(const brink_hawkes_data *data, uint32_t stream, double t0,
                                         double t1);

/* Reads a streams file: tab-separated, header "date<TAB>stream" (other columns after these
 * two are ignored), one row per event, dates YYYY-MM-DD. Only rows of the streams
 * names[n_streams] are kept (the others are skipped); several rows of one stream on one date
 * are one event at that date's day number. Blank lines and CRLF endings are accepted.
 * BRINK_EIO when the file cannot be read; BRINK_EPARSE with "path:line:col: ..." for a bad
 * header, a bad date or a missing column. New data, caller frees with brink_hawkes_data_free. */
BRINK_API brink_status brink_hawkes_data_read(brink_ctx *ctx, const char *path,
                                              const char *const *names, size_t n_streams,
                                              brink_hawkes_data **out);
/* The same from text[0..len) in memory (NUL bytes are data, not an end); name_for_errors (may
 * be NULL: "(string)") stands for the path in messages. */
BRINK_API brink_status brink_hawkes_data_read_string(brink_ctx *ctx, const char *name_for_errors,
                                                     const char *text, size_t len,
                                                     const char *const *names, size_t n_streams,
                                                     brink_hawkes_data **out);

/* ---- The model ------------------------------------------------------------------------- */

/* Parameters for targets[n_targets] (stream indices of the data; the other streams are
 * inputs whose intensity is not modelled). For target k (0..n_targets), with its own decay
 * beta[k] (1/day) shared by every source so the floored compensator stays closed-form:
 *
 *   lambda_k(t) = max(floor, mu[k] + sum_j alpha[k*n_streams+j] beta[k]
 *                                    sum_{t_jm < t} exp(-beta[k] (t - t_jm)))
 *
 * mu in events/day (> 0), alpha dimensionless (expected extra events of k per event of j;
 * negative = inhibition), beta > 0 (1/beta is the mean lag in days), floor > 0 events/day
 * (BRINK_HAWKES_FLOOR when 0). Arrays are borrowed. */
typedef struct brink_hawkes_params {
  size_t n_streams, n_targets;
  const uint32_t *targets; /* [n_targets] */
  const double *mu;        /* [n_targets] */
  const double *beta;      /* [n_targets] */
  const double *alpha;     /* [n_targets * n_streams] */
  double floor;
} brink_hawkes_params;

/* Log-likelihood of the targets' events in [t0, t1) given everything before them (events of
 * any stream before t0 act as history). O(n_events * n_streams) by the exponential
 * recursion; the compensator is exact (floored pieces included). ll_target[n_targets] (may
 * be NULL) receives each target's term; *total their sum. BRINK_EINVAL for bad parameters. */
BRINK_API brink_status brink_hawkes_loglik(brink_ctx *ctx, const brink_hawkes_params *params,
                                           const brink_hawkes_data *data, double t0, double t1,
                                           double *ll_target, double *total);
/* The same by the direct O(n^2) sums, with the compensator integrated piecewise: a
 * reference for tests and the benchmark. */
BRINK_API brink_status brink_hawkes_loglik_direct(brink_ctx *ctx, const brink_hawkes_params *params,
                                                  const brink_hawkes_data *data, double t0,
                                                  double t1, double *ll_target, double *total);

/* Time-rescaling check of one target (Brown et al. 2002): the compensator increments between
 * its consecutive events in [t0, t1) (the first from t0) are i.i.d. Exp(1) under the model.
 * taus (may be NULL) receives them (room for the target's event count); *n their number;
 * *ks the Kolmogorov-Smirnov statistic of 1 - exp(-tau) against Uniform(0,1) and *p_value
 * its asymptotic p-value (NaN when n = 0). */
BRINK_API brink_status brink_hawkes_rescale(brink_ctx *ctx, const brink_hawkes_params *params,
                                            const brink_hawkes_data *data, double t0, double t1,
                                            size_t target, double *taus, size_t *n, double *ks,
                                            double *p_value);
/* Kolmogorov-Smirnov statistic of sorted-or-not uniforms u[n] against Uniform(0,1) and its
 * asymptotic p-value (Kolmogorov distribution with Stephens' small-sample correction). u is
 * sorted in place. */
BRINK_API void brink_hawkes_ks_uniform(double *u, size_t n, double *ks, double *p_value);

/* ---- Fitting --------------------------------------------------------------------------- */

typedef struct brink_hawkes_coef {
  double estimate, se, lo, hi; /* 95% Wald interval; se NaN when the information is singular */
} brink_hawkes_coef;

typedef struct brink_hawkes_fit_options {
  unsigned starts;   /* starting points per target (>= 1; 4 is the default when 0) */
  unsigned max_iter; /* BFGS iterations per start (500 when 0) */
  double floor;      /* intensity floor (BRINK_HAWKES_FLOOR when 0) */
} brink_hawkes_fit_options;

/* A fitted model. The params view points into the fit's own arrays. */
typedef struct brink_hawkes_fit {
  brink_hawkes_params params;
  size_t n_streams, n_targets;
  uint32_t *targets;
  double *mu, *beta, *alpha;  /* estimates, as in params */
  brink_hawkes_coef *mu_coef; /* [n_targets] events/day */
  brink_hawkes_coef *beta_coef;
  brink_hawkes_coef *alpha_coef; /* [n_targets * n_streams] */
  double *loglik;                /* [n_targets] at the optimum */
  size_t *n_events;              /* [n_targets] in [t0, t1) */
  int *converged;                /* [n_targets] gradient test met */
  double *ks, *ks_p;             /* [n_targets] time-rescaling check */
  double loglik_total, aic;
  size_t n_params;
  double t0, t1;
  brink_ctx *ctx; /* the context that made it; brink_hawkes_fit_free releases it through it */
} brink_hawkes_fit;

/* Fits mu, alpha and beta of each target (stream names targets[n_targets]) to the events in
 * [t0, t1), all the data's streams as sources, by maximum likelihood: BFGS (GSL vector_bfgs2,
 * analytic gradient) on (log mu, alpha, log beta) from several starts, standard errors from
 * the observed information (numerical Hessian of the analytic gradient), Wald intervals
 * (on the log scale for mu and beta), and the time-rescaling check per target.
 * BRINK_ENOTFOUND for an unknown stream name, BRINK_EINVAL for a stream with no event in the
 * window or a bad window. New fit, caller frees with brink_hawkes_fit_free. Not thread-safe on
 * a shared ctx. */
BRINK_API brink_status brink_hawkes_fit_run(brink_ctx *ctx, const brink_hawkes_data *data,
                                            const char *const *targets, size_t n_targets, double t0,
                                            double t1, const brink_hawkes_fit_options *options,
                                            brink_hawkes_fit **out);
BRINK_API void brink_hawkes_fit_free(brink_hawkes_fit *fit);

/* ---- Simulation and forecasts ---------------------------------------------------------- */

/* Simulates the targets on [t0, t1) by Ogata's thinning, given data's events before t0 (of
 * every stream) as history and data's input events in [t0, t1) as the inputs' schedule
 * (target events at or after t0 are ignored). Draws from the Philox stream (seed, run, 0):
 * the same arguments give the same events. New data (same streams: history, inputs and the
 * simulated events), caller frees with brink_hawkes_data_free. BRINK_ELIMIT when more than
 * max_events target events are simulated (an explosive parameter set). */
BRINK_API brink_status brink_hawkes_simulate(brink_ctx *ctx, const brink_hawkes_params *params,
                                             const brink_hawkes_data *data, double t0, double t1,
                                             uint64_t seed, uint64_t run, size_t max_events,
                                             brink_hawkes_data **out);

typedef struct brink_hawkes_forecast {
  size_t n_targets, n_windows;
  uint64_t runs, seed;
  int64_t origin;        /* day number */
  uint32_t horizon_days; /* the last window ends at origin + horizon_days (exclusive) */
  uint32_t max_count;    /* histograms have max_count + 1 bins (the last holds >= max_count) */
  uint64_t *hist;        /* [n_targets][n_windows][max_count + 1] runs per count of event days */
  double *mean;          /* [n_targets][n_windows] mean count of event days per run */
  brink_ctx *ctx; /* the context that made it; brink_hawkes_forecast_free releases it through it */
} brink_hawkes_forecast;

/* Forecast from origin (a day number) over horizon_days (1..36400) days: runs simulations,
 * counted in 52-week windows (window w holds days origin + 364 w <= d < origin + 364 (w + 1);
 * the last one stops at origin + horizon_days), conditioned on the data's events before
 * origin only. Input streams repeat their last 364 days before origin in every future
 * window (the exercise calendar's season kept; no future data used). Counts are distinct
 * days with an event (a launch day), per target and window. Run i draws from (seed, i). New
 * forecast, caller frees with brink_hawkes_forecast_free. */
BRINK_API brink_status brink_hawkes_forecast_run(brink_ctx *ctx, const brink_hawkes_params *params,
                                                 const brink_hawkes_data *data, int64_t origin,
                                                 uint32_t horizon_days, uint64_t runs,
                                                 uint64_t seed, brink_hawkes_forecast **out);
BRINK_API void brink_hawkes_forecast_free(brink_hawkes_forecast *forecast);

#ifdef __cplusplus
}
#endif
#endif
