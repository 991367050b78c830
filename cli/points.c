/* SPDX-License-Identifier: MIT */
/* The loop over design points shared by `brink sweep` and `brink sensitivity`: this rank's
 * block of points, a progress line on a terminal, then the rows gathered at rank 0. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <omp.h>

#include "brink/sweep.h"
#include "cli.h"
#include "par.h"

static void show_progress(size_t done, size_t total, uint64_t runs_per_point, double start,
                          int ranks) {
  double elapsed = omp_get_wtime() - start;
  double rate = elapsed > 0 ? (double)done / elapsed : 0.0;
  double eta = rate > 0 ? (double)(total - done) / rate : 0.0;
  fprintf(stderr, "\r%zu/%zu points%s  %.0f runs/s  ETA %.0f s ", done, total,
          ranks > 1 ? " (rank 0's block)" : "", rate * (double)runs_per_point, eta);
  if (done == total) fprintf(stderr, "\n");
  fflush(stderr);
}

/* Runs point j into its row; on failure prints the point and the loader's diagnostics (one
 * thread at a time) and returns 1. */
static int run_one(const cli_spec *spec, brink_ctx *ctx, const brink_point_options *po,
                   const double *values, size_t j, double *row) {
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  brink_status st = brink_point_run(ctx, po, &values[j * po->n_paths], &diags, row);
  if (st) {
#pragma omp critical(cli_points_print)
    {
      fprintf(stderr, "brink %s: design point %zu:", spec->name, j);
      for (size_t k = 0; k < po->n_paths; k++)
        fprintf(stderr, " %s=%.17g", po->paths[k], values[j * po->n_paths + k]);
      fprintf(stderr, "\n");
      for (size_t i = 0; i < diags.n; i++)
        fprintf(stderr, "%s:%u:%u: %s\n", diags.items[i].file[0] ? diags.items[i].file : "--set",
                diags.items[i].line, diags.items[i].col, diags.items[i].message);
      if (!diags.n) cli_fail(spec, ctx, st);
    }
  }
  brink_diag_list_release(&diags);
  return st != BRINK_OK;
}

int cli_points_run(const cli_spec *spec, brink_ctx *ctx, const brink_point_options *po,
                   const double *values, size_t n_points, double *stats, int progress) {
  const size_t width = brink_point_width(po->n_policies);
  size_t first, last;
  cli_par_block(n_points, &first, &last);
  int show = progress && cli_par_rank() == 0 && isatty(fileno(stderr));
  double start = omp_get_wtime();
  int failed = 0;
  memset(stats, 0, n_points * width * sizeof *stats);
  const size_t n = last - first;
  const uint64_t runs_per_point = po->runs * po->n_policies;
  if (po->threads <= 1 || n < (size_t)po->threads) {
    /* Few points: one at a time, the engine's threads inside each. */
    for (size_t j = first; j < last && !failed; j++) {
      failed = run_one(spec, ctx, po, values, j, &stats[j * width]);
      if (show && !failed) show_progress(j - first + 1, n, runs_per_point, start, cli_par_size());
    }
  } else {
    /* Many points: one point per thread with a single-threaded engine, which also loads the
     * scenarios in parallel. Each point's numbers do not depend on the thread that ran it. */
    brink_point_options one = *po;
    one.threads = 1;
    size_t done = 0;
#pragma omp parallel num_threads(po->threads)
    {
      brink_ctx *tctx = NULL;
      if (brink_ctx_new(&tctx) != BRINK_OK) {
#pragma omp atomic write
        failed = 1;
      }
#pragma omp for schedule(dynamic, 1)
      for (int64_t j = (int64_t)first; j < (int64_t)last; j++) {
        int stop;
#pragma omp atomic read
        stop = failed;
        if (stop || !tctx) continue;
        if (run_one(spec, tctx, &one, values, (size_t)j, &stats[(size_t)j * width])) {
#pragma omp atomic write
          failed = 1;
        }
        size_t d;
#pragma omp atomic capture
        d = ++done;
        if (show && omp_get_thread_num() == 0 && d < n)
          show_progress(d, n, runs_per_point, start, cli_par_size());
      }
      brink_ctx_free(tctx);
    }
    if (show && !failed) show_progress(n, n, runs_per_point, start, cli_par_size());
  }
  if (cli_par_any(failed)) return CLI_EXIT_FAIL;
  if (cli_par_gather(stats, n_points, width) != 0) return CLI_EXIT_FAIL;
  return -1;
}

int cli_default_threads(void) {
  int procs = omp_get_num_procs(), local = cli_par_local_size();
  int t = (procs > 0 ? procs : 1) / (local > 0 ? local : 1);
  return t > 0 ? t : 1;
}
