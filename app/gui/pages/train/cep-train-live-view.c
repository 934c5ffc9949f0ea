/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-live-view.c: the current run's curves.
 *
 * The numbers are the controller's (the trainer's events); the per-step loss is drawn faint
 * under its smoothing (core's cep-curve-stats.h, TensorBoard's moving average).
 */
#define G_LOG_DOMAIN "cepstra-train-live-view"

#include "cep-train-live-view.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cep-application.h"
#include "cep-colormap.h"
#include "cep-curve-stats.h"
#include "cep-curve-view.h"
#include "cep-gui-util.h"

struct _CepTrainLiveView
{
  GtkWidget           parent_instance;

  CepTrainController *controller;
  GSettings          *settings;
  guint               tick_id;
  guint64             n_updates;

  /* template */
  CepCurveView       *loss_view;
  CepCurveView       *lr_view;
};

enum
{
  PROP_0,
  PROP_CONTROLLER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CepTrainLiveView, cep_train_live_view, GTK_TYPE_WIDGET)

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

static void
fill_loss_view (CepTrainLiveView   *self,
                const CepRunCurves *curves)
{
  CepCurveView *view = self->loss_view;
  CepLineSeries style;
  g_autoptr (GArray) smooth = cep_curve_smooth_array (curves->step_loss,
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
fill_lr_view (CepTrainLiveView   *self,
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

/* Everything the events changed, drawn once per frame (the tick) however many arrived. */
static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  CepTrainLiveView *self = CEP_TRAIN_LIVE_VIEW (widget);
  const CepRunCurves *curves = cep_train_controller_get_curves (self->controller);

  self->tick_id = 0;
  self->n_updates++;
  fill_loss_view (self, curves);
  fill_lr_view (self, curves);
  return G_SOURCE_REMOVE;
}

static void
on_updated (CepTrainLiveView *self)
{
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), on_tick, NULL, NULL);
}

void
cep_train_live_view_set_controller (CepTrainLiveView   *self,
                                    CepTrainController *controller)
{
  g_return_if_fail (CEP_IS_TRAIN_LIVE_VIEW (self));
  g_return_if_fail (controller == NULL || CEP_IS_TRAIN_CONTROLLER (controller));

  if (self->controller == controller)
    return;
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_set_object (&self->controller, controller);
  if (controller != NULL)
    {
      /* "finished" brings the last epoch's evaluation: draw it too. */
      g_signal_connect_swapped (controller, "updated", G_CALLBACK (on_updated), self);
      g_signal_connect_swapped (controller, "finished", G_CALLBACK (on_updated), self);
      on_updated (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROLLER]);
}

CepTrainController *
cep_train_live_view_get_controller (CepTrainLiveView *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_LIVE_VIEW (self), NULL);
  return self->controller;
}

guint64
cep_train_live_view_get_n_updates (CepTrainLiveView *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_LIVE_VIEW (self), 0);
  return self->n_updates;
}

static gboolean
export_plot (const char  *path,
             gpointer     user_data,
             GError     **error)
{
  return cep_plot_widget_export (user_data, path, 1200, 800, error);
}

void
cep_train_live_view_export_plot (CepTrainLiveView *self)
{
  g_return_if_fail (CEP_IS_TRAIN_LIVE_VIEW (self));

  cep_widget_export (GTK_WIDGET (self), "curves.png", export_plot, g_object_ref (self->loss_view),
                     g_object_unref);
}

static gboolean
export_metrics (const char  *path,
                gpointer     user_data,
                GError     **error)
{
  return cep_run_curves_write_csv (cep_train_controller_get_curves (user_data), path, error);
}

void
cep_train_live_view_export_metrics (CepTrainLiveView *self)
{
  g_return_if_fail (CEP_IS_TRAIN_LIVE_VIEW (self));

  if (self->controller != NULL)
    cep_widget_export (GTK_WIDGET (self), "metrics.csv", export_metrics,
                       g_object_ref (self->controller), g_object_unref);
}

void
cep_train_live_view_open_folder (CepTrainLiveView *self)
{
  const char *dir;

  g_return_if_fail (CEP_IS_TRAIN_LIVE_VIEW (self));

  dir = self->controller != NULL ? cep_train_controller_get_run_dir (self->controller) : NULL;
  if (dir != NULL)
    cep_widget_show_folder (GTK_WIDGET (self), dir);
}

GtkWidget *
cep_train_live_view_new (void)
{
  return g_object_new (CEP_TYPE_TRAIN_LIVE_VIEW, NULL);
}

/* ---- GObject ---- */

static void
cep_train_live_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CepTrainLiveView *self = CEP_TRAIN_LIVE_VIEW (object);

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
cep_train_live_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CepTrainLiveView *self = CEP_TRAIN_LIVE_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONTROLLER:
      cep_train_live_view_set_controller (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cep_train_live_view_dispose (GObject *object)
{
  CepTrainLiveView *self = CEP_TRAIN_LIVE_VIEW (object);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (self->controller, self);
  g_clear_object (&self->controller);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_TRAIN_LIVE_VIEW);
  cep_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (cep_train_live_view_parent_class)->dispose (object);
}

static void
cep_train_live_view_class_init (CepTrainLiveViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cep_train_live_view_get_property;
  object_class->set_property = cep_train_live_view_set_property;
  object_class->dispose = cep_train_live_view_dispose;
  g_type_ensure (CEP_TYPE_CURVE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/"
                                               "cep-train-live-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CepTrainLiveView, loss_view);
  gtk_widget_class_bind_template_child (widget_class, CepTrainLiveView, lr_view);
  properties[PROP_CONTROLLER] =
    g_param_spec_object ("controller", NULL, NULL, CEP_TYPE_TRAIN_CONTROLLER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cep_train_live_view_init (CepTrainLiveView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (CEP_APPLICATION_ID);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->loss_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Loss and accuracy"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->lr_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Learning rate"), -1);
}
