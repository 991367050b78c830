/* SPDX-License-Identifier: MIT */
/* Calibration: fits free parameters of a scenario family to observed yearly counts of one
 * actor's actions (e.g. North Korean missile launches and nuclear tests per year) by
 * minimising the Poisson deviance between data and the model's expected counts with GSL's
 * Nelder-Mead simplex, each parameter mapped to its bounds by a logistic transform, and every
 * evaluation run with the same seed (common random numbers) so the objective is smooth in
 * the parameters. docs/korea.md, "Calibration", shows it on the Korean episodes. */
#ifndef BRINK_CALIBRATE_H
#define BRINK_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BRINK_CALIB_MAX_PARAMS 8
#define BRINK_CALIB_MAX_SERIES 8
#define BRINK_CALIB_MAX_EPISODES 16
#define BRINK_CALIB_MAX_PATTERNS 8

/* ---- Observed counts ------------------------------------------------------------------ */

/* Counts the rows of a tab-separated file with a header line whose column date_column
 * starts with the four digits of year ("2013-...") and whose column key_column equals one of
 * keys[n_keys] exactly (n_keys = 0: any value). *count receives the number of such rows;
 * first_year/last_year (may be NULL) the smallest and largest year of any row's date, so a
 * caller can tell "no event that year" from "the file does not cover that year".
 * BRINK_EIO when the file cannot be read, BRINK_EPARSE (with path:line) when a column is
 * missing or a date does not start with a year. */
BRINK_API brink_status brink_calib_count_rows(brink_ctx *ctx, const char *path,
                                              const char *date_column, const char *key_column,
                                              const char *const *keys, size_t n_keys, int year,
                                              uint64_t *count, int *first_year, int *last_year);

/* ---- Loss and bound transform --------------------------------------------------------- */

/* Poisson deviance of observed counts y[n] against model means mu[n]:
 * D = 2 sum_i [ y_i log(y_i / m_i) - (y_i - m_i) ], with y log(y/m) = 0 when y = 0 and
 * m_i = max(mu_i, floor) so that a mean of 0 against a positive count stays finite (the
 * calibration uses floor = 1 / (2 runs): half an event in all the runs). 0 when mu = y. */
BRINK_API double brink_calib_deviance(const double *y, const double *mu, size_t n, double floor);

/* The bounded value of an unconstrained x: lo + (hi - lo) / (1 + exp(-x)), in (lo, hi). */
BRINK_API double brink_calib_to_bounded(double x, double lo, double hi);
/* The inverse: log((v - lo) / (hi - v)); v is clamped into (lo, hi) by a relative 1e-12. */
BRINK_API double brink_calib_to_free(double v, double lo, double hi);

/* ---- The problem ---------------------------------------------------------------------- */

/* A free parameter: an override path of the scenario files ("params.nuclear_test_cost",
 * "actors.DPRK.rationality", "model.incident_base"), set to "PATH=VALUE" at every
 * evaluation, with its bounds and starting value (lo < start < hi). episode >= 0 restricts it
 * to that episode (a per-year parameter); -1 applies it to every episode. */
typedef struct brink_calib_param {
  const char *path;
  double lo, hi, start;
  int episode;
} brink_calib_param;

/* A series: the number of times per run that `actor` takes any military action of its
 * ladder whose name contains one of patterns[n_patterns] (e.g. {"launch", "missile"}). */
typedef struct brink_calib_series {
  const char *name; /* for the table: "launches" */
  const char *actor;
  const char *patterns[BRINK_CALIB_MAX_PATTERNS];
  size_t n_patterns;
} brink_calib_series;

/* An episode: a scenario file, the policy run on it (what the allies did that year), and the
 * observed count of each series over the scenario's horizon. */
typedef struct brink_calib_episode {
  const char *label; /* "2013" */
  const char *path;
  const char *policy;
  double observed[BRINK_CALIB_MAX_SERIES];
} brink_calib_episode;

typedef struct brink_calib_problem {
  const brink_calib_param *params;
  size_t n_params; /* 1..BRINK_CALIB_MAX_PARAMS */
  const brink_calib_series *series;
  size_t n_series; /* 1..BRINK_CALIB_MAX_SERIES */
  const brink_calib_episode *episodes;
  size_t n_episodes;            /* 1..BRINK_CALIB_MAX_EPISODES */
  const char *const *overrides; /* fixed "PATH=VALUE" applied to every episode first */
  size_t n_overrides;
} brink_calib_problem;

typedef struct brink_calib_options {
  uint64_t runs;       /* per episode and evaluation, 1..BRINK_MAX_RUNS */
  uint64_t seed;       /* the same at every evaluation (common random numbers) */
  int threads;         /* >= 1 */
  unsigned max_iter;   /* Nelder-Mead iterations, >= 1 */
  double size_tol;     /* stop when the simplex size (in transformed units) is below this */
  double initial_step; /* simplex step in transformed (logit) units, > 0; 1 is a good start */
  /* Called from the calling thread after each iteration (may be NULL): iteration, the
   * simplex's best loss and its bounded parameter values. */
  void (*progress)(void *userdata, unsigned iteration, double loss, const double *values);
  void *userdata;
  /* Nelder-Mead restarts from the best point with a fresh simplex of initial_step (0: none):
   * a simplex can collapse early on a flat or rugged loss; restarting is the usual remedy.
   * Each restart may use max_iter iterations again. */
  unsigned restarts;
} brink_calib_options;

/* The model's counts of one episode and series. */
typedef struct brink_calib_cell {
  double observed;
  double mean;             /* mean count per run */
  double mean_lo, mean_hi; /* 95% normal interval of the mean */
  uint32_t q025, q975;     /* 2.5% and 97.5% quantiles of the per-run count (predictive range) */
  double p_at_least;       /* share of runs with a count >= observed */
  double p_at_most;        /* share of runs with a count <= observed */
  double deviance;         /* this cell's term of the loss */
} brink_calib_cell;

/* The model's counts at one parameter vector. */
typedef struct brink_calib_eval {
  double values[BRINK_CALIB_MAX_PARAMS];
  double loss;
  brink_calib_cell cells[BRINK_CALIB_MAX_EPISODES][BRINK_CALIB_MAX_SERIES];
} brink_calib_eval;

typedef struct brink_calib_result {
  size_t n_params, n_series, n_episodes;
  uint64_t runs, seed;
  brink_calib_eval start; /* at the starting values */
  brink_calib_eval fit;   /* at the fitted values */
  unsigned iterations;
  unsigned evaluations;
  int converged;  /* 1: simplex size below size_tol; 0: stopped at max_iter */
  double seconds; /* wall time */
  /* The actions counted per series, "srbm_launch,icbm_launch,..." (owned by the result). */
  char *actions[BRINK_CALIB_MAX_SERIES];
} brink_calib_result;

/* Evaluates the model at bounded parameter values[n_params]: loads every episode with the
 * overrides, runs options->runs runs of its policy with options->seed, and fills out.
 * BRINK_EINVAL (message names the culprit) for an unknown policy, actor or a series that
 * matches no action; scenario errors as brink_scenario_load returns them. */
BRINK_API brink_status brink_calib_evaluate(brink_ctx *ctx, const brink_calib_problem *problem,
                                            const brink_calib_options *options,
                                            const double *values, brink_calib_eval *out);

/* Fits the problem's free parameters. New result, caller frees with brink_calib_result_free.
 * Not thread-safe on a shared ctx; the runs themselves use options->threads threads and give
 * the same numbers whatever that number. */
BRINK_API brink_status brink_calib_run(brink_ctx *ctx, const brink_calib_problem *problem,
                                       const brink_calib_options *options,
                                       brink_calib_result **out);
BRINK_API void brink_calib_result_free(brink_ctx *ctx, brink_calib_result *result);

#ifdef __cplusplus
}
#endif
#endif
