/* SPDX-License-Identifier: MIT */
/* The recorded history for the replay, filter and forecast commands (cli/history.c). */
#ifndef BRINK_CLI_HISTORY_H
#define BRINK_CLI_HISTORY_H

#include <stdint.h>
#include <stdio.h>

#include "brink/filter.h"
#include "brink/history.h"
#include "cli.h"

#define HISTORY_MAX_WINDOWS BRINK_HISTORY_MAX_WINDOWS

/* The --misrecord option of the commands that filter the record, its default from the
 * library's one constant (BRINK_FILTER_MISRECORD). */
#define HISTORY_STR_(x) #x
#define HISTORY_STR(x) HISTORY_STR_(x)
#define HISTORY_MISRECORD_OPT                                                                      \
  {                                                                                                \
    "misrecord", "P",                                                                              \
        "chance that a recorded act is not the one the model means (default " HISTORY_STR(         \
            BRINK_FILTER_MISRECORD) ": the fit's, docs/validation.md)",                            \
        0, NULL, NULL, 0                                                                           \
  }
#define HISTORY_END 20221107 /* the day after the project's record ends (BRINK_RECORD_END) */

/* The record and observation options, as every command that reads the record has them, and
 * the options history_load reads, for a command's cli_opt table. */
/* clang-format off */
#define HISTORY_RECORD_OPT \
  {"record", "FILE", "record file (repeatable; default: the shipped files in data/)", \
   1, NULL, NULL, 0}
#define HISTORY_OBSERVATION_OPT \
  {"observation", "FILE", "observation table (default data/korea_observation.tsv)", \
   0, NULL, NULL, 0}
#define HISTORY_OPTS \
  HISTORY_RECORD_OPT, \
  {"from", "DATE", "first day of the history (default: the first window's time.start)", \
   0, NULL, NULL, 0}, \
  {"to", "DATE", "the day after the history (default 2022-11-07: the record's end)", \
   0, NULL, NULL, 0}, \
  HISTORY_OBSERVATION_OPT, \
  {"set", "PATH=VALUE", "override a value in every window, e.g. params.dprk_greed=0.9", \
   1, NULL, NULL, 0}
/* clang-format on */

/* The library's history (include/brink/history.h), loaded from the command's options. */
typedef brink_history history;

/* Loads the windows (scenario files, ordered by time.start), the record (the spec's repeated
 * --record, or the shipped files) strictly before end_exclusive or --to, and the weekly acts
 * from --from (default: the first window's start). The spec must have the options record,
 * from, observation, set (and may have to and posterior: a posterior file for every window).
 * Returns -1 on success (release with history_release), an exit code after printing the error
 * otherwise. */
int history_load(cli_spec *spec, brink_ctx *ctx, const char *const *files, size_t n_files,
                 int32_t end_exclusive, history *h);
void history_release(brink_ctx *ctx, history *h);
/* The weeks, windows and what became of the record's rows, for people. */
void history_describe(const history *h, FILE *out);

#endif
