/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-phoneme-table.c: phoneme symbols <-> class ids.
 *
 * Owns the symbol list, its aliases and the boundary tokens, and a lookup fast enough for the
 * loader's inner loop: every symbol of at most 8 bytes is packed into a 64-bit key and kept in
 * a small open-addressing table, so a lookup is one multiply and (almost always) one compare,
 * with no string hashing or allocation. Longer symbols (only possible in custom tables) go
 * through a GHashTable. It must not know about files other than its own text format.
 */
#define G_LOG_DOMAIN "cepstra-phoneme-table"

#include "cep-phoneme-table.h"

#include <string.h>

G_DEFINE_QUARK (cep-phoneme-table-error-quark, cep_phoneme_table_error)

typedef struct
{
  guint64 key;   /* 0 = empty slot: symbols are never empty and never contain NUL */
  int     id;
} KeySlot;

struct _CepPhonemeTable
{
  GObject     parent_instance;

  GPtrArray  *names;        /* canonical spelling of each id */
  guint       n_classes;
  int         sos;
  int         eos;

  KeySlot    *slots;        /* power-of-two sized, linear probing */
  guint       slot_mask;
  guint       n_short;      /* short symbols (and aliases) in slots */
  GHashTable *long_symbols; /* char* -> GINT_TO_POINTER (id + 1) */
};

G_DEFINE_FINAL_TYPE (CepPhonemeTable, cep_phoneme_table, G_TYPE_OBJECT)

/* HW1P2's table; aliases after the first spelling (F22 used SIL, <sos>, <eos>). */
static const char *const hw1p2_lines[] = {
  "[SIL] SIL", "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D",
  "DH", "EH", "ER", "EY", "F", "G", "HH", "IH", "IY", "JH",
  "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S",
  "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
  "[SOS] <sos>", "[EOS] <eos>",
};

static void
cep_phoneme_table_finalize (GObject *object)
{
  CepPhonemeTable *self = CEP_PHONEME_TABLE (object);

  g_ptr_array_unref (self->names);
  g_free (self->slots);
  g_hash_table_unref (self->long_symbols);
  G_OBJECT_CLASS (cep_phoneme_table_parent_class)->finalize (object);
}

static void
cep_phoneme_table_class_init (CepPhonemeTableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cep_phoneme_table_finalize;
}

static void
cep_phoneme_table_init (CepPhonemeTable *self)
{
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->sos = -1;
  self->eos = -1;
  self->slot_mask = 63;
  self->slots = g_new0 (KeySlot, self->slot_mask + 1);
  self->long_symbols = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static inline guint
slot_of (guint64 key,
         guint   mask)
{
  return (guint) ((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 40) & mask;
}

static void
slots_insert (KeySlot *slots,
              guint    mask,
              guint64  key,
              int      id)
{
  guint i = slot_of (key, mask);

  while (slots[i].key != 0)
    i = (i + 1) & mask;
  slots[i].key = key;
  slots[i].id = id;
}

/* Keeps the load factor at or below 1/4 so probe chains stay short. */
static void
slots_grow_if_needed (CepPhonemeTable *self)
{
  if ((self->n_short + 1) * 4 <= self->slot_mask + 1)
    return;

  guint new_mask = self->slot_mask * 2 + 1;
  KeySlot *slots = g_new0 (KeySlot, new_mask + 1);
  for (guint i = 0; i <= self->slot_mask; i++)
    if (self->slots[i].key != 0)
      slots_insert (slots, new_mask, self->slots[i].key, self->slots[i].id);
  g_free (self->slots);
  self->slots = slots;
  self->slot_mask = new_mask;
}

static void
table_add_spelling (CepPhonemeTable *self,
                    const char      *symbol,
                    int              id)
{
  guint64 key;

  if (cep_phoneme_key_pack (symbol, strlen (symbol), &key))
    {
      slots_grow_if_needed (self);
      slots_insert (self->slots, self->slot_mask, key, id);
      self->n_short++;
    }
  else
    g_hash_table_insert (self->long_symbols, g_strdup (symbol), GINT_TO_POINTER (id + 1));
}

static gboolean
is_sos_spelling (const char *symbol)
{
  return strcmp (symbol, "[SOS]") == 0 || strcmp (symbol, "<sos>") == 0;
}

static gboolean
is_eos_spelling (const char *symbol)
{
  return strcmp (symbol, "[EOS]") == 0 || strcmp (symbol, "<eos>") == 0;
}

gboolean
cep_phoneme_key_pack (const char *symbol,
                      gsize       length,
                      guint64    *key)
{
  guint64 packed = 0;

  if (length == 0 || length > 8)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (symbol[i] == '\0')
        return FALSE;
      packed |= (guint64) (guchar) symbol[i] << (8 * i);
    }
  *key = packed;
  return TRUE;
}

int
cep_phoneme_table_lookup_key (CepPhonemeTable *self,
                              guint64          key)
{
  guint i = slot_of (key, self->slot_mask);

  while (self->slots[i].key != 0)
    {
      if (self->slots[i].key == key)
        return self->slots[i].id;
      i = (i + 1) & self->slot_mask;
    }
  return -1;
}

int
cep_phoneme_table_lookup (CepPhonemeTable *self,
                          const char      *symbol,
                          gssize           length)
{
  g_return_val_if_fail (CEP_IS_PHONEME_TABLE (self), -1);
  g_return_val_if_fail (symbol != NULL, -1);

  gsize n = length < 0 ? strlen (symbol) : (gsize) length;
  guint64 key;

  if (cep_phoneme_key_pack (symbol, n, &key))
    return cep_phoneme_table_lookup_key (self, key);
  if (n == 0 || memchr (symbol, '\0', n) != NULL)
    return -1;

  g_autofree char *copy = g_strndup (symbol, n);
  gpointer value = g_hash_table_lookup (self->long_symbols, copy);
  return value != NULL ? GPOINTER_TO_INT (value) - 1 : -1;
}

/* The parser state: which line defined each spelling, for duplicate messages. */
typedef struct
{
  CepPhonemeTable *table;
  const char      *source;
  GHashTable      *line_of;   /* spelling -> line number */
} TableBuilder;

static gboolean
builder_add_spelling (TableBuilder *builder,
                      const char   *spelling,
                      int           id,
                      guint         line,
                      GError      **error)
{
  gpointer previous = g_hash_table_lookup (builder->line_of, spelling);

  if (previous != NULL)
    {
      g_set_error (error, CEP_PHONEME_TABLE_ERROR, CEP_PHONEME_TABLE_ERROR_PARSE,
                   "%s:%u: duplicate symbol '%s' (first on line %u)", builder->source, line,
                   spelling, GPOINTER_TO_UINT (previous));
      return FALSE;
    }
  if (!g_utf8_validate (spelling, -1, NULL))
    {
      g_set_error (error, CEP_PHONEME_TABLE_ERROR, CEP_PHONEME_TABLE_ERROR_PARSE,
                   "%s:%u: symbol is not valid UTF-8", builder->source, line);
      return FALSE;
    }
  g_hash_table_insert (builder->line_of, g_strdup (spelling), GUINT_TO_POINTER (line));
  table_add_spelling (builder->table, spelling, id);
  return TRUE;
}

/* Records a boundary token; FALSE if the table already has one of this kind. */
static gboolean
builder_mark_boundary (TableBuilder *builder,
                       int          *slot,
                       const char   *kind,
                       int           id,
                       guint         line,
                       GError      **error)
{
  if (*slot >= 0)
    {
      g_set_error (error, CEP_PHONEME_TABLE_ERROR, CEP_PHONEME_TABLE_ERROR_PARSE,
                   "%s:%u: second %s token", builder->source, line, kind);
      return FALSE;
    }
  *slot = id;
  return TRUE;
}

/* Classifies one line's spellings: 0 = target, 1 = start token, 2 = end token. */
static gboolean
builder_line_kind (TableBuilder       *builder,
                   const char * const *spellings,
                   guint               line,
                   int                *kind,
                   GError            **error)
{
  *kind = 0;
  for (guint i = 0; spellings[i] != NULL; i++)
    {
      int this_kind = is_sos_spelling (spellings[i]) ? 1 : is_eos_spelling (spellings[i]) ? 2 : 0;
      if (i > 0 && this_kind != *kind)
        {
          g_set_error (error, CEP_PHONEME_TABLE_ERROR, CEP_PHONEME_TABLE_ERROR_PARSE,
                       "%s:%u: '%s' cannot be an alias of '%s'", builder->source, line,
                       spellings[i], spellings[0]);
          return FALSE;
        }
      *kind = this_kind;
    }
  return TRUE;
}

static gboolean
builder_add_line (TableBuilder       *builder,
                  const char * const *spellings,
                  guint               line,
                  GError            **error)
{
  CepPhonemeTable *table = builder->table;
  int id = (int) table->names->len;
  int kind;

  if (!builder_line_kind (builder, spellings, line, &kind, error))
    return FALSE;
  if (kind == 0 && (table->sos >= 0 || table->eos >= 0))
    {
      g_set_error (error, CEP_PHONEME_TABLE_ERROR, CEP_PHONEME_TABLE_ERROR_PARSE,
                   "%s:%u: target symbol '%s' after a boundary token (boundary tokens must "
                   "come last)", builder->source, line, spellings[0]);
      return FALSE;
    }
  if (kind == 0 && table->n_classes >= CEP_PHONEME_TABLE_MAX_CLASSES)
    {
      g_set_error (error, CEP_PHONEME_TABLE_ERROR, CEP_PHONEME_TABLE_ERROR_PARSE,
                   "%s:%u: more than %u target classes", builder->source, line,
                   CEP_PHONEME_TABLE_MAX_CLASSES);
      return FALSE;
    }
  if (kind == 1 && !builder_mark_boundary (builder, &table->sos, "start", id, line, error))
    return FALSE;
  if (kind == 2 && !builder_mark_boundary (builder, &table->eos, "end", id, line, error))
    return FALSE;
  for (guint i = 0; spellings[i] != NULL; i++)
    if (!builder_add_spelling (builder, spellings[i], id, line, error))
      return FALSE;
  g_ptr_array_add (table->names, g_strdup (spellings[0]));
  if (kind == 0)
    table->n_classes++;
  return TRUE;
}

/* Splits a line into whitespace-separated spellings, dropping a '#' comment. */
static GStrv
split_line (const char *text)
{
  GPtrArray *tokens = g_ptr_array_new ();
  const char *p = text;

  while (*p != '\0')
    {
      while (*p == ' ' || *p == '\t' || *p == '\r')
        p++;
      if (*p == '\0' || *p == '#')
        break;
      const char *end = p;
      while (*end != '\0' && *end != ' ' && *end != '\t' && *end != '\r')
        end++;
      g_ptr_array_add (tokens, g_strndup (p, (gsize) (end - p)));
      p = end;
    }
  g_ptr_array_add (tokens, NULL);
  return (GStrv) g_ptr_array_free (tokens, FALSE);
}

static CepPhonemeTable *
table_parse (const char * const *lines,
             gsize               n_lines,
             const char         *source,
             GError            **error)
{
  g_autoptr(CepPhonemeTable) table = g_object_new (CEP_TYPE_PHONEME_TABLE, NULL);
  g_autoptr(GHashTable) line_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  TableBuilder builder = { table, source, line_of };

  for (gsize i = 0; i < n_lines; i++)
    {
      g_auto(GStrv) spellings = split_line (lines[i]);
      if (spellings[0] == NULL)
        continue;
      if (!builder_add_line (&builder, (const char * const *) spellings, (guint) i + 1, error))
        return NULL;
    }
  if (table->n_classes == 0)
    {
      g_set_error (error, CEP_PHONEME_TABLE_ERROR, CEP_PHONEME_TABLE_ERROR_PARSE,
                   "%s: no target classes", source);
      return NULL;
    }
  return g_steal_pointer (&table);
}

CepPhonemeTable *
cep_phoneme_table_new_default (void)
{
  CepPhonemeTable *table = table_parse (hw1p2_lines, G_N_ELEMENTS (hw1p2_lines),
                                        "(HW1P2 table)", NULL);
  g_assert (table != NULL);
  return table;
}

char *
cep_phoneme_table_get_default_text (void)
{
  GString *text = g_string_new ("# HW1P2's phoneme table (Cepstra's default)\n");

  for (guint i = 0; i < G_N_ELEMENTS (hw1p2_lines); i++)
    g_string_append_printf (text, "%s\n", hw1p2_lines[i]);
  return g_string_free (text, FALSE);
}

CepPhonemeTable *
cep_phoneme_table_new_from_file (const char  *path,
                                 GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *nul;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, CEP_PHONEME_TABLE_ERROR, CEP_PHONEME_TABLE_ERROR_IO, "%s",
                   local_error->message);
      return NULL;
    }
  /* Lines are C strings: whatever followed a NUL would be dropped without a word. */
  nul = memchr (contents, '\0', length);
  if (nul != NULL)
    {
      g_set_error (error, CEP_PHONEME_TABLE_ERROR, CEP_PHONEME_TABLE_ERROR_PARSE,
                   "%s: not a text file (a NUL byte at offset %" G_GSIZE_FORMAT ")", path,
                   (gsize) (nul - contents));
      return NULL;
    }

  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  return table_parse ((const char * const *) lines, g_strv_length (lines), path, error);
}

guint
cep_phoneme_table_get_n_classes (CepPhonemeTable *self)
{
  g_return_val_if_fail (CEP_IS_PHONEME_TABLE (self), 0);
  return self->n_classes;
}

guint
cep_phoneme_table_get_n_symbols (CepPhonemeTable *self)
{
  g_return_val_if_fail (CEP_IS_PHONEME_TABLE (self), 0);
  return self->names->len;
}

const char *
cep_phoneme_table_get_name (CepPhonemeTable *self,
                            guint            id)
{
  g_return_val_if_fail (CEP_IS_PHONEME_TABLE (self), NULL);
  g_return_val_if_fail (id < self->names->len, NULL);
  return g_ptr_array_index (self->names, id);
}

int
cep_phoneme_table_get_sos (CepPhonemeTable *self)
{
  g_return_val_if_fail (CEP_IS_PHONEME_TABLE (self), -1);
  return self->sos;
}

int
cep_phoneme_table_get_eos (CepPhonemeTable *self)
{
  g_return_val_if_fail (CEP_IS_PHONEME_TABLE (self), -1);
  return self->eos;
}

gboolean
cep_phoneme_table_is_target (CepPhonemeTable *self,
                             guint            id)
{
  g_return_val_if_fail (CEP_IS_PHONEME_TABLE (self), FALSE);
  return id < self->n_classes;
}
