/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-audio-importer.c: importing chosen audio files through core, on a worker thread.
 *
 * Owns the temporary folder layout; the features and labels are core's.
 */
#define G_LOG_DOMAIN "cepstra-audio-importer"

#include "cep-audio-importer.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "cep-audio-import.h"

static const char *alignment_suffixes[] = { ".lab", ".tsv" };

static char *
path_stem (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_steal_pointer (&base);
}

static gboolean
link_into (const char  *source,
           const char  *folder,
           const char  *name,
           GError     **error)
{
  g_autofree char *target = g_build_filename (folder, name, NULL);

  if (symlink (source, target) == 0)
    return TRUE;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", source,
               g_strerror (errno));
  return FALSE;
}

/* Links @path and its alignment (if any) into @audio_dir under their own names. */
static gboolean
stage_file (const char  *path,
            const char  *audio_dir,
            GError     **error)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *stem = path_stem (path);
  g_autofree char *dir = g_path_get_dirname (path);

  if (!link_into (path, audio_dir, base, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (alignment_suffixes); i++)
    {
      g_autofree char *name = g_strconcat (stem, alignment_suffixes[i], NULL);
      g_autofree char *alignment = g_build_filename (dir, name, NULL);

      if (g_file_test (alignment, G_FILE_TEST_IS_REGULAR))
        return link_into (alignment, audio_dir, name, error);
    }
  return TRUE;
}

static guint
count_files (const char *folder)
{
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* A partition of mfcc/ and transcript/ must pair every file; with some alignments missing the
 * imported audio is shown unlabelled rather than partly dropped. */
static void
drop_partial_transcripts (const char *partition_dir)
{
  g_autofree char *mfcc = g_build_filename (partition_dir, "mfcc", NULL);
  g_autofree char *transcript = g_build_filename (partition_dir, "transcript", NULL);

  if (g_file_test (transcript, G_FILE_TEST_IS_DIR)
      && count_files (transcript) != count_files (mfcc))
    remove_tree (transcript);
}

static CepPartition *
import_files (const char * const  *paths,
              const char          *work_dir,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autofree char *audio_dir = g_build_filename (work_dir, "audio", NULL);
  g_autofree char *partition_dir = g_build_filename (work_dir, "imported", NULL);
  CepMfccOptions mfcc;
  CepLoadOptions load;

  if (g_mkdir (audio_dir, 0700) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno), "%s: %s", audio_dir,
                   g_strerror (errno));
      return NULL;
    }
  for (guint i = 0; paths[i] != NULL; i++)
    if (!stage_file (paths[i], audio_dir, error))
      return NULL;
  cep_mfcc_options_init (&mfcc);
  if (!cep_audio_import_folder (audio_dir, partition_dir, &mfcc, NULL, cancellable, NULL, NULL,
                                error))
    return NULL;
  drop_partial_transcripts (partition_dir);
  cep_load_options_init (&load);
  load.context_max = 50;
  return cep_partition_load (partition_dir, &load, cancellable, NULL, NULL, error);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  const char * const *paths = task_data;
  GError *error = NULL;
  g_autofree char *work_dir = g_dir_make_tmp ("cepstra-import-XXXXXX", &error);
  CepPartition *partition = NULL;

  if (work_dir != NULL)
    {
      partition = import_files (paths, work_dir, cancellable, &error);
      remove_tree (work_dir);
    }
  if (partition == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, partition, g_object_unref);
}

void
cep_audio_importer_import_async (const char * const  *paths,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (paths != NULL && paths[0] != NULL);

  g_task_set_source_tag (task, cep_audio_importer_import_async);
  g_task_set_task_data (task, g_strdupv ((char **) paths), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, import_thread);
}

CepPartition *
cep_audio_importer_import_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
