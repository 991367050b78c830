/* SPDX-License-Identifier: MIT */
/* Results as JSON (docs/output.md), CSV and a table for people. */
#include <math.h>
#include <string.h>

#include "brink/engine.h"
#include "brink/events.h"
#include "brink/rng.h"
#include "internal.h"
#include "scenario_internal.h"
#include "engine_internal.h"

static const double tension_q[BRINK_TENSION_QUANTILES] = {0.05, 0.25, 0.5, 0.75, 0.95};

static uint32_t steps_per_year(const brink_scenario *sc) {
  return sc->step == BRINK_STEP_DAY ? 365 : sc->step == BRINK_STEP_WEEK ? 52 : 12;
}

typedef struct writer {
  brink_buf *out;
  brink_status st;
} writer;

static void w_raw(writer *w, const char *s) {
  if (!w->st) w->st = brink_buf_puts(w->out, s);
}
static void w_str(writer *w, const char *s) {
  if (w->st) return;
  w->st = s ? brink_buf_json_string(w->out, s) : brink_buf_puts(w->out, "null");
}
static void w_num(writer *w, double v) {
  if (!w->st) w->st = brink_buf_json_number(w->out, v);
}
/* "mean": m, "lo": l, "hi": h (without braces, so objects can carry more keys). */
static void w_est_fields(writer *w, brink_estimate e) {
  w_raw(w, "\"mean\": ");
  w_num(w, e.mean);
  w_raw(w, ", \"lo\": ");
  w_num(w, e.lo);
  w_raw(w, ", \"hi\": ");
  w_num(w, e.hi);
}
static void w_est(writer *w, brink_estimate e) {
  w_raw(w, "{");
  w_est_fields(w, e);
  w_raw(w, "}");
}
static void w_u64(writer *w, uint64_t v) {
  if (!w->st) w->st = brink_buf_printf(w->out, "%llu", (unsigned long long)v);
}

static void write_param(writer *w, const brink_param *p) {
  w_raw(w, "{\"name\": ");
  w_str(w, p->name);
  w_raw(w, ", \"dist\": ");
  w_str(w, brink_dist_name(p->dist));
  switch (p->dist) {
  case BRINK_DIST_CONSTANT:
    w_raw(w, ", \"value\": ");
    w_num(w, p->value);
    break;
  case BRINK_DIST_CHOICE:
    w_raw(w, ", \"values\": [");
    for (size_t i = 0; i < p->n_choices; i++) {
      if (i) w_raw(w, ", ");
      w_num(w, p->choices[i]);
    }
    w_raw(w, "], \"weights\": [");
    for (size_t i = 0; i < p->n_choices; i++) {
      if (i) w_raw(w, ", ");
      w_num(w, p->weights[i]);
    }
    w_raw(w, "]");
    break;
  default:
    w_raw(w, ", \"a\": ");
    w_num(w, p->a);
    w_raw(w, ", \"b\": ");
    w_num(w, p->b);
    if (p->dist == BRINK_DIST_TRUNCNORMAL) {
      w_raw(w, ", \"lo\": ");
      w_num(w, p->lo);
      w_raw(w, ", \"hi\": ");
      w_num(w, p->hi);
    }
  }
  w_raw(w, ", \"unit\": ");
  w_str(w, p->unit);
  w_raw(w, ", \"doc\": ");
  w_str(w, p->doc);
  w_raw(w, "}");
}

/* The value a scenario number stands for in outputs: the constant, or its parameter's prior
 * mean (the intensity of an action given as $param is not 0). */
static double prior_mean(const brink_scenario *sc, brink_value v) {
  return v.param < 0 ? v.constant : brink_param_prior_mean(&sc->params[v.param]);
}

static brink_estimate mean_of(const brink_summary *s, double sum, double sq) {
  return brink_stats_mean(s->runs, sum, sq, s->z);
}

static void write_policy(writer *w, const brink_summary *s, size_t i) {
  const brink_scenario *sc = brink_model_scenario(s->model);
  const brink_policy_stats *p = &s->policies[i];
  const brink_policy *pol = &sc->policies[p->policy];
  w_raw(w, "    {\n      \"name\": ");
  w_str(w, pol->name);
  w_raw(w, ",\n      \"description\": ");
  w_str(w, pol->description ? pol->description : brink_policy_builtin_doc(pol->builtin));
  w_raw(w, ",\n      \"p_armed_conflict\": ");
  w_est(w, brink_summary_p_war(s, i));
  w_raw(w, ",\n      \"p_armed_conflict_by_year\": [");
  uint32_t spy = steps_per_year(sc);
  for (uint32_t y = 1; (y - 1) * spy < s->horizon; y++) {
    uint32_t end = y * spy > s->horizon ? s->horizon : y * spy;
    brink_estimate e = brink_summary_p_war_by(s, i, end - 1);
    if (y > 1) w_raw(w, ", ");
    w_raw(w, "{\"year\": ");
    w_u64(w, y);
    w_raw(w, ", ");
    w_est_fields(w, e);
    w_raw(w, "}");
  }
  w_raw(w, "],\n      \"p_armed_conflict_curve\": [");
  /* Each point names its step and, when the scenario has a start, the step's first day, so
   * the curve reads on its own (tidy for any language). */
  int32_t start = 0;
  if (sc->start && brink_event_date_parse(sc->start, strlen(sc->start), &start)) start = 0;
  uint64_t cum = 0;
  for (uint32_t t = 0; t < s->horizon; t++) {
    cum += p->war_by_step[t];
    w_raw(w, t ? ", {\"step\": " : "{\"step\": ");
    w_u64(w, t);
    if (start) {
      int32_t d = brink__date_add_steps(start, sc->step, t);
      if (!w->st)
        w->st = brink_buf_printf(w->out, ", \"date\": \"%04d-%02d-%02d\"", (int)(d / 10000),
                                 (int)(d / 100 % 100), (int)(d % 100));
    }
    w_raw(w, ", ");
    w_est_fields(w, brink_stats_wilson(cum, s->runs, s->z));
    w_raw(w, "}");
  }
  w_raw(w, "],\n      \"armed_conflict_by_cause\": {");
  for (int c = BRINK_WAR_INCIDENT; c < BRINK_WAR_CAUSE_COUNT; c++) {
    if (c > BRINK_WAR_INCIDENT) w_raw(w, ", ");
    w_str(w, brink_war_cause_name((brink_war_cause)c));
    w_raw(w, ": ");
    w_est(w, brink_summary_p_war_cause(s, i, (brink_war_cause)c));
  }
  w_raw(w, "},\n      \"p_nuclear_use\": ");
  w_est(w, brink_summary_p_nuclear(s, i));
  w_raw(w, ",\n      \"p_clash\": ");
  w_est(w, brink_summary_p_clash(s, i));
  w_raw(w, ",\n      \"incidents\": ");
  w_est(w, brink_summary_incidents(s, i));
  w_raw(w, ",\n      \"clashes\": ");
  w_est(w, brink_summary_clashes(s, i));
  brink_estimate prov = brink_summary_provocations(s, i);
  w_raw(w, ",\n      \"provocations\": {");
  w_est_fields(w, prov);
  w_raw(w, ", \"sd\": ");
  w_num(w, brink_stats_sd(s->runs, p->provocations_sum, p->provocations_sq));
  w_raw(w, "},\n      \"provocations_by_action\": [");
  int first = 1;
  for (uint32_t a = 0; a < sc->n_actors; a++) {
    if (sc->actors[a].driver != BRINK_DRIVER_BEHAVIOURAL) continue;
    for (uint32_t k = 0; k < sc->actors[a].n_ladder; k++) {
      if (sc->actors[a].ladder[k].kind != BRINK_ACTION_MILITARY) continue;
      w_raw(w, first ? "\n        " : ",\n        ");
      first = 0;
      brink_estimate e = mean_of(s, p->action_sum[a][k], p->action_sq[a][k]);
      w_raw(w, "{\"actor\": ");
      w_str(w, sc->actors[a].name);
      w_raw(w, ", \"action\": ");
      w_str(w, sc->actors[a].ladder[k].name);
      w_raw(w, ", \"intensity\": ");
      w_num(w, prior_mean(sc, sc->actors[a].ladder[k].num[BRINK_ACTION_INTENSITY]));
      w_raw(w, ", ");
      w_est_fields(w, e);
      w_raw(w, "}");
    }
  }
  /* Every ladder action of every actor: mean per run and the per-run count histogram. */
  w_raw(w, "],\n      \"actions\": [");
  first = 1;
  for (uint32_t a = 0; a < sc->n_actors; a++)
    for (uint32_t k = 0; k < sc->actors[a].n_ladder; k++) {
      const brink_action *act = &sc->actors[a].ladder[k];
      w_raw(w, first ? "\n        " : ",\n        ");
      first = 0;
      w_raw(w, "{\"actor\": ");
      w_str(w, sc->actors[a].name);
      w_raw(w, ", \"action\": ");
      w_str(w, act->name);
      w_raw(w, ", \"kind\": ");
      w_str(w, brink_action_kind_name(act->kind));
      w_raw(w, ", \"cameo\": ");
      w_str(w, act->cameo);
      w_raw(w, ", \"intensity\": ");
      w_num(w, prior_mean(sc, act->num[BRINK_ACTION_INTENSITY]));
      if (act->num[BRINK_ACTION_INTENSITY].param >= 0) {
        w_raw(w, ", \"intensity_param\": ");
        w_str(w, sc->params[act->num[BRINK_ACTION_INTENSITY].param].name);
      }
      w_raw(w, ", \"per_run\": ");
      w_est(w, brink_summary_action(s, i, a, k));
      w_raw(w, ", \"hist\": [");
      const uint64_t *h = brink_summary_action_hist(s, i, a, k);
      size_t top = 0;
      for (size_t b = 0; b < s->action_bins; b++)
        if (h[b]) top = b;
      for (size_t b = 0; b <= top; b++) {
        if (b) w_raw(w, ", ");
        w_u64(w, h[b]);
      }
      w_raw(w, "]}");
    }
  w_raw(w, "],\n      \"provocations_hist\": {\"bin_width\": 1, \"counts\": [");
  size_t last = 0;
  for (size_t b = 0; b < BRINK_PROVOCATION_BINS; b++)
    if (p->provocations_hist[b]) last = b;
  for (size_t b = 0; b <= last; b++) {
    if (b) w_raw(w, ", ");
    w_u64(w, p->provocations_hist[b]);
  }
  w_raw(w, "]},\n      \"p_talks\": ");
  w_est(w, brink_summary_p_talks(s, i));
  w_raw(w, ",\n      \"p_agreement\": ");
  w_est(w, brink_summary_p_agreement(s, i));
  brink_estimate ttt = brink_summary_time_to_talks(s, i);
  w_raw(w, ",\n      \"time_to_talks\": {\"median\": ");
  w_num(w, ttt.mean);
  w_raw(w, ", \"lo\": ");
  w_num(w, ttt.lo);
  w_raw(w, ", \"hi\": ");
  w_num(w, ttt.hi);
  w_raw(w, ", \"n\": ");
  w_u64(w, p->talks);
  w_raw(w, ", \"unit\": \"steps\"},\n      \"tension\": {\"unit\": \"Goldstein net conflict per "
           "step\", \"resolution\": ");
  w_num(w, s->tension_width);
  w_raw(w, ", \"quantiles\": [0.05, 0.25, 0.5, 0.75, 0.95],\n        \"steps\": [");
  for (uint32_t t = 0; t < s->horizon; t++) {
    w_raw(w, t ? ", [" : "[");
    for (int q = 0; q < BRINK_TENSION_QUANTILES; q++) {
      if (q) w_raw(w, ", ");
      w_num(w, brink_summary_tension_quantile(s, i, t, tension_q[q]));
    }
    w_raw(w, "]");
  }
  w_raw(w, "]},\n      \"sanctions\": {\"nominal\": ");
  w_est(w, mean_of(s, p->nominal_sum, p->nominal_sq));
  w_raw(w, ", \"effective\": ");
  w_est(w, mean_of(s, p->effective_sum, p->effective_sq));
  w_raw(w, ", \"effectiveness\": ");
  w_est(w, brink_stats_mean(p->ratio_n, p->ratio_sum, p->ratio_sq, s->z));
  w_raw(w, ", \"unsc_proposed\": ");
  w_est(w, mean_of(s, p->unsc_proposed_sum, p->unsc_proposed_sq));
  w_raw(w, ", \"unsc_adopted\": ");
  w_est(w, mean_of(s, p->unsc_adopted_sum, p->unsc_adopted_sq));
  w_raw(w, "}\n    }");
}

brink_status brink_summary_json(brink_ctx *ctx, const brink_summary *s,
                                const brink_output_meta *meta, brink_buf *out) {
  (void)ctx;
  const brink_scenario *sc = brink_model_scenario(s->model);
  writer w = {out, BRINK_OK};
  w_raw(&w, "{\n  \"version\": ");
  w_str(&w, BRINK_VERSION_STRING);
  w_raw(&w, ",\n  \"scenario\": ");
  w_str(&w, sc->name);
  w_raw(&w, ",\n  \"scenario_file\": ");
  w_str(&w, meta ? meta->scenario_file : NULL);
  w_raw(&w, ",\n  \"seed\": ");
  w_u64(&w, s->seed);
  w_raw(&w, ",\n  \"rng\": ");
  w_str(&w, BRINK_RNG_NAME);
  w_raw(&w, ",\n  \"runs\": ");
  w_u64(&w, s->runs);
  w_raw(&w, ",\n  \"horizon\": ");
  w_u64(&w, s->horizon);
  w_raw(&w, ",\n  \"step\": ");
  w_str(&w, brink_time_step_name(sc->step));
  w_raw(&w, ",\n  \"start\": ");
  w_str(&w, sc->start);
  w_raw(&w, ",\n  \"confidence\": ");
  w_num(&w, s->confidence);
  w_raw(&w, ",\n  \"posterior\": ");
  w_str(&w, meta ? meta->posterior_file : NULL);
  w_raw(&w, ",\n  \"overrides\": [");
  for (size_t i = 0; meta && i < meta->n_overrides; i++) {
    if (i) w_raw(&w, ", ");
    w_str(&w, meta->overrides[i]);
  }
  w_raw(&w, "],\n  \"sources\": [");
  for (size_t i = 0; i < sc->n_sources; i++) {
    w_raw(&w, i ? ",\n    " : "\n    ");
    w_str(&w, sc->sources[i]);
  }
  w_raw(&w, "],\n  \"assumptions\": [");
  for (size_t i = 0; i < sc->n_params; i++) {
    w_raw(&w, i ? ",\n    " : "\n    ");
    write_param(&w, &sc->params[i]);
  }
  w_raw(&w, "],\n  \"policies\": [\n");
  for (size_t i = 0; i < s->n_policies; i++) {
    if (i) w_raw(&w, ",\n");
    write_policy(&w, s, i);
  }
  w_raw(&w, "\n  ],\n  \"differences\": [");
  for (size_t k = 0; k < s->n_pairs; k++) {
    const brink_pair_stats *pr = &s->pairs[k];
    w_raw(&w, k ? ",\n    " : "\n    ");
    w_raw(&w, "{\"a\": ");
    w_str(&w, sc->policies[s->policies[pr->a].policy].name);
    w_raw(&w, ", \"b\": ");
    w_str(&w, sc->policies[s->policies[pr->b].policy].name);
    w_raw(&w, ", \"p_armed_conflict\": ");
    w_est(&w, mean_of(s, pr->war_sum, pr->war_sq));
    w_raw(&w, ", \"provocations\": ");
    w_est(&w, mean_of(s, pr->prov_sum, pr->prov_sq));
    w_raw(&w, ", \"p_talks\": ");
    w_est(&w, mean_of(s, pr->talks_sum, pr->talks_sq));
    w_raw(&w, "}");
  }
  w_raw(&w, "]");
  if (!meta || meta->with_timing) {
    w_raw(&w, ",\n  \"timing\": {\"seconds\": ");
    w_num(&w, s->seconds);
    w_raw(&w, ", \"runs_per_second\": ");
    w_num(&w, s->seconds > 0 ? floor((double)(s->runs * s->n_policies) / s->seconds) : 0.0);
    w_raw(&w, ", \"threads\": ");
    w_u64(&w, (uint64_t)s->threads);
    w_raw(&w, "}");
  }
  w_raw(&w, "\n}\n");
  return w.st;
}

/* A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
static brink_status csv_field(brink_buf *out, const char *s) {
  if (!s) s = "";
  if (!strpbrk(s, ",\"\r\n")) return brink_buf_puts(out, s);
  brink_status st = brink_buf_putc(out, '"');
  for (; *s && !st; s++) st = *s == '"' ? brink_buf_puts(out, "\"\"") : brink_buf_putc(out, *s);
  return st ? st : brink_buf_putc(out, '"');
}

/* ",v" in the shortest form that reads back to the same double; empty when not a number. */
static brink_status csv_num(brink_buf *out, double v) {
  brink_status st = brink_buf_putc(out, ',');
  return st || !isfinite(v) ? st : brink_buf_json_number(out, v);
}

brink_status brink_summary_csv(brink_ctx *ctx, const brink_summary *s,
                               const brink_output_meta *meta, brink_buf *out) {
  (void)ctx;
  const brink_scenario *sc = brink_model_scenario(s->model);
  brink_buf overrides;
  brink_buf_init(&overrides, out->ctx, 0);
  brink_status st = BRINK_OK;
  for (size_t k = 0; meta && k < meta->n_overrides && !st; k++) {
    if (k) st = brink_buf_putc(&overrides, ';');
    if (!st) st = brink_buf_puts(&overrides, meta->overrides[k]);
  }
  if (!st)
    st = brink_buf_puts(out, "scenario,scenario_file,overrides,seed,rng,runs,horizon,confidence,"
                             "policy,p_armed_conflict,p_armed_conflict_lo,p_armed_conflict_hi,"
                             "p_clash,p_clash_lo,p_clash_hi,provocations,provocations_lo,"
                             "provocations_hi,p_talks,p_talks_lo,p_talks_hi,"
                             "time_to_talks_median_steps\n");
  for (size_t i = 0; i < s->n_policies && !st; i++) {
    brink_estimate e[4] = {brink_summary_p_war(s, i), brink_summary_p_clash(s, i),
                           brink_summary_provocations(s, i), brink_summary_p_talks(s, i)};
    st = csv_field(out, sc->name);
    if (!st) st = brink_buf_putc(out, ',');
    if (!st) st = csv_field(out, meta ? meta->scenario_file : NULL);
    if (!st) st = brink_buf_putc(out, ',');
    if (!st) st = csv_field(out, overrides.data);
    if (!st)
      st = brink_buf_printf(out, ",%llu,%s,%llu,%u", (unsigned long long)s->seed, BRINK_RNG_NAME,
                            (unsigned long long)s->runs, s->horizon);
    if (!st) st = csv_num(out, s->confidence);
    if (!st) st = brink_buf_putc(out, ',');
    if (!st) st = csv_field(out, sc->policies[s->policies[i].policy].name);
    for (int k = 0; k < 4 && !st; k++) {
      st = csv_num(out, e[k].mean);
      if (!st) st = csv_num(out, e[k].lo);
      if (!st) st = csv_num(out, e[k].hi);
    }
    if (!st) st = csv_num(out, brink_summary_time_to_talks(s, i).mean);
    if (!st) st = brink_buf_putc(out, '\n');
  }
  brink_buf_release(&overrides);
  return st;
}

static brink_status pct(brink_buf *out, brink_estimate e) {
  return brink_buf_printf(out, "%5.1f%% [%4.1f, %4.1f]", 100 * e.mean, 100 * e.lo, 100 * e.hi);
}

brink_status brink_summary_table(brink_ctx *ctx, const brink_summary *s, brink_buf *out) {
  (void)ctx;
  const brink_scenario *sc = brink_model_scenario(s->model);
  brink_status st = brink_buf_printf(
      out,
      "scenario %s: %llu runs per policy, horizon %u %ss, seed %llu, %.0f%% intervals\n\n"
      "%-26s %-22s %-22s %-22s %-22s %s\n",
      sc->name, (unsigned long long)s->runs, s->horizon, brink_time_step_name(sc->step),
      (unsigned long long)s->seed, 100 * s->confidence, "policy", "P(armed conflict)",
      "P(armed clash)", "provocations/run", "P(talks)", "median steps to talks");
  for (size_t i = 0; i < s->n_policies && !st; i++) {
    brink_estimate p = brink_summary_provocations(s, i), tt = brink_summary_time_to_talks(s, i);
    st = brink_buf_printf(out, "%-26s ", sc->policies[s->policies[i].policy].name);
    if (!st) st = pct(out, brink_summary_p_war(s, i));
    if (!st) st = brink_buf_puts(out, "  ");
    if (!st) st = pct(out, brink_summary_p_clash(s, i));
    if (!st) st = brink_buf_printf(out, "  %6.2f [%6.2f, %6.2f]  ", p.mean, p.lo, p.hi);
    if (!st) st = pct(out, brink_summary_p_talks(s, i));
    if (!st)
      st = isnan(tt.mean) ? brink_buf_puts(out, "  -\n")
                          : brink_buf_printf(out, "  %.0f [%.0f, %.0f]\n", tt.mean, tt.lo, tt.hi);
  }
  if (!st)
    st = brink_buf_printf(out, "\n%-26s %-22s %-22s %-22s %-22s %s\n", "how armed conflict began",
                          "incident (accident)", "deliberate attack", "pre-emption",
                          "P(nuclear use)", "clashes/run");
  for (size_t i = 0; i < s->n_policies && !st; i++) {
    brink_estimate c = brink_summary_clashes(s, i);
    st = brink_buf_printf(out, "%-26s ", sc->policies[s->policies[i].policy].name);
    for (int k = BRINK_WAR_INCIDENT; k < BRINK_WAR_CAUSE_COUNT && !st; k++) {
      st = pct(out, brink_summary_p_war_cause(s, i, (brink_war_cause)k));
      if (!st) st = brink_buf_puts(out, "  ");
    }
    if (!st) st = pct(out, brink_summary_p_nuclear(s, i));
    if (!st) st = brink_buf_printf(out, "  %.2f [%.2f, %.2f]\n", c.mean, c.lo, c.hi);
  }
  if (!st && s->n_pairs)
    st = brink_buf_puts(out, "\npaired differences (first minus second, common random numbers):\n");
  for (size_t k = 0; k < s->n_pairs && !st; k++) {
    const brink_pair_stats *pr = &s->pairs[k];
    brink_estimate w = mean_of(s, pr->war_sum, pr->war_sq),
                   p = mean_of(s, pr->prov_sum, pr->prov_sq);
    st = brink_buf_printf(out,
                          "  %s - %s: P(armed conflict) %+.1f points [%+.1f, %+.1f], "
                          "provocations %+.2f [%+.2f, %+.2f]\n",
                          sc->policies[s->policies[pr->a].policy].name,
                          sc->policies[s->policies[pr->b].policy].name, 100 * w.mean, 100 * w.lo,
                          100 * w.hi, p.mean, p.lo, p.hi);
  }
  if (!st)
    st = brink_buf_puts(out, "\nprobabilities: share of runs, Wilson intervals; provocations: "
                             "military actions of behavioural actors per run, mean with normal "
                             "interval\n");
  return st;
}
