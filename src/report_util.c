/* SPDX-License-Identifier: MIT */
/* Report helpers: the observed tension series (CSV from `brink events index`), number
 * formatting of the tables, base64 for data: URIs and the atomic file write. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "brink/events.h"
#include "brink/file.h"
#include "report_internal.h"

#define CSV_MAX_BYTES ((size_t)64 << 20)
#define CSV_MAX_FIELD 256

/* ---- Observed series ------------------------------------------------------------------------ */

/* "YYYY-MM-DD" -> YYYYMMDD, or 0 when it is not a valid date (src/events_date.c). */
static int32_t parse_day(const char *s, size_t n) {
  int32_t date;
  return n == 10 && !brink_event_date_parse(s, n, &date) ? date : 0;
}

static long ymd_days(int32_t ymd) { return (long)brink__date_to_days(ymd); }

double brink_observed_step(const brink_observed *obs, const brink_result *res, size_t i) {
  int32_t start = res->start ? parse_day(res->start, strlen(res->start)) : 0;
  int32_t row = obs->start ? obs->start[i] : 0;
  if (!start || !row || !res->step) return (double)i;
  if (!strcmp(res->step, "week")) return (double)(ymd_days(row) - ymd_days(start)) / 7.0;
  if (!strcmp(res->step, "day")) return (double)(ymd_days(row) - ymd_days(start));
  if (!strcmp(res->step, "month"))
    return (double)((row / 10000 - start / 10000) * 12 + (row / 100 % 100 - start / 100 % 100));
  return (double)i;
}

void brink_observed_free(brink_observed *obs) {
  if (!obs) return;
  for (size_t i = 0; obs->period && i < obs->n; i++) brink_free(obs->ctx, obs->period[i]);
  brink_free(obs->ctx, obs->period);
  brink_free(obs->ctx, obs->start);
  brink_free(obs->ctx, obs->tension);
  brink_free(obs->ctx, obs);
}

/* The fields of one line (commas, no quoting: the index's CSV has none). */
typedef struct fields {
  const char *at[64];
  size_t len[64];
  size_t n;
} fields;

static int split(const char *line, size_t len, fields *f) {
  f->n = 0;
  size_t from = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && line[i] != ',') continue;
    if (f->n == BRINK_ARRAY_LEN(f->at)) return -1;
    size_t a = from, b = i;
    while (a < b && (line[a] == ' ' || line[a] == '"')) a++;
    while (b > a && (line[b - 1] == ' ' || line[b - 1] == '"' || line[b - 1] == '\r')) b--;
    f->at[f->n] = line + a;
    f->len[f->n++] = b - a;
    from = i + 1;
  }
  return 0;
}

static long column(const fields *f, const char *name) {
  for (size_t i = 0; i < f->n; i++)
    if (f->len[i] == strlen(name) && !memcmp(f->at[i], name, f->len[i])) return (long)i;
  return -1;
}

brink_status brink_observed_parse(brink_ctx *ctx, const char *text, size_t len, const char *name,
                                  brink_observed **out) {
  brink_status st = BRINK_OK;
  brink_observed *obs = NULL;
  size_t cap = 0;
  *out = NULL;
  name = name ? name : "observed";
  if (len > CSV_MAX_BYTES) {
    st = brink__fail(ctx, BRINK_ELIMIT, "%s: larger than %zu bytes", name, CSV_MAX_BYTES);
    goto done;
  }
  size_t bad = brink__utf8_check(text, len);
  if (bad < len) {
    st = brink__fail(ctx, BRINK_EPARSE, "%s: invalid UTF-8 at byte %zu", name, bad);
    goto done;
  }
  obs = brink_calloc(ctx, 1, sizeof *obs);
  if (!obs) {
    st = BRINK_ENOMEM;
    goto done;
  }
  obs->ctx = ctx;
  long c_period = -1, c_start = -1, c_tension = -1;
  size_t header_fields = 0, lineno = 0, pos = 0;
  while (pos < len) {
    const char *line = text + pos;
    const char *nl = memchr(line, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - line) : len - pos;
    pos += n + (nl ? 1 : 0);
    lineno++;
    if (n == 0 || (n == 1 && line[0] == '\r') || line[0] == '#') continue;
    fields f;
    if (split(line, n, &f)) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%zu:1: more than 64 columns", name, lineno);
      goto done;
    }
    if (!header_fields) {
      header_fields = f.n;
      c_period = column(&f, "period");
      c_start = column(&f, "start");
      c_tension = column(&f, "tension");
      if (c_period < 0 || c_tension < 0) {
        st = brink__fail(ctx, BRINK_EPARSE,
                         "%s:%zu:1: header without %s: expected columns period,tension (and "
                         "optionally start), as `brink events index --format csv` writes",
                         name, lineno, c_period < 0 ? "'period'" : "'tension'");
        goto done;
      }
      continue;
    }
    if (f.n != header_fields) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%zu:1: %zu fields: expected %zu as in the header",
                       name, lineno, f.n, header_fields);
      goto done;
    }
    if (obs->n == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      char **period = brink_realloc(ctx, obs->period, ncap * sizeof *period);
      if (period) obs->period = period;
      int32_t *start = period ? brink_realloc(ctx, obs->start, ncap * sizeof *start) : NULL;
      if (start) obs->start = start;
      double *tension = start ? brink_realloc(ctx, obs->tension, ncap * sizeof *tension) : NULL;
      if (!tension) {
        st = BRINK_ENOMEM;
        goto done;
      }
      obs->tension = tension;
      cap = ncap;
    }
    size_t ti = (size_t)c_tension, pi = (size_t)c_period;
    double v;
    if (brink_parse_f64(f.at[ti], f.len[ti], &v)) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%zu:%zu: tension '%.*s': expected a number", name,
                       lineno, (size_t)(f.at[ti] - line) + 1,
                       (int)(f.len[ti] < CSV_MAX_FIELD ? f.len[ti] : CSV_MAX_FIELD), f.at[ti]);
      goto done;
    }
    int32_t day = 0;
    if (c_start >= 0) {
      size_t si = (size_t)c_start;
      day = parse_day(f.at[si], f.len[si]);
      if (!day) {
        st = brink__fail(ctx, BRINK_EPARSE, "%s:%zu:%zu: start '%.*s': expected YYYY-MM-DD", name,
                         lineno, (size_t)(f.at[si] - line) + 1,
                         (int)(f.len[si] < CSV_MAX_FIELD ? f.len[si] : CSV_MAX_FIELD), f.at[si]);
        goto done;
      }
    }
    obs->period[obs->n] = brink_strndup(ctx, f.at[pi], f.len[pi]);
    if (!obs->period[obs->n]) {
      st = BRINK_ENOMEM;
      goto done;
    }
    obs->start[obs->n] = day;
    obs->tension[obs->n] = v;
    obs->n++;
  }
  if (!header_fields || obs->n == 0) {
    st =
        brink__fail(ctx, BRINK_EPARSE, "%s: no rows: expected a header and at least one row", name);
    goto done;
  }

done:
  if (st) {
    if (st == BRINK_ENOMEM) brink__fail(ctx, st, "%s: out of memory", name);
    brink_observed_free(obs);
    return st;
  }
  *out = obs;
  return BRINK_OK;
}

brink_status brink_observed_load(brink_ctx *ctx, const char *path, brink_observed **out) {
  char *text = NULL;
  size_t len = 0;
  *out = NULL;
  brink_status st = brink__read_file_alloc(ctx, path, CSV_MAX_BYTES, &text, &len);
  if (!st) st = brink_observed_parse(ctx, text, len, path, out);
  brink_free(ctx, text);
  return st;
}

/* ---- Numbers, base64, files ------------------------------------------------------------------ */

void brink__report_fixed(double v, double scale, int decimals, int sign, char *out, size_t size) {
  if (!isfinite(v)) {
    snprintf(out, size, "n/a");
    return;
  }
  snprintf(out, size, sign ? "%+.*f" : "%.*f", decimals, v * scale);
  /* A value that rounds to zero prints as 0.00 whatever its sign. */
  const char *digits = out + (out[0] == '-' || out[0] == '+');
  int zero = 1;
  for (const char *p = digits; *p; p++)
    if (*p >= '1' && *p <= '9') zero = 0;
  if (zero && digits != out) memmove(out, digits, strlen(digits) + 1);
}

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Four characters for the n (1..3) bytes at src, '=' for the missing ones. */
static void base64_group(char *q, const unsigned char *src, size_t n) {
  uint32_t v = (uint32_t)src[0] << 16;
  if (n > 1) v |= (uint32_t)src[1] << 8;
  if (n > 2) v |= src[2];
  q[0] = base64_alphabet[v >> 18 & 63];
  q[1] = base64_alphabet[v >> 12 & 63];
  q[2] = n > 1 ? base64_alphabet[v >> 6 & 63] : '=';
  q[3] = n > 2 ? base64_alphabet[v & 63] : '=';
}

brink_status brink__report_base64_feed(brink__base64 *enc, brink_buf *out, const unsigned char *src,
                                       size_t n) {
  char quad[4 * 1024];
  size_t q = 0;
  brink_status st = BRINK_OK;
  while (!st && n) {
    if (enc->n_carry || n < 3) {
      size_t take = 3 - enc->n_carry < n ? 3 - enc->n_carry : n;
      memcpy(enc->carry + enc->n_carry, src, take);
      enc->n_carry += take;
      src += take;
      n -= take;
      if (enc->n_carry < 3) break;
      base64_group(quad + q, enc->carry, 3);
      enc->n_carry = 0;
    } else {
      base64_group(quad + q, src, 3);
      src += 3;
      n -= 3;
    }
    q += 4;
    if (q == sizeof quad) {
      st = brink_buf_append(out, quad, q);
      q = 0;
    }
  }
  if (!st && q) st = brink_buf_append(out, quad, q);
  return st;
}

brink_status brink__report_base64_end(brink__base64 *enc, brink_buf *out) {
  if (!enc->n_carry) return BRINK_OK;
  char quad[4];
  base64_group(quad, enc->carry, enc->n_carry);
  enc->n_carry = 0;
  return brink_buf_append(out, quad, 4);
}

brink_status brink__report_base64(brink_buf *out, const unsigned char *src, size_t n) {
  brink__base64 enc;
  memset(&enc, 0, sizeof enc);
  brink_status st = brink__report_base64_feed(&enc, out, src, n);
  if (!st) st = brink__report_base64_end(&enc, out);
  return st;
}

brink_status brink_report_save(brink_ctx *ctx, const char *path, const char *data, size_t len) {
  return brink_file_write(ctx, path, data, len);
}
