/* SPDX-License-Identifier: MIT */
/* Charts of a result with cairo: one drawing routine per chart kind on a cairo_t, and the
 * surface chosen by format (SVG, PNG, PDF). Policies differ by colour, dash pattern and marker,
 * bands are light fills with an outline, so the charts read in grey-scale print. */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

#define FONT "DejaVu Sans"
#define PI 3.14159265358979323846
#define MIN_SIZE 100.0
#define MAX_SIZE 10000.0

/* ---- Style ---------------------------------------------------------------------------------- */

typedef enum marker {
  M_CIRCLE,
  M_SQUARE,
  M_TRIANGLE,
  M_DIAMOND,
  M_CROSS,
  M_DOWN,
  M_PLUS,
  M_STAR
} marker;

typedef struct style {
  double r, g, b; /* Okabe-Ito colours: apart for colour-blind readers and in grey */
  double dash[6]; /* on/off lengths in points; n_dash = 0: solid */
  int n_dash;
  marker mark;
} style;

/* Eight policies look different in colour, dash and marker; the ninth repeats the first. */
static const style styles[] = {
    {0.000, 0.447, 0.698, {0}, 0, M_CIRCLE},                    /* blue, solid */
    {0.835, 0.369, 0.000, {7, 3.5}, 2, M_SQUARE},               /* vermillion, dashed */
    {0.000, 0.620, 0.451, {2, 2.5}, 2, M_TRIANGLE},             /* green, dotted */
    {0.800, 0.475, 0.655, {8, 3, 2, 3}, 4, M_DIAMOND},          /* purple, dash-dot */
    {0.300, 0.300, 0.300, {13, 4}, 2, M_CROSS},                 /* dark grey, long dash */
    {0.337, 0.706, 0.914, {8, 2.5, 2, 2.5, 2, 2.5}, 6, M_DOWN}, /* sky blue, dash-dot-dot */
    {0.902, 0.624, 0.000, {4, 2}, 2, M_PLUS},                   /* orange, short dash */
    {0.000, 0.000, 0.000, {1, 1.5}, 2, M_STAR},                 /* black, fine dots */
};

static const style *style_of(size_t i) { return &styles[i % BRINK_ARRAY_LEN(styles)]; }

static void set_line(cairo_t *cr, const style *s, double width, double alpha) {
  cairo_set_source_rgba(cr, s->r, s->g, s->b, alpha);
  cairo_set_line_width(cr, width);
  cairo_set_dash(cr, s->dash, s->n_dash, 0);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, s->n_dash ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND);
}

static void draw_marker(cairo_t *cr, const style *s, double x, double y, double size) {
  cairo_save(cr);
  cairo_set_dash(cr, NULL, 0, 0);
  cairo_new_path(cr);
  switch (s->mark) {
  case M_CIRCLE:
    cairo_arc(cr, x, y, size, 0, 2 * PI);
    break;
  case M_SQUARE:
    cairo_rectangle(cr, x - size * 0.9, y - size * 0.9, size * 1.8, size * 1.8);
    break;
  case M_TRIANGLE:
    cairo_move_to(cr, x, y - size * 1.2);
    cairo_line_to(cr, x + size * 1.1, y + size * 0.8);
    cairo_line_to(cr, x - size * 1.1, y + size * 0.8);
    cairo_close_path(cr);
    break;
  case M_DIAMOND:
    cairo_move_to(cr, x, y - size * 1.3);
    cairo_line_to(cr, x + size, y);
    cairo_line_to(cr, x, y + size * 1.3);
    cairo_line_to(cr, x - size, y);
    cairo_close_path(cr);
    break;
  case M_DOWN:
    cairo_move_to(cr, x, y + size * 1.2);
    cairo_line_to(cr, x + size * 1.1, y - size * 0.8);
    cairo_line_to(cr, x - size * 1.1, y - size * 0.8);
    cairo_close_path(cr);
    break;
  case M_CROSS:
  case M_PLUS:
  case M_STAR:
    cairo_set_source_rgb(cr, s->r, s->g, s->b);
    cairo_set_line_width(cr, 1.8);
    if (s->mark != M_PLUS) {
      cairo_move_to(cr, x - size, y - size);
      cairo_line_to(cr, x + size, y + size);
      cairo_move_to(cr, x - size, y + size);
      cairo_line_to(cr, x + size, y - size);
    }
    if (s->mark != M_CROSS) {
      cairo_move_to(cr, x - size * 1.2, y);
      cairo_line_to(cr, x + size * 1.2, y);
      cairo_move_to(cr, x, y - size * 1.2);
      cairo_line_to(cr, x, y + size * 1.2);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
    return;
  }
  cairo_set_source_rgb(cr, s->r, s->g, s->b);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_set_line_width(cr, 0.8);
  cairo_stroke(cr);
  cairo_restore(cr);
}

/* ---- Text ----------------------------------------------------------------------------------- */

static void font(cairo_t *cr, double size, int bold) {
  cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

static double text_width(cairo_t *cr, const char *s) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  return e.x_advance;
}

/* Draws s with its reference point at (x, y): halign 0 left, 0.5 centre, 1 right; valign 0
 * baseline at y, 0.5 centred on y (cap height), 1 top at y. */
static void text(cairo_t *cr, double x, double y, const char *s, double halign, double valign) {
  cairo_font_extents_t fe;
  cairo_font_extents(cr, &fe);
  double cap = fe.ascent * 0.72;
  cairo_move_to(cr, x - text_width(cr, s) * halign, y + cap * valign);
  cairo_show_text(cr, s);
  cairo_new_path(cr);
}

/* Removes an incomplete UTF-8 sequence that snprintf's cut left at the end of s (cairo
 * refuses the whole string otherwise). */
static void trim_utf8(char *s) {
  size_t n = strlen(s), start = n;
  while (start > 0 && ((unsigned char)s[start - 1] & 0xC0) == 0x80) start--;
  if (start == 0) return;
  unsigned char lead = (unsigned char)s[start - 1];
  size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (n - (start - 1) < need) s[start - 1] = '\0';
}

/* Text with a maximum width: cut with "..." when too long. Names longer than the buffer are
 * cut first at a character boundary with room left for the "..." and its NUL. */
static void text_fit(cairo_t *cr, double x, double y, const char *s, double max_w) {
  char tmp[256];
  size_t len = strlen(s), n = len;
  if (n > sizeof tmp - 4) {
    n = sizeof tmp - 4;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  }
  memcpy(tmp, s, n);
  if (n < len)
    memcpy(tmp + n, "...", 4);
  else
    tmp[n] = '\0';
  while (n > 3 && text_width(cr, tmp) > max_w) {
    n--;
    while (n > 0 && ((unsigned char)tmp[n] & 0xC0) == 0x80) n--; /* whole UTF-8 characters */
    memcpy(tmp + n, "...", 4);
  }
  text(cr, x, y, tmp, 0, 0);
}

/* ---- Axes ----------------------------------------------------------------------------------- */

typedef struct frame {
  double x0, y0, x1, y1;         /* plot area, device units (y0 top) */
  double xmin, xmax, ymin, ymax; /* data range */
} frame;

static double px(const frame *f, double x) {
  return f->x0 + (x - f->xmin) / (f->xmax - f->xmin) * (f->x1 - f->x0);
}
static double py(const frame *f, double y) {
  return f->y1 - (y - f->ymin) / (f->ymax - f->ymin) * (f->y1 - f->y0);
}

/* A step of 1, 2 or 5 times a power of ten giving about n intervals over range. */
static double nice_step(double range, int n) {
  if (!(range > 0)) return 1;
  double raw = range / n, mag = pow(10, floor(log10(raw))), frac = raw / mag;
  return (frac <= 1 ? 1 : frac <= 2 ? 2 : frac <= 5 ? 5 : 10) * mag;
}

static double nice_ceil(double v, int n) {
  double step = nice_step(v, n);
  return ceil(v / step - 1e-9) * step;
}

static void tick_label(double v, double step, char *out, size_t size) {
  int decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
  if (fabs(v) < step * 1e-6) v = 0;
  snprintf(out, size, "%.*f", decimals, v);
}

/* Grid, frame and tick labels; labels only where show_x / show_y. */
static void axes(cairo_t *cr, const frame *f, int show_x, int show_y, double x_step_min) {
  double ys = nice_step(f->ymax - f->ymin, 5), xs = nice_step(f->xmax - f->xmin, 8);
  if (xs < x_step_min) xs = x_step_min;
  char label[32];
  cairo_save(cr);
  cairo_set_dash(cr, NULL, 0, 0);
  font(cr, 11, 0);
  cairo_set_line_width(cr, 0.6);
  for (double y = ceil(f->ymin / ys - 1e-9) * ys; y <= f->ymax + ys * 1e-9; y += ys) {
    double yy = round(py(f, y)) + 0.5;
    cairo_set_source_rgb(cr, 0.87, 0.87, 0.87);
    cairo_move_to(cr, f->x0, yy);
    cairo_line_to(cr, f->x1, yy);
    cairo_stroke(cr);
    if (show_y) {
      tick_label(y, ys, label, sizeof label);
      cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
      text(cr, f->x0 - 6, yy, label, 1, 0.5);
    }
  }
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  for (double x = ceil(f->xmin / xs - 1e-9) * xs; x <= f->xmax + xs * 1e-9; x += xs) {
    double xx = round(px(f, x)) + 0.5;
    cairo_move_to(cr, xx, f->y1);
    cairo_line_to(cr, xx, f->y1 + 4);
    cairo_stroke(cr);
    if (show_x) {
      tick_label(x, xs, label, sizeof label);
      text(cr, xx, f->y1 + 8, label, 0.5, 1);
    }
  }
  cairo_set_line_width(cr, 1);
  cairo_move_to(cr, f->x0, f->y0);
  cairo_line_to(cr, f->x0, f->y1);
  cairo_line_to(cr, f->x1, f->y1);
  cairo_stroke(cr);
  cairo_restore(cr);
}

static void y_label(cairo_t *cr, double x, double ymid, const char *s) {
  cairo_save(cr);
  font(cr, 12, 0);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  cairo_translate(cr, x, ymid);
  cairo_rotate(cr, -PI / 2);
  text(cr, 0, 0, s, 0.5, 0);
  cairo_restore(cr);
}

static void x_label(cairo_t *cr, double xmid, double y, const char *s) {
  font(cr, 12, 0);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  text(cr, xmid, y, s, 0.5, 1);
}

static void titles(cairo_t *cr, double w, const char *title, const char *subtitle) {
  (void)w;
  font(cr, 16, 1);
  cairo_set_source_rgb(cr, 0, 0, 0);
  text(cr, 16, 14, title, 0, 1);
  font(cr, 11, 0);
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  text(cr, 16, 38, subtitle, 0, 1);
}

/* "time (weeks from 2022-11-07)" */
static void time_label(const brink_result *res, char *out, size_t size) {
  const char *unit = res->step[0] ? res->step : "step";
  if (res->start[0])
    snprintf(out, size, "time (%ss from %s)", unit, res->start);
  else
    snprintf(out, size, "time (%ss)", unit);
}

/* The step of point i of a per-step series of n points (see brink_result_curve_step). */
static double series_step(const brink_result *res, size_t n, size_t i) {
  return (double)i + ((double)n == res->horizon + 1.0 ? 0.0 : 1.0);
}

/* Legend on the right: one row per policy, line sample with dash and marker. */
typedef struct legend_row {
  const style *s;
  const char *label;
  int band; /* also a band swatch */
} legend_row;

static double legend_width(cairo_t *cr, const legend_row *rows, size_t n) {
  font(cr, 11, 0);
  double w = 0;
  for (size_t i = 0; i < n; i++) {
    double t = text_width(cr, rows[i].label);
    if (t > w) w = t;
  }
  return w + 44;
}

static void legend(cairo_t *cr, double x, double y, const legend_row *rows, size_t n,
                   double max_w) {
  font(cr, 11, 0);
  for (size_t i = 0; i < n; i++) {
    double yy = y + 20.0 * (double)i;
    const style *s = rows[i].s;
    if (rows[i].band) {
      cairo_rectangle(cr, x, yy - 6, 30, 12);
      cairo_set_source_rgba(cr, s->r, s->g, s->b, 0.16);
      cairo_fill(cr);
    }
    set_line(cr, s, 2, 1);
    cairo_move_to(cr, x, yy);
    cairo_line_to(cr, x + 30, yy);
    cairo_stroke(cr);
    draw_marker(cr, s, x + 15, yy, 3.5);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    text_fit(cr, x + 38, yy + fe.ascent * 0.36, rows[i].label, max_w - 40);
  }
}

/* ---- The charts ----------------------------------------------------------------------------- */

typedef struct chart {
  cairo_t *cr;
  const brink_result *res;
  const brink_chart_options *opts;
  double w, h;
  size_t sel[64]; /* policies drawn (indices into res->policies) */
  size_t n_sel;
} chart;

static void conflict_chart(chart *c) {
  cairo_t *cr = c->cr;
  const brink_result *res = c->res;
  char sub[512], label[128];
  snprintf(sub, sizeof sub, "%s: %.0f runs per policy; shaded bands: %g%% confidence intervals",
           res->scenario, res->runs, res->confidence * 100);
  trim_utf8(sub);
  titles(cr, c->w, c->opts->title ? c->opts->title : "Cumulative probability of armed conflict",
         sub);
  legend_row rows[64];
  for (size_t k = 0; k < c->n_sel; k++)
    rows[k] = (legend_row){style_of(c->sel[k]), res->policies[c->sel[k]].name, 1};
  double lw = legend_width(cr, rows, c->n_sel);
  if (lw > c->w * 0.35) lw = c->w * 0.35;
  frame f = {72, 64, c->w - lw - 24, c->h - 56, 0, res->horizon, 0, 1};
  double top = 0;
  for (size_t k = 0; k < c->n_sel; k++) {
    const brink_result_policy *p = &res->policies[c->sel[k]];
    for (size_t i = 0; i < p->n_curve; i++)
      if (p->curve[i].hi * 100 > top) top = p->curve[i].hi * 100;
  }
  f.ymax = top > 0 ? nice_ceil(top * 1.05, 5) : 1;
  axes(cr, &f, 1, 1, 1);
  time_label(res, label, sizeof label);
  x_label(cr, (f.x0 + f.x1) / 2, f.y1 + 26, label);
  y_label(cr, 22, (f.y0 + f.y1) / 2, "P(armed conflict by then), %");

  cairo_save(cr);
  cairo_rectangle(cr, f.x0, f.y0 - 2, f.x1 - f.x0 + 2, f.y1 - f.y0 + 2);
  cairo_clip(cr);
  for (size_t k = 0; k < c->n_sel; k++) { /* bands first, lines on top */
    const brink_result_policy *p = &res->policies[c->sel[k]];
    const style *s = style_of(c->sel[k]);
    cairo_new_path(cr);
    for (size_t i = 0; i < p->n_curve; i++)
      cairo_line_to(cr, px(&f, brink_result_curve_step(res, p, i)), py(&f, p->curve[i].lo * 100));
    for (size_t i = p->n_curve; i-- > 0;)
      cairo_line_to(cr, px(&f, brink_result_curve_step(res, p, i)), py(&f, p->curve[i].hi * 100));
    cairo_close_path(cr);
    cairo_set_source_rgba(cr, s->r, s->g, s->b, 0.14);
    cairo_fill_preserve(cr);
    set_line(cr, s, 0.7, 0.55);
    cairo_stroke(cr);
  }
  for (size_t k = 0; k < c->n_sel; k++) {
    const brink_result_policy *p = &res->policies[c->sel[k]];
    const style *s = style_of(c->sel[k]);
    set_line(cr, s, 2.2, 1);
    cairo_new_path(cr);
    for (size_t i = 0; i < p->n_curve; i++)
      cairo_line_to(cr, px(&f, brink_result_curve_step(res, p, i)), py(&f, p->curve[i].mean * 100));
    cairo_stroke(cr);
    /* Markers every eighth of the curve, shifted per policy so they do not sit on each other. */
    size_t every = p->n_curve >= 16 ? p->n_curve / 8 : 1;
    size_t shift = (k * every) / (c->n_sel ? c->n_sel : 1);
    for (size_t i = shift; i < p->n_curve; i += every)
      draw_marker(cr, s, px(&f, brink_result_curve_step(res, p, i)), py(&f, p->curve[i].mean * 100),
                  3.5);
  }
  cairo_restore(cr);
  legend(cr, f.x1 + 20, f.y0 + 8, rows, c->n_sel, lw);
}

/* Column of the quantile closest to q. */
static size_t quantile_col(const brink_result_policy *p, double q) {
  size_t best = 0;
  for (size_t k = 1; k < p->n_quantiles; k++)
    if (fabs(p->quantiles[k] - q) < fabs(p->quantiles[best] - q)) best = k;
  return best;
}

static void tension_chart(chart *c) {
  cairo_t *cr = c->cr;
  const brink_result *res = c->res;
  const brink_observed *obs = c->opts->observed;
  const brink_result_policy *p0 = &res->policies[c->sel[0]];
  char sub[512], label[160];
  size_t q05 = quantile_col(p0, 0.05), q25 = quantile_col(p0, 0.25), q75 = quantile_col(p0, 0.75),
         q95 = quantile_col(p0, 0.95);
  snprintf(sub, sizeof sub, "%s: %.0f runs per policy; line: median, bands: %g%% and %g%% of runs",
           res->scenario, res->runs, (p0->quantiles[q75] - p0->quantiles[q25]) * 100,
           (p0->quantiles[q95] - p0->quantiles[q05]) * 100);
  trim_utf8(sub);
  titles(cr, c->w, c->opts->title ? c->opts->title : "Tension index: simulated fan chart", sub);

  /* Key, in one row under the titles. */
  static const style key = {0.25, 0.25, 0.25, {0}, 0, M_CIRCLE};
  static const style key_obs = {0, 0, 0, {3, 2}, 2, M_CROSS};
  double kx = 16, ky = 66;
  font(cr, 11, 0);
  char k90[64], k50[64];
  snprintf(k90, sizeof k90, "%g%% band (%gth-%gth percentile)",
           (p0->quantiles[q95] - p0->quantiles[q05]) * 100, p0->quantiles[q05] * 100,
           p0->quantiles[q95] * 100);
  snprintf(k50, sizeof k50, "%g%% band (%gth-%gth)",
           (p0->quantiles[q75] - p0->quantiles[q25]) * 100, p0->quantiles[q25] * 100,
           p0->quantiles[q75] * 100);
  const char *klabels[] = {k90, k50, "median", "observed (events index)"};
  size_t nk = obs ? 4 : 3;
  for (size_t i = 0; i < nk; i++) {
    if (i < 2) {
      cairo_rectangle(cr, kx, ky - 6, 24, 12);
      cairo_set_source_rgba(cr, key.r, key.g, key.b, i == 0 ? 0.18 : 0.42);
      cairo_fill_preserve(cr);
      set_line(cr, &key, 0.6, 0.8);
      cairo_stroke(cr);
    } else {
      set_line(cr, i == 2 ? &key : &key_obs, i == 2 ? 2 : 1.4, 1);
      cairo_move_to(cr, kx, ky);
      cairo_line_to(cr, kx + 24, ky);
      cairo_stroke(cr);
      if (i == 3) draw_marker(cr, &key_obs, kx + 12, ky, 2.5);
    }
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    font(cr, 11, 0);
    text(cr, kx + 30, ky, klabels[i], 0, 0.5);
    kx += 30 + text_width(cr, klabels[i]) + 22;
  }

  /* Shared y range over every panel (and the observed series). */
  double lo = (double)INFINITY, hi = -(double)INFINITY;
  for (size_t k = 0; k < c->n_sel; k++) {
    const brink_result_policy *p = &res->policies[c->sel[k]];
    size_t a = quantile_col(p, 0.05), b = quantile_col(p, 0.95);
    for (size_t i = 0; i < p->n_tension; i++) {
      lo = fmin(lo, p->tension[i * p->n_quantiles + a]);
      hi = fmax(hi, p->tension[i * p->n_quantiles + b]);
    }
  }
  for (size_t i = 0; obs && i < obs->n; i++) {
    double st = brink_observed_step(obs, res, i);
    if (st < 0 || st > res->horizon) continue;
    lo = fmin(lo, obs->tension[i]);
    hi = fmax(hi, obs->tension[i]);
  }
  if (!(hi > lo)) {
    lo = isfinite(lo) ? lo - 1 : 0;
    hi = lo + 2;
  }
  double ystep = nice_step(hi - lo, 5);
  lo = floor(lo / ystep) * ystep;
  hi = ceil(hi / ystep) * ystep;

  size_t n = c->n_sel, cols = n == 1 ? 1 : n <= 4 ? 2 : 3, rows = (n + cols - 1) / cols;
  double left = 80, right = 16, top = 86, bottom = 48, gap_x = 34, gap_y = 46;
  double pw = (c->w - left - right - gap_x * (double)(cols - 1)) / (double)cols;
  double ph =
      (c->h - top - bottom - gap_y * (double)(rows - 1) - 20.0 * (double)rows) / (double)rows;
  for (size_t k = 0; k < n; k++) {
    const brink_result_policy *p = &res->policies[c->sel[k]];
    const style *s = style_of(c->sel[k]);
    size_t col = k % cols, row = k / cols;
    frame f;
    f.x0 = left + (double)col * (pw + gap_x);
    f.x1 = f.x0 + pw;
    f.y0 = top + 20 + (double)row * (ph + gap_y + 20);
    f.y1 = f.y0 + ph;
    f.xmin = 0;
    f.xmax = res->horizon;
    f.ymin = lo;
    f.ymax = hi;
    font(cr, 12, 1);
    cairo_set_source_rgb(cr, 0.05, 0.05, 0.05);
    text_fit(cr, f.x0, f.y0 - 8, p->name, pw);
    axes(cr, &f, row == rows - 1 || k + cols >= n, col == 0, 1);
    size_t a = quantile_col(p, 0.05), b = quantile_col(p, 0.25), m = quantile_col(p, 0.5),
           d = quantile_col(p, 0.75), e = quantile_col(p, 0.95), nq = p->n_quantiles;
    cairo_save(cr);
    cairo_rectangle(cr, f.x0, f.y0, f.x1 - f.x0, f.y1 - f.y0);
    cairo_clip(cr);
    size_t bands[2][2] = {{a, e}, {b, d}};
    for (int bi = 0; bi < 2; bi++) {
      cairo_new_path(cr);
      for (size_t i = 0; i < p->n_tension; i++)
        cairo_line_to(cr, px(&f, series_step(res, p->n_tension, i)),
                      py(&f, p->tension[i * nq + bands[bi][0]]));
      for (size_t i = p->n_tension; i-- > 0;)
        cairo_line_to(cr, px(&f, series_step(res, p->n_tension, i)),
                      py(&f, p->tension[i * nq + bands[bi][1]]));
      cairo_close_path(cr);
      cairo_set_source_rgba(cr, s->r, s->g, s->b, bi == 0 ? 0.16 : 0.38);
      cairo_fill_preserve(cr);
      cairo_set_dash(cr, NULL, 0, 0);
      cairo_set_source_rgba(cr, s->r, s->g, s->b, 0.6);
      cairo_set_line_width(cr, 0.6);
      cairo_stroke(cr);
    }
    static const style median = {0.1, 0.1, 0.1, {0}, 0, M_CIRCLE};
    set_line(cr, &median, 1.8, 1);
    cairo_set_source_rgb(cr, s->r * 0.55, s->g * 0.55, s->b * 0.55);
    cairo_new_path(cr);
    for (size_t i = 0; i < p->n_tension; i++)
      cairo_line_to(cr, px(&f, series_step(res, p->n_tension, i)), py(&f, p->tension[i * nq + m]));
    cairo_stroke(cr);
    if (obs) {
      set_line(cr, &key_obs, 1.4, 1);
      cairo_new_path(cr);
      for (size_t i = 0; i < obs->n; i++)
        cairo_line_to(cr, px(&f, brink_observed_step(obs, res, i)), py(&f, obs->tension[i]));
      cairo_stroke(cr);
      size_t every = obs->n > 26 ? obs->n / 13 : 1;
      for (size_t i = 0; i < obs->n; i += every)
        draw_marker(cr, &key_obs, px(&f, brink_observed_step(obs, res, i)), py(&f, obs->tension[i]),
                    2.5);
    }
    cairo_restore(cr);
  }
  time_label(res, label, sizeof label);
  x_label(cr, c->w / 2, c->h - 24, label);
  snprintf(label, sizeof label, "tension (%s)",
           p0->tension_unit[0] ? p0->tension_unit : "Goldstein net conflict per step");
  y_label(cr, 22, top + (c->h - top - bottom) / 2, label);
}

static void provocations_chart(chart *c) {
  cairo_t *cr = c->cr;
  const brink_result *res = c->res;
  char sub[512];
  snprintf(sub, sizeof sub,
           "%s: share of the %.0f runs per policy with each number of provocations over %.0f %ss",
           res->scenario, res->runs, res->horizon, res->step[0] ? res->step : "step");
  trim_utf8(sub);
  titles(cr, c->w, c->opts->title ? c->opts->title : "Distribution of provocations per run", sub);
  legend_row rows[64];
  char labels[64][160];
  double xmax = 0, ymax = 0;
  for (size_t k = 0; k < c->n_sel; k++) {
    const brink_result_policy *p = &res->policies[c->sel[k]];
    char mean[32];
    brink__report_fixed(p->provocations.mean, 1, 1, 0, mean, sizeof mean);
    snprintf(labels[k], sizeof labels[k], "%s (mean %s)", p->name, mean);
    trim_utf8(labels[k]);
    rows[k] = (legend_row){style_of(c->sel[k]), labels[k], 0};
    double total = 0;
    for (size_t i = 0; i < p->n_hist; i++) total += p->hist_counts[i];
    for (size_t i = 0; total > 0 && i < p->n_hist; i++)
      ymax = fmax(ymax, p->hist_counts[i] / total * 100);
    xmax = fmax(xmax, (double)p->n_hist * p->hist_bin_width);
  }
  double lw = legend_width(cr, rows, c->n_sel);
  if (lw > c->w * 0.4) lw = c->w * 0.4;
  frame f = {
      72, 64, c->w - lw - 24, c->h - 56, 0, xmax, 0, ymax > 0 ? nice_ceil(ymax * 1.05, 5) : 1};
  axes(cr, &f, 1, 1, 1);
  x_label(cr, (f.x0 + f.x1) / 2, f.y1 + 26,
          "provocations per run (count of military actions; last bin: that many or more)");
  y_label(cr, 22, (f.y0 + f.y1) / 2, "share of runs, %");
  cairo_save(cr);
  cairo_rectangle(cr, f.x0, f.y0 - 4, f.x1 - f.x0 + 4, f.y1 - f.y0 + 4);
  cairo_clip(cr);
  for (size_t k = 0; k < c->n_sel; k++) {
    const brink_result_policy *p = &res->policies[c->sel[k]];
    const style *s = style_of(c->sel[k]);
    double total = 0, w = p->hist_bin_width;
    for (size_t i = 0; i < p->n_hist; i++) total += p->hist_counts[i];
    if (!(total > 0)) continue;
    set_line(cr, s, 2, 1);
    cairo_new_path(cr);
    cairo_move_to(cr, px(&f, 0), py(&f, 0));
    for (size_t i = 0; i < p->n_hist; i++) {
      double y = py(&f, p->hist_counts[i] / total * 100);
      cairo_line_to(cr, px(&f, (double)i * w), y);
      cairo_line_to(cr, px(&f, (double)(i + 1) * w), y);
    }
    cairo_line_to(cr, px(&f, (double)p->n_hist * w), py(&f, 0));
    cairo_stroke(cr);
    size_t every = p->n_hist > 24 ? p->n_hist / 12 : 1;
    for (size_t i = k % every; i < p->n_hist; i += every)
      draw_marker(cr, s, px(&f, ((double)i + 0.5) * w), py(&f, p->hist_counts[i] / total * 100),
                  3.2);
    /* The mean, as a tick under the axis line. */
    set_line(cr, s, 2, 1);
    cairo_set_dash(cr, NULL, 0, 0);
    double mx = px(&f, p->provocations.mean);
    cairo_move_to(cr, mx, f.y1);
    cairo_line_to(cr, mx, f.y1 - 10);
    cairo_stroke(cr);
  }
  cairo_restore(cr);
  legend(cr, f.x1 + 20, f.y0 + 8, rows, c->n_sel, lw);
}

/* ---- Surfaces ------------------------------------------------------------------------------- */

typedef struct sink {
  brink__chart_write_fn write;
  void *closure;
  brink_status status;
} sink;

static cairo_status_t write_sink(void *closure, const unsigned char *data, unsigned int length) {
  sink *s = closure;
  if (s->status) return CAIRO_STATUS_WRITE_ERROR;
  s->status = s->write(s->closure, data, length);
  return s->status ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static brink_status append_to_buf(void *closure, const unsigned char *data, size_t len) {
  return brink_buf_append(closure, (const char *)data, len);
}

const char *brink_chart_kind_name(brink_chart_kind kind) {
  switch (kind) {
  case BRINK_CHART_CONFLICT:
    return "conflict";
  case BRINK_CHART_TENSION:
    return "tension";
  case BRINK_CHART_PROVOCATIONS:
    return "provocations";
  }
  return "?";
}

brink_status brink_chart_kind_parse(brink_ctx *ctx, const char *name, brink_chart_kind *out) {
  static const brink_chart_kind kinds[] = {BRINK_CHART_CONFLICT, BRINK_CHART_TENSION,
                                           BRINK_CHART_PROVOCATIONS};
  for (size_t i = 0; name && i < BRINK_ARRAY_LEN(kinds); i++)
    if (!strcmp(name, brink_chart_kind_name(kinds[i]))) {
      *out = kinds[i];
      return BRINK_OK;
    }
  return brink__fail(ctx, BRINK_EINVAL,
                     "unknown chart '%s': expected conflict, tension or provocations",
                     name ? name : "");
}

const char *brink_chart_format_name(brink_chart_format format) {
  switch (format) {
  case BRINK_CHART_SVG:
    return "svg";
  case BRINK_CHART_PNG:
    return "png";
  case BRINK_CHART_PDF:
    return "pdf";
  }
  return "?";
}

brink_status brink_chart_format_parse(brink_ctx *ctx, const char *name, brink_chart_format *out) {
  static const brink_chart_format formats[] = {BRINK_CHART_SVG, BRINK_CHART_PNG, BRINK_CHART_PDF};
  for (size_t i = 0; name && i < BRINK_ARRAY_LEN(formats); i++)
    if (!strcmp(name, brink_chart_format_name(formats[i]))) {
      *out = formats[i];
      return BRINK_OK;
    }
  return brink__fail(ctx, BRINK_EINVAL, "unknown format '%s': expected svg, png or pdf",
                     name ? name : "");
}

static size_t selected(const brink_result *res, const brink_chart_options *opts) {
  return opts->policy ? 1 : res->n_policies;
}

void brink_chart_default_size(const brink_result *res, const brink_chart_options *opts,
                              double *width, double *height) {
  *width = 800;
  *height = 450;
  if (opts->kind == BRINK_CHART_TENSION) {
    size_t n = res ? selected(res, opts) : 1;
    size_t cols = n == 1 ? 1 : n <= 4 ? 2 : 3, rows = (n + cols - 1) / cols;
    *width = n == 1 ? 800 : 900;
    *height = 260.0 * (double)rows + 90.0;
  }
}

brink_status brink__chart_render_to(brink_ctx *ctx, const brink_result *res,
                                    const brink_chart_options *opts, brink__chart_write_fn write,
                                    void *closure) {
  cairo_surface_t *surface = NULL;
  cairo_t *cr = NULL;
  sink sk = {write, closure, BRINK_OK};
  brink_status st = BRINK_OK;
  chart c;
  memset(&c, 0, sizeof c);
  c.res = res;
  c.opts = opts;
  brink_chart_default_size(res, opts, &c.w, &c.h);
  if (opts->width > 0) c.w = opts->width;
  if (opts->height > 0) c.h = opts->height;
  if (!(c.w >= MIN_SIZE && c.w <= MAX_SIZE && c.h >= MIN_SIZE && c.h <= MAX_SIZE)) {
    st = brink__fail(ctx, BRINK_EINVAL, "chart size %gx%g: expected %g..%g in each direction", c.w,
                     c.h, MIN_SIZE, MAX_SIZE);
    goto done;
  }
  if (opts->policy) {
    long i = brink_result_policy_index(res, opts->policy);
    if (i < 0) {
      st = brink__fail(ctx, BRINK_ENOTFOUND, "no policy '%s' in the result", opts->policy);
      goto done;
    }
    c.sel[c.n_sel++] = (size_t)i;
  } else {
    for (size_t i = 0; i < res->n_policies && c.n_sel < BRINK_ARRAY_LEN(c.sel); i++)
      c.sel[c.n_sel++] = i;
  }
  if (c.n_sel == 0) {
    st = brink__fail(ctx, BRINK_EINVAL, "no policy to draw");
    goto done;
  }
  switch (opts->format) {
  case BRINK_CHART_SVG:
    surface = cairo_svg_surface_create_for_stream(write_sink, &sk, c.w, c.h);
    cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
    break;
  case BRINK_CHART_PDF:
    surface = cairo_pdf_surface_create_for_stream(write_sink, &sk, c.w, c.h);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "brink");
    break;
  case BRINK_CHART_PNG:
    surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)lround(c.w), (int)lround(c.h));
    break;
  default:
    st = brink__fail(ctx, BRINK_EINVAL, "unknown chart format %d", (int)opts->format);
    goto done;
  }
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    st = brink__fail(ctx, BRINK_EIO, "cannot create the %s surface: %s",
                     brink_chart_format_name(opts->format),
                     cairo_status_to_string(cairo_surface_status(surface)));
    goto done;
  }
  cr = c.cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  switch (opts->kind) {
  case BRINK_CHART_CONFLICT:
    conflict_chart(&c);
    break;
  case BRINK_CHART_TENSION:
    tension_chart(&c);
    break;
  case BRINK_CHART_PROVOCATIONS:
    provocations_chart(&c);
    break;
  default:
    st = brink__fail(ctx, BRINK_EINVAL, "unknown chart kind %d", (int)opts->kind);
    goto done;
  }
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    st = brink__fail(ctx, BRINK_EIO, "drawing the %s chart: %s", brink_chart_kind_name(opts->kind),
                     cairo_status_to_string(cairo_status(cr)));
    goto done;
  }
  cairo_destroy(cr);
  cr = NULL;
  if (opts->format == BRINK_CHART_PNG)
    cairo_surface_write_to_png_stream(surface, write_sink, &sk);
  else
    cairo_surface_finish(surface);
  if (sk.status) {
    st = sk.status;
    goto done;
  }
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    st = brink__fail(ctx, BRINK_EIO, "writing the %s chart: %s",
                     brink_chart_format_name(opts->format),
                     cairo_status_to_string(cairo_surface_status(surface)));
    goto done;
  }

done:
  if (cr) cairo_destroy(cr);
  if (surface) cairo_surface_destroy(surface);
  return st;
}

brink_status brink_chart_render(brink_ctx *ctx, const brink_result *res,
                                const brink_chart_options *opts, brink_buf *out) {
  size_t start_len = out->len;
  brink_status st = brink__chart_render_to(ctx, res, opts, append_to_buf, out);
  if (st) {
    out->len = start_len;
    if (out->cap) out->data[start_len] = '\0';
  }
  return st;
}
