/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-safetensors.h: reading and writing .safetensors files (checkpoints).
 *
 * The format: an 8-byte little-endian header length N, N bytes of a JSON object mapping tensor
 * names to {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the byte
 * buffer after the header) plus an optional "__metadata__" string-to-string map, then the byte
 * buffer, little-endian, C order. Files are untrusted: the header must be a JSON object of
 * exactly that form, every tensor's byte count must match its shape and dtype, and the tensors
 * must tile the buffer with no hole, overlap or byte left over (as the reference
 * implementation demands). All size arithmetic is overflow-checked.
 *
 * Reading converts F32, F16, BF16 and F64 to float32 and the integer types to int64. Writing
 * produces F32 and I64 tensors in the order added, pads the header with spaces so the buffer
 * starts 8-byte aligned, and replaces the target atomically (temporary sibling, fsync,
 * rename, fsync of the folder).
 *
 * It must not know model layouts or tensor naming: that is the caller's (CepModelSpec).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CEP_SAFETENSORS_ERROR (cep_safetensors_error_quark ())
GQuark cep_safetensors_error_quark (void);

typedef enum
{
  CEP_SAFETENSORS_ERROR_IO,          /* could not open, read, map or write the file */
  CEP_SAFETENSORS_ERROR_NO_SPACE,    /* the disk filled up while writing */
  CEP_SAFETENSORS_ERROR_HEADER,      /* header length, JSON or structure is invalid */
  CEP_SAFETENSORS_ERROR_DTYPE,       /* unknown dtype, or one that cannot be converted */
  CEP_SAFETENSORS_ERROR_LAYOUT,      /* offsets disagree with shapes, overlap, leave holes */
  CEP_SAFETENSORS_ERROR_NOT_FOUND,   /* no tensor of that name */
  CEP_SAFETENSORS_ERROR_SHAPE,       /* the tensor's shape is not the one asked for */
  CEP_SAFETENSORS_ERROR_INVALID,     /* a bad argument to the writer (duplicate name, ...) */
} CepSafetensorsError;

typedef enum
{
  CEP_SAFETENSORS_DTYPE_BOOL,
  CEP_SAFETENSORS_DTYPE_U8,
  CEP_SAFETENSORS_DTYPE_I8,
  CEP_SAFETENSORS_DTYPE_U16,
  CEP_SAFETENSORS_DTYPE_I16,
  CEP_SAFETENSORS_DTYPE_F16,
  CEP_SAFETENSORS_DTYPE_BF16,
  CEP_SAFETENSORS_DTYPE_U32,
  CEP_SAFETENSORS_DTYPE_I32,
  CEP_SAFETENSORS_DTYPE_F32,
  CEP_SAFETENSORS_DTYPE_U64,
  CEP_SAFETENSORS_DTYPE_I64,
  CEP_SAFETENSORS_DTYPE_F64,
} CepSafetensorsDtype;

#define CEP_SAFETENSORS_MAX_DIMS 8
/* The reference implementation's cap on the JSON header; larger headers are refused. */
#define CEP_SAFETENSORS_MAX_HEADER (100 * 1024 * 1024)

/* The name as written in headers ("F32"), and its size in bytes. */
const char *cep_safetensors_dtype_to_string (CepSafetensorsDtype dtype);
gsize       cep_safetensors_dtype_size      (CepSafetensorsDtype dtype);

/* One tensor of an opened file. Valid while the file is open. */
typedef struct
{
  const char          *name;
  CepSafetensorsDtype  dtype;
  guint                n_dims;
  gsize                shape[CEP_SAFETENSORS_MAX_DIMS];
  gsize                n_elements;
  gsize                n_bytes;
  const guint8        *data;      /* little-endian element bytes, not necessarily aligned */
} CepSafetensor;

typedef struct _CepSafetensors CepSafetensors;

/* Maps and validates @path. Errors name the file and the problem. */
CepSafetensors      *cep_safetensors_open             (const char            *path,
                                                       GError               **error);
/* Parses a copy of an in-memory image; @name is used in messages (tests, fuzzing). */
CepSafetensors      *cep_safetensors_new_from_data    (const void            *data,
                                                       gsize                  size,
                                                       const char            *name,
                                                       GError               **error);
void                 cep_safetensors_free             (CepSafetensors        *self);

const char          *cep_safetensors_get_name         (const CepSafetensors  *self);
/* Tensors in the order of their data in the file. */
guint                cep_safetensors_get_n_tensors    (const CepSafetensors  *self);
const CepSafetensor *cep_safetensors_get_tensor       (const CepSafetensors  *self,
                                                       guint                  index);
/* NULL (and @error set when given) if there is no tensor called @name. */
const CepSafetensor *cep_safetensors_lookup           (const CepSafetensors  *self,
                                                       const char            *name,
                                                       GError               **error);
/* The "__metadata__" value for @key, or NULL. Keys are sorted. */
const char          *cep_safetensors_get_metadata     (const CepSafetensors  *self,
                                                       const char            *key);
const char * const  *cep_safetensors_get_metadata_keys (const CepSafetensors *self);

/* Converts the tensor called @name to float32 into @dest. When @n_dims > 0 the tensor must have
 * exactly that shape (CEP_SAFETENSORS_ERROR_SHAPE otherwise); with @n_dims == 0 only its
 * element count must equal @n_elements. Accepts F32, F16, BF16, F64. */
gboolean             cep_safetensors_read_f32         (const CepSafetensors  *self,
                                                       const char            *name,
                                                       guint                  n_dims,
                                                       const gsize           *shape,
                                                       float                 *dest,
                                                       gsize                  n_elements,
                                                       GError               **error);
/* The same for integers (BOOL, U8 ... I64) to int64; U64 above G_MAXINT64 is refused. */
gboolean             cep_safetensors_read_i64         (const CepSafetensors  *self,
                                                       const char            *name,
                                                       guint                  n_dims,
                                                       const gsize           *shape,
                                                       gint64                *dest,
                                                       gsize                  n_elements,
                                                       GError               **error);

/* Collects tensors and metadata, then writes them in one go. Tensor data is borrowed: it must
 * stay valid until cep_safetensors_writer_write() returns or the writer is freed. */
typedef struct _CepSafetensorsWriter CepSafetensorsWriter;

CepSafetensorsWriter *cep_safetensors_writer_new          (void);
void                  cep_safetensors_writer_free         (CepSafetensorsWriter  *writer);
/* Adds or replaces one "__metadata__" entry (both strings UTF-8, copied). */
void                  cep_safetensors_writer_set_metadata (CepSafetensorsWriter  *writer,
                                                           const char            *key,
                                                           const char            *value);
/* Fails on an empty, duplicate, "__metadata__" or non-UTF-8 name, or too many dimensions. */
gboolean              cep_safetensors_writer_add_f32      (CepSafetensorsWriter  *writer,
                                                           const char            *name,
                                                           guint                  n_dims,
                                                           const gsize           *shape,
                                                           const float           *data,
                                                           GError               **error);
gboolean              cep_safetensors_writer_add_i64      (CepSafetensorsWriter  *writer,
                                                           const char            *name,
                                                           guint                  n_dims,
                                                           const gsize           *shape,
                                                           const gint64          *data,
                                                           GError               **error);
/* Writes @path atomically. A full disk is CEP_SAFETENSORS_ERROR_NO_SPACE; on any failure the
 * temporary file is removed and an existing @path is left untouched. */
gboolean              cep_safetensors_writer_write        (CepSafetensorsWriter  *writer,
                                                           const char            *path,
                                                           GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepSafetensors, cep_safetensors_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepSafetensorsWriter, cep_safetensors_writer_free)

G_END_DECLS
