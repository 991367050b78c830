/* SPDX-License-Identifier: MIT */
/* Sequential Monte Carlo over a recorded history (a bootstrap particle filter): N copies of the
 * model state (each with its own parameter draw and hidden types) are stepped through the
 * record week by week; the recorded acts of every actor are forced, and each particle is
 * weighted by the model's own probability of the scored actors' recorded acts
 * (brink_model_state_choice_probs). The product of the mean weights is an unbiased estimate of
 * the likelihood of the record (Del Moral 2004; the pomp package's pfilter). Deterministic for a
 * seed, and the same bytes for any thread count: every particle draws from streams keyed by
 * (seed, replicate, particle, resampling generation), and sums run in particle order. */
#ifndef BRINK_FILTER_H
#define BRINK_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"
#include "brink/model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BRINK_FILTER_FREE (-2) /* in brink_filter_data.acts: not recorded, the actor chooses */

/* The record as the model sees it: acts[t * n_actors + i] is actor i's act in step t (an index
 * into its ladder, -1 for none, or BRINK_FILTER_FREE). Every recorded act is forced; those of
 * the actors in `scored` (behavioural actors) are also scored. A scored actor's step with
 * BRINK_FILTER_FREE is unobserved (not scored). */
typedef struct brink_filter_data {
  uint32_t n_steps, n_actors;
  const int *acts;
  uint32_t scored; /* bitmask of actors */
  /* Observation error: the chance that a recorded act is not the act the model means (a
   * misclassified entry), spread evenly over the ladder: P(recorded a) = (1 - e) P_model(a) +
   * e / n_ladder. 0 scores the model's own probabilities; > 0 keeps one act the model deems
   * impossible (a refractory time, a dormant campaign) from zeroing every particle. */
  double misrecord;
} brink_filter_data;

/* The default observation error of the commands: the maximum of the Korean record's profile
 * likelihood over e at the fitted parameters (docs/validation.md, "Observation error"). */
#define BRINK_FILTER_MISRECORD 0.07

typedef struct brink_filter_options {
  uint32_t particles;  /* N >= 1 */
  uint32_t replicates; /* independent filters, for the Monte Carlo standard error (>= 1) */
  uint64_t seed;
  int threads;          /* >= 1 */
  double ess_fraction;  /* resample when the effective sample size < ess_fraction x N (0..1) */
  const double *params; /* the parameters of every particle, or NULL: each draws from the prior */
  /* Called from the calling thread after each step of each replicate (may be NULL). */
  void (*progress)(void *userdata, uint64_t done, uint64_t total);
  void *userdata;
  int keep_particles; /* 1: the result keeps replicate 0's particles after the last step */
  /* Later windows of the history (may be NULL): at step window_steps[w] every particle moves
   * to windows[w] (brink_model_state_rebind: that window's numbers and relations, the run's
   * history kept). window_steps rising; each window's structure the model's. */
  const brink_model *const *windows;
  const uint32_t *window_steps;
  size_t n_windows;
  /* May be NULL. Read after each step: non-zero stops the filter, which returns
   * BRINK_ECANCELED and no result (Ctrl-C in the Python package). */
  const volatile int *cancel;
} brink_filter_options;

typedef struct brink_filter_result {
  uint32_t n_steps, n_actors, replicates, particles;
  double loglik;       /* mean over replicates of the log-likelihood estimate (nats) */
  double loglik_se;    /* standard error of that mean over replicates (nats); 0 with one */
  double *loglik_rep;  /* [replicates] */
  double *loglik_step; /* [n_steps]: log of the mean weight of each step, replicate 0 */
  double *ess;         /* [n_steps]: effective sample size before resampling, replicate 0 */
  uint32_t resamples;  /* resampling events, replicate 0 */
  /* Filtered means after each step (replicate 0), [n_steps * n_actors]: P(actor greedy), its
   * readiness, and (for behavioural actors) the mean credibility of its adversaries in its eyes
   * and its fear (docs/model.md 9c). */
  double *p_greedy, *readiness, *credibility, *fear;
  uint32_t *steps_war; /* [n_steps]: particles (of N) in which war began at that step */
  /* [replicates * n_actors]: each replicate's filtered P(actor greedy) after the last step (the
   * spread over replicates is its Monte Carlo error). */
  double *p_greedy_final;
  /* With keep_particles: replicate 0's N particles after the last step and their normalised
   * weights (owned by the result; a forecast starts from them, brink/forecast.h). */
  brink_model_state **final;
  double *final_weight;
  brink_ctx *ctx; /* the context that made it; brink_filter_result_free releases it through it */
} brink_filter_result;

/* Runs the filter on model (its horizon must cover data->n_steps). New result, caller frees
 * with brink_filter_result_free. BRINK_EINVAL for bad options or data (message names it). The
 * likelihood is 0 (loglik -inf) if every particle gives the record probability 0. */
BRINK_API brink_status brink_filter_run(brink_ctx *ctx, const brink_model *model,
                                        const brink_filter_data *data,
                                        const brink_filter_options *options,
                                        brink_filter_result **out);
BRINK_API void brink_filter_result_free(brink_filter_result *result);

#ifdef __cplusplus
}
#endif
#endif
