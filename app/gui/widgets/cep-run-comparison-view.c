/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-comparison-view.c: the compared runs' curves and the controls of the trackers.
 *
 * Reads each compared run's curves from its CepRunItem, hands them to core's overlay
 * (smoothing, groups, bands) and shows the overlay's series. Redrawn when the model, a run's
 * flag or a control changes.
 */
#define G_LOG_DOMAIN "cepstra-run-comparison-view"

#include "cep-run-comparison-view.h"

#include <glib/gi18n.h>

#include "cep-application.h"
#include "cep-curve-overlay.h"
#include "cep-gui-util.h"

struct _CepRunComparisonView
{
  GtkWidget       parent_instance;

  GListModel     *runs;
  GtkStringList  *group_keys;      /* "None" first */
  GSettings      *settings;
  guint           n_groups;
  gboolean        updating_keys;

  /* template */
  GtkDropDown    *axis_dropdown;
  GtkScale       *smoothing_scale;
  GtkAdjustment  *smoothing_adjustment;
  GtkDropDown    *group_dropdown;
  CepCurveView   *compare_view;
};

G_DEFINE_FINAL_TYPE (CepRunComparisonView, cep_run_comparison_view, GTK_TYPE_WIDGET)

#define DATA(array) ((const double *) (array)->data)

/* What the lower panel plots: dev accuracy, training accuracy, or (mixed) each run's legend
 * entry says which. */
static const char *
accuracy_label (guint n_with_dev,
                guint n_without_dev)
{
  if (n_without_dev == 0)
    return _("Dev accuracy (%)");
  if (n_with_dev == 0)
    return _("Training accuracy (%)");
  return _("Accuracy (%): dev, else training");
}

static const char *
group_key (CepRunComparisonView *self)
{
  guint selected = gtk_drop_down_get_selected (self->group_dropdown);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return NULL;
  return gtk_string_list_get_string (self->group_keys, selected);
}

/* One run's loss (top) and accuracy (below) against the axis. */
static void
add_run (CepCurveOverlay   *overlay,
         CepRunItem        *item,
         const char        *key,
         CepRunCompareAxis  axis)
{
  const CepRunCurves *c = cep_run_item_get_info (item)->curves;
  gboolean has_dev = cep_run_curves_has_dev (c);
  const CepHyperparameter *parameter = key != NULL ? cep_run_item_get_hyperparameter (item, key)
                                                   : NULL;
  g_autofree char *name = has_dev ? g_strdup (cep_run_item_get_label (item))
                                  : g_strdup_printf (_("%s (training accuracy)"),
                                                     cep_run_item_get_label (item));
  guint run = cep_curve_overlay_add_run (overlay, name,
                                         key == NULL ? NULL
                                         : parameter != NULL ? parameter->value : "–");
  g_autoptr (GArray) epochs = g_array_new (FALSE, FALSE, sizeof (double));
  const GArray *accuracy = has_dev ? c->dev_accuracy : c->epoch_accuracy;
  const GArray *epoch_x;

  for (guint i = 0; i < c->epoch_step->len; i++)
    g_array_append_val (epochs, (double) { i + 1 });
  epoch_x = axis == CEP_RUN_COMPARE_EPOCHS ? epochs
            : axis == CEP_RUN_COMPARE_TIME ? c->epoch_time : c->epoch_step;
  if (axis == CEP_RUN_COMPARE_EPOCHS)
    cep_curve_overlay_add_curve (overlay, run, 0, DATA (epochs), DATA (c->epoch_loss),
                                 c->epoch_loss->len, TRUE);
  else
    cep_curve_overlay_add_curve (overlay, run, 0,
                                 DATA (axis == CEP_RUN_COMPARE_TIME ? c->step_time : c->step),
                                 DATA (c->step_loss), c->step->len, FALSE);
  cep_curve_overlay_add_curve (overlay, run, 1, DATA (epoch_x), DATA (accuracy), accuracy->len,
                               TRUE);
}

static void
rebuild (CepRunComparisonView *self)
{
  CepRunCompareAxis axis = MIN (gtk_drop_down_get_selected (self->axis_dropdown),
                                CEP_RUN_COMPARE_TIME);
  const char *axis_labels[] = { _("Step"), _("Epoch"), _("Wall time (s)") };
  CepLinePlot *plot = cep_curve_view_get_plot (self->compare_view);
  g_autoptr (CepCurveOverlay) overlay = NULL;
  guint n = self->runs != NULL ? g_list_model_get_n_items (self->runs) : 0;
  guint n_with_dev = 0, n_without_dev = 0, n_series;
  const CepLineSeries *series;

  overlay = cep_curve_overlay_new (gtk_adjustment_get_value (self->smoothing_adjustment));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CepRunItem) item = g_list_model_get_item (self->runs, i);

      if (!cep_run_item_get_compared (item))
        continue;
      add_run (overlay, item, group_key (self), axis);
      if (cep_run_curves_has_dev (cep_run_item_get_info (item)->curves))
        n_with_dev++;
      else
        n_without_dev++;
    }
  cep_curve_view_clear (self->compare_view);
  cep_line_plot_init_training (plot, g_settings_get_boolean (self->settings, "log-loss-axis"));
  plot->x_label = axis_labels[axis];
  plot->x_kind = axis == CEP_RUN_COMPARE_TIME ? CEP_PLOT_TICKS_NUMBER : CEP_PLOT_TICKS_INTEGER;
  plot->panels[1].y_label = accuracy_label (n_with_dev, n_without_dev);
  series = cep_curve_overlay_get_series (overlay, &n_series);
  for (guint i = 0; i < n_series; i++)
    cep_curve_view_add_series (self->compare_view, &series[i], series[i].x, series[i].y,
                               series[i].n);
  self->n_groups = cep_curve_overlay_get_n_groups (overlay);
  cep_curve_view_changed (self->compare_view);
}

/* ---- the model ---- */

static void
follow_items (CepRunComparisonView *self,
              guint                 position,
              guint                 added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (CepRunItem) item = g_list_model_get_item (self->runs, i);

      g_signal_connect_object (item, "notify::compared", G_CALLBACK (rebuild), self,
                               G_CONNECT_SWAPPED);
    }
}

static void
on_items_changed (CepRunComparisonView *self,
                  guint                 position,
                  guint                 removed,
                  guint                 added)
{
  follow_items (self, position, added);
  rebuild (self);
}

void
cep_run_comparison_view_set_model (CepRunComparisonView *self,
                                   GListModel           *runs)
{
  g_return_if_fail (CEP_IS_RUN_COMPARISON_VIEW (self));
  g_return_if_fail (runs == NULL || G_IS_LIST_MODEL (runs));

  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  g_set_object (&self->runs, runs);
  if (runs != NULL)
    {
      g_signal_connect_swapped (runs, "items-changed", G_CALLBACK (on_items_changed), self);
      follow_items (self, 0, g_list_model_get_n_items (runs));
    }
  rebuild (self);
}

/* ---- the controls ---- */

void
cep_run_comparison_view_set_axis (CepRunComparisonView *self,
                                  CepRunCompareAxis     axis)
{
  g_return_if_fail (CEP_IS_RUN_COMPARISON_VIEW (self));

  /* The drop-down's "notify::selected" redraws. */
  gtk_drop_down_set_selected (self->axis_dropdown, axis);
}

void
cep_run_comparison_view_set_smoothing (CepRunComparisonView *self,
                                       double                weight)
{
  g_return_if_fail (CEP_IS_RUN_COMPARISON_VIEW (self));
  gtk_adjustment_set_value (self->smoothing_adjustment, weight);
}

static guint
find_key (CepRunComparisonView *self,
          const char           *key)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->group_keys));

  for (guint i = 1; key != NULL && i < n; i++)
    if (g_str_equal (gtk_string_list_get_string (self->group_keys, i), key))
      return i;
  return 0;
}

void
cep_run_comparison_view_set_group_keys (CepRunComparisonView *self,
                                        const char * const   *keys)
{
  static const char * const usual_keys[] = { "train.optimizer", "train.optimizer.lr",
                                              "train.batch_size", "train.epochs",
                                              "model.context", "model.params" };
  g_autoptr (GStrvBuilder) offered = g_strv_builder_new ();
  g_auto (GStrv) all = NULL;
  g_autofree char *chosen = NULL;
  guint n;

  g_return_if_fail (CEP_IS_RUN_COMPARISON_VIEW (self));

  chosen = g_strdup (group_key (self));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->group_keys));
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    g_strv_builder_add (offered, keys[i]);
  for (guint i = 0; i < G_N_ELEMENTS (usual_keys); i++)
    if (keys == NULL || !g_strv_contains (keys, usual_keys[i]))
      g_strv_builder_add (offered, usual_keys[i]);
  all = g_strv_builder_end (offered);
  /* Replacing the list resets the selection: one redraw at the end, not one per step. */
  self->updating_keys = TRUE;
  gtk_string_list_splice (self->group_keys, 1, n - 1, (const char * const *) all);
  gtk_drop_down_set_selected (self->group_dropdown, find_key (self, chosen));
  self->updating_keys = FALSE;
  rebuild (self);
}

gboolean
cep_run_comparison_view_set_group_by (CepRunComparisonView *self,
                                      const char           *key)
{
  guint index;

  g_return_val_if_fail (CEP_IS_RUN_COMPARISON_VIEW (self), FALSE);

  index = find_key (self, key);
  if (key != NULL && index == 0)
    return FALSE;
  gtk_drop_down_set_selected (self->group_dropdown, index);
  return TRUE;
}

static void
on_control_changed (CepRunComparisonView *self)
{
  if (!self->updating_keys)
    rebuild (self);
}

guint
cep_run_comparison_view_get_n_groups (CepRunComparisonView *self)
{
  g_return_val_if_fail (CEP_IS_RUN_COMPARISON_VIEW (self), 0);
  return self->n_groups;
}

const char *
cep_run_comparison_view_get_accuracy_label (CepRunComparisonView *self)
{
  g_return_val_if_fail (CEP_IS_RUN_COMPARISON_VIEW (self), NULL);
  return cep_curve_view_get_plot (self->compare_view)->panels[1].y_label;
}

CepCurveView *
cep_run_comparison_view_get_curve_view (CepRunComparisonView *self)
{
  g_return_val_if_fail (CEP_IS_RUN_COMPARISON_VIEW (self), NULL);
  return self->compare_view;
}

GtkWidget *
cep_run_comparison_view_new (void)
{
  return g_object_new (CEP_TYPE_RUN_COMPARISON_VIEW, NULL);
}

/* ---- GObject ---- */

static void
cep_run_comparison_view_dispose (GObject *object)
{
  CepRunComparisonView *self = CEP_RUN_COMPARISON_VIEW (object);

  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_RUN_COMPARISON_VIEW);
  cep_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->runs);
  g_clear_object (&self->group_keys);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (cep_run_comparison_view_parent_class)->dispose (object);
}

static void
cep_run_comparison_view_class_init (CepRunComparisonViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cep_run_comparison_view_dispose;
  g_type_ensure (CEP_TYPE_CURVE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/"
                                               "cep-run-comparison-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CepRunComparisonView, axis_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CepRunComparisonView, smoothing_scale);
  gtk_widget_class_bind_template_child (widget_class, CepRunComparisonView,
                                        smoothing_adjustment);
  gtk_widget_class_bind_template_child (widget_class, CepRunComparisonView, group_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CepRunComparisonView, compare_view);
}

static void
cep_run_comparison_view_init (CepRunComparisonView *self)
{
  const char *none[] = { _("None"), NULL };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (CEP_APPLICATION_ID);
  self->group_keys = gtk_string_list_new (none);
  gtk_drop_down_set_expression (self->group_dropdown,
                                gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL,
                                                             "string"));
  gtk_drop_down_set_model (self->group_dropdown, G_LIST_MODEL (self->group_keys));
  g_settings_bind (self->settings, "comparison-smoothing", self->smoothing_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->compare_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Compared runs"), -1);
  g_signal_connect_swapped (self->axis_dropdown, "notify::selected",
                            G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->group_dropdown, "notify::selected",
                            G_CALLBACK (on_control_changed), self);
  g_signal_connect_swapped (self->smoothing_adjustment, "value-changed",
                            G_CALLBACK (on_control_changed), self);
  /* Offers the usual keys and draws the (empty) plot. */
  cep_run_comparison_view_set_group_keys (self, NULL);
}
