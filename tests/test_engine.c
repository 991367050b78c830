/* SPDX-License-Identifier: MIT */
/* The Monte Carlo engine: thread-count invariance, interval coverage on a known answer,
 * common random numbers, agreement with direct runs, option checks, allocation failures. */
#include <math.h>

#include "brink/stats.h"
#include "model_util.h"
#include "engine_internal.h"

#define CRISIS "tests/data/model/crisis.yaml"

static void json_of(fixture *f, int threads, uint64_t runs, brink_buf *out) {
  const char *names[] = {"maximum_pressure", "reciprocal_restraint", "proactive_diplomacy", NULL};
  brink_summary *s = fixture_run(f, names, runs, 42, threads);
  brink_output_meta meta = {"crisis.yaml", NULL, 0, 0, NULL};
  if (s) CHECK_INT(brink_summary_json(f->ctx, s, &meta, out), BRINK_OK);
  brink_summary_free(s);
}

static void test_thread_invariance(void) {
  const char *sets[] = {"params.greed={dist: beta, a: 2, b: 3}"};
  fixture f;
  if (!fixture_open(&f, CRISIS, sets, 1)) return;
  brink_buf a, b, c;
  brink_buf_init(&a, f.ctx, 0);
  brink_buf_init(&b, f.ctx, 0);
  brink_buf_init(&c, f.ctx, 0);
  json_of(&f, 1, 2500, &a); /* 2500 runs: three batches, the last one partial */
  json_of(&f, 2, 2500, &b);
  json_of(&f, 3, 2500, &c);
  CHECK(a.len > 1000);
  CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
  CHECK(a.len == c.len && memcmp(a.data, c.data, a.len) == 0);
  CHECK(strstr(a.data, "\"timing\"") == NULL);
  brink_buf_release(&a);
  brink_buf_release(&b);
  brink_buf_release(&c);
  fixture_close(&f);
}

/* Constant hazard h per step: P(armed conflict by T) = 1 - (1 - h)^T. The 95% Wilson interval
 * must cover it in about 95% of independent seeds. */
static void test_interval_coverage(void) {
  fixture f;
  if (!fixture_open(&f, "tests/data/model/hazard.yaml", NULL, 0)) return;
  const double truth = 1.0 - exp(-0.03 * 20);
  const char *names[] = {"wait", NULL};
  int covered = 0;
  const int seeds = 300;
  for (int seed = 0; seed < seeds; seed++) {
    brink_summary *s = fixture_run(&f, names, 400, (uint64_t)seed + 1000, 1);
    if (!s) break;
    brink_estimate e = brink_summary_p_war(s, 0);
    covered += e.lo <= truth && truth <= e.hi;
    /* The cumulative curve ends at the same value. */
    brink_estimate last = brink_summary_p_war_by(s, 0, 19);
    CHECK_NEAR(last.mean, e.mean, 0);
    brink_summary_free(s);
  }
  double coverage = covered / (double)seeds;
  fprintf(stderr, "coverage of the 95%% interval: %.3f over %d seeds\n", coverage, seeds);
  /* 300 seeds: the binomial sd of the coverage is 0.013. */
  CHECK(coverage > 0.90 && coverage < 0.99);
  fixture_close(&f);
}

/* Common random numbers: the paired difference's interval is narrower than the interval from
 * two independent samples of the same size. */
static void test_common_random_numbers(void) {
  const char *sets[] = {"params.greed={dist: beta, a: 1, b: 1}"};
  fixture f;
  if (!fixture_open(&f, CRISIS, sets, 1)) return;
  const char *both[] = {"proactive_diplomacy", "pressure_plus_diplomacy", NULL};
  const char *first[] = {"proactive_diplomacy", NULL},
             *second[] = {"pressure_plus_diplomacy", NULL};
  const uint64_t n = 2000;
  brink_summary *paired = fixture_run(&f, both, n, 7, 2);
  brink_summary *a = fixture_run(&f, first, n, 8, 2);
  brink_summary *b = fixture_run(&f, second, n, 9, 2);
  if (paired && a && b) {
    brink_estimate d = pair_estimate(paired, 0, 1, 1);
    double sa = brink_stats_sd(n, a->policies[0].provocations_sum, a->policies[0].provocations_sq);
    double sb = brink_stats_sd(n, b->policies[0].provocations_sum, b->policies[0].provocations_sq);
    double independent = 2.0 * a->z * sqrt((sa * sa + sb * sb) / (double)n);
    double crn = d.hi - d.lo;
    fprintf(stderr, "difference interval width: %.3f with CRN vs %.3f independent\n", crn,
            independent);
    CHECK(crn < 0.7 * independent);
  }
  brink_summary_free(paired);
  brink_summary_free(a);
  brink_summary_free(b);
  fixture_close(&f);
}

/* The engine's aggregates are those of the same runs made one by one. */
static void test_agrees_with_direct_runs(void) {
  fixture f;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  const char *names[] = {"tit_for_tat", NULL};
  brink_summary *s = fixture_run(&f, names, 300, 5, 2);
  int p = brink_scenario_find_policy(f.sc, "tit_for_tat");
  double prov = 0.0;
  uint64_t wars = 0, talks = 0;
  for (uint64_t r = 0; r < 300 && p >= 0; r++) {
    brink_run_result res;
    brink_model_run(f.model, (uint32_t)p, 5, r, &res, NULL, NULL);
    prov += res.provocations;
    wars += res.war_step != BRINK_NEVER;
    talks += res.talks_step != BRINK_NEVER;
  }
  if (s) {
    CHECK_NEAR(brink_summary_provocations(s, 0).mean, prov / 300.0, 1e-12);
    CHECK_INT(s->policies[0].wars, wars);
    CHECK_INT(s->policies[0].talks, talks);
  }
  brink_summary_free(s);
  fixture_close(&f);
}

static void test_bad_options(void) {
  fixture f;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  uint32_t idx[1] = {0};
  brink_summary *s = NULL;
  brink_engine_options o = {0, 1, 1, 0.95, idx, 1, NULL, NULL, NULL, NULL, 0, 0};
  CHECK_INT(brink_engine_run(f.ctx, f.model, &o, &s), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(f.ctx), "runs");
  o.runs = 10;
  o.threads = 0;
  CHECK_INT(brink_engine_run(f.ctx, f.model, &o, &s), BRINK_EINVAL);
  o.threads = 1;
  idx[0] = 999;
  CHECK_INT(brink_engine_run(f.ctx, f.model, &o, &s), BRINK_EINVAL);
  CHECK(s == NULL);
  fixture_close(&f);
}

static void test_allocation_failures(void) {
  fixture f;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  uint32_t idx[2] = {0, 1};
  brink_engine_options o = {50, 1, 1, 0.95, idx, 2, NULL, NULL, NULL, NULL, 0, 0};
  size_t before = brink_ctx_bytes_in_use(f.ctx);
  uint64_t start = brink_ctx_alloc_count(f.ctx);
  brink_summary *s = NULL;
  CHECK_INT(brink_engine_run(f.ctx, f.model, &o, &s), BRINK_OK);
  uint64_t n = brink_ctx_alloc_count(f.ctx) - start;
  brink_summary_free(s);
  CHECK(n >= 5);
  for (uint64_t k = 1; k <= n; k++) {
    brink_ctx_fail_after(f.ctx, k);
    s = NULL;
    CHECK_INT(brink_engine_run(f.ctx, f.model, &o, &s), BRINK_ENOMEM);
    CHECK(s == NULL);
    CHECK_INT(brink_ctx_bytes_in_use(f.ctx), before);
  }
  brink_ctx_fail_after(f.ctx, 0);
  fixture_close(&f);
}

/* The cancel flag, set from the progress callback after the first batch, stops the run there:
 * BRINK_ECANCELED, no summary, nothing left allocated. */
static void set_cancel(void *ud, uint64_t done, uint64_t total) {
  (void)done;
  (void)total;
  *(volatile int *)ud = 1;
}

static void test_cancel(void) {
  fixture f;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  uint32_t idx[1] = {0};
  volatile int cancel = 0;
  brink_engine_options o = {3000,    1, 2, 0.95, idx, 1, set_cancel, NULL, (void *)&cancel,
                            &cancel, 0, 0};
  size_t before = brink_ctx_bytes_in_use(f.ctx);
  brink_summary *s = NULL;
  CHECK_INT(brink_engine_run(f.ctx, f.model, &o, &s), BRINK_ECANCELED);
  CHECK(s == NULL);
  CHECK_CONTAINS(brink_ctx_errmsg(f.ctx), "cancelled after 64 of 3000 runs");
  CHECK_INT(brink_ctx_bytes_in_use(f.ctx), before);
  /* Without the flag the same run completes. */
  cancel = 0;
  o.cancel = NULL;
  CHECK_INT(brink_engine_run(f.ctx, f.model, &o, &s), BRINK_OK);
  brink_summary_free(s);
  fixture_close(&f);
}

/* A job divided into blocks of runs (of uneven sizes, across batch boundaries), the later
 * blocks passed through bytes as between processes, and merged in run order: the same JSON
 * bytes as the whole job in one call. Also the errors of a merge out of order. */
static void test_blocks_merge(void) {
  const char *sets[] = {"params.greed={dist: beta, a: 2, b: 3}"};
  fixture f;
  if (!fixture_open(&f, CRISIS, sets, 1)) return;
  const char *names[] = {"maximum_pressure", "reciprocal_restraint", "sanctions_only", NULL};
  uint32_t idx[3];
  for (int i = 0; i < 3; i++) idx[i] = (uint32_t)brink_scenario_find_policy(f.sc, names[i]);
  const uint64_t runs = 2600, cut[4] = {0, 700, 1900, 2600};
  brink_output_meta meta = {"crisis.yaml", NULL, 0, 0, NULL};
  brink_buf whole, merged, bytes;
  brink_buf_init(&whole, f.ctx, 0);
  brink_buf_init(&merged, f.ctx, 0);
  brink_buf_init(&bytes, f.ctx, (size_t)1 << 30);
  brink_engine_options o = {runs, 7, 2, 0.95, idx, 3, NULL, NULL, NULL, NULL, 0, 0};
  brink_summary *all = NULL, *head = NULL, *part = NULL, *back = NULL;
  CHECK_INT(brink_engine_run(f.ctx, f.model, &o, &all), BRINK_OK);
  if (!all) goto done;
  CHECK_INT(brink_summary_json(f.ctx, all, &meta, &whole), BRINK_OK);
  /* The pressure means are real numbers: their sums are not integers, so only an ordered
   * continuation gives the same bits. */
  CHECK(all->policies[2].nominal_sum != floor(all->policies[2].nominal_sum));
  for (int k = 0; k < 3; k++) {
    o.first_run = cut[k];
    o.run_count = cut[k + 1] - cut[k];
    o.threads = k + 1;
    CHECK_INT(brink_engine_run(f.ctx, f.model, &o, k == 0 ? &head : &part), BRINK_OK);
    if (k == 0) {
      CHECK(head && head->run_values == NULL && head->runs == 700);
      continue;
    }
    if (!head || !part) goto done;
    CHECK(part->run_values != NULL && part->first_run == cut[k]);
    brink_buf_reset(&bytes);
    CHECK_INT(brink_summary_pack(f.ctx, part, &bytes), BRINK_OK);
    CHECK_INT(brink_summary_unpack(f.ctx, f.model, bytes.data, bytes.len, &back), BRINK_OK);
    brink_summary_free(part);
    part = NULL;
    if (!back) goto done;
    CHECK_INT(brink_summary_merge(f.ctx, head, back), BRINK_OK);
    if (k == 2) {
      /* The same block again does not follow runs 0..2600. */
      CHECK_INT(brink_summary_merge(f.ctx, head, back), BRINK_EINVAL);
      CHECK_CONTAINS(brink_ctx_errmsg(f.ctx), "does not follow runs 0..2600");
    }
    brink_summary_free(back);
    back = NULL;
  }
  CHECK_INT(head->runs, runs);
  CHECK_INT(brink_summary_json(f.ctx, head, &meta, &merged), BRINK_OK);
  CHECK(whole.len > 1000);
  CHECK(whole.len == merged.len && memcmp(whole.data, merged.data, whole.len) == 0);
  /* Truncated bytes are refused. */
  CHECK_INT(brink_summary_unpack(f.ctx, f.model, bytes.data, bytes.len - 8, &back), BRINK_EPARSE);
  CHECK(back == NULL);
  /* A block that does not start at 0 cannot be the block runs are merged into from before. */
  o.first_run = 5;
  o.run_count = 0;
  CHECK_INT(brink_engine_run(f.ctx, f.model, &o, &part), BRINK_EINVAL);
  o.first_run = 2000;
  o.run_count = 601;
  CHECK_INT(brink_engine_run(f.ctx, f.model, &o, &part), BRINK_EINVAL);
  CHECK_CONTAINS(brink_ctx_errmsg(f.ctx), "outside the 2600 runs");
done:
  brink_summary_free(all);
  brink_summary_free(head);
  brink_summary_free(part);
  brink_summary_free(back);
  brink_buf_release(&whole);
  brink_buf_release(&merged);
  brink_buf_release(&bytes);
  fixture_close(&f);
}

/* The public paired differences equal the sums the output writes, in either order. */
static void test_differences(void) {
  fixture f;
  if (!fixture_open(&f, CRISIS, NULL, 0)) return;
  const char *names[] = {"maximum_pressure", "reciprocal_restraint", "proactive_diplomacy", NULL};
  brink_summary *s = fixture_run(&f, names, 3000, 7, 2);
  if (!s) goto done;
  CHECK_INT(brink_summary_policy_count(s), 3);
  CHECK_INT(brink_summary_runs(s), 3000);
  CHECK_INT(brink_summary_seed(s), 7);
  CHECK_INT(brink_summary_threads(s), 2);
  CHECK_INT(brink_summary_policy(s, 0), brink_scenario_find_policy(f.sc, names[0]));
  CHECK_INT(brink_summary_policy(s, 3), UINT32_MAX);
  for (uint32_t a = 0; a < 3; a++)
    for (uint32_t b = a + 1; b < 3; b++)
      for (int m = 0; m < 3; m++) {
        brink_estimate want = pair_estimate(s, a, b, m);
        brink_estimate ab = m == 0   ? brink_summary_diff_p_war(s, a, b)
                            : m == 1 ? brink_summary_diff_provocations(s, a, b)
                                     : brink_summary_diff_p_talks(s, a, b);
        brink_estimate ba = m == 0   ? brink_summary_diff_p_war(s, b, a)
                            : m == 1 ? brink_summary_diff_provocations(s, b, a)
                                     : brink_summary_diff_p_talks(s, b, a);
        CHECK(ab.mean == want.mean && ab.lo == want.lo && ab.hi == want.hi);
        CHECK_NEAR(ba.mean, -want.mean, 1e-15);
        CHECK_NEAR(ba.lo, -want.hi, 1e-12);
        CHECK_NEAR(ba.hi, -want.lo, 1e-12);
      }
  /* Paired differences of a war probability with itself, or past the end: NaN. */
  CHECK(isnan(brink_summary_diff_p_war(s, 1, 1).mean));
  CHECK(isnan(brink_summary_diff_p_talks(s, 0, 3).lo));
  /* Out of range: NaN estimates, no histogram. */
  CHECK(isnan(brink_summary_p_war(s, 3).mean) && isnan(brink_summary_p_talks(s, 9).hi));
  CHECK(isnan(brink_summary_action(s, 0, BRINK_MAX_ACTORS, 0).mean));
  CHECK(brink_summary_action_hist(s, 0, 0, BRINK_MAX_ACTIONS) == NULL);
  CHECK(isnan(brink_summary_tension_quantile(s, 0, brink_summary_horizon(s), 0.5)));
  CHECK(!isnan(brink_summary_tension_quantile(s, 0, brink_summary_horizon(s) - 1, 0.5)));
  /* The first pair differs in war (maximum pressure against restraint in this fixture). */
  CHECK(brink_summary_diff_p_war(s, 0, 1).mean != 0.0);
done:
  brink_summary_free(s);
  fixture_close(&f);
}

static void test_stats(void) {
  /* Wilson interval for 0/10, 5/10, 10/10 (z = 1.96), values from the closed form. */
  double z = brink_stats_z(0.95);
  CHECK_NEAR(z, 1.959963984540054, 1e-12);
  brink_estimate e = brink_stats_wilson(5, 10, z);
  CHECK_NEAR(e.lo, 0.23659309051, 1e-9);
  CHECK_NEAR(e.hi, 0.76340690949, 1e-9);
  e = brink_stats_wilson(0, 10, z);
  CHECK_NEAR(e.lo, 0.0, 0);
  CHECK_NEAR(e.hi, 0.27753279, 1e-7);
  /* Mean of 1..4: 2.5, sd 1.2910, half-width z * sd / 2. */
  e = brink_stats_mean(4, 10.0, 30.0, z);
  CHECK_NEAR(e.mean, 2.5, 1e-12);
  CHECK_NEAR(e.hi - e.mean, z * sqrt(5.0 / 3.0) / 2.0, 1e-12);
  uint64_t h[5] = {1, 2, 3, 2, 2}; /* values 0..4, 10 observations */
  CHECK_NEAR(brink_stats_hist_quantile(h, 5, -1.0, 0.5, 0.5), -1.0 + 0.5 * 2, 0);
  CHECK_NEAR(brink_stats_hist_quantile(h, 5, 0.0, 1.0, 0.05), 0.0, 0);
  CHECK_NEAR(brink_stats_hist_quantile(h, 5, 0.0, 1.0, 0.95), 4.0, 0);
  brink_estimate med = brink_stats_hist_median(h, 5, z);
  CHECK_NEAR(med.mean, 2.0, 0);
  CHECK(med.lo <= 2.0 && med.hi >= 2.0);
}

int main(void) {
  RUN(test_differences);
  RUN(test_stats);
  RUN(test_cancel);
  RUN(test_thread_invariance);
  RUN(test_blocks_merge);
  RUN(test_interval_coverage);
  RUN(test_common_random_numbers);
  RUN(test_agrees_with_direct_runs);
  RUN(test_bad_options);
  RUN(test_allocation_failures);
  return harness_finish("test_engine");
}
