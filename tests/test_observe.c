/* SPDX-License-Identifier: MIT */
/* The observation model (brink/observe.h) on hand-made rows with the shipped table
 * (data/korea_observation.tsv) and the Korean scenario: ranks, holds, parties, ignored and
 * unknown rows, dates outside the window, and errors in the table with their location. */
#include <stdio.h>
#include <string.h>

#include "brink/filter.h"
#include "brink/observe.h"
#include "model_util.h"
#include "scenario_internal.h"

static void test_rows_to_acts(void) {
  fixture f;
  if (!fixture_open(&f, "scenarios/korea/2022.yaml", NULL, 0)) return;
  brink_observation *obs = NULL;
  CHECK_INT(brink_observation_load(f.ctx, "data/korea_observation.tsv", f.sc, &obs), BRINK_OK);
  if (!obs) goto done;
  const brink_observed_row rows[] = {
      {20220105, "csis", "BM", 0, NULL, "r:1"},                 /* week 0: SRBM ... */
      {20220106, "csis", "BM", 1, NULL, "r:2"},                 /* ... and an ICBM: the ICBM wins */
      {20220112, "timeline", "irbm_launch", -1, "DPRK", "t:1"}, /* week 1 */
      {20220120, "timeline", "exercise", -1, "US;ROK", "t:2"},  /* week 2: both allies */
      {20220121, "timeline", "summit", -1, "DPRK;PRC", "t:3"},  /* no rule for this pair */
      {20220125, "csis", "CRUISE", -1, NULL, "r:3"},            /* mapped to nothing on purpose */
      {20211229, "csis", "BM", 0, NULL, "r:4"},                 /* before the window */
  };
  int d = brink_scenario_find_actor(f.sc, "DPRK"), u = brink_scenario_find_actor(f.sc, "USA"),
      k = brink_scenario_find_actor(f.sc, "ROK"), c = brink_scenario_find_actor(f.sc, "CHN");
  uint32_t na = (uint32_t)f.sc->n_actors;
  int acts[4 * 8];
  brink_observation_report rep;
  uint32_t observed = (1u << d) | (1u << u) | (1u << k);
  CHECK_INT(brink_observation_acts(f.ctx, obs, rows, sizeof rows / sizeof rows[0], 20220103, 4,
                                   observed, acts, &rep),
            BRINK_OK);
  const brink_actor *dprk = &f.sc->actors[d];
  CHECK_INT(acts[0 * na + (uint32_t)d], brink_actor_find_action(dprk, "icbm_launch"));
  CHECK_INT(acts[1 * na + (uint32_t)d], brink_actor_find_action(dprk, "irbm_launch"));
  CHECK_INT(acts[2 * na + (uint32_t)d], brink_actor_find_action(dprk, "hold"));
  CHECK_INT(acts[3 * na + (uint32_t)d], brink_actor_find_action(dprk, "hold"));
  CHECK_INT(acts[2 * na + (uint32_t)u],
            brink_actor_find_action(&f.sc->actors[u], "combined_exercise_large"));
  CHECK_INT(acts[2 * na + (uint32_t)k],
            brink_actor_find_action(&f.sc->actors[k], "combined_exercise_large"));
  CHECK_INT(acts[0 * na + (uint32_t)u], brink_actor_find_action(&f.sc->actors[u], "hold"));
  CHECK_INT(acts[0 * na + (uint32_t)c], BRINK_FILTER_FREE);
  CHECK_INT(rep.rows, 7);
  CHECK_INT(rep.mapped, 4);
  CHECK_INT(rep.overridden, 1);
  CHECK_INT(rep.ignored, 1);
  CHECK_INT(rep.unknown, 1);
  CHECK_INT(rep.outside, 1);
  CHECK_CONTAINS(rep.unknown_list, "t:3: timeline summit DPRK;PRC");
  brink_observation_free(obs);
done:
  fixture_close(&f);
}

static void test_table_errors(void) {
  fixture f;
  if (!fixture_open(&f, "scenarios/korea/2022.yaml", NULL, 0)) return;
  const char *path = "test_observe_table.tsv";
  FILE *out = fopen(path, "w");
  CHECK(out != NULL);
  if (!out) goto done;
  fputs("source\tkey\ticbm\trecord_actor\tactor\taction\trank\tnote\n"
        "csis\tBM\t0\t*\tDPRK\tsrbm_launch\t30\tok\n"
        "csis\tBM\t1\t*\tDPRK\ticbm\t80\tno such action\n",
        out);
  fclose(out);
  brink_observation *obs = NULL;
  CHECK_INT(brink_observation_load(f.ctx, path, f.sc, &obs), BRINK_EPARSE);
  CHECK_CONTAINS(brink_ctx_errmsg(f.ctx),
                 "test_observe_table.tsv:3:18: actor 'DPRK' has no action 'icbm'");
  CHECK(obs == NULL);
  remove(path);
done:
  fixture_close(&f);
}

int main(void) {
  RUN(test_rows_to_acts);
  RUN(test_table_errors);
  return harness_finish("test_observe");
}
