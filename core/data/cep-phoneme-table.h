/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-phoneme-table.h: the mapping between phoneme strings and class ids.
 *
 * The default is HW1P2's 42 symbols (ids 0..39 are targets, 40 and 41 are [SOS]/[EOS]); the F22
 * spellings SIL, <sos>, <eos> are accepted as aliases. A table can also be loaded from a text
 * file. Lookups are on the hot path of dataset loading, so they avoid hashing strings.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CEP_PHONEME_TABLE_ERROR (cep_phoneme_table_error_quark ())
GQuark cep_phoneme_table_error_quark (void);

typedef enum
{
  CEP_PHONEME_TABLE_ERROR_IO,
  CEP_PHONEME_TABLE_ERROR_PARSE,     /* bad line, empty or duplicate symbol */
} CepPhonemeTableError;

#define CEP_TYPE_PHONEME_TABLE (cep_phoneme_table_get_type ())
G_DECLARE_FINAL_TYPE (CepPhonemeTable, cep_phoneme_table, CEP, PHONEME_TABLE, GObject)

/* Class ids are stored as guint8 with 255 left free, so a table has at most 255 targets. */
#define CEP_PHONEME_TABLE_MAX_CLASSES 255

/* HW1P2's table. */
CepPhonemeTable *cep_phoneme_table_new_default   (void);
/* HW1P2's table as the file cep_phoneme_table_new_from_file() reads (aliases included), for
 * programs outside Cepstra (the PyTorch export). Newly allocated. */
char            *cep_phoneme_table_get_default_text (void);
/* One symbol per line, id = line number among non-empty, non-'#' lines. Optional aliases
 * after the symbol, separated by whitespace ("[SIL] SIL"). A symbol named [SOS]/<sos> or
 * [EOS]/<eos> marks the boundary tokens, which are not target classes and must come after
 * every target symbol. '#' starts a comment. Errors name the file and line. */
CepPhonemeTable *cep_phoneme_table_new_from_file (const char      *path,
                                                  GError         **error);

/* Number of target classes (boundary tokens excluded): 40 for HW1P2. */
guint            cep_phoneme_table_get_n_classes (CepPhonemeTable *self);
/* Number of symbols including boundary tokens: 42 for HW1P2. */
guint            cep_phoneme_table_get_n_symbols (CepPhonemeTable *self);
const char      *cep_phoneme_table_get_name      (CepPhonemeTable *self,
                                                  guint            id);
/* Id of @symbol (@length bytes, need not be NUL-terminated; -1 = strlen), or -1 if unknown. */
int              cep_phoneme_table_lookup        (CepPhonemeTable *self,
                                                  const char      *symbol,
                                                  gssize           length);
/* The loader's fast path: a symbol of 1..8 bytes (no NUL) packed little-endian into 64 bits,
 * zero-filled; FALSE if @symbol does not fit. Lookup of a packed key: id or -1. Symbols
 * longer than 8 bytes are only found by cep_phoneme_table_lookup(). */
gboolean         cep_phoneme_key_pack            (const char      *symbol,
                                                  gsize            length,
                                                  guint64         *key);
int              cep_phoneme_table_lookup_key    (CepPhonemeTable *self,
                                                  guint64          key);
/* Id of a boundary token, or -1 if the table has none. */
int              cep_phoneme_table_get_sos       (CepPhonemeTable *self);
int              cep_phoneme_table_get_eos       (CepPhonemeTable *self);
/* TRUE if @id is a target class (not a boundary token). */
gboolean         cep_phoneme_table_is_target     (CepPhonemeTable *self,
                                                  guint            id);

G_END_DECLS
