/* SPDX-License-Identifier: MIT */
/* `brink trace`: one simulated run told step by step, in plain words or as CSV/JSON. */
#include <stdio.h>
#include <string.h>

#include "brink/events.h"
#include "brink/model.h"
#include "brink/scenario.h"
#include "cli.h"

typedef struct trace {
  const brink_scenario *sc;
  const char *format; /* text | csv | json */
  brink_buf *out;
  int32_t start_days; /* days since 1970-01-01 of step 0, or -1 */
  uint32_t n_events_json;
  brink_status st;
  char events[4096]; /* this step's events, "; "-joined (csv) */
  size_t events_len;
} trace;

/* "2023-W14" for weeks (ISO 8601), "2023-04-03" for days, "2023-04" for months, else "step 14".
 * Dates come from the library's calendar (brink/events.h). */
static void step_label(const trace *tr, uint32_t step, char *label, size_t n) {
  if (tr->start_days < 0) {
    snprintf(label, n, "step %u", step);
    return;
  }
  int32_t start = brink_event_date_from_days(tr->start_days);
  switch (brink_scenario_step(tr->sc)) {
  case BRINK_STEP_DAY: {
    int32_t d = brink_event_date_from_days(tr->start_days + (int64_t)step);
    snprintf(label, n, "%04d-%02d-%02d", (int)(d / 10000), (int)(d / 100 % 100), (int)(d % 100));
    break;
  }
  case BRINK_STEP_MONTH: {
    int m = (int)(start / 100 % 100) + (int)step;
    snprintf(label, n, "%04d-%02d", (int)(start / 10000) + (m - 1) / 12, (m - 1) % 12 + 1);
    break;
  }
  default: {
    int iso_year, week;
    brink_event_iso_week(brink_event_date_from_days(tr->start_days + 7 * (int64_t)step), &iso_year,
                         &week);
    snprintf(label, n, "%04d-W%02d", iso_year, week);
  }
  }
}

static void on_event(void *ud, uint32_t step, const char *text) {
  trace *tr = ud;
  if (tr->st) return;
  char label[32];
  step_label(tr, step, label, sizeof label);
  if (!strcmp(tr->format, "text")) {
    tr->st = brink_buf_printf(tr->out, "%s  %s\n", label, text);
  } else if (!strcmp(tr->format, "json")) {
    tr->st = brink_buf_printf(tr->out, "%s\n    {\"step\": %u, \"label\": \"%s\", \"text\": ",
                              tr->n_events_json++ ? "," : "", step, label);
    if (!tr->st) tr->st = brink_buf_json_string(tr->out, text);
    if (!tr->st) tr->st = brink_buf_puts(tr->out, "}");
  } else {
    int n = snprintf(tr->events + tr->events_len, sizeof tr->events - tr->events_len, "%s%s",
                     tr->events_len ? "; " : "", text);
    if (n > 0) tr->events_len += (size_t)n;
    if (tr->events_len >= sizeof tr->events) tr->events_len = sizeof tr->events - 1;
  }
}

static void on_step(void *ud, const brink_step_view *v) {
  trace *tr = ud;
  const brink_scenario *sc = tr->sc;
  if (tr->st) return;
  char label[32];
  step_label(tr, v->step, label, sizeof label);
  if (!strcmp(tr->format, "csv")) {
    tr->st = brink_buf_printf(tr->out, "%u,%s", v->step, label);
    for (size_t i = 0; i < brink_scenario_actor_count(sc) && !tr->st; i++)
      tr->st = brink_buf_printf(
          tr->out, ",%s,%.4f",
          v->actions[i] >= 0 ? brink_scenario_actor(sc, i)->ladder[v->actions[i]].name : "",
          v->readiness[i]);
    if (!tr->st)
      tr->st = brink_buf_printf(tr->out, ",%s,%.2f,%d,%d,%d,\"", brink_track_name(v->track),
                                v->tension, v->incident, v->clash, v->war);
    for (size_t i = 0; i < tr->events_len && !tr->st; i++)
      tr->st = brink_buf_puts(tr->out, tr->events[i] == '"' ? "\"\"" : (char[]){tr->events[i], 0});
    if (!tr->st) tr->st = brink_buf_puts(tr->out, "\"\n");
    tr->events_len = 0;
  } else if (!strcmp(tr->format, "text") && (v->war || v->step + 1 == 0)) {
    tr->st = brink_buf_printf(tr->out, "%s  -- armed conflict ends the run\n", label);
  }
}

int cmd_trace(brink_ctx *ctx, int argc, char **argv) {
  cli_opt opts[] = {
      {"policy", "NAME", "the policy (default: the scenario's first)", 0, NULL, NULL, 0},
      {"seed", "S", "random seed (default 1)", 0, NULL, NULL, 0},
      {"run", "I", "which run of that seed (default 0; as numbered by brink run)", 0, NULL, NULL,
       0},
      {"horizon", "H", "steps to simulate (default: the scenario's horizon)", 0, NULL, NULL, 0},
      {"posterior", "FILE",
       "draw the parameters it names from this sample (TSV: names, then draws) instead of "
       "their priors",
       0, NULL, NULL, 0},
      {"set", "PATH=VALUE", "override a scenario value", 1, NULL, NULL, 0},
      {"format", "F", "text | csv | json (default text)", 0, NULL, NULL, 0},
  };
  cli_spec spec = {
      "trace",
      "SCENARIO [options]",
      "Tells one simulated run step by step: every action with its CAMEO code and\n"
      "Goldstein weight, votes, vetoes, mediation, the diplomacy track, incidents,\n"
      "clashes. Run I with seed S is the same run as run I of `brink run --seed S`.",
      opts,
      sizeof opts / sizeof opts[0],
      1,
      1,
      "example:\n  brink trace scenarios/korea/2022.yaml --policy maximum_pressure --seed 7",
      NULL,
      0};
  brink_scenario *sc = NULL;
  brink_model *model = NULL;
  brink_buf out;
  brink_buf_init(&out, ctx, 0);
  uint64_t seed, run, horizon;
  int rc = cli_parse(&spec, argc, argv);
  if (rc >= 0) goto done;
  if ((rc = cli_u64(&spec, "seed", 0, UINT64_MAX >> 1, 1, &seed)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "run", 0, UINT64_MAX >> 1, 0, &run)) >= 0) goto done;
  if ((rc = cli_u64(&spec, "horizon", 1, BRINK_MAX_HORIZON, 0, &horizon)) >= 0) goto done;
  static const char *const formats[] = {"text", "csv", "json"};
  int format_index;
  if ((rc = cli_choice(&spec, "format", formats, 3, 0, &format_index)) >= 0) goto done;
  const char *format = formats[format_index];
  if ((rc = cli_load_scenario(&spec, ctx, spec.pos[0], &sc)) >= 0) goto done;
  int policy = 0;
  const char *name = cli_value(&spec, "policy", NULL);
  if (name && (policy = brink_scenario_find_policy(sc, name)) < 0) {
    fprintf(stderr, "brink trace: unknown policy '%s'; the scenario defines:", name);
    for (size_t i = 0; i < brink_scenario_policy_count(sc); i++)
      fprintf(stderr, " %s", brink_scenario_policy(sc, i)->name);
    fprintf(stderr, "\n");
    rc = CLI_EXIT_USAGE;
    goto done;
  }
  if (brink_scenario_policy_count(sc) == 0) {
    fprintf(stderr, "brink trace: scenario '%s' defines no policy\n", brink_scenario_name(sc));
    rc = CLI_EXIT_FAIL;
    goto done;
  }
  brink_status st = brink_model_new(ctx, sc, &model);
  if (!st && horizon) st = brink_model_set_horizon(ctx, model, (uint32_t)horizon);
  if (!st && cli_value(&spec, "posterior", NULL))
    st = brink_model_load_posterior(ctx, model, cli_value(&spec, "posterior", NULL));
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  trace tr = {sc, format, &out, -1, 0, BRINK_OK, "", 0};
  int32_t start;
  if (brink_scenario_start(sc) &&
      !brink_event_date_parse(brink_scenario_start(sc), strlen(brink_scenario_start(sc)), &start))
    tr.start_days = (int32_t)brink_event_date_days(start);
  if (!strcmp(format, "csv")) {
    brink_buf_puts(&out, "step,label");
    for (size_t i = 0; i < brink_scenario_actor_count(sc); i++)
      brink_buf_printf(&out, ",action_%s,readiness_%s", brink_scenario_actor(sc, i)->name,
                       brink_scenario_actor(sc, i)->name);
    brink_buf_puts(&out, ",track,tension,incident,clash,war,events\n");
  } else if (!strcmp(format, "json")) {
    brink_buf_printf(&out, "{\n  \"scenario\": ");
    brink_buf_json_string(&out, brink_scenario_name(sc));
    brink_buf_printf(&out, ",\n  \"policy\": ");
    brink_buf_json_string(&out, brink_scenario_policy(sc, (size_t)policy)->name);
    brink_buf_printf(&out, ",\n  \"seed\": %llu,\n  \"run\": %llu,\n  \"events\": [",
                     (unsigned long long)seed, (unsigned long long)run);
  } else {
    brink_buf_printf(&out, "%s, policy %s, seed %llu, run %llu\n", brink_scenario_name(sc),
                     brink_scenario_policy(sc, (size_t)policy)->name, (unsigned long long)seed,
                     (unsigned long long)run);
  }
  brink_run_observer obs = {on_event, on_step, &tr};
  brink_run_result result;
  brink_model_run(model, (uint32_t)policy, seed, run, &result, NULL, &obs);
  st = tr.st;
  if (!st && !strcmp(format, "json"))
    st = brink_buf_printf(&out,
                          "\n  ],\n  \"steps_run\": %u,\n  \"armed_conflict_step\": %s%.0d,\n"
                          "  \"clashes\": %u,\n  \"provocations\": %u\n}\n",
                          result.steps_run, result.war_step == BRINK_NEVER ? "null" : "",
                          result.war_step == BRINK_NEVER ? 0 : (int)result.war_step, result.clashes,
                          result.provocations);
  if (!st && !strcmp(format, "text")) {
    const char *types = "";
    for (size_t i = 0; i < brink_scenario_actor_count(sc); i++)
      if (brink_scenario_actor(sc, i)->driver == BRINK_DRIVER_BEHAVIOURAL) {
        st =
            brink_buf_printf(&out, "%s%s was the %s type", types, brink_scenario_actor(sc, i)->name,
                             result.types[i] ? "greedy" : "security-seeking");
        types = "; ";
      }
    if (!st)
      st =
          brink_buf_printf(&out, "\n%u steps, %u provocations, %u incidents, %u clashes, %s\n",
                           result.steps_run, result.provocations, result.incidents, result.clashes,
                           result.war_step == BRINK_NEVER ? "no armed conflict" : "armed conflict");
  }
  if (st) {
    rc = cli_fail(&spec, ctx, st);
    goto done;
  }
  fputs(out.data, stdout);
  rc = CLI_EXIT_OK;
done:
  brink_buf_release(&out);
  brink_model_free(model);
  brink_scenario_free(sc);
  cli_spec_release(&spec);
  return rc;
}
