/* SPDX-License-Identifier: MIT */
/* `brink run` and `brink compare`: Monte Carlo runs of policies on a scenario. Under mpirun the
 * runs are divided into one block per process; rank 0 merges the blocks' summaries (and
 * --save-runs rows) in run order, so the output is the bytes of one process. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <omp.h>

#include "brink/engine.h"
#include "brink/model.h"
#include "brink/report.h"
#include "brink/scenario.h"
#include "cli.h"
#include "par.h"

typedef struct progress {
  int enabled;
  double start;
  FILE *save; /* --save-runs: the stream of save_file */
  const brink_scenario *scenario;
  int save_failed;
} progress;

static void on_progress(void *ud, uint64_t done, uint64_t total) {
  progress *p = ud;
  if (!p->enabled) return;
  double elapsed = omp_get_wtime() - p->start;
  double rate = elapsed > 0 ? (double)done / elapsed : 0.0;
  double eta = rate > 0 ? (double)(total - done) / rate : 0.0;
  int width = 30, filled = (int)(width * (double)done / (double)total);
  fprintf(stderr, "\r[%.*s%*s] %llu/%llu runs  %.0f runs/s  ETA %.0f s ", filled,
          "##############################", width - filled, "", (unsigned long long)done,
          (unsigned long long)total, rate, eta);
  if (done == total) fprintf(stderr, "\n");
  fflush(stderr);
}

static void on_run(void *ud, uint64_t run, uint32_t policy, const brink_run_result *r,
                   const double *params) {
  progress *p = ud;
  if (!p->save || p->save_failed) return;
  const brink_scenario *sc = p->scenario;
  fprintf(p->save, "%llu,%s,", (unsigned long long)run, brink_scenario_policy(sc, policy)->name);
  if (r->war_step == BRINK_NEVER)
    fprintf(p->save, ",");
  else
    fprintf(p->save, "%u,", r->war_step);
  fprintf(p->save, "%u,%u,%u,", r->incidents, r->clashes, r->provocations);
  if (r->talks_step == BRINK_NEVER)
    fprintf(p->save, ",");
  else
    fprintf(p->save, "%u,", r->talks_step);
  fprintf(p->save, "%u,%u,%u,%u,%.17g,%.17g", r->max_track, r->unsc_proposed, r->unsc_adopted,
          r->breaches, r->pressure_nominal_sum / (r->steps_run ? r->steps_run : 1),
          r->pressure_effective_sum / (r->steps_run ? r->steps_run : 1));
  fprintf(p->save, ",%s",
          r->war_step == BRINK_NEVER ? "" : brink_war_cause_name((brink_war_cause)r->war_cause));
  if (r->nuclear_step == BRINK_NEVER)
    fprintf(p->save, ",");
  else
    fprintf(p->save, ",%u", r->nuclear_step);
  if (r->agreement_step == BRINK_NEVER)
    fprintf(p->save, ",");
  else
    fprintf(p->save, ",%u", r->agreement_step);
  for (size_t i = 0; i < brink_scenario_actor_count(sc); i++)
    for (size_t a = 0; a < brink_scenario_actor(sc, i)->n_ladder; a++)
      fprintf(p->save, ",%u", (unsigned)r->action_counts[i][a]);
  for (size_t i = 0; i < brink_scenario_actor_count(sc); i++)
    if (brink_scenario_actor(sc, i)->driver == BRINK_DRIVER_BEHAVIOURAL)
      fprintf(p->save, ",%s", r->types[i] ? "greedy" : "security");
  for (size_t k = 0; k < brink_scenario_param_count(sc); k++) fprintf(p->save, ",%.17g", params[k]);
  if (fputc('\n', p->save) == EOF) p->save_failed = 1;
}

static int split_policies(cli_spec *spec, const brink_scenario *sc, const char *list, uint32_t *out,
                          size_t *n) {
  *n = 0;
  const char *p = list;
  while (*p) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    char name[256];
    if (len == 0 || len >= sizeof name) return cli_usage_error(spec, "bad policy list '%s'", list);
    memcpy(name, p, len);
    name[len] = '\0';
    int idx = brink_scenario_find_policy(sc, name);
    if (idx < 0) {
      fprintf(stderr, "brink %s: unknown policy '%s'; the scenario defines:", spec->name, name);
      for (size_t i = 0; i < brink_scenario_policy_count(sc); i++)
        fprintf(stderr, " %s", brink_scenario_policy(sc, i)->name);
      fprintf(stderr, "\nTry 'brink %s --help'.\n", spec->name);
      return CLI_EXIT_USAGE;
    }
    for (size_t i = 0; i < *n; i++)
      if (out[i] == (uint32_t)idx) return cli_usage_error(spec, "policy '%s' listed twice", name);
    if (*n >= 64) return cli_usage_error(spec, "at most 64 policies at once");
    out[(*n)++] = (uint32_t)idx;
    p += len;
    if (*p == ',') p++;
  }
  if (*n == 0) return cli_usage_error(spec, "empty policy list");
  return -1;
}

/* Creates DIR when needed and checks that files can be written there, before any run. A
 * directory made here is registered for removal (when still empty) if a signal ends the run;
 * *dir_slot is that registration. */
static int check_out_dir(cli_spec *spec, const char *dir, int *dir_slot) {
  *dir_slot = -1;
  if (mkdir(dir, 0777) == 0)
    *dir_slot = cli_cleanup_add(dir, 1);
  else if (errno != EEXIST) {
    fprintf(stderr, "brink %s: cannot create --out directory '%s': %s\n", spec->name, dir,
            strerror(errno));
    return CLI_EXIT_FAIL;
  }
  char probe[4096];
  snprintf(probe, sizeof probe, "%s/.brink-write-test-XXXXXX", dir);
  int fd = mkstemp(probe);
  if (fd < 0) {
    fprintf(stderr, "brink %s: cannot write in --out directory '%s': %s\n", spec->name, dir,
            strerror(errno));
    return CLI_EXIT_FAIL;
  }
  close(fd);
  unlink(probe);
  return -1;
}

/* After every rank has run its block: the summaries (and --save-runs rows) of ranks 1.. go to
 * rank 0, which merges them in rank order, that is run order, into *summary and appends the
 * rows to its file. Every rank must call it. Returns -1 to go on, or an exit code. */
static int gather_blocks(const cli_spec *spec, brink_ctx *ctx, const brink_model *model,
                         brink_summary **summary, progress *save, char **rows, size_t *rows_len) {
  int root = cli_par_rank() == 0, rc = -1;
  brink_buf packed;
  brink_buf_init(&packed, ctx, (size_t)1 << 31);
  char *all = NULL;
  size_t *lens = NULL;
  brink_status st = root ? BRINK_OK : brink_summary_pack(ctx, *summary, &packed);
  if (st) fprintf(stderr, "brink %s: %s\n", spec->name, brink_ctx_errmsg(ctx));
  if (cli_par_any(st != BRINK_OK) ||
      cli_par_gather_bytes(packed.data, packed.len, &all, &lens) != 0) {
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  if (root) {
    size_t off = lens[0];
    for (int r = 1; r < cli_par_size() && !st; r++) {
      brink_summary *block = NULL;
      st = brink_summary_unpack(ctx, model, all + off, lens[r], &block);
      if (!st) st = brink_summary_merge(ctx, *summary, block);
      brink_summary_free(block);
      off += lens[r];
    }
  }
  if (cli_par_any(st != BRINK_OK)) {
    rc = st ? cli_fail(spec, ctx, st) : CLI_EXIT_FAIL;
    goto done;
  }
  if (save) {
    free(all);
    free(lens);
    all = NULL;
    lens = NULL;
    if (!root && fflush(save->save) != 0) save->save_failed = 1;
    if (cli_par_any(save->save_failed) ||
        cli_par_gather_bytes(*rows, *rows_len, &all, &lens) != 0) {
      if (root) fprintf(stderr, "brink %s: cannot keep the --save-runs rows\n", spec->name);
      rc = CLI_EXIT_FAIL;
      goto done;
    }
    if (root) {
      size_t total = 0;
      for (int r = 0; r < cli_par_size(); r++) total += lens[r];
      if (total && fwrite(all, 1, total, save->save) != total) save->save_failed = 1;
    }
  }
done:
  free(all);
  free(lens);
  brink_buf_release(&packed);
  return rc;
}

static int run_command(brink_ctx *ctx, int argc, char **argv, int compare) {
  cli_opt opts[] = {
      {compare ? "policies" : "policy", compare ? "A,B,..." : "NAME",
       compare ? "policies to compare (default: every policy of the scenario)"
               : "the policy to run (default: the scenario's first)",
       0, NULL, NULL, 0},
      {"runs", "N", "runs per policy (default 10000)", 0, NULL, NULL, 0},
      {"seed", "S", "random seed (default 1)", 0, NULL, NULL, 0},
      {"threads", "T", "worker threads (default: the cores divided by the processes on them)", 0,
       NULL, NULL, 0},
      {"horizon", "H", "steps to simulate (default: the scenario's horizon)", 0, NULL, NULL, 0},
      {"posterior", "FILE",
       "draw the parameters it names from this sample (TSV: names, then draws) instead of "
       "their priors",
       0, NULL, NULL, 0},
      {"confidence", "C", "confidence level of intervals (default 0.95)", 0, NULL, NULL, 0},
      {"set", "PATH=VALUE", "override a scenario value, e.g. params.dprk_greed=0.9", 1, NULL, NULL,
       0},
      {"format", "F", "table | csv | json (default table)", 0, NULL, NULL, 0},
      {"out", "DIR", "also write result.json, result.csv and table.txt into DIR", 0, NULL, NULL, 0},
      {"save-runs", "FILE", "write one CSV row per run and policy to FILE", 0, NULL, NULL, 0},
      {"report", "FILE.html", "write the self-contained HTML report", 0, NULL, NULL, 0},
      {"no-timing", NULL, "leave the timing object out of JSON (byte-comparable output)", 0, NULL,
       NULL, 0},
      {"quiet", NULL, "no progress bar", 0, NULL, NULL, 0},
  };
  cli_spec spec = {
      compare ? "compare" : "run",
      "SCENARIO [options]",
      compare
          ? "Runs every listed policy on the same Monte Carlo draws (common random numbers:\n"
            "run i of each policy uses the same parameters and hidden types) and reports\n"
            "each policy's outcomes and every pairwise difference with its interval. Under\n"
            "mpirun the runs are divided among the processes; the output is the same bytes."
          : "Runs one policy of a scenario many times and reports the probability of armed\n"
            "conflict, armed clashes, provocations, talks and the tension index, each with\n"
            "its confidence interval and the number of runs. Under mpirun the runs are divided\n"
            "among the processes; the output is the same bytes.",
      opts,
      sizeof opts / sizeof opts[0],
      1,
      1,
      compare ? "example:\n  brink compare scenarios/korea/2022.yaml --runs 20000 --out out/"
              : "example:\n  brink run scenarios/korea/2022.yaml --policy maximum_pressure --runs "
                "10000",
      NULL,
      0};
  brink_scenario *sc = NULL;
  brink_model *model = NULL;
  brink_summary *summary = NULL;
  brink_buf buf;
  brink_buf_init(&buf, ctx, 0);
  progress prog = {0, 0.0, NULL, NULL, 0};
  char *rows = NULL; /* --save-runs rows of a rank other than 0 */
  size_t rows_len = 0;
  brink_file *save_file = NULL;
  int save_slot = -1, dir_slot = -1;
  uint32_t policies[64];
  size_t n_policies = 0;
  uint64_t runs, seed, threads, horizon;
  double confidence;
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  if ((rc = cli_u64(&spec, "runs", 1, BRINK_MAX_RUNS, 10000, &runs)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "seed", 0, UINT64_MAX >> 1, 1, &seed)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "threads", 1, 1024, (uint64_t)cli_default_threads(), &threads)) >= 0)
    goto done;
  if ((rc = cli_u64(&spec, "horizon", 1, BRINK_MAX_HORIZON, 0, &horizon)) >= 0) goto done;
  if ((rc = cli_f64(&spec, "confidence", 0.5, 0.9999, 0.95, &confidence)) >= 0) goto done;
  static const char *const formats[] = {"table", "csv", "json"};
  int format_index;
  if ((rc = cli_choice(&spec, "format", formats, 3, 0, &format_index)) >= 0) goto done;
  const char *format = formats[format_index];
  /* Under MPI with at least one run per process: block [first, last) of the runs here. The
   * steps up to the engine fail alike on every rank (same arguments, same files), except the
   * files only rank 0 writes: their failure is shared (cli_par_any) before anyone runs. */
  const int root = cli_par_rank() == 0,
            divide = cli_par_size() > 1 && runs >= (uint64_t)cli_par_size();
  size_t first = 0, last = (size_t)runs;
  if (divide) cli_par_block((size_t)runs, &first, &last);
  if (!root && !divide) {
    rc = CLI_EXIT_OK; /* fewer runs than processes: rank 0 runs them all */
    goto done;
  }
  const char *out_dir = cli_value(&spec, "out", NULL);
  if ((rc = cli_load_scenario(&spec, ctx, spec.pos[0], &sc)) >= 0) goto done;
  if (brink_scenario_policy_count(sc) == 0) {
    fprintf(stderr, "brink %s: scenario '%s' defines no policy\n", spec.name,
            brink_scenario_name(sc));
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  const char *list = cli_value(&spec, compare ? "policies" : "policy", NULL);
  if (list) {
    if (!compare && strchr(list, ',')) {
      rc = cli_usage_error(&spec, "--policy takes one policy; use 'brink compare --policies'");
      goto done;
    }
    if ((rc = split_policies(&spec, sc, list, policies, &n_policies)) >= 0) goto done;
  } else {
    n_policies =
        compare ? (brink_scenario_policy_count(sc) < 64 ? brink_scenario_policy_count(sc) : 64) : 1;
    for (size_t i = 0; i < n_policies; i++) policies[i] = (uint32_t)i;
  }
  brink_status st = brink_model_new(ctx, sc, &model);
  if (!st && horizon) st = brink_model_set_horizon(ctx, model, (uint32_t)horizon);
  if (!st && cli_value(&spec, "posterior", NULL))
    st = brink_model_load_posterior(ctx, model, cli_value(&spec, "posterior", NULL));
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  const char *save = cli_value(&spec, "save-runs", NULL);
  if (root && out_dir) rc = check_out_dir(&spec, out_dir, &dir_slot);
  if (root && save && rc < 0) rc = cli_file_open(&spec, ctx, save, &save_file, &save_slot);
  if (save && !root && rc < 0) {
    /* This rank's rows, sent to rank 0 after the runs. */
    prog.save = open_memstream(&rows, &rows_len);
    if (!prog.save) {
      fprintf(stderr, "brink %s: out of memory\n", spec.name);
      rc = CLI_EXIT_FAIL;
    }
  }
  if (divide && cli_par_any(rc >= 0)) {
    if (rc < 0) rc = CLI_EXIT_FAIL; /* another rank said why */
    goto done;
  }
  if (rc >= 0) goto done;
  if (save && root) {
    prog.save = brink_file_stream(save_file);
    fprintf(prog.save, "run,policy,war_step,incidents,clashes,provocations,talks_step,max_track,"
                       "unsc_proposed,unsc_adopted,breaches,pressure_nominal,pressure_effective,"
                       "war_cause,nuclear_step,agreement_step");
    for (size_t i = 0; i < brink_scenario_actor_count(sc); i++)
      for (size_t a = 0; a < brink_scenario_actor(sc, i)->n_ladder; a++)
        fprintf(prog.save, ",n_%s_%s", brink_scenario_actor(sc, i)->name,
                brink_scenario_actor(sc, i)->ladder[a].name);
    for (size_t i = 0; i < brink_scenario_actor_count(sc); i++)
      if (brink_scenario_actor(sc, i)->driver == BRINK_DRIVER_BEHAVIOURAL)
        fprintf(prog.save, ",type_%s", brink_scenario_actor(sc, i)->name);
    for (size_t k = 0; k < brink_scenario_param_count(sc); k++)
      fprintf(prog.save, ",%s", brink_scenario_param(sc, k)->name);
    fputc('\n', prog.save);
  }
  prog.enabled = root && !cli_value(&spec, "quiet", NULL) && isatty(fileno(stderr));
  prog.start = omp_get_wtime();
  prog.scenario = sc;
  brink_engine_options eo = {.runs = runs,
                             .seed = seed,
                             .threads = (int)threads,
                             .confidence = confidence,
                             .policies = policies,
                             .n_policies = n_policies,
                             .progress = on_progress,
                             .on_run = save ? on_run : NULL,
                             .userdata = &prog};
  if (divide) {
    eo.first_run = first;
    eo.run_count = last - first;
  }
  st = brink_engine_run(ctx, model, &eo, &summary);
  if (st) rc = cli_fail(&spec, ctx, st);
  if (divide) {
    if (cli_par_any(rc >= 0)) {
      if (rc < 0) rc = CLI_EXIT_FAIL;
      goto done;
    }
    rc = gather_blocks(&spec, ctx, model, &summary, save ? &prog : NULL, &rows, &rows_len);
    if (rc < 0 && !root) rc = CLI_EXIT_OK;
  }
  if (rc >= 0) goto done;
  if (save_file) {
    prog.save = NULL;
    rc = cli_file_commit(&spec, ctx, save_file, save_slot);
    save_file = NULL;
    if (rc >= 0) goto done;
  }
  const brink_output_meta meta = {
      spec.pos[0], (const char *const *)cli_opt_get(&spec, "set")->values,
      cli_opt_get(&spec, "set")->n_values, !cli_value(&spec, "no-timing", NULL),
      cli_value(&spec, "posterior", NULL)};
  const char *report = cli_value(&spec, "report", NULL);
  if (out_dir || report) {
    static const char *const names[] = {"result.json", "result.csv", "table.txt"};
    brink_buf json;
    brink_buf_init(&json, ctx, 0);
    st = brink_summary_json(ctx, summary, &meta, &json);
    for (int k = 0; out_dir && k < 3 && !st && rc < 0; k++) {
      brink_buf_reset(&buf);
      st = k == 0   ? brink_buf_append(&buf, json.data, json.len)
           : k == 1 ? brink_summary_csv(ctx, summary, &meta, &buf)
                    : brink_summary_table(ctx, summary, &buf);
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", out_dir, names[k]);
      if (!st) rc = cli_write_file(&spec, ctx, path, buf.data, buf.len);
    }
    if (!st && rc < 0 && (report || out_dir)) {
      char path[4096];
      if (report)
        snprintf(path, sizeof path, "%s", report);
      else
        snprintf(path, sizeof path, "%s/report.html", out_dir);
      brink_buf_reset(&buf);
      st = brink_report_write_html(ctx, json.data, json.len, NULL, &buf);
      if (!st) rc = cli_write_file(&spec, ctx, path, buf.data, buf.len);
    }
    brink_buf_release(&json);
    if (st) {
      rc = cli_fail(&spec, ctx, st);
      goto done;
    }
    if (rc >= 0) goto done;
  }
  brink_buf_reset(&buf);
  if (!strcmp(format, "json"))
    st = brink_summary_json(ctx, summary, &meta, &buf);
  else if (!strcmp(format, "csv"))
    st = brink_summary_csv(ctx, summary, &meta, &buf);
  else
    st = brink_summary_table(ctx, summary, &buf);
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  fputs(buf.data, stdout);
  if (!strcmp(format, "table")) {
    double seconds = brink_summary_seconds(summary);
    printf("(%.2f s, %.0f runs/s on %d threads", seconds,
           seconds > 0 ? (double)(runs * n_policies) / seconds : 0.0, (int)threads);
    if (divide) printf(" x %d processes", cli_par_size());
    printf(")\n");
  }
  rc = CLI_EXIT_OK;
done:
  if (prog.save && !save_file) fclose(prog.save); /* the memory stream of a rank other than 0 */
  free(rows);
  cli_file_abort(ctx, save_file, save_slot);
  cli_cleanup_remove(dir_slot);
  brink_buf_release(&buf);
  brink_summary_free(summary);
  brink_model_free(model);
  brink_scenario_free(sc);
  cli_spec_release(&spec);
  return rc;
}

int cmd_run(brink_ctx *ctx, int argc, char **argv) { return run_command(ctx, argc, argv, 0); }
int cmd_compare(brink_ctx *ctx, int argc, char **argv) { return run_command(ctx, argc, argv, 1); }
