/* SPDX-License-Identifier: MIT */
/* Library-internal helpers shared across modules: the error funnel and logging. */
#ifndef BRINK_INTERNAL_H
#define BRINK_INTERNAL_H

#include "brink/brink.h"

/* Appends the whole file at path to out (bounded by out's limit: BRINK_ELIMIT with a message);
 * BRINK_EIO with a message when it cannot be read. */
brink_status brink__read_file(brink_ctx *ctx, const char *path, brink_buf *out);
/* Reads a whole file into a new NUL-terminated buffer that the caller frees with brink_free;
 * BRINK_EIO with the reason, BRINK_ELIMIT past max bytes. */
brink_status brink__read_file_alloc(brink_ctx *ctx, const char *path, size_t max, char **out,
                                    size_t *len);
/* Length of the longest valid UTF-8 prefix of text[0..len): len when all of it is valid
 * (no overlong forms, surrogates or code points past U+10FFFF). */
size_t brink__utf8_check(const char *text, size_t len);

/* The JSON readers (core_json.c: a libfyaml tree; report_json.c: a flat token array) read at
 * most JSON_MAX_BYTES and share their first checks and their locations. */
#define JSON_MAX_BYTES ((size_t)256 << 20)
/* Line and column (1-based, columns in characters) of byte offset off of text. */
void brink__json_locate(const char *text, size_t off, uint32_t *line, uint32_t *col);
/* The checks every JSON reader of the library makes first: at most JSON_MAX_BYTES, valid UTF-8,
 * and an object ('{' after white space). BRINK_OK, or the status with a located message
 * ("name:line:col: ..."). */
brink_status brink__json_precheck(brink_ctx *ctx, const char *text, size_t len, const char *name);

/* Systematic resampling (Kitagawa 1996): weights (normalised, n of them) and one uniform u0
 * in [0, 1) give n parents at the evenly spaced points (u0 + k) / n (src/history_filter.c; used by
 * the particle filter and iterated filtering). */
void brink__resample_systematic(const double *weight, size_t n, double u0, uint32_t *parent);

/* n model states of model m in a new array (src/model.c): the particles of the filter and of
 * iterated filtering, the per-thread states of the forecast and the replay. On failure nothing
 * is left to free. brink__model_states_free frees the states and the array (NULL is fine). */
struct brink_model;
struct brink_model_state;
brink_status brink__model_states_new(brink_ctx *ctx, const struct brink_model *m, size_t n,
                                     struct brink_model_state ***out);
void brink__model_states_free(brink_ctx *ctx, struct brink_model_state **states, size_t n);

/* One week of a particle (src/history_filter.c): the model's probability of the scored actors'
 * recorded acts (with the observation error), then the step with every recorded act forced;
 * 0 once war has begun (the record has none), and *dead is set. Used by the particle filter
 * and iterated filtering. */
struct brink_filter_data;
double brink__filter_advance(struct brink_model_state *st, const struct brink_filter_data *d,
                             uint32_t t, int *dead);

/* Sets the context's error message and returns code:
 *   return brink__fail(ctx, BRINK_EPARSE, "%s:%d:%d: unknown actor '%s'", ...); */
brink_status brink__fail(brink_ctx *ctx, brink_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void brink__log(brink_ctx *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Calendar days (src/events_date.c): a valid YYYYMMDD to days since 1970-01-01 and back. */
int64_t brink__date_to_days(int32_t date);
int32_t brink__date_from_days(int64_t days);
/* The first day of step n from start (YYYYMMDD) for a scenario time step (brink_time_step):
 * n days, n weeks, or n months (the same day of the month, clipped to its last day). */
int32_t brink__date_add_steps(int32_t start, int step, uint32_t n);

#define BRINK_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
