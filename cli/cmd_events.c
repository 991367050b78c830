/* SPDX-License-Identifier: MIT */
/* `brink events`: import GDELT/ICEWS/CSV event data into an SQLite store, query it, and print
 * the observed tension index of a dyad (docs/events.md). */
#define _POSIX_C_SOURCE 200809L /* isatty, fileno */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "brink/events.h"
#include "cli.h"

#define MAX_BAD_SHOWN 20

/* SQLite reads '', ':memory:' and 'file:' URIs as databases that live in memory (or as URIs):
 * an import would print "8 added" and keep nothing. -1 when --db names a file, else
 * CLI_EXIT_FAIL after the message. */
static int check_db_path(cli_spec *spec) {
  const char *db = cli_value(spec, "db", "events.db");
  if (db[0] && strcmp(db, ":memory:") != 0 && strncmp(db, "file:", 5) != 0) return -1;
  fprintf(stderr,
          "brink %s: --db '%s' refused: an empty path, ':memory:' or a 'file:' URI keeps "
          "nothing on disk; give a file name (./%s for a file so named)\n",
          spec->name, db, db[0] ? db : "NAME");
  return CLI_EXIT_FAIL;
}

static void print_events_help(void) {
  printf("usage: brink events SUBCOMMAND [options]\n"
         "       brink events SUBCOMMAND --help\n\n"
         "Event data (GDELT 1.0/2.0, ICEWS, CSV) in an SQLite store, and the observed tension\n"
         "index of a dyad, computed with the function the crisis model uses.\n\n"
         "subcommands:\n"
         "  import   read event files (plain or .zip) into the store\n"
         "  index    tension index of a dyad by day, week or month\n"
         "  query    list stored events matching simple filters\n\n"
         "exit status: 0 success, 1 runtime failure (bad file, failed run), 2 usage error\n");
}

/* ---- Shared option readers ---------------------------------------------------------------- */

static int read_date(cli_spec *spec, const char *name, int32_t *out) {
  const char *v = cli_value(spec, name, NULL);
  *out = 0;
  if (!v) return -1;
  if (brink_event_date_parse(v, strlen(v), out))
    return cli_usage_error(spec, "--%s expects a day YYYY-MM-DD or YYYYMMDD, got '%s'", name, v);
  return -1;
}

/* "PRK:USA" -> "PRK", "USA" (either side may be empty in query). */
static int read_dyad(cli_spec *spec, int required, char a1[16], char a2[16]) {
  const char *v = cli_value(spec, "dyad", NULL);
  a1[0] = a2[0] = '\0';
  if (!v) return required ? cli_usage_error(spec, "--dyad A:B is required (e.g. PRK:USA)") : -1;
  const char *colon = strchr(v, ':');
  size_t n1 = colon ? (size_t)(colon - v) : 0, n2 = colon ? strlen(colon + 1) : 0;
  if (!colon || n1 >= 16 || n2 >= 16 || (required && (!n1 || !n2)) || (!n1 && !n2))
    return cli_usage_error(spec,
                           "--dyad expects two actor country codes A:B (e.g. PRK:USA), "
                           "got '%s'",
                           v);
  memcpy(a1, v, n1);
  a1[n1] = '\0';
  memcpy(a2, colon + 1, n2);
  a2[n2] = '\0';
  return -1;
}

static const char *const format_choices[] = {"table", "csv", "json"};
static const char *const date_choices[] = {"event", "added"};

/* Filter options common to index and query. */
static int read_filter(cli_spec *spec, brink_event_filter *f, char a1[16], char a2[16],
                       int dyad_required) {
  int rc, date_kind;
  if ((rc = read_dyad(spec, dyad_required, a1, a2)) >= 0) return rc;
  if ((rc = read_date(spec, "from", &f->from)) >= 0) return rc;
  if ((rc = read_date(spec, "to", &f->to)) >= 0) return rc;
  if (f->from && f->to && f->from > f->to)
    return cli_usage_error(spec, "--from %s is after --to %s", cli_value(spec, "from", ""),
                           cli_value(spec, "to", ""));
  if ((rc = cli_choice(spec, "date", date_choices, 2, 0, &date_kind)) >= 0) return rc;
  const char *root = cli_value(spec, "root", NULL);
  if (root &&
      (strlen(root) != 2 || root[0] < '0' || root[0] > '2' || root[1] < '0' || root[1] > '9'))
    return cli_usage_error(spec, "--root expects a two-digit CAMEO root (01..20), got '%s'", root);
  f->actor1 = a1;
  f->actor2 = a2;
  f->both_directions = cli_value(spec, "both-directions", NULL) != NULL;
  f->use_added = date_kind == 1;
  f->root = root;
  f->role1 = cli_value(spec, "role1", NULL);
  f->role2 = cli_value(spec, "role2", NULL);
  return -1;
}

static void day_text(int32_t d, char out[16]) {
  snprintf(out, 16, "%04d-%02d-%02d", (int)(d / 10000), (int)(d / 100 % 100), (int)(d % 100));
}

static void period_text(brink_event_period by, int32_t start, char out[16]) {
  if (by == BRINK_EVENT_BY_MONTH) {
    snprintf(out, 16, "%04d-%02d", (int)(start / 10000), (int)(start / 100 % 100));
  } else if (by == BRINK_EVENT_BY_WEEK) {
    int y, w;
    brink_event_iso_week(start, &y, &w);
    snprintf(out, 16, "%04d-W%02d", y, w);
  } else {
    day_text(start, out);
  }
}

/* ---- import ------------------------------------------------------------------------------ */

typedef struct import_state {
  const char *file;
  uint64_t shown;
  int progress_shown;
} import_state;

static void on_bad(void *ud, const char *where, uint64_t line, const char *message) {
  import_state *s = ud;
  if (++s->shown > MAX_BAD_SHOWN) return;
  if (s->progress_shown) {
    fputc('\n', stderr);
    s->progress_shown = 0;
  }
  fprintf(stderr, "%s:%llu: %s\n", where, (unsigned long long)line, message);
}

static void on_progress(void *ud, const brink_event_read_stats *p) {
  import_state *s = ud;
  if (p->total_bytes)
    fprintf(stderr, "\r%s: %5.1f%%, %llu rows", s->file,
            100.0 * (double)p->bytes / (double)p->total_bytes, (unsigned long long)p->rows);
  else
    fprintf(stderr, "\r%s: %llu rows", s->file, (unsigned long long)p->rows);
  fflush(stderr);
  s->progress_shown = 1;
}

static int events_import(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"db", "FILE", "event store (SQLite), created when missing; default events.db", 0, NULL, NULL,
       0},
      {"format", "F", "auto|gdelt1|gdelt2|icews|csv; default auto (detected per file)", 0, NULL,
       NULL, 0},
      {"columns", "MAP", "csv column mapping field=Header,... (docs/events.md)", 0, NULL, NULL, 0},
      {"strict", NULL, "fail on the first bad row (nothing from that file is kept)", 0, NULL, NULL,
       0},
      {"quiet", NULL, "no progress and no summary (bad rows are still reported)", 0, NULL, NULL, 0},
  };
  cli_spec spec = {.name = "events import",
                   .synopsis = "FILE... [options]",
                   .description =
                       "Reads GDELT 1.0 (57/58 columns), GDELT 2.0 (61 columns), ICEWS .tab and\n"
                       "CSV files, plain or zipped, into the store. Bad rows are reported as\n"
                       "file:line: message and counted; re-importing a file adds nothing twice.",
                   .opts = opts,
                   .n_opts = sizeof opts / sizeof opts[0],
                   .min_pos = 1,
                   .max_pos = (size_t)argc,
                   .epilog = "example:\n  brink events import 20170809.export.CSV.zip --db "
                             "korea.db"};
  int rc = cli_parse(&spec, argc, argv);
  brink_event_store *store = NULL;
  brink_event_reader *reader = NULL;
  if (rc >= 0) goto done;
  brink_event_read_opts ro = {0};
  if (brink_event_format_parse(ctx, cli_value(&spec, "format", "auto"), &ro.format)) {
    rc = cli_usage_error(&spec, "%s", brink_ctx_errmsg(ctx));
    goto done;
  }
  ro.strict = cli_value(&spec, "strict", NULL) != NULL;
  ro.csv_columns = cli_value(&spec, "columns", NULL);
  int quiet = cli_value(&spec, "quiet", NULL) != NULL;
  int tty = isatty(fileno(stderr));
  if ((rc = check_db_path(&spec)) >= 0) goto done;
  brink_status st = brink_event_store_new(ctx, cli_value(&spec, "db", "events.db"),
                                          BRINK_EVENT_STORE_CREATE, &store);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  rc = CLI_EXIT_OK;
  for (size_t i = 0; i < spec.n_pos; i++) {
    import_state is = {.file = spec.pos[i]};
    /* Under --strict the first bad row is the error message itself. */
    ro.on_bad = ro.strict ? NULL : on_bad;
    ro.userdata = &is;
    brink_event_import_stats stats;
    if ((st = brink_event_reader_new(ctx, spec.pos[i], &ro, &reader)) ||
        (st = brink_events_import(store, reader, spec.pos[i], quiet || !tty ? NULL : on_progress,
                                  &is, &stats))) {
      if (is.progress_shown) fputc('\n', stderr);
      rc = cli_fail(&spec, ctx, st);
      goto done;
    }
    if (is.progress_shown) fputs("\r\033[K", stderr);
    if (is.shown > MAX_BAD_SHOWN)
      fprintf(stderr, "%s: %llu more bad rows not shown\n", spec.pos[i],
              (unsigned long long)(is.shown - MAX_BAD_SHOWN));
    brink_event_read_stats rs;
    brink_event_reader_stats(reader, &rs);
    if (!quiet)
      printf("%s: %s, %llu rows, %llu added, %llu duplicates, %llu bad\n", spec.pos[i],
             brink_event_format_name(rs.format), (unsigned long long)stats.rows,
             (unsigned long long)stats.added, (unsigned long long)stats.duplicates,
             (unsigned long long)stats.bad);
    brink_event_reader_free(reader);
    reader = NULL;
  }
done:
  brink_event_reader_free(reader);
  brink_event_store_free(store);
  cli_spec_release(&spec);
  return rc;
}

/* ---- index ------------------------------------------------------------------------------- */

static int write_buf(brink_buf *b) {
  return fwrite(b->data, 1, b->len, stdout) == b->len ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

static brink_status index_json(brink_buf *b, const brink_event_series *s, const char *dyad,
                               const brink_event_index_opts *o, const char *by,
                               const char *dedupe) {
  char day[16];
  brink_status st = brink_buf_puts(b, "{\"dyad\": ");
  if (!st) st = brink_buf_json_string(b, dyad);
  if (!st)
    st = brink_buf_printf(b,
                          ", \"both_directions\": %s, \"by\": \"%s\", \"date\": \"%s\", "
                          "\"dedupe\": \"%s\", \"normalise\": %s, \"periods\": [",
                          o->filter.both_directions ? "true" : "false", by,
                          o->filter.use_added ? "added" : "event", dedupe,
                          o->normalise ? "true" : "false");
  for (size_t i = 0; !st && i < s->n; i++) {
    const brink_event_period_row *r = &s->rows[i];
    char period[16];
    period_text(o->by, r->start, period);
    day_text(r->start, day);
    st = brink_buf_printf(b,
                          "%s\n  {\"period\": \"%s\", \"start\": \"%s\", \"events\": %llu, "
                          "\"net_cooperation\": ",
                          i ? "," : "", period, day, (unsigned long long)r->acc.events);
    if (!st) st = brink_buf_json_number(b, r->net_cooperation);
    if (!st) st = brink_buf_puts(b, ", \"tension\": ");
    if (!st) st = brink_buf_json_number(b, r->tension);
    if (!st) st = brink_buf_puts(b, ", \"mean_goldstein\": ");
    if (!st) st = brink_buf_json_number(b, r->mean_goldstein);
    if (!st)
      st = brink_buf_printf(b, ", \"quad\": [%llu, %llu, %llu, %llu], \"conflict_share\": ",
                            (unsigned long long)r->acc.quad[1], (unsigned long long)r->acc.quad[2],
                            (unsigned long long)r->acc.quad[3], (unsigned long long)r->acc.quad[4]);
    if (!st) st = brink_buf_json_number(b, r->conflict_share);
    if (!st && o->normalise) {
      st = brink_buf_printf(
          b, ", \"total\": %llu, \"tension_per_1000\": ", (unsigned long long)r->total);
      if (!st) st = brink_buf_json_number(b, r->tension_per_1000);
    }
    if (!st) st = brink_buf_putc(b, '}');
  }
  if (!st) st = brink_buf_puts(b, "\n]}\n");
  return st;
}

static brink_status index_text(brink_buf *b, const brink_event_series *s,
                               const brink_event_index_opts *o, int csv) {
  brink_status st;
  if (csv)
    st = brink_buf_puts(b, "period,start,events,net_cooperation,tension,mean_goldstein,q1,q2,q3,"
                           "q4,conflict_share");
  else
    st = brink_buf_printf(b, "%-10s %-10s %7s %9s %9s %8s %5s %5s %5s %5s %8s", "period", "start",
                          "events", "net_coop", "tension", "mean_g", "q1", "q2", "q3", "q4",
                          "conflict");
  if (!st && o->normalise)
    st = brink_buf_puts(b, csv ? ",total,tension_per_1000" : "    total  per_1000");
  if (!st) st = brink_buf_putc(b, '\n');
  for (size_t i = 0; !st && i < s->n; i++) {
    const brink_event_period_row *r = &s->rows[i];
    char period[16], day[16];
    period_text(o->by, r->start, period);
    day_text(r->start, day);
    const uint64_t *q = r->acc.quad;
    if (csv) {
      st = brink_buf_printf(b, "%s,%s,%llu,", period, day, (unsigned long long)r->acc.events);
      if (!st) st = brink_buf_json_number(b, r->net_cooperation);
      if (!st) st = brink_buf_putc(b, ',');
      if (!st) st = brink_buf_json_number(b, r->tension);
      if (!st) st = brink_buf_putc(b, ',');
      if (!st) st = brink_buf_json_number(b, r->mean_goldstein);
      if (!st)
        st = brink_buf_printf(b, ",%llu,%llu,%llu,%llu,", (unsigned long long)q[1],
                              (unsigned long long)q[2], (unsigned long long)q[3],
                              (unsigned long long)q[4]);
      if (!st) st = brink_buf_json_number(b, r->conflict_share);
      if (!st && o->normalise) {
        st = brink_buf_printf(b, ",%llu,", (unsigned long long)r->total);
        if (!st) st = brink_buf_json_number(b, r->tension_per_1000);
      }
    } else {
      st = brink_buf_printf(b, "%-10s %-10s %7llu %9.2f %9.2f %8.3f %5llu %5llu %5llu %5llu %8.3f",
                            period, day, (unsigned long long)r->acc.events, r->net_cooperation,
                            r->tension, r->mean_goldstein, (unsigned long long)q[1],
                            (unsigned long long)q[2], (unsigned long long)q[3],
                            (unsigned long long)q[4], r->conflict_share);
      if (!st && o->normalise)
        st = brink_buf_printf(b, " %8llu %9.3f", (unsigned long long)r->total, r->tension_per_1000);
    }
    if (!st) st = brink_buf_putc(b, '\n');
  }
  return st;
}

static int events_index(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"db", "FILE", "event store (SQLite); default events.db", 0, NULL, NULL, 0},
      {"dyad", "A:B", "actor1:actor2 country codes, e.g. PRK:USA (required)", 0, NULL, NULL, 0},
      {"both-directions", NULL, "also count B -> A events", 0, NULL, NULL, 0},
      {"by", "UNIT", "day|week|month (ISO weeks, Monday first); default month", 0, NULL, NULL, 0},
      {"from", "DAY", "first day, YYYY-MM-DD (inclusive); default: first event", 0, NULL, NULL, 0},
      {"to", "DAY", "last day, YYYY-MM-DD (inclusive); default: last event", 0, NULL, NULL, 0},
      {"date", "KIND", "event (GDELT SQLDATE) | added (DATEADDED report day); default event", 0,
       NULL, NULL, 0},
      {"dedupe", "RULE", "none|daily|source (docs/events.md); default none", 0, NULL, NULL, 0},
      {"normalise", NULL, "add total events of the period and tension per 1000 events", 0, NULL,
       NULL, 0},
      {"root", "RR", "only this CAMEO root code (e.g. 19)", 0, NULL, NULL, 0},
      {"role1", "TYPE", "only events whose actor1 has this type (GOV, MIL, ...)", 0, NULL, NULL, 0},
      {"role2", "TYPE", "only events whose actor2 has this type", 0, NULL, NULL, 0},
      {"format", "FMT", "table|csv|json; default table", 0, NULL, NULL, 0},
  };
  cli_spec spec = {
      .name = "events index",
      .synopsis = "--dyad A:B [options]",
      .description = "Tension index of a dyad per period: event count, net cooperation (sum of\n"
                     "Goldstein weights), tension = -net cooperation, mean Goldstein, counts by\n"
                     "QuadClass and conflict share (q3+q4)/n. Periods without events are listed\n"
                     "with zeros.",
      .opts = opts,
      .n_opts = sizeof opts / sizeof opts[0],
      .epilog = "example:\n  brink events index --db korea.db --dyad PRK:USA --both-directions "
                "--by week --from 2017-07-01 --to 2017-09-30 --dedupe daily"};
  static const char *const by_choices[] = {"day", "week", "month"};
  static const char *const dedupe_choices[] = {"none", "daily", "source"};
  char a1[16], a2[16];
  int by, dedupe, format;
  brink_event_store *store = NULL;
  brink_event_series *series = NULL;
  brink_buf out;
  brink_buf_init(&out, ctx, 0);
  brink_event_index_opts o = {0};
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  if ((rc = read_filter(&spec, &o.filter, a1, a2, 1)) >= 0 ||
      (rc = cli_choice(&spec, "by", by_choices, 3, 2, &by)) >= 0 ||
      (rc = cli_choice(&spec, "dedupe", dedupe_choices, 3, 0, &dedupe)) >= 0 ||
      (rc = cli_choice(&spec, "format", format_choices, 3, 0, &format)) >= 0)
    goto done;
  o.by = (brink_event_period)by;
  o.dedupe = (brink_event_dedupe)dedupe;
  o.normalise = cli_value(&spec, "normalise", NULL) != NULL;
  if ((rc = check_db_path(&spec)) >= 0) goto done;
  brink_status st = brink_event_store_new(ctx, cli_value(&spec, "db", "events.db"), 0, &store);
  if (!st) st = brink_events_index(store, &o, &series);
  if (!st)
    st = format == 2 ? index_json(&out, series, cli_value(&spec, "dyad", ""), &o, by_choices[by],
                                  dedupe_choices[dedupe])
                     : index_text(&out, series, &o, format == 1);
  rc = st ? cli_fail(&spec, ctx, st) : write_buf(&out);
done:
  brink_buf_release(&out);
  brink_event_series_free(series);
  brink_event_store_free(store);
  cli_spec_release(&spec);
  return rc;
}

/* ---- query ------------------------------------------------------------------------------- */

typedef struct query_state {
  brink_buf *out;
  int format;
  uint64_t n;
  brink_status st;
} query_state;

static int print_event(void *ud, const brink_event *e) {
  query_state *q = ud;
  brink_buf *b = q->out;
  char day[16];
  day_text(e->date, day);
  brink_status st;
  if (q->format == 2) {
    st = brink_buf_printf(b, "%s\n  {\"date\": \"%s\", \"id\": %lld, \"source\": %d, \"actor1\": ",
                          q->n ? "," : "", day, (long long)e->id, e->source);
    if (!st) st = brink_buf_json_string(b, e->actor1_code);
    if (!st) st = brink_buf_puts(b, ", \"actor1_country\": ");
    if (!st) st = brink_buf_json_string(b, e->actor1_country);
    if (!st) st = brink_buf_puts(b, ", \"actor1_type\": ");
    if (!st) st = brink_buf_json_string(b, e->actor1_type);
    if (!st) st = brink_buf_puts(b, ", \"actor2\": ");
    if (!st) st = brink_buf_json_string(b, e->actor2_code);
    if (!st) st = brink_buf_puts(b, ", \"actor2_country\": ");
    if (!st) st = brink_buf_json_string(b, e->actor2_country);
    if (!st) st = brink_buf_puts(b, ", \"actor2_type\": ");
    if (!st) st = brink_buf_json_string(b, e->actor2_type);
    if (!st) st = brink_buf_puts(b, ", \"code\": ");
    if (!st) st = brink_buf_json_string(b, e->code);
    if (!st) st = brink_buf_puts(b, ", \"goldstein\": ");
    if (!st) st = brink_buf_json_number(b, e->goldstein);
    if (!st) st = brink_buf_printf(b, ", \"quadclass\": %d, \"url\": ", e->quadclass);
    if (!st) st = brink_buf_json_string(b, e->source_url);
    if (!st) st = brink_buf_putc(b, '}');
  } else if (q->format == 1) {
    /* CSV fields never hold commas or quotes except URLs and names: quote those. */
    st = brink_buf_printf(b, "%s,%lld,%d,", day, (long long)e->id, e->source);
    const char *text[] = {e->actor1_code,    e->actor1_country, e->actor1_type, e->actor2_code,
                          e->actor2_country, e->actor2_type,    e->code};
    for (size_t i = 0; !st && i < sizeof text / sizeof text[0]; i++) {
      st = brink_buf_putc(b, '"');
      for (const char *p = text[i]; !st && *p; p++)
        st = *p == '"' ? brink_buf_puts(b, "\"\"") : brink_buf_putc(b, *p);
      if (!st) st = brink_buf_puts(b, "\",");
    }
    if (!st) st = brink_buf_json_number(b, e->goldstein);
    if (!st) st = brink_buf_printf(b, ",%d,\"", e->quadclass);
    for (const char *p = e->source_url; !st && *p; p++)
      st = *p == '"' ? brink_buf_puts(b, "\"\"") : brink_buf_putc(b, *p);
    if (!st) st = brink_buf_puts(b, "\"\n");
  } else {
    st = brink_buf_printf(b,
                          "%-10s %12lld %-12.12s %-3.3s %-3.3s  %-12.12s %-3.3s %-3.3s  %-4s "
                          "%5.1f %d %s\n",
                          day, (long long)e->id, e->actor1_code, e->actor1_country, e->actor1_type,
                          e->actor2_code, e->actor2_country, e->actor2_type, e->code, e->goldstein,
                          e->quadclass, e->source_url);
  }
  q->n++;
  q->st = st;
  if (!st && b->len > 1u << 20) {
    if (fwrite(b->data, 1, b->len, stdout) != b->len) return 1;
    brink_buf_reset(b);
  }
  return st != BRINK_OK;
}

static int events_query(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"db", "FILE", "event store (SQLite); default events.db", 0, NULL, NULL, 0},
      {"dyad", "A:B", "actor1:actor2 country codes; one side may be empty (PRK: or :USA)", 0, NULL,
       NULL, 0},
      {"both-directions", NULL, "also match B -> A", 0, NULL, NULL, 0},
      {"from", "DAY", "first day, YYYY-MM-DD (inclusive)", 0, NULL, NULL, 0},
      {"to", "DAY", "last day, YYYY-MM-DD (inclusive)", 0, NULL, NULL, 0},
      {"date", "KIND", "event|added: which day --from/--to apply to; default event", 0, NULL, NULL,
       0},
      {"root", "RR", "CAMEO root code (e.g. 19)", 0, NULL, NULL, 0},
      {"code", "CODE", "exact CAMEO event code (leading zeros matter: 010 is not 10)", 0, NULL,
       NULL, 0},
      {"role1", "TYPE", "actor1 type code (GOV, MIL, ...)", 0, NULL, NULL, 0},
      {"role2", "TYPE", "actor2 type code", 0, NULL, NULL, 0},
      {"limit", "N", "at most N events; default 0 (all)", 0, NULL, NULL, 0},
      {"format", "FMT", "table|csv|json; default table", 0, NULL, NULL, 0},
  };
  cli_spec spec = {.name = "events query",
                   .synopsis = "[options]",
                   .description = "Lists stored events matching the filters, by date.",
                   .opts = opts,
                   .n_opts = sizeof opts / sizeof opts[0],
                   .epilog =
                       "example:\n  brink events query --db korea.db --dyad PRK:USA --root 19"};
  char a1[16], a2[16];
  int format;
  uint64_t limit;
  brink_event_store *store = NULL;
  brink_buf out;
  brink_buf_init(&out, ctx, 0);
  brink_event_filter f = {0};
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  if ((rc = read_filter(&spec, &f, a1, a2, 0)) >= 0 ||
      (rc = cli_choice(&spec, "format", format_choices, 3, 0, &format)) >= 0 ||
      (rc = cli_u64(&spec, "limit", 0, UINT64_MAX >> 2, 0, &limit)) >= 0)
    goto done;
  f.code = cli_value(&spec, "code", NULL);
  if ((rc = check_db_path(&spec)) >= 0) goto done;
  brink_status st = brink_event_store_new(ctx, cli_value(&spec, "db", "events.db"), 0, &store);
  query_state q = {.out = &out, .format = format};
  if (!st) {
    if (format == 1)
      st = brink_buf_puts(&out, "date,id,source,actor1,actor1_country,actor1_type,actor2,"
                                "actor2_country,actor2_type,code,goldstein,quadclass,url\n");
    else if (format == 2)
      st = brink_buf_putc(&out, '[');
  }
  if (!st) st = brink_events_query(store, &f, limit, print_event, &q);
  if (!st) st = q.st;
  if (!st && format == 2) st = brink_buf_puts(&out, "\n]\n");
  rc = st ? cli_fail(&spec, ctx, st) : write_buf(&out);
done:
  brink_buf_release(&out);
  brink_event_store_free(store);
  cli_spec_release(&spec);
  return rc;
}

int cmd_events(brink_ctx *ctx, int argc, char **argv) {
  if (argc < 2) {
    print_events_help();
    return CLI_EXIT_USAGE;
  }
  const char *sub = argv[1];
  if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
    print_events_help();
    return CLI_EXIT_OK;
  }
  if (strcmp(sub, "import") == 0) return events_import(ctx, argc - 1, argv + 1);
  if (strcmp(sub, "index") == 0) return events_index(ctx, argc - 1, argv + 1);
  if (strcmp(sub, "query") == 0) return events_query(ctx, argc - 1, argv + 1);
  fprintf(stderr,
          "brink events: unknown subcommand '%s' (expected import, index or query)\n"
          "Try 'brink events --help'.\n",
          sub);
  return CLI_EXIT_USAGE;
}
