/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every command answers --help, and usage errors exit 1 with a message, never a backtrace.
 */
#include "cep-cli.h"
#include "cep-cli-test-util.h"

static void
test_help_for_every_command (void)
{
  for (const CepCliCommand *command = cep_cli_get_commands (); command->name; command++)
    {
      g_autoptr(CepCliResult) result = cep_cli_test_run (command->name, "--help", NULL);
      g_autofree char *usage = g_strdup_printf ("cepstra-cli %s", command->name);

      g_test_message ("%s --help", command->name);
      g_assert_cmpint (result->exit_code, ==, 0);
      g_assert_true (strstr (result->out, usage) != NULL);
      g_assert_true (strstr (result->out, "Exit status") != NULL);
    }
}

static void
test_main_help_lists_commands (void)
{
  g_autoptr(CepCliResult) result = cep_cli_test_run ("--help", NULL);

  g_assert_cmpint (result->exit_code, ==, 0);
  for (const CepCliCommand *command = cep_cli_get_commands (); command->name; command++)
    g_assert_true (strstr (result->out, command->name) != NULL);
}

static void
test_no_command (void)
{
  const char *no_args[] = { NULL };
  g_autoptr(CepCliResult) result = cep_cli_test_runv (no_args);

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_USAGE);
  g_assert_true (strstr (result->err, "Usage") != NULL);
}

static void
test_unknown_command (void)
{
  g_autoptr(CepCliResult) result = cep_cli_test_run ("frobnicate", NULL);

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_USAGE);
  g_assert_true (strstr (result->err, "unknown command “frobnicate”") != NULL);
}

static void
test_unknown_option (void)
{
  g_autoptr(CepCliResult) result = cep_cli_test_run ("inspect", "--no-such-flag", NULL);

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_USAGE);
  g_assert_true (strstr (result->err, "cepstra-cli inspect:") != NULL);
  g_assert_true (strstr (result->err, "--no-such-flag") != NULL);
}

static void
test_missing_required (void)
{
  g_autoptr(CepCliResult) features = cep_cli_test_run ("features", "x.wav", NULL);
  g_autoptr(CepCliResult) demo = cep_cli_test_run ("make-demo", NULL);

  g_assert_cmpint (features->exit_code, ==, CEP_CLI_EXIT_USAGE);
  g_assert_true (strstr (features->err, "--out") != NULL);
  g_assert_cmpint (demo->exit_code, ==, CEP_CLI_EXIT_USAGE);
}

static void
test_version (void)
{
  g_autoptr(CepCliResult) result = cep_cli_test_run ("--version", NULL);

  g_assert_cmpint (result->exit_code, ==, 0);
  g_assert_true (g_str_has_prefix (result->out, "cepstra-cli "));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/help/every-command", test_help_for_every_command);
  g_test_add_func ("/cli/help/main", test_main_help_lists_commands);
  g_test_add_func ("/cli/usage/no-command", test_no_command);
  g_test_add_func ("/cli/usage/unknown-command", test_unknown_command);
  g_test_add_func ("/cli/usage/unknown-option", test_unknown_option);
  g_test_add_func ("/cli/usage/missing-required", test_missing_required);
  g_test_add_func ("/cli/version", test_version);
  return g_test_run ();
}
