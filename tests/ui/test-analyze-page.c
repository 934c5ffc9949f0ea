/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-analyze-page.c: the Analyze page on a run trained for the test — evaluation (accuracy,
 * loss and the confusion matrix agree with core), predictions under the spectrogram, the
 * dependency matrix of an utterance, and submission.csv of the unlabelled partition.
 */
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "cep-analyze-page.h"
#include "cep-curve-view.h"
#include "cep-format.h"
#include "cep-heatmap-view.h"
#include "cep-spectrogram-view.h"
#include "cep-submission.h"
#include "cep-train-controller.h"
#include "cep-ui-test-util.h"

static CepSession *session;
static char *run_dir;

static gboolean
controller_idle (gpointer data)
{
  return cep_train_controller_get_state (data) == CEP_TRAIN_STATE_IDLE;
}

/* One short epoch of tiny on the demo dataset, through the same controller the Train page
 * uses, so the page has a run with checkpoints to analyse. */
static void
train_a_run (void)
{
  g_autoptr (CepTrainController) controller = cep_train_controller_new ();
  g_autoptr (CepExperiment) experiment = cep_experiment_copy (cep_session_get_experiment (session));
  CepDataset *dataset = cep_session_get_dataset (session);

  experiment->train.epochs = 1;
  experiment->train.batch_size = 256;
  experiment->data.subset_fraction = 0.05;
  g_assert_true (cep_train_controller_start (controller, experiment,
                                             cep_session_get_partition (
                                               session, cep_dataset_get_train_name (dataset)),
                                             cep_session_get_partition (
                                               session, cep_dataset_get_dev_name (dataset)),
                                             NULL, NULL, FALSE));
  g_assert_true (cep_ui_test_wait_for (controller_idle, controller, 120000));
  run_dir = g_strdup (cep_train_controller_get_run_dir (controller));
}

typedef struct
{
  CepAnalyzePage *page;
  GtkWindow      *window;
  gboolean        done;
} Fixture;

static void
on_done (CepAnalyzePage *page,
         Fixture        *fixture)
{
  fixture->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((Fixture *) data)->done;
}

static void
wait_for (Fixture *fixture,
          gulong   handler)
{
  g_assert_true (cep_ui_test_wait_for (is_done, fixture, 120000));
  g_signal_handler_disconnect (fixture->page, handler);
  fixture->done = FALSE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  gulong handler;

  if (session == NULL)
    {
      g_test_skip ("no demo dataset (set CEPSTRA_DEMO_DIR)");
      return;
    }
  fixture->page = g_object_new (CEP_TYPE_ANALYZE_PAGE, NULL);
  handler = g_signal_connect (fixture->page, "runs-loaded", G_CALLBACK (on_done), fixture);
  cep_analyze_page_set_session (fixture->page, session);
  fixture->window = cep_ui_test_window_new (GTK_WIDGET (fixture->page), 1024, 650);
  wait_for (fixture, handler);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (fixture->window);
}

static gpointer
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fixture->page),
                                                   CEP_TYPE_ANALYZE_PAGE, name);

  g_assert_nonnull (object);
  return object;
}

static void
evaluate (Fixture    *fixture,
          const char *partition)
{
  gulong handler = g_signal_connect (fixture->page, "job-done", G_CALLBACK (on_done), fixture);

  g_assert_true (cep_analyze_page_select_partition (fixture->page, partition));
  /* A disabled action would be activated silently: the button must be usable. */
  g_assert_true (gtk_widget_get_sensitive (child (fixture, "evaluate_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "analyze.evaluate",
                                             NULL));
  g_assert_true (cep_analyze_page_is_busy (fixture->page));
  wait_for (fixture, handler);
  g_assert_nonnull (cep_analyze_page_get_predictions (fixture->page));
}

/* Presses @keyval on a widget's key controller, as the focused widget would receive it. */
static gboolean
press_key (GtkWidget *widget,
           guint      keyval)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0u, (GdkModifierType) 0,
                               &handled);
    }
  return handled;
}

static void
test_evaluate_dev (Fixture       *fixture,
                   gconstpointer  data)
{
  CepPartition *partition;
  const guint8 *predictions, *labels;
  guint64 correct = 0;
  CepHeatmapView *confusion;
  float diagonal = 0;

  if (fixture->page == NULL)
    return;
  g_assert_cmpuint (cep_analyze_page_get_n_runs (fixture->page), >=, 1);
  evaluate (fixture, "dev-clean");
  partition = cep_analyze_page_get_partition (fixture->page);
  predictions = cep_analyze_page_get_predictions (fixture->page);
  labels = cep_partition_get_labels (partition);
  for (gsize i = 0; i < cep_partition_get_n_frames (partition); i++)
    correct += predictions[i] == labels[i];
  /* The shown accuracy is the predictions' (evaluate and predict agree). */
  g_assert_cmpfloat_with_epsilon (cep_analyze_page_get_accuracy (fixture->page),
                                  (double) correct / cep_partition_get_n_frames (partition),
                                  1e-9);
  g_assert_cmpfloat (cep_analyze_page_get_accuracy (fixture->page), >, 0.2);
  /* The confusion heatmap: its diagonal holds the correct frames. */
  confusion = child (fixture, "confusion_view");
  g_assert_true (cep_heatmap_view_has_figure (confusion));
  for (guint i = 0; i < cep_heatmap_view_get_heatmap (confusion)->n_rows; i++)
    diagonal += cep_heatmap_view_get_value (confusion, i, i);
  g_assert_cmpfloat (diagonal, ==, (float) correct);
  g_assert_nonnull (gtk_widget_get_first_child (GTK_WIDGET (child (fixture, "class_list"))));
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "analyze-page-confusion", GTK_WIDGET (confusion),
                                                 child (fixture, "class_list"), NULL));
  /* Every class is named on both axes at this size, not every fifth. */
  {
    CepHeatmapLayout layout;

    g_assert_true (cep_heatmap_view_get_layout (confusion, &layout));
    g_assert_cmpuint (layout.row_every, ==, 1);
    g_assert_cmpuint (layout.column_every, ==, 1);
  }
  /* The keyboard reaches the cells: the first arrow outlines the top-left one, the next moves
   * right, and the read-out beside the cell names both classes. */
  {
    guint row, column;
    g_autofree char *expected = NULL;

    g_assert_true (press_key (GTK_WIDGET (confusion), GDK_KEY_Down));
    g_assert_true (press_key (GTK_WIDGET (confusion), GDK_KEY_Right));
    cep_heatmap_view_get_hover (confusion, &row, &column);
    g_assert_cmpuint (row, ==, 0);
    g_assert_cmpuint (column, ==, 1);
    expected = g_strdup_printf ("True %s, predicted %s",
                                cep_heatmap_view_get_row_label (confusion, 0),
                                cep_heatmap_view_get_column_label (confusion, 1));
    g_assert_nonnull (strstr (cep_heatmap_view_get_readout (confusion), expected));
    cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                   "analyze-page-confusion-readout",
                                                   GTK_WIDGET (confusion), NULL));
    g_assert_true (press_key (GTK_WIDGET (confusion), GDK_KEY_Escape));
    g_assert_null (cep_heatmap_view_get_readout (confusion));
  }

  /* Row-normalized: every row of a class with frames sums to 100 %. */
  gtk_switch_set_active (child (fixture, "normalize_switch"), TRUE);
  {
    const CepHeatmap *heatmap = cep_heatmap_view_get_heatmap (confusion);
    double sum = 0;

    for (guint j = 0; j < heatmap->n_columns; j++)
      sum += cep_heatmap_view_get_value (confusion, 0, j);
    g_assert_cmpfloat_with_epsilon (sum, 100.0, 1e-3);
  }

  /* Predictions: a second track under the spectrogram, one class per frame. */
  gtk_stack_set_visible_child_name (child (fixture, "view_stack"), "predictions");
  gtk_drop_down_set_selected (child (fixture, "utterance_dropdown"), 2);
  {
    CepSpectrogramView *view = child (fixture, "prediction_view");
    gsize start = cep_partition_get_utterance_start (partition, 2);

    g_assert_cmpuint (cep_spectrogram_view_get_n_frames (view), ==,
                      cep_partition_get_utterance_length (partition, 2));
    g_assert_cmpint (cep_spectrogram_view_get_predicted (view, 7), ==, predictions[start + 7]);
    g_assert_cmpint (cep_spectrogram_view_get_label (view, 7), ==, labels[start + 7]);
  }
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "analyze-page-predictions",
                                                 child (fixture, "prediction_view"), NULL));
}

static void
test_dependencies (Fixture       *fixture,
                   gconstpointer  data)
{
  CepHeatmapView *view;
  gulong handler;

  if (fixture->page == NULL)
    return;
  evaluate (fixture, "dev-clean");
  gtk_stack_set_visible_child_name (child (fixture, "view_stack"), "dependencies");
  gtk_spin_button_set_value (child (fixture, "frames_spin"), 80);
  handler = g_signal_connect (fixture->page, "job-done", G_CALLBACK (on_done), fixture);
  g_assert_true (gtk_widget_get_sensitive (child (fixture, "compute_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page),
                                             "analyze.dependencies", NULL));
  g_assert_true (cep_analyze_page_is_busy (fixture->page));
  wait_for (fixture, handler);
  view = child (fixture, "dependency_view");
  g_assert_true (cep_heatmap_view_has_figure (view));
  g_assert_cmpuint (cep_heatmap_view_get_heatmap (view)->n_rows, ==, 80);
  /* Tiny has K = 30 and the dataset's windows do not leak: exactly the band. */
  g_assert_nonnull (strstr (gtk_label_get_label (child (fixture, "dependency_label")),
                            "Exactly the ±30 band"));
  g_assert_cmpfloat (cep_heatmap_view_get_value (view, 40, 40), ==, 1.0f);
  g_assert_cmpfloat (cep_heatmap_view_get_value (view, 0, 79), ==, 0.0f);
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "analyze-page-dependencies", GTK_WIDGET (view),
                                                 child (fixture, "dependency_label"), NULL));
  g_assert_true (press_key (GTK_WIDGET (view), GDK_KEY_Down));
  g_assert_nonnull (strstr (cep_heatmap_view_get_readout (view), "depends on input frame"));
  /* Another mode: the boolean matrix does not stay under the sensitivity choice. */
  gtk_drop_down_set_selected (child (fixture, "mode_dropdown"), CEP_DEPENDENCY_MODE_SENSITIVITY);
  g_assert_false (cep_heatmap_view_has_figure (view));
}

/* The streaming what-if: nothing to stream before an evaluation; after one, a line per chunk
 * size over the four look-aheads, the offline accuracy dashed, the receptive field of tiny
 * (±30) as declared and as its dependency matrix measures it, and the look-aheads shorter
 * than its reach flagged. */
static void
test_streaming (Fixture       *fixture,
                gconstpointer  data)
{
  CepCurveView *view;
  gulong handler;

  if (fixture->page == NULL)
    return;
  g_assert_false (gtk_widget_get_sensitive (child (fixture, "streaming_button")));
  evaluate (fixture, "dev-clean");
  gtk_stack_set_visible_child_name (child (fixture, "view_stack"), "streaming");
  g_assert_true (gtk_widget_get_sensitive (child (fixture, "streaming_button")));
  handler = g_signal_connect (fixture->page, "job-done", G_CALLBACK (on_done), fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "analyze.streaming",
                                             NULL));
  g_assert_true (cep_analyze_page_is_busy (fixture->page));
  wait_for (fixture, handler);
  view = child (fixture, "streaming_view");
  g_assert_cmpuint (cep_curve_view_get_n_series (view), ==, 5);
  for (guint s = 0; s < 4; s++)
    g_assert_cmpuint (cep_curve_view_get_n_points (view, s), ==, 4);
  g_assert_nonnull (strstr (gtk_label_get_label (child (fixture, "streaming_label")),
                            "Receptive field: 30 past + 30 future frames (dependency matrix: "
                            "30 + 30)"));
  /* Tiny reads 30 future frames: every look-ahead tried is shorter, and flagged. */
  g_assert_nonnull (strstr (gtk_label_get_label (child (fixture, "streaming_label")),
                            "It reads 30 future frames, more than look-aheads of 0, 2, 5, 10 "
                            "frames give it."));
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "analyze-page-streaming", GTK_WIDGET (view),
                                                 child (fixture, "streaming_label"), NULL));
}

/* The bug: Export Submission wrote whichever partition was evaluated last (dev-clean's labelled
 * rows as submission.csv). Now it predicts the unlabelled test partition whatever is shown,
 * and says which partition and how many rows it wrote. */
static void
test_submission (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *dir = NULL, *path = NULL, *text = NULL, *rows = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  CepPartition *partition;
  GPtrArray *reports;
  const char *report;
  gulong handler;

  if (fixture->page == NULL)
    return;
  reports = cep_ui_test_capture_reports (GTK_WIDGET (fixture->window));
  g_assert_cmpstr (cep_analyze_page_get_submission_partition (fixture->page), ==, "test-clean");
  evaluate (fixture, "dev-clean");
  dir = g_dir_make_tmp ("cepstra-submission-XXXXXX", NULL);
  path = g_build_filename (dir, "submission.csv", NULL);
  /* Dev predictions on screen are no submission. */
  g_assert_false (cep_analyze_page_write_submission (fixture->page, path, &error));
  g_assert_error (error, CEP_SUBMISSION_ERROR, CEP_SUBMISSION_ERROR_INVALID);
  handler = g_signal_connect (fixture->page, "job-done", G_CALLBACK (on_done), fixture);
  g_assert_true (gtk_widget_is_sensitive (child (fixture, "export_button")));
  g_assert_true (cep_analyze_page_export_submission (fixture->page, path));
  wait_for (fixture, handler);
  partition = cep_analyze_page_get_partition (fixture->page);
  g_assert_cmpstr (cep_partition_get_name (partition), ==, "test-clean");
  g_assert_false (cep_partition_is_labelled (partition));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "id,label");
  /* A header, one row per test frame, and the final newline's empty piece. */
  g_assert_cmpuint (g_strv_length (lines), ==, cep_partition_get_n_frames (partition) + 2);
  g_assert_true (g_str_has_prefix (lines[1], "0,"));
  g_assert_cmpuint (reports->len, ==, 1);
  report = g_ptr_array_index (reports, 0);
  rows = cep_format_count (cep_partition_get_n_frames (partition));
  g_assert_nonnull (strstr (report, rows));
  g_assert_nonnull (strstr (report, "test-clean"));
  g_assert_nonnull (strstr (report, path));
  g_test_message ("%s", report);
  /* A FIFO at the chosen path is refused, named in the error, and left as it was (the writer
   * used to rename over it). */
  {
    g_autofree char *fifo = g_build_filename (dir, "pipe.csv", NULL);

    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    g_assert_true (cep_analyze_page_export_submission (fixture->page, fifo));
    g_assert_cmpuint (reports->len, ==, 2);
    report = g_ptr_array_index (reports, 1);
    g_assert_nonnull (strstr (report, fifo));
    g_assert_nonnull (strstr (report, "is a FIFO (named pipe), not a regular file"));
    g_assert_true (g_file_test (fifo, G_FILE_TEST_EXISTS));
    g_unlink (fifo);
  }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  cep_ui_test_init (&argc, &argv);
  session = cep_ui_test_load_demo ();
  if (session != NULL)
    train_a_run ();

  g_test_add ("/ui/analyze/evaluate-dev", Fixture, NULL, fixture_set_up, test_evaluate_dev,
              fixture_tear_down);
  g_test_add ("/ui/analyze/streaming", Fixture, NULL, fixture_set_up, test_streaming,
              fixture_tear_down);
  g_test_add ("/ui/analyze/dependencies", Fixture, NULL, fixture_set_up, test_dependencies,
              fixture_tear_down);
  g_test_add ("/ui/analyze/submission", Fixture, NULL, fixture_set_up, test_submission,
              fixture_tear_down);
  status = g_test_run ();
  g_clear_object (&session);
  g_free (run_dir);
  return status;
}
