/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-json-writer.c: streaming JSON output with shortest round-trip doubles.
 *
 * Owns separators, indentation, string escaping and number formatting. It must not validate
 * the document's structure beyond what its own stack needs: callers pair begin/end calls.
 */
#define G_LOG_DOMAIN "cepstra-json"

#include "cep-json-writer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct
{
  gboolean is_object;
  gboolean inline_items;
  guint    n_items;
} Frame;

struct _CepJsonWriter
{
  GString  *out;
  GArray   *stack;   /* of Frame */
  gboolean  pretty;
};

CepJsonWriter *
cep_json_writer_new (gboolean pretty)
{
  CepJsonWriter *writer = g_new0 (CepJsonWriter, 1);

  writer->out = g_string_new (NULL);
  writer->stack = g_array_new (FALSE, TRUE, sizeof (Frame));
  writer->pretty = pretty;
  return writer;
}

void
cep_json_writer_free (CepJsonWriter *writer)
{
  if (writer == NULL)
    return;
  g_string_free (writer->out, TRUE);
  g_array_unref (writer->stack);
  g_free (writer);
}

char *
cep_json_writer_finish (CepJsonWriter *writer)
{
  char *text;

  g_return_val_if_fail (writer != NULL, NULL);
  g_warn_if_fail (writer->stack->len == 0);

  if (writer->pretty)
    g_string_append_c (writer->out, '\n');
  text = g_string_free (writer->out, FALSE);
  g_array_unref (writer->stack);
  g_free (writer);
  return text;
}

static Frame *
top_frame (CepJsonWriter *writer)
{
  if (writer->stack->len == 0)
    return NULL;
  return &g_array_index (writer->stack, Frame, writer->stack->len - 1);
}

static void
new_line (CepJsonWriter *writer,
          guint          depth)
{
  g_string_append_c (writer->out, '\n');
  for (guint i = 0; i < depth; i++)
    g_string_append (writer->out, "  ");
}

/* The comma and line break that precede an item of the innermost container. */
static void
separate_item (CepJsonWriter *writer)
{
  Frame *frame = top_frame (writer);

  if (frame == NULL)
    return;
  if (frame->n_items > 0)
    g_string_append_c (writer->out, ',');
  if (writer->pretty && !frame->inline_items)
    new_line (writer, writer->stack->len);
  else if (frame->n_items > 0)
    g_string_append_c (writer->out, ' ');
  frame->n_items++;
}

/* Object members were separated by cep_json_writer_member(); array items are here. */
static void
before_value (CepJsonWriter *writer)
{
  Frame *frame = top_frame (writer);

  if (frame != NULL && !frame->is_object)
    separate_item (writer);
}

/* A container inside an inline one is inline too. */
static void
begin_container (CepJsonWriter *writer,
                 gboolean       is_object,
                 gboolean       inline_items)
{
  Frame *parent = top_frame (writer);
  Frame frame = { is_object, inline_items || (parent != NULL && parent->inline_items), 0 };

  before_value (writer);
  g_string_append_c (writer->out, is_object ? '{' : '[');
  g_array_append_val (writer->stack, frame);
}

static void
end_container (CepJsonWriter *writer,
               gboolean       is_object)
{
  Frame *frame = top_frame (writer);

  g_return_if_fail (frame != NULL && frame->is_object == is_object);

  if (writer->pretty && !frame->inline_items && frame->n_items > 0)
    new_line (writer, writer->stack->len - 1);
  g_array_set_size (writer->stack, writer->stack->len - 1);
  g_string_append_c (writer->out, is_object ? '}' : ']');
}

void
cep_json_writer_begin_object (CepJsonWriter *writer)
{
  begin_container (writer, TRUE, FALSE);
}

void
cep_json_writer_begin_inline_object (CepJsonWriter *writer)
{
  begin_container (writer, TRUE, TRUE);
}

void
cep_json_writer_end_object (CepJsonWriter *writer)
{
  end_container (writer, TRUE);
}

void
cep_json_writer_begin_array (CepJsonWriter *writer,
                             gboolean       inline_array)
{
  begin_container (writer, FALSE, inline_array);
}

void
cep_json_writer_end_array (CepJsonWriter *writer)
{
  end_container (writer, FALSE);
}

static void
append_escaped (GString    *out,
                const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

void
cep_json_writer_member (CepJsonWriter *writer,
                        const char    *name)
{
  Frame *frame = top_frame (writer);

  g_return_if_fail (frame != NULL && frame->is_object);
  g_return_if_fail (name != NULL);

  separate_item (writer);
  append_escaped (writer->out, name);
  g_string_append (writer->out, ": ");
}

void
cep_json_writer_string (CepJsonWriter *writer,
                        const char    *value)
{
  before_value (writer);
  if (value == NULL)
    g_string_append (writer->out, "null");
  else
    append_escaped (writer->out, value);
}

const char *
cep_json_format_double (double  value,
                        char   *buffer)
{
  char format[8];
  int precision, exponent;

  if (!isfinite (value))
    return strcpy (buffer, "null");

  /* The fewest significant digits that read back exactly... */
  for (precision = 1; precision < 17; precision++)
    {
      g_snprintf (format, sizeof format, "%%.%de", precision - 1);
      g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  g_snprintf (format, sizeof format, "%%.%de", precision - 1);
  g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, format, value);
  exponent = atoi (strchr (buffer, 'e') + 1);
  /* ...written as Python's repr() does: positional for 1e-4 <= |value| < 1e16. */
  if (exponent >= -4 && exponent < 16)
    g_snprintf (format, sizeof format, "%%.%df", MAX (precision - 1 - exponent, 0));
  else
    g_snprintf (format, sizeof format, "%%.%dg", precision);
  g_ascii_formatd (buffer, G_ASCII_DTOSTR_BUF_SIZE, format, value);
  if (strpbrk (buffer, ".eE") == NULL)
    strcat (buffer, ".0");
  return buffer;
}

void
cep_json_writer_double (CepJsonWriter *writer,
                        double         value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE + 4];

  before_value (writer);
  g_string_append (writer->out, cep_json_format_double (value, buffer));
}

void
cep_json_writer_int (CepJsonWriter *writer,
                     gint64         value)
{
  before_value (writer);
  g_string_append_printf (writer->out, "%" G_GINT64_FORMAT, value);
}

void
cep_json_writer_uint (CepJsonWriter *writer,
                      guint64        value)
{
  before_value (writer);
  g_string_append_printf (writer->out, "%" G_GUINT64_FORMAT, value);
}

void
cep_json_writer_boolean (CepJsonWriter *writer,
                         gboolean       value)
{
  before_value (writer);
  g_string_append (writer->out, value ? "true" : "false");
}

void
cep_json_writer_null (CepJsonWriter *writer)
{
  before_value (writer);
  g_string_append (writer->out, "null");
}

void
cep_json_writer_embed (CepJsonWriter *writer,
                       const char    *json)
{
  gsize length;

  g_return_if_fail (writer != NULL);
  g_return_if_fail (json != NULL);

  length = strlen (json);
  while (length > 0 && json[length - 1] == '\n')
    length--;
  before_value (writer);
  for (gsize i = 0; i < length; i++)
    if (json[i] == '\n' && writer->pretty)
      new_line (writer, writer->stack->len);
    else if (json[i] == '\n')
      g_string_append_c (writer->out, ' ');
    else
      g_string_append_c (writer->out, json[i]);
}
