/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-safetensors.c: opening .safetensors files and converting their tensors.
 *
 * Owns the CepSafetensors lifetime (the file stays mapped while it is open), lookups by name and
 * the element conversions to float32 and int64. Elements are read byte-wise as little-endian,
 * so neither the file's alignment nor the host's byte order matters.
 *
 * It must not parse headers (cep-safetensors-header.c) nor write files
 * (cep-safetensors-write.c).
 */
#define G_LOG_DOMAIN "cepstra-safetensors"

#include "cep-safetensors-private.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (cep-safetensors-error-quark, cep_safetensors_error)

struct _CepSafetensors
{
  char                 *name;
  GBytes               *bytes;
  CepSafetensorsHeader  header;
  GHashTable           *by_name;        /* name -> CepSafetensor* (borrowed) */
  char                **metadata_keys;  /* sorted */
};

void
cep_safetensors_free (CepSafetensors *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->by_name, g_hash_table_unref);
  _cep_safetensors_header_clear (&self->header);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_strfreev (self->metadata_keys);
  g_free (self->name);
  g_free (self);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
index_tensors_and_metadata (CepSafetensors *self)
{
  g_autofree gpointer *keys = NULL;
  guint n_keys = 0;

  self->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < self->header.tensors->len; i++)
    {
      CepSafetensor *tensor = g_ptr_array_index (self->header.tensors, i);
      g_hash_table_insert (self->by_name, (gpointer) tensor->name, tensor);
    }
  keys = g_hash_table_get_keys_as_array (self->header.metadata, &n_keys);
  qsort (keys, n_keys, sizeof (gpointer), compare_strings);
  self->metadata_keys = g_new0 (char *, n_keys + 1);
  for (guint i = 0; i < n_keys; i++)
    self->metadata_keys[i] = g_strdup (keys[i]);
}

/* Takes @bytes. */
static CepSafetensors *
new_from_bytes (GBytes      *bytes,
                const char  *name,
                GError     **error)
{
  CepSafetensors *self = g_new0 (CepSafetensors, 1);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  self->name = g_strdup (name);
  self->bytes = bytes;
  if (!_cep_safetensors_header_parse (&self->header, data, size, name, error))
    {
      cep_safetensors_free (self);
      return NULL;
    }
  index_tensors_and_metadata (self);
  return self;
}

CepSafetensors *
cep_safetensors_open (const char  *path,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GMappedFile *mapped;
  GBytes *bytes;

  g_return_val_if_fail (path != NULL, NULL);

  mapped = g_mapped_file_new (path, FALSE, &local_error);
  if (mapped == NULL)
    {
      /* GLib's message already names the file. */
      g_set_error_literal (error, CEP_SAFETENSORS_ERROR, CEP_SAFETENSORS_ERROR_IO,
                           local_error->message);
      return NULL;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  g_mapped_file_unref (mapped);
  return new_from_bytes (bytes, path, error);
}

CepSafetensors *
cep_safetensors_new_from_data (const void  *data,
                               gsize        size,
                               const char  *name,
                               GError     **error)
{
  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return new_from_bytes (g_bytes_new (data, size), name, error);
}

const char *
cep_safetensors_get_name (const CepSafetensors *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

guint
cep_safetensors_get_n_tensors (const CepSafetensors *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->header.tensors->len;
}

const CepSafetensor *
cep_safetensors_get_tensor (const CepSafetensors *self,
                            guint                 index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->header.tensors->len, NULL);
  return g_ptr_array_index (self->header.tensors, index);
}

const CepSafetensor *
cep_safetensors_lookup (const CepSafetensors  *self,
                        const char            *name,
                        GError               **error)
{
  const CepSafetensor *tensor;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  tensor = g_hash_table_lookup (self->by_name, name);
  if (tensor == NULL)
    _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_NOT_FOUND, self->name,
                                "no tensor called %s", name);
  return tensor;
}

const char *
cep_safetensors_get_metadata (const CepSafetensors *self,
                              const char           *key)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  return g_hash_table_lookup (self->header.metadata, key);
}

const char * const *
cep_safetensors_get_metadata_keys (const CepSafetensors *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->metadata_keys;
}

static char *
format_shape (guint        n_dims,
              const gsize *shape)
{
  GString *text = g_string_new ("[");

  for (guint i = 0; i < n_dims; i++)
    g_string_append_printf (text, "%s%" G_GSIZE_FORMAT, i > 0 ? ", " : "", shape[i]);
  g_string_append_c (text, ']');
  return g_string_free (text, FALSE);
}

static gboolean
shape_matches (const CepSafetensor *tensor,
               guint                n_dims,
               const gsize         *shape,
               gsize                n_elements)
{
  if (tensor->n_elements != n_elements)
    return FALSE;
  if (n_dims == 0)
    return TRUE;
  return tensor->n_dims == n_dims
         && memcmp (tensor->shape, shape, n_dims * sizeof (gsize)) == 0;
}

/* The tensor called @name, if it has the asked-for shape or element count. */
static const CepSafetensor *
lookup_with_shape (const CepSafetensors  *self,
                   const char            *name,
                   guint                  n_dims,
                   const gsize           *shape,
                   gsize                  n_elements,
                   GError               **error)
{
  const CepSafetensor *tensor = cep_safetensors_lookup (self, name, error);
  g_autofree char *have = NULL;
  g_autofree char *want = NULL;

  if (tensor == NULL || shape_matches (tensor, n_dims, shape, n_elements))
    return tensor;
  have = format_shape (tensor->n_dims, tensor->shape);
  want = n_dims > 0 ? format_shape (n_dims, shape)
                    : g_strdup_printf ("%" G_GSIZE_FORMAT " elements", n_elements);
  _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_SHAPE, self->name,
                              "%s: shape %s, expected %s", name, have, want);
  return NULL;
}

static guint64
load_le (const guint8 *bytes,
         gsize         size)
{
  guint64 value = 0;

  for (gsize i = size; i > 0; i--)
    value = value << 8 | bytes[i - 1];
  return value;
}

static float
float_from_bits (guint32 bits)
{
  float value;

  memcpy (&value, &bits, sizeof value);
  return value;
}

/* IEEE binary16 to binary32, subnormals, infinities and NaN included. */
static float
half_to_float (guint16 half)
{
  guint32 sign = (guint32) (half >> 15) << 31;
  guint32 exponent = (half >> 10) & 0x1f;
  guint32 mantissa = half & 0x3ff;

  if (exponent == 0x1f)
    return float_from_bits (sign | 0x7f800000u | mantissa << 13);
  if (exponent == 0)
    {
      float magnitude = ldexpf ((float) mantissa, -24);
      return sign ? -magnitude : magnitude;
    }
  return float_from_bits (sign | (exponent + 112) << 23 | mantissa << 13);
}

static float
element_to_float (CepSafetensorsDtype  dtype,
                  const guint8        *bytes)
{
  guint64 bits;
  double value;

  switch (dtype)
    {
    case CEP_SAFETENSORS_DTYPE_F32:
      return float_from_bits ((guint32) load_le (bytes, 4));
    case CEP_SAFETENSORS_DTYPE_F16:
      return half_to_float ((guint16) load_le (bytes, 2));
    case CEP_SAFETENSORS_DTYPE_BF16:
      return float_from_bits ((guint32) load_le (bytes, 2) << 16);
    case CEP_SAFETENSORS_DTYPE_F64:
      bits = load_le (bytes, 8);
      memcpy (&value, &bits, sizeof value);
      return (float) value;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_float_dtype (CepSafetensorsDtype dtype)
{
  return dtype == CEP_SAFETENSORS_DTYPE_F32 || dtype == CEP_SAFETENSORS_DTYPE_F16
         || dtype == CEP_SAFETENSORS_DTYPE_BF16 || dtype == CEP_SAFETENSORS_DTYPE_F64;
}

gboolean
cep_safetensors_read_f32 (const CepSafetensors  *self,
                          const char            *name,
                          guint                  n_dims,
                          const gsize           *shape,
                          float                 *dest,
                          gsize                  n_elements,
                          GError               **error)
{
  const CepSafetensor *tensor;
  gsize size;

  g_return_val_if_fail (self != NULL && name != NULL, FALSE);
  g_return_val_if_fail (dest != NULL || n_elements == 0, FALSE);

  tensor = lookup_with_shape (self, name, n_dims, shape, n_elements, error);
  if (tensor == NULL)
    return FALSE;
  if (!is_float_dtype (tensor->dtype))
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_DTYPE, self->name,
                                  "%s: dtype %s cannot be read as float32", name,
                                  cep_safetensors_dtype_to_string (tensor->dtype));
      return FALSE;
    }
  size = cep_safetensors_dtype_size (tensor->dtype);
  if (tensor->dtype == CEP_SAFETENSORS_DTYPE_F32 && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    {
      /* The common case, a checkpoint of our own: the bytes are the floats. */
      if (n_elements > 0)
        memcpy (dest, tensor->data, tensor->n_bytes);
      return TRUE;
    }
  for (gsize i = 0; i < n_elements; i++)
    dest[i] = element_to_float (tensor->dtype, tensor->data + i * size);
  return TRUE;
}

static gboolean
is_signed_dtype (CepSafetensorsDtype dtype)
{
  return dtype == CEP_SAFETENSORS_DTYPE_I8 || dtype == CEP_SAFETENSORS_DTYPE_I16
         || dtype == CEP_SAFETENSORS_DTYPE_I32 || dtype == CEP_SAFETENSORS_DTYPE_I64;
}

/* FALSE only for a U64 value above G_MAXINT64. */
static gboolean
element_to_int (CepSafetensorsDtype  dtype,
                const guint8        *bytes,
                gint64              *value)
{
  gsize size = cep_safetensors_dtype_size (dtype);
  guint64 bits = load_le (bytes, size);
  guint shift = (guint) (64 - 8 * size);

  if (dtype == CEP_SAFETENSORS_DTYPE_BOOL)
    *value = bits != 0;
  else if (is_signed_dtype (dtype))
    *value = shift == 0 ? (gint64) bits : (gint64) (bits << shift) >> shift;
  else if (bits > G_MAXINT64)
    return FALSE;
  else
    *value = (gint64) bits;
  return TRUE;
}

gboolean
cep_safetensors_read_i64 (const CepSafetensors  *self,
                          const char            *name,
                          guint                  n_dims,
                          const gsize           *shape,
                          gint64                *dest,
                          gsize                  n_elements,
                          GError               **error)
{
  const CepSafetensor *tensor;
  gsize size;

  g_return_val_if_fail (self != NULL && name != NULL, FALSE);
  g_return_val_if_fail (dest != NULL || n_elements == 0, FALSE);

  tensor = lookup_with_shape (self, name, n_dims, shape, n_elements, error);
  if (tensor == NULL)
    return FALSE;
  if (is_float_dtype (tensor->dtype))
    {
      _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_DTYPE, self->name,
                                  "%s: dtype %s cannot be read as int64", name,
                                  cep_safetensors_dtype_to_string (tensor->dtype));
      return FALSE;
    }
  size = cep_safetensors_dtype_size (tensor->dtype);
  for (gsize i = 0; i < n_elements; i++)
    if (!element_to_int (tensor->dtype, tensor->data + i * size, &dest[i]))
      {
        _cep_safetensors_set_error (error, CEP_SAFETENSORS_ERROR_DTYPE, self->name,
                                    "%s: element %" G_GSIZE_FORMAT " does not fit in int64",
                                    name, i);
        return FALSE;
      }
  return TRUE;
}
