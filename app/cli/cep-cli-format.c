/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-format.c: see cep-cli-format.h.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli-format.h"

char *
cep_cli_format_count (guint64 value)
{
  /* The ' flag (POSIX, glibc) groups digits as LC_NUMERIC says; in the C locale it adds
   * nothing, so scripts that parse a table under LC_ALL=C see plain digits. */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, value);
}

char *
cep_cli_format_cell (const char *text,
                     int         width)
{
  glong length = g_utf8_strlen (text, -1);
  glong wanted = ABS (width);
  g_autofree char *padding = NULL;

  if (length >= wanted)
    return g_strdup (text);
  padding = g_strnfill ((gsize) (wanted - length), ' ');
  return width > 0 ? g_strconcat (padding, text, NULL) : g_strconcat (text, padding, NULL);
}

char *
cep_cli_format_row (const char * const *cells,
                    const int          *widths,
                    guint               n_cells)
{
  GString *row = g_string_new (NULL);

  for (guint i = 0; i < n_cells; i++)
    {
      g_autofree char *cell = cep_cli_format_cell (cells[i], widths[i]);

      if (i > 0)
        g_string_append_c (row, ' ');
      g_string_append (row, cell);
    }
  return g_string_free (row, FALSE);
}
