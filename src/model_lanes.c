/* SPDX-License-Identifier: MIT */
/* Runs in lanes (model_lanes.h): which kind the engine uses, the lanes' copies of their ladder
 * numbers, and the ladder choice of four runs at once in AVX2 registers, compiled for AVX2 by
 * function attribute (the library is built for the base x86-64 and checks the CPU at run
 * time). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_lanes.h"

#ifdef BRINK__LANES_HAVE_AVX2
#include <immintrin.h>
#endif

brink__lanes_kind brink__lanes_select(void) {
  const char *want = getenv("BRINK_LANES");
  int avx2 = 0, avx512 = 0;
#ifdef BRINK__LANES_HAVE_AVX2
  avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
#endif
#ifdef BRINK__LANES_HAVE_AVX512
  avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512vl");
#endif
  if (want && strcmp(want, "off") == 0) return BRINK__LANES_OFF;
  if (want && strcmp(want, "portable") == 0) return BRINK__LANES_PORTABLE;
  if (want && strcmp(want, "avx2") == 0) return avx2 ? BRINK__LANES_AVX2 : BRINK__LANES_OFF;
  if (want && strcmp(want, "wide") == 0) return avx2 ? BRINK__LANES_WIDE : BRINK__LANES_OFF;
  if (want && strcmp(want, "wide512") == 0) return avx512 ? BRINK__LANES_WIDE512 : BRINK__LANES_OFF;
  return avx512 ? BRINK__LANES_WIDE512 : avx2 ? BRINK__LANES_WIDE : BRINK__LANES_OFF;
}

void brink__lanes_fill(brink__lanes *L, uint32_t l) {
  const run_state *s = L->lane[l];
  const brink_model *m = s->model;
  for (uint32_t bm = m->behavioural; bm; bm &= bm - 1) {
    uint32_t i = (uint32_t)__builtin_ctz(bm);
    for (uint32_t a = 0; a < m->actors[i].n_actions && a < NACT; a++) {
      const double *num = s->num.action[i][a];
      L->cost[i][a][l] = num[BRINK_ACTION_COST];
      L->intensity[i][a][l] = num[BRINK_ACTION_INTENSITY];
      L->campaign_start[i][a][l] = num[BRINK_ACTION_CAMPAIGN_START];
      L->campaign_drive[i][a][l] = num[BRINK_ACTION_CAMPAIGN_DRIVE];
    }
  }
  for (uint32_t c = 0; c < m->n_commitments && c < BRINK_MAX_COMMITMENTS; c++)
    L->breach_cost[c][l] = s->num.commitment[c][BRINK_COMMITMENT_BREACH_COST];
}

#ifdef BRINK__LANES_HAVE_AVX2

#define AVX2 __attribute__((target("avx2")))

/* p = the degree-8 polynomial of brink__exp_neg at the vector f (__m256d or __m512d, by GCC's
 * vector operators: lane by lane, each operation rounded as written, no contraction). By Horner's
 * rule with the scalar function's operations in its order; with estrin (a constant), by Estrin's
 * scheme: f^2, f^4 and four pairs of coefficients side by side, a chain of 7 operations instead of
 * 16, other bits within 6e-15 relative (model_lanes.h). */
#define EXP_POLY(p, f, estrin)                                                                     \
  do {                                                                                             \
    const double *c_ = brink__exp_taylor;                                                          \
    if (estrin) {                                                                                  \
      const __typeof__(f) f2_ = (f) * (f), f4_ = f2_ * f2_;                                        \
      const __typeof__(f) lo_ = (1.0 + (f)*c_[7]) + f2_ * (c_[6] + (f)*c_[5]);                     \
      const __typeof__(f) hi_ = ((c_[4] + (f)*c_[3]) + f2_ * (c_[2] + (f)*c_[1])) + f4_ * c_[0];   \
      (p) = lo_ + f4_ * hi_;                                                                       \
    } else {                                                                                       \
      (p) = (f)*c_[0];                                                                             \
      for (int k_ = 1; k_ < 8; k_++) (p) = (f) * (c_[k_] + (p));                                   \
      (p) = 1.0 + (p);                                                                             \
    }                                                                                              \
  } while (0)

/* brink__exp_neg (model_internal.h) in four lanes, the same operations in the same order:
 * floor(t - 1/2) + 1 by rounding towards -infinity where the scalar version truncates and
 * corrects, exact either way for the integers involved. Lanes in `in` with x in [-700, 0] are
 * computed here, those below -700 give 0 as in the scalar version; any other (x > 0, NaN: never
 * in a finite ladder, but a scenario may set rationality to anything) goes to the scalar
 * function itself. With estrin, the polynomial by Estrin's scheme (EXP_POLY), for the choice
 * without the chain alone. */
AVX2 static inline __attribute__((always_inline)) __m256d exp_neg4(__m256d x, __m256d in,
                                                                   const int estrin) {
  const __m256d t = _mm256_mul_pd(x, _mm256_set1_pd(1.4426950408889634));
  const __m256d r = _mm256_sub_pd(t, _mm256_set1_pd(0.5));
  const __m256d i = _mm256_add_pd(_mm256_round_pd(r, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC),
                                  _mm256_set1_pd(1.0));
  const __m256d f = _mm256_mul_pd(_mm256_sub_pd(t, i), _mm256_set1_pd(0.6931471805599453));
  __m256d p;
  EXP_POLY(p, f, estrin);
  /* In range the exponent i is in [-1009, 1]: the biased exponent i + 1023 in [14, 1024]. */
  const __m256i e =
      _mm256_add_epi64(_mm256_cvtepi32_epi64(_mm256_cvtpd_epi32(i)), _mm256_set1_epi64x(1023));
  __m256d y = _mm256_mul_pd(p, _mm256_castsi256_pd(_mm256_slli_epi64(e, 52)));
  const __m256d lo = _mm256_cmp_pd(x, _mm256_set1_pd(-700.0), _CMP_LT_OQ);
  y = _mm256_andnot_pd(lo, y);
  const __m256d ranged = _mm256_or_pd(lo, _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_LE_OQ));
  int odd = _mm256_movemask_pd(_mm256_andnot_pd(ranged, in));
  if (__builtin_expect(odd != 0, 0)) {
    double xs[BRINK__LANES], ys[BRINK__LANES];
    _mm256_storeu_pd(xs, x);
    _mm256_storeu_pd(ys, y);
    for (; odd; odd &= odd - 1) {
      int l = __builtin_ctz((unsigned)odd);
      ys[l] = brink__exp_neg(xs[l]);
    }
    y = _mm256_loadu_pd(ys);
  }
  return y;
}

/* All bits set in lane k where bit k of a nibble is set, for each nibble: lanes_of(bits) is one
 * load. */
#define NIBBLE(b)                                                                                  \
  { (b) & 1 ? ~0ull : 0ull, (b)&2 ? ~0ull : 0ull, (b)&4 ? ~0ull : 0ull, (b)&8 ? ~0ull : 0ull }
static const uint64_t nibble_lanes[16][BRINK__LANES] __attribute__((aligned(32))) = {
    NIBBLE(0), NIBBLE(1), NIBBLE(2),  NIBBLE(3),  NIBBLE(4),  NIBBLE(5),  NIBBLE(6),  NIBBLE(7),
    NIBBLE(8), NIBBLE(9), NIBBLE(10), NIBBLE(11), NIBBLE(12), NIBBLE(13), NIBBLE(14), NIBBLE(15)};
#undef NIBBLE

/* All bits set in the lanes whose bit is set in the low four bits of `bits` (lane k: bit k). */
AVX2 static inline __m256d lanes_of(uint32_t bits) {
  return _mm256_load_pd((const double *)(const void *)nibble_lanes[bits & 15u]);
}

/* What the kernels need of actor i's ladder as masks: its military, restraint and diplomatic
 * actions, the military actions whose campaign drive counts, the commitments in force it can
 * breach and the actions that breach one of them. */
typedef struct ladder_masks {
  uint32_t mil, res, dip, driven, committed, breachers;
} ladder_masks;

static inline ladder_masks masks_of(const brink__ladder *L, const actor_info *info,
                                    const run_state *s, uint32_t i) {
  ladder_masks k = {info->kind_actions[BRINK_ACTION_MILITARY],
                    info->kind_actions[BRINK_ACTION_RESTRAINT],
                    info->kind_actions[BRINK_ACTION_DIPLOMACY],
                    L->driven[i],
                    info->breached & s->commitments,
                    0};
  for (uint32_t b = k.committed; b; b &= b - 1) k.breachers |= info->breaching[__builtin_ctz(b)];
  return k;
}

/* The utilities of actor i's available actions ok (not 0) four at a time into utility[] (the
 * action a in lane a % 4 of group a / 4), each by the same operations in the same order as
 * ladder_utilities of model_run.c (cost, the kind's value, breach costs by ascending commitment).
 * Returns the highest utility in every lane. */
AVX2 static inline __attribute__((always_inline)) __m256d
utilities4(const brink__ladder *L, const actor_info *info, const run_state *s, uint32_t i,
           double military, double conciliate, double talks, uint32_t ok, double *utility) {
  const ladder_masks k = masks_of(L, info, s, i);
  const uint32_t mil = k.mil, res = k.res, dip = k.dip, driven = k.driven;
  const uint32_t committed = k.committed, breachers = k.breachers;
  const __m256d sign = _mm256_set1_pd(-0.0), ten = _mm256_set1_pd(10.0);
  const __m256d mv = _mm256_set1_pd(military), cv = _mm256_set1_pd(conciliate),
                tv = _mm256_set1_pd(talks), none = _mm256_set1_pd(-HUGE_VAL);
  __m256d best = none;
  /* The groups up to the last available action. */
  const uint32_t groups = (32u - (uint32_t)__builtin_clz(ok) + BRINK__LANES - 1) / BRINK__LANES;
  for (uint32_t g = 0; g < groups; g++) {
    const uint32_t a0 = g * BRINK__LANES;
    const uint32_t okg = ok >> a0 & 15u;
    if (!okg) continue;
    __m256d u = _mm256_xor_pd(_mm256_loadu_pd(&L->cost[i][a0]), sign); /* -cost */
    const uint32_t milg = mil >> a0 & 15u;
    if (milg) {
      const __m256d gain =
          _mm256_div_pd(_mm256_mul_pd(mv, _mm256_loadu_pd(&L->intensity[i][a0])), ten);
      u = _mm256_blendv_pd(u, _mm256_add_pd(u, gain), lanes_of(milg));
      const uint32_t drg = driven >> a0 & 15u;
      if (drg)
        u = _mm256_blendv_pd(u, _mm256_add_pd(u, _mm256_loadu_pd(&L->drive[i][a0])), lanes_of(drg));
    }
    if (res >> a0 & 15u) u = _mm256_blendv_pd(u, _mm256_add_pd(u, cv), lanes_of(res >> a0));
    if (dip >> a0 & 15u) u = _mm256_blendv_pd(u, _mm256_add_pd(u, tv), lanes_of(dip >> a0));
    for (uint32_t b = breachers >> a0 & 15u ? committed : 0u; b; b &= b - 1) {
      const uint32_t c = (uint32_t)__builtin_ctz(b);
      const uint32_t bg = info->breaching[c] >> a0 & 15u;
      if (bg)
        u = _mm256_blendv_pd(
            u, _mm256_sub_pd(u, _mm256_set1_pd(s->num.commitment[c][BRINK_COMMITMENT_BREACH_COST])),
            lanes_of(bg));
    }
    _mm256_storeu_pd(&utility[a0], u);
    best = _mm256_max_pd(best, _mm256_blendv_pd(none, u, lanes_of(okg)));
  }
  __m128d top = _mm_max_pd(_mm256_castpd256_pd128(best), _mm256_extractf128_pd(best, 1));
  top = _mm_max_sd(top, _mm_unpackhi_pd(top, top));
  return _mm256_broadcastsd_pd(top);
}

/* ladder_utilities and logit_weights of model_run.c for one run, four actions at a time
 * (utilities4): the best action the first of the highest utility as the scalar loop finds it,
 * and each weight from the same exponential; the total is summed in action order, as the scalar
 * code sums it (the unavailable actions adding +0, below). */
AVX2 int brink__ladder_wide_avx2(const brink__ladder *L, const actor_info *info, const run_state *s,
                                 uint32_t i, double military, double conciliate, double talks,
                                 uint32_t ok, double lambda, double *utility, double *total) {
  if (!ok) return -1;
  /* The highest utility, then the first available action that has it: what the scalar loop's
   * strict comparison keeps (utilities are finite here: utilities_finite in model_run.c). */
  const __m256d high = utilities4(L, info, s, i, military, conciliate, talks, ok, utility);
  const uint32_t groups = (32u - (uint32_t)__builtin_clz(ok) + BRINK__LANES - 1) / BRINK__LANES;
  int best_a = -1;
  for (uint32_t g = 0; g < groups && best_a < 0; g++) {
    const uint32_t a0 = g * BRINK__LANES;
    const uint32_t okg = ok >> a0 & 15u;
    if (!okg) continue;
    const uint32_t eq = (uint32_t)_mm256_movemask_pd(
                            _mm256_cmp_pd(_mm256_loadu_pd(&utility[a0]), high, _CMP_EQ_OQ)) &
                        okg;
    if (eq) best_a = (int)(a0 + (uint32_t)__builtin_ctz(eq));
  }
  if (best_a < 0 || lambda >= 1e6) return best_a;
  /* Logit weights of the available actions: exp(lambda (u - best)), in place; 0 for the others,
   * so that the total can add every lane of a group in action order: the weights are positive,
   * 0 or NaN, and adding +0 to a sum that starts at +0 changes no bit of it. */
  const __m256d lv = _mm256_set1_pd(lambda), bv = _mm256_set1_pd(utility[best_a]);
  double sum = 0.0;
  for (uint32_t g = 0; g < groups; g++) {
    const uint32_t a0 = g * BRINK__LANES;
    const uint32_t okg = ok >> a0 & 15u;
    if (!okg) continue;
    const __m256d in = lanes_of(okg);
    const __m256d w = _mm256_and_pd(
        exp_neg4(_mm256_mul_pd(lv, _mm256_sub_pd(_mm256_loadu_pd(&utility[a0]), bv)), in, 0), in);
    _mm256_storeu_pd(&utility[a0], w);
    const __m128d lo = _mm256_castpd256_pd128(w), hi = _mm256_extractf128_pd(w, 1);
    sum += _mm_cvtsd_f64(lo);
    sum += _mm_cvtsd_f64(_mm_unpackhi_pd(lo, lo));
    sum += _mm_cvtsd_f64(hi);
    sum += _mm_cvtsd_f64(_mm_unpackhi_pd(hi, hi));
  }
  *total = sum;
  return best_a;
}

/* Whether the bound of the choice without the chain (model_lanes.h) is claimed for this total:
 * finite, positive and far from overflow; NaN is not. */
static inline int choice_total_bounded(double total) { return total > 0.0 && total <= 0x1p1000; }

/* The rule of the choice without the chain, from the available actions ok whose value (draw x
 * total less the running sum up to them) is above the margin (`above`) and below minus the margin
 * (`below`): such a value has the sign of the chain's. The first available action whose value is
 * not clearly positive is the chain's choice when its value is clearly negative, else the chain
 * decides (-2); when every value is clearly positive the chain runs out at the last available
 * action. */
static inline int choice_from_margins(uint32_t ok, uint32_t above, uint32_t below) {
  const uint32_t open = ok & ~above;
  if (!open) return 31 - __builtin_clz(ok);
  const uint32_t k = (uint32_t)__builtin_ctz(open);
  return below >> k & 1u ? (int)k : -2;
}

/* The running sums of the four lanes of x (lane k: x0 + ... + xk), in two steps of a tree. */
AVX2 static inline __attribute__((always_inline)) __m256d prefix4(__m256d x) {
  const __m256d zero = _mm256_setzero_pd();
  x = _mm256_add_pd(x, _mm256_blend_pd(_mm256_permute4x64_pd(x, 0x90), zero, 1)); /* 0 x0 x1 x2 */
  return _mm256_add_pd(x, _mm256_permute2f128_pd(x, x, 0x08));                    /* 0 0 x0 x1 */
}

AVX2 int brink__ladder_choose_avx2(const brink__ladder *L, const actor_info *info,
                                   const run_state *s, uint32_t i, double military,
                                   double conciliate, double talks, uint32_t ok, double lambda,
                                   double draw) {
  if (!ok) return -1;
  double utility[NACT];
  /* The weights subtract the maximum (`high`) where brink__ladder_wide_avx2 subtracts the best
   * action's utility: equal but perhaps for the sign of a zero, whose weight is 1 either way
   * (brink__ladder_wide_avx512): the same weights. */
  const __m256d high = utilities4(L, info, s, i, military, conciliate, talks, ok, utility);
  const uint32_t groups = (32u - (uint32_t)__builtin_clz(ok) + BRINK__LANES - 1) / BRINK__LANES;
  const __m256d lv = _mm256_set1_pd(lambda);
  __m256d run[NACT / BRINK__LANES], carry = _mm256_setzero_pd();
  for (uint32_t g = 0; g < groups; g++) {
    const uint32_t a0 = g * BRINK__LANES;
    const uint32_t okg = ok >> a0 & 15u;
    if (!okg) {
      run[g] = carry;
      continue;
    }
    const __m256d in = lanes_of(okg);
    const __m256d w = _mm256_and_pd(
        exp_neg4(_mm256_mul_pd(lv, _mm256_sub_pd(_mm256_loadu_pd(&utility[a0]), high)), in, 1), in);
    run[g] = _mm256_add_pd(prefix4(w), carry);
    carry = _mm256_permute4x64_pd(run[g], 0xff);
  }
  /* carry: the total in every lane (brink__ladder_choose_avx512 from here). */
  const double total = _mm256_cvtsd_f64(carry);
  if (!choice_total_bounded(total)) return -2;
  const __m256d target = _mm256_mul_pd(_mm256_set1_pd(draw), carry);
  const __m256d margin = _mm256_mul_pd(carry, _mm256_set1_pd(L->margin));
  const __m256d under = _mm256_sub_pd(_mm256_setzero_pd(), margin);
  uint32_t above = 0, below = 0;
  for (uint32_t g = 0; g < groups; g++) {
    const __m256d left = _mm256_sub_pd(target, run[g]);
    above |= (uint32_t)_mm256_movemask_pd(_mm256_cmp_pd(left, margin, _CMP_GT_OQ)) << g * 4u;
    below |= (uint32_t)_mm256_movemask_pd(_mm256_cmp_pd(left, under, _CMP_LT_OQ)) << g * 4u;
  }
  return choice_from_margins(ok, above, below);
}

#ifdef BRINK__LANES_HAVE_AVX512

#define AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,bmi,bmi2,popcnt")))

/* exp_neg4 in eight lanes, the same operations in the same order (the exponent converted to
 * 64 bits directly: an integer in [-1009, 1] either way); the lanes of `in` outside [-700, 0]
 * go to the scalar function. With estrin, exp_neg4's polynomial by Estrin's scheme likewise. */
AVX512 static inline __attribute__((always_inline)) __m512d exp_neg8(__m512d x, __mmask8 in,
                                                                     const int estrin) {
  const __m512d t = _mm512_mul_pd(x, _mm512_set1_pd(1.4426950408889634));
  const __m512d r = _mm512_sub_pd(t, _mm512_set1_pd(0.5));
  /* _mm512_floor_pd, not _mm512_roundscale_pd: a macro without optimisation, whose mask
   * argument -Wconversion rejects in the sanitizer build. */
  const __m512d i = _mm512_add_pd(_mm512_floor_pd(r), _mm512_set1_pd(1.0));
  const __m512d f = _mm512_mul_pd(_mm512_sub_pd(t, i), _mm512_set1_pd(0.6931471805599453));
  __m512d p;
  EXP_POLY(p, f, estrin);
  const __m512i e = _mm512_add_epi64(_mm512_cvtpd_epi64(i), _mm512_set1_epi64(1023));
  __m512d y = _mm512_mul_pd(p, _mm512_castsi512_pd(_mm512_slli_epi64(e, 52)));
  const __mmask8 lo = _mm512_cmp_pd_mask(x, _mm512_set1_pd(-700.0), _CMP_LT_OQ);
  y = _mm512_maskz_mov_pd((__mmask8)~lo, y);
  const __mmask8 ranged = lo | _mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_LE_OQ);
  unsigned odd = (unsigned)(in & (__mmask8)~ranged);
  if (__builtin_expect(odd != 0, 0)) {
    double xs[8], ys[8];
    _mm512_storeu_pd(xs, x);
    _mm512_storeu_pd(ys, y);
    for (; odd; odd &= odd - 1) {
      int l = __builtin_ctz(odd);
      ys[l] = brink__exp_neg(xs[l]);
    }
    y = _mm512_loadu_pd(ys);
  }
  return y;
}

/* The utilities of actor i's available actions ok (not 0) eight at a time into utility[] (the
 * action a in lane a % 8 of group a / 8): masked additions where the AVX2 kernel blends, which
 * take the same operations on the same lanes. Returns the highest utility in every lane. */
AVX512 static inline __attribute__((always_inline)) __m512d
utilities8(const brink__ladder *L, const actor_info *info, const run_state *s, uint32_t i,
           double military, double conciliate, double talks, uint32_t ok, double *utility) {
  const ladder_masks k = masks_of(L, info, s, i);
  const uint32_t mil = k.mil, res = k.res, dip = k.dip, driven = k.driven;
  const uint32_t committed = k.committed, breachers = k.breachers;
  const __m512d ten = _mm512_set1_pd(10.0);
  const __m512d mv = _mm512_set1_pd(military), cv = _mm512_set1_pd(conciliate),
                tv = _mm512_set1_pd(talks);
  __m512d best = _mm512_set1_pd(-HUGE_VAL);
  const uint32_t groups = (32u - (uint32_t)__builtin_clz(ok) + 7u) / 8u;
  for (uint32_t g = 0; g < groups; g++) {
    const uint32_t a0 = g * 8u;
    const __mmask8 okg = (__mmask8)(ok >> a0);
    if (!okg) continue;
    __m512d u = _mm512_sub_pd(_mm512_set1_pd(-0.0), _mm512_loadu_pd(&L->cost[i][a0]));
    const __mmask8 milg = (__mmask8)(mil >> a0);
    if (milg) {
      const __m512d gain =
          _mm512_div_pd(_mm512_mul_pd(mv, _mm512_loadu_pd(&L->intensity[i][a0])), ten);
      u = _mm512_mask_add_pd(u, milg, u, gain);
      const __mmask8 drg = (__mmask8)(driven >> a0);
      if (drg) u = _mm512_mask_add_pd(u, drg, u, _mm512_loadu_pd(&L->drive[i][a0]));
    }
    u = _mm512_mask_add_pd(u, (__mmask8)(res >> a0), u, cv);
    u = _mm512_mask_add_pd(u, (__mmask8)(dip >> a0), u, tv);
    for (uint32_t b = (breachers >> a0 & 255u) ? committed : 0u; b; b &= b - 1) {
      const uint32_t c = (uint32_t)__builtin_ctz(b);
      u = _mm512_mask_sub_pd(u, (__mmask8)(info->breaching[c] >> a0), u,
                             _mm512_set1_pd(s->num.commitment[c][BRINK_COMMITMENT_BREACH_COST]));
    }
    _mm512_storeu_pd(&utility[a0], u);
    best = _mm512_mask_max_pd(best, okg, best, u);
  }
  return _mm512_set1_pd(_mm512_reduce_max_pd(best));
}

/* brink__ladder_wide_avx2 eight actions at a time in AVX-512 registers (utilities8), with the same
 * results. Two things shorten the chain of dependent operations:
 * - the weights subtract the highest utility as the maximum found (`high`) without waiting for
 *   the search of the first action that has it: the two are equal but perhaps for the sign of a
 *   zero, and u - (+0) and u - (-0) differ only when u is a zero, whose weight is then
 *   exp(+-0) = 1 either way;
 * - the total adds the available actions' weights alone, in action order as the scalar code
 *   does, not the four or eight lanes of a group with their +0s. */
AVX512 int brink__ladder_wide_avx512(const brink__ladder *L, const actor_info *info,
                                     const run_state *s, uint32_t i, double military,
                                     double conciliate, double talks, uint32_t ok, double lambda,
                                     double *utility, double *total) {
  if (!ok) return -1;
  const __m512d high = utilities8(L, info, s, i, military, conciliate, talks, ok, utility);
  const uint32_t groups = (32u - (uint32_t)__builtin_clz(ok) + 7u) / 8u;
  int best_a = -1;
  for (uint32_t g = 0; g < groups && best_a < 0; g++) {
    const uint32_t a0 = g * 8u;
    const __mmask8 okg = (__mmask8)(ok >> a0);
    const uint32_t eq =
        (uint32_t)_mm512_mask_cmp_pd_mask(okg, _mm512_loadu_pd(&utility[a0]), high, _CMP_EQ_OQ);
    if (eq) best_a = (int)(a0 + (uint32_t)__builtin_ctz(eq));
  }
  if (best_a < 0 || lambda >= 1e6) return best_a;
  const __m512d lv = _mm512_set1_pd(lambda), bv = high;
  double sum = 0.0;
  for (uint32_t g = 0; g < groups; g++) {
    const uint32_t a0 = g * 8u;
    const __mmask8 okg = (__mmask8)(ok >> a0);
    if (!okg) continue;
    const __m512d w = _mm512_maskz_mov_pd(
        okg, exp_neg8(_mm512_mul_pd(lv, _mm512_sub_pd(_mm512_loadu_pd(&utility[a0]), bv)), okg, 0));
    _mm512_storeu_pd(&utility[a0], w);
    for (uint32_t b = okg; b; b &= b - 1) sum += utility[a0 + (uint32_t)__builtin_ctz(b)];
  }
  *total = sum;
  return best_a;
}

/* The running sums of the eight lanes of x (lane k: x0 + ... + xk), in three steps of a tree. */
AVX512 static inline __attribute__((always_inline)) __m512d prefix8(__m512d x) {
  const __m512i zero = _mm512_setzero_si512();
  x = _mm512_add_pd(x, _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(x), zero, 7)));
  x = _mm512_add_pd(x, _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(x), zero, 6)));
  x = _mm512_add_pd(x, _mm512_castsi512_pd(_mm512_alignr_epi64(_mm512_castpd_si512(x), zero, 4)));
  return x;
}

AVX512 int brink__ladder_choose_avx512(const brink__ladder *L, const actor_info *info,
                                       const run_state *s, uint32_t i, double military,
                                       double conciliate, double talks, uint32_t ok, double lambda,
                                       double draw) {
  if (!ok) return -1;
  double utility[NACT];
  const __m512d high = utilities8(L, info, s, i, military, conciliate, talks, ok, utility);
  const uint32_t groups = (32u - (uint32_t)__builtin_clz(ok) + 7u) / 8u;
  const __m512d lv = _mm512_set1_pd(lambda);
  const __m512i last = _mm512_set1_epi64(7);
  __m512d run[NACT / 8], carry = _mm512_setzero_pd();
  for (uint32_t g = 0; g < groups; g++) {
    const uint32_t a0 = g * 8u;
    const __mmask8 okg = (__mmask8)(ok >> a0);
    if (!okg) {
      run[g] = carry;
      continue;
    }
    const __m512d w = _mm512_maskz_mov_pd(
        okg,
        exp_neg8(_mm512_mul_pd(lv, _mm512_sub_pd(_mm512_loadu_pd(&utility[a0]), high)), okg, 1));
    run[g] = _mm512_add_pd(prefix8(w), carry);
    carry = _mm512_permutexvar_pd(last, run[g]);
  }
  /* carry: the total in every lane. For a total outside (0, 2^1000] (NaN, infinite, huge
   * weights) the bound is not claimed: the caller decides by the exact chain. */
  const double total = _mm512_cvtsd_f64(carry);
  if (!choice_total_bounded(total)) return -2;
  const __m512d target = _mm512_mul_pd(_mm512_set1_pd(draw), carry);
  const __m512d margin = _mm512_mul_pd(carry, _mm512_set1_pd(L->margin));
  const __m512d under = _mm512_sub_pd(_mm512_setzero_pd(), margin);
  uint32_t above = 0, below = 0;
  for (uint32_t g = 0; g < groups; g++) {
    const __m512d left = _mm512_sub_pd(target, run[g]);
    above |= (uint32_t)_mm512_cmp_pd_mask(left, margin, _CMP_GT_OQ) << g * 8u;
    below |= (uint32_t)_mm512_cmp_pd_mask(left, under, _CMP_LT_OQ) << g * 8u;
  }
  return choice_from_margins(ok, above, below);
}

#endif

/* The lanes' masks (all bits set where lane l has bit b of its word v[l]). */
AVX2 static inline __m256d lanes_with(__m256i v, uint32_t b) {
  const __m256i bit = _mm256_set1_epi64x((long long)((uint64_t)1 << b));
  return _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_and_si256(v, bit), bit));
}

/* ladder_utilities and logit_weights of model_run.c, four lanes at a time: the same operations
 * on each lane's numbers in the same order (actions ascending, commitments ascending), a lane
 * taking an update only where the scalar code would (blends). */
AVX2 void brink__lanes_ladder_avx2(brink__lanes *L, const actor_info *info, uint32_t i,
                                   uint32_t pending) {
  uint64_t okw[BRINK__LANES] = {0, 0, 0, 0}, cw[BRINK__LANES] = {0, 0, 0, 0};
  uint32_t any = 0, committed = 0, logit = 0;
  for (uint32_t p = pending; p; p &= p - 1) {
    uint32_t l = (uint32_t)__builtin_ctz(p);
    okw[l] = L->ok[l];
    cw[l] = L->commitments[l];
    any |= L->ok[l];
    committed |= L->commitments[l];
    if (L->lambda[l] < 1e6) logit |= 1u << l;
  }
  const __m256i ok = _mm256_loadu_si256((const __m256i *)(const void *)okw);
  const __m256i commitments = _mm256_loadu_si256((const __m256i *)(const void *)cw);
  const __m256d military = _mm256_loadu_pd(L->military),
                conciliate = _mm256_loadu_pd(L->conciliate), talks = _mm256_loadu_pd(L->talks);
  const __m256d sign = _mm256_set1_pd(-0.0), zero = _mm256_setzero_pd(), ten = _mm256_set1_pd(10.0);
  __m256d best = _mm256_set1_pd(-HUGE_VAL);
  __m256i best_a = _mm256_set1_epi64x(-1);
  for (uint32_t g = any; g; g &= g - 1) {
    uint32_t a = (uint32_t)__builtin_ctz(g);
    const action_info *ai = &info->actions[a];
    __m256d u = _mm256_xor_pd(_mm256_loadu_pd(L->cost[i][a]), sign); /* -cost */
    if (ai->kind == BRINK_ACTION_MILITARY) {
      u = _mm256_add_pd(
          u, _mm256_div_pd(_mm256_mul_pd(military, _mm256_loadu_pd(L->intensity[i][a])), ten));
      __m256d campaign = _mm256_cmp_pd(_mm256_loadu_pd(L->campaign_start[i][a]), zero, _CMP_GT_OQ);
      u = _mm256_blendv_pd(u, _mm256_add_pd(u, _mm256_loadu_pd(L->campaign_drive[i][a])), campaign);
    }
    if (ai->kind == BRINK_ACTION_RESTRAINT) u = _mm256_add_pd(u, conciliate);
    if (ai->kind == BRINK_ACTION_DIPLOMACY) u = _mm256_add_pd(u, talks);
    for (uint32_t b = ai->breaches & committed; b; b &= b - 1) {
      uint32_t c = (uint32_t)__builtin_ctz(b);
      u = _mm256_blendv_pd(u, _mm256_sub_pd(u, _mm256_loadu_pd(L->breach_cost[c])),
                           lanes_with(commitments, c));
    }
    _mm256_storeu_pd(L->weight[a], u);
    __m256d better = _mm256_and_pd(_mm256_cmp_pd(u, best, _CMP_GT_OQ), lanes_with(ok, a));
    best = _mm256_blendv_pd(best, u, better);
    best_a = _mm256_castpd_si256(_mm256_blendv_pd(
        _mm256_castsi256_pd(best_a), _mm256_castsi256_pd(_mm256_set1_epi64x(a)), better));
  }
  long long bests[BRINK__LANES];
  _mm256_storeu_si256((__m256i *)(void *)bests, best_a);
  for (uint32_t p = pending; p; p &= p - 1) {
    uint32_t l = (uint32_t)__builtin_ctz(p);
    L->best[l] = (int)bests[l];
  }
  if (!logit) return;
  /* Logit weights of the lanes that are not fully rational, their totals in action order. */
  const __m256d lambda = _mm256_loadu_pd(L->lambda);
  const __m256d weighing = _mm256_castsi256_pd(_mm256_cmpgt_epi64(
      _mm256_and_si256(_mm256_setr_epi64x(1, 2, 4, 8), _mm256_set1_epi64x(logit)),
      _mm256_setzero_si256()));
  __m256d total = zero;
  for (uint32_t g = any; g; g &= g - 1) {
    uint32_t a = (uint32_t)__builtin_ctz(g);
    __m256d in = _mm256_and_pd(lanes_with(ok, a), weighing);
    __m256d w =
        exp_neg4(_mm256_mul_pd(lambda, _mm256_sub_pd(_mm256_loadu_pd(L->weight[a]), best)), in, 0);
    _mm256_storeu_pd(L->weight[a], _mm256_blendv_pd(_mm256_loadu_pd(L->weight[a]), w, in));
    total = _mm256_blendv_pd(total, _mm256_add_pd(total, w), in);
  }
  _mm256_storeu_pd(L->total, _mm256_blendv_pd(_mm256_loadu_pd(L->total), total, weighing));
}

#endif
