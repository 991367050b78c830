/* SPDX-License-Identifier: MIT */
/* CAMEO event codes with their labels (CAMEO 1.1b3 manual), Goldstein (1992) weights as
 * published by GDELT, and QuadClass, compiled in from data/ (TSV files) (sources in
 * data/SOURCES.md). Codes are strings: "010" and "10" are different codes. */
#ifndef BRINK_CAMEO_H
#define BRINK_CAMEO_H

#include "brink/brink.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct brink_cameo_info {
  const char *code;  /* "1712" */
  const char *label; /* "Destroy property"; "" when the code has no label in the manual */
  double goldstein;  /* weight in [-10, +10]; see has_goldstein */
  int has_goldstein; /* 0 for codes GDELT gives no weight (155, 176, 1834, 1951, 1952) */
  int quadclass;     /* 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict */
} brink_cameo_info;

/* Looks up a code exactly. BRINK_ENOTFOUND for unknown codes. *out points into a static
 * table. Thread-safe. */
BRINK_API brink_status brink_cameo_lookup(const char *code, const brink_cameo_info **out);

/* The Goldstein weight of a known code. For a code with no weight of its own, the weight of
 * its nearest ancestor that has one (drop the last digit: 1834 -> 183); this is the fallback
 * GDELT-based tools use for codes added in CAMEO 1.1b3. BRINK_ENOTFOUND for unknown codes. */
BRINK_API brink_status brink_cameo_goldstein(const char *code, double *out);

/* QuadClass (1-4) from the two-digit root of any code ("1712" -> 4); 0 if the root is not
 * one of 01..20. */
BRINK_API int brink_cameo_quadclass(const char *code);

/* Number of codes in the table and the i-th, in code order (for listings). */
BRINK_API unsigned brink_cameo_count(void);
BRINK_API const brink_cameo_info *brink_cameo_at(unsigned i);

#ifdef __cplusplus
}
#endif
#endif
