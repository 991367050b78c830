/* SPDX-License-Identifier: MIT */
/* The tables behind the scenario language: numeric keys of every section (defaults, ranges,
 * units, docs), built-in policy names, rule conditions and verbs. One source for the loader's
 * validation, the model's defaults and the documentation. */
#include "brink/scenario.h"
#include "internal.h"
#include "scenario_internal.h"

#define SPEC(e, name, def, lo, hi, unit, doc) {name, def, def, lo, hi, unit, doc},
#define TYPE_SPEC(e, name, def, def_greedy, lo, hi, unit, doc)                                     \
  {name, def, def_greedy, lo, hi, unit, doc},

static const brink_key_spec model_keys[] = {BRINK_MODEL_KEYS(SPEC)};
static const brink_key_spec actor_keys[] = {BRINK_ACTOR_KEYS(SPEC)};
static const brink_key_spec type_keys[] = {BRINK_TYPE_KEYS(TYPE_SPEC)};
static const brink_key_spec action_keys[] = {BRINK_ACTION_KEYS(SPEC)};
static const brink_key_spec relation_keys[] = {BRINK_RELATION_KEYS(SPEC)};
static const brink_key_spec commitment_keys[] = {BRINK_COMMITMENT_KEYS(SPEC)};
static const brink_key_spec policy_keys[] = {BRINK_POLICY_KEYS(SPEC)};

static const struct {
  const char *name;
  const brink_key_spec *keys;
  size_t n;
} sections[BRINK_SECTION_COUNT] = {
    [BRINK_SECTION_MODEL] = {"model", model_keys, BRINK_ARRAY_LEN(model_keys)},
    [BRINK_SECTION_ACTOR] = {"actor", actor_keys, BRINK_ARRAY_LEN(actor_keys)},
    [BRINK_SECTION_TYPE] = {"type", type_keys, BRINK_ARRAY_LEN(type_keys)},
    [BRINK_SECTION_ACTION] = {"action", action_keys, BRINK_ARRAY_LEN(action_keys)},
    [BRINK_SECTION_RELATION] = {"relation", relation_keys, BRINK_ARRAY_LEN(relation_keys)},
    [BRINK_SECTION_COMMITMENT] = {"commitment", commitment_keys, BRINK_ARRAY_LEN(commitment_keys)},
    [BRINK_SECTION_POLICY] = {"policy", policy_keys, BRINK_ARRAY_LEN(policy_keys)},
};

const brink_key_spec *brink_scenario_keys(brink_key_section section, size_t *n) {
  if ((unsigned)section >= BRINK_SECTION_COUNT) {
    *n = 0;
    return NULL;
  }
  *n = sections[section].n;
  return sections[section].keys;
}

const char *brink_scenario_section_name(brink_key_section section) {
  return (unsigned)section < BRINK_SECTION_COUNT ? sections[section].name : "?";
}

/* The names of the enumerations, each from its one X-macro list in brink/scenario.h; the
 * loader accepts exactly these words (src/scenario.c). */
#define NAME_OF_ENUM(e, name) name,
#define DIST_NAME(e, name, ...) name,
const char *const brink__dist_names[BRINK_DIST_COUNT] = {BRINK_DIST_MAP(DIST_NAME)};
#define DIST_ARITY(e, name, n, ...) n,
static const size_t dist_arity[BRINK_DIST_COUNT] = {BRINK_DIST_MAP(DIST_ARITY)};
#define DIST_KEYS(e, name, n, k0, k1, k2, k3) {k0, k1, k2, k3},
static const char *const dist_keys[BRINK_DIST_COUNT][4] = {BRINK_DIST_MAP(DIST_KEYS)};
const char *const brink__driver_names[BRINK_DRIVER_COUNT] = {BRINK_DRIVER_MAP(NAME_OF_ENUM)};
const char *const brink__action_kind_names[BRINK_ACTION_KIND_COUNT] = {
    BRINK_ACTION_KIND_MAP(NAME_OF_ENUM)};
const char *const brink__track_names[BRINK_TRACK_COUNT] = {BRINK_TRACK_MAP(NAME_OF_ENUM)};
const char *const brink__time_step_names[BRINK_TIME_STEP_COUNT] = {
    BRINK_TIME_STEP_MAP(NAME_OF_ENUM)};
#undef NAME_OF_ENUM

const char *brink_dist_name(brink_dist dist) {
  return (unsigned)dist < BRINK_DIST_COUNT ? brink__dist_names[dist] : "?";
}
size_t brink_dist_arity(brink_dist dist) {
  return (unsigned)dist < BRINK_DIST_COUNT ? dist_arity[dist] : 0;
}
const char *brink_dist_key(brink_dist dist, size_t k) {
  return (unsigned)dist < BRINK_DIST_COUNT && k < 4 ? dist_keys[dist][k] : NULL;
}
double brink_param_prior_mean(const brink_param *p) {
  switch (p->dist) {
  case BRINK_DIST_CONSTANT:
    return p->value;
  case BRINK_DIST_UNIFORM:
    return 0.5 * (p->a + p->b);
  case BRINK_DIST_NORMAL:
    return p->a;
  case BRINK_DIST_TRUNCNORMAL:
    return p->a < p->lo ? p->lo : p->a > p->hi ? p->hi : p->a; /* the mode, within bounds */
  case BRINK_DIST_BETA:
    return p->a / (p->a + p->b);
  case BRINK_DIST_CHOICE: {
    double m = 0.0;
    for (size_t i = 0; i < p->n_choices; i++) m += p->weights[i] * p->choices[i];
    return m;
  }
  }
  return 0.0;
}

const char *brink_driver_name(brink_driver driver) {
  return (unsigned)driver < BRINK_DRIVER_COUNT ? brink__driver_names[driver] : "?";
}
const char *brink_action_kind_name(brink_action_kind kind) {
  return (unsigned)kind < BRINK_ACTION_KIND_COUNT ? brink__action_kind_names[kind] : "?";
}
const char *brink_track_name(brink_track track) {
  return (unsigned)track < BRINK_TRACK_COUNT ? brink__track_names[track] : "?";
}
const char *brink_time_step_name(brink_time_step step) {
  return (unsigned)step < BRINK_TIME_STEP_COUNT ? brink__time_step_names[step] : "?";
}

#define PROX_ROW(e, name, units, doc) {name, units, doc},
static const struct {
  const char *name;
  double units;
  const char *doc;
} proximity_levels[] = {BRINK_PROXIMITY_LEVELS(PROX_ROW)};

int brink_proximity_level(size_t i, const char **name, double *units, const char **doc) {
  if (i >= BRINK_ARRAY_LEN(proximity_levels)) return 0;
  if (name) *name = proximity_levels[i].name;
  if (units) *units = proximity_levels[i].units;
  if (doc) *doc = proximity_levels[i].doc;
  return 1;
}

#define NAME2(e, name, doc) name,
#define DOC2(e, name, doc) doc,
static const char *const builtin_names[] = {BRINK_BUILTIN_POLICIES(NAME2)};
static const char *const builtin_docs[] = {BRINK_BUILTIN_POLICIES(DOC2)};

const char *brink_policy_builtin_name(brink_policy_builtin b) {
  return (unsigned)b < BRINK_POLICY_BUILTIN_COUNT ? builtin_names[b] : "?";
}
const char *brink_policy_builtin_doc(brink_policy_builtin b) {
  return (unsigned)b < BRINK_POLICY_BUILTIN_COUNT ? builtin_docs[b] : "?";
}

#define COND_NAME(e, name, lo, hi, doc) name,
static const char *const condition_names[] = {BRINK_RULE_CONDITIONS(COND_NAME)};
#define VERB_NAME(e, name, doc) name,
static const char *const verb_names[] = {BRINK_RULE_VERBS(VERB_NAME)};

const char *brink_rule_condition_name(brink_rule_condition_kind c) {
  return (unsigned)c < BRINK_COND_COUNT ? condition_names[c] : "?";
}
const char *brink_rule_verb_name(brink_rule_verb v) {
  return (unsigned)v < BRINK_VERB_COUNT ? verb_names[v] : "?";
}
