/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-cli-i18n.c: cepstra-cli under a German locale. Its help, usage and error messages come
 * out in German and its numbers for people are written as German writes them, while what
 * programs read (JSON, CSV) is byte for byte what the C locale writes.
 *
 * de_DE is compiled into a temporary LOCPATH (comma-locale.c), so the machine needs only
 * Debian's `locales` sources; the catalogue is the build's (CEPSTRA_LOCALEDIR).
 */
#include "cep-cli.h"
#include "cep-cli-test-util.h"
#include "comma-locale.h"

#include <string.h>

#define GERMAN "de_DE.UTF-8"
#define PLAIN "C.UTF-8"
#define DIM 13

static char *data_root;
static char *work_dir;
static char *run_dir;

/* Runs cepstra-cli with LC_ALL=@locale (LANGUAGE unset, so LC_ALL alone decides). */
static CepCliResult *
run_in (const char *locale,
        const char *first_arg,
        ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  CepCliResult *result;
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  g_setenv ("LC_ALL", locale, TRUE);
  g_unsetenv ("LANGUAGE");
  result = cep_cli_test_runv ((const char * const *) args->pdata);
  g_unsetenv ("LC_ALL");
  return result;
}

static void
assert_contains (const char *text,
                 const char *wanted)
{
  if (strstr (text, wanted) == NULL)
    g_error ("“%s” not found in:\n%s", wanted, text);
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_main_help (void)
{
  g_autoptr(CepCliResult) result = run_in (GERMAN, "--help", NULL);

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  assert_contains (result->out, "Aufruf: cepstra-cli BEFEHL [OPTION …]");
  /* A command's summary is translated; its name is not. */
  assert_contains (result->out, "  train        Ein Modell trainieren: aus einer experiment.json");
  assert_contains (result->out, "„cepstra-cli BEFEHL --help“ zeigt die Optionen eines Befehls.");
}

static void
test_command_help (void)
{
  g_autoptr(CepCliResult) result = run_in (GERMAN, "train", "--help", NULL);

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  /* The summary, an option's text (the flag itself stays) and the description. */
  assert_contains (result->out, "cepstra-cli train: Ein Modell trainieren");
  assert_contains (result->out, "--experiment=FILE     Von dieser experiment.json ausgehen");
  assert_contains (result->out, "--freq-masks=N");
  assert_contains (result->out, "Höchstzahl maskierter Frequenzbänder");
  assert_contains (result->out, "Exit-Status: 0 trainiert, 1 Aufruffehler");
}

static void
test_errors (void)
{
  g_autoptr(CepCliResult) unknown_flag = run_in (GERMAN, "train", "--frobnicate", NULL);
  g_autoptr(CepCliResult) bad_number = run_in (GERMAN, "train", "--epochs", "0", NULL);
  g_autoptr(CepCliResult) no_run = NULL;
  g_autofree char *missing = g_build_filename (work_dir, "no-such-run", NULL);
  g_autofree char *csv = g_build_filename (work_dir, "never.csv", NULL);

  g_assert_cmpint (unknown_flag->exit_code, ==, CEP_CLI_EXIT_USAGE);
  assert_contains (unknown_flag->err, "Versuchen Sie „cepstra-cli train --help“.");
  g_assert_cmpint (bad_number->exit_code, ==, CEP_CLI_EXIT_USAGE);
  /* The range is written as the flag is typed, without German digit grouping. */
  assert_contains (bad_number->err,
                   "cepstra-cli train: --epochs: erwartet eine ganze Zahl in [1, 1000000], "
                   "nicht „0“");
  no_run = run_in (GERMAN, "compare", missing, "--csv", csv, NULL);
  g_assert_cmpint (no_run->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
  assert_contains (no_run->err, "no-such-run: kein solcher Laufordner");
}

/* The inspect table's counts are grouped as the locale groups them. */
static void
test_numbers_follow_locale (void)
{
  g_autoptr(CepCliResult) german = run_in (GERMAN, "inspect", data_root, NULL);
  g_autoptr(CepCliResult) plain = run_in (PLAIN, "inspect", data_root, NULL);

  g_assert_cmpint (german->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_cmpint (plain->exit_code, ==, CEP_CLI_EXIT_OK);
  assert_contains (german->out, "Partition            Äußerungen       Frames   Dim  Labels");
  assert_contains (german->out, "train-clean-100               2        2.400    13  ja");
  assert_contains (plain->out, "train-clean-100               2         2400    13  yes");
}

static void
assert_same_output (const char * const *args)
{
  g_autoptr(CepCliResult) plain = NULL;
  g_autoptr(CepCliResult) german = NULL;

  g_setenv ("LC_ALL", PLAIN, TRUE);
  plain = cep_cli_test_runv (args);
  g_setenv ("LC_ALL", GERMAN, TRUE);
  g_unsetenv ("LANGUAGE");
  german = cep_cli_test_runv (args);
  g_unsetenv ("LC_ALL");
  g_assert_cmpint (plain->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_cmpint (german->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_cmpstr (german->out, ==, plain->out);
}

/* Runs @command writing @flag FILE once per locale; the two files must be equal. */
static void
assert_same_file (const char *command,
                  const char *flag,
                  const char *name)
{
  g_autofree char *plain_path = g_strdup_printf ("%s/plain-%s", work_dir, name);
  g_autofree char *german_path = g_strdup_printf ("%s/german-%s", work_dir, name);
  g_autoptr(CepCliResult) plain = run_in (PLAIN, command, run_dir, flag, plain_path, NULL);
  g_autoptr(CepCliResult) german = run_in (GERMAN, command, run_dir, flag, german_path, NULL);
  g_autofree char *plain_text = NULL;
  g_autofree char *german_text = NULL;

  g_assert_cmpint (plain->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_cmpint (german->exit_code, ==, CEP_CLI_EXIT_OK);
  plain_text = read_text (plain_path);
  german_text = read_text (german_path);
  g_assert_cmpstr (german_text, ==, plain_text);
}

static void
test_machine_formats_unchanged (void)
{
  const char *inspect[] = { "inspect", "--json", data_root, NULL };
  const char *eval[] = { "eval", run_dir, "--json", NULL };
  const char *confusion[] = { "confusion", run_dir, "--json", NULL };
  const char *runs[] = { "runs", work_dir, "--json", NULL };
  const char *backends[] = { "backends", "--json", NULL };
  g_autoptr(CepCliResult) german_runs = NULL;

  assert_same_output (inspect);
  assert_same_output (eval);
  assert_same_output (confusion);
  assert_same_output (runs);
  assert_same_output (backends);
  assert_same_file ("confusion", "--csv", "confusion.csv");
  assert_same_file ("confusion", "--stats-csv", "stats.csv");
  assert_same_file ("plot", "--csv", "metrics.csv");
  /* The premise: the German runs table is translated, so JSON's status really was kept. */
  german_runs = run_in (GERMAN, "runs", work_dir, NULL);
  assert_contains (german_runs->out, "beendet");
}

static void
make_dataset_and_run (void)
{
  g_autoptr(CepCliResult) result = NULL;
  const char *partitions[] = { "train-clean-100", "dev-clean" };

  data_root = g_dir_make_tmp ("cepstra-i18n-data-XXXXXX", NULL);
  work_dir = g_dir_make_tmp ("cepstra-i18n-work-XXXXXX", NULL);
  run_dir = g_build_filename (work_dir, "run", NULL);
  for (guint p = 0; p < G_N_ELEMENTS (partitions); p++)
    {
      g_autofree char *dir = g_build_filename (data_root, partitions[p], NULL);

      for (guint u = 0; u < 2; u++)
        {
          g_autofree char *name = g_strdup_printf ("%s-%u", partitions[p], u);

          cep_cli_test_write_utterance (dir, name, 1200, DIM, TRUE);
        }
    }
  result = run_in (PLAIN, "train", "--data", data_root, "--preset", "tiny", "--context", "2",
                   "--epochs", "1", "--batch", "256", "--threads", "1", "--out", run_dir,
                   "--json", NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *locale_dir = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  locale_dir = comma_locale_enter ();
  make_dataset_and_run ();
  g_test_add_func ("/cli/i18n/main-help", test_main_help);
  g_test_add_func ("/cli/i18n/command-help", test_command_help);
  g_test_add_func ("/cli/i18n/errors", test_errors);
  g_test_add_func ("/cli/i18n/numbers-follow-locale", test_numbers_follow_locale);
  g_test_add_func ("/cli/i18n/machine-formats-unchanged", test_machine_formats_unchanged);
  status = g_test_run ();
  cep_cli_test_remove_tree (data_root);
  cep_cli_test_remove_tree (work_dir);
  comma_locale_leave (g_steal_pointer (&locale_dir));
  g_free (data_root);
  g_free (work_dir);
  g_free (run_dir);
  return status;
}
