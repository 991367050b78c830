/* SPDX-License-Identifier: MIT */
/* Sobol indices: the Ishigami function (analytic indices, Ishigami and Homma 1990; Sobol'
 * and Levitan 1999), also among 46 inputs (a Latin hypercube design), a linear function in more
 * dimensions than the paired Sobol design allows, the
 * inverse CDFs of priors, and allocation failures. */
#include <gsl/gsl_cdf.h>

#include "brink/sensitivity.h"
#include "harness.h"

#define PI 3.14159265358979323846
#define ISHI_A 7.0
#define ISHI_B 0.1

static double ishigami(void *ud, const double *u, size_t dim) {
  (void)ud;
  (void)dim;
  double x1 = -PI + 2 * PI * u[0], x2 = -PI + 2 * PI * u[1], x3 = -PI + 2 * PI * u[2];
  double s2 = sin(x2);
  return sin(x1) + ISHI_A * s2 * s2 + ISHI_B * x3 * x3 * x3 * x3 * sin(x1);
}

/* Analytic partial variances of the Ishigami function on [-pi, pi]^3. */
static void ishigami_indices(double first[3], double total[3]) {
  double pi4 = PI * PI * PI * PI, pi8 = pi4 * pi4;
  double v1 = 0.5 * (1 + ISHI_B * pi4 / 5) * (1 + ISHI_B * pi4 / 5);
  double v2 = ISHI_A * ISHI_A / 8;
  double v13 = ISHI_B * ISHI_B * pi8 * (1.0 / 18 - 1.0 / 50);
  double v = v1 + v2 + v13;
  first[0] = v1 / v;
  first[1] = v2 / v;
  first[2] = 0;
  total[0] = (v1 + v13) / v;
  total[1] = v2 / v;
  total[2] = v13 / v;
}

static void check_within(brink_estimate e, double truth, double tol) {
  CHECK_NEAR(e.mean, truth, tol);
  CHECK(e.lo <= e.mean && e.mean <= e.hi);
  /* The analytic value inside the bootstrap interval (widened by 0.005 for the bias of a
   * percentile interval around a quasi-random estimate). */
  if (!(truth >= e.lo - 0.005 && truth <= e.hi + 0.005))
    fprintf(stderr, "  analytic %.4f outside [%.4f, %.4f] (estimate %.4f)\n", truth, e.lo, e.hi,
            e.mean);
  CHECK(truth >= e.lo - 0.005 && truth <= e.hi + 0.005);
}

static void test_ishigami(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  double first[3], total[3];
  ishigami_indices(first, total);
  CHECK_NEAR(first[0], 0.3139, 1e-4); /* the published values */
  CHECK_NEAR(first[1], 0.4424, 1e-4);
  CHECK_NEAR(total[2], 0.2437, 1e-4);
  brink_sobol_options o = {400, 7, 0.95, -1};
  brink_sobol_indices *x = NULL;
  CHECK_INT(brink_sobol_analyze(ctx, 3, 4096, 1, ishigami, NULL, &o, &x), BRINK_OK);
  if (x) {
    CHECK_INT(x->dim, 3);
    CHECK_NEAR(x->variance,
               ISHI_A * ISHI_A / 8 + ISHI_B * pow(PI, 4) / 5 + ISHI_B * ISHI_B * pow(PI, 8) / 18 +
                   0.5,
               0.2);
    for (int i = 0; i < 3; i++) {
      check_within(x->first[i], first[i], 0.03);
      check_within(x->total[i], total[i], 0.03);
    }
  }
  /* Same inputs, same bytes. */
  brink_sobol_indices *y = NULL;
  CHECK_INT(brink_sobol_analyze(ctx, 3, 4096, 1, ishigami, NULL, &o, &y), BRINK_OK);
  if (x && y) CHECK(memcmp(x->first, y->first, 3 * sizeof *x->first) == 0);
  brink_sobol_indices_free(x);
  brink_sobol_indices_free(y);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* f = sum c_k x_k with x_k uniform: S_k = ST_k = c_k^2 / sum c^2. 25 inputs: the design pairs A
 * and B by a shuffle, since 50 > 40 dimensions. */
#define LIN_DIM 25
static double linear(void *ud, const double *u, size_t dim) {
  (void)ud;
  double s = 0;
  for (size_t k = 0; k < dim; k++) s += (double)(k % 5) * u[k];
  return s;
}

static void test_linear_many_inputs(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_sobol_design *d = NULL;
  CHECK_INT(brink_sobol_design_new(ctx, LIN_DIM, 16, 3, &d), BRINK_OK);
  if (d) CHECK_INT(d->paired, 0);
  brink_sobol_design_free(d);
  brink_sobol_options o = {200, 7, 0.95, -1};
  brink_sobol_indices *x = NULL;
  CHECK_INT(brink_sobol_analyze(ctx, LIN_DIM, 2048, 3, linear, NULL, &o, &x), BRINK_OK);
  double sum = 0;
  for (int k = 0; k < LIN_DIM; k++) sum += (double)((k % 5) * (k % 5));
  for (int k = 0; x && k < LIN_DIM; k++) {
    double truth = (double)((k % 5) * (k % 5)) / sum;
    CHECK_NEAR(x->first[k].mean, truth, 0.03);
    CHECK_NEAR(x->total[k].mean, truth, 0.03);
    if (k % 5 == 0) { /* inputs with no effect: exactly zero total index, first order ~0 */
      CHECK_INT(x->total[k].mean == 0.0, 1);
      CHECK_INT(x->total[k].hi == 0.0, 1);
    }
  }
  brink_sobol_indices_free(x);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* Beyond GSL's 40 Sobol dimensions: the Ishigami function on the first 3 of 46 inputs (the
 * Korea 2022 count), 43 inputs never read. The design is a 92-dimensional Latin hypercube:
 * analytic indices inside the bootstrap intervals, unread inputs exactly 0. */
static void test_ishigami_many_inputs(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  const size_t dim = 46, n = 4096;
  brink_sobol_design *d = NULL;
  CHECK_INT(brink_sobol_design_new(ctx, dim, n, 5, &d), BRINK_OK);
  if (d) {
    CHECK_INT(d->latin, 1);
    CHECK_INT(d->paired, 1);
    /* Each column of A and of B has one point in each of the n strata, inside (0, 1). */
    unsigned char *seen = calloc(n, 1);
    for (size_t col = 0; seen && col < 2 * dim; col++) {
      memset(seen, 0, n);
      size_t hits = 0;
      for (size_t j = 0; j < n; j++) {
        double u = d->u[(j * (dim + 2) + (col < dim ? 0 : 1)) * dim + col % dim];
        CHECK(u > 0.0 && u < 1.0);
        size_t k = (size_t)(u * (double)n);
        if (k < n && !seen[k]) hits += (seen[k] = 1);
      }
      CHECK_INT(hits, n);
    }
    free(seen);
  }
  brink_sobol_design_free(d);
  double first[3], total[3];
  ishigami_indices(first, total);
  brink_sobol_options o = {400, 7, 0.95, -1};
  brink_sobol_indices *x = NULL;
  CHECK_INT(brink_sobol_analyze(ctx, dim, n, 5, ishigami, NULL, &o, &x), BRINK_OK);
  if (x) {
    for (int i = 0; i < 3; i++) {
      check_within(x->first[i], first[i], 0.05);
      check_within(x->total[i], total[i], 0.05);
    }
    for (size_t i = 3; i < dim; i++) {
      CHECK(x->total[i].mean == 0.0 && x->total[i].hi == 0.0);
      CHECK(x->first[i].mean == 0.0);
    }
  }
  brink_sobol_indices_free(x);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static void test_design_layout(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_sobol_design *d = NULL;
  CHECK_INT(brink_sobol_design_new(ctx, 3, 8, 1, &d), BRINK_OK);
  if (d) {
    CHECK_INT(d->n_points, 8 * 5);
    CHECK_INT(d->paired, 1);
    for (size_t j = 0; j < 8; j++) {
      const double *a = &d->u[(j * 5) * 3], *b = &d->u[(j * 5 + 1) * 3];
      for (size_t i = 0; i < 3; i++) {
        const double *ab = &d->u[(j * 5 + 2 + i) * 3];
        for (size_t k = 0; k < 3; k++) CHECK(ab[k] == (k == i ? b[k] : a[k]));
        CHECK(a[i] > 0 && a[i] < 1 && b[i] > 0 && b[i] < 1);
      }
    }
    /* First point after the origin of the 6-dimensional Sobol sequence: all 0.5. */
    CHECK(d->u[0] == 0.5 && d->u[3] == 0.5);
  }
  brink_sobol_design_free(d);
  CHECK_INT(brink_sobol_design_new(ctx, 0, 8, 1, &d), BRINK_EINVAL);
  CHECK_INT(brink_sobol_design_new(ctx, 65, 8, 1, &d), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "65 inputs, expected 1..64");
  CHECK_INT(brink_sobol_design_new(ctx, 3, 1, 1, &d), BRINK_EINVAL);
  brink_ctx_free(ctx);
}

static void test_quantiles(void) {
  brink_param p;
  memset(&p, 0, sizeof p);
  p.dist = BRINK_DIST_UNIFORM;
  p.a = 2;
  p.b = 4;
  CHECK_NEAR(brink_param_quantile(&p, 0.25), 2.5, 1e-12);
  p.dist = BRINK_DIST_NORMAL;
  p.a = 1;
  p.b = 2;
  CHECK_NEAR(brink_param_quantile(&p, 0.975), 1 + 2 * 1.959963984540054, 1e-9);
  p.dist = BRINK_DIST_TRUNCNORMAL;
  p.a = 0;
  p.b = 1;
  p.lo = 0;
  p.hi = 10;
  /* Half-normal: the median is the normal's 0.75 quantile. */
  CHECK_NEAR(brink_param_quantile(&p, 0.5), 0.6744897501960817, 1e-9);
  p.dist = BRINK_DIST_BETA;
  p.a = 2;
  p.b = 1; /* CDF x^2 */
  CHECK_NEAR(brink_param_quantile(&p, 0.25), 0.5, 1e-9);
  double choices[] = {1, 5, 9}, weights[] = {0.2, 0.5, 0.3};
  p.dist = BRINK_DIST_CHOICE;
  p.choices = choices;
  p.weights = weights;
  p.n_choices = 3;
  CHECK(brink_param_quantile(&p, 0.1) == 1);
  CHECK(brink_param_quantile(&p, 0.6) == 5);
  CHECK(brink_param_quantile(&p, 0.95) == 9);
}

static void test_alloc_failures(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_sobol_options o = {20, 1, 0.9, -1};
  int succeeded = 0;
  for (uint64_t n = 1; n < 40 && !succeeded; n++) {
    brink_sobol_indices *x = NULL;
    brink_ctx_fail_after(ctx, n);
    brink_status st = brink_sobol_analyze(ctx, 3, 64, 1, ishigami, NULL, &o, &x);
    brink_ctx_fail_after(ctx, 0);
    CHECK(st == BRINK_OK || st == BRINK_ENOMEM);
    succeeded = st == BRINK_OK;
    brink_sobol_indices_free(x);
    CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  }
  CHECK(succeeded);
  brink_ctx_free(ctx);
}

static double not_finite(void *ud, const double *u, size_t dim) {
  (void)ud;
  (void)dim;
  return u[0] > 0.9 ? (double)NAN : u[0];
}

static void test_bad_input(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_sobol_options o = {20, 1, 0.95, -1};
  brink_sobol_indices *x = NULL;
  CHECK_INT(brink_sobol_analyze(ctx, 2, 64, 1, not_finite, NULL, &o, &x), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "not finite");
  o.confidence = 1.5;
  CHECK_INT(brink_sobol_analyze(ctx, 3, 64, 1, ishigami, NULL, &o, &x), BRINK_EINVAL);
  CHECK(x == NULL);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

int main(void) {
  RUN(test_ishigami);
  RUN(test_linear_many_inputs);
  RUN(test_ishigami_many_inputs);
  RUN(test_design_layout);
  RUN(test_quantiles);
  RUN(test_alloc_failures);
  RUN(test_bad_input);
  return harness_finish("sensitivity");
}
