/* SPDX-License-Identifier: MIT */
/* Streaming event-data readers: GDELT 1.0/2.0 (tab-separated, no header), ICEWS .tab (header)
 * and CSV (header + mapping), plain or in a one-file .zip. Rows are split in place in one
 * buffer (memchr, no allocation per row or field); bad rows are counted and reported. */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "brink/cameo.h"
#include "brink/events.h"
#include "events_internal.h"
#include "internal.h"

#define CHUNK_BYTES ((size_t)256 * 1024)
#define LINE_MAX_BYTES ((size_t)1024 * 1024)
/* The buffer holds a whole line of the limit plus its CR LF, so a line of exactly
 * LINE_MAX_BYTES is accepted (it was rejected). */
#define BUF_MAX_BYTES (LINE_MAX_BYTES + 2)
#define MAX_FIELDS 64
#define DETECT_LINES 16

/* Fields a header-driven format (ICEWS, CSV) maps onto columns. */
enum {
  F_ID,
  F_DATE,
  F_ADDED,
  F_A1COUNTRY,
  F_A2COUNTRY,
  F_CODE,
  F_A1CODE,
  F_A2CODE,
  F_A1TYPE,
  F_A2TYPE,
  F_URL,
  F_WEIGHT,
  F_COUNT
};
static const char *const csv_field_names[F_COUNT] = {
    "id",   "date",        "added",       "actor1_country", "actor2_country",
    "code", "actor1_code", "actor2_code", "actor1_type",    "actor2_type",
    "url",  "weight"};
static const char *const icews_field_names[F_COUNT] = {
    "Event ID",       "Event Date",     "",
    "Source Country", "Target Country", "CAMEO Code",
    "Source Name",    "Target Name",    "Source Sectors",
    "Target Sectors", "Story ID",       "Intensity"};

/* ICEWS names countries; the index matches CAMEO codes. Names not listed are kept verbatim. */
static const struct {
  const char *name, *code;
} icews_countries[] = {
    {"Afghanistan", "AFG"},
    {"Australia", "AUS"},
    {"Canada", "CAN"},
    {"China", "CHN"},
    {"France", "FRA"},
    {"Germany", "DEU"},
    {"India", "IND"},
    {"Iran", "IRN"},
    {"Iraq", "IRQ"},
    {"Israel", "ISR"},
    {"Japan", "JPN"},
    {"Mongolia", "MNG"},
    {"North Korea", "PRK"},
    {"Pakistan", "PAK"},
    {"Philippines", "PHL"},
    {"Russia", "RUS"},
    {"Russian Federation", "RUS"},
    {"South Korea", "KOR"},
    {"Syria", "SYR"},
    {"Taiwan", "TWN"},
    {"Ukraine", "UKR"},
    {"United Kingdom", "GBR"},
    {"United States", "USA"},
    {"Vietnam", "VNM"},
};

struct brink_event_reader {
  brink_ctx *ctx;
  brink_event_format format;
  int strict;
  brink_event_bad_fn on_bad;
  void *userdata;
  char *where;
  /* Source: one of file, memory, zip entry. */
  FILE *fp;
  const unsigned char *mem;
  size_t mem_len, mem_pos;
  zip_t *zip;
  zip_file_t *zfile;
  /* Buffer: bytes [pos, end) are unread; one spare byte for a final NUL. */
  char *buf;
  size_t cap, pos, end;
  int eof;
  brink_event_read_stats stats;
  /* Header formats: column of each field (-1: absent), number of header columns. */
  int col[F_COUNT];
  size_t header_fields;
  char *fields[MAX_FIELDS];
  brink_event ev;
  brink_buf msg;
  char url[64];
};

const char *brink_event_format_name(brink_event_format format) {
  switch (format) {
  case BRINK_EVENT_FORMAT_GDELT1:
    return "gdelt1";
  case BRINK_EVENT_FORMAT_GDELT2:
    return "gdelt2";
  case BRINK_EVENT_FORMAT_ICEWS:
    return "icews";
  case BRINK_EVENT_FORMAT_CSV:
    return "csv";
  case BRINK_EVENT_FORMAT_AUTO:
  default:
    return "auto";
  }
}

brink_status brink_event_format_parse(brink_ctx *ctx, const char *name, brink_event_format *out) {
  static const brink_event_format all[] = {BRINK_EVENT_FORMAT_AUTO, BRINK_EVENT_FORMAT_GDELT1,
                                           BRINK_EVENT_FORMAT_GDELT2, BRINK_EVENT_FORMAT_ICEWS,
                                           BRINK_EVENT_FORMAT_CSV};
  for (size_t i = 0; i < BRINK_ARRAY_LEN(all); i++)
    if (strcmp(name, brink_event_format_name(all[i])) == 0) {
      *out = all[i];
      return BRINK_OK;
    }
  return brink__fail(ctx, BRINK_EINVAL,
                     "unknown event format '%s', expected auto, gdelt1, gdelt2, icews or csv",
                     name);
}

/* ---- Input ------------------------------------------------------------------------------ */

/* Reads up to n bytes of text from the source into dst; 0 at the end. */
static brink_status source_read(brink_event_reader *r, char *dst, size_t n, size_t *got) {
  *got = 0;
  if (r->zfile) {
    zip_int64_t k = zip_fread(r->zfile, dst, n);
    if (k < 0)
      return brink__fail(r->ctx, BRINK_EIO, "cannot read '%s': %s", r->where,
                         zip_file_strerror(r->zfile)); /* the file's error: a CRC mismatch */
    *got = (size_t)k;
  } else if (r->fp) {
    *got = fread(dst, 1, n, r->fp);
    if (*got == 0 && ferror(r->fp))
      return brink__fail(r->ctx, BRINK_EIO, "cannot read '%s'", r->where);
  } else if (r->mem) {
    size_t k = r->mem_len - r->mem_pos;
    if (k > n) k = n;
    memcpy(dst, r->mem + r->mem_pos, k);
    r->mem_pos += k;
    *got = k;
  }
  return BRINK_OK;
}

/* Moves unread bytes to the front and reads more; grows the buffer up to the line limit. */
static brink_status fill(brink_event_reader *r) {
  if (r->pos > 0) {
    memmove(r->buf, r->buf + r->pos, r->end - r->pos);
    r->end -= r->pos;
    r->pos = 0;
  }
  if (r->end == r->cap && r->cap < BUF_MAX_BYTES) {
    size_t cap = r->cap * 2 > BUF_MAX_BYTES ? BUF_MAX_BYTES : r->cap * 2;
    char *b = brink_realloc(r->ctx, r->buf, cap + 1);
    if (!b) return BRINK_ENOMEM;
    r->buf = b;
    r->cap = cap;
  }
  if (r->end == r->cap) return BRINK_OK; /* full: the caller handles an overlong line */
  size_t got = 0;
  brink_status st = source_read(r, r->buf + r->end, r->cap - r->end, &got);
  if (st) return st;
  if (got == 0) r->eof = 1;
  r->end += got;
  return BRINK_OK;
}

static brink_status report_bad(brink_event_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static brink_status report_bad(brink_event_reader *r, const char *fmt, ...) {
  brink_buf_reset(&r->msg);
  va_list ap;
  va_start(ap, fmt);
  brink_status st = brink_buf_vprintf(&r->msg, fmt, ap);
  va_end(ap);
  if (st) return st;
  r->stats.bad++;
  if (r->on_bad) r->on_bad(r->userdata, r->where, r->stats.lines, r->msg.data);
  if (r->strict)
    return brink__fail(r->ctx, BRINK_EPARSE, "%s:%llu: %s", r->where,
                       (unsigned long long)r->stats.lines, r->msg.data);
  return BRINK_OK;
}

/* The next line (newline and a trailing CR removed, NUL-terminated in the buffer), or
 * *line = NULL at the end. A line longer than the limit is a bad row and is skipped. */
static brink_status next_line(brink_event_reader *r, char **line, size_t *len) {
  brink_status st = BRINK_OK;
  *line = NULL;
  for (;;) {
    char *start = r->buf + r->pos;
    char *nl = memchr(start, '\n', r->end - r->pos);
    if (nl || (r->eof && r->pos < r->end)) {
      size_t n = nl ? (size_t)(nl - start) : r->end - r->pos;
      start[n] = '\0';
      r->pos += nl ? n + 1 : n;
      r->stats.bytes += nl ? n + 1 : n;
      r->stats.lines++;
      if (n > 0 && start[n - 1] == '\r') start[--n] = '\0';
      if (n > LINE_MAX_BYTES) {
        if ((st = report_bad(r, "line longer than %zu bytes", LINE_MAX_BYTES))) goto done;
        continue;
      }
      const char *nul = memchr(start, '\0', n);
      if (nul) {
        /* C strings would end at the NUL: "19\0 0" would be stored as "19". */
        if ((st = report_bad(r, "NUL byte at column %zu", (size_t)(nul - start) + 1))) goto done;
        continue;
      }
      *line = start;
      *len = n;
      goto done;
    }
    if (r->eof) goto done;
    if (r->pos == 0 && r->end == r->cap && r->cap >= BUF_MAX_BYTES) {
      /* Overlong line: drop it up to its newline, then report it. */
      r->stats.lines++;
      int found = 0;
      while (!found && !r->eof) {
        nl = memchr(r->buf, '\n', r->end);
        if (nl) {
          r->pos = (size_t)(nl - r->buf) + 1;
          r->stats.bytes += r->pos;
          found = 1;
        } else {
          r->stats.bytes += r->end;
          r->pos = r->end = 0;
          if ((st = fill(r))) goto done;
        }
      }
      if ((st = report_bad(r, "line longer than %zu bytes", LINE_MAX_BYTES))) goto done;
      continue;
    }
    if ((st = fill(r))) goto done;
  }
done:
  return st;
}

/* ---- Splitting -------------------------------------------------------------------------- */

/* Splits a NUL-terminated line on tabs in place; returns the number of fields (which may
 * exceed MAX_FIELDS; only the first MAX_FIELDS are kept). */
static size_t split_tabs(brink_event_reader *r, char *line, size_t len) {
  size_t n = 0;
  char *p = line, *end = line + len;
  for (;;) {
    char *tab = memchr(p, '\t', (size_t)(end - p));
    if (n < MAX_FIELDS) r->fields[n] = p;
    n++;
    if (!tab) break;
    *tab = '\0';
    p = tab + 1;
  }
  return n;
}

/* Splits a CSV line in place (RFC 4180 quoting within one line); *bad_quote is set for an
 * unterminated quote or text after a closing quote. */
static size_t split_csv(brink_event_reader *r, char *line, size_t len, int *bad_quote) {
  size_t n = 0;
  char *p = line, *end = line + len;
  *bad_quote = 0;
  for (;;) {
    char *field = p;
    if (p < end && *p == '"') {
      char *w = p;
      p++;
      for (;;) {
        if (p >= end) {
          *bad_quote = 1;
          break;
        }
        if (*p == '"') {
          if (p + 1 < end && p[1] == '"') {
            *w++ = '"';
            p += 2;
            continue;
          }
          p++;
          break;
        }
        *w++ = *p++;
      }
      if (p < end && *p != ',') {
        *bad_quote = 1;
        char *comma = memchr(p, ',', (size_t)(end - p));
        p = comma ? comma : end;
      }
      *w = '\0';
      if (n < MAX_FIELDS) r->fields[n] = field;
      n++;
      if (p >= end) break;
      p++;
    } else {
      char *comma = memchr(p, ',', (size_t)(end - p));
      if (n < MAX_FIELDS) r->fields[n] = field;
      n++;
      if (!comma) break;
      *comma = '\0';
      p = comma + 1;
    }
  }
  return n;
}

/* ---- Field parsing ---------------------------------------------------------------------- */

static int parse_i64_field(const char *s, int64_t *out) {
  return brink_parse_i64(s, strlen(s), out) == BRINK_OK;
}

static int parse_f64_field(const char *s, double *out) {
  return brink_parse_f64(s, strlen(s), out) == BRINK_OK;
}

/* "YYYYMMDDHHMMSS", or a day (then HHMMSS = 0). */
static int parse_added(const char *s, int64_t *out) {
  size_t n = strlen(s);
  int32_t day;
  if (n == 14) {
    if (brink_event_date_parse(s, 8, &day)) return 0;
    int64_t hms;
    if (brink_parse_i64(s + 8, 6, &hms) || hms < 0) return 0;
    if (hms / 10000 > 23 || hms / 100 % 100 > 59 || hms % 100 > 60) return 0;
    *out = (int64_t)day * 1000000 + hms;
    return 1;
  }
  if (brink_event_date_parse(s, n, &day)) return 0;
  *out = (int64_t)day * 1000000;
  return 1;
}

/* Looks up the CAMEO code; sets goldstein and quadclass. */
static int set_code(brink_event *ev, const char *code) {
  ev->code = code;
  if (brink_cameo_goldstein(code, &ev->goldstein)) return 0;
  ev->quadclass = brink_cameo_quadclass(code);
  return ev->quadclass != 0;
}

static void clear_event(brink_event *ev, int source) {
  *ev = (brink_event){0};
  ev->source = source;
  ev->actor1_code = ev->actor1_country = ev->actor1_type = "";
  ev->actor2_code = ev->actor2_country = ev->actor2_type = "";
  ev->code = ev->source_url = "";
  ev->file_weight = (double)NAN;
}

/* ---- GDELT ------------------------------------------------------------------------------ */

/* 0-based columns shared by 1.0 and 2.0 (before the geography blocks). */
enum {
  G_ID = 0,
  G_SQLDATE = 1,
  G_A1CODE = 5,
  G_A1COUNTRY = 7,
  G_A1TYPE = 12,
  G_A2CODE = 15,
  G_A2COUNTRY = 17,
  G_A2TYPE = 22,
  G_ISROOT = 25,
  G_EVENTCODE = 26,
  G_GOLDSTEIN = 30,
  G_MENTIONS = 31,
  G_SOURCES = 32,
  G_ARTICLES = 33,
  G_TONE = 34
};

static brink_status parse_gdelt(brink_event_reader *r, char *line, size_t len, int *ok) {
  *ok = 0;
  size_t nf = split_tabs(r, line, len);
  int v2 = r->format == BRINK_EVENT_FORMAT_GDELT2;
  if (v2 ? nf != 61 : (nf != 57 && nf != 58))
    return report_bad(r, "found %zu tab-separated fields, expected %s", nf,
                      v2 ? "61 (GDELT 2.0)" : "57 or 58 (GDELT 1.0)");
  char **f = r->fields;
  brink_event *ev = &r->ev;
  clear_event(ev, BRINK_EVENT_SOURCE_GDELT);
  if (!parse_i64_field(f[G_ID], &ev->id) || ev->id < 0)
    return report_bad(r, "bad GLOBALEVENTID '%.40s', expected a whole number", f[G_ID]);
  if (strlen(f[G_SQLDATE]) != 8 || brink_event_date_parse(f[G_SQLDATE], 8, &ev->date))
    return report_bad(r, "bad SQLDATE '%.40s', expected a day YYYYMMDD", f[G_SQLDATE]);
  if (!set_code(ev, f[G_EVENTCODE]))
    return report_bad(r, "unknown CAMEO event code '%.40s' in EventCode", f[G_EVENTCODE]);
  if (f[G_GOLDSTEIN][0] && !parse_f64_field(f[G_GOLDSTEIN], &ev->file_weight))
    return report_bad(r, "bad GoldsteinScale '%.40s', expected a number", f[G_GOLDSTEIN]);
  int64_t is_root = 0;
  if (f[G_ISROOT][0] && (!parse_i64_field(f[G_ISROOT], &is_root) || is_root < 0 || is_root > 1))
    return report_bad(r, "bad IsRootEvent '%.40s', expected 0 or 1", f[G_ISROOT]);
  ev->is_root = (int)is_root;
  if ((f[G_MENTIONS][0] && !parse_i64_field(f[G_MENTIONS], &ev->num_mentions)) ||
      (f[G_SOURCES][0] && !parse_i64_field(f[G_SOURCES], &ev->num_sources)) ||
      (f[G_ARTICLES][0] && !parse_i64_field(f[G_ARTICLES], &ev->num_articles)))
    return report_bad(r,
                      "bad NumMentions/NumSources/NumArticles '%.20s' '%.20s' '%.20s', "
                      "expected whole numbers",
                      f[G_MENTIONS], f[G_SOURCES], f[G_ARTICLES]);
  if (f[G_TONE][0] && !parse_f64_field(f[G_TONE], &ev->avg_tone))
    return report_bad(r, "bad AvgTone '%.40s', expected a number", f[G_TONE]);
  size_t added_col = v2 ? 59 : 56;
  const char *added = f[added_col];
  if (added[0] && (strlen(added) != (v2 ? 14u : 8u) || !parse_added(added, &ev->added)))
    return report_bad(r, "bad DATEADDED '%.40s', expected %s", added,
                      v2 ? "YYYYMMDDHHMMSS" : "YYYYMMDD");
  ev->actor1_code = f[G_A1CODE];
  ev->actor1_country = f[G_A1COUNTRY];
  ev->actor1_type = f[G_A1TYPE];
  ev->actor2_code = f[G_A2CODE];
  ev->actor2_country = f[G_A2COUNTRY];
  ev->actor2_type = f[G_A2TYPE];
  ev->source_url = v2 ? f[60] : nf == 58 ? f[57] : "";
  *ok = 1;
  return BRINK_OK;
}

/* ---- ICEWS and CSV ---------------------------------------------------------------------- */

static const char *field_at(brink_event_reader *r, int field) {
  int c = r->col[field];
  return c >= 0 ? r->fields[c] : "";
}

static const char *icews_country(const char *name) {
  for (size_t i = 0; i < BRINK_ARRAY_LEN(icews_countries); i++)
    if (strcmp(icews_countries[i].name, name) == 0) return icews_countries[i].code;
  return name;
}

/* ICEWS sectors ("Government,Executive") to a GDELT-style type code. */
static const char *icews_type(const char *sectors) {
  if (strstr(sectors, "Military")) return "MIL";
  if (strstr(sectors, "Police")) return "COP";
  if (strstr(sectors, "Government") || strstr(sectors, "Executive") || strstr(sectors, "Cabinet"))
    return "GOV";
  return "";
}

/* 64-bit FNV-1a of the raw row: the id of CSV rows that have no id column. */
static int64_t row_hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603u;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211u;
  }
  return (int64_t)(h >> 2);
}

static brink_status parse_header_row(brink_event_reader *r, char *line, size_t len, int *ok) {
  *ok = 0;
  int icews = r->format == BRINK_EVENT_FORMAT_ICEWS;
  int64_t hash = 0;
  if (!icews && r->col[F_ID] < 0) hash = row_hash(line, len);
  int bad_quote = 0;
  size_t nf = icews ? split_tabs(r, line, len) : split_csv(r, line, len, &bad_quote);
  if (bad_quote) return report_bad(r, "unterminated or malformed quoted field");
  if (nf != r->header_fields)
    return report_bad(r, "found %zu %s fields, expected %zu as in the header", nf,
                      icews ? "tab-separated" : "comma-separated", r->header_fields);
  brink_event *ev = &r->ev;
  clear_event(ev, icews ? BRINK_EVENT_SOURCE_ICEWS : BRINK_EVENT_SOURCE_CSV);
  const char *id = field_at(r, F_ID);
  if (r->col[F_ID] >= 0) {
    if (!parse_i64_field(id, &ev->id) || ev->id < 0)
      return report_bad(r, "bad %s '%.40s', expected a whole number", icews ? "Event ID" : "id",
                        id);
  } else {
    ev->id = hash;
  }
  const char *date = field_at(r, F_DATE);
  if (brink_event_date_parse(date, strlen(date), &ev->date))
    return report_bad(r, "bad %s '%.40s', expected a day YYYY-MM-DD or YYYYMMDD",
                      icews ? "Event Date" : "date", date);
  const char *code = field_at(r, F_CODE);
  if (!set_code(ev, code))
    return report_bad(r, "unknown CAMEO event code '%.40s' in %s", code,
                      icews ? "CAMEO Code" : "code");
  const char *weight = field_at(r, F_WEIGHT);
  if (weight[0] && !parse_f64_field(weight, &ev->file_weight))
    return report_bad(r, "bad %s '%.40s', expected a number", icews ? "Intensity" : "weight",
                      weight);
  const char *added = field_at(r, F_ADDED);
  if (added[0] && !parse_added(added, &ev->added))
    return report_bad(r, "bad added '%.40s', expected YYYYMMDDHHMMSS or a day", added);
  ev->actor1_code = field_at(r, F_A1CODE);
  ev->actor2_code = field_at(r, F_A2CODE);
  if (icews) {
    ev->actor1_country = icews_country(field_at(r, F_A1COUNTRY));
    ev->actor2_country = icews_country(field_at(r, F_A2COUNTRY));
    ev->actor1_type = icews_type(field_at(r, F_A1TYPE));
    ev->actor2_type = icews_type(field_at(r, F_A2TYPE));
    const char *story = field_at(r, F_URL);
    if (story[0]) {
      /* "icews:story:<Story ID>": one source per story for --dedupe source. */
      static const char prefix[] = "icews:story:";
      size_t n = strlen(story), room = sizeof r->url - sizeof prefix;
      if (n > room) n = room;
      memcpy(r->url, prefix, sizeof prefix - 1);
      memcpy(r->url + sizeof prefix - 1, story, n);
      r->url[sizeof prefix - 1 + n] = '\0';
      ev->source_url = r->url;
    }
  } else {
    ev->actor1_country = field_at(r, F_A1COUNTRY);
    ev->actor2_country = field_at(r, F_A2COUNTRY);
    ev->actor1_type = field_at(r, F_A1TYPE);
    ev->actor2_type = field_at(r, F_A2TYPE);
    ev->source_url = field_at(r, F_URL);
  }
  *ok = 1;
  return BRINK_OK;
}

/* Reads the header line and maps fields to columns. mapping: "field=Header,..." (CSV). */
static brink_status read_header(brink_event_reader *r, const char *mapping) {
  brink_status st = BRINK_OK;
  int icews = r->format == BRINK_EVENT_FORMAT_ICEWS;
  const char *want[F_COUNT];
  size_t want_len[F_COUNT];
  for (int i = 0; i < F_COUNT; i++) {
    want[i] = icews ? icews_field_names[i] : csv_field_names[i];
    want_len[i] = strlen(want[i]);
  }
  for (const char *p = mapping; p && *p;) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    const char *eq = memchr(p, '=', n);
    int field = -1;
    if (eq)
      for (int i = 0; i < F_COUNT; i++)
        if (strlen(csv_field_names[i]) == (size_t)(eq - p) &&
            memcmp(csv_field_names[i], p, (size_t)(eq - p)) == 0)
          field = i;
    if (field < 0 || eq + 1 == p + n) {
      st = brink__fail(r->ctx, BRINK_EINVAL,
                       "bad column mapping '%.*s', expected field=Header with field one of id, "
                       "date, added, actor1_country, actor2_country, code, actor1_code, "
                       "actor2_code, actor1_type, actor2_type, url, weight",
                       (int)n, p);
      goto done;
    }
    want[field] = eq + 1;
    want_len[field] = (size_t)(p + n - (eq + 1));
    p = comma ? comma + 1 : p + n;
  }
  char *line;
  size_t len;
  if ((st = next_line(r, &line, &len))) goto done;
  if (!line) {
    st = brink__fail(r->ctx, BRINK_EPARSE, "%s: empty file, expected a header row", r->where);
    goto done;
  }
  int bad_quote = 0;
  size_t nf = icews ? split_tabs(r, line, len) : split_csv(r, line, len, &bad_quote);
  if (nf > MAX_FIELDS || bad_quote) {
    st = brink__fail(r->ctx, BRINK_EPARSE, "%s:1: bad header: %zu fields%s, expected at most %d",
                     r->where, nf, bad_quote ? " and a malformed quote" : "", MAX_FIELDS);
    goto done;
  }
  r->header_fields = nf;
  for (int i = 0; i < F_COUNT; i++) {
    r->col[i] = -1;
    for (size_t c = 0; c < nf && want_len[i]; c++)
      if (strlen(r->fields[c]) == want_len[i] && memcmp(r->fields[c], want[i], want_len[i]) == 0) {
        r->col[i] = (int)c;
        break;
      }
  }
  for (int i = 0; i < F_COUNT; i++) {
    if (r->col[i] < 0) continue;
    for (size_t c = (size_t)r->col[i] + 1; c < nf; c++)
      if (strlen(r->fields[c]) == want_len[i] && memcmp(r->fields[c], want[i], want_len[i]) == 0) {
        st = brink__fail(r->ctx, BRINK_EPARSE,
                         "%s:1: header column '%.*s' appears twice (columns %d and %zu): "
                         "expected each column once",
                         r->where, (int)want_len[i], want[i], r->col[i] + 1, c + 1);
        goto done;
      }
  }
  static const int required[] = {F_DATE, F_A1COUNTRY, F_A2COUNTRY, F_CODE};
  for (size_t i = 0; i < BRINK_ARRAY_LEN(required); i++) {
    int f = required[i];
    if (r->col[f] < 0) {
      st = brink__fail(r->ctx, BRINK_EINVAL, "%s:1: header has no column '%.*s' for %s%s", r->where,
                       (int)want_len[f], want[f], csv_field_names[f],
                       icews ? " (is this an ICEWS .tab file?)" : " (map it with field=Header)");
      goto done;
    }
  }
  if (icews && r->col[F_ID] < 0) {
    st = brink__fail(r->ctx, BRINK_EINVAL, "%s:1: header has no column 'Event ID'", r->where);
    goto done;
  }
done:
  return st;
}

/* ---- Detection -------------------------------------------------------------------------- */

static size_t count_tabs(const char *s, size_t n) {
  size_t k = 0;
  for (const char *p = s, *end = s + n; (p = memchr(p, '\t', (size_t)(end - p))); p++) k++;
  return k;
}

/* Looks at the first lines in the buffer: an ICEWS header, GDELT column counts (majority of
 * up to 16 lines, so one broken row does not decide), else a CSV header. */
static brink_status detect(brink_event_reader *r) {
  brink_status st = BRINK_OK;
  while (!r->eof && r->end < CHUNK_BYTES && !memchr(r->buf, '\n', r->end))
    if ((st = fill(r))) goto done;
  const char *p = r->buf, *end = r->buf + r->end;
  if (p == end) {
    st = brink__fail(r->ctx, BRINK_EPARSE, "cannot detect the format of '%s': it is empty",
                     r->where);
    goto done;
  }
  if ((size_t)(end - p) >= 9 && memcmp(p, "Event ID\t", 9) == 0) {
    r->format = BRINK_EVENT_FORMAT_ICEWS;
    goto done;
  }
  size_t v1 = 0, v2 = 0, first_fields = 0, first_len = 0;
  for (int i = 0; i < DETECT_LINES && p < end; i++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    size_t fields = count_tabs(p, n) + 1;
    if (i == 0) {
      first_fields = fields;
      first_len = n;
    }
    if (fields == 57 || fields == 58) v1++;
    if (fields == 61) v2++;
    if (!nl) break;
    p = nl + 1;
  }
  if (v1 || v2) {
    r->format = v2 > v1 ? BRINK_EVENT_FORMAT_GDELT2 : BRINK_EVENT_FORMAT_GDELT1;
  } else if (first_fields == 1 && memchr(r->buf, ',', first_len)) {
    r->format = BRINK_EVENT_FORMAT_CSV;
  } else {
    st = brink__fail(r->ctx, BRINK_EPARSE,
                     "cannot detect the format of '%s': first line has %zu tab-separated "
                     "fields, expected 57 or 58 (GDELT 1.0), 61 (GDELT 2.0), an ICEWS header "
                     "or a CSV header; give --format",
                     r->where, first_fields);
  }
done:
  return st;
}

/* ---- Opening ---------------------------------------------------------------------------- */

static int is_zip(const unsigned char *p, size_t n) {
  return n >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4;
}

/* Opens the single file entry of an opened archive. */
static brink_status open_zip_entry(brink_event_reader *r) {
  brink_status st = BRINK_OK;
  zip_int64_t n = zip_get_num_entries(r->zip, 0), files = 0, which = -1;
  for (zip_int64_t i = 0; i < n; i++) {
    const char *name = zip_get_name(r->zip, (zip_uint64_t)i, 0);
    size_t len = name ? strlen(name) : 0;
    if (len && name[len - 1] == '/') continue;
    files++;
    if (which < 0) which = i;
  }
  if (files != 1) {
    st = brink__fail(r->ctx, BRINK_EUNSUPPORTED,
                     "zip archive '%s' holds %lld files, expected exactly one", r->where,
                     (long long)files);
    goto done;
  }
  zip_stat_t zs;
  zip_stat_init(&zs);
  if (zip_stat_index(r->zip, (zip_uint64_t)which, 0, &zs) == 0 && (zs.valid & ZIP_STAT_SIZE))
    r->stats.total_bytes = zs.size;
  r->zfile = zip_fopen_index(r->zip, (zip_uint64_t)which, 0);
  if (!r->zfile) {
    st = brink__fail(r->ctx, BRINK_EIO, "cannot open the entry of zip archive '%s': %s", r->where,
                     zip_strerror(r->zip));
    goto done;
  }
  /* Messages name the entry: "archive.zip:20150218230000.export.CSV". */
  const char *entry = zip_get_name(r->zip, (zip_uint64_t)which, 0);
  brink_buf w;
  brink_buf_init(&w, r->ctx, 4096);
  if (!(st = brink_buf_printf(&w, "%s:%s", r->where, entry ? entry : "?"))) {
    char *name = NULL;
    if (!(st = brink_buf_detach(&w, &name))) {
      brink_free(r->ctx, r->where);
      r->where = name;
    }
  }
  brink_buf_release(&w);
done:
  return st;
}

static brink_status reader_alloc(brink_ctx *ctx, const char *name,
                                 const brink_event_read_opts *opts, brink_event_reader **out) {
  brink_status st = BRINK_OK;
  brink_event_reader *r = brink_calloc(ctx, 1, sizeof *r);
  if (!r) return BRINK_ENOMEM;
  r->ctx = ctx;
  brink_buf_init(&r->msg, ctx, 4096);
  if (opts) {
    r->format = opts->format;
    r->strict = opts->strict;
    r->on_bad = opts->on_bad;
    r->userdata = opts->userdata;
  }
  for (int i = 0; i < F_COUNT; i++) r->col[i] = -1;
  r->where = brink_strdup(ctx, name);
  r->cap = CHUNK_BYTES;
  r->buf = brink_malloc(ctx, r->cap + 1);
  if (!r->where || !r->buf) st = BRINK_ENOMEM;
  if (st) {
    brink_event_reader_free(r);
    r = NULL;
  }
  *out = r;
  return st;
}

/* After the source is open: detection, header. */
static brink_status reader_start(brink_event_reader *r, const brink_event_read_opts *opts) {
  brink_status st = BRINK_OK;
  if ((st = fill(r))) goto done;
  /* A UTF-8 byte order mark (spreadsheet exports) is not part of the first header name. */
  if (r->end >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) {
    memmove(r->buf, r->buf + 3, r->end - 3);
    r->end -= 3;
    r->stats.bytes += 3;
  }
  if (r->format == BRINK_EVENT_FORMAT_AUTO && (st = detect(r))) goto done;
  if (r->format == BRINK_EVENT_FORMAT_ICEWS || r->format == BRINK_EVENT_FORMAT_CSV)
    st = read_header(r, opts ? opts->csv_columns : NULL);
  else if (opts && opts->csv_columns)
    st = brink__fail(r->ctx, BRINK_EINVAL, "a column mapping applies to csv, not to %s ('%s')",
                     brink_event_format_name(r->format), r->where);
  r->stats.format = r->format;
done:
  return st;
}

brink_status brink_event_reader_new(brink_ctx *ctx, const char *path,
                                    const brink_event_read_opts *opts, brink_event_reader **out) {
  brink_event_reader *r = NULL;
  brink_status st = reader_alloc(ctx, path, opts, &r);
  if (st) goto done;
  r->fp = fopen(path, "rb");
  if (!r->fp) {
    st = brink__fail(ctx, BRINK_EIO, "cannot open '%s'", path);
    goto done;
  }
  struct stat sb;
  if (fstat(fileno(r->fp), &sb) == 0) r->stats.total_bytes = (uint64_t)sb.st_size;
  unsigned char magic[4];
  size_t got = fread(magic, 1, sizeof magic, r->fp);
  if (is_zip(magic, got)) {
    fclose(r->fp);
    r->fp = NULL;
    int err = 0;
    r->zip = zip_open(path, ZIP_RDONLY, &err);
    if (!r->zip) {
      zip_error_t ze;
      zip_error_init_with_code(&ze, err);
      st = brink__fail(ctx, BRINK_EIO, "cannot open zip archive '%s': %s", path,
                       zip_error_strerror(&ze));
      zip_error_fini(&ze);
      goto done;
    }
    if ((st = open_zip_entry(r))) goto done;
  } else {
    memcpy(r->buf, magic, got);
    r->end = got;
  }
  st = reader_start(r, opts);
done:
  if (st) {
    brink_event_reader_free(r);
    r = NULL;
  }
  *out = r;
  return st;
}

brink_status brink_event_reader_new_mem(brink_ctx *ctx, const void *data, size_t len,
                                        const char *name, const brink_event_read_opts *opts,
                                        brink_event_reader **out) {
  brink_event_reader *r = NULL;
  brink_status st = reader_alloc(ctx, name, opts, &r);
  if (st) goto done;
  if (is_zip(data, len)) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
    if (src) {
      r->zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
      if (!r->zip) zip_source_free(src);
    }
    if (!r->zip) {
      st = brink__fail(ctx, BRINK_EIO, "cannot open zip archive '%s': %s", name,
                       zip_error_strerror(&ze));
      zip_error_fini(&ze);
      goto done;
    }
    zip_error_fini(&ze);
    if ((st = open_zip_entry(r))) goto done;
  } else {
    /* An empty buffer still needs a non-NULL source to read "nothing" from. */
    r->mem = data ? data : (const unsigned char *)"";
    r->mem_len = data ? len : 0;
    r->stats.total_bytes = r->mem_len;
  }
  st = reader_start(r, opts);
done:
  if (st) {
    brink_event_reader_free(r);
    r = NULL;
  }
  *out = r;
  return st;
}

brink_status brink_event_reader_next(brink_event_reader *r, const brink_event **out) {
  brink_status st = BRINK_OK;
  *out = NULL;
  for (;;) {
    char *line;
    size_t len;
    if ((st = next_line(r, &line, &len)) || !line) goto done;
    if (len == 0) continue; /* blank lines are not rows */
    int ok = 0;
    if (r->format == BRINK_EVENT_FORMAT_GDELT1 || r->format == BRINK_EVENT_FORMAT_GDELT2)
      st = parse_gdelt(r, line, len, &ok);
    else
      st = parse_header_row(r, line, len, &ok);
    if (st) goto done;
    if (ok) {
      r->stats.rows++;
      *out = &r->ev;
      goto done;
    }
  }
done:
  return st;
}

void brink_event_reader_stats(const brink_event_reader *r, brink_event_read_stats *out) {
  *out = r->stats;
}

void brink_event_reader_free(brink_event_reader *r) {
  if (!r) return;
  if (r->zfile) zip_fclose(r->zfile);
  if (r->zip) zip_discard(r->zip);
  if (r->fp) fclose(r->fp);
  brink_buf_release(&r->msg);
  brink_free(r->ctx, r->buf);
  brink_free(r->ctx, r->where);
  brink_free(r->ctx, r);
}

void brink__event_reader_swap_bad(brink_event_reader *r, brink_event_bad_fn fn, void *userdata,
                                  brink_event_bad_fn *old_fn, void **old_userdata) {
  *old_fn = r->on_bad;
  *old_userdata = r->userdata;
  r->on_bad = fn;
  r->userdata = userdata;
}
