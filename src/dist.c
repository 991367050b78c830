/* SPDX-License-Identifier: MIT */
/* Quantiles of the parameter priors. The beta quantile is a safeguarded Newton iteration on
 * the regularised incomplete beta function inside a bracket that shrinks at every step and is
 * bisected over the bit patterns of doubles, so it reaches any quantile (down to 1e-300 for
 * a = 0.01) in at most MAX_ITER steps; GSL's own inverse (gsl_cdf_beta_Pinv) aborts or fails to
 * end for some valid priors (issue 19, defect 2). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>

#include "dist.h"
#include "internal.h"

#define MAX_ITER 300
/* Above this, a beta whose CDF GSL cannot evaluate is close enough to a normal (skewness and
 * excess kurtosis below 0.03) to draw from the normal with its mean and variance. */
#define BETA_NORMAL_MIN 1e4

static double from_bits(uint64_t bits) {
  double x;
  memcpy(&x, &bits, sizeof x);
  return x;
}

static uint64_t to_bits(double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  return bits;
}

static brink_status beta_normal(double a, double b, double u, double *out) {
  if (!(a >= BETA_NORMAL_MIN && b >= BETA_NORMAL_MIN)) return BRINK_ERANGE;
  /* Written so that a + b overflowing to infinity still gives the right mean. */
  double mean = 1.0 / (1.0 + b / a), sd = sqrt(mean * (1.0 - mean) / (a + b + 1.0));
  double x = mean + sd * gsl_cdf_ugaussian_Pinv(u);
  if (!isfinite(x)) return BRINK_ERANGE;
  *out = x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
  return BRINK_OK;
}

/* I_x(a, b) - u (upper = 0) or (1 - u) - I_{1-x}(b, a) (upper = 1): increasing in x, zero at
 * the quantile. The second form is the complement computed directly, which keeps relative
 * precision when u is near 1 (I_x near 1 has only absolute precision). 1 on failure. */
static int gap(double a, double b, double x, double u, int upper, double *out) {
  gsl_sf_result r;
  int status = upper ? gsl_sf_beta_inc_e(b, a, 1.0 - x, &r) : gsl_sf_beta_inc_e(a, b, x, &r);
  if (status == GSL_EUNDRFLW) r.val = 0.0, status = GSL_SUCCESS; /* far in a tail */
  if (status != GSL_SUCCESS || !isfinite(r.val)) return 1;
  *out = upper ? (1.0 - u) - r.val : r.val - u;
  return 0;
}

static brink_status beta_quantile(double a, double b, double u, double *out) {
  if (!(a > 0.0 && b > 0.0) || !isfinite(a) || !isfinite(b) || isnan(u)) return BRINK_ERANGE;
  if (u <= 0.0) {
    *out = 0.0;
    return BRINK_OK;
  }
  if (u >= 1.0) {
    *out = 1.0;
    return BRINK_OK;
  }
  /* The complement for u above 1/2 (1 - u is then exact, Sterbenz), unless the quantile is
   * below 1e-6, where 1 - x would lose x's digits. */
  double g_small;
  int upper = u > 0.5 && !gap(a, b, 1e-6, u, 1, &g_small) && g_small < 0.0;
  /* Invariant: gap(lo) < 0 <= gap(hi), lo and hi as bit patterns of doubles in [0, 1]
   * (monotone there), so bisecting the patterns reaches one ulp in at most 64 steps. */
  uint64_t lo = 0, hi = to_bits(1.0);
  double x = a / (a + b);
  for (int it = 0; it < MAX_ITER && hi - lo > 1; it++) {
    /* A Newton point outside the bracket, or every fourth step, bisects the bracket's bits. */
    if (!(x > from_bits(lo) && x < from_bits(hi)) || it % 4 == 3) x = from_bits(lo + (hi - lo) / 2);
    double g;
    if (gap(a, b, x, u, upper, &g)) return beta_normal(a, b, u, out);
    if (g >= 0.0)
      hi = to_bits(x);
    else
      lo = to_bits(x);
    double density = gsl_ran_beta_pdf(x, a, b);

    double next = density > 0.0 && isfinite(density) ? x - g / density : -1.0;
    if (next > 0.0 && fabs(next - x) <= 4.0 * 0x1p-53 * x) {
      x = next;
      break; /* converged to a few ulps */
    }
    x = next;
  }
  if (!(x >= from_bits(lo) && x <= from_bits(hi))) x = from_bits(hi);
  *out = x;
  return BRINK_OK;
}

brink_status brink__dist_quantile(const brink_param *p, double u, double *out) {
  double x;
  /* The generator's (k + 0.5) 2^-53 rounds to exactly 1 for the largest k: keep u inside
   * (0, 1) so that a normal draw stays finite. */
  if (u > 1.0 - 0x1p-53) u = 1.0 - 0x1p-53;
  if (u < 0x1p-54) u = 0x1p-54;
  switch (p->dist) {
  case BRINK_DIST_CONSTANT:
    x = p->value;
    break;
  case BRINK_DIST_UNIFORM:
    x = p->a + (p->b - p->a) * u;
    break;
  case BRINK_DIST_NORMAL:
    x = p->a + p->b * gsl_cdf_ugaussian_Pinv(u);
    break;
  case BRINK_DIST_TRUNCNORMAL: {
    double lo = gsl_cdf_ugaussian_P((p->lo - p->a) / p->b);
    double hi = gsl_cdf_ugaussian_P((p->hi - p->a) / p->b);
    x = p->a + p->b * gsl_cdf_ugaussian_Pinv(lo + u * (hi - lo));
    if (isnan(x)) return BRINK_ERANGE;
    x = x < p->lo ? p->lo : x > p->hi ? p->hi : x;
    break;
  }
  case BRINK_DIST_BETA:
    return beta_quantile(p->a, p->b, u, out);
  case BRINK_DIST_CHOICE: {
    double acc = 0.0;
    x = p->n_choices ? p->choices[p->n_choices - 1] : 0.0;
    for (size_t i = 0; i < p->n_choices; i++) {
      acc += p->weights[i];
      if (u < acc) {
        x = p->choices[i];
        break;
      }
    }
    break;
  }
  default:
    return BRINK_ERANGE;
  }
  if (!isfinite(x)) return BRINK_ERANGE; /* a draw of +-inf or NaN means nothing to the model */
  *out = x;
  return BRINK_OK;
}

brink_status brink__dist_check(brink_ctx *ctx, const brink_param *p) {
  /* The generator's extremes (2^-54 and the largest double below 1, brink_rng_uniform), then
   * a spread across (0, 1). */
  static const double us[] = {0x1p-54,
                              1e-12,
                              1e-6,
                              1e-3,
                              0.05,
                              0.25,
                              0.5,
                              0.75,
                              0.95,
                              0.999,
                              1 - 1e-6,
                              1 - 1e-12,
                              0x1.fffffffffffffp-1};
  double last = -HUGE_VAL;
  for (size_t i = 0; i < BRINK_ARRAY_LEN(us); i++) {
    double x;
    if (brink__dist_quantile(p, us[i], &x) || (p->dist == BRINK_DIST_BETA && !(x >= last))) {
      if (p->dist == BRINK_DIST_BETA)
        return brink__fail(ctx, BRINK_ERANGE,
                           "cannot draw from beta(a=%g, b=%g) for parameter '%s': its quantile "
                           "at %g cannot be computed; use a normal or truncnormal prior",
                           p->a, p->b, p->name, us[i]);
      return brink__fail(ctx, BRINK_ERANGE,
                         "cannot draw parameter '%s': its quantile at %g cannot be computed",
                         p->name, us[i]);
    }
    last = x;
  }
  return BRINK_OK;
}
