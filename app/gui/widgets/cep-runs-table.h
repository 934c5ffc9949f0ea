/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-runs-table.h: runs as a table the way the trackers show them: a check column that picks
 * the runs the comparison overlays, the owner's columns, one column per hyperparameter that
 * differs between the runs, every column sortable (numbers as numbers), and a search entry
 * that keeps the runs whose cells hold every word typed.
 *
 * The owner gives a GListModel of CepRunItem and its columns; the Train page's run history
 * and the class window each use one with columns of their own.
 */
#pragma once

#include <gtk/gtk.h>

#include "cep-run-item.h"

G_BEGIN_DECLS

#define CEP_TYPE_RUNS_TABLE (cep_runs_table_get_type ())
G_DECLARE_FINAL_TYPE (CepRunsTable, cep_runs_table, CEP, RUNS_TABLE, GtkWidget)

/* A cell's text (owned by the caller), and the number it sorts by (NaN: last). */
typedef char  *(*CepRunsTableTextFunc)   (CepRunItem *item);
typedef double (*CepRunsTableNumberFunc) (CepRunItem *item);

GtkWidget  *cep_runs_table_new                  (void);
/* @runs: a GListModel of CepRunItem, or NULL. */
void        cep_runs_table_set_model            (CepRunsTable           *self,
                                                 GListModel             *runs);
/* Appends a column; @number NULL sorts by the text. @width_chars is the width its cells keep
 * before they ellipsize (0: about the title's). */
void        cep_runs_table_add_column           (CepRunsTable           *self,
                                                 const char             *title,
                                                 CepRunsTableTextFunc    text,
                                                 CepRunsTableNumberFunc  number,
                                                 gboolean                expand,
                                                 int                     width_chars);
/* The cells of the column titled @title show @tooltip's text on hover instead of their own
 * (FALSE if there is no such column). */
gboolean    cep_runs_table_set_tooltip          (CepRunsTable           *self,
                                                 const char             *title,
                                                 CepRunsTableTextFunc    tooltip);
/* Where the hyperparameter columns go, in order with the others; @shown_keys are keys the
 * owner's columns already show (left out). */
void        cep_runs_table_add_hyperparameter_columns (CepRunsTable      *self,
                                                       const char * const *shown_keys);
/* The keys of the hyperparameter columns now (those differing between the runs). */
const char * const *cep_runs_table_get_varying_keys (CepRunsTable       *self);
/* A table beside a plot stays at most 200 pixels high (the default); one that is the window's
 * main content fills the height it is given. */
void        cep_runs_table_set_fills_height     (CepRunsTable           *self,
                                                 gboolean                fills);
/* Appends @widget to the row of the search entry (a table's own actions, where a row of
 * their own would cost the plot below its height). */
void        cep_runs_table_add_header_widget    (CepRunsTable           *self,
                                                 GtkWidget              *widget);
/* What the empty search entry says (default: "Filter runs by any cell"). */
void        cep_runs_table_set_search_placeholder (CepRunsTable         *self,
                                                   const char           *text);
void        cep_runs_table_set_accessible_label (CepRunsTable           *self,
                                                 const char             *label);

/* The runs shown, in the table's order (filtered, sorted). */
GListModel *cep_runs_table_get_shown            (CepRunsTable           *self);
CepRunItem *cep_runs_table_get_selected         (CepRunsTable           *self);
/* Sorts by the column titled @title (FALSE if there is none). */
gboolean    cep_runs_table_sort_by              (CepRunsTable           *self,
                                                 const char             *title,
                                                 GtkSortType             order);

G_END_DECLS
