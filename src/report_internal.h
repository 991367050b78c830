/* SPDX-License-Identifier: MIT */
/* Shared inside the report module: the JSON tree read with libfyaml, number formatting of
 * the HTML tables, and the chart palette. */
#ifndef BRINK_REPORT_INTERNAL_H
#define BRINK_REPORT_INTERNAL_H

#include "brink/report.h"
#include "internal.h"

/* Formats v with "%.*f" (after scaling by scale) into out; "-0.00" becomes "0.00"; with
 * sign, positive values get a '+'. NAN is "n/a". */
void brink__report_fixed(double v, double scale, int decimals, int sign, char *out, size_t size);

/* Appends src[0..n) base64-encoded (RFC 4648, with padding). */
brink_status brink__report_base64(brink_buf *out, const unsigned char *src, size_t n);

/* The same in pieces, for bytes that arrive as they are made (a chart from cairo): feed each
 * piece, then end; out receives exactly what brink__report_base64 gives for the whole. Start
 * from a zeroed brink__base64. */
typedef struct brink__base64 {
  unsigned char carry[3]; /* bytes of an incomplete group of three */
  size_t n_carry;
} brink__base64;
brink_status brink__report_base64_feed(brink__base64 *enc, brink_buf *out, const unsigned char *src,
                                       size_t n);
brink_status brink__report_base64_end(brink__base64 *enc, brink_buf *out);

/* Receives the bytes of a chart as cairo writes them; a failure stops the drawing and is
 * returned by brink__chart_render_to. */
typedef brink_status (*brink__chart_write_fn)(void *closure, const unsigned char *data, size_t len);

/* brink_chart_render with the bytes handed to write instead of a buffer; on failure part of
 * the chart may have been written. */
brink_status brink__chart_render_to(brink_ctx *ctx, const brink_result *res,
                                    const brink_chart_options *opts, brink__chart_write_fn write,
                                    void *closure);

#endif
