/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-number.c: range-checked numeric flags. Owns the wording of their errors.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli-number.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>

static gboolean
bad_value (const char  *flag,
           const char  *expected,
           const char  *text,
           GError     **error)
{
  /* Translators: "--epochs: expected a whole number in [1, 100000], not “x”". */
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("%s: expected %s, not “%s”"),
               flag, expected, text);
  return FALSE;
}

gboolean
cep_cli_number_uint (const char  *flag,
                     const char  *text,
                     guint64      min,
                     guint64      max,
                     guint64     *value,
                     GError     **error)
{
  /* The bounds are written as the flag is typed (no digit grouping), whatever the locale. */
  g_autofree char *min_text = g_strdup_printf ("%" G_GUINT64_FORMAT, min);
  g_autofree char *max_text = g_strdup_printf ("%" G_GUINT64_FORMAT, max);
  g_autofree char *expected = g_strdup_printf (_("a whole number in [%s, %s]"), min_text,
                                               max_text);
  guint64 parsed;

  /* g_ascii_string_to_unsigned refuses signs, spaces, fractions and overflow. */
  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, min, max, &parsed, NULL))
    return bad_value (flag, expected, text != NULL ? text : "", error);
  *value = parsed;
  return TRUE;
}

gboolean
cep_cli_number_double (const char  *flag,
                       const char  *text,
                       double       min,
                       gboolean     min_included,
                       double       max,
                       gboolean     max_included,
                       double      *value,
                       GError     **error)
{
  /* Bounds with a decimal point in every locale: that is how the flag must be typed. */
  char min_text[G_ASCII_DTOSTR_BUF_SIZE], max_text[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *expected = NULL;
  char *end = NULL;
  double parsed;

  g_ascii_formatd (min_text, sizeof min_text, "%g", min);
  g_ascii_formatd (max_text, sizeof max_text, "%g", max);
  /* Translators: the first and last %c are "[" or "(", "]" or ")"; the interval's bounds. */
  expected = g_strdup_printf (_("a number in %c%s, %s%c"), min_included ? '[' : '(', min_text,
                              max_text, max_included ? ']' : ')');

  if (text == NULL || *text == '\0')
    return bad_value (flag, expected, "", error);
  errno = 0;
  parsed = g_ascii_strtod (text, &end);
  if (*end != '\0' || errno == ERANGE || !isfinite (parsed)
      || (min_included ? parsed < min : parsed <= min)
      || (max_included ? parsed > max : parsed >= max))
    return bad_value (flag, expected, text, error);
  *value = parsed;
  return TRUE;
}

void
cep_cli_number_add_entries (const CepCliNumberSpec  *specs,
                            guint                    n_specs,
                            char                   **texts,
                            GArray                  *entries)
{
  for (guint i = 0; i < n_specs; i++)
    {
      GOptionEntry entry = { specs[i].name, 0, 0, G_OPTION_ARG_STRING, &texts[i],
                             specs[i].help, specs[i].arg };
      g_array_append_val (entries, entry);
    }
}

gboolean
cep_cli_number_parse_specs (const CepCliNumberSpec  *specs,
                            guint                    n_specs,
                            char * const            *texts,
                            gpointer                 flags,
                            GError                 **error)
{
  for (guint i = 0; i < n_specs; i++)
    {
      const CepCliNumberSpec *spec = &specs[i];
      g_autofree char *flag = g_strconcat ("--", spec->name, NULL);
      gpointer field = G_STRUCT_MEMBER_P (flags, spec->offset);
      guint64 whole;

      if (texts[i] == NULL)
        continue;
      if (spec->whole)
        {
          if (!cep_cli_number_uint (flag, texts[i], (guint64) spec->min, (guint64) spec->max,
                                    &whole, error))
            return FALSE;
          *(int *) field = (int) whole;
        }
      else if (!cep_cli_number_double (flag, texts[i], spec->min, !spec->min_open, spec->max,
                                       !spec->max_open, field, error))
        return FALSE;
    }
  return TRUE;
}

void
cep_cli_number_clear_texts (char  **texts,
                            guint   n_texts)
{
  for (guint i = 0; i < n_texts; i++)
    g_clear_pointer (&texts[i], g_free);
}
