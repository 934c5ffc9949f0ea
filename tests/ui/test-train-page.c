/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-train-page.c: the Train page on the demo dataset — the form edits the experiment, a
 * short real run updates the progress and the plots (at most once per frame), pause holds
 * it, stop ends it, the history lists it, resume finishes it, runs are compared, and the
 * batch-size experiment queues its three runs.
 */
#include "cep-curve-view.h"
#include "cep-model-presets.h"
#include "cep-run-item.h"
#include "cep-run-lock.h"
#include "cep-train-page.h"
#include "cep-train-settings.h"
#include "cep-ui-test-util.h"

#include <glib/gstdio.h>

typedef struct
{
  CepSession   *session;
  CepTrainPage *page;
  GtkWindow    *window;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  CepExperiment *experiment;

  fixture->session = cep_ui_test_load_demo ();
  if (fixture->session == NULL)
    {
      g_test_skip ("no demo dataset (set CEPSTRA_DEMO_DIR)");
      return;
    }
  /* A short run: 2 % of the frames, 4 epochs, small batches so there are many steps. */
  experiment = cep_session_get_experiment (fixture->session);
  experiment->train.epochs = 4;
  experiment->train.batch_size = 64;
  experiment->data.subset_fraction = 0.02;
  fixture->page = g_object_new (CEP_TYPE_TRAIN_PAGE, NULL);
  cep_train_page_set_session (fixture->page, fixture->session);
  fixture->window = cep_ui_test_window_new (GTK_WIDGET (fixture->page), 1024, 650);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->session);
}

static gpointer
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = cep_ui_test_find_child (GTK_WIDGET (fixture->page), name);

  g_assert_nonnull (object);
  return object;
}

static CepTrainController *
controller (Fixture *fixture)
{
  return cep_train_page_get_controller (fixture->page);
}

static gboolean
has_epoch (gpointer data)
{
  Fixture *fixture = data;

  return cep_train_controller_get_curves (controller (fixture))->epoch_step->len >= 1
         && cep_curve_view_get_n_points (child (fixture, "loss_view"), 0) >= 5;
}

static gboolean
is_idle (gpointer data)
{
  return cep_train_controller_get_state (controller (data)) == CEP_TRAIN_STATE_IDLE;
}

static gboolean
history_loaded (gpointer data)
{
  gboolean *loaded = data;

  return *loaded;
}

static void
on_history_loaded (CepTrainPage *page,
                   gboolean     *loaded)
{
  *loaded = TRUE;
}

/* Runs the page's history refresh (started by a finished run) to its end. */
static void
wait_for_history (Fixture *fixture)
{
  gboolean loaded = FALSE;
  gulong handler = g_signal_connect (fixture->page, "history-loaded",
                                     G_CALLBACK (on_history_loaded), &loaded);

  cep_train_page_refresh_history (fixture->page);
  g_assert_true (cep_ui_test_wait_for (history_loaded, &loaded, 20000));
  g_signal_handler_disconnect (fixture->page, handler);
}

static CepRunItem *
history_item (Fixture *fixture,
              guint    index)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (child (fixture, "column_view")));
  CepRunItem *item = g_list_model_get_item (model, index);

  g_object_unref (item);   /* the list keeps it */
  return item;
}

static void
increment (guint *count)
{
  (*count)++;
}

static void
test_form (Fixture       *fixture,
           gconstpointer  data)
{
  CepExperiment *experiment;

  if (fixture->page == NULL)
    return;
  experiment = cep_session_get_experiment (fixture->session);
  gtk_spin_button_set_value (child (fixture, "lr_spin"), 0.01);
  g_assert_cmpfloat_with_epsilon (experiment->train.optimizer.lr, 0.01, 1e-12);
  g_assert_false (gtk_widget_get_visible (child (fixture, "momentum_row")));
  adw_combo_row_set_selected (child (fixture, "optimizer_row"), CEP_EXPERIMENT_OPTIMIZER_SGD);
  g_assert_cmpint (experiment->train.optimizer.kind, ==, CEP_EXPERIMENT_OPTIMIZER_SGD);
  g_assert_true (gtk_widget_get_visible (child (fixture, "momentum_row")));
  adw_combo_row_set_selected (child (fixture, "schedule_row"), CEP_EXPERIMENT_SCHEDULE_STEP);
  g_assert_true (gtk_widget_get_visible (child (fixture, "gamma_row")));
  gtk_spin_button_set_value (child (fixture, "gamma_spin"), 0.5);
  g_assert_cmpfloat_with_epsilon (experiment->train.schedule.gamma, 0.5, 1e-12);
  gtk_spin_button_set_value (child (fixture, "subset_spin"), 50);
  g_assert_cmpfloat_with_epsilon (experiment->data.subset_fraction, 0.5, 1e-12);
  /* The augmentation switch is the Data page's too: one experiment. */
  gtk_switch_set_active (child (fixture, "augment_switch"), TRUE);
  g_assert_true (experiment->augment.enabled);
  g_assert_true (cep_experiment_validate (experiment, NULL));

  /* The other way: a change made elsewhere reaches the bound rows, and the row shown for
   * SGD only follows the optimizer setting, not the widget. */
  experiment->train.epochs = 11;
  experiment->train.optimizer.kind = CEP_EXPERIMENT_OPTIMIZER_ADAM;
  experiment->seed = 1234567;
  cep_session_experiment_changed (fixture->session, CEP_SESSION_CHANGED_TRAIN);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (child (fixture, "epochs_spin")), ==, 11);
  g_assert_cmpuint (adw_combo_row_get_selected (child (fixture, "optimizer_row")), ==,
                    CEP_EXPERIMENT_OPTIMIZER_ADAM);
  g_assert_cmpfloat (gtk_spin_button_get_value (child (fixture, "seed_spin")), ==, 1234567);
  g_assert_false (gtk_widget_get_visible (child (fixture, "momentum_row")));
}

/* CepTrainSettings alone: a property per setting over the session's experiment, notified
 * whoever changes it. */
static void
test_settings_object (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr (CepTrainSettings) settings = NULL;
  CepExperiment *experiment;
  guint notified = 0;
  double lr = 0;

  if (fixture->page == NULL)
    return;
  settings = cep_train_settings_new (fixture->session);
  experiment = cep_session_get_experiment (fixture->session);
  g_signal_connect_swapped (settings, "notify::lr", G_CALLBACK (increment), &notified);
  g_object_set (settings, "lr", 0.02, "momentum", 0.0, NULL);
  g_assert_cmpfloat (experiment->train.optimizer.lr, ==, 0.02);
  g_assert_cmpuint (notified, >=, 1);
  /* The page's row is bound to the same experiment. */
  g_assert_cmpfloat (gtk_spin_button_get_value (child (fixture, "lr_spin")), ==, 0.02);
  notified = 0;
  experiment->train.optimizer.lr = 0.003;
  cep_session_experiment_changed (fixture->session, CEP_SESSION_CHANGED_TRAIN);
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (settings, "lr", &lr, NULL);
  g_assert_cmpfloat (lr, ==, 0.003);
  g_object_set (settings, "subset-percent", 25.0, NULL);
  g_assert_cmpfloat (experiment->data.subset_fraction, ==, 0.25);
}

/* Once the worker has opened every backend, the row's subtitle is the chosen one's whole
 * description ("blas: 2 threads, …"), not the bare name shown until then. */
static gboolean
backends_described (gpointer data)
{
  Fixture *fixture = data;
  const char *subtitle = adw_action_row_get_subtitle (child (fixture, "backend_row"));

  return subtitle != NULL && g_str_has_prefix (subtitle, "blas:");
}

static GtkWidget *
find_popover (GtkWidget *widget)
{
  if (GTK_IS_POPOVER (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_popover (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint
row_naming (GListModel *labels,
            const char *text)
{
  for (guint i = 0; i < g_list_model_get_n_items (labels); i++)
    if (strstr (gtk_string_list_get_string (GTK_STRING_LIST (labels), i), text) != NULL)
      return i;
  return G_MAXUINT;
}

/* The backend row offers every backend that opens here, a device backend once per device and
 * labelled with its name; choosing one sets the experiment's backend and device, and an
 * experiment that names its device by name (as a finished run records it) selects that row. */
static void
test_backend_devices (Fixture       *fixture,
                      gconstpointer  data)
{
  CepExperiment *experiment;
  AdwComboRow *row;
  GListModel *labels;
  g_auto (GStrv) names = NULL;
  g_auto (GStrv) devices = NULL;

  if (fixture->page == NULL)
    return;
  experiment = cep_session_get_experiment (fixture->session);
  row = child (fixture, "backend_row");
  g_assert_true (cep_ui_test_wait_for (backends_described, fixture, 60000));
  labels = adw_combo_row_get_model (row);
  g_assert_cmpuint (row_naming (labels, "ref"), !=, G_MAXUINT);
  /* The list as the user sees it when the row opens. */
  g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
  cep_ui_test_run_for (300);
  g_assert_nonnull (find_popover (GTK_WIDGET (row)));
  g_assert_true (gtk_widget_get_visible (find_popover (GTK_WIDGET (row))));
  cairo_surface_destroy (cep_ui_test_screenshot (find_popover (GTK_WIDGET (row)),
                                                 "train-page-backend-list",
                                                 gtk_popover_get_child (
                                                   GTK_POPOVER (find_popover (GTK_WIDGET (row)))),
                                                 NULL));
  gtk_popover_popdown (GTK_POPOVER (find_popover (GTK_WIDGET (row))));
  devices = cep_backend_list_devices ("vulkan", &names);
  if (devices == NULL)
    {
      /* Vulkan not built, or no device here: not offered at all. */
      g_assert_cmpuint (row_naming (labels, "vulkan"), ==, G_MAXUINT);
      g_test_message ("no Vulkan device: only CPU backends are offered");
      return;
    }
  for (guint d = 0; devices[d] != NULL; d++)
    {
      guint index = row_naming (labels, names[d]);

      g_assert_cmpuint (index, !=, G_MAXUINT);
      adw_combo_row_set_selected (row, index);
      g_assert_cmpstr (experiment->train.backend, ==, "vulkan");
      g_assert_cmpstr (experiment->train.device, ==, devices[d]);
      g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                       "vulkan:"));
    }
  adw_combo_row_set_selected (row, row_naming (labels, "blas"));
  g_assert_cmpstr (experiment->train.backend, ==, "blas");
  g_assert_null (experiment->train.device);

  g_free (experiment->train.backend);
  experiment->train.backend = g_strdup ("vulkan");
  experiment->train.device = g_strdup (names[0]);
  cep_session_experiment_changed (fixture->session, CEP_SESSION_CHANGED_TRAIN);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, row_naming (labels, names[0]));
}

static void
start_and_wait_for_an_epoch (Fixture *fixture)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (fixture->page));
  gint64 frames_before = gdk_frame_clock_get_frame_counter (clock);
  guint64 updates;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.start", NULL));
  /* Set up on a worker, then running. */
  g_assert_cmpint (cep_train_controller_get_state (controller (fixture)), ==,
                   CEP_TRAIN_STATE_STARTING);
  g_assert_true (cep_ui_test_wait_for (has_epoch, fixture, 60000));
  /* The plots follow the events, never more often than frames are drawn. */
  updates = cep_train_page_get_n_ui_updates (fixture->page);
  g_assert_cmpuint (updates, >, 0);
  g_assert_cmpint ((gint64) updates, <=,
                   gdk_frame_clock_get_frame_counter (clock) - frames_before + 1);
  g_assert_cmpuint (cep_train_controller_get_n_drains (controller (fixture)), <=,
                    cep_train_controller_get_n_events (controller (fixture)));
}

static void
pause_holds (Fixture *fixture)
{
  guint64 events;

  g_assert_cmpint (cep_train_controller_get_state (controller (fixture)), ==,
                   CEP_TRAIN_STATE_RUNNING);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.pause", NULL));
  g_assert_cmpint (cep_train_controller_get_state (controller (fixture)), ==,
                   CEP_TRAIN_STATE_PAUSED);
  /* The step (or evaluation) in flight may still arrive, then nothing. */
  cep_ui_test_run_for (1500);
  events = cep_train_controller_get_n_events (controller (fixture));
  cep_ui_test_run_for (500);
  g_assert_cmpuint (cep_train_controller_get_n_events (controller (fixture)), ==, events);
  /* Whatever the last step reported, the status line says the run is paused. */
  g_assert_true (g_str_has_prefix (gtk_label_get_label (child (fixture, "status_label")),
                                   "Paused"));
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "train-page-paused",
                                                 child (fixture, "status_label"),
                                                 child (fixture, "pause_button"), NULL));
}

static gboolean
history_emptied (gpointer data)
{
  Fixture *fixture = data;

  return cep_train_page_get_n_history (fixture->page) == 0;
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (g_type_is_a (G_OBJECT_TYPE (widget), type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
history_shows_new_name (gpointer data)
{
  Fixture *fixture = data;

  return cep_train_page_get_n_history (fixture->page) > 0
         && g_strcmp0 (cep_run_item_get_info (history_item (fixture, 0))->experiment->name,
                       "wider") == 0;
}

/* Renames and annotates the selected run through its dialog, then moves it to the trash: the
 * history shows the name and notes, then no longer lists the run, and a toast says where it
 * went. */
static void
rename_annotate_and_trash (Fixture *fixture)
{
  GPtrArray *reports = cep_ui_test_capture_reports (GTK_WIDGET (fixture->window));
  AdwMessageDialog *dialog;
  const CepRunInfo *info;
  g_autofree char *dir = NULL;
  g_autofree char *trashed = NULL;

  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (
                                       child (fixture, "column_view"))), 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.annotate-run",
                                             NULL));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  gtk_editable_set_text (GTK_EDITABLE (find_descendant (GTK_WIDGET (dialog),
                                                        ADW_TYPE_ENTRY_ROW)), "wider");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (
                              find_descendant (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW))),
                            "Dev stops improving after epoch 3.\nNext: dropout 0.4.", -1);
  cep_ui_test_run_for (100);
  cairo_surface_destroy (cep_ui_test_screenshot (
    GTK_WIDGET (dialog), "train-page-annotate-dialog",
    find_descendant (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW),
    find_descendant (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW), NULL));
  adw_message_dialog_response (dialog, "save");
  gtk_window_destroy (GTK_WINDOW (dialog));
  /* The file is written on a worker, and the page refreshes its history when it is done: a
   * refresh of our own could read the folder before the write. */
  g_assert_true (cep_ui_test_wait_for (history_shows_new_name, fixture, 20000));
  info = cep_run_item_get_info (history_item (fixture, 0));
  g_assert_cmpstr (info->experiment->name, ==, "wider");
  g_assert_cmpstr (info->experiment->notes, ==,
                   "Dev stops improving after epoch 3.\nNext: dropout 0.4.");
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "train-page-annotated",
                                                 child (fixture, "column_view"), NULL));

  dir = g_strdup (info->dir);
  trashed = g_build_filename (g_get_user_data_dir (), "Trash", "files", info->id, NULL);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (
                                       child (fixture, "column_view"))), 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.trash-run",
                                             NULL));
  g_assert_true (cep_ui_test_wait_for (history_emptied, fixture, 20000));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (trashed, G_FILE_TEST_IS_DIR));
  g_assert_cmpuint (reports->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (reports, 0), "to the trash"));
}

/* Resumes the first run of the history and waits for it to finish its 4 epochs, with 4 on
 * its curves; returns its refreshed history entry. */
static const CepRunInfo *
resume_to_the_end (Fixture *fixture)
{
  const CepRunInfo *info;
  CepRunCurves *curves;

  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (
                                       child (fixture, "column_view"))), 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.resume-run",
                                             NULL));
  g_assert_cmpint (cep_train_controller_get_state (controller (fixture)), !=,
                   CEP_TRAIN_STATE_IDLE);
  g_assert_true (cep_ui_test_wait_for (is_idle, fixture, 120000));
  curves = cep_train_controller_get_curves (controller (fixture));
  g_assert_cmpuint (curves->epoch_step->len, ==, 4);
  wait_for_history (fixture);
  info = cep_run_item_get_info (history_item (fixture, 0));
  g_assert_cmpint (info->status, ==, CEP_RUN_STATUS_FINISHED);
  g_assert_cmpuint (info->epochs_done, ==, 4);
  return info;
}

static void
test_run_pause_stop_resume (Fixture       *fixture,
                            gconstpointer  data)
{
  AdwMessageDialog *dialog;
  const CepRunInfo *info;

  if (fixture->page == NULL)
    return;
  start_and_wait_for_an_epoch (fixture);
  pause_holds (fixture);

  /* Stop (from paused), as Ctrl+. does it: it asks first; "Continue" keeps the run. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.ask-stop",
                                             NULL));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "continue");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpint (cep_train_controller_get_state (controller (fixture)), ==,
                   CEP_TRAIN_STATE_PAUSED);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.ask-stop",
                                             NULL));
  dialog = find_message_dialog ();
  adw_message_dialog_response (dialog, "stop");
  gtk_window_destroy (GTK_WINDOW (dialog));
  /* The run ends as stopped, with its finished epochs saved. */
  g_assert_true (cep_ui_test_wait_for (is_idle, fixture, 30000));
  wait_for_history (fixture);
  g_assert_cmpuint (cep_train_page_get_n_history (fixture->page), ==, 1);
  info = cep_run_item_get_info (history_item (fixture, 0));
  g_assert_cmpint (info->status, ==, CEP_RUN_STATUS_CANCELLED);
  g_assert_cmpstr (info->dir, ==, cep_train_controller_get_run_dir (controller (fixture)));
  g_assert_cmpuint (info->epochs_done, >=, 1);
  g_assert_cmpuint (info->epochs_done, <, 4);
  g_assert_true (cep_run_info_can_resume (info));

  /* While another training holds the run (here: this test), resuming it is refused with
   * the reason on the page, and the run is untouched. */
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (
                                       child (fixture, "column_view"))), 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CepRunLock) lock = cep_run_lock_acquire (info->dir, &error);

    g_assert_no_error (error);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.resume-run",
                                               NULL));
    g_assert_true (cep_ui_test_wait_for (is_idle, fixture, 30000));
    g_assert_nonnull (strstr (gtk_label_get_label (child (fixture, "status_label")),
                              "another training is writing this run"));
  }

  /* Resume the selected run: it continues to its last epoch. */
  info = resume_to_the_end (fixture);
  g_assert_cmpfloat (cep_run_curves_best_accuracy (info->curves), >, 0.3);

  /* Compared against wall time: the run's loss and accuracy, each smoothed (the default) over
   * its faint raw curve. */
  gtk_stack_set_visible_child_name (child (fixture, "view_stack"), "history");
  cep_train_page_compare_run (fixture->page, 0, TRUE);
  gtk_drop_down_set_selected (child (fixture, "axis_dropdown"), 2);
  g_assert_cmpuint (cep_curve_view_get_n_series (child (fixture, "compare_view")), ==, 4);
  /* The list says where run folders live. */
  {
    g_autofree char *root = cep_run_history_get_root ();

    g_assert_nonnull (strstr (gtk_label_get_label (child (fixture, "runs_location_label")),
                              root));
  }
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "train-page-history",
                                                 child (fixture, "compare_view"),
                                                 child (fixture, "runs_location_label"), NULL));
  rename_annotate_and_trash (fixture);
}

/* The history lists a dataset's runs by identity: with the session on a copy of the demo
 * dataset (another path), the demo's run is still there; on a dataset that is no copy, not. */
static void
history_follows_dataset_identity (Fixture *fixture)
{
  CepExperiment *experiment = cep_session_get_experiment (fixture->session);
  g_autofree char *demo = cep_ui_test_demo_root ();
  g_autofree char *dir = g_dir_make_tmp ("cepstra-copied-demo-XXXXXX", NULL);
  g_autofree char *copy = g_build_filename (dir, "dataset", NULL);
  g_autofree char *command = g_strdup_printf ("cp -R '%s' '%s'", demo, copy);
  g_autofree char *remove = g_strdup_printf ("rm -rf '%s'", dir);
  guint n_runs = cep_train_page_get_n_history (fixture->page);
  char *saved = g_steal_pointer (&experiment->data.root);
  int status;

  g_assert_cmpuint (n_runs, >=, 1);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  experiment->data.root = g_strdup (copy);
  wait_for_history (fixture);
  g_assert_cmpuint (cep_train_page_get_n_history (fixture->page), ==, n_runs);
  g_free (experiment->data.root);
  experiment->data.root = g_strdup (dir);
  wait_for_history (fixture);
  g_assert_cmpuint (cep_train_page_get_n_history (fixture->page), ==, 0);
  g_free (experiment->data.root);
  experiment->data.root = saved;
  g_assert_true (g_spawn_command_line_sync (remove, NULL, NULL, &status, NULL));
}

/* A run killed before its first checkpoint (here: its checkpoints removed after a stop) can
 * still be resumed from the history: it starts again from the beginning, and its curves do
 * not keep the lost epochs. */
static void
test_resume_from_start (Fixture       *fixture,
                        gconstpointer  data)
{
  const CepRunInfo *info;
  g_autofree char *last = NULL;
  g_autofree char *best = NULL;

  if (fixture->page == NULL)
    return;
  start_and_wait_for_an_epoch (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.stop", NULL));
  g_assert_true (cep_ui_test_wait_for (is_idle, fixture, 30000));
  wait_for_history (fixture);
  info = cep_run_item_get_info (history_item (fixture, 0));
  last = g_build_filename (info->dir, "checkpoints", "last.safetensors", NULL);
  best = g_build_filename (info->dir, "checkpoints", "best.safetensors", NULL);
  g_assert_cmpint (g_unlink (last), ==, 0);
  g_unlink (best);
  g_assert_true (cep_run_info_can_resume (info));
  resume_to_the_end (fixture);
  g_assert_true (g_file_test (last, G_FILE_TEST_IS_REGULAR));
  history_follows_dataset_identity (fixture);
}

/* A run the trainer refuses (wider windows than the loaded data has) comes back as an error
 * naming the partition, and the page is ready again. */
static void
test_start_refused (Fixture       *fixture,
                    gconstpointer  data)
{
  CepExperiment *experiment;

  if (fixture->page == NULL)
    return;
  experiment = cep_session_get_experiment (fixture->session);
  experiment->model->context = 60;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.start", NULL));
  g_assert_true (cep_ui_test_wait_for (is_idle, fixture, 30000));
  g_assert_nonnull (strstr (gtk_label_get_label (child (fixture, "status_label")),
                            "train-clean-100"));
  g_assert_nonnull (strstr (gtk_label_get_label (child (fixture, "status_label")), "60"));
}

static void
test_batch_experiment (Fixture       *fixture,
                       gconstpointer  data)
{
  const CepExperiment *running;
  CepPartition *train;

  if (fixture->page == NULL)
    return;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page),
                                             "train.batch-experiment", NULL));
  /* Three runs: the first starting, two waiting. */
  g_assert_cmpuint (cep_train_page_get_n_queued (fixture->page), ==, 2);
  g_assert_cmpint (cep_train_controller_get_state (controller (fixture)), ==,
                   CEP_TRAIN_STATE_STARTING);
  running = cep_train_controller_get_experiment (controller (fixture));
  g_assert_cmpint (running->train.optimizer.kind, ==, CEP_EXPERIMENT_OPTIMIZER_SGD);
  /* tiny has BatchNorm: the smallest batch it can take is 2. */
  g_assert_cmpuint (running->train.batch_size, ==, 2);
  train = cep_session_get_partition (fixture->session, "train-clean-100");
  g_assert_cmpfloat_with_epsilon (running->data.subset_fraction,
                                  2048.0 / cep_partition_get_n_frames (train), 1e-9);
  /* Stopping ends the whole experiment. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.stop", NULL));
  g_assert_cmpuint (cep_train_page_get_n_queued (fixture->page), ==, 0);
  g_assert_true (cep_ui_test_wait_for (is_idle, fixture, 30000));
}

/* The bug: a model the Model page called over the limit trained anyway. The Train page shows
 * the model with its count and limit, and refuses to start it. */
static void
test_over_param_limit (Fixture       *fixture,
                       gconstpointer  data)
{
  GPtrArray *reports;
  CepExperiment *experiment;

  if (fixture->page == NULL)
    return;
  reports = cep_ui_test_capture_reports (GTK_WIDGET (fixture->window));
  g_assert_nonnull (strstr (cep_train_page_get_model_summary (fixture->page),
                            "tiny: 1,423,914 parameters (limit 20,000,000)"));
  g_assert_false (gtk_widget_has_css_class (child (fixture, "model_row"), "error"));
  experiment = cep_session_get_experiment (fixture->session);
  experiment->model->param_limit = 1000000;
  cep_session_experiment_changed (fixture->session, CEP_SESSION_CHANGED_MODEL);
  g_assert_nonnull (strstr (cep_train_page_get_model_summary (fixture->page), "limit 1,000,000"));
  g_assert_true (gtk_widget_has_css_class (child (fixture, "model_row"), "error"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (child (fixture, "dataset_row")),
                            "train-clean-100"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.start", NULL));
  g_assert_cmpint (cep_train_controller_get_state (controller (fixture)), ==,
                   CEP_TRAIN_STATE_IDLE);
  g_assert_cmpuint (reports->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (reports, 0), "above the limit of 1,000,000"));
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (fixture->window),
                                                 "train-page-over-limit",
                                                 child (fixture, "model_row"), NULL));
}

/* A model whose buffers cannot be allocated (the parameter limit off, 100 G parameters) is
 * refused with the reason on the page; the window lives on (it used to abort in g_error). */
static void
test_allocation_refused (Fixture       *fixture,
                         gconstpointer  data)
{
  CepExperiment *experiment;
  CepShapeOptions options;
  g_autoptr(GError) error = NULL;
  CepModelSpec *huge;

  if (fixture->page == NULL)
    return;
  experiment = cep_session_get_experiment (fixture->session);
  cep_shape_options_init (&options, CEP_SHAPE_CYLINDER);
  options.context = experiment->model->context;
  options.feature_dim = experiment->model->feature_dim;
  options.budget = G_GUINT64_CONSTANT (100000000000);
  options.depth = 24;
  huge = cep_model_shape_new (&options, &error);
  g_assert_no_error (error);
  huge->param_limit = 0;
  cep_experiment_set_model (experiment, huge);
  cep_session_experiment_changed (fixture->session, CEP_SESSION_CHANGED_MODEL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.start", NULL));
  g_assert_true (cep_ui_test_wait_for (is_idle, fixture, 60000));
  g_assert_nonnull (strstr (gtk_label_get_label (child (fixture, "status_label")),
                            "cannot allocate"));
}

/* The bug: runs without dev evaluation (the batch-size experiment's) plotted training accuracy
 * as "Dev accuracy" and listed it as "Best accuracy". A run trained without dev is labelled
 * as training accuracy in the comparison and the history; its folder is named after the
 * model. */
static void
test_without_dev_labelled (Fixture       *fixture,
                           gconstpointer  data)
{
  CepExperiment *experiment;
  CepDataset *dataset;
  g_autofree char *accuracy = NULL, *folder = NULL;

  if (fixture->page == NULL)
    return;
  experiment = cep_session_get_experiment (fixture->session);
  experiment->train.epochs = 1;
  dataset = cep_session_get_dataset (fixture->session);
  g_assert_true (cep_train_controller_start (
                   controller (fixture), experiment,
                   cep_session_get_partition (fixture->session,
                                              cep_dataset_get_train_name (dataset)),
                   NULL, NULL, NULL, FALSE));
  g_assert_true (cep_ui_test_wait_for (is_idle, fixture, 60000));
  folder = g_path_get_basename (cep_train_controller_get_run_dir (controller (fixture)));
  g_assert_true (g_str_has_suffix (folder, "-tiny"));
  wait_for_history (fixture);
  cep_train_page_compare_run (fixture->page, 0, TRUE);
  g_assert_cmpstr (cep_train_page_get_compared_accuracy_label (fixture->page), ==,
                   "Training accuracy (%)");
  accuracy = cep_run_item_describe_accuracy (history_item (fixture, 0));
  g_assert_nonnull (strstr (accuracy, "(training)"));

  /* "Use Settings" puts the run's experiment back into the form. */
  gtk_spin_button_set_value (child (fixture, "epochs_spin"), 7);
  g_assert_cmpuint (cep_session_get_experiment (fixture->session)->train.epochs, ==, 7);
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (
                                       child (fixture, "column_view"))), 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->page), "train.reuse-run",
                                             NULL));
  g_assert_cmpuint (cep_session_get_experiment (fixture->session)->train.epochs, ==, 1);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (child (fixture, "epochs_spin")), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  cep_ui_test_init (&argc, &argv);

  g_test_add ("/ui/train/form", Fixture, NULL, fixture_set_up, test_form, fixture_tear_down);
  g_test_add ("/ui/train/settings-object", Fixture, NULL, fixture_set_up, test_settings_object,
              fixture_tear_down);
  g_test_add ("/ui/train/backend-devices", Fixture, NULL, fixture_set_up, test_backend_devices,
              fixture_tear_down);
  g_test_add ("/ui/train/run-pause-stop-resume", Fixture, NULL, fixture_set_up,
              test_run_pause_stop_resume, fixture_tear_down);
  g_test_add ("/ui/train/over-param-limit", Fixture, NULL, fixture_set_up,
              test_over_param_limit, fixture_tear_down);
  g_test_add ("/ui/train/without-dev-labelled", Fixture, NULL, fixture_set_up,
              test_without_dev_labelled, fixture_tear_down);
  g_test_add ("/ui/train/resume-from-start", Fixture, NULL, fixture_set_up,
              test_resume_from_start, fixture_tear_down);
  g_test_add ("/ui/train/allocation-refused", Fixture, NULL, fixture_set_up,
              test_allocation_refused, fixture_tear_down);
  g_test_add ("/ui/train/start-refused", Fixture, NULL, fixture_set_up, test_start_refused,
              fixture_tear_down);
  g_test_add ("/ui/train/batch-experiment", Fixture, NULL, fixture_set_up,
              test_batch_experiment, fixture_tear_down);
  return g_test_run ();
}
