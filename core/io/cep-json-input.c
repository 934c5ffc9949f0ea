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

/* Member names seen per object while parsing, and the first name seen twice. */
typedef struct
{
  GHashTable *names_of;    /* JsonObject * → GHashTable of names */
  char       *duplicate;
} DuplicateWatch;

static void
on_object_member (JsonParser     *parser,
                  JsonObject     *object,
                  const char     *member,
                  DuplicateWatch *watch)
{
  GHashTable *names = g_hash_table_lookup (watch->names_of, object);

  if (names == NULL)
    {
      names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (watch->names_of, object, names);
    }
  if (!g_hash_table_add (names, g_strdup (member)) && watch->duplicate == NULL)
    watch->duplicate = g_strdup (member);
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
  DuplicateWatch watch = { NULL, NULL };
  gulong handler;
  gboolean parsed;

  g_return_val_if_fail (JSON_IS_PARSER (parser), FALSE);

  if (!cep_json_input_check (text, length, name, max_bytes, error))
    return FALSE;
  watch.names_of = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                          (GDestroyNotify) g_hash_table_unref);
  handler = g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &watch);
  parsed = json_parser_load_from_data (parser, text, length, &local_error);
  g_signal_handler_disconnect (parser, handler);
  g_hash_table_unref (watch.names_of);
  if (!parsed)
    g_set_error (error, CEP_JSON_INPUT_ERROR, CEP_JSON_INPUT_ERROR_SYNTAX,
                 "%s: not valid JSON: %s", name, local_error->message);
  else if (watch.duplicate != NULL)
    g_set_error (error, CEP_JSON_INPUT_ERROR, CEP_JSON_INPUT_ERROR_DUPLICATE,
                 "%s: the member “%s” appears twice in one object", name, watch.duplicate);
  parsed = parsed && watch.duplicate == NULL;
  g_free (watch.duplicate);
  return parsed;
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
