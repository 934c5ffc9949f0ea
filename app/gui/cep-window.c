/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-window.c: the main window.
 *
 * Owns the session, the header bar (open, recent datasets, primary menu), the page stack, the
 * loading banner and the window's persistent state. Must not compute anything: the pages and
 * core do.
 */
#define G_LOG_DOMAIN "cepstra-window"

#include "cep-window.h"

#include <glib/gi18n.h>

#include "cep-application.h"
#include "cep-assignment-banner.h"
#include "cep-assignment-dialog.h"
#include "cep-data-page.h"
#include "cep-file-chooser.h"
#include "cep-sandbox.h"
#include "cep-model-page.h"
#include "cep-train-page.h"
#include "cep-analyze-page.h"
#include "cep-backends-page.h"

struct _CepWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  CepSession           *session;
  GCancellable         *load_cancellable;

  /* template */
  AdwToastOverlay      *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  GtkRevealer          *loading_revealer;
  GtkLabel             *loading_label;
  GtkProgressBar       *loading_progress;
  AdwViewStack         *stack;
  CepAssignmentBanner  *assignment_banner;
  GMenu                *recent_section;
  CepDataPage          *data_page;
  CepModelPage         *model_page;
  CepTrainPage         *train_page;
  CepAnalyzePage       *analyze_page;
  CepBackendsPage      *backends_page;
};

G_DEFINE_FINAL_TYPE (CepWindow, cep_window, ADW_TYPE_APPLICATION_WINDOW)

CepWindow *
cep_window_new (GtkApplication *application)
{
  return g_object_new (CEP_TYPE_WINDOW, "application", application, NULL);
}

CepSession *
cep_window_get_session (CepWindow *self)
{
  g_return_val_if_fail (CEP_IS_WINDOW (self), NULL);
  return self->session;
}

CepWindow *
cep_window_for_widget (GtkWidget *widget)
{
  GtkRoot *root = widget != NULL ? gtk_widget_get_root (widget) : NULL;

  return CEP_IS_WINDOW (root) ? CEP_WINDOW (root) : NULL;
}

/* ---- messages ---- */

void
cep_window_add_toast (CepWindow  *self,
                      const char *message)
{
  AdwToast *toast;
  g_autofree char *escaped = NULL;

  g_return_if_fail (CEP_IS_WINDOW (self));

  /* Toast titles are markup; file names may hold '&' or '<'. */
  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
cep_window_show_error (CepWindow    *self,
                       const char   *heading,
                       const GError *error)
{
  GtkWidget *dialog;

  g_return_if_fail (CEP_IS_WINDOW (self));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   error != NULL ? error->message : NULL);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", "_Close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  cep_window_add_toast (CEP_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
show_error_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  const char *heading, *message;
  g_autoptr (GError) error = NULL;

  g_variant_get (parameter, "(&s&s)", &heading, &message);
  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, message);
  cep_window_show_error (CEP_WINDOW (widget), heading, error);
}

/* ---- pages ---- */

void
cep_window_show_page (CepWindow  *self,
                      const char *name)
{
  g_return_if_fail (CEP_IS_WINDOW (self));

  if (adw_view_stack_get_child_by_name (self->stack, name) != NULL)
    adw_view_stack_set_visible_child_name (self->stack, name);
}

GtkWidget *
cep_window_get_page (CepWindow  *self,
                     const char *name)
{
  g_return_val_if_fail (CEP_IS_WINDOW (self), NULL);
  return adw_view_stack_get_child_by_name (self->stack, name);
}

const char *
cep_window_get_visible_page (CepWindow *self)
{
  g_return_val_if_fail (CEP_IS_WINDOW (self), NULL);
  return adw_view_stack_get_visible_child_name (self->stack);
}

/* ---- datasets ---- */

static char *
dataset_display_name (CepWindow *self)
{
  if (cep_session_is_demo (self->session))
    return g_strdup (_("Demo dataset"));
  return g_path_get_basename (cep_session_get_root (self->session));
}

static void
remember_dataset (CepWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  CepSession *session = self->session;
  const char *root = cep_session_is_demo (session) ? "" : cep_session_get_root (session);

  g_settings_set_string (self->settings, "last-dataset", root);
  if (*root != '\0' && CEP_IS_APPLICATION (app))
    cep_application_add_recent (CEP_APPLICATION (app), root);
}

/* Every skipped file with its reason, one per line, in a dialog that scrolls and can be
 * copied from (a toast has room for one). */
void
cep_window_show_skipped (CepWindow *self)
{
  GPtrArray *skipped = cep_session_get_skipped (self->session);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *heading = NULL;
  GtkWidget *dialog, *scrolled, *label;

  g_return_if_fail (CEP_IS_WINDOW (self));

  for (guint i = 0; i < skipped->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "",
                            ((CepSkippedFile *) g_ptr_array_index (skipped, i))->reason);
  heading = g_strdup_printf (g_dngettext (NULL, "%u File Skipped", "%u Files Skipped",
                                          skipped->len), skipped->len);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("These files were left out of the dataset:"));
  label = gtk_label_new (text->str);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), label);
  /* Wrapped to about the dialog's width and not scrolled sideways, so the natural height the
   * scrolled window takes is that of the wrapped text (it was cut off after two lines). */
  gtk_label_set_max_width_chars (GTK_LABEL (label), 36);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_skipped_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  cep_window_show_skipped (CEP_WINDOW (widget));
}

static void
report_skipped (CepWindow *self)
{
  GPtrArray *skipped = cep_session_get_skipped (self->session);
  g_autofree char *message = NULL;
  AdwToast *toast;

  if (skipped->len == 0)
    return;
  message = g_strdup_printf (g_dngettext (NULL, "Skipped %u file that could not be read",
                                          "Skipped %u files that could not be read",
                                          skipped->len), skipped->len);
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 10);
  adw_toast_set_button_label (toast, _("_Show Files"));
  adw_toast_set_action_name (toast, "win.show-skipped");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_dataset_loaded (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (CepWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *title = NULL;

  if (!cep_session_load_finish (CEP_SESSION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        cep_window_show_error (self, _("Could Not Open the Dataset"), error);
      return;
    }
  name = dataset_display_name (self);
  adw_view_switcher_title_set_subtitle (self->switcher_title, name);
  /* The dataset in the title too: it is what the window list, Alt+Tab and screen readers
   * name the window by. */
  title = g_strdup_printf (_("%s — Cepstra"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  remember_dataset (self);
  report_skipped (self);
}

void
cep_window_open_dataset (CepWindow  *self,
                         const char *root)
{
  g_return_if_fail (CEP_IS_WINDOW (self));

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  cep_session_load_async (self->session, root, self->load_cancellable, on_dataset_loaded,
                          g_object_ref (self));
}

void
cep_window_open_default (CepWindow *self)
{
  g_autofree char *last = NULL;

  g_return_if_fail (CEP_IS_WINDOW (self));

  last = g_settings_get_string (self->settings, "last-dataset");
  if (*last != '\0' && g_file_test (last, G_FILE_TEST_IS_DIR))
    cep_window_open_dataset (self, last);
  else
    cep_window_open_dataset (self, NULL);
}

static void
on_loading_changed (CepSession *session,
                    GParamSpec *pspec,
                    CepWindow  *self)
{
  gboolean loading = cep_session_get_loading (session);

  gtk_revealer_set_reveal_child (self->loading_revealer, loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-load", loading);
}

static void
on_progress_changed (CepSession *session,
                     GParamSpec *pspec,
                     CepWindow  *self)
{
  const char *status = cep_session_get_status (session);

  gtk_progress_bar_set_fraction (self->loading_progress, cep_session_get_progress (session));
  gtk_label_set_label (self->loading_label, status != NULL ? status : "");
}

/* ---- recent datasets ---- */

/* "demo (Datasets)": the folder and its parent, enough to tell two "dev" folders apart. A
 * folder shared through the Open dialog inside Flatpak lives at a document-portal path whose
 * parent is a random ID, so it is named as shared instead. */
static char *
recent_dataset_label (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *parent = NULL;
  g_autofree char *parent_base = NULL;

  if (cep_sandbox_is_document_path (path, NULL))
    return g_strdup_printf (_("%s (shared folder)"), base);
  parent = g_path_get_dirname (path);
  parent_base = g_path_get_basename (parent);
  return g_strdup_printf ("%s (%s)", base, parent_base);
}

static void
rebuild_recent_menu (CepWindow *self)
{
  g_auto (GStrv) recent = g_settings_get_strv (self->settings, "recent-datasets");

  g_menu_remove_all (self->recent_section);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *label = recent_dataset_label (recent[i]);
      g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (recent[i]));
      g_menu_append_item (self->recent_section, item);
    }
}

static void
on_recent_changed (GSettings  *settings,
                   const char *key,
                   CepWindow  *self)
{
  rebuild_recent_menu (self);
}

/* ---- actions ---- */

static void
on_folder_chosen (GPtrArray *files,
                  gpointer   user_data)
{
  g_autoptr (CepWindow) self = user_data;
  g_autofree char *path = NULL;

  if (files->len == 0)
    return;
  path = g_file_get_path (g_ptr_array_index (files, 0));
  if (path != NULL)
    cep_window_open_dataset (self, path);
}

static void
open_dataset_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  cep_choose_folder (GTK_WINDOW (widget), _("Open Dataset"), "_Open", on_folder_chosen,
                     g_object_ref (widget));
}

gboolean
cep_window_open_experiment (CepWindow   *self,
                            const char  *path,
                            GError     **error)
{
  g_auto (GStrv) warnings = NULL;
  g_autoptr (CepExperiment) experiment = NULL;
  const char *root;
  g_autofree char *message = NULL;

  g_return_val_if_fail (CEP_IS_WINDOW (self), FALSE);

  experiment = cep_experiment_load (path, &warnings, error);
  if (experiment == NULL)
    return FALSE;
  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    cep_window_add_toast (self, warnings[i]);
  root = experiment->data.root;
  message = g_strdup_printf (_("Opened the experiment %s"),
                             cep_experiment_get_display_name (experiment));
  cep_session_set_experiment (self->session, g_steal_pointer (&experiment));
  /* Its dataset too, when it is not the one open (NULL: the demo dataset). */
  if (g_strcmp0 (root, cep_session_is_demo (self->session) ? NULL
                                                           : cep_session_get_root (self->session))
      != 0)
    cep_window_open_dataset (self, root);
  cep_window_add_toast (self, message);
  return TRUE;
}

static void
on_experiment_chosen (GPtrArray *files,
                      gpointer   user_data)
{
  g_autoptr (CepWindow) self = user_data;
  g_autofree char *path = files->len > 0 ? g_file_get_path (g_ptr_array_index (files, 0)) : NULL;
  g_autoptr (GError) error = NULL;

  if (path != NULL && !cep_window_open_experiment (self, path, &error))
    cep_window_show_error (self, _("Could Not Open the Experiment"), error);
}

static void
open_experiment_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  cep_choose_experiment (GTK_WINDOW (widget), on_experiment_chosen, g_object_ref (widget));
}

/* ---- assignments ---- */

/* Lockdown (an administrator's GSettings): whether a student may leave an assignment. */
static void
update_assignment_actions (CepWindow *self)
{
  gboolean open = cep_session_get_assignment (self->session) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.leave-assignment",
                                 open && g_settings_get_boolean (self->settings,
                                                                 "allow-leave-assignment"));
  /* Under a lockdown a student cannot swap the assignment for another either. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-assignment",
                                 !open || g_settings_get_boolean (self->settings,
                                                                  "allow-leave-assignment"));
}

gboolean
cep_window_open_assignment (CepWindow   *self,
                            const char  *path,
                            GError     **error)
{
  g_autoptr (CepAssignment) assignment = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (CEP_IS_WINDOW (self), FALSE);

  if (cep_session_get_assignment (self->session) != NULL
      && !g_settings_get_boolean (self->settings, "allow-leave-assignment"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _("%s: this computer keeps the open assignment until the window is "
                     "closed"), path);
      return FALSE;
    }
  assignment = cep_assignment_load (path, error);
  if (assignment == NULL)
    return FALSE;
  cep_session_set_assignment (self->session, assignment);
  message = g_strdup_printf (_("Opened the assignment “%s”"),
                             cep_assignment_get_title (assignment));
  cep_window_add_toast (self, message);
  return TRUE;
}

static void
on_assignment_chosen (GPtrArray *files,
                      gpointer   user_data)
{
  g_autoptr (CepWindow) self = user_data;
  g_autofree char *path = files->len > 0 ? g_file_get_path (g_ptr_array_index (files, 0)) : NULL;
  g_autoptr (GError) error = NULL;

  if (path != NULL && !cep_window_open_assignment (self, path, &error))
    cep_window_show_error (self, _("Could Not Open the Assignment"), error);
}

static void
open_assignment_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CepWindow *self = CEP_WINDOW (widget);
  g_autofree char *folder = g_settings_get_string (self->settings, "assignment-folder");

  cep_choose_assignment (GTK_WINDOW (widget), folder[0] != '\0' ? folder : NULL,
                         on_assignment_chosen, g_object_ref (widget));
}

static void
leave_assignment_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  CepWindow *self = CEP_WINDOW (widget);

  if (!g_settings_get_boolean (self->settings, "allow-leave-assignment"))
    return;
  cep_session_set_assignment (self->session, NULL);
  cep_window_add_toast (self, _("Left the assignment: every setting is yours again"));
}

static void
save_assignment_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CepWindow *self = CEP_WINDOW (widget);

  cep_assignment_dialog_present (GTK_WINDOW (self), self->session);
}

/* A .cepstra-assignment dropped on the window opens as the assignment. */
static gboolean
on_file_dropped (GtkDropTarget *target,
                 const GValue  *value,
                 double         x,
                 double         y,
                 CepWindow     *self)
{
  GFile *file = g_value_get_object (value);
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
  g_autoptr (GError) error = NULL;

  if (path == NULL || !g_str_has_suffix (path, CEP_ASSIGNMENT_SUFFIX))
    return FALSE;
  if (!cep_window_open_assignment (self, path, &error))
    cep_window_show_error (self, _("Could Not Open the Assignment"), error);
  return TRUE;
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CepWindow *self = CEP_WINDOW (widget);
  const char *root = g_variant_get_string (parameter, NULL);

  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *message = g_strdup_printf ("%s: the folder no longer exists", root);

      cep_window_add_toast (self, message);
      return;
    }
  cep_window_open_dataset (self, root);
}

static void
open_demo_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  cep_window_open_dataset (CEP_WINDOW (widget), NULL);
}

static void
cancel_load_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CepWindow *self = CEP_WINDOW (widget);

  g_cancellable_cancel (self->load_cancellable);
  cep_window_add_toast (self, _("Loading cancelled"));
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CepWindow *self = CEP_WINDOW (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  GtkWidget *page = adw_view_stack_get_child_by_name (self->stack, name);

  cep_window_show_page (self, name);
  /* Alt+N is how the keyboard reaches a page: focus moves into it, so the page's own
   * shortcuts (Ctrl+Return starts training) work at once; otherwise focus stays on a widget
   * of the page just hidden, or on none. */
  if (page != NULL)
    gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD);
}

void
cep_window_set_accels (GtkApplication *application)
{
  static const struct { const char *action; const char *accels[2]; } table[] = {
    { "win.open-dataset", { "<Control>o", NULL } },
    { "win.open-experiment", { "<Control><Shift>o", NULL } },
    { "win.show-page::data", { "<Alt>1", NULL } },
    { "win.show-page::model", { "<Alt>2", NULL } },
    { "win.show-page::train", { "<Alt>3", NULL } },
    { "win.show-page::analyze", { "<Alt>4", NULL } },
    { "win.show-page::backends", { "<Alt>5", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    gtk_application_set_accels_for_action (application, table[i].action, table[i].accels);
}

/* ---- window state ---- */

static void
save_window_state (CepWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", MAX (width, 360));
      g_settings_set_int (self->settings, "window-height", MAX (height, 294));
    }
}

static void
restore_window_state (CepWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
cep_window_close_request (GtkWindow *window)
{
  CepWindow *self = CEP_WINDOW (window);

  save_window_state (self);
  g_cancellable_cancel (self->load_cancellable);
  return GTK_WINDOW_CLASS (cep_window_parent_class)->close_request (window);
}

/* ---- GObject ---- */

static void
cep_window_dispose (GObject *object)
{
  CepWindow *self = CEP_WINDOW (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_WINDOW);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (cep_window_parent_class)->dispose (object);
}

static void
cep_window_class_init (CepWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = cep_window_dispose;
  window_class->close_request = cep_window_close_request;

  g_type_ensure (CEP_TYPE_DATA_PAGE);
  g_type_ensure (CEP_TYPE_MODEL_PAGE);
  g_type_ensure (CEP_TYPE_TRAIN_PAGE);
  g_type_ensure (CEP_TYPE_ANALYZE_PAGE);
  g_type_ensure (CEP_TYPE_BACKENDS_PAGE);
  g_type_ensure (CEP_TYPE_ASSIGNMENT_BANNER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/cep-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CepWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CepWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, CepWindow, loading_revealer);
  gtk_widget_class_bind_template_child (widget_class, CepWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, CepWindow, loading_progress);
  gtk_widget_class_bind_template_child (widget_class, CepWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CepWindow, assignment_banner);
  gtk_widget_class_bind_template_child (widget_class, CepWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, CepWindow, data_page);
  gtk_widget_class_bind_template_child (widget_class, CepWindow, model_page);
  gtk_widget_class_bind_template_child (widget_class, CepWindow, train_page);
  gtk_widget_class_bind_template_child (widget_class, CepWindow, analyze_page);
  gtk_widget_class_bind_template_child (widget_class, CepWindow, backends_page);

  gtk_widget_class_install_action (widget_class, "win.open-dataset", NULL, open_dataset_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.open-demo", NULL, open_demo_action);
  gtk_widget_class_install_action (widget_class, "win.show-skipped", NULL, show_skipped_action);
  gtk_widget_class_install_action (widget_class, "win.open-experiment", NULL,
                                   open_experiment_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-load", NULL, cancel_load_action);
  gtk_widget_class_install_action (widget_class, "win.open-assignment", NULL,
                                   open_assignment_action);
  gtk_widget_class_install_action (widget_class, "win.leave-assignment", NULL,
                                   leave_assignment_action);
  gtk_widget_class_install_action (widget_class, "win.save-assignment", NULL,
                                   save_assignment_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  /* How pages report without knowing the window (cep_widget_report*). */
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.show-error", "(ss)", show_error_action);
}

static void
connect_session (CepWindow *self)
{
  g_signal_connect (self->session, "notify::loading", G_CALLBACK (on_loading_changed), self);
  g_signal_connect (self->session, "notify::progress", G_CALLBACK (on_progress_changed), self);
  g_signal_connect (self->session, "notify::status", G_CALLBACK (on_progress_changed), self);
  cep_data_page_set_session (self->data_page, self->session);
  cep_model_page_set_session (self->model_page, self->session);
  cep_train_page_set_session (self->train_page, self->session);
  cep_analyze_page_set_session (self->analyze_page, self->session);
  cep_backends_page_set_session (self->backends_page, self->session);
  cep_assignment_banner_set_session (self->assignment_banner, self->session);
  g_signal_connect_swapped (self->session, "notify::assignment",
                            G_CALLBACK (update_assignment_actions), self);
}

static void
cep_window_init (CepWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (CEP_APPLICATION_ID);
  self->session = cep_session_new ();
  connect_session (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-load", FALSE);
  g_signal_connect_object (self->settings, "changed::recent-datasets",
                           G_CALLBACK (on_recent_changed), self, 0);
  g_signal_connect_object (self->settings, "changed::allow-leave-assignment",
                           G_CALLBACK (update_assignment_actions), self, G_CONNECT_SWAPPED);
  update_assignment_actions (self);
  {
    GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);

    g_signal_connect (drop, "drop", G_CALLBACK (on_file_dropped), self);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  }
  rebuild_recent_menu (self);
  restore_window_state (self);
}
