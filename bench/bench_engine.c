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

/* The public API this file needs changed after the baseline 9e1f094: scenarios and summaries
 * became opaque handles with accessors, and every _free takes the object alone. A revision
 * with src/engine_internal.h (only this file's build finds it) has the new API. */
#if defined(__has_include)
#if __has_include("engine_internal.h")
#define BENCH_NEW_API 1
#endif
#endif
#ifdef BENCH_NEW_API
#define SUMMARY_SECONDS(s) brink_summary_seconds(s)
#define POLICY_COUNT(sc) brink_scenario_policy_count(sc)
#define ACTOR_COUNT(sc) brink_scenario_actor_count(sc)
#define FREE(kind, ctx, x) brink_##kind##_free(x)
#else
#define SUMMARY_SECONDS(s) ((s)->seconds)
#define POLICY_COUNT(sc) ((sc)->n_policies)
#define ACTOR_COUNT(sc) ((sc)->n_actors)
#define FREE(kind, ctx, x) brink_##kind##_free(ctx, x)
#endif

/* Actor-steps run: every run goes to the horizon unless armed conflict ends it; with F(t) the
 * fraction of runs whose conflict began by step t, a policy runs runs * (H - sum_{t<H-1} F(t))
 * steps. */
static double steps_of(const brink_summary *s, size_t np, uint64_t runs, uint32_t horizon) {
  double steps = 0.0;
  for (size_t p = 0; p < np; p++) {
    double ended = 0.0;
    for (uint32_t t = 0; t + 1 < horizon; t++) ended += brink_summary_p_war_by(s, p, t).mean;
    steps += (double)runs * ((double)horizon - ended);
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
  size_t np = POLICY_COUNT(sc) < 64 ? POLICY_COUNT(sc) : 64;
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
    if (best == 0.0 || SUMMARY_SECONDS(s) < best) best = SUMMARY_SECONDS(s);
    steps = steps_of(s, np, runs, brink_model_horizon(model));
    FREE(summary, ctx, s);
  }
  printf("threads %d trajectories %llu seconds %.4f trajectories/s %.0f actor-steps/s %.0f\n",
         threads, (unsigned long long)(runs * np), best, (double)(runs * np) / best,
         steps * (double)ACTOR_COUNT(sc) / best);
  FREE(model, ctx, model);
  FREE(scenario, ctx, sc);
  brink_ctx_free(ctx);
  return 0;
}
