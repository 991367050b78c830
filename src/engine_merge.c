/* SPDX-License-Identifier: MIT */
/* Blocks of one Monte Carlo job computed apart (other processes) and joined: a summary packed
 * into bytes, read back, and merged in run order so that the result is the bytes of a single
 * brink_engine_run. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "brink/engine.h"
#include "engine_internal.h"
#include "internal.h"
#include "scenario_internal.h"

#define PACK_MAGIC 0x534b5242u /* "BRKS" */
#define PACK_VERSION 1u

static size_t hist_len(const brink_summary *s, int which) {
  const brink_scenario *sc = brink_model_scenario(s->model);
  switch (which) {
  case 0:
    return s->horizon; /* war_by_step */
  case 1:
    return s->horizon; /* talks_by_step */
  case 2:
    return BRINK_PROVOCATION_BINS;
  case 3:
    return (size_t)s->horizon * s->tension_bins;
  default:
    return sc->n_actors * BRINK_MAX_ACTIONS * s->action_bins;
  }
}

static uint64_t *hist(brink_policy_stats *p, int which) {
  switch (which) {
  case 0:
    return p->war_by_step;
  case 1:
    return p->talks_by_step;
  case 2:
    return p->provocations_hist;
  case 3:
    return p->tension_hist;
  default:
    return p->action_hist;
  }
}

static brink_status check_fit(brink_ctx *ctx, const brink_summary *a, const brink_summary *b) {
  if (a->n_policies != b->n_policies || a->horizon != b->horizon || a->seed != b->seed ||
      a->confidence != b->confidence || a->tension_bins != b->tension_bins ||
      a->action_bins != b->action_bins ||
      brink_model_scenario(a->model)->n_actors != brink_model_scenario(b->model)->n_actors)
    return brink__fail(ctx, BRINK_EINVAL, "summary merge: the blocks come from different jobs");
  for (size_t i = 0; i < a->n_policies; i++)
    if (a->policies[i].policy != b->policies[i].policy)
      return brink__fail(ctx, BRINK_EINVAL, "summary merge: the blocks ran different policies");
  if (b->first_run != a->first_run + a->runs)
    return brink__fail(ctx, BRINK_EINVAL,
                       "summary merge: the block starting at run %llu does not follow runs "
                       "%llu..%llu",
                       (unsigned long long)b->first_run, (unsigned long long)a->first_run,
                       (unsigned long long)(a->first_run + a->runs));
  if (b->runs > 0 && !b->run_values)
    return brink__fail(ctx, BRINK_EINVAL, "summary merge: the block has no per-run values");
  return BRINK_OK;
}

brink_status brink_summary_merge(brink_ctx *ctx, brink_summary *into, const brink_summary *next) {
  brink_status st = check_fit(ctx, into, next);
  if (st) return st;
  const size_t np = into->n_policies;
  if (into->run_values && next->runs > 0) {
    /* into is itself a later block: keep it mergeable. */
    double *v =
        brink_realloc(ctx, into->run_values, (into->runs + next->runs) * np * 3 * sizeof *v);
    if (!v) return BRINK_ENOMEM;
    memcpy(v + into->runs * np * 3, next->run_values, next->runs * np * 3 * sizeof *v);
    into->run_values = v;
  }
  const brink_scenario *sc = brink_model_scenario(into->model);
  for (size_t i = 0; i < np; i++) {
    brink_policy_stats *p = &into->policies[i];
    const brink_policy_stats *q = &next->policies[i];
    p->wars += q->wars;
    p->clashes_any += q->clashes_any;
    p->talks += q->talks;
    for (int c = 0; c < BRINK_WAR_CAUSE_COUNT; c++) p->war_causes[c] += q->war_causes[c];
    p->nuclear += q->nuclear;
    p->agreements += q->agreements;
    /* Sums of integers below 2^53: every partial sum is exact, so the order does not matter. */
    p->incidents_sum += q->incidents_sum;
    p->incidents_sq += q->incidents_sq;
    p->clashes_sum += q->clashes_sum;
    p->clashes_sq += q->clashes_sq;
    p->provocations_sum += q->provocations_sum;
    p->provocations_sq += q->provocations_sq;
    for (size_t a = 0; a < sc->n_actors; a++)
      for (size_t k = 0; k < BRINK_MAX_ACTIONS; k++) {
        p->action_sum[a][k] += q->action_sum[a][k];
        p->action_sq[a][k] += q->action_sq[a][k];
      }
    p->unsc_proposed_sum += q->unsc_proposed_sum;
    p->unsc_proposed_sq += q->unsc_proposed_sq;
    p->unsc_adopted_sum += q->unsc_adopted_sum;
    p->unsc_adopted_sq += q->unsc_adopted_sq;
    for (int w = 0; w < 5; w++) {
      uint64_t *h = hist(p, w);
      const uint64_t *g = hist((brink_policy_stats *)q, w);
      for (size_t k = 0, n = hist_len(into, w); k < n; k++) h[k] += g[k];
    }
    /* Means of real numbers: continued run by run, as brink_engine_run adds them. */
    for (uint64_t r = 0; r < next->runs; r++) {
      const double *v = &next->run_values[(r * np + i) * 3];
      p->nominal_sum += v[0];
      p->nominal_sq += v[0] * v[0];
      p->effective_sum += v[1];
      p->effective_sq += v[1] * v[1];
      if (!isnan(v[2])) {
        p->ratio_sum += v[2];
        p->ratio_sq += v[2] * v[2];
        p->ratio_n++;
      }
    }
  }
  for (size_t k = 0; k < into->n_pairs; k++) {
    brink_pair_stats *a = &into->pairs[k];
    const brink_pair_stats *b = &next->pairs[k];
    a->war_sum += b->war_sum;
    a->war_sq += b->war_sq;
    a->prov_sum += b->prov_sum;
    a->prov_sq += b->prov_sq;
    a->talks_sum += b->talks_sum;
    a->talks_sq += b->talks_sq;
  }
  into->runs += next->runs;
  if (next->seconds > into->seconds) into->seconds = next->seconds;
  return BRINK_OK;
}

/* ---- Bytes between processes ------------------------------------------------------------- */

typedef struct header {
  uint32_t magic, version;
  uint64_t runs, seed, first_run, horizon, n_policies, n_actors, tension_bins, action_bins;
  uint64_t has_values, threads;
  double confidence, seconds;
} header;

brink_status brink_summary_pack(brink_ctx *ctx, const brink_summary *s, brink_buf *out) {
  header h;
  memset(&h, 0, sizeof h);
  h.magic = PACK_MAGIC;
  h.version = PACK_VERSION;
  h.runs = s->runs;
  h.seed = s->seed;
  h.first_run = s->first_run;
  h.horizon = s->horizon;
  h.n_policies = s->n_policies;
  h.n_actors = brink_model_scenario(s->model)->n_actors;
  h.tension_bins = s->tension_bins;
  h.action_bins = s->action_bins;
  h.has_values = s->run_values != NULL;
  h.threads = (uint64_t)s->threads;
  h.confidence = s->confidence;
  h.seconds = s->seconds;
  brink_status st = brink_buf_append(out, (const char *)&h, sizeof h);
  for (size_t i = 0; i < s->n_policies && !st; i++) {
    /* The whole struct: its pointers are meaningless elsewhere and replaced on unpacking. */
    st = brink_buf_append(out, (const char *)&s->policies[i], sizeof s->policies[i]);
    for (int w = 0; w < 5 && !st; w++)
      st = brink_buf_append(out, (const char *)hist(&s->policies[i], w),
                            hist_len(s, w) * sizeof(uint64_t));
  }
  if (!st && s->n_pairs)
    st = brink_buf_append(out, (const char *)s->pairs, s->n_pairs * sizeof *s->pairs);
  if (!st && s->run_values)
    st = brink_buf_append(out, (const char *)s->run_values,
                          s->runs * s->n_policies * 3 * sizeof *s->run_values);
  if (st) return brink__fail(ctx, st, "summary pack: %s", brink_status_str(st));
  return BRINK_OK;
}

typedef struct reader {
  const char *p;
  size_t left;
} reader;

static int take(reader *r, void *dst, size_t n) {
  if (n > r->left) return -1;
  memcpy(dst, r->p, n);
  r->p += n;
  r->left -= n;
  return 0;
}

brink_status brink_summary_unpack(brink_ctx *ctx, const brink_model *m, const char *data,
                                  size_t len, brink_summary **out) {
  *out = NULL;
  reader r = {data, len};
  header h;
  brink_summary *s = NULL;
  uint32_t *policies = NULL;
  brink_status st = BRINK_OK;
  const brink_scenario *sc = brink_model_scenario(m);
  if (take(&r, &h, sizeof h) || h.magic != PACK_MAGIC || h.version != PACK_VERSION)
    return brink__fail(ctx, BRINK_EPARSE, "summary unpack: not a packed summary");
  if (h.horizon != brink_model_horizon(m) || h.n_actors != sc->n_actors || h.n_policies < 1 ||
      h.n_policies > sc->n_policies || h.runs > BRINK_MAX_RUNS || h.first_run > BRINK_MAX_RUNS ||
      h.has_values != (h.first_run > 0) || h.threads < 1 || h.threads > INT32_MAX)
    return brink__fail(ctx, BRINK_EPARSE, "summary unpack: the summary is of another model");
  /* The policy list is inside the per-policy records: read it first to allocate. */
  policies = brink_calloc(ctx, (size_t)h.n_policies, sizeof *policies);
  if (!policies) return BRINK_ENOMEM;
  {
    reader peek = r;
    for (size_t i = 0; i < h.n_policies; i++) {
      brink_policy_stats p;
      if (take(&peek, &p, sizeof p) || p.policy >= sc->n_policies) {
        st = brink__fail(ctx, BRINK_EPARSE, "summary unpack: truncated or foreign policy record");
        goto done;
      }
      policies[i] = p.policy;
      size_t skip = (2 * (size_t)h.horizon + BRINK_PROVOCATION_BINS +
                     (size_t)h.horizon * (size_t)h.tension_bins +
                     sc->n_actors * BRINK_MAX_ACTIONS * (size_t)h.action_bins) *
                    sizeof(uint64_t);
      if (skip > peek.left) {
        st = brink__fail(ctx, BRINK_EPARSE, "summary unpack: truncated");
        goto done;
      }
      peek.p += skip;
      peek.left -= skip;
    }
  }
  brink_engine_options o;
  memset(&o, 0, sizeof o);
  o.runs = h.first_run + h.runs;
  o.seed = h.seed;
  o.threads = (int)h.threads;
  o.confidence = h.confidence;
  o.policies = policies;
  o.n_policies = (size_t)h.n_policies;
  o.first_run = h.first_run;
  o.run_count = h.runs;
  if (h.runs == 0 || !(h.confidence > 0.0 && h.confidence < 1.0)) {
    st = brink__fail(ctx, BRINK_EPARSE, "summary unpack: bad run count or confidence");
    goto done;
  }
  if ((st = brink__summary_alloc(ctx, m, &o, &s))) goto done;
  if (s->tension_bins != h.tension_bins || s->action_bins != h.action_bins) {
    st = brink__fail(ctx, BRINK_EPARSE, "summary unpack: histogram sizes differ");
    goto done;
  }
  s->seconds = h.seconds;
  for (size_t i = 0; i < s->n_policies; i++) {
    brink_policy_stats *p = &s->policies[i], q;
    take(&r, &q, sizeof q); /* checked above */
    uint64_t *keep[5];
    for (int w = 0; w < 5; w++) keep[w] = hist(p, w);
    *p = q;
    p->war_by_step = keep[0];
    p->talks_by_step = keep[1];
    p->provocations_hist = keep[2];
    p->tension_hist = keep[3];
    p->action_hist = keep[4];
    for (int w = 0; w < 5; w++) take(&r, keep[w], hist_len(s, w) * sizeof(uint64_t));
  }
  if ((s->n_pairs && take(&r, s->pairs, s->n_pairs * sizeof *s->pairs)) ||
      (s->run_values &&
       take(&r, s->run_values, s->runs * s->n_policies * 3 * sizeof *s->run_values)) ||
      r.left != 0) {
    st = brink__fail(ctx, BRINK_EPARSE, "summary unpack: truncated or trailing bytes");
    goto done;
  }
done:
  brink_free(ctx, policies);
  if (st) {
    brink_summary_free(s);
    return st;
  }
  *out = s;
  return BRINK_OK;
}
