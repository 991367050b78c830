/* SPDX-License-Identifier: MIT */
/* Engine benchmark: trajectories per second and actor-steps per second on the Korean 2022
 * scenario (104 weekly steps, every policy), with 1 and 2 threads in one command; the baseline
 * is a plain loop of brink_model_run on one thread (parameters drawn per policy, no
 * statistics), measured in the same command. */
#include <stdio.h>
#include <stdlib.h>

#include <omp.h>

#include "brink/engine.h"
#include "brink/model.h"
#include "brink/scenario.h"

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
  const char *path = argc > 1 ? argv[1] : "scenarios/korea/2022.yaml";
  uint64_t runs = argc > 2 ? strtoull(argv[2], NULL, 10) : 20000;
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
  double actors = (double)sc->n_actors;

  /* Baseline: the model alone, one thread, no aggregation. */
  uint64_t base_runs = runs / 4;
  double t0 = omp_get_wtime(), base_steps = 0.0;
  for (uint64_t r = 0; r < base_runs; r++)
    for (size_t p = 0; p < np; p++) {
      brink_run_result res;
      brink_model_run(model, policies[p], 1, r, &res, NULL, NULL);
      base_steps += res.steps_run;
    }
  double base_s = omp_get_wtime() - t0;
  double base_rate = (double)(base_runs * np) / base_s;
  printf("scenario %s, %zu policies, horizon %u steps, %zu actors\n", sc->name, np,
         brink_model_horizon(model), sc->n_actors);
  printf("%-34s %12s %16s %18s %8s\n", "", "trajectories", "trajectories/s", "actor-steps/s",
         "ratio");
  printf("%-34s %12llu %16.0f %18.0f %8.2f\n", "baseline: brink_model_run loop, 1T",
         (unsigned long long)(base_runs * np), base_rate, base_steps * actors / base_s, 1.0);
  double one = 0.0;
  for (int threads = 1; threads <= 2; threads++) {
    brink_engine_options o = {runs, 1, threads, 0.95, policies, np, NULL, NULL, NULL, NULL, 0, 0};
    brink_summary *s = NULL;
    if (brink_engine_run(ctx, model, &o, &s)) {
      fprintf(stderr, "bench_engine: %s\n", brink_ctx_errmsg(ctx));
      return 1;
    }
    double rate = (double)(runs * np) / s->seconds;
    if (threads == 1) one = rate;
    char label[64];
    snprintf(label, sizeof label, "engine (with statistics), %dT", threads);
    printf("%-34s %12llu %16.0f %18.0f %8.2f\n", label, (unsigned long long)(runs * np), rate,
           steps_of(s) * actors / s->seconds, rate / base_rate);
    if (threads == 2) printf("speed-up from 1 to 2 threads: %.2fx\n", rate / one);
    brink_summary_free(ctx, s);
  }
  brink_model_free(ctx, model);
  brink_scenario_free(ctx, sc);
  brink_ctx_free(ctx);
  return 0;
}
