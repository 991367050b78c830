/* SPDX-License-Identifier: MIT */
/* The test harness: a handful of macros (libuv's style). Each test file is one executable
 * run by CTest; it prints one line per failed check and "NAME: N passed, N failed" at the
 * end, and exits non-zero when anything failed. */
#ifndef BRINK_HARNESS_H
#define BRINK_HARNESS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int harness_checks_failed;
static int harness_tests_passed;
static int harness_tests_failed;

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                     \
      harness_checks_failed++;                                                                     \
    }                                                                                              \
  } while (0)

#define CHECK_INT(a, b)                                                                            \
  do {                                                                                             \
    long long va_ = (long long)(a), vb_ = (long long)(b);                                          \
    if (va_ != vb_) {                                                                              \
      fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b, va_,   \
              vb_);                                                                                \
      harness_checks_failed++;                                                                     \
    }                                                                                              \
  } while (0)

#define CHECK_NEAR(a, b, tol)                                                                      \
  do {                                                                                             \
    double va_ = (double)(a), vb_ = (double)(b);                                                   \
    if (!(fabs(va_ - vb_) <= (double)(tol))) {                                                     \
      fprintf(stderr, "%s:%d: %s ~ %s failed: %.17g vs %.17g (tol %g)\n", __FILE__, __LINE__, #a,  \
              #b, va_, vb_, (double)(tol));                                                        \
      harness_checks_failed++;                                                                     \
    }                                                                                              \
  } while (0)

#define CHECK_STR(a, b)                                                                            \
  do {                                                                                             \
    const char *va_ = (a), *vb_ = (b);                                                             \
    if (!va_ || !vb_ || strcmp(va_, vb_) != 0) {                                                   \
      fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a, #b,    \
              va_ ? va_ : "(null)", vb_ ? vb_ : "(null)");                                         \
      harness_checks_failed++;                                                                     \
    }                                                                                              \
  } while (0)

/* Substring check, for error messages. */
#define CHECK_CONTAINS(hay, needle)                                                                \
  do {                                                                                             \
    const char *vh_ = (hay), *vn_ = (needle);                                                      \
    if (!vh_ || !strstr(vh_, vn_)) {                                                               \
      fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,               \
              vh_ ? vh_ : "(null)", vn_);                                                          \
      harness_checks_failed++;                                                                     \
    }                                                                                              \
  } while (0)

static inline void harness_run(const char *name, void (*fn)(void)) {
  int before = harness_checks_failed;
  fn();
  if (harness_checks_failed == before) {
    harness_tests_passed++;
  } else {
    harness_tests_failed++;
    fprintf(stderr, "FAILED: %s\n", name);
  }
}

#define RUN(fn) harness_run(#fn, fn)

static inline int harness_finish(const char *suite) {
  printf("%s: %d passed, %d failed\n", suite, harness_tests_passed, harness_tests_failed);
  return harness_tests_failed ? 1 : 0;
}

#endif
