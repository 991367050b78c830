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

#endif
