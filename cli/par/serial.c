/* SPDX-License-Identifier: MIT */
/* One process: the build without MPI. */
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
