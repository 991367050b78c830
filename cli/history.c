/* SPDX-License-Identifier: MIT */
/* The recorded history as the model sees it, shared by `brink replay`, `brink filter` and
 * `brink forecast --record`: the record files merged (brink/record.h), cut before a date,
 * turned into weekly acts by the observation table (brink/observe.h), and the scenario windows
 * that cover the weeks (brink_model_state_rebind). */
#include <stdio.h>
#include <string.h>

#include "brink/events.h"
#include "brink/history.h"
#include "brink/record.h"
#include "brink/scenario.h"
#include "history.h"

void history_release(brink_ctx *ctx, history *h) {
  (void)ctx;
  brink_history_release(h);
}

static int date_arg(cli_spec *spec, const char *name, int32_t *out) {
  const char *v = cli_value(spec, name, NULL);
  if (!v) return -1;
  if (brink_event_date_parse(v, strlen(v), out))
    return cli_usage_error(spec, "--%s must be a date YYYY-MM-DD, got '%s'", name, v);
  return -1;
}

int history_load(cli_spec *spec, brink_ctx *ctx, const char *const *files, size_t n_files,
                 int32_t end_exclusive, history *h) {
  memset(h, 0, sizeof *h);
  int rc = -1;
  brink_record *rec = NULL;
  if (n_files > HISTORY_MAX_WINDOWS)
    return cli_usage_error(spec, "at most %d scenario windows", HISTORY_MAX_WINDOWS);
  int32_t from = 0, to = end_exclusive;
  if ((rc = date_arg(spec, "from", &from)) >= 0) return rc;
  if (cli_opt_get(spec, "to") && (rc = date_arg(spec, "to", &to)) >= 0) return rc;
  if (from && brink_event_date_days(to) - brink_event_date_days(from) < 7)
    return cli_usage_error(spec, "the history from %d to %d is shorter than a week", from, to);
  /* The record, strictly before the end: nothing on or after it can leak in. */
  if ((rc = cli_load_record(spec, ctx, &rec)) >= 0) return rc;
  const cli_opt *set = cli_opt_get(spec, "set");
  brink_history_options o = {
      .windows = files,
      .n_windows = n_files,
      .overrides = set ? (const char *const *)set->values : NULL,
      .n_overrides = set ? set->n_values : 0,
      .record = rec,
      .observation = cli_value(spec, "observation", "data/korea_observation.tsv"),
      .posterior = cli_opt_get(spec, "posterior") ? cli_value(spec, "posterior", NULL) : NULL,
      .from = from,
      .end = to};
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  brink_status st = brink_history_load(ctx, &o, &diags, h);
  if (st) {
    cli_print_diags(&diags);
    rc = diags.n ? CLI_EXIT_FAIL : cli_fail(spec, ctx, st);
  }
  brink_diag_list_release(&diags);
  brink_record_free(rec);
  return rc;
}

void history_describe(const history *h, FILE *out) {
  fprintf(out,
          "history: %u weeks from %04d-%02d-%02d to %04d-%02d-%02d (exclusive), %zu window%s, %zu "
          "record file%s\n",
          h->n_steps, h->start / 10000, h->start / 100 % 100, h->start % 100, h->end / 10000,
          h->end / 100 % 100, h->end % 100, h->n_windows, h->n_windows == 1 ? "" : "s",
          h->n_record_files, h->n_record_files == 1 ? "" : "s");
  for (size_t w = 0; w < h->n_windows; w++)
    fprintf(out, "  window %zu: %s from week %u\n", w + 1, h->files[w], h->window_step[w]);
  fprintf(out,
          "record rows: %llu in the history's dates, %llu mapped to acts, %llu mapped to nothing "
          "on purpose, %llu unknown to the observation table, %llu outside the dates, %llu acts "
          "outranked in their week\n",
          (unsigned long long)(h->report.rows - h->report.outside),
          (unsigned long long)h->report.mapped, (unsigned long long)h->report.ignored,
          (unsigned long long)h->report.unknown, (unsigned long long)h->report.outside,
          (unsigned long long)h->report.overridden);
  if (h->report.unknown) fprintf(out, "unknown rows (first ones):\n%s", h->report.unknown_list);
}
