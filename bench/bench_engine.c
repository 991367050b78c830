/* SPDX-License-Identifier: MIT */
/* Engine benchmark: trajectories per second and actor-steps per second of brink_engine_run on
 * one scenario (every policy), with a given number of threads, best of a few repetitions.
 * It uses the public API only, so bench/bench_engine.sh builds this same file against the
 * library of a baseline revision and runs both, interleaved, in one command.
 *   bench_engine SCENARIO RUNS THREADS [REPEAT]
 * prints one line: threads, trajectories, seconds, trajectories/s, actor-steps/s. */
#include <stdio.h>
#include <stdlib.h>

#include "brink/engine.h"
#include "brink/model.h"
#include "brink/scenario.h"

/* The baseline's free functions took the context first (before dd87f17); bench_engine.sh
 * defines BENCH_FREE_WITH_CTX when it builds this file against such a header. */
#ifdef BENCH_FREE_WITH_CTX
#define BENCH_FREE(fn, obj) fn(ctx, obj)
#else
#define BENCH_FREE(fn, obj) fn(obj)
#endif

static double steps_of(const brink_summary *s) {
  double steps = 0.0;
  for (size_t p = 0; p < s->n_policies; p++) {
    steps += (double)s->runs * s->horizon;
    for (uint32_t t = 0; t < s->horizon; t++)
      steps -= (double)s->policies[p].war_by_step[t] * (double)(s->horizon - t - 1);
  }
  return steps;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: bench_engine SCENARIO RUNS THREADS [REPEAT]\n");
    return 2;
  }
  const char *path = argv[1];
  uint64_t runs = strtoull(argv[2], NULL, 10);
  int threads = (int)strtol(argv[3], NULL, 10);
  int repeat = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 1;
  brink_ctx *ctx = NULL;
  brink_scenario *sc = NULL;
  brink_model *model = NULL;
  if (brink_ctx_new(&ctx) || brink_scenario_load(ctx, path, NULL, 0, NULL, &sc) ||
      brink_model_new(ctx, sc, &model)) {
    fprintf(stderr, "bench_engine: %s: %s\n", path, brink_ctx_errmsg(ctx));
    return 1;
  }
  uint32_t policies[64];
  size_t np = sc->n_policies < 64 ? sc->n_policies : 64;
  for (size_t i = 0; i < np; i++) policies[i] = (uint32_t)i;
  double best = 0.0, steps = 0.0;
  for (int k = 0; k < (repeat < 1 ? 1 : repeat); k++) {
    /* Designated fields only: the same source builds against the baseline's header too. */
    brink_engine_options o = {.runs = runs,
                              .seed = 1,
                              .threads = threads,
                              .confidence = 0.95,
                              .policies = policies,
                              .n_policies = np};
    brink_summary *s = NULL;
    if (brink_engine_run(ctx, model, &o, &s)) {
      fprintf(stderr, "bench_engine: %s\n", brink_ctx_errmsg(ctx));
      return 1;
    }
    if (best == 0.0 || s->seconds < best) best = s->seconds;
    steps = steps_of(s);
    BENCH_FREE(brink_summary_free, s);
  }
  printf("threads %d trajectories %llu seconds %.4f trajectories/s %.0f actor-steps/s %.0f\n",
         threads, (unsigned long long)(runs * np), best, (double)(runs * np) / best,
         steps * (double)sc->n_actors / best);
  BENCH_FREE(brink_model_free, model);
  BENCH_FREE(brink_scenario_free, sc);
  brink_ctx_free(ctx);
  return 0;
}
