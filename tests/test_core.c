/* SPDX-License-Identifier: MIT */
/* Tests of the core: status table, context, allocation funnel, buffer, number parsing, RNG,
 * CAMEO tables, tension accumulator. */
#include <stdint.h>

#include "brink/brink.h"
#include "brink/cameo.h"
#include "brink/rng.h"
#include "brink/tension.h"
#include "harness.h"

static void test_status_names(void) {
  CHECK_STR(brink_status_name(BRINK_OK), "BRINK_OK");
  CHECK_STR(brink_status_name(BRINK_ENOMEM), "BRINK_ENOMEM");
  CHECK_STR(brink_status_str(BRINK_ENOMEM), "out of memory");
  CHECK_STR(brink_status_name((brink_status)999), "BRINK_UNKNOWN");
  CHECK_INT(BRINK_OK, 0);
}

static void test_buf_basics(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_buf b;
  brink_buf_init(&b, ctx, 16);
  CHECK_STR(b.data, "");
  CHECK_INT(brink_buf_puts(&b, "hello"), BRINK_OK);
  CHECK_INT(brink_buf_printf(&b, " %d", 42), BRINK_OK);
  CHECK_STR(b.data, "hello 42");
  CHECK_INT(b.len, 8);
  /* Past the limit: refused, content unchanged. */
  CHECK_INT(brink_buf_puts(&b, "0123456789"), BRINK_ELIMIT);
  CHECK_STR(b.data, "hello 42");
  CHECK_CONTAINS(brink_ctx_errmsg(ctx), "limit of 16 bytes");
  brink_buf_reset(&b);
  CHECK_STR(b.data, "");
  CHECK_INT(brink_buf_json_string(&b, "a\"b\\\n"), BRINK_OK);
  CHECK_STR(b.data, "\"a\\\"b\\\\\\n\"");
  brink_buf_release(&b);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static void test_json_number(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_buf b;
  brink_buf_init(&b, ctx, 0);
  const double values[] = {0.1, 1.0 / 3.0, 1e-300, 123456789.0, -2.5, 0.30000000000000004};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    brink_buf_reset(&b);
    CHECK_INT(brink_buf_json_number(&b, values[i]), BRINK_OK);
    double back;
    CHECK_INT(brink_parse_f64(b.data, b.len, &back), BRINK_OK);
    CHECK(back == values[i]);
  }
  brink_buf_reset(&b);
  brink_buf_json_number(&b, 0.1);
  CHECK_STR(b.data, "0.1");
  brink_buf_reset(&b);
  brink_buf_json_number(&b, -0.0);
  CHECK_STR(b.data, "0");
  brink_buf_reset(&b);
  brink_buf_json_number(&b, NAN);
  CHECK_STR(b.data, "null");
  brink_buf_release(&b);
  brink_ctx_free(ctx);
}

/* Builds a few strings; used to check that every allocation point fails cleanly. */
static brink_status build_three(brink_ctx *ctx, char **out) {
  brink_status st = BRINK_OK;
  brink_buf b;
  char *first = NULL, *second = NULL;
  *out = NULL;
  brink_buf_init(&b, ctx, 0);
  first = brink_strdup(ctx, "deterrence");
  second = brink_strdup(ctx, "spiral");
  if (!first || !second) {
    st = BRINK_ENOMEM;
    goto done;
  }
  for (int i = 0; i < 50 && !st; i++) st = brink_buf_printf(&b, "%s/%s/%d;", first, second, i);
  if (!st) st = brink_buf_detach(&b, out);
done:
  brink_free(ctx, first);
  brink_free(ctx, second);
  brink_buf_release(&b);
  return st;
}

static void test_alloc_failure_injection(void) {
  brink_ctx *ctx;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  char *s = NULL;
  uint64_t before = brink_ctx_alloc_count(ctx);
  CHECK_INT(build_three(ctx, &s), BRINK_OK);
  uint64_t n_allocs = brink_ctx_alloc_count(ctx) - before;
  CHECK(n_allocs >= 4);
  brink_free(ctx, s);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  for (uint64_t k = 1; k <= n_allocs; k++) {
    brink_ctx_fail_after(ctx, k);
    s = NULL;
    brink_status st = build_three(ctx, &s);
    CHECK_INT(st, BRINK_ENOMEM);
    CHECK(s == NULL);
    CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  }
  brink_ctx_fail_after(ctx, 0);
  CHECK_INT(build_three(ctx, &s), BRINK_OK);
  brink_free(ctx, s);
  brink_ctx_free(ctx);
}

static void test_parse_numbers(void) {
  int64_t i;
  double d;
  CHECK_INT(brink_parse_i64("123", 3, &i), BRINK_OK);
  CHECK_INT(i, 123);
  CHECK_INT(brink_parse_i64("-9223372036854775808", 20, &i), BRINK_OK);
  CHECK(i == INT64_MIN);
  CHECK_INT(brink_parse_i64("9223372036854775808", 19, &i), BRINK_ERANGE);
  CHECK_INT(brink_parse_i64("12a", 3, &i), BRINK_EPARSE);
  CHECK_INT(brink_parse_i64("", 0, &i), BRINK_EPARSE);
  CHECK_INT(brink_parse_i64("-", 1, &i), BRINK_EPARSE);
  CHECK_INT(brink_parse_f64("2.5e-3", 6, &d), BRINK_OK);
  CHECK_NEAR(d, 0.0025, 0);
  CHECK_INT(brink_parse_f64("1e999", 5, &d), BRINK_ERANGE);
  CHECK_INT(brink_parse_f64("nan", 3, &d), BRINK_EPARSE);
  CHECK_INT(brink_parse_f64(" 1", 2, &d), BRINK_EPARSE);
  CHECK_INT(brink_parse_f64("0x10", 4, &d), BRINK_EPARSE);
}

static void test_rng(void) {
  /* Known-answer test: Random123's published KAT for philox4x32-10 with zero key/counter
   * (kat_vectors: philox4x32 10 0 0 0 0 0 0 -> 6627e8d5 e169c58d bc57ac4c 9b00dbd8). */
  philox4x32_ctr_t c = {{0, 0, 0, 0}};
  philox4x32_key_t k = {{0, 0}};
  philox4x32_ctr_t r = philox4x32(c, k);
  CHECK(r.v[0] == 0x6627e8d5u && r.v[1] == 0xe169c58du);
  CHECK(r.v[2] == 0xbc57ac4cu && r.v[3] == 0x9b00dbd8u);

  brink_rng a, b;
  brink_rng_init(&a, 42, 7, 1);
  brink_rng_init(&b, 42, 7, 1);
  for (int n = 0; n < 100; n++) CHECK(brink_rng_u32(&a) == brink_rng_u32(&b));
  brink_rng_init(&b, 42, 8, 1);
  int same = 0;
  for (int n = 0; n < 100; n++) same += brink_rng_u32(&a) == brink_rng_u32(&b);
  CHECK(same < 3);
  /* Moments of uniform and normal draws within 5 standard errors. */
  brink_rng_init(&a, 1, 0, 0);
  double s = 0, s2 = 0, z = 0, z2 = 0;
  const int n = 200000;
  for (int j = 0; j < n; j++) {
    double u = brink_rng_uniform(&a);
    CHECK(u > 0.0 && u < 1.0);
    s += u;
    s2 += u * u;
    double x = brink_rng_normal(&a);
    z += x;
    z2 += x * x;
  }
  CHECK_NEAR(s / n, 0.5, 5 * sqrt(1.0 / 12 / n));
  CHECK_NEAR(z / n, 0.0, 5 * sqrt(1.0 / n));
  CHECK_NEAR(z2 / n, 1.0, 5 * sqrt(2.0 / n));
  unsigned counts[7] = {0};
  for (int j = 0; j < 70000; j++) counts[brink_rng_below(&a, 7)]++;
  for (int j = 0; j < 7; j++) CHECK_NEAR(counts[j], 10000, 5 * sqrt(10000.0 * 6 / 7));
}

static void test_cameo(void) {
  const brink_cameo_info *info;
  CHECK_INT(brink_cameo_lookup("190", &info), BRINK_OK);
  CHECK_NEAR(info->goldstein, -10.0, 0);
  CHECK_INT(info->quadclass, 4);
  CHECK_INT(brink_cameo_lookup("010", &info), BRINK_OK);
  CHECK_STR(info->label, "Make statement, not specified below");
  CHECK_INT(brink_cameo_lookup("10", &info), BRINK_OK); /* root 10 DEMAND, not 010 */
  CHECK_INT(info->quadclass, 3);
  CHECK_INT(brink_cameo_lookup("999", &info), BRINK_ENOTFOUND);
  double g;
  CHECK_INT(brink_cameo_goldstein("016", &g), BRINK_OK);
  CHECK_NEAR(g, -2.0, 0); /* GDELT's value, not the older CAMEO.SCALE 3.4 */
  /* 1834 has no weight of its own: the nearest ancestor with one is 183 (-10.0). */
  CHECK_INT(brink_cameo_goldstein("1834", &g), BRINK_OK);
  CHECK_NEAR(g, -10.0, 0);
  CHECK_INT(brink_cameo_goldstein("155", &g), BRINK_OK);
  CHECK_NEAR(g, -7.2, 0);
  CHECK_INT(brink_cameo_quadclass("0871"), 2);
  CHECK_INT(brink_cameo_quadclass("141"), 3);
  CHECK_INT(brink_cameo_quadclass("x1"), 0);
  CHECK(brink_cameo_count() >= 316);
  for (unsigned i = 1; i < brink_cameo_count(); i++)
    CHECK(strcmp(brink_cameo_at(i - 1)->code, brink_cameo_at(i)->code) < 0);
}

static void test_tension(void) {
  brink_tension_acc acc;
  brink_tension_reset(&acc);
  brink_tension_add(&acc, -9.5, 4);
  brink_tension_add(&acc, 3.0, 1);
  brink_tension_add(&acc, -2.0, 3);
  CHECK_NEAR(brink_tension_value(&acc), 8.5, 1e-12);
  CHECK_NEAR(brink_tension_mean_goldstein(&acc), -8.5 / 3, 1e-12);
  CHECK_NEAR(brink_tension_conflict_share(&acc), 2.0 / 3, 1e-12);
}

int main(void) {
  RUN(test_status_names);
  RUN(test_buf_basics);
  RUN(test_json_number);
  RUN(test_alloc_failure_injection);
  RUN(test_parse_numbers);
  RUN(test_rng);
  RUN(test_cameo);
  RUN(test_tension);
  return harness_finish("test_core");
}
