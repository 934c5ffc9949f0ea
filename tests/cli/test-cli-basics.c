/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every command answers --help, and usage errors exit 1 with a message, never a backtrace.
 */
#include "cep-cli.h"
#include "cep-cli-test-util.h"

#include <string.h>

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

/* Every numeric flag: a negative, NaN, infinite, huge or non-numeric value is a usage error
 * (exit 1) naming the flag, before any work; never silently the default. The commands run on
 * a run folder that does not exist: a flag accepted would fail later, with another code. */
static void
test_numeric_flag_table (void)
{
  static const struct
  {
    const char *command;
    const char *other_args;   /* what the command needs besides the flag */
    const char *flags;
  } table[] = {
    { "train", "--out /nonexistent/run",
      "context epochs batch lr subset seed threads depth label-smoothing weight-decay "
      "momentum clip warmup step-size gamma t-max factor patience freq-masks freq-width-min "
      "freq-width-max time-masks time-width-min time-width-max mask-prob" },
    { "batches", "/nonexistent/out.npy",
      "freq-masks freq-width-min freq-width-max time-masks time-width-min time-width-max "
      "mask-prob" },
    { "eval", "/nonexistent/run", "threads" },
    { "predict", "/nonexistent/run --partition test-clean --csv /nonexistent/s.csv",
      "threads" },
    { "confusion", "/nonexistent/run --csv /nonexistent/c.csv", "threads" },
    { "depmatrix", "/nonexistent/run -u u --csv /nonexistent/d.csv", "threads" },
    { "bench", "", "threads" },
  };
  static const char *const bad_values[] = { "-1", "nan", "inf", "1e999",
                                            "99999999999999999999", "x" };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_auto(GStrv) flags = g_strsplit (table[i].flags, " ", -1);
      for (guint f = 0; flags[f] != NULL; f++)
        for (guint v = 0; v < G_N_ELEMENTS (bad_values); v++)
          {
            g_autofree char *flag = g_strdup_printf ("--%s=%s", flags[f], bad_values[v]);
            g_autofree char *named = g_strdup_printf ("--%s", flags[f]);
            g_autofree char *line = g_strdup_printf ("%s %s %s", table[i].command, flag,
                                                     table[i].other_args);
            g_auto(GStrv) args = g_strsplit (g_strstrip (line), " ", -1);
            g_autoptr(CepCliResult) result = cep_cli_test_runv ((const char * const *) args);

            if (result->exit_code != 1 || strstr (result->err, named) == NULL)
              g_error ("%s: exit %d, “%s” (want 1 and a message naming %s)", line,
                       result->exit_code, result->err, named);
          }
    }
}

/* A newline in a file name does not split the error: it is written as \n, on one line. */
static void
test_error_stays_one_line (void)
{
  g_autoptr(CepCliResult) result = cep_cli_test_run ("plot", "/nonexistent/a\nb\tc",
                                                     "--csv", "/nonexistent/x.csv", NULL);

  g_assert_cmpint (result->exit_code, ==, 2);
  g_assert_nonnull (strstr (result->err, "/nonexistent/a\\nb\\tc"));
  g_assert_true (strchr (result->err, '\n') == result->err + strlen (result->err) - 1);
  g_assert_null (strchr (result->err, '\t'));
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
  g_test_add_func ("/cli/usage/numeric-flag-table", test_numeric_flag_table);
  g_test_add_func ("/cli/usage/error-stays-one-line", test_error_stays_one_line);
  return g_test_run ();
}
