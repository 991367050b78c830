/* SPDX-License-Identifier: MIT */
/* Runs in lanes (docs/performance.md, "Runs in lanes"): the engine steps four runs in lock
 * step, one per lane. Each lane is a whole run_state and runs the scalar phases; the ladder
 * choice of a behavioural actor (utilities, the best action, the logit weights and their
 * exponentials) is computed for the four lanes at once, with AVX2 on copies of the lanes'
 * ladder numbers laid out lane by lane. The same operations in the same order as the scalar
 * path, no contraction, the same draws from each lane's stream: the same bytes. */
#ifndef BRINK_MODEL_LANES_H
#define BRINK_MODEL_LANES_H

#include "model_internal.h"

#define BRINK__LANES 4

/* The AVX2 kernel is compiled on x86-64 with GCC or Clang (by function attribute, whatever the
 * build's -m flags; -DBRINK_LANES_NO_AVX2 leaves it out), and used when the CPU has AVX2
 * (brink__lanes_select). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(BRINK_LANES_NO_AVX2)
#define BRINK__LANES_HAVE_AVX2 1
#endif
/* The AVX-512 kernel likewise (-DBRINK_LANES_NO_AVX512 leaves it out), used when the CPU has
 * AVX-512 F, DQ and VL. */
#if defined(BRINK__LANES_HAVE_AVX2) && !defined(BRINK_LANES_NO_AVX512)
#define BRINK__LANES_HAVE_AVX512 1
#endif

#ifdef BRINK__LANES_HAVE_AVX2
/* The instruction sets of the AVX2 lanes (brink__lanes_select checks the CPU for each): the
 * kernel, and the lanes' decisions and steps (the scalar code of model_run.c compiled a second
 * time for them: three-operand AVX forms, BMI bit operations). No FMA: the
 * model's files are compiled with -ffp-contract=off and FMA is not among them, so every
 * operation rounds as in the base build. */
#define BRINK__LANES_AVX2_TARGET __attribute__((target("avx2,bmi,bmi2,popcnt")))
#endif

typedef enum brink__lanes_kind {
  BRINK__LANES_OFF,      /* one run after another (brink__model_run_patched) */
  BRINK__LANES_PORTABLE, /* lanes, the ladder choice lane after lane with the scalar code */
  BRINK__LANES_AVX2,     /* lanes, the ladder choice in AVX2 registers */
  BRINK__LANES_WIDE,     /* one run after another compiled for AVX2, the ladder choice across
                          * the actions in AVX2 registers (brink__model_run_patched_wide) */
  BRINK__LANES_WIDE512   /* the same, the ladder choice across the actions eight at a time in
                          * AVX-512 registers (brink__ladder_wide_avx512) */
} brink__lanes_kind;

typedef struct brink__lanes {
  run_state *lane[BRINK__LANES];
  brink__lanes_kind kind;
  /* Each lane's ladder numbers, [actor][action][lane], copied when a run enters the lane
   * (brink__lanes_fill; AVX2 only). */
  double cost[NA][NACT][BRINK__LANES], intensity[NA][NACT][BRINK__LANES];
  double campaign_start[NA][NACT][BRINK__LANES], campaign_drive[NA][NACT][BRINK__LANES];
  double breach_cost[BRINK_MAX_COMMITMENTS][BRINK__LANES];
  /* One actor's decision in the lanes that weigh their options: the inputs (kind values,
   * rationality, available actions, commitments in force)... */
  double military[BRINK__LANES], conciliate[BRINK__LANES], talks[BRINK__LANES];
  double lambda[BRINK__LANES];
  uint32_t ok[BRINK__LANES], commitments[BRINK__LANES];
  /* ...and the outputs: the logit weight of each available action (its utility when the actor
   * is fully rational, lambda >= 1e6), their total and the best action. */
  double weight[NACT][BRINK__LANES];
  double total[BRINK__LANES];
  int best[BRINK__LANES];
} brink__lanes;

/* The kind the engine uses: BRINK__LANES_WIDE512 when the CPU has AVX-512 (F, DQ, VL),
 * BRINK__LANES_WIDE when it has AVX2, else BRINK__LANES_OFF. The lanes (BRINK__LANES_AVX2)
 * vectorise the same ladder choice across four runs and pay for their lock step; across the
 * actions of one run it measured as fast or faster on both Korea 2022 files measured, the shipped
 * one (the DPRK's activity drawn, where the lanes lost to one run after another) and the
 * baseline's (activity 1, where the lanes were chosen), and eight actions at a time faster
 * still than four (docs/performance.md, "The ladder across the actions" and "Eight actions at a
 * time").
 * The environment variable BRINK_LANES overrides the choice ("off", "portable", "avx2",
 * "wide", "wide512"; a kind whose instructions the CPU lacks gives BRINK__LANES_OFF), for
 * tests and benchmarks. */
brink__lanes_kind brink__lanes_select(void);

/* Whether kind is one of the ladder choices across the actions (BRINK__LANES_WIDE, or
 * BRINK__LANES_WIDE512 with the AVX-512 kernel: brink__ladder.avx512). */
static inline int brink__lanes_wide(brink__lanes_kind kind) {
  return kind == BRINK__LANES_WIDE || kind == BRINK__LANES_WIDE512;
}

/* Copies lane l's ladder numbers (its run_state's, after brink__model_start_patched) into L. */
void brink__lanes_fill(brink__lanes *L, uint32_t l);

#ifdef BRINK__LANES_HAVE_AVX2
/* Utilities, best action, logit weights and total of actor i in the lanes of `pending`, from
 * L's inputs and copies (the AVX2 version of ladder_utilities and logit_weights). */
void brink__lanes_ladder_avx2(brink__lanes *L, const actor_info *info, uint32_t i,
                              uint32_t pending);
#endif

#ifdef BRINK__LANES_HAVE_AVX2
/* The ladder choice of behavioural actor i in one run, across its actions four at a time
 * (ladder_utilities, then logit_weights when lambda < 1e6, of model_run.c: the same results):
 * utility[] gets the utilities of the available actions ok, or their logit weights with *total
 * their sum; returns the best action. For utilities_finite actors only. AVX2 CPUs only. */
int brink__ladder_wide_avx2(const brink__ladder *L, const actor_info *info, const run_state *s,
                            uint32_t i, double military, double conciliate, double talks,
                            uint32_t ok, double lambda, double *utility, double *total);
#endif
#ifdef BRINK__LANES_HAVE_AVX512
/* brink__ladder_wide_avx2 eight actions at a time in AVX-512 registers (masks instead of
 * blends): the same results. AVX-512 CPUs only. */
int brink__ladder_wide_avx512(const brink__ladder *L, const actor_info *info, const run_state *s,
                              uint32_t i, double military, double conciliate, double talks,
                              uint32_t ok, double lambda, double *utility, double *total);
#endif

/* The choice without the chain (brink__ladder_choose_avx2): its margin as a share of the total
 * (brink__ladder.margin). */
#define BRINK__CHOICE_MARGIN 0x1p-36

/* Sets the kernels of L (brink__ladder_wide_avx512 and brink__ladder_choose_avx512 with avx512,
 * else the AVX2 ones) and the choice's margin, as every owner of a ladder does once. */
static inline void brink__ladder_kernel(brink__ladder *L, int avx512) {
  L->avx512 = avx512;
  L->margin = BRINK__CHOICE_MARGIN;
}

#ifdef BRINK__LANES_HAVE_AVX2
/* The ladder choice of a behavioural actor below full rationality (lambda < 1e6) in one run,
 * given the uniform `draw` that sample_choice (model_run.c) would take: the action that the
 * scalar path (ladder_utilities, logit_weights, then sample_choice's subtraction chain from
 * draw x total) chooses, found without that path's two chains of dependent additions
 * (docs/performance.md, "The choice without the chain"). The weights come from the exponential of
 * brink__ladder_wide_avx2 with its polynomial by Estrin's scheme; their running sums from a tree;
 * and the chain's value after each available action, draw x total - (w_0 + ... + w_k), from
 * those sums. The two computations of that value differ by rounding alone, to first order by at
 * most:
 * - (2n + 22) x 2^-53 x total for n <= 32 actions: 2n from the chain's total and subtractions,
 *   22 from a tree of depth at most 10, the total's and the product's;
 * - 1.2e-14 x total from the weights: Estrin's and Horner's polynomials are within 11 and 16
 *   roundings of the exact one, times e^|f| / e^-|f| (2 for |f| <= ln2 / 2: the coefficients are
 *   positive), so within 6e-15 of each other relative;
 *   the argument and the power of two are the same; the best action's weight is 1 either way, so
 *   total >= 1 and subnormal weights are negligible;
 * below 2.2e-14 x total in all. The margin, L->margin x total (BRINK__CHOICE_MARGIN: about
 * 1.5e-11), is over 600 times that. An action is returned only when its value and every earlier
 * one are clear of zero by the margin, so it is the one the chain picks; otherwise -2 (a value
 * within the margin of zero: about once in 10^9 choices; or a total that is not finite and
 * positive), and the caller takes the exact chain from the same draw. -1 when ok is 0.
 * utilities_finite actors only; AVX2 CPUs only. */
int brink__ladder_choose_avx2(const brink__ladder *L, const actor_info *info, const run_state *s,
                              uint32_t i, double military, double conciliate, double talks,
                              uint32_t ok, double lambda, double draw);
#endif
#ifdef BRINK__LANES_HAVE_AVX512
/* brink__ladder_choose_avx2 eight actions at a time in AVX-512 registers: the same results (the
 * tree is of depth at most 7). AVX-512 CPUs only. */
int brink__ladder_choose_avx512(const brink__ladder *L, const actor_info *info, const run_state *s,
                                uint32_t i, double military, double conciliate, double talks,
                                uint32_t ok, double lambda, double draw);
#endif

/* Starts a run in s on its patched numbers (brink__model_patch), as brink__model_run_patched
 * does before its first step. */
void brink__model_start_patched(run_state *s, uint32_t policy, uint64_t seed, uint64_t run,
                                const double *params);
#ifdef BRINK__LANES_HAVE_AVX2
/* brink__model_run_patched compiled for AVX2 (BRINK__LANES_AVX2_TARGET), its ladder choices
 * across the actions (brink__ladder_wide_avx2, or brink__ladder_wide_avx512 where L->avx512) on
 * the run's ladder numbers in L: the same results. The policies of a run share its start: the first
 * (first != 0) starts the run in s and keeps everything but the numbers in start and the ladder
 * numbers in L; each later policy of the same run (the same seed, run and params, s patched
 * alike) starts from there with its own policy. */
void brink__model_run_patched_wide(run_state *s, run_state *start, brink__ladder *L, int first,
                                   uint32_t policy, uint64_t seed, uint64_t run,
                                   const double *params, brink_run_result *out,
                                   double *tension_out);
#endif
/* The ladder choice of behavioural actor i on the state s as it stands, for tests: its available
 * actions *ok, their utilities or, below full rationality, their logit weights in utility[] with
 * their sum *total; returns the best action, -2 when some utility might not be finite. By the
 * scalar functions, and on AVX2 CPUs by brink__ladder_wide_avx2 (brink__ladder_wide_avx512 with
 * avx512, on AVX-512 CPUs). */
int brink__ladder_scalar(const run_state *s, uint32_t i, uint32_t *ok, double *utility,
                         double *total);
#ifdef BRINK__LANES_HAVE_AVX2
int brink__ladder_wide(const run_state *s, uint32_t i, uint32_t *ok, double *utility, double *total,
                       int avx512);
#endif
#ifdef BRINK__LANES_HAVE_AVX2
/* brink__ladder_choose_avx2 (with avx512, brink__ladder_choose_avx512) on the state s as it
 * stands, for tests: -3 when it does not apply (not every utility finite, or fully rational). */
int brink__ladder_choose(const run_state *s, uint32_t i, double draw, int avx512);
#endif
/* Phase 3 of a step (the decisions) in every lane of `active`; then brink__model_step_decided
 * runs the rest of each lane's step (the engine's version, without observer). */
void brink__model_decide_lanes(brink__lanes *L, uint32_t active);
int brink__model_step_decided(run_state *s, double *tension_out);
#ifdef BRINK__LANES_HAVE_AVX2
/* brink__model_step_decided compiled for the AVX2 lanes (BRINK__LANES_AVX2_TARGET), the same
 * results; only where brink__lanes_select gave BRINK__LANES_AVX2. */
int brink__model_step_decided_avx2(run_state *s, double *tension_out);
#endif

#endif
