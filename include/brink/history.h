/* SPDX-License-Identifier: MIT */
/* The recorded history as the model sees it (docs/history.md): scenario windows ordered by
 * their time.start and bound to the weeks they cover, the record cut strictly before the end,
 * and the weekly acts the observation table makes of it. What `brink filter`, `replay`,
 * `calibrate`, `forecast --origin` and the Python package's forecasts from an origin start
 * from. */
#ifndef BRINK_HISTORY_H
#define BRINK_HISTORY_H

#include <stdint.h>

#include "brink/brink.h"
#include "brink/filter.h"
#include "brink/model.h"
#include "brink/observe.h"
#include "brink/record.h"
#include "brink/scenario.h"

#define BRINK_HISTORY_MAX_WINDOWS 32

typedef struct brink_history_options {
  const char *const *windows; /* scenario files, 1..BRINK_HISTORY_MAX_WINDOWS, any order */
  size_t n_windows;
  const char *const *overrides; /* "PATH=VALUE" applied to every window (--set) */
  size_t n_overrides;
  const brink_record *record; /* the record; only its rows before `end` are read */
  const char *observation;    /* the observation table (data/korea_observation.tsv) */
  const char *posterior;      /* a posterior sample for every window's model, or NULL */
  int32_t from;               /* YYYYMMDD, first day; 0: the first window's time.start */
  int32_t end;                /* YYYYMMDD, the day after the history (exclusive) */
} brink_history_options;

typedef struct brink_history {
  size_t n_windows;
  brink_scenario *scenarios[BRINK_HISTORY_MAX_WINDOWS]; /* in the order of their time.start */
  brink_model *models[BRINK_HISTORY_MAX_WINDOWS];       /* horizon: the history's weeks */
  const char *files[BRINK_HISTORY_MAX_WINDOWS];         /* as given in the options */
  int32_t window_start[BRINK_HISTORY_MAX_WINDOWS];      /* YYYYMMDD */
  uint32_t window_step[BRINK_HISTORY_MAX_WINDOWS];      /* first week of each window */
  int32_t start, end;                                   /* YYYYMMDD; end exclusive */
  uint32_t n_steps, n_actors;
  uint32_t observed, scored; /* actor bitmasks: not third parties; behavioural */
  int *acts;                 /* [n_steps * n_actors], as brink_filter_data's */
  brink_observation *obs;
  brink_observation_report report;
  size_t n_record_files; /* files the record was read from */
  brink_ctx *ctx;        /* the context that made it; brink_history_release releases through it */
} brink_history;

/* Loads the windows (with the overrides; a window's loader diagnostics go to diags, which may
 * be NULL), their models over the history's weeks (with the posterior when given), the record's
 * rows before `end` and the weekly acts from `from`. Nothing on or after `end` is read.
 * BRINK_EINVAL with a message for a window without time.start, a history shorter than a week
 * or too many windows; the loaders' statuses otherwise. On failure *out holds nothing to
 * release. */
BRINK_API brink_status brink_history_load(brink_ctx *ctx, const brink_history_options *options,
                                          brink_diag_list *diags, brink_history *out);
/* Releases what brink_history_load made (the struct itself is the caller's). */
BRINK_API void brink_history_release(brink_history *history);

/* The record as the particle filter reads it: the history's weeks and acts, the scored
 * actors, and the observation error. Valid while the history is. */
BRINK_API brink_filter_data brink_history_filter_data(const brink_history *history,
                                                      double misrecord);
/* Fills the options' windows (the later windows and the weeks they start) so that a filter,
 * IF2 or calibration over the history rebinds its particles window by window; the first
 * window's model is history->models[0]. */
BRINK_API void brink_history_filter_windows(const brink_history *history,
                                            brink_filter_options *options);

/* A synthetic record (recovery checks, docs/validation.md): acts[n_steps * n_actors] is the
 * history's acts with those of the scored actors replaced by draws from the history's models
 * (their posterior, when loaded with one) under the unscored actors' recorded acts, through
 * the filter's observation model (with probability misrecord an act drawn evenly from the
 * ladder). A simulated history in which war begins is drawn again (the record has none), up to
 * BRINK_HISTORY_SIMULATE_TRIES times. The same seed gives the same acts. */
#define BRINK_HISTORY_SIMULATE_TRIES 1000
BRINK_API brink_status brink_history_simulate(brink_ctx *ctx, const brink_history *history,
                                              uint64_t seed, double misrecord, int *acts);

#endif
