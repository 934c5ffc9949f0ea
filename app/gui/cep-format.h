/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-format.h: numbers and durations as people read them in labels.
 *
 * Presentation only: grouping digits, choosing units. No statistics are computed here.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "71,600" */
char *cep_format_count     (guint64 value);
/* "4 min 12 s", "2.31 s", "1 h 03 min" */
char *cep_format_duration  (double  seconds);
/* "1.42 M", "18.9 k", "512" */
char *cep_format_short     (double  value);
/* "85.3 %" for a fraction, "–" for NaN */
char *cep_format_percent   (double  fraction);

G_END_DECLS
