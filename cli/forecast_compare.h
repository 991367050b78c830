/* SPDX-License-Identifier: MIT */
/* The comparison of policies forecast from the record (cli/forecast_compare.c), shared by
 * `brink forecast` and `brink serve`. */
#ifndef BRINK_CLI_FORECAST_COMPARE_H
#define BRINK_CLI_FORECAST_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "brink/filter.h"
#include "brink/forecast.h"
#include "history.h"

#define FORECAST_MAX_POLICIES 32

/* Appends the comparison of fs[0..n_pol) (forecasts of the policies pol[k] of sc, with
 * keep_runs and the same seed and particles: common random numbers) to out: format 1 JSON
 * ({"forecast_compare": ...}), 0 the table. file is the scenario file as named in the output;
 * origin an ISO date; h and fr the filtered history (both NULL without one); validation a
 * backtest summary file (scripts/backtest.sh) or NULL. The baseline is the policy named
 * status_quo or historical, else the first. BRINK_EIO or BRINK_EPARSE (printed) for a bad
 * validation file. */
brink_status forecast_compare_write(brink_ctx *ctx, const brink_scenario *sc, const char *file,
                                    brink_forecast *const *fs, const uint32_t *pol, size_t n_pol,
                                    const char *origin, int format, const history *h,
                                    const brink_filter_result *fr, const char *validation,
                                    brink_buf *out);

#endif
