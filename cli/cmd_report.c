/* SPDX-License-Identifier: MIT */
/* Not built yet: this command comes with issue 7. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_report(brink_ctx *ctx, int argc, char **argv) {
  (void)ctx;
  if (argc > 1 && strcmp(argv[1], "--help") == 0) {
    printf("usage: brink %s ...\n\nnot built yet (comes with issue 7)\n", argv[0]);
    return CLI_EXIT_OK;
  }
  fprintf(stderr, "brink %s: not built yet (comes with issue 7)\n", argv[0]);
  return CLI_EXIT_FAIL;
}

int cmd_plot(brink_ctx *ctx, int argc, char **argv) {
  (void)ctx;
  if (argc > 1 && strcmp(argv[1], "--help") == 0) {
    printf("usage: brink %s ...\n\nnot built yet (comes with issue 7)\n", argv[0]);
    return CLI_EXIT_OK;
  }
  fprintf(stderr, "brink %s: not built yet (comes with issue 7)\n", argv[0]);
  return CLI_EXIT_FAIL;
}
