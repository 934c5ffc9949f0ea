/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-import-run.c: `cepstra-cli import-run DIR`, a run folder made elsewhere (the PyTorch
 * export's, one copied back from a cluster) checked and copied into the runs folder
 * (core/export/cep-run-import.h).
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-run-import.h"

#include <glib/gi18n.h>
#include <stdio.h>

static void
print_json (const char *source,
            const char *run_dir)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, source);
  json_builder_set_member_name (builder, "run");
  json_builder_add_string_value (builder, run_dir);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

int
cep_cli_import_run_run (int    argc,
                        char **argv)
{
  g_autofree char *into = NULL;
  g_autofree char *run_dir = NULL;
  gboolean check_only = FALSE;
  gboolean json = FALSE;
  g_auto(GStrv) rest = NULL;
  g_autoptr (GError) error = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "into", 0, 0, G_OPTION_ARG_FILENAME, &into,
      N_("The runs folder to copy the run into (default: the window's runs folder)"),
      "RUNS_FOLDER" },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check_only,
      N_("Only check the run folder; copy nothing"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("import-run", "DIR",
                              N_("Check a run folder made elsewhere (by the PyTorch export, or "
                                 "copied back from a cluster) as Cepstra reads its own runs, and "
                                 "copy it into the runs folder, where the run history, the "
                                 "analyses and hand-ins find it. The folder itself is not "
                                 "changed.\n"
                                 "Exit status: 0 imported, 1 usage error, 2 not a valid run "
                                 "(the message names the file), 3 could not be copied."),
                              entries, &argc, &argv, &exit_code))
    return exit_code;
  if (rest == NULL || g_strv_length (rest) != 1)
    return cep_cli_usage_error ("import-run", "%s", _("expected one DIR"));
  if (check_only)
    {
      if (!cep_run_import_check (rest[0], &error))
        return cep_cli_fail ("import-run", error, CEP_CLI_EXIT_INVALID_DATA);
      if (json)
        print_json (rest[0], rest[0]);
      else
        printf (_("%s is a valid run\n"), rest[0]);
      return CEP_CLI_EXIT_OK;
    }
  run_dir = cep_run_import (rest[0], into, &error);
  if (run_dir == NULL)
    return cep_cli_fail ("import-run", error,
                         g_error_matches (error, CEP_RUN_IMPORT_ERROR,
                                          CEP_RUN_IMPORT_ERROR_INVALID)
                         ? CEP_CLI_EXIT_INVALID_DATA : CEP_CLI_EXIT_OUTPUT);
  if (json)
    print_json (rest[0], run_dir);
  else
    /* Translators: the first %s is the folder imported, the second the new run folder. */
    printf (_("Imported %s as %s\n"), rest[0], run_dir);
  return CEP_CLI_EXIT_OK;
}
