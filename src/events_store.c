/* SPDX-License-Identifier: MIT */
/* The SQLite event store: schema, import (prepared statement, one transaction per input,
 * duplicates refused by a unique key), filtered queries, and the tension index computed with
 * brink/tension.h so observed and simulated series share one definition. */
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <threads.h>

#include "brink/events.h"
#include "events_internal.h"
#include "internal.h"

#define MAX_PERIODS 200000
#define PROGRESS_EVERY 65536

struct brink_event_store {
  brink_ctx *ctx;
  sqlite3 *db;
  char *path;
  int version; /* schema version (user_version): 1 or 2 */
};

/* Schema 2 keys each event by one integer, the table's INTEGER PRIMARY KEY, derived exactly
 * from (source, event_id, date):
 *   key = (event_id * KEY_DAYS + (date - KEY_DATE0)) * 4 + source
 * Dates are 18000101..21991231, so date - KEY_DATE0 is in [101, KEY_DAYS); sources are 1..3.
 * Distinct triples give distinct keys, all positive, so INSERT OR IGNORE refuses a duplicate
 * on the table's own b-tree and needs no unique index. Ids above KEY_ID_MAX (CSV row hashes,
 * large CSV ids) cannot be encoded: those rows get negative keys, counted down, and a partial
 * unique index over them (events_key) refuses their duplicates. */
#define KEY_DATE0 INT64_C(18000000)
#define KEY_DAYS INT64_C(4000000)
/* The largest id whose key fits: (id * KEY_DAYS + KEY_DAYS - 1) * 4 + 3 <= INT64_MAX. */
#define KEY_ID_MAX ((INT64_MAX - 3 - 4 * (KEY_DAYS - 1)) / (4 * KEY_DAYS))

/* Secondary indexes: dates (normalisation, date-only queries) and dyads. */
#define INDEX_SQL                                                                                  \
  "CREATE INDEX IF NOT EXISTS events_by_date ON events(date);"                                     \
  "CREATE INDEX IF NOT EXISTS events_by_dyad ON events(actor1_country, actor2_country, date);"

/* Schema version 2; documented in docs/events.md. */
#define SCHEMA_SQL                                                                                 \
  "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"                    \
  "INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', '2');"                          \
  "CREATE TABLE IF NOT EXISTS files("                                                              \
  " id INTEGER PRIMARY KEY, path TEXT NOT NULL, format TEXT NOT NULL,"                             \
  " imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"                    \
  " rows INTEGER NOT NULL DEFAULT 0, added INTEGER NOT NULL DEFAULT 0,"                            \
  " duplicates INTEGER NOT NULL DEFAULT 0, bad INTEGER NOT NULL DEFAULT 0);"                       \
  "CREATE TABLE IF NOT EXISTS events(key INTEGER PRIMARY KEY,"                                     \
  " source INTEGER NOT NULL, event_id INTEGER NOT NULL, date INTEGER NOT NULL,"                    \
  " added INTEGER NOT NULL, added_day INTEGER NOT NULL,"                                           \
  " actor1_code TEXT NOT NULL, actor1_country TEXT NOT NULL, actor1_type TEXT NOT NULL,"           \
  " actor2_code TEXT NOT NULL, actor2_country TEXT NOT NULL, actor2_type TEXT NOT NULL,"           \
  " code TEXT NOT NULL, root TEXT NOT NULL, quadclass INTEGER NOT NULL,"                           \
  " goldstein REAL NOT NULL, file_weight REAL, is_root INTEGER NOT NULL,"                          \
  " num_mentions INTEGER NOT NULL, num_sources INTEGER NOT NULL,"                                  \
  " num_articles INTEGER NOT NULL, avg_tone REAL NOT NULL, source_url TEXT NOT NULL,"              \
  " file_id INTEGER NOT NULL REFERENCES files(id));"                                               \
  "CREATE UNIQUE INDEX IF NOT EXISTS events_key ON events(source, event_id, date)"                 \
  " WHERE key < 0;" INDEX_SQL

static brink_status db_fail(brink_event_store *s, const char *what) {
  return brink__fail(s->ctx, BRINK_EDB, "database error in '%s' (%s): %s", s->path, what,
                     sqlite3_errmsg(s->db));
}

static brink_status exec(brink_event_store *s, const char *sql) {
  if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) return db_fail(s, sql);
  return BRINK_OK;
}

brink_status brink_event_store_new(brink_ctx *ctx, const char *path, unsigned flags,
                                   brink_event_store **out) {
  brink_status st = BRINK_OK;
  brink_event_store *s = brink_calloc(ctx, 1, sizeof *s);
  if (!s) {
    st = BRINK_ENOMEM;
    goto done;
  }
  s->ctx = ctx;
  if (!(s->path = brink_strdup(ctx, path))) {
    st = BRINK_ENOMEM;
    goto done;
  }
  /* One thread at a time uses a store (events.h): no SQLite mutex on every call. */
  int open_flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (flags & BRINK_EVENT_STORE_CREATE) open_flags |= SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path, &s->db, open_flags, NULL) != SQLITE_OK) {
    if (!s->db)
      st = brink__fail(ctx, BRINK_ENOMEM, "out of memory opening '%s'", path);
    else if (!(flags & BRINK_EVENT_STORE_CREATE))
      st = brink__fail(ctx, BRINK_ENOTFOUND, "cannot open event store '%s': %s", path,
                       sqlite3_errmsg(s->db));
    else
      st = db_fail(s, "open");
    goto done;
  }
  sqlite3_busy_timeout(s->db, 5000);
  if ((st = exec(s, "PRAGMA cache_size=-65536;"))) goto done;
  /* Create the schema once (user_version 0 = new file); later opens only make sure the
   * secondary indexes exist (an interrupted bulk import may have left them out), which is a
   * read when they do: opening for a query takes no write lock. */
  sqlite3_stmt *version = NULL;
  int user_version = 0;
  if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &version, NULL) == SQLITE_OK &&
      sqlite3_step(version) == SQLITE_ROW)
    user_version = sqlite3_column_int(version, 0);
  sqlite3_finalize(version);
  /* Version 1 stores (a UNIQUE constraint instead of the integer key) are still read and
   * imported into, at the old speed; newer versions are refused. */
  if (user_version > 2) {
    st = brink__fail(ctx, BRINK_EUNSUPPORTED,
                     "event store '%s' has schema version %d, expected 1 or 2 (a newer brink?)",
                     path, user_version);
    goto done;
  }
  s->version = user_version ? user_version : 2;
  if (user_version == 0)
    st = exec(s, "BEGIN IMMEDIATE;" SCHEMA_SQL "PRAGMA user_version=2; COMMIT;");
  else
    st = exec(s, INDEX_SQL);
  if (st) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
done:
  if (st) {
    brink_event_store_free(s);
    s = NULL;
  }
  *out = s;
  return st;
}

void brink_event_store_free(brink_event_store *s) {
  if (!s) return;
  sqlite3_close(s->db);
  brink_free(s->ctx, s->path);
  brink_free(s->ctx, s);
}

/* ---- Import ----------------------------------------------------------------------------- */

static const char insert_sql[] =
    "INSERT OR IGNORE INTO events(rowid, source, event_id, date, added, added_day, actor1_code,"
    " actor1_country, actor1_type, actor2_code, actor2_country, actor2_type, code, root,"
    " quadclass, goldstein, file_weight, is_root, num_mentions, num_sources, num_articles,"
    " avg_tone, source_url, file_id)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
    " ?19, ?20, ?21, ?22, ?23, ?24)";

/* The key of schema 2 (see KEY_ID_MAX), or 0 when the triple cannot be encoded. */
static int64_t event_key(int source, int64_t id, int32_t date) {
  if (source < 1 || source > 3 || id < 0 || id > KEY_ID_MAX || date <= KEY_DATE0 ||
      date >= KEY_DATE0 + KEY_DAYS)
    return 0;
  return (id * KEY_DAYS + (date - KEY_DATE0)) * 4 + source;
}

static void bind_text(sqlite3_stmt *stmt, int i, const char *s) {
  sqlite3_bind_text(stmt, i, s, -1, SQLITE_STATIC);
}

/* One below the smallest negative key stored, else -1. */
static brink_status min_key(brink_event_store *s, int64_t *out) {
  brink_status st = BRINK_OK;
  sqlite3_stmt *stmt = NULL;
  *out = -1;
  if (sqlite3_prepare_v2(s->db, "SELECT MIN(key) FROM events", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step(stmt) != SQLITE_ROW) {
    st = db_fail(s, "smallest key");
    goto done;
  }
  int64_t min = sqlite3_column_int64(stmt, 0);
  if (min < 0) *out = min - 1;
done:
  sqlite3_finalize(stmt);
  return st;
}

brink_status brink_events_import(brink_event_store *s, brink_event_reader *reader,
                                 const char *where, brink_event_progress_fn progress,
                                 void *userdata, brink_event_import_stats *out) {
  brink_status st = BRINK_OK;
  sqlite3_stmt *ins = NULL, *upd = NULL, *file = NULL;
  int in_tx = 0;
  brink_event_import_stats stats = {0};
  brink_event_read_stats rs;
  brink_event_reader_stats(reader, &rs);
  uint64_t bad_before = rs.bad;
  /* Speed over durability while importing: a crash loses at most this import, which is one
   * transaction and can simply be run again (duplicates are refused). */
  if ((st = exec(s, "PRAGMA synchronous=OFF; BEGIN IMMEDIATE"))) goto done;
  in_tx = 1;
  if (sqlite3_prepare_v2(s->db, "INSERT INTO files(path, format) VALUES(?1, ?2)", -1, &file,
                         NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db, insert_sql, -1, &ins, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db,
                         "UPDATE files SET rows=?1, added=?2, duplicates=?3, bad=?4 WHERE id=?5",
                         -1, &upd, NULL) != SQLITE_OK) {
    st = db_fail(s, "prepare");
    goto done;
  }
  bind_text(file, 1, where);
  bind_text(file, 2, brink_event_format_name(rs.format));
  if (sqlite3_step(file) != SQLITE_DONE) {
    st = db_fail(s, "insert into files");
    goto done;
  }
  sqlite3_int64 file_id = sqlite3_last_insert_rowid(s->db);
  /* Bulk load into an empty store: build the secondary indexes once at the end (a sort) rather
   * than inserting into them row by row, about 3 times faster. The key (and events_key) stay. */
  uint64_t existing = 0;
  if ((st = brink_events_count(s, &existing))) goto done;
  int bulk = existing == 0;
  /* Keys for rows whose triple cannot be encoded: below every key in use. With schema 1 the
   * key stays NULL (SQLite picks the rowid) and the UNIQUE constraint refuses duplicates. */
  int64_t next_negative = -1;
  if (s->version >= 2 && !bulk && (st = min_key(s, &next_negative))) goto done;
  if (bulk && (st = exec(s, "DROP INDEX IF EXISTS events_by_date;"
                            " DROP INDEX IF EXISTS events_by_dyad;")))
    goto done;
  for (;;) {
    const brink_event *ev;
    if ((st = brink_event_reader_next(reader, &ev))) goto done;
    if (!ev) break;
    char root[3] = {ev->code[0], ev->code[0] ? ev->code[1] : '\0', '\0'};
    if (s->version >= 2) {
      int64_t key = event_key(ev->source, ev->id, ev->date);
      if (!key) key = next_negative--;
      sqlite3_bind_int64(ins, 1, key);
    }
    sqlite3_bind_int(ins, 2, ev->source);
    sqlite3_bind_int64(ins, 3, ev->id);
    sqlite3_bind_int(ins, 4, ev->date);
    sqlite3_bind_int64(ins, 5, ev->added);
    sqlite3_bind_int64(ins, 6, ev->added / 1000000);
    bind_text(ins, 7, ev->actor1_code);
    bind_text(ins, 8, ev->actor1_country);
    bind_text(ins, 9, ev->actor1_type);
    bind_text(ins, 10, ev->actor2_code);
    bind_text(ins, 11, ev->actor2_country);
    bind_text(ins, 12, ev->actor2_type);
    bind_text(ins, 13, ev->code);
    bind_text(ins, 14, root);
    sqlite3_bind_int(ins, 15, ev->quadclass);
    sqlite3_bind_double(ins, 16, ev->goldstein);
    if (isnan(ev->file_weight))
      sqlite3_bind_null(ins, 17);
    else
      sqlite3_bind_double(ins, 17, ev->file_weight);
    sqlite3_bind_int(ins, 18, ev->is_root);
    sqlite3_bind_int64(ins, 19, ev->num_mentions);
    sqlite3_bind_int64(ins, 20, ev->num_sources);
    sqlite3_bind_int64(ins, 21, ev->num_articles);
    sqlite3_bind_double(ins, 22, ev->avg_tone);
    bind_text(ins, 23, ev->source_url);
    sqlite3_bind_int64(ins, 24, file_id);
    if (sqlite3_step(ins) != SQLITE_DONE) {
      st = db_fail(s, "insert into events");
      goto done;
    }
    sqlite3_reset(ins);
    stats.rows++;
    if (sqlite3_changes(s->db) > 0)
      stats.added++;
    else
      stats.duplicates++;
    if (progress && stats.rows % PROGRESS_EVERY == 0) {
      brink_event_reader_stats(reader, &rs);
      progress(userdata, &rs);
    }
  }
  brink_event_reader_stats(reader, &rs);
  stats.bad = rs.bad - bad_before;
  sqlite3_bind_int64(upd, 1, (sqlite3_int64)stats.rows);
  sqlite3_bind_int64(upd, 2, (sqlite3_int64)stats.added);
  sqlite3_bind_int64(upd, 3, (sqlite3_int64)stats.duplicates);
  sqlite3_bind_int64(upd, 4, (sqlite3_int64)stats.bad);
  sqlite3_bind_int64(upd, 5, file_id);
  if (sqlite3_step(upd) != SQLITE_DONE) {
    st = db_fail(s, "update files");
    goto done;
  }
  if ((st = exec(s, "COMMIT"))) goto done;
  in_tx = 0;
  /* After the commit: building inside the big transaction is several times slower (its pages
   * have spilled from the cache). Should this fail, brink_event_store_new rebuilds them. */
  if (bulk) {
    /* A small page cache makes SQLite's sorter merge cache-sized runs, about twice as fast
     * here as one large in-memory sort (1 M rows: 1.7 s against 3 s). */
    st = exec(s, "PRAGMA cache_size=-2000;");
    if (!st) st = exec(s, INDEX_SQL);
    sqlite3_exec(s->db, "PRAGMA cache_size=-65536", NULL, NULL, NULL);
    if (st) goto done;
  }
done:
  sqlite3_finalize(ins);
  sqlite3_finalize(upd);
  sqlite3_finalize(file);
  if (in_tx) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_exec(s->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
  if (out) *out = stats;
  return st;
}

brink_status brink_events_count(brink_event_store *s, uint64_t *out) {
  brink_status st = BRINK_OK;
  sqlite3_stmt *stmt = NULL;
  *out = 0;
  if (sqlite3_prepare_v2(s->db, "SELECT COUNT(*) FROM events", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step(stmt) != SQLITE_ROW) {
    st = db_fail(s, "count");
    goto done;
  }
  *out = (uint64_t)sqlite3_column_int64(stmt, 0);
done:
  sqlite3_finalize(stmt);
  return st;
}

/* ---- Filters ---------------------------------------------------------------------------- */

static int given(const char *s) { return s && s[0]; }

/* One direction of the dyad: columns named by c1/c2 (actor1/actor2 or swapped). */
static brink_status direction(brink_buf *b, const brink_event_filter *f, const char *c1,
                              const char *c2) {
  brink_status st = brink_buf_puts(b, "(1");
  if (!st && given(f->actor1)) st = brink_buf_printf(b, " AND %s_country=:a1", c1);
  if (!st && given(f->actor2)) st = brink_buf_printf(b, " AND %s_country=:a2", c2);
  if (!st && given(f->role1)) st = brink_buf_printf(b, " AND %s_type=:r1", c1);
  if (!st && given(f->role2)) st = brink_buf_printf(b, " AND %s_type=:r2", c2);
  if (!st) st = brink_buf_putc(b, ')');
  return st;
}

/* Appends the WHERE condition of a filter; dyad = 0 keeps only the dates (normalisation). */
static brink_status where_clause(brink_buf *b, const brink_event_filter *f, int dyad) {
  const char *day = f->use_added ? "added_day" : "date";
  brink_status st = brink_buf_printf(b, " WHERE %s > 0", day);
  if (!st && f->from) st = brink_buf_printf(b, " AND %s >= :from", day);
  if (!st && f->to) st = brink_buf_printf(b, " AND %s <= :to", day);
  if (!dyad) return st;
  if (!st && given(f->root)) st = brink_buf_puts(b, " AND root=:root");
  if (!st && given(f->code)) st = brink_buf_puts(b, " AND code=:code");
  if (!st) st = brink_buf_puts(b, " AND (");
  if (!st) st = direction(b, f, "actor1", "actor2");
  if (!st && f->both_directions) {
    st = brink_buf_puts(b, " OR ");
    if (!st) st = direction(b, f, "actor2", "actor1");
  }
  if (!st) st = brink_buf_putc(b, ')');
  return st;
}

static void bind_name(sqlite3_stmt *stmt, const char *name, const char *value) {
  int i = sqlite3_bind_parameter_index(stmt, name);
  if (i) bind_text(stmt, i, value);
}

static void bind_filter(sqlite3_stmt *stmt, const brink_event_filter *f) {
  int i;
  if ((i = sqlite3_bind_parameter_index(stmt, ":from"))) sqlite3_bind_int(stmt, i, f->from);
  if ((i = sqlite3_bind_parameter_index(stmt, ":to"))) sqlite3_bind_int(stmt, i, f->to);
  bind_name(stmt, ":a1", f->actor1);
  bind_name(stmt, ":a2", f->actor2);
  bind_name(stmt, ":r1", f->role1);
  bind_name(stmt, ":r2", f->role2);
  bind_name(stmt, ":root", f->root);
  bind_name(stmt, ":code", f->code);
}

static brink_status check_filter(brink_ctx *ctx, const brink_event_filter *f) {
  if (f->from && f->to && f->from > f->to)
    return brink__fail(ctx, BRINK_EINVAL, "date range is empty: from %d is after to %d",
                       (int)f->from, (int)f->to);
  if (given(f->root) && strlen(f->root) != 2)
    return brink__fail(ctx, BRINK_EINVAL, "bad CAMEO root '%s', expected two digits (\"19\")",
                       f->root);
  return BRINK_OK;
}

static brink_status prepare(brink_event_store *s, const char *sql, sqlite3_stmt **stmt) {
  if (sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL) != SQLITE_OK) return db_fail(s, "prepare");
  return BRINK_OK;
}

static const char *text_col(sqlite3_stmt *stmt, int i) {
  const unsigned char *t = sqlite3_column_text(stmt, i);
  return t ? (const char *)t : "";
}

brink_status brink_events_query(brink_event_store *s, const brink_event_filter *filter,
                                uint64_t limit, brink_event_fn fn, void *userdata) {
  brink_status st = BRINK_OK;
  sqlite3_stmt *stmt = NULL;
  brink_buf sql;
  brink_buf_init(&sql, s->ctx, 0);
  if ((st = check_filter(s->ctx, filter))) goto done;
  if ((st = brink_buf_puts(&sql, "SELECT source, event_id, date, added, actor1_code,"
                                 " actor1_country, actor1_type, actor2_code, actor2_country,"
                                 " actor2_type, code, goldstein, quadclass, file_weight,"
                                 " is_root, num_mentions, num_sources, num_articles, avg_tone,"
                                 " source_url FROM events")) ||
      (st = where_clause(&sql, filter, 1)) ||
      (st = brink_buf_printf(&sql, " ORDER BY %s, event_id LIMIT :limit",
                             filter->use_added ? "added" : "date")) ||
      (st = prepare(s, sql.data, &stmt)))
    goto done;
  bind_filter(stmt, filter);
  sqlite3_bind_int64(stmt, sqlite3_bind_parameter_index(stmt, ":limit"),
                     limit ? (sqlite3_int64)limit : -1);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    brink_event ev = {0};
    ev.source = sqlite3_column_int(stmt, 0);
    ev.id = sqlite3_column_int64(stmt, 1);
    ev.date = sqlite3_column_int(stmt, 2);
    ev.added = sqlite3_column_int64(stmt, 3);
    ev.actor1_code = text_col(stmt, 4);
    ev.actor1_country = text_col(stmt, 5);
    ev.actor1_type = text_col(stmt, 6);
    ev.actor2_code = text_col(stmt, 7);
    ev.actor2_country = text_col(stmt, 8);
    ev.actor2_type = text_col(stmt, 9);
    ev.code = text_col(stmt, 10);
    ev.goldstein = sqlite3_column_double(stmt, 11);
    ev.quadclass = sqlite3_column_int(stmt, 12);
    ev.file_weight = sqlite3_column_type(stmt, 13) == SQLITE_NULL ? (double)NAN
                                                                  : sqlite3_column_double(stmt, 13);
    ev.is_root = sqlite3_column_int(stmt, 14);
    ev.num_mentions = sqlite3_column_int64(stmt, 15);
    ev.num_sources = sqlite3_column_int64(stmt, 16);
    ev.num_articles = sqlite3_column_int64(stmt, 17);
    ev.avg_tone = sqlite3_column_double(stmt, 18);
    ev.source_url = text_col(stmt, 19);
    if (fn(userdata, &ev)) break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) st = db_fail(s, "query");
done:
  sqlite3_finalize(stmt);
  brink_buf_release(&sql);
  return st;
}

/* ---- The tension index ------------------------------------------------------------------ */

/* The rows the index counts, after deduplication: (day, goldstein, quadclass), by day. Rows
 * of one dedupe group share their code, hence their weight and QuadClass. */
static brink_status index_sql(brink_buf *b, const brink_event_filter *f, brink_event_dedupe d,
                              int dyad) {
  const char *day = f->use_added ? "added_day" : "date";
  brink_status st = BRINK_OK;
  switch (d) {
  case BRINK_EVENT_DEDUPE_DAILY:
    if (!(st = brink_buf_printf(b, "SELECT %s AS day, goldstein, quadclass FROM events", day)) &&
        !(st = where_clause(b, f, dyad)))
      st = brink_buf_printf(b, " GROUP BY %s, actor1_country, actor2_country, code", day);
    break;
  case BRINK_EVENT_DEDUPE_SOURCE:
    /* One per (source, actor1, actor2, code), dated by its first report; no URL: each row. */
    if (!(st = brink_buf_printf(b, "SELECT MIN(%s) AS day, goldstein, quadclass FROM events",
                                day)) &&
        !(st = where_clause(b, f, dyad)) &&
        !(st = brink_buf_puts(b, " AND source_url <> '' GROUP BY source_url, actor1_country,"
                                 " actor2_country, code UNION ALL SELECT ")) &&
        !(st = brink_buf_printf(b, "%s, goldstein, quadclass FROM events", day)) &&
        !(st = where_clause(b, f, dyad)))
      st = brink_buf_puts(b, " AND source_url = ''");
    break;
  case BRINK_EVENT_DEDUPE_NONE:
  default:
    if (!(st = brink_buf_printf(b, "SELECT %s AS day, goldstein, quadclass FROM events", day)))
      st = where_clause(b, f, dyad);
  }
  return st;
}

/* Appends periods until the last one starts at start. */
static brink_status extend_to(brink_ctx *ctx, brink_event_series *series, size_t *cap,
                              brink_event_period by, int32_t start) {
  while (series->rows[series->n - 1].start < start) {
    if (series->n >= MAX_PERIODS)
      return brink__fail(ctx, BRINK_ELIMIT, "index has more than %d periods; narrow the dates",
                         MAX_PERIODS);
    if (series->n == *cap) {
      size_t ncap = *cap * 2;
      brink_event_period_row *rows = brink_realloc(ctx, series->rows, ncap * sizeof *series->rows);
      if (!rows) return BRINK_ENOMEM;
      series->rows = rows;
      *cap = ncap;
    }
    brink_event_period_row *row = &series->rows[series->n];
    *row = (brink_event_period_row){0};
    row->start = brink_event_period_next(by, series->rows[series->n - 1].start);
    brink_tension_reset(&row->acc);
    series->n++;
  }
  return BRINK_OK;
}

static brink_event_period_row *find_period(brink_event_series *series, int32_t start) {
  size_t lo = 0, hi = series->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (series->rows[mid].start == start) return &series->rows[mid];
    if (series->rows[mid].start < start)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

brink_status brink_events_index(brink_event_store *s, const brink_event_index_opts *opts,
                                brink_event_series **out) {
  brink_status st = BRINK_OK;
  sqlite3_stmt *stmt = NULL;
  brink_buf sql;
  brink_buf_init(&sql, s->ctx, 0);
  brink_event_series *series = NULL;
  const brink_event_filter *f = &opts->filter;
  size_t cap = 64;
  *out = NULL;
  if ((st = check_filter(s->ctx, f))) goto done;
  series = brink_calloc(s->ctx, 1, sizeof *series);
  if (!series || !(series->rows = brink_malloc(s->ctx, cap * sizeof *series->rows))) {
    st = BRINK_ENOMEM;
    goto done;
  }
  if ((st = brink_buf_puts(&sql, "SELECT * FROM (")) ||
      (st = index_sql(&sql, f, opts->dedupe, 1)) || (st = brink_buf_puts(&sql, ") ORDER BY day")) ||
      (st = prepare(s, sql.data, &stmt)))
    goto done;
  bind_filter(stmt, f);
  if (f->from) {
    series->rows[0] = (brink_event_period_row){0};
    series->rows[0].start = brink_event_period_start(opts->by, f->from);
    series->n = 1;
  }
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    int32_t start = brink_event_period_start(opts->by, sqlite3_column_int(stmt, 0));
    if (series->n == 0) {
      series->rows[0] = (brink_event_period_row){0};
      series->rows[0].start = start;
      series->n = 1;
    }
    if ((st = extend_to(s->ctx, series, &cap, opts->by, start))) goto done;
    /* The model's own accumulator (brink/tension.h). */
    brink_tension_add(&series->rows[series->n - 1].acc, sqlite3_column_double(stmt, 1),
                      sqlite3_column_int(stmt, 2));
  }
  if (rc != SQLITE_DONE) {
    st = db_fail(s, "index");
    goto done;
  }
  if (f->to && series->n &&
      (st = extend_to(s->ctx, series, &cap, opts->by, brink_event_period_start(opts->by, f->to))))
    goto done;
  if (opts->normalise && series->n) {
    sqlite3_finalize(stmt);
    stmt = NULL;
    brink_buf_reset(&sql);
    if ((st = brink_buf_puts(&sql, "SELECT day, COUNT(*) FROM (")) ||
        (st = index_sql(&sql, f, opts->dedupe, 0)) || (st = brink_buf_puts(&sql, ") GROUP BY day")))
      goto done;
    if ((st = prepare(s, sql.data, &stmt))) goto done;
    bind_filter(stmt, f);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      int32_t start = brink_event_period_start(opts->by, sqlite3_column_int(stmt, 0));
      brink_event_period_row *row = find_period(series, start);
      if (row) row->total += (uint64_t)sqlite3_column_int64(stmt, 1);
    }
    if (rc != SQLITE_DONE) {
      st = db_fail(s, "index totals");
      goto done;
    }
  }
  for (size_t i = 0; i < series->n; i++) {
    brink_event_period_row *row = &series->rows[i];
    row->net_cooperation = row->acc.net_cooperation;
    row->tension = brink_tension_value(&row->acc) + 0.0; /* + 0.0: no "-0" for empty periods */
    row->mean_goldstein = brink_tension_mean_goldstein(&row->acc);
    row->conflict_share = brink_tension_conflict_share(&row->acc);
    row->tension_per_1000 = row->total ? 1000.0 * row->tension / (double)row->total : 0.0;
  }
  *out = series;
  series = NULL;
done:
  sqlite3_finalize(stmt);
  brink_buf_release(&sql);
  brink_event_series_free(s->ctx, series);
  return st;
}

void brink_event_series_free(brink_ctx *ctx, brink_event_series *series) {
  if (!series) return;
  brink_free(ctx, series->rows);
  brink_free(ctx, series);
}

brink_status brink_events_observed_tension(brink_ctx *ctx, const char *db_path, const char *actor1,
                                           const char *actor2, int32_t from, int32_t to,
                                           brink_event_period by, brink_event_series **out) {
  brink_event_store *store = NULL;
  brink_status st = brink_event_store_new(ctx, db_path, 0, &store);
  *out = NULL;
  if (st) goto done;
  brink_event_index_opts opts = {0};
  opts.filter.actor1 = actor1;
  opts.filter.actor2 = actor2;
  opts.filter.both_directions = 1;
  opts.filter.from = from;
  opts.filter.to = to;
  opts.by = by;
  opts.dedupe = BRINK_EVENT_DEDUPE_DAILY;
  st = brink_events_index(store, &opts, out);
done:
  brink_event_store_free(store);
  return st;
}
