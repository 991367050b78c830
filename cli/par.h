/* SPDX-License-Identifier: MIT */
/* Work across processes for `brink sweep`, `brink sensitivity` and `brink run|compare`: with
 * MPI (cli/par/mpi.c, built when BRINK_WITH_MPI is on) the design points or the runs are
 * divided into one contiguous block per rank and gathered at rank 0; without it
 * (cli/par/serial.c) there is one rank. Rank 0 alone prints and writes files. */
#ifndef BRINK_CLI_PAR_H
#define BRINK_CLI_PAR_H

#include <stddef.h>

/* Starts MPI when the process was launched by mpirun or srun (their environment variables are
 * set); otherwise, and in builds without MPI, the process is rank 0 of 1. Returns 0, or -1
 * after printing why MPI could not start. */
int cli_par_init(int *argc, char ***argv);
void cli_par_finalize(void);
int cli_par_rank(void);
int cli_par_size(void);
/* Processes of this job on this machine (for the default thread count). */
int cli_par_local_size(void);
/* The block [first, last) of n items that this rank computes. */
void cli_par_block(size_t n, size_t *first, size_t *last);
/* 1 when failed is non-zero on any rank (every rank must call it). */
int cli_par_any(int failed);
/* data holds n_rows rows of width doubles; each rank has filled the rows of its block. After
 * the call rank 0 holds every row (other ranks' data is unchanged). Returns 0, -1 on failure
 * (message printed). */
int cli_par_gather(double *data, size_t n_rows, size_t width);
/* Every rank passes its bytes (len may be 0). On rank 0, *all receives the bytes of ranks
 * 0..size-1 one after the other (malloc'd, caller frees) and lens[r] (lens has size entries,
 * malloc'd, caller frees) their lengths; on other ranks both are set to NULL. Returns 0, -1 on
 * failure (message printed). */
int cli_par_gather_bytes(const char *data, size_t len, char **all, size_t **lens);

#endif
