/* SPDX-License-Identifier: MIT */
/* Shared pieces of the `brink` command: option parsing, help text, exit codes, messages. */
#ifndef BRINK_CLI_H
#define BRINK_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"

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

/* Loads a scenario with the spec's repeated --set values (if the spec has a "set" option),
 * printing every diagnostic as file:line:col on stderr. Returns -1 on success (caller frees
 * *out with brink_scenario_free), CLI_EXIT_FAIL otherwise. */
struct brink_scenario;
int cli_load_scenario(cli_spec *spec, brink_ctx *ctx, const char *path,
                      struct brink_scenario **out);

/* Writes data to path atomically (path.tmp, then rename): nothing half-written is left.
 * Returns -1 on success, CLI_EXIT_FAIL after printing the error. */
int cli_write_file(const cli_spec *spec, const char *path, const char *data, size_t len);

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
int cmd_serve(brink_ctx *ctx, int argc, char **argv);

#endif
