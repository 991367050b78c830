/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the ICEWS .tab reader (header mapping, country names, sectors) over bytes in
 * memory. */
#include <stddef.h>
#include <stdint.h>

#include "brink/events.h"

static void on_bad(void *ud, const char *where, uint64_t line, const char *message) {
  (void)where;
  (void)line;
  *(size_t *)ud += message[0] != '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  brink_ctx *ctx = NULL;
  if (brink_ctx_new(&ctx)) return 0;
  brink_event_read_opts opts = {.format = BRINK_EVENT_FORMAT_ICEWS};
  size_t bad = 0;
  opts.on_bad = on_bad;
  opts.userdata = &bad;
  brink_event_reader *r = NULL;
  if (brink_event_reader_new_mem(ctx, data, size, "fuzz", &opts, &r) == BRINK_OK) {
    const brink_event *ev;
    double sum = 0.0;
    while (brink_event_reader_next(r, &ev) == BRINK_OK && ev) {
      /* Touch every string: they must be NUL-terminated and valid. */
      const char *s[] = {ev->actor1_code,    ev->actor1_country, ev->actor1_type, ev->actor2_code,
                         ev->actor2_country, ev->actor2_type,    ev->code,        ev->source_url};
      for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        for (const char *p = s[i]; *p; p++) sum += (double)(unsigned char)*p;
      sum += ev->goldstein;
    }
    (void)sum;
  }
  brink_event_reader_free(r);
  if (brink_ctx_bytes_in_use(ctx) != 0) __builtin_trap();
  brink_ctx_free(ctx);
  return 0;
}
