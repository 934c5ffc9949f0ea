/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-npy-private.h: what the files implementing CepNpy share (private to core/io).
 *
 * cep-npy.c opens files and owns the struct, cep-npy-header.c validates headers,
 * cep-npy-convert.c turns element bytes into floats, integers and strings, cep-npy-write.c
 * writes files.
 */
#pragma once

#include "cep-npy.h"

G_BEGIN_DECLS

#define CEP_NPY_MAGIC          "\x93NUMPY"
#define CEP_NPY_MAGIC_LENGTH   6
/* Headers NumPy writes are a few hundred bytes; anything this large is hostile. */
#define CEP_NPY_MAX_HEADER     (1024 * 1024)
/* Longer strings than this per element are not data anyone means to load. */
#define CEP_NPY_MAX_ITEMSIZE   (1024 * 1024)

struct _CepNpy
{
  char         *path;
  char         *descr;
  CepNpyInfo    info;
  int           fd;        /* kept open until the data is loaded, so float32 reads can pread */
  GMutex        lock;      /* serializes the lazy load: readers take a const CepNpy */
  gboolean      loaded;
  const guint8 *data;      /* info.data_size bytes once loaded */
  gpointer      map;
  gsize         map_size;
  guint8       *owned;
};

/* Sets @error to "NAME: message". */
G_GNUC_PRINTF (4, 5)
void          _cep_npy_set_error          (GError           **error,
                                           CepNpyError        code,
                                           const char        *name,
                                           const char        *format,
                                           ...);

/* The data offset that the fixed-size preamble (magic, version, header length) announces,
 * checked against @file_size. @bytes holds the first @n_bytes bytes of the file. */
gboolean      _cep_npy_parse_preamble     (const guint8      *bytes,
                                           gsize              n_bytes,
                                           guint64            file_size,
                                           const char        *name,
                                           gsize             *data_offset,
                                           GError           **error);
/* Validates the whole header; @bytes must hold at least the data offset's worth of bytes.
 * @descr (may be NULL) receives the dtype string. */
gboolean      _cep_npy_parse_header       (const guint8      *bytes,
                                           gsize              n_bytes,
                                           guint64            file_size,
                                           const char        *name,
                                           CepNpyInfo        *info,
                                           char             **descr,
                                           GError           **error);
/* "(3, 4)", "(3,)" or "()", as Python writes tuples. */
char         *_cep_npy_format_shape       (const gsize       *shape,
                                           guint              n_dims);
/* "<f4", "|b1", "<U5": the descr NumPy writes for a layout; NULL if the layout is invalid. */
char         *_cep_npy_format_descr       (CepNpyKind         kind,
                                           gsize              itemsize,
                                           gboolean           big_endian);
/* Element count and byte size of a shape, FALSE on overflow. */
gboolean      _cep_npy_shape_size         (const gsize       *shape,
                                           guint              n_dims,
                                           gsize              itemsize,
                                           gsize             *n_elements,
                                           gsize             *n_bytes);

/* The element bytes, loaded on first use. */
const guint8 *_cep_npy_get_data           (const CepNpy      *npy,
                                           GError           **error);
/* Copies the element bytes into @dest: straight from the file (one pread) when they have not
 * been loaded, else from memory. */
gboolean      _cep_npy_copy_data          (const CepNpy      *npy,
                                           void              *dest,
                                           GError           **error);

G_END_DECLS
