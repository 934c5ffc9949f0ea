/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-data.c: opening a run, its network and its dataset for analysis. It must not write
 * into the run directory.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-run-data.h"
#include "cep-run.h"

G_DEFINE_QUARK (cep-run-data-error-quark, cep_run_data_error)

struct _CepRunData
{
  char          *run_dir;
  char          *checkpoint;
  CepExperiment *experiment;
  CepBackend    *backend;
  CepNetwork    *network;
  CepDataset    *dataset;
};

CepDataset *
cep_experiment_open_dataset (const CepExperiment  *experiment,
                             GError              **error)
{
  g_autoptr(CepPhonemeTable) table = NULL;
  g_autofree char *root = NULL;
  CepLoadOptions options;

  g_return_val_if_fail (experiment != NULL, NULL);

  root = experiment->data.root != NULL ? g_strdup (experiment->data.root)
                                       : cep_dataset_find_demo_root ();
  if (root == NULL)
    {
      g_set_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_NOT_FOUND,
                   "the experiment names no dataset and the embedded demo dataset was not "
                   "found (set CEPSTRA_DEMO_DIR)");
      return NULL;
    }
  if (experiment->data.phonemes != NULL
      && (table = cep_phoneme_table_new_from_file (experiment->data.phonemes, error)) == NULL)
    return NULL;
  cep_load_options_init (&options);
  options.normalize = experiment->data.normalize;
  options.context_max = cep_model_spec_get_context_reach (experiment->model);
  options.table = table;
  return cep_dataset_open (root, &options, error);
}

static gboolean
check_run_dir (const char  *run_dir,
               GError     **error)
{
  if (g_file_test (run_dir, G_FILE_TEST_IS_DIR))
    return TRUE;
  g_set_error (error, CEP_RUN_DATA_ERROR, CEP_RUN_DATA_ERROR_NO_RUN,
               "%s: no such run directory", run_dir);
  return FALSE;
}

static CepBackend *
open_backend (const CepExperiment  *experiment,
              const char           *backend,
              const char           *device,
              guint                 threads,
              GError              **error)
{
  CepBackendOptions options = {
    .threads = threads != 0 ? threads : experiment->train.threads,
    .device = device,
  };
  g_autofree char *notice = NULL;
  CepBackend *opened;

  /* A run trained by the PyTorch export names no Cepstra backend: it is analysed on the
   * default one, which picks its own device and threads. */
  if (backend == NULL && g_strcmp0 (experiment->train.backend, CEP_RUN_TORCH_BACKEND) == 0)
    {
      backend = cep_backend_list_available ()[0];
      options.threads = threads;
    }
  /* The run's device goes with the run's backend; another backend picks its own. */
  else if (device == NULL && backend == NULL)
    options.device = experiment->train.device;
  /* A run trained on a GPU is still analysed on a machine without one. */
  opened = cep_backend_new_or_fallback (backend != NULL ? backend : experiment->train.backend,
                                        &options, &notice, error);
  if (notice != NULL)
    g_message ("%s", notice);
  return opened;
}

/* The experiment of a checkpoint (its metadata), to know which backend to build on. */
static CepExperiment *
read_experiment (const char  *checkpoint,
                 GError     **error)
{
  g_autoptr(CepSafetensors) file = cep_safetensors_open (checkpoint, error);
  const char *json;

  if (file == NULL)
    return NULL;
  json = cep_safetensors_get_metadata (file, CEP_RUN_METADATA_EXPERIMENT);
  if (json == NULL)
    {
      g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_CHECKPOINT,
                   "%s: no experiment in the metadata (not a Cepstra checkpoint)", checkpoint);
      return NULL;
    }
  return cep_experiment_new_from_json (json, -1, checkpoint, NULL, error);
}

CepRunData *
cep_run_data_open (const char  *run_dir,
                   const char  *which,
                   const char  *backend,
                   const char  *device,
                   guint        threads,
                   guint        max_batch,
                   GError     **error)
{
  g_autoptr(CepRunData) self = g_new0 (CepRunData, 1);
  g_autoptr(GError) local_error = NULL;
  guint rows;

  g_return_val_if_fail (run_dir != NULL, NULL);
  if (!check_run_dir (run_dir, error))
    return NULL;
  self->run_dir = g_strdup (run_dir);
  self->checkpoint = cep_run_find_checkpoint (run_dir, which, &local_error);
  if (self->checkpoint == NULL)
    {
      g_set_error_literal (error, CEP_RUN_DATA_ERROR, CEP_RUN_DATA_ERROR_NO_RUN,
                           local_error->message);
      return NULL;
    }
  if ((self->experiment = read_experiment (self->checkpoint, error)) == NULL
      || (self->backend = open_backend (self->experiment, backend, device, threads, error)) == NULL)
    return NULL;
  rows = max_batch != 0 ? max_batch : self->experiment->train.batch_size;
  self->network = cep_run_load_network (self->checkpoint, self->backend, rows, NULL, error);
  if (self->network == NULL
      || (self->dataset = cep_experiment_open_dataset (self->experiment, error)) == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

void
cep_run_data_free (CepRunData *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->dataset);
  g_clear_pointer (&self->network, cep_network_free);
  g_clear_pointer (&self->backend, cep_backend_free);
  g_clear_pointer (&self->experiment, cep_experiment_free);
  g_free (self->checkpoint);
  g_free (self->run_dir);
  g_free (self);
}

const char *
cep_run_data_get_run_dir (CepRunData *self)
{
  return self->run_dir;
}

const char *
cep_run_data_get_checkpoint (CepRunData *self)
{
  return self->checkpoint;
}

const CepExperiment *
cep_run_data_get_experiment (CepRunData *self)
{
  return self->experiment;
}

CepNetwork *
cep_run_data_get_network (CepRunData *self)
{
  return self->network;
}

CepDataset *
cep_run_data_get_dataset (CepRunData *self)
{
  return self->dataset;
}

static const char *
default_partition (CepRunData *self)
{
  if (self->experiment->data.dev_partition != NULL)
    return self->experiment->data.dev_partition;
  return cep_dataset_get_dev_name (self->dataset);
}

CepPartition *
cep_run_data_load_partition (CepRunData       *self,
                             const char       *name,
                             gboolean          need_labels,
                             GCancellable     *cancellable,
                             CepProgressFunc   progress,
                             gpointer          progress_data,
                             GError          **error)
{
  CepPartition *partition;

  if (name == NULL && (name = default_partition (self)) == NULL)
    {
      g_set_error (error, CEP_RUN_DATA_ERROR, CEP_RUN_DATA_ERROR_NO_PARTITION,
                   "%s: no dev partition; name one", cep_dataset_get_root (self->dataset));
      return NULL;
    }
  partition = cep_dataset_load_partition (self->dataset, name, cancellable, progress,
                                          progress_data, error);
  if (partition != NULL && need_labels && !cep_partition_is_labelled (partition))
    {
      g_set_error (error, CEP_RUN_DATA_ERROR, CEP_RUN_DATA_ERROR_NO_PARTITION,
                   "%s has no transcripts; name a labelled partition",
                   cep_partition_get_folder (partition));
      return NULL;
    }
  return partition;
}
