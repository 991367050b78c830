/* SPDX-License-Identifier: MIT */
/* Shared by the engine and the merging of its partial summaries (src/engine_merge.c). */
#ifndef BRINK_ENGINE_INTERNAL_H
#define BRINK_ENGINE_INTERNAL_H

#include "brink/engine.h"

/* Accumulated outcomes of one policy (exact integer sums, so thread-count invariant). */
typedef struct brink_policy_stats {
  uint32_t policy;
  uint64_t wars, clashes_any, talks;
  uint64_t war_causes[BRINK_WAR_CAUSE_COUNT]; /* runs whose armed conflict began so */
  uint64_t nuclear, agreements;               /* runs with nuclear use, with an agreement */
  double incidents_sum, incidents_sq, clashes_sum, clashes_sq; /* per run */
  /* Per-run count distribution of every ladder action of every actor:
   * action_hist[(actor * BRINK_MAX_ACTIONS + action) * action_bins + k] = runs that took the
   * action k times (the last bin: action_bins - 1 times or more). */
  uint64_t *action_hist;
  uint64_t *war_by_step;   /* [horizon]: runs whose armed conflict began at that step */
  uint64_t *talks_by_step; /* [horizon]: runs that first reached talks at that step */
  double provocations_sum, provocations_sq;
  uint64_t *provocations_hist; /* [BRINK_PROVOCATION_BINS] */
  double action_sum[BRINK_MAX_ACTORS][BRINK_MAX_ACTIONS];
  double action_sq[BRINK_MAX_ACTORS][BRINK_MAX_ACTIONS];
  double unsc_proposed_sum, unsc_proposed_sq, unsc_adopted_sum, unsc_adopted_sq;
  double nominal_sum, nominal_sq, effective_sum, effective_sq; /* per-run mean per step */
  double ratio_sum, ratio_sq;
  uint64_t ratio_n;
  uint64_t *tension_hist; /* [horizon][tension_bins] */
} brink_policy_stats;

#define BRINK_PROVOCATION_BINS 401 /* 0..399, and 400 or more */

/* Paired differences between policies a and b (a minus b), from common random numbers. */
typedef struct brink_pair_stats {
  uint32_t a, b; /* positions in the compared list */
  double war_sum, war_sq, prov_sum, prov_sq, talks_sum, talks_sq;
} brink_pair_stats;

/* The summary (public as an opaque handle, include/brink/engine.h). */
struct brink_summary {
  const brink_model *model;
  uint64_t runs, seed;
  double confidence, z;
  uint32_t horizon;
  int threads;
  double seconds; /* wall time of the runs */
  size_t n_policies;
  brink_policy_stats *policies;
  size_t n_pairs;
  brink_pair_stats *pairs;
  size_t tension_bins;
  double tension_origin, tension_width; /* bin i stands for origin + i * width */
  size_t action_bins;                   /* bins of each action_hist: horizon + 1, at most 1024 */
  uint64_t first_run; /* the block's first run (0 for a whole job); runs counts the block */
  /* A block that does not start at run 0 keeps each run's non-integer values (the pressure
   * means and their ratio: 3 doubles per run and policy) for brink_summary_merge, which must
   * add them in run order to give the same bits as one process; NULL otherwise. */
  double *run_values;
  brink_ctx *ctx; /* the context that made it; brink_summary_free releases it through it */
};

/* An empty summary for the options' block of runs (histogram sizes from the model's horizon).
 * New summary, caller frees with brink_summary_free. */
brink_status brink__summary_alloc(brink_ctx *ctx, const brink_model *model,
                                  const brink_engine_options *options, brink_summary **out);

#endif
