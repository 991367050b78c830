/* SPDX-License-Identifier: MIT */
/* Tests of the `brink serve` request reader: accepted forms, every kind of refusal with its
 * location, limits, scenario names, and the cache key. */
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
  RUN(serve_request_limits);
  RUN(serve_names_and_keys);
  return harness_finish("test_serve");
}
