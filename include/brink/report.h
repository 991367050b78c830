/* SPDX-License-Identifier: MIT */
/* Reports: reads the JSON result of `brink run`/`brink compare` (docs/output.md) into a
 * brink_result, draws charts with cairo (SVG, PNG, PDF from one drawing routine) and writes a
 * self-contained HTML report (inline CSS, charts as data: URIs, no script, no network).
 * See docs/report.md. */
#ifndef BRINK_REPORT_H
#define BRINK_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "brink/brink.h"
#include "brink/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- The result, as read from JSON -------------------------------------------------------- */

/* A Monte Carlo estimate: mean with its two-sided interval at the result's confidence level.
 * Values are those of the JSON, unchanged; NAN where the JSON has null. */
/* (brink_estimate comes from brink/stats.h.) */

/* One parameter of the assumptions table. dist is "constant", "beta", ...; the other fields of
 * the JSON object (value, a, b, lo, hi, values, ...) are kept as text, in the file's order:
 * numbers exactly as written, arrays as "[1, 2, 3]". */
typedef struct brink_assumption {
  char *name, *dist, *unit, *doc; /* never NULL ("" when absent) */
  size_t n_fields;
  char **field_names;  /* n_fields */
  char **field_values; /* n_fields */
} brink_assumption;

typedef struct brink_result_policy {
  char *name, *description;        /* never NULL */
  brink_estimate p_armed_conflict; /* probability by the horizon */
  size_t n_curve;                  /* points of the cumulative curve */
  brink_estimate *curve;           /* cumulative P(armed conflict) at each step (see curve_step) */
  brink_estimate p_clash;          /* probability of at least one armed clash */
  brink_estimate provocations;     /* military actions per run (count) */
  double provocations_sd;          /* NAN when absent */
  double hist_bin_width;           /* provocations per bin (count) */
  size_t n_hist;                   /* bins; the last one holds "that many or more" */
  double *hist_counts;             /* runs per bin */
  brink_estimate p_talks;          /* probability that talks were reached */
  brink_estimate time_to_talks;    /* median [lo, hi], in time_to_talks_unit; NAN when none */
  double time_to_talks_n;          /* runs behind time_to_talks */
  char *time_to_talks_unit;        /* "steps" */
  char *tension_unit;              /* "Goldstein net conflict per step" */
  size_t n_quantiles;              /* columns of the tension table */
  double *quantiles;               /* probabilities of the columns, e.g. 0.05 .. 0.95 */
  size_t n_tension;                /* rows: one per step */
  double *tension;                 /* n_tension * n_quantiles, row-major */
} brink_result_policy;

/* A pairwise difference a minus b (paired, common random numbers). */
typedef struct brink_result_difference {
  char *a, *b;
  brink_estimate p_armed_conflict, provocations, p_talks;
} brink_result_difference;

typedef struct brink_result {
  brink_ctx *ctx; /* the context that owns every allocation below */
  char *version, *scenario, *scenario_file, *rng, *step, *start; /* "" when absent or null */
  double seed;       /* as written in the JSON (a whole number) */
  double runs;       /* runs per policy */
  double horizon;    /* steps */
  double confidence; /* level of every interval, e.g. 0.95 */
  size_t n_overrides, n_sources, n_assumptions, n_policies, n_differences;
  char **overrides, **sources;
  brink_assumption *assumptions;
  brink_result_policy *policies;
  brink_result_difference *differences;
} brink_result;

/* Reads a result from JSON text (docs/output.md). name is used in messages (a file name, or
 * "result"); text need not be NUL-terminated. Unknown keys are ignored; a missing key or a
 * value of the wrong type is BRINK_EPARSE with "name:line:col: where: what was expected" in
 * ctx. Input larger than 256 MiB or nested deeper than 64 levels: BRINK_ELIMIT. New object,
 * caller frees with brink_result_free. Not thread-safe with the same ctx. */
BRINK_API brink_status brink_result_parse(brink_ctx *ctx, const char *text, size_t len,
                                          const char *name, brink_result **out);
/* Reads the file at path with brink_result_parse; BRINK_EIO when it cannot be read. */
BRINK_API brink_status brink_result_load(brink_ctx *ctx, const char *path, brink_result **out);
BRINK_API void brink_result_free(brink_result *result);

/* The index of the policy called name, or -1. */
BRINK_API long brink_result_policy_index(const brink_result *result, const char *name);

/* The step (0 = the start) that point i of a policy's cumulative curve refers to: with
 * horizon + 1 points the curve starts at step 0, otherwise at step 1 (one point per step). */
BRINK_API double brink_result_curve_step(const brink_result *result,
                                         const brink_result_policy *policy, size_t i);

/* ---- An observed tension series ------------------------------------------------------------ */

/* Rows of a CSV with a header line naming the columns. Accepted columns (any order, others
 * ignored): "tension" (required, a number, Goldstein net conflict per period), "period"
 * (required, a label such as 2022-W45), "start" (optional, YYYY-MM-DD, first day of the
 * period). That is the output of `brink events index --format csv`. */
typedef struct brink_observed {
  size_t n;
  char **period;   /* labels */
  int32_t *start;  /* YYYYMMDD, 0 when the file has no start column */
  double *tension; /* Goldstein units per period */
  brink_ctx *ctx;
} brink_observed;

/* Reads the CSV at path; BRINK_EIO when unreadable, BRINK_EPARSE with "path:line:col: ..."
 * when malformed. New object, caller frees with brink_observed_free. */
BRINK_API brink_status brink_observed_load(brink_ctx *ctx, const char *path, brink_observed **out);
/* Same from text already in memory (name for messages). */
BRINK_API brink_status brink_observed_parse(brink_ctx *ctx, const char *text, size_t len,
                                            const char *name, brink_observed **out);
BRINK_API void brink_observed_free(brink_observed *observed);

/* Step of row i on the time axis of result: with a start date in both the result and the CSV
 * and a step of day or week, (start of row - result start) / step length; with month steps,
 * whole months between them; otherwise i (row 0 at step 0). */
BRINK_API double brink_observed_step(const brink_observed *observed, const brink_result *result,
                                     size_t i);

/* ---- Charts --------------------------------------------------------------------------------- */

typedef enum brink_chart_kind {
  BRINK_CHART_CONFLICT = 0, /* cumulative P(armed conflict) per policy, with the CI band */
  BRINK_CHART_TENSION,      /* fan chart of the tension index, one panel per policy */
  BRINK_CHART_PROVOCATIONS  /* distribution of provocations per run, one step line per policy */
} brink_chart_kind;

typedef enum brink_chart_format {
  BRINK_CHART_SVG = 0,
  BRINK_CHART_PNG,
  BRINK_CHART_PDF
} brink_chart_format;

/* "conflict", "tension", "provocations"; a static string ("?" outside the enum). */
BRINK_API const char *brink_chart_kind_name(brink_chart_kind kind);
/* Inverse of brink_chart_kind_name; BRINK_EINVAL with a message for other names. */
BRINK_API brink_status brink_chart_kind_parse(brink_ctx *ctx, const char *name,
                                              brink_chart_kind *out);
/* "svg", "png", "pdf"; and the inverse. */
BRINK_API const char *brink_chart_format_name(brink_chart_format format);
BRINK_API brink_status brink_chart_format_parse(brink_ctx *ctx, const char *name,
                                                brink_chart_format *out);

typedef struct brink_chart_options {
  brink_chart_kind kind;
  brink_chart_format format;
  double width, height;           /* points (SVG, PDF) or pixels (PNG); 0: the kind's default */
  const char *policy;             /* draw only this policy; NULL: all */
  const char *title;              /* NULL: the kind's default title */
  const brink_observed *observed; /* tension chart: drawn in every panel; NULL: none */
} brink_chart_options;

/* Default size of a chart kind in points: conflict and provocations 800 x 450, tension
 * 900 x (260 per row of panels + 90). */
BRINK_API void brink_chart_default_size(const brink_result *result, const brink_chart_options *opts,
                                        double *width, double *height);

/* Draws one chart of result and appends the file's bytes (SVG text, PNG or PDF) to out.
 * Titles, axis labels with units, a legend; policies differ by colour, dash pattern and
 * marker, so the chart reads in grey-scale. BRINK_ENOTFOUND when opts->policy names no
 * policy; BRINK_EINVAL for a size outside 100..10000; BRINK_EIO when cairo fails. cairo
 * allocates outside the context's funnel. Thread-safe for distinct ctx and out. */
BRINK_API brink_status brink_chart_render(brink_ctx *ctx, const brink_result *result,
                                          const brink_chart_options *opts, brink_buf *out);

/* ---- The HTML report ---------------------------------------------------------------------- */

typedef struct brink_report_options {
  const char *title;              /* NULL: "brink: <scenario>" */
  const char *source_name;        /* name of the JSON in messages and in the report; NULL:
                                     "result" */
  const brink_observed *observed; /* drawn beside the simulated tension; NULL: none */
} brink_report_options;

/* Appends to out one self-contained HTML page for result: the comparison table, the charts
 * (conflict, tension, provocations) as SVG data: URIs, the pairwise differences, the
 * assumptions and the run's metadata. Every text from the JSON is HTML-escaped. Numbers:
 * probabilities as percentages with two decimals ("8.10%", intervals "[7.70, 8.50]"),
 * differences of probabilities in percentage points with a sign ("+3.00 pp"), counts with two
 * decimals; "-0.00" is written "0.00". Each table cell also carries the exact JSON values in
 * data-mean, data-lo and data-hi attributes (shortest form that reads back exactly). opts may
 * be NULL. On failure out is left as it was. */
BRINK_API brink_status brink_report_html(brink_ctx *ctx, const brink_result *result,
                                         const brink_report_options *opts, brink_buf *out);

/* The page of brink_report_html, the same bytes, written to stream a piece at a time as it is
 * made (each chart is base64-encoded as cairo writes its SVG), so that it is never whole in
 * memory and has no length limit: the way to write a report of a long horizon, whose charts
 * take tens of MB. The stream is typically brink_file_stream of a brink_file (brink/file.h):
 * commit it on BRINK_OK; on failure part of the page may have been written, so abort it.
 * BRINK_EIO with the reason when a write fails; the stream's buffered bytes may still fail
 * at fflush/fclose (brink_file_commit reports them). opts may be NULL. */
BRINK_API brink_status brink_report_html_stream(brink_ctx *ctx, const brink_result *result,
                                                const brink_report_options *opts, FILE *stream);

/* For `brink compare --report`: parses result_json[0..len) (what the engine wrote, so the
 * report's numbers are the JSON's numbers) and appends the report to out, as
 * brink_result_parse followed by brink_report_html. */
BRINK_API brink_status brink_report_write_html(brink_ctx *ctx, const char *result_json, size_t len,
                                               const brink_report_options *opts, brink_buf *out);

/* Writes data[0..len) to path with brink_file_write (brink/file.h): a unique temporary, fsync
 * and rename, so path is the old file or the whole new one; devices and FIFOs are written in
 * place, never replaced. BRINK_EIO with the OS's reason. */
BRINK_API brink_status brink_report_save(brink_ctx *ctx, const char *path, const char *data,
                                         size_t len);

#ifdef __cplusplus
}
#endif
#endif
