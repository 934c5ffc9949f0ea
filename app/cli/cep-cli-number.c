/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-number.c: range-checked numeric flags. Owns the wording of their errors.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli-number.h"

#include <errno.h>
#include <math.h>

static gboolean
bad_value (const char  *flag,
           const char  *expected,
           const char  *text,
           GError     **error)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: expected %s, not “%s”",
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
  g_autofree char *expected = g_strdup_printf ("a whole number in [%" G_GUINT64_FORMAT ", %"
                                               G_GUINT64_FORMAT "]", min, max);
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
  g_autofree char *expected = g_strdup_printf ("a number in %c%g, %g%c", min_included ? '[' : '(',
                                               min, max, max_included ? ']' : ')');
  char *end = NULL;
  double parsed;

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
