/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-field.h: one setting of a JSON object, described once.
 *
 * A table of (key, type, offset into its C struct, range check) describes an object of
 * experiment.json; reading, writing, comparing and validating walk the same table
 * (cep-experiment-fields.c). Block kinds (core/nn/blocks/) declare their fields this way too.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CEP_FIELD_BOOL,         /* gboolean */
  CEP_FIELD_UINT,         /* guint */
  CEP_FIELD_UINT64,       /* guint64, at most G_MAXINT64 (JSON integers are signed) */
  CEP_FIELD_DOUBLE,       /* double, finite */
  CEP_FIELD_DOUBLE_PAIR,  /* two consecutive doubles, written as [a, b] */
  CEP_FIELD_STRING,       /* char *, NULL written as null */
  CEP_FIELD_ENUM,         /* an int-sized enum, written as one of the choices */
} CepFieldType;

typedef enum
{
  CEP_CHECK_ANY,
  CEP_CHECK_POSITIVE,        /* > 0 */
  CEP_CHECK_NON_NEGATIVE,    /* >= 0 */
  CEP_CHECK_UNIT_OPEN,       /* [0, 1) */
  CEP_CHECK_UNIT_CLOSED,     /* [0, 1] */
  CEP_CHECK_FRACTION,        /* (0, 1] */
  CEP_CHECK_OPEN_INTERVAL,   /* (0, 1) */
  CEP_CHECK_AT_LEAST_ONE,    /* integers >= 1 */
  CEP_CHECK_THREADS,         /* integers in [0, CEP_BACKEND_MAX_THREADS]; 0 = one per core */
  CEP_CHECK_CONTEXT_SIDE,    /* integers in [0, CEP_MODEL_MAX_CONTEXT]: a window's side */
  CEP_CHECK_NOT_NULL,        /* strings: present and not empty */
} CepFieldCheck;

typedef struct
{
  const char          *key;
  CepFieldType         type;
  gsize                offset;
  CepFieldCheck        check;
  const char * const  *choices;                   /* CEP_FIELD_ENUM: names by value */
  gboolean           (*relevant) (gconstpointer base);  /* NULL: always written */
  /* For an editor (the Model page): a label for people, marked with CEP_N_() and translated by
   * the interface, and the range and step of a number; NULL/0 where nobody edits it. */
  const char          *label;
  double               min;
  double               max;
  double               step;
  /* CEP_FIELD_ENUM: labels for people by value (CEP_N_()-marked), or NULL to show the
   * choices themselves. */
  const char * const  *choice_labels;
} CepField;

typedef struct
{
  const CepField *fields;
  guint           n_fields;
} CepFieldTable;

/* Marks text for translation without translating it (glib's N_(); core has no gettext domain
 * of its own: the interface translates the labels it shows). */
#define CEP_N_(text) (text)

#define CEP_FIELD_TABLE(fields) { fields, G_N_ELEMENTS (fields) }

G_END_DECLS
