/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-run-edit.c: renaming, annotating and trashing a run change only what they should, and
 * bad input loses nothing.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "cep-experiment.h"
#include "cep-run-edit.h"
#include "cep-run.h"

static char *scratch;

static char *
make_run (const char *leaf)
{
  g_autoptr (CepExperiment) experiment = cep_experiment_new ();
  g_autoptr (GError) error = NULL;
  char *dir = g_build_filename (scratch, "runs", leaf, NULL);
  g_autofree char *path = g_build_filename (dir, CEP_RUN_EXPERIMENT_FILE, NULL);
  g_autofree char *metrics = g_build_filename (dir, CEP_RUN_METRICS_FILE, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  experiment->train.epochs = 7;
  g_assert_true (cep_experiment_save (experiment, path, &error));
  g_assert_true (g_file_set_contents (metrics, "{\"event\":\"start\"}\n", -1, &error));
  return dir;
}

static CepExperiment *
load_run (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, CEP_RUN_EXPERIMENT_FILE, NULL);
  CepExperiment *experiment = cep_experiment_load (path, NULL, &error);

  g_assert_no_error (error);
  return experiment;
}

static char *
read_experiment_text (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, CEP_RUN_EXPERIMENT_FILE, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_describe (void)
{
  g_autofree char *dir = make_run ("20261205-010000-tiny");
  g_autofree char *before = read_experiment_text (dir);
  g_autoptr (GError) error = NULL;
  g_autoptr (CepExperiment) original = load_run (dir);
  g_autoptr (CepExperiment) edited = NULL;
  g_autoptr (CepExperiment) cleared = NULL;
  g_autofree char *after = NULL;

  /* A run never annotated has no "notes" member at all. */
  g_assert_null (strstr (before, "\"notes\""));
  g_assert_true (cep_run_edit_describe (dir, "wider, K 40", "Dev plateaus after epoch 3.\n"
                                        "Try dropout 0.4 — next.", &error));
  g_assert_no_error (error);
  edited = load_run (dir);
  g_assert_cmpstr (edited->name, ==, "wider, K 40");
  g_assert_cmpstr (edited->notes, ==, "Dev plateaus after epoch 3.\nTry dropout 0.4 — next.");
  /* Nothing else changed: with name and notes put back, the experiments are equal. */
  g_free (edited->name);
  edited->name = g_strdup (original->name);
  g_clear_pointer (&edited->notes, g_free);
  g_assert_true (cep_experiment_equal (edited, original));
  g_assert_cmpuint (edited->train.epochs, ==, 7);
  /* NULL leaves a field, "" removes it (the model's name shows again). */
  g_assert_true (cep_run_edit_describe (dir, NULL, "", &error));
  cleared = load_run (dir);
  g_assert_cmpstr (cleared->name, ==, "wider, K 40");
  g_assert_null (cleared->notes);
  g_assert_true (cep_run_edit_describe (dir, "", NULL, &error));
  after = read_experiment_text (dir);
  g_assert_cmpstr (after, ==, before);
}

static void
test_describe_bad_input (void)
{
  g_autofree char *dir = make_run ("20261205-020000-tiny");
  g_autofree char *before = read_experiment_text (dir);
  g_autofree char *missing = g_build_filename (scratch, "runs", "no-such-run", NULL);
  g_autofree char *path = g_build_filename (dir, CEP_RUN_EXPERIMENT_FILE, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *after = NULL;

  /* Not UTF-8: refused before anything is written. */
  g_assert_false (cep_run_edit_describe (dir, "caf\xe9", NULL, &error));
  g_assert_error (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  after = read_experiment_text (dir);
  g_assert_cmpstr (after, ==, before);
  /* No such run: the error names the file it looked for. */
  g_assert_false (cep_run_edit_describe (missing, "x", NULL, &error));
  g_assert_nonnull (strstr (error->message, "no-such-run"));
  g_clear_error (&error);
  /* A broken experiment.json is reported and left as it is. */
  g_assert_true (g_file_set_contents (path, "{\"format\": \"cepstra-experiment\", ", -1, NULL));
  g_assert_false (cep_run_edit_describe (dir, "x", NULL, &error));
  g_assert_nonnull (strstr (error->message, path));
  g_clear_pointer (&after, g_free);
  after = read_experiment_text (dir);
  g_assert_cmpstr (after, ==, "{\"format\": \"cepstra-experiment\", ");
}

static void
test_trash (void)
{
  g_autofree char *dir = make_run ("20261205-030000-tiny");
  g_autofree char *trashed = g_build_filename (g_get_user_data_dir (), "Trash", "files",
                                               "20261205-030000-tiny", NULL);
  g_autofree char *info = g_build_filename (g_get_user_data_dir (), "Trash", "info",
                                            "20261205-030000-tiny.trashinfo", NULL);
  g_autofree char *plain = g_build_filename (scratch, "not-a-run", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (cep_run_edit_trash (dir, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  /* In the trash, with the record a file manager restores it from. */
  g_assert_true (g_file_test (trashed, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (info, G_FILE_TEST_IS_REGULAR));
  /* A folder that is not a run stays where it is, and the error says why. */
  g_assert_cmpint (g_mkdir_with_parents (plain, 0755), ==, 0);
  g_assert_false (cep_run_edit_trash (plain, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "not a run folder"));
  g_assert_true (g_file_test (plain, G_FILE_TEST_IS_DIR));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  g_autofree char *remove = NULL;
  int status;

  scratch = g_dir_make_tmp ("cepstra-run-edit-XXXXXX", NULL);
  g_assert_nonnull (scratch);
  /* The trash of a temporary home on the same file system as the runs, set before GLib reads
   * it, so the test never touches the user's own trash. */
  data_home = g_build_filename (scratch, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/run-edit/describe", test_describe);
  g_test_add_func ("/run-edit/describe-bad-input", test_describe_bad_input);
  g_test_add_func ("/run-edit/trash", test_trash);
  status = g_test_run ();
  remove = g_strdup_printf ("rm -rf %s", scratch);
  g_spawn_command_line_sync (remove, NULL, NULL, NULL, NULL);
  g_free (scratch);
  return status;
}
