/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the scenario loader: any bytes through brink_scenario_load_string.
 * The first line may hold one --set override ("#set PATH=VALUE"), so paths and values get
 * fuzzed too. A successful load must dump, the dump must load back to the same dump, and
 * nothing may leak from the context. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "brink/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libfyaml (0.8) leaks one 512-byte buffer on an error path of flow mappings with quoted
 * scalars ({x, k: m}), inside the library, where none of brink's allocations are:
 * suppressed by the library's name so that leak detection stays on for brink's own code
 * (issue 19). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfyaml.so\n"; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  brink_ctx *ctx = NULL;
  if (brink_ctx_new(&ctx)) return 0;
  const char *text = (const char *)data;
  char set[256];
  const char *sets[1] = {set};
  size_t n_sets = 0;
  if (size > 5 && memcmp(data, "#set ", 5) == 0) {
    const uint8_t *nl = memchr(data, '\n', size);
    size_t len = nl ? (size_t)(nl - data) - 5 : size - 5;
    if (len < sizeof set && !memchr(data + 5, '\0', len)) {
      memcpy(set, data + 5, len);
      set[len] = '\0';
      n_sets = 1;
    }
  }
  brink_diag_list diags;
  brink_diag_list_init(&diags, ctx);
  brink_scenario *sc = NULL, *again = NULL;
  brink_buf d1, d2;
  brink_buf_init(&d1, ctx, 0);
  brink_buf_init(&d2, ctx, 0);
  brink_status st = brink_scenario_load_string(ctx, NULL, text, size, sets, n_sets, &diags, &sc);
  if (st == BRINK_OK) {
    if (brink_scenario_dump(ctx, sc, &d1)) abort();
    if (brink_scenario_load_string(ctx, NULL, d1.data, d1.len, NULL, 0, NULL, &again)) abort();
    if (brink_scenario_dump(ctx, again, &d2)) abort();
    if (d1.len != d2.len || memcmp(d1.data, d2.data, d1.len) != 0) abort();
  } else if (st == BRINK_EPARSE && diags.n == 0) {
    abort(); /* a refusal always says why */
  }
  brink_buf_release(&d1);
  brink_buf_release(&d2);
  brink_scenario_free(sc);
  brink_scenario_free(again);
  brink_diag_list_release(&diags);
  if (brink_ctx_bytes_in_use(ctx) != 0) abort();
  brink_ctx_free(ctx);
  return 0;
}
