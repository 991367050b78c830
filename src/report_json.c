/* SPDX-License-Identifier: MIT */
/* Reads the JSON result of `brink run`/`brink compare` (docs/output.md) into a brink_result.
 * A one-pass scanner builds a small tree (one node per value, text in the same block) that
 * keeps line:column of every value, so that a wrong value is reported where it is; memory is a
 * small multiple of the file and nesting is limited as it opens. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

#define JSON_MAX_BYTES ((size_t)256 << 20)
#define JSON_MAX_DEPTH 64
#define NO_VALUE ((double)NAN) /* null, or not given */

typedef enum jkind { J_OBJ, J_ARR, J_STR, J_PLAIN } jkind;

/* An object holds 2n kids: key, value, key, value... A plain scalar is a number, true, false
 * or null (told apart when it is read). */
typedef struct jnode {
  jkind kind;
  uint32_t line, col;
  char *text; /* scalars: NUL-terminated */
  size_t len;
  struct jnode **kids;
  size_t n, cap;
} jnode;

typedef struct reader {
  brink_ctx *ctx;
  const char *name;
  brink_buf path; /* where we are: policies[1].p_clash.mean */
  brink_status status;
} reader;

/* Nodes live in an arena of large blocks (no allocator overhead per value); only the kids
 * arrays of containers are separate allocations. */
typedef struct jblock {
  struct jblock *next;
  size_t used, cap;
  max_align_t data[];
} jblock;

#define JBLOCK_BYTES ((size_t)1 << 20)

static void jnode_free(brink_ctx *ctx, jnode *n) {
  if (!n) return;
  for (size_t i = 0; i < n->n; i++) jnode_free(ctx, n->kids[i]);
  brink_free(ctx, n->kids);
}

static void arena_free(brink_ctx *ctx, jblock *blocks) {
  while (blocks) {
    jblock *next = blocks->next;
    brink_free(ctx, blocks);
    blocks = next;
  }
}

/* ---- Parsing into the tree ----------------------------------------------------------------- */

typedef struct builder {
  brink_ctx *ctx;
  const char *name;
  jnode *stack[JSON_MAX_DEPTH + 1];
  size_t depth;
  jnode *root;
  jblock *arena;
  brink_status status;
} builder;

/* n bytes, zeroed, aligned for a jnode, from the arena. */
static void *arena_alloc(builder *b, size_t n) {
  n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
  jblock *top = b->arena;
  if (!top || top->cap - top->used < n) {
    size_t cap = n > JBLOCK_BYTES ? n : JBLOCK_BYTES;
    top = brink_malloc(b->ctx, sizeof *top + cap);
    if (!top) {
      b->status = BRINK_ENOMEM;
      return NULL;
    }
    top->next = b->arena;
    top->used = 0;
    top->cap = cap;
    b->arena = top;
  }
  void *p = (char *)top->data + top->used;
  top->used += n;
  memset(p, 0, n);
  return p;
}

static int attach(builder *b, jnode *node) {
  if (b->depth == 0) {
    if (b->root) {
      jnode_free(b->ctx, node);
      b->status = brink__fail(b->ctx, BRINK_EPARSE, "%s:%u:%u: a second JSON value: expected one",
                              b->name, node->line, node->col);
      return -1;
    }
    b->root = node;
    return 0;
  }
  jnode *parent = b->stack[b->depth - 1];
  if (parent->kind == J_OBJ && parent->n % 2 == 0 && node->kind != J_STR && node->kind != J_PLAIN) {
    uint32_t line = node->line, col = node->col;
    jnode_free(b->ctx, node);
    b->status = brink__fail(b->ctx, BRINK_EPARSE, "%s:%u:%u: expected a string as object key",
                            b->name, line, col);
    return -1;
  }
  if (parent->n == parent->cap) {
    size_t cap = parent->cap ? parent->cap * 2 : 8;
    jnode **kids = brink_realloc(b->ctx, parent->kids, cap * sizeof *kids);
    if (!kids) {
      jnode_free(b->ctx, node);
      b->status = BRINK_ENOMEM;
      return -1;
    }
    parent->kids = kids;
    parent->cap = cap;
  }
  parent->kids[parent->n++] = node;
  return 0;
}

/* ---- The JSON scanner: one pass, no copy of the input, a node per value ------------------ */

typedef struct scanner {
  const char *s;
  size_t len, pos;
  uint32_t line, col; /* of s[pos]; columns count characters, not bytes */
} scanner;

static void advance(scanner *sc, size_t n) {
  for (size_t end = sc->pos + n; sc->pos < end; sc->pos++) {
    unsigned char c = (unsigned char)sc->s[sc->pos];
    if (c == '\n') {
      sc->line++;
      sc->col = 1;
    } else if ((c & 0xC0) != 0x80) {
      sc->col++;
    }
  }
}

static void skip_space(scanner *sc) {
  while (sc->pos < sc->len) {
    char c = sc->s[sc->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    advance(sc, 1);
  }
}

static brink_status syntax(builder *b, const scanner *sc, const char *what) {
  if (b->status) return b->status;
  if (sc->pos >= sc->len)
    return b->status = brink__fail(b->ctx, BRINK_EPARSE, "%s:%u:%u: invalid JSON: %s (at the end)",
                                   b->name, sc->line, sc->col, what);
  unsigned char c = (unsigned char)sc->s[sc->pos];
  if (c >= 0x20 && c < 0x7f)
    return b->status = brink__fail(b->ctx, BRINK_EPARSE, "%s:%u:%u: invalid JSON: %s, found '%c'",
                                   b->name, sc->line, sc->col, what, c);
  return b->status = brink__fail(b->ctx, BRINK_EPARSE, "%s:%u:%u: invalid JSON: %s", b->name,
                                 sc->line, sc->col, what);
}

static jnode *scalar_node(builder *b, jkind kind, size_t cap, uint32_t line, uint32_t col) {
  jnode *n = arena_alloc(b, sizeof *n + cap + 1);
  if (!n) return NULL;
  n->kind = kind;
  n->line = line;
  n->col = col;
  n->text = (char *)(n + 1);
  return n;
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

/* A string at s[pos] == '"': its decoded text (never longer than the raw text) in a node. */
static jnode *scan_string(builder *b, scanner *sc) {
  uint32_t line = sc->line, col = sc->col;
  size_t end = sc->pos + 1;
  while (end < sc->len && sc->s[end] != '"') end += sc->s[end] == '\\' ? 2 : 1;
  if (end >= sc->len) {
    syntax(b, sc, "unterminated string");
    return NULL;
  }
  jnode *n = scalar_node(b, J_STR, end - sc->pos - 1, line, col);
  if (!n) return NULL;
  size_t k = 0;
  advance(sc, 1);
  while (sc->s[sc->pos] != '"') {
    unsigned char c = (unsigned char)sc->s[sc->pos];
    if (c < 0x20) {
      syntax(b, sc, "control character in a string");
      goto fail;
    }
    if (c != '\\') {
      n->text[k++] = (char)c;
      advance(sc, 1);
      continue;
    }
    char e = sc->s[sc->pos + 1];
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit = e ? strchr(from, e) : NULL;
    if (hit) {
      n->text[k++] = to[hit - from];
      advance(sc, 2);
      continue;
    }
    uint32_t cp, lo;
    if (e != 'u' || sc->pos + 6 > end || hex4(sc->s + sc->pos + 2, &cp)) {
      syntax(b, sc, "bad escape in a string");
      goto fail;
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
      goto fail;
    }
    k += put_utf8(n->text + k, cp);
    advance(sc, used);
  }
  advance(sc, 1);
  n->text[k] = '\0';
  n->len = k;
  return n;
fail:
  return NULL; /* the node stays in the arena, freed with it */
}

/* A number, true, false or null (told apart when read; checked here against JSON's grammar). */
static jnode *scan_plain(builder *b, scanner *sc) {
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
    return NULL;
  }
  jnode *node = scalar_node(b, J_PLAIN, (size_t)(q - p), sc->line, sc->col);
  if (!node) return NULL;
  memcpy(node->text, p, (size_t)(q - p));
  node->text[q - p] = '\0';
  node->len = (size_t)(q - p);
  advance(sc, (size_t)(q - p));
  return node;
}

/* Builds the tree in one pass. Nesting is checked as it opens (64 levels), so a hostile file
 * costs at most one node per value it really holds: memory stays a small multiple of the
 * file (it was about 280 times with libfyaml's parser). */
static void scan_json(builder *b, const char *text, size_t len) {
  scanner sc = {text, len, 0, 1, 1};
  enum { VALUE, VALUE_OR_END, KEY, KEY_OR_END, AFTER } want = VALUE;
  for (;;) {
    skip_space(&sc);
    if (want == AFTER) {
      if (b->depth == 0) {
        if (sc.pos < sc.len) syntax(b, &sc, "expected the end after the JSON value");
        return;
      }
      jnode *top = b->stack[b->depth - 1];
      char close = top->kind == J_OBJ ? '}' : ']';
      if (sc.pos < sc.len && sc.s[sc.pos] == ',') {
        advance(&sc, 1);
        want = top->kind == J_OBJ ? KEY : VALUE;
      } else if (sc.pos < sc.len && sc.s[sc.pos] == close) {
        advance(&sc, 1);
        b->depth--;
      } else {
        syntax(b, &sc, top->kind == J_OBJ ? "expected ',' or '}'" : "expected ',' or ']'");
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
      advance(&sc, 1);
      b->depth--;
      want = AFTER;
      continue;
    }
    if (want == KEY || want == KEY_OR_END) {
      if (c != '"') {
        syntax(b, &sc, "expected a string as object key");
        return;
      }
      jnode *key = scan_string(b, &sc);
      if (!key || attach(b, key)) return;
      skip_space(&sc);
      if (sc.pos >= sc.len || sc.s[sc.pos] != ':') {
        syntax(b, &sc, "expected ':' after the key");
        return;
      }
      advance(&sc, 1);
      want = VALUE;
      continue;
    }
    jnode *node = NULL;
    if (c == '{' || c == '[') {
      if (b->depth >= JSON_MAX_DEPTH) {
        b->status = brink__fail(b->ctx, BRINK_ELIMIT,
                                "%s:%u:%u: nesting deeper than %d levels: expected a result",
                                b->name, sc.line, sc.col, JSON_MAX_DEPTH);
        return;
      }
      node = arena_alloc(b, sizeof *node);
      if (!node) return;
      node->kind = c == '{' ? J_OBJ : J_ARR;
      node->line = sc.line;
      node->col = sc.col;
      advance(&sc, 1);
      if (attach(b, node)) return;
      b->stack[b->depth++] = node;
      want = c == '{' ? KEY_OR_END : VALUE_OR_END;
      continue;
    }
    node = c == '"' ? scan_string(b, &sc) : scan_plain(b, &sc);
    if (!node || attach(b, node)) return;
    want = AFTER;
  }
}

/* Line and column of byte offset off. */
static void locate(const char *text, size_t off, uint32_t *line, uint32_t *col) {
  uint32_t l = 1, c = 1;
  for (size_t i = 0; i < off; i++) {
    if (text[i] == '\n') {
      l++;
      c = 1;
    } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
      c++;
    }
  }
  *line = l;
  *col = c;
}

/* *out: the tree, in *arena (free with jnode_free, then arena_free). */
static brink_status parse_tree(brink_ctx *ctx, const char *text, size_t len, const char *name,
                               jnode **out, jblock **arena) {
  builder b;
  memset(&b, 0, sizeof b);
  b.ctx = ctx;
  b.name = name;
  *out = NULL;
  uint32_t line, col;
  if (len > JSON_MAX_BYTES) {
    b.status = brink__fail(ctx, BRINK_ELIMIT, "%s: %zu bytes: larger than the limit of %zu", name,
                           len, JSON_MAX_BYTES);
    goto done;
  }
  /* Checked before libfyaml sees it: it can hang on invalid UTF-8 (see scenario_yaml.c), and
   * a result always starts with '{', which also rules out YAML directives. */
  size_t bad = brink__utf8_check(text, len);
  if (bad < len) {
    locate(text, bad, &line, &col);
    b.status = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%u: invalid UTF-8 (byte 0x%02x)", name, line,
                           col, (unsigned)(unsigned char)text[bad]);
    goto done;
  }
  size_t first = 0;
  while (first < len &&
         (text[first] == ' ' || text[first] == '\t' || text[first] == '\n' || text[first] == '\r'))
    first++;
  if (first == len || text[first] != '{') {
    locate(text, first, &line, &col);
    b.status = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%u: %s: expected a JSON object ('{')", name,
                           line, col, first == len ? "empty input" : "not JSON");
    goto done;
  }

  scan_json(&b, text, len);
  if (!b.status && !b.root)
    b.status = brink__fail(ctx, BRINK_EPARSE, "%s:1:1: no JSON value", name);

done:
  if (b.status) {
    jnode_free(ctx, b.root);
    arena_free(ctx, b.arena);
    return b.status;
  }
  *out = b.root;
  *arena = b.arena;
  return BRINK_OK;
}

/* ---- From the tree to the struct ----------------------------------------------------------- */

static const char *kind_word(const jnode *n) {
  if (n->kind == J_OBJ) return "an object";
  if (n->kind == J_ARR) return "an array";
  if (n->kind == J_STR) return "a string";
  if (!strcmp(n->text, "null")) return "null";
  if (!strcmp(n->text, "true") || !strcmp(n->text, "false")) return "a boolean";
  return "a number";
}

static brink_status wrong(reader *r, const jnode *n, const char *expected) {
  if (r->status) return r->status;
  r->status = brink__fail(r->ctx, BRINK_EPARSE, "%s:%u:%u: %s: expected %s, got %s '%.40s'",
                          r->name, n->line, n->col, r->path.data, expected, kind_word(n),
                          n->text ? n->text : (n->kind == J_OBJ ? "{...}" : "[...]"));
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

static const jnode *lookup(const jnode *obj, const char *key) {
  for (size_t i = 0; i + 1 < obj->n; i += 2)
    if (!strcmp(obj->kids[i]->text, key)) return obj->kids[i + 1];
  return NULL;
}

/* The value of key in obj, or NULL after an error when required and missing. */
static const jnode *member(reader *r, const jnode *obj, const char *key, int required) {
  const jnode *v = lookup(obj, key);
  if (!v && required && !r->status)
    r->status = brink__fail(r->ctx, BRINK_EPARSE, "%s:%u:%u: %s%smissing key '%s'", r->name,
                            obj->line, obj->col, r->path.data, r->path.len ? ": " : "", key);
  return v;
}

static int is_null(const jnode *n) { return n->kind == J_PLAIN && !strcmp(n->text, "null"); }

static brink_status number_of(reader *r, const jnode *n, int null_ok, double *out) {
  if (r->status) return r->status;
  if (null_ok && is_null(n)) {
    *out = NO_VALUE;
    return BRINK_OK;
  }
  if (n->kind != J_PLAIN || brink_parse_f64(n->text, n->len, out) != BRINK_OK)
    return wrong(r, n, null_ok ? "a number or null" : "a number");
  return BRINK_OK;
}

/* obj.key as a number; absent and optional: fallback. */
static void get_number(reader *r, const jnode *obj, const char *key, int required, int null_ok,
                       double fallback, double *out) {
  *out = fallback;
  const jnode *v = member(r, obj, key, required);
  if (!v || r->status) return;
  size_t at = push_key(r, key);
  number_of(r, v, null_ok, out);
  pop(r, at);
}

static void get_string(reader *r, const jnode *obj, const char *key, int required, char **out) {
  *out = NULL;
  const jnode *v = member(r, obj, key, required);
  const char *text = "";
  if (v && !r->status) {
    if (v->kind == J_STR)
      text = v->text;
    else if (!is_null(v)) {
      size_t at = push_key(r, key);
      wrong(r, v, "a string");
      pop(r, at);
    }
  }
  if (r->status) return;
  *out = brink_strdup(r->ctx, text);
  if (!*out) r->status = BRINK_ENOMEM;
}

static const jnode *get_container(reader *r, const jnode *obj, const char *key, jkind kind,
                                  int required) {
  const jnode *v = member(r, obj, key, required);
  if (!v || r->status) return NULL;
  if (!required && is_null(v)) return NULL;
  if (v->kind != kind) {
    size_t at = push_key(r, key);
    wrong(r, v, kind == J_OBJ ? "an object" : "an array");
    pop(r, at);
    return NULL;
  }
  return v;
}

static void estimate_of(reader *r, const jnode *n, int null_ok, brink_estimate *e) {
  e->mean = e->lo = e->hi = NO_VALUE;
  if (r->status) return;
  if (n->kind != J_OBJ) {
    wrong(r, n, "an object {\"mean\", \"lo\", \"hi\"}");
    return;
  }
  get_number(r, n, "mean", 1, null_ok, NO_VALUE, &e->mean);
  get_number(r, n, "lo", 1, null_ok, NO_VALUE, &e->lo);
  get_number(r, n, "hi", 1, null_ok, NO_VALUE, &e->hi);
  if (!r->status && !(e->lo <= e->mean && e->mean <= e->hi) &&
      !(isnan(e->mean) && isnan(e->lo) && isnan(e->hi)))
    r->status =
        brink__fail(r->ctx, BRINK_EPARSE, "%s:%u:%u: %s: expected lo <= mean <= hi, got %g, %g, %g",
                    r->name, n->line, n->col, r->path.data, e->lo, e->mean, e->hi);
}

static void get_estimate(reader *r, const jnode *obj, const char *key, brink_estimate *e) {
  e->mean = e->lo = e->hi = NO_VALUE;
  const jnode *v = member(r, obj, key, 1);
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

static void get_string_array(reader *r, const jnode *obj, const char *key, char ***out, size_t *n) {
  *out = NULL;
  *n = 0;
  const jnode *arr = get_container(r, obj, key, J_ARR, 0);
  if (!arr) return;
  size_t at = push_key(r, key);
  char **items = alloc_array(r, arr->n, sizeof *items);
  *out = items;
  for (size_t i = 0; items && !r->status && i < arr->n; i++) {
    if (arr->kids[i]->kind != J_STR) {
      size_t at2 = push_index(r, i);
      wrong(r, arr->kids[i], "a string");
      pop(r, at2);
      break;
    }
    items[i] = brink_strdup(r->ctx, arr->kids[i]->text);
    if (!items[i])
      r->status = BRINK_ENOMEM;
    else
      *n = i + 1;
  }
  pop(r, at);
}

/* A field of an assumption as text: numbers and strings as written, arrays "[a, b]". */
static brink_status field_text(reader *r, const jnode *v, brink_buf *b) {
  if (v->kind == J_STR || v->kind == J_PLAIN) return brink_buf_puts(b, v->text);
  brink_status st = brink_buf_putc(b, v->kind == J_ARR ? '[' : '{');
  for (size_t i = 0; !st && i < v->n; i++) {
    if (i) st = brink_buf_puts(b, v->kind == J_OBJ && i % 2 ? ": " : ", ");
    if (!st) st = field_text(r, v->kids[i], b);
  }
  if (!st) st = brink_buf_putc(b, v->kind == J_ARR ? ']' : '}');
  return st;
}

static void read_assumption(reader *r, const jnode *n, brink_assumption *a) {
  if (n->kind != J_OBJ) {
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
  for (size_t i = 0; !r->status && i + 1 < n->n; i += 2) {
    const char *key = n->kids[i]->text;
    if (!strcmp(key, "name") || !strcmp(key, "dist") || !strcmp(key, "unit") || !strcmp(key, "doc"))
      continue;
    brink_buf_reset(&b);
    brink_status st = field_text(r, n->kids[i + 1], &b);
    char *name = st ? NULL : brink_strdup(r->ctx, key);
    char *value = NULL;
    if (name) st = brink_buf_detach(&b, &value);
    if (st || !name || !value) {
      brink_free(r->ctx, name);
      brink_free(r->ctx, value);
      r->status = st ? st : BRINK_ENOMEM;
      break;
    }
    a->field_names[a->n_fields] = name;
    a->field_values[a->n_fields++] = value;
  }
  brink_buf_release(&b);
}

static void read_curve(reader *r, const jnode *pol, brink_result_policy *p) {
  const jnode *arr = get_container(r, pol, "p_armed_conflict_curve", J_ARR, 1);
  if (!arr) return;
  size_t at = push_key(r, "p_armed_conflict_curve");
  if (arr->n == 0) wrong(r, arr, "at least one point");
  p->curve = alloc_array(r, arr->n, sizeof *p->curve);
  for (size_t i = 0; p->curve && !r->status && i < arr->n; i++) {
    size_t at2 = push_index(r, i);
    estimate_of(r, arr->kids[i], 0, &p->curve[i]);
    pop(r, at2);
    p->n_curve = i + 1;
  }
  pop(r, at);
}

static void read_hist(reader *r, const jnode *pol, brink_result_policy *p) {
  const jnode *h = get_container(r, pol, "provocations_hist", J_OBJ, 1);
  if (!h) return;
  size_t at = push_key(r, "provocations_hist");
  get_number(r, h, "bin_width", 1, 0, NO_VALUE, &p->hist_bin_width);
  if (!r->status && !(p->hist_bin_width > 0)) wrong(r, lookup(h, "bin_width"), "a width > 0");
  const jnode *counts = get_container(r, h, "counts", J_ARR, 1);
  if (counts) {
    size_t at2 = push_key(r, "counts");
    if (counts->n == 0) wrong(r, counts, "at least one bin");
    p->hist_counts = alloc_array(r, counts->n, sizeof(double));
    for (size_t i = 0; p->hist_counts && !r->status && i < counts->n; i++) {
      size_t at3 = push_index(r, i);
      number_of(r, counts->kids[i], 0, &p->hist_counts[i]);
      if (!r->status && !(p->hist_counts[i] >= 0)) wrong(r, counts->kids[i], "a count >= 0");
      pop(r, at3);
      p->n_hist = i + 1;
    }
    pop(r, at2);
  }
  pop(r, at);
}

static void read_tension(reader *r, const jnode *pol, brink_result_policy *p) {
  const jnode *t = get_container(r, pol, "tension", J_OBJ, 1);
  if (!t) return;
  size_t at = push_key(r, "tension");
  get_string(r, t, "unit", 0, &p->tension_unit);
  const jnode *q = get_container(r, t, "quantiles", J_ARR, 1);
  const jnode *steps = get_container(r, t, "steps", J_ARR, 1);
  if (q && steps) {
    size_t at2 = push_key(r, "quantiles");
    if (q->n == 0) wrong(r, q, "at least one quantile");
    p->quantiles = alloc_array(r, q->n, sizeof(double));
    for (size_t i = 0; p->quantiles && !r->status && i < q->n; i++) {
      size_t at3 = push_index(r, i);
      number_of(r, q->kids[i], 0, &p->quantiles[i]);
      if (!r->status && !(p->quantiles[i] > 0 && p->quantiles[i] < 1 &&
                          (i == 0 || p->quantiles[i] > p->quantiles[i - 1])))
        wrong(r, q->kids[i], "increasing probabilities in (0, 1)");
      pop(r, at3);
      p->n_quantiles = i + 1;
    }
    pop(r, at2);
    at2 = push_key(r, "steps");
    if (!r->status && steps->n == 0) wrong(r, steps, "at least one step");
    if (!r->status) p->tension = alloc_array(r, steps->n * p->n_quantiles, sizeof(double));
    for (size_t i = 0; p->tension && !r->status && i < steps->n; i++) {
      const jnode *row = steps->kids[i];
      size_t at3 = push_index(r, i);
      if (row->kind != J_ARR || row->n != p->n_quantiles) {
        wrong(r, row, "an array with one number per quantile");
      } else {
        for (size_t k = 0; !r->status && k < row->n; k++) {
          size_t at4 = push_index(r, k);
          number_of(r, row->kids[k], 0, &p->tension[i * p->n_quantiles + k]);
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

static void read_policy(reader *r, const jnode *n, brink_result_policy *p) {
  p->provocations_sd = p->time_to_talks_n = NO_VALUE;
  p->time_to_talks.mean = p->time_to_talks.lo = p->time_to_talks.hi = NO_VALUE;
  if (n->kind != J_OBJ) {
    wrong(r, n, "an object");
    return;
  }
  get_string(r, n, "name", 1, &p->name);
  get_string(r, n, "description", 0, &p->description);
  get_estimate(r, n, "p_armed_conflict", &p->p_armed_conflict);
  read_curve(r, n, p);
  get_estimate(r, n, "p_clash", &p->p_clash);
  get_estimate(r, n, "provocations", &p->provocations);
  const jnode *prov = lookup(n, "provocations");
  if (prov && !r->status) {
    size_t at = push_key(r, "provocations");
    get_number(r, prov, "sd", 0, 1, NO_VALUE, &p->provocations_sd);
    pop(r, at);
  }
  read_hist(r, n, p);
  get_estimate(r, n, "p_talks", &p->p_talks);
  const jnode *ttt = get_container(r, n, "time_to_talks", J_OBJ, 0);
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

static void read_difference(reader *r, const jnode *n, brink_result_difference *d) {
  if (n->kind != J_OBJ) {
    wrong(r, n, "an object");
    return;
  }
  get_string(r, n, "a", 1, &d->a);
  get_string(r, n, "b", 1, &d->b);
  get_estimate(r, n, "p_armed_conflict", &d->p_armed_conflict);
  get_estimate(r, n, "provocations", &d->provocations);
  get_estimate(r, n, "p_talks", &d->p_talks);
}

static void read_result(reader *r, const jnode *root, brink_result *res) {
  get_string(r, root, "version", 1, &res->version);
  get_string(r, root, "scenario", 1, &res->scenario);
  get_string(r, root, "scenario_file", 0, &res->scenario_file);
  get_number(r, root, "seed", 1, 0, NO_VALUE, &res->seed);
  get_string(r, root, "rng", 0, &res->rng);
  get_number(r, root, "runs", 1, 0, NO_VALUE, &res->runs);
  if (!r->status && !(res->runs >= 1)) wrong(r, lookup(root, "runs"), "a number of runs >= 1");
  get_number(r, root, "horizon", 1, 0, NO_VALUE, &res->horizon);
  if (!r->status && !(res->horizon >= 1 && res->horizon <= 1e6))
    wrong(r, lookup(root, "horizon"), "a number of steps in 1..1000000");
  get_string(r, root, "step", 0, &res->step);
  get_string(r, root, "start", 0, &res->start);
  get_number(r, root, "confidence", 0, 0, 0.95, &res->confidence);
  get_string_array(r, root, "overrides", &res->overrides, &res->n_overrides);
  get_string_array(r, root, "sources", &res->sources, &res->n_sources);

  const jnode *arr = get_container(r, root, "assumptions", J_ARR, 0);
  if (arr) {
    size_t at = push_key(r, "assumptions");
    res->assumptions = alloc_array(r, arr->n, sizeof *res->assumptions);
    for (size_t i = 0; res->assumptions && !r->status && i < arr->n; i++) {
      size_t at2 = push_index(r, i);
      res->n_assumptions = i + 1;
      read_assumption(r, arr->kids[i], &res->assumptions[i]);
      pop(r, at2);
    }
    pop(r, at);
  }
  arr = get_container(r, root, "policies", J_ARR, 1);
  if (arr) {
    size_t at = push_key(r, "policies");
    if (arr->n == 0) wrong(r, arr, "at least one policy");
    res->policies = alloc_array(r, arr->n, sizeof *res->policies);
    for (size_t i = 0; res->policies && !r->status && i < arr->n; i++) {
      size_t at2 = push_index(r, i);
      res->n_policies = i + 1;
      read_policy(r, arr->kids[i], &res->policies[i]);
      for (size_t k = 0; !r->status && k < i; k++)
        if (!strcmp(res->policies[k].name, res->policies[i].name))
          r->status = brink__fail(r->ctx, BRINK_EPARSE,
                                  "%s:%u:%u: %s: policy '%s' appears twice: expected unique names",
                                  r->name, arr->kids[i]->line, arr->kids[i]->col, r->path.data,
                                  res->policies[i].name);
      pop(r, at2);
    }
    pop(r, at);
  }
  arr = get_container(r, root, "differences", J_ARR, 0);
  if (arr) {
    size_t at = push_key(r, "differences");
    res->differences = alloc_array(r, arr->n, sizeof *res->differences);
    for (size_t i = 0; res->differences && !r->status && i < arr->n; i++) {
      size_t at2 = push_index(r, i);
      res->n_differences = i + 1;
      read_difference(r, arr->kids[i], &res->differences[i]);
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
  jnode *root = NULL;
  jblock *arena = NULL;
  brink_result *res = NULL;
  reader r;
  memset(&r, 0, sizeof r);
  r.ctx = ctx;
  r.name = name ? name : "result";
  brink_buf_init(&r.path, ctx, 4096);
  *out = NULL;
  if (!text && len) {
    r.status = brink__fail(ctx, BRINK_EINVAL, "no text to parse");
    goto done;
  }
  r.status = parse_tree(ctx, text ? text : "", len, r.name, &root, &arena);
  if (r.status) goto done;
  if (root->kind != J_OBJ) {
    wrong(&r, root, "an object");
    goto done;
  }
  res = brink_calloc(ctx, 1, sizeof *res);
  if (!res) {
    r.status = BRINK_ENOMEM;
    goto done;
  }
  res->ctx = ctx;
  read_result(&r, root, res);

done:
  brink_buf_release(&r.path);
  jnode_free(ctx, root);
  arena_free(ctx, arena);
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
