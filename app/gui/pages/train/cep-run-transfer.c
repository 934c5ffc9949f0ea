/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-transfer.c: exporting a run's experiment to PyTorch and importing a run folder
 * made elsewhere, from the Run History's menu.
 *
 * The window computes nothing here: the folder comes from the file chooser, core writes or
 * copies on a worker (a checkpoint of `full` is tens of megabytes, and an import opens every
 * checkpoint), and the result comes back as a toast or a dialog that names the file.
 */
#define G_LOG_DOMAIN "cepstra-gui"

#include "cep-run-transfer.h"

#include <glib/gi18n.h>

#include "cep-export-torch.h"
#include "cep-file-chooser.h"
#include "cep-gui-util.h"
#include "cep-run-import.h"
#include "cep-run.h"

typedef struct
{
  GtkWidget          *owner;      /* strong: the report goes to it */
  char               *source;     /* the run folder exported or imported */
  char               *target;     /* the export folder; the runs folder of an import */
  gboolean            import;
  CepRunTransferDone  done;
  gpointer            user_data;
} TransferJob;

static void
transfer_job_free (TransferJob *job)
{
  g_clear_object (&job->owner);
  g_free (job->source);
  g_free (job->target);
  g_free (job);
}

/* The worker: returns the folder written (the export's, or the imported run's). */
static void
run_transfer (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  TransferJob *job = task_data;
  g_autoptr (CepExperiment) experiment = NULL;
  g_autofree char *experiment_path = NULL;
  GError *error = NULL;
  char *written = NULL;

  if (job->import)
    written = cep_run_import (job->source, job->target, &error);
  else
    {
      experiment_path = g_build_filename (job->source, CEP_RUN_EXPERIMENT_FILE, NULL);
      experiment = cep_experiment_load (experiment_path, NULL, &error);
      if (experiment != NULL && cep_export_torch (experiment, job->target, FALSE, &error))
        written = g_strdup (job->target);
    }
  if (written != NULL)
    g_task_return_pointer (task, written, g_free);
  else
    g_task_return_error (task, error);
}

static void
on_transfer_finished (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  TransferJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *written = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *message = NULL;

  if (written == NULL)
    {
      cep_widget_report_error (job->owner, job->import ? _("Could Not Import the Run")
                                                       : _("Could Not Export to PyTorch"),
                               error);
      return;
    }
  if (job->import)
    {
      g_autofree char *id = g_path_get_basename (written);
      /* Translators: %s is the new run folder's name. */
      message = g_strdup_printf (_("Imported the run as “%s”"), id);
    }
  else
    /* Translators: %s is a folder; train.py and README.md are file names. */
    message = g_strdup_printf (_("Exported to %s: see its README.md to run train.py"), written);
  cep_widget_report (job->owner, message);
  if (job->import && job->done != NULL)
    job->done (job->owner, job->user_data);
}

static void
start_transfer (TransferJob *job)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, on_transfer_finished, NULL);

  g_task_set_task_data (task, job, (GDestroyNotify) transfer_job_free);
  g_task_run_in_thread (task, run_transfer);
}

static TransferJob *
transfer_job_new (GtkWidget          *owner,
                  gboolean            import,
                  const char         *source,
                  const char         *target,
                  CepRunTransferDone  done,
                  gpointer            user_data)
{
  TransferJob *job = g_new0 (TransferJob, 1);

  job->owner = g_object_ref (owner);
  job->import = import;
  job->source = g_strdup (source);
  job->target = g_strdup (target);
  job->done = done;
  job->user_data = user_data;
  return job;
}

void
cep_run_transfer_export_torch_to (GtkWidget  *owner,
                                  const char *run_dir,
                                  const char *out_dir)
{
  g_return_if_fail (GTK_IS_WIDGET (owner) && run_dir != NULL && out_dir != NULL);

  start_transfer (transfer_job_new (owner, FALSE, run_dir, out_dir, NULL, NULL));
}

void
cep_run_transfer_import_from (GtkWidget          *owner,
                              const char         *source,
                              const char         *runs_root,
                              CepRunTransferDone  done,
                              gpointer            user_data)
{
  g_return_if_fail (GTK_IS_WIDGET (owner) && source != NULL);

  start_transfer (transfer_job_new (owner, TRUE, source, runs_root, done, user_data));
}

static void
on_folder_chosen (GPtrArray *files,
                  gpointer   user_data)
{
  TransferJob *job = user_data;
  g_autofree char *path = NULL;

  if (files->len == 0 || (path = g_file_get_path (g_ptr_array_index (files, 0))) == NULL)
    {
      transfer_job_free (job);
      return;
    }
  if (job->import)
    job->source = g_steal_pointer (&path);
  else
    job->target = g_steal_pointer (&path);
  start_transfer (job);
}

void
cep_run_transfer_export_torch (GtkWidget  *owner,
                               const char *run_dir)
{
  TransferJob *job;

  g_return_if_fail (GTK_IS_WIDGET (owner) && run_dir != NULL);

  job = transfer_job_new (owner, FALSE, run_dir, NULL, NULL, NULL);
  cep_choose_folder (cep_widget_get_window (owner), _("Export to PyTorch"), _("_Export"),
                     on_folder_chosen, job);
}

void
cep_run_transfer_import (GtkWidget          *owner,
                         const char         *runs_root,
                         CepRunTransferDone  done,
                         gpointer            user_data)
{
  TransferJob *job;

  g_return_if_fail (GTK_IS_WIDGET (owner));

  job = transfer_job_new (owner, TRUE, NULL, runs_root, done, user_data);
  cep_choose_folder (cep_widget_get_window (owner), _("Import Run"), _("_Import"),
                     on_folder_chosen, job);
}
