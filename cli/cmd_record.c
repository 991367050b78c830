/* SPDX-License-Identifier: MIT */
/* `brink record`: the weekly record (CSIS entries, timeline, allied record) as yearly counts
 * per series (summary) or as dated event streams for point-process models (streams); and the
 * loader of --record files shared with `brink score`. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "brink/record.h"
#include "cli.h"

/* The shipped record: CSIS (DPRK side), the two timeline files and the allied record. The
 * launch-event files are CSIS subsets and would only merge away. */
static const char *const default_files[] = {
    "csis_provocations_1958_2022.tsv", "korea_timeline_2006_2018.tsv",
    "korea_timeline_2019_2022.tsv", "korea_allied_record.tsv"};

static int readable(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  fclose(f);
  return 1;
}

/* The data folder: $BRINK_DATA_DIR, ./data, or data/ next to or above the executable. */
static int find_data_dir(char *dir, size_t size) {
  const char *env = getenv("BRINK_DATA_DIR");
  if (env && *env) {
    snprintf(dir, size, "%s", env);
    return 1;
  }
  char probe[4096];
  snprintf(probe, sizeof probe, "data/%s", default_files[0]);
  if (readable(probe)) {
    snprintf(dir, size, "data");
    return 1;
  }
  char exe[2048];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return 0;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash) return 0;
  *slash = '\0';
  static const char *const up[] = {"/data", "/../data", "/../../data", "/../share/brink/data"};
  for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
    snprintf(probe, sizeof probe, "%s%s/%s", exe, up[i], default_files[0]);
    if (readable(probe)) {
      snprintf(dir, size, "%s%s", exe, up[i]);
      return 1;
    }
  }
  return 0;
}

int cli_load_record(cli_spec *spec, brink_ctx *ctx, brink_record **out) {
  brink_record *rec = NULL;
  *out = NULL;
  brink_status st = brink_record_new(ctx, &rec);
  if (st) return cli_fail(spec, ctx, st);
  cli_opt *opt = cli_opt_get(spec, "record");
  if (opt->n_values) {
    for (size_t i = 0; i < opt->n_values; i++) {
      st = brink_record_load(rec, opt->values[i]);
      if (st) break;
    }
  } else {
    char dir[2048];
    if (!find_data_dir(dir, sizeof dir)) {
      brink_record_free(rec);
      return cli_usage_error(spec, "no --record given and the shipped data/ folder was not found "
                                   "(set BRINK_DATA_DIR)");
    }
    for (size_t i = 0; i < sizeof default_files / sizeof default_files[0] && !st; i++) {
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", dir, default_files[i]);
      st = brink_record_load(rec, path);
    }
  }
  if (st) {
    brink_record_free(rec);
    return cli_fail(spec, ctx, st);
  }
  *out = rec;
  return -1;
}

static int parse_day(cli_spec *spec, const char *name, int32_t fallback, int32_t *out) {
  const char *v = cli_value(spec, name, NULL);
  *out = fallback;
  if (!v) return -1;
  if (brink_record_date_parse(v, out))
    return cli_usage_error(spec, "--%s '%s': expected a day YYYY-MM-DD", name, v);
  return -1;
}

static void print_rows_summary(const brink_record *rec) {
  brink_record_stats s;
  brink_record_get_stats(rec, &s);
  printf("record: %zu files (%zu csis, %zu launch, %zu timeline), %zu rows read, %zu kept, "
         "%zu duplicates merged\n",
         s.files, s.by_format[BRINK_RECORD_FORMAT_CSIS], s.by_format[BRINK_RECORD_FORMAT_LAUNCH],
         s.by_format[BRINK_RECORD_FORMAT_TIMELINE], s.read, s.rows, s.duplicate);
  printf("not counted: %zu DPRK timeline rows (the DPRK is observed through CSIS classes); "
         "unmapped: %zu\n",
         s.uncounted, s.unmapped);
}

static int record_summary(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"record", "FILE",
       "record file (CSIS, launch, timeline or allied; recognised by header); "
       "repeatable; default: the shipped files in data/",
       1, NULL, NULL, 0},
      {"from", "DAY", "first day, YYYY-MM-DD; default 2006-01-01", 0, NULL, NULL, 0},
      {"to", "DAY", "last day (inclusive); default 2022-11-06, the end of the record", 0, NULL,
       NULL, 0},
      {"unmapped", NULL, "also list every unmapped row as file:line", 0, NULL, NULL, 0},
  };
  cli_spec spec = {
      .name = "record summary",
      .synopsis = "[--record FILE]... [options]",
      .description =
          "Counts of the series of docs/validation.md per calendar year (bm_launch_days,\n"
          "icbm_launch_days, nuclear_tests, clash_days, armed_conflict), and of the allied\n"
          "streams (exercise, suspension, deployment, sanctions, offer). Years are cut to\n"
          "[--from, --to].",
      .opts = opts,
      .n_opts = sizeof opts / sizeof opts[0],
      .epilog = "example:\n  brink record summary --from 2013-01-01 --to 2017-12-31"};
  int rc = cli_parse(&spec, argc, argv);
  brink_record *rec = NULL;
  int32_t from, to;
  if (rc >= 0) goto done;
  if ((rc = parse_day(&spec, "from", 20060101, &from)) >= 0) goto done;
  if ((rc = parse_day(&spec, "to", BRINK_RECORD_END, &to)) >= 0) goto done;
  if (to < from) {
    rc = cli_usage_error(&spec, "--to is before --from");
    goto done;
  }
  if ((rc = cli_load_record(&spec, ctx, &rec)) >= 0) goto done;
  print_rows_summary(rec);
  printf("\n%-5s", "year");
  for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++)
    printf(" %s", brink_record_series_name((brink_record_series)s));
  for (int s = BRINK_RECORD_STREAM_ALLIED_EXERCISE; s < BRINK_RECORD_STREAM_COUNT; s++)
    printf(" %s", brink_record_stream_name((brink_record_stream)s));
  printf("\n");
  for (int year = from / 10000; year <= to / 10000; year++) {
    int32_t a = year * 10000 + 101, b = (year + 1) * 10000 + 101;
    if (a < from) a = from;
    if (b > brink_record_date_add(to, 1)) b = brink_record_date_add(to, 1);
    printf("%-5d", year);
    for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++)
      printf(" %*u", (int)strlen(brink_record_series_name((brink_record_series)s)),
             brink_record_series_count(rec, (brink_record_series)s, a, b));
    for (int s = BRINK_RECORD_STREAM_ALLIED_EXERCISE; s < BRINK_RECORD_STREAM_COUNT; s++) {
      unsigned n = 0;
      for (size_t i = 0; i < brink_record_count(rec); i++) {
        const brink_record_row *r = brink_record_row_at(rec, i);
        if (r->date >= a && r->date < b && (brink_record_row_streams(r) & (1u << s))) n++;
      }
      printf(" %*u", (int)strlen(brink_record_stream_name((brink_record_stream)s)), n);
    }
    printf("\n");
  }
  if (cli_value(&spec, "unmapped", NULL)) {
    for (size_t i = 0; i < brink_record_count(rec); i++) {
      const brink_record_row *r = brink_record_row_at(rec, i);
      if (!r->mapped)
        printf("unmapped: %s:%u: %s '%s'\n", r->file, r->line,
               r->format == BRINK_RECORD_FORMAT_TIMELINE ? "event_type" : "class", r->type);
    }
  }
  rc = CLI_EXIT_OK;

done:
  brink_record_free(rec);
  cli_spec_release(&spec);
  return rc;
}

static int record_streams(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"record", "FILE", "record file (recognised by header); repeatable; default: data/", 1, NULL,
       NULL, 0},
      {"from", "DAY", "first day, YYYY-MM-DD; default: the first row", 0, NULL, NULL, 0},
      {"to", "DAY", "last day (inclusive); default: the last row", 0, NULL, NULL, 0},
      {"output", "FILE", "write the TSV here (-o also works); default standard output", 0, NULL,
       NULL, 0},
  };
  cli_spec spec = {
      .name = "record streams",
      .synopsis = "[--record FILE]... [options]",
      .description =
          "Writes one TSV row per event and stream, header 'date<TAB>stream', ordered by\n"
          "date then stream: dprk_bm, dprk_icbm, dprk_nuclear, dprk_clash (CSIS classes;\n"
          "one event per distinct day and stream) and allied_exercise, allied_suspension,\n"
          "allied_deployment, allied_sanctions (UNSC adopted and unilateral), allied_offer\n"
          "(talks offered or held, summits). The input of point-process (Hawkes) fits.",
      .opts = opts,
      .n_opts = sizeof opts / sizeof opts[0],
      .epilog = "example:\n  brink record streams --to 2022-11-06 -o streams.tsv"};
  int rc = cli_parse(&spec, argc, argv);
  brink_record *rec = NULL;
  brink_buf out;
  brink_buf_init(&out, ctx, 0);
  int32_t from, to;
  if (rc >= 0) goto done;
  if ((rc = parse_day(&spec, "from", 18000101, &from)) >= 0) goto done;
  if ((rc = parse_day(&spec, "to", 21991231, &to)) >= 0) goto done;
  if ((rc = cli_load_record(&spec, ctx, &rec)) >= 0) goto done;
  brink_status st = brink_buf_puts(&out, "date\tstream\n");
  size_t n = brink_record_count(rec);
  for (size_t i = 0; i < n && !st;) {
    int32_t day = brink_record_row_at(rec, i)->date;
    uint32_t mask = 0;
    for (; i < n && brink_record_row_at(rec, i)->date == day; i++)
      mask |= brink_record_row_streams(brink_record_row_at(rec, i));
    if (day < from || day > to) continue;
    for (int s = 0; s < BRINK_RECORD_STREAM_COUNT && !st; s++)
      if (mask & (1u << s))
        st = brink_buf_printf(&out, "%04d-%02d-%02d\t%s\n", day / 10000, day / 100 % 100, day % 100,
                              brink_record_stream_name((brink_record_stream)s));
  }
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  const char *path = cli_value(&spec, "output", NULL);
  if (path) {
    if ((rc = cli_write_file(&spec, ctx, path, out.data, out.len)) >= 0) goto done;
  } else {
    fwrite(out.data, 1, out.len, stdout);
  }
  rc = CLI_EXIT_OK;

done:
  brink_buf_release(&out);
  brink_record_free(rec);
  cli_spec_release(&spec);
  return rc;
}

static void print_record_help(void) {
  printf("usage: brink record summary [--record FILE]... [--from DAY --to DAY]\n"
         "       brink record streams [--record FILE]... [--to DAY] [-o FILE]\n\n"
         "The record of the Korean crisis up to 2022-11-06: CSIS provocation entries (the DPRK\n"
         "side), the sourced timeline and the allied record (docs/validation.md). Files are\n"
         "recognised by their header; a row in two files counts once. Without --record the\n"
         "shipped files in data/ are read ($BRINK_DATA_DIR, ./data, or data/ near the\n"
         "executable).\n\n"
         "subcommands:\n"
         "  summary  yearly counts of the series and allied streams\n"
         "  streams  one TSV row per (date, stream) for point-process fits\n\n"
         "Run 'brink record SUBCOMMAND --help' for its options.\n");
}

int cmd_record(brink_ctx *ctx, int argc, char **argv) {
  if (argc < 2) {
    print_record_help();
    return CLI_EXIT_USAGE;
  }
  const char *sub = argv[1];
  if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
    print_record_help();
    return CLI_EXIT_OK;
  }
  if (!strcmp(sub, "summary")) return record_summary(ctx, argc - 1, argv + 1);
  if (!strcmp(sub, "streams")) return record_streams(ctx, argc - 1, argv + 1);
  fprintf(stderr,
          "brink record: unknown subcommand '%s' (expected summary or streams)\n"
          "Try 'brink record --help'.\n",
          sub);
  return CLI_EXIT_USAGE;
}
