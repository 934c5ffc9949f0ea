/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-data.h: a run opened for analysis — its experiment, a network rebuilt from one of
 * its checkpoints, and the dataset it was trained on, opened the way the experiment says
 * (same root, phoneme table and normalization, windows as wide as the model's context).
 *
 * Every analysis of a run (evaluation, prediction, confusion and dependency matrices) starts
 * here, so they all see the data exactly as training did. It must not write into the run.
 */
#pragma once

#include <gio/gio.h>

#include "cep-dataset.h"
#include "cep-experiment.h"
#include "cep-network.h"

G_BEGIN_DECLS

#define CEP_RUN_DATA_ERROR (cep_run_data_error_quark ())
GQuark cep_run_data_error_quark (void);

typedef enum
{
  CEP_RUN_DATA_ERROR_NO_RUN,        /* the folder does not exist or holds no checkpoint */
  CEP_RUN_DATA_ERROR_NO_PARTITION,  /* no such partition, or none to choose by default */
} CepRunDataError;

/* Opens the dataset of @experiment: data.root (NULL = the embedded demo dataset), its phoneme
 * table and normalization, context_max = the model's context. */
CepDataset   *cep_experiment_open_dataset    (const CepExperiment  *experiment,
                                              GError              **error);

typedef struct _CepRunData CepRunData;

/* @which: "best", "last" or NULL (best if it exists). @backend: a backend name or NULL for the
 * experiment's; @device: its device (CepBackendOptions.device), or NULL: the experiment's
 * device when @backend is NULL too, else the backend's own pick; @threads 0 = the
 * experiment's. The network evaluates up to @max_batch rows per pass (0 = the experiment's
 * batch size). The dataset is opened, not yet loaded. If the backend cannot open here, the
 * default one is used and a message says so. */
CepRunData   *cep_run_data_open              (const char           *run_dir,
                                              const char           *which,
                                              const char           *backend,
                                              const char           *device,
                                              guint                 threads,
                                              guint                 max_batch,
                                              GError              **error);
void          cep_run_data_free              (CepRunData           *self);

const char          *cep_run_data_get_run_dir     (CepRunData *self);
const char          *cep_run_data_get_checkpoint  (CepRunData *self);
const CepExperiment *cep_run_data_get_experiment  (CepRunData *self);
CepNetwork          *cep_run_data_get_network     (CepRunData *self);
CepDataset          *cep_run_data_get_dataset     (CepRunData *self);

/* The partition called @name, or with NULL the experiment's dev partition (else the dataset's
 * dev partition). A labelled partition is required when @need_labels. The result belongs to
 * the dataset (see cep_dataset_load_partition). */
CepPartition *cep_run_data_load_partition    (CepRunData           *self,
                                              const char           *name,
                                              gboolean              need_labels,
                                              GCancellable         *cancellable,
                                              CepProgressFunc       progress,
                                              gpointer              progress_data,
                                              GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepRunData, cep_run_data_free)

G_END_DECLS
