/* SPDX-License-Identifier: MIT */
/* The observation model: how recorded events become the model's acts, week by week
 * (docs/validation.md, "Observation model"). A table (data/korea_observation.tsv) maps each
 * kind of record row (its source, class or event type, ICBM flag and acting party) to a ladder
 * action of a scenario's actor with a rank; in a week with several rows for one actor the
 * highest rank is its act; a week with no row for an observed actor is its `hold` (no entry is
 * an observation too). Rows the table maps to nothing, or does not know, are counted and
 * listed, never dropped silently. */
#ifndef BRINK_OBSERVE_H
#define BRINK_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"
#include "brink/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One recorded row, as the observation model reads it. */
typedef struct brink_observed_row {
  int32_t date;       /* YYYYMMDD */
  const char *source; /* "csis" (provocations) or "timeline" (timeline and allied record) */
  const char *key;    /* CSIS class (BM, NUCLEAR, ...) or timeline event_type */
  int icbm;           /* CSIS icbm flag: 1, 0, or -1 when empty */
  const char *actor;  /* the row's acting parties, ';'-separated (timeline), or NULL */
  const char *where;  /* "file:line" for reports; may be NULL */
} brink_observed_row;

typedef struct brink_observation brink_observation;

/* Reads the mapping table at path for `scenario` (header `source key icbm record_actor actor
 * action rank note`; `*` matches anything; actor `-` maps to nothing on purpose). New object,
 * caller frees with brink_observation_free. BRINK_EPARSE with file:line:col for unknown
 * actors, actions or malformed rows; BRINK_EIO. */
BRINK_API brink_status brink_observation_load(brink_ctx *ctx, const char *path,
                                              const brink_scenario *scenario,
                                              brink_observation **out);
BRINK_API void brink_observation_free(brink_observation *obs);

/* What became of the rows. */
typedef struct brink_observation_report {
  uint64_t rows, mapped, ignored, unknown, outside; /* ignored: mapped to `-`; outside: dates */
  uint64_t overridden; /* rows whose act lost to a higher-ranked one in the same week */
  /* The first unknown rows ("file:line: source key actor"), one per line, for messages. */
  char unknown_list[2048];
} brink_observation_report;

/* The acts of weeks [start, start + 7 n_steps): acts[t * n_actors + i] receives actor i's act
 * (ladder index), its hold action for an actor in `observed` without a row that week, and
 * BRINK_FILTER_FREE (-2) for actors not observed. n_actors must be the scenario's. */
BRINK_API brink_status brink_observation_acts(brink_ctx *ctx, const brink_observation *obs,
                                              const brink_observed_row *rows, size_t n_rows,
                                              int32_t start, uint32_t n_steps, uint32_t observed,
                                              int *acts, brink_observation_report *report);

#ifdef __cplusplus
}
#endif
#endif
