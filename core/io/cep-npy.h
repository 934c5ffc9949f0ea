/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-npy.h: reading and writing NumPy .npy files.
 *
 * Owns the .npy format: header parsing and validation (versions 1.0, 2.0, 3.0), every plain
 * dtype NumPy writes for numbers and strings, both byte orders and both memory orders, and
 * conversion to the few in-memory forms the rest of Cepstra uses (float32 C-order matrices,
 * int64 vectors, UTF-8 strings). Files are untrusted: object arrays (pickles) are refused,
 * never executed, and a header must describe exactly the bytes the file holds.
 *
 * It must not know about datasets, phonemes or partitions.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CEP_NPY_ERROR (cep_npy_error_quark ())
GQuark cep_npy_error_quark (void);

typedef enum
{
  CEP_NPY_ERROR_IO,          /* could not open, read, map or write the file */
  CEP_NPY_ERROR_MAGIC,       /* not an .npy file */
  CEP_NPY_ERROR_VERSION,     /* unknown format version */
  CEP_NPY_ERROR_HEADER,      /* header is truncated or not a valid dictionary */
  CEP_NPY_ERROR_DTYPE,       /* unknown or unsupported dtype */
  CEP_NPY_ERROR_OBJECT,      /* object dtype (pickled data): refused on purpose */
  CEP_NPY_ERROR_SIZE,        /* shape x itemsize disagrees with the file size, or overflows */
  CEP_NPY_ERROR_SHAPE,       /* shape is not what the caller asked for */
  CEP_NPY_ERROR_CONVERSION,  /* values cannot be converted (e.g. strings to floats) */
} CepNpyError;

typedef enum
{
  CEP_NPY_KIND_BOOL,
  CEP_NPY_KIND_INT,      /* signed integer, itemsize 1, 2, 4 or 8 */
  CEP_NPY_KIND_UINT,     /* unsigned integer, itemsize 1, 2, 4 or 8 */
  CEP_NPY_KIND_FLOAT,    /* IEEE float, itemsize 2, 4 or 8 */
  CEP_NPY_KIND_UNICODE,  /* '<Un': n UCS-4 code points per element, itemsize 4n */
  CEP_NPY_KIND_BYTES,    /* '|Sn': n bytes per element, NUL padded */
} CepNpyKind;

#define CEP_NPY_MAX_DIMS 32

/* An opened .npy file. The data stays in the file until converted: native float32 in C order
 * goes straight from the file into the caller's buffer (one pread); other conversions load
 * the data first, reading it when small and memory-mapping it when large (over 4 MiB; read
 * where mapping fails). An open CepNpy holds a file descriptor until its data is loaded or
 * it is freed, so open, convert and free one file at a time when loading thousands. */
typedef struct _CepNpy CepNpy;

/* What a header says, validated against the file size (see cep_npy_read_info()). */
typedef struct
{
  CepNpyKind kind;
  gsize      itemsize;
  gboolean   big_endian;      /* FALSE for single-byte elements (bool, i1, u1, S) */
  gboolean   fortran_order;
  guint      n_dims;
  gsize      shape[CEP_NPY_MAX_DIMS];
  gsize      n_elements;      /* product of shape (1 for 0-D) */
  gsize      data_offset;     /* where the element bytes start in the file */
  gsize      data_size;       /* n_elements x itemsize, exactly what follows the header */
} CepNpyInfo;

/* Reads and validates only the header of @path (a few hundred bytes and an fstat, no mapping),
 * so a caller can size its buffers in a first pass over many files. */
gboolean      cep_npy_read_info          (const char    *path,
                                          CepNpyInfo    *info,
                                          GError       **error);

/* Opens and validates @path. Errors name the file and the problem. */
CepNpy       *cep_npy_open               (const char    *path,
                                          GError       **error);
/* Parses an in-memory image of a file (the element bytes are copied, @data may go away
 * afterwards); @name is used in error messages (fuzzing, tests). */
CepNpy       *cep_npy_new_from_data      (const void    *data,
                                          gsize          size,
                                          const char    *name,
                                          GError       **error);
void          cep_npy_free               (CepNpy        *npy);

const char   *cep_npy_get_path           (const CepNpy  *npy);
CepNpyKind    cep_npy_get_kind           (const CepNpy  *npy);
gsize         cep_npy_get_itemsize       (const CepNpy  *npy);
guint         cep_npy_get_n_dims         (const CepNpy  *npy);
const gsize  *cep_npy_get_shape          (const CepNpy  *npy);
gsize         cep_npy_get_n_elements     (const CepNpy  *npy);
gboolean      cep_npy_is_fortran_order   (const CepNpy  *npy);
gboolean      cep_npy_is_big_endian      (const CepNpy  *npy);
/* The dtype as written in the header, e.g. "<f4" (for messages). */
const char   *cep_npy_get_descr          (const CepNpy  *npy);
/* The validated header. */
const CepNpyInfo *cep_npy_get_info       (const CepNpy  *npy);
/* Raw element bytes exactly as stored (file byte order and memory order), cep_npy_get_info()
 * ->data_size of them. Maps (or reads) the data on first use; NULL if that fails. */
const void   *cep_npy_get_raw_data       (const CepNpy  *npy);

/* Shape as (rows, cols): 2-D arrays as they are, 1-D as (n, 1), 0-D as (1, 1).
 * Fails with CEP_NPY_ERROR_SHAPE for 3-D and more. */
gboolean      cep_npy_get_matrix_shape   (const CepNpy  *npy,
                                          gsize         *n_rows,
                                          gsize         *n_cols,
                                          GError       **error);

/* Converts a numeric or bool array to float32 in C (row-major) order into @dest, which holds
 * cep_npy_get_n_elements() floats. Any byte order, memory order and numeric dtype. */
gboolean      cep_npy_read_float32       (const CepNpy  *npy,
                                          float         *dest,
                                          GError       **error);

/* Converts an integer or bool array (any width, either sign) to int64 in C order. Floats are
 * refused unless every value is integral. */
gboolean      cep_npy_read_int64         (const CepNpy  *npy,
                                          gint64        *dest,
                                          GError       **error);

/* A string array ('<Un', '>Un' or '|Sn') as NUL-terminated UTF-8 strings in C order.
 * Returns a NULL-terminated vector (g_strfreev) of cep_npy_get_n_elements() strings. */
char        **cep_npy_read_strings       (const CepNpy  *npy,
                                          GError       **error);

/* Writing. Files are written to a temporary sibling, fsync'ed and renamed, so a failure
 * (full disk, permissions) leaves any previous file intact and reports the path and errno. */

typedef struct
{
  CepNpyKind   kind;
  gsize        itemsize;
  gboolean     big_endian;     /* only meaningful for itemsize > 1 */
  gboolean     fortran_order;  /* @data is in Fortran order */
  guint        n_dims;
  const gsize *shape;
} CepNpyLayout;

/* Writes raw element bytes described by @layout (bytes already in the stated byte order). The
 * smallest format version that fits the header is used (1.0, else 2.0; 3.0 never needed
 * for ASCII headers). */
gboolean      cep_npy_write              (const char          *path,
                                          const CepNpyLayout  *layout,
                                          const void          *data,
                                          GError             **error);

/* The bytes cep_npy_write() would write, in memory (header and data). @name is used in
 * error messages. */
GBytes       *cep_npy_serialize          (const CepNpyLayout  *layout,
                                          const void          *data,
                                          const char          *name,
                                          GError             **error);

/* Convenience: a C-order little-endian float32 array. */
gboolean      cep_npy_write_float32      (const char    *path,
                                          const float   *data,
                                          guint          n_dims,
                                          const gsize   *shape,
                                          GError       **error);

/* Convenience: a 1-D little-endian int64 array. */
gboolean      cep_npy_write_int64        (const char    *path,
                                          const gint64  *data,
                                          gsize          n,
                                          GError       **error);

/* Convenience: a 1-D '<Un' array of ASCII/UTF-8 strings; n = longest string in code points. */
gboolean      cep_npy_write_strings      (const char         *path,
                                          const char * const *strings,
                                          gsize               n_strings,
                                          GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepNpy, cep_npy_free)

G_END_DECLS
