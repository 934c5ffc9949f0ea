/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run.c: naming run directories and reading networks back out of their checkpoints. It
 * must not write anything: runs are written by the trainer only.
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-run.h"

#include <gio/gio.h>

static char *
sanitize_name (const char *name)
{
  GString *out = g_string_new (NULL);

  for (const char *p = name != NULL ? name : ""; *p != '\0'; p++)
    g_string_append_c (out, g_ascii_isalnum (*p) || *p == '.' || *p == '_' || *p == '-' ?
                            *p : '_');
  /* A leading dot would hide the folder. */
  while (out->len > 0 && out->str[0] == '.')
    g_string_erase (out, 0, 1);
  if (out->len == 0)
    g_string_assign (out, "run");
  return g_string_free (out, FALSE);
}

char *
cep_run_dir_new_default (const char *name)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *clean = sanitize_name (name);
  g_autofree char *leaf = g_strdup_printf ("%s-%s", stamp, clean);

  return g_build_filename (g_get_user_data_dir (), "cepstra", "runs", leaf, NULL);
}

char *
cep_run_find_checkpoint (const char  *run_dir,
                         const char  *which,
                         GError     **error)
{
  const char *order[2] = { CEP_RUN_BEST_CHECKPOINT, CEP_RUN_LAST_CHECKPOINT };
  guint n = 2;

  g_return_val_if_fail (run_dir != NULL, NULL);

  if (which != NULL && g_str_equal (which, "best"))
    n = 1;
  else if (which != NULL && g_str_equal (which, "last"))
    order[0] = CEP_RUN_LAST_CHECKPOINT, n = 1;
  else if (which != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s: no checkpoint called \"%s\" (best or last)", run_dir, which);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      char *path = g_build_filename (run_dir, order[i], NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return path;
      g_free (path);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no %s checkpoint", run_dir,
               which != NULL ? which : "saved");
  return NULL;
}

static CepExperiment *
experiment_of (const CepSafetensors *file,
               const char           *path,
               GError              **error)
{
  const char *json = cep_safetensors_get_metadata (file, CEP_RUN_METADATA_EXPERIMENT);

  if (json == NULL)
    {
      g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_CHECKPOINT,
                   "%s: no experiment in the metadata (not a Cepstra checkpoint)", path);
      return NULL;
    }
  return cep_experiment_new_from_json (json, -1, path, NULL, error);
}

CepNetwork *
cep_run_load_network (const char      *checkpoint_path,
                      CepBackend      *backend,
                      guint            max_batch,
                      CepExperiment  **experiment,
                      GError         **error)
{
  g_autoptr (CepSafetensors) file = NULL;
  g_autoptr (CepExperiment) found = NULL;
  g_autoptr (CepNetwork) network = NULL;

  g_return_val_if_fail (checkpoint_path != NULL && backend != NULL, NULL);

  if ((file = cep_safetensors_open (checkpoint_path, error)) == NULL ||
      (found = experiment_of (file, checkpoint_path, error)) == NULL ||
      (network = cep_network_new (found->model, backend, max_batch, error)) == NULL ||
      !cep_network_load_tensors (network, file, FALSE, error))
    return NULL;
  cep_network_set_seed (network, found->seed);
  if (experiment != NULL)
    *experiment = g_steal_pointer (&found);
  return g_steal_pointer (&network);
}
