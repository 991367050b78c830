/* SPDX-License-Identifier: MIT */
/* Iterated filtering, IF2 (include/brink/if2.h; Ionides et al. 2015, algorithm 1). */
#include <assert.h>
#include <math.h>
#include <string.h>

#include <omp.h>

#include "brink/if2.h"
#include "brink/rng.h"
#include "internal.h"
#include "scenario_internal.h"

enum { STREAM_WALK = 9, STREAM_RESAMPLE = 10 };

#define IF2_MAX_WINDOWS 64

void brink_if2_result_free(brink_if2_result *r) {
  if (!r) return;
  brink_ctx *ctx = r->ctx;
  brink_free(ctx, r->estimate);
  brink_free(ctx, r->spread);
  brink_free(ctx, r->trace);
  brink_free(ctx, r->loglik_trace);
  brink_free(ctx, r);
}

/* The unbounded scale of a parameter with support [lo, hi] (either may be infinite). */
static double to_free(const brink_param *p, double x) {
  int has_lo = isfinite(p->lo), has_hi = isfinite(p->hi);
  if (has_lo && has_hi) {
    double u = (x - p->lo) / (p->hi - p->lo);
    u = fmin(1.0 - 1e-9, fmax(1e-9, u));
    return log(u / (1.0 - u));
  }
  if (has_lo) return log(fmax(1e-300, x - p->lo));
  if (has_hi) return -log(fmax(1e-300, p->hi - x));
  return x;
}

static double to_natural(const brink_param *p, double z) {
  int has_lo = isfinite(p->lo), has_hi = isfinite(p->hi);
  if (has_lo && has_hi) return p->lo + (p->hi - p->lo) / (1.0 + exp(-z));
  if (has_lo) return p->lo + exp(z);
  if (has_hi) return p->hi - exp(-z);
  return z;
}

brink_status brink_if2_run(brink_ctx *ctx, const brink_model *m, const brink_filter_data *d,
                           const brink_if2_options *o, brink_if2_result **out) {
  brink_status st = BRINK_OK;
  brink_if2_result *r = NULL;
  brink_model_state **cur = NULL, **next = NULL;
  double *theta = NULL, *theta_next = NULL, *weight = NULL, *inc = NULL, *fv = NULL,
         *fv_next = NULL;
  int *dead = NULL, *dead_next = NULL;
  uint32_t *parent = NULL;
  *out = NULL;
  const brink_scenario *sc = brink_model_scenario(m);
  const uint32_t np = brink_model_n_params(m);
  if (o->particles < 2 || o->particles > (1u << 24))
    return brink__fail(ctx, BRINK_EINVAL, "particles must be between 2 and %u", 1u << 24);
  if (o->iterations < 1 || o->iterations > 10000)
    return brink__fail(ctx, BRINK_EINVAL, "iterations must be between 1 and 10000");
  if (!(o->sd > 0.0 && o->sd < 10.0))
    return brink__fail(ctx, BRINK_EINVAL, "the random-walk sd must be in (0, 10), got %g", o->sd);
  if (!(o->cooling > 0.0 && o->cooling <= 1.0))
    return brink__fail(ctx, BRINK_EINVAL, "cooling must be in (0, 1], got %g", o->cooling);
  if (o->threads < 1) return brink__fail(ctx, BRINK_EINVAL, "threads must be at least 1");
  if (o->n_free < 1 || o->n_free > np)
    return brink__fail(ctx, BRINK_EINVAL, "%zu free parameters; the scenario has %u", o->n_free,
                       np);
  for (size_t k = 0; k < o->n_free; k++) {
    if (o->free[k] >= np)
      return brink__fail(ctx, BRINK_EINVAL, "free parameter index %u out of range", o->free[k]);
    if (sc->params[o->free[k]].dist == BRINK_DIST_CONSTANT ||
        sc->params[o->free[k]].dist == BRINK_DIST_CHOICE)
      return brink__fail(
          ctx, BRINK_EINVAL, "parameter '%s' is a %s: only continuous priors can be estimated",
          sc->params[o->free[k]].name,
          sc->params[o->free[k]].dist == BRINK_DIST_CONSTANT ? "constant" : "choice");
  }
  if (o->n_windows + 1 > IF2_MAX_WINDOWS)
    return brink__fail(ctx, BRINK_EINVAL, "at most %d windows", IF2_MAX_WINDOWS);
  /* Where each free parameter sits in each window (windows may differ in their other
   * parameters: a context value that is uncertain in one window can be fixed in another). */
  static_assert(BRINK_MAX_PARAMS <= 255, "free-parameter map holds bytes");
  uint8_t where[IF2_MAX_WINDOWS][BRINK_MAX_PARAMS];
  for (size_t w = 0; w <= o->n_windows; w++) {
    if (w && (!o->windows || !o->window_steps || !o->windows[w - 1] ||
              (w > 1 && o->window_steps[w - 1] <= o->window_steps[w - 2])))
      return brink__fail(ctx, BRINK_EINVAL, "window %zu: missing or out of order", w + 1);
    const brink_scenario *ws = w ? brink_model_scenario(o->windows[w - 1]) : sc;
    for (size_t f = 0; f < o->n_free; f++) {
      int q = brink_scenario_find_param(ws, sc->params[o->free[f]].name);
      if (q < 0 || ws->params[q].dist == BRINK_DIST_CONSTANT)
        return brink__fail(ctx, BRINK_EINVAL,
                           "window %zu ('%s') has no uncertain parameter '%s' to estimate", w + 1,
                           ws->name, sc->params[o->free[f]].name);
      const brink_param *a = &sc->params[o->free[f]], *b = &ws->params[q];
      if (a->dist != b->dist || a->a != b->a || a->b != b->b || a->lo != b->lo || a->hi != b->hi)
        return brink__fail(ctx, BRINK_EINVAL,
                           "parameter '%s' has another prior in window %zu ('%s'): it is that "
                           "window's context, not one value for the whole history",
                           a->name, w + 1, ws->name);
      where[w][f] = (uint8_t)q;
    }
  }
  /* The record is checked by the filter's own rules. */
  brink_filter_options fo = {
      .particles = 1, .replicates = 1, .seed = o->seed, .threads = o->threads, .ess_fraction = 0.5};
  brink_filter_result *probe = NULL;
  brink_filter_data first = *d;
  first.n_steps = d->n_steps ? 1 : 0;
  if ((st = brink_filter_run(ctx, m, &first, &fo, &probe))) return st;
  brink_filter_result_free(probe);

  const size_t n = o->particles, nf = o->n_free, stride = BRINK_MAX_PARAMS;
  r = brink_calloc(ctx, 1, sizeof *r);
  if (r) r->ctx = ctx;
  if (!r) return BRINK_ENOMEM;
  r->n_free = nf;
  r->iterations = o->iterations;
  r->estimate = brink_calloc(ctx, nf, sizeof(double));
  r->spread = brink_calloc(ctx, nf, sizeof(double));
  r->trace = brink_calloc(ctx, (size_t)o->iterations * nf, sizeof(double));
  r->loglik_trace = brink_calloc(ctx, o->iterations, sizeof(double));
  theta = brink_calloc(ctx, n * stride, sizeof *theta); /* the current window's parameters */
  theta_next = brink_calloc(ctx, n * stride, sizeof *theta_next);
  fv = brink_calloc(ctx, n * nf, sizeof *fv); /* the free parameters: the swarm */
  fv_next = brink_calloc(ctx, n * nf, sizeof *fv_next);
  weight = brink_calloc(ctx, n, sizeof *weight);
  inc = brink_calloc(ctx, n, sizeof *inc);
  dead = brink_calloc(ctx, n, sizeof *dead);
  dead_next = brink_calloc(ctx, n, sizeof *dead_next);
  parent = brink_calloc(ctx, n, sizeof *parent);
  if (!r->estimate || !r->spread || !r->trace || !r->loglik_trace || !theta || !theta_next || !fv ||
      !fv_next || !weight || !inc || !dead || !dead_next || !parent) {
    st = BRINK_ENOMEM;
    goto done;
  }
  if ((st = brink__model_states_new(ctx, m, n, &cur)) ||
      (st = brink__model_states_new(ctx, m, n, &next)))
    goto done;
  /* Iteration 0 starts from the priors: particle k's free parameters are run k's draw. */
  for (size_t k = 0; k < n; k++) {
    double drawn[BRINK_MAX_PARAMS];
    brink_model_sample_params(m, o->seed, k, drawn);
    for (size_t f = 0; f < nf; f++) fv[k * nf + f] = drawn[where[0][f]];
  }

  double sd = o->sd;
  for (uint32_t it = 0; it < o->iterations; it++, sd *= o->cooling) {
    double loglik = 0.0;
#pragma omp parallel for num_threads(o->threads) schedule(static)
    for (int64_t k = 0; k < (int64_t)n; k++) {
      /* Types and streams are new each iteration; free parameters come from the swarm, the
       * others are redrawn from their priors for this particle and iteration. */
      uint64_t key = ((uint64_t)(it + 1) << 32) | (uint64_t)k;
      double *th = &theta[(size_t)k * stride];
      brink_model_sample_params(m, o->seed, key, th);
      for (size_t f = 0; f < nf; f++) th[where[0][f]] = fv[(size_t)k * nf + f];
      brink_model_state_init(cur[k], UINT32_MAX, o->seed, key, th);
      dead[k] = 0;
      weight[k] = 1.0 / (double)n;
    }
    size_t window = 0;
    for (uint32_t t = 0; t < d->n_steps; t++) {
      if (window < o->n_windows && t == o->window_steps[window]) {
        const brink_model *wm = o->windows[window++];
        int bad = 0;
#pragma omp parallel for num_threads(o->threads) schedule(static)
        for (int64_t k = 0; k < (int64_t)n; k++) {
          /* The new window's context from its priors; the free parameters stay the particle's. */
          double *th = &theta[(size_t)k * stride];
          brink_model_sample_params(
              wm, o->seed, ((uint64_t)(it + 1) << 40) | ((uint64_t)window << 32) | (uint64_t)k, th);
          for (size_t f = 0; f < nf; f++) th[where[window][f]] = fv[(size_t)k * nf + f];
          if (brink_model_state_rebind(cur[k], wm, UINT32_MAX, th)) {
#pragma omp atomic write
            bad = 1;
          }
        }
        if (bad) {
          st = brink__fail(ctx, BRINK_EINVAL,
                           "window %zu differs in structure from the first (actors, drivers, "
                           "ladders or commitments)",
                           window + 1);
          goto done;
        }
      }
#pragma omp parallel for num_threads(o->threads) schedule(dynamic, 16)
      for (int64_t k = 0; k < (int64_t)n; k++) {
        /* The random walk of the free parameters (on their unbounded scale). */
        brink_rng walk;
        brink_rng_init(&walk, o->seed, ((uint64_t)it << 40) | ((uint64_t)t << 20) | (uint64_t)k,
                       STREAM_WALK);
        double *th = &theta[(size_t)k * stride], *v = &fv[(size_t)k * nf];
        for (size_t f = 0; f < nf; f++) {
          const brink_param *p = &sc->params[o->free[f]];
          v[f] = to_natural(p, to_free(p, v[f]) + sd * brink_rng_normal(&walk));
          th[where[window][f]] = v[f];
        }
        brink_model_state_set_params(cur[k], th);
        inc[k] = brink__filter_advance(cur[k], d, t, &dead[k]);
      }
      double mean = 0.0;
      for (size_t k = 0; k < n; k++) mean += weight[k] * inc[k];
      if (!(mean > 0.0)) {
        st = brink__fail(ctx, BRINK_EINVAL,
                         "iteration %u, step %u: no particle can explain the record (every "
                         "weight is 0); more particles or wider priors are needed",
                         it + 1, t);
        goto done;
      }
      loglik += log(mean);
      for (size_t k = 0; k < n; k++) weight[k] = weight[k] * inc[k] / mean;
      /* Resample at every step (IF2 carries the parameters with the particles). */
      brink_rng rng;
      brink_rng_init(&rng, o->seed, ((uint64_t)it << 32) | t, STREAM_RESAMPLE);
      brink__resample_systematic(weight, n, brink_rng_uniform(&rng), parent);
#pragma omp parallel for num_threads(o->threads) schedule(static)
      for (int64_t k = 0; k < (int64_t)n; k++) {
        brink_model_state_copy(next[k], cur[parent[k]]);
        brink_model_state_reseed(
            next[k], o->seed, ((uint64_t)(it + 1) << 48) | ((uint64_t)(t + 1) << 24) | (uint64_t)k);
        memcpy(&theta_next[(size_t)k * stride], &theta[(size_t)parent[k] * stride],
               stride * sizeof *theta);
        memcpy(&fv_next[(size_t)k * nf], &fv[(size_t)parent[k] * nf], nf * sizeof *fv);
        dead_next[k] = dead[parent[k]];
      }
      brink_model_state **swap = cur;
      cur = next;
      next = swap;
      double *tswap = theta;
      theta = theta_next;
      theta_next = tswap;
      tswap = fv;
      fv = fv_next;
      fv_next = tswap;
      int *dswap = dead;
      dead = dead_next;
      dead_next = dswap;
      for (size_t k = 0; k < n; k++) weight[k] = 1.0 / (double)n;
    }
    r->loglik_trace[it] = loglik;
    for (size_t f = 0; f < nf; f++) {
      double sum = 0.0;
      for (size_t k = 0; k < n; k++) sum += fv[k * nf + f];
      r->trace[(size_t)it * nf + f] = sum / (double)n;
    }
    if (o->progress) o->progress(o->userdata, it + 1, o->iterations, loglik);
  }
  for (size_t f = 0; f < nf; f++) {
    double mean = r->trace[(size_t)(o->iterations - 1) * nf + f], sq = 0.0;
    for (size_t k = 0; k < n; k++) {
      double x = fv[k * nf + f] - mean;
      sq += x * x;
    }
    r->estimate[f] = mean;
    r->spread[f] = sqrt(sq / (double)(n - 1));
  }
done:
  brink__model_states_free(ctx, cur, n);
  brink__model_states_free(ctx, next, n);
  brink_free(ctx, theta);
  brink_free(ctx, theta_next);
  brink_free(ctx, fv);
  brink_free(ctx, fv_next);
  brink_free(ctx, weight);
  brink_free(ctx, inc);
  brink_free(ctx, dead);
  brink_free(ctx, dead_next);
  brink_free(ctx, parent);
  if (st) {
    brink_if2_result_free(r);
    return st;
  }
  *out = r;
  return BRINK_OK;
}
