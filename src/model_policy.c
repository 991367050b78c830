/* SPDX-License-Identifier: MIT */
/* Policies: history-dependent rules that drive the policy actors (docs/model.md section 4).
 * Built-in policies and user rules share the same building blocks: conditions on what the
 * actor has observed, and verbs that pick an action from the actor's own ladder. */
#include <math.h>

#include "internal.h"
#include "model_internal.h"

/* What the rules of a policy actor observe about its adversaries' last moves: only the parts its
 * rules read (SEES_* in model_internal.h) are computed, the others keep these defaults. The
 * built-in policies call the parts below directly. */
typedef struct observation {
  double intensity;     /* highest intensity of an adversary's military act last step */
  int conciliated;      /* an adversary took a restraint or diplomacy action last step */
  double belief;        /* mean belief that the adversaries are greedy */
  uint32_t since_major; /* steps since the last major provocation (BRINK_NEVER: none) */
} observation;

/* Highest intensity of an adversary's military act last step (0: none). */
static inline double provocation(const brink_model *m, const run_state *s, uint32_t i) {
  double intensity = 0.0;
  for (uint32_t adv = m->actors[i].adversaries; adv; adv &= adv - 1) {
    uint32_t j = (uint32_t)__builtin_ctz(adv);
    int a = s->prev_action[j];
    if (a < 0 || !(m->actors[j].military_actions >> a & 1u)) continue;
    double x = s->num.action[j][a][BRINK_ACTION_INTENSITY];
    if (x > intensity) intensity = x;
  }
  return intensity;
}

/* An adversary took a restraint or diplomacy action last step. */
static inline int conciliated(const brink_model *m, const run_state *s, uint32_t i) {
  for (uint32_t adv = m->actors[i].adversaries; adv; adv &= adv - 1) {
    uint32_t j = (uint32_t)__builtin_ctz(adv);
    int a = s->prev_action[j];
    if (a >= 0 && (m->actors[j].conciliatory_actions >> a & 1u)) return 1;
  }
  return 0;
}

/* Steps since the last major provocation against actor i's side (BRINK_NEVER: none). */
static inline uint32_t since_major(const run_state *s, uint32_t i) {
  const uint32_t last = s->last_major[i];
  return last != BRINK_NEVER && s->step > last ? s->step - last : BRINK_NEVER;
}

/* A major provocation within the model's response window: since_major within it, tested
 * without since_major's BRINK_NEVER (step > last, so the difference is a real count). */
static inline int recent_major(const run_state *s, uint32_t i) {
  const uint32_t last = s->last_major[i];
  return last != BRINK_NEVER && s->step > last &&
         s->step - last <= s->num.model[BRINK_MODEL_RESPONSE_WINDOW];
}

/* The kind of the adversaries' most escalatory act last step (-1: none), ranked hold below every
 * other act and military acts by 1 + intensity, with the highest military intensity. */
static inline int strongest_kind(const brink_model *m, const run_state *s, uint32_t i,
                                 double *intensity) {
  int kind = -1;
  double best = -1.0;
  *intensity = 0.0;
  for (uint32_t adv = m->actors[i].adversaries; adv; adv &= adv - 1) {
    uint32_t j = (uint32_t)__builtin_ctz(adv);
    int a = s->prev_action[j];
    if (a < 0) continue;
    const int k = m->actors[j].actions[a].kind;
    double x = k == BRINK_ACTION_MILITARY ? s->num.action[j][a][BRINK_ACTION_INTENSITY] : 0.0;
    if (k == BRINK_ACTION_MILITARY && x > *intensity) *intensity = x;
    double rank = k == BRINK_ACTION_HOLD ? 0.0 : 1.0 + x;
    if (rank > best) {
      best = rank;
      kind = k;
    }
  }
  return kind;
}

static observation observe(const brink_model *m, const run_state *s, uint32_t i, unsigned sees) {
  observation o = {0.0, 0, 0.0, BRINK_NEVER};
  if (sees & SEES_INTENSITY) o.intensity = provocation(m, s, i);
  if (sees & SEES_CONCILIATED) o.conciliated = conciliated(m, s, i);
  if (sees & SEES_SINCE_MAJOR) o.since_major = since_major(s, i);
  if (sees & SEES_BELIEF) {
    int n_adv = 0;
    for (uint32_t adv = m->actors[i].adversaries; adv; adv &= adv - 1) {
      o.belief += s->belief[i][(uint32_t)__builtin_ctz(adv)];
      n_adv++;
    }
    if (n_adv) o.belief /= n_adv;
  }
  return o;
}

/* The actions of actor i usable now, as a mask: readiness at or above the action's floor
 * (floor_blocked: readiness < min_readiness rules it out) and the track at or above its
 * min_track. */
static inline uint32_t usable_mask(const brink_model *m, const run_state *s, uint32_t i) {
  return ~(m->actors[i].track_below[s->track] | floor_blocked(s, i));
}

/* The modes of pick_military: the score it minimises over the candidates' intensities x. */
enum { CLOSEST, AT_OR_ABOVE, STRONGEST, WEAKEST };

/* Best of the military actions in `of` for the mode (the first in ladder order on ties); -1 when
 * none scores below infinity. Inlined with a constant mode, so the switch folds away. */
static inline int best_military(const run_state *s, uint32_t i, uint32_t of, int mode,
                                double target) {
  int best = -1;
  double best_score = HUGE_VAL;
  for (; of; of &= of - 1) {
    uint32_t a = (uint32_t)__builtin_ctz(of);
    double x = s->num.action[i][a][BRINK_ACTION_INTENSITY], score;
    switch (mode) {
    case CLOSEST:
      score = fabs(x - target) + 1e-6 * x;
      break;
    case AT_OR_ABOVE:
      score = x >= target ? x : 1e6 - x;
      break;
    case STRONGEST:
      score = -x;
      break;
    default:
      score = x;
      break;
    }
    if (score < best_score) {
      best_score = score;
      best = (int)a;
    }
  }
  return best;
}

/* Military action by intensity: CLOSEST to target, lowest AT_OR_ABOVE target, STRONGEST,
 * WEAKEST. Acts that would breach a commitment in force are used only when nothing else is
 * available: a second pass over all of them, needed only when some usable act breaches. */
static inline int pick_military(const brink_model *m, const run_state *s, uint32_t i, int mode,
                                double target, uint32_t usable) {
  const actor_info *actor = &m->actors[i];
  const uint32_t of = actor->military_actions & usable;
  uint32_t breaching = 0;
  for (uint32_t c = s->commitments & actor->breached; c; c &= c - 1)
    breaching |= actor->breaching[__builtin_ctz(c)];
  int best = best_military(s, i, of & ~breaching, mode, target);
  if (best < 0 && (of & breaching)) best = best_military(s, i, of, mode, target);
  return best;
}

/* The usable action of a kind that the verbs prefer: sanctions and UNSC drafts by pressure,
 * restraint by lowest cost among those not yet in force, the offer for the next level (the
 * highest level it proposes from where we stand), any mediation; the first on ties. */
static inline int pick_kind(const brink_model *m, const run_state *s, uint32_t i, int kind,
                            uint32_t usable) {
  const actor_info *actor = &m->actors[i];
  if (kind == BRINK_ACTION_DIPLOMACY) {
    /* The offers depend only on the track level: their order at each level is computed once
     * (offer_order in model.c). */
    const int8_t *order = actor->offer_order[s->track];
    for (uint32_t k = 0; k < actor->offer_count[s->track]; k++)
      if (usable >> order[k] & 1u) return order[k];
    return -1;
  }
  if (kind == BRINK_ACTION_MEDIATION) {
    const uint32_t of = actor->kind_actions[kind] & usable;
    return of ? __builtin_ctz(of) : -1;
  }
  int best = -1;
  double best_score = -HUGE_VAL;
  for (uint32_t of = actor->kind_actions[kind] & usable; of; of &= of - 1) {
    uint32_t a = (uint32_t)__builtin_ctz(of);
    const action_info *ai = &actor->actions[a];
    const double *num = s->num.action[i][a];
    double score;
    if (kind == BRINK_ACTION_RESTRAINT) {
      if (ai->commits >= 0 && (s->commitments & (1u << ai->commits))) continue;
      score = -num[BRINK_ACTION_COST];
    } else
      score = num[BRINK_ACTION_PRESSURE]; /* sanction, UNSC */
    if (score > best_score) {
      best_score = score;
      best = (int)a;
    }
  }
  return best;
}

/* The action a verb means for actor i; falls back along documented lines when the ladder has
 * no such action (docs/model.md, "Verbs"). intensity: the adversaries' last (observation).
 * Inlined everywhere: the built-in policies name their verbs as constants, so each call folds
 * to its own pick. */
__attribute__((always_inline)) static inline int resolve_verb(const brink_model *m,
                                                              const run_state *s, uint32_t i,
                                                              int verb, double by,
                                                              double intensity) {
  const int hold = m->actors[i].hold_action;
  if (verb == BRINK_VERB_HOLD) return hold;
  const uint32_t u = usable_mask(m, s, i);
  int a = -1;
  switch (verb) {
  case BRINK_VERB_MATCH:
    a = intensity > 0.0 ? pick_military(m, s, i, CLOSEST, intensity, u)
                        : pick_military(m, s, i, WEAKEST, 0, u);
    break;
  case BRINK_VERB_ESCALATE:
    a = pick_military(m, s, i, AT_OR_ABOVE, intensity + by, u);
    break;
  case BRINK_VERB_STRONGEST:
    a = pick_military(m, s, i, STRONGEST, 0, u);
    break;
  case BRINK_VERB_ROUTINE:
    a = pick_military(m, s, i, WEAKEST, 0, u);
    break;
  case BRINK_VERB_SANCTION:
    a = pick_kind(m, s, i, BRINK_ACTION_SANCTION, u);
    break;
  case BRINK_VERB_UNSC:
    a = pick_kind(m, s, i, BRINK_ACTION_UNSC, u);
    if (a < 0) a = pick_kind(m, s, i, BRINK_ACTION_SANCTION, u);
    break;
  case BRINK_VERB_OFFER_TALKS:
    a = pick_kind(m, s, i, BRINK_ACTION_DIPLOMACY, u);
    break;
  case BRINK_VERB_RESTRAIN:
    a = pick_kind(m, s, i, BRINK_ACTION_RESTRAINT, u);
    break;
  case BRINK_VERB_CONSULT:
    a = pick_kind(m, s, i, BRINK_ACTION_MEDIATION, u);
    if (a < 0) a = pick_kind(m, s, i, BRINK_ACTION_DIPLOMACY, u);
    break;
  default:
    break;
  }
  return a >= 0 ? a : hold;
}

/* Whether a rule's condition holds; PROBABILITY draws from the run's stream, so conditions are
 * tested in their order and only until one fails. */
static inline int condition_holds(run_state *s, const brink_rule_condition *c, uint32_t phase,
                                  const observation *o) {
  double v = c->value;
  switch (c->kind) {
  case BRINK_COND_PROVOKED_AT_LEAST:
    return o->intensity >= v && o->intensity > 0.0;
  case BRINK_COND_PROVOKED_WITHIN:
    return o->since_major != BRINK_NEVER && o->since_major <= v;
  case BRINK_COND_QUIET_FOR:
    return o->since_major == BRINK_NEVER ? s->step + 1 >= v : o->since_major >= v;
  case BRINK_COND_ADVERSARY_CONCILIATED:
    return o->conciliated == (v > 0.5);
  case BRINK_COND_TRACK_AT_LEAST:
    return s->track >= v;
  case BRINK_COND_TRACK_BELOW:
    return s->track < v;
  case BRINK_COND_TENSION_ABOVE:
    return s->tension_smooth / s->num.model[BRINK_MODEL_TENSION_SCALE] > v;
  case BRINK_COND_TENSION_BELOW:
    return s->tension_smooth / s->num.model[BRINK_MODEL_TENSION_SCALE] < v;
  case BRINK_COND_BELIEF_GREEDY_ABOVE:
    return o->belief > v;
  case BRINK_COND_BELIEF_GREEDY_BELOW:
    return o->belief < v;
  case BRINK_COND_EVERY:
    return v >= 1 && (s->step + phase) % (uint32_t)v == 0;
  case BRINK_COND_PROBABILITY:
    return brink__rng_run_uniform32(&s->rng) < v;
  case BRINK_COND_STEP_AT_LEAST:
    return s->step >= v;
  default:
    return 0;
  }
}

/* A policy's decision (rules below, and each built-in policy) is a function of its own, called
 * through compiled_policy.decide, so that a hold costs only the registers that policy uses; all
 * have the signature of policy_decide_fn, so that brink__policy_decide is one indirect jump. */
#define BUILTIN(name)                                                                              \
  static int name(const brink_model *m, const brink_policy *pol, const compiled_policy *cp,        \
                  run_state *s, uint32_t i)
#define UNUSED_POLICY_ARGS                                                                         \
  (void)pol;                                                                                       \
  (void)cp

/* The first of actor i's rules whose conditions all hold (compile_policies in model.c keeps
 * only the rules that apply to the actor). */
BUILTIN(rules) {
  (void)pol;
  if (!cp->n_rules[i]) return m->actors[i].hold_action; /* and cp->rules may be NULL */
  const observation o = observe(m, s, i, cp->sees[i]);
  const uint32_t phase = s->memory[i].phase;
  const actor_rule *rule = cp->rules + cp->first[i], *end = rule + cp->n_rules[i];
  for (; rule < end; rule++) {
    const brink_rule_condition *c = rule->conditions, *last = c + rule->n_conditions;
    while (c < last && condition_holds(s, c, phase, &o)) c++;
    if (c < last) continue;
    if (rule->verb == BRINK_VERB_ACTION) {
      int a = rule->action;
      return a >= 0 && (usable_mask(m, s, i) >> a & 1u) ? a : m->actors[i].hold_action;
    }
    return resolve_verb(m, s, i, rule->verb, rule->by, o.intensity);
  }
  return m->actors[i].hold_action;
}

/* Periodic schedules run at a phase drawn per run and actor (BRINK_STREAM_PHASE), so runs are
 * not in lockstep; the phase is the same for every policy of a run (common random numbers). */
static inline int every(uint32_t step, double period) {
  uint32_t p = period < 1.0 ? 1u : (uint32_t)period;
  return step % p == 0;
}

/* The built-in policies read only the parts of the observation their branch needs, in the
 * order the branches test them: the rest would be computed for nothing. */

/* Answer every major provocation above its level, then sanction it; show force routinely and
 * in record exercises; never offer talks. */
BUILTIN(maximum_pressure) {
  UNUSED_POLICY_ARGS;
  const double *pn = s->policy_num;
  policy_memory *mem = &s->memory[i];
  const double intensity = provocation(m, s, i);
  if (intensity >= pn[BRINK_POLICY_THRESHOLD] && intensity > 0.0)
    return resolve_verb(m, s, i, BRINK_VERB_ESCALATE, pn[BRINK_POLICY_RESPONSE_STEP], intensity);
  if (recent_major(s, i) && mem->answered_major != s->last_major[i] + 1) {
    mem->answered_major = s->last_major[i] + 1;
    return resolve_verb(m, s, i, BRINK_VERB_UNSC, 0.0, intensity);
  }
  const uint32_t tp = s->step + mem->phase; /* the step on this run's schedule clock */
  if (every(tp, pn[BRINK_POLICY_EXERCISE_EVERY]))
    return resolve_verb(m, s, i, BRINK_VERB_STRONGEST, 0.0, intensity);
  if (every(tp, pn[BRINK_POLICY_EXERCISE_EVERY] / 4.0))
    return resolve_verb(m, s, i, BRINK_VERB_ROUTINE, 0.0, intensity);
  return m->actors[i].hold_action;
}

/* Reassure at once, keep offering talks, answer nothing with force. */
BUILTIN(proactive_diplomacy) {
  UNUSED_POLICY_ARGS;
  const double *pn = s->policy_num;
  if (s->step == 0) return resolve_verb(m, s, i, BRINK_VERB_RESTRAIN, 0.0, 0.0);
  const uint32_t tp = s->step + s->memory[i].phase;
  if (conciliated(m, s, i) || every(tp, pn[BRINK_POLICY_OFFER_EVERY]))
    return resolve_verb(m, s, i, BRINK_VERB_OFFER_TALKS, 0.0, 0.0);
  if (every(tp, pn[BRINK_POLICY_GRIT_STEP_EVERY]))
    return resolve_verb(m, s, i, BRINK_VERB_RESTRAIN, 0.0, 0.0);
  return m->actors[i].hold_action;
}

/* GRIT (Osgood 1962; Osgood 1962): announce; small unilateral steps at a steady pace that
 * continue when not reciprocated (after a hold); precise, not escalatory, retaliation to a major
 * provocation; resume after a pause; faster steps when reciprocated. GRIT's epsilon is the
 * policy's threshold: the provocation it answers precisely. */
BUILTIN(reciprocal_restraint) {
  UNUSED_POLICY_ARGS;
  const double *pn = s->policy_num;
  policy_memory *mem = &s->memory[i];
  const uint32_t t = s->step;
  const double intensity = provocation(m, s, i);
  if (intensity >= pn[BRINK_POLICY_THRESHOLD] && intensity > 0.0) {
    mem->resume_at = t + 1 + (uint32_t)pn[BRINK_POLICY_GRIT_RESUME];
    return resolve_verb(m, s, i, BRINK_VERB_MATCH, 0.0, intensity);
  }
  if (t < mem->resume_at) return m->actors[i].hold_action;
  if (t == 0) {
    mem->next_step_at = 1;
    return resolve_verb(m, s, i, BRINK_VERB_OFFER_TALKS, 0.0, intensity); /* the announcement */
  }
  if (t >= mem->next_step_at) {
    int a = resolve_verb(m, s, i, BRINK_VERB_RESTRAIN, 0.0, intensity);
    if (a == m->actors[i].hold_action) a = resolve_verb(m, s, i, BRINK_VERB_OFFER_TALKS, 0.0, 0.0);
    double step_every = pn[BRINK_POLICY_GRIT_STEP_EVERY];
    uint32_t gap = mem->reciprocated ? (uint32_t)max2(1.0, step_every / 2.0)
                                     : (uint32_t)(step_every + pn[BRINK_POLICY_GRIT_HOLD]);
    mem->next_step_at = t + (gap ? gap : 1);
    mem->reciprocated = 0;
    return a;
  }
  if (conciliated(m, s, i)) {
    mem->reciprocated = 1;
    return resolve_verb(m, s, i, BRINK_VERB_OFFER_TALKS, 0.0, intensity);
  }
  return m->actors[i].hold_action;
}

/* Mirror the adversary's last move, by kind, on one's own ladder. */
BUILTIN(tit_for_tat) {
  UNUSED_POLICY_ARGS;
  if (s->step == 0) return resolve_verb(m, s, i, BRINK_VERB_OFFER_TALKS, 0.0, 0.0);
  double intensity;
  switch (strongest_kind(m, s, i, &intensity)) {
  case BRINK_ACTION_MILITARY:
    return resolve_verb(m, s, i, BRINK_VERB_MATCH, 0.0, intensity);
  case BRINK_ACTION_RESTRAINT:
    return resolve_verb(m, s, i, BRINK_VERB_RESTRAIN, 0.0, intensity);
  case BRINK_ACTION_DIPLOMACY:
    return resolve_verb(m, s, i, BRINK_VERB_OFFER_TALKS, 0.0, intensity);
  case BRINK_ACTION_SANCTION:
  case BRINK_ACTION_UNSC:
    return resolve_verb(m, s, i, BRINK_VERB_SANCTION, 0.0, intensity);
  default:
    return m->actors[i].hold_action;
  }
}

/* Countermeasures against major provocations (matched, then sanctioned), while the offer of
 * talks stands and routine exercises continue. */
BUILTIN(pressure_plus_diplomacy) {
  UNUSED_POLICY_ARGS;
  const double *pn = s->policy_num;
  policy_memory *mem = &s->memory[i];
  const double intensity = provocation(m, s, i);
  if (intensity >= pn[BRINK_POLICY_THRESHOLD] && intensity > 0.0)
    return resolve_verb(m, s, i, BRINK_VERB_MATCH, 0.0, intensity);
  if (recent_major(s, i) && mem->answered_major != s->last_major[i] + 1) {
    mem->answered_major = s->last_major[i] + 1;
    return resolve_verb(m, s, i, BRINK_VERB_UNSC, 0.0, intensity);
  }
  const uint32_t tp = s->step + mem->phase;
  if (conciliated(m, s, i) || every(tp, pn[BRINK_POLICY_OFFER_EVERY]))
    return resolve_verb(m, s, i, BRINK_VERB_OFFER_TALKS, 0.0, intensity);
  if (every(tp, pn[BRINK_POLICY_EXERCISE_EVERY]))
    return resolve_verb(m, s, i, BRINK_VERB_ROUTINE, 0.0, intensity);
  return m->actors[i].hold_action;
}

/* Bring the third party in to mediate, offer talks, answer only major provocations. */
BUILTIN(consult_beijing) {
  UNUSED_POLICY_ARGS;
  const double *pn = s->policy_num;
  const double intensity = provocation(m, s, i);
  if (intensity >= pn[BRINK_POLICY_THRESHOLD] && intensity > 0.0)
    return resolve_verb(m, s, i, BRINK_VERB_MATCH, 0.0, intensity);
  const uint32_t tp = s->step + s->memory[i].phase;
  if (every(tp, pn[BRINK_POLICY_CONSULT_EVERY]))
    return resolve_verb(m, s, i, BRINK_VERB_CONSULT, 0.0, intensity);
  /* The step after each consultation, while mediated. */
  if (conciliated(m, s, i) || every(tp - 1, pn[BRINK_POLICY_CONSULT_EVERY]))
    return resolve_verb(m, s, i, BRINK_VERB_OFFER_TALKS, 0.0, intensity);
  return m->actors[i].hold_action;
}

/* A built-in policy this version does not know: the actor holds. */
BUILTIN(hold_only) {
  UNUSED_POLICY_ARGS;
  (void)s;
  return m->actors[i].hold_action;
}

policy_decide_fn brink__policy_decider(brink_policy_builtin builtin) {
  switch (builtin) {
  case BRINK_POLICY_BUILTIN_NONE:
    return rules;
  case BRINK_POLICY_BUILTIN_MAXIMUM_PRESSURE:
    return maximum_pressure;
  case BRINK_POLICY_BUILTIN_PROACTIVE_DIPLOMACY:
    return proactive_diplomacy;
  case BRINK_POLICY_BUILTIN_RECIPROCAL_RESTRAINT:
    return reciprocal_restraint;
  case BRINK_POLICY_BUILTIN_TIT_FOR_TAT:
    return tit_for_tat;
  case BRINK_POLICY_BUILTIN_PRESSURE_PLUS_DIPLOMACY:
    return pressure_plus_diplomacy;
  case BRINK_POLICY_BUILTIN_CONSULT_BEIJING:
    return consult_beijing;
  default:
    return hold_only;
  }
}

int brink__policy_decide(const brink_model *m, const brink_policy *pol, const compiled_policy *cp,
                         run_state *s, uint32_t i) {
  return cp->decide(m, pol, cp, s, i);
}
