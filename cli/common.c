/* SPDX-License-Identifier: MIT */
/* Pieces shared by the commands that take a scenario or write files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "brink/scenario.h"
#include "cli.h"

int cli_load_scenario(cli_spec *spec, brink_ctx *ctx, const char *path, brink_scenario **out) {
  const cli_opt *set = cli_opt_get(spec, "set");
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  brink_status st = brink_scenario_load(ctx, path, set ? (const char *const *)set->values : NULL,
                                        set ? set->n_values : 0, &diags, out);
  if (st) {
    for (size_t i = 0; i < diags.n; i++) {
      const brink_diag *d = &diags.items[i];
      if (d->line)
        fprintf(stderr, "%s:%u:%u: %s\n", d->file, d->line, d->col, d->message);
      else
        fprintf(stderr, "%s: %s\n", d->file, d->message);
    }
    if (!diags.n) cli_fail(spec, ctx, st);
  }
  brink_diag_list_release(&diags);
  return st ? CLI_EXIT_FAIL : -1;
}

int cli_write_file(const cli_spec *spec, const char *path, const char *data, size_t len) {
  char tmp[4096];
  int n = snprintf(tmp, sizeof tmp, "%s.tmp", path);
  if (n < 0 || (size_t)n >= sizeof tmp) {
    fprintf(stderr, "brink %s: path too long: '%s'\n", spec->name, path);
    return CLI_EXIT_FAIL;
  }
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    fprintf(stderr, "brink %s: cannot write '%s': %s\n", spec->name, path, strerror(errno));
    return CLI_EXIT_FAIL;
  }
  int ok = fwrite(data, 1, len, f) == len;
  ok = (fclose(f) == 0) && ok;
  if (!ok || rename(tmp, path) != 0) {
    fprintf(stderr, "brink %s: cannot write '%s': %s\n", spec->name, path, strerror(errno));
    remove(tmp);
    return CLI_EXIT_FAIL;
  }
  return -1;
}
