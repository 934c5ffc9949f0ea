/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-form.c: the Train page's form.
 *
 * Owns the CepTrainSettings its rows are bound to, the list of backends and devices this
 * machine can train on (opened once, on a worker), and the "what will train" rows. It writes
 * the experiment only through CepTrainSettings and reads it to show the summaries.
 */
#define G_LOG_DOMAIN "cepstra-train-form"

#include "cep-train-form.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cep-application.h"
#include "cep-backend.h"
#include "cep-backend-choice.h"
#include "cep-format.h"
#include "cep-gui-util.h"
#include "cep-rule-row.h"
#include "cep-train-settings.h"

struct _CepTrainForm
{
  GtkWidget         parent_instance;

  CepSession       *session;
  CepTrainSettings *train_settings;    /* the rows are bound to it */
  GSettings        *settings;
  GtkStringList    *backend_labels;
  GPtrArray        *backend_choices;   /* of CepBackendChoice, in the order of the labels */

  /* template */
  AdwActionRow     *model_row;
  AdwActionRow     *dataset_row;
  AdwComboRow      *backend_row;
};

enum
{
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CepTrainForm, cep_train_form, GTK_TYPE_WIDGET)

static void on_backend_selected (CepTrainForm *self);

static CepExperiment *
experiment (CepTrainForm *self)
{
  return self->session != NULL ? cep_session_get_experiment (self->session) : NULL;
}

/* ---- rows bound to CepTrainSettings ---- */

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
form_widget (CepTrainForm *self,
             const char   *name)
{
  GObject *widget = gtk_widget_get_template_child (GTK_WIDGET (self), CEP_TYPE_TRAIN_FORM, name);

  g_assert (widget != NULL);
  return widget;
}

static void
bind_rows (CepTrainForm *self)
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

/* Every bound row follows the assignment's rule for its setting; the backend row too. */
static void
attach_rules (CepTrainForm *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (form_bindings); i++)
    {
      GtkWidget *control = GTK_WIDGET (form_widget (self, form_bindings[i].widget));
      GtkWidget *row = ADW_IS_ACTION_ROW (control)
                       ? control : gtk_widget_get_ancestor (control, ADW_TYPE_ACTION_ROW);
      double scale = 1;
      const char *path = cep_train_settings_get_path (form_bindings[i].property, &scale);

      cep_rule_row_attach (row, control, self->session, path, scale);
    }
  cep_rule_row_attach (GTK_WIDGET (self->backend_row), GTK_WIDGET (self->backend_row),
                       self->session, "train.backend", 1);
}

/* ---- the backend row: backend and device together ---- */

static const CepBackendChoice *
backend_choice_at (CepTrainForm *self,
                   guint         index)
{
  if (self->backend_choices == NULL || index >= self->backend_choices->len)
    return NULL;
  return g_ptr_array_index (self->backend_choices, index);
}

static const CepBackendChoice *
selected_backend_choice (CepTrainForm *self)
{
  return backend_choice_at (self, adw_combo_row_get_selected (self->backend_row));
}

/* The entry of @backend on @device (its index or its name, as a run records it), else the
 * first entry of @backend; G_MAXUINT when the backend is not in the list. */
static guint
find_backend_choice (CepTrainForm *self,
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
select_backend (CepTrainForm *self,
                const char   *backend,
                const char   *device)
{
  guint index = find_backend_choice (self, backend, device);

  if (index != G_MAXUINT)
    adw_combo_row_set_selected (self->backend_row, index);
}

/* The chosen backend's description (threads, kernels, device memory) under the row, its start
 * in two lines and the whole of it as a tooltip; the list itself names only the backend and
 * the device. */
static void
show_backend_description (CepTrainForm *self)
{
  const CepBackendChoice *choice = selected_backend_choice (self);
  const char *description = choice != NULL ? choice->description : "";

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->backend_row), description);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->backend_row), description);
}

/* The experiment's backend and device in the backend row. */
static void
show_experiment_backend (CepTrainForm *self)
{
  CepExperiment *e = experiment (self);

  g_signal_handlers_block_by_func (self->backend_row, on_backend_selected, self);
  select_backend (self, e->train.backend, e->train.device);
  g_signal_handlers_unblock_by_func (self->backend_row, on_backend_selected, self);
  show_backend_description (self);
}

static void
on_backend_selected (CepTrainForm *self)
{
  const CepBackendChoice *choice = selected_backend_choice (self);

  show_backend_description (self);
  if (self->train_settings != NULL && choice != NULL)
    cep_train_settings_set_backend (self->train_settings, choice->backend, choice->device);
}

/* The backends and devices this machine can run (cep_backend_list_choices()), labelled with
 * descriptions that name the device (Vulkan's GPU). Opening each takes a moment (a device
 * probe), so it happens on a worker once per form; one that cannot open here (Vulkan without
 * a device) is not offered. */
static void
list_choices_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  g_task_return_pointer (task, cep_backend_list_choices (), (GDestroyNotify) g_ptr_array_unref);
}

static GStrv
choice_labels (GPtrArray *choices)
{
  g_autoptr (GStrvBuilder) labels = g_strv_builder_new ();

  for (guint i = 0; i < choices->len; i++)
    {
      const CepBackendChoice *choice = choices->pdata[i];
      g_autofree char *label = choice->device_name != NULL
                               ? g_strdup_printf ("%s: %s", choice->backend, choice->device_name)
                               : g_strdup (choice->backend);

      g_strv_builder_add (labels, label);
    }
  return g_strv_builder_end (labels);
}

static void
on_backends_described (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr (CepTrainForm) self = user_data;
  g_autoptr (GPtrArray) choices = g_task_propagate_pointer (G_TASK (result), NULL);
  g_auto (GStrv) labels = NULL;
  const CepExperiment *e = experiment (self);
  const CepBackendChoice *shown;
  guint n;

  /* Disposed while the worker ran: nothing left to fill. */
  if (choices == NULL || self->backend_labels == NULL)
    return;
  labels = choice_labels (choices);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->backend_labels));
  g_signal_handlers_block_by_func (self->backend_row, on_backend_selected, self);
  g_clear_pointer (&self->backend_choices, g_ptr_array_unref);
  self->backend_choices = g_steal_pointer (&choices);
  gtk_string_list_splice (self->backend_labels, 0, n, (const char * const *) labels);
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
setup_backends (CepTrainForm *self)
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

/* The default backend of the preferences for a new session's experiment, when it is offered
 * here. */
static void
apply_backend_preference (CepTrainForm *self)
{
  g_autofree char *preferred = g_settings_get_string (self->settings, "default-backend");

  if (*preferred == '\0' || find_backend_choice (self, preferred, NULL) == G_MAXUINT)
    return;
  cep_train_settings_set_backend (self->train_settings, preferred, NULL);
}

/* ---- what will train: the model and the data ---- */

/* "tiny: 1,423,914 parameters (limit 20,000,000)", in the error style above the limit. */
static void
show_model_summary (CepTrainForm *self)
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
show_dataset_summary (CepTrainForm *self)
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

/* ---- the session ---- */

static void
on_experiment_changed (CepSession   *session,
                       guint         what,
                       CepTrainForm *self)
{
  /* The bound rows follow through CepTrainSettings; the backend row by hand. */
  if (what & CEP_SESSION_CHANGED_TRAIN)
    show_experiment_backend (self);
  show_model_summary (self);
  show_dataset_summary (self);
}

void
cep_train_form_set_session (CepTrainForm *self,
                            CepSession   *session)
{
  g_return_if_fail (CEP_IS_TRAIN_FORM (self));
  g_return_if_fail (session == NULL || CEP_IS_SESSION (session));

  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  /* Dropping the settings object drops its bindings. */
  g_clear_object (&self->train_settings);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      self->train_settings = cep_train_settings_new (session);
      apply_backend_preference (self);
      g_signal_connect (session, "experiment-changed", G_CALLBACK (on_experiment_changed), self);
      bind_rows (self);
      attach_rules (self);
      show_experiment_backend (self);
      show_model_summary (self);
      show_dataset_summary (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

CepSession *
cep_train_form_get_session (CepTrainForm *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_FORM (self), NULL);
  return self->session;
}

const char *
cep_train_form_get_model_summary (CepTrainForm *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_FORM (self), NULL);
  return adw_action_row_get_subtitle (self->model_row);
}

GtkWidget *
cep_train_form_new (void)
{
  return g_object_new (CEP_TYPE_TRAIN_FORM, NULL);
}

/* ---- GObject ---- */

static void
cep_train_form_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CepTrainForm *self = CEP_TRAIN_FORM (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cep_train_form_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CepTrainForm *self = CEP_TRAIN_FORM (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      cep_train_form_set_session (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cep_train_form_dispose (GObject *object)
{
  CepTrainForm *self = CEP_TRAIN_FORM (object);

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->train_settings);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_TRAIN_FORM);
  cep_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->backend_labels);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->backend_choices, g_ptr_array_unref);
  G_OBJECT_CLASS (cep_train_form_parent_class)->dispose (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CepTrainForm, name)
#define BIND_BY_NAME(name) gtk_widget_class_bind_template_child_full (widget_class, name, FALSE, 0)

static void
bind_template (GtkWidgetClass *widget_class)
{
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/cep-train-form.ui");
  BIND (model_row);
  BIND (dataset_row);
  BIND (backend_row);
  /* The bound rows are looked up by name (form_widget()): the tables above name them. */
  for (guint i = 0; i < G_N_ELEMENTS (form_bindings); i++)
    BIND_BY_NAME (form_bindings[i].widget);
  for (guint i = 0; i < G_N_ELEMENTS (form_visibility); i++)
    BIND_BY_NAME (form_visibility[i].widget);
}

static void
cep_train_form_class_init (CepTrainFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cep_train_form_get_property;
  object_class->set_property = cep_train_form_set_property;
  object_class->dispose = cep_train_form_dispose;
  bind_template (widget_class);
  properties[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, CEP_TYPE_SESSION,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                                  | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cep_train_form_init (CepTrainForm *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (CEP_APPLICATION_ID);
  setup_backends (self);
  g_signal_connect_swapped (self->backend_row, "notify::selected",
                            G_CALLBACK (on_backend_selected), self);
}
