/* SPDX-License-Identifier: MIT */
/* A JSON value tree with line:column on every node, read with libfyaml (src/core_json.c). */
#ifndef BRINK_JSON_INTERNAL_H
#define BRINK_JSON_INTERNAL_H

#include "internal.h"

typedef enum jkind { J_OBJ, J_ARR, J_STR, J_PLAIN } jkind;

/* An object holds 2n kids: key, value, key, value... A plain scalar is a number, true, false
 * or null (told apart when it is read). */
typedef struct jnode {
  jkind kind;
  uint32_t line, col;
  char *text; /* scalars: NUL-terminated */
  size_t len;
  struct jnode **kids;
  size_t n, cap;
} jnode;

/* Parses text[0..len), which must be one JSON object, into a new tree (free with
 * brink__json_free). name is used in messages ("name:line:col: ..."); what completes "nesting
 * deeper than 64 levels: expected WHAT". */
brink_status brink__json_parse(brink_ctx *ctx, const char *text, size_t len, const char *name,
                               const char *what, jnode **out);
void brink__json_free(brink_ctx *ctx, jnode *n);
/* "an object", "an array", "a string", "null", "a boolean", "a number". */
const char *brink__json_kind_word(const jnode *n);
/* The value of key in an object, or NULL. */
const jnode *brink__json_lookup(const jnode *obj, const char *key);
int brink__json_is_null(const jnode *n);

#endif
