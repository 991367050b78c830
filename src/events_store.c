/* SPDX-License-Identifier: MIT */
/* The SQLite event store: schema, import (prepared statement, one transaction per input,
 * duplicates refused by a unique key), filtered queries, and the tension index computed with
 * brink/tension.h so observed and simulated series share one definition. */
#include <assert.h>
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
  int version;                /* schema version (user_version): 1 or 2 */
  int indexes_missing;        /* secondary indexes left out by an interrupted or failed build */
  const volatile int *cancel; /* brink_event_store_set_cancel */
};

/* 1 when both secondary indexes exist, the dyad index in its covering form (a read: opening a
 * store never writes). A store made by an older brink has the narrow dyad index: it is
 * reported, and rebuilt by the next import, like an index an interrupted build left out. */
static int indexes_present(sqlite3 *db) {
  sqlite3_stmt *q = NULL;
  int n = 0;
  if (sqlite3_prepare_v2(
          db,
          "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND (name = "
          "'events_by_date' OR (name = 'events_by_dyad' AND sql LIKE '%quadclass%'))",
          -1, &q, NULL) == SQLITE_OK &&
      sqlite3_step(q) == SQLITE_ROW)
    n = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  return n == 2;
}

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

/* Secondary indexes: dates (normalisation, date-only queries) and dyads. The dyad index covers
 * the tension index's query (docs/events.md, "Query plan"): the dyad and the dates select, and
 * code, root, Goldstein weight and QuadClass are read from the index itself, so a dyad's
 * series never visits the table. */
#define INDEX_SQL                                                                                  \
  "CREATE INDEX IF NOT EXISTS events_by_date ON events(date);"                                     \
  "CREATE INDEX IF NOT EXISTS events_by_dyad ON events(actor1_country, actor2_country, date, "     \
  "code,"                                                                                          \
  " root, goldstein, quadclass);"

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
  /* Create the schema once (user_version 0 = new file). Later opens only read: secondary
   * indexes that an interrupted or failed build left out are reported and rebuilt by the next
   * import (brink_events_import), never on open, so opening works on a full disk or a
   * read-only file and queries run on the committed rows (more slowly). */
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
  if (user_version == 0) {
    st = exec(s, "BEGIN IMMEDIATE;" SCHEMA_SQL "PRAGMA user_version=2; COMMIT;");
    if (st) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  } else if (!indexes_present(s->db)) {
    s->indexes_missing = 1;
    brink__log(ctx, BRINK_LOG_WARN,
               "event store '%s': secondary indexes are missing (an index build was "
               "interrupted) or from an older brink; queries are slower until the next import "
               "rebuilds them",
               path);
  }
done:
  if (st) {
    brink_event_store_free(s);
    s = NULL;
  }
  *out = s;
  return st;
}

void brink_event_store_set_cancel(brink_event_store *s, const volatile int *flag) {
  s->cancel = flag;
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

/* Import reads in a helper thread while this one inserts: the reader fills batches of events
 * (strings copied into the batch) and hands them over; bad-row reports travel in the same
 * batches so the caller's callback runs on the caller's thread, in file order. */
#define PIPE_BATCHES 3
#define BATCH_ITEMS 4096
/* An empty batch holds any one item: a row's strings come from one line of at most 1 MiB,
 * a report is at most 2 * REPORT_MAX bytes. */
#define BATCH_TEXT ((size_t)5 << 18)
#define REPORT_MAX ((size_t)64 << 10)
#define EVENT_STRINGS 8

typedef struct item {
  int bad; /* 1: a bad-row report (line, where, message); 0: an event */
  brink_event ev;
  int len[EVENT_STRINGS]; /* lengths of the strings, in event_strings order */
  uint64_t line;
  const char *where, *message;
} item;

typedef struct batch {
  item *items;
  size_t n;
  char *text;
  size_t used;
  int ready;                 /* 1: filled, the inserting thread's until it clears it */
  int last;                  /* the reader has finished (status says how) */
  brink_status status;       /* the reader's status, when last */
  brink_event_read_stats rs; /* the reader's progress when handed over */
} batch;

typedef struct pipeline {
  brink_ctx *ctx;
  brink_event_reader *reader;
  brink_event_bad_fn on_bad; /* the caller's callback, called by the inserting thread */
  void *userdata;
  mtx_t mutex;
  cnd_t changed;
  int stop;    /* set by the inserting thread: stop reading */
  size_t fill; /* batch the reader fills */
  batch b[PIPE_BATCHES];
} pipeline;

static void event_strings(brink_event *ev, const char **out[EVENT_STRINGS]) {
  out[0] = &ev->actor1_code;
  out[1] = &ev->actor1_country;
  out[2] = &ev->actor1_type;
  out[3] = &ev->actor2_code;
  out[4] = &ev->actor2_country;
  out[5] = &ev->actor2_type;
  out[6] = &ev->source_url;
  out[7] = &ev->code;
}

static const char *put_text(batch *b, const char *s, size_t n) {
  char *t = b->text + b->used;
  memcpy(t, s, n);
  t[n] = '\0';
  b->used += n + 1;
  return t;
}

/* Marks the batch being filled ready and waits for the next one to be free. 0 when asked to
 * stop. */
static int hand_over(pipeline *p, int last, brink_status status) {
  batch *b = &p->b[p->fill];
  brink_event_reader_stats(p->reader, &b->rs);
  b->last = last;
  b->status = status;
  mtx_lock(&p->mutex);
  b->ready = 1;
  cnd_broadcast(&p->changed);
  int go = !last;
  if (go) {
    p->fill = (p->fill + 1) % PIPE_BATCHES;
    while (p->b[p->fill].ready && !p->stop) cnd_wait(&p->changed, &p->mutex);
    go = !p->stop;
  }
  mtx_unlock(&p->mutex);
  if (go) {
    p->b[p->fill].n = 0;
    p->b[p->fill].used = 0;
  }
  return go;
}

/* The batch to add an item with text bytes of strings to, or NULL when asked to stop. */
static batch *room(pipeline *p, size_t text) {
  assert(text <= BATCH_TEXT);
  batch *b = &p->b[p->fill];
  if (b->n == BATCH_ITEMS || b->used + text > BATCH_TEXT) {
    if (!hand_over(p, 0, BRINK_OK)) return NULL;
    b = &p->b[p->fill];
  }
  return b;
}

static void queue_bad(void *userdata, const char *where, uint64_t line, const char *message) {
  pipeline *p = userdata;
  if (!p->on_bad) return;
  size_t wn = strlen(where), mn = strlen(message);
  if (wn > REPORT_MAX) wn = REPORT_MAX;
  if (mn > REPORT_MAX) mn = REPORT_MAX;
  batch *b = room(p, wn + mn + 2);
  if (!b) return;
  item *it = &b->items[b->n++];
  it->bad = 1;
  it->line = line;
  it->where = put_text(b, where, wn);
  it->message = put_text(b, message, mn);
}

static int read_events(void *arg) {
  pipeline *p = arg;
  brink_status st = BRINK_OK;
  for (;;) {
    const brink_event *ev;
    if ((st = brink_event_reader_next(p->reader, &ev)) || !ev) break;
    brink_event copy = *ev;
    const char **str[EVENT_STRINGS];
    event_strings(&copy, str);
    size_t len[EVENT_STRINGS], text = 0;
    for (int i = 0; i < EVENT_STRINGS; i++) text += (len[i] = strlen(*str[i])) + 1;
    batch *b = room(p, text);
    if (!b) return 0;
    item *it = &b->items[b->n++];
    it->bad = 0;
    for (int i = 0; i < EVENT_STRINGS; i++) {
      *str[i] = put_text(b, *str[i], len[i]);
      it->len[i] = (int)len[i];
    }
    it->ev = copy;
  }
  hand_over(p, 1, st);
  return 0;
}

static void bind_text_n(sqlite3_stmt *stmt, int i, const char *s, int n) {
  sqlite3_bind_text(stmt, i, s, n, SQLITE_STATIC);
}

/* Binds and inserts one event; SQLITE_DONE when it went well. */
static int insert_event(brink_event_store *s, sqlite3_stmt *ins, const item *it,
                        int64_t *next_negative, sqlite3_int64 file_id) {
  const brink_event *ev = &it->ev;
  char root[3] = {ev->code[0], ev->code[0] ? ev->code[1] : '\0', '\0'};
  if (s->version >= 2) {
    int64_t key = event_key(ev->source, ev->id, ev->date);
    if (!key) key = (*next_negative)--;
    sqlite3_bind_int64(ins, 1, key);
  }
  sqlite3_bind_int(ins, 2, ev->source);
  sqlite3_bind_int64(ins, 3, ev->id);
  sqlite3_bind_int(ins, 4, ev->date);
  sqlite3_bind_int64(ins, 5, ev->added);
  sqlite3_bind_int64(ins, 6, ev->added / 1000000);
  bind_text_n(ins, 7, ev->actor1_code, it->len[0]);
  bind_text_n(ins, 8, ev->actor1_country, it->len[1]);
  bind_text_n(ins, 9, ev->actor1_type, it->len[2]);
  bind_text_n(ins, 10, ev->actor2_code, it->len[3]);
  bind_text_n(ins, 11, ev->actor2_country, it->len[4]);
  bind_text_n(ins, 12, ev->actor2_type, it->len[5]);
  bind_text_n(ins, 13, ev->code, it->len[7]);
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
  bind_text_n(ins, 23, ev->source_url, it->len[6]);
  sqlite3_bind_int64(ins, 24, file_id);
  int rc = sqlite3_step(ins);
  sqlite3_reset(ins);
  return rc;
}

static void pipeline_release(pipeline *p) {
  for (int i = 0; i < PIPE_BATCHES; i++) {
    brink_free(p->ctx, p->b[i].items);
    brink_free(p->ctx, p->b[i].text);
  }
}

brink_status brink_events_import(brink_event_store *s, brink_event_reader *reader,
                                 const char *where, brink_event_progress_fn progress,
                                 void *userdata, brink_event_import_stats *out) {
  brink_status st = BRINK_OK;
  sqlite3_stmt *ins = NULL, *upd = NULL, *file = NULL;
  int in_tx = 0, sync_ok = 0, thread_started = 0, swapped = 0;
  thrd_t thread;
  brink_event_import_stats stats = {0};
  brink_event_read_stats rs;
  brink_event_reader_stats(reader, &rs);
  uint64_t bad_before = rs.bad;
  pipeline p = {0};
  p.ctx = s->ctx;
  p.reader = reader;
  for (int i = 0; i < PIPE_BATCHES; i++) {
    if (!(p.b[i].items = brink_malloc(s->ctx, BATCH_ITEMS * sizeof *p.b[i].items)) ||
        !(p.b[i].text = brink_malloc(s->ctx, BATCH_TEXT))) {
      st = BRINK_ENOMEM;
      goto done;
    }
  }
  if (mtx_init(&p.mutex, mtx_plain) != thrd_success) {
    st = brink__fail(s->ctx, BRINK_ENOMEM, "cannot create a mutex for importing '%s'", where);
    goto done;
  }
  if (cnd_init(&p.changed) != thrd_success) {
    mtx_destroy(&p.mutex);
    st = brink__fail(s->ctx, BRINK_ENOMEM, "cannot create a condition for importing '%s'", where);
    goto done;
  }
  sync_ok = 1;
  /* Speed over durability while importing: a crash loses at most this import, which is one
   * transaction and can simply be run again (duplicates are refused). */
  /* Resume an index build that an earlier import could not finish. */
  if (s->indexes_missing) {
    /* An older brink's narrow dyad index goes first (CREATE ... IF NOT EXISTS would keep it). */
    if ((st = exec(s, "DROP INDEX IF EXISTS events_by_dyad;" INDEX_SQL))) goto done;
    s->indexes_missing = 0;
  }
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
  brink__event_reader_swap_bad(reader, queue_bad, &p, &p.on_bad, &p.userdata);
  swapped = 1;
  if (thrd_create(&thread, read_events, &p) != thrd_success) {
    st = brink__fail(s->ctx, BRINK_ENOMEM, "cannot start a thread to read '%s'", where);
    goto done;
  }
  thread_started = 1;
  int rc = SQLITE_DONE;
  brink_status read_st = BRINK_OK;
  for (size_t k = 0;; k = (k + 1) % PIPE_BATCHES) {
    batch *b = &p.b[k];
    mtx_lock(&p.mutex);
    while (!b->ready) cnd_wait(&p.changed, &p.mutex);
    mtx_unlock(&p.mutex);
    if (s->cancel && *s->cancel) {
      read_st = brink__fail(s->ctx, BRINK_ECANCELED,
                            "%s: import cancelled after %llu rows; nothing of it is kept", where,
                            (unsigned long long)stats.rows);
      break;
    }
    for (size_t i = 0; i < b->n && rc == SQLITE_DONE; i++) {
      const item *it = &b->items[i];
      if (it->bad) {
        p.on_bad(p.userdata, it->where, it->line, it->message);
        continue;
      }
      if ((rc = insert_event(s, ins, it, &next_negative, file_id)) != SQLITE_DONE) break;
      stats.rows++;
      if (sqlite3_changes(s->db) > 0)
        stats.added++;
      else
        stats.duplicates++;
      if (progress && stats.rows % PROGRESS_EVERY == 0) progress(userdata, &b->rs);
    }
    if (rc != SQLITE_DONE || b->last) {
      read_st = b->status;
      break;
    }
    mtx_lock(&p.mutex);
    b->ready = 0;
    cnd_broadcast(&p.changed);
    mtx_unlock(&p.mutex);
  }
  /* Stop the reader (when an insert failed) and wait for it before touching ctx again. */
  mtx_lock(&p.mutex);
  p.stop = 1;
  cnd_broadcast(&p.changed);
  mtx_unlock(&p.mutex);
  thrd_join(thread, NULL);
  thread_started = 0;
  if (rc != SQLITE_DONE) {
    st = db_fail(s, "insert into events");
    goto done;
  }
  if ((st = read_st)) goto done;
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
   * have spilled from the cache). */
  if (bulk) {
    /* A small page cache makes SQLite's sorter merge cache-sized runs, about twice as fast
     * here as one large in-memory sort (1 M rows: 1.7 s against 3 s); a second sorter thread
     * saves about 0.3 s more. (A memory map for the table scans did not help.) */
    /* The rows are committed whatever happens here: a failure (a full disk) is reported as a
     * warning and the build resumed by the next import, not as a failed import. */
    st = exec(s, "PRAGMA cache_size=-2000; PRAGMA threads=2;");
    if (!st) st = exec(s, INDEX_SQL);
    sqlite3_exec(s->db, "PRAGMA cache_size=-65536; PRAGMA threads=0", NULL, NULL, NULL);
    if (st) {
      brink__log(s->ctx, BRINK_LOG_WARN,
                 "%s: rows committed, but the secondary indexes could not be built (%s); the "
                 "next import rebuilds them",
                 where, brink_ctx_errmsg(s->ctx));
      s->indexes_missing = 1;
      st = BRINK_OK;
    }
  }
done:
  if (thread_started) thrd_join(thread, NULL); /* not reached with the thread running */
  if (swapped) {
    brink_event_bad_fn fn;
    void *ud;
    brink__event_reader_swap_bad(reader, p.on_bad, p.userdata, &fn, &ud);
  }
  if (sync_ok) {
    cnd_destroy(&p.changed);
    mtx_destroy(&p.mutex);
  }
  pipeline_release(&p);
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
  if (series) series->ctx = s->ctx;
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
  brink_event_series_free(series);
  return st;
}

void brink_event_series_free(brink_event_series *series) {
  if (!series) return;
  brink_ctx *ctx = series->ctx;
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
