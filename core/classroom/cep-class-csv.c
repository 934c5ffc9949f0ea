/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-class-csv.c: the class table as CSV, for grading in a spreadsheet — what the window's
 * export and `cepstra-cli class --csv` write. Numbers in the C locale; text cells quoted
 * when they must be, and a cell a spreadsheet would take for a formula (a student named
 * "=cmd|…") starts with an apostrophe.
 */
#define G_LOG_DOMAIN "cepstra-classroom"

#include "cep-class.h"

#include "cep-atomic-file.h"

#include <math.h>
#include <string.h>

static const char *columns[] = {
  "file", "student", "assignment", "model", "parameters", "optimizer", "lr", "batch_size",
  "epochs", "epochs_done", "context_past", "context_future", "metric", "claimed", "measured",
  "training_seconds", "flags", "reasons",
};

static void
append_text (GString    *line,
             const char *text)
{
  gboolean formula = text != NULL && text[0] != '\0' && strchr ("=+-@\t\r", text[0]) != NULL;
  gboolean quote = text != NULL && (formula || strpbrk (text, ",\"\n\r") != NULL);

  if (text == NULL)
    return;
  if (quote)
    g_string_append_c (line, '"');
  if (formula)
    g_string_append_c (line, '\'');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  if (quote)
    g_string_append_c (line, '"');
}

static void
append_double (GString *line,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isnan (value))
    g_string_append (line, g_ascii_formatd (buffer, sizeof buffer, "%.6g", value));
}

static char *
join_flags (CepClassFlags flags)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint bit = 0; bit < 32; bit++)
    if (flags & (1u << bit))
      {
        if (text->len > 0)
          g_string_append_c (text, ';');
        g_string_append (text, cep_class_flag_get_name ((CepClassFlags) (1u << bit)));
      }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
append_row (GString           *csv,
            const CepClassRow *row)
{
  g_autofree char *flags = join_flags (row->flags);
  g_autofree char *reasons = g_strjoinv (" | ", row->reasons);

  append_text (csv, row->file);
  g_string_append_c (csv, ',');
  append_text (csv, row->student);
  g_string_append_c (csv, ',');
  append_text (csv, row->assignment_title);
  g_string_append_c (csv, ',');
  append_text (csv, row->model);
  g_string_append_printf (csv, ",%" G_GUINT64_FORMAT ",", row->parameters);
  append_text (csv, row->optimizer);
  g_string_append_c (csv, ',');
  append_double (csv, row->lr);
  g_string_append_printf (csv, ",%u,%u,%u,%u,%u,", row->batch_size, row->epochs,
                          row->epochs_done, row->context_past, row->context_future);
  append_text (csv, row->metric);
  g_string_append_c (csv, ',');
  append_double (csv, row->claimed);
  g_string_append_c (csv, ',');
  append_double (csv, row->measured);
  g_string_append_c (csv, ',');
  append_double (csv, row->training_seconds);
  g_string_append_c (csv, ',');
  append_text (csv, flags);
  g_string_append_c (csv, ',');
  append_text (csv, reasons);
  g_string_append_c (csv, '\n');
}

char *
cep_class_to_csv (CepClass *self)
{
  GString *csv = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    g_string_append_printf (csv, "%s%s", i > 0 ? "," : "", columns[i]);
  g_string_append_c (csv, '\n');
  for (guint i = 0; i < cep_class_get_n_rows (self); i++)
    append_row (csv, cep_class_get_row (self, i));
  return g_string_free (csv, FALSE);
}

gboolean
cep_class_write_csv (CepClass    *self,
                     const char  *path,
                     GError     **error)
{
  g_autofree char *csv = cep_class_to_csv (self);

  return cep_atomic_file_set_contents (path, csv, strlen (csv), error);
}
