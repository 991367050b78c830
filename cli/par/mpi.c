/* SPDX-License-Identifier: MIT */
/* Several processes through MPI (Open MPI, or any MPI-3 library): contiguous blocks of design
 * points per rank, gathered in rank order at rank 0, so the rows land where one process would
 * have put them and the output is the same bytes. */
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "../par.h"

static int started, rank, size = 1, local_size = 1;

/* Launchers set these: Open MPI's mpirun, Slurm's srun (PMI-2 or PMIx). */
static int launched(void) {
  return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

int cli_par_init(int *argc, char ***argv) {
  if (!launched()) return 0;
  if (MPI_Init(argc, argv) != MPI_SUCCESS) {
    fprintf(stderr, "brink: MPI_Init failed\n");
    return -1;
  }
  started = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  MPI_Comm local;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &local) ==
      MPI_SUCCESS) {
    MPI_Comm_size(local, &local_size);
    MPI_Comm_free(&local);
  }
  return 0;
}

void cli_par_finalize(void) {
  if (started) MPI_Finalize();
  started = 0;
}

int cli_par_rank(void) { return rank; }
int cli_par_size(void) { return size; }
int cli_par_local_size(void) { return local_size; }

static size_t block_start(size_t n, int r) { return n * (size_t)r / (size_t)size; }

void cli_par_block(size_t n, size_t *first, size_t *last) {
  *first = block_start(n, rank);
  *last = block_start(n, rank + 1);
}

int cli_par_any(int failed) {
  if (!started) return failed != 0;
  int mine = failed != 0, any = 0;
  MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
  return any;
}

int cli_par_gather(double *data, size_t n_rows, size_t width) {
  if (!started || size == 1) return 0;
  if (n_rows * width > (size_t)INT_MAX) {
    fprintf(stderr, "brink: %zu values are too many to gather in one MPI call\n", n_rows * width);
    return -1;
  }
  int *counts = calloc((size_t)size, sizeof *counts),
      *displs = calloc((size_t)size, sizeof *displs);
  if (!counts || !displs) {
    free(counts);
    free(displs);
    fprintf(stderr, "brink: out of memory\n");
    return -1;
  }
  for (int r = 0; r < size; r++) {
    displs[r] = (int)(block_start(n_rows, r) * width);
    counts[r] = (int)((block_start(n_rows, r + 1) - block_start(n_rows, r)) * width);
  }
  /* Rank 0's own block is already in place. */
  int rc = MPI_Gatherv(rank == 0 ? MPI_IN_PLACE : data + displs[rank], counts[rank], MPI_DOUBLE,
                       data, counts, displs, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  free(counts);
  free(displs);
  if (rc != MPI_SUCCESS) {
    fprintf(stderr, "brink: MPI_Gatherv failed\n");
    return -1;
  }
  return 0;
}

int cli_par_gather_bytes(const char *data, size_t len, char **all, size_t **lens) {
  *all = NULL;
  *lens = NULL;
  int n = started ? size : 1, failed = 0;
  uint64_t mine = len, *sizes = NULL;
  int *counts = NULL, *displs = NULL;
  if (len > (size_t)INT_MAX) failed = 2;
  if (rank == 0) {
    sizes = calloc((size_t)n, sizeof *sizes);
    counts = calloc((size_t)n, sizeof *counts);
    displs = calloc((size_t)n, sizeof *displs);
    *lens = calloc((size_t)n, sizeof **lens);
    failed = !sizes || !counts || !displs || !*lens;
  }
  if (started && n > 1) {
    if (MPI_Gather(&mine, 1, MPI_UINT64_T, sizes, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD) !=
        MPI_SUCCESS)
      failed = 1;
  } else if (sizes)
    sizes[0] = mine;
  size_t total = 0;
  if (rank == 0 && !failed) {
    for (int r = 0; r < n; r++) {
      if (total + sizes[r] > (size_t)INT_MAX) failed = 2;
      displs[r] = (int)total;
      counts[r] = (int)sizes[r];
      total += sizes[r];
      (*lens)[r] = sizes[r];
    }
    if (!failed) {
      *all = malloc(total ? total : 1);
      if (!*all) failed = 1;
    }
  }
  /* Every rank learns whether rank 0 can receive before anyone sends. */
  if (cli_par_any(failed)) {
    if (rank == 0)
      fprintf(stderr, failed == 2 ? "brink: more than 2 GB to gather in one MPI call\n"
                                  : "brink: out of memory\n");
    goto fail;
  }
  if (started && n > 1) {
    if (MPI_Gatherv(data, (int)len, MPI_BYTE, *all, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD) !=
        MPI_SUCCESS) {
      fprintf(stderr, "brink: MPI_Gatherv failed\n");
      goto fail;
    }
  } else if (len)
    memcpy(*all, data, len);
  free(sizes);
  free(counts);
  free(displs);
  return 0;
fail:
  free(sizes);
  free(counts);
  free(displs);
  free(*all);
  free(*lens);
  *all = NULL;
  *lens = NULL;
  return -1;
}
