/* SPDX-License-Identifier: MIT */
/* Calibration of a scenario's parameters to a recorded history (docs/validation.md,
 * "Calibration"). Three steps:
 *  1. the maximum-likelihood estimate of the free parameters by iterated filtering (IF2,
 *     brink/if2.h) over every window of the history;
 *  2. a likelihood slice per free parameter: the particle filter's log-likelihood (brink/filter.h,
 *     with replicates for its Monte Carlo error and the same seed at every point, so the noise
 *     is common to the points) at a grid of the parameter's prior quantiles, the other free
 *     parameters at their estimates; it gives a 95% interval (the values within 1.92 nats of
 *     the slice's maximum) and says whether the record identifies the parameter at all (flat);
 *  3. a posterior sample: each free parameter drawn from its prior times its slice likelihood
 *     (independent across parameters: correlations are not represented), written as the TSV
 *     that --posterior reads (brink_model_load_posterior).
 * A slice holds the other parameters fixed, so its interval is narrower than a profile's when
 * parameters trade off; docs/validation.md says what that means for the figures. */
#ifndef BRINK_CALIBRATE_H
#define BRINK_CALIBRATE_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"
#include "brink/filter.h"
#include "brink/if2.h"
#include "brink/model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BRINK_CALIBRATE_MAX_POINTS 64
#define BRINK_CALIBRATE_MAX_REFINE 8
/* Points a slice can hold: the grid, the estimate and the refinement of both crossings. */
#define BRINK_CALIBRATE_SLICE_CAP (BRINK_CALIBRATE_MAX_POINTS + 1 + 2 * BRINK_CALIBRATE_MAX_REFINE)

typedef struct brink_calibrate_options {
  uint32_t particles, iterations; /* IF2 */
  double sd, cooling;             /* IF2's random walk and its cooling per iteration */
  const uint32_t *free;           /* indices of the parameters to estimate */
  size_t n_free;
  uint32_t slice_points;     /* prior quantiles per slice, 3 .. BRINK_CALIBRATE_MAX_POINTS */
  uint32_t slice_particles;  /* particles per filter in the slices (>= 1) */
  uint32_t slice_replicates; /* independent filters per slice point (>= 2: their error) */
  uint64_t seed;
  int threads;
  /* Called from the calling thread: stage 1 (IF2, done/total iterations) and 2 (slices,
   * done/total filter runs), with the latest log-likelihood. May be NULL. */
  void (*progress)(void *userdata, int stage, uint64_t done, uint64_t total, double loglik);
  void *userdata;
  /* Points added inside each grid segment where the slice crosses its 95% cut, evenly spaced,
   * once the grid is computed (0 .. BRINK_CALIBRATE_MAX_REFINE; 0: none). The interval's ends
   * are interpolated linearly, so a coarse grid around a peaked slice gives too narrow an
   * interval; refining the two crossing segments corrects that where it matters. */
  uint32_t slice_refine;
} brink_calibrate_options;

typedef struct brink_calibrate_slice {
  uint32_t param;  /* index into the scenario's params */
  double estimate; /* IF2's estimate (natural scale) */
  double spread;   /* the IF2 swarm's final standard deviation (not an interval) */
  double best;     /* the slice point with the highest log-likelihood */
  double lo, hi;   /* 95% slice interval: where the interpolated slice is within 1.92 nats
                      of its maximum; an end at the grid's first or last point is open */
  int lo_open, hi_open;
  int flat; /* 1: no point of the slice lies below its best by more than 1.92 nats
               plus twice the standard error of that difference (over the filters,
               which share their random numbers across points): the record does
               not identify the parameter */
  /* slice_points + 1 (the estimate) + up to 2 x slice_refine, ascending in x */
  uint32_t n_points;
  double x[BRINK_CALIBRATE_SLICE_CAP];
  double loglik[BRINK_CALIBRATE_SLICE_CAP], se[BRINK_CALIBRATE_SLICE_CAP];
  /* se_diff[i]: standard error of loglik[best] - loglik[i], from the per-filter differences */
  double se_diff[BRINK_CALIBRATE_SLICE_CAP];
} brink_calibrate_slice;

typedef struct brink_calibrate_result {
  size_t n_free;
  brink_if2_result *if2;
  double loglik, loglik_se;      /* the filter at the estimate (slice_replicates filters) */
  brink_calibrate_slice *slices; /* [n_free] */
  brink_ctx *ctx; /* the context that made it; brink_calibrate_result_free releases it through it */
} brink_calibrate_result;

/* Calibrates the free parameters of windows[0] (a history of n_windows windows, the later ones
 * entered at window_steps[1..]; window_steps[0] is 0) to the record `data`. Sets and then
 * removes a posterior on every window (brink_model_set_posterior): do not run them
 * concurrently. New result, caller frees with brink_calibrate_result_free. BRINK_EINVAL (message)
 * for bad options or a free parameter without a continuous prior. */
BRINK_API brink_status brink_calibrate_run(brink_ctx *ctx, brink_model *const *windows,
                                           const uint32_t *window_steps, size_t n_windows,
                                           const brink_filter_data *data,
                                           const brink_calibrate_options *options,
                                           brink_calibrate_result **out);
BRINK_API void brink_calibrate_result_free(brink_calibrate_result *result);

/* n_draws draws of the free parameters from prior x slice likelihood (by rejection from the
 * prior), draws[r * n_free + f]; deterministic for a seed. BRINK_ERANGE (message) if a slice
 * is so narrow that a million prior draws give no acceptance. */
BRINK_API brink_status brink_calibrate_sample(brink_ctx *ctx, const brink_calibrate_result *result,
                                              const brink_scenario *scenario, uint64_t seed,
                                              size_t n_draws, double *draws);

/* Writes the sample as a posterior file (header of parameter names, one draw per row, '#'
 * comment lines first with `comment`, which may hold newlines). Atomic (brink/file.h). */
BRINK_API brink_status brink_calibrate_write_posterior(brink_ctx *ctx,
                                                       const brink_calibrate_result *result,
                                                       const brink_scenario *scenario,
                                                       const double *draws, size_t n_draws,
                                                       const char *comment, const char *path);

#ifdef __cplusplus
}
#endif
#endif
