/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-number.h: numeric flags read as text and checked against their range, so that a bad
 * value is a usage error naming the flag, never silently the default (GOption's int and double
 * arguments cannot tell "-1" from "not given", and take "nan").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A whole number in [@min, @max]: "--batch: expected a whole number in [1, 4294967295], not
 * “-1”" (G_OPTION_ERROR_BAD_VALUE). */
gboolean cep_cli_number_uint   (const char  *flag,
                                const char  *text,
                                guint64      min,
                                guint64      max,
                                guint64     *value,
                                GError     **error);
/* A finite number in the interval given by @min, @max and whether each end is included. */
gboolean cep_cli_number_double (const char  *flag,
                                const char  *text,
                                double       min,
                                gboolean     min_included,
                                double       max,
                                gboolean     max_included,
                                double      *value,
                                GError     **error);

G_END_DECLS
