/* SPDX-License-Identifier: MIT */
/* Sweep and sensitivity results as tidy CSV, JSON and tables for people (docs/sensitivity.md).
 * Numbers are written in the shortest form that reads back exactly, so the bytes depend only
 * on the values (and the values only on the seed). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "brink/rng.h"
#include "brink/sensitivity.h"
#include "brink/sweep.h"
#include "internal.h"

typedef struct writer {
  brink_buf *out;
  brink_status st;
} writer;

static void w_raw(writer *w, const char *s) {
  if (!w->st) w->st = brink_buf_puts(w->out, s);
}
static void w_str(writer *w, const char *s) {
  if (!w->st) w->st = s ? brink_buf_json_string(w->out, s) : brink_buf_puts(w->out, "null");
}
static void w_num(writer *w, double v) {
  if (!w->st) w->st = brink_buf_json_number(w->out, v);
}
static void w_u64(writer *w, uint64_t v) {
  if (!w->st) w->st = brink_buf_printf(w->out, "%llu", (unsigned long long)v);
}
static void w_fmt(writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void w_fmt(writer *w, const char *fmt, ...) {
  if (w->st) return;
  va_list ap;
  va_start(ap, fmt);
  w->st = brink_buf_vprintf(w->out, fmt, ap);
  va_end(ap);
}
/* A CSV field: quoted when it holds a comma, quote or newline. */
static void w_csv(writer *w, const char *s) {
  if (!strpbrk(s, ",\"\n")) {
    w_raw(w, s);
    return;
  }
  w_raw(w, "\"");
  for (const char *p = s; *p && !w->st; p++) {
    if (*p == '"') w_raw(w, "\"");
    if (!w->st) w->st = brink_buf_putc(w->out, *p);
  }
  w_raw(w, "\"");
}

/* The name of series s: a policy, or "a - b". */
static void series_name(const brink_sweep *sw, size_t s, char *out, size_t size) {
  if (s < sw->n_policies) {
    snprintf(out, size, "%s", sw->policies[s]);
    return;
  }
  size_t k = s - sw->n_policies;
  for (size_t a = 0; a < sw->n_policies; a++)
    for (size_t b = a + 1; b < sw->n_policies; b++, k--)
      if (k == 0) {
        snprintf(out, size, "%s - %s", sw->policies[a], sw->policies[b]);
        return;
      }
  snprintf(out, size, "?");
}

static const double *field(const brink_sweep *sw, size_t point, size_t series, size_t metric) {
  return &sw->stats[point * brink_point_width(sw->n_policies) +
                    (series * BRINK_METRIC_COUNT + metric) * BRINK_POINT_FIELDS];
}

brink_status brink_sweep_csv(brink_ctx *ctx, const brink_sweep *sw, brink_buf *out) {
  (void)ctx;
  writer w = {out, BRINK_OK};
  size_t start = out->len;
  w_raw(&w, "point");
  for (size_t k = 0; k < sw->n_axes; k++) {
    w_raw(&w, ",");
    w_csv(&w, sw->axes[k].path);
  }
  w_raw(&w, ",policy,metric,mean,lower,upper,runs,seed\n");
  const size_t n_series = brink_point_series(sw->n_policies);
  char name[512];
  for (size_t j = 0; j < sw->n_points && !w.st; j++)
    for (size_t s = 0; s < n_series; s++) {
      series_name(sw, s, name, sizeof name);
      for (size_t m = 0; m < BRINK_METRIC_COUNT; m++) {
        const double *f = field(sw, j, s, m);
        if (isnan(f[BRINK_POINT_MEAN])) continue; /* p_clash of a pair */
        w_u64(&w, j);
        for (size_t k = 0; k < sw->n_axes; k++) {
          w_raw(&w, ",");
          w_num(&w, sw->values[j * sw->n_axes + k]);
        }
        w_raw(&w, ",");
        w_csv(&w, name);
        w_raw(&w, ",");
        w_raw(&w, brink_sweep_metric_name((brink_sweep_metric)m));
        for (int q = BRINK_POINT_MEAN; q <= BRINK_POINT_HI; q++) {
          w_raw(&w, ",");
          w_num(&w, f[q]);
        }
        w_fmt(&w, ",%llu,%llu\n", (unsigned long long)sw->runs, (unsigned long long)sw->seed);
      }
    }
  if (w.st) {
    out->len = start;
    out->data[start] = '\0';
  }
  return w.st;
}

static void w_meta(writer *w, const char *command, const char *scenario, const char *file,
                   const char *const *overrides, size_t n_overrides, uint64_t runs, uint64_t seed,
                   double confidence, const char *posterior) {
  w_raw(w, "{\n  \"brink_version\": \"" BRINK_VERSION_STRING "\",\n  \"command\": ");
  w_str(w, command);
  w_raw(w, ",\n  \"scenario\": ");
  w_str(w, scenario);
  w_raw(w, ",\n  \"scenario_file\": ");
  w_str(w, file);
  w_raw(w, ",\n  \"overrides\": [");
  for (size_t i = 0; i < n_overrides; i++) {
    if (i) w_raw(w, ", ");
    w_str(w, overrides[i]);
  }
  w_raw(w, "],\n  \"rng\": \"" BRINK_RNG_NAME "\",\n  \"seed\": ");
  w_u64(w, seed);
  w_raw(w, ",\n  \"runs\": ");
  w_u64(w, runs);
  w_raw(w, ",\n  \"confidence\": ");
  w_num(w, confidence);
  w_raw(w, ",\n  \"posterior\": ");
  w_str(w, posterior);
}

brink_status brink_sweep_json(brink_ctx *ctx, const brink_sweep *sw, brink_buf *out) {
  (void)ctx;
  writer w = {out, BRINK_OK};
  size_t start = out->len;
  w_meta(&w, "sweep", sw->scenario_name, sw->scenario_file, sw->overrides, sw->n_overrides,
         sw->runs, sw->seed, sw->confidence, sw->posterior_file);
  w_raw(&w, ",\n  \"horizon\": ");
  w_u64(&w, sw->horizon);
  w_raw(&w, ",\n  \"step\": ");
  w_str(&w, sw->step_unit);
  w_raw(&w, ",\n  \"design\": ");
  w_str(&w, brink_sweep_design_name(sw->design));
  w_raw(&w, ",\n  \"parameters\": [");
  for (size_t k = 0; k < sw->n_axes; k++) {
    w_raw(&w, k ? ",\n    " : "\n    ");
    w_raw(&w, "{\"path\": ");
    w_str(&w, sw->axes[k].path);
    w_raw(&w, ", \"lo\": ");
    w_num(&w, sw->axes[k].lo);
    w_raw(&w, ", \"hi\": ");
    w_num(&w, sw->axes[k].hi);
    if (sw->design == BRINK_DESIGN_GRID) {
      w_raw(&w, ", \"levels\": ");
      w_u64(&w, sw->axes[k].levels);
    }
    w_raw(&w, "}");
  }
  w_raw(&w, "],\n  \"policies\": [");
  for (size_t i = 0; i < sw->n_policies; i++) {
    if (i) w_raw(&w, ", ");
    w_str(&w, sw->policies[i]);
  }
  w_raw(&w, "],\n  \"metrics\": {");
  for (size_t m = 0; m < BRINK_METRIC_COUNT; m++) {
    if (m) w_raw(&w, ", ");
    w_str(&w, brink_sweep_metric_name((brink_sweep_metric)m));
    w_raw(&w, ": ");
    w_str(&w, brink_sweep_metric_unit((brink_sweep_metric)m));
  }
  w_raw(&w, "},\n  \"points\": [");
  const size_t n_series = brink_point_series(sw->n_policies);
  char name[512];
  for (size_t j = 0; j < sw->n_points && !w.st; j++) {
    w_raw(&w, j ? ",\n    {\"values\": [" : "\n    {\"values\": [");
    for (size_t k = 0; k < sw->n_axes; k++) {
      if (k) w_raw(&w, ", ");
      w_num(&w, sw->values[j * sw->n_axes + k]);
    }
    w_raw(&w, "], \"series\": {");
    for (size_t s = 0; s < n_series; s++) {
      series_name(sw, s, name, sizeof name);
      w_raw(&w, s ? ",\n      " : "\n      ");
      w_str(&w, name);
      w_raw(&w, ": {");
      int first = 1;
      for (size_t m = 0; m < BRINK_METRIC_COUNT; m++) {
        const double *f = field(sw, j, s, m);
        if (isnan(f[BRINK_POINT_MEAN])) continue;
        if (!first) w_raw(&w, ", ");
        first = 0;
        w_str(&w, brink_sweep_metric_name((brink_sweep_metric)m));
        w_raw(&w, ": {\"mean\": ");
        w_num(&w, f[BRINK_POINT_MEAN]);
        w_raw(&w, ", \"lower\": ");
        w_num(&w, f[BRINK_POINT_LO]);
        w_raw(&w, ", \"upper\": ");
        w_num(&w, f[BRINK_POINT_HI]);
        w_raw(&w, "}");
      }
      w_raw(&w, "}");
    }
    w_raw(&w, "}}");
  }
  w_raw(&w, "\n  ]\n}\n");
  if (w.st) {
    out->len = start;
    out->data[start] = '\0';
  }
  return w.st;
}

brink_status brink_sweep_table(brink_ctx *ctx, const brink_sweep *sw, brink_buf *out) {
  (void)ctx;
  writer w = {out, BRINK_OK};
  size_t start = out->len;
  w_fmt(&w,
        "sweep of %s: %s design, %zu points, %llu runs per policy and point, seed %llu, "
        "%g%% intervals\n",
        sw->scenario_name, brink_sweep_design_name(sw->design), sw->n_points,
        (unsigned long long)sw->runs, (unsigned long long)sw->seed, sw->confidence * 100);
  w_fmt(&w, "P(armed conflict within %u %ss), percent [interval]\n\n", sw->horizon,
        sw->step_unit ? sw->step_unit : "step");
  for (size_t k = 0; k < sw->n_axes; k++)
    w_fmt(&w, "%-14.14s ",
          strchr(sw->axes[k].path, '.') ? strrchr(sw->axes[k].path, '.') + 1 : sw->axes[k].path);
  for (size_t i = 0; i < sw->n_policies; i++) w_fmt(&w, " %-22.22s", sw->policies[i]);
  w_raw(&w, "\n");
  for (size_t j = 0; j < sw->n_points && !w.st; j++) {
    for (size_t k = 0; k < sw->n_axes; k++) w_fmt(&w, "%-14.6g ", sw->values[j * sw->n_axes + k]);
    for (size_t i = 0; i < sw->n_policies; i++) {
      const double *f = field(sw, j, i, BRINK_METRIC_P_ARMED_CONFLICT);
      w_fmt(&w, " %5.1f [%5.1f, %5.1f]     ", 100 * f[0], 100 * f[1], 100 * f[2]);
    }
    w_raw(&w, "\n");
  }
  w_raw(&w, "\nprobabilities: share of runs with Wilson intervals; every point uses the same "
            "seed (common random numbers)\n");
  if (w.st) {
    out->len = start;
    out->data[start] = '\0';
  }
  return w.st;
}

/* ---- Sensitivity -------------------------------------------------------------------------- */

/* Parameters in the order of decreasing total index (ties: the scenario's order). */
static void order_by_total(const brink_sobol_indices *x, size_t *order) {
  for (size_t i = 0; i < x->dim; i++) order[i] = i;
  for (size_t i = 1; i < x->dim; i++) /* insertion sort: stable, d <= 40 */
    for (size_t k = i; k > 0 && x->total[order[k]].mean > x->total[order[k - 1]].mean; k--) {
      size_t t = order[k];
      order[k] = order[k - 1];
      order[k - 1] = t;
    }
}

void brink_sobol_indices_order(const brink_sobol_indices *x, size_t *order) {
  order_by_total(x, order);
}

brink_status brink_sensitivity_json(brink_ctx *ctx, const brink_sensitivity_report *r,
                                    brink_buf *out) {
  (void)ctx;
  writer w = {out, BRINK_OK};
  size_t start = out->len;
  const brink_sobol_indices *x = r->indices;
  w_meta(&w, "sensitivity", r->scenario_name, r->scenario_file, r->overrides, r->n_overrides,
         r->runs, r->seed, x->confidence, r->posterior_file);
  w_raw(&w, ",\n  \"metric\": ");
  w_str(&w, r->metric);
  w_raw(&w, ",\n  \"metric_unit\": ");
  w_str(&w, r->metric_unit);
  w_raw(&w, ",\n  \"method\": \"Sobol indices: Saltelli 2010 first order, Jansen 1999 total, ");
  w_raw(&w, x->latin ? "Latin hypercube design (more than 40 inputs)" : "GSL Sobol design");
  w_raw(&w, ", percentile bootstrap over base rows\"");
  w_raw(&w, ",\n  \"samples\": ");
  w_u64(&w, x->n_base);
  w_raw(&w, ",\n  \"evaluations\": ");
  w_u64(&w, x->n_base * (x->dim + 2));
  w_raw(&w, ",\n  \"bootstrap\": ");
  w_u64(&w, x->bootstrap);
  w_raw(&w, ",\n  \"output_mean\": ");
  w_num(&w, x->mean);
  w_raw(&w, ",\n  \"output_variance\": ");
  w_num(&w, x->variance);
  w_raw(&w, ",\n  \"noise_variance\": ");
  w_num(&w, x->noise_variance >= 0 ? x->noise_variance : (double)NAN);
  w_raw(&w, ",\n  \"parameters\": [");
  size_t order[BRINK_SOBOL_MAX_DIM];
  order_by_total(x, order);
  for (size_t k = 0; k < x->dim; k++) {
    size_t i = order[k];
    w_raw(&w, k ? ",\n    {\"name\": " : "\n    {\"name\": ");
    w_str(&w, r->names[i]);
    w_raw(&w, ", \"unit\": ");
    w_str(&w, r->units ? r->units[i] : NULL);
    w_raw(&w, ", \"first\": {\"mean\": ");
    w_num(&w, x->first[i].mean);
    w_raw(&w, ", \"lower\": ");
    w_num(&w, x->first[i].lo);
    w_raw(&w, ", \"upper\": ");
    w_num(&w, x->first[i].hi);
    w_raw(&w, "}, \"total\": {\"mean\": ");
    w_num(&w, x->total[i].mean);
    w_raw(&w, ", \"lower\": ");
    w_num(&w, x->total[i].lo);
    w_raw(&w, ", \"upper\": ");
    w_num(&w, x->total[i].hi);
    w_raw(&w, "}}");
  }
  w_raw(&w, "\n  ]\n}\n");
  if (w.st) {
    out->len = start;
    out->data[start] = '\0';
  }
  return w.st;
}

brink_status brink_sensitivity_csv(brink_ctx *ctx, const brink_sensitivity_report *r,
                                   brink_buf *out) {
  (void)ctx;
  writer w = {out, BRINK_OK};
  size_t start = out->len;
  const brink_sobol_indices *x = r->indices;
  w_raw(&w, "parameter,index,mean,lower,upper,metric,samples,runs,seed\n");
  size_t order[BRINK_SOBOL_MAX_DIM];
  order_by_total(x, order);
  for (size_t k = 0; k < x->dim; k++) {
    size_t i = order[k];
    for (int t = 0; t < 2; t++) {
      brink_estimate e = t ? x->total[i] : x->first[i];
      w_csv(&w, r->names[i]);
      w_raw(&w, t ? ",total," : ",first,");
      w_num(&w, e.mean);
      w_raw(&w, ",");
      w_num(&w, e.lo);
      w_raw(&w, ",");
      w_num(&w, e.hi);
      w_raw(&w, ",");
      w_csv(&w, r->metric);
      w_fmt(&w, ",%zu,%llu,%llu\n", x->n_base, (unsigned long long)r->runs,
            (unsigned long long)r->seed);
    }
  }
  if (w.st) {
    out->len = start;
    out->data[start] = '\0';
  }
  return w.st;
}

brink_status brink_sensitivity_table(brink_ctx *ctx, const brink_sensitivity_report *r,
                                     brink_buf *out) {
  (void)ctx;
  writer w = {out, BRINK_OK};
  size_t start = out->len;
  const brink_sobol_indices *x = r->indices;
  w_fmt(&w,
        "sensitivity of %s (%s) in %s: Sobol indices of %zu parameters\n"
        "%zu base samples x (%zu + 2) = %zu points (%s design), %llu runs per policy and point, "
        "seed %llu; %g%% bootstrap intervals (%zu resamples)\n\n",
        r->metric, r->metric_unit ? r->metric_unit : "", r->scenario_name, x->dim, x->n_base,
        x->dim, x->n_base * (x->dim + 2), x->latin ? "Latin hypercube" : "Sobol",
        (unsigned long long)r->runs, (unsigned long long)r->seed, x->confidence * 100,
        x->bootstrap);
  w_fmt(&w, "%-28s %-24s %-24s\n", "parameter", "first order [interval]", "total [interval]");
  size_t order[BRINK_SOBOL_MAX_DIM];
  order_by_total(x, order);
  for (size_t k = 0; k < x->dim; k++) {
    size_t i = order[k];
    w_fmt(&w, "%-28.28s %6.3f [%6.3f, %6.3f]   %6.3f [%6.3f, %6.3f]\n", r->names[i],
          x->first[i].mean, x->first[i].lo, x->first[i].hi, x->total[i].mean, x->total[i].lo,
          x->total[i].hi);
  }
  w_fmt(&w, "\noutput over the design: mean %.4g, variance %.4g", x->mean, x->variance);
  if (x->noise_variance >= 0)
    w_fmt(&w, "; Monte Carlo noise variance per point %.3g (%.1f%% of the variance)",
          x->noise_variance, x->variance > 0 ? 100 * x->noise_variance / x->variance : 0.0);
  w_raw(&w, "\nindices are shares of the output's variance (0..1); sorted by total index\n");
  if (w.st) {
    out->len = start;
    out->data[start] = '\0';
  }
  return w.st;
}
