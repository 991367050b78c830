/* SPDX-License-Identifier: MIT */
/* Event-data benchmark driver (bench/bench_events.sh runs it): generates a GDELT 2.0 export,
 * and times parsing (MB/s), import into the store (rows/s) and the tension index. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "brink/cameo.h"
#include "brink/events.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* splitmix64: the generator's own stream, seeded on the command line. */
static uint64_t next_u64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

static unsigned pick(uint64_t *state, unsigned n) { return (unsigned)(next_u64(state) % n); }

static int generate(const char *path, unsigned long rows, uint64_t seed) {
  static const char *const countries[] = {"PRK", "KOR", "USA", "CHN", "JPN",
                                          "RUS", "GBR", "FRA", "IND", "IRN"};
  static const char *const names[] = {"NORTH KOREA", "SOUTH KOREA", "UNITED STATES",  "CHINA",
                                      "JAPAN",       "RUSSIA",      "UNITED KINGDOM", "FRANCE",
                                      "INDIA",       "IRAN"};
  static const char *const types[] = {"GOV", "MIL", "", "", "BUS", "MED"};
  /* Codes GDELT weights (the generated file then matches its own GoldsteinScale column). */
  const brink_cameo_info *codes[400];
  unsigned ncodes = 0;
  for (unsigned i = 0; i < brink_cameo_count() && ncodes < 400; i++) {
    const brink_cameo_info *c = brink_cameo_at(i);
    if (c->has_goldstein && strlen(c->code) >= 3) codes[ncodes++] = c;
  }
  FILE *f = fopen(path, "wb");
  if (!f) {
    fprintf(stderr, "bench_events: cannot write '%s'\n", path);
    return 1;
  }
  uint64_t st = seed;
  for (unsigned long r = 0; r < rows; r++) {
    unsigned a1 = pick(&st, 10), a2 = pick(&st, 10);
    if (a2 == a1) a2 = (a1 + 1) % 10;
    const brink_cameo_info *c = codes[pick(&st, ncodes)];
    int y = 2015 + (int)pick(&st, 6), m = 1 + (int)pick(&st, 12), d = 1 + (int)pick(&st, 28);
    const char *t1 = types[pick(&st, 6)], *t2 = types[pick(&st, 6)];
    double tone = -10.0 + 20.0 * (double)pick(&st, 100000) / 100000.0;
    fprintf(f,
            "%lu\t%04d%02d%02d\t%04d%02d\t%04d\t%04d.%04d\t%s%s\t%s\t%s\t\t\t\t\t%s\t\t\t"
            "%s%s\t%s\t%s\t\t\t\t\t%s\t\t\t%d\t%s\t%.3s\t%.2s\t%d\t%.1f\t%u\t%u\t%u\t%.6f\t"
            "1\t%s\t%.2s\t%.2s\t\t39.03\t125.75\t-1\t"
            "1\t%s\t%.2s\t%.2s\t\t38.00\t127.00\t-1\t"
            "4\tPyongyang, P'yongyang-si, North Korea\tKN\tKN12\t\t39.0194\t125.755\t-2\t"
            "%04d%02d%02d%02d%02d00\thttps://www.example.com/news/%04d/%02d/%02d/story-%lu.html\n",
            500000000ul + r, y, m, d, y, m, y, y, (m * 30 + d) * 10000 / 365, countries[a1], t1,
            names[a1], countries[a1], t1, countries[a2], t2, names[a2], countries[a2], t2,
            (int)pick(&st, 2), c->code, c->code, c->code, c->quadclass, c->goldstein,
            1 + pick(&st, 20), 1 + pick(&st, 5), 1 + pick(&st, 20), tone, names[a1], countries[a1],
            countries[a1], names[a2], countries[a2], countries[a2], y, m, d, pick(&st, 24),
            15 * pick(&st, 4), y, m, d, r / 4);
  }
  int rc = fclose(f) ? 1 : 0;
  return rc;
}

static int fail(brink_ctx *ctx, brink_status st) {
  fprintf(stderr, "bench_events: %s\n",
          brink_ctx_errmsg(ctx)[0] ? brink_ctx_errmsg(ctx) : brink_status_str(st));
  return 1;
}

/* Parse only: every row through the reader; prints "parse <rows> <bytes> <seconds>". */
static int parse(brink_ctx *ctx, const char *path) {
  brink_event_reader *r = NULL;
  double t0 = now(), sum = 0.0;
  brink_status st = brink_event_reader_new(ctx, path, NULL, &r);
  if (st) return fail(ctx, st);
  const brink_event *ev;
  while (!(st = brink_event_reader_next(r, &ev)) && ev) sum += ev->goldstein;
  double t = now() - t0;
  brink_event_read_stats rs;
  brink_event_reader_stats(r, &rs);
  brink_event_reader_free(r);
  if (st) return fail(ctx, st);
  printf("parse %llu %llu %.6f %.1f\n", (unsigned long long)rs.rows, (unsigned long long)rs.bytes,
         t, sum);
  return rs.bad ? 1 : 0;
}

static int import(brink_ctx *ctx, const char *path, const char *db) {
  brink_event_store *s = NULL;
  brink_event_reader *r = NULL;
  brink_event_import_stats is = {0};
  double t0 = now();
  brink_status st = brink_event_store_new(ctx, db, BRINK_EVENT_STORE_CREATE, &s);
  if (!st) st = brink_event_reader_new(ctx, path, NULL, &r);
  if (!st) st = brink_events_import(s, r, path, NULL, NULL, &is);
  double t = now() - t0;
  brink_event_reader_free(r);
  brink_event_store_free(s);
  if (st) return fail(ctx, st);
  printf("import %llu %llu %.6f\n", (unsigned long long)is.rows, (unsigned long long)is.added, t);
  return 0;
}

static int index_run(brink_ctx *ctx, const char *db, const char *by_name, const char *dedupe) {
  brink_event_store *s = NULL;
  brink_event_series *series = NULL;
  brink_event_index_opts o = {0};
  o.filter.actor1 = "PRK";
  o.filter.actor2 = "USA";
  o.filter.both_directions = 1;
  o.by = strcmp(by_name, "day") == 0    ? BRINK_EVENT_BY_DAY
         : strcmp(by_name, "week") == 0 ? BRINK_EVENT_BY_WEEK
                                        : BRINK_EVENT_BY_MONTH;
  o.dedupe = strcmp(dedupe, "daily") == 0    ? BRINK_EVENT_DEDUPE_DAILY
             : strcmp(dedupe, "source") == 0 ? BRINK_EVENT_DEDUPE_SOURCE
                                             : BRINK_EVENT_DEDUPE_NONE;
  double t0 = now();
  brink_status st = brink_event_store_new(ctx, db, 0, &s);
  if (!st) st = brink_events_index(s, &o, &series);
  double t = now() - t0;
  uint64_t events = 0;
  double net = 0.0;
  for (size_t i = 0; series && i < series->n; i++) {
    events += series->rows[i].acc.events;
    net += series->rows[i].net_cooperation;
  }
  printf("index %zu %llu %.6f %.1f\n", series ? series->n : 0, (unsigned long long)events, t, net);
  brink_event_series_free(series);
  brink_event_store_free(s);
  return st ? fail(ctx, st) : 0;
}

int main(int argc, char **argv) {
  brink_ctx *ctx = NULL;
  int rc = 2;
  if (brink_ctx_new(&ctx)) return 1;
  if (argc == 5 && strcmp(argv[1], "gen") == 0)
    rc = generate(argv[2], strtoul(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
  else if (argc == 3 && strcmp(argv[1], "parse") == 0)
    rc = parse(ctx, argv[2]);
  else if (argc == 4 && strcmp(argv[1], "import") == 0)
    rc = import(ctx, argv[2], argv[3]);
  else if (argc == 5 && strcmp(argv[1], "index") == 0)
    rc = index_run(ctx, argv[2], argv[3], argv[4]);
  else
    fprintf(stderr, "usage: bench_events gen FILE ROWS SEED | parse FILE | import FILE DB |"
                    " index DB day|week|month none|daily|source\n");
  brink_ctx_free(ctx);
  return rc;
}
