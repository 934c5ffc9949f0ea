/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-history-view.c: the run history and its comparison plot.
 *
 * The runs are CepRunItems in a list store, filled from core's reader of run folders; the
 * comparison draws the curves those runs recorded. Nothing here reads a run file itself.
 */
#define G_LOG_DOMAIN "cepstra-run-history-view"

#include "cep-run-history-view.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cep-application.h"
#include "cep-colormap.h"
#include "cep-curve-view.h"
#include "cep-gui-util.h"
#include "cep-run-edit-dialog.h"

struct _CepRunHistoryView
{
  GtkWidget           parent_instance;

  GListStore         *runs;             /* of CepRunItem */
  GtkSingleSelection *selection;
  GCancellable       *listing;          /* the listing under way */
  char               *dataset_root;
  GStrv               compare_next;     /* the runs the next listing compares; NULL: newest */
  GSettings          *settings;

  /* template */
  GtkColumnView      *history_view;
  GtkDropDown        *axis_dropdown;
  CepCurveView       *compare_view;
  GtkLabel           *runs_location_label;
};

enum
{
  PROP_0,
  PROP_SELECTED_RUN,
  N_PROPS
};

enum
{
  SIGNAL_LOADED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CepRunHistoryView, cep_run_history_view, GTK_TYPE_WIDGET)

/* ---- the comparison ---- */

static CepLineSeries
series_style (const char *name,
              guint       color,
              gboolean    markers)
{
  CepLineSeries style = { 0 };

  style.name = name;
  style.color = cep_palette_get_series_color (color);
  style.color.alpha = 1.0;
  style.markers = markers;
  style.line_width = 1.5;
  return style;
}

#define DATA(array) ((const double *) (array)->data)

/* One run's curves against the chosen axis: loss on top, dev accuracy below, or training
 * accuracy for a run without dev evaluation (its legend entry says so). */
static void
add_compared_run (CepRunHistoryView *self,
                  const CepRunInfo  *info,
                  guint              color,
                  CepRunCompareAxis  axis)
{
  const CepRunCurves *c = info->curves;
  gboolean has_dev = cep_run_curves_has_dev (c);
  g_autofree char *name = has_dev ? g_strdup (info->id)
                                  : g_strdup_printf (_("%s (training accuracy)"), info->id);
  CepLineSeries style = series_style (name, color, axis == CEP_RUN_COMPARE_EPOCHS);
  g_autoptr (GArray) epochs = g_array_new (FALSE, FALSE, sizeof (double));
  const GArray *accuracy = has_dev ? c->dev_accuracy : c->epoch_accuracy;
  const GArray *epoch_x;

  for (guint i = 0; i < c->epoch_step->len; i++)
    g_array_append_val (epochs, (double) { i + 1 });
  epoch_x = axis == CEP_RUN_COMPARE_EPOCHS ? epochs
            : axis == CEP_RUN_COMPARE_TIME ? c->epoch_time : c->epoch_step;
  if (axis == CEP_RUN_COMPARE_EPOCHS)
    cep_curve_view_add_series (self->compare_view, &style, DATA (epochs), DATA (c->epoch_loss),
                               c->epoch_loss->len);
  else
    cep_curve_view_add_series (self->compare_view, &style,
                               DATA (axis == CEP_RUN_COMPARE_TIME ? c->step_time : c->step),
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

static void
rebuild_comparison (CepRunHistoryView *self)
{
  CepRunCompareAxis axis = MIN (gtk_drop_down_get_selected (self->axis_dropdown),
                                CEP_RUN_COMPARE_TIME);
  const char *axis_labels[] = { _("Step"), _("Epoch"), _("Wall time (s)") };
  CepLinePlot *plot = cep_curve_view_get_plot (self->compare_view);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->runs)), color = 0;
  guint n_with_dev = 0, n_without_dev = 0;

  cep_curve_view_clear (self->compare_view);
  cep_line_plot_init_training (plot, g_settings_get_boolean (self->settings, "log-loss-axis"));
  plot->x_label = axis_labels[axis];
  plot->x_kind = axis == CEP_RUN_COMPARE_TIME ? CEP_PLOT_TICKS_NUMBER : CEP_PLOT_TICKS_INTEGER;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CepRunItem) item = g_list_model_get_item (G_LIST_MODEL (self->runs), i);
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

void
cep_run_history_view_set_axis (CepRunHistoryView *self,
                               CepRunCompareAxis  axis)
{
  g_return_if_fail (CEP_IS_RUN_HISTORY_VIEW (self));

  /* The drop-down's "notify::selected" redraws the comparison. */
  gtk_drop_down_set_selected (self->axis_dropdown, axis);
}

const char *
cep_run_history_view_get_compared_accuracy_label (CepRunHistoryView *self)
{
  g_return_val_if_fail (CEP_IS_RUN_HISTORY_VIEW (self), NULL);
  return cep_curve_view_get_plot (self->compare_view)->panels[1].y_label;
}

/* ---- listing ---- */

static gboolean
is_compared_next (CepRunHistoryView *self,
                  const CepRunInfo  *info,
                  guint              index)
{
  if (self->compare_next == NULL)
    return index == 0;
  return g_strv_contains ((const char * const *) self->compare_next, info->dir);
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (CepRunHistoryView) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) runs = cep_run_history_list_finish (result, &error);

  /* Cancelled by a newer listing, or by dispose. */
  if (runs == NULL)
    return;
  g_list_store_remove_all (self->runs);
  g_ptr_array_set_free_func (runs, NULL);
  for (guint i = 0; i < runs->len; i++)
    {
      g_autoptr (CepRunItem) item = cep_run_item_new (g_ptr_array_index (runs, i));

      cep_run_item_set_compared (item, is_compared_next (self, cep_run_item_get_info (item), i));
      g_signal_connect_object (item, "notify::compared", G_CALLBACK (rebuild_comparison), self,
                               G_CONNECT_SWAPPED);
      g_list_store_append (self->runs, item);
    }
  g_clear_pointer (&self->compare_next, g_strfreev);
  rebuild_comparison (self);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

void
cep_run_history_view_refresh (CepRunHistoryView *self)
{
  g_autofree char *runs_root = cep_run_history_get_root ();

  g_return_if_fail (CEP_IS_RUN_HISTORY_VIEW (self));

  g_cancellable_cancel (self->listing);
  g_clear_object (&self->listing);
  self->listing = g_cancellable_new ();
  cep_run_history_list_async (runs_root, self->dataset_root, self->listing, on_listed,
                              g_object_ref (self));
}

void
cep_run_history_view_list (CepRunHistoryView *self,
                           const char        *dataset_root)
{
  g_return_if_fail (CEP_IS_RUN_HISTORY_VIEW (self));

  g_free (self->dataset_root);
  self->dataset_root = g_strdup (dataset_root);
  cep_run_history_view_refresh (self);
}

void
cep_run_history_view_refresh_comparing (CepRunHistoryView  *self,
                                        const char * const *run_dirs)
{
  g_return_if_fail (CEP_IS_RUN_HISTORY_VIEW (self));

  g_strfreev (self->compare_next);
  self->compare_next = g_strdupv ((char **) run_dirs);
  cep_run_history_view_refresh (self);
}

guint
cep_run_history_view_get_n_runs (CepRunHistoryView *self)
{
  g_return_val_if_fail (CEP_IS_RUN_HISTORY_VIEW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->runs));
}

CepRunItem *
cep_run_history_view_get_run (CepRunHistoryView *self,
                              guint              index)
{
  g_autoptr (CepRunItem) item = NULL;

  g_return_val_if_fail (CEP_IS_RUN_HISTORY_VIEW (self), NULL);

  /* The store keeps its own reference. */
  item = g_list_model_get_item (G_LIST_MODEL (self->runs), index);
  return item;
}

void
cep_run_history_view_compare_run (CepRunHistoryView *self,
                                  guint              index,
                                  gboolean           compared)
{
  CepRunItem *item;

  g_return_if_fail (CEP_IS_RUN_HISTORY_VIEW (self));

  item = cep_run_history_view_get_run (self, index);
  if (item != NULL)
    cep_run_item_set_compared (item, compared);
}

CepRunItem *
cep_run_history_view_get_selected (CepRunHistoryView *self)
{
  g_return_val_if_fail (CEP_IS_RUN_HISTORY_VIEW (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

static const CepRunInfo *
selected_info (CepRunHistoryView *self)
{
  CepRunItem *item = cep_run_history_view_get_selected (self);

  return item != NULL ? cep_run_item_get_info (item) : NULL;
}

/* ---- the columns ---- */

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

  if (info->experiment == NULL || info->experiment->notes == NULL)
    return g_strdup ("");
  return g_strndup (info->experiment->notes, strcspn (info->experiment->notes, "\n"));
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

/* A column of labels from @describe, or with @describe NULL the "compare" check boxes. */
static void
add_column (CepRunHistoryView *self,
            const char        *title,
            DescribeFunc       describe,
            gboolean           expand)
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

static void
add_columns (CepRunHistoryView *self)
{
  add_column (self, "", NULL, FALSE);
  add_column (self, _("Run"), describe_id, TRUE);
  add_column (self, _("Model"), cep_run_item_describe_model, FALSE);
  add_column (self, _("Optimizer"), cep_run_item_describe_optimizer, FALSE);
  add_column (self, _("Epochs"), cep_run_item_describe_epochs, FALSE);
  add_column (self, _("Best accuracy"), cep_run_item_describe_accuracy, FALSE);
  add_column (self, _("Status"), describe_status, FALSE);
  add_column (self, _("Notes"), describe_notes, FALSE);
}

/* Where run folders live, under the list (and in the label's tooltip). */
static void
show_runs_location (CepRunHistoryView *self)
{
  g_autofree char *root = cep_run_history_get_root ();
  g_autofree char *text = g_strdup_printf (_("Runs are kept in %s"), root);

  gtk_label_set_label (self->runs_location_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->runs_location_label), root);
}

/* ---- the run actions ---- */

static void
on_run_annotated (GtkWidget    *owner,
                  const GError *error,
                  gpointer      user_data)
{
  CepRunHistoryView *self = CEP_RUN_HISTORY_VIEW (owner);

  if (error != NULL)
    cep_widget_report_error (owner, _("Could Not Rename the Run"), error);
  cep_run_history_view_refresh (self);
}

void
cep_run_history_view_annotate_selected (CepRunHistoryView *self)
{
  const CepRunInfo *info;

  g_return_if_fail (CEP_IS_RUN_HISTORY_VIEW (self));

  info = selected_info (self);
  if (info == NULL)
    return;
  cep_run_edit_dialog_present (GTK_WIDGET (self), info->dir,
                               info->experiment != NULL ? info->experiment->name : NULL,
                               info->experiment != NULL ? info->experiment->notes : NULL,
                               on_run_annotated, NULL);
}

static void
on_run_trashed (GtkWidget    *owner,
                const GError *error,
                gpointer      user_data)
{
  g_autofree char *id = user_data;

  if (error != NULL)
    cep_widget_report_error (owner, _("Could Not Move the Run to the Trash"), error);
  else
    {
      /* Translators: %s is a run folder's name. */
      g_autofree char *message = g_strdup_printf (_("Moved “%s” to the trash"), id);

      cep_widget_report (owner, message);
    }
  cep_run_history_view_refresh (CEP_RUN_HISTORY_VIEW (owner));
}

/* No question first: the trash is the undo (the file manager restores the folder). */
void
cep_run_history_view_trash_selected (CepRunHistoryView *self)
{
  const CepRunInfo *info;

  g_return_if_fail (CEP_IS_RUN_HISTORY_VIEW (self));

  info = selected_info (self);
  if (info != NULL)
    cep_run_edit_trash_async (GTK_WIDGET (self), info->dir, on_run_trashed, g_strdup (info->id));
}

void
cep_run_history_view_open_selected_folder (CepRunHistoryView *self)
{
  const CepRunInfo *info;

  g_return_if_fail (CEP_IS_RUN_HISTORY_VIEW (self));

  info = selected_info (self);
  if (info != NULL)
    cep_widget_show_folder (GTK_WIDGET (self), info->dir);
}

static gboolean
export_plot (const char  *path,
             gpointer     user_data,
             GError     **error)
{
  return cep_plot_widget_export (user_data, path, 1200, 800, error);
}

void
cep_run_history_view_export_comparison (CepRunHistoryView *self)
{
  g_return_if_fail (CEP_IS_RUN_HISTORY_VIEW (self));

  cep_widget_export (GTK_WIDGET (self), "comparison.png", export_plot,
                     g_object_ref (self->compare_view), g_object_unref);
}

GtkWidget *
cep_run_history_view_new (void)
{
  return g_object_new (CEP_TYPE_RUN_HISTORY_VIEW, NULL);
}

/* ---- GObject ---- */

static void
cep_run_history_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CepRunHistoryView *self = CEP_RUN_HISTORY_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED_RUN:
      g_value_set_object (value, cep_run_history_view_get_selected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_selection_changed (CepRunHistoryView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_RUN]);
}

static void
cep_run_history_view_dispose (GObject *object)
{
  CepRunHistoryView *self = CEP_RUN_HISTORY_VIEW (object);

  g_cancellable_cancel (self->listing);
  g_clear_object (&self->listing);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_RUN_HISTORY_VIEW);
  cep_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->selection);
  g_clear_object (&self->runs);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->dataset_root, g_free);
  g_clear_pointer (&self->compare_next, g_strfreev);
  G_OBJECT_CLASS (cep_run_history_view_parent_class)->dispose (object);
}

static void
cep_run_history_view_class_init (CepRunHistoryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cep_run_history_view_get_property;
  object_class->dispose = cep_run_history_view_dispose;
  g_type_ensure (CEP_TYPE_CURVE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/"
                                               "cep-run-history-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CepRunHistoryView, history_view);
  gtk_widget_class_bind_template_child (widget_class, CepRunHistoryView, axis_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CepRunHistoryView, compare_view);
  gtk_widget_class_bind_template_child (widget_class, CepRunHistoryView, runs_location_label);
  properties[PROP_SELECTED_RUN] =
    g_param_spec_object ("selected-run", NULL, NULL, CEP_TYPE_RUN_ITEM,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  /* The run folders were read again (after a refresh, an edit or a finished run). */
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cep_run_history_view_init (CepRunHistoryView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (CEP_APPLICATION_ID);
  self->runs = g_list_store_new (CEP_TYPE_RUN_ITEM);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->runs)));
  gtk_column_view_set_model (self->history_view, GTK_SELECTION_MODEL (self->selection));
  add_columns (self);
  show_runs_location (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->history_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Runs of this dataset"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->compare_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Compared runs"), -1);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (on_selection_changed), self);
  g_signal_connect_swapped (self->axis_dropdown, "notify::selected",
                            G_CALLBACK (rebuild_comparison), self);
}
