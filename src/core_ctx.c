/* SPDX-License-Identifier: MIT */
/* The context: allocation funnel (with failure injection), last error message, log; creating
 * one turns GSL's aborting error handler off. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "internal.h"

#define ERRMSG_MAX 1024

struct brink_ctx {
  brink_realloc_fn realloc_fn;
  void *realloc_ud;
  brink_log_fn log_fn;
  void *log_ud;
  uint64_t allocs;
  uint64_t fail_at; /* allocation number that starts failing; 0: never */
  size_t in_use;
  char errmsg[ERRMSG_MAX];
};

/* Each block carries its size in front so bytes_in_use can be tracked (leak tests). */
typedef union header {
  size_t size;
  max_align_t align;
} header;

static void *default_realloc(void *ud, void *ptr, size_t size) {
  (void)ud;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, size);
}

static const char *const status_names[] = {
#define NAME(name, msg) "BRINK_" #name,
    BRINK_STATUS_MAP(NAME)
#undef NAME
};
static const char *const status_msgs[] = {
#define MSG(name, msg) msg,
    BRINK_STATUS_MAP(MSG)
#undef MSG
};

const char *brink_status_name(brink_status status) {
  if ((unsigned)status >= BRINK_STATUS_COUNT) return "BRINK_UNKNOWN";
  return status_names[status];
}

const char *brink_status_str(brink_status status) {
  if ((unsigned)status >= BRINK_STATUS_COUNT) return "unknown status";
  return status_msgs[status];
}

brink_status brink_ctx_new_with(brink_realloc_fn realloc_fn, void *userdata, brink_ctx **out) {
  *out = NULL;
  if (!realloc_fn) return BRINK_EINVAL;
  /* GSL's default error handler aborts the process; the library reports failures as statuses
   * instead (each GSL call's return value or a NaN is checked where it is used). */
  gsl_set_error_handler_off();
  brink_ctx *ctx = realloc_fn(userdata, NULL, sizeof *ctx);
  if (!ctx) return BRINK_ENOMEM;
  memset(ctx, 0, sizeof *ctx);
  ctx->realloc_fn = realloc_fn;
  ctx->realloc_ud = userdata;
  *out = ctx;
  return BRINK_OK;
}

brink_status brink_ctx_new(brink_ctx **out) {
  return brink_ctx_new_with(default_realloc, NULL, out);
}

void brink_ctx_free(brink_ctx *ctx) {
  if (!ctx) return;
  ctx->realloc_fn(ctx->realloc_ud, ctx, 0);
}

const char *brink_ctx_errmsg(const brink_ctx *ctx) { return ctx ? ctx->errmsg : ""; }
void brink_ctx_clear_error(brink_ctx *ctx) { ctx->errmsg[0] = '\0'; }

void brink_ctx_set_log(brink_ctx *ctx, brink_log_fn log_fn, void *userdata) {
  ctx->log_fn = log_fn;
  ctx->log_ud = userdata;
}

void brink_ctx_fail_after(brink_ctx *ctx, uint64_t n) { ctx->fail_at = n ? ctx->allocs + n : 0; }

uint64_t brink_ctx_alloc_count(const brink_ctx *ctx) { return ctx->allocs; }
size_t brink_ctx_bytes_in_use(const brink_ctx *ctx) { return ctx->in_use; }

brink_status brink__fail(brink_ctx *ctx, brink_status code, const char *fmt, ...) {
  if (ctx) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    va_end(ap);
  }
  return code;
}

void brink__log(brink_ctx *ctx, int level, const char *fmt, ...) {
  if (!ctx || !ctx->log_fn) return;
  char line[ERRMSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  ctx->log_fn(ctx->log_ud, level, line);
}

void *brink_realloc(brink_ctx *ctx, void *p, size_t n) {
  header *old = p ? (header *)p - 1 : NULL;
  size_t old_size = old ? old->size : 0;
  if (n == 0) {
    brink_free(ctx, p);
    return NULL;
  }
  ctx->allocs++;
  if ((ctx->fail_at && ctx->allocs >= ctx->fail_at) || n > SIZE_MAX - sizeof(header)) {
    brink__fail(ctx, BRINK_ENOMEM, "out of memory (allocating %zu bytes)", n);
    return NULL;
  }
  header *h = ctx->realloc_fn(ctx->realloc_ud, old, n + sizeof(header));
  if (!h) {
    brink__fail(ctx, BRINK_ENOMEM, "out of memory (allocating %zu bytes)", n);
    return NULL;
  }
  h->size = n;
  ctx->in_use = ctx->in_use - old_size + n;
  return h + 1;
}

void *brink_malloc(brink_ctx *ctx, size_t n) { return brink_realloc(ctx, NULL, n ? n : 1); }

void *brink_calloc(brink_ctx *ctx, size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) {
    brink__fail(ctx, BRINK_ENOMEM, "out of memory (%zu elements of %zu bytes)", count, size);
    return NULL;
  }
  size_t n = count * size;
  void *p = brink_malloc(ctx, n);
  if (p) memset(p, 0, n ? n : 1);
  return p;
}

void brink_free(brink_ctx *ctx, void *p) {
  if (!p) return;
  header *h = (header *)p - 1;
  ctx->in_use -= h->size;
  ctx->realloc_fn(ctx->realloc_ud, h, 0);
}

char *brink_strndup(brink_ctx *ctx, const char *s, size_t n) {
  char *d = brink_malloc(ctx, n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

char *brink_strdup(brink_ctx *ctx, const char *s) { return brink_strndup(ctx, s, strlen(s)); }
