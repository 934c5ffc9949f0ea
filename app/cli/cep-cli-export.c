/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-export.c: `cepstra-cli export torch (RUNDIR | experiment.json) --out DIR`, the
 * experiment as a PyTorch project for torchrun (core/export/cep-export-torch.h).
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-export-torch.h"
#include "cep-run.h"

#include <glib/gi18n.h>
#include <stdio.h>

/* A run folder stands for its experiment.json. */
static CepExperiment *
load_experiment (const char  *source,
                 GError     **error)
{
  g_autofree char *path = g_file_test (source, G_FILE_TEST_IS_DIR)
                          ? g_build_filename (source, CEP_RUN_EXPERIMENT_FILE, NULL)
                          : g_strdup (source);

  return cep_experiment_load (path, NULL, error);
}

static int
exit_code_of (const GError *error)
{
  if (g_error_matches (error, CEP_EXPORT_ERROR, CEP_EXPORT_ERROR_NOT_EMPTY)
      || g_error_matches (error, CEP_EXPORT_ERROR, CEP_EXPORT_ERROR_OUTPUT))
    return CEP_CLI_EXIT_OUTPUT;
  return CEP_CLI_EXIT_INVALID_DATA;
}

int
cep_cli_export_run (int    argc,
                    char **argv)
{
  g_autofree char *out = NULL;
  gboolean force = FALSE;
  g_auto(GStrv) rest = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CepExperiment) experiment = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out,
      N_("The folder to write the project into (empty, new, or an earlier export)"), "DIR" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Write into a folder that is not empty and holds no earlier export"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("export", "torch (RUNDIR | EXPERIMENT.json)",
                              N_("Write an experiment as a PyTorch project: train.py runs it on "
                                 "one GPU or under torchrun (DistributedDataParallel) and writes "
                                 "a run folder that import-run brings back. Its README.md has "
                                 "the commands.\n"
                                 "Exit status: 0 written, 1 usage error, 2 a bad experiment or "
                                 "one the export cannot express, 3 could not be written."),
                              entries, &argc, &argv, &exit_code))
    return exit_code;
  if (rest == NULL || g_strv_length (rest) != 2 || g_strcmp0 (rest[0], "torch") != 0)
    return cep_cli_usage_error ("export", "%s",
                                _("expected the format torch and one RUNDIR or experiment.json"));
  if (out == NULL)
    return cep_cli_usage_error ("export", "%s", _("--out DIR is required"));
  if ((experiment = load_experiment (rest[1], &error)) == NULL)
    return cep_cli_fail ("export", error, CEP_CLI_EXIT_INVALID_DATA);
  if (!cep_export_torch (experiment, out, force, &error))
    return cep_cli_fail ("export", error, exit_code_of (error));
  /* Translators: %s is the folder the PyTorch project was written to. */
  printf (_("Wrote the PyTorch project to %s\n"), out);
  printf (_("Train it with: torchrun --nproc_per_node N %s/train.py --data DATASET --out "
            "RUNDIR\n"), out);
  printf (_("Bring the run back with: cepstra-cli import-run RUNDIR\n"));
  return CEP_CLI_EXIT_OK;
}
