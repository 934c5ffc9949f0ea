/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-json-input.c: bounding untrusted JSON before json-glib parses it. Owns the depth scan
 * (brackets outside strings, escapes skipped); must not interpret the document.
 */
#define G_LOG_DOMAIN "cepstra-io"

#include "cep-json-input.h"

#include <string.h>

G_DEFINE_QUARK (cep-json-input-error-quark, cep_json_input_error)

/* The deepest nesting of [ and { outside strings; stops counting once past @limit. */
static guint
nesting_depth (const char *text,
               gsize       length,
               guint       limit)
{
  guint depth = 0, deepest = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length && deepest <= limit; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          depth++;
          deepest = MAX (deepest, depth);
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return deepest;
}

gboolean
cep_json_input_check (const char  *text,
                      gssize       length,
                      const char  *name,
                      gsize        max_bytes,
                      GError     **error)
{
  gsize size;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  size = length < 0 ? strlen (text) : (gsize) length;
  if (size > max_bytes)
    {
      g_set_error (error, CEP_JSON_INPUT_ERROR, CEP_JSON_INPUT_ERROR_TOO_LARGE,
                   "%s: the JSON is %" G_GSIZE_FORMAT " bytes, more than the limit of %"
                   G_GSIZE_FORMAT " bytes", name, size, max_bytes);
      return FALSE;
    }
  if (nesting_depth (text, size, CEP_JSON_MAX_DEPTH) > CEP_JSON_MAX_DEPTH)
    {
      g_set_error (error, CEP_JSON_INPUT_ERROR, CEP_JSON_INPUT_ERROR_TOO_DEEP,
                   "%s: the JSON is nested more than %u levels deep (the limit)", name,
                   CEP_JSON_MAX_DEPTH);
      return FALSE;
    }
  return TRUE;
}

gboolean
cep_json_input_load (JsonParser  *parser,
                     const char  *text,
                     gssize       length,
                     const char  *name,
                     gsize        max_bytes,
                     GError     **error)
{
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (JSON_IS_PARSER (parser), FALSE);

  if (!cep_json_input_check (text, length, name, max_bytes, error))
    return FALSE;
  if (json_parser_load_from_data (parser, text, length, &local_error))
    return TRUE;
  g_set_error (error, CEP_JSON_INPUT_ERROR, CEP_JSON_INPUT_ERROR_SYNTAX, "%s: not valid JSON: %s",
               name, local_error->message);
  return FALSE;
}

const char *
cep_json_string_member (JsonObject *object,
                        const char *member,
                        const char *fallback)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return fallback;
  return json_node_get_string (node);
}
