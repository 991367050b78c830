/* SPDX-License-Identifier: MIT */
/* The Monte Carlo engine: batches of runs computed in parallel, then folded in run order.
 * Everything folded is either an exact integer sum or added in a fixed order, so results do
 * not depend on the number of threads or on scheduling. */
#include <math.h>
#include <string.h>

#include <omp.h>
#include <pthread.h>

#include "brink/engine.h"
#include "engine_internal.h"
#include "internal.h"
#include "model_internal.h"
#include "model_lanes.h"
#include "scenario_internal.h"

#define BATCH 64                     /* runs per batch of the work queue, at most */
#define SLOT_BYTES ((size_t)4 << 20) /* memory of one batch's results, at most */
#define LINE BRINK__LINE    /* bytes kept between threads' written data (model_internal.h) */
#define TENSION_RANGE 100.0 /* Goldstein units each side of zero */
#define TENSION_WIDTH 0.1
#define TENSION_MEMORY_CAP ((size_t)256 << 20)

static brink_status check_options(brink_ctx *ctx, const brink_model *m,
                                  const brink_engine_options *o) {
  if (o->runs < 1 || o->runs > BRINK_MAX_RUNS)
    return brink__fail(ctx, BRINK_EINVAL, "runs must be between 1 and %llu, got %llu",
                       (unsigned long long)BRINK_MAX_RUNS, (unsigned long long)o->runs);
  if (o->run_count == 0 ? o->first_run != 0
                        : o->first_run > o->runs || o->run_count > o->runs - o->first_run)
    return brink__fail(ctx, BRINK_EINVAL, "block of runs %llu..%llu outside the %llu runs",
                       (unsigned long long)o->first_run,
                       (unsigned long long)(o->first_run + o->run_count),
                       (unsigned long long)o->runs);
  if (o->threads < 1) return brink__fail(ctx, BRINK_EINVAL, "threads must be at least 1");
  if (!(o->confidence > 0.0 && o->confidence < 1.0))
    return brink__fail(ctx, BRINK_EINVAL, "confidence must be in (0, 1), got %g", o->confidence);
  if (o->n_policies < 1) return brink__fail(ctx, BRINK_EINVAL, "no policy to run");
  for (size_t i = 0; i < o->n_policies; i++)
    if (o->policies[i] >= brink_model_scenario(m)->n_policies)
      return brink__fail(ctx, BRINK_EINVAL, "policy index %u out of range", o->policies[i]);
  return BRINK_OK;
}

void brink_summary_free(brink_summary *s) {
  if (!s) return;
  brink_ctx *ctx = s->ctx;
  if (s->policies)
    for (size_t i = 0; i < s->n_policies; i++) {
      brink_free(ctx, s->policies[i].war_by_step);
      brink_free(ctx, s->policies[i].talks_by_step);
      brink_free(ctx, s->policies[i].provocations_hist);
      brink_free(ctx, s->policies[i].tension_hist);
      brink_free(ctx, s->policies[i].action_hist);
    }
  brink_free(ctx, s->policies);
  brink_free(ctx, s->pairs);
  brink_free(ctx, s->run_values);
  brink_free(ctx, s);
}

brink_status brink__summary_alloc(brink_ctx *ctx, const brink_model *m,
                                  const brink_engine_options *o, brink_summary **out) {
  brink_summary *s = brink_calloc(ctx, 1, sizeof *s);
  if (!s) return BRINK_ENOMEM;
  s->ctx = ctx;
  s->model = m;
  s->runs = o->run_count ? o->run_count : o->runs;
  s->first_run = o->first_run;
  s->seed = o->seed;
  s->confidence = o->confidence;
  s->z = brink_stats_z(o->confidence);
  s->horizon = brink_model_horizon(m);
  s->action_bins = s->horizon + 1 < 1024 ? s->horizon + 1 : 1024;
  s->threads = o->threads;
  s->n_policies = o->n_policies;
  s->tension_width = TENSION_WIDTH;
  /* Coarser bins for long horizons keep the histograms within a fixed memory budget. */
  for (;;) {
    s->tension_bins = (size_t)(2.0 * TENSION_RANGE / s->tension_width + 1.5);
    if (s->tension_bins * s->horizon * o->n_policies * sizeof(uint64_t) <= TENSION_MEMORY_CAP)
      break;
    s->tension_width *= 2.0;
  }
  s->tension_origin = -TENSION_RANGE;
  s->policies = brink_calloc(ctx, o->n_policies, sizeof *s->policies);
  s->n_pairs = o->n_policies * (o->n_policies - 1) / 2;
  s->pairs = brink_calloc(ctx, s->n_pairs ? s->n_pairs : 1, sizeof *s->pairs);
  if (!s->policies || !s->pairs) goto nomem;
  if (s->first_run > 0) {
    s->run_values = brink_calloc(ctx, s->runs * o->n_policies * 3, sizeof *s->run_values);
    if (!s->run_values) goto nomem;
  }
  for (size_t i = 0; i < o->n_policies; i++) {
    brink_policy_stats *p = &s->policies[i];
    p->policy = o->policies[i];
    p->war_by_step = brink_calloc(ctx, s->horizon, sizeof(uint64_t));
    p->talks_by_step = brink_calloc(ctx, s->horizon, sizeof(uint64_t));
    p->provocations_hist = brink_calloc(ctx, BRINK_PROVOCATION_BINS, sizeof(uint64_t));
    p->tension_hist = brink_calloc(ctx, s->horizon * s->tension_bins, sizeof(uint64_t));
    p->action_hist =
        brink_calloc(ctx, brink_model_scenario(m)->n_actors * BRINK_MAX_ACTIONS * s->action_bins,
                     sizeof(uint64_t));
    if (!p->war_by_step || !p->talks_by_step || !p->provocations_hist || !p->tension_hist ||
        !p->action_hist)
      goto nomem;
  }
  size_t k = 0;
  for (uint32_t a = 0; a < o->n_policies; a++)
    for (uint32_t b = a + 1; b < o->n_policies; b++)
      s->pairs[k++] = (brink_pair_stats){.a = a, .b = b};
  *out = s;
  return BRINK_OK;
nomem:
  brink_summary_free(s);
  return BRINK_ENOMEM;
}

/* values (may be NULL) receives the run's non-integer values for brink_summary_merge. */
static void fold_run(brink_summary *s, brink_policy_stats *p, const brink_run_result *r,
                     double *values) {
  const brink_scenario *sc = brink_model_scenario(s->model);
  if (r->war_step != BRINK_NEVER) {
    p->wars++;
    p->war_by_step[r->war_step]++;
    if (r->war_cause < BRINK_WAR_CAUSE_COUNT) p->war_causes[r->war_cause]++;
  }
  if (r->nuclear_step != BRINK_NEVER) p->nuclear++;
  if (r->agreement_step != BRINK_NEVER) p->agreements++;
  double inc = r->incidents, cl = r->clashes;
  p->incidents_sum += inc;
  p->incidents_sq += inc * inc;
  p->clashes_sum += cl;
  p->clashes_sq += cl * cl;
  if (r->clashes) p->clashes_any++;
  if (r->talks_step != BRINK_NEVER) {
    p->talks++;
    p->talks_by_step[r->talks_step]++;
  }
  double prov = r->provocations;
  p->provocations_sum += prov;
  p->provocations_sq += prov * prov;
  p->provocations_hist[r->provocations < BRINK_PROVOCATION_BINS - 1 ? r->provocations
                                                                    : BRINK_PROVOCATION_BINS - 1]++;
  for (uint32_t i = 0; i < sc->n_actors; i++) {
    for (uint32_t a = 0; a < sc->actors[i].n_ladder; a++) {
      double c = r->action_counts[i][a];
      p->action_sum[i][a] += c;
      p->action_sq[i][a] += c * c;
      size_t bin =
          r->action_counts[i][a] < s->action_bins - 1 ? r->action_counts[i][a] : s->action_bins - 1;
      p->action_hist[((size_t)i * BRINK_MAX_ACTIONS + a) * s->action_bins + bin]++;
    }
  }
  double up = r->unsc_proposed, ua = r->unsc_adopted;
  p->unsc_proposed_sum += up;
  p->unsc_proposed_sq += up * up;
  p->unsc_adopted_sum += ua;
  p->unsc_adopted_sq += ua * ua;
  double steps = r->steps_run ? r->steps_run : 1;
  double nom = r->pressure_nominal_sum / steps, eff = r->pressure_effective_sum / steps;
  p->nominal_sum += nom;
  p->nominal_sq += nom * nom;
  p->effective_sum += eff;
  p->effective_sq += eff * eff;
  double ratio = NAN;
  if (r->pressure_nominal_sum > 0.0) {
    ratio = r->pressure_effective_sum / r->pressure_nominal_sum;
    p->ratio_sum += ratio;
    p->ratio_sq += ratio * ratio;
    p->ratio_n++;
  }
  if (values) {
    values[0] = nom;
    values[1] = eff;
    values[2] = ratio;
  }
}

/* The first LINE boundary at least LINE bytes past p. */
static unsigned char *line_up(unsigned char *p) {
  return p + (LINE - (uintptr_t)p % LINE) % LINE + LINE;
}

/* ---- The work queue ------------------------------------------------------------------------ */

/* Runs are handed out in batches by a counter under a mutex, to every thread of the team as it
 * becomes free: no barrier per batch, and a thread that loses its core (another process, an
 * oversubscribed machine) holds up only the batches it has taken. Each batch is computed into a
 * slot of a ring; the calling thread (the team's master) folds the finished batches in batch
 * order, so the summary is the same bytes for any number of threads, and the callbacks run on
 * the calling thread as before. Waits (a full ring, the end) sleep on a condition variable
 * instead of spinning. */
typedef struct slot {
  uint64_t batch; /* the batch it holds */
  int done;       /* computed, waiting to be folded */
  brink_run_result *results;
  uint16_t *bins; /* tension histogram bin per (run, policy, step) */
} slot;

typedef struct queue {
  pthread_mutex_t mu;
  pthread_cond_t cond; /* a batch was computed, or a slot was freed */
  uint64_t next;       /* next batch to hand out */
  uint64_t folded;     /* batches folded */
  uint64_t stop;       /* no batch at or after this one is handed out */
  uint64_t n_batches, batch_runs;
  size_t n_slots;
  slot *slots;
} queue;

/* What one thread computes with: its run states (one, or one per lane), a tension row per
 * state, and for the lanes their shared numbers and the parameters of a batch's runs. */
typedef struct worker {
  run_state *state[BRINK__LANES];
  double *tension[BRINK__LANES];
  brink__lanes *lanes;   /* NULL: one run after another */
  int wide;              /* one run after another: brink__model_run_patched_wide */
  run_state *start;      /* wide: the start the policies of a run share */
  brink__ladder *ladder; /* wide: the run's ladder numbers, and the kernel */
  double *params;        /* batch_runs x BRINK_MAX_PARAMS (lanes only) */
} worker;

static void bin_tension(const brink_summary *s, const double *tension, uint32_t steps,
                        uint16_t *bins) {
  /* The bin floor(y) of y = (tension - origin) / width + 0.5, clamped to [0, bins - 1]: below 0
   * (or NaN) the first, from bins - 1 the last, and in between the truncation, which is the
   * floor of a non-negative number (no call to libm's floor in the base instruction set). */
  const double last = (double)(s->tension_bins - 1);
  for (uint32_t t = 0; t < steps; t++) {
    double y = (tension[t] - s->tension_origin) / s->tension_width + 0.5;
    bins[t] = (uint16_t)(!(y >= 0.0) ? 0 : y >= last ? s->tension_bins - 1 : (size_t)y);
  }
}

static void compute_batch(const brink_model *m, const brink_engine_options *o,
                          const brink_summary *s, const queue *q, slot *sl, worker *w) {
  const size_t np = o->n_policies;
  const uint32_t horizon = s->horizon;
  run_state *state = w->state[0];
  double *tension = w->tension[0];
  /* Runs of this block (o->first_run on: brink_engine_options) keep their own streams. */
  const uint64_t off = sl->batch * q->batch_runs, first = o->first_run + off;
  const uint64_t n = s->runs - off < q->batch_runs ? s->runs - off : q->batch_runs;
  for (uint64_t r = 0; r < n; r++) {
    double params[BRINK_MAX_PARAMS];
    brink_model_sample_params(m, o->seed, first + r, params);
    brink__model_patch(m, state, params);
    for (size_t p = 0; p < np; p++) {
      size_t k = (size_t)r * np + p;
      brink_run_result *res = &sl->results[k];
#ifdef BRINK__LANES_HAVE_AVX2
      if (w->wide)
        brink__model_run_patched_wide(state, w->start, w->ladder, p == 0, o->policies[p], o->seed,
                                      first + r, params, res, tension);
      else
#endif
        brink__model_run_patched(state, o->policies[p], o->seed, first + r, params, res, tension);
      bin_tension(s, tension, res->steps_run, &sl->bins[k * horizon]);
    }
  }
}

/* The same batch in lanes (model_lanes.h): the batch's (run, policy) pairs enter the lanes
 * policy by policy (four lanes on the same policy's rules mispredict fewer branches than the
 * policies of one run side by side); the lanes step in lock step and a lane whose run ended
 * takes the next pair. Each run has its own state and streams and its own slot of the batch,
 * so which lane runs it and what runs beside it changes nothing in its numbers. */
static void compute_batch_lanes(const brink_model *m, const brink_engine_options *o,
                                const brink_summary *s, const queue *q, slot *sl, worker *w) {
  const size_t np = o->n_policies;
  const uint32_t horizon = s->horizon;
  const uint64_t off = sl->batch * q->batch_runs, first = o->first_run + off;
  const uint64_t n = s->runs - off < q->batch_runs ? s->runs - off : q->batch_runs;
  const uint64_t pairs = n * np;
  brink__lanes *L = w->lanes;
  for (uint64_t r = 0; r < n; r++)
    brink_model_sample_params(m, o->seed, first + r, &w->params[r * BRINK_MAX_PARAMS]);
  uint64_t pair[BRINK__LANES], next = 0;
  uint32_t active = 0;
  for (uint32_t l = 0; l < BRINK__LANES; l++) L->lane[l] = w->state[l];
  for (;;) {
    /* Fill the free lanes. */
    for (uint32_t l = 0; l < BRINK__LANES && next < pairs; l++) {
      if (active & (1u << l)) continue;
      uint64_t r = next % n, p = next / n;
      next++;
      const double *params = &w->params[r * BRINK_MAX_PARAMS];
      brink__model_patch(m, L->lane[l], params);
      brink__model_start_patched(L->lane[l], o->policies[p], o->seed, first + r, params);
      if (L->kind == BRINK__LANES_AVX2) brink__lanes_fill(L, l);
      pair[l] = r * np + p;
      active |= 1u << l;
    }
    if (!active) break;
    brink__model_decide_lanes(L, active);
    for (uint32_t act = active; act; act &= act - 1) {
      uint32_t l = (uint32_t)__builtin_ctz(act);
      run_state *st = L->lane[l];
#ifdef BRINK__LANES_HAVE_AVX2
      int ended = L->kind == BRINK__LANES_AVX2
                      ? brink__model_step_decided_avx2(st, &w->tension[l][st->step])
                      : brink__model_step_decided(st, &w->tension[l][st->step]);
#else
      int ended = brink__model_step_decided(st, &w->tension[l][st->step]);
#endif
      if (!ended) continue;
      brink_run_result *res = &sl->results[pair[l]];
      *res = st->result;
      bin_tension(s, w->tension[l], res->steps_run, &sl->bins[pair[l] * horizon]);
      active &= ~(1u << l);
    }
  }
}

static void fold_batch(brink_summary *s, const brink_engine_options *o, const queue *q,
                       const slot *sl) {
  const brink_model *m = s->model;
  const size_t np = o->n_policies;
  const uint32_t horizon = s->horizon;
  const uint64_t off = sl->batch * q->batch_runs, first = o->first_run + off;
  const uint64_t n = s->runs - off < q->batch_runs ? s->runs - off : q->batch_runs;
  for (uint64_t r = 0; r < n; r++) {
    const brink_run_result *row = &sl->results[(size_t)r * np];
    for (size_t p = 0; p < np; p++) {
      fold_run(s, &s->policies[p], &row[p],
               s->run_values ? &s->run_values[((off + r) * np + p) * 3] : NULL);
      const uint16_t *bins = &sl->bins[((size_t)r * np + p) * horizon];
      uint64_t *hist = s->policies[p].tension_hist;
      for (uint32_t t = 0; t < row[p].steps_run; t++) hist[(size_t)t * s->tension_bins + bins[t]]++;
    }
    for (size_t k = 0; k < s->n_pairs; k++) {
      brink_pair_stats *pair = &s->pairs[k];
      const brink_run_result *a = &row[pair->a], *b = &row[pair->b];
      double dw = (double)(a->war_step != BRINK_NEVER) - (double)(b->war_step != BRINK_NEVER);
      double dp = (double)a->provocations - (double)b->provocations;
      double dt = (double)(a->talks_step != BRINK_NEVER) - (double)(b->talks_step != BRINK_NEVER);
      pair->war_sum += dw;
      pair->war_sq += dw * dw;
      pair->prov_sum += dp;
      pair->prov_sq += dp * dp;
      pair->talks_sum += dt;
      pair->talks_sq += dt * dt;
    }
    if (o->on_run) {
      double params[BRINK_MAX_PARAMS];
      brink_model_sample_params(m, o->seed, first + r, params);
      for (size_t p = 0; p < np; p++)
        o->on_run(o->userdata, first + r, o->policies[p], &row[p], params);
    }
  }
  if (o->progress) o->progress(o->userdata, off + n, s->runs);
}

/* The master's part of the fold: every computed batch next in order, the mutex released while
 * folding (workers keep marking theirs done). Called and returns with the mutex held. Returns
 * 1 when the caller cancelled. */
static int fold_ready(brink_summary *s, const brink_engine_options *o, queue *q) {
  for (;;) {
    slot *sl = &q->slots[q->folded % q->n_slots];
    if (q->folded >= q->next || !sl->done || sl->batch != q->folded) return 0;
    pthread_mutex_unlock(&q->mu);
    fold_batch(s, o, q, sl);
    int cancelled = o->cancel && *o->cancel;
    pthread_mutex_lock(&q->mu);
    sl->done = 0;
    q->folded++;
    pthread_cond_broadcast(&q->cond);
    if (cancelled && q->folded < q->n_batches) {
      q->stop = q->next; /* hand out nothing more; the batches in flight end unfolded */
      return 1;
    }
  }
}

static void work(brink_summary *s, const brink_model *m, const brink_engine_options *o, queue *q,
                 worker *w, int master, int *cancelled) {
  pthread_mutex_lock(&q->mu);
  for (;;) {
    if (master && !*cancelled && fold_ready(s, o, q)) *cancelled = 1;
    if (q->next >= q->stop) break;
    if (q->next >= q->folded + q->n_slots) { /* the ring is full: wait for the fold */
      if (master && q->slots[q->folded % q->n_slots].done) continue;
      pthread_cond_wait(&q->cond, &q->mu);
      continue;
    }
    slot *sl = &q->slots[q->next % q->n_slots];
    sl->batch = q->next++;
    sl->done = 0;
    pthread_mutex_unlock(&q->mu);
    if (w->lanes)
      compute_batch_lanes(m, o, s, q, sl, w);
    else
      compute_batch(m, o, s, q, sl, w);
    pthread_mutex_lock(&q->mu);
    sl->done = 1;
    pthread_cond_broadcast(&q->cond);
  }
  /* The master folds the batches still in flight (after a cancel it only lets them end: the
   * region's end waits for them). */
  while (master && !*cancelled && q->folded < q->next) {
    if (fold_ready(s, o, q)) *cancelled = 1;
    if (!*cancelled && q->folded < q->next && !q->slots[q->folded % q->n_slots].done)
      pthread_cond_wait(&q->cond, &q->mu);
  }
  pthread_mutex_unlock(&q->mu);
}

brink_status brink_engine_run(brink_ctx *ctx, const brink_model *m, const brink_engine_options *o,
                              brink_summary **out) {
  brink_status st;
  brink_summary *s = NULL;
  brink_run_result *results = NULL;
  uint16_t *bins = NULL;
  /* One per thread, its numbers reused from run to run. Each thread's state and tension row
   * start on their own cache lines, LINE bytes apart at least: a state's generator is written
   * on every draw, and sharing its line with the neighbour's model pointers (read on every
   * step) cost the second thread most of its speed (docs/performance.md). */
  unsigned char *thread_mem = NULL;
  queue q;
  memset(&q, 0, sizeof q);
  *out = NULL;
  if ((st = check_options(ctx, m, o))) return st;
  if ((st = brink__summary_alloc(ctx, m, o, &s))) return st;
  const size_t np = o->n_policies;
  const uint64_t n_runs = s->runs;
  const uint32_t horizon = brink_model_horizon(m);
  const int threads = o->threads;
  /* Batches of up to BATCH runs, smaller when a slot would exceed SLOT_BYTES (long horizons,
   * many policies) or when there are too few runs to give every thread several batches. */
  size_t per_run = np * (sizeof(brink_run_result) + horizon * sizeof(uint16_t));
  uint64_t batch_runs = SLOT_BYTES / per_run;
  if (batch_runs > BATCH) batch_runs = BATCH;
  if (batch_runs > n_runs / (4 * (uint64_t)threads)) batch_runs = n_runs / (4 * (uint64_t)threads);
  if (batch_runs < 1) batch_runs = 1;
  q.batch_runs = batch_runs;
  q.n_batches = (n_runs + batch_runs - 1) / batch_runs;
  q.stop = q.n_batches;
  q.n_slots = 2 * (size_t)threads + 2;
  q.slots = brink_calloc(ctx, q.n_slots, sizeof *q.slots);
  results = brink_calloc(ctx, q.n_slots * batch_runs * np, sizeof *results);
  bins = brink_calloc(ctx, q.n_slots * batch_runs * np * horizon, sizeof *bins);
  /* Each thread's block: its states and tension rows (one per lane), and for the lanes their
   * shared numbers and a batch's parameters. */
  const brink__lanes_kind lanes = brink__lanes_select();
  const int in_lanes = lanes == BRINK__LANES_PORTABLE || lanes == BRINK__LANES_AVX2;
  const size_t n_lanes = in_lanes ? BRINK__LANES : 1;
  const int wide = brink__lanes_wide(lanes);
  const size_t state_stride = (sizeof(run_state) + LINE - 1) / LINE * LINE,
               tension_stride = ((size_t)horizon * sizeof(double) + LINE - 1) / LINE * LINE,
               lanes_stride = (sizeof(brink__lanes) + LINE - 1) / LINE * LINE,
               params_stride =
                   (batch_runs * BRINK_MAX_PARAMS * sizeof(double) + LINE - 1) / LINE * LINE,
               ladder_stride = (sizeof(brink__ladder) + LINE - 1) / LINE * LINE;
  const size_t thread_stride = n_lanes * (state_stride + tension_stride) +
                               (in_lanes ? lanes_stride + params_stride : 0) +
                               (wide ? state_stride + ladder_stride : 0);
  thread_mem = brink_calloc(ctx, (size_t)threads * thread_stride + 2 * LINE, 1);
  if (!q.slots || !results || !bins || !thread_mem) {
    st = BRINK_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < q.n_slots; i++) {
    q.slots[i].results = &results[i * batch_runs * np];
    q.slots[i].bins = &bins[i * batch_runs * np * horizon];
  }
  pthread_mutex_init(&q.mu, NULL);
  pthread_cond_init(&q.cond, NULL);
  /* Past the first line (the allocator's neighbours), rounded up to a line. */
  unsigned char *thread_base = line_up(thread_mem);
  int cancelled = 0;
  double start = omp_get_wtime();
#pragma omp parallel num_threads(threads)
  {
    int id = omp_get_thread_num();
    unsigned char *mem = thread_base + (size_t)id * thread_stride;
    worker w;
    memset(&w, 0, sizeof w);
    for (size_t l = 0; l < n_lanes; l++) {
      w.state[l] = (run_state *)(void *)mem;
      mem += state_stride;
      w.tension[l] = (double *)(void *)mem;
      mem += tension_stride;
    }
    w.wide = wide;
    if (wide) {
      w.start = (run_state *)(void *)mem;
      w.ladder = (brink__ladder *)(void *)(mem + state_stride);
      brink__ladder_kernel(w.ladder, lanes == BRINK__LANES_WIDE512);
    }
    if (in_lanes) {
      w.lanes = (brink__lanes *)(void *)mem;
      w.lanes->kind = lanes;
      w.params = (double *)(void *)(mem + lanes_stride);
    }
    work(s, m, o, &q, &w, id == 0, &cancelled);
  }
  s->seconds = omp_get_wtime() - start;
  pthread_cond_destroy(&q.cond);
  pthread_mutex_destroy(&q.mu);
  if (cancelled) {
    uint64_t done_runs = q.folded * batch_runs < n_runs ? q.folded * batch_runs : n_runs;
    st = brink__fail(ctx, BRINK_ECANCELED, "cancelled after %llu of %llu runs",
                     (unsigned long long)done_runs, (unsigned long long)n_runs);
  }
done:
  brink_free(ctx, q.slots);
  brink_free(ctx, results);
  brink_free(ctx, bins);
  brink_free(ctx, thread_mem);
  if (st) {
    brink_summary_free(s);
    return st;
  }
  *out = s;
  return BRINK_OK;
}

/* ---- Accessors of the opaque summary ----------------------------------------------------- */

uint64_t brink_summary_runs(const brink_summary *s) { return s ? s->runs : 0; }
uint64_t brink_summary_seed(const brink_summary *s) { return s ? s->seed : 0; }
double brink_summary_confidence(const brink_summary *s) { return s ? s->confidence : 0.0; }
uint32_t brink_summary_horizon(const brink_summary *s) { return s ? s->horizon : 0; }
int brink_summary_threads(const brink_summary *s) { return s ? s->threads : 0; }
double brink_summary_seconds(const brink_summary *s) { return s ? s->seconds : 0.0; }
uint64_t brink_summary_first_run(const brink_summary *s) { return s ? s->first_run : 0; }
size_t brink_summary_policy_count(const brink_summary *s) { return s ? s->n_policies : 0; }
uint32_t brink_summary_policy(const brink_summary *s, size_t i) {
  return s && i < s->n_policies ? s->policies[i].policy : UINT32_MAX;
}
size_t brink_summary_action_bins(const brink_summary *s) { return s ? s->action_bins : 0; }

static const brink_estimate nan_estimate = {NAN, NAN, NAN};

/* The paired sums of positions a and b as {sum, sum of squares} of a minus b: which = 0 war,
 * 1 provocations, 2 talks. Returns 0 when there is no such pair. */
static int pair_sums(const brink_summary *s, size_t a, size_t b, int which, double *sum,
                     double *sq) {
  if (!s || a == b || a >= s->n_policies || b >= s->n_policies) return 0;
  size_t lo = a < b ? a : b, hi = a < b ? b : a;
  for (size_t k = 0; k < s->n_pairs; k++) {
    const brink_pair_stats *p = &s->pairs[k];
    if (p->a != lo || p->b != hi) continue;
    *sum = which == 0 ? p->war_sum : which == 1 ? p->prov_sum : p->talks_sum;
    *sq = which == 0 ? p->war_sq : which == 1 ? p->prov_sq : p->talks_sq;
    if (a > b) *sum = -*sum; /* b minus a: the squares are the same */
    return 1;
  }
  return 0;
}

static brink_estimate pair_estimate(const brink_summary *s, size_t a, size_t b, int which) {
  double sum, sq;
  if (!pair_sums(s, a, b, which, &sum, &sq)) return nan_estimate;
  return brink_stats_mean(s->runs, sum, sq, s->z);
}

brink_estimate brink_summary_diff_p_war(const brink_summary *s, size_t a, size_t b) {
  return pair_estimate(s, a, b, 0);
}
brink_estimate brink_summary_diff_provocations(const brink_summary *s, size_t a, size_t b) {
  return pair_estimate(s, a, b, 1);
}
brink_estimate brink_summary_diff_p_talks(const brink_summary *s, size_t a, size_t b) {
  return pair_estimate(s, a, b, 2);
}

/* The sums of compared policy i, or NULL for a position out of range (the estimates are then
 * NaN, the histogram NULL). */
static const brink_policy_stats *stats_of(const brink_summary *s, size_t i) {
  return s && i < s->n_policies ? &s->policies[i] : NULL;
}
static brink_estimate wilson(const brink_summary *s, uint64_t k) {
  return brink_stats_wilson(k, s->runs, s->z);
}

brink_estimate brink_summary_p_war(const brink_summary *s, size_t i) {
  const brink_policy_stats *p = stats_of(s, i);
  return p ? wilson(s, p->wars) : nan_estimate;
}

brink_estimate brink_summary_p_war_by(const brink_summary *s, size_t i, uint32_t t) {
  const brink_policy_stats *p = stats_of(s, i);
  if (!p) return nan_estimate;
  uint64_t k = 0;
  for (uint32_t u = 0; u <= t && u < s->horizon; u++) k += p->war_by_step[u];
  return wilson(s, k);
}

brink_estimate brink_summary_p_clash(const brink_summary *s, size_t i) {
  const brink_policy_stats *p = stats_of(s, i);
  return p ? wilson(s, p->clashes_any) : nan_estimate;
}

brink_estimate brink_summary_p_nuclear(const brink_summary *s, size_t i) {
  const brink_policy_stats *p = stats_of(s, i);
  return p ? wilson(s, p->nuclear) : nan_estimate;
}

brink_estimate brink_summary_p_agreement(const brink_summary *s, size_t i) {
  const brink_policy_stats *p = stats_of(s, i);
  return p ? wilson(s, p->agreements) : nan_estimate;
}

brink_estimate brink_summary_p_war_cause(const brink_summary *s, size_t i, brink_war_cause cause) {
  const brink_policy_stats *p = stats_of(s, i);
  if (!p || (unsigned)cause >= BRINK_WAR_CAUSE_COUNT) return nan_estimate;
  return wilson(s, p->war_causes[cause]);
}

brink_estimate brink_summary_incidents(const brink_summary *s, size_t i) {
  const brink_policy_stats *p = stats_of(s, i);
  return p ? brink_stats_mean(s->runs, p->incidents_sum, p->incidents_sq, s->z) : nan_estimate;
}

brink_estimate brink_summary_clashes(const brink_summary *s, size_t i) {
  const brink_policy_stats *p = stats_of(s, i);
  return p ? brink_stats_mean(s->runs, p->clashes_sum, p->clashes_sq, s->z) : nan_estimate;
}

brink_estimate brink_summary_action(const brink_summary *s, size_t i, uint32_t actor,
                                    uint32_t action) {
  const brink_policy_stats *p = stats_of(s, i);
  if (!p || actor >= BRINK_MAX_ACTORS || action >= BRINK_MAX_ACTIONS) return nan_estimate;
  return brink_stats_mean(s->runs, p->action_sum[actor][action], p->action_sq[actor][action], s->z);
}

const uint64_t *brink_summary_action_hist(const brink_summary *s, size_t i, uint32_t actor,
                                          uint32_t action) {
  const brink_policy_stats *p = stats_of(s, i);
  if (!p || actor >= BRINK_MAX_ACTORS || action >= BRINK_MAX_ACTIONS) return NULL;
  return &p->action_hist[((size_t)actor * BRINK_MAX_ACTIONS + action) * s->action_bins];
}

brink_estimate brink_summary_p_talks(const brink_summary *s, size_t i) {
  const brink_policy_stats *p = stats_of(s, i);
  return p ? wilson(s, p->talks) : nan_estimate;
}

brink_estimate brink_summary_provocations(const brink_summary *s, size_t i) {
  const brink_policy_stats *p = stats_of(s, i);
  return p ? brink_stats_mean(s->runs, p->provocations_sum, p->provocations_sq, s->z)
           : nan_estimate;
}

brink_estimate brink_summary_time_to_talks(const brink_summary *s, size_t i) {
  const brink_policy_stats *p = stats_of(s, i);
  return p ? brink_stats_hist_median(p->talks_by_step, s->horizon, s->z) : nan_estimate;
}

double brink_summary_tension_quantile(const brink_summary *s, size_t i, uint32_t t, double q) {
  const brink_policy_stats *p = stats_of(s, i);
  if (!p || t >= s->horizon) return NAN;
  return brink_stats_hist_quantile(&p->tension_hist[(size_t)t * s->tension_bins], s->tension_bins,
                                   s->tension_origin, s->tension_width, q);
}
