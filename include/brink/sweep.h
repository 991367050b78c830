/* SPDX-License-Identifier: MIT */
/* Sweeps: a scenario's outcomes over a design of parameter values (grid, Latin hypercube,
 * Sobol). Each design point is the scenario loaded with the point's values as overrides (the
 * same path as `brink run --set`, so the loader validates every value) and a Monte Carlo run of
 * the listed policies with one seed: every point and policy uses the same random streams
 * (common random numbers). Points are independent, so they can be computed in any order, on
 * any number of threads or processes, and give the same bytes. See docs/sensitivity.md. */
#ifndef BRINK_SWEEP_H
#define BRINK_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"
#include "brink/model.h"
#include "brink/report.h"
#include "brink/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Designs ------------------------------------------------------------------------------ */

typedef enum brink_sweep_design {
  BRINK_DESIGN_GRID = 0, /* full factorial of every axis's levels */
  BRINK_DESIGN_LHS,      /* Latin hypercube of `points` points (Philox stream of the seed) */
  BRINK_DESIGN_SOBOL     /* the first `points` points of GSL's Sobol sequence */
} brink_sweep_design;

/* "grid", "lhs", "sobol"; and the inverse (BRINK_EINVAL with a message). */
BRINK_API const char *brink_sweep_design_name(brink_sweep_design design);
BRINK_API brink_status brink_sweep_design_parse(brink_ctx *ctx, const char *name,
                                                brink_sweep_design *out);

#define BRINK_SWEEP_MAX_AXES 16
#define BRINK_SWEEP_MAX_LEVELS 1000
#define BRINK_SWEEP_MAX_POINTS 1000000

/* One swept value: an override path ("params.dprk_greed", "actors.DPRK.rationality") and its
 * range [lo, hi] in the value's own unit, with `levels` values for a grid. */
typedef struct brink_sweep_axis {
  char *path; /* owned: release with brink_sweep_axis_release */
  double lo, hi;
  uint32_t levels; /* 1..BRINK_SWEEP_MAX_LEVELS; 0 in the text means "the default" */
} brink_sweep_axis;

/* Parses "PATH=LO:HI[:N]". A PATH without a dot is a parameter ("dprk_greed" means
 * "params.dprk_greed"). N defaults to default_levels. BRINK_EINVAL with a message naming the
 * text for anything else (lo > hi, N out of range). out->path is new; release with
 * brink_sweep_axis_release. */
BRINK_API brink_status brink_sweep_axis_parse(brink_ctx *ctx, const char *text,
                                              uint32_t default_levels, brink_sweep_axis *out);
BRINK_API void brink_sweep_axis_release(brink_ctx *ctx, brink_sweep_axis *axis);

/* The design's points: *values is new (caller frees with brink_free), n_points * n_axes values,
 * row-major. grid: the product of the axes' levels (evenly spaced from lo to hi and rounded to
 * 15 significant digits, so 0.1:0.9:5 gives 0.3, not 0.30000000000000004; the last axis
 * varying fastest; `points` is ignored); lhs and sobol: `points` points. BRINK_ELIMIT past
 * BRINK_SWEEP_MAX_POINTS. */
BRINK_API brink_status brink_sweep_design_values(brink_ctx *ctx, brink_sweep_design design,
                                                 const brink_sweep_axis *axes, size_t n_axes,
                                                 size_t points, uint64_t seed, double **values,
                                                 size_t *n_points);

/* ---- One design point --------------------------------------------------------------------- */

/* The metrics measured at every point, per policy and per pair of policies (a minus b, paired
 * by common random numbers). X(ENUM, "name", "unit") */
#define BRINK_SWEEP_METRICS(X)                                                                     \
  X(P_ARMED_CONFLICT, "p_armed_conflict", "probability")                                           \
  X(P_CLASH, "p_clash", "probability")                                                             \
  X(PROVOCATIONS, "provocations", "military actions per run")                                      \
  X(P_TALKS, "p_talks", "probability")
#define BRINK__SWEEP_METRIC_ENUM(e, ...) BRINK_METRIC_##e,
typedef enum brink_sweep_metric {
  BRINK_SWEEP_METRICS(BRINK__SWEEP_METRIC_ENUM) BRINK_METRIC_COUNT
} brink_sweep_metric;
#undef BRINK__SWEEP_METRIC_ENUM
BRINK_API const char *brink_sweep_metric_name(brink_sweep_metric metric);
BRINK_API const char *brink_sweep_metric_unit(brink_sweep_metric metric);

/* Numbers kept per (series, metric): the estimate, its interval and the Monte Carlo variance
 * of the estimate (squared standard error, from the runs' own spread). */
enum { BRINK_POINT_MEAN, BRINK_POINT_LO, BRINK_POINT_HI, BRINK_POINT_VAR, BRINK_POINT_FIELDS };

/* Series of a point: the policies in the order given, then the pairs (0,1), (0,2), .., (1,2),
 * ...: n + n (n - 1) / 2 series. Pairs have no p_clash (NaN). */
BRINK_API size_t brink_point_series(size_t n_policies);
/* Doubles per point: series * BRINK_METRIC_COUNT * BRINK_POINT_FIELDS. The value of (series s,
 * metric m, field f) is at (s * BRINK_METRIC_COUNT + m) * BRINK_POINT_FIELDS + f. */
BRINK_API size_t brink_point_width(size_t n_policies);

typedef struct brink_point_options {
  const char *scenario_file;
  const char *const *overrides; /* "PATH=VALUE", applied before the point's values (--set) */
  size_t n_overrides;
  const char *const *paths; /* override paths set to the point's values */
  size_t n_paths;
  const char *const *policies; /* names, 1..64 */
  size_t n_policies;
  uint64_t runs, seed; /* runs per policy, the same seed at every point */
  int threads;
  double confidence;
  uint32_t horizon; /* steps; 0: the scenario's */
  /* May be NULL (the priors). Otherwise the parameters it holds are drawn from it, except
   * those that are constants at the point (swept, or --set): brink_model_use_posterior. */
  const brink_posterior *posterior;
  /* Optional, zero when unused (a server's point loop, `brink serve`): */
  const char *scenario_text; /* scenario YAML in memory instead of reading scenario_file, which
                                then only names it in messages (may be NULL: includes refused) */
  size_t scenario_len;       /* bytes of scenario_text */
  /* The engine's progress callback and cancel flag (brink_engine_options), for this point's
   * runs: a set flag makes brink_point_run return BRINK_ECANCELED. */
  void (*progress)(void *userdata, uint64_t done, uint64_t total);
  void *userdata;
  const volatile int *cancel;
} brink_point_options;

/* Loads the scenario with the overrides and paths[k]=values[k] (printed with %.17g, so the
 * loader reads back the exact double), runs the engine and writes brink_point_width numbers to
 * out. A value the loader refuses is BRINK_EPARSE with the loader's diagnostics in diags (may
 * be NULL) and the first one in ctx; an unknown policy is BRINK_ENOTFOUND; a cancelled run
 * BRINK_ECANCELED. Thread-compatible: distinct ctx per concurrent call. */
BRINK_API brink_status brink_point_run(brink_ctx *ctx, const brink_point_options *options,
                                       const double *values, brink_diag_list *diags, double *out);

/* ---- A whole sweep and its outputs -------------------------------------------------------- */

/* What the outputs show; every pointer is borrowed. */
typedef struct brink_sweep {
  const char *scenario_name, *scenario_file;
  const char *const *overrides;
  size_t n_overrides;
  brink_sweep_design design;
  const brink_sweep_axis *axes;
  size_t n_axes;
  const char *const *policies;
  size_t n_policies;
  uint64_t runs, seed;
  double confidence;
  uint32_t horizon;      /* steps */
  const char *step_unit; /* "week" */
  size_t n_points;
  const double *values;       /* n_points * n_axes */
  const double *stats;        /* n_points * brink_point_width(n_policies) */
  const char *posterior_file; /* the --posterior sample, or NULL (priors) */
} brink_sweep;

/* Tidy CSV: header "point,<axis paths>,policy,metric,mean,lower,upper,runs,seed" and one row
 * per point x series x metric (pairs named "a - b"). Probabilities as shares (0..1). */
BRINK_API brink_status brink_sweep_csv(brink_ctx *ctx, const brink_sweep *sweep, brink_buf *out);
/* JSON (docs/sensitivity.md): the run's metadata, the axes and for every point its values and
 * every series' metrics {mean, lower, upper}. */
BRINK_API brink_status brink_sweep_json(brink_ctx *ctx, const brink_sweep *sweep, brink_buf *out);
/* A table for people: one line per point with P(armed conflict) of every policy. */
BRINK_API brink_status brink_sweep_table(brink_ctx *ctx, const brink_sweep *sweep, brink_buf *out);

/* The chart of one metric (src/report_sweep.c): with one parameter, the metric against the
 * parameter's value, a line with its interval band per policy; with two parameters on a grid,
 * one heatmap panel per policy (colour: the mean; text: the value in each cell). Axis titles
 * name the parameters and the unit, the subtitle the runs, seed and confidence.
 * BRINK_EUNSUPPORTED (with a message) for other designs. */
BRINK_API brink_status brink_sweep_chart(brink_ctx *ctx, const brink_sweep *sweep,
                                         brink_sweep_metric metric, brink_chart_format format,
                                         brink_buf *out);
/* A self-contained HTML page: the metadata, the chart (inline SVG) and the table of
 * P(armed conflict) per point and policy with intervals. */
BRINK_API brink_status brink_sweep_html(brink_ctx *ctx, const brink_sweep *sweep, brink_buf *out);

#ifdef __cplusplus
}
#endif
#endif
