/* SPDX-License-Identifier: MIT */
/* The shipped scenarios against what model v2 must be able to show (issue "Crisis model v2"):
 * both the deterrence and the spiral dangers for armed conflict, and, under the allies'
 * recorded behaviour with the files' priors, rates within the bounds of the 2006-2022 record.
 * Every check is on intervals from thousands of runs (20,000; 4,000 under sanitizers). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_util.h"
#include "scenario_internal.h"

#define KOREA "scenarios/korea/2022.yaml"
#define TAIWAN "scenarios/taiwan/2022.yaml"

static uint64_t runs(void) { return getenv("BRINK_SANITIZED") ? 4000 : 20000; }

/* P(armed conflict) of policy 0 below (deterrence world) or above (spiral world) policy 1,
 * intervals apart. */
static void regime_case(const char *path, const char *greed_set, const char *pressure,
                        const char *diplomacy, int pressure_lower) {
  const char *sets[] = {greed_set};
  fixture f;
  if (!fixture_open(&f, path, sets, 1)) return;
  const char *names[] = {pressure, diplomacy, NULL};
  brink_summary *s = fixture_run(&f, names, runs(), 1, 2);
  if (s) {
    brink_estimate p = brink_summary_p_war(s, 0), d = brink_summary_p_war(s, 1);
    fprintf(stderr, "%s %s: P(armed conflict) %s %.4f [%.4f, %.4f], %s %.4f [%.4f, %.4f]\n", path,
            greed_set, pressure, p.mean, p.lo, p.hi, diplomacy, d.mean, d.lo, d.hi);
    if (pressure_lower)
      CHECK(p.hi < d.lo);
    else
      CHECK(p.lo > d.hi);
  }
  brink_summary_free(s);
  fixture_close(&f);
}

static void test_korea_regimes(void) {
  regime_case(KOREA, "params.dprk_greed=0.95", "maximum_pressure", "proactive_diplomacy", 1);
  regime_case(KOREA, "params.dprk_greed=0.05", "maximum_pressure", "proactive_diplomacy", 0);
}

static void test_taiwan_regimes(void) {
  regime_case(TAIWAN, "params.prc_greed=0.95", "maximum_pressure", "proactive_diplomacy", 1);
  regime_case(TAIWAN, "params.prc_greed=0.05", "maximum_pressure", "proactive_diplomacy", 0);
}

/* Under `historical` with the file's priors, before any fitting. */
static void test_korea_historical_bounds(void) {
  fixture f;
  if (!fixture_open(&f, KOREA, NULL, 0)) return;
  const char *names[] = {"historical", NULL};
  brink_summary *s = fixture_run(&f, names, runs(), 1, 2);
  int dprk = brink_scenario_find_actor(f.sc, "DPRK");
  if (s && dprk >= 0) {
    const brink_actor *a = &f.sc->actors[dprk];
    brink_estimate war = brink_summary_p_war(s, 0), clashes = brink_summary_clashes(s, 0);
    brink_estimate srbm = brink_summary_action(s, 0, (uint32_t)dprk,
                                               (uint32_t)brink_actor_find_action(a, "srbm_launch"));
    brink_estimate icbm = brink_summary_action(s, 0, (uint32_t)dprk,
                                               (uint32_t)brink_actor_find_action(a, "icbm_launch"));
    fprintf(stderr,
            "historical: P(armed conflict) %.4f [%.4f, %.4f]; clashes/run %.2f [%.2f, %.2f]; "
            "SRBM %.2f, ICBM %.2f launches/run\n",
            war.mean, war.lo, war.hi, clashes.mean, clashes.lo, clashes.hi, srbm.mean, icbm.mean);
    /* No war since 1953: seventy war-free years bound the yearly hazard near 4% at 95%. */
    CHECK(war.mean <= 0.05);
    /* 10 CLASH days in 2006-2022 (CSIS): about 1.2 per two years, within a factor of 3. */
    CHECK(clashes.lo >= 1.2 / 3.0 && clashes.hi <= 1.2 * 3.0);
    /* CSIS BM days 2006-2022: SRBMs dominate, ICBM days a small minority. */
    CHECK(srbm.lo > icbm.hi);
  }
  brink_summary_free(s);
  fixture_close(&f);
}

typedef struct test_watch {
  int actor, action;
  uint32_t last, min_gap;
} test_watch;

static void watch_tests(void *ud, const brink_step_view *v) {
  test_watch *w = ud;
  if (v->actions[w->actor] != w->action) return;
  if (w->last != BRINK_NEVER && v->step - w->last < w->min_gap) w->min_gap = v->step - w->last;
  w->last = v->step;
}

/* Nuclear tests come no closer than the run's refractory time (site preparation). */
static void test_korea_nuclear_refractory(void) {
  fixture f;
  if (!fixture_open(&f, KOREA, NULL, 0)) return;
  int dprk = brink_scenario_find_actor(f.sc, "DPRK");
  int hist = brink_scenario_find_policy(f.sc, "historical");
  int par = brink_scenario_find_param(f.sc, "nuclear_refractory");
  CHECK(dprk >= 0 && hist >= 0 && par >= 0);
  if (dprk < 0 || hist < 0 || par < 0) goto done;
  int nuke = brink_actor_find_action(&f.sc->actors[dprk], "nuclear_test");
  uint32_t pairs = 0, tests = 0;
  for (uint64_t r = 0; r < 3000; r++) {
    double params[BRINK_MAX_PARAMS];
    brink_model_sample_params(f.model, 2, r, params);
    test_watch w = {dprk, nuke, BRINK_NEVER, UINT32_MAX};
    brink_run_observer obs = {NULL, watch_tests, &w};
    brink_run_result res;
    brink_model_run_drawn(f.model, (uint32_t)hist, 2, r, params, &res, NULL, &obs);
    tests += res.action_counts[dprk][nuke];
    if (w.min_gap != UINT32_MAX) {
      pairs++;
      CHECK((double)w.min_gap >= params[par]);
    }
  }
  fprintf(stderr, "nuclear tests: %u in 3000 runs, %u runs with two or more\n", tests, pairs);
  CHECK(tests > 0 && pairs > 0); /* the check above was exercised */
done:
  fixture_close(&f);
}

/* Talks take a policy-dependent, spread-out time (no fixed schedule of coin flips). */
static void test_korea_time_to_talks(void) {
  fixture f;
  if (!fixture_open(&f, KOREA, NULL, 0)) return;
  const char *names[] = {"proactive_diplomacy", "reciprocal_restraint", NULL};
  brink_summary *s = fixture_run(&f, names, runs(), 1, 2);
  if (s) {
    brink_estimate a = brink_summary_time_to_talks(s, 0), b = brink_summary_time_to_talks(s, 1);
    fprintf(stderr, "median steps to talks: %.0f [%.0f, %.0f] vs %.0f [%.0f, %.0f]\n", a.mean, a.lo,
            a.hi, b.mean, b.lo, b.hi);
    CHECK(a.lo < a.hi && b.lo < b.hi);
    CHECK(a.hi < b.lo || b.hi < a.lo);
    /* Talks can be refused: not every run gets there. */
    CHECK(brink_summary_p_talks(s, 0).hi < 0.9);
  }
  brink_summary_free(s);
  fixture_close(&f);
}

int main(void) {
  RUN(test_korea_regimes);
  RUN(test_taiwan_regimes);
  RUN(test_korea_historical_bounds);
  RUN(test_korea_nuclear_refractory);
  RUN(test_korea_time_to_talks);
  return harness_finish("test_scenarios");
}
