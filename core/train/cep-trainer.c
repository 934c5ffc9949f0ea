/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-trainer.c: the CepTrainer object — checking an experiment against its data, creating
 * the backend, network and batch producer, and the thread's lifecycle (start, pause,
 * cancel, wait). What the thread does is cep-trainer-loop.c.
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-trainer-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cep-atomic-file.h"
#include "cep-dataset.h"
#include "cep-run.h"

G_DEFINE_QUARK (cep-trainer-error-quark, cep_trainer_error)

void
cep_trainer_options_init (CepTrainerOptions *options)
{
  g_return_if_fail (options != NULL);

  *options = (CepTrainerOptions) {
    .backend = NULL,
    .threads = 0,
    .resume = FALSE,
    .log_every = 1,
    .callback = NULL,
    .user_data = NULL,
  };
}

/* Checks */

static gboolean
invalid (GError    **error,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError    **error,
         const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
check_partition (const CepExperiment *experiment,
                 CepPartition        *partition,
                 GError             **error)
{
  const CepModelSpec *model = experiment->model;
  const char *name = cep_partition_get_name (partition);
  CepPhonemeTable *table = cep_partition_get_phoneme_table (partition);

  if (!cep_partition_is_labelled (partition))
    return invalid (error, "%s has no labels to train or validate on", name);
  if (cep_partition_get_feature_dim (partition) != model->feature_dim)
    return invalid (error, "%s has %u features per frame, model.feature_dim is %u", name,
                    cep_partition_get_feature_dim (partition), model->feature_dim);
  if (cep_partition_get_context_max (partition) < cep_model_spec_get_context_reach (model))
    return invalid (error, "%s was loaded with context_max %u, below model.context %u", name,
                    cep_partition_get_context_max (partition),
                    cep_model_spec_get_context_reach (model));
  if (cep_phoneme_table_get_n_classes (table) > cep_model_spec_get_n_classes (model))
    return invalid (error, "%s has %u classes, the model only %u outputs", name,
                    cep_phoneme_table_get_n_classes (table),
                    cep_model_spec_get_n_classes (model));
  return TRUE;
}

static gboolean
check_run_dir (const char *run_dir,
               gboolean    resume,
               GError    **error)
{
  g_autofree char *last = g_build_filename (run_dir, CEP_RUN_LAST_CHECKPOINT, NULL);
  g_autofree char *experiment = g_build_filename (run_dir, CEP_RUN_EXPERIMENT_FILE, NULL);

  /* A run killed before its first checkpoint is resumed from the start: its folder holds
   * the experiment, and refusing would leave it stuck (train --out refuses it too). */
  if (resume && !g_file_test (last, G_FILE_TEST_IS_REGULAR)
      && !g_file_test (experiment, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_RESUME,
                   "%s: nothing to resume (no %s and no %s)", run_dir,
                   CEP_RUN_LAST_CHECKPOINT, CEP_RUN_EXPERIMENT_FILE);
      return FALSE;
    }
  if (!resume && g_file_test (experiment, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_RUN_DIR,
                   "%s already holds a run; resume it or choose another folder", run_dir);
      return FALSE;
    }
  return TRUE;
}

static CepBatchProducer *
new_producer (const CepExperiment *experiment,
              CepPartition        *train,
              gboolean             frames_only,
              GError             **error)
{
  CepBatchOptions options;

  cep_batch_options_init (&options);
  options.context = experiment->model->context;
  options.context_past = cep_model_spec_get_context_past (experiment->model);
  options.context_future = cep_model_spec_get_context_future (experiment->model);
  options.batch_size = experiment->train.batch_size;
  options.seed = experiment->seed;
  options.shuffle = TRUE;
  options.subset_fraction = experiment->data.subset_fraction;
  options.subset_every = experiment->data.subset_every;
  options.augment = experiment->augment;
  options.frames_only = frames_only;
  return cep_batch_producer_new (train, &options, error);
}

static void
optimizer_config_of (const CepExperimentTrain *train,
                     CepOptimizerConfig       *config)
{
  static const CepOptimizerKind kinds[] = {
    [CEP_EXPERIMENT_OPTIMIZER_ADAMW] = CEP_OPTIMIZER_KIND_ADAMW,
    [CEP_EXPERIMENT_OPTIMIZER_ADAM] = CEP_OPTIMIZER_KIND_ADAM,
    [CEP_EXPERIMENT_OPTIMIZER_SGD] = CEP_OPTIMIZER_KIND_SGD,
  };
  const CepExperimentOptimizer *o = &train->optimizer;

  *config = (CepOptimizerConfig) {
    .kind = kinds[o->kind],
    .beta1 = o->beta1,
    .beta2 = o->beta2,
    .eps = o->eps,
    .weight_decay = o->weight_decay,
    .momentum = o->momentum,
    .dampening = o->dampening,
    .nesterov = o->nesterov,
    .clip_norm = train->grad_clip_norm,
  };
}

/* experiment.json (and the checkpoints' copy of it) names the backend and device the run
 * really trains on: an override from the caller, the device picked automatically, or blas
 * after a fallback. Reproducing a run needs those, and the run history must not credit a
 * device the run never touched. */
static void
record_backend_used (CepTrainer *self)
{
  CepExperimentTrain *train = &self->experiment->train;

  g_free (train->backend);
  train->backend = g_strdup (cep_backend_get_name (self->backend));
  g_free (train->device);
  train->device = g_strdup (cep_backend_get_device_name (self->backend));
}

/* The backend, network and producer the thread will use (created here so that a bad backend
 * name or too little memory fails the call, not the run). */
static gboolean
create_engine (CepTrainer *self,
               GError    **error)
{
  const CepExperimentTrain *train = &self->experiment->train;
  CepBackendOptions backend_options = { 0 };
  CepOptimizerConfig optimizer;
  gboolean overridden = self->options.backend != NULL;
  const char *name = overridden ? self->options.backend : train->backend;

  backend_options.device = overridden ? self->options.device : train->device;
  backend_options.threads = self->options.threads != 0 ? self->options.threads
                                                       : train->threads;
  self->backend = cep_backend_new_or_fallback (name, &backend_options,
                                               &self->backend_notice, error);
  if (self->backend == NULL)
    return FALSE;
  record_backend_used (self);
  self->network = cep_network_new (self->experiment->model, self->backend,
                                   train->batch_size, error);
  if (self->network == NULL)
    return FALSE;
  optimizer_config_of (train, &optimizer);
  if (!cep_network_set_optimizer (self->network, &optimizer, error))
    return FALSE;
  self->producer = new_producer (self->experiment, self->train, FALSE, error);
  return self->producer != NULL;
}

/* Why the host gathers the windows, or NULL when the train partition could be resident. */
static char *
resident_refusal (CepTrainer *self)
{
  g_autoptr (GError) error = NULL;

  if (cep_backend_is_host_memory (self->backend))
    return g_strdup_printf ("windows are gathered on the host (%s is a CPU backend)",
                            cep_backend_get_name (self->backend));
  if (self->options.host_input)
    return g_strdup ("windows are gathered on the host (asked for)");
  if (!cep_network_make_resident (self->network, self->train, &error))
    return g_strdup_printf ("windows are gathered on the host: %s", error->message);
  return NULL;
}

gboolean
_cep_trainer_choose_input (CepTrainer *self,
                           GError    **error)
{
  g_autoptr (GError) dev_error = NULL;
  CepBatchProducer *producer;

  self->input_note = resident_refusal (self);
  if (self->input_note != NULL)
    {
      g_info ("%s", self->input_note);
      return TRUE;
    }
  producer = new_producer (self->experiment, self->train, TRUE, error);
  if (producer == NULL)
    return FALSE;
  cep_batch_producer_free (self->producer);
  self->producer = producer;
  self->resident = TRUE;
  /* The dev partition is small; if it does not fit, evaluation gathers on the host. */
  if (self->dev != NULL && !cep_network_make_resident (self->network, self->dev, &dev_error))
    self->input_note = g_strdup_printf ("the training frames are resident on %s; dev windows "
                                        "are gathered on the host: %s",
                                        cep_backend_get_name (self->backend),
                                        dev_error->message);
  else
    self->input_note = g_strdup_printf ("the frame store is resident on %s; windows are "
                                        "gathered there", cep_backend_get_name (self->backend));
  return TRUE;
}

CepTrainer *
cep_trainer_new (const CepExperiment     *experiment,
                 CepPartition            *train,
                 CepPartition            *dev,
                 const char              *run_dir,
                 const CepTrainerOptions *options,
                 GError                 **error)
{
  g_autoptr (CepTrainer) self = NULL;

  g_return_val_if_fail (experiment != NULL, NULL);
  g_return_val_if_fail (CEP_IS_PARTITION (train), NULL);
  g_return_val_if_fail (dev == NULL || CEP_IS_PARTITION (dev), NULL);

  self = g_new0 (CepTrainer, 1);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->cancellable = g_cancellable_new ();
  self->joined = TRUE;
  if (options != NULL)
    self->options = *options;
  else
    cep_trainer_options_init (&self->options);
  self->options.log_every = MAX (self->options.log_every, 1);
  self->options.backend = NULL;
  self->options.device = NULL;
  if (options != NULL && options->backend != NULL)
    {
      self->options.backend = g_intern_string (options->backend);
      self->options.device = g_intern_string (options->device);
    }
  self->options.attachment_name = NULL;
  self->options.attachment = NULL;
  if (options != NULL && options->attachment != NULL)
    {
      g_return_val_if_fail (options->attachment_name != NULL
                            && strchr (options->attachment_name, G_DIR_SEPARATOR) == NULL,
                            NULL);
      self->options.attachment_name = g_intern_string (options->attachment_name);
      self->options.attachment = g_bytes_ref (options->attachment);
    }
  self->experiment = cep_experiment_copy (experiment);
  self->train = g_object_ref (train);
  self->dev = dev != NULL ? g_object_ref (dev) : NULL;
  self->run_dir = run_dir != NULL ? g_strdup (run_dir)
                                  : cep_run_dir_new_default (
                                      cep_experiment_get_display_name (experiment));
  if (!cep_experiment_validate (self->experiment, error) ||
      !cep_experiment_check_param_limit (self->experiment, error) ||
      !check_partition (self->experiment, train, error) ||
      (dev != NULL && !check_partition (self->experiment, dev, error)) ||
      !check_run_dir (self->run_dir, self->options.resume, error) ||
      !create_engine (self, error))
    return NULL;
  self->experiment_json = cep_experiment_to_json (self->experiment);
  return g_steal_pointer (&self);
}

static void
join_thread (CepTrainer *self)
{
  if (!self->joined)
    {
      g_thread_join (self->thread);
      self->thread = NULL;
      self->joined = TRUE;
    }
}

void
cep_trainer_free (CepTrainer *self)
{
  if (self == NULL)
    return;
  cep_trainer_cancel (self);
  join_thread (self);
  g_clear_pointer (&self->producer, cep_batch_producer_free);
  g_clear_pointer (&self->network, cep_network_free);
  g_clear_pointer (&self->backend, cep_backend_free);
  g_clear_pointer (&self->backend_notice, g_free);
  g_clear_pointer (&self->input_note, g_free);
  g_clear_pointer (&self->metrics, cep_metrics_log_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->train);
  g_clear_object (&self->dev);
  g_clear_pointer (&self->experiment, cep_experiment_free);
  g_clear_pointer (&self->options.attachment, g_bytes_unref);
  g_free (self->experiment_json);
  g_free (self->run_dir);
  g_clear_pointer (&self->run_lock, cep_run_lock_release);
  g_clear_error (&self->outcome);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

/* Lifecycle */

/* What the run trained on, for finding it again from a copy of the dataset. */
static gboolean
save_fingerprint (CepTrainer  *self,
                  GError     **error)
{
  const char *folder = cep_partition_get_folder (self->train);
  g_autofree char *fingerprint = folder != NULL ? cep_partition_folder_fingerprint (folder)
                                                : NULL;
  g_autofree char *path = g_build_filename (self->run_dir, CEP_RUN_FINGERPRINT_FILE, NULL);
  g_autofree char *text = NULL;

  /* A partition made in memory (tests) has no folder to recognise. */
  if (fingerprint == NULL)
    return TRUE;
  text = g_strconcat (fingerprint, "\n", NULL);
  return cep_atomic_file_set_contents (path, text, strlen (text), error);
}

static gboolean
save_attachment (CepTrainer  *self,
                 GError     **error)
{
  g_autofree char *path = NULL;

  if (self->options.attachment == NULL)
    return TRUE;
  path = g_build_filename (self->run_dir, self->options.attachment_name, NULL);
  return cep_atomic_file_set_contents (path, g_bytes_get_data (self->options.attachment, NULL),
                                       g_bytes_get_size (self->options.attachment), error);
}

static gboolean
prepare_run_dir (CepTrainer *self,
                 GError    **error)
{
  g_autofree char *checkpoints = g_build_filename (self->run_dir, CEP_RUN_CHECKPOINTS_DIR,
                                                   NULL);
  g_autofree char *experiment = g_build_filename (self->run_dir, CEP_RUN_EXPERIMENT_FILE,
                                                  NULL);
  g_autoptr (GError) local_error = NULL;

  if (g_mkdir_with_parents (checkpoints, 0755) != 0)
    {
      int errsv = errno;
      g_set_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_RUN_DIR,
                   "%s: cannot create the run folder: %s", checkpoints, g_strerror (errsv));
      return FALSE;
    }
  /* Checked again under the lock: two trainings may both have passed the check in new(). */
  self->run_lock = cep_run_lock_acquire (self->run_dir, error);
  if (self->run_lock == NULL || !check_run_dir (self->run_dir, self->options.resume, error))
    return FALSE;
  /* Only the lock's holder may remove what a killed writer left. */
  cep_atomic_file_remove_leftovers (self->run_dir);
  cep_atomic_file_remove_leftovers (checkpoints);
  if (!cep_experiment_save (self->experiment, experiment, &local_error)
      || !save_fingerprint (self, &local_error)
      || !save_attachment (self, &local_error))
    {
      g_set_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_RUN_DIR, "%s",
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
cep_trainer_start (CepTrainer *self,
                   GError    **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!self->started, FALSE);

  if (!prepare_run_dir (self, error))
    return FALSE;
  self->started = TRUE;
  self->joined = FALSE;
  self->thread = g_thread_new ("cep-trainer", _cep_trainer_run, self);
  return TRUE;
}

void
cep_trainer_pause (CepTrainer *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->paused = TRUE;
  g_mutex_unlock (&self->lock);
}

void
cep_trainer_unpause (CepTrainer *self)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  self->paused = FALSE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

gboolean
cep_trainer_is_paused (CepTrainer *self)
{
  gboolean paused;

  g_return_val_if_fail (self != NULL, FALSE);

  g_mutex_lock (&self->lock);
  paused = self->paused;
  g_mutex_unlock (&self->lock);
  return paused;
}

void
cep_trainer_cancel (CepTrainer *self)
{
  g_return_if_fail (self != NULL);

  g_cancellable_cancel (self->cancellable);
  /* Wake a paused thread so it can stop. */
  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

gboolean
_cep_trainer_wait_unpaused (CepTrainer *self)
{
  gint64 since = 0;

  g_mutex_lock (&self->lock);
  while (self->paused && !g_cancellable_is_cancelled (self->cancellable))
    {
      if (since == 0)
        since = g_get_monotonic_time ();
      g_cond_wait (&self->cond, &self->lock);
    }
  g_mutex_unlock (&self->lock);
  if (since != 0)
    self->paused_for += g_get_monotonic_time () - since;
  return !g_cancellable_is_cancelled (self->cancellable);
}

gboolean
cep_trainer_wait (CepTrainer *self,
                  GError    **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->started, FALSE);

  join_thread (self);
  if (self->outcome != NULL)
    {
      g_propagate_error (error, g_error_copy (self->outcome));
      return FALSE;
    }
  return TRUE;
}

const char *
cep_trainer_get_run_dir (CepTrainer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->run_dir;
}

const char *
cep_trainer_get_backend_notice (CepTrainer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->backend_notice;
}

gboolean
cep_trainer_is_resident (CepTrainer *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->resident;
}

const char *
cep_trainer_get_input_note (CepTrainer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->input_note;
}

const CepExperiment *
cep_trainer_get_experiment (CepTrainer *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->experiment;
}
