/* SPDX-License-Identifier: MIT */
/* The score module: CRPS, log score and Brier against values computed by hand, the forecast
 * JSON reader and its errors, the persistence and climatology baselines on a hand-made record
 * (tests/data/record), reference forecasts, skill, origin leakage and allocation failures. */
#include <math.h>
#include <string.h>

#include "brink/record.h"
#include "brink/score.h"
#include "harness.h"

#define DIR "tests/data/record/"
#define TOL 1e-12

/* pmf = (0.25, 0.5, 0.25) on 0, 1, 2; F = 0.25, 0.75, 1, 1, ...
 *   y = 0: (0.25-1)^2 + (0.75-1)^2 + 0             = 0.5625 + 0.0625          = 0.625
 *   y = 1: (0.25-0)^2 + (0.75-1)^2 + 0             = 0.0625 + 0.0625          = 0.125
 *   y = 2: (0.25-0)^2 + (0.75-0)^2 + (1-1)^2       = 0.0625 + 0.5625          = 0.625
 *   y = 4: 0.0625 + 0.5625 + (1-0)^2 + (1-0)^2 + 0 = 2.625 (F = 1 at k = 2, 3; the step
 *          reaches 1 only at k = 4)
 * pmf = (1) (all mass on 0): y = 0 -> 0; y = 3 -> k = 0, 1, 2 each (1-0)^2 -> 3. */
static void test_crps_by_hand(void) {
  const double p[] = {0.25, 0.5, 0.25};
  CHECK_NEAR(brink_score_crps(p, 3, 0), 0.625, TOL);
  CHECK_NEAR(brink_score_crps(p, 3, 1), 0.125, TOL);
  CHECK_NEAR(brink_score_crps(p, 3, 2), 0.625, TOL);
  CHECK_NEAR(brink_score_crps(p, 3, 4), 2.625, TOL);
  const double one[] = {1.0};
  CHECK_NEAR(brink_score_crps(one, 1, 0), 0.0, TOL);
  CHECK_NEAR(brink_score_crps(one, 1, 3), 3.0, TOL);
  /* Trailing zero bins change nothing. */
  const double padded[] = {0.25, 0.5, 0.25, 0.0, 0.0, 0.0};
  CHECK_NEAR(brink_score_crps(padded, 6, 1), 0.125, TOL);
}

/* Log score: -log p(y), p floored at 1e-4. Brier: (P(count >= 1) - 1{y >= 1})^2 with
 * P(count >= 1) = 1 - p(0) = 0.75:  y = 0 -> 0.5625, y = 2 -> 0.0625. */
static void test_log_brier_by_hand(void) {
  const double p[] = {0.25, 0.5, 0.25};
  CHECK_NEAR(brink_score_log(p, 3, 1), log(2.0), TOL);
  CHECK_NEAR(brink_score_log(p, 3, 2), log(4.0), TOL);
  CHECK_NEAR(brink_score_log(p, 3, 3), -log(1e-4), TOL);
  const double q[] = {0.5, 0.0, 0.5};
  CHECK_NEAR(brink_score_log(q, 3, 1), -log(1e-4), TOL);
  CHECK_NEAR(brink_score_brier(p, 3, 0), 0.5625, TOL);
  CHECK_NEAR(brink_score_brier(p, 3, 2), 0.0625, TOL);
  CHECK_NEAR(brink_score_brier(q, 3, 0), 0.25, TOL);
}

static void test_forecast_parse(void) {
  brink_ctx *ctx = NULL;
  brink_ctx_new(&ctx);
  brink_prediction *fc = NULL;
  CHECK_INT(brink_prediction_load(ctx, DIR "forecast.json", &fc), BRINK_OK);
  if (fc) {
    CHECK_INT(fc->origin, 20080107);
    CHECK_INT(fc->runs, 4);
    CHECK_INT(fc->seed, 1);
    CHECK_INT(fc->n_windows, 2);
    const brink_prediction_cell *c = &fc->windows[0].series[BRINK_RECORD_SERIES_BM_LAUNCH_DAYS];
    CHECK_INT(c->present, 1);
    CHECK_INT(c->n_hist, 3);
    CHECK_INT(c->hist[1], 2);
    CHECK_NEAR(c->q95, 2.0, 0);
    CHECK_INT(fc->windows[0].series[BRINK_RECORD_SERIES_NUCLEAR_TESTS].present, 0);
    CHECK_INT(fc->windows[1].end, 20100103);
  }
  brink_prediction_free(fc);

  struct {
    const char *text, *msg;
  } bad[] = {
      {"[1]", "t.json:1:1: not JSON: expected a JSON object"},
      {"{\"x\": 1}", "t.json:1:1: top level: missing key 'forecast'"},
      {"{\"forecast\": {\"origin\": \"2008-01-07\", \"runs\": 4, \"seed\": 1, \"windows\": [\n"
       "{\"start\": \"2008-01-07\", \"end\": \"2009-01-04\", \"series\": {\n"
       "  \"bm_launch_days\": {\"hist\": [1, 2]}}}]}}",
       "t.json:3:30: bm_launch_days.hist: sums to 3 runs, expected runs = 4"},
      {"{\"forecast\": {\"origin\": \"2008-01-07\", \"runs\": 4, \"seed\": 1, \"windows\": [\n"
       "{\"start\": \"2008-01-08\", \"end\": \"2009-01-05\", \"series\": {}}]}}",
       "t.json:2:11: windows[0]: 20080108..20090105: expected the 52-week window "
       "20080107..20090104"},
      {"{\"forecast\": {\"origin\": \"2008-13-07\", \"runs\": 4, \"seed\": 1, \"windows\": []}}",
       "t.json:1:25: origin: expected a date YYYY-MM-DD, got a string '2008-13-07'"},
      {"{\"forecast\": {\"origin\": \"2008-01-07\", \"runs\": -4, \"seed\": 1, \"windows\": []}}",
       "t.json:1:47: runs: expected a whole number >= 0, got a number '-4'"},
      {"{\"forecast\": {\"origin\": \"2008-01-07\", \"runs\": 4, \"seed\": 1, \"windows\": [\n"
       "{\"start\": \"2008-01-07\", \"end\": \"2009-01-04\", \"series\": {\n"
       "  \"clash_days\": {\"hist\": [1, 2.5, 1]}}}]}}",
       "t.json:3:30: hist: expected a whole number of runs >= 0, got a number '2.5'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    fc = NULL;
    CHECK_INT(brink_prediction_parse(ctx, bad[i].text, strlen(bad[i].text), "t.json", &fc),
              BRINK_EPARSE);
    CHECK(fc == NULL);
    CHECK_CONTAINS(brink_ctx_errmsg(ctx), bad[i].msg);
  }
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static brink_record *load(brink_ctx *ctx, const char *a, const char *b) {
  brink_record *rec = NULL;
  brink_record_new(ctx, &rec);
  CHECK_INT(brink_record_load(rec, a), BRINK_OK);
  if (b) CHECK_INT(brink_record_load(rec, b), BRINK_OK);
  return rec;
}

/* Poisson(mean) CRPS at y by a different route: CRPS = E|X - y| - E|X - X'| / 2 (Gneiting and
 * Raftery 2007, eq. 21), sums cut at 80 terms. */
static double poisson_crps_alt(double mean, int y) {
  double p[80], term = exp(-mean);
  for (int k = 0; k < 80; k++) {
    p[k] = term;
    term *= mean / (k + 1);
  }
  double a = 0.0, b = 0.0;
  for (int i = 0; i < 80; i++) {
    a += p[i] * fabs((double)(i - y));
    for (int j = 0; j < 80; j++) b += p[i] * p[j] * fabs((double)(i - j));
  }
  return a - 0.5 * b;
}

/* csis_hand.tsv, origin 2008-01-07 (see tests/test_record.c for the windows):
 *   bm_launch_days: past windows [2007-01-08, 2008-01-07) = 2, [2006-01-09, 2007-01-08) = 1;
 *   the next one back would start 2005-01-10, before 2006-01-01, so the climatology holds two
 *   windows: pmf {1: 0.5, 2: 0.5}. Persistence: Poisson(2). Observed: window 0 = 2, window 1 = 0.
 *   Forecast window 0: hist (1, 2, 1) -> pmf (0.25, 0.5, 0.25), y = 2:
 *     CRPS 0.625, log -log 0.25, Brier (0.75 - 1)^2 = 0.0625.
 *   Climatology window 0, y = 2: F = 0, 0.5, 1: 0 + 0.25 + 0 = 0.25; log -log 0.5; Brier 0.
 *   Forecast window 1: hist (4) -> all on 0, y = 0: 0, 0, 0.
 *   Climatology window 1, y = 0: (0-1)^2 + (0.5-1)^2 = 1.25; log floor -log 1e-4; Brier 1.
 *   CRPS skill vs climatology: 1 - (0.625 + 0)/2 / ((0.25 + 1.25)/2) = 1 - 0.3125/0.75.
 *   clash_days window 0: past windows hold no clash: climatology all on 0, persistence
 *   Poisson(0) = all on 0; y = 1 (two entries on 2008-09-01): CRPS 1 for both; forecast
 *   (0.75, 0.25): (0.75-0)^2 = 0.5625. */
static void test_baselines_by_hand(void) {
  brink_ctx *ctx = NULL;
  brink_ctx_new(&ctx);
  brink_prediction *fc = NULL, *ref = NULL;
  brink_prediction_load(ctx, DIR "forecast.json", &fc);
  brink_prediction_load(ctx, DIR "reference.json", &ref);
  brink_record *rec = load(ctx, DIR "csis_hand.tsv", NULL);
  brink_score_table *t = NULL;
  brink_score_reference refs[] = {{"hawkes", ref}};
  CHECK_INT(brink_score_run(ctx, fc, rec, BRINK_RECORD_END, refs, 1, &t), BRINK_OK);
  if (!t) goto done;
  CHECK_INT(t->climatology_years, 2);
  CHECK_INT(t->climatology_from, 20060109);
  CHECK_INT(t->persistence_count[BRINK_RECORD_SERIES_BM_LAUNCH_DAYS], 2);
  CHECK_INT(t->n_models, 4);
  CHECK_STR(t->model_names[3], "hawkes");

  const brink_score_cell *c = brink_score_table_cell(t, 0, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS);
  CHECK_INT(c->scored, 1);
  CHECK_INT(c->observed, 2);
  CHECK_NEAR(c->score[0][BRINK_SCORE_CRPS], 0.625, TOL);
  CHECK_NEAR(c->score[0][BRINK_SCORE_LOG], log(4.0), TOL);
  CHECK_NEAR(c->score[0][BRINK_SCORE_BRIER], 0.0625, TOL);
  CHECK_NEAR(c->mean[0], 1.0, TOL);
  CHECK_NEAR(c->score[2][BRINK_SCORE_CRPS], 0.25, TOL);
  CHECK_NEAR(c->score[2][BRINK_SCORE_LOG], log(2.0), TOL);
  CHECK_NEAR(c->score[2][BRINK_SCORE_BRIER], 0.0, TOL);
  CHECK_NEAR(c->mean[2], 1.5, TOL);
  CHECK_NEAR(c->score[1][BRINK_SCORE_CRPS], poisson_crps_alt(2.0, 2), 1e-9);
  CHECK_NEAR(c->score[1][BRINK_SCORE_LOG], -log(2.0 * exp(-2.0)), 1e-9); /* p(2) = 2 e^-2 */
  CHECK_NEAR(c->score[1][BRINK_SCORE_BRIER], exp(-4.0), 1e-9);           /* (1 - e^-2 - 1)^2 */
  CHECK_NEAR(c->mean[1], 2.0, 1e-9);
  /* The reference puts all its runs on 2: a perfect forecast here. */
  CHECK_NEAR(c->score[3][BRINK_SCORE_CRPS], 0.0, TOL);
  CHECK_NEAR(c->score[3][BRINK_SCORE_LOG], 0.0, TOL);

  c = brink_score_table_cell(t, 1, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS);
  CHECK_INT(c->observed, 0);
  CHECK_NEAR(c->score[0][BRINK_SCORE_CRPS], 0.0, TOL);
  CHECK_NEAR(c->score[2][BRINK_SCORE_CRPS], 1.25, TOL);
  CHECK_NEAR(c->score[2][BRINK_SCORE_LOG], -log(1e-4), TOL);
  CHECK_NEAR(c->score[2][BRINK_SCORE_BRIER], 1.0, TOL);
  CHECK_NEAR(c->score[1][BRINK_SCORE_CRPS], poisson_crps_alt(2.0, 0), 1e-9);
  CHECK_NEAR(c->score[3][BRINK_SCORE_CRPS], 0.25, TOL); /* (0.5, 0.5), y = 0 */

  c = brink_score_table_cell(t, 0, BRINK_RECORD_SERIES_CLASH_DAYS);
  CHECK_INT(c->observed, 1);
  CHECK_NEAR(c->score[0][BRINK_SCORE_CRPS], 0.5625, TOL);
  CHECK_NEAR(c->score[1][BRINK_SCORE_CRPS], 1.0, TOL);
  CHECK_NEAR(c->score[2][BRINK_SCORE_CRPS], 1.0, TOL);
  CHECK_INT(c->has[3], 0); /* the reference has no clash_days */
  /* Series the forecast does not give are not scored. */
  CHECK_INT(brink_score_table_cell(t, 0, BRINK_RECORD_SERIES_NUCLEAR_TESTS)->scored, 0);
  CHECK_INT(brink_score_table_cell(t, 1, BRINK_RECORD_SERIES_CLASH_DAYS)->scored, 0);

  double a, b, skill;
  size_t n;
  brink_score_skill(t, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS, BRINK_SCORE_CRPS, 0, 2, &a, &b, &skill,
                    &n);
  CHECK_INT(n, 2);
  CHECK_NEAR(a, 0.3125, TOL);
  CHECK_NEAR(b, 0.75, TOL);
  CHECK_NEAR(skill, 1.0 - 0.3125 / 0.75, TOL);
  brink_score_skill(t, BRINK_RECORD_SERIES_CLASH_DAYS, BRINK_SCORE_CRPS, 0, 1, &a, &b, &skill, &n);
  CHECK_INT(n, 1);
  CHECK_NEAR(skill, 1.0 - 0.5625, TOL);

  /* A record that ends before window 1 does: window 1 is not scored, its skill averages one. */
  brink_score_table_free(t);
  t = NULL;
  CHECK_INT(brink_score_run(ctx, fc, rec, 20091231, refs, 1, &t), BRINK_OK);
  brink_score_skill(t, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS, BRINK_SCORE_CRPS, 0, 2, &a, &b, &skill,
                    &n);
  CHECK_INT(n, 1);
  CHECK_NEAR(skill, 1.0 - 0.625 / 0.25, TOL);
  /* A baseline scoring 0 (the reference, perfect in window 0) gives no skill. */
  brink_score_skill(t, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS, BRINK_SCORE_CRPS, 0, 3, &a, &b, &skill,
                    &n);
  CHECK_INT(n, 1);
  CHECK_NEAR(b, 0.0, TOL);
  CHECK(isnan(skill));

  /* A reference of another origin is refused. */
  ref->origin = 20080108;
  brink_score_table *t2 = NULL;
  CHECK_INT(brink_score_run(ctx, fc, rec, BRINK_RECORD_END, refs, 1, &t2), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "reference 'hawkes': origin 20080108");
  CHECK(t2 == NULL);
done:
  brink_score_table_free(t);
  brink_record_free(rec);
  brink_prediction_free(fc);
  brink_prediction_free(ref);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* An origin before 2007-01-01 has no complete 52-week window since 2006-01-01: no climatology. */
static void test_no_climatology(void) {
  brink_ctx *ctx = NULL;
  brink_ctx_new(&ctx);
  const char *text = "{\"forecast\": {\"origin\": \"2006-06-05\", \"runs\": 1, \"seed\": 1, "
                     "\"windows\": [{\"start\": \"2006-06-05\", \"end\": \"2007-06-03\", "
                     "\"series\": {\"bm_launch_days\": {\"hist\": [0, 1]}}}]}}";
  brink_prediction *fc = NULL;
  CHECK_INT(brink_prediction_parse(ctx, text, strlen(text), "early", &fc), BRINK_OK);
  brink_record *rec = load(ctx, DIR "csis_hand.tsv", NULL);
  brink_score_table *t = NULL;
  CHECK_INT(brink_score_run(ctx, fc, rec, BRINK_RECORD_END, NULL, 0, &t), BRINK_OK);
  if (t) {
    CHECK_INT(t->climatology_years, 0);
    const brink_score_cell *c = brink_score_table_cell(t, 0, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS);
    CHECK_INT(c->has[BRINK_SCORE_MODEL_CLIMATOLOGY], 0);
    CHECK_INT(c->observed, 2); /* 2007-02-01 and 2007-05-01 */
    CHECK_INT(t->persistence_count[BRINK_RECORD_SERIES_BM_LAUNCH_DAYS], 1); /* 2006-03-01 */
  }
  brink_score_table_free(t);
  brink_record_free(rec);
  brink_prediction_free(fc);
  brink_ctx_free(ctx);
}

static brink_status render(brink_ctx *ctx, const brink_prediction *fc, const brink_record *rec,
                           const char *format, brink_buf *out) {
  brink_score_table *t = NULL;
  brink_status st = brink_score_run(ctx, fc, rec, BRINK_RECORD_END, NULL, 0, &t);
  if (!st) st = brink_score_table_write(t, format, out);
  brink_score_table_free(t);
  return st;
}

/* Rows dated on or after the origin never reach a baseline: rows after the last scored window
 * change no byte in any format, and rows on the origin day change the observed counts of window
 * 0 but not one baseline number. */
static void test_leakage(void) {
  brink_ctx *ctx = NULL;
  brink_ctx_new(&ctx);
  brink_prediction *fc = NULL;
  brink_prediction_load(ctx, DIR "forecast.json", &fc);
  brink_record *plain = load(ctx, DIR "csis_hand.tsv", NULL);
  brink_record *after = load(ctx, DIR "csis_hand.tsv", DIR "csis_after.tsv");
  brink_record *origin = load(ctx, DIR "csis_hand.tsv", DIR "csis_on_origin.tsv");
  static const char *const formats[] = {"table", "csv", "json"};
  for (size_t f = 0; f < 3; f++) {
    brink_buf a, b;
    brink_buf_init(&a, ctx, 0);
    brink_buf_init(&b, ctx, 0);
    CHECK_INT(render(ctx, fc, plain, formats[f], &a), BRINK_OK);
    CHECK_INT(render(ctx, fc, after, formats[f], &b), BRINK_OK);
    CHECK(a.len > 100);
    CHECK_INT(a.len, b.len);
    CHECK(!strcmp(a.data, b.data));
    brink_buf_release(&a);
    brink_buf_release(&b);
  }
  brink_score_table *t0 = NULL, *t1 = NULL;
  brink_score_run(ctx, fc, plain, BRINK_RECORD_END, NULL, 0, &t0);
  brink_score_run(ctx, fc, origin, BRINK_RECORD_END, NULL, 0, &t1);
  if (t0 && t1) {
    CHECK(!memcmp(t0->persistence_count, t1->persistence_count, sizeof t0->persistence_count));
    for (size_t w = 0; w < 2; w++)
      for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++) {
        const brink_score_cell *a = brink_score_table_cell(t0, w, (brink_record_series)s);
        const brink_score_cell *b = brink_score_table_cell(t1, w, (brink_record_series)s);
        for (size_t m = 1; m <= 2; m++) CHECK(a->mean[m] == b->mean[m]);
      }
    CHECK_INT(brink_score_table_cell(t1, 0, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS)->observed, 3);
    CHECK_INT(brink_score_table_cell(t1, 0, BRINK_RECORD_SERIES_CLASH_DAYS)->observed, 2);
  }
  brink_score_table_free(t0);
  brink_score_table_free(t1);
  brink_record_free(plain);
  brink_record_free(after);
  brink_record_free(origin);
  brink_prediction_free(fc);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* A forecast built with brink_prediction_new / _set_hist and written as JSON reads back as the
 * same forecast, and scores exactly like tests/data/record/forecast.json (same histograms).
 * Summaries by hand: hist (1, 2, 1): mean (0 + 2 + 2)/4 = 1; F = 0.25, 0.75, 1, so q05 = 0,
 * q50 = 1, q95 = 2. hist (3, 1): mean 0.25, q05 = q50 = 0 (F(0) = 0.75), q95 = 1. */
static void test_forecast_build(void) {
  brink_ctx *ctx = NULL;
  brink_ctx_new(&ctx);
  brink_prediction *fc = NULL, *back = NULL, *file = NULL;
  CHECK_INT(brink_prediction_new(ctx, 20080107, 0, 1, 2, &fc), BRINK_EINVAL);
  CHECK_INT(brink_prediction_new(ctx, 20080107, 4, 1, 2, &fc), BRINK_OK);
  const uint64_t bm0[] = {1, 2, 1, 0, 0}, bm1[] = {4}, clash0[] = {3, 1}, bad[] = {1, 1};
  CHECK_INT(brink_prediction_set_hist(fc, 0, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS, bm0, 5), BRINK_OK);
  CHECK_INT(brink_prediction_set_hist(fc, 1, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS, bm1, 1), BRINK_OK);
  CHECK_INT(brink_prediction_set_hist(fc, 0, BRINK_RECORD_SERIES_CLASH_DAYS, clash0, 2), BRINK_OK);
  CHECK_INT(brink_prediction_set_hist(fc, 0, BRINK_RECORD_SERIES_NUCLEAR_TESTS, bad, 2),
            BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "nuclear_tests histogram sums to 2, expected 4");
  CHECK_INT(brink_prediction_set_hist(fc, 2, BRINK_RECORD_SERIES_CLASH_DAYS, clash0, 2),
            BRINK_EINVAL);
  const brink_prediction_cell *c = &fc->windows[0].series[BRINK_RECORD_SERIES_BM_LAUNCH_DAYS];
  CHECK_INT(c->n_hist, 3);
  CHECK_NEAR(c->mean, 1.0, TOL);
  CHECK_NEAR(c->q05, 0.0, 0);
  CHECK_NEAR(c->q50, 1.0, 0);
  CHECK_NEAR(c->q95, 2.0, 0);
  c = &fc->windows[0].series[BRINK_RECORD_SERIES_CLASH_DAYS];
  CHECK_NEAR(c->mean, 0.25, TOL);
  CHECK_NEAR(c->q50, 0.0, 0);
  CHECK_NEAR(c->q95, 1.0, 0);
  CHECK_INT(fc->windows[1].end, 20100103);

  brink_buf json;
  brink_buf_init(&json, ctx, 0);
  CHECK_INT(brink_prediction_write_json(fc, &json), BRINK_OK);
  CHECK_INT(brink_prediction_parse(ctx, json.data, json.len, "written", &back), BRINK_OK);
  CHECK_INT(brink_prediction_load(ctx, DIR "forecast.json", &file), BRINK_OK);
  if (back && file) {
    CHECK_INT(back->origin, 20080107);
    CHECK_INT(back->runs, 4);
    const brink_prediction_cell *b = &back->windows[0].series[BRINK_RECORD_SERIES_CLASH_DAYS];
    CHECK_INT(b->n_hist, 2);
    CHECK_NEAR(b->q95, 1.0, 0);
    CHECK_INT(back->windows[0].series[BRINK_RECORD_SERIES_NUCLEAR_TESTS].present, 0);
    brink_record *rec = load(ctx, DIR "csis_hand.tsv", NULL);
    brink_buf a, f;
    brink_buf_init(&a, ctx, 0);
    brink_buf_init(&f, ctx, 0);
    CHECK_INT(render(ctx, back, rec, "json", &a), BRINK_OK);
    CHECK_INT(render(ctx, file, rec, "json", &f), BRINK_OK);
    CHECK(a.len > 100 && !strcmp(a.data, f.data));
    brink_buf_release(&a);
    brink_buf_release(&f);
    brink_record_free(rec);
  }
  brink_buf_release(&json);
  brink_prediction_free(back);
  brink_prediction_free(file);

  /* Allocation failures while building. */
  brink_prediction_free(fc);
  int failures = 0;
  for (uint64_t k = 1; k <= 4; k++) {
    brink_ctx_fail_after(ctx, k);
    fc = NULL;
    brink_status st = brink_prediction_new(ctx, 20080107, 4, 1, 2, &fc);
    if (!st) st = brink_prediction_set_hist(fc, 0, BRINK_RECORD_SERIES_BM_LAUNCH_DAYS, bm0, 5);
    if (!st) st = brink_prediction_set_hist(fc, 0, BRINK_RECORD_SERIES_CLASH_DAYS, clash0, 2);
    if (st != BRINK_ENOMEM) failures++;
    brink_prediction_free(fc);
    brink_ctx_fail_after(ctx, 0);
  }
  CHECK_INT(failures, 0);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static void test_alloc_failures(void) {
  brink_ctx *ctx = NULL;
  brink_ctx_new(&ctx);
  brink_record *rec = load(ctx, DIR "csis_hand.tsv", NULL);
  size_t record_bytes = brink_ctx_bytes_in_use(ctx);
  uint64_t before = brink_ctx_alloc_count(ctx);
  brink_prediction *fc = NULL;
  brink_buf out;
  brink_buf_init(&out, ctx, 0);
  CHECK_INT(brink_prediction_load(ctx, DIR "forecast.json", &fc), BRINK_OK);
  CHECK_INT(render(ctx, fc, rec, "json", &out), BRINK_OK);
  brink_buf_release(&out);
  brink_prediction_free(fc);
  uint64_t n = brink_ctx_alloc_count(ctx) - before;
  CHECK(n > 20);
  int failures = 0;
  for (uint64_t k = 1; k <= n; k++) {
    brink_ctx_fail_after(ctx, k);
    fc = NULL;
    brink_buf_init(&out, ctx, 0);
    brink_status st = brink_prediction_load(ctx, DIR "forecast.json", &fc);
    if (!st) st = render(ctx, fc, rec, "json", &out);
    if (st != BRINK_ENOMEM) failures++;
    brink_buf_release(&out);
    brink_prediction_free(fc);
    brink_ctx_fail_after(ctx, 0);
    /* the record's own memory stays; everything else is gone */
    if (brink_ctx_bytes_in_use(ctx) != record_bytes) failures++;
  }
  CHECK_INT(failures, 0);
  brink_record_free(rec);
  CHECK(record_bytes > 0);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

int main(void) {
  RUN(test_crps_by_hand);
  RUN(test_log_brier_by_hand);
  RUN(test_forecast_parse);
  RUN(test_baselines_by_hand);
  RUN(test_no_climatology);
  RUN(test_leakage);
  RUN(test_forecast_build);
  RUN(test_alloc_failures);
  return harness_finish("test_score");
}
