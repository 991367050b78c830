/* SPDX-License-Identifier: MIT */
/* A bootstrap particle filter over a recorded history (include/brink/filter.h): forced acts,
 * weights from the model's own choice probabilities, systematic resampling when the effective
 * sample size falls, the log-likelihood and filtered means of the state. */
#include <math.h>
#include <string.h>

#include <omp.h>

#include "brink/filter.h"
#include "brink/rng.h"
#include "internal.h"
#include "scenario_internal.h"

/* Streams of the filter's own draws (resampling), apart from the model's. */
enum { STREAM_RESAMPLE = 7 };

void brink__resample_systematic(const double *weight, size_t n, double u0, uint32_t *parent) {
  double u = u0 / (double)n, acc = weight[0];
  size_t j = 0;
  for (size_t k = 0; k < n; k++) {
    double point = u + (double)k / (double)n;
    while (point > acc && j + 1 < n) acc += weight[++j];
    parent[k] = (uint32_t)j;
  }
}

void brink_filter_result_free(brink_filter_result *r) {
  if (!r) return;
  brink_ctx *ctx = r->ctx;
  brink_free(ctx, r->loglik_rep);
  brink_free(ctx, r->loglik_step);
  brink_free(ctx, r->ess);
  brink_free(ctx, r->p_greedy);
  brink_free(ctx, r->p_greedy_final);
  brink_free(ctx, r->readiness);
  brink_free(ctx, r->credibility);
  brink_free(ctx, r->fear);
  brink_free(ctx, r->steps_war);
  brink__model_states_free(ctx, r->final, r->particles);
  brink_free(ctx, r->final_weight);
  brink_free(ctx, r);
}

static brink_status check(brink_ctx *ctx, const brink_model *m, const brink_filter_data *d,
                          const brink_filter_options *o) {
  const brink_scenario *sc = brink_model_scenario(m);
  if (o->particles < 1 || o->particles > (1u << 24))
    return brink__fail(ctx, BRINK_EINVAL, "particles must be between 1 and %u, got %u", 1u << 24,
                       o->particles);
  if (o->replicates < 1 || o->replicates > 1000)
    return brink__fail(ctx, BRINK_EINVAL, "replicates must be between 1 and 1000, got %u",
                       o->replicates);
  if (o->threads < 1) return brink__fail(ctx, BRINK_EINVAL, "threads must be at least 1");
  if (!(d->misrecord >= 0.0 && d->misrecord < 1.0))
    return brink__fail(ctx, BRINK_EINVAL, "misrecord must be in [0, 1), got %g", d->misrecord);
  if (!(o->ess_fraction >= 0.0 && o->ess_fraction <= 1.0))
    return brink__fail(ctx, BRINK_EINVAL, "ess_fraction must be in [0, 1], got %g",
                       o->ess_fraction);
  if (d->n_actors != sc->n_actors)
    return brink__fail(ctx, BRINK_EINVAL, "the record has %u actors, the scenario %zu", d->n_actors,
                       sc->n_actors);
  if (d->n_steps < 1 || d->n_steps > brink_model_horizon(m))
    return brink__fail(ctx, BRINK_EINVAL, "the record has %u steps; the model's horizon is %u",
                       d->n_steps, brink_model_horizon(m));
  for (uint32_t i = 0; i < d->n_actors; i++)
    if ((d->scored & (1u << i)) && sc->actors[i].driver != BRINK_DRIVER_BEHAVIOURAL)
      return brink__fail(ctx, BRINK_EINVAL,
                         "actor '%s' is scored but is not behavioural (its acts have no model "
                         "probability)",
                         sc->actors[i].name);
  for (size_t w = 0; w < o->n_windows; w++)
    if (!o->windows || !o->window_steps || o->window_steps[w] >= d->n_steps ||
        (w && o->window_steps[w] <= o->window_steps[w - 1]) ||
        brink_model_horizon(o->windows[w]) < d->n_steps)
      return brink__fail(ctx, BRINK_EINVAL,
                         "window %zu: its first step must rise, lie inside the record and its "
                         "model's horizon cover the record's %u steps",
                         w + 1, d->n_steps);
  for (size_t k = 0; k < (size_t)d->n_steps * d->n_actors; k++) {
    int a = d->acts[k];
    uint32_t i = (uint32_t)(k % d->n_actors);
    if (a != BRINK_FILTER_FREE && (a < -1 || a >= (int)sc->actors[i].n_ladder))
      return brink__fail(ctx, BRINK_EINVAL, "step %zu: act %d of actor '%s' is not on its ladder",
                         k / d->n_actors, a, sc->actors[i].name);
  }
  return BRINK_OK;
}

static brink_status alloc_result(brink_ctx *ctx, const brink_filter_data *d,
                                 const brink_filter_options *o, brink_filter_result **out) {
  brink_filter_result *r = brink_calloc(ctx, 1, sizeof *r);
  if (r) r->ctx = ctx;
  if (!r) return BRINK_ENOMEM;
  size_t cells = (size_t)d->n_steps * d->n_actors;
  r->n_steps = d->n_steps;
  r->n_actors = d->n_actors;
  r->replicates = o->replicates;
  r->particles = o->particles;
  r->loglik_rep = brink_calloc(ctx, o->replicates, sizeof(double));
  r->loglik_step = brink_calloc(ctx, d->n_steps, sizeof(double));
  r->ess = brink_calloc(ctx, d->n_steps, sizeof(double));
  r->p_greedy = brink_calloc(ctx, cells, sizeof(double));
  r->readiness = brink_calloc(ctx, cells, sizeof(double));
  r->credibility = brink_calloc(ctx, cells, sizeof(double));
  r->fear = brink_calloc(ctx, cells, sizeof(double));
  r->steps_war = brink_calloc(ctx, d->n_steps, sizeof(uint32_t));
  r->p_greedy_final = brink_calloc(ctx, (size_t)o->replicates * d->n_actors, sizeof(double));
  if (!r->loglik_rep || !r->loglik_step || !r->ess || !r->p_greedy || !r->readiness ||
      !r->credibility || !r->fear || !r->steps_war || !r->p_greedy_final) {
    brink_filter_result_free(r);
    return BRINK_ENOMEM;
  }
  *out = r;
  return BRINK_OK;
}

/* The incremental weight of one particle for step t: the model's probability of the scored
 * actors' recorded acts, then the step with every recorded act forced. A particle in which war
 * begins contradicts the record (no war) and gets weight 0. */
double brink__filter_advance(brink_model_state *st, const brink_filter_data *d, uint32_t t,
                             int *dead) {
  if (*dead) return 0.0;
  double w = 1.0, probs[BRINK_MAX_ACTIONS];
  const int *row = &d->acts[(size_t)t * d->n_actors];
  for (uint32_t i = 0; i < d->n_actors; i++) {
    if (row[i] == BRINK_FILTER_FREE) continue;
    if (d->scored & (1u << i)) {
      if (brink_model_state_choice_probs(st, i, probs)) return 0.0;
      double p = row[i] >= 0 ? probs[row[i]] : 0.0;
      uint32_t n_ladder =
          (uint32_t)brink_model_scenario(brink_model_state_model(st))->actors[i].n_ladder;
      w *= (1.0 - d->misrecord) * p + d->misrecord / (double)(n_ladder ? n_ladder : 1);
    }
    brink_model_state_force(st, i, row[i]);
  }
  brink_model_state_step(st, NULL, NULL);
  if (brink_model_state_result(st)->war_step != BRINK_NEVER) {
    *dead = 1;
    return 0.0;
  }
  return w;
}

brink_status brink_filter_run(brink_ctx *ctx, const brink_model *m, const brink_filter_data *d,
                              const brink_filter_options *o, brink_filter_result **out) {
  brink_status st;
  brink_filter_result *r = NULL;
  brink_model_state **cur = NULL, **next = NULL;
  double *weight = NULL, *inc = NULL;
  int *dead = NULL, *dead_next = NULL;
  uint32_t *parent = NULL;
  *out = NULL;
  if ((st = check(ctx, m, d, o))) return st;
  if ((st = alloc_result(ctx, d, o, &r))) return st;
  const size_t n = o->particles;
  if ((st = brink__model_states_new(ctx, m, n, &cur)) ||
      (st = brink__model_states_new(ctx, m, n, &next)))
    goto done;
  weight = brink_calloc(ctx, n, sizeof *weight);
  inc = brink_calloc(ctx, n, sizeof *inc);
  dead = brink_calloc(ctx, n, sizeof *dead);
  dead_next = brink_calloc(ctx, n, sizeof *dead_next);
  parent = brink_calloc(ctx, n, sizeof *parent);
  if (!weight || !inc || !dead || !dead_next || !parent) {
    st = BRINK_ENOMEM;
    goto done;
  }
  const uint64_t total = (uint64_t)o->replicates * d->n_steps;
  for (uint32_t rep = 0; rep < o->replicates; rep++) {
    double loglik = 0.0;
    /* Particle k of replicate rep is run (rep << 32 | k) of the model: its own parameters
     * (unless given), hidden types and streams. */
#pragma omp parallel for num_threads(o->threads) schedule(static)
    for (int64_t k = 0; k < (int64_t)n; k++) {
      brink_model_state_init(cur[k], UINT32_MAX, o->seed, ((uint64_t)rep << 32) | (uint64_t)k,
                             o->params);
      dead[k] = 0;
      weight[k] = 1.0 / (double)n;
    }
    size_t window = 0;
    for (uint32_t t = 0; t < d->n_steps; t++) {
      if (window < o->n_windows && t == o->window_steps[window]) {
        const brink_model *next_model = o->windows[window++];
        int bad = 0;
#pragma omp parallel for num_threads(o->threads) schedule(static)
        for (int64_t k = 0; k < (int64_t)n; k++)
          if (brink_model_state_rebind(cur[k], next_model, UINT32_MAX, NULL)) {
#pragma omp atomic write
            bad = 1;
          }
        if (bad) {
          st = brink__fail(ctx, BRINK_EINVAL,
                           "window %zu differs in structure from the first (actors, drivers, "
                           "ladders or commitments)",
                           window);
          goto done;
        }
      }
#pragma omp parallel for num_threads(o->threads) schedule(dynamic, 16)
      for (int64_t k = 0; k < (int64_t)n; k++)
        inc[k] = brink__filter_advance(cur[k], d, t, &dead[k]);
      /* Sums in particle order: the same bytes for any thread count. */
      double mean = 0.0;
      for (size_t k = 0; k < n; k++) mean += weight[k] * inc[k];
      if (!(mean > 0.0)) {
        loglik = -HUGE_VAL;
        if (rep == 0)
          for (uint32_t u = t; u < d->n_steps; u++) r->loglik_step[u] = -HUGE_VAL;
        break;
      }
      loglik += log(mean);
      double sq = 0.0;
      for (size_t k = 0; k < n; k++) {
        weight[k] = weight[k] * inc[k] / mean;
        sq += weight[k] * weight[k];
      }
      double ess = 1.0 / sq;
      if (rep == 0) {
        r->loglik_step[t] = log(mean);
        r->ess[t] = ess;
        for (size_t k = 0; k < n; k++)
          if (dead[k] && inc[k] == 0.0 && brink_model_state_result(cur[k])->war_step == t)
            r->steps_war[t]++;
        for (uint32_t i = 0; i < d->n_actors; i++) {
          double g = 0.0, rd = 0.0, cr = 0.0, fe = 0.0;
          for (size_t k = 0; k < n; k++) {
            if (weight[k] == 0.0) continue;
            brink_actor_state a;
            brink_model_state_actor(cur[k], i, &a);
            g += weight[k] * a.type;
            rd += weight[k] * a.readiness;
            cr += weight[k] * a.credibility;
            fe += weight[k] * a.fear;
          }
          size_t cell = (size_t)t * d->n_actors + i;
          r->p_greedy[cell] = g;
          r->readiness[cell] = rd;
          r->credibility[cell] = cr;
          r->fear[cell] = fe;
        }
      }
      if (t + 1 < d->n_steps && ess < o->ess_fraction * (double)n) {
        /* Systematic resampling (Kitagawa 1996): one uniform, n evenly spaced points. */
        brink_rng rng;
        brink_rng_init(&rng, o->seed, ((uint64_t)rep << 32) | t, STREAM_RESAMPLE);
        brink__resample_systematic(weight, n, brink_rng_uniform(&rng), parent);
#pragma omp parallel for num_threads(o->threads) schedule(static)
        for (int64_t k = 0; k < (int64_t)n; k++) {
          brink_model_state_copy(next[k], cur[parent[k]]);
          dead_next[k] = dead[parent[k]];
          /* Copies of one parent continue on different draws from here. */
          brink_model_state_reseed(next[k], o->seed,
                                   ((uint64_t)rep << 48) | ((uint64_t)(t + 1) << 24) | (uint64_t)k);
        }
        brink_model_state **swap = cur;
        cur = next;
        next = swap;
        int *dswap = dead;
        dead = dead_next;
        dead_next = dswap;
        for (size_t k = 0; k < n; k++) weight[k] = 1.0 / (double)n;
        if (rep == 0) r->resamples++;
      }
      if (o->progress) o->progress(o->userdata, (uint64_t)rep * d->n_steps + t + 1, total);
      if (o->cancel && *o->cancel) {
        st = brink__fail(ctx, BRINK_ECANCELED, "cancelled after %u of %u steps of filter %u", t + 1,
                         d->n_steps, rep + 1);
        goto done;
      }
    }
    r->loglik_rep[rep] = loglik;
    for (uint32_t i = 0; i < d->n_actors && isfinite(loglik); i++) {
      double g = 0.0;
      for (size_t k = 0; k < n; k++) {
        if (weight[k] == 0.0) continue;
        brink_actor_state a;
        brink_model_state_actor(cur[k], i, &a);
        g += weight[k] * a.type;
      }
      r->p_greedy_final[(size_t)rep * d->n_actors + i] = g;
    }
    if (rep == 0 && o->keep_particles) {
      /* Hand replicate 0's particles over to the result (the buffers are replaced). */
      r->final = cur;
      r->final_weight = weight;
      cur = NULL;
      weight = NULL;
      if ((st = brink__model_states_new(ctx, m, n, &cur))) goto done;
      weight = brink_calloc(ctx, n, sizeof *weight);
      if (!weight) {
        st = BRINK_ENOMEM;
        goto done;
      }
    }
  }
  double sum = 0.0, sq = 0.0;
  for (uint32_t rep = 0; rep < o->replicates; rep++) sum += r->loglik_rep[rep];
  r->loglik = sum / o->replicates;
  for (uint32_t rep = 0; rep < o->replicates; rep++)
    sq += (r->loglik_rep[rep] - r->loglik) * (r->loglik_rep[rep] - r->loglik);
  r->loglik_se = o->replicates > 1 ? sqrt(sq / (o->replicates - 1) / o->replicates) : 0.0;
  if (!isfinite(r->loglik)) r->loglik_se = 0.0;
done:
  brink__model_states_free(ctx, cur, n);
  brink__model_states_free(ctx, next, n);
  brink_free(ctx, weight);
  brink_free(ctx, inc);
  brink_free(ctx, dead);
  brink_free(ctx, dead_next);
  brink_free(ctx, parent);
  if (st) {
    brink_filter_result_free(r);
    return st;
  }
  *out = r;
  return BRINK_OK;
}
