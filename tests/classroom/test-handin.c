/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-handin.c: hand-ins and the class in core, on the committed run of tests/fixtures/blocks
 * (trained on the demo dataset): a hand-in written and opened again, refusals (an existing
 * file, a student's name, a broken rule), and a class that re-measures every hand-in on the
 * demo dev partition, reports progress, honours cancellation and exports CSV a spreadsheet
 * cannot mistake for formulas. The CLI's whole loop and every hostile hand-in are in
 * tests/cli/test-cli-classroom.c and tests/hostile.
 */
#include "cep-class.h"
#include "cep-handin.h"
#include "cep-run.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static char *
fixture_run (void)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", "blocks", "run", NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        remove_tree (child);
      }
  g_remove (path);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  g_autofree char *folder = g_path_get_dirname (to);
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

/* A copy of the fixture run in @work/run, which a test may change. */
static char *
copy_fixture (const char *work)
{
  g_autofree char *from = fixture_run ();
  char *run = g_build_filename (work, "run", NULL);
  const char *files[] = { CEP_RUN_EXPERIMENT_FILE, CEP_RUN_METRICS_FILE,
                          CEP_RUN_BEST_CHECKPOINT, CEP_RUN_LAST_CHECKPOINT };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *source = g_build_filename (from, files[i], NULL);
      g_autofree char *target = g_build_filename (run, files[i], NULL);

      copy_file (source, target);
    }
  return run;
}

static void
test_round_trip (void)
{
  g_autofree char *work = g_dir_make_tmp ("cepstra-handin-XXXXXX", NULL);
  g_autofree char *run = fixture_run ();
  g_autofree char *path = g_build_filename (work, "ann.cepstra-handin", NULL);
  g_autofree char *experiment_path = g_build_filename (run, CEP_RUN_EXPERIMENT_FILE, NULL);
  g_autoptr(CepExperiment) expected = cep_experiment_load (experiment_path, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CepHandin) handin = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *figure = NULL;

  g_assert_true (cep_handin_write (run, "Ann Example", path, FALSE, &error));
  g_assert_no_error (error);
  handin = cep_handin_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_handin_get_student (handin), ==, "Ann Example");
  g_assert_cmpstr (cep_handin_get_path (handin), ==, path);
  g_assert_nonnull (cep_handin_get_cepstra_version (handin));
  g_assert_true (g_str_has_suffix (cep_handin_get_created (handin), "Z"));
  g_assert_true (cep_experiment_equal (cep_handin_get_experiment (handin), expected));
  g_assert_cmpuint (cep_handin_get_curves (handin)->epoch->len, >, 0);
  g_assert_null (cep_handin_get_assignment (handin));
  g_assert_true (g_str_has_suffix (cep_handin_get_checkpoint (handin), CEP_RUN_BEST_CHECKPOINT));
  g_assert_true (g_file_test (cep_handin_get_checkpoint (handin), G_FILE_TEST_IS_REGULAR));
  figure = g_build_filename (cep_handin_get_run_dir (handin), CEP_HANDIN_FIGURE, NULL);
  g_assert_true (g_file_test (figure, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (cep_handin_peek_student (path), ==, "Ann Example");
  /* Freeing removes what was extracted. */
  folder = g_path_get_dirname (cep_handin_get_run_dir (handin));
  g_clear_pointer (&handin, cep_handin_free);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  remove_tree (work);
}

static void
test_refuses_existing (void)
{
  g_autofree char *work = g_dir_make_tmp ("cepstra-handin-XXXXXX", NULL);
  g_autofree char *run = fixture_run ();
  g_autofree char *path = g_build_filename (work, "ann.cepstra-handin", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "precious", -1, NULL));
  g_assert_false (cep_handin_write (run, "Ann", path, FALSE, &error));
  g_assert_error (error, CEP_HANDIN_ERROR, CEP_HANDIN_ERROR_EXISTS);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "precious");
  g_clear_error (&error);
  g_assert_true (cep_handin_write (run, "Ann", path, TRUE, &error));
  g_assert_no_error (error);
  remove_tree (work);
}

static void
test_student_names (void)
{
  g_autofree char *long_name = g_strnfill (CEP_HANDIN_MAX_STUDENT + 1, 'a');
  g_autofree char *longest = g_strnfill (CEP_HANDIN_MAX_STUDENT, 'a');
  const char *good[] = { "Ann", "Zoë Ångström", "李雷", "O'Neil, Pat", longest };
  const char *bad[] = { "", "   ", "a\nb", "tab\there", "\xff\xfe", long_name };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (cep_handin_student_is_valid (good[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (cep_handin_student_is_valid (bad[i]));
  g_assert_false (cep_handin_student_is_valid (NULL));
}

static void
test_rule_broken (void)
{
  g_autofree char *work = g_dir_make_tmp ("cepstra-handin-XXXXXX", NULL);
  g_autofree char *run = copy_fixture (work);
  g_autofree char *path = g_build_filename (work, "ann.cepstra-handin", NULL);
  g_autofree char *experiment_path = g_build_filename (run, CEP_RUN_EXPERIMENT_FILE, NULL);
  g_autoptr(CepExperiment) experiment = cep_experiment_load (experiment_path, NULL, NULL);
  g_autoptr(CepAssignment) assignment = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (experiment);
  assignment = cep_assignment_new ("Lab", experiment);
  g_assert_true (cep_assignment_set_max (assignment, "train.epochs",
                                         experiment->train.epochs, &error));
  g_assert_true (cep_assignment_record_in_run (assignment, run, &error));
  g_assert_no_error (error);
  /* Within the rule: handed in, and the hand-in names the assignment. */
  g_assert_true (cep_handin_write (run, "Ann", path, FALSE, &error));
  g_assert_no_error (error);
  {
    g_autoptr(CepHandin) handin = cep_handin_open (path, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (cep_assignment_get_hash (cep_handin_get_assignment (handin)), ==,
                     cep_assignment_get_hash (assignment));
  }
  /* A bound the run breaks (and the assignment's own experiment keeps): refused, naming it. */
  experiment->train.epochs--;
  g_clear_pointer (&assignment, cep_assignment_unref);
  assignment = cep_assignment_new ("Lab", experiment);
  g_assert_true (cep_assignment_set_max (assignment, "train.epochs", experiment->train.epochs,
                                         &error));
  g_assert_true (cep_assignment_record_in_run (assignment, run, &error));
  g_assert_no_error (error);
  g_assert_false (cep_handin_write (run, "Ann", path, TRUE, &error));
  g_assert_error (error, CEP_HANDIN_ERROR, CEP_HANDIN_ERROR_RULE);
  if (strstr (error->message, "train.epochs") == NULL)
    g_error ("%s", error->message);
  remove_tree (work);
}

typedef struct
{
  gsize calls;
  gsize done;
  gsize total;
} Progress;

static void
count_progress (gsize    done,
                gsize    total,
                gpointer data)
{
  Progress *progress = data;

  g_assert_cmpuint (done, <=, total);
  progress->calls++;
  progress->done = done;
  progress->total = total;
}

static char *
make_class_folder (const char *work)
{
  g_autofree char *run = fixture_run ();
  char *folder = g_build_filename (work, "handins", NULL);
  g_autofree char *ann = g_build_filename (folder, "ann.cepstra-handin", NULL);
  g_autofree char *formula = g_build_filename (folder, "formula.cepstra-handin", NULL);
  g_autofree char *ignored = g_build_filename (folder, "notes.txt", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_true (cep_handin_write (run, "Ann", ann, FALSE, &error));
  g_assert_true (cep_handin_write (run, "=HYPERLINK(\"x\")", formula, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (ignored, "not a hand-in", -1, NULL));
  return folder;
}

static void
test_class_reproduces (void)
{
  g_autofree char *work = g_dir_make_tmp ("cepstra-class-XXXXXX", NULL);
  g_autofree char *folder = make_class_folder (work);
  g_autofree char *csv_path = g_build_filename (work, "class.csv", NULL);
  g_autofree char *csv = NULL;
  g_autoptr(CepClass) class = NULL;
  g_autoptr(GError) error = NULL;
  CepClassOptions options;
  Progress progress = { 0 };

  cep_class_options_init (&options);
  g_assert_cmpfloat (options.tolerance, ==, CEP_CLASS_DEFAULT_TOLERANCE);
  class = cep_class_open (folder, &options, NULL, count_progress, &progress, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cep_class_get_n_rows (class), ==, 2);
  g_assert_cmpuint (cep_class_count_flagged (class), ==, 0);
  g_assert_cmpstr (cep_class_get_partition_name (class), ==, "dev-clean");
  for (guint i = 0; i < 2; i++)
    {
      const CepClassRow *row = cep_class_get_row (class, i);

      g_assert_cmpint (row->flags, ==, CEP_CLASS_FLAG_NONE);
      g_assert_cmpstr (row->metric, ==, "dev_accuracy");
      g_assert_false (isnan (row->measured));
      g_assert_cmpfloat (fabs (row->measured - row->claimed), <=, CEP_CLASS_DEFAULT_TOLERANCE);
      g_assert_cmpstr (row->model, ==, "blocks-fixture");
      g_assert_cmpuint (row->parameters, >, 0);
      g_assert_cmpuint (row->context_past, ==, 3);
      g_assert_nonnull (row->handin);
      g_assert_null (row->reasons[0]);
    }
  /* Sorted by student: "=" before "A". */
  g_assert_cmpstr (cep_class_get_row (class, 1)->student, ==, "Ann");
  g_assert_cmpuint (progress.done, ==, progress.total);
  g_assert_cmpuint (progress.calls, ==, progress.total);

  g_assert_true (cep_class_write_csv (class, csv_path, &error));
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "file,student,assignment,model,parameters,optimizer,"));
  /* The formula is quoted and neutralized; the plain name is written as it is. */
  g_assert_nonnull (strstr (csv, "\nformula.cepstra-handin,\"'=HYPERLINK(\"\"x\"\")\",,"));
  g_assert_nonnull (strstr (csv, "\nann.cepstra-handin,Ann,,blocks-fixture,"));
  remove_tree (work);
}

static void
test_class_cancelled (void)
{
  g_autofree char *work = g_dir_make_tmp ("cepstra-class-XXXXXX", NULL);
  g_autofree char *folder = make_class_folder (work);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CepClassOptions options;

  cep_class_options_init (&options);
  g_cancellable_cancel (cancellable);
  g_assert_null (cep_class_open (folder, &options, cancellable, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  remove_tree (work);
}

/* An assignment that expects another dataset than the teacher opened: nothing re-measured. */
static void
test_class_other_dataset (void)
{
  g_autofree char *work = g_dir_make_tmp ("cepstra-class-XXXXXX", NULL);
  g_autofree char *folder = make_class_folder (work);
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  g_autoptr(CepAssignment) assignment = cep_assignment_new ("Lab", experiment);
  g_autoptr(GError) error = NULL;
  CepClassOptions options;

  cep_assignment_set_dataset (assignment, "hw1p2", "0123456789abcdef");
  cep_class_options_init (&options);
  options.assignment = assignment;
  g_assert_null (cep_class_open (folder, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, CEP_CLASS_ERROR, CEP_CLASS_ERROR_DATASET);
  if (strstr (error->message, "not the dataset the assignment") == NULL)
    g_error ("%s", error->message);
  remove_tree (work);
}

static void
test_class_no_folder (void)
{
  g_autoptr(GError) error = NULL;
  CepClassOptions options;

  cep_class_options_init (&options);
  g_assert_null (cep_class_open ("/nonexistent/handins", &options, NULL, NULL, NULL, &error));
  g_assert_error (error, CEP_CLASS_ERROR, CEP_CLASS_ERROR_NO_FOLDER);
  g_assert_true (g_str_has_prefix (error->message, "/nonexistent/handins: "));
}

static void
test_flag_names (void)
{
  g_assert_cmpstr (cep_class_flag_get_name (CEP_CLASS_FLAG_TAMPERED), ==, "tampered");
  g_assert_cmpstr (cep_class_flag_get_name (CEP_CLASS_FLAG_NOT_MEASURED), ==, "not-measured");
  g_assert_null (cep_class_flag_get_name (CEP_CLASS_FLAG_TAMPERED | CEP_CLASS_FLAG_UNREADABLE));
  g_assert_null (cep_class_flag_get_name (CEP_CLASS_FLAG_NONE));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/classroom/handin/round-trip", test_round_trip);
  g_test_add_func ("/classroom/handin/refuses-existing", test_refuses_existing);
  g_test_add_func ("/classroom/handin/student-names", test_student_names);
  g_test_add_func ("/classroom/handin/rule-broken", test_rule_broken);
  g_test_add_func ("/classroom/class/reproduces", test_class_reproduces);
  g_test_add_func ("/classroom/class/cancelled", test_class_cancelled);
  g_test_add_func ("/classroom/class/other-dataset", test_class_other_dataset);
  g_test_add_func ("/classroom/class/no-folder", test_class_no_folder);
  g_test_add_func ("/classroom/class/flag-names", test_flag_names);
  return g_test_run ();
}
