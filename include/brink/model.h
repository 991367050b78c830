/* SPDX-License-Identifier: MIT */
/* The crisis model: a scenario compiled into an immutable plan that runs one trajectory at a
 * time (FFTW's plan/execute). brink_model_run allocates nothing, does no I/O and does not
 * modify the model, so any number of threads can run the same model at once. The mechanisms
 * and their equations are in docs/model.md. */
#ifndef BRINK_MODEL_H
#define BRINK_MODEL_H

#include <stdint.h>

#include "brink/brink.h"
#include "brink/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BRINK_NEVER UINT32_MAX /* a step that did not happen */

/* Random streams of a run: parameters and hidden types are drawn from stream PARAMS, which
 * does not depend on the policy, so run i of every policy has the same draw (common random
 * numbers). Everything else comes from DYNAMICS. */
enum {
  BRINK_STREAM_PARAMS = 0,
  BRINK_STREAM_DYNAMICS = 1,
  BRINK_STREAM_PHASE = 2,
  BRINK_STREAM_POSTERIOR = 3 /* which posterior draw a run uses */
};

typedef struct brink_model brink_model;

/* Compiles a scenario. The scenario must outlive the model (names are borrowed). New object,
 * caller frees with brink_model_free. BRINK_EINVAL (with a message) for scenarios the model
 * cannot run (e.g. more than BRINK_MAX_PARAMS parameters). */
BRINK_API brink_status brink_model_new(brink_ctx *ctx, const brink_scenario *scenario,
                                       brink_model **out);
BRINK_API void brink_model_free(brink_model *model);

BRINK_API const brink_scenario *brink_model_scenario(const brink_model *model);
BRINK_API uint32_t brink_model_horizon(const brink_model *model);
/* Replaces the horizon (steps, 1..BRINK_MAX_HORIZON) before runs start. Not thread-safe. */
BRINK_API brink_status brink_model_set_horizon(brink_ctx *ctx, brink_model *model,
                                               uint32_t horizon);

/* How armed conflict began (docs/model.md section 9). X(ENUM, "name") */
#define BRINK_WAR_CAUSES(X)                                                                        \
  X(NONE, "none")                                                                                  \
  X(INCIDENT, "incident")     /* incident -> armed clash -> war (accident) */                      \
  X(ATTACK, "attack")         /* deliberate attack: weakness invites aggression */                 \
  X(PREEMPTION, "preemption") /* pre-emptive strike out of fear */
#define BRINK__WAR_ENUM(e, name) BRINK_WAR_##e,
typedef enum brink_war_cause {
  BRINK_WAR_CAUSES(BRINK__WAR_ENUM) BRINK_WAR_CAUSE_COUNT
} brink_war_cause;
#undef BRINK__WAR_ENUM
/* "incident", "attack", ... ("?" out of range). */
BRINK_API const char *brink_war_cause_name(brink_war_cause cause);

/* What one run produced. Counts are per run; pressures are sums over the steps run. */
typedef struct brink_run_result {
  uint32_t steps_run;        /* horizon, or fewer when armed conflict ended the run */
  uint32_t war_step;         /* step armed conflict began, or BRINK_NEVER */
  uint32_t war_actor;        /* actor whose act or decision began it */
  uint32_t war_cause;        /* brink_war_cause */
  uint32_t nuclear_step;     /* step of nuclear use, or BRINK_NEVER */
  uint32_t agreement_step;   /* first step at agreement, or BRINK_NEVER */
  uint32_t first_clash_step; /* or BRINK_NEVER */
  uint32_t incidents, clashes;
  uint32_t provocations; /* military actions of behavioural actors */
  uint32_t talks_step;   /* first step the track stood at talks or higher, or BRINK_NEVER */
  uint32_t max_track;    /* highest brink_track reached */
  uint32_t unsc_proposed, unsc_adopted, breaches;
  uint32_t commitments_end;        /* bitmask of commitments in force when the run ended */
  double pressure_nominal_sum;     /* sum over steps of nominal pressure on behavioural actors */
  double pressure_effective_sum;   /* the same, effective (after leakage) */
  uint8_t types[BRINK_MAX_ACTORS]; /* hidden type drawn: 0 security-seeking, 1 greedy */
  uint16_t action_counts[BRINK_MAX_ACTORS][BRINK_MAX_ACTIONS]; /* times each action was taken */
} brink_run_result;

/* State after a step, for traces and tests (borrowed view, valid during the callback). */
typedef struct brink_step_view {
  uint32_t step;
  const int *actions;             /* action index per actor (-1: none, third parties) */
  const double *readiness;        /* per actor */
  const double *threat;           /* [i * n_actors + j]: i's perceived hostility from j */
  const double *belief;           /* [i * n_actors + j]: i's belief that j is greedy */
  const double *credibility;      /* [i * n_actors + j]: i's belief that j answers provocations */
  const double *pressure_nominal; /* per actor */
  const double *pressure_effective;
  uint32_t commitments; /* bitmask in force */
  brink_track track;
  double tension;           /* this step's tension index (Goldstein units) */
  int incident, clash, war; /* what happened this step */
} brink_step_view;

/* Optional observer of a run, for `brink trace`. event() receives one plain-language line per
 * happening ("UNSC resolution vetoed by CHN"); step() the state after each step. */
typedef struct brink_run_observer {
  void (*event)(void *userdata, uint32_t step, const char *text);
  void (*step)(void *userdata, const brink_step_view *view);
  void *userdata;
} brink_run_observer;

/* Runs trajectory `run` of policy `policy` (index into the scenario's policies) with the given
 * seed. tension (may be NULL) receives one value per step (Goldstein net conflict; steps after
 * armed conflict are left untouched). observer may be NULL. Thread-safe on a shared model. */
BRINK_API void brink_model_run(const brink_model *model, uint32_t policy, uint64_t seed,
                               uint64_t run, brink_run_result *out, double *tension,
                               const brink_run_observer *observer);

/* The same run with its parameters already drawn by brink_model_sample_params (the engine
 * draws them once per run for all policies). */
BRINK_API void brink_model_run_drawn(const brink_model *model, uint32_t policy, uint64_t seed,
                                     uint64_t run, const double *params, brink_run_result *out,
                                     double *tension, const brink_run_observer *observer);

/* Draws the parameters of run `run` (stream PARAMS) into values[n_params]: what the run used.
 * Thread-safe. */
BRINK_API void brink_model_sample_params(const brink_model *model, uint64_t seed, uint64_t run,
                                         double *values);

BRINK_API uint32_t brink_model_n_params(const brink_model *model);

/* Replaces the priors of the parameters named in names[0..n_cols) by a sample: rows[r * n_cols
 * + c] is draw r of parameter names[c]. Run `run` then takes one draw (chosen by the POSTERIOR
 * stream of (seed, run), the same for every policy) for those parameters and its prior draws
 * for the others. n_rows = 0 removes the sample. BRINK_EINVAL (message) for an unknown name or
 * a value outside its prior's support. Not thread-safe: call before runs start. */
BRINK_API brink_status brink_model_set_posterior(brink_ctx *ctx, brink_model *model,
                                                 const char *const *names, size_t n_cols,
                                                 const double *rows, size_t n_rows);
/* The same from a TSV file: a header of parameter names, then one draw per line ('#' comments
 * and blank lines skipped). BRINK_EPARSE with file:line:col, BRINK_EIO, or set_posterior's
 * errors prefixed with the file name. */
BRINK_API brink_status brink_model_load_posterior(brink_ctx *ctx, brink_model *model,
                                                  const char *path);

/* A posterior sample as read from its file, for callers that apply it to several models
 * (a sweep: one model per design point) or read its marginals (a sensitivity analysis). */
typedef struct brink_posterior {
  size_t n_cols, n_rows;
  char **names; /* [n_cols] parameter names */
  double *rows; /* [n_rows * n_cols]: rows[r * n_cols + c] is draw r of names[c] */
  char *path;   /* the file it was read from */
  brink_ctx *ctx;
} brink_posterior;

/* Reads a posterior TSV (the format of brink_model_load_posterior). New object, caller frees
 * with brink_posterior_free. BRINK_EPARSE with file:line:col, BRINK_EIO, BRINK_ELIMIT. */
BRINK_API brink_status brink_posterior_read(brink_ctx *ctx, const char *path,
                                            brink_posterior **out);
BRINK_API void brink_posterior_free(brink_posterior *posterior);
/* brink_model_set_posterior with the sample's columns, leaving out those whose parameter is a
 * constant in the model's scenario (set by --set or by a sweep at this point): run `run` keeps
 * those values and takes the other columns from its posterior draw. BRINK_EINVAL as
 * brink_model_set_posterior (a name that is no parameter, a draw outside its prior's support). */
BRINK_API brink_status brink_model_use_posterior(brink_ctx *ctx, brink_model *model,
                                                 const brink_posterior *posterior);

/* ---- The model as a steppable state -------------------------------------------------------
 * brink_model_run is init + step until the horizon or armed conflict. The same pieces are
 * public so that a caller can replay history: force some actors' acts from a record, read the
 * model's probability of another actor's recorded act, copy states (particle filters). */
typedef struct brink_model_state brink_model_state;

/* New state of `model` (borrowed: it must outlive the state). Caller frees with
 * brink_model_state_free. */
BRINK_API brink_status brink_model_state_new(brink_ctx *ctx, const brink_model *model,
                                             brink_model_state **out);
BRINK_API void brink_model_state_free(brink_model_state *state);
/* Starts run `run` of policy `policy` (an index, or UINT32_MAX for none: policy actors hold)
 * of the model the state was made for (brink_model_state_new), whichever model a rebind moved
 * the previous run to. params: the run's parameters (n_params values), or NULL to draw them
 * from (seed, run). */
BRINK_API void brink_model_state_init(brink_model_state *state, uint32_t policy, uint64_t seed,
                                      uint64_t run, const double *params);
/* dst becomes an exact copy of src (same model). */
BRINK_API void brink_model_state_copy(brink_model_state *dst, const brink_model_state *src);
/* Fixes actor's act for the next step only: an index into its ladder, or -1 for none. The
 * actor does not choose (and draws no random number for its choice) in that step. */
BRINK_API void brink_model_state_force(brink_model_state *state, uint32_t actor, int action);
/* The model's probability of each ladder action of behavioural actor `actor` in the next step,
 * from the current state, into probs[n_ladder] (0 for unavailable actions). BRINK_EINVAL if
 * the actor is not behavioural. Reads the state only; no random number is drawn. */
BRINK_API brink_status brink_model_state_choice_probs(const brink_model_state *state,
                                                      uint32_t actor, double *probs);
/* Runs one step; the run's result accumulates in the state (brink_model_state_result).
 * tension (may be NULL) receives the step's tension index. Returns 1 when the run has ended
 * (armed conflict, or the horizon reached); stepping an ended run does nothing. */
BRINK_API int brink_model_state_step(brink_model_state *state, double *tension,
                                     const brink_run_observer *observer);
/* The result accumulated so far (valid until the next init). */
BRINK_API const brink_run_result *brink_model_state_result(const brink_model_state *state);
BRINK_API uint32_t brink_model_state_step_index(const brink_model_state *state);
/* The model the state runs (after brink_model_state_rebind, the new one). */
BRINK_API const brink_model *brink_model_state_model(const brink_model_state *state);
/* The hidden type of actor i in this run (0 security-seeking, 1 greedy). */
BRINK_API int brink_model_state_type(const brink_model_state *state, uint32_t actor);
/* Gives the state's dynamic random stream a new key (seed, key): copies made by a particle
 * filter's resampling then continue on different draws. */
BRINK_API void brink_model_state_reseed(brink_model_state *state, uint64_t seed, uint64_t key);

/* Moves a run to another model of the same structure (same actors, drivers, ladder sizes and
 * commitments: the episode windows of one history), under policy `policy` of that model
 * (UINT32_MAX: none). The new model's numbers and relations replace the old (drawn for the
 * run's own key, or given in params); everything the run has accumulated carries over. The
 * step count continues, so the new model's horizon counts from the run's start.
 * BRINK_EINVAL (state unchanged) if the structures differ. */
BRINK_API brink_status brink_model_state_rebind(brink_model_state *state, const brink_model *model,
                                                uint32_t policy, const double *params);

/* Replaces the run's parameter values from now on (params[n_params]): every number given as a
 * $param takes its new value; the state built so far (types, beliefs, relations, stocks) is
 * kept. Iterated filtering perturbs parameters this way. */
BRINK_API void brink_model_state_set_params(brink_model_state *state, const double *params);

/* What an actor holds in a state, for filters and traces. */
typedef struct brink_actor_state {
  int type;           /* 0 security-seeking, 1 greedy */
  double readiness;   /* readiness units */
  double threat;      /* summed hostility it perceives from its adversaries (threat units) */
  double credibility; /* mean credibility of its adversaries in its eyes (probability) */
  double fear;        /* docs/model.md 9c, before the security weight (threat units) */
} brink_actor_state;
BRINK_API void brink_model_state_actor(const brink_model_state *state, uint32_t actor,
                                       brink_actor_state *out);

#ifdef __cplusplus
}
#endif
#endif
