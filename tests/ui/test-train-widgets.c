/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-train-widgets.c: the Train page's parts, each without the page — the form on a bare
 * session, the history view listing a runs folder, the run controls and live view following a
 * controller through a real run, and the batch-size experiment's queue.
 */
#include "cep-batch-size-queue.h"
#include "cep-curve-view.h"
#include "cep-run-history-view.h"
#include "cep-train-form.h"
#include "cep-train-live-view.h"
#include "cep-train-run-controls.h"
#include "cep-ui-test-util.h"

#include <glib/gstdio.h>

static gpointer
child (gpointer    root,
       const char *name)
{
  GObject *object = cep_ui_test_find_child (GTK_WIDGET (root), name);

  g_assert_nonnull (object);
  return object;
}

/* ---- the form ---- */

static gboolean
backends_described (gpointer data)
{
  const char *subtitle = adw_action_row_get_subtitle (child (data, "backend_row"));

  return subtitle != NULL && g_str_has_prefix (subtitle, "blas:");
}

static guint
backend_named (AdwComboRow *row,
               const char  *name)
{
  GListModel *labels = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (labels); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (labels), i), name))
      return i;
  return G_MAXUINT;
}

/* On a session with no dataset and no page: the rows edit the experiment and follow it, the
 * backend row sets backend and device, and without a session the rows write nothing. */
static void
test_form_alone (void)
{
  g_autoptr (CepSession) session = cep_session_new ();
  CepExperiment *experiment = cep_session_get_experiment (session);
  CepTrainForm *form = CEP_TRAIN_FORM (cep_train_form_new ());
  GtkWindow *window = cep_ui_test_window_new (GTK_WIDGET (form), 400, 600);
  AdwComboRow *backend_row = child (form, "backend_row");

  cep_train_form_set_session (form, session);
  g_assert_true (cep_train_form_get_session (form) == session);
  g_assert_cmpstr (adw_action_row_get_subtitle (child (form, "dataset_row")), ==,
                   "No dataset is open");
  g_assert_nonnull (strstr (cep_train_form_get_model_summary (form), " parameters (limit "));

  gtk_spin_button_set_value (child (form, "lr_spin"), 0.02);
  g_assert_cmpfloat (experiment->train.optimizer.lr, ==, 0.02);
  adw_combo_row_set_selected (child (form, "optimizer_row"), CEP_EXPERIMENT_OPTIMIZER_SGD);
  g_assert_cmpint (experiment->train.optimizer.kind, ==, CEP_EXPERIMENT_OPTIMIZER_SGD);
  g_assert_true (gtk_widget_get_visible (child (form, "momentum_row")));
  experiment->train.epochs = 13;
  experiment->train.optimizer.kind = CEP_EXPERIMENT_OPTIMIZER_ADAM;
  cep_session_experiment_changed (session, CEP_SESSION_CHANGED_TRAIN);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (child (form, "epochs_spin")), ==, 13);
  g_assert_false (gtk_widget_get_visible (child (form, "momentum_row")));
  experiment->model->param_limit = 1000;
  cep_session_experiment_changed (session, CEP_SESSION_CHANGED_MODEL);
  g_assert_nonnull (strstr (cep_train_form_get_model_summary (form), "(limit 1,000)"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (child (form, "model_row")), "error"));

  g_assert_true (cep_ui_test_wait_for (backends_described, form, 60000));
  adw_combo_row_set_selected (backend_row, backend_named (backend_row, "ref"));
  g_assert_cmpstr (experiment->train.backend, ==, "ref");
  g_assert_null (experiment->train.device);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (backend_row)),
                                   "ref:"));

  cep_train_form_set_session (form, NULL);
  gtk_spin_button_set_value (child (form, "epochs_spin"), 3);
  g_assert_cmpuint (experiment->train.epochs, ==, 13);
  gtk_window_destroy (window);
}

/* ---- the history view ---- */

/* The committed fixture run copied into the runs folder as @id, trained on @dataset_root. */
static char *
add_run (const char *id,
         const char *dataset_root)
{
  g_autofree char *runs_root = cep_run_history_get_root ();
  char *dir = g_build_filename (runs_root, id, NULL);
  g_autofree char *fixture = g_build_filename (CEP_FIXTURES_DIR, "blocks", "run", NULL);
  g_autofree char *command = g_strdup_printf ("cp -R '%s' '%s'", fixture, dir);
  g_autofree char *path = g_build_filename (dir, "experiment.json", NULL);
  g_autoptr (CepExperiment) experiment = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  g_assert_cmpint (g_mkdir_with_parents (runs_root, 0700), ==, 0);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  experiment = cep_experiment_load (path, NULL, &error);
  g_assert_no_error (error);
  g_free (experiment->data.root);
  experiment->data.root = g_strdup (dataset_root);
  g_assert_true (cep_experiment_save (experiment, path, &error));
  g_assert_no_error (error);
  return dir;
}

static void
on_loaded (CepRunHistoryView *view,
           gboolean          *loaded)
{
  *loaded = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
list_and_wait (CepRunHistoryView *view,
               const char        *dataset_root)
{
  gboolean loaded = FALSE;
  gulong handler = g_signal_connect (view, "loaded", G_CALLBACK (on_loaded), &loaded);

  cep_run_history_view_list (view, dataset_root);
  g_assert_true (cep_ui_test_wait_for (is_true, &loaded, 20000));
  g_signal_handler_disconnect (view, handler);
}

static void
increment (guint *count)
{
  (*count)++;
}

/* Lists the runs of one dataset from the runs folder, newest first and compared, and follows
 * the selection; another dataset's runs are not listed. */
static void
test_history_lists_runs (void)
{
  g_autofree char *dataset_a = g_dir_make_tmp ("cepstra-dataset-a-XXXXXX", NULL);
  g_autofree char *dataset_b = g_dir_make_tmp ("cepstra-dataset-b-XXXXXX", NULL);
  g_autofree char *old_a = add_run ("20240101-000000-old", dataset_a);
  g_autofree char *new_a = add_run ("20240202-000000-new", dataset_a);
  g_autofree char *other = add_run ("20240303-000000-other", dataset_b);
  CepRunHistoryView *view = CEP_RUN_HISTORY_VIEW (cep_run_history_view_new ());
  GtkWindow *window = cep_ui_test_window_new (GTK_WIDGET (view), 800, 500);
  CepCurveView *compare_view = child (view, "compare_view");
  GtkSingleSelection *selection;
  guint selected_notified = 0;

  list_and_wait (view, dataset_a);
  g_assert_cmpuint (cep_run_history_view_get_n_runs (view), ==, 2);
  g_assert_cmpstr (cep_run_item_get_info (cep_run_history_view_get_run (view, 0))->dir, ==,
                   new_a);
  g_assert_cmpstr (cep_run_item_get_info (cep_run_history_view_get_run (view, 1))->dir, ==,
                   old_a);
  /* The newest is compared: its loss and its dev accuracy, each smoothed over its raw curve
   * (the default smoothing), then raw alone with the smoothing off. */
  g_assert_true (cep_run_item_get_compared (cep_run_history_view_get_run (view, 0)));
  g_assert_false (cep_run_item_get_compared (cep_run_history_view_get_run (view, 1)));
  g_assert_cmpuint (cep_curve_view_get_n_series (compare_view), ==, 4);
  cep_run_comparison_view_set_smoothing (child (view, "comparison"), 0);
  g_assert_cmpuint (cep_curve_view_get_n_series (compare_view), ==, 2);
  g_assert_cmpstr (cep_run_history_view_get_compared_accuracy_label (view), ==,
                   "Dev accuracy (%)");
  cep_run_history_view_compare_run (view, 1, TRUE);
  g_assert_cmpuint (cep_curve_view_get_n_series (compare_view), ==, 4);
  cep_run_history_view_set_axis (view, CEP_RUN_COMPARE_EPOCHS);
  g_assert_cmpstr (cep_curve_view_get_plot (compare_view)->x_label, ==, "Epoch");

  g_signal_connect_swapped (view, "notify::selected-run", G_CALLBACK (increment),
                            &selected_notified);
  selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (child (view, "column_view")));
  gtk_single_selection_set_selected (selection, 1);
  g_assert_cmpuint (selected_notified, >=, 1);
  g_assert_true (cep_run_history_view_get_selected (view) == cep_run_history_view_get_run (view,
                                                                                          1));
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (window), "run-history-view",
                                                 child (view, "column_view"), NULL));

  list_and_wait (view, dataset_b);
  g_assert_cmpuint (cep_run_history_view_get_n_runs (view), ==, 1);
  g_assert_cmpstr (cep_run_item_get_info (cep_run_history_view_get_run (view, 0))->dir, ==,
                   other);
  gtk_window_destroy (window);
}

/* ---- the current run: controls and curves ---- */

static gboolean
is_idle (gpointer data)
{
  return cep_train_controller_get_state (data) == CEP_TRAIN_STATE_IDLE;
}

/* Both follow a bare controller through a real run: "setting up" at once, curves drawn from
 * its events (never more often than frames), and how it ended on the status line. */
static void
test_current_run_follows_controller (void)
{
  g_autoptr (CepSession) session = cep_ui_test_load_demo ();
  g_autoptr (CepTrainController) controller = cep_train_controller_new ();
  CepTrainRunControls *controls;
  CepTrainLiveView *live;
  GtkWidget *box;
  GtkWindow *window;
  CepExperiment *experiment;
  CepDataset *dataset;
  g_autofree char *ended = NULL, *id = NULL;

  if (session == NULL)
    {
      g_test_skip ("no demo dataset (set CEPSTRA_DEMO_DIR)");
      return;
    }
  controls = CEP_TRAIN_RUN_CONTROLS (cep_train_run_controls_new ());
  live = CEP_TRAIN_LIVE_VIEW (cep_train_live_view_new ());
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (controls));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (live));
  gtk_widget_set_vexpand (GTK_WIDGET (live), TRUE);
  window = cep_ui_test_window_new (box, 900, 600);
  g_object_set (controls, "controller", controller, NULL);
  cep_train_live_view_set_controller (live, controller);
  g_assert_cmpstr (cep_train_run_controls_get_status (controls), ==, "Ready");

  experiment = cep_session_get_experiment (session);
  experiment->train.epochs = 2;
  experiment->train.batch_size = 64;
  experiment->data.subset_fraction = 0.02;
  dataset = cep_session_get_dataset (session);
  g_assert_true (cep_train_controller_start (
                   controller, experiment,
                   cep_session_get_partition (session, cep_dataset_get_train_name (dataset)),
                   cep_session_get_partition (session, cep_dataset_get_dev_name (dataset)),
                   NULL, NULL, FALSE));
  g_assert_cmpstr (cep_train_run_controls_get_status (controls), ==, "Setting up the run…");
  g_assert_true (cep_ui_test_wait_for (is_idle, controller, 60000));
  cep_ui_test_run_for (100);
  g_assert_cmpuint (cep_train_live_view_get_n_updates (live), >, 0);
  g_assert_cmpuint (cep_curve_view_get_n_points (child (live, "loss_view"), 0), >=, 5);
  g_assert_cmpuint (cep_curve_view_get_n_series (child (live, "lr_view")), ==, 1);
  id = g_path_get_basename (cep_train_controller_get_run_dir (controller));
  ended = g_strdup_printf ("%s: %s", id, cep_run_status_get_label (CEP_RUN_STATUS_FINISHED));
  g_assert_cmpstr (cep_train_run_controls_get_status (controls), ==, ended);
  g_assert_cmpstr (gtk_button_get_label (child (controls, "pause_button")), ==, "_Pause");
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (child (controls, "progress_bar")), >, 0.5);
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (window), "train-current-run-alone",
                                                 child (live, "loss_view"),
                                                 child (controls, "progress_bar"), NULL));
  gtk_window_destroy (window);
}

/* ---- the batch-size experiment's queue ---- */

static void
test_batch_size_queue (void)
{
  g_autoptr (CepBatchSizeQueue) queue = cep_batch_size_queue_new ();
  g_autoptr (CepExperiment) base = cep_experiment_new ();
  g_autoptr (CepExperiment) first = NULL;
  const char * const *finished;
  const char *names[] = { "sgd", "mini-batch-128", "full-batch" };
  const char *dirs[] = { "/runs/a", "/runs/b", "/runs/c", NULL };

  g_assert_false (cep_batch_size_queue_is_active (queue));
  cep_batch_size_queue_begin (queue, base, 100000);
  g_assert_true (cep_batch_size_queue_is_active (queue));
  g_assert_cmpuint (cep_batch_size_queue_get_n_queued (queue), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (CepExperiment) next = cep_batch_size_queue_pop (queue);

      g_assert_nonnull (next);
      g_assert_cmpstr (next->name, ==, names[i]);
      g_assert_null (cep_batch_size_queue_get_finished (queue));
      cep_batch_size_queue_run_finished (queue, dirs[i]);
    }
  g_assert_null (cep_batch_size_queue_pop (queue));
  finished = cep_batch_size_queue_get_finished (queue);
  g_assert_nonnull (finished);
  g_assert_cmpstrv (finished, dirs);
  /* A fourth run is none of the experiment's. */
  cep_batch_size_queue_run_finished (queue, "/runs/d");
  g_assert_cmpuint (g_strv_length ((char **) cep_batch_size_queue_get_finished (queue)), ==, 3);

  /* Begun again, then ended early: nothing queued, nothing to compare. */
  cep_batch_size_queue_begin (queue, base, 100000);
  first = cep_batch_size_queue_pop (queue);
  cep_batch_size_queue_run_finished (queue, dirs[0]);
  cep_batch_size_queue_clear (queue);
  g_assert_false (cep_batch_size_queue_is_active (queue));
  g_assert_cmpuint (cep_batch_size_queue_get_n_queued (queue), ==, 0);
  g_assert_null (cep_batch_size_queue_get_finished (queue));
  cep_batch_size_queue_run_finished (queue, dirs[1]);
  g_assert_null (cep_batch_size_queue_get_finished (queue));
}

int
main (int   argc,
      char *argv[])
{
  cep_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/train-form/alone", test_form_alone);
  g_test_add_func ("/ui/run-history-view/lists-runs", test_history_lists_runs);
  g_test_add_func ("/ui/train-current-run/follows-controller",
                   test_current_run_follows_controller);
  g_test_add_func ("/ui/batch-size-queue/three-runs", test_batch_size_queue);
  return g_test_run ();
}
