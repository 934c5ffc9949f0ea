/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-window.c: the application and its main window — startup, the demo dataset by default,
 * pages and their shortcuts, datasets that fail to open, cancelling a load, remembered state,
 * preferences and the shortcuts window; every page at 1400 × 900 and 800 × 600, light and
 * dark, with the widgets it must show drawn in its screenshot.
 */
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "cep-application.h"
#include "cep-preferences-window.h"
#include "cep-ui-test-util.h"
#include "cep-train-page.h"
#include "cep-window.h"

static CepApplication *app;

static gboolean
dataset_loaded (gpointer data)
{
  CepSession *session = cep_window_get_session (data);

  return cep_session_get_dataset (session) != NULL && !cep_session_get_loading (session);
}

static CepWindow *
new_window (void)
{
  CepWindow *window = cep_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static CepWindow *
new_window_with_demo (void)
{
  CepWindow *window = new_window ();

  cep_window_open_default (window);
  g_assert_true (cep_ui_test_wait_for (dataset_loaded, window, 60000));
  return window;
}

static gpointer
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static void
close_toplevels (GType type)
{
  GtkWindow *window;

  while ((window = find_toplevel (type)) != NULL)
    gtk_window_destroy (window);
}

static void
test_demo_by_default (void)
{
  g_autoptr (GSettings) settings = g_settings_new (CEP_APPLICATION_ID);
  g_autofree char *demo = cep_ui_test_demo_root ();
  CepWindow *window;
  g_autofree char *last = NULL;

  if (demo == NULL)
    {
      g_test_skip ("no demo dataset (set CEPSTRA_DEMO_DIR)");
      return;
    }
  g_settings_set_string (settings, "last-dataset", "");
  window = new_window_with_demo ();
  g_assert_true (cep_session_is_demo (cep_window_get_session (window)));
  /* The demo is the default, so it is not remembered as a chosen dataset. */
  last = g_settings_get_string (settings, "last-dataset");
  g_assert_cmpstr (last, ==, "");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* What each page must show, by template child, and how many colours it takes at least: a
 * plot or spectrogram dozens, a button or a line of text a few (a blank area has one). */
typedef struct
{
  const char *page;
  const char *child;
  guint       min_colors;
} PageWidget;

static const PageWidget page_widgets[] = {
  { "data", "spectrogram", 64 },
  { "data", "class_chart", 8 },
  { "data", "utterance_list", 4 },
  { "model", "preset_row", 4 },
  { "model", "diagram", 8 },
  { "model", "params_label", 3 },
  { "train", "backend_row", 4 },
  { "train", "pause_button", 3 },
  { "train", "loss_view", 4 },
  { "analyze", "run_dropdown", 3 },
  { "analyze", "summary_label", 3 },
  { "backends", "run_button", 3 },
};

static GtkWidget *
page_child (CepWindow  *window,
            const char *page,
            const char *name)
{
  GtkWidget *widget = cep_window_get_page (window, page);
  GObject *child;

  g_assert_nonnull (widget);
  /* Wherever the page keeps it: in its own template or in one of its parts'. */
  child = cep_ui_test_find_child (widget, name);
  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* A page is there when it can be shown and its widgets are drawn in the screenshot. */
static void
check_page (CepWindow  *window,
            const char *page,
            const char *shot_name)
{
  cairo_surface_t *shot;

  if (cep_window_get_page (window, page) == NULL)
    g_error ("the window has no %s page", page);
  /* What Alt+1 … Alt+5 activate. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", page));
  g_assert_cmpstr (cep_window_get_visible_page (window), ==, page);
  cep_ui_test_run_for (300);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  shot = cep_ui_test_screenshot (GTK_WIDGET (window), shot_name,
                                 cep_window_get_page (window, page), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (page_widgets); i++)
    if (g_str_equal (page_widgets[i].page, page))
      cep_ui_test_assert_drawn (GTK_WIDGET (window), shot,
                                page_child (window, page, page_widgets[i].child),
                                page_widgets[i].min_colors);
  cairo_surface_destroy (shot);
}

static int
minimum_width (GtkWidget *widget)
{
  int minimum;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_test_message ("%s: at least %d px wide", G_OBJECT_TYPE_NAME (widget), minimum);
  return minimum;
}

static int
minimum_height (GtkWidget *widget)
{
  int minimum;

  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, -1, &minimum, NULL, NULL, NULL);
  return minimum;
}

typedef struct
{
  GtkWidget *window;
  int        width;
  int        height;
} SizeWait;

/* The window's content size (its CSD shadow aside) has followed the requested size. */
static gboolean
has_size (gpointer data)
{
  SizeWait *wait = data;
  int width = gtk_widget_get_width (wait->window);
  int height = gtk_widget_get_height (wait->window);

  return width <= wait->width && width >= wait->width - 20
         && height <= wait->height && height >= wait->height - 20;
}

/* Under load the X server can map the window at its previous size and keep it (seen on a
 * 2-core machine running other builds), so a window that has not taken the size after a few
 * seconds is unmapped and mapped again, a few times, before the test gives up. */
static gboolean
present_at_size (CepWindow *window,
                 int        width,
                 int        height)
{
  for (guint attempt = 0; attempt < 4; attempt++)
    {
      gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
      gtk_window_set_default_size (GTK_WINDOW (window), width, height);
      gtk_window_present (GTK_WINDOW (window));
      if (cep_ui_test_wait_for (has_size, &(SizeWait) { GTK_WIDGET (window), width, height },
                                5000))
        return TRUE;
    }
  return FALSE;
}

static void
check_pages_at (CepWindow  *window,
                int         width,
                int         height,
                gboolean    dark)
{
  static const char *pages[] = { "data", "model", "train", "analyze", "backends" };

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);
  /* Screenshots are of the size asked for. A mapped window may keep the size it has (X11 treats
   * it as the user's), so it is mapped again at the new default size, and the test waits for
   * the X server to give it that size. */
  if (!present_at_size (window, width, height))
    g_error ("the window is %d × %d, not the %d × %d asked for",
             gtk_widget_get_width (GTK_WIDGET (window)),
             gtk_widget_get_height (GTK_WIDGET (window)), width, height);
  cep_ui_test_run_for (300);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("page-%s-%dx%d%s", pages[i], width, height,
                                               dark ? "-dark" : "");

      check_page (window, pages[i], name);
      /* The window can be as small as asked for: nothing needs more room, down to 800 × 600
       * (it would not go below 1,084 px wide). */
      g_assert_cmpint (minimum_width (GTK_WIDGET (window)), <=, width);
      g_assert_cmpint (minimum_height (GTK_WIDGET (window)), <=, height);
      /* And it really is that size, not larger. */
      g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, width);
    }
}

static void
test_pages (void)
{
  g_autofree char *demo = cep_ui_test_demo_root ();
  CepWindow *window;

  if (demo == NULL)
    {
      g_test_skip ("no demo dataset (set CEPSTRA_DEMO_DIR)");
      return;
    }
  window = new_window_with_demo ();
  g_assert_cmpstr (cep_window_get_visible_page (window), ==, "data");
  /* With augmentation on, the Data page shows its masks in the screenshot. */
  cep_session_get_experiment (cep_window_get_session (window))->augment.enabled = TRUE;
  cep_session_experiment_changed (cep_window_get_session (window), CEP_SESSION_CHANGED_AUGMENT);
  check_pages_at (window, 1400, 900, FALSE);
  check_pages_at (window, 1400, 900, TRUE);
  check_pages_at (window, 800, 600, FALSE);
  check_pages_at (window, 800, 600, TRUE);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
error_dialog_shown (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static void
test_open_missing_folder (void)
{
  CepWindow *window = new_window ();
  AdwMessageDialog *dialog;
  const char *body;

  cep_window_open_dataset (window, "/nonexistent/cepstra-dataset");
  g_assert_true (cep_ui_test_wait_for (error_dialog_shown, NULL, 20000));
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  body = adw_message_dialog_get_body (dialog);
  /* The message names the folder. */
  g_assert_nonnull (strstr (body, "/nonexistent/cepstra-dataset"));
  g_assert_null (cep_session_get_dataset (cep_window_get_session (window)));
  close_toplevels (ADW_TYPE_MESSAGE_DIALOG);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
not_loading (gpointer data)
{
  return !cep_session_get_loading (cep_window_get_session (data));
}

static void
test_cancel_load (void)
{
  g_autofree char *demo = cep_ui_test_demo_root ();
  CepWindow *window;
  CepSession *session;

  if (demo == NULL)
    {
      g_test_skip ("no demo dataset (set CEPSTRA_DEMO_DIR)");
      return;
    }
  window = new_window ();
  session = cep_window_get_session (window);
  cep_window_open_dataset (window, demo);
  g_assert_true (cep_session_get_loading (session));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-load", NULL));
  g_assert_true (cep_ui_test_wait_for (not_loading, window, 10000));
  /* Whatever the worker finished, a cancelled load installs nothing. */
  cep_ui_test_run_for (500);
  g_assert_null (cep_session_get_dataset (session));
  g_assert_false (find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_remembers_dataset_and_size (void)
{
  g_autoptr (GSettings) settings = g_settings_new (CEP_APPLICATION_ID);
  g_autofree char *demo = cep_ui_test_demo_root ();
  g_auto (GStrv) recent = NULL;
  g_autofree char *last = NULL;
  CepWindow *window;

  if (demo == NULL)
    {
      g_test_skip ("no demo dataset (set CEPSTRA_DEMO_DIR)");
      return;
    }
  window = new_window ();
  /* The demo's folder opened by path is a dataset like any other. */
  cep_window_open_dataset (window, demo);
  g_assert_true (cep_ui_test_wait_for (dataset_loaded, window, 60000));
  g_assert_false (cep_session_is_demo (cep_window_get_session (window)));
  last = g_settings_get_string (settings, "last-dataset");
  g_assert_cmpstr (last, ==, demo);
  recent = g_settings_get_strv (settings, "recent-datasets");
  g_assert_cmpstr (recent[0], ==, demo);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1100);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 720);
  g_settings_set_string (settings, "last-dataset", "");
}

static void
test_preferences (void)
{
  g_autoptr (GSettings) settings = g_settings_new (CEP_APPLICATION_ID);
  CepWindow *window = new_window ();
  GtkWidget *preferences;
  AdwComboRow *style_row;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  preferences = find_toplevel (CEP_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  style_row = ADW_COMBO_ROW (gtk_widget_get_template_child (preferences,
                                                            CEP_TYPE_PREFERENCES_WINDOW,
                                                            "style_row"));
  adw_combo_row_set_selected (style_row, 2);
  g_assert_cmpint (g_settings_get_enum (settings, "color-scheme"), ==, 2);
  g_assert_true (adw_style_manager_get_dark (adw_style_manager_get_default ()));
  cairo_surface_destroy (cep_ui_test_screenshot (preferences, "preferences-dark",
                                                 GTK_WIDGET (style_row), NULL));
  adw_combo_row_set_selected (style_row, 1);
  g_assert_false (adw_style_manager_get_dark (adw_style_manager_get_default ()));
  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_shortcuts_window (void)
{
  CepWindow *window = new_window ();
  GtkWidget *shortcuts;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  gtk_test_widget_wait_for_draw (shortcuts);
  cairo_surface_destroy (cep_ui_test_screenshot (shortcuts, "shortcuts",
                                                 gtk_window_get_child (GTK_WINDOW (shortcuts)),
                                                 NULL));
  gtk_window_destroy (GTK_WINDOW (shortcuts));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The window opens an experiment.json: every page shows its settings. */
static void
test_open_experiment (void)
{
  g_autofree char *demo = cep_ui_test_demo_root ();
  g_autofree char *dir = NULL, *path = NULL;
  g_autoptr (CepExperiment) written = cep_experiment_new ();
  g_autoptr (GError) error = NULL;
  const CepExperiment *shown;
  CepWindow *window;

  if (demo == NULL)
    {
      g_test_skip ("no demo dataset (set CEPSTRA_DEMO_DIR)");
      return;
    }
  window = new_window_with_demo ();
  dir = g_dir_make_tmp ("cepstra-experiment-XXXXXX", NULL);
  path = g_build_filename (dir, "experiment.json", NULL);
  written->train.epochs = 9;
  written->train.optimizer.lr = 0.0042;
  written->model->context = 12;
  g_assert_true (cep_experiment_save (written, path, &error));
  g_assert_true (cep_window_open_experiment (window, path, &error));
  g_assert_no_error (error);
  shown = cep_session_get_experiment (cep_window_get_session (window));
  g_assert_cmpuint (shown->train.epochs, ==, 9);
  g_assert_cmpuint (shown->model->context, ==, 12);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (
                                    page_child (window, "train", "lr_spin"))), 0.0042, 1e-9);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (
                     page_child (window, "model", "context_spin"))), ==, 12);
  /* A file that is no experiment is refused with its name. */
  g_assert_true (g_file_set_contents (path, "{ nope", -1, NULL));
  g_clear_error (&error);
  g_assert_false (cep_window_open_experiment (window, path, &error));
  g_assert_nonnull (strstr (error->message, "experiment.json"));
  g_assert_cmpuint (cep_session_get_experiment (cep_window_get_session (window))->train.epochs,
                    ==, 9);
  /* Hostile ones too, as the CLI refuses them: nested past the bound (json-glib's recursion
   * overflowed the stack), a section twice, a section missing, a thread count past the cap. */
  {
    g_autofree char *deep = g_strnfill (100000, '[');
    const char *hostile[][2] = {
      { deep, "nested more than 64 levels" },
      { "{\"format\": \"cepstra-experiment\", \"model\": {}, \"model\": {}, \"train\": {}}",
        "appears twice" },
      { "{\"format\": \"cepstra-experiment\", \"train\": {}}", "model: missing" },
      { "{\"format\": \"cepstra-experiment\", \"model\": {}, \"train\": {\"threads\": 9999}}",
        "train.threads" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
      {
        g_assert_true (g_file_set_contents (path, hostile[i][0], -1, NULL));
        g_clear_error (&error);
        g_assert_false (cep_window_open_experiment (window, path, &error));
        g_assert_nonnull (strstr (error->message, "experiment.json"));
        g_assert_nonnull (strstr (error->message, hostile[i][1]));
        g_assert_cmpuint (cep_session_get_experiment (
                            cep_window_get_session (window))->train.epochs, ==, 9);
      }
  }
  g_unlink (path);
  g_rmdir (dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Copies @count utterances of the demo's dev-clean into @root/dev-clean. */
static void
copy_utterances (const char *demo,
                 const char *root,
                 guint       count)
{
  const char *parts[] = { "mfcc", "transcript" };
  g_autofree char *mfcc = g_build_filename (demo, "dev-clean", "mfcc", NULL);
  g_autoptr (GDir) dir = g_dir_open (mfcc, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  for (guint n = 0; n < count && (name = g_dir_read_name (dir)) != NULL; n++)
    for (guint p = 0; p < G_N_ELEMENTS (parts); p++)
      {
        g_autofree char *from = g_build_filename (demo, "dev-clean", parts[p], name, NULL);
        g_autofree char *to_dir = g_build_filename (root, "dev-clean", parts[p], NULL);
        g_autofree char *to = g_build_filename (to_dir, name, NULL);
        g_autofree char *bytes = NULL;
        gsize length;

        g_mkdir_with_parents (to_dir, 0755);
        g_assert_true (g_file_get_contents (from, &bytes, &length, NULL));
        g_assert_true (g_file_set_contents (to, bytes, (gssize) length, NULL));
      }
}

static gboolean
dialog_shown (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

/* The bug: skipped files were one truncated toast. Every one is listed, with its reason. */
static void
test_skipped_files_listed (void)
{
  g_autofree char *demo = cep_ui_test_demo_root ();
  g_autoptr (GSettings) settings = g_settings_new (CEP_APPLICATION_ID);
  g_autofree char *root = NULL, *bad = NULL, *bad_labels = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *label;
  CepWindow *window;

  if (demo == NULL)
    {
      g_test_skip ("no demo dataset (set CEPSTRA_DEMO_DIR)");
      return;
    }
  root = g_dir_make_tmp ("cepstra-skipped-XXXXXX", NULL);
  copy_utterances (demo, root, 3);
  bad = g_build_filename (root, "dev-clean", "mfcc", "zz-broken.npy", NULL);
  bad_labels = g_build_filename (root, "dev-clean", "transcript", "zz-broken.npy", NULL);
  g_assert_true (g_file_set_contents (bad, "not an npy file", -1, NULL));
  g_assert_true (g_file_set_contents (bad_labels, "not one either", -1, NULL));
  /* A FIFO named like a feature file is skipped too, at once (opening it waited forever). */
  {
    g_autofree char *fifo = g_build_filename (root, "dev-clean", "mfcc", "zz-pipe.npy", NULL);
    g_autofree char *fifo_labels = g_build_filename (root, "dev-clean", "transcript",
                                                     "zz-pipe.npy", NULL);
    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    g_assert_true (g_file_set_contents (fifo_labels, "not read", -1, NULL));
  }
  window = new_window ();
  cep_window_open_dataset (window, root);
  g_assert_true (cep_ui_test_wait_for (dataset_loaded, window, 60000));
  g_assert_cmpuint (cep_session_get_skipped (cep_window_get_session (window))->len, ==, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-skipped", NULL));
  g_assert_true (cep_ui_test_wait_for (dialog_shown, NULL, 5000));
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "2 Files Skipped");
  label = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (
                                           adw_message_dialog_get_extra_child (dialog)));
  if (GTK_IS_VIEWPORT (label))
    label = gtk_viewport_get_child (GTK_VIEWPORT (label));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)), "zz-broken.npy"));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (label)),
                            "zz-pipe.npy: not a regular file (a FIFO)"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (dialog));
  cairo_surface_destroy (cep_ui_test_screenshot (GTK_WIDGET (dialog), "skipped-files", label,
                                                 NULL));
  close_toplevels (ADW_TYPE_MESSAGE_DIALOG);
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_set_string (settings, "last-dataset", "");
}

static void
test_accels (void)
{
  g_auto (GStrv) open = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                               "win.open-dataset");
  g_auto (GStrv) train = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                "win.show-page::train");
  g_auto (GStrv) quit = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");

  g_assert_cmpstr (open[0], ==, "<Control>o");
  g_assert_cmpstr (train[0], ==, "<Alt>3");
  g_assert_cmpstr (quit[0], ==, "<Control>q");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int status;

  cep_ui_test_init (&argc, &argv);
  app = cep_application_new ();
  /* Registering runs startup: actions, accelerators, the colour scheme. */
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/ui/window/accels", test_accels);
  g_test_add_func ("/ui/window/demo-by-default", test_demo_by_default);
  g_test_add_func ("/ui/window/pages", test_pages);
  g_test_add_func ("/ui/window/open-experiment", test_open_experiment);
  g_test_add_func ("/ui/window/skipped-files-listed", test_skipped_files_listed);
  g_test_add_func ("/ui/window/open-missing-folder", test_open_missing_folder);
  g_test_add_func ("/ui/window/cancel-load", test_cancel_load);
  g_test_add_func ("/ui/window/remembers-dataset-and-size", test_remembers_dataset_and_size);
  g_test_add_func ("/ui/window/preferences", test_preferences);
  g_test_add_func ("/ui/window/shortcuts", test_shortcuts_window);
  status = g_test_run ();
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
