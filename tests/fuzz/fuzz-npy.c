/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fuzz-npy.c: libFuzzer target for the .npy reader.
 *
 * Parses each input as a whole file image with cep_npy_new_from_data and, when the header is
 * accepted, runs every conversion on it, checking the invariants the rest of Cepstra relies
 * on: the shape describes exactly the data, and writing the array and reading it back gives
 * the same array. Work per input is bounded: arrays of more than 2^20 elements are parsed but
 * not converted. Built with -fsanitize=fuzzer under -Dfuzzing=true, and replayed over the
 * committed corpus by fuzz-replay.c in every build.
 */
#include "cep-npy.h"

#include <stdint.h>
#include <string.h>

#define MAX_CONVERTED_ELEMENTS (1u << 20)

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_invariants (const CepNpy *npy)
{
  const CepNpyInfo *info = cep_npy_get_info (npy);
  gsize n = 1;

  g_assert_cmpuint (info->n_dims, <=, CEP_NPY_MAX_DIMS);
  for (guint i = 0; i < info->n_dims; i++)
    n *= info->shape[i];
  g_assert_cmpuint (n, ==, info->n_elements);
  g_assert_cmpuint (info->n_elements * info->itemsize, ==, info->data_size);
  g_assert_nonnull (cep_npy_get_descr (npy));
}

/* Writing what was read and reading it again gives the same array. */
static void
check_reserialize (const CepNpy *npy)
{
  const CepNpyInfo *info = cep_npy_get_info (npy);
  CepNpyLayout layout = { info->kind, info->itemsize, info->big_endian, info->fortran_order,
                          info->n_dims, info->shape };
  g_autoptr (GBytes) image = cep_npy_serialize (&layout, cep_npy_get_raw_data (npy),
                                                "again.npy", NULL);
  g_autoptr (CepNpy) again = NULL;
  gsize length;
  const void *bytes = g_bytes_get_data (image, &length);

  again = cep_npy_new_from_data (bytes, length, "again.npy", NULL);
  g_assert_nonnull (again);
  g_assert_cmpmem (cep_npy_get_shape (again), info->n_dims * sizeof (gsize),
                   info->shape, info->n_dims * sizeof (gsize));
  g_assert_cmpint (cep_npy_get_kind (again), ==, info->kind);
  g_assert_cmpint (cep_npy_is_big_endian (again), ==, info->big_endian);
  g_assert_cmpmem (cep_npy_get_raw_data (again), info->data_size,
                   cep_npy_get_raw_data (npy), info->data_size);
}

static void
convert_all (const CepNpy *npy)
{
  gsize n = MAX (cep_npy_get_n_elements (npy), 1);
  g_autofree float *floats = g_new (float, n);
  g_autofree gint64 *ints = g_new (gint64, n);
  g_auto (GStrv) strings = NULL;
  GError *error = NULL;
  gsize rows, cols;

  if (!cep_npy_read_float32 (npy, floats, &error))
    g_clear_error (&error);
  if (!cep_npy_read_int64 (npy, ints, &error))
    g_clear_error (&error);
  strings = cep_npy_read_strings (npy, &error);
  g_clear_error (&error);
  if (strings != NULL)
    g_assert_cmpuint (g_strv_length (strings), ==, cep_npy_get_n_elements (npy));
  if (!cep_npy_get_matrix_shape (npy, &rows, &cols, &error))
    g_clear_error (&error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GError *error = NULL;
  CepNpy *npy = cep_npy_new_from_data (data, size, "fuzz.npy", &error);

  if (npy == NULL)
    {
      /* Every refusal names the input, like every other error in Cepstra. */
      g_assert_true (g_str_has_prefix (error->message, "fuzz.npy: "));
      g_error_free (error);
      return 0;
    }
  check_invariants (npy);
  if (cep_npy_get_n_elements (npy) <= MAX_CONVERTED_ELEMENTS)
    {
      convert_all (npy);
      check_reserialize (npy);
    }
  g_assert_nonnull (cep_npy_get_raw_data (npy));
  cep_npy_free (npy);
  return 0;
}
