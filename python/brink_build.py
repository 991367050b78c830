# SPDX-License-Identifier: MIT
# The cffi build of brink._native: API mode, out of line. The C compiler reads the installed
# public headers (include/brink/*.h), so struct layouts and constants come from them, not
# from copies here; cdef lists only what the Python package calls, with "..." where the
# compiler fills in the rest. Where the headers and libbrink.so are found:
#   BRINK_INCLUDE_DIR and BRINK_LIBRARY_DIR when set (a build tree: include/ and build/),
#   otherwise pkg-config --cflags --libs brink (an installed brink, make install).
import os
import shlex
import subprocess

from cffi import FFI

CDEF = r"""
typedef int... brink_status;
#define BRINK_OK ...
#define BRINK_ENOMEM ...
#define BRINK_EPARSE ...
#define BRINK_ECANCELED ...
#define BRINK_RECORD_END ...
#define BRINK_TENSION_QUANTILES ...
#define BRINK_RECORD_SERIES_COUNT ...
const char *brink_status_name(brink_status status);
const char *brink_status_str(brink_status status);

typedef struct brink_ctx brink_ctx;
brink_status brink_ctx_new(brink_ctx **out);
void brink_ctx_free(brink_ctx *ctx);
const char *brink_ctx_errmsg(const brink_ctx *ctx);
void brink_ctx_fail_after(brink_ctx *ctx, uint64_t n);

typedef struct brink_buf { char *data; size_t len; ...; } brink_buf;
void brink_buf_init(brink_buf *buf, brink_ctx *ctx, size_t max);
void brink_buf_release(brink_buf *buf);
void brink_free(brink_ctx *ctx, void *p);

/* Scenarios */
typedef int... brink_dist;
typedef struct brink_srcloc { const char *file; uint32_t line, col; } brink_srcloc;
typedef struct brink_param {
  char *name; char *doc; char *unit; brink_dist dist; double value; double a, b; double lo, hi;
  double *choices; double *weights; size_t n_choices; brink_srcloc loc; ...;
} brink_param;
typedef struct brink_policy { char *name; char *description; ...; } brink_policy;
typedef struct brink_actor { char *name; ...; } brink_actor;
typedef struct brink_scenario brink_scenario;
const char *brink_scenario_name(const brink_scenario *scenario);
const char *brink_scenario_description(const brink_scenario *scenario);
const char *brink_scenario_start(const brink_scenario *scenario);
size_t brink_scenario_param_count(const brink_scenario *scenario);
const brink_param *brink_scenario_param(const brink_scenario *scenario, size_t i);
size_t brink_scenario_actor_count(const brink_scenario *scenario);
const brink_actor *brink_scenario_actor(const brink_scenario *scenario, size_t i);
size_t brink_scenario_policy_count(const brink_scenario *scenario);
const brink_policy *brink_scenario_policy(const brink_scenario *scenario, size_t i);
typedef struct brink_diag { char *file; uint32_t line, col; char *message; } brink_diag;
typedef struct brink_diag_list { brink_diag *items; size_t n; ...; } brink_diag_list;
void brink_diag_list_init(brink_diag_list *list, brink_ctx *ctx);
void brink_diag_list_release(brink_diag_list *list);
brink_status brink_scenario_load(brink_ctx *ctx, const char *path, const char *const *overrides,
                                 size_t n_overrides, brink_diag_list *diags, brink_scenario **out);
void brink_scenario_free(brink_scenario *scenario);
int brink_scenario_find_policy(const brink_scenario *scenario, const char *name);
const char *brink_dist_name(brink_dist dist);

/* Model and engine */
typedef struct brink_model brink_model;
brink_status brink_model_new(brink_ctx *ctx, const brink_scenario *scenario, brink_model **out);
void brink_model_free(brink_model *model);
uint32_t brink_model_horizon(const brink_model *model);
brink_status brink_model_set_horizon(brink_ctx *ctx, brink_model *model, uint32_t horizon);
brink_status brink_model_load_posterior(brink_ctx *ctx, brink_model *model, const char *path);

typedef struct brink_engine_options {
  uint64_t runs; uint64_t seed; int threads; double confidence;
  const uint32_t *policies; size_t n_policies;
  const volatile int *cancel;
  ...;
} brink_engine_options;
typedef struct brink_summary brink_summary;
uint64_t brink_summary_runs(const brink_summary *s);
uint64_t brink_summary_seed(const brink_summary *s);
double brink_summary_seconds(const brink_summary *s);
brink_status brink_engine_run(brink_ctx *ctx, const brink_model *model,
                              const brink_engine_options *options, brink_summary **out);
void brink_summary_free(brink_summary *summary);
typedef struct brink_output_meta {
  const char *scenario_file; const char *const *overrides; size_t n_overrides;
  int with_timing; const char *posterior_file;
} brink_output_meta;
brink_status brink_summary_json(brink_ctx *ctx, const brink_summary *s,
                                const brink_output_meta *meta, brink_buf *out);
brink_status brink_summary_csv(brink_ctx *ctx, const brink_summary *s,
                               const brink_output_meta *meta, brink_buf *out);
brink_status brink_summary_table(brink_ctx *ctx, const brink_summary *s, brink_buf *out);

/* Forecasts and scores */
typedef struct brink_forecast_map { ...; } brink_forecast_map;
brink_status brink_forecast_map_load(brink_ctx *ctx, const char *path,
                                     const brink_scenario *scenario, brink_forecast_map *map);
typedef struct brink_forecast_options {
  uint64_t runs; uint64_t seed; int threads; uint32_t steps; uint32_t policy;
  const volatile int *cancel; ...;
} brink_forecast_options;
typedef struct brink_forecast brink_forecast;
typedef struct brink_model_state brink_model_state;
brink_status brink_forecast_run(brink_ctx *ctx, const brink_model *model,
                                const brink_model_state *const *particles, const double *weights,
                                size_t n_particles, const brink_forecast_map *map,
                                const brink_forecast_options *options, brink_forecast **out);
void brink_forecast_free(brink_forecast *forecast);
brink_status brink_forecast_json(brink_ctx *ctx, const brink_forecast *forecast, const char *origin,
                                 const char *policy, const char *scenario_file, brink_buf *out);

typedef struct brink_record brink_record;
brink_status brink_record_new(brink_ctx *ctx, brink_record **out);
void brink_record_free(brink_record *rec);
brink_status brink_record_load(brink_record *rec, const char *path);
brink_status brink_record_date_parse(const char *s, int32_t *out);

/* The recorded history, the particle filter */
typedef struct brink_history_options {
  const char *const *windows; size_t n_windows; const char *const *overrides; size_t n_overrides;
  const brink_record *record; const char *observation; const char *posterior;
  int32_t from; int32_t end;
} brink_history_options;
typedef struct brink_history { brink_model *models[...]; uint32_t n_steps; size_t n_windows; ...; }
    brink_history;
brink_status brink_history_load(brink_ctx *ctx, const brink_history_options *options,
                                brink_diag_list *diags, brink_history *out);
void brink_history_release(brink_history *history);
typedef struct brink_filter_data { uint32_t n_steps; ...; } brink_filter_data;
typedef struct brink_filter_options {
  uint32_t particles; uint32_t replicates; uint64_t seed; int threads; double ess_fraction;
  int keep_particles; const volatile int *cancel; ...;
} brink_filter_options;
brink_filter_data brink_history_filter_data(const brink_history *history, double misrecord);
void brink_history_filter_windows(const brink_history *history, brink_filter_options *options);
typedef struct brink_filter_result {
  uint32_t particles; double loglik; double loglik_se; brink_model_state **final;
  double *final_weight; ...;
} brink_filter_result;
brink_status brink_filter_run(brink_ctx *ctx, const brink_model *model, const brink_filter_data *data,
                              const brink_filter_options *options, brink_filter_result **out);
void brink_filter_result_free(brink_filter_result *result);
static const double BRINK_FILTER_MISRECORD;
typedef struct brink_prediction brink_prediction;
brink_status brink_prediction_parse(brink_ctx *ctx, const char *text, size_t len, const char *name,
                                    brink_prediction **out);
void brink_prediction_free(brink_prediction *fc);
typedef struct brink_score_reference { const char *name; const brink_prediction *forecast; }
    brink_score_reference;
typedef struct brink_score_table brink_score_table;
brink_status brink_score_run(brink_ctx *ctx, const brink_prediction *fc, const brink_record *rec,
                             int32_t record_end, const brink_score_reference *refs, size_t n_refs,
                             brink_score_table **out);
void brink_score_table_free(brink_score_table *table);
brink_status brink_score_table_write(const brink_score_table *t, const char *format,
                                     brink_buf *out);

/* Events */
typedef int... brink_event_format;
typedef int... brink_event_period;
typedef int... brink_event_dedupe;
typedef struct brink_event {
  int source; int64_t id; int32_t date; int64_t added;
  const char *actor1_code; const char *actor1_country; const char *actor1_type;
  const char *actor2_code; const char *actor2_country; const char *actor2_type;
  const char *code; double goldstein; int quadclass; double file_weight; int is_root;
  int64_t num_mentions, num_sources, num_articles; double avg_tone; const char *source_url;
} brink_event;
typedef struct brink_event_read_opts {
  brink_event_format format; int strict; const char *csv_columns; ...;
} brink_event_read_opts;
typedef struct brink_event_reader brink_event_reader;
brink_status brink_event_reader_new(brink_ctx *ctx, const char *path,
                                    const brink_event_read_opts *opts, brink_event_reader **out);
void brink_event_reader_free(brink_event_reader *reader);
brink_status brink_event_format_parse(brink_ctx *ctx, const char *name, brink_event_format *out);
typedef struct brink_event_store brink_event_store;
#define BRINK_EVENT_STORE_CREATE ...
brink_status brink_event_store_new(brink_ctx *ctx, const char *path, unsigned flags,
                                   brink_event_store **out);
void brink_event_store_free(brink_event_store *store);
void brink_event_store_set_cancel(brink_event_store *store, const volatile int *flag);
typedef struct brink_event_import_stats {
  uint64_t rows; uint64_t added; uint64_t duplicates; uint64_t bad;
} brink_event_import_stats;
brink_status brink_events_import(brink_event_store *store, brink_event_reader *reader,
                                 const char *where, void *progress, void *userdata,
                                 brink_event_import_stats *out);
brink_status brink_events_count(brink_event_store *store, uint64_t *out);
typedef struct brink_event_filter {
  const char *actor1; const char *actor2; int both_directions; int32_t from, to; int use_added;
  const char *root; const char *code; const char *role1; const char *role2;
} brink_event_filter;
typedef int (*brink_event_fn)(void *userdata, const brink_event *event);
brink_status brink_events_query(brink_event_store *store, const brink_event_filter *filter,
                                uint64_t limit, brink_event_fn fn, void *userdata);
extern "Python" int brink_py_on_event(void *userdata, const brink_event *event);
typedef struct brink_tension_acc { double net_cooperation; uint64_t events; ...; } brink_tension_acc;
typedef struct brink_event_period_row {
  int32_t start; brink_tension_acc acc; double net_cooperation; double tension;
  double mean_goldstein; double conflict_share; uint64_t total; double tension_per_1000;
} brink_event_period_row;
typedef struct brink_event_series { size_t n; brink_event_period_row *rows; ...; } brink_event_series;
typedef struct brink_event_index_opts {
  brink_event_filter filter; brink_event_period by; brink_event_dedupe dedupe; int normalise;
} brink_event_index_opts;
brink_status brink_events_index(brink_event_store *store, const brink_event_index_opts *opts,
                                brink_event_series **out);
void brink_event_series_free(brink_event_series *series);

/* Games */
typedef struct brink_game_strategy { const char *name; const char *description; ...; }
    brink_game_strategy;
const brink_game_strategy *brink_game_strategy_at(size_t i);
brink_status brink_game_strategy_find(brink_ctx *ctx, const char *name, size_t *out);
typedef struct brink_game_payoffs { double reward, sucker, temptation, punishment; }
    brink_game_payoffs;
typedef struct brink_game_rules {
  uint32_t turns; double noise; double prob_end; brink_game_payoffs payoffs;
} brink_game_rules;
brink_game_rules brink_game_rules_default(void);
typedef struct brink_game_tournament_spec {
  const size_t *players; size_t n_players; brink_game_rules rules; uint32_t repetitions;
  uint64_t seed; int threads; const volatile int *cancel;
} brink_game_tournament_spec;
typedef struct brink_game_tournament {
  size_t n_players; size_t *players; uint32_t repetitions;
  double *payoff_matrix; double *normalised_scores; uint32_t *wins; double *median_score;
  double *mean_score; double *median_wins; double *cooperation_rate; size_t *ranking;
  uint64_t turns_played; uint64_t n_matches; ...;
} brink_game_tournament;
brink_status brink_game_tournament_new(brink_ctx *ctx, const brink_game_tournament_spec *spec,
                                       brink_game_tournament **out);
brink_status brink_game_tournament_run(brink_game_tournament *t);
void brink_game_tournament_free(brink_game_tournament *t);
"""

SOURCE = r"""
#include <brink/brink.h>
#include <brink/engine.h>
#include <brink/events.h>
#include <brink/filter.h>
#include <brink/forecast.h>
#include <brink/history.h>
#include <brink/game.h>
#include <brink/model.h>
#include <brink/record.h>
#include <brink/scenario.h>
#include <brink/score.h>
"""


def _locations():
    include = os.environ.get("BRINK_INCLUDE_DIR")
    libdir = os.environ.get("BRINK_LIBRARY_DIR")
    if include and libdir:
        return [include], [libdir], [], []
    try:
        cflags = subprocess.run(["pkg-config", "--cflags-only-I", "brink"], check=True,
                                capture_output=True, text=True).stdout
        libs = subprocess.run(["pkg-config", "--libs-only-L", "brink"], check=True,
                              capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit("brink: neither BRINK_INCLUDE_DIR/BRINK_LIBRARY_DIR nor "
                         "`pkg-config brink` (make install) gives the library: %s" % e)
    includes = [f[2:] for f in shlex.split(cflags) if f.startswith("-I")]
    libdirs = [f[2:] for f in shlex.split(libs) if f.startswith("-L")]
    return includes, [os.path.realpath(d) for d in libdirs], [], []


ffibuilder = FFI()
ffibuilder.cdef(CDEF)
_includes, _libdirs, _, _ = _locations()
ffibuilder.set_source(
    "brink._native", SOURCE, include_dirs=_includes, library_dirs=_libdirs,
    runtime_library_dirs=_libdirs, libraries=["brink"], extra_compile_args=["-std=c11"])

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
