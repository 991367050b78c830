/* SPDX-License-Identifier: MIT */
/* Quantiles of the prior distributions of scenario parameters, in bounded time and without
 * aborting, and the check the loader runs so that a prior whose draws cannot be computed is
 * rejected at load time rather than at run time. */
#ifndef BRINK_DIST_H
#define BRINK_DIST_H

#include "brink/scenario.h"

/* The u-quantile of p's distribution (u in (0, 1); 0 and 1 give the support's ends). Never
 * aborts and never loops unboundedly (at most a few hundred evaluations of the CDF).
 * BRINK_ERANGE when it cannot be computed (parameters outside the domain, or a beta whose
 * regularised incomplete beta function fails and that no normal approximation fits); *out is
 * then untouched. Sets no message (runs in the hot loop with no context). Thread-safe. */
brink_status brink__dist_quantile(const brink_param *p, double u, double *out);

/* Checks that p's quantiles can be computed across (0, 1), down to the smallest and largest
 * u the generator makes. BRINK_ERANGE with a message naming the distribution and its
 * parameters (without a location: the caller adds file:line:col). */
brink_status brink__dist_check(brink_ctx *ctx, const brink_param *p);

/* A beta quantile tabulated once, in the plan, so that a draw costs a table lookup instead of
 * a root finding (docs/performance.md): y = logit(x) as a function of z = logit(u), which is
 * smooth and tends to straight lines in both tails, at BRINK__DIST_TABLE_N + 1 nodes evenly
 * spaced over z in [-38, 38] (all of the generator's u), each with its exact quantile, slope
 * and curvature, and a quintic Hermite interpolant between nodes. */
#define BRINK__DIST_TABLE_N 1024
typedef struct brink__dist_table {
  double z0, inv_h, h;
  double y[BRINK__DIST_TABLE_N + 1];   /* logit of the quantile at node k */
  double dy[BRINK__DIST_TABLE_N + 1];  /* dy/dz at node k, times h */
  double d2y[BRINK__DIST_TABLE_N + 1]; /* d2y/dz2 at node k, times h^2 */
} brink__dist_table;

/* Builds p's table when p is a beta prior whose quantiles and density are finite and positive
 * at every node (*out is then a new table, caller frees with brink_free); otherwise *out is
 * NULL and draws keep brink__dist_quantile. BRINK_ENOMEM only. */
brink_status brink__dist_table_new(brink_ctx *ctx, const brink_param *p, brink__dist_table **out);

/* The u-quantile from the table (u in (0, 1)). Thread-safe; reads the table only. */
double brink__dist_table_quantile(const brink__dist_table *t, double u);

#endif
