/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-train.c: `cepstra-cli train`, one training run in the foreground: an experiment from
 * a file or from flags, the trainer of core/train on its thread, a progress line on a terminal,
 * one line per epoch, and the run directory and final dev accuracy at the end.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-assignment.h"
#include "cep-backend.h"
#include "cep-cli-format.h"
#include "cep-cli-number.h"
#include "cep-cli-experiment-flags.h"
#include "cep-cli-progress.h"
#include "cep-batch-size-experiment.h"
#include "cep-model-presets.h"
#include "cep-run.h"
#include "cep-run-data.h"
#include "cep-trainer.h"
#include "cep-run-lock.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct
{
  char     *experiment;
  char     *assignment;
  char     *data;
  char     *preset;
  /* Numeric flags as typed (NULL: not given), then their checked values; a value that was not
   * given is -1 (or 0 for lr and subset, which must be positive when given). */
  char     *context_text, *epochs_text, *batch_text, *lr_text, *subset_text, *seed_text;
  char     *threads_text;
  char     *context_past_text, *context_future_text;
  int       context;
  int       context_past;
  int       context_future;
  int       epochs;
  int       batch;
  double    lr;
  double    subset;
  gboolean  augment;
  gint64    seed;
  char     *backend;
  char     *device;
  int       threads;
  char     *out;
  char     *resume;
  char     *name;
  gboolean  json;
  CepCliExperimentFlags experiment_flags;
} TrainFlags;

/* What the trainer's events told us; written on the trainer thread, read after it ended. */
typedef struct
{
  GMutex    lock;
  gboolean  terminal;
  gint64    drawn_us;
  gboolean  drawn;
  guint64   first_batch;      /* batches done before this process's first step (resume) */
  gboolean  stepped;
  guint     epochs_done;
  guint     n_epochs;
  gboolean  has_dev;
  double    dev_loss;
  double    dev_accuracy;
  double    best_dev_accuracy;
  double    train_loss;
  double    train_accuracy;
  double    samples_per_second;
  double    elapsed;
} TrainReport;

/* The experiment */

static gboolean
flags_change_model_or_data (const TrainFlags *flags)
{
  return flags->data != NULL || flags->preset != NULL || flags->context >= 0
         || flags->context_past >= 0 || flags->context_future >= 0
         || flags->batch > 0 || flags->lr > 0 || flags->subset > 0 || flags->augment
         || flags->seed >= 0 || flags->experiment != NULL || flags->name != NULL
         || cep_cli_experiment_flags_any (&flags->experiment_flags);
}

/* One side of the window as typed, into @side (left at -1 when not given). */
static gboolean
parse_context_side (const char  *flag,
                    const char  *text,
                    int         *side,
                    GError     **error)
{
  guint64 whole;

  if (text == NULL)
    return TRUE;
  if (!cep_cli_number_uint (flag, text, 0, CEP_MODEL_MAX_CONTEXT, &whole, error))
    return FALSE;
  *side = (int) whole;
  return TRUE;
}

/* Each numeric flag that was given, checked against its range (a usage error naming it). */
static gboolean
parse_numbers (TrainFlags  *flags,
               GError     **error)
{
  guint64 whole;

  if (!cep_cli_experiment_flags_parse (&flags->experiment_flags, error))
    return FALSE;
  if (flags->context_text != NULL)
    {
      if (!cep_cli_number_uint ("--context", flags->context_text, 0, CEP_MODEL_MAX_CONTEXT,
                                &whole, error))
        return FALSE;
      flags->context = (int) whole;
    }
  if (!parse_context_side ("--context-past", flags->context_past_text, &flags->context_past,
                           error)
      || !parse_context_side ("--context-future", flags->context_future_text,
                              &flags->context_future, error))
    return FALSE;
  if (flags->epochs_text != NULL)
    {
      if (!cep_cli_number_uint ("--epochs", flags->epochs_text, 1, 1000000, &whole, error))
        return FALSE;
      flags->epochs = (int) whole;
    }
  if (flags->batch_text != NULL)
    {
      if (!cep_cli_number_uint ("--batch", flags->batch_text, 1, G_MAXINT32, &whole, error))
        return FALSE;
      flags->batch = (int) whole;
    }
  if (flags->seed_text != NULL)
    {
      if (!cep_cli_number_uint ("--seed", flags->seed_text, 0, G_MAXINT64, &whole, error))
        return FALSE;
      flags->seed = (gint64) whole;
    }
  if (flags->threads_text != NULL)
    {
      if (!cep_cli_number_uint ("--threads", flags->threads_text, 0, CEP_BACKEND_MAX_THREADS,
                                &whole, error))
        return FALSE;
      flags->threads = (int) whole;
    }
  if (flags->lr_text != NULL
      && !cep_cli_number_double ("--lr", flags->lr_text, 0, FALSE, 1e6, TRUE, &flags->lr, error))
    return FALSE;
  if (flags->subset_text != NULL
      && !cep_cli_number_double ("--subset", flags->subset_text, 0, FALSE, 1, TRUE,
                                 &flags->subset, error))
    return FALSE;
  return TRUE;
}

static gboolean
check_flags (const TrainFlags  *flags,
             GError           **error)
{
  const char *problem = NULL;

  if (flags->resume != NULL && flags->out != NULL)
    problem = _("--resume continues a run in its own folder; --out is not allowed with it");
  else if (flags->resume != NULL && flags_change_model_or_data (flags))
    problem = _("a resumed run keeps its experiment: only --epochs, --backend, --device and "
                "--threads may be given with --resume");
  if (problem == NULL)
    return TRUE;
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, problem);
  return FALSE;
}

static CepExperiment *
base_experiment (const TrainFlags  *flags,
                 CepAssignment     *assignment,
                 GError           **error)
{
  g_auto(GStrv) warnings = NULL;
  g_autofree char *path = NULL;
  CepExperiment *experiment;

  if (flags->resume != NULL)
    path = g_build_filename (flags->resume, CEP_RUN_EXPERIMENT_FILE, NULL);
  else if (flags->experiment != NULL)
    path = g_strdup (flags->experiment);
  else if (assignment != NULL)
    return cep_experiment_copy (cep_assignment_get_experiment (assignment));
  else
    return cep_experiment_new ();
  experiment = cep_experiment_load (path, &warnings, error);
  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    cep_cli_warn ("train", warnings[i]);
  return experiment;
}

/* --context makes the window symmetric; --context-past/--context-future then set one side. */
static void
apply_context (CepModelSpec     *model,
               const TrainFlags *flags)
{
  guint past, future;

  if (flags->context >= 0)
    cep_model_spec_set_context_window (model, (guint) flags->context, (guint) flags->context);
  past = flags->context_past >= 0 ? (guint) flags->context_past
                                  : cep_model_spec_get_context_past (model);
  future = flags->context_future >= 0 ? (guint) flags->context_future
                                      : cep_model_spec_get_context_future (model);
  cep_model_spec_set_context_window (model, past, future);
}

/* The preset's blocks and context, for the feature dimension and classes already set. */
static gboolean
apply_preset (CepExperiment  *experiment,
              const char     *preset,
              GError        **error)
{
  CepModelSpec *spec = cep_model_preset_new (preset, experiment->model->feature_dim,
                                             cep_model_spec_get_n_classes (experiment->model),
                                             error);

  if (spec == NULL)
    return FALSE;
  cep_experiment_set_model (experiment, spec);
  return TRUE;
}

static gboolean
apply_flags (CepExperiment     *experiment,
             const TrainFlags  *flags,
             GError           **error)
{
  if (flags->data != NULL)
    {
      g_free (experiment->data.root);
      experiment->data.root = g_strdup (flags->data);
    }
  if (flags->preset != NULL && !apply_preset (experiment, flags->preset, error))
    return FALSE;
  apply_context (experiment->model, flags);
  if (flags->epochs > 0)
    experiment->train.epochs = (guint) flags->epochs;
  if (flags->batch > 0)
    experiment->train.batch_size = (guint) flags->batch;
  if (flags->lr > 0)
    experiment->train.optimizer.lr = flags->lr;
  if (flags->subset > 0)
    experiment->data.subset_fraction = flags->subset;
  if (flags->augment)
    experiment->augment.enabled = TRUE;
  if (flags->seed >= 0)
    experiment->seed = (guint64) flags->seed;
  if (flags->backend != NULL)
    {
      g_free (experiment->train.backend);
      experiment->train.backend = g_strdup (flags->backend);
      /* A device recorded for the experiment's backend is not this one's. */
      g_clear_pointer (&experiment->train.device, g_free);
    }
  if (flags->device != NULL)
    {
      g_free (experiment->train.device);
      experiment->train.device = g_strdup (flags->device);
    }
  if (flags->threads >= 0)
    experiment->train.threads = (guint) flags->threads;
  if (flags->name != NULL)
    {
      g_free (experiment->name);
      experiment->name = g_strdup (flags->name);
    }
  return TRUE;
}

/* The data */

static CepPartition *
load_partition (CepDataset   *dataset,
                const char   *name,
                GError      **error)
{
  /* Translators: a progress line's label; %s is a partition such as train-clean-100. */
  g_autofree char *label = g_strdup_printf (_("loading %s"), name);
  g_autoptr(CepCliProgress) progress = cep_cli_progress_new (label, _("files"));
  CepPartition *partition;

  partition = cep_dataset_load_partition (dataset, name, cep_cli_get_cancellable (),
                                          cep_cli_progress_func, progress, error);
  return partition != NULL ? g_object_ref (partition) : NULL;
}

/* The dataset an assignment expects, told by its fingerprint (a copy of it passes). */
static gboolean
check_dataset (CepDataset     *dataset,
               CepAssignment  *assignment,
               GError        **error)
{
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) local_error = NULL;

  if (assignment == NULL)
    return TRUE;
  fingerprint = cep_dataset_get_fingerprint (dataset);
  if (cep_assignment_check_dataset_fingerprint (assignment, fingerprint, &local_error))
    return TRUE;
  g_set_error (error, CEP_ASSIGNMENT_ERROR, local_error->code, "%s: %s",
               cep_dataset_get_root (dataset), local_error->message);
  return FALSE;
}

/* Loads the training and dev partitions; without an experiment file the model takes the
 * feature dimension of the data (a file's model is used as written). */
static gboolean
load_data (CepExperiment     *experiment,
           const TrainFlags  *flags,
           CepAssignment     *assignment,
           CepPartition     **train,
           CepPartition     **dev,
           GError           **error)
{
  g_autoptr(CepDataset) dataset = cep_experiment_open_dataset (experiment, error);
  const char *train_name, *dev_name;

  if (dataset == NULL || !check_dataset (dataset, assignment, error))
    return FALSE;
  train_name = experiment->data.train_partition ? experiment->data.train_partition
                                                : cep_dataset_get_train_name (dataset);
  dev_name = experiment->data.dev_partition ? experiment->data.dev_partition
                                            : cep_dataset_get_dev_name (dataset);
  if (train_name == NULL)
    {
      g_autofree char *why = cep_dataset_explain_no_train (dataset);
      g_set_error_literal (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_NO_PARTITION, why);
      return FALSE;
    }
  if ((*train = load_partition (dataset, train_name, error)) == NULL)
    return FALSE;
  if (flags->experiment == NULL && flags->resume == NULL && flags->assignment == NULL)
    experiment->model->feature_dim = cep_partition_get_feature_dim (*train);
  return dev_name == NULL || (*dev = load_partition (dataset, dev_name, error)) != NULL;
}

/* What will train: the model, its size against the limit, its cost. */
static void
print_model (const CepExperiment *experiment)
{
  const CepModelSpec *model = experiment->model;
  g_autofree char *params = cep_cli_format_count (cep_model_spec_count_params (model));
  g_autofree char *limit = cep_cli_format_count (model->param_limit);
  g_autofree char *flops = cep_cli_format_count (cep_model_spec_count_flops (model));

  /* Translators: "model tiny: K 30, 9 blocks, 1,234,567 parameters"; then, one message each,
   * " (limit 20,000,000)" and ", 2,469,134 FLOPs per sample". */
  if (cep_model_spec_is_symmetric (model))
    fprintf (stderr, _("model %s: K %u, %u blocks, %s parameters"),
             cep_experiment_get_display_name (experiment), model->context,
             cep_model_spec_get_n_blocks (model), params);
  else
    /* Translators: "model tiny: 10 past + 2 future frames, 9 blocks, 1,234 parameters". */
    fprintf (stderr, _("model %s: %u past + %u future frames, %u blocks, %s parameters"),
             cep_experiment_get_display_name (experiment),
             cep_model_spec_get_context_past (model), cep_model_spec_get_context_future (model),
             cep_model_spec_get_n_blocks (model), params);
  if (model->param_limit > 0)
    fprintf (stderr, _(" (limit %s)"), limit);
  fprintf (stderr, _(", %s FLOPs per sample\n"), flops);
}

/* Progress */

static void
format_duration (double seconds,
                 char   buffer[32])
{
  guint total = seconds > 0 && isfinite (seconds) ? (guint) (seconds + 0.5) : 0;

  if (total >= 3600)
    g_snprintf (buffer, 32, "%u:%02u:%02u", total / 3600, total / 60 % 60, total % 60);
  else
    g_snprintf (buffer, 32, "%u:%02u", total / 60, total % 60);
}

static void
draw_step (TrainReport           *report,
           const CepTrainerEvent *event)
{
  gint64 now = g_get_monotonic_time ();
  guint64 done = (guint64) event->epoch * event->n_batches + event->batch + 1;
  guint64 total = (guint64) event->n_epochs * event->n_batches;
  double per_batch;
  char eta[32];
  g_autofree char *batch = NULL;
  g_autofree char *n_batches = NULL;

  if (!report->stepped)
    {
      report->first_batch = done - 1;
      report->stepped = TRUE;
    }
  per_batch = event->elapsed / (double) MAX (done - report->first_batch, 1);
  if (!report->terminal || (report->drawn && now - report->drawn_us < G_USEC_PER_SEC / 10))
    return;
  format_duration (per_batch * (double) (total - MIN (done, total)), eta);
  batch = cep_cli_format_count (event->batch + 1);
  n_batches = cep_cli_format_count (event->n_batches);
  fputs ("\r\033[K", stderr);
  /* Translators: the progress line of a training: epoch, batch, the batch's loss and
   * accuracy, throughput and the time left; ' groups the samples per second. */
  fprintf (stderr, _("epoch %u/%u, batch %s/%s: loss %.4f, acc %.2f %%, %'.0f samples/s, "
                     "ETA %s"), event->epoch + 1, event->n_epochs, batch, n_batches,
           event->loss, 100 * event->accuracy, event->samples_per_second, eta);
  fflush (stderr);
  report->drawn = TRUE;
  report->drawn_us = now;
}

static void
erase_line (TrainReport *report)
{
  if (!report->drawn)
    return;
  fprintf (stderr, "\r\033[K");
  report->drawn = FALSE;
}

static void
print_epoch (TrainReport           *report,
             const CepTrainerEvent *event)
{
  erase_line (report);
  /* Translators: one line per epoch, in three messages: the training loss and accuracy, then
   * the dev partition's (when there is one), then throughput and the time so far. */
  fprintf (stderr, _("epoch %u/%u: train loss %.4f, acc %.2f %%"), event->epoch + 1,
           event->n_epochs, event->loss, 100 * event->accuracy);
  if (event->has_dev)
    fprintf (stderr, _("; dev loss %.4f, acc %.2f %%"), event->dev_loss,
             100 * event->dev_accuracy);
  fprintf (stderr, _("; %'.0f samples/s, %.1f s\n"), event->samples_per_second,
           event->elapsed);
  fflush (stderr);
}

static void
record_epoch (TrainReport           *report,
              const CepTrainerEvent *event)
{
  report->epochs_done = event->epoch + 1;
  report->n_epochs = event->n_epochs;
  report->train_loss = event->loss;
  report->train_accuracy = event->accuracy;
  report->samples_per_second = event->samples_per_second;
  report->elapsed = event->elapsed;
  report->has_dev = event->has_dev;
  if (!event->has_dev)
    return;
  report->dev_loss = event->dev_loss;
  report->dev_accuracy = event->dev_accuracy;
  if (isnan (report->best_dev_accuracy) || event->dev_accuracy > report->best_dev_accuracy)
    report->best_dev_accuracy = event->dev_accuracy;
}

/* Runs on the trainer thread. */
static void
on_event (const CepTrainerEvent *event,
          gpointer               user_data)
{
  TrainReport *report = user_data;

  g_mutex_lock (&report->lock);
  if (event->kind == CEP_TRAINER_EVENT_STEP)
    draw_step (report, event);
  else if (event->kind == CEP_TRAINER_EVENT_EPOCH)
    {
      print_epoch (report, event);
      record_epoch (report, event);
    }
  else if (event->kind >= CEP_TRAINER_EVENT_FINISHED)
    erase_line (report);
  g_mutex_unlock (&report->lock);
}

/* Running */

static void
on_cancelled (GCancellable *cancellable,
              gpointer      trainer)
{
  cep_trainer_cancel (trainer);
}

static gboolean
train (CepTrainer   *trainer,
       GError      **error)
{
  GCancellable *cancellable = cep_cli_get_cancellable ();
  gulong handler;
  gboolean ok;

  if (!cep_trainer_start (trainer, error))
    return FALSE;
  handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), trainer, NULL);
  ok = cep_trainer_wait (trainer, error);
  g_cancellable_disconnect (cancellable, handler);
  return ok;
}

static void
print_result (CepTrainer        *trainer,
              const TrainReport *report,
              gboolean           json)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (!json)
    {
      printf (_("run: %s\n"), cep_trainer_get_run_dir (trainer));
      if (report->has_dev)
        printf (_("dev accuracy: %.2f %% (epoch %u; best %.2f %%)\n"),
                100 * report->dev_accuracy, report->epochs_done,
                100 * report->best_dev_accuracy);
      printf (_("training time: %.1f s\n"), report->elapsed);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "run_dir");
  json_builder_add_string_value (builder, cep_trainer_get_run_dir (trainer));
  json_builder_set_member_name (builder, "parameters");
  json_builder_add_int_value (builder, (gint64) cep_model_spec_count_params (
                                cep_trainer_get_experiment (trainer)->model));
  json_builder_set_member_name (builder, "flops_per_sample");
  json_builder_add_int_value (builder, (gint64) cep_model_spec_count_flops (
                                cep_trainer_get_experiment (trainer)->model));
  json_builder_set_member_name (builder, "epochs");
  json_builder_add_int_value (builder, report->epochs_done);
  json_builder_set_member_name (builder, "train_loss");
  json_builder_add_double_value (builder, report->train_loss);
  json_builder_set_member_name (builder, "train_accuracy");
  json_builder_add_double_value (builder, report->train_accuracy);
  if (report->has_dev)
    {
      json_builder_set_member_name (builder, "dev_loss");
      json_builder_add_double_value (builder, report->dev_loss);
      json_builder_set_member_name (builder, "dev_accuracy");
      json_builder_add_double_value (builder, report->dev_accuracy);
      json_builder_set_member_name (builder, "best_dev_accuracy");
      json_builder_add_double_value (builder, report->best_dev_accuracy);
    }
  json_builder_set_member_name (builder, "samples_per_second");
  json_builder_add_double_value (builder, report->samples_per_second);
  json_builder_set_member_name (builder, "elapsed");
  json_builder_add_double_value (builder, report->elapsed);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

/* Which exit status a failed run gets: its folder (3; 5 while another training writes it),
 * an unknown backend (1), a cancellation (130), anything about the experiment and the
 * data (2). */
static int
trainer_exit_code (const GError *error)
{
  if (g_error_matches (error, CEP_RUN_LOCK_ERROR, CEP_RUN_LOCK_ERROR_BUSY))
    return CEP_CLI_EXIT_BUSY;
  if (g_error_matches (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_RUN_DIR)
      || error->domain == CEP_RUN_LOCK_ERROR)
    return CEP_CLI_EXIT_OUTPUT;
  if (g_error_matches (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_UNKNOWN))
    return CEP_CLI_EXIT_USAGE;
  return CEP_CLI_EXIT_INVALID_DATA;
}

/* Creates the trainer and runs it to its end (NULL with the error when it did not finish). */
static CepTrainer *
run_trainer (const CepExperiment  *experiment,
             CepAssignment        *assignment,
             CepPartition         *train_partition,
             CepPartition         *dev_partition,
             const char           *run_dir,
             gboolean              resume,
             TrainReport          *report,
             GError              **error)
{
  g_autoptr(CepTrainer) trainer = NULL;
  CepTrainerOptions options;

  cep_trainer_options_init (&options);
  options.resume = resume;
  options.callback = on_event;
  options.user_data = report;
  if (assignment != NULL)
    cep_assignment_attach_to_trainer (assignment, &options);
  trainer = cep_trainer_new (experiment, train_partition, dev_partition, run_dir, &options,
                             error);
  if (trainer != NULL && cep_trainer_get_backend_notice (trainer) != NULL)
    cep_cli_warn ("train", cep_trainer_get_backend_notice (trainer));
  if (trainer == NULL || !train (trainer, error))
    return NULL;
  return g_steal_pointer (&trainer);
}

/* The assignment the run answers: --assignment FILE, or the one a resumed run started under
 * (a run keeps its assignment: resuming it under another is refused). NULL without one. */
static gboolean
open_assignment (const TrainFlags  *flags,
                 CepAssignment    **assignment,
                 GError           **error)
{
  g_autoptr(CepAssignment) given = NULL;
  g_autoptr(CepAssignment) recorded = NULL;
  g_autoptr(GError) local_error = NULL;

  *assignment = NULL;
  if (flags->assignment != NULL
      && (given = cep_assignment_load (flags->assignment, error)) == NULL)
    return FALSE;
  if (flags->resume != NULL)
    {
      recorded = cep_assignment_load_from_run (flags->resume, &local_error);
      if (recorded == NULL
          && !g_error_matches (local_error, CEP_ASSIGNMENT_ERROR,
                               CEP_ASSIGNMENT_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (given != NULL && (recorded == NULL
                            || strcmp (cep_assignment_get_hash (given),
                                       cep_assignment_get_hash (recorded)) != 0))
        {
          g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_RULE,
                       _("%s: the run was not started under this assignment (%s); a run "
                         "keeps the assignment it started under"),
                       flags->resume, flags->assignment);
          return FALSE;
        }
    }
  *assignment = given != NULL ? g_steal_pointer (&given) : g_steal_pointer (&recorded);
  return TRUE;
}

/* The experiment as flags made it, against the assignment's rules; the message starts with
 * the file the experiment came from, else the assignment's. */
static gboolean
check_rules (const TrainFlags     *flags,
             CepAssignment        *assignment,
             const CepExperiment  *experiment,
             GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *resumed = NULL;
  const char *source;

  if (assignment == NULL
      || cep_assignment_check_experiment (assignment, experiment, &local_error))
    return TRUE;
  if (flags->resume != NULL)
    source = resumed = g_build_filename (flags->resume, CEP_RUN_EXPERIMENT_FILE, NULL);
  else if (flags->experiment != NULL)
    source = flags->experiment;
  else
    source = cep_assignment_get_path (assignment);
  g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_RULE, "%s: %s", source,
               local_error->message);
  return FALSE;
}

static int
run_train (const TrainFlags *flags)
{
  g_autoptr(CepAssignment) assignment = NULL;
  g_autoptr(CepExperiment) experiment = NULL;
  g_autoptr(CepPartition) train_partition = NULL;
  g_autoptr(CepPartition) dev_partition = NULL;
  g_autoptr(CepTrainer) trainer = NULL;
  g_autoptr(GError) error = NULL;
  TrainReport report = { .terminal = isatty (STDERR_FILENO) &&
                                     g_getenv ("CEPSTRA_NO_PROGRESS") == NULL,
                         .best_dev_accuracy = NAN };
  int exit_code = CEP_CLI_EXIT_OK;

  if (!check_flags (flags, &error))
    return cep_cli_usage_error ("train", "%s", error->message);
  if (!open_assignment (flags, &assignment, &error))
    return cep_cli_fail ("train", error,
                         g_error_matches (error, CEP_ASSIGNMENT_ERROR,
                                          CEP_ASSIGNMENT_ERROR_RULE)
                         ? CEP_CLI_EXIT_RULE : CEP_CLI_EXIT_INVALID_DATA);
  if ((experiment = base_experiment (flags, assignment, &error)) == NULL)
    return cep_cli_fail ("train", error, CEP_CLI_EXIT_INVALID_DATA);
  if (!apply_flags (experiment, flags, &error))
    return cep_cli_usage_error ("train", "%s", error->message);
  if (!load_data (experiment, flags, assignment, &train_partition, &dev_partition, &error))
    return cep_cli_fail ("train", error, CEP_CLI_EXIT_INVALID_DATA);
  /* After the data: a shape fills its budget for the data's feature dimension. */
  if (!cep_cli_experiment_flags_apply (&flags->experiment_flags, experiment, &error))
    return cep_cli_usage_error ("train", "%s", error->message);
  /* Last, on the experiment exactly as it would train: no flag or edit escapes a rule. */
  if (!check_rules (flags, assignment, experiment, &error))
    return cep_cli_fail ("train", error, CEP_CLI_EXIT_RULE);
  print_model (experiment);

  g_mutex_init (&report.lock);
  trainer = run_trainer (experiment, assignment, train_partition, dev_partition,
                         flags->resume != NULL ? flags->resume : flags->out,
                         flags->resume != NULL, &report, &error);
  if (trainer == NULL)
    exit_code = cep_cli_fail ("train", error, trainer_exit_code (error));
  else
    print_result (trainer, &report, flags->json);
  g_clear_pointer (&trainer, cep_trainer_free);
  g_mutex_clear (&report.lock);
  return exit_code;
}

/* The batch-size comparison's three runs, trained one after the other without dev evaluation
 * (cep-batch-size-experiment.h): into @out_dir/NAME, or the runs folder. */
char **
cep_cli_train_batch_size_experiment (const char  *data,
                                     const char  *out_dir,
                                     GError     **error)
{
  g_autoptr(CepExperiment) base = cep_experiment_new ();
  g_autoptr(CepPartition) train_partition = NULL;
  g_autoptr(CepPartition) dev_partition = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GStrvBuilder) dirs = g_strv_builder_new ();
  TrainFlags flags = { .context = -1, .context_past = -1, .context_future = -1, .epochs = -1,
                       .batch = -1, .seed = -1, .threads = -1 };

  g_free (base->data.root);
  base->data.root = g_strdup (data);
  if (!load_data (base, &flags, NULL, &train_partition, &dev_partition, error))
    return NULL;
  runs = cep_batch_size_experiment_new (base, cep_partition_get_n_frames (train_partition));
  for (guint i = 0; i < runs->len; i++)
    {
      const CepExperiment *run = g_ptr_array_index (runs, i);
      g_autofree char *dir = out_dir != NULL ? g_build_filename (out_dir, run->name, NULL)
                                             : NULL;
      TrainReport report = { .terminal = isatty (STDERR_FILENO)
                                         && g_getenv ("CEPSTRA_NO_PROGRESS") == NULL,
                             .best_dev_accuracy = NAN };
      g_autoptr(CepTrainer) trainer = NULL;
      gboolean trained;

      /* Translators: "batch-size run 2 of 3: mini-batch, batch 128, 4 epochs"; the name is
       * the run's. */
      fprintf (stderr, _("batch-size run %u of %u: %s, batch %u, %u epochs\n"), i + 1, runs->len,
               run->name, run->train.batch_size, run->train.epochs);
      g_mutex_init (&report.lock);
      trainer = run_trainer (run, NULL, train_partition, NULL, dir, FALSE, &report, error);
      trained = trainer != NULL;
      if (trained)
        g_strv_builder_add (dirs, cep_trainer_get_run_dir (trainer));
      /* No event can come once the trainer is gone. */
      g_clear_pointer (&trainer, cep_trainer_free);
      g_mutex_clear (&report.lock);
      if (!trained)
        return NULL;
    }
  return g_strv_builder_end (dirs);
}

int
cep_cli_train_run (int    argc,
                   char **argv)
{
  TrainFlags flags = { .context = -1, .context_past = -1, .context_future = -1, .epochs = -1,
                       .batch = -1, .seed = -1, .threads = -1 };
  g_auto(GStrv) rest = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "experiment", 'e', 0, G_OPTION_ARG_FILENAME, &flags.experiment,
      N_("Start from this experiment.json (flags below override it)"), "FILE" },
    { "assignment", 0, 0, G_OPTION_ARG_FILENAME, &flags.assignment,
      N_("Train under this assignment: start from its experiment (or --experiment's) and "
         "refuse anything that breaks its rules; the run keeps a copy"), "FILE" },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &flags.data,
      N_("Dataset root (default: the experiment's, else the embedded demo dataset)"), "DIR" },
    { "preset", 'm', 0, G_OPTION_ARG_STRING, &flags.preset,
      N_("Model preset: tiny, full, baseline, tdnn or tdnn-full (default tiny)"), "NAME" },
    { "context", 'k', 0, G_OPTION_ARG_STRING, &flags.context_text,
      N_("Context K (default: the preset's)"), "K" },
    { "context-past", 0, 0, G_OPTION_ARG_STRING, &flags.context_past_text,
      N_("Frames before the classified one (default K)"), "P" },
    { "context-future", 0, 0, G_OPTION_ARG_STRING, &flags.context_future_text,
      N_("Frames after the classified one, the look-ahead (default K)"), "F" },
    { "epochs", 'n', 0, G_OPTION_ARG_STRING, &flags.epochs_text, N_("Epochs (default 5)"), "N" },
    { "batch", 'b', 0, G_OPTION_ARG_STRING, &flags.batch_text, N_("Batch size (default 1024)"),
      "B" },
    { "lr", 0, 0, G_OPTION_ARG_STRING, &flags.lr_text, N_("Learning rate (default 0.001)"), "LR" },
    { "subset", 0, 0, G_OPTION_ARG_STRING, &flags.subset_text,
      N_("Train on a fixed random fraction of the frames"), "F" },
    { "augment", 'a', 0, G_OPTION_ARG_NONE, &flags.augment, N_("SpecAugment time and frequency "
         "masks (the seed notebook's)"), NULL },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &flags.seed_text, N_("Seed (default 0)"), "S" },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &flags.backend, N_("Backend: blas, ref or "
         "vulkan (default blas; vulkan falls back to blas without a device)"), "NAME" },
    { "device", 0, 0, G_OPTION_ARG_STRING, &flags.device, N_("The vulkan backend's device: an "
         "index or part of its name (default: $CEPSTRA_VULKAN_DEVICE, else the best GPU)"),
      "DEVICE" },
    { "threads", 't', 0, G_OPTION_ARG_STRING, &flags.threads_text,
      N_("Compute threads (default: one per core)"), "N" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &flags.out, N_("Run directory (default "
         "$XDG_DATA_HOME/cepstra/runs/DATE-NAME)"), "RUNDIR" },
    { "resume", 'r', 0, G_OPTION_ARG_FILENAME, &flags.resume,
      N_("Continue the run in RUNDIR from its last checkpoint"), "RUNDIR" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &flags.name, N_("Name of the run"), "NAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &flags.json, N_("Print the result as JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
  };
  g_autoptr(GArray) all = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));

  cep_cli_experiment_flags_init (&flags.experiment_flags);
  g_array_append_vals (all, entries, G_N_ELEMENTS (entries));
  cep_cli_experiment_flags_add_entries (&flags.experiment_flags, all);

  if (!cep_cli_parse_options ("train", NULL,
                              N_("One line per epoch goes to stderr (and a progress line when it "
                                 "is a terminal); the run directory and the final dev accuracy\n"
                                 "go to stdout. Ctrl-C stops within one batch; the last completed "
                                 "epoch stays saved and --resume continues from it.\n"
                                 "Exit status: 0 trained, 1 usage error, 2 invalid experiment or "
                                 "data (or the loss diverged), 3 run directory not writable, "
                                 "6 breaks a rule of the assignment, 130 interrupted."),
                              (const GOptionEntry *) all->data, &argc, &argv, &exit_code))
    goto out;
  if (rest != NULL)
    exit_code = cep_cli_usage_error ("train", _("unexpected argument “%s”"), rest[0]);
  else if (!parse_numbers (&flags, &error))
    exit_code = cep_cli_usage_error ("train", "%s", error->message);
  else
    exit_code = run_train (&flags);

out:
  g_free (flags.context_text);
  g_free (flags.context_past_text);
  g_free (flags.context_future_text);
  g_free (flags.epochs_text);
  g_free (flags.batch_text);
  g_free (flags.lr_text);
  g_free (flags.subset_text);
  g_free (flags.seed_text);
  g_free (flags.threads_text);
  g_free (flags.experiment);
  g_free (flags.assignment);
  g_free (flags.data);
  g_free (flags.preset);
  g_free (flags.backend);
  g_free (flags.device);
  g_free (flags.out);
  g_free (flags.resume);
  g_free (flags.name);
  cep_cli_experiment_flags_clear (&flags.experiment_flags);
  return exit_code;
}
