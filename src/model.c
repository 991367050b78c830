/* SPDX-License-Identifier: MIT */
/* Compiles a scenario into the model's plan and draws each run's uncertain parameters. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "brink/cameo.h"
#include "dist.h"
#include "internal.h"
#include "model_lanes.h"
#include "scenario_internal.h"

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

/* The score of diplomacy action a for the verb offer_talks at track level t: the highest level
 * it proposes from there (pick_kind in model_policy.c, which these orders replace). */
static double offer_score(const action_info *ai, uint32_t t) {
  return ai->sets_track > t ? 100.0 + ai->min_track : ai->sets_track;
}

/* The diplomacy actions of an actor by decreasing offer score at track level t, in ladder order
 * on ties: the first usable one is the one the scan of every action picked. */
static void offer_order(actor_info *info, uint32_t t) {
  uint32_t n = 0;
  for (uint32_t of = info->kind_actions[BRINK_ACTION_DIPLOMACY]; of; of &= of - 1) {
    uint32_t a = (uint32_t)__builtin_ctz(of);
    double score = offer_score(&info->actions[a], t);
    uint32_t k = n++;
    /* Insertion after every action that scores at least as high: ties keep ladder order. */
    while (k > 0 && offer_score(&info->actions[info->offer_order[t][k - 1]], t) < score) {
      info->offer_order[t][k] = info->offer_order[t][k - 1];
      k--;
    }
    info->offer_order[t][k] = (int8_t)a;
  }
  info->offer_count[t] = (uint8_t)n;
}

/* The parts of the observation a rule reads for its conditions and its verb (SEES_*). */
static uint8_t rule_sees(const brink_rule *rule) {
  uint8_t sees = 0;
  for (size_t c = 0; c < rule->n_conditions; c++) switch (rule->conditions[c].kind) {
    case BRINK_COND_PROVOKED_AT_LEAST:
      sees |= SEES_INTENSITY;
      break;
    case BRINK_COND_PROVOKED_WITHIN:
    case BRINK_COND_QUIET_FOR:
      sees |= SEES_SINCE_MAJOR;
      break;
    case BRINK_COND_ADVERSARY_CONCILIATED:
      sees |= SEES_CONCILIATED;
      break;
    case BRINK_COND_BELIEF_GREEDY_ABOVE:
    case BRINK_COND_BELIEF_GREEDY_BELOW:
      sees |= SEES_BELIEF;
      break;
    default:
      break;
    }
  if (rule->verb == BRINK_VERB_MATCH || rule->verb == BRINK_VERB_ESCALATE) sees |= SEES_INTENSITY;
  return sees;
}

static int rule_applies(const brink_rule *rule, uint32_t i) {
  return !rule->actors || (rule->actors & (1u << i));
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
    cp->decide = brink__policy_decider(pol->builtin);
    if (!pol->n_rules) continue;
    /* Rule by rule first, so that a missing action is reported at the first rule that names it. */
    size_t total = 0;
    for (size_t r = 0; r < pol->n_rules; r++) {
      const brink_rule *rule = &pol->rules[r];
      for (uint32_t i = 0; i < m->n_actors && i < NA; i++) { /* NA bound: for GCC 12 -O3 */
        if (!rule_applies(rule, i)) continue;
        total++;
        if (rule->verb != BRINK_VERB_ACTION || !(pol->actors & (1u << i))) continue;
        if (brink_actor_find_action(&sc->actors[i], rule->action ? rule->action : "") < 0)
          return brink__fail(ctx, BRINK_EINVAL, "policy '%s': actor '%s' has no action '%s'",
                             pol->name, sc->actors[i].name, rule->action ? rule->action : "");
      }
    }
    cp->rules = brink_calloc(ctx, total ? total : 1, sizeof *cp->rules);
    if (!cp->rules) return BRINK_ENOMEM;
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->n_actors && i < NA; i++) {
      cp->first[i] = n;
      for (size_t r = 0; r < pol->n_rules; r++) {
        const brink_rule *rule = &pol->rules[r];
        if (!rule_applies(rule, i)) continue;
        actor_rule *ar = &cp->rules[n++];
        ar->conditions = rule->conditions;
        ar->n_conditions = (uint32_t)rule->n_conditions;
        ar->verb = (uint8_t)rule->verb;
        ar->by = rule->by;
        ar->action = -1;
        if (rule->verb == BRINK_VERB_ACTION && (pol->actors & (1u << i)))
          ar->action =
              (int8_t)brink_actor_find_action(&sc->actors[i], rule->action ? rule->action : "");
        cp->sees[i] |= rule_sees(rule);
      }
      cp->n_rules[i] = n - cp->first[i];
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
  if (m) m->ctx = ctx;
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
      if ((unsigned)act->kind < BRINK_ACTION_KIND_COUNT) info->kind_actions[act->kind] |= 1u << a;
      for (uint32_t t = 0; t < BRINK_TRACK_COUNT; t++) {
        if (ai->min_track > t) info->track_below[t] |= 1u << a;
        if (ai->min_track > t || (act->kind == BRINK_ACTION_DIPLOMACY && ai->sets_track <= t))
          info->track_blocked[t] |= 1u << a;
      }
      if (ai->commits >= 0 && ai->commits < BRINK_MAX_COMMITMENTS)
        info->commits_mask[ai->commits] |= 1u << a;
      if (act->kind == BRINK_ACTION_RESTRAINT || act->kind == BRINK_ACTION_DIPLOMACY)
        info->conciliatory_actions |= 1u << a;
      info->breached |= ai->breaches;
      for (uint32_t c = 0; c < 32; c++)
        if (ai->breaches >> c & 1u) info->breaching[c] |= 1u << a;
      if (act->kind == BRINK_ACTION_MILITARY) {
        info->military_actions |= 1u << a;
        const brink_value *cs = &act->num[BRINK_ACTION_CAMPAIGN_START];
        if (cs->param >= 0 || cs->constant > 0.0) {
          info->campaign_actions |= 1u << a;
          m->campaigners |= 1u << i;
        }
      }
      for (int k = 0; k < BRINK_ACTION_KEY_COUNT; k++)
        place(&b, &m->base.action[i][a][k], act->num[k]);
    }
  }
  for (uint32_t i = 0; i < m->n_actors; i++)
    for (uint32_t o = 0; o < m->n_actors; o++)
      if (o != i && (m->actors[o].adversaries & (1u << i))) m->actors[i].observers |= 1u << o;
  for (uint32_t i = 0; i < m->n_actors; i++)
    for (uint32_t t = 0; t < BRINK_TRACK_COUNT; t++) offer_order(&m->actors[i], t);
  m->readiness_read = ~m->third_parties;
  m->severity_read = m->behavioural;
  for (uint32_t i = 0; i < m->n_actors; i++) {
    actor_info *info = &m->actors[i];
    m->readiness_read |= info->adversaries;
    for (uint32_t a = 0; a < info->n_actions; a++)
      if (info->actions[a].kind == BRINK_ACTION_UNSC) m->severity_read |= info->actions[a].targets;
    for (uint32_t half = 0; half < 2; half++)
      for (uint32_t c = 0; c < 256; c++) {
        uint32_t blocked = 0;
        for (uint32_t k = 0; k < 8; k++)
          if (c >> k & 1u) blocked |= info->commits_mask[8 * half + k];
        info->commits_blocked[half][c] = blocked;
      }
  }
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
  /* Beliefs a decision reads: the behavioural actors', and a policy actor's when one of its rules
   * tests belief (what compile_policies found the actor's rules read). */
  m->belief_read = m->behavioural;
  for (size_t p = 0; p < m->n_policies && !st; p++)
    for (uint32_t i = 0; i < m->n_actors && i < NA; i++)
      if (m->policies[p].sees[i] & SEES_BELIEF) m->belief_read |= 1u << i;
  for (uint32_t k = 0; k < m->n_params && !st; k++)
    st = brink__dist_table_new(ctx, &sc->params[k], &m->tables[k]);
done:
  if (st) {
    brink_model_free(m);
    return st;
  }
  *out = m;
  return BRINK_OK;
}

void brink_model_free(brink_model *m) {
  if (!m) return;
  brink_ctx *ctx = m->ctx;
  if (m->policies)
    for (size_t p = 0; p < m->n_policies; p++) brink_free(ctx, m->policies[p].rules);
  brink_free(ctx, m->policies);
  brink_free(ctx, m->patches);
  brink_free(ctx, m->posterior);
  for (uint32_t k = 0; k < m->n_params; k++) brink_free(ctx, m->tables[k]);
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
 * draw uses exactly one uniform (keeps streams aligned across runs and policies); betas from
 * their table (docs/performance.md). */
static double draw(const brink_param *p, const brink__dist_table *table, brink_rng *rng) {
  double u = brink_rng_uniform(rng), x = p->value;
  if (table) return brink__dist_table_quantile(table, u);
  /* Priors whose quantiles cannot be computed are refused at load (brink__dist_check); the
   * value is the fallback for a scenario built without the loader. */
  (void)brink__dist_quantile(p, u, &x);
  return x;
}

void brink__model_draw(const brink_model *m, uint64_t seed, uint64_t run, double *values,
                       int params_given, int *types) {
  brink_rng rng;
  brink_rng_init(&rng, seed, run, BRINK_STREAM_PARAMS);
  if (params_given) {
    /* Keep the stream aligned (types come after): jump over the parameters' uniforms, two
     * 32-bit numbers each, four to a block of the counter, as drawing them would. */
    uint32_t skip = 2 * m->n_params;
    rng.ctr.v[0] = skip / 4;
    for (uint32_t k = 0; k < skip % 4; k++) (void)brink_rng_u32(&rng);
  } else {
    for (uint32_t k = 0; k < m->n_params; k++)
      values[k] = draw(&m->scenario->params[k], m->tables[k], &rng);
  }
  if (m->n_draws && !params_given) {
    /* A posterior draw replaces the priors it covers: row chosen by its own stream, so the
     * prior uniforms above (and the types below) stay aligned with a run without posterior. */
    brink_rng pick;
    brink_rng_init(&pick, seed, run, BRINK_STREAM_POSTERIOR);
    size_t row = (size_t)(brink_rng_uniform(&pick) * (double)m->n_draws);
    if (row >= m->n_draws) row = m->n_draws - 1;
    const double *draw = &m->posterior[row * m->n_params];
    for (uint32_t k = 0; k < m->n_params; k++)
      if (!isnan(draw[k])) values[k] = draw[k];
  }
  if (!types) return;
  /* Hidden types (Jervis; Kydd 2005): from each actor's greed prior, read with this run's
   * parameter values. */
  for (uint32_t i = 0; i < m->n_actors; i++) {
    const brink_value *g = &m->scenario->actors[i].num[BRINK_ACTOR_GREED];
    double greed = g->param >= 0 ? values[g->param] : g->constant;
    types[i] = brink_rng_uniform(&rng) < greed;
  }
}

void brink_model_sample_params(const brink_model *m, uint64_t seed, uint64_t run, double *values) {
  brink__model_draw(m, seed, run, values, 0, NULL);
}

uint32_t brink_model_n_params(const brink_model *m) { return m->n_params; }

#define WAR_NAME(e, name) name,
static const char *const war_cause_names[] = {BRINK_WAR_CAUSES(WAR_NAME)};
#undef WAR_NAME

const char *brink_war_cause_name(brink_war_cause cause) {
  return (unsigned)cause < BRINK_WAR_CAUSE_COUNT ? war_cause_names[cause] : "?";
}

brink_status brink_model_state_new(brink_ctx *ctx, const brink_model *m, brink_model_state **out) {
  *out = brink_calloc(ctx, 1, sizeof **out);
  if (!*out) return BRINK_ENOMEM;
  (*out)->ctx = ctx;
  (*out)->model = (*out)->s.model = m;
  (*out)->s.ended = 1;
  const brink__lanes_kind kind = brink__lanes_select();
  (*out)->ladder = brink__lanes_wide(kind);
  brink__ladder_kernel(&(*out)->wide, kind == BRINK__LANES_WIDE512);
  return BRINK_OK;
}

void brink__model_states_free(brink_ctx *ctx, brink_model_state **states, size_t n) {
  if (!states) return;
  for (size_t k = 0; k < n; k++) brink_model_state_free(states[k]);
  brink_free(ctx, states);
}

brink_status brink__model_states_new(brink_ctx *ctx, const brink_model *m, size_t n,
                                     brink_model_state ***out) {
  brink_model_state **states = brink_calloc(ctx, n ? n : 1, sizeof *states);
  *out = NULL;
  if (!states) return BRINK_ENOMEM;
  for (size_t k = 0; k < n; k++)
    if (brink_model_state_new(ctx, m, &states[k])) {
      brink__model_states_free(ctx, states, n);
      return BRINK_ENOMEM;
    }
  *out = states;
  return BRINK_OK;
}

void brink_model_state_free(brink_model_state *state) {
  if (!state) return;
  brink_ctx *ctx = state->ctx;
  brink_free(ctx, state);
}

brink_status brink_model_set_posterior(brink_ctx *ctx, brink_model *m, const char *const *names,
                                       size_t n_cols, const double *rows, size_t n_rows) {
  if (n_rows == 0) {
    brink_free(ctx, m->posterior);
    m->posterior = NULL;
    m->n_draws = 0;
    return BRINK_OK;
  }
  int col_param[BRINK_MAX_PARAMS];
  if (n_cols > BRINK_MAX_PARAMS)
    return brink__fail(ctx, BRINK_EINVAL, "posterior has %zu columns (at most %d)", n_cols,
                       BRINK_MAX_PARAMS);
  for (size_t c = 0; c < n_cols; c++) {
    col_param[c] = brink_scenario_find_param(m->scenario, names[c]);
    if (col_param[c] < 0)
      return brink__fail(ctx, BRINK_EINVAL, "posterior column '%s' is not a parameter of '%s'",
                         names[c], m->scenario->name);
    const brink_param *p = &m->scenario->params[col_param[c]];
    if (p->dist == BRINK_DIST_CONSTANT)
      return brink__fail(ctx, BRINK_EINVAL,
                         "posterior column '%s' is a constant of '%s', not an uncertain parameter "
                         "(change it with --set)",
                         names[c], m->scenario->name);
    for (size_t r = 0; r < n_rows; r++) {
      double v = rows[r * n_cols + c];
      if (!isfinite(v) || v < p->lo || v > p->hi)
        return brink__fail(ctx, BRINK_EINVAL,
                           "posterior draw %zu of '%s' is %g, outside its prior's support [%g, %g]",
                           r + 1, names[c], v, p->lo, p->hi);
    }
  }
  double *post = brink_malloc(ctx, n_rows * (m->n_params ? m->n_params : 1) * sizeof *post);
  if (!post) return BRINK_ENOMEM;
  for (size_t r = 0; r < n_rows; r++) {
    for (uint32_t k = 0; k < m->n_params; k++) post[r * m->n_params + k] = (double)NAN;
    for (size_t c = 0; c < n_cols; c++)
      post[r * m->n_params + (size_t)col_param[c]] = rows[r * n_cols + c];
  }
  brink_free(ctx, m->posterior);
  m->posterior = post;
  m->n_draws = n_rows;
  return BRINK_OK;
}
