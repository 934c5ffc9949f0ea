/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-history-view.c: the run history and its comparison plot.
 *
 * The runs are CepRunItems in a list store, filled from core's reader of run folders, shown
 * by a CepRunsTable (sort, filter, the runs to compare) and drawn by a CepRunComparisonView
 * (axis, smoothing, groups). Nothing here reads a run file itself.
 */
#define G_LOG_DOMAIN "cepstra-run-history-view"

#include "cep-run-history-view.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cep-application.h"
#include "cep-run-comparison-view.h"
#include "cep-runs-table.h"
#include "cep-gui-util.h"
#include "cep-run-edit-dialog.h"

struct _CepRunHistoryView
{
  GtkWidget           parent_instance;

  GListStore         *runs;             /* of CepRunItem */
  GCancellable       *listing;          /* the listing under way */
  char               *dataset_root;
  GStrv               compare_next;     /* the runs the next listing compares; NULL: newest */
  GSettings          *settings;

  /* template */
  CepRunsTable         *runs_table;
  CepRunComparisonView *comparison;
  GtkWidget            *actions_box;
  GtkLabel             *runs_location_label;
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

void
cep_run_history_view_set_axis (CepRunHistoryView *self,
                               CepRunCompareAxis  axis)
{
  g_return_if_fail (CEP_IS_RUN_HISTORY_VIEW (self));
  cep_run_comparison_view_set_axis (self->comparison, axis);
}

const char *
cep_run_history_view_get_compared_accuracy_label (CepRunHistoryView *self)
{
  g_return_val_if_fail (CEP_IS_RUN_HISTORY_VIEW (self), NULL);
  return cep_run_comparison_view_get_accuracy_label (self->comparison);
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
  g_autoptr (GPtrArray) items = NULL;

  /* Cancelled by a newer listing, or by dispose. */
  if (runs == NULL)
    return;
  g_ptr_array_set_free_func (runs, NULL);
  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < runs->len; i++)
    {
      CepRunItem *item = cep_run_item_new (g_ptr_array_index (runs, i));

      cep_run_item_set_compared (item, is_compared_next (self, cep_run_item_get_info (item), i));
      g_ptr_array_add (items, item);
    }
  /* One change, so the table and the comparison are rebuilt once, not once per run. */
  g_list_store_splice (self->runs, 0, g_list_model_get_n_items (G_LIST_MODEL (self->runs)),
                       items->pdata, items->len);
  g_clear_pointer (&self->compare_next, g_strfreev);
  cep_run_comparison_view_set_group_keys (self->comparison,
                                          cep_runs_table_get_varying_keys (self->runs_table));
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
  return cep_runs_table_get_selected (self->runs_table);
}

static const CepRunInfo *
selected_info (CepRunHistoryView *self)
{
  CepRunItem *item = cep_run_history_view_get_selected (self);

  return item != NULL ? cep_run_item_get_info (item) : NULL;
}

/* ---- the columns ---- */

static char *
describe_id (CepRunItem *item)
{
  return g_strdup (cep_run_item_get_label (item));
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

static double
count_epochs (CepRunItem *item)
{
  return cep_run_item_get_info (item)->epochs_done;
}

/* The runs table's columns: what every run has, then the settings that differ between them
 * (those the first columns show left out), then status and notes. */
static void
add_columns (CepRunHistoryView *self)
{
  static const char * const shown_keys[] = { "model.name", "model.context", "model.params",
                                             "train.optimizer", "train.optimizer.lr",
                                             "train.batch_size", "train.epochs", NULL };
  CepRunsTable *table = self->runs_table;

  cep_runs_table_add_column (table, _("Run"), describe_id, NULL, TRUE, 24);
  cep_runs_table_add_column (table, _("Model"), cep_run_item_describe_model,
                             cep_run_item_get_params, FALSE, 16);
  cep_runs_table_add_column (table, _("Optimizer"), cep_run_item_describe_optimizer, NULL,
                             FALSE, 20);
  cep_runs_table_add_column (table, _("Epochs"), cep_run_item_describe_epochs, count_epochs,
                             FALSE, 0);
  cep_runs_table_add_column (table, _("Best accuracy"), cep_run_item_describe_accuracy,
                             cep_run_item_get_best_accuracy, FALSE, 0);
  cep_runs_table_add_column (table, _("Final loss"), cep_run_item_describe_loss,
                             cep_run_item_get_final_loss, FALSE, 0);
  cep_runs_table_add_column (table, _("Training time"), cep_run_item_describe_time,
                             cep_run_item_get_training_time, FALSE, 0);
  cep_runs_table_add_hyperparameter_columns (table, shown_keys);
  cep_runs_table_add_column (table, _("Status"), describe_status, NULL, FALSE, 0);
  cep_runs_table_add_column (table, _("Notes"), describe_notes, NULL, FALSE, 0);
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
  CepCurveView *plot;

  g_return_if_fail (CEP_IS_RUN_HISTORY_VIEW (self));

  plot = cep_run_comparison_view_get_curve_view (self->comparison);
  cep_widget_export (GTK_WIDGET (self), "comparison.png", export_plot, g_object_ref (plot),
                     g_object_unref);
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
  g_type_ensure (CEP_TYPE_RUNS_TABLE);
  g_type_ensure (CEP_TYPE_RUN_COMPARISON_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/"
                                               "cep-run-history-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CepRunHistoryView, runs_table);
  gtk_widget_class_bind_template_child (widget_class, CepRunHistoryView, comparison);
  gtk_widget_class_bind_template_child (widget_class, CepRunHistoryView, actions_box);
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
  add_columns (self);
  cep_runs_table_add_header_widget (self->runs_table, self->actions_box);
  cep_runs_table_set_model (self->runs_table, G_LIST_MODEL (self->runs));
  cep_run_comparison_view_set_model (self->comparison, G_LIST_MODEL (self->runs));
  show_runs_location (self);
  cep_runs_table_set_accessible_label (self->runs_table, _("Runs of this dataset"));
  g_signal_connect_swapped (self->runs_table, "notify::selected-run",
                            G_CALLBACK (on_selection_changed), self);
}
