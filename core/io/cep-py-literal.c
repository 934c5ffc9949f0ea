/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-py-literal.c: a recursive-descent parser for the Python literals in .npy headers.
 *
 * Owns the grammar (see cep-py-literal.h); one function per production. It must not know
 * about .npy keys or dtypes. Input is untrusted: every read is bounds-checked, nesting is
 * limited, and integers never wrap.
 */
#define G_LOG_DOMAIN "cepstra-io"

#include "cep-py-literal.h"

#include <stdarg.h>
#include <string.h>

typedef struct
{
  const char *text;
  gsize       length;
  gsize       pos;
  guint       depth;
  char       *message;
} CepPyParser;

static CepPyValue *parse_value (CepPyParser *parser);

static int
peek (const CepPyParser *parser)
{
  if (parser->pos >= parser->length)
    return -1;
  return (guchar) parser->text[parser->pos];
}

/* Records the first failure (with its offset) and returns NULL, so productions can
 * `return fail (...)`. Later failures while unwinding are ignored. */
G_GNUC_PRINTF (2, 3)
static gpointer
fail (CepPyParser *parser,
      const char  *format,
      ...)
{
  va_list args;
  g_autofree char *what = NULL;

  if (parser->message != NULL)
    return NULL;
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  parser->message = g_strdup_printf ("%s at offset %" G_GSIZE_FORMAT, what, parser->pos);
  return NULL;
}

/* Describes the character at the cursor for a message, without printing raw bytes. */
static gpointer
fail_unexpected (CepPyParser *parser,
                 const char  *expected)
{
  int c = peek (parser);

  if (c < 0)
    return fail (parser, "unexpected end of header, expected %s", expected);
  if (g_ascii_isprint (c))
    return fail (parser, "unexpected '%c', expected %s", c, expected);
  return fail (parser, "unexpected byte 0x%02x, expected %s", (guint) c, expected);
}

static void
skip_space (CepPyParser *parser)
{
  int c;

  while ((c = peek (parser)) == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
    parser->pos++;
}

static CepPyValue *
value_new (CepPyType type)
{
  CepPyValue *value = g_new0 (CepPyValue, 1);

  value->type = type;
  if (type == CEP_PY_TUPLE || type == CEP_PY_LIST || type == CEP_PY_DICT)
    value->items = g_ptr_array_new_with_free_func ((GDestroyNotify) cep_py_value_free);
  if (type == CEP_PY_DICT)
    value->keys = g_ptr_array_new_with_free_func (g_free);
  return value;
}

void
cep_py_value_free (CepPyValue *value)
{
  if (value == NULL)
    return;
  g_free (value->string);
  if (value->items != NULL)
    g_ptr_array_unref (value->items);
  if (value->keys != NULL)
    g_ptr_array_unref (value->keys);
  g_free (value);
}

/* The character after a backslash; only the escapes a header could plausibly hold. */
static gboolean
parse_escape (CepPyParser *parser,
              GString     *out)
{
  int c;

  parser->pos++;
  c = peek (parser);
  switch (c)
    {
    case '\\': case '\'': case '"':
      g_string_append_c (out, (char) c);
      break;
    case 'n':
      g_string_append_c (out, '\n');
      break;
    case 't':
      g_string_append_c (out, '\t');
      break;
    default:
      fail_unexpected (parser, "a supported escape (\\\\ \\' \\\" \\n \\t)");
      return FALSE;
    }
  parser->pos++;
  return TRUE;
}

static CepPyValue *
parse_string (CepPyParser *parser)
{
  int quote = peek (parser);
  gsize start = parser->pos;
  g_autoptr (GString) out = g_string_new (NULL);
  CepPyValue *value;
  int c;

  parser->pos++;
  while ((c = peek (parser)) != quote)
    {
      if (c < 0 || c == '\n')
        {
          parser->pos = start;
          return fail (parser, "unterminated string");
        }
      if (c == '\0')
        return fail (parser, "NUL byte in string");
      if (c == '\\')
        {
          if (!parse_escape (parser, out))
            return NULL;
          continue;
        }
      g_string_append_c (out, (char) c);
      parser->pos++;
    }
  parser->pos++;
  value = value_new (CEP_PY_STRING);
  value->string = g_string_free (g_steal_pointer (&out), FALSE);
  return value;
}

/* Decimal digits with single underscores between them (Python 3.6+), then an optional
 * Python 2 'L' suffix that old NumPy versions wrote into shapes. */
static CepPyValue *
parse_int (CepPyParser *parser)
{
  CepPyValue *value = value_new (CEP_PY_INT);
  gboolean minus = FALSE;
  int c = peek (parser);

  if (c == '-' || c == '+')
    {
      minus = c == '-';
      parser->pos++;
    }
  if (!g_ascii_isdigit (peek (parser)))
    {
      cep_py_value_free (value);
      return fail_unexpected (parser, "a digit");
    }
  while (g_ascii_isdigit (c = peek (parser)) || c == '_')
    {
      parser->pos++;
      if (c == '_')
        {
          if (!g_ascii_isdigit (peek (parser)))
            {
              cep_py_value_free (value);
              return fail_unexpected (parser, "a digit after '_'");
            }
          continue;
        }
      if (value->integer > (G_MAXUINT64 - (guint64) (c - '0')) / 10)
        value->overflow = TRUE;
      else
        value->integer = value->integer * 10 + (guint64) (c - '0');
    }
  if (peek (parser) == 'L' || peek (parser) == 'l')
    parser->pos++;
  value->negative = minus && (value->integer != 0 || value->overflow);
  return value;
}

static CepPyValue *
parse_name (CepPyParser *parser)
{
  gsize start = parser->pos;
  const char *name = parser->text + start;
  gsize length;
  CepPyValue *value;

  while (g_ascii_isalnum (peek (parser)) || peek (parser) == '_')
    parser->pos++;
  length = parser->pos - start;
  if (length == 4 && memcmp (name, "True", 4) == 0)
    {
      value = value_new (CEP_PY_BOOL);
      value->boolean = TRUE;
      return value;
    }
  if (length == 5 && memcmp (name, "False", 5) == 0)
    return value_new (CEP_PY_BOOL);
  if (length == 4 && memcmp (name, "None", 4) == 0)
    return value_new (CEP_PY_NONE);
  parser->pos = start;
  return fail (parser, "unknown name '%.*s'", (int) MIN (length, 32), name);
}

/* One element of @container: a value, or for dicts a "key: value" pair. */
static gboolean
parse_item (CepPyParser *parser,
            CepPyValue  *container)
{
  g_autoptr (CepPyValue) key = NULL;
  CepPyValue *value;

  if (container->type != CEP_PY_DICT)
    {
      value = parse_value (parser);
      if (value != NULL)
        g_ptr_array_add (container->items, value);
      return value != NULL;
    }
  key = parse_value (parser);
  if (key == NULL)
    return FALSE;
  if (key->type != CEP_PY_STRING)
    {
      fail (parser, "dictionary key is %s, not a string", cep_py_type_describe (key->type));
      return FALSE;
    }
  skip_space (parser);
  if (peek (parser) != ':')
    {
      fail_unexpected (parser, "':'");
      return FALSE;
    }
  parser->pos++;
  value = parse_value (parser);
  if (value == NULL)
    return FALSE;
  g_ptr_array_add (container->keys, g_steal_pointer (&key->string));
  g_ptr_array_add (container->items, value);
  return TRUE;
}

/* Items separated by commas up to @close, a trailing comma allowed. */
static gboolean
parse_items (CepPyParser *parser,
             CepPyValue  *container,
             char         close,
             gboolean    *saw_comma)
{
  const char *expected = close == ')' ? "',' or ')'" : close == ']' ? "',' or ']'" : "',' or '}'";

  for (;;)
    {
      skip_space (parser);
      if (peek (parser) == close)
        break;
      if (!parse_item (parser, container))
        return FALSE;
      skip_space (parser);
      if (peek (parser) == close)
        break;
      if (peek (parser) != ',')
        {
          fail_unexpected (parser, expected);
          return FALSE;
        }
      *saw_comma = TRUE;
      parser->pos++;
    }
  parser->pos++;
  return TRUE;
}

/* '{', '[' or '(' at the cursor. "(x)" is x itself; "()" and "(x,)" are tuples. */
static CepPyValue *
parse_container (CepPyParser *parser)
{
  int open = peek (parser);
  CepPyType type = open == '{' ? CEP_PY_DICT : open == '[' ? CEP_PY_LIST : CEP_PY_TUPLE;
  char close = open == '{' ? '}' : open == '[' ? ']' : ')';
  g_autoptr (CepPyValue) container = value_new (type);
  gboolean saw_comma = FALSE;
  gboolean ok;

  if (parser->depth >= CEP_PY_MAX_DEPTH)
    return fail (parser, "nesting deeper than %d levels", CEP_PY_MAX_DEPTH);
  parser->depth++;
  parser->pos++;
  ok = parse_items (parser, container, close, &saw_comma);
  parser->depth--;
  if (!ok)
    return NULL;
  if (type == CEP_PY_TUPLE && container->items->len == 1 && !saw_comma)
    return g_ptr_array_steal_index (container->items, 0);
  return g_steal_pointer (&container);
}

static CepPyValue *
parse_value (CepPyParser *parser)
{
  int c;

  skip_space (parser);
  c = peek (parser);
  if (c == '{' || c == '[' || c == '(')
    return parse_container (parser);
  if (c == '\'' || c == '"')
    return parse_string (parser);
  if (g_ascii_isdigit (c) || c == '-' || c == '+')
    return parse_int (parser);
  if (g_ascii_isalpha (c) || c == '_')
    return parse_name (parser);
  return fail_unexpected (parser, "a value");
}

CepPyValue *
cep_py_literal_parse (const char  *text,
                      gsize        length,
                      char       **message)
{
  CepPyParser parser = { .text = text, .length = length };
  g_autoptr (CepPyValue) value = NULL;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (message != NULL && *message == NULL, NULL);

  value = parse_value (&parser);
  if (value != NULL)
    {
      skip_space (&parser);
      if (parser.pos != parser.length)
        g_clear_pointer (&value, cep_py_value_free);
      if (value == NULL)
        fail_unexpected (&parser, "the end of the header");
    }
  *message = g_steal_pointer (&parser.message);
  return g_steal_pointer (&value);
}

CepPyValue *
cep_py_dict_lookup (const CepPyValue *dict,
                    const char       *key)
{
  g_return_val_if_fail (dict != NULL && dict->type == CEP_PY_DICT, NULL);

  for (guint i = 0; i < dict->keys->len; i++)
    if (strcmp (g_ptr_array_index (dict->keys, i), key) == 0)
      return g_ptr_array_index (dict->items, i);
  return NULL;
}

const char *
cep_py_type_describe (CepPyType type)
{
  switch (type)
    {
    case CEP_PY_STRING: return "a string";
    case CEP_PY_INT: return "an integer";
    case CEP_PY_BOOL: return "a boolean";
    case CEP_PY_NONE: return "None";
    case CEP_PY_TUPLE: return "a tuple";
    case CEP_PY_LIST: return "a list";
    case CEP_PY_DICT: return "a dictionary";
    default: g_assert_not_reached ();
    }
}
