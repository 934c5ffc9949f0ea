/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-import.c: checks a run folder made elsewhere and copies it into the runs folder.
 *
 * The checks are the readers Cepstra uses on its own runs (cep_experiment_load,
 * cep_training_curves_new_from_text, cep_run_load_network), so an imported run fails with the
 * same per-file messages a local one would, at import rather than later in an analysis.
 */
#define G_LOG_DOMAIN "cepstra-import"

#include "cep-run-import.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cep-assignment.h"
#include "cep-atomic-file.h"
#include "cep-experiment.h"
#include "cep-run-history.h"
#include "cep-run.h"
#include "cep-training-curves.h"

G_DEFINE_QUARK (cep-run-import-error-quark, cep_run_import_error)

/* Everything of a run that is copied (an assignment's copy included: a hand-in reads it). */
static const char *const run_files[] = {
  CEP_RUN_EXPERIMENT_FILE, CEP_RUN_METRICS_FILE, CEP_RUN_FINGERPRINT_FILE,
  CEP_ASSIGNMENT_RUN_FILE, CEP_RUN_LAST_CHECKPOINT, CEP_RUN_BEST_CHECKPOINT,
};

/* Takes @local: an error of another domain becomes INVALID with the same message. */
static gboolean
invalid (GError **error,
         GError  *local)
{
  g_set_error_literal (error, CEP_RUN_IMPORT_ERROR, CEP_RUN_IMPORT_ERROR_INVALID,
                       local->message);
  g_error_free (local);
  return FALSE;
}

static gboolean
check_checkpoint (const char           *path,
                  const CepExperiment  *experiment,
                  CepBackend           *backend,
                  GError              **error)
{
  g_autoptr (CepExperiment) found = NULL;
  g_autoptr (CepNetwork) network = NULL;
  GError *local = NULL;

  network = cep_run_load_network (path, backend, 1, &found, &local);
  if (network == NULL)
    return invalid (error, local);
  if (!cep_model_spec_equal (found->model, experiment->model))
    {
      g_set_error (error, CEP_RUN_IMPORT_ERROR, CEP_RUN_IMPORT_ERROR_INVALID,
                   "%s: its model is not the one of %s", path, CEP_RUN_EXPERIMENT_FILE);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_checkpoints (const char           *run_dir,
                   const CepExperiment  *experiment,
                   GError              **error)
{
  g_autoptr (CepBackend) backend = cep_backend_new ("ref", NULL, NULL);
  guint found = 0;

  g_assert (backend != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (run_files); i++)
    {
      g_autofree char *path = g_build_filename (run_dir, run_files[i], NULL);
      if (!g_str_has_suffix (run_files[i], ".safetensors") || !g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      if (!check_checkpoint (path, experiment, backend, error))
        return FALSE;
      found++;
    }
  if (found > 0)
    return TRUE;
  g_set_error (error, CEP_RUN_IMPORT_ERROR, CEP_RUN_IMPORT_ERROR_INVALID,
               "%s: no checkpoint (neither %s nor %s)", run_dir, CEP_RUN_LAST_CHECKPOINT,
               CEP_RUN_BEST_CHECKPOINT);
  return FALSE;
}

static CepExperiment *
load_checked (const char  *run_dir,
              GError     **error)
{
  g_autofree char *experiment_path = g_build_filename (run_dir, CEP_RUN_EXPERIMENT_FILE, NULL);
  g_autofree char *metrics_path = g_build_filename (run_dir, CEP_RUN_METRICS_FILE, NULL);
  g_autoptr (CepExperiment) experiment = NULL;
  g_autoptr (CepTrainingCurves) curves = NULL;
  GError *local = NULL;

  if (!g_file_test (run_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, CEP_RUN_IMPORT_ERROR, CEP_RUN_IMPORT_ERROR_INVALID,
                   "%s: no such folder", run_dir);
      return NULL;
    }
  if ((experiment = cep_experiment_load (experiment_path, NULL, &local)) == NULL
      || (curves = cep_training_curves_load (metrics_path, &local)) == NULL)
    {
      invalid (error, local);
      return NULL;
    }
  if (!check_checkpoints (run_dir, experiment, error))
    return NULL;
  return g_steal_pointer (&experiment);
}

gboolean
cep_run_import_check (const char  *run_dir,
                      GError     **error)
{
  g_autoptr (CepExperiment) experiment = NULL;

  g_return_val_if_fail (run_dir != NULL, FALSE);

  experiment = load_checked (run_dir, error);
  return experiment != NULL;
}

/* "20261206-031500-tiny": eight digits, a dash, six digits, a dash, a name. */
static gboolean
is_run_id (const char *name)
{
  for (guint i = 0; i < 15; i++)
    if (i == 8 ? name[i] != '-' : !g_ascii_isdigit (name[i]))
      return FALSE;
  return name[15] == '-' && name[16] != '\0';
}

/* The new run's id: the folder's own when it is one, else the start of its first metrics
 * line (local time, as cep_run_dir_new_default names runs) and its display name. */
static char *
make_run_id (const char          *run_dir,
             const CepExperiment *experiment)
{
  g_autofree char *base = g_path_get_basename (run_dir);
  g_autofree char *fresh = NULL;
  g_autofree char *metrics = g_build_filename (run_dir, CEP_RUN_METRICS_FILE, NULL);
  g_autoptr (CepRunInfo) info = NULL;
  g_autoptr (GDateTime) started = NULL;

  if (is_run_id (base))
    return g_steal_pointer (&base);
  info = cep_run_info_load (run_dir, NULL);
  if (info != NULL && info->started > 0)
    started = g_date_time_new_from_unix_local (info->started);
  /* cep_run_dir_new_default() sanitizes the name and dates it now; keep its name only. */
  fresh = cep_run_dir_new_default (cep_experiment_get_display_name (experiment));
  g_free (base);
  base = g_path_get_basename (fresh);
  if (started == NULL)
    return g_steal_pointer (&base);
  g_autofree char *stamp = g_date_time_format (started, "%Y%m%d-%H%M%S");
  return g_strconcat (stamp, base + 15, NULL);
}

static gboolean
copy_file (const char  *from,
           const char  *to,
           GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) local = NULL;
  gsize length;

  if (!g_file_get_contents (from, &contents, &length, &local))
    {
      g_set_error (error, CEP_RUN_IMPORT_ERROR, CEP_RUN_IMPORT_ERROR_INVALID, "%s",
                   local->message);
      return FALSE;
    }
  if (cep_atomic_file_set_contents (to, contents, length, &local))
    return TRUE;
  g_set_error (error, CEP_RUN_IMPORT_ERROR, CEP_RUN_IMPORT_ERROR_OUTPUT, "%s", local->message);
  return FALSE;
}

static gboolean
output_errno (GError    **error,
              const char *path,
              const char *what)
{
  int saved = errno;

  g_set_error (error, CEP_RUN_IMPORT_ERROR, CEP_RUN_IMPORT_ERROR_OUTPUT, "%s: cannot %s: %s",
               path, what, g_strerror (saved));
  return FALSE;
}

/* Copies the run's files into @staging (which exists). */
static gboolean
copy_run (const char          *run_dir,
          const CepExperiment *experiment,
          const char          *staging,
          GError             **error)
{
  g_autofree char *checkpoints = g_build_filename (staging, CEP_RUN_CHECKPOINTS_DIR, NULL);
  g_autofree char *fingerprint_path = g_build_filename (staging, CEP_RUN_FINGERPRINT_FILE,
                                                        NULL);

  if (g_mkdir (checkpoints, 0777) != 0)
    return output_errno (error, checkpoints, "create the folder");
  for (guint i = 0; i < G_N_ELEMENTS (run_files); i++)
    {
      g_autofree char *from = g_build_filename (run_dir, run_files[i], NULL);
      g_autofree char *to = g_build_filename (staging, run_files[i], NULL);
      if (g_file_test (from, G_FILE_TEST_EXISTS) && !copy_file (from, to, error))
        return FALSE;
    }
  if (!g_file_test (fingerprint_path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *fingerprint = cep_run_history_dataset_fingerprint (experiment->data.root);
      g_autoptr (GError) local = NULL;
      if (fingerprint != NULL
          && !cep_atomic_file_set_contents (fingerprint_path, fingerprint, strlen (fingerprint),
                                            &local))
        {
          g_set_error (error, CEP_RUN_IMPORT_ERROR, CEP_RUN_IMPORT_ERROR_OUTPUT, "%s",
                       local->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* Removes what a failed import put into @staging (only the files it writes). */
static void
remove_staging (const char *staging)
{
  for (guint i = 0; i < G_N_ELEMENTS (run_files); i++)
    {
      g_autofree char *path = g_build_filename (staging, run_files[i], NULL);
      g_remove (path);
    }
  g_autofree char *checkpoints = g_build_filename (staging, CEP_RUN_CHECKPOINTS_DIR, NULL);
  cep_atomic_file_remove_leftovers (checkpoints);
  cep_atomic_file_remove_leftovers (staging);
  g_rmdir (checkpoints);
  g_rmdir (staging);
}

char *
cep_run_import (const char  *run_dir,
                const char  *runs_root,
                GError     **error)
{
  g_autoptr (CepExperiment) experiment = NULL;
  g_autofree char *default_root = NULL;
  g_autofree char *id = NULL;
  g_autofree char *target = NULL;
  g_autofree char *staging = NULL;

  g_return_val_if_fail (run_dir != NULL, NULL);

  if ((experiment = load_checked (run_dir, error)) == NULL)
    return NULL;
  if (runs_root == NULL)
    runs_root = default_root = cep_run_history_get_root ();
  id = make_run_id (run_dir, experiment);
  target = g_build_filename (runs_root, id, NULL);
  if (g_file_test (target, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CEP_RUN_IMPORT_ERROR, CEP_RUN_IMPORT_ERROR_EXISTS,
                   "%s: a run of this id is there already (imported before?)", target);
      return NULL;
    }
  if (g_mkdir_with_parents (runs_root, 0777) != 0)
    {
      output_errno (error, runs_root, "create the folder");
      return NULL;
    }
  staging = g_build_filename (runs_root, ".import-XXXXXX", NULL);
  if (g_mkdtemp_full (staging, 0777) == NULL)
    {
      output_errno (error, runs_root, "create a folder");
      return NULL;
    }
  if (!copy_run (run_dir, experiment, staging, error))
    {
      remove_staging (staging);
      return NULL;
    }
  if (g_rename (staging, target) != 0)
    {
      output_errno (error, target, "move the imported run into place");
      remove_staging (staging);
      return NULL;
    }
  return g_steal_pointer (&target);
}
