/* SPDX-License-Identifier: MIT */
/* Charts of sweeps and sensitivity analyses with cairo (SVG, PNG, PDF from one drawing
 * routine): a line with its band per policy over one parameter, heatmaps over two, and the
 * tornado chart of Sobol indices. Also the HTML page of a sweep. Same look as src/report_chart.c:
 * Okabe-Ito colours, dash patterns and markers, so the charts read in grey-scale. */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "brink/sensitivity.h"
#include "brink/sweep.h"
#include "internal.h"

#define FONT "DejaVu Sans"
#define PI 3.14159265358979323846

typedef struct colour {
  double r, g, b;
  double dash[4];
  int n_dash;
} colour;

static const colour palette[] = {
    {0.000, 0.447, 0.698, {0}, 0},      {0.835, 0.369, 0.000, {7, 3.5}, 2},
    {0.000, 0.620, 0.451, {2, 2.5}, 2}, {0.800, 0.475, 0.655, {8, 3, 2, 3}, 4},
    {0.300, 0.300, 0.300, {13, 4}, 2},  {0.337, 0.706, 0.914, {8, 2.5, 2, 2.5}, 4},
    {0.902, 0.624, 0.000, {4, 2}, 2},   {0.000, 0.000, 0.000, {1, 1.5}, 2},
};
static const colour *colour_of(size_t i) { return &palette[i % BRINK_ARRAY_LEN(palette)]; }

static void font(cairo_t *cr, double size, int bold) {
  cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

static double text_w(cairo_t *cr, const char *s) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  return e.x_advance;
}

/* halign 0 left, 0.5 centre, 1 right; valign 0 baseline, 0.5 middle, 1 top. */
static void text(cairo_t *cr, double x, double y, const char *s, double halign, double valign) {
  cairo_font_extents_t fe;
  cairo_font_extents(cr, &fe);
  cairo_move_to(cr, x - text_w(cr, s) * halign, y + fe.ascent * 0.72 * valign);
  cairo_show_text(cr, s);
  cairo_new_path(cr);
}

static double nice_step(double range, int n) {
  if (!(range > 0)) return 1;
  double raw = range / n, mag = pow(10, floor(log10(raw))), frac = raw / mag;
  return (frac <= 1 ? 1 : frac <= 2 ? 2 : frac <= 5 ? 5 : 10) * mag;
}

static void tick(double v, double step, char *out, size_t size) {
  int decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
  if (fabs(v) < step * 1e-6) v = 0;
  snprintf(out, size, "%.*f", decimals, v);
}

typedef struct frame {
  double x0, y0, x1, y1, xmin, xmax, ymin, ymax;
} frame;
static double px(const frame *f, double x) {
  return f->x0 + (x - f->xmin) / (f->xmax - f->xmin) * (f->x1 - f->x0);
}
static double py(const frame *f, double y) {
  return f->y1 - (y - f->ymin) / (f->ymax - f->ymin) * (f->y1 - f->y0);
}

static void axes(cairo_t *cr, const frame *f, const char *xlabel, const char *ylabel) {
  char label[32];
  double ys = nice_step(f->ymax - f->ymin, 5), xs = nice_step(f->xmax - f->xmin, 6);
  font(cr, 11, 0);
  cairo_set_line_width(cr, 0.6);
  cairo_set_dash(cr, NULL, 0, 0);
  for (double y = ceil(f->ymin / ys - 1e-9) * ys; y <= f->ymax + ys * 1e-9; y += ys) {
    double yy = round(py(f, y)) + 0.5;
    cairo_set_source_rgb(cr, 0.87, 0.87, 0.87);
    cairo_move_to(cr, f->x0, yy);
    cairo_line_to(cr, f->x1, yy);
    cairo_stroke(cr);
    tick(y, ys, label, sizeof label);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    text(cr, f->x0 - 6, yy, label, 1, 0.5);
  }
  for (double x = ceil(f->xmin / xs - 1e-9) * xs; x <= f->xmax + xs * 1e-9; x += xs) {
    double xx = round(px(f, x)) + 0.5;
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_move_to(cr, xx, f->y1);
    cairo_line_to(cr, xx, f->y1 + 4);
    cairo_stroke(cr);
    tick(x, xs, label, sizeof label);
    text(cr, xx, f->y1 + 8, label, 0.5, 1);
  }
  cairo_set_line_width(cr, 1);
  cairo_move_to(cr, f->x0, f->y0);
  cairo_line_to(cr, f->x0, f->y1);
  cairo_line_to(cr, f->x1, f->y1);
  cairo_stroke(cr);
  font(cr, 12, 0);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  text(cr, (f->x0 + f->x1) / 2, f->y1 + 26, xlabel, 0.5, 1);
  cairo_save(cr);
  cairo_translate(cr, 22, (f->y0 + f->y1) / 2);
  cairo_rotate(cr, -PI / 2);
  text(cr, 0, 0, ylabel, 0.5, 0);
  cairo_restore(cr);
}

static void titles(cairo_t *cr, const char *title, const char *subtitle) {
  font(cr, 16, 1);
  cairo_set_source_rgb(cr, 0, 0, 0);
  text(cr, 16, 14, title, 0, 1);
  font(cr, 11, 0);
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  text(cr, 16, 38, subtitle, 0, 1);
}

/* ---- Surfaces ----------------------------------------------------------------------------- */

typedef struct sink {
  brink_buf *out;
  brink_status status;
} sink;

static cairo_status_t write_sink(void *closure, const unsigned char *data, unsigned int length) {
  sink *s = closure;
  if (s->status) return CAIRO_STATUS_WRITE_ERROR;
  s->status = brink_buf_append(s->out, (const char *)data, length);
  return s->status ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

typedef void (*draw_fn)(cairo_t *cr, double w, double h, const void *data);

static brink_status render(brink_ctx *ctx, brink_chart_format format, double w, double h,
                           draw_fn draw, const void *data, brink_buf *out) {
  size_t start = out->len;
  sink sk = {out, BRINK_OK};
  brink_status st = BRINK_OK;
  cairo_surface_t *surface = NULL;
  cairo_t *cr = NULL;
  switch (format) {
  case BRINK_CHART_SVG:
    surface = cairo_svg_surface_create_for_stream(write_sink, &sk, w, h);
    cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
    break;
  case BRINK_CHART_PDF:
    surface = cairo_pdf_surface_create_for_stream(write_sink, &sk, w, h);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "brink");
    break;
  case BRINK_CHART_PNG:
    surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)lround(w), (int)lround(h));
    break;
  default:
    return brink__fail(ctx, BRINK_EINVAL, "unknown chart format %d", (int)format);
  }
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    st = brink__fail(ctx, BRINK_EIO, "cannot create the %s surface: %s",
                     brink_chart_format_name(format),
                     cairo_status_to_string(cairo_surface_status(surface)));
    goto done;
  }
  cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  draw(cr, w, h, data);
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    st = brink__fail(ctx, BRINK_EIO, "drawing the chart: %s",
                     cairo_status_to_string(cairo_status(cr)));
    goto done;
  }
  cairo_destroy(cr);
  cr = NULL;
  if (format == BRINK_CHART_PNG)
    cairo_surface_write_to_png_stream(surface, write_sink, &sk);
  else
    cairo_surface_finish(surface);
  if (sk.status) {
    st = sk.status;
    goto done;
  }
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
    st = brink__fail(ctx, BRINK_EIO, "writing the chart: %s",
                     cairo_status_to_string(cairo_surface_status(surface)));
done:
  if (cr) cairo_destroy(cr);
  if (surface) cairo_surface_destroy(surface);
  if (st) {
    out->len = start;
    if (out->cap) out->data[start] = '\0';
  }
  return st;
}

/* ---- Sweep charts ------------------------------------------------------------------------- */

typedef struct sweep_chart {
  const brink_sweep *sw;
  brink_sweep_metric metric;
  double scale; /* 100 for probabilities (percent), 1 otherwise */
} sweep_chart;

static const double *cell(const brink_sweep *sw, size_t point, size_t series, size_t metric) {
  return &sw->stats[point * brink_point_width(sw->n_policies) +
                    (series * BRINK_METRIC_COUNT + metric) * BRINK_POINT_FIELDS];
}

static void metric_label(const sweep_chart *c, char *out, size_t size) {
  const char *name = brink_sweep_metric_name(c->metric);
  if (c->scale == 100)
    snprintf(out, size, "%s within %u %ss, %%", name, c->sw->horizon,
             c->sw->step_unit ? c->sw->step_unit : "step");
  else
    snprintf(out, size, "%s (%s)", name, brink_sweep_metric_unit(c->metric));
}

static void subtitle(const brink_sweep *sw, char *out, size_t size) {
  snprintf(out, size,
           "%s: %s design, %zu points, %llu runs per policy and point, seed %llu; bands and "
           "cells: means with %g%% intervals",
           sw->scenario_name, brink_sweep_design_name(sw->design), sw->n_points,
           (unsigned long long)sw->runs, (unsigned long long)sw->seed, sw->confidence * 100);
}

static void line_chart(cairo_t *cr, double w, double h, const void *data) {
  const sweep_chart *c = data;
  const brink_sweep *sw = c->sw;
  char sub[512], ylabel[256], title[512];
  subtitle(sw, sub, sizeof sub);
  metric_label(c, ylabel, sizeof ylabel);
  snprintf(title, sizeof title, "%s by %s", brink_sweep_metric_name(c->metric), sw->axes[0].path);
  titles(cr, title, sub);
  /* Points in increasing order of the parameter (lhs and sobol designs are not sorted). */
  size_t order[4096], n = sw->n_points < 4096 ? sw->n_points : 4096;
  for (size_t j = 0; j < n; j++) order[j] = j;
  for (size_t j = 1; j < n; j++)
    for (size_t k = j; k > 0 && sw->values[order[k]] < sw->values[order[k - 1]]; k--) {
      size_t t = order[k];
      order[k] = order[k - 1];
      order[k - 1] = t;
    }
  double top = 0, bottom = 0;
  for (size_t j = 0; j < n; j++)
    for (size_t p = 0; p < sw->n_policies; p++) {
      const double *f = cell(sw, j, p, c->metric);
      if (f[BRINK_POINT_HI] * c->scale > top) top = f[BRINK_POINT_HI] * c->scale;
      if (f[BRINK_POINT_LO] * c->scale < bottom) bottom = f[BRINK_POINT_LO] * c->scale;
    }
  double step = nice_step(top - bottom, 5);
  font(cr, 11, 0);
  double lw = 0;
  for (size_t p = 0; p < sw->n_policies; p++)
    if (text_w(cr, sw->policies[p]) > lw) lw = text_w(cr, sw->policies[p]);
  lw += 50;
  if (lw > w * 0.35) lw = w * 0.35;
  frame f = {72,
             64,
             w - lw - 24,
             h - 56,
             sw->axes[0].lo,
             sw->axes[0].hi,
             floor(bottom / step) * step,
             top > 0 ? ceil(top * 1.05 / step) * step : 1};
  if (!(f.xmax > f.xmin)) {
    f.xmin -= 0.5;
    f.xmax += 0.5;
  }
  axes(cr, &f, sw->axes[0].path, ylabel);
  for (size_t p = 0; p < sw->n_policies; p++) {
    const colour *s = colour_of(p);
    cairo_new_path(cr);
    for (size_t k = 0; k < n; k++)
      cairo_line_to(cr, px(&f, sw->values[order[k]]),
                    py(&f, cell(sw, order[k], p, c->metric)[BRINK_POINT_LO] * c->scale));
    for (size_t k = n; k-- > 0;)
      cairo_line_to(cr, px(&f, sw->values[order[k]]),
                    py(&f, cell(sw, order[k], p, c->metric)[BRINK_POINT_HI] * c->scale));
    cairo_close_path(cr);
    cairo_set_source_rgba(cr, s->r, s->g, s->b, 0.15);
    cairo_fill(cr);
  }
  for (size_t p = 0; p < sw->n_policies; p++) {
    const colour *s = colour_of(p);
    cairo_set_source_rgb(cr, s->r, s->g, s->b);
    cairo_set_line_width(cr, 2.2);
    cairo_set_dash(cr, s->dash, s->n_dash, 0);
    cairo_new_path(cr);
    for (size_t k = 0; k < n; k++)
      cairo_line_to(cr, px(&f, sw->values[order[k]]),
                    py(&f, cell(sw, order[k], p, c->metric)[BRINK_POINT_MEAN] * c->scale));
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    for (size_t k = 0; k < n; k++) {
      cairo_arc(cr, px(&f, sw->values[order[k]]),
                py(&f, cell(sw, order[k], p, c->metric)[BRINK_POINT_MEAN] * c->scale), 3, 0,
                2 * PI);
      cairo_fill(cr);
    }
    /* Legend */
    double ly = f.y0 + 8 + 20.0 * (double)p, lx = f.x1 + 20;
    cairo_rectangle(cr, lx, ly - 6, 30, 12);
    cairo_set_source_rgba(cr, s->r, s->g, s->b, 0.15);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, s->r, s->g, s->b);
    cairo_set_dash(cr, s->dash, s->n_dash, 0);
    cairo_move_to(cr, lx, ly);
    cairo_line_to(cr, lx + 30, ly);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    font(cr, 11, 0);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    text(cr, lx + 38, ly, sw->policies[p], 0, 0.5);
  }
}

static void heatmap_chart(cairo_t *cr, double w, double h, const void *data) {
  const sweep_chart *c = data;
  const brink_sweep *sw = c->sw;
  char sub[512], title[512], label[64], ylabel[256];
  subtitle(sw, sub, sizeof sub);
  metric_label(c, ylabel, sizeof ylabel);
  snprintf(title, sizeof title, "%s", ylabel);
  titles(cr, title, sub);
  const uint32_t nx = sw->axes[0].levels, ny = sw->axes[1].levels;
  double vmin = (double)INFINITY, vmax = -(double)INFINITY;
  for (size_t j = 0; j < sw->n_points; j++)
    for (size_t p = 0; p < sw->n_policies; p++) {
      double v = cell(sw, j, p, c->metric)[BRINK_POINT_MEAN] * c->scale;
      if (v < vmin) vmin = v;
      if (v > vmax) vmax = v;
    }
  if (!(vmax > vmin)) vmax = vmin + 1;
  size_t np = sw->n_policies, cols = np == 1 ? 1 : np <= 4 ? 2 : 3, rows = (np + cols - 1) / cols;
  double pw = (w - 40) / (double)cols, ph = (h - 80) / (double)rows;
  for (size_t p = 0; p < np; p++) {
    double ox = 20 + pw * (double)(p % cols), oy = 64 + ph * (double)(p / cols);
    double x0 = ox + 70, y0 = oy + 24, x1 = ox + pw - 16, y1 = oy + ph - 44;
    double cw = (x1 - x0) / nx, ch = (y1 - y0) / ny;
    font(cr, 12, 1);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, x0, oy + 12, sw->policies[p], 0, 0.5);
    for (uint32_t ix = 0; ix < nx; ix++)
      for (uint32_t iy = 0; iy < ny; iy++) {
        size_t j = (size_t)ix * ny + iy;
        const double *f = cell(sw, j, p, c->metric);
        double t = (f[BRINK_POINT_MEAN] * c->scale - vmin) / (vmax - vmin);
        /* White to the first palette blue: darker is more. */
        cairo_set_source_rgb(cr, 1 - t * 1.0, 1 - t * 0.553, 1 - t * 0.302);
        double cx = x0 + cw * ix, cy = y1 - ch * (iy + 1);
        cairo_rectangle(cr, cx, cy, cw, ch);
        cairo_fill(cr);
        font(cr, cw > 60 ? 10 : 8, 0);
        if (t > 0.55)
          cairo_set_source_rgb(cr, 1, 1, 1);
        else
          cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        snprintf(label, sizeof label, "%.1f", f[BRINK_POINT_MEAN] * c->scale);
        text(cr, cx + cw / 2, cy + ch / 2, label, 0.5, 0.5);
        if (ch > 30) {
          snprintf(label, sizeof label, "[%.1f, %.1f]", f[BRINK_POINT_LO] * c->scale,
                   f[BRINK_POINT_HI] * c->scale);
          font(cr, 7, 0);
          text(cr, cx + cw / 2, cy + ch / 2 + 11, label, 0.5, 0.5);
        }
      }
    font(cr, 9, 0);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    for (uint32_t ix = 0; ix < nx; ix++) {
      snprintf(label, sizeof label, "%.3g", sw->values[(size_t)ix * ny * 2]);
      text(cr, x0 + cw * (ix + 0.5), y1 + 6, label, 0.5, 1);
    }
    for (uint32_t iy = 0; iy < ny; iy++) {
      snprintf(label, sizeof label, "%.3g", sw->values[(size_t)iy * 2 + 1]);
      text(cr, x0 - 4, y1 - ch * (iy + 0.5), label, 1, 0.5);
    }
    font(cr, 10, 0);
    text(cr, (x0 + x1) / 2, y1 + 22, sw->axes[0].path, 0.5, 1);
    cairo_save(cr);
    cairo_translate(cr, ox + 14, (y0 + y1) / 2);
    cairo_rotate(cr, -PI / 2);
    text(cr, 0, 0, sw->axes[1].path, 0.5, 0.5);
    cairo_restore(cr);
  }
}

brink_status brink_sweep_chart(brink_ctx *ctx, const brink_sweep *sw, brink_sweep_metric metric,
                               brink_chart_format format, brink_buf *out) {
  if ((unsigned)metric >= BRINK_METRIC_COUNT)
    return brink__fail(ctx, BRINK_EINVAL, "unknown metric %d", (int)metric);
  sweep_chart c = {sw, metric, metric == BRINK_METRIC_PROVOCATIONS ? 1.0 : 100.0};
  if (sw->n_points == 0 || sw->n_policies == 0)
    return brink__fail(ctx, BRINK_EINVAL, "nothing to draw");
  if (sw->n_axes == 1) {
    if (sw->n_points > 4096)
      return brink__fail(ctx, BRINK_EUNSUPPORTED, "more than 4096 points to draw");
    return render(ctx, format, 800, 450, line_chart, &c, out);
  }
  if (sw->n_axes == 2 && sw->design == BRINK_DESIGN_GRID) {
    size_t np = sw->n_policies, cols = np == 1 ? 1 : np <= 4 ? 2 : 3, rows = (np + cols - 1) / cols;
    return render(ctx, format, cols == 1 ? 700 : 450.0 * (double)cols, 80 + 380.0 * (double)rows,
                  heatmap_chart, &c, out);
  }
  return brink__fail(ctx, BRINK_EUNSUPPORTED,
                     "a chart needs one parameter, or two on a grid (this sweep has %zu on a %s "
                     "design); the CSV holds every point",
                     sw->n_axes, brink_sweep_design_name(sw->design));
}

/* ---- Tornado ------------------------------------------------------------------------------ */

static void tornado_chart(cairo_t *cr, double w, double h, const void *data) {
  const brink_sensitivity_report *r = data;
  const brink_sobol_indices *x = r->indices;
  char title[512], sub[512], label[64];
  snprintf(title, sizeof title, "What drives %s", r->metric);
  snprintf(sub, sizeof sub,
           "%s: Sobol indices, %zu base samples x %zu points, %llu runs per point, seed %llu; "
           "whiskers: %g%% bootstrap intervals",
           r->scenario_name, x->n_base, x->dim + 2, (unsigned long long)r->runs,
           (unsigned long long)r->seed, x->confidence * 100);
  titles(cr, title, sub);
  size_t order[BRINK_SOBOL_MAX_DIM];
  brink_sobol_indices_order(x, order);
  font(cr, 11, 0);
  double nw = 0;
  for (size_t i = 0; i < x->dim; i++)
    if (text_w(cr, r->names[i]) > nw) nw = text_w(cr, r->names[i]);
  double top = 0;
  for (size_t i = 0; i < x->dim; i++) {
    if (x->total[i].hi > top) top = x->total[i].hi;
    if (x->first[i].hi > top) top = x->first[i].hi;
  }
  double step = nice_step(top, 5);
  frame f = {nw + 30, 84, w - 30, h - 56, 0, top > 0 ? ceil(top * 1.02 / step) * step : 1, 0, 1};
  if (f.xmax > 1) f.xmax = 1;
  double bh = (f.y1 - f.y0) / (double)x->dim;
  /* Vertical grid and x ticks. */
  cairo_set_line_width(cr, 0.6);
  double xs = nice_step(f.xmax, 5);
  for (double v = 0; v <= f.xmax + 1e-9; v += xs) {
    double xx = round(px(&f, v)) + 0.5;
    cairo_set_source_rgb(cr, 0.87, 0.87, 0.87);
    cairo_move_to(cr, xx, f.y0);
    cairo_line_to(cr, xx, f.y1);
    cairo_stroke(cr);
    tick(v, xs, label, sizeof label);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    font(cr, 11, 0);
    text(cr, xx, f.y1 + 8, label, 0.5, 1);
  }
  font(cr, 12, 0);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  text(cr, (f.x0 + f.x1) / 2, f.y1 + 26, "share of the output's variance (Sobol index, 0..1)", 0.5,
       1);
  const colour *c = colour_of(0);
  /* Estimates above 1 (small samples) are cut at the frame, not drawn over the margin. */
  cairo_save(cr);
  cairo_rectangle(cr, f.x0, f.y0, f.x1 - f.x0 + 1, f.y1 - f.y0);
  cairo_clip(cr);
  for (size_t k = 0; k < x->dim; k++) {
    size_t i = order[k];
    double yc = f.y0 + bh * ((double)k + 0.5), t = bh * 0.7;
    cairo_set_source_rgba(cr, c->r, c->g, c->b, 0.3);
    cairo_rectangle(cr, f.x0, yc - t / 2, px(&f, fmax(0, x->total[i].mean)) - f.x0, t);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, c->r, c->g, c->b);
    cairo_rectangle(cr, f.x0, yc - t / 4, px(&f, fmax(0, x->first[i].mean)) - f.x0, t / 2);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 1);
    double lo = fmax(0, x->total[i].lo), hi = fmin(f.xmax, x->total[i].hi);
    cairo_move_to(cr, px(&f, lo), yc - t / 2 + 2);
    cairo_line_to(cr, px(&f, hi), yc - t / 2 + 2);
    cairo_stroke(cr);
  }
  cairo_restore(cr);
  font(cr, 11, 0);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  for (size_t k = 0; k < x->dim; k++)
    text(cr, f.x0 - 6, f.y0 + bh * ((double)k + 0.5), r->names[order[k]], 1, 0.5);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  cairo_set_line_width(cr, 1);
  cairo_move_to(cr, f.x0 + 0.5, f.y0);
  cairo_line_to(cr, f.x0 + 0.5, f.y1);
  cairo_stroke(cr);
  /* Legend */
  font(cr, 11, 0);
  cairo_set_source_rgba(cr, c->r, c->g, c->b, 0.3);
  cairo_rectangle(cr, 16, 58, 24, 10);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  text(cr, 46, 63, "total index (with interactions)", 0, 0.5);
  cairo_set_source_rgb(cr, c->r, c->g, c->b);
  cairo_rectangle(cr, 260, 60, 24, 6);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  text(cr, 290, 63, "first-order index (alone)", 0, 0.5);
}

brink_status brink_sensitivity_chart(brink_ctx *ctx, const brink_sensitivity_report *r,
                                     brink_chart_format format, brink_buf *out) {
  if (!r->indices || r->indices->dim == 0)
    return brink__fail(ctx, BRINK_EINVAL, "no parameters to draw");
  return render(ctx, format, 820, 130 + 22.0 * (double)r->indices->dim, tornado_chart, r, out);
}

/* ---- HTML --------------------------------------------------------------------------------- */

static brink_status html_text(brink_buf *out, const char *s) {
  brink_status st = BRINK_OK;
  for (; *s && !st; s++) {
    switch (*s) {
    case '<':
      st = brink_buf_puts(out, "&lt;");
      break;
    case '>':
      st = brink_buf_puts(out, "&gt;");
      break;
    case '&':
      st = brink_buf_puts(out, "&amp;");
      break;
    case '"':
      st = brink_buf_puts(out, "&quot;");
      break;
    default:
      st = brink_buf_putc(out, *s);
    }
  }
  return st;
}

brink_status brink_sweep_html(brink_ctx *ctx, const brink_sweep *sw, brink_buf *out) {
  size_t start = out->len;
  brink_buf svg;
  brink_buf_init(&svg, ctx, 0);
  brink_status st =
      brink_sweep_chart(ctx, sw, BRINK_METRIC_P_ARMED_CONFLICT, BRINK_CHART_SVG, &svg);
  if (st == BRINK_EUNSUPPORTED) st = BRINK_OK; /* the table alone */
  if (!st)
    st = brink_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                             "<title>brink sweep: ");
  if (!st) st = html_text(out, sw->scenario_name);
  if (!st)
    st = brink_buf_puts(out, "</title><style>body{font-family:sans-serif;max-width:1000px;margin:"
                             "2em auto;color:#111}table{border-collapse:collapse}td,th{padding:"
                             "2px 8px;border-bottom:1px solid #ddd;text-align:right}th{text-align:"
                             "left}</style></head><body>\n<h1>Sweep of ");
  if (!st) st = html_text(out, sw->scenario_name);
  if (!st)
    st = brink_buf_printf(out,
                          "</h1>\n<p>%s design, %zu points, %llu runs per policy and point, seed "
                          "%llu (the same random streams at every point), %g%% Wilson "
                          "intervals.</p>\n",
                          brink_sweep_design_name(sw->design), sw->n_points,
                          (unsigned long long)sw->runs, (unsigned long long)sw->seed,
                          sw->confidence * 100);
  /* SVG inline: cairo's output starts with an XML declaration, which HTML does not want. */
  const char *body = strstr(svg.data, "<svg");
  if (!st && body) st = brink_buf_printf(out, "<figure>%s</figure>\n", body);
  if (!st)
    st = brink_buf_printf(out, "<h2>P(armed conflict within %u %ss), percent</h2>\n<table><tr>",
                          sw->horizon, sw->step_unit ? sw->step_unit : "step");
  for (size_t k = 0; k < sw->n_axes && !st; k++) {
    st = brink_buf_puts(out, "<th>");
    if (!st) st = html_text(out, sw->axes[k].path);
    if (!st) st = brink_buf_puts(out, "</th>");
  }
  for (size_t p = 0; p < sw->n_policies && !st; p++) {
    st = brink_buf_puts(out, "<th>");
    if (!st) st = html_text(out, sw->policies[p]);
    if (!st) st = brink_buf_puts(out, "</th>");
  }
  if (!st) st = brink_buf_puts(out, "</tr>\n");
  for (size_t j = 0; j < sw->n_points && !st; j++) {
    st = brink_buf_puts(out, "<tr>");
    for (size_t k = 0; k < sw->n_axes && !st; k++)
      st = brink_buf_printf(out, "<td>%.6g</td>", sw->values[j * sw->n_axes + k]);
    for (size_t p = 0; p < sw->n_policies && !st; p++) {
      const double *f = cell(sw, j, p, BRINK_METRIC_P_ARMED_CONFLICT);
      st = brink_buf_printf(out, "<td>%.2f [%.2f, %.2f]</td>", 100 * f[0], 100 * f[1], 100 * f[2]);
    }
    if (!st) st = brink_buf_puts(out, "</tr>\n");
  }
  if (!st) st = brink_buf_puts(out, "</table>\n</body></html>\n");
  brink_buf_release(&svg);
  if (st) {
    out->len = start;
    if (out->cap) out->data[start] = '\0';
  }
  return st;
}
