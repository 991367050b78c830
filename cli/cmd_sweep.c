/* SPDX-License-Identifier: MIT */
/* `brink sweep`: a scenario's outcomes over a design of parameter values, each point a
 * `brink compare` on the same random streams (common random numbers). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "brink/model.h"
#include "brink/report.h"
#include "brink/scenario.h"
#include "brink/sweep.h"
#include "cli.h"
#include "par.h"

#define MAX_POLICIES 64

/* Splits "a,b,c" into names checked against the scenario. Returns -1 or an exit code. */
int cli_policy_names(const cli_spec *spec, const brink_scenario *sc, const char *list,
                     const char **names, size_t max, size_t *n) {
  *n = 0;
  for (const char *p = list; *p;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    int found = -1;
    for (size_t i = 0; i < brink_scenario_policy_count(sc); i++)
      if (strlen(brink_scenario_policy(sc, i)->name) == len &&
          !strncmp(brink_scenario_policy(sc, i)->name, p, len))
        found = (int)i;
    if (found < 0) {
      fprintf(stderr, "brink %s: unknown policy '%.*s'; the scenario defines:", spec->name,
              (int)len, p);
      for (size_t i = 0; i < brink_scenario_policy_count(sc); i++)
        fprintf(stderr, " %s", brink_scenario_policy(sc, i)->name);
      fprintf(stderr, "\nTry 'brink %s --help'.\n", spec->name);
      return CLI_EXIT_USAGE;
    }
    for (size_t i = 0; i < *n; i++)
      if (names[i] == brink_scenario_policy(sc, (size_t)found)->name)
        return cli_usage_error(spec, "policy '%s' listed twice", names[i]);
    if (*n >= max) return cli_usage_error(spec, "at most %zu policies at once", max);
    names[(*n)++] = brink_scenario_policy(sc, (size_t)found)->name;
    p += len;
    if (*p == ',') p++;
  }
  if (*n == 0) return cli_usage_error(spec, "empty policy list");
  return -1;
}

/* The chart format from a file name's extension. */
int cli_chart_format(const char *path, brink_chart_format *out) {
  const char *dot = strrchr(path, '.');
  if (!dot) return 0;
  if (!strcmp(dot, ".svg"))
    *out = BRINK_CHART_SVG;
  else if (!strcmp(dot, ".png"))
    *out = BRINK_CHART_PNG;
  else if (!strcmp(dot, ".pdf"))
    *out = BRINK_CHART_PDF;
  else
    return 0;
  return 1;
}

int cli_make_dir(const cli_spec *spec, const char *dir) {
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return cli_usage_error(spec, "cannot create --out directory '%s': %s", dir, strerror(errno));
  return -1;
}

int cmd_sweep(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"param", "PATH=LO:HI[:N]",
       "sweep a value from LO to HI (N levels on a grid, default 5); PATH as in --set, a bare "
       "name is params.NAME",
       1, NULL, NULL, 0},
      {"design", "D", "grid | lhs | sobol (default grid)", 0, NULL, NULL, 0},
      {"points", "N", "points of an lhs or sobol design (default 16)", 0, NULL, NULL, 0},
      {"policies", "A,B,...", "policies to compare at each point (default: every policy)", 0, NULL,
       NULL, 0},
      {"runs", "N", "runs per policy and point (default 2000)", 0, NULL, NULL, 0},
      {"seed", "S", "random seed, the same at every point (default 1)", 0, NULL, NULL, 0},
      {"threads", "T", "worker threads per process (default: the cores / processes)", 0, NULL, NULL,
       0},
      {"horizon", "H", "steps to simulate (default: the scenario's horizon)", 0, NULL, NULL, 0},
      {"confidence", "C", "confidence level of intervals (default 0.95)", 0, NULL, NULL, 0},
      {"set", "PATH=VALUE", "override a scenario value at every point", 1, NULL, NULL, 0},
      {"posterior", "FILE",
       "draw the parameters this sample (TSV: names, then draws) holds from it instead of "
       "their priors; a swept parameter keeps the point's value",
       0, NULL, NULL, 0},
      {"format", "F", "table | csv | json on standard output (default table)", 0, NULL, NULL, 0},
      {"out", "DIR",
       "also write sweep.csv, sweep.json, table.txt, sweep.svg and report.html into DIR", 0, NULL,
       NULL, 0},
      {"chart", "FILE", "write the chart of P(armed conflict) to FILE (.svg, .png or .pdf)", 0,
       NULL, NULL, 0},
      {"quiet", NULL, "no progress line", 0, NULL, NULL, 0},
  };
  cli_spec spec = {
      "sweep",
      "SCENARIO --param PATH=LO:HI[:N] ... [options]",
      "Runs the policies at every point of a design over one or more scenario values (a grid,\n"
      "a Latin hypercube or a Sobol sequence). Each point loads the scenario with the point's\n"
      "values as --set overrides (so the loader checks them) and compares the policies with the\n"
      "same seed: every point and policy uses the same random streams (common random numbers).\n"
      "Under mpirun the points are divided among the processes and the output is the same bytes.\n"
      "Charts: one parameter gives a line with its band per policy; two on a grid a heatmap per\n"
      "policy. See docs/sensitivity.md and docs/scaling.md.",
      opts,
      sizeof opts / sizeof opts[0],
      1,
      1,
      "examples:\n"
      "  brink sweep scenarios/korea/2022.yaml --param dprk_greed=0.1:0.9:5 \\\n"
      "      --policies maximum_pressure,proactive_diplomacy --runs 20000 --out out/greed\n"
      "  mpirun -np 4 brink sweep scenarios/korea/2022.yaml --param dprk_greed=0.1:0.9 \\\n"
      "      --param us_china_relations=-0.8:0.8 --design sobol --points 64 --format csv",
      NULL,
      0};
  brink_scenario *sc = NULL;
  brink_model *check_model = NULL;
  brink_posterior *post = NULL;
  brink_sweep_axis axes[BRINK_SWEEP_MAX_AXES];
  size_t n_axes = 0;
  double *values = NULL, *stats = NULL;
  brink_buf buf;
  brink_buf_init(&buf, ctx, 0);
  const char *policy_names[MAX_POLICIES];
  const char *paths[BRINK_SWEEP_MAX_AXES];
  size_t n_policies = 0, n_points = 0;
  uint64_t runs, seed, threads, horizon, points;
  double confidence;
  brink_sweep_design design = BRINK_DESIGN_GRID;
  int rc = cli_parse(&spec, argc, argv);
  int root = cli_par_rank() == 0;
  if (rc >= 0) goto done;
  if ((rc = cli_u64(&spec, "runs", 1, 1u << 30, 2000, &runs)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "seed", 0, UINT64_MAX >> 1, 1, &seed)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "threads", 1, 1024, (uint64_t)cli_default_threads(), &threads)) >= 0)
    goto done;
  if ((rc = cli_u64(&spec, "horizon", 1, BRINK_MAX_HORIZON, 0, &horizon)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "points", 1, BRINK_SWEEP_MAX_POINTS, 16, &points)) >= 0) goto done;
  if ((rc = cli_f64(&spec, "confidence", 0.5, 0.9999, 0.95, &confidence)) >= 0) goto done;
  static const char *const formats[] = {"table", "csv", "json"};
  static const char *const designs[] = {"grid", "lhs", "sobol"};
  int format, design_index;
  if ((rc = cli_choice(&spec, "format", formats, 3, 0, &format)) >= 0) goto done;
  if ((rc = cli_choice(&spec, "design", designs, 3, 0, &design_index)) >= 0) goto done;
  design = (brink_sweep_design)design_index;
  const cli_opt *param = cli_opt_get(&spec, "param");
  if (param->n_values == 0) {
    rc = cli_usage_error(&spec, "give at least one --param PATH=LO:HI[:N]");
    goto done;
  }
  if (param->n_values > BRINK_SWEEP_MAX_AXES) {
    rc = cli_usage_error(&spec, "at most %d --param", BRINK_SWEEP_MAX_AXES);
    goto done;
  }
  for (size_t k = 0; k < param->n_values; k++) {
    if (brink_sweep_axis_parse(ctx, param->values[k], 5, &axes[k])) {
      rc = cli_usage_error(&spec, "%s", brink_ctx_errmsg(ctx));
      goto done;
    }
    paths[k] = axes[k].path;
    n_axes++;
  }
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
    fprintf(stderr, "brink sweep: scenario '%s' defines no policy\n", brink_scenario_name(sc));
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  const char *list = cli_value(&spec, "policies", NULL);
  if (list) {
    if ((rc = cli_policy_names(&spec, sc, list, policy_names, MAX_POLICIES, &n_policies)) >= 0)
      goto done;
  } else {
    for (size_t i = 0; i < brink_scenario_policy_count(sc) && i < MAX_POLICIES; i++)
      policy_names[n_policies++] = brink_scenario_policy(sc, i)->name;
  }
  if (brink_sweep_design_values(ctx, design, axes, n_axes, (size_t)points, seed, &values,
                                &n_points)) {
    rc = cli_usage_error(&spec, "%s", brink_ctx_errmsg(ctx));
    goto done;
  }
  const size_t width = brink_point_width(n_policies);
  stats = brink_calloc(ctx, n_points * width, sizeof *stats);
  if (!stats) {
    rc = cli_fail(&spec, ctx, BRINK_ENOMEM);
    goto done;
  }
  const char *posterior_file = cli_value(&spec, "posterior", NULL);
  if (posterior_file) {
    /* Checked once against the scenario (names, supports), as run and compare do. */
    brink_status pst = brink_posterior_read(ctx, posterior_file, &post);
    if (!pst) pst = brink_model_new(ctx, sc, &check_model);
    if (!pst) pst = brink_model_use_posterior(ctx, check_model, post);
    if (pst) {
      rc = cli_fail(&spec, ctx, pst);
      goto done;
    }
  }
  const cli_opt *set = cli_opt_get(&spec, "set");
  brink_point_options po = {.scenario_file = spec.pos[0],
                            .overrides = (const char *const *)set->values,
                            .n_overrides = set->n_values,
                            .paths = paths,
                            .n_paths = n_axes,
                            .policies = policy_names,
                            .n_policies = n_policies,
                            .runs = runs,
                            .seed = seed,
                            .threads = (int)threads,
                            .confidence = confidence,
                            .horizon = (uint32_t)horizon,
                            .posterior = post};
  if ((rc = cli_points_run(&spec, ctx, &po, values, n_points, stats,
                           !cli_value(&spec, "quiet", NULL))) >= 0)
    goto done;
  if (!root) {
    rc = CLI_EXIT_OK;
    goto done;
  }
  brink_sweep sw = {brink_scenario_name(sc),
                    spec.pos[0],
                    (const char *const *)set->values,
                    set->n_values,
                    design,
                    axes,
                    n_axes,
                    policy_names,
                    n_policies,
                    runs,
                    seed,
                    confidence,
                    horizon ? (uint32_t)horizon : brink_scenario_horizon(sc),
                    brink_time_step_name(brink_scenario_step(sc)),
                    n_points,
                    values,
                    stats,
                    posterior_file};
  brink_status st = BRINK_OK;
  if (out_dir) {
    static const char *const names[] = {"sweep.csv", "sweep.json", "table.txt", "sweep.svg",
                                        "report.html"};
    for (int k = 0; k < 5 && rc < 0; k++) {
      brink_buf_reset(&buf);
      st = k == 0   ? brink_sweep_csv(ctx, &sw, &buf)
           : k == 1 ? brink_sweep_json(ctx, &sw, &buf)
           : k == 2 ? brink_sweep_table(ctx, &sw, &buf)
           : k == 3
               ? brink_sweep_chart(ctx, &sw, BRINK_METRIC_P_ARMED_CONFLICT, BRINK_CHART_SVG, &buf)
               : brink_sweep_html(ctx, &sw, &buf);
      if (st == BRINK_EUNSUPPORTED && k >= 3) { /* no chart for this design: say so, go on */
        fprintf(stderr, "brink sweep: no %s: %s\n", names[k], brink_ctx_errmsg(ctx));
        st = BRINK_OK;
        continue;
      }
      if (st) break;
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", out_dir, names[k]);
      rc = cli_write_file(&spec, ctx, path, buf.data, buf.len);
    }
    if (st) {
      rc = cli_fail(&spec, ctx, st);
      goto done;
    }
    if (rc >= 0) goto done;
  }
  if (chart) {
    brink_buf_reset(&buf);
    st = brink_sweep_chart(ctx, &sw, BRINK_METRIC_P_ARMED_CONFLICT, chart_format, &buf);
    if (st) {
      rc = cli_fail(&spec, ctx, st);
      goto done;
    }
    if ((rc = cli_write_file(&spec, ctx, chart, buf.data, buf.len)) >= 0) goto done;
  }
  brink_buf_reset(&buf);
  st = format == 1   ? brink_sweep_csv(ctx, &sw, &buf)
       : format == 2 ? brink_sweep_json(ctx, &sw, &buf)
                     : brink_sweep_table(ctx, &sw, &buf);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  fputs(buf.data, stdout);
  rc = CLI_EXIT_OK;
done:
  for (size_t k = 0; k < n_axes; k++) brink_sweep_axis_release(ctx, &axes[k]);
  brink_free(ctx, values);
  brink_free(ctx, stats);
  brink_buf_release(&buf);
  brink_model_free(check_model);
  brink_posterior_free(post);
  brink_scenario_free(sc);
  cli_spec_release(&spec);
  return rc;
}
