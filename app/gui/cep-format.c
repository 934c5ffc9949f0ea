/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-format.c: human-readable numbers for labels.
 *
 * Owns wording and units only.
 */
#define G_LOG_DOMAIN "cepstra-format"

#include "cep-format.h"

#include <math.h>
#include <string.h>

char *
cep_format_count (guint64 value)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, value);
  GString *out = g_string_new (NULL);
  gsize n = strlen (digits);

  for (gsize i = 0; i < n; i++)
    {
      if (i > 0 && (n - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

char *
cep_format_duration (double seconds)
{
  if (!isfinite (seconds) || seconds < 0)
    return g_strdup ("–");
  if (seconds < 60)
    return g_strdup_printf ("%.2f s", seconds);
  if (seconds < 3600)
    return g_strdup_printf ("%u min %02u s", (guint) (seconds / 60), (guint) fmod (seconds, 60));
  return g_strdup_printf ("%u h %02u min", (guint) (seconds / 3600),
                          (guint) fmod (seconds / 60, 60));
}

char *
cep_format_short (double value)
{
  double magnitude = fabs (value);

  if (!isfinite (value))
    return g_strdup ("–");
  if (magnitude >= 1e9)
    return g_strdup_printf ("%.2f G", value / 1e9);
  if (magnitude >= 1e6)
    return g_strdup_printf ("%.2f M", value / 1e6);
  if (magnitude >= 1e4)
    return g_strdup_printf ("%.1f k", value / 1e3);
  if (magnitude >= 100 || magnitude == floor (magnitude))
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.3g", value);
}

char *
cep_format_percent (double fraction)
{
  if (!isfinite (fraction))
    return g_strdup ("–");
  return g_strdup_printf ("%.1f %%", fraction * 100);
}
