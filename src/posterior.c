/* SPDX-License-Identifier: MIT */
/* Posterior sample files: a TSV whose header names parameters and whose rows are draws
 * (written by the fitting commands, read by run, compare, trace and forecast's --posterior). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "brink/model.h"
#include "internal.h"

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

brink_status brink_model_load_posterior(brink_ctx *ctx, brink_model *m, const char *path) {
  brink_buf text;
  brink_buf_init(&text, ctx, (size_t)256 << 20);
  char *names[BRINK_MAX_PARAMS] = {0};
  size_t n_cols = 0, n_rows = 0, cap = 0;
  double *rows = NULL;
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
    if (!n_cols) { /* the header */
      if (nf > BRINK_MAX_PARAMS) {
        st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: more than %d columns", path, line,
                         (size_t)(f[BRINK_MAX_PARAMS] - row) + 1, BRINK_MAX_PARAMS);
        goto done;
      }
      for (size_t c = 0; c < nf; c++) {
        names[c] = brink_malloc(ctx, fl[c] + 1);
        if (!names[c]) {
          st = BRINK_ENOMEM;
          goto done;
        }
        memcpy(names[c], f[c], fl[c]);
        names[c][fl[c]] = '\0';
      }
      n_cols = nf;
      continue;
    }
    if (nf != n_cols) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: %zu fields, expected %zu as in the header",
                       path, line, len + 1, nf, n_cols);
      goto done;
    }
    if (n_rows == cap) {
      if (cap >= MAX_DRAWS) {
        st = brink__fail(ctx, BRINK_ELIMIT, "%s: more than %d draws", path, MAX_DRAWS);
        goto done;
      }
      size_t ncap = cap ? 2 * cap : 64;
      double *grown = brink_realloc(ctx, rows, ncap * n_cols * sizeof *rows);
      if (!grown) {
        st = BRINK_ENOMEM;
        goto done;
      }
      rows = grown;
      cap = ncap;
    }
    for (size_t c = 0; c < n_cols; c++)
      if (brink_parse_f64(f[c], fl[c], &rows[n_rows * n_cols + c])) {
        st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: expected a number for '%s', found '%.*s'",
                         path, line, (size_t)(f[c] - row) + 1, names[c],
                         (int)(fl[c] > 40 ? 40 : fl[c]), f[c]);
        goto done;
      }
    n_rows++;
  }
  if (!n_cols || !n_rows) {
    st = brink__fail(ctx, BRINK_EPARSE, "%s: expected a header of parameter names, then draws",
                     path);
    goto done;
  }
  st = brink_model_set_posterior(ctx, m, (const char *const *)names, n_cols, rows, n_rows);
  if (st && st != BRINK_ENOMEM) {
    char why[512];
    snprintf(why, sizeof why, "%s", brink_ctx_errmsg(ctx));
    st = brink__fail(ctx, st, "%s: %s", path, why);
  }
done:
  for (size_t c = 0; c < BRINK_MAX_PARAMS; c++) brink_free(ctx, names[c]);
  brink_free(ctx, rows);
  brink_buf_release(&text);
  return st;
}
