/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fuzz-safetensors.c: libFuzzer target for the safetensors reader.
 *
 * Parses each input as a whole file image with cep_safetensors_new_from_data and, when the
 * header is accepted, checks the invariants the checkpoint loader relies on (every tensor's
 * byte count matches its shape and dtype, the tensors tile the data exactly, lookups find every
 * tensor) and converts every tensor. Work per input is bounded: tensors of more than 2^20
 * elements are checked but not converted. Built with -fsanitize=fuzzer under -Dfuzzing=true;
 * replayed over tests/fuzz/corpus/safetensors by every build (tests/nn/test-safetensors-corpus).
 */
#include "cep-safetensors.h"

#include <stdint.h>

#define MAX_CONVERTED_ELEMENTS (1u << 20)

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_tensor (const CepSafetensors *file,
              const CepSafetensor  *tensor,
              const guint8        **expected_data)
{
  gsize n = 1;

  g_assert_cmpuint (tensor->n_dims, <=, CEP_SAFETENSORS_MAX_DIMS);
  for (guint i = 0; i < tensor->n_dims; i++)
    n *= tensor->shape[i];
  g_assert_cmpuint (n, ==, tensor->n_elements);
  g_assert_cmpuint (n * cep_safetensors_dtype_size (tensor->dtype), ==, tensor->n_bytes);
  if (*expected_data != NULL)
    g_assert_true (tensor->data == *expected_data);
  *expected_data = tensor->data + tensor->n_bytes;
  g_assert_true (cep_safetensors_lookup (file, tensor->name, NULL) == tensor);
}

static void
convert (const CepSafetensors *file,
         const CepSafetensor  *tensor)
{
  gsize n = MAX (tensor->n_elements, 1);
  g_autofree float *floats = g_new (float, n);
  g_autofree gint64 *ints = g_new (gint64, n);
  gboolean as_float, as_int;
  GError *error = NULL;

  as_float = cep_safetensors_read_f32 (file, tensor->name, tensor->n_dims, tensor->shape,
                                       floats, tensor->n_elements, &error);
  g_clear_error (&error);
  as_int = cep_safetensors_read_i64 (file, tensor->name, 0, NULL, ints, tensor->n_elements,
                                     &error);
  g_clear_error (&error);
  /* A tensor is never both; it is one of them unless it holds a U64 above G_MAXINT64. */
  g_assert_false (as_float && as_int);
  g_assert_true (as_float || as_int || tensor->dtype == CEP_SAFETENSORS_DTYPE_U64);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GError *error = NULL;
  CepSafetensors *file = cep_safetensors_new_from_data (data, size, "fuzz.safetensors", &error);
  const guint8 *expected_data = NULL;
  const char * const *keys;

  if (file == NULL)
    {
      /* Every refusal names the input, like every other error in Cepstra. */
      g_assert_true (g_str_has_prefix (error->message, "fuzz.safetensors: "));
      g_error_free (error);
      return 0;
    }
  for (guint i = 0; i < cep_safetensors_get_n_tensors (file); i++)
    {
      const CepSafetensor *tensor = cep_safetensors_get_tensor (file, i);

      check_tensor (file, tensor, &expected_data);
      if (tensor->n_elements <= MAX_CONVERTED_ELEMENTS)
        convert (file, tensor);
    }
  keys = cep_safetensors_get_metadata_keys (file);
  for (guint i = 0; keys[i] != NULL; i++)
    g_assert_nonnull (cep_safetensors_get_metadata (file, keys[i]));
  cep_safetensors_free (file);
  return 0;
}
