/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-predict.c: `cepstra-cli predict`, the Kaggle submission of a run: the class of every
 * frame of a partition, written as id,label in HW1P2 order.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-cli-format.h"
#include "cep-run-data.h"
#include "cep-submission.h"

#include <glib/gi18n.h>
#include <stdio.h>

static int
run_predict (const char           *run_dir,
             CepCliRunFlags       *flags,
             const char           *csv,
             gboolean              int_labels)
{
  g_autoptr(CepRunData) run = NULL;
  g_autoptr(CepPartition) partition = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *predictions = NULL;
  int exit_code;

  exit_code = cep_cli_open_run ("predict", run_dir, flags, FALSE, &run, &partition);
  if (exit_code != CEP_CLI_EXIT_OK)
    return exit_code;
  predictions = g_new (guint8, MAX (cep_partition_get_n_frames (partition), 1));
  if (!cep_network_predict (cep_run_data_get_network (run), partition,
                            cep_cli_get_cancellable (), predictions, &error))
    return cep_cli_fail ("predict", error, CEP_CLI_EXIT_INVALID_DATA);
  if (!cep_submission_write (csv, partition, predictions, int_labels, &error))
    return cep_cli_fail ("predict", error, CEP_CLI_EXIT_OUTPUT);
  {
    g_autofree char *frames = cep_cli_format_count (cep_partition_get_n_frames (partition));
    g_autofree char *utterances =
      cep_cli_format_count (cep_partition_get_n_utterances (partition));

    /* Translators: "submission.csv: 41,235 frames of test-clean (120 utterances)". */
    printf (_("%s: %s frames of %s (%s utterances)\n"), csv, frames,
            cep_partition_get_name (partition), utterances);
  }
  return CEP_CLI_EXIT_OK;
}

int
cep_cli_predict_run (int    argc,
                     char **argv)
{
  CepCliRunFlags flags = { 0 };
  char *csv = NULL;
  gboolean int_labels = FALSE;
  g_auto(GStrv) rest = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "partition", 'p', 0, G_OPTION_ARG_STRING, &flags.partition,
      N_("Partition to predict (required; e.g. test-clean)"), "NAME" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Submission file to write (required)"), "OUT" },
    { "int-labels", 0, 0, G_OPTION_ARG_NONE, &int_labels,
      N_("Class ids instead of phoneme strings"), NULL },
    { "checkpoint", 'c', 0, G_OPTION_ARG_STRING, &flags.checkpoint,
      N_("best or last (default: best if saved)"), "WHICH" },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &flags.backend,
      N_("Backend (default: the run's)"), "NAME" },
    { "device", 0, 0, G_OPTION_ARG_STRING, &flags.device,
      N_("The vulkan backend's device, an index or part of its name (default: the run's)"),
      "DEVICE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &flags.threads,
      N_("Compute threads (default: the run's)"), "N" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("predict", "RUNDIR",
                              N_("Writes “id,label”, one row per frame: utterances sorted by file "
                                 "name, frames in order, id 0 the first frame.\nExit status: 0 "
                                 "written, 1 usage error, 2 invalid run or data, 3 file not "
                                 "written."),
                              entries, &argc, &argv, &exit_code))
    goto out;
  if (rest == NULL || g_strv_length (rest) != 1)
    exit_code = cep_cli_usage_error ("predict", "%s", _("expected one RUNDIR"));
  else if (flags.partition == NULL || csv == NULL)
    exit_code = cep_cli_usage_error ("predict", "%s", _("--partition and --csv are required"));
  else
    exit_code = run_predict (rest[0], &flags, csv, int_labels);

out:
  cep_cli_run_flags_clear (&flags);
  g_free (csv);
  return exit_code;
}
