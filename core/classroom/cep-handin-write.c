/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-handin-write.c: a run folder turned into a hand-in — the files read whole, the rules of
 * the run's assignment checked, the curves drawn, the manifest hashed, one archive written
 * atomically. It must not change the run.
 */
#define G_LOG_DOMAIN "cepstra-classroom"

#include "cep-handin.h"

#include "cep-analysis-figures.h"
#include "cep-config.h"
#include "cep-plot-file.h"
#include "cep-run.h"
#include "cep-safetensors.h"
#include "cep-tar.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#define FIGURE_WIDTH  900
#define FIGURE_HEIGHT 600

/* One file of the hand-in: its name in the archive and its bytes. */
typedef struct
{
  char   *name;
  GBytes *bytes;
} HandinFile;

static void
handin_file_free (HandinFile *file)
{
  g_free (file->name);
  g_bytes_unref (file->bytes);
  g_free (file);
}

static void
add_bytes (GPtrArray  *files,
           const char *name,
           GBytes     *bytes)
{
  HandinFile *file = g_new0 (HandinFile, 1);

  file->name = g_strdup (name);
  file->bytes = g_bytes_ref (bytes);
  g_ptr_array_add (files, file);
}

static GBytes *
read_file (const char  *path,
           GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local))
    {
      g_set_error (error, CEP_HANDIN_ERROR, CEP_HANDIN_ERROR_NO_RUN,
                   "%s: a hand-in needs it: %s", path, local->message);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

static GBytes *
read_run_file (const char  *run_dir,
               const char  *relative,
               GError     **error)
{
  g_autofree char *path = g_build_filename (run_dir, relative, NULL);

  return read_file (path, error);
}

gboolean
cep_handin_student_is_valid (const char *student)
{
  gboolean any_visible = FALSE;
  gsize length;

  if (student == NULL || !g_utf8_validate (student, -1, NULL))
    return FALSE;
  length = strlen (student);
  if (length == 0 || length > CEP_HANDIN_MAX_STUDENT)
    return FALSE;
  for (const char *p = student; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        return FALSE;
      any_visible |= !g_unichar_isspace (c);
    }
  return any_visible;
}

/* The experiment the checkpoint was trained with (its metadata), NULL with the error. */
static CepExperiment *
load_checkpoint_experiment (const char  *checkpoint,
                            GError     **error)
{
  g_autoptr(CepSafetensors) tensors = cep_safetensors_open (checkpoint, error);
  const char *text;

  if (tensors == NULL)
    return NULL;
  text = cep_safetensors_get_metadata (tensors, CEP_RUN_METADATA_EXPERIMENT);
  if (text == NULL)
    {
      g_set_error (error, CEP_HANDIN_ERROR, CEP_HANDIN_ERROR_INVALID,
                   "%s: no experiment in the checkpoint's metadata", checkpoint);
      return NULL;
    }
  return cep_experiment_new_from_json (text, -1, checkpoint, NULL, error);
}

static gboolean
check_rules (CepAssignment        *assignment,
             const CepExperiment  *experiment,
             const char           *file,
             GError              **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *rule = NULL;

  if (cep_assignment_check_experiment_full (assignment, experiment, &rule, &local))
    return TRUE;
  g_set_error (error, CEP_HANDIN_ERROR, CEP_HANDIN_ERROR_RULE,
               "%s: the run breaks the assignment's rule %s: %s", file,
               rule != NULL ? rule : "(unnamed)", local->message);
  return FALSE;
}

/* The run's assignment (NULL when it has none: not an error), its rules checked on the
 * experiment as written and as trained. */
static gboolean
check_assignment (const char     *run_dir,
                  const char     *checkpoint,
                  CepAssignment **assignment,
                  GError        **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(CepExperiment) written = NULL;
  g_autoptr(CepExperiment) trained = NULL;
  g_autofree char *experiment_path = g_build_filename (run_dir, CEP_RUN_EXPERIMENT_FILE, NULL);

  *assignment = cep_assignment_load_from_run (run_dir, &local);
  if (*assignment == NULL)
    {
      if (g_error_matches (local, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if ((written = cep_experiment_load (experiment_path, NULL, error)) == NULL
      || (trained = load_checkpoint_experiment (checkpoint, error)) == NULL)
    return FALSE;
  return check_rules (*assignment, written, experiment_path, error)
         && check_rules (*assignment, trained, checkpoint, error);
}

static void
draw_curves (cairo_t *cr,
             double   width,
             double   height,
             gpointer user_data)
{
  cep_line_plot_draw_func (cr, width, height, &((CepTrainingFigure *) user_data)->plot);
}

/* The run's loss and accuracy curves as PNG bytes (drawn in a private temporary folder). */
static GBytes *
render_curves (const char  *run_dir,
               GBytes      *metrics,
               GError     **error)
{
  g_autofree char *metrics_path = g_build_filename (run_dir, CEP_RUN_METRICS_FILE, NULL);
  g_autofree char *text = g_strndup (g_bytes_get_data (metrics, NULL), g_bytes_get_size (metrics));
  g_autoptr(CepTrainingCurves) curves = cep_training_curves_new_from_text (text, metrics_path,
                                                                          error);
  g_autofree char *folder = NULL;
  g_autofree char *png = NULL;
  g_autofree char *run_name = g_path_get_basename (run_dir);
  CepTrainingFigure figure;
  GBytes *bytes = NULL;
  gboolean ok;

  if (curves == NULL)
    return NULL;
  if (curves->epoch->len == 0)
    {
      g_set_error (error, CEP_HANDIN_ERROR, CEP_HANDIN_ERROR_NO_RUN,
                   "%s: no epoch has finished yet: there is nothing to hand in", metrics_path);
      return NULL;
    }
  if ((folder = g_dir_make_tmp ("cepstra-handin-XXXXXX", error)) == NULL)
    return NULL;
  png = g_build_filename (folder, "curves.png", NULL);
  cep_training_curves_init_figure (curves, run_name, &figure);
  ok = cep_plot_save_png (png, FIGURE_WIDTH, FIGURE_HEIGHT, draw_curves, &figure, error);
  cep_training_figure_clear (&figure);
  if (ok)
    bytes = read_run_file (folder, "curves.png", error);
  g_unlink (png);
  g_rmdir (folder);
  return bytes;
}

static char *
sha256_of (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static void
add_assignment_member (JsonBuilder   *builder,
                       CepAssignment *assignment)
{
  json_builder_set_member_name (builder, "assignment");
  if (assignment == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, cep_assignment_get_title (assignment));
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, cep_assignment_get_hash (assignment));
  json_builder_end_object (builder);
}

static void
add_files_member (JsonBuilder *builder,
                  GPtrArray   *files)
{
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < files->len; i++)
    {
      HandinFile *file = g_ptr_array_index (files, i);
      g_autofree char *hash = sha256_of (file->bytes);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, file->name);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, (gint64) g_bytes_get_size (file->bytes));
      json_builder_set_member_name (builder, "sha256");
      json_builder_add_string_value (builder, hash);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static GBytes *
build_manifest (const char    *run_dir,
                const char    *student,
                CepAssignment *assignment,
                GPtrArray     *files)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *run_name = g_path_get_basename (run_dir);
  char *text;

  json_builder_begin_object (builder);
  add_string_member (builder, "format", CEP_HANDIN_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, CEP_HANDIN_VERSION);
  add_string_member (builder, "student", student);
  add_string_member (builder, "cepstra_version", PACKAGE_VERSION);
  add_string_member (builder, "created", created);
  add_string_member (builder, "run", run_name);
  add_assignment_member (builder, assignment);
  add_files_member (builder, files);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  return g_bytes_new_take (text, strlen (text));
}

/* experiment.json, metrics.jsonl, the checkpoint, the figure and the assignment, in the
 * order the archive holds them. */
static GPtrArray *
collect_files (const char     *run_dir,
               const char     *checkpoint,
               CepAssignment  *assignment,
               GError        **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) handin_file_free);
  g_autoptr(GBytes) experiment = read_run_file (run_dir, CEP_RUN_EXPERIMENT_FILE, error);
  g_autoptr(GBytes) metrics = NULL;
  g_autoptr(GBytes) weights = NULL;
  g_autoptr(GBytes) figure = NULL;
  g_autofree char *checkpoint_name = g_path_get_basename (checkpoint);
  g_autofree char *checkpoint_entry = g_build_path ("/", CEP_RUN_CHECKPOINTS_DIR,
                                                    checkpoint_name, NULL);

  if (experiment == NULL
      || (metrics = read_run_file (run_dir, CEP_RUN_METRICS_FILE, error)) == NULL
      || (weights = read_file (checkpoint, error)) == NULL
      || (figure = render_curves (run_dir, metrics, error)) == NULL)
    return NULL;
  add_bytes (files, CEP_RUN_EXPERIMENT_FILE, experiment);
  add_bytes (files, CEP_RUN_METRICS_FILE, metrics);
  add_bytes (files, checkpoint_entry, weights);
  add_bytes (files, CEP_HANDIN_FIGURE, figure);
  if (assignment != NULL)
    {
      /* Borrowed from the assignment. */
      add_bytes (files, CEP_ASSIGNMENT_RUN_FILE, cep_assignment_get_bytes (assignment));
    }
  return g_steal_pointer (&files);
}

static gboolean
write_archive (const char  *out_path,
               GBytes      *manifest,
               GPtrArray   *files,
               GError     **error)
{
  CepTarWriter *writer = cep_tar_writer_new (out_path, error);

  if (writer == NULL)
    return FALSE;
  if (!cep_tar_writer_add (writer, CEP_HANDIN_MANIFEST, g_bytes_get_data (manifest, NULL),
                           g_bytes_get_size (manifest), error))
    goto fail;
  for (guint i = 0; i < files->len; i++)
    {
      HandinFile *file = g_ptr_array_index (files, i);

      if (!cep_tar_writer_add (writer, file->name, g_bytes_get_data (file->bytes, NULL),
                               g_bytes_get_size (file->bytes), error))
        goto fail;
    }
  return cep_tar_writer_commit (writer, error);

fail:
  cep_tar_writer_free (writer);
  return FALSE;
}

static gboolean
check_output (const char  *out_path,
              gboolean     force,
              GError     **error)
{
  if (force || !g_file_test (out_path, G_FILE_TEST_EXISTS))
    return TRUE;
  g_set_error (error, CEP_HANDIN_ERROR, CEP_HANDIN_ERROR_EXISTS,
               "%s: the file exists already (replace it with --force)", out_path);
  return FALSE;
}

gboolean
cep_handin_write (const char  *run_dir,
                  const char  *student,
                  const char  *out_path,
                  gboolean     force,
                  GError     **error)
{
  g_autoptr(CepAssignment) assignment = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GBytes) manifest = NULL;
  g_autofree char *checkpoint = NULL;

  g_return_val_if_fail (run_dir != NULL && out_path != NULL, FALSE);
  if (!cep_handin_student_is_valid (student))
    {
      g_set_error (error, CEP_HANDIN_ERROR, CEP_HANDIN_ERROR_INVALID,
                   "%s: the student's name must be 1 to %u bytes of text without control "
                   "characters", out_path, CEP_HANDIN_MAX_STUDENT);
      return FALSE;
    }
  if (!check_output (out_path, force, error)
      || (checkpoint = cep_run_find_checkpoint (run_dir, NULL, error)) == NULL
      || !check_assignment (run_dir, checkpoint, &assignment, error)
      || (files = collect_files (run_dir, checkpoint, assignment, error)) == NULL)
    return FALSE;
  manifest = build_manifest (run_dir, student, assignment, files);
  return write_archive (out_path, manifest, files, error);
}
