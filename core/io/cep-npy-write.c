/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-npy-write.c: writing .npy files.
 *
 * Owns the header NumPy itself would write (the dict literal padded with spaces to a multiple
 * of 64 bytes, ending in a newline; version 1.0 unless the header needs 2.0) and writing
 * safely (cep-atomic-file.h).
 *
 * It must not convert element data: callers hand in bytes in the layout they describe.
 */
#define G_LOG_DOMAIN "cepstra-io"

#include "cep-npy-private.h"

#include "cep-atomic-file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CEP_NPY_HEADER_ALIGN  64

static void
append_le (GString *out,
           guint64  value,
           gsize    n_bytes)
{
  for (gsize i = 0; i < n_bytes; i++)
    g_string_append_c (out, (char) (value >> (8 * i) & 0xff));
}

/* Magic, version, header length, @dict, padding and '\n', as NumPy lays them out. */
static GString *
build_header (const char *dict)
{
  gsize dict_length = strlen (dict);
  guint version = 1;
  gsize preamble = 10;
  gsize total = (preamble + dict_length + 1 + CEP_NPY_HEADER_ALIGN - 1)
                / CEP_NPY_HEADER_ALIGN * CEP_NPY_HEADER_ALIGN;
  GString *out;

  if (total - preamble > G_MAXUINT16)
    {
      version = 2;
      preamble = 12;
      total = (preamble + dict_length + 1 + CEP_NPY_HEADER_ALIGN - 1)
              / CEP_NPY_HEADER_ALIGN * CEP_NPY_HEADER_ALIGN;
    }
  out = g_string_sized_new (total);
  g_string_append_len (out, CEP_NPY_MAGIC, CEP_NPY_MAGIC_LENGTH);
  g_string_append_c (out, (char) version);
  g_string_append_c (out, 0);
  append_le (out, total - preamble, preamble - 8);
  g_string_append (out, dict);
  while (out->len < total - 1)
    g_string_append_c (out, ' ');
  g_string_append_c (out, '\n');
  return out;
}

static char *
build_dict (const char  *descr,
            gboolean     fortran_order,
            const gsize *shape,
            guint        n_dims)
{
  g_autofree char *shape_text = _cep_npy_format_shape (shape, n_dims);

  return g_strdup_printf ("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }",
                          descr, fortran_order ? "True" : "False", shape_text);
}

/* Through the shared atomic writer, so a failed write never leaves a half-written file
 * where a good one was; its error is re-coded as CEP_NPY_ERROR_IO. */
static gboolean
write_atomically (const char     *path,
                  const GString  *header,
                  const void     *data,
                  gsize           data_size,
                  GError        **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(CepAtomicFile) file = cep_atomic_file_begin (path, &local);

  if (file != NULL && cep_atomic_file_write (file, header->str, header->len, &local)
      && cep_atomic_file_write (file, data, data_size, &local)
      && cep_atomic_file_commit (g_steal_pointer (&file), &local))
    return TRUE;
  g_set_error_literal (error, CEP_NPY_ERROR, CEP_NPY_ERROR_IO, local->message);
  return FALSE;
}

/* The header for @layout, and the size of the data that must follow it. */
static GString *
header_for_layout (const CepNpyLayout  *layout,
                   const char          *name,
                   gsize               *data_size,
                   GError             **error)
{
  g_autofree char *descr = NULL;
  g_autofree char *dict = NULL;
  gsize n_elements;

  g_return_val_if_fail (layout != NULL, NULL);
  g_return_val_if_fail (layout->n_dims <= CEP_NPY_MAX_DIMS, NULL);
  g_return_val_if_fail (layout->shape != NULL || layout->n_dims == 0, NULL);

  descr = _cep_npy_format_descr (layout->kind, layout->itemsize, layout->big_endian);
  g_return_val_if_fail (descr != NULL, NULL);
  if (!_cep_npy_shape_size (layout->shape, layout->n_dims, layout->itemsize,
                            &n_elements, data_size))
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_SIZE, name, "shape overflows the address space");
      return NULL;
    }
  dict = build_dict (descr, layout->fortran_order, layout->shape, layout->n_dims);
  return build_header (dict);
}

gboolean
cep_npy_write (const char          *path,
               const CepNpyLayout  *layout,
               const void          *data,
               GError             **error)
{
  g_autoptr (GString) header = NULL;
  gsize data_size;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  header = header_for_layout (layout, path, &data_size, error);
  if (header == NULL)
    return FALSE;
  g_return_val_if_fail (data != NULL || data_size == 0, FALSE);
  return write_atomically (path, header, data, data_size, error);
}

GBytes *
cep_npy_serialize (const CepNpyLayout  *layout,
                   const void          *data,
                   const char          *name,
                   GError             **error)
{
  g_autoptr (GString) header = NULL;
  gsize data_size;
  gsize total;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  header = header_for_layout (layout, name, &data_size, error);
  if (header == NULL)
    return NULL;
  g_return_val_if_fail (data != NULL || data_size == 0, NULL);
  if (!g_size_checked_add (&total, header->len, data_size) || total > G_MAXSSIZE)
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_SIZE, name, "data overflows the address space");
      return NULL;
    }
  g_string_append_len (header, data, (gssize) data_size);
  return g_string_free_to_bytes (g_steal_pointer (&header));
}

gboolean
cep_npy_write_float32 (const char   *path,
                       const float  *data,
                       guint         n_dims,
                       const gsize  *shape,
                       GError      **error)
{
  CepNpyLayout layout = {
    .kind = CEP_NPY_KIND_FLOAT,
    .itemsize = sizeof (float),
    .big_endian = G_BYTE_ORDER == G_BIG_ENDIAN,
    .n_dims = n_dims,
    .shape = shape,
  };

  return cep_npy_write (path, &layout, data, error);
}

gboolean
cep_npy_write_int64 (const char    *path,
                     const gint64  *data,
                     gsize          n,
                     GError       **error)
{
  CepNpyLayout layout = {
    .kind = CEP_NPY_KIND_INT,
    .itemsize = sizeof (gint64),
    .big_endian = G_BYTE_ORDER == G_BIG_ENDIAN,
    .n_dims = 1,
    .shape = &n,
  };

  return cep_npy_write (path, &layout, data, error);
}

/* The longest string in code points (at least 1, as NumPy never writes '<U0'). */
static gboolean
measure_strings (const char         *path,
                 const char * const *strings,
                 gsize               n_strings,
                 gsize              *n_chars,
                 GError            **error)
{
  *n_chars = 1;
  for (gsize i = 0; i < n_strings; i++)
    {
      if (!g_utf8_validate (strings[i], -1, NULL))
        {
          _cep_npy_set_error (error, CEP_NPY_ERROR_CONVERSION, path,
                              "string %" G_GSIZE_FORMAT " is not valid UTF-8", i);
          return FALSE;
        }
      *n_chars = MAX (*n_chars, (gsize) g_utf8_strlen (strings[i], -1));
    }
  if (*n_chars > CEP_NPY_MAX_ITEMSIZE / 4)
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_SIZE, path,
                          "a string is longer than the %d code points supported",
                          CEP_NPY_MAX_ITEMSIZE / 4);
      return FALSE;
    }
  return TRUE;
}

/* Little-endian UCS-4, each string NUL padded to @n_chars code points. */
static guint32 *
encode_ucs4 (const char * const *strings,
             gsize               n_strings,
             gsize               n_chars)
{
  guint32 *out = g_new0 (guint32, MAX (n_strings * n_chars, 1));

  for (gsize i = 0; i < n_strings; i++)
    {
      guint32 *slot = out + i * n_chars;
      for (const char *c = strings[i]; *c != '\0'; c = g_utf8_next_char (c))
        *slot++ = GUINT32_TO_LE (g_utf8_get_char (c));
    }
  return out;
}

gboolean
cep_npy_write_strings (const char         *path,
                       const char * const *strings,
                       gsize               n_strings,
                       GError            **error)
{
  g_autofree guint32 *ucs4 = NULL;
  gsize n_chars;
  gsize n_units;
  CepNpyLayout layout = {
    .kind = CEP_NPY_KIND_UNICODE,
    .n_dims = 1,
    .shape = &n_strings,
  };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (strings != NULL || n_strings == 0, FALSE);

  if (!measure_strings (path, strings, n_strings, &n_chars, error))
    return FALSE;
  if (!g_size_checked_mul (&n_units, n_strings, n_chars)
      || !g_size_checked_mul (&layout.itemsize, n_chars, 4)
      || n_units > G_MAXSIZE / 4)
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_SIZE, path, "too many strings");
      return FALSE;
    }
  ucs4 = encode_ucs4 (strings, n_strings, n_chars);
  return cep_npy_write (path, &layout, ucs4, error);
}
