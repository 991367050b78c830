/* SPDX-License-Identifier: MIT */
/* Particle-filter benchmark: a record of 880 weekly steps (2006-2022's length) simulated by the
 * model itself under the `historical` policy of scenarios/korea/2022.yaml, filtered with 2,000
 * particles on 1 and 2 threads; the baseline in the same command is a plain engine pass of the
 * same number of particle-steps (2,000 free runs of 880 steps), i.e. what the filter costs over
 * simulating alone. */
#include <stdio.h>
#include <stdlib.h>

#include <omp.h>

#include "brink/filter.h"
#include "brink/model.h"
#include "brink/scenario.h"
#include "scenario_internal.h"

typedef struct recorder {
  int *acts;
  uint32_t n;
} recorder;

static void on_step(void *ud, const brink_step_view *v) {
  recorder *r = ud;
  for (uint32_t i = 0; i < r->n; i++) r->acts[v->step * r->n + i] = v->actions[i];
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "scenarios/korea/2022.yaml";
  uint32_t steps = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 880;
  uint32_t particles = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 2000;
  brink_ctx *ctx = NULL;
  brink_scenario *sc = NULL;
  brink_model *model = NULL;
  if (brink_ctx_new(&ctx) || brink_scenario_load(ctx, path, NULL, 0, NULL, &sc) ||
      brink_model_new(ctx, sc, &model) || brink_model_set_horizon(ctx, model, steps)) {
    fprintf(stderr, "bench_filter: %s: %s\n", path, brink_ctx_errmsg(ctx));
    return 1;
  }
  int hist = brink_scenario_find_policy(sc, "historical");
  int dprk = brink_scenario_find_actor(sc, "DPRK");
  if (hist < 0 || dprk < 0) {
    fprintf(stderr, "bench_filter: %s has no 'historical' policy or no DPRK\n", path);
    return 1;
  }
  uint32_t na = (uint32_t)sc->n_actors;
  int *acts = calloc((size_t)steps * na, sizeof *acts);
  recorder rec = {acts, na};
  brink_run_observer obs = {NULL, on_step, &rec};
  brink_run_result res = {0};
  uint64_t run = 0;
  for (; run < 1000; run++) {
    brink_model_run(model, (uint32_t)hist, 1, run, &res, NULL, &obs);
    if (res.steps_run == steps) break;
  }
  printf("record: %u steps simulated under 'historical' (run %llu), %u particles\n", steps,
         (unsigned long long)run, particles);
  /* Baseline: the same particle-steps as free runs, one thread. */
  double t0 = omp_get_wtime(), sim_steps = 0;
  for (uint32_t k = 0; k < particles; k++) {
    brink_model_run(model, (uint32_t)hist, 2, k, &res, NULL, NULL);
    sim_steps += res.steps_run;
  }
  double base = omp_get_wtime() - t0;
  printf("%-44s %10.3f s %14.0f steps/s\n", "baseline: free runs, 1T", base, sim_steps / base);
  brink_filter_data d = {steps, na, acts, 1u << dprk, 0.0};
  double one = 0, two = 0;
  for (int threads = 1; threads <= 2; threads++) {
    brink_filter_options o = {.particles = particles,
                              .replicates = 1,
                              .seed = 1,
                              .threads = threads,
                              .ess_fraction = 0.5};
    brink_filter_result *r = NULL;
    t0 = omp_get_wtime();
    if (brink_filter_run(ctx, model, &d, &o, &r)) {
      fprintf(stderr, "bench_filter: %s\n", brink_ctx_errmsg(ctx));
      return 1;
    }
    double s = omp_get_wtime() - t0;
    if (threads == 1)
      one = s;
    else
      two = s;
    char label[64];
    snprintf(label, sizeof label, "filter, %dT (loglik %.1f, %u resamplings)", threads, r->loglik,
             r->resamples);
    printf("%-44s %10.3f s %14.0f steps/s\n", label, s, (double)steps * particles / s);
    brink_filter_result_free(r);
  }

  printf("filter speed-up from 1 to 2 threads: %.2fx; filter / free runs (1T): %.2fx the time\n",
         one / two, one / base);
  free(acts);
  brink_model_free(model);
  brink_scenario_free(sc);
  brink_ctx_free(ctx);
  return 0;
}
