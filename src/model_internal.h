/* SPDX-License-Identifier: MIT */
/* The compiled model shared by model.c (compile, sample) and model_run.c / model_policy.c (run). */
#ifndef BRINK_MODEL_INTERNAL_H
#define BRINK_MODEL_INTERNAL_H

#include "brink/model.h"
#include "brink/rng.h"
#include "dist.h"
#include "rng_run.h"

#define NA BRINK_MAX_ACTORS
#define NACT BRINK_MAX_ACTIONS

/* Every number of a run, resolved: constants from the scenario, parameters drawn per run. */
typedef struct numbers {
  double model[BRINK_MODEL_KEY_COUNT];
  double actor[NA][BRINK_ACTOR_KEY_COUNT];
  double type[NA][2][BRINK_TYPE_KEY_COUNT];
  double action[NA][NACT][BRINK_ACTION_KEY_COUNT];
  double relation[NA][NA][BRINK_RELATION_KEY_COUNT]; /* symmetric; [i][i] unused */
  double commitment[BRINK_MAX_COMMITMENTS][BRINK_COMMITMENT_KEY_COUNT];
} numbers;

typedef struct patch {
  uint32_t slot;  /* index of a double inside struct numbers */
  uint32_t param; /* parameter index */
} patch;

/* Static facts of one action, compiled from the scenario. */
typedef struct action_info {
  uint8_t kind; /* brink_action_kind */
  uint8_t min_track, sets_track;
  int8_t commits; /* -1 or commitment index */
  uint32_t breaches, targets;
  int quadclass;
} action_info;

typedef struct actor_info {
  uint8_t driver;            /* brink_driver */
  uint32_t military_actions; /* bitmask of ladder actions of kind military */
  uint32_t campaign_actions; /* military actions that are development tests (campaign_start>0) */
  uint32_t allies, adversaries;
  uint32_t observers; /* actors that count this one among their adversaries */
  uint32_t n_actions;
  int hold_action; /* first HOLD action or -1 */
  /* Precomputed for the availability test (available_mask in model_run.c) and the policy
   * verbs: actions a track level rules out (min_track above it, or a diplomatic offer for a
   * level already reached), actions that make each commitment, actions of each kind. */
  uint32_t track_blocked[BRINK_TRACK_COUNT];
  uint32_t track_below[BRINK_TRACK_COUNT]; /* actions whose min_track is above each level */
  uint32_t commits_mask[BRINK_MAX_COMMITMENTS];
  /* The union of commits_mask over the commitments in force, by the low and the high byte of
   * the commitments' bitmask: commits_blocked[0][c & 255] | commits_blocked[1][c >> 8]. */
  uint32_t commits_blocked[2][256];
  uint32_t kind_actions[BRINK_ACTION_KIND_COUNT];
  /* For the policies (model_policy.c), which read these on every decision: the restraint and
   * diplomacy actions (what an adversary reads as conciliation), the commitments some action
   * breaches, and the actions that breach each commitment. */
  uint32_t conciliatory_actions;
  uint32_t breached;
  uint32_t breaching[32];
  /* The diplomacy actions in the order the verb offer_talks prefers them at each track level
   * (pick_kind in model_policy.c: the highest level offered from there, the first on ties);
   * offer_count[t] of them. */
  int8_t offer_order[BRINK_TRACK_COUNT][NACT];
  uint8_t offer_count[BRINK_TRACK_COUNT];
  action_info actions[NACT];
} actor_info;

/* What a policy's rules read of the actor's adversaries (observe in model_policy.c): each part
 * is computed only when some rule of the actor uses it. */
enum {
  SEES_INTENSITY = 1u,   /* highest intensity of an adversary's military act last step */
  SEES_CONCILIATED = 2u, /* an adversary took a restraint or diplomacy action last step */
  SEES_BELIEF = 4u,      /* mean belief that the adversaries are greedy */
  SEES_SINCE_MAJOR = 8u  /* steps since the last major provocation */
};

/* A user rule as one actor evaluates it: the rules of a policy that apply to the actor, in
 * their order, with the action of verb ACTION resolved on the actor's ladder (-1: none). */
typedef struct actor_rule {
  const brink_rule_condition *conditions; /* the scenario's (borrowed, as the scenario is) */
  uint32_t n_conditions;
  uint8_t verb;  /* brink_rule_verb */
  int8_t action; /* verb ACTION: the ladder action, or -1 */
  double by;     /* verb ESCALATE: rungs above the adversary's last intensity */
} actor_rule;

struct compiled_policy;
struct run_state;
/* How a policy decides for actor i (model_policy.c): an action index, or -1 for none. */
typedef int (*policy_decide_fn)(const brink_model *m, const brink_policy *pol,
                                const struct compiled_policy *cp, struct run_state *s, uint32_t i);

/* A policy compiled for its decisions: the function of its built-in (or of user rules), and the
 * user rules per actor, so that a decision walks only its own rules. */
typedef struct compiled_policy {
  policy_decide_fn decide; /* brink__policy_decider(builtin) */
  actor_rule *rules;       /* one block: actor i's rules are rules[first[i]] .. + n_rules[i] - 1 */
  uint32_t first[NA], n_rules[NA];
  uint8_t sees[NA]; /* the parts of the observation actor i's rules read (SEES_*) */
} compiled_policy;

struct brink_model {
  brink_ctx *ctx; /* the context that made it (brink_model_free) */
  const brink_scenario *scenario;
  /* A posterior sample replacing the priors of some parameters (brink_model_set_posterior):
   * n_draws rows of n_params values, NAN where the parameter keeps its prior. */
  double *posterior;
  size_t n_draws;
  /* Tabulated quantiles of the beta priors (NULL for the other parameters, and for a beta
   * whose table could not be built: it keeps brink__dist_quantile). */
  brink__dist_table *tables[BRINK_MAX_PARAMS];
  uint32_t horizon;
  uint32_t n_actors, n_params, n_commitments;
  uint32_t behavioural, policy_driven, third_parties; /* actor bitmasks */
  /* Actors whose readiness the engine's results can read (phase_stocks in model_run.c): all
   * but the third parties that are nobody's adversary. */
  uint32_t readiness_read;
  /* Observers whose beliefs the engine's results can read (phase_act in model_run.c): the
   * behavioural actors (look), and the policy actors when a rule of some policy tests belief
   * (observe in model_policy.c). */
  uint32_t belief_read;
  /* Actors whose severity the engine's results can read: the behavioural actors (their
   * effective pressure) and the targets of a UN Security Council action (the vote). */
  uint32_t severity_read;
  uint32_t campaigners;         /* actors with development campaigns (campaign_actions not 0) */
  uint32_t n_dynamic_relations; /* relations that drift or are noisy */
  uint8_t dynamic_relations[NA * NA][2];
  actor_info actors[NA];
  numbers base; /* constants in place; parameter slots filled per run */
  patch *patches;
  size_t n_patches;
  compiled_policy *policies;
  size_t n_policies;
  int clash_quadclass;
  double clash_goldstein;
};

/* Per-policy-actor memory of the built-in policies. */
typedef struct policy_memory {
  uint32_t next_step_at;   /* GRIT: next unilateral step */
  uint32_t resume_at;      /* GRIT: conciliation resumes */
  uint32_t answered_major; /* step of the last major provocation already sanctioned + 1 */
  int reciprocated;
  uint32_t phase; /* this run's offset of the actor's periodic schedules (steps) */
} policy_memory;

/* What a behavioural actor reads of its adversaries when it decides (docs/model.md section 3):
 * computed once per step from the state it acts on, used by the ladder choice and by the war
 * decisions of section 9. */
typedef struct outlook {
  double threat;   /* summed perceived hostility */
  double cred;     /* mean credibility (resolve) of the adversaries */
  double response; /* summed expected cost of their answer: credibility x response_cost */
  double benign;   /* mean belief that they are security seekers */
  double fear;     /* summed max(threat, 0) x belief that the adversary is greedy */
} outlook;

/* The state of one run (brink_model_state): everything a step reads and writes. */
typedef struct run_state {
  const brink_model *model;
  const brink_policy *policy;
  const struct compiled_policy *compiled;
  brink_run_result result;
  uint64_t seed, run; /* the run's key (parameters, types, streams) */
  int ended;
  int forced[NA];   /* act forced for the next step, or FREE */
  outlook view[NA]; /* behavioural actors' outlook at this step's decision */
  numbers num;
  uint32_t step;
  int type[NA];
  int action[NA], prev_action[NA];
  double threat[NA][NA];      /* [observer][actor] perceived hostility */
  double belief[NA][NA];      /* [observer][actor] P(actor greedy) */
  double conciliation[NA];    /* memory of adversaries' conciliatory acts, per observer */
  double credibility[NA][NA]; /* [observer][actor] belief that actor answers provocations */
  double readiness[NA];
  double escalation[NA]; /* public escalation level (rungs), for audience costs */
  double severity[NA];   /* recent max intensity / 10 */
  double relation[NA][NA];
  double pressure_nominal[NA], pressure_effective[NA];
  uint32_t pending_until[NA];   /* credibility test open until this step (BRINK_NEVER: none) */
  uint32_t pending_from[NA];    /* step the test opened: only later acts can answer it */
  uint32_t pending;             /* actors whose pending_until is not BRINK_NEVER */
  uint32_t last_major[NA];      /* step of the last major provocation against this actor's side */
  uint32_t last_used[NA][NACT]; /* step each action was last taken (BRINK_NEVER: not yet) */
  uint32_t campaign_on[NA];     /* bitmask: development campaign under way, per action */
  /* This run's gates of the availability test, from its numbers (brink__model_init): actions
   * that need their campaign (campaign_start > 0), that have a readiness floor that can bite,
   * that have a refractory time. */
  uint32_t campaign_gated[NA], readiness_gated[NA], refractory_gated[NA];
  /* The readiness floors of the readiness-gated actions, highest first (NaN floors, which never
   * bite, left out), and the cumulative masks of their actions: readiness below the k-th floor
   * rules out floor_mask[k] (set_gates). */
  double floor_value[NA][NACT];
  uint32_t floor_mask[NA][NACT];
  uint32_t n_floors[NA];
  /* Refractory actions used in this run (cooling) and the first step each is available again:
   * (double)(step - last use) < refractory iff step < ready_at (set when used, and by
   * set_gates from last_used). */
  uint32_t cooling[NA];
  uint64_t ready_at[NA][NACT];
  /* This run's likelihoods of an act under each type, per observer (update_belief in
   * model_run.c), from its numbers: [observer][class][0 greedy, 1 security seeker], class 0 an
   * escalation, 1 a conciliatory act, 2 any other act. */
  double likelihood[NA][3][2];
  /* Actors whose ladder numbers of this run are all finite and bounded (model_run.c,
   * UTILITY_BOUND): choose_behavioural may draw activity before computing utilities. */
  uint32_t utility_bounded;
  /* Quotients of the run's numbers that the step used to compute every time (set_gates): an
   * act's hostility -goldstein / 10 and severity intensity / 10, and the fading of severity
   * 1 - 1 / severity_window. */
  double hostility[NA][NACT], severity_of[NA][NACT];
  double severity_fade;
  uint16_t campaign_done[NA][NACT]; /* tests of the current campaign so far */
  uint32_t commitments;
  int track;
  uint32_t offer_behavioural_until, offer_policy_until, mediated_until;
  double offer_relief; /* relief key of the policy side's open offer */
  int mediator;        /* third party mediating (while mediated_until is open), or -1 */
  double tension_smooth;
  policy_memory memory[NA];
  double policy_num[BRINK_POLICY_KEY_COUNT]; /* the policy's parameters, resolved */
  brink__rng_run rng;                        /* stream BRINK_STREAM_DYNAMICS */
} run_state;

/* Bytes kept between data that different threads write: a pair of cache lines (the adjacent-
 * line prefetcher fetches pairs). A thread's run state is written on every draw; sharing a
 * line with another thread's state cost the engine nearly half its 2-thread speed. */
#define BRINK__LINE 128

/* A run's ladder numbers of its behavioural actors' utilities (ladder_utilities in model_run.c),
 * contiguous per actor for the ladder choice across the actions (brink__ladder_wide_avx2): the
 * cost, intensity and campaign drive of each action, 0 past the ladder; and the military actions
 * whose campaign_start is above 0 (their drive counts). Kept beside a run, not in its state
 * (which the particle filter copies); filled from the run's numbers (ladder_fill in
 * model_run.c), and again whenever they change. */
typedef struct brink__ladder {
  double cost[NA][NACT], intensity[NA][NACT], drive[NA][NACT];
  uint32_t driven[NA];
  /* The kernel, set once by the ladder's owner (a worker of the engine, a model state):
   * brink__ladder_wide_avx512, else brink__ladder_wide_avx2. */
  int avx512;
  /* The margin of the choice without the chain as a share of the total
   * (brink__ladder_choose_avx2): BRINK__CHOICE_MARGIN, set with avx512 (brink__ladder_kernel in
   * model_lanes.h); tests set 2, which
   * leaves every choice to the exact chain. A float (both are exact in one), in what was the
   * struct's tail padding: a double moved the run state after it in brink_model_state off its
   * 64-byte alignment, and the particle filter measured 3% slower on 1 thread. */
  float margin;
} brink__ladder;

/* Padded at both ends, so that states allocated one after another (one per thread in replay
 * and forecast, per particle in the filter) never share a cache line. */
struct brink_model_state {
  unsigned char head[BRINK__LINE];
  brink_ctx *ctx;           /* the context that made it (brink_model_state_free) */
  const brink_model *model; /* the model it was made for: every run starts there */
  /* Whether brink_model_state_choice_probs uses the ladder kernel (where brink__lanes_select
   * gives a wide kind when the state is made; else the scalar functions); and then the run's
   * ladder numbers for it (kept with the run's numbers: init, copy, rebind and new parameters
   * fill it again). */
  int ladder;
  brink__ladder wide;
  run_state s;
  unsigned char tail[BRINK__LINE];
};

#define FREE_CHOICE (-2) /* forced[i]: the actor chooses */

/* Index of a double slot inside struct numbers. */
#define NUM_SLOT(field) ((uint32_t)(offsetof(numbers, field) / sizeof(double)))

/* The decision function of a built-in policy (BRINK_POLICY_BUILTIN_NONE: the user rules) for
 * compiled_policy.decide (model_policy.c). */
policy_decide_fn brink__policy_decider(brink_policy_builtin builtin);

/* Chooses the action of policy actor `actor` under policy `policy` (model_policy.c). Returns an
 * action index, or -1 for none. */
int brink__policy_decide(const brink_model *model, const brink_policy *policy,
                         const compiled_policy *compiled, run_state *state, uint32_t actor);

/* Draws a run's parameters (one uniform each, stream PARAMS) and then, when types is not NULL,
 * its hidden types (one uniform per actor, after the parameters): the one place where a run's
 * uncertain inputs are drawn. params_given: the parameters are already in values (drawn by
 * the engine once for all policies); only the types are drawn. */
void brink__model_draw(const brink_model *model, uint64_t seed, uint64_t run, double *values,
                       int params_given, int *types);
/* Starts a run in s (run_state of model_run.c). */
void brink__model_init(const brink_model *m, run_state *s, uint32_t policy, uint64_t seed,
                       uint64_t run, const double *params);
int brink__model_step(run_state *s, double *tension_out, const brink_run_observer *obs);
/* The engine's path, which copies nothing per run: brink__model_patch puts a run's parameters
 * (params, drawn for every policy of the run) into s's numbers, copying the model's constant
 * numbers in first when s was last used with another model (s->model; NULL for a new state);
 * brink__model_run_patched then runs one policy on them, like brink_model_run_drawn with the
 * same params. */
void brink__model_patch(const brink_model *m, run_state *s, const double *params);
void brink__model_run_patched(run_state *s, uint32_t policy, uint64_t seed, uint64_t run,
                              const double *params, brink_run_result *out, double *tension_out);

/* The degree-8 Taylor polynomial of e^f, 1 + f (1 + f (1/2 + ... + f / 8!)), evaluated by Horner's
 * rule from its highest coefficient: p = f c[0], then p = f (c[k] + p) for k = 1 .. 7, then
 * 1 + p. brink__exp_neg and its vector copies in model_lanes.c take these coefficients in this
 * order, so that all compute the same operations. */
static const double brink__exp_taylor[8] = {1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120,
                                            1.0 / 24,    1.0 / 6,    0.5,       1.0};

/* e^x for x <= 0, accurate to 3e-10 relative on [-700, 0] (range reduction to 2^i e^f,
 * |f| <= ln2 / 2; the degree-8 Taylor polynomial of e^f, whose remainder f^9 / 9! is at most
 * 2.8e-10 of e^f; test_exp_bounds in tests/test_model.c measures it): the logit choice calls it
 * for every action of every step, where libm's exp was an eighth of the run time. */
static inline double brink__exp_neg(double x) {
  if (x < -700.0) return 0.0;
  double t = x * 1.4426950408889634; /* log2(e) */
  double r = t - 0.5;
  int64_t i = (int64_t)r; /* truncation; fix up to round-to-nearest below */
  if ((double)i > r) i--;
  i++;
  double f = (t - (double)i) * 0.6931471805599453; /* in [-ln2/2, ln2/2] */
  double p = f * brink__exp_taylor[0];
  for (int k = 1; k < 8; k++) p = f * (brink__exp_taylor[k] + p);
  p = 1.0 + p;
  union {
    uint64_t bits;
    double value;
  } scale = {(uint64_t)(i + 1023) << 52};
  return p * scale.value;
}

/* What 1 - brink__exp_neg(-x) may exceed 1 - e^-x by, with room: below 1e-9 for every x >= 0
 * (3e-10 relative is at most 3e-10 absolute), so that the computed chance is below
 * x + BRINK__EXP_NEG_SLACK (phase_conflict's incident draw; test_exp_bounds). */
#define BRINK__EXP_NEG_SLACK 1e-9

static inline double min2(double a, double b) { return a < b ? a : b; }
static inline double max2(double a, double b) { return a > b ? a : b; }

static inline double logistic(double x) {
  return x >= 0.0 ? 1.0 / (1.0 + brink__exp_neg(-x)) : 1.0 - 1.0 / (1.0 + brink__exp_neg(x));
}

/* Actions of actor i that readiness below their floor rules out now: the floors of the run's
 * readiness-gated actions, highest first (set_gates in model_run.c), so the ruled-out actions are
 * those of the first k floors above readiness (cumulative masks). */
static inline uint32_t floor_blocked(const run_state *s, uint32_t i) {
  const double readiness = s->readiness[i];
  uint32_t k = 0;
  while (k < s->n_floors[i] && readiness < s->floor_value[i][k]) k++;
  return k ? s->floor_mask[i][k - 1] : 0u;
}

static inline double action_intensity(const run_state *s, uint32_t actor, int a) {
  return a < 0 ? 0.0 : s->num.action[actor][a][BRINK_ACTION_INTENSITY];
}

#endif
