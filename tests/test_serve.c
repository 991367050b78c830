/* SPDX-License-Identifier: MIT */
/* Tests of the `brink serve` request reader: accepted forms, every kind of refusal with its
 * location, the one-parameter sweep, the forecast from the record, limits, scenario names, and
 * the cache key. */
#include <stdint.h>
#include <string.h>

#include "brink/serve.h"
#include "harness.h"

static brink_status parse(brink_ctx *ctx, const char *text, brink_serve_request **out) {
  return brink_serve_request_parse(ctx, text, strlen(text), out);
}

static void serve_request_full(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_serve_request *req = NULL;
  CHECK_INT(parse(ctx,
                  " {\"scenario\": \"2022.yaml\", \"overrides\": [\"params.dprk_greed=0.9\"],\n"
                  "  \"policies\": [\"a\", \"b\\u00e9\"], \"runs\": 2000, \"seed\": 42} ",
                  &req),
            BRINK_OK);
  CHECK(req && !strcmp(req->scenario, "2022.yaml"));
  CHECK(req && req->yaml == NULL);
  CHECK_INT(req ? req->n_overrides : 0, 1);
  CHECK(req && !strcmp(req->overrides[0], "params.dprk_greed=0.9"));
  CHECK_INT(req ? req->n_policies : 0, 2);
  CHECK(req && !strcmp(req->policies[1], "b\xc3\xa9"));
  CHECK_INT(req ? req->runs : 0, 2000);
  CHECK_INT(req ? req->seed : 0, 42);
  brink_serve_request_free(req);
  /* Defaults, yaml with a surrogate pair (U+1F600 = F0 9F 98 80). */
  CHECK_INT(parse(ctx, "{\"yaml\": \"name: x\\n# \\ud83d\\ude00\"}", &req), BRINK_OK);
  CHECK(req && req->scenario == NULL && req->yaml_len == 14);
  CHECK(req && !memcmp(req->yaml, "name: x\n# \xf0\x9f\x98\x80", 14));
  CHECK_INT(req ? req->runs : 1, 0);
  CHECK_INT(req ? req->seed : 0, 1);
  brink_serve_request_free(req);
  brink_ctx_free(ctx);
}

static void serve_request_refusals(void) {
  static const struct {
    const char *text;
    brink_status status;
    const char *message; /* a part of the context's message */
  } cases[] = {
      {"", BRINK_EPARSE, "request:1:1: expected a JSON object"},
      {"[]", BRINK_EPARSE, "request:1:1: expected a JSON object"},
      {"{}", BRINK_EPARSE, "exactly one of 'scenario' and 'yaml'"},
      {"{\"scenario\":\"a.yaml\",\"yaml\":\"x\"}", BRINK_EPARSE, "exactly one"},
      {"{\"scenario\":\"a.yaml\",\n \"sed\":1}", BRINK_EPARSE, "request:2:2: unknown key 'sed'"},
      {"{\"scenario\":\"a.yaml\",\"seed\":1,\"seed\":2}", BRINK_EPARSE, "key 'seed' given twice"},
      {"{\"scenario\":\"../etc/passwd.yaml\"}", BRINK_EPARSE, "not a file name"},
      {"{\"scenario\":\"/etc/a.yaml\"}", BRINK_EPARSE, "not a file name"},
      {"{\"scenario\":\".hidden.yaml\"}", BRINK_EPARSE, "not a file name"},
      {"{\"scenario\":\"a.txt\"}", BRINK_EPARSE, "not a file name"},
      {"{\"scenario\":\"a.yaml\",\"runs\":1.5}", BRINK_EPARSE, "expected a whole number"},
      {"{\"scenario\":\"a.yaml\",\"runs\":-1}", BRINK_EPARSE, "expected a whole number"},
      {"{\"scenario\":\"a.yaml\",\"runs\":\"10\"}", BRINK_EPARSE, "expected a whole number"},
      {"{\"scenario\":\"a.yaml\",\"runs\":012}", BRINK_EPARSE, "leading zero"},
      {"{\"scenario\":\"a.yaml\",\"seed\":9007199254740993}", BRINK_EPARSE, "too large"},
      {"{\"scenario\":\"a.yaml\",\"overrides\":[\"x\"]}", BRINK_EPARSE, "not PATH=VALUE"},
      {"{\"scenario\":\"a.yaml\",\"policies\":[1]}", BRINK_EPARSE, "expected a string"},
      {"{\"scenario\":\"a.yaml\",\"policies\":\"a\"}", BRINK_EPARSE, "expected an array"},
      {"{\"scenario\":\"a.yaml\"} x", BRINK_EPARSE, "trailing characters"},
      {"{\"scenario\":\"a.yaml\"", BRINK_EPARSE, "expected ',' or '}'"},
      {"{\"scenario\":\"a.yaml", BRINK_EPARSE, "unterminated string"},
      {"{\"yaml\":\"a\\u0000b\"}", BRINK_EPARSE, "NUL character"},
      {"{\"yaml\":\"a\\ud800\"}", BRINK_EPARSE, "unpaired surrogate"},
      {"{\"yaml\":\"a\\x\"}", BRINK_EPARSE, "bad escape"},
      {"{\"yaml\":\"a\tb\"}", BRINK_EPARSE, "control character"},
  };
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    brink_serve_request *req = (brink_serve_request *)1;
    brink_status st = parse(ctx, cases[i].text, &req);
    CHECK_INT(st, cases[i].status);
    CHECK(req == NULL);
    if (!strstr(brink_ctx_errmsg(ctx), cases[i].message))
      fprintf(stderr, "case %zu: '%s' lacks '%s'\n", i, brink_ctx_errmsg(ctx), cases[i].message);
    CHECK(strstr(brink_ctx_errmsg(ctx), cases[i].message) != NULL);
  }
  brink_ctx_free(ctx);
}

static void serve_request_sweep(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_serve_request *req = NULL;
  CHECK_INT(parse(ctx,
                  "{\"scenario\": \"2022.yaml\", \"sweep\": {\"param\": \"dprk_greed\", "
                  "\"lo\": -0.25, \"hi\": 1.5e-1, \"points\": 7}, \"runs\": 100}",
                  &req),
            BRINK_OK);
  CHECK(req && req->sweep_param && !strcmp(req->sweep_param, "dprk_greed"));
  CHECK(req && req->sweep_lo == -0.25 && req->sweep_hi == 0.15);
  CHECK_INT(req ? req->sweep_points : 0, 7);
  CHECK_INT(req ? req->runs : 0, 100);
  brink_serve_request_free(req);
  /* points default to 5; lo may equal hi; keys in any order; no sweep: no parameter. */
  CHECK_INT(
      parse(ctx, "{\"sweep\": {\"hi\": 2, \"param\": \"x\", \"lo\": 2}, \"yaml\": \"a\"}", &req),
      BRINK_OK);
  CHECK_INT(req ? req->sweep_points : 0, 5);
  CHECK(req && req->sweep_lo == 2.0 && req->sweep_hi == 2.0);
  brink_serve_request_free(req);
  CHECK_INT(parse(ctx, "{\"scenario\": \"a.yaml\"}", &req), BRINK_OK);
  CHECK(req && req->sweep_param == NULL);
  brink_serve_request_free(req);
  static const struct {
    const char *text;
    const char *message;
  } cases[] = {
      {"{\"scenario\":\"a.yaml\",\"sweep\":[]}", "request:1:30: expected an object"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":0}}",
       "request:1:30: 'sweep' needs 'hi'"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"lo\":0,\"hi\":1}}", "needs 'param'"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":1,\"hi\":0}}",
       "request:1:30: sweep lo 1 is above hi 0"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":0,\"hi\":1,\"points\":1}}",
       "request:1:66: sweep points must be 2..100, got 1"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":0,\"hi\":1,\"points\":101}}",
       "sweep points must be 2..100"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":0,\"hi\":1,\"points\":2.5}}",
       "expected a whole number"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"params.x\",\"lo\":0,\"hi\":1}}",
       "request:1:39: sweep param 'params.x' is not a parameter name"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x=1\",\"lo\":0,\"hi\":1}}",
       "not a parameter name"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"\",\"lo\":0,\"hi\":1}}",
       "not a parameter name"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":\"0\",\"hi\":1}}",
       "expected a number"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":.5,\"hi\":1}}",
       "expected a number"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":1.,\"hi\":1}}",
       "expected a digit after '.'"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":1e,\"hi\":1}}",
       "expected a digit in the exponent"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":-01,\"hi\":1}}", "leading zero"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":1e400,\"hi\":1}}",
       "number out of range"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":NaN,\"hi\":1}}",
       "expected a number"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":0,\"hi\":1,\"lo\":0}}",
       "key 'lo' given twice in 'sweep'"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":0,\"hi\":1,\"step\":1}}",
       "unknown key 'step' in 'sweep'"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":0,\"hi\":1}",
       "expected ',' or '}'"},
      {"{\"scenario\":\"a.yaml\",\"sweep\":{},\"sweep\":{}}", "needs 'param'"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    req = (brink_serve_request *)1;
    CHECK_INT(parse(ctx, cases[i].text, &req), BRINK_EPARSE);
    CHECK(req == NULL);
    if (!strstr(brink_ctx_errmsg(ctx), cases[i].message))
      fprintf(stderr, "sweep case %zu: '%s' lacks '%s'\n", i, brink_ctx_errmsg(ctx),
              cases[i].message);
    CHECK(strstr(brink_ctx_errmsg(ctx), cases[i].message) != NULL);
  }
  /* Allocation failure at every step of a request with a sweep: an error, never a leak. */
  const char *text = "{\"scenario\":\"a.yaml\",\"sweep\":{\"param\":\"x\",\"lo\":0,\"hi\":1}}";
  int failures = 0;
  for (uint64_t n = 1; n < 20; n++) {
    brink_ctx_fail_after(ctx, n);
    brink_status st = brink_serve_request_parse(ctx, text, strlen(text), &req);
    brink_ctx_fail_after(ctx, 0);
    if (st == BRINK_OK)
      brink_serve_request_free(req);
    else {
      CHECK_INT(st, BRINK_ENOMEM);
      failures++;
    }
  }
  CHECK(failures > 0);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

/* "forecast": its defaults (those of scripts/run.sh: 104 weeks, 2,000 particles, 4 filters),
 * every refusal at its place, and every field in the key. Mondays by hand: 2022-11-07 (the
 * standard origin), 2015-01-05 and 2007-01-01. */
static void serve_request_forecast(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_serve_request *req = NULL;
  CHECK_INT(
      parse(ctx, "{\"scenario\": \"2022.yaml\", \"forecast\": {\"origin\": \"2022-11-07\"}}", &req),
      BRINK_OK);
  CHECK(req && req->forecast == 1 && !strcmp(req->forecast_origin, "2022-11-07"));
  CHECK_INT(req ? req->forecast_origin_ymd : 0, 20221107);
  CHECK_INT(req ? req->forecast_horizon : 0, 104);
  CHECK_INT(req ? req->forecast_particles : 0, 2000);
  CHECK_INT(req ? req->forecast_replicates : 0, 4);
  CHECK(req && req->sweep_param == NULL);
  brink_serve_request_free(req);
  CHECK_INT(
      parse(ctx,
            "{\"forecast\": {\"replicates\": 8, \"horizon\": 520, \"origin\": \"2015-01-05\", "
            "\"particles\": 1}, \"yaml\": \"a\"}",
            &req),
      BRINK_OK);
  CHECK(req && !strcmp(req->forecast_origin, "2015-01-05"));
  CHECK_INT(req ? req->forecast_horizon : 0, 520);
  CHECK_INT(req ? req->forecast_particles : 0, 1);
  CHECK_INT(req ? req->forecast_replicates : 0, 8);
  brink_serve_request_free(req);
  /* No "forecast": none. */
  CHECK_INT(parse(ctx, "{\"scenario\": \"a.yaml\"}", &req), BRINK_OK);
  CHECK(req && req->forecast == 0 && req->forecast_origin[0] == '\0');
  brink_serve_request_free(req);
  static const struct {
    const char *text;
    const char *message;
  } cases[] = {
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"origin\":\"2022-11-08\"}}",
       "request:1:43: forecast origin '2022-11-08' is not a Monday"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"origin\":\"2022-11-14\"}}",
       "on or before 2022-11-07"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"origin\":\"20221107\"}}",
       "not a Monday YYYY-MM-DD"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"origin\":\"2022-02-30\"}}", "not a Monday"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"origin\":20221107}}", "expected a string"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"origin\":\"2022-11-07\",\"horizon\":521}}",
       "request:1:66: forecast horizon must be 1..520, got 521"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"origin\":\"2022-11-07\",\"horizon\":0}}",
       "forecast horizon must be 1..520, got 0"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"origin\":\"2022-11-07\",\"particles\":10001}}",
       "forecast particles must be 1..10000"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"origin\":\"2022-11-07\",\"replicates\":9}}",
       "forecast replicates must be 1..8"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"origin\":\"2022-11-07\",\"horizon\":1.5}}",
       "expected a whole number"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"horizon\":5}}",
       "request:1:33: 'forecast' needs 'origin'"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{}}", "needs 'origin'"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":[]}", "expected an object"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"origin\":\"2022-11-07\",\"history\":\"/etc\"}}",
       "unknown key 'history' in 'forecast'"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"origin\":\"2022-11-07\",\"origin\":\"2022-11-07\"}"
       "}",
       "key 'origin' given twice in 'forecast'"},
      {"{\"scenario\":\"a.yaml\",\"forecast\":{\"origin\":\"2022-11-07\"},"
       "\"sweep\":{\"param\":\"x\",\"lo\":0,\"hi\":1}}",
       "at most one of 'sweep' and 'forecast'"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    req = (brink_serve_request *)1;
    CHECK_INT(parse(ctx, cases[i].text, &req), BRINK_EPARSE);
    CHECK(req == NULL);
    if (!strstr(brink_ctx_errmsg(ctx), cases[i].message))
      fprintf(stderr, "forecast case %zu: '%s' lacks '%s'\n", i, brink_ctx_errmsg(ctx),
              cases[i].message);
    CHECK(strstr(brink_ctx_errmsg(ctx), cases[i].message) != NULL);
  }
  /* Every field is in the key; a forecast is not the plain comparison; the defaults written
   * out give the key of the defaults. */
  const char *texts[] = {
      "{\"scenario\":\"a.yaml\",\"seed\":1}",
      "{\"scenario\":\"a.yaml\",\"seed\":1,\"forecast\":{\"origin\":\"2022-11-07\"}}",
      "{\"scenario\":\"a.yaml\",\"seed\":1,\"forecast\":{\"origin\":\"2022-10-31\"}}",
      "{\"scenario\":\"a.yaml\",\"seed\":1,\"forecast\":{\"origin\":\"2022-11-07\",\"horizon\":52}"
      "}",
      "{\"scenario\":\"a.yaml\",\"seed\":1,\"forecast\":{\"origin\":\"2022-11-07\",\"particles\":"
      "50}}",
      "{\"scenario\":\"a.yaml\",\"seed\":1,\"forecast\":{\"origin\":\"2022-11-07\",\"replicates\":"
      "1}}",
      "{\"scenario\":\"a.yaml\",\"seed\":1,\"forecast\":{\"origin\":\"2022-11-07\",\"horizon\":104,"
      "\"particles\":2000,\"replicates\":4}}",
  };
  char keys[7][17];
  for (size_t i = 0; i < 7; i++) {
    CHECK_INT(parse(ctx, texts[i], &req), BRINK_OK);
    if (req) brink_serve_request_key(req, 1000, keys[i]);
    brink_serve_request_free(req);
  }
  for (size_t i = 0; i < 6; i++)
    for (size_t j = i + 1; j < 6; j++) CHECK(strcmp(keys[i], keys[j]) != 0);
  CHECK(!strcmp(keys[6], keys[1]));
  /* Allocation failure at every step of a request with a forecast: an error, never a leak. */
  int failures = 0;
  for (uint64_t n = 1; n < 20; n++) {
    brink_ctx_fail_after(ctx, n);
    brink_status st = brink_serve_request_parse(ctx, texts[3], strlen(texts[3]), &req);
    brink_ctx_fail_after(ctx, 0);
    if (st == BRINK_OK)
      brink_serve_request_free(req);
    else {
      CHECK_INT(st, BRINK_ENOMEM);
      failures++;
    }
  }
  CHECK(failures > 0);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static void serve_request_limits(void) {
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  brink_serve_request *req = NULL;
  brink_buf b;
  brink_buf_init(&b, ctx, 0);
  /* 65 policies: one over the limit; 64 are accepted. */
  CHECK_INT(brink_buf_puts(&b, "{\"scenario\":\"a.yaml\",\"policies\":[\"p0\""), BRINK_OK);
  for (int i = 1; i < BRINK_SERVE_MAX_ITEMS; i++) CHECK_INT(brink_buf_printf(&b, ",\"p%d\"", i), 0);
  CHECK_INT(brink_buf_puts(&b, "]}"), BRINK_OK);
  CHECK_INT(brink_serve_request_parse(ctx, b.data, b.len, &req), BRINK_OK);
  CHECK_INT(req ? req->n_policies : 0, BRINK_SERVE_MAX_ITEMS);
  brink_serve_request_free(req);
  b.len -= 2;
  CHECK_INT(brink_buf_puts(&b, ",\"extra\"]}"), BRINK_OK);
  CHECK_INT(brink_serve_request_parse(ctx, b.data, b.len, &req), BRINK_ELIMIT);
  /* A body over the limit is refused before it is read. */
  CHECK_INT(brink_serve_request_parse(ctx, b.data, BRINK_SERVE_MAX_BODY + 1, &req), BRINK_ELIMIT);
  /* A name over BRINK_SERVE_MAX_STRING bytes. */
  brink_buf_reset(&b);
  CHECK_INT(brink_buf_puts(&b, "{\"scenario\":\"a.yaml\",\"overrides\":[\"a="), BRINK_OK);
  for (int i = 0; i < BRINK_SERVE_MAX_STRING; i++) CHECK_INT(brink_buf_putc(&b, 'x'), BRINK_OK);
  CHECK_INT(brink_buf_puts(&b, "\"]}"), BRINK_OK);
  CHECK_INT(brink_serve_request_parse(ctx, b.data, b.len, &req), BRINK_ELIMIT);
  brink_buf_release(&b);
  /* Allocation failure at every step: an error, never a crash or a leak. */
  const char *text =
      "{\"scenario\":\"a.yaml\",\"overrides\":[\"a=1\",\"b=2\"],\"policies\":[\"p\"]}";
  int failures = 0;
  for (uint64_t n = 1; n < 40; n++) {
    brink_ctx_fail_after(ctx, n);
    brink_status st = brink_serve_request_parse(ctx, text, strlen(text), &req);
    brink_ctx_fail_after(ctx, 0);
    if (st == BRINK_OK)
      brink_serve_request_free(req);
    else {
      CHECK_INT(st, BRINK_ENOMEM);
      failures++;
    }
  }
  CHECK(failures > 0);
  CHECK_INT(brink_ctx_bytes_in_use(ctx), 0);
  brink_ctx_free(ctx);
}

static void serve_names_and_keys(void) {
  CHECK(brink_serve_name_ok("2022.yaml"));
  CHECK(brink_serve_name_ok("my-file_2.yml"));
  CHECK(!brink_serve_name_ok("../2022.yaml"));
  CHECK(!brink_serve_name_ok("a/b.yaml"));
  CHECK(!brink_serve_name_ok("..yaml"));
  CHECK(!brink_serve_name_ok(".yaml"));
  CHECK(!brink_serve_name_ok("a.yaml\\"));
  CHECK(!brink_serve_name_ok(""));
  brink_ctx *ctx = NULL;
  CHECK_INT(brink_ctx_new(&ctx), BRINK_OK);
  const char *texts[] = {
      "{\"scenario\":\"a.yaml\",\"seed\":1}",
      "{\"scenario\":\"a.yaml\",\"seed\":2}",
      "{\"scenario\":\"b.yaml\",\"seed\":1}",
      "{\"scenario\":\"a.yaml\",\"overrides\":[\"x=1\"]}",
      "{\"scenario\":\"a.yaml\",\"policies\":[\"x=1\"]}",
      "{\"yaml\":\"a.yaml\"}",
  };
  char keys[6][17];
  for (size_t i = 0; i < 6; i++) {
    brink_serve_request *req = NULL;
    CHECK_INT(parse(ctx, texts[i], &req), BRINK_OK);
    if (req) brink_serve_request_key(req, 1000, keys[i]);
    brink_serve_request_free(req);
    CHECK_INT(strlen(keys[i]), 16);
  }
  /* Requests 0 and "seed absent" (3 without overrides would be) differ; all six differ. */
  for (size_t i = 0; i < 6; i++)
    for (size_t j = i + 1; j < 6; j++) CHECK(strcmp(keys[i], keys[j]) != 0);
  /* Every field of a sweep is in the key, and a sweep is not the plain comparison. */
  const char *sweeps[] = {
      "{\"scenario\":\"a.yaml\",\"seed\":1,\"sweep\":{\"param\":\"x\",\"lo\":0,\"hi\":1}}",
      "{\"scenario\":\"a.yaml\",\"seed\":1,\"sweep\":{\"param\":\"y\",\"lo\":0,\"hi\":1}}",
      "{\"scenario\":\"a.yaml\",\"seed\":1,\"sweep\":{\"param\":\"x\",\"lo\":0.5,\"hi\":1}}",
      "{\"scenario\":\"a.yaml\",\"seed\":1,\"sweep\":{\"param\":\"x\",\"lo\":0,\"hi\":2}}",
      "{\"scenario\":\"a.yaml\",\"seed\":1,\"sweep\":{\"param\":\"x\",\"lo\":0,\"hi\":1,"
      "\"points\":6}}",
  };
  char sweep_keys[5][17];
  for (size_t i = 0; i < 5; i++) {
    brink_serve_request *sreq = NULL;
    CHECK_INT(parse(ctx, sweeps[i], &sreq), BRINK_OK);
    if (sreq) brink_serve_request_key(sreq, 1000, sweep_keys[i]);
    brink_serve_request_free(sreq);
    CHECK(strcmp(sweep_keys[i], keys[0]) != 0);
    for (size_t j = 0; j < i; j++) CHECK(strcmp(sweep_keys[i], sweep_keys[j]) != 0);
  }
  /* "points": 5 is the default: the same key as without it. */
  brink_serve_request *dreq = NULL;
  CHECK_INT(parse(ctx,
                  "{\"scenario\":\"a.yaml\",\"seed\":1,\"sweep\":{\"param\":\"x\",\"lo\":0,"
                  "\"hi\":1,\"points\":5}}",
                  &dreq),
            BRINK_OK);
  if (dreq) {
    char kd[17];
    brink_serve_request_key(dreq, 1000, kd);
    CHECK(!strcmp(kd, sweep_keys[0]));
  }
  brink_serve_request_free(dreq);
  /* The same request twice gives the same key; another run count another. */
  brink_serve_request *req = NULL;
  CHECK_INT(parse(ctx, texts[0], &req), BRINK_OK);
  char k1[17], k2[17];
  if (req) {
    brink_serve_request_key(req, 1000, k1);
    brink_serve_request_key(req, 1001, k2);
    CHECK(!strcmp(k1, keys[0]));
    CHECK(strcmp(k1, k2) != 0);
  }
  brink_serve_request_free(req);
  brink_ctx_free(ctx);
}

int main(void) {
  RUN(serve_request_full);
  RUN(serve_request_refusals);
  RUN(serve_request_sweep);
  RUN(serve_request_forecast);
  RUN(serve_request_limits);
  RUN(serve_names_and_keys);
  return harness_finish("test_serve");
}
