/* SPDX-License-Identifier: MIT */
/* The multivariate Hawkes process: event data and its reader, the O(n) log-likelihood with
 * its analytic gradient, maximum-likelihood fit (GSL vector_bfgs2) with observed-information
 * intervals, the time-rescaling check, Ogata thinning and 52-week forecasts.
 * docs/hawkes.md derives every formula used here. */
#include "brink/hawkes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_multimin.h>
#include <gsl/gsl_vector.h>

#include "brink/events.h"
#include "brink/rng.h"
#include "internal.h"

#define MAX_FILE ((size_t)64 << 20)
#define Z95 1.959963984540054

/* ---- Days ------------------------------------------------------------------------------ */

/* The calendar is src/events_date.c's (one module for every date in the library). */
int64_t brink_hawkes_day(int32_t yyyymmdd) { return brink__date_to_days(yyyymmdd); }

int32_t brink_hawkes_date(int64_t day) { return brink__date_from_days(day); }

brink_status brink_hawkes_parse_day(const char *s, size_t n, int64_t *day) {
  int32_t date;
  if (n != 10 || brink_event_date_parse(s, n, &date)) return BRINK_EPARSE;
  *day = brink__date_to_days(date);
  return BRINK_OK;
}

/* ---- Event data ------------------------------------------------------------------------ */

void brink_hawkes_data_free(brink_hawkes_data *data) {
  if (!data) return;
  brink_ctx *ctx = data->ctx;
  if (data->names)
    for (size_t i = 0; i < data->n_streams; i++) brink_free(ctx, data->names[i]);
  brink_free(ctx, data->names);
  brink_free(ctx, data->time);
  brink_free(ctx, data->stream);
  brink_free(ctx, data->per_stream);
  brink_free(ctx, data);
}

brink_status brink_hawkes_data_new(brink_ctx *ctx, const char *const *names, size_t n_streams,
                                   brink_hawkes_data **out) {
  *out = NULL;
  if (n_streams == 0 || n_streams > UINT32_MAX)
    return brink__fail(ctx, BRINK_EINVAL, "hawkes: %zu streams (at least one needed)", n_streams);
  for (size_t i = 0; i < n_streams; i++) {
    if (!names[i] || !names[i][0])
      return brink__fail(ctx, BRINK_EINVAL, "hawkes: stream %zu has no name", i);
    for (size_t j = 0; j < i; j++)
      if (!strcmp(names[i], names[j]))
        return brink__fail(ctx, BRINK_EINVAL, "hawkes: stream '%s' named twice", names[i]);
  }
  brink_hawkes_data *d = brink_calloc(ctx, 1, sizeof *d);
  if (d) d->ctx = ctx;
  if (!d) return BRINK_ENOMEM;
  d->n_streams = n_streams;
  d->sorted = 1;
  d->names = brink_calloc(ctx, n_streams, sizeof *d->names);
  d->per_stream = brink_calloc(ctx, n_streams, sizeof *d->per_stream);
  if (!d->names || !d->per_stream) goto nomem;
  for (size_t i = 0; i < n_streams; i++)
    if (!(d->names[i] = brink_strdup(ctx, names[i]))) goto nomem;
  *out = d;
  return BRINK_OK;
nomem:
  brink_hawkes_data_free(d);
  return BRINK_ENOMEM;
}

brink_status brink_hawkes_data_add(brink_ctx *ctx, brink_hawkes_data *data, uint32_t stream,
                                   double time) {
  if (stream >= data->n_streams || !isfinite(time))
    return brink__fail(ctx, BRINK_EINVAL, "hawkes: bad event (stream %u, time %g)", stream, time);
  if (data->n_events == data->cap) {
    size_t cap = data->cap ? 2 * data->cap : 64;
    double *t = brink_realloc(ctx, data->time, cap * sizeof *t);
    if (!t) return BRINK_ENOMEM;
    data->time = t;
    uint32_t *s = brink_realloc(ctx, data->stream, cap * sizeof *s);
    if (!s) return BRINK_ENOMEM;
    data->stream = s;
    data->cap = cap;
  }
  if (data->n_events && time < data->time[data->n_events - 1]) data->sorted = 0;
  data->time[data->n_events] = time;
  data->stream[data->n_events] = stream;
  data->n_events++;
  data->per_stream[stream]++;
  return BRINK_OK;
}

/* Insertion sort by (time, stream): the data arrive nearly sorted (files are by date, the
 * simulator appends in time order after the history). */
void brink_hawkes_data_sort(brink_hawkes_data *data) {
  if (data->sorted) return;
  for (size_t i = 1; i < data->n_events; i++) {
    double t = data->time[i];
    uint32_t s = data->stream[i];
    size_t j = i;
    while (j > 0 &&
           (data->time[j - 1] > t || (data->time[j - 1] == t && data->stream[j - 1] > s))) {
      data->time[j] = data->time[j - 1];
      data->stream[j] = data->stream[j - 1];
      j--;
    }
    data->time[j] = t;
    data->stream[j] = s;
  }
  data->sorted = 1;
}

int brink_hawkes_data_find(const brink_hawkes_data *data, const char *name) {
  for (size_t i = 0; i < data->n_streams; i++)
    if (!strcmp(data->names[i], name)) return (int)i;
  return -1;
}

size_t brink_hawkes_data_count(const brink_hawkes_data *data, uint32_t stream, double t0,
                               double t1) {
  size_t n = 0;
  for (size_t i = 0; i < data->n_events; i++)
    n += data->stream[i] == stream && data->time[i] >= t0 && data->time[i] < t1;
  return n;
}

brink_status brink_hawkes_data_read(brink_ctx *ctx, const char *path, const char *const *names,
                                    size_t n_streams, brink_hawkes_data **out) {
  brink_buf text;
  brink_buf_init(&text, ctx, MAX_FILE);
  *out = NULL;
  brink_status st = brink__read_file(ctx, path, &text);
  if (!st)
    st = brink_hawkes_data_read_string(ctx, path, text.data, text.len, names, n_streams, out);
  brink_buf_release(&text);
  return st;
}

brink_status brink_hawkes_data_read_string(brink_ctx *ctx, const char *name_for_errors,
                                           const char *text, size_t len_text,
                                           const char *const *names, size_t n_streams,
                                           brink_hawkes_data **out) {
  const char *path = name_for_errors ? name_for_errors : "(string)";
  brink_hawkes_data *d = NULL;
  *out = NULL;
  brink_status st = brink_hawkes_data_new(ctx, names, n_streams, &d);
  if (st) goto done;
  const char *p = text, *end = text + len_text;
  for (unsigned line_no = 1; p < end; line_no++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
    const char *line = p;
    p = nl ? nl + 1 : end;
    if (len && line[len - 1] == '\r') len--;
    const char *tab = memchr(line, '\t', len);
    size_t date_len = tab ? (size_t)(tab - line) : len;
    const char *name = tab ? tab + 1 : line + len;
    const char *tab2 = tab ? memchr(name, '\t', (size_t)(line + len - name)) : NULL;
    size_t name_len = (size_t)((tab2 ? tab2 : line + len) - name);
    if (line_no == 1) {
      if (!tab || date_len != 4 || memcmp(line, "date", 4) || name_len != 6 ||
          memcmp(name, "stream", 6)) {
        st = brink__fail(ctx, BRINK_EPARSE,
                         "%s:1:1: the header must start with 'date<TAB>stream', got '%.*s'", path,
                         (int)(len > 60 ? 60 : len), line);
        goto done;
      }
      continue;
    }
    if (len == 0) continue;
    int64_t day;
    if (brink_hawkes_parse_day(line, date_len, &day)) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:1: bad date '%.*s' (expected YYYY-MM-DD)", path,
                       line_no, (int)(date_len > 40 ? 40 : date_len), line);
      goto done;
    }
    if (!tab || name_len == 0) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: no stream name after the date", path, line_no,
                       date_len + (tab ? 2 : 1));
      goto done;
    }
    for (size_t s = 0; s < n_streams; s++)
      if (strlen(names[s]) == name_len && !memcmp(names[s], name, name_len)) {
        if ((st = brink_hawkes_data_add(ctx, d, (uint32_t)s, (double)day))) goto done;
        break;
      }
  }
  if (text == end) {
    st = brink__fail(ctx, BRINK_EPARSE,
                     "%s:1:1: empty file (expected the header 'date<TAB>stream')", path);
    goto done;
  }
  brink_hawkes_data_sort(d);
  /* Several rows of one stream on one date are one event (a launch day). */
  size_t w = 0;
  for (size_t i = 0; i < d->n_events; i++) {
    int dup = 0;
    for (size_t j = w; j-- > 0 && d->time[j] == d->time[i];)
      if (d->stream[j] == d->stream[i]) dup = 1;
    if (dup) {
      d->per_stream[d->stream[i]]--;
      continue;
    }
    d->time[w] = d->time[i];
    d->stream[w] = d->stream[i];
    w++;
  }
  d->n_events = w;
  *out = d;
  d = NULL;
done:
  brink_hawkes_data_free(d);
  return st;
}

/* ---- The likelihood of one target -------------------------------------------------------
 * For a target with baseline mu, decay beta and weights alpha[j], every source j carries
 *   G_j(t) = sum_{t_jm < t} exp(-beta (t - t_jm)),  H_j(t) = sum_{t_jm < t} (t - t_jm) exp(..)
 * (H = -dG/dbeta), so lambda = max(floor, mu + beta sum_j alpha_j G_j) and, over a gap of
 * length u without events, G <- G e^{-beta u} and H <- (H + u G) e^{-beta u}: the O(n)
 * recursion of Ogata (1981) for exponential kernels, carried with its beta-derivative. */

typedef struct target_eval {
  const brink_hawkes_data *data;
  uint32_t target;
  double t0, t1, floor;
  double *G, *H; /* [n_streams] work */
} target_eval;

/* Integral over [0, h] of max(floor, mu + beta ga e^{-beta u}) (the compensator between two
 * events, ga = sum alpha_j G_j at the start), with its gradient added into grad (-1 times:
 * grad is of the log-likelihood). The unfloored set is an interval because the excitation is
 * monotone between events (one decay per target): solve mu + beta ga e^{-beta s} = floor. */
static double piece(double mu, double beta, size_t n, const double *G, double ga, double ha,
                    double floor, double h, double *grad) {
  double e0 = beta * ga, a = 0.0, b = h;
  if (e0 >= 0.0) {
    if (mu < floor) {
      double s = e0 > floor - mu ? log(e0 / (floor - mu)) / beta : 0.0;
      b = s < h ? s : h;
    }
  } else if (mu <= floor) {
    b = 0.0;
  } else {
    double s = -e0 > mu - floor ? log(-e0 / (mu - floor)) / beta : 0.0;
    a = s < h ? s : h;
  }
  if (b < a) b = a;
  double ea = exp(-beta * a), eb = exp(-beta * b), diff = ea - eb;
  double integral = floor * (h - (b - a)) + mu * (b - a) + ga * diff;
  if (grad && b > a) {
    grad[0] -= b - a;
    grad[1] -= -ha * diff + ga * (b * eb - a * ea);
    for (size_t j = 0; j < n; j++) grad[2 + j] -= G[j] * diff;
  }
  return integral;
}

/* Log-likelihood of the target's events in [t0, t1); grad[2 + n] (may be NULL) receives
 * d/dmu, d/dbeta, d/dalpha_j; taus (may be NULL) the compensator between target events. */
static double target_loglik(const target_eval *te, double mu, double beta, const double *alpha,
                            double *grad, double *taus, size_t *n_taus) {
  const brink_hawkes_data *d = te->data;
  size_t n = d->n_streams;
  double *G = te->G, *H = te->H;
  for (size_t j = 0; j < n; j++) G[j] = H[j] = 0.0;
  if (grad)
    for (size_t j = 0; j < n + 2; j++) grad[j] = 0.0;
  double ll = 0.0, cur = -HUGE_VAL, comp = 0.0, comp_last = 0.0;
  size_t nt = 0, i = 0;
  int started = 0;
  while (i <= d->n_events) {
    double t = i < d->n_events ? d->time[i] : HUGE_VAL;
    if (!started && t >= te->t0) {
      /* Bring the history to t0. */
      if (cur > -HUGE_VAL) {
        double u = te->t0 - cur, e = exp(-beta * u);
        for (size_t j = 0; j < n; j++) {
          H[j] = (H[j] + u * G[j]) * e;
          G[j] *= e;
        }
      }
      cur = te->t0;
      started = 1;
    }
    if (started) {
      double stop = t < te->t1 ? t : te->t1;
      double ga = 0.0, ha = 0.0;
      for (size_t j = 0; j < n; j++) {
        ga += alpha[j] * G[j];
        ha += alpha[j] * H[j];
      }
      comp += piece(mu, beta, n, G, ga, ha, te->floor, stop - cur, grad);
      if (t >= te->t1) break;
    }
    double u = cur > -HUGE_VAL ? t - cur : 0.0, e = exp(-beta * u);
    if (u > 0.0)
      for (size_t j = 0; j < n; j++) {
        H[j] = (H[j] + u * G[j]) * e;
        G[j] *= e;
      }
    cur = t;
    /* Every event at time t sees only the events strictly before t. */
    size_t k = i;
    while (k < d->n_events && d->time[k] == t) k++;
    if (started)
      for (size_t m = i; m < k; m++) {
        if (d->stream[m] != te->target) continue;
        double ga = 0.0, ha = 0.0;
        for (size_t j = 0; j < n; j++) {
          ga += alpha[j] * G[j];
          ha += alpha[j] * H[j];
        }
        double x = mu + beta * ga;
        if (x > te->floor) {
          ll += log(x);
          if (grad) {
            grad[0] += 1.0 / x;
            grad[1] += (ga - beta * ha) / x;
            for (size_t j = 0; j < n; j++) grad[2 + j] += beta * G[j] / x;
          }
        } else {
          ll += log(te->floor);
        }
        if (taus) taus[nt] = comp - comp_last;
        comp_last = comp;
        nt++;
      }
    for (size_t m = i; m < k; m++) G[d->stream[m]] += 1.0;
    i = k;
  }
  if (n_taus) *n_taus = nt;
  return ll - comp;
}

static brink_status check_params(brink_ctx *ctx, const brink_hawkes_params *p,
                                 const brink_hawkes_data *data, double t0, double t1) {
  if (!p || !data || p->n_streams != data->n_streams || p->n_targets == 0)
    return brink__fail(ctx, BRINK_EINVAL, "hawkes: parameters do not match the data's streams");
  if (!(t0 < t1) || !isfinite(t0) || !isfinite(t1))
    return brink__fail(ctx, BRINK_EINVAL, "hawkes: bad window [%g, %g)", t0, t1);
  if (!data->sorted) return brink__fail(ctx, BRINK_EINVAL, "hawkes: data not sorted");
  for (size_t k = 0; k < p->n_targets; k++) {
    if (p->targets[k] >= p->n_streams)
      return brink__fail(ctx, BRINK_EINVAL, "hawkes: target %zu is no stream", k);
    if (!(p->mu[k] > 0.0) || !(p->beta[k] > 0.0) || !isfinite(p->mu[k]) || !isfinite(p->beta[k]))
      return brink__fail(ctx, BRINK_EINVAL, "hawkes: target '%s' needs mu > 0 and beta > 0",
                         data->names[p->targets[k]]);
    for (size_t j = 0; j < p->n_streams; j++)
      if (!isfinite(p->alpha[k * p->n_streams + j]))
        return brink__fail(ctx, BRINK_EINVAL, "hawkes: alpha of '%s' is not finite",
                           data->names[p->targets[k]]);
  }
  return BRINK_OK;
}

static double floor_of(const brink_hawkes_params *p) {
  return p->floor > 0.0 ? p->floor : BRINK_HAWKES_FLOOR;
}

brink_status brink_hawkes_loglik(brink_ctx *ctx, const brink_hawkes_params *params,
                                 const brink_hawkes_data *data, double t0, double t1,
                                 double *ll_target, double *total) {
  brink_status st = check_params(ctx, params, data, t0, t1);
  if (st) return st;
  double *work = brink_calloc(ctx, 2 * data->n_streams, sizeof *work);
  if (!work) return BRINK_ENOMEM;
  double sum = 0.0;
  for (size_t k = 0; k < params->n_targets; k++) {
    target_eval te = {data, params->targets[k],    t0, t1, floor_of(params),
                      work, work + data->n_streams};
    double ll = target_loglik(&te, params->mu[k], params->beta[k],
                              params->alpha + k * params->n_streams, NULL, NULL, NULL);
    if (ll_target) ll_target[k] = ll;
    sum += ll;
  }
  *total = sum;
  brink_free(ctx, work);
  return BRINK_OK;
}

brink_status brink_hawkes_loglik_direct(brink_ctx *ctx, const brink_hawkes_params *params,
                                        const brink_hawkes_data *data, double t0, double t1,
                                        double *ll_target, double *total) {
  brink_status st = check_params(ctx, params, data, t0, t1);
  if (st) return st;
  size_t n = data->n_streams;
  double fl = floor_of(params), sum = 0.0;
  for (size_t k = 0; k < params->n_targets; k++) {
    const double *alpha = params->alpha + k * n;
    double mu = params->mu[k], beta = params->beta[k], ll = 0.0;
    /* Event terms: the kernel summed over every earlier event. */
    for (size_t i = 0; i < data->n_events; i++) {
      double t = data->time[i];
      if (data->stream[i] != params->targets[k] || t < t0 || t >= t1) continue;
      double x = mu;
      for (size_t m = 0; m < data->n_events && data->time[m] < t; m++)
        x += alpha[data->stream[m]] * beta * exp(-beta * (t - data->time[m]));
      ll += log(x > fl ? x : fl);
    }
    /* Compensator: between consecutive event times in [t0, t1), the excitation at the
     * piece's start summed directly, then the closed-form piece integral. */
    double cur = t0;
    for (size_t i = 0; i <= data->n_events; i++) {
      double t = i < data->n_events ? data->time[i] : t1;
      if (t < t0) continue;
      if (t > t1) t = t1;
      if (t > cur) {
        /* Just after cur every event at or before cur is in the past. */
        double ga = 0.0;
        for (size_t m = 0; m < data->n_events && data->time[m] <= cur; m++)
          ga += alpha[data->stream[m]] * exp(-beta * (cur - data->time[m]));
        ll -= piece(mu, beta, 0, NULL, ga, 0.0, fl, t - cur, NULL);
        cur = t;
      }
      if (t >= t1) break;
    }
    if (ll_target) ll_target[k] = ll;
    sum += ll;
  }
  *total = sum;
  return BRINK_OK;
}

/* ---- Time rescaling -------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

void brink_hawkes_ks_uniform(double *u, size_t n, double *ks, double *p_value) {
  if (n == 0) {
    *ks = (double)NAN;
    *p_value = (double)NAN;
    return;
  }
  qsort(u, n, sizeof *u, cmp_double);
  double d = 0.0, nn = (double)n;
  for (size_t i = 0; i < n; i++) {
    double lo = u[i] - (double)i / nn, hi = (double)(i + 1) / nn - u[i];
    if (lo > d) d = lo;
    if (hi > d) d = hi;
  }
  /* Kolmogorov's limit law with Stephens' (1970) finite-n correction. */
  double sq = sqrt(nn), lambda = (sq + 0.12 + 0.11 / sq) * d, p = 0.0;
  if (lambda < 0.2) {
    p = 1.0;
  } else {
    for (int k = 1; k <= 100; k++) {
      double term = exp(-2.0 * (double)k * (double)k * lambda * lambda);
      p += (k % 2 ? 2.0 : -2.0) * term;
      if (term < 1e-16) break;
    }
  }
  *ks = d;
  *p_value = p < 0.0 ? 0.0 : p > 1.0 ? 1.0 : p;
}

brink_status brink_hawkes_rescale(brink_ctx *ctx, const brink_hawkes_params *params,
                                  const brink_hawkes_data *data, double t0, double t1,
                                  size_t target, double *taus, size_t *n, double *ks,
                                  double *p_value) {
  brink_status st = check_params(ctx, params, data, t0, t1);
  if (st) return st;
  if (target >= params->n_targets)
    return brink__fail(ctx, BRINK_EINVAL, "hawkes: no target %zu", target);
  size_t n_max = data->per_stream[params->targets[target]];
  double *work = brink_calloc(ctx, 2 * data->n_streams + n_max, sizeof *work);
  if (!work) return BRINK_ENOMEM;
  double *tau = work + 2 * data->n_streams;
  target_eval te = {data, params->targets[target], t0, t1, floor_of(params),
                    work, work + data->n_streams};
  size_t nt = 0;
  target_loglik(&te, params->mu[target], params->beta[target],
                params->alpha + target * params->n_streams, NULL, tau, &nt);
  if (taus) memcpy(taus, tau, nt * sizeof *tau);
  for (size_t i = 0; i < nt; i++) tau[i] = 1.0 - exp(-tau[i]);
  brink_hawkes_ks_uniform(tau, nt, ks, p_value);
  *n = nt;
  brink_free(ctx, work);
  return BRINK_OK;
}

/* ---- Fitting --------------------------------------------------------------------------- */

/* x = (log mu, log beta, alpha_0 .. alpha_{n-1}); the objective is -loglik / n_events so
 * that the gradient test has the same meaning for long and short records. */
typedef struct fit_problem {
  target_eval te;
  size_t n;
  double scale;
  double *grad;  /* [n + 2] */
  double *alpha; /* [n] */
} fit_problem;

static double objective(fit_problem *fp, const double *x, double *g) {
  double mu = exp(x[0]), beta = exp(x[1]);
  for (size_t j = 0; j < fp->n; j++) fp->alpha[j] = x[2 + j];
  if (!(mu > 0.0) || !(beta > 1e-8) || !(beta < 1e4) || !isfinite(mu)) {
    if (g)
      for (size_t j = 0; j < fp->n + 2; j++) g[j] = 0.0;
    return 1e300;
  }
  double ll = target_loglik(&fp->te, mu, beta, fp->alpha, g ? fp->grad : NULL, NULL, NULL);
  if (g) {
    g[0] = -fp->grad[0] * mu * fp->scale;
    g[1] = -fp->grad[1] * beta * fp->scale;
    for (size_t j = 0; j < fp->n; j++) g[2 + j] = -fp->grad[2 + j] * fp->scale;
  }
  return isfinite(ll) ? -ll * fp->scale : 1e300;
}

static double gsl_f(const gsl_vector *x, void *ud) { return objective(ud, x->data, NULL); }
static void gsl_df(const gsl_vector *x, void *ud, gsl_vector *g) {
  objective(ud, x->data, g->data);
}
static void gsl_fdf(const gsl_vector *x, void *ud, double *f, gsl_vector *g) {
  *f = objective(ud, x->data, g->data);
}

/* Inverts the symmetric positive-definite a[m*m] in place (Cholesky, then the inverse from the
 * factor); 0 when a is not positive definite. Written out so that GSL's error handler, which
 * aborts by default, is never reached from the library. */
static int spd_inverse(double *a, size_t m, double *work) {
  double *L = work; /* m*m */
  for (size_t i = 0; i < m * m; i++) L[i] = 0.0;
  for (size_t j = 0; j < m; j++) {
    double s = a[j * m + j];
    for (size_t k = 0; k < j; k++) s -= L[j * m + k] * L[j * m + k];
    if (!(s > 0.0)) return 0;
    L[j * m + j] = sqrt(s);
    for (size_t i = j + 1; i < m; i++) {
      double v = a[i * m + j];
      for (size_t k = 0; k < j; k++) v -= L[i * m + k] * L[j * m + k];
      L[i * m + j] = v / L[j * m + j];
    }
  }
  /* Solve L L' X = I column by column. */
  double *y = work + m * m;
  for (size_t c = 0; c < m; c++) {
    for (size_t i = 0; i < m; i++) {
      double v = i == c ? 1.0 : 0.0;
      for (size_t k = 0; k < i; k++) v -= L[i * m + k] * y[k];
      y[i] = v / L[i * m + i];
    }
    for (size_t i = m; i-- > 0;) {
      double v = y[i];
      for (size_t k = i + 1; k < m; k++) v -= L[k * m + i] * y[k];
      y[i] = v / L[i * m + i];
    }
    for (size_t i = 0; i < m; i++) a[i * m + c] = y[i];
  }
  return 1;
}

void brink_hawkes_fit_free(brink_hawkes_fit *fit) {
  if (!fit) return;
  brink_ctx *ctx = fit->ctx;
  brink_free(ctx, fit->targets);
  brink_free(ctx, fit->mu);
  brink_free(ctx, fit->beta);
  brink_free(ctx, fit->alpha);
  brink_free(ctx, fit->mu_coef);
  brink_free(ctx, fit->beta_coef);
  brink_free(ctx, fit->alpha_coef);
  brink_free(ctx, fit->loglik);
  brink_free(ctx, fit->n_events);
  brink_free(ctx, fit->converged);
  brink_free(ctx, fit->ks);
  brink_free(ctx, fit->ks_p);
  brink_free(ctx, fit);
}

static brink_status fit_alloc(brink_ctx *ctx, size_t nk, size_t n, brink_hawkes_fit **out) {
  brink_hawkes_fit *f = brink_calloc(ctx, 1, sizeof *f);
  if (f) f->ctx = ctx;
  if (!f) return BRINK_ENOMEM;
  f->n_streams = n;
  f->n_targets = nk;
  f->targets = brink_calloc(ctx, nk, sizeof *f->targets);
  f->mu = brink_calloc(ctx, nk, sizeof *f->mu);
  f->beta = brink_calloc(ctx, nk, sizeof *f->beta);
  f->alpha = brink_calloc(ctx, nk * n, sizeof *f->alpha);
  f->mu_coef = brink_calloc(ctx, nk, sizeof *f->mu_coef);
  f->beta_coef = brink_calloc(ctx, nk, sizeof *f->beta_coef);
  f->alpha_coef = brink_calloc(ctx, nk * n, sizeof *f->alpha_coef);
  f->loglik = brink_calloc(ctx, nk, sizeof *f->loglik);
  f->n_events = brink_calloc(ctx, nk, sizeof *f->n_events);
  f->converged = brink_calloc(ctx, nk, sizeof *f->converged);
  f->ks = brink_calloc(ctx, nk, sizeof *f->ks);
  f->ks_p = brink_calloc(ctx, nk, sizeof *f->ks_p);
  if (!f->targets || !f->mu || !f->beta || !f->alpha || !f->mu_coef || !f->beta_coef ||
      !f->alpha_coef || !f->loglik || !f->n_events || !f->converged || !f->ks || !f->ks_p) {
    brink_hawkes_fit_free(f);
    return BRINK_ENOMEM;
  }
  *out = f;
  return BRINK_OK;
}

/* One BFGS run from x (updated in place to the best point); returns the objective. */
static double minimise(gsl_multimin_fdfminimizer *s, gsl_multimin_function_fdf *fn, gsl_vector *x,
                       unsigned max_iter, int *converged) {
  *converged = 0;
  gsl_multimin_fdfminimizer_set(s, fn, x, 0.05, 0.1);
  for (unsigned it = 0; it < max_iter; it++) {
    int status = gsl_multimin_fdfminimizer_iterate(s);
    if (gsl_multimin_test_gradient(s->gradient, 1e-6) == GSL_SUCCESS) {
      *converged = 1;
      break;
    }
    if (status) break; /* no progress: the line search cannot improve */
  }
  gsl_vector_memcpy(x, s->x);
  return s->f;
}

brink_status brink_hawkes_fit_run(brink_ctx *ctx, const brink_hawkes_data *data,
                                  const char *const *targets, size_t n_targets, double t0,
                                  double t1, const brink_hawkes_fit_options *options,
                                  brink_hawkes_fit **out) {
  *out = NULL;
  brink_hawkes_fit *fit = NULL;
  double *work = NULL;
  gsl_multimin_fdfminimizer *s = NULL;
  gsl_vector *x = NULL, *best = NULL;
  brink_status st = BRINK_OK;
  if (!data || n_targets == 0 || !(t0 < t1) || !isfinite(t0) || !isfinite(t1) || !data->sorted)
    return brink__fail(ctx, BRINK_EINVAL, "hawkes fit: no targets, unsorted data or bad window");
  size_t n = data->n_streams, m = n + 2;
  for (size_t j = 0; j < n; j++)
    if (brink_hawkes_data_count(data, (uint32_t)j, t0, t1) == 0)
      return brink__fail(ctx, BRINK_EINVAL,
                         "hawkes fit: stream '%s' has no event in the window, so its effect "
                         "cannot be estimated (leave it out)",
                         data->names[j]);
  unsigned starts = options && options->starts ? options->starts : 4;
  unsigned max_iter = options && options->max_iter ? options->max_iter : 500;
  double fl = options && options->floor > 0.0 ? options->floor : BRINK_HAWKES_FLOOR;
  if ((st = fit_alloc(ctx, n_targets, n, &fit))) return st;
  for (size_t k = 0; k < n_targets; k++) {
    int idx = brink_hawkes_data_find(data, targets[k]);
    if (idx < 0) {
      st = brink__fail(ctx, BRINK_ENOTFOUND, "hawkes fit: no stream '%s'", targets[k]);
      goto done;
    }
    for (size_t q = 0; q < k; q++)
      if (fit->targets[q] == (uint32_t)idx) {
        st = brink__fail(ctx, BRINK_EINVAL, "hawkes fit: target '%s' given twice", targets[k]);
        goto done;
      }
    fit->targets[k] = (uint32_t)idx;
  }
  /* work: G, H, grad, alpha, hessian m*m, cholesky m*m + m, g+, g-, taus */
  size_t n_max = 0;
  for (size_t k = 0; k < n_targets; k++)
    if (data->per_stream[fit->targets[k]] > n_max) n_max = data->per_stream[fit->targets[k]];
  work = brink_calloc(ctx, 4 * n + 2 + 2 * m * m + 3 * m + n_max, sizeof *work);
  s = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, m);
  x = gsl_vector_alloc(m);
  best = gsl_vector_alloc(m);
  if (!work || !s || !x || !best) {
    st = brink__fail(ctx, BRINK_ENOMEM, "hawkes fit: out of memory");
    goto done;
  }
  double *hess = work + 4 * n + 2, *chol = hess + m * m, *gp = chol + m * m + m, *gm = gp + m,
         *taus = gm + m;
  for (size_t k = 0; k < n_targets; k++) {
    size_t nk = brink_hawkes_data_count(data, fit->targets[k], t0, t1);
    fit_problem fp = {{data, fit->targets[k], t0, t1, fl, work, work + n},
                      n,
                      1.0 / (double)(nk ? nk : 1),
                      work + 2 * n,
                      work + 3 * n + 2};
    gsl_multimin_function_fdf fn = {gsl_f, gsl_df, gsl_fdf, m, &fp};
    /* Starts: no interaction, the baseline at the mean rate, decays of 3 days to 6 months,
     * and a self-excited start (clusters are what the record shows). */
    static const double decays[] = {1.0 / 7.0, 1.0 / 60.0, 1.0 / 3.0, 1.0 / 180.0};
    double best_f = HUGE_VAL;
    int best_conv = 0;
    for (unsigned r = 0; r < starts; r++) {
      double rate = (double)(nk ? nk : 1) / (t1 - t0);
      gsl_vector_set(x, 0, log(rate * (r % 2 ? 0.5 : 0.9)));
      gsl_vector_set(x, 1, log(decays[r % 4]));
      for (size_t j = 0; j < n; j++) gsl_vector_set(x, 2 + j, 0.0);
      if (r % 2) gsl_vector_set(x, 2 + fit->targets[k], 0.3);
      int conv = 0;
      double f = minimise(s, &fn, x, max_iter, &conv);
      if (f < best_f) {
        best_f = f;
        best_conv = conv;
        gsl_vector_memcpy(best, x);
      }
    }
    const double *xb = best->data;
    fit->mu[k] = exp(xb[0]);
    fit->beta[k] = exp(xb[1]);
    for (size_t j = 0; j < n; j++) fit->alpha[k * n + j] = xb[2 + j];
    fit->converged[k] = best_conv;
    fit->n_events[k] = nk;
    fit->loglik[k] = -best_f / fp.scale;
    /* Observed information in x: central differences of the analytic gradient of -loglik. */
    gsl_vector_memcpy(x, best);
    for (size_t i = 0; i < m; i++) {
      double h = 1e-4 * (fabs(xb[i]) > 1.0 ? fabs(xb[i]) : 1.0);
      x->data[i] = xb[i] + h;
      objective(&fp, x->data, gp);
      x->data[i] = xb[i] - h;
      objective(&fp, x->data, gm);
      x->data[i] = xb[i];
      for (size_t q = 0; q < m; q++) hess[i * m + q] = (gp[q] - gm[q]) / (2.0 * h) / fp.scale;
    }
    for (size_t i = 0; i < m; i++)
      for (size_t q = 0; q < i; q++) {
        double v = 0.5 * (hess[i * m + q] + hess[q * m + i]);
        hess[i * m + q] = hess[q * m + i] = v;
      }
    int ok = spd_inverse(hess, m, chol);
    for (size_t i = 0; i < m; i++) {
      double se = ok ? sqrt(hess[i * m + i]) : (double)NAN;
      brink_hawkes_coef c;
      if (i < 2) {
        /* mu and beta: Wald on the log scale, so the interval stays positive; the standard
         * error on the natural scale by the delta method. */
        double v = exp(xb[i]);
        c = (brink_hawkes_coef){v, v * se, exp(xb[i] - Z95 * se), exp(xb[i] + Z95 * se)};
        if (i == 0)
          fit->mu_coef[k] = c;
        else
          fit->beta_coef[k] = c;
      } else {
        c = (brink_hawkes_coef){xb[i], se, xb[i] - Z95 * se, xb[i] + Z95 * se};
        fit->alpha_coef[k * n + i - 2] = c;
      }
    }
    /* Time-rescaling check at the estimate. */
    size_t nt = 0;
    target_loglik(&fp.te, fit->mu[k], fit->beta[k], fit->alpha + k * n, NULL, taus, &nt);
    for (size_t i = 0; i < nt; i++) taus[i] = 1.0 - exp(-taus[i]);
    brink_hawkes_ks_uniform(taus, nt, &fit->ks[k], &fit->ks_p[k]);
    fit->loglik_total += fit->loglik[k];
  }
  fit->n_params = n_targets * m;
  fit->aic = 2.0 * (double)fit->n_params - 2.0 * fit->loglik_total;
  fit->t0 = t0;
  fit->t1 = t1;
  fit->params =
      (brink_hawkes_params){n, n_targets, fit->targets, fit->mu, fit->beta, fit->alpha, fl};
  *out = fit;
  fit = NULL;
done:
  if (s) gsl_multimin_fdfminimizer_free(s);
  if (x) gsl_vector_free(x);
  if (best) gsl_vector_free(best);
  brink_free(ctx, work);
  brink_hawkes_fit_free(fit);
  return st;
}

/* ---- Simulation ------------------------------------------------------------------------ */

typedef struct emitter {
  brink_status (*fn)(void *ud, uint32_t stream, double time);
  void *ud;
} emitter;

/* Ogata's (1981) thinning. Per target k the state is S_k = sum_j alpha_kj G_kj (all terms
 * decay at beta_k), so lambda_k = max(floor, mu_k + beta_k S_k). Between events lambda_k moves
 * monotonically towards mu_k, so max(floor, mu_k + max(beta_k S_k, 0)) bounds it until the
 * next event: the dominating rate of the thinning. s is work [n_targets]. */
static brink_status ogata(brink_ctx *ctx, const brink_hawkes_params *p,
                          const brink_hawkes_data *data, double t0, double t1, brink_rng *rng,
                          size_t max_events, double *S, const emitter *em) {
  size_t nk = p->n_targets, n = p->n_streams;
  double fl = floor_of(p);
  for (size_t k = 0; k < nk; k++) {
    S[k] = 0.0;
    for (size_t i = 0; i < data->n_events && data->time[i] < t0; i++)
      S[k] += p->alpha[k * n + data->stream[i]] * exp(-p->beta[k] * (t0 - data->time[i]));
  }
  /* Inputs: events in [t0, t1) of streams that are not targets. */
  size_t next = 0;
  while (next < data->n_events && data->time[next] < t0) next++;
  double cur = t0;
  size_t emitted = 0;
  for (;;) {
    while (next < data->n_events) {
      int is_target = 0;
      for (size_t k = 0; k < nk; k++) is_target |= data->stream[next] == p->targets[k];
      if (!is_target) break;
      next++;
    }
    double t_in = next < data->n_events && data->time[next] < t1 ? data->time[next] : t1;
    double bound = 0.0;
    for (size_t k = 0; k < nk; k++) {
      double e = p->beta[k] * S[k];
      double b = p->mu[k] + (e > 0.0 ? e : 0.0);
      bound += b > fl ? b : fl;
    }
    double t = cur - log(brink_rng_uniform(rng)) / bound;
    double to = t < t_in ? t : t_in;
    for (size_t k = 0; k < nk; k++) S[k] *= exp(-p->beta[k] * (to - cur));
    cur = to;
    if (t >= t_in) {
      if (t_in >= t1) break;
      uint32_t j = data->stream[next++];
      for (size_t k = 0; k < nk; k++) S[k] += p->alpha[k * n + j];
      continue;
    }
    double u = brink_rng_uniform(rng) * bound, acc = 0.0;
    for (size_t k = 0; k < nk; k++) {
      double x = p->mu[k] + p->beta[k] * S[k];
      acc += x > fl ? x : fl;
      if (u < acc) {
        uint32_t j = p->targets[k];
        if (++emitted > max_events)
          return brink__fail(ctx, BRINK_ELIMIT,
                             "hawkes: more than %zu simulated events (explosive parameters?)",
                             max_events);
        brink_status st = em->fn(em->ud, j, t);
        if (st) return st;
        for (size_t q = 0; q < nk; q++) S[q] += p->alpha[q * n + j];
        break;
      }
    }
  }
  return BRINK_OK;
}

typedef struct sim_out {
  brink_ctx *ctx;
  brink_hawkes_data *data;
} sim_out;

static brink_status emit_data(void *ud, uint32_t stream, double time) {
  sim_out *so = ud;
  return brink_hawkes_data_add(so->ctx, so->data, stream, time);
}

static int is_target(const brink_hawkes_params *p, uint32_t s) {
  for (size_t k = 0; k < p->n_targets; k++)
    if (p->targets[k] == s) return 1;
  return 0;
}

brink_status brink_hawkes_simulate(brink_ctx *ctx, const brink_hawkes_params *params,
                                   const brink_hawkes_data *data, double t0, double t1,
                                   uint64_t seed, uint64_t run, size_t max_events,
                                   brink_hawkes_data **out) {
  *out = NULL;
  brink_status st = check_params(ctx, params, data, t0, t1);
  if (st) return st;
  brink_hawkes_data *d = NULL;
  double *S = NULL;
  if ((st = brink_hawkes_data_new(ctx, (const char *const *)data->names, data->n_streams, &d)))
    goto done;
  for (size_t i = 0; i < data->n_events && !st; i++)
    if (data->time[i] < t1 && (data->time[i] < t0 || !is_target(params, data->stream[i])))
      st = brink_hawkes_data_add(ctx, d, data->stream[i], data->time[i]);
  if (st) goto done;
  S = brink_calloc(ctx, params->n_targets, sizeof *S);
  if (!S) {
    st = BRINK_ENOMEM;
    goto done;
  }
  brink_rng rng;
  brink_rng_init(&rng, seed, run, 0);
  sim_out so = {ctx, d};
  emitter em = {emit_data, &so};
  if ((st = ogata(ctx, params, data, t0, t1, &rng, max_events, S, &em))) goto done;
  brink_hawkes_data_sort(d);
  *out = d;
  d = NULL;
done:
  brink_free(ctx, S);
  brink_hawkes_data_free(d);
  return st;
}

/* ---- Forecasts ------------------------------------------------------------------------- */

void brink_hawkes_forecast_free(brink_hawkes_forecast *forecast) {
  if (!forecast) return;
  brink_ctx *ctx = forecast->ctx;
  brink_free(ctx, forecast->hist);
  brink_free(ctx, forecast->mean);
  brink_free(ctx, forecast);
}

typedef struct day_counter {
  const brink_hawkes_params *params;
  double origin;
  size_t n_windows;
  int64_t *last_day; /* [n_targets] last day counted */
  uint32_t *count;   /* [n_targets][n_windows] distinct event days of this run */
} day_counter;

static brink_status emit_count(void *ud, uint32_t stream, double time) {
  day_counter *dc = ud;
  size_t k = 0;
  while (dc->params->targets[k] != stream) k++;
  int64_t day = (int64_t)floor(time);
  if (day == dc->last_day[k]) return BRINK_OK;
  dc->last_day[k] = day;
  size_t w = (size_t)((time - dc->origin) / BRINK_HAWKES_WINDOW_DAYS);
  if (w < dc->n_windows) dc->count[k * dc->n_windows + w]++;
  return BRINK_OK;
}

brink_status brink_hawkes_forecast_run(brink_ctx *ctx, const brink_hawkes_params *params,
                                       const brink_hawkes_data *data, int64_t origin,
                                       uint32_t horizon_days, uint64_t runs, uint64_t seed,
                                       brink_hawkes_forecast **out) {
  *out = NULL;
  if (horizon_days == 0 || horizon_days > 100 * BRINK_HAWKES_WINDOW_DAYS || runs == 0)
    return brink__fail(ctx, BRINK_EINVAL,
                       "hawkes forecast: horizon %u days and %llu runs (1 to 36400 days and at "
                       "least one run needed)",
                       horizon_days, (unsigned long long)runs);
  size_t n_windows = (horizon_days + BRINK_HAWKES_WINDOW_DAYS - 1) / BRINK_HAWKES_WINDOW_DAYS;
  double t0 = (double)origin, t1 = t0 + (double)horizon_days;
  brink_status st = check_params(ctx, params, data, t0, t1);
  if (st) return st;
  size_t nk = params->n_targets, bins = BRINK_HAWKES_WINDOW_DAYS + 1;
  brink_hawkes_forecast *fc = NULL;
  brink_hawkes_data *base = NULL;
  double *S = NULL;
  int64_t *last_day = NULL;
  uint32_t *count = NULL;
  fc = brink_calloc(ctx, 1, sizeof *fc);
  if (fc) fc->ctx = ctx;
  if (!fc) return BRINK_ENOMEM;
  fc->hist = brink_calloc(ctx, nk * n_windows * bins, sizeof *fc->hist);
  fc->mean = brink_calloc(ctx, nk * n_windows, sizeof *fc->mean);
  S = brink_calloc(ctx, nk, sizeof *S);
  last_day = brink_calloc(ctx, nk, sizeof *last_day);
  count = brink_calloc(ctx, nk * n_windows, sizeof *count);
  if (!fc->hist || !fc->mean || !S || !last_day || !count) {
    st = BRINK_ENOMEM;
    goto done;
  }
  fc->n_targets = nk;
  fc->n_windows = n_windows;
  fc->runs = runs;
  fc->seed = seed;
  fc->origin = origin;
  fc->horizon_days = horizon_days;
  fc->max_count = BRINK_HAWKES_WINDOW_DAYS;
  /* The conditioning set: every event before the origin, plus the inputs' last 364 days
   * repeated in each future window. Nothing at or after the origin is read. */
  if ((st = brink_hawkes_data_new(ctx, (const char *const *)data->names, data->n_streams, &base)))
    goto done;
  for (size_t i = 0; i < data->n_events && data->time[i] < t0 && !st; i++) {
    st = brink_hawkes_data_add(ctx, base, data->stream[i], data->time[i]);
    if (!is_target(params, data->stream[i]) && data->time[i] >= t0 - BRINK_HAWKES_WINDOW_DAYS)
      for (size_t w = 0; w < n_windows && !st; w++)
        st = brink_hawkes_data_add(ctx, base, data->stream[i],
                                   data->time[i] + (double)(BRINK_HAWKES_WINDOW_DAYS * (w + 1)));
  }
  if (st) goto done;
  brink_hawkes_data_sort(base);
  day_counter dc = {params, t0, n_windows, last_day, count};
  emitter em = {emit_count, &dc};
  size_t max_events = (size_t)horizon_days * 50;
  for (uint64_t r = 0; r < runs; r++) {
    for (size_t k = 0; k < nk; k++) last_day[k] = INT64_MIN;
    memset(count, 0, nk * n_windows * sizeof *count);
    brink_rng rng;
    brink_rng_init(&rng, seed, r, 0);
    if ((st = ogata(ctx, params, base, t0, t1, &rng, max_events, S, &em))) goto done;
    for (size_t c = 0; c < nk * n_windows; c++) {
      uint32_t v = count[c] < BRINK_HAWKES_WINDOW_DAYS ? count[c] : BRINK_HAWKES_WINDOW_DAYS;
      fc->hist[c * bins + v]++;
      fc->mean[c] += (double)count[c];
    }
  }
  for (size_t c = 0; c < nk * n_windows; c++) fc->mean[c] /= (double)runs;
  *out = fc;
  fc = NULL;
done:
  brink_free(ctx, S);
  brink_free(ctx, last_day);
  brink_free(ctx, count);
  brink_hawkes_data_free(base);
  brink_hawkes_forecast_free(fc);
  return st;
}
