/* SPDX-License-Identifier: MIT */
/* `brink hawkes fit|forecast`: the multivariate Hawkes reference model on a streams file
 * (date<TAB>stream): coefficient table with intervals and the time-rescaling check, and the
 * 52-week forecast JSON of the forecasting issue. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "brink/hawkes.h"
#include "brink/rng.h"
#include "brink/stats.h"
#include "cli.h"

#define MAX_STREAMS 32
#define NAME_MAX_LEN 64

/* Target streams and the forecast series they become. */
static const char *series_name(const char *stream) {
  static const char *const map[][2] = {{"dprk_bm", "bm_launch_days"},
                                       {"dprk_icbm", "icbm_launch_days"},
                                       {"dprk_nuclear", "nuclear_tests"},
                                       {"dprk_clash", "clash_days"}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (!strcmp(map[i][0], stream)) return map[i][1];
  return stream;
}

typedef struct streams {
  char names[MAX_STREAMS][NAME_MAX_LEN];
  const char *ptr[MAX_STREAMS];
  size_t n, n_targets; /* targets first */
} streams;

static int split_list(cli_spec *spec, const char *option, const char *list, streams *s) {
  for (const char *p = list; *p;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    if (len == 0 || len >= NAME_MAX_LEN)
      return cli_usage_error(spec, "--%s: bad stream list '%s'", option, list);
    if (s->n == MAX_STREAMS) return cli_usage_error(spec, "at most %d streams", MAX_STREAMS);
    memcpy(s->names[s->n], p, len);
    s->names[s->n][len] = '\0';
    for (size_t i = 0; i < s->n; i++)
      if (!strcmp(s->names[i], s->names[s->n]))
        return cli_usage_error(spec, "stream '%s' named twice", s->names[i]);
    s->ptr[s->n] = s->names[s->n];
    s->n++;
    p += len;
    if (*p == ',') p++;
  }
  return -1;
}

static int parse_date(cli_spec *spec, const char *option, int64_t *day, int *given) {
  const char *v = cli_value(spec, option, NULL);
  *given = v != NULL;
  if (!v) return -1;
  if (brink_hawkes_parse_day(v, strlen(v), day))
    return cli_usage_error(spec, "--%s expects a date YYYY-MM-DD, got '%s'", option, v);
  return -1;
}

static void put_date(brink_buf *b, int64_t day) {
  int32_t d = brink_hawkes_date(day);
  brink_buf_printf(b, "%04d-%02d-%02d", (int)(d / 10000), (int)(d / 100 % 100), (int)(d % 100));
}

static brink_status coef_json(brink_buf *b, const brink_hawkes_coef *c) {
  brink_status st = brink_buf_puts(b, "{\"estimate\": ");
  if (!st) st = brink_buf_json_number(b, c->estimate);
  if (!st) st = brink_buf_puts(b, ", \"se\": ");
  if (!st) st = brink_buf_json_number(b, c->se);
  if (!st) st = brink_buf_puts(b, ", \"lo\": ");
  if (!st) st = brink_buf_json_number(b, c->lo);
  if (!st) st = brink_buf_puts(b, ", \"hi\": ");
  if (!st) st = brink_buf_json_number(b, c->hi);
  if (!st) st = brink_buf_puts(b, "}");
  return st;
}

static brink_status fit_json(brink_buf *b, const brink_hawkes_data *d, const brink_hawkes_fit *f) {
  brink_status st = brink_buf_puts(b, "{\"hawkes_fit\": {\"from\": \"");
  put_date(b, (int64_t)f->t0);
  brink_buf_puts(b, "\", \"to\": \"");
  put_date(b, (int64_t)f->t1 - 1);
  brink_buf_puts(b, "\", \"streams\": [");
  for (size_t j = 0; j < d->n_streams && !st; j++) {
    if (j) brink_buf_puts(b, ", ");
    st = brink_buf_json_string(b, d->names[j]);
  }
  if (!st) st = brink_buf_puts(b, "],\n  \"targets\": [");
  for (size_t k = 0; k < f->n_targets && !st; k++) {
    st = brink_buf_printf(b, "%s\n    {\"stream\": ", k ? "," : "");
    if (!st) st = brink_buf_json_string(b, d->names[f->targets[k]]);
    if (!st)
      st = brink_buf_printf(b, ", \"events\": %zu, \"converged\": %s, \"loglik\": ", f->n_events[k],
                            f->converged[k] ? "true" : "false");
    if (!st) st = brink_buf_json_number(b, f->loglik[k]);
    if (!st) st = brink_buf_puts(b, ",\n     \"mu\": ");
    if (!st) st = coef_json(b, &f->mu_coef[k]);
    if (!st) st = brink_buf_puts(b, ",\n     \"beta\": ");
    if (!st) st = coef_json(b, &f->beta_coef[k]);
    if (!st) st = brink_buf_puts(b, ",\n     \"alpha\": {");
    for (size_t j = 0; j < d->n_streams && !st; j++) {
      st = brink_buf_printf(b, "%s\n       ", j ? "," : "");
      if (!st) st = brink_buf_json_string(b, d->names[j]);
      if (!st) st = brink_buf_puts(b, ": ");
      if (!st) st = coef_json(b, &f->alpha_coef[k * d->n_streams + j]);
    }
    if (!st)
      st =
          brink_buf_printf(b, "},\n     \"time_rescaling\": {\"n\": %zu, \"ks\": ", f->n_events[k]);
    if (!st) st = brink_buf_json_number(b, f->ks[k]);
    if (!st) st = brink_buf_puts(b, ", \"p\": ");
    if (!st) st = brink_buf_json_number(b, f->ks_p[k]);
    if (!st) st = brink_buf_puts(b, "}}");
  }
  if (!st) st = brink_buf_puts(b, "],\n  \"loglik\": ");
  if (!st) st = brink_buf_json_number(b, f->loglik_total);
  if (!st) st = brink_buf_printf(b, ", \"n_params\": %zu, \"aic\": ", f->n_params);
  if (!st) st = brink_buf_json_number(b, f->aic);
  if (!st) st = brink_buf_puts(b, "}}\n");
  return st;
}

static void coef_row(brink_buf *b, const char *label, const brink_hawkes_coef *c) {
  brink_buf_printf(b, "  %-30s %11.5g %11.5g   [%.5g, %.5g]\n", label, c->estimate, c->se, c->lo,
                   c->hi);
}

static brink_status fit_table(brink_buf *b, const brink_hawkes_data *d, const brink_hawkes_fit *f) {
  brink_buf_puts(b, "Hawkes process fit, ");
  put_date(b, (int64_t)f->t0);
  brink_buf_puts(b, " to ");
  put_date(b, (int64_t)f->t1 - 1);
  brink_buf_printf(b, " (%.0f days), exponential kernels, maximum likelihood\n", f->t1 - f->t0);
  for (size_t k = 0; k < f->n_targets; k++) {
    const char *name = d->names[f->targets[k]];
    brink_buf_printf(b, "\ntarget %s: %zu events, log-likelihood %.3f%s\n", name, f->n_events[k],
                     f->loglik[k], f->converged[k] ? "" : " (optimiser did not converge)");
    brink_buf_printf(b, "  %-30s %11s %11s   %s\n", "parameter", "estimate", "s.e.",
                     "95% interval");
    coef_row(b, "mu (events/day)", &f->mu_coef[k]);
    coef_row(b, "beta (1/day)", &f->beta_coef[k]);
    for (size_t j = 0; j < d->n_streams; j++) {
      char label[96];
      snprintf(label, sizeof label, "alpha <- %s", d->names[j]);
      const brink_hawkes_coef *c = &f->alpha_coef[k * d->n_streams + j];
      coef_row(b, label, c);
    }
    const char *verdict = isnan(f->ks_p[k])   ? "no events"
                          : f->ks_p[k] < 0.05 ? "rejected at 5%"
                                              : "not rejected";
    brink_buf_printf(b, "  time rescaling: KS D = %.4f, p = %.3g over %zu intervals (%s)\n",
                     f->ks[k], f->ks_p[k], f->n_events[k], verdict);
    for (size_t j = 0; j < d->n_streams; j++) {
      const brink_hawkes_coef *c = &f->alpha_coef[k * d->n_streams + j];
      const char *effect = c->lo > 0.0    ? "excites"
                           : c->hi < 0.0  ? "inhibits"
                           : isnan(c->se) ? "not estimable"
                                          : "no significant effect on";
      brink_buf_printf(b, "  %s %s %s\n", d->names[j], effect, name);
    }
  }
  return brink_buf_printf(b,
                          "\ntotal log-likelihood %.3f, %zu parameters, AIC %.3f\n"
                          "alpha = expected extra events of the target per source event "
                          "(negative: inhibition); mean lag 1/beta days; intervals are Wald "
                          "(log scale for mu and beta) from the observed information\n",
                          f->loglik_total, f->n_params, f->aic);
}

typedef struct common {
  streams s;
  int64_t from, to;
  int has_from, has_to;
} common;

static int read_common(cli_spec *spec, common *c) {
  memset(c, 0, sizeof *c);
  const char *targets = cli_value(spec, "targets", NULL);
  if (!targets) return cli_usage_error(spec, "--targets is required");
  int rc = split_list(spec, "targets", targets, &c->s);
  if (rc >= 0) return rc;
  c->s.n_targets = c->s.n;
  const char *inputs = cli_value(spec, "inputs", NULL);
  if (inputs && (rc = split_list(spec, "inputs", inputs, &c->s)) >= 0) return rc;
  if ((rc = parse_date(spec, "from", &c->from, &c->has_from)) >= 0) return rc;
  if ((rc = parse_date(spec, "to", &c->to, &c->has_to)) >= 0) return rc;
  return -1;
}

/* Inputs without any event in [t0, t1) carry no information on their effect (the likelihood
 * is flat in their alpha): they are left out with a note, and the file read again without
 * them. Targets are kept (the library refuses an empty target). Returns -1 or an exit code. */
static int drop_empty_inputs(cli_spec *spec, brink_ctx *ctx, common *c, brink_hawkes_data **d,
                             double t0, double t1) {
  size_t w = c->s.n_targets, dropped = 0;
  for (size_t j = c->s.n_targets; j < c->s.n; j++) {
    if (brink_hawkes_data_count(*d, (uint32_t)j, t0, t1) == 0) {
      fprintf(stderr, "brink %s: input '%s' has no event in the window; left out\n", spec->name,
              c->s.names[j]);
      dropped++;
      continue;
    }
    if (w != j) memcpy(c->s.names[w], c->s.names[j], NAME_MAX_LEN);
    c->s.ptr[w] = c->s.names[w];
    w++;
  }
  if (!dropped) return -1;
  c->s.n = w;
  brink_hawkes_data_free(*d);
  *d = NULL;
  brink_status st = brink_hawkes_data_read(ctx, spec->pos[0], c->s.ptr, c->s.n, d);
  return st ? cli_fail(spec, ctx, st) : -1;
}

static int hawkes_fit(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"targets", "S,S,...", "target streams whose intensity is modelled (required)", 0, NULL, NULL,
       0},
      {"inputs", "S,S,...", "input streams (covariates): sources only", 0, NULL, NULL, 0},
      {"from", "DATE", "first day of the window (default: the first event)", 0, NULL, NULL, 0},
      {"to", "DATE", "last day of the window, included (default: the last event)", 0, NULL, NULL,
       0},
      {"starts", "N", "optimiser starts per target (default 4)", 0, NULL, NULL, 0},
      {"format", "F", "table | json (default table)", 0, NULL, NULL, 0},
  };
  cli_spec spec = {
      "hawkes fit",
      "STREAMS.tsv --targets S[,S...] [--inputs S[,S...]] [options]",
      "Fits a multivariate Hawkes process with exponential kernels by maximum likelihood:\n"
      "lambda_k(t) = max(floor, mu_k + sum_j alpha_kj beta_k sum_{t_jm < t} exp(-beta_k (t -"
      " t_jm)))\n"
      "for every target k, each target's own and every input stream as sources. alpha < 0 is\n"
      "inhibition. Prints estimates, standard errors from the observed information, 95% Wald\n"
      "intervals and the time-rescaling check (KS test of the compensator increments against\n"
      "Exp(1)) per target. STREAMS.tsv has the header date<TAB>stream, one row per event\n"
      "(several rows of one stream on one date are one event). See docs/hawkes.md.",
      opts,
      sizeof opts / sizeof opts[0],
      1,
      1,
      "example:\n  brink hawkes fit streams.tsv --targets dprk_bm --inputs allied_exercise "
      "--from 2006-01-01 --to 2022-11-06",
      NULL,
      0};
  brink_hawkes_data *d = NULL;
  brink_hawkes_fit *fit = NULL;
  brink_buf out;
  brink_buf_init(&out, ctx, 0);
  common c;
  uint64_t starts = 4;
  int format = 0;
  static const char *const formats[] = {"table", "json"};
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  if ((rc = read_common(&spec, &c)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "starts", 1, 64, 4, &starts)) >= 0) goto done;
  if ((rc = cli_choice(&spec, "format", formats, 2, 0, &format)) >= 0) goto done;
  brink_status st = brink_hawkes_data_read(ctx, spec.pos[0], c.s.ptr, c.s.n, &d);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  if (d->n_events == 0) {
    fprintf(stderr, "brink hawkes fit: no event of these streams in '%s'\n", spec.pos[0]);
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  double t0 = c.has_from ? (double)c.from : d->time[0];
  double t1 = c.has_to ? (double)c.to + 1.0 : d->time[d->n_events - 1] + 1.0;
  if (!(t0 < t1)) {
    rc = cli_usage_error(&spec, "--from must be before --to");
    goto done;
  }
  if ((rc = drop_empty_inputs(&spec, ctx, &c, &d, t0, t1)) >= 0) goto done;
  brink_hawkes_fit_options o = {(unsigned)starts, 0, 0.0};
  if ((st = brink_hawkes_fit_run(ctx, d, c.s.ptr, c.s.n_targets, t0, t1, &o, &fit))) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  st = format ? fit_json(&out, d, fit) : fit_table(&out, d, fit);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  fputs(out.data, stdout);
  rc = CLI_EXIT_OK;
done:
  brink_hawkes_fit_free(fit);
  brink_hawkes_data_free(d);
  brink_buf_release(&out);
  cli_spec_release(&spec);
  return rc;
}

static brink_status forecast_json(brink_buf *b, const brink_hawkes_data *d,
                                  const brink_hawkes_fit *fit, const brink_hawkes_forecast *fc,
                                  int64_t horizon_days) {
  brink_status st = brink_buf_puts(b, "{\"forecast\": {\"origin\": \"");
  put_date(b, fc->origin);
  brink_buf_printf(b,
                   "\", \"runs\": %llu, \"seed\": %llu, \"rng\": \"%s\", \"model\": \"hawkes\","
                   "\n  \"fit\": {\"from\": \"",
                   (unsigned long long)fc->runs, (unsigned long long)fc->seed, BRINK_RNG_NAME);
  put_date(b, (int64_t)fit->t0);
  brink_buf_puts(b, "\", \"to\": \"");
  put_date(b, (int64_t)fit->t1 - 1);
  brink_buf_puts(b, "\", \"loglik\": ");
  brink_buf_json_number(b, fit->loglik_total);
  brink_buf_puts(b, ", \"streams\": [");
  for (size_t j = 0; j < d->n_streams; j++) {
    if (j) brink_buf_puts(b, ", ");
    brink_buf_json_string(b, d->names[j]);
  }
  brink_buf_puts(b, "], \"future_inputs\": \"last 364 days before the origin, repeated\"},"
                    "\n  \"windows\": [");
  size_t bins = fc->max_count + 1;
  for (size_t w = 0; w < fc->n_windows && !st; w++) {
    int64_t start = fc->origin + (int64_t)(BRINK_HAWKES_WINDOW_DAYS * w);
    int64_t end = start + BRINK_HAWKES_WINDOW_DAYS - 1;
    if (end > fc->origin + horizon_days - 1) end = fc->origin + horizon_days - 1;
    brink_buf_printf(b, "%s\n    {\"start\": \"", w ? "," : "");
    put_date(b, start);
    brink_buf_puts(b, "\", \"end\": \"");
    put_date(b, end);
    brink_buf_puts(b, "\", \"series\": {");
    for (size_t k = 0; k < fc->n_targets && !st; k++) {
      const uint64_t *h = fc->hist + (k * fc->n_windows + w) * bins;
      size_t last = 0;
      for (size_t i = 0; i < bins; i++)
        if (h[i]) last = i;
      brink_buf_printf(b, "%s\n      ", k ? "," : "");
      brink_buf_json_string(b, series_name(d->names[fit->targets[k]]));
      brink_buf_puts(b, ": {\"hist\": [");
      for (size_t i = 0; i <= last; i++)
        brink_buf_printf(b, "%s%llu", i ? ", " : "", (unsigned long long)h[i]);
      brink_buf_puts(b, "], \"mean\": ");
      brink_buf_json_number(b, fc->mean[k * fc->n_windows + w]);
      static const double qs[] = {0.05, 0.5, 0.95};
      static const char *const qn[] = {"q05", "q50", "q95"};
      for (size_t q = 0; q < 3; q++)
        brink_buf_printf(b, ", \"%s\": %g", qn[q],
                         brink_stats_hist_quantile(h, bins, 0.0, 1.0, qs[q]));
      st = brink_buf_puts(b, "}");
    }
    if (!st) st = brink_buf_puts(b, "}}");
  }
  if (!st) st = brink_buf_puts(b, "]}}\n");
  return st;
}

static int hawkes_forecast(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"targets", "S,S,...", "target streams to forecast (required)", 0, NULL, NULL, 0},
      {"inputs", "S,S,...", "input streams (covariates)", 0, NULL, NULL, 0},
      {"from", "DATE", "first day of the fit (default: the first event)", 0, NULL, NULL, 0},
      {"origin", "DATE", "first forecast day; the fit uses the days before it (required)", 0, NULL,
       NULL, 0},
      {"horizon", "WEEKS", "forecast length in weeks, cut into 52-week windows (default 104)", 0,
       NULL, NULL, 0},
      {"runs", "N", "simulated runs (default 10000)", 0, NULL, NULL, 0},
      {"seed", "S", "random seed; run i draws from (seed, i) (default 1)", 0, NULL, NULL, 0},
      {"output", "FILE", "write the JSON to FILE (default: standard output)", 0, NULL, NULL, 0},
  };
  cli_spec spec = {
      "hawkes forecast",
      "STREAMS.tsv --targets S[,S...] [--inputs S[,S...]] --origin DATE [options]",
      "Fits the Hawkes model (as `brink hawkes fit`) to the events before the origin only, then\n"
      "simulates it forward by Ogata's thinning and writes, per 52-week window (window k holds\n"
      "the days origin + 364k <= d < origin + 364(k+1)) and target, the histogram of the number\n"
      "of days with an event over the runs, its mean and 5/50/95% quantiles. In the future the\n"
      "input streams repeat their last 364 days before the origin. Targets dprk_bm, dprk_icbm,\n"
      "dprk_nuclear, dprk_clash are written as series bm_launch_days, icbm_launch_days,\n"
      "nuclear_tests, clash_days. Events on or after the origin are ignored.",
      opts,
      sizeof opts / sizeof opts[0],
      1,
      1,
      "example:\n  brink hawkes forecast streams.tsv --targets dprk_bm --inputs allied_exercise "
      "--origin 2022-11-07 --horizon 104 --runs 10000 --seed 1",
      NULL,
      0};
  brink_hawkes_data *d = NULL;
  brink_hawkes_fit *fit = NULL;
  brink_hawkes_forecast *fc = NULL;
  brink_buf out;
  brink_buf_init(&out, ctx, 0);
  common c;
  uint64_t horizon, runs, seed;
  int64_t origin = 0;
  int has_origin = 0;
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  if ((rc = read_common(&spec, &c)) >= 0) goto done;
  if ((rc = parse_date(&spec, "origin", &origin, &has_origin)) >= 0) goto done;
  if (!has_origin) {
    rc = cli_usage_error(&spec, "--origin is required");
    goto done;
  }
  if ((rc = cli_u64(&spec, "horizon", 1, 52 * 100, 104, &horizon)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "runs", 1, 10000000, 10000, &runs)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "seed", 0, UINT64_MAX >> 1, 1, &seed)) >= 0) goto done;
  brink_status st = brink_hawkes_data_read(ctx, spec.pos[0], c.s.ptr, c.s.n, &d);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  if (d->n_events == 0 || d->time[0] >= (double)origin) {
    fprintf(stderr, "brink hawkes forecast: no event of these streams before the origin\n");
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  double t0 = c.has_from ? (double)c.from : d->time[0];
  if (!(t0 < (double)origin)) {
    rc = cli_usage_error(&spec, "--from must be before --origin");
    goto done;
  }
  if ((rc = drop_empty_inputs(&spec, ctx, &c, &d, t0, (double)origin)) >= 0) goto done;
  if ((st = brink_hawkes_fit_run(ctx, d, c.s.ptr, c.s.n_targets, t0, (double)origin, NULL, &fit))) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  int64_t days = (int64_t)horizon * 7;
  if ((st = brink_hawkes_forecast_run(ctx, &fit->params, d, origin, (uint32_t)days, runs, seed,
                                      &fc)) ||
      (st = forecast_json(&out, d, fit, fc, days))) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  const char *path = cli_value(&spec, "output", NULL);
  if (path) {
    if ((rc = cli_write_file(&spec, ctx, path, out.data, out.len)) >= 0) goto done;
  } else {
    fputs(out.data, stdout);
  }
  rc = CLI_EXIT_OK;
done:
  brink_hawkes_forecast_free(fc);
  brink_hawkes_fit_free(fit);
  brink_hawkes_data_free(d);
  brink_buf_release(&out);
  cli_spec_release(&spec);
  return rc;
}

int cmd_hawkes(brink_ctx *ctx, int argc, char **argv) {
  const char *help = "usage: brink hawkes fit STREAMS.tsv --targets S[,S...] [options]\n"
                     "       brink hawkes forecast STREAMS.tsv --targets S[,S...] --origin DATE "
                     "[options]\n\n"
                     "A multivariate Hawkes process (exponential kernels, excitation and "
                     "inhibition) as a\nstatistical reference model of event streams; see "
                     "docs/hawkes.md.\n\nsubcommands:\n"
                     "  fit       maximum-likelihood fit, intervals, time-rescaling check\n"
                     "  forecast  fit before an origin, 52-week count forecasts (JSON)\n\n"
                     "Run 'brink hawkes SUBCOMMAND --help' for its options.\n\n"
                     "exit status: 0 success, 1 runtime failure (bad file, failed run), 2 usage "
                     "error\n";
  if (argc < 2) {
    fputs(help, stderr);
    return CLI_EXIT_USAGE;
  }
  const char *sub = argv[1];
  if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
    fputs(help, stdout);
    return CLI_EXIT_OK;
  }
  if (!strcmp(sub, "fit")) return hawkes_fit(ctx, argc - 1, argv + 1);
  if (!strcmp(sub, "forecast")) return hawkes_forecast(ctx, argc - 1, argv + 1);
  fprintf(stderr,
          "brink hawkes: unknown subcommand '%s' (fit, forecast)\n"
          "Try 'brink hawkes --help'.\n",
          sub);
  return CLI_EXIT_USAGE;
}
