/* SPDX-License-Identifier: MIT */
/* Row type of the generated CAMEO table (scripts/gen_cameo.sh). */
#ifndef BRINK_CAMEO_TABLE_H
#define BRINK_CAMEO_TABLE_H
struct brink__cameo_row {
  const char *code;
  const char *label;
  double goldstein;
  int has_goldstein;
  int quadclass;
};
extern const struct brink__cameo_row brink__cameo_rows[];
extern const unsigned brink__cameo_nrows;
#endif
