/* SPDX-License-Identifier: MIT */
/* Helpers shared by the model and engine tests: load a scenario with overrides, run the
 * engine on named policies. */
#ifndef BRINK_TEST_MODEL_UTIL_H
#define BRINK_TEST_MODEL_UTIL_H

#include "brink/engine.h"
#include "brink/model.h"
#include "brink/scenario.h"
#include "engine_internal.h"
#include "harness.h"

typedef struct fixture {
  brink_ctx *ctx;
  brink_scenario *sc;
  brink_model *model;
} fixture;

static inline int fixture_open(fixture *f, const char *path, const char *const *sets,
                               size_t n_sets) {
  f->sc = NULL;
  f->model = NULL;
  if (brink_ctx_new(&f->ctx)) return 0;
  brink_diag_list diags;
  brink_diag_list_init(&diags, f->ctx);
  brink_status st = brink_scenario_load(f->ctx, path, sets, n_sets, &diags, &f->sc);
  for (size_t i = 0; i < diags.n; i++)
    fprintf(stderr, "%s:%u:%u: %s\n", diags.items[i].file, diags.items[i].line, diags.items[i].col,
            diags.items[i].message);
  brink_diag_list_release(&diags);
  if (!st) st = brink_model_new(f->ctx, f->sc, &f->model);
  if (st) fprintf(stderr, "fixture %s: %s\n", path, brink_ctx_errmsg(f->ctx));
  CHECK_INT(st, BRINK_OK);
  return st == BRINK_OK;
}

static inline void fixture_close(fixture *f) {
  brink_model_free(f->model);
  brink_scenario_free(f->sc);
  brink_ctx_free(f->ctx);
}

/* Runs the engine on the policies named in a NULL-terminated list. */
static inline brink_summary *fixture_run(fixture *f, const char *const *names, uint64_t runs,
                                         uint64_t seed, int threads) {
  uint32_t idx[16];
  size_t n = 0;
  for (; names[n]; n++) {
    int p = brink_scenario_find_policy(f->sc, names[n]);
    CHECK(p >= 0);
    idx[n] = p < 0 ? 0u : (uint32_t)p;
  }
  brink_engine_options o = {runs, seed, threads, 0.95, idx, n, NULL, NULL, NULL, NULL, 0, 0};
  brink_summary *s = NULL;
  CHECK_INT(brink_engine_run(f->ctx, f->model, &o, &s), BRINK_OK);
  return s;
}

/* The pair statistics of positions a < b in the compared list. */
static inline brink_estimate pair_estimate(const brink_summary *s, uint32_t a, uint32_t b,
                                           int metric) {
  for (size_t k = 0; k < s->n_pairs; k++) {
    const brink_pair_stats *p = &s->pairs[k];
    if (p->a != a || p->b != b) continue;
    if (metric == 0) return brink_stats_mean(s->runs, p->war_sum, p->war_sq, s->z);
    if (metric == 1) return brink_stats_mean(s->runs, p->prov_sum, p->prov_sq, s->z);
    return brink_stats_mean(s->runs, p->talks_sum, p->talks_sq, s->z);
  }
  CHECK(!"pair not found");
  return (brink_estimate){0, 0, 0};
}

#endif
