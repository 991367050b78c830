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

#endif
