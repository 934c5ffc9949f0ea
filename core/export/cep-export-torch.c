/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-export-torch.c: writes the PyTorch project of an experiment.
 *
 * The Python sources are not generated: they are the files of core/export/torch/, embedded as
 * a GResource and copied out as they are, so what runs on a cluster is what the tests ran.
 * What varies between exports is data, not code: experiment.json and phonemes.txt.
 */
#define G_LOG_DOMAIN "cepstra-export"

#include "cep-export-torch.h"

#include <errno.h>
#include <string.h>
#include <gio/gio.h>

#include "cep-atomic-file.h"
#include "cep-export-resources.h"
#include "cep-experiment.h"
#include "cep-phoneme-table.h"

G_DEFINE_QUARK (cep-export-error-quark, cep_export_error)

#define RESOURCE_PREFIX "/io/github/cepstra/export/torch/"

static const char *const python_files[] = {
  "train.py", "data.py", "model.py", "cepstra_run.py", "README.md", NULL,
};

static const char *const all_files[] = {
  "train.py", "data.py", "model.py", "cepstra_run.py", "README.md",
  "experiment.json", "phonemes.txt", CEP_EXPORT_MARKER, NULL,
};

/* The block kinds model.py builds (its BLOCK_TYPES; every activation is one kind here). A
 * kind added to core/nn is refused until model.py learns it and is listed here; the test that
 * exports every kind fails first. */
static const CepBlockKind exportable_kinds[] = {
  CEP_BLOCK_LINEAR, CEP_BLOCK_BATCH_NORM, CEP_BLOCK_ACTIVATION, CEP_BLOCK_DROPOUT,
  CEP_BLOCK_FLATTEN, CEP_BLOCK_LAYER_NORM, CEP_BLOCK_CONV1D, CEP_BLOCK_MAX_POOL1D,
  CEP_BLOCK_AVG_POOL1D, CEP_BLOCK_RESIDUAL,
};

const char * const *
cep_export_torch_list_files (void)
{
  return all_files;
}

static gboolean
is_exportable (CepBlockKind kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (exportable_kinds); i++)
    if (exportable_kinds[i] == kind)
      return TRUE;
  return FALSE;
}

gboolean
cep_export_torch_check (const CepExperiment  *experiment,
                        GError              **error)
{
  const CepModelSpec *spec;

  g_return_val_if_fail (experiment != NULL, FALSE);

  spec = experiment->model;
  for (guint i = 0; i < cep_model_spec_get_n_blocks (spec); i++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, i);
      if (!is_exportable (block->kind))
        {
          g_set_error (error, CEP_EXPORT_ERROR, CEP_EXPORT_ERROR_UNSUPPORTED,
                       "model.blocks[%u].type: the PyTorch export cannot express '%s' "
                       "blocks yet", i, cep_block_kind_get_name (block->kind));
          return FALSE;
        }
    }
  return cep_experiment_validate (experiment, error);
}

/* An empty folder, a missing one, or an earlier export may be written into. */
static gboolean
check_out_dir (const char  *out_dir,
               gboolean     force,
               GError     **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GDir) dir = g_dir_open (out_dir, 0, &local);
  g_autofree char *marker = g_build_filename (out_dir, CEP_EXPORT_MARKER, NULL);

  if (dir == NULL)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, CEP_EXPORT_ERROR, CEP_EXPORT_ERROR_OUTPUT, "%s", local->message);
      return FALSE;
    }
  if (force || g_dir_read_name (dir) == NULL
      || g_file_test (marker, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  g_set_error (error, CEP_EXPORT_ERROR, CEP_EXPORT_ERROR_NOT_EMPTY,
               "%s: the folder is not empty and holds no earlier export; choose an empty "
               "folder (or force the export)", out_dir);
  return FALSE;
}

static gboolean
write_file (const char  *out_dir,
            const char  *name,
            const void  *data,
            gsize        size,
            GError     **error)
{
  g_autofree char *path = g_build_filename (out_dir, name, NULL);
  g_autoptr (GError) local = NULL;

  if (cep_atomic_file_set_contents (path, data, size, &local))
    return TRUE;
  g_set_error (error, CEP_EXPORT_ERROR, CEP_EXPORT_ERROR_OUTPUT, "%s", local->message);
  return FALSE;
}

static gboolean
write_resource (const char  *out_dir,
                const char  *name,
                GError     **error)
{
  g_autofree char *path = g_strconcat (RESOURCE_PREFIX, name, NULL);
  /* Looked up in the library's own resource: a static library's constructor that would
   * register it globally is not linked in when nothing names it. */
  g_autoptr (GBytes) bytes = g_resource_lookup_data (cep_export_get_resource (), path,
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  gsize size;
  const void *data;

  /* The resource is compiled in: its absence is a broken build, not bad input. */
  g_assert (bytes != NULL);
  data = g_bytes_get_data (bytes, &size);
  return write_file (out_dir, name, data, size, error);
}

/* The experiment's phoneme table as a file's text: its own file's, or HW1P2's. Read before
 * anything is written, so a bad table leaves no half export. */
static char *
read_phonemes (const CepExperiment  *experiment,
               GError              **error)
{
  g_autoptr (CepPhonemeTable) table = NULL;
  g_autoptr (GError) local = NULL;
  char *text = NULL;

  if (experiment->data.phonemes == NULL)
    return cep_phoneme_table_get_default_text ();
  /* Parsed first: a table Cepstra refuses is not handed over. */
  table = cep_phoneme_table_new_from_file (experiment->data.phonemes, &local);
  if (table == NULL || !g_file_get_contents (experiment->data.phonemes, &text, NULL, &local))
    {
      g_set_error (error, CEP_EXPORT_ERROR, CEP_EXPORT_ERROR_INPUT, "%s", local->message);
      return NULL;
    }
  return text;
}

static gboolean
make_out_dir (const char  *out_dir,
              GError     **error)
{
  int saved;

  if (g_mkdir_with_parents (out_dir, 0777) == 0)
    return TRUE;
  saved = errno;
  g_set_error (error, CEP_EXPORT_ERROR, CEP_EXPORT_ERROR_OUTPUT, "%s: cannot create the "
               "folder: %s", out_dir, g_strerror (saved));
  return FALSE;
}

gboolean
cep_export_torch (const CepExperiment  *experiment,
                  const char           *out_dir,
                  gboolean              force,
                  GError              **error)
{
  static const char marker[] = "{\"format\": \"cepstra-torch-export\", \"version\": 1}\n";
  g_autofree char *json = NULL;
  g_autofree char *phonemes = NULL;

  g_return_val_if_fail (experiment != NULL && out_dir != NULL, FALSE);

  if (!cep_export_torch_check (experiment, error)
      || (phonemes = read_phonemes (experiment, error)) == NULL
      || !check_out_dir (out_dir, force, error) || !make_out_dir (out_dir, error))
    return FALSE;
  for (guint i = 0; python_files[i] != NULL; i++)
    if (!write_resource (out_dir, python_files[i], error))
      return FALSE;
  json = cep_experiment_to_json (experiment);
  return write_file (out_dir, "experiment.json", json, strlen (json), error)
         && write_file (out_dir, "phonemes.txt", phonemes, strlen (phonemes), error)
         && write_file (out_dir, CEP_EXPORT_MARKER, marker, sizeof marker - 1, error);
}
