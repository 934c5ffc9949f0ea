/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-page.c: the Train page.
 *
 * Owns the training form, the run controller, the history list and the three plots. The
 * numbers come from core: the trainer's events (through the controller) and the run folders
 * (through the history reader). The one thing computed here is the display smoothing of the
 * per-step loss (an exponential moving average, like TensorBoard's slider).
 */
#define G_LOG_DOMAIN "cepstra-train-page"

#include "cep-train-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cep-application.h"
#include "cep-backend.h"
#include "cep-batch-size-experiment.h"
#include "cep-backend-choice.h"
#include "cep-colormap.h"
#include "cep-curve-view.h"
#include "cep-file-chooser.h"
#include "cep-format.h"
#include "cep-gui-util.h"
#include "cep-run-edit-dialog.h"
#include "cep-run-item.h"
#include "cep-train-settings.h"

typedef enum
{
  AXIS_STEPS,
  AXIS_EPOCHS,
  AXIS_TIME,
} CompareAxis;

struct _CepTrainPage
{
  GtkWidget           parent_instance;

  CepSession         *session;
  GSettings          *settings;
  CepTrainController  *controller;
  GListStore         *history;           /* of CepRunItem */
  GtkSingleSelection *history_selection;
  GCancellable       *history_cancellable;
  GtkStringList      *backend_labels;
  GPtrArray          *backend_choices;   /* of CepBackendChoice, in the order of the labels */
  GQueue              queue;             /* CepExperiment*: batch-size runs to come */
  GPtrArray          *batch_runs;        /* run folders of the batch-size experiment */
  CepTrainSettings   *train_settings;    /* the form's rows are bound to it */
  gboolean            dirty;
  guint               tick_id;
  guint64             n_ui_updates;

  /* template */
  AdwActionRow       *model_row;
  AdwActionRow       *dataset_row;
  AdwComboRow        *backend_row;
  AdwComboRow        *optimizer_row;
  GtkSpinButton      *lr_spin;
  GtkSpinButton      *weight_decay_spin;
  GtkWidget          *momentum_row;
  GtkSpinButton      *momentum_spin;
  GtkSpinButton      *clip_spin;
  AdwComboRow        *schedule_row;
  GtkSpinButton      *warmup_spin;
  GtkWidget          *step_size_row;
  GtkSpinButton      *step_size_spin;
  GtkWidget          *gamma_row;
  GtkSpinButton      *gamma_spin;
  GtkWidget          *t_max_row;
  GtkSpinButton      *t_max_spin;
  GtkWidget          *factor_row;
  GtkSpinButton      *factor_spin;
  GtkWidget          *patience_row;
  GtkSpinButton      *patience_spin;
  GtkSpinButton      *batch_spin;
  GtkSpinButton      *epochs_spin;
  GtkSpinButton      *subset_spin;
  GtkSwitch          *augment_switch;
  GtkSpinButton      *seed_spin;
  GtkButton          *pause_button;
  GtkProgressBar     *progress_bar;
  GtkLabel           *status_label;
  GtkStack           *view_stack;
  CepCurveView       *loss_view;
  CepCurveView       *lr_view;
  GtkColumnView      *history_view;
  GtkDropDown        *axis_dropdown;
  CepCurveView       *compare_view;
  GtkLabel           *runs_location_label;
};

enum
{
  SIGNAL_HISTORY_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CepTrainPage, cep_train_page, GTK_TYPE_WIDGET)

static void update_actions       (CepTrainPage *self);
static void on_backend_selected  (CepTrainPage *self);
static void show_backend_description (CepTrainPage *self);
static void rebuild_comparison   (CepTrainPage *self);

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
  return self->n_ui_updates;
}

guint
cep_train_page_get_n_queued (CepTrainPage *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_PAGE (self), 0);
  return self->queue.length;
}

static void
report (CepTrainPage *self,
        const char   *message)
{
  cep_widget_report (GTK_WIDGET (self), message);
}

static void
report_error (CepTrainPage *self,
              const char   *heading,
              const GError *error)
{
  cep_widget_report_error (GTK_WIDGET (self), heading, error);
}

static CepExperiment *
experiment (CepTrainPage *self)
{
  return self->session != NULL ? cep_session_get_experiment (self->session) : NULL;
}

/* ---- the form: rows bound to CepTrainSettings; the backend row by hand ---- */

typedef struct
{
  const char *property;
  const char *widget;
  const char *widget_property;
} FormBinding;

/* Every row of the form and the setting it edits. */
static const FormBinding form_bindings[] = {
  { "optimizer", "optimizer_row", "selected" },
  { "lr", "lr_spin", "value" },
  { "weight-decay", "weight_decay_spin", "value" },
  { "momentum", "momentum_spin", "value" },
  { "clip", "clip_spin", "value" },
  { "schedule", "schedule_row", "selected" },
  { "warmup-steps", "warmup_spin", "value" },
  { "step-size", "step_size_spin", "value" },
  { "gamma", "gamma_spin", "value" },
  { "t-max", "t_max_spin", "value" },
  { "factor", "factor_spin", "value" },
  { "patience", "patience_spin", "value" },
  { "batch-size", "batch_spin", "value" },
  { "epochs", "epochs_spin", "value" },
  { "subset-percent", "subset_spin", "value" },
  { "seed", "seed_spin", "value" },
  { "augment", "augment_switch", "active" },
};

/* Rows shown only for one value of a setting (momentum for SGD, decay for step, ...). */
typedef struct
{
  const char *property;
  guint       value;
  const char *widget;
} FormVisibility;

static const FormVisibility form_visibility[] = {
  { "optimizer", CEP_EXPERIMENT_OPTIMIZER_SGD, "momentum_row" },
  { "schedule", CEP_EXPERIMENT_SCHEDULE_STEP, "step_size_row" },
  { "schedule", CEP_EXPERIMENT_SCHEDULE_STEP, "gamma_row" },
  { "schedule", CEP_EXPERIMENT_SCHEDULE_COSINE, "t_max_row" },
  { "schedule", CEP_EXPERIMENT_SCHEDULE_PLATEAU, "factor_row" },
  { "schedule", CEP_EXPERIMENT_SCHEDULE_PLATEAU, "patience_row" },
};

static gboolean
equals_value (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  g_value_set_boolean (to, g_value_get_uint (from) == GPOINTER_TO_UINT (user_data));
  return TRUE;
}

static GObject *
form_widget (CepTrainPage *self,
             const char   *name)
{
  GObject *widget = gtk_widget_get_template_child (GTK_WIDGET (self), CEP_TYPE_TRAIN_PAGE, name);

  g_assert (widget != NULL);
  return widget;
}

static void
bind_form (CepTrainPage *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (form_bindings); i++)
    g_object_bind_property (self->train_settings, form_bindings[i].property,
                            form_widget (self, form_bindings[i].widget),
                            form_bindings[i].widget_property,
                            G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  for (guint i = 0; i < G_N_ELEMENTS (form_visibility); i++)
    g_object_bind_property_full (self->train_settings, form_visibility[i].property,
                                 form_widget (self, form_visibility[i].widget), "visible",
                                 G_BINDING_SYNC_CREATE, equals_value, NULL,
                                 GUINT_TO_POINTER (form_visibility[i].value), NULL);
}

static const CepBackendChoice *
backend_choice_at (CepTrainPage *self,
                   guint         index)
{
  if (self->backend_choices == NULL || index >= self->backend_choices->len)
    return NULL;
  return g_ptr_array_index (self->backend_choices, index);
}

static const CepBackendChoice *
selected_backend_choice (CepTrainPage *self)
{
  return backend_choice_at (self, adw_combo_row_get_selected (self->backend_row));
}

/* The entry of @backend on @device (its index or its name, as a run records it), else the
 * first entry of @backend; G_MAXUINT when the backend is not in the list. */
static guint
find_backend_choice (CepTrainPage *self,
                     const char   *backend,
                     const char   *device)
{
  guint first = G_MAXUINT;

  for (guint i = 0; self->backend_choices != NULL && i < self->backend_choices->len; i++)
    {
      const CepBackendChoice *choice = backend_choice_at (self, i);

      if (g_strcmp0 (choice->backend, backend) != 0)
        continue;
      if (device != NULL && (g_strcmp0 (choice->device, device) == 0 ||
                             g_strcmp0 (choice->device_name, device) == 0))
        return i;
      first = MIN (first, i);
    }
  return first;
}

static void
select_backend (CepTrainPage *self,
                const char   *backend,
                const char   *device)
{
  guint index = find_backend_choice (self, backend, device);

  if (index != G_MAXUINT)
    adw_combo_row_set_selected (self->backend_row, index);
}

/* The experiment's backend and device in the backend row. */
static void
show_experiment_backend (CepTrainPage *self)
{
  CepExperiment *e = experiment (self);

  g_signal_handlers_block_by_func (self->backend_row, on_backend_selected, self);
  select_backend (self, e->train.backend, e->train.device);
  g_signal_handlers_unblock_by_func (self->backend_row, on_backend_selected, self);
  show_backend_description (self);
}

/* The backend row's choice into the experiment (the one row not bound: its list is built on
 * a worker and names backend and device together). */
static void
read_backend (CepTrainPage *self)
{
  CepExperiment *e = experiment (self);
  const CepBackendChoice *choice = selected_backend_choice (self);

  if (e == NULL || choice == NULL)
    return;
  g_free (e->train.backend);
  e->train.backend = g_strdup (choice->backend);
  g_free (e->train.device);
  e->train.device = g_strdup (choice->device);
}

/* The chosen backend's description (threads, kernels, device memory) under the row, its start
 * in two lines and the whole of it as a tooltip; the list itself names only the backend and
 * the device. */
static void
show_backend_description (CepTrainPage *self)
{
  const CepBackendChoice *choice = selected_backend_choice (self);
  const char *description = choice != NULL ? choice->description : "";

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->backend_row), description);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->backend_row), description);
}

static void
on_backend_selected (CepTrainPage *self)
{
  show_backend_description (self);
  if (self->session == NULL)
    return;
  read_backend (self);
  cep_session_experiment_changed (self->session, CEP_SESSION_CHANGED_TRAIN);
}

/* ---- what will train: the model and the data ---- */

/* "tiny: 1,423,914 parameters (limit 20,000,000)", in the error style above the limit. */
static void
show_model_summary (CepTrainPage *self)
{
  const CepExperiment *e = experiment (self);
  g_autofree char *params = NULL, *limit = NULL, *text = NULL, *over = NULL;

  if (e == NULL)
    return;
  params = cep_format_count (cep_model_spec_count_params (e->model));
  limit = cep_format_count (e->model->param_limit);
  over = cep_model_spec_check_param_limit (e->model);
  if (e->model->param_limit == 0)
    text = g_strdup_printf (_("%s: %s parameters"), cep_experiment_get_display_name (e), params);
  else
    text = g_strdup_printf (_("%s: %s parameters (limit %s)"),
                            cep_experiment_get_display_name (e), params, limit);
  adw_action_row_set_subtitle (self->model_row, text);
  if (over != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->model_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->model_row), "error");
}

static void
show_dataset_summary (CepTrainPage *self)
{
  CepDataset *dataset = self->session != NULL ? cep_session_get_dataset (self->session) : NULL;
  const char *train = dataset != NULL ? cep_dataset_get_train_name (dataset) : NULL;
  CepPartition *partition = train != NULL ? cep_session_get_partition (self->session, train)
                                          : NULL;
  g_autofree char *frames = NULL, *text = NULL, *base = NULL;

  if (partition == NULL)
    {
      adw_action_row_set_subtitle (self->dataset_row, _("No dataset is open"));
      return;
    }
  frames = cep_format_count (cep_partition_get_n_frames (partition));
  base = cep_session_is_demo (self->session) ? g_strdup (_("demo dataset"))
                                             : g_path_get_basename (cep_dataset_get_root (dataset));
  text = g_strdup_printf (_("%s: %s, %s frames"), base, train, frames);
  adw_action_row_set_subtitle (self->dataset_row, text);
}

const char *
cep_train_page_get_model_summary (CepTrainPage *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_PAGE (self), NULL);
  return adw_action_row_get_subtitle (self->model_row);
}

/* ---- backends ---- */

/* The backends and devices this machine can run (cep_backend_list_choices()), labelled with
 * descriptions that name the device (Vulkan's GPU). Opening each takes a moment (a device
 * probe), so it happens on a worker once per page; one that cannot open here (Vulkan without
 * a device) is not offered. */
static void
list_choices_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  g_task_return_pointer (task, cep_backend_list_choices (), (GDestroyNotify) g_ptr_array_unref);
}

static void
on_backends_described (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr (CepTrainPage) self = user_data;
  g_autoptr (GPtrArray) choices = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr (GStrvBuilder) labels = g_strv_builder_new ();
  g_auto (GStrv) label_strv = NULL;
  const CepExperiment *e = experiment (self);
  const CepBackendChoice *shown;
  guint n;

  if (choices == NULL || self->backend_labels == NULL)
    return;
  for (guint i = 0; i < choices->len; i++)
    {
      const CepBackendChoice *choice = choices->pdata[i];
      g_autofree char *label = choice->device_name != NULL
                               ? g_strdup_printf ("%s: %s", choice->backend, choice->device_name)
                               : g_strdup (choice->backend);

      g_strv_builder_add (labels, label);
    }
  label_strv = g_strv_builder_end (labels);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->backend_labels));
  g_signal_handlers_block_by_func (self->backend_row, on_backend_selected, self);
  g_clear_pointer (&self->backend_choices, g_ptr_array_unref);
  self->backend_choices = g_steal_pointer (&choices);
  gtk_string_list_splice (self->backend_labels, 0, n, (const char * const *) label_strv);
  /* The experiment's choice stays; a backend that left the list gives way to the default
   * (blas), and the experiment follows what the row shows. */
  adw_combo_row_set_selected (self->backend_row, 0);
  if (e != NULL)
    select_backend (self, e->train.backend, e->train.device);
  g_signal_handlers_unblock_by_func (self->backend_row, on_backend_selected, self);
  show_backend_description (self);
  shown = selected_backend_choice (self);
  if (e != NULL && shown != NULL && g_strcmp0 (shown->backend, e->train.backend) != 0)
    on_backend_selected (self);
}

static void
setup_backends (CepTrainPage *self)
{
  const char * const *names = cep_backend_list_available ();
  g_autoptr (GTask) task = NULL;

  /* Until the worker reports, the names alone. */
  self->backend_choices =
    g_ptr_array_new_with_free_func ((GDestroyNotify) cep_backend_choice_free);
  for (guint i = 0; names[i] != NULL; i++)
    {
      CepBackendChoice *choice = g_new0 (CepBackendChoice, 1);

      choice->backend = g_strdup (names[i]);
      choice->description = g_strdup (names[i]);
      g_ptr_array_add (self->backend_choices, choice);
    }
  self->backend_labels = gtk_string_list_new (names);
  adw_combo_row_set_model (self->backend_row, G_LIST_MODEL (self->backend_labels));
  task = g_task_new (NULL, NULL, on_backends_described, g_object_ref (self));
  g_task_run_in_thread (task, list_choices_thread);
}

/* ---- the live plots ---- */

static CepLineSeries
series_style (const char *name,
              guint       panel,
              guint       color,
              double      alpha,
              gboolean    markers,
              double      width)
{
  CepLineSeries style = { 0 };

  style.name = name;
  style.panel = panel;
  style.color = cep_palette_get_series_color (color);
  style.color.alpha = alpha;
  style.markers = markers;
  style.line_width = width;
  return style;
}

#define DATA(array) ((const double *) (array)->data)

/* The per-step loss smoothed for reading (bias-corrected exponential moving average). */
static GArray *
smoothed_loss (const GArray *loss,
               double        weight)
{
  GArray *out = g_array_sized_new (FALSE, FALSE, sizeof (double), loss->len);
  double average = 0, correction = 1;

  for (guint i = 0; i < loss->len; i++)
    {
      double value = g_array_index (loss, double, i);
      double smoothed;

      if (isfinite (value))
        {
          average = weight * average + (1 - weight) * value;
          correction *= weight;
        }
      smoothed = average / (1 - correction);
      g_array_append_val (out, smoothed);
    }
  return out;
}

static void
fill_loss_view (CepTrainPage       *self,
                const CepRunCurves *curves)
{
  CepCurveView *view = self->loss_view;
  CepLineSeries style;
  g_autoptr (GArray) smooth = smoothed_loss (curves->step_loss,
                                             g_settings_get_double (self->settings,
                                                                    "loss-smoothing"));
  guint n_steps = curves->step->len, n_epochs = curves->epoch_step->len;

  cep_curve_view_clear (view);
  cep_line_plot_init_training (cep_curve_view_get_plot (view),
                               g_settings_get_boolean (self->settings, "log-loss-axis"));
  cep_curve_view_get_plot (view)->x_label = _("Step");
  style = series_style (_("per step"), 0, 0, 0.3, FALSE, 1.0);
  cep_curve_view_add_series (view, &style, DATA (curves->step), DATA (curves->step_loss), n_steps);
  style = series_style (_("smoothed"), 0, 0, 1.0, FALSE, 2.0);
  cep_curve_view_add_series (view, &style, DATA (curves->step), DATA (smooth), n_steps);
  style = series_style (_("train (epoch)"), 0, 1, 1.0, TRUE, 1.5);
  cep_curve_view_add_series (view, &style, DATA (curves->epoch_step), DATA (curves->epoch_loss),
                             n_epochs);
  style.panel = 1;
  cep_curve_view_add_series (view, &style, DATA (curves->epoch_step),
                             DATA (curves->epoch_accuracy), n_epochs);
  style = series_style (_("dev"), 0, 2, 1.0, TRUE, 1.5);
  cep_curve_view_add_series (view, &style, DATA (curves->epoch_step), DATA (curves->dev_loss),
                             n_epochs);
  style.panel = 1;
  cep_curve_view_add_series (view, &style, DATA (curves->epoch_step),
                             DATA (curves->dev_accuracy), n_epochs);
  cep_curve_view_set_epoch_marks (view, DATA (curves->epoch_step), n_epochs);
}

static void
fill_lr_view (CepTrainPage       *self,
              const CepRunCurves *curves)
{
  CepLinePlot *plot = cep_curve_view_get_plot (self->lr_view);
  CepLineSeries style = series_style (_("learning rate"), 0, 3, 1.0, FALSE, 1.5);

  cep_curve_view_clear (self->lr_view);
  cep_line_plot_init (plot);
  plot->x_label = _("Step");
  plot->panels[0].y_label = _("Learning rate");
  plot->show_legend = FALSE;
  cep_curve_view_add_series (self->lr_view, &style, DATA (curves->step), DATA (curves->step_lr),
                             curves->step->len);
}

/* ---- progress ---- */

static char *
format_eta (const CepTrainProgress *progress,
            double                  done)
{
  double remaining;

  if (done <= 0 || progress->elapsed <= 0)
    return g_strdup ("–");
  remaining = progress->elapsed * (1 - done) / done;
  return cep_format_duration (remaining);
}

static void
update_progress (CepTrainPage *self)
{
  const CepTrainProgress *p = cep_train_controller_get_progress (self->controller);
  double epoch_part = p->n_batches > 0 ? (double) p->batch / p->n_batches : 0;
  double done = p->n_epochs > 0 ? MIN ((p->epoch + epoch_part) / p->n_epochs, 1.0) : 0;
  g_autofree char *text = NULL, *status = NULL, *eta = NULL, *rate = NULL;
  g_autofree char *batch = NULL, *n_batches = NULL, *step = NULL;

  if (cep_train_controller_get_state (self->controller) == CEP_TRAIN_STATE_IDLE)
    return;
  eta = format_eta (p, done);
  rate = cep_format_count ((guint64) p->samples_per_second);
  /* 64-bit counts as text first: a translatable format cannot hold G_GUINT64_FORMAT. */
  batch = g_strdup_printf ("%" G_GUINT64_FORMAT, p->batch);
  n_batches = g_strdup_printf ("%" G_GUINT64_FORMAT, p->n_batches);
  step = g_strdup_printf ("%" G_GUINT64_FORMAT, p->step);
  text = g_strdup_printf (_("Epoch %u of %u · batch %s of %s"),
                          MIN (p->epoch + 1, p->n_epochs), p->n_epochs, batch, n_batches);
  /* A step that was in flight when Pause was pressed still reports: the line keeps saying
   * that the run is paused. */
  status = g_strdup_printf (_("%sStep %s · %s samples/s · ETA %s · loss %.4f · lr %.3g"),
                            cep_train_controller_get_state (self->controller)
                            == CEP_TRAIN_STATE_PAUSED ? _("Paused · ") : "",
                            step, rate, eta, p->loss, p->lr);
  gtk_progress_bar_set_fraction (self->progress_bar, done);
  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_label_set_label (self->status_label, status);
}

/* Everything the events changed, applied once per frame (the tick) however many arrived. */
static gboolean
apply_updates (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       user_data)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);
  const CepRunCurves *curves = cep_train_controller_get_curves (self->controller);

  self->tick_id = 0;
  if (!self->dirty)
    return G_SOURCE_REMOVE;
  self->dirty = FALSE;
  self->n_ui_updates++;
  fill_loss_view (self, curves);
  fill_lr_view (self, curves);
  update_progress (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_update (CepTrainPage *self)
{
  self->dirty = TRUE;
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), apply_updates, NULL, NULL);
}

static void
on_controller_updated (CepTrainController *controller,
                       CepTrainPage       *self)
{
  schedule_update (self);
}

/* ---- starting and finishing runs ---- */

static CepPartition *
partition_for (CepTrainPage *self,
               const char   *chosen,
               const char   *role_default)
{
  return cep_session_get_partition (self->session, chosen != NULL ? chosen : role_default);
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
  if (!cep_experiment_validate (e, error) || !cep_experiment_check_param_limit (e, error))
    return FALSE;
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
  gtk_label_set_label (self->status_label, _("Setting up the run…"));
  schedule_update (self);
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

static void start_next_queued (CepTrainPage *self);

static void
on_controller_finished (CepTrainController *controller,
                        guint               status,
                        const GError       *error,
                        CepTrainPage       *self)
{
  const char *run_dir = cep_train_controller_get_run_dir (controller);
  g_autofree char *id = g_path_get_basename (run_dir);
  g_autofree char *message = NULL;

  schedule_update (self);
  if (status == CEP_RUN_STATUS_FAILED && error != NULL)
    report_error (self, _("Training Failed"), error);
  message = g_strdup_printf ("%s: %s", id, cep_run_status_get_label (status));
  gtk_label_set_label (self->status_label, message);
  if (status == CEP_RUN_STATUS_FINISHED && self->batch_runs != NULL)
    g_ptr_array_add (self->batch_runs, g_strdup (run_dir));
  if (status == CEP_RUN_STATUS_FINISHED && self->queue.length > 0)
    start_next_queued (self);
  else
    g_queue_clear_full (&self->queue, (GDestroyNotify) cep_experiment_free);
  cep_train_page_refresh_history (self);
  update_actions (self);
}

static void
on_controller_start_failed (CepTrainController *controller,
                            const GError       *error,
                            CepTrainPage       *self)
{
  g_queue_clear_full (&self->queue, (GDestroyNotify) cep_experiment_free);
  gtk_label_set_label (self->status_label, error->message);
  report_error (self, _("Could Not Start Training"), error);
  update_actions (self);
}

static void
on_controller_notice (CepTrainController *controller,
                      const char         *message,
                      CepTrainPage       *self)
{
  report (self, message);
}

static void
on_controller_state (CepTrainController *controller,
                     GParamSpec         *pspec,
                     CepTrainPage       *self)
{
  update_actions (self);
}

/* ---- the batch-size experiment (Programming Machine Learning, ch. 13) ---- */

static void
queue_batch_experiment (CepTrainPage *self)
{
  const CepExperiment *base = experiment (self);
  CepDataset *dataset = cep_session_get_dataset (self->session);
  CepPartition *train = partition_for (self, base->data.train_partition,
                                       cep_dataset_get_train_name (dataset));
  g_autoptr (GPtrArray) runs = cep_batch_size_experiment_new (base,
                                                              cep_partition_get_n_frames (train));

  g_queue_clear_full (&self->queue, (GDestroyNotify) cep_experiment_free);
  g_ptr_array_set_free_func (runs, NULL);
  for (guint i = 0; i < runs->len; i++)
    g_queue_push_tail (&self->queue, g_ptr_array_index (runs, i));
}

static void
start_next_queued (CepTrainPage *self)
{
  g_autoptr (CepExperiment) next = g_queue_pop_head (&self->queue);
  g_autoptr (GError) error = NULL;

  if (next == NULL)
    return;
  /* Loss against seconds compares training itself: no dev evaluation in between. */
  if (!start_experiment (self, next, FALSE, NULL, FALSE, &error))
    {
      g_queue_clear_full (&self->queue, (GDestroyNotify) cep_experiment_free);
      report_error (self, _("Could Not Start the Run"), error);
    }
}

/* ---- the history ---- */

static gboolean
is_batch_run (CepTrainPage     *self,
              const CepRunInfo *info)
{
  for (guint i = 0; self->batch_runs != NULL && i < self->batch_runs->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->batch_runs, i), info->dir) == 0)
      return TRUE;
  return FALSE;
}

static void
on_item_compared (CepRunItem   *item,
                  GParamSpec   *pspec,
                  CepTrainPage *self)
{
  rebuild_comparison (self);
}

static void
on_history_listed (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (CepTrainPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) runs = cep_run_history_list_finish (result, &error);
  gboolean batch_done = self->batch_runs != NULL && self->batch_runs->len == 3;

  if (runs == NULL)
    return;
  g_list_store_remove_all (self->history);
  g_ptr_array_set_free_func (runs, NULL);
  for (guint i = 0; i < runs->len; i++)
    {
      g_autoptr (CepRunItem) item = cep_run_item_new (g_ptr_array_index (runs, i));
      const CepRunInfo *info = cep_run_item_get_info (item);

      /* The newest run is compared by default; after the batch-size experiment, its three. */
      cep_run_item_set_compared (item, batch_done ? is_batch_run (self, info) : i == 0);
      g_signal_connect (item, "notify::compared", G_CALLBACK (on_item_compared), self);
      g_list_store_append (self->history, item);
    }
  if (batch_done)
    {
      g_clear_pointer (&self->batch_runs, g_ptr_array_unref);
      gtk_drop_down_set_selected (self->axis_dropdown, AXIS_TIME);
      gtk_stack_set_visible_child_name (self->view_stack, "history");
    }
  rebuild_comparison (self);
  update_actions (self);
  g_signal_emit (self, signals[SIGNAL_HISTORY_LOADED], 0);
}

void
cep_train_page_refresh_history (CepTrainPage *self)
{
  g_autofree char *runs_root = cep_run_history_get_root ();

  g_return_if_fail (CEP_IS_TRAIN_PAGE (self));

  if (self->session == NULL)
    return;
  g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  self->history_cancellable = g_cancellable_new ();
  cep_run_history_list_async (runs_root, experiment (self)->data.root, self->history_cancellable,
                              on_history_listed, g_object_ref (self));
}

guint
cep_train_page_get_n_history (CepTrainPage *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_PAGE (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->history));
}

void
cep_train_page_compare_run (CepTrainPage *self,
                            guint         index,
                            gboolean      compared)
{
  g_autoptr (CepRunItem) item = NULL;

  g_return_if_fail (CEP_IS_TRAIN_PAGE (self));

  item = g_list_model_get_item (G_LIST_MODEL (self->history), index);
  if (item != NULL)
    cep_run_item_set_compared (item, compared);
}

/* One run's curves against the chosen axis: loss on top, dev accuracy below, or training
 * accuracy for a run without dev evaluation (its legend entry says so). */
static void
add_compared_run (CepTrainPage     *self,
                  const CepRunInfo *info,
                  guint             color,
                  CompareAxis       axis)
{
  const CepRunCurves *c = info->curves;
  gboolean has_dev = cep_run_curves_has_dev (c);
  g_autofree char *name = has_dev ? g_strdup (info->id)
                                  : g_strdup_printf (_("%s (training accuracy)"), info->id);
  CepLineSeries style = series_style (name, 0, color, 1.0, axis == AXIS_EPOCHS, 1.5);
  g_autoptr (GArray) epochs = g_array_new (FALSE, FALSE, sizeof (double));
  const GArray *accuracy = has_dev ? c->dev_accuracy : c->epoch_accuracy;
  const GArray *epoch_x;

  for (guint i = 0; i < c->epoch_step->len; i++)
    g_array_append_val (epochs, (double) { i + 1 });
  epoch_x = axis == AXIS_EPOCHS ? epochs : axis == AXIS_TIME ? c->epoch_time : c->epoch_step;
  if (axis == AXIS_EPOCHS)
    cep_curve_view_add_series (self->compare_view, &style, DATA (epochs), DATA (c->epoch_loss),
                               c->epoch_loss->len);
  else
    cep_curve_view_add_series (self->compare_view, &style,
                               DATA (axis == AXIS_TIME ? c->step_time : c->step),
                               DATA (c->step_loss), c->step->len);
  style.panel = 1;
  style.markers = TRUE;
  cep_curve_view_add_series (self->compare_view, &style, DATA (epoch_x), DATA (accuracy),
                             accuracy->len);
}

/* What the lower panel plots: dev accuracy, training accuracy, or (mixed) each run's legend
 * entry says which. */
static const char *
compared_accuracy_label (guint n_with_dev,
                         guint n_without_dev)
{
  if (n_without_dev == 0)
    return _("Dev accuracy (%)");
  if (n_with_dev == 0)
    return _("Training accuracy (%)");
  return _("Accuracy (%): dev, else training");
}

const char *
cep_train_page_get_compared_accuracy_label (CepTrainPage *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_PAGE (self), NULL);
  return cep_curve_view_get_plot (self->compare_view)->panels[1].y_label;
}

static void
rebuild_comparison (CepTrainPage *self)
{
  CompareAxis axis = (CompareAxis) gtk_drop_down_get_selected (self->axis_dropdown);
  const char *axis_labels[] = { _("Step"), _("Epoch"), _("Wall time (s)") };
  CepLinePlot *plot = cep_curve_view_get_plot (self->compare_view);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->history)), color = 0;
  guint n_with_dev = 0, n_without_dev = 0;

  cep_curve_view_clear (self->compare_view);
  cep_line_plot_init_training (plot, g_settings_get_boolean (self->settings, "log-loss-axis"));
  plot->x_label = axis_labels[MIN (axis, AXIS_TIME)];
  plot->x_kind = axis == AXIS_TIME ? CEP_PLOT_TICKS_NUMBER : CEP_PLOT_TICKS_INTEGER;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CepRunItem) item = g_list_model_get_item (G_LIST_MODEL (self->history), i);
      const CepRunInfo *info = cep_run_item_get_info (item);

      if (!cep_run_item_get_compared (item))
        continue;
      add_compared_run (self, info, color++, axis);
      if (cep_run_curves_has_dev (info->curves))
        n_with_dev++;
      else
        n_without_dev++;
    }
  plot->panels[1].y_label = compared_accuracy_label (n_with_dev, n_without_dev);
  cep_curve_view_changed (self->compare_view);
}

static void
on_axis_changed (CepTrainPage *self)
{
  rebuild_comparison (self);
}

/* Column cells: a label per column, filled by describe functions of the item. */
typedef char *(*DescribeFunc) (CepRunItem *item);

static char *
describe_id (CepRunItem *item)
{
  const CepRunInfo *info = cep_run_item_get_info (item);

  /* A run that was given a name shows it, with the folder's date and time to tell it apart. */
  if (info->experiment != NULL && info->experiment->name != NULL
      && !g_str_has_suffix (info->id, info->experiment->name))
    return g_strdup_printf ("%s · %.15s", info->experiment->name, info->id);
  return g_strdup (info->id);
}

static char *
describe_notes (CepRunItem *item)
{
  const CepRunInfo *info = cep_run_item_get_info (item);
  g_autofree char *first_line = NULL;

  if (info->experiment == NULL || info->experiment->notes == NULL)
    return g_strdup ("");
  first_line = g_strndup (info->experiment->notes, strcspn (info->experiment->notes, "\n"));
  return g_steal_pointer (&first_line);
}

static char *
describe_status (CepRunItem *item)
{
  return g_strdup (cep_run_status_get_label (cep_run_item_get_info (item)->status));
}

static void
setup_label_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *cell,
                  gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (cell, label);
}

static void
bind_label_cell (GtkSignalListItemFactory *factory,
                 GtkListItem              *cell,
                 gpointer                  user_data)
{
  DescribeFunc describe = user_data;
  g_autofree char *text = describe (gtk_list_item_get_item (cell));

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (cell)), text);
}

static void
setup_check_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *cell,
                  gpointer                  user_data)
{
  GtkWidget *check = gtk_check_button_new ();

  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Compare this run"), -1);
  gtk_list_item_set_child (cell, check);
}

static void
bind_check_cell (GtkSignalListItemFactory *factory,
                 GtkListItem              *cell,
                 gpointer                  user_data)
{
  GObject *item = gtk_list_item_get_item (cell);
  GtkWidget *check = gtk_list_item_get_child (cell);
  GBinding *binding = g_object_bind_property (item, "compared", check, "active",
                                              G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  g_object_set_data (G_OBJECT (cell), "binding", binding);
}

static void
unbind_check_cell (GtkSignalListItemFactory *factory,
                   GtkListItem              *cell,
                   gpointer                  user_data)
{
  GBinding *binding = g_object_get_data (G_OBJECT (cell), "binding");

  if (binding != NULL)
    g_binding_unbind (binding);
  g_object_set_data (G_OBJECT (cell), "binding", NULL);
}

static void
add_column (CepTrainPage *self,
            const char   *title,
            DescribeFunc  describe,
            gboolean      expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  if (describe != NULL)
    {
      g_signal_connect (factory, "setup", G_CALLBACK (setup_label_cell), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_label_cell), describe);
    }
  else
    {
      g_signal_connect (factory, "setup", G_CALLBACK (setup_check_cell), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_check_cell), NULL);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_check_cell), NULL);
    }
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->history_view, column);
  g_object_unref (column);
}

/* Where run folders live, under the list (and in the folder button's tooltip). */
static void
show_runs_location (CepTrainPage *self)
{
  g_autofree char *root = cep_run_history_get_root ();
  g_autofree char *text = g_strdup_printf (_("Runs are kept in %s"), root);

  gtk_label_set_label (self->runs_location_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->runs_location_label), root);
}

static void
setup_history (CepTrainPage *self)
{
  show_runs_location (self);
  self->history = g_list_store_new (CEP_TYPE_RUN_ITEM);
  self->history_selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->history)));
  gtk_column_view_set_model (self->history_view, GTK_SELECTION_MODEL (self->history_selection));
  add_column (self, "", NULL, FALSE);
  add_column (self, _("Run"), describe_id, TRUE);
  add_column (self, _("Model"), cep_run_item_describe_model, FALSE);
  add_column (self, _("Optimizer"), cep_run_item_describe_optimizer, FALSE);
  add_column (self, _("Epochs"), cep_run_item_describe_epochs, FALSE);
  add_column (self, _("Best accuracy"), cep_run_item_describe_accuracy, FALSE);
  add_column (self, _("Status"), describe_status, FALSE);
  add_column (self, _("Notes"), describe_notes, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->history_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Runs of this dataset"), -1);
  g_signal_connect_swapped (self->history_selection, "notify::selected",
                            G_CALLBACK (update_actions), self);
}

static const CepRunInfo *
selected_run (CepTrainPage *self)
{
  CepRunItem *item = gtk_single_selection_get_selected_item (self->history_selection);

  return item != NULL ? cep_run_item_get_info (item) : NULL;
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
  /* The run being trained is the trainer's until it ends. */
  gtk_widget_action_set_enabled (widget, "train.trash-run",
                                 selected != NULL && !(is_current_run (self, selected) && !idle));
  gtk_widget_action_set_enabled (widget, "train.reuse-run", idle && selected != NULL);
  gtk_widget_action_set_enabled (widget, "train.open-folder",
                                 cep_train_controller_get_run_dir (self->controller) != NULL);
  gtk_button_set_label (self->pause_button, state == CEP_TRAIN_STATE_PAUSED ? _("_Resume")
                                                                           : _("_Pause"));
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);
  g_autoptr (GError) error = NULL;

  g_queue_clear_full (&self->queue, (GDestroyNotify) cep_experiment_free);
  if (!cep_train_page_start (self, &error))
    report_error (self, _("Could Not Start Training"), error);
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
  gtk_label_set_label (self->status_label,
                       cep_train_controller_get_state (self->controller) == CEP_TRAIN_STATE_PAUSED
                       ? _("Paused") : _("Running"));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);

  g_queue_clear_full (&self->queue, (GDestroyNotify) cep_experiment_free);
  cep_train_controller_stop (self->controller);
  gtk_label_set_label (self->status_label, _("Stopping after this step…"));
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
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Stop Training?"),
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
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);

  queue_batch_experiment (self);
  g_clear_pointer (&self->batch_runs, g_ptr_array_unref);
  self->batch_runs = g_ptr_array_new_with_free_func (g_free);
  start_next_queued (self);
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
    report_error (self, _("Could Not Resume the Run"), error);
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
  report (self, message);
}

static void
open_folder (CepTrainPage *self,
             const char   *dir)
{
  g_autoptr (GFile) file = g_file_new_for_path (dir);
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr (GError) error = NULL;

  if (!g_app_info_launch_default_for_uri (uri, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", dir, error->message);

      report (self, message);
    }
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);
  const CepRunInfo *info = selected_run (self);
  const char *dir = g_str_equal (action_name, "train.open-run-folder")
                    ? (info != NULL ? info->dir : NULL)
                    : cep_train_controller_get_run_dir (self->controller);

  if (dir != NULL)
    open_folder (self, dir);
}

typedef struct
{
  CepTrainPage *page;
  CepCurveView *view;
  gboolean      metrics;
} ExportRequest;

static void
on_export_chosen (GPtrArray *files,
                  gpointer   user_data)
{
  ExportRequest *request = user_data;
  g_autofree char *path = files->len > 0 ? g_file_get_path (g_ptr_array_index (files, 0)) : NULL;
  g_autoptr (GError) error = NULL;
  gboolean ok = TRUE;

  if (path != NULL && request->metrics)
    ok = cep_run_curves_write_csv (cep_train_controller_get_curves (request->page->controller),
                                   path, &error);
  else if (path != NULL)
    ok = cep_plot_widget_export (CEP_PLOT_WIDGET (request->view), path, 1200, 800, &error);
  if (!ok)
    report_error (request->page, _("Could Not Export"), error);
  else if (path != NULL)
    report (request->page, _("Exported"));
  g_object_unref (request->page);
  g_free (request);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (widget);
  ExportRequest *request = g_new0 (ExportRequest, 1);
  GtkRoot *root = gtk_widget_get_root (widget);
  const char *name = "curves.png";

  request->page = g_object_ref (self);
  request->view = self->loss_view;
  if (g_str_equal (action_name, "train.export-metrics"))
    request->metrics = TRUE, name = "metrics.csv";
  else if (g_str_equal (action_name, "train.export-comparison"))
    request->view = self->compare_view, name = "comparison.png";
  cep_choose_save (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Export"), name,
                   on_export_chosen, request);
}

static void
on_run_annotated (GtkWidget    *owner,
                  const GError *error,
                  gpointer      user_data)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (owner);

  if (error != NULL)
    report_error (self, _("Could Not Rename the Run"), error);
  cep_train_page_refresh_history (self);
}

static void
annotate_run_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  const CepRunInfo *info = selected_run (CEP_TRAIN_PAGE (widget));

  if (info == NULL)
    return;
  cep_run_edit_dialog_present (widget, info->dir,
                               info->experiment != NULL ? info->experiment->name : NULL,
                               info->experiment != NULL ? info->experiment->notes : NULL,
                               on_run_annotated, NULL);
}

static void
on_run_trashed (GtkWidget    *owner,
                const GError *error,
                gpointer      user_data)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (owner);
  g_autofree char *id = user_data;

  if (error != NULL)
    report_error (self, _("Could Not Move the Run to the Trash"), error);
  else
    {
      /* Translators: %s is a run folder's name. */
      g_autofree char *message = g_strdup_printf (_("Moved “%s” to the trash"), id);

      report (self, message);
    }
  cep_train_page_refresh_history (self);
}

/* No question first: the trash is the undo (the file manager restores the folder). */
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
  cep_run_edit_trash_async (widget, info->dir, on_run_trashed, g_strdup (info->id));
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
  /* The bound rows follow through CepTrainSettings; the backend row by hand. */
  if (what & CEP_SESSION_CHANGED_TRAIN)
    show_experiment_backend (self);
  show_model_summary (self);
  show_dataset_summary (self);
  if (what & CEP_SESSION_CHANGED_DATA)
    cep_train_page_refresh_history (self);
  update_actions (self);
}

static void
apply_backend_preference (CepTrainPage *self)
{
  g_autofree char *preferred = g_settings_get_string (self->settings, "default-backend");
  CepExperiment *e = experiment (self);

  if (*preferred == '\0' || find_backend_choice (self, preferred, NULL) == G_MAXUINT)
    return;
  g_free (e->train.backend);
  e->train.backend = g_strdup (preferred);
  g_clear_pointer (&e->train.device, g_free);
}

void
cep_train_page_set_session (CepTrainPage *self,
                            CepSession   *session)
{
  g_return_if_fail (CEP_IS_TRAIN_PAGE (self));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  /* Dropping the settings object drops its bindings. */
  g_clear_object (&self->train_settings);
  g_set_object (&self->session, session);
  if (session == NULL)
    return;
  g_signal_connect (session, "experiment-changed", G_CALLBACK (on_experiment_changed), self);
  apply_backend_preference (self);
  self->train_settings = cep_train_settings_new (session);
  bind_form (self);
  show_experiment_backend (self);
  show_model_summary (self);
  show_dataset_summary (self);
  update_actions (self);
  cep_train_page_refresh_history (self);
}

/* ---- GObject ---- */

static void
cep_train_page_dispose (GObject *object)
{
  CepTrainPage *self = CEP_TRAIN_PAGE (object);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_clear_object (&self->train_settings);
  g_clear_object (&self->session);
  g_clear_object (&self->controller);
  g_queue_clear_full (&self->queue, (GDestroyNotify) cep_experiment_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_TRAIN_PAGE);
  cep_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->history_selection);
  g_clear_object (&self->history);
  g_clear_object (&self->backend_labels);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->backend_choices, g_ptr_array_unref);
  g_clear_pointer (&self->batch_runs, g_ptr_array_unref);
  G_OBJECT_CLASS (cep_train_page_parent_class)->dispose (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CepTrainPage, name)

static void
bind_template (GtkWidgetClass *widget_class)
{
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/cep-train-page.ui");
  BIND (model_row);
  BIND (dataset_row);
  BIND (backend_row);
  BIND (optimizer_row);
  BIND (lr_spin);
  BIND (weight_decay_spin);
  BIND (momentum_row);
  BIND (momentum_spin);
  BIND (clip_spin);
  BIND (schedule_row);
  BIND (warmup_spin);
  BIND (step_size_row);
  BIND (step_size_spin);
  BIND (gamma_row);
  BIND (gamma_spin);
  BIND (t_max_row);
  BIND (t_max_spin);
  BIND (factor_row);
  BIND (factor_spin);
  BIND (patience_row);
  BIND (patience_spin);
  BIND (batch_spin);
  BIND (epochs_spin);
  BIND (subset_spin);
  BIND (augment_switch);
  BIND (seed_spin);
  BIND (pause_button);
  BIND (progress_bar);
  BIND (status_label);
  BIND (view_stack);
  BIND (loss_view);
  BIND (lr_view);
  BIND (history_view);
  BIND (axis_dropdown);
  BIND (compare_view);
  BIND (runs_location_label);
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
  g_type_ensure (CEP_TYPE_CURVE_VIEW);
  bind_template (widget_class);
  install_actions (widget_class);
  /* The run folders were read again (after a refresh or a finished run). */
  signals[SIGNAL_HISTORY_LOADED] = g_signal_new ("history-loaded", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                 G_TYPE_NONE, 0);
}

static void
connect_form (CepTrainPage *self)
{
  g_signal_connect_swapped (self->backend_row, "notify::selected",
                            G_CALLBACK (on_backend_selected), self);
  g_signal_connect_swapped (self->axis_dropdown, "notify::selected", G_CALLBACK (on_axis_changed),
                            self);
}

static void
cep_train_page_init (CepTrainPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (CEP_APPLICATION_ID);
  self->controller = cep_train_controller_new ();
  g_queue_init (&self->queue);
  g_signal_connect (self->controller, "updated", G_CALLBACK (on_controller_updated), self);
  g_signal_connect (self->controller, "finished", G_CALLBACK (on_controller_finished), self);
  g_signal_connect (self->controller, "notify::state", G_CALLBACK (on_controller_state), self);
  g_signal_connect (self->controller, "start-failed", G_CALLBACK (on_controller_start_failed),
                    self);
  g_signal_connect (self->controller, "notice", G_CALLBACK (on_controller_notice), self);
  setup_backends (self);
  setup_history (self);
  connect_form (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->loss_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Loss and accuracy"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->lr_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Learning rate"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->compare_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Compared runs"), -1);
  schedule_update (self);
  update_actions (self);
}
