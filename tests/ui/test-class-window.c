/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-class-window.c: the teacher's window on real hand-ins made here through core (the
 * committed fixture run, trained on the demo dataset): an honest one, one whose claimed metric
 * was raised before handing in, and a truncated file. The class is verified with progress,
 * its table shows the flags with their reasons, sorts, filters, overlays the students'
 * curves and groups them, exports CSV and asks the main window to analyze a hand-in;
 * cancelling and a missing folder say so. The Hand In dialog writes a hand-in with the
 * student's name and reports a broken rule.
 */
#include "cep-analyze-page.h"
#include "cep-application.h"
#include "cep-assignment.h"
#include "cep-class-window.h"
#include "cep-curve-view.h"
#include "cep-handin-dialog.h"
#include "cep-handin.h"
#include "cep-run-comparison-view.h"
#include "cep-run.h"
#include "cep-runs-table.h"
#include "cep-ui-test-util.h"
#include "cep-window.h"

#include <glib/gstdio.h>
#include <string.h>

static CepApplication *app;
static char *work;      /* everything the tests write */
static char *handins;   /* the class's folder */

static gpointer
child (gpointer    root,
       const char *name)
{
  GObject *object = cep_ui_test_find_child (GTK_WIDGET (root), name);

  g_assert_nonnull (object);
  return object;
}

static char *
fixture_run (void)
{
  return g_build_filename (CEP_FIXTURES_DIR, "blocks", "run", NULL);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  g_autofree char *folder = g_path_get_dirname (to);
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

/* A copy of the fixture run in @work/@name. */
static char *
copy_run (const char *name)
{
  g_autofree char *from = fixture_run ();
  char *run = g_build_filename (work, name, NULL);
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

/* Bob's metrics claim a dev accuracy his checkpoint does not have. */
static void
raise_claimed_accuracy (const char *run)
{
  g_autofree char *path = g_build_filename (run, CEP_RUN_METRICS_FILE, NULL);
  g_autofree char *text = NULL;
  g_autoptr (GRegex) regex = g_regex_new ("\"dev_accuracy\": [0-9.]+", 0, 0, NULL);
  g_autofree char *raised = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  raised = g_regex_replace_literal (regex, text, -1, 0, "\"dev_accuracy\": 0.91", 0, NULL);
  g_assert_cmpstr (raised, !=, text);
  g_assert_true (g_file_set_contents (path, raised, -1, NULL));
}

static void
make_class (void)
{
  g_autofree char *ann_run = fixture_run ();
  g_autofree char *bob_run = copy_run ("bob-run");
  g_autofree char *ann = g_build_filename (handins, "ann.cepstra-handin", NULL);
  g_autofree char *bob = g_build_filename (handins, "bob.cepstra-handin", NULL);
  g_autofree char *cleo = g_build_filename (handins, "cleo.cepstra-handin", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;

  g_assert_cmpint (g_mkdir_with_parents (handins, 0700), ==, 0);
  g_assert_true (cep_handin_write (ann_run, "Ann", ann, FALSE, &error));
  g_assert_no_error (error);
  raise_claimed_accuracy (bob_run);
  g_assert_true (cep_handin_write (bob_run, "Bob", bob, FALSE, &error));
  g_assert_no_error (error);
  /* Cleo's file was cut short on its way to the teacher. */
  g_assert_true (cep_handin_write (ann_run, "Cleo", cleo, FALSE, &error));
  g_assert_true (g_file_get_contents (cleo, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (cleo, contents, (gssize) (length / 2), NULL));
}

static void
on_loaded (CepClassWindow *window,
           gboolean       *loaded)
{
  *loaded = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static CepClassWindow *
open_class (const char *folder,
            gboolean    cancel)
{
  CepClassWindow *window = cep_class_window_new (NULL, folder, NULL);
  gboolean loaded = FALSE;
  gulong handler = g_signal_connect (window, "loaded", G_CALLBACK (on_loaded), &loaded);

  g_assert_true (cep_class_window_is_loading (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (window, "view_stack")), ==,
                   "loading");
  if (cancel)
    cep_class_window_cancel (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (cep_ui_test_wait_for (is_true, &loaded, 120000));
  g_signal_handler_disconnect (window, handler);
  g_assert_false (cep_class_window_is_loading (window));
  return window;
}

static const char *
shown_label (CepRunsTable *table,
             guint         position)
{
  g_autoptr (CepRunItem) item = g_list_model_get_item (cep_runs_table_get_shown (table),
                                                       position);

  g_assert_nonnull (item);
  return cep_run_item_get_label (item);
}

static void
on_open_run (CepClassWindow *window,
             const char     *run_dir,
             const char     *label,
             char          **opened)
{
  *opened = g_strdup_printf ("%s|%s", label, run_dir);
}

static gboolean
shows_n (gpointer data)
{
  CepRunsTable *table = ((gpointer *) data)[0];

  return g_list_model_get_n_items (cep_runs_table_get_shown (table))
         == GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

static void
search (CepRunsTable *table,
        const char   *text,
        guint         expected)
{
  gpointer data[] = { table, GUINT_TO_POINTER (expected) };

  gtk_editable_set_text (GTK_EDITABLE (child (table, "search_entry")), text);
  g_assert_true (cep_ui_test_wait_for (shows_n, data, 5000));
}

/* The class of three: flags and their reasons, re-measured metrics, sorting, filtering, the
 * students' curves, grouping, CSV and Open in Analyze. */
static void
test_class_table (void)
{
  CepClassWindow *window = open_class (handins, FALSE);
  CepRunsTable *table = child (window, "runs_table");
  CepRunComparisonView *comparison = child (window, "comparison");
  GListModel *rows = cep_class_window_get_handins (window);
  g_autofree char *csv_path = g_build_filename (work, "class.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *ann_flags = NULL;
  g_autofree char *bob_flags = NULL;
  g_autofree char *cleo_flags = NULL;
  g_autofree char *opened = NULL;
  g_autoptr (GError) error = NULL;
  GtkSingleSelection *selection;
  cairo_surface_t *image;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (window, "view_stack")), ==,
                   "class");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 3);
  g_assert_nonnull (strstr (gtk_label_get_label (child (window, "summary_label")),
                            "2 flagged"));
  /* Sorted by student; each flagged with its reason, the honest one not at all. */
  g_assert_cmpstr (shown_label (table, 0), ==, "Ann");
  g_assert_cmpstr (shown_label (table, 1), ==, "Bob");
  ann_flags = cep_class_window_describe_flags (window, 0);
  bob_flags = cep_class_window_describe_flags (window, 1);
  cleo_flags = cep_class_window_describe_flags (window, 2);
  g_assert_cmpstr (ann_flags, ==, "");
  g_assert_nonnull (strstr (bob_flags, "metric does not reproduce"));
  g_assert_nonnull (strstr (cleo_flags, "unreadable"));
  selection = GTK_SINGLE_SELECTION (cep_runs_table_get_shown (table));
  gtk_single_selection_set_selected (selection, 1);
  g_assert_nonnull (strstr (gtk_label_get_label (child (window, "detail_label")), "Bob: "));
  g_assert_cmpstr (gtk_label_get_label (child (window, "detail_label")), !=, "Bob: ");

  /* Flagged first, and filtered by a word of any cell. */
  g_assert_true (cep_runs_table_sort_by (table, "Flags", GTK_SORT_DESCENDING));
  g_assert_cmpstr (shown_label (table, 2), ==, "Ann");
  search (table, "unreadable", 1);
  search (table, "", 3);

  /* The readable hand-ins are drawn (smoothed over raw: 4 series each), then grouped. */
  cep_run_comparison_view_set_smoothing (comparison, 0.6);
  g_assert_cmpuint (cep_curve_view_get_n_series (child (window, "compare_view")), ==, 8);
  g_assert_true (cep_run_comparison_view_set_group_by (comparison, "train.optimizer"));
  g_assert_cmpuint (cep_run_comparison_view_get_n_groups (comparison), ==, 1);
  cep_ui_test_run_for (200);
  image = cep_ui_test_screenshot (GTK_WIDGET (window), "class-window",
                                  child (window, "column_view"), child (window, "compare_view"),
                                  child (window, "detail_label"), NULL);
  cairo_surface_destroy (image);
  g_assert_true (cep_run_comparison_view_set_group_by (comparison, NULL));

  /* Grading: core's CSV. */
  g_assert_true (cep_class_window_write_csv (window, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_true (g_str_has_prefix (csv, "file,student,"));
  g_assert_nonnull (strstr (csv, "\nbob.cepstra-handin,Bob,"));

  /* Open in Analyze: the selected hand-in's run, with the student's name; not for the
   * unreadable one. */
  g_signal_connect (window, "open-run", G_CALLBACK (on_open_run), &opened);
  for (guint i = 0; i < 3; i++)
    if (g_str_equal (shown_label (table, i), "Bob"))
      gtk_single_selection_set_selected (selection, i);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "class.open-in-analyze",
                                             NULL));
  g_assert_nonnull (opened);
  g_assert_true (g_str_has_prefix (opened, "Bob|"));
  {
    g_autofree char *experiment = g_build_filename (strchr (opened, '|') + 1,
                                                    CEP_RUN_EXPERIMENT_FILE, NULL);

    g_assert_true (g_file_test (experiment, G_FILE_TEST_IS_REGULAR));
  }
  for (guint i = 0; i < 3; i++)
    if (g_str_equal (shown_label (table, i), "cleo.cepstra-handin")
        || g_str_equal (shown_label (table, i), "Cleo"))
      gtk_single_selection_set_selected (selection, i);
  g_clear_pointer (&opened, g_free);
  gtk_widget_activate_action (GTK_WIDGET (window), "class.open-in-analyze", NULL);
  g_assert_null (opened);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Cancelled at once, or a folder that is not there: the window says which. */
static void
test_cancel_and_missing (void)
{
  CepClassWindow *window = open_class (handins, TRUE);
  g_autofree char *missing = g_build_filename (work, "no-such-folder", NULL);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (child (window, "view_stack")), ==,
                   "error");
  g_assert_cmpstr (adw_status_page_get_title (child (window, "error_page")), ==,
                   "Verification Cancelled");
  gtk_window_destroy (GTK_WINDOW (window));

  window = open_class (missing, FALSE);
  g_assert_cmpstr (adw_status_page_get_title (child (window, "error_page")), ==,
                   "Could Not Open the Hand-ins");
  g_assert_nonnull (strstr (adw_status_page_get_description (child (window, "error_page")),
                            missing));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
dataset_loaded (gpointer data)
{
  CepSession *session = cep_window_get_session (data);

  return cep_session_get_dataset (session) != NULL && !cep_session_get_loading (session);
}

static gboolean
class_loaded (gpointer data)
{
  return !cep_class_window_is_loading (data);
}

/* From the main window's menu action to its Analyze page: the class is re-measured on the
 * window's dataset, and Open in Analyze selects the hand-in's run there. */
static void
test_from_main_window (void)
{
  CepWindow *window = cep_window_new (GTK_APPLICATION (app));
  CepClassWindow *class_window;
  CepAnalyzePage *analyze;
  GtkSingleSelection *selection;
  const char *bob_dir = NULL;

  gtk_window_present (GTK_WINDOW (window));
  cep_window_open_default (window);
  g_assert_true (cep_ui_test_wait_for (dataset_loaded, window, 60000));
  class_window = cep_window_open_handins (window, handins);
  g_assert_true (cep_ui_test_wait_for (class_loaded, class_window, 120000));
  selection = GTK_SINGLE_SELECTION (cep_runs_table_get_shown (child (class_window,
                                                                     "runs_table")));
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (CepRunItem) item = g_list_model_get_item (G_LIST_MODEL (selection), i);

      if (g_str_equal (cep_run_item_get_label (item), "Bob"))
        {
          gtk_single_selection_set_selected (selection, i);
          bob_dir = cep_run_item_get_info (item)->dir;
        }
    }
  g_assert_nonnull (bob_dir);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (class_window),
                                             "class.open-in-analyze", NULL));
  g_assert_cmpstr (cep_window_get_visible_page (window), ==, "analyze");
  analyze = CEP_ANALYZE_PAGE (cep_window_get_page (window, "analyze"));
  g_assert_cmpstr (cep_analyze_page_get_selected_run (analyze), ==, bob_dir);
  gtk_window_destroy (GTK_WINDOW (class_window));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- Hand In ---- */

typedef struct
{
  gboolean done;
  char    *path;
  GError  *error;
} HandedIn;

static void
on_handed_in (GtkWidget    *owner,
              const char   *path,
              const GError *error,
              gpointer      user_data)
{
  HandedIn *result = user_data;

  result->done = TRUE;
  result->path = g_strdup (path);
  result->error = error != NULL ? g_error_copy (error) : NULL;
}

static GtkWidget *
find_of_type (GtkWidget *widget,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_of_type (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Types @student into the dialog for @run and hands in (when the name is accepted). */
static void
hand_in (GtkWindow  *owner,
         const char *run,
         const char *student,
         HandedIn   *result)
{
  AdwMessageDialog *dialog = cep_handin_dialog_present (GTK_WIDGET (owner), run, work,
                                                        on_handed_in, result);
  GtkWidget *name = find_of_type (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW);

  g_assert_nonnull (name);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "hand-in"));
  gtk_editable_set_text (GTK_EDITABLE (name), student);
  if (!adw_message_dialog_get_response_enabled (dialog, "hand-in"))
    {
      adw_message_dialog_response (dialog, "cancel");
      return;
    }
  adw_message_dialog_response (dialog, "hand-in");
  g_assert_true (cep_ui_test_wait_for (is_true, &result->done, 30000));
}

static void
test_hand_in (void)
{
  g_autofree char *run = copy_run ("dora-run");
  g_autofree char *experiment_path = g_build_filename (run, CEP_RUN_EXPERIMENT_FILE, NULL);
  GtkWidget *label = gtk_label_new ("owner");
  GtkWindow *window = cep_ui_test_window_new (label, 400, 300);
  HandedIn result = { 0 }, blank = { 0 }, refused = { 0 };
  g_autoptr (CepHandin) handin = NULL;
  g_autoptr (CepExperiment) experiment = NULL;
  g_autoptr (CepAssignment) assignment = NULL;
  g_autoptr (GError) error = NULL;

  /* A name of spaces is not one. */
  hand_in (window, run, "   ", &blank);
  g_assert_false (blank.done);

  hand_in (window, run, "Dora", &result);
  g_assert_no_error (result.error);
  g_assert_true (g_str_has_suffix (result.path, "dora-run.cepstra-handin"));
  handin = cep_handin_open (result.path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_handin_get_student (handin), ==, "Dora");

  /* Under an assignment whose bound the run breaks: refused, naming the rule. */
  experiment = cep_experiment_load (experiment_path, NULL, &error);
  g_assert_no_error (error);
  experiment->train.epochs--;
  assignment = cep_assignment_new ("Lab", experiment);
  g_assert_true (cep_assignment_set_max (assignment, "train.epochs", experiment->train.epochs,
                                         &error));
  g_assert_true (cep_assignment_record_in_run (assignment, run, &error));
  g_assert_no_error (error);
  g_assert_true (g_remove (result.path) == 0);
  hand_in (window, run, "Dora", &refused);
  g_assert_null (refused.path);
  g_assert_error (refused.error, CEP_HANDIN_ERROR, CEP_HANDIN_ERROR_RULE);
  g_assert_nonnull (strstr (refused.error->message, "train.epochs"));
  g_assert_false (g_file_test (result.path, G_FILE_TEST_EXISTS));

  g_free (result.path);
  g_clear_error (&result.error);
  g_clear_error (&refused.error);
  gtk_window_destroy (window);
}

int
main (int    argc,
      char **argv)
{
  int status;

  cep_ui_test_init (&argc, &argv);
  app = cep_application_new ();
  /* Registering runs startup, as the program does. */
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_hold (G_APPLICATION (app));
  work = g_dir_make_tmp ("cepstra-class-window-XXXXXX", NULL);
  handins = g_build_filename (work, "handins", NULL);
  make_class ();
  g_test_add_func ("/ui/class-window/table", test_class_table);
  g_test_add_func ("/ui/class-window/cancel-and-missing", test_cancel_and_missing);
  g_test_add_func ("/ui/class-window/hand-in", test_hand_in);
  g_test_add_func ("/ui/class-window/from-main-window", test_from_main_window);
  status = g_test_run ();
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  g_free (handins);
  g_free (work);
  return status;
}
