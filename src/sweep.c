/* SPDX-License-Identifier: MIT */
/* Sweeps: designs of parameter values (grid, Latin hypercube, Sobol) and the evaluation of
 * one design point (scenario reloaded with the point's overrides, then the engine). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_qrng.h>

#include "brink/engine.h"
#include "brink/model.h"
#include "brink/rng.h"
#include "brink/sweep.h"
#include "internal.h"
#include "engine_internal.h"

#define LHS_STREAM 0x1b5u

static const char *const design_names[] = {"grid", "lhs", "sobol"};

const char *brink_sweep_design_name(brink_sweep_design d) {
  return (unsigned)d < BRINK_ARRAY_LEN(design_names) ? design_names[d] : "?";
}

brink_status brink_sweep_design_parse(brink_ctx *ctx, const char *name, brink_sweep_design *out) {
  for (size_t i = 0; name && i < BRINK_ARRAY_LEN(design_names); i++)
    if (!strcmp(name, design_names[i])) {
      *out = (brink_sweep_design)i;
      return BRINK_OK;
    }
  return brink__fail(ctx, BRINK_EINVAL, "unknown design '%s': expected grid, lhs or sobol",
                     name ? name : "");
}

#define METRIC_NAME(e, name, unit) name,
#define METRIC_UNIT(e, name, unit) unit,
static const char *const metric_names[] = {BRINK_SWEEP_METRICS(METRIC_NAME)};
static const char *const metric_units[] = {BRINK_SWEEP_METRICS(METRIC_UNIT)};

const char *brink_sweep_metric_name(brink_sweep_metric m) {
  return (unsigned)m < BRINK_METRIC_COUNT ? metric_names[m] : "?";
}
const char *brink_sweep_metric_unit(brink_sweep_metric m) {
  return (unsigned)m < BRINK_METRIC_COUNT ? metric_units[m] : "?";
}

void brink_sweep_axis_release(brink_ctx *ctx, brink_sweep_axis *axis) {
  if (!axis) return;
  brink_free(ctx, axis->path);
  axis->path = NULL;
}

brink_status brink_sweep_axis_parse(brink_ctx *ctx, const char *text, uint32_t default_levels,
                                    brink_sweep_axis *out) {
  memset(out, 0, sizeof *out);
  const char *eq = strrchr(text, '=');
  if (!eq || eq == text)
    return brink__fail(ctx, BRINK_EINVAL, "bad parameter range '%s': expected PATH=LO:HI[:N]",
                       text);
  const char *c1 = strchr(eq + 1, ':');
  if (!c1)
    return brink__fail(ctx, BRINK_EINVAL, "bad parameter range '%s': expected PATH=LO:HI[:N]",
                       text);
  const char *c2 = strchr(c1 + 1, ':');
  const char *hi_end = c2 ? c2 : c1 + strlen(c1);
  double lo, hi;
  if (brink_parse_f64(eq + 1, (size_t)(c1 - eq - 1), &lo) ||
      brink_parse_f64(c1 + 1, (size_t)(hi_end - c1 - 1), &hi))
    return brink__fail(ctx, BRINK_EINVAL, "bad parameter range '%s': LO and HI must be numbers",
                       text);
  if (lo > hi)
    return brink__fail(ctx, BRINK_EINVAL, "bad parameter range '%s': LO %g is above HI %g", text,
                       lo, hi);
  int64_t levels = default_levels;
  if (c2 && (brink_parse_i64(c2 + 1, strlen(c2 + 1), &levels) || levels < 1 ||
             levels > BRINK_SWEEP_MAX_LEVELS))
    return brink__fail(ctx, BRINK_EINVAL, "bad parameter range '%s': N must be 1..%d", text,
                       BRINK_SWEEP_MAX_LEVELS);
  size_t plen = (size_t)(eq - text);
  int bare = memchr(text, '.', plen) == NULL;
  brink_buf path;
  brink_buf_init(&path, ctx, 4096);
  brink_status st = bare ? brink_buf_puts(&path, "params.") : BRINK_OK;
  if (!st) st = brink_buf_append(&path, text, plen);
  if (!st) st = brink_buf_detach(&path, &out->path);
  brink_buf_release(&path);
  if (st) return st == BRINK_ELIMIT ? brink__fail(ctx, st, "parameter path too long") : st;
  out->lo = lo;
  out->hi = hi;
  out->levels = (uint32_t)levels;
  return BRINK_OK;
}

brink_status brink_sweep_design_values(brink_ctx *ctx, brink_sweep_design design,
                                       const brink_sweep_axis *axes, size_t n_axes, size_t points,
                                       uint64_t seed, double **values, size_t *n_points) {
  *values = NULL;
  *n_points = 0;
  if (n_axes < 1 || n_axes > BRINK_SWEEP_MAX_AXES)
    return brink__fail(ctx, BRINK_EINVAL, "%zu swept parameters: expected 1..%d", n_axes,
                       BRINK_SWEEP_MAX_AXES);
  size_t n = 1;
  if (design == BRINK_DESIGN_GRID) {
    for (size_t k = 0; k < n_axes; k++) {
      if (axes[k].levels < 1)
        return brink__fail(ctx, BRINK_EINVAL, "'%s' has no levels", axes[k].path);
      n *= axes[k].levels;
      if (n > BRINK_SWEEP_MAX_POINTS)
        return brink__fail(ctx, BRINK_ELIMIT, "the grid has more than %d points",
                           BRINK_SWEEP_MAX_POINTS);
    }
  } else {
    if (points < 1 || points > BRINK_SWEEP_MAX_POINTS)
      return brink__fail(ctx, BRINK_ELIMIT, "%zu points: expected 1..%d", points,
                         BRINK_SWEEP_MAX_POINTS);
    n = points;
  }
  double *v = brink_calloc(ctx, n * n_axes, sizeof *v);
  if (!v) return BRINK_ENOMEM;
  switch (design) {
  case BRINK_DESIGN_GRID:
    for (size_t j = 0; j < n; j++) {
      size_t rest = j;
      for (size_t k = n_axes; k-- > 0;) {
        uint32_t L = axes[k].levels, i = (uint32_t)(rest % L);
        rest /= L;
        v[j * n_axes + k] =
            L == 1 ? axes[k].lo : axes[k].lo + (axes[k].hi - axes[k].lo) * i / (double)(L - 1);
        if (i == L - 1 && L > 1) v[j * n_axes + k] = axes[k].hi; /* exact end point */
        /* Levels are the decimals a person would type: 0.1 + 0.2 is 0.3, not
         * 0.30000000000000004 (15 significant digits round-trip through text). */
        char text[40];
        int len = snprintf(text, sizeof text, "%.15g", v[j * n_axes + k]);
        double back;
        if (len > 0 && brink_parse_f64(text, (size_t)len, &back) == BRINK_OK)
          v[j * n_axes + k] = back;
      }
    }
    break;
  case BRINK_DESIGN_LHS:
    /* McKay, Beckman and Conover 1979: one point in each of n strata per axis, strata paired
     * across axes by independent permutations. */
    for (size_t k = 0; k < n_axes; k++) {
      brink_rng rng;
      brink_rng_init(&rng, seed, k, LHS_STREAM);
      for (size_t j = 0; j < n; j++) v[j * n_axes + k] = (double)j;
      for (size_t j = n - 1; j > 0; j--) {
        size_t r = brink_rng_below(&rng, (uint32_t)(j + 1));
        double t = v[j * n_axes + k];
        v[j * n_axes + k] = v[r * n_axes + k];
        v[r * n_axes + k] = t;
      }
      for (size_t j = 0; j < n; j++) {
        double u = (v[j * n_axes + k] + brink_rng_uniform(&rng)) / (double)n;
        v[j * n_axes + k] = axes[k].lo + (axes[k].hi - axes[k].lo) * u;
      }
    }
    break;
  case BRINK_DESIGN_SOBOL: {
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)n_axes);
    if (!q) {
      brink_free(ctx, v);
      return brink__fail(ctx, BRINK_ENOMEM, "cannot allocate the Sobol sequence");
    }
    double u[BRINK_SWEEP_MAX_AXES];
    for (size_t j = 0; j < n; j++) {
      gsl_qrng_get(q, u);
      for (size_t k = 0; k < n_axes; k++)
        v[j * n_axes + k] = axes[k].lo + (axes[k].hi - axes[k].lo) * u[k];
    }
    gsl_qrng_free(q);
    break;
  }
  default:
    brink_free(ctx, v);
    return brink__fail(ctx, BRINK_EINVAL, "unknown design %d", (int)design);
  }
  *values = v;
  *n_points = n;
  return BRINK_OK;
}

size_t brink_point_series(size_t n_policies) {
  return n_policies + n_policies * (n_policies ? n_policies - 1 : 0) / 2;
}

size_t brink_point_width(size_t n_policies) {
  return brink_point_series(n_policies) * BRINK_METRIC_COUNT * BRINK_POINT_FIELDS;
}

static void put(double *out, size_t series, brink_sweep_metric m, brink_estimate e, double var) {
  double *f = &out[(series * BRINK_METRIC_COUNT + (size_t)m) * BRINK_POINT_FIELDS];
  f[BRINK_POINT_MEAN] = e.mean;
  f[BRINK_POINT_LO] = e.lo;
  f[BRINK_POINT_HI] = e.hi;
  f[BRINK_POINT_VAR] = var;
}

static double prob_var(uint64_t k, uint64_t n) {
  double p = (double)k / (double)n;
  return p * (1.0 - p) / (double)n;
}

static double mean_var(uint64_t n, double sum, double sq) {
  double sd = brink_stats_sd(n, sum, sq);
  return sd * sd / (double)n;
}

#define MAX_POINT_OVERRIDES 256

brink_status brink_point_run(brink_ctx *ctx, const brink_point_options *o, const double *values,
                             brink_diag_list *diags, double *out) {
  brink_status st = BRINK_OK;
  brink_scenario *sc = NULL;
  brink_model *model = NULL;
  brink_summary *s = NULL;
  brink_buf text;
  brink_buf_init(&text, ctx, 0);
  const char *ov[MAX_POINT_OVERRIDES];
  size_t offsets[MAX_POINT_OVERRIDES];
  uint32_t policies[64];
  if (o->n_overrides + o->n_paths > MAX_POINT_OVERRIDES)
    return brink__fail(ctx, BRINK_ELIMIT, "more than %d overrides at one point",
                       MAX_POINT_OVERRIDES);
  if (o->n_policies < 1 || o->n_policies > 64)
    return brink__fail(ctx, BRINK_EINVAL, "%zu policies: expected 1..64", o->n_policies);
  /* All "PATH=VALUE" texts in one buffer, NUL-separated; pointers taken once it stops moving. */
  for (size_t k = 0; k < o->n_paths && !st; k++) {
    offsets[k] = text.len;
    st = brink_buf_printf(&text, "%s=%.17g", o->paths[k], values[k]);
    if (!st) st = brink_buf_putc(&text, '\0');
  }
  if (st) goto done;
  size_t n_ov = 0;
  for (size_t k = 0; k < o->n_overrides; k++) ov[n_ov++] = o->overrides[k];
  for (size_t k = 0; k < o->n_paths; k++) ov[n_ov++] = text.data + offsets[k];
  st = o->scenario_text ? brink_scenario_load_string(ctx, o->scenario_file, o->scenario_text,
                                                     o->scenario_len, ov, n_ov, diags, &sc)
                        : brink_scenario_load(ctx, o->scenario_file, ov, n_ov, diags, &sc);
  if (st) goto done;
  for (size_t i = 0; i < o->n_policies; i++) {
    int idx = brink_scenario_find_policy(sc, o->policies[i]);
    if (idx < 0) {
      st = brink__fail(ctx, BRINK_ENOTFOUND, "unknown policy '%s' in '%s'", o->policies[i],
                       o->scenario_file ? o->scenario_file : "the scenario");
      goto done;
    }
    policies[i] = (uint32_t)idx;
  }
  if ((st = brink_model_new(ctx, sc, &model))) goto done;
  if (o->horizon && (st = brink_model_set_horizon(ctx, model, o->horizon))) goto done;
  if (o->posterior && (st = brink_model_use_posterior(ctx, model, o->posterior))) goto done;
  brink_engine_options eo = {o->runs,     o->seed,       o->threads,  o->confidence,
                             policies,    o->n_policies, o->progress, NULL,
                             o->userdata, o->cancel,     0,           0};
  if ((st = brink_engine_run(ctx, model, &eo, &s))) goto done;
  const uint64_t n = s->runs;
  for (size_t i = 0; i < o->n_policies; i++) {
    const brink_policy_stats *p = &s->policies[i];
    put(out, i, BRINK_METRIC_P_ARMED_CONFLICT, brink_summary_p_war(s, i), prob_var(p->wars, n));
    put(out, i, BRINK_METRIC_P_CLASH, brink_summary_p_clash(s, i), prob_var(p->clashes_any, n));
    put(out, i, BRINK_METRIC_PROVOCATIONS, brink_summary_provocations(s, i),
        mean_var(n, p->provocations_sum, p->provocations_sq));
    put(out, i, BRINK_METRIC_P_TALKS, brink_summary_p_talks(s, i), prob_var(p->talks, n));
  }
  for (size_t k = 0; k < s->n_pairs; k++) {
    const brink_pair_stats *pr = &s->pairs[k];
    size_t series = o->n_policies + k;
    put(out, series, BRINK_METRIC_P_ARMED_CONFLICT,
        brink_stats_mean(n, pr->war_sum, pr->war_sq, s->z), mean_var(n, pr->war_sum, pr->war_sq));
    brink_estimate none = {NAN, NAN, NAN};
    put(out, series, BRINK_METRIC_P_CLASH, none, NAN);
    put(out, series, BRINK_METRIC_PROVOCATIONS,
        brink_stats_mean(n, pr->prov_sum, pr->prov_sq, s->z),
        mean_var(n, pr->prov_sum, pr->prov_sq));
    put(out, series, BRINK_METRIC_P_TALKS, brink_stats_mean(n, pr->talks_sum, pr->talks_sq, s->z),
        mean_var(n, pr->talks_sum, pr->talks_sq));
  }
done:
  brink_summary_free(s);
  brink_model_free(model);
  brink_scenario_free(sc);
  brink_buf_release(&text);
  return st;
}
