/* SPDX-License-Identifier: MIT */
/* Pieces shared by the commands that take a scenario or write files, and the removal of
 * temporaries when SIGINT or SIGTERM ends a command. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "brink/scenario.h"
#include "cli.h"

void cli_print_diags(const brink_diag_list *diags) {
  for (size_t i = 0; i < diags->n; i++) {
    const brink_diag *d = &diags->items[i];
    if (d->line)
      fprintf(stderr, "%s:%u:%u: %s\n", d->file, d->line, d->col, d->message);
    else
      fprintf(stderr, "%s: %s\n", d->file, d->message);
  }
}

int cli_load_scenario(cli_spec *spec, brink_ctx *ctx, const char *path, brink_scenario **out) {
  const cli_opt *set = cli_opt_get(spec, "set");
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  brink_status st = brink_scenario_load(ctx, path, set ? (const char *const *)set->values : NULL,
                                        set ? set->n_values : 0, &diags, out);
  if (st) {
    cli_print_diags(&diags);
    if (!diags.n) cli_fail(spec, ctx, st);
  }
  brink_diag_list_release(&diags);
  return st ? CLI_EXIT_FAIL : -1;
}

/* ---- Temporaries removed on SIGINT/SIGTERM ----------------------------------------------- */

/* A signal handler may only touch these: paths copied in before the slot is marked used. */
#define CLEANUP_SLOTS 8
static char cleanup_paths[CLEANUP_SLOTS][4096];
static volatile sig_atomic_t cleanup_kind[CLEANUP_SLOTS]; /* 0 free, 1 file, 2 directory */

static void on_fatal_signal(int sig) {
  for (int i = 0; i < CLEANUP_SLOTS; i++) {
    if (cleanup_kind[i] == 1) unlink(cleanup_paths[i]);
    if (cleanup_kind[i] == 2) rmdir(cleanup_paths[i]); /* only succeeds when still empty */
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

void cli_signals_install(void) {
  signal(SIGINT, on_fatal_signal);
  signal(SIGTERM, on_fatal_signal);
  signal(SIGHUP, on_fatal_signal);
  /* A file size limit (RLIMIT_FSIZE) then shows as a write error (EFBIG), not a kill. */
  signal(SIGXFSZ, SIG_IGN);
}

int cli_cleanup_add(const char *path, int directory) {
  if (!path || strlen(path) >= sizeof cleanup_paths[0]) return -1;
  for (int i = 0; i < CLEANUP_SLOTS; i++) {
    if (cleanup_kind[i]) continue;
    memcpy(cleanup_paths[i], path, strlen(path) + 1);
    cleanup_kind[i] = directory ? 2 : 1;
    return i;
  }
  return -1;
}

void cli_cleanup_remove(int slot) {
  if (slot >= 0 && slot < CLEANUP_SLOTS) cleanup_kind[slot] = 0;
}

int cli_file_open(const cli_spec *spec, brink_ctx *ctx, const char *path, brink_file **out,
                  int *slot) {
  *slot = -1;
  brink_status st = brink_file_open(ctx, path, out);
  if (st) {
    fprintf(stderr, "brink %s: %s\n", spec->name, brink_ctx_errmsg(ctx));
    return CLI_EXIT_FAIL;
  }
  if (brink_file_temp_path(*out)) *slot = cli_cleanup_add(brink_file_temp_path(*out), 0);
  return -1;
}

int cli_file_commit(const cli_spec *spec, brink_ctx *ctx, brink_file *f, int slot) {
  brink_status st = brink_file_commit(ctx, f);
  cli_cleanup_remove(slot);
  if (st) {
    fprintf(stderr, "brink %s: %s\n", spec->name, brink_ctx_errmsg(ctx));
    return CLI_EXIT_FAIL;
  }
  return -1;
}

void cli_file_abort(brink_ctx *ctx, brink_file *f, int slot) {
  brink_file_abort(ctx, f);
  cli_cleanup_remove(slot);
}

int cli_write_file(const cli_spec *spec, brink_ctx *ctx, const char *path, const char *data,
                   size_t len) {
  brink_file *f = NULL;
  int slot, rc = cli_file_open(spec, ctx, path, &f, &slot);
  if (rc >= 0) return rc;
  if (len && fwrite(data, 1, len, brink_file_stream(f)) != len) {
    fprintf(stderr, "brink %s: cannot write '%s': %s\n", spec->name, path, strerror(errno));
    cli_file_abort(ctx, f, slot);
    return CLI_EXIT_FAIL;
  }
  return cli_file_commit(spec, ctx, f, slot);
}
