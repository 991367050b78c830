/* SPDX-License-Identifier: MIT */
/* The `brink` command: dispatches to one sub-command per module. */
#include <stdio.h>
#include <string.h>

#include "brink/brink.h"
#include "cli.h"
#include "par.h"

typedef struct command {
  const char *name;
  int (*fn)(brink_ctx *ctx, int argc, char **argv);
  const char *summary;
} command;

static const command commands[] = {
    {"check", cmd_check, "validate scenario files and print a summary"},
    {"run", cmd_run, "Monte Carlo runs of one policy on a scenario"},
    {"compare", cmd_compare, "compare policies on a scenario (common random numbers)"},
    {"trace", cmd_trace, "tell one simulated run step by step"},
    {"forecast", cmd_forecast, "the recorded series simulated forward, per 52-week window"},
    {"replay", cmd_replay,
     "the model over the recorded history, allies' acts forced, year by year"},
    {"filter", cmd_filter, "particle filter: likelihood of the record, filtered hidden type"},
    {"calibrate", cmd_calibrate, "fit parameters to the recorded history (IF2, slices, posterior)"},
    {"sweep", cmd_sweep, "outcomes over a design of parameter values (grid, lhs, sobol)"},
    {"sensitivity", cmd_sensitivity, "Sobol indices: which parameters drive an outcome"},
    {"report", cmd_report, "self-contained HTML report from a saved JSON result"},
    {"plot", cmd_plot, "one chart from a saved JSON result (svg, png, pdf)"},
    {"game", cmd_game, "iterated prisoner's dilemma: strategies, matches, tournaments"},
    {"events", cmd_events, "event data: import GDELT/ICEWS, query, tension index"},
    {"record", cmd_record, "the Korean record to 2022-11-06: yearly series, event streams"},
    {"score", cmd_score, "score a forecast against the record and naive baselines"},
    {"hawkes", cmd_hawkes, "Hawkes process reference model: fit, intervals, forecasts"},
    {"serve", cmd_serve, "interactive dashboard in the browser (loopback HTTP server)"},
};

static void print_help(void) {
  printf("usage: brink COMMAND [options]\n"
         "       brink COMMAND --help\n\n"
         "brink simulates and measures crisis escalation between states: a crisis model on an\n"
         "escalation ladder of real actions, policies compared by Monte Carlo with confidence\n"
         "intervals, and event data (CAMEO/Goldstein) to check the model against.\n\n"
         "commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    printf("  %-12s %s\n", commands[i].name, commands[i].summary);
  printf("\noptions:\n"
         "  --help     show this help and exit\n"
         "  --version  show the version and exit\n\n"
         "exit status: 0 success, 1 runtime failure (bad file, failed run), 2 usage error\n");
}

/* Warnings of the library (a missing index, a partial result) on stderr. */
static void on_log(void *userdata, int level, const char *message) {
  (void)userdata;
  if (level >= BRINK_LOG_WARN) fprintf(stderr, "brink: warning: %s\n", message);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    print_help();
    return CLI_EXIT_USAGE;
  }
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
    print_help();
    return CLI_EXIT_OK;
  }
  if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
    printf("brink %s\n", BRINK_VERSION_STRING);
    return CLI_EXIT_OK;
  }
  const command *cmd = NULL;
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, name) == 0) cmd = &commands[i];
  if (!cmd) {
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
      size_t d = brink_edit_distance(name, commands[i].name, 0);
      if (d < best_d) {
        best_d = d;
        best = commands[i].name;
      }
    }
    fprintf(stderr, "brink: unknown command '%s'", name);
    if (best) fprintf(stderr, " (did you mean '%s'?)", best);
    fprintf(stderr, "\nRun 'brink --help' for the list of commands.\n");
    return CLI_EXIT_USAGE;
  }
  /* Under mpirun or srun: sweep and sensitivity divide their design points among the ranks,
   * run and compare their runs; every other command runs on rank 0 alone (the others leave at
   * once). */
  if (cli_par_init(&argc, &argv) != 0) return CLI_EXIT_FAIL;
  int divides = cmd->fn == cmd_sweep || cmd->fn == cmd_sensitivity || cmd->fn == cmd_run ||
                cmd->fn == cmd_compare;
  if (!divides && cli_par_size() > 1) {
    if (cli_par_rank() != 0) {
      cli_par_finalize();
      return CLI_EXIT_OK;
    }
    fprintf(stderr,
            "brink %s: runs on MPI rank 0 only (%d ranks started; only sweep, sensitivity, "
            "run and compare divide their work)\n",
            cmd->name, cli_par_size());
  }
  brink_ctx *ctx = NULL;
  if (brink_ctx_new(&ctx)) {
    fprintf(stderr, "brink: out of memory\n");
    cli_par_finalize();
    return CLI_EXIT_FAIL;
  }
  brink_ctx_set_log(ctx, on_log, NULL);
  cli_signals_install();
  int rc = cmd->fn(ctx, argc - 1, argv + 1);
  brink_ctx_free(ctx);
  cli_par_finalize();
  return rc;
}
