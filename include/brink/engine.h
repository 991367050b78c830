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

/* The outcome of a Monte Carlo job: an opaque handle (made by brink_engine_run, merged,
 * packed and unpacked below, released by brink_summary_free), read through the accessors
 * below and the estimates after them. */
typedef struct brink_summary brink_summary;

/* Runs per policy (of the block, for a block of a job), the seed, the confidence level of
 * the intervals, the steps simulated, the worker threads and the wall time of the runs (s). */
BRINK_API uint64_t brink_summary_runs(const brink_summary *s);
BRINK_API uint64_t brink_summary_seed(const brink_summary *s);
BRINK_API double brink_summary_confidence(const brink_summary *s);
BRINK_API uint32_t brink_summary_horizon(const brink_summary *s);
BRINK_API int brink_summary_threads(const brink_summary *s);
BRINK_API double brink_summary_seconds(const brink_summary *s);
/* The first run of the block (0 for a whole job). */
BRINK_API uint64_t brink_summary_first_run(const brink_summary *s);
/* The policies compared, and the scenario's index of the i-th (UINT32_MAX past the end). */
BRINK_API size_t brink_summary_policy_count(const brink_summary *s);
BRINK_API uint32_t brink_summary_policy(const brink_summary *s, size_t i);
/* Entries of each action's count histogram (brink_summary_action_hist): horizon + 1, at most
 * 1024; the last counts that many times or more. */
BRINK_API size_t brink_summary_action_bins(const brink_summary *s);

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

/* Estimates of the outcomes of the i-th compared policy (see docs/output.md for units): NaN in
 * every field (NULL for a histogram, NaN for a quantile) when i, an actor, an action or a step
 * is out of range. */
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
/* Count histogram of an action: entry k counts the runs that took it k times (see
 * brink_summary_action_bins). */
BRINK_API const uint64_t *brink_summary_action_hist(const brink_summary *s, size_t i,
                                                    uint32_t actor, uint32_t action);
BRINK_API brink_estimate brink_summary_p_talks(const brink_summary *s, size_t i);
BRINK_API brink_estimate brink_summary_provocations(const brink_summary *s, size_t i);
/* Median steps to talks among runs that reached talks (NaN when none did). */
BRINK_API brink_estimate brink_summary_time_to_talks(const brink_summary *s, size_t i);
/* Quantile q of the tension index at step t, over runs still going at that step. */
BRINK_API double brink_summary_tension_quantile(const brink_summary *s, size_t i, uint32_t t,
                                                double q);

/* Paired differences between the compared policies at positions a and b (a minus b, a != b;
 * either order), from common random numbers: the mean per run of the difference in armed
 * conflict (0/1, so a difference of probabilities), in provocations and in reaching talks,
 * with its interval. NaN in every field for a position out of range or a == b. */
BRINK_API brink_estimate brink_summary_diff_p_war(const brink_summary *s, size_t a, size_t b);
BRINK_API brink_estimate brink_summary_diff_provocations(const brink_summary *s, size_t a,
                                                         size_t b);
BRINK_API brink_estimate brink_summary_diff_p_talks(const brink_summary *s, size_t a, size_t b);

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
