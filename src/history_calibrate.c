/* SPDX-License-Identifier: MIT */
/* Calibration to a recorded history: IF2, likelihood slices, a posterior sample
 * (include/brink/calibrate.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "brink/calibrate.h"
#include "brink/file.h"
#include "brink/rng.h"
#include "dist.h"
#include "internal.h"
#include "scenario_internal.h"

#define HALF_CHI2_95 1.920729410347062 /* half the 95% quantile of chi-square(1) */

enum { STREAM_SAMPLE = 11 };

void brink_calibrate_result_free(brink_calibrate_result *r) {
  if (!r) return;
  brink_ctx *ctx = r->ctx;
  brink_if2_result_free(r->if2);
  brink_free(ctx, r->slices);
  brink_free(ctx, r);
}

typedef struct fixed_params {
  const char *names[BRINK_MAX_PARAMS];
  double row[BRINK_MAX_PARAMS];
  size_t n;
} fixed_params;

/* Sets one row (the free parameters at `row`) as the posterior of every window. */
static brink_status fix(brink_ctx *ctx, brink_model *const *w, size_t n_windows,
                        const fixed_params *f) {
  brink_status st = BRINK_OK;
  for (size_t k = 0; k < n_windows && !st; k++)
    st = brink_model_set_posterior(ctx, w[k], f->names, f->n, f->row, f->n ? 1 : 0);
  return st;
}

/* The filter's log-likelihood (mean over replicates) and its standard error. */
static brink_status loglik_at(brink_ctx *ctx, brink_model *const *w, const uint32_t *steps,
                              size_t n_windows, const brink_filter_data *d,
                              const brink_calibrate_options *o, const fixed_params *f, double *ll,
                              double *se, double *rep) {
  brink_status st = fix(ctx, w, n_windows, f);
  if (st) return st;
  brink_filter_options fo = {.particles = o->slice_particles,
                             .replicates = o->slice_replicates,
                             .seed = o->seed,
                             .threads = o->threads,
                             .ess_fraction = 0.5,
                             .windows = (const brink_model *const *)(n_windows > 1 ? &w[1] : NULL),
                             .window_steps = n_windows > 1 ? &steps[1] : NULL,
                             .n_windows = n_windows - 1};
  brink_filter_result *r = NULL;
  if ((st = brink_filter_run(ctx, w[0], d, &fo, &r))) return st;
  *ll = r->loglik;
  *se = r->loglik_se;
  if (rep) memcpy(rep, r->loglik_rep, o->slice_replicates * sizeof *rep);
  brink_filter_result_free(r);
  return BRINK_OK;
}

/* The slice interpolated linearly between its points, flat beyond the outermost. */
static double slice_at(const brink_calibrate_slice *s, double x) {
  if (x <= s->x[0]) return s->loglik[0];
  for (uint32_t i = 1; i < s->n_points; i++)
    if (x <= s->x[i]) {
      double span = s->x[i] - s->x[i - 1];
      double a = span > 0 ? (x - s->x[i - 1]) / span : 1.0;
      return s->loglik[i - 1] + a * (s->loglik[i] - s->loglik[i - 1]);
    }
  return s->loglik[s->n_points - 1];
}

/* The segments (i, i + 1) of a slice where it first crosses its cut, walking out from the best
 * point: seg[0] below the best, seg[1] above; -1 where the interval is open on that side. */
static void crossings(const brink_calibrate_slice *s, int seg[2]) {
  uint32_t best = 0;
  for (uint32_t i = 0; i < s->n_points; i++)
    if (s->loglik[i] > s->loglik[best]) best = i;
  double cut = s->loglik[best] - HALF_CHI2_95;
  seg[0] = seg[1] = -1;
  for (uint32_t i = best; i > 0; i--)
    if (s->loglik[i - 1] < cut) {
      seg[0] = (int)i - 1;
      break;
    }
  for (uint32_t i = best; i + 1 < s->n_points; i++)
    if (s->loglik[i + 1] < cut) {
      seg[1] = (int)i;
      break;
    }
}

/* Best point, 95% interval and flatness of a computed slice; rep[i * n_rep + r] is filter r's
 * log-likelihood at point i. */
static void summarise(brink_calibrate_slice *s, const double *rep, uint32_t n_rep) {
  uint32_t best = 0;
  for (uint32_t i = 0; i < s->n_points; i++)
    if (s->loglik[i] > s->loglik[best]) best = i;
  s->best = s->x[best];
  double cut = s->loglik[best] - HALF_CHI2_95;
  s->flat = 1;
  for (uint32_t i = 0; i < s->n_points; i++) {
    double mean = s->loglik[best] - s->loglik[i], sq = 0.0;
    for (uint32_t r = 0; r < n_rep; r++) {
      double x = rep[best * n_rep + r] - rep[i * n_rep + r] - mean;
      sq += x * x;
    }
    s->se_diff[i] = sqrt(sq / (n_rep - 1) / n_rep);
    if (mean - 2.0 * s->se_diff[i] > HALF_CHI2_95) s->flat = 0;
  }
  /* The interval's ends: the first crossings of the cut, interpolated in their segments. */
  int seg[2];
  crossings(s, seg);
  s->lo = s->x[0];
  s->lo_open = seg[0] < 0;
  if (seg[0] >= 0) {
    uint32_t i = (uint32_t)seg[0] + 1;
    double a = (s->loglik[i] - cut) / (s->loglik[i] - s->loglik[i - 1]);
    s->lo = s->x[i] - a * (s->x[i] - s->x[i - 1]);
  }
  s->hi = s->x[s->n_points - 1];
  s->hi_open = seg[1] < 0;
  if (seg[1] >= 0) {
    uint32_t i = (uint32_t)seg[1];
    double a = (s->loglik[i] - cut) / (s->loglik[i] - s->loglik[i + 1]);
    s->hi = s->x[i] + a * (s->x[i + 1] - s->x[i]);
  }
}

/* Inserts point (x, ll, se, its filters' log-likelihoods) into the slice in ascending order of
 * x; rep holds n_rep values per point, in the slice's order. */
static void insert_point(brink_calibrate_slice *s, double *rep, uint32_t n_rep, double x, double ll,
                         double se, const double *point_rep) {
  uint32_t at = s->n_points;
  while (at > 0 && s->x[at - 1] > x) at--;
  size_t tail = s->n_points - at;
  memmove(&s->x[at + 1], &s->x[at], tail * sizeof *s->x);
  memmove(&s->loglik[at + 1], &s->loglik[at], tail * sizeof *s->loglik);
  memmove(&s->se[at + 1], &s->se[at], tail * sizeof *s->se);
  memmove(&rep[(size_t)(at + 1) * n_rep], &rep[(size_t)at * n_rep], tail * n_rep * sizeof *rep);
  s->x[at] = x;
  s->loglik[at] = ll;
  s->se[at] = se;
  memcpy(&rep[(size_t)at * n_rep], point_rep, n_rep * sizeof *rep);
  s->n_points++;
}

static void if2_progress(void *ud, uint32_t it, uint32_t its, double loglik) {
  const brink_calibrate_options *o = ud;
  o->progress(o->userdata, 1, it, its, loglik);
}

brink_status brink_calibrate_run(brink_ctx *ctx, brink_model *const *w, const uint32_t *steps,
                                 size_t n_windows, const brink_filter_data *d,
                                 const brink_calibrate_options *o, brink_calibrate_result **out) {
  *out = NULL;
  if (n_windows < 1 || !w || !steps)
    return brink__fail(ctx, BRINK_EINVAL, "calibration needs at least one window");
  if (o->slice_points < 3 || o->slice_points > BRINK_CALIBRATE_MAX_POINTS)
    return brink__fail(ctx, BRINK_EINVAL, "slice points must be between 3 and %d, got %u",
                       BRINK_CALIBRATE_MAX_POINTS, o->slice_points);
  if (o->slice_particles < 1 || o->slice_replicates < 2)
    return brink__fail(ctx, BRINK_EINVAL,
                       "slices need at least 1 particle and 2 replicates (for their error)");
  if (o->slice_refine > BRINK_CALIBRATE_MAX_REFINE)
    return brink__fail(ctx, BRINK_EINVAL, "slice refinement must be between 0 and %d, got %u",
                       BRINK_CALIBRATE_MAX_REFINE, o->slice_refine);
  const brink_scenario *sc = brink_model_scenario(w[0]);
  const uint32_t np = brink_model_n_params(w[0]);
  for (size_t f = 0; f < o->n_free; f++) {
    if (o->free[f] >= np)
      return brink__fail(ctx, BRINK_EINVAL, "free parameter index %u out of range", o->free[f]);
    for (size_t g = 0; g < f; g++)
      if (o->free[g] == o->free[f])
        return brink__fail(ctx, BRINK_EINVAL, "parameter '%s' is named twice",
                           sc->params[o->free[f]].name);
  }
  brink_status st;
  double *rep = NULL;
  brink_calibrate_result *r = brink_calloc(ctx, 1, sizeof *r);
  if (r) r->ctx = ctx;
  if (!r) return BRINK_ENOMEM;
  r->n_free = o->n_free;
  r->slices = brink_calloc(ctx, o->n_free ? o->n_free : 1, sizeof *r->slices);
  if (!r->slices) {
    brink_free(ctx, r);
    return BRINK_ENOMEM;
  }
  /* 1. IF2 over the windows (no posterior on them: the other parameters from their priors). */
  fixed_params none = {{0}, {0}, 0};
  if ((st = fix(ctx, w, n_windows, &none))) goto done;
  brink_if2_options io = {o->particles,
                          o->iterations,
                          o->sd,
                          o->cooling,
                          o->free,
                          o->n_free,
                          o->seed,
                          o->threads,
                          NULL,
                          NULL,
                          (const brink_model *const *)(n_windows > 1 ? &w[1] : NULL),
                          n_windows > 1 ? &steps[1] : NULL,
                          n_windows - 1};
  if (o->progress) {
    io.progress = if2_progress;
    io.userdata = (void *)o;
  }
  if ((st = brink_if2_run(ctx, w[0], d, &io, &r->if2))) goto done;

  /* 2. The slices, and the filter at the estimate. */
  fixed_params at = {{0}, {0}, o->n_free};
  for (size_t f = 0; f < o->n_free; f++) {
    at.names[f] = sc->params[o->free[f]].name;
    at.row[f] = r->if2->estimate[f];
  }
  const uint64_t total = 1 + (uint64_t)o->n_free * (o->slice_points + 1 + 2 * o->slice_refine);
  uint64_t done_runs = 0;
  /* Every point's filters, then one more row for the point being refined. */
  const size_t cap = (size_t)o->slice_points + 1 + 2 * o->slice_refine;
  rep = brink_calloc(ctx, (cap + 1) * o->slice_replicates, sizeof *rep);
  if (!rep) {
    st = BRINK_ENOMEM;
    goto done;
  }
  if ((st = loglik_at(ctx, w, steps, n_windows, d, o, &at, &r->loglik, &r->loglik_se, NULL)))
    goto done;
  if (o->progress) o->progress(o->userdata, 2, ++done_runs, total, r->loglik);
  for (size_t f = 0; f < o->n_free; f++) {
    brink_calibrate_slice *s = &r->slices[f];
    const brink_param *p = &sc->params[o->free[f]];
    s->param = o->free[f];
    s->estimate = r->if2->estimate[f];
    s->spread = r->if2->spread[f];
    /* The grid: prior quantiles (i + 1/2) / G, and the estimate, in ascending order. */
    uint32_t n = 0;
    int placed = 0;
    for (uint32_t i = 0; i < o->slice_points; i++) {
      double x;
      if (brink__dist_quantile(p, (i + 0.5) / o->slice_points, &x)) {
        st = brink__fail(ctx, BRINK_EINVAL, "parameter '%s': its prior's quantiles fail", p->name);
        goto done;
      }
      if (!placed && s->estimate <= x) {
        s->x[n++] = s->estimate;
        placed = 1;
      }
      s->x[n++] = x;
    }
    if (!placed) s->x[n++] = s->estimate;
    s->n_points = n;
    for (uint32_t i = 0; i < n; i++) {
      fixed_params pt = at;
      pt.row[f] = s->x[i];
      if ((st = loglik_at(ctx, w, steps, n_windows, d, o, &pt, &s->loglik[i], &s->se[i],
                          &rep[(size_t)i * o->slice_replicates])))
        goto done;
      if (o->progress) o->progress(o->userdata, 2, ++done_runs, total, s->loglik[i]);
    }
    summarise(s, rep, o->slice_replicates);
    /* Refinement: slice_refine points inside each segment that crosses the cut. */
    if (o->slice_refine) {
      int seg[2];
      crossings(s, seg);
      double *extra = &rep[cap * o->slice_replicates];
      double from[2], to[2]; /* both segments before any point moves the indices */
      for (int side = 0; side < 2; side++) {
        from[side] = seg[side] >= 0 ? s->x[seg[side]] : 0.0;
        to[side] = seg[side] >= 0 ? s->x[seg[side] + 1] : 0.0;
      }
      for (int side = 0; side < 2; side++) {
        double a = from[side], b = to[side];
        for (uint32_t j = 1; j <= o->slice_refine; j++) {
          if (seg[side] < 0 || !(b > a)) {
            done_runs++;
            continue;
          }
          fixed_params pt = at;
          pt.row[f] = a + (b - a) * j / (o->slice_refine + 1);
          double ll, se;
          if ((st = loglik_at(ctx, w, steps, n_windows, d, o, &pt, &ll, &se, extra))) goto done;
          insert_point(s, rep, o->slice_replicates, pt.row[f], ll, se, extra);
          if (o->progress) o->progress(o->userdata, 2, ++done_runs, total, ll);
        }
      }
      summarise(s, rep, o->slice_replicates);
    }
  }
done:
  brink_free(ctx, rep);
  fix(ctx, w, n_windows, &none);
  if (st) {
    brink_calibrate_result_free(r);
    return st;
  }
  *out = r;
  return BRINK_OK;
}

brink_status brink_calibrate_sample(brink_ctx *ctx, const brink_calibrate_result *r,
                                    const brink_scenario *sc, uint64_t seed, size_t n_draws,
                                    double *draws) {
  for (size_t f = 0; f < r->n_free; f++) {
    const brink_calibrate_slice *s = &r->slices[f];
    const brink_param *p = &sc->params[s->param];
    double top = -HUGE_VAL;
    for (uint32_t i = 0; i < s->n_points; i++) top = fmax(top, s->loglik[i]);
    brink_rng rng;
    brink_rng_init(&rng, seed, f, STREAM_SAMPLE);
    for (size_t k = 0; k < n_draws; k++) {
      /* Rejection from the prior: accept x with probability exp(slice(x) - max) <= 1. */
      int accepted = 0;
      for (uint32_t tries = 0; tries < 1000000 && !accepted; tries++) {
        double x;
        if (brink__dist_quantile(p, brink_rng_uniform(&rng), &x)) continue;
        if (brink_rng_uniform(&rng) < exp(slice_at(s, x) - top)) {
          draws[k * r->n_free + f] = x;
          accepted = 1;
        }
      }
      if (!accepted)
        return brink__fail(ctx, BRINK_ERANGE,
                           "parameter '%s': no prior draw in a million falls where its slice "
                           "likelihood is; more slice points are needed",
                           p->name);
    }
  }
  return BRINK_OK;
}

brink_status brink_calibrate_write_posterior(brink_ctx *ctx, const brink_calibrate_result *r,
                                             const brink_scenario *sc, const double *draws,
                                             size_t n_draws, const char *comment,
                                             const char *path) {
  brink_file *file = NULL;
  brink_status st = brink_file_open(ctx, path, &file);
  if (st) return st;
  FILE *out = brink_file_stream(file);
  if (comment) {
    const char *p = comment;
    while (*p) {
      const char *eol = strchr(p, '\n');
      size_t len = eol ? (size_t)(eol - p) : strlen(p);
      fprintf(out, "# %.*s\n", (int)len, p);
      p += len + (eol ? 1 : 0);
    }
  }
  for (size_t f = 0; f < r->n_free; f++)
    fprintf(out, "%s%s", f ? "\t" : "", sc->params[r->slices[f].param].name);
  fputc('\n', out);
  for (size_t k = 0; k < n_draws; k++) {
    for (size_t f = 0; f < r->n_free; f++)
      fprintf(out, "%s%.17g", f ? "\t" : "", draws[k * r->n_free + f]);
    fputc('\n', out);
  }
  return brink_file_commit(ctx, file);
}
