/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-submission.h: the Kaggle submission file of HW1P2.
 *
 * "id,label" then one row per frame of the partition in its order (utterances sorted by file
 * name, frames concatenated; id 0 is the first frame of the first utterance), label the
 * phoneme string from the partition's phoneme table, or the class id with int_labels.
 * Written atomically (temporary file, fsync, rename).
 */
#pragma once

#include "cep-partition.h"

G_BEGIN_DECLS

#define CEP_SUBMISSION_ERROR (cep_submission_error_quark ())
GQuark cep_submission_error_quark (void);

typedef enum
{
  CEP_SUBMISSION_ERROR_INVALID,   /* a prediction is not a class of the phoneme table */
  CEP_SUBMISSION_ERROR_IO,
} CepSubmissionError;

/* @predictions: cep_partition_get_n_frames (@partition) class ids (cep_network_predict). */
gboolean cep_submission_write (const char    *path,
                               CepPartition  *partition,
                               const guint8  *predictions,
                               gboolean       int_labels,
                               GError       **error);

G_END_DECLS
