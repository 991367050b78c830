/* SPDX-License-Identifier: MIT */
/* The weekly record of the Korean crisis as data: CSIS provocation entries (the DPRK side), the
 * sourced timeline and the allied record (the allies' acts), merged from any number of TSV files,
 * and counted by day, week and 52-week window exactly as docs/validation.md defines the series. */
#ifndef BRINK_RECORD_H
#define BRINK_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The project's record ends on this day (YYYYMMDD); nothing later is in data/. */
#define BRINK_RECORD_END 20221106

/* ---- File kinds, classes, sides --------------------------------------------------------- */

/* Each file kind is recognised by its header line (docs/validation.md, "Record files"). */
#define BRINK_RECORD_FORMATS(X)                                                                    \
  X(CSIS, "csis", "date\tclass\ticbm\tcsis_type\tcsis_event\tsource")                              \
  X(LAUNCH, "launch", "date\tclass\tcsis_event_label\tcsis_resource")                              \
  X(TIMELINE, "timeline", "date\tactor\ttarget\tevent_type\tdescription\tsource")

typedef enum brink_record_format {
#define BRINK_RECORD_FORMAT_ENUM(e, name, header) BRINK_RECORD_FORMAT_##e,
  BRINK_RECORD_FORMATS(BRINK_RECORD_FORMAT_ENUM)
#undef BRINK_RECORD_FORMAT_ENUM
      BRINK_RECORD_FORMAT_COUNT
} brink_record_format;

/* The class of a row: the CSIS classes (data/SOURCES.md, "The class rule") for CSIS and launch
 * rows, the timeline's event_type for timeline and allied rows. UNKNOWN: a value outside this
 * list (kept and listed as unmapped). */
#define BRINK_RECORD_CLASSES(X)                                                                    \
  X(BM, "BM")                                                                                      \
  X(SLV, "SLV")                                                                                    \
  X(NUCLEAR, "NUCLEAR")                                                                            \
  X(CLASH, "CLASH")                                                                                \
  X(ARTILLERY, "ARTILLERY")                                                                        \
  X(CRUISE, "CRUISE")                                                                              \
  X(INCURSION, "INCURSION")                                                                        \
  X(OTHER_MISSILE, "OTHER_MISSILE")                                                                \
  X(OTHER, "OTHER")                                                                                \
  X(EXERCISE, "exercise")                                                                          \
  X(EXERCISE_SUSPENDED, "exercise_suspended")                                                      \
  X(DEPLOYMENT, "deployment")                                                                      \
  X(SANCTIONS_UNSC, "sanctions_unsc")                                                              \
  X(SANCTIONS_UNILATERAL, "sanctions_unilateral")                                                  \
  X(VETO, "veto")                                                                                  \
  X(TALKS, "talks")                                                                                \
  X(SUMMIT, "summit")                                                                              \
  X(AGREEMENT, "agreement")                                                                        \
  X(STATEMENT, "statement")                                                                        \
  X(DISMANTLEMENT, "dismantlement")                                                                \
  X(MORATORIUM, "moratorium")                                                                      \
  X(MISSILE_LAUNCH, "missile_launch")                                                              \
  X(ICBM_LAUNCH, "icbm_launch")                                                                    \
  X(IRBM_LAUNCH, "irbm_launch")                                                                    \
  X(NUCLEAR_TEST, "nuclear_test")                                                                  \
  X(CLASH_EVENT, "clash")                                                                          \
  X(PROVOCATION, "provocation")                                                                    \
  X(MISSILE_COUNT_YEAR, "missile_count_year")                                                      \
  X(UNKNOWN, "unknown")

typedef enum brink_record_class {
#define BRINK_RECORD_CLASS_ENUM(e, name) BRINK_RECORD_##e,
  BRINK_RECORD_CLASSES(BRINK_RECORD_CLASS_ENUM)
#undef BRINK_RECORD_CLASS_ENUM
      BRINK_RECORD_CLASS_COUNT
} brink_record_class;

/* Who acted. ALLIES: a timeline actor list naming US, ROK, JPN, UNSC, SIX_PARTY or ROK_JIG;
 * DPRK: every CSIS and launch row, and timeline rows whose actors name the DPRK but no ally;
 * OTHER: the rest (e.g. a PRC;RUS veto, a Kim-Xi summit). */
typedef enum brink_record_side {
  BRINK_RECORD_SIDE_DPRK,
  BRINK_RECORD_SIDE_ALLIES,
  BRINK_RECORD_SIDE_OTHER
} brink_record_side;

/* ---- Series (issue 14) and streams ------------------------------------------------------ */

/* Counted on the rows that feed the series (brink_record_row.counted): */
#define BRINK_RECORD_SERIES(X)                                                                     \
  X(BM_LAUNCH_DAYS, "bm_launch_days", "distinct dates with a class BM entry")                      \
  X(ICBM_LAUNCH_DAYS, "icbm_launch_days", "distinct dates with a class BM entry with icbm 1")      \
  X(NUCLEAR_TESTS, "nuclear_tests", "entries of class NUCLEAR")                                    \
  X(CLASH_DAYS, "clash_days", "distinct dates with a class CLASH entry")                           \
  X(ARMED_CONFLICT, "armed_conflict", "1 if war begins in the window: always 0 in the record")

typedef enum brink_record_series {
#define BRINK_RECORD_SERIES_ENUM(e, name, doc) BRINK_RECORD_SERIES_##e,
  BRINK_RECORD_SERIES(BRINK_RECORD_SERIES_ENUM)
#undef BRINK_RECORD_SERIES_ENUM
      BRINK_RECORD_SERIES_COUNT
} brink_record_series;

/* Event streams for point-process models (`brink record streams`): one event per distinct
 * (date, stream). */
#define BRINK_RECORD_STREAMS(X)                                                                    \
  X(DPRK_BM, "dprk_bm", "class BM")                                                                \
  X(DPRK_ICBM, "dprk_icbm", "class BM with icbm 1")                                                \
  X(DPRK_NUCLEAR, "dprk_nuclear", "class NUCLEAR")                                                 \
  X(DPRK_CLASH, "dprk_clash", "class CLASH")                                                       \
  X(ALLIED_EXERCISE, "allied_exercise", "allied exercise")                                         \
  X(ALLIED_SUSPENSION, "allied_suspension", "allied exercise_suspended")                           \
  X(ALLIED_DEPLOYMENT, "allied_deployment", "allied deployment")                                   \
  X(ALLIED_SANCTIONS, "allied_sanctions", "sanctions_unsc, allied sanctions_unilateral")           \
  X(ALLIED_OFFER, "allied_offer", "allied talks (offers and talks held) and summit")

typedef enum brink_record_stream {
#define BRINK_RECORD_STREAM_ENUM(e, name, doc) BRINK_RECORD_STREAM_##e,
  BRINK_RECORD_STREAMS(BRINK_RECORD_STREAM_ENUM)
#undef BRINK_RECORD_STREAM_ENUM
      BRINK_RECORD_STREAM_COUNT
} brink_record_stream;

/* Static strings: "csis", "BM" / "exercise", "bm_launch_days", "dprk_bm"; NULL out of range. */
BRINK_API const char *brink_record_format_name(brink_record_format format);
BRINK_API const char *brink_record_class_name(brink_record_class cls);
BRINK_API const char *brink_record_series_name(brink_record_series series);
BRINK_API const char *brink_record_stream_name(brink_record_stream stream);
/* Inverse of brink_record_series_name: the series, or BRINK_RECORD_SERIES_COUNT. */
BRINK_API brink_record_series brink_record_series_find(const char *name);

/* ---- One row ---------------------------------------------------------------------------- */

/* Strings are NUL-terminated, never NULL ("" when the file kind has no such column), owned by
 * the record and valid until brink_record_free. */
typedef struct brink_record_row {
  int32_t date;               /* YYYYMMDD */
  brink_record_class cls;     /* class (CSIS, launch) or event_type (timeline) */
  brink_record_side side;     /* who acted */
  int icbm;                   /* 1 on a BM row flagged ICBM, else 0 */
  int counted;                /* 1: feeds the series, weekly counts and streams (see below) */
  int mapped;                 /* 0: unknown class or not a dated act (listed as unmapped) */
  brink_record_format format; /* kind of the file the row was first read from */
  const char *type;           /* the class or event_type as written */
  const char *actor;          /* timeline: actor list ("US;ROK"); else "DPRK" */
  const char *target;         /* timeline: target list; else "" */
  const char *label;          /* CSIS event label or timeline description */
  const char *source;         /* the row's source column (URL) */
  const char *file;           /* path or name the row was first read from */
  uint32_t line;              /* 1-based line in that file */
  uint32_t merged;            /* how many later rows (same file or another) were the same row */
} brink_record_row;

/* Which rows are counted: every mapped CSIS and launch row, and the mapped timeline rows of
 * side ALLIES or OTHER. Timeline rows of side DPRK (missile_launch, nuclear_test, ...) restate
 * CSIS entries, sometimes with a day's difference (UTC vs Korean time): the DPRK is observed
 * through the CSIS classes only, so they are kept, not counted, and reported. */

/* ---- The record ------------------------------------------------------------------------- */

/* Threads: loading changes the record; the counting functions below only read it, so once the
 * files are loaded any number of threads may count on it at once. */
typedef struct brink_record brink_record;

/* New empty record. Caller frees with brink_record_free. */
BRINK_API brink_status brink_record_new(brink_ctx *ctx, brink_record **out);
BRINK_API void brink_record_free(brink_record *rec);

/* Reads one record file and merges its rows in. The kind comes from the header line (the
 * first line, exactly as in BRINK_RECORD_FORMATS). A row already in the record counts once:
 * CSIS and launch rows are the same row when date, class, CSIS label and source link are equal (a
 * CSIS row's icbm flag then wins over a launch row's, which is read from its label); timeline rows
 * when date, actor, target and event_type are equal. On error (BRINK_EIO, BRINK_EPARSE with
 * "file:line:col: problem, expected ...", BRINK_ENOMEM) nothing from the file is kept.
 * name (parse) or path (load) is copied and used in messages and rows. */
BRINK_API brink_status brink_record_load(brink_record *rec, const char *path);
BRINK_API brink_status brink_record_parse(brink_record *rec, const char *text, size_t len,
                                          const char *name);

/* New record holding only the rows dated strictly before origin (YYYYMMDD), merge counts
 * kept. A forecast from origin D may use only this. Caller frees with brink_record_free. */
BRINK_API brink_status brink_record_before(const brink_record *rec, int32_t origin,
                                           brink_record **out);

/* Rows, ordered by date, then the order they were read. Owned by rec; a row pointer is valid
 * until the next load into rec (which may move and reorder the rows) or brink_record_free. */
BRINK_API size_t brink_record_count(const brink_record *rec);
BRINK_API const brink_record_row *brink_record_row_at(const brink_record *rec, size_t i);

/* What loading did (all files so far). */
typedef struct brink_record_stats {
  size_t files;     /* files read */
  size_t read;      /* data rows read */
  size_t rows;      /* rows kept after merging (read - duplicates) */
  size_t duplicate; /* rows that were already there */
  size_t unmapped;  /* kept rows with mapped == 0 */
  size_t uncounted; /* mapped rows with counted == 0 (DPRK timeline rows) */
  size_t by_format[BRINK_RECORD_FORMAT_COUNT]; /* files by kind */
} brink_record_stats;
BRINK_API void brink_record_get_stats(const brink_record *rec, brink_record_stats *out);

/* ---- Counting --------------------------------------------------------------------------- */

/* Dates are YYYYMMDD. Day d is in [from, to) when from <= d < to. */

/* The count of a series over the days [from, to). */
BRINK_API uint32_t brink_record_series_count(const brink_record *rec, brink_record_series series,
                                             int32_t from, int32_t to);

/* Counts of a series in n 52-week windows from origin, the first being window k = first
 * (negative k: before the origin). Window k holds the days d with
 * origin + 364k <= d < origin + 364(k+1); counts[i] is window first + i. */
BRINK_API void brink_record_series_windows(const brink_record *rec, brink_record_series series,
                                           int32_t origin, int first, size_t n, uint32_t *counts);

/* Weekly counts from start (week w = [start + 7w, start + 7(w+1))) for the later replay and
 * filter. series: as the series define it (distinct days where they say so). */
BRINK_API void brink_record_series_weekly(const brink_record *rec, brink_record_series series,
                                          int32_t start, size_t n_weeks, uint32_t *counts);
/* Counted rows of one side and class per week (several entries in a week all count). With
 * BRINK_RECORD_SIDE_ALLIES and an allied event_type: the allies' acts per week. */
BRINK_API void brink_record_class_weekly(const brink_record *rec, brink_record_side side,
                                         brink_record_class cls, int32_t start, size_t n_weeks,
                                         uint32_t *counts);

/* Bit (1u << stream) set for every stream the row belongs to; 0 when not counted. */
BRINK_API uint32_t brink_record_row_streams(const brink_record_row *row);

/* ---- Dates ------------------------------------------------------------------------------ */

/* date (a valid YYYYMMDD) plus days (may be negative), as YYYYMMDD. */
BRINK_API int32_t brink_record_date_add(int32_t date, int64_t days);
/* Days from a to b (b - a). */
BRINK_API int64_t brink_record_date_diff(int32_t a, int32_t b);
/* Parses "YYYY-MM-DD" or "YYYYMMDD" (the whole of s); BRINK_EPARSE otherwise. */
BRINK_API brink_status brink_record_date_parse(const char *s, int32_t *out);

#ifdef __cplusplus
}
#endif
#endif
