/* SPDX-License-Identifier: MIT */
/* Shared by the engine and the merging of its partial summaries (src/engine_merge.c). */
#ifndef BRINK_ENGINE_INTERNAL_H
#define BRINK_ENGINE_INTERNAL_H

#include "brink/engine.h"

/* An empty summary for the options' block of runs (histogram sizes from the model's horizon).
 * New summary, caller frees with brink_summary_free. */
brink_status brink__summary_alloc(brink_ctx *ctx, const brink_model *model,
                                  const brink_engine_options *options, brink_summary **out);

#endif
