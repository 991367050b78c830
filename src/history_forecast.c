/* SPDX-License-Identifier: MIT */
/* Forecasts of the recorded series (include/brink/forecast.h): runs simulated forward from
 * filtered particles or from the scenario's start, counted per 52-week window. */
#include <math.h>
#include <string.h>

#include <omp.h>

#include "brink/events.h"
#include "brink/forecast.h"
#include "brink/rng.h"
#include "forecast_internal.h"
#include "internal.h"
#include "scenario_internal.h"

#define BATCH 1024
enum { STREAM_PICK = 8 };

void brink_forecast_free(brink_forecast *f) {
  if (!f) return;
  brink_ctx *ctx = f->ctx;
  brink_free(ctx, f->hist);
  brink_free(ctx, f->sum);
  brink_free(ctx, f->run_war_step);
  brink_free(ctx, f);
}

/* Counts of one run while it steps (observer of the model). */
typedef struct counter {
  const brink_forecast_map *map;
  uint32_t n_actors, first_step, n_windows;
  uint16_t *counts; /* [n_windows * BRINK_RECORD_SERIES_COUNT] */
} counter;

static void count_step(void *ud, const brink_step_view *v) {
  counter *c = ud;
  uint32_t w = (v->step - c->first_step) / BRINK_FORECAST_WINDOW;
  if (w >= c->n_windows) return;
  brink__series_count(c->map, c->n_actors, v, &c->counts[w * BRINK_RECORD_SERIES_COUNT]);
}

void brink__series_count(const brink_forecast_map *map, uint32_t n_actors, const brink_step_view *v,
                         uint16_t *row) {
  uint32_t mask = 0;
  for (uint32_t i = 0; i < n_actors; i++)
    if (v->actions[i] >= 0) mask |= map->series[i][v->actions[i]];
  if (v->clash) mask |= 1u << BRINK_RECORD_SERIES_CLASH_DAYS;
  if (v->war) mask |= 1u << BRINK_RECORD_SERIES_ARMED_CONFLICT;
  for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++)
    if ((mask & (1u << s)) && row[s] < UINT16_MAX) row[s]++;
}

brink_status brink_forecast_run(brink_ctx *ctx, const brink_model *m,
                                const brink_model_state *const *particles, const double *weights,
                                size_t n_particles, const brink_forecast_map *map,
                                const brink_forecast_options *o, brink_forecast **out) {
  brink_status st = BRINK_OK;
  brink_forecast *f = NULL;
  brink_model_state **work = NULL;
  uint16_t *counts = NULL;
  uint32_t *pick = NULL;
  int threads = o->threads;
  *out = NULL;
  if (o->runs < 1 || o->runs > ((uint64_t)1 << 40))
    return brink__fail(ctx, BRINK_EINVAL, "runs must be between 1 and 2^40");
  if (threads < 1) return brink__fail(ctx, BRINK_EINVAL, "threads must be at least 1");
  if (o->steps < 1) return brink__fail(ctx, BRINK_EINVAL, "the forecast needs at least one step");
  if (particles && n_particles < 1)
    return brink__fail(ctx, BRINK_EINVAL, "no particle to forecast from");
  uint32_t first = particles ? brink_model_state_step_index(particles[0]) : 0;
  if ((uint64_t)first + o->steps > brink_model_horizon(m))
    return brink__fail(ctx, BRINK_EINVAL,
                       "the forecast runs to step %llu but the model's horizon is %u steps",
                       (unsigned long long)first + o->steps, brink_model_horizon(m));
  f = brink_calloc(ctx, 1, sizeof *f);
  if (f) f->ctx = ctx;
  if (!f) return BRINK_ENOMEM;
  f->runs = o->runs;
  f->seed = o->seed;
  f->steps = o->steps;
  f->n_windows = (o->steps + BRINK_FORECAST_WINDOW - 1) / BRINK_FORECAST_WINDOW;
  const size_t cells = (size_t)f->n_windows * BRINK_RECORD_SERIES_COUNT;
  const uint32_t na = (uint32_t)brink_model_scenario(m)->n_actors;
  f->hist = brink_calloc(ctx, cells * BRINK_FORECAST_BINS, sizeof *f->hist);
  f->sum = brink_calloc(ctx, cells, sizeof *f->sum);
  counts = brink_calloc(ctx, BATCH * cells, sizeof *counts);
  pick = brink_calloc(ctx, BATCH, sizeof *pick);
  if (o->keep_runs) {
    if (o->runs > ((uint64_t)1 << 32)) {
      st = brink__fail(ctx, BRINK_EINVAL, "keeping every run's outcome needs runs <= 2^32");
      goto done;
    }
    f->run_war_step = brink_calloc(ctx, o->runs, sizeof *f->run_war_step);
    if (!f->run_war_step) {
      st = BRINK_ENOMEM;
      goto done;
    }
  }
  if (!f->hist || !f->sum || !counts || !pick) {
    st = BRINK_ENOMEM;
    goto done;
  }
  if ((st = brink__model_states_new(ctx, m, (size_t)threads, &work))) goto done;
  /* Systematic resampling of the particles over the runs: one uniform for the whole forecast. */
  double total = 0.0;
  for (size_t j = 0; particles && j < n_particles; j++) total += weights ? weights[j] : 1.0;
  if (particles && !(total > 0.0)) {
    st = brink__fail(ctx, BRINK_EINVAL, "the particles' weights sum to %g", total);
    goto done;
  }
  brink_rng rng;
  brink_rng_init(&rng, o->seed, 0, STREAM_PICK);
  const double u0 = brink_rng_uniform(&rng);
  size_t j = 0;
  double acc = particles ? (weights ? weights[0] : 1.0) / total : 0.0;
  for (uint64_t first_run = 0; first_run < o->runs; first_run += BATCH) {
    const int64_t n = (int64_t)(o->runs - first_run < BATCH ? o->runs - first_run : BATCH);
    for (int64_t r = 0; particles && r < n; r++) {
      double point = ((double)(first_run + (uint64_t)r) + u0) / (double)o->runs;
      while (point > acc && j + 1 < n_particles) acc += (weights ? weights[++j] : 1.0) / total;
      pick[r] = (uint32_t)j;
    }
    memset(counts, 0, BATCH * cells * sizeof *counts);
    int failed = 0;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 8)
    for (int64_t r = 0; r < n; r++) {
      brink_model_state *s = work[omp_get_thread_num()];
      uint64_t run = first_run + (uint64_t)r;
      if (particles) {
        brink_model_state_copy(s, particles[pick[r]]);
        if (brink_model_state_rebind(s, m, o->policy, NULL)) {
#pragma omp atomic write
          failed = 1;
          continue;
        }
        brink_model_state_reseed(s, o->seed, run);
      } else {
        brink_model_state_init(s, o->policy, o->seed, run, NULL);
      }
      counter c = {map, na, first, f->n_windows, &counts[(size_t)r * cells]};
      brink_run_observer obs = {NULL, count_step, &c};
      for (uint32_t t = 0; t < o->steps; t++)
        if (brink_model_state_step(s, NULL, &obs)) break;
      if (f->run_war_step) {
        uint32_t war = brink_model_state_result(s)->war_step;
        f->run_war_step[run] = war != BRINK_NEVER && war >= first ? war - first : UINT32_MAX;
      }
    }
    if (failed) {
      st = brink__fail(ctx, BRINK_EINVAL,
                       "the particles' scenario and the forecast scenario differ in structure "
                       "(actors, drivers, ladders or commitments)");
      goto done;
    }
    /* Fold in run order. */
    for (int64_t r = 0; r < n; r++)
      for (size_t k = 0; k < cells; k++) {
        uint16_t c = counts[(size_t)r * cells + k];
        f->hist[k * BRINK_FORECAST_BINS +
                (c < BRINK_FORECAST_BINS ? c : BRINK_FORECAST_BINS - 1)]++;
        f->sum[k] += c;
      }
    if (o->progress) o->progress(o->userdata, first_run + (uint64_t)n, o->runs);
    if (o->cancel && *o->cancel) {
      st = brink__fail(ctx, BRINK_ECANCELED, "cancelled after %llu of %llu runs",
                       (unsigned long long)(first_run + (uint64_t)n), (unsigned long long)o->runs);
      goto done;
    }
  }
done:
  brink__model_states_free(ctx, work, (size_t)threads);
  brink_free(ctx, counts);
  brink_free(ctx, pick);
  if (st) {
    brink_forecast_free(f);
    return st;
  }
  *out = f;
  return BRINK_OK;
}

double brink_forecast_mean(const brink_forecast *f, uint32_t w, brink_record_series s) {
  return f->sum[(size_t)w * BRINK_RECORD_SERIES_COUNT + s] / (double)f->runs;
}

uint32_t brink_forecast_quantile(const brink_forecast *f, uint32_t w, brink_record_series s,
                                 double q) {
  return brink__hist_quantile(
      &f->hist[((size_t)w * BRINK_RECORD_SERIES_COUNT + s) * BRINK_FORECAST_BINS], f->runs, q);
}

uint32_t brink__hist_quantile(const uint64_t *h, uint64_t runs, double q) {
  uint64_t acc = 0;
  double need = q * (double)runs;
  for (uint32_t k = 0; k < BRINK_FORECAST_BINS; k++) {
    acc += h[k];
    if ((double)acc >= need && acc > 0) return k;
  }
  return BRINK_FORECAST_BINS - 1;
}

/* ---- The series table and the JSON output -------------------------------------------------- */

brink_status brink_forecast_map_load(brink_ctx *ctx, const char *path, const brink_scenario *sc,
                                     brink_forecast_map *map) {
  brink_buf text;
  brink_buf_init(&text, ctx, (size_t)16 << 20);
  brink_status st = brink__read_file(ctx, path, &text);
  memset(map, 0, sizeof *map);
  if (st) goto done;
  const char *p = text.data, *end = text.data + text.len;
  for (uint32_t line = 1; p < end; line++) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    size_t len = eol ? (size_t)(eol - p) : (size_t)(end - p);
    if (len && p[len - 1] == '\r') len--;
    char row[512];
    if (len >= sizeof row) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:1: line too long (expected actor, action, series)",
                       path, line);
      goto done;
    }
    memcpy(row, p, len);
    row[len] = '\0';
    p = eol ? eol + 1 : end;
    if (line == 1) {
      if (strcmp(row, "actor\taction\tseries") != 0) {
        st = brink__fail(ctx, BRINK_EPARSE,
                         "%s:1:1: expected the header 'actor<TAB>action<TAB>series'", path);
        goto done;
      }
      continue;
    }
    if (!len || row[0] == '#') continue;
    char *actor = row, *action = strchr(actor, '\t'), *series = NULL;
    if (action) {
      *action++ = '\0';
      series = strchr(action, '\t');
      if (series) *series++ = '\0';
    }
    if (!action || !series) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: expected 3 tab-separated fields", path, line,
                       len + 1);
      goto done;
    }
    int a = brink_scenario_find_actor(sc, actor);
    if (a < 0) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:1: unknown actor '%s' in scenario '%s'", path,
                       line, actor, sc->name);
      goto done;
    }
    int act = brink_actor_find_action(&sc->actors[a], action);
    if (act < 0) {
      st = brink__fail(ctx, BRINK_EPARSE, "%s:%u:%zu: actor '%s' has no action '%s'", path, line,
                       (size_t)(action - row) + 1, actor, action);
      goto done;
    }
    for (char *tok = series; tok && *tok;) {
      char *comma = strchr(tok, ',');
      if (comma) *comma = '\0';
      brink_record_series s = brink_record_series_find(tok);
      if (s == BRINK_RECORD_SERIES_COUNT) {
        st = brink__fail(ctx, BRINK_EPARSE,
                         "%s:%u:%zu: unknown series '%s' (expected bm_launch_days, "
                         "icbm_launch_days, nuclear_tests, clash_days or armed_conflict)",
                         path, line, (size_t)(tok - row) + 1, tok);
        goto done;
      }
      map->series[a][act] |= 1u << s;
      tok = comma ? comma + 1 : NULL;
    }
  }
done:
  brink_buf_release(&text);
  return st;
}

static void put_date(brink_buf *out, brink_status *st, int64_t days) {
  int32_t d = brink_event_date_from_days(days);
  if (!*st)
    *st = brink_buf_printf(out, "\"%04d-%02d-%02d\"", (int)(d / 10000), (int)(d / 100 % 100),
                           (int)(d % 100));
}

brink_status brink_forecast_json(brink_ctx *ctx, const brink_forecast *f, const char *origin,
                                 const char *policy, const char *scenario_file, brink_buf *out) {
  brink_status st = BRINK_OK;
  int64_t origin_days = 0;
  int32_t od = 0;
  if (origin) {
    if (brink_event_date_parse(origin, strlen(origin), &od))
      return brink__fail(ctx, BRINK_EINVAL, "bad origin date '%s' (expected YYYY-MM-DD)", origin);
    origin_days = brink_event_date_days(od);
  }
  st = brink_buf_puts(out, "{\"forecast\": {\"origin\": ");
  if (!st) {
    if (origin)
      put_date(out, &st, origin_days);
    else
      st = brink_buf_puts(out, "null");
  }
  if (!st)
    st =
        brink_buf_printf(out, ", \"runs\": %llu, \"seed\": %llu, \"steps\": %u, \"step\": \"week\"",
                         (unsigned long long)f->runs, (unsigned long long)f->seed, f->steps);
  if (!st) st = brink_buf_puts(out, ", \"rng\": \"" BRINK_RNG_NAME "\", \"policy\": ");
  if (!st) st = policy ? brink_buf_json_string(out, policy) : brink_buf_puts(out, "null");
  if (!st) st = brink_buf_puts(out, ", \"scenario_file\": ");
  if (!st)
    st = scenario_file ? brink_buf_json_string(out, scenario_file) : brink_buf_puts(out, "null");
  if (!st) st = brink_buf_puts(out, ",\n  \"windows\": [");
  for (uint32_t w = 0; w < f->n_windows && !st; w++) {
    st = brink_buf_puts(out, w ? ",\n    {" : "\n    {");
    if (!st && origin) {
      st = brink_buf_puts(out, "\"start\": ");
      put_date(out, &st, origin_days + 364 * (int64_t)w);
      if (!st) st = brink_buf_puts(out, ", \"end\": ");
      put_date(out, &st, origin_days + 364 * (int64_t)(w + 1) - 1);
      if (!st) st = brink_buf_puts(out, ", ");
    }
    uint32_t weeks = f->steps - w * BRINK_FORECAST_WINDOW;
    if (weeks > BRINK_FORECAST_WINDOW) weeks = BRINK_FORECAST_WINDOW;
    if (!st) st = brink_buf_printf(out, "\"weeks\": %u, \"series\": {", weeks);
    for (int s = 0; s < BRINK_RECORD_SERIES_COUNT && !st; s++) {
      const uint64_t *h =
          &f->hist[((size_t)w * BRINK_RECORD_SERIES_COUNT + (size_t)s) * BRINK_FORECAST_BINS];
      size_t top = 0;
      for (size_t k = 0; k < BRINK_FORECAST_BINS; k++)
        if (h[k]) top = k;
      st = brink_buf_printf(out, "%s\n      \"%s\": {\"hist\": [", s ? "," : "",
                            brink_record_series_name((brink_record_series)s));
      for (size_t k = 0; k <= top && !st; k++)
        st = brink_buf_printf(out, "%s%llu", k ? ", " : "", (unsigned long long)h[k]);
      if (!st) st = brink_buf_puts(out, "], \"mean\": ");
      if (!st) st = brink_buf_json_number(out, brink_forecast_mean(f, w, (brink_record_series)s));
      if (!st)
        st = brink_buf_printf(out, ", \"q05\": %u, \"q50\": %u, \"q95\": %u}",
                              brink_forecast_quantile(f, w, (brink_record_series)s, 0.05),
                              brink_forecast_quantile(f, w, (brink_record_series)s, 0.5),
                              brink_forecast_quantile(f, w, (brink_record_series)s, 0.95));
    }
    if (!st) st = brink_buf_puts(out, "}}");
  }
  if (!st) st = brink_buf_puts(out, "\n  ]}}\n");
  return st;
}
