/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-features.c: `cepstra-cli features`, MFCC .npy files from audio files.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-cli-format.h"
#include "cep-cli-mfcc-options.h"
#include "cep-audio-import.h"
#include "cep-npy.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

typedef struct
{
  char  *input;
  char  *output;
  gsize  n_frames;
} FeatureFile;

static void
feature_file_free (FeatureFile *file)
{
  g_free (file->input);
  g_free (file->output);
  g_free (file);
}

static char *
output_name_for (const char *input)
{
  g_autofree char *base = g_path_get_basename (input);
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  return g_strconcat (base, ".npy", NULL);
}

/* Two inputs with one base name would silently overwrite each other's output. */
static GPtrArray *
plan_outputs (char       **inputs,
              const char  *out_dir,
              GError     **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) feature_file_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; inputs[i] != NULL; i++)
    {
      g_autofree char *name = output_name_for (inputs[i]);
      FeatureFile *file;

      if (g_hash_table_contains (seen, name))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("%s: another input also becomes %s"), inputs[i], name);
          return NULL;
        }
      file = g_new0 (FeatureFile, 1);
      file->input = g_strdup (inputs[i]);
      file->output = g_build_filename (out_dir, name, NULL);
      g_hash_table_add (seen, g_steal_pointer (&name));
      g_ptr_array_add (files, file);
    }
  return g_steal_pointer (&files);
}

static int
compute_one (FeatureFile           *file,
             const CepMfccOptions  *options)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *features = NULL;
  gsize shape[2];

  features = cep_audio_compute_mfcc_file (file->input, options, &file->n_frames, &error);
  if (features == NULL)
    return cep_cli_fail ("features", error, CEP_CLI_EXIT_INVALID_DATA);
  shape[0] = file->n_frames;
  shape[1] = options->num_ceps;
  if (!cep_npy_write_float32 (file->output, features, 2, shape, &error))
    return cep_cli_fail ("features", error, CEP_CLI_EXIT_OUTPUT);
  return CEP_CLI_EXIT_OK;
}

static void
print_summary (GPtrArray            *files,
               const CepMfccOptions *options,
               gboolean              json)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (!json)
    {
      for (guint i = 0; i < files->len; i++)
        {
          FeatureFile *file = g_ptr_array_index (files, i);
          g_autofree char *frames = cep_cli_format_count (file->n_frames);

          printf ("%s → %s (%s × %u)\n", file->input, file->output, frames, options->num_ceps);
        }
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "feature_dim");
  json_builder_add_int_value (builder, options->num_ceps);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);
  for (guint i = 0; i < files->len; i++)
    {
      FeatureFile *file = g_ptr_array_index (files, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "input");
      json_builder_add_string_value (builder, file->input);
      json_builder_set_member_name (builder, "output");
      json_builder_add_string_value (builder, file->output);
      json_builder_set_member_name (builder, "frames");
      json_builder_add_int_value (builder, (gint64) file->n_frames);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

static int
run_features (char                 **inputs,
              const char            *out_dir,
              const CepMfccOptions  *options,
              gboolean               json)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;

  files = plan_outputs (inputs, out_dir, &error);
  if (files == NULL)
    return cep_cli_usage_error ("features", "%s", error->message);
  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    {
      g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   _("%s: could not create folder: %s"), out_dir, g_strerror (errno));
      return cep_cli_fail ("features", error, CEP_CLI_EXIT_OUTPUT);
    }
  for (guint i = 0; i < files->len; i++)
    {
      int exit_code;

      if (g_cancellable_set_error_if_cancelled (cep_cli_get_cancellable (), &error))
        return cep_cli_fail ("features", error, CEP_CLI_EXIT_CANCELLED);
      exit_code = compute_one (g_ptr_array_index (files, i), options);
      if (exit_code != CEP_CLI_EXIT_OK)
        return exit_code;
    }
  print_summary (files, options, json);
  return CEP_CLI_EXIT_OK;
}

int
cep_cli_features_run (int    argc,
                      char **argv)
{
  CepCliMfccOptions mfcc_flags;
  CepMfccOptions options;
  g_autofree char *out_dir = NULL;
  g_auto(GStrv) inputs = NULL;
  gboolean json = FALSE;
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  g_autoptr(GError) error = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry own[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      N_("Folder for the .npy files (required)"),
      "DIR" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, NULL },
  };

  cep_cli_mfcc_options_init (&mfcc_flags);
  g_array_append_vals (entries, own, G_N_ELEMENTS (own));
  cep_cli_mfcc_options_add (&mfcc_flags, entries);
  if (!cep_cli_parse_options ("features", "AUDIO… --out DIR",
                              N_("Reads WAV, FLAC or OGG; writes DIR/NAME.npy (float32, frames "
                                 "× coefficients) per input.\nExit status: 0 done, 1 usage "
                                 "error, 2 unreadable audio, 3 output not written."),
                              (GOptionEntry *) entries->data, &argc, &argv, &exit_code))
    goto out;
  if (inputs == NULL || out_dir == NULL)
    exit_code = cep_cli_usage_error ("features", "%s", _("needs audio files and --out DIR"));
  else if (!cep_cli_mfcc_options_resolve (&mfcc_flags, &options, &error))
    exit_code = cep_cli_usage_error ("features", "%s", error->message);
  else
    exit_code = run_features (inputs, out_dir, &options, json);

out:
  cep_cli_mfcc_options_clear (&mfcc_flags);
  return exit_code;
}
