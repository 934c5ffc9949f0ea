/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-demo-arpabet.h: espeak-ng en-us phoneme mnemonics -> HW1P2 labels.
 *
 * Owns the mapping table (espeak-en-us-arpabet.tsv, embedded at build time) and the rule for
 * mnemonics the table does not list: strip stress marks (' , % =) and trailing modifiers
 * (# 2 / ; . ^ -) and look again; anything still unknown is an error, never a guess.
 * It knows nothing about time: splitting, merging and context rules are cep-demo-labels.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CEP_DEMO_ARPABET_ERROR (cep_demo_arpabet_error_quark ())
GQuark cep_demo_arpabet_error_quark (void);

typedef enum
{
  CEP_DEMO_ARPABET_ERROR_PARSE,     /* bad line in the table, or a label that is no target */
  CEP_DEMO_ARPABET_ERROR_UNKNOWN,   /* a mnemonic the table cannot map */
} CepDemoArpabetError;

/* Up to this many labels per mnemonic ("aI3" -> AY ER). */
#define CEP_DEMO_MAX_LABELS 2

typedef struct
{
  const char *mnemonic;                     /* the table's key that matched (interned) */
  guint       n_labels;                     /* 0: MERGE into the previous segment */
  const char *labels[CEP_DEMO_MAX_LABELS];  /* HW1P2 symbols (interned strings) */
} CepDemoArpabetEntry;

typedef struct _CepDemoArpabet CepDemoArpabet;

/* Parses a table: a comment line, a header line "mnemonic<TAB>labels", then one mnemonic per
 * line with one or two space-separated labels or MERGE. Every label must be an HW1P2 target
 * class. @name is used in error messages. */
CepDemoArpabet            *cep_demo_arpabet_new_from_data (const char      *text,
                                                           gsize            length,
                                                           const char      *name,
                                                           GError         **error);
/* The embedded espeak-en-us-arpabet.tsv. */
CepDemoArpabet            *cep_demo_arpabet_new_default   (GError         **error);
void                       cep_demo_arpabet_free          (CepDemoArpabet  *self);

/* Entry for @mnemonic (NUL-terminated), trying the stripped forms described above; NULL if
 * none is in the table. */
const CepDemoArpabetEntry *cep_demo_arpabet_lookup        (CepDemoArpabet  *self,
                                                           const char      *mnemonic);
/* Same, with an error naming the mnemonic when it is unknown. */
const CepDemoArpabetEntry *cep_demo_arpabet_map           (CepDemoArpabet  *self,
                                                           const char      *mnemonic,
                                                           GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepDemoArpabet, cep_demo_arpabet_free)

G_END_DECLS
