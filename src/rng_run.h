/* SPDX-License-Identifier: MIT */
/* The generator of a run's dynamics (run_state in model_internal.h): the same numbers as
 * brink_rng (Philox4x32-10, Random123) on the same key and counter, in the same order, but
 * computed four blocks (16 numbers) at a time. With SSE2 the four blocks go through the ten
 * rounds together, one block per 32-bit lane: the 32 x 32 -> 64-bit products of a round are
 * four _mm_mul_epu32 for the four blocks instead of eight scalar multiplications, and the
 * buffer is refilled once per 16 numbers instead of once per 4. Without SSE2, Random123's
 * philox4x32 computes the four blocks one after another. tests/test_dist.c checks the two
 * against each other. */
#ifndef BRINK_RNG_RUN_H
#define BRINK_RNG_RUN_H

#include <stdint.h>

#include "brink/rng.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct brink__rng_run {
  uint32_t buf[16]; /* blocks ctr - 4 .. ctr - 1, four numbers each */
  uint32_t used;    /* numbers of buf already handed out */
  uint32_t ctr;     /* next block to compute (word 0 of Philox's counter) */
  uint32_t stream, run_lo, run_hi, key_lo, key_hi; /* words 1-3 of the counter, the key */
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
  g->used = 16;
}

/* Computes blocks ctr .. ctr + 3 into buf (once per 16 numbers: not inlined into every draw). */
__attribute__((noinline, unused)) static void brink__rng_run_fill(brink__rng_run *g) {
#if defined(__SSE2__)
  const __m128i m0 = _mm_set1_epi32((int)PHILOX_M4x32_0), m1 = _mm_set1_epi32((int)PHILOX_M4x32_1);
  const __m128i w0 = _mm_set1_epi32((int)PHILOX_W32_0), w1 = _mm_set1_epi32((int)PHILOX_W32_1);
  __m128i x0 = _mm_add_epi32(_mm_set1_epi32((int)g->ctr), _mm_setr_epi32(0, 1, 2, 3));
  __m128i x1 = _mm_set1_epi32((int)g->stream), x2 = _mm_set1_epi32((int)g->run_lo);
  __m128i x3 = _mm_set1_epi32((int)g->run_hi);
  __m128i k0 = _mm_set1_epi32((int)g->key_lo), k1 = _mm_set1_epi32((int)g->key_hi);
  for (int r = 0; r < 10; r++) {
    if (r) { /* the key schedule: bumped before every round but the first */
      k0 = _mm_add_epi32(k0, w0);
      k1 = _mm_add_epi32(k1, w1);
    }
    /* Products of lanes 0, 2 and of lanes 1, 3 (64 bits each), then their low and high
     * halves gathered back in lane order. */
    __m128i e0 = _mm_shuffle_epi32(_mm_mul_epu32(x0, m0), _MM_SHUFFLE(3, 1, 2, 0));
    __m128i o0 =
        _mm_shuffle_epi32(_mm_mul_epu32(_mm_srli_epi64(x0, 32), m0), _MM_SHUFFLE(3, 1, 2, 0));
    __m128i e1 = _mm_shuffle_epi32(_mm_mul_epu32(x2, m1), _MM_SHUFFLE(3, 1, 2, 0));
    __m128i o1 =
        _mm_shuffle_epi32(_mm_mul_epu32(_mm_srli_epi64(x2, 32), m1), _MM_SHUFFLE(3, 1, 2, 0));
    __m128i lo0 = _mm_unpacklo_epi32(e0, o0), hi0 = _mm_unpackhi_epi32(e0, o0);
    __m128i lo1 = _mm_unpacklo_epi32(e1, o1), hi1 = _mm_unpackhi_epi32(e1, o1);
    /* Philox's round: {hi1 ^ x1 ^ k0, lo1, hi0 ^ x3 ^ k1, lo0}. */
    x0 = _mm_xor_si128(_mm_xor_si128(hi1, x1), k0);
    x1 = lo1;
    x2 = _mm_xor_si128(_mm_xor_si128(hi0, x3), k1);
    x3 = lo0;
  }
  /* Lanes are blocks, registers words: transpose into four blocks of four words. */
  __m128i t0 = _mm_unpacklo_epi32(x0, x1), t1 = _mm_unpacklo_epi32(x2, x3);
  __m128i t2 = _mm_unpackhi_epi32(x0, x1), t3 = _mm_unpackhi_epi32(x2, x3);
  _mm_storeu_si128((__m128i *)(void *)&g->buf[0], _mm_unpacklo_epi64(t0, t1));
  _mm_storeu_si128((__m128i *)(void *)&g->buf[4], _mm_unpackhi_epi64(t0, t1));
  _mm_storeu_si128((__m128i *)(void *)&g->buf[8], _mm_unpacklo_epi64(t2, t3));
  _mm_storeu_si128((__m128i *)(void *)&g->buf[12], _mm_unpackhi_epi64(t2, t3));
#else
  philox4x32_key_t key = {{g->key_lo, g->key_hi}};
  for (uint32_t b = 0; b < 4; b++) {
    philox4x32_ctr_t ctr = {{g->ctr + b, g->stream, g->run_lo, g->run_hi}};
    philox4x32_ctr_t out = philox4x32(ctr, key);
    for (int w = 0; w < 4; w++) g->buf[4 * b + (uint32_t)w] = out.v[w];
  }
#endif
  g->ctr += 4;
  g->used = 0;
}

/* Next 32 uniformly distributed bits (brink_rng_u32). */
__attribute__((always_inline)) static inline uint32_t brink__rng_run_u32(brink__rng_run *g) {
  if (__builtin_expect(g->used == 16, 0)) brink__rng_run_fill(g);
  return g->buf[g->used++];
}

/* Uniform on (0, 1) from one 32-bit draw (brink_rng_uniform32). */
__attribute__((always_inline)) static inline double brink__rng_run_uniform32(brink__rng_run *g) {
  return ((double)brink__rng_run_u32(g) + 0.5) * 0x1p-32;
}

#endif
