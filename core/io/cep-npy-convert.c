/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-npy-convert.c: element conversion for CepNpy.
 *
 * Owns turning stored elements (any byte order, either memory order) into float32, int64 or
 * UTF-8 strings in C order, refusing values that cannot be represented. Native float32 in C
 * order is a plain copy from the file, since that is what datasets are made of.
 *
 * It must not open files or parse headers.
 */
#define G_LOG_DOMAIN "cepstra-io"

#include "cep-npy-private.h"

#include <math.h>
#include <string.h>

/* Walks the elements in C order, giving each one's position in storage order. */
typedef struct
{
  const CepNpyInfo *info;
  gsize             next;                      /* C order: the next index */
  gsize             index[CEP_NPY_MAX_DIMS];   /* Fortran order: the current multi-index */
  gsize             stride[CEP_NPY_MAX_DIMS];  /* Fortran order: element strides */
  gsize             offset;                    /* Fortran order: the current position */
} CepNpyCursor;

static void
cursor_init (CepNpyCursor     *cursor,
             const CepNpyInfo *info)
{
  memset (cursor, 0, sizeof *cursor);
  cursor->info = info;
  /* The strides never overflow: the header check bounded the product of the dimensions. */
  for (guint k = 0; k < info->n_dims; k++)
    cursor->stride[k] = k == 0 ? 1 : cursor->stride[k - 1] * info->shape[k - 1];
}

static gsize
cursor_next (CepNpyCursor *cursor)
{
  const CepNpyInfo *info = cursor->info;
  gsize current = cursor->offset;

  if (!info->fortran_order || info->n_dims < 2)
    return cursor->next++;
  for (guint k = info->n_dims; k-- > 0;)
    {
      cursor->index[k]++;
      cursor->offset += cursor->stride[k];
      if (cursor->index[k] < info->shape[k])
        break;
      cursor->offset -= cursor->stride[k] * info->shape[k];
      cursor->index[k] = 0;
    }
  return current;
}

/* An unsigned integer of @size bytes in the given byte order. */
static guint64
load_bits (const guint8 *p,
           gsize         size,
           gboolean      big_endian)
{
  guint16 u16;
  guint32 u32;
  guint64 u64;

  switch (size)
    {
    case 1:
      return p[0];
    case 2:
      memcpy (&u16, p, 2);
      return big_endian ? GUINT16_FROM_BE (u16) : GUINT16_FROM_LE (u16);
    case 4:
      memcpy (&u32, p, 4);
      return big_endian ? GUINT32_FROM_BE (u32) : GUINT32_FROM_LE (u32);
    default:
      memcpy (&u64, p, 8);
      return big_endian ? GUINT64_FROM_BE (u64) : GUINT64_FROM_LE (u64);
    }
}

static gint64
sign_extend (guint64 bits,
             gsize   size)
{
  guint shift = (guint) (64 - 8 * size);

  return (gint64) (bits << shift) >> shift;
}

/* IEEE binary16 to binary32, exactly: every half value is representable as a float. */
static float
half_to_float (guint16 half)
{
  guint32 sign = (guint32) (half & 0x8000) << 16;
  guint32 exponent = (half >> 10) & 0x1f;
  guint32 mantissa = half & 0x3ff;
  guint32 bits;
  float value;

  if (exponent == 0)
    {
      /* Zero or subnormal: mantissa x 2^-24. */
      value = ldexpf ((float) mantissa, -24);
      return sign ? -value : value;
    }
  if (exponent == 31)
    bits = sign | 0x7f800000u | mantissa << 13;    /* infinity, or NaN keeping its payload */
  else
    bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
  memcpy (&value, &bits, sizeof value);
  return value;
}

static double
bits_to_double (guint64 bits,
                gsize   size)
{
  guint32 u32 = (guint32) bits;
  float f;
  double d;

  if (size == 2)
    return half_to_float ((guint16) bits);
  if (size == 4)
    {
      memcpy (&f, &u32, sizeof f);
      return f;
    }
  memcpy (&d, &bits, sizeof d);
  return d;
}

static float
element_to_float (const CepNpyInfo *info,
                  const guint8     *p)
{
  guint64 bits = load_bits (p, info->itemsize, info->big_endian);

  switch (info->kind)
    {
    case CEP_NPY_KIND_BOOL:
      return bits != 0 ? 1.0f : 0.0f;
    case CEP_NPY_KIND_INT:
      return (float) sign_extend (bits, info->itemsize);
    case CEP_NPY_KIND_UINT:
      return (float) bits;
    case CEP_NPY_KIND_FLOAT:
      return info->itemsize == 2 ? half_to_float ((guint16) bits)
                                 : (float) bits_to_double (bits, info->itemsize);
    case CEP_NPY_KIND_UNICODE:
    case CEP_NPY_KIND_BYTES:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_string_kind (CepNpyKind kind)
{
  return kind == CEP_NPY_KIND_UNICODE || kind == CEP_NPY_KIND_BYTES;
}

static gboolean
refuse_kind (const CepNpy  *npy,
             const char    *target,
             GError       **error)
{
  _cep_npy_set_error (error, CEP_NPY_ERROR_CONVERSION, npy->path,
                      "cannot read dtype '%s' as %s", npy->descr, target);
  return FALSE;
}

static gboolean
is_plain_copy (const CepNpyInfo *info)
{
  return info->kind == CEP_NPY_KIND_FLOAT && info->itemsize == 4
         && info->big_endian == (G_BYTE_ORDER == G_BIG_ENDIAN)
         && (!info->fortran_order || info->n_dims < 2);
}

gboolean
cep_npy_read_float32 (const CepNpy  *npy,
                      float         *dest,
                      GError       **error)
{
  const CepNpyInfo *info;
  const guint8 *data;
  CepNpyCursor cursor;

  g_return_val_if_fail (npy != NULL, FALSE);
  g_return_val_if_fail (dest != NULL || npy->info.n_elements == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  info = &npy->info;
  if (is_string_kind (info->kind))
    return refuse_kind (npy, "float32", error);
  if (is_plain_copy (info))
    return _cep_npy_copy_data (npy, dest, error);
  data = _cep_npy_get_data (npy, error);
  if (data == NULL)
    return FALSE;
  cursor_init (&cursor, info);
  for (gsize i = 0; i < info->n_elements; i++)
    dest[i] = element_to_float (info, data + cursor_next (&cursor) * info->itemsize);
  return TRUE;
}

/* 2^63 as a double: the first value past the int64 range. */
#define TWO_TO_63 9223372036854775808.0

static gboolean
element_to_int64 (const CepNpy  *npy,
                  const guint8  *p,
                  gsize          index,
                  gint64        *value,
                  GError       **error)
{
  const CepNpyInfo *info = &npy->info;
  guint64 bits = load_bits (p, info->itemsize, info->big_endian);
  double d;

  switch (info->kind)
    {
    case CEP_NPY_KIND_BOOL:
      *value = bits != 0;
      return TRUE;
    case CEP_NPY_KIND_INT:
      *value = sign_extend (bits, info->itemsize);
      return TRUE;
    case CEP_NPY_KIND_UINT:
      if (bits <= G_MAXINT64)
        {
          *value = (gint64) bits;
          return TRUE;
        }
      _cep_npy_set_error (error, CEP_NPY_ERROR_CONVERSION, npy->path,
                          "element %" G_GSIZE_FORMAT " (%" G_GUINT64_FORMAT ") does not fit "
                          "in int64", index, bits);
      return FALSE;
    default:
      d = bits_to_double (bits, info->itemsize);
      *value = d >= -TWO_TO_63 && d < TWO_TO_63 ? (gint64) d : 0;
      if (d == floor (d) && d >= -TWO_TO_63 && d < TWO_TO_63)
        return TRUE;
      _cep_npy_set_error (error, CEP_NPY_ERROR_CONVERSION, npy->path,
                          "element %" G_GSIZE_FORMAT " (%g) is not an integer", index, d);
      return FALSE;
    }
}

gboolean
cep_npy_read_int64 (const CepNpy  *npy,
                    gint64        *dest,
                    GError       **error)
{
  const CepNpyInfo *info;
  const guint8 *data;
  CepNpyCursor cursor;

  g_return_val_if_fail (npy != NULL, FALSE);
  g_return_val_if_fail (dest != NULL || npy->info.n_elements == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  info = &npy->info;
  if (is_string_kind (info->kind))
    return refuse_kind (npy, "integers", error);
  data = _cep_npy_get_data (npy, error);
  if (data == NULL)
    return FALSE;
  cursor_init (&cursor, info);
  for (gsize i = 0; i < info->n_elements; i++)
    if (!element_to_int64 (npy, data + cursor_next (&cursor) * info->itemsize, i, &dest[i],
                           error))
      return FALSE;
  return TRUE;
}

static gboolean
is_valid_code_point (guint32 c)
{
  return c <= 0x10ffff && (c < 0xd800 || c > 0xdfff);
}

/* One '<Un'/'>Un' element: UCS-4 code points, NUL padded at the end. */
static char *
unicode_to_utf8 (const CepNpy  *npy,
                 const guint8  *p,
                 gsize          index,
                 GError       **error)
{
  gsize n = npy->info.itemsize / 4;
  g_autofree char *out = NULL;
  gsize length = 0;

  while (n > 0 && load_bits (p + 4 * (n - 1), 4, npy->info.big_endian) == 0)
    n--;
  /* Valid code points take at most 4 bytes of UTF-8. */
  out = g_malloc (n * 4 + 1);
  for (gsize i = 0; i < n; i++)
    {
      guint32 c = (guint32) load_bits (p + 4 * i, 4, npy->info.big_endian);
      if (c == 0 || !is_valid_code_point (c))
        {
          _cep_npy_set_error (error, CEP_NPY_ERROR_CONVERSION, npy->path,
                              "element %" G_GSIZE_FORMAT " holds %s U+%04X", index,
                              c == 0 ? "an embedded NUL character" : "an invalid code point", c);
          return NULL;
        }
      length += (gsize) g_unichar_to_utf8 (c, out + length);
    }
  out[length] = '\0';
  return g_steal_pointer (&out);
}

/* One '|Sn' element: bytes, NUL padded at the end, which must be UTF-8 to be text. */
static char *
bytes_to_utf8 (const CepNpy  *npy,
               const guint8  *p,
               gsize          index,
               GError       **error)
{
  gsize n = npy->info.itemsize;

  while (n > 0 && p[n - 1] == 0)
    n--;
  if (memchr (p, 0, n) != NULL)
    _cep_npy_set_error (error, CEP_NPY_ERROR_CONVERSION, npy->path,
                        "element %" G_GSIZE_FORMAT " holds an embedded NUL byte", index);
  else if (!g_utf8_validate_len ((const char *) p, n, NULL))
    _cep_npy_set_error (error, CEP_NPY_ERROR_CONVERSION, npy->path,
                        "element %" G_GSIZE_FORMAT " is not valid UTF-8", index);
  else
    return g_strndup ((const char *) p, n);
  return NULL;
}

char **
cep_npy_read_strings (const CepNpy  *npy,
                      GError       **error)
{
  const CepNpyInfo *info;
  const guint8 *data;
  CepNpyCursor cursor;
  g_auto (GStrv) strings = NULL;

  g_return_val_if_fail (npy != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  info = &npy->info;
  if (!is_string_kind (info->kind))
    {
      refuse_kind (npy, "strings", error);
      return NULL;
    }
  data = _cep_npy_get_data (npy, error);
  if (data == NULL)
    return NULL;
  strings = g_new0 (char *, info->n_elements + 1);
  cursor_init (&cursor, info);
  for (gsize i = 0; i < info->n_elements; i++)
    {
      const guint8 *p = data + cursor_next (&cursor) * info->itemsize;
      strings[i] = info->kind == CEP_NPY_KIND_UNICODE ? unicode_to_utf8 (npy, p, i, error)
                                                      : bytes_to_utf8 (npy, p, i, error);
      if (strings[i] == NULL)
        return NULL;
    }
  return g_steal_pointer (&strings);
}
