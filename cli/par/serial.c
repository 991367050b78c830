/* SPDX-License-Identifier: MIT */
/* One process: the build without MPI. */
#include <stdlib.h>
#include <string.h>

#include "../par.h"

int cli_par_init(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  return 0;
}
void cli_par_finalize(void) {}
int cli_par_rank(void) { return 0; }
int cli_par_size(void) { return 1; }
int cli_par_local_size(void) { return 1; }
void cli_par_block(size_t n, size_t *first, size_t *last) {
  *first = 0;
  *last = n;
}
int cli_par_any(int failed) { return failed != 0; }
int cli_par_gather(double *data, size_t n_rows, size_t width) {
  (void)data;
  (void)n_rows;
  (void)width;
  return 0;
}
int cli_par_gather_bytes(const char *data, size_t len, char **all, size_t **lens) {
  *all = malloc(len ? len : 1);
  *lens = malloc(sizeof **lens);
  if (!*all || !*lens) {
    free(*all);
    free(*lens);
    *all = NULL;
    *lens = NULL;
    return -1;
  }
  if (len) memcpy(*all, data, len);
  (*lens)[0] = len;
  return 0;
}
