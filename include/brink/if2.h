/* SPDX-License-Identifier: MIT */
/* Maximum-likelihood estimation of a scenario's parameters from a recorded history by iterated
 * filtering (IF2: Ionides, Nguyen, Atchadé, Stoev and King 2015; the `mif2` of the R package
 * pomp). Each particle of the filter (brink/filter.h) carries its own parameter vector, which
 * takes a small Gaussian random walk on an unbounded scale at every step; resampling keeps the
 * vectors that explain the record; over iterations the walk's size falls geometrically and the
 * swarm concentrates at the maximum of the likelihood. Deterministic for a seed, the same bytes
 * for any thread count. */
#ifndef BRINK_IF2_H
#define BRINK_IF2_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"
#include "brink/filter.h"
#include "brink/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct brink_if2_options {
  uint32_t particles;   /* >= 2 */
  uint32_t iterations;  /* >= 1 */
  double sd;            /* random-walk sd per step at the first iteration, on the unbounded scale */
  double cooling;       /* the sd is multiplied by this at each iteration (0 < cooling <= 1) */
  const uint32_t *free; /* indices of the parameters to estimate (into the scenario's params) */
  size_t n_free;        /* 1 .. BRINK_MAX_PARAMS */
  uint64_t seed;
  int threads;
  void (*progress)(void *userdata, uint32_t iteration, uint32_t iterations, double loglik);
  void *userdata;
  /* Later windows of the history, as for the filter (brink/filter.h; may be NULL): at step
   * window_steps[w] every particle moves to windows[w], keeping its free parameters and
   * drawing the others (the window's context) from that window's priors. */
  const brink_model *const *windows;
  const uint32_t *window_steps;
  size_t n_windows;
} brink_if2_options;

typedef struct brink_if2_result {
  size_t n_free;
  uint32_t iterations;
  double *estimate;     /* [n_free]: the swarm's mean after the last iteration (natural scale) */
  double *spread;       /* [n_free]: its standard deviation (natural scale) */
  double *trace;        /* [iterations * n_free]: the swarm's mean after each iteration */
  double *loglik_trace; /* [iterations]: the perturbed filter's log-likelihood at each iteration */
  brink_ctx *ctx;       /* the context that made it; brink_if2_result_free releases it through it */
} brink_if2_result;

/* Estimates the free parameters of `model` from the record `data` (as for brink_filter_run).
 * Parameters that are not free are drawn from their priors per particle. Each free parameter's
 * unbounded scale follows its prior's support: logit on [lo, hi], log above lo, identity on
 * the line. New result, caller frees with brink_if2_result_free. BRINK_EINVAL for bad options
 * (message names it). */
BRINK_API brink_status brink_if2_run(brink_ctx *ctx, const brink_model *model,
                                     const brink_filter_data *data,
                                     const brink_if2_options *options, brink_if2_result **out);
BRINK_API void brink_if2_result_free(brink_if2_result *result);

#ifdef __cplusplus
}
#endif
#endif
