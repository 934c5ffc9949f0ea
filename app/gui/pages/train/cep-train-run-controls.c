/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-run-controls.c: the current run's buttons, progress bar and status line.
 *
 * The status line is a function of the controller's state and its last event: whoever
 * pauses, stops or starts a run (a button, a shortcut, the batch-size experiment), the line
 * says so because the state changed, not because the caller wrote it.
 */
#define G_LOG_DOMAIN "cepstra-train-run-controls"

#include "cep-train-run-controls.h"

#include <glib/gi18n.h>

#include "cep-format.h"
#include "cep-gui-util.h"

struct _CepTrainRunControls
{
  GtkWidget           parent_instance;

  CepTrainController *controller;
  CepTrainState       shown_state;
  guint               tick_id;

  /* template */
  GtkButton          *pause_button;
  GtkProgressBar     *progress_bar;
  GtkLabel           *status_label;
};

enum
{
  PROP_0,
  PROP_CONTROLLER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CepTrainRunControls, cep_train_run_controls, GTK_TYPE_WIDGET)

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
show_progress (CepTrainRunControls *self)
{
  const CepTrainProgress *p = cep_train_controller_get_progress (self->controller);
  CepTrainState state = cep_train_controller_get_state (self->controller);
  double epoch_part = p->n_batches > 0 ? (double) p->batch / p->n_batches : 0;
  double done = p->n_epochs > 0 ? MIN ((p->epoch + epoch_part) / p->n_epochs, 1.0) : 0;
  g_autofree char *text = NULL, *status = NULL, *eta = NULL, *rate = NULL;
  g_autofree char *batch = NULL, *n_batches = NULL, *step = NULL;

  /* How the run ended stays on the line. */
  if (state == CEP_TRAIN_STATE_IDLE)
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
                            state == CEP_TRAIN_STATE_PAUSED ? _("Paused · ") : "",
                            step, rate, eta, p->loss, p->lr);
  gtk_progress_bar_set_fraction (self->progress_bar, done);
  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_label_set_label (self->status_label, status);
}

/* However many events arrived, the line is written once per frame. */
static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  CepTrainRunControls *self = CEP_TRAIN_RUN_CONTROLS (widget);

  self->tick_id = 0;
  show_progress (self);
  return G_SOURCE_REMOVE;
}

static void
on_updated (CepTrainRunControls *self)
{
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
}

/* What a change of state means for the line; NULL where the next progress says enough. */
static const char *
describe_state_change (CepTrainState from,
                       CepTrainState to)
{
  switch (to)
    {
    case CEP_TRAIN_STATE_STARTING:
      return _("Setting up the run…");
    case CEP_TRAIN_STATE_PAUSED:
      return _("Paused");
    case CEP_TRAIN_STATE_RUNNING:
      return from == CEP_TRAIN_STATE_PAUSED ? _("Running") : NULL;
    case CEP_TRAIN_STATE_STOPPING:
      return _("Stopping after this step…");
    case CEP_TRAIN_STATE_IDLE:
    default:
      return NULL;   /* "finished" or "start-failed" says how */
    }
}

static void
on_state_changed (CepTrainRunControls *self)
{
  CepTrainState state = cep_train_controller_get_state (self->controller);
  const char *message = describe_state_change (self->shown_state, state);

  self->shown_state = state;
  if (message != NULL)
    gtk_label_set_label (self->status_label, message);
  gtk_button_set_label (self->pause_button, state == CEP_TRAIN_STATE_PAUSED ? _("_Resume")
                                                                           : _("_Pause"));
}

/* "20250101-120000-tiny: Finished". */
static void
on_finished (CepTrainController  *controller,
             guint                status,
             const GError        *error,
             CepTrainRunControls *self)
{
  g_autofree char *id = g_path_get_basename (cep_train_controller_get_run_dir (controller));
  g_autofree char *message = g_strdup_printf ("%s: %s", id, cep_run_status_get_label (status));

  gtk_label_set_label (self->status_label, message);
}

static void
on_start_failed (CepTrainController  *controller,
                 const GError        *error,
                 CepTrainRunControls *self)
{
  gtk_label_set_label (self->status_label, error->message);
}

void
cep_train_run_controls_set_controller (CepTrainRunControls *self,
                                       CepTrainController  *controller)
{
  g_return_if_fail (CEP_IS_TRAIN_RUN_CONTROLS (self));
  g_return_if_fail (controller == NULL || CEP_IS_TRAIN_CONTROLLER (controller));

  if (self->controller == controller)
    return;
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_set_object (&self->controller, controller);
  if (controller != NULL)
    {
      g_signal_connect_swapped (controller, "updated", G_CALLBACK (on_updated), self);
      g_signal_connect_swapped (controller, "notify::state", G_CALLBACK (on_state_changed),
                                self);
      g_signal_connect (controller, "finished", G_CALLBACK (on_finished), self);
      g_signal_connect (controller, "start-failed", G_CALLBACK (on_start_failed), self);
      self->shown_state = cep_train_controller_get_state (controller);
      on_state_changed (self);
      on_updated (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROLLER]);
}

CepTrainController *
cep_train_run_controls_get_controller (CepTrainRunControls *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_RUN_CONTROLS (self), NULL);
  return self->controller;
}

const char *
cep_train_run_controls_get_status (CepTrainRunControls *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_RUN_CONTROLS (self), NULL);
  return gtk_label_get_label (self->status_label);
}

GtkWidget *
cep_train_run_controls_new (void)
{
  return g_object_new (CEP_TYPE_TRAIN_RUN_CONTROLS, NULL);
}

/* ---- GObject ---- */

static void
cep_train_run_controls_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  CepTrainRunControls *self = CEP_TRAIN_RUN_CONTROLS (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER:
      g_value_set_object (value, self->controller);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cep_train_run_controls_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  CepTrainRunControls *self = CEP_TRAIN_RUN_CONTROLS (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER:
      cep_train_run_controls_set_controller (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cep_train_run_controls_dispose (GObject *object)
{
  CepTrainRunControls *self = CEP_TRAIN_RUN_CONTROLS (object);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_clear_object (&self->controller);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_TRAIN_RUN_CONTROLS);
  cep_widget_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cep_train_run_controls_parent_class)->dispose (object);
}

static void
cep_train_run_controls_class_init (CepTrainRunControlsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cep_train_run_controls_get_property;
  object_class->set_property = cep_train_run_controls_set_property;
  object_class->dispose = cep_train_run_controls_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/"
                                               "cep-train-run-controls.ui");
  gtk_widget_class_bind_template_child (widget_class, CepTrainRunControls, pause_button);
  gtk_widget_class_bind_template_child (widget_class, CepTrainRunControls, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CepTrainRunControls, status_label);
  properties[PROP_CONTROLLER] =
    g_param_spec_object ("controller", NULL, NULL, CEP_TYPE_TRAIN_CONTROLLER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cep_train_run_controls_init (CepTrainRunControls *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
