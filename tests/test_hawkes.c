/* SPDX-License-Identifier: MIT */
/* Tests of the Hawkes module: the log-likelihood against hand computations, the O(n)
 * recursion against the direct O(n^2) sums, recovery of known parameters (an inhibiting
 * cross-effect included) within 3 standard errors, the time-rescaling check, determinism,
 * forecasts against the Poisson case, the reader's errors and allocation failures. */
#include <math.h>

#include "brink/hawkes.h"
#include "brink/rng.h"
#include "harness.h"

#define DIR "tests/data/hawkes/"

static brink_ctx *new_ctx(void) {
  brink_ctx *ctx = NULL;
  if (brink_ctx_new(&ctx)) abort();
  return ctx;
}

static void test_days(void) {
  CHECK_INT(brink_hawkes_day(19700101), 0);
  CHECK_INT(brink_hawkes_day(19700102), 1);
  CHECK_INT(brink_hawkes_day(20000301) - brink_hawkes_day(20000228), 2); /* 2000 is leap */
  CHECK_INT(brink_hawkes_date(brink_hawkes_day(20221107)), 20221107);
  CHECK_INT(brink_hawkes_date(brink_hawkes_day(20221107) + 363), 20231105);
  int64_t d = 0;
  CHECK_INT(brink_hawkes_parse_day("2022-11-06", 10, &d), BRINK_OK);
  CHECK_INT(d, brink_hawkes_day(20221106));
  CHECK_INT(brink_hawkes_parse_day("2022-02-29", 10, &d), BRINK_EPARSE);
  CHECK_INT(brink_hawkes_parse_day("2022-1-06", 9, &d), BRINK_EPARSE);
}

/* One stream, mu = 0.5, alpha = 0.4, beta = 1, events at 1, 2, 4, window [0, 5):
 *   lambda(1) = 0.5
 *   lambda(2) = 0.5 + 0.4 e^-1
 *   lambda(4) = 0.5 + 0.4 (e^-3 + e^-2)
 *   Lambda(0, 5) = 0.5 * 5 + 0.4 [(1 - e^-4) + (1 - e^-3) + (1 - e^-1)]
 *   loglik = log 0.5 + log(0.5 + 0.4 e^-1) + log(0.5 + 0.4 (e^-2 + e^-3)) - Lambda.
 * Inhibition, mu = 0.5, alpha = -1, beta = 1, events at 1 and 3, window [0, 4), floor f:
 *   lambda(1) = 0.5; after 1, mu - e^-u is below f until u1 = log(1 / (0.5 - f));
 *   lambda(3) = 0.5 - e^-2;
 *   after 3, 0.5 - (1 + e^-2) e^-u is below f until u2 = log((1 + e^-2) / (0.5 - f));
 *   Lambda = 0.5
 *          + f u1 + 0.5 (2 - u1) - (e^-u1 - e^-2)
 *          + f u2 + 0.5 (1 - u2) - (1 + e^-2)(e^-u2 - e^-1). */
static void test_hand_loglik(void) {
  brink_ctx *ctx = new_ctx();
  const char *names[] = {"x"};
  brink_hawkes_data *d = NULL;
  CHECK_INT(brink_hawkes_data_new(ctx, names, 1, &d), BRINK_OK);
  brink_hawkes_data_add(ctx, d, 0, 2.0);
  brink_hawkes_data_add(ctx, d, 0, 1.0);
  brink_hawkes_data_add(ctx, d, 0, 4.0);
  brink_hawkes_data_sort(d);
  uint32_t tg[] = {0};
  double mu[] = {0.5}, beta[] = {1.0}, alpha[] = {0.4}, ll = 0.0, ll2 = 0.0;
  brink_hawkes_params p = {1, 1, tg, mu, beta, alpha, 0.0};
  double e = exp(1.0);
  double comp = 2.5 + 0.4 * ((1 - pow(e, -4)) + (1 - pow(e, -3)) + (1 - 1 / e));
  double want = log(0.5) + log(0.5 + 0.4 / e) + log(0.5 + 0.4 * (pow(e, -2) + pow(e, -3))) - comp;
  CHECK_INT(brink_hawkes_loglik(ctx, &p, d, 0.0, 5.0, NULL, &ll), BRINK_OK);
  CHECK_NEAR(ll, want, 1e-12);
  CHECK_INT(brink_hawkes_loglik_direct(ctx, &p, d, 0.0, 5.0, NULL, &ll2), BRINK_OK);
  CHECK_NEAR(ll2, want, 1e-12);
  brink_hawkes_data_free(d);

  CHECK_INT(brink_hawkes_data_new(ctx, names, 1, &d), BRINK_OK);
  brink_hawkes_data_add(ctx, d, 0, 1.0);
  brink_hawkes_data_add(ctx, d, 0, 3.0);
  double f = 1e-3;
  alpha[0] = -1.0;
  p.floor = f;
  double u1 = log(1.0 / (0.5 - f)), u2 = log((1.0 + pow(e, -2)) / (0.5 - f));
  comp = 0.5 + f * u1 + 0.5 * (2 - u1) - (exp(-u1) - pow(e, -2)) + f * u2 + 0.5 * (1 - u2) -
         (1 + pow(e, -2)) * (exp(-u2) - 1 / e);
  want = log(0.5) + log(0.5 - pow(e, -2)) - comp;
  CHECK_INT(brink_hawkes_loglik(ctx, &p, d, 0.0, 4.0, NULL, &ll), BRINK_OK);
  CHECK_NEAR(ll, want, 1e-12);
  CHECK_INT(brink_hawkes_loglik_direct(ctx, &p, d, 0.0, 4.0, NULL, &ll2), BRINK_OK);
  CHECK_NEAR(ll2, want, 1e-12);
  /* An event while the intensity is floored costs log(floor). */
  brink_hawkes_data_add(ctx, d, 0, 3.1);
  double ll3 = 0.0;
  CHECK_INT(brink_hawkes_loglik(ctx, &p, d, 0.0, 4.0, NULL, &ll3), BRINK_OK);
  CHECK_INT(brink_hawkes_loglik_direct(ctx, &p, d, 0.0, 4.0, NULL, &ll2), BRINK_OK);
  CHECK_NEAR(ll3, ll2, 1e-10);
  CHECK(ll3 < ll + log(f) + 1.0);
  brink_hawkes_data_free(d);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* Random data on whole days (ties across streams, history before t0), random signed
 * parameters: the recursion and the direct sums agree. */
static void test_recursion_vs_direct(void) {
  brink_ctx *ctx = new_ctx();
  const char *names[] = {"a", "b", "c"};
  brink_hawkes_data *d = NULL;
  CHECK_INT(brink_hawkes_data_new(ctx, names, 3, &d), BRINK_OK);
  brink_rng rng;
  brink_rng_init(&rng, 11, 0, 0);
  for (int i = 0; i < 300; i++)
    brink_hawkes_data_add(ctx, d, brink_rng_below(&rng, 3), (double)brink_rng_below(&rng, 400));
  brink_hawkes_data_sort(d);
  uint32_t tg[] = {0, 2};
  double mu[] = {0.2, 0.05}, beta[] = {0.3, 0.05};
  double alpha[] = {0.3, -0.8, 0.2, -0.1, 0.5, 0.4};
  brink_hawkes_params p = {3, 2, tg, mu, beta, alpha, 0.0};
  double a[2], b[2], ta = 0.0, tb = 0.0;
  CHECK_INT(brink_hawkes_loglik(ctx, &p, d, 50.0, 390.5, a, &ta), BRINK_OK);
  CHECK_INT(brink_hawkes_loglik_direct(ctx, &p, d, 50.0, 390.5, b, &tb), BRINK_OK);
  CHECK_NEAR(a[0], b[0], 1e-9 * fabs(b[0]));
  CHECK_NEAR(a[1], b[1], 1e-9 * fabs(b[1]));
  CHECK_NEAR(ta, a[0] + a[1], 1e-9);
  /* Unsorted data are refused. */
  brink_hawkes_data_add(ctx, d, 0, 1.0);
  CHECK_INT(brink_hawkes_loglik(ctx, &p, d, 50.0, 390.5, a, &ta), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "not sorted");
  /* Continuous times too. */
  brink_hawkes_data_free(d);
  CHECK_INT(brink_hawkes_data_new(ctx, names, 3, &d), BRINK_OK);
  for (int i = 0; i < 300; i++)
    brink_hawkes_data_add(ctx, d, brink_rng_below(&rng, 3), 400.0 * brink_rng_uniform(&rng));
  brink_hawkes_data_sort(d);
  CHECK_INT(brink_hawkes_loglik(ctx, &p, d, 10.0, 400.0, a, &ta), BRINK_OK);
  CHECK_INT(brink_hawkes_loglik_direct(ctx, &p, d, 10.0, 400.0, b, &tb), BRINK_OK);
  CHECK_NEAR(ta, tb, 1e-9 * fabs(tb));
  brink_hawkes_data_free(d);
  brink_ctx_free(ctx);
}

/* Streams: ex (input: Poisson 0.04/day), bm and icbm (targets). */
#define T_END 20000.0
static const char *const sim_names[] = {"ex", "bm", "icbm"};
static const uint32_t sim_targets[] = {1, 2};
static const double sim_mu[] = {0.03, 0.008}, sim_beta[] = {0.1, 0.05};
/* rows: bm, icbm; columns: ex, bm, icbm */
static const double sim_alpha[] = {-0.6, 0.4, 0.3, 0.3, 0.2, 0.0};

static brink_hawkes_data *make_inputs(brink_ctx *ctx, uint64_t seed) {
  brink_hawkes_data *d = NULL;
  if (brink_hawkes_data_new(ctx, sim_names, 3, &d)) abort();
  brink_rng rng;
  brink_rng_init(&rng, seed, 0, 7);
  for (double t = -log(brink_rng_uniform(&rng)) / 0.04; t < T_END;
       t += -log(brink_rng_uniform(&rng)) / 0.04)
    brink_hawkes_data_add(ctx, d, 0, t);
  return d;
}

static brink_hawkes_data *simulate_truth(brink_ctx *ctx, uint64_t seed) {
  brink_hawkes_params p = {3, 2, sim_targets, sim_mu, sim_beta, sim_alpha, 0.0};
  brink_hawkes_data *in = make_inputs(ctx, seed), *out = NULL;
  CHECK_INT(brink_hawkes_simulate(ctx, &p, in, 0.0, T_END, seed, 0, 100000, &out), BRINK_OK);
  brink_hawkes_data_free(in);
  return out;
}

static void test_recovery(void) {
  brink_ctx *ctx = new_ctx();
  brink_hawkes_data *d = simulate_truth(ctx, 5);
  const char *tg[] = {"bm", "icbm"};
  brink_hawkes_fit *fit = NULL;
  CHECK(d->per_stream[1] > 500 && d->per_stream[2] > 150);
  CHECK_INT(brink_hawkes_fit_run(ctx, d, tg, 2, 0.0, T_END, NULL, &fit), BRINK_OK);
  if (!fit) goto done;
  for (size_t k = 0; k < 2; k++) {
    CHECK(fit->converged[k]);
    const brink_hawkes_coef *c = &fit->mu_coef[k];
    CHECK(fabs(c->estimate - sim_mu[k]) < 3.0 * c->se);
    c = &fit->beta_coef[k];
    CHECK(fabs(c->estimate - sim_beta[k]) < 3.0 * c->se);
    for (size_t j = 0; j < 3; j++) {
      c = &fit->alpha_coef[k * 3 + j];
      CHECK(fabs(c->estimate - sim_alpha[k * 3 + j]) < 3.0 * c->se);
      CHECK(c->lo < c->estimate && c->estimate < c->hi);
    }
  }
  /* The optimum is a stationary point of the likelihood computed without the analytic
   * gradient: central differences of brink_hawkes_loglik in every parameter are ~0 (a wrong
   * gradient would have stopped BFGS elsewhere). */
  double *coords[] = {fit->mu,        fit->mu + 1,    fit->beta,      fit->beta + 1,
                      fit->alpha,     fit->alpha + 1, fit->alpha + 2, fit->alpha + 3,
                      fit->alpha + 4, fit->alpha + 5};
  for (size_t c = 0; c < sizeof coords / sizeof coords[0]; c++) {
    double v = *coords[c], h = 1e-5 * (fabs(v) > 1e-3 ? fabs(v) : 1e-3), up = 0.0, dn = 0.0;
    *coords[c] = v + h;
    brink_hawkes_loglik(ctx, &fit->params, d, 0.0, T_END, NULL, &up);
    *coords[c] = v - h;
    brink_hawkes_loglik(ctx, &fit->params, d, 0.0, T_END, NULL, &dn);
    *coords[c] = v;
    /* |dlogL/dtheta| * scale of theta, small against the ~1000 events */
    double slope = (up - dn) / (2.0 * h) * (fabs(v) > 1e-3 ? fabs(v) : 1e-3);
    CHECK(fabs(slope) < 1e-2);
  }
  /* The inhibition is found: the 95% interval of ex -> bm lies below zero. */
  CHECK(fit->alpha_coef[0].hi < 0.0);
  /* The fit is a maximum: the true parameters have a lower likelihood. */
  brink_hawkes_params truth = {3, 2, sim_targets, sim_mu, sim_beta, sim_alpha, 0.0};
  double ll_true = 0.0;
  brink_hawkes_loglik(ctx, &truth, d, 0.0, T_END, NULL, &ll_true);
  CHECK(fit->loglik_total >= ll_true);
  CHECK_NEAR(fit->aic, 2.0 * 10.0 - 2.0 * fit->loglik_total, 1e-9);
  /* Time rescaling accepts the model the data came from. */
  CHECK(fit->ks_p[0] > 0.01 && fit->ks_p[1] > 0.01);
done:
  brink_hawkes_fit_free(fit);
  brink_hawkes_data_free(d);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* A strongly clustered stream: the time-rescaling check rejects a Poisson model of it and
 * accepts the Hawkes model fitted to it; data simulated from the fitted model pass too. */
static void test_rescaling(void) {
  brink_ctx *ctx = new_ctx();
  const char *names[] = {"x"};
  brink_hawkes_data *empty = NULL, *d = NULL, *d2 = NULL;
  CHECK_INT(brink_hawkes_data_new(ctx, names, 1, &empty), BRINK_OK);
  uint32_t tg[] = {0};
  double mu[] = {0.01}, beta[] = {0.5}, alpha[] = {0.8};
  brink_hawkes_params p = {1, 1, tg, mu, beta, alpha, 0.0};
  CHECK_INT(brink_hawkes_simulate(ctx, &p, empty, 0.0, 20000.0, 3, 0, 100000, &d), BRINK_OK);
  size_t n = d->per_stream[0];
  CHECK(n > 500);
  double pmu[] = {(double)n / 20000.0}, palpha[] = {0.0}, ks = 0.0, pv = 1.0;
  brink_hawkes_params poisson = {1, 1, tg, pmu, beta, palpha, 0.0};
  size_t nt = 0;
  CHECK_INT(brink_hawkes_rescale(ctx, &poisson, d, 0.0, 20000.0, 0, NULL, &nt, &ks, &pv), BRINK_OK);
  CHECK_INT(nt, n);
  CHECK(pv < 1e-4);
  brink_hawkes_fit *fit = NULL;
  const char *t[] = {"x"};
  CHECK_INT(brink_hawkes_fit_run(ctx, d, t, 1, 0.0, 20000.0, NULL, &fit), BRINK_OK);
  if (fit) {
    CHECK(fit->ks_p[0] > 0.01);
    CHECK(fit->ks[0] < ks);
    CHECK_INT(brink_hawkes_simulate(ctx, &fit->params, empty, 0.0, 20000.0, 4, 0, 100000, &d2),
              BRINK_OK);
    CHECK_INT(brink_hawkes_rescale(ctx, &fit->params, d2, 0.0, 20000.0, 0, NULL, &nt, &ks, &pv),
              BRINK_OK);
    CHECK(pv > 0.01);
  }
  /* The KS statistic of a hand-made sample: u = {0.1, 0.5, 0.9}, D = max(0.1, 1/3 - 0.1,
   * 0.5 - 1/3, 2/3 - 0.5, 0.9 - 2/3, 1 - 0.9) = 0.2333... */
  double u[] = {0.9, 0.1, 0.5};
  brink_hawkes_ks_uniform(u, 3, &ks, &pv);
  CHECK_NEAR(ks, 0.9 - 2.0 / 3.0, 1e-12);
  CHECK(pv > 0.9);
  brink_hawkes_fit_free(fit);
  brink_hawkes_data_free(d2);
  brink_hawkes_data_free(d);
  brink_hawkes_data_free(empty);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static void test_determinism(void) {
  brink_ctx *ctx = new_ctx();
  brink_hawkes_data *a = simulate_truth(ctx, 9), *b = simulate_truth(ctx, 9);
  brink_hawkes_data *c = simulate_truth(ctx, 10);
  CHECK_INT(a->n_events, b->n_events);
  CHECK(memcmp(a->time, b->time, a->n_events * sizeof *a->time) == 0);
  CHECK(a->n_events != c->n_events || memcmp(a->time, c->time, a->n_events * sizeof *a->time) != 0);
  /* History is kept, targets in the window replaced, inputs kept. */
  brink_hawkes_params p = {3, 2, sim_targets, sim_mu, sim_beta, sim_alpha, 0.0};
  brink_hawkes_data *e = NULL;
  CHECK_INT(brink_hawkes_simulate(ctx, &p, a, 10000.0, T_END, 1, 0, 100000, &e), BRINK_OK);
  if (e) {
    CHECK_INT(brink_hawkes_data_count(e, 0, 0.0, T_END), brink_hawkes_data_count(a, 0, 0.0, T_END));
    CHECK_INT(brink_hawkes_data_count(e, 1, 0.0, 10000.0),
              brink_hawkes_data_count(a, 1, 0.0, 10000.0));
  }
  brink_hawkes_forecast *f1 = NULL, *f2 = NULL;
  CHECK_INT(brink_hawkes_forecast_run(ctx, &p, a, 15000, 728, 200, 3, &f1), BRINK_OK);
  CHECK_INT(brink_hawkes_forecast_run(ctx, &p, a, 15000, 728, 200, 3, &f2), BRINK_OK);
  if (f1 && f2) {
    size_t bins = f1->max_count + 1;
    CHECK(memcmp(f1->hist, f2->hist, 2 * 2 * bins * sizeof *f1->hist) == 0);
    for (size_t c2 = 0; c2 < 4; c2++) {
      uint64_t sum = 0;
      for (size_t k = 0; k < bins; k++) sum += f1->hist[c2 * bins + k];
      CHECK_INT(sum, 200);
    }
  }
  /* Events after the origin do not change the forecast. */
  brink_hawkes_forecast *f3 = NULL;
  brink_hawkes_data_add(ctx, a, 1, 15100.5);
  brink_hawkes_data_add(ctx, a, 0, 15001.5);
  brink_hawkes_data_sort(a);
  CHECK_INT(brink_hawkes_forecast_run(ctx, &p, a, 15000, 728, 200, 3, &f3), BRINK_OK);
  if (f1 && f3) CHECK(memcmp(f1->hist, f3->hist, 4 * (f1->max_count + 1) * sizeof *f1->hist) == 0);
  brink_hawkes_forecast_free(f1);
  brink_hawkes_forecast_free(f2);
  brink_hawkes_forecast_free(f3);
  brink_hawkes_data_free(e);
  brink_hawkes_data_free(a);
  brink_hawkes_data_free(b);
  brink_hawkes_data_free(c);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* A Poisson process (alpha = 0) with mu = 0.02/day: the number of days with an event in a
 * 364-day window is Binomial(364, 1 - e^-0.02). */
static void test_forecast_poisson(void) {
  brink_ctx *ctx = new_ctx();
  const char *names[] = {"in", "y"};
  brink_hawkes_data *d = NULL;
  CHECK_INT(brink_hawkes_data_new(ctx, names, 2, &d), BRINK_OK);
  brink_hawkes_data_add(ctx, d, 0, 10.0);
  brink_hawkes_data_add(ctx, d, 1, 20.0);
  uint32_t tg[] = {1};
  double mu[] = {0.02}, beta[] = {0.1}, alpha[] = {0.0, 0.0};
  brink_hawkes_params p = {2, 1, tg, mu, beta, alpha, 0.0};
  brink_hawkes_forecast *f = NULL;
  uint64_t runs = 4000;
  CHECK_INT(brink_hawkes_forecast_run(ctx, &p, d, 100, 728, runs, 1, &f), BRINK_OK);
  double q = 1.0 - exp(-0.02), mean = 364.0 * q, sd = sqrt(364.0 * q * (1.0 - q));
  if (f) {
    CHECK_NEAR(f->mean[0], mean, 4.0 * sd / sqrt((double)runs));
    CHECK_NEAR(f->mean[1], mean, 4.0 * sd / sqrt((double)runs));
  }
  brink_hawkes_forecast_free(f);
  CHECK_INT(brink_hawkes_forecast_run(ctx, &p, d, 100, 0, runs, 1, &f), BRINK_EINVAL);
  brink_hawkes_data_free(d);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static void test_reader(void) {
  brink_ctx *ctx = new_ctx();
  const char *names[] = {"dprk_bm", "allied_exercise", "unused"};
  brink_hawkes_data *d = NULL;
  CHECK_INT(brink_hawkes_data_read(ctx, DIR "streams.tsv", names, 3, &d), BRINK_OK);
  if (d) {
    /* Two dprk_bm rows on 2020-01-02 are one event; 'other' is skipped; CRLF accepted. */
    CHECK_INT(d->n_events, 4);
    CHECK_INT(d->per_stream[0], 2);
    CHECK_INT(d->per_stream[1], 2);
    CHECK_INT(d->per_stream[2], 0);
    CHECK_NEAR(d->time[0], (double)brink_hawkes_day(20200101), 0.0);
    CHECK_INT(d->stream[0], 1);
    CHECK_NEAR(d->time[3], (double)brink_hawkes_day(20200110), 0.0);
  }
  brink_hawkes_data_free(d);
  CHECK_INT(brink_hawkes_data_read(ctx, DIR "bad_header.tsv", names, 3, &d), BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "bad_header.tsv:1:1: the header must start with");
  CHECK_INT(brink_hawkes_data_read(ctx, DIR "bad_date.tsv", names, 3, &d), BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "bad_date.tsv:3:1: bad date '2020-02-30'");
  CHECK_INT(brink_hawkes_data_read(ctx, DIR "no_stream.tsv", names, 3, &d), BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "no_stream.tsv:3:11: no stream name");
  CHECK_INT(brink_hawkes_data_read(ctx, DIR "none.tsv", names, 3, &d), BRINK_EIO);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "cannot open");
  CHECK_INT(brink_hawkes_data_read_string(ctx, NULL, "", 0, names, 3, &d), BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "(string):1:1: empty file");
  const char text[] = "date\tstream\n2021-03-04\tx\n2021-03-04\tunused\n";
  CHECK_INT(brink_hawkes_data_read_string(ctx, "mem", text, sizeof text - 1, names, 3, &d),
            BRINK_OK);
  if (d) CHECK_INT(d->per_stream[2], 1);
  brink_hawkes_data_free(d);
  const char *dup[] = {"a", "a"};
  CHECK_INT(brink_hawkes_data_read(ctx, DIR "streams.tsv", dup, 2, &d), BRINK_EINVAL);
  CHECK(d == NULL);
  /* Fit errors: unknown target, a stream without events. */
  CHECK_INT(brink_hawkes_data_read(ctx, DIR "streams.tsv", names, 3, &d), BRINK_OK);
  brink_hawkes_fit *fit = NULL;
  const char *tg[] = {"dprk_bm"};
  CHECK_INT(brink_hawkes_fit_run(ctx, d, tg, 1, 0.0, 1e6, NULL, &fit), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "stream 'unused' has no event");
  brink_hawkes_data_free(d);
  CHECK_INT(brink_hawkes_data_read(ctx, DIR "streams.tsv", names, 2, &d), BRINK_OK);
  const char *bad[] = {"dprk_icbm"};
  CHECK_INT(brink_hawkes_fit_run(ctx, d, bad, 1, 0.0, 1e6, NULL, &fit), BRINK_ENOTFOUND);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "no stream 'dprk_icbm'");
  brink_hawkes_data_free(d);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* Every allocation of read, fit, simulate and forecast may fail: the status is ENOMEM,
 * nothing leaks, and past the last allocation everything succeeds. */
static void test_alloc_failures(void) {
  const char *names[] = {"dprk_bm", "allied_exercise"};
  const char *tg[] = {"dprk_bm"};
  int done = 0;
  for (uint64_t n = 1; n < 500 && !done; n++) {
    brink_ctx *ctx = new_ctx();
    brink_ctx_fail_after(ctx, n);
    brink_hawkes_data *d = NULL, *s = NULL;
    brink_hawkes_fit *fit = NULL;
    brink_hawkes_forecast *fc = NULL;
    brink_status st = brink_hawkes_data_read(ctx, DIR "streams.tsv", names, 2, &d);
    double t0 = (double)brink_hawkes_day(20200101);
    if (!st) st = brink_hawkes_fit_run(ctx, d, tg, 1, t0, t0 + 20.0, NULL, &fit);
    if (!st) st = brink_hawkes_simulate(ctx, &fit->params, d, t0 + 5, t0 + 20.0, 1, 0, 1000, &s);
    if (!st) st = brink_hawkes_forecast_run(ctx, &fit->params, d, (int64_t)t0 + 10, 364, 3, 1, &fc);
    CHECK(st == BRINK_OK || st == BRINK_ENOMEM);
    if (st == BRINK_OK) done = 1;
    brink_hawkes_forecast_free(fc);
    brink_hawkes_data_free(s);
    brink_hawkes_fit_free(fit);
    brink_hawkes_data_free(d);
    CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
    brink_ctx_free(ctx);
  }
  CHECK(done);
}

int main(void) {
  RUN(test_days);
  RUN(test_hand_loglik);
  RUN(test_recursion_vs_direct);
  RUN(test_recovery);
  RUN(test_rescaling);
  RUN(test_determinism);
  RUN(test_forecast_poisson);
  RUN(test_reader);
  RUN(test_alloc_failures);
  return harness_finish("test_hawkes");
}
