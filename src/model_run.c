/* SPDX-License-Identifier: MIT */
/* One trajectory of the crisis model: the step function (docs/model.md). Allocates nothing,
 * reads the model only; all state lives in a run_state on the stack. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "brink/tension.h"
#include "internal.h"
#include "model_internal.h"

static const char *const track_names[BRINK_TRACK_COUNT] = {"none", "contact", "talks", "summit",
                                                           "agreement"};

/* Plain-language events for traces; costs nothing when nobody observes. */
static void say_line(const brink_run_observer *obs, uint32_t step, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Only observed runs pay for their words. */
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
static inline double noise(brink_rng *rng, double sd) {
  return sd * 1.7320508075688772 * (2.0 * brink_rng_uniform32(rng) - 1.0);
}

static inline int popcount(uint32_t x) { return __builtin_popcount(x); }

static void init_state(const brink_model *m, run_state *s, uint64_t seed, uint64_t run,
                       const double *params, const brink_policy *pol) {
  brink_rng prng;
  brink_rng_init(&prng, seed, run, BRINK_STREAM_PARAMS);
  /* The types are drawn after the parameters: skip the uniforms the parameters used. */
  for (uint32_t k = 0; k < m->n_params; k++) (void)brink_rng_uniform(&prng);
  for (int k = 0; k < BRINK_POLICY_KEY_COUNT; k++)
    s->policy_num[k] = !pol                    ? 0.0
                       : pol->num[k].param < 0 ? pol->num[k].constant
                                               : params[pol->num[k].param];

  memcpy(&s->num, &m->base, sizeof s->num);
  double *slots = (double *)(void *)&s->num;
  for (size_t p = 0; p < m->n_patches; p++) slots[m->patches[p].slot] = params[m->patches[p].param];

  uint32_t n = m->n_actors;
  /* Hidden types (Jervis; Kydd 2005): drawn from the prior, after the parameters. */
  for (uint32_t i = 0; i < n; i++) {
    double greed = s->num.actor[i][BRINK_ACTOR_GREED];
    s->type[i] = brink_rng_uniform(&prng) < greed;
  }
  for (uint32_t i = 0; i < n; i++) {
    s->action[i] = s->prev_action[i] = -1;
    s->conciliation[i] = 0.0;
    for (uint32_t o = 0; o < n; o++)
      s->credibility[o][i] = s->num.actor[i][BRINK_ACTOR_CREDIBILITY];
    s->readiness[i] = s->num.actor[i][BRINK_ACTOR_READINESS];
    s->escalation[i] = 0.0;
    s->severity[i] = 0.0;
    s->pressure_nominal[i] = s->num.actor[i][BRINK_ACTOR_SANCTIONS];
    s->pressure_effective[i] = 0.0;
    s->pending_until[i] = BRINK_NEVER;
    s->last_major[i] = BRINK_NEVER;
    s->memory[i] = (policy_memory){0, 0, 0, 0};
    for (uint32_t j = 0; j < n; j++) {
      s->threat[i][j] = 0.0;
      /* Common prior: everyone starts from j's prior probability of being greedy. */
      s->belief[i][j] = s->num.actor[j][BRINK_ACTOR_GREED];
      s->relation[i][j] = i == j ? 1.0 : s->num.relation[i][j][BRINK_RELATION_VALUE];
    }
  }
  s->commitments = 0;
  for (uint32_t c = 0; c < m->n_commitments; c++)
    if (s->num.commitment[c][BRINK_COMMITMENT_IN_FORCE] > 0.5) s->commitments |= 1u << c;
  s->track = BRINK_TRACK_NONE;
  s->offer_behavioural_until = s->offer_policy_until = s->mediated_until = BRINK_NEVER;
  s->tension_smooth = 0.0;
  brink_rng_init(&s->rng, seed, run, BRINK_STREAM_DYNAMICS);
}

static inline int offer_open(uint32_t until, uint32_t step) {
  return until != BRINK_NEVER && until >= step;
}

static int available(const brink_model *m, const run_state *s, uint32_t i, uint32_t a) {
  const action_info *ai = &m->actors[i].actions[a];
  if (s->readiness[i] < s->num.action[i][a][BRINK_ACTION_MIN_READINESS]) return 0;
  if (ai->min_track > s->track) return 0;
  if (ai->commits >= 0 && (s->commitments & (1u << ai->commits))) return 0;
  /* A diplomatic move is an offer for the next level; once there it has nothing to offer. */
  if (ai->kind == BRINK_ACTION_DIPLOMACY && ai->sets_track <= s->track) return 0;
  return 1;
}

/* Quantal-response choice of a behavioural actor (docs/model.md section 3). */
static int choose_behavioural(const brink_model *m, run_state *s, uint32_t i) {
  const actor_info *info = &m->actors[i];
  const double *an = s->num.actor[i];
  const double *w = s->num.type[i][s->type[i]];
  double threat = 0.0, cred = 0.0, response = 0.0, benign = 0.0;
  int n_adv = 0;
  for (uint32_t adv = info->adversaries; adv; adv &= adv - 1) {
    uint32_t j = (uint32_t)__builtin_ctz(adv);
    threat += s->threat[i][j];
    cred += s->credibility[i][j];
    response += s->credibility[i][j] * s->num.actor[j][BRINK_ACTOR_RESPONSE_COST];
    benign += 1.0 - s->belief[i][j];
    n_adv++;
  }
  if (n_adv) {
    cred /= n_adv;
    benign /= n_adv;
  }
  /* Utility per rung of a military action: spiral (security motive x perceived threat),
   * opportunism (x perceived weakness), minus the expected cost of the adversaries' credible
   * response (deterrence). Rungs are intensity / 10. */
  double military = w[BRINK_TYPE_SECURITY] * threat + w[BRINK_TYPE_OPPORTUNISM] * (1.0 - cred) -
                    w[BRINK_TYPE_DETERRENCE] * response;
  /* Value of conciliation: reciprocity towards adversaries believed benign that conciliated,
   * plus relief from sanction pain, minus the audience cost of backing down (Fearon 1994). */
  double conciliate = w[BRINK_TYPE_RECIPROCITY] * benign * s->conciliation[i] +
                      an[BRINK_ACTOR_SANCTION_SENSITIVITY] * s->pressure_effective[i] -
                      an[BRINK_ACTOR_AUDIENCE_COST] * s->escalation[i];
  double utility[NACT];
  int ok[NACT];
  double best = -HUGE_VAL;
  int best_a = -1;
  for (uint32_t a = 0; a < info->n_actions; a++) {
    ok[a] = available(m, s, i, a);
    if (!ok[a]) continue;
    const action_info *ai = &info->actions[a];
    const double *num = s->num.action[i][a];
    double u = -num[BRINK_ACTION_COST];
    if (ai->kind == BRINK_ACTION_MILITARY) u += military * num[BRINK_ACTION_INTENSITY] / 10.0;
    if (ai->kind == BRINK_ACTION_RESTRAINT || ai->kind == BRINK_ACTION_DIPLOMACY) u += conciliate;
    uint32_t breached = ai->breaches & s->commitments;
    for (uint32_t c = 0; breached; c++, breached >>= 1)
      if (breached & 1u) u -= s->num.commitment[c][BRINK_COMMITMENT_BREACH_COST];
    utility[a] = u;
    if (u > best) {
      best = u;
      best_a = (int)a;
    }
  }
  if (best_a < 0) return -1;
  double lambda = an[BRINK_ACTOR_RATIONALITY];
  if (lambda >= 1e6) return best_a;
  double total = 0.0;
  for (uint32_t a = 0; a < info->n_actions; a++) {
    if (!ok[a]) continue;
    utility[a] = brink__exp_neg(lambda * (utility[a] - best));
    total += utility[a];
  }
  double u = brink_rng_uniform32(&s->rng) * total;
  int last = best_a;
  for (uint32_t a = 0; a < info->n_actions; a++) {
    if (!ok[a]) continue;
    last = (int)a;
    u -= utility[a];
    if (u < 0.0) return (int)a;
  }
  return last;
}

/* Bayesian update of observer o's belief that actor j is greedy after j's action (Kydd 2005;
 * models.md 3.2). The observer under-attributes escalation to fear by belief_bias. */
static void update_belief(run_state *s, uint32_t o, uint32_t j, int kind, double intensity) {
  const double *mn = s->num.model;
  double bias = s->num.actor[o][BRINK_ACTOR_BELIEF_BIAS];
  double eg = mn[BRINK_MODEL_LIK_ESCALATE_GREEDY],
         es = mn[BRINK_MODEL_LIK_ESCALATE_SECURITY] * bias;
  double cg = mn[BRINK_MODEL_LIK_CONCILIATE_GREEDY], cs = mn[BRINK_MODEL_LIK_CONCILIATE_SECURITY];
  double lg, ls;
  if (kind == BRINK_ACTION_MILITARY && intensity > 0.0) {
    lg = eg;
    ls = es;
  } else if (kind == BRINK_ACTION_RESTRAINT || kind == BRINK_ACTION_DIPLOMACY) {
    lg = cg;
    ls = cs;
  } else {
    lg = max2(1e-3, 1.0 - eg - cg);
    ls = max2(1e-3, 1.0 - es - cs);
  }
  double mu = s->belief[o][j];
  mu = mu * lg / (mu * lg + (1.0 - mu) * ls);
  s->belief[o][j] = min2(1.0 - 1e-6, max2(1e-6, mu));
}

static const char *actor_name(const brink_model *m, uint32_t i) {
  return m->scenario->actors[i].name;
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
    if (brink_rng_uniform32(&s->rng) < logistic(logit)) {
      say(obs, s->step, "%s vetoes the UN Security Council resolution against %s", actor_name(m, v),
          actor_name(m, k));
      return 0;
    }
  }
  return 1;
}

/* Effective pressure on k: nominal x (1 - leakage), leakage falling with third parties'
 * enforcement (models.md 3.6). */
static double effective_pressure(const brink_model *m, const run_state *s, uint32_t k) {
  const double *mn = s->num.model;
  double nominal = s->pressure_nominal[k];
  if (nominal <= 0.0) return 0.0;
  double enforcement = 0.0;
  int n = 0;
  for (uint32_t v = 0; v < m->n_actors; v++) {
    if (!(m->third_parties & (1u << v)) || v == k) continue;
    double with_sanctioners = 0.0;
    int na = 0;
    for (uint32_t a = 0; a < m->n_actors; a++)
      if (m->actors[k].adversaries & (1u << a)) {
        with_sanctioners += s->relation[v][a];
        na++;
      }
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

static void record_view(const brink_model *m, run_state *s, double tension, int incident, int clash,
                        int war, const brink_run_observer *obs) {
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

void brink_model_run(const brink_model *m, uint32_t policy, uint64_t seed, uint64_t run,
                     brink_run_result *out, double *tension_out, const brink_run_observer *obs) {
  double params[BRINK_MAX_PARAMS];
  brink_model_sample_params(m, seed, run, params);
  brink_model_run_drawn(m, policy, seed, run, params, out, tension_out, obs);
}

void brink_model_run_drawn(const brink_model *m, uint32_t policy, uint64_t seed, uint64_t run,
                           const double *params, brink_run_result *out, double *tension_out,
                           const brink_run_observer *obs) {
  run_state s;
  const brink_scenario *sc = m->scenario;
  const brink_policy *pol = policy < sc->n_policies ? &sc->policies[policy] : NULL;
  init_state(m, &s, seed, run, params, pol);
  memset(out, 0, sizeof *out);
  out->war_step = out->first_clash_step = out->talks_step = BRINK_NEVER;
  for (uint32_t i = 0; i < m->n_actors; i++) out->types[i] = (uint8_t)s.type[i];
  const compiled_policy *cpol = pol ? &m->policies[policy] : NULL;
  const double *mn = s.num.model;
  const uint32_t n = m->n_actors;
  const double noise_scale = mn[BRINK_MODEL_NOISE];
  const double severity_fade = 1.0 - 1.0 / mn[BRINK_MODEL_SEVERITY_WINDOW];

  for (uint32_t t = 0; t < m->horizon; t++) {
    s.step = t;
    /* 1. Memory fades; relations drift (a bounded random walk). */
    for (uint32_t o = 0; o < n; o++) {
      double keep = s.num.actor[o][BRINK_ACTOR_THREAT_MEMORY];
      /* Only adversaries are perceived, so only their entries can be non-zero. */
      for (uint32_t adv = m->actors[o].adversaries; adv; adv &= adv - 1)
        s.threat[o][__builtin_ctz(adv)] *= keep;
      s.conciliation[o] *= keep;
      s.escalation[o] *= keep;
    }
    for (uint32_t d = 0; d < m->n_dynamic_relations; d++) {
      uint32_t a = m->dynamic_relations[d][0], b = m->dynamic_relations[d][1];
      const double *rn = s.num.relation[a][b];
      double r = s.relation[a][b] + rn[BRINK_RELATION_DRIFT];
      if (rn[BRINK_RELATION_NOISE] > 0.0)
        r += noise(&s.rng, rn[BRINK_RELATION_NOISE] * noise_scale);
      r = min2(1.0, max2(-1.0, r));
      s.relation[a][b] = s.relation[b][a] = r;
    }

    /* 2. Everyone decides at once, from the state left by the previous step. */
    for (uint32_t i = 0; i < n; i++) {
      switch (m->actors[i].driver) {
      case BRINK_DRIVER_BEHAVIOURAL:
        s.action[i] = choose_behavioural(m, &s, i);
        break;
      case BRINK_DRIVER_POLICY:
        s.action[i] = pol && (pol->actors & (1u << i)) ? brink__policy_decide(m, pol, cpol, &s, i)
                                                       : m->actors[i].hold_action;
        break;
      default:
        s.action[i] = -1;
      }
    }

    /* 3. Effects of the actions. */
    brink_tension_acc tension;
    brink_tension_reset(&tension);
    int major_provocation = 0, breach = 0;
    double proximity = 0.0, proximity_max = 0.0;
    uint32_t proximity_actor = 0;
    for (uint32_t i = 0; i < n; i++) {
      int a = s.action[i];
      if (a < 0) continue;
      const action_info *ai = &m->actors[i].actions[a];
      const double *num = s.num.action[i][a];
      const brink_action *act = &sc->actors[i].ladder[a];
      double intensity = num[BRINK_ACTION_INTENSITY];
      double goldstein = num[BRINK_ACTION_GOLDSTEIN];
      out->action_counts[i][a]++;
      if (ai->kind != BRINK_ACTION_HOLD) {
        brink_tension_add(&tension, goldstein, ai->quadclass);
        say(obs, t, "%s %s [CAMEO %s, Goldstein %+.1f]", sc->actors[i].name, act->label, act->cameo,
            goldstein);
      }
      /* Threat perception (Jervis): adversaries perceive the act, hostile acts magnified by
       * (1 + bias), cooperative ones discounted by (1 - bias), with noise. */
      double hostility = -goldstein / 10.0;
      for (uint32_t obs_mask = m->actors[i].observers; obs_mask; obs_mask &= obs_mask - 1) {
        uint32_t o = (uint32_t)__builtin_ctz(obs_mask);
        if (ai->kind != BRINK_ACTION_HOLD) {
          double bias = s.num.actor[o][BRINK_ACTOR_THREAT_BIAS];
          double perceived = hostility * (hostility > 0.0 ? 1.0 + bias : 1.0 - bias);
          double sd = s.num.actor[o][BRINK_ACTOR_THREAT_NOISE] * noise_scale;
          if (sd > 0.0) perceived *= max2(0.0, 1.0 + noise(&s.rng, sd));
          s.threat[o][i] += perceived;
        }
        if (ai->kind == BRINK_ACTION_RESTRAINT || ai->kind == BRINK_ACTION_DIPLOMACY)
          s.conciliation[o] = 1.0;
        update_belief(&s, o, i, ai->kind, intensity);
      }
      if (ai->kind == BRINK_ACTION_MILITARY) {
        if (intensity > s.escalation[i]) s.escalation[i] = intensity;
        double sev = intensity / 10.0;
        if (sev > s.severity[i]) s.severity[i] = sev;
        double px = num[BRINK_ACTION_PROXIMITY];
        proximity += px;
        if (px > proximity_max) {
          proximity_max = px;
          proximity_actor = i;
        }
        if (m->behavioural & (1u << i)) {
          out->provocations++;
          if (intensity >= mn[BRINK_MODEL_MAJOR_INTENSITY]) major_provocation = 1;
          /* Each adversary's resolve is now on test (credibility, section 3). */
          for (uint32_t j = 0; j < n && intensity >= mn[BRINK_MODEL_TEST_INTENSITY]; j++)
            if (m->actors[i].adversaries & (1u << j) &&
                m->actors[j].driver != BRINK_DRIVER_THIRD_PARTY) {
              if (s.pending_until[j] == BRINK_NEVER) {
                s.pending_until[j] = t + (uint32_t)mn[BRINK_MODEL_RESPONSE_WINDOW];
                s.pending_from[j] = t;
              }
              if (intensity >= mn[BRINK_MODEL_MAJOR_INTENSITY]) s.last_major[j] = t;
            }
        }
      }
      /* Deterrence model (Jervis 1976): a greedy adversary reads conciliation as weakness, so
       * each conciliatory act lowers the actor's credibility in the eyes of its greedy
       * adversaries (security seekers do not read it so). */
      if (ai->kind == BRINK_ACTION_RESTRAINT || ai->kind == BRINK_ACTION_DIPLOMACY)
        for (uint32_t om = m->actors[i].observers; om; om &= om - 1) {
          uint32_t o = (uint32_t)__builtin_ctz(om);
          if (s.type[o])
            s.credibility[o][i] -= mn[BRINK_MODEL_CONCILIATION_WEAKNESS] * s.credibility[o][i];
        }
      /* An answer to a pending provocation restores credibility. */
      /* Decisions are simultaneous: an act of the step that opened the test cannot answer it,
       * whatever the order of the actors in the file. */
      if (s.pending_until[i] != BRINK_NEVER && s.pending_until[i] >= t && s.pending_from[i] < t &&
          ((ai->kind == BRINK_ACTION_MILITARY && intensity > 0.0) ||
           ai->kind == BRINK_ACTION_SANCTION || ai->kind == BRINK_ACTION_UNSC) &&
          !(m->behavioural & (1u << i))) {
        for (uint32_t o = 0; o < n; o++)
          s.credibility[o][i] += mn[BRINK_MODEL_CREDIBILITY_LEARNING] * (1.0 - s.credibility[o][i]);
        s.pending_until[i] = BRINK_NEVER;
      }
      uint32_t breached = ai->breaches & s.commitments;
      if (breached) {
        for (uint32_t c = 0; c < m->n_commitments; c++)
          if (breached & (1u << c))
            say(obs, t, "%s breaches the commitment '%s'", sc->actors[i].name,
                sc->commitments[c].name);
        s.commitments &= ~breached;
        out->breaches += (uint32_t)popcount(breached);
        breach = 1;
      }
      if (ai->commits >= 0 && !(s.commitments & (1u << ai->commits))) {
        s.commitments |= 1u << ai->commits;
        say(obs, t, "commitment '%s' is now in force", sc->commitments[ai->commits].name);
      }
      switch (ai->kind) {
      case BRINK_ACTION_SANCTION:
        for (uint32_t k = 0; k < n; k++)
          if (ai->targets & (1u << k)) s.pressure_nominal[k] += num[BRINK_ACTION_PRESSURE];
        break;
      case BRINK_ACTION_UNSC:
        for (uint32_t k = 0; k < n; k++) {
          if (!(ai->targets & (1u << k))) continue;
          out->unsc_proposed++;
          if (unsc_vote(m, &s, i, k, obs)) {
            out->unsc_adopted++;
            s.pressure_nominal[k] += num[BRINK_ACTION_PRESSURE];
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
              rel_target += s.relation[v][k];
              nt++;
            }
          if (nt) rel_target /= nt;
          double p = logistic(mn[BRINK_MODEL_MEDIATE_BASE] +
                              mn[BRINK_MODEL_MEDIATE_RELATIONS] * s.relation[v][i] +
                              mn[BRINK_MODEL_MEDIATE_CLIENT] * rel_target);
          if (brink_rng_uniform32(&s.rng) < p) {
            s.mediated_until = t + (uint32_t)mn[BRINK_MODEL_MEDIATION_DURATION];
            say(obs, t, "%s agrees to mediate", sc->actors[v].name);
          }
        }
        break;
      case BRINK_ACTION_DIPLOMACY:
        if (ai->sets_track > s.track) {
          uint32_t until = t + (uint32_t)mn[BRINK_MODEL_OFFER_WINDOW];
          if (m->behavioural & (1u << i))
            s.offer_behavioural_until = until;
          else
            s.offer_policy_until = until;
        }
        break;
      default:
        break;
      }
    }
    /* Unanswered tests of resolve lower credibility. */
    for (uint32_t j = 0; j < n; j++)
      if (s.pending_until[j] != BRINK_NEVER && s.pending_until[j] <= t) {
        for (uint32_t o = 0; o < n; o++)
          s.credibility[o][j] -= mn[BRINK_MODEL_CREDIBILITY_LEARNING] * s.credibility[o][j];
        s.pending_until[j] = BRINK_NEVER;
      }

    /* 4. Incidents: hazard rising with proximity, tension and readiness (section 9). */
    int incident = 0, clash = 0, war = 0;
    int open_channel = s.track >= BRINK_TRACK_CONTACT;
    if (proximity > 0.0) {
      double mean_readiness = 0.0;
      /* Over the actors with forces in play: third parties do not count. */
      uint32_t armed = 0;
      for (uint32_t i = 0; i < n; i++)
        if (!(m->third_parties & (1u << i))) {
          mean_readiness += max2(0.0, s.readiness[i]);
          armed++;
        }
      mean_readiness /= armed ? armed : 1;
      double tension_norm = max2(0.0, s.tension_smooth / mn[BRINK_MODEL_TENSION_SCALE]);
      double hazard = mn[BRINK_MODEL_INCIDENT_BASE] * proximity *
                      (1.0 + mn[BRINK_MODEL_INCIDENT_TENSION] * tension_norm +
                       mn[BRINK_MODEL_INCIDENT_READINESS] * mean_readiness);
      if (brink_rng_uniform32(&s.rng) < hazard) {
        incident = 1;
        out->incidents++;
        say(obs, t, "military incident near %s forces", sc->actors[proximity_actor].name);
        double cut = 1.0 - mn[BRINK_MODEL_CHANNEL_REDUCTION] * open_channel;
        if (brink_rng_uniform32(&s.rng) < mn[BRINK_MODEL_CLASH_PROB] * cut) {
          clash = 1;
          out->clashes++;
          if (out->first_clash_step == BRINK_NEVER) out->first_clash_step = t;
          brink_tension_add(&tension, m->clash_goldstein, m->clash_quadclass);
          say(obs, t, "the incident becomes an armed clash");
          if (brink_rng_uniform32(&s.rng) < mn[BRINK_MODEL_WAR_PROB] * cut) {
            war = 1;
            out->war_step = t;
            out->war_actor = proximity_actor;
            say(obs, t, "the clash escalates into armed conflict");
          }
        }
      }
    }

    /* 5. Diplomacy track: advances when both sides' offers are open, falls back after a
     * major provocation, breach or incident (section 8). */
    if ((major_provocation || breach || incident) && s.track > BRINK_TRACK_NONE) {
      if (brink_rng_uniform32(&s.rng) < mn[BRINK_MODEL_TRACK_COLLAPSE]) {
        s.track--;
        s.offer_behavioural_until = s.offer_policy_until = BRINK_NEVER;
        say(obs, t, "the diplomacy track falls back to %s", track_names[s.track]);
      }
    } else if (s.track < BRINK_TRACK_AGREEMENT && offer_open(s.offer_behavioural_until, t) &&
               offer_open(s.offer_policy_until, t)) {
      double p = mn[BRINK_MODEL_TRACK_ADVANCE];
      if (offer_open(s.mediated_until, t)) p *= 1.0 + mn[BRINK_MODEL_MEDIATION_BOOST];
      if (brink_rng_uniform32(&s.rng) < p) {
        s.track++;
        s.offer_behavioural_until = s.offer_policy_until = BRINK_NEVER;
        say(obs, t, "the diplomacy track moves up to %s", track_names[s.track]);
        if (s.track == BRINK_TRACK_AGREEMENT) {
          for (uint32_t k = 0; k < n; k++)
            s.pressure_nominal[k] *= 1.0 - mn[BRINK_MODEL_SANCTION_RELIEF];
          for (uint32_t c = 0; c < m->n_commitments; c++)
            if (s.num.commitment[c][BRINK_COMMITMENT_BY_AGREEMENT] > 0.5 &&
                !(s.commitments & (1u << c))) {
              s.commitments |= 1u << c;
              say(obs, t, "the agreement puts '%s' in force", sc->commitments[c].name);
            }
        }
      }
    }
    if ((uint32_t)s.track > out->max_track) out->max_track = (uint32_t)s.track;
    if (s.track >= BRINK_TRACK_TALKS && out->talks_step == BRINK_NEVER) out->talks_step = t;

    /* 6. Readiness stocks, discrete Richardson (models.md 3.1) plus the adversaries' acts. */
    double next[NA];
    for (uint32_t i = 0; i < n; i++) {
      const double *an = s.num.actor[i];
      double adversary = 0.0, acts = 0.0;
      for (uint32_t j = 0; j < n; j++) {
        if (!(m->actors[i].adversaries & (1u << j))) continue;
        adversary += s.readiness[j];
        if (s.action[j] >= 0 && m->actors[j].actions[s.action[j]].kind == BRINK_ACTION_MILITARY)
          acts += action_intensity(&s, j, s.action[j]);
      }
      next[i] = s.readiness[i] + an[BRINK_ACTOR_REACTIVITY] * adversary -
                an[BRINK_ACTOR_FATIGUE] * s.readiness[i] + an[BRINK_ACTOR_GRIEVANCE] +
                an[BRINK_ACTOR_ACTION_GAIN] * acts;
    }
    for (uint32_t i = 0; i < n; i++) s.readiness[i] = next[i];

    /* 7. Sanctions: effective pressure, then decay; severity fades. */
    for (uint32_t k = 0; k < n; k++) {
      s.pressure_effective[k] = effective_pressure(m, &s, k);
      if (m->behavioural & (1u << k)) {
        out->pressure_nominal_sum += s.pressure_nominal[k];
        out->pressure_effective_sum += s.pressure_effective[k];
      }
      s.pressure_nominal[k] *= 1.0 - mn[BRINK_MODEL_SANCTION_DECAY];
      s.severity[k] *= severity_fade;
    }

    /* 8. Tension index: the same definition as for observed events (brink/tension.h). */
    double tension_value = brink_tension_value(&tension);
    double keep = mn[BRINK_MODEL_TENSION_MEMORY];
    s.tension_smooth = keep * s.tension_smooth + (1.0 - keep) * tension_value;
    if (tension_out) tension_out[t] = tension_value;
    record_view(m, &s, tension_value, incident, clash, war, obs);
    for (uint32_t i = 0; i < n; i++) s.prev_action[i] = s.action[i];
    out->steps_run = t + 1;
    out->commitments_end = s.commitments;
    if (war) break;
  }
}
