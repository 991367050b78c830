/* SPDX-License-Identifier: MIT */
/* The observation model (include/brink/observe.h): recorded rows to weekly acts. */
#include <stdio.h>
#include <string.h>

#include "brink/events.h"
#include "brink/filter.h"
#include "brink/observe.h"
#include "internal.h"
#include "scenario_internal.h"

#define FIELD 64

typedef struct rule {
  char source[16], key[FIELD], record_actor[FIELD];
  int icbm;   /* 1, 0, or -1 for any */
  int actor;  /* scenario actor, or -1: mapped to nothing on purpose */
  int action; /* ladder index */
  int rank;
} rule;

struct brink_observation {
  brink_ctx *ctx; /* the context that made it (brink_observation_free) */
  const brink_scenario *scenario;
  rule *rules;
  size_t n_rules;
};

void brink_observation_free(brink_observation *o) {
  if (!o) return;
  brink_ctx *ctx = o->ctx;
  brink_free(ctx, o->rules);
  brink_free(ctx, o);
}

/* Splits line (modified in place) at tabs into at most max fields; returns the count. */
static size_t split(char *line, char **fields, size_t max) {
  size_t n = 0;
  for (char *p = line; n < max;) {
    fields[n++] = p;
    char *tab = strchr(p, '\t');
    if (!tab) break;
    *tab = '\0';
    p = tab + 1;
  }
  return n;
}

static brink_status copy_field(brink_ctx *ctx, const char *path, uint32_t line, size_t col,
                               char *dst, size_t size, const char *src) {
  size_t n = strlen(src);
  if (n >= size)
    return brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: field longer than %zu bytes", path, line, col,
                       size - 1);
  memcpy(dst, src, n + 1);
  return BRINK_OK;
}

brink_status brink_observation_load(brink_ctx *ctx, const char *path, const brink_scenario *sc,
                                    brink_observation **out) {
  static const char header[] = "source\tkey\ticbm\trecord_actor\tactor\taction\trank\tnote";
  brink_buf text;
  brink_buf_init(&text, ctx, (size_t)16 << 20);
  brink_observation *o = NULL;
  brink_status st = brink__read_file(ctx, path, &text);
  *out = NULL;
  if (st) goto done;
  o = brink_calloc(ctx, 1, sizeof *o);
  if (o) o->ctx = ctx;
  if (!o) {
    st = BRINK_ENOMEM;
    goto done;
  }
  o->scenario = sc;
  size_t cap = 0;
  const char *p = text.data, *end = text.data + text.len;
  for (uint32_t line = 1; p < end; line++) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
    if (len && p[len - 1] == '\r') len--;
    char row[1024];
    if (len >= sizeof row) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:1: line longer than %zu bytes", path, line,
                       sizeof row - 1);
      goto done;
    }
    memcpy(row, p, len);
    row[len] = '\0';
    p = eol ? eol + 1 : end;
    if (line == 1) {
      if (strcmp(row, header) != 0) {
        st = brink__fail(ctx, BRINK_EPARSE, "%s:1:1: expected the header '%s' (tab-separated)",
                         path, "source key icbm record_actor actor action rank note");
        goto done;
      }
      continue;
    }
    if (!len || row[0] == '#') continue;
    char *f[8];
    size_t nf = split(row, f, 8);
    if (nf < 7) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: expected 8 tab-separated fields, found %zu",
                       path, line, len + 1, nf);
      goto done;
    }
    if (o->n_rules == cap) {
      size_t ncap = cap ? 2 * cap : 32;
      rule *r = brink_realloc(ctx, o->rules, ncap * sizeof *r);
      if (!r) {
        st = BRINK_ENOMEM;
        goto done;
      }
      o->rules = r;
      cap = ncap;
    }
    rule *r = &o->rules[o->n_rules];
    memset(r, 0, sizeof *r);
    if (strcmp(f[0], "csis") != 0 && strcmp(f[0], "timeline") != 0) {
      st =
          brink__fail(ctx, BRINK_EPARSE, "%s:%u:1: unknown source '%s' (expected csis or timeline)",
                      path, line, f[0]);
      goto done;
    }
    if ((st = copy_field(ctx, path, line, 1, r->source, sizeof r->source, f[0])) ||
        (st = copy_field(ctx, path, line, (size_t)(f[1] - row) + 1, r->key, sizeof r->key, f[1])) ||
        (st = copy_field(ctx, path, line, (size_t)(f[3] - row) + 1, r->record_actor,
                         sizeof r->record_actor, f[3])))
      goto done;
    if (!strcmp(f[2], "*"))
      r->icbm = -1;
    else if (!strcmp(f[2], "0") || !strcmp(f[2], "1"))
      r->icbm = f[2][0] - '0';
    else {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: icbm must be 0, 1 or *, found '%s'", path,
                       line, (size_t)(f[2] - row) + 1, f[2]);
      goto done;
    }
    r->actor = -1;
    if (strcmp(f[4], "-") != 0) {
      r->actor = brink_scenario_find_actor(sc, f[4]);
      if (r->actor < 0) {
        st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: scenario '%s' has no actor '%s'", path,
                         line, (size_t)(f[4] - row) + 1, sc->name, f[4]);
        goto done;
      }
      r->action = brink_actor_find_action(&sc->actors[r->actor], f[5]);
      if (r->action < 0) {
        st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: actor '%s' has no action '%s'", path, line,
                         (size_t)(f[5] - row) + 1, f[4], f[5]);
        goto done;
      }
    }
    int64_t rank = 0;
    if (brink_parse_i64(f[6], strlen(f[6]), &rank) || rank < 0 || rank > 1000) {
      st = brink__fail(ctx, BRINK_EPARSE,
                       "%s:%u:%zu: rank must be a whole number 0..1000, found '%s'", path, line,
                       (size_t)(f[6] - row) + 1, f[6]);
      goto done;
    }
    r->rank = (int)rank;
    o->n_rules++;
  }
done:
  brink_buf_release(&text);
  if (st) {
    brink_observation_free(o);
    return st;
  }
  *out = o;
  return BRINK_OK;
}

/* Whether a row's ';'-separated parties include code. */
static int has_party(const char *list, const char *code) {
  if (!strcmp(code, "*")) return 1;
  if (!list) return 0;
  size_t n = strlen(code);
  for (const char *p = list; *p;) {
    const char *semi = strchr(p, ';');
    size_t len = semi ? (size_t)(semi - p) : strlen(p);
    if (len == n && !memcmp(p, code, n)) return 1;
    if (!semi) break;
    p = semi + 1;
  }
  return 0;
}

brink_status brink_observation_acts(brink_ctx *ctx, const brink_observation *o,
                                    const brink_observed_row *rows, size_t n_rows, int32_t start,
                                    uint32_t n_steps, uint32_t observed, int *acts,
                                    brink_observation_report *rep) {
  const brink_scenario *sc = o->scenario;
  const size_t na = sc->n_actors;
  int *rank = brink_calloc(ctx, (size_t)n_steps * na, sizeof *rank);
  if (!rank) return BRINK_ENOMEM;
  memset(rep, 0, sizeof *rep);
  for (size_t t = 0; t < n_steps; t++)
    for (size_t i = 0; i < na; i++) {
      int hold = brink_actor_find_action(&sc->actors[i], "hold");
      acts[t * na + i] = (observed & (1u << i)) ? hold : BRINK_FILTER_FREE;
      rank[t * na + i] = -1;
    }
  const int64_t day0 = brink_event_date_days(start);
  size_t used = 0;
  for (size_t k = 0; k < n_rows; k++) {
    const brink_observed_row *row = &rows[k];
    rep->rows++;
    int64_t day = brink_event_date_days(row->date) - day0;
    if (day < 0 || day >= 7 * (int64_t)n_steps) {
      rep->outside++;
      continue;
    }
    size_t t = (size_t)(day / 7);
    int matched = 0, any = 0;
    for (size_t r = 0; r < o->n_rules; r++) {
      const rule *ru = &o->rules[r];
      if (strcmp(ru->source, row->source) != 0 || strcmp(ru->key, row->key) != 0) continue;
      if (ru->icbm >= 0 && ru->icbm != row->icbm) continue;
      if (!has_party(row->actor, ru->record_actor)) continue;
      any = 1;
      if (ru->actor < 0) continue;
      matched = 1;
      size_t cell = t * na + (size_t)ru->actor;
      if (ru->rank > rank[cell]) {
        if (rank[cell] >= 0) rep->overridden++;
        rank[cell] = ru->rank;
        acts[cell] = ru->action;
      } else {
        rep->overridden++;
      }
    }
    if (matched)
      rep->mapped++;
    else if (any)
      rep->ignored++;
    else {
      rep->unknown++;
      if (used + 1 < sizeof rep->unknown_list) {
        int w = snprintf(rep->unknown_list + used, sizeof rep->unknown_list - used,
                         "%s: %s %s %s\n", row->where ? row->where : "?", row->source, row->key,
                         row->actor ? row->actor : "-");
        if (w > 0)
          used = used + (size_t)w < sizeof rep->unknown_list ? used + (size_t)w
                                                             : sizeof rep->unknown_list - 1;
      }
    }
  }
  brink_free(ctx, rank);
  return BRINK_OK;
}
