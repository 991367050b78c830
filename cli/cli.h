/* SPDX-License-Identifier: MIT */
/* Shared pieces of the `brink` command: option parsing, help text, exit codes, messages. */
#ifndef BRINK_CLI_H
#define BRINK_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"
#include "brink/file.h"
#include "brink/report.h"

/* Exit codes, the same for every command (documented in `brink --help`). */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

typedef struct cli_opt {
  const char *name;    /* long name without the dashes: "runs" for --runs */
  const char *metavar; /* "N"; NULL makes the option a flag */
  const char *help;    /* one line; say the default and the unit */
  int repeat;          /* 1: may be given several times, every value is kept in values */
  /* Filled by cli_parse: */
  const char *value;   /* last value; "1" for a flag that was given; NULL when absent */
  const char **values; /* with repeat: every value, in order */
  size_t n_values;
} cli_opt;

typedef struct cli_spec {
  const char *name;        /* "run", or "events import" for a sub-command */
  const char *synopsis;    /* "SCENARIO [options]" */
  const char *description; /* a paragraph; may hold newlines */
  cli_opt *opts;
  size_t n_opts;
  size_t min_pos, max_pos; /* how many positional arguments are allowed */
  const char *epilog;      /* printed after the options (examples); may be NULL */
  /* Filled by cli_parse: */
  const char **pos;
  size_t n_pos;
} cli_spec;

/* Parses argv[1..argc) (argv[0] is the command's name). "--name value", "--name=value",
 * flags, "--" ending the options, and "-o FILE" for commands with an --output option. Returns -1 to
 * go on, CLI_EXIT_OK after printing
 * --help, CLI_EXIT_USAGE after printing a usage error. Release with cli_spec_release. */
int cli_parse(cli_spec *spec, int argc, char **argv);
void cli_spec_release(cli_spec *spec);
void cli_print_help(const cli_spec *spec);

/* The option named name (which must exist in spec). */
cli_opt *cli_opt_get(cli_spec *spec, const char *name);
const char *cli_value(cli_spec *spec, const char *name, const char *fallback);

/* Reads an option as a whole number in [min, max], or fallback when absent. On error prints
 * a usage message and returns CLI_EXIT_USAGE; otherwise -1. */
int cli_u64(cli_spec *spec, const char *name, uint64_t min, uint64_t max, uint64_t fallback,
            uint64_t *out);
int cli_f64(cli_spec *spec, const char *name, double min, double max, double fallback, double *out);

/* Reads an option that must be one of choices[0..n): *out = its index, or fallback when the
 * option is absent. Otherwise prints "--NAME must be one of a|b|c" and returns
 * CLI_EXIT_USAGE; -1 on success. */
int cli_choice(cli_spec *spec, const char *name, const char *const *choices, int n, int fallback,
               int *out);

/* "brink NAME: message" + "Try 'brink NAME --help'." on stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "brink NAME: <ctx error message or status text>" on stderr; returns CLI_EXIT_FAIL. */
int cli_fail(const cli_spec *spec, brink_ctx *ctx, brink_status status);

/* Prints a loader's diagnostics on stderr, one a line: file:line:col: message (file: message
 * when the loader named no place). */
struct brink_diag_list;
void cli_print_diags(const struct brink_diag_list *diags);

/* Loads a scenario with the spec's repeated --set values (if the spec has a "set" option),
 * printing every diagnostic as file:line:col on stderr. Returns -1 on success (caller frees
 * *out with brink_scenario_free), CLI_EXIT_FAIL otherwise. */
struct brink_scenario;
int cli_load_scenario(cli_spec *spec, brink_ctx *ctx, const char *path,
                      struct brink_scenario **out);

/* Writes data to path with brink_file (include/brink/file.h: unique temporary, fsync,
 * rename; devices and FIFOs in place), the temporary registered for removal on a signal.
 * Returns -1 on success, CLI_EXIT_FAIL after printing the error. */
int cli_write_file(const cli_spec *spec, brink_ctx *ctx, const char *path, const char *data,
                   size_t len);

/* The same in steps, for a file written as a stream: cli_file_open registers the temporary
 * (slot) for removal on SIGINT/SIGTERM, commit and abort unregister it. -1 on success,
 * CLI_EXIT_FAIL after printing the error. */
int cli_file_open(const cli_spec *spec, brink_ctx *ctx, const char *path, brink_file **out,
                  int *slot);
int cli_file_commit(const cli_spec *spec, brink_ctx *ctx, brink_file *f, int slot);
void cli_file_abort(brink_ctx *ctx, brink_file *f, int slot);

/* Signal handling of every command: SIGINT, SIGTERM and SIGHUP remove the registered
 * temporaries (and empty directories the command created) and end the process by the same
 * signal; SIGXFSZ is ignored so that a file size limit is a write error. */
void cli_signals_install(void);
/* Registers a path to remove on a fatal signal (directory: rmdir, only when empty). Returns
 * a slot for cli_cleanup_remove, or -1 when none is free (the path is then not removed). */
int cli_cleanup_add(const char *path, int directory);
void cli_cleanup_remove(int slot);

/* Runs this rank's block of design points (brink_point_run at values[j * n_paths ..]) into
 * stats (n_points * brink_point_width rows), with a progress line on a terminal when progress
 * is set, and gathers every row at rank 0. -1 on success on every rank, CLI_EXIT_FAIL after
 * printing the failure (any rank's failure fails every rank). */
struct brink_point_options;
int cli_points_run(const cli_spec *spec, brink_ctx *ctx, const struct brink_point_options *po,
                   const double *values, size_t n_points, double *stats, int progress);
/* Worker threads by default: the cores divided among this machine's ranks. */
int cli_default_threads(void);

/* Splits "A,B,..." into policy names of sc (pointers into sc), checking each exists and is
 * listed once. -1 on success, CLI_EXIT_USAGE after printing the problem. */
struct brink_scenario;
int cli_policy_names(const cli_spec *spec, const struct brink_scenario *sc, const char *list,
                     const char **names, size_t max, size_t *n);
/* The chart format of a file name (.svg, .png, .pdf): 1, or 0 for other names. */
int cli_chart_format(const char *path, brink_chart_format *out);
/* Creates dir when missing: -1, or CLI_EXIT_USAGE after printing why not. */
int cli_make_dir(const cli_spec *spec, const char *dir);

/* Commands: each takes argv with argv[0] = its own name and returns an exit code. */
int cmd_check(brink_ctx *ctx, int argc, char **argv);
int cmd_run(brink_ctx *ctx, int argc, char **argv);
int cmd_compare(brink_ctx *ctx, int argc, char **argv);
int cmd_trace(brink_ctx *ctx, int argc, char **argv);
int cmd_report(brink_ctx *ctx, int argc, char **argv);
int cmd_plot(brink_ctx *ctx, int argc, char **argv);
int cmd_game(brink_ctx *ctx, int argc, char **argv);
int cmd_events(brink_ctx *ctx, int argc, char **argv);
int cmd_calibrate(brink_ctx *ctx, int argc, char **argv);
int cmd_forecast(brink_ctx *ctx, int argc, char **argv);
int cmd_replay(brink_ctx *ctx, int argc, char **argv);
int cmd_filter(brink_ctx *ctx, int argc, char **argv);
int cmd_record(brink_ctx *ctx, int argc, char **argv);
int cmd_score(brink_ctx *ctx, int argc, char **argv);

/* Loads the spec's repeated --record files (or, without any, the shipped files in data/:
 * $BRINK_DATA_DIR, ./data, or data/ next to or above the executable) into a new record.
 * Returns -1 on success (caller frees *out with brink_record_free), an exit code otherwise. */
struct brink_record;
int cli_load_record(cli_spec *spec, brink_ctx *ctx, struct brink_record **out);
int cmd_sweep(brink_ctx *ctx, int argc, char **argv);
int cmd_sensitivity(brink_ctx *ctx, int argc, char **argv);
int cmd_hawkes(brink_ctx *ctx, int argc, char **argv);
int cmd_serve(brink_ctx *ctx, int argc, char **argv);

#endif
