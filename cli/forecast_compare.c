/* SPDX-License-Identifier: MIT */
/* The comparison of policies forecast from the record, as `brink forecast --policy all` writes
 * it (JSON: docs/output.md, "forecast_compare"; or the table) and `brink serve` serves it: one
 * writer, so the two give the same bytes for the same inputs. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "brink/forecast.h"
#include "brink/scenario.h"
#include "forecast_compare.h"

/* Share of runs with armed conflict within the horizon, and its Wilson 95% interval. */
static void conflict_share(const brink_forecast *f, double *p, double *lo, double *hi) {
  uint64_t wars = 0;
  for (uint64_t r = 0; r < f->runs; r++) wars += f->run_war_step[r] != UINT32_MAX;
  double n = (double)f->runs, z = 1.959963984540054;
  *p = (double)wars / n;
  double centre = (*p + z * z / (2 * n)) / (1 + z * z / n);
  double half = z * sqrt(*p * (1 - *p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
  *lo = fmax(0.0, centre - half);
  *hi = fmin(1.0, centre + half);
}

/* The paired difference a - b of the conflict indicators (run r against run r) and its standard
 * error. */
static void conflict_diff(const brink_forecast *a, const brink_forecast *b, double *d, double *se) {
  double sum = 0.0, sq = 0.0, n = (double)a->runs;
  for (uint64_t r = 0; r < a->runs; r++) {
    double x =
        (double)(a->run_war_step[r] != UINT32_MAX) - (double)(b->run_war_step[r] != UINT32_MAX);
    sum += x;
    sq += x * x;
  }
  *d = sum / n;
  *se = n > 1 ? sqrt(fmax(0.0, (sq - n * *d * *d) / (n - 1)) / n) : 0.0;
}

/* Sum over the windows of a series' mean (counts over the whole horizon). */
static double horizon_mean(const brink_forecast *f, brink_record_series s) {
  double m = 0.0;
  for (uint32_t w = 0; w < f->n_windows; w++) m += brink_forecast_mean(f, w, s);
  return m;
}

/* The validation file (scripts/backtest.sh): series, reference, mean_skill, windows, period. */
static brink_status validation_lines(brink_ctx *ctx, const char *path, int json, brink_buf *out) {
  FILE *in = fopen(path, "r");
  if (!in) {
    fprintf(stderr, "brink forecast: %s: cannot read the validation file\n", path);
    return BRINK_EIO;
  }
  brink_status st = BRINK_OK;
  int first = 1;
  char row[512];
  for (uint32_t line = 1; !st && fgets(row, sizeof row, in); line++) {
    row[strcspn(row, "\r\n")] = '\0';
    if (line == 1) {
      if (strcmp(row, "series\treference\tmean_skill\twindows\tperiod") != 0) {
        fprintf(stderr,
                "%s:1:1: expected the header "
                "'series<TAB>reference<TAB>mean_skill<TAB>windows<TAB>period'\n",
                path);
        st = BRINK_EPARSE;
      }
      continue;
    }
    if (!row[0] || row[0] == '#') continue;
    char series[64], ref[64], period[64];
    double skill;
    unsigned origins;
    if (sscanf(row, "%63[^\t]\t%63[^\t]\t%lf\t%u\t%63[^\t]", series, ref, &skill, &origins,
               period) != 5) {
      fprintf(stderr, "%s:%u:1: expected series, reference, mean skill, origins and period\n", path,
              line);
      st = BRINK_EPARSE;
      break;
    }
    if (json)
      st = brink_buf_printf(out,
                            "%s{\"series\": \"%s\", \"reference\": \"%s\", \"mean_crps_skill\": "
                            "%.17g, \"windows\": %u, \"period\": \"%s\"}",
                            first ? "" : ", ", series, ref, skill, origins, period);
    else
      st = brink_buf_printf(
          out,
          "  %s vs %s: mean CRPS skill %+.2f over %u scored 52-week windows (%s): the model %s "
          "the baseline\n",
          series, ref, skill, origins, period, skill > 0 ? "beat" : "did not beat");
    first = 0;
  }
  fclose(in);
  (void)ctx;
  return st;
}

brink_status forecast_compare_write(brink_ctx *ctx, const brink_scenario *sc, const char *file,
                                    brink_forecast *const *fs, const uint32_t *pol, size_t n_pol,
                                    const char *origin, int format, const history *h,
                                    const brink_filter_result *fr, const char *validation,
                                    brink_buf *out) {
  size_t base = 0;
  for (size_t k = 0; k < n_pol; k++)
    if (strcmp(brink_scenario_policy(sc, pol[k])->name, "status_quo") == 0 ||
        strcmp(brink_scenario_policy(sc, pol[k])->name, "historical") == 0)
      base = k;
  int dprk = -1;
  for (uint32_t i = 0; h && i < h->n_actors; i++)
    if (h->scored & (1u << i)) dprk = (int)i;
  double g_mean = 0.0, g_se = 0.0;
  if (fr && dprk >= 0) {
    for (uint32_t r = 0; r < fr->replicates; r++)
      g_mean += fr->p_greedy_final[(size_t)r * fr->n_actors + (size_t)dprk] / fr->replicates;
    for (uint32_t r = 0; r < fr->replicates && fr->replicates > 1; r++) {
      double x = fr->p_greedy_final[(size_t)r * fr->n_actors + (size_t)dprk] - g_mean;
      g_se += x * x / (fr->replicates - 1);
    }
    g_se = sqrt(g_se / fr->replicates);
  }
  const brink_forecast *f0 = fs[0];
  brink_status st = BRINK_OK;
  if (format == 1) {
    st = brink_buf_printf(out,
                          "{\"forecast_compare\": {\"scenario_file\": \"%s\", \"origin\": \"%s\", "
                          "\"runs\": %llu, \"seed\": %llu, \"steps\": %u, \"baseline\": \"%s\"",
                          file, origin, (unsigned long long)f0->runs, (unsigned long long)f0->seed,
                          f0->steps, brink_scenario_policy(sc, pol[base])->name);
    if (!st && fr)
      st = brink_buf_printf(out,
                            ", \"filter\": {\"weeks\": %u, \"loglik\": %.17g, \"loglik_se\": "
                            "%.17g, \"replicates\": %u, \"particles\": %u, \"p_greedy\": %.17g, "
                            "\"p_greedy_se\": %.17g}",
                            fr->n_steps, fr->loglik, fr->loglik_se, fr->replicates, fr->particles,
                            g_mean, g_se);
    if (!st) st = brink_buf_puts(out, ",\n  \"policies\": [");
    for (size_t k = 0; k < n_pol && !st; k++) {
      double p, lo, hi, d, se;
      conflict_share(fs[k], &p, &lo, &hi);
      conflict_diff(fs[k], fs[base], &d, &se);
      st = brink_buf_printf(
          out,
          "%s\n    {\"policy\": \"%s\", \"armed_conflict\": {\"p\": %.17g, \"lo\": "
          "%.17g, \"hi\": %.17g, \"diff\": %.17g, \"diff_se\": %.17g}, "
          "\"horizon_means\": {",
          k ? "," : "", brink_scenario_policy(sc, pol[k])->name, p, lo, hi, d, se);
      for (int s = 0; s < BRINK_RECORD_SERIES_COUNT && !st; s++)
        st = brink_buf_printf(out, "%s\"%s\": %.17g", s ? ", " : "",
                              brink_record_series_name((brink_record_series)s),
                              horizon_mean(fs[k], (brink_record_series)s));
      if (!st) st = brink_buf_puts(out, "}}");
    }
    if (!st) st = brink_buf_puts(out, "]");
    if (!st && validation) {
      st = brink_buf_puts(out, ",\n  \"validation\": [");
      if (!st) st = validation_lines(ctx, validation, 1, out);
      if (!st) st = brink_buf_puts(out, "]");
    }
    if (!st) st = brink_buf_puts(out, "}}\n");
    return st;
  }
  st = brink_buf_printf(out,
                        "policies of %s forecast from %s for %u weeks: %llu runs each, seed %llu; "
                        "common random numbers (run r of every policy starts from the same "
                        "particle and stream)\n",
                        brink_scenario_name(sc), origin, f0->steps, (unsigned long long)f0->runs,
                        (unsigned long long)f0->seed);
  if (!st && fr)
    st = brink_buf_printf(out,
                          "filtered history: %u weeks before the origin, log-likelihood %.1f nats "
                          "(Monte Carlo standard error %.1f; %u filters of %u particles)\n",
                          fr->n_steps, fr->loglik, fr->loglik_se, fr->replicates, fr->particles);
  if (!st && fr && dprk >= 0)
    st = brink_buf_printf(
        out,
        "P(%s is the greedy type | the record): %.3f, Monte Carlo standard error %.3f over %u "
        "filters (the deterrence model's premise; the security type's is the spiral model's)\n",
        brink_scenario_actor(sc, (size_t)dprk)->name, g_mean, g_se, fr->replicates);
  if (!st)
    st = brink_buf_printf(out, "\n%-24s %-28s %-30s %9s %9s %9s %9s\n", "policy",
                          "P(armed conflict) [95% CI]", "difference vs baseline [95% CI]",
                          "BM days", "ICBM days", "nuc tests", "clashes");
  for (size_t k = 0; k < n_pol && !st; k++) {
    double p, lo, hi, d, se;
    conflict_share(fs[k], &p, &lo, &hi);
    conflict_diff(fs[k], fs[base], &d, &se);
    char a[64], b[64];
    snprintf(a, sizeof a, "%.4f [%.4f, %.4f]", p, lo, hi);
    if (k == base)
      snprintf(b, sizeof b, "(baseline)");
    else
      snprintf(b, sizeof b, "%+.4f [%+.4f, %+.4f]", d, d - 1.96 * se, d + 1.96 * se);
    st = brink_buf_printf(out, "%-24s %-28s %-30s %9.2f %9.2f %9.3f %9.3f\n",
                          brink_scenario_policy(sc, pol[k])->name, a, b,
                          horizon_mean(fs[k], BRINK_RECORD_SERIES_BM_LAUNCH_DAYS),
                          horizon_mean(fs[k], BRINK_RECORD_SERIES_ICBM_LAUNCH_DAYS),
                          horizon_mean(fs[k], BRINK_RECORD_SERIES_NUCLEAR_TESTS),
                          horizon_mean(fs[k], BRINK_RECORD_SERIES_CLASH_DAYS));
  }
  if (!st)
    st = brink_buf_printf(out,
                          "\nP(armed conflict): share of runs in which armed conflict begins "
                          "within %u weeks (Wilson interval); difference: paired over runs "
                          "(normal interval); the other columns: mean weeks with the act (nuclear "
                          "tests: count) over the %u weeks, per run\n",
                          f0->steps, f0->steps);
  if (!st && validation) {
    st = brink_buf_printf(out,
                          "\nvalidation (%s: the rolling-origin backtest, "
                          "scripts/backtest.sh):\n",
                          validation);
    if (!st) st = validation_lines(ctx, validation, 0, out);
  }
  return st;
}
