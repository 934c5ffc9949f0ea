/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-demo-prompts.c: reading prompts.tsv.
 */
#define G_LOG_DOMAIN "cepstra-demo-prompts"

#include "cep-demo-prompts.h"

#include <string.h>

#include "cep-demo-resources.h"

G_DEFINE_QUARK (cep-demo-prompts-error-quark, cep_demo_prompts_error)

#define CEP_DEMO_PROMPTS_RESOURCE "/io/github/cepstra/Cepstra/demo/prompts.tsv"
#define CEP_DEMO_PROMPTS_HEADER "id\tvoice\trate\tpartition\ttext"

void
cep_demo_prompt_free (CepDemoPrompt *prompt)
{
  if (prompt == NULL)
    return;
  g_free (prompt->id);
  g_free (prompt->voice);
  g_free (prompt->partition);
  g_free (prompt->text);
  g_free (prompt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepDemoPrompt, cep_demo_prompt_free)

static gboolean
is_safe_name (const char *name)
{
  if (name[0] == '\0' || name[0] == '-')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
is_clean_text (const char *text)
{
  if (text[0] == '\0' || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      return FALSE;
  return TRUE;
}

static gboolean
parse_rate (const char *field,
            guint      *rate)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (field, 10, 1, 1000, &value, NULL))
    return FALSE;
  *rate = (guint) value;
  return TRUE;
}

static CepDemoPrompt *
parse_row (const char  *line,
           const char  *where,
           GError     **error)
{
  g_auto(GStrv) fields = g_strsplit (line, "\t", -1);
  g_autoptr(CepDemoPrompt) prompt = g_new0 (CepDemoPrompt, 1);

  if (g_strv_length (fields) != 5 || !is_safe_name (fields[0]) || fields[1][0] == '\0'
      || !parse_rate (fields[2], &prompt->rate) || !is_safe_name (fields[3])
      || !is_clean_text (fields[4]))
    {
      g_set_error (error, CEP_DEMO_PROMPTS_ERROR, CEP_DEMO_PROMPTS_ERROR_PARSE,
                   "%s: expected id, voice, rate, partition and text separated by tabs "
                   "(id and partition of letters, digits, '-' and '_')", where);
      return NULL;
    }
  prompt->id = g_strdup (fields[0]);
  prompt->voice = g_strdup (fields[1]);
  prompt->partition = g_strdup (fields[3]);
  prompt->text = g_strdup (fields[4]);
  return g_steal_pointer (&prompt);
}

static gboolean
check_header (char        **lines,
              const char   *name,
              GError      **error)
{
  if (lines[0] != NULL && strcmp (g_strchomp (lines[0]), CEP_DEMO_PROMPTS_HEADER) == 0)
    return TRUE;
  g_set_error (error, CEP_DEMO_PROMPTS_ERROR, CEP_DEMO_PROMPTS_ERROR_PARSE,
               "%s:1: the header must be '%s'", name, "id voice rate partition text");
  return FALSE;
}

GPtrArray *
cep_demo_prompts_parse (const char  *text,
                        gsize        length,
                        const char  *name,
                        GError     **error)
{
  g_autoptr(GPtrArray) prompts = g_ptr_array_new_with_free_func (
    (GDestroyNotify) cep_demo_prompt_free);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *copy = g_strndup (text, length);
  g_auto(GStrv) lines = g_strsplit (copy, "\n", -1);

  if (!check_header (lines, name, error))
    return NULL;
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_autofree char *where = g_strdup_printf ("%s:%u", name, i + 1);
      CepDemoPrompt *prompt;

      if (g_strchomp (lines[i])[0] == '\0')
        continue;
      if ((prompt = parse_row (lines[i], where, error)) == NULL)
        return NULL;
      g_ptr_array_add (prompts, prompt);
      if (!g_hash_table_add (ids, prompt->id))
        {
          g_set_error (error, CEP_DEMO_PROMPTS_ERROR, CEP_DEMO_PROMPTS_ERROR_DUPLICATE,
                       "%s: id %s is used twice", where, prompt->id);
          return NULL;
        }
    }
  return g_steal_pointer (&prompts);
}

GPtrArray *
cep_demo_prompts_load (const char  *path,
                       GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  gsize length;

  if (path == NULL)
    {
      const char *data;

      bytes = g_resource_lookup_data (cep_demo_get_resource (), CEP_DEMO_PROMPTS_RESOURCE, 0,
                                      error);
      if (bytes == NULL)
        return NULL;
      data = g_bytes_get_data (bytes, &length);
      return cep_demo_prompts_parse (data, length, "prompts.tsv", error);
    }
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  name = g_path_get_basename (path);
  return cep_demo_prompts_parse (contents, length, name, error);
}

gboolean
cep_demo_partition_is_labelled (const char *partition)
{
  return !g_str_has_prefix (partition, "test");
}
