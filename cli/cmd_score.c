/* SPDX-License-Identifier: MIT */
/* `brink score`: a forecast JSON (issue 14's format) scored against the record with CRPS, log
 * score and Brier, next to the persistence and climatology baselines and any reference
 * forecasts, with skill (docs/validation.md). */
#include <stdio.h>
#include <string.h>

#include "brink/record.h"
#include "brink/score.h"
#include "cli.h"

#define MAX_REFS (BRINK_SCORE_MAX_MODELS - 3)

int cmd_score(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"record", "FILE",
       "record file (recognised by header); repeatable; default: the shipped "
       "files in data/",
       1, NULL, NULL, 0},
      {"reference", "NAME=FILE",
       "another model's forecast JSON (same origin and windows) used as a baseline, e.g. "
       "hawkes=h.json; repeatable (at most 5)",
       1, NULL, NULL, 0},
      {"record-end", "DAY",
       "last day the record covers; windows ending later are not scored; "
       "default 2022-11-06",
       0, NULL, NULL, 0},
      {"format", "F", "table|json|csv; default table", 0, NULL, NULL, 0},
      {"output", "FILE", "write here (-o also works); default standard output", 0, NULL, NULL, 0},
  };
  cli_spec spec = {
      .name = "score",
      .synopsis = "FORECAST.json [--record FILE]... [options]",
      .description =
          "Scores a forecast of 52-week counts (bm_launch_days, icbm_launch_days,\n"
          "nuclear_tests, clash_days, armed_conflict) against the record: CRPS (exact for\n"
          "counts), log score (probabilities floored at 1e-4) and Brier for P(count >= 1),\n"
          "for the forecast, two baselines built from the record before the origin only\n"
          "(persistence: Poisson around the last 52 weeks' count; climatology: the 52-week\n"
          "counts since 2006) and every --reference. Skill = 1 - score/score_baseline,\n"
          "averaged over the scored windows (n printed).",
      .opts = opts,
      .n_opts = sizeof opts / sizeof opts[0],
      .min_pos = 1,
      .max_pos = 1,
      .epilog =
          "example:\n  brink score forecast.json --reference hawkes=hawkes.json --format json"};
  static const char *const formats[] = {"table", "json", "csv"};
  int rc = cli_parse(&spec, argc, argv);
  brink_prediction *fc = NULL;
  brink_prediction *ref_fc[MAX_REFS] = {NULL};
  brink_score_reference refs[MAX_REFS];
  char ref_names[MAX_REFS][64];
  size_t n_refs = 0;
  brink_record *rec = NULL;
  brink_score_table *table = NULL;
  brink_buf out;
  brink_buf_init(&out, ctx, 0);
  int format = 0;
  int32_t record_end = BRINK_RECORD_END;
  brink_status st;
  if (rc >= 0) goto done;
  if ((rc = cli_choice(&spec, "format", formats, 3, 0, &format)) >= 0) goto done;
  const char *end = cli_value(&spec, "record-end", NULL);
  if (end && brink_record_date_parse(end, &record_end)) {
    rc = cli_usage_error(&spec, "--record-end '%s': expected a day YYYY-MM-DD", end);
    goto done;
  }
  cli_opt *ref_opt = cli_opt_get(&spec, "reference");
  if (ref_opt->n_values > MAX_REFS) {
    rc = cli_usage_error(&spec, "%zu --reference options: at most %d", ref_opt->n_values, MAX_REFS);
    goto done;
  }
  for (size_t i = 0; i < ref_opt->n_values; i++) {
    const char *v = ref_opt->values[i];
    const char *eq = strchr(v, '=');
    size_t len = eq ? (size_t)(eq - v) : 0;
    if (!eq || len == 0 || len >= sizeof ref_names[0] || !eq[1]) {
      rc = cli_usage_error(&spec, "--reference '%s': expected NAME=FILE", v);
      goto done;
    }
    memcpy(ref_names[i], v, len);
    ref_names[i][len] = '\0';
    static const char *const taken[] = {"forecast", "persistence", "climatology"};
    for (size_t t = 0; t < 3; t++)
      if (!strcmp(ref_names[i], taken[t])) {
        rc = cli_usage_error(&spec, "--reference name '%s' is taken: choose another", taken[t]);
        goto done;
      }
    if ((st = brink_prediction_load(ctx, eq + 1, &ref_fc[i])) != BRINK_OK) {
      rc = cli_fail(&spec, ctx, st);
      goto done;
    }
    refs[i].name = ref_names[i];
    refs[i].forecast = ref_fc[i];
    n_refs++;
  }
  if ((st = brink_prediction_load(ctx, spec.pos[0], &fc)) != BRINK_OK) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  if ((rc = cli_load_record(&spec, ctx, &rec)) >= 0) goto done;
  st = brink_score_run(ctx, fc, rec, record_end, refs, n_refs, &table);
  if (!st) st = brink_score_table_write(table, formats[format], &out);
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
  brink_score_table_free(table);
  brink_record_free(rec);
  brink_prediction_free(fc);
  for (size_t i = 0; i < MAX_REFS; i++) brink_prediction_free(ref_fc[i]);
  cli_spec_release(&spec);
  return rc;
}
