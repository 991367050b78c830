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

/* ---- Tabulated beta quantiles ---------------------------------------------------------------- */

#define TABLE_Z 38.0 /* logit(2^-54) = -37.4, logit(1 - 2^-53) = 36.7 */

/* The quantile of beta(a, b) at u <= 1/2 by Newton's method from a close guess (the previous
 * node's extrapolation); 1 when it does not converge in a few steps (the caller then uses the
 * bracketed beta_quantile). */
static int newton_quantile(double a, double b, double u, double x, double *out) {
  for (int it = 0; it < 8; it++) {
    double g, density = gsl_ran_beta_pdf(x, a, b);
    if (!(x > 0.0 && x < 1.0) || gap(a, b, x, u, 0, &g) || !(density > 0.0) || !isfinite(density))
      return 1;
    double next = x - g / density;
    /* Quadratic convergence: a step below 1e-11 x leaves an error of order 1e-22 x (times the
     * curvature of the CDF, large for a or b well below 1). */
    if (fabs(next - x) <= 1e-11 * x) {
      *out = next;
      return 0;
    }
    x = next;
  }
  return 1;
}

/* Node k of one half: y = logit(Q(u)) and its first two derivatives in z = logit(u), times h and
 * h^2, for beta(a, b) at zl <= 0 (u = logistic(zl) <= 1/2). *guess: the previous node's y
 * extrapolated, or NAN. 1 when the node cannot be computed. */
static int table_node(double a, double b, double zl, double h, double guess, double node[3]) {
  double u = exp(zl) / (1.0 + exp(zl)), v = 1.0 / (1.0 + exp(zl)); /* logistic(zl), 1 - it */
  double x;
  if (!(isfinite(guess) && !newton_quantile(a, b, u, 1.0 / (1.0 + exp(-guess)), &x)) &&
      beta_quantile(a, b, u, &x))
    return 1;
  double density = gsl_ran_beta_pdf(x, a, b);
  if (!(x > 0.0 && x < 1.0) || !(density > 0.0) || !isfinite(density)) return 1;
  /* g = dz/dy = f(x) x (1 - x) / (u (1 - u)); dy/dz = 1/g; d2y/dz2 = -(d ln g/dy) / g^2 with
   * d ln g/dy = a (1 - x) - b x - f(x) x (1 - x) (1 - 2u) / (u (1 - u)). */
  double g = density * x * (1.0 - x) / (u * v);
  double dlng = a * (1.0 - x) - b * x - g * (v - u);
  node[0] = log(x) - log1p(-x);
  node[1] = h / g;
  node[2] = -h * h * dlng / (g * g);
  return !(isfinite(node[0]) && isfinite(node[1]) && isfinite(node[2]));
}

brink_status brink__dist_table_new(brink_ctx *ctx, const brink_param *p, brink__dist_table **out) {
  *out = NULL;
  if (p->dist != BRINK_DIST_BETA) return BRINK_OK;
  brink__dist_table *t = brink_malloc(ctx, sizeof *t);
  if (!t) return BRINK_ENOMEM;
  const int n = BRINK__DIST_TABLE_N, half = n / 2;
  t->h = 2.0 * TABLE_Z / n;
  t->inv_h = n / (2.0 * TABLE_Z);
  t->z0 = -TABLE_Z;
  /* Lower half (z <= 0) from beta(a, b); upper half by symmetry, Q_{a,b}(u) = 1 - Q_{b,a}(1-u),
   * so y(z) = -y_{b,a}(-z), y' the same, y'' negated: every node comes from a u <= 1/2, exact
   * in double, never from 1 - u. Each half runs outwards in, the previous node guessing. */
  for (int side = 0; side < 2; side++) {
    double a = side ? p->b : p->a, b = side ? p->a : p->b, guess = (double)NAN;
    for (int j = 0; j <= half; j++) {
      int k = side ? n - j : j;
      if (side && k == half) break; /* the middle node belongs to the lower half */
      double node[3];
      if (table_node(a, b, -TABLE_Z + j * t->h, t->h, guess, node)) goto untabulated;
      guess = node[0] + node[1] + 0.5 * node[2];
      t->y[k] = side ? -node[0] : node[0];
      t->dy[k] = node[1];
      t->d2y[k] = side ? -node[2] : node[2];
    }
  }
  *out = t;
  return BRINK_OK;
untabulated:
  brink_free(ctx, t);
  return BRINK_OK;
}

double brink__dist_table_quantile(const brink__dist_table *t, double u) {
  if (u > 1.0 - 0x1p-53) u = 1.0 - 0x1p-53;
  if (u < 0x1p-54) u = 0x1p-54;
  double z = log(u) - log1p(-u);
  double pos = (z - t->z0) * t->inv_h;
  int k = (int)pos;
  if (k < 0) k = 0;
  if (k > BRINK__DIST_TABLE_N - 1) k = BRINK__DIST_TABLE_N - 1;
  double s = pos - (double)k, s2 = s * s, s3 = s2 * s, s4 = s3 * s, s5 = s4 * s;
  /* Quintic Hermite basis on [node k, node k + 1]: values, slopes and curvatures at both. */
  double y = (1.0 - 10.0 * s3 + 15.0 * s4 - 6.0 * s5) * t->y[k] +
             (s - 6.0 * s3 + 8.0 * s4 - 3.0 * s5) * t->dy[k] +
             0.5 * (s2 - 3.0 * s3 + 3.0 * s4 - s5) * t->d2y[k] +
             (10.0 * s3 - 15.0 * s4 + 6.0 * s5) * t->y[k + 1] +
             (-4.0 * s3 + 7.0 * s4 - 3.0 * s5) * t->dy[k + 1] +
             0.5 * (s3 - 2.0 * s4 + s5) * t->d2y[k + 1];
  return y < 0.0 ? exp(y) / (1.0 + exp(y)) : 1.0 / (1.0 + exp(-y));
}
