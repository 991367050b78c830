/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the JSON request reader of `brink serve` (with its sweep or forecast) and the
 * cache key. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "brink/events.h"
#include "brink/serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  brink_ctx *ctx = NULL;
  if (brink_ctx_new(&ctx)) return 0;
  brink_serve_request *req = NULL;
  if (brink_serve_request_parse(ctx, (const char *)data, size, &req) == BRINK_OK) {
    /* Touch every string: they must be NUL-terminated. */
    size_t total = req->scenario ? strlen(req->scenario) : strlen(req->yaml);
    for (size_t i = 0; i < req->n_overrides; i++) total += strlen(req->overrides[i]);
    for (size_t i = 0; i < req->n_policies; i++) total += strlen(req->policies[i]);
    if (req->sweep_param) {
      total += strlen(req->sweep_param);
      /* The reader's promises: a finite, ordered range and a bounded number of points. */
      if (!isfinite(req->sweep_lo) || !isfinite(req->sweep_hi) || req->sweep_lo > req->sweep_hi ||
          req->sweep_points < 2 || req->sweep_points > BRINK_SERVE_MAX_POINTS)
        __builtin_trap();
    }
    if (req->forecast) {
      /* A Monday on or before the last origin, and every number in its range. */
      int32_t ymd = 0;
      if (req->sweep_param || strlen(req->forecast_origin) != 10 ||
          brink_event_date_parse(req->forecast_origin, 10, &ymd) ||
          ymd != req->forecast_origin_ymd || ymd > BRINK_SERVE_LAST_ORIGIN ||
          brink_event_date_days(ymd) % 7 != 4 || req->forecast_horizon < 1 ||
          req->forecast_horizon > BRINK_SERVE_MAX_HORIZON || req->forecast_particles < 1 ||
          req->forecast_particles > BRINK_SERVE_MAX_PARTICLES || req->forecast_replicates < 1 ||
          req->forecast_replicates > BRINK_SERVE_MAX_REPLICATES)
        __builtin_trap();
    }
    char key[17];
    brink_serve_request_key(req, req->runs + total, key);
    if (strlen(key) != 16) __builtin_trap();
  }
  brink_serve_request_free(req);
  brink_ctx_free(ctx);
  return 0;
}
