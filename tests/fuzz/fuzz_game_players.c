/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the players-list parser (brink game --players / --players-file): any
 * bytes through brink_game_players_parse. A success must give 1..4096 valid strategy indices
 * that parse back from their names; a failure must leave a message; nothing may leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "brink/game.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  brink_ctx *ctx = NULL;
  if (brink_ctx_new(&ctx)) return 0;
  size_t *list = NULL, n = 0;
  brink_status st = brink_game_players_parse(ctx, (const char *)data, size, "fuzz.txt", &list, &n);
  if (st == BRINK_OK) {
    if (n < 1 || n > 4096 || !list) abort();
    for (size_t i = 0; i < n; i++) {
      const brink_game_strategy *s = brink_game_strategy_at(list[i]);
      if (!s) abort();
      size_t again = SIZE_MAX;
      if (brink_game_strategy_find(ctx, s->name, &again) || again != list[i]) abort();
    }
  } else {
    if (list || n || !brink_ctx_errmsg(ctx)[0]) abort();
  }
  brink_free(ctx, list);
  if (brink_ctx_bytes_in_use(ctx) != 0) abort();
  brink_ctx_free(ctx);
  return 0;
}
