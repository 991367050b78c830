/* SPDX-License-Identifier: MIT */
/* brink: the core of the library. Status codes, the context (allocator, last error, log),
 * the bounded text buffer and safe number parsing. Every other public header builds on this. */
#ifndef BRINK_BRINK_H
#define BRINK_BRINK_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BRINK_VERSION_STRING "0.1.0"

/* Marks the public API. The library is compiled with -fvisibility=hidden, so libbrink.so
 * exports these functions and nothing else (library-internal brink__ functions stay inside). */
#ifndef BRINK_API
#if defined(__GNUC__) || defined(__clang__)
#define BRINK_API __attribute__((visibility("default")))
#else
#define BRINK_API
#endif
#endif

/* ---- Status codes ---------------------------------------------------------------------- */

/* One list makes the enum, the names and the messages (libuv's UV_ERRNO_MAP). */
#define BRINK_STATUS_MAP(X)                                                                        \
  X(OK, "ok")                                                                                      \
  X(ENOMEM, "out of memory")                                                                       \
  X(EINVAL, "invalid argument")                                                                    \
  X(EPARSE, "malformed input")                                                                     \
  X(EIO, "input/output error")                                                                     \
  X(ERANGE, "value out of range")                                                                  \
  X(ENOTFOUND, "not found")                                                                        \
  X(ELIMIT, "limit exceeded")                                                                      \
  X(EDB, "database error")                                                                         \
  X(EUNSUPPORTED, "unsupported")                                                                   \
  X(ECANCELED, "cancelled")

typedef enum brink_status {
#define BRINK_STATUS_ENUM(name, msg) BRINK_##name,
  BRINK_STATUS_MAP(BRINK_STATUS_ENUM)
#undef BRINK_STATUS_ENUM
      BRINK_STATUS_COUNT
} brink_status;

/* "BRINK_ENOMEM"; a static string, "BRINK_UNKNOWN" for values outside the enum. */
BRINK_API const char *brink_status_name(brink_status status);
/* "out of memory"; a static string. */
BRINK_API const char *brink_status_str(brink_status status);

/* ---- Context --------------------------------------------------------------------------- */

/* The allocator: realloc semantics; size 0 frees ptr and returns NULL. */
typedef void *(*brink_realloc_fn)(void *userdata, void *ptr, size_t size);

enum { BRINK_LOG_DEBUG = 0, BRINK_LOG_INFO = 1, BRINK_LOG_WARN = 2 };
/* Receives one log line (no trailing newline). */
typedef void (*brink_log_fn)(void *userdata, int level, const char *message);

/* A context holds the allocator, the last error message and the log callback. No library
 * function touches global mutable state: everything hangs off a context. A context is used
 * by one thread at a time; the engine gives worker threads nothing that allocates. */
typedef struct brink_ctx brink_ctx;

/* New context with the C library allocator. Caller frees with brink_ctx_free. */
BRINK_API brink_status brink_ctx_new(brink_ctx **out);
/* New context with a custom allocator (which must not be NULL). */
BRINK_API brink_status brink_ctx_new_with(brink_realloc_fn realloc_fn, void *userdata,
                                          brink_ctx **out);
BRINK_API void brink_ctx_free(brink_ctx *ctx);

/* Message of the last failure ("" when none); owned by ctx, valid until the next call that
 * fails. */
BRINK_API const char *brink_ctx_errmsg(const brink_ctx *ctx);
/* Clears the last error message. */
BRINK_API void brink_ctx_clear_error(brink_ctx *ctx);
/* Sets the log callback (NULL: logging off). */
BRINK_API void brink_ctx_set_log(brink_ctx *ctx, brink_log_fn log_fn, void *userdata);

/* Failure injection for tests: the n-th allocation from now (1 = the next one) fails, and
 * every one after it until reset; n = 0 turns injection off. */
BRINK_API void brink_ctx_fail_after(brink_ctx *ctx, uint64_t n);
/* Number of allocations (not frees) made through ctx since it was created. */
BRINK_API uint64_t brink_ctx_alloc_count(const brink_ctx *ctx);
/* Bytes currently allocated through ctx (leak checks in tests). */
BRINK_API size_t brink_ctx_bytes_in_use(const brink_ctx *ctx);

/* ---- Bounded text buffer (git's strbuf, with a limit) ----------------------------------- */

/* A growable NUL-terminated string that never exceeds max bytes (content, without the NUL).
 * Embed it: brink_buf_init / brink_buf_release. */
typedef struct brink_buf {
  char *data; /* NUL-terminated; points to "" before the first append */
  size_t len; /* bytes of content */
  size_t cap; /* bytes allocated */
  size_t max; /* limit on len */
  brink_ctx *ctx;
} brink_buf;

/* The limit used when brink_buf_init is given 0. */
#define BRINK_BUF_DEFAULT_MAX ((size_t)64 << 20)

BRINK_API void brink_buf_init(brink_buf *buf, brink_ctx *ctx, size_t max);
BRINK_API void brink_buf_release(brink_buf *buf);
/* Empties the buffer and keeps its memory. */
BRINK_API void brink_buf_reset(brink_buf *buf);
/* Appends; BRINK_ENOMEM or BRINK_ELIMIT (past max) leave the buffer unchanged. */
BRINK_API brink_status brink_buf_append(brink_buf *buf, const char *data, size_t n);
BRINK_API brink_status brink_buf_puts(brink_buf *buf, const char *s);
BRINK_API brink_status brink_buf_putc(brink_buf *buf, char c);
BRINK_API brink_status brink_buf_printf(brink_buf *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
BRINK_API brink_status brink_buf_vprintf(brink_buf *buf, const char *fmt, va_list ap);
/* Appends s as a JSON string literal, quotes included. */
BRINK_API brink_status brink_buf_json_string(brink_buf *buf, const char *s);
/* Appends a double in the shortest form that reads back to the same value ("%.17g" trimmed);
 * non-finite values are written as null (JSON) . */
BRINK_API brink_status brink_buf_json_number(brink_buf *buf, double v);
/* Takes the content: returns data the caller frees with brink_free(ctx, p); the buffer is left
 * empty. NULL with BRINK_ENOMEM when the buffer had nothing allocated and allocation fails. */
BRINK_API brink_status brink_buf_detach(brink_buf *buf, char **out);

/* ---- Allocation through a context (for library modules and tests) ---------------------- */

/* Allocate n bytes through ctx; NULL and an error message in ctx on failure. */
BRINK_API void *brink_malloc(brink_ctx *ctx, size_t n);
BRINK_API void *brink_calloc(brink_ctx *ctx, size_t count, size_t size);
BRINK_API void *brink_realloc(brink_ctx *ctx, void *p, size_t n);
BRINK_API void brink_free(brink_ctx *ctx, void *p);
/* New copy of s; caller frees with brink_free. */
BRINK_API char *brink_strdup(brink_ctx *ctx, const char *s);
BRINK_API char *brink_strndup(brink_ctx *ctx, const char *s, size_t n);

/* ---- Safe number parsing (no atoi) ------------------------------------------------------ */

/* Parses the whole of s[0..n) as a decimal integer (optional sign). BRINK_EPARSE if anything
 * else is there, BRINK_ERANGE if it does not fit. */
BRINK_API brink_status brink_parse_i64(const char *s, size_t n, int64_t *out);
/* Parses the whole of s[0..n) as a finite double. */
BRINK_API brink_status brink_parse_f64(const char *s, size_t n, double *out);

/* ---- Names ----------------------------------------------------------------------------- */

/* Levenshtein distance between two names, ignoring ASCII case when fold_case is non-zero, for
 * "did you mean" suggestions. Names longer than 63 bytes are SIZE_MAX apart. */
BRINK_API size_t brink_edit_distance(const char *a, const char *b, int fold_case);

#ifdef __cplusplus
}
#endif
#endif
