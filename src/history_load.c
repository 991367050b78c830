/* SPDX-License-Identifier: MIT */
/* The recorded history as the model sees it (include/brink/history.h): the record cut before
 * the end, turned into weekly acts by the observation table, and the scenario windows that
 * cover the weeks (brink_model_state_rebind). Shared by the commands and the Python package. */
#include <stdio.h>
#include <string.h>

#include "brink/events.h"
#include "brink/history.h"
#include "brink/rng.h"
#include "internal.h"
#include "scenario_internal.h"

/* The stream of the synthetic record's draws (the model's own streams are keyed by run). */
enum { STREAM_SYNTHETIC = 12 };

void brink_history_release(brink_history *h) {
  if (!h || !h->ctx) return;
  brink_ctx *ctx = h->ctx;
  for (size_t w = 0; w < h->n_windows; w++) {
    brink_model_free(h->models[w]);
    brink_scenario_free(h->scenarios[w]);
  }
  brink_free(ctx, h->acts);
  brink_observation_free(h->obs);
  memset(h, 0, sizeof *h);
}

/* Inserts a loaded window in the order of time.start. */
static brink_status add_window(brink_ctx *ctx, brink_history *h, const char *file,
                               brink_scenario *sc) {
  int32_t start = 0;
  if (!sc->start || brink_event_date_parse(sc->start, strlen(sc->start), &start)) {
    brink_scenario_free(sc);
    return brink__fail(ctx, BRINK_EINVAL, "%s: a window needs time.start (YYYY-MM-DD)", file);
  }
  size_t at = h->n_windows;
  while (at > 0 && h->window_start[at - 1] > start) at--;
  for (size_t j = h->n_windows; j > at; j--) {
    h->scenarios[j] = h->scenarios[j - 1];
    h->window_start[j] = h->window_start[j - 1];
    h->files[j] = h->files[j - 1];
  }
  h->scenarios[at] = sc;
  h->window_start[at] = start;
  h->files[at] = file;
  h->n_windows++;
  return BRINK_OK;
}

/* The record's rows before the end as the observation table reads them, and the weekly acts. */
static brink_status observe(brink_ctx *ctx, const brink_history_options *o, brink_history *h) {
  brink_record *cut = NULL;
  brink_observed_row *rows = NULL;
  char(*where)[96] = NULL;
  brink_status st = brink_record_before(o->record, h->end, &cut);
  if (st) return st;
  size_t n_rows = brink_record_count(cut);
  rows = brink_calloc(ctx, n_rows ? n_rows : 1, sizeof *rows);
  where = brink_calloc(ctx, n_rows ? n_rows : 1, sizeof *where);
  h->acts = brink_calloc(ctx, (size_t)h->n_steps * h->n_actors, sizeof *h->acts);
  if (!rows || !where || !h->acts) {
    st = BRINK_ENOMEM;
    goto done;
  }
  for (size_t i = 0; i < n_rows; i++) {
    const brink_record_row *r = brink_record_row_at(cut, i);
    snprintf(where[i], sizeof where[i], "%s:%u", r->file, r->line);
    int timeline = r->format == BRINK_RECORD_FORMAT_TIMELINE;
    rows[i] = (brink_observed_row){r->date, timeline ? "timeline" : "csis", r->type,
                                   r->icbm, timeline ? r->actor : NULL,     where[i]};
  }
  const brink_scenario *first = h->scenarios[0];
  if ((st = brink_observation_load(ctx, o->observation, first, &h->obs))) goto done;
  /* Observed: every actor that is not a third party; scored: the behavioural ones. */
  for (uint32_t i = 0; i < h->n_actors; i++) {
    if (first->actors[i].driver != BRINK_DRIVER_THIRD_PARTY) h->observed |= 1u << i;
    if (first->actors[i].driver == BRINK_DRIVER_BEHAVIOURAL) h->scored |= 1u << i;
  }
  st = brink_observation_acts(ctx, h->obs, rows, n_rows, h->start, h->n_steps, h->observed, h->acts,
                              &h->report);
done:
  brink_free(ctx, where);
  brink_free(ctx, rows);
  brink_record_free(cut);
  return st;
}

brink_status brink_history_load(brink_ctx *ctx, const brink_history_options *o,
                                brink_diag_list *diags, brink_history *h) {
  memset(h, 0, sizeof *h);
  h->ctx = ctx;
  brink_status st = BRINK_OK;
  if (!o->n_windows || o->n_windows > BRINK_HISTORY_MAX_WINDOWS)
    return brink__fail(ctx, BRINK_EINVAL, "a history needs 1 to %d scenario windows, got %zu",
                       BRINK_HISTORY_MAX_WINDOWS, o->n_windows);
  if (!o->record || !o->observation)
    return brink__fail(ctx, BRINK_EINVAL, "a history needs a record and an observation table");
  for (size_t k = 0; k < o->n_windows; k++) {
    brink_scenario *sc = NULL;
    if ((st = brink_scenario_load(ctx, o->windows[k], o->overrides, o->n_overrides, diags, &sc)) ||
        (st = add_window(ctx, h, o->windows[k], sc)))
      goto done;
  }
  h->start = o->from ? o->from : h->window_start[0];
  h->end = o->end;
  int64_t days = brink_event_date_days(h->end) - brink_event_date_days(h->start);
  if (days < 7) {
    st = brink__fail(ctx, BRINK_EINVAL, "the history from %d to %d is shorter than a week",
                     h->start, h->end);
    goto done;
  }
  h->n_steps = (uint32_t)(days / 7);
  h->n_actors = (uint32_t)h->scenarios[0]->n_actors;
  for (size_t w = 0; w < h->n_windows; w++) {
    int64_t off = brink_event_date_days(h->window_start[w]) - brink_event_date_days(h->start);
    /* The first window covers the history from its first week, whatever its own start. */
    h->window_step[w] = w == 0 || off <= 0 ? 0 : (uint32_t)((off + 6) / 7);
    if ((st = brink_model_new(ctx, h->scenarios[w], &h->models[w])) ||
        (st = brink_model_set_horizon(ctx, h->models[w], h->n_steps)))
      goto done;
    /* A posterior (brink calibrate) covers every window: the same row for a run in each. */
    if (o->posterior && (st = brink_model_load_posterior(ctx, h->models[w], o->posterior)))
      goto done;
  }
  st = observe(ctx, o, h);
  if (!st) {
    brink_record_stats stats;
    brink_record_get_stats(o->record, &stats);
    h->n_record_files = stats.files;
  }
done:
  if (st) brink_history_release(h);
  return st;
}

brink_filter_data brink_history_filter_data(const brink_history *h, double misrecord) {
  brink_filter_data d = {h->n_steps, h->n_actors, h->acts, h->scored, misrecord};
  return d;
}

void brink_history_filter_windows(const brink_history *h, brink_filter_options *o) {
  o->windows = h->n_windows > 1 ? (const brink_model *const *)&h->models[1] : NULL;
  o->window_steps = h->n_windows > 1 ? &h->window_step[1] : NULL;
  o->n_windows = h->n_windows > 1 ? h->n_windows - 1 : 0;
}

brink_status brink_history_simulate(brink_ctx *ctx, const brink_history *h, uint64_t seed,
                                    double misrecord, int *acts) {
  brink_model_state *st = NULL;
  brink_status status = brink_model_state_new(ctx, h->models[0], &st);
  if (status) return status;
  const brink_scenario *sc = brink_model_scenario(h->models[0]);
  const size_t cells = (size_t)h->n_steps * h->n_actors;
  double probs[BRINK_MAX_ACTIONS];
  for (uint64_t attempt = 0; attempt < BRINK_HISTORY_SIMULATE_TRIES; attempt++) {
    memcpy(acts, h->acts, cells * sizeof *acts);
    /* Run `attempt` of the model: its parameters (the models' posterior, if any), its types. */
    brink_model_state_init(st, UINT32_MAX, seed, attempt, NULL);
    brink_rng rng;
    brink_rng_init(&rng, seed, attempt, STREAM_SYNTHETIC);
    size_t w = 1;
    int war = 0;
    for (uint32_t t = 0; t < h->n_steps && !war; t++) {
      if (w < h->n_windows && t == h->window_step[w]) {
        if ((status = brink_model_state_rebind(st, h->models[w], UINT32_MAX, NULL))) goto done;
        w++;
      }
      for (uint32_t i = 0; i < h->n_actors; i++) {
        int *a = &acts[(size_t)t * h->n_actors + i];
        if (*a == BRINK_FILTER_FREE) continue;
        if (h->scored & (1u << i)) {
          /* The observation model the filter scores: the model's choice, or with probability
           * misrecord an act drawn evenly from the ladder. */
          if ((status = brink_model_state_choice_probs(st, i, probs))) goto done;
          uint32_t n = (uint32_t)sc->actors[i].n_ladder;
          double u = brink_rng_uniform(&rng), v = brink_rng_uniform(&rng);
          if (u < misrecord) {
            *a = (int)brink_rng_below(&rng, n ? n : 1);
          } else {
            double acc = 0.0;
            *a = (int)n - 1;
            for (uint32_t k = 0; k < n; k++)
              if (v < (acc += probs[k])) {
                *a = (int)k;
                break;
              }
          }
        }
        brink_model_state_force(st, i, *a);
      }
      brink_model_state_step(st, NULL, NULL);
      war = brink_model_state_result(st)->war_step != BRINK_NEVER;
    }
    if (!war) goto done;
  }
  status = brink__fail(ctx, BRINK_EINVAL,
                       "every one of %d simulated histories ended in war; the record has none",
                       BRINK_HISTORY_SIMULATE_TRIES);
done:
  brink_model_state_free(st);
  return status;
}
