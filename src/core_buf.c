/* SPDX-License-Identifier: MIT */
/* The bounded text buffer: every piece of text the library builds goes through it. */
#define _POSIX_C_SOURCE 200809L /* fileno, fstat */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

static char empty_string[1];

void brink_buf_init(brink_buf *buf, brink_ctx *ctx, size_t max) {
  buf->data = empty_string;
  buf->len = 0;
  buf->cap = 0;
  buf->max = max ? max : BRINK_BUF_DEFAULT_MAX;
  buf->ctx = ctx;
}

void brink_buf_release(brink_buf *buf) {
  if (!buf) return;
  if (buf->cap) brink_free(buf->ctx, buf->data);
  buf->data = empty_string;
  buf->len = buf->cap = 0;
}

void brink_buf_reset(brink_buf *buf) {
  buf->len = 0;
  if (buf->cap) buf->data[0] = '\0';
}

static brink_status reserve(brink_buf *buf, size_t extra) {
  if (extra > buf->max - buf->len)
    return brink__fail(buf->ctx, BRINK_ELIMIT, "text longer than the limit of %zu bytes", buf->max);
  size_t need = buf->len + extra + 1;
  if (need <= buf->cap) return BRINK_OK;
  size_t cap = buf->cap ? buf->cap : 64;
  while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *data = brink_realloc(buf->ctx, buf->cap ? buf->data : NULL, cap);
  if (!data) return BRINK_ENOMEM;
  if (!buf->cap) data[0] = '\0';
  buf->data = data;
  buf->cap = cap;
  return BRINK_OK;
}

brink_status brink_buf_append(brink_buf *buf, const char *data, size_t n) {
  brink_status st = reserve(buf, n);
  if (st) return st;
  memcpy(buf->data + buf->len, data, n);
  buf->len += n;
  buf->data[buf->len] = '\0';
  return BRINK_OK;
}

brink_status brink_buf_puts(brink_buf *buf, const char *s) {
  return brink_buf_append(buf, s, strlen(s));
}

brink_status brink_buf_putc(brink_buf *buf, char c) { return brink_buf_append(buf, &c, 1); }

brink_status brink_buf_vprintf(brink_buf *buf, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return brink__fail(buf->ctx, BRINK_EINVAL, "bad format string '%s'", fmt);
  brink_status st = reserve(buf, (size_t)n);
  if (st) return st;
  vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
  buf->len += (size_t)n;
  return BRINK_OK;
}

brink_status brink_buf_printf(brink_buf *buf, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  brink_status st = brink_buf_vprintf(buf, fmt, ap);
  va_end(ap);
  return st;
}

brink_status brink_buf_json_string(brink_buf *buf, const char *s) {
  size_t start = buf->len;
  brink_status st = brink_buf_putc(buf, '"');
  for (const unsigned char *p = (const unsigned char *)s; !st && *p; p++) {
    switch (*p) {
    case '"':
      st = brink_buf_puts(buf, "\\\"");
      break;
    case '\\':
      st = brink_buf_puts(buf, "\\\\");
      break;
    case '\n':
      st = brink_buf_puts(buf, "\\n");
      break;
    case '\r':
      st = brink_buf_puts(buf, "\\r");
      break;
    case '\t':
      st = brink_buf_puts(buf, "\\t");
      break;
    default:
      if (*p < 0x20)
        st = brink_buf_printf(buf, "\\u%04x", (unsigned)*p);
      else
        st = brink_buf_putc(buf, (char)*p);
    }
  }
  if (!st) st = brink_buf_putc(buf, '"');
  if (st) {
    buf->len = start;
    if (buf->cap) buf->data[start] = '\0';
  }
  return st;
}

brink_status brink_buf_json_number(brink_buf *buf, double v) {
  if (!isfinite(v)) return brink_buf_puts(buf, "null");
  if (v == 0.0) return brink_buf_puts(buf, "0"); /* also folds -0 */
  char tmp[32];
  /* Shortest of %.15g/%.16g/%.17g that reads back exactly: stable bytes, short files. */
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*g", prec, v);
    double back;
    if (brink_parse_f64(tmp, strlen(tmp), &back) == BRINK_OK && back == v) break;
  }
  return brink_buf_puts(buf, tmp);
}

brink_status brink_buf_detach(brink_buf *buf, char **out) {
  *out = NULL;
  if (!buf->cap) {
    char *d = brink_strndup(buf->ctx, "", 0);
    if (!d) return BRINK_ENOMEM;
    *out = d;
    return BRINK_OK;
  }
  *out = buf->data;
  buf->data = empty_string;
  buf->len = buf->cap = 0;
  return BRINK_OK;
}

/* The one whole-file reader of the library (records, results, posteriors, Hawkes data, ...). */
brink_status brink__read_file(brink_ctx *ctx, const char *path, brink_buf *out) {
  FILE *f = fopen(path, "rb");
  if (!f) return brink__fail(ctx, BRINK_EIO, "cannot open '%s': %s", path, strerror(errno));
  brink_status st = BRINK_OK;
  char chunk[16384];
  size_t n;
  while (!st && (n = fread(chunk, 1, sizeof chunk, f)) > 0) st = brink_buf_append(out, chunk, n);
  if (!st && ferror(f))
    st = brink__fail(ctx, BRINK_EIO, "cannot read '%s': %s", path,
                     errno == EISDIR ? "is a directory" : strerror(errno));
  fclose(f);
  if (st == BRINK_ELIMIT)
    st = brink__fail(ctx, BRINK_ELIMIT, "'%s' is larger than %zu bytes", path, out->max);
  else if (st == BRINK_ENOMEM)
    st = brink__fail(ctx, BRINK_ENOMEM, "'%s': out of memory", path);
  return st;
}

/* A regular file is read into a block of its exact size: the text is alive all through the
 * parse, and a buffer grown by doubling could reserve twice it. Anything else (a pipe, a file
 * that changes while read) goes through brink__read_file. */
static int read_exact(brink_ctx *ctx, const char *path, size_t max, char **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  struct stat sb;
  char *text = NULL;
  int rc = -1;
  if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0 &&
      (uintmax_t)sb.st_size <= max) {
    size_t n = (size_t)sb.st_size;
    text = brink_malloc(ctx, n + 1);
    if (text && fread(text, 1, n, f) == n && fgetc(f) == EOF && !ferror(f)) {
      text[n] = '\0';
      *out = text;
      *len = n;
      text = NULL;
      rc = 0;
    }
  }
  brink_free(ctx, text);
  fclose(f);
  return rc;
}

brink_status brink__read_file_alloc(brink_ctx *ctx, const char *path, size_t max, char **out,
                                    size_t *len) {
  *out = NULL;
  *len = 0;
  if (read_exact(ctx, path, max, out, len) == 0) return BRINK_OK;
  brink_buf b;
  brink_buf_init(&b, ctx, max);
  brink_status st = brink__read_file(ctx, path, &b);
  *len = b.len;
  if (!st) st = brink_buf_detach(&b, out);
  if (st) *len = 0;
  brink_buf_release(&b);
  return st;
}

size_t brink__utf8_check(const char *text, size_t len) {
  const unsigned char *s = (const unsigned char *)text;
  size_t i = 0;
  while (i < len) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    unsigned min;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      min = 0x80;
      c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      min = 0x800;
      c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      min = 0x10000;
      c &= 0x07;
    } else {
      return i;
    }
    if (len - i <= n) return i;
    for (size_t k = 1; k <= n; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      c = (c << 6) | (s[i + k] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return i;
    i += n + 1;
  }
  return len;
}
