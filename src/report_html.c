/* SPDX-License-Identifier: MIT */
/* The HTML report: one self-contained page (inline CSS, charts as SVG data: URIs, no script,
 * a Content-Security-Policy that forbids every fetch) built from a brink_result. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

static const char css[] =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;color:#111;background:#fff;margin:0 auto;"
    "max-width:1100px;padding:16px 24px;line-height:1.4}\n"
    "h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.2em;margin:1.4em 0 .4em;"
    "border-bottom:1px solid #bbb}\n"
    "p.sub{color:#444;margin:.2em 0 1em}\n"
    "table{border-collapse:collapse;font-size:.85em;margin:.4em 0}\n"
    "th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}\n"
    "th{background:#f0f0f0}td.num{text-align:right;white-space:nowrap;"
    "font-variant-numeric:tabular-nums}\n"
    "span.ci{color:#555}td.sig{font-weight:bold}small{color:#555}\n"
    "figure{margin:1em 0;page-break-inside:avoid}figure img{width:100%;height:auto;"
    "border:1px solid #ddd}\n"
    "figcaption{font-size:.85em;color:#333}caption{text-align:left;font-size:.85em;color:#333;"
    "caption-side:bottom;padding-top:4px}\n"
    "dl{display:grid;grid-template-columns:max-content auto;gap:4px 16px;font-size:.9em}"
    ".wide{overflow-x:auto}"
    "dt{font-weight:bold}dd{margin:0}\n"
    "footer{margin-top:2em;font-size:.8em;color:#666}\n"
    "@media print{body{max-width:none}h2{page-break-after:avoid}}\n";

/* Where the page goes. Text is built in b; with a stream, b is written out and emptied as it
 * fills (spill), so that a large report (the charts of a long horizon take tens of MB) never
 * sits whole in memory and is not bound by a brink_buf's limit. Without one the page stays in
 * b. */
typedef struct page {
  brink_ctx *ctx;
  brink_buf *b;
  FILE *stream; /* NULL: the whole page stays in b */
} page;

#define SPILL_BYTES ((size_t)64 << 10)

/* Writes b out and empties it when it holds more than above bytes (and there is a stream). */
static brink_status spill(page *pg, size_t above) {
  brink_buf *b = pg->b;
  if (!pg->stream || b->len <= above) return BRINK_OK;
  if (fwrite(b->data, 1, b->len, pg->stream) != b->len)
    return brink__fail(pg->ctx, BRINK_EIO, "cannot write the report: %s", strerror(errno));
  brink_buf_reset(b);
  return BRINK_OK;
}

/* Text from the JSON goes through here: & < > " ' / become entities (OWASP's rule for HTML
 * text; escaping '/' also keeps URLs in the sources plain text, never a reference). */
static brink_status esc(brink_buf *b, const char *s) {
  brink_status st = BRINK_OK;
  const char *run = s;
  for (const char *p = s; !st && *p; p++) {
    const char *ent = NULL;
    switch (*p) {
    case '&':
      ent = "&amp;";
      break;
    case '<':
      ent = "&lt;";
      break;
    case '>':
      ent = "&gt;";
      break;
    case '"':
      ent = "&quot;";
      break;
    case '\'':
      ent = "&#39;";
      break;
    case '/':
      ent = "&#47;";
      break;
    default:
      continue;
    }
    st = brink_buf_append(b, run, (size_t)(p - run));
    if (!st) st = brink_buf_puts(b, ent);
    run = p + 1;
  }
  if (!st) st = brink_buf_puts(b, run);
  return st;
}

static brink_status exact(brink_buf *b, const char *attr, double v) {
  brink_status st = brink_buf_printf(b, " %s=\"", attr);
  if (!st) st = brink_buf_json_number(b, v);
  if (!st) st = brink_buf_putc(b, '"');
  return st;
}

/* A table cell "8.10 [7.70, 8.50]" with the exact values in data- attributes. */
static brink_status estimate_cell(brink_buf *b, const brink_estimate *e, double scale, int decimals,
                                  int sign, int mark_sig) {
  char m[48], lo[48], hi[48];
  brink__report_fixed(e->mean, scale, decimals, sign, m, sizeof m);
  brink__report_fixed(e->lo, scale, decimals, sign, lo, sizeof lo);
  brink__report_fixed(e->hi, scale, decimals, sign, hi, sizeof hi);
  int sig = mark_sig && (e->lo > 0 || e->hi < 0);
  brink_status st = brink_buf_printf(b, "<td class=\"num%s\"", sig ? " sig" : "");
  if (!st) st = exact(b, "data-mean", e->mean);
  if (!st) st = exact(b, "data-lo", e->lo);
  if (!st) st = exact(b, "data-hi", e->hi);
  if (!st) st = brink_buf_printf(b, ">%s <span class=\"ci\">[%s, %s]</span></td>", m, lo, hi);
  return st;
}

static const char *step_word(const brink_result *res) { return res->step[0] ? res->step : "step"; }

/* Receives the chart's SVG from cairo as it is written and appends it base64-encoded, a slice
 * at a time: cairo hands over the whole document in one call when the surface finishes. */
typedef struct svg_sink {
  page *pg;
  brink__base64 enc;
} svg_sink;

static brink_status svg_to_base64(void *closure, const unsigned char *data, size_t len) {
  svg_sink *s = closure;
  brink_status st = BRINK_OK;
  while (!st && len) {
    size_t n = len < SPILL_BYTES ? len : SPILL_BYTES;
    st = brink__report_base64_feed(&s->enc, s->pg->b, data, n);
    if (!st) st = spill(s->pg, SPILL_BYTES);
    data += n;
    len -= n;
  }
  return st;
}

static brink_status chart_figure(page *pg, const brink_result *res, brink_chart_kind kind,
                                 const brink_observed *obs, const char *alt, const char *caption) {
  brink_buf *b = pg->b;
  svg_sink sink;
  memset(&sink, 0, sizeof sink);
  sink.pg = pg;
  brink_chart_options co;
  memset(&co, 0, sizeof co);
  co.kind = kind;
  co.format = BRINK_CHART_SVG;
  co.observed = obs;
  if (kind == BRINK_CHART_CONFLICT || kind == BRINK_CHART_PROVOCATIONS) {
    co.width = 1000;
    co.height = 480;
  }
  brink_status st =
      brink_buf_printf(b, "<figure id=\"chart-%s\"><img alt=\"", brink_chart_kind_name(kind));
  if (!st) st = esc(b, alt);
  if (!st) st = brink_buf_puts(b, "\" src=\"data:image/svg+xml;base64,");
  if (!st) st = brink__chart_render_to(pg->ctx, res, &co, svg_to_base64, &sink);
  if (!st) st = brink__report_base64_end(&sink.enc, b);
  if (!st) st = brink_buf_puts(b, "\"><figcaption>");
  if (!st) st = esc(b, caption);
  if (!st) st = brink_buf_puts(b, "</figcaption></figure>\n");
  if (!st) st = spill(pg, SPILL_BYTES);
  return st;
}

static brink_status comparison_table(page *pg, const brink_result *res) {
  brink_buf *b = pg->b;
  brink_status st =
      brink_buf_printf(b,
                       "<div class=\"wide\"><table id=\"comparison\"><thead><tr><th>Policy</th>"
                       "<th>P(armed conflict) by %s %.0f, %%</th><th>P(armed clash), %%</th>"
                       "<th>Provocations per run (count)</th><th>sd</th><th>P(talks), %%</th>"
                       "<th>Median time to talks (",
                       step_word(res), res->horizon);
  if (!st) st = esc(b, step_word(res));
  if (!st) st = brink_buf_puts(b, "s)</th><th>Runs reaching talks</th></tr></thead><tbody>\n");
  for (size_t i = 0; !st && i < res->n_policies; i++) {
    const brink_result_policy *p = &res->policies[i];
    char sd[48], n[48];
    st = brink_buf_puts(b, "<tr><th scope=\"row\">");
    if (!st) st = esc(b, p->name);
    if (!st) st = brink_buf_puts(b, "</th>");
    if (!st) st = estimate_cell(b, &p->p_armed_conflict, 100, 2, 0, 0);
    if (!st) st = estimate_cell(b, &p->p_clash, 100, 2, 0, 0);
    if (!st) st = estimate_cell(b, &p->provocations, 1, 2, 0, 0);
    brink__report_fixed(p->provocations_sd, 1, 2, 0, sd, sizeof sd);
    if (!st) st = brink_buf_printf(b, "<td class=\"num\">%s</td>", sd);
    if (!st) st = estimate_cell(b, &p->p_talks, 100, 2, 0, 0);
    if (!st) st = estimate_cell(b, &p->time_to_talks, 1, 1, 0, 0);
    brink__report_fixed(p->time_to_talks_n, 1, 0, 0, n, sizeof n);
    if (!st) st = brink_buf_printf(b, "<td class=\"num\">%s</td></tr>\n", n);
    if (!st) st = spill(pg, SPILL_BYTES);
  }
  if (!st)
    st = brink_buf_printf(b,
                          "</tbody><caption>%.0f runs per policy (common random numbers); "
                          "mean [%g%% confidence interval]; probabilities in %%, Wilson "
                          "intervals; provocations: military actions of the behavioural actors "
                          "per run; time to talks among the runs that reached talks (n/a: "
                          "none did).</caption></table></div>\n",
                          res->runs, res->confidence * 100);
  return st;
}

/* The policies' descriptions, below the table so that its columns stay narrow. */
static brink_status policies_list(page *pg, const brink_result *res) {
  brink_buf *b = pg->b;
  brink_status st = brink_buf_puts(b, "<dl id=\"policies\">\n");
  for (size_t i = 0; !st && i < res->n_policies; i++) {
    const brink_result_policy *p = &res->policies[i];
    st = brink_buf_puts(b, "<dt>");
    if (!st) st = esc(b, p->name);
    if (!st) st = brink_buf_puts(b, "</dt><dd>");
    if (!st) st = esc(b, p->description[0] ? p->description : "(no description)");
    if (!st) st = brink_buf_puts(b, "</dd>\n");
    if (!st) st = spill(pg, SPILL_BYTES);
  }
  if (!st) st = brink_buf_puts(b, "</dl>\n");
  return st;
}

static brink_status differences_table(page *pg, const brink_result *res) {
  brink_buf *b = pg->b;
  if (res->n_differences == 0)
    return brink_buf_puts(b, "<p>No pairwise differences in the result.</p>\n");
  brink_status st = brink_buf_puts(
      b, "<div class=\"wide\"><table id=\"differences\"><thead><tr><th>Policy a</th><th>minus "
         "policy b</th>"
         "<th>&Delta; P(armed conflict), pp</th><th>&Delta; provocations per run</th>"
         "<th>&Delta; P(talks), pp</th></tr></thead><tbody>\n");
  for (size_t i = 0; !st && i < res->n_differences; i++) {
    const brink_result_difference *d = &res->differences[i];
    st = brink_buf_puts(b, "<tr><td>");
    if (!st) st = esc(b, d->a);
    if (!st) st = brink_buf_puts(b, "</td><td>");
    if (!st) st = esc(b, d->b);
    if (!st) st = brink_buf_puts(b, "</td>");
    if (!st) st = estimate_cell(b, &d->p_armed_conflict, 100, 2, 1, 1);
    if (!st) st = estimate_cell(b, &d->provocations, 1, 2, 1, 1);
    if (!st) st = estimate_cell(b, &d->p_talks, 100, 2, 1, 1);
    if (!st) st = brink_buf_puts(b, "</tr>\n");
    if (!st) st = spill(pg, SPILL_BYTES);
  }
  if (!st)
    st = brink_buf_printf(b,
                          "</tbody><caption>a minus b, paired over the same %.0f random "
                          "streams; pp: percentage points; mean [%g%% confidence interval]; "
                          "bold: the interval excludes 0.</caption></table></div>\n",
                          res->runs, res->confidence * 100);
  return st;
}

static brink_status assumptions_table(page *pg, const brink_result *res) {
  brink_buf *b = pg->b;
  if (res->n_assumptions == 0)
    return brink_buf_puts(b, "<p>No assumptions listed in the result.</p>\n");
  brink_status st = brink_buf_puts(
      b, "<div class=\"wide\"><table "
         "id=\"assumptions\"><thead><tr><th>Parameter</th><th>Distribution</th>"
         "<th>Value or parameters</th><th>Unit</th><th>Meaning</th></tr></thead><tbody>\n");
  for (size_t i = 0; !st && i < res->n_assumptions; i++) {
    const brink_assumption *a = &res->assumptions[i];
    st = brink_buf_puts(b, "<tr><td><code>");
    if (!st) st = esc(b, a->name);
    if (!st) st = brink_buf_puts(b, "</code></td><td>");
    if (!st) st = esc(b, a->dist);
    if (!st) st = brink_buf_puts(b, "</td><td>");
    for (size_t k = 0; !st && k < a->n_fields; k++) {
      if (k) st = brink_buf_puts(b, ", ");
      if (!st) st = esc(b, a->field_names[k]);
      if (!st) st = brink_buf_puts(b, " = ");
      if (!st) st = esc(b, a->field_values[k]);
    }
    if (!st) st = brink_buf_puts(b, "</td><td>");
    if (!st) st = esc(b, a->unit);
    if (!st) st = brink_buf_puts(b, "</td><td>");
    if (!st) st = esc(b, a->doc);
    if (!st) st = brink_buf_puts(b, "</td></tr>\n");
    if (!st) st = spill(pg, SPILL_BYTES);
  }
  if (!st) st = brink_buf_puts(b, "</tbody></table></div>\n");
  return st;
}

static brink_status meta_row(brink_buf *b, const char *key, const char *value) {
  brink_status st = brink_buf_printf(b, "<dt>%s</dt><dd>", key);
  if (!st) st = esc(b, value[0] ? value : "(not given)");
  if (!st) st = brink_buf_puts(b, "</dd>\n");
  return st;
}

static brink_status meta_list(page *pg, const brink_result *res, const char *source) {
  brink_buf *b = pg->b;
  char num[64];
  brink_status st = brink_buf_puts(b, "<dl id=\"run\">\n");
  if (!st) st = meta_row(b, "brink version", res->version);
  if (!st) st = meta_row(b, "scenario", res->scenario);
  if (!st) st = meta_row(b, "scenario file", res->scenario_file);
  snprintf(num, sizeof num, "%.0f", res->seed);
  if (!st) st = meta_row(b, "seed", num);
  if (!st) st = meta_row(b, "random generator", res->rng);
  snprintf(num, sizeof num, "%.0f per policy", res->runs);
  if (!st) st = meta_row(b, "runs", num);
  snprintf(num, sizeof num, "%.0f %ss", res->horizon, step_word(res));
  if (!st) st = meta_row(b, "horizon", num);
  if (!st) st = meta_row(b, "start (step 0)", res->start);
  snprintf(num, sizeof num, "%g%%", res->confidence * 100);
  if (!st) st = meta_row(b, "confidence level", num);
  if (!st) st = brink_buf_puts(b, "<dt>overrides (--set)</dt><dd>");
  for (size_t i = 0; !st && i < res->n_overrides; i++) {
    st = brink_buf_puts(b, i ? ", <code>" : "<code>");
    if (!st) st = esc(b, res->overrides[i]);
    if (!st) st = brink_buf_puts(b, "</code>");
    if (!st) st = spill(pg, SPILL_BYTES);
  }
  if (!st && res->n_overrides == 0) st = brink_buf_puts(b, "none");
  if (!st) st = brink_buf_puts(b, "</dd>\n<dt>scenario sources</dt><dd>");
  if (!st && res->n_sources == 0) st = brink_buf_puts(b, "none listed");
  if (!st && res->n_sources) st = brink_buf_puts(b, "<ul>");
  for (size_t i = 0; !st && i < res->n_sources; i++) {
    st = brink_buf_puts(b, "<li>");
    if (!st) st = esc(b, res->sources[i]);
    if (!st) st = brink_buf_puts(b, "</li>");
    if (!st) st = spill(pg, SPILL_BYTES);
  }
  if (!st && res->n_sources) st = brink_buf_puts(b, "</ul>");
  if (!st) st = brink_buf_puts(b, "</dd>\n");
  if (!st) st = meta_row(b, "result file", source);
  if (!st) st = brink_buf_puts(b, "</dl>\n");
  return st;
}

static brink_status html(page *pg, const brink_result *res, const brink_report_options *opts) {
  brink_ctx *ctx = pg->ctx;
  brink_buf *b = pg->b;
  const char *source = opts && opts->source_name ? opts->source_name : "result";
  const brink_observed *obs = opts ? opts->observed : NULL;
  brink_buf title;
  brink_buf_init(&title, ctx, 4096);
  brink_status st = BRINK_OK;
  if (opts && opts->title)
    st = brink_buf_puts(&title, opts->title);
  else
    st = brink_buf_printf(&title, "brink: %s", res->scenario);
  if (st) goto done;

  st = brink_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
                         "'none'; img-src data:; style-src 'unsafe-inline'\">\n"
                         "<meta name=\"viewport\" content=\"width=device-width, "
                         "initial-scale=1\">\n<title>");
  if (!st) st = esc(b, title.data);
  if (!st) st = brink_buf_printf(b, "</title>\n<style>\n%s</style></head>\n<body>\n<h1>", css);
  if (!st) st = esc(b, title.data);
  if (!st) st = brink_buf_puts(b, "</h1>\n<p class=\"sub\">Scenario <b>");
  if (!st) st = esc(b, res->scenario);
  if (!st)
    st = brink_buf_printf(b, "</b>: %zu policies, %.0f runs each, %.0f %ss", res->n_policies,
                          res->runs, res->horizon, step_word(res));
  if (!st && res->start[0]) st = brink_buf_puts(b, " from ");
  if (!st && res->start[0]) st = esc(b, res->start);
  if (!st)
    st = brink_buf_printf(b, "; seed %.0f; intervals at %g%% confidence.</p>\n", res->seed,
                          res->confidence * 100);

  if (!st) st = brink_buf_puts(b, "<h2>Comparison of policies</h2>\n");
  if (!st) st = comparison_table(pg, res);

  if (!st) st = policies_list(pg, res);
  if (!st) st = brink_buf_puts(b, "<h2>Charts</h2>\n");
  char caption[512];
  snprintf(caption, sizeof caption,
           "Cumulative probability of armed conflict by each %s, one line per policy (colour, "
           "dash and marker), shaded: %g%% confidence band; %.0f runs per policy.",
           step_word(res), res->confidence * 100, res->runs);
  if (!st)
    st = chart_figure(pg, res, BRINK_CHART_CONFLICT, NULL,
                      "Line chart: cumulative probability of armed conflict per policy", caption);
  snprintf(caption, sizeof caption,
           "Tension index per %s, one panel per policy: median line, darker band: middle 50%% "
           "of runs, lighter band: middle 90%%%s.",
           step_word(res), obs ? "; dashed black: observed tension from the events index" : "");
  if (!st)
    st = chart_figure(pg, res, BRINK_CHART_TENSION, obs,
                      "Fan charts: simulated tension index per policy", caption);
  snprintf(caption, sizeof caption,
           "Share of runs with each number of provocations (military actions of the "
           "behavioural actors) over the horizon; the tick on the axis marks the mean.");
  if (!st)
    st = chart_figure(pg, res, BRINK_CHART_PROVOCATIONS, NULL,
                      "Step chart: distribution of provocations per run, per policy", caption);

  if (!st) st = brink_buf_puts(b, "<h2>Pairwise differences</h2>\n");
  if (!st) st = differences_table(pg, res);
  if (!st) st = brink_buf_puts(b, "<h2>Assumptions</h2>\n");
  if (!st) st = assumptions_table(pg, res);
  if (!st) st = brink_buf_puts(b, "<h2>Run</h2>\n");
  if (!st) st = meta_list(pg, res, source);
  if (!st) st = brink_buf_puts(b, "<footer>Made by <code>brink report</code> ");
  if (!st) st = esc(b, BRINK_VERSION_STRING);
  if (!st) st = brink_buf_puts(b, " from ");
  if (!st) st = esc(b, source);
  if (!st)
    st = brink_buf_puts(b, ". Self-contained: no scripts, no network.</footer>\n"
                           "</body></html>\n");
  if (!st) st = spill(pg, 0);
done:
  brink_buf_release(&title);
  return st;
}

brink_status brink_report_html(brink_ctx *ctx, const brink_result *res,
                               const brink_report_options *opts, brink_buf *out) {
  size_t start = out->len;
  page pg = {ctx, out, NULL};
  brink_status st = html(&pg, res, opts);
  if (st) {
    out->len = start;
    if (out->cap) out->data[start] = '\0';
  }
  return st;
}

brink_status brink_report_html_stream(brink_ctx *ctx, const brink_result *res,
                                      const brink_report_options *opts, FILE *stream) {
  brink_buf b;
  brink_buf_init(&b, ctx, 0);
  page pg = {ctx, &b, stream};
  brink_status st = html(&pg, res, opts);
  brink_buf_release(&b);
  return st;
}

brink_status brink_report_write_html(brink_ctx *ctx, const char *result_json, size_t len,
                                     const brink_report_options *opts, brink_buf *out) {
  brink_result *res = NULL;
  brink_status st = brink_result_parse(
      ctx, result_json, len, opts && opts->source_name ? opts->source_name : "result", &res);
  if (!st) st = brink_report_html(ctx, res, opts, out);
  brink_result_free(res);
  return st;
}
