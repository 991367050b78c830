/* SPDX-License-Identifier: MIT */
/* The record: TSV files of CSIS entries, launch days, timeline and allied rows, recognised by
 * their header, merged (a row in two files counts once) and counted by day, week and 52-week
 * window. Rows point into the text of their file, which the record keeps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brink/events.h"
#include "brink/record.h"
#include "internal.h"

#define RECORD_MAX_BYTES ((size_t)64 << 20)

typedef struct record_file {
  char *name;
  char *text; /* fields are cut in place: rows point here */
  size_t len; /* bytes of text (without the final NUL) */
} record_file;

struct brink_record {
  brink_ctx *ctx;
  record_file *files;
  size_t n_files, cap_files;
  brink_record_row *rows;
  size_t n_rows, cap_rows;
  size_t read, duplicate;
};

static const char *const format_names[] = {
#define F_NAME(e, name, header) name,
    BRINK_RECORD_FORMATS(F_NAME)
#undef F_NAME
};
static const char *const format_headers[] = {
#define F_HEADER(e, name, header) header,
    BRINK_RECORD_FORMATS(F_HEADER)
#undef F_HEADER
};
static const size_t format_fields[] = {6, 4, 6};
static const char *const class_names[] = {
#define C_NAME(e, name) name,
    BRINK_RECORD_CLASSES(C_NAME)
#undef C_NAME
};
static const char *const series_names[] = {
#define S_NAME(e, name, doc) name,
    BRINK_RECORD_SERIES(S_NAME)
#undef S_NAME
};
static const char *const stream_names[] = {
#define T_NAME(e, name, doc) name,
    BRINK_RECORD_STREAMS(T_NAME)
#undef T_NAME
};

const char *brink_record_format_name(brink_record_format f) {
  return (unsigned)f < BRINK_RECORD_FORMAT_COUNT ? format_names[f] : NULL;
}
const char *brink_record_class_name(brink_record_class c) {
  return (unsigned)c < BRINK_RECORD_CLASS_COUNT ? class_names[c] : NULL;
}
const char *brink_record_series_name(brink_record_series s) {
  return (unsigned)s < BRINK_RECORD_SERIES_COUNT ? series_names[s] : NULL;
}
const char *brink_record_stream_name(brink_record_stream s) {
  return (unsigned)s < BRINK_RECORD_STREAM_COUNT ? stream_names[s] : NULL;
}
brink_record_series brink_record_series_find(const char *name) {
  for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++)
    if (name && !strcmp(name, series_names[s])) return (brink_record_series)s;
  return BRINK_RECORD_SERIES_COUNT;
}

/* ---- Dates ------------------------------------------------------------------------------ */

int32_t brink_record_date_add(int32_t date, int64_t days) {
  return brink__date_from_days(brink__date_to_days(date) + days);
}
int64_t brink_record_date_diff(int32_t a, int32_t b) {
  return brink__date_to_days(b) - brink__date_to_days(a);
}
brink_status brink_record_date_parse(const char *s, int32_t *out) {
  return s ? brink_event_date_parse(s, strlen(s), out) : BRINK_EPARSE;
}

/* ---- Lifecycle -------------------------------------------------------------------------- */

brink_status brink_record_new(brink_ctx *ctx, brink_record **out) {
  *out = NULL;
  brink_record *rec = brink_calloc(ctx, 1, sizeof *rec);
  if (!rec) return BRINK_ENOMEM;
  rec->ctx = ctx;
  *out = rec;
  return BRINK_OK;
}

void brink_record_free(brink_record *rec) {
  if (!rec) return;
  for (size_t i = 0; i < rec->n_files; i++) {
    brink_free(rec->ctx, rec->files[i].name);
    brink_free(rec->ctx, rec->files[i].text);
  }
  brink_free(rec->ctx, rec->files);
  brink_free(rec->ctx, rec->rows);
  brink_free(rec->ctx, rec);
}

size_t brink_record_count(const brink_record *rec) { return rec->n_rows; }
const brink_record_row *brink_record_row_at(const brink_record *rec, size_t i) {
  return i < rec->n_rows ? &rec->rows[i] : NULL;
}

void brink_record_get_stats(const brink_record *rec, brink_record_stats *out) {
  memset(out, 0, sizeof *out);
  out->files = rec->n_files;
  out->read = rec->read;
  out->duplicate = rec->duplicate;
  out->rows = rec->n_rows;
  for (size_t i = 0; i < rec->n_rows; i++) {
    out->unmapped += !rec->rows[i].mapped;
    out->uncounted += rec->rows[i].mapped && !rec->rows[i].counted;
  }
  for (size_t i = 0; i < rec->n_files; i++) {
    /* the header line was cut at its newline: the text starts with it */
    for (int f = 0; f < BRINK_RECORD_FORMAT_COUNT; f++)
      if (!strcmp(rec->files[i].text, format_headers[f])) out->by_format[f]++;
  }
}

/* ---- Classification --------------------------------------------------------------------- */

static brink_record_class class_of(const char *text, int timeline) {
  /* CSIS classes are upper case, timeline event types lower case: each file kind only knows
   * its own vocabulary. */
  int first = timeline ? BRINK_RECORD_EXERCISE : BRINK_RECORD_BM;
  int last = timeline ? BRINK_RECORD_MISSILE_COUNT_YEAR : BRINK_RECORD_OTHER;
  for (int c = first; c <= last; c++)
    if (!strcmp(text, class_names[c])) return (brink_record_class)c;
  return BRINK_RECORD_UNKNOWN;
}

/* Is the token list "A;B;C" holding one of the names? */
static int has_token(const char *list, const char *const *names) {
  const char *p = list;
  while (*p) {
    const char *end = strchr(p, ';');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    while (n && p[0] == ' ') p++, n--;
    while (n && p[n - 1] == ' ') n--;
    for (size_t i = 0; names[i]; i++)
      if (strlen(names[i]) == n && !strncmp(p, names[i], n)) return 1;
    if (!end) break;
    p = end + 1;
  }
  return 0;
}

static brink_record_side side_of(const char *actor) {
  static const char *const allies[] = {"US", "ROK", "JPN", "UNSC", "SIX_PARTY", "ROK_JIG", NULL};
  static const char *const dprk[] = {"DPRK", NULL};
  if (has_token(actor, allies)) return BRINK_RECORD_SIDE_ALLIES;
  if (has_token(actor, dprk)) return BRINK_RECORD_SIDE_DPRK;
  return BRINK_RECORD_SIDE_OTHER;
}

/* The icbm flag of a launch row, from its CSIS label (the CSIS file's own flag wins on merge). */
static int label_says_icbm(const char *label) {
  static const char *const words[] = {"Inter-Continental", "Intercontinental", "ICBM", NULL};
  for (size_t i = 0; words[i]; i++)
    if (strstr(label, words[i])) return 1;
  return 0;
}

static void classify(brink_record_row *r) {
  r->mapped = r->cls != BRINK_RECORD_UNKNOWN && r->cls != BRINK_RECORD_MISSILE_COUNT_YEAR;
  if (r->format != BRINK_RECORD_FORMAT_TIMELINE) {
    r->side = BRINK_RECORD_SIDE_DPRK;
    r->counted = r->mapped;
    if (r->cls != BRINK_RECORD_BM) r->icbm = 0;
    return;
  }
  r->side = side_of(r->actor);
  r->icbm = 0;
  r->counted = r->mapped && r->side != BRINK_RECORD_SIDE_DPRK;
}

uint32_t brink_record_row_streams(const brink_record_row *r) {
  uint32_t m = 0;
  if (!r->counted) return 0;
#define BIT(s) (1u << BRINK_RECORD_STREAM_##s)
  if (r->side == BRINK_RECORD_SIDE_DPRK) {
    if (r->cls == BRINK_RECORD_BM) m |= BIT(DPRK_BM) | (r->icbm ? BIT(DPRK_ICBM) : 0u);
    if (r->cls == BRINK_RECORD_NUCLEAR) m |= BIT(DPRK_NUCLEAR);
    if (r->cls == BRINK_RECORD_CLASH) m |= BIT(DPRK_CLASH);
    return m;
  }
  if (r->cls == BRINK_RECORD_SANCTIONS_UNSC) m |= BIT(ALLIED_SANCTIONS);
  if (r->side != BRINK_RECORD_SIDE_ALLIES) return m;
  switch (r->cls) {
  case BRINK_RECORD_EXERCISE:
    return m | BIT(ALLIED_EXERCISE);
  case BRINK_RECORD_EXERCISE_SUSPENDED:
    return m | BIT(ALLIED_SUSPENSION);
  case BRINK_RECORD_DEPLOYMENT:
    return m | BIT(ALLIED_DEPLOYMENT);
  case BRINK_RECORD_SANCTIONS_UNILATERAL:
    return m | BIT(ALLIED_SANCTIONS);
  case BRINK_RECORD_TALKS:
  case BRINK_RECORD_SUMMIT:
    return m | BIT(ALLIED_OFFER);
  default:
    return m;
  }
#undef BIT
}

/* ---- Reading ---------------------------------------------------------------------------- */

static int same_row(const brink_record_row *a, const brink_record_row *b) {
  if (a->date != b->date || a->cls != b->cls || strcmp(a->type, b->type)) return 0;
  int a_tl = a->format == BRINK_RECORD_FORMAT_TIMELINE,
      b_tl = b->format == BRINK_RECORD_FORMAT_TIMELINE;
  if (a_tl != b_tl) return 0;
  if (a_tl) return !strcmp(a->actor, b->actor) && !strcmp(a->target, b->target);
  /* CSIS lists a few entries twice with the same label and different links (2001-12-22):
   * they stay two entries; a launch row carries its CSIS entry's first link. */
  return !strcmp(a->label, b->label) && !strcmp(a->source, b->source);
}

static int row_order(const void *pa, const void *pb) {
  const brink_record_row *a = pa, *b = pb;
  if (a->date != b->date) return a->date < b->date ? -1 : 1;
  /* files are read in order and rows keep their index within a load: file then line */
  if (a->file != b->file) return a->file < b->file ? -1 : 1;
  return a->line < b->line ? -1 : a->line > b->line;
}

/* Cuts line (NUL-terminated) in place at its first max - 1 tabs into fields[0..max) with their
 * 1-based columns; *total is the number of tab-separated fields of the whole line. */
static void split(char *line, char **fields, size_t *cols, size_t max, size_t *total) {
  size_t n = 0;
  char *p = line;
  *total = 1;
  for (char *q = line; *q; q++) *total += *q == '\t';
  while (n < max) {
    fields[n] = p;
    cols[n] = (size_t)(p - line) + 1;
    n++;
    char *tab = strchr(p, '\t');
    if (!tab) break;
    *tab = '\0';
    p = tab + 1;
  }
}

static size_t lower(const brink_record *rec, int32_t d);

static brink_status grow_rows(brink_record *rec, size_t need) {
  if (need <= rec->cap_rows) return BRINK_OK;
  size_t cap = rec->cap_rows ? rec->cap_rows : 64;
  while (cap < need) cap *= 2;
  brink_record_row *rows = brink_realloc(rec->ctx, rec->rows, cap * sizeof *rows);
  if (!rows) return BRINK_ENOMEM;
  rec->rows = rows;
  rec->cap_rows = cap;
  return BRINK_OK;
}

brink_status brink_record_parse(brink_record *rec, const char *text, size_t len, const char *name) {
  brink_ctx *ctx = rec->ctx;
  brink_status st = BRINK_OK;
  record_file file = {NULL, NULL, len};
  brink_record_row *fresh = NULL;
  size_t n_fresh = 0, cap_fresh = 0, read = 0;
  name = name ? name : "record";
  if (!text && len) return brink__fail(ctx, BRINK_EINVAL, "%s: no text to parse", name);
  file.name = brink_strdup(ctx, name);
  file.text = brink_strndup(ctx, text ? text : "", len);
  if (!file.name || !file.text) {
    st = BRINK_ENOMEM;
    goto done;
  }
  if (strlen(file.text) != len) {
    st = brink__fail(ctx, BRINK_EPARSE, "%s: a NUL byte: expected tab-separated text", name);
    goto done;
  }
  /* The header decides the kind. */
  char *p = file.text;
  char *eol = strchr(p, '\n');
  if (eol) *eol = '\0';
  size_t hl = strlen(p);
  if (hl && p[hl - 1] == '\r') p[--hl] = '\0';
  int format = -1;
  for (int f = 0; f < BRINK_RECORD_FORMAT_COUNT; f++)
    if (!strcmp(p, format_headers[f])) format = f;
  if (format < 0) {
    st = brink__fail(ctx, BRINK_EPARSE,
                     "%s:1:1: unrecognised header '%.60s': expected a CSIS provocations, launch "
                     "events, timeline or allied record header (docs/validation.md)",
                     name, p);
    goto done;
  }
  uint32_t line = 1;
  while (eol) {
    p = eol + 1;
    line++;
    eol = strchr(p, '\n');
    if (eol) *eol = '\0';
    size_t n = strlen(p);
    if (n && p[n - 1] == '\r') p[--n] = '\0';
    if (n == 0) continue; /* blank lines (a final newline) carry nothing */
    char *f[6];
    size_t col[6], total;
    size_t want = format_fields[format];
    split(p, f, col, want, &total);
    if (total != want) {
      st = brink__fail(ctx, BRINK_EPARSE,
                       "%s:%u:%zu: found %zu tab-separated fields, expected %zu (%s file)", name,
                       line, total < want ? n + 1 : col[want - 1] + strlen(f[want - 1]), total,
                       want, format_names[format]);
      goto done;
    }
    read++;
    brink_record_row r;
    memset(&r, 0, sizeof r);
    if (brink_event_date_parse(f[0], strlen(f[0]), &r.date)) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:1: bad date '%.40s': expected YYYY-MM-DD", name,
                       line, f[0]);
      goto done;
    }
    r.format = (brink_record_format)format;
    r.file = file.name;
    r.line = line;
    r.actor = "DPRK";
    r.target = "";
    if (format == BRINK_RECORD_FORMAT_TIMELINE) {
      r.actor = f[1];
      r.target = f[2];
      r.type = f[3];
      r.label = f[4];
      r.source = f[5];
      if (!*f[1]) {
        st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: empty actor: expected e.g. 'US;ROK'", name,
                         line, col[1]);
        goto done;
      }
    } else {
      r.type = f[1];
      r.label = format == BRINK_RECORD_FORMAT_CSIS ? f[4] : f[2];
      r.source = format == BRINK_RECORD_FORMAT_CSIS ? f[5] : f[3];
    }
    r.cls = class_of(r.type, format == BRINK_RECORD_FORMAT_TIMELINE);
    if (format == BRINK_RECORD_FORMAT_CSIS) {
      const char *flag = f[2];
      if (!strcmp(flag, "1") || !strcmp(flag, "0")) {
        r.icbm = flag[0] == '1';
      } else if (*flag || r.cls == BRINK_RECORD_BM) {
        st = brink__fail(ctx, BRINK_EPARSE,
                         "%s:%u:%zu: bad icbm '%.20s': expected 0 or 1 on a BM row, empty on "
                         "other classes",
                         name, line, col[2], flag);
        goto done;
      }
      if (*flag && r.cls != BRINK_RECORD_BM && r.cls != BRINK_RECORD_UNKNOWN && r.icbm) {
        st = brink__fail(ctx, BRINK_EPARSE,
                         "%s:%u:%zu: icbm 1 on a %s row: expected it on BM rows only", name, line,
                         col[2], r.type);
        goto done;
      }
    } else if (format == BRINK_RECORD_FORMAT_LAUNCH) {
      r.icbm = label_says_icbm(r.label);
    }
    classify(&r);
    if (n_fresh == cap_fresh) {
      size_t cap = cap_fresh ? cap_fresh * 2 : 64;
      brink_record_row *grown = brink_realloc(ctx, fresh, cap * sizeof *grown);
      if (!grown) {
        st = BRINK_ENOMEM;
        goto done;
      }
      fresh = grown;
      cap_fresh = cap;
    }
    fresh[n_fresh++] = r;
  }

  /* Merge: everything is read, so the record only changes once nothing can fail but the
   * allocations below, which come first. */
  st = grow_rows(rec, rec->n_rows + n_fresh);
  if (st) goto done;
  if (rec->n_files == rec->cap_files) {
    size_t cap = rec->cap_files ? rec->cap_files * 2 : 4;
    record_file *files = brink_realloc(ctx, rec->files, cap * sizeof *files);
    if (!files) {
      st = BRINK_ENOMEM;
      goto done;
    }
    rec->files = files;
    rec->cap_files = cap;
  }
  size_t before = rec->n_rows;
  for (size_t i = 0; i < n_fresh; i++) {
    brink_record_row *same = NULL;
    for (size_t j = 0; j < rec->n_rows && !same; j++)
      if (same_row(&rec->rows[j], &fresh[i])) same = &rec->rows[j];
    if (same) {
      same->merged++;
      rec->duplicate++;
      if (fresh[i].format == BRINK_RECORD_FORMAT_CSIS && same->format == BRINK_RECORD_FORMAT_LAUNCH)
        same->icbm = fresh[i].icbm;
      continue;
    }
    rec->rows[rec->n_rows++] = fresh[i];
  }
  rec->read += read;
  rec->files[rec->n_files++] = file;
  file.name = file.text = NULL;
  if (rec->n_rows > before) qsort(rec->rows, rec->n_rows, sizeof *rec->rows, row_order);

done:
  brink_free(ctx, fresh);
  brink_free(ctx, file.name);
  brink_free(ctx, file.text);
  if (st == BRINK_ENOMEM) return brink__fail(ctx, st, "%s: out of memory", name);
  return st;
}

brink_status brink_record_load(brink_record *rec, const char *path) {
  brink_ctx *ctx = rec->ctx;
  brink_buf b;
  brink_buf_init(&b, ctx, RECORD_MAX_BYTES);
  brink_status st = brink__read_file(ctx, path, &b);
  if (!st) st = brink_record_parse(rec, b.data, b.len, path);
  brink_buf_release(&b);
  return st;
}

brink_status brink_record_before(const brink_record *rec, int32_t origin, brink_record **out) {
  brink_ctx *ctx = rec->ctx;
  brink_record *copy = NULL;
  *out = NULL;
  brink_status st = brink_record_new(ctx, &copy);
  if (st) return brink__fail(ctx, st, "record: out of memory");
  size_t n = lower(rec, origin);
  /* Rows point into the files' text: the copy takes its own copy of every file. */
  copy->files = brink_calloc(ctx, rec->n_files + 1, sizeof *copy->files);
  st = copy->files ? grow_rows(copy, n + 1) : BRINK_ENOMEM;
  if (st) goto done;
  copy->cap_files = rec->n_files + 1;
  for (size_t i = 0; i < rec->n_files; i++) {
    record_file *dst = &copy->files[copy->n_files++];
    dst->len = rec->files[i].len;
    dst->name = brink_strdup(ctx, rec->files[i].name);
    dst->text = brink_malloc(ctx, dst->len + 1);
    if (!dst->name || !dst->text) {
      st = BRINK_ENOMEM;
      goto done;
    }
    memcpy(dst->text, rec->files[i].text, dst->len + 1);
  }
  for (size_t r = 0; r < n; r++) {
    brink_record_row row = rec->rows[r];
    size_t fi = 0;
    while (rec->files[fi].name != row.file) fi++;
    const record_file *src = &rec->files[fi];
    const char *dst = copy->files[fi].text;
#define REBASE(field)                                                                              \
  if (row.field >= src->text && row.field <= src->text + src->len)                                 \
  row.field = dst + (row.field - src->text)
    REBASE(type);
    REBASE(label);
    REBASE(source);
    REBASE(actor);
    REBASE(target);
#undef REBASE
    row.file = copy->files[fi].name;
    copy->rows[copy->n_rows++] = row;
  }
  copy->read = rec->read;
  copy->duplicate = rec->duplicate;

done:
  if (st) {
    brink_record_free(copy);
    return brink__fail(ctx, st, "record: out of memory");
  }
  *out = copy;
  return BRINK_OK;
}

/* ---- Counting --------------------------------------------------------------------------- */

/* Does a counted row belong to the series? */
static int in_series(const brink_record_row *r, brink_record_series s) {
  if (!r->counted || r->side != BRINK_RECORD_SIDE_DPRK) return 0;
  switch (s) {
  case BRINK_RECORD_SERIES_BM_LAUNCH_DAYS:
    return r->cls == BRINK_RECORD_BM;
  case BRINK_RECORD_SERIES_ICBM_LAUNCH_DAYS:
    return r->cls == BRINK_RECORD_BM && r->icbm;
  case BRINK_RECORD_SERIES_NUCLEAR_TESTS:
    return r->cls == BRINK_RECORD_NUCLEAR;
  case BRINK_RECORD_SERIES_CLASH_DAYS:
    return r->cls == BRINK_RECORD_CLASH;
  default:
    return 0; /* armed_conflict: no war began in the record */
  }
}

static int by_days(brink_record_series s) { return s != BRINK_RECORD_SERIES_NUCLEAR_TESTS; }

/* First row with date >= d (rows are sorted by date). */
static size_t lower(const brink_record *rec, int32_t d) {
  size_t lo = 0, hi = rec->n_rows;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (rec->rows[mid].date < d)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

uint32_t brink_record_series_count(const brink_record *rec, brink_record_series series,
                                   int32_t from, int32_t to) {
  uint32_t n = 0;
  int32_t last = 0;
  for (size_t i = lower(rec, from); i < rec->n_rows && rec->rows[i].date < to; i++) {
    const brink_record_row *r = &rec->rows[i];
    if (!in_series(r, series)) continue;
    if (by_days(series) && n && r->date == last) continue;
    n++;
    last = r->date;
  }
  return n;
}

void brink_record_series_windows(const brink_record *rec, brink_record_series series,
                                 int32_t origin, int first, size_t n, uint32_t *counts) {
  for (size_t i = 0; i < n; i++) {
    int64_t k = (int64_t)first + (int64_t)i;
    int32_t from = brink_record_date_add(origin, 364 * k);
    int32_t to = brink_record_date_add(origin, 364 * (k + 1));
    counts[i] = brink_record_series_count(rec, series, from, to);
  }
}

void brink_record_series_weekly(const brink_record *rec, brink_record_series series, int32_t start,
                                size_t n_weeks, uint32_t *counts) {
  for (size_t w = 0; w < n_weeks; w++)
    counts[w] = brink_record_series_count(rec, series, brink_record_date_add(start, 7 * (int64_t)w),
                                          brink_record_date_add(start, 7 * (int64_t)(w + 1)));
}

void brink_record_class_weekly(const brink_record *rec, brink_record_side side,
                               brink_record_class cls, int32_t start, size_t n_weeks,
                               uint32_t *counts) {
  memset(counts, 0, n_weeks * sizeof *counts);
  int64_t day0 = brink__date_to_days(start);
  for (size_t i = lower(rec, start); i < rec->n_rows; i++) {
    const brink_record_row *r = &rec->rows[i];
    int64_t w = (brink__date_to_days(r->date) - day0) / 7;
    if (w >= (int64_t)n_weeks) break;
    if (r->counted && r->side == side && r->cls == cls) counts[w]++;
  }
}
