/* SPDX-License-Identifier: MIT */
/* `brink forecast`: the recorded series (launch days, ICBM days, nuclear tests, clash days,
 * armed conflict) simulated forward from a scenario's start, counted per 52-week window, with
 * their distributions over runs (brink/forecast.h). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "brink/events.h"
#include "brink/forecast.h"
#include "brink/model.h"
#include "brink/scenario.h"
#include "brink/filter.h"
#include "cli.h"
#include "forecast_compare.h"
#include "history.h"

typedef struct progress {
  int enabled;
} progress;

static void on_progress(void *ud, uint64_t done, uint64_t total) {
  progress *p = ud;
  if (!p->enabled) return;
  fprintf(stderr, "\rforecast: %llu/%llu runs", (unsigned long long)done,
          (unsigned long long)total);
  if (done == total) fputc('\n', stderr);
}

static brink_status table(const brink_forecast *f, const char *origin, const char *policy,
                          const char *scenario, brink_buf *out) {
  brink_status st = brink_buf_printf(
      out,
      "forecast of %s from %s under %s: %llu runs, seed %llu, %u weeks in 52-week windows\n"
      "counts per window: mean, median and 90%% interval (5%%-95%% of runs)\n\n%-8s",
      scenario, origin ? origin : "the scenario's start", policy ? policy : "no policy",
      (unsigned long long)f->runs, (unsigned long long)f->seed, f->steps, "window");
  for (int s = 0; s < BRINK_RECORD_SERIES_COUNT && !st; s++)
    st = brink_buf_printf(out, "  %-22s", brink_record_series_name((brink_record_series)s));
  if (!st) st = brink_buf_puts(out, "\n");
  for (uint32_t w = 0; w < f->n_windows && !st; w++) {
    st = brink_buf_printf(out, "%-8u", w + 1);
    for (int s = 0; s < BRINK_RECORD_SERIES_COUNT && !st; s++) {
      brink_record_series se = (brink_record_series)s;
      char cell[64];
      if (se == BRINK_RECORD_SERIES_ARMED_CONFLICT)
        snprintf(cell, sizeof cell, "P %.4f", brink_forecast_mean(f, w, se));
      else
        snprintf(cell, sizeof cell, "%.2f  %u [%u, %u]", brink_forecast_mean(f, w, se),
                 brink_forecast_quantile(f, w, se, 0.5), brink_forecast_quantile(f, w, se, 0.05),
                 brink_forecast_quantile(f, w, se, 0.95));
      st = brink_buf_printf(out, "  %-22s", cell);
    }
    if (!st) st = brink_buf_puts(out, "\n");
  }
  if (!st)
    st = brink_buf_puts(out, "\nseries: steps (weeks) with the act; armed_conflict: share of runs "
                             "whose armed conflict begins in the window\n");
  return st;
}

int cmd_forecast(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"policy", "NAMES",
       "the policy run forward (default: status_quo or historical if the scenario has one, else "
       "its first); a comma list or 'all' compares "
       "them from the same particles (common random numbers)",
       0, NULL, NULL, 0},
      {"horizon", "WEEKS", "weeks to forecast (default 104)", 0, NULL, NULL, 0},
      {"posterior", "FILE",
       "draw the parameters it names from this sample (TSV: names, then draws) instead of "
       "their priors",
       0, NULL, NULL, 0},
      {"runs", "N", "runs (default 20000)", 0, NULL, NULL, 0},
      {"seed", "S", "random seed (default 1)", 0, NULL, NULL, 0},
      {"threads", "T", "worker threads (default: the number of cores)", 0, NULL, NULL, 0},
      {"series", "FILE",
       "which ladder actions count in which series (default data/korea_series.tsv)", 0, NULL, NULL,
       0},
      {"set", "PATH=VALUE", "override a scenario value, e.g. params.dprk_greed=0.9", 1, NULL, NULL,
       0},
      {"format", "F", "table | json (default table)", 0, NULL, NULL, 0},
      {"output", "FILE", "write to FILE instead of standard output", 0, NULL, NULL, 0},
      {"html", "FILE",
       "with several policies: also write the comparison as a self-contained HTML page", 0, NULL,
       NULL, 0},
      {"quiet", NULL, "no progress", 0, NULL, NULL, 0},
      {"origin", "DATE",
       "forecast from this Monday, after filtering the record before it (default: the "
       "scenario's start, without filtering)",
       0, NULL, NULL, 0},
      {"history", "FILE",
       "a window of the filtered history (repeatable; default: the scenario itself, over the "
       "year before the origin)",
       1, NULL, NULL, 0},
      HISTORY_RECORD_OPT,
      {"from", "DATE", "first day of the filtered history (default: the first window's start)", 0,
       NULL, NULL, 0},
      HISTORY_OBSERVATION_OPT,
      {"particles", "N", "particles of the filter (default 2000)", 0, NULL, NULL, 0},
      HISTORY_MISRECORD_OPT,
      {"replicates", "R",
       "independent filters (default 1); with several, the log-likelihood and P(greedy) carry "
       "their Monte Carlo error",
       0, NULL, NULL, 0},
      {"validation", "FILE",
       "with several policies: print the backtest's skill figures from this file (written by "
       "scripts/backtest.sh)",
       0, NULL, NULL, 0},
  };
  cli_spec spec = {
      "forecast",
      "SCENARIO [options]",
      "Simulates the scenario forward from its start under one policy and counts, per 52-week\n"
      "window from the origin (the scenario's time.start), the series the record defines:\n"
      "ballistic-missile launch weeks, ICBM launch weeks, nuclear tests, clash weeks and the\n"
      "start of armed conflict. Each window's count distribution over runs is written as a\n"
      "histogram (JSON), so proper scores can be computed exactly (docs/validation.md).",
      opts,
      sizeof opts / sizeof opts[0],
      1,
      1,
      "example:\n  brink forecast scenarios/korea/2022.yaml --policy historical --runs 20000 "
      "--format json",
      NULL,
      0};
  brink_scenario *sc = NULL;
  brink_model *model = NULL;
  brink_forecast **fs = NULL;
  brink_filter_result *fr = NULL;
  size_t n_pol = 0;
  history h;
  memset(&h, 0, sizeof h);
  int have_history = 0;
  brink_buf out;
  brink_buf_init(&out, ctx, 0);
  uint64_t runs, seed, threads, horizon;
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  int procs = omp_get_num_procs();
  if ((rc = cli_u64(&spec, "runs", 1, (uint64_t)1 << 40, 20000, &runs)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "seed", 0, UINT64_MAX >> 1, 1, &seed)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "threads", 1, 1024, (uint64_t)(procs > 0 ? procs : 1), &threads)) >= 0)
    goto done;
  if ((rc = cli_u64(&spec, "horizon", 1, BRINK_MAX_HORIZON, 104, &horizon)) >= 0) goto done;
  static const char *const formats[] = {"table", "json"};
  int format;
  if ((rc = cli_choice(&spec, "format", formats, 2, 0, &format)) >= 0) goto done;
  if ((rc = cli_load_scenario(&spec, ctx, spec.pos[0], &sc)) >= 0) goto done;
  /* The policies: one name, a comma list, or `all` (several: filtered once, then each run
   * forward from the same particles and streams, so they compare with common random numbers). */
  uint32_t policies[FORECAST_MAX_POLICIES];
  const char *pname = cli_value(&spec, "policy", NULL);
  if (pname && strcmp(pname, "all") == 0) {
    for (size_t k = 0; k < brink_scenario_policy_count(sc) && k < FORECAST_MAX_POLICIES; k++)
      policies[n_pol++] = (uint32_t)k;
  } else if (pname) {
    for (const char *q = pname; *q;) {
      const char *comma = strchr(q, ',');
      size_t len = comma ? (size_t)(comma - q) : strlen(q);
      char name[128];
      snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), q);
      int p = brink_scenario_find_policy(sc, name);
      if (p < 0 || n_pol >= FORECAST_MAX_POLICIES) {
        rc = cli_usage_error(&spec, "scenario '%s' has no policy '%s' (--policy, column %zu)",
                             brink_scenario_name(sc), name, (size_t)(q - pname) + 1);
        goto done;
      }
      policies[n_pol++] = (uint32_t)p;
      q += len + (comma ? 1 : 0);
    }
  }
  if (!n_pol) {
    /* The default: the allies' recorded behaviour (a policy named status_quo or historical,
     * written to match the record before the origin: docs/korea.md), else the first. */
    int sq = brink_scenario_find_policy(sc, "status_quo");
    if (sq < 0) sq = brink_scenario_find_policy(sc, "historical");
    policies[n_pol++] = sq >= 0 ? (uint32_t)sq : brink_scenario_policy_count(sc) ? 0 : UINT32_MAX;
  }
  brink_status st = brink_model_new(ctx, sc, &model);
  if (!st) st = brink_model_set_horizon(ctx, model, (uint32_t)horizon);
  if (!st && cli_value(&spec, "posterior", NULL))
    st = brink_model_load_posterior(ctx, model, cli_value(&spec, "posterior", NULL));
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  brink_forecast_map map;
  if ((st = brink_forecast_map_load(ctx, cli_value(&spec, "series", "data/korea_series.tsv"), sc,
                                    &map))) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  progress prog = {!cli_value(&spec, "quiet", NULL) && isatty(fileno(stderr))};
  brink_forecast_options o = {.runs = runs,
                              .seed = seed,
                              .threads = (int)threads,
                              .steps = (uint32_t)horizon,
                              .policy = policies[0],
                              .progress = on_progress,
                              .userdata = &prog,
                              .keep_runs = n_pol > 1};
  const char *origin_text = cli_value(&spec, "origin", NULL);
  char origin_iso[16] = "";
  if (origin_text) {
    /* Filter the record strictly before the origin, then forecast from the particles. */
    int32_t origin;
    if (brink_event_date_parse(origin_text, strlen(origin_text), &origin) ||
        brink_event_date_days(origin) % 7 != 4) { /* 1970-01-01 was a Thursday: Mondays are 4 */
      rc = cli_usage_error(&spec, "--origin must be a Monday YYYY-MM-DD, got '%s'", origin_text);
      goto done;
    }
    snprintf(origin_iso, sizeof origin_iso, "%04d-%02d-%02d", origin / 10000, origin / 100 % 100,
             origin % 100);
    uint64_t particles, replicates;
    double misrecord;
    if ((rc = cli_u64(&spec, "particles", 1, 1u << 24, 2000, &particles)) >= 0) goto done;
    if ((rc = cli_u64(&spec, "replicates", 1, 1000, 1, &replicates)) >= 0) goto done;
    if ((rc = cli_f64(&spec, "misrecord", 0.0, 0.5, BRINK_FILTER_MISRECORD, &misrecord)) >= 0)
      goto done;
    cli_opt *hist_opt = cli_opt_get(&spec, "history");
    const char *const self[] = {spec.pos[0]};
    char from_default[16];
    if (!hist_opt->n_values && !cli_value(&spec, "from", NULL)) {
      /* Without windows: the scenario itself over the 52 weeks before the origin. */
      int32_t from = brink_event_date_from_days(brink_event_date_days(origin) - 364);
      snprintf(from_default, sizeof from_default, "%04d-%02d-%02d", from / 10000, from / 100 % 100,
               from % 100);
      cli_opt_get(&spec, "from")->value = from_default;
    }
    if ((rc = history_load(&spec, ctx, hist_opt->n_values ? hist_opt->values : self,
                           hist_opt->n_values ? hist_opt->n_values : 1, origin, &h)) >= 0)
      goto done;
    have_history = 1;
    brink_filter_data d = brink_history_filter_data(&h, misrecord);
    brink_filter_options fo = {.particles = (uint32_t)particles,
                               .replicates = (uint32_t)replicates,
                               .seed = seed,
                               .threads = (int)threads,
                               .ess_fraction = 0.5,
                               .keep_particles = 1};
    brink_history_filter_windows(&h, &fo);
    st = brink_filter_run(ctx, h.models[0], &d, &fo, &fr);
    if (!st && !isfinite(fr->loglik_rep[0])) {
      fprintf(stderr, "brink forecast: no particle explains the record before the origin (raise "
                      "--misrecord or --particles)\n");
      rc = CLI_EXIT_FAIL;
      goto done;
    }
    if (!st) st = brink_model_set_horizon(ctx, model, h.n_steps + (uint32_t)horizon);
    if (st) {
      rc = cli_fail(&spec, ctx, st);
      goto done;
    }
    if (prog.enabled)
      fprintf(stderr, "filtered %u weeks before %s: log-likelihood %.2f nats\n", h.n_steps,
              origin_iso, fr->loglik);
  }
  fs = brink_calloc(ctx, n_pol, sizeof *fs);
  if (!fs) {
    rc = cli_fail(&spec, ctx, BRINK_ENOMEM);
    goto done;
  }
  for (size_t k = 0; k < n_pol; k++) {
    o.policy = policies[k];
    st = fr ? brink_forecast_run(ctx, model, (const brink_model_state *const *)fr->final,
                                 fr->final_weight, fr->particles, &map, &o, &fs[k])
            : brink_forecast_run(ctx, model, NULL, NULL, 0, &map, &o, &fs[k]);
    if (st) {
      rc = cli_fail(&spec, ctx, st);
      goto done;
    }
  }
  const char *origin_out = origin_text ? origin_iso : brink_scenario_start(sc);
  if (n_pol == 1) {
    const char *policy_name =
        policies[0] != UINT32_MAX ? brink_scenario_policy(sc, policies[0])->name : NULL;
    st = format == 1 ? brink_forecast_json(ctx, fs[0], origin_out, policy_name, spec.pos[0], &out)
                     : table(fs[0], origin_out, policy_name, brink_scenario_name(sc), &out);
  } else {
    st = forecast_compare_write(ctx, sc, spec.pos[0], fs, policies, n_pol, origin_out, format,
                                have_history ? &h : NULL, fr, cli_value(&spec, "validation", NULL),
                                &out);
  }
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  const char *html = cli_value(&spec, "html", NULL);
  if (html && n_pol > 1) {
    /* The page holds the table text as printed (every number with its units, runs and
     * interval), escaped. */
    brink_buf text, page;
    brink_buf_init(&text, ctx, 0);
    brink_buf_init(&page, ctx, 0);
    st = forecast_compare_write(ctx, sc, spec.pos[0], fs, policies, n_pol, origin_out, 0,
                                have_history ? &h : NULL, fr, cli_value(&spec, "validation", NULL),
                                &text);
    if (!st)
      st = brink_buf_printf(&page,
                            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                            "<title>brink: policies of %s from %s</title>\n<style>body{font-family:"
                            "sans-serif;margin:2em;max-width:80em}pre{font-size:0.9em;overflow-x:"
                            "auto}</style></head>\n<body>\n<h1>Policies of %s, forecast from "
                            "%s</h1>\n<p>brink forecast: the state filtered from the record "
                            "before the origin, then every policy run forward from the same "
                            "particles (docs/validation.md).</p>\n<pre>",
                            brink_scenario_name(sc), origin_out, brink_scenario_name(sc),
                            origin_out);
    for (size_t i = 0; !st && i < text.len; i++) {
      char c = text.data[i];
      st = c == '<'   ? brink_buf_puts(&page, "&lt;")
           : c == '>' ? brink_buf_puts(&page, "&gt;")
           : c == '&' ? brink_buf_puts(&page, "&amp;")
                      : brink_buf_printf(&page, "%c", c);
    }
    if (!st) st = brink_buf_puts(&page, "</pre>\n</body></html>\n");
    if (!st) rc = cli_write_file(&spec, ctx, html, page.data, page.len);
    brink_buf_release(&text);
    brink_buf_release(&page);
    if (st) {
      rc = cli_fail(&spec, ctx, st);
      goto done;
    }
    if (rc >= 0) goto done;
  }
  const char *path = cli_value(&spec, "output", NULL);
  if (path) {
    rc = cli_write_file(&spec, ctx, path, out.data, out.len);
    if (rc >= 0) goto done;
  } else {
    fwrite(out.data, 1, out.len, stdout);
  }
  rc = CLI_EXIT_OK;
done:
  brink_buf_release(&out);
  for (size_t k = 0; fs && k < n_pol; k++) brink_forecast_free(fs[k]);
  brink_free(ctx, fs);
  brink_filter_result_free(fr);
  if (have_history) history_release(ctx, &h);
  brink_model_free(model);
  brink_scenario_free(sc);
  cli_spec_release(&spec);
  return rc;
}
