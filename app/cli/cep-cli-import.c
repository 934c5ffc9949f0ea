/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-import.c: `cepstra-cli import`, a folder of audio files (and optional alignments)
 * becomes an HW1P2-style partition. The result is loaded back as a partition, so what the user
 * is told is what training will see.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-cli-format.h"
#include "cep-cli-mfcc-options.h"
#include "cep-cli-progress.h"
#include "cep-audio-import.h"
#include "cep-npy.h"
#include "cep-partition.h"

#include <glib/gi18n.h>

static void
print_result (CepPartition *partition,
              gboolean      json)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (!json)
    {
      g_autofree char *utterances =
        cep_cli_format_count (cep_partition_get_n_utterances (partition));
      g_autofree char *frames = cep_cli_format_count (cep_partition_get_n_frames (partition));

      /* Translators: "dev/: 12 utterances, 3,456 frames × 28, labelled". */
      printf (_("%s: %s utterances, %s frames × %u, %s\n"),
              cep_partition_get_folder (partition), utterances, frames,
              cep_partition_get_feature_dim (partition),
              cep_partition_is_labelled (partition) ? _("labelled") : _("unlabelled"));
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "folder");
  json_builder_add_string_value (builder, cep_partition_get_folder (partition));
  json_builder_set_member_name (builder, "utterances");
  json_builder_add_int_value (builder, cep_partition_get_n_utterances (partition));
  json_builder_set_member_name (builder, "frames");
  json_builder_add_int_value (builder, (gint64) cep_partition_get_n_frames (partition));
  json_builder_set_member_name (builder, "feature_dim");
  json_builder_add_int_value (builder, cep_partition_get_feature_dim (partition));
  json_builder_set_member_name (builder, "labelled");
  json_builder_add_boolean_value (builder, cep_partition_is_labelled (partition));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

static int
run_import (const char            *audio_dir,
            const char            *out_dir,
            const CepMfccOptions  *options,
            CepPhonemeTable       *table,
            gboolean               json)
{
  g_autoptr(CepCliProgress) progress = cep_cli_progress_new ("import", _("files"));
  g_autoptr(CepPartition) partition = NULL;
  g_autoptr(GError) error = NULL;
  CepLoadOptions load_options;

  if (!cep_audio_import_folder (audio_dir, out_dir, options, table, cep_cli_get_cancellable (),
                                cep_cli_progress_func, progress, &error))
    {
      /* Only the .npy writer fails on the output side; everything else is about the input. */
      gboolean output_failed = g_error_matches (error, CEP_NPY_ERROR, CEP_NPY_ERROR_IO);
      return cep_cli_fail ("import", error,
                           output_failed ? CEP_CLI_EXIT_OUTPUT : CEP_CLI_EXIT_INVALID_DATA);
    }
  g_clear_pointer (&progress, cep_cli_progress_free);
  cep_load_options_init (&load_options);
  load_options.table = table;
  partition = cep_partition_load (out_dir, &load_options, cep_cli_get_cancellable (), NULL, NULL,
                                  &error);
  if (partition == NULL)
    return cep_cli_fail ("import", error, CEP_CLI_EXIT_INVALID_DATA);
  print_result (partition, json);
  return CEP_CLI_EXIT_OK;
}

static CepPhonemeTable *
load_phoneme_table (const char  *path,
                    GError     **error)
{
  if (path == NULL)
    return cep_phoneme_table_new_default ();
  return cep_phoneme_table_new_from_file (path, error);
}

int
cep_cli_import_run (int    argc,
                    char **argv)
{
  CepCliMfccOptions mfcc_flags;
  CepMfccOptions options;
  g_autofree char *out_dir = NULL;
  g_autofree char *phonemes = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean json = FALSE;
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  g_autoptr(CepPhonemeTable) table = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry own[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      N_("Partition folder to write (mfcc/ and transcript/ inside; required)"), "DIR" },
    { "phonemes", 0, 0, G_OPTION_ARG_FILENAME, &phonemes,
      N_("Phoneme table for the alignments (default: HW1P2's)"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON instead of text"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
  };

  cep_cli_mfcc_options_init (&mfcc_flags);
  g_array_append_vals (entries, own, G_N_ELEMENTS (own));
  cep_cli_mfcc_options_add (&mfcc_flags, entries);
  if (!cep_cli_parse_options ("import", "AUDIO_DIR --out PARTITION_DIR",
                              N_("Every NAME.wav/.flac/.ogg becomes mfcc/NAME.npy; an alignment "
                                 "NAME.lab or NAME.tsv beside it\n(Audacity labels: start, end "
                                 "in seconds and a phoneme, tab-separated) becomes "
                                 "transcript/NAME.npy.\nExit status: 0 done, 1 usage error, "
                                 "2 invalid input, 3 output not written."),
                              (GOptionEntry *) entries->data, &argc, &argv, &exit_code))
    goto out;
  if (rest == NULL || g_strv_length (rest) != 1 || out_dir == NULL)
    exit_code = cep_cli_usage_error ("import", "%s",
                                     _("needs one audio folder and --out DIR"));
  else if (!cep_cli_mfcc_options_resolve (&mfcc_flags, &options, &error))
    exit_code = cep_cli_usage_error ("import", "%s", error->message);
  else if ((table = load_phoneme_table (phonemes, &error)) == NULL)
    exit_code = cep_cli_fail ("import", error, CEP_CLI_EXIT_INVALID_DATA);
  else
    exit_code = run_import (rest[0], out_dir, &options, table, json);

out:
  cep_cli_mfcc_options_clear (&mfcc_flags);
  return exit_code;
}
