/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-dataset.h: a dataset root and its partitions.
 *
 * Finds partitions (train-clean-100, dev-clean, test-clean, or any sub-folder holding mfcc/),
 * loads them on demand with shared options, and checks what only the whole dataset can tell:
 * one feature dimension across partitions, no utterance name in two partitions.
 */
#pragma once

#include "cep-partition.h"

G_BEGIN_DECLS

#define CEP_DATASET_ERROR (cep_dataset_error_quark ())
GQuark cep_dataset_error_quark (void);

typedef enum
{
  CEP_DATASET_ERROR_NOT_FOUND,     /* root missing or holds no partition */
  CEP_DATASET_ERROR_NO_PARTITION,  /* asked for a partition that does not exist */
  CEP_DATASET_ERROR_MISMATCH,      /* partitions disagree (feature dimension) */
  CEP_DATASET_ERROR_DUPLICATE,     /* one utterance name in two partitions */
} CepDatasetError;

#define CEP_TYPE_DATASET (cep_dataset_get_type ())
G_DECLARE_FINAL_TYPE (CepDataset, cep_dataset, CEP, DATASET, GObject)

/* Scans @root for partitions (cheap: no feature file is read). A root that holds mfcc/ itself
 * and no partition folders is a dataset of one partition named after the folder. */
CepDataset   *cep_dataset_open               (const char            *root,
                                              const CepLoadOptions  *options,
                                              GError               **error);
/* The embedded demo dataset: $CEPSTRA_DEMO_DIR, else the installed copy, else the source tree. */
char         *cep_dataset_find_demo_root     (void);

const char   *cep_dataset_get_root           (CepDataset *self);
/* Partition names in canonical order (train, dev, test, then others sorted). */
const char * const *cep_dataset_get_partition_names (CepDataset *self);
/* Loads (once, then cached) the partition called @name. Thread-safe. The partition belongs
 * to the dataset (ref it to keep it longer); a failed load is not cached. */
CepPartition *cep_dataset_load_partition     (CepDataset      *self,
                                              const char      *name,
                                              GCancellable    *cancellable,
                                              CepProgressFunc  progress,
                                              gpointer         progress_data,
                                              GError         **error);
/* Loads every partition and runs the cross-partition checks: CEP_DATASET_ERROR_MISMATCH when
 * feature dimensions differ (naming both partitions), CEP_DATASET_ERROR_DUPLICATE when an
 * utterance name is in two partitions (naming both files). */
gboolean      cep_dataset_load_all           (CepDataset      *self,
                                              GCancellable    *cancellable,
                                              GError         **error);

/* Conventional roles: the first labelled training partition (train-clean-100 or the first
 * name starting with "train"), the dev partition, the test partition. NULL if none. */
const char   *cep_dataset_get_train_name     (CepDataset *self);
const char   *cep_dataset_get_dev_name       (CepDataset *self);
const char   *cep_dataset_get_test_name      (CepDataset *self);
/* What a dataset is wherever it lies: a SHA-256 of its training partition's file names and
 * sizes (mfcc/ and transcript/), so a copied or moved dataset is recognised as the same one
 * (the runs trained on it are found). Lists the folders, reads no file. NULL without a
 * training partition. Free with g_free(). */
char         *cep_dataset_get_fingerprint    (CepDataset *self);
/* The same digest for one partition folder (what the trainer records of its training data);
 * NULL when it has no mfcc/ folder. */
char         *cep_partition_folder_fingerprint (const char *folder);
/* Why there is no training partition, for the error that says so: which folders were looked
 * for and which is missing where ("ROOT: no training partition: ROOT/train-clean-100 has no
 * transcript/ folder, and a training partition needs its labels"). Free with g_free(). */
char         *cep_dataset_explain_no_train   (CepDataset *self);

G_END_DECLS
