/* SPDX-License-Identifier: MIT */
/* The request of `brink serve`: the JSON body a client posts to run a comparison, read and
 * checked here (so that it can be fuzzed and tested without a server), and the cache key of
 * a request (a hash of everything that determines the result bytes). See docs/serve.md. */
#ifndef BRINK_SERVE_H
#define BRINK_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "brink/brink.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BRINK_SERVE_MAX_BODY ((size_t)1 << 20) /* bytes of a request body */
#define BRINK_SERVE_MAX_ITEMS 64               /* overrides, policies */
#define BRINK_SERVE_MAX_STRING 4096            /* bytes of a name or override */
#define BRINK_SERVE_MAX_POINTS 100             /* values of a swept parameter */
#define BRINK_SERVE_MAX_HORIZON 520            /* weeks of a forecast from the record */
#define BRINK_SERVE_MAX_PARTICLES 10000        /* particles of its filter */
#define BRINK_SERVE_MAX_REPLICATES 8           /* independent filters */
#define BRINK_SERVE_LAST_ORIGIN 20221107       /* the Monday after the record ends (YYYYMMDD) */

/* A run request. Strings are NUL-terminated UTF-8 without NUL bytes inside. */
typedef struct brink_serve_request {
  char *scenario;   /* a file name inside the served directory ("2022.yaml"), or NULL */
  char *yaml;       /* scenario text from the editor, or NULL; exactly one of the two is set */
  size_t yaml_len;  /* bytes */
  char **overrides; /* "params.NAME=VALUE", as --set */
  size_t n_overrides;
  char **policies; /* names; none = every policy of the scenario */
  size_t n_policies;
  uint64_t runs;  /* runs per policy; 0 when absent */
  uint64_t seed;  /* 1 when absent */
  brink_ctx *ctx; /* owns every allocation of the request */
  /* A one-parameter sweep (brink sweep --param NAME=LO:HI:POINTS on a grid), or none: */
  char *sweep_param;     /* the $param's name (no "params."), or NULL: a plain comparison */
  double sweep_lo;       /* the first value, in the parameter's unit */
  double sweep_hi;       /* the last value, >= sweep_lo */
  uint64_t sweep_points; /* values, evenly spaced: 2..BRINK_SERVE_MAX_POINTS (default 5) */
  /* A forecast from the record (brink forecast --origin --horizon --particles --replicates:
   * the record before the origin filtered over the server's history windows, then every
   * policy run forward from the particles), or none: */
  int forecast;                 /* 1 when the request has "forecast" */
  char forecast_origin[11];     /* a Monday YYYY-MM-DD on or before BRINK_SERVE_LAST_ORIGIN */
  int32_t forecast_origin_ymd;  /* the same as YYYYMMDD */
  uint64_t forecast_horizon;    /* weeks: 1..BRINK_SERVE_MAX_HORIZON (default 104) */
  uint64_t forecast_particles;  /* 1..BRINK_SERVE_MAX_PARTICLES (default 2000) */
  uint64_t forecast_replicates; /* 1..BRINK_SERVE_MAX_REPLICATES (default 4) */
} brink_serve_request;

/* Reads a request from JSON text[0..len) (need not be NUL-terminated):
 *   {"scenario": "2022.yaml" | "yaml": "...", "overrides": ["params.x=1", ...],
 *    "policies": ["a", ...], "runs": 1000, "seed": 1,
 *    "sweep": {"param": "x", "lo": 0.1, "hi": 0.9, "points": 5}
 *    | "forecast": {"origin": "2022-11-07", "horizon": 104, "particles": 2000,
 *                  "replicates": 4}}
 * Unknown keys, duplicate keys, wrong types, numbers that are not whole numbers in
 * 0..2^53 (runs, seed, points), a missing or double scenario; in "sweep" a missing param, lo or
 * hi, a param name that is empty or holds '=' or '.', lo or hi not a finite number, lo > hi,
 * points outside 2..BRINK_SERVE_MAX_POINTS; in "forecast" a missing origin, an origin that is
 * not a Monday YYYY-MM-DD on or before BRINK_SERVE_LAST_ORIGIN, horizon, particles or
 * replicates outside their ranges above; both "sweep" and "forecast": BRINK_EPARSE with
 * "request:line:col: what" in ctx. Whether the origin is late enough for the server's history
 * is the server's to say.
 * Whether the parameter exists and the values are in its support is the loader's to say.
 * More than BRINK_SERVE_MAX_BODY bytes, BRINK_SERVE_MAX_ITEMS items or
 * BRINK_SERVE_MAX_STRING bytes in a string (other than yaml): BRINK_ELIMIT. The scenario
 * name is checked with brink_serve_name_ok. New object, caller frees with
 * brink_serve_request_free. */
BRINK_API brink_status brink_serve_request_parse(brink_ctx *ctx, const char *text, size_t len,
                                                 brink_serve_request **out);
BRINK_API void brink_serve_request_free(brink_serve_request *request);

/* 1 when name may be served from the scenarios directory: 1..255 bytes of [A-Za-z0-9._-],
 * not starting with '.', ending in ".yaml" or ".yml" (so no '/', no "..", no absolute path);
 * 0 otherwise. */
BRINK_API int brink_serve_name_ok(const char *name);

/* The cache key of a request run with runs per policy (after defaults are applied), as 16
 * lower-case hex digits and a NUL in key[17]: a 64-bit FNV-1a hash of the brink version, the
 * scenario name or text, the overrides and policies in order, runs and seed, and the sweep's
 * parameter, lo, hi (their bits) and points when there is a sweep, the forecast's origin,
 * horizon, particles and replicates when there is a forecast. (The server's own inputs, its
 * history windows, record and posterior, are fixed for its life and not in the key.) */
BRINK_API void brink_serve_request_key(const brink_serve_request *request, uint64_t runs,
                                       char key[17]);

#ifdef __cplusplus
}
#endif
#endif
