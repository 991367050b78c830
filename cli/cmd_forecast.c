/* SPDX-License-Identifier: MIT */
/* `brink forecast`: the recorded series (launch days, ICBM days, nuclear tests, clash days,
 * armed conflict) simulated forward from a scenario's start, counted per 52-week window, with
 * their distributions over runs (brink/forecast.h). */
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "brink/events.h"
#include "brink/forecast.h"
#include "brink/model.h"
#include "brink/scenario.h"
#include "cli.h"

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
  for (int s = 0; s < BRINK_SERIES_COUNT && !st; s++)
    st = brink_buf_printf(out, "  %-22s", brink_series_name((brink_series)s));
  if (!st) st = brink_buf_puts(out, "\n");
  for (uint32_t w = 0; w < f->n_windows && !st; w++) {
    st = brink_buf_printf(out, "%-8u", w + 1);
    for (int s = 0; s < BRINK_SERIES_COUNT && !st; s++) {
      brink_series se = (brink_series)s;
      char cell[64];
      if (se == BRINK_SERIES_ARMED_CONFLICT)
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
      {"policy", "NAME", "the policy run forward (default: the scenario's first)", 0, NULL, NULL,
       0},
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
      {"quiet", NULL, "no progress", 0, NULL, NULL, 0},
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
  brink_forecast *f = NULL;
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
  uint32_t policy = UINT32_MAX;
  const char *pname = cli_value(&spec, "policy", NULL);
  if (pname) {
    int p = brink_scenario_find_policy(sc, pname);
    if (p < 0) {
      rc = cli_usage_error(&spec, "scenario '%s' has no policy '%s'", sc->name, pname);
      goto done;
    }
    policy = (uint32_t)p;
  } else if (sc->n_policies) {
    policy = 0;
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
  brink_forecast_options o = {runs,   seed,        (int)threads, (uint32_t)horizon,
                              policy, on_progress, &prog};
  if ((st = brink_forecast_run(ctx, model, NULL, NULL, 0, &map, &o, &f))) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  const char *policy_name = policy != UINT32_MAX ? sc->policies[policy].name : NULL;
  st = format == 1 ? brink_forecast_json(ctx, f, sc->start, policy_name, spec.pos[0], &out)
                   : table(f, sc->start, policy_name, sc->name, &out);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
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
  brink_forecast_free(ctx, f);
  brink_model_free(ctx, model);
  brink_scenario_free(ctx, sc);
  cli_spec_release(&spec);
  return rc;
}
