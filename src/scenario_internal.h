/* SPDX-License-Identifier: MIT */
/* Internal to the scenario loader: the YAML tree it works on (read with libfyaml, merged over
 * includes, patched by --set, then validated into brink_scenario), its arena, and the
 * diagnostics it collects. */
#ifndef BRINK_SCENARIO_INTERNAL_H
#define BRINK_SCENARIO_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "brink/scenario.h"

/* A relation between two actors (the scenario's `relations:`). */
typedef struct brink_relation {
  uint32_t a, b; /* actor indices, a != b */
  brink_value num[BRINK_RELATION_KEY_COUNT];
  brink_srcloc loc;
} brink_relation;

/* The scenario (public as an opaque handle, include/brink/scenario.h). */
struct brink_scenario {
  char *name;
  char *description; /* may be NULL */
  char **sources;    /* citations, as written */
  size_t n_sources;
  brink_time_step step;
  uint32_t horizon; /* steps, 1..BRINK_MAX_HORIZON */
  char *start;      /* "YYYY-MM-DD": date of step 0 (labels only); may be NULL */
  brink_value model[BRINK_MODEL_KEY_COUNT];
  brink_param *params;
  size_t n_params;
  brink_actor *actors;
  size_t n_actors;
  brink_relation *relations;
  size_t n_relations;
  brink_commitment *commitments;
  size_t n_commitments;
  brink_policy *policies;
  size_t n_policies;
  uint32_t outputs; /* bitmask of brink_output; all when the file lists none */
  char **files;     /* every file read (the main file first, then includes): owns srcloc.file */
  size_t n_files;
  brink_ctx *ctx; /* the context that made it; brink_scenario_free releases it through it */
};

/* Limits that keep a hostile file from costing more than a few tens of megabytes. */
#define SCN_MAX_FILE_BYTES ((size_t)16 << 20) /* a scenario file is a few tens of KiB */
#define SCN_MAX_DEPTH 64                      /* nesting of mappings and sequences */
#define SCN_MAX_NODES 200000                  /* YAML nodes per load, aliases expanded */
#define SCN_MAX_ARENA_BYTES ((size_t)96 << 20)
#define SCN_MAX_DIAGS 100 /* diagnostics kept per load; counting goes on */

typedef enum ynode_kind { YNODE_SCALAR, YNODE_MAP, YNODE_SEQ } ynode_kind;

/* A node of a YAML tree. Everything lives in the loader's arena. */
typedef struct ynode {
  ynode_kind kind;
  int quoted;         /* scalar written quoted or as a block scalar: a string, never a number */
  uint32_t file;      /* index into the loader's file list */
  uint32_t line, col; /* 1-based; line 0 for --set (col is then the override's number) */
  const char *text;   /* scalar: its text, NUL-terminated */
  size_t len;
  struct ynode **kids; /* MAP: key, value, key, value...; SEQ: the items */
  size_t n, cap;       /* entries of kids used / allocated */
} ynode;

typedef struct yblock yblock;

typedef struct scn_loader {
  brink_ctx *ctx;
  brink_status status; /* BRINK_ENOMEM (or another hard failure) sticks and stops the load */
  yblock *blocks;      /* the arena */
  size_t arena_bytes;
  size_t nodes;
  char **files; /* names for messages: files read, then "--set ..." pseudo-files */
  size_t n_files, cap_files;
  brink_diag_list *diags; /* the caller's, may be NULL */
  size_t n_errors;
  uint32_t set_col; /* while a --set value is parsed: its number, the column of its errors */
  char first_error[768];
} scn_loader;

/* Arena allocation (zeroed); NULL sets status to BRINK_ENOMEM or reports the size limit. */
void *brink__scn_alloc(scn_loader *L, size_t n);
void brink__scn_arena_free(scn_loader *L);
ynode *brink__scn_node_new(scn_loader *L, ynode_kind kind, uint32_t file, uint32_t line,
                           uint32_t col);
/* Appends a child (SEQ item, or MAP key then value). */
int brink__scn_node_push(scn_loader *L, ynode *parent, ynode *kid);
ynode *brink__scn_scalar_new(scn_loader *L, const char *text, size_t len, int quoted, uint32_t file,
                             uint32_t line, uint32_t col);
/* Deep copy counted against SCN_MAX_NODES (aliases); NULL on failure (reported). */
ynode *brink__scn_node_copy(scn_loader *L, const ynode *n);

/* Records a diagnostic at a file position (file is an index into L->files). */
void brink__scn_error(scn_loader *L, uint32_t file, uint32_t line, uint32_t col, const char *fmt,
                      ...) __attribute__((format(printf, 5, 6)));
void brink__scn_verror(scn_loader *L, uint32_t file, uint32_t line, uint32_t col, const char *fmt,
                       va_list ap);
/* Adds a file name (deduplicated); its index, or UINT32_MAX on allocation failure. */
uint32_t brink__scn_add_file(scn_loader *L, const char *name);

/* Parses YAML text (one document) into a tree. *out is NULL for an empty document. Problems
 * are reported as diagnostics and give BRINK_EPARSE; BRINK_ENOMEM on allocation failure. */
brink_status brink__scn_parse(scn_loader *L, const char *text, size_t len, uint32_t file,
                              ynode **out);

/* Validates a merged tree and converts it into *out (new scenario, or NULL when errors were
 * reported). Takes the file list from L on success. */
brink_status brink__scn_convert(scn_loader *L, const ynode *root, brink_scenario **out);

/* The enumerations' names, from their X-macro lists (src/scenario_keys.c): the words the loader
 * accepts, indexed by the enum. */
extern const char *const brink__dist_names[BRINK_DIST_COUNT];
extern const char *const brink__driver_names[BRINK_DRIVER_COUNT];
extern const char *const brink__action_kind_names[BRINK_ACTION_KIND_COUNT];
extern const char *const brink__track_names[BRINK_TRACK_COUNT];
extern const char *const brink__time_step_names[BRINK_TIME_STEP_COUNT];

#endif
