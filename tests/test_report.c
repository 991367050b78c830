/* SPDX-License-Identifier: MIT */
/* Tests of the report module: JSON result -> struct, errors with line:col, charts (pixels of
 * the PNG, SVG and PDF headers), the HTML's numbers against an independent reading of the
 * JSON, escaping, allocation failures. With "--png-stats FILE" it prints the share of
 * non-white and of coloured pixels of a PNG (used by tests/cli_report.sh on the headless
 * browser's screenshot). */
#define _POSIX_C_SOURCE 200809L
#include <cairo.h>
#include <stdint.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brink/report.h"
#include "harness.h"
#include "report_internal.h"

#define FIXTURE BRINK_SOURCE_DIR "/tests/data/report/korea-2022.json"
#define OBSERVED BRINK_SOURCE_DIR "/tests/data/report/observed.csv"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
    free(s);
    s = NULL;
  }
  if (s) s[n] = '\0';
  fclose(f);
  if (len) *len = (size_t)n;
  return s;
}

/* ---- An independent reading of the fixture: plain string search, no libfyaml ------------- */

typedef struct literal {
  char text[64]; /* the number exactly as written in the JSON */
  double value;
} literal;

/* After from, the literal after "key": ; returns the position after it. */
static const char *read_literal(const char *from, const char *key, literal *out) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(from, pat);
  if (!p) return NULL;
  p += strlen(pat);
  while (*p == ' ' || *p == '\n') p++;
  size_t n = strcspn(p, ",}\n ");
  if (n >= sizeof out->text) return NULL;
  memcpy(out->text, p, n);
  out->text[n] = '\0';
  out->value = strtod(out->text, NULL);
  return p + n;
}

/* The k-th (0-based) occurrence of "key": { ... mean, lo, hi. */
static int nth_estimate(const char *json, const char *key, size_t k, literal e[3]) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\": {", key);
  const char *p = json;
  for (size_t i = 0; i <= k; i++) {
    p = strstr(p, pat);
    if (!p) return -1;
    p += strlen(pat);
  }
  const char *q = read_literal(p, "mean", &e[0]);
  if (q) q = read_literal(q, "lo", &e[1]);
  if (q) q = read_literal(q, "hi", &e[2]);
  return q ? 0 : -1;
}

static void fmt(double v, double scale, int sign, char *out, size_t size) {
  snprintf(out, size, sign ? "%+.2f" : "%.2f", v * scale);
  if (!strcmp(out, "-0.00") || !strcmp(out, "+0.00")) snprintf(out, size, "0.00");
}

/* ---- JSON -> struct ------------------------------------------------------------------------ */

static void test_parse_fixture(void) {
  brink_ctx *ctx = NULL;
  brink_result *r = NULL;
  size_t len = 0;
  char *json = slurp(FIXTURE, &len);
  CHECK(json != NULL);
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  CHECK_INT(brink_result_load(ctx, FIXTURE, &r), BRINK_OK);
  if (!r || !json) goto done;
  CHECK_STR(r->version, "0.1.0");
  CHECK_STR(r->scenario, "korea-2022");
  CHECK_STR(r->scenario_file, "scenarios/korea/2022.yaml");
  CHECK_STR(r->rng, "philox4x32-10");
  CHECK_STR(r->step, "week");
  CHECK_STR(r->start, "2022-11-07");
  CHECK_NEAR(r->seed, 1, 0);
  CHECK_NEAR(r->runs, 20000, 0);
  CHECK_NEAR(r->horizon, 104, 0);
  CHECK_NEAR(r->confidence, 0.95, 0);
  CHECK_INT(r->n_overrides, 1);
  CHECK_STR(r->overrides[0], "params.dprk_greed=0.4");
  CHECK_INT(r->n_sources, 2);
  CHECK_INT(r->n_assumptions, 5);
  CHECK_STR(r->assumptions[0].name, "dprk_greed");
  CHECK_STR(r->assumptions[0].dist, "beta");
  CHECK_INT(r->assumptions[0].n_fields, 4);
  CHECK_STR(r->assumptions[0].field_names[1], "b");
  CHECK_STR(r->assumptions[0].field_values[1], "3");
  CHECK_STR(r->assumptions[4].field_names[0], "value");
  CHECK_STR(r->assumptions[4].field_values[0], "-0.5");
  CHECK_INT(r->n_policies, 5);
  CHECK_INT(r->n_differences, 10);
  for (size_t i = 0; i < r->n_policies; i++) {
    const brink_result_policy *p = &r->policies[i];
    literal e[3];
    CHECK_INT(nth_estimate(json, "p_armed_conflict", i, e), 0);
    CHECK_NEAR(p->p_armed_conflict.mean, e[0].value, 0);
    CHECK_NEAR(p->p_armed_conflict.lo, e[1].value, 0);
    CHECK_NEAR(p->p_armed_conflict.hi, e[2].value, 0);
    CHECK_INT(nth_estimate(json, "p_talks", i, e), 0);
    CHECK_NEAR(p->p_talks.mean, e[0].value, 0);
    CHECK_INT(p->n_curve, 104);
    /* The curve ends at the probability by the horizon. */
    CHECK_NEAR(p->curve[p->n_curve - 1].mean, p->p_armed_conflict.mean, 0);
    CHECK_INT(p->n_quantiles, 5);
    CHECK_NEAR(p->quantiles[2], 0.5, 0);
    CHECK_INT(p->n_tension, 104);
    double runs = 0;
    for (size_t k = 0; k < p->n_hist; k++) runs += p->hist_counts[k];
    CHECK_NEAR(runs, 20000, 0); /* every run lands in one bin */
    CHECK_NEAR(p->hist_bin_width, 1, 0);
    CHECK_STR(p->time_to_talks_unit, "steps");
    CHECK_STR(p->tension_unit, "Goldstein net conflict per step");
    CHECK(p->provocations_sd > 0);
  }
  CHECK_STR(r->policies[0].name, "maximum_pressure");
  CHECK_STR(r->policies[4].name, "consult_beijing");
  CHECK_NEAR(r->policies[0].time_to_talks.mean, 48, 0);
  CHECK_NEAR(r->policies[0].time_to_talks_n, 1200, 0);
  CHECK_NEAR(r->policies[0].tension[0 * 5 + 2], 6.07, 0); /* steps[0][2], read by hand */
  CHECK_NEAR(r->policies[0].tension[0 * 5 + 4], 10.433, 0);
  CHECK_STR(r->differences[0].a, "maximum_pressure");
  CHECK_STR(r->differences[0].b, "proactive_diplomacy");
  CHECK_NEAR(r->differences[0].p_armed_conflict.mean, 0.029, 1e-12);
  CHECK_INT(brink_result_policy_index(r, "consult_beijing"), 4);
  CHECK_INT(brink_result_policy_index(r, "nope"), -1);
  CHECK_NEAR(brink_result_curve_step(r, &r->policies[0], 0), 1, 0); /* 104 points: from 1 */
done:
  brink_result_free(r);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
  free(json);
}

/* Line:col of the first occurrence of needle in text (1-based). */
static void where(const char *text, const char *needle, int *line, int *col) {
  const char *at = strstr(text, needle);
  *line = 1;
  *col = 1;
  for (const char *p = text; at && p < at; p++) {
    if (*p == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

static char *replace(const char *text, const char *from, const char *to) {
  const char *at = strstr(text, from);
  if (!at) return NULL;
  size_t n = strlen(text) - strlen(from) + strlen(to);
  char *s = malloc(n + 1);
  size_t pre = (size_t)(at - text);
  memcpy(s, text, pre);
  memcpy(s + pre, to, strlen(to));
  strcpy(s + pre + strlen(to), at + strlen(from));
  return s;
}

static void expect_error(const char *text, brink_status code, const char *needle) {
  brink_ctx *ctx = NULL;
  brink_result *r = NULL;
  brink_ctx_new(&ctx);
  brink_status st = brink_result_parse(ctx, text, strlen(text), "t.json", &r);
  CHECK_INT(st, code);
  CHECK(r == NULL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), needle);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static void test_errors(void) {
  char msg[256];
  int line, col;
  char *json = slurp(FIXTURE, NULL);
  CHECK(json != NULL);
  if (!json) return;
  /* A value of the wrong type, reported where it is. */
  char *bad = replace(json, "\"runs\": 20000", "\"runs\": \"many\"");
  where(bad, "\"many\"", &line, &col);
  snprintf(msg, sizeof msg, "t.json:%d:%d: runs: expected a number, got a string 'many'", line,
           col);
  expect_error(bad, BRINK_EPARSE, msg);
  free(bad);
  /* Deep inside: the first policy's histogram. */
  bad = replace(json, "\"bin_width\": 1", "\"bin_width\": [1]");
  where(bad, "[1]", &line, &col);
  snprintf(msg, sizeof msg,
           "t.json:%d:%d: policies[0].provocations_hist.bin_width: expected a number, got an "
           "array",
           line, col);
  expect_error(bad, BRINK_EPARSE, msg);
  free(bad);
  /* A plain scalar where a string belongs. */
  bad = replace(json, "\"scenario\": \"korea-2022\"", "\"scenario\": 2022");
  where(bad, "2022,", &line, &col);
  snprintf(msg, sizeof msg, "t.json:%d:%d: scenario: expected a string, got a number '2022'", line,
           col);
  expect_error(bad, BRINK_EPARSE, msg);
  free(bad);
  /* A missing key, reported at its object. */
  bad = replace(json, "\"p_clash\"", "\"p_clash_renamed\"");
  expect_error(bad, BRINK_EPARSE, "policies[0]: missing key 'p_clash'");
  free(bad);
  /* lo > hi. */
  bad = replace(json, "\"mean\": 0.081", "\"mean\": 0.9");
  expect_error(bad, BRINK_EPARSE, "expected lo <= mean <= hi");
  free(bad);
  /* Syntax errors with their line. */
  expect_error("{\"version\": \"0.1.0\",\n \"runs\": [1, 2,,]}", BRINK_EPARSE, "t.json:2:");
  expect_error("{\"version\": \"0.1.0\",\n\n \"runs\": 1", BRINK_EPARSE, "invalid JSON");
  expect_error("", BRINK_EPARSE, "t.json:1:1: empty input");
  expect_error("  \n [1, 2]", BRINK_EPARSE, "t.json:2:2: not JSON");
  expect_error("{\"a\": \"\xff\"}", BRINK_EPARSE, "t.json:1:8: invalid UTF-8 (byte 0xff)");
  expect_error("{\"version\": \"1\"}", BRINK_EPARSE, "t.json:1:1: missing key 'scenario'");
  char deep[300];
  size_t n = 0;
  deep[n++] = '{';
  memcpy(deep + n, "\"a\":", 4);
  n += 4;
  for (int i = 0; i < 100; i++) deep[n++] = '[';
  deep[n] = '\0';
  expect_error(deep, BRINK_ELIMIT, "nesting deeper than 64 levels");
  free(json);

  brink_ctx *ctx = NULL;
  brink_result *r = NULL;
  brink_ctx_new(&ctx);
  CHECK_INT(brink_result_load(ctx, "/nonexistent/r.json", &r), BRINK_EIO);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "cannot open '/nonexistent/r.json'");
  brink_ctx_free(ctx);
}

/* ---- Charts ---------------------------------------------------------------------------------- */

typedef struct reader_state {
  const unsigned char *data;
  size_t len, pos;
} reader_state;

static cairo_status_t read_png(void *closure, unsigned char *data, unsigned int length) {
  reader_state *s = closure;
  if (s->len - s->pos < length) return CAIRO_STATUS_READ_ERROR;
  memcpy(data, s->data + s->pos, length);
  s->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

typedef struct png_stats {
  int width, height;
  double nonwhite, colour; /* shares of pixels */
} png_stats;

static int stats_of(cairo_surface_t *img, png_stats *out) {
  if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) return -1;
  cairo_surface_flush(img);
  int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
  int stride = cairo_image_surface_get_stride(img);
  const unsigned char *px = cairo_image_surface_get_data(img);
  cairo_format_t f = cairo_image_surface_get_format(img);
  if (f != CAIRO_FORMAT_ARGB32 && f != CAIRO_FORMAT_RGB24) return -1;
  size_t nonwhite = 0, colour = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      uint32_t v;
      memcpy(&v, px + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
      int r = (int)(v >> 16 & 255), g = (int)(v >> 8 & 255), b = (int)(v & 255);
      int a = f == CAIRO_FORMAT_ARGB32 ? (int)(v >> 24) : 255;
      if (a > 0 && (r < 245 || g < 245 || b < 245)) nonwhite++;
      int mx = r > g ? (r > b ? r : b) : (g > b ? g : b),
          mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
      if (a > 0 && mx - mn > 40) colour++;
    }
  out->width = w;
  out->height = h;
  out->nonwhite = (double)nonwhite / ((double)w * (double)h);
  out->colour = (double)colour / ((double)w * (double)h);
  return 0;
}

static int png_stats_of(const brink_buf *png, png_stats *out) {
  reader_state s = {(const unsigned char *)png->data, png->len, 0};
  cairo_surface_t *img = cairo_image_surface_create_from_png_stream(read_png, &s);
  int rc = stats_of(img, out);
  cairo_surface_destroy(img);
  return rc;
}

/* Policy names of 255 bytes and more once overflowed text_fit's buffer (issue 19, defect 3:
 * found by ASan, which this test runs under in `make test-asan`). */
static void test_chart_long_names(void) {
  brink_ctx *ctx = NULL;
  brink_result *r = NULL;
  brink_ctx_new(&ctx);
  CHECK_INT(brink_result_load(ctx, FIXTURE, &r), BRINK_OK);
  if (!r) goto done;
  static const size_t lengths[] = {254, 255, 256, 300, 4000};
  for (size_t l = 0; l < BRINK_ARRAY_LEN(lengths); l++) {
    char *name = brink_malloc(ctx, lengths[l] + 1);
    if (!name) break;
    for (size_t i = 0; i < lengths[l]; i++)
      name[i] = (i % 3 == 2) ? '\xa9' : (i % 3) ? '\xc2' : 'w';
    if (lengths[l] % 3 == 2) name[lengths[l] - 1] = 'x'; /* no lone UTF-8 lead byte */
    name[lengths[l]] = '\0';
    char *old = r->policies[0].name;
    r->policies[0].name = name;
    brink_chart_kind kinds[] = {BRINK_CHART_CONFLICT, BRINK_CHART_TENSION,
                                BRINK_CHART_PROVOCATIONS};
    for (size_t k = 0; k < 3; k++) {
      brink_buf b;
      brink_buf_init(&b, ctx, 0);
      brink_chart_options o;
      memset(&o, 0, sizeof o);
      o.kind = kinds[k];
      o.format = BRINK_CHART_SVG;
      CHECK_INT(brink_chart_render(ctx, r, &o, &b), BRINK_OK);
      CHECK(b.len > 100 && strstr(b.data, "<svg") != NULL);
      brink_buf_release(&b);
    }
    r->policies[0].name = old;
    brink_free(ctx, name);
  }
done:
  brink_result_free(r);
  brink_ctx_free(ctx);
}

static void test_charts(void) {
  brink_ctx *ctx = NULL;
  brink_result *r = NULL;
  brink_observed *obs = NULL;
  brink_ctx_new(&ctx);
  CHECK_INT(brink_result_load(ctx, FIXTURE, &r), BRINK_OK);
  CHECK_INT(brink_observed_load(ctx, OBSERVED, &obs), BRINK_OK);
  if (!r || !obs) goto done;
  brink_chart_kind kinds[] = {BRINK_CHART_CONFLICT, BRINK_CHART_TENSION, BRINK_CHART_PROVOCATIONS};
  for (size_t k = 0; k < 3; k++) {
    brink_buf b;
    brink_buf_init(&b, ctx, 0);
    brink_chart_options o;
    memset(&o, 0, sizeof o);
    o.kind = kinds[k];
    o.format = BRINK_CHART_PNG;
    o.width = 640;
    o.height = 400;
    o.observed = kinds[k] == BRINK_CHART_TENSION ? obs : NULL;
    CHECK_INT(brink_chart_render(ctx, r, &o, &b), BRINK_OK);
    png_stats s = {0, 0, 0, 0};
    CHECK_INT(png_stats_of(&b, &s), 0);
    CHECK_INT(s.width, 640);
    CHECK_INT(s.height, 400);
    /* Drawn: text, axes, lines, bands; coloured: the policies' lines and bands. */
    CHECK(s.nonwhite > 0.03);
    CHECK(s.colour > 0.005);
    CHECK(s.nonwhite < 0.9);
    /* One policy draws less colour than five. */
    brink_buf one;
    brink_buf_init(&one, ctx, 0);
    o.policy = "reciprocal_restraint";
    CHECK_INT(brink_chart_render(ctx, r, &o, &one), BRINK_OK);
    png_stats s1 = {0, 0, 0, 0};
    CHECK_INT(png_stats_of(&one, &s1), 0);
    CHECK(s1.colour > 0.001);
    if (kinds[k] != BRINK_CHART_TENSION) CHECK(s1.colour < s.colour);
    brink_buf_release(&one);

    brink_buf_reset(&b);
    o.policy = NULL;
    o.format = BRINK_CHART_SVG;
    CHECK_INT(brink_chart_render(ctx, r, &o, &b), BRINK_OK);
    CHECK(strncmp(b.data, "<?xml", 5) == 0);
    CHECK(strstr(b.data, "<svg") != NULL);
    CHECK(strstr(b.data, "</svg>") != NULL);
    CHECK(strstr(b.data, "width=\"640px\"") != NULL);
    brink_buf_reset(&b);
    o.format = BRINK_CHART_PDF;
    CHECK_INT(brink_chart_render(ctx, r, &o, &b), BRINK_OK);
    CHECK(b.len > 1000 && strncmp(b.data, "%PDF-", 5) == 0);
    brink_buf_release(&b);
  }
  /* Errors leave the buffer as it was. */
  brink_buf b;
  brink_buf_init(&b, ctx, 0);
  brink_buf_puts(&b, "keep");
  brink_chart_options o;
  memset(&o, 0, sizeof o);
  o.policy = "no_such_policy";
  CHECK_INT(brink_chart_render(ctx, r, &o, &b), BRINK_ENOTFOUND);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "no policy 'no_such_policy'");
  o.policy = NULL;
  o.width = 50;
  CHECK_INT(brink_chart_render(ctx, r, &o, &b), BRINK_EINVAL);
  CHECK_STR(b.data, "keep");
  brink_buf_release(&b);
  brink_chart_kind kind;
  CHECK_INT(brink_chart_kind_parse(ctx, "tension", &kind), BRINK_OK);
  CHECK_INT(kind, BRINK_CHART_TENSION);
  CHECK_INT(brink_chart_kind_parse(ctx, "pie", &kind), BRINK_EINVAL);
  brink_chart_format format;
  CHECK_INT(brink_chart_format_parse(ctx, "pdf", &format), BRINK_OK);
  CHECK_INT(format, BRINK_CHART_PDF);
  CHECK_INT(brink_chart_format_parse(ctx, "gif", &format), BRINK_EINVAL);
done:
  brink_observed_free(obs);
  brink_result_free(r);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* ---- HTML ------------------------------------------------------------------------------------ */

/* The table row that starts with the header cell of name; NULL-terminated copy, caller frees. */
static char *row_of(const char *html, const char *table_id, const char *first_cell) {
  char pat[256];
  snprintf(pat, sizeof pat, "<table id=\"%s\"", table_id);
  const char *t = strstr(html, pat);
  if (!t) return NULL;
  const char *row = strstr(t, first_cell);
  if (!row) return NULL;
  const char *end = strstr(row, "</tr>");
  if (!end) return NULL;
  size_t n = (size_t)(end - row);
  char *s = malloc(n + 1);
  memcpy(s, row, n);
  s[n] = '\0';
  return s;
}

static void check_cell(const char *row, const literal e[3], double scale, int sign) {
  char m[32], lo[32], hi[32], cell[256];
  fmt(e[0].value, scale, sign, m, sizeof m);
  fmt(e[1].value, scale, sign, lo, sizeof lo);
  fmt(e[2].value, scale, sign, hi, sizeof hi);
  snprintf(cell, sizeof cell, ">%s <span class=\"ci\">[%s, %s]</span></td>", m, lo, hi);
  CHECK_CONTAINS(row, cell);
  snprintf(cell, sizeof cell, "data-mean=\"%s\" data-lo=\"%s\" data-hi=\"%s\"", e[0].text,
           e[1].text, e[2].text);
  CHECK_CONTAINS(row, cell);
}

static void test_html_numbers(void) {
  brink_ctx *ctx = NULL;
  size_t len = 0;
  char *json = slurp(FIXTURE, &len);
  brink_buf html;
  brink_ctx_new(&ctx);
  brink_buf_init(&html, ctx, 0);
  CHECK(json != NULL);
  if (!json) goto done;
  brink_report_options ro = {NULL, "korea-2022.json", NULL};
  CHECK_INT(brink_report_write_html(ctx, json, len, &ro, &html), BRINK_OK);
  static const char *const names[] = {"maximum_pressure", "proactive_diplomacy",
                                      "reciprocal_restraint", "pressure_plus_diplomacy",
                                      "consult_beijing"};
  for (size_t i = 0; i < 5; i++) {
    char first[128];
    snprintf(first, sizeof first, "<th scope=\"row\">%s", names[i]);
    char *row = row_of(html.data, "comparison", first);
    CHECK(row != NULL);
    if (!row) continue;
    literal e[3];
    CHECK_INT(nth_estimate(json, "p_armed_conflict", i, e), 0);
    check_cell(row, e, 100, 0);
    CHECK_INT(nth_estimate(json, "p_clash", i, e), 0);
    check_cell(row, e, 100, 0);
    CHECK_INT(nth_estimate(json, "provocations", i, e), 0);
    check_cell(row, e, 1, 0);
    CHECK_INT(nth_estimate(json, "p_talks", i, e), 0);
    check_cell(row, e, 100, 0);
    free(row);
  }
  /* Differences: the 10 pairs in order, in percentage points with a sign. */
  const char *p = strstr(json, "\"differences\"");
  CHECK(p != NULL);
  for (size_t k = 0; p && k < 10; k++) {
    literal a, b, e[3];
    p = read_literal(p, "a", &a);
    if (p) p = read_literal(p, "b", &b);
    CHECK(p != NULL);
    if (!p) break;
    char first[160];
    snprintf(first, sizeof first, "<tr><td>%.*s</td><td>%.*s</td>", (int)strlen(a.text) - 2,
             a.text + 1, (int)strlen(b.text) - 2, b.text + 1);
    char *row = row_of(html.data, "differences", first);
    CHECK(row != NULL);
    const char *q = strstr(p, "\"p_armed_conflict\": {");
    if (q) q = read_literal(q, "mean", &e[0]);
    if (q) q = read_literal(q, "lo", &e[1]);
    if (q) q = read_literal(q, "hi", &e[2]);
    CHECK(q != NULL);
    if (row && q) check_cell(row, e, 100, 1);
    free(row);
  }
  /* Metadata and assumptions. */
  CHECK_CONTAINS(html.data, "<dt>seed</dt><dd>1</dd>");
  CHECK_CONTAINS(html.data, "<dt>runs</dt><dd>20000 per policy</dd>");
  CHECK_CONTAINS(html.data, "<dt>random generator</dt><dd>philox4x32-10</dd>");
  CHECK_CONTAINS(html.data, "<code>params.dprk_greed=0.4</code>");
  CHECK_CONTAINS(html.data, "<td><code>dprk_greed</code></td><td>beta</td><td>a = 2, b = 3, lo "
                            "= 0, hi = 1</td><td>probability</td>");
  CHECK_CONTAINS(html.data, "Pre-emptive diplomacy: the only way out");
  /* Self-contained: three charts as data: URIs, nothing fetched. */
  size_t images = 0;
  for (const char *s = html.data; (s = strstr(s, "src=\"")) != NULL; s += 5) {
    CHECK(strncmp(s + 5, "data:image/svg+xml;base64,", 26) == 0);
    images++;
  }
  CHECK_INT(images, 3);
  static const char *const banned[] = {"http://", "https://", "<script", "@import", "url(",
                                       "<link",   "<iframe",  "<object", "//fonts."};
  for (size_t i = 0; i < BRINK_ARRAY_LEN(banned); i++) CHECK(strstr(html.data, banned[i]) == NULL);
  /* Text from the JSON has its slashes escaped (OWASP), so the sources' URLs are text. */
  CHECK_CONTAINS(html.data, "<li>https:&#47;&#47;www.csis.org&#47;analysis&#47;");
done:
  brink_buf_release(&html);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
  free(json);
}

static const char mini[] =
    "{\"version\": \"0.1.0\", \"scenario\": \"<b>x</b>\", \"seed\": 3, \"runs\": 100, "
    "\"horizon\": 2, \"step\": \"week\", \"start\": null, \"confidence\": 0.9,"
    " \"sources\": [\"a & b\"],"
    " \"assumptions\": [{\"name\": \"p\", \"dist\": \"choice\", \"values\": [1, 2], \"doc\": "
    "\"'q'\"}],"
    " \"policies\": [{\"name\": \"<script>alert(1)</script>\", \"description\": \"\\\"d\\\" & "
    "e\","
    " \"p_armed_conflict\": {\"mean\": 0.5, \"lo\": 0.4, \"hi\": 0.6},"
    " \"p_armed_conflict_curve\": [{\"mean\": 0.25, \"lo\": 0.2, \"hi\": 0.3}, {\"mean\": 0.5, "
    "\"lo\": 0.4, \"hi\": 0.6}],"
    " \"p_clash\": {\"mean\": 0.5, \"lo\": 0.4, \"hi\": 0.6},"
    " \"provocations\": {\"mean\": -0.001, \"lo\": -0.004, \"hi\": 0.002, \"sd\": 1},"
    " \"provocations_hist\": {\"bin_width\": 1, \"counts\": [50, 50]},"
    " \"p_talks\": {\"mean\": 0, \"lo\": 0, \"hi\": 0.03},"
    " \"time_to_talks\": {\"median\": null, \"lo\": null, \"hi\": null, \"n\": 0},"
    " \"tension\": {\"unit\": \"u\", \"quantiles\": [0.05, 0.25, 0.5, 0.75, 0.95], \"steps\": "
    "[[1, 2, 3, 4, 5], [2, 3, 4, 5, 6]]}}],"
    " \"differences\": [], \"timing\": {\"seconds\": 1}}";

static void test_html_escaping(void) {
  brink_ctx *ctx = NULL;
  brink_buf html;
  brink_ctx_new(&ctx);
  brink_buf_init(&html, ctx, 0);
  brink_report_options ro = {"T <i>", NULL, NULL};
  CHECK_INT(brink_report_write_html(ctx, mini, strlen(mini), &ro, &html), BRINK_OK);
  CHECK(strstr(html.data, "<script") == NULL);
  CHECK(strstr(html.data, "<b>x") == NULL);
  CHECK(strstr(html.data, "<i>") == NULL);
  CHECK_CONTAINS(html.data, "&lt;script&gt;alert(1)&lt;&#47;script&gt;");
  CHECK_CONTAINS(html.data, "&quot;d&quot; &amp; e");
  CHECK_CONTAINS(html.data, "<title>T &lt;i&gt;</title>");
  CHECK_CONTAINS(html.data, "&#39;q&#39;");
  CHECK_CONTAINS(html.data, "<li>a &amp; b</li>");
  CHECK_CONTAINS(html.data, "values = [1, 2]");
  /* -0.001 rounds to 0.00, never "-0.00"; null medians are n/a. */
  CHECK_CONTAINS(html.data, ">0.00 <span class=\"ci\">[0.00, 0.00]</span>");
  CHECK(strstr(html.data, ">-0.00") == NULL && strstr(html.data, "[-0.00") == NULL);
  CHECK(strstr(html.data, "data-lo=\"-0.004\"") != NULL); /* the exact value is kept */
  CHECK_CONTAINS(html.data, ">n/a <span class=\"ci\">[n/a, n/a]</span>");
  CHECK_CONTAINS(html.data, "No pairwise differences");
  brink_buf_release(&html);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* Every allocation through the context fails in turn: a status, no leak, out unchanged. */
static void test_alloc_failures(void) {
  brink_ctx *ctx = NULL;
  brink_ctx_new(&ctx);
  uint64_t before = brink_ctx_alloc_count(ctx);
  brink_buf html;
  brink_buf_init(&html, ctx, 0);
  CHECK_INT(brink_report_write_html(ctx, mini, strlen(mini), NULL, &html), BRINK_OK);
  uint64_t needed = brink_ctx_alloc_count(ctx) - before;
  brink_buf_release(&html);
  CHECK(needed > 10);
  int failures = 0;
  for (uint64_t n = 1; n <= needed; n++) {
    brink_buf_init(&html, ctx, 0);
    brink_ctx_fail_after(ctx, n);
    brink_status st = brink_report_write_html(ctx, mini, strlen(mini), NULL, &html);
    brink_ctx_fail_after(ctx, 0);
    if (st != BRINK_ENOMEM) failures++;
    if (html.len != 0) failures++;
    brink_buf_release(&html);
    if (brink_ctx_bytes_in_use(ctx) != 0) failures++;
  }
  CHECK_INT(failures, 0);
  brink_ctx_free(ctx);
}

/* ---- Observed series, helpers ------------------------------------------------------------------
 */

static void test_observed(void) {
  brink_ctx *ctx = NULL;
  brink_observed *o = NULL;
  brink_result *r = NULL;
  brink_ctx_new(&ctx);
  CHECK_INT(brink_observed_load(ctx, OBSERVED, &o), BRINK_OK);
  CHECK_INT(brink_result_load(ctx, FIXTURE, &r), BRINK_OK);
  if (o && r) {
    CHECK_INT(o->n, 40);
    CHECK_STR(o->period[0], "2022-W40");
    CHECK_INT(o->start[0], 20221003);
    CHECK_NEAR(o->tension[0], 6.34, 1e-12);
    /* Result starts 2022-11-07 = five weeks after 2022-10-03. */
    CHECK_NEAR(brink_observed_step(o, r, 0), -5, 1e-12);
    CHECK_NEAR(brink_observed_step(o, r, 5), 0, 1e-12);
    CHECK_NEAR(brink_observed_step(o, r, 39), 34, 1e-12);
  }
  brink_observed_free(o);
  o = NULL;
  const char no_start[] = "period,tension\n1,2.5\n2,-1\n";
  CHECK_INT(brink_observed_parse(ctx, no_start, strlen(no_start), "o.csv", &o), BRINK_OK);
  if (o && r) {
    CHECK_INT(o->n, 2);
    CHECK_NEAR(o->tension[1], -1, 0);
    CHECK_NEAR(brink_observed_step(o, r, 1), 1, 0);
  }
  brink_observed_free(o);
  o = NULL;
  const char bad1[] = "period,events\n1,2\n";
  CHECK_INT(brink_observed_parse(ctx, bad1, strlen(bad1), "o.csv", &o), BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "o.csv:1:1: header without 'tension'");
  const char bad2[] = "period,tension\n1,2\n2,abc\n";
  CHECK_INT(brink_observed_parse(ctx, bad2, strlen(bad2), "o.csv", &o), BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "o.csv:3:3: tension 'abc': expected a number");
  const char bad3[] = "period,start,tension\nW1,2022-02-30,1\n";
  CHECK_INT(brink_observed_parse(ctx, bad3, strlen(bad3), "o.csv", &o), BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "o.csv:2:4: start '2022-02-30': expected YYYY-MM-DD");
  const char bad4[] = "period,tension\n1,2,3\n";
  CHECK_INT(brink_observed_parse(ctx, bad4, strlen(bad4), "o.csv", &o), BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "o.csv:2:1: 3 fields: expected 2");
  CHECK_INT(brink_observed_parse(ctx, "period,tension\n", 15, "o.csv", &o), BRINK_EPARSE);
  CHECK(o == NULL);
  brink_result_free(r);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static void test_helpers(void) {
  char s[32];
  brink__report_fixed(0.0811, 100, 2, 0, s, sizeof s);
  CHECK_STR(s, "8.11");
  brink__report_fixed(-0.00001, 100, 2, 0, s, sizeof s);
  CHECK_STR(s, "0.00");
  brink__report_fixed(0.00001, 100, 2, 1, s, sizeof s);
  CHECK_STR(s, "0.00");
  brink__report_fixed(0.03, 100, 2, 1, s, sizeof s);
  CHECK_STR(s, "+3.00");
  brink__report_fixed(-0.21, 100, 2, 1, s, sizeof s);
  CHECK_STR(s, "-21.00");
  brink__report_fixed((double)NAN, 1, 2, 0, s, sizeof s);
  CHECK_STR(s, "n/a");

  brink_ctx *ctx = NULL;
  brink_ctx_new(&ctx);
  brink_buf b;
  brink_buf_init(&b, ctx, 0);
  /* RFC 4648 section 10 test vectors. */
  static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  static const char *const want[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                     "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (size_t i = 0; i < 7; i++) {
    brink_buf_reset(&b);
    CHECK_INT(brink__report_base64(&b, (const unsigned char *)in[i], strlen(in[i])), BRINK_OK);
    CHECK_STR(b.data, want[i]);
  }
  /* In pieces of every size, fed one after another: the bytes of the whole. */
  for (size_t piece = 1; piece <= 7; piece++) {
    static const char text[] = "any carnal pleasure.";
    brink_buf_reset(&b);
    brink__base64 enc;
    memset(&enc, 0, sizeof enc);
    for (size_t at = 0; at < sizeof text - 1; at += piece) {
      size_t n = sizeof text - 1 - at < piece ? sizeof text - 1 - at : piece;
      CHECK_INT(brink__report_base64_feed(&enc, &b, (const unsigned char *)text + at, n), BRINK_OK);
    }
    CHECK_INT(brink__report_base64_end(&enc, &b), BRINK_OK);
    CHECK_STR(b.data, "YW55IGNhcm5hbCBwbGVhc3VyZS4="); /* RFC 4648's and Wikipedia's example */
  }
  CHECK_INT(brink__utf8_check("a\xc3\xa9", 3), 3);
  CHECK_INT(brink__utf8_check("a\xc0\xaf", 3), 1);      /* overlong '/' */
  CHECK_INT(brink__utf8_check("ab\xed\xa0\x80", 5), 2); /* surrogate */
  CHECK_INT(brink__utf8_check("\xe2\x82", 2), 0);       /* cut short */

  /* The atomic write: complete file, no .tmp left; a bad directory fails cleanly. */
  char path[] = "/tmp/brink-report-test-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd >= 0) {
    close(fd);
    CHECK_INT(brink_report_save(ctx, path, "hello", 5), BRINK_OK);
    size_t n = 0;
    char *back = slurp(path, &n);
    CHECK(back && n == 5 && memcmp(back, "hello", 5) == 0);
    free(back);
    brink_buf_reset(&b);
    /* No temporary is left beside the file. */
    brink_buf_printf(&b, "ls %s.tmp* >/dev/null 2>&1", path);
    CHECK(system(b.data) != 0);
    remove(path);
  }
  CHECK_INT(brink_report_save(ctx, "/nonexistent-dir/x.html", "x", 1), BRINK_EIO);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "cannot write '/nonexistent-dir/x.html'");
  brink_buf_release(&b);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* ---- The screenshot helper for tests/cli_report.sh ----------------------------------------------
 */

static int png_stats_main(const char *path) {
  cairo_surface_t *img = cairo_image_surface_create_from_png(path);
  png_stats s;
  int rc = stats_of(img, &s);
  cairo_surface_destroy(img);
  if (rc) {
    fprintf(stderr, "test_report: %s: not a readable PNG\n", path);
    return 1;
  }
  printf("width %d height %d nonwhite %.4f colour %.4f\n", s.width, s.height, s.nonwhite, s.colour);
  return 0;
}

/* Under LeakSanitizer: the same suppression as tests/lsan-fontconfig.supp (fontconfig's
 * configuration, loaded through cairo's toy font API, is not freed at exit). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

/* 1 when pages a and b are the same bytes outside their data: URIs and those are the same
 * length: cairo numbers the ids inside an SVG (surface, clip, glyph) across the process, so
 * the second drawing of a chart differs from the first in those digits alone. */
static int same_page(const char *a, size_t na, const char *b, size_t nb) {
  static const char uri[] = "base64,";
  const char *ea = a + na, *eb = b + nb;
  for (;;) {
    const char *pa = strstr(a, uri), *pb = strstr(b, uri);
    if (!pa || !pb) return !pa && !pb && ea - a == eb - b && memcmp(a, b, (size_t)(ea - a)) == 0;
    if (pa - a != pb - b || memcmp(a, b, (size_t)(pa - a)) != 0) return 0;
    const char *qa = strchr(pa, '"'), *qb = strchr(pb, '"');
    if (!qa || !qb || qa - pa != qb - pb) return 0;
    a = qa;
    b = qb;
  }
}

/* The streamed page is the buffered one; a stream that cannot be written is BRINK_EIO. */
static void test_html_stream(void) {
  brink_ctx *ctx = NULL;
  brink_result *res = NULL;
  FILE *f = NULL, *ro = NULL;
  char *streamed = NULL;
  brink_buf html;
  brink_ctx_new(&ctx);
  brink_buf_init(&html, ctx, 0);
  CHECK_INT(brink_result_load(ctx, FIXTURE, &res), BRINK_OK);
  if (!res) goto done;
  brink_report_options opts = {"A <title>", "korea-2022.json", NULL};
  CHECK_INT(brink_report_html(ctx, res, &opts, &html), BRINK_OK);
  f = tmpfile();
  CHECK(f != NULL);
  if (!f) goto done;
  CHECK_INT(brink_report_html_stream(ctx, res, &opts, f), BRINK_OK);
  long n = ftell(f);
  CHECK_INT(n, (long)html.len);
  if (n != (long)html.len) goto done;
  streamed = malloc((size_t)n + 1);
  rewind(f);
  CHECK(streamed && fread(streamed, 1, (size_t)n, f) == (size_t)n);
  if (streamed) streamed[n] = '\0';
  CHECK(streamed && same_page(streamed, (size_t)n, html.data, html.len));
  ro = fopen(FIXTURE, "rb");
  CHECK(ro != NULL);
  if (ro) CHECK_INT(brink_report_html_stream(ctx, res, &opts, ro), BRINK_EIO);
done:
  free(streamed);
  if (f) fclose(f);
  if (ro) fclose(ro);
  brink_buf_release(&html);
  brink_result_free(res);
  brink_ctx_free(ctx);
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "--png-stats")) return png_stats_main(argv[2]);
  RUN(test_parse_fixture);
  RUN(test_errors);
  RUN(test_charts);
  RUN(test_chart_long_names);
  RUN(test_html_numbers);
  RUN(test_html_escaping);
  RUN(test_html_stream);
  RUN(test_alloc_failures);
  RUN(test_observed);
  RUN(test_helpers);
  cairo_debug_reset_static_data();
  return harness_finish("test_report");
}
