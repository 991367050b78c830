/* SPDX-License-Identifier: MIT */
/* Reads the JSON result of `brink run`/`brink compare` (docs/output.md) into a brink_result.
 * A one-pass scanner lays the values out as a flat array of 16-byte tokens in document order
 * that point into the text (no copy of numbers or plain strings), so that memory stays about
 * three times the file for the densest (compact) results; a wrong value is reported at its
 * line:column, found from its offset when the message is written. Nesting is limited as it
 * opens. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

#define JSON_MAX_DEPTH 64
#define NO_VALUE ((double)NAN) /* null, or not given */

typedef enum jkind { J_OBJ, J_ARR, J_STR, J_PLAIN } jkind;

/* One value. The tokens of a container follow it (an object's: key, value, key, value...), so
 * its first kid is the next token and each kid's next is its sibling. A plain scalar is a
 * number, true, false or null (told apart when it is read). */
typedef struct jtok {
  uint32_t start; /* offset in the text of '{', '[', '"' or the value's first byte */
  uint32_t next;  /* index of the first token after this value (and all it holds) */
  uint32_t n;     /* containers: kids; scalars: bytes of text (a string's decoded text) */
  uint32_t aux;   /* jkind in the low 2 bits; above them, for a string with escapes, 1 + the
                     offset of its decoded text in the document's side buffer */
} jtok;

typedef struct jdoc {
  const char *text; /* the JSON, borrowed */
  size_t len;
  jtok *tok; /* tok[0] is the root */
  size_t n_tok, cap_tok;
  brink_buf side; /* decoded text of the strings with escapes, each NUL-terminated */
} jdoc;

static jkind kind_of(const jtok *t) { return (jkind)(t->aux & 3u); }

/* The text of a scalar: t->n bytes, not NUL-terminated. */
static const char *text_of(const jdoc *d, const jtok *t) {
  uint32_t side = t->aux >> 2;
  if (side) return d->side.data + (side - 1);
  return d->text + t->start + (kind_of(t) == J_STR);
}

static int text_is(const jdoc *d, const jtok *t, const char *s) {
  size_t n = strlen(s);
  return t->n == n && !memcmp(text_of(d, t), s, n);
}

typedef struct reader {
  brink_ctx *ctx;
  const char *name;
  const jdoc *doc;
  brink_buf path; /* where we are: policies[1].p_clash.mean */
  brink_status status;
} reader;

static void doc_release(brink_ctx *ctx, jdoc *d) {
  brink_free(ctx, d->tok);
  d->tok = NULL;
  d->n_tok = d->cap_tok = 0;
  brink_buf_release(&d->side);
}

/* ---- The JSON scanner: one pass, a token per value ---------------------------------------- */

typedef struct builder {
  brink_ctx *ctx;
  const char *name;
  jdoc *doc;
  uint32_t stack[JSON_MAX_DEPTH + 1]; /* open containers */
  size_t depth;
  brink_status status;
} builder;

typedef struct scanner {
  const char *s;
  size_t len, pos;
} scanner;

/* An upper bound on the tokens of text: every value but the root follows one of , : [ {
 * outside a string. Exact for valid JSON but for empty containers, so the array is allocated
 * once; never more than len / 2 + 2, which no valid JSON exceeds. */
static size_t count_tokens(const char *s, size_t len) {
  size_t n = 1;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (c == '"') {
      for (i++; i < len && s[i] != '"'; i++)
        if (s[i] == '\\') i++;
    } else if (c == ',' || c == ':' || c == '[' || c == '{') {
      n++;
    }
  }
  return n < len / 2 + 2 ? n : len / 2 + 2;
}

/* A new token of kind at offset start, counted as a kid of the open container; its index in
 * *out. */
static int add_token(builder *b, jkind kind, size_t start, uint32_t *out) {
  jdoc *d = b->doc;
  if (d->n_tok == d->cap_tok) {
    size_t cap = d->cap_tok ? d->cap_tok + d->cap_tok / 2 : 64;
    jtok *tok = brink_realloc(b->ctx, d->tok, cap * sizeof *tok);
    if (!tok) {
      b->status = BRINK_ENOMEM;
      return -1;
    }
    d->tok = tok;
    d->cap_tok = cap;
  }
  uint32_t i = (uint32_t)d->n_tok++;
  jtok *t = &d->tok[i];
  t->start = (uint32_t)start;
  t->next = i + 1;
  t->n = 0;
  t->aux = (uint32_t)kind;
  if (b->depth) d->tok[b->stack[b->depth - 1]].n++;
  *out = i;
  return 0;
}

static brink_status syntax(builder *b, const scanner *sc, const char *what) {
  if (b->status) return b->status;
  uint32_t line, col;
  brink__json_locate(sc->s, sc->pos, &line, &col);
  if (sc->pos >= sc->len)
    return b->status = brink__fail(b->ctx, BRINK_EPARSE, "%s:%u:%u: invalid JSON: %s (at the end)",
                                   b->name, line, col, what);
  unsigned char c = (unsigned char)sc->s[sc->pos];
  if (c >= 0x20 && c < 0x7f)
    return b->status = brink__fail(b->ctx, BRINK_EPARSE, "%s:%u:%u: invalid JSON: %s, found '%c'",
                                   b->name, line, col, what, c);
  return b->status = brink__fail(b->ctx, BRINK_EPARSE, "%s:%u:%u: invalid JSON: %s", b->name, line,
                                 col, what);
}

static int hex4(const char *p, uint32_t *out) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= (uint32_t)(c - 'A' + 10);
    else
      return -1;
  }
  *out = v;
  return 0;
}

static size_t put_utf8(char *d, uint32_t cp) {
  if (cp < 0x80) {
    d[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    d[0] = (char)(0xC0 | cp >> 6);
    d[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    d[0] = (char)(0xE0 | cp >> 12);
    d[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    d[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  d[0] = (char)(0xF0 | cp >> 18);
  d[1] = (char)(0x80 | (cp >> 12 & 0x3F));
  d[2] = (char)(0x80 | (cp >> 6 & 0x3F));
  d[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Decodes the escapes of the string between the quotes at sc->pos and end into the side
 * buffer; sc->pos stops where an error is found. */
static int decode_string(builder *b, scanner *sc, size_t end, jtok *t) {
  brink_buf *side = &b->doc->side;
  size_t at = side->len;
  size_t run = ++sc->pos;
  brink_status st = BRINK_OK;
  while (!st && sc->s[sc->pos] != '"') {
    unsigned char c = (unsigned char)sc->s[sc->pos];
    if (c < 0x20) {
      syntax(b, sc, "control character in a string");
      return -1;
    }
    if (c != '\\') {
      sc->pos++;
      continue;
    }
    st = brink_buf_append(side, sc->s + run, sc->pos - run);
    if (st) break;
    char e = sc->s[sc->pos + 1];
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit = e ? strchr(from, e) : NULL;
    if (hit) {
      st = brink_buf_putc(side, to[hit - from]);
      run = sc->pos += 2;
      continue;
    }
    uint32_t cp, lo;
    if (e != 'u' || sc->pos + 6 > end || hex4(sc->s + sc->pos + 2, &cp)) {
      syntax(b, sc, "bad escape in a string");
      return -1;
    }
    size_t used = 6;
    if (cp >= 0xD800 && cp < 0xDC00 && sc->pos + 12 <= end && sc->s[sc->pos + 6] == '\\' &&
        sc->s[sc->pos + 7] == 'u' && !hex4(sc->s + sc->pos + 8, &lo) && lo >= 0xDC00 &&
        lo < 0xE000) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      used = 12;
    }
    if (cp == 0 || (cp >= 0xD800 && cp < 0xE000)) {
      syntax(b, sc, cp ? "lone UTF-16 surrogate in a string" : "NUL (\\u0000) in a string");
      return -1;
    }
    char utf8[4];
    st = brink_buf_append(side, utf8, put_utf8(utf8, cp));
    run = sc->pos += used;
  }
  if (!st) st = brink_buf_append(side, sc->s + run, sc->pos - run);
  if (!st) st = brink_buf_putc(side, '\0');
  if (st) {
    b->status = st;
    return -1;
  }
  sc->pos++;
  t->n = (uint32_t)(side->len - 1 - at);
  t->aux |= (uint32_t)(at + 1) << 2;
  return 0;
}

/* A string at s[pos] == '"'. Without escapes its text stays in the input. */
static int scan_string(builder *b, scanner *sc) {
  size_t end = sc->pos + 1;
  int escaped = 0;
  while (end < sc->len && sc->s[end] != '"') {
    if (sc->s[end] == '\\') escaped = 1;
    end += sc->s[end] == '\\' ? 2 : 1;
  }
  if (end >= sc->len) {
    syntax(b, sc, "unterminated string");
    return -1;
  }
  uint32_t i;
  if (add_token(b, J_STR, sc->pos, &i)) return -1;
  jtok *t = &b->doc->tok[i];
  if (escaped) return decode_string(b, sc, end, t);
  for (size_t k = sc->pos + 1; k < end; k++)
    if ((unsigned char)sc->s[k] < 0x20) {
      sc->pos = k;
      syntax(b, sc, "control character in a string");
      return -1;
    }
  t->n = (uint32_t)(end - sc->pos - 1);
  sc->pos = end + 1;
  return 0;
}

/* A number, true, false or null (told apart when read; checked here against JSON's grammar). */
static int scan_plain(builder *b, scanner *sc) {
  const char *p = sc->s + sc->pos, *end = sc->s + sc->len, *q = p;
  size_t n;
  if ((n = (size_t)(end - p)) >= 4 && (!memcmp(p, "true", 4) || !memcmp(p, "null", 4)))
    q = p + 4;
  else if (n >= 5 && !memcmp(p, "false", 5))
    q = p + 5;
  else {
    if (q < end && *q == '-') q++;
    if (q < end && *q == '0')
      q++;
    else if (q < end && *q >= '1' && *q <= '9')
      while (q < end && *q >= '0' && *q <= '9') q++;
    else
      q = p;
    if (q > p && q < end && *q == '.') {
      const char *digits = ++q;
      while (q < end && *q >= '0' && *q <= '9') q++;
      if (q == digits) q = p;
    }
    if (q > p && q < end && (*q == 'e' || *q == 'E')) {
      q++;
      if (q < end && (*q == '+' || *q == '-')) q++;
      const char *digits = q;
      while (q < end && *q >= '0' && *q <= '9') q++;
      if (q == digits) q = p;
    }
  }
  if (q == p || (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                             (*q >= '0' && *q <= '9') || *q == '.' || *q == '-' || *q == '+'))) {
    syntax(b, sc, "expected a value");
    return -1;
  }
  uint32_t i;
  if (add_token(b, J_PLAIN, sc->pos, &i)) return -1;
  b->doc->tok[i].n = (uint32_t)(q - p);
  sc->pos += (size_t)(q - p);
  return 0;
}

static void skip_space(scanner *sc) {
  while (sc->pos < sc->len) {
    char c = sc->s[sc->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    sc->pos++;
  }
}

/* Builds the tokens in one pass. Nesting is checked as it opens (64 levels), so a hostile file
 * costs at most one token per value it really holds. */
static void scan_json(builder *b, const char *text, size_t len) {
  scanner sc = {text, len, 0};
  jtok *tok = NULL;
  enum { VALUE, VALUE_OR_END, KEY, KEY_OR_END, AFTER } want = VALUE;
  for (;;) {
    skip_space(&sc);
    tok = b->doc->tok;
    if (want == AFTER) {
      if (b->depth == 0) {
        if (sc.pos < sc.len) syntax(b, &sc, "expected the end after the JSON value");
        return;
      }
      jtok *top = &tok[b->stack[b->depth - 1]];
      char close = kind_of(top) == J_OBJ ? '}' : ']';
      if (sc.pos < sc.len && sc.s[sc.pos] == ',') {
        sc.pos++;
        want = kind_of(top) == J_OBJ ? KEY : VALUE;
      } else if (sc.pos < sc.len && sc.s[sc.pos] == close) {
        sc.pos++;
        top->next = (uint32_t)b->doc->n_tok;
        b->depth--;
      } else {
        syntax(b, &sc, kind_of(top) == J_OBJ ? "expected ',' or '}'" : "expected ',' or ']'");
        return;
      }
      continue;
    }
    if (sc.pos >= sc.len) {
      syntax(b, &sc, want == KEY || want == KEY_OR_END ? "expected a key" : "expected a value");
      return;
    }
    char c = sc.s[sc.pos];
    if ((want == KEY_OR_END && c == '}') || (want == VALUE_OR_END && c == ']')) {
      sc.pos++;
      tok[b->stack[b->depth - 1]].next = (uint32_t)b->doc->n_tok;
      b->depth--;
      want = AFTER;
      continue;
    }
    if (want == KEY || want == KEY_OR_END) {
      if (c != '"') {
        syntax(b, &sc, "expected a string as object key");
        return;
      }
      if (scan_string(b, &sc)) return;
      skip_space(&sc);
      if (sc.pos >= sc.len || sc.s[sc.pos] != ':') {
        syntax(b, &sc, "expected ':' after the key");
        return;
      }
      sc.pos++;
      want = VALUE;
      continue;
    }
    if (c == '{' || c == '[') {
      if (b->depth >= JSON_MAX_DEPTH) {
        uint32_t line, col;
        brink__json_locate(sc.s, sc.pos, &line, &col);
        b->status = brink__fail(b->ctx, BRINK_ELIMIT,
                                "%s:%u:%u: nesting deeper than %d levels: expected a result",
                                b->name, line, col, JSON_MAX_DEPTH);
        return;
      }
      uint32_t i;
      if (add_token(b, c == '{' ? J_OBJ : J_ARR, sc.pos, &i)) return;
      sc.pos++;
      b->stack[b->depth++] = i;
      want = c == '{' ? KEY_OR_END : VALUE_OR_END;
      continue;
    }
    if (c == '"' ? scan_string(b, &sc) : scan_plain(b, &sc)) return;
    want = AFTER;
  }
}

/* Fills *doc (release with doc_release, also after a failure). */
static brink_status parse_doc(brink_ctx *ctx, const char *text, size_t len, const char *name,
                              jdoc *doc) {
  builder b;
  memset(&b, 0, sizeof b);
  b.ctx = ctx;
  b.name = name;
  b.doc = doc;
  doc->text = text;
  doc->len = len;
  if ((b.status = brink__json_precheck(ctx, text, len, name))) goto done;
  doc->cap_tok = count_tokens(text, len);
  doc->tok = brink_malloc(ctx, doc->cap_tok * sizeof *doc->tok);
  if (!doc->tok) {
    doc->cap_tok = 0;
    b.status = BRINK_ENOMEM;
    goto done;
  }
  scan_json(&b, text, len);
  if (!b.status && doc->n_tok == 0)
    b.status = brink__fail(ctx, BRINK_EPARSE, "%s:1:1: no JSON value", name);

done:
  return b.status;
}

/* ---- From the tokens to the struct --------------------------------------------------------- */

/* Kid i of container t is found by walking: first kid t + 1, then each kid's next. */
static const jtok *first_kid(const jtok *t) { return t + 1; }
static const jtok *next_kid(const reader *r, const jtok *t) { return r->doc->tok + t->next; }

static const char *kind_word(const reader *r, const jtok *n) {
  if (kind_of(n) == J_OBJ) return "an object";
  if (kind_of(n) == J_ARR) return "an array";
  if (kind_of(n) == J_STR) return "a string";
  if (text_is(r->doc, n, "null")) return "null";
  if (text_is(r->doc, n, "true") || text_is(r->doc, n, "false")) return "a boolean";
  return "a number";
}

static void where(const reader *r, const jtok *n, uint32_t *line, uint32_t *col) {
  brink__json_locate(r->doc->text, n->start, line, col);
}

static brink_status wrong(reader *r, const jtok *n, const char *expected) {
  if (r->status) return r->status;
  uint32_t line, col;
  where(r, n, &line, &col);
  int scalar = kind_of(n) == J_STR || kind_of(n) == J_PLAIN;
  r->status = brink__fail(r->ctx, BRINK_EPARSE, "%s:%u:%u: %s: expected %s, got %s '%.*s'", r->name,
                          line, col, r->path.data, expected, kind_word(r, n),
                          scalar ? (int)(n->n < 40 ? n->n : 40) : 5,
                          scalar                ? text_of(r->doc, n)
                          : kind_of(n) == J_OBJ ? "{...}"
                                                : "[...]");
  return r->status;
}

/* Path bookkeeping: push returns the length to pop back to. */
static size_t push_key(reader *r, const char *key) {
  size_t at = r->path.len;
  brink_status st = r->path.len ? brink_buf_putc(&r->path, '.') : BRINK_OK;
  if (!st) st = brink_buf_puts(&r->path, key);
  if (st && !r->status) r->status = st;
  return at;
}

static size_t push_index(reader *r, size_t i) {
  size_t at = r->path.len;
  brink_status st = brink_buf_printf(&r->path, "[%zu]", i);
  if (st && !r->status) r->status = st;
  return at;
}

static void pop(reader *r, size_t at) {
  r->path.len = at;
  if (r->path.cap) r->path.data[at] = '\0';
}

static const jtok *lookup(const reader *r, const jtok *obj, const char *key) {
  const jtok *k = first_kid(obj);
  for (size_t i = 0; i + 1 < obj->n; i += 2) {
    const jtok *v = next_kid(r, k);
    if (text_is(r->doc, k, key)) return v;
    k = next_kid(r, v);
  }
  return NULL;
}

/* The value of key in obj, or NULL after an error when required and missing. */
static const jtok *member(reader *r, const jtok *obj, const char *key, int required) {
  const jtok *v = lookup(r, obj, key);
  if (!v && required && !r->status) {
    uint32_t line, col;
    where(r, obj, &line, &col);
    r->status = brink__fail(r->ctx, BRINK_EPARSE, "%s:%u:%u: %s%smissing key '%s'", r->name, line,
                            col, r->path.data, r->path.len ? ": " : "", key);
  }
  return v;
}

static int is_null(const reader *r, const jtok *n) {
  return kind_of(n) == J_PLAIN && text_is(r->doc, n, "null");
}

static brink_status number_of(reader *r, const jtok *n, int null_ok, double *out) {
  if (r->status) return r->status;
  if (null_ok && is_null(r, n)) {
    *out = NO_VALUE;
    return BRINK_OK;
  }
  if (kind_of(n) != J_PLAIN || brink_parse_f64(text_of(r->doc, n), n->n, out) != BRINK_OK)
    return wrong(r, n, null_ok ? "a number or null" : "a number");
  return BRINK_OK;
}

/* obj.key as a number; absent and optional: fallback. */
static void get_number(reader *r, const jtok *obj, const char *key, int required, int null_ok,
                       double fallback, double *out) {
  *out = fallback;
  const jtok *v = member(r, obj, key, required);
  if (!v || r->status) return;
  size_t at = push_key(r, key);
  number_of(r, v, null_ok, out);
  pop(r, at);
}

static void get_string(reader *r, const jtok *obj, const char *key, int required, char **out) {
  *out = NULL;
  const jtok *v = member(r, obj, key, required);
  const char *text = "";
  size_t len = 0;
  if (v && !r->status) {
    if (kind_of(v) == J_STR) {
      text = text_of(r->doc, v);
      len = v->n;
    } else if (!is_null(r, v)) {
      size_t at = push_key(r, key);
      wrong(r, v, "a string");
      pop(r, at);
    }
  }
  if (r->status) return;
  *out = brink_strndup(r->ctx, text, len);
  if (!*out) r->status = BRINK_ENOMEM;
}

static const jtok *get_container(reader *r, const jtok *obj, const char *key, jkind kind,
                                 int required) {
  const jtok *v = member(r, obj, key, required);
  if (!v || r->status) return NULL;
  if (!required && is_null(r, v)) return NULL;
  if (kind_of(v) != kind) {
    size_t at = push_key(r, key);
    wrong(r, v, kind == J_OBJ ? "an object" : "an array");
    pop(r, at);
    return NULL;
  }
  return v;
}

static void estimate_of(reader *r, const jtok *n, int null_ok, brink_estimate *e) {
  e->mean = e->lo = e->hi = NO_VALUE;
  if (r->status) return;
  if (kind_of(n) != J_OBJ) {
    wrong(r, n, "an object {\"mean\", \"lo\", \"hi\"}");
    return;
  }
  get_number(r, n, "mean", 1, null_ok, NO_VALUE, &e->mean);
  get_number(r, n, "lo", 1, null_ok, NO_VALUE, &e->lo);
  get_number(r, n, "hi", 1, null_ok, NO_VALUE, &e->hi);
  if (!r->status && !(e->lo <= e->mean && e->mean <= e->hi) &&
      !(isnan(e->mean) && isnan(e->lo) && isnan(e->hi))) {
    uint32_t line, col;
    where(r, n, &line, &col);
    r->status =
        brink__fail(r->ctx, BRINK_EPARSE, "%s:%u:%u: %s: expected lo <= mean <= hi, got %g, %g, %g",
                    r->name, line, col, r->path.data, e->lo, e->mean, e->hi);
  }
}

static void get_estimate(reader *r, const jtok *obj, const char *key, brink_estimate *e) {
  e->mean = e->lo = e->hi = NO_VALUE;
  const jtok *v = member(r, obj, key, 1);
  if (!v || r->status) return;
  size_t at = push_key(r, key);
  estimate_of(r, v, 0, e);
  pop(r, at);
}

static void *alloc_array(reader *r, size_t n, size_t size) {
  if (r->status) return NULL;
  void *p = brink_calloc(r->ctx, n ? n : 1, size);
  if (!p) r->status = BRINK_ENOMEM;
  return p;
}

static void get_string_array(reader *r, const jtok *obj, const char *key, char ***out, size_t *n) {
  *out = NULL;
  *n = 0;
  const jtok *arr = get_container(r, obj, key, J_ARR, 0);
  if (!arr) return;
  size_t at = push_key(r, key);
  char **items = alloc_array(r, arr->n, sizeof *items);
  *out = items;
  const jtok *k = first_kid(arr);
  for (size_t i = 0; items && !r->status && i < arr->n; i++, k = next_kid(r, k)) {
    if (kind_of(k) != J_STR) {
      size_t at2 = push_index(r, i);
      wrong(r, k, "a string");
      pop(r, at2);
      break;
    }
    items[i] = brink_strndup(r->ctx, text_of(r->doc, k), k->n);
    if (!items[i])
      r->status = BRINK_ENOMEM;
    else
      *n = i + 1;
  }
  pop(r, at);
}

/* A field of an assumption as text: numbers and strings as written, arrays "[a, b]". */
static brink_status field_text(reader *r, const jtok *v, brink_buf *b) {
  if (kind_of(v) == J_STR || kind_of(v) == J_PLAIN)
    return brink_buf_append(b, text_of(r->doc, v), v->n);
  brink_status st = brink_buf_putc(b, kind_of(v) == J_ARR ? '[' : '{');
  const jtok *k = first_kid(v);
  for (size_t i = 0; !st && i < v->n; i++, k = next_kid(r, k)) {
    if (i) st = brink_buf_puts(b, kind_of(v) == J_OBJ && i % 2 ? ": " : ", ");
    if (!st) st = field_text(r, k, b);
  }
  if (!st) st = brink_buf_putc(b, kind_of(v) == J_ARR ? ']' : '}');
  return st;
}

static void read_assumption(reader *r, const jtok *n, brink_assumption *a) {
  if (kind_of(n) != J_OBJ) {
    wrong(r, n, "an object");
    return;
  }
  get_string(r, n, "name", 1, &a->name);
  get_string(r, n, "dist", 1, &a->dist);
  get_string(r, n, "unit", 0, &a->unit);
  get_string(r, n, "doc", 0, &a->doc);
  if (r->status) return;
  a->field_names = alloc_array(r, n->n / 2, sizeof(char *));
  a->field_values = alloc_array(r, n->n / 2, sizeof(char *));
  brink_buf b;
  brink_buf_init(&b, r->ctx, 1 << 16);
  const jtok *key = first_kid(n);
  for (size_t i = 0; !r->status && i + 1 < n->n; i += 2) {
    const jtok *value = next_kid(r, key);
    const jtok *following = next_kid(r, value);
    if (text_is(r->doc, key, "name") || text_is(r->doc, key, "dist") ||
        text_is(r->doc, key, "unit") || text_is(r->doc, key, "doc")) {
      key = following;
      continue;
    }
    brink_buf_reset(&b);
    brink_status st = field_text(r, value, &b);
    char *name = st ? NULL : brink_strndup(r->ctx, text_of(r->doc, key), key->n);
    char *text = NULL;
    if (name) st = brink_buf_detach(&b, &text);
    if (st || !name || !text) {
      brink_free(r->ctx, name);
      brink_free(r->ctx, text);
      r->status = st ? st : BRINK_ENOMEM;
      break;
    }
    a->field_names[a->n_fields] = name;
    a->field_values[a->n_fields++] = text;
    key = following;
  }
  brink_buf_release(&b);
}

static void read_curve(reader *r, const jtok *pol, brink_result_policy *p) {
  const jtok *arr = get_container(r, pol, "p_armed_conflict_curve", J_ARR, 1);
  if (!arr) return;
  size_t at = push_key(r, "p_armed_conflict_curve");
  if (arr->n == 0) wrong(r, arr, "at least one point");
  p->curve = alloc_array(r, arr->n, sizeof *p->curve);
  const jtok *k = first_kid(arr);
  for (size_t i = 0; p->curve && !r->status && i < arr->n; i++, k = next_kid(r, k)) {
    size_t at2 = push_index(r, i);
    estimate_of(r, k, 0, &p->curve[i]);
    pop(r, at2);
    p->n_curve = i + 1;
  }
  pop(r, at);
}

static void read_hist(reader *r, const jtok *pol, brink_result_policy *p) {
  const jtok *h = get_container(r, pol, "provocations_hist", J_OBJ, 1);
  if (!h) return;
  size_t at = push_key(r, "provocations_hist");
  get_number(r, h, "bin_width", 1, 0, NO_VALUE, &p->hist_bin_width);
  if (!r->status && !(p->hist_bin_width > 0)) wrong(r, lookup(r, h, "bin_width"), "a width > 0");
  const jtok *counts = get_container(r, h, "counts", J_ARR, 1);
  if (counts) {
    size_t at2 = push_key(r, "counts");
    if (counts->n == 0) wrong(r, counts, "at least one bin");
    p->hist_counts = alloc_array(r, counts->n, sizeof(double));
    const jtok *k = first_kid(counts);
    for (size_t i = 0; p->hist_counts && !r->status && i < counts->n; i++, k = next_kid(r, k)) {
      size_t at3 = push_index(r, i);
      number_of(r, k, 0, &p->hist_counts[i]);
      if (!r->status && !(p->hist_counts[i] >= 0)) wrong(r, k, "a count >= 0");
      pop(r, at3);
      p->n_hist = i + 1;
    }
    pop(r, at2);
  }
  pop(r, at);
}

static void read_tension(reader *r, const jtok *pol, brink_result_policy *p) {
  const jtok *t = get_container(r, pol, "tension", J_OBJ, 1);
  if (!t) return;
  size_t at = push_key(r, "tension");
  get_string(r, t, "unit", 0, &p->tension_unit);
  const jtok *q = get_container(r, t, "quantiles", J_ARR, 1);
  const jtok *steps = get_container(r, t, "steps", J_ARR, 1);
  if (q && steps) {
    size_t at2 = push_key(r, "quantiles");
    if (q->n == 0) wrong(r, q, "at least one quantile");
    p->quantiles = alloc_array(r, q->n, sizeof(double));
    const jtok *qk = first_kid(q);
    for (size_t i = 0; p->quantiles && !r->status && i < q->n; i++, qk = next_kid(r, qk)) {
      size_t at3 = push_index(r, i);
      number_of(r, qk, 0, &p->quantiles[i]);
      if (!r->status && !(p->quantiles[i] > 0 && p->quantiles[i] < 1 &&
                          (i == 0 || p->quantiles[i] > p->quantiles[i - 1])))
        wrong(r, qk, "increasing probabilities in (0, 1)");
      pop(r, at3);
      p->n_quantiles = i + 1;
    }
    pop(r, at2);
    at2 = push_key(r, "steps");
    if (!r->status && steps->n == 0) wrong(r, steps, "at least one step");
    if (!r->status) p->tension = alloc_array(r, steps->n * p->n_quantiles, sizeof(double));
    const jtok *row = first_kid(steps);
    for (size_t i = 0; p->tension && !r->status && i < steps->n; i++, row = next_kid(r, row)) {
      size_t at3 = push_index(r, i);
      if (kind_of(row) != J_ARR || row->n != p->n_quantiles) {
        wrong(r, row, "an array with one number per quantile");
      } else {
        const jtok *cell = first_kid(row);
        for (size_t k = 0; !r->status && k < row->n; k++, cell = next_kid(r, cell)) {
          size_t at4 = push_index(r, k);
          number_of(r, cell, 0, &p->tension[i * p->n_quantiles + k]);
          pop(r, at4);
        }
      }
      pop(r, at3);
      if (!r->status) p->n_tension = i + 1;
    }
    pop(r, at2);
  }
  pop(r, at);
}

static void read_policy(reader *r, const jtok *n, brink_result_policy *p) {
  p->provocations_sd = p->time_to_talks_n = NO_VALUE;
  p->time_to_talks.mean = p->time_to_talks.lo = p->time_to_talks.hi = NO_VALUE;
  if (kind_of(n) != J_OBJ) {
    wrong(r, n, "an object");
    return;
  }
  get_string(r, n, "name", 1, &p->name);
  get_string(r, n, "description", 0, &p->description);
  get_estimate(r, n, "p_armed_conflict", &p->p_armed_conflict);
  read_curve(r, n, p);
  get_estimate(r, n, "p_clash", &p->p_clash);
  get_estimate(r, n, "provocations", &p->provocations);
  const jtok *prov = lookup(r, n, "provocations");
  if (prov && !r->status) {
    size_t at = push_key(r, "provocations");
    get_number(r, prov, "sd", 0, 1, NO_VALUE, &p->provocations_sd);
    pop(r, at);
  }
  read_hist(r, n, p);
  get_estimate(r, n, "p_talks", &p->p_talks);
  const jtok *ttt = get_container(r, n, "time_to_talks", J_OBJ, 0);
  if (ttt) {
    size_t at = push_key(r, "time_to_talks");
    get_number(r, ttt, "median", 1, 1, NO_VALUE, &p->time_to_talks.mean);
    get_number(r, ttt, "lo", 1, 1, NO_VALUE, &p->time_to_talks.lo);
    get_number(r, ttt, "hi", 1, 1, NO_VALUE, &p->time_to_talks.hi);
    get_number(r, ttt, "n", 0, 1, NO_VALUE, &p->time_to_talks_n);
    get_string(r, ttt, "unit", 0, &p->time_to_talks_unit);
    pop(r, at);
  }
  if (!r->status && !p->time_to_talks_unit) {
    p->time_to_talks_unit = brink_strdup(r->ctx, "steps");
    if (!p->time_to_talks_unit) r->status = BRINK_ENOMEM;
  }
  read_tension(r, n, p);
}

static void read_difference(reader *r, const jtok *n, brink_result_difference *d) {
  if (kind_of(n) != J_OBJ) {
    wrong(r, n, "an object");
    return;
  }
  get_string(r, n, "a", 1, &d->a);
  get_string(r, n, "b", 1, &d->b);
  get_estimate(r, n, "p_armed_conflict", &d->p_armed_conflict);
  get_estimate(r, n, "provocations", &d->provocations);
  get_estimate(r, n, "p_talks", &d->p_talks);
}

static void read_result(reader *r, const jtok *root, brink_result *res) {
  get_string(r, root, "version", 1, &res->version);
  get_string(r, root, "scenario", 1, &res->scenario);
  get_string(r, root, "scenario_file", 0, &res->scenario_file);
  get_number(r, root, "seed", 1, 0, NO_VALUE, &res->seed);
  get_string(r, root, "rng", 0, &res->rng);
  get_number(r, root, "runs", 1, 0, NO_VALUE, &res->runs);
  if (!r->status && !(res->runs >= 1)) wrong(r, lookup(r, root, "runs"), "a number of runs >= 1");
  get_number(r, root, "horizon", 1, 0, NO_VALUE, &res->horizon);
  if (!r->status && !(res->horizon >= 1 && res->horizon <= 1e6))
    wrong(r, lookup(r, root, "horizon"), "a number of steps in 1..1000000");
  get_string(r, root, "step", 0, &res->step);
  get_string(r, root, "start", 0, &res->start);
  get_number(r, root, "confidence", 0, 0, 0.95, &res->confidence);
  get_string_array(r, root, "overrides", &res->overrides, &res->n_overrides);
  get_string_array(r, root, "sources", &res->sources, &res->n_sources);

  const jtok *arr = get_container(r, root, "assumptions", J_ARR, 0);
  if (arr) {
    size_t at = push_key(r, "assumptions");
    res->assumptions = alloc_array(r, arr->n, sizeof *res->assumptions);
    const jtok *k = first_kid(arr);
    for (size_t i = 0; res->assumptions && !r->status && i < arr->n; i++, k = next_kid(r, k)) {
      size_t at2 = push_index(r, i);
      res->n_assumptions = i + 1;
      read_assumption(r, k, &res->assumptions[i]);
      pop(r, at2);
    }
    pop(r, at);
  }
  arr = get_container(r, root, "policies", J_ARR, 1);
  if (arr) {
    size_t at = push_key(r, "policies");
    if (arr->n == 0) wrong(r, arr, "at least one policy");
    res->policies = alloc_array(r, arr->n, sizeof *res->policies);
    const jtok *k = first_kid(arr);
    for (size_t i = 0; res->policies && !r->status && i < arr->n; i++, k = next_kid(r, k)) {
      size_t at2 = push_index(r, i);
      res->n_policies = i + 1;
      read_policy(r, k, &res->policies[i]);
      for (size_t j = 0; !r->status && j < i; j++)
        if (!strcmp(res->policies[j].name, res->policies[i].name)) {
          uint32_t line, col;
          where(r, k, &line, &col);
          r->status = brink__fail(r->ctx, BRINK_EPARSE,
                                  "%s:%u:%u: %s: policy '%s' appears twice: expected unique names",
                                  r->name, line, col, r->path.data, res->policies[i].name);
        }
      pop(r, at2);
    }
    pop(r, at);
  }
  arr = get_container(r, root, "differences", J_ARR, 0);
  if (arr) {
    size_t at = push_key(r, "differences");
    res->differences = alloc_array(r, arr->n, sizeof *res->differences);
    const jtok *k = first_kid(arr);
    for (size_t i = 0; res->differences && !r->status && i < arr->n; i++, k = next_kid(r, k)) {
      size_t at2 = push_index(r, i);
      res->n_differences = i + 1;
      read_difference(r, k, &res->differences[i]);
      pop(r, at2);
    }
    pop(r, at);
  }
  /* Strings the struct promises are never NULL. */
  char **must[] = {&res->scenario_file, &res->rng, &res->step, &res->start};
  for (size_t i = 0; !r->status && i < BRINK_ARRAY_LEN(must); i++)
    if (!*must[i]) {
      *must[i] = brink_strdup(r->ctx, "");
      if (!*must[i]) r->status = BRINK_ENOMEM;
    }
  for (size_t i = 0; !r->status && i < res->n_policies; i++) {
    brink_result_policy *p = &res->policies[i];
    char **pmust[] = {&p->description, &p->tension_unit};
    for (size_t k = 0; !r->status && k < BRINK_ARRAY_LEN(pmust); k++)
      if (!*pmust[k]) {
        *pmust[k] = brink_strdup(r->ctx, "");
        if (!*pmust[k]) r->status = BRINK_ENOMEM;
      }
  }
}

brink_status brink_result_parse(brink_ctx *ctx, const char *text, size_t len, const char *name,
                                brink_result **out) {
  jdoc doc;
  memset(&doc, 0, sizeof doc);
  brink_result *res = NULL;
  reader r;
  memset(&r, 0, sizeof r);
  r.ctx = ctx;
  r.name = name ? name : "result";
  r.doc = &doc;
  brink_buf_init(&r.path, ctx, 4096);
  brink_buf_init(&doc.side, ctx, JSON_MAX_BYTES);
  *out = NULL;
  if (!text && len) {
    r.status = brink__fail(ctx, BRINK_EINVAL, "no text to parse");
    goto done;
  }
  r.status = parse_doc(ctx, text ? text : "", len, r.name, &doc);
  if (r.status) goto done;
  if (kind_of(&doc.tok[0]) != J_OBJ) {
    wrong(&r, &doc.tok[0], "an object");
    goto done;
  }
  res = brink_calloc(ctx, 1, sizeof *res);
  if (!res) {
    r.status = BRINK_ENOMEM;
    goto done;
  }
  res->ctx = ctx;
  read_result(&r, &doc.tok[0], res);

done:
  brink_buf_release(&r.path);
  doc_release(ctx, &doc);
  if (r.status) {
    brink_result_free(res);
    if (r.status == BRINK_ENOMEM && !brink_ctx_errmsg(ctx)[0])
      brink__fail(ctx, BRINK_ENOMEM, "%s: out of memory", r.name);
    return r.status;
  }
  *out = res;
  return BRINK_OK;
}

brink_status brink_result_load(brink_ctx *ctx, const char *path, brink_result **out) {
  char *text = NULL;
  size_t len = 0;
  *out = NULL;
  brink_status st = brink__read_file_alloc(ctx, path, JSON_MAX_BYTES, &text, &len);
  if (!st) st = brink_result_parse(ctx, text, len, path, out);
  brink_free(ctx, text);
  return st;
}

static void free_strings(brink_ctx *ctx, char **s, size_t n) {
  for (size_t i = 0; s && i < n; i++) brink_free(ctx, s[i]);
  brink_free(ctx, s);
}

void brink_result_free(brink_result *res) {
  if (!res) return;
  brink_ctx *ctx = res->ctx;
  char *strings[] = {res->version, res->scenario, res->scenario_file,
                     res->rng,     res->step,     res->start};
  for (size_t i = 0; i < BRINK_ARRAY_LEN(strings); i++) brink_free(ctx, strings[i]);
  free_strings(ctx, res->overrides, res->n_overrides);
  free_strings(ctx, res->sources, res->n_sources);
  for (size_t i = 0; res->assumptions && i < res->n_assumptions; i++) {
    brink_assumption *a = &res->assumptions[i];
    brink_free(ctx, a->name);
    brink_free(ctx, a->dist);
    brink_free(ctx, a->unit);
    brink_free(ctx, a->doc);
    free_strings(ctx, a->field_names, a->n_fields);
    free_strings(ctx, a->field_values, a->n_fields);
  }
  brink_free(ctx, res->assumptions);
  for (size_t i = 0; res->policies && i < res->n_policies; i++) {
    brink_result_policy *p = &res->policies[i];
    brink_free(ctx, p->name);
    brink_free(ctx, p->description);
    brink_free(ctx, p->curve);
    brink_free(ctx, p->hist_counts);
    brink_free(ctx, p->time_to_talks_unit);
    brink_free(ctx, p->tension_unit);
    brink_free(ctx, p->quantiles);
    brink_free(ctx, p->tension);
  }
  brink_free(ctx, res->policies);
  for (size_t i = 0; res->differences && i < res->n_differences; i++) {
    brink_free(ctx, res->differences[i].a);
    brink_free(ctx, res->differences[i].b);
  }
  brink_free(ctx, res->differences);
  brink_free(ctx, res);
}

long brink_result_policy_index(const brink_result *res, const char *name) {
  for (size_t i = 0; res && name && i < res->n_policies; i++)
    if (!strcmp(res->policies[i].name, name)) return (long)i;
  return -1;
}

double brink_result_curve_step(const brink_result *res, const brink_result_policy *p, size_t i) {
  int from_zero = (double)p->n_curve == res->horizon + 1.0;
  return (double)i + (from_zero ? 0.0 : 1.0);
}
