/* SPDX-License-Identifier: MIT */
/* The Monte Carlo engine: many runs of a model under one or more policies, in parallel
 * (OpenMP), with streaming statistics. Runs are keyed by (seed, run index), policies share
 * each run's parameter draw (common random numbers), and every statistic is accumulated so
 * that the result is the same, bit for bit, whatever the number of threads. */
#ifndef BRINK_ENGINE_H
#define BRINK_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"
#include "brink/model.h"
#include "brink/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BRINK_MAX_RUNS ((uint64_t)1 << 40)
#define BRINK_TENSION_QUANTILES 5 /* 0.05, 0.25, 0.5, 0.75, 0.95 */

typedef struct brink_engine_options {
  uint64_t runs; /* runs per policy, 1..BRINK_MAX_RUNS */
  uint64_t seed;
  int threads;              /* >= 1 */
  double confidence;        /* of every interval, e.g. 0.95 */
  const uint32_t *policies; /* indices into the scenario's policies */
  size_t n_policies;        /* >= 1 */
  /* Called from the calling thread after each batch of runs (may be NULL). */
  void (*progress)(void *userdata, uint64_t done, uint64_t total);
  /* Called from the calling thread once per (run, policy), in run order then policy order
   * (may be NULL): for --save-runs. params holds the run's parameter draws. */
  void (*on_run)(void *userdata, uint64_t run, uint32_t policy, const brink_run_result *result,
                 const double *params);
  void *userdata;
  /* May be NULL. Read after each batch of runs (after progress): non-zero stops the run,
   * which returns BRINK_ECANCELED and no summary. A server sets it when its client leaves. */
  const volatile int *cancel;
  /* A block of the runs, for dividing one job among processes: runs first_run ..
   * first_run + run_count - 1 of the `runs` (run i draws from the streams of (seed, i) as in
   * the whole job). run_count 0: all the runs (first_run must then be 0). The summary of a
   * block counts only its runs; brink_summary_merge joins the blocks, in run order, into the
   * summary of the whole job, bit for bit. progress counts the block's runs. */
  uint64_t first_run, run_count;
} brink_engine_options;

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

typedef struct brink_summary {
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
} brink_summary;

/* Runs the Monte Carlo. New summary, caller frees with brink_summary_free. BRINK_EINVAL for
 * bad options (message names the option). The model is only read. */
BRINK_API brink_status brink_engine_run(brink_ctx *ctx, const brink_model *model,
                                        const brink_engine_options *options, brink_summary **out);
BRINK_API void brink_summary_free(brink_summary *summary);

/* Adds the block `next` to `into`: next must start where into ends (next->first_run ==
 * into->first_run + into->runs) and come from the same model and options (policies, seed,
 * confidence, horizon). Counts, histograms and integer sums are added; the other sums are
 * continued with next's runs in run order, so merging the blocks 0..K-1 in order gives the
 * bytes of one brink_engine_run over all the runs. seconds becomes the larger of the two.
 * BRINK_EINVAL when the blocks do not fit together (message says why). */
BRINK_API brink_status brink_summary_merge(brink_ctx *ctx, brink_summary *into,
                                           const brink_summary *next);
/* Serialises a summary into out (appended, binary) for another process of the same job
 * (same build and architecture: not a file format), and reads it back against the model
 * the receiving process loaded: a new summary, caller frees with brink_summary_free.
 * BRINK_EPARSE when the bytes do not match the model (size, policies, horizon). */
BRINK_API brink_status brink_summary_pack(brink_ctx *ctx, const brink_summary *summary,
                                          brink_buf *out);
BRINK_API brink_status brink_summary_unpack(brink_ctx *ctx, const brink_model *model,
                                            const char *data, size_t len, brink_summary **out);

/* Estimates of one policy's outcomes (see docs/output.md for units). */
BRINK_API brink_estimate brink_summary_p_war(const brink_summary *s, size_t i);
/* Cumulative P(armed conflict by the end of step t). */
BRINK_API brink_estimate brink_summary_p_war_by(const brink_summary *s, size_t i, uint32_t t);
BRINK_API brink_estimate brink_summary_p_clash(const brink_summary *s, size_t i);
BRINK_API brink_estimate brink_summary_p_nuclear(const brink_summary *s, size_t i);
BRINK_API brink_estimate brink_summary_p_agreement(const brink_summary *s, size_t i);
/* P(armed conflict began by this cause). */
BRINK_API brink_estimate brink_summary_p_war_cause(const brink_summary *s, size_t i,
                                                   brink_war_cause cause);
/* Mean incidents and armed clashes per run. */
BRINK_API brink_estimate brink_summary_incidents(const brink_summary *s, size_t i);
BRINK_API brink_estimate brink_summary_clashes(const brink_summary *s, size_t i);
/* Mean per-run count of ladder action `action` of `actor`. */
BRINK_API brink_estimate brink_summary_action(const brink_summary *s, size_t i, uint32_t actor,
                                              uint32_t action);
/* Count histogram of an action (s->action_bins entries; see brink_policy_stats). */
BRINK_API const uint64_t *brink_summary_action_hist(const brink_summary *s, size_t i,
                                                    uint32_t actor, uint32_t action);
BRINK_API brink_estimate brink_summary_p_talks(const brink_summary *s, size_t i);
BRINK_API brink_estimate brink_summary_provocations(const brink_summary *s, size_t i);
/* Median steps to talks among runs that reached talks (NaN when none did). */
BRINK_API brink_estimate brink_summary_time_to_talks(const brink_summary *s, size_t i);
/* Quantile q of the tension index at step t, over runs still going at that step. */
BRINK_API double brink_summary_tension_quantile(const brink_summary *s, size_t i, uint32_t t,
                                                double q);

/* Metadata written with results. */
typedef struct brink_output_meta {
  const char *scenario_file;
  const char *const *overrides;
  size_t n_overrides;
  int with_timing;            /* 0 leaves the timing object out */
  const char *posterior_file; /* the --posterior sample used, or NULL (priors) */
} brink_output_meta;

/* Writes the result as JSON (docs/output.md), a tidy CSV table (one row per policy, each row
 * carrying the scenario, its file, the overrides joined by ';', seed, generator, runs, horizon
 * and confidence; numbers in the shortest form that reads back to the same double), or a
 * human-readable table with units, run counts and intervals. meta may be NULL. */
BRINK_API brink_status brink_summary_json(brink_ctx *ctx, const brink_summary *s,
                                          const brink_output_meta *meta, brink_buf *out);
BRINK_API brink_status brink_summary_csv(brink_ctx *ctx, const brink_summary *s,
                                         const brink_output_meta *meta, brink_buf *out);
BRINK_API brink_status brink_summary_table(brink_ctx *ctx, const brink_summary *s, brink_buf *out);

#ifdef __cplusplus
}
#endif
#endif
