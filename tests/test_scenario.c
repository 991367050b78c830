/* SPDX-License-Identifier: MIT */
/* Scenario loader: a rich file read into the structure (values checked against the file by
 * hand), the round trip through the dump, every error class with its line and column,
 * includes, --set, malformed and hostile input, and allocation-failure injection. */
#define _POSIX_C_SOURCE 200809L
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brink/scenario.h"
#include "harness.h"
#include "scenario_internal.h"

#define DATA "tests/data/scenario/"

static brink_ctx *ctx;

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n < 2) {
      char *b = realloc(buf, cap * 2);
      if (!b) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = b;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf) buf[n] = '\0';
  *len = n;
  return buf;
}

static int param_index(const brink_scenario *sc, const char *name) {
  return brink_scenario_find_param(sc, name);
}

/* ---- The rich scenario, read field by field -------------------------------------------- */

static void test_rich(void) {
  brink_scenario *sc = NULL;
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  brink_status st = brink_scenario_load(ctx, DATA "rich.yaml", NULL, 0, &diags, &sc);
  CHECK_INT(st, BRINK_OK);
  CHECK_INT(diags.n, 0);
  if (!sc) goto done;
  CHECK_STR(sc->name, "rich-test");
  CHECK_STR(sc->description, "Two rivals, an ally and a mediator.\n");
  CHECK_INT(sc->n_sources, 2);
  CHECK_STR(sc->sources[1], "second source, with a \"quote\"");
  CHECK_INT(sc->step, BRINK_STEP_MONTH);
  CHECK_INT(sc->horizon, 24);
  CHECK_STR(sc->start, "2024-02-29");
  CHECK_INT(sc->n_files, 1);
  CHECK_STR(sc->files[0], DATA "rich.yaml");

  /* params */
  CHECK_INT(sc->n_params, 8);
  int p = param_index(sc, "red_greed");
  CHECK_INT(p, 0);
  CHECK_INT(sc->params[0].dist, BRINK_DIST_BETA);
  CHECK_NEAR(sc->params[0].a, 2, 0);
  CHECK_NEAR(sc->params[0].b, 3, 0);
  CHECK_STR(sc->params[0].unit, "probability");
  CHECK_STR(sc->params[0].doc, "prior P(Red greedy)");
  CHECK_INT(sc->params[0].loc.line, 14);
  CHECK_INT(sc->params[0].loc.col, 3);
  p = param_index(sc, "relations_rb");
  CHECK_INT(sc->params[p].dist, BRINK_DIST_CONSTANT);
  CHECK_NEAR(sc->params[p].value, -0.5, 0);
  p = param_index(sc, "scale");
  CHECK_INT(sc->params[p].dist, BRINK_DIST_CONSTANT);
  CHECK_NEAR(sc->params[p].value, 1.5, 0);
  CHECK_STR(sc->params[p].unit, "multiplier");
  p = param_index(sc, "u");
  CHECK_INT(sc->params[p].dist, BRINK_DIST_UNIFORM);
  CHECK_NEAR(sc->params[p].lo, 0, 0);
  CHECK_NEAR(sc->params[p].hi, 1, 0);
  p = param_index(sc, "n");
  CHECK_INT(sc->params[p].dist, BRINK_DIST_NORMAL);
  CHECK(sc->params[p].lo < -1e300 && sc->params[p].hi > 1e300);
  p = param_index(sc, "tn");
  CHECK_INT(sc->params[p].dist, BRINK_DIST_TRUNCNORMAL);
  CHECK_NEAR(sc->params[p].a, 0.5, 0);
  CHECK_NEAR(sc->params[p].b, 0.2, 0);
  CHECK_NEAR(sc->params[p].lo, 0, 0);
  CHECK_NEAR(sc->params[p].hi, 1, 0);
  p = param_index(sc, "w");
  CHECK_INT(sc->params[p].dist, BRINK_DIST_CHOICE);
  CHECK_INT(sc->params[p].n_choices, 3);
  CHECK_NEAR(sc->params[p].choices[2], 0.9, 0);
  CHECK_NEAR(sc->params[p].weights[0], 0.25, 1e-15); /* 1, 2, 1 normalised */
  CHECK_NEAR(sc->params[p].weights[1], 0.5, 1e-15);
  p = param_index(sc, "flag");
  CHECK_NEAR(sc->params[p].weights[0], 0.5, 1e-15); /* equal weights when none given */
  CHECK_INT(param_index(sc, "nope"), -1);

  /* model: given, parameter, default */
  CHECK_NEAR(sc->model[BRINK_MODEL_INCIDENT_BASE].constant, 0.02, 0);
  CHECK_INT(sc->model[BRINK_MODEL_INCIDENT_BASE].param, -1);
  CHECK_INT(sc->model[BRINK_MODEL_NOISE].param, param_index(sc, "scale"));
  CHECK_NEAR(sc->model[BRINK_MODEL_WAR_PROB].constant, 0.1, 0); /* default of the table */
  CHECK_INT(sc->model[BRINK_MODEL_WAR_PROB].param, -1);

  /* actors */
  CHECK_INT(sc->n_actors, 4);
  int red = brink_scenario_find_actor(sc, "Red"), blue = brink_scenario_find_actor(sc, "Blue");
  int green = brink_scenario_find_actor(sc, "Green"), grey = brink_scenario_find_actor(sc, "Grey");
  CHECK_INT(red, 0);
  CHECK_INT(blue, 1);
  CHECK_INT(green, 2);
  CHECK_INT(grey, 3);
  const brink_actor *a = &sc->actors[0];
  CHECK_STR(a->label, "Red State");
  CHECK_INT(a->driver, BRINK_DRIVER_BEHAVIOURAL);
  CHECK_INT(a->adversaries, (1u << 1) | (1u << 2));
  CHECK_INT(a->allies, 1u << 3);
  CHECK_INT(a->num[BRINK_ACTOR_GREED].param, param_index(sc, "red_greed"));
  CHECK_NEAR(a->num[BRINK_ACTOR_RATIONALITY].constant, 3, 0);
  CHECK_NEAR(a->num[BRINK_ACTOR_THREAT_MEMORY].constant, 0.85, 0); /* default */
  CHECK_NEAR(a->type_num[0][BRINK_TYPE_SECURITY].constant, 1.2, 0);
  CHECK_NEAR(a->type_num[0][BRINK_TYPE_OPPORTUNISM].constant, 0.0, 0); /* security default */
  CHECK_NEAR(a->type_num[1][BRINK_TYPE_SECURITY].constant, 0.3, 0);    /* greedy default */
  CHECK_NEAR(a->type_num[1][BRINK_TYPE_OPPORTUNISM].constant, 1.5, 0);
  CHECK_INT(a->type_num[1][BRINK_TYPE_DETERRENCE].param, param_index(sc, "u"));
  CHECK_INT(a->n_ladder, 6);
  CHECK_INT(a->loc.line, 27);
  CHECK_INT(a->loc.col, 3);
  const brink_action *act = &a->ladder[1];
  CHECK_STR(act->name, "launch");
  CHECK_STR(act->label, "launches a missile");
  CHECK_STR(act->cameo, "150");
  CHECK_INT(act->kind, BRINK_ACTION_MILITARY);
  CHECK_NEAR(act->num[BRINK_ACTION_INTENSITY].constant, 3, 0);
  CHECK_NEAR(act->num[BRINK_ACTION_PROXIMITY].constant, 0.2, 0);
  CHECK_NEAR(act->num[BRINK_ACTION_GOLDSTEIN].constant, -7.2, 1e-12); /* GDELT weight of 150 */
  CHECK_INT(act->goldstein_given, 0);
  CHECK_INT(act->commits, -1);
  CHECK_INT(act->targets, a->adversaries);
  CHECK_STR(a->ladder[0].label, "hold"); /* label defaults to the name */
  CHECK_INT(a->ladder[2].breaches, 1u << 0);
  CHECK_NEAR(a->ladder[2].num[BRINK_ACTION_MIN_READINESS].constant, 0.8, 0);
  CHECK_INT(a->ladder[3].commits, 0);
  CHECK_INT(a->ladder[3].num[BRINK_ACTION_COST].param, param_index(sc, "w"));
  CHECK_INT(a->ladder[4].min_track, BRINK_TRACK_CONTACT);
  CHECK_INT(a->ladder[4].sets_track, BRINK_TRACK_TALKS); /* min_track + 1 */
  CHECK_INT(a->ladder[4].goldstein_given, 1);
  CHECK_NEAR(a->ladder[4].num[BRINK_ACTION_GOLDSTEIN].constant, 3.5, 0);
  CHECK_INT(a->ladder[5].targets, 1u << 1);
  CHECK_INT(brink_actor_find_action(a, "talk"), 4);
  CHECK_INT(brink_actor_find_action(a, "nope"), -1);
  CHECK_INT(sc->actors[1].driver, BRINK_DRIVER_POLICY);
  CHECK_NEAR(sc->actors[1].num[BRINK_ACTOR_PERMANENT_MEMBER].constant, 1, 0);
  CHECK_INT(sc->actors[1].ladder[5].sets_track, BRINK_TRACK_TALKS);
  CHECK_INT(sc->actors[1].ladder[5].min_track, BRINK_TRACK_NONE);
  CHECK_INT(sc->actors[1].ladder[6].commits, 1);
  CHECK_INT(sc->actors[3].driver, BRINK_DRIVER_THIRD_PARTY);
  CHECK_INT(sc->actors[3].n_ladder, 0);
  CHECK_INT(sc->actors[3].num[BRINK_ACTOR_PERMANENT_MEMBER].param, param_index(sc, "flag"));

  /* relations, commitments */
  CHECK_INT(sc->n_relations, 2);
  CHECK_INT(sc->relations[0].a, 0);
  CHECK_INT(sc->relations[0].b, 1);
  CHECK_INT(sc->relations[0].num[BRINK_RELATION_VALUE].param, param_index(sc, "relations_rb"));
  CHECK_NEAR(sc->relations[0].num[BRINK_RELATION_DRIFT].constant, 0.001, 0);
  CHECK_NEAR(sc->relations[1].num[BRINK_RELATION_NOISE].constant, 0, 0);
  CHECK_INT(sc->n_commitments, 2);
  CHECK_STR(sc->commitments[0].name, "moratorium");
  CHECK_INT(sc->commitments[0].holder, 0);
  CHECK_NEAR(sc->commitments[0].num[BRINK_COMMITMENT_BREACH_COST].constant, 3, 0);
  CHECK_NEAR(sc->commitments[0].num[BRINK_COMMITMENT_BY_AGREEMENT].constant, 1, 0);
  CHECK_NEAR(sc->commitments[1].num[BRINK_COMMITMENT_IN_FORCE].constant, 1, 0);
  CHECK_NEAR(sc->commitments[1].num[BRINK_COMMITMENT_BREACH_COST].constant, 2, 0);

  /* policies */
  CHECK_INT(sc->n_policies, 2);
  CHECK_INT(brink_scenario_find_policy(sc, "mine"), 1);
  const brink_policy *pol = &sc->policies[0];
  CHECK_INT(pol->builtin, BRINK_POLICY_BUILTIN_MAXIMUM_PRESSURE);
  CHECK_STR(pol->description, "answer everything");
  CHECK_INT(pol->actors, (1u << 1) | (1u << 2));
  CHECK_NEAR(pol->num[BRINK_POLICY_THRESHOLD].constant, 5, 0);
  CHECK_INT(pol->num[BRINK_POLICY_EXERCISE_EVERY].param, param_index(sc, "scale"));
  CHECK_INT(pol->n_rules, 0);
  pol = &sc->policies[1];
  CHECK_INT(pol->builtin, BRINK_POLICY_BUILTIN_NONE);
  CHECK_INT(pol->n_rules, 4);
  CHECK_INT(pol->rules[0].n_conditions, 2);
  CHECK_INT(pol->rules[0].conditions[0].kind, BRINK_COND_PROVOKED_AT_LEAST);
  CHECK_NEAR(pol->rules[0].conditions[0].value, 6, 0);
  CHECK_INT(pol->rules[0].conditions[1].kind, BRINK_COND_TRACK_BELOW);
  CHECK_INT(pol->rules[0].verb, BRINK_VERB_ESCALATE);
  CHECK_NEAR(pol->rules[0].by, 1, 0);
  CHECK_INT(pol->rules[1].verb, BRINK_VERB_ACTION);
  CHECK_STR(pol->rules[1].action, "big_drill");
  CHECK_INT(pol->rules[1].actors, pol->actors);
  CHECK_INT(pol->rules[2].actors, 1u << 1);
  CHECK_INT(pol->rules[3].n_conditions, 0);
  CHECK_INT(pol->rules[3].verb, BRINK_VERB_HOLD);
  CHECK_INT(sc->outputs, (1u << BRINK_OUTPUT_P_ARMED_CONFLICT) | (1u << BRINK_OUTPUT_PROVOCATIONS));
done:
  brink_scenario_free(sc);
  brink_diag_list_release(&diags);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
}

/* ---- Round trip -------------------------------------------------------------------------- */

static int same_value(brink_value a, brink_value b) {
  return a.param == b.param && (a.param >= 0 || a.constant == b.constant);
}

/* Field-by-field comparison, independent of the dump's text. */
static int same_scenario(const brink_scenario *x, const brink_scenario *y) {
  int ok = !strcmp(x->name, y->name) && x->step == y->step && x->horizon == y->horizon &&
           !x->start == !y->start && (!x->start || !strcmp(x->start, y->start)) &&
           !x->description == !y->description &&
           (!x->description || !strcmp(x->description, y->description)) &&
           x->n_sources == y->n_sources && x->n_params == y->n_params &&
           x->n_actors == y->n_actors && x->n_relations == y->n_relations &&
           x->n_commitments == y->n_commitments && x->n_policies == y->n_policies &&
           x->outputs == y->outputs;
  for (size_t i = 0; ok && i < x->n_sources; i++) ok = !strcmp(x->sources[i], y->sources[i]);
  for (size_t k = 0; ok && k < BRINK_MODEL_KEY_COUNT; k++)
    ok = same_value(x->model[k], y->model[k]);
  for (size_t i = 0; ok && i < x->n_params; i++) {
    const brink_param *p = &x->params[i], *q = &y->params[i];
    ok = !strcmp(p->name, q->name) && p->dist == q->dist && p->value == q->value && p->a == q->a &&
         p->b == q->b && p->lo == q->lo && p->hi == q->hi && p->n_choices == q->n_choices &&
         !p->doc == !q->doc && !p->unit == !q->unit;
    for (size_t k = 0; ok && k < p->n_choices; k++)
      ok = p->choices[k] == q->choices[k] && p->weights[k] == q->weights[k];
  }
  for (size_t i = 0; ok && i < x->n_actors; i++) {
    const brink_actor *a = &x->actors[i], *b = &y->actors[i];
    ok = !strcmp(a->name, b->name) && !strcmp(a->label, b->label) && a->driver == b->driver &&
         a->allies == b->allies && a->adversaries == b->adversaries && a->n_ladder == b->n_ladder;
    for (size_t k = 0; ok && k < BRINK_ACTOR_KEY_COUNT; k++) ok = same_value(a->num[k], b->num[k]);
    for (size_t t = 0; ok && t < 2; t++)
      for (size_t k = 0; ok && k < BRINK_TYPE_KEY_COUNT; k++)
        ok = same_value(a->type_num[t][k], b->type_num[t][k]);
    for (size_t j = 0; ok && j < a->n_ladder; j++) {
      const brink_action *s = &a->ladder[j], *t = &b->ladder[j];
      ok = !strcmp(s->name, t->name) && !strcmp(s->label, t->label) &&
           !strcmp(s->cameo, t->cameo) && s->kind == t->kind &&
           s->goldstein_given == t->goldstein_given && s->min_track == t->min_track &&
           s->sets_track == t->sets_track && s->commits == t->commits &&
           s->breaches == t->breaches && s->targets == t->targets;
      for (size_t k = 0; ok && k < BRINK_ACTION_KEY_COUNT; k++)
        ok = same_value(s->num[k], t->num[k]);
    }
  }
  for (size_t i = 0; ok && i < x->n_relations; i++) {
    ok = x->relations[i].a == y->relations[i].a && x->relations[i].b == y->relations[i].b;
    for (size_t k = 0; ok && k < BRINK_RELATION_KEY_COUNT; k++)
      ok = same_value(x->relations[i].num[k], y->relations[i].num[k]);
  }
  for (size_t i = 0; ok && i < x->n_commitments; i++) {
    ok = !strcmp(x->commitments[i].name, y->commitments[i].name) &&
         x->commitments[i].holder == y->commitments[i].holder;
    for (size_t k = 0; ok && k < BRINK_COMMITMENT_KEY_COUNT; k++)
      ok = same_value(x->commitments[i].num[k], y->commitments[i].num[k]);
  }
  for (size_t i = 0; ok && i < x->n_policies; i++) {
    const brink_policy *p = &x->policies[i], *q = &y->policies[i];
    ok = !strcmp(p->name, q->name) && p->builtin == q->builtin && p->actors == q->actors &&
         p->n_rules == q->n_rules;
    for (size_t k = 0; ok && k < BRINK_POLICY_KEY_COUNT; k++) ok = same_value(p->num[k], q->num[k]);
    for (size_t r = 0; ok && r < p->n_rules; r++) {
      const brink_rule *u = &p->rules[r], *v = &q->rules[r];
      ok = u->verb == v->verb && u->by == v->by && u->actors == v->actors &&
           !u->action == !v->action && (!u->action || !strcmp(u->action, v->action)) &&
           u->n_conditions == v->n_conditions;
      for (size_t c = 0; ok && c < u->n_conditions; c++)
        ok = u->conditions[c].kind == v->conditions[c].kind &&
             u->conditions[c].value == v->conditions[c].value;
    }
  }
  return ok;
}

static void round_trip(const char *path) {
  brink_scenario *x = NULL, *y = NULL, *z = NULL;
  brink_buf d1, d2;
  brink_buf_init(&d1, ctx, 0);
  brink_buf_init(&d2, ctx, 0);
  brink_status st = brink_scenario_load(ctx, path, NULL, 0, NULL, &x);
  if (st) fprintf(stderr, "%s: %s\n", path, brink_ctx_errmsg(ctx));
  CHECK_INT(st, BRINK_OK);
  if (st) goto done;
  CHECK_INT(brink_scenario_dump(ctx, x, &d1), BRINK_OK);
  st = brink_scenario_load_string(ctx, "dump.yaml", d1.data, d1.len, NULL, 0, NULL, &y);
  if (st) fprintf(stderr, "dump of %s: %s\n", path, brink_ctx_errmsg(ctx));
  CHECK_INT(st, BRINK_OK);
  if (st) goto done;
  CHECK(same_scenario(x, y));
  CHECK_INT(brink_scenario_dump(ctx, y, &d2), BRINK_OK);
  CHECK_STR(d1.data, d2.data);
  /* A third load of the second dump: the fixed point holds. */
  CHECK_INT(brink_scenario_load_string(ctx, NULL, d2.data, d2.len, NULL, 0, NULL, &z), BRINK_OK);
  CHECK(z && same_scenario(x, z));
done:
  brink_scenario_free(x);
  brink_scenario_free(y);
  brink_scenario_free(z);
  brink_buf_release(&d1);
  brink_buf_release(&d2);
}

static void test_round_trip_rich(void) {
  round_trip(DATA "rich.yaml");
  /* The same text given in memory loads to the same scenario. */
  size_t len = 0;
  char *text = read_all(DATA "rich.yaml", &len);
  CHECK(text != NULL);
  brink_scenario *x = NULL, *y = NULL;
  CHECK_INT(brink_scenario_load(ctx, DATA "rich.yaml", NULL, 0, NULL, &x), BRINK_OK);
  CHECK_INT(brink_scenario_load_string(ctx, "rich", text, len, NULL, 0, NULL, &y), BRINK_OK);
  CHECK(x && y && same_scenario(x, y));
  brink_scenario_free(x);
  brink_scenario_free(y);
  free(text);
}

static void test_round_trip_include(void) { round_trip(DATA "include_child.yaml"); }

/* Every shipped scenario, whatever is in scenarios/ when the test runs. */
static void test_round_trip_shipped(void) {
  static const char *const patterns[] = {"scenarios/*.yaml", "scenarios/*/*.yaml"};
  size_t n = 0;
  for (size_t p = 0; p < 2; p++) {
    glob_t g;
    memset(&g, 0, sizeof g);
    if (glob(patterns[p], 0, NULL, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; i++) {
        round_trip(g.gl_pathv[i]);
        n++;
      }
    }
    globfree(&g);
  }
  printf("round trip: %zu shipped scenario file(s)\n", n);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
}

/* ---- Error classes: every problem of a file, each at its line and column ------------------- */

typedef struct expected {
  const char *file; /* suffix of the diagnostic's file */
  unsigned line, col;
  const char *text; /* part of the message */
} expected;

/* Loads path (or text when given) and checks that exactly the expected diagnostics came. */
static void expect_errors(const char *path, const char *text, const char *const *sets,
                          size_t n_sets, const expected *want, size_t n_want) {
  brink_scenario *sc = NULL;
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  brink_status st =
      text ? brink_scenario_load_string(ctx, path, text, strlen(text), sets, n_sets, &diags, &sc)
           : brink_scenario_load(ctx, path, sets, n_sets, &diags, &sc);
  CHECK_INT(st, BRINK_EPARSE);
  CHECK(sc == NULL);
  CHECK_INT(diags.n, n_want);
  for (size_t i = 0; i < n_want; i++) {
    int found = 0;
    for (size_t k = 0; k < diags.n && !found; k++) {
      const brink_diag *d = &diags.items[k];
      size_t lf = strlen(d->file), lw = strlen(want[i].file);
      found = d->line == want[i].line && d->col == want[i].col && lf >= lw &&
              !strcmp(d->file + lf - lw, want[i].file) && strstr(d->message, want[i].text);
    }
    if (!found) {
      fprintf(stderr, "%s: missing %s:%u:%u: ...%s...; got:\n", path, want[i].file, want[i].line,
              want[i].col, want[i].text);
      for (size_t k = 0; k < diags.n; k++)
        fprintf(stderr, "  %s:%u:%u: %s\n", diags.items[k].file, diags.items[k].line,
                diags.items[k].col, diags.items[k].message);
    }
    CHECK(found);
  }
  /* The context names the first problem and how many more there are. */
  if (n_want > 1) CHECK_CONTAINS(brink_ctx_errmsg(ctx), "more error");
  brink_diag_list_release(&diags);
  brink_scenario_free(sc);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
}

#define EXPECT_FILE(name, ...)                                                                     \
  do {                                                                                             \
    static const expected want_[] = {__VA_ARGS__};                                                 \
    expect_errors(DATA name, NULL, NULL, 0, want_, BRINK_ARRAY_LEN(want_));                        \
  } while (0)
#define BRINK_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void test_unknown_keys(void) {
  EXPECT_FILE(
      "err_unknown_key.yaml",
      {"err_unknown_key.yaml", 7, 5, "unknown key 'gred' in actor 'Red' (did you mean 'greed'?"},
      {"err_unknown_key.yaml", 20, 1, "unknown key 'outptus' in the scenario"});
  /* The expected keys are listed. */
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "expected one of: ");
}

static void test_wrong_types(void) {
  EXPECT_FILE("err_wrong_type.yaml",
              {"err_wrong_type.yaml", 5, 8, "expected a mapping for 'model', found '0.5'"},
              {"err_wrong_type.yaml", 9, 12,
               "expected a number or $param for 'greed' in actor 'Red', found a sequence"},
              {"err_wrong_type.yaml", 13, 45, "expected a quoted CAMEO code"});
}

static void test_out_of_range(void) {
  EXPECT_FILE(
      "err_range.yaml",
      {"err_range.yaml", 3, 17, "horizon 6000 is out of range: expected 1 to 5000"},
      {"err_range.yaml", 7, 12,
       "value 1.5 of 'greed' in actor 'Red' is out of range: expected 0 to 1 (probability)"});
}

static void test_undefined(void) {
  EXPECT_FILE(
      "err_undefined.yaml",
      {"err_undefined.yaml", 10, 25, "undefined actor 'Green' in actor 'Red' (defined: Red, Blue)"},
      {"err_undefined.yaml", 11, 12, "undefined parameter '$gg' for 'greed'"},
      {"err_undefined.yaml", 14, 46, "unknown CAMEO code \"999\""},
      {"err_undefined.yaml", 14, 77, "undefined commitment 'pact'"},
      {"err_undefined.yaml", 22, 16, "unknown built-in policy 'tit_for_two_tats'"},
      {"err_undefined.yaml", 26, 30,
       "undefined action 'no_such_action' in rule 1 of policy 'mine'"});
}

static void test_distributions(void) {
  EXPECT_FILE(
      "err_distribution.yaml", {"err_distribution.yaml", 4, 28, "invalid start date '2023-02-29'"},
      {"err_distribution.yaml", 7, 39, "sd 0 in parameter 'bad_sd' (normal): expected sd > 0"},
      {"err_distribution.yaml", 8, 37, "hi 1 <= lo 1 in parameter 'bad_u'"},
      {"err_distribution.yaml", 9, 29, "a 0 in parameter 'bad_beta' (beta): expected a > 0"},
      {"err_distribution.yaml", 10, 50, "weights of parameter 'bad_w' (choice) sum to 0"},
      {"err_distribution.yaml", 11, 17, "unknown distribution 'lognormal'"},
      {"err_distribution.yaml", 15, 12,
       "parameter '$n' (normal on [-inf, inf]) can leave the range [0, 1]"});
}

static void test_policy_errors(void) {
  EXPECT_FILE(
      "err_policy.yaml",
      {"err_policy.yaml", 18, 16,
       "duplicate action 'drill' in the ladder of actor 'Blue' (first at line 17)"},
      {"err_policy.yaml", 19, 9, "actor 'Grey' has no ladder"},
      {"err_policy.yaml", 21, 44,
       "actor 'Red' in policy 'p' has driver behavioural: expected an actor with driver: policy"},
      {"err_policy.yaml", 24, 15, "duplicate relation Blue-Red (first at line 23)"});
}

static void test_include_errors(void) {
  /* The cycle is reported where it closes, with the chain. */
  EXPECT_FILE("cycle_a.yaml", {"cycle_b.yaml", 3, 11,
                               "include cycle: " DATA "cycle_a.yaml -> " DATA
                               "cycle_b.yaml -> " DATA "cycle_a.yaml"});
  EXPECT_FILE("include_missing.yaml",
              {"include_missing.yaml", 1, 30, "cannot read included file 'no_such_file.yaml'"});
  /* A scenario given as text without a name cannot include. */
  static const expected no_name[] = {
      {"<string>", 1, 10, "include of 'base.yaml' in a scenario given as text"}};
  expect_errors(NULL, "include: base.yaml\nname: x\n", NULL, 0, no_name, 1);
  /* Includes deeper than the limit: a file that includes itself under other spellings is a
   * cycle; a chain of 17 distinct names is too deep. */
  static const expected self[] = {{"self.yaml", 1, 10, "include cycle"}};
  expect_errors(DATA "self.yaml", "include: ./self.yaml\nname: x\n", NULL, 0, self, 1);
}

static void test_include_merge(void) {
  brink_scenario *sc = NULL;
  CHECK_INT(brink_scenario_load(ctx, DATA "include_child.yaml", NULL, 0, NULL, &sc), BRINK_OK);
  if (!sc) return;
  CHECK_STR(sc->name, "include-child");
  CHECK_INT(sc->horizon, 26);           /* time merged key by key: horizon overridden */
  CHECK_INT(sc->step, BRINK_STEP_WEEK); /* ... step kept from the base */
  CHECK_INT(sc->n_files, 2);
  CHECK_STR(sc->files[1], DATA "include_base.yaml");
  int rel = brink_scenario_find_param(sc, "rel"), g = brink_scenario_find_param(sc, "g");
  CHECK_INT(sc->params[rel].dist, BRINK_DIST_CONSTANT);
  CHECK_NEAR(sc->params[rel].value, 0.1, 0);
  CHECK_INT(sc->params[g].dist, BRINK_DIST_UNIFORM);
  const brink_actor *red = &sc->actors[0];
  CHECK_NEAR(red->num[BRINK_ACTOR_RATIONALITY].constant, 4, 0);
  CHECK_INT(red->num[BRINK_ACTOR_GREED].param, g);
  CHECK_INT(red->n_ladder, 3); /* hold, test (merged), talk (appended) */
  CHECK_NEAR(red->ladder[1].num[BRINK_ACTION_INTENSITY].constant, 8, 0);
  CHECK_STR(red->ladder[1].cameo, "150"); /* kept from the base entry */
  CHECK_STR(red->ladder[2].name, "talk");
  CHECK_INT(sc->n_relations, 1); /* [Blue, Red] is the same pair as [Red, Blue] */
  CHECK_NEAR(sc->relations[0].num[BRINK_RELATION_DRIFT].constant, 0.01, 0);
  CHECK_NEAR(sc->relations[0].num[BRINK_RELATION_NOISE].constant, 0.02, 0);
  CHECK_INT(sc->relations[0].num[BRINK_RELATION_VALUE].param, rel);
  CHECK_INT(sc->n_sources, 1); /* other lists are replaced */
  CHECK_STR(sc->sources[0], "child source");
  /* Locations point into the file that wrote the value. */
  CHECK_STR(red->ladder[0].loc.file, DATA "include_base.yaml");
  CHECK_STR(red->ladder[2].loc.file, DATA "include_child.yaml");
  brink_scenario_free(sc);
}

/* ---- --set ---------------------------------------------------------------------------------- */

static void test_set(void) {
  static const char *const sets[] = {
      "params.g=0.35",
      "actors.Red.ladder.test.intensity=7",
      "relations.Blue-Red.value=0.5",
      "model.noise=0",
      "time.step=day",
      "actors.Blue.types.greedy.deterrence=2",
      "params.h={dist: uniform, lo: 0, hi: 0.5}",
      "actors.Blue.greed=$h",
      "sources=[a, b, c]",
  };
  brink_scenario *sc = NULL;
  brink_status st =
      brink_scenario_load(ctx, DATA "include_child.yaml", sets, BRINK_ARRAY_LEN(sets), NULL, &sc);
  if (st) fprintf(stderr, "%s\n", brink_ctx_errmsg(ctx));
  CHECK_INT(st, BRINK_OK);
  if (!sc) return;
  int g = brink_scenario_find_param(sc, "g"), h = brink_scenario_find_param(sc, "h");
  CHECK_INT(sc->params[g].dist, BRINK_DIST_CONSTANT);
  CHECK_NEAR(sc->params[g].value, 0.35, 0);
  CHECK_NEAR(sc->actors[0].ladder[1].num[BRINK_ACTION_INTENSITY].constant, 7, 0);
  CHECK_NEAR(sc->relations[0].num[BRINK_RELATION_VALUE].constant, 0.5, 0);
  CHECK_INT(sc->relations[0].num[BRINK_RELATION_VALUE].param, -1);
  CHECK_NEAR(sc->model[BRINK_MODEL_NOISE].constant, 0, 0);
  CHECK_INT(sc->step, BRINK_STEP_DAY);
  CHECK_NEAR(sc->actors[1].type_num[1][BRINK_TYPE_DETERRENCE].constant, 2, 0);
  CHECK_INT(sc->params[h].dist, BRINK_DIST_UNIFORM);
  CHECK_INT(sc->actors[1].num[BRINK_ACTOR_GREED].param, h);
  CHECK_INT(sc->n_sources, 3);
  brink_scenario_free(sc);

  /* Errors: validated like the file, reported at "--set PATH=VALUE", line 0, column = the
   * override's number (1-based). */
  static const char *const bad[] = {
      "actors.Red.gred=1", "params.g={dist: normal, mean: 0.2, sd: 0.1}", "actors.Nobody.greed=0.5",
      "time.horizon",      "actors.Red.ladder.nope.intensity=3",          "name.x=1",
      "model.noise=[1",
  };
  static const expected want[] = {
      {"--set actors.Red.gred=1", 0, 1, "unknown key 'gred' in actor 'Red' (did you mean 'greed'?"},
      {"include_base.yaml", 11, 12,
       "parameter '$g' (normal on [-inf, inf], from --set params.g={dist: normal, mean: 0.2, sd: "
       "0.1}) can leave the range [0, 1]"},
      {"--set actors.Nobody.greed=0.5", 0, 3, "no entry 'Nobody' in 'actors'"},
      {"--set time.horizon", 0, 4, "expected PATH=VALUE"},
      {"--set actors.Red.ladder.nope.intensity=3", 0, 5, "no entry 'nope' in the list 'ladder'"},
      {"--set name.x=1", 0, 6, "'name' holds a single value: it has no key 'x'"},
      {"--set model.noise=[1", 0, 7, "invalid YAML"},
  };
  expect_errors(DATA "include_child.yaml", NULL, bad, BRINK_ARRAY_LEN(bad), want,
                BRINK_ARRAY_LEN(want));
  /* The reported location of a --set value is the override, also for range errors. */
  static const char *const range[] = {"time.horizon=0"};
  static const expected want_range[] = {
      {"--set time.horizon=0", 0, 1, "horizon 0 is out of range"}};
  expect_errors(DATA "include_child.yaml", NULL, range, 1, want_range, 1);
}

/* ---- Malformed and hostile input --------------------------------------------------------- */

static void expect_one(const char *text, size_t len, unsigned line, unsigned col, const char *msg) {
  brink_scenario *sc = NULL;
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  brink_status st = brink_scenario_load_string(ctx, "in.yaml", text, len, NULL, 0, &diags, &sc);
  CHECK_INT(st, BRINK_EPARSE);
  CHECK(diags.n >= 1);
  if (diags.n >= 1) {
    CHECK_INT(diags.items[0].line, line);
    CHECK_INT(diags.items[0].col, col);
    CHECK_CONTAINS(diags.items[0].message, msg);
  }
  brink_diag_list_release(&diags);
  brink_scenario_free(sc);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
}

static void test_malformed(void) {
  expect_one("", 0, 1, 1, "empty scenario file: expected a mapping with at least 'name'");
  expect_one("# only a comment\n", 17, 1, 1, "empty scenario file");
  expect_one("- a\n- b\n", 8, 1, 1, "a sequence at the top of the file");
  expect_one("name: x\nname: y\n", 16, 2, 1, "duplicate key 'name' (first at line 1, column 1)");
  expect_one("name: [1, 2\ntime: 3\n", 20, 3, 1, "invalid YAML");
  expect_one("name: x\n---\nname: y\n", 20, 2, 1, "a second YAML document");
  expect_one("name: \"caf\xc3\xa9 \xff\"\n", 14, 1, 13, "invalid UTF-8 (byte 0xff)");
  expect_one("name: x\n\xc0\xaf: 1\n", 13, 2, 1, "invalid UTF-8"); /* overlong '/' */
  expect_one("name: a\0b\n", 10, 1, 8, "NUL byte");
  /* Found by fuzzing: libfyaml 0.7.12 never returns on invalid UTF-8 in a comment after a
   * directive; the bytes of comments are checked before libfyaml sees them. */
  expect_one("%#set #\xe5", 8, 1, 8, "invalid UTF-8 (byte 0xe5)");
  expect_one("name: x # caf\xe9\n", 16, 1, 14, "invalid UTF-8 (byte 0xe9)");
  /* Found by fuzz_scenario: an escaped byte at the end of an unclosed double-quoted string was
   * skipped unchecked, and libfyaml looped forever on it after a directive. */
  expect_one("%#x\nname: \"a\\\xcc", 14, 2, 10, "invalid UTF-8 (byte 0xcc)");
  expect_one("#l\t\n%#ill, me,: \"075\",  - \"iv\\\\\\es:%#\\\\\\\\\\\\o\\!\\\\\\\xcc", 50, 2, 46,
             "invalid UTF-8 (byte 0xcc)"); /* the fuzzer's input */
  expect_one("name: \"a\\\0b\"\n", 13, 1, 10, "NUL byte");
  expect_one("{a: *nope}\n", 11, 1, 5, "undefined anchor");
  /* Binary garbage: a fixed pseudo-random byte string. */
  unsigned char junk[4096];
  uint32_t x = 12345;
  for (size_t i = 0; i < sizeof junk; i++) {
    x = x * 1103515245u + 12345u;
    junk[i] = (unsigned char)(x >> 16);
  }
  brink_scenario *sc = NULL;
  CHECK_INT(
      brink_scenario_load_string(ctx, "junk", (const char *)junk, sizeof junk, NULL, 0, NULL, &sc),
      BRINK_EPARSE);
  CHECK(sc == NULL);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
}

static void test_hostile(void) {
  /* 100 MB of '[': refused up front by the size limit, without parsing. */
  size_t big = (size_t)100 << 20;
  char *text = malloc(big);
  CHECK(text != NULL);
  if (!text) return;
  memset(text, '[', big);
  brink_scenario *sc = NULL;
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  CHECK_INT(brink_scenario_load_string(ctx, "big.yaml", text, big, NULL, 0, &diags, &sc),
            BRINK_EPARSE);
  CHECK(diags.n == 1 && strstr(diags.items[0].message, "larger than 16 MiB"));
  brink_diag_list_release(&diags);
  /* 1 MB of nesting, flow and block: refused at the 65th level. */
  expect_one(text, (size_t)1 << 20, 1, 65, "nesting deeper than 64 levels");
  free(text);
  size_t n = 200000, len = 0;
  text = malloc(n * 4 + 16);
  CHECK(text != NULL);
  if (!text) return;
  for (size_t i = 0; i < n; i++) {
    memcpy(text + len, "- ", 2);
    len += 2;
  }
  memcpy(text + len, "x\n", 2);
  len += 2;
  expect_one(text, len, 1, 129, "nesting deeper than 64 levels");
  /* "{a: {a: ..." with quoted keys containing brackets, which do not count. */
  len = 0;
  for (size_t i = 0; i < 100; i++) {
    memcpy(text + len, "{\"[[\": ", 7);
    len += 7;
  }
  memcpy(text + len, "1\n", 2);
  len += 2;
  expect_one(text, len, 1, 7 * 64 + 1, "nesting deeper than 64 levels");
  free(text);
  /* Billion laughs: 9^9 expansions, stopped by the node budget. */
  static const char bomb[] = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
                             "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                             "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                             "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                             "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                             "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                             "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                             "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                             "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
  expect_one(bomb, sizeof bomb - 1, 6, 12, "more than 200000 YAML nodes with alias '*e' expanded");
  /* Aliases within the budget work: a shared ladder entry. */
  static const char shared[] = "name: aliases\ntime: {horizon: 5}\n"
                               "actors:\n"
                               "  A: {driver: behavioural, adversaries: [B], ladder: [&hold {name: "
                               "hold, kind: hold, cameo: \"010\"}]}\n"
                               "  B: {driver: behavioural, adversaries: [A], ladder: [*hold]}\n";
  CHECK_INT(
      brink_scenario_load_string(ctx, "shared.yaml", shared, sizeof shared - 1, NULL, 0, NULL, &sc),
      BRINK_OK);
  CHECK(sc && sc->actors[1].n_ladder == 1 && !strcmp(sc->actors[1].ladder[0].cameo, "010"));
  brink_scenario_free(sc);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
}

/* Every error is reported, not only the first; the list stops at 100 but the count goes on. */
static void test_many_errors(void) {
  size_t cap = 1 << 16, len = 0;
  char *text = malloc(cap);
  CHECK(text != NULL);
  if (!text) return;
  len += (size_t)snprintf(text, cap, "name: many\ntime: {horizon: 5}\nmodel:\n");
  for (int i = 0; i < 150; i++) len += (size_t)snprintf(text + len, cap - len, "  key%d: 1\n", i);
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  brink_scenario *sc = NULL;
  CHECK_INT(brink_scenario_load_string(ctx, "many.yaml", text, len, NULL, 0, &diags, &sc),
            BRINK_EPARSE);
  CHECK_INT(diags.n, 100);
  CHECK_INT(diags.items[0].line, 4);
  CHECK_INT(diags.items[99].line, 103);
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "(and 150 more errors)"); /* 150 keys + no actors */
  brink_diag_list_release(&diags);
  free(text);
}

/* ---- Allocation failure injection ------------------------------------------------------ */

static void fail_every_allocation(const char *path, const char *const *sets, size_t n_sets) {
  brink_ctx *c = NULL;
  CHECK_INT(brink_ctx_new(&c), BRINK_OK);
  if (!c) return;
  brink_scenario *sc = NULL;
  brink_buf dump;
  uint64_t before = brink_ctx_alloc_count(c);
  CHECK_INT(brink_scenario_load(c, path, sets, n_sets, NULL, &sc), BRINK_OK);
  uint64_t needed = brink_ctx_alloc_count(c) - before;
  brink_scenario_free(sc);
  CHECK(needed > 10);
  size_t failures = 0, bad = 0;
  for (uint64_t k = 1; k <= needed; k++) {
    brink_diag_list diags;
    brink_diag_list_init(&diags, c);
    sc = NULL;
    brink_ctx_fail_after(c, k);
    brink_status st = brink_scenario_load(c, path, sets, n_sets, &diags, &sc);
    brink_ctx_fail_after(c, 0);
    if (st == BRINK_ENOMEM) {
      failures++;
      if (sc) bad++;
    } else if (st == BRINK_OK) {
      bad++; /* every allocation of a successful load is needed */
    } else {
      bad++;
      fprintf(stderr, "k=%llu: %s (%s)\n", (unsigned long long)k, brink_status_name(st),
              brink_ctx_errmsg(c));
    }
    brink_scenario_free(sc);
    brink_diag_list_release(&diags);
    if (brink_ctx_bytes_in_use(c) != 0) {
      bad++;
      fprintf(stderr, "k=%llu: %zu bytes leaked\n", (unsigned long long)k,
              brink_ctx_bytes_in_use(c));
    }
  }
  CHECK_INT(failures, needed);
  CHECK_INT(bad, 0);
  /* The dump's allocations too. */
  CHECK_INT(brink_scenario_load(c, path, sets, n_sets, NULL, &sc), BRINK_OK);
  for (uint64_t k = 1; sc && k <= 12; k++) {
    brink_buf_init(&dump, c, 0);
    brink_ctx_fail_after(c, k);
    brink_status st = brink_scenario_dump(c, sc, &dump);
    brink_ctx_fail_after(c, 0);
    CHECK(st == BRINK_OK || st == BRINK_ENOMEM);
    brink_buf_release(&dump);
  }
  brink_scenario_free(sc);
  CHECK_INT(brink_ctx_bytes_in_use(c), 0);
  printf("allocation failure injection: %s: %llu allocations, each failed once\n", path,
         (unsigned long long)needed);
  brink_ctx_free(c);
}

static void test_alloc_failures(void) {
  fail_every_allocation(DATA "rich.yaml", NULL, 0);
  static const char *const sets[] = {"params.u={dist: uniform, lo: 0.1, hi: 0.2}",
                                     "actors.Red.ladder.test.intensity=8"};
  fail_every_allocation(DATA "include_child.yaml", sets, 2);
}

/* The accessors of the opaque handle give what the struct holds, and NULL or 0 past the end
 * or for a NULL scenario. */
static void test_accessors(void) {
  brink_scenario *sc = NULL;
  CHECK_INT(brink_scenario_load(ctx, DATA "rich.yaml", NULL, 0, NULL, &sc), BRINK_OK);
  if (!sc) return;
  CHECK_STR(brink_scenario_name(sc), "rich-test");
  CHECK_STR(brink_scenario_description(sc), sc->description);
  CHECK_STR(brink_scenario_start(sc), "2024-02-29");
  CHECK_INT(brink_scenario_horizon(sc), 24);
  CHECK_INT(brink_scenario_step(sc), BRINK_STEP_MONTH);
  CHECK_INT(brink_scenario_outputs(sc), sc->outputs);
  CHECK_INT(brink_scenario_source_count(sc), 2);
  CHECK_STR(brink_scenario_source(sc, 1), "second source, with a \"quote\"");
  CHECK(brink_scenario_source(sc, 2) == NULL);
  CHECK_INT(brink_scenario_param_count(sc), 8);
  CHECK(brink_scenario_param(sc, 0) == &sc->params[0]);
  CHECK_STR(brink_scenario_param(sc, 0)->name, "red_greed");
  CHECK(brink_scenario_param(sc, 8) == NULL);
  CHECK_INT(brink_scenario_actor_count(sc), sc->n_actors);
  CHECK(brink_scenario_actor(sc, sc->n_actors - 1) == &sc->actors[sc->n_actors - 1]);
  CHECK(brink_scenario_actor(sc, sc->n_actors) == NULL);
  CHECK_INT(brink_scenario_commitment_count(sc), sc->n_commitments);
  CHECK(brink_scenario_commitment(sc, sc->n_commitments) == NULL);
  CHECK_INT(brink_scenario_policy_count(sc), sc->n_policies);
  for (size_t i = 0; i < sc->n_policies; i++) {
    CHECK_STR(brink_scenario_policy(sc, i)->name, sc->policies[i].name);
    CHECK_INT(brink_scenario_find_policy(sc, brink_scenario_policy(sc, i)->name), i);
  }
  CHECK(brink_scenario_policy(sc, sc->n_policies) == NULL);
  brink_scenario_free(sc);
  CHECK(brink_scenario_name(NULL) == NULL);
  CHECK_INT(brink_scenario_policy_count(NULL), 0);
  CHECK(brink_scenario_policy(NULL, 0) == NULL);
}

int main(void) {
  if (brink_ctx_new(&ctx)) return 1;
  RUN(test_rich);
  RUN(test_accessors);
  RUN(test_round_trip_rich);
  RUN(test_round_trip_include);
  RUN(test_round_trip_shipped);
  RUN(test_unknown_keys);
  RUN(test_wrong_types);
  RUN(test_out_of_range);
  RUN(test_undefined);
  RUN(test_distributions);
  RUN(test_policy_errors);
  RUN(test_include_errors);
  RUN(test_include_merge);
  RUN(test_set);
  RUN(test_malformed);
  RUN(test_hostile);
  RUN(test_many_errors);
  RUN(test_alloc_failures);
  brink_ctx_free(ctx);
  return harness_finish("test_scenario");
}
