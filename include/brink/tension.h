/* SPDX-License-Identifier: MIT */
/* The tension index: one definition for observed events (GDELT, ICEWS) and for the events the
 * model simulates, so both series can be drawn on one chart. For one period (day, week,
 * month) and a set of dyads:
 *   net cooperation  C = sum of Goldstein weights of the events      (Goldstein 1992 units)
 *   tension          T = -C                                           (positive = conflictual)
 *   mean Goldstein   C / n,  counts by QuadClass,  conflict share = (q3 + q4) / n.
 * See docs/model.md, "Tension index". */
#ifndef BRINK_TENSION_H
#define BRINK_TENSION_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct brink_tension_acc {
  double net_cooperation; /* sum of Goldstein weights */
  uint64_t events;        /* events counted (weighted events count once each) */
  uint64_t quad[5];       /* [0] unknown, [1..4] QuadClass counts */
} brink_tension_acc;

/* Empties the accumulator. */
static inline void brink_tension_reset(brink_tension_acc *acc) { *acc = (brink_tension_acc){0}; }

/* Adds one event with its Goldstein weight and QuadClass (0 when unknown). */
static inline void brink_tension_add(brink_tension_acc *acc, double goldstein, int quadclass) {
  acc->net_cooperation += goldstein;
  acc->events++;
  acc->quad[(quadclass >= 1 && quadclass <= 4) ? quadclass : 0]++;
}

/* Tension T = -net cooperation (Goldstein units per period). */
static inline double brink_tension_value(const brink_tension_acc *acc) {
  return 0.0 - acc->net_cooperation; /* 0 - x: a quiet period is +0, never -0 */
}

/* Mean Goldstein weight of the period's events (0 when there are none). */
static inline double brink_tension_mean_goldstein(const brink_tension_acc *acc) {
  return acc->events ? acc->net_cooperation / (double)acc->events : 0.0;
}

/* Share of events in QuadClass 3 or 4 (0 when there are none). */
static inline double brink_tension_conflict_share(const brink_tension_acc *acc) {
  return acc->events ? (double)(acc->quad[3] + acc->quad[4]) / (double)acc->events : 0.0;
}

#ifdef __cplusplus
}
#endif
#endif
