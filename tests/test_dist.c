/* SPDX-License-Identifier: MIT */
/* Prior quantiles (src/dist.c): beta quantiles against closed forms, bounded time on the priors
 * that made GSL abort or never end (issue 19, defect 2), and the loader refusing a prior whose
 * draws cannot be computed with its file:line:col. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_cdf.h>

#include "brink/scenario.h"
#include "dist.h"
#include "harness.h"
#include "internal.h"
#include "rng_run.h"

static brink_param beta(double a, double b) {
  brink_param p;
  memset(&p, 0, sizeof p);
  p.name = (char *)"x";
  p.dist = BRINK_DIST_BETA;
  p.a = a;
  p.b = b;
  p.lo = 0.0;
  p.hi = 1.0;
  return p;
}

static const double us[] = {0x1p-54, 1e-12, 1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-9, 1 - 0x1p-53};

/* beta(a, 1) has CDF x^a, so its quantile is u^(1/a); beta(1, b): 1 - (1 - u)^(1/b). */
static void test_beta_closed_forms(void) {
  static const double as[] = {0.01, 0.5, 1.0, 3.0, 1e5};
  for (size_t i = 0; i < BRINK_ARRAY_LEN(as); i++) {
    for (size_t k = 0; k < BRINK_ARRAY_LEN(us); k++) {
      brink_param p = beta(as[i], 1.0);
      double x = -1.0, want = pow(us[k], 1.0 / as[i]);
      CHECK_INT(brink__dist_quantile(&p, us[k], &x), BRINK_OK);
      CHECK_NEAR(x, want, 1e-8 * want + 1e-300); /* GSL's incomplete beta: ~1e-10 */
      p = beta(1.0, as[i]);
      want = -expm1(log1p(-us[k]) / as[i]);
      CHECK_INT(brink__dist_quantile(&p, us[k], &x), BRINK_OK);
      CHECK_NEAR(x, want, 1e-8 * want + 1e-300);
    }
  }
}

/* The reproducers: a = 0.01, b = 5 aborted; a = b = 1e5 aborted; a = b >= 1e8 never ended.
 * Each quantile must be in [0, 1], increase with u, and come back in bounded time. */
static void test_beta_hostile(void) {
  static const double ab[][2] = {{0.01, 5},      {1e5, 1e5},       {1e8, 1e8}, {1e12, 1e12},
                                 {1e300, 1e300}, {1e-300, 1},      {1e300, 1}, {1e-3, 1e-3},
                                 {2, 5},         {5e-324, 5e-324}, {1e6, 1e-6}};
  clock_t start = clock();
  for (size_t i = 0; i < BRINK_ARRAY_LEN(ab); i++) {
    brink_param p = beta(ab[i][0], ab[i][1]);
    double last = 0.0;
    for (size_t k = 0; k < BRINK_ARRAY_LEN(us); k++) {
      double x = -1.0;
      if (brink__dist_quantile(&p, us[k], &x) != BRINK_OK) continue; /* refused: fine */
      CHECK(x >= 0.0 && x <= 1.0);
      CHECK(x >= last);
      last = x;
    }
  }
  /* Symmetric priors have their median at 1/2 (within the normal approximation's error). */
  static const double sym[] = {1e5, 1e8, 1e12, 1e300};
  for (size_t i = 0; i < BRINK_ARRAY_LEN(sym); i++) {
    brink_param p = beta(sym[i], sym[i]);
    double x = -1.0;
    CHECK_INT(brink__dist_quantile(&p, 0.5, &x), BRINK_OK);
    CHECK_NEAR(x, 0.5, 1e-6);
    CHECK_INT(brink__dist_check(NULL, &p), BRINK_OK);
  }
  CHECK((double)(clock() - start) / CLOCKS_PER_SEC < 10.0);
  brink_param bad = beta(-1.0, 2.0);
  double x = 7.0;
  CHECK_INT(brink__dist_quantile(&bad, 0.5, &x), BRINK_ERANGE);
  CHECK(x == 7.0);
}

/* A prior whose quantile cannot be computed is refused by the loader with its location; a
 * beta(0.01, 5) (which used to abort the run) is accepted. */
static void test_loader_refuses(void) {
  brink_ctx *ctx = NULL;
  brink_ctx_new(&ctx);
  brink_scenario *sc = NULL;
  const char *text = "include: crisis.yaml\n"
                     "params:\n"
                     "  okprior: {dist: beta, a: 0.01, b: 5}\n"
                     "  bad: {dist: normal, mean: 1e308, sd: 1e308}\n";
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  brink_status st = brink_scenario_load_string(ctx, "tests/data/model/prior.yaml", text,
                                               strlen(text), NULL, 0, &diags, &sc);
  CHECK(st != BRINK_OK);
  CHECK(sc == NULL);
  int found = 0;
  for (size_t i = 0; i < diags.n; i++) {
    if (strstr(diags.items[i].message, "cannot draw parameter 'bad'")) {
      found = 1;
      CHECK_STR(diags.items[i].file, "tests/data/model/prior.yaml");
      CHECK_INT(diags.items[i].line, 4);
      CHECK_INT(diags.items[i].col, 3);
    }
    CHECK(strstr(diags.items[i].message, "'okprior'") == NULL);
  }
  CHECK(found);
  brink_diag_list_release(&diags);
  brink_scenario_free(sc);
  brink_ctx_free(ctx);
}

/* The tabulated beta quantile of the plan (brink__dist_table) against GSL. Over the whole range
 * of the generator's u, down to 2^-54 and up to 1 - 2^-53: the error in u, |I_x(a, b) - u|
 * (gsl_cdf_beta_P, gsl_cdf_beta_Q for the upper half), below 1e-11, which bounds the
 * Kolmogorov-Smirnov distance between the draws and the prior (measured: below 1e-12; where x
 * is within 1e-8 of 1 or below 1e-300, x itself cannot resolve u that finely and the
 * comparison is skipped). For priors with a, b >= 0.5 (those shipped): relative error in x
 * below 1e-9 against gsl_cdf_beta_Pinv in [1e-4, 1 - 1e-4] and below 1e-10 against the
 * bracketed quantile everywhere (measured: about 1e-12). */
static void test_beta_table(void) {
  static const double ab[][2] = {{2, 3}, {2, 5},   {0.5, 67.5}, {0.5, 10.5}, {1, 1},   {0.5, 0.5},
                                 {5, 1}, {30, 30}, {0.2, 3},    {0.05, 2},   {200, 3}, {1e3, 1e3}};
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  for (size_t i = 0; i < BRINK_ARRAY_LEN(ab); i++) {
    brink_param p = beta(ab[i][0], ab[i][1]);
    brink__dist_table *t = NULL;
    CHECK_INT(brink__dist_table_new(ctx, &p, &t), BRINK_OK);
    CHECK(t != NULL);
    if (!t) continue;
    double worst_u = 0.0, worst_gsl = 0.0, worst_exact = 0.0;
    for (int k = 0; k < 6000; k++) {
      /* Evenly in (0, 1), then logarithmically into each tail. */
      double u = k < 2000   ? (k + 0.5) / 2000.0
                 : k < 4000 ? pow(10.0, -16.5 + 16.0 * (k - 2000) / 2000.0)
                            : 1.0 - pow(10.0, -15.5 + 15.0 * (k - 4000) / 2000.0);
      double x = brink__dist_table_quantile(t, u), exact = 0.0;
      CHECK(x >= 0.0 && x <= 1.0);
      double err = u < 0.5 ? fabs(gsl_cdf_beta_P(x, p.a, p.b) - u)
                           : fabs(gsl_cdf_beta_Q(x, p.a, p.b) - (1.0 - u));
      if (x < 1.0 - 1e-8 && x > 1e-300 && err > worst_u) worst_u = err;
      int moderate = p.a >= 0.5 && p.b >= 0.5;
      CHECK_INT(brink__dist_quantile(&p, u, &exact), BRINK_OK);
      if (moderate && exact > 0.0 && exact < 1.0 && fabs(x - exact) / exact > worst_exact)
        worst_exact = fabs(x - exact) / exact;
      if (moderate && u >= 1e-4 && u <= 1.0 - 1e-4) {
        double g = gsl_cdf_beta_Pinv(u, p.a, p.b);
        if (fabs(x - g) / g > worst_gsl) worst_gsl = fabs(x - g) / g;
      }
    }
    CHECK(worst_u < 1e-11);
    CHECK(worst_gsl < 1e-9);
    CHECK(worst_exact < 1e-10);
    if (worst_u >= 1e-11 || worst_gsl >= 1e-9 || worst_exact >= 1e-10)
      fprintf(stderr, "beta(%g, %g): error in u %.3g, vs Pinv %.3g, vs bracketed %.3g\n", p.a, p.b,
              worst_u, worst_gsl, worst_exact);
    brink_free(ctx, t);
  }
  /* Not a beta: no table. */
  brink_param uni = beta(0.0, 1.0);
  uni.dist = BRINK_DIST_UNIFORM;
  brink__dist_table *t = (brink__dist_table *)&uni;
  CHECK_INT(brink__dist_table_new(ctx, &uni, &t), BRINK_OK);
  CHECK(t == NULL);
  brink_ctx_free(ctx);
}

/* The run's generator (rng_run.h, eight blocks at a time) gives brink_rng's numbers in the same
 * order: several keys, streams and runs (high words too), across many refills. */
static void test_rng_run(void) {
  const uint64_t seeds[] = {0, 1, 7, 0xfedcba9876543210ull};
  const uint64_t runs[] = {0, 5, 0xffffffffull, 0x123456789abcull};
  const uint32_t streams[] = {0, 2, 0xffffffffu};
  for (size_t a = 0; a < sizeof seeds / sizeof *seeds; a++)
    for (size_t b = 0; b < sizeof runs / sizeof *runs; b++)
      for (size_t c = 0; c < sizeof streams / sizeof *streams; c++) {
        /* Every refill the CPU runs: SSE2 (g.wide 0), AVX2 (1), AVX-512 (2). */
        brink__rng_run probe;
        brink__rng_run_init(&probe, 0, 0, 0);
        for (uint32_t wide = 0; wide <= probe.wide; wide++) {
          brink_rng ref;
          brink__rng_run g;
          brink_rng_init(&ref, seeds[a], runs[b], streams[c]);
          brink__rng_run_init(&g, seeds[a], runs[b], streams[c]);
          g.wide = wide;
          int same = 1;
          for (int n = 0; n < 1000; n++) {
            if (n % 7 == 3) {
              same &= brink_rng_uniform32(&ref) == brink__rng_run_uniform32(&g);
            } else {
              same &= brink_rng_u32(&ref) == brink__rng_run_u32(&g);
            }
          }
          CHECK(same);
        }
      }
}

int main(void) {
  /* Creating a context is what turns GSL's aborting error handler off. */
  brink_ctx *ctx = NULL;
  brink_ctx_new(&ctx);
  brink_ctx_free(ctx);
  RUN(test_beta_closed_forms);
  RUN(test_beta_hostile);
  RUN(test_loader_refuses);
  RUN(test_beta_table);
  RUN(test_rng_run);
  return harness_finish("test_dist");
}
