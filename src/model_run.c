/* SPDX-License-Identifier: MIT */
/* One trajectory of the crisis model (docs/model.md): a run state and the phases of one step,
 * each a function. Allocates nothing and reads the model only, so threads share a model. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "brink/tension.h"
#include "internal.h"
#include "model_internal.h"
#include "model_lanes.h"
#include "scenario_internal.h"

/* Plain-language events for traces; costs nothing when nobody observes. */
static void say_line(const brink_run_observer *obs, uint32_t step, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define say(obs, ...)                                                                              \
  do {                                                                                             \
    if ((obs) && (obs)->event) say_line((obs), __VA_ARGS__);                                       \
  } while (0)
static void say_line(const brink_run_observer *obs, uint32_t step, const char *fmt, ...) {
  if (!obs || !obs->event) return;
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  obs->event(obs->userdata, step, line);
}

/* Zero-mean noise with standard deviation sd from one uniform (uniform on [-sd*sqrt3,
 * sd*sqrt3]): cheap, bounded, and one draw per use. */
__attribute__((always_inline)) static inline double noise(brink__rng_run *rng, double sd) {
  return sd * 1.7320508075688772 * (2.0 * brink__rng_run_uniform32(rng) - 1.0);
}

/* noise()'s draw without its value: the stream moves on exactly as if noise had been drawn. */
__attribute__((always_inline)) static inline void noise_skip(brink__rng_run *rng) {
  (void)brink__rng_run_uniform32(rng);
}

static inline int popcount(uint32_t x) { return __builtin_popcount(x); }

static const char *actor_name(const brink_model *m, uint32_t i) {
  return m->scenario->actors[i].name;
}

static void prepare_decisions(run_state *s, const brink_run_observer *obs);

/* The phases of a step are inlined into each of its versions (step below): without observer,
 * where every trace line and step view compiles away, and the observed one; and the engine's
 * (engine = 1: no observer, and only the state its results can read is kept up to date). */
#define STEP_INLINE static inline __attribute__((always_inline))
static void init_run(const brink_model *m, run_state *s, uint32_t policy, uint64_t seed,
                     uint64_t run, const double *given, int patched);

/* ---- Start of a run ------------------------------------------------------------------------ */

/* A bound on the terms of a utility (ladder_utilities): a product of two is at most 1e200 and
 * a sum of a product and at most 19 terms (cost, campaign drive, kind value, breach costs of
 * 16 commitments) stays far below the largest double, so such a utility is finite. */
#define UTILITY_BOUND 1e100

/* The first step at which an action last used at step `last` is out of its refractory time
 * (refractory > 0): (double)(step - last) < refractory iff step - last < ceil(refractory), the
 * step difference being an integer below 2^32. */
static inline uint64_t ready_step(uint32_t last, double refractory) {
  if (!(refractory < 4294967296.0)) return UINT64_MAX;
  uint64_t k = (uint64_t)refractory;
  if ((double)k < refractory) k++;
  return last + k;
}

/* What the step reads of the run's numbers, derived once (run_state): the gates and sorted
 * readiness floors of the availability test, the refractory actions cooling down, the belief
 * likelihoods, the bound on utilities and a few quotients. Set whenever the numbers change. */
static void set_gates(run_state *s) {
  const brink_model *m = s->model;
  int breach_bounded = 1;
  for (uint32_t c = 0; c < m->n_commitments; c++)
    breach_bounded &= fabs(s->num.commitment[c][BRINK_COMMITMENT_BREACH_COST]) <= UTILITY_BOUND;
  s->utility_bounded = 0;
  s->severity_fade = 1.0 - 1.0 / s->num.model[BRINK_MODEL_SEVERITY_WINDOW];
  for (uint32_t i = 0; i < m->n_actors; i++) {
    int bounded = breach_bounded;
    s->campaign_gated[i] = s->readiness_gated[i] = s->refractory_gated[i] = 0;
    for (uint32_t a = 0; a < m->actors[i].n_actions; a++) {
      const double *num = s->num.action[i][a];
      bounded &= fabs(num[BRINK_ACTION_COST]) <= UTILITY_BOUND &&
                 fabs(num[BRINK_ACTION_INTENSITY]) <= UTILITY_BOUND &&
                 fabs(num[BRINK_ACTION_CAMPAIGN_DRIVE]) <= UTILITY_BOUND;
      s->hostility[i][a] = -num[BRINK_ACTION_GOLDSTEIN] / 10.0;
      s->severity_of[i][a] = num[BRINK_ACTION_INTENSITY] / 10.0;
      if (num[BRINK_ACTION_CAMPAIGN_START] > 0.0) s->campaign_gated[i] |= 1u << a;
      /* Readiness never falls below 0 (phase_stocks) unless it starts there or its cap is
       * negative: then every floor is tested. */
      if (num[BRINK_ACTION_MIN_READINESS] > 0.0 || !(s->readiness[i] >= 0.0) ||
          !(s->num.actor[i][BRINK_ACTOR_READINESS_MAX] >= 0.0))
        s->readiness_gated[i] |= 1u << a;
      if (num[BRINK_ACTION_REFRACTORY] > 0.0) s->refractory_gated[i] |= 1u << a;
    }
    if (bounded) s->utility_bounded |= 1u << i;
    /* Readiness floors, highest first (insertion sort; ties in action order). */
    uint32_t n = 0;
    for (uint32_t g = s->readiness_gated[i]; g; g &= g - 1) {
      uint32_t a = (uint32_t)__builtin_ctz(g);
      double v = s->num.action[i][a][BRINK_ACTION_MIN_READINESS];
      if (isnan(v)) continue;
      uint32_t k = n++;
      for (; k > 0 && s->floor_value[i][k - 1] < v; k--) {
        s->floor_value[i][k] = s->floor_value[i][k - 1];
        s->floor_mask[i][k] = s->floor_mask[i][k - 1];
      }
      s->floor_value[i][k] = v;
      s->floor_mask[i][k] = 1u << a;
    }
    for (uint32_t k = 1; k < n; k++) s->floor_mask[i][k] |= s->floor_mask[i][k - 1];
    s->n_floors[i] = n;
    s->cooling[i] = 0;
    for (uint32_t g = s->refractory_gated[i]; g; g &= g - 1) {
      uint32_t a = (uint32_t)__builtin_ctz(g);
      if (s->last_used[i][a] == BRINK_NEVER) continue;
      s->ready_at[i][a] =
          ready_step(s->last_used[i][a], s->num.action[i][a][BRINK_ACTION_REFRACTORY]);
      s->cooling[i] |= 1u << a;
    }
    /* The likelihoods of update_belief, with the observer's bias. */
    const double *mn = s->num.model;
    double bias = s->num.actor[i][BRINK_ACTOR_BELIEF_BIAS];
    double eg = mn[BRINK_MODEL_LIK_ESCALATE_GREEDY],
           es = mn[BRINK_MODEL_LIK_ESCALATE_SECURITY] * bias;
    double cg = mn[BRINK_MODEL_LIK_CONCILIATE_GREEDY], cs = mn[BRINK_MODEL_LIK_CONCILIATE_SECURITY];
    s->likelihood[i][0][0] = eg;
    s->likelihood[i][0][1] = es;
    s->likelihood[i][1][0] = cg;
    s->likelihood[i][1][1] = cs;
    s->likelihood[i][2][0] = max2(1e-3, 1.0 - eg - cg);
    s->likelihood[i][2][1] = max2(1e-3, 1.0 - es - cs);
  }
}

void brink__model_init(const brink_model *m, run_state *s, uint32_t policy, uint64_t seed,
                       uint64_t run, const double *given) {
  init_run(m, s, policy, seed, run, given, 0);
}

void brink__model_patch(const brink_model *m, run_state *s, const double *params) {
  if (s->model != m) {
    memcpy(&s->num, &m->base, sizeof s->num);
    s->model = m;
  }
  double *slots = (double *)(void *)&s->num;
  for (size_t p = 0; p < m->n_patches; p++) slots[m->patches[p].slot] = params[m->patches[p].param];
}

/* The policy of a run (none past the scenario's policies) and its numbers, resolved from the
 * run's parameters. */
static void set_policy(const brink_model *m, run_state *s, uint32_t policy, const double *params) {
  const brink_scenario *sc = m->scenario;
  s->policy = policy < sc->n_policies ? &sc->policies[policy] : NULL;
  s->compiled = s->policy ? &m->policies[policy] : NULL;
  const brink_policy *pol = s->policy;
  for (int k = 0; k < BRINK_POLICY_KEY_COUNT; k++)
    s->policy_num[k] = !pol                    ? 0.0
                       : pol->num[k].param < 0 ? pol->num[k].constant
                                               : params[pol->num[k].param];
}

static void init_run(const brink_model *m, run_state *s, uint32_t policy, uint64_t seed,
                     uint64_t run, const double *given, int patched) {
  double params[BRINK_MAX_PARAMS];
  int types[NA];
  if (given) memcpy(params, given, m->n_params * sizeof *params);
  brink__model_draw(m, seed, run, params, given != NULL, types);

  s->model = m;
  s->seed = seed;
  s->run = run;
  set_policy(m, s, policy, params);
  s->ended = 0;
  s->step = 0;

  /* The engine patches a thread's numbers once per run (brink__model_patch) and runs every
   * policy on them: no copy of the whole table per run. */
  if (!patched) {
    memcpy(&s->num, &m->base, sizeof s->num);
    double *slots = (double *)(void *)&s->num;
    for (size_t p = 0; p < m->n_patches; p++)
      slots[m->patches[p].slot] = params[m->patches[p].param];
  }

  /* Schedule phases and the development campaigns under way at step 0 come from their own
   * stream: they are the same for every policy of a run and do not shift the dynamics. */
  brink_rng phase_rng;
  brink_rng_init(&phase_rng, seed, run, BRINK_STREAM_PHASE);
  uint32_t n = m->n_actors;
  for (uint32_t i = 0; i < n; i++) {
    s->type[i] = types[i];
    s->forced[i] = FREE_CHOICE;
    s->action[i] = s->prev_action[i] = -1;
    s->conciliation[i] = 0.0;
    for (uint32_t o = 0; o < n; o++)
      s->credibility[o][i] = s->num.actor[i][BRINK_ACTOR_CREDIBILITY];
    s->readiness[i] =
        min2(s->num.actor[i][BRINK_ACTOR_READINESS], s->num.actor[i][BRINK_ACTOR_READINESS_MAX]);
    s->escalation[i] = 0.0;
    s->severity[i] = 0.0;
    s->pressure_nominal[i] = s->num.actor[i][BRINK_ACTOR_SANCTIONS];
    s->pressure_effective[i] = 0.0;
    s->pending_until[i] = s->pending_from[i] = BRINK_NEVER;
    s->pending = 0;
    s->last_major[i] = BRINK_NEVER;
    double phase = brink_rng_uniform(&phase_rng) * 1040.0;
    s->memory[i] = (policy_memory){
        0, 0, 0, 0, s->num.model[BRINK_MODEL_RANDOM_PHASE] > 0.5 ? (uint32_t)phase : 0};
    s->campaign_on[i] = 0;
    for (uint32_t a = 0; a < NACT; a++) {
      s->last_used[i][a] = BRINK_NEVER;
      s->campaign_done[i][a] = 0;
    }
    for (uint32_t c = m->actors[i].campaign_actions; c; c &= c - 1) {
      uint32_t a = (uint32_t)__builtin_ctz(c);
      if (brink_rng_uniform(&phase_rng) < s->num.action[i][a][BRINK_ACTION_CAMPAIGN_ACTIVE])
        s->campaign_on[i] |= 1u << a;
    }
    for (uint32_t j = 0; j < n; j++) {
      /* A crisis under way: adversaries are already perceived as hostile (actor.threat). */
      s->threat[i][j] =
          (m->actors[i].adversaries & (1u << j)) ? s->num.actor[i][BRINK_ACTOR_THREAT] : 0.0;
      /* Common prior: everyone starts from j's prior probability of being greedy. */
      s->belief[i][j] = s->num.actor[j][BRINK_ACTOR_GREED];
      s->relation[i][j] = i == j ? 1.0 : s->num.relation[i][j][BRINK_RELATION_VALUE];
    }
  }
  set_gates(s);
  s->commitments = 0;
  for (uint32_t c = 0; c < m->n_commitments; c++)
    if (s->num.commitment[c][BRINK_COMMITMENT_IN_FORCE] > 0.5) s->commitments |= 1u << c;
  s->track = BRINK_TRACK_NONE;
  s->offer_behavioural_until = s->offer_policy_until = s->mediated_until = BRINK_NEVER;
  s->offer_relief = 0.0;
  s->mediator = -1;
  s->tension_smooth = 0.0;
  brink__rng_run_init(&s->rng, seed, run, BRINK_STREAM_DYNAMICS);

  brink_run_result *out = &s->result;
  memset(out, 0, sizeof *out);
  out->war_step = out->first_clash_step = out->talks_step = BRINK_NEVER;
  out->nuclear_step = out->agreement_step = BRINK_NEVER;
  out->war_actor = BRINK_NEVER;
  for (uint32_t i = 0; i < n && i < NA; i++)
    out->types[i] = (uint8_t)s->type[i]; /* NA: GCC 12 -O3 */
  prepare_decisions(s, NULL);
}

/* ---- Choice on the ladder (docs/model.md section 3) ---------------------------------------- */

static inline int offer_open(uint32_t until, uint32_t step) {
  return until != BRINK_NEVER && until >= step;
}

/* Bitmask of actor i's actions available now (docs/model.md section 3): the static rules
 * (track, commitments in force, campaigns) as masks, then the per-action floors and refractory
 * times of the actions that have one. */
STEP_INLINE uint32_t available_mask(const brink_model *m, const run_state *s, uint32_t i) {
  const actor_info *info = &m->actors[i];
  uint32_t all = info->n_actions >= 32 ? ~0u : (1u << info->n_actions) - 1u;
  uint32_t blocked = info->track_blocked[s->track];
  /* An action that makes a commitment already in force has nothing to add. */
  blocked |= info->commits_blocked[0][s->commitments & 255u] |
             info->commits_blocked[1][s->commitments >> 8 & 255u];
  /* A development test needs its campaign under way. */
  blocked |= s->campaign_gated[i] & ~s->campaign_on[i];
  /* Readiness floors: readiness below a floor rules out its action, and so every action of a
   * higher floor (set_gates sorts them). */
  blocked |= floor_blocked(s, i);
  /* Refractory time: test-site preparation, production of test articles. */
  for (uint32_t g = s->cooling[i] & ~blocked; g; g &= g - 1) {
    uint32_t a = (uint32_t)__builtin_ctz(g);
    if (s->step < s->ready_at[i][a]) blocked |= 1u << a;
  }
  return all & ~blocked;
}

STEP_INLINE outlook look(const brink_model *m, const run_state *s, uint32_t i) {
  outlook v = {0.0, 0.0, 0.0, 0.0, 0.0};
  int n_adv = 0;
  for (uint32_t adv = m->actors[i].adversaries; adv; adv &= adv - 1) {
    uint32_t j = (uint32_t)__builtin_ctz(adv);
    v.threat += s->threat[i][j];
    v.cred += s->credibility[i][j];
    v.response += s->credibility[i][j] * s->num.actor[j][BRINK_ACTOR_RESPONSE_COST];
    v.benign += 1.0 - s->belief[i][j];
    v.fear += max2(0.0, s->threat[i][j]) * s->belief[i][j];
    n_adv++;
  }
  if (n_adv) {
    v.cred /= n_adv;
    v.benign /= n_adv;
  }
  return v;
}

/* The values a behavioural actor's utilities add per kind of action (docs/model.md section 3). */
typedef struct kind_values {
  double military;   /* per rung (intensity / 10) of a military action */
  double conciliate; /* of a restraint */
  double talks;      /* of a diplomatic offer */
} kind_values;

STEP_INLINE kind_values values_of(const brink_model *m, const run_state *s, uint32_t i,
                                  const outlook *view) {
  const double *an = s->num.actor[i];
  const double *w = s->num.type[i][s->type[i]];
  const outlook v = *view;
  kind_values k;
  /* Utility per rung of a military action: spiral (security motive x perceived threat),
   * opportunism (x perceived weakness), minus the expected cost of the adversaries' credible
   * response (deterrence). Rungs are intensity / 10. */
  k.military = w[BRINK_TYPE_SECURITY] * v.threat + w[BRINK_TYPE_OPPORTUNISM] * (1.0 - v.cred) -
               w[BRINK_TYPE_DETERRENCE] * v.response;
  /* Value of conciliation: reciprocity towards adversaries believed benign that conciliated,
   * plus relief from sanction pain, minus the audience cost of backing down (Fearon 1994). */
  k.conciliate = w[BRINK_TYPE_RECIPROCITY] * v.benign * s->conciliation[i] +
                 an[BRINK_ACTOR_SANCTION_SENSITIVITY] * s->pressure_effective[i] -
                 an[BRINK_ACTOR_AUDIENCE_COST] * s->escalation[i];
  /* Diplomacy adds the actor's own view of talks, what the adversaries' open offer brings
   * (valued by reciprocity: a greedy type cares little for relief it could take by force),
   * and a mediating patron's pull. */
  k.talks = k.conciliate + an[BRINK_ACTOR_TALKS_VALUE];
  if (offer_open(s->offer_policy_until, s->step) && (m->behavioural & (1u << i)))
    k.talks += w[BRINK_TYPE_RECIPROCITY] * s->offer_relief;
  if (s->mediator >= 0 && offer_open(s->mediated_until, s->step))
    k.talks += s->num.model[BRINK_MODEL_MEDIATION_PULL] * s->relation[i][s->mediator];
  return k;
}

/* Utilities of the actions in avail (utility[] is set for them only); returns the best action
 * (the first of the highest utility above -infinity) or -1. */
static int ladder_utilities(const brink_model *m, const run_state *s, uint32_t i,
                            const kind_values *k, uint32_t avail, double *utility) {
  const actor_info *info = &m->actors[i];
  const double military = k->military, conciliate = k->conciliate, talks = k->talks;
  double best = -HUGE_VAL;
  int best_a = -1;
  for (; avail; avail &= avail - 1) {
    uint32_t a = (uint32_t)__builtin_ctz(avail);
    const action_info *ai = &info->actions[a];
    const double *num = s->num.action[i][a];
    double u = -num[BRINK_ACTION_COST];
    if (ai->kind == BRINK_ACTION_MILITARY) {
      u += military * num[BRINK_ACTION_INTENSITY] / 10.0;
      if (num[BRINK_ACTION_CAMPAIGN_START] > 0.0) u += num[BRINK_ACTION_CAMPAIGN_DRIVE];
    }
    if (ai->kind == BRINK_ACTION_RESTRAINT) u += conciliate;
    if (ai->kind == BRINK_ACTION_DIPLOMACY) u += talks;
    uint32_t breached = ai->breaches & s->commitments;
    for (uint32_t c = 0; breached; c++, breached >>= 1)
      if (breached & 1u) u -= s->num.commitment[c][BRINK_COMMITMENT_BREACH_COST];
    utility[a] = u;
    if (u > best) {
      best = u;
      best_a = (int)a;
    }
  }
  return best_a;
}

/* Utilities of actor i's available actions (*ok: their bitmask; utility[] is set for them
 * only); returns the best action or -1. */
static int utilities(const brink_model *m, const run_state *s, uint32_t i, const outlook *view,
                     double *utility, uint32_t *ok) {
  kind_values k = values_of(m, s, i, view);
  *ok = available_mask(m, s, i);
  return ladder_utilities(m, s, i, &k, *ok, utility);
}

/* Quantal response (logit) weights over the available actions; returns their total. */
static double logit_weights(const run_state *s, uint32_t i, double *utility, uint32_t ok,
                            int best_a) {
  double lambda = s->num.actor[i][BRINK_ACTOR_RATIONALITY];
  double best = utility[best_a], total = 0.0;
  if (lambda >= 1e6) {
    for (; ok; ok &= ok - 1) {
      uint32_t a = (uint32_t)__builtin_ctz(ok);
      utility[a] = utility[a] == best ? 1.0 : 0.0;
      total += utility[a];
    }
    return total;
  }
  for (; ok; ok &= ok - 1) {
    uint32_t a = (uint32_t)__builtin_ctz(ok);
    utility[a] = brink__exp_neg(lambda * (utility[a] - best));
    total += utility[a];
  }
  return total;
}

/* The actor's hold action (the ladder's first of kind hold, found when the model is built) if it
 * is available now, else -1: what it does in a step it does not weigh its options (activity < 1,
 * docs/model.md section 3). */
static int hold_if_available(const brink_model *m, uint32_t i, uint32_t ok) {
  int hold = m->actors[i].hold_action;
  return hold >= 0 && (ok >> hold & 1u) ? hold : -1;
}

/* The actor's share of steps in which it weighs its options: activity, or campaign_activity when
 * that is higher and one of its development campaigns is under way (docs/model.md, 3b). */
static inline double activity_of(const run_state *s, uint32_t i) {
  double activity = s->num.actor[i][BRINK_ACTOR_ACTIVITY];
  double campaign = s->num.actor[i][BRINK_ACTOR_CAMPAIGN_ACTIVITY];
  return s->campaign_on[i] && campaign > activity ? campaign : activity;
}

/* Samples the action from the logit weights w[a * stride] of the available actions ok (total:
 * their sum): one array per run (stride 1), or one column of the lanes' weights
 * (brink__lanes.weight, stride BRINK__LANES). */
static inline int sample_drawn(double draw, const double *w, size_t stride, uint32_t ok, int best_a,
                               double total) {
  double u = draw * total;
  int last = best_a;
  for (; ok; ok &= ok - 1) {
    uint32_t a = (uint32_t)__builtin_ctz(ok);
    last = (int)a;
    u -= w[a * stride];
    if (u < 0.0) return (int)a;
  }
  return last;
}

static inline int sample_choice(run_state *s, const double *w, size_t stride, uint32_t ok,
                                int best_a, double total) {
  return sample_drawn(brink__rng_run_uniform32(&s->rng), w, stride, ok, best_a, total);
}

/* Whether every utility of actor i's available actions ok is finite: the run's ladder numbers
 * (set_gates) and the step's kind values all at most UTILITY_BOUND in magnitude. Then the
 * activity draw may come before the utilities. */
static inline int utilities_finite(const run_state *s, uint32_t i, const kind_values *k,
                                   uint32_t ok) {
  return ok && (s->utility_bounded & (1u << i)) && fabs(k->military) <= UTILITY_BOUND &&
         fabs(k->conciliate) <= UTILITY_BOUND && fabs(k->talks) <= UTILITY_BOUND;
}

/* The activity draw (docs/model.md section 3): the hold when the actor does not weigh its
 * options this step, else -1 (it weighs them, or its hold is not available). No draw at
 * activity 1, so such runs keep their streams. */
static inline int activity_hold(const brink_model *m, run_state *s, uint32_t i, uint32_t ok) {
  double activity = activity_of(s, i);
  if (activity < 1.0 && brink__rng_run_uniform32(&s->rng) >= activity)
    return hold_if_available(m, i, ok);
  return -1;
}

/* Utilities of actor i's available actions ok and, below full rationality, their logit weights
 * in their place with *total their sum; returns the best action, or -1. With wide (not NULL: the
 * run's ladder numbers, given only where the CPU has AVX2, brink__lanes_select) across the
 * actions in AVX2 registers (brink__ladder_wide_avx2, or eight at a time
 * brink__ladder_wide_avx512 where wide->avx512: the same results, for utilities_finite actors
 * only), else by the scalar functions. The kernels are functions of their own, compiled for their
 * instruction sets, so callers compiled for the base set may pass wide too
 * (brink_model_state_choice_probs). */
STEP_INLINE int ladder_weights(const brink_model *m, const run_state *s, uint32_t i,
                               const kind_values *k, uint32_t ok, const brink__ladder *wide,
                               double *utility, double *total) {
  const double lambda = s->num.actor[i][BRINK_ACTOR_RATIONALITY];
  *total = 0.0;
#ifdef BRINK__LANES_HAVE_AVX2
#ifdef BRINK__LANES_HAVE_AVX512
  if (wide && wide->avx512)
    return brink__ladder_wide_avx512(wide, &m->actors[i], s, i, k->military, k->conciliate,
                                     k->talks, ok, lambda, utility, total);
#endif
  if (wide)
    return brink__ladder_wide_avx2(wide, &m->actors[i], s, i, k->military, k->conciliate, k->talks,
                                   ok, lambda, utility, total);
#else
  (void)wide;
#endif
  int best_a = ladder_utilities(m, s, i, k, ok, utility);
  if (best_a >= 0 && !(lambda >= 1e6)) *total = logit_weights(s, i, utility, ok, best_a);
  return best_a;
}

#ifdef BRINK__LANES_HAVE_AVX2
/* The ladder choice below full rationality from the draw by the kernel of wide (not NULL), without
 * the exact chain (brink__ladder_choose_avx2, model_lanes.h): the action, or -2 when the chain
 * must decide. utilities_finite actors only. */
static inline int ladder_choose(const brink_model *m, const run_state *s, uint32_t i,
                                const kind_values *k, uint32_t ok, const brink__ladder *wide,
                                double draw) {
  const double lambda = s->num.actor[i][BRINK_ACTOR_RATIONALITY];
#ifdef BRINK__LANES_HAVE_AVX512
  if (wide->avx512)
    return brink__ladder_choose_avx512(wide, &m->actors[i], s, i, k->military, k->conciliate,
                                       k->talks, ok, lambda, draw);
#endif
  return brink__ladder_choose_avx2(wide, &m->actors[i], s, i, k->military, k->conciliate, k->talks,
                                   ok, lambda, draw);
}
#endif

/* wide: as ladder_weights. */
STEP_INLINE int choose_behavioural_with(const brink_model *m, run_state *s, uint32_t i,
                                        const brink__ladder *wide) {
  double utility[NACT];
  kind_values k = values_of(m, s, i, &s->view[i]);
  uint32_t ok = available_mask(m, s, i);
  int best_a = -1;
  /* Activity: with probability 1 - activity the actor does not weigh its options this step.
   * There is no draw when no action has a utility above -infinity (then the actor does
   * nothing). When every utility is finite (utilities_finite), some available action has one:
   * the draw can come first, and a step the actor holds needs no utilities (the same draws and
   * choices as computing them first). */
  int finite = utilities_finite(s, i, &k, ok);
  if (!finite && (best_a = ladder_utilities(m, s, i, &k, ok, utility)) < 0) return -1;
  int hold = activity_hold(m, s, i, ok);
  if (hold >= 0) return hold;
  const int rational = s->num.actor[i][BRINK_ACTOR_RATIONALITY] >= 1e6;
  double total = 0.0;
  /* The sampler's draw, taken before the weights (which draw nothing): the same place in the
   * stream. */
  const double draw = rational ? 0.0 : brink__rng_run_uniform32(&s->rng);
#ifdef BRINK__LANES_HAVE_AVX2
  /* The same choice from the same draw without the exact chain, where the kernel can tell
   * (brink__ladder_choose_avx2); else the exact weights and chain below. */
  if (finite && !rational && wide) {
    const int a = ladder_choose(m, s, i, &k, ok, wide, draw);
    if (a >= 0) return a;
  }
#endif
  if (finite)
    best_a = ladder_weights(m, s, i, &k, ok, wide, utility, &total);
  else if (!rational)
    total = logit_weights(s, i, utility, ok, best_a);
  return rational ? best_a : sample_drawn(draw, utility, 1, ok, best_a, total);
}

static int choose_behavioural(const brink_model *m, run_state *s, uint32_t i) {
  return choose_behavioural_with(m, s, i, NULL);
}

/* ---- Beliefs, votes, pressure ---------------------------------------------------------------- */

/* Bayesian update of observer o's belief that actor j is greedy after j's action (Kydd 2005;
 * Jervis 1976; Kydd 2005). The observer under-attributes escalation to fear by belief_bias. */
STEP_INLINE void update_belief(run_state *s, uint32_t o, uint32_t j, int kind, double intensity) {
  /* The likelihoods under each type, from the run's numbers (set_gates). */
  int cls = kind == BRINK_ACTION_MILITARY && intensity > 0.0                   ? 0
            : kind == BRINK_ACTION_RESTRAINT || kind == BRINK_ACTION_DIPLOMACY ? 1
                                                                               : 2;
  double lg = s->likelihood[o][cls][0], ls = s->likelihood[o][cls][1];
  double mu = s->belief[o][j];
  mu = mu * lg / (mu * lg + (1.0 - mu) * ls);
  s->belief[o][j] = min2(1.0 - 1e-6, max2(1e-6, mu));
}

/* The UN Security Council vote on a resolution proposed by i against target k. */
static int unsc_vote(const brink_model *m, run_state *s, uint32_t i, uint32_t k,
                     const brink_run_observer *obs) {
  const double *mn = s->num.model;
  uint32_t excluded = (1u << i) | (1u << k) | m->actors[i].allies;
  for (uint32_t v = 0; v < m->n_actors; v++) {
    /* permanent_member may be an uncertain parameter: read this run's value. */
    if ((excluded & (1u << v)) || s->num.actor[v][BRINK_ACTOR_PERMANENT_MEMBER] <= 0.5) continue;
    double logit = mn[BRINK_MODEL_VETO_BASE] - mn[BRINK_MODEL_VETO_RELATIONS] * s->relation[v][i] -
                   mn[BRINK_MODEL_VETO_SEVERITY] * s->severity[k] +
                   mn[BRINK_MODEL_VETO_CLIENT] * s->relation[v][k];
    if (brink__rng_run_uniform32(&s->rng) < logistic(logit)) {
      say(obs, s->step, "%s vetoes the UN Security Council resolution against %s", actor_name(m, v),
          actor_name(m, k));
      return 0;
    }
  }
  return 1;
}

/* Effective pressure on k: nominal x (1 - leakage), leakage falling with third parties'
 * enforcement (Arms Control Today 2016). */
STEP_INLINE double effective_pressure(const brink_model *m, const run_state *s, uint32_t k) {
  const double *mn = s->num.model;
  double nominal = s->pressure_nominal[k];
  if (nominal <= 0.0) return 0.0;
  double enforcement = 0.0;
  int n = 0;
  const uint32_t sanctioners = m->actors[k].adversaries;
  const int na = popcount(sanctioners);
  for (uint32_t tp = m->third_parties & ~(1u << k); tp; tp &= tp - 1) {
    uint32_t v = (uint32_t)__builtin_ctz(tp);
    double with_sanctioners = 0.0;
    for (uint32_t adv = sanctioners; adv; adv &= adv - 1)
      with_sanctioners += s->relation[v][__builtin_ctz(adv)];
    if (na) with_sanctioners /= na;
    enforcement += logistic(mn[BRINK_MODEL_ENFORCE_BASE] +
                            mn[BRINK_MODEL_ENFORCE_RELATIONS] * with_sanctioners -
                            mn[BRINK_MODEL_ENFORCE_CLIENT] * s->relation[v][k] +
                            mn[BRINK_MODEL_ENFORCE_SEVERITY] * s->severity[k]);
    n++;
  }
  double e = n ? enforcement / n : 1.0;
  return nominal * (1.0 - mn[BRINK_MODEL_LEAKAGE_MAX] * (1.0 - e));
}

/* ---- The phases of one step ------------------------------------------------------------------ */

/* What the acts of a step left for the later phases. */
typedef struct step_acts {
  int major_provocation, breach;
  uint32_t military; /* actors whose act of this step is military */
  double proximity, proximity_max;
  uint32_t proximity_actor;
  brink_tension_acc tension;
} step_acts;

/* 1. Memory fades; relations drift (a bounded random walk). An observer's perceived threat and
 * its memories of conciliation and escalation are read only by its own outlook and kind values
 * (look, values_of), which only behavioural actors weigh in the engine's step (engine): that
 * step fades theirs only. */
STEP_INLINE void phase_fade(run_state *s, int engine) {
  const brink_model *m = s->model;
  const uint32_t all = (1u << m->n_actors) - 1u; /* n_actors <= BRINK_MAX_ACTORS < 32 */
  for (uint32_t fm = engine ? m->behavioural : all; fm; fm &= fm - 1) {
    uint32_t o = (uint32_t)__builtin_ctz(fm);
    double keep = s->num.actor[o][BRINK_ACTOR_THREAT_MEMORY];
    /* Only adversaries are perceived, so only their entries can be non-zero. */
    for (uint32_t adv = m->actors[o].adversaries; adv; adv &= adv - 1)
      s->threat[o][__builtin_ctz(adv)] *= keep;
    s->conciliation[o] *= keep;
    s->escalation[o] *= keep;
  }
  const double noise_scale = s->num.model[BRINK_MODEL_NOISE];
  for (uint32_t d = 0; d < m->n_dynamic_relations; d++) {
    uint32_t a = m->dynamic_relations[d][0], b = m->dynamic_relations[d][1];
    const double *rn = s->num.relation[a][b];
    double r = s->relation[a][b] + rn[BRINK_RELATION_DRIFT];
    if (rn[BRINK_RELATION_NOISE] > 0.0) r += noise(&s->rng, rn[BRINK_RELATION_NOISE] * noise_scale);
    r = min2(1.0, max2(-1.0, r));
    s->relation[a][b] = s->relation[b][a] = r;
  }
}

/* 2. Development campaigns (section 3b): a dormant campaign of a system starts with its
 * per-step chance; it ends when it has had its tests. */
STEP_INLINE void phase_campaigns(run_state *s, const brink_run_observer *obs) {
  const brink_model *m = s->model;
  for (uint32_t cm = m->campaigners; cm; cm &= cm - 1) {
    uint32_t i = (uint32_t)__builtin_ctz(cm);
    for (uint32_t c = m->actors[i].campaign_actions & ~s->campaign_on[i]; c; c &= c - 1) {
      uint32_t a = (uint32_t)__builtin_ctz(c);
      double start = s->num.action[i][a][BRINK_ACTION_CAMPAIGN_START] *
                     s->num.actor[i][BRINK_ACTOR_CAMPAIGN_SCALE];
      if (start > 0.0 && brink__rng_run_uniform32(&s->rng) < start) {
        s->campaign_on[i] |= 1u << a;
        s->campaign_done[i][a] = 0;
        say(obs, s->step, "%s starts a development campaign (%s)", actor_name(m, i),
            m->scenario->actors[i].ladder[a].name);
      }
    }
  }
}

/* The act of an actor that does not weigh its options by the ladder choice: a policy actor's
 * (its policy's verb, or its hold when the policy does not drive it); -1 for any other driver. */
static inline int unweighed_choice(const brink_model *m, run_state *s, uint32_t i) {
  if (m->actors[i].driver != BRINK_DRIVER_POLICY) return -1;
  return s->policy && (s->policy->actors & (1u << i))
             ? brink__policy_decide(m, s->policy, s->compiled, s, i)
             : m->actors[i].hold_action;
}

/* 3. Everyone decides at once, from the state left by the previous step. */
STEP_INLINE void phase_decide(run_state *s, const brink__ladder *wide) {
  const brink_model *m = s->model;
  /* Behavioural actors read their adversaries once, from the state they act on: the ladder
   * choice and the war decisions of phase_conflict use the same view. */
  for (uint32_t bm = m->behavioural; bm; bm &= bm - 1) {
    uint32_t i = (uint32_t)__builtin_ctz(bm);
    s->view[i] = look(m, s, i);
  }
  for (uint32_t i = 0; i < m->n_actors; i++) {
    if (s->forced[i] != FREE_CHOICE) {
      s->action[i] = s->forced[i];
      s->forced[i] = FREE_CHOICE;
      continue;
    }
    s->action[i] = m->actors[i].driver == BRINK_DRIVER_BEHAVIOURAL
                       ? choose_behavioural_with(m, s, i, wide)
                       : unweighed_choice(m, s, i);
  }
}

/* 4. Effects of the acts: perception, beliefs, credibility, commitments, sanctions, votes,
 * mediation, offers. */
STEP_INLINE void phase_act(run_state *s, step_acts *acts, const brink_run_observer *obs,
                           int engine) {
  const brink_model *m = s->model;
  const brink_scenario *sc = m->scenario;
  const double *mn = s->num.model;
  const uint32_t n = m->n_actors, t = s->step;
  /* Observers whose perceived threat and credibility the step keeps: in the engine's step, only
   * the behavioural actors read theirs (look); the noise is drawn for every observer all the
   * same, so the streams stay in step. */
  const uint32_t keeps = engine ? m->behavioural : (1u << n) - 1u;
  /* Observers whose beliefs the step keeps: in the engine's step, those a decision reads
   * (m->belief_read); an update draws nothing, so skipping one leaves the streams as they are. */
  const uint32_t believes = engine ? m->belief_read : (1u << n) - 1u;
  const double noise_scale = mn[BRINK_MODEL_NOISE];
  brink_run_result *out = &s->result;
  /* In the engine's step third parties never act (nothing forces an act there), so only the
   * others are visited; the state API may force any actor's act. */
  const uint32_t acting = engine ? m->behavioural | m->policy_driven : (1u << n) - 1u;
  for (uint32_t am = acting; am; am &= am - 1) {
    uint32_t i = (uint32_t)__builtin_ctz(am);
    int a = s->action[i];
    if (a < 0) continue;
    const action_info *ai = &m->actors[i].actions[a];
    const double *num = s->num.action[i][a];
    const brink_action *act = &sc->actors[i].ladder[a];
    double intensity = num[BRINK_ACTION_INTENSITY];
    double goldstein = num[BRINK_ACTION_GOLDSTEIN];
    if (out->action_counts[i][a] < UINT16_MAX) out->action_counts[i][a]++;
    s->last_used[i][a] = t;
    if (s->refractory_gated[i] & (1u << a)) {
      s->ready_at[i][a] = ready_step(t, num[BRINK_ACTION_REFRACTORY]);
      s->cooling[i] |= 1u << a;
    }
    if (s->campaign_on[i] & (1u << a)) {
      if (++s->campaign_done[i][a] >= num[BRINK_ACTION_CAMPAIGN_TESTS]) {
        s->campaign_on[i] &= ~(1u << a);
        say(obs, t, "%s completes its %s campaign", sc->actors[i].name, act->name);
      }
    }
    if (ai->kind != BRINK_ACTION_HOLD) {
      brink_tension_add(&acts->tension, goldstein, ai->quadclass);
      say(obs, t, "%s %s [CAMEO %s, Goldstein %+.1f]", sc->actors[i].name, act->label, act->cameo,
          goldstein);
    }
    /* Threat perception (Jervis): adversaries perceive the act, hostile acts magnified by
     * (1 + bias), cooperative ones discounted by (1 - bias), with noise. */
    double hostility = s->hostility[i][a]; /* -goldstein / 10 */
    for (uint32_t obs_mask = m->actors[i].observers; obs_mask; obs_mask &= obs_mask - 1) {
      uint32_t o = (uint32_t)__builtin_ctz(obs_mask);
      if (ai->kind != BRINK_ACTION_HOLD) {
        double sd = s->num.actor[o][BRINK_ACTOR_THREAT_NOISE] * noise_scale;
        if (keeps & (1u << o)) {
          double bias = s->num.actor[o][BRINK_ACTOR_THREAT_BIAS];
          double perceived = hostility * (hostility > 0.0 ? 1.0 + bias : 1.0 - bias);
          if (sd > 0.0) perceived *= max2(0.0, 1.0 + noise(&s->rng, sd));
          s->threat[o][i] += perceived;
        } else if (sd > 0.0) {
          noise_skip(&s->rng);
        }
      }
      if (ai->kind == BRINK_ACTION_RESTRAINT || ai->kind == BRINK_ACTION_DIPLOMACY)
        s->conciliation[o] = 1.0;
      if (believes & (1u << o)) update_belief(s, o, i, ai->kind, intensity);
    }
    if (ai->kind == BRINK_ACTION_MILITARY) {
      acts->military |= 1u << i;
      if (intensity > s->escalation[i]) s->escalation[i] = intensity;
      double sev = s->severity_of[i][a]; /* intensity / 10 */
      if (sev > s->severity[i]) s->severity[i] = sev;
      /* Proximity: what the act is (BRINK_PROXIMITY_LEVELS), the same rule for every actor. */
      double px = num[BRINK_ACTION_PROXIMITY];
      acts->proximity += px;
      if (px > acts->proximity_max) {
        acts->proximity_max = px;
        acts->proximity_actor = i;
      }
      if (m->behavioural & (1u << i)) {
        out->provocations++;
        if (intensity >= mn[BRINK_MODEL_MAJOR_INTENSITY]) acts->major_provocation = 1;
        /* Each adversary's resolve is now on test (credibility, section 3). */
        uint32_t tested = intensity >= mn[BRINK_MODEL_TEST_INTENSITY]
                              ? m->actors[i].adversaries & ~m->third_parties
                              : 0u;
        for (; tested; tested &= tested - 1) {
          uint32_t j = (uint32_t)__builtin_ctz(tested);
          if (s->pending_until[j] == BRINK_NEVER) {
            s->pending_until[j] = t + (uint32_t)mn[BRINK_MODEL_RESPONSE_WINDOW];
            s->pending_from[j] = t;
            s->pending |= 1u << j;
          }
          if (intensity >= mn[BRINK_MODEL_MAJOR_INTENSITY]) s->last_major[j] = t;
        }
      }
    }
    /* Deterrence model (Jervis 1976): a greedy adversary reads conciliation as weakness, so
     * each conciliatory act lowers the actor's credibility in the eyes of its greedy
     * adversaries (security seekers do not read it so). */
    if (ai->kind == BRINK_ACTION_RESTRAINT || ai->kind == BRINK_ACTION_DIPLOMACY)
      for (uint32_t om = m->actors[i].observers & keeps; om; om &= om - 1) {
        uint32_t o = (uint32_t)__builtin_ctz(om);
        if (s->type[o])
          s->credibility[o][i] -= mn[BRINK_MODEL_CONCILIATION_WEAKNESS] * s->credibility[o][i];
      }
    /* An answer to a pending provocation restores credibility. Decisions are simultaneous:
     * an act of the step that opened the test cannot answer it, whatever the file order. */
    if (s->pending_until[i] != BRINK_NEVER && s->pending_until[i] >= t && s->pending_from[i] < t &&
        ((ai->kind == BRINK_ACTION_MILITARY && intensity > 0.0) ||
         ai->kind == BRINK_ACTION_SANCTION || ai->kind == BRINK_ACTION_UNSC) &&
        !(m->behavioural & (1u << i))) {
      for (uint32_t om = keeps; om; om &= om - 1) {
        uint32_t o = (uint32_t)__builtin_ctz(om);
        s->credibility[o][i] += mn[BRINK_MODEL_CREDIBILITY_LEARNING] * (1.0 - s->credibility[o][i]);
      }
      s->pending_until[i] = BRINK_NEVER;
      s->pending &= ~(1u << i);
    }
    uint32_t breached = ai->breaches & s->commitments;
    if (breached) {
      for (uint32_t c = 0; c < m->n_commitments; c++)
        if (breached & (1u << c))
          say(obs, t, "%s breaches the commitment '%s'", sc->actors[i].name,
              sc->commitments[c].name);
      s->commitments &= ~breached;
      out->breaches += (uint32_t)popcount(breached);
      acts->breach = 1;
    }
    if (ai->commits >= 0 && !(s->commitments & (1u << ai->commits))) {
      s->commitments |= 1u << ai->commits;
      say(obs, t, "commitment '%s' is now in force", sc->commitments[ai->commits].name);
    }
    switch (ai->kind) {
    case BRINK_ACTION_SANCTION:
      for (uint32_t k = 0; k < n; k++)
        if (ai->targets & (1u << k)) s->pressure_nominal[k] += num[BRINK_ACTION_PRESSURE];
      break;
    case BRINK_ACTION_UNSC:
      for (uint32_t k = 0; k < n; k++) {
        if (!(ai->targets & (1u << k))) continue;
        out->unsc_proposed++;
        if (unsc_vote(m, s, i, k, obs)) {
          out->unsc_adopted++;
          s->pressure_nominal[k] += num[BRINK_ACTION_PRESSURE];
          say(obs, t, "the UN Security Council adopts sanctions against %s", sc->actors[k].name);
        }
      }
      break;
    case BRINK_ACTION_MEDIATION:
      for (uint32_t v = 0; v < n; v++) {
        if (!(m->third_parties & (1u << v))) continue;
        double rel_target = 0.0;
        int nt = 0;
        for (uint32_t k = 0; k < n; k++)
          if (ai->targets & (1u << k)) {
            rel_target += s->relation[v][k];
            nt++;
          }
        if (nt) rel_target /= nt;
        double p = logistic(mn[BRINK_MODEL_MEDIATE_BASE] +
                            mn[BRINK_MODEL_MEDIATE_RELATIONS] * s->relation[v][i] +
                            mn[BRINK_MODEL_MEDIATE_CLIENT] * rel_target);
        if (brink__rng_run_uniform32(&s->rng) < p) {
          s->mediated_until = t + (uint32_t)mn[BRINK_MODEL_MEDIATION_DURATION];
          s->mediator = (int)v;
          say(obs, t, "%s agrees to mediate", sc->actors[v].name);
        }
      }
      break;
    case BRINK_ACTION_DIPLOMACY:
      if (ai->sets_track > s->track) {
        uint32_t until = t + (uint32_t)mn[BRINK_MODEL_OFFER_WINDOW];
        if (m->behavioural & (1u << i)) {
          s->offer_behavioural_until = until;
        } else {
          s->offer_policy_until = until;
          s->offer_relief = num[BRINK_ACTION_RELIEF];
        }
      }
      break;
    default:
      break;
    }
  }
  /* Unanswered tests of resolve lower credibility. */
  for (uint32_t p = s->pending; p; p &= p - 1) {
    uint32_t j = (uint32_t)__builtin_ctz(p);
    if (s->pending_until[j] <= t) {
      for (uint32_t om = keeps; om; om &= om - 1) {
        uint32_t o = (uint32_t)__builtin_ctz(om);
        s->credibility[o][j] -= mn[BRINK_MODEL_CREDIBILITY_LEARNING] * s->credibility[o][j];
      }
      s->pending_until[j] = BRINK_NEVER;
      s->pending &= ~(1u << j);
    }
  }
}

/* Nuclear use once armed conflict has begun (section 9d): each nuclear-armed party that was
 * attacked, or that struck first out of fear, uses nuclear weapons with its doctrine's chance
 * (the DPRK's 2022 law: if its leadership or command is attacked, or an attack is imminent). */
static void nuclear_decision(run_state *s, uint32_t starter, int cause,
                             const brink_run_observer *obs) {
  const brink_model *m = s->model;
  for (uint32_t v = 0; v < m->n_actors; v++) {
    double p = s->num.actor[v][BRINK_ACTOR_NUCLEAR_USE];
    if (p <= 0.0) continue;
    int attacked = (m->actors[starter].adversaries & (1u << v)) ||
                   (cause == BRINK_WAR_INCIDENT && (m->actors[v].adversaries & (1u << starter)));
    int first = v == starter && cause == BRINK_WAR_PREEMPTION;
    if (!attacked && !first) continue;
    if (brink__rng_run_uniform32(&s->rng) < p) {
      s->result.nuclear_step = s->step;
      say(obs, s->step, "%s uses nuclear weapons", actor_name(m, v));
      return;
    }
  }
}

static void begin_war(run_state *s, uint32_t actor, int cause, const brink_run_observer *obs) {
  s->result.war_step = s->step;
  s->result.war_actor = actor;
  s->result.war_cause = (uint32_t)cause;
  nuclear_decision(s, actor, cause, obs);
}

/* 5. Armed conflict (section 9): by accident (incident -> clash -> war), by a deliberate
 * attack where weakness invites it, or by pre-emption out of fear. Each cause is counted once:
 * proximity makes incidents, alert (readiness) decides whether they become clashes, and the
 * decisions read beliefs and perceived threat. Returns 1 when war began. */
STEP_INLINE int phase_conflict(run_state *s, step_acts *acts, int *incident, int *clash,
                               const brink_run_observer *obs) {
  const brink_model *m = s->model;
  const double *mn = s->num.model;
  const uint32_t n = m->n_actors, t = s->step;
  brink_run_result *out = &s->result;
  int open_channel = s->track >= BRINK_TRACK_CONTACT;
  double cut = 1.0 - mn[BRINK_MODEL_CHANNEL_REDUCTION] * open_channel;
  *incident = *clash = 0;
  if (acts->proximity > 0.0 && mn[BRINK_MODEL_INCIDENT_BASE] > 0.0) {
    /* The draw comes first. The chance 1 - e^-x is below x, and the computed chance below
     * x + BRINK__EXP_NEG_SLACK: a draw at or above that makes no incident whatever the
     * exponential, and most steps need none (the same outcome). */
    const double x = mn[BRINK_MODEL_INCIDENT_BASE] * acts->proximity;
    const double u = brink__rng_run_uniform32(&s->rng);
    if (u < x + BRINK__EXP_NEG_SLACK && u < 1.0 - brink__exp_neg(-x)) {
      *incident = 1;
      out->incidents++;
      say(obs, t, "military incident near %s forces", actor_name(m, acts->proximity_actor));
      double alert = 0.0;
      uint32_t armed = 0;
      for (uint32_t i = 0; i < n; i++)
        if (!(m->third_parties & (1u << i))) {
          alert += s->readiness[i] / s->num.actor[i][BRINK_ACTOR_READINESS_MAX];
          armed++;
        }
      alert /= armed ? armed : 1;
      double p_clash =
          mn[BRINK_MODEL_CLASH_PROB] * (1.0 + mn[BRINK_MODEL_CLASH_ALERT] * (alert - 0.5)) * cut;
      if (brink__rng_run_uniform32(&s->rng) < p_clash) {
        *clash = 1;
        out->clashes++;
        if (out->first_clash_step == BRINK_NEVER) out->first_clash_step = t;
        brink_tension_add(&acts->tension, m->clash_goldstein, m->clash_quadclass);
        say(obs, t, "the incident becomes an armed clash");
        if (brink__rng_run_uniform32(&s->rng) < mn[BRINK_MODEL_WAR_PROB] * cut) {
          say(obs, t, "the clash escalates into armed conflict");
          begin_war(s, acts->proximity_actor, BRINK_WAR_INCIDENT, obs);
          return 1;
        }
      }
    }
  }
  /* Deliberate decisions of the behavioural actors, from the state they acted on. */
  for (uint32_t bm = m->behavioural; bm; bm &= bm - 1) {
    uint32_t i = (uint32_t)__builtin_ctz(bm);
    if (!m->actors[i].adversaries) continue;
    /* The draw comes first (computing the chances draws nothing). The chances are at most the
     * hazards (a logistic is at most 1 and rounding is monotone), so when the draw is above
     * (attack hazard + pre-emption hazard) x cut neither can begin a war and their logistics
     * are not computed: the same outcome, most steps without two exponentials. */
    double u = brink__rng_run_uniform32(&s->rng);
    const double h_attack = mn[BRINK_MODEL_ATTACK_HAZARD],
                 h_preempt = mn[BRINK_MODEL_PREEMPT_HAZARD];
    if (h_attack >= 0.0 && h_preempt >= 0.0 && cut >= 0.0 && !(u < (h_attack + h_preempt) * cut))
      continue;
    const double *w = s->num.type[i][s->type[i]];
    const outlook v = s->view[i];
    /* Deterrence model: an attack's gain is the opportunity in the adversaries' low resolve
     * less the expected cost of their answer (the same terms as the ladder's military value). */
    double gain =
        w[BRINK_TYPE_OPPORTUNISM] * (1.0 - v.cred) - w[BRINK_TYPE_DETERRENCE] * v.response;
    double p_attack = h_attack * logistic(mn[BRINK_MODEL_ATTACK_SLOPE] *
                                          (gain - mn[BRINK_MODEL_ATTACK_THRESHOLD]));
    /* Spiral model: fear is the security motive times the hostility perceived from
     * adversaries believed greedy (Jervis 1976; Schelling's reciprocal fear of surprise
     * attack). */
    double fear = w[BRINK_TYPE_SECURITY] * v.fear;
    double p_preempt = h_preempt * logistic(mn[BRINK_MODEL_PREEMPT_SLOPE] *
                                            (fear - mn[BRINK_MODEL_PREEMPT_THRESHOLD]));
    if (u < p_attack * cut) {
      say(obs, t, "%s attacks, judging its adversaries' resolve weak", actor_name(m, i));
      begin_war(s, i, BRINK_WAR_ATTACK, obs);
      return 1;
    }
    if (u < (p_attack + p_preempt) * cut) {
      say(obs, t, "%s strikes first, fearing an attack", actor_name(m, i));
      begin_war(s, i, BRINK_WAR_PREEMPTION, obs);
      return 1;
    }
  }
  return 0;
}

/* 6. Diplomacy track: moves up when both sides' offers for the next level are open (each side
 * chose to offer or accept), falls back after a major provocation, breach or incident. */
STEP_INLINE void phase_track(run_state *s, const step_acts *acts, int incident,
                             const brink_run_observer *obs) {
  const brink_model *m = s->model;
  const double *mn = s->num.model;
  const uint32_t t = s->step;
  brink_run_result *out = &s->result;
  if ((acts->major_provocation || acts->breach || incident) && s->track > BRINK_TRACK_NONE) {
    if (brink__rng_run_uniform32(&s->rng) < mn[BRINK_MODEL_TRACK_COLLAPSE]) {
      s->track--;
      s->offer_behavioural_until = s->offer_policy_until = BRINK_NEVER;
      say(obs, t, "the diplomacy track falls back to %s", brink_track_name(s->track));
    }
  } else if (s->track < BRINK_TRACK_AGREEMENT && offer_open(s->offer_behavioural_until, t) &&
             offer_open(s->offer_policy_until, t)) {
    double p = mn[BRINK_MODEL_TRACK_ADVANCE];
    if (offer_open(s->mediated_until, t)) p *= 1.0 + mn[BRINK_MODEL_MEDIATION_BOOST];
    if (p >= 1.0 || brink__rng_run_uniform32(&s->rng) < p) {
      s->track++;
      s->offer_behavioural_until = s->offer_policy_until = BRINK_NEVER;
      say(obs, t, "the diplomacy track moves up to %s", brink_track_name(s->track));
      if (s->track == BRINK_TRACK_AGREEMENT) {
        if (out->agreement_step == BRINK_NEVER) out->agreement_step = t;
        for (uint32_t k = 0; k < m->n_actors; k++)
          s->pressure_nominal[k] *= 1.0 - mn[BRINK_MODEL_SANCTION_RELIEF];
        for (uint32_t c = 0; c < m->n_commitments; c++)
          if (s->num.commitment[c][BRINK_COMMITMENT_BY_AGREEMENT] > 0.5 &&
              !(s->commitments & (1u << c))) {
            s->commitments |= 1u << c;
            say(obs, t, "the agreement puts '%s' in force", m->scenario->commitments[c].name);
          }
      }
    }
  }
  if ((uint32_t)s->track > out->max_track) out->max_track = (uint32_t)s->track;
  if (s->track >= BRINK_TRACK_TALKS && out->talks_step == BRINK_NEVER) out->talks_step = t;
}

/* 7. Readiness stocks: discrete Richardson (Richardson 1960) plus the adversaries' acts, with
 * logistic saturation at readiness_max so the stock stays bounded. The engine's step (engine:
 * nobody reads the state after the run but its result) updates only the stocks that a result
 * can depend on (m->readiness_read); the state API's step, whose readiness of every actor is
 * read (brink_model_state_actor, traces), updates all. */
STEP_INLINE void phase_stocks(run_state *s, const step_acts *step, int engine) {
  const brink_model *m = s->model;
  const uint32_t n = m->n_actors;
  const uint32_t stocks = engine ? m->readiness_read : ~0u;
  double next[NA];
  const uint32_t updated = stocks & ((1u << n) - 1u);
  for (uint32_t st = updated; st; st &= st - 1) {
    uint32_t i = (uint32_t)__builtin_ctz(st);
    const double *an = s->num.actor[i];
    double adversary = 0.0, acts = 0.0;
    for (uint32_t adv = m->actors[i].adversaries; adv; adv &= adv - 1) {
      uint32_t j = (uint32_t)__builtin_ctz(adv);
      adversary += s->readiness[j];
      if (step->military & (1u << j)) acts += action_intensity(s, j, s->action[j]);
    }
    double cap = an[BRINK_ACTOR_READINESS_MAX];
    double drive = an[BRINK_ACTOR_REACTIVITY] * adversary + an[BRINK_ACTOR_GRIEVANCE] +
                   an[BRINK_ACTOR_ACTION_GAIN] * acts;
    double r = s->readiness[i] + drive * (drive > 0.0 ? 1.0 - s->readiness[i] / cap : 1.0) -
               an[BRINK_ACTOR_FATIGUE] * s->readiness[i];
    next[i] = min2(cap, max2(0.0, r));
  }
  for (uint32_t st = updated; st; st &= st - 1) {
    uint32_t i = (uint32_t)__builtin_ctz(st);
    s->readiness[i] = next[i];
  }
}

/* 8. Sanctions: effective pressure, then decay; severity fades. The pressures of an actor are
 * read only by its own effective pressure and, for a behavioural actor, by its choice and the
 * run's sums: the engine's step (engine) keeps those of the behavioural actors only, and fades
 * only the severities that some result reads (m->severity_read). */
STEP_INLINE void phase_sanctions(run_state *s, int engine) {
  const brink_model *m = s->model;
  const double *mn = s->num.model;
  const double severity_fade = s->severity_fade; /* 1 - 1 / severity_window */
  brink_run_result *out = &s->result;
  if (engine) {
    /* effective_pressure(k) reads severity[k] before it fades, as below. */
    for (uint32_t bm = m->behavioural; bm; bm &= bm - 1) {
      uint32_t k = (uint32_t)__builtin_ctz(bm);
      s->pressure_effective[k] = effective_pressure(m, s, k);
      out->pressure_nominal_sum += s->pressure_nominal[k];
      out->pressure_effective_sum += s->pressure_effective[k];
      s->pressure_nominal[k] *= 1.0 - mn[BRINK_MODEL_SANCTION_DECAY];
    }
    for (uint32_t sm = m->severity_read; sm; sm &= sm - 1)
      s->severity[__builtin_ctz(sm)] *= severity_fade;
    return;
  }
  for (uint32_t k = 0; k < m->n_actors; k++) {
    s->pressure_effective[k] = effective_pressure(m, s, k);
    if (m->behavioural & (1u << k)) {
      out->pressure_nominal_sum += s->pressure_nominal[k];
      out->pressure_effective_sum += s->pressure_effective[k];
    }
    s->pressure_nominal[k] *= 1.0 - mn[BRINK_MODEL_SANCTION_DECAY];
    s->severity[k] *= severity_fade;
  }
}

STEP_INLINE void record_view(const brink_model *m, run_state *s, double tension, int incident,
                             int clash, int war, const brink_run_observer *obs) {
  if (!obs || !obs->step) return;
  double threat[NA * NA], belief[NA * NA], credibility[NA * NA];
  uint32_t n = m->n_actors;
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < n; j++) {
      threat[i * n + j] = s->threat[i][j];
      belief[i * n + j] = s->belief[i][j];
      credibility[i * n + j] = s->credibility[i][j];
    }
  brink_step_view v = {s->step,
                       s->action,
                       s->readiness,
                       threat,
                       belief,
                       credibility,
                       s->pressure_nominal,
                       s->pressure_effective,
                       s->commitments,
                       (brink_track)s->track,
                       tension,
                       incident,
                       clash,
                       war};
  obs->step(obs->userdata, &v);
}

/* The phases that prepare a decision (fading, drift, campaigns) run at the end of the previous
 * step (or at init for step 0), so that between two steps the state is exactly what the next
 * decisions read: brink_model_state_choice_probs gives the probabilities the next step samples
 * from. The order of random draws is that of docs/model.md, "One step". */
STEP_INLINE void prepare_phases(run_state *s, const brink_run_observer *obs, int engine) {
  phase_fade(s, engine);
  phase_campaigns(s, obs);
}

static void prepare_decisions(run_state *s, const brink_run_observer *obs) {
  if (obs)
    prepare_phases(s, obs, 0);
  else
    prepare_phases(s, NULL, 0);
}

/* The phases after the decisions (4 to 9); s->action holds this step's acts. */
STEP_INLINE int step_decided(run_state *s, double *tension_out, const brink_run_observer *obs,
                             int engine) {
  const brink_model *m = s->model;
  step_acts acts;
  memset(&acts, 0, sizeof acts);
  brink_tension_reset(&acts.tension);
  phase_act(s, &acts, obs, engine);
  int incident, clash;
  int war = phase_conflict(s, &acts, &incident, &clash, obs);
  phase_track(s, &acts, incident, obs);
  phase_stocks(s, &acts, engine);
  phase_sanctions(s, engine);
  /* 9. Tension index: the same definition as for observed events (brink/tension.h). */
  double tension_value = brink_tension_value(&acts.tension);
  double keep = s->num.model[BRINK_MODEL_TENSION_MEMORY];
  s->tension_smooth = keep * s->tension_smooth + (1.0 - keep) * tension_value;
  if (tension_out) *tension_out = tension_value;
  record_view(m, s, tension_value, incident, clash, war, obs);
  /* The whole array, a copy of fixed size (the loop over n_actors became a call of memmove);
   * the entries past n_actors are never read. */
  memcpy(s->prev_action, s->action, sizeof s->prev_action);
  s->result.steps_run = s->step + 1;
  s->result.commitments_end = s->commitments;
  s->step++;
  if (war) {
    s->ended = 1;
    return 1;
  }
  /* Ready for the next decisions even at the horizon: a run moved to a longer window
   * (brink_model_state_rebind) continues from here. */
  prepare_phases(s, obs, engine);
  if (s->step >= m->horizon) s->ended = 1;
  return s->ended;
}

/* engine: the engine's step (phase_stocks, phase_sanctions), whose state nobody reads after the
 * run but its result; 0 for the state API and the observed runs. */
STEP_INLINE int step(run_state *s, double *tension_out, const brink_run_observer *obs, int engine,
                     const brink__ladder *wide) {
  if (s->ended) return 1;
  phase_decide(s, wide);
  return step_decided(s, tension_out, obs, engine);
}

int brink__model_step(run_state *s, double *tension_out, const brink_run_observer *obs) {
  return obs ? step(s, tension_out, obs, 0, NULL) : step(s, tension_out, NULL, 0, NULL);
}

/* ---- Runs in lanes (model_lanes.h) ----------------------------------------------------------- */

void brink__model_start_patched(run_state *s, uint32_t policy, uint64_t seed, uint64_t run,
                                const double *params) {
  init_run(s->model, s, policy, seed, run, params, 1);
}

int brink__model_step_decided(run_state *s, double *tension_out) {
  return step_decided(s, tension_out, NULL, 1);
}

#define LANE_PENDING (-3) /* choose_lane_start: the lane weighs its options */

/* choose_behavioural up to its utilities, in lane l: the action when the lane decides without
 * them (a hold; or the whole scalar choice when some utility might not be finite, which draws
 * in its own order), else LANE_PENDING with the lane's inputs in L. */
STEP_INLINE int choose_lane_start(const brink_model *m, run_state *s, uint32_t i, brink__lanes *L,
                                  uint32_t l) {
  kind_values k = values_of(m, s, i, &s->view[i]);
  uint32_t ok = available_mask(m, s, i);
  if (!utilities_finite(s, i, &k, ok)) return choose_behavioural(m, s, i);
  int hold = activity_hold(m, s, i, ok);
  if (hold >= 0) return hold;
  L->military[l] = k.military;
  L->conciliate[l] = k.conciliate;
  L->talks[l] = k.talks;
  L->lambda[l] = s->num.actor[i][BRINK_ACTOR_RATIONALITY];
  L->ok[l] = ok;
  L->commitments[l] = s->commitments;
  return LANE_PENDING;
}

/* The portable ladder choice of the pending lanes: the scalar functions, lane after lane. */
static void ladder_lanes_portable(const brink_model *m, brink__lanes *L, uint32_t i,
                                  uint32_t pending) {
  for (; pending; pending &= pending - 1) {
    uint32_t l = (uint32_t)__builtin_ctz(pending);
    const run_state *s = L->lane[l];
    double utility[NACT];
    kind_values k = {L->military[l], L->conciliate[l], L->talks[l]};
    uint32_t ok = L->ok[l];
    L->best[l] = ladder_utilities(m, s, i, &k, ok, utility);
    if (L->lambda[l] < 1e6) L->total[l] = logit_weights(s, i, utility, ok, L->best[l]);
    for (; ok; ok &= ok - 1) {
      uint32_t a = (uint32_t)__builtin_ctz(ok);
      L->weight[a][l] = utility[a];
    }
  }
}

/* Inlined into its base and AVX2 versions (brink__model_decide_lanes). */
STEP_INLINE void decide_lanes(brink__lanes *L, uint32_t active) {
  const brink_model *m = L->lane[__builtin_ctz(active)]->model;
  for (uint32_t act = active; act; act &= act - 1) {
    run_state *s = L->lane[__builtin_ctz(act)];
    for (uint32_t bm = m->behavioural; bm; bm &= bm - 1) {
      uint32_t i = (uint32_t)__builtin_ctz(bm);
      s->view[i] = look(m, s, i);
    }
  }
  /* Actor by actor, as phase_decide: each lane draws from its own stream in the scalar order.
   * A third party's act is always none here: the engine never forces an act (forced stays
   * FREE_CHOICE from init_run), and s->action keeps the -1 init_run gave it. */
  for (uint32_t dm = m->behavioural | m->policy_driven; dm; dm &= dm - 1) {
    uint32_t i = (uint32_t)__builtin_ctz(dm);
    uint32_t pending = 0;
    for (uint32_t act = active; act; act &= act - 1) {
      uint32_t l = (uint32_t)__builtin_ctz(act);
      run_state *s = L->lane[l];
      if (s->forced[i] != FREE_CHOICE) {
        s->action[i] = s->forced[i];
        s->forced[i] = FREE_CHOICE;
        continue;
      }
      if (m->actors[i].driver != BRINK_DRIVER_BEHAVIOURAL) {
        s->action[i] = unweighed_choice(m, s, i);
        continue;
      }
      s->action[i] = choose_lane_start(m, s, i, L, l);
      if (s->action[i] == LANE_PENDING) pending |= 1u << l;
    }
    if (!pending) continue;
#ifdef BRINK__LANES_HAVE_AVX2
    if (L->kind == BRINK__LANES_AVX2)
      brink__lanes_ladder_avx2(L, &m->actors[i], i, pending);
    else
#endif
      ladder_lanes_portable(m, L, i, pending);
    for (; pending; pending &= pending - 1) {
      uint32_t l = (uint32_t)__builtin_ctz(pending);
      run_state *s = L->lane[l];
      s->action[i] = L->lambda[l] >= 1e6 ? L->best[l]
                                         : sample_choice(s, &L->weight[0][l], BRINK__LANES,
                                                         L->ok[l], L->best[l], L->total[l]);
    }
  }
}

#ifdef BRINK__LANES_HAVE_AVX2
BRINK__LANES_AVX2_TARGET static void decide_lanes_avx2(brink__lanes *L, uint32_t active) {
  decide_lanes(L, active);
}

BRINK__LANES_AVX2_TARGET int brink__model_step_decided_avx2(run_state *s, double *tension_out) {
  return step_decided(s, tension_out, NULL, 1);
}
#endif

/* The ladder choice of behavioural actor i on the state s as it stands (model_lanes.h): its
 * outlook, kind values and available actions, then ladder_weights. */
STEP_INLINE int ladder_from_state(const run_state *s, uint32_t i, const brink__ladder *wide,
                                  uint32_t *ok, double *utility, double *total) {
  const brink_model *m = s->model;
  outlook v = look(m, s, i);
  kind_values k = values_of(m, s, i, &v);
  *ok = available_mask(m, s, i);
  *total = 0.0;
  if (!utilities_finite(s, i, &k, *ok)) return -2;
  return ladder_weights(m, s, i, &k, *ok, wide, utility, total);
}

int brink__ladder_scalar(const run_state *s, uint32_t i, uint32_t *ok, double *utility,
                         double *total) {
  return ladder_from_state(s, i, NULL, ok, utility, total);
}

#ifdef BRINK__LANES_HAVE_AVX2
/* The run's ladder numbers of behavioural actor i, contiguous (brink__ladder): its actions,
 * then 0 up to a multiple of eight actions (the kernels read whole groups of four or eight). */
static void ladder_fill_actor(const run_state *s, uint32_t i, brink__ladder *L) {
  const brink_model *m = s->model;
  const uint32_t n = m->actors[i].n_actions, end = (n + 7u) / 8u * 8u;
  L->driven[i] = s->campaign_gated[i] & m->actors[i].military_actions;
  for (uint32_t a = 0; a < end && a < NACT; a++) {
    L->cost[i][a] = a < n ? s->num.action[i][a][BRINK_ACTION_COST] : 0.0;
    L->intensity[i][a] = a < n ? s->num.action[i][a][BRINK_ACTION_INTENSITY] : 0.0;
    L->drive[i][a] = a < n ? s->num.action[i][a][BRINK_ACTION_CAMPAIGN_DRIVE] : 0.0;
  }
}

/* The run's ladder numbers of its behavioural actors. */
static void ladder_fill(const run_state *s, brink__ladder *L) {
  for (uint32_t bm = s->model->behavioural; bm; bm &= bm - 1)
    ladder_fill_actor(s, (uint32_t)__builtin_ctz(bm), L);
}
#endif

/* The state's ladder numbers for brink_model_state_choice_probs, after its run's numbers
 * changed. */
static void state_numbers_changed(brink_model_state *state) {
#ifdef BRINK__LANES_HAVE_AVX2
  if (state->ladder) ladder_fill(&state->s, &state->wide);
#else
  (void)state;
#endif
}

#ifdef BRINK__LANES_HAVE_AVX2

BRINK__LANES_AVX2_TARGET int brink__ladder_wide(const run_state *s, uint32_t i, uint32_t *ok,
                                                double *utility, double *total, int avx512) {
  brink__ladder L;
  ladder_fill(s, &L);
  brink__ladder_kernel(&L, avx512);
  return ladder_from_state(s, i, &L, ok, utility, total);
}
#endif

#ifdef BRINK__LANES_HAVE_AVX2
BRINK__LANES_AVX2_TARGET int brink__ladder_choose(const run_state *s, uint32_t i, double draw,
                                                  int avx512) {
  const brink_model *m = s->model;
  const double lambda = s->num.actor[i][BRINK_ACTOR_RATIONALITY];
  outlook v = look(m, s, i);
  kind_values k = values_of(m, s, i, &v);
  uint32_t ok = available_mask(m, s, i);
  if (!utilities_finite(s, i, &k, ok) || lambda >= 1e6) return -3;
  brink__ladder L;
  ladder_fill(s, &L);
  brink__ladder_kernel(&L, avx512);
  return ladder_choose(m, s, i, &k, ok, &L, draw);
}
#endif

brink_status brink_model_state_choice_probs(const brink_model_state *state, uint32_t i,
                                            double *probs) {
  const run_state *s = &state->s;
  const brink_model *m = s->model;
  if (i >= m->n_actors || !(m->behavioural & (1u << i))) return BRINK_EINVAL;
  double utility[NACT], total = 0.0;
  uint32_t ok;
  uint32_t n_actions = m->actors[i].n_actions;
  for (uint32_t a = 0; a < n_actions; a++) probs[a] = 0.0;
  const int rational = s->num.actor[i][BRINK_ACTOR_RATIONALITY] >= 1e6;
  int best_a = -2;
#ifdef BRINK__LANES_HAVE_AVX2
  /* Where the engine would choose across the actions (state->ladder), the same kernel on the
   * run's ladder numbers (state->wide): the same weights and total (ladder_weights), for actors
   * whose utilities are all finite (else -2, and the scalar functions below). */
  if (state->ladder) best_a = ladder_from_state(s, i, &state->wide, &ok, utility, &total);
#endif
  if (best_a == -2) {
    outlook v = look(m, s, i);
    best_a = utilities(m, s, i, &v, utility, &ok);
    if (best_a >= 0 && !rational) total = logit_weights(s, i, utility, ok, best_a);
  }
  if (best_a < 0) return BRINK_OK;
  if (rational) {
    probs[best_a] = 1.0; /* the sampler takes the first best action */
  } else {
    for (uint32_t rest = ok; rest; rest &= rest - 1) {
      uint32_t a = (uint32_t)__builtin_ctz(rest);
      probs[a] = utility[a] / total;
    }
  }
  /* A step without weighing is a hold: P(a) = activity P_QR(a) + (1 - activity) [a = hold]. */
  double activity = activity_of(s, i);
  int hold = hold_if_available(m, i, ok);
  if (activity < 1.0 && hold >= 0) {
    for (uint32_t a = 0; a < n_actions; a++) probs[a] *= activity;
    probs[hold] += 1.0 - activity;
  }
  return BRINK_OK;
}

void brink__model_decide_lanes(brink__lanes *L, uint32_t active) {
#ifdef BRINK__LANES_HAVE_AVX2
  if (L->kind == BRINK__LANES_AVX2) {
    decide_lanes_avx2(L, active);
    return;
  }
#endif
  decide_lanes(L, active);
}

/* ---- Public entry points --------------------------------------------------------------------- */

void brink_model_run(const brink_model *m, uint32_t policy, uint64_t seed, uint64_t run,
                     brink_run_result *out, double *tension_out, const brink_run_observer *obs) {
  brink_model_run_drawn(m, policy, seed, run, NULL, out, tension_out, obs);
}

void brink_model_run_drawn(const brink_model *m, uint32_t policy, uint64_t seed, uint64_t run,
                           const double *params, brink_run_result *out, double *tension_out,
                           const brink_run_observer *obs) {
  run_state s;
  brink__model_init(m, &s, policy, seed, run, params);
  for (uint32_t t = 0; !brink__model_step(&s, tension_out ? &tension_out[t] : NULL, obs); t++) {
  }
  *out = s.result;
}

void brink__model_run_patched(run_state *s, uint32_t policy, uint64_t seed, uint64_t run,
                              const double *params, brink_run_result *out, double *tension_out) {
  init_run(s->model, s, policy, seed, run, params, 1);
  for (uint32_t t = 0; !step(s, tension_out ? &tension_out[t] : NULL, NULL, 1, NULL); t++) {
  }
  *out = s->result;
}

#ifdef BRINK__LANES_HAVE_AVX2
/* Everything of a run's state but its numbers (which the engine patches once per run and keeps):
 * the start that the policies of a run share. */
static void copy_but_numbers(run_state *dst, const run_state *src) {
  const size_t at = offsetof(run_state, num), after = at + sizeof src->num;
  memcpy(dst, src, at);
  memcpy((unsigned char *)dst + after, (const unsigned char *)src + after, sizeof *dst - after);
}

BRINK__LANES_AVX2_TARGET void
brink__model_run_patched_wide(run_state *s, run_state *start, brink__ladder *L, int first,
                              uint32_t policy, uint64_t seed, uint64_t run, const double *params,
                              brink_run_result *out, double *tension_out) {
  if (first) {
    init_run(s->model, s, policy, seed, run, params, 1);
    copy_but_numbers(start, s);
    ladder_fill(s, L); /* the run's numbers: the same for all its policies */
  } else {
    copy_but_numbers(s, start);
    set_policy(s->model, s, policy, params);
  }
  for (uint32_t t = 0; !step(s, tension_out ? &tension_out[t] : NULL, NULL, 1, L); t++) {
  }
  *out = s->result;
}
#endif

void brink_model_state_init(brink_model_state *state, uint32_t policy, uint64_t seed, uint64_t run,
                            const double *params) {
  /* From the model the state was made for, not the one a rebind of the last run left. */
  brink__model_init(state->model, &state->s, policy, seed, run, params);
  state_numbers_changed(state);
}

void brink_model_state_copy(brink_model_state *dst, const brink_model_state *src) {
  /* The run only: dst keeps the context that made it (its brink_model_state_free). Of the
   * numbers' action table (more than half the state: BRINK_MAX_ACTORS x BRINK_MAX_ACTIONS rows),
   * only the rows of the model's actors and actions: every read of a row takes an action of an
   * actor's ladder, so the others are never read. The particle filter copies a state per particle
   * whenever it resamples. */
  const brink_model *m = src->s.model;
  const size_t at = offsetof(run_state, num.action), table = sizeof src->s.num.action;
  memcpy(&dst->s, &src->s, at);
  memcpy((unsigned char *)&dst->s + at + table, (const unsigned char *)&src->s + at + table,
         sizeof dst->s - at - table);
  for (uint32_t i = 0; i < m->n_actors; i++)
    memcpy(dst->s.num.action[i], src->s.num.action[i],
           m->actors[i].n_actions * sizeof src->s.num.action[i][0]);
  state_numbers_changed(dst);
}

void brink_model_state_force(brink_model_state *state, uint32_t actor, int action) {
  const brink_model *m = state->s.model;
  if (actor >= m->n_actors) return;
  if (action >= (int)m->actors[actor].n_actions) action = -1;
  state->s.forced[actor] = action < -1 ? -1 : action;
}

int brink_model_state_step(brink_model_state *state, double *tension,
                           const brink_run_observer *observer) {
  return brink__model_step(&state->s, tension, observer);
}

const brink_run_result *brink_model_state_result(const brink_model_state *state) {
  return &state->s.result;
}

uint32_t brink_model_state_step_index(const brink_model_state *state) { return state->s.step; }

const brink_model *brink_model_state_model(const brink_model_state *state) {
  return state->s.model;
}

int brink_model_state_type(const brink_model_state *state, uint32_t actor) {
  return actor < state->s.model->n_actors ? state->s.type[actor] : 0;
}

void brink_model_state_reseed(brink_model_state *state, uint64_t seed, uint64_t key) {
  brink__rng_run_init(&state->s.rng, seed, key, BRINK_STREAM_DYNAMICS);
}

void brink_model_state_actor(const brink_model_state *state, uint32_t i, brink_actor_state *out) {
  const run_state *s = &state->s;
  memset(out, 0, sizeof *out);
  if (i >= s->model->n_actors) return;
  outlook v = look(s->model, s, i);
  out->type = s->type[i];
  out->readiness = s->readiness[i];
  out->threat = v.threat;
  out->credibility = v.cred;
  out->fear = v.fear;
}

brink_status brink_model_state_rebind(brink_model_state *state, const brink_model *m,
                                      uint32_t policy, const double *given) {
  run_state *s = &state->s;
  const brink_model *old = s->model;
  if (m->n_actors != old->n_actors) return BRINK_EINVAL;
  for (uint32_t i = 0; i < m->n_actors; i++)
    if (m->actors[i].n_actions != old->actors[i].n_actions ||
        m->actors[i].driver != old->actors[i].driver)
      return BRINK_EINVAL;
  if (m->n_commitments != old->n_commitments) return BRINK_EINVAL;
  double params[BRINK_MAX_PARAMS];
  int types[NA];
  if (given) memcpy(params, given, m->n_params * sizeof *params);
  brink__model_draw(m, s->seed, s->run, params, given != NULL, types);
  s->model = m;
  set_policy(m, s, policy, params);
  /* The new window's numbers and relations (its context); everything the run has built up
   * (types, beliefs, perceived threat, credibility, readiness, sanctions, commitments, track,
   * campaigns, the streams) carries over. */
  memcpy(&s->num, &m->base, sizeof s->num);
  double *slots = (double *)(void *)&s->num;
  for (size_t p = 0; p < m->n_patches; p++) slots[m->patches[p].slot] = params[m->patches[p].param];
  for (uint32_t i = 0; i < m->n_actors; i++) {
    s->readiness[i] = min2(s->readiness[i], s->num.actor[i][BRINK_ACTOR_READINESS_MAX]);
    for (uint32_t j = 0; j < m->n_actors; j++)
      if (i != j) s->relation[i][j] = s->num.relation[i][j][BRINK_RELATION_VALUE];
  }
  set_gates(s);
  s->ended = s->result.war_step != BRINK_NEVER || s->step >= m->horizon;
  state_numbers_changed(state);
  return BRINK_OK;
}

void brink_model_state_set_params(brink_model_state *state, const double *params) {
  run_state *s = &state->s;
  const brink_model *m = s->model;
  const brink_policy *pol = s->policy;
  for (int k = 0; k < BRINK_POLICY_KEY_COUNT; k++)
    if (pol && pol->num[k].param >= 0) s->policy_num[k] = params[pol->num[k].param];
  double *slots = (double *)(void *)&s->num;
  for (size_t p = 0; p < m->n_patches; p++) slots[m->patches[p].slot] = params[m->patches[p].param];
  set_gates(s);
  state_numbers_changed(state);
}
