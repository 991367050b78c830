/* SPDX-License-Identifier: MIT */
/* The recorded history as the model sees it, shared by `brink replay`, `brink filter` and
 * `brink forecast --record`: the record files merged (brink/record.h), cut before a date,
 * turned into weekly acts by the observation table (brink/observe.h), and the scenario windows
 * that cover the weeks (brink_model_state_rebind). */
#include <stdio.h>
#include <string.h>

#include "brink/events.h"
#include "brink/filter.h"
#include "brink/model.h"
#include "brink/observe.h"
#include "brink/record.h"
#include "brink/scenario.h"
#include "history.h"

void history_release(brink_ctx *ctx, history *h) {
  for (size_t w = 0; w < h->n_windows; w++) {
    brink_model_free(h->models[w]);
    brink_scenario_free(h->scenarios[w]);
  }
  brink_free(ctx, h->acts);
  brink_observation_free(h->obs);
  memset(h, 0, sizeof *h);
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
  brink_record *rec = NULL, *cut = NULL;
  brink_observed_row *rows = NULL;
  brink_status st;
  if (n_files > HISTORY_MAX_WINDOWS)
    return cli_usage_error(spec, "at most %d scenario windows", HISTORY_MAX_WINDOWS);
  /* Windows, in the order of their time.start. */
  for (size_t k = 0; k < n_files; k++) {
    brink_scenario *sc = NULL;
    if ((rc = cli_load_scenario(spec, ctx, files[k], &sc)) >= 0) goto done;
    int32_t start = 0;
    if (!sc->start || brink_event_date_parse(sc->start, strlen(sc->start), &start)) {
      fprintf(stderr, "brink %s: %s: a window needs time.start (YYYY-MM-DD)\n", spec->name,
              files[k]);
      brink_scenario_free(sc);
      rc = CLI_EXIT_FAIL;
      goto done;
    }
    size_t at = h->n_windows;
    while (at > 0 && h->window_start[at - 1] > start) at--;
    for (size_t j = h->n_windows; j > at; j--) {
      h->scenarios[j] = h->scenarios[j - 1];
      h->window_start[j] = h->window_start[j - 1];
      h->files[j] = h->files[j - 1];
    }
    h->scenarios[at] = sc;
    h->window_start[at] = start;
    h->files[at] = files[k];
    h->n_windows++;
  }
  h->start = h->window_start[0];
  if ((rc = date_arg(spec, "from", &h->start)) >= 0) goto done;
  int32_t to = end_exclusive;
  if (cli_opt_get(spec, "to") && (rc = date_arg(spec, "to", &to)) >= 0) goto done;
  int64_t days = brink_event_date_days(to) - brink_event_date_days(h->start);
  if (days < 7) {
    rc = cli_usage_error(spec, "the history from %d to %d is shorter than a week", h->start, to);
    goto done;
  }
  h->end = to;
  h->n_steps = (uint32_t)(days / 7);
  const brink_scenario *first = h->scenarios[0];
  h->n_actors = (uint32_t)first->n_actors;
  for (size_t w = 0; w < h->n_windows; w++) {
    int64_t off = brink_event_date_days(h->window_start[w]) - brink_event_date_days(h->start);
    /* The first window covers the history from its first week, whatever its own start. */
    h->window_step[w] = w == 0 || off <= 0 ? 0 : (uint32_t)((off + 6) / 7);
    if ((st = brink_model_new(ctx, h->scenarios[w], &h->models[w])) ||
        (st = brink_model_set_horizon(ctx, h->models[w], h->n_steps))) {
      rc = cli_fail(spec, ctx, st);
      goto done;
    }
    /* A posterior (brink calibrate) covers every window: the same row for a run in each. */
    const char *posterior =
        cli_opt_get(spec, "posterior") ? cli_value(spec, "posterior", NULL) : NULL;
    if (posterior && (st = brink_model_load_posterior(ctx, h->models[w], posterior))) {
      rc = cli_fail(spec, ctx, st);
      goto done;
    }
  }
  /* The record, strictly before the end: nothing on or after it can leak in. */
  if ((rc = cli_load_record(spec, ctx, &rec)) >= 0) goto done;
  brink_record_stats stats;
  brink_record_get_stats(rec, &stats);
  h->n_record_files = stats.files;
  if ((st = brink_record_before(rec, to, &cut))) {
    rc = cli_fail(spec, ctx, st);
    goto done;
  }
  size_t n_rows = brink_record_count(cut);
  rows = brink_calloc(ctx, n_rows ? n_rows : 1, sizeof *rows);
  char(*where)[96] = brink_calloc(ctx, n_rows ? n_rows : 1, sizeof *where);
  h->acts = brink_calloc(ctx, (size_t)h->n_steps * h->n_actors, sizeof *h->acts);
  if (!rows || !where || !h->acts) {
    brink_free(ctx, where);
    rc = cli_fail(spec, ctx, BRINK_ENOMEM);
    goto done;
  }
  for (size_t i = 0; i < n_rows; i++) {
    const brink_record_row *r = brink_record_row_at(cut, i);
    snprintf(where[i], sizeof where[i], "%s:%u", r->file, r->line);
    rows[i] = (brink_observed_row){
        r->date, r->format == BRINK_RECORD_FORMAT_TIMELINE ? "timeline" : "csis", r->type,
        r->icbm, r->format == BRINK_RECORD_FORMAT_TIMELINE ? r->actor : NULL,     where[i]};
  }
  const char *table = cli_value(spec, "observation", "data/korea_observation.tsv");
  if ((st = brink_observation_load(ctx, table, first, &h->obs))) {
    brink_free(ctx, where);
    rc = cli_fail(spec, ctx, st);
    goto done;
  }
  /* Observed: every actor that is not a third party; scored: the behavioural ones. */
  for (uint32_t i = 0; i < h->n_actors; i++) {
    if (first->actors[i].driver != BRINK_DRIVER_THIRD_PARTY) h->observed |= 1u << i;
    if (first->actors[i].driver == BRINK_DRIVER_BEHAVIOURAL) h->scored |= 1u << i;
  }
  st = brink_observation_acts(ctx, h->obs, rows, n_rows, h->start, h->n_steps, h->observed, h->acts,
                              &h->report);
  brink_free(ctx, where);
  if (st) {
    rc = cli_fail(spec, ctx, st);
    goto done;
  }
  rc = -1;
done:
  brink_free(ctx, rows);
  brink_record_free(cut);
  brink_record_free(rec);
  if (rc >= 0) history_release(ctx, h);
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
