/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-submission.c: writes submission.csv. It must not compute predictions (cep-network.c
 * does); it only formats them in the partition's frame order.
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-submission.h"
#include "cep-atomic-file.h"

#include <errno.h>
#include <glib/gstdio.h>

G_DEFINE_QUARK (cep-submission-error-quark, cep_submission_error)

static gboolean
cep_submission_format (GString       *text,
                       CepPartition  *partition,
                       const guint8  *predictions,
                       gboolean       int_labels,
                       GError       **error)
{
  CepPhonemeTable *table = cep_partition_get_phoneme_table (partition);
  guint n_symbols = cep_phoneme_table_get_n_symbols (table);
  gsize n_frames = cep_partition_get_n_frames (partition);

  g_string_append (text, "id,label\n");
  for (gsize i = 0; i < n_frames; i++)
    {
      if (predictions[i] >= n_symbols)
        {
          g_set_error (error, CEP_SUBMISSION_ERROR, CEP_SUBMISSION_ERROR_INVALID,
                       "frame %" G_GSIZE_FORMAT ": class %u is not in the phoneme table "
                       "(%u symbols)", i, predictions[i], n_symbols);
          return FALSE;
        }
      if (int_labels)
        g_string_append_printf (text, "%" G_GSIZE_FORMAT ",%u\n", i, predictions[i]);
      else
        g_string_append_printf (text, "%" G_GSIZE_FORMAT ",%s\n", i,
                                cep_phoneme_table_get_name (table, predictions[i]));
    }
  return TRUE;
}

gboolean
cep_submission_write (const char    *path,
                      CepPartition  *partition,
                      const guint8  *predictions,
                      gboolean       int_labels,
                      GError       **error)
{
  g_autoptr (GString) text = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (CEP_IS_PARTITION (partition), FALSE);
  g_return_val_if_fail (predictions != NULL || cep_partition_get_n_frames (partition) == 0,
                        FALSE);

  text = g_string_sized_new (16 + cep_partition_get_n_frames (partition) * 12);
  if (!cep_submission_format (text, partition, predictions, int_labels, error))
    return FALSE;
  if (!cep_atomic_file_set_contents (path, text->str, text->len, &local_error))
    {
      g_set_error (error, CEP_SUBMISSION_ERROR, CEP_SUBMISSION_ERROR_IO, "%s",
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}
