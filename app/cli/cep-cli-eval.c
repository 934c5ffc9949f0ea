/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-eval.c: `cepstra-cli eval`, loss and accuracy of a run's checkpoint on a labelled
 * partition; and the opening of a run that every analysis command shares.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-cli-format.h"
#include "cep-backend.h"
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

static void
print_eval (CepRunData          *run,
            CepPartition        *partition,
            const CepEvalResult *result,
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
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

static int
run_eval (const char           *run_dir,
          const CepCliRunFlags *flags,
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
  if (!cep_network_evaluate (cep_run_data_get_network (run), partition,
                             cep_cli_get_cancellable (), &result, &error))
    return cep_cli_fail ("eval", error, CEP_CLI_EXIT_INVALID_DATA);
  print_eval (run, partition, &result, json);
  return CEP_CLI_EXIT_OK;
}

int
cep_cli_eval_run (int    argc,
                  char **argv)
{
  CepCliRunFlags flags = { 0 };
  gboolean json = FALSE;
  g_auto(GStrv) rest = NULL;
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
  else
    exit_code = run_eval (rest[0], &flags, json);

out:
  cep_cli_run_flags_clear (&flags);
  return exit_code;
}
