/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-handin.c: opening a hand-in — the manifest read and checked first, the archive's size
 * compared with it before anything is extracted, every entry extracted into a private
 * temporary folder and hashed on the way, then the run's files parsed. It must not write
 * anywhere but that folder.
 */
#define G_LOG_DOMAIN "cepstra-classroom"

#include "cep-handin.h"

#include "cep-json-input.h"
#include "cep-run.h"
#include "cep-tar.h"

#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>

/* The most bytes of zeros after an archive's end that tar itself may add (a record of
 * 10 KiB) plus what cep-tar tolerates; anything beyond is data the manifest does not list. */
#define SLACK_BYTES (10240 + 64 * 1024)
#define MAX_ENTRY_SIZE ((G_GINT64_CONSTANT (1) << 33) - 1)

G_DEFINE_QUARK (cep-handin-error-quark, cep_handin_error)

typedef struct
{
  guint64  size;
  char    *sha256;
  gboolean seen;
} ManifestFile;

typedef struct
{
  char       *student;
  char       *cepstra_version;
  char       *created;
  char       *assignment_sha256;   /* NULL: none */
  GHashTable *files;               /* name → ManifestFile */
  char       *checkpoint;          /* the checkpoint's entry name */
} Manifest;

struct _CepHandin
{
  char              *path;
  char              *folder;      /* the private temporary folder */
  char              *run_dir;     /* folder/run */
  char              *checkpoint;
  Manifest          *manifest;
  CepExperiment     *experiment;
  CepTrainingCurves *curves;
  CepAssignment     *assignment;
};

static void
manifest_file_free (ManifestFile *file)
{
  g_free (file->sha256);
  g_free (file);
}

static void
manifest_free (Manifest *manifest)
{
  if (manifest == NULL)
    return;
  g_free (manifest->student);
  g_free (manifest->cepstra_version);
  g_free (manifest->created);
  g_free (manifest->assignment_sha256);
  g_free (manifest->checkpoint);
  g_clear_pointer (&manifest->files, g_hash_table_unref);
  g_free (manifest);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Manifest, manifest_free)

static gboolean
fail (GError     **error,
      int          code,
      const char  *path,
      const char  *format,
      ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (GError     **error,
      int          code,
      const char  *path,
      const char  *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CEP_HANDIN_ERROR, code, "%s: %s", path, message);
  return FALSE;
}

static gboolean
is_sha256 (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (guint i = 0; i < 64; i++)
    if (!g_ascii_isdigit (text[i]) && !(text[i] >= 'a' && text[i] <= 'f'))
      return FALSE;
  return TRUE;
}

/* A string member that must be there. */
static const char *
require_string (JsonObject  *object,
                const char  *member,
                const char  *path,
                GError     **error)
{
  const char *value = cep_json_string_member (object, member, NULL);

  if (value == NULL)
    fail (error, CEP_HANDIN_ERROR_INVALID, path, "handin.json: “%s” is missing or not text",
          member);
  return value;
}

static gboolean
is_checkpoint_name (const char *name)
{
  return g_str_equal (name, CEP_RUN_BEST_CHECKPOINT) || g_str_equal (name, CEP_RUN_LAST_CHECKPOINT);
}

static gboolean
parse_file_entry (Manifest     *manifest,
                  JsonNode     *node,
                  const char   *path,
                  GError      **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *size_node = object != NULL ? json_object_get_member (object, "size") : NULL;
  const char *name = object != NULL ? cep_json_string_member (object, "name", NULL) : NULL;
  const char *sha256 = object != NULL ? cep_json_string_member (object, "sha256", NULL) : NULL;
  ManifestFile *file;
  gint64 size;

  if (name == NULL || !cep_tar_name_is_valid (name) || g_str_equal (name, CEP_HANDIN_MANIFEST))
    return fail (error, CEP_HANDIN_ERROR_INVALID, path,
                 "handin.json: a file without a valid name");
  if (size_node == NULL || !JSON_NODE_HOLDS_VALUE (size_node)
      || json_node_get_value_type (size_node) != G_TYPE_INT64
      || (size = json_node_get_int (size_node)) < 0 || size > MAX_ENTRY_SIZE)
    return fail (error, CEP_HANDIN_ERROR_INVALID, path, "handin.json: “%s” has no valid size",
                 name);
  if (!is_sha256 (sha256))
    return fail (error, CEP_HANDIN_ERROR_INVALID, path,
                 "handin.json: “%s” has no valid SHA-256", name);
  file = g_new0 (ManifestFile, 1);
  file->size = (guint64) size;
  file->sha256 = g_strdup (sha256);
  if (!g_hash_table_insert (manifest->files, g_strdup (name), file))
    return fail (error, CEP_HANDIN_ERROR_INVALID, path, "handin.json: “%s” is listed twice",
                 name);
  if (is_checkpoint_name (name))
    {
      if (manifest->checkpoint != NULL)
        return fail (error, CEP_HANDIN_ERROR_INVALID, path,
                     "handin.json: more than one checkpoint is listed");
      manifest->checkpoint = g_strdup (name);
    }
  return TRUE;
}

static gboolean
parse_files (Manifest     *manifest,
             JsonObject   *root,
             const char   *path,
             GError      **error)
{
  JsonNode *node = json_object_get_member (root, "files");
  const char *required[] = { CEP_RUN_EXPERIMENT_FILE, CEP_RUN_METRICS_FILE };
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, CEP_HANDIN_ERROR_INVALID, path, "handin.json: no list of “files”");
  array = json_node_get_array (node);
  if (json_array_get_length (array) > CEP_TAR_MAX_ENTRIES)
    return fail (error, CEP_HANDIN_ERROR_INVALID, path, "handin.json: too many files");
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!parse_file_entry (manifest, json_array_get_element (array, i), path, error))
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (!g_hash_table_contains (manifest->files, required[i]))
      return fail (error, CEP_HANDIN_ERROR_INVALID, path, "handin.json: no “%s” listed",
                   required[i]);
  if (manifest->checkpoint == NULL)
    return fail (error, CEP_HANDIN_ERROR_INVALID, path, "handin.json: no checkpoint listed");
  return TRUE;
}

static gboolean
parse_assignment (Manifest    *manifest,
                  JsonObject  *root,
                  const char  *path,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (root, "assignment");
  const char *sha256;
  gboolean has_file = g_hash_table_contains (manifest->files, CEP_ASSIGNMENT_RUN_FILE);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (has_file)
        return fail (error, CEP_HANDIN_ERROR_INVALID, path,
                     "handin.json: an assignment file is listed but no assignment is named");
      return TRUE;
    }
  sha256 = JSON_NODE_HOLDS_OBJECT (node)
           ? cep_json_string_member (json_node_get_object (node), "sha256", NULL) : NULL;
  if (!is_sha256 (sha256) || !has_file)
    return fail (error, CEP_HANDIN_ERROR_INVALID, path,
                 "handin.json: “assignment” needs a SHA-256 and the file %s",
                 CEP_ASSIGNMENT_RUN_FILE);
  manifest->assignment_sha256 = g_strdup (sha256);
  return TRUE;
}

static gboolean
check_format (JsonObject  *root,
              const char  *path,
              GError     **error)
{
  JsonNode *version = json_object_get_member (root, "version");

  if (g_strcmp0 (cep_json_string_member (root, "format", NULL), CEP_HANDIN_FORMAT) != 0)
    return fail (error, CEP_HANDIN_ERROR_INVALID, path, "not a Cepstra hand-in (no format "
                 "“%s” in handin.json)", CEP_HANDIN_FORMAT);
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version)
      || json_node_get_value_type (version) != G_TYPE_INT64)
    return fail (error, CEP_HANDIN_ERROR_INVALID, path, "handin.json: no whole-number version");
  if (json_node_get_int (version) > CEP_HANDIN_VERSION || json_node_get_int (version) < 1)
    return fail (error, CEP_HANDIN_ERROR_INVALID, path,
                 "handin.json: version %" G_GINT64_FORMAT " (this Cepstra reads version %d; "
                 "a newer Cepstra made it)", json_node_get_int (version), CEP_HANDIN_VERSION);
  return TRUE;
}

static Manifest *
parse_manifest (GBytes      *bytes,
                const char  *path,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(Manifest) manifest = g_new0 (Manifest, 1);
  g_autofree char *name = g_strdup_printf ("%s: %s", path, CEP_HANDIN_MANIFEST);
  JsonObject *root;
  const char *student, *version, *created;

  manifest->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) manifest_file_free);
  if (!cep_json_input_load (parser, g_bytes_get_data (bytes, NULL),
                            (gssize) g_bytes_get_size (bytes), name, CEP_HANDIN_MAX_MANIFEST,
                            error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return fail (error, CEP_HANDIN_ERROR_INVALID, path, "handin.json is not a JSON object"),
           NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  if (!check_format (root, path, error)
      || (student = require_string (root, "student", path, error)) == NULL
      || (version = require_string (root, "cepstra_version", path, error)) == NULL
      || (created = require_string (root, "created", path, error)) == NULL
      || !parse_files (manifest, root, path, error)
      || !parse_assignment (manifest, root, path, error))
    return NULL;
  if (!cep_handin_student_is_valid (student))
    return fail (error, CEP_HANDIN_ERROR_INVALID, path,
                 "handin.json: the student's name is empty, too long or not text"), NULL;
  manifest->student = g_strdup (student);
  manifest->cepstra_version = g_strdup (version);
  manifest->created = g_strdup (created);
  return g_steal_pointer (&manifest);
}

/* The archive's manifest, which must be its first entry. */
static Manifest *
read_manifest (CepTarReader  *reader,
               const char    *path,
               guint64       *manifest_size,
               GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const char *name = NULL;
  guint64 size;

  if (!cep_tar_reader_next (reader, &name, &size, error))
    {
      if (error == NULL || *error == NULL)
        fail (error, CEP_HANDIN_ERROR_INVALID, path, "an empty archive, not a hand-in");
      return NULL;
    }
  if (!g_str_equal (name, CEP_HANDIN_MANIFEST))
    return fail (error, CEP_HANDIN_ERROR_INVALID, path,
                 "not a Cepstra hand-in (its first file is “%s”, not %s)", name,
                 CEP_HANDIN_MANIFEST), NULL;
  if ((bytes = cep_tar_reader_read_bytes (reader, CEP_HANDIN_MAX_MANIFEST, error)) == NULL)
    return NULL;
  *manifest_size = size;
  return parse_manifest (bytes, path, error);
}

/* The archive's size against what the manifest lists, before anything is extracted. */
static gboolean
check_archive_size (const Manifest  *manifest,
                    guint64          manifest_size,
                    const char      *path,
                    GError         **error)
{
  GHashTableIter iter;
  gpointer value;
  guint64 expected = cep_tar_entry_footprint (manifest_size) + 2 * CEP_TAR_BLOCK;
  GStatBuf info;

  g_hash_table_iter_init (&iter, manifest->files);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    expected += cep_tar_entry_footprint (((ManifestFile *) value)->size);
  if (g_stat (path, &info) != 0)
    return fail (error, CEP_HANDIN_ERROR_IO, path, "%s", g_strerror (errno));
  if ((guint64) info.st_size > expected + SLACK_BYTES)
    return fail (error, CEP_HANDIN_ERROR_INVALID, path,
                 "%" G_GUINT64_FORMAT " bytes, far more than the %" G_GUINT64_FORMAT
                 " its manifest accounts for", (guint64) info.st_size, expected);
  if ((guint64) info.st_size < expected)
    return fail (error, CEP_HANDIN_ERROR_INVALID, path,
                 "truncated: %" G_GUINT64_FORMAT " bytes, less than the %" G_GUINT64_FORMAT
                 " its manifest lists", (guint64) info.st_size, expected);
  return TRUE;
}

static gboolean
extract_entry (CepTarReader  *reader,
               Manifest      *manifest,
               const char    *name,
               guint64        size,
               const char    *run_dir,
               const char    *path,
               GError       **error)
{
  ManifestFile *file = g_hash_table_lookup (manifest->files, name);
  g_autofree char *sha256 = NULL;

  if (file == NULL)
    return fail (error, CEP_HANDIN_ERROR_TAMPERED, path, "“%s” is not in the manifest", name);
  if (file->size != size)
    return fail (error, CEP_HANDIN_ERROR_TAMPERED, path,
                 "“%s” holds %" G_GUINT64_FORMAT " bytes, the manifest says %" G_GUINT64_FORMAT,
                 name, size, file->size);
  if (!cep_tar_reader_extract (reader, run_dir, &sha256, error))
    return FALSE;
  if (!g_str_equal (sha256, file->sha256))
    return fail (error, CEP_HANDIN_ERROR_TAMPERED, path,
                 "“%s” was changed after it was handed in (its SHA-256 is not the manifest's)",
                 name);
  file->seen = TRUE;
  return TRUE;
}

static gboolean
extract_all (CepTarReader  *reader,
             Manifest      *manifest,
             const char    *run_dir,
             const char    *path,
             GError       **error)
{
  GHashTableIter iter;
  gpointer key, value;
  const char *name;
  guint64 size;

  while (cep_tar_reader_next (reader, &name, &size, error))
    if (!extract_entry (reader, manifest, name, size, run_dir, path, error))
      return FALSE;
  if (error != NULL && *error != NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, manifest->files);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!((ManifestFile *) value)->seen)
      return fail (error, CEP_HANDIN_ERROR_TAMPERED, path,
                   "“%s” is in the manifest but not in the archive", (const char *) key);
  return TRUE;
}

static CepTarReader *
open_reader (const char  *path,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      fail (error, CEP_HANDIN_ERROR_IO, path, "no such file, or not a regular file");
      return NULL;
    }
  if ((stream = g_file_read (file, NULL, &local)) == NULL)
    {
      fail (error, CEP_HANDIN_ERROR_IO, path, "%s", local->message);
      return NULL;
    }
  return cep_tar_reader_new (G_INPUT_STREAM (stream), path);
}

/* The run's files parsed, and the assignment's hash held against the manifest's. */
static gboolean
load_run (CepHandin  *self,
          GError    **error)
{
  g_autofree char *experiment = g_build_filename (self->run_dir, CEP_RUN_EXPERIMENT_FILE, NULL);
  g_autofree char *metrics = g_build_filename (self->run_dir, CEP_RUN_METRICS_FILE, NULL);
  g_autofree char *assignment = g_build_filename (self->run_dir, CEP_ASSIGNMENT_RUN_FILE, NULL);
  g_autofree char *label = NULL;

  self->checkpoint = g_build_filename (self->run_dir, self->manifest->checkpoint, NULL);
  if ((self->experiment = cep_experiment_load (experiment, NULL, error)) == NULL
      || (self->curves = cep_training_curves_load (metrics, error)) == NULL)
    return FALSE;
  if (self->manifest->assignment_sha256 == NULL)
    return TRUE;
  if ((self->assignment = cep_assignment_load (assignment, error)) == NULL)
    return FALSE;
  if (!g_str_equal (cep_assignment_get_hash (self->assignment),
                    self->manifest->assignment_sha256))
    return fail (error, CEP_HANDIN_ERROR_TAMPERED, self->path,
                 "the assignment's SHA-256 is not the one the manifest names");
  return TRUE;
}

/* Error messages about the extracted files name them inside the hand-in, not the
 * temporary folder: "hand-in.cepstra-handin: experiment.json: …". */
static void
rename_in_error (CepHandin  *self,
                 GError     *error)
{
  g_autofree char *prefix = g_strconcat (self->run_dir, G_DIR_SEPARATOR_S, NULL);
  g_autofree char *shown = g_strconcat (self->path, ": ", NULL);
  g_autoptr(GString) message = NULL;

  if (error == NULL || strstr (error->message, prefix) == NULL)
    return;
  message = g_string_new (error->message);
  g_string_replace (message, prefix, shown, 0);
  g_free (error->message);
  error->message = g_string_free (g_steal_pointer (&message), FALSE);
}

CepHandin *
cep_handin_open (const char  *path,
                 GError     **error)
{
  g_autoptr(CepHandin) self = g_new0 (CepHandin, 1);
  g_autoptr(CepTarReader) reader = NULL;
  g_autoptr(GError) local = NULL;
  guint64 manifest_size = 0;

  g_return_val_if_fail (path != NULL, NULL);
  self->path = g_strdup (path);
  if ((reader = open_reader (path, error)) == NULL
      || (self->manifest = read_manifest (reader, path, &manifest_size, error)) == NULL
      || !check_archive_size (self->manifest, manifest_size, path, error))
    return NULL;
  if ((self->folder = g_dir_make_tmp ("cepstra-handin-XXXXXX", error)) == NULL)
    return NULL;
  self->run_dir = g_build_filename (self->folder, "run", NULL);
  if (g_mkdir (self->run_dir, 0700) != 0)
    return fail (error, CEP_HANDIN_ERROR_IO, self->run_dir, "%s", g_strerror (errno)), NULL;
  if (!extract_all (reader, self->manifest, self->run_dir, path, &local)
      || !load_run (self, &local))
    {
      rename_in_error (self, local);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&self);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR)
      && (dir = g_dir_open (path, 0, NULL)) != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        remove_tree (child);
      }
  g_remove (path);
}

void
cep_handin_free (CepHandin *self)
{
  if (self == NULL)
    return;
  if (self->folder != NULL)
    remove_tree (self->folder);
  g_free (self->path);
  g_free (self->folder);
  g_free (self->run_dir);
  g_free (self->checkpoint);
  manifest_free (self->manifest);
  g_clear_pointer (&self->experiment, cep_experiment_free);
  g_clear_pointer (&self->curves, cep_training_curves_free);
  g_clear_pointer (&self->assignment, cep_assignment_unref);
  g_free (self);
}

char *
cep_handin_peek_student (const char *path)
{
  g_autoptr(CepTarReader) reader = open_reader (path, NULL);
  g_autoptr(Manifest) manifest = NULL;
  guint64 size;

  if (reader == NULL || (manifest = read_manifest (reader, path, &size, NULL)) == NULL)
    return NULL;
  return g_strdup (manifest->student);
}

const char *
cep_handin_get_path (CepHandin *self)
{
  return self->path;
}

const char *
cep_handin_get_student (CepHandin *self)
{
  return self->manifest->student;
}

const char *
cep_handin_get_cepstra_version (CepHandin *self)
{
  return self->manifest->cepstra_version;
}

const char *
cep_handin_get_created (CepHandin *self)
{
  return self->manifest->created;
}

const char *
cep_handin_get_run_dir (CepHandin *self)
{
  return self->run_dir;
}

const char *
cep_handin_get_checkpoint (CepHandin *self)
{
  return self->checkpoint;
}

const CepExperiment *
cep_handin_get_experiment (CepHandin *self)
{
  return self->experiment;
}

const CepTrainingCurves *
cep_handin_get_curves (CepHandin *self)
{
  return self->curves;
}

CepAssignment *
cep_handin_get_assignment (CepHandin *self)
{
  return self->assignment;
}
