/* SPDX-License-Identifier: MIT */
/* Sweeps: parsing of PATH=LO:HI[:N], the grid / Latin hypercube / Sobol designs, one design
 * point against the analytic hazard answer 1 - exp(-h T), thread-count invariance, a point
 * from scenario text with progress and cancellation, and the Sobol indices of a parameter the model
 * never reads (exactly zero). */
#include "brink/sensitivity.h"
#include "brink/sweep.h"
#include "harness.h"
#include "scenario_internal.h"

#define HAZARD "tests/data/sweep/hazard.yaml"

static void test_axis_parse(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_sweep_axis a;
  CHECK_INT(brink_sweep_axis_parse(ctx, "dprk_greed=0.1:0.9:7", 5, &a), BRINK_OK);
  CHECK_STR(a.path, "params.dprk_greed");
  CHECK(a.lo == 0.1 && a.hi == 0.9);
  CHECK_INT(a.levels, 7);
  brink_sweep_axis_release(ctx, &a);
  CHECK_INT(brink_sweep_axis_parse(ctx, "actors.DPRK.rationality=-1:3", 5, &a), BRINK_OK);
  CHECK_STR(a.path, "actors.DPRK.rationality");
  CHECK(a.lo == -1 && a.hi == 3);
  CHECK_INT(a.levels, 5);
  brink_sweep_axis_release(ctx, &a);
  const char *bad[] = {"x=1", "x=2:1", "x=a:1", "=0:1", "x=0:1:0", "x=0:1:2.5", "noequals"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    CHECK_INT(brink_sweep_axis_parse(ctx, bad[i], 5, &a), BRINK_EINVAL);
    CHECK_CONTAINS(brink_ctx_errmsg(ctx), bad[i]);
  }
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static void test_designs(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  char pa[] = "params.a", pb[] = "params.b";
  brink_sweep_axis axes[2] = {{pa, 0, 1, 3}, {pb, 10, 20, 2}};
  double *v = NULL;
  size_t n = 0;
  CHECK_INT(brink_sweep_design_values(ctx, BRINK_DESIGN_GRID, axes, 2, 0, 1, &v, &n), BRINK_OK);
  CHECK_INT(n, 6);
  const double grid[6][2] = {{0, 10}, {0, 20}, {0.5, 10}, {0.5, 20}, {1, 10}, {1, 20}};
  for (size_t j = 0; v && j < 6; j++) CHECK(v[2 * j] == grid[j][0] && v[2 * j + 1] == grid[j][1]);
  brink_free(ctx, v);
  brink_sweep_axis greed = {pa, 0.1, 0.9, 5};
  CHECK_INT(brink_sweep_design_values(ctx, BRINK_DESIGN_GRID, &greed, 1, 0, 1, &v, &n), BRINK_OK);
  if (v) CHECK(v[1] == 0.3 && v[3] == 0.7 && v[4] == 0.9);
  brink_free(ctx, v);
  /* Latin hypercube: each of the n strata of each axis holds exactly one point. */
  CHECK_INT(brink_sweep_design_values(ctx, BRINK_DESIGN_LHS, axes, 2, 50, 9, &v, &n), BRINK_OK);
  CHECK_INT(n, 50);
  for (size_t k = 0; v && k < 2; k++) {
    int seen[50] = {0};
    for (size_t j = 0; j < 50; j++) {
      double u = (v[2 * j + k] - axes[k].lo) / (axes[k].hi - axes[k].lo);
      int s = (int)(u * 50);
      CHECK(s >= 0 && s < 50);
      if (s >= 0 && s < 50) seen[s]++;
    }
    for (int s = 0; s < 50; s++) CHECK_INT(seen[s], 1);
  }
  brink_free(ctx, v);
  /* Sobol: GSL's sequence starts at (0.5, 0.5), then (0.75, 0.25). */
  CHECK_INT(brink_sweep_design_values(ctx, BRINK_DESIGN_SOBOL, axes, 2, 4, 1, &v, &n), BRINK_OK);
  if (v) {
    CHECK(v[0] == 0.5 && v[1] == 15);
    CHECK(v[2] == 0.75 && v[3] == 12.5);
  }
  brink_free(ctx, v);
  CHECK_INT(brink_sweep_design_values(ctx, BRINK_DESIGN_LHS, axes, 2, 0, 1, &v, &n), BRINK_ELIMIT);
  brink_sweep_design d;
  CHECK_INT(brink_sweep_design_parse(ctx, "lhs", &d), BRINK_OK);
  CHECK_INT(d, BRINK_DESIGN_LHS);
  CHECK_INT(brink_sweep_design_parse(ctx, "random", &d), BRINK_EINVAL);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static const char *const hazard_paths[] = {"params.h", "params.ghost"};
static const char *const hazard_policies[] = {"wait", "also_wait"};

static brink_point_options hazard_options(uint64_t runs, int threads) {
  brink_point_options o = {HAZARD, NULL, 0, hazard_paths, 2,    hazard_policies,
                           2,      runs, 5, threads,      0.95, 0,
                           NULL,   NULL, 0, NULL,         NULL, NULL};
  return o;
}

static double at(const double *out, size_t series, brink_sweep_metric m, int field) {
  return out[(series * BRINK_METRIC_COUNT + m) * BRINK_POINT_FIELDS + (size_t)field];
}

static void test_point_hazard(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  CHECK_INT(brink_point_series(2), 3);
  CHECK_INT(brink_point_width(2), 3 * BRINK_METRIC_COUNT * BRINK_POINT_FIELDS);
  double out1[64], out2[64];
  brink_point_options o = hazard_options(4000, 1);
  double values[2] = {0.03, 0.25};
  CHECK_INT(brink_point_run(ctx, &o, values, NULL, out1), BRINK_OK);
  double truth = 1 - exp(-0.03 * 20), se = sqrt(truth * (1 - truth) / 4000);
  CHECK_NEAR(at(out1, 0, BRINK_METRIC_P_ARMED_CONFLICT, BRINK_POINT_MEAN), truth, 4 * se);
  CHECK(at(out1, 0, BRINK_METRIC_P_ARMED_CONFLICT, BRINK_POINT_LO) < truth + se);
  CHECK_NEAR(at(out1, 0, BRINK_METRIC_P_ARMED_CONFLICT, BRINK_POINT_VAR), se * se, se * se * 0.1);
  /* Two identical policies on common random numbers: a difference of exactly zero. */
  CHECK(at(out1, 2, BRINK_METRIC_P_ARMED_CONFLICT, BRINK_POINT_MEAN) == 0.0);
  CHECK(isnan(at(out1, 2, BRINK_METRIC_P_CLASH, BRINK_POINT_MEAN)));
  /* Same seed, other thread count: the same numbers. */
  o.threads = 2;
  CHECK_INT(brink_point_run(ctx, &o, values, NULL, out2), BRINK_OK);
  CHECK(memcmp(out1, out2, brink_point_width(2) * sizeof(double)) == 0);
  /* The loader checks the point's values. */
  double bad[2] = {2.0, 0.5};
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  CHECK_INT(brink_point_run(ctx, &o, bad, &diags, out2), BRINK_EPARSE);
  CHECK(diags.n >= 1);
  if (diags.n) CHECK_CONTAINS(diags.items[0].message, "incident_base");
  brink_diag_list_release(&diags);
  const char *const nope[] = {"wait", "nope"};
  o.policies = nope;
  CHECK_INT(brink_point_run(ctx, &o, values, NULL, out2), BRINK_ENOTFOUND);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "'nope'");
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

typedef struct point_watch {
  uint64_t calls, last_done, total;
  volatile int cancel;
  int cancel_at_call; /* 0: never */
} point_watch;

static void point_progress(void *userdata, uint64_t done, uint64_t total) {
  point_watch *w = userdata;
  w->calls++;
  w->last_done = done;
  w->total = total;
  if (w->cancel_at_call && w->calls == (uint64_t)w->cancel_at_call) w->cancel = 1;
}

/* The scenario as text in memory (as `brink serve` gives the editor's) gives the file's
 * numbers; the engine's progress reaches the caller; a cancel flag stops the point. */
static void test_point_text_progress_cancel(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  FILE *f = fopen(HAZARD, "rb");
  char text[8192];
  size_t len = f ? fread(text, 1, sizeof text, f) : 0;
  if (f) fclose(f);
  CHECK(len > 100 && len < sizeof text);
  double values[2] = {0.03, 0.25}, from_file[64], from_text[64];
  brink_point_options o = hazard_options(2000, 1);
  CHECK_INT(brink_point_run(ctx, &o, values, NULL, from_file), BRINK_OK);
  point_watch w = {0, 0, 0, 0, 0};
  o.scenario_file = NULL;
  o.scenario_text = text;
  o.scenario_len = len;
  o.progress = point_progress;
  o.userdata = &w;
  o.cancel = &w.cancel;
  CHECK_INT(brink_point_run(ctx, &o, values, NULL, from_text), BRINK_OK);
  CHECK(memcmp(from_file, from_text, brink_point_width(2) * sizeof(double)) == 0);
  CHECK(w.calls >= 1);
  CHECK_INT(w.last_done, 2000);
  CHECK_INT(w.total, 2000);
  /* Cancelled after the first batch: BRINK_ECANCELED, nothing leaked. */
  point_watch c = {0, 0, 0, 0, 1};
  o.userdata = &c;
  o.cancel = &c.cancel;
  CHECK_INT(brink_point_run(ctx, &o, values, NULL, from_text), BRINK_ECANCELED);
  CHECK_INT(c.calls, 1);
  CHECK(c.last_done < 2000);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

typedef struct hazard_fn {
  brink_ctx *ctx;
  const brink_scenario *sc;
  int failed;
} hazard_fn;

/* P(armed conflict) of policy "wait" with h and ghost drawn from their priors at u. */
static double hazard_eval(void *ud, const double *u, size_t dim) {
  hazard_fn *f = ud;
  double values[2], out[64];
  for (size_t k = 0; k < dim; k++) values[k] = brink_param_quantile(&f->sc->params[k], u[k]);
  brink_point_options o = hazard_options(300, 1);
  if (brink_point_run(f->ctx, &o, values, NULL, out)) f->failed = 1;
  return at(out, 0, BRINK_METRIC_P_ARMED_CONFLICT, BRINK_POINT_MEAN);
}

static void test_unread_parameter(void) {
  brink_ctx *ctx = NULL;
  brink_scenario *sc = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  CHECK_INT(brink_scenario_load(ctx, HAZARD, NULL, 0, NULL, &sc), BRINK_OK);
  if (!sc) {
    brink_ctx_free(ctx);
    return;
  }
  CHECK_INT(sc->n_params, 2);
  CHECK_STR(sc->params[1].name, "ghost");
  hazard_fn f = {ctx, sc, 0};
  brink_sobol_options so = {200, 1, 0.95, -1};
  brink_sobol_indices *x = NULL;
  CHECK_INT(brink_sobol_analyze(ctx, 2, 64, 1, hazard_eval, &f, &so, &x), BRINK_OK);
  CHECK_INT(f.failed, 0);
  if (x) {
    /* ghost changes nothing and every point runs the same streams: exactly zero. */
    CHECK(x->first[1].mean == 0.0 && x->first[1].lo == 0.0 && x->first[1].hi == 0.0);
    CHECK(x->total[1].mean == 0.0 && x->total[1].hi == 0.0);
    /* h is everything (the function is smooth in h, the noise small). */
    CHECK_NEAR(x->total[0].mean, 1.0, 0.15);
    CHECK_NEAR(x->first[0].mean, 1.0, 0.2);
    CHECK(x->total[0].lo <= 1.0 && x->total[0].hi >= 0.9);
  }
  brink_sobol_indices_free(x);
  brink_scenario_free(sc);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* Outputs from fixed numbers: the exact CSV text, JSON that names every value, the table. */
static void test_outputs(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  char pa[] = "params.h";
  brink_sweep_axis axis = {pa, 0, 1, 2};
  const char *const policies[] = {"p", "q"};
  const double values[2] = {0, 1};
  double stats[2 * 3 * BRINK_METRIC_COUNT * BRINK_POINT_FIELDS];
  const size_t width = brink_point_width(2);
  for (size_t j = 0; j < 2; j++)
    for (size_t s = 0; s < 3; s++)
      for (size_t m = 0; m < BRINK_METRIC_COUNT; m++) {
        double *f = &stats[j * width + (s * BRINK_METRIC_COUNT + m) * BRINK_POINT_FIELDS];
        double mean = (double)(j * 100 + s * 10 + m) / 1000;
        f[BRINK_POINT_MEAN] = s == 2 && m == BRINK_METRIC_P_CLASH ? (double)NAN : mean;
        f[BRINK_POINT_LO] = mean - 0.0005;
        f[BRINK_POINT_HI] = mean + 0.0005;
        f[BRINK_POINT_VAR] = 1e-6;
      }
  brink_sweep sw = {"toy",  "toy.yaml", NULL,     0,      BRINK_DESIGN_GRID,
                    &axis,  1,          policies, 2,      100,
                    7,      0.95,       20,       "week", 2,
                    values, stats,      NULL};
  brink_buf buf;
  brink_buf_init(&buf, ctx, 0);
  CHECK_INT(brink_sweep_csv(ctx, &sw, &buf), BRINK_OK);
  /* 2 points x (2 policies x 4 metrics + 1 pair x 3) + header */
  size_t lines = 0;
  for (size_t i = 0; i < buf.len; i++) lines += buf.data[i] == '\n';
  CHECK_INT(lines, 23);
  CHECK(strncmp(buf.data,
                "point,params.h,policy,metric,mean,lower,upper,runs,seed\n"
                "0,0,p,p_armed_conflict,0,-0.0005,0.0005,100,7\n"
                "0,0,p,p_clash,0.001,0.0005,0.0015,100,7\n",
                109) == 0);
  CHECK_CONTAINS(buf.data, "1,1,p - q,p_talks,0.123,0.1225,0.1235,100,7\n");
  CHECK(strstr(buf.data, "p - q,p_clash") == NULL);
  brink_buf_reset(&buf);
  CHECK_INT(brink_sweep_json(ctx, &sw, &buf), BRINK_OK);
  CHECK_CONTAINS(buf.data, "\"design\": \"grid\"");
  CHECK_CONTAINS(buf.data, "{\"path\": \"params.h\", \"lo\": 0, \"hi\": 1, \"levels\": 2}");
  CHECK_CONTAINS(buf.data, "\"p - q\": {\"p_armed_conflict\": {\"mean\": 0.12, \"lower\": 0.1195");
  brink_buf_reset(&buf);
  CHECK_INT(brink_sweep_table(ctx, &sw, &buf), BRINK_OK);
  CHECK_CONTAINS(buf.data, "2 points, 100 runs per policy and point, seed 7");
  CHECK_CONTAINS(buf.data, "10.0 [ 10.0,  10.1]");
  CHECK_CONTAINS(buf.data, "11.0 [ 10.9,  11.1]");
  /* A full buffer: BRINK_ELIMIT and the buffer as it was. */
  brink_buf small;
  brink_buf_init(&small, ctx, 64);
  CHECK_INT(brink_sweep_csv(ctx, &sw, &small), BRINK_ELIMIT);
  CHECK_INT(small.len, 0);
  brink_buf_release(&small);
  brink_buf_release(&buf);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* Every allocation of a design point can fail: a status, never a crash or a leak. */
static void test_point_alloc_failures(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_point_options o = hazard_options(20, 1);
  double values[2] = {0.03, 0.5}, out[64];
  int succeeded = 0;
  for (uint64_t n = 1; n < 5000 && !succeeded; n++) {
    brink_ctx_fail_after(ctx, n);
    brink_status st = brink_point_run(ctx, &o, values, NULL, out);
    brink_ctx_fail_after(ctx, 0);
    CHECK(st == BRINK_OK || st == BRINK_ENOMEM || st == BRINK_EPARSE || st == BRINK_EIO);
    succeeded = st == BRINK_OK;
    CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  }
  CHECK(succeeded);
  brink_ctx_free(ctx);
}

int main(void) {
  RUN(test_axis_parse);
  RUN(test_designs);
  RUN(test_point_hazard);
  RUN(test_point_text_progress_cancel);
  RUN(test_unread_parameter);
  RUN(test_outputs);
  RUN(test_point_alloc_failures);
  return harness_finish("sweep");
}
