/* SPDX-License-Identifier: MIT */
/* `brink sensitivity`: first-order and total Sobol indices of every uncertain parameter of a
 * scenario for one outcome, on a Saltelli design mapped through the parameters' priors. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <omp.h>

#include "brink/model.h"
#include "brink/scenario.h"
#include "brink/sensitivity.h"
#include "brink/sweep.h"
#include "cli.h"
#include "par.h"

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The marginal of posterior column c, sorted, for the quantiles: the value at u in (0, 1) is
 * sorted[floor(u n)], the draw a uniform u picks when the model chooses a posterior row. */
static double *posterior_marginal(brink_ctx *ctx, const brink_posterior *post, size_t c) {
  double *v = brink_calloc(ctx, post->n_rows, sizeof *v);
  if (!v) return NULL;
  for (size_t r = 0; r < post->n_rows; r++) v[r] = post->rows[r * post->n_cols + c];
  qsort(v, post->n_rows, sizeof *v, by_value);
  return v;
}

int cmd_sensitivity(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"metric", "M",
       "p_armed_conflict | p_clash | provocations | p_talks | difference:A-B (P(armed conflict) "
       "of A minus B; default p_armed_conflict)",
       0, NULL, NULL, 0},
      {"policy", "NAME", "the policy whose metric is analysed (default: the scenario's first)", 0,
       NULL, NULL, 0},
      {"samples", "N", "base samples of the Saltelli design (default 256); N x (d + 2) points", 0,
       NULL, NULL, 0},
      {"runs", "R", "runs per policy and point (default 1000)", 0, NULL, NULL, 0},
      {"seed", "S", "random seed of every point and of the bootstrap (default 1)", 0, NULL, NULL,
       0},
      {"threads", "T", "worker threads per process (default: the cores / processes)", 0, NULL, NULL,
       0},
      {"horizon", "H", "steps to simulate (default: the scenario's horizon)", 0, NULL, NULL, 0},
      {"confidence", "C", "confidence level of the bootstrap intervals (default 0.95)", 0, NULL,
       NULL, 0},
      {"bootstrap", "B", "bootstrap resamples of the base samples (default 500)", 0, NULL, NULL, 0},
      {"posterior", "FILE",
       "a parameter this sample (TSV: names, then draws) holds ranges over its posterior "
       "marginal instead of its prior",
       0, NULL, NULL, 0},
      {"set", "PATH=VALUE", "override a scenario value (a parameter set here is fixed)", 1, NULL,
       NULL, 0},
      {"format", "F", "table | csv | json on standard output (default table)", 0, NULL, NULL, 0},
      {"out", "DIR",
       "also write sensitivity.json, sensitivity.csv, table.txt and tornado.svg into DIR", 0, NULL,
       NULL, 0},
      {"chart", "FILE", "write the tornado chart to FILE (.svg, .png or .pdf)", 0, NULL, NULL, 0},
      {"quiet", NULL, "no progress line", 0, NULL, NULL, 0},
  };
  cli_spec spec = {
      "sensitivity",
      "SCENARIO [options]",
      "Which assumptions drive the answer, and by how much: first-order and total Sobol indices\n"
      "of every uncertain parameter ($param with a distribution) of the scenario for one\n"
      "outcome. Each parameter ranges over its own prior (or its --posterior marginal): the\n"
      "points of a Saltelli design on GSL's Sobol sequence (a Latin hypercube beyond 40\n"
      "parameters) are mapped through the inverse CDFs and applied as --set overrides.\n"
      "Every point runs the same random streams (common random numbers), so the Monte Carlo\n"
      "noise largely cancels between the paired points of the estimators.\n"
      "First order: Saltelli et al. 2010; total: Jansen 1999; intervals: percentile bootstrap\n"
      "over the base samples. Under mpirun the points are divided among the processes and the\n"
      "output is the same bytes. See docs/sensitivity.md.",
      opts,
      sizeof opts / sizeof opts[0],
      1,
      1,
      "examples:\n"
      "  brink sensitivity scenarios/korea/2022.yaml --out out/sens\n"
      "  brink sensitivity scenarios/korea/2022.yaml \\\n"
      "      --metric difference:maximum_pressure-proactive_diplomacy --chart tornado.svg\n"
      "  mpirun -np 8 brink sensitivity scenarios/korea/2022.yaml --samples 1024 --format json",
      NULL,
      0};
  brink_scenario *sc = NULL;
  brink_model *check_model = NULL;
  brink_posterior *post = NULL;
  double *marginal[BRINK_SOBOL_MAX_DIM] = {0};
  brink_sobol_design *design = NULL;
  brink_sobol_indices *indices = NULL;
  double *values = NULL, *stats = NULL, *y = NULL;
  brink_buf buf, paths_buf;
  brink_buf_init(&buf, ctx, 0);
  brink_buf_init(&paths_buf, ctx, 0);
  const char *names[BRINK_SOBOL_MAX_DIM], *units[BRINK_SOBOL_MAX_DIM];
  const char *paths[BRINK_SOBOL_MAX_DIM];
  const brink_param *params[BRINK_SOBOL_MAX_DIM];
  size_t offsets[BRINK_SOBOL_MAX_DIM];
  size_t dim = 0;
  char metric_text[600];
  uint64_t samples, runs, seed, threads, horizon, bootstrap;
  double confidence;
  int rc = cli_parse(&spec, argc, argv);
  int root = cli_par_rank() == 0;
  if (rc >= 0) goto done;
  if ((rc = cli_u64(&spec, "samples", 2, BRINK_SOBOL_MAX_BASE, 256, &samples)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "runs", 1, 1u << 30, 1000, &runs)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "seed", 0, UINT64_MAX >> 1, 1, &seed)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "threads", 1, 1024, (uint64_t)cli_default_threads(), &threads)) >= 0)
    goto done;
  if ((rc = cli_u64(&spec, "horizon", 1, BRINK_MAX_HORIZON, 0, &horizon)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "bootstrap", 0, 100000, 500, &bootstrap)) >= 0) goto done;
  if ((rc = cli_f64(&spec, "confidence", 0.5, 0.9999, 0.95, &confidence)) >= 0) goto done;
  static const char *const formats[] = {"table", "csv", "json"};
  int format;
  if ((rc = cli_choice(&spec, "format", formats, 3, 0, &format)) >= 0) goto done;
  const char *chart = cli_value(&spec, "chart", NULL);
  brink_chart_format chart_format = BRINK_CHART_SVG;
  if (chart && !cli_chart_format(chart, &chart_format)) {
    rc = cli_usage_error(&spec, "--chart '%s': the name must end in .svg, .png or .pdf", chart);
    goto done;
  }
  const char *out_dir = cli_value(&spec, "out", NULL);
  if (out_dir && root && (rc = cli_make_dir(&spec, out_dir)) >= 0) goto done;
  if ((rc = cli_load_scenario(&spec, ctx, spec.pos[0], &sc)) >= 0) goto done;
  if (brink_scenario_policy_count(sc) == 0) {
    fprintf(stderr, "brink sensitivity: scenario '%s' defines no policy\n",
            brink_scenario_name(sc));
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  /* The metric: one policy's outcome, or the paired difference of two policies. */
  const char *metric = cli_value(&spec, "metric", "p_armed_conflict");
  const char *policy_names[2];
  size_t n_policies = 0, series = 0;
  brink_sweep_metric m = BRINK_METRIC_P_ARMED_CONFLICT;
  if (!strncmp(metric, "difference:", 11)) {
    const char *pair = metric + 11, *dash = strchr(pair, '-');
    char list[512];
    if (!dash || dash == pair || !dash[1] || strlen(pair) >= sizeof list) {
      rc = cli_usage_error(&spec, "--metric '%s': expected difference:A-B", metric);
      goto done;
    }
    snprintf(list, sizeof list, "%.*s,%s", (int)(dash - pair), pair, dash + 1);
    if ((rc = cli_policy_names(&spec, sc, list, policy_names, 2, &n_policies)) >= 0) goto done;
    if (n_policies != 2) {
      rc = cli_usage_error(&spec, "--metric '%s': expected two policies", metric);
      goto done;
    }
    series = 2; /* the pair (0, 1) */
    snprintf(metric_text, sizeof metric_text, "P(armed conflict) of %s minus %s", policy_names[0],
             policy_names[1]);
  } else {
    int found = 0;
    for (int k = 0; k < BRINK_METRIC_COUNT; k++)
      if (!strcmp(metric, brink_sweep_metric_name((brink_sweep_metric)k))) {
        m = (brink_sweep_metric)k;
        found = 1;
      }
    if (!found) {
      rc = cli_usage_error(&spec,
                           "--metric must be p_armed_conflict, p_clash, provocations, p_talks or "
                           "difference:A-B, got '%s'",
                           metric);
      goto done;
    }
    const char *policy = cli_value(&spec, "policy", brink_scenario_policy(sc, 0)->name);
    if ((rc = cli_policy_names(&spec, sc, policy, policy_names, 1, &n_policies)) >= 0) goto done;
    snprintf(metric_text, sizeof metric_text, "%s of %s", metric, policy_names[0]);
  }
  /* The uncertain parameters: every $param with a distribution (constants vary nothing). */
  for (size_t k = 0; k < brink_scenario_param_count(sc); k++) {
    const brink_param *p = brink_scenario_param(sc, k);
    if (p->dist == BRINK_DIST_CONSTANT) continue;
    if (dim == BRINK_SOBOL_MAX_DIM) {
      fprintf(stderr, "brink sensitivity: more than %d uncertain parameters; fix some with --set\n",
              BRINK_SOBOL_MAX_DIM);
      rc = CLI_EXIT_FAIL;
      goto done;
    }
    params[dim] = p;
    names[dim] = p->name;
    units[dim] = p->unit;
    offsets[dim] = paths_buf.len;
    if (brink_buf_printf(&paths_buf, "params.%s", p->name) || brink_buf_putc(&paths_buf, '\0')) {
      rc = cli_fail(&spec, ctx, BRINK_ENOMEM);
      goto done;
    }
    dim++;
  }
  for (size_t k = 0; k < dim; k++) paths[k] = paths_buf.data + offsets[k];
  const char *posterior_file = cli_value(&spec, "posterior", NULL);
  if (posterior_file) {
    /* Checked against a model of the scenario (names, supports) as run and compare do. */
    brink_status pst = brink_posterior_read(ctx, posterior_file, &post);
    if (!pst) pst = brink_model_new(ctx, sc, &check_model);
    if (!pst) pst = brink_model_use_posterior(ctx, check_model, post);
    if (pst) {
      rc = cli_fail(&spec, ctx, pst);
      goto done;
    }
    for (size_t k = 0; k < dim; k++)
      for (size_t c = 0; c < post->n_cols; c++)
        if (!strcmp(post->names[c], params[k]->name) &&
            !(marginal[k] = posterior_marginal(ctx, post, c))) {
          rc = cli_fail(&spec, ctx, BRINK_ENOMEM);
          goto done;
        }
  }
  if (dim == 0) {
    fprintf(stderr, "brink sensitivity: scenario '%s' has no uncertain parameter\n",
            brink_scenario_name(sc));
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  brink_status st = brink_sobol_design_new(ctx, dim, (size_t)samples, seed, &design);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  const size_t n_points = design->n_points, width = brink_point_width(n_policies);
  values = brink_calloc(ctx, n_points * dim, sizeof *values);
  stats = brink_calloc(ctx, n_points * width, sizeof *stats);
  y = brink_calloc(ctx, n_points, sizeof *y);
  if (!values || !stats || !y) {
    rc = cli_fail(&spec, ctx, BRINK_ENOMEM);
    goto done;
  }
  for (size_t j = 0; j < n_points; j++)
    for (size_t k = 0; k < dim; k++)
      if (marginal[k]) {
        size_t r = (size_t)(design->u[j * dim + k] * (double)post->n_rows);
        values[j * dim + k] = marginal[k][r < post->n_rows ? r : post->n_rows - 1];
      } else
        values[j * dim + k] = brink_param_quantile(params[k], design->u[j * dim + k]);
  const cli_opt *set = cli_opt_get(&spec, "set");
  brink_point_options po = {.scenario_file = spec.pos[0],
                            .overrides = (const char *const *)set->values,
                            .n_overrides = set->n_values,
                            .paths = paths,
                            .n_paths = dim,
                            .policies = policy_names,
                            .n_policies = n_policies,
                            .runs = runs,
                            .seed = seed,
                            .threads = (int)threads,
                            .confidence = confidence,
                            .horizon = (uint32_t)horizon,
                            .posterior = post};
  double start = omp_get_wtime();
  if ((rc = cli_points_run(&spec, ctx, &po, values, n_points, stats,
                           !cli_value(&spec, "quiet", NULL))) >= 0)
    goto done;
  double seconds = omp_get_wtime() - start;
  if (!root) {
    rc = CLI_EXIT_OK;
    goto done;
  }
  double noise = 0.0;
  for (size_t j = 0; j < n_points; j++) {
    const double *f = &stats[j * width + (series * BRINK_METRIC_COUNT + m) * BRINK_POINT_FIELDS];
    y[j] = f[BRINK_POINT_MEAN];
    noise += f[BRINK_POINT_VAR];
  }
  brink_sobol_options so = {(size_t)bootstrap, seed, confidence, noise / (double)n_points};
  if ((st = brink_sobol_estimate(ctx, design, y, &so, &indices))) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  brink_sensitivity_report rep = {
      brink_scenario_name(sc),
      spec.pos[0],
      (const char *const *)set->values,
      set->n_values,
      metric_text,
      series >= 2 || m != BRINK_METRIC_PROVOCATIONS
          ? (series >= 2 ? "difference of probabilities" : "probability")
          : "military actions per run",
      names,
      units,
      runs,
      seed,
      indices,
      posterior_file};
  if (out_dir) {
    static const char *const files[] = {"sensitivity.json", "sensitivity.csv", "table.txt",
                                        "tornado.svg"};
    for (int k = 0; k < 4 && rc < 0 && !st; k++) {
      brink_buf_reset(&buf);
      st = k == 0   ? brink_sensitivity_json(ctx, &rep, &buf)
           : k == 1 ? brink_sensitivity_csv(ctx, &rep, &buf)
           : k == 2 ? brink_sensitivity_table(ctx, &rep, &buf)
                    : brink_sensitivity_chart(ctx, &rep, BRINK_CHART_SVG, &buf);
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", out_dir, files[k]);
      if (!st) rc = cli_write_file(&spec, ctx, path, buf.data, buf.len);
    }
    if (st) {
      rc = cli_fail(&spec, ctx, st);
      goto done;
    }
    if (rc >= 0) goto done;
  }
  if (chart) {
    brink_buf_reset(&buf);
    if ((st = brink_sensitivity_chart(ctx, &rep, chart_format, &buf))) {
      rc = cli_fail(&spec, ctx, st);
      goto done;
    }
    if ((rc = cli_write_file(&spec, ctx, chart, buf.data, buf.len)) >= 0) goto done;
  }
  brink_buf_reset(&buf);
  st = format == 1   ? brink_sensitivity_csv(ctx, &rep, &buf)
       : format == 2 ? brink_sensitivity_json(ctx, &rep, &buf)
                     : brink_sensitivity_table(ctx, &rep, &buf);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  fputs(buf.data, stdout);
  if (format == 0)
    printf("(%.1f s for %zu points x %zu policies x %llu runs on %d process%s)\n", seconds,
           n_points, n_policies, (unsigned long long)runs, cli_par_size(),
           cli_par_size() > 1 ? "es" : "");
  rc = CLI_EXIT_OK;
done:
  brink_sobol_indices_free(indices);
  brink_sobol_design_free(design);
  for (size_t k = 0; k < BRINK_SOBOL_MAX_DIM; k++) brink_free(ctx, marginal[k]);
  brink_model_free(check_model);
  brink_posterior_free(post);
  brink_free(ctx, values);
  brink_free(ctx, stats);
  brink_free(ctx, y);
  brink_buf_release(&buf);
  brink_buf_release(&paths_buf);
  brink_scenario_free(sc);
  cli_spec_release(&spec);
  return rc;
}
