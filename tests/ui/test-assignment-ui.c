/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-assignment-ui.c: an assignment in the window — the banner, locked rows insensitive
 * with a lock and a tooltip, hidden rows gone (and kept gone when what shows them changes),
 * bounded spin buttons clamped with the bound in the subtitle, the block list locked, a run
 * refused by the rules and by the lab machine's backends, Leave Assignment and its lockdown,
 * the wrong-dataset warning, and Save as Assignment's rules. Screenshots of the banner over
 * the locked Train form, the locked Model page and the dialog.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "cep-application.h"
#include "cep-assignment-banner.h"
#include "cep-assignment-dialog.h"
#include "cep-train-page.h"
#include "cep-ui-test-util.h"
#include "cep-window.h"

static CepApplication *app;

static gboolean
dataset_loaded (gpointer data)
{
  CepSession *session = cep_window_get_session (data);

  return cep_session_get_dataset (session) != NULL && !cep_session_get_loading (session);
}

static CepWindow *
new_window_with_demo (void)
{
  CepWindow *window = cep_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 860);
  gtk_window_present (GTK_WINDOW (window));
  cep_window_open_default (window);
  g_assert_true (cep_ui_test_wait_for (dataset_loaded, window, 60000));
  return window;
}

static GtkWidget *
page_child (CepWindow  *window,
            const char *page,
            const char *name)
{
  GObject *child = cep_ui_test_find_child (cep_window_get_page (window, page), name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

static GtkWidget *
row_of (GtkWidget *control)
{
  return ADW_IS_ACTION_ROW (control) ? control
                                     : gtk_widget_get_ancestor (control, ADW_TYPE_ACTION_ROW);
}

/* The teacher's assignment: 3 epochs at most, lr in [1e-4, 0.01], the optimizer and the
 * block list locked, augmentation and the schedule hidden, SGD's momentum hidden too. */
static char *
write_assignment (const char *dir,
                  const char *fingerprint)
{
  g_autoptr (CepExperiment) experiment = cep_experiment_new ();
  g_autoptr (CepAssignment) assignment = NULL;
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, "lab" CEP_ASSIGNMENT_SUFFIX, NULL);

  experiment->train.epochs = 3;
  assignment = cep_assignment_new ("Lab 3: a small MLP", experiment);
  cep_assignment_set_instructions (assignment,
                                   "Train **tiny** for at most *3* epochs.\n\n"
                                   "- keep the `blocks` as they are\n- <b>no markup</b> & more");
  if (fingerprint != NULL)
    cep_assignment_set_dataset (assignment, "hw1p2", fingerprint);
  g_assert_true (cep_assignment_add_locked (assignment, "train.optimizer.type", NULL));
  g_assert_true (cep_assignment_add_locked (assignment, "model.blocks", NULL));
  g_assert_true (cep_assignment_add_hidden (assignment, "augment", NULL));
  g_assert_true (cep_assignment_add_hidden (assignment, "train.schedule.type", NULL));
  g_assert_true (cep_assignment_add_hidden (assignment, "train.optimizer.momentum", NULL));
  g_assert_true (cep_assignment_set_max (assignment, "train.epochs", 3, NULL));
  g_assert_true (cep_assignment_set_max (assignment, "model.param_limit", 2e7, NULL));
  g_assert_true (cep_assignment_set_min (assignment, "train.optimizer.lr", 1e-4, NULL));
  g_assert_true (cep_assignment_set_max (assignment, "train.optimizer.lr", 0.01, NULL));
  g_assert_true (cep_assignment_save (assignment, path, &error));
  g_assert_no_error (error);
  return path;
}

static void
assert_locked (GtkWidget *control,
               gboolean   locked)
{
  GtkWidget *row = row_of (control);

  g_assert_cmpint (gtk_widget_get_sensitive (control), ==, !locked);
  if (locked)
    g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row), "teacher"));
  else
    g_assert_null (gtk_widget_get_tooltip_text (row));
}

static void
test_rules_on_rows (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cepstra-assignment-ui-XXXXXX", NULL);
  g_autofree char *path = write_assignment (dir, NULL);
  CepWindow *window = new_window_with_demo ();
  CepSession *session = cep_window_get_session (window);
  g_autoptr (GError) error = NULL;
  GtkWidget *epochs = page_child (window, "train", "epochs_spin");
  GtkWidget *lr = page_child (window, "train", "lr_spin");
  GtkWidget *optimizer = page_child (window, "train", "optimizer_row");
  GtkWidget *momentum = page_child (window, "train", "momentum_row");
  GtkWidget *banner = GTK_WIDGET (cep_ui_test_find_child (GTK_WIDGET (window),
                                                          "assignment_banner"));
  GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (epochs));
  double upper_before = gtk_adjustment_get_upper (adjustment);
  cairo_surface_t *shot;

  g_assert_false (gtk_widget_get_visible (banner));
  g_assert_true (cep_window_open_assignment (window, path, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_get_visible (banner));

  /* Locked: insensitive, with the teacher named in the tooltip. */
  assert_locked (optimizer, TRUE);
  assert_locked (epochs, FALSE);
  /* Hidden: gone. */
  g_assert_false (gtk_widget_get_visible (row_of (page_child (window, "train",
                                                                  "augment_switch"))));
  g_assert_false (gtk_widget_get_visible (page_child (window, "train", "schedule_row")));
  /* The Data page's mask controls go with augment. */
  g_assert_false (gtk_widget_get_visible (page_child (window, "data", "masks_expander")));
  /* Bounded: the range is cut and the bound is in the subtitle. */
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, 3);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row_of (epochs))),
                            "at most 3"));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (epochs), 10);
  g_assert_cmpuint (cep_session_get_experiment (session)->train.epochs, ==, 3);
  g_assert_cmpfloat (gtk_adjustment_get_lower (gtk_spin_button_get_adjustment (
                                                 GTK_SPIN_BUTTON (lr))), ==, 1e-4);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row_of (lr))),
                            "0.0001 to 0.01"));
  /* The block list is locked on the Model page. */
  g_assert_false (gtk_widget_get_sensitive (page_child (window, "model", "layers_group")));
  assert_locked (page_child (window, "model", "preset_row"), TRUE);
  assert_locked (page_child (window, "model", "context_spin"), FALSE);
  /* The limit row counts in millions: a bound of 20,000,000 parameters is 20 there. */
  g_assert_cmpfloat (gtk_adjustment_get_upper (gtk_spin_button_get_adjustment (
                       GTK_SPIN_BUTTON (page_child (window, "model", "limit_spin")))), ==, 20);

  cep_window_show_page (window, "train");
  cep_ui_test_run_for (300);
  shot = cep_ui_test_screenshot (GTK_WIDGET (window), "assignment-train-form", banner, optimizer,
                                 row_of (lr), NULL);
  cairo_surface_destroy (shot);
  cep_window_show_page (window, "model");
  cep_ui_test_run_for (300);
  shot = cep_ui_test_screenshot (GTK_WIDGET (window), "assignment-model-page", banner,
                                 page_child (window, "model", "preset_row"), NULL);
  cairo_surface_destroy (shot);

  /* A hidden row stays hidden when what shows it changes (momentum shows for SGD). */
  cep_session_get_experiment (session)->train.optimizer.kind = CEP_EXPERIMENT_OPTIMIZER_SGD;
  cep_session_experiment_changed (session, CEP_SESSION_CHANGED_TRAIN);
  g_assert_false (gtk_widget_get_visible (momentum));

  /* Leaving gives every row back as it was, momentum shown for SGD. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.leave-assignment",
                                             NULL));
  g_assert_null (cep_session_get_assignment (session));
  g_assert_false (gtk_widget_get_visible (banner));
  assert_locked (optimizer, FALSE);
  g_assert_true (gtk_widget_get_visible (momentum));
  g_assert_true (gtk_widget_get_visible (page_child (window, "train", "schedule_row")));
  g_assert_true (gtk_widget_get_visible (page_child (window, "data", "masks_expander")));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, upper_before);
  g_assert_true (gtk_widget_get_sensitive (page_child (window, "model", "layers_group")));
  gtk_window_destroy (GTK_WINDOW (window));
  cep_ui_test_run_for (50);
  g_unlink (path);
  g_rmdir (dir);
}

/* The rules are core's: an experiment that breaks one does not start, and neither does a
 * backend the lab machine does not allow. */
static void
test_start_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cepstra-assignment-ui-XXXXXX", NULL);
  g_autofree char *path = write_assignment (dir, NULL);
  CepWindow *window = new_window_with_demo ();
  CepSession *session = cep_window_get_session (window);
  CepTrainPage *page = CEP_TRAIN_PAGE (cep_window_get_page (window, "train"));
  g_autoptr (GSettings) settings = g_settings_new (CEP_APPLICATION_ID);
  g_autoptr (GError) error = NULL;

  g_assert_true (cep_window_open_assignment (window, path, &error));
  /* Past the form: a page that wrote the experiment directly. */
  cep_session_get_experiment (session)->train.epochs = 7;
  g_assert_false (cep_train_page_start (page, &error));
  g_assert_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_RULE);
  g_assert_nonnull (strstr (error->message, "(rule train.epochs <= 3)"));
  g_clear_error (&error);
  cep_session_get_experiment (session)->train.epochs = 1;
  g_assert_true (g_settings_set_strv (settings, "allowed-backends",
                                      (const char *[]) { "ref", NULL }));
  g_assert_false (cep_train_page_start (page, &error));
  g_assert_nonnull (strstr (error->message, "“blas” is not allowed on this computer"));
  g_settings_reset (settings, "allowed-backends");
  gtk_window_destroy (GTK_WINDOW (window));
  cep_ui_test_run_for (50);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_leave_lockdown (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cepstra-assignment-ui-XXXXXX", NULL);
  g_autofree char *path = write_assignment (dir, NULL);
  CepWindow *window = new_window_with_demo ();
  g_autoptr (GSettings) settings = g_settings_new (CEP_APPLICATION_ID);
  g_autoptr (GError) error = NULL;
  GtkWidget *widget = GTK_WIDGET (window);

  g_assert_true (g_settings_set_boolean (settings, "allow-leave-assignment", FALSE));
  g_assert_true (cep_window_open_assignment (window, path, &error));
  /* The action is disabled: activating it leaves nothing. */
  gtk_widget_activate_action (widget, "win.leave-assignment", NULL);
  g_assert_nonnull (cep_session_get_assignment (cep_window_get_session (window)));
  /* Nor can it be swapped for another. */
  g_assert_false (cep_window_open_assignment (window, path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_true (g_str_has_prefix (error->message, path));
  /* The administrator allows it again: the action comes back. */
  g_settings_reset (settings, "allow-leave-assignment");
  g_assert_true (gtk_widget_activate_action (widget, "win.leave-assignment", NULL));
  g_assert_null (cep_session_get_assignment (cep_window_get_session (window)));
  gtk_window_destroy (GTK_WINDOW (window));
  cep_ui_test_run_for (50);
  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
warning_shown (gpointer data)
{
  return cep_assignment_banner_get_warning (data)[0] != '\0';
}

static void
test_wrong_dataset_warning (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cepstra-assignment-ui-XXXXXX", NULL);
  g_autofree char *path = write_assignment (dir, "0123456789abcdef");
  CepWindow *window = new_window_with_demo ();
  g_autoptr (GError) error = NULL;
  GtkWidget *banner = GTK_WIDGET (cep_ui_test_find_child (GTK_WIDGET (window),
                                                          "assignment_banner"));
  cairo_surface_t *shot;

  g_assert_true (cep_window_open_assignment (window, path, &error));
  g_assert_true (cep_ui_test_wait_for (warning_shown, banner, 20000));
  g_assert_nonnull (strstr (cep_assignment_banner_get_warning (CEP_ASSIGNMENT_BANNER (banner)),
                            "“hw1p2”"));
  cep_ui_test_run_for (200);
  shot = cep_ui_test_screenshot (banner, "assignment-banner-wrong-dataset", banner, NULL);
  cairo_surface_destroy (shot);
  gtk_window_destroy (GTK_WINDOW (window));
  cep_ui_test_run_for (50);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_save_dialog (void)
{
  CepWindow *window = new_window_with_demo ();
  CepSession *session = cep_window_get_session (window);
  CepAssignmentDialog *dialog = cep_assignment_dialog_new (session);
  g_autoptr (CepAssignment) built = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) rules = NULL;
  cairo_surface_t *shot;

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_null (cep_assignment_dialog_build (dialog, &error));
  g_assert_nonnull (strstr (error->message, "title"));
  g_clear_error (&error);
  cep_assignment_dialog_set_text (dialog, "Lab 3", "Train **tiny**.");
  g_assert_true (cep_assignment_dialog_set_rule (dialog, "train.optimizer.type", 1, NULL, NULL));
  g_assert_true (cep_assignment_dialog_set_rule (dialog, "augment", 2, NULL, NULL));
  g_assert_true (cep_assignment_dialog_set_rule (dialog, "train.epochs", 0, NULL, "10"));
  g_assert_true (cep_assignment_dialog_set_rule (dialog, "model.params", 0, NULL, "2000000"));
  g_assert_false (cep_assignment_dialog_set_rule (dialog, "model.params", 1, NULL, NULL));
  g_assert_false (cep_assignment_dialog_set_rule (dialog, "train.epoch", 1, NULL, NULL));
  built = cep_assignment_dialog_build (dialog, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_assignment_get_title (built), ==, "Lab 3");
  rules = cep_assignment_list_rules (built);
  /* In experiment.json's order: the model before train. */
  g_assert_cmpstrv (rules, ((const char *[]) { "hidden augment", "locked train.optimizer.type",
                                                 "model.params <= 2000000",
                                                 "train.epochs <= 10", NULL }));
  /* A bound that is not a number is refused naming the setting. */
  g_assert_true (cep_assignment_dialog_set_rule (dialog, "train.epochs", 0, "two", NULL));
  g_clear_pointer (&built, cep_assignment_unref);
  g_assert_null (cep_assignment_dialog_build (dialog, &error));
  g_assert_nonnull (strstr (error->message, "train.epochs: “two” is not a number"));
  g_assert_true (cep_assignment_dialog_set_rule (dialog, "train.epochs", 0, NULL, "10"));
  cep_ui_test_run_for (300);
  shot = cep_ui_test_screenshot (GTK_WIDGET (dialog), "assignment-save-dialog",
                                 GTK_WIDGET (dialog), NULL);
  cairo_surface_destroy (shot);
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  cep_ui_test_run_for (50);
}

static CepWindow *
window_with_assignment (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (CEP_IS_WINDOW (window)
          && cep_session_get_assignment (cep_window_get_session (CEP_WINDOW (window))) != NULL)
        return CEP_WINDOW (window);
    }
  return NULL;
}

static gboolean
assignment_window_shown (gpointer data)
{
  return window_with_assignment () != NULL;
}

/* A double-click (the file's type) and `cepstra --assignment FILE` (the hint) both reach the
 * application's open: each opens a window under the assignment. */
static void
test_application_opens_assignment (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cepstra-assignment-ui-XXXXXX", NULL);
  g_autofree char *path = write_assignment (dir, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  CepWindow *window;

  g_application_open (G_APPLICATION (app), &file, 1, "");
  g_assert_true (cep_ui_test_wait_for (assignment_window_shown, NULL, 20000));
  window = window_with_assignment ();
  g_assert_cmpstr (cep_assignment_get_title (
                     cep_session_get_assignment (cep_window_get_session (window))), ==,
                   "Lab 3: a small MLP");
  g_assert_true (cep_ui_test_wait_for (dataset_loaded, window, 60000));
  gtk_window_destroy (GTK_WINDOW (window));
  cep_ui_test_run_for (50);
  g_assert_null (window_with_assignment ());
  g_application_open (G_APPLICATION (app), &file, 1, "assignment");
  g_assert_true (cep_ui_test_wait_for (assignment_window_shown, NULL, 20000));
  window = window_with_assignment ();
  g_assert_true (cep_ui_test_wait_for (dataset_loaded, window, 60000));
  gtk_window_destroy (GTK_WINDOW (window));
  cep_ui_test_run_for (50);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int status;

  cep_ui_test_init (&argc, &argv);
  app = cep_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/ui/assignment/rules-on-rows", test_rules_on_rows);
  g_test_add_func ("/ui/assignment/start-refused", test_start_refused);
  g_test_add_func ("/ui/assignment/leave-lockdown", test_leave_lockdown);
  g_test_add_func ("/ui/assignment/wrong-dataset-warning", test_wrong_dataset_warning);
  g_test_add_func ("/ui/assignment/save-dialog", test_save_dialog);
  g_test_add_func ("/ui/assignment/application-opens-assignment",
                   test_application_opens_assignment);
  status = g_test_run ();
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
