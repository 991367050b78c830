/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the forecast JSON reader, the writer read back, then scoring against a small
 * fixed record and writing the table in every format. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "brink/score.h"

static const char record_text[] = "date\tclass\ticbm\tcsis_type\tcsis_event\tsource\n"
                                  "2007-05-01\tBM\t1\tt\tICBM\thttp://a\n"
                                  "2008-03-03\tBM\t0\tt\tSRBM\thttp://b\n"
                                  "2008-09-01\tCLASH\t\tt\tfire\thttp://c\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  brink_ctx *ctx = NULL;
  if (brink_ctx_new(&ctx)) return 0;
  brink_prediction *fc = NULL;
  brink_record *rec = NULL;
  brink_score_table *t = NULL;
  if (brink_prediction_parse(ctx, (const char *)data, size, "fuzz", &fc) == BRINK_OK &&
      fc->n_windows <= 64 && brink_record_new(ctx, &rec) == BRINK_OK &&
      brink_record_parse(rec, record_text, strlen(record_text), "r") == BRINK_OK) {
    /* What is read can be written and read back. */
    brink_buf json;
    brink_buf_init(&json, ctx, 0);
    brink_prediction *back = NULL;
    if (brink_prediction_write_json(fc, &json) == BRINK_OK &&
        brink_prediction_parse(ctx, json.data, json.len, "back", &back) != BRINK_OK)
      __builtin_trap();
    brink_prediction_free(back);
    brink_buf_release(&json);
    brink_score_reference ref = {"self", fc};
    if (brink_score_run(ctx, fc, rec, BRINK_RECORD_END, &ref, 1, &t) == BRINK_OK) {
      static const char *const formats[] = {"table", "csv", "json"};
      for (size_t f = 0; f < 3; f++) {
        brink_buf out;
        brink_buf_init(&out, ctx, 0);
        brink_score_table_write(t, formats[f], &out);
        brink_buf_release(&out);
      }
    }
  }
  brink_score_table_free(t);
  brink_record_free(rec);
  brink_prediction_free(fc);
  if (brink_ctx_bytes_in_use(ctx) != 0) __builtin_trap();
  brink_ctx_free(ctx);
  return 0;
}
