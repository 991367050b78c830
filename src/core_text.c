/* SPDX-License-Identifier: MIT */
/* Small text helpers shared by the library and the command: name suggestions. */
#include <string.h>

#include "internal.h"

static unsigned char fold(unsigned char c, int fold_case) {
  return fold_case && c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

size_t brink_edit_distance(const char *a, const char *b, int fold_case) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63) return SIZE_MAX;
  size_t row[64];
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t best = diag + (fold((unsigned char)a[i - 1], fold_case) !=
                            fold((unsigned char)b[j - 1], fold_case));
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}
