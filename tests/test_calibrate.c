/* SPDX-License-Identifier: MIT */
/* Tests of the calibration: observed counts from a fixture TSV (counted by hand), the Poisson
 * deviance against hand-computed values, the bound transform, errors, allocation failures,
 * thread invariance, and recovery of known parameters from counts the model generated. */
#include <math.h>

#include "brink/calibrate.h"
#include "harness.h"

#define EVENTS "tests/data/calibrate/events.tsv"
#define RECOVERY "tests/data/calibrate/recovery.yaml"

static brink_ctx *new_ctx(void) {
  brink_ctx *ctx = NULL;
  if (brink_ctx_new(&ctx)) abort();
  return ctx;
}

/* events.tsv: 2013 has BM on 03-15, 05-18, 07-27 and SLV on 12-31; 2014 one BM (CRLF line);
 * 2012 one SLV; one blank line. */
static void test_count_rows(void) {
  brink_ctx *ctx = new_ctx();
  uint64_t n = 99;
  int first = 0, last = 0;
  const char *bm[] = {"BM"}, *both[] = {"BM", "SLV"}, *slv[] = {"SLV"};
  CHECK_INT(brink_calib_count_rows(ctx, EVENTS, "date", "class", bm, 1, 2013, &n, &first, &last),
            BRINK_OK);
  CHECK_INT(n, 3);
  CHECK_INT(first, 2012);
  CHECK_INT(last, 2014);
  CHECK_INT(brink_calib_count_rows(ctx, EVENTS, "date", "class", both, 2, 2013, &n, NULL, NULL),
            BRINK_OK);
  CHECK_INT(n, 4);
  CHECK_INT(brink_calib_count_rows(ctx, EVENTS, "date", "class", bm, 1, 2014, &n, NULL, NULL),
            BRINK_OK);
  CHECK_INT(n, 1); /* "BM" on a CRLF line still matches */
  CHECK_INT(brink_calib_count_rows(ctx, EVENTS, "date", "class", slv, 1, 2012, &n, NULL, NULL),
            BRINK_OK);
  CHECK_INT(n, 1);
  CHECK_INT(brink_calib_count_rows(ctx, EVENTS, "date", "class", NULL, 0, 2013, &n, NULL, NULL),
            BRINK_OK);
  CHECK_INT(n, 4);
  CHECK_INT(brink_calib_count_rows(ctx, EVENTS, "date", "class", bm, 1, 2010, &n, NULL, NULL),
            BRINK_OK);
  CHECK_INT(n, 0);
  /* Errors: a missing column, a date that is not a year, a missing file. */
  CHECK_INT(brink_calib_count_rows(ctx, EVENTS, "date", "type", bm, 1, 2013, &n, NULL, NULL),
            BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "events.tsv:1: no column 'type'");
  CHECK_INT(brink_calib_count_rows(ctx, "tests/data/calibrate/bad_date.tsv", "date", "kind", NULL,
                                   0, 2013, &n, NULL, NULL),
            BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "bad_date.tsv:3: column 'date' does not start with a year");
  CHECK_INT(brink_calib_count_rows(ctx, "tests/data/calibrate/none.tsv", "date", "class", bm, 1,
                                   2013, &n, NULL, NULL),
            BRINK_EIO);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "cannot open 'tests/data/calibrate/none.tsv'");
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* D = 2 sum [y log(y/m) - (y - m)], by hand:
 *   y 0, m 2:   2 (0 + 2)             = 4
 *   y 4, m 4:   0
 *   y 1, m 0.5: 2 (log 2 - 0.5)       = 2 log 2 - 1
 *   y 2, m 0 floored at 0.25: 2 (2 log 8 - 1.75) = 4 log 8 - 3.5 */
static void test_deviance(void) {
  double y[] = {0, 4, 1, 2}, mu[] = {2, 4, 0.5, 0};
  CHECK_NEAR(brink_calib_deviance(y, mu, 1, 0.25), 4.0, 1e-12);
  CHECK_NEAR(brink_calib_deviance(y + 1, mu + 1, 1, 0.25), 0.0, 1e-12);
  CHECK_NEAR(brink_calib_deviance(y + 2, mu + 2, 1, 0.25), 2.0 * log(2.0) - 1.0, 1e-12);
  CHECK_NEAR(brink_calib_deviance(y + 3, mu + 3, 1, 0.25), 4.0 * log(8.0) - 3.5, 1e-12);
  CHECK_NEAR(brink_calib_deviance(y, mu, 4, 0.25),
             4.0 + 2.0 * log(2.0) - 1.0 + 4.0 * log(8.0) - 3.5, 1e-12);
  CHECK_NEAR(brink_calib_deviance(y, mu, 0, 0.25), 0.0, 0.0);
  /* Non-negative, and zero only at the data. */
  double m2[] = {3.9, 4.1};
  double y2[] = {4, 4};
  CHECK(brink_calib_deviance(y2, m2, 2, 1e-9) > 0.0);
}

static void test_transform(void) {
  CHECK_NEAR(brink_calib_to_bounded(0.0, 2.0, 4.0), 3.0, 1e-15);
  CHECK_NEAR(brink_calib_to_free(3.0, 2.0, 4.0), 0.0, 1e-15);
  /* logit(0.25) = log(1/3) */
  CHECK_NEAR(brink_calib_to_free(2.5, 2.0, 4.0), log(1.0 / 3.0), 1e-14);
  CHECK_NEAR(brink_calib_to_bounded(log(3.0), 0.0, 1.0), 0.75, 1e-15);
  double values[] = {-0.99, -0.3, 0.0, 0.1, 0.5, 0.999999};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    double x = brink_calib_to_free(values[i], -1.0, 1.0);
    CHECK_NEAR(brink_calib_to_bounded(x, -1.0, 1.0), values[i], 1e-12);
  }
  /* Far out, the value stays inside the bounds; the bounds themselves map to finite x. */
  CHECK(brink_calib_to_bounded(50.0, 0.0, 1.0) <= 1.0);
  CHECK(brink_calib_to_bounded(-50.0, 0.0, 1.0) >= 0.0);
  CHECK(isfinite(brink_calib_to_free(0.0, 0.0, 1.0)));
  CHECK(isfinite(brink_calib_to_free(1.0, 0.0, 1.0)));
  CHECK(brink_calib_to_free(1.0, 0.0, 1.0) > 20.0);
}

static const brink_calib_series recovery_series[] = {
    {"launches", "Red", {"launch"}, 1},
    {"tests", "Red", {"nuclear_test"}, 1},
};

static brink_calib_problem recovery_problem(brink_calib_param *params, brink_calib_episode *ep) {
  params[0] = (brink_calib_param){"params.launch_cost", 0.0, 2.0, 0.8, -1};
  params[1] = (brink_calib_param){"params.test_cost", 0.0, 5.0, 3.0, -1};
  *ep = (brink_calib_episode){"fixture", RECOVERY, "quiet", {0}};
  brink_calib_problem pb = {params, 2, recovery_series, 2, ep, 1, NULL, 0};
  return pb;
}

static void test_errors(void) {
  brink_ctx *ctx = new_ctx();
  brink_calib_param params[2];
  brink_calib_episode ep;
  brink_calib_problem pb = recovery_problem(params, &ep);
  brink_calib_options o = {100, 1, 1, 5, 1e-3, 1.0, NULL, NULL, 0};
  brink_calib_eval ev;
  double v[] = {0.3, 1.0};
  ep.policy = "loud";
  CHECK_INT(brink_calib_evaluate(ctx, &pb, &o, v, &ev), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "no policy 'loud'");
  ep.policy = "quiet";
  brink_calib_series bad[] = {{"sanctions", "Red", {"sanction"}, 1}};
  pb.series = bad;
  pb.n_series = 1;
  CHECK_INT(brink_calib_evaluate(ctx, &pb, &o, v, &ev), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "series 'sanctions' matches no military action of 'Red'");
  pb.series = recovery_series;
  pb.n_series = 2;
  params[0].start = 2.0; /* on the bound */
  brink_calib_result *r = NULL;
  CHECK_INT(brink_calib_run(ctx, &pb, &o, &r), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "parameter 'params.launch_cost' needs lo < start < hi");
  CHECK(r == NULL);
  params[0].start = 0.8;
  params[0].path = "params.no_such_param";
  CHECK_INT(brink_calib_run(ctx, &pb, &o, &r), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "recovery.yaml: no parameter 'no_such_param' to calibrate");
  CHECK(r == NULL);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* Every allocation of an evaluation and of a fit may fail: a status, never a leak. */
static void test_alloc_failures(void) {
  brink_ctx *ctx = new_ctx();
  brink_calib_param params[2];
  brink_calib_episode ep;
  brink_calib_problem pb = recovery_problem(params, &ep);
  brink_calib_options o = {20, 1, 1, 2, 1e-3, 1.0, NULL, NULL, 0};
  int succeeded = 0;
  for (uint64_t n = 1; n < 5000 && !succeeded; n++) {
    brink_ctx_fail_after(ctx, n);
    brink_calib_result *r = NULL;
    brink_status st = brink_calib_run(ctx, &pb, &o, &r);
    brink_ctx_fail_after(ctx, 0);
    if (st == BRINK_OK) {
      succeeded = 1;
      brink_calib_result_free(ctx, r);
    } else {
      CHECK(r == NULL);
      CHECK(st == BRINK_ENOMEM || st == BRINK_EPARSE || st == BRINK_EIO);
    }
    CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  }
  CHECK(succeeded);
  brink_ctx_free(ctx);
}

/* The same seed gives the same fit with 1 and 2 threads (the engine's sums are exact). */
static void test_thread_invariance(void) {
  brink_ctx *ctx = new_ctx();
  brink_calib_param params[2];
  brink_calib_episode ep;
  brink_calib_problem pb = recovery_problem(params, &ep);
  ep.observed[0] = 20.0;
  ep.observed[1] = 2.0;
  brink_calib_options o1 = {300, 5, 1, 6, 1e-3, 1.0, NULL, NULL, 1};
  brink_calib_options o2 = o1;
  o2.threads = 2;
  brink_calib_result *r1 = NULL, *r2 = NULL;
  CHECK_INT(brink_calib_run(ctx, &pb, &o1, &r1), BRINK_OK);
  CHECK_INT(brink_calib_run(ctx, &pb, &o2, &r2), BRINK_OK);
  if (r1 && r2) {
    CHECK(r1->fit.loss == r2->fit.loss);
    CHECK(r1->fit.values[0] == r2->fit.values[0]);
    CHECK(r1->fit.values[1] == r2->fit.values[1]);
    CHECK(r1->fit.loss <= r1->start.loss);
    CHECK_STR(r1->actions[0], "srbm_launch");
    CHECK_STR(r1->actions[1], "nuclear_test");
  }
  brink_calib_result_free(ctx, r1);
  brink_calib_result_free(ctx, r2);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* Counts generated by the model at known costs (seed 11) are fitted from elsewhere (seed 12).
 * The tolerance comes from the run counts: the Monte Carlo standard errors of both sets of
 * means, carried to the parameters through the inverse of the Jacobian d(mean)/d(cost),
 * measured by central differences at the truth with common random numbers; four of those
 * standard errors, plus the simplex's own tolerance. */
static void test_recovery(void) {
  brink_ctx *ctx = new_ctx();
  brink_calib_param params[2];
  brink_calib_episode ep;
  brink_calib_problem pb = recovery_problem(params, &ep);
  const double truth[2] = {0.3, 1.0};
  const uint64_t obs_runs = 4000, fit_runs = 1000;
  brink_calib_options obs = {obs_runs, 11, 2, 1, 1e-3, 1.0, NULL, NULL, 0};
  brink_calib_eval *ev = malloc(sizeof *ev);
  if (!ev) abort();
  CHECK_INT(brink_calib_evaluate(ctx, &pb, &obs, truth, ev), BRINK_OK);
  double se[2];
  for (int s = 0; s < 2; s++) {
    ep.observed[s] = ev->cells[0][s].mean;
    /* se of a mean from its 95% interval, for the observed runs and for the fit's runs */
    double se_obs = (ev->cells[0][s].mean_hi - ev->cells[0][s].mean_lo) / (2 * 1.959963984540054);
    se[s] = se_obs * sqrt(1.0 + (double)obs_runs / (double)fit_runs);
  }
  CHECK(ep.observed[0] > 5.0 && ep.observed[1] > 0.5); /* both series informative */
  double jac[2][2], h = 0.05;
  for (int k = 0; k < 2; k++) {
    double up[2] = {truth[0], truth[1]}, down[2] = {truth[0], truth[1]};
    up[k] += h;
    down[k] -= h;
    double mu_up[2], mu_down[2];
    CHECK_INT(brink_calib_evaluate(ctx, &pb, &obs, up, ev), BRINK_OK);
    for (int s = 0; s < 2; s++) mu_up[s] = ev->cells[0][s].mean;
    CHECK_INT(brink_calib_evaluate(ctx, &pb, &obs, down, ev), BRINK_OK);
    for (int s = 0; s < 2; s++) mu_down[s] = ev->cells[0][s].mean;
    for (int s = 0; s < 2; s++) jac[s][k] = (mu_up[s] - mu_down[s]) / (2 * h);
  }
  double det = jac[0][0] * jac[1][1] - jac[0][1] * jac[1][0];
  CHECK(fabs(det) > 1e-6);
  double inv[2][2] = {{jac[1][1] / det, -jac[0][1] / det}, {-jac[1][0] / det, jac[0][0] / det}};
  double tol[2];
  for (int k = 0; k < 2; k++)
    tol[k] =
        4.0 * sqrt(inv[k][0] * inv[k][0] * se[0] * se[0] + inv[k][1] * inv[k][1] * se[1] * se[1]) +
        0.01;
  brink_calib_options fit = {fit_runs, 12, 2, 300, 1e-3, 1.0, NULL, NULL, 1};
  brink_calib_result *r = NULL;
  CHECK_INT(brink_calib_run(ctx, &pb, &fit, &r), BRINK_OK);
  if (r) {
    CHECK(r->converged);
    CHECK(r->fit.loss < r->start.loss);
    CHECK_NEAR(r->fit.values[0], truth[0], tol[0]);
    CHECK_NEAR(r->fit.values[1], truth[1], tol[1]);
    /* The starting point was far: the fit moved by much more than the tolerance. */
    CHECK(fabs(params[0].start - truth[0]) > 3 * tol[0]);
    CHECK(fabs(params[1].start - truth[1]) > 3 * tol[1]);
    printf("recovery: launch_cost %.4f (truth 0.3, tol %.4f), test_cost %.4f (truth 1.0, tol "
           "%.4f), %u iterations\n",
           r->fit.values[0], tol[0], r->fit.values[1], tol[1], r->iterations);
  }
  brink_calib_result_free(ctx, r);
  free(ev);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

int main(void) {
  RUN(test_count_rows);
  RUN(test_deviance);
  RUN(test_transform);
  RUN(test_errors);
  RUN(test_alloc_failures);
  RUN(test_thread_invariance);
  RUN(test_recovery);
  return harness_finish("calibrate");
}
