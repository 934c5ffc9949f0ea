/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-edit.c: renaming, annotating and trashing runs. Owns the rule that only "name" and
 * "notes" of a run's experiment.json may change after training.
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-run-edit.h"

#include "cep-experiment.h"
#include "cep-run.h"
#include "cep-run-lock.h"

/* "" means "none": the field is removed rather than kept as an empty string. */
static void
replace_text (char       **field,
              const char  *text)
{
  if (text == NULL)
    return;
  g_free (*field);
  *field = *text != '\0' ? g_strdup (text) : NULL;
}

static gboolean
text_is_valid (const char  *path,
               const char  *what,
               const char  *text,
               GError     **error)
{
  if (text == NULL || g_utf8_validate (text, -1, NULL))
    return TRUE;
  g_set_error (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_INVALID,
               "%s: the new %s is not valid UTF-8", path, what);
  return FALSE;
}

gboolean
cep_run_edit_describe (const char  *run_dir,
                       const char  *name,
                       const char  *notes,
                       GError     **error)
{
  g_autofree char *path = NULL;
  g_autoptr (CepExperiment) experiment = NULL;

  g_return_val_if_fail (run_dir != NULL, FALSE);

  path = g_build_filename (run_dir, CEP_RUN_EXPERIMENT_FILE, NULL);
  if (!text_is_valid (path, "name", name, error) || !text_is_valid (path, "notes", notes, error))
    return FALSE;
  experiment = cep_experiment_load (path, NULL, error);
  if (experiment == NULL)
    return FALSE;
  replace_text (&experiment->name, name);
  replace_text (&experiment->notes, notes);
  return cep_experiment_save (experiment, path, error);
}

gboolean
cep_run_edit_trash (const char    *run_dir,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *experiment_path = NULL;
  g_autoptr (GFile) folder = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *quoted = NULL;

  g_return_val_if_fail (run_dir != NULL, FALSE);

  quoted = g_shell_quote (run_dir);
  experiment_path = g_build_filename (run_dir, CEP_RUN_EXPERIMENT_FILE, NULL);
  if (!g_file_test (run_dir, G_FILE_TEST_IS_DIR)
      || !g_file_test (experiment_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s is not a run folder (it has no %s); nothing was moved", quoted,
                   CEP_RUN_EXPERIMENT_FILE);
      return FALSE;
    }
  /* A run being trained stays where its trainer writes. */
  if (!cep_run_lock_check_free (run_dir, error))
    return FALSE;
  folder = g_file_new_for_path (run_dir);
  if (g_file_trash (folder, cancellable, &local_error))
    return TRUE;
  /* Deleting instead would lose a run the person may want back: say why it stays. */
  g_set_error (error, local_error->domain, local_error->code,
               "%s could not be moved to the trash (%s); it was left where it is", quoted,
               local_error->message);
  return FALSE;
}
