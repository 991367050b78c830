/* SPDX-License-Identifier: MIT */
/* Proper scores of count forecasts against the record: the forecast JSON reader, CRPS / log /
 * Brier on a pmf, the persistence and climatology baselines from the record before the origin,
 * reference forecasts, skill, and the table in three formats (docs/validation.md). */
#include <math.h>
#include <string.h>

#include "brink/events.h"
#include "brink/score.h"
#include "json_internal.h"
#include "report_internal.h"

/* Climatology starts here (issue 14: "the years 2006 -> origin"). */
#define CLIMATOLOGY_FROM 20060101
/* Poisson pmf is cut where the remaining mass is below this (then renormalised). */
#define POISSON_TAIL 1e-15
#define NO_VALUE ((double)NAN)
#define HIST_MAX_BINS ((size_t)1 << 20)

/* ---- Scores ----------------------------------------------------------------------------- */

double brink_score_crps(const double *pmf, size_t n, uint64_t y) {
  /* Terms past max(n - 1, y) are (1 - 1)^2 = 0: F(k) = 1 there and the step is 1. */
  double sum = 0.0, cdf = 0.0;
  uint64_t last = (uint64_t)n > y ? (uint64_t)n - 1 : y;
  for (uint64_t k = 0; k <= last; k++) {
    if (k < n) cdf += pmf[k];
    double F = cdf > 1.0 ? 1.0 : cdf;
    double step = y <= k ? 1.0 : 0.0;
    sum += (F - step) * (F - step);
  }
  return sum;
}

double brink_score_log(const double *pmf, size_t n, uint64_t y) {
  double p = y < n ? pmf[y] : 0.0;
  return 0.0 -
         log(p > BRINK_SCORE_LOG_FLOOR ? p : BRINK_SCORE_LOG_FLOOR); /* +0, not -0, at p = 1 */
}

double brink_score_brier(const double *pmf, size_t n, uint64_t y) {
  double p0 = n ? pmf[0] : 1.0;
  double p1 = 1.0 - p0;
  if (p1 < 0.0) p1 = 0.0;
  double o = y >= 1 ? 1.0 : 0.0;
  return (p1 - o) * (p1 - o);
}

const char *brink_score_metric_name(int metric) {
  static const char *const names[] = {"crps", "log", "brier"};
  return metric >= 0 && metric < BRINK_SCORE_METRIC_COUNT ? names[metric] : NULL;
}

/* ---- Forecast reader -------------------------------------------------------------------- */

typedef struct reader {
  brink_ctx *ctx;
  const char *name;
  brink_status status;
} reader;

static void wrong(reader *r, const jnode *n, const char *where, const char *expected) {
  if (r->status) return;
  r->status = brink__fail(r->ctx, BRINK_EPARSE, "%s:%u:%u: %s: expected %s, got %s '%.40s'",
                          r->name, n->line, n->col, where, expected, brink__json_kind_word(n),
                          n->text ? n->text : (n->kind == J_OBJ ? "{...}" : "[...]"));
}

static const jnode *need(reader *r, const jnode *obj, const char *key, const char *where,
                         jkind kind) {
  if (r->status) return NULL;
  const jnode *v = brink__json_lookup(obj, key);
  if (!v) {
    r->status = brink__fail(r->ctx, BRINK_EPARSE, "%s:%u:%u: %s: missing key '%s'", r->name,
                            obj->line, obj->col, where, key);
    return NULL;
  }
  int ok = kind == J_PLAIN ? v->kind == J_PLAIN
           : kind == J_STR ? v->kind == J_STR
                           : v->kind == kind;
  if (!ok) {
    wrong(r, v, key,
          kind == J_OBJ   ? "an object"
          : kind == J_ARR ? "an array"
          : kind == J_STR ? "a string"
                          : "a number");
    return NULL;
  }
  return v;
}

static uint64_t get_u64(reader *r, const jnode *obj, const char *key, const char *where) {
  const jnode *v = need(r, obj, key, where, J_PLAIN);
  int64_t x = 0;
  if (!v) return 0;
  if (brink_parse_i64(v->text, v->len, &x) || x < 0) {
    wrong(r, v, key, "a whole number >= 0");
    return 0;
  }
  return (uint64_t)x;
}

static int32_t get_date(reader *r, const jnode *obj, const char *key, const char *where) {
  const jnode *v = need(r, obj, key, where, J_STR);
  int32_t d = 0;
  if (!v) return 0;
  if (brink_event_date_parse(v->text, v->len, &d)) wrong(r, v, key, "a date YYYY-MM-DD");
  return d;
}

static double get_opt_number(reader *r, const jnode *obj, const char *key) {
  const jnode *v = brink__json_lookup(obj, key);
  double x = NO_VALUE;
  if (!v || r->status || brink__json_is_null(v)) return NO_VALUE;
  if (v->kind != J_PLAIN || brink_parse_f64(v->text, v->len, &x)) wrong(r, v, key, "a number");
  return x;
}

static void read_cell(reader *r, const jnode *n, uint64_t runs, const char *series,
                      brink_prediction_cell *c) {
  if (n->kind != J_OBJ) {
    wrong(r, n, series, "an object");
    return;
  }
  const jnode *hist = need(r, n, "hist", series, J_ARR);
  if (!hist) return;
  if (hist->n == 0 || hist->n > HIST_MAX_BINS) {
    wrong(r, hist, "hist", "a non-empty array of run counts");
    return;
  }
  c->hist = brink_calloc(r->ctx, hist->n, sizeof *c->hist);
  if (!c->hist) {
    r->status = BRINK_ENOMEM;
    return;
  }
  c->n_hist = hist->n;
  for (size_t k = 0; k < hist->n && !r->status; k++) {
    const jnode *v = hist->kids[k];
    int64_t x = 0;
    if (v->kind != J_PLAIN || brink_parse_i64(v->text, v->len, &x) || x < 0) {
      wrong(r, v, "hist", "a whole number of runs >= 0");
      return;
    }
    c->hist[k] = (uint64_t)x;
    c->total += (uint64_t)x;
  }
  if (!r->status && c->total != runs)
    r->status = brink__fail(
        r->ctx, BRINK_EPARSE, "%s:%u:%u: %s.hist: sums to %llu runs, expected runs = %llu", r->name,
        hist->line, hist->col, series, (unsigned long long)c->total, (unsigned long long)runs);
  c->mean = get_opt_number(r, n, "mean");
  c->q05 = get_opt_number(r, n, "q05");
  c->q50 = get_opt_number(r, n, "q50");
  c->q95 = get_opt_number(r, n, "q95");
  c->present = !r->status;
}

void brink_prediction_free(brink_prediction *fc) {
  if (!fc) return;
  for (size_t w = 0; w < fc->n_windows; w++)
    for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++)
      brink_free(fc->ctx, fc->windows[w].series[s].hist);
  brink_free(fc->ctx, fc->windows);
  brink_free(fc->ctx, fc);
}

brink_status brink_prediction_parse(brink_ctx *ctx, const char *text, size_t len, const char *name,
                                    brink_prediction **out) {
  jnode *root = NULL;
  brink_prediction *fc = NULL;
  reader r = {ctx, name ? name : "forecast", BRINK_OK};
  *out = NULL;
  if (!text && len) return brink__fail(ctx, BRINK_EINVAL, "no text to parse");
  r.status = brink__json_parse(ctx, text ? text : "", len, r.name, "a forecast", &root);
  if (r.status) goto done;
  const jnode *f = need(&r, root, "forecast", "top level", J_OBJ);
  if (!f) goto done;
  fc = brink_calloc(ctx, 1, sizeof *fc);
  if (!fc) {
    r.status = BRINK_ENOMEM;
    goto done;
  }
  fc->ctx = ctx;
  fc->origin = get_date(&r, f, "origin", "forecast");
  fc->runs = get_u64(&r, f, "runs", "forecast");
  fc->seed = get_u64(&r, f, "seed", "forecast");
  const jnode *ws = need(&r, f, "windows", "forecast", J_ARR);
  if (!ws) goto done;
  if (fc->runs == 0) {
    const jnode *v = brink__json_lookup(f, "runs");
    wrong(&r, v, "runs", "at least 1 run");
    goto done;
  }
  fc->windows = brink_calloc(ctx, ws->n ? ws->n : 1, sizeof *fc->windows);
  if (!fc->windows) {
    r.status = BRINK_ENOMEM;
    goto done;
  }
  fc->n_windows = ws->n;
  for (size_t w = 0; w < ws->n && !r.status; w++) {
    const jnode *wn = ws->kids[w];
    brink_prediction_window *win = &fc->windows[w];
    if (wn->kind != J_OBJ) {
      wrong(&r, wn, "windows[]", "an object");
      break;
    }
    win->start = get_date(&r, wn, "start", "window");
    win->end = get_date(&r, wn, "end", "window");
    if (r.status) break;
    int32_t want = brink_record_date_add(fc->origin, 364 * (int64_t)w);
    if (win->start != want || win->end != brink_record_date_add(want, 363)) {
      const jnode *v = brink__json_lookup(wn, "start");
      r.status = brink__fail(ctx, BRINK_EPARSE,
                             "%s:%u:%u: windows[%zu]: %d..%d: expected the 52-week window "
                             "%d..%d (origin + 364k to origin + 364(k+1) - 1)",
                             r.name, v->line, v->col, w, win->start, win->end, want,
                             brink_record_date_add(want, 363));
      break;
    }
    const jnode *series = need(&r, wn, "series", "window", J_OBJ);
    for (size_t i = 0; series && i + 1 < series->n && !r.status; i += 2) {
      brink_record_series s = brink_record_series_find(series->kids[i]->text);
      if (s == BRINK_RECORD_SERIES_COUNT) continue; /* other series: not ours to score */
      read_cell(&r, series->kids[i + 1], fc->runs, series->kids[i]->text, &win->series[s]);
    }
  }

done:
  brink__json_free(ctx, root);
  if (r.status) {
    brink_prediction_free(fc);
    if (r.status == BRINK_ENOMEM) brink__fail(ctx, BRINK_ENOMEM, "%s: out of memory", r.name);
    return r.status;
  }
  *out = fc;
  return BRINK_OK;
}

brink_status brink_prediction_load(brink_ctx *ctx, const char *path, brink_prediction **out) {
  char *text = NULL;
  size_t len = 0;
  *out = NULL;
  brink_status st = brink__read_file_alloc(ctx, path, JSON_MAX_BYTES, &text, &len);
  if (!st) st = brink_prediction_parse(ctx, text, len, path, out);
  brink_free(ctx, text);
  return st;
}

/* ---- Baselines and scoring -------------------------------------------------------------- */

void brink_score_table_free(brink_score_table *t) {
  if (!t) return;
  brink_free(t->ctx, t->cells);
  brink_free(t->ctx, t);
}

const brink_score_cell *brink_score_table_cell(const brink_score_table *t, size_t w,
                                               brink_record_series s) {
  return &t->cells[w * BRINK_RECORD_SERIES_COUNT + (size_t)s];
}

/* Poisson(mean) pmf into a new array, cut where the tail is below POISSON_TAIL. */
static brink_status poisson_pmf(brink_ctx *ctx, double mean, double **pmf, size_t *n) {
  size_t cap = (size_t)(mean + 12.0 * sqrt(mean) + 40.0);
  double *p = brink_calloc(ctx, cap, sizeof *p);
  if (!p) return BRINK_ENOMEM;
  double term = exp(-mean), cdf = 0.0;
  size_t k = 0;
  for (; k < cap; k++) {
    p[k] = term;
    cdf += term;
    if (1.0 - cdf < POISSON_TAIL && (double)k >= mean) {
      k++;
      break;
    }
    term *= mean / (double)(k + 1);
  }
  for (size_t i = 0; i < k; i++) p[i] /= cdf;
  *pmf = p;
  *n = k;
  return BRINK_OK;
}

static double pmf_mean(const double *pmf, size_t n) {
  double m = 0.0;
  for (size_t k = 0; k < n; k++) m += (double)k * pmf[k];
  return m;
}

static void score_pmf(brink_score_cell *c, size_t model, const double *pmf, size_t n) {
  c->has[model] = 1;
  c->mean[model] = pmf_mean(pmf, n);
  c->score[model][BRINK_SCORE_CRPS] = brink_score_crps(pmf, n, c->observed);
  c->score[model][BRINK_SCORE_LOG] = brink_score_log(pmf, n, c->observed);
  c->score[model][BRINK_SCORE_BRIER] = brink_score_brier(pmf, n, c->observed);
}

/* A histogram as a pmf in work (at least n_hist long). */
static void hist_pmf(const brink_prediction_cell *fc, double *work) {
  for (size_t k = 0; k < fc->n_hist; k++) work[k] = (double)fc->hist[k] / (double)fc->total;
}

brink_status brink_score_run(brink_ctx *ctx, const brink_prediction *fc, const brink_record *rec,
                             int32_t record_end, const brink_score_reference *refs, size_t n_refs,
                             brink_score_table **out) {
  brink_score_table *t = NULL;
  brink_record *past = NULL;
  double *work = NULL, *pois = NULL, *clim = NULL;
  uint32_t *clim_counts = NULL;
  size_t n_work = 1;
  brink_status st = BRINK_OK;
  *out = NULL;
  if (n_refs > BRINK_SCORE_MAX_MODELS - 3)
    return brink__fail(ctx, BRINK_EINVAL, "%zu reference models: at most %d", n_refs,
                       BRINK_SCORE_MAX_MODELS - 3);
  for (size_t i = 0; i < n_refs; i++) {
    if (refs[i].forecast->origin != fc->origin)
      return brink__fail(ctx, BRINK_EINVAL,
                         "reference '%s': origin %d, expected the forecast's origin %d",
                         refs[i].name, refs[i].forecast->origin, fc->origin);
  }
  t = brink_calloc(ctx, 1, sizeof *t);
  if (!t) goto nomem;
  t->ctx = ctx;
  t->origin = fc->origin;
  t->runs = fc->runs;
  t->seed = fc->seed;
  t->record_end = record_end;
  t->n_windows = fc->n_windows;
  t->n_models = 3 + n_refs;
  t->model_names[0] = "forecast";
  t->model_names[1] = "persistence";
  t->model_names[2] = "climatology";
  for (size_t i = 0; i < n_refs; i++) t->model_names[3 + i] = refs[i].name;
  t->cells = brink_calloc(ctx, (fc->n_windows ? fc->n_windows : 1) * BRINK_RECORD_SERIES_COUNT,
                          sizeof *t->cells);
  if (!t->cells) goto nomem;
  /* The baselines see only the rows before the origin: they are built from a truncated copy,
   * so no later row can reach them whatever the counting code does. */
  st = brink_record_before(rec, fc->origin, &past);
  if (st) goto done;
  for (size_t w = 0; w < fc->n_windows; w++)
    for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++) {
      const brink_prediction_cell *c = &fc->windows[w].series[s];
      if (c->n_hist > n_work) n_work = c->n_hist;
      for (size_t i = 0; i < n_refs; i++)
        if (w < refs[i].forecast->n_windows &&
            refs[i].forecast->windows[w].series[s].n_hist > n_work)
          n_work = refs[i].forecast->windows[w].series[s].n_hist;
    }
  /* climatology windows: j = 0, 1, ... while the window starts on or after 2006-01-01 */
  size_t years = 0;
  while (brink_record_date_add(fc->origin, -364 * (int64_t)(years + 1)) >= CLIMATOLOGY_FROM)
    years++;
  t->climatology_years = years;
  t->climatology_from = years ? brink_record_date_add(fc->origin, -364 * (int64_t)years) : 0;
  work = brink_calloc(ctx, n_work + 1, sizeof *work);
  clim_counts = brink_calloc(ctx, years + 1, sizeof *clim_counts);
  if (!work || !clim_counts) goto nomem;

  for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++) {
    brink_record_series series = (brink_record_series)s;
    uint32_t before = 0;
    brink_record_series_windows(past, series, fc->origin, -1, 1, &before);
    t->persistence_count[s] = before;
    size_t n_pois = 0;
    brink_free(ctx, pois);
    pois = NULL;
    st = poisson_pmf(ctx, (double)before, &pois, &n_pois);
    if (st) goto nomem;
    /* climatology: the empirical pmf of the past 52-week counts */
    size_t n_clim = 1;
    for (size_t j = 0; j < years; j++) {
      brink_record_series_windows(past, series, fc->origin, -(int)(j + 1), 1, &clim_counts[j]);
      if (clim_counts[j] + (size_t)1 > n_clim) n_clim = clim_counts[j] + (size_t)1;
    }
    brink_free(ctx, clim);
    clim = brink_calloc(ctx, n_clim, sizeof *clim);
    if (!clim) goto nomem;
    for (size_t j = 0; j < years; j++) clim[clim_counts[j]] += 1.0 / (double)years;
    for (size_t w = 0; w < fc->n_windows; w++) {
      const brink_prediction_window *win = &fc->windows[w];
      brink_score_cell *cell = &t->cells[w * BRINK_RECORD_SERIES_COUNT + (size_t)s];
      cell->observed = brink_record_series_count(rec, series, win->start,
                                                 brink_record_date_add(win->start, 364));
      cell->scored = win->series[s].present && win->end <= record_end;
      if (!cell->scored) continue;
      memset(work, 0, (n_work + 1) * sizeof *work);
      hist_pmf(&win->series[s], work);
      score_pmf(cell, BRINK_SCORE_MODEL_FORECAST, work, win->series[s].n_hist);
      score_pmf(cell, BRINK_SCORE_MODEL_PERSISTENCE, pois, n_pois);
      cell->mean[BRINK_SCORE_MODEL_PERSISTENCE] = (double)before; /* exact, not the cut pmf's */
      if (years) score_pmf(cell, BRINK_SCORE_MODEL_CLIMATOLOGY, clim, n_clim);
      for (size_t i = 0; i < n_refs; i++) {
        const brink_prediction *ref = refs[i].forecast;
        if (w >= ref->n_windows || !ref->windows[w].series[s].present) continue;
        memset(work, 0, (n_work + 1) * sizeof *work);
        hist_pmf(&ref->windows[w].series[s], work);
        score_pmf(cell, 3 + i, work, ref->windows[w].series[s].n_hist);
      }
    }
  }
  goto done;

nomem:
  st = brink__fail(ctx, BRINK_ENOMEM, "scoring: out of memory");
done:
  brink_free(ctx, work);
  brink_free(ctx, pois);
  brink_free(ctx, clim);
  brink_free(ctx, clim_counts);
  brink_record_free(past);
  if (st) {
    brink_score_table_free(t);
    return st;
  }
  *out = t;
  return BRINK_OK;
}

void brink_score_skill(const brink_score_table *t, brink_record_series s, int metric, size_t model,
                       size_t baseline, double *mean_model, double *mean_baseline, double *skill,
                       size_t *n_windows) {
  double a = 0.0, b = 0.0;
  size_t n = 0;
  for (size_t w = 0; w < t->n_windows; w++) {
    const brink_score_cell *c = brink_score_table_cell(t, w, s);
    if (!c->scored || !c->has[model] || !c->has[baseline]) continue;
    a += c->score[model][metric];
    b += c->score[baseline][metric];
    n++;
  }
  *n_windows = n;
  *mean_model = n ? a / (double)n : NO_VALUE;
  *mean_baseline = n ? b / (double)n : NO_VALUE;
  /* A baseline that scores (up to rounding) perfectly leaves no room for skill: no value. */
  *skill = n && b > 1e-12 * (double)n ? 1.0 - a / b : NO_VALUE;
}

/* ---- Output ----------------------------------------------------------------------------- */

static void put_date(brink_buf *b, int32_t d, brink_status *st) {
  if (!*st) *st = brink_buf_printf(b, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
}

static void put_num(brink_buf *b, double v, brink_status *st) {
  if (!*st) *st = brink_buf_json_number(b, v);
}

#define PUT(...)                                                                                   \
  do {                                                                                             \
    if (!st) st = brink_buf_printf(out, __VA_ARGS__);                                              \
  } while (0)

/* Skill pairs shown: the forecast and each reference against every other baseline. */
static int pair_shown(size_t model, size_t baseline) {
  return model != BRINK_SCORE_MODEL_PERSISTENCE && model != BRINK_SCORE_MODEL_CLIMATOLOGY &&
         baseline != model && baseline != BRINK_SCORE_MODEL_FORECAST;
}

static brink_status write_table(const brink_score_table *t, brink_buf *out) {
  brink_status st = BRINK_OK;
  PUT("forecast from ");
  put_date(out, t->origin, &st);
  PUT(": %llu runs, seed %llu; record to ", (unsigned long long)t->runs,
      (unsigned long long)t->seed);
  put_date(out, t->record_end, &st);
  PUT("\npersistence: Poisson, mean = count in ");
  put_date(out, brink_record_date_add(t->origin, -364), &st);
  PUT(" .. ");
  put_date(out, brink_record_date_add(t->origin, -1), &st);
  PUT("\nclimatology: ");
  if (t->climatology_years) {
    PUT("empirical, %zu 52-week windows from ", t->climatology_years);
    put_date(out, t->climatology_from, &st);
    PUT(" to ");
    put_date(out, brink_record_date_add(t->origin, -1), &st);
  } else {
    PUT("none (origin before 2007-01-01)");
  }
  PUT("\n\n%-10s  %-16s %4s  %-12s %8s %8s %8s %8s\n", "window", "series", "obs", "model", "mean",
      "crps", "log", "brier");
  for (size_t w = 0; w < t->n_windows; w++) {
    int32_t start = brink_record_date_add(t->origin, 364 * (int64_t)w);
    for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++) {
      const brink_score_cell *c = brink_score_table_cell(t, w, (brink_record_series)s);
      if (!c->scored) continue;
      int first = 1;
      for (size_t m = 0; m < t->n_models; m++) {
        if (!c->has[m]) continue;
        if (first) {
          put_date(out, start, &st);
          PUT("  %-16s %4u  ", brink_record_series_name((brink_record_series)s), c->observed);
        } else {
          PUT("%-10s  %-16s %4s  ", "", "", "");
        }
        first = 0;
        PUT("%-12s %8.3f %8.4f %8.4f %8.4f\n", t->model_names[m], c->mean[m],
            c->score[m][BRINK_SCORE_CRPS], c->score[m][BRINK_SCORE_LOG],
            c->score[m][BRINK_SCORE_BRIER]);
      }
    }
  }
  for (size_t w = 0; w < t->n_windows; w++) {
    int32_t start = brink_record_date_add(t->origin, 364 * (int64_t)w);
    if (brink_record_date_add(start, 363) > t->record_end) {
      PUT("window ");
      put_date(out, start, &st);
      PUT(" not scored: it ends after the record\n");
    }
  }
  PUT("\nskill = 1 - score/score_baseline, mean scores over the scored windows (n)\n");
  PUT("%-16s %-6s %-12s %-12s %10s %10s %8s %3s\n", "series", "metric", "model", "baseline",
      "score", "baseline", "skill", "n");
  for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++)
    for (int metric = 0; metric < BRINK_SCORE_METRIC_COUNT; metric++)
      for (size_t m = 0; m < t->n_models; m++)
        for (size_t b = 1; b < t->n_models; b++) {
          if (!pair_shown(m, b)) continue;
          double a, bb, skill;
          size_t n;
          brink_score_skill(t, (brink_record_series)s, metric, m, b, &a, &bb, &skill, &n);
          if (!n) continue;
          PUT("%-16s %-6s %-12s %-12s %10.4f %10.4f ",
              brink_record_series_name((brink_record_series)s), brink_score_metric_name(metric),
              t->model_names[m], t->model_names[b], a, bb);
          if (isnan(skill))
            PUT("%8s %3zu\n", "n/a", n);
          else
            PUT("%8.3f %3zu\n", skill, n);
        }
  return st;
}

static brink_status write_csv(const brink_score_table *t, brink_buf *out) {
  brink_status st = BRINK_OK;
  PUT("window_start,window_end,series,observed,model,mean,crps,log,brier\n");
  for (size_t w = 0; w < t->n_windows; w++) {
    int32_t start = brink_record_date_add(t->origin, 364 * (int64_t)w);
    for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++) {
      const brink_score_cell *c = brink_score_table_cell(t, w, (brink_record_series)s);
      if (!c->scored) continue;
      for (size_t m = 0; m < t->n_models; m++) {
        if (!c->has[m]) continue;
        put_date(out, start, &st);
        PUT(",");
        put_date(out, brink_record_date_add(start, 363), &st);
        PUT(",%s,%u,%s,", brink_record_series_name((brink_record_series)s), c->observed,
            t->model_names[m]);
        put_num(out, c->mean[m], &st);
        for (int metric = 0; metric < BRINK_SCORE_METRIC_COUNT; metric++) {
          PUT(",");
          put_num(out, c->score[m][metric], &st);
        }
        PUT("\n");
      }
    }
  }
  return st;
}

static brink_status write_json(const brink_score_table *t, brink_buf *out) {
  brink_status st = BRINK_OK;
  PUT("{\"score\": {\"origin\": \"");
  put_date(out, t->origin, &st);
  PUT("\", \"runs\": %llu, \"seed\": %llu", (unsigned long long)t->runs,
      (unsigned long long)t->seed);
  PUT(", \"record_end\": \"");
  put_date(out, t->record_end, &st);
  PUT("\",\n  \"baselines\": {\"persistence\": {\"from\": \"");
  put_date(out, brink_record_date_add(t->origin, -364), &st);
  PUT("\", \"counts\": {");
  for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++)
    PUT("%s\"%s\": %u", s ? ", " : "", brink_record_series_name((brink_record_series)s),
        t->persistence_count[s]);
  PUT("}}, \"climatology\": {\"windows\": %zu, \"from\": ", t->climatology_years);
  if (t->climatology_years) {
    PUT("\"");
    put_date(out, t->climatology_from, &st);
    PUT("\"");
  } else {
    PUT("null");
  }
  PUT("}},\n  \"windows\": [");
  for (size_t w = 0; w < t->n_windows; w++) {
    int32_t start = brink_record_date_add(t->origin, 364 * (int64_t)w);
    PUT("%s\n    {\"start\": \"", w ? "," : "");
    put_date(out, start, &st);
    PUT("\", \"end\": \"");
    put_date(out, brink_record_date_add(start, 363), &st);
    PUT("\", \"scored\": %s, \"series\": {",
        brink_record_date_add(start, 363) <= t->record_end ? "true" : "false");
    int first_s = 1;
    for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++) {
      const brink_score_cell *c = brink_score_table_cell(t, w, (brink_record_series)s);
      if (!c->scored) continue;
      PUT("%s\n      \"%s\": {\"observed\": %u, \"models\": {", first_s ? "" : ",",
          brink_record_series_name((brink_record_series)s), c->observed);
      first_s = 0;
      int first_m = 1;
      for (size_t m = 0; m < t->n_models; m++) {
        if (!c->has[m]) continue;
        PUT("%s", first_m ? "" : ", ");
        first_m = 0;
        if (!st) st = brink_buf_json_string(out, t->model_names[m]);
        PUT(": {\"mean\": ");
        put_num(out, c->mean[m], &st);
        for (int metric = 0; metric < BRINK_SCORE_METRIC_COUNT; metric++) {
          PUT(", \"%s\": ", brink_score_metric_name(metric));
          put_num(out, c->score[m][metric], &st);
        }
        PUT("}");
      }
      PUT("}}");
    }
    PUT("}}");
  }
  PUT("],\n  \"skill\": [");
  int first = 1;
  for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++)
    for (int metric = 0; metric < BRINK_SCORE_METRIC_COUNT; metric++)
      for (size_t m = 0; m < t->n_models; m++)
        for (size_t b = 1; b < t->n_models; b++) {
          if (!pair_shown(m, b)) continue;
          double a, bb, skill;
          size_t n;
          brink_score_skill(t, (brink_record_series)s, metric, m, b, &a, &bb, &skill, &n);
          if (!n) continue;
          PUT("%s\n    {\"series\": \"%s\", \"metric\": \"%s\", \"model\": ", first ? "" : ",",
              brink_record_series_name((brink_record_series)s), brink_score_metric_name(metric));
          first = 0;
          if (!st) st = brink_buf_json_string(out, t->model_names[m]);
          PUT(", \"baseline\": ");
          if (!st) st = brink_buf_json_string(out, t->model_names[b]);
          PUT(", \"score\": ");
          put_num(out, a, &st);
          PUT(", \"baseline_score\": ");
          put_num(out, bb, &st);
          PUT(", \"skill\": ");
          put_num(out, skill, &st);
          PUT(", \"windows\": %zu}", n);
        }
  PUT("]}}\n");
  return st;
}

brink_status brink_score_table_write(const brink_score_table *t, const char *format,
                                     brink_buf *out) {
  if (!format || !strcmp(format, "table")) return write_table(t, out);
  if (!strcmp(format, "csv")) return write_csv(t, out);
  if (!strcmp(format, "json")) return write_json(t, out);
  return brink__fail(out->ctx, BRINK_EINVAL, "unknown format '%s': expected table, csv or json",
                     format);
}

/* ---- Building and writing forecasts ------------------------------------------------------ */

brink_status brink_prediction_new(brink_ctx *ctx, int32_t origin, uint64_t runs, uint64_t seed,
                                  size_t n_windows, brink_prediction **out) {
  *out = NULL;
  if (runs == 0) return brink__fail(ctx, BRINK_EINVAL, "forecast: 0 runs, expected at least 1");
  brink_prediction *fc = brink_calloc(ctx, 1, sizeof *fc);
  if (fc) fc->windows = brink_calloc(ctx, n_windows ? n_windows : 1, sizeof *fc->windows);
  if (!fc || !fc->windows) {
    brink_free(ctx, fc);
    return brink__fail(ctx, BRINK_ENOMEM, "forecast: out of memory");
  }
  fc->ctx = ctx;
  fc->origin = origin;
  fc->runs = runs;
  fc->seed = seed;
  fc->n_windows = n_windows;
  for (size_t w = 0; w < n_windows; w++) {
    fc->windows[w].start = brink_record_date_add(origin, 364 * (int64_t)w);
    fc->windows[w].end = brink_record_date_add(fc->windows[w].start, 363);
  }
  *out = fc;
  return BRINK_OK;
}

/* The smallest k with F(k) >= p, F from the histogram. */
static double hist_quantile(const uint64_t *hist, size_t n, uint64_t total, double p) {
  uint64_t cum = 0;
  for (size_t k = 0; k < n; k++) {
    cum += hist[k];
    if ((double)cum >= p * (double)total) return (double)k;
  }
  return (double)(n - 1);
}

brink_status brink_prediction_set_hist(brink_prediction *fc, size_t window,
                                       brink_record_series series, const uint64_t *hist, size_t n) {
  brink_ctx *ctx = fc->ctx;
  if (window >= fc->n_windows || (unsigned)series >= BRINK_RECORD_SERIES_COUNT || !hist || !n)
    return brink__fail(ctx, BRINK_EINVAL, "forecast: window %zu or series %d out of range", window,
                       (int)series);
  uint64_t total = 0;
  double sum = 0.0;
  for (size_t k = 0; k < n; k++) {
    total += hist[k];
    sum += (double)k * (double)hist[k];
  }
  if (total != fc->runs)
    return brink__fail(ctx, BRINK_EINVAL, "forecast: %s histogram sums to %llu, expected %llu",
                       brink_record_series_name(series), (unsigned long long)total,
                       (unsigned long long)fc->runs);
  while (n > 1 && hist[n - 1] == 0) n--;
  uint64_t *copy = brink_malloc(ctx, n * sizeof *copy);
  if (!copy) return brink__fail(ctx, BRINK_ENOMEM, "forecast: out of memory");
  memcpy(copy, hist, n * sizeof *copy);
  brink_prediction_cell *c = &fc->windows[window].series[series];
  brink_free(ctx, c->hist);
  c->hist = copy;
  c->n_hist = n;
  c->total = total;
  c->present = 1;
  c->mean = sum / (double)total;
  c->q05 = hist_quantile(copy, n, total, 0.05);
  c->q50 = hist_quantile(copy, n, total, 0.5);
  c->q95 = hist_quantile(copy, n, total, 0.95);
  return BRINK_OK;
}

brink_status brink_prediction_write_json(const brink_prediction *fc, brink_buf *out) {
  brink_status st = BRINK_OK;
  PUT("{\"forecast\": {\"origin\": \"");
  put_date(out, fc->origin, &st);
  PUT("\", \"runs\": %llu, \"seed\": %llu,\n  \"windows\": [", (unsigned long long)fc->runs,
      (unsigned long long)fc->seed);
  for (size_t w = 0; w < fc->n_windows; w++) {
    const brink_prediction_window *win = &fc->windows[w];
    PUT("%s\n    {\"start\": \"", w ? "," : "");
    put_date(out, win->start, &st);
    PUT("\", \"end\": \"");
    put_date(out, win->end, &st);
    PUT("\", \"series\": {");
    int first = 1;
    for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++) {
      const brink_prediction_cell *c = &win->series[s];
      if (!c->present) continue;
      PUT("%s\n      \"%s\": {\"hist\": [", first ? "" : ",",
          brink_record_series_name((brink_record_series)s));
      first = 0;
      for (size_t k = 0; k < c->n_hist; k++)
        PUT("%s%llu", k ? ", " : "", (unsigned long long)c->hist[k]);
      PUT("], \"mean\": ");
      put_num(out, c->mean, &st);
      PUT(", \"q05\": ");
      put_num(out, c->q05, &st);
      PUT(", \"q50\": ");
      put_num(out, c->q50, &st);
      PUT(", \"q95\": ");
      put_num(out, c->q95, &st);
      PUT("}");
    }
    PUT("}}");
  }
  PUT("]}}\n");
  return st;
}
