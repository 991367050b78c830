/* SPDX-License-Identifier: MIT */
/* Tests of event data: dates and periods, the GDELT/ICEWS/CSV readers on hand-made fixtures
 * (tests/data/events), the store (import, duplicates, rollback), queries and the tension index.
 * Every expected aggregate was computed by hand from the fixture rows (see the comments). */
#define _POSIX_C_SOURCE 200809L /* getpid */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <sqlite3.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>

#include "brink/brink.h"
#include "brink/events.h"
#include "harness.h"

#define DIR "tests/data/events/"

typedef struct bad_log {
  int n;
  uint64_t lines[16];
  char messages[16][256];
} bad_log;

static void collect_bad(void *ud, const char *where, uint64_t line, const char *message) {
  bad_log *log = ud;
  (void)where;
  if (log->n < 16) {
    log->lines[log->n] = line;
    snprintf(log->messages[log->n], sizeof log->messages[0], "%s", message);
  }
  log->n++;
}

/* Reads every row of a file; copies of a few fields of each row for checks. */
typedef struct row_copy {
  int64_t id;
  int32_t date;
  int64_t added;
  char code[8], a1[24], a2[24], t1[8], t2[8], url[64];
  double goldstein, file_weight;
  int quadclass;
} row_copy;

static brink_status read_all(brink_ctx *ctx, const char *path, brink_event_read_opts *opts,
                             row_copy *rows, int max, int *n, brink_event_read_stats *stats) {
  brink_event_reader *r = NULL;
  brink_status st = brink_event_reader_new(ctx, path, opts, &r);
  *n = 0;
  if (st) return st;
  const brink_event *ev;
  while (!(st = brink_event_reader_next(r, &ev)) && ev) {
    if (*n < max) {
      row_copy *c = &rows[*n];
      c->id = ev->id;
      c->date = ev->date;
      c->added = ev->added;
      snprintf(c->code, sizeof c->code, "%s", ev->code);
      snprintf(c->a1, sizeof c->a1, "%s", ev->actor1_country);
      snprintf(c->a2, sizeof c->a2, "%s", ev->actor2_country);
      snprintf(c->t1, sizeof c->t1, "%s", ev->actor1_type);
      snprintf(c->t2, sizeof c->t2, "%s", ev->actor2_type);
      snprintf(c->url, sizeof c->url, "%s", ev->source_url);
      c->goldstein = ev->goldstein;
      c->file_weight = ev->file_weight;
      c->quadclass = ev->quadclass;
    }
    (*n)++;
  }
  if (stats) brink_event_reader_stats(r, stats);
  brink_event_reader_free(r);
  return st;
}

static void test_dates(void) {
  int32_t d;
  CHECK_INT(brink_event_date_parse("20170807", 8, &d), BRINK_OK);
  CHECK_INT(d, 20170807);
  CHECK_INT(brink_event_date_parse("2016-02-29", 10, &d), BRINK_OK);
  CHECK_INT(d, 20160229);
  CHECK_INT(brink_event_date_parse("2017-02-29", 10, &d), BRINK_EPARSE);
  CHECK_INT(brink_event_date_parse("20170231", 8, &d), BRINK_EPARSE);
  CHECK_INT(brink_event_date_parse("2017080", 7, &d), BRINK_EPARSE);
  CHECK_INT(brink_event_date_parse("17991231", 8, &d), BRINK_EPARSE);
  CHECK_INT(brink_event_date_parse("2017/08/07", 10, &d), BRINK_EPARSE);
  /* 2017-08-07 was a Monday; 2021-01-01 a Friday (ISO week 2020-W53); 2018-12-31 a Monday
   * in ISO week 2019-W01. */
  CHECK_INT(brink_event_period_start(BRINK_EVENT_BY_WEEK, 20170807), 20170807);
  CHECK_INT(brink_event_period_start(BRINK_EVENT_BY_WEEK, 20170813), 20170807);
  CHECK_INT(brink_event_period_start(BRINK_EVENT_BY_WEEK, 20210101), 20201228);
  CHECK_INT(brink_event_period_start(BRINK_EVENT_BY_MONTH, 20170815), 20170801);
  CHECK_INT(brink_event_period_next(BRINK_EVENT_BY_MONTH, 20171201), 20180101);
  CHECK_INT(brink_event_period_next(BRINK_EVENT_BY_DAY, 20160228), 20160229);
  CHECK_INT(brink_event_period_next(BRINK_EVENT_BY_WEEK, 20201228), 20210104);
  int y, w;
  brink_event_iso_week(20210101, &y, &w);
  CHECK_INT(y, 2020);
  CHECK_INT(w, 53);
  brink_event_iso_week(20170807, &y, &w);
  CHECK_INT(y, 2017);
  CHECK_INT(w, 32);
  brink_event_iso_week(20181231, &y, &w);
  CHECK_INT(y, 2019);
  CHECK_INT(w, 1);
}

/* gdelt2.tsv: lines 1-6 good, 7 has 60 fields, 8 a bad SQLDATE, 9 code 999, 10 repeats line 1,
 * 11 a bad DATEADDED, 12-13 good. */
static void test_read_gdelt2(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  bad_log log = {0};
  brink_event_read_opts opts = {.on_bad = collect_bad, .userdata = &log};
  row_copy rows[16];
  int n;
  brink_event_read_stats rs;
  CHECK_INT(read_all(ctx, DIR "gdelt2.tsv", &opts, rows, 16, &n, &rs), BRINK_OK);
  CHECK_INT(rs.format, BRINK_EVENT_FORMAT_GDELT2);
  CHECK_INT(n, 9);
  CHECK_INT(rs.rows, 9);
  CHECK_INT(rs.bad, 4);
  CHECK_INT(rs.lines, 13);
  CHECK_INT(log.n, 4);
  CHECK_INT(log.lines[0], 7);
  CHECK_STR(log.messages[0], "found 60 tab-separated fields, expected 61 (GDELT 2.0)");
  CHECK_INT(log.lines[1], 8);
  CHECK_STR(log.messages[1], "bad SQLDATE '20170231', expected a day YYYYMMDD");
  CHECK_INT(log.lines[2], 9);
  CHECK_STR(log.messages[2], "unknown CAMEO event code '999' in EventCode");
  CHECK_INT(log.lines[3], 11);
  CHECK_STR(log.messages[3], "bad DATEADDED '2017080712', expected YYYYMMDDHHMMSS");
  CHECK_INT(rows[0].id, 2001);
  CHECK_INT(rows[0].date, 20170807);
  CHECK_INT(rows[0].added, 20170807120000);
  CHECK_STR(rows[0].a1, "PRK");
  CHECK_STR(rows[0].t1, "GOV");
  CHECK_STR(rows[0].url, "http://news.example/a");
  CHECK_NEAR(rows[0].goldstein, -7.0, 0);
  CHECK_INT(rows[0].quadclass, 3);
  /* 1951 has no GDELT weight: its parent 195 gives -10; the file leaves GoldsteinScale empty. */
  CHECK_STR(rows[2].code, "1951");
  CHECK_NEAR(rows[2].goldstein, -10.0, 0);
  CHECK_INT(rows[2].quadclass, 4);
  CHECK(isnan(rows[2].file_weight));
  /* Leading zeros kept. */
  CHECK_STR(rows[3].code, "042");
  CHECK_NEAR(rows[3].goldstein, 1.9, 1e-12);
  CHECK_INT(rows[3].quadclass, 1);
  CHECK_STR(rows[4].code, "0251");
  CHECK_NEAR(rows[4].goldstein, -0.3, 1e-12);
  CHECK_NEAR(rows[4].file_weight, -0.3, 1e-12);
  CHECK_INT(rows[6].id, 2001); /* the repeated row is read; the store refuses it */
  CHECK_INT(rows[8].id, 2007);
  CHECK_INT(rows[8].added, 20170902000000);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static void test_read_gdelt1(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  bad_log log = {0};
  brink_event_read_opts opts = {.on_bad = collect_bad, .userdata = &log};
  row_copy rows[8];
  int n;
  brink_event_read_stats rs;
  CHECK_INT(read_all(ctx, DIR "gdelt1_58.tsv", &opts, rows, 8, &n, &rs), BRINK_OK);
  CHECK_INT(rs.format, BRINK_EVENT_FORMAT_GDELT1);
  CHECK_INT(n, 3);
  CHECK_INT(rs.bad, 2);
  CHECK_INT(log.lines[0], 3);
  CHECK_STR(log.messages[0], "found 56 tab-separated fields, expected 57 or 58 (GDELT 1.0)");
  CHECK_INT(log.lines[1], 4);
  CHECK_STR(log.messages[1], "bad SQLDATE '2017080', expected a day YYYYMMDD");
  CHECK_INT(rows[0].added, 20170808000000); /* 1.0 DATEADDED is a day */
  CHECK_STR(rows[0].url, "http://news.example/k1");
  CHECK_STR(rows[2].code, "010");
  CHECK_NEAR(rows[2].goldstein, 0.0, 0);
  CHECK_INT(rows[2].quadclass, 1);
  /* 57 columns (no SOURCEURL), last line without a newline. */
  log.n = 0;
  CHECK_INT(read_all(ctx, DIR "gdelt1_57.tsv", &opts, rows, 8, &n, &rs), BRINK_OK);
  CHECK_INT(rs.format, BRINK_EVENT_FORMAT_GDELT1);
  CHECK_INT(n, 2);
  CHECK_INT(rs.bad, 0);
  CHECK_STR(rows[1].url, "");
  CHECK_STR(rows[1].code, "080");
  CHECK_NEAR(rows[1].goldstein, 5.0, 0);
  CHECK_INT(rows[1].date, 19950616);
  /* Real GDELT 1.0 rows: the table's weights equal GDELT's own GoldsteinScale column. */
  CHECK_INT(read_all(ctx, "tests/data/fixtures/gdelt1_daily_sample.tsv", &opts, rows, 8, &n, &rs),
            BRINK_OK);
  CHECK_INT(n, 3);
  CHECK_INT(rs.bad, 0);
  for (int i = 0; i < 3; i++) CHECK_NEAR(rows[i].goldstein, rows[i].file_weight, 0);
  CHECK_STR(rows[1].code, "051");
  CHECK_STR(rows[1].a2, "USA");
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* icews.tab (CRLF): header line 1; lines 2-4 good; 5 bad date; 6 has 19 fields; 7 code 999;
 * 8 blank; 9 good. */
static void test_read_icews(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  bad_log log = {0};
  brink_event_read_opts opts = {.on_bad = collect_bad, .userdata = &log};
  row_copy rows[8];
  int n;
  brink_event_read_stats rs;
  CHECK_INT(read_all(ctx, DIR "icews.tab", &opts, rows, 8, &n, &rs), BRINK_OK);
  CHECK_INT(rs.format, BRINK_EVENT_FORMAT_ICEWS);
  CHECK_INT(n, 4);
  CHECK_INT(rs.bad, 3);
  CHECK_INT(log.lines[0], 5);
  CHECK_STR(log.messages[0], "bad Event Date '2017-13-01', expected a day YYYY-MM-DD or YYYYMMDD");
  CHECK_INT(log.lines[1], 6);
  CHECK_STR(log.messages[1], "found 19 tab-separated fields, expected 20 as in the header");
  CHECK_INT(log.lines[2], 7);
  CHECK_STR(log.messages[2], "unknown CAMEO event code '999' in CAMEO Code");
  CHECK_INT(rows[0].id, 9001);
  CHECK_INT(rows[0].date, 20170809);
  CHECK_STR(rows[0].a1, "PRK");
  CHECK_STR(rows[0].a2, "USA");
  CHECK_STR(rows[0].t1, "GOV");
  CHECK_STR(rows[0].url, "icews:story:111");
  CHECK_NEAR(rows[0].file_weight, -7.0, 0);
  CHECK_STR(rows[1].t1, "MIL");
  CHECK_STR(rows[1].code, "173");
  CHECK_INT(rows[1].quadclass, 4);
  CHECK_INT(rows[2].id, 9001);
  CHECK_INT(rows[2].date, 20170810);
  CHECK_STR(rows[2].code, "042");
  CHECK_STR(rows[3].a1, "CHN");
  CHECK_STR(rows[3].a2, "KOR");
  CHECK_INT(rows[3].added, 0);
  brink_ctx_free(ctx);
}

/* mapped.csv: lines 2, 3 and 6 good; 4 an unterminated quote; 5 four fields. */
static void test_read_csv(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  bad_log log = {0};
  brink_event_read_opts opts = {
      .csv_columns = "id=event,date=day,actor1_country=src,actor2_country=dst,code=cameo,"
                     "url=story",
      .on_bad = collect_bad,
      .userdata = &log};
  row_copy rows[8];
  int n;
  brink_event_read_stats rs;
  CHECK_INT(read_all(ctx, DIR "mapped.csv", &opts, rows, 8, &n, &rs), BRINK_OK);
  CHECK_INT(rs.format, BRINK_EVENT_FORMAT_CSV);
  CHECK_INT(n, 3);
  CHECK_INT(rs.bad, 2);
  CHECK_INT(log.lines[0], 4);
  CHECK_STR(log.messages[0], "unterminated or malformed quoted field");
  CHECK_INT(log.lines[1], 5);
  CHECK_STR(log.messages[1], "found 4 comma-separated fields, expected 6 as in the header");
  CHECK_STR(rows[0].url, "http://news.example/q,1");
  CHECK_STR(rows[0].code, "043");
  CHECK_INT(rows[1].date, 20170812);
  CHECK_STR(rows[1].url, "say \"hi\"");
  CHECK_STR(rows[2].a1, "PRK");
  CHECK_STR(rows[2].code, "0874");
  CHECK_NEAR(rows[2].goldstein, 10.0, 0);
  CHECK_INT(rows[2].quadclass, 2);
  /* No mapping: the header names do not match the field names. */
  opts.csv_columns = NULL;
  CHECK_INT(read_all(ctx, DIR "mapped.csv", &opts, rows, 8, &n, &rs), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "mapped.csv:1: header has no column 'date'");
  opts.csv_columns = "when=day";
  CHECK_INT(read_all(ctx, DIR "mapped.csv", &opts, rows, 8, &n, &rs), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "bad column mapping 'when=day'");
  /* Rows without an id get a hash of the row: identical rows are one event. */
  opts.csv_columns = NULL;
  CHECK_INT(read_all(ctx, DIR "noid.csv", &opts, rows, 8, &n, &rs), BRINK_OK);
  CHECK_INT(n, 3);
  CHECK_INT(rows[0].id, rows[1].id);
  CHECK(rows[0].id != rows[2].id);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static void test_detection_and_zip(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_event_reader *r = NULL;
  CHECK_INT(brink_event_reader_new_mem(ctx, "hello world\n", 12, "mem", NULL, &r), BRINK_EPARSE);
  CHECK(r == NULL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "cannot detect the format of 'mem'");
  CHECK_INT(brink_event_reader_new_mem(ctx, "", 0, "empty", NULL, &r), BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "it is empty");
  CHECK_INT(brink_event_reader_new(ctx, DIR "no-such-file.tsv", NULL, &r), BRINK_EIO);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "cannot open 'tests/data/events/no-such-file.tsv'");
  /* The zip holds gdelt2.tsv; messages name the entry. */
  brink_event_read_opts opts = {.strict = 1};
  row_copy rows[16];
  int n;
  brink_event_read_stats rs;
  CHECK_INT(read_all(ctx, DIR "gdelt2.zip", &opts, rows, 16, &n, &rs), BRINK_EPARSE);
  CHECK_INT(n, 6);
  CHECK_STR(brink_ctx_errmsg(ctx), "tests/data/events/gdelt2.zip:gdelt2.tsv:7: found 60 "
                                   "tab-separated fields, expected 61 (GDELT 2.0)");
  opts.strict = 0;
  CHECK_INT(read_all(ctx, DIR "gdelt2.zip", &opts, rows, 16, &n, &rs), BRINK_OK);
  CHECK_INT(n, 9);
  CHECK_INT(rs.bad, 4);
  CHECK_INT(rs.format, BRINK_EVENT_FORMAT_GDELT2);
  /* A forced format that does not fit: every row is bad, none silently dropped. */
  opts.format = BRINK_EVENT_FORMAT_GDELT1;
  CHECK_INT(read_all(ctx, DIR "gdelt2.tsv", &opts, rows, 16, &n, &rs), BRINK_OK);
  CHECK_INT(n, 0);
  CHECK_INT(rs.bad, 13);
  /* One broken row first does not fool detection (majority of the first lines). */
  const char *text =
      "a\tb\n"
      "1\t20170807\t201708\t2017\t2017.6\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t1\t"
      "010\t010\t01\t1\t0.0\t1\t1\t1\t0\t0\t\t\t\t\t\t\t0\t\t\t\t\t\t\t0\t\t\t\t\t\t\t"
      "20170807\thttp://x\n";
  opts.format = BRINK_EVENT_FORMAT_AUTO;
  CHECK_INT(brink_event_reader_new_mem(ctx, text, strlen(text), "mixed", &opts, &r), BRINK_OK);
  const brink_event *ev;
  CHECK_INT(brink_event_reader_next(r, &ev), BRINK_OK);
  CHECK(ev != NULL);
  if (ev) CHECK_STR(ev->code, "010");
  brink_event_read_stats s2;
  brink_event_reader_stats(r, &s2);
  CHECK_INT(s2.format, BRINK_EVENT_FORMAT_GDELT1);
  CHECK_INT(s2.bad, 1);
  brink_event_reader_free(r);
  brink_event_reader_free(NULL);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* A line longer than the 1 MiB limit is one bad row; reading goes on after it. */
static void test_overlong_line(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  const char *good = "date,actor1_country,actor2_country,code\n2017-08-11,PRK,USA,043\n";
  size_t big = (size_t)1200 * 1024, glen = strlen(good);
  char *text = brink_malloc(ctx, glen + big + 64);
  memcpy(text, good, glen);
  memset(text + glen, 'x', big);
  memcpy(text + glen + big, "\n2017-08-12,USA,PRK,190\n", 24);
  bad_log log = {0};
  brink_event_read_opts opts = {.on_bad = collect_bad, .userdata = &log};
  brink_event_reader *r = NULL;
  CHECK_INT(brink_event_reader_new_mem(ctx, text, glen + big + 24, "big", &opts, &r), BRINK_OK);
  const brink_event *ev;
  int rows = 0;
  int32_t last = 0;
  while (brink_event_reader_next(r, &ev) == BRINK_OK && ev) {
    rows++;
    last = ev->date;
  }
  CHECK_INT(rows, 2);
  CHECK_INT(last, 20170812);
  CHECK_INT(log.n, 1);
  CHECK_INT(log.lines[0], 3);
  CHECK_CONTAINS(log.messages[0], "line longer than 1048576 bytes");
  brink_event_reader_free(r);
  brink_free(ctx, text);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* Every allocation of the reader may fail: a status comes back, nothing leaks. */
static void test_alloc_failures(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  int failures = 0, successes = 0;
  for (uint64_t k = 1; k < 40; k++) {
    brink_ctx_fail_after(ctx, k);
    brink_event_read_opts opts = {0};
    row_copy rows[16];
    int n;
    brink_status st = read_all(ctx, DIR "gdelt2.tsv", &opts, rows, 16, &n, NULL);
    if (st)
      failures++;
    else
      successes++;
    CHECK(st == BRINK_OK || st == BRINK_ENOMEM);
    CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  }
  brink_ctx_fail_after(ctx, 0);
  CHECK(failures > 0);
  CHECK(successes > 0);
  brink_ctx_free(ctx);
}

static brink_status import_file(brink_event_store *store, brink_ctx *ctx, const char *path,
                                const brink_event_read_opts *opts, brink_event_import_stats *is) {
  brink_event_reader *r = NULL;
  brink_status st = brink_event_reader_new(ctx, path, opts, &r);
  if (!st) st = brink_events_import(store, r, path, NULL, NULL, is);
  brink_event_reader_free(r);
  return st;
}

static void test_import_duplicates(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_event_store *store = NULL;
  CHECK_INT(brink_event_store_new(ctx, ":memory:", BRINK_EVENT_STORE_CREATE, &store), BRINK_OK);
  brink_event_import_stats is;
  CHECK_INT(import_file(store, ctx, DIR "gdelt2.tsv", NULL, &is), BRINK_OK);
  CHECK_INT(is.rows, 9);
  CHECK_INT(is.added, 8);
  CHECK_INT(is.duplicates, 1);
  CHECK_INT(is.bad, 4);
  /* Again, and the same rows from the zip: nothing new. */
  CHECK_INT(import_file(store, ctx, DIR "gdelt2.tsv", NULL, &is), BRINK_OK);
  CHECK_INT(is.added, 0);
  CHECK_INT(is.duplicates, 9);
  CHECK_INT(import_file(store, ctx, DIR "gdelt2.zip", NULL, &is), BRINK_OK);
  CHECK_INT(is.added, 0);
  uint64_t count;
  CHECK_INT(brink_events_count(store, &count), BRINK_OK);
  CHECK_INT(count, 8);
  /* ICEWS: Event ID 9001 twice with different dates: two events. */
  CHECK_INT(import_file(store, ctx, DIR "icews.tab", NULL, &is), BRINK_OK);
  CHECK_INT(is.added, 4);
  CHECK_INT(import_file(store, ctx, DIR "noid.csv", NULL, &is), BRINK_OK);
  CHECK_INT(is.rows, 3);
  CHECK_INT(is.added, 2);
  CHECK_INT(is.duplicates, 1);
  CHECK_INT(brink_events_count(store, &count), BRINK_OK);
  CHECK_INT(count, 14);
  /* A cancel flag set: the import stops before its first batch and keeps nothing; cleared, the
   * same store imports again. */
  brink_event_store *cancelled = NULL;
  CHECK_INT(brink_event_store_new(ctx, ":memory:", BRINK_EVENT_STORE_CREATE, &cancelled), BRINK_OK);
  volatile int cancel = 1;
  brink_event_store_set_cancel(cancelled, &cancel);
  CHECK_INT(import_file(cancelled, ctx, DIR "gdelt2.tsv", NULL, &is), BRINK_ECANCELED);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "import cancelled after 0 rows");
  CHECK_INT(brink_events_count(cancelled, &count), BRINK_OK);
  CHECK_INT(count, 0);
  cancel = 0;
  CHECK_INT(import_file(cancelled, ctx, DIR "gdelt2.tsv", NULL, &is), BRINK_OK);
  CHECK_INT(brink_events_count(cancelled, &count), BRINK_OK);
  CHECK_INT(count, 8);
  brink_event_store_free(cancelled);
  /* Strict: the bad row at line 7 aborts the import and nothing of the file is kept. */
  brink_event_store *fresh = NULL;
  CHECK_INT(brink_event_store_new(ctx, ":memory:", BRINK_EVENT_STORE_CREATE, &fresh), BRINK_OK);
  brink_event_read_opts strict = {.strict = 1};
  CHECK_INT(import_file(fresh, ctx, DIR "gdelt2.tsv", &strict, &is), BRINK_EPARSE);
  CHECK_STR(brink_ctx_errmsg(ctx), "tests/data/events/gdelt2.tsv:7: found 60 tab-separated "
                                   "fields, expected 61 (GDELT 2.0)");
  CHECK_INT(brink_events_count(fresh, &count), BRINK_OK);
  CHECK_INT(count, 0);
  brink_event_store_free(fresh);
  brink_event_store_free(store);
  brink_event_store_free(NULL);
  CHECK_INT(brink_event_store_new(ctx, "/nonexistent-dir/x.db", 0, &store), BRINK_ENOTFOUND);
  CHECK(store == NULL);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static brink_event_series *index_of(brink_event_store *store, brink_ctx *ctx,
                                    const brink_event_index_opts *o) {
  brink_event_series *s = NULL;
  brink_status st = brink_events_index(store, o, &s);
  if (st) fprintf(stderr, "index failed: %s\n", brink_ctx_errmsg(ctx));
  CHECK_INT(st, BRINK_OK);
  return s;
}

/* The good rows of gdelt2.tsv (date, dyad, code, weight, URL):
 *   r1 08-07 PRK GOV>USA GOV 138 -7   a      r5 08-15 USA>PRK     0251 -0.3 c
 *   r2 08-08 PRK MIL>USA     138 -7   a      r6 08-01 CHN>PRK     057  +8   d
 *   r3 08-08 USA GOV>PRK GOV 1951 -10 b      r7 08-07 PRK>USA     138  -7   f
 *   r4 08-10 PRK GOV>USA GOV 042 +1.9 c      r8 09-01 PRK MIL>USA MIL 190 -10 e */
static void test_index(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_event_store *store = NULL;
  CHECK_INT(brink_event_store_new(ctx, ":memory:", BRINK_EVENT_STORE_CREATE, &store), BRINK_OK);
  brink_event_import_stats is;
  CHECK_INT(import_file(store, ctx, DIR "gdelt2.tsv", NULL, &is), BRINK_OK);
  brink_event_index_opts o = {0};
  o.filter.actor1 = "PRK";
  o.filter.actor2 = "USA";
  o.by = BRINK_EVENT_BY_MONTH;

  /* Directed PRK>USA by month: Aug r1 r2 r4 r7 = -7-7+1.9-7 = -19.1; Sep r8 = -10. */
  brink_event_series *s = index_of(store, ctx, &o);
  CHECK_INT(s->n, 2);
  CHECK_INT(s->rows[0].start, 20170801);
  CHECK_INT(s->rows[0].acc.events, 4);
  CHECK_NEAR(s->rows[0].net_cooperation, -19.1, 1e-9);
  CHECK_NEAR(s->rows[0].tension, 19.1, 1e-9);
  CHECK_NEAR(s->rows[0].mean_goldstein, -19.1 / 4, 1e-9);
  CHECK_INT(s->rows[0].acc.quad[1], 1);
  CHECK_INT(s->rows[0].acc.quad[3], 3);
  CHECK_NEAR(s->rows[0].conflict_share, 0.75, 1e-12);
  CHECK_INT(s->rows[1].start, 20170901);
  CHECK_NEAR(s->rows[1].tension, 10.0, 1e-12);
  CHECK_INT(s->rows[1].acc.quad[4], 1);
  brink_event_series_free(s);

  /* Both directions: Aug adds r3 (-10) and r5 (-0.3): 6 events, -29.4, q1 2 q3 3 q4 1. */
  o.filter.both_directions = 1;
  s = index_of(store, ctx, &o);
  CHECK_INT(s->rows[0].acc.events, 6);
  CHECK_NEAR(s->rows[0].net_cooperation, -29.4, 1e-9);
  CHECK_NEAR(s->rows[0].mean_goldstein, -4.9, 1e-9);
  CHECK_NEAR(s->rows[0].conflict_share, 4.0 / 6.0, 1e-12);
  CHECK_INT(s->rows[0].acc.quad[1], 2);
  CHECK_INT(s->rows[0].acc.quad[4], 1);
  brink_event_series_free(s);

  /* Normalised: all events of Aug in the store are r1-r7 (7), of Sep r8 (1). */
  o.normalise = 1;
  s = index_of(store, ctx, &o);
  CHECK_INT(s->rows[0].total, 7);
  CHECK_NEAR(s->rows[0].tension_per_1000, 1000.0 * 29.4 / 7.0, 1e-9);
  CHECK_INT(s->rows[1].total, 1);
  CHECK_NEAR(s->rows[1].tension_per_1000, 10000.0, 1e-9);
  brink_event_series_free(s);
  o.normalise = 0;

  /* By day, daily dedupe: r7 repeats r1's (08-07, PRK, USA, 138). 08-07: 1 event; 08-08: r2,
   * r3; 08-09: none; 08-10: r4; ...; 08-15: r5. */
  o.by = BRINK_EVENT_BY_DAY;
  o.dedupe = BRINK_EVENT_DEDUPE_DAILY;
  o.filter.to = 20170815;
  s = index_of(store, ctx, &o);
  CHECK_INT(s->n, 9);
  CHECK_INT(s->rows[0].start, 20170807);
  CHECK_INT(s->rows[0].acc.events, 1);
  CHECK_NEAR(s->rows[0].tension, 7.0, 1e-12);
  CHECK_INT(s->rows[1].acc.events, 2);
  CHECK_NEAR(s->rows[1].tension, 17.0, 1e-12);
  CHECK_INT(s->rows[2].acc.events, 0);
  CHECK_NEAR(s->rows[2].tension, 0.0, 0);
  CHECK_INT(s->rows[8].start, 20170815);
  CHECK_NEAR(s->rows[8].tension, 0.3, 1e-12);
  brink_event_series_free(s);

  /* Source dedupe: r2 repeats r1's (a, PRK, USA, 138) and is dated by r1 (08-07); r7 has its
   * own URL. 08-07: r1, r7; 08-08: r3 only. */
  o.dedupe = BRINK_EVENT_DEDUPE_SOURCE;
  s = index_of(store, ctx, &o);
  CHECK_INT(s->rows[0].acc.events, 2);
  CHECK_NEAR(s->rows[0].tension, 14.0, 1e-12);
  CHECK_INT(s->rows[1].acc.events, 1);
  CHECK_NEAR(s->rows[1].tension, 10.0, 1e-12);
  brink_event_series_free(s);

  /* ISO weeks from Mon 2017-07-31 to Sun 2017-09-03: W31 empty; W32 r1 r2 r3 r4 r7 = -29.1;
   * W33 r5; W34 empty; W35 r8. */
  o.dedupe = BRINK_EVENT_DEDUPE_NONE;
  o.by = BRINK_EVENT_BY_WEEK;
  o.filter.from = 20170731;
  o.filter.to = 20170903;
  s = index_of(store, ctx, &o);
  CHECK_INT(s->n, 5);
  CHECK_INT(s->rows[0].start, 20170731);
  CHECK_INT(s->rows[0].acc.events, 0);
  CHECK_INT(s->rows[1].acc.events, 5);
  CHECK_NEAR(s->rows[1].net_cooperation, -29.1, 1e-9);
  CHECK_NEAR(s->rows[2].net_cooperation, -0.3, 1e-12);
  CHECK_INT(s->rows[3].acc.events, 0);
  CHECK_INT(s->rows[4].start, 20170828);
  CHECK_NEAR(s->rows[4].net_cooperation, -10.0, 1e-12);
  brink_event_series_free(s);

  /* Roles: GOV>GOV both ways: r1, r4 forward, r3 backward = -7 + 1.9 - 10. */
  o.filter.role1 = "GOV";
  o.filter.role2 = "GOV";
  o.by = BRINK_EVENT_BY_MONTH;
  o.filter.from = o.filter.to = 0;
  s = index_of(store, ctx, &o);
  CHECK_INT(s->n, 1);
  CHECK_INT(s->rows[0].acc.events, 3);
  CHECK_NEAR(s->rows[0].net_cooperation, -15.1, 1e-9);
  brink_event_series_free(s);
  o.filter.role1 = o.filter.role2 = NULL;

  /* Report day instead of event day: r3 was added on 08-09. */
  o.by = BRINK_EVENT_BY_DAY;
  o.filter.use_added = 1;
  o.filter.from = o.filter.to = 20170809;
  s = index_of(store, ctx, &o);
  CHECK_INT(s->n, 1);
  CHECK_INT(s->rows[0].acc.events, 1);
  CHECK_NEAR(s->rows[0].tension, 10.0, 0);
  brink_event_series_free(s);

  /* Nothing matches: no periods. A reversed range is refused. */
  o.filter.use_added = 0;
  o.filter.from = o.filter.to = 0;
  o.filter.actor1 = "JPN";
  s = index_of(store, ctx, &o);
  CHECK_INT(s->n, 0);
  brink_event_series_free(s);
  o.filter.from = 20170901;
  o.filter.to = 20170801;
  CHECK_INT(brink_events_index(store, &o, &s), BRINK_EINVAL);
  CHECK(s == NULL);
  brink_event_store_free(store);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

typedef struct collected {
  int n;
  char codes[8][8];
  int32_t dates[8];
} collected;

static int collect_event(void *ud, const brink_event *ev) {
  collected *c = ud;
  if (c->n < 8) {
    snprintf(c->codes[c->n], sizeof c->codes[0], "%s", ev->code);
    c->dates[c->n] = ev->date;
  }
  c->n++;
  return 0;
}

static void test_query(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_event_store *store = NULL;
  CHECK_INT(brink_event_store_new(ctx, ":memory:", BRINK_EVENT_STORE_CREATE, &store), BRINK_OK);
  brink_event_import_stats is;
  CHECK_INT(import_file(store, ctx, DIR "gdelt2.tsv", NULL, &is), BRINK_OK);
  brink_event_filter f = {.root = "19"};
  collected c = {0};
  CHECK_INT(brink_events_query(store, &f, 0, collect_event, &c), BRINK_OK);
  CHECK_INT(c.n, 2);
  CHECK_STR(c.codes[0], "1951");
  CHECK_STR(c.codes[1], "190");
  CHECK_INT(c.dates[1], 20170901);
  f = (brink_event_filter){.code = "042"};
  c = (collected){0};
  CHECK_INT(brink_events_query(store, &f, 0, collect_event, &c), BRINK_OK);
  CHECK_INT(c.n, 1);
  f = (brink_event_filter){.code = "42"};
  c = (collected){0};
  CHECK_INT(brink_events_query(store, &f, 0, collect_event, &c), BRINK_OK);
  CHECK_INT(c.n, 0);
  /* Dyad one way, date range, limit. */
  f = (brink_event_filter){.actor1 = "PRK", .actor2 = "USA", .from = 20170807, .to = 20170808};
  c = (collected){0};
  CHECK_INT(brink_events_query(store, &f, 0, collect_event, &c), BRINK_OK);
  CHECK_INT(c.n, 3);
  c = (collected){0};
  CHECK_INT(brink_events_query(store, &f, 2, collect_event, &c), BRINK_OK);
  CHECK_INT(c.n, 2);
  f = (brink_event_filter){.actor2 = "PRK", .role1 = "GOV"};
  c = (collected){0};
  CHECK_INT(brink_events_query(store, &f, 0, collect_event, &c), BRINK_OK);
  CHECK_INT(c.n, 2); /* r3 (USA GOV) and r6 (CHN GOV) */
  f = (brink_event_filter){.root = "9"};
  CHECK_INT(brink_events_query(store, &f, 0, collect_event, &c), BRINK_EINVAL);
  brink_event_store_free(store);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* The function the model and report call; ICEWS and GDELT rows in one file store. */
static void test_observed_tension(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  char path[128];
  snprintf(path, sizeof path, "/tmp/brink_test_events_%ld.db", (long)getpid());
  remove(path);
  brink_event_series *s = NULL;
  CHECK_INT(brink_events_observed_tension(ctx, path, "PRK", "USA", 0, 0, BRINK_EVENT_BY_MONTH, &s),
            BRINK_ENOTFOUND);
  brink_event_store *store = NULL;
  CHECK_INT(brink_event_store_new(ctx, path, BRINK_EVENT_STORE_CREATE, &store), BRINK_OK);
  brink_event_import_stats is;
  CHECK_INT(import_file(store, ctx, DIR "gdelt2.tsv", NULL, &is), BRINK_OK);
  CHECK_INT(import_file(store, ctx, DIR "icews.tab", NULL, &is), BRINK_OK);
  brink_event_store_free(store);
  /* Aug, both directions, daily dedupe: GDELT r1 r2 r3 r4 r5 (r7 folded into r1) = -22.4;
   * ICEWS 9001 (138, -7), 9002 (173, -5); ICEWS 9001 on 08-10 (PRK>USA 042) is the same
   * (day, dyad, code) as GDELT r4 and counts once: 7 events, -34.4. */
  CHECK_INT(brink_events_observed_tension(ctx, path, "PRK", "USA", 20170801, 20170831,
                                          BRINK_EVENT_BY_MONTH, &s),
            BRINK_OK);
  CHECK_INT(s->n, 1);
  CHECK_INT(s->rows[0].acc.events, 7);
  CHECK_NEAR(s->rows[0].tension, 34.4, 1e-9);
  brink_event_series_free(s);
  remove(path);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static int write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  int ok = fputs(text, f) >= 0;
  return (fclose(f) == 0) && ok;
}

/* The integer key of schema 2 (src/events_store.c): the largest encodable id, the smallest
 * id that is not (a negative key and the partial unique index), the same id on two dates and
 * from two sources (GDELT 2003 on 2017-08-08 is in gdelt2.tsv; CSV 2003 on that day is not
 * the same event). Re-importing adds nothing either way. */
static void test_import_keys(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  char csv[128];
  snprintf(csv, sizeof csv, "/tmp/brink_test_events_keys_%ld.csv", (long)getpid());
  CHECK(write_text(csv, "id,date,actor1_country,actor2_country,code\n"
                        "576460752302,2199-12-31,PRK,USA,190\n"
                        "576460752302,1800-01-01,PRK,USA,190\n"
                        "576460752302,2199-12-31,PRK,USA,190\n"
                        "576460752303,2017-08-08,PRK,USA,190\n"
                        "576460752303,2017-08-09,PRK,USA,190\n"
                        "576460752303,2017-08-08,PRK,USA,190\n"
                        "9223372036854775807,2017-08-08,PRK,USA,190\n"
                        "2003,2017-08-08,PRK,USA,190\n"));
  brink_event_store *store = NULL;
  CHECK_INT(brink_event_store_new(ctx, ":memory:", BRINK_EVENT_STORE_CREATE, &store), BRINK_OK);
  brink_event_import_stats is;
  CHECK_INT(import_file(store, ctx, DIR "gdelt2.tsv", NULL, &is), BRINK_OK);
  CHECK_INT(is.added, 8);
  CHECK_INT(import_file(store, ctx, csv, NULL, &is), BRINK_OK);
  CHECK_INT(is.rows, 8);
  CHECK_INT(is.added, 6);
  CHECK_INT(is.duplicates, 2);
  for (int again = 0; again < 2; again++) {
    CHECK_INT(import_file(store, ctx, csv, NULL, &is), BRINK_OK);
    CHECK_INT(is.added, 0);
    CHECK_INT(is.duplicates, 8);
    CHECK_INT(import_file(store, ctx, DIR "noid.csv", NULL, &is), BRINK_OK);
    CHECK_INT(is.added, again ? 0 : 2);
    CHECK_INT(is.duplicates, again ? 3 : 1);
  }
  uint64_t count;
  CHECK_INT(brink_events_count(store, &count), BRINK_OK);
  CHECK_INT(count, 8 + 6 + 2);
  brink_event_store_free(store);
  remove(csv);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* A store made by schema 1 (UNIQUE(source, event_id, date), rowids chosen by SQLite) is still
 * imported into without duplicates, and its secondary indexes are used. */
static void test_import_schema1(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  char path[128];
  snprintf(path, sizeof path, "/tmp/brink_test_events_v1_%ld.db", (long)getpid());
  remove(path);
  sqlite3 *db = NULL;
  CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
  CHECK_INT(
      sqlite3_exec(
          db,
          "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
          "INSERT INTO meta VALUES('schema_version', '1');"
          "CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT NOT NULL, format TEXT NOT NULL,"
          " imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
          " rows INTEGER NOT NULL DEFAULT 0, added INTEGER NOT NULL DEFAULT 0,"
          " duplicates INTEGER NOT NULL DEFAULT 0, bad INTEGER NOT NULL DEFAULT 0);"
          "CREATE TABLE events(source INTEGER NOT NULL, event_id INTEGER NOT NULL,"
          " date INTEGER NOT NULL, added INTEGER NOT NULL, added_day INTEGER NOT NULL,"
          " actor1_code TEXT NOT NULL, actor1_country TEXT NOT NULL, actor1_type TEXT NOT NULL,"
          " actor2_code TEXT NOT NULL, actor2_country TEXT NOT NULL, actor2_type TEXT NOT NULL,"
          " code TEXT NOT NULL, root TEXT NOT NULL, quadclass INTEGER NOT NULL,"
          " goldstein REAL NOT NULL, file_weight REAL, is_root INTEGER NOT NULL,"
          " num_mentions INTEGER NOT NULL, num_sources INTEGER NOT NULL,"
          " num_articles INTEGER NOT NULL, avg_tone REAL NOT NULL, source_url TEXT NOT NULL,"
          " file_id INTEGER NOT NULL REFERENCES files(id), UNIQUE(source, event_id, date));"
          "CREATE INDEX events_by_date ON events(date);"
          "CREATE INDEX events_by_dyad ON events(actor1_country, actor2_country, date);"
          "PRAGMA user_version=1;",
          NULL, NULL, NULL),
      SQLITE_OK);
  sqlite3_close(db);
  brink_event_store *store = NULL;
  CHECK_INT(brink_event_store_new(ctx, path, 0, &store), BRINK_OK);
  brink_event_import_stats is;
  for (int again = 0; again < 2; again++) {
    CHECK_INT(import_file(store, ctx, DIR "gdelt2.tsv", NULL, &is), BRINK_OK);
    CHECK_INT(is.added, again ? 0 : 8);
    CHECK_INT(import_file(store, ctx, DIR "noid.csv", NULL, &is), BRINK_OK);
    CHECK_INT(is.added, again ? 0 : 2);
  }
  uint64_t count;
  CHECK_INT(brink_events_count(store, &count), BRINK_OK);
  CHECK_INT(count, 10);
  brink_event_store_free(store);
  remove(path);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* Import reads in a helper thread; the bad-row callback still runs on the caller's thread,
 * once per bad row, in file order. */
typedef struct thread_log {
  thrd_t caller;
  int calls, other_thread;
  uint64_t lines[8];
} thread_log;

static void log_thread(void *ud, const char *where, uint64_t line, const char *message) {
  thread_log *log = ud;
  (void)where;
  (void)message;
  if (!thrd_equal(thrd_current(), log->caller)) log->other_thread++;
  if (log->calls < 8) log->lines[log->calls] = line;
  log->calls++;
}

static void test_import_callbacks(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_event_store *store = NULL;
  CHECK_INT(brink_event_store_new(ctx, ":memory:", BRINK_EVENT_STORE_CREATE, &store), BRINK_OK);
  thread_log log = {.caller = thrd_current()};
  brink_event_read_opts opts = {.on_bad = log_thread, .userdata = &log};
  brink_event_import_stats is;
  CHECK_INT(import_file(store, ctx, DIR "gdelt2.tsv", &opts, &is), BRINK_OK);
  CHECK_INT(is.bad, 4);
  CHECK_INT(log.calls, 4);
  CHECK_INT(log.other_thread, 0);
  CHECK_INT(log.lines[0], 7);
  CHECK_INT(log.lines[1], 8);
  CHECK_INT(log.lines[2], 9);
  brink_event_store_free(store);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

int main(void) {
  RUN(test_dates);
  RUN(test_read_gdelt2);
  RUN(test_read_gdelt1);
  RUN(test_read_icews);
  RUN(test_read_csv);
  RUN(test_detection_and_zip);
  RUN(test_overlong_line);
  RUN(test_alloc_failures);
  RUN(test_import_duplicates);
  RUN(test_import_keys);
  RUN(test_import_schema1);
  RUN(test_import_callbacks);
  RUN(test_index);
  RUN(test_query);
  RUN(test_observed_tension);
  return harness_finish("test_events");
}
