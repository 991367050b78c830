/* SPDX-License-Identifier: MIT */
/* Hawkes benchmark: a record of about 1,000 events (two targets and one input stream,
 * simulated from known parameters with an inhibiting cross-effect), the time of one
 * log-likelihood evaluation by the O(n) recursion against the direct O(n^2) sums measured in
 * the same run, and the time of a full fit (4 starts per target, BFGS, observed information,
 * time-rescaling check). Usage: bench_hawkes [repeats] (best of `repeats`, default 5). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "brink/hawkes.h"
#include "brink/rng.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
  int repeats = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 5;
  if (repeats < 1) repeats = 1;
  brink_ctx *ctx = NULL;
  if (brink_ctx_new(&ctx)) return 1;
  const char *names[] = {"ex", "bm", "icbm"};
  const uint32_t targets[] = {1, 2};
  const double mu[] = {0.03, 0.008}, beta[] = {0.1, 0.05};
  const double alpha[] = {-0.6, 0.4, 0.3, 0.3, 0.2, 0.0};
  const double t_end = 10000.0;
  brink_hawkes_params p = {3, 2, targets, mu, beta, alpha, 0.0};
  brink_hawkes_data *in = NULL, *d = NULL;
  if (brink_hawkes_data_new(ctx, names, 3, &in)) return 1;
  brink_rng rng;
  brink_rng_init(&rng, 1, 0, 7);
  for (double t = -log(brink_rng_uniform(&rng)) / 0.04; t < t_end;
       t += -log(brink_rng_uniform(&rng)) / 0.04)
    brink_hawkes_data_add(ctx, in, 0, t);
  if (brink_hawkes_simulate(ctx, &p, in, 0.0, t_end, 1, 0, 100000, &d)) {
    fprintf(stderr, "bench_hawkes: %s\n", brink_ctx_errmsg(ctx));
    return 1;
  }
  double best_fast = 1e30, best_direct = 1e30, best_fit = 1e30, ll_fast = 0, ll_direct = 0;
  int evals = 20;
  for (int r = 0; r < repeats; r++) {
    double t0 = now();
    for (int e = 0; e < evals; e++) brink_hawkes_loglik(ctx, &p, d, 0.0, t_end, NULL, &ll_fast);
    double t1 = now();
    brink_hawkes_loglik_direct(ctx, &p, d, 0.0, t_end, NULL, &ll_direct);
    double t2 = now();
    const char *tg[] = {"bm", "icbm"};
    brink_hawkes_fit *fit = NULL;
    if (brink_hawkes_fit_run(ctx, d, tg, 2, 0.0, t_end, NULL, &fit)) {
      fprintf(stderr, "bench_hawkes: %s\n", brink_ctx_errmsg(ctx));
      return 1;
    }
    double t3 = now();
    brink_hawkes_fit_free(fit);
    if ((t1 - t0) / evals < best_fast) best_fast = (t1 - t0) / evals;
    if (t2 - t1 < best_direct) best_direct = t2 - t1;
    if (t3 - t2 < best_fit) best_fit = t3 - t2;
  }
  printf("hawkes: %zu events (%zu bm, %zu icbm, %zu input), 2 targets x 3 sources, best of %d\n",
         d->n_events, d->per_stream[1], d->per_stream[2], d->per_stream[0], repeats);
  printf("  log-likelihood, O(n) recursion   %10.3f ms\n", 1e3 * best_fast);
  printf("  log-likelihood, O(n^2) direct    %10.3f ms   (%.0fx slower; same value to %.1e)\n",
         1e3 * best_direct, best_direct / best_fast, fabs(ll_fast - ll_direct));
  printf("  fit (4 starts x 2 targets, SEs)  %10.3f ms\n", 1e3 * best_fit);
  brink_hawkes_data_free(d);
  brink_hawkes_data_free(in);
  brink_ctx_free(ctx);
  return 0;
}
