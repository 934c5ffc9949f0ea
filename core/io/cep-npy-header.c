/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-npy-header.c: validation of .npy headers.
 *
 * Owns the rules: the preamble (magic, version, header length), the meaning of the header
 * dictionary ('descr', 'fortran_order', 'shape'), the dtypes Cepstra accepts, and the check
 * that the shape describes exactly the bytes after the header. Object dtypes are refused
 * before anything else looks at the data, since NumPy would unpickle them.
 *
 * It must not read files (callers hand in bytes) nor convert element data.
 */
#define G_LOG_DOMAIN "cepstra-io"

#include "cep-npy-private.h"
#include "cep-py-literal.h"

#include <string.h>

/* A descr for messages: escaped, and short even when the header is hostile. */
static char *
describe_descr (const char *descr)
{
  g_autofree char *shortened = g_strndup (descr, 40);
  g_autofree char *escaped = g_strescape (shortened, NULL);

  return g_strdup_printf ("'%s'%s", escaped, strlen (descr) > 40 ? "..." : "");
}

static guint64
read_le (const guint8 *bytes,
         gsize         n_bytes)
{
  guint64 value = 0;

  for (gsize i = n_bytes; i > 0; i--)
    value = value << 8 | bytes[i - 1];
  return value;
}

static gboolean
check_magic (const guint8 *bytes,
             gsize         n_bytes,
             const char   *name,
             GError      **error)
{
  if (n_bytes < CEP_NPY_MAGIC_LENGTH || memcmp (bytes, CEP_NPY_MAGIC, CEP_NPY_MAGIC_LENGTH) != 0)
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_MAGIC, name,
                          "not an .npy file (it does not start with \\x93NUMPY)");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_available (gsize        needed,
                 gsize        n_bytes,
                 const char  *name,
                 GError     **error)
{
  if (needed > n_bytes)
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_HEADER, name,
                          "truncated header (the file ends after %" G_GSIZE_FORMAT " bytes)",
                          n_bytes);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_version (const guint8  *bytes,
               const char    *name,
               GError       **error)
{
  if (bytes[6] >= 1 && bytes[6] <= 3 && bytes[7] == 0)
    return TRUE;
  _cep_npy_set_error (error, CEP_NPY_ERROR_VERSION, name,
                      "unsupported .npy format version %u.%u (1.0, 2.0 and 3.0 are known)",
                      bytes[6], bytes[7]);
  return FALSE;
}

static gboolean
check_header_length (gsize        header_length,
                     gsize        data_offset,
                     guint64      file_size,
                     const char  *name,
                     GError     **error)
{
  if (data_offset > file_size)
    _cep_npy_set_error (error, CEP_NPY_ERROR_HEADER, name,
                        "header length %" G_GSIZE_FORMAT " goes beyond the end of the file "
                        "(%" G_GUINT64_FORMAT " bytes)", header_length, file_size);
  else if (header_length > CEP_NPY_MAX_HEADER)
    _cep_npy_set_error (error, CEP_NPY_ERROR_HEADER, name,
                        "header of %" G_GSIZE_FORMAT " bytes is larger than the %d byte limit",
                        header_length, CEP_NPY_MAX_HEADER);
  else
    return TRUE;
  return FALSE;
}

gboolean
_cep_npy_parse_preamble (const guint8  *bytes,
                         gsize          n_bytes,
                         guint64        file_size,
                         const char    *name,
                         gsize         *data_offset,
                         GError       **error)
{
  gsize length_size;
  gsize header_length;

  n_bytes = MIN (n_bytes, file_size);
  if (!check_magic (bytes, n_bytes, name, error) || !check_available (8, n_bytes, name, error)
      || !check_version (bytes, name, error))
    return FALSE;
  length_size = bytes[6] == 1 ? 2 : 4;
  if (!check_available (8 + length_size, n_bytes, name, error))
    return FALSE;
  header_length = (gsize) read_le (bytes + 8, length_size);
  *data_offset = 8 + length_size + header_length;
  return check_header_length (header_length, *data_offset, file_size, name, error);
}

/* Whether a dtype string names Python objects in any spelling ('O', '|O8', 'object'). */
static gboolean
descr_is_object (const char *descr)
{
  return strchr (descr, 'O') != NULL || strstr (descr, "object") != NULL;
}

static gboolean
value_holds_object (const CepPyValue *value)
{
  if (value->type == CEP_PY_STRING)
    return descr_is_object (value->string);
  if (value->items == NULL)
    return FALSE;
  for (guint i = 0; i < value->items->len; i++)
    if (value_holds_object (g_ptr_array_index (value->items, i)))
      return TRUE;
  return FALSE;
}

static gboolean
set_object_error (const char  *name,
                  GError     **error)
{
  _cep_npy_set_error (error, CEP_NPY_ERROR_OBJECT, name,
                      "object arrays (pickled Python data) are not supported");
  return FALSE;
}

/* The element size a kind allows for @count (bytes, or code points for 'U'); 0 if none. */
static gsize
itemsize_for (char    kind,
              guint64 count)
{
  switch (kind)
    {
    case 'b':
      return count == 1 ? 1 : 0;
    case 'i': case 'u':
      return count == 1 || count == 2 || count == 4 || count == 8 ? (gsize) count : 0;
    case 'f':
      return count == 2 || count == 4 || count == 8 ? (gsize) count : 0;
    case 'S': case 'a':
      return count >= 1 && count <= CEP_NPY_MAX_ITEMSIZE ? (gsize) count : 0;
    case 'U':
      return count >= 1 && count <= CEP_NPY_MAX_ITEMSIZE / 4 ? (gsize) count * 4 : 0;
    default:
      return 0;
    }
}

static CepNpyKind
kind_for (char kind)
{
  switch (kind)
    {
    case 'b': return CEP_NPY_KIND_BOOL;
    case 'i': return CEP_NPY_KIND_INT;
    case 'u': return CEP_NPY_KIND_UINT;
    case 'f': return CEP_NPY_KIND_FLOAT;
    case 'U': return CEP_NPY_KIND_UNICODE;
    default: return CEP_NPY_KIND_BYTES;
    }
}

/* A decimal count of at most 9 digits with nothing after it; G_MAXUINT64 if not. */
static guint64
parse_count (const char *digits)
{
  guint64 count = 0;
  gsize n = 0;

  for (; g_ascii_isdigit (digits[n]) && n < 9; n++)
    count = count * 10 + (guint64) (digits[n] - '0');
  return n == 0 || digits[n] != '\0' ? G_MAXUINT64 : count;
}

/* A NumPy type string: optional byte order ('<', '>', '|' or '=', absent meaning native),
 * kind character, element size. */
static gboolean
parse_typestr (const char  *descr,
               CepNpyInfo  *info,
               const char  *name,
               GError     **error)
{
  const char *cursor = descr;
  char order = '=';
  char kind;
  gsize itemsize = 0;

  if (*cursor == '<' || *cursor == '>' || *cursor == '|' || *cursor == '=')
    order = *cursor++;
  kind = *cursor;
  if (kind != '\0' && strchr ("biufSaU", kind) != NULL)
    itemsize = itemsize_for (kind, parse_count (cursor + 1));
  if (itemsize == 0)
    {
      g_autofree char *shown = describe_descr (descr);
      _cep_npy_set_error (error, CEP_NPY_ERROR_DTYPE, name, "unsupported dtype %s", shown);
      return FALSE;
    }
  info->kind = kind_for (kind);
  info->itemsize = itemsize;
  info->big_endian = order == '>' || (order != '<' && G_BYTE_ORDER == G_BIG_ENDIAN);
  if (info->kind == CEP_NPY_KIND_BYTES || itemsize == 1)
    info->big_endian = FALSE;
  return TRUE;
}

static gboolean
parse_descr (const CepPyValue  *descr,
             CepNpyInfo        *info,
             const char        *name,
             GError           **error)
{
  if (value_holds_object (descr))
    return set_object_error (name, error);
  if (descr->type == CEP_PY_STRING)
    return parse_typestr (descr->string, info, name, error);
  if (descr->type == CEP_PY_LIST)
    _cep_npy_set_error (error, CEP_NPY_ERROR_DTYPE, name,
                        "structured dtypes (records with named fields) are not supported");
  else
    _cep_npy_set_error (error, CEP_NPY_ERROR_DTYPE, name,
                        "'descr' is %s, not a dtype string", cep_py_type_describe (descr->type));
  return FALSE;
}

static gboolean
parse_dimension (const CepPyValue  *dim,
                 guint              index,
                 gsize             *size,
                 const char        *name,
                 GError           **error)
{
  if (dim->type != CEP_PY_INT)
    _cep_npy_set_error (error, CEP_NPY_ERROR_HEADER, name,
                        "dimension %u of 'shape' is %s, not an integer",
                        index, cep_py_type_describe (dim->type));
  else if (dim->negative)
    _cep_npy_set_error (error, CEP_NPY_ERROR_HEADER, name,
                        "dimension %u of 'shape' is negative", index);
  else if (dim->overflow || dim->integer > G_MAXSIZE)
    _cep_npy_set_error (error, CEP_NPY_ERROR_SIZE, name,
                        "dimension %u of 'shape' is too large", index);
  else
    {
      *size = (gsize) dim->integer;
      return TRUE;
    }
  return FALSE;
}

static gboolean
parse_shape (const CepPyValue  *shape,
             CepNpyInfo        *info,
             const char        *name,
             GError           **error)
{
  if (shape->type != CEP_PY_TUPLE)
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_HEADER, name,
                          "'shape' is %s, not a tuple", cep_py_type_describe (shape->type));
      return FALSE;
    }
  if (shape->items->len > CEP_NPY_MAX_DIMS)
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_HEADER, name,
                          "'shape' has %u dimensions; at most %d are supported",
                          shape->items->len, CEP_NPY_MAX_DIMS);
      return FALSE;
    }
  info->n_dims = shape->items->len;
  for (guint i = 0; i < info->n_dims; i++)
    if (!parse_dimension (g_ptr_array_index (shape->items, i), i, &info->shape[i], name, error))
      return FALSE;
  return TRUE;
}

static gboolean
parse_fortran_order (const CepPyValue  *value,
                     CepNpyInfo        *info,
                     const char        *name,
                     GError           **error)
{
  if (value->type != CEP_PY_BOOL)
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_HEADER, name,
                          "'fortran_order' is %s, not True or False",
                          cep_py_type_describe (value->type));
      return FALSE;
    }
  info->fortran_order = value->boolean;
  return TRUE;
}

static const char * const header_keys[] = { "descr", "fortran_order", "shape" };

/* Exactly the three keys, each once, in any order. */
static gboolean
check_keys (const CepPyValue  *dict,
            const char        *name,
            GError           **error)
{
  guint seen[G_N_ELEMENTS (header_keys)] = { 0 };

  for (guint i = 0; i < dict->keys->len; i++)
    {
      const char *key = g_ptr_array_index (dict->keys, i);
      gsize k = 0;

      while (k < G_N_ELEMENTS (header_keys) && strcmp (key, header_keys[k]) != 0)
        k++;
      if (k == G_N_ELEMENTS (header_keys) || seen[k]++ > 0)
        {
          g_autofree char *shown = describe_descr (key);
          _cep_npy_set_error (error, CEP_NPY_ERROR_HEADER, name, "%s key %s in the header",
                              k == G_N_ELEMENTS (header_keys) ? "unexpected" : "duplicate", shown);
          return FALSE;
        }
    }
  for (gsize k = 0; k < G_N_ELEMENTS (header_keys); k++)
    if (!seen[k])
      {
        _cep_npy_set_error (error, CEP_NPY_ERROR_HEADER, name,
                            "header has no '%s' key", header_keys[k]);
        return FALSE;
      }
  return TRUE;
}

static CepPyValue *
parse_dict (const char  *text,
            gsize        length,
            const char  *name,
            GError     **error)
{
  g_autofree char *message = NULL;
  g_autoptr (CepPyValue) dict = cep_py_literal_parse (text, length, &message);

  if (dict == NULL)
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_HEADER, name,
                          "header is not a valid Python literal: %s", message);
      return NULL;
    }
  if (dict->type != CEP_PY_DICT)
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_HEADER, name, "header is %s, not a dictionary",
                          cep_py_type_describe (dict->type));
      return NULL;
    }
  if (!check_keys (dict, name, error))
    return NULL;
  return g_steal_pointer (&dict);
}

gboolean
_cep_npy_shape_size (const gsize *shape,
                     guint        n_dims,
                     gsize        itemsize,
                     gsize       *n_elements,
                     gsize       *n_bytes)
{
  gsize product = 1;
  gboolean empty = FALSE;

  /* Zero dimensions are skipped so that (2**40, 2**40, 0) counts as the overflow it would be
   * for any code that multiplies the other dimensions. */
  for (guint i = 0; i < n_dims; i++)
    {
      if (shape[i] == 0)
        empty = TRUE;
      else if (!g_size_checked_mul (&product, product, shape[i]))
        return FALSE;
    }
  if (!g_size_checked_mul (n_bytes, product, itemsize))
    return FALSE;
  *n_elements = empty ? 0 : product;
  *n_bytes = empty ? 0 : *n_bytes;
  return TRUE;
}

static void
set_size_error (const CepNpyInfo  *info,
                const char        *descr,
                guint64            present,
                gboolean           overflow,
                const char        *name,
                GError           **error)
{
  g_autofree char *shape = _cep_npy_format_shape (info->shape, info->n_dims);
  g_autofree char *shown = describe_descr (descr);

  if (overflow)
    _cep_npy_set_error (error, CEP_NPY_ERROR_SIZE, name,
                        "shape %s of dtype %s overflows the address space", shape, shown);
  else if (present < info->data_size)
    _cep_npy_set_error (error, CEP_NPY_ERROR_SIZE, name,
                        "shape %s of dtype %s declares %" G_GSIZE_FORMAT " bytes of data, "
                        "but the file holds %" G_GUINT64_FORMAT, shape, shown,
                        info->data_size, present);
  else
    _cep_npy_set_error (error, CEP_NPY_ERROR_SIZE, name,
                        "%" G_GUINT64_FORMAT " trailing bytes after the %" G_GSIZE_FORMAT
                        " bytes that shape %s of dtype %s declares",
                        present - info->data_size, info->data_size, shape, shown);
}

/* The shape must describe exactly the bytes that follow the header. */
static gboolean
check_data_size (CepNpyInfo  *info,
                 const char  *descr,
                 guint64      file_size,
                 const char  *name,
                 GError     **error)
{
  guint64 present = file_size - info->data_offset;
  gboolean overflow = !_cep_npy_shape_size (info->shape, info->n_dims, info->itemsize,
                                            &info->n_elements, &info->data_size);

  if (!overflow && present == info->data_size)
    return TRUE;
  set_size_error (info, descr, present, overflow, name, error);
  return FALSE;
}

static gboolean
check_text (const guint8  *bytes,
            gsize          data_offset,
            const char    *name,
            GError       **error)
{
  gsize start = bytes[6] == 1 ? 10 : 12;

  /* Versions 1.0 and 2.0 are latin-1, whose bytes the parser takes as they are. */
  if (bytes[6] == 3 && !g_utf8_validate_len ((const char *) bytes + start,
                                             data_offset - start, NULL))
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_HEADER, name,
                          "version 3.0 header is not valid UTF-8");
      return FALSE;
    }
  return TRUE;
}

gboolean
_cep_npy_parse_header (const guint8  *bytes,
                       gsize          n_bytes,
                       guint64        file_size,
                       const char    *name,
                       CepNpyInfo    *info,
                       char         **descr,
                       GError       **error)
{
  g_autoptr (CepPyValue) dict = NULL;
  const CepPyValue *descr_value;
  gsize offset;
  gsize start;

  memset (info, 0, sizeof *info);
  if (!_cep_npy_parse_preamble (bytes, n_bytes, file_size, name, &offset, error))
    return FALSE;
  g_return_val_if_fail (offset <= n_bytes, FALSE);
  start = bytes[6] == 1 ? 10 : 12;
  if (!check_text (bytes, offset, name, error))
    return FALSE;
  dict = parse_dict ((const char *) bytes + start, offset - start, name, error);
  if (dict == NULL)
    return FALSE;
  descr_value = cep_py_dict_lookup (dict, "descr");
  info->data_offset = offset;
  if (!parse_descr (descr_value, info, name, error)
      || !parse_fortran_order (cep_py_dict_lookup (dict, "fortran_order"), info, name, error)
      || !parse_shape (cep_py_dict_lookup (dict, "shape"), info, name, error)
      || !check_data_size (info, descr_value->string, file_size, name, error))
    return FALSE;
  if (descr != NULL)
    *descr = g_strdup (descr_value->string);
  return TRUE;
}

char *
_cep_npy_format_shape (const gsize *shape,
                       guint        n_dims)
{
  GString *text = g_string_new ("(");

  for (guint i = 0; i < n_dims; i++)
    g_string_append_printf (text, "%s%" G_GSIZE_FORMAT, i > 0 ? ", " : "", shape[i]);
  g_string_append (text, n_dims == 1 ? ",)" : ")");
  return g_string_free (text, FALSE);
}

char *
_cep_npy_format_descr (CepNpyKind kind,
                       gsize      itemsize,
                       gboolean   big_endian)
{
  static const char kind_chars[] = { 'b', 'i', 'u', 'f', 'U', 'S' };
  char kind_char;
  guint64 count;

  if ((guint) kind >= G_N_ELEMENTS (kind_chars))
    return NULL;
  kind_char = kind_chars[kind];
  count = kind == CEP_NPY_KIND_UNICODE ? itemsize / 4 : itemsize;
  if (itemsize == 0 || itemsize_for (kind_char, count) != itemsize)
    return NULL;
  if (kind == CEP_NPY_KIND_BYTES || itemsize == 1)
    return g_strdup_printf ("|%c%" G_GUINT64_FORMAT, kind_char, count);
  return g_strdup_printf ("%c%c%" G_GUINT64_FORMAT, big_endian ? '>' : '<', kind_char, count);
}
