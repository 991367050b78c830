/* SPDX-License-Identifier: MIT */
/* Scenario validation: walks the merged YAML tree once, checks every key, type, range and
 * reference against the tables of scenario.h, collects every problem with its file:line:col,
 * and fills brink_scenario. Also the scenario's lookups, free and the diagnostics list. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "brink/cameo.h"
#include "internal.h"
#include "scenario_internal.h"

typedef struct conv {
  scn_loader *L;
  brink_scenario *sc;
} conv;

static const char *const top_keys[] = {
    "brink", "name",   "description", "sources",     "include",  "time",   "params",
    "model", "actors", "relations",   "commitments", "policies", "outputs"};
static const char *const time_keys[] = {"step", "horizon", "start"};
static const char *const actor_keys[] = {"label",  "driver", "adversaries",
                                         "allies", "types",  "ladder"};
static const char *const type_names[] = {"security", "greedy"};
static const char *const action_keys[] = {
    "name", "label", "kind", "cameo", "min_track", "sets_track", "commits", "breaches", "targets"};
static const char *const relation_keys[] = {"between"};
static const char *const commitment_keys[] = {"holder"};
static const char *const policy_keys[] = {"builtin", "description", "actors", "params", "rules"};
static const char *const rule_keys[] = {"if", "do", "by", "action", "actors"};
#define NAME_OF(e, name, ...) name,
static const char *const output_names[] = {BRINK_OUTPUTS(NAME_OF)};
static const char *const condition_names[] = {BRINK_RULE_CONDITIONS(NAME_OF)};
static const char *const verb_names[] = {BRINK_RULE_VERBS(NAME_OF)};
static const char *const builtin_names[] = {BRINK_BUILTIN_POLICIES(NAME_OF)};
#undef NAME_OF
#define COND_RANGE(e, name, lo, hi, doc) {lo, hi},
static const double condition_ranges[][2] = {BRINK_RULE_CONDITIONS(COND_RANGE)};
#undef COND_RANGE

/* ---- Small helpers ---------------------------------------------------------------------- */

static void err(conv *c, const ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void err(conv *c, const ynode *at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  brink__scn_verror(c->L, at->file, at->line, at->col, fmt, ap);
  va_end(ap);
}

static int is_null(const ynode *n) {
  return n->kind == YNODE_SCALAR && !n->quoted &&
         (n->len == 0 || !strcmp(n->text, "~") || !strcmp(n->text, "null") ||
          !strcmp(n->text, "Null") || !strcmp(n->text, "NULL"));
}

/* What a node is, for "found ..." in messages. */
static const char *describe(const ynode *n, char *buf, size_t size) {
  if (n->kind == YNODE_MAP) return "a mapping";
  if (n->kind == YNODE_SEQ) return "a sequence";
  if (is_null(n)) return "nothing (null)";
  snprintf(buf, size, n->quoted ? "the string \"%.48s%s\"" : "'%.48s%s'", n->text,
           n->len > 48 ? "..." : "");
  return buf;
}

static const ynode *get(const ynode *map, const char *key) {
  if (!map || map->kind != YNODE_MAP) return NULL;
  for (size_t i = 0; i + 1 < map->n; i += 2)
    if (strcmp(map->kids[i]->text, key) == 0) return map->kids[i + 1];
  return NULL;
}

static int lookup(const char *const *names, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(names[i], s) == 0) return (int)i;
  return -1;
}

static void join(char *dst, size_t size, const char *const *names, size_t n, size_t skip) {
  size_t used = 0;
  dst[0] = '\0';
  for (size_t i = skip; i < n && used + 1 < size; i++) {
    int w = snprintf(dst + used, size - used, "%s%s", used ? ", " : "", names[i]);
    if (w < 0) break;
    used += (size_t)w;
  }
}

/* " (did you mean 'x'?)" when one name is close to s, else "". */
static void suggest(char *dst, size_t size, const char *s, const char *const *names, size_t n,
                    const brink_key_spec *keys, size_t n_keys) {
  const char *best = NULL;
  size_t best_d = 3;
  for (size_t i = 0; i < n + n_keys; i++) {
    const char *cand = i < n ? names[i] : keys[i - n].name;
    size_t d = brink_edit_distance(s, cand, 0);
    if (d < best_d) {
      best_d = d;
      best = cand;
    }
  }
  if (best)
    snprintf(dst, size, "did you mean '%s'? ", best);
  else
    dst[0] = '\0';
}

/* A name from a closed list (driver, kind, track...): its index, or -1 after an error. */
static int enum_value(conv *c, const ynode *n, const char *what, const char *const *names,
                      size_t count, size_t skip) {
  char buf[96], list[512], hint[96];
  join(list, sizeof list, names, count, skip);
  if (n->kind != YNODE_SCALAR || is_null(n)) {
    err(c, n, "expected %s (one of: %s), found %s", what, list, describe(n, buf, sizeof buf));
    return -1;
  }
  int i = lookup(names, count, n->text);
  if (i < (int)skip) {
    suggest(hint, sizeof hint, n->text, names + skip, count - skip, NULL, 0);
    err(c, n, "unknown %s '%s' (%sexpected one of: %s)", what, n->text, hint, list);
    return -1;
  }
  return i;
}

/* Every key of map must be in names or in the key table of section (< 0: none). */
static void check_keys(conv *c, const ynode *map, const char *where, const char *const *names,
                       size_t n, int section) {
  size_t n_keys = 0;
  const brink_key_spec *keys =
      section >= 0 ? brink_scenario_keys((brink_key_section)section, &n_keys) : NULL;
  for (size_t i = 0; i + 1 < map->n; i += 2) {
    const ynode *key = map->kids[i];
    if (lookup(names, n, key->text) >= 0) continue;
    int found = 0;
    for (size_t k = 0; k < n_keys && !found; k++) found = !strcmp(keys[k].name, key->text);
    if (found) continue;
    char list[1024], hint[96];
    size_t used = 0;
    list[0] = '\0';
    for (size_t k = 0; k < n + n_keys && used + 1 < sizeof list; k++) {
      int w = snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "",
                       k < n ? names[k] : keys[k - n].name);
      if (w < 0) break;
      used += (size_t)w;
    }
    suggest(hint, sizeof hint, key->text, names, n, keys, n_keys);
    err(c, key, "unknown key '%s' in %s (%sexpected one of: %s)", key->text, where, hint, list);
  }
}

static int want_map(conv *c, const ynode *n, const char *what) {
  char buf[96];
  if (n->kind == YNODE_MAP) return 1;
  err(c, n, "expected a mapping for %s, found %s", what, describe(n, buf, sizeof buf));
  return 0;
}

static int want_seq(conv *c, const ynode *n, const char *what) {
  char buf[96];
  if (n->kind == YNODE_SEQ) return 1;
  err(c, n, "expected a list for %s, found %s", what, describe(n, buf, sizeof buf));
  return 0;
}

/* [A-Za-z0-9_]+, at most 64 characters. */
static int check_name(conv *c, const ynode *n, const char *what) {
  char buf[96];
  int ok = n->kind == YNODE_SCALAR && n->len > 0 && n->len <= 64;
  for (size_t i = 0; ok && i < n->len; i++) {
    char ch = n->text[i];
    ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_';
  }
  if (!ok)
    err(c, n, "invalid %s name %s: expected letters, digits and '_' (at most 64)", what,
        describe(n, buf, sizeof buf));
  return ok;
}

static void loc(brink_srcloc *l, conv *c, const ynode *n) {
  l->file = n->file < c->L->n_files ? c->L->files[n->file] : "";
  l->line = n->line;
  l->col = n->col;
}

static char *dup_text(conv *c, const char *s) {
  char *d = brink_strdup(c->L->ctx, s);
  if (!d) c->L->status = BRINK_ENOMEM;
  return d;
}

/* A text value (label, description...): any scalar. */
static char *text_value(conv *c, const ynode *n, const char *what) {
  char buf[96];
  if (n->kind != YNODE_SCALAR || is_null(n)) {
    err(c, n, "expected text for %s, found %s", what, describe(n, buf, sizeof buf));
    return NULL;
  }
  return dup_text(c, n->text);
}

/* A plain number (no parameter). */
static int number(conv *c, const ynode *n, const char *what, double *out) {
  char buf[96];
  if (n->kind == YNODE_SCALAR && !n->quoted && brink_parse_f64(n->text, n->len, out) == 0) return 1;
  if (n->kind == YNODE_SCALAR && !n->quoted && n->text[0] == '$')
    err(c, n, "parameter %s used for %s: expected a plain number here", n->text, what);
  else if (n->kind == YNODE_SCALAR && n->quoted && brink_parse_f64(n->text, n->len, out) == 0)
    err(c, n, "expected a number for %s, found %s (remove the quotes)", what,
        describe(n, buf, sizeof buf));
  else
    err(c, n, "expected a number for %s, found %s", what, describe(n, buf, sizeof buf));
  return 0;
}

static int find_param(const brink_scenario *sc, const char *name) {
  for (size_t i = 0; i < sc->n_params; i++)
    if (sc->params[i].name && !strcmp(sc->params[i].name, name)) return (int)i;
  return -1;
}

/* A numeric key: a constant in the key's range, true/false for 0/1 keys, or "$param" whose
 * distribution cannot leave the range. */
static void value(conv *c, const ynode *n, const brink_key_spec *spec, const char *where,
                  brink_value *out) {
  char buf[96];
  int is_bool = !strcmp(spec->unit, "0/1");
  if (n->kind == YNODE_SCALAR && !n->quoted && n->text[0] == '$') {
    int p = find_param(c->sc, n->text + 1);
    if (p < 0) {
      char list[512], hint[96];
      size_t used = 0;
      list[0] = '\0';
      for (size_t i = 0; i < c->sc->n_params && used + 1 < sizeof list; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s$%s", i ? ", " : "",
                         c->sc->params[i].name ? c->sc->params[i].name : "?");
        if (w < 0) break;
        used += (size_t)w;
      }
      hint[0] = '\0';
      for (size_t i = 0; i < c->sc->n_params; i++)
        if (c->sc->params[i].name &&
            brink_edit_distance(n->text + 1, c->sc->params[i].name, 0) < 3) {
          snprintf(hint, sizeof hint, "did you mean '$%s'? ", c->sc->params[i].name);
          break;
        }
      err(c, n, "undefined parameter '%s' for '%s' in %s (%sdefined in params: %s)", n->text,
          spec->name, where, hint, used ? list : "none");
      return;
    }
    const brink_param *par = &c->sc->params[p];
    if (is_bool) {
      int ok = par->dist == BRINK_DIST_CONSTANT ? (par->value == 0.0 || par->value == 1.0)
                                                : par->dist == BRINK_DIST_CHOICE;
      for (size_t i = 0; ok && par->dist == BRINK_DIST_CHOICE && i < par->n_choices; i++)
        ok = par->choices[i] == 0.0 || par->choices[i] == 1.0;
      if (!ok) {
        err(c, n,
            "parameter '%s' (%s) for '%s' in %s takes values other than 0 and 1: expected a "
            "constant or a choice of 0 and 1",
            n->text, brink_dist_name(par->dist), spec->name, where);
        return;
      }
    } else if (par->lo < spec->min || par->hi > spec->max) {
      err(c, n,
          "parameter '%s' (%s on [%g, %g]%s%s) can leave the range [%g, %g] (%s) of '%s' in %s: "
          "expected a distribution inside the range (e.g. truncnormal with lo/hi)",
          n->text, brink_dist_name(par->dist), par->lo, par->hi, par->loc.line ? "" : ", from ",
          par->loc.line ? "" : par->loc.file, spec->min, spec->max, spec->unit, spec->name, where);
      return;
    }
    out->param = (int32_t)p;
    out->constant = 0.0;
    return;
  }
  double v = 0.0;
  /* Proximity is named by what the act is (one table, brink_proximity_level). */
  if (!strcmp(spec->name, "proximity") && n->kind == YNODE_SCALAR && !n->quoted &&
      brink_parse_f64(n->text, n->len, &v)) {
    const char *level;
    char names[160];
    size_t used = 0;
    names[0] = '\0';
    for (size_t i = 0; brink_proximity_level(i, &level, &v, NULL); i++) {
      if (!strcmp(level, n->text)) {
        out->constant = v;
        out->param = -1;
        return;
      }
      int w = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", level);
      if (w > 0 && (size_t)w < sizeof names - used) used += (size_t)w;
    }
    err(c, n, "unknown proximity '%s' in %s: expected one of %s, or a number", n->text, where,
        names);
    return;
  }
  if (is_bool && n->kind == YNODE_SCALAR && !n->quoted &&
      (!strcmp(n->text, "true") || !strcmp(n->text, "false"))) {
    out->constant = n->text[0] == 't' ? 1.0 : 0.0;
    out->param = -1;
    return;
  }
  if (n->kind != YNODE_SCALAR || n->quoted || brink_parse_f64(n->text, n->len, &v)) {
    err(c, n, "expected %s for '%s' in %s, found %s%s",
        is_bool ? "true or false" : "a number or $param", spec->name, where,
        describe(n, buf, sizeof buf),
        n->kind == YNODE_SCALAR && n->quoted && !brink_parse_f64(n->text, n->len, &v)
            ? " (remove the quotes)"
            : "");
    return;
  }
  if (is_bool && v != 0.0 && v != 1.0) {
    err(c, n, "value %g of '%s' in %s: expected true or false (or 1 or 0)", v, spec->name, where);
    return;
  }
  if (v < spec->min || v > spec->max) {
    err(c, n, "value %g of '%s' in %s is out of range: expected %g to %g (%s)", v, spec->name,
        where, spec->min, spec->max, spec->unit);
    return;
  }
  out->constant = v;
  out->param = -1;
}

/* Fills vals with the section's defaults (alt: the greedy type's), then reads the keys of map
 * that belong to the section. */
static void numbers(conv *c, const ynode *map, brink_key_section section, const char *where,
                    brink_value *vals, int alt) {
  size_t n_keys = 0;
  const brink_key_spec *keys = brink_scenario_keys(section, &n_keys);
  for (size_t k = 0; k < n_keys; k++) {
    vals[k].constant = alt ? keys[k].def_alt : keys[k].def;
    vals[k].param = -1;
  }
  if (!map) return;
  for (size_t i = 0; i + 1 < map->n; i += 2)
    for (size_t k = 0; k < n_keys; k++)
      if (!strcmp(keys[k].name, map->kids[i]->text))
        value(c, map->kids[i + 1], &keys[k], where, &vals[k]);
}

static int find_actor(const brink_scenario *sc, const char *name) {
  for (size_t i = 0; i < sc->n_actors; i++)
    if (sc->actors[i].name && !strcmp(sc->actors[i].name, name)) return (int)i;
  return -1;
}

static int find_commitment(const brink_scenario *sc, const char *name) {
  for (size_t i = 0; i < sc->n_commitments; i++)
    if (sc->commitments[i].name && !strcmp(sc->commitments[i].name, name)) return (int)i;
  return -1;
}

static void names_list(char *dst, size_t size, const brink_scenario *sc, int commitments) {
  size_t used = 0, n = commitments ? sc->n_commitments : sc->n_actors;
  dst[0] = '\0';
  for (size_t i = 0; i < n && used + 1 < size; i++) {
    const char *name = commitments ? sc->commitments[i].name : sc->actors[i].name;
    int w = snprintf(dst + used, size - used, "%s%s", used ? ", " : "", name ? name : "?");
    if (w < 0) break;
    used += (size_t)w;
  }
}

/* A reference to an actor (or a commitment): its index, or -1 after an error. */
static int ref(conv *c, const ynode *n, int commitment, const char *what) {
  char buf[96], list[512];
  names_list(list, sizeof list, c->sc, commitment);
  if (n->kind != YNODE_SCALAR || is_null(n)) {
    err(c, n, "expected %s name for %s, found %s", commitment ? "a commitment" : "an actor", what,
        describe(n, buf, sizeof buf));
    return -1;
  }
  int i = commitment ? find_commitment(c->sc, n->text) : find_actor(c->sc, n->text);
  if (i < 0)
    err(c, n, "undefined %s '%s' in %s (defined: %s)", commitment ? "commitment" : "actor", n->text,
        what, list[0] ? list : "none");
  return i;
}

/* A list of actor (or commitment) names as a bitmask. */
static uint32_t ref_list(conv *c, const ynode *n, int commitment, const char *what) {
  uint32_t mask = 0;
  if (!want_seq(c, n, what)) return 0;
  for (size_t i = 0; i < n->n; i++) {
    int r = ref(c, n->kids[i], commitment, what);
    if (r < 0) continue;
    if (mask & (1u << r))
      err(c, n->kids[i], "'%s' listed twice in %s: expected each name once", n->kids[i]->text,
          what);
    mask |= 1u << r;
  }
  return mask;
}

/* ---- Sections ----------------------------------------------------------------------- */

static int valid_date(const char *s, size_t len) {
  if (len != 10 || s[4] != '-' || s[7] != '-') return 0;
  for (size_t i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
  int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return 0;
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap);
}

static void read_time(conv *c, const ynode *root) {
  brink_scenario *sc = c->sc;
  const ynode *t = get(root, "time");
  sc->step = BRINK_STEP_WEEK;
  if (!t) {
    err(c, root,
        "missing 'time' (with 'horizon', the number of steps 1..%d): expected it at "
        "the top level",
        BRINK_MAX_HORIZON);
    return;
  }
  if (!want_map(c, t, "'time'")) return;
  check_keys(c, t, "time", time_keys, BRINK_ARRAY_LEN(time_keys), -1);
  const ynode *n = get(t, "step");
  if (n) {
    int s = enum_value(c, n, "time step", brink__time_step_names,
                       BRINK_ARRAY_LEN(brink__time_step_names), 0);
    if (s >= 0) sc->step = (brink_time_step)s;
  }
  n = get(t, "horizon");
  if (!n) {
    err(c, t, "missing 'horizon' in time: expected the number of steps, 1..%d", BRINK_MAX_HORIZON);
  } else {
    int64_t h = 0;
    char buf[96];
    if (n->kind != YNODE_SCALAR || n->quoted || brink_parse_i64(n->text, n->len, &h))
      err(c, n, "expected a whole number of steps for 'horizon', found %s",
          describe(n, buf, sizeof buf));
    else if (h < 1 || h > BRINK_MAX_HORIZON)
      err(c, n, "horizon %lld is out of range: expected 1 to %d steps", (long long)h,
          BRINK_MAX_HORIZON);
    else
      sc->horizon = (uint32_t)h;
  }
  n = get(t, "start");
  if (n) {
    char buf[96];
    if (n->kind != YNODE_SCALAR || !valid_date(n->text, n->len))
      err(c, n, "invalid start date %s: expected a calendar date YYYY-MM-DD",
          describe(n, buf, sizeof buf));
    else
      sc->start = dup_text(c, n->text);
  }
}

static void read_params(conv *c, const ynode *map) {
  brink_scenario *sc = c->sc;
  if (!want_map(c, map, "'params'")) return;
  size_t n = map->n / 2;
  if (n > BRINK_MAX_PARAMS) {
    err(c, map->kids[2 * BRINK_MAX_PARAMS], "more than %d parameters: expected at most %d",
        BRINK_MAX_PARAMS, BRINK_MAX_PARAMS);
    n = BRINK_MAX_PARAMS;
  }
  if (!n) return;
  sc->params = brink_calloc(c->L->ctx, n, sizeof *sc->params);
  if (!sc->params) {
    c->L->status = BRINK_ENOMEM;
    return;
  }
  sc->n_params = n;
  /* Names first, so that error messages about one can list the others. */
  for (size_t i = 0; i < n; i++) {
    const ynode *key = map->kids[2 * i];
    brink_param *p = &sc->params[i];
    p->dist = BRINK_DIST_CONSTANT;
    loc(&p->loc, c, key);
    if (check_name(c, key, "parameter")) p->name = dup_text(c, key->text);
  }
  for (size_t i = 0; i < n && !c->L->status; i++) {
    const ynode *key = map->kids[2 * i], *v = map->kids[2 * i + 1];
    brink_param *p = &sc->params[i];
    char where[128], buf[96];
    snprintf(where, sizeof where, "parameter '%s'", key->text);
    if (v->kind == YNODE_SCALAR) {
      if (number(c, v, where, &p->value)) p->lo = p->hi = p->value;
      continue;
    }
    if (v->kind != YNODE_MAP) {
      err(c, v, "expected a number, {value: ...} or {dist: ...} for %s, found %s", where,
          describe(v, buf, sizeof buf));
      continue;
    }
    const ynode *d = get(v, "dist");
    int dist = BRINK_DIST_CONSTANT;
    if (d) {
      dist = enum_value(c, d, "distribution", brink__dist_names, BRINK_ARRAY_LEN(brink__dist_names),
                        1);
      if (dist < 0) continue;
    }
    p->dist = (brink_dist)dist;
    /* The keys a distribution takes come from its row of BRINK_DIST_MAP. */
    const char *allowed[8];
    size_t n_allowed = 0, first = dist == BRINK_DIST_CONSTANT ? 0 : 1;
    if (first) allowed[n_allowed++] = "dist";
    for (size_t k = 0; k < 4 && brink_dist_key((brink_dist)dist, k); k++)
      allowed[n_allowed++] = brink_dist_key((brink_dist)dist, k);
    allowed[n_allowed++] = "doc";
    allowed[n_allowed++] = "unit";
    snprintf(where, sizeof where, "parameter '%s' (%s)", key->text, brink__dist_names[dist]);
    check_keys(c, v, where, allowed, n_allowed, -1);
    const ynode *doc = get(v, "doc"), *unit = get(v, "unit");
    if (doc) p->doc = text_value(c, doc, "'doc'");
    if (unit) p->unit = text_value(c, unit, "'unit'");
    /* The numbers each distribution needs, in the order of its keys. */
    double num[4] = {0, 0, 0, 0};
    int ok = 1;
    size_t n_num = brink_dist_arity((brink_dist)dist);
    for (size_t k = 0; k < n_num; k++) {
      const char *name = brink_dist_key((brink_dist)dist, k);
      const ynode *nv = get(v, name);
      if (!nv) {
        err(c, v, "missing '%s' in %s: expected a number", name, where);
        ok = 0;
      } else if (!number(c, nv, where, &num[k])) {
        ok = 0;
      }
    }
    if (!ok) continue;
    switch (p->dist) {
    case BRINK_DIST_CONSTANT:
      p->value = p->lo = p->hi = num[0];
      break;
    case BRINK_DIST_UNIFORM:
      p->a = p->lo = num[0];
      p->b = p->hi = num[1];
      if (!(num[0] < num[1]))
        err(c, get(v, "hi"), "hi %g <= lo %g in %s: expected lo < hi", num[1], num[0], where);
      break;
    case BRINK_DIST_NORMAL:
      p->a = num[0];
      p->b = num[1];
      p->lo = -HUGE_VAL;
      p->hi = HUGE_VAL;
      if (!(num[1] > 0)) err(c, get(v, "sd"), "sd %g in %s: expected sd > 0", num[1], where);
      break;
    case BRINK_DIST_TRUNCNORMAL:
      p->a = num[0];
      p->b = num[1];
      p->lo = num[2];
      p->hi = num[3];
      if (!(num[1] > 0)) err(c, get(v, "sd"), "sd %g in %s: expected sd > 0", num[1], where);
      if (!(num[2] < num[3]))
        err(c, get(v, "hi"), "hi %g <= lo %g in %s: expected lo < hi", num[3], num[2], where);
      break;
    case BRINK_DIST_BETA:
      p->a = num[0];
      p->b = num[1];
      p->lo = 0.0;
      p->hi = 1.0;
      if (!(num[0] > 0)) err(c, get(v, "a"), "a %g in %s: expected a > 0", num[0], where);
      if (!(num[1] > 0)) err(c, get(v, "b"), "b %g in %s: expected b > 0", num[1], where);
      break;
    case BRINK_DIST_CHOICE: {
      const ynode *vals = get(v, "values"), *w = get(v, "weights");
      if (!vals) {
        err(c, v, "missing 'values' in %s: expected a list of numbers", where);
        break;
      }
      if (!want_seq(c, vals, "'values'")) break;
      if (vals->n == 0) {
        err(c, vals, "empty 'values' in %s: expected at least one number", where);
        break;
      }
      if (w && !want_seq(c, w, "'weights'")) break;
      if (w && w->n != vals->n) {
        err(c, w, "%zu weights for %zu values in %s: expected one weight per value", w->n, vals->n,
            where);
        break;
      }
      p->choices = brink_calloc(c->L->ctx, vals->n, sizeof *p->choices);
      p->weights = brink_calloc(c->L->ctx, vals->n, sizeof *p->weights);
      if (!p->choices || !p->weights) {
        c->L->status = BRINK_ENOMEM;
        break;
      }
      p->n_choices = vals->n;
      double sum = 0.0;
      p->lo = HUGE_VAL;
      p->hi = -HUGE_VAL;
      for (size_t k = 0; k < vals->n; k++) {
        number(c, vals->kids[k], where, &p->choices[k]);
        if (p->choices[k] < p->lo) p->lo = p->choices[k];
        if (p->choices[k] > p->hi) p->hi = p->choices[k];
        p->weights[k] = 1.0;
        if (w && number(c, w->kids[k], where, &p->weights[k]) && p->weights[k] < 0)
          err(c, w->kids[k], "negative weight %g in %s: expected weights >= 0", p->weights[k],
              where);
        sum += p->weights[k];
      }
      if (!(sum > 0)) {
        err(c, w ? w : v, "weights of %s sum to %g: expected a positive sum", where, sum);
        break;
      }
      /* Normalised once; weights that already sum to 1 within rounding are kept as they are
       * so that a dumped scenario reloads bit for bit. */
      if (fabs(sum - 1.0) > 1e-12)
        for (size_t k = 0; k < vals->n; k++) p->weights[k] /= sum;
      break;
    }
    }
  }
}

/* Pass 1 over actors: names only, so that every reference can be checked in pass 2. */
static void actor_names(conv *c, const ynode *map) {
  brink_scenario *sc = c->sc;
  size_t n = map->n / 2;
  if (n == 0) {
    err(c, map, "no actors: expected at least one actor");
    return;
  }
  if (n > BRINK_MAX_ACTORS) {
    err(c, map->kids[2 * BRINK_MAX_ACTORS], "more than %d actors: expected at most %d",
        BRINK_MAX_ACTORS, BRINK_MAX_ACTORS);
    n = BRINK_MAX_ACTORS;
  }
  sc->actors = brink_calloc(c->L->ctx, n, sizeof *sc->actors);
  if (!sc->actors) {
    c->L->status = BRINK_ENOMEM;
    return;
  }
  sc->n_actors = n;
  for (size_t i = 0; i < n; i++) {
    const ynode *key = map->kids[2 * i];
    loc(&sc->actors[i].loc, c, key);
    if (check_name(c, key, "actor")) sc->actors[i].name = dup_text(c, key->text);
  }
}

static void commitment_names(conv *c, const ynode *map) {
  brink_scenario *sc = c->sc;
  size_t n = map->n / 2;
  if (n > BRINK_MAX_COMMITMENTS) {
    err(c, map->kids[2 * BRINK_MAX_COMMITMENTS], "more than %d commitments: expected at most %d",
        BRINK_MAX_COMMITMENTS, BRINK_MAX_COMMITMENTS);
    n = BRINK_MAX_COMMITMENTS;
  }
  if (!n) return;
  sc->commitments = brink_calloc(c->L->ctx, n, sizeof *sc->commitments);
  if (!sc->commitments) {
    c->L->status = BRINK_ENOMEM;
    return;
  }
  sc->n_commitments = n;
  for (size_t i = 0; i < n; i++) {
    const ynode *key = map->kids[2 * i];
    loc(&sc->commitments[i].loc, c, key);
    if (check_name(c, key, "commitment")) sc->commitments[i].name = dup_text(c, key->text);
  }
}

static int track(conv *c, const ynode *n) {
  return enum_value(c, n, "diplomacy track level", brink__track_names,
                    BRINK_ARRAY_LEN(brink__track_names), 0);
}

static void read_action(conv *c, uint32_t actor_index, const ynode *m, brink_action *a) {
  brink_actor *actor = &c->sc->actors[actor_index];
  char where[192], buf[96];
  loc(&a->loc, c, m);
  a->commits = -1;
  a->label = NULL;
  const ynode *name = get(m, "name");
  snprintf(where, sizeof where, "action '%s' of actor '%s'",
           name && name->kind == YNODE_SCALAR ? name->text : "?", actor->name);
  if (!name)
    err(c, m, "missing 'name' in an action of actor '%s': expected a name", actor->name);
  else if (check_name(c, name, "action"))
    a->name = dup_text(c, name->text);
  check_keys(c, m, where, action_keys, BRINK_ARRAY_LEN(action_keys), BRINK_SECTION_ACTION);
  const ynode *n = get(m, "label");
  if (n)
    a->label = text_value(c, n, "'label'");
  else if (a->name)
    a->label = dup_text(c, a->name);
  n = get(m, "kind");
  if (!n)
    err(c, m,
        "missing 'kind' in %s: expected one of: hold, military, sanction, unsc, "
        "diplomacy, restraint, mediation",
        where);
  else {
    int k = enum_value(c, n, "action kind", brink__action_kind_names,
                       BRINK_ARRAY_LEN(brink__action_kind_names), 0);
    if (k >= 0) a->kind = (brink_action_kind)k;
  }
  numbers(c, m, BRINK_SECTION_ACTION, where, a->num, 0);
  n = get(m, "cameo");
  double weight = 0.0;
  int cameo_ok = 0;
  if (!n) {
    err(c, m, "missing 'cameo' in %s: expected a quoted CAMEO code like \"150\"", where);
  } else if (n->kind != YNODE_SCALAR || !n->quoted) {
    err(c, n,
        "expected a quoted CAMEO code like \"0874\" for 'cameo' in %s, found %s "
        "(leading zeros matter: quote the code)",
        where, describe(n, buf, sizeof buf));
  } else if (brink_cameo_goldstein(n->text, &weight) != BRINK_OK) {
    err(c, n,
        "unknown CAMEO code \"%.16s\" in %s: expected a code of the CAMEO 1.1b3 table "
        "(e.g. \"010\", \"150\", \"1712\")",
        n->text, where);
  } else {
    a->cameo = dup_text(c, n->text);
    cameo_ok = 1;
  }
  if (get(m, "goldstein")) {
    a->goldstein_given = 1;
  } else if (cameo_ok) {
    a->num[BRINK_ACTION_GOLDSTEIN].constant = weight;
    a->num[BRINK_ACTION_GOLDSTEIN].param = -1;
  }
  n = get(m, "min_track");
  if (n) {
    int t = track(c, n);
    if (t >= 0) a->min_track = (brink_track)t;
  }
  n = get(m, "sets_track");
  if (a->kind == BRINK_ACTION_DIPLOMACY) {
    a->sets_track = a->min_track < BRINK_TRACK_AGREEMENT ? (brink_track)(a->min_track + 1)
                                                         : BRINK_TRACK_AGREEMENT;
    if (n) {
      int t = track(c, n);
      if (t >= 0) a->sets_track = (brink_track)t;
    }
  } else if (n) {
    err(c, n, "'sets_track' in %s, a %s action: expected it only on diplomacy actions", where,
        brink__action_kind_names[a->kind]);
  }
  n = get(m, "commits");
  if (n) {
    if (a->kind != BRINK_ACTION_RESTRAINT)
      err(c, n, "'commits' in %s, a %s action: expected it only on restraint actions", where,
          brink__action_kind_names[a->kind]);
    else
      a->commits = ref(c, n, 1, where);
  }
  n = get(m, "breaches");
  if (n) a->breaches = ref_list(c, n, 1, where);
  n = get(m, "targets");
  a->targets = actor->adversaries;
  if (n) {
    a->targets = ref_list(c, n, 0, where);
    if (a->targets & (1u << actor_index))
      err(c, n, "%s targets its own actor: expected other actors", where);
    /* An empty list means the adversaries, as the model reads targets == 0. */
    if (!a->targets) a->targets = actor->adversaries;
  }
}

static void read_actor(conv *c, uint32_t index, const ynode *m) {
  brink_actor *a = &c->sc->actors[index];
  char where[128];
  snprintf(where, sizeof where, "actor '%s'", a->name ? a->name : "?");
  numbers(c, NULL, BRINK_SECTION_ACTOR, where, a->num, 0);
  numbers(c, NULL, BRINK_SECTION_TYPE, where, a->type_num[0], 0);
  numbers(c, NULL, BRINK_SECTION_TYPE, where, a->type_num[1], 1);
  if (!want_map(c, m, where)) return;
  check_keys(c, m, where, actor_keys, BRINK_ARRAY_LEN(actor_keys), BRINK_SECTION_ACTOR);
  const ynode *n = get(m, "label");
  a->label = n ? text_value(c, n, "'label'") : a->name ? dup_text(c, a->name) : NULL;
  n = get(m, "driver");
  if (!n)
    err(c, m, "missing 'driver' in %s: expected behavioural, policy or third_party", where);
  else {
    int d =
        enum_value(c, n, "driver", brink__driver_names, BRINK_ARRAY_LEN(brink__driver_names), 0);
    if (d >= 0) a->driver = (brink_driver)d;
  }
  n = get(m, "adversaries");
  if (n) a->adversaries = ref_list(c, n, 0, where);
  const ynode *allies = get(m, "allies");
  if (allies) a->allies = ref_list(c, allies, 0, where);
  if ((a->adversaries | a->allies) & (1u << index))
    err(c, n && (a->adversaries & (1u << index)) ? n : allies,
        "%s lists itself as an ally or adversary: expected other actors", where);
  if (a->adversaries & a->allies)
    err(c, allies, "%s has an actor both as ally and adversary: expected one or the other", where);
  numbers(c, m, BRINK_SECTION_ACTOR, where, a->num, 0);
  n = get(m, "types");
  if (n && want_map(c, n, "'types'")) {
    char twhere[160];
    snprintf(twhere, sizeof twhere, "types of %s", where);
    check_keys(c, n, twhere, type_names, BRINK_ARRAY_LEN(type_names), -1);
    for (int t = 0; t < 2; t++) {
      const ynode *tm = get(n, type_names[t]);
      if (!tm) continue;
      snprintf(twhere, sizeof twhere, "%s type of %s", type_names[t], where);
      if (!want_map(c, tm, twhere)) continue;
      check_keys(c, tm, twhere, NULL, 0, BRINK_SECTION_TYPE);
      numbers(c, tm, BRINK_SECTION_TYPE, twhere, a->type_num[t], t);
    }
  }
  n = get(m, "ladder");
  if (!n || (n->kind == YNODE_SEQ && n->n == 0)) {
    if (a->driver != BRINK_DRIVER_THIRD_PARTY)
      err(c, n ? n : m,
          "%s has no ladder: expected a list of actions (only a third_party may "
          "have none)",
          where);
    return;
  }
  if (!want_seq(c, n, "'ladder'")) return;
  size_t count = n->n;
  if (count > BRINK_MAX_ACTIONS) {
    err(c, n->kids[BRINK_MAX_ACTIONS],
        "more than %d actions in the ladder of %s: expected at "
        "most %d",
        BRINK_MAX_ACTIONS, where, BRINK_MAX_ACTIONS);
    count = BRINK_MAX_ACTIONS;
  }
  a->ladder = brink_calloc(c->L->ctx, count, sizeof *a->ladder);
  if (!a->ladder) {
    c->L->status = BRINK_ENOMEM;
    return;
  }
  a->n_ladder = count;
  for (size_t i = 0; i < count && !c->L->status; i++) {
    const ynode *m2 = n->kids[i];
    a->ladder[i].commits = -1;
    if (!want_map(c, m2, "a ladder action")) continue;
    read_action(c, index, m2, &a->ladder[i]);
    for (size_t j = 0; j < i && a->ladder[i].name; j++)
      if (a->ladder[j].name && !strcmp(a->ladder[j].name, a->ladder[i].name))
        err(c, get(m2, "name"),
            "duplicate action '%s' in the ladder of %s (first at line %u): "
            "expected unique names",
            a->ladder[i].name, where, a->ladder[j].loc.line);
  }
}

static void read_relations(conv *c, const ynode *seq) {
  brink_scenario *sc = c->sc;
  if (!want_seq(c, seq, "'relations'") || seq->n == 0) return;
  sc->relations = brink_calloc(c->L->ctx, seq->n, sizeof *sc->relations);
  if (!sc->relations) {
    c->L->status = BRINK_ENOMEM;
    return;
  }
  sc->n_relations = seq->n;
  for (size_t i = 0; i < seq->n; i++) {
    const ynode *m = seq->kids[i];
    brink_relation *r = &sc->relations[i];
    loc(&r->loc, c, m);
    numbers(c, NULL, BRINK_SECTION_RELATION, "relation", r->num, 0);
    if (!want_map(c, m, "a relation")) continue;
    const ynode *b = get(m, "between");
    char where[160], buf[96];
    int a0 = -1, a1 = -1;
    if (!b) {
      err(c, m, "missing 'between' in relation %zu: expected [ACTOR, ACTOR]", i + 1);
    } else if (b->kind != YNODE_SEQ || b->n != 2) {
      err(c, b, "expected two actors [A, B] for 'between', found %s%s",
          describe(b, buf, sizeof buf), b->kind == YNODE_SEQ ? " of another length" : "");
    } else {
      a0 = ref(c, b->kids[0], 0, "'between'");
      a1 = ref(c, b->kids[1], 0, "'between'");
      if (a0 >= 0 && a0 == a1) {
        err(c, b->kids[1], "relation of actor '%s' with itself: expected two different actors",
            b->kids[1]->text);
        a0 = a1 = -1;
      }
    }
    snprintf(where, sizeof where, "relation %s-%s", a0 >= 0 ? sc->actors[a0].name : "?",
             a1 >= 0 ? sc->actors[a1].name : "?");
    check_keys(c, m, where, relation_keys, BRINK_ARRAY_LEN(relation_keys), BRINK_SECTION_RELATION);
    numbers(c, m, BRINK_SECTION_RELATION, where, r->num, 0);
    if (a0 < 0 || a1 < 0) continue;
    r->a = (uint32_t)a0;
    r->b = (uint32_t)a1;
    for (size_t j = 0; j < i; j++) {
      const brink_relation *o = &sc->relations[j];
      if ((o->a == r->a && o->b == r->b) || (o->a == r->b && o->b == r->a)) {
        if (o->a != o->b)
          err(c, b, "duplicate %s (first at line %u): expected each pair once", where, o->loc.line);
      }
    }
  }
}

static void read_commitments(conv *c, const ynode *map) {
  brink_scenario *sc = c->sc;
  for (size_t i = 0; i < sc->n_commitments; i++) {
    brink_commitment *cm = &sc->commitments[i];
    const ynode *m = map->kids[2 * i + 1];
    char where[160];
    snprintf(where, sizeof where, "commitment '%s'", map->kids[2 * i]->text);
    numbers(c, NULL, BRINK_SECTION_COMMITMENT, where, cm->num, 0);
    if (!want_map(c, m, where)) continue;
    check_keys(c, m, where, commitment_keys, BRINK_ARRAY_LEN(commitment_keys),
               BRINK_SECTION_COMMITMENT);
    const ynode *h = get(m, "holder");
    if (!h)
      err(c, m, "missing 'holder' in %s: expected the actor bound by it", where);
    else {
      int a = ref(c, h, 0, where);
      if (a >= 0) cm->holder = (uint32_t)a;
    }
    numbers(c, m, BRINK_SECTION_COMMITMENT, where, cm->num, 0);
  }
}

static void read_rule(conv *c, const brink_policy *pol, const ynode *m, brink_rule *r,
                      size_t number_in_policy) {
  brink_scenario *sc = c->sc;
  char where[192], buf[96];
  snprintf(where, sizeof where, "rule %zu of policy '%s'", number_in_policy, pol->name);
  loc(&r->loc, c, m);
  r->actors = pol->actors;
  r->by = 1.0;
  if (!want_map(c, m, where)) return;
  check_keys(c, m, where, rule_keys, BRINK_ARRAY_LEN(rule_keys), -1);
  const ynode *cond = get(m, "if");
  if (cond && want_map(c, cond, "'if'") && cond->n) {
    r->conditions = brink_calloc(c->L->ctx, cond->n / 2, sizeof *r->conditions);
    if (!r->conditions) {
      c->L->status = BRINK_ENOMEM;
      return;
    }
    for (size_t i = 0; i + 1 < cond->n; i += 2) {
      const ynode *key = cond->kids[i], *v = cond->kids[i + 1];
      int k = enum_value(c, key, "rule condition", condition_names,
                         BRINK_ARRAY_LEN(condition_names), 0);
      if (k < 0) continue;
      double x = 0.0;
      if (!number(c, v, key->text, &x)) continue;
      if (x < condition_ranges[k][0] || x > condition_ranges[k][1]) {
        err(c, v, "value %g of condition '%s' in %s is out of range: expected %g to %g", x,
            key->text, where, condition_ranges[k][0], condition_ranges[k][1]);
        continue;
      }
      r->conditions[r->n_conditions].kind = (brink_rule_condition_kind)k;
      r->conditions[r->n_conditions].value = x;
      r->n_conditions++;
    }
  }
  const ynode *n = get(m, "do");
  if (!n) {
    err(c, m, "missing 'do' in %s: expected a verb (hold, match, escalate, ...)", where);
  } else {
    int v = enum_value(c, n, "rule verb", verb_names, BRINK_ARRAY_LEN(verb_names), 0);
    if (v >= 0) r->verb = (brink_rule_verb)v;
  }
  n = get(m, "by");
  if (n) {
    if (r->verb != BRINK_VERB_ESCALATE)
      err(c, n, "'by' in %s: expected it only with 'do: escalate'", where);
    else if (number(c, n, "'by'", &r->by) && (r->by < -10 || r->by > 10))
      err(c, n, "value %g of 'by' in %s is out of range: expected -10 to 10 rungs", r->by, where);
  }
  n = get(m, "actors");
  if (n) {
    uint32_t mask = ref_list(c, n, 0, where);
    for (uint32_t i = 0; i < sc->n_actors; i++)
      if ((mask & (1u << i)) && !(pol->actors & (1u << i)))
        err(c, n, "actor '%s' in %s is not driven by the policy: expected some of its 'actors'",
            sc->actors[i].name, where);
    if (n->kind == YNODE_SEQ && n->n == 0)
      err(c, n, "empty 'actors' in %s: expected at least one (leave it out for all)", where);
    if (mask) r->actors = mask & pol->actors;
  }
  n = get(m, "action");
  if (r->verb == BRINK_VERB_ACTION) {
    if (!n) {
      err(c, m, "missing 'action' in %s: 'do: action' needs the name of a ladder action", where);
    } else if (n->kind != YNODE_SCALAR || is_null(n)) {
      err(c, n, "expected an action name for 'action' in %s, found %s", where,
          describe(n, buf, sizeof buf));
    } else {
      r->action = dup_text(c, n->text);
      for (uint32_t i = 0; i < sc->n_actors; i++) {
        if (!(r->actors & (1u << i))) continue;
        if (brink_actor_find_action(&sc->actors[i], n->text) < 0)
          err(c, n, "undefined action '%s' in %s: actor '%s' has no such action in its ladder",
              n->text, where, sc->actors[i].name);
      }
    }
  } else if (n) {
    err(c, n, "'action' in %s: expected it only with 'do: action'", where);
  }
}

static void read_policies(conv *c, const ynode *map) {
  brink_scenario *sc = c->sc;
  if (!want_map(c, map, "'policies'") || map->n == 0) return;
  size_t n = map->n / 2;
  sc->policies = brink_calloc(c->L->ctx, n, sizeof *sc->policies);
  if (!sc->policies) {
    c->L->status = BRINK_ENOMEM;
    return;
  }
  sc->n_policies = n;
  for (size_t i = 0; i < n && !c->L->status; i++) {
    const ynode *key = map->kids[2 * i], *m = map->kids[2 * i + 1];
    brink_policy *p = &sc->policies[i];
    char where[128];
    snprintf(where, sizeof where, "policy '%s'", key->text);
    loc(&p->loc, c, key);
    if (check_name(c, key, "policy")) p->name = dup_text(c, key->text);
    numbers(c, NULL, BRINK_SECTION_POLICY, where, p->num, 0);
    if (!p->name || !want_map(c, m, where)) continue;
    check_keys(c, m, where, policy_keys, BRINK_ARRAY_LEN(policy_keys), -1);
    const ynode *nd = get(m, "description");
    if (nd) p->description = text_value(c, nd, "'description'");
    nd = get(m, "builtin");
    if (nd) {
      int b =
          enum_value(c, nd, "built-in policy", builtin_names, BRINK_ARRAY_LEN(builtin_names), 1);
      if (b > 0) p->builtin = (brink_policy_builtin)b;
    }
    nd = get(m, "actors");
    if (!nd) {
      err(c, m, "missing 'actors' in %s: expected the actors it drives (driver: policy)", where);
    } else {
      p->actors = ref_list(c, nd, 0, where);
      if (nd->kind == YNODE_SEQ && nd->n == 0)
        err(c, nd, "empty 'actors' in %s: expected at least one actor with driver: policy", where);
      for (size_t k = 0; k < nd->n && nd->kind == YNODE_SEQ; k++) {
        int a = find_actor(sc, nd->kids[k]->text);
        if (a >= 0 && sc->actors[a].driver != BRINK_DRIVER_POLICY)
          err(c, nd->kids[k],
              "actor '%s' in %s has driver %s: expected an actor with driver: "
              "policy",
              sc->actors[a].name, where, brink__driver_names[sc->actors[a].driver]);
      }
    }
    nd = get(m, "params");
    if (nd && want_map(c, nd, "'params'")) {
      char pwhere[160];
      snprintf(pwhere, sizeof pwhere, "params of %s", where);
      check_keys(c, nd, pwhere, NULL, 0, BRINK_SECTION_POLICY);
      numbers(c, nd, BRINK_SECTION_POLICY, pwhere, p->num, 0);
    }
    nd = get(m, "rules");
    if (nd && get(m, "builtin")) {
      err(c, nd, "'rules' in %s, which uses builtin '%s': expected either builtin or rules", where,
          get(m, "builtin")->text);
    } else if (!nd && !get(m, "builtin")) {
      err(c, m, "%s has neither 'builtin' nor 'rules': expected one of them", where);
    } else if (nd && want_seq(c, nd, "'rules'")) {
      if (nd->n == 0) {
        err(c, nd, "empty 'rules' in %s: expected at least one rule", where);
        continue;
      }
      p->rules = brink_calloc(c->L->ctx, nd->n, sizeof *p->rules);
      if (!p->rules) {
        c->L->status = BRINK_ENOMEM;
        continue;
      }
      p->n_rules = nd->n;
      for (size_t r = 0; r < nd->n && !c->L->status; r++)
        read_rule(c, p, nd->kids[r], &p->rules[r], r + 1);
    }
  }
}

static void read_outputs(conv *c, const ynode *seq) {
  brink_scenario *sc = c->sc;
  if (!want_seq(c, seq, "'outputs'")) return;
  if (seq->n == 0) {
    err(c, seq, "empty 'outputs': expected at least one output (leave it out for all)");
    return;
  }
  for (size_t i = 0; i < seq->n; i++) {
    int o = enum_value(c, seq->kids[i], "output", output_names, BRINK_ARRAY_LEN(output_names), 0);
    if (o >= 0) sc->outputs |= 1u << o;
  }
}

brink_status brink__scn_convert(scn_loader *L, const ynode *root, brink_scenario **out) {
  conv cv = {L, NULL};
  conv *c = &cv;
  char buf[96];
  *out = NULL;
  brink_scenario *sc = brink_calloc(L->ctx, 1, sizeof *sc);
  if (sc) sc->ctx = L->ctx;
  if (!sc) {
    L->status = BRINK_ENOMEM;
    goto done;
  }
  c->sc = sc;
  check_keys(c, root, "the scenario (top level)", top_keys, BRINK_ARRAY_LEN(top_keys), -1);
  const ynode *n = get(root, "include");
  if (n) err(c, n, "'include' given with --set: expected includes in the file");
  n = get(root, "brink");
  if (n && (n->kind != YNODE_SCALAR || n->quoted || strcmp(n->text, "1") != 0))
    err(c, n, "unsupported format version %s for 'brink': expected 1",
        describe(n, buf, sizeof buf));
  n = get(root, "name");
  if (!n)
    err(c, root, "missing 'name': expected the scenario's name at the top level");
  else
    sc->name = text_value(c, n, "'name'");
  n = get(root, "description");
  if (n) sc->description = text_value(c, n, "'description'");
  n = get(root, "sources");
  if (n && want_seq(c, n, "'sources'") && n->n) {
    sc->sources = brink_calloc(L->ctx, n->n, sizeof *sc->sources);
    if (!sc->sources) {
      L->status = BRINK_ENOMEM;
      goto done;
    }
    sc->n_sources = n->n;
    for (size_t i = 0; i < n->n; i++) sc->sources[i] = text_value(c, n->kids[i], "a source");
  }
  read_time(c, root);
  n = get(root, "params");
  if (n) read_params(c, n);
  numbers(c, NULL, BRINK_SECTION_MODEL, "model", sc->model, 0);
  n = get(root, "model");
  if (n && want_map(c, n, "'model'")) {
    check_keys(c, n, "model", NULL, 0, BRINK_SECTION_MODEL);
    numbers(c, n, BRINK_SECTION_MODEL, "model", sc->model, 0);
  }
  const ynode *actors = get(root, "actors");
  if (!actors)
    err(c, root, "missing 'actors': expected a mapping of actor names to actors");
  else if (want_map(c, actors, "'actors'"))
    actor_names(c, actors);
  const ynode *commitments = get(root, "commitments");
  if (commitments && want_map(c, commitments, "'commitments'"))
    commitment_names(c, commitments);
  else
    commitments = NULL;
  /* Drivers and adversaries first: ladders (targets) and policies read them. */
  for (uint32_t i = 0; i < sc->n_actors && !L->status; i++)
    read_actor(c, i, actors->kids[2 * i + 1]);
  if (commitments) read_commitments(c, commitments);
  n = get(root, "relations");
  if (n) read_relations(c, n);
  n = get(root, "policies");
  if (n) read_policies(c, n);
  if (!sc->n_policies)
    for (size_t i = 0; i < sc->n_actors; i++)
      if (sc->actors[i].driver == BRINK_DRIVER_POLICY) {
        err(c, actors->kids[2 * i],
            "actor '%s' has driver: policy but the scenario defines no "
            "policies: expected a 'policies' section",
            sc->actors[i].name);
        break;
      }
  n = get(root, "outputs");
  if (n)
    read_outputs(c, n);
  else
    sc->outputs = (1u << BRINK_OUTPUT_COUNT) - 1u;
done:
  if (L->status || L->n_errors) {
    brink_scenario_free(sc);
    return L->status ? L->status : BRINK_EPARSE;
  }
  /* The scenario owns the file names its srclocs point to. */
  sc->files = L->files;
  sc->n_files = L->n_files;
  L->files = NULL;
  L->n_files = L->cap_files = 0;
  *out = sc;
  return BRINK_OK;
}

/* ---- Public lookups, free, diagnostics -------------------------------------------------- */

int brink_scenario_find_actor(const brink_scenario *sc, const char *name) {
  return sc && name ? find_actor(sc, name) : -1;
}

int brink_scenario_find_policy(const brink_scenario *sc, const char *name) {
  if (!sc || !name) return -1;
  for (size_t i = 0; i < sc->n_policies; i++)
    if (sc->policies[i].name && !strcmp(sc->policies[i].name, name)) return (int)i;
  return -1;
}

int brink_scenario_find_param(const brink_scenario *sc, const char *name) {
  return sc && name ? find_param(sc, name) : -1;
}

int brink_actor_find_action(const brink_actor *actor, const char *name) {
  if (!actor || !name) return -1;
  for (size_t i = 0; i < actor->n_ladder; i++)
    if (actor->ladder[i].name && !strcmp(actor->ladder[i].name, name)) return (int)i;
  return -1;
}

void brink_scenario_free(brink_scenario *sc) {
  if (!sc) return;
  brink_ctx *ctx = sc->ctx;
  brink_free(ctx, sc->name);
  brink_free(ctx, sc->description);
  for (size_t i = 0; sc->sources && i < sc->n_sources; i++) brink_free(ctx, sc->sources[i]);
  brink_free(ctx, sc->sources);
  brink_free(ctx, sc->start);
  for (size_t i = 0; sc->params && i < sc->n_params; i++) {
    brink_param *p = &sc->params[i];
    brink_free(ctx, p->name);
    brink_free(ctx, p->doc);
    brink_free(ctx, p->unit);
    brink_free(ctx, p->choices);
    brink_free(ctx, p->weights);
  }
  brink_free(ctx, sc->params);
  for (size_t i = 0; sc->actors && i < sc->n_actors; i++) {
    brink_actor *a = &sc->actors[i];
    for (size_t k = 0; a->ladder && k < a->n_ladder; k++) {
      brink_free(ctx, a->ladder[k].name);
      brink_free(ctx, a->ladder[k].label);
      brink_free(ctx, a->ladder[k].cameo);
    }
    brink_free(ctx, a->ladder);
    brink_free(ctx, a->name);
    brink_free(ctx, a->label);
  }
  brink_free(ctx, sc->actors);
  brink_free(ctx, sc->relations);
  for (size_t i = 0; sc->commitments && i < sc->n_commitments; i++)
    brink_free(ctx, sc->commitments[i].name);
  brink_free(ctx, sc->commitments);
  for (size_t i = 0; sc->policies && i < sc->n_policies; i++) {
    brink_policy *p = &sc->policies[i];
    for (size_t r = 0; p->rules && r < p->n_rules; r++) {
      brink_free(ctx, p->rules[r].conditions);
      brink_free(ctx, p->rules[r].action);
    }
    brink_free(ctx, p->rules);
    brink_free(ctx, p->name);
    brink_free(ctx, p->description);
  }
  brink_free(ctx, sc->policies);
  for (size_t i = 0; sc->files && i < sc->n_files; i++) brink_free(ctx, sc->files[i]);
  brink_free(ctx, sc->files);
  brink_free(ctx, sc);
}

void brink_diag_list_init(brink_diag_list *list, brink_ctx *ctx) {
  list->items = NULL;
  list->n = list->cap = 0;
  list->ctx = ctx;
}

void brink_diag_list_release(brink_diag_list *list) {
  if (!list) return;
  for (size_t i = 0; i < list->n; i++) {
    brink_free(list->ctx, list->items[i].file);
    brink_free(list->ctx, list->items[i].message);
  }
  brink_free(list->ctx, list->items);
  list->items = NULL;
  list->n = list->cap = 0;
}

/* ---- Accessors of the opaque handle ------------------------------------------------------ */

const char *brink_scenario_name(const brink_scenario *sc) { return sc ? sc->name : NULL; }
const char *brink_scenario_description(const brink_scenario *sc) {
  return sc ? sc->description : NULL;
}
const char *brink_scenario_start(const brink_scenario *sc) { return sc ? sc->start : NULL; }
uint32_t brink_scenario_horizon(const brink_scenario *sc) { return sc ? sc->horizon : 0; }
brink_time_step brink_scenario_step(const brink_scenario *sc) {
  return sc ? sc->step : BRINK_STEP_WEEK;
}
size_t brink_scenario_source_count(const brink_scenario *sc) { return sc ? sc->n_sources : 0; }
const char *brink_scenario_source(const brink_scenario *sc, size_t i) {
  return sc && i < sc->n_sources ? sc->sources[i] : NULL;
}
uint32_t brink_scenario_outputs(const brink_scenario *sc) { return sc ? sc->outputs : 0; }
size_t brink_scenario_param_count(const brink_scenario *sc) { return sc ? sc->n_params : 0; }
const brink_param *brink_scenario_param(const brink_scenario *sc, size_t i) {
  return sc && i < sc->n_params ? &sc->params[i] : NULL;
}
size_t brink_scenario_actor_count(const brink_scenario *sc) { return sc ? sc->n_actors : 0; }
const brink_actor *brink_scenario_actor(const brink_scenario *sc, size_t i) {
  return sc && i < sc->n_actors ? &sc->actors[i] : NULL;
}
size_t brink_scenario_commitment_count(const brink_scenario *sc) {
  return sc ? sc->n_commitments : 0;
}
const brink_commitment *brink_scenario_commitment(const brink_scenario *sc, size_t i) {
  return sc && i < sc->n_commitments ? &sc->commitments[i] : NULL;
}
size_t brink_scenario_policy_count(const brink_scenario *sc) { return sc ? sc->n_policies : 0; }
const brink_policy *brink_scenario_policy(const brink_scenario *sc, size_t i) {
  return sc && i < sc->n_policies ? &sc->policies[i] : NULL;
}
