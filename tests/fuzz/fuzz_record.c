/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the record reader (header recognition, merging) over bytes in memory, read
 * twice so that every row also goes through the merge, then counted and truncated. */
#include <stddef.h>
#include <stdint.h>

#include "brink/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  brink_ctx *ctx = NULL;
  if (brink_ctx_new(&ctx)) return 0;
  brink_record *rec = NULL, *past = NULL;
  if (brink_record_new(ctx, &rec) == BRINK_OK) {
    brink_record_parse(rec, (const char *)data, size, "a");
    brink_record_parse(rec, (const char *)data, size, "b");
    double sum = 0.0;
    for (size_t i = 0; i < brink_record_count(rec); i++) {
      const brink_record_row *r = brink_record_row_at(rec, i);
      const char *s[] = {r->type, r->actor, r->target, r->label, r->source, r->file};
      for (size_t k = 0; k < sizeof s / sizeof s[0]; k++)
        for (const char *p = s[k]; *p; p++) sum += (double)(unsigned char)*p;
      sum += (double)brink_record_row_streams(r);
    }
    uint32_t counts[3];
    for (int s = 0; s < BRINK_RECORD_SERIES_COUNT; s++)
      brink_record_series_windows(rec, (brink_record_series)s, 20080107, -1, 3, counts);
    if (brink_record_before(rec, 20080107, &past) == BRINK_OK)
      for (size_t i = 0; i < brink_record_count(past); i++)
        for (const char *p = brink_record_row_at(past, i)->source; *p; p++) sum += *p;
    (void)sum;
  }
  brink_record_free(past);
  brink_record_free(rec);
  if (brink_ctx_bytes_in_use(ctx) != 0) __builtin_trap();
  brink_ctx_free(ctx);
  return 0;
}
