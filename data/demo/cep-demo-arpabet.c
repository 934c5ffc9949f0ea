/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-demo-arpabet.c: the mnemonic -> label table and its lookup rule.
 *
 * Labels are validated against HW1P2's phoneme table when the mapping is parsed and stored as
 * interned canonical spellings, so later stages compare labels by pointer and can never emit
 * a symbol the dataset loader would reject.
 */
#define G_LOG_DOMAIN "cepstra-demo-arpabet"

#include "cep-demo-arpabet.h"

#include <string.h>

#include "cep-demo-resources.h"
#include "cep-phoneme-table.h"

G_DEFINE_QUARK (cep-demo-arpabet-error-quark, cep_demo_arpabet_error)

#define CEP_DEMO_ARPABET_RESOURCE "/io/github/cepstra/Cepstra/demo/espeak-en-us-arpabet.tsv"

/* Stress marks may appear anywhere; modifiers only at the end (DEMO-DATA.md, quirk 4). */
static const char stress_marks[] = "',%=";
static const char trailing_modifiers[] = "#2/;.^-";

struct _CepDemoArpabet
{
  GHashTable *entries;   /* mnemonic (the entry's interned string) -> CepDemoArpabetEntry* */
};

static gboolean
parse_labels (CepDemoArpabetEntry  *entry,
              const char           *field,
              CepPhonemeTable      *table,
              const char           *where,
              GError              **error)
{
  g_auto(GStrv) words = g_strsplit_set (field, " ", -1);
  guint n = 0;

  if (g_strcmp0 (field, "MERGE") == 0)
    return TRUE;
  for (guint i = 0; words[i] != NULL; i++)
    {
      int id;

      if (words[i][0] == '\0')
        continue;
      id = cep_phoneme_table_lookup (table, words[i], -1);
      if (id < 0 || !cep_phoneme_table_is_target (table, id) || n == CEP_DEMO_MAX_LABELS)
        {
          g_set_error (error, CEP_DEMO_ARPABET_ERROR, CEP_DEMO_ARPABET_ERROR_PARSE,
                       "%s: '%s' is not one or two HW1P2 target labels", where, field);
          return FALSE;
        }
      entry->labels[n++] = g_intern_string (cep_phoneme_table_get_name (table, id));
    }
  if (n == 0)
    {
      g_set_error (error, CEP_DEMO_ARPABET_ERROR, CEP_DEMO_ARPABET_ERROR_PARSE,
                   "%s: no label", where);
      return FALSE;
    }
  entry->n_labels = n;
  return TRUE;
}

static gboolean
parse_line (CepDemoArpabet   *self,
            const char       *line,
            CepPhonemeTable  *table,
            const char       *where,
            GError          **error)
{
  g_auto(GStrv) fields = g_strsplit (line, "\t", -1);
  g_autofree CepDemoArpabetEntry *entry = g_new0 (CepDemoArpabetEntry, 1);
  const char *key;

  if (g_strv_length (fields) != 2 || fields[0][0] == '\0'
      || strlen (fields[0]) > 8)
    {
      g_set_error (error, CEP_DEMO_ARPABET_ERROR, CEP_DEMO_ARPABET_ERROR_PARSE,
                   "%s: expected 'mnemonic<TAB>labels'", where);
      return FALSE;
    }
  if (!parse_labels (entry, fields[1], table, where, error))
    return FALSE;
  entry->mnemonic = g_intern_string (fields[0]);
  if (g_hash_table_contains (self->entries, entry->mnemonic))
    {
      g_set_error (error, CEP_DEMO_ARPABET_ERROR, CEP_DEMO_ARPABET_ERROR_PARSE,
                   "%s: mnemonic '%s' listed twice", where, fields[0]);
      return FALSE;
    }
  key = entry->mnemonic;
  g_hash_table_insert (self->entries, (gpointer) key, g_steal_pointer (&entry));
  return TRUE;
}

CepDemoArpabet *
cep_demo_arpabet_new_from_data (const char  *text,
                                gsize        length,
                                const char  *name,
                                GError     **error)
{
  g_autoptr(CepDemoArpabet) self = g_new0 (CepDemoArpabet, 1);
  g_autoptr(CepPhonemeTable) table = cep_phoneme_table_new_default ();
  g_autofree char *copy = g_strndup (text, length);
  g_auto(GStrv) lines = g_strsplit (copy, "\n", -1);
  gboolean header_seen = FALSE;

  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *where = g_strdup_printf ("%s:%u", name, i + 1);
      char *line = g_strchomp (lines[i]);

      if (line[0] == '\0' || line[0] == '#')
        continue;
      if (!header_seen)
        {
          header_seen = TRUE;   /* "mnemonic<TAB>labels" */
          continue;
        }
      if (!parse_line (self, line, table, where, error))
        return NULL;
    }
  return g_steal_pointer (&self);
}

CepDemoArpabet *
cep_demo_arpabet_new_default (GError **error)
{
  g_autoptr(GBytes) bytes = g_resource_lookup_data (cep_demo_get_resource (),
                                                    CEP_DEMO_ARPABET_RESOURCE, 0, error);
  gsize size;
  const char *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  return cep_demo_arpabet_new_from_data (data, size, "espeak-en-us-arpabet.tsv", error);
}

void
cep_demo_arpabet_free (CepDemoArpabet *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_free (self);
}

static void
remove_stress_marks (char *text)
{
  char *out = text;

  for (const char *in = text; *in != '\0'; in++)
    if (strchr (stress_marks, *in) == NULL)
      *out++ = *in;
  *out = '\0';
}

const CepDemoArpabetEntry *
cep_demo_arpabet_lookup (CepDemoArpabet *self,
                         const char     *mnemonic)
{
  const CepDemoArpabetEntry *entry;
  g_autofree char *stripped = NULL;
  gsize length;

  g_return_val_if_fail (self != NULL && mnemonic != NULL, NULL);
  if ((entry = g_hash_table_lookup (self->entries, mnemonic)) != NULL)
    return entry;
  stripped = g_strdup (mnemonic);
  remove_stress_marks (stripped);
  length = strlen (stripped);
  while (length > 0)
    {
      if ((entry = g_hash_table_lookup (self->entries, stripped)) != NULL)
        return entry;
      if (strchr (trailing_modifiers, stripped[length - 1]) == NULL)
        break;
      stripped[--length] = '\0';
    }
  return NULL;
}

const CepDemoArpabetEntry *
cep_demo_arpabet_map (CepDemoArpabet  *self,
                      const char      *mnemonic,
                      GError         **error)
{
  const CepDemoArpabetEntry *entry = cep_demo_arpabet_lookup (self, mnemonic);

  if (entry == NULL)
    g_set_error (error, CEP_DEMO_ARPABET_ERROR, CEP_DEMO_ARPABET_ERROR_UNKNOWN,
                 "espeak-ng phoneme '%s' is not in espeak-en-us-arpabet.tsv", mnemonic);
  return entry;
}
