/* SPDX-License-Identifier: MIT */
/* The generator of a run's dynamics (run_state in model_internal.h): the same numbers as
 * brink_rng (Philox4x32-10, Random123) on the same key and counter, in the same order, but
 * computed eight blocks (32 numbers) at a time. With SSE2 the blocks go through the ten
 * rounds four at a time, one block per 32-bit lane: the 32 x 32 -> 64-bit products of a round
 * are four _mm_mul_epu32 for four blocks instead of eight scalar multiplications, two groups of
 * four interleaved, and the buffer is refilled once per 32 numbers instead of once per 4. Without
 * SSE2, Random123's philox4x32 computes the four blocks one after another; where the CPU has
 * AVX2, the eight blocks go through the rounds in one 256-bit register, and where it has AVX-512,
 * in 64-bit lanes of one 512-bit register (the products whole, no shuffles). tests/test_dist.c
 * checks them against each other. */
#ifndef BRINK_RNG_RUN_H
#define BRINK_RNG_RUN_H

#include <stdint.h>

#include "brink/rng.h"

#if defined(__SSE2__) && !defined(BRINK_RNG_RUN_SCALAR)
#include <emmintrin.h>
/* On x86-64 with GCC or Clang, the eight blocks can also go through the rounds in one AVX2
 * register, by function attribute whatever the build's -m flags; used when the CPU has AVX2
 * (brink__rng_run_init). -DBRINK_RNG_RUN_NO_AVX2 leaves it out. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(BRINK_RNG_RUN_NO_AVX2)
#define BRINK__RNG_RUN_HAVE_AVX2 1
#include <immintrin.h>
#endif
#endif

#define BRINK__RNG_RUN_BLOCKS 8 /* blocks computed at a time */

typedef struct brink__rng_run {
  uint32_t buf[4 * BRINK__RNG_RUN_BLOCKS]; /* blocks ctr - 8 .. ctr - 1, four numbers each */
  uint32_t used;                           /* numbers of buf already handed out */
  uint32_t ctr;                            /* next block to compute (word 0 of Philox's counter) */
  uint32_t stream, run_lo, run_hi, key_lo, key_hi; /* words 1-3 of the counter, the key */
  uint32_t wide; /* refill with AVX2 (1) or AVX-512 (2), the same numbers: the CPU has it */
} brink__rng_run;

/* Starts the stream (seed, run, stream) at its first number, as brink_rng_init. */
static inline void brink__rng_run_init(brink__rng_run *g, uint64_t seed, uint64_t run,
                                       uint32_t stream) {
  g->key_lo = (uint32_t)seed;
  g->key_hi = (uint32_t)(seed >> 32);
  g->ctr = 0;
  g->stream = stream;
  g->run_lo = (uint32_t)run;
  g->run_hi = (uint32_t)(run >> 32);
  g->used = 4 * BRINK__RNG_RUN_BLOCKS;
#ifdef BRINK__RNG_RUN_HAVE_AVX2
  g->wide = !__builtin_cpu_supports("avx2")                                           ? 0u
            : __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") ? 2u
                                                                                      : 1u;
#else
  g->wide = 0;
#endif
}

#if defined(__SSE2__) && !defined(BRINK_RNG_RUN_SCALAR)
/* One Philox round on four blocks (one per lane; x0..x3 the counter words, k0, k1 the key):
 * the products of lanes 0, 2 and of lanes 1, 3 (64 bits each), their low and high halves
 * gathered back in lane order, then {hi1 ^ x1 ^ k0, lo1, hi0 ^ x3 ^ k1, lo0}. */
#define BRINK__PHILOX_ROUND4(x0, x1, x2, x3, k0, k1)                                               \
  do {                                                                                             \
    __m128i e0_ = _mm_shuffle_epi32(_mm_mul_epu32(x0, m0), _MM_SHUFFLE(3, 1, 2, 0));               \
    __m128i o0_ =                                                                                  \
        _mm_shuffle_epi32(_mm_mul_epu32(_mm_srli_epi64(x0, 32), m0), _MM_SHUFFLE(3, 1, 2, 0));     \
    __m128i e1_ = _mm_shuffle_epi32(_mm_mul_epu32(x2, m1), _MM_SHUFFLE(3, 1, 2, 0));               \
    __m128i o1_ =                                                                                  \
        _mm_shuffle_epi32(_mm_mul_epu32(_mm_srli_epi64(x2, 32), m1), _MM_SHUFFLE(3, 1, 2, 0));     \
    __m128i lo0_ = _mm_unpacklo_epi32(e0_, o0_), hi0_ = _mm_unpackhi_epi32(e0_, o0_);              \
    __m128i lo1_ = _mm_unpacklo_epi32(e1_, o1_), hi1_ = _mm_unpackhi_epi32(e1_, o1_);              \
    x0 = _mm_xor_si128(_mm_xor_si128(hi1_, x1), k0);                                               \
    x1 = lo1_;                                                                                     \
    x2 = _mm_xor_si128(_mm_xor_si128(hi0_, x3), k1);                                               \
    x3 = lo0_;                                                                                     \
  } while (0)

/* Lanes are blocks, registers words: the four blocks' words in block order at out. */
static inline void brink__philox_store4(uint32_t *out, __m128i x0, __m128i x1, __m128i x2,
                                        __m128i x3) {
  __m128i t0 = _mm_unpacklo_epi32(x0, x1), t1 = _mm_unpacklo_epi32(x2, x3);
  __m128i t2 = _mm_unpackhi_epi32(x0, x1), t3 = _mm_unpackhi_epi32(x2, x3);
  _mm_storeu_si128((__m128i *)(void *)&out[0], _mm_unpacklo_epi64(t0, t1));
  _mm_storeu_si128((__m128i *)(void *)&out[4], _mm_unpackhi_epi64(t0, t1));
  _mm_storeu_si128((__m128i *)(void *)&out[8], _mm_unpacklo_epi64(t2, t3));
  _mm_storeu_si128((__m128i *)(void *)&out[12], _mm_unpackhi_epi64(t2, t3));
}
#endif

#ifdef BRINK__RNG_RUN_HAVE_AVX2
/* BRINK__PHILOX_ROUND4 on 256-bit registers: every operation works within each 128-bit half,
 * so the low half goes through the round of blocks ctr .. ctr + 3 and the high half through
 * that of ctr + 4 .. ctr + 7, each exactly as the SSE2 version. */
#define BRINK__PHILOX_ROUND8(x0, x1, x2, x3, k0, k1)                                               \
  do {                                                                                             \
    __m256i e0_ = _mm256_shuffle_epi32(_mm256_mul_epu32(x0, m0), _MM_SHUFFLE(3, 1, 2, 0));         \
    __m256i o0_ = _mm256_shuffle_epi32(_mm256_mul_epu32(_mm256_srli_epi64(x0, 32), m0),            \
                                       _MM_SHUFFLE(3, 1, 2, 0));                                   \
    __m256i e1_ = _mm256_shuffle_epi32(_mm256_mul_epu32(x2, m1), _MM_SHUFFLE(3, 1, 2, 0));         \
    __m256i o1_ = _mm256_shuffle_epi32(_mm256_mul_epu32(_mm256_srli_epi64(x2, 32), m1),            \
                                       _MM_SHUFFLE(3, 1, 2, 0));                                   \
    __m256i lo0_ = _mm256_unpacklo_epi32(e0_, o0_), hi0_ = _mm256_unpackhi_epi32(e0_, o0_);        \
    __m256i lo1_ = _mm256_unpacklo_epi32(e1_, o1_), hi1_ = _mm256_unpackhi_epi32(e1_, o1_);        \
    x0 = _mm256_xor_si256(_mm256_xor_si256(hi1_, x1), k0);                                         \
    x1 = lo1_;                                                                                     \
    x2 = _mm256_xor_si256(_mm256_xor_si256(hi0_, x3), k1);                                         \
    x3 = lo0_;                                                                                     \
  } while (0)

/* brink__rng_run_fill's eight blocks in one AVX2 register per counter word. */
__attribute__((noinline, unused, target("avx2"))) static void
brink__rng_run_fill_avx2(brink__rng_run *g) {
  const __m256i m0 = _mm256_set1_epi32((int)PHILOX_M4x32_0);
  const __m256i m1 = _mm256_set1_epi32((int)PHILOX_M4x32_1);
  const __m256i w0 = _mm256_set1_epi32((int)PHILOX_W32_0);
  const __m256i w1 = _mm256_set1_epi32((int)PHILOX_W32_1);
  __m256i x0 =
      _mm256_add_epi32(_mm256_set1_epi32((int)g->ctr), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  __m256i x1 = _mm256_set1_epi32((int)g->stream), x2 = _mm256_set1_epi32((int)g->run_lo);
  __m256i x3 = _mm256_set1_epi32((int)g->run_hi);
  __m256i k0 = _mm256_set1_epi32((int)g->key_lo), k1 = _mm256_set1_epi32((int)g->key_hi);
  for (int r = 0; r < 10; r++) {
    if (r) { /* the key schedule: bumped before every round but the first */
      k0 = _mm256_add_epi32(k0, w0);
      k1 = _mm256_add_epi32(k1, w1);
    }
    BRINK__PHILOX_ROUND8(x0, x1, x2, x3, k0, k1);
  }
  brink__philox_store4(&g->buf[0], _mm256_castsi256_si128(x0), _mm256_castsi256_si128(x1),
                       _mm256_castsi256_si128(x2), _mm256_castsi256_si128(x3));
  brink__philox_store4(&g->buf[16], _mm256_extracti128_si256(x0, 1),
                       _mm256_extracti128_si256(x1, 1), _mm256_extracti128_si256(x2, 1),
                       _mm256_extracti128_si256(x3, 1));
  g->ctr += BRINK__RNG_RUN_BLOCKS;
  g->used = 0;
}
#endif

#ifdef BRINK__RNG_RUN_HAVE_AVX2
/* brink__rng_run_fill's eight blocks in the 64-bit lanes of one AVX-512 register per counter
 * word, a word in the low 32 bits of its lane: _mm512_mul_epu32 reads only those, so a round's
 * products are whole 64-bit lanes (the low half the new word, the high half shifted down and
 * xored in), and what the upper bits of a lane hold never reaches a number. The key words too
 * are summed in 64-bit lanes: their low 32 bits are the 32-bit sums. */
__attribute__((noinline, unused, target("avx512f,avx512dq,avx2"))) static void
brink__rng_run_fill_avx512(brink__rng_run *g) {
  const __m512i m0 = _mm512_set1_epi64(PHILOX_M4x32_0), m1 = _mm512_set1_epi64(PHILOX_M4x32_1);
  const __m512i w0 = _mm512_set1_epi64(PHILOX_W32_0), w1 = _mm512_set1_epi64(PHILOX_W32_1);
  __m512i x0 =
      _mm512_add_epi64(_mm512_set1_epi64(g->ctr), _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
  __m512i x1 = _mm512_set1_epi64(g->stream), x2 = _mm512_set1_epi64(g->run_lo);
  __m512i x3 = _mm512_set1_epi64(g->run_hi);
  __m512i k0 = _mm512_set1_epi64(g->key_lo), k1 = _mm512_set1_epi64(g->key_hi);
  for (int r = 0; r < 10; r++) {
    if (r) { /* the key schedule: bumped before every round but the first */
      k0 = _mm512_add_epi64(k0, w0);
      k1 = _mm512_add_epi64(k1, w1);
    }
    const __m512i p0 = _mm512_mul_epu32(x0, m0), p1 = _mm512_mul_epu32(x2, m1);
    x0 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), x1, k0, 0x96); /* a ^ b ^ c */
    x1 = p1;
    x2 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), x3, k1, 0x96);
    x3 = p0;
  }
  /* Each block's four words in order: words 0, 1 (and 2, 3) paired in each 64-bit lane, then the
   * pairs of blocks 2k and 2k + 1 side by side in each 128-bit lane, then the blocks in order. */
  const __m512i x01 = _mm512_mask_blend_epi32(0xaaaa, x0, _mm512_slli_epi64(x1, 32));
  const __m512i x23 = _mm512_mask_blend_epi32(0xaaaa, x2, _mm512_slli_epi64(x3, 32));
  const __m512i even = _mm512_unpacklo_epi64(x01, x23), odd = _mm512_unpackhi_epi64(x01, x23);
  _mm512_storeu_si512(&g->buf[0], _mm512_permutex2var_epi64(
                                      even, _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11), odd));
  _mm512_storeu_si512(&g->buf[16], _mm512_permutex2var_epi64(
                                       even, _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15), odd));
  g->ctr += BRINK__RNG_RUN_BLOCKS;
  g->used = 0;
}
#endif

/* Computes blocks ctr .. ctr + 7 into buf (once per 32 numbers: not inlined into every draw).
 * With SSE2, two groups of four blocks whose rounds interleave (independent chains); with AVX2
 * (g->wide), the eight blocks in one register (brink__rng_run_fill_avx2). */
__attribute__((noinline, unused)) static void brink__rng_run_fill(brink__rng_run *g) {
#ifdef BRINK__RNG_RUN_HAVE_AVX2
  if (g->wide == 2) {
    brink__rng_run_fill_avx512(g);
    return;
  }
  if (g->wide) {
    brink__rng_run_fill_avx2(g);
    return;
  }
#endif
#if defined(__SSE2__) && !defined(BRINK_RNG_RUN_SCALAR)
  const __m128i m0 = _mm_set1_epi32((int)PHILOX_M4x32_0), m1 = _mm_set1_epi32((int)PHILOX_M4x32_1);
  const __m128i w0 = _mm_set1_epi32((int)PHILOX_W32_0), w1 = _mm_set1_epi32((int)PHILOX_W32_1);
  __m128i a0 = _mm_add_epi32(_mm_set1_epi32((int)g->ctr), _mm_setr_epi32(0, 1, 2, 3));
  __m128i b0 = _mm_add_epi32(_mm_set1_epi32((int)g->ctr), _mm_setr_epi32(4, 5, 6, 7));
  __m128i a1 = _mm_set1_epi32((int)g->stream), a2 = _mm_set1_epi32((int)g->run_lo);
  __m128i a3 = _mm_set1_epi32((int)g->run_hi);
  __m128i b1 = a1, b2 = a2, b3 = a3;
  __m128i k0 = _mm_set1_epi32((int)g->key_lo), k1 = _mm_set1_epi32((int)g->key_hi);
  for (int r = 0; r < 10; r++) {
    if (r) { /* the key schedule: bumped before every round but the first */
      k0 = _mm_add_epi32(k0, w0);
      k1 = _mm_add_epi32(k1, w1);
    }
    BRINK__PHILOX_ROUND4(a0, a1, a2, a3, k0, k1);
    BRINK__PHILOX_ROUND4(b0, b1, b2, b3, k0, k1);
  }
  brink__philox_store4(&g->buf[0], a0, a1, a2, a3);
  brink__philox_store4(&g->buf[16], b0, b1, b2, b3);
#else
  philox4x32_key_t key = {{g->key_lo, g->key_hi}};
  for (uint32_t b = 0; b < BRINK__RNG_RUN_BLOCKS; b++) {
    philox4x32_ctr_t ctr = {{g->ctr + b, g->stream, g->run_lo, g->run_hi}};
    philox4x32_ctr_t out = philox4x32(ctr, key);
    for (int w = 0; w < 4; w++) g->buf[4 * b + (uint32_t)w] = out.v[w];
  }
#endif
  g->ctr += BRINK__RNG_RUN_BLOCKS;
  g->used = 0;
}

/* Next 32 uniformly distributed bits (brink_rng_u32). */
__attribute__((always_inline)) static inline uint32_t brink__rng_run_u32(brink__rng_run *g) {
  if (__builtin_expect(g->used == 4 * BRINK__RNG_RUN_BLOCKS, 0)) brink__rng_run_fill(g);
  return g->buf[g->used++];
}

/* Uniform on (0, 1) from one 32-bit draw (brink_rng_uniform32). */
__attribute__((always_inline)) static inline double brink__rng_run_uniform32(brink__rng_run *g) {
  return ((double)brink__rng_run_u32(g) + 0.5) * 0x1p-32;
}

#endif
