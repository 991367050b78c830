/* SPDX-License-Identifier: MIT */
/* Pieces shared by the forecast (src/history_forecast.c) and the replay (src/history_replay.c):
 * counting a step's acts into the record's series, and quantiles of a count histogram over runs. */
#ifndef BRINK_FORECAST_INTERNAL_H
#define BRINK_FORECAST_INTERNAL_H

#include "brink/forecast.h"

/* Adds one to row[s] (saturating) for every series the step counts for: the series of each
 * actor's act (map), CLASH_DAYS for a step with an armed clash, ARMED_CONFLICT when war begins. */
void brink__series_count(const brink_forecast_map *map, uint32_t n_actors,
                         const brink_step_view *view, uint16_t *row);
/* The smallest count whose cumulative share of runs reaches q, in h[BRINK_FORECAST_BINS]. */
uint32_t brink__hist_quantile(const uint64_t *h, uint64_t runs, double q);

#endif
