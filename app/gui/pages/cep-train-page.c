/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-page.c: the Train page.
 *
 * Composes the form, the current run's controls and curves and the run history (each a widget
 * of its own in pages/train/), and owns what joins them: the run controller they follow, the
 * batch-size experiment's queue, and the train.* actions. An action's rule for when it is
 * enabled often needs two parts at once (resume: an idle controller and a selected run), so
 * the actions live here and call into the part that does the work.
 */
#define G_LOG_DOMAIN "cepstra-train-page"

#include "cep-train-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cep-application.h"
#include "cep-batch-size-queue.h"
#include "cep-gui-util.h"
#include "cep-handin-dialog.h"
#include "cep-run-history-view.h"
#include "cep-run-transfer.h"
#include "cep-train-form.h"
#include "cep-train-live-view.h"
#include "cep-train-run-controls.h"

struct _CepTrainPage
{
  GtkWidget            parent_instance;

  CepSession          *session;
  CepTrainController  *controller;
  CepBatchSizeQueue   *batch_queue;

  /* template */
  CepTrainForm        *form;
  CepTrainRunControls *run_controls;
  GtkStack            *view_stack;
  CepTrainLiveView    *live_view;
  CepRunHistoryView   *run_history;
};

enum
{
  SIGNAL_HISTORY_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CepTrainPage, cep_train_page, GTK_TYPE_WIDGET)

static void update_actions (CepTrainPage *self);

static CepExperiment *
experiment (CepTrainPage *self)
{
  return self->session != NULL ? cep_session_get_experiment (self->session) : NULL;
}

static const CepRunInfo *
selected_run (CepTrainPage *self)
{
  CepRunItem *item = cep_run_history_view_get_selected (self->run_history);

  return item != NULL ? cep_run_item_get_info (item) : NULL;
}

/* ---- what the tests and the window use ---- */

CepTrainController *
cep_train_page_get_controller (CepTrainPage *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_PAGE (self), NULL);
  return self->controller;
}

guint64
cep_train_page_get_n_ui_updates (CepTrainPage *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_PAGE (self), 0);
  return cep_train_live_view_get_n_updates (self->live_view);
}

guint
cep_train_page_get_n_queued (CepTrainPage *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_PAGE (self), 0);
  return cep_batch_size_queue_get_n_queued (self->batch_queue);
}

const char *
cep_train_page_get_model_summary (CepTrainPage *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_PAGE (self), NULL);
  return cep_train_form_get_model_summary (self->form);
}

void
cep_train_page_refresh_history (CepTrainPage *self)
{
  g_return_if_fail (CEP_IS_TRAIN_PAGE (self));

  if (self->session != NULL)
    cep_run_history_view_list (self->run_history, experiment (self)->data.root);
}

guint
cep_train_page_get_n_history (CepTrainPage *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_PAGE (self), 0);
  return cep_run_history_view_get_n_runs (self->run_history);
}

void
cep_train_page_compare_run (CepTrainPage *self,
                            guint         index,
                            gboolean      compared)
{
  g_return_if_fail (CEP_IS_TRAIN_PAGE (self));
  cep_run_history_view_compare_run (self->run_history, index, compared);
}

const char *
cep_train_page_get_compared_accuracy_label (CepTrainPage *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_PAGE (self), NULL);
  return cep_run_history_view_get_compared_accuracy_label (self->run_history);
}

/* ---- starting runs ---- */

static CepPartition *
partition_for (CepTrainPage *self,
               const char   *chosen,
               const char   *role_default)
{
  return cep_session_get_partition (self->session, chosen != NULL ? chosen : role_default);
}

/* The assignment's rules, enforced by core on the experiment as it would train. */
static gboolean
check_assignment (CepTrainPage         *self,
                  const CepExperiment  *e,
                  GError              **error)
{
  CepAssignment *assignment = cep_session_get_assignment (self->session);

  return assignment == NULL || cep_assignment_check_experiment (assignment, e, error);
}

/* A lab machine's administrator may allow only some backends (GSettings allowed-backends). */
static gboolean
check_backend_allowed (const CepExperiment  *e,
                       GError              **error)
{
  g_autoptr (GSettings) settings = g_settings_new (CEP_APPLICATION_ID);
  g_auto (GStrv) allowed = g_settings_get_strv (settings, "allowed-backends");
  g_autofree char *list = NULL;

  if (allowed[0] == NULL || g_strv_contains ((const char * const *) allowed, e->train.backend))
    return TRUE;
  list = g_strjoinv (", ", allowed);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
               _("The backend “%s” is not allowed on this computer (allowed: %s)"),
               e->train.backend, list);
  return FALSE;
}

static gboolean
start_experiment (CepTrainPage         *self,
                  const CepExperiment  *e,
                  gboolean              with_dev,
                  const char           *run_dir,
                  gboolean              resume,
                  GError              **error)
{
  CepDataset *dataset = self->session != NULL ? cep_session_get_dataset (self->session) : NULL;
  CepPartition *train, *dev = NULL;

  if (dataset == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("No dataset is open"));
      return FALSE;
    }
  if (!cep_experiment_validate (e, error) || !cep_experiment_check_param_limit (e, error)
      || !check_assignment (self, e, error) || !check_backend_allowed (e, error))
    return FALSE;
  cep_train_controller_set_assignment (self->controller,
                                       cep_session_get_assignment (self->session));
  train = partition_for (self, e->data.train_partition, cep_dataset_get_train_name (dataset));
  if (train == NULL)
    {
      g_autofree char *why = cep_dataset_explain_no_train (dataset);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, why);
      return FALSE;
    }
  if (with_dev)
    dev = partition_for (self, e->data.dev_partition, cep_dataset_get_dev_name (dataset));
  /* No override: the run trains on the experiment's backend and device (a resumed run on
   * the ones it recorded). */
  if (!cep_train_controller_start (self->controller, e, train, dev, run_dir, NULL, resume))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "A run is already under way");
      return FALSE;
    }
  gtk_stack_set_visible_child_name (self->view_stack, "current");
  return TRUE;
}

gboolean
cep_train_page_start (CepTrainPage  *self,
                      GError       **error)
{
  g_return_val_if_fail (CEP_IS_TRAIN_PAGE (self), FALSE);

  if (self->session == NULL)
    return FALSE;
  return start_experiment (self, experiment (self), TRUE, NULL, FALSE, error);
}

/* ---- the batch-size experiment (Programming Machine Learning, ch. 13) ---- */

static void
start_next_queued (CepTrainPage *self)
{
  g_autoptr (CepExperiment) next = cep_batch_size_queue_pop (self->batch_queue);
  g_autoptr (GError) error = NULL;

  if (next == NULL)
    return;
  /* Loss against seconds compares training itself: no dev evaluation in between. */
  if (!start_experiment (self, next, FALSE, NULL, FALSE, &error))
    {
      cep_batch_size_queue_clear (self->batch_queue);
      cep_widget_report_error (GTK_WIDGET (self), _("Could Not Start the Run"), error);
    }
}

static void
begin_batch_experiment (CepTrainPage *self)
{
  CepDataset *dataset = cep_session_get_dataset (self->session);
  const CepExperiment *base = experiment (self);
  CepPartition *train = partition_for (self, base->data.train_partition,
                                       cep_dataset_get_train_name (dataset));

  cep_batch_size_queue_begin (self->batch_queue, base,
                              train != NULL ? cep_partition_get_n_frames (train) : 0);
  start_next_queued (self);
}

/* After a run of the batch-size experiment: the next one, or once all three have finished,
 * their comparison against wall time. FALSE when the history is still to be listed. */
static gboolean
advance_batch_experiment (CepTrainPage *self,
                          guint         status,
                          const char   *run_dir)
{
  const char * const *finished;

  if (!cep_batch_size_queue_is_active (self->batch_queue))
    return FALSE;
  if (status != CEP_RUN_STATUS_FINISHED)
    {
      cep_batch_size_queue_clear (self->batch_queue);
      return FALSE;
    }
  cep_batch_size_queue_run_finished (self->batch_queue, run_dir);
  finished = cep_batch_size_queue_get_finished (self->batch_queue);
  if (finished == NULL)
    {
      start_next_queued (self);
      return FALSE;
    }
  cep_run_history_view_set_axis (self->run_history, CEP_RUN_COMPARE_TIME);
  cep_run_history_view_refresh_comparing (self->run_history, finished);
  cep_batch_size_queue_clear (self->batch_queue);
  gtk_stack_set_visible_child_name (self->view_stack, "history");
  return TRUE;
}

/* ---- the controller ---- */

static void
on_controller_finished (CepTrainController *controller,
                        guint               status,
                        const GError       *error,
                        CepTrainPage       *self)
{
  if (status == CEP_RUN_STATUS_FAILED && error != NULL)
    cep_widget_report_error (GTK_WIDGET (self), _("Training Failed"), error);
  if (!advance_batch_experiment (self, status, cep_train_controller_get_run_dir (controller)))
    cep_train_page_refresh_history (self);
  update_actions (self);
}

static void
on_controller_start_failed (CepTrainController *controller,
                            const GError       *error,
                            CepTrainPage       *self)
{
  cep_batch_size_queue_clear (self->batch_queue);
  cep_widget_report_error (GTK_WIDGET (self), _("Could Not Start Training"), error);
  update_actions (self);
}

static void
on_controller_notice (CepTrainController *controller,
                      const char         *message,
                      CepTrainPage       *self)
{
  cep_widget_report (GTK_WIDGET (self), message);
}

/* ---- the history ---- */

static void
on_history_loaded (CepTrainPage *self)
{
  update_actions (self);
  g_signal_emit (self, signals[SIGNAL_HISTORY_LOADED], 0);
}

/* ---- actions ---- */

static gboolean
is_current_run (CepTrainPage     *self,
                const CepRunInfo *info)
{
  const char *current = cep_train_controller_get_run_dir (self->controller);

  return current != NULL && g_strcmp0 (current, info->dir) == 0;
}

static void
update_actions (CepTrainPage *self)
{
  CepTrainState state = cep_train_controller_get_state (self->controller);
  gboolean idle = state == CEP_TRAIN_STATE_IDLE;
  gboolean has_data = self->session != NULL && cep_session_get_dataset (self->session) != NULL;
  const CepRunInfo *selected = selected_run (self);
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean stoppable = state == CEP_TRAIN_STATE_RUNNING || state == CEP_TRAIN_STATE_PAUSED
                       || state == CEP_TRAIN_STATE_STARTING;

  gtk_widget_action_set_enabled (widget, "train.start", idle && has_data);
  gtk_widget_action_set_enabled (widget, "train.pause", state == CEP_TRAIN_STATE_RUNNING
                                                        || state == CEP_TRAIN_STATE_PAUSED);
  gtk_widget_action_set_enabled (widget, "train.stop", stoppable);
  gtk_widget_action_set_enabled (widget, "train.ask-stop", stoppable);
  gtk_widget_action_set_enabled (widget, "train.batch-experiment", idle && has_data);
  gtk_widget_action_set_enabled (widget, "train.resume-run",
                                 idle && has_data && selected != NULL
                                 && cep_run_info_can_resume (selected));
  gtk_widget_action_set_enabled (widget, "train.open-run-folder", selected != NULL);
  gtk_widget_action_set_enabled (widget, "train.annotate-run", selected != NULL);
  /* A run still training has no final checkpoint to hand in. */
  gtk_widget_action_set_enabled (widget, "train.hand-in-run",
                                 selected != NULL && !(is_current_run (self, selected) && !idle));
  gtk_widget_action_set_enabled (widget, "train.export-torch", selected != NULL);
  /* The run being trained is the trainer's until it ends. */
  gtk_widget_action_set_enabled (widget, "train.trash-run",
                                 selected != NULL && !(is_current_run (self, selected) && !idle));
  gtk_widget_action_set_enabled (widget, "train.reuse-run", idle && selected != NULL);
  gtk_widget_action_set_enabled (widget, "train.open-folder",
                                 cep_train_controller_get_run_dir (self->controller) != NULL);
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);
  g_autoptr (GError) error = NULL;

  cep_batch_size_queue_clear (self->batch_queue);
  if (!cep_train_page_start (self, &error))
    cep_widget_report_error (widget, _("Could Not Start Training"), error);
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);

  if (cep_train_controller_get_state (self->controller) == CEP_TRAIN_STATE_PAUSED)
    cep_train_controller_unpause (self->controller);
  else
    cep_train_controller_pause (self->controller);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);

  cep_batch_size_queue_clear (self->batch_queue);
  cep_train_controller_stop (self->controller);
}

static void
on_stop_answered (AdwMessageDialog *dialog,
                  const char       *response,
                  CepTrainPage     *self)
{
  if (g_str_equal (response, "stop"))
    gtk_widget_activate_action (GTK_WIDGET (self), "train.stop", NULL);
}

/* The keyboard's Stop (Ctrl+. sits next to Ctrl+, for Preferences) asks first; the Stop
 * button, a deliberate click, does not. */
static void
ask_stop_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (cep_widget_get_window (widget), _("Stop Training?"),
                                   _("The run stops after this step. Its completed epochs stay "
                                     "saved, and Resume continues it."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "continue", _("_Continue"),
                                    "stop", _("_Stop"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "continue");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "continue");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_stop_answered), widget, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
batch_experiment_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  begin_batch_experiment (CEP_TRAIN_PAGE (widget));
}

static void
resume_run_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);
  const CepRunInfo *info = selected_run (self);
  g_autoptr (GError) error = NULL;

  if (info == NULL)
    return;
  if (!start_experiment (self, info->experiment, TRUE, info->dir, TRUE, &error))
    cep_widget_report_error (widget, _("Could Not Resume the Run"), error);
}

/* The selected run's settings into the form (and every page): Start trains them again. */
static void
reuse_run_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);
  const CepRunInfo *info = selected_run (self);
  g_autofree char *message = NULL;

  if (info == NULL || self->session == NULL)
    return;
  cep_session_set_experiment (self->session, cep_experiment_copy (info->experiment));
  message = g_strdup_printf (_("The settings of %s are in the form: Start trains them again"),
                             info->id);
  cep_widget_report (widget, message);
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);

  if (g_str_equal (action_name, "train.open-run-folder"))
    cep_run_history_view_open_selected_folder (self->run_history);
  else
    cep_train_live_view_open_folder (self->live_view);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);

  if (g_str_equal (action_name, "train.export-metrics"))
    cep_train_live_view_export_metrics (self->live_view);
  else if (g_str_equal (action_name, "train.export-comparison"))
    cep_run_history_view_export_comparison (self->run_history);
  else
    cep_train_live_view_export_plot (self->live_view);
}

static void
annotate_run_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  cep_run_history_view_annotate_selected (CEP_TRAIN_PAGE (widget)->run_history);
}

static void
on_handed_in (GtkWidget    *owner,
              const char   *path,
              const GError *error,
              gpointer      user_data)
{
  g_autofree char *message = NULL;

  if (error != NULL)
    {
      cep_widget_report_error (owner, _("Could Not Hand In the Run"), error);
      return;
    }
  /* Translators: %s is the hand-in file's path. */
  message = g_strdup_printf (_("Handed in as %s"), path);
  cep_widget_report (owner, message);
}

static void
hand_in_run_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  const CepRunInfo *info = selected_run (CEP_TRAIN_PAGE (widget));

  if (info != NULL)
    cep_handin_dialog_present (widget, info->dir, NULL, on_handed_in, NULL);
}

static void
export_torch_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  const CepRunInfo *info = selected_run (CEP_TRAIN_PAGE (widget));

  if (info != NULL)
    cep_run_transfer_export_torch (widget, info->dir);
}

static void
on_run_imported (GtkWidget *owner,
                 gpointer   user_data)
{
  cep_train_page_refresh_history (CEP_TRAIN_PAGE (owner));
}

static void
import_run_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  cep_run_transfer_import (widget, NULL, on_run_imported, NULL);
}

static void
trash_run_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);
  const CepRunInfo *info = selected_run (self);

  if (info == NULL || (is_current_run (self, info)
                       && cep_train_controller_get_state (self->controller)
                          != CEP_TRAIN_STATE_IDLE))
    return;
  cep_run_history_view_trash_selected (self->run_history);
}

static void
refresh_history_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  cep_train_page_refresh_history (CEP_TRAIN_PAGE (widget));
}

/* ---- the session ---- */

static void
on_experiment_changed (CepSession   *session,
                       guint         what,
                       CepTrainPage *self)
{
  if (what & CEP_SESSION_CHANGED_DATA)
    cep_train_page_refresh_history (self);
  update_actions (self);
}

void
cep_train_page_set_session (CepTrainPage *self,
                            CepSession   *session)
{
  g_return_if_fail (CEP_IS_TRAIN_PAGE (self));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  cep_train_form_set_session (self->form, session);
  if (session == NULL)
    return;
  g_signal_connect (session, "experiment-changed", G_CALLBACK (on_experiment_changed), self);
  update_actions (self);
  cep_train_page_refresh_history (self);
}

/* ---- GObject ---- */

static void
cep_train_page_dispose (GObject *object)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  /* A listing under way keeps the history view alive past the page. */
  if (self->run_history != NULL)
    g_signal_handlers_disconnect_by_data (self->run_history, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_TRAIN_PAGE);
  cep_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->controller);
  g_clear_object (&self->batch_queue);
  G_OBJECT_CLASS (cep_train_page_parent_class)->dispose (object);
}

static void
bind_template (GtkWidgetClass *widget_class)
{
  g_type_ensure (CEP_TYPE_TRAIN_FORM);
  g_type_ensure (CEP_TYPE_TRAIN_RUN_CONTROLS);
  g_type_ensure (CEP_TYPE_TRAIN_LIVE_VIEW);
  g_type_ensure (CEP_TYPE_RUN_HISTORY_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/cep-train-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CepTrainPage, form);
  gtk_widget_class_bind_template_child (widget_class, CepTrainPage, run_controls);
  gtk_widget_class_bind_template_child (widget_class, CepTrainPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CepTrainPage, live_view);
  gtk_widget_class_bind_template_child (widget_class, CepTrainPage, run_history);
}

static void
install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "train.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "train.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "train.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "train.ask-stop", NULL, ask_stop_action);
  gtk_widget_class_install_action (widget_class, "train.batch-experiment", NULL,
                                   batch_experiment_action);
  gtk_widget_class_install_action (widget_class, "train.resume-run", NULL, resume_run_action);
  gtk_widget_class_install_action (widget_class, "train.reuse-run", NULL, reuse_run_action);
  gtk_widget_class_install_action (widget_class, "train.open-folder", NULL, open_folder_action);
  gtk_widget_class_install_action (widget_class, "train.open-run-folder", NULL,
                                   open_folder_action);
  gtk_widget_class_install_action (widget_class, "train.export-plot", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "train.export-metrics", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "train.export-comparison", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "train.annotate-run", NULL,
                                   annotate_run_action);
  gtk_widget_class_install_action (widget_class, "train.trash-run", NULL, trash_run_action);
  gtk_widget_class_install_action (widget_class, "train.hand-in-run", NULL, hand_in_run_action);
  gtk_widget_class_install_action (widget_class, "train.export-torch", NULL,
                                   export_torch_action);
  gtk_widget_class_install_action (widget_class, "train.import-run", NULL, import_run_action);
  gtk_widget_class_install_action (widget_class, "train.refresh-history", NULL,
                                   refresh_history_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "train.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "train.pause",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_period, GDK_CONTROL_MASK,
                                       "train.ask-stop", NULL);
}

static void
cep_train_page_class_init (CepTrainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cep_train_page_dispose;
  bind_template (widget_class);
  install_actions (widget_class);
  /* The run folders were read again (after a refresh or a finished run). */
  signals[SIGNAL_HISTORY_LOADED] = g_signal_new ("history-loaded", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 0);
}

static void
connect_controller (CepTrainPage *self)
{
  g_signal_connect (self->controller, "finished", G_CALLBACK (on_controller_finished), self);
  g_signal_connect_swapped (self->controller, "notify::state", G_CALLBACK (update_actions),
                            self);
  g_signal_connect (self->controller, "start-failed", G_CALLBACK (on_controller_start_failed),
                    self);
  g_signal_connect (self->controller, "notice", G_CALLBACK (on_controller_notice), self);
}

static void
cep_train_page_init (CepTrainPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->controller = cep_train_controller_new ();
  self->batch_queue = cep_batch_size_queue_new ();
  /* The parts follow the run through the controller; the page reacts after them. */
  cep_train_run_controls_set_controller (self->run_controls, self->controller);
  cep_train_live_view_set_controller (self->live_view, self->controller);
  connect_controller (self);
  g_signal_connect_swapped (self->run_history, "loaded", G_CALLBACK (on_history_loaded), self);
  g_signal_connect_swapped (self->run_history, "notify::selected-run",
                            G_CALLBACK (update_actions), self);
  update_actions (self);
}
