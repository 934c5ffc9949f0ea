/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-annotate.c: `cepstra-cli annotate`, a run's name and notes (what the Train page's
 * "Rename and Annotate…" edits), and `cepstra-cli trash`, a run moved to the trash.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-run-edit.h"
#include "cep-run-lock.h"

#include <glib/gi18n.h>
#include <stdio.h>

static gboolean
read_notes_file (const char  *path,
                 char       **notes,
                 GError     **error)
{
  /* "-" is standard input, so notes can be piped in from an editor or a script. */
  if (g_strcmp0 (path, "-") == 0)
    {
      GString *text = g_string_new (NULL);
      char chunk[4096];
      size_t n;

      while ((n = fread (chunk, 1, sizeof chunk, stdin)) > 0)
        g_string_append_len (text, chunk, (gssize) n);
      if (ferror (stdin))
        {
          g_string_free (text, TRUE);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("standard input: could not read the notes"));
          return FALSE;
        }
      *notes = g_string_free (text, FALSE);
      return TRUE;
    }
  return g_file_get_contents (path, notes, NULL, error);
}

int
cep_cli_annotate_run (int    argc,
                      char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *notes_file = NULL;
  g_auto(GStrv) rest = NULL;
  g_autoptr (GError) error = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("The run's name (\"\" removes it: the model's name shows)"), "NAME" },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &notes,
      N_("The run's notes (\"\" removes them)"), "TEXT" },
    { "notes-file", 0, 0, G_OPTION_ARG_FILENAME, &notes_file,
      N_("Read the notes from FILE (- for standard input)"), "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("annotate", "RUNDIR",
                              N_("Set a run's name and notes in its experiment.json; nothing "
                                 "else in the run changes.\n"
                                 "Exit status: 0 written, 1 usage error, 2 not a valid run, "
                                 "3 could not be written."),
                              entries, &argc, &argv, &exit_code))
    return exit_code;
  if (rest == NULL || g_strv_length (rest) != 1)
    return cep_cli_usage_error ("annotate", "%s", _("expected one RUNDIR"));
  if (notes != NULL && notes_file != NULL)
    return cep_cli_usage_error ("annotate", "%s",
                                _("--notes and --notes-file exclude each other"));
  if (name == NULL && notes == NULL && notes_file == NULL)
    return cep_cli_usage_error ("annotate", "%s", _("nothing to change: give --name, --notes "
                                                    "or --notes-file"));
  if (notes_file != NULL && !read_notes_file (notes_file, &notes, &error))
    return cep_cli_fail ("annotate", error, CEP_CLI_EXIT_INVALID_DATA);
  if (!cep_run_edit_describe (rest[0], name, notes, &error))
    return cep_cli_fail ("annotate", error,
                         g_error_matches (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_IO)
                         && g_file_test (rest[0], G_FILE_TEST_IS_DIR)
                         ? CEP_CLI_EXIT_OUTPUT : CEP_CLI_EXIT_INVALID_DATA);
  return CEP_CLI_EXIT_OK;
}

int
cep_cli_trash_run (int    argc,
                   char **argv)
{
  g_auto(GStrv) rest = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("trash", "RUNDIR...",
                              N_("Move runs to the trash (restore them from the file manager). "
                                 "A folder that is not a run is left alone.\n"
                                 "Exit status: 0 all moved, 1 usage error, 2 a folder is not a "
                                 "run, 3 a run could not be moved."),
                              entries, &argc, &argv, &exit_code))
    return exit_code;
  if (rest == NULL)
    return cep_cli_usage_error ("trash", "%s", _("expected at least one RUNDIR"));
  for (guint i = 0; rest[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      int code;

      if (cep_run_edit_trash (rest[i], cep_cli_get_cancellable (), &error))
        continue;
      code = cep_cli_fail ("trash", error,
                           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT)
                           ? CEP_CLI_EXIT_INVALID_DATA
                           : g_error_matches (error, CEP_RUN_LOCK_ERROR, CEP_RUN_LOCK_ERROR_BUSY)
                           ? CEP_CLI_EXIT_BUSY : CEP_CLI_EXIT_OUTPUT);
      /* The first failure decides the status; the other runs are still tried. */
      if (exit_code == CEP_CLI_EXIT_OK)
        exit_code = code;
    }
  return exit_code;
}
