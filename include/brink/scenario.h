/* SPDX-License-Identifier: MIT */
/* Scenario files: the user's description of a crisis (actors, escalation ladders, relations,
 * commitments, policies, uncertain parameters) read from YAML, validated, and held as plain
 * data. The model (brink/model.h) compiles a scenario into its run-time plan. The reference
 * of every key is docs/scenario.md; the meaning of every number is docs/model.md. */
#ifndef BRINK_SCENARIO_H
#define BRINK_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits that keep the model's run-time state compact (bitmasks, fixed arrays). */
#define BRINK_MAX_ACTORS 8
#define BRINK_MAX_ACTIONS 32 /* per actor's ladder */
#define BRINK_MAX_COMMITMENTS 16
#define BRINK_MAX_HORIZON 5000 /* steps */
#define BRINK_MAX_INCLUDE_DEPTH 16
#define BRINK_MAX_PARAMS 64 /* uncertain parameters ($name) of one scenario */

/* ---- Numeric keys ---------------------------------------------------------------------
 * Every numeric key of every section is listed once here, with its default, range, unit and
 * one line of documentation. The loader validates against these tables (unknown key,
 * out-of-range value), the model reads values by these indices, and docs list them.
 * X(ENUM, "yaml_key", default, min, max, "unit", "doc")                                    */

/* Top-level `model:` section: mechanisms shared by all actors (docs/model.md sections 6-9). */
#define BRINK_MODEL_KEYS(X)                                                                        \
  X(NOISE, "noise", 1.0, 0.0, 10.0, "multiplier",                                                  \
    "scales every noise term (threat perception, relation drift); 0 turns noise off")              \
  X(SANCTION_DECAY, "sanction_decay", 0.01, 0.0, 1.0, "1/step",                                    \
    "fraction of nominal sanction pressure that lapses each step")                                 \
  X(LEAKAGE_MAX, "leakage_max", 0.8, 0.0, 1.0, "fraction",                                         \
    "share of sanction pressure that leaks when no third party enforces")                          \
  X(SANCTION_RELIEF, "sanction_relief", 0.5, 0.0, 1.0, "fraction",                                 \
    "share of nominal pressure lifted when an agreement is reached")                               \
  X(SEVERITY_WINDOW, "severity_window", 4, 1, 520, "steps",                                        \
    "how far back the severity of the target's provocations is read for votes/enforcement")        \
  X(VETO_BASE, "veto_base", 0.0, -20, 20, "logit", "log-odds of a veto at neutral relations")      \
  X(VETO_RELATIONS, "veto_relations", 3.0, 0, 50, "logit per relation unit",                       \
    "how much good relations with the proposer lower the log-odds of a veto")                      \
  X(VETO_SEVERITY, "veto_severity", 4.0, 0, 50, "logit per severity unit",                         \
    "how much the severity of the provocation (max intensity/10) lowers the log-odds of veto")     \
  X(VETO_CLIENT, "veto_client", 1.5, 0, 50, "logit per relation unit",                             \
    "how much good relations with the target raise the log-odds of a veto")                        \
  X(ENFORCE_BASE, "enforce_base", 0.0, -20, 20, "logit",                                           \
    "log-odds that a third party enforces sanctions at neutral relations")                         \
  X(ENFORCE_RELATIONS, "enforce_relations", 2.5, 0, 50, "logit per relation unit",                 \
    "how much relations with the sanctioning power raise enforcement")                             \
  X(ENFORCE_SEVERITY, "enforce_severity", 2.0, 0, 50, "logit per severity unit",                   \
    "how much the severity of recent provocations raises enforcement")                             \
  X(ENFORCE_CLIENT, "enforce_client", 1.0, 0, 50, "logit per relation unit",                       \
    "how much relations with the target lower enforcement")                                        \
  X(MEDIATE_BASE, "mediate_base", 0.5, -20, 20, "logit",                                           \
    "log-odds that a third party agrees to mediate when consulted")                                \
  X(MEDIATE_RELATIONS, "mediate_relations", 1.0, 0, 50, "logit per relation unit",                 \
    "how much relations with the consulting power raise willingness to mediate")                   \
  X(MEDIATE_CLIENT, "mediate_client", 1.0, 0, 50, "logit per relation unit",                       \
    "how much relations with the target raise willingness to mediate")                             \
  X(MEDIATION_BOOST, "mediation_boost", 1.5, 0, 100, "multiplier",                                 \
    "relative increase of the chance that the diplomacy track advances while mediated")            \
  X(TRACK_ADVANCE, "track_advance", 1.0, 0, 1, "probability/step",                                 \
    "chance that the diplomacy track moves up one level in a step where both sides' offers for "   \
    "that level are open (1: mutual offers always meet)")                                          \
  X(MEDIATION_PULL, "mediation_pull", 1.0, 0, 100, "utility per relation unit",                    \
    "added to a behavioural actor's value of diplomacy while a third party mediates, times its "   \
    "relation with the mediator (patrons push clients to the table)")                              \
  X(TRACK_COLLAPSE, "track_collapse", 0.5, 0, 1, "probability",                                    \
    "chance that the track falls one level after a major provocation, breach or incident")         \
  X(RANDOM_PHASE, "random_phase", 1, 0, 1, "0/1",                                                  \
    "policies' periodic schedules start at a phase drawn per run (true) or all at step 0 (false)") \
  X(MAJOR_INTENSITY, "major_intensity", 6, 0, 10, "rung",                                          \
    "intensity at or above which an action is a major provocation")                                \
  X(CREDIBILITY_LEARNING, "credibility_learning", 0.2, 0, 1, "fraction",                           \
    "how fast perceived resolve moves after a provocation is answered or not")                     \
  X(CONCILIATION_WEAKNESS, "conciliation_weakness", 0.05, 0, 1, "fraction",                        \
    "share of an actor's credibility with a greedy adversary lost per conciliatory act ("          \
    "deterrence model: conciliation read as weakness, Jervis 1976)")                               \
  X(TEST_INTENSITY, "test_intensity", 3, 0, 10, "rung",                                            \
    "intensity at or above which a provocation tests the adversaries' resolve (credibility)")      \
  X(RESPONSE_WINDOW, "response_window", 2, 1, 52, "steps",                                         \
    "steps after a major provocation within which an answer counts as a response")                 \
  X(INCIDENT_BASE, "incident_base", 0.002, 0, 1, "1/proximity unit",                               \
    "incident hazard per unit of proximity of the step's acts: P(incident) = 1 - exp(-base x "     \
    "sum of proximity)")                                                                           \
  X(CLASH_PROB, "clash_prob", 0.3, 0, 1, "probability",                                            \
    "chance that an incident becomes an armed clash at middling alert (readiness half its max)")   \
  X(CLASH_ALERT, "clash_alert", 1.0, 0, 2, "per alert unit",                                       \
    "how much the forces' alert (readiness / readiness_max, 0..1) moves the clash chance: "        \
    "clash_prob x (1 + clash_alert x (alert - 1/2))")                                              \
  X(ATTACK_HAZARD, "attack_hazard", 0.004, 0, 1, "probability/step",                               \
    "highest weekly chance of a deliberate attack by a behavioural actor (deterrence model: "      \
    "weakness invites aggression), reached when the attack's gain far exceeds its threshold")      \
  X(ATTACK_THRESHOLD, "attack_threshold", 0.5, -100, 100, "utility",                               \
    "gain of attacking (opportunism x (1 - credibility) - deterrence x expected response) at "     \
    "which the attack hazard is half its highest")                                                 \
  X(ATTACK_SLOPE, "attack_slope", 3.0, 0, 100, "logit per utility",                                \
    "steepness of the attack hazard around its threshold")                                         \
  X(PREEMPT_HAZARD, "preempt_hazard", 0.004, 0, 1, "probability/step",                             \
    "highest weekly chance of a pre-emptive strike by a behavioural actor (spiral model: fear of " \
    "being attacked first)")                                                                       \
  X(PREEMPT_THRESHOLD, "preempt_threshold", 3.0, 0, 1000, "threat units",                          \
    "fear (security motive x perceived hostility x belief the adversary is greedy) at which the "  \
    "pre-emption hazard is half its highest")                                                      \
  X(PREEMPT_SLOPE, "preempt_slope", 2.0, 0, 100, "logit per threat unit",                          \
    "steepness of the pre-emption hazard around its threshold")                                    \
  X(WAR_PROB, "war_prob", 0.1, 0, 1, "probability",                                                \
    "chance that an armed clash becomes armed conflict (ends the run)")                            \
  X(CHANNEL_REDUCTION, "channel_reduction", 0.5, 0, 1, "fraction",                                 \
    "how much open crisis channels (diplomacy track at contact or above) cut the clash and "       \
    "war hazards")                                                                                 \
  X(TENSION_SCALE, "tension_scale", 20, 0.001, 1e6, "Goldstein units/step",                        \
    "net conflict per step that counts as normalised tension 1")                                   \
  X(TENSION_MEMORY, "tension_memory", 0.7, 0, 1, "fraction/step",                                  \
    "smoothing of the tension that drives incident hazards (share of last step's kept)")           \
  X(OFFER_WINDOW, "offer_window", 4, 1, 520, "steps",                                              \
    "how long an offer to move the diplomacy track up stays open")                                 \
  X(MEDIATION_DURATION, "mediation_duration", 4, 1, 520, "steps",                                  \
    "how long a third party's agreed mediation lasts")                                             \
  X(LIK_ESCALATE_GREEDY, "lik_escalate_greedy", 0.6, 0.001, 0.999, "probability",                  \
    "observers' likelihood that a greedy type escalates (Bayesian update, Kydd 2005)")             \
  X(LIK_ESCALATE_SECURITY, "lik_escalate_security", 0.3, 0.001, 0.999, "probability",              \
    "observers' likelihood that a security seeker escalates (times belief_bias)")                  \
  X(LIK_CONCILIATE_GREEDY, "lik_conciliate_greedy", 0.1, 0.001, 0.999, "probability",              \
    "observers' likelihood that a greedy type conciliates")                                        \
  X(LIK_CONCILIATE_SECURITY, "lik_conciliate_security", 0.4, 0.001, 0.999, "probability",          \
    "observers' likelihood that a security seeker conciliates")

/* Per actor (`actors: NAME: {...}`): docs/model.md sections 1-5. */
#define BRINK_ACTOR_KEYS(X)                                                                        \
  X(GREED, "greed", 0.0, 0, 1, "probability",                                                      \
    "prior probability that the actor is the greedy (revisionist) type, drawn per run")            \
  X(RATIONALITY, "rationality", 2.0, 0, 1e9, "1/utility",                                          \
    "logit precision of the choice; 0 is uniform random, >= 1e6 always takes the best action")     \
  X(AUDIENCE_COST, "audience_cost", 0.0, 0, 100, "utility/rung",                                   \
    "cost of backing down per rung below the actor's highest public escalation (Fearon 1994)")     \
  X(THREAT_MEMORY, "threat_memory", 0.85, 0, 1, "fraction/step",                                   \
    "share of perceived hostility kept from one step to the next")                                 \
  X(THREAT_BIAS, "threat_bias", 0.3, 0, 1, "fraction",                                             \
    "Jervis bias: others' hostile acts weigh 1+b, their cooperative acts 1-b")                     \
  X(THREAT_NOISE, "threat_noise", 0.1, 0, 5, "sd (relative)",                                      \
    "multiplicative noise on each perceived act")                                                  \
  X(BELIEF_BIAS, "belief_bias", 0.7, 0.01, 1, "factor",                                            \
    "observer's likelihood of escalation by a security seeker, times this (< 1: escalation "       \
    "is under-attributed to fear)")                                                                \
  X(READINESS, "readiness", 0.3, 0, 100, "readiness units", "initial readiness stock")             \
  X(REACTIVITY, "reactivity", 0.05, 0, 10, "1/step",                                               \
    "Richardson reactivity s: readiness gained per unit of adversary readiness per step")          \
  X(FATIGUE, "fatigue", 0.1, 0, 1, "1/step",                                                       \
    "Richardson fatigue f: share of readiness lost per step")                                      \
  X(GRIEVANCE, "grievance", 0.02, -10, 10, "readiness units/step",                                 \
    "Richardson grievance g: constant readiness growth per step")                                  \
  X(ACTION_GAIN, "action_gain", 0.02, 0, 10, "readiness units per rung",                           \
    "readiness gained per rung of adversaries' military actions")                                  \
  X(CREDIBILITY, "credibility", 0.5, 0, 1, "probability",                                          \
    "initial belief of the others that this actor answers a major provocation")                    \
  X(RESPONSE_COST, "response_cost", 2.0, 0, 100, "utility",                                        \
    "cost this actor's military answer imposes on a provoker (capability)")                        \
  X(SANCTION_SENSITIVITY, "sanction_sensitivity", 1.0, 0, 100, "utility per pressure unit",        \
    "pain of effective sanction pressure, relieved by restraint and diplomacy")                    \
  X(SANCTIONS, "sanctions", 0, 0, 100, "pressure units",                                           \
    "nominal sanction pressure already on this actor at step 0")                                   \
  X(PERMANENT_MEMBER, "permanent_member", 0, 0, 1, "0/1",                                          \
    "holds a UN Security Council veto (true/false)")                                               \
  X(READINESS_MAX, "readiness_max", 2.0, 0.001, 100, "readiness units",                            \
    "ceiling of the readiness stock (the Richardson growth slows to zero there)")                  \
  X(THREAT, "threat", 0.0, -100, 100, "threat units",                                              \
    "perceived hostility from each adversary at step 0 (a crisis already under way)")              \
  X(TALKS_VALUE, "talks_value", 0.0, -100, 100, "utility",                                         \
    "value of diplomacy in itself to a behavioural actor (negative: refuses talks on principle)")  \
  X(NUCLEAR_USE, "nuclear_use", 0.0, 0, 1, "probability",                                          \
    "chance the actor uses nuclear weapons when armed conflict begins by an attack on it or by "   \
    "its own pre-emptive strike (declared doctrine; 0: no nuclear weapons)")                       \
  X(ACTIVITY, "activity", 1.0, 0, 1, "probability/step",                                           \
    "chance per step that a behavioural actor weighs its options at all; otherwise it keeps the "  \
    "status quo (its first hold action)")                                                          \
  X(CAMPAIGN_ACTIVITY, "campaign_activity", 0.0, 0, 1, "probability/step",                         \
    "chance per step that a behavioural actor weighs its options while one of its development "    \
    "campaigns runs, if above activity (a test programme's schedule)")                             \
  X(CAMPAIGN_SCALE, "campaign_scale", 1.0, 0, 100, "factor",                                       \
    "multiplies the per-step start probability of each of the actor's dormant development "        \
    "campaigns (its leadership's weapons programme)")

/* Per hidden type (`types: {security: {...}, greedy: {...}}`), Jervis; Kydd 2005.
 * X(ENUM, "key", default for the security-seeking type, default for the greedy type,
 *   min, max, "unit", "doc") */
#define BRINK_TYPE_KEYS(X)                                                                         \
  X(SECURITY, "security", 1.0, 0.3, 0, 100, "utility per threat unit per rung",                    \
    "security motive: answer perceived threat with force (the spiral)")                            \
  X(OPPORTUNISM, "opportunism", 0.0, 1.0, 0, 100, "utility per rung",                              \
    "exploit perceived weakness (low resolve) of adversaries")                                     \
  X(DETERRENCE, "deterrence", 0.5, 1.0, 0, 100, "weight",                                          \
    "weight on the expected cost of adversaries' credible response (deterrence)")                  \
  X(RECIPROCITY, "reciprocity", 1.0, 0.1, 0, 100, "utility",                                       \
    "value of returning the adversaries' conciliation when they are believed benign")

/* Per ladder action (`ladder: - name: ...`). */
#define BRINK_ACTION_KEYS(X)                                                                       \
  X(INTENSITY, "intensity", 0, 0, 10, "rung", "escalation rung of a military action (0 = none)")   \
  X(COST, "cost", 0, -100, 100, "utility", "cost of taking the action")                            \
  X(PROXIMITY, "proximity", 0, 0, 10, "proximity units",                                           \
    "how close the act brings forces to the other side: none 0, own_area 1, near_line 2, "         \
    "into_buffer 4, across_line 8 (BRINK_PROXIMITY_LEVELS)")                                       \
  X(MIN_READINESS, "min_readiness", 0, 0, 100, "readiness units",                                  \
    "precondition: the actor's readiness must be at least this")                                   \
  X(PRESSURE, "pressure", 0, 0, 10, "pressure units",                                              \
    "nominal sanction pressure the action adds (sanction kinds; UNSC only if adopted)")            \
  X(GOLDSTEIN, "goldstein", 0, -10, 10, "Goldstein",                                               \
    "conflict-cooperation weight; default from the CAMEO code's Goldstein weight")                 \
  X(REFRACTORY, "refractory", 0, 0, 520, "steps",                                                  \
    "least number of steps between two uses of the action (test-site preparation, test "           \
    "articles)")                                                                                   \
  X(CAMPAIGN_START, "campaign_start", 0, 0, 1, "probability/step",                                 \
    "0: not a development test; otherwise the chance per step that a dormant development "         \
    "campaign of this system starts (the action is available only while its campaign runs)")       \
  X(CAMPAIGN_ACTIVE, "campaign_active", 0, 0, 1, "probability",                                    \
    "chance that the system's development campaign is under way at step 0")                        \
  X(CAMPAIGN_TESTS, "campaign_tests", 8, 1, 1000, "tests",                                         \
    "tests a development campaign needs; after the last one the campaign goes dormant")            \
  X(CAMPAIGN_DRIVE, "campaign_drive", 0.5, 0, 100, "utility",                                      \
    "programme value of a test while its campaign runs (the schedule's own pull)")                 \
  X(RELIEF, "relief", 0, 0, 100, "utility",                                                        \
    "diplomacy offers: what the offer brings the adversary (sanctions relief, suspensions), "      \
    "added to its value of accepting while the offer is open, times its reciprocity weight")

/* Per relation (`relations: - {between: [A, B], ...}`), symmetric, in [-1, 1]. */
#define BRINK_RELATION_KEYS(X)                                                                     \
  X(VALUE, "value", 0, -1, 1, "relation", "initial relation: -1 hostile .. +1 cooperative")        \
  X(DRIFT, "drift", 0, -1, 1, "relation/step", "deterministic change per step")                    \
  X(NOISE, "noise", 0, 0, 1, "relation/step", "sd of the random walk per step")

/* Per commitment (`commitments: NAME: {holder: A, ...}`). */
#define BRINK_COMMITMENT_KEYS(X)                                                                   \
  X(BREACH_COST, "breach_cost", 2.0, 0, 100, "utility",                                            \
    "cost to the holder of an action that breaches the commitment while it is in force")           \
  X(BY_AGREEMENT, "by_agreement", 0, 0, 1, "0/1",                                                  \
    "put in force when the diplomacy track reaches agreement (true/false)")                        \
  X(IN_FORCE, "in_force", 0, 0, 1, "0/1", "already in force at step 0 (true/false)")

/* Parameters of a policy (`policies: NAME: {params: {...}}`), read by built-in policies and
 * available to rules. */
#define BRINK_POLICY_KEYS(X)                                                                       \
  X(THRESHOLD, "threshold", 6, 0, 10, "rung",                                                      \
    "adversary intensity at or above which an act counts as a major provocation")                  \
  X(RESPONSE_STEP, "response_step", 1, -10, 10, "rungs",                                           \
    "rungs above the provocation for an escalating answer")                                        \
  X(EXERCISE_EVERY, "exercise_every", 13, 1, 520, "steps", "period of routine exercises")          \
  X(OFFER_EVERY, "offer_every", 8, 1, 520, "steps", "period of renewed offers of talks")           \
  X(GRIT_STEP_EVERY, "grit_step_every", 4, 1, 520, "steps",                                        \
    "GRIT: steps between unilateral conciliatory acts")                                            \
  X(GRIT_HOLD, "grit_hold", 4, 0, 520, "steps",                                                    \
    "GRIT: steps to hold a step that was not reciprocated before the next one")                    \
  X(GRIT_RESUME, "grit_resume", 2, 0, 520, "steps",                                                \
    "GRIT: steps after a precise retaliation before conciliation resumes")                         \
  X(CONSULT_EVERY, "consult_every", 4, 1, 520, "steps", "period of consultations with the mediator")

/* Proximity of an act, named by what the act is (docs/model.md section 9): one rule for every
 * actor. X(ENUM, "name", proximity units, "what acts it covers") */
#define BRINK_PROXIMITY_LEVELS(X)                                                                  \
  X(NONE, "none", 0,                                                                               \
    "no forces near the other side: lofted or long-range tests, home deployments")                 \
  X(OWN_AREA, "own_area", 1,                                                                       \
    "forces or fire within one's own territory, waters or ranges, away from the line")             \
  X(NEAR_LINE, "near_line", 2,                                                                     \
    "live fire or manoeuvres close to the border or maritime line, forces off the other's coast")  \
  X(INTO_BUFFER, "into_buffer", 4,                                                                 \
    "fire or flights into a buffer zone or next to the other's forces, overflight near its coast") \
  X(ACROSS_LINE, "across_line", 8, "fire across the border or line at the other side's forces")

#define BRINK__KEY_ENUM_MODEL(e, ...) BRINK_MODEL_##e,
#define BRINK__KEY_ENUM_ACTOR(e, ...) BRINK_ACTOR_##e,
#define BRINK__KEY_ENUM_TYPE(e, ...) BRINK_TYPE_##e,
#define BRINK__KEY_ENUM_ACTION(e, ...) BRINK_ACTION_##e,
#define BRINK__KEY_ENUM_RELATION(e, ...) BRINK_RELATION_##e,
#define BRINK__KEY_ENUM_COMMITMENT(e, ...) BRINK_COMMITMENT_##e,
#define BRINK__KEY_ENUM_POLICY(e, ...) BRINK_POLICY_##e,
enum { BRINK_MODEL_KEYS(BRINK__KEY_ENUM_MODEL) BRINK_MODEL_KEY_COUNT };
enum { BRINK_ACTOR_KEYS(BRINK__KEY_ENUM_ACTOR) BRINK_ACTOR_KEY_COUNT };
enum { BRINK_TYPE_KEYS(BRINK__KEY_ENUM_TYPE) BRINK_TYPE_KEY_COUNT };
enum { BRINK_ACTION_KEYS(BRINK__KEY_ENUM_ACTION) BRINK_ACTION_KEY_COUNT };
enum { BRINK_RELATION_KEYS(BRINK__KEY_ENUM_RELATION) BRINK_RELATION_KEY_COUNT };
enum { BRINK_COMMITMENT_KEYS(BRINK__KEY_ENUM_COMMITMENT) BRINK_COMMITMENT_KEY_COUNT };
enum { BRINK_POLICY_KEYS(BRINK__KEY_ENUM_POLICY) BRINK_POLICY_KEY_COUNT };

typedef enum brink_key_section {
  BRINK_SECTION_MODEL,
  BRINK_SECTION_ACTOR,
  BRINK_SECTION_TYPE,
  BRINK_SECTION_ACTION,
  BRINK_SECTION_RELATION,
  BRINK_SECTION_COMMITMENT,
  BRINK_SECTION_POLICY,
  BRINK_SECTION_COUNT
} brink_key_section;

typedef struct brink_key_spec {
  const char *name;
  double def;     /* default (for types: the security-seeking type's) */
  double def_alt; /* types: the greedy type's default; otherwise equal to def */
  double min, max;
  const char *unit;
  const char *doc;
} brink_key_spec;

/* The key table of a section; *n receives its length. Static data, thread-safe. */
BRINK_API const brink_key_spec *brink_scenario_keys(brink_key_section section, size_t *n);
/* Level i of BRINK_PROXIMITY_LEVELS: its name, proximity units and doc (each out may be NULL).
 * Returns 0 past the last level. Static data, thread-safe. */
BRINK_API int brink_proximity_level(size_t i, const char **name, double *units, const char **doc);
/* The YAML name of a section ("model", "actor", ...). */
BRINK_API const char *brink_scenario_section_name(brink_key_section section);

/* ---- Values and uncertain parameters ---------------------------------------------------- */

/* Where something was written: for messages "file:line:col". file is owned by the scenario. */
typedef struct brink_srcloc {
  const char *file;
  uint32_t line, col; /* 1-based; 0 when not from a file (defaults, --set) */
} brink_srcloc;

/* A number in a scenario: a constant, or a reference to a parameter ("$name" in YAML) whose
 * value is drawn once per run. */
typedef struct brink_value {
  double constant; /* used when param < 0 */
  int32_t param;   /* index of the parameter (brink_scenario_param), or -1 */
} brink_value;

/* Enumerations with names: one X-macro list each makes the enum, the name function and the
 * names the scenario reader accepts (libuv's UV_ERRNO_MAP). */
/* Distributions of a parameter, the one table of them: X(ENUM, "name", N, keys), keys being
 * the N numbers a scenario file gives, stored in brink_param's (a, b, lo, hi) in that order
 * (value for CONSTANT; CHOICE lists values and weights). */
#define BRINK_DIST_MAP(X)                                                                          \
  X(CONSTANT, "constant", 1, "value", NULL, NULL, NULL)                                            \
  X(UNIFORM, "uniform", 2, "lo", "hi", NULL, NULL)           /* a = lo, b = hi */                  \
  X(NORMAL, "normal", 2, "mean", "sd", NULL, NULL)           /* a = mean, b = sd */                \
  X(TRUNCNORMAL, "truncnormal", 4, "mean", "sd", "lo", "hi") /* truncated to [lo, hi] */           \
  X(BETA, "beta", 2, "a", "b", NULL, NULL)                   /* a = alpha, b = beta, on [0, 1] */  \
  X(CHOICE, "choice", 0, "values", "weights", NULL, NULL)    /* choices[i] with weights[i] */
typedef enum brink_dist {
#define BRINK__DIST_ENUM(e, name, ...) BRINK_DIST_##e,
  BRINK_DIST_MAP(BRINK__DIST_ENUM)
#undef BRINK__DIST_ENUM
} brink_dist;
/* Outside the enum, so that switches over it need no case for the count. */
#define BRINK__COUNT_ONE(e, name, ...) +1
enum { BRINK_DIST_COUNT = 0 BRINK_DIST_MAP(BRINK__COUNT_ONE) };
#undef BRINK__COUNT_ONE
/* "constant", "uniform", ... ("?" out of range). Static data, thread-safe. */
BRINK_API const char *brink_dist_name(brink_dist dist);
/* How many numbers the distribution takes (0 for CHOICE, 0 out of range), and the scenario key
 * of number k ("mean" for k = 0 of NORMAL; "values", "weights" for CHOICE), or NULL. */
BRINK_API size_t brink_dist_arity(brink_dist dist);
BRINK_API const char *brink_dist_key(brink_dist dist, size_t k);

typedef struct brink_param {
  char *name; /* without "params." or "$" */
  char *doc;  /* may be NULL */
  char *unit; /* may be NULL */
  brink_dist dist;
  double value; /* CONSTANT */
  double a, b;
  double lo, hi; /* TRUNCNORMAL bounds; for the others the support (may be +-HUGE_VAL) */
  double *choices;
  double *weights; /* sum to 1 after loading */
  size_t n_choices;
  brink_srcloc loc;
} brink_param;

/* The prior's central value: the constant, the mean (uniform, normal, beta, choice), or for a
 * truncated normal its mode (the mean clipped to [lo, hi]). What outputs show for a parameter
 * and where an override starts from. */
BRINK_API double brink_param_prior_mean(const brink_param *param);

/* ---- Actors, ladders, relations, commitments, policies ---------------------------------- */

/* What moves an actor: X(ENUM, "name"). */
#define BRINK_DRIVER_MAP(X)                                                                        \
  X(BEHAVIOURAL, "behavioural") /* chooses by the behavioural model (quantal response) */          \
  X(POLICY, "policy")           /* driven by the policy being compared */                          \
  X(THIRD_PARTY, "third_party") /* votes, enforces, mediates (China, Russia); no ladder choice */
typedef enum brink_driver {
#define BRINK__DRIVER_ENUM(e, name) BRINK_DRIVER_##e,
  BRINK_DRIVER_MAP(BRINK__DRIVER_ENUM)
#undef BRINK__DRIVER_ENUM
} brink_driver;
#define BRINK__COUNT_ONE(e, name) +1
enum { BRINK_DRIVER_COUNT = 0 BRINK_DRIVER_MAP(BRINK__COUNT_ONE) };
#undef BRINK__COUNT_ONE
/* "behavioural", "policy", "third_party" ("?" out of range). */
BRINK_API const char *brink_driver_name(brink_driver driver);

/* Kinds of ladder action: X(ENUM, "name"). */
#define BRINK_ACTION_KIND_MAP(X)                                                                   \
  X(HOLD, "hold")           /* status quo, nothing new */                                          \
  X(MILITARY, "military")   /* launches, tests, drills, exercises, deployments, clashes */         \
  X(SANCTION, "sanction")   /* unilateral sanctions */                                             \
  X(UNSC, "unsc")           /* proposes a UN Security Council resolution (votes follow) */         \
  X(DIPLOMACY, "diplomacy") /* contact, talks, summit, agreement: signals willingness */           \
  X(RESTRAINT, "restraint") /* moratorium, exercise suspension, dismantlement */                   \
  X(MEDIATION, "mediation") /* asks a third party to mediate */
typedef enum brink_action_kind {
#define BRINK__ACTION_KIND_ENUM(e, name) BRINK_ACTION_##e,
  BRINK_ACTION_KIND_MAP(BRINK__ACTION_KIND_ENUM)
#undef BRINK__ACTION_KIND_ENUM
      BRINK_ACTION_KIND_COUNT
} brink_action_kind;
/* "hold", "military", ... ("?" out of range). Static data, thread-safe. */
BRINK_API const char *brink_action_kind_name(brink_action_kind kind);

/* Diplomacy track levels (docs/model.md section 8). */
/* Levels of the diplomacy track: X(ENUM, "name"). */
#define BRINK_TRACK_MAP(X)                                                                         \
  X(NONE, "none")                                                                                  \
  X(CONTACT, "contact")                                                                            \
  X(TALKS, "talks")                                                                                \
  X(SUMMIT, "summit")                                                                              \
  X(AGREEMENT, "agreement")
typedef enum brink_track {
#define BRINK__TRACK_ENUM(e, name) BRINK_TRACK_##e,
  BRINK_TRACK_MAP(BRINK__TRACK_ENUM)
#undef BRINK__TRACK_ENUM
      BRINK_TRACK_COUNT
} brink_track;
/* "none", "contact", "talks", "summit", "agreement" ("?" out of range). */
BRINK_API const char *brink_track_name(brink_track track);

typedef struct brink_action {
  char *name;  /* unique within the actor's ladder */
  char *label; /* for traces; defaults to the name */
  char *cameo; /* CAMEO event code, leading zeros kept */
  brink_action_kind kind;
  brink_value num[BRINK_ACTION_KEY_COUNT]; /* GOLDSTEIN defaults to the CAMEO weight */
  int goldstein_given;                     /* 1 when the file overrides the CAMEO weight */
  brink_track min_track;                   /* precondition on the diplomacy track */
  brink_track sets_track; /* DIPLOMACY: the level this action proposes (default min+1) */
  int32_t commits;        /* RESTRAINT: commitment index it puts in force, or -1 */
  uint32_t breaches;      /* bitmask of commitments this action breaches */
  uint32_t targets;       /* bitmask of actors it is aimed at (default: adversaries) */
  brink_srcloc loc;
} brink_action;

typedef struct brink_actor {
  char *name;  /* "DPRK": unique, [A-Za-z0-9_]+ */
  char *label; /* "North Korea" */
  brink_driver driver;
  uint32_t allies;      /* bitmask of actor indices */
  uint32_t adversaries; /* bitmask of actor indices */
  brink_value num[BRINK_ACTOR_KEY_COUNT];
  brink_value type_num[2][BRINK_TYPE_KEY_COUNT]; /* [0] security-seeking, [1] greedy */
  brink_action *ladder;
  size_t n_ladder;
  brink_srcloc loc;
} brink_actor;

typedef struct brink_commitment {
  char *name;
  uint32_t holder; /* actor index */
  brink_value num[BRINK_COMMITMENT_KEY_COUNT];
  brink_srcloc loc;
} brink_commitment;

/* Built-in policies (docs/model.md section 4). */
#define BRINK_BUILTIN_POLICIES(X)                                                                  \
  X(NONE, "none", "user-defined rules")                                                            \
  X(MAXIMUM_PRESSURE, "maximum_pressure",                                                          \
    "answer every provocation one rung higher, routine large exercises, sanctions, no talks")      \
  X(PROACTIVE_DIPLOMACY, "proactive_diplomacy",                                                    \
    "offer and pursue talks, reassure, no military answers")                                       \
  X(RECIPROCAL_RESTRAINT, "reciprocal_restraint",                                                  \
    "GRIT: announce, small unilateral steps, persist, precise retaliation, resume")                \
  X(TIT_FOR_TAT, "tit_for_tat", "match the adversary's last move on the ladder")                   \
  X(PRESSURE_PLUS_DIPLOMACY, "pressure_plus_diplomacy",                                            \
    "countermeasures against major provocations while keeping an offer of talks")                  \
  X(CONSULT_BEIJING, "consult_beijing",                                                            \
    "coordinate with the third party to mediate, offer talks, answer only major provocations")

#define BRINK__POLICY_ENUM(e, name, doc) BRINK_POLICY_BUILTIN_##e,
typedef enum brink_policy_builtin {
  BRINK_BUILTIN_POLICIES(BRINK__POLICY_ENUM) BRINK_POLICY_BUILTIN_COUNT
} brink_policy_builtin;
#undef BRINK__POLICY_ENUM
BRINK_API const char *brink_policy_builtin_name(brink_policy_builtin b);
BRINK_API const char *brink_policy_builtin_doc(brink_policy_builtin b);

/* Conditions of user-defined policy rules (all of a rule's conditions must hold).
 * X(ENUM, "yaml_key", min, max, "doc") */
#define BRINK_RULE_CONDITIONS(X)                                                                   \
  X(PROVOKED_AT_LEAST, "provoked_at_least", 0, 10,                                                 \
    "an adversary's action last step had at least this intensity")                                 \
  X(PROVOKED_WITHIN, "provoked_within", 1, 520,                                                    \
    "a major provocation (model major_intensity) happened within this many steps")                 \
  X(QUIET_FOR, "quiet_for", 1, 520, "no major provocation for at least this many steps")           \
  X(ADVERSARY_CONCILIATED, "adversary_conciliated", 0, 1,                                          \
    "1: an adversary took a restraint or diplomacy action last step (0: did not)")                 \
  X(TRACK_AT_LEAST, "track_at_least", 0, 4,                                                        \
    "diplomacy track level at least (0 none .. 4 agreement)")                                      \
  X(TRACK_BELOW, "track_below", 0, 4, "diplomacy track level below")                               \
  X(TENSION_ABOVE, "tension_above", -1e6, 1e6, "normalised tension above")                         \
  X(TENSION_BELOW, "tension_below", -1e6, 1e6, "normalised tension below")                         \
  X(BELIEF_GREEDY_ABOVE, "belief_greedy_above", 0, 1,                                              \
    "the actor's belief that the adversary is greedy is above")                                    \
  X(BELIEF_GREEDY_BELOW, "belief_greedy_below", 0, 1,                                              \
    "the actor's belief that the adversary is greedy is below")                                    \
  X(EVERY, "every", 1, 520, "the step number is a multiple of this")                               \
  X(PROBABILITY, "probability", 0, 1, "with this probability (drawn each step)")                   \
  X(STEP_AT_LEAST, "step_at_least", 0, BRINK_MAX_HORIZON, "the step number is at least")

#define BRINK__COND_ENUM(e, ...) BRINK_COND_##e,
typedef enum brink_rule_condition_kind {
  BRINK_RULE_CONDITIONS(BRINK__COND_ENUM) BRINK_COND_COUNT
} brink_rule_condition_kind;
#undef BRINK__COND_ENUM

/* Verbs of policy rules: what the actor does when the rule fires.
 * X(ENUM, "yaml_name", "doc") */
#define BRINK_RULE_VERBS(X)                                                                        \
  X(HOLD, "hold", "keep the status quo (the ladder's hold action)")                                \
  X(MATCH, "match", "the own military action closest in intensity to the adversary's last")        \
  X(ESCALATE, "escalate",                                                                          \
    "the own military action nearest to the adversary's last intensity + by (at or above)")        \
  X(STRONGEST, "strongest", "the most intense military action available")                          \
  X(ROUTINE, "routine", "the least intense military action available (routine exercise)")          \
  X(SANCTION, "sanction", "the strongest available unilateral sanction")                           \
  X(UNSC, "unsc", "propose a UN Security Council resolution")                                      \
  X(OFFER_TALKS, "offer_talks", "the diplomacy action for the next track level")                   \
  X(RESTRAIN, "restrain", "the cheapest available restraint action not yet in force")              \
  X(CONSULT, "consult", "ask the third parties to mediate")                                        \
  X(ACTION, "action", "the named action of the actor's ladder (give `action: NAME`)")

#define BRINK__VERB_ENUM(e, ...) BRINK_VERB_##e,
typedef enum brink_rule_verb {
  BRINK_RULE_VERBS(BRINK__VERB_ENUM) BRINK_VERB_COUNT
} brink_rule_verb;
#undef BRINK__VERB_ENUM
BRINK_API const char *brink_rule_condition_name(brink_rule_condition_kind c);
BRINK_API const char *brink_rule_verb_name(brink_rule_verb v);

typedef struct brink_rule_condition {
  brink_rule_condition_kind kind;
  double value;
} brink_rule_condition;

typedef struct brink_rule {
  brink_rule_condition *conditions; /* all must hold; none = always */
  size_t n_conditions;
  brink_rule_verb verb;
  double by;       /* ESCALATE: rungs above the adversary's last intensity */
  char *action;    /* ACTION: the ladder action's name, on every actor it applies to */
  uint32_t actors; /* bitmask of policy actors it applies to (default: all of the policy) */
  brink_srcloc loc;
} brink_rule;

typedef struct brink_policy {
  char *name;        /* "maximum_pressure" */
  char *description; /* may be NULL */
  brink_policy_builtin builtin;
  uint32_t actors; /* bitmask of the actors it drives (driver: policy) */
  brink_value num[BRINK_POLICY_KEY_COUNT];
  brink_rule *rules; /* builtin NONE: evaluated in order, first match per actor */
  size_t n_rules;
  brink_srcloc loc;
} brink_policy;

/* The length of a step: X(ENUM, "name"). */
#define BRINK_TIME_STEP_MAP(X) X(DAY, "day") X(WEEK, "week") X(MONTH, "month")
typedef enum brink_time_step {
#define BRINK__TIME_STEP_ENUM(e, name) BRINK_STEP_##e,
  BRINK_TIME_STEP_MAP(BRINK__TIME_STEP_ENUM)
#undef BRINK__TIME_STEP_ENUM
} brink_time_step;
#define BRINK__COUNT_ONE(e, name) +1
enum { BRINK_TIME_STEP_COUNT = 0 BRINK_TIME_STEP_MAP(BRINK__COUNT_ONE) };
#undef BRINK__COUNT_ONE
/* "day", "week", "month" ("?" out of range). */
BRINK_API const char *brink_time_step_name(brink_time_step step);

/* Outputs a scenario can ask for (`outputs:`); the engine computes all of them anyway, the
 * list selects what the table shows. */
#define BRINK_OUTPUTS(X)                                                                           \
  X(P_ARMED_CONFLICT, "p_armed_conflict", "probability of armed conflict by the horizon")          \
  X(P_CLASH, "p_clash", "probability of at least one armed clash")                                 \
  X(PROVOCATIONS, "provocations", "behavioural actors' military actions per run")                  \
  X(P_TALKS, "p_talks", "probability that talks are reached")                                      \
  X(TIME_TO_TALKS, "time_to_talks", "steps until talks are first reached")                         \
  X(TENSION, "tension", "tension index per step (quantiles)")                                      \
  X(SANCTIONS, "sanctions", "nominal and effective sanction pressure")
#define BRINK__OUTPUT_ENUM(e, ...) BRINK_OUTPUT_##e,
typedef enum brink_output { BRINK_OUTPUTS(BRINK__OUTPUT_ENUM) BRINK_OUTPUT_COUNT } brink_output;
#undef BRINK__OUTPUT_ENUM

/* A loaded scenario: an opaque handle, read through the accessors below (made by
 * brink_scenario_load, released by brink_scenario_free). The elements they return (brink_param,
 * brink_actor, brink_commitment, brink_policy) are read-only views owned by the scenario. */
typedef struct brink_scenario brink_scenario;

/* The scenario's name, description (may be NULL) and date of step 0 ("YYYY-MM-DD", labels
 * only; may be NULL). */
BRINK_API const char *brink_scenario_name(const brink_scenario *scenario);
BRINK_API const char *brink_scenario_description(const brink_scenario *scenario);
BRINK_API const char *brink_scenario_start(const brink_scenario *scenario);
/* Steps simulated (1..BRINK_MAX_HORIZON) and the length of a step. */
BRINK_API uint32_t brink_scenario_horizon(const brink_scenario *scenario);
BRINK_API brink_time_step brink_scenario_step(const brink_scenario *scenario);
/* Citations, as written in `sources:`. */
BRINK_API size_t brink_scenario_source_count(const brink_scenario *scenario);
BRINK_API const char *brink_scenario_source(const brink_scenario *scenario, size_t i);
/* Bitmask of brink_output: what the table shows (all when the file lists none). */
BRINK_API uint32_t brink_scenario_outputs(const brink_scenario *scenario);
/* Counts of the scenario's uncertain parameters, actors, commitments and policies, and
 * element i of each (in file order; NULL when i is past the end). */
BRINK_API size_t brink_scenario_param_count(const brink_scenario *scenario);
BRINK_API const brink_param *brink_scenario_param(const brink_scenario *scenario, size_t i);
BRINK_API size_t brink_scenario_actor_count(const brink_scenario *scenario);
BRINK_API const brink_actor *brink_scenario_actor(const brink_scenario *scenario, size_t i);
BRINK_API size_t brink_scenario_commitment_count(const brink_scenario *scenario);
BRINK_API const brink_commitment *brink_scenario_commitment(const brink_scenario *scenario,
                                                            size_t i);
BRINK_API size_t brink_scenario_policy_count(const brink_scenario *scenario);
BRINK_API const brink_policy *brink_scenario_policy(const brink_scenario *scenario, size_t i);

/* ---- Diagnostics ---------------------------------------------------------------------- */

typedef struct brink_diag {
  char *file; /* "" for --set or built-in */
  uint32_t line, col;
  char *message; /* "unknown key 'gred' in actor 'DPRK' (expected one of: greed, ...)" */
} brink_diag;

typedef struct brink_diag_list {
  brink_diag *items;
  size_t n, cap;
  brink_ctx *ctx;
} brink_diag_list;

BRINK_API void brink_diag_list_init(brink_diag_list *list, brink_ctx *ctx);
BRINK_API void brink_diag_list_release(brink_diag_list *list);

/* ---- Loading -------------------------------------------------------------------------- */

/* Loads a scenario file (with its includes) and applies overrides, each "PATH=VALUE" with a
 * dotted path into the file's tree (e.g. "params.dprk_greed=0.9",
 * "actors.DPRK.rationality=3", "time.horizon=52"), validated like the file.
 * On BRINK_EPARSE every problem found is appended to diags (may be NULL) as
 * file:line:column + message, and the context's message names the first one and how many
 * more. BRINK_EIO when a file cannot be read. On success *out is a new scenario the caller
 * frees with brink_scenario_free. */
BRINK_API brink_status brink_scenario_load(brink_ctx *ctx, const char *path,
                                           const char *const *overrides, size_t n_overrides,
                                           brink_diag_list *diags, brink_scenario **out);
/* The same from text in memory; name is used in messages and to resolve includes relative to
 * its directory (may be NULL: includes are then refused). */
BRINK_API brink_status brink_scenario_load_string(brink_ctx *ctx, const char *name,
                                                  const char *text, size_t len,
                                                  const char *const *overrides, size_t n_overrides,
                                                  brink_diag_list *diags, brink_scenario **out);
BRINK_API void brink_scenario_free(brink_scenario *scenario);

/* Writes the normalised scenario as YAML (includes resolved, every default explicit) to out;
 * loading that text gives the same scenario. */
BRINK_API brink_status brink_scenario_dump(brink_ctx *ctx, const brink_scenario *scenario,
                                           brink_buf *out);

/* Lookups by name; -1 when absent. */
BRINK_API int brink_scenario_find_actor(const brink_scenario *scenario, const char *name);
BRINK_API int brink_scenario_find_policy(const brink_scenario *scenario, const char *name);
BRINK_API int brink_scenario_find_param(const brink_scenario *scenario, const char *name);
BRINK_API int brink_actor_find_action(const brink_actor *actor, const char *name);

#ifdef __cplusplus
}
#endif
#endif
