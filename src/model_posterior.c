/* SPDX-License-Identifier: MIT */
/* Posterior sample files: a TSV whose header names parameters and whose rows are draws
 * (written by the fitting commands, read by the --posterior option of run, compare, trace,
 * forecast, sweep and sensitivity). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "brink/model.h"
#include "internal.h"
#include "scenario_internal.h"

#define MAX_DRAWS 1000000

/* Splits [line, line + len) at tabs into at most max fields (start, length). */
static size_t fields(const char *line, size_t len, const char **start, size_t *flen, size_t max) {
  size_t n = 0, i = 0;
  while (n < max) {
    size_t j = i;
    while (j < len && line[j] != '\t') j++;
    start[n] = line + i;
    flen[n] = j - i;
    n++;
    if (j >= len) break;
    i = j + 1;
  }
  return n;
}

void brink_posterior_free(brink_posterior *post) {
  if (!post) return;
  for (size_t c = 0; c < post->n_cols; c++) brink_free(post->ctx, post->names[c]);
  brink_free(post->ctx, post->names);
  brink_free(post->ctx, post->rows);
  brink_free(post->ctx, post->path);
  brink_free(post->ctx, post);
}

brink_status brink_posterior_read(brink_ctx *ctx, const char *path, brink_posterior **out) {
  *out = NULL;
  brink_buf text;
  brink_buf_init(&text, ctx, (size_t)256 << 20);
  size_t cap = 0;
  brink_posterior *post = brink_calloc(ctx, 1, sizeof *post);
  if (!post) return BRINK_ENOMEM;
  post->ctx = ctx;
  post->path = brink_malloc(ctx, strlen(path) + 1);
  if (!post->path) {
    brink_free(ctx, post);
    return BRINK_ENOMEM;
  }
  memcpy(post->path, path, strlen(path) + 1);
  brink_status st = brink__read_file(ctx, path, &text);
  if (st) goto done;
  const char *p = text.data, *end = text.data + text.len;
  for (uint32_t line = 1; p < end; line++) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
    const char *row = p;
    p = eol ? eol + 1 : end;
    if (len && row[len - 1] == '\r') len--;
    if (!len || row[0] == '#') continue;
    const char *f[BRINK_MAX_PARAMS + 1];
    size_t fl[BRINK_MAX_PARAMS + 1];
    size_t nf = fields(row, len, f, fl, BRINK_MAX_PARAMS + 1);
    if (!post->n_cols) { /* the header */
      if (nf > BRINK_MAX_PARAMS) {
        st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: more than %d columns", path, line,
                         (size_t)(f[BRINK_MAX_PARAMS] - row) + 1, BRINK_MAX_PARAMS);
        goto done;
      }
      post->names = brink_calloc(ctx, nf, sizeof *post->names);
      if (!post->names) {
        st = BRINK_ENOMEM;
        goto done;
      }
      for (size_t c = 0; c < nf; c++) {
        post->names[c] = brink_malloc(ctx, fl[c] + 1);
        if (!post->names[c]) {
          st = BRINK_ENOMEM;
          goto done;
        }
        post->n_cols = c + 1; /* freed up to here on failure */
        memcpy(post->names[c], f[c], fl[c]);
        post->names[c][fl[c]] = '\0';
      }
      continue;
    }
    const size_t n_cols = post->n_cols;
    if (nf != n_cols) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: %zu fields, expected %zu as in the header",
                       path, line, len + 1, nf, n_cols);
      goto done;
    }
    if (post->n_rows == cap) {
      if (cap >= MAX_DRAWS) {
        st = brink__fail(ctx, BRINK_ELIMIT, "%s: more than %d draws", path, MAX_DRAWS);
        goto done;
      }
      size_t ncap = cap ? 2 * cap : 64;
      double *grown = brink_realloc(ctx, post->rows, ncap * n_cols * sizeof *post->rows);
      if (!grown) {
        st = BRINK_ENOMEM;
        goto done;
      }
      post->rows = grown;
      cap = ncap;
    }
    for (size_t c = 0; c < n_cols; c++)
      if (brink_parse_f64(f[c], fl[c], &post->rows[post->n_rows * n_cols + c])) {
        st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: expected a number for '%s', found '%.*s'",
                         path, line, (size_t)(f[c] - row) + 1, post->names[c],
                         (int)(fl[c] > 40 ? 40 : fl[c]), f[c]);
        goto done;
      }
    post->n_rows++;
  }
  if (!post->n_cols || !post->n_rows)
    st = brink__fail(ctx, BRINK_EPARSE, "%s: expected a header of parameter names, then draws",
                     path);
done:
  brink_buf_release(&text);
  if (st) {
    brink_posterior_free(post);
    return st;
  }
  *out = post;
  return BRINK_OK;
}

brink_status brink_model_use_posterior(brink_ctx *ctx, brink_model *m,
                                       const brink_posterior *post) {
  const brink_scenario *sc = brink_model_scenario(m);
  const char *names[BRINK_MAX_PARAMS];
  size_t keep[BRINK_MAX_PARAMS], n_keep = 0;
  for (size_t c = 0; c < post->n_cols; c++) {
    int k = brink_scenario_find_param(sc, post->names[c]);
    if (k >= 0 && sc->params[k].dist == BRINK_DIST_CONSTANT) continue;
    keep[n_keep] = c;
    names[n_keep++] = post->names[c];
  }
  if (n_keep == 0) return brink_model_set_posterior(ctx, m, NULL, 0, NULL, 0);
  double *rows = brink_malloc(ctx, post->n_rows * n_keep * sizeof *rows);
  if (!rows) return BRINK_ENOMEM;
  for (size_t r = 0; r < post->n_rows; r++)
    for (size_t i = 0; i < n_keep; i++)
      rows[r * n_keep + i] = post->rows[r * post->n_cols + keep[i]];
  brink_status st = brink_model_set_posterior(ctx, m, names, n_keep, rows, post->n_rows);
  brink_free(ctx, rows);
  if (st && st != BRINK_ENOMEM) {
    char why[512];
    snprintf(why, sizeof why, "%s", brink_ctx_errmsg(ctx));
    st = brink__fail(ctx, st, "%s: %s", post->path, why);
  }
  return st;
}

brink_status brink_model_load_posterior(brink_ctx *ctx, brink_model *m, const char *path) {
  brink_posterior *post = NULL;
  brink_status st = brink_posterior_read(ctx, path, &post);
  if (st) return st;
  st = brink_model_set_posterior(ctx, m, (const char *const *)post->names, post->n_cols, post->rows,
                                 post->n_rows);
  if (st && st != BRINK_ENOMEM) {
    char why[512];
    snprintf(why, sizeof why, "%s", brink_ctx_errmsg(ctx));
    st = brink__fail(ctx, st, "%s: %s", path, why);
  }
  brink_posterior_free(post);
  return st;
}
