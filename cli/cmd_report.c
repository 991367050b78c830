/* SPDX-License-Identifier: MIT */
/* `brink report` (a self-contained HTML report) and `brink plot` (one chart as SVG, PNG or
 * PDF), both from a saved JSON result. Output goes through the atomic writer (a unique
 * temporary renamed to FILE): the report is streamed into it, the chart written at once. */
#include <stdio.h>
#include <string.h>

#include "brink/report.h"
#include "cli.h"

/* 1 when path ends with ext (".png"), ignoring case. */
static int ends_with(const char *path, const char *ext) {
  size_t n = strlen(path), m = strlen(ext);
  if (n < m) return 0;
  for (size_t i = 0; i < m; i++) {
    char a = path[n - m + i], b = ext[i];
    if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
    if (a != b) return 0;
  }
  return 1;
}

int cmd_report(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"output", "FILE", "the HTML file to write (required; -o also works)", 0, NULL, NULL, 0},
      {"observed", "CSV",
       "observed tension series to draw beside the simulated one (columns "
       "period,tension[,start]; `brink events index --format csv`)",
       0, NULL, NULL, 0},
      {"title", "TEXT", "title of the page; default \"brink: SCENARIO\"", 0, NULL, NULL, 0},
  };
  cli_spec spec = {
      "report",
      "RESULT.json -o FILE.html [options]",
      "Writes one self-contained HTML file from a saved JSON result (brink compare --format\n"
      "json): the comparison table, charts of the cumulative probability of armed conflict,\n"
      "the tension fan chart and the distribution of provocations, the pairwise differences,\n"
      "the assumptions and the run's metadata. No scripts, fonts or images are fetched: the\n"
      "charts are embedded as SVG. See docs/report.md.",
      opts,
      sizeof opts / sizeof opts[0],
      1,
      1,
      "examples:\n"
      "  brink report out/result.json -o report.html\n"
      "  brink events index --dyad PRK:USA --by week --from 2022-11-07 --format csv > obs.csv\n"
      "  brink report out/result.json --observed obs.csv -o report.html",
      NULL,
      0};
  brink_result *res = NULL;
  brink_observed *obs = NULL;
  brink_file *file = NULL;
  int slot = -1;
  brink_status st = BRINK_OK;
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  const char *out = cli_value(&spec, "output", NULL);
  if (!out) {
    rc = cli_usage_error(&spec, "missing --output FILE.html");
    goto done;
  }
  const char *path = spec.pos[0];
  st = brink_result_load(ctx, path, &res);
  if (!st && cli_value(&spec, "observed", NULL))
    st = brink_observed_load(ctx, cli_value(&spec, "observed", NULL), &obs);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  /* Streamed: the page of a long horizon is several times the result and never held whole. */
  if ((rc = cli_file_open(&spec, ctx, out, &file, &slot)) >= 0) goto done;
  brink_report_options ro = {cli_value(&spec, "title", NULL), path, obs};
  st = brink_report_html_stream(ctx, res, &ro, brink_file_stream(file));
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  rc = cli_file_commit(&spec, ctx, file, slot);
  file = NULL;
  if (rc < 0) rc = CLI_EXIT_OK;

done:
  cli_file_abort(ctx, file, slot);
  brink_observed_free(obs);
  brink_result_free(res);
  cli_spec_release(&spec);
  return rc;
}

int cmd_plot(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"chart", "KIND", "conflict|tension|provocations; default conflict", 0, NULL, NULL, 0},
      {"format", "FMT", "svg|png|pdf; default from the output's extension, else svg", 0, NULL, NULL,
       0},
      {"output", "FILE", "the file to write (required; -o also works)", 0, NULL, NULL, 0},
      {"policy", "NAME", "draw only this policy; default all", 0, NULL, NULL, 0},
      {"width", "PX",
       "width in pixels (PNG) or points (SVG, PDF), 100..10000; default 800 "
       "(tension: 900)",
       0, NULL, NULL, 0},
      {"height", "PX", "height, 100..10000; default 450 (tension: 260 per row of panels + 90)", 0,
       NULL, NULL, 0},
      {"title", "TEXT", "chart title; default per chart", 0, NULL, NULL, 0},
      {"observed", "CSV",
       "tension chart: observed series to draw in every panel (columns "
       "period,tension[,start])",
       0, NULL, NULL, 0},
  };
  cli_spec spec = {
      "plot",
      "RESULT.json --chart KIND -o FILE [options]",
      "Draws one chart of a saved JSON result, for papers and slides:\n"
      "  conflict      cumulative probability of armed conflict per policy, with its CI band\n"
      "  tension       fan chart of the tension index (median, 50% and 90% bands), one panel\n"
      "                per policy\n"
      "  provocations  distribution of provocations per run, one step line per policy\n"
      "Policies differ by colour, dash pattern and marker, so charts read in grey-scale.",
      opts,
      sizeof opts / sizeof opts[0],
      1,
      1,
      "examples:\n"
      "  brink plot out/result.json --chart conflict --format png -o docs/img/conflict.png\n"
      "  brink plot out/result.json --chart tension --policy maximum_pressure -o t.pdf",
      NULL,
      0};
  brink_result *res = NULL;
  brink_observed *obs = NULL;
  brink_buf bytes;
  brink_buf_init(&bytes, ctx, 0);
  brink_status st = BRINK_OK;
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  brink_chart_options co;
  memset(&co, 0, sizeof co);
  const char *out = cli_value(&spec, "output", NULL);
  if (!out) {
    rc = cli_usage_error(&spec, "missing --output FILE");
    goto done;
  }
  if (brink_chart_kind_parse(ctx, cli_value(&spec, "chart", "conflict"), &co.kind)) {
    rc = cli_usage_error(&spec, "%s", brink_ctx_errmsg(ctx));
    goto done;
  }
  const char *fmt = cli_value(&spec, "format", NULL);
  if (!fmt) fmt = ends_with(out, ".png") ? "png" : ends_with(out, ".pdf") ? "pdf" : "svg";
  if (brink_chart_format_parse(ctx, fmt, &co.format)) {
    rc = cli_usage_error(&spec, "%s", brink_ctx_errmsg(ctx));
    goto done;
  }
  if ((rc = cli_f64(&spec, "width", 100, 10000, 0, &co.width)) >= 0) goto done;
  if ((rc = cli_f64(&spec, "height", 100, 10000, 0, &co.height)) >= 0) goto done;
  co.policy = cli_value(&spec, "policy", NULL);
  co.title = cli_value(&spec, "title", NULL);
  st = brink_result_load(ctx, spec.pos[0], &res);
  if (!st && cli_value(&spec, "observed", NULL))
    st = brink_observed_load(ctx, cli_value(&spec, "observed", NULL), &obs);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  co.observed = obs;
  st = brink_chart_render(ctx, res, &co, &bytes);
  if (st == BRINK_ENOTFOUND) {
    fprintf(stderr, "brink plot: %s (policies:", brink_ctx_errmsg(ctx));
    for (size_t i = 0; i < res->n_policies; i++) fprintf(stderr, " %s", res->policies[i].name);
    fprintf(stderr, ")\n");
    rc = CLI_EXIT_USAGE;
    goto done;
  }
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  rc = cli_write_file(&spec, ctx, out, bytes.data, bytes.len);
  if (rc < 0) rc = CLI_EXIT_OK;

done:
  brink_buf_release(&bytes);
  brink_observed_free(obs);
  brink_result_free(res);
  cli_spec_release(&spec);
  return rc;
}
