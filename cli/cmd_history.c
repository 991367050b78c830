/* SPDX-License-Identifier: MIT */
/* `brink replay` and `brink filter`: the model over the recorded history. replay runs it with
 * the allies' recorded acts forced and the DPRK free, and compares year by year; filter weighs
 * particles by the model's probability of the DPRK's recorded acts (the likelihood). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_statistics_double.h>

#include "brink/events.h"
#include "brink/filter.h"
#include "brink/forecast.h"
#include "brink/replay.h"
#include "history.h"

#define COMMON_OPTS                                                                                \
  HISTORY_OPTS,                                                                                    \
      {"posterior",                                                                                \
       "FILE",                                                                                     \
       "posterior draws of the parameters (brink calibrate) for every window",                     \
       0,                                                                                          \
       NULL,                                                                                       \
       NULL,                                                                                       \
       0},                                                                                         \
      {"seed", "S", "random seed (default 1)", 0, NULL, NULL, 0},                                  \
      {"threads", "T", "worker threads (default: the number of cores)", 0, NULL, NULL, 0},         \
      {"format", "F", "table | json (default table)", 0, NULL, NULL, 0}, {                         \
    "quiet", NULL, "no progress", 0, NULL, NULL, 0                                                 \
  }

static void date_text(int32_t d, char *out, size_t n) {
  snprintf(out, n, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
}

static void on_filter_progress(void *ud, uint64_t done, uint64_t total) {
  if (!*(int *)ud) return;
  fprintf(stderr, "\rfilter: %llu/%llu weeks", (unsigned long long)done, (unsigned long long)total);
  if (done == total) fputc('\n', stderr);
}

/* ---- brink filter ------------------------------------------------------------------------ */

int cmd_filter(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      COMMON_OPTS,
      {"particles", "N", "particles (default 2000)", 0, NULL, NULL, 0},
      {"replicates", "R", "independent filters, for the Monte Carlo error (default 4)", 0, NULL,
       NULL, 0},
      HISTORY_MISRECORD_OPT,
  };
  cli_spec spec = {
      "filter",
      "SCENARIO... [options]",
      "Runs a particle filter over the recorded history: each week the allies' recorded acts\n"
      "are forced and every particle is weighted by the model's probability of the DPRK's\n"
      "recorded act (a week without an entry is a 'hold'). Prints the log-likelihood of the\n"
      "record with its Monte Carlo standard error over independent filters, the effective\n"
      "sample size, and the filtered probability that the DPRK is the greedy type, year by\n"
      "year. Several SCENARIO files are windows of one history, taken in the order of their\n"
      "time.start (docs/validation.md).",
      opts,
      sizeof opts / sizeof opts[0],
      1,
      HISTORY_MAX_WINDOWS,
      "example:\n  brink filter scenarios/korea/2022.yaml --from 2021-11-08 --particles 2000",
      NULL,
      0};
  history h;
  memset(&h, 0, sizeof h);
  brink_filter_result *r = NULL;
  uint64_t particles, replicates, seed, threads;
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  int procs = omp_get_num_procs();
  if ((rc = cli_u64(&spec, "particles", 1, 1u << 24, 2000, &particles)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "replicates", 1, 1000, 4, &replicates)) >= 0) goto done;
  double misrecord;
  if ((rc = cli_f64(&spec, "misrecord", 0.0, 0.5, BRINK_FILTER_MISRECORD, &misrecord)) >= 0)
    goto done;
  if ((rc = cli_u64(&spec, "seed", 0, UINT64_MAX >> 1, 1, &seed)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "threads", 1, 1024, (uint64_t)(procs > 0 ? procs : 1), &threads)) >= 0)
    goto done;
  static const char *const formats[] = {"table", "json"};
  int format;
  if ((rc = cli_choice(&spec, "format", formats, 2, 0, &format)) >= 0) goto done;
  if ((rc = history_load(&spec, ctx, spec.pos, spec.n_pos, HISTORY_END, &h)) >= 0) goto done;
  int show = !cli_value(&spec, "quiet", NULL) && isatty(fileno(stderr));
  brink_filter_data d = brink_history_filter_data(&h, misrecord);
  brink_filter_options o = {.particles = (uint32_t)particles,
                            .replicates = (uint32_t)replicates,
                            .seed = seed,
                            .threads = (int)threads,
                            .ess_fraction = 0.5,
                            .progress = on_filter_progress,
                            .userdata = &show};
  brink_history_filter_windows(&h, &o);
  brink_status st = brink_filter_run(ctx, h.models[0], &d, &o, &r);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  int behavioural = -1;
  for (uint32_t i = 0; i < h.n_actors; i++)
    if (h.scored & (1u << i)) behavioural = (int)i;
  double ess_min = HUGE_VAL, ess_sum = 0;
  for (uint32_t t = 0; t < h.n_steps; t++) {
    ess_min = fmin(ess_min, r->ess[t]);
    ess_sum += r->ess[t];
  }
  char from[16], to[16];
  date_text(h.start, from, sizeof from);
  date_text(h.end, to, sizeof to);
  if (format == 0) {
    history_describe(&h, stdout);
    printf("\nlog-likelihood of the record: %.2f nats, Monte Carlo standard error %.2f (%u "
           "independent filters of %u particles, seed %llu)\n",
           r->loglik, r->loglik_se, r->replicates, r->particles, (unsigned long long)seed);
    printf("per week: %.4f nats (%u weeks); effective sample size mean %.0f, least %.0f of %u; "
           "%u resamplings\n",
           r->loglik / h.n_steps, h.n_steps, ess_sum / h.n_steps, ess_min, r->particles,
           r->resamples);
    if (behavioural >= 0) {
      printf("\nfiltered P(%s greedy) and its mean readiness, fear and the credibility of its "
             "adversaries, at the end of each year (replicate 1):\n",
             brink_scenario_actor(h.scenarios[0], (size_t)behavioural)->name);
      printf("%-12s %10s %10s %10s %12s %10s\n", "week ending", "P(greedy)", "readiness", "fear",
             "credibility", "log-lik");
      double year_ll = 0.0;
      for (uint32_t t = 0; t < h.n_steps; t++) {
        year_ll += r->loglik_step[t];
        int32_t day =
            brink_event_date_from_days(brink_event_date_days(h.start) + 7 * (int64_t)t + 6);
        int32_t next = brink_event_date_from_days(brink_event_date_days(day) + 7);
        if (next / 10000 != day / 10000 || t + 1 == h.n_steps) {
          size_t c = (size_t)t * h.n_actors + (size_t)behavioural;
          char dt[16];
          date_text(day, dt, sizeof dt);
          printf("%-12s %10.3f %10.3f %10.2f %12.3f %10.2f\n", dt, r->p_greedy[c], r->readiness[c],
                 r->fear[c], r->credibility[c], year_ll);
          year_ll = 0.0;
        }
      }
    }
  } else {
    printf("{\"filter\": {\"from\": \"%s\", \"to\": \"%s\", \"weeks\": %u, \"particles\": %u, "
           "\"replicates\": %u, \"seed\": %llu, \"loglik\": %.17g, \"loglik_se\": %.17g, "
           "\"loglik_replicates\": [",
           from, to, h.n_steps, r->particles, r->replicates, (unsigned long long)seed, r->loglik,
           r->loglik_se);
    for (uint32_t k = 0; k < r->replicates; k++) printf("%s%.17g", k ? ", " : "", r->loglik_rep[k]);
    printf("], \"resamplings\": %u, \"unknown_rows\": %llu,\n  \"weeks_detail\": [", r->resamples,
           (unsigned long long)h.report.unknown);
    for (uint32_t t = 0; t < h.n_steps; t++) {
      size_t c = (size_t)t * h.n_actors + (size_t)(behavioural < 0 ? 0 : behavioural);
      printf("%s\n    {\"week\": %u, \"loglik\": %.17g, \"ess\": %.17g, \"p_greedy\": %.17g}",
             t ? "," : "", t, r->loglik_step[t], r->ess[t], r->p_greedy[c]);
    }
    printf("]}}\n");
  }
  rc = CLI_EXIT_OK;
done:
  brink_filter_result_free(r);
  history_release(ctx, &h);
  cli_spec_release(&spec);
  return rc;
}

/* ---- brink replay ------------------------------------------------------------------------ */

int cmd_replay(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      COMMON_OPTS,
      {"runs", "N", "runs (default 2000)", 0, NULL, NULL, 0},
      {"series", "FILE",
       "which ladder actions count in which series (default "
       "data/korea_series.tsv)",
       0, NULL, NULL, 0},
  };
  cli_spec spec = {
      "replay",
      "SCENARIO... [options]",
      "Runs the model over the recorded history with the allies' recorded acts forced week by\n"
      "week and the DPRK choosing by the model, and compares, calendar year by year, the\n"
      "recorded count of each series (launch weeks, ICBM weeks, nuclear tests, clash weeks)\n"
      "with the model's mean and 90% predictive interval over runs; also the model's mean\n"
      "probability of the DPRK's recorded acts. SCENARIO files are windows of one history.",
      opts,
      sizeof opts / sizeof opts[0],
      1,
      HISTORY_MAX_WINDOWS,
      "example:\n  brink replay scenarios/korea/2022.yaml --from 2019-01-07 --runs 2000",
      NULL,
      0};
  history h;
  memset(&h, 0, sizeof h);
  brink_replay *r = NULL;
  uint32_t *period = NULL;
  int32_t *year_of = NULL;
  uint64_t runs, seed, threads;
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  int procs = omp_get_num_procs();
  if ((rc = cli_u64(&spec, "runs", 1, 1000000, 2000, &runs)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "seed", 0, UINT64_MAX >> 1, 1, &seed)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "threads", 1, 1024, (uint64_t)(procs > 0 ? procs : 1), &threads)) >= 0)
    goto done;
  static const char *const formats[] = {"table", "json"};
  int format;
  if ((rc = cli_choice(&spec, "format", formats, 2, 0, &format)) >= 0) goto done;
  if ((rc = history_load(&spec, ctx, spec.pos, spec.n_pos, HISTORY_END, &h)) >= 0) goto done;
  brink_forecast_map map;
  brink_status st = brink_forecast_map_load(
      ctx, cli_value(&spec, "series", "data/korea_series.tsv"), h.scenarios[0], &map);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  /* Periods: calendar years by the week's first day. */
  period = brink_calloc(ctx, (size_t)h.n_steps + 1, sizeof *period);
  year_of = brink_calloc(ctx, (size_t)h.n_steps + 1, sizeof *year_of);
  if (!period || !year_of) {
    rc = cli_fail(&spec, ctx, BRINK_ENOMEM);
    goto done;
  }
  size_t n_periods = 0;
  int64_t day0 = brink_event_date_days(h.start);
  for (uint32_t t = 0; t < h.n_steps; t++) {
    int32_t year = brink_event_date_from_days(day0 + 7 * (int64_t)t) / 10000;
    if (n_periods == 0 || year != year_of[n_periods - 1]) {
      period[n_periods] = t;
      year_of[n_periods] = year;
      n_periods++;
    }
  }
  period[n_periods] = h.n_steps;
  int dprk = -1;
  for (uint32_t i = 0; i < h.n_actors; i++)
    if (h.scored & (1u << i)) dprk = (int)i;
  brink_replay_options o = {runs,
                            seed,
                            (int)threads,
                            h.n_steps,
                            h.n_actors,
                            h.acts,
                            h.observed & ~h.scored,
                            dprk,
                            period,
                            n_periods,
                            (const brink_model *const *)&h.models[1],
                            &h.window_step[1],
                            h.n_windows - 1};
  if ((st = brink_replay_run(ctx, h.models[0], &map, &o, &r))) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  /* The recorded series per period, counted on the DPRK's recorded acts (what the observation
   * model made of the record). */
  static const brink_record_series shown[] = {
      BRINK_RECORD_SERIES_BM_LAUNCH_DAYS, BRINK_RECORD_SERIES_ICBM_LAUNCH_DAYS,
      BRINK_RECORD_SERIES_NUCLEAR_TESTS, BRINK_RECORD_SERIES_CLASH_DAYS};
  const size_t n_shown = sizeof shown / sizeof *shown;
  uint32_t inside = 0, cells = 0;
  /* The yearly BM series, recorded and model mean, over the full years: their rank correlation. */
  double *bm_rec = brink_calloc(ctx, n_periods + 1, sizeof *bm_rec);
  double *bm_mod = brink_calloc(ctx, n_periods + 1, sizeof *bm_mod);
  double *work = brink_calloc(ctx, 2 * (n_periods + 1), sizeof *work);
  size_t n_full = 0;
  if (!bm_rec || !bm_mod || !work) {
    brink_free(ctx, bm_rec);
    brink_free(ctx, bm_mod);
    brink_free(ctx, work);
    rc = cli_fail(&spec, ctx, BRINK_ENOMEM);
    goto done;
  }
  if (format == 0) {
    history_describe(&h, stdout);
    printf("\n%llu runs, seed %llu; each cell: recorded weeks | model mean [5%%, 95%% of runs]; "
           "* marks a record outside the 90%% interval\n%-6s",
           (unsigned long long)runs, (unsigned long long)seed, "year");
    for (size_t s = 0; s < n_shown; s++) printf("  %-28s", brink_record_series_name(shown[s]));
    printf("  %s\n", "mean P(recorded act)");
  } else {
    printf("{\"replay\": {\"runs\": %llu, \"seed\": %llu, \"weeks\": %u, \"years\": [",
           (unsigned long long)runs, (unsigned long long)seed, h.n_steps);
  }
  for (size_t p = 0; p < n_periods; p++) {
    uint32_t observed[BRINK_RECORD_SERIES_COUNT] = {0};
    double lp = 0.0;
    uint32_t lp_n = 0;
    for (uint32_t t = period[p]; t < period[p + 1]; t++) {
      uint32_t mask = 0;
      for (uint32_t i = 0; i < h.n_actors; i++) {
        int a = h.acts[(size_t)t * h.n_actors + i];
        if (a >= 0) mask |= map.series[i][a];
      }
      for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++) observed[s] += (mask >> s) & 1u;
      if (!isnan(r->p_recorded[t]) && r->p_recorded[t] > 0.0) {
        lp += log(r->p_recorded[t]);
        lp_n++;
      }
    }
    if (format == 0)
      printf("%-6d", year_of[p]);
    else
      printf("%s\n    {\"year\": %d, \"weeks\": %u, \"series\": {", p ? "," : "", year_of[p],
             period[p + 1] - period[p]);
    for (size_t s = 0; s < n_shown; s++) {
      uint32_t lo = brink_replay_quantile(r, p, shown[s], 0.05);
      uint32_t hi = brink_replay_quantile(r, p, shown[s], 0.95);
      double mean = brink_replay_mean(r, p, shown[s]);
      int in = observed[shown[s]] >= lo && observed[shown[s]] <= hi;
      if (period[p + 1] - period[p] >= 52) {
        cells++;
        inside += (uint32_t)in;
        if (shown[s] == BRINK_RECORD_SERIES_BM_LAUNCH_DAYS) {
          bm_rec[n_full] = observed[shown[s]];
          bm_mod[n_full++] = mean;
        }
      }
      if (format == 0) {
        char cell[64];
        snprintf(cell, sizeof cell, "%3u | %6.2f [%u, %u]%s", observed[shown[s]], mean, lo, hi,
                 in ? "" : " *");
        printf("  %-28s", cell);
      } else {
        printf("%s\"%s\": {\"recorded\": %u, \"mean\": %.17g, \"q05\": %u, \"q95\": %u}",
               s ? ", " : "", brink_record_series_name(shown[s]), observed[shown[s]], mean, lo, hi);
      }
    }
    if (format == 0)
      printf("  %.3f (geometric, %u weeks)\n", lp_n ? exp(lp / lp_n) : (double)NAN, lp_n);
    else
      printf("}, \"mean_log_p_recorded\": %.17g}", lp_n ? lp / lp_n : 0.0);
  }
  /* Spearman's rho of the yearly BM series (ties get mean ranks); NaN under 3 full years. */
  double rho = n_full >= 3 ? gsl_stats_spearman(bm_rec, 1, bm_mod, 1, n_full, work) : (double)NAN;
  brink_free(ctx, bm_rec);
  brink_free(ctx, bm_mod);
  brink_free(ctx, work);
  if (format == 0) {
    printf("\nfull years with the record inside the model's 90%% interval: %u of %u cells "
           "(%.0f%%)\n",
           inside, cells, cells ? 100.0 * inside / cells : 0.0);
    printf("rank correlation (Spearman) of the yearly bm_launch_days, record vs model mean, over "
           "%zu full years: %.2f\n",
           n_full, rho);
  } else {
    printf("],\n  \"cells\": %u, \"inside_90\": %u, \"bm_spearman\": ", cells, inside);
    if (isnan(rho))
      printf("null}}\n");
    else
      printf("%.17g}}\n", rho);
  }
  rc = CLI_EXIT_OK;
done:
  brink_free(ctx, period);
  brink_free(ctx, year_of);
  brink_replay_free(r);
  history_release(ctx, &h);
  cli_spec_release(&spec);
  return rc;
}
