/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-py-literal.h: a parser for the small subset of Python literal syntax that .npy headers
 * use (private to core/io).
 *
 * Owns turning text such as "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }" into
 * a value tree: dicts with string keys, tuples, lists, strings in single or double quotes,
 * integers (any size: overflow is flagged, not wrapped), True, False and None. Parenthesized
 * single values without a comma are values, not tuples, as in Python. Nothing is evaluated.
 *
 * It must not know what the keys mean; cep-npy-header.c gives them meaning.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  CEP_PY_STRING,
  CEP_PY_INT,
  CEP_PY_BOOL,
  CEP_PY_NONE,
  CEP_PY_TUPLE,
  CEP_PY_LIST,
  CEP_PY_DICT,
} CepPyType;

typedef struct _CepPyValue CepPyValue;

struct _CepPyValue
{
  CepPyType  type;
  char      *string;     /* CEP_PY_STRING: the bytes between the quotes, escapes resolved */
  guint64    integer;    /* CEP_PY_INT: magnitude */
  gboolean   negative;   /* CEP_PY_INT: a '-' sign (and a non-zero magnitude) */
  gboolean   overflow;   /* CEP_PY_INT: the magnitude does not fit in 64 bits */
  gboolean   boolean;    /* CEP_PY_BOOL */
  GPtrArray *items;      /* CEP_PY_TUPLE, CEP_PY_LIST, CEP_PY_DICT: CepPyValue * */
  GPtrArray *keys;       /* CEP_PY_DICT: char *, parallel to items */
};

/* Nesting deeper than this is refused, so hostile input cannot exhaust the stack. */
#define CEP_PY_MAX_DEPTH 16

/* Parses exactly one literal followed only by whitespace. On failure returns NULL and sets
 * @message to what went wrong and where (byte offset), e.g. "expected ':' at offset 9". */
CepPyValue   *cep_py_literal_parse      (const char  *text,
                                         gsize        length,
                                         char       **message);
void          cep_py_value_free         (CepPyValue  *value);
/* The value for @key in a dict, or NULL. */
CepPyValue   *cep_py_dict_lookup        (const CepPyValue *dict,
                                         const char       *key);
/* "a string", "an integer", ... for messages. */
const char   *cep_py_type_describe      (CepPyType    type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepPyValue, cep_py_value_free)

G_END_DECLS
