/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-handin.c: `cepstra-cli handin`, a run written as one hand-in file for the teacher
 * (core/classroom/cep-handin.h).
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-atomic-file.h"
#include "cep-handin.h"
#include "cep-tar.h"

#include <glib/gi18n.h>
#include <stdio.h>

static int
handin_exit_code (const GError *error)
{
  if (error->domain == CEP_ATOMIC_FILE_ERROR || error->domain == CEP_TAR_ERROR
      || g_error_matches (error, CEP_HANDIN_ERROR, CEP_HANDIN_ERROR_EXISTS))
    return CEP_CLI_EXIT_OUTPUT;
  if (g_error_matches (error, CEP_HANDIN_ERROR, CEP_HANDIN_ERROR_RULE))
    return CEP_CLI_EXIT_RULE;
  return CEP_CLI_EXIT_INVALID_DATA;
}

int
cep_cli_handin_run (int    argc,
                    char **argv)
{
  g_autofree char *student = NULL;
  g_autofree char *out = NULL;
  gboolean force = FALSE;
  g_auto(GStrv) rest = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "student", 's', 0, G_OPTION_ARG_STRING, &student,
      N_("The student's name, as the teacher's class table shows it"), "NAME" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      N_("The hand-in file to write (NAME.cepstra-handin)"), "FILE" },
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      N_("Replace FILE if it exists"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("handin", "RUNDIR",
                              N_("Write a run as one hand-in file: its experiment, metrics, "
                                 "best checkpoint, curves, the assignment it answers, the "
                                 "student's name and a manifest of SHA-256 hashes. A run that "
                                 "breaks its assignment's rules is refused, naming the rule.\n"
                                 "Exit status: 0 written, 1 usage error, 2 not a run, 3 FILE "
                                 "exists (without --force) or could not be written, 6 the run "
                                 "breaks a rule of its assignment."),
                              entries, &argc, &argv, &exit_code))
    return exit_code;
  if (rest == NULL || g_strv_length (rest) != 1)
    return cep_cli_usage_error ("handin", "%s", _("expected one RUNDIR"));
  if (student == NULL || out == NULL)
    return cep_cli_usage_error ("handin", "%s", _("--student and --out are required"));
  if (!cep_handin_student_is_valid (student))
    return cep_cli_usage_error ("handin", _("--student must be 1 to %u bytes of text without "
                                            "control characters"), CEP_HANDIN_MAX_STUDENT);
  if (!cep_handin_write (rest[0], student, out, force, &error))
    return cep_cli_fail ("handin", error, handin_exit_code (error));
  /* Translators: "alice.cepstra-handin: handed in for Alice". */
  printf (_("%s: handed in for %s\n"), out, student);
  return CEP_CLI_EXIT_OK;
}
