/* SPDX-License-Identifier: MIT */
/* The model as a steppable state (brink/model.h): init + step reproduces brink_model_run, a
 * copy continues exactly as the original, forced acts are taken, and the exposed choice
 * probabilities are the ones the sampler draws from. */
#include <math.h>
#include <string.h>

#include "model_util.h"
#include "scenario_internal.h"

#define CRISIS "tests/data/model/crisis.yaml"

static void test_steps_equal_run(void) {
  fixture f;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  brink_model_state *st = NULL;
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &st), BRINK_OK);
  for (uint32_t p = 0; st && p < f.sc->n_policies; p++)
    for (uint64_t r = 0; r < 50; r++) {
      brink_run_result direct;
      double ta[104], tb[104];
      brink_model_run(f.model, p, 7, r, &direct, ta, NULL);
      brink_model_state_init(st, p, 7, r, NULL);
      uint32_t t = 0;
      while (!brink_model_state_step(st, &tb[t], NULL)) t++;
      const brink_run_result *stepped = brink_model_state_result(st);
      CHECK(memcmp(&direct, stepped, sizeof direct) == 0);
      CHECK(memcmp(ta, tb, direct.steps_run * sizeof(double)) == 0);
      CHECK_INT(brink_model_state_step_index(st), direct.steps_run);
      /* Stepping an ended run does nothing. */
      CHECK_INT(brink_model_state_step(st, NULL, NULL), 1);
      CHECK_INT(brink_model_state_result(st)->steps_run, direct.steps_run);
    }
  brink_model_state_free(st);
  fixture_close(&f);
}

static void test_copy_continues_alike(void) {
  fixture f;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  brink_model_state *a = NULL, *b = NULL;
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &a), BRINK_OK);
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &b), BRINK_OK);
  if (a && b) {
    brink_model_state_init(a, 1, 3, 11, NULL);
    for (int t = 0; t < 20; t++) brink_model_state_step(a, NULL, NULL);
    brink_model_state_copy(b, a);
    while (!brink_model_state_step(a, NULL, NULL)) {
    }
    while (!brink_model_state_step(b, NULL, NULL)) {
    }
    CHECK(memcmp(brink_model_state_result(a), brink_model_state_result(b),
                 sizeof(brink_run_result)) == 0);
  }
  brink_model_state_free(a);
  brink_model_state_free(b);
  fixture_close(&f);
}

/* A copy over a state that ran another run (other parameters, so other numbers in the
 * numbers' action table, of which brink_model_state_copy copies only the model's rows; and the
 * ladder numbers of the choice probabilities, filled again) continues exactly as the original:
 * the same choice probabilities at every step, bit for bit, and the same result. */
static void test_copy_over_another_run(void) {
  fixture f;
  if (!fixture_open(&f, "scenarios/korea/2022.yaml", NULL, 0)) return;
  brink_model_state *a = NULL, *b = NULL;
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &a), BRINK_OK);
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &b), BRINK_OK);
  int dprk = brink_scenario_find_actor(f.sc, "DPRK");
  CHECK(dprk >= 0);
  size_t compared = 0;
  if (a && b && dprk >= 0) {
    brink_model_state_init(a, 1, 3, 11, NULL);
    brink_model_state_init(b, 0, 3, 12, NULL);
    for (int t = 0; t < 20; t++) {
      brink_model_state_step(a, NULL, NULL);
      brink_model_state_step(b, NULL, NULL);
    }
    brink_model_state_copy(b, a);
    int ended = 0;
    while (!ended) {
      double pa[BRINK_MAX_ACTIONS], pb[BRINK_MAX_ACTIONS];
      memset(pa, 0, sizeof pa);
      memset(pb, 0, sizeof pb);
      CHECK_INT(brink_model_state_choice_probs(a, (uint32_t)dprk, pa), BRINK_OK);
      CHECK_INT(brink_model_state_choice_probs(b, (uint32_t)dprk, pb), BRINK_OK);
      CHECK(memcmp(pa, pb, sizeof pa) == 0);
      compared++;
      ended = brink_model_state_step(a, NULL, NULL);
      CHECK_INT(brink_model_state_step(b, NULL, NULL), ended);
    }
    CHECK(memcmp(brink_model_state_result(a), brink_model_state_result(b),
                 sizeof(brink_run_result)) == 0);
  }
  CHECK(compared > 10);
  brink_model_state_free(a);
  brink_model_state_free(b);
  fixture_close(&f);
}

static void test_forced_acts(void) {
  fixture f;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  brink_model_state *st = NULL;
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &st), BRINK_OK);
  int red = brink_scenario_find_actor(f.sc, "Red"), blue = brink_scenario_find_actor(f.sc, "Blue");
  int srbm = red >= 0 ? brink_actor_find_action(&f.sc->actors[red], "srbm") : -1;
  int deploy = blue >= 0 ? brink_actor_find_action(&f.sc->actors[blue], "deploy") : -1;
  CHECK(srbm >= 0 && deploy >= 0);
  if (st && srbm >= 0 && deploy >= 0) {
    brink_model_state_init(st, 0, 1, 0, NULL);
    for (int t = 0; t < 10; t++) {
      brink_model_state_force(st, (uint32_t)red, srbm);
      brink_model_state_force(st, (uint32_t)blue, deploy);
      brink_model_state_step(st, NULL, NULL);
    }
    const brink_run_result *r = brink_model_state_result(st);
    CHECK_INT(r->action_counts[red][srbm], 10);
    CHECK_INT(r->action_counts[blue][deploy], 10);
    CHECK_INT(r->provocations, 10);
  }
  brink_model_state_free(st);
  fixture_close(&f);
}

/* The first act of many runs that share one starting state (constant parameters, a fixed
 * type) is drawn from brink_model_state_choice_probs: frequencies within 4.5 standard errors
 * of the probabilities, and the probabilities sum to 1. */
static void check_choice_probs(const char *activity) {
  const char *sets[] = {"params.greed=0", "actors.Red.rationality=1.5", "model.noise=0", activity};
  fixture f;
  if (!fixture_open(&f, CRISIS, sets, 4)) return;
  brink_model_state *st = NULL;
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &st), BRINK_OK);
  int red = brink_scenario_find_actor(f.sc, "Red"), blue = brink_scenario_find_actor(f.sc, "Blue");
  if (!st || red < 0 || blue < 0) goto done;
  uint32_t n_actions = (uint32_t)f.sc->actors[red].n_ladder;
  double probs[BRINK_MAX_ACTIONS];
  brink_model_state_init(st, 0, 5, 0, NULL);
  CHECK_INT(brink_model_state_choice_probs(st, (uint32_t)blue, probs), BRINK_EINVAL);
  CHECK_INT(brink_model_state_choice_probs(st, (uint32_t)red, probs), BRINK_OK);
  double total = 0.0;
  int spread = 0;
  for (uint32_t a = 0; a < n_actions; a++) {
    total += probs[a];
    spread += probs[a] > 0.01;
  }
  CHECK_NEAR(total, 1.0, 1e-12);
  CHECK(spread >= 3); /* a real distribution, not a best response */
  const uint32_t runs = 20000;
  uint32_t counts[BRINK_MAX_ACTIONS] = {0};
  for (uint32_t r = 0; r < runs; r++) {
    brink_model_state_init(st, 0, 5, r, NULL);
    double p2[BRINK_MAX_ACTIONS];
    brink_model_state_choice_probs(st, (uint32_t)red, p2);
    CHECK(memcmp(p2, probs, n_actions * sizeof *p2) == 0); /* the same starting state */
    brink_model_state_step(st, NULL, NULL);
    const brink_run_result *res = brink_model_state_result(st);
    for (uint32_t a = 0; a < n_actions; a++) counts[a] += res->action_counts[red][a];
  }
  for (uint32_t a = 0; a < n_actions; a++) {
    double se = sqrt(probs[a] * (1.0 - probs[a]) / runs);
    CHECK(fabs((double)counts[a] / runs - probs[a]) <= 4.5 * se + 1e-12);
  }
  /* With activity a < 1 the hold (action 0) takes the share 1 - a besides its own. */
  fprintf(stderr, "%s: P(hold) %.4f, sampled %.4f\n", activity, probs[0], (double)counts[0] / runs);
done:
  brink_model_state_free(st);
  fixture_close(&f);
}

/* The same with an actor that weighs its options in only 30% of the steps (docs/model.md 3,
 * activity): the hold's probability rises accordingly, and sampling still matches. */
static void test_choice_probs(void) {
  check_choice_probs("actors.Red.activity=1");
  check_choice_probs("actors.Red.activity=0.3");
}

/* P(hold) of Red's first choice under the given settings (constant parameters, model.noise 0);
 * -1 if the fixture cannot be opened. */
static double first_hold(const char **sets, size_t n) {
  fixture f;
  double p = -1.0, probs[BRINK_MAX_ACTIONS];
  if (!fixture_open(&f, CRISIS, sets, n)) return p;
  brink_model_state *st = NULL;
  int red = brink_scenario_find_actor(f.sc, "Red");
  if (brink_model_state_new(f.ctx, f.model, &st) == BRINK_OK && red >= 0) {
    brink_model_state_init(st, 0, 5, 0, NULL);
    if (brink_model_state_choice_probs(st, (uint32_t)red, probs) == BRINK_OK) p = probs[0];
  }
  brink_model_state_free(st);
  fixture_close(&f);
  return p;
}

/* campaign_activity (docs/model.md 3b): while a development campaign runs, the actor weighs
 * its options in that share of the steps when it is above activity; with no campaign under
 * way, or below activity, activity holds. q is P(hold) when the actor always weighs. */
static void test_campaign_activity(void) {
#define BASE                                                                                       \
  "params.greed=0", "actors.Red.rationality=1.5", "model.noise=0",                                 \
      "actors.Red.ladder.srbm.campaign_start=0.01"
  const char *on_always[] = {BASE, "actors.Red.ladder.srbm.campaign_active=1",
                             "actors.Red.activity=1"};
  const char *off_always[] = {BASE, "actors.Red.ladder.srbm.campaign_active=0",
                              "actors.Red.activity=1"};
  const char *on[] = {BASE, "actors.Red.ladder.srbm.campaign_active=1", "actors.Red.activity=0.3",
                      "actors.Red.campaign_activity=0.9"};
  const char *off[] = {BASE, "actors.Red.ladder.srbm.campaign_active=0", "actors.Red.activity=0.3",
                       "actors.Red.campaign_activity=0.9"};
  const char *lower[] = {BASE, "actors.Red.ladder.srbm.campaign_active=1",
                         "actors.Red.activity=0.3", "actors.Red.campaign_activity=0.1"};
  const char *none[] = {BASE, "actors.Red.ladder.srbm.campaign_active=1",
                        "actors.Red.activity=0.3"};
#undef BASE
  double q_on = first_hold(on_always, 6), q_off = first_hold(off_always, 6);
  CHECK(q_on >= 0.0 && q_off >= 0.0);
  CHECK(q_on < 0.9 && q_off < 0.9); /* weighing leaves room for acts, so the shares show */
  CHECK_NEAR(first_hold(on, 7), 0.9 * q_on + 0.1, 1e-12);
  CHECK_NEAR(first_hold(off, 7), 0.3 * q_off + 0.7, 1e-12);
  CHECK_NEAR(first_hold(lower, 7), 0.3 * q_on + 0.7, 1e-12);
  CHECK_NEAR(first_hold(none, 6), 0.3 * q_on + 0.7, 1e-12);
  /* Sampling follows the same probabilities: the share of first steps Red holds. */
  fixture f;
  if (!fixture_open(&f, CRISIS, on, 7)) return;
  brink_model_state *st = NULL;
  int red = brink_scenario_find_actor(f.sc, "Red");
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &st), BRINK_OK);
  if (st && red >= 0) {
    const uint32_t runs = 20000;
    uint32_t holds = 0;
    for (uint32_t r = 0; r < runs; r++) {
      brink_model_state_init(st, 0, 5, r, NULL);
      brink_model_state_step(st, NULL, NULL);
      holds += brink_model_state_result(st)->action_counts[red][0];
    }
    double p = 0.9 * q_on + 0.1, se = sqrt(p * (1.0 - p) / runs);
    CHECK(fabs((double)holds / runs - p) <= 4.5 * se);
    fprintf(stderr, "campaign on: P(hold) %.4f, sampled %.4f\n", p, (double)holds / runs);
  }
  brink_model_state_free(st);
  fixture_close(&f);
}

/* Share of runs in which Red's SRBM campaign (dormant at step 0) is under way after one step,
 * seen as the SRBM being available to its next choice. */
static double started_share(const char *start, const char *scale) {
  const char *sets[] = {"params.greed=0", "model.noise=0",
                        "actors.Red.ladder.srbm.campaign_active=0", start, scale};
  fixture f;
  double share = -1.0;
  if (!fixture_open(&f, CRISIS, sets, scale ? 5 : 4)) return share;
  brink_model_state *st = NULL;
  int red = brink_scenario_find_actor(f.sc, "Red");
  int srbm = red >= 0 ? brink_actor_find_action(&f.sc->actors[red], "srbm") : -1;
  if (brink_model_state_new(f.ctx, f.model, &st) == BRINK_OK && srbm >= 0) {
    const uint32_t runs = 20000;
    uint32_t on = 0;
    double probs[BRINK_MAX_ACTIONS];
    for (uint32_t r = 0; r < runs; r++) {
      brink_model_state_init(st, 0, 9, r, NULL);
      brink_model_state_step(st, NULL, NULL);
      if (brink_model_state_choice_probs(st, (uint32_t)red, probs) == BRINK_OK && probs[srbm] > 0)
        on++;
    }
    share = (double)on / runs;
  }
  brink_model_state_free(st);
  fixture_close(&f);
  return share;
}

/* campaign_scale (docs/model.md 3b) multiplies every campaign's start chance: 0 stops new
 * campaigns; 2 with a chance of 0.1 is the chance 0.2 (the same draws, so the same runs); 1 is
 * the default. */
static void test_campaign_scale(void) {
  const char *p1 = "actors.Red.ladder.srbm.campaign_start=0.1";
  const char *p2 = "actors.Red.ladder.srbm.campaign_start=0.2";
  double none = started_share(p1, "actors.Red.campaign_scale=0");
  double one = started_share(p1, NULL), same = started_share(p1, "actors.Red.campaign_scale=1");
  double twice = started_share(p1, "actors.Red.campaign_scale=2"),
         p2_share = started_share(p2, NULL);
  fprintf(stderr, "campaign under way after one step: %.4f, %.4f, %.4f (scale 0, 1, 2)\n", none,
          one, twice);
  CHECK(none == 0.0);
  CHECK(one > 0.05 && one == same);
  CHECK(twice > one && twice == p2_share);
}

/* Rebinding to a model of the same structure: to the same model it changes nothing; to
 * another window it takes that window's numbers and relations and keeps the run's history;
 * to a different structure it is refused. */
static void test_rebind(void) {
  fixture f, g, h;
  const char *other[] = {"relations.Grey-Red.value=-0.9", "params.greed=1"};
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  if (!fixture_open(&g, CRISIS, other, 2)) return;
  if (!fixture_open(&h, "tests/data/model/hazard.yaml", NULL, 0)) return;
  brink_model_state *a = NULL, *b = NULL;
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &a), BRINK_OK);
  CHECK_INT(brink_model_state_new(f.ctx, f.model, &b), BRINK_OK);
  if (a && b) {
    brink_model_state_init(a, 1, 3, 5, NULL);
    brink_model_state_init(b, 1, 3, 5, NULL);
    for (int t = 0; t < 30; t++) {
      brink_model_state_step(a, NULL, NULL);
      brink_model_state_step(b, NULL, NULL);
    }
    CHECK_INT(brink_model_state_rebind(b, f.model, 1, NULL), BRINK_OK);
    while (!brink_model_state_step(a, NULL, NULL)) {
    }
    while (!brink_model_state_step(b, NULL, NULL)) {
    }
    CHECK(memcmp(brink_model_state_result(a), brink_model_state_result(b),
                 sizeof(brink_run_result)) == 0);
    /* Another window: its relations now, the run's type and history kept. */
    brink_model_state_init(b, 1, 3, 5, NULL);
    for (int t = 0; t < 30; t++) brink_model_state_step(b, NULL, NULL);
    int red = brink_scenario_find_actor(f.sc, "Red");
    int type = brink_model_state_type(b, (uint32_t)red);
    uint32_t steps = brink_model_state_step_index(b);
    CHECK_INT(brink_model_state_rebind(b, g.model, 1, NULL), BRINK_OK);
    CHECK_INT(brink_model_state_type(b, (uint32_t)red), type);
    CHECK_INT(brink_model_state_step_index(b), steps);
    CHECK_INT(brink_model_state_rebind(b, h.model, 0, NULL), BRINK_EINVAL);
    /* The next run starts in the model the state was made for, not in the window the last
     * run was moved to (replay, filter replicates and IF2 iterations reuse their states). */
    brink_model_state_init(b, 1, 3, 6, NULL);
    CHECK(brink_model_state_model(b) == f.model);
    brink_model_state_init(a, 1, 3, 6, NULL);
    while (!brink_model_state_step(a, NULL, NULL)) {
    }
    while (!brink_model_state_step(b, NULL, NULL)) {
    }
    CHECK(memcmp(brink_model_state_result(a), brink_model_state_result(b),
                 sizeof(brink_run_result)) == 0);
  }
  brink_model_state_free(a);
  brink_model_state_free(b);
  fixture_close(&f);
  fixture_close(&g);
  fixture_close(&h);
}

int main(void) {
  RUN(test_rebind);
  RUN(test_steps_equal_run);
  RUN(test_copy_continues_alike);
  RUN(test_copy_over_another_run);
  RUN(test_forced_acts);
  RUN(test_choice_probs);
  RUN(test_campaign_activity);
  RUN(test_campaign_scale);
  return harness_finish("test_model_state");
}
