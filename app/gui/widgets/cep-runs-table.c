/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-runs-table.c: runs as a sortable, filterable table with a column per differing
 * hyperparameter and a check column for the comparison.
 *
 * The owner's model is filtered (the search entry) and sorted (the column view's sorter);
 * columns are rebuilt from their specifications whenever the differing hyperparameters change.
 * It computes nothing about runs: texts and numbers come from CepRunItem and core.
 */
#define G_LOG_DOMAIN "cepstra-runs-table"

#include "cep-runs-table.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cep-gui-util.h"

/* More differing settings than this (a class where every student changed something else)
 * would push the metrics out of sight; the first ones in experiment.json's order are shown. */
#define MAX_HYPERPARAMETER_COLUMNS 12

typedef struct
{
  char                  *title;
  CepRunsTableTextFunc   text;
  CepRunsTableNumberFunc number;
  CepRunsTableTextFunc   tooltip;        /* NULL: the cell's text */
  char                  *key;            /* a hyperparameter's column */
  gboolean               expand;
  int                    width_chars;    /* 0: from the title */
  gboolean               placeholder;    /* where the hyperparameter columns go */
} ColumnSpec;

struct _CepRunsTable
{
  GtkWidget           parent_instance;

  GPtrArray          *specs;          /* ColumnSpec (reference-counted boxes) */
  GStrv               shown_keys;
  GStrv               varying;
  GListModel         *runs;
  GtkFilter          *filter;
  GtkFilterListModel *filtered;
  GtkSortListModel   *sorted;
  GtkSingleSelection *selection;
  GStrv               words;          /* the search, case-folded */

  /* template */
  GtkBox             *header_box;
  GtkSearchEntry     *search_entry;
  GtkScrolledWindow  *scroller;
  GtkColumnView      *column_view;
};

enum
{
  PROP_0,
  PROP_SELECTED_RUN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CepRunsTable, cep_runs_table, GTK_TYPE_WIDGET)

/* ---- column specifications ---- */

static void
column_spec_clear (gpointer data)
{
  ColumnSpec *spec = data;

  g_free (spec->title);
  g_free (spec->key);
}

static ColumnSpec *
column_spec_new (const char *title)
{
  ColumnSpec *spec = g_rc_box_new0 (ColumnSpec);

  spec->title = g_strdup (title);
  return spec;
}

static void
column_spec_release (gpointer spec)
{
  g_rc_box_release_full (spec, column_spec_clear);
}

static void
release_closure_spec (gpointer  spec,
                      GClosure *closure)
{
  column_spec_release (spec);
}

static char *
cell_text (const ColumnSpec *spec,
           CepRunItem       *item)
{
  const CepHyperparameter *parameter;

  if (spec->key == NULL)
    return spec->text (item);
  parameter = cep_run_item_get_hyperparameter (item, spec->key);
  return g_strdup (parameter != NULL ? parameter->value : "–");
}

static double
cell_number (const ColumnSpec *spec,
             CepRunItem       *item)
{
  const CepHyperparameter *parameter;

  if (spec->key == NULL)
    return spec->number != NULL ? spec->number (item) : NAN;
  parameter = cep_run_item_get_hyperparameter (item, spec->key);
  return parameter != NULL ? parameter->number : NAN;
}

/* Numbers where both cells have one (a cell without sorts last), else the texts. */
static int
compare_cells (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const ColumnSpec *spec = user_data;
  double x = cell_number (spec, CEP_RUN_ITEM ((gpointer) a));
  double y = cell_number (spec, CEP_RUN_ITEM ((gpointer) b));
  g_autofree char *s = NULL;
  g_autofree char *t = NULL;

  if (!isnan (x) || !isnan (y))
    {
      if (isnan (x) != isnan (y))
        return isnan (x) ? GTK_ORDERING_LARGER : GTK_ORDERING_SMALLER;
      return x < y ? GTK_ORDERING_SMALLER : x > y ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
    }
  s = cell_text (spec, CEP_RUN_ITEM ((gpointer) a));
  t = cell_text (spec, CEP_RUN_ITEM ((gpointer) b));
  return gtk_ordering_from_cmpfunc (g_utf8_collate (s, t));
}

/* ---- cells ---- */

/* Cells ellipsize, so without a width of their own a wide table squeezes every column to a
 * few letters instead of scrolling: a column gets what its owner asked for, else the main
 * column room for a run's folder name and the others about their title's. */
static int
cell_width_chars (const ColumnSpec *spec)
{
  if (spec->width_chars > 0)
    return spec->width_chars;
  if (spec->expand)
    return 20;
  return CLAMP ((int) g_utf8_strlen (spec->title, -1), 8, 14);
}

static void
setup_label_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *cell,
                  gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_width_chars (GTK_LABEL (label), cell_width_chars (user_data));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (cell, label);
}

static void
bind_label_cell (GtkSignalListItemFactory *factory,
                 GtkListItem              *cell,
                 gpointer                  user_data)
{
  const ColumnSpec *spec = user_data;
  CepRunItem *item = gtk_list_item_get_item (cell);
  g_autofree char *text = cell_text (spec, item);
  g_autofree char *tooltip = spec->tooltip != NULL ? spec->tooltip (item) : NULL;

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (cell)), text);
  /* Long values (a block list) are ellipsized: the whole of it on hover, unless the column
   * explains itself there (a hand-in's flags, their reasons). */
  gtk_widget_set_tooltip_text (gtk_list_item_get_child (cell),
                               tooltip != NULL ? tooltip : text);
}

static void
setup_check_cell (GtkSignalListItemFactory *factory,
                  GtkListItem              *cell,
                  gpointer                  user_data)
{
  GtkWidget *check = gtk_check_button_new ();

  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Compare this run"), -1);
  gtk_widget_set_tooltip_text (check, _("Draw this run in the comparison"));
  gtk_list_item_set_child (cell, check);
}

static void
bind_check_cell (GtkSignalListItemFactory *factory,
                 GtkListItem              *cell,
                 gpointer                  user_data)
{
  GBinding *binding = g_object_bind_property (gtk_list_item_get_item (cell), "compared",
                                              gtk_list_item_get_child (cell), "active",
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

/* ---- columns ---- */

static void
append_check_column (CepRunsTable *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", G_CALLBACK (setup_check_cell), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_check_cell), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_check_cell), NULL);
  column = gtk_column_view_column_new (_("Plot"), factory);
  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (column);
}

static void
append_column (CepRunsTable *self,
               ColumnSpec   *spec)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  GtkSorter *sorter;

  g_signal_connect_data (factory, "setup", G_CALLBACK (setup_label_cell),
                         g_rc_box_acquire (spec), release_closure_spec, 0);
  g_signal_connect_data (factory, "bind", G_CALLBACK (bind_label_cell),
                         g_rc_box_acquire (spec), release_closure_spec, 0);
  column = gtk_column_view_column_new (spec->title, factory);
  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_cells, g_rc_box_acquire (spec),
                                              column_spec_release));
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_expand (column, spec->expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->column_view, column);
  g_object_unref (sorter);
  g_object_unref (column);
}

static void
append_hyperparameter_columns (CepRunsTable *self)
{
  for (guint i = 0; self->varying != NULL && self->varying[i] != NULL; i++)
    {
      ColumnSpec *spec = column_spec_new (self->varying[i]);

      spec->key = g_strdup (self->varying[i]);
      append_column (self, spec);
      column_spec_release (spec);
    }
}

static void
remove_columns (CepRunsTable *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->column_view, column);
    }
}

static void
rebuild_columns (CepRunsTable *self)
{
  remove_columns (self);
  append_check_column (self);
  for (guint i = 0; i < self->specs->len; i++)
    {
      ColumnSpec *spec = g_ptr_array_index (self->specs, i);

      if (spec->placeholder)
        append_hyperparameter_columns (self);
      else
        append_column (self, spec);
    }
}

void
cep_runs_table_add_column (CepRunsTable           *self,
                           const char             *title,
                           CepRunsTableTextFunc    text,
                           CepRunsTableNumberFunc  number,
                           gboolean                expand,
                           int                     width_chars)
{
  ColumnSpec *spec;

  g_return_if_fail (CEP_IS_RUNS_TABLE (self) && title != NULL && text != NULL);

  spec = column_spec_new (title);
  spec->text = text;
  spec->number = number;
  spec->expand = expand;
  spec->width_chars = width_chars;
  g_ptr_array_add (self->specs, spec);
  rebuild_columns (self);
}

gboolean
cep_runs_table_set_tooltip (CepRunsTable         *self,
                            const char           *title,
                            CepRunsTableTextFunc  tooltip)
{
  g_return_val_if_fail (CEP_IS_RUNS_TABLE (self) && title != NULL, FALSE);

  for (guint i = 0; i < self->specs->len; i++)
    {
      ColumnSpec *spec = g_ptr_array_index (self->specs, i);

      if (g_strcmp0 (spec->title, title) == 0)
        {
          spec->tooltip = tooltip;
          rebuild_columns (self);
          return TRUE;
        }
    }
  return FALSE;
}

void
cep_runs_table_add_hyperparameter_columns (CepRunsTable       *self,
                                           const char * const *shown_keys)
{
  ColumnSpec *spec;

  g_return_if_fail (CEP_IS_RUNS_TABLE (self));

  spec = column_spec_new (NULL);
  spec->placeholder = TRUE;
  g_strfreev (self->shown_keys);
  self->shown_keys = g_strdupv ((char **) shown_keys);
  g_ptr_array_add (self->specs, spec);
  rebuild_columns (self);
}

const char * const *
cep_runs_table_get_varying_keys (CepRunsTable *self)
{
  static const char * const none[] = { NULL };

  g_return_val_if_fail (CEP_IS_RUNS_TABLE (self), none);
  return self->varying != NULL ? (const char * const *) self->varying : none;
}

/* ---- the differing hyperparameters ---- */

static GStrv
find_varying_keys (CepRunsTable *self)
{
  g_autoptr (GPtrArray) experiments = g_ptr_array_new ();
  g_autoptr (GStrvBuilder) shown = g_strv_builder_new ();
  g_auto (GStrv) varying = NULL;
  guint n = self->runs != NULL ? g_list_model_get_n_items (self->runs) : 0, count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CepRunItem) item = g_list_model_get_item (self->runs, i);
      const CepRunInfo *info = cep_run_item_get_info (item);

      /* The store keeps the item, and so the experiment, alive. */
      if (info->experiment != NULL)
        g_ptr_array_add (experiments, info->experiment);
    }
  varying = cep_hyperparameters_varying ((const CepExperiment * const *) experiments->pdata,
                                         experiments->len);
  for (guint i = 0; varying[i] != NULL && count < MAX_HYPERPARAMETER_COLUMNS; i++)
    if (self->shown_keys == NULL
        || !g_strv_contains ((const char * const *) self->shown_keys, varying[i]))
      {
        g_strv_builder_add (shown, varying[i]);
        count++;
      }
  return g_strv_builder_end (shown);
}

static gboolean
same_keys (GStrv a,
           GStrv b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strv_equal ((const char * const *) a, (const char * const *) b);
}

static void
on_runs_changed (CepRunsTable *self)
{
  g_auto (GStrv) varying = find_varying_keys (self);

  if (same_keys (varying, self->varying))
    return;
  g_strfreev (self->varying);
  self->varying = g_steal_pointer (&varying);
  rebuild_columns (self);
}

void
cep_runs_table_set_model (CepRunsTable *self,
                          GListModel   *runs)
{
  g_return_if_fail (CEP_IS_RUNS_TABLE (self));
  g_return_if_fail (runs == NULL || G_IS_LIST_MODEL (runs));

  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  g_set_object (&self->runs, runs);
  if (runs != NULL)
    g_signal_connect_swapped (runs, "items-changed", G_CALLBACK (on_runs_changed), self);
  gtk_filter_list_model_set_model (self->filtered, runs);
  on_runs_changed (self);
}

/* ---- the filter ---- */

/* Every word of the search appears in some cell of the run. */
static gboolean
matches_search (gpointer item,
                gpointer user_data)
{
  CepRunsTable *self = user_data;
  g_autoptr (GString) cells = g_string_new (NULL);
  g_autofree char *folded = NULL;

  if (self->words == NULL || self->words[0] == NULL)
    return TRUE;
  for (guint i = 0; i < self->specs->len; i++)
    {
      ColumnSpec *spec = g_ptr_array_index (self->specs, i);
      g_autofree char *text = spec->placeholder ? NULL : cell_text (spec, item);

      if (text != NULL)
        g_string_append_printf (cells, "%s\n", text);
    }
  for (guint i = 0; self->varying != NULL && self->varying[i] != NULL; i++)
    {
      const CepHyperparameter *parameter = cep_run_item_get_hyperparameter (item,
                                                                            self->varying[i]);

      if (parameter != NULL)
        g_string_append_printf (cells, "%s\n", parameter->value);
    }
  folded = g_utf8_casefold (cells->str, -1);
  for (guint i = 0; self->words[i] != NULL; i++)
    if (strstr (folded, self->words[i]) == NULL)
      return FALSE;
  return TRUE;
}

static void
on_search_changed (CepRunsTable *self)
{
  g_autofree char *folded = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (
                                                                      self->search_entry)), -1);

  g_strfreev (self->words);
  self->words = g_strsplit_set (g_strstrip (folded), " \t", -1);
  gtk_filter_changed (self->filter, GTK_FILTER_CHANGE_DIFFERENT);
}

/* ---- the rest ---- */

void
cep_runs_table_set_accessible_label (CepRunsTable *self,
                                     const char   *label)
{
  g_return_if_fail (CEP_IS_RUNS_TABLE (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

void
cep_runs_table_add_header_widget (CepRunsTable *self,
                                  GtkWidget    *widget)
{
  g_return_if_fail (CEP_IS_RUNS_TABLE (self) && GTK_IS_WIDGET (widget));
  gtk_box_append (self->header_box, widget);
}

void
cep_runs_table_set_search_placeholder (CepRunsTable *self,
                                       const char   *text)
{
  g_return_if_fail (CEP_IS_RUNS_TABLE (self));
  /* The property, not its setter: that came with GTK 4.10. */
  g_object_set (self->search_entry, "placeholder-text", text, NULL);
}

void
cep_runs_table_set_fills_height (CepRunsTable *self,
                                 gboolean      fills)
{
  g_return_if_fail (CEP_IS_RUNS_TABLE (self));

  gtk_scrolled_window_set_max_content_height (self->scroller, fills ? -1 : 200);
  gtk_widget_set_vexpand (GTK_WIDGET (self->scroller), fills);
}

GListModel *
cep_runs_table_get_shown (CepRunsTable *self)
{
  g_return_val_if_fail (CEP_IS_RUNS_TABLE (self), NULL);
  return G_LIST_MODEL (self->selection);
}

CepRunItem *
cep_runs_table_get_selected (CepRunsTable *self)
{
  g_return_val_if_fail (CEP_IS_RUNS_TABLE (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

gboolean
cep_runs_table_sort_by (CepRunsTable *self,
                        const char   *title,
                        GtkSortType   order)
{
  GListModel *columns;

  g_return_val_if_fail (CEP_IS_RUNS_TABLE (self) && title != NULL, FALSE);

  columns = gtk_column_view_get_columns (self->column_view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        {
          gtk_column_view_sort_by_column (self->column_view, column, order);
          return TRUE;
        }
    }
  return FALSE;
}

GtkWidget *
cep_runs_table_new (void)
{
  return g_object_new (CEP_TYPE_RUNS_TABLE, NULL);
}

static void
cep_runs_table_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CepRunsTable *self = CEP_RUNS_TABLE (object);

  switch (prop_id)
    {
    case PROP_SELECTED_RUN:
      g_value_set_object (value, cep_runs_table_get_selected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_selection_changed (CepRunsTable *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_RUN]);
}

static void
cep_runs_table_dispose (GObject *object)
{
  CepRunsTable *self = CEP_RUNS_TABLE (object);

  if (self->runs != NULL)
    g_signal_handlers_disconnect_by_data (self->runs, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_RUNS_TABLE);
  cep_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->selection);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->runs);
  G_OBJECT_CLASS (cep_runs_table_parent_class)->dispose (object);
}

static void
cep_runs_table_finalize (GObject *object)
{
  CepRunsTable *self = CEP_RUNS_TABLE (object);

  g_ptr_array_unref (self->specs);
  g_strfreev (self->shown_keys);
  g_strfreev (self->varying);
  g_strfreev (self->words);
  G_OBJECT_CLASS (cep_runs_table_parent_class)->finalize (object);
}

static void
cep_runs_table_class_init (CepRunsTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cep_runs_table_get_property;
  object_class->dispose = cep_runs_table_dispose;
  object_class->finalize = cep_runs_table_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/cep-runs-table.ui");
  gtk_widget_class_bind_template_child (widget_class, CepRunsTable, header_box);
  gtk_widget_class_bind_template_child (widget_class, CepRunsTable, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CepRunsTable, scroller);
  gtk_widget_class_bind_template_child (widget_class, CepRunsTable, column_view);
  properties[PROP_SELECTED_RUN] =
    g_param_spec_object ("selected-run", NULL, NULL, CEP_TYPE_RUN_ITEM,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cep_runs_table_init (CepRunsTable *self)
{
  GtkSorter *sorter;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->specs = g_ptr_array_new_with_free_func (column_spec_release);
  self->filter = GTK_FILTER (gtk_custom_filter_new (matches_search, self, NULL));
  self->filtered = gtk_filter_list_model_new (NULL, g_object_ref (self->filter));
  sorter = gtk_column_view_get_sorter (self->column_view);
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (g_object_ref (self->filtered)),
                                          sorter != NULL ? g_object_ref (sorter) : NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  rebuild_columns (self);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (on_selection_changed), self);
  g_signal_connect_swapped (self->search_entry, "search-changed",
                            G_CALLBACK (on_search_changed), self);
}
