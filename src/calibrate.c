/* SPDX-License-Identifier: MIT */
/* Calibration: observed yearly counts from TSV files, the model's expected counts under the
 * policies actually followed, and a Nelder-Mead fit of a few free parameters (GSL
 * nmsimplex2 on logit-transformed bounds, common random numbers across evaluations). */
#include "brink/calibrate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_vector.h>
#include <omp.h>

#include "brink/engine.h"
#include "brink/model.h"
#include "brink/scenario.h"
#include "internal.h"

#define MAX_FILE ((size_t)64 << 20)

/* ---- Observed counts ------------------------------------------------------------------ */

/* The field'th tab-separated field of line[0..len): start and length. */
static int field_at(const char *line, size_t len, size_t field, const char **start, size_t *n) {
  size_t f = 0, i = 0, begin = 0;
  for (;; i++) {
    if (i == len || line[i] == '\t') {
      if (f == field) {
        *start = line + begin;
        *n = i - begin;
        return 1;
      }
      if (i == len) return 0;
      f++;
      begin = i + 1;
    }
  }
}

static long find_column(const char *line, size_t len, const char *name) {
  size_t want = strlen(name);
  for (size_t f = 0;; f++) {
    const char *s;
    size_t n;
    if (!field_at(line, len, f, &s, &n)) return -1;
    if (n == want && memcmp(s, name, n) == 0) return (long)f;
  }
}

brink_status brink_calib_count_rows(brink_ctx *ctx, const char *path, const char *date_column,
                                    const char *key_column, const char *const *keys, size_t n_keys,
                                    int year, uint64_t *count, int *first_year, int *last_year) {
  brink_buf text;
  brink_buf_init(&text, ctx, MAX_FILE);
  brink_status st = brink__read_file(ctx, path, &text);
  uint64_t matched = 0;
  int lo_year = 0, hi_year = 0;
  long date_col = -1, key_col = -1;
  if (st) goto done;
  const char *p = text.data, *end = text.data + text.len;
  for (uint32_t line_no = 1; p < end; line_no++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
    const char *line = p;
    p = nl ? nl + 1 : end;
    if (len && line[len - 1] == '\r') len--;
    if (line_no == 1) {
      date_col = find_column(line, len, date_column);
      key_col = key_column ? find_column(line, len, key_column) : -1;
      if (date_col < 0 || (key_column && key_col < 0)) {
        st = brink__fail(ctx, BRINK_EPARSE, "%s:1: no column '%s' in the header", path,
                         date_col < 0 ? date_column : key_column);
        goto done;
      }
      continue;
    }
    if (len == 0) continue;
    const char *s;
    size_t n;
    int64_t y;
    if (!field_at(line, len, (size_t)date_col, &s, &n) || n < 4 ||
        brink_parse_i64(s, 4, &y) != BRINK_OK || (n > 4 && s[4] != '-')) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%u: column '%s' does not start with a year", path,
                       line_no, date_column);
      goto done;
    }
    if (!lo_year || (int)y < lo_year) lo_year = (int)y;
    if ((int)y > hi_year) hi_year = (int)y;
    if ((int)y != year) continue;
    int ok = n_keys == 0;
    if (!ok) {
      if (!field_at(line, len, (size_t)key_col, &s, &n)) {
        st = brink__fail(ctx, BRINK_EPARSE, "%s:%u: no column '%s' on this line", path, line_no,
                         key_column);
        goto done;
      }
      for (size_t k = 0; k < n_keys && !ok; k++)
        ok = strlen(keys[k]) == n && memcmp(keys[k], s, n) == 0;
    }
    matched += (uint64_t)ok;
  }
  *count = matched;
  if (first_year) *first_year = lo_year;
  if (last_year) *last_year = hi_year;
done:
  brink_buf_release(&text);
  return st;
}

/* ---- Loss and bound transform --------------------------------------------------------- */

double brink_calib_deviance(const double *y, const double *mu, size_t n, double floor) {
  double d = 0.0;
  for (size_t i = 0; i < n; i++) {
    double m = mu[i] > floor ? mu[i] : floor;
    double term = -(y[i] - m);
    if (y[i] > 0.0) term += y[i] * log(y[i] / m);
    d += 2.0 * term;
  }
  return d;
}

double brink_calib_to_bounded(double x, double lo, double hi) {
  return lo + (hi - lo) / (1.0 + exp(-x));
}

double brink_calib_to_free(double v, double lo, double hi) {
  double eps = 1e-12 * (hi - lo);
  if (v < lo + eps) v = lo + eps;
  if (v > hi - eps) v = hi - eps;
  return log((v - lo) / (hi - v));
}

/* ---- Evaluation ----------------------------------------------------------------------- */

typedef struct accum {
  size_t n_series;
  uint32_t actor;
  uint32_t masks[BRINK_CALIB_MAX_SERIES]; /* actions counted per series */
  uint32_t horizon;
  uint64_t *hist; /* [n_series][horizon + 1] */
  double sum[BRINK_CALIB_MAX_SERIES];
} accum;

static void on_run(void *userdata, uint64_t run, uint32_t policy, const brink_run_result *r,
                   const double *params) {
  (void)run;
  (void)policy;
  (void)params;
  accum *acc = userdata;
  for (size_t s = 0; s < acc->n_series; s++) {
    uint32_t c = 0;
    for (uint32_t mask = acc->masks[s]; mask; mask &= mask - 1)
      c += r->action_counts[acc->actor][__builtin_ctz(mask)];
    if (c > acc->horizon) c = acc->horizon;
    acc->hist[s * (acc->horizon + 1) + c]++;
    acc->sum[s] += (double)c;
  }
}

/* Military actions of actor whose name contains one of the series' patterns. */
static uint32_t series_mask(const brink_actor *actor, const brink_calib_series *series) {
  uint32_t mask = 0;
  for (size_t a = 0; a < actor->n_ladder && a < 32; a++) {
    if (actor->ladder[a].kind != BRINK_ACTION_MILITARY) continue;
    for (size_t k = 0; k < series->n_patterns; k++)
      if (strstr(actor->ladder[a].name, series->patterns[k])) mask |= 1u << a;
  }
  return mask;
}

static void fill_cell(const uint64_t *hist, uint32_t horizon, uint64_t runs, double sum,
                      double observed, double floor, brink_calib_cell *cell) {
  double n = (double)runs, mean = sum / n, sq = 0.0;
  uint64_t cum = 0, at_least = 0, at_most = 0;
  int have_lo = 0, have_hi = 0;
  cell->observed = observed;
  cell->mean = mean;
  cell->q025 = cell->q975 = 0;
  for (uint32_t k = 0; k <= horizon; k++) {
    uint64_t h = hist[k];
    sq += (double)h * ((double)k - mean) * ((double)k - mean);
    cum += h;
    if (!have_lo && (double)cum >= 0.025 * n) {
      cell->q025 = k;
      have_lo = 1;
    }
    if (!have_hi && (double)cum >= 0.975 * n) {
      cell->q975 = k;
      have_hi = 1;
    }
    if ((double)k >= observed) at_least += h;
    if ((double)k <= observed) at_most += h;
  }
  double se = runs > 1 ? sqrt(sq / (n - 1.0) / n) : 0.0;
  cell->mean_lo = mean - 1.959963984540054 * se;
  if (cell->mean_lo < 0.0) cell->mean_lo = 0.0; /* counts */
  cell->mean_hi = mean + 1.959963984540054 * se;
  cell->p_at_least = (double)at_least / n;
  cell->p_at_most = (double)at_most / n;
  cell->deviance = brink_calib_deviance(&observed, &mean, 1, floor);
}

static brink_status check_problem(brink_ctx *ctx, const brink_calib_problem *pb,
                                  const brink_calib_options *o) {
  if (!pb || !o) return brink__fail(ctx, BRINK_EINVAL, "calibration: no problem or options");
  if (pb->n_params < 1 || pb->n_params > BRINK_CALIB_MAX_PARAMS)
    return brink__fail(ctx, BRINK_EINVAL, "calibration: %zu free parameters (1 to %d allowed)",
                       pb->n_params, BRINK_CALIB_MAX_PARAMS);
  if (pb->n_series < 1 || pb->n_series > BRINK_CALIB_MAX_SERIES)
    return brink__fail(ctx, BRINK_EINVAL, "calibration: %zu series (1 to %d allowed)", pb->n_series,
                       BRINK_CALIB_MAX_SERIES);
  if (pb->n_episodes < 1 || pb->n_episodes > BRINK_CALIB_MAX_EPISODES)
    return brink__fail(ctx, BRINK_EINVAL, "calibration: %zu episodes (1 to %d allowed)",
                       pb->n_episodes, BRINK_CALIB_MAX_EPISODES);
  for (size_t k = 0; k < pb->n_params; k++) {
    const brink_calib_param *p = &pb->params[k];
    if (!p->path || !(p->lo < p->hi) || !(p->start > p->lo && p->start < p->hi))
      return brink__fail(ctx, BRINK_EINVAL,
                         "calibration: parameter '%s' needs lo < start < hi (got %g, %g, %g)",
                         p->path ? p->path : "(null)", p->lo, p->start, p->hi);
    if (p->episode < -1 || p->episode >= (int)pb->n_episodes)
      return brink__fail(ctx, BRINK_EINVAL, "calibration: parameter '%s': no episode %d", p->path,
                         p->episode);
  }
  for (size_t s = 0; s < pb->n_series; s++)
    if (!pb->series[s].actor || pb->series[s].n_patterns < 1 ||
        pb->series[s].n_patterns > BRINK_CALIB_MAX_PATTERNS)
      return brink__fail(ctx, BRINK_EINVAL,
                         "calibration: series %zu needs an actor and 1 to %d "
                         "name patterns",
                         s, BRINK_CALIB_MAX_PATTERNS);
  if (o->runs < 1 || o->runs > BRINK_MAX_RUNS)
    return brink__fail(ctx, BRINK_EINVAL, "calibration: runs must be 1 to 2^40, got %llu",
                       (unsigned long long)o->runs);
  if (o->threads < 1)
    return brink__fail(ctx, BRINK_EINVAL, "calibration: threads must be >= 1, got %d", o->threads);
  if (o->max_iter < 1 || !(o->initial_step > 0.0) || !(o->size_tol >= 0.0))
    return brink__fail(ctx, BRINK_EINVAL,
                       "calibration: max_iter >= 1, initial_step > 0 and size_tol >= 0 needed");
  return BRINK_OK;
}

/* Loads episode e with the fixed overrides and this evaluation's parameter values. */
static brink_status load_episode(brink_ctx *ctx, const brink_calib_problem *pb, size_t e,
                                 const double *values, brink_scenario **out) {
  brink_buf texts[BRINK_CALIB_MAX_PARAMS];
  const char **list = NULL;
  size_t n = 0;
  brink_status st = BRINK_OK;
  for (size_t k = 0; k < BRINK_CALIB_MAX_PARAMS; k++) brink_buf_init(&texts[k], ctx, 4096);
  list = brink_calloc(ctx, pb->n_overrides + pb->n_params + 1, sizeof *list);
  if (!list) {
    st = BRINK_ENOMEM;
    goto done;
  }
  for (size_t k = 0; k < pb->n_overrides; k++) list[n++] = pb->overrides[k];
  for (size_t k = 0; k < pb->n_params; k++) {
    const brink_calib_param *p = &pb->params[k];
    if (p->episode >= 0 && (size_t)p->episode != e) continue;
    st = brink_buf_printf(&texts[k], "%s=%.17g", p->path, values[k]);
    if (st) {
      st = brink__fail(ctx, st, "calibration: parameter path too long: '%s'", p->path);
      goto done;
    }
    list[n++] = texts[k].data;
  }
  st = brink_scenario_load(ctx, pb->episodes[e].path, list, n, NULL, out);
done:
  for (size_t k = 0; k < BRINK_CALIB_MAX_PARAMS; k++) brink_buf_release(&texts[k]);
  brink_free(ctx, list);
  return st;
}

/* An override "params.NAME=V" of a parameter the files do not define would add a parameter
 * that nothing uses: refuse it, naming the file. */
static brink_status check_param_paths(brink_ctx *ctx, const brink_calib_problem *pb) {
  brink_status st = BRINK_OK;
  for (size_t e = 0; e < pb->n_episodes && !st; e++) {
    brink_scenario *sc = NULL;
    st = brink_scenario_load(ctx, pb->episodes[e].path, pb->overrides, pb->n_overrides, NULL, &sc);
    for (size_t k = 0; k < pb->n_params && !st; k++) {
      const brink_calib_param *p = &pb->params[k];
      if (p->episode >= 0 && (size_t)p->episode != e) continue;
      if (strncmp(p->path, "params.", 7) == 0 && brink_scenario_find_param(sc, p->path + 7) < 0)
        st = brink__fail(ctx, BRINK_EINVAL, "%s: no parameter '%s' to calibrate",
                         pb->episodes[e].path, p->path + 7);
    }
    brink_scenario_free(ctx, sc);
  }
  return st;
}

static brink_status evaluate_episode(brink_ctx *ctx, const brink_calib_problem *pb,
                                     const brink_calib_options *o, size_t e, const double *values,
                                     brink_calib_eval *out, brink_buf *actions) {
  brink_scenario *sc = NULL;
  brink_model *model = NULL;
  brink_summary *summary = NULL;
  accum acc;
  memset(&acc, 0, sizeof acc);
  const brink_calib_episode *ep = &pb->episodes[e];
  brink_status st = load_episode(ctx, pb, e, values, &sc);
  if (st) goto done;
  int policy = brink_scenario_find_policy(sc, ep->policy);
  if (policy < 0) {
    st = brink__fail(ctx, BRINK_EINVAL, "%s: no policy '%s'", ep->path, ep->policy);
    goto done;
  }
  acc.n_series = pb->n_series;
  for (size_t s = 0; s < pb->n_series; s++) {
    const brink_calib_series *series = &pb->series[s];
    int actor = brink_scenario_find_actor(sc, series->actor);
    if (actor < 0) {
      st = brink__fail(ctx, BRINK_EINVAL, "%s: no actor '%s' (series '%s')", ep->path,
                       series->actor, series->name);
      goto done;
    }
    /* All series of one problem count one actor's actions. */
    if (s > 0 && (uint32_t)actor != acc.actor) {
      st = brink__fail(ctx, BRINK_EINVAL, "calibration: series '%s' counts actor '%s', not '%s'",
                       series->name, series->actor, pb->series[0].actor);
      goto done;
    }
    acc.actor = (uint32_t)actor;
    acc.masks[s] = series_mask(&sc->actors[actor], series);
    if (!acc.masks[s]) {
      st = brink__fail(ctx, BRINK_EINVAL, "%s: series '%s' matches no military action of '%s'",
                       ep->path, series->name, series->actor);
      goto done;
    }
    if (actions) {
      if (s) st = brink_buf_putc(actions, '\n');
      for (uint32_t m = acc.masks[s]; m && !st; m &= m - 1)
        st = brink_buf_printf(actions, "%s%s", m == acc.masks[s] ? "" : ",",
                              sc->actors[actor].ladder[__builtin_ctz(m)].name);
      if (st) goto done;
    }
  }
  if ((st = brink_model_new(ctx, sc, &model))) goto done;
  acc.horizon = brink_model_horizon(model);
  acc.hist = brink_calloc(ctx, pb->n_series * (acc.horizon + 1), sizeof *acc.hist);
  if (!acc.hist) {
    st = BRINK_ENOMEM;
    goto done;
  }
  uint32_t policies[1] = {(uint32_t)policy};
  brink_engine_options eo = {o->runs, o->seed, o->threads, 0.95, policies, 1,
                             NULL,    on_run,  &acc,       NULL, 0,        0};
  if ((st = brink_engine_run(ctx, model, &eo, &summary))) goto done;
  double floor = 0.5 / (double)o->runs;
  for (size_t s = 0; s < pb->n_series; s++)
    fill_cell(acc.hist + s * (acc.horizon + 1), acc.horizon, o->runs, acc.sum[s], ep->observed[s],
              floor, &out->cells[e][s]);
done:
  brink_free(ctx, acc.hist);
  brink_summary_free(ctx, summary);
  brink_model_free(ctx, model);
  brink_scenario_free(ctx, sc);
  return st;
}

static brink_status evaluate(brink_ctx *ctx, const brink_calib_problem *pb,
                             const brink_calib_options *o, const double *values,
                             brink_calib_eval *out, brink_buf *actions) {
  brink_status st = BRINK_OK;
  memset(out, 0, sizeof *out);
  for (size_t k = 0; k < pb->n_params; k++) out->values[k] = values[k];
  for (size_t e = 0; e < pb->n_episodes && !st; e++)
    st = evaluate_episode(ctx, pb, o, e, values, out, e == 0 ? actions : NULL);
  if (st) return st;
  double loss = 0.0;
  for (size_t e = 0; e < pb->n_episodes; e++)
    for (size_t s = 0; s < pb->n_series; s++) loss += out->cells[e][s].deviance;
  out->loss = loss;
  return BRINK_OK;
}

brink_status brink_calib_evaluate(brink_ctx *ctx, const brink_calib_problem *problem,
                                  const brink_calib_options *options, const double *values,
                                  brink_calib_eval *out) {
  brink_status st = check_problem(ctx, problem, options);
  if (!st) st = check_param_paths(ctx, problem);
  if (st) return st;
  return evaluate(ctx, problem, options, values, out, NULL);
}

/* ---- The fit -------------------------------------------------------------------------- */

typedef struct objective {
  brink_ctx *ctx;
  const brink_calib_problem *pb;
  const brink_calib_options *o;
  brink_calib_eval *scratch;
  brink_status status; /* first failure; the minimiser is stopped after it */
  unsigned evaluations;
} objective;

/* A failed evaluation returns a huge finite loss (GSL's simplex stops the program on a
 * non-finite one) and records the status, which ends the fit after the iteration. */
static double objective_f(const gsl_vector *x, void *params) {
  objective *ob = params;
  if (ob->status) return 1e300;
  double values[BRINK_CALIB_MAX_PARAMS];
  for (size_t k = 0; k < ob->pb->n_params; k++)
    values[k] =
        brink_calib_to_bounded(gsl_vector_get(x, k), ob->pb->params[k].lo, ob->pb->params[k].hi);
  ob->evaluations++;
  brink_status st = evaluate(ob->ctx, ob->pb, ob->o, values, ob->scratch, NULL);
  if (st) {
    ob->status = st;
    return 1e300;
  }
  return ob->scratch->loss;
}

void brink_calib_result_free(brink_ctx *ctx, brink_calib_result *result) {
  if (!result) return;
  for (size_t s = 0; s < BRINK_CALIB_MAX_SERIES; s++) brink_free(ctx, result->actions[s]);
  brink_free(ctx, result);
}

brink_status brink_calib_run(brink_ctx *ctx, const brink_calib_problem *problem,
                             const brink_calib_options *options, brink_calib_result **out) {
  brink_calib_result *res = NULL;
  brink_calib_eval *scratch = NULL;
  gsl_vector *x = NULL, *step = NULL;
  gsl_multimin_fminimizer *nm = NULL;
  brink_buf actions;
  brink_buf_init(&actions, ctx, 0);
  double t0 = omp_get_wtime();
  brink_status st = check_problem(ctx, problem, options);
  if (!st) st = check_param_paths(ctx, problem);
  if (st) goto done;
  size_t np = problem->n_params;
  res = brink_calloc(ctx, 1, sizeof *res);
  scratch = brink_malloc(ctx, sizeof *scratch);
  if (!res || !scratch) {
    st = BRINK_ENOMEM;
    goto done;
  }
  res->n_params = np;
  res->n_series = problem->n_series;
  res->n_episodes = problem->n_episodes;
  res->runs = options->runs;
  res->seed = options->seed;
  double start[BRINK_CALIB_MAX_PARAMS];
  for (size_t k = 0; k < np; k++) start[k] = problem->params[k].start;
  if ((st = evaluate(ctx, problem, options, start, &res->start, &actions))) goto done;
  /* One line per series: split into the result's strings. */
  const char *p = actions.data;
  for (size_t s = 0; s < problem->n_series; s++) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    res->actions[s] = brink_strndup(ctx, p, len);
    if (!res->actions[s]) {
      st = BRINK_ENOMEM;
      goto done;
    }
    p += len + (nl ? 1 : 0);
  }
  /* GSL allocates with malloc, outside the context's funnel; failures are reported here. */
  x = gsl_vector_alloc(np);
  step = gsl_vector_alloc(np);
  nm = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, np);
  if (!x || !step || !nm) {
    st = brink__fail(ctx, BRINK_ENOMEM, "calibration: out of memory (GSL minimiser)");
    goto done;
  }
  for (size_t k = 0; k < np; k++) {
    const brink_calib_param *prm = &problem->params[k];
    gsl_vector_set(x, k, brink_calib_to_free(prm->start, prm->lo, prm->hi));
    gsl_vector_set(step, k, options->initial_step);
  }
  objective ob = {ctx, problem, options, scratch, BRINK_OK, 1};
  gsl_multimin_function fn = {objective_f, np, &ob};
  unsigned iter = 0;
  int converged = 0;
  double last_best = HUGE_VAL;
  for (unsigned round = 0; round <= options->restarts; round++) {
    int gst = gsl_multimin_fminimizer_set(nm, &fn, x, step);
    if (ob.status) {
      st = ob.status;
      goto done;
    }
    if (gst) {
      st = brink__fail(ctx, BRINK_EINVAL, "calibration: minimiser: %s", gsl_strerror(gst));
      goto done;
    }
    converged = 0;
    for (unsigned i = 0; i < options->max_iter && !converged; i++) {
      iter++;
      gst = gsl_multimin_fminimizer_iterate(nm);
      if (ob.status) {
        st = ob.status;
        goto done;
      }
      if (gst) break; /* no progress possible: keep the best point */
      double size = gsl_multimin_fminimizer_size(nm);
      converged = gsl_multimin_test_size(size, options->size_tol) == GSL_SUCCESS;
      if (options->progress) {
        double v[BRINK_CALIB_MAX_PARAMS];
        const gsl_vector *now = gsl_multimin_fminimizer_x(nm);
        for (size_t k = 0; k < np; k++)
          v[k] = brink_calib_to_bounded(gsl_vector_get(now, k), problem->params[k].lo,
                                        problem->params[k].hi);
        options->progress(options->userdata, iter, gsl_multimin_fminimizer_minimum(nm), v);
      }
    }
    gsl_vector_memcpy(x, gsl_multimin_fminimizer_x(nm));
    double best_loss = gsl_multimin_fminimizer_minimum(nm);
    /* A restart that finds nothing better ends the search. */
    if (!(best_loss < last_best)) break;
    last_best = best_loss;
  }
  double fitted[BRINK_CALIB_MAX_PARAMS];
  for (size_t k = 0; k < np; k++)
    fitted[k] =
        brink_calib_to_bounded(gsl_vector_get(x, k), problem->params[k].lo, problem->params[k].hi);
  /* Common random numbers make this re-run reproduce the simplex's best loss exactly. */
  if ((st = evaluate(ctx, problem, options, fitted, &res->fit, NULL))) goto done;
  if (res->fit.loss > res->start.loss) res->fit = res->start; /* never worse than the start */
  res->iterations = iter;
  res->evaluations = ob.evaluations + 1;
  res->converged = converged;
  res->seconds = omp_get_wtime() - t0;
  *out = res;
  res = NULL;
done:
  gsl_multimin_fminimizer_free(nm);
  gsl_vector_free(x);
  gsl_vector_free(step);
  brink_buf_release(&actions);
  brink_free(ctx, scratch);
  brink_calib_result_free(ctx, res);
  return st;
}
