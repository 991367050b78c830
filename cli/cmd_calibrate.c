/* SPDX-License-Identifier: MIT */
/* `brink calibrate`: fits the Korean crisis model's free parameters to the yearly DPRK
 * launch and nuclear-test counts of the data files (2006-2018), each episode run under its
 * `historical` policy, and prints the table model vs data. */
#define _POSIX_C_SOURCE 200809L /* isatty, fileno */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "brink/calibrate.h"
#include "brink/engine.h"
#include "brink/scenario.h"
#include "cli.h"

#define MAX_TEXT 4096

/* The default free parameters (docs/korea.md, Calibration). */
typedef struct default_param {
  const char *path;
  double lo, hi, start;
} default_param;

static const default_param default_params[] = {
    {"params.nuclear_test_cost", 0.5, 6.0, 3.0},
    {"params.dprk_rationality", 0.2, 6.0, 2.0},
    {"params.dprk_greed", 0.01, 0.99, 0.4},
    {"params.dprk_threat_bias", 0.0, 1.0, 0.4},
};

/* What a series counts in the data and in the model. */
typedef struct series_def {
  const char *name;
  const char *file;        /* under --data */
  const char *column;      /* the class column */
  const char *key;         /* the value counted */
  const char *patterns[2]; /* DPRK military actions whose name contains one of these */
  size_t n_patterns;
} series_def;

static const series_def series_defs[] = {
    {"launches", "korea_launch_events_2006_2018.tsv", "class", "BM", {"launch", "missile"}, 2},
    {"nuclear_tests",
     "korea_timeline_2006_2018.tsv",
     "event_type",
     "nuclear_test",
     {"nuclear_test", NULL},
     1},
};
#define N_SERIES (sizeof series_defs / sizeof series_defs[0])

typedef struct progress {
  int enabled;
  double start;
  size_t n_params;
} progress;

static void on_progress(void *ud, unsigned iteration, double loss, const double *values) {
  progress *p = ud;
  if (!p->enabled) return;
  fprintf(stderr, "\riteration %u  loss %.4f  (", iteration, loss);
  for (size_t k = 0; k < p->n_params; k++) fprintf(stderr, "%s%.4g", k ? ", " : "", values[k]);
  fprintf(stderr, ")  %.1f s   ", omp_get_wtime() - p->start);
  fflush(stderr);
}

/* "PATH=LO:HI" or "PATH=LO:HI:START"; START defaults to the middle. */
static int parse_param(cli_spec *spec, const char *text, char *path, size_t path_size,
                       brink_calib_param *out) {
  const char *eq = strrchr(text, '=');
  if (!eq || eq == text || (size_t)(eq - text) >= path_size)
    return cli_usage_error(spec, "--param expects PATH=LO:HI[:START], got '%s'", text);
  memcpy(path, text, (size_t)(eq - text));
  path[eq - text] = '\0';
  double v[3];
  size_t n = 0;
  const char *p = eq + 1;
  while (n < 3) {
    const char *colon = strchr(p, ':');
    size_t len = colon ? (size_t)(colon - p) : strlen(p);
    if (brink_parse_f64(p, len, &v[n]))
      return cli_usage_error(spec, "--param expects PATH=LO:HI[:START], got '%s'", text);
    n++;
    if (!colon) break;
    p = colon + 1;
  }
  if (n < 2 || (n == 3 && strchr(p, ':')))
    return cli_usage_error(spec, "--param expects PATH=LO:HI[:START], got '%s'", text);
  out->path = path;
  out->lo = v[0];
  out->hi = v[1];
  out->start = n == 3 ? v[2] : 0.5 * (v[0] + v[1]);
  out->episode = -1;
  if (!(out->lo < out->hi) || !(out->start > out->lo && out->start < out->hi))
    return cli_usage_error(spec, "--param '%s': need LO < START < HI", text);
  return -1;
}

/* Reads each episode's year from its scenario and the observed counts from the data. */
static int prepare_episode(cli_spec *spec, brink_ctx *ctx, const char *data_dir,
                           brink_calib_episode *ep) {
  brink_scenario *sc = NULL;
  int rc = cli_load_scenario(spec, ctx, ep->path, &sc);
  if (rc >= 0) return rc;
  rc = -1;
  int64_t year = 0;
  int covered_lo = 0, covered_hi = 0;
  int one_year = (sc->step == BRINK_STEP_WEEK && sc->horizon == 52) ||
                 (sc->step == BRINK_STEP_MONTH && sc->horizon == 12) ||
                 (sc->step == BRINK_STEP_DAY && (sc->horizon == 365 || sc->horizon == 366));
  if (!sc->start || strlen(sc->start) < 10 || strcmp(sc->start + 4, "-01-01") != 0 ||
      brink_parse_i64(sc->start, 4, &year) || !one_year) {
    fprintf(stderr,
            "brink %s: episode '%s' must cover one calendar year (start YYYY-01-01, 52 weeks) "
            "to be compared with yearly counts; it starts %s and runs %u steps\n",
            spec->name, ep->path, sc->start ? sc->start : "(no date)", sc->horizon);
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  if (brink_scenario_find_policy(sc, ep->policy) < 0) {
    fprintf(stderr, "brink %s: episode '%s' has no policy '%s'\n", spec->name, ep->path,
            ep->policy);
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  for (size_t s = 0; s < N_SERIES; s++) {
    char file[MAX_TEXT];
    snprintf(file, sizeof file, "%s/%s", data_dir, series_defs[s].file);
    const char *keys[1] = {series_defs[s].key};
    uint64_t count = 0;
    int first = 0, last = 0;
    brink_status st = brink_calib_count_rows(ctx, file, "date", series_defs[s].column, keys, 1,
                                             (int)year, &count, &first, &last);
    if (st) {
      rc = cli_fail(spec, ctx, st);
      goto done;
    }
    if (first && (!covered_lo || first < covered_lo)) covered_lo = first;
    if (last > covered_hi) covered_hi = last;
    ep->observed[s] = (double)count;
  }
  /* A year without rows in one file (no launch in 2018) is a zero if the data files together
   * cover that year. */
  if (year < covered_lo || year > covered_hi) {
    fprintf(stderr,
            "brink %s: episode '%s' is in %lld, outside the years of the data in '%s' "
            "(%d-%d)\n",
            spec->name, ep->path, (long long)year, data_dir, covered_lo, covered_hi);
    rc = CLI_EXIT_FAIL;
    goto done;
  }
done:
  brink_scenario_free(ctx, sc);
  return rc;
}

static const char *misfit_note(const brink_calib_cell *c) {
  if (c->observed < (double)c->q025) return "below";
  if (c->observed > (double)c->q975) return "above";
  return "";
}

static brink_status write_json(brink_buf *b, const brink_calib_problem *pb,
                               const brink_calib_result *r, const char *data_dir, int threads) {
  brink_status st =
      brink_buf_printf(b,
                       "{\n  \"runs\": %llu,\n  \"seed\": %llu,\n"
                       "  \"rng\": \"philox4x32-10\",\n"
                       "  \"threads\": %d,\n  \"data\": ",
                       (unsigned long long)r->runs, (unsigned long long)r->seed, threads);
  if (!st) st = brink_buf_json_string(b, data_dir);
  if (!st) st = brink_buf_puts(b, ",\n  \"loss\": \"poisson_deviance\",\n  \"loss_start\": ");
  if (!st) st = brink_buf_json_number(b, r->start.loss);
  if (!st) st = brink_buf_puts(b, ",\n  \"loss_fit\": ");
  if (!st) st = brink_buf_json_number(b, r->fit.loss);
  if (!st)
    st = brink_buf_printf(b,
                          ",\n  \"iterations\": %u,\n  \"evaluations\": %u,\n  \"converged\": %s,"
                          "\n  \"seconds\": %.3f,\n  \"params\": [",
                          r->iterations, r->evaluations, r->converged ? "true" : "false",
                          r->seconds);
  for (size_t k = 0; k < pb->n_params && !st; k++) {
    const brink_calib_param *p = &pb->params[k];
    st = brink_buf_printf(b, "%s\n    {\"path\": ", k ? "," : "");
    if (!st) st = brink_buf_json_string(b, p->path);
    if (!st) st = brink_buf_puts(b, ", \"lo\": ");
    if (!st) st = brink_buf_json_number(b, p->lo);
    if (!st) st = brink_buf_puts(b, ", \"hi\": ");
    if (!st) st = brink_buf_json_number(b, p->hi);
    if (!st) st = brink_buf_puts(b, ", \"start\": ");
    if (!st) st = brink_buf_json_number(b, p->start);
    if (!st) st = brink_buf_puts(b, ", \"fitted\": ");
    if (!st) st = brink_buf_json_number(b, r->fit.values[k]);
    if (!st) st = brink_buf_puts(b, "}");
  }
  if (!st) st = brink_buf_puts(b, "\n  ],\n  \"series\": [");
  for (size_t s = 0; s < pb->n_series && !st; s++) {
    st = brink_buf_printf(b, "%s\n    {\"name\": ", s ? "," : "");
    if (!st) st = brink_buf_json_string(b, pb->series[s].name);
    if (!st) st = brink_buf_puts(b, ", \"actions\": ");
    if (!st) st = brink_buf_json_string(b, r->actions[s]);
    if (!st)
      st = brink_buf_printf(b, ", \"data\": \"%s %s=%s\"}", series_defs[s].file,
                            series_defs[s].column, series_defs[s].key);
  }
  if (!st) st = brink_buf_puts(b, "\n  ],\n  \"table\": [");
  int first = 1;
  for (size_t e = 0; e < pb->n_episodes && !st; e++)
    for (size_t s = 0; s < pb->n_series && !st; s++) {
      const brink_calib_cell *c = &r->fit.cells[e][s];
      st = brink_buf_printf(b, "%s\n    {\"episode\": ", first ? "" : ",");
      first = 0;
      if (!st) st = brink_buf_json_string(b, pb->episodes[e].label);
      if (!st) st = brink_buf_puts(b, ", \"series\": ");
      if (!st) st = brink_buf_json_string(b, pb->series[s].name);
      if (!st) st = brink_buf_puts(b, ", \"observed\": ");
      if (!st) st = brink_buf_json_number(b, c->observed);
      if (!st) st = brink_buf_puts(b, ", \"mean\": ");
      if (!st) st = brink_buf_json_number(b, c->mean);
      if (!st) st = brink_buf_puts(b, ", \"mean_lo\": ");
      if (!st) st = brink_buf_json_number(b, c->mean_lo);
      if (!st) st = brink_buf_puts(b, ", \"mean_hi\": ");
      if (!st) st = brink_buf_json_number(b, c->mean_hi);
      if (!st) st = brink_buf_printf(b, ", \"q025\": %u, \"q975\": %u", c->q025, c->q975);
      if (!st) st = brink_buf_puts(b, ", \"p_at_least\": ");
      if (!st) st = brink_buf_json_number(b, c->p_at_least);
      if (!st) st = brink_buf_puts(b, ", \"p_at_most\": ");
      if (!st) st = brink_buf_json_number(b, c->p_at_most);
      if (!st) st = brink_buf_puts(b, ", \"deviance\": ");
      if (!st) st = brink_buf_json_number(b, c->deviance);
      if (!st) st = brink_buf_puts(b, ", \"mean_at_start\": ");
      if (!st) st = brink_buf_json_number(b, r->start.cells[e][s].mean);
      if (!st) st = brink_buf_puts(b, "}");
    }
  if (!st) st = brink_buf_puts(b, "\n  ]\n}\n");
  return st;
}

static brink_status write_text(brink_buf *b, const brink_calib_problem *pb,
                               const brink_calib_result *r, const char *data_dir, int markdown) {
  brink_status st = BRINK_OK;
  const char *sep = markdown ? " | " : "  ";
  if (markdown)
    st = brink_buf_puts(b, "| free parameter | bounds | start | fitted |\n|---|---|---|---|\n");
  else
    st = brink_buf_printf(b, "%-32s %-16s %10s %10s\n", "free parameter", "bounds", "start",
                          "fitted");
  for (size_t k = 0; k < pb->n_params && !st; k++) {
    const brink_calib_param *p = &pb->params[k];
    char bounds[64];
    snprintf(bounds, sizeof bounds, "[%g, %g]", p->lo, p->hi);
    if (markdown)
      st = brink_buf_printf(b, "| `%s` | %s | %.4g | %.4g |\n", p->path, bounds, p->start,
                            r->fit.values[k]);
    else
      st = brink_buf_printf(b, "%-32s %-16s %10.4g %10.4g\n", p->path, bounds, p->start,
                            r->fit.values[k]);
  }
  if (!st)
    st = brink_buf_printf(b,
                          "\nloss (Poisson deviance, %zu cells): %.3f at the start, %.3f fitted; "
                          "%u iterations, %u evaluations, %s; %llu runs per episode and "
                          "evaluation, seed %llu (common random numbers), %.1f s\n\n",
                          pb->n_episodes * pb->n_series, r->start.loss, r->fit.loss, r->iterations,
                          r->evaluations, r->converged ? "converged" : "stopped at --max-iter",
                          (unsigned long long)r->runs, (unsigned long long)r->seed, r->seconds);
  for (size_t s = 0; s < pb->n_series && !st; s++)
    st = brink_buf_printf(b, "%s%s: model counts DPRK %s; data: %s/%s rows with %s = %s\n",
                          markdown ? "- " : "", pb->series[s].name, r->actions[s], data_dir,
                          series_defs[s].file, series_defs[s].column, series_defs[s].key);
  if (!st) st = brink_buf_puts(b, "\n");
  static const char *const heads[] = {"episode",   "series",   "observed", "model mean [95% CI]",
                                      "95% range", "ratio",    "P(>=obs)", "P(<=obs)",
                                      "deviance",  "at start", "misfit"};
  if (markdown) {
    for (size_t h = 0; h < 11 && !st; h++) st = brink_buf_printf(b, "| %s ", heads[h]);
    if (!st) st = brink_buf_puts(b, "|\n");
    for (size_t h = 0; h < 11 && !st; h++) st = brink_buf_puts(b, h < 2 ? "|---" : "|--:");
    if (!st) st = brink_buf_puts(b, "|\n");
  } else if (!st) {
    st = brink_buf_printf(b, "%-8s %-14s %8s %22s %10s %7s %9s %9s %9s %9s %s\n", heads[0],
                          heads[1], heads[2], heads[3], heads[4], heads[5], heads[6], heads[7],
                          heads[8], heads[9], heads[10]);
  }
  for (size_t e = 0; e < pb->n_episodes && !st; e++)
    for (size_t s = 0; s < pb->n_series && !st; s++) {
      const brink_calib_cell *c = &r->fit.cells[e][s];
      char mean[64], range[32], ratio[32];
      snprintf(mean, sizeof mean, "%.2f [%.2f, %.2f]", c->mean, c->mean_lo, c->mean_hi);
      snprintf(range, sizeof range, "%u-%u", c->q025, c->q975);
      if (c->observed > 0)
        snprintf(ratio, sizeof ratio, "%.2f", c->mean / c->observed);
      else
        snprintf(ratio, sizeof ratio, "-");
      if (markdown)
        st = brink_buf_printf(
            b, "| %s | %s | %.0f | %s | %s | %s | %.3f | %.3f | %.2f | %.2f | %s |\n",
            pb->episodes[e].label, pb->series[s].name, c->observed, mean, range, ratio,
            c->p_at_least, c->p_at_most, c->deviance, r->start.cells[e][s].mean, misfit_note(c));
      else
        st = brink_buf_printf(b, "%-8s %-14s %8.0f %22s %10s %7s %9.3f %9.3f %9.2f %9.2f %s\n",
                              pb->episodes[e].label, pb->series[s].name, c->observed, mean, range,
                              ratio, c->p_at_least, c->p_at_most, c->deviance,
                              r->start.cells[e][s].mean, misfit_note(c));
    }
  (void)sep;
  if (!st)
    st = brink_buf_printf(b,
                          "\n%sratio = model mean / observed; 95%% range = 2.5%%-97.5%% "
                          "quantiles of the per-run count; misfit = observed outside that "
                          "range; at start = model mean at the starting values\n",
                          markdown ? "" : "");
  return st;
}

int cmd_calibrate(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"episodes", "Y,Y,...", "episodes to fit, files SCENARIOS/Y.yaml (default 2013,2017,2018)", 0,
       NULL, NULL, 0},
      {"policy", "NAME", "policy run on every episode (default historical)", 0, NULL, NULL, 0},
      {"runs", "N", "runs per episode and evaluation (default 2000)", 0, NULL, NULL, 0},
      {"seed", "S", "random seed, the same at every evaluation (default 1)", 0, NULL, NULL, 0},
      {"threads", "T", "worker threads (default: the number of cores)", 0, NULL, NULL, 0},
      {"max-iter", "K", "Nelder-Mead iterations at most (default 60)", 0, NULL, NULL, 0},
      {"restarts", "R", "Nelder-Mead restarts from the best point (default 2)", 0, NULL, NULL, 0},
      {"tol", "X", "stop when the simplex size in logit units is below X (default 0.02)", 0, NULL,
       NULL, 0},
      {"data", "DIR", "directory of the data files (default data)", 0, NULL, NULL, 0},
      {"scenarios", "DIR", "directory of the episode files (default scenarios/korea)", 0, NULL,
       NULL, 0},
      {"param", "PATH=LO:HI[:START]",
       "a free parameter with its bounds (replaces the default set; START defaults to the "
       "middle)",
       1, NULL, NULL, 0},
      {"set", "PATH=VALUE", "a fixed override applied to every episode", 1, NULL, NULL, 0},
      {"format", "F", "table | markdown | json (default table)", 0, NULL, NULL, 0},
      {"quiet", NULL, "no progress on stderr", 0, NULL, NULL, 0},
  };
  cli_spec spec = {
      "calibrate",
      "[options]",
      "Fits free parameters of the Korean crisis model to the data of 2006-2018: each episode\n"
      "(scenarios/korea/YEAR.yaml) is run under its `historical` policy, the model's mean yearly\n"
      "counts of DPRK missile launches (every DPRK military action whose name contains\n"
      "'launch' or 'missile') and nuclear tests are compared with the launch events of class BM\n"
      "(data/korea_launch_events_2006_2018.tsv) and the nuclear_test rows of the timeline\n"
      "(data/korea_timeline_2006_2018.tsv) of that year, and the Poisson deviance is minimised\n"
      "by Nelder-Mead (GSL nmsimplex2) on logit-transformed bounds, every evaluation with the\n"
      "same seed. Default free parameters (bounds, start): params.nuclear_test_cost [0.5, 6] 3,\n"
      "params.dprk_rationality [0.2, 6] 2, params.dprk_greed [0.01, 0.99] 0.4 (a constant\n"
      "in place of the Beta prior: the probability that the DPRK is the greedy type),\n"
      "params.dprk_threat_bias [0, 1] 0.4. See docs/korea.md, Calibration.",
      opts,
      sizeof opts / sizeof opts[0],
      0,
      0,
      "examples:\n  brink calibrate --format markdown\n"
      "  brink calibrate --episodes 2013,2017 --param params.nuclear_test_cost=0.5:6 --runs 4000",
      NULL,
      0};
  brink_calib_result *result = NULL;
  brink_buf out;
  brink_buf_init(&out, ctx, 0);
  char paths[BRINK_CALIB_MAX_EPISODES][MAX_TEXT];
  char labels[BRINK_CALIB_MAX_EPISODES][64];
  char param_paths[BRINK_CALIB_MAX_PARAMS][MAX_TEXT];
  brink_calib_episode episodes[BRINK_CALIB_MAX_EPISODES];
  brink_calib_param params[BRINK_CALIB_MAX_PARAMS];
  brink_calib_series series[N_SERIES];
  size_t n_episodes = 0, n_params = 0;
  uint64_t runs, seed, threads, max_iter, restarts;
  double tol;
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  int procs = omp_get_num_procs();
  if ((rc = cli_u64(&spec, "runs", 1, BRINK_MAX_RUNS, 2000, &runs)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "seed", 0, UINT64_MAX >> 1, 1, &seed)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "threads", 1, 1024, (uint64_t)(procs > 0 ? procs : 1), &threads)) >= 0)
    goto done;
  if ((rc = cli_u64(&spec, "max-iter", 1, 100000, 60, &max_iter)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "restarts", 0, 100, 2, &restarts)) >= 0) goto done;
  if ((rc = cli_f64(&spec, "tol", 0.0, 10.0, 0.02, &tol)) >= 0) goto done;
  const char *format = cli_value(&spec, "format", "table");
  if (strcmp(format, "table") && strcmp(format, "markdown") && strcmp(format, "json")) {
    rc = cli_usage_error(&spec, "--format must be table, markdown or json, got '%s'", format);
    goto done;
  }
  const char *data_dir = cli_value(&spec, "data", "data");
  const char *scen_dir = cli_value(&spec, "scenarios", "scenarios/korea");
  const char *policy = cli_value(&spec, "policy", "historical");
  const char *list = cli_value(&spec, "episodes", "2013,2017,2018");
  for (const char *p = list; *p;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    if (len == 0 || len >= sizeof labels[0]) {
      rc = cli_usage_error(&spec, "bad episode list '%s'", list);
      goto done;
    }
    if (n_episodes == BRINK_CALIB_MAX_EPISODES) {
      rc = cli_usage_error(&spec, "at most %d episodes", BRINK_CALIB_MAX_EPISODES);
      goto done;
    }
    memcpy(labels[n_episodes], p, len);
    labels[n_episodes][len] = '\0';
    for (size_t e = 0; e < n_episodes; e++)
      if (!strcmp(labels[e], labels[n_episodes])) {
        rc = cli_usage_error(&spec, "episode '%s' listed twice", labels[e]);
        goto done;
      }
    snprintf(paths[n_episodes], sizeof paths[0], "%s/%s.yaml", scen_dir, labels[n_episodes]);
    episodes[n_episodes] =
        (brink_calib_episode){labels[n_episodes], paths[n_episodes], policy, {0}};
    n_episodes++;
    p += len;
    if (*p == ',') p++;
  }
  if (n_episodes == 0) {
    rc = cli_usage_error(&spec, "empty episode list");
    goto done;
  }
  const cli_opt *popt = cli_opt_get(&spec, "param");
  if (popt->n_values > BRINK_CALIB_MAX_PARAMS) {
    rc = cli_usage_error(&spec, "at most %d free parameters", BRINK_CALIB_MAX_PARAMS);
    goto done;
  }
  for (size_t k = 0; k < popt->n_values; k++)
    if ((rc = parse_param(&spec, popt->values[k], param_paths[k], sizeof param_paths[0],
                          &params[n_params++])) >= 0)
      goto done;
  if (n_params == 0)
    for (size_t k = 0; k < sizeof default_params / sizeof default_params[0]; k++)
      params[n_params++] = (brink_calib_param){default_params[k].path, default_params[k].lo,
                                               default_params[k].hi, default_params[k].start, -1};
  for (size_t s = 0; s < N_SERIES; s++) {
    memset(&series[s], 0, sizeof series[s]);
    series[s].name = series_defs[s].name;
    series[s].actor = "DPRK";
    for (size_t k = 0; k < series_defs[s].n_patterns; k++)
      series[s].patterns[k] = series_defs[s].patterns[k];
    series[s].n_patterns = series_defs[s].n_patterns;
  }
  for (size_t e = 0; e < n_episodes; e++)
    if ((rc = prepare_episode(&spec, ctx, data_dir, &episodes[e])) >= 0) goto done;
  const cli_opt *set = cli_opt_get(&spec, "set");
  brink_calib_problem problem = {params,
                                 n_params,
                                 series,
                                 N_SERIES,
                                 episodes,
                                 n_episodes,
                                 (const char *const *)set->values,
                                 set->n_values};
  progress prog = {!cli_value(&spec, "quiet", NULL) && isatty(fileno(stderr)), omp_get_wtime(),
                   n_params};
  brink_calib_options o = {runs, seed,        (int)threads, (unsigned)max_iter, tol,
                           1.0,  on_progress, &prog,        (unsigned)restarts};
  brink_status st = brink_calib_run(ctx, &problem, &o, &result);
  if (prog.enabled) fprintf(stderr, "\n");
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  if (!strcmp(format, "json"))
    st = write_json(&out, &problem, result, data_dir, (int)threads);
  else
    st = write_text(&out, &problem, result, data_dir, !strcmp(format, "markdown"));
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  fputs(out.data, stdout);
  rc = CLI_EXIT_OK;
done:
  brink_calib_result_free(ctx, result);
  brink_buf_release(&out);
  cli_spec_release(&spec);
  return rc;
}
