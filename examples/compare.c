/* SPDX-License-Identifier: MIT */
/* An embedder's program: load a scenario, compare its policies by Monte Carlo and print the
 * result as CSV, through the installed library only:
 *   cc compare.c $(pkg-config --cflags --libs brink) -o compare
 *   ./compare scenarios/korea/2022.yaml 2000 7 params.dprk_greed=0.9
 * Arguments: SCENARIO [RUNS [SEED [PATH=VALUE...]]]; the output is the same as
 * `brink compare SCENARIO --runs RUNS --seed SEED --set ... --format csv`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <brink/engine.h>
#include <brink/model.h>
#include <brink/scenario.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s SCENARIO [RUNS [SEED [PATH=VALUE...]]]\n", argv[0]);
    return 2;
  }
  int64_t runs = 1000, seed = 1;
  if ((argc > 2 && brink_parse_i64(argv[2], strlen(argv[2]), &runs)) ||
      (argc > 3 && brink_parse_i64(argv[3], strlen(argv[3]), &seed)) || runs < 1 || seed < 0) {
    fprintf(stderr, "%s: RUNS and SEED are whole numbers, RUNS >= 1\n", argv[0]);
    return 2;
  }
  brink_ctx *ctx = NULL;
  brink_scenario *scenario = NULL;
  brink_model *model = NULL;
  brink_summary *summary = NULL;
  uint32_t *policies = NULL;
  brink_buf out;
  int rc = 1;
  brink_status st = brink_ctx_new(&ctx);
  if (st) {
    fprintf(stderr, "%s: %s\n", argv[0], brink_status_str(st));
    return 1;
  }
  brink_buf_init(&out, ctx, 0);
  const char *const *overrides = argc > 4 ? (const char *const *)argv + 4 : NULL;
  st = brink_scenario_load(ctx, argv[1], overrides, argc > 4 ? (size_t)(argc - 4) : 0, NULL,
                           &scenario);
  if (!st) st = brink_model_new(ctx, scenario, &model);
  size_t n_policies = brink_scenario_policy_count(scenario);
  if (!st && !(policies = calloc(n_policies ? n_policies : 1, sizeof *policies))) st = BRINK_ENOMEM;
  if (!st) {
    for (size_t i = 0; i < n_policies; i++) policies[i] = (uint32_t)i;
    brink_engine_options options = {0};
    options.runs = (uint64_t)runs;
    options.seed = (uint64_t)seed;
    options.threads = 2;
    options.confidence = 0.95;
    options.policies = policies;
    options.n_policies = n_policies;
    st = brink_engine_run(ctx, model, &options, &summary);
  }
  /* The scenario file and the overrides go into every row, as the command writes them. */
  brink_output_meta meta = {argv[1], overrides, argc > 4 ? (size_t)(argc - 4) : 0, 0, NULL};
  if (!st) st = brink_summary_csv(ctx, summary, &meta, &out);
  if (st) {
    fprintf(stderr, "%s: %s\n", argv[0], brink_ctx_errmsg(ctx));
    goto done;
  }
  fputs(out.data, stdout);
  rc = 0;
done:
  free(policies);
  brink_buf_release(&out);
  brink_summary_free(summary);
  brink_model_free(model);
  brink_scenario_free(scenario);
  brink_ctx_free(ctx);
  return rc;
}
