/* SPDX-License-Identifier: MIT */
/* Intervals and histogram quantiles used by the engine (docs/output.md). */
#include <math.h>

#include <gsl/gsl_cdf.h>

#include "brink/stats.h"

double brink_stats_z(double confidence) {
  return gsl_cdf_ugaussian_Pinv(1.0 - (1.0 - confidence) / 2.0);
}

brink_estimate brink_stats_wilson(uint64_t k, uint64_t n, double z) {
  if (n == 0) return (brink_estimate){0.0, 0.0, 1.0};
  double nn = (double)n, p = (double)k / nn, z2 = z * z;
  double centre = (p + z2 / (2.0 * nn)) / (1.0 + z2 / nn);
  double half = z / (1.0 + z2 / nn) * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
  double lo = centre - half, hi = centre + half;
  /* The interval always contains p; clamp rounding at the edges. */
  if (k == 0) lo = 0.0;
  if (k == n) hi = 1.0;
  return (brink_estimate){p, lo < 0.0 ? 0.0 : lo, hi > 1.0 ? 1.0 : hi};
}

double brink_stats_sd(uint64_t n, double sum, double sum_sq) {
  if (n < 2) return 0.0;
  double nn = (double)n, mean = sum / nn;
  double var = (sum_sq - nn * mean * mean) / (nn - 1.0);
  return var > 0.0 ? sqrt(var) : 0.0;
}

brink_estimate brink_stats_mean(uint64_t n, double sum, double sum_sq, double z) {
  if (n == 0) return (brink_estimate){0.0, 0.0, 0.0};
  double mean = sum / (double)n;
  double half = z * brink_stats_sd(n, sum, sum_sq) / sqrt((double)n);
  return (brink_estimate){mean, mean - half, mean + half};
}

static double value_at_rank(const uint64_t *counts, size_t n_bins, uint64_t rank) {
  uint64_t cum = 0;
  for (size_t i = 0; i < n_bins; i++) {
    cum += counts[i];
    if (cum >= rank) return (double)i;
  }
  return (double)(n_bins ? n_bins - 1 : 0);
}

double brink_stats_hist_quantile(const uint64_t *counts, size_t n_bins, double origin, double width,
                                 double q) {
  uint64_t total = 0;
  for (size_t i = 0; i < n_bins; i++) total += counts[i];
  if (!total) return origin;
  double r = ceil(q * (double)total);
  uint64_t rank = r < 1.0 ? 1 : (uint64_t)r;
  return origin + width * value_at_rank(counts, n_bins, rank);
}

brink_estimate brink_stats_hist_median(const uint64_t *counts, size_t n_bins, double z) {
  uint64_t total = 0;
  for (size_t i = 0; i < n_bins; i++) total += counts[i];
  if (!total) return (brink_estimate){(double)NAN, (double)NAN, (double)NAN};
  double n = (double)total;
  double lo_rank = floor(n / 2.0 - z * sqrt(n) / 2.0),
         hi_rank = ceil(n / 2.0 + z * sqrt(n) / 2.0 + 1.0);
  if (lo_rank < 1.0) lo_rank = 1.0;
  if (hi_rank > n) hi_rank = n;
  double mid = ceil(n / 2.0);
  return (brink_estimate){value_at_rank(counts, n_bins, (uint64_t)mid),
                          value_at_rank(counts, n_bins, (uint64_t)lo_rank),
                          value_at_rank(counts, n_bins, (uint64_t)hi_rank)};
}
