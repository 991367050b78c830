/* SPDX-License-Identifier: MIT */
/* The normalised scenario as YAML: includes resolved, every default written out, parameter
 * references kept as $name. Loading the dump gives the same scenario, and dumping that gives
 * the same bytes (the round trip `brink check --dump` relies on). */
#include <stdarg.h>
#include <string.h>

#include "brink/scenario.h"
#include "internal.h"
#include "scenario_internal.h"

typedef struct out {
  brink_buf *buf;
  brink_status st;
  const brink_scenario *sc;
} out;

static void put(out *o, const char *s) {
  if (!o->st) o->st = brink_buf_puts(o->buf, s);
}

static void putf(out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(out *o, const char *fmt, ...) {
  if (o->st) return;
  va_list ap;
  va_start(ap, fmt);
  o->st = brink_buf_vprintf(o->buf, fmt, ap);
  va_end(ap);
}

/* Strings double-quoted with JSON escapes, which YAML reads back unchanged. */
static void str(out *o, const char *s) {
  if (!o->st) o->st = brink_buf_json_string(o->buf, s ? s : "");
}

static void num(out *o, double v) {
  if (!o->st) o->st = brink_buf_json_number(o->buf, v);
}

static void val(out *o, brink_value v) {
  if (v.param >= 0 && (size_t)v.param < o->sc->n_params) {
    putf(o, "$%s", o->sc->params[v.param].name);
  } else {
    num(o, v.constant);
  }
}

/* key: value pairs of a section in the table's order, "  " * indent in front of each. */
static void section(out *o, brink_key_section s, const brink_value *vals, const char *indent) {
  size_t n = 0;
  const brink_key_spec *keys = brink_scenario_keys(s, &n);
  for (size_t k = 0; k < n; k++) {
    putf(o, "%s%s: ", indent, keys[k].name);
    if (!strcmp(keys[k].unit, "0/1") && vals[k].param < 0)
      put(o, vals[k].constant != 0.0 ? "true" : "false");
    else
      val(o, vals[k]);
    putf(o, "  # %s\n", keys[k].unit);
  }
}

/* [A, B] of the actors in a bitmask. */
static void actor_list(out *o, uint32_t mask) {
  put(o, "[");
  int first = 1;
  for (size_t i = 0; i < o->sc->n_actors; i++)
    if (mask & (1u << i)) {
      putf(o, "%s%s", first ? "" : ", ", o->sc->actors[i].name);
      first = 0;
    }
  put(o, "]");
}

static void commitment_list(out *o, uint32_t mask) {
  put(o, "[");
  int first = 1;
  for (size_t i = 0; i < o->sc->n_commitments; i++)
    if (mask & (1u << i)) {
      putf(o, "%s%s", first ? "" : ", ", o->sc->commitments[i].name);
      first = 0;
    }
  put(o, "]");
}

#define NAME_OF(e, name, ...) name,
static const char *const output_names[] = {BRINK_OUTPUTS(NAME_OF)};
#undef NAME_OF

static void dump_param(out *o, const brink_param *p) {
  putf(o, "  %s:\n", p->name);
  if (p->dist != BRINK_DIST_CONSTANT) putf(o, "    dist: %s\n", brink_dist_name(p->dist));
  if (p->dist == BRINK_DIST_CHOICE) {
    put(o, "    values: [");
    for (size_t i = 0; i < p->n_choices; i++) {
      if (i) put(o, ", ");
      num(o, p->choices[i]);
    }
    put(o, "]\n    weights: [");
    for (size_t i = 0; i < p->n_choices; i++) {
      if (i) put(o, ", ");
      num(o, p->weights[i]);
    }
    put(o, "]\n");
  }
  /* The numbers under their keys (BRINK_DIST_MAP): value, or (a, b, lo, hi) in order. */
  const double values[4] = {p->dist == BRINK_DIST_CONSTANT ? p->value : p->a, p->b, p->lo, p->hi};
  for (size_t k = 0; k < brink_dist_arity(p->dist); k++) {
    putf(o, "    %s: ", brink_dist_key(p->dist, k));
    num(o, values[k]);
    put(o, "\n");
  }
  if (p->unit) {
    put(o, "    unit: ");
    str(o, p->unit);
    put(o, "\n");
  }
  if (p->doc) {
    put(o, "    doc: ");
    str(o, p->doc);
    put(o, "\n");
  }
}

static void dump_action(out *o, uint32_t actor, const brink_action *a) {
  putf(o, "      - name: %s\n        label: ", a->name);
  str(o, a->label);
  putf(o, "\n        kind: %s\n        cameo: ", brink_action_kind_name(a->kind));
  str(o, a->cameo);
  putf(o, "\n        min_track: %s\n", brink_track_name(a->min_track));
  if (a->kind == BRINK_ACTION_DIPLOMACY)
    putf(o, "        sets_track: %s\n", brink_track_name(a->sets_track));
  if (a->commits >= 0 && (size_t)a->commits < o->sc->n_commitments)
    putf(o, "        commits: %s\n", o->sc->commitments[a->commits].name);
  put(o, "        breaches: ");
  commitment_list(o, a->breaches);
  put(o, "\n        targets: ");
  actor_list(o, a->targets);
  put(o, "\n");
  (void)actor;
  size_t n = 0;
  const brink_key_spec *keys = brink_scenario_keys(BRINK_SECTION_ACTION, &n);
  for (size_t k = 0; k < n; k++) {
    if (k == BRINK_ACTION_GOLDSTEIN && !a->goldstein_given) {
      put(o, "        # goldstein: ");
      val(o, a->num[k]);
      put(o, "  (the CAMEO code's weight)\n");
      continue;
    }
    putf(o, "        %s: ", keys[k].name);
    val(o, a->num[k]);
    putf(o, "  # %s\n", keys[k].unit);
  }
}

brink_status brink_scenario_dump(brink_ctx *ctx, const brink_scenario *sc, brink_buf *buf) {
  out o = {buf, BRINK_OK, sc};
  if (!sc) return brink__fail(ctx, BRINK_EINVAL, "no scenario to dump");
  put(&o, "# Normalised by brink: includes resolved, every default written out.\nbrink: 1\nname: ");
  str(&o, sc->name);
  put(&o, "\n");
  if (sc->description) {
    put(&o, "description: ");
    str(&o, sc->description);
    put(&o, "\n");
  }
  put(&o, "sources:");
  if (!sc->n_sources) put(&o, " []");
  put(&o, "\n");
  for (size_t i = 0; i < sc->n_sources; i++) {
    put(&o, "  - ");
    str(&o, sc->sources[i]);
    put(&o, "\n");
  }
  putf(&o, "time:\n  step: %s\n  horizon: %u\n", brink_time_step_name(sc->step), sc->horizon);
  if (sc->start) putf(&o, "  start: %s\n", sc->start);
  put(&o, "params:");
  if (!sc->n_params) put(&o, " {}");
  put(&o, "\n");
  for (size_t i = 0; i < sc->n_params; i++) dump_param(&o, &sc->params[i]);
  put(&o, "model:\n");
  section(&o, BRINK_SECTION_MODEL, sc->model, "  ");
  put(&o, "actors:\n");
  for (uint32_t i = 0; i < sc->n_actors; i++) {
    const brink_actor *a = &sc->actors[i];
    putf(&o, "  %s:\n    label: ", a->name);
    str(&o, a->label);
    putf(&o, "\n    driver: %s\n    adversaries: ", brink_driver_name(a->driver));
    actor_list(&o, a->adversaries);
    put(&o, "\n    allies: ");
    actor_list(&o, a->allies);
    put(&o, "\n");
    section(&o, BRINK_SECTION_ACTOR, a->num, "    ");
    put(&o, "    types:\n      security:\n");
    section(&o, BRINK_SECTION_TYPE, a->type_num[0], "        ");
    put(&o, "      greedy:\n");
    section(&o, BRINK_SECTION_TYPE, a->type_num[1], "        ");
    put(&o, "    ladder:");
    if (!a->n_ladder) put(&o, " []");
    put(&o, "\n");
    for (size_t k = 0; k < a->n_ladder; k++) dump_action(&o, i, &a->ladder[k]);
  }
  put(&o, "relations:");
  if (!sc->n_relations) put(&o, " []");
  put(&o, "\n");
  for (size_t i = 0; i < sc->n_relations; i++) {
    const brink_relation *r = &sc->relations[i];
    putf(&o, "  - between: [%s, %s]\n", sc->actors[r->a].name, sc->actors[r->b].name);
    section(&o, BRINK_SECTION_RELATION, r->num, "    ");
  }
  put(&o, "commitments:");
  if (!sc->n_commitments) put(&o, " {}");
  put(&o, "\n");
  for (size_t i = 0; i < sc->n_commitments; i++) {
    const brink_commitment *c = &sc->commitments[i];
    putf(&o, "  %s:\n    holder: %s\n", c->name, sc->actors[c->holder].name);
    section(&o, BRINK_SECTION_COMMITMENT, c->num, "    ");
  }
  put(&o, "policies:");
  if (!sc->n_policies) put(&o, " {}");
  put(&o, "\n");
  for (size_t i = 0; i < sc->n_policies; i++) {
    const brink_policy *p = &sc->policies[i];
    putf(&o, "  %s:\n", p->name);
    if (p->builtin != BRINK_POLICY_BUILTIN_NONE)
      putf(&o, "    builtin: %s\n", brink_policy_builtin_name(p->builtin));
    if (p->description) {
      put(&o, "    description: ");
      str(&o, p->description);
      put(&o, "\n");
    }
    put(&o, "    actors: ");
    actor_list(&o, p->actors);
    put(&o, "\n    params:\n");
    section(&o, BRINK_SECTION_POLICY, p->num, "      ");
    if (p->builtin == BRINK_POLICY_BUILTIN_NONE) {
      put(&o, "    rules:\n");
      for (size_t r = 0; r < p->n_rules; r++) {
        const brink_rule *rule = &p->rules[r];
        put(&o, "      - if: {");
        for (size_t k = 0; k < rule->n_conditions; k++) {
          putf(&o, "%s%s: ", k ? ", " : "", brink_rule_condition_name(rule->conditions[k].kind));
          num(&o, rule->conditions[k].value);
        }
        putf(&o, "}\n        do: %s\n", brink_rule_verb_name(rule->verb));
        if (rule->verb == BRINK_VERB_ESCALATE) {
          put(&o, "        by: ");
          num(&o, rule->by);
          put(&o, "\n");
        }
        if (rule->verb == BRINK_VERB_ACTION) putf(&o, "        action: %s\n", rule->action);
        put(&o, "        actors: ");
        actor_list(&o, rule->actors);
        put(&o, "\n");
      }
    }
  }
  put(&o, "outputs: [");
  int first = 1;
  for (size_t i = 0; i < BRINK_OUTPUT_COUNT; i++)
    if (sc->outputs & (1u << i)) {
      putf(&o, "%s%s", first ? "" : ", ", output_names[i]);
      first = 0;
    }
  put(&o, "]\n");
  return o.st;
}
