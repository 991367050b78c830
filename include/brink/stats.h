/* SPDX-License-Identifier: MIT */
/* Statistics with their uncertainty: Wilson intervals for probabilities, normal intervals for
 * means from exact sums, and quantiles from fixed-resolution histograms (exact to the bin
 * width, mergeable in any order, so results do not depend on the thread count). */
#ifndef BRINK_STATS_H
#define BRINK_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct brink_estimate {
  double mean, lo, hi;
} brink_estimate;

/* The two-sided normal quantile z for a confidence level in (0, 1) (0.95 -> 1.95996...). */
BRINK_API double brink_stats_z(double confidence);

/* Wilson score interval for k successes in n trials (n > 0); n = 0 gives {0, 0, 1}. */
BRINK_API brink_estimate brink_stats_wilson(uint64_t k, uint64_t n, double z);

/* Mean with a normal interval, from the count, sum and sum of squares of the observations
 * (n = 0 gives zeros; n = 1 a zero-width interval). */
BRINK_API brink_estimate brink_stats_mean(uint64_t n, double sum, double sum_sq, double z);
/* Sample standard deviation from the same sums (0 when n < 2). */
BRINK_API double brink_stats_sd(uint64_t n, double sum, double sum_sq);

/* Quantile q in [0, 1] of the values counted in counts[0..n_bins), bin i standing for
 * origin + i * width (the lower-rank rule: the smallest value with cumulative share >= q).
 * Returns origin when the histogram is empty. */
BRINK_API double brink_stats_hist_quantile(const uint64_t *counts, size_t n_bins, double origin,
                                           double width, double q);

/* Median of a histogram of whole numbers (bin i = value i) with a distribution-free
 * interval from the binomial ranks n/2 -/+ z sqrt(n)/2. */
BRINK_API brink_estimate brink_stats_hist_median(const uint64_t *counts, size_t n_bins, double z);

#ifdef __cplusplus
}
#endif
#endif
