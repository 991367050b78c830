/* SPDX-License-Identifier: MIT */
/* The scenario loader's YAML layer: libfyaml's event parser turned into a small tree kept in
 * an arena, with limits (depth, node count, aliases expanded) checked before and while
 * libfyaml reads, so that hostile input costs bounded memory and time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfyaml.h>

#include "internal.h"
#include "scenario_internal.h"

struct yblock {
  yblock *next;
  size_t used, size;
  max_align_t data[]; /* flexible array, aligned for any node */
};

#define BLOCK_BYTES ((size_t)64 << 10)

void *brink__scn_alloc(scn_loader *L, size_t n) {
  void *p = NULL;
  if (L->status) goto done;
  n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
  if (!L->blocks || L->blocks->size - L->blocks->used < n) {
    size_t size = n > BLOCK_BYTES ? n : BLOCK_BYTES;
    if (L->arena_bytes + size > SCN_MAX_ARENA_BYTES) {
      L->status =
          brink__fail(L->ctx, BRINK_ELIMIT, "scenario needs more than %zu MiB of memory: refused",
                      SCN_MAX_ARENA_BYTES >> 20);
      goto done;
    }
    yblock *b = brink_malloc(L->ctx, sizeof *b + size);
    if (!b) {
      L->status = BRINK_ENOMEM;
      goto done;
    }
    b->next = L->blocks;
    b->used = 0;
    b->size = size;
    L->blocks = b;
    L->arena_bytes += size;
  }
  p = (char *)L->blocks->data + L->blocks->used;
  L->blocks->used += n;
  memset(p, 0, n);
done:
  return p;
}

void brink__scn_arena_free(scn_loader *L) {
  yblock *b = L->blocks;
  while (b) {
    yblock *next = b->next;
    brink_free(L->ctx, b);
    b = next;
  }
  L->blocks = NULL;
  L->arena_bytes = 0;
}

ynode *brink__scn_node_new(scn_loader *L, ynode_kind kind, uint32_t file, uint32_t line,
                           uint32_t col) {
  ynode *n = NULL;
  if (L->nodes >= SCN_MAX_NODES) {
    if (!L->status)
      brink__scn_error(L, file, line, col,
                       "more than %d YAML nodes (aliases expanded): too large, or an alias "
                       "bomb; expected a scenario of reasonable size",
                       SCN_MAX_NODES);
    return NULL;
  }
  n = brink__scn_alloc(L, sizeof *n);
  if (!n) return NULL;
  L->nodes++;
  n->kind = kind;
  n->file = file;
  n->line = line;
  n->col = col;
  n->text = "";
  return n;
}

int brink__scn_node_push(scn_loader *L, ynode *parent, ynode *kid) {
  if (parent->n == parent->cap) {
    size_t cap = parent->cap ? parent->cap * 2 : 8;
    ynode **kids = brink__scn_alloc(L, cap * sizeof *kids);
    if (!kids) return -1;
    if (parent->n) memcpy(kids, parent->kids, parent->n * sizeof *kids);
    parent->kids = kids;
    parent->cap = cap;
  }
  parent->kids[parent->n++] = kid;
  return 0;
}

ynode *brink__scn_scalar_new(scn_loader *L, const char *text, size_t len, int quoted, uint32_t file,
                             uint32_t line, uint32_t col) {
  ynode *n = brink__scn_node_new(L, YNODE_SCALAR, file, line, col);
  if (!n) return NULL;
  char *t = brink__scn_alloc(L, len + 1);
  if (!t) return NULL;
  if (len) memcpy(t, text, len);
  t[len] = '\0';
  n->text = t;
  n->len = len;
  n->quoted = quoted;
  return n;
}

ynode *brink__scn_node_copy(scn_loader *L, const ynode *src) {
  ynode *n = brink__scn_node_new(L, src->kind, src->file, src->line, src->col);
  if (!n) return NULL;
  n->quoted = src->quoted;
  n->text = src->text; /* scalar text is immutable: shared */
  n->len = src->len;
  for (size_t i = 0; i < src->n; i++) {
    ynode *kid = brink__scn_node_copy(L, src->kids[i]);
    if (!kid || brink__scn_node_push(L, n, kid)) return NULL;
  }
  return n;
}

uint32_t brink__scn_add_file(scn_loader *L, const char *name) {
  for (size_t i = 0; i < L->n_files; i++)
    if (strcmp(L->files[i], name) == 0) return (uint32_t)i;
  if (L->n_files == L->cap_files) {
    size_t cap = L->cap_files ? L->cap_files * 2 : 4;
    char **files = brink_realloc(L->ctx, L->files, cap * sizeof *files);
    if (!files) {
      L->status = BRINK_ENOMEM;
      return UINT32_MAX;
    }
    L->files = files;
    L->cap_files = cap;
  }
  char *copy = brink_strdup(L->ctx, name);
  if (!copy) {
    L->status = BRINK_ENOMEM;
    return UINT32_MAX;
  }
  L->files[L->n_files] = copy;
  return (uint32_t)L->n_files++;
}

void brink__scn_verror(scn_loader *L, uint32_t file, uint32_t line, uint32_t col, const char *fmt,
                       va_list ap) {
  char msg[640];
  if (L->set_col) {
    line = 0; /* inside a --set value: the override is the location */
    col = L->set_col;
  }
  vsnprintf(msg, sizeof msg, fmt, ap);
  const char *fname = file < L->n_files ? L->files[file] : "";
  L->n_errors++;
  if (L->n_errors == 1) {
    if (line)
      snprintf(L->first_error, sizeof L->first_error, "%s:%u:%u: %s", fname, line, col, msg);
    else
      snprintf(L->first_error, sizeof L->first_error, "%s: %s", fname, msg);
  }
  brink_diag_list *list = L->diags;
  if (!list || L->status) return;
  if (list->n >= SCN_MAX_DIAGS) return;
  if (list->n == list->cap) {
    size_t cap = list->cap ? list->cap * 2 : 16;
    brink_diag *items = brink_realloc(list->ctx, list->items, cap * sizeof *items);
    if (!items) {
      L->status = BRINK_ENOMEM;
      return;
    }
    list->items = items;
    list->cap = cap;
  }
  brink_diag *d = &list->items[list->n];
  d->file = brink_strdup(list->ctx, fname);
  d->message = brink_strdup(list->ctx, msg);
  d->line = line;
  d->col = col;
  if (!d->file || !d->message) {
    brink_free(list->ctx, d->file);
    brink_free(list->ctx, d->message);
    L->status = BRINK_ENOMEM;
    return;
  }
  list->n++;
}

void brink__scn_error(scn_loader *L, uint32_t file, uint32_t line, uint32_t col, const char *fmt,
                      ...) {
  va_list ap;
  va_start(ap, fmt);
  brink__scn_verror(L, file, line, col, fmt, ap);
  va_end(ap);
}

/* ---- Checks before libfyaml sees the text ----------------------------------------------- */

/* Length of the UTF-8 sequence starting at s (at most n bytes), or 0 if it is invalid
 * (overlong forms, surrogates and code points above U+10FFFF included). */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t len;
  unsigned min;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (n < len) return 0;
  unsigned cp = c & (0x7Fu >> len);
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

/* Rejects NUL bytes, invalid UTF-8, and flow nesting (`[[[[...`) deeper than SCN_MAX_DEPTH:
 * libfyaml scans a flow collection to its end before it yields the first event (a simple key
 * may follow it), which for 1 MB of '[' costs a third of a gigabyte. The bracket count skips
 * comments and quoted scalars; brackets inside block scalars are counted too, which can only
 * refuse text with dozens of unmatched brackets. */
static int prescan(scn_loader *L, const char *text, size_t len, uint32_t file) {
  const unsigned char *s = (const unsigned char *)text;
  uint32_t line = 1, col = 1;
  size_t depth = 0;
  unsigned char prev = '\n';
  size_t i = 0;
  while (i < len) {
    unsigned char c = s[i];
    if (c == '\0') {
      brink__scn_error(L, file, line, col,
                       "NUL byte in the file: expected YAML text (is this a binary file?)");
      return -1;
    }
    size_t k = utf8_len(s + i, len - i);
    if (!k) {
      brink__scn_error(L, file, line, col,
                       "invalid UTF-8 (byte 0x%02x): expected UTF-8 encoded text", c);
      return -1;
    }
    if (k > 1) {
      i += k;
      col++;
      prev = 'a';
      continue;
    }
    int token_start = prev == ' ' || prev == '\t' || prev == '\n' || prev == '\r' || prev == '[' ||
                      prev == '{' || prev == ',' || prev == ':' || prev == '-' || prev == '?';
    if (c == '#' && (prev == ' ' || prev == '\t' || prev == '\n' || prev == '\r')) {
      /* Comment bytes are checked too: libfyaml 0.7.12 loops forever on invalid UTF-8 after
       * a directive ("%#x #\xe5"), so it must never see any. */
      while (i < len && s[i] != '\n' && s[i] != '\0') {
        size_t step = utf8_len(s + i, len - i);
        if (!step) break; /* reported on the next turn */
        i += step;
        col++;
      }
      prev = ' ';
      continue;
    }
    if ((c == '"' || c == '\'') && token_start) {
      /* Skip the quoted scalar, keeping line and column right for later messages. */
      unsigned char q = c;
      i++;
      col++;
      while (i < len) {
        unsigned char d = s[i];
        if (d == '\0' || !utf8_len(s + i, len - i)) break; /* reported on the next turn */
        if (q == '"' && d == '\\' && i + 1 < len && s[i + 1] != '\n') {
          /* The escaped character is checked like any other: a NUL or invalid UTF-8 after a
           * backslash at the end of an unclosed string once reached libfyaml, which then
           * looped forever in its directive scanner (found by fuzz_scenario). */
          size_t k2 = s[i + 1] ? utf8_len(s + i + 1, len - i - 1) : 0;
          if (!k2) break; /* reported on the next turn */
          i += 1 + k2;
          col += 2;
          continue;
        }
        if (d == q) {
          if (q == '\'' && i + 1 < len && s[i + 1] == '\'') {
            i += 2;
            col += 2;
            continue;
          }
          break;
        }
        if (d == '\n') {
          line++;
          col = 1;
          i++;
          continue;
        }
        i += utf8_len(s + i, len - i);
        col++;
      }
      if (i < len && s[i] == q) {
        i++;
        col++;
      }
      prev = 'a';
      continue;
    }
    if (c == '[' || c == '{') {
      if (++depth > SCN_MAX_DEPTH) {
        brink__scn_error(L, file, line, col,
                         "nesting deeper than %d levels: expected a scenario, not a stress test",
                         SCN_MAX_DEPTH);
        return -1;
      }
    } else if ((c == ']' || c == '}') && depth) {
      depth--;
    }
    if (c == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
    prev = c;
    i++;
  }
  return 0;
}

/* ---- The event parser ------------------------------------------------------------------- */

typedef struct anchor {
  const char *name;
  size_t len;
  const ynode *node;
} anchor;

typedef struct builder {
  scn_loader *L;
  uint32_t file;
  ynode *stack[SCN_MAX_DEPTH + 1];
  size_t depth;
  ynode *root;
  anchor *anchors;
  size_t n_anchors, cap_anchors;
  int failed;
} builder;

static void no_output(struct fy_diag *diag, void *user, const char *buf, size_t len) {
  (void)diag;
  (void)user;
  (void)buf;
  (void)len;
}

static uint32_t to_u32(int v) { return v < 0 ? 0u : (uint32_t)v; }

static const char *kind_word(ynode_kind k) {
  return k == YNODE_MAP ? "a mapping" : k == YNODE_SEQ ? "a sequence" : "a scalar";
}

static int add_anchor(builder *b, struct fy_token *tok, const ynode *node) {
  if (!tok) return 0;
  size_t len = 0;
  const char *name = fy_token_get_text(tok, &len);
  if (!name) return 0;
  if (b->n_anchors == b->cap_anchors) {
    size_t cap = b->cap_anchors ? b->cap_anchors * 2 : 8;
    anchor *a = brink__scn_alloc(b->L, cap * sizeof *a);
    if (!a) return -1;
    if (b->n_anchors) memcpy(a, b->anchors, b->n_anchors * sizeof *a);
    b->anchors = a;
    b->cap_anchors = cap;
  }
  char *copy = brink__scn_alloc(b->L, len + 1);
  if (!copy) return -1;
  memcpy(copy, name, len);
  b->anchors[b->n_anchors++] = (anchor){copy, len, node};
  return 0;
}

/* Puts a finished or opened node under the current parent. */
static int attach(builder *b, ynode *node) {
  if (b->depth == 0) {
    b->root = node;
    return 0;
  }
  ynode *parent = b->stack[b->depth - 1];
  if (parent->kind == YNODE_MAP && parent->n % 2 == 0) {
    if (node->kind != YNODE_SCALAR) {
      brink__scn_error(b->L, b->file, node->line, node->col,
                       "%s used as a mapping key: expected a plain name", kind_word(node->kind));
      b->failed = 1;
      return -1;
    }
  }
  return brink__scn_node_push(b->L, parent, node);
}

typedef struct key_ref {
  const ynode *key;
  size_t index;
} key_ref;

static int compare_keys(const void *pa, const void *pb) {
  const key_ref *a = pa, *b = pb;
  size_t n = a->key->len < b->key->len ? a->key->len : b->key->len;
  int c = memcmp(a->key->text, b->key->text, n);
  if (c) return c;
  if (a->key->len != b->key->len) return a->key->len < b->key->len ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* Reports every key of a finished mapping that repeats an earlier one. Sorting makes this
 * O(n log n): comparing each key with all earlier ones took 66 s for 99,990 keys. */
static int check_duplicate_keys(builder *b, const ynode *map) {
  size_t n = map->n / 2;
  if (n < 2) return 0;
  key_ref *refs = brink_malloc(b->L->ctx, n * sizeof *refs);
  if (!refs) {
    b->L->status = BRINK_ENOMEM;
    return -1;
  }
  for (size_t i = 0; i < n; i++) refs[i] = (key_ref){map->kids[2 * i], i};
  qsort(refs, n, sizeof *refs, compare_keys);
  for (size_t i = 1, first = 0; i < n; i++) {
    const ynode *k = refs[i].key, *f = refs[first].key;
    if (k->len == f->len && memcmp(k->text, f->text, k->len) == 0)
      brink__scn_error(b->L, b->file, k->line, k->col,
                       "duplicate key '%s' (first at line %u, column %u): expected each key "
                       "once",
                       k->text, f->line, f->col); /* the first one wins; the error fails the load */
    else
      first = i;
  }
  brink_free(b->L->ctx, refs);
  return 0;
}

/* Nodes in the subtree, counting no further than limit + 1. */
static size_t count_nodes(const ynode *n, size_t limit) {
  size_t count = 1;
  for (size_t i = 0; i < n->n && count <= limit; i++)
    count += count_nodes(n->kids[i], limit - count);
  return count;
}

static int on_event(builder *b, struct fy_event *ev) {
  scn_loader *L = b->L;
  const struct fy_mark *m = fy_event_start_mark(ev);
  uint32_t line = m ? to_u32(m->line) + 1 : 0, col = m ? to_u32(m->column) + 1 : 0;
  ynode *node = NULL;
  switch (ev->type) {
  case FYET_DOCUMENT_START:
    if (b->root) {
      brink__scn_error(L, b->file, line, col,
                       "a second YAML document ('---'): expected one document per file");
      b->failed = 1;
      return -1;
    }
    return 0;
  case FYET_MAPPING_START:
  case FYET_SEQUENCE_START: {
    int is_map = ev->type == FYET_MAPPING_START;
    if (b->depth >= SCN_MAX_DEPTH) {
      brink__scn_error(L, b->file, line, col,
                       "nesting deeper than %d levels: expected a scenario, not a stress test",
                       SCN_MAX_DEPTH);
      b->failed = 1;
      return -1;
    }
    node = brink__scn_node_new(L, is_map ? YNODE_MAP : YNODE_SEQ, b->file, line, col);
    if (!node) return -1;
    struct fy_token *anc = is_map ? ev->mapping_start.anchor : ev->sequence_start.anchor;
    if (add_anchor(b, anc, node) || attach(b, node)) return -1;
    b->stack[b->depth++] = node;
    return 0;
  }
  case FYET_MAPPING_END:
  case FYET_SEQUENCE_END:
    if (!b->depth) return 0;
    b->depth--;
    if (b->stack[b->depth]->kind == YNODE_MAP) return check_duplicate_keys(b, b->stack[b->depth]);
    return 0;
  case FYET_SCALAR: {
    size_t len = 0;
    const char *text = fy_token_get_text(ev->scalar.value, &len);
    if (!text) {
      text = "";
      len = 0;
    }
    if (memchr(text, '\0', len)) {
      /* A "\0" or "\x00" escape: C strings would silently end there (an include path, a
       * CAMEO code, a name cut short). */
      brink__scn_error(L, b->file, line, col,
                       "NUL byte in a string (an escape like \\0 or \\x00): expected text "
                       "without NUL");
      b->failed = 1;
      return -1;
    }
    int quoted = fy_token_scalar_style(ev->scalar.value) != FYSS_PLAIN;
    node = brink__scn_scalar_new(L, text, len, quoted, b->file, line, col);
    if (!node || add_anchor(b, ev->scalar.anchor, node) || attach(b, node)) return -1;
    return 0;
  }
  case FYET_ALIAS: {
    size_t len = 0;
    if (col > 1) col--; /* libfyaml's mark is after the '*' */
    const char *name = fy_token_get_text(ev->alias.anchor, &len);
    const ynode *target = NULL;
    for (size_t i = b->n_anchors; name && i-- > 0;)
      if (b->anchors[i].len == len && memcmp(b->anchors[i].name, name, len) == 0) {
        target = b->anchors[i].node;
        break;
      }
    if (!target) {
      brink__scn_error(L, b->file, line, col, "alias '*%.*s' to an undefined anchor",
                       (int)(name ? len : 0), name ? name : "");
      b->failed = 1;
      return -1;
    }
    /* Counted before copying, so that an alias bomb is reported where the alias is. */
    size_t room = L->nodes < SCN_MAX_NODES ? SCN_MAX_NODES - L->nodes : 0;
    if (count_nodes(target, room) > room) {
      brink__scn_error(L, b->file, line, col,
                       "more than %d YAML nodes with alias '*%.*s' expanded: too large, or an "
                       "alias bomb; expected a scenario of reasonable size",
                       SCN_MAX_NODES, (int)len, name);
      b->failed = 1;
      return -1;
    }
    node = brink__scn_node_copy(L, target);
    if (!node) {
      b->failed = 1;
      return -1;
    }
    node->line = line; /* messages point at the alias, where the value is used */
    node->col = col;
    node->file = b->file;
    return attach(b, node);
  }
  default:
    return 0;
  }
}

brink_status brink__scn_parse(scn_loader *L, const char *text, size_t len, uint32_t file,
                              ynode **out) {
  struct fy_diag *diag = NULL;
  struct fy_parser *parser = NULL;
  builder b;
  memset(&b, 0, sizeof b);
  b.L = L;
  b.file = file;
  *out = NULL;
  size_t errors_before = L->n_errors;
  if (L->status) goto done;
  if (prescan(L, text, len, file)) goto done;

  struct fy_diag_cfg dcfg;
  fy_diag_cfg_default(&dcfg);
  dcfg.fp = NULL;
  dcfg.output_fn = no_output;
  dcfg.colorize = false;
  diag = fy_diag_create(&dcfg);
  if (!diag) {
    L->status = brink__fail(L->ctx, BRINK_ENOMEM, "out of memory (YAML diagnostics)");
    goto done;
  }
  fy_diag_set_collect_errors(diag, true);
  struct fy_parse_cfg pcfg;
  memset(&pcfg, 0, sizeof pcfg);
  pcfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2;
  pcfg.diag = diag;
  parser = fy_parser_create(&pcfg);
  if (!parser || fy_parser_set_string(parser, len ? text : "", len)) {
    L->status = brink__fail(L->ctx, BRINK_ENOMEM, "out of memory (YAML parser)");
    goto done;
  }
  struct fy_event *ev;
  while (!b.failed && !L->status && (ev = fy_parser_parse(parser)) != NULL) {
    int rc = on_event(&b, ev);
    fy_parser_event_free(parser, ev);
    if (rc) b.failed = 1;
  }
  if (!L->status && fy_parser_get_stream_error(parser)) {
    int reported = 0;
    void *iter = NULL;
    struct fy_diag_error *de;
    while ((de = fy_diag_errors_iterate(diag, &iter)) != NULL) {
      if (de->type < FYET_ERROR) continue;
      brink__scn_error(L, file, to_u32(de->line), to_u32(de->column), "invalid YAML: %s",
                       de->msg ? de->msg : "syntax error");
      reported = 1;
    }
    if (!reported) brink__scn_error(L, file, 1, 1, "invalid YAML");
  }

done:
  if (parser) fy_parser_destroy(parser);
  if (diag) fy_diag_destroy(diag);
  if (L->status) return L->status;
  if (L->n_errors != errors_before) return BRINK_EPARSE;
  *out = b.root;
  return BRINK_OK;
}
