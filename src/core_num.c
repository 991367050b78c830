/* SPDX-License-Identifier: MIT */
/* Whole-string number parsing: the library's replacement for atoi/atof. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

brink_status brink_parse_i64(const char *s, size_t n, int64_t *out) {
  size_t i = 0;
  int neg = 0;
  if (n == 0) return BRINK_EPARSE;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == n) return BRINK_EPARSE;
  uint64_t v = 0;
  const uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
  for (; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return BRINK_EPARSE;
    unsigned d = (unsigned)(s[i] - '0');
    if (v > (limit - d) / 10) return BRINK_ERANGE;
    v = v * 10 + d;
  }
  if (neg)
    *out = v == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)v;
  else
    *out = (int64_t)v;
  return BRINK_OK;
}

brink_status brink_parse_f64(const char *s, size_t n, double *out) {
  char tmp[64];
  if (n == 0 || n >= sizeof tmp) return BRINK_EPARSE;
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  /* strtod accepts things we do not want in files: leading blanks, hex, inf, nan. */
  for (size_t i = 0; i < n; i++) {
    char c = tmp[i];
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
      return BRINK_EPARSE;
  }
  errno = 0;
  char *end = NULL;
  double v = strtod(tmp, &end);
  if (end != tmp + n) return BRINK_EPARSE;
  if (errno == ERANGE && fabs(v) > 1.0) return BRINK_ERANGE;
  if (!isfinite(v)) return BRINK_ERANGE;
  *out = v;
  return BRINK_OK;
}
