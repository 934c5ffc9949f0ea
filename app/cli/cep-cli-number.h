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

/* A numeric flag of a flags struct, read as text: its GOptionEntry stores the text, and
 * cep_cli_number_parse_specs() writes the checked value into the struct's int or double at
 * @offset. The field keeps what it had (the "not given" value) when the flag is absent. */
typedef struct
{
  const char *name;          /* without the dashes: "weight-decay" */
  const char *help;
  const char *arg;           /* the value's name in --help: "W" */
  gboolean    whole;         /* an int field in [min, max]; else a double */
  gsize       offset;
  double      min;
  double      max;
  gboolean    min_open;      /* doubles: min itself is not allowed */
  gboolean    max_open;
} CepCliNumberSpec;

/* Appends one string entry per spec, storing into @texts[i]. */
void     cep_cli_number_add_entries (const CepCliNumberSpec  *specs,
                                     guint                    n_specs,
                                     char                   **texts,
                                     GArray                  *entries);
/* Checks every text given and stores it into @flags; the first bad one is the error. */
gboolean cep_cli_number_parse_specs (const CepCliNumberSpec  *specs,
                                     guint                    n_specs,
                                     char * const            *texts,
                                     gpointer                 flags,
                                     GError                 **error);
void     cep_cli_number_clear_texts (char                   **texts,
                                     guint                    n_texts);

G_END_DECLS
