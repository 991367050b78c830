/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the Hawkes streams reader: any bytes through
 * brink_hawkes_data_read_string. A success must give sorted events of known streams with no
 * duplicate (stream, day); a refusal must say why; nothing may leak from the context. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "brink/hawkes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  brink_ctx *ctx = NULL;
  if (brink_ctx_new(&ctx)) return 0;
  const char *names[] = {"dprk_bm", "allied_exercise", "x"};
  brink_hawkes_data *d = NULL;
  brink_status st =
      brink_hawkes_data_read_string(ctx, "fuzz.tsv", (const char *)data, size, names, 3, &d);
  if (st == BRINK_OK) {
    size_t total = 0;
    for (size_t i = 0; i < d->n_events; i++) {
      if (d->stream[i] >= 3) abort();
      if (i && d->time[i] < d->time[i - 1]) abort();
      if (i && d->time[i] == d->time[i - 1] && d->stream[i] == d->stream[i - 1]) abort();
    }
    for (size_t s = 0; s < 3; s++) total += d->per_stream[s];
    if (total != d->n_events) abort();
  } else if (!brink_ctx_errmsg(ctx)[0]) {
    abort();
  }
  brink_hawkes_data_free(d);
  if (brink_ctx_bytes_in_use(ctx) != 0) abort();
  brink_ctx_free(ctx);
  return 0;
}
