/* SPDX-License-Identifier: MIT */
/* `brink calibrate`: the scenario's free parameters fitted to the recorded history by IF2, a
 * likelihood slice per parameter, and a posterior sample that --posterior reads
 * (include/brink/calibrate.h, docs/validation.md). */
#define _POSIX_C_SOURCE 200809L /* fileno, fstat */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "brink/calibrate.h"
#include "history.h"

static void on_progress(void *ud, int stage, uint64_t done, uint64_t total, double loglik) {
  if (!*(int *)ud) return;
  fprintf(stderr, "\rcalibrate: %s %llu/%llu, log-likelihood %.1f nats   ",
          stage == 1 ? "IF2 iteration" : "slice filter", (unsigned long long)done,
          (unsigned long long)total, loglik);
  if (done == total) fputc('\n', stderr);
}

/* Splits the comma-separated --free list into parameter indices. */
static int parse_free(cli_spec *spec, const brink_scenario *sc, const char *list, uint32_t *free,
                      size_t *n_free) {
  *n_free = 0;
  const char *p = list;
  while (*p) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    char name[128];
    if (!len || len >= sizeof name)
      return cli_usage_error(spec, "--free: empty or overlong name at column %zu of '%s'",
                             (size_t)(p - list) + 1, list);
    memcpy(name, p, len);
    name[len] = '\0';
    const char *bare = strncmp(name, "params.", 7) ? name : name + 7;
    int k = brink_scenario_find_param(sc, bare);
    if (k < 0)
      return cli_usage_error(spec, "--free: '%s' (column %zu) is not a parameter of '%s'", bare,
                             (size_t)(p - list) + 1, brink_scenario_name(sc));
    if (*n_free >= BRINK_MAX_PARAMS)
      return cli_usage_error(spec, "--free: more than %d parameters", BRINK_MAX_PARAMS);
    free[(*n_free)++] = (uint32_t)k;
    p += len + (comma ? 1 : 0);
  }
  if (!*n_free) return cli_usage_error(spec, "--free names no parameter");
  return -1;
}

static void interval_text(const brink_calibrate_slice *s, char *out, size_t n) {
  snprintf(out, n, "%s%.4g, %.4g%s", s->lo_open ? "(<=" : "[", s->lo, s->hi,
           s->hi_open ? "=>)" : "]");
}

int cmd_calibrate(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      HISTORY_OPTS,
      {"free", "NAMES", "comma-separated parameters to estimate (required)", 0, NULL, NULL, 0},
      {"particles", "N", "IF2 particles (default 1000)", 0, NULL, NULL, 0},
      {"iterations", "M", "IF2 iterations (default 30)", 0, NULL, NULL, 0},
      {"sd", "X", "IF2 random-walk sd per week on the unbounded scale (default 0.02)", 0, NULL,
       NULL, 0},
      {"cooling", "C", "factor on the sd after each iteration (default 0.9)", 0, NULL, NULL, 0},
      {"slice-points", "G", "prior quantiles per likelihood slice (default 7)", 0, NULL, NULL, 0},
      {"slice-particles", "N", "particles per slice filter (default 1000)", 0, NULL, NULL, 0},
      {"slice-replicates", "R", "filters per slice point, for its error (default 3)", 0, NULL, NULL,
       0},
      {"slice-refine", "K",
       "points added inside each grid segment where a slice crosses its 95% cut (default 2; 0 "
       "to 8)",
       0, NULL, NULL, 0},
      {"draws", "D", "posterior draws written by --out (default 1000)", 0, NULL, NULL, 0},
      {"out", "FILE", "write the posterior sample here (TSV that --posterior reads)", 0, NULL, NULL,
       0},
      HISTORY_MISRECORD_OPT,
      {"synthetic", "FILE",
       "recovery check: fit a record whose scored acts are simulated from the model at the "
       "values of FILE (a --posterior TSV, e.g. one row of known values) under the recorded "
       "acts of the others",
       0, NULL, NULL, 0},
      {"seed", "S", "random seed (default 1)", 0, NULL, NULL, 0},
      {"threads", "T", "worker threads (default: the number of cores)", 0, NULL, NULL, 0},
      {"format", "F", "table | json (default table)", 0, NULL, NULL, 0},
      {"quiet", NULL, "no progress", 0, NULL, NULL, 0},
  };
  cli_spec spec = {
      "calibrate",
      "SCENARIO... --free NAMES [options]",
      "Fits the free parameters of a history (SCENARIO files are its windows, as for brink\n"
      "filter) to the record: the maximum-likelihood estimate by iterated filtering (IF2),\n"
      "then a likelihood slice per parameter (the particle filter at the prior's quantiles,\n"
      "the others at their estimates) with a 95% interval and whether the record identifies\n"
      "the parameter at all, then a posterior sample (prior x slice likelihood) for\n"
      "--posterior. The parameters not named in --free keep their priors. docs/validation.md.",
      opts,
      sizeof opts / sizeof opts[0],
      1,
      HISTORY_MAX_WINDOWS,
      "example:\n  brink calibrate scenarios/korea/2022.yaml --from 2019-01-07 --free "
      "dprk_rationality,campaign_drive --out fit.tsv",
      NULL,
      0};
  history h;
  memset(&h, 0, sizeof h);
  brink_calibrate_result *r = NULL;
  double *draws = NULL;
  uint64_t particles, iterations, points, sparticles, sreps, refine, n_draws, seed, threads;
  double sd, cooling, misrecord;
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  int procs = omp_get_num_procs();
  if ((rc = cli_u64(&spec, "particles", 2, 1u << 24, 1000, &particles)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "iterations", 1, 10000, 30, &iterations)) >= 0) goto done;
  if ((rc = cli_f64(&spec, "sd", 1e-6, 9.99, 0.02, &sd)) >= 0) goto done;
  if ((rc = cli_f64(&spec, "cooling", 1e-6, 1.0, 0.9, &cooling)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "slice-points", 3, BRINK_CALIBRATE_MAX_POINTS, 7, &points)) >= 0)
    goto done;
  if ((rc = cli_u64(&spec, "slice-particles", 1, 1u << 24, 1000, &sparticles)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "slice-replicates", 2, 1000, 3, &sreps)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "slice-refine", 0, BRINK_CALIBRATE_MAX_REFINE, 2, &refine)) >= 0)
    goto done;
  if ((rc = cli_u64(&spec, "draws", 1, 1000000, 1000, &n_draws)) >= 0) goto done;
  if ((rc = cli_f64(&spec, "misrecord", 0.0, 0.5, BRINK_FILTER_MISRECORD, &misrecord)) >= 0)
    goto done;
  if ((rc = cli_u64(&spec, "seed", 0, UINT64_MAX >> 1, 1, &seed)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "threads", 1, 1024, (uint64_t)(procs > 0 ? procs : 1), &threads)) >= 0)
    goto done;
  static const char *const formats[] = {"table", "json"};
  int format;
  if ((rc = cli_choice(&spec, "format", formats, 2, 0, &format)) >= 0) goto done;
  const char *free_list = cli_value(&spec, "free", NULL);
  if (!free_list) {
    rc = cli_usage_error(&spec, "--free is required: name the parameters to estimate");
    goto done;
  }
  if ((rc = history_load(&spec, ctx, spec.pos, spec.n_pos, HISTORY_END, &h)) >= 0) goto done;
  const brink_scenario *sc = h.scenarios[0];
  uint32_t free[BRINK_MAX_PARAMS];
  size_t n_free;
  if ((rc = parse_free(&spec, sc, free_list, free, &n_free)) >= 0) goto done;
  const char *synthetic = cli_value(&spec, "synthetic", NULL);
  if (synthetic) {
    /* The same windows and record with the known values as their posterior; the scored
     * actors' acts drawn from them replace the recorded ones. */
    brink_record *rec = NULL;
    if ((rc = cli_load_record(&spec, ctx, &rec)) >= 0) goto done;
    const cli_opt *set = cli_opt_get(&spec, "set");
    brink_history_options ho = {.windows = h.files,
                                .n_windows = h.n_windows,
                                .overrides = set ? (const char *const *)set->values : NULL,
                                .n_overrides = set ? set->n_values : 0,
                                .record = rec,
                                .observation =
                                    cli_value(&spec, "observation", "data/korea_observation.tsv"),
                                .posterior = synthetic,
                                .from = h.start,
                                .end = h.end};
    brink_history truth;
    brink_status sst = brink_history_load(ctx, &ho, NULL, &truth);
    brink_record_free(rec);
    if (!sst) {
      sst = brink_history_simulate(ctx, &truth, seed, misrecord, h.acts);
      brink_history_release(&truth);
    }
    if (sst) {
      rc = cli_fail(&spec, ctx, sst);
      goto done;
    }
  }
  int show = !cli_value(&spec, "quiet", NULL) && isatty(fileno(stderr));
  brink_filter_data d = brink_history_filter_data(&h, misrecord);
  brink_calibrate_options o = {(uint32_t)particles,
                               (uint32_t)iterations,
                               sd,
                               cooling,
                               free,
                               n_free,
                               (uint32_t)points,
                               (uint32_t)sparticles,
                               (uint32_t)sreps,
                               seed,
                               (int)threads,
                               on_progress,
                               &show,
                               (uint32_t)refine};
  brink_status st = brink_calibrate_run(ctx, h.models, h.window_step, h.n_windows, &d, &o, &r);
  const char *out_path = cli_value(&spec, "out", NULL);
  if (!st && out_path) {
    draws = brink_calloc(ctx, n_draws * n_free, sizeof *draws);
    if (!draws) st = BRINK_ENOMEM;
    if (!st) st = brink_calibrate_sample(ctx, r, sc, seed, n_draws, draws);
    char comment[512];
    snprintf(
        comment, sizeof comment,
        "brink calibrate: posterior sample (prior x likelihood slice, parameters independent)\n"
        "history %d to %d (exclusive), %u weeks, %zu windows; seed %llu; IF2 %llu "
        "particles x %llu iterations; slices %llu points (+ %llu inside each crossing) x %llu "
        "filters of %llu particles\n"
        "log-likelihood at the estimate %.2f nats, Monte Carlo standard error %.2f",
        h.start, h.end, h.n_steps, h.n_windows, (unsigned long long)seed,
        (unsigned long long)particles, (unsigned long long)iterations, (unsigned long long)points,
        (unsigned long long)refine, (unsigned long long)sreps, (unsigned long long)sparticles,
        r->loglik, r->loglik_se);
    if (!st) st = brink_calibrate_write_posterior(ctx, r, sc, draws, n_draws, comment, out_path);
  }
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  if (format == 0) {
    history_describe(&h, stdout);
    if (synthetic)
      printf("synthetic record (recovery check): the scored actors' acts simulated from the "
             "model at %s (seed %llu, observation error %g), the others' as recorded\n",
             synthetic, (unsigned long long)seed, misrecord);
    printf("\nIF2: %llu particles, %llu iterations, random-walk sd %g per week cooled by %g per "
           "iteration (seed %llu)\n",
           (unsigned long long)particles, (unsigned long long)iterations, sd, cooling,
           (unsigned long long)seed);
    printf("IF2 log-likelihood by iteration (nats, of the perturbed filter):");
    for (uint32_t it = 0; it < r->if2->iterations; it++)
      printf("%s%.1f", it % 10 ? " " : "\n  ", r->if2->loglik_trace[it]);
    printf("\nlog-likelihood at the estimate: %.2f nats, Monte Carlo standard error %.2f (%llu "
           "filters of %llu particles)\n\n",
           r->loglik, r->loglik_se, (unsigned long long)sreps, (unsigned long long)sparticles);
    printf("%-24s %-18s %10s %10s %10s %-24s %s\n", "parameter", "prior support", "estimate",
           "swarm sd", "slice best", "95% slice interval", "record");
    for (size_t f = 0; f < n_free; f++) {
      const brink_calibrate_slice *s = &r->slices[f];
      const brink_param *p = brink_scenario_param(sc, s->param);
      char support[48], interval[64];
      snprintf(support, sizeof support, "[%.4g, %.4g]", p->lo, p->hi);
      interval_text(s, interval, sizeof interval);
      printf("%-24s %-18s %10.4g %10.3g %10.4g %-24s %s\n", p->name, support, s->estimate,
             s->spread, s->best, s->flat ? "-" : interval,
             s->flat ? "flat: not identified" : "identified");
    }
    printf("\nslices (log-likelihood in nats; in brackets the standard error of its difference "
           "from the slice's best point, over filters that share their random numbers; * marks "
           "the estimate):\n");
    for (size_t f = 0; f < n_free; f++) {
      const brink_calibrate_slice *s = &r->slices[f];
      printf("  %s:", brink_scenario_param(sc, s->param)->name);
      for (uint32_t i = 0; i < s->n_points; i++)
        printf(" %s%.4g: %.1f (%.1f)", s->x[i] == s->estimate ? "*" : "", s->x[i], s->loglik[i],
               s->se_diff[i]);
      printf("\n");
    }
    if (out_path)
      printf("\nposterior sample: %llu draws in %s\n", (unsigned long long)n_draws, out_path);
  } else {
    printf("{\"calibrate\": {\"weeks\": %u, \"seed\": %llu, \"particles\": %llu, \"iterations\": "
           "%llu, \"sd\": %.17g, \"cooling\": %.17g, \"loglik\": %.17g, \"loglik_se\": %.17g, "
           "\"if2_loglik\": [",
           h.n_steps, (unsigned long long)seed, (unsigned long long)particles,
           (unsigned long long)iterations, sd, cooling, r->loglik, r->loglik_se);
    for (uint32_t it = 0; it < r->if2->iterations; it++)
      printf("%s%.17g", it ? ", " : "", r->if2->loglik_trace[it]);
    printf("],\n  \"params\": [");
    for (size_t f = 0; f < n_free; f++) {
      const brink_calibrate_slice *s = &r->slices[f];
      printf("%s\n    {\"name\": \"%s\", \"estimate\": %.17g, \"swarm_sd\": %.17g, \"best\": "
             "%.17g, \"lo\": %.17g, \"hi\": %.17g, \"lo_open\": %s, \"hi_open\": %s, \"flat\": "
             "%s, \"slice\": [",
             f ? "," : "", brink_scenario_param(sc, s->param)->name, s->estimate, s->spread,
             s->best, s->lo, s->hi, s->lo_open ? "true" : "false", s->hi_open ? "true" : "false",
             s->flat ? "true" : "false");
      for (uint32_t i = 0; i < s->n_points; i++)
        printf("%s{\"x\": %.17g, \"loglik\": %.17g, \"se\": %.17g, \"se_diff\": %.17g}",
               i ? ", " : "", s->x[i], s->loglik[i], s->se[i], s->se_diff[i]);
      printf("]}");
    }
    printf("]}}\n");
  }
  rc = CLI_EXIT_OK;
done:
  brink_free(ctx, draws);
  brink_calibrate_result_free(r);
  history_release(ctx, &h);
  cli_spec_release(&spec);
  return rc;
}
