/* SPDX-License-Identifier: MIT */
/* CAMEO code lookups over the table generated from data/ (TSV files). */
#include <string.h>

#include "brink/cameo.h"
#include "cameo_table.h"
#include "internal.h"

/* The generated rows have the same layout as the public info struct. */
_Static_assert(sizeof(struct brink__cameo_row) == sizeof(brink_cameo_info), "cameo row layout");

static const brink_cameo_info *row(unsigned i) {
  return (const brink_cameo_info *)(const void *)&brink__cameo_rows[i];
}

brink_status brink_cameo_lookup(const char *code, const brink_cameo_info **out) {
  unsigned lo = 0, hi = brink__cameo_nrows;
  while (lo < hi) {
    unsigned mid = lo + (hi - lo) / 2;
    int c = strcmp(brink__cameo_rows[mid].code, code);
    if (c == 0) {
      *out = row(mid);
      return BRINK_OK;
    }
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  *out = NULL;
  return BRINK_ENOTFOUND;
}

brink_status brink_cameo_goldstein(const char *code, double *out) {
  const brink_cameo_info *info;
  brink_status st = brink_cameo_lookup(code, &info);
  if (st) return st;
  char parent[8];
  size_t n = strlen(code);
  if (n >= sizeof parent) return BRINK_ENOTFOUND;
  memcpy(parent, code, n + 1);
  while (!info->has_goldstein && n > 2) {
    parent[--n] = '\0';
    if (brink_cameo_lookup(parent, &info)) return BRINK_ENOTFOUND;
  }
  if (!info->has_goldstein) return BRINK_ENOTFOUND;
  *out = info->goldstein;
  return BRINK_OK;
}

int brink_cameo_quadclass(const char *code) {
  /* The root's QuadClass comes from data/quadclass.tsv through the generated table. */
  if (!code[0] || !code[1]) return 0;
  char root[3] = {code[0], code[1], '\0'};
  const brink_cameo_info *info;
  return brink_cameo_lookup(root, &info) ? 0 : info->quadclass;
}

unsigned brink_cameo_count(void) { return brink__cameo_nrows; }

const brink_cameo_info *brink_cameo_at(unsigned i) {
  return i < brink__cameo_nrows ? row(i) : NULL;
}
