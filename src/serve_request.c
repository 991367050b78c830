/* SPDX-License-Identifier: MIT */
/* The JSON request reader of `brink serve` and the cache key of a request. A small strict
 * reader for one object (flat but for "sweep" and "forecast"): the server never hands a request
 * to the engine unread. */
#include <stdio.h>
#include <string.h>

#include "brink/events.h"
#include "brink/serve.h"
#include "internal.h"

typedef struct reader {
  brink_ctx *ctx;
  const char *p, *end, *start;
  brink_buf str; /* the last string read, NUL-terminated */
} reader;

static void where(const reader *r, int *line, int *col) {
  *line = 1;
  *col = 1;
  for (const char *q = r->start; q < r->p; q++) {
    if (*q == '\n') {
      (*line)++;
      *col = 1;
    } else if (((unsigned char)*q & 0xC0) != 0x80) {
      (*col)++;
    }
  }
}

static brink_status fail_at(reader *r, brink_status code, const char *what) {
  int line, col;
  where(r, &line, &col);
  return brink__fail(r->ctx, code, "request:%d:%d: %s", line, col, what);
}

static void skip_ws(reader *r) {
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) r->p++;
}

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= (unsigned)(c - 'A' + 10);
    else
      return 0;
  }
  *out = v;
  return 1;
}

static brink_status put_utf8(brink_buf *b, unsigned cp) {
  char s[4];
  size_t n;
  if (cp < 0x80) {
    s[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    s[0] = (char)(0xC0 | (cp >> 6));
    s[1] = (char)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    s[0] = (char)(0xE0 | (cp >> 12));
    s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    s[2] = (char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    s[0] = (char)(0xF0 | (cp >> 18));
    s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    s[3] = (char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  return brink_buf_append(b, s, n);
}

/* Reads a string into r->str; max is the limit in bytes after decoding. */
static brink_status read_string(reader *r, size_t max) {
  brink_buf_reset(&r->str);
  if (r->p >= r->end || *r->p != '"') return fail_at(r, BRINK_EPARSE, "expected a string");
  r->p++;
  brink_status st = BRINK_OK;
  while (!st) {
    if (r->p >= r->end) return fail_at(r, BRINK_EPARSE, "unterminated string");
    unsigned char c = (unsigned char)*r->p;
    if (c == '"') {
      r->p++;
      break;
    }
    if (c < 0x20) return fail_at(r, BRINK_EPARSE, "control character in a string");
    if (c != '\\') {
      st = brink_buf_putc(&r->str, (char)c);
      r->p++;
    } else {
      if (r->end - r->p < 2) return fail_at(r, BRINK_EPARSE, "unterminated string");
      char e = r->p[1];
      const char *simple = strchr("\"\\/bfnrt", e);
      if (e && simple) {
        static const char out[] = "\"\\/\b\f\n\r\t";
        st = brink_buf_putc(&r->str, out[simple - "\"\\/bfnrt"]);
        r->p += 2;
      } else if (e == 'u') {
        unsigned cp, lo;
        if (r->end - r->p < 6 || !hex4(r->p + 2, &cp))
          return fail_at(r, BRINK_EPARSE, "bad \\u escape");
        r->p += 6;
        if (cp >= 0xD800 && cp < 0xDC00) {
          if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' || !hex4(r->p + 2, &lo) ||
              lo < 0xDC00 || lo >= 0xE000)
            return fail_at(r, BRINK_EPARSE, "unpaired surrogate in \\u escape");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          r->p += 6;
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          return fail_at(r, BRINK_EPARSE, "unpaired surrogate in \\u escape");
        }
        if (cp == 0) return fail_at(r, BRINK_EPARSE, "NUL character in a string");
        st = put_utf8(&r->str, cp);
      } else {
        return fail_at(r, BRINK_EPARSE, "bad escape in a string");
      }
    }
    if (!st && r->str.len > max) return fail_at(r, BRINK_ELIMIT, "string too long");
  }
  if (st) return fail_at(r, st, st == BRINK_ENOMEM ? "out of memory" : "string too long");
  if (brink_buf_putc(&r->str, '\0')) return fail_at(r, BRINK_ENOMEM, "out of memory");
  r->str.len--;
  return BRINK_OK;
}

/* A whole number in 0..2^53 written without fraction or exponent. */
static brink_status read_whole(reader *r, uint64_t *out) {
  const char *q = r->p;
  uint64_t v = 0;
  if (q >= r->end || *q < '0' || *q > '9')
    return fail_at(r, BRINK_EPARSE, "expected a whole number");
  if (*q == '0' && q + 1 < r->end && q[1] >= '0' && q[1] <= '9')
    return fail_at(r, BRINK_EPARSE, "leading zero in a number");
  while (q < r->end && *q >= '0' && *q <= '9') {
    v = v * 10 + (uint64_t)(*q - '0');
    if (v > ((uint64_t)1 << 53)) return fail_at(r, BRINK_EPARSE, "number too large (max 2^53)");
    q++;
  }
  if (q < r->end && (*q == '.' || *q == 'e' || *q == 'E'))
    return fail_at(r, BRINK_EPARSE, "expected a whole number");
  r->p = q;
  *out = v;
  return BRINK_OK;
}

/* A finite JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static brink_status read_number(reader *r, double *out) {
  const char *q = r->p;
  const char *digits;
  if (q < r->end && *q == '-') q++;
  if (q >= r->end || *q < '0' || *q > '9') return fail_at(r, BRINK_EPARSE, "expected a number");
  if (*q == '0' && q + 1 < r->end && q[1] >= '0' && q[1] <= '9')
    return fail_at(r, BRINK_EPARSE, "leading zero in a number");
  while (q < r->end && *q >= '0' && *q <= '9') q++;
  if (q < r->end && *q == '.') {
    digits = ++q;
    while (q < r->end && *q >= '0' && *q <= '9') q++;
    if (q == digits) return fail_at(r, BRINK_EPARSE, "expected a digit after '.'");
  }
  if (q < r->end && (*q == 'e' || *q == 'E')) {
    q++;
    if (q < r->end && (*q == '+' || *q == '-')) q++;
    digits = q;
    while (q < r->end && *q >= '0' && *q <= '9') q++;
    if (q == digits) return fail_at(r, BRINK_EPARSE, "expected a digit in the exponent");
  }
  if (q - r->p > 64 || brink_parse_f64(r->p, (size_t)(q - r->p), out))
    return fail_at(r, BRINK_EPARSE, "number out of range");
  r->p = q;
  return BRINK_OK;
}

/* An object's '{' (what: the message when it is missing); *done is 1 for "{}", consumed. */
static brink_status object_open(reader *r, const char *what, int *done) {
  if (r->p >= r->end || *r->p != '{') return fail_at(r, BRINK_EPARSE, what);
  r->p++;
  skip_ws(r);
  *done = r->p < r->end && *r->p == '}';
  if (*done) r->p++;
  return BRINK_OK;
}

/* The next key of an object: one of names[0..n) not seen before, then its ':'. *k is its index;
 * in names the object in messages (" in 'sweep'", or "" for the request), expected lists the
 * keys. */
static brink_status object_key(reader *r, const char *const *names, int n, int *seen,
                               const char *in, const char *expected, int *k) {
  skip_ws(r);
  const char *key_at = r->p;
  brink_status st = read_string(r, 64);
  if (st) return st;
  int i = 0;
  while (i < n && strcmp(r->str.data, names[i])) i++;
  if (i == n || seen[i]) {
    char msg[200];
    r->p = key_at;
    if (i == n)
      snprintf(msg, sizeof msg, "unknown key '%.64s'%s (expected %s)", r->str.data, in, expected);
    else
      snprintf(msg, sizeof msg, "key '%.64s' given twice%s", r->str.data, in);
    return fail_at(r, BRINK_EPARSE, msg);
  }
  seen[i] = 1;
  skip_ws(r);
  if (r->p >= r->end || *r->p != ':') return fail_at(r, BRINK_EPARSE, "expected ':'");
  r->p++;
  skip_ws(r);
  *k = i;
  return BRINK_OK;
}

/* After a value: ',' (another key follows) or '}' (*done = 1). */
static brink_status object_next(reader *r, int *done) {
  skip_ws(r);
  if (r->p < r->end && *r->p == ',') {
    r->p++;
    return BRINK_OK;
  }
  if (r->p < r->end && *r->p == '}') {
    r->p++;
    *done = 1;
    return BRINK_OK;
  }
  return fail_at(r, BRINK_EPARSE, "expected ',' or '}'");
}

static brink_status read_list(reader *r, const char *key, char ***items, size_t *n) {
  brink_ctx *ctx = r->ctx;
  if (r->p >= r->end || *r->p != '[') return fail_at(r, BRINK_EPARSE, "expected an array");
  r->p++;
  *items = brink_calloc(ctx, BRINK_SERVE_MAX_ITEMS, sizeof **items);
  if (!*items) return fail_at(r, BRINK_ENOMEM, "out of memory");
  skip_ws(r);
  if (r->p < r->end && *r->p == ']') {
    r->p++;
    return BRINK_OK;
  }
  for (;;) {
    skip_ws(r);
    if (*n >= BRINK_SERVE_MAX_ITEMS) {
      char msg[128];
      snprintf(msg, sizeof msg, "more than %d items in '%s'", BRINK_SERVE_MAX_ITEMS, key);
      return fail_at(r, BRINK_ELIMIT, msg);
    }
    brink_status st = read_string(r, BRINK_SERVE_MAX_STRING);
    if (st) return st;
    (*items)[*n] = brink_strndup(ctx, r->str.data, r->str.len);
    if (!(*items)[*n]) return fail_at(r, BRINK_ENOMEM, "out of memory");
    (*n)++;
    skip_ws(r);
    if (r->p < r->end && *r->p == ',') {
      r->p++;
      continue;
    }
    if (r->p < r->end && *r->p == ']') {
      r->p++;
      return BRINK_OK;
    }
    return fail_at(r, BRINK_EPARSE, "expected ',' or ']'");
  }
}

enum { S_PARAM, S_LO, S_HI, S_POINTS, S_COUNT };
static const char *const sweep_key_names[S_COUNT] = {"param", "lo", "hi", "points"};

/* "sweep": {"param": NAME, "lo": x, "hi": y, "points": n}; r->p is at the '{'. */
static brink_status read_sweep(reader *r, brink_serve_request *req) {
  const char *start = r->p;
  int seen[S_COUNT] = {0};
  char msg[200];
  brink_status st;
  int done = 0;
  if ((st = object_open(r, "expected an object", &done))) return st;
  while (!done) {
    int k;
    if ((st = object_key(r, sweep_key_names, S_COUNT, seen, " in 'sweep'", "param, lo, hi, points",
                         &k)))
      return st;
    const char *value_at = r->p;
    switch (k) {
    case S_PARAM:
      if ((st = read_string(r, 255))) return st;
      if (r->str.len == 0 || strpbrk(r->str.data, "=.")) {
        r->p = value_at;
        snprintf(msg, sizeof msg,
                 "sweep param '%.64s' is not a parameter name (a $param, without 'params.')",
                 r->str.data);
        return fail_at(r, BRINK_EPARSE, msg);
      }
      req->sweep_param = brink_strndup(req->ctx, r->str.data, r->str.len);
      if (!req->sweep_param) return fail_at(r, BRINK_ENOMEM, "out of memory");
      break;
    case S_LO:
      if ((st = read_number(r, &req->sweep_lo))) return st;
      break;
    case S_HI:
      if ((st = read_number(r, &req->sweep_hi))) return st;
      break;
    default:
      if ((st = read_whole(r, &req->sweep_points))) return st;
      if (req->sweep_points < 2 || req->sweep_points > BRINK_SERVE_MAX_POINTS) {
        r->p = value_at;
        snprintf(msg, sizeof msg, "sweep points must be 2..%d, got %llu", BRINK_SERVE_MAX_POINTS,
                 (unsigned long long)req->sweep_points);
        return fail_at(r, BRINK_EPARSE, msg);
      }
      break;
    }
    if ((st = object_next(r, &done))) return st;
  }
  for (int k = 0; k < S_POINTS; k++)
    if (!seen[k]) {
      const char *end = r->p;
      r->p = start;
      snprintf(msg, sizeof msg, "'sweep' needs '%s' (param, lo and hi; points defaults to 5)",
               sweep_key_names[k]);
      st = fail_at(r, BRINK_EPARSE, msg);
      r->p = end;
      return st;
    }
  if (!seen[S_POINTS]) req->sweep_points = 5;
  if (req->sweep_lo > req->sweep_hi) {
    r->p = start;
    snprintf(msg, sizeof msg, "sweep lo %g is above hi %g", req->sweep_lo, req->sweep_hi);
    return fail_at(r, BRINK_EPARSE, msg);
  }
  return BRINK_OK;
}

enum { F_ORIGIN, F_HORIZON, F_PARTICLES, F_REPLICATES, F_COUNT };
static const char *const forecast_key_names[F_COUNT] = {"origin", "horizon", "particles",
                                                        "replicates"};
static const uint64_t forecast_max[F_COUNT] = {
    0, BRINK_SERVE_MAX_HORIZON, BRINK_SERVE_MAX_PARTICLES, BRINK_SERVE_MAX_REPLICATES};

/* "forecast": {"origin": DATE, "horizon": n, "particles": n, "replicates": n}; r->p is at the
 * '{'. */
static brink_status read_forecast(reader *r, brink_serve_request *req) {
  const char *start = r->p;
  int seen[F_COUNT] = {0};
  char msg[200];
  brink_status st;
  uint64_t *values[F_COUNT] = {NULL, &req->forecast_horizon, &req->forecast_particles,
                               &req->forecast_replicates};
  req->forecast = 1;
  req->forecast_horizon = 104;
  req->forecast_particles = 2000;
  req->forecast_replicates = 4;
  int done = 0;
  if ((st = object_open(r, "expected an object", &done))) return st;
  while (!done) {
    int k;
    if ((st = object_key(r, forecast_key_names, F_COUNT, seen, " in 'forecast'",
                         "origin, horizon, particles, replicates", &k)))
      return st;
    const char *value_at = r->p;
    if (k == F_ORIGIN) {
      if ((st = read_string(r, 64))) return st;
      int32_t ymd = 0;
      /* 1970-01-01 was a Thursday: Mondays are 4 days on, modulo 7. */
      if (r->str.len != 10 || r->str.data[4] != '-' ||
          brink_event_date_parse(r->str.data, r->str.len, &ymd) ||
          brink_event_date_days(ymd) % 7 != 4 || ymd > BRINK_SERVE_LAST_ORIGIN) {
        r->p = value_at;
        snprintf(msg, sizeof msg,
                 "forecast origin '%.64s' is not a Monday YYYY-MM-DD on or before %04d-%02d-%02d "
                 "(the Monday after the record ends)",
                 r->str.data, BRINK_SERVE_LAST_ORIGIN / 10000, BRINK_SERVE_LAST_ORIGIN / 100 % 100,
                 BRINK_SERVE_LAST_ORIGIN % 100);
        return fail_at(r, BRINK_EPARSE, msg);
      }
      memcpy(req->forecast_origin, r->str.data, 11);
      req->forecast_origin_ymd = ymd;
    } else {
      if ((st = read_whole(r, values[k]))) return st;
      if (*values[k] < 1 || *values[k] > forecast_max[k]) {
        r->p = value_at;
        snprintf(msg, sizeof msg, "forecast %s must be 1..%llu, got %llu", forecast_key_names[k],
                 (unsigned long long)forecast_max[k], (unsigned long long)*values[k]);
        return fail_at(r, BRINK_EPARSE, msg);
      }
    }
    if ((st = object_next(r, &done))) return st;
  }
  if (!seen[F_ORIGIN]) {
    const char *end = r->p;
    r->p = start;
    st = fail_at(r, BRINK_EPARSE,
                 "'forecast' needs 'origin' (a Monday YYYY-MM-DD; horizon defaults to 104 weeks)");
    r->p = end;
    return st;
  }
  return BRINK_OK;
}

void brink_serve_request_free(brink_serve_request *req) {
  if (!req) return;
  brink_ctx *ctx = req->ctx;
  brink_free(ctx, req->sweep_param);
  brink_free(ctx, req->scenario);
  brink_free(ctx, req->yaml);
  for (size_t i = 0; req->overrides && i < req->n_overrides; i++)
    brink_free(ctx, req->overrides[i]);
  for (size_t i = 0; req->policies && i < req->n_policies; i++) brink_free(ctx, req->policies[i]);
  brink_free(ctx, req->overrides);
  brink_free(ctx, req->policies);
  brink_free(ctx, req);
}

int brink_serve_name_ok(const char *name) {
  size_t n = strlen(name);
  if (n == 0 || n > 255 || name[0] == '.') return 0;
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-'))
      return 0;
  }
  return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

enum { K_SCENARIO, K_YAML, K_OVERRIDES, K_POLICIES, K_RUNS, K_SEED, K_SWEEP, K_FORECAST, K_COUNT };
static const char *const key_names[K_COUNT] = {"scenario", "yaml", "overrides", "policies",
                                               "runs",     "seed", "sweep",     "forecast"};

brink_status brink_serve_request_parse(brink_ctx *ctx, const char *text, size_t len,
                                       brink_serve_request **out) {
  *out = NULL;
  if (len > BRINK_SERVE_MAX_BODY)
    return brink__fail(ctx, BRINK_ELIMIT, "request: body of %zu bytes is over the limit of %zu",
                       len, BRINK_SERVE_MAX_BODY);
  reader r = {ctx, text, text + len, text, {0}};
  brink_buf_init(&r.str, ctx, BRINK_SERVE_MAX_BODY + 1);
  brink_serve_request *req = brink_calloc(ctx, 1, sizeof *req);
  brink_status st = BRINK_OK;
  int seen[K_COUNT] = {0};
  if (!req) {
    st = brink__fail(ctx, BRINK_ENOMEM, "out of memory");
    goto done;
  }
  req->ctx = ctx;
  req->seed = 1;
  skip_ws(&r);
  int finished = 0;
  if ((st = object_open(&r, "expected a JSON object", &finished))) goto done;
  while (!finished) {
    int k = 0;
    if ((st = object_key(&r, key_names, K_COUNT, seen, "",
                         "scenario, yaml, overrides, policies, runs, seed, sweep, forecast", &k)))
      goto done;
    switch (k) {
    case K_SCENARIO:
      if ((st = read_string(&r, BRINK_SERVE_MAX_STRING))) goto done;
      if (!brink_serve_name_ok(r.str.data)) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "scenario '%.64s' is not a file name of the served directory (*.yaml, no path)",
                 r.str.data);
        st = fail_at(&r, BRINK_EPARSE, msg);
        goto done;
      }
      req->scenario = brink_strndup(ctx, r.str.data, r.str.len);
      break;
    case K_YAML:
      if ((st = read_string(&r, BRINK_SERVE_MAX_BODY))) goto done;
      req->yaml_len = r.str.len;
      req->yaml = brink_strndup(ctx, r.str.data, r.str.len);
      if (req->yaml && memchr(req->yaml, '\0', req->yaml_len)) {
        st = fail_at(&r, BRINK_EPARSE, "NUL character in yaml");
        goto done;
      }
      break;
    case K_OVERRIDES:
      if ((st = read_list(&r, "overrides", &req->overrides, &req->n_overrides))) goto done;
      break;
    case K_POLICIES:
      if ((st = read_list(&r, "policies", &req->policies, &req->n_policies))) goto done;
      break;
    case K_RUNS:
      if ((st = read_whole(&r, &req->runs))) goto done;
      break;
    case K_SWEEP:
      if ((st = read_sweep(&r, req))) goto done;
      break;
    case K_FORECAST:
      if ((st = read_forecast(&r, req))) goto done;
      break;
    default:
      if ((st = read_whole(&r, &req->seed))) goto done;
      break;
    }
    if ((k == K_SCENARIO && !req->scenario) || (k == K_YAML && !req->yaml)) {
      st = fail_at(&r, BRINK_ENOMEM, "out of memory");
      goto done;
    }
    if ((st = object_next(&r, &finished))) goto done;
  }
  skip_ws(&r);
  if (r.p != r.end) {
    st = fail_at(&r, BRINK_EPARSE, "trailing characters after the object");
    goto done;
  }
  if (req->sweep_param && req->forecast) {
    st = fail_at(&r, BRINK_EPARSE, "give at most one of 'sweep' and 'forecast'");
    goto done;
  }
  if (!!req->scenario == !!req->yaml) {
    st = fail_at(&r, BRINK_EPARSE, "give exactly one of 'scenario' and 'yaml'");
    goto done;
  }
  for (size_t i = 0; i < req->n_overrides; i++)
    if (!strchr(req->overrides[i], '=')) {
      char msg[160];
      snprintf(msg, sizeof msg, "override '%.64s' is not PATH=VALUE", req->overrides[i]);
      st = fail_at(&r, BRINK_EPARSE, msg);
      goto done;
    }
done:
  brink_buf_release(&r.str);
  if (st) {
    brink_serve_request_free(req);
    return st;
  }
  *out = req;
  return BRINK_OK;
}

static uint64_t fnv(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

/* Each field is written with its length first, so that no two requests share a byte string. */
static uint64_t fnv_field(uint64_t h, const char *s, size_t n) {
  uint64_t len = n;
  return fnv(fnv(h, &len, sizeof len), s, n);
}

void brink_serve_request_key(const brink_serve_request *req, uint64_t runs, char key[17]) {
  uint64_t h = 0xcbf29ce484222325ULL;
  h = fnv_field(h, BRINK_VERSION_STRING, strlen(BRINK_VERSION_STRING));
  h = fnv_field(h, req->scenario ? "file" : "text", 4);
  h = req->scenario ? fnv_field(h, req->scenario, strlen(req->scenario))
                    : fnv_field(h, req->yaml, req->yaml_len);
  h = fnv(h, &req->n_overrides, sizeof req->n_overrides);
  for (size_t i = 0; i < req->n_overrides; i++)
    h = fnv_field(h, req->overrides[i], strlen(req->overrides[i]));
  h = fnv(h, &req->n_policies, sizeof req->n_policies);
  for (size_t i = 0; i < req->n_policies; i++)
    h = fnv_field(h, req->policies[i], strlen(req->policies[i]));
  h = fnv(h, &runs, sizeof runs);
  h = fnv(h, &req->seed, sizeof req->seed);
  if (req->sweep_param) { /* absent, the key is what it was before sweeps existed */
    h = fnv_field(h, "sweep", 5);
    h = fnv_field(h, req->sweep_param, strlen(req->sweep_param));
    h = fnv(h, &req->sweep_lo, sizeof req->sweep_lo);
    h = fnv(h, &req->sweep_hi, sizeof req->sweep_hi);
    h = fnv(h, &req->sweep_points, sizeof req->sweep_points);
  }
  if (req->forecast) { /* likewise */
    h = fnv_field(h, "forecast", 8);
    h = fnv_field(h, req->forecast_origin, strlen(req->forecast_origin));
    h = fnv(h, &req->forecast_horizon, sizeof req->forecast_horizon);
    h = fnv(h, &req->forecast_particles, sizeof req->forecast_particles);
    h = fnv(h, &req->forecast_replicates, sizeof req->forecast_replicates);
  }
  snprintf(key, 17, "%016llx", (unsigned long long)h);
}
