/* SPDX-License-Identifier: MIT */
/* Scenario loading: reads the file and its includes (cycles and depth checked), merges the
 * including file over the included ones, applies --set overrides, then hands the one merged
 * tree to the validator (scenario.c). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dist.h"
#include "internal.h"
#include "scenario_internal.h"

typedef struct chain {
  const char *paths[BRINK_MAX_INCLUDE_DEPTH + 2]; /* normalised, outermost first */
  size_t n;
} chain;

/* ---- Files and paths -------------------------------------------------------------------- */

/* Reads a whole file, refusing more than SCN_MAX_FILE_BYTES. regular_only refuses anything
 * but a regular file (includes: a FIFO would block the load forever); it is opened without
 * blocking and checked with fstat, so nothing can be swapped in between. On failure *why
 * says why. */
static brink_status read_file(const char *path, int regular_only, brink_buf *out,
                              const char **why) {
  brink_status st = BRINK_OK;
  FILE *f = NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC | (regular_only ? O_NONBLOCK : 0));
  *why = NULL;
  if (fd < 0) {
    *why = errno == ENOENT ? "no such file" : errno == EACCES ? "permission denied" : "cannot open";
    st = BRINK_EIO;
    goto done;
  }
  struct stat sb;
  if (regular_only && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
    *why = S_ISDIR(sb.st_mode) ? "is a directory"
                               : "not a regular file (only regular files can be included)";
    close(fd);
    st = BRINK_EIO;
    goto done;
  }
  if (regular_only) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  f = fdopen(fd, "rb");
  if (!f) {
    close(fd);
    *why = "cannot open";
    st = BRINK_EIO;
    goto done;
  }
  char chunk[16384];
  for (;;) {
    size_t got = fread(chunk, 1, sizeof chunk, f);
    if (got) {
      if (out->len + got > SCN_MAX_FILE_BYTES) {
        *why = "file larger than 16 MiB: a scenario is a few tens of KiB";
        st = BRINK_ELIMIT;
        goto done;
      }
      st = brink_buf_append(out, chunk, got);
      if (st) goto done;
    }
    if (got < sizeof chunk) break;
  }
  if (ferror(f)) {
    *why = errno == EISDIR ? "is a directory" : "read error";
    st = BRINK_EIO;
  }
done:
  if (f) fclose(f);
  return st;
}

/* dir of path + rel (rel unchanged when absolute or when path has no directory). */
static brink_status join_path(const char *path, const char *rel, brink_buf *out) {
  const char *slash = strrchr(path, '/');
  brink_status st = BRINK_OK;
  if (rel[0] != '/' && slash) st = brink_buf_append(out, path, (size_t)(slash - path + 1));
  if (!st) st = brink_buf_puts(out, rel);
  return st;
}

/* Lexical normal form ("a/./b/../c" -> "a/c") so that a cycle is found whatever the
 * spelling; symbolic links are not followed (the depth limit stops those). */
static brink_status normalise_path(const char *path, brink_buf *out) {
  brink_status st = BRINK_OK;
  size_t kept[BRINK_MAX_INCLUDE_DEPTH * 8 + 64]; /* lengths of out before each segment */
  size_t n_kept = 0;
  if (path[0] == '/') st = brink_buf_putc(out, '/');
  const char *p = path;
  while (!st && *p) {
    while (*p == '/') p++;
    const char *end = strchr(p, '/');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == 0) break;
    if (len == 1 && p[0] == '.') {
      /* skip */
    } else if (len == 2 && p[0] == '.' && p[1] == '.' && n_kept > 0) {
      out->len = kept[--n_kept];
      out->data[out->len] = '\0';
    } else {
      size_t mark = out->len;
      if (out->len && out->data[out->len - 1] != '/') st = brink_buf_putc(out, '/');
      if (!st) st = brink_buf_append(out, p, len);
      if (!(len == 2 && p[0] == '.' && p[1] == '.') && n_kept < BRINK_ARRAY_LEN(kept))
        kept[n_kept++] = mark;
    }
    p += len;
  }
  return st;
}

/* ---- Merging ---------------------------------------------------------------------------- */

static ynode *map_value(const ynode *map, const char *key, size_t *index) {
  if (!map || map->kind != YNODE_MAP) return NULL;
  for (size_t i = 0; i + 1 < map->n; i += 2)
    if (strcmp(map->kids[i]->text, key) == 0) {
      if (index) *index = i;
      return map->kids[i + 1];
    }
  return NULL;
}

/* Identity of a list entry for merging: a ladder action by its name, a relation by its pair
 * (either order). */
static int same_entry(const ynode *a, const ynode *b, int relations) {
  if (!relations) {
    const ynode *na = map_value(a, "name", NULL), *nb = map_value(b, "name", NULL);
    return na && nb && na->kind == YNODE_SCALAR && nb->kind == YNODE_SCALAR &&
           strcmp(na->text, nb->text) == 0;
  }
  const ynode *pa = map_value(a, "between", NULL), *pb = map_value(b, "between", NULL);
  if (!pa || !pb || pa->kind != YNODE_SEQ || pb->kind != YNODE_SEQ || pa->n != 2 || pb->n != 2)
    return 0;
  const char *a0 = pa->kids[0]->text, *a1 = pa->kids[1]->text;
  const char *b0 = pb->kids[0]->text, *b1 = pb->kids[1]->text;
  return (!strcmp(a0, b0) && !strcmp(a1, b1)) || (!strcmp(a0, b1) && !strcmp(a1, b0));
}

static ynode *merge(scn_loader *L, ynode *base, ynode *over, const char *key);

static void merge_map(scn_loader *L, ynode *base, ynode *over) {
  for (size_t i = 0; i + 1 < over->n && !L->status; i += 2) {
    size_t j = 0;
    ynode *old = map_value(base, over->kids[i]->text, &j);
    if (old) {
      base->kids[j] = over->kids[i];
      base->kids[j + 1] = merge(L, old, over->kids[i + 1], over->kids[i]->text);
    } else if (brink__scn_node_push(L, base, over->kids[i]) ||
               brink__scn_node_push(L, base, over->kids[i + 1])) {
      return;
    }
  }
}

/* Merges over into base (maps key by key, ladders by action name, relations by pair; any
 * other value is replaced) and returns the result. */
static ynode *merge(scn_loader *L, ynode *base, ynode *over, const char *key) {
  if (base->kind == YNODE_MAP && over->kind == YNODE_MAP) {
    merge_map(L, base, over);
    return base;
  }
  int ladder = strcmp(key, "ladder") == 0, relations = strcmp(key, "relations") == 0;
  if (base->kind == YNODE_SEQ && over->kind == YNODE_SEQ && (ladder || relations)) {
    for (size_t i = 0; i < over->n && !L->status; i++) {
      ynode *entry = over->kids[i];
      size_t j = 0;
      while (j < base->n && !same_entry(base->kids[j], entry, relations)) j++;
      if (j < base->n && base->kids[j]->kind == YNODE_MAP && entry->kind == YNODE_MAP)
        merge_map(L, base->kids[j], entry);
      else if (brink__scn_node_push(L, base, entry))
        return base;
    }
    return base;
  }
  return over;
}

/* ---- Files and includes ----------------------------------------------------------------- */

static void describe_chain(const chain *ch, const char *last, char *dst, size_t size) {
  size_t used = 0;
  dst[0] = '\0';
  for (size_t i = 0; i <= ch->n && used < size; i++) {
    const char *p = i < ch->n ? ch->paths[i] : last;
    int w = snprintf(dst + used, size - used, "%s%s", i ? " -> " : "", p);
    if (w < 0) break;
    used += (size_t)w;
  }
}

static brink_status load_tree(scn_loader *L, const char *display, const char *text, size_t len,
                              int includes_allowed, chain *ch, ynode **out);

static ynode *load_include(scn_loader *L, const char *including, const ynode *item, chain *ch) {
  brink_buf joined, norm, text;
  ynode *tree = NULL;
  brink_buf_init(&joined, L->ctx, 0);
  brink_buf_init(&norm, L->ctx, 0);
  brink_buf_init(&text, L->ctx, SCN_MAX_FILE_BYTES + 1);
  const char *why = NULL;
  if (join_path(including, item->text, &joined) || normalise_path(joined.data, &norm)) {
    L->status = BRINK_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < ch->n; i++)
    if (strcmp(ch->paths[i], norm.data) == 0) {
      char desc[512];
      describe_chain(ch, norm.data, desc, sizeof desc);
      brink__scn_error(L, item->file, item->line, item->col,
                       "include cycle: %s; expected each file to be included at most once "
                       "along a chain",
                       desc);
      goto done;
    }
  if (ch->n > BRINK_MAX_INCLUDE_DEPTH) {
    brink__scn_error(L, item->file, item->line, item->col,
                     "includes nested deeper than %d levels at '%s'", BRINK_MAX_INCLUDE_DEPTH,
                     item->text);
    goto done;
  }
  brink_status st = read_file(joined.data, 1, &text, &why);
  if (st == BRINK_ENOMEM) {
    L->status = st;
    goto done;
  }
  if (st) {
    brink__scn_error(L, item->file, item->line, item->col,
                     "cannot read included file '%s' (%s): %s", item->text, joined.data,
                     why ? why : brink_status_str(st));
    goto done;
  }
  ch->paths[ch->n++] = norm.data;
  st = load_tree(L, joined.data, text.data, text.len, 1, ch, &tree);
  ch->n--;
  if (st) tree = NULL;
done:
  brink_buf_release(&text);
  brink_buf_release(&norm);
  brink_buf_release(&joined);
  return tree;
}

static brink_status load_tree(scn_loader *L, const char *display, const char *text, size_t len,
                              int includes_allowed, chain *ch, ynode **out) {
  ynode *root = NULL, *base = NULL;
  size_t errors_before = L->n_errors;
  *out = NULL;
  uint32_t file = brink__scn_add_file(L, display);
  if (file == UINT32_MAX) goto done;
  if (brink__scn_parse(L, text, len, file, &root) || L->status) goto done;
  if (!root || (root->kind == YNODE_SCALAR && !root->quoted && root->len == 0)) {
    brink__scn_error(L, file, 1, 1, "empty scenario file: expected a mapping with at least 'name'");
    goto done;
  }
  if (root->kind != YNODE_MAP) {
    brink__scn_error(L, file, root->line, root->col,
                     "%s at the top of the file: expected a mapping of scenario keys "
                     "(name, time, actors, ...)",
                     root->kind == YNODE_SEQ ? "a sequence" : "a single value");
    goto done;
  }
  size_t at = 0;
  const ynode *inc = map_value(root, "include", &at);
  if (inc) {
    const ynode *const *items = (const ynode *const *)&inc;
    size_t n_items = 1;
    if (inc->kind == YNODE_SEQ) {
      items = (const ynode *const *)inc->kids;
      n_items = inc->n;
    }
    for (size_t i = 0; i < n_items && !L->status; i++) {
      const ynode *item = items[i];
      if (item->kind != YNODE_SCALAR || item->len == 0) {
        brink__scn_error(L, item->file, item->line, item->col,
                         "'include' takes a file name or a list of file names, found %s",
                         item->kind == YNODE_MAP   ? "a mapping"
                         : item->kind == YNODE_SEQ ? "a sequence"
                                                   : "nothing");
        continue;
      }
      if (!includes_allowed) {
        brink__scn_error(L, item->file, item->line, item->col,
                         "include of '%s' in a scenario given as text: includes need a file "
                         "name to resolve against",
                         item->text);
        continue;
      }
      ynode *tree = load_include(L, display, item, ch);
      if (tree) base = base ? merge(L, base, tree, "") : tree;
    }
    /* The include key is done with: drop it from the tree. */
    memmove(&root->kids[at], &root->kids[at + 2], (root->n - at - 2) * sizeof *root->kids);
    root->n -= 2;
  }
  *out = base ? merge(L, base, root, "") : root;
done:
  if (L->status) return L->status;
  return L->n_errors != errors_before ? BRINK_EPARSE : BRINK_OK;
}

/* ---- --set PATH=VALUE ------------------------------------------------------------------- */

static void relocate(ynode *n, uint32_t file, uint32_t col) {
  n->file = file;
  n->line = 0;
  n->col = col;
  for (size_t i = 0; i < n->n; i++) relocate(n->kids[i], file, col);
}

/* The entry of a list addressed by one path component: ladder actions by name, relations by
 * "A-B" (either order), other lists by index from 0. */
static size_t find_entry(const ynode *seq, const char *list_key, const char *seg) {
  if (strcmp(list_key, "ladder") == 0) {
    for (size_t i = 0; i < seq->n; i++) {
      const ynode *name = map_value(seq->kids[i], "name", NULL);
      if (name && strcmp(name->text, seg) == 0) return i;
    }
    return SIZE_MAX;
  }
  if (strcmp(list_key, "relations") == 0) {
    const char *dash = strchr(seg, '-');
    if (!dash) return SIZE_MAX;
    size_t la = (size_t)(dash - seg);
    for (size_t i = 0; i < seq->n; i++) {
      const ynode *pair = map_value(seq->kids[i], "between", NULL);
      if (!pair || pair->kind != YNODE_SEQ || pair->n != 2) continue;
      const char *a = pair->kids[0]->text, *b = pair->kids[1]->text;
      if ((strlen(a) == la && !strncmp(a, seg, la) && !strcmp(b, dash + 1)) ||
          (strlen(b) == la && !strncmp(b, seg, la) && !strcmp(a, dash + 1)))
        return i;
    }
    return SIZE_MAX;
  }
  int64_t index = 0;
  if (brink_parse_i64(seg, strlen(seg), &index) || index < 0 || (uint64_t)index >= seq->n)
    return SIZE_MAX;
  return (size_t)index;
}

static void apply_set(scn_loader *L, ynode *root, const char *text, size_t number) {
  brink_buf label;
  brink_buf_init(&label, L->ctx, 0);
  uint32_t col = (uint32_t)number;
  if (brink_buf_printf(&label, "--set %s", text)) {
    L->status = BRINK_ENOMEM;
    goto done;
  }
  uint32_t file = brink__scn_add_file(L, label.data);
  if (file == UINT32_MAX) goto done;
  const char *eq = strchr(text, '=');
  if (!eq || eq == text) {
    brink__scn_error(L, file, 0, col, "expected PATH=VALUE, e.g. params.dprk_greed=0.9");
    goto done;
  }
  ynode *value = NULL;
  L->set_col = col;
  brink_status st = brink__scn_parse(L, eq + 1, strlen(eq + 1), file, &value);
  L->set_col = 0;
  if (st) goto done;
  if (!value) value = brink__scn_scalar_new(L, "", 0, 0, file, 0, col);
  if (!value) goto done;
  relocate(value, file, col);

  ynode *cur = root;
  const char *list_key = "";
  char seg[128], prev_seg[128];
  const char *p = text;
  for (;;) {
    const char *dot = memchr(p, '.', (size_t)(eq - p));
    const char *end = dot ? dot : eq;
    size_t len = (size_t)(end - p);
    int last = dot == NULL;
    if (len == 0 || len >= sizeof seg) {
      brink__scn_error(L, file, 0, col, "empty or overlong component in the path '%.*s'",
                       (int)(eq - text), text);
      goto done;
    }
    memcpy(seg, p, len);
    seg[len] = '\0';
    if (cur->kind == YNODE_MAP) {
      size_t at = 0;
      ynode *next = map_value(cur, seg, &at);
      if (!next && !strcmp(list_key, "params") && cur != root &&
          !(last && value->kind == YNODE_MAP)) {
        /* A typo here would otherwise add an unused parameter and run on the prior. A new
         * parameter can still be defined with a whole distribution ({dist: ...}). */
        const char *best = NULL;
        size_t best_d = 3;
        for (size_t k = 0; k + 1 < cur->n; k += 2) {
          size_t d = brink_edit_distance(seg, cur->kids[k]->text, 0);
          if (d < best_d) {
            best_d = d;
            best = cur->kids[k]->text;
          }
        }
        brink__scn_error(L, file, 0, col, "undefined parameter '%s' in '--set %.*s'%s%s%s", seg,
                         (int)(eq - text), text, best ? ": did you mean '" : "", best ? best : "",
                         best ? "'?" : " (the scenario defines no such $param)");
        goto done;
      }
      if (last) {
        ynode *key = brink__scn_scalar_new(L, seg, len, 0, file, 0, col);
        if (!key) goto done;
        if (next) {
          cur->kids[at] = key;
          cur->kids[at + 1] = value;
        } else if (brink__scn_node_push(L, cur, key) || brink__scn_node_push(L, cur, value)) {
          goto done;
        }
        goto done;
      }
      if (!next) {
        if (!strcmp(list_key, "actors") || !strcmp(list_key, "policies") ||
            !strcmp(list_key, "commitments")) {
          brink__scn_error(L, file, 0, col, "no entry '%s' in '%s' to set a key of", seg, list_key);
          goto done;
        }
        ynode *key = brink__scn_scalar_new(L, seg, len, 0, file, 0, col);
        next = brink__scn_node_new(L, YNODE_MAP, file, 0, col);
        if (!key || !next || brink__scn_node_push(L, cur, key) ||
            brink__scn_node_push(L, cur, next))
          goto done;
      }
      cur = next;
    } else if (cur->kind == YNODE_SEQ) {
      size_t at = find_entry(cur, list_key, seg);
      if (at == SIZE_MAX) {
        brink__scn_error(L, file, 0, col,
                         "no entry '%s' in the list '%s' (ladder actions are addressed by name, "
                         "relations by A-B, other lists by index from 0)",
                         seg, list_key);
        goto done;
      }
      if (last) {
        cur->kids[at] = value;
        goto done;
      }
      cur = cur->kids[at];
    } else {
      brink__scn_error(L, file, 0, col, "'%s' holds a single value: it has no key '%s'", list_key,
                       seg);
      goto done;
    }
    /* The component just passed names the container entered: lists are addressed by it. */
    memcpy(prev_seg, seg, len + 1);
    list_key = prev_seg;
    p = end + 1;
  }
done:
  brink_buf_release(&label);
}

/* ---- Entry points ----------------------------------------------------------------------- */

/* Every prior must be drawable across (0, 1): refused here, with its location, rather than
 * failing inside a run (a beta with a = 0.01 or a = b = 1e8 made GSL abort or never end). */
static void check_priors(scn_loader *L, const brink_scenario *sc) {
  for (size_t k = 0; k < sc->n_params && !L->status; k++) {
    const brink_param *p = &sc->params[k];
    if (!brink__dist_check(L->ctx, p)) continue;
    uint32_t file = brink__scn_add_file(L, p->loc.file ? p->loc.file : "");
    if (file == UINT32_MAX) return;
    brink__scn_error(L, file, p->loc.line, p->loc.col, "%s", brink_ctx_errmsg(L->ctx));
  }
}

static brink_status load_common(brink_ctx *ctx, const char *display, const char *text, size_t len,
                                int includes_allowed, const char *const *overrides,
                                size_t n_overrides, brink_diag_list *diags, brink_scenario **out) {
  scn_loader L;
  brink_buf norm;
  ynode *root = NULL;
  chain ch;
  memset(&L, 0, sizeof L);
  memset(&ch, 0, sizeof ch);
  L.ctx = ctx;
  L.diags = diags;
  brink_buf_init(&norm, ctx, 0);
  if (normalise_path(display, &norm)) {
    L.status = BRINK_ENOMEM;
    goto done;
  }
  ch.paths[ch.n++] = norm.data;
  if (len > SCN_MAX_FILE_BYTES) {
    uint32_t file = brink__scn_add_file(&L, display);
    if (file != UINT32_MAX)
      brink__scn_error(&L, file, 0, 0,
                       "scenario text larger than 16 MiB (%zu bytes): refused; a scenario is a "
                       "few tens of KiB",
                       len);
    goto done;
  }
  load_tree(&L, display, text, len, includes_allowed, &ch, &root);
  /* Validation runs unless a file was unreadable or not YAML (then it would only repeat the
   * consequences); an override that cannot be applied is reported and the rest validated. */
  int files_ok = L.n_errors == 0;
  for (size_t i = 0; i < n_overrides && root && !L.status; i++)
    apply_set(&L, root, overrides[i] ? overrides[i] : "", i + 1);
  if (root && !L.status && files_ok) brink__scn_convert(&L, root, out);
  if (*out && !L.status) check_priors(&L, *out);
done:
  brink_buf_release(&norm);
  brink__scn_arena_free(&L);
  for (size_t i = 0; i < L.n_files; i++) brink_free(ctx, L.files[i]);
  brink_free(ctx, L.files);
  if (L.status) {
    if (*out) {
      brink_scenario_free(*out);
      *out = NULL;
    }
    if (L.status == BRINK_ENOMEM && !brink_ctx_errmsg(ctx)[0])
      brink__fail(ctx, BRINK_ENOMEM, "out of memory");
    return L.status;
  }
  if (L.n_errors) {
    if (*out) {
      brink_scenario_free(*out);
      *out = NULL;
    }
    if (L.n_errors > 1)
      return brink__fail(ctx, BRINK_EPARSE, "%s (and %zu more errors)", L.first_error,
                         L.n_errors - 1);
    return brink__fail(ctx, BRINK_EPARSE, "%s", L.first_error);
  }
  return BRINK_OK;
}

brink_status brink_scenario_load_string(brink_ctx *ctx, const char *name, const char *text,
                                        size_t len, const char *const *overrides,
                                        size_t n_overrides, brink_diag_list *diags,
                                        brink_scenario **out) {
  *out = NULL;
  return load_common(ctx, name ? name : "<string>", text ? text : "", text ? len : 0, name != NULL,
                     overrides, n_overrides, diags, out);
}

brink_status brink_scenario_load(brink_ctx *ctx, const char *path, const char *const *overrides,
                                 size_t n_overrides, brink_diag_list *diags, brink_scenario **out) {
  brink_buf text;
  brink_status st;
  const char *why = NULL;
  *out = NULL;
  brink_buf_init(&text, ctx, SCN_MAX_FILE_BYTES + 1);
  st = read_file(path, 0, &text, &why);
  if (st == BRINK_ENOMEM) goto done;
  if (st) {
    st = st == BRINK_ELIMIT ? BRINK_ELIMIT : BRINK_EIO;
    if (diags) {
      scn_loader L;
      memset(&L, 0, sizeof L);
      L.ctx = ctx;
      L.diags = diags;
      uint32_t file = brink__scn_add_file(&L, path);
      if (file != UINT32_MAX) brink__scn_error(&L, file, 0, 0, "cannot read the scenario: %s", why);
      for (size_t i = 0; i < L.n_files; i++) brink_free(ctx, L.files[i]);
      brink_free(ctx, L.files);
      if (L.status) {
        st = L.status;
        goto done;
      }
    }
    st = brink__fail(ctx, st, "%s: cannot read the scenario: %s", path, why);
    goto done;
  }
  st = load_common(ctx, path, text.data, text.len, 1, overrides, n_overrides, diags, out);
done:
  brink_buf_release(&text);
  return st;
}
