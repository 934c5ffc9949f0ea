/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-eval.c: `cepstra-cli eval`, loss and accuracy of a run's checkpoint on a labelled
 * partition (offline, or streamed in chunks with --chunk/--lookahead); and the opening of a run
 * that every analysis command shares.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-cli-format.h"
#include "cep-backend.h"
#include "cep-chunked-eval.h"
#include "cep-cli-number.h"
#include "cep-cli-progress.h"
#include "cep-run-data.h"

#include <glib/gi18n.h>
#include <stdio.h>

static int
open_exit_code (const GError *error)
{
  if (g_error_matches (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_UNKNOWN))
    return CEP_CLI_EXIT_USAGE;
  return CEP_CLI_EXIT_INVALID_DATA;
}

int
cep_cli_open_run (const char             *command,
                  const char             *run_dir,
                  const CepCliRunFlags   *flags,
                  gboolean                need_labels,
                  CepRunData            **run,
                  CepPartition          **partition)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepCliProgress) progress = NULL;
  CepPartition *loaded;

  if (flags->threads < 0 || flags->threads > CEP_BACKEND_MAX_THREADS)
    return cep_cli_usage_error (command, _("--threads must be in [0, %u] (0: one per core)"),
                                CEP_BACKEND_MAX_THREADS);
  *run = cep_run_data_open (run_dir, flags->checkpoint, flags->backend, flags->device,
                            (guint) flags->threads, 0, &error);
  if (*run == NULL)
    return cep_cli_fail (command, error, open_exit_code (error));
  progress = cep_cli_progress_new (_("loading"), _("files"));
  loaded = cep_run_data_load_partition (*run, flags->partition, need_labels,
                                        cep_cli_get_cancellable (), cep_cli_progress_func,
                                        progress, &error);
  if (loaded == NULL)
    {
      g_clear_pointer (run, cep_run_data_free);
      return cep_cli_fail (command, error, CEP_CLI_EXIT_INVALID_DATA);
    }
  *partition = g_object_ref (loaded);
  return CEP_CLI_EXIT_OK;
}

void
cep_cli_run_flags_clear (CepCliRunFlags *flags)
{
  g_clear_pointer (&flags->checkpoint, g_free);
  g_clear_pointer (&flags->backend, g_free);
  g_clear_pointer (&flags->device, g_free);
  g_clear_pointer (&flags->partition, g_free);
}

/* The flags as typed (NULL: not given); chunked is TRUE when --chunk was. */
typedef struct
{
  char           *chunk_text;
  char           *lookahead_text;
  gboolean        chunked;
  CepChunkRegime  regime;
} ChunkFlags;

#define CEP_CLI_MAX_CHUNK 1000000

static gboolean
parse_chunk_flags (ChunkFlags  *flags,
                   GError     **error)
{
  guint64 value = 0;

  if (flags->lookahead_text != NULL && flags->chunk_text == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s",
                   _("--lookahead needs --chunk"));
      return FALSE;
    }
  if (flags->chunk_text == NULL)
    return TRUE;
  if (!cep_cli_number_uint ("--chunk", flags->chunk_text, 1, CEP_CLI_MAX_CHUNK, &value, error))
    return FALSE;
  flags->regime.chunk = (guint) value;
  value = 0;
  if (flags->lookahead_text != NULL
      && !cep_cli_number_uint ("--lookahead", flags->lookahead_text, 0, CEP_CLI_MAX_CHUNK,
                               &value, error))
    return FALSE;
  flags->regime.lookahead = (guint) value;
  flags->chunked = TRUE;
  return TRUE;
}

static void
print_eval (CepRunData          *run,
            CepPartition        *partition,
            const CepEvalResult *result,
            const ChunkFlags    *chunk,
            gboolean             json)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (!json)
    {
      g_autofree char *correct = cep_cli_format_count (result->correct);
      g_autofree char *frames = cep_cli_format_count (result->frames);

      /* Translators: "dev-clean: accuracy 71.20 % (1,424 of 2,000 frames), loss 0.9312". */
      printf (_("%s: accuracy %.2f %% (%s of %s frames), loss %.4f\n"),
              cep_partition_get_name (partition), 100 * result->accuracy, correct, frames,
              result->loss);
      if (chunk->chunked)
        /* Translators: how the frames were heard: "streamed in chunks of 8 frames, 2 frames
         * of look-ahead". */
        printf (_("streamed in chunks of %u frames, %u frames of look-ahead\n"),
                chunk->regime.chunk, chunk->regime.lookahead);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "partition");
  json_builder_add_string_value (builder, cep_partition_get_name (partition));
  json_builder_set_member_name (builder, "checkpoint");
  json_builder_add_string_value (builder, cep_run_data_get_checkpoint (run));
  json_builder_set_member_name (builder, "accuracy");
  json_builder_add_double_value (builder, result->accuracy);
  json_builder_set_member_name (builder, "loss");
  json_builder_add_double_value (builder, result->loss);
  json_builder_set_member_name (builder, "frames");
  json_builder_add_int_value (builder, (gint64) result->frames);
  json_builder_set_member_name (builder, "correct");
  json_builder_add_int_value (builder, (gint64) result->correct);
  if (chunk->chunked)
    {
      json_builder_set_member_name (builder, "chunk");
      json_builder_add_int_value (builder, chunk->regime.chunk);
      json_builder_set_member_name (builder, "lookahead");
      json_builder_add_int_value (builder, chunk->regime.lookahead);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

static int
run_eval (const char           *run_dir,
          const CepCliRunFlags *flags,
          const ChunkFlags     *chunk,
          gboolean              json)
{
  g_autoptr(CepRunData) run = NULL;
  g_autoptr(CepPartition) partition = NULL;
  g_autoptr(GError) error = NULL;
  CepEvalResult result;
  int exit_code;

  exit_code = cep_cli_open_run ("eval", run_dir, flags, TRUE, &run, &partition);
  if (exit_code != CEP_CLI_EXIT_OK)
    return exit_code;
  if (chunk->chunked
      ? !cep_network_evaluate_chunked (cep_run_data_get_network (run), partition,
                                       &chunk->regime, cep_cli_get_cancellable (), &result,
                                       &error)
      : !cep_network_evaluate (cep_run_data_get_network (run), partition,
                               cep_cli_get_cancellable (), &result, &error))
    return cep_cli_fail ("eval", error, CEP_CLI_EXIT_INVALID_DATA);
  print_eval (run, partition, &result, chunk, json);
  return CEP_CLI_EXIT_OK;
}

int
cep_cli_eval_run (int    argc,
                  char **argv)
{
  CepCliRunFlags flags = { 0 };
  ChunkFlags chunk = { 0 };
  gboolean json = FALSE;
  g_auto(GStrv) rest = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "partition", 'p', 0, G_OPTION_ARG_STRING, &flags.partition,
      N_("Labelled partition (default: the dev partition)"), "NAME" },
    { "checkpoint", 'c', 0, G_OPTION_ARG_STRING, &flags.checkpoint,
      N_("best or last (default: best if saved)"), "WHICH" },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &flags.backend,
      N_("Backend (default: the run's)"), "NAME" },
    { "device", 0, 0, G_OPTION_ARG_STRING, &flags.device,
      N_("The vulkan backend's device, an index or part of its name (default: the run's)"),
      "DEVICE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &flags.threads,
      N_("Compute threads (default: the run's)"), "N" },
    { "chunk", 0, 0, G_OPTION_ARG_STRING, &chunk.chunk_text,
      N_("Stream each utterance in chunks of C frames (default: whole utterances)"), "C" },
    { "lookahead", 0, 0, G_OPTION_ARG_STRING, &chunk.lookahead_text,
      N_("Frames known past each chunk's end (default 0; needs --chunk)"), "L" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (accuracy, loss, frames)"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("eval", "RUNDIR",
                              N_("Evaluation mode: BatchNorm running statistics, no dropout, every "
                                 "frame of the partition.\nExit status: 0 done, 1 usage error, "
                                 "2 invalid run or data."),
                              entries, &argc, &argv, &exit_code))
    goto out;
  if (rest == NULL || g_strv_length (rest) != 1)
    exit_code = cep_cli_usage_error ("eval", "%s", _("expected one RUNDIR"));
  else if (!parse_chunk_flags (&chunk, &error))
    exit_code = cep_cli_usage_error ("eval", "%s", error->message);
  else
    exit_code = run_eval (rest[0], &flags, &chunk, json);

out:
  cep_cli_run_flags_clear (&flags);
  g_free (chunk.chunk_text);
  g_free (chunk.lookahead_text);
  return exit_code;
}
