/* SPDX-License-Identifier: MIT */
/* The JSON reader shared by the result reader (report_json.c) and the forecast reader
 * (history_score.c): libfyaml's event parser in JSON mode builds a small tree that keeps
 * line:column of every value, so that a wrong value is reported where it is. */
#include <libfyaml.h>
#include <string.h>

#include "json_internal.h"
#include "report_internal.h"

#define JSON_MAX_DEPTH 64

void brink__json_free(brink_ctx *ctx, jnode *n) {
  if (!n) return;
  for (size_t i = 0; i < n->n; i++) brink__json_free(ctx, n->kids[i]);
  brink_free(ctx, n->kids);
  brink_free(ctx, n->text);
  brink_free(ctx, n);
}

/* ---- Parsing into the tree ----------------------------------------------------------------- */

typedef struct builder {
  brink_ctx *ctx;
  const char *name;
  const char *what;
  jnode *stack[JSON_MAX_DEPTH + 1];
  size_t depth;
  jnode *root;
  brink_status status;
} builder;

static void no_output(struct fy_diag *diag, void *user, const char *buf, size_t len) {
  (void)diag;
  (void)user;
  (void)buf;
  (void)len;
}

static uint32_t to_u32(int v) { return v < 0 ? 0u : (uint32_t)v; }

static int attach(builder *b, jnode *node) {
  if (b->depth == 0) {
    if (b->root) {
      brink__json_free(b->ctx, node);
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
    brink__json_free(b->ctx, node);
    b->status = brink__fail(b->ctx, BRINK_EPARSE, "%s:%u:%u: expected a string as object key",
                            b->name, line, col);
    return -1;
  }
  if (parent->n == parent->cap) {
    size_t cap = parent->cap ? parent->cap * 2 : 8;
    jnode **kids = brink_realloc(b->ctx, parent->kids, cap * sizeof *kids);
    if (!kids) {
      brink__json_free(b->ctx, node);
      b->status = BRINK_ENOMEM;
      return -1;
    }
    parent->kids = kids;
    parent->cap = cap;
  }
  parent->kids[parent->n++] = node;
  return 0;
}

static int on_event(builder *b, struct fy_event *ev) {
  const struct fy_mark *m = fy_event_start_mark(ev);
  uint32_t line = m ? to_u32(m->line) + 1 : 0, col = m ? to_u32(m->column) + 1 : 0;
  jnode *node = NULL;
  switch (ev->type) {
  case FYET_MAPPING_START:
  case FYET_SEQUENCE_START:
    if (b->depth >= JSON_MAX_DEPTH) {
      b->status =
          brink__fail(b->ctx, BRINK_ELIMIT, "%s:%u:%u: nesting deeper than %d levels: expected %s",
                      b->name, line, col, JSON_MAX_DEPTH, b->what);
      return -1;
    }
    node = brink_calloc(b->ctx, 1, sizeof *node);
    if (!node) {
      b->status = BRINK_ENOMEM;
      return -1;
    }
    node->kind = ev->type == FYET_MAPPING_START ? J_OBJ : J_ARR;
    node->line = line;
    node->col = col;
    if (attach(b, node)) return -1;
    b->stack[b->depth++] = node;
    return 0;
  case FYET_MAPPING_END:
  case FYET_SEQUENCE_END:
    if (b->depth) b->depth--;
    return 0;
  case FYET_SCALAR: {
    size_t len = 0;
    const char *text = fy_token_get_text(ev->scalar.value, &len);
    node = brink_calloc(b->ctx, 1, sizeof *node);
    if (node) node->text = brink_strndup(b->ctx, text ? text : "", text ? len : 0);
    if (!node || !node->text) {
      brink__json_free(b->ctx, node);
      b->status = BRINK_ENOMEM;
      return -1;
    }
    node->len = text ? len : 0;
    node->kind = fy_token_scalar_style(ev->scalar.value) == FYSS_PLAIN ? J_PLAIN : J_STR;
    node->line = line;
    node->col = col > 1 && node->kind == J_STR ? col - 1 : col; /* libfyaml: after the quote */
    return attach(b, node);
  }
  case FYET_ALIAS:
    b->status = brink__fail(b->ctx, BRINK_EPARSE, "%s:%u:%u: a YAML alias: expected JSON", b->name,
                            line, col);
    return -1;
  default:
    return 0;
  }
}

void brink__json_locate(const char *text, size_t off, uint32_t *line, uint32_t *col) {
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

brink_status brink__json_precheck(brink_ctx *ctx, const char *text, size_t len, const char *name) {
  uint32_t line, col;
  if (len > JSON_MAX_BYTES)
    return brink__fail(ctx, BRINK_ELIMIT, "%s: %zu bytes: larger than the limit of %zu", name, len,
                       JSON_MAX_BYTES);
  /* Before any parser sees it: libfyaml can hang on invalid UTF-8 (see scenario_yaml.c), and
   * the token reader uses the text of strings as it is. */
  size_t bad = brink__utf8_check(text, len);
  if (bad < len) {
    brink__json_locate(text, bad, &line, &col);
    return brink__fail(ctx, BRINK_EPARSE, "%s:%u:%u: invalid UTF-8 (byte 0x%02x)", name, line, col,
                       (unsigned)(unsigned char)text[bad]);
  }
  /* A JSON object first, which also rules out YAML directives. */
  size_t first = 0;
  while (first < len &&
         (text[first] == ' ' || text[first] == '\t' || text[first] == '\n' || text[first] == '\r'))
    first++;
  if (first == len || text[first] != '{') {
    brink__json_locate(text, first, &line, &col);
    return brink__fail(ctx, BRINK_EPARSE, "%s:%u:%u: %s: expected a JSON object ('{')", name, line,
                       col, first == len ? "empty input" : "not JSON");
  }
  return BRINK_OK;
}

brink_status brink__json_parse(brink_ctx *ctx, const char *text, size_t len, const char *name,
                               const char *what, jnode **out) {
  struct fy_diag *diag = NULL;
  struct fy_parser *parser = NULL;
  builder b;
  memset(&b, 0, sizeof b);
  b.ctx = ctx;
  b.name = name;
  b.what = what;
  *out = NULL;
  if ((b.status = brink__json_precheck(ctx, text, len, name))) goto done;

  struct fy_diag_cfg dcfg;
  fy_diag_cfg_default(&dcfg);
  dcfg.fp = NULL;
  dcfg.output_fn = no_output;
  dcfg.colorize = false;
  diag = fy_diag_create(&dcfg);
  if (!diag) {
    b.status = brink__fail(ctx, BRINK_ENOMEM, "out of memory (JSON diagnostics)");
    goto done;
  }
  fy_diag_set_collect_errors(diag, true);
  struct fy_parse_cfg pcfg;
  memset(&pcfg, 0, sizeof pcfg);
  pcfg.flags = FYPCF_QUIET | FYPCF_JSON_FORCE;
  pcfg.diag = diag;
  parser = fy_parser_create(&pcfg);
  if (!parser || fy_parser_set_string(parser, text, len)) {
    b.status = brink__fail(ctx, BRINK_ENOMEM, "out of memory (JSON parser)");
    goto done;
  }
  struct fy_event *ev;
  while (!b.status && (ev = fy_parser_parse(parser)) != NULL) {
    on_event(&b, ev);
    fy_parser_event_free(parser, ev);
  }
  if (!b.status && fy_parser_get_stream_error(parser)) {
    void *iter = NULL;
    struct fy_diag_error *de;
    while (!b.status && (de = fy_diag_errors_iterate(diag, &iter)) != NULL) {
      if (de->type < FYET_ERROR) continue;
      b.status = brink__fail(ctx, BRINK_EPARSE, "%s:%d:%d: invalid JSON: %s", name, de->line,
                             de->column, de->msg ? de->msg : "syntax error");
    }
    if (!b.status) b.status = brink__fail(ctx, BRINK_EPARSE, "%s: invalid JSON", name);
  }
  if (!b.status && !b.root)
    b.status = brink__fail(ctx, BRINK_EPARSE, "%s:1:1: no JSON value", name);

done:
  if (parser) fy_parser_destroy(parser);
  if (diag) fy_diag_destroy(diag);
  if (b.status) {
    brink__json_free(ctx, b.root);
    return b.status;
  }
  *out = b.root;
  return BRINK_OK;
}

const char *brink__json_kind_word(const jnode *n) {
  if (n->kind == J_OBJ) return "an object";
  if (n->kind == J_ARR) return "an array";
  if (n->kind == J_STR) return "a string";
  if (!strcmp(n->text, "null")) return "null";
  if (!strcmp(n->text, "true") || !strcmp(n->text, "false")) return "a boolean";
  return "a number";
}

const jnode *brink__json_lookup(const jnode *obj, const char *key) {
  for (size_t i = 0; i + 1 < obj->n; i += 2)
    if (!strcmp(obj->kids[i]->text, key)) return obj->kids[i + 1];
  return NULL;
}

int brink__json_is_null(const jnode *n) { return n->kind == J_PLAIN && !strcmp(n->text, "null"); }
