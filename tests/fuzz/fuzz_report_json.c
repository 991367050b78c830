/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the report's JSON reader: any bytes through brink_result_parse; a
 * result that parses must make an HTML report, and nothing may leak from the context. The
 * fixture tests/data/report/korea-2022.json is a good seed. */
#include <stdint.h>
#include <stdlib.h>

#include "brink/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fontconfig's configuration (loaded by cairo's toy font API) is not freed at exit: the same
 * suppression as tests/lsan-fontconfig.supp. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  brink_ctx *ctx = NULL;
  if (brink_ctx_new(&ctx)) return 0;
  brink_result *r = NULL;
  brink_status st = brink_result_parse(ctx, (const char *)data, size, "fuzz.json", &r);
  if (st == BRINK_OK) {
    brink_buf html;
    brink_buf_init(&html, ctx, 0);
    if (brink_report_html(ctx, r, NULL, &html) != BRINK_OK) abort();
    brink_buf_release(&html);
  } else if (r != NULL) {
    abort();
  }
  brink_result_free(r);
  if (brink_ctx_bytes_in_use(ctx) != 0) abort();
  brink_ctx_free(ctx);
  return 0;
}
