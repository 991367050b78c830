/* SPDX-License-Identifier: MIT */
/* `brink serve`: an interactive dashboard on GNU libmicrohttpd. A JSON API (docs/serve.md) and
 * one self-contained page embedded in the binary; runs go through the same loader and checks
 * as `brink compare` (sweeps as `brink sweep`, forecasts from the record as `brink forecast`),
 * a bounded queue of jobs, results cached by a hash of their inputs. */
#define _XOPEN_SOURCE 700
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <omp.h>

#include "brink/engine.h"
#include "brink/events.h"
#include "brink/filter.h"
#include "brink/forecast.h"
#include "brink/model.h"
#include "brink/report.h"
#include "brink/scenario.h"
#include "brink/serve.h"
#include "brink/sweep.h"
#include "cli.h"
#include "forecast_compare.h"
#include "history.h"
#include "web_assets.h"

#define CACHE_SIZE 64     /* results kept */
#define MAX_JOBS 128      /* job records (queued, running, finished) */
#define QUEUE_FACTOR 2    /* queued jobs allowed per worker before 429 */
#define ORPHAN_SECONDS 10 /* a job nobody watched for this long is cancelled */

typedef enum { JOB_FREE, JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED, JOB_CANCELLED } job_state;

typedef struct result {
  char key[17];
  char *json, *csv; /* malloc'd; json without timing, so the same inputs give the same bytes */
  size_t json_len, csv_len;
  /* A sweep's chart (P(armed conflict) over the parameter) and HTML page, drawn when it ends
   * (the numbers behind them are not kept); NULL for a comparison. */
  char *svg, *html;
  size_t svg_len, html_len;
  /* A forecast's table as `brink forecast --policy ...` prints it; NULL for the others (a
   * forecast has no CSV, no chart and no page). */
  char *text;
  size_t text_len;
  uint64_t used; /* LRU clock */
} result;

typedef struct job {
  char key[17];
  job_state state;
  brink_serve_request *request; /* owned by the job's ctx */
  brink_ctx *ctx;
  uint64_t runs;
  uint64_t done, total; /* runs done of all policies */
  int watchers, watched;
  time_t created;
  char error[512];
  uint64_t order; /* queue order */
  /* A forecast: 1 while the record is filtered, 2 while the policies run; done and total count
   * the filter's steps (filter_total of them: weeks x filters) and then the runs. */
  int phase;
  uint64_t filter_total;
} job;

typedef struct server {
  char dir[PATH_MAX]; /* realpath of --scenarios */
  uint64_t max_runs;
  int jobs, threads;
  pthread_mutex_t lock;
  pthread_cond_t changed;
  job table[MAX_JOBS];
  result cache[CACHE_SIZE];
  uint64_t clock, next_order;
  int stopping, running, queued;
  pthread_t *workers;
  /* The forecast from the record, from the command line only (never from a request): the
   * history windows (--history) in the order of their time.start, the posterior, record files
   * (none: the shipped ones), observation table and series map; no window, no forecast. */
  size_t n_history;
  const char *history[HISTORY_MAX_WINDOWS]; /* as given on the command line */
  int32_t history_start[HISTORY_MAX_WINDOWS];
  int32_t first_origin; /* YYYYMMDD: the first Monday 52 weeks or more after the first start */
  const char *posterior, *observation, *series;
  const char **records;
  size_t n_records;
} server;

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig) {
  (void)sig;
  stop_signal = 1;
}

/* ---- Responses ------------------------------------------------------------------------ */

static void security_headers(struct MHD_Response *r, const char *type) {
  MHD_add_response_header(r, "Content-Type", type);
  MHD_add_response_header(r, "Content-Security-Policy",
                          "default-src 'self'; img-src 'self' blob: data:; frame-ancestors 'none'");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result send_bytes(struct MHD_Connection *c, unsigned code, const char *type,
                                  const void *data, size_t len, const char *filename) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, MHD_RESPMEM_MUST_COPY);
  if (!r) return MHD_NO;
  security_headers(r, type);
  if (code == 429) MHD_add_response_header(r, "Retry-After", "2");
  if (filename) {
    char disp[128];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", filename);
    MHD_add_response_header(r, "Content-Disposition", disp);
  }
  enum MHD_Result ret = MHD_queue_response(c, code, r);
  MHD_destroy_response(r);
  return ret;
}

/* {"error": message, "errors": [{line, col, message}]} */
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned code, brink_ctx *ctx,
                                  const char *message, const brink_diag_list *diags) {
  brink_buf b;
  brink_buf_init(&b, ctx, 0);
  brink_status st = brink_buf_puts(&b, "{\"error\": ");
  if (!st) st = brink_buf_json_string(&b, message);
  if (!st) st = brink_buf_puts(&b, ", \"errors\": [");
  for (size_t i = 0; diags && i < diags->n && i < 100 && !st; i++) {
    const brink_diag *d = &diags->items[i];
    st = brink_buf_printf(&b, "%s{\"line\": %u, \"col\": %u, \"file\": ", i ? ", " : "", d->line,
                          d->col);
    if (!st) st = brink_buf_json_string(&b, d->file);
    if (!st) st = brink_buf_puts(&b, ", \"message\": ");
    if (!st) st = brink_buf_json_string(&b, d->message);
    if (!st) st = brink_buf_puts(&b, "}");
  }
  if (!st) st = brink_buf_puts(&b, "]}\n");
  if (st) brink_buf_reset(&b);
  enum MHD_Result ret = b.len ? send_bytes(c, code, "application/json", b.data, b.len, NULL)
                              : send_bytes(c, 500, "text/plain", "out of memory\n", 14, NULL);
  brink_buf_release(&b);
  return ret;
}

static void char_copy(char *dst, size_t size, const char *src) { snprintf(dst, size, "%s", src); }

/* ---- Scenarios: only regular files named by brink_serve_name_ok, in --scenarios ------------ */

static int scenario_path(const server *s, const char *name, char *path, size_t size) {
  if (!brink_serve_name_ok(name)) return 0;
  int n = snprintf(path, size, "%s/%s", s->dir, name);
  if (n < 0 || (size_t)n >= size) return 0;
  struct stat st;
  if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) return 0; /* symlinks refused */
  return 1;
}

/* Messages name files relative to the served directory: the client never sees its path. */
static void strip_dir(const server *s, char *text) {
  size_t n = strlen(s->dir);
  char *p;
  while ((p = strstr(text, s->dir)) && p[n] == '/') memmove(p, p + n + 1, strlen(p + n + 1) + 1);
}

static void strip_diags(const server *s, brink_diag_list *diags) {
  for (size_t i = 0; diags && i < diags->n; i++) {
    strip_dir(s, diags->items[i].file);
    strip_dir(s, diags->items[i].message);
  }
}

/* Loads the request's scenario with its overrides, then extra (may be NULL), through the CLI's
 * loader. */
static brink_status load_request_with(const server *s, brink_ctx *ctx,
                                      const brink_serve_request *req, const char *extra,
                                      brink_diag_list *diags, brink_scenario **out) {
  const char *overrides[BRINK_SERVE_MAX_ITEMS + 1];
  size_t n = 0;
  for (size_t i = 0; i < req->n_overrides && i < BRINK_SERVE_MAX_ITEMS; i++)
    overrides[n++] = req->overrides[i];
  if (extra) overrides[n++] = extra;
  if (req->yaml)
    return brink_scenario_load_string(ctx, NULL, req->yaml, req->yaml_len, overrides, n, diags,
                                      out);
  char path[PATH_MAX + 300];
  if (!scenario_path(s, req->scenario, path, sizeof path)) return BRINK_ENOTFOUND;
  brink_status st = brink_scenario_load(ctx, path, overrides, n, diags, out);
  strip_diags(s, diags);
  return st;
}

static brink_status load_request(const server *s, brink_ctx *ctx, const brink_serve_request *req,
                                 brink_diag_list *diags, brink_scenario **out) {
  return load_request_with(s, ctx, req, NULL, diags, out);
}

/* A sweep's parameter must be one of the scenario's $params, and both ends of its range values
 * the loader accepts (as `brink sweep` would load them at its first and last points). Returns
 * the HTTP status; on 400 a message in msg and the loader's diagnostics in diags. */
static unsigned check_sweep(const server *s, brink_ctx *ctx, const brink_serve_request *req,
                            const brink_scenario *sc, brink_diag_list *diags, char *msg,
                            size_t size) {
  size_t i = 0;
  while (i < brink_scenario_param_count(sc) &&
         strcmp(brink_scenario_param(sc, i)->name, req->sweep_param))
    i++;
  if (i == brink_scenario_param_count(sc)) {
    int n = snprintf(
        msg, size, "unknown parameter '%.64s' to sweep; the scenario's $params:", req->sweep_param);
    for (size_t k = 0; k < brink_scenario_param_count(sc) && n > 0 && (size_t)n < size; k++)
      n += snprintf(msg + n, size - (size_t)n, "%s %s", k ? "," : "",
                    brink_scenario_param(sc, k)->name);
    return 400;
  }
  for (int end = 0; end < 2; end++) {
    char set[300];
    brink_scenario *at = NULL;
    snprintf(set, sizeof set, "params.%s=%.17g", req->sweep_param,
             end ? req->sweep_hi : req->sweep_lo);
    brink_status st = load_request_with(s, ctx, req, set, diags, &at);
    brink_scenario_free(at);
    if (st) {
      snprintf(msg, size, "sweep %s %g: ", end ? "hi" : "lo", end ? req->sweep_hi : req->sweep_lo);
      size_t n = strlen(msg);
      char_copy(msg + n, size - n, brink_ctx_errmsg(ctx));
      strip_dir(s, msg);
      return 400;
    }
  }
  return 200;
}

/* YYYYMMDD (a valid date, years 1800-2199) as YYYY-MM-DD. */
static void iso_date(int32_t ymd, char out[11]) {
  unsigned v = (unsigned)ymd;
  snprintf(out, 11, "%04u-%02u-%02u", v / 10000 % 10000, v / 100 % 100, v % 100);
}

/* A forecast needs the server's history (--history), an origin late enough for it, and two
 * policies or more (the comparison of `brink forecast --policy A,B,...`). Returns the HTTP
 * status; on 400 a message in msg. */
static unsigned check_forecast(const server *s, const brink_serve_request *req, size_t n_policies,
                               char *msg, size_t size) {
  char first[11];
  if (!s->n_history) {
    snprintf(msg, size,
             "this server has no history of the record to forecast from: start it with "
             "--history FILE (docs/serve.md; make serve does)");
    return 400;
  }
  iso_date(s->first_origin, first);
  if (req->forecast_origin_ymd < s->first_origin) {
    snprintf(msg, size,
             "forecast origin %s is before %s: the filter needs the 52 weeks of the record after "
             "the first history window's start; give a Monday from %s to 2022-11-07",
             req->forecast_origin, first, first);
    return 400;
  }
  if (n_policies < 2 || n_policies > FORECAST_MAX_POLICIES) {
    snprintf(msg, size, "a forecast from the record compares policies: choose 2 to %d, got %zu",
             FORECAST_MAX_POLICIES, n_policies);
    return 400;
  }
  return 200;
}

/* Resolves the request's policies to indices; 0 on success, else writes a message. */
static int resolve_policies(const brink_scenario *sc, const brink_serve_request *req, uint32_t *out,
                            size_t *n, char *msg, size_t size) {
  *n = 0;
  if (req->n_policies == 0) {
    *n = brink_scenario_policy_count(sc) < 64 ? brink_scenario_policy_count(sc) : 64;
    for (size_t i = 0; i < *n; i++) out[i] = (uint32_t)i;
    if (*n == 0) snprintf(msg, size, "scenario '%s' defines no policy", brink_scenario_name(sc));
    return *n == 0;
  }
  for (size_t i = 0; i < req->n_policies; i++) {
    int idx = brink_scenario_find_policy(sc, req->policies[i]);
    if (idx < 0) {
      snprintf(msg, size, "unknown policy '%.200s'", req->policies[i]);
      return 1;
    }
    for (size_t j = 0; j < *n; j++)
      if (out[j] == (uint32_t)idx) {
        snprintf(msg, size, "policy '%.200s' listed twice", req->policies[i]);
        return 1;
      }
    out[(*n)++] = (uint32_t)idx;
  }
  return 0;
}

/* ---- Cache and jobs (under s->lock) ------------------------------------------------------ */

static result *cache_find(server *s, const char *key) {
  for (int i = 0; i < CACHE_SIZE; i++)
    if (s->cache[i].json && !strcmp(s->cache[i].key, key)) {
      s->cache[i].used = ++s->clock;
      return &s->cache[i];
    }
  return NULL;
}

static void result_release(result *r) {
  free(r->text);
  free(r->json);
  free(r->csv);
  free(r->svg);
  free(r->html);
  memset(r, 0, sizeof *r);
}

/* Takes the result's buffers. */
static void cache_put(server *s, const char *key, result *r) {
  result *slot = &s->cache[0];
  for (int i = 0; i < CACHE_SIZE; i++) {
    if (!s->cache[i].json) {
      slot = &s->cache[i];
      break;
    }
    if (s->cache[i].used < slot->used) slot = &s->cache[i];
  }
  result_release(slot);
  *slot = *r;
  memset(r, 0, sizeof *r);
  memcpy(slot->key, key, 17);
  slot->used = ++s->clock;
}

static job *job_find(server *s, const char *key) {
  for (int i = 0; i < MAX_JOBS; i++)
    if (s->table[i].state != JOB_FREE && !strcmp(s->table[i].key, key)) return &s->table[i];
  return NULL;
}

static void job_clear(job *j) {
  brink_serve_request_free(j->request);
  brink_ctx_free(j->ctx);
  memset(j, 0, sizeof *j);
}

/* A free record, or the oldest finished one; NULL when every record is queued or running. */
static job *job_slot(server *s) {
  job *best = NULL;
  for (int i = 0; i < MAX_JOBS; i++) {
    job *j = &s->table[i];
    if (j->state == JOB_FREE) return j;
    if (j->state >= JOB_DONE && (!best || j->order < best->order)) best = j;
  }
  if (best) job_clear(best);
  return best;
}

typedef struct run_progress {
  server *s;
  job *j;
  uint64_t base, n_policies; /* base: runs of all policies done before this engine run */
  volatile int cancel;       /* read by the engine after each batch */
} run_progress;

static void on_progress(void *ud, uint64_t done, uint64_t total) {
  run_progress *p = ud;
  (void)total;
  pthread_mutex_lock(&p->s->lock);
  p->j->done = p->base + done * p->n_policies;
  /* A running job whose client has gone away stops after this batch (no one will read it). */
  if (p->j->watchers == 0 && p->j->watched) p->cancel = 1;
  pthread_cond_broadcast(&p->s->changed);
  pthread_mutex_unlock(&p->s->lock);
}

/* A copy of a buffer's bytes with a NUL, malloc'd (results outlive the job's context). */
static char *copy_out(const brink_buf *b, size_t *len) {
  char *p = malloc(b->len + 1);
  if (p) {
    if (b->len) memcpy(p, b->data, b->len);
    p[b->len] = '\0';
    *len = b->len;
  }
  return p;
}

/* The points of a sweep, one after the other (each on the job's threads), with the seed of the
 * request at every point: `brink sweep --param NAME=LO:HI:POINTS` on the same inputs gives the
 * same numbers. The JSON and CSV are brink_sweep_json and brink_sweep_csv; the chart and page
 * are drawn now, from the numbers that are then dropped. */
static brink_status run_sweep(server *s, job *j, const brink_scenario *sc, const uint32_t *policies,
                              size_t n_policies, result *out, char *msg, size_t msg_size) {
  brink_ctx *ctx = j->ctx;
  const brink_serve_request *req = j->request;
  const char *names[64];
  char path[PATH_MAX + 300];
  double *values = NULL, *stats = NULL;
  size_t n_points = 0;
  brink_buf buf;
  brink_buf_init(&buf, ctx, 0);
  brink_sweep_axis axis = {NULL, req->sweep_lo, req->sweep_hi, (uint32_t)req->sweep_points};
  brink_status st = BRINK_OK;
  for (size_t i = 0; i < n_policies; i++) names[i] = brink_scenario_policy(sc, policies[i])->name;
  if (req->scenario && !scenario_path(s, req->scenario, path, sizeof path)) {
    snprintf(msg, msg_size, "no scenario '%s' in the served directory", req->scenario);
    st = BRINK_ENOTFOUND;
    goto done;
  }
  if ((st = brink_buf_printf(&buf, "params.%s", req->sweep_param)) ||
      (st = brink_buf_detach(&buf, &axis.path)))
    goto done;
  if ((st = brink_sweep_design_values(ctx, BRINK_DESIGN_GRID, &axis, 1, 0, req->seed, &values,
                                      &n_points)))
    goto done;
  const size_t width = brink_point_width(n_policies);
  if (!(stats = brink_calloc(ctx, n_points * width, sizeof *stats))) {
    st = BRINK_ENOMEM;
    goto done;
  }
  run_progress prog = {s, j, 0, n_policies, 0};
  pthread_mutex_lock(&s->lock);
  j->total = j->runs * n_policies * n_points;
  pthread_mutex_unlock(&s->lock);
  const char *const paths[1] = {axis.path};
  brink_point_options po = {req->scenario ? path : NULL,
                            (const char *const *)req->overrides,
                            req->n_overrides,
                            paths,
                            1,
                            names,
                            n_policies,
                            j->runs,
                            req->seed,
                            s->threads,
                            0.95,
                            0,
                            NULL,
                            req->yaml,
                            req->yaml_len,
                            on_progress,
                            &prog,
                            &prog.cancel};
  for (size_t k = 0; k < n_points && !st; k++) {
    prog.base = k * j->runs * n_policies;
    st = brink_point_run(ctx, &po, &values[k], NULL, &stats[k * width]);
  }
  if (st) goto done;
  const char *file = req->scenario ? req->scenario : "editor.yaml";
  brink_sweep sw = {brink_scenario_name(sc),
                    file,
                    (const char *const *)req->overrides,
                    req->n_overrides,
                    BRINK_DESIGN_GRID,
                    &axis,
                    1,
                    names,
                    n_policies,
                    j->runs,
                    req->seed,
                    0.95,
                    brink_scenario_horizon(sc),
                    brink_time_step_name(brink_scenario_step(sc)),
                    n_points,
                    values,
                    stats,
                    NULL};
  for (int k = 0; k < 4 && !st; k++) {
    brink_buf_reset(&buf);
    size_t len = 0;
    char **slot = k == 0 ? &out->json : k == 1 ? &out->csv : k == 2 ? &out->svg : &out->html;
    st = k == 0   ? brink_sweep_json(ctx, &sw, &buf)
         : k == 1 ? brink_sweep_csv(ctx, &sw, &buf)
         : k == 2
             ? brink_sweep_chart(ctx, &sw, BRINK_METRIC_P_ARMED_CONFLICT, BRINK_CHART_SVG, &buf)
             : brink_sweep_html(ctx, &sw, &buf);
    if (!st && !(*slot = copy_out(&buf, &len))) st = BRINK_ENOMEM;
    if (k == 0)
      out->json_len = len;
    else if (k == 1)
      out->csv_len = len;
    else if (k == 2)
      out->svg_len = len;
    else
      out->html_len = len;
  }
done:
  if (st) result_release(out);
  brink_sweep_axis_release(ctx, &axis);
  brink_free(ctx, values);
  brink_free(ctx, stats);
  brink_buf_release(&buf);
  return st;
}

/* The forecast from the record: `brink forecast SCENARIO --policy P1,P2,... --history W ...
 * --origin DATE --horizon H --runs N --seed S --particles K --replicates R [--posterior F]
 * [--record F ...] [--observation F] [--series F] [--set ...] --format json` on the same
 * inputs, step for step (the windows: the server's that start before the origin, as
 * scripts/run.sh passes them), and the same writer (cli/forecast_compare.c). Neither the filter
 * nor a policy's forecast can be stopped inside, so a job whose client went away stops between
 * the filter and the first policy, or between two policies. */
static brink_status run_forecast(server *s, job *j, const brink_scenario *sc,
                                 const uint32_t *policies, size_t n_policies, result *out,
                                 char *msg, size_t msg_size) {
  brink_ctx *ctx = j->ctx;
  const brink_serve_request *req = j->request;
  brink_model *model = NULL;
  brink_filter_result *fr = NULL;
  brink_forecast *fs[FORECAST_MAX_POLICIES] = {NULL};
  history h;
  memset(&h, 0, sizeof h);
  int have_history = 0;
  brink_buf json, text;
  brink_buf_init(&json, ctx, 0);
  brink_buf_init(&text, ctx, 0);
  const char *files[HISTORY_MAX_WINDOWS];
  size_t n_files = 0;
  for (size_t w = 0; w < s->n_history; w++)
    if (s->history_start[w] < req->forecast_origin_ymd) files[n_files++] = s->history[w];
  const uint32_t horizon = (uint32_t)req->forecast_horizon;
  brink_status st = brink_model_new(ctx, sc, &model);
  if (!st) st = brink_model_set_horizon(ctx, model, horizon);
  if (!st && s->posterior) st = brink_model_load_posterior(ctx, model, s->posterior);
  brink_forecast_map map;
  if (!st) st = brink_forecast_map_load(ctx, s->series, sc, &map);
  if (st) goto done;
  /* history_load reads its files from a spec: the server's, and the request's overrides as
   * --set (applied to every window, as `brink forecast --set` does). */
  cli_opt hopts[] = {
      {"record", "FILE", "", 1, NULL, s->records, s->n_records},
      {"observation", "FILE", "", 0, s->observation, NULL, 0},
      {"set", "PATH=VALUE", "", 1, NULL, (const char **)req->overrides, req->n_overrides},
      {"posterior", "FILE", "", 0, s->posterior, NULL, 0},
  };
  cli_spec hspec = {"serve", "", "", hopts, sizeof hopts / sizeof hopts[0], 0, 0, NULL, NULL, 0};
  if (history_load(&hspec, ctx, files, n_files, req->forecast_origin_ymd, &h) >= 0) {
    snprintf(msg, msg_size,
             "cannot load the history of the record before %s (the server's log says why)",
             req->forecast_origin);
    st = BRINK_EINVAL;
    goto done;
  }
  have_history = 1;
  run_progress prog = {s, j, 0, 1, 0};
  pthread_mutex_lock(&s->lock);
  j->phase = 1;
  j->filter_total = (uint64_t)h.n_steps * req->forecast_replicates;
  j->total = j->filter_total + j->runs * n_policies;
  pthread_mutex_unlock(&s->lock);
  brink_filter_data d = brink_history_filter_data(&h, BRINK_FILTER_MISRECORD);
  /* The client's leaving (prog.cancel) stops the filter after its current week and the
   * forecast after its current batch. */
  brink_filter_options fo = {.particles = (uint32_t)req->forecast_particles,
                             .replicates = (uint32_t)req->forecast_replicates,
                             .seed = req->seed,
                             .threads = s->threads,
                             .ess_fraction = 0.5,
                             .progress = on_progress,
                             .userdata = &prog,
                             .keep_particles = 1,
                             .cancel = &prog.cancel};
  brink_history_filter_windows(&h, &fo);
  if ((st = brink_filter_run(ctx, h.models[0], &d, &fo, &fr))) goto done;
  if (!isfinite(fr->loglik_rep[0])) {
    snprintf(msg, msg_size, "no particle explains the record before %s (ask for more particles)",
             req->forecast_origin);
    st = BRINK_EINVAL;
    goto done;
  }
  if (prog.cancel) {
    st = BRINK_ECANCELED;
    goto done;
  }
  if ((st = brink_model_set_horizon(ctx, model, h.n_steps + horizon))) goto done;
  pthread_mutex_lock(&s->lock);
  j->phase = 2;
  pthread_mutex_unlock(&s->lock);
  brink_forecast_options o = {.runs = j->runs,
                              .seed = req->seed,
                              .threads = s->threads,
                              .steps = horizon,
                              .policy = policies[0],
                              .progress = on_progress,
                              .userdata = &prog,
                              .keep_runs = 1,
                              .cancel = &prog.cancel};
  for (size_t k = 0; k < n_policies && !st; k++) {
    prog.base = j->filter_total + k * j->runs;
    o.policy = policies[k];
    st = brink_forecast_run(ctx, model, (const brink_model_state *const *)fr->final,
                            fr->final_weight, fr->particles, &map, &o, &fs[k]);
    if (!st && prog.cancel && k + 1 < n_policies) st = BRINK_ECANCELED;
  }
  if (st) goto done;
  const char *file = req->scenario ? req->scenario : "editor.yaml";
  if ((st = forecast_compare_write(ctx, sc, file, fs, policies, n_policies, req->forecast_origin, 1,
                                   &h, fr, NULL, &json)) ||
      (st = forecast_compare_write(ctx, sc, file, fs, policies, n_policies, req->forecast_origin, 0,
                                   &h, fr, NULL, &text)))
    goto done;
  out->json = copy_out(&json, &out->json_len);
  out->text = copy_out(&text, &out->text_len);
  if (!out->json || !out->text) st = BRINK_ENOMEM;
done:
  if (st) result_release(out);
  for (size_t k = 0; k < n_policies && k < FORECAST_MAX_POLICIES; k++) brink_forecast_free(fs[k]);
  brink_filter_result_free(fr);
  if (have_history) history_release(ctx, &h);
  brink_model_free(model);
  brink_buf_release(&json);
  brink_buf_release(&text);
  return st;
}

/* Runs one job outside the lock; its request and ctx belong to the worker meanwhile. */
static void run_job(server *s, job *j) {
  brink_ctx *ctx = j->ctx;
  brink_scenario *sc = NULL;
  brink_model *model = NULL;
  brink_summary *summary = NULL;
  brink_buf json, csv;
  brink_buf_init(&json, ctx, 0);
  brink_buf_init(&csv, ctx, 0);
  result res = {0};
  char msg[512] = "";
  uint32_t policies[64];
  size_t n_policies = 0;
  const brink_serve_request *req = j->request;
  brink_status st = load_request(s, ctx, req, NULL, &sc);
  if (st) goto done;
  if (resolve_policies(sc, req, policies, &n_policies, msg, sizeof msg)) {
    st = BRINK_EINVAL;
    goto done;
  }
  if (req->sweep_param) {
    st = run_sweep(s, j, sc, policies, n_policies, &res, msg, sizeof msg);
    goto done;
  }
  if (req->forecast) {
    st = run_forecast(s, j, sc, policies, n_policies, &res, msg, sizeof msg);
    goto done;
  }
  if ((st = brink_model_new(ctx, sc, &model))) goto done;
  run_progress prog = {s, j, 0, n_policies, 0};
  pthread_mutex_lock(&s->lock);
  j->total = j->runs * n_policies;
  pthread_mutex_unlock(&s->lock);
  brink_engine_options eo = {j->runs,     req->seed, s->threads, 0.95,         policies, n_policies,
                             on_progress, NULL,      &prog,      &prog.cancel, 0,        0};
  if ((st = brink_engine_run(ctx, model, &eo, &summary))) goto done;
  const brink_output_meta meta = {req->scenario ? req->scenario : "editor.yaml",
                                  (const char *const *)req->overrides, req->n_overrides, 0, NULL};
  if ((st = brink_summary_json(ctx, summary, &meta, &json))) goto done;
  if ((st = brink_summary_csv(ctx, summary, &meta, &csv))) goto done;
  res.json = copy_out(&json, &res.json_len);
  res.csv = copy_out(&csv, &res.csv_len);
  if (!res.json || !res.csv) st = BRINK_ENOMEM;
done:
  if (st == BRINK_ENOMEM) char_copy(msg, sizeof msg, "out of memory");
  if (st && !msg[0]) char_copy(msg, sizeof msg, brink_ctx_errmsg(ctx));
  if (st && !msg[0]) char_copy(msg, sizeof msg, brink_status_str(st));
  strip_dir(s, msg);
  pthread_mutex_lock(&s->lock);
  if (!st) {
    cache_put(s, j->key, &res);
    j->state = JOB_DONE;
  } else if (st == BRINK_ECANCELED) {
    j->state = JOB_CANCELLED;
    char_copy(j->error, sizeof j->error, "cancelled: the client went away");
  } else {
    j->state = JOB_FAILED;
    char_copy(j->error, sizeof j->error, msg);
  }
  pthread_cond_broadcast(&s->changed);
  pthread_mutex_unlock(&s->lock);
  result_release(&res);
  brink_buf_release(&json);
  brink_buf_release(&csv);
  brink_summary_free(summary);
  brink_model_free(model);
  brink_scenario_free(sc);
}

static void *worker(void *arg) {
  server *s = arg;
  pthread_mutex_lock(&s->lock);
  for (;;) {
    job *next = NULL;
    time_t now = time(NULL);
    for (int i = 0; i < MAX_JOBS; i++) {
      job *j = &s->table[i];
      if (j->state != JOB_QUEUED) continue;
      /* Cancelled when its client has gone away, or never came to watch it. */
      if (j->watchers == 0 && (j->watched || now - j->created > ORPHAN_SECONDS)) {
        j->state = JOB_CANCELLED;
        char_copy(j->error, sizeof j->error, "cancelled: the client went away");
        s->queued--;
        pthread_cond_broadcast(&s->changed);
        continue;
      }
      if (!next || j->order < next->order) next = j;
    }
    if (s->stopping) break;
    if (!next) {
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_sec += 1;
      pthread_cond_timedwait(&s->changed, &s->lock, &until);
      continue;
    }
    next->state = JOB_RUNNING;
    s->queued--;
    s->running++;
    pthread_mutex_unlock(&s->lock);
    run_job(s, next);
    pthread_mutex_lock(&s->lock);
    s->running--;
  }
  pthread_mutex_unlock(&s->lock);
  return NULL;
}

/* ---- Connections ---------------------------------------------------------------------- */

typedef struct conn {
  brink_buf body;
  int too_big;
  brink_ctx *ctx;
  /* A streamed response (events or a waited-for result): */
  server *s;
  char key[17];
  int sse, finished, registered;
  uint64_t last_done;
  job_state last_state;
  char *out; /* POST /api/run: a copy of the result being sent, from out_pos */
  size_t out_len, out_pos;
} conn;

static void conn_free(conn *c) {
  if (!c) return;
  brink_buf_release(&c->body);
  brink_ctx_free(c->ctx);
  free(c->out);
  free(c);
}

/* Validates a request and finds or queues its job. Returns the HTTP status; *key is set on
 * 200, *cached when the result is ready. Messages and diagnostics go to the error response. */
static unsigned submit(server *s, struct MHD_Connection *mc, conn *c, int *cached,
                       enum MHD_Result *ret) {
  brink_ctx *ctx = c->ctx;
  brink_serve_request *req = NULL;
  brink_scenario *sc = NULL;
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  unsigned code = 200;
  char msg[600] = "";
  brink_status st =
      brink_serve_request_parse(ctx, c->body.data ? c->body.data : "", c->body.len, &req);
  if (st) {
    code = st == BRINK_ELIMIT ? 413 : 400;
    char_copy(msg, sizeof msg, brink_ctx_errmsg(ctx));
    goto done;
  }
  uint64_t runs = req->runs ? req->runs : (s->max_runs < 10000 ? s->max_runs : 10000);
  if (req->sweep_param) { /* every point costs a comparison: points x runs <= --max-runs */
    uint64_t per_point = s->max_runs / req->sweep_points;
    if (!req->runs) runs = per_point < 2000 ? per_point : 2000;
    if (runs < 1 || runs > per_point) {
      code = 400;
      snprintf(msg, sizeof msg,
               "a sweep of %llu points x %llu runs per policy is over --max-runs %llu: at most "
               "%llu runs per policy at each of %llu points",
               (unsigned long long)req->sweep_points, (unsigned long long)runs,
               (unsigned long long)s->max_runs, (unsigned long long)per_point,
               (unsigned long long)req->sweep_points);
      goto done;
    }
  }
  if (runs > s->max_runs) {
    code = 400;
    snprintf(msg, sizeof msg, "runs must be between 1 and %llu (--max-runs), got %llu",
             (unsigned long long)s->max_runs, (unsigned long long)runs);
    goto done;
  }
  if (req->seed > (UINT64_MAX >> 1)) {
    code = 400;
    char_copy(msg, sizeof msg, "seed out of range");
    goto done;
  }
  brink_serve_request_key(req, runs, c->key);
  pthread_mutex_lock(&s->lock);
  int have = cache_find(s, c->key) != NULL;
  job *existing = job_find(s, c->key);
  int live = existing && (existing->state == JOB_QUEUED || existing->state == JOB_RUNNING);
  pthread_mutex_unlock(&s->lock);
  *cached = have;
  if (have || live) goto done;
  /* The same loader and checks as `brink compare`, before anything is queued. */
  st = load_request(s, ctx, req, &diags, &sc);
  if (st) {
    code = st == BRINK_ENOTFOUND ? 404 : 400;
    if (st == BRINK_ENOTFOUND)
      snprintf(msg, sizeof msg, "no scenario '%s' in the served directory", req->scenario);
    else
      char_copy(msg, sizeof msg, brink_ctx_errmsg(ctx));
    strip_dir(s, msg);
    goto done;
  }
  uint32_t policies[64];
  size_t n_policies;
  if (resolve_policies(sc, req, policies, &n_policies, msg, sizeof msg)) {
    code = 400;
    goto done;
  }
  if (req->sweep_param && (code = check_sweep(s, ctx, req, sc, &diags, msg, sizeof msg)) != 200)
    goto done;
  if (req->forecast && (code = check_forecast(s, req, n_policies, msg, sizeof msg)) != 200)
    goto done;
  brink_ctx *job_ctx = NULL;
  if (brink_ctx_new(&job_ctx)) {
    code = 500;
    char_copy(msg, sizeof msg, "out of memory");
    goto done;
  }
  pthread_mutex_lock(&s->lock);
  existing = job_find(s, c->key);
  if (existing && (existing->state == JOB_QUEUED || existing->state == JOB_RUNNING)) {
    pthread_mutex_unlock(&s->lock);
    brink_ctx_free(job_ctx);
    goto done;
  }
  if (existing) job_clear(existing);
  job *j = s->queued < s->jobs * QUEUE_FACTOR ? job_slot(s) : NULL;
  if (!j) {
    pthread_mutex_unlock(&s->lock);
    brink_ctx_free(job_ctx);
    code = 429;
    char_copy(msg, sizeof msg, "the job queue is full; retry in 2 s");
    goto done;
  }
  /* The job takes the request: re-read it into the job's own context. */
  brink_serve_request *copy = NULL;
  if (brink_serve_request_parse(job_ctx, c->body.data, c->body.len, &copy)) {
    pthread_mutex_unlock(&s->lock);
    brink_ctx_free(job_ctx);
    code = 500;
    char_copy(msg, sizeof msg, "out of memory");
    goto done;
  }
  memcpy(j->key, c->key, 17);
  j->request = copy;
  j->ctx = job_ctx;
  j->runs = runs;
  j->total = runs * n_policies * (req->sweep_param ? req->sweep_points : 1);
  if (req->forecast) { /* the filter's weeks x filters, then the runs (run_forecast) */
    int64_t days = brink_event_date_days(req->forecast_origin_ymd) -
                   brink_event_date_days(s->history_start[0]);
    j->filter_total = (uint64_t)(days / 7) * req->forecast_replicates;
    j->total += j->filter_total;
  }
  j->created = time(NULL);
  j->order = ++s->next_order;
  j->state = JOB_QUEUED;
  s->queued++;
  pthread_cond_broadcast(&s->changed);
  pthread_mutex_unlock(&s->lock);
done:
  if (code != 200) *ret = send_error(mc, code, ctx, msg, &diags);
  brink_diag_list_release(&diags);
  brink_scenario_free(sc);
  brink_serve_request_free(req);
  return code;
}

/* Streams a job: server-sent events (progress, then done or failed), or, for POST /api/run,
 * spaces while waiting and then the result JSON (leading spaces are valid JSON). Writing
 * while waiting is how a client that went away is noticed. */
static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max) {
  conn *c = cls;
  server *s = c->s;
  (void)pos;
  if (c->out) { /* the result, in pieces of at most max bytes */
    size_t n = c->out_len - c->out_pos < max ? c->out_len - c->out_pos : max;
    memcpy(buf, c->out + c->out_pos, n);
    c->out_pos += n;
    if (c->out_pos == c->out_len) {
      free(c->out);
      c->out = NULL;
      c->finished = 1;
    }
    return (ssize_t)n;
  }
  if (c->finished) return MHD_CONTENT_READER_END_OF_STREAM;
  pthread_mutex_lock(&s->lock);
  job *j = job_find(s, c->key);
  result *r = cache_find(s, c->key);
  if (!c->registered && j) {
    j->watchers++;
    j->watched = 1;
    c->registered = 1;
    pthread_cond_broadcast(&s->changed);
  }
  if (!r && j && (j->state == JOB_QUEUED || j->state == JOB_RUNNING) && j->done == c->last_done &&
      !s->stopping) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 250000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&s->changed, &s->lock, &until);
    j = job_find(s, c->key);
    r = cache_find(s, c->key);
  }
  ssize_t n = 0;
  if (r) {
    if (c->sse) {
      n = snprintf(buf, max, "event: done\ndata: {\"key\": \"%s\"}\n\n", c->key);
      c->finished = 1;
    } else if ((c->out = malloc(r->json_len + 1))) {
      memcpy(c->out, r->json, r->json_len);
      c->out_len = r->json_len;
      c->out_pos = 0;
      buf[0] = ' ';
      n = 1;
    } else {
      n = snprintf(buf, max, "{\"error\": \"out of memory\"}\n");
      c->finished = 1;
    }
  } else if (!j || j->state >= JOB_DONE || s->stopping) {
    const char *why = !j ? "job unknown or expired" : s->stopping ? "server stopping" : j->error;
    brink_buf b;
    brink_buf_init(&b, c->ctx, max > 64 ? max - 64 : max);
    brink_buf_json_string(&b, why);
    n = snprintf(buf, max,
                 c->sse ? "event: failed\ndata: {\"error\": %s}\n\n" : "{\"error\": %s}\n",
                 b.data ? b.data : "\"error\"");
    brink_buf_release(&b);
    c->finished = 1;
  } else if (c->sse) {
    if ((j->done != c->last_done || c->last_state != j->state) && j->request->forecast)
      n = snprintf(buf, max,
                   "event: progress\ndata: {\"done\": %llu, \"total\": %llu, "
                   "\"state\": \"%s\", \"phase\": \"%s\", \"filter_total\": %llu}\n\n",
                   (unsigned long long)j->done, (unsigned long long)j->total,
                   j->state == JOB_QUEUED ? "queued" : "running",
                   j->phase == 2 ? "forecast" : "filter", (unsigned long long)j->filter_total);
    else if (j->done != c->last_done || c->last_state != j->state)
      n = snprintf(buf, max,
                   "event: progress\ndata: {\"done\": %llu, \"total\": %llu, "
                   "\"state\": \"%s\"}\n\n",
                   (unsigned long long)j->done, (unsigned long long)j->total,
                   j->state == JOB_QUEUED ? "queued" : "running");
    else
      n = snprintf(buf, max, ": waiting\n\n");
    c->last_done = j->done;
    c->last_state = j->state;
  } else {
    buf[0] = ' ';
    n = 1;
  }
  pthread_mutex_unlock(&s->lock);
  if (n < 0 || (size_t)n >= max) n = (ssize_t)(max > 0 ? max - 1 : 0);
  return n;
}

static void stream_free(void *cls) {
  conn *c = cls;
  pthread_mutex_lock(&c->s->lock);
  job *j = c->registered ? job_find(c->s, c->key) : NULL;
  if (j && j->watchers > 0) j->watchers--;
  pthread_cond_broadcast(&c->s->changed);
  pthread_mutex_unlock(&c->s->lock);
  conn_free(c);
}

static enum MHD_Result send_stream(struct MHD_Connection *mc, conn **cp, int sse) {
  conn *c = *cp;
  c->sse = sse;
  struct MHD_Response *r =
      MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_reader, c, stream_free);
  if (!r) return MHD_NO;
  *cp = NULL; /* the response owns the connection state now */
  security_headers(r, sse ? "text/event-stream" : "application/json");
  enum MHD_Result ret = MHD_queue_response(mc, 200, r);
  MHD_destroy_response(r);
  return ret;
}

/* ---- Read-only endpoints ------------------------------------------------------------------ */

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static enum MHD_Result list_scenarios(server *s, struct MHD_Connection *mc, brink_ctx *ctx) {
  brink_buf b;
  brink_buf_init(&b, ctx, 0);
  char *names[256];
  size_t n = 0;
  DIR *d = opendir(s->dir);
  struct dirent *e;
  char path[PATH_MAX + 300];
  while (d && n < 256 && (e = readdir(d)))
    if (scenario_path(s, e->d_name, path, sizeof path)) names[n++] = strdup(e->d_name);
  if (d) closedir(d);
  qsort(names, n, sizeof names[0], name_cmp);
  brink_buf_printf(&b, "{\"version\": \"%s\", ", BRINK_VERSION_STRING);
  /* The forecast control's bounds, or null when the server has no history (the page hides it). */
  if (s->n_history) {
    char first[11], last[11];
    iso_date(s->first_origin, first);
    iso_date(BRINK_SERVE_LAST_ORIGIN, last);
    brink_buf_printf(&b,
                     "\"forecast\": {\"first_origin\": \"%s\", \"last_origin\": \"%s\", "
                     "\"max_horizon\": %d, \"particles\": 2000, \"replicates\": 4, "
                     "\"max_particles\": %d, \"max_replicates\": %d, \"windows\": %zu, "
                     "\"posterior\": %s}, ",
                     first, last, BRINK_SERVE_MAX_HORIZON, BRINK_SERVE_MAX_PARTICLES,
                     BRINK_SERVE_MAX_REPLICATES, s->n_history, s->posterior ? "true" : "false");
  } else {
    brink_buf_puts(&b, "\"forecast\": null, ");
  }
  brink_buf_puts(&b, "\"scenarios\": [");
  for (size_t i = 0; i < n; i++) {
    if (names[i]) {
      if (i) brink_buf_puts(&b, ", ");
      brink_buf_json_string(&b, names[i]);
    }
    free(names[i]);
  }
  brink_buf_puts(&b, "]}\n");
  enum MHD_Result ret = send_bytes(mc, 200, "application/json", b.data, b.len, NULL);
  brink_buf_release(&b);
  return ret;
}

static void put_num(brink_buf *b, double v) {
  if (v == v && v < HUGE_VAL && v > -HUGE_VAL)
    brink_buf_json_number(b, v);
  else
    brink_buf_puts(b, "null");
}

static enum MHD_Result describe_scenario(server *s, struct MHD_Connection *mc, brink_ctx *ctx,
                                         const char *name) {
  brink_scenario *sc = NULL;
  brink_serve_request req = {0};
  req.scenario = (char *)(uintptr_t)(name ? name : "");
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  enum MHD_Result ret;
  brink_status st = load_request(s, ctx, &req, &diags, &sc);
  if (st) {
    char msg[600];
    char_copy(msg, sizeof msg, brink_ctx_errmsg(ctx));
    strip_dir(s, msg);
    ret = send_error(mc, st == BRINK_ENOTFOUND ? 404 : 400, ctx,
                     st == BRINK_ENOTFOUND ? "no such scenario in the served directory" : msg,
                     &diags);
    brink_diag_list_release(&diags);
    return ret;
  }
  brink_buf b;
  brink_buf_init(&b, ctx, 0);
  brink_buf_puts(&b, "{\"file\": ");
  brink_buf_json_string(&b, name);
  brink_buf_puts(&b, ", \"name\": ");
  brink_buf_json_string(&b, brink_scenario_name(sc));
  brink_buf_printf(&b, ", \"version\": \"%s\", \"max_runs\": %llu, \"params\": [",
                   BRINK_VERSION_STRING, (unsigned long long)s->max_runs);
  for (size_t i = 0; i < brink_scenario_param_count(sc); i++) {
    const brink_param *p = brink_scenario_param(sc, i);
    brink_buf_puts(&b, i ? ", {\"name\": " : "{\"name\": ");
    brink_buf_json_string(&b, p->name);
    brink_buf_printf(&b, ", \"dist\": \"%s\", \"a\": ", brink_dist_name(p->dist));
    put_num(&b, p->dist == BRINK_DIST_CONSTANT ? p->value : p->a);
    brink_buf_puts(&b, ", \"b\": ");
    put_num(&b, p->b);
    brink_buf_puts(&b, ", \"lo\": ");
    put_num(&b, p->lo);
    brink_buf_puts(&b, ", \"hi\": ");
    put_num(&b, p->hi);
    brink_buf_puts(&b, ", \"mean\": ");
    put_num(&b, brink_param_prior_mean(p));
    brink_buf_puts(&b, ", \"unit\": ");
    brink_buf_json_string(&b, p->unit ? p->unit : "");
    brink_buf_puts(&b, ", \"doc\": ");
    brink_buf_json_string(&b, p->doc ? p->doc : "");
    brink_buf_puts(&b, "}");
  }
  brink_buf_puts(&b, "], \"policies\": [");
  for (size_t i = 0; i < brink_scenario_policy_count(sc); i++) {
    brink_buf_puts(&b, i ? ", {\"name\": " : "{\"name\": ");
    brink_buf_json_string(&b, brink_scenario_policy(sc, i)->name);
    brink_buf_puts(&b, ", \"description\": ");
    brink_buf_json_string(&b, brink_scenario_policy(sc, i)->description
                                  ? brink_scenario_policy(sc, i)->description
                                  : "");
    brink_buf_puts(&b, "}");
  }
  brink_buf_puts(&b, "]}\n");
  ret = b.data ? send_bytes(mc, 200, "application/json", b.data, b.len, NULL)
               : send_error(mc, 500, ctx, "out of memory", NULL);
  brink_buf_release(&b);
  brink_scenario_free(sc);
  brink_diag_list_release(&diags);
  return ret;
}

/* POST /api/check: loads the request's scenario and overrides; 200 or 400 with every
 * diagnostic at its line and column. */
static enum MHD_Result check_request(server *s, struct MHD_Connection *mc, conn *c) {
  brink_ctx *ctx = c->ctx;
  brink_serve_request *req = NULL;
  brink_scenario *sc = NULL;
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  enum MHD_Result ret;
  brink_status st =
      brink_serve_request_parse(ctx, c->body.data ? c->body.data : "", c->body.len, &req);
  if (!st) st = load_request(s, ctx, req, &diags, &sc);
  if (st) {
    char msg[600];
    char_copy(msg, sizeof msg, brink_ctx_errmsg(ctx));
    strip_dir(s, msg);
    ret = send_error(mc,
                     st == BRINK_ELIMIT      ? 413
                     : st == BRINK_ENOTFOUND ? 404
                                             : 400,
                     ctx, st == BRINK_ENOTFOUND ? "no such scenario" : msg, &diags);
  } else {
    char text[300];
    snprintf(text, sizeof text, "{\"ok\": true, \"policies\": %zu, \"params\": %zu}\n",
             brink_scenario_policy_count(sc), brink_scenario_param_count(sc));
    ret = send_bytes(mc, 200, "application/json", text, strlen(text), NULL);
  }
  brink_scenario_free(sc);
  brink_serve_request_free(req);
  brink_diag_list_release(&diags);
  return ret;
}

static int is_key(const char *p, size_t n) {
  if (n != 16) return 0;
  for (size_t i = 0; i < 16; i++)
    if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f'))) return 0;
  return 1;
}

/* GET /api/results/KEY.{json,csv,html} and /api/results/KEY/{conflict,tension,provocations}.svg;
 * for a sweep /api/results/KEY/sweep.svg instead of the three charts; for a forecast from the
 * record only KEY.json and KEY.txt (the table of `brink forecast`). */
static enum MHD_Result get_result(server *s, struct MHD_Connection *mc, brink_ctx *ctx,
                                  const char *rest) {
  if (strlen(rest) < 17 || !is_key(rest, 16))
    return send_error(mc, 404, ctx, "no such result", NULL);
  char key[17];
  memcpy(key, rest, 16);
  key[16] = '\0';
  const char *what = rest + 16;
  int want_json = !strcmp(what, ".json"), want_csv = !strcmp(what, ".csv");
  int want_html = !strcmp(what, ".html"), want_sweep_svg = !strcmp(what, "/sweep.svg");
  int want_text = !strcmp(what, ".txt");
  /* A copy of the bytes asked for (of the JSON for a chart or report drawn now), taken under
   * the lock: the cache may evict the result as soon as it is released. */
  pthread_mutex_lock(&s->lock);
  result *r = cache_find(s, key);
  int found = r != NULL, sweep = r && r->svg, forecast = r && r->text;
  const char *src = NULL;
  size_t len = 0;
  if (r && forecast) {
    src = want_text ? r->text : want_json ? r->json : NULL;
    len = want_text ? r->text_len : want_json ? r->json_len : 0;
  } else if (r && !want_text) {
    src = want_csv ? r->csv : want_sweep_svg ? r->svg : want_html && sweep ? r->html : r->json;
    len = want_csv             ? r->csv_len
          : want_sweep_svg     ? r->svg_len
          : want_html && sweep ? r->html_len
                               : r->json_len;
  }
  char *copy = src ? malloc(len + 1) : NULL;
  if (copy) {
    memcpy(copy, src, len);
    copy[len] = '\0';
  }
  pthread_mutex_unlock(&s->lock);
  enum MHD_Result ret;
  char filename[64];
  if (!found) {
    ret = send_error(mc, 404, ctx, "no such result (not run yet, or evicted from the cache)", NULL);
  } else if (forecast && !want_json && !want_text) {
    ret =
        send_error(mc, 404, ctx, "a forecast from the record has KEY.json and KEY.txt only", NULL);
  } else if (want_text && !forecast) {
    ret = send_error(mc, 404, ctx, "no text table: only a forecast from the record has one", NULL);
  } else if (want_sweep_svg && !sweep) {
    ret = send_error(mc, 404, ctx, "no sweep chart: this result is a comparison", NULL);
  } else if (!copy) {
    ret = send_error(mc, 500, ctx, "out of memory", NULL);
  } else if (want_json) {
    snprintf(filename, sizeof filename, "brink-%s.json", key);
    ret = send_bytes(mc, 200, "application/json", copy, len, filename);
  } else if (want_text) {
    snprintf(filename, sizeof filename, "brink-%s.txt", key);
    ret = send_bytes(mc, 200, "text/plain; charset=utf-8", copy, len, filename);
  } else if (want_csv) {
    snprintf(filename, sizeof filename, "brink-%s.csv", key);
    ret = send_bytes(mc, 200, "text/csv; charset=utf-8", copy, len, filename);
  } else if (want_sweep_svg) {
    ret = send_bytes(mc, 200, "image/svg+xml", copy, len, NULL);
  } else if (want_html && sweep) {
    snprintf(filename, sizeof filename, "brink-%s.html", key);
    ret = send_bytes(mc, 200, "text/html; charset=utf-8", copy, len, filename);
  } else if (sweep) {
    ret = send_error(mc, 404, ctx, "no such chart: this result is a sweep (sweep.svg)", NULL);
  } else {
    brink_buf out;
    brink_buf_init(&out, ctx, 0);
    brink_status st;
    const char *type = "image/svg+xml";
    if (want_html) {
      type = "text/html; charset=utf-8";
      snprintf(filename, sizeof filename, "brink-%s.html", key);
      st = brink_report_write_html(ctx, copy, len, NULL, &out);
    } else {
      filename[0] = '\0';
      brink_chart_kind kind;
      char kind_name[32] = "";
      size_t wl = strlen(what);
      if (wl > 5 && wl < 36 && what[0] == '/' && !strcmp(what + wl - 4, ".svg")) {
        memcpy(kind_name, what + 1, wl - 5);
        kind_name[wl - 5] = '\0';
      }
      st = brink_chart_kind_parse(ctx, kind_name, &kind);
      brink_result *res = NULL;
      if (!st) st = brink_result_parse(ctx, copy, len, "result", &res);
      if (!st) {
        brink_chart_options co = {kind, BRINK_CHART_SVG, 0, 0, NULL, NULL, NULL};
        st = brink_chart_render(ctx, res, &co, &out);
      }
      brink_result_free(res);
    }
    ret = st ? send_error(mc, st == BRINK_EINVAL ? 404 : 500, ctx, brink_ctx_errmsg(ctx), NULL)
             : send_bytes(mc, 200, type, out.data, out.len, filename[0] ? filename : NULL);
    brink_buf_release(&out);
  }
  free(copy);
  return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *mc, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls) {
  server *s = cls;
  (void)version;
  conn *c = *con_cls;
  if (!c) {
    c = calloc(1, sizeof *c);
    if (!c || brink_ctx_new(&c->ctx)) {
      free(c);
      return MHD_NO;
    }
    c->s = s;
    brink_buf_init(&c->body, c->ctx, BRINK_SERVE_MAX_BODY);
    *con_cls = c;
    return MHD_YES;
  }
  int post = !strcmp(method, "POST");
  if (*upload_size) {
    if (!post || brink_buf_append(&c->body, upload, *upload_size)) c->too_big = 1;
    *upload_size = 0;
    return MHD_YES;
  }
  if (c->too_big)
    return send_error(mc, post ? 413 : 400, c->ctx,
                      post ? "request body over the limit of 1 MiB" : "unexpected body", NULL);
  if (!post && strcmp(method, "GET") && strcmp(method, "HEAD"))
    return send_error(mc, 405, c->ctx, "method not allowed", NULL);
  for (size_t i = 0; i < sizeof web_assets / sizeof web_assets[0]; i++)
    if (!post && !strcmp(url, web_assets[i].url))
      return send_bytes(mc, 200, web_assets[i].type, web_assets[i].data, web_assets[i].len, NULL);
  if (!post && !strcmp(url, "/api/scenarios")) return list_scenarios(s, mc, c->ctx);
  if (!post && !strcmp(url, "/api/scenario"))
    return describe_scenario(s, mc, c->ctx,
                             MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "name"));
  if (post && !strcmp(url, "/api/check")) return check_request(s, mc, c);
  if (post && (!strcmp(url, "/api/jobs") || !strcmp(url, "/api/run"))) {
    int cached = 0;
    enum MHD_Result ret = MHD_NO;
    unsigned code = submit(s, mc, c, &cached, &ret);
    if (code != 200) return ret;
    if (!strcmp(url, "/api/run")) return send_stream(mc, (conn **)con_cls, 0);
    char text[128];
    snprintf(text, sizeof text, "{\"key\": \"%s\", \"cached\": %s}\n", c->key,
             cached ? "true" : "false");
    return send_bytes(mc, 200, "application/json", text, strlen(text), NULL);
  }
  if (!post && !strncmp(url, "/api/jobs/", 10) && strlen(url) == 10 + 16 + 7 &&
      is_key(url + 10, 16) && !strcmp(url + 26, "/events")) {
    memcpy(c->key, url + 10, 16);
    c->key[16] = '\0';
    return send_stream(mc, (conn **)con_cls, 1);
  }
  if (!post && !strncmp(url, "/api/results/", 13)) return get_result(s, mc, c->ctx, url + 13);
  return send_error(mc, 404, c->ctx, "not found", NULL);
}

static void completed(void *cls, struct MHD_Connection *mc, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)mc;
  (void)toe;
  conn_free(*con_cls);
  *con_cls = NULL;
}

/* ---- The command ------------------------------------------------------------------------ */

static int parse_listen(const char *text, struct sockaddr_storage *addr, socklen_t *len,
                        int *loopback) {
  char host[256];
  const char *colon = strrchr(text, ':');
  if (!colon || (size_t)(colon - text) >= sizeof host) return 0;
  size_t hl = (size_t)(colon - text);
  memcpy(host, text, hl);
  host[hl] = '\0';
  if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
    memmove(host, host + 1, hl - 2);
    host[hl - 2] = '\0';
  }
  int64_t port;
  if (brink_parse_i64(colon + 1, strlen(colon + 1), &port) || port < 0 || port > 65535) return 0;
  memset(addr, 0, sizeof *addr);
  struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    *len = sizeof *v4;
    *loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    return 1;
  }
  if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    *len = sizeof *v6;
    *loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
    return 1;
  }
  return 0;
}

/* The history windows of --history, read once to order them and to know the first origin;
 * the other files are read by each forecast (a mistake in them fails that job, with the reason
 * in the server's log). -1, or an exit code after printing why. */
static int forecast_config(cli_spec *spec, server *s) {
  cli_opt *hist = cli_opt_get(spec, "history");
  s->posterior = cli_value(spec, "posterior", NULL);
  s->observation = cli_value(spec, "observation", NULL);
  s->series = cli_value(spec, "series", "data/korea_series.tsv");
  s->records = cli_opt_get(spec, "record")->values;
  s->n_records = cli_opt_get(spec, "record")->n_values;
  if (hist->n_values > HISTORY_MAX_WINDOWS)
    return cli_usage_error(spec, "at most %d --history windows", HISTORY_MAX_WINDOWS);
  brink_ctx *ctx = NULL;
  if (brink_ctx_new(&ctx)) return cli_fail(spec, NULL, BRINK_ENOMEM);
  int rc = -1;
  for (size_t k = 0; k < hist->n_values && rc < 0; k++) {
    brink_scenario *sc = NULL;
    int32_t start = 0;
    if ((rc = cli_load_scenario(spec, ctx, hist->values[k], &sc)) >= 0) break;
    if (!brink_scenario_start(sc) ||
        brink_event_date_parse(brink_scenario_start(sc), strlen(brink_scenario_start(sc)),
                               &start)) {
      rc = cli_usage_error(spec, "--history %s: a window needs time.start (YYYY-MM-DD)",
                           hist->values[k]);
    } else { /* in the order of time.start, as history_load orders them */
      size_t at = s->n_history;
      while (at > 0 && s->history_start[at - 1] > start) at--;
      memmove(&s->history[at + 1], &s->history[at], (s->n_history - at) * sizeof s->history[0]);
      memmove(&s->history_start[at + 1], &s->history_start[at],
              (s->n_history - at) * sizeof s->history_start[0]);
      s->history[at] = hist->values[k];
      s->history_start[at] = start;
      s->n_history++;
    }
    brink_scenario_free(sc);
  }
  brink_ctx_free(ctx);
  if (rc >= 0 || !s->n_history) return rc;
  int64_t first = brink_event_date_days(s->history_start[0]) + 364;
  while (first % 7 != 4) first++; /* a Monday (1970-01-01 was a Thursday) */
  s->first_origin = brink_event_date_from_days(first);
  if (s->first_origin > BRINK_SERVE_LAST_ORIGIN)
    return cli_usage_error(spec, "--history %s starts less than 52 weeks before 2022-11-07",
                           s->history[0]);
  const char *files[] = {s->posterior, s->series, s->observation};
  for (size_t i = 0; i < 3; i++)
    if (files[i] && access(files[i], R_OK) != 0)
      return cli_usage_error(spec, "cannot read '%s': %s", files[i], strerror(errno));
  for (size_t i = 0; i < s->n_records; i++)
    if (access(s->records[i], R_OK) != 0)
      return cli_usage_error(spec, "cannot read --record '%s': %s", s->records[i], strerror(errno));
  return -1;
}

int cmd_serve(brink_ctx *ctx, int argc, char **argv) {
  (void)ctx;
  cli_opt opts[] = {
      {"listen", "ADDR:PORT",
       "address and port (default 127.0.0.1:8080; port 0 picks a free one; a non-loopback "
       "address is served with a warning)",
       0, NULL, NULL, 0},
      {"scenarios", "DIR", "directory of scenario files served (default scenarios/korea)", 0, NULL,
       NULL, 0},
      {"max-runs", "N", "most runs per policy a request may ask for (default 100000)", 0, NULL,
       NULL, 0},
      {"jobs", "K", "jobs run at once (default 1); 2*K more may wait, then 429", 0, NULL, NULL, 0},
      {"threads", "T", "worker threads per job (default: the number of cores)", 0, NULL, NULL, 0},
      {"port-file", "FILE", "write the port listened on to FILE once ready (for scripts)", 0, NULL,
       NULL, 0},
      {"history", "FILE",
       "a window of the record's history for forecasts from the record (repeatable; as brink "
       "forecast --history; none: no forecast)",
       1, NULL, NULL, 0},
      {"posterior", "FILE", "the parameter sample of those forecasts (as brink forecast)", 0, NULL,
       NULL, 0},
      HISTORY_RECORD_OPT,
      HISTORY_OBSERVATION_OPT,
      {"series", "FILE", "series of the forecast (default data/korea_series.tsv)", 0, NULL, NULL,
       0},
  };
  cli_spec spec = {"serve",
                   "[options]",
                   "Serves an interactive dashboard: pick a scenario, change an assumption, run,\n"
                   "compare with the previous result on the same seed, share a link that\n"
                   "reproduces it. A JSON API and one self-contained page (docs/serve.md).\n"
                   "Stops on SIGINT or SIGTERM.",
                   opts,
                   sizeof opts / sizeof opts[0],
                   0,
                   0,
                   "example:\n  brink serve --scenarios scenarios/korea --listen 127.0.0.1:8080",
                   NULL,
                   0};
  server *s = NULL;
  struct MHD_Daemon *d = NULL;
  int workers_started = 0;
  uint64_t max_runs, jobs, threads;
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  int procs = omp_get_num_procs();
  if ((rc = cli_u64(&spec, "max-runs", 1, 10000000, 100000, &max_runs)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "jobs", 1, 64, 1, &jobs)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "threads", 1, 1024, (uint64_t)(procs > 0 ? procs : 1), &threads)) >= 0)
    goto done;
  const char *listen = cli_value(&spec, "listen", "127.0.0.1:8080");
  struct sockaddr_storage addr;
  socklen_t addr_len = 0;
  int loopback = 0;
  if (!parse_listen(listen, &addr, &addr_len, &loopback)) {
    rc = cli_usage_error(&spec,
                         "--listen expects ADDRESS:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), "
                         "got '%s'",
                         listen);
    goto done;
  }
  s = calloc(1, sizeof *s);
  if (!s) {
    fprintf(stderr, "brink serve: out of memory\n");
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->changed, NULL);
  const char *dir = cli_value(&spec, "scenarios", "scenarios/korea");
  if (!realpath(dir, s->dir)) {
    rc = cli_usage_error(&spec, "--scenarios directory '%s': %s", dir, strerror(errno));
    goto done;
  }
  if ((rc = forecast_config(&spec, s)) >= 0) goto done;
  s->max_runs = max_runs;
  s->jobs = (int)jobs;
  s->threads = (int)threads;
  s->workers = calloc(jobs, sizeof *s->workers);
  for (uint64_t i = 0; s->workers && i < jobs; i++)
    if (pthread_create(&s->workers[i], NULL, worker, s) == 0) workers_started++;
  if (workers_started != (int)jobs) {
    fprintf(stderr, "brink serve: cannot start worker threads\n");
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                   MHD_USE_ERROR_LOG | (addr.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
  d = MHD_start_daemon(flags, 0, NULL, NULL, handler, s, MHD_OPTION_SOCK_ADDR,
                       (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_TIMEOUT, 10U,
                       MHD_OPTION_CONNECTION_LIMIT, 200U, MHD_OPTION_PER_IP_CONNECTION_LIMIT, 100U,
                       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
                       MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "brink serve: cannot listen on %s: %s\n", listen, strerror(errno));
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  unsigned port = info ? info->port : 0;
  if (!loopback)
    fprintf(stderr,
            "brink serve: WARNING: listening on %s, not on loopback: anyone who can reach "
            "this address can run simulations on this machine\n",
            listen);
  fprintf(stderr,
          "brink serve: %s on port %u, scenarios from %s, at most %llu runs per policy, "
          "%llu job(s) at once\n",
          listen, port, s->dir, (unsigned long long)max_runs, (unsigned long long)jobs);
  if (s->n_history)
    fprintf(stderr,
            "brink serve: forecasts from the record over %zu history window(s) from %s, origins "
            "%04d-%02d-%02d to 2022-11-07, posterior %s\n",
            s->n_history, s->history[0], s->first_origin / 10000, s->first_origin / 100 % 100,
            s->first_origin % 100, s->posterior ? s->posterior : "none (the priors)");
  else
    fprintf(stderr, "brink serve: no --history: no forecast from the record\n");
  const char *port_file = cli_value(&spec, "port-file", NULL);
  if (port_file) {
    char text[32];
    snprintf(text, sizeof text, "%u\n", port);
    if ((rc = cli_write_file(&spec, ctx, port_file, text, strlen(text))) >= 0) goto done;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  while (!stop_signal) {
    struct timespec t = {0, 100000000L};
    nanosleep(&t, NULL);
  }
  fprintf(stderr, "brink serve: stopping\n");
  rc = CLI_EXIT_OK;
done:
  if (s) {
    pthread_mutex_lock(&s->lock);
    s->stopping = 1;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
  }
  if (d) MHD_stop_daemon(d);
  if (s) {
    for (int i = 0; i < workers_started; i++) pthread_join(s->workers[i], NULL);
    for (int i = 0; i < MAX_JOBS; i++) job_clear(&s->table[i]);
    for (int i = 0; i < CACHE_SIZE; i++) result_release(&s->cache[i]);
    free(s->workers);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->changed);
    free(s);
  }
  cli_spec_release(&spec);
  return rc;
}
