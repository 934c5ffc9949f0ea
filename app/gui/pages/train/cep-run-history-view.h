/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-history-view.h: the runs of a dataset — a list of their folders and a plot that
 * compares the chosen ones against steps, epochs or wall time.
 *
 * Reads the run folders through core (cep_run_history_list_async(), one listing at a time:
 * a new one cancels the last) and edits them through cep-run-edit-dialog (rename and
 * annotate, move to the trash), then lists them again. Whether an edit is allowed now (the
 * run being trained) is the page's to decide: it enables the train.* actions that call these.
 */
#pragma once

#include <gtk/gtk.h>

#include "cep-run-comparison-view.h"
#include "cep-run-item.h"

G_BEGIN_DECLS

#define CEP_TYPE_RUN_HISTORY_VIEW (cep_run_history_view_get_type ())
G_DECLARE_FINAL_TYPE (CepRunHistoryView, cep_run_history_view, CEP, RUN_HISTORY_VIEW, GtkWidget)

GtkWidget  *cep_run_history_view_new          (void);
/* Lists the runs of the dataset at @dataset_root (NULL: the demo dataset) on a worker, with
 * the newest compared; "loaded" follows. */
void        cep_run_history_view_list         (CepRunHistoryView  *self,
                                               const char         *dataset_root);
/* Lists the same dataset's runs again. */
void        cep_run_history_view_refresh      (CepRunHistoryView  *self);
/* Lists them again and compares exactly the runs in the folders @run_dirs. */
void        cep_run_history_view_refresh_comparing (CepRunHistoryView  *self,
                                                    const char * const *run_dirs);
guint       cep_run_history_view_get_n_runs   (CepRunHistoryView  *self);
/* Run @index (newest first), owned by the list, or NULL. */
CepRunItem *cep_run_history_view_get_run      (CepRunHistoryView  *self,
                                               guint               index);
/* The run selected in the list (the "selected-run" property), or NULL. */
CepRunItem *cep_run_history_view_get_selected (CepRunHistoryView  *self);
void        cep_run_history_view_compare_run  (CepRunHistoryView  *self,
                                               guint               index,
                                               gboolean            compared);
void        cep_run_history_view_set_axis     (CepRunHistoryView  *self,
                                               CepRunCompareAxis   axis);
/* The y label of the comparison's accuracy panel (dev or training accuracy). */
const char *cep_run_history_view_get_compared_accuracy_label (CepRunHistoryView *self);

/* What the run actions do to the selected run (nothing when none is selected). */
void        cep_run_history_view_annotate_selected    (CepRunHistoryView *self);
void        cep_run_history_view_trash_selected       (CepRunHistoryView *self);
void        cep_run_history_view_open_selected_folder (CepRunHistoryView *self);
/* Asks where to save, then writes the comparison plot. */
void        cep_run_history_view_export_comparison    (CepRunHistoryView *self);

G_END_DECLS
