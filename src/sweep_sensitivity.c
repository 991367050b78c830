/* SPDX-License-Identifier: MIT */
/* Sobol indices: the Saltelli design on GSL's Sobol sequence, the Saltelli (2010) and Jansen
 * (1999) estimators, and bootstrap intervals over base rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "brink/rng.h"
#include "brink/sensitivity.h"
#include "internal.h"

/* Bootstrap resamples draw from this Philox stream, apart from the model's streams. */
#define BOOTSTRAP_STREAM 0x5b0bu
#define SHUFFLE_STREAM 0x5b0cu
#define LATIN_STREAM 0x5b0du
#define GSL_SOBOL_DIM 40 /* GSL's Sobol sequence has at most 40 dimensions */

/* Columns [0, 2 dim) of a Latin hypercube of n rows (McKay, Beckman and Conover 1979): in each
 * column one point in each of the n strata, at a uniform place inside it, strata ordered by a
 * permutation of its own Philox stream (seed, column). Column k < dim goes to A, the others to
 * B. */
static void latin_columns(uint64_t seed, size_t n, size_t dim, double *a, double *b, size_t *perm) {
  for (size_t k = 0; k < 2 * dim; k++) {
    brink_rng rng;
    brink_rng_init(&rng, seed, k, LATIN_STREAM);
    for (size_t j = 0; j < n; j++) perm[j] = j;
    for (size_t j = n - 1; j > 0; j--) {
      size_t r = brink_rng_below(&rng, (uint32_t)(j + 1));
      size_t t = perm[j];
      perm[j] = perm[r];
      perm[r] = t;
    }
    double *col = k < dim ? &a[k] : &b[k - dim];
    for (size_t j = 0; j < n; j++) {
      /* w is in (0, 1), but (n - 1 + w) / n can round up to 1: keep the open interval. */
      double u = ((double)perm[j] + brink_rng_uniform(&rng)) / (double)n;
      col[j * dim] = u < 1.0 ? u : 0x1.fffffffffffffp-1;
    }
  }
}

void brink_sobol_design_free(brink_sobol_design *d) {
  if (!d) return;
  brink_free(d->ctx, d->u);
  brink_free(d->ctx, d);
}

brink_status brink_sobol_design_new(brink_ctx *ctx, size_t dim, size_t n_base, uint64_t seed,
                                    brink_sobol_design **out) {
  *out = NULL;
  if (dim < 1 || dim > BRINK_SOBOL_MAX_DIM)
    return brink__fail(ctx, BRINK_EINVAL, "sobol design: %zu inputs, expected 1..%d", dim,
                       BRINK_SOBOL_MAX_DIM);
  if (n_base < 2 || n_base > BRINK_SOBOL_MAX_BASE)
    return brink__fail(ctx, BRINK_EINVAL, "sobol design: %zu base rows, expected 2..%u", n_base,
                       BRINK_SOBOL_MAX_BASE);
  brink_status st = BRINK_OK;
  gsl_qrng *q = NULL;
  double *a = NULL, *b = NULL;
  size_t *order = NULL;
  brink_sobol_design *d = brink_calloc(ctx, 1, sizeof *d);
  if (!d) return BRINK_ENOMEM;
  d->ctx = ctx;
  d->dim = dim;
  d->n_base = n_base;
  d->n_points = n_base * (dim + 2);
  d->latin = dim > GSL_SOBOL_DIM;
  d->paired = 2 * dim <= GSL_SOBOL_DIM || d->latin;
  d->u = brink_calloc(ctx, d->n_points * dim, sizeof *d->u);
  a = brink_calloc(ctx, n_base * dim, sizeof *a);
  b = brink_calloc(ctx, n_base * dim, sizeof *b);
  order = brink_calloc(ctx, n_base, sizeof *order);
  if (!d->u || !a || !b || !order) {
    st = BRINK_ENOMEM;
    goto done;
  }
  if (d->latin) {
    latin_columns(seed, n_base, dim, a, b, order);
  } else {
    /* GSL allocates outside the funnel; its failure is reported as out of memory. */
    unsigned qdim = (unsigned)(d->paired ? 2 * dim : dim);
    q = gsl_qrng_alloc(gsl_qrng_sobol, qdim);
    if (!q) {
      st = brink__fail(ctx, BRINK_ENOMEM, "sobol design: cannot allocate the sequence");
      goto done;
    }
    double point[2 * GSL_SOBOL_DIM];
    for (size_t j = 0; j < n_base; j++) {
      gsl_qrng_get(q, point);
      memcpy(&a[j * dim], point, dim * sizeof *point);
      if (d->paired) memcpy(&b[j * dim], point + dim, dim * sizeof *point);
    }
  }
  if (!d->paired) {
    /* Fisher-Yates with a fixed Philox stream: B_j is A_order[j], a different point of the
     * same low-discrepancy set, paired at random (an identity pairing would make A = B). */
    brink_rng rng;
    brink_rng_init(&rng, seed, 0, SHUFFLE_STREAM);
    for (size_t j = 0; j < n_base; j++) order[j] = j;
    for (size_t j = n_base - 1; j > 0; j--) {
      size_t k = brink_rng_below(&rng, (uint32_t)(j + 1));
      size_t t = order[j];
      order[j] = order[k];
      order[k] = t;
    }
    for (size_t j = 0; j < n_base; j++) memcpy(&b[j * dim], &a[order[j] * dim], dim * sizeof *b);
  }
  for (size_t j = 0; j < n_base; j++) {
    double *row = &d->u[j * (dim + 2) * dim];
    memcpy(row, &a[j * dim], dim * sizeof *row);
    memcpy(row + dim, &b[j * dim], dim * sizeof *row);
    for (size_t i = 0; i < dim; i++) {
      double *ab = row + (2 + i) * dim;
      memcpy(ab, &a[j * dim], dim * sizeof *ab);
      ab[i] = b[j * dim + i];
    }
  }
done:
  if (q) gsl_qrng_free(q);
  brink_free(ctx, a);
  brink_free(ctx, b);
  brink_free(ctx, order);
  if (st) {
    brink_sobol_design_free(d);
    return st;
  }
  *out = d;
  return BRINK_OK;
}

void brink_sobol_indices_free(brink_sobol_indices *x) {
  if (!x) return;
  brink_free(x->ctx, x->first);
  brink_free(x->ctx, x->total);
  brink_free(x->ctx, x);
}

/* Indices from the base rows rows[0..n) (indices into the design's base rows). first and
 * total receive dim values each. */
static void estimate(const brink_sobol_design *d, const double *y, const size_t *rows, size_t n,
                     double *first, double *total, double *mean_out, double *var_out) {
  const size_t dim = d->dim, stride = dim + 2;
  /* Two passes (mean, then squared deviations) for a variance that does not cancel. */
  double sum = 0.0;
  for (size_t k = 0; k < n; k++) {
    size_t j = rows ? rows[k] : k;
    sum += y[j * stride] + y[j * stride + 1];
  }
  double mean = sum / (double)(2 * n), ss = 0.0;
  for (size_t k = 0; k < n; k++) {
    size_t j = rows ? rows[k] : k;
    double da = y[j * stride] - mean, db = y[j * stride + 1] - mean;
    ss += da * da + db * db;
  }
  double var = ss / (double)(2 * n);
  for (size_t i = 0; i < dim; i++) {
    double s1 = 0.0, st = 0.0;
    for (size_t k = 0; k < n; k++) {
      size_t j = rows ? rows[k] : k;
      double fa = y[j * stride], fb = y[j * stride + 1], fab = y[j * stride + 2 + i];
      /* Saltelli et al. 2010, table 2 (b), with f(B) centred on the mean: the expectation is
       * unchanged (E f(AB) = E f(A)) and the variance a large mean would add is gone. */
      s1 += (fb - mean) * (fab - fa);
      st += (fa - fab) * (fa - fab); /* Jansen 1999 */
    }
    first[i] = var > 0.0 ? s1 / (double)n / var : 0.0;
    total[i] = var > 0.0 ? st / (2.0 * (double)n) / var : 0.0;
  }
  if (mean_out) *mean_out = mean;
  if (var_out) *var_out = var;
}

brink_status brink_sobol_estimate(brink_ctx *ctx, const brink_sobol_design *d, const double *y,
                                  const brink_sobol_options *o, brink_sobol_indices **out) {
  *out = NULL;
  if (!(o->confidence > 0.0 && o->confidence < 1.0))
    return brink__fail(ctx, BRINK_EINVAL, "confidence must be in (0, 1), got %g", o->confidence);
  if (o->bootstrap > 100000)
    return brink__fail(ctx, BRINK_EINVAL, "bootstrap: %zu resamples, expected at most 100000",
                       o->bootstrap);
  for (size_t k = 0; k < d->n_points; k++)
    if (!isfinite(y[k]))
      return brink__fail(ctx, BRINK_EINVAL, "output at design point %zu is not finite (%g)", k,
                         y[k]);
  const size_t dim = d->dim, n = d->n_base, nb = o->bootstrap;
  brink_status st = BRINK_OK;
  size_t *rows = NULL;
  double *boot_first = NULL, *boot_total = NULL;
  brink_sobol_indices *x = brink_calloc(ctx, 1, sizeof *x);
  if (!x) return BRINK_ENOMEM;
  x->ctx = ctx;
  x->dim = dim;
  x->n_base = n;
  x->bootstrap = nb;
  x->confidence = o->confidence;
  x->noise_variance = o->noise_variance;
  x->latin = d->latin;
  x->first = brink_calloc(ctx, dim, sizeof *x->first);
  x->total = brink_calloc(ctx, dim, sizeof *x->total);
  double first[BRINK_SOBOL_MAX_DIM], total[BRINK_SOBOL_MAX_DIM];
  if (!x->first || !x->total) {
    st = BRINK_ENOMEM;
    goto done;
  }
  estimate(d, y, NULL, n, first, total, &x->mean, &x->variance);
  for (size_t i = 0; i < dim; i++) {
    x->first[i] = (brink_estimate){first[i], first[i], first[i]};
    x->total[i] = (brink_estimate){total[i], total[i], total[i]};
  }
  if (nb == 0) goto done;
  rows = brink_calloc(ctx, n, sizeof *rows);
  boot_first = brink_calloc(ctx, nb * dim, sizeof *boot_first);
  boot_total = brink_calloc(ctx, nb * dim, sizeof *boot_total);
  if (!rows || !boot_first || !boot_total) {
    st = BRINK_ENOMEM;
    goto done;
  }
  for (size_t b = 0; b < nb; b++) {
    brink_rng rng;
    brink_rng_init(&rng, o->seed, b, BOOTSTRAP_STREAM);
    for (size_t k = 0; k < n; k++) rows[k] = brink_rng_below(&rng, (uint32_t)n);
    estimate(d, y, rows, n, first, total, NULL, NULL);
    for (size_t i = 0; i < dim; i++) {
      boot_first[i * nb + b] = first[i];
      boot_total[i * nb + b] = total[i];
    }
  }
  double plo = (1.0 - o->confidence) / 2.0, phi = 1.0 - plo;
  for (size_t i = 0; i < dim; i++) {
    double *f = &boot_first[i * nb], *t = &boot_total[i * nb];
    gsl_sort(f, 1, nb);
    gsl_sort(t, 1, nb);
    x->first[i].lo = gsl_stats_quantile_from_sorted_data(f, 1, nb, plo);
    x->first[i].hi = gsl_stats_quantile_from_sorted_data(f, 1, nb, phi);
    x->total[i].lo = gsl_stats_quantile_from_sorted_data(t, 1, nb, plo);
    x->total[i].hi = gsl_stats_quantile_from_sorted_data(t, 1, nb, phi);
  }
done:
  brink_free(ctx, rows);
  brink_free(ctx, boot_first);
  brink_free(ctx, boot_total);
  if (st) {
    brink_sobol_indices_free(x);
    return st;
  }
  *out = x;
  return BRINK_OK;
}

brink_status brink_sobol_analyze(brink_ctx *ctx, size_t dim, size_t n_base, uint64_t seed,
                                 brink_sobol_fn fn, void *userdata,
                                 const brink_sobol_options *options, brink_sobol_indices **out) {
  brink_sobol_design *d = NULL;
  double *y = NULL;
  *out = NULL;
  brink_status st = brink_sobol_design_new(ctx, dim, n_base, seed, &d);
  if (st) return st;
  y = brink_calloc(ctx, d->n_points, sizeof *y);
  if (!y) {
    st = BRINK_ENOMEM;
    goto done;
  }
  for (size_t k = 0; k < d->n_points; k++) y[k] = fn(userdata, &d->u[k * dim], dim);
  st = brink_sobol_estimate(ctx, d, y, options, out);
done:
  brink_free(ctx, y);
  brink_sobol_design_free(d);
  return st;
}

double brink_param_quantile(const brink_param *p, double u) {
  switch (p->dist) {
  case BRINK_DIST_CONSTANT:
    return p->value;
  case BRINK_DIST_UNIFORM:
    return p->a + (p->b - p->a) * u;
  case BRINK_DIST_NORMAL:
    return p->a + p->b * gsl_cdf_ugaussian_Pinv(u);
  case BRINK_DIST_TRUNCNORMAL: {
    double lo = gsl_cdf_ugaussian_P((p->lo - p->a) / p->b);
    double hi = gsl_cdf_ugaussian_P((p->hi - p->a) / p->b);
    double x = p->a + p->b * gsl_cdf_ugaussian_Pinv(lo + u * (hi - lo));
    return x < p->lo ? p->lo : x > p->hi ? p->hi : x;
  }
  case BRINK_DIST_BETA:
    return gsl_cdf_beta_Pinv(u, p->a, p->b);
  case BRINK_DIST_CHOICE: {
    double acc = 0.0;
    for (size_t i = 0; i < p->n_choices; i++) {
      acc += p->weights[i];
      if (u < acc) return p->choices[i];
    }
    return p->n_choices ? p->choices[p->n_choices - 1] : 0.0;
  }
  }
  return p->value;
}
