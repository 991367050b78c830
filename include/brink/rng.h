/* SPDX-License-Identifier: MIT */
/* Counter-based random numbers (Random123 Philox4x32-10, Salmon et al. 2011). A stream is
 * keyed by (seed, run, stream): run i draws the same numbers whatever thread runs it. */
#ifndef BRINK_RNG_H
#define BRINK_RNG_H

#include <math.h>
#include <stdint.h>

#include <Random123/philox.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The generator's name, written into every output that depends on it. */
#define BRINK_RNG_NAME "philox4x32-10"

typedef struct brink_rng {
  philox4x32_key_t key; /* the seed */
  philox4x32_ctr_t ctr; /* [block, stream, run lo, run hi] */
  philox4x32_ctr_t out; /* the current block of four numbers */
  unsigned used;        /* numbers of out already handed out */
} brink_rng;

/* Starts the stream (seed, run, stream) at its first number. */
static inline void brink_rng_init(brink_rng *rng, uint64_t seed, uint64_t run, uint32_t stream) {
  rng->key.v[0] = (uint32_t)seed;
  rng->key.v[1] = (uint32_t)(seed >> 32);
  rng->ctr.v[0] = 0;
  rng->ctr.v[1] = stream;
  rng->ctr.v[2] = (uint32_t)run;
  rng->ctr.v[3] = (uint32_t)(run >> 32);
  rng->used = 4;
}

/* Next 32 uniformly distributed bits. */
__attribute__((always_inline)) static inline uint32_t brink_rng_u32(brink_rng *rng) {
  if (rng->used == 4) {
    rng->out = philox4x32(rng->ctr, rng->key);
    rng->ctr.v[0]++;
    rng->used = 0;
  }
  return rng->out.v[rng->used++];
}

/* Uniform on the open interval (0, 1), 53 bits. */
__attribute__((always_inline)) static inline double brink_rng_uniform(brink_rng *rng) {
  uint64_t hi = brink_rng_u32(rng), lo = brink_rng_u32(rng);
  uint64_t bits = ((hi << 32) | lo) >> 11;
  /* (bits + 0.5) 2^-53 rounds to exactly 1 for the largest bits; keep the result below 1 so
   * that inverting an unbounded CDF never gives infinity. */
  double u = ((double)bits + 0.5) * 0x1p-53;
  return u < 1.0 ? u : 0x1.fffffffffffffp-1;
}

/* Uniform on (0, 1) with 32 bits of resolution, from one 32-bit draw: for the many draws of
 * a trajectory (choices, noise, hazards) where 2^-32 is far below any probability used. */
__attribute__((always_inline)) static inline double brink_rng_uniform32(brink_rng *rng) {
  return ((double)brink_rng_u32(rng) + 0.5) * 0x1p-32;
}

/* Standard normal (Box-Muller; two uniforms per call, no cached second value, so the
 * number of draws per call is fixed). */
static inline double brink_rng_normal(brink_rng *rng) {
  double u1 = brink_rng_uniform(rng), u2 = brink_rng_uniform(rng);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* 1 with probability p (p outside [0,1] is clamped). Uses one uniform. */
static inline int brink_rng_bernoulli(brink_rng *rng, double p) {
  return brink_rng_uniform(rng) < p;
}

/* Uniform integer in [0, n), n > 0 (Lemire's multiply-shift with rejection). */
static inline uint32_t brink_rng_below(brink_rng *rng, uint32_t n) {
  uint64_t m = (uint64_t)brink_rng_u32(rng) * n;
  uint32_t low = (uint32_t)m;
  if (low < n) {
    uint32_t threshold = (uint32_t)(-n) % n;
    while (low < threshold) {
      m = (uint64_t)brink_rng_u32(rng) * n;
      low = (uint32_t)m;
    }
  }
  return (uint32_t)(m >> 32);
}

#ifdef __cplusplus
}
#endif
#endif
