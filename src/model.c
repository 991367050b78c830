/* SPDX-License-Identifier: MIT */
/* Compiles a scenario into the model's plan and draws each run's uncertain parameters. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "brink/cameo.h"
#include "dist.h"
#include "internal.h"
#include "model_internal.h"

typedef struct builder {
  brink_ctx *ctx;
  brink_model *model;
  size_t cap;
  brink_status status;
} builder;

/* Puts a scenario value into its slot: constants now, parameters as a patch for each run. */
static void place(builder *b, double *slot, brink_value v) {
  if (b->status) return;
  if (v.param < 0) {
    *slot = v.constant;
    return;
  }
  brink_model *m = b->model;
  if (m->n_patches == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    patch *p = brink_realloc(b->ctx, m->patches, cap * sizeof *p);
    if (!p) {
      b->status = BRINK_ENOMEM;
      return;
    }
    m->patches = p;
    b->cap = cap;
  }
  *slot = 0.0;
  m->patches[m->n_patches++] =
      (patch){(uint32_t)(slot - (double *)(void *)&m->base), (uint32_t)v.param};
}

static brink_status compile_policies(brink_ctx *ctx, brink_model *m) {
  const brink_scenario *sc = m->scenario;
  m->n_policies = sc->n_policies;
  m->policies = brink_calloc(ctx, sc->n_policies ? sc->n_policies : 1, sizeof *m->policies);
  if (!m->policies) return BRINK_ENOMEM;
  for (size_t p = 0; p < sc->n_policies; p++) {
    const brink_policy *pol = &sc->policies[p];
    compiled_policy *cp = &m->policies[p];
    if (pol->actors & ~m->policy_driven)
      return brink__fail(ctx, BRINK_EINVAL,
                         "policy '%s' drives an actor whose driver is not 'policy'", pol->name);
    if (!pol->n_rules) continue;
    cp->rules = brink_calloc(ctx, pol->n_rules, sizeof *cp->rules);
    if (!cp->rules) return BRINK_ENOMEM;
    cp->n_rules = pol->n_rules;
    for (size_t r = 0; r < pol->n_rules; r++) {
      const brink_rule *rule = &pol->rules[r];
      cp->rules[r].rule = rule;
      for (uint32_t i = 0; i < m->n_actors; i++) {
        cp->rules[r].action[i] = -1;
        if (rule->verb != BRINK_VERB_ACTION || !(pol->actors & (1u << i))) continue;
        if (rule->actors && !(rule->actors & (1u << i))) continue;
        int a = brink_actor_find_action(&sc->actors[i], rule->action ? rule->action : "");
        if (a < 0)
          return brink__fail(ctx, BRINK_EINVAL, "policy '%s': actor '%s' has no action '%s'",
                             pol->name, sc->actors[i].name, rule->action ? rule->action : "");
        cp->rules[r].action[i] = (int8_t)a;
      }
    }
  }
  return BRINK_OK;
}

brink_status brink_model_new(brink_ctx *ctx, const brink_scenario *sc, brink_model **out) {
  brink_status st = BRINK_OK;
  brink_model *m = NULL;
  *out = NULL;
  if (sc->n_actors == 0 || sc->n_actors > NA)
    return brink__fail(ctx, BRINK_EINVAL, "scenario '%s' has %zu actors (1 to %d allowed)",
                       sc->name, sc->n_actors, NA);
  if (sc->n_params > BRINK_MAX_PARAMS)
    return brink__fail(ctx, BRINK_EINVAL, "scenario '%s' has %zu parameters (at most %d)", sc->name,
                       sc->n_params, BRINK_MAX_PARAMS);
  if (sc->n_commitments > BRINK_MAX_COMMITMENTS)
    return brink__fail(ctx, BRINK_EINVAL, "scenario '%s' has %zu commitments (at most %d)",
                       sc->name, sc->n_commitments, BRINK_MAX_COMMITMENTS);
  if (sc->horizon < 1 || sc->horizon > BRINK_MAX_HORIZON)
    return brink__fail(ctx, BRINK_EINVAL, "horizon %u out of range 1..%d", sc->horizon,
                       BRINK_MAX_HORIZON);
  m = brink_calloc(ctx, 1, sizeof *m);
  if (!m) return BRINK_ENOMEM;
  m->scenario = sc;
  m->horizon = sc->horizon;
  m->n_actors = (uint32_t)sc->n_actors;
  m->n_params = (uint32_t)sc->n_params;
  m->n_commitments = (uint32_t)sc->n_commitments;
  builder b = {ctx, m, 0, BRINK_OK};

  for (int k = 0; k < BRINK_MODEL_KEY_COUNT; k++) place(&b, &m->base.model[k], sc->model[k]);
  for (uint32_t i = 0; i < m->n_actors; i++) {
    const brink_actor *actor = &sc->actors[i];
    actor_info *info = &m->actors[i];
    if (actor->n_ladder > NACT) {
      st = brink__fail(ctx, BRINK_EINVAL, "actor '%s' has %zu actions (at most %d)", actor->name,
                       actor->n_ladder, NACT);
      goto done;
    }
    info->driver = (uint8_t)actor->driver;
    info->allies = actor->allies;
    info->adversaries = actor->adversaries & ~(1u << i);
    info->n_actions = (uint32_t)actor->n_ladder;
    info->hold_action = -1;
    if (actor->driver == BRINK_DRIVER_BEHAVIOURAL) m->behavioural |= 1u << i;
    if (actor->driver == BRINK_DRIVER_POLICY) m->policy_driven |= 1u << i;
    if (actor->driver == BRINK_DRIVER_THIRD_PARTY) m->third_parties |= 1u << i;
    for (int k = 0; k < BRINK_ACTOR_KEY_COUNT; k++) place(&b, &m->base.actor[i][k], actor->num[k]);
    for (int t = 0; t < 2; t++)
      for (int k = 0; k < BRINK_TYPE_KEY_COUNT; k++)
        place(&b, &m->base.type[i][t][k], actor->type_num[t][k]);
    for (uint32_t a = 0; a < info->n_actions; a++) {
      const brink_action *act = &actor->ladder[a];
      action_info *ai = &info->actions[a];
      ai->kind = (uint8_t)act->kind;
      ai->min_track = (uint8_t)act->min_track;
      ai->sets_track = (uint8_t)act->sets_track;
      ai->commits = (int8_t)(act->commits >= 0 ? act->commits : -1);
      ai->breaches = act->breaches;
      ai->targets = act->targets ? act->targets : info->adversaries;
      ai->quadclass = brink_cameo_quadclass(act->cameo ? act->cameo : "");
      if (act->kind == BRINK_ACTION_HOLD && info->hold_action < 0) info->hold_action = (int)a;
      for (int k = 0; k < BRINK_ACTION_KEY_COUNT; k++)
        place(&b, &m->base.action[i][a][k], act->num[k]);
    }
  }
  for (uint32_t i = 0; i < m->n_actors; i++)
    for (uint32_t o = 0; o < m->n_actors; o++)
      if (o != i && (m->actors[o].adversaries & (1u << i))) m->actors[i].observers |= 1u << o;
  for (size_t r = 0; r < sc->n_relations; r++) {
    const brink_relation *rel = &sc->relations[r];
    if (rel->a >= m->n_actors || rel->b >= m->n_actors || rel->a == rel->b) {
      st = brink__fail(ctx, BRINK_EINVAL, "relation %zu names invalid actors", r);
      goto done;
    }
    int dynamic = 0;
    for (int k = 0; k < BRINK_RELATION_KEY_COUNT; k++) {
      place(&b, &m->base.relation[rel->a][rel->b][k], rel->num[k]);
      place(&b, &m->base.relation[rel->b][rel->a][k], rel->num[k]);
      if (k != BRINK_RELATION_VALUE && (rel->num[k].param >= 0 || rel->num[k].constant != 0.0))
        dynamic = 1;
    }
    if (dynamic) {
      m->dynamic_relations[m->n_dynamic_relations][0] = (uint8_t)rel->a;
      m->dynamic_relations[m->n_dynamic_relations][1] = (uint8_t)rel->b;
      m->n_dynamic_relations++;
    }
  }
  for (uint32_t c = 0; c < m->n_commitments; c++)
    for (int k = 0; k < BRINK_COMMITMENT_KEY_COUNT; k++)
      place(&b, &m->base.commitment[c][k], sc->commitments[c].num[k]);
  if (b.status) {
    st = b.status;
    goto done;
  }
  const brink_cameo_info *clash;
  if (brink_cameo_lookup("190", &clash) == BRINK_OK) {
    m->clash_goldstein = clash->goldstein;
    m->clash_quadclass = clash->quadclass;
  }
  st = compile_policies(ctx, m);
done:
  if (st) {
    brink_model_free(ctx, m);
    return st;
  }
  *out = m;
  return BRINK_OK;
}

void brink_model_free(brink_ctx *ctx, brink_model *m) {
  if (!m) return;
  if (m->policies)
    for (size_t p = 0; p < m->n_policies; p++) brink_free(ctx, m->policies[p].rules);
  brink_free(ctx, m->policies);
  brink_free(ctx, m->patches);
  brink_free(ctx, m);
}

const brink_scenario *brink_model_scenario(const brink_model *m) { return m->scenario; }
uint32_t brink_model_horizon(const brink_model *m) { return m->horizon; }

brink_status brink_model_set_horizon(brink_ctx *ctx, brink_model *m, uint32_t horizon) {
  if (horizon < 1 || horizon > BRINK_MAX_HORIZON)
    return brink__fail(ctx, BRINK_ERANGE, "horizon %u out of range 1..%d steps", horizon,
                       BRINK_MAX_HORIZON);
  m->horizon = horizon;
  return BRINK_OK;
}

/* One draw from a parameter's distribution, by inversion of the CDF where possible so each
 * draw uses exactly one uniform (keeps streams aligned across runs and policies). */
static double draw(const brink_param *p, brink_rng *rng) {
  double u = brink_rng_uniform(rng), x = p->value;
  /* Priors whose quantiles cannot be computed are refused at load (brink__dist_check); the
   * value is the fallback for a scenario built without the loader. */
  (void)brink__dist_quantile(p, u, &x);
  return x;
}

void brink__model_draw_params(const brink_model *m, brink_rng *rng, double *values) {
  for (uint32_t k = 0; k < m->n_params; k++) values[k] = draw(&m->scenario->params[k], rng);
}

void brink_model_sample_params(const brink_model *m, uint64_t seed, uint64_t run, double *values) {
  brink_rng rng;
  brink_rng_init(&rng, seed, run, BRINK_STREAM_PARAMS);
  brink__model_draw_params(m, &rng, values);
}
