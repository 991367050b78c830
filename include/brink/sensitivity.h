/* SPDX-License-Identifier: MIT */
/* Variance-based global sensitivity analysis (Sobol indices) of any function of d inputs on
 * the unit cube: the sampling design of Saltelli (2010) built on GSL's Sobol quasi-random
 * sequence, first-order indices by Saltelli et al. (2010), total indices by Jansen (1999), and
 * bootstrap intervals over the base rows. Mapping a unit-cube coordinate to a scenario
 * parameter goes through the parameter's prior (brink_param_quantile). See
 * docs/sensitivity.md. */
#ifndef BRINK_SENSITIVITY_H
#define BRINK_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"
#include "brink/report.h"
#include "brink/scenario.h"
#include "brink/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BRINK_SOBOL_MAX_DIM 64          /* inputs (a scenario has at most BRINK_MAX_PARAMS) */
#define BRINK_SOBOL_MAX_BASE (1u << 24) /* base rows */

/* The design: n_base base rows, each of d + 2 points. For base row j the points are, in this
 * order, A_j, B_j and AB^(i)_j for i = 0..d-1 (A_j with coordinate i taken from B_j), so point
 * k of row j is u[(j * (d + 2) + k) * d ...]. A and B are the two halves of one 2d-dimensional
 * Sobol sequence when 2d <= 40; for 20 < d <= 40, A is the d-dimensional sequence and B the
 * same point set paired in an order shuffled with seed; for d > 40 (GSL's Sobol sequence stops
 * at 40 dimensions) A and B are the two halves of a 2d-dimensional Latin hypercube drawn with
 * seed (docs/sensitivity.md). GSL's sequence starts after the origin (at 0.5, ...), and the
 * hypercube avoids 0, so every coordinate is in (0, 1). */
typedef struct brink_sobol_design {
  size_t dim, n_base;
  size_t n_points; /* n_base * (dim + 2) */
  double *u;       /* n_points * dim, row-major */
  int paired;      /* 1: A and B from one 2d-dimensional design; 0: shuffled pairing */
  int latin;       /* 1: a Latin hypercube (d > 40); 0: GSL's Sobol sequence */
  brink_ctx *ctx;
} brink_sobol_design;

/* New design for dim inputs (1..BRINK_SOBOL_MAX_DIM) and n_base base rows
 * (2..BRINK_SOBOL_MAX_BASE). seed only matters when 2 * dim > 40. BRINK_EINVAL for sizes out
 * of range. Caller frees with brink_sobol_design_free. */
BRINK_API brink_status brink_sobol_design_new(brink_ctx *ctx, size_t dim, size_t n_base,
                                              uint64_t seed, brink_sobol_design **out);
BRINK_API void brink_sobol_design_free(brink_sobol_design *design);

typedef struct brink_sobol_options {
  size_t bootstrap;  /* resamples of the base rows (0: no intervals; default in the CLI 500) */
  uint64_t seed;     /* of the bootstrap resampling (Philox stream keyed by (seed, resample)) */
  double confidence; /* of the percentile intervals, in (0, 1) */
  /* Monte Carlo variance of each point's value (the square of its standard error), or a
   * negative number when the function is exact. Reported next to the output's variance. */
  double noise_variance;
} brink_sobol_options;

typedef struct brink_sobol_indices {
  size_t dim, n_base, bootstrap;
  double confidence;
  double mean, variance; /* of the output over the 2 * n_base points of A and B */
  double noise_variance; /* as given in the options (negative: not given) */
  int latin;             /* the design's: 1 for a Latin hypercube (more than 40 inputs) */
  brink_estimate *first; /* [dim]: point estimate and bootstrap percentile interval */
  brink_estimate *total; /* [dim] */
  brink_ctx *ctx;
} brink_sobol_indices;

/* Estimates the indices from y[design->n_points], the function's value at each point of the
 * design: first order S_i = mean_j f(B_j) (f(AB^(i)_j) - f(A_j)) / V (Saltelli et al. 2010,
 * table 2 (b)); total ST_i = mean_j (f(A_j) - f(AB^(i)_j))^2 / (2 V) (Jansen 1999); V the
 * variance of f over A and B. When V = 0 (the output does not vary) every index is 0.
 * Intervals: the same estimators on base rows resampled with replacement, percentiles at
 * (1 -/+ confidence) / 2. BRINK_EINVAL for a non-finite y or bad options. New object, caller
 * frees with brink_sobol_indices_free. */
BRINK_API brink_status brink_sobol_estimate(brink_ctx *ctx, const brink_sobol_design *design,
                                            const double *y, const brink_sobol_options *options,
                                            brink_sobol_indices **out);
BRINK_API void brink_sobol_indices_free(brink_sobol_indices *indices);

/* A function of the unit cube: u[dim] in (0, 1); returns the output. */
typedef double (*brink_sobol_fn)(void *userdata, const double *u, size_t dim);

/* Design, evaluation of fn at every point (in order, on the calling thread) and estimation in
 * one call. Same contract as brink_sobol_design_new and brink_sobol_estimate. */
BRINK_API brink_status brink_sobol_analyze(brink_ctx *ctx, size_t dim, size_t n_base, uint64_t seed,
                                           brink_sobol_fn fn, void *userdata,
                                           const brink_sobol_options *options,
                                           brink_sobol_indices **out);

/* order[0..dim) receives the inputs sorted by decreasing total index (stable). */
BRINK_API void brink_sobol_indices_order(const brink_sobol_indices *indices, size_t *order);

/* ---- Outputs of `brink sensitivity` ------------------------------------------------------- */

/* What the outputs show; every pointer is borrowed. */
typedef struct brink_sensitivity_report {
  const char *scenario_name, *scenario_file;
  const char *const *overrides;
  size_t n_overrides;
  const char *metric;       /* "p_armed_conflict of maximum_pressure", "difference ..." */
  const char *metric_unit;  /* "probability" */
  const char *const *names; /* [dim]: the parameters */
  const char *const *units; /* [dim] (entries may be NULL); may be NULL */
  uint64_t runs, seed;      /* runs per policy and point; the seed of every point */
  const brink_sobol_indices *indices;
  const char *posterior_file; /* the --posterior sample, or NULL (priors) */
} brink_sensitivity_report;

/* JSON (docs/sensitivity.md), CSV (one row per parameter and index: first, total) and a table,
 * parameters sorted by decreasing total index. */
BRINK_API brink_status brink_sensitivity_json(brink_ctx *ctx,
                                              const brink_sensitivity_report *report,
                                              brink_buf *out);
BRINK_API brink_status brink_sensitivity_csv(brink_ctx *ctx, const brink_sensitivity_report *report,
                                             brink_buf *out);
BRINK_API brink_status brink_sensitivity_table(brink_ctx *ctx,
                                               const brink_sensitivity_report *report,
                                               brink_buf *out);

/* The tornado chart (src/report_sweep.c): one bar per parameter, sorted by total index, the
 * total index as a light bar and the first-order index as a dark bar inside it, each with its
 * bootstrap interval as a whisker. */
BRINK_API brink_status brink_sensitivity_chart(brink_ctx *ctx,
                                               const brink_sensitivity_report *report,
                                               brink_chart_format format, brink_buf *out);

/* The quantile u in (0, 1) of a parameter's prior (its inverse CDF), in the parameter's unit,
 * computed as the model draws it (docs/model.md): uniform lo + u (hi - lo); normal and
 * truncated normal by the normal quantile; beta by GSL's beta quantile; choice the first value
 * whose cumulative weight exceeds u; constant its value. */
BRINK_API double brink_param_quantile(const brink_param *param, double u);

#ifdef __cplusplus
}
#endif
#endif
