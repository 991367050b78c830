/* SPDX-License-Identifier: MIT */
/* Event data: streaming readers for GDELT 1.0/2.0 exports (plain or .zip), ICEWS .tab files
 * and generic CSV; an SQLite event store with import, query and the observed tension index
 * (computed with brink/tension.h, the function the crisis model uses). See docs/events.md. */
#ifndef BRINK_EVENTS_H
#define BRINK_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"
#include "brink/tension.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Formats ---------------------------------------------------------------------------- */

typedef enum brink_event_format {
  BRINK_EVENT_FORMAT_AUTO = 0, /* detect from the content (docs/events.md, "Detection") */
  BRINK_EVENT_FORMAT_GDELT1,   /* GDELT 1.0: 57 (backfile) or 58 (daily) tab-separated columns */
  BRINK_EVENT_FORMAT_GDELT2,   /* GDELT 2.0 export: 61 tab-separated columns */
  BRINK_EVENT_FORMAT_ICEWS,    /* ICEWS .tab: header row, tab-separated */
  BRINK_EVENT_FORMAT_CSV       /* comma-separated with a header row and a column mapping */
} brink_event_format;

/* "auto", "gdelt1", "gdelt2", "icews", "csv"; a static string. */
BRINK_API const char *brink_event_format_name(brink_event_format format);
/* Inverse of brink_event_format_name; BRINK_EINVAL (message set) for other names. */
BRINK_API brink_status brink_event_format_parse(brink_ctx *ctx, const char *name,
                                                brink_event_format *out);

/* Where a row came from; part of the store's unique key. */
enum { BRINK_EVENT_SOURCE_GDELT = 1, BRINK_EVENT_SOURCE_ICEWS = 2, BRINK_EVENT_SOURCE_CSV = 3 };

/* ---- One event -------------------------------------------------------------------------- */

/* An event as read from a file or from the store. Strings are NUL-terminated, never NULL ("" when
 * absent), and owned by whoever produced the event (reader or query): valid until the next row
 * or the end of the callback. CAMEO codes are strings: "010" and "10" differ. */
typedef struct brink_event {
  int source;                 /* BRINK_EVENT_SOURCE_* */
  int64_t id;                 /* GLOBALEVENTID, ICEWS Event ID, CSV id (or a hash of the row) */
  int32_t date;               /* event date YYYYMMDD (GDELT SQLDATE, ICEWS Event Date) */
  int64_t added;              /* report time YYYYMMDDHHMMSS UTC (GDELT DATEADDED; 1.0 has the day
                                 only, HHMMSS = 0); 0 when the format has none (ICEWS) */
  const char *actor1_code;    /* GDELT Actor1Code ("USAMIL"); ICEWS Source Name */
  const char *actor1_country; /* 3-letter CAMEO country ("PRK"); ICEWS names mapped, see docs */
  const char *actor1_type;    /* GDELT Actor1Type1Code ("GOV", "MIL"); ICEWS from the sectors */
  const char *actor2_code;
  const char *actor2_country;
  const char *actor2_type;
  const char *code;   /* CAMEO event code, leading zeros kept ("0251") */
  double goldstein;   /* Goldstein weight of code from brink/cameo.h (with its fallback) */
  int quadclass;      /* 1..4 from the code's root */
  double file_weight; /* the file's own weight (GDELT GoldsteinScale, ICEWS Intensity);
                         NAN when absent */
  int is_root;        /* GDELT IsRootEvent; 0 elsewhere */
  int64_t num_mentions, num_sources, num_articles; /* GDELT; 0 elsewhere */
  double avg_tone;                                 /* GDELT AvgTone; 0 elsewhere */
  const char *source_url; /* GDELT SOURCEURL; ICEWS "icews:story:<Story ID>"; CSV url */
} brink_event;

/* ---- Readers ---------------------------------------------------------------------------- */

/* Called for every bad row (wrong column count, bad date, unknown code, ...): where is "name"
 * or "archive.zip:entry", line counts from 1, message says what was found and what was
 * expected. Strings are valid during the call only. */
typedef void (*brink_event_bad_fn)(void *userdata, const char *where, uint64_t line,
                                   const char *message);

typedef struct brink_event_read_opts {
  brink_event_format format; /* AUTO to detect */
  int strict;                /* 1: the first bad row ends reading with BRINK_EPARSE */
  /* CSV column mapping "field=Header,field=Header" (fields: id, date, added, actor1_country,
   * actor2_country, code, actor1_code, actor2_code, actor1_type, actor2_type, url, weight).
   * Unmapped fields are looked up by their own name in the header. NULL: names only. */
  const char *csv_columns;
  brink_event_bad_fn on_bad; /* may be NULL; bad rows are still counted */
  void *userdata;
} brink_event_read_opts;

typedef struct brink_event_reader brink_event_reader;

/* Opens a file for streaming: plain text, or a .zip archive holding exactly one file
 * (detected by its signature). opts may be NULL (auto, not strict). Reads at most a 1 MiB
 * line at a time whatever the file size. BRINK_EIO when the file cannot be opened,
 * BRINK_EPARSE when the format cannot be detected, BRINK_EINVAL for a bad CSV mapping or a
 * header that does not fit the format. New object, caller frees with brink_event_reader_free.
 * path and opts are copied. */
BRINK_API brink_status brink_event_reader_new(brink_ctx *ctx, const char *path,
                                              const brink_event_read_opts *opts,
                                              brink_event_reader **out);
/* The same over bytes in memory (plain text or a zip archive); name is used in messages.
 * data is borrowed and must outlive the reader. */
BRINK_API brink_status brink_event_reader_new_mem(brink_ctx *ctx, const void *data, size_t len,
                                                  const char *name,
                                                  const brink_event_read_opts *opts,
                                                  brink_event_reader **out);
/* The next good row in *out (owned by the reader, valid until the next call), or *out = NULL
 * at the end. Bad rows are counted, passed to on_bad and skipped; with strict the first one
 * returns BRINK_EPARSE with "where:line: message" in ctx. BRINK_EIO on read errors. */
BRINK_API brink_status brink_event_reader_next(brink_event_reader *reader, const brink_event **out);
BRINK_API void brink_event_reader_free(brink_event_reader *reader);

typedef struct brink_event_read_stats {
  brink_event_format format; /* the detected or given format */
  uint64_t lines;            /* lines read so far (header included) */
  uint64_t rows;             /* good rows returned */
  uint64_t bad;              /* bad rows skipped */
  uint64_t bytes;            /* bytes of text consumed (uncompressed) */
  uint64_t total_bytes;      /* size of the text when known (file size, zip entry size), else 0 */
} brink_event_read_stats;
BRINK_API void brink_event_reader_stats(const brink_event_reader *reader,
                                        brink_event_read_stats *out);

/* ---- Dates ------------------------------------------------------------------------------ */

/* Parses "YYYYMMDD" or "YYYY-MM-DD" (a real calendar day, years 1800-2199) into YYYYMMDD.
 * BRINK_EPARSE otherwise (no message set: callers add their location). */
BRINK_API brink_status brink_event_date_parse(const char *s, size_t n, int32_t *out);

typedef enum brink_event_period {
  BRINK_EVENT_BY_DAY = 0,
  BRINK_EVENT_BY_WEEK, /* ISO 8601 weeks: Monday to Sunday */
  BRINK_EVENT_BY_MONTH
} brink_event_period;

/* First day (YYYYMMDD) of the period holding date (a valid YYYYMMDD): the day itself, the
 * Monday of its ISO week, or the first of its month. */
BRINK_API int32_t brink_event_period_start(brink_event_period by, int32_t date);
/* First day of the next period. */
BRINK_API int32_t brink_event_period_next(brink_event_period by, int32_t start);
/* Days since 1970-01-01 of a valid YYYYMMDD date, and back: date arithmetic for every module
 * (forecast windows, records, scenario calendars). */
BRINK_API int64_t brink_event_date_days(int32_t date);
BRINK_API int32_t brink_event_date_from_days(int64_t days);
/* ISO 8601 week of a date: *iso_year and *week (1..53). */
BRINK_API void brink_event_iso_week(int32_t date, int *iso_year, int *week);

/* ---- The store -------------------------------------------------------------------------- */

/* An SQLite database (schema in docs/events.md). One store is used by one thread at a time;
 * several processes may read the same file. */
typedef struct brink_event_store brink_event_store;

/* Flags of brink_event_store_new. */
enum { BRINK_EVENT_STORE_CREATE = 1 /* create the file when missing */ };

/* Opens the database at path (creating it with BRINK_EVENT_STORE_CREATE) and makes sure the
 * schema exists. BRINK_ENOTFOUND when the file is missing and not to be created, BRINK_EDB on
 * other SQLite errors (message names the path). New object, caller frees with
 * brink_event_store_free. */
BRINK_API brink_status brink_event_store_new(brink_ctx *ctx, const char *path, unsigned flags,
                                             brink_event_store **out);
BRINK_API void brink_event_store_free(brink_event_store *store);
/* A flag (or NULL) that brink_events_import reads before each batch of rows: non-zero stops the
 * import with BRINK_ECANCELED and rolls it back (nothing of that file is kept), as on any other
 * error. Ctrl-C in the Python package. */
BRINK_API void brink_event_store_set_cancel(brink_event_store *store, const volatile int *flag);

typedef struct brink_event_import_stats {
  uint64_t rows;       /* good rows read */
  uint64_t added;      /* rows stored */
  uint64_t duplicates; /* good rows already in the store (same source, id and date) */
  uint64_t bad;        /* bad rows (reported through the reader's on_bad) */
} brink_event_import_stats;

/* Called about every 65536 rows with the reader's progress. */
typedef void (*brink_event_progress_fn)(void *userdata, const brink_event_read_stats *progress);

/* Reads every row of reader into the store, in one transaction: on any error (including a bad
 * row under strict) nothing from this reader is kept. A row whose (source, id, date) is
 * already stored is counted as a duplicate and not added again, so re-importing a file adds
 * nothing. where names the input in the import log (table files). progress may be NULL.
 * The reader is read in a helper thread started and joined here (about 6 MiB of batches);
 * progress and the reader's on_bad are still called from the calling thread, in file order.
 * The reader must not be used elsewhere during the call. */
BRINK_API brink_status brink_events_import(brink_event_store *store, brink_event_reader *reader,
                                           const char *where, brink_event_progress_fn progress,
                                           void *userdata, brink_event_import_stats *out);

/* Total events in the store. */
BRINK_API brink_status brink_events_count(brink_event_store *store, uint64_t *out);

/* ---- Queries and the tension index ------------------------------------------------------ */

typedef enum brink_event_dedupe {
  BRINK_EVENT_DEDUPE_NONE = 0,
  BRINK_EVENT_DEDUPE_DAILY, /* one event per (day, actor1 country, actor2 country, code) */
  BRINK_EVENT_DEDUPE_SOURCE /* one per (source URL, actor1 country, actor2 country, code);
                               rows with no URL are all kept */
} brink_event_dedupe;

typedef struct brink_event_filter {
  const char *actor1;  /* actor1 (source) country code, "PRK"; NULL or "": any */
  const char *actor2;  /* actor2 (target) country code; NULL or "": any */
  int both_directions; /* 1: also actor2 -> actor1 */
  int32_t from, to;    /* inclusive day range YYYYMMDD; 0: open */
  int use_added;       /* 1: dates are the report day (DATEADDED) instead of the event date */
  const char *root;    /* CAMEO root ("19"); NULL or "": any */
  const char *code;    /* exact CAMEO code ("0251"); NULL or "": any */
  const char *role1;   /* actor1 type code ("MIL"); NULL or "": any */
  const char *role2;   /* actor2 type code */
} brink_event_filter;

/* Calls fn for every stored event that passes filter, ordered by date then id, at most limit
 * events (0: no limit). The event is valid during the call only. fn returns non-zero to stop.
 * BRINK_EINVAL for a malformed filter, BRINK_EDB on SQLite errors. */
typedef int (*brink_event_fn)(void *userdata, const brink_event *event);
BRINK_API brink_status brink_events_query(brink_event_store *store,
                                          const brink_event_filter *filter, uint64_t limit,
                                          brink_event_fn fn, void *userdata);

typedef struct brink_event_index_opts {
  brink_event_filter filter; /* dyad, date range, ...; from/to also bound the periods */
  brink_event_period by;
  brink_event_dedupe dedupe;
  int normalise; /* 1: fill total and tension_per_1000 */
} brink_event_index_opts;

typedef struct brink_event_period_row {
  int32_t start;           /* first day of the period, YYYYMMDD */
  brink_tension_acc acc;   /* filled with brink_tension_add, as in the model */
  double net_cooperation;  /* acc.net_cooperation, Goldstein units */
  double tension;          /* brink_tension_value(&acc) = -net cooperation */
  double mean_goldstein;   /* brink_tension_mean_goldstein */
  double conflict_share;   /* brink_tension_conflict_share, in [0, 1] */
  uint64_t total;          /* normalise: every event in the store in the period (all dyads,
                              same date kind and dedupe rule); else 0 */
  double tension_per_1000; /* normalise: 1000 * tension / total (0 when total = 0) */
} brink_event_period_row;

typedef struct brink_event_series {
  size_t n;                     /* periods, consecutive, empty ones included */
  brink_event_period_row *rows; /* n rows ordered by start */
  brink_ctx *ctx; /* the context that made it; brink_event_series_free releases it through it */
} brink_event_series;

/* The tension index of the events passing opts->filter, one row per period from the period of
 * filter.from (else of the first matching event) to that of filter.to (else of the last).
 * Empty: n = 0. At most 200000 periods (BRINK_ELIMIT). New object, caller frees with
 * brink_event_series_free(series). */
BRINK_API brink_status brink_events_index(brink_event_store *store,
                                          const brink_event_index_opts *opts,
                                          brink_event_series **out);
BRINK_API void brink_event_series_free(brink_event_series *series);

/* For the crisis model and the report: the observed tension series of a dyad (both
 * directions, daily dedupe) from the existing store at db_path, between from and to
 * (YYYYMMDD, 0: open). The
 * same brink_tension_* functions the model's simulated series uses. New object, caller frees
 * with brink_event_series_free. */
BRINK_API brink_status brink_events_observed_tension(brink_ctx *ctx, const char *db_path,
                                                     const char *actor1, const char *actor2,
                                                     int32_t from, int32_t to,
                                                     brink_event_period by,
                                                     brink_event_series **out);

#ifdef __cplusplus
}
#endif
#endif
