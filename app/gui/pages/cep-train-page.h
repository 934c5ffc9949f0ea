/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-page.h: the Train page — training settings, the live run, and the run history.
 *
 * Composes the widgets of pages/train/: the form (CepTrainForm: the session experiment's
 * training settings), the current run (CepTrainRunControls: buttons, progress and status;
 * CepTrainLiveView: its curves) and the history (CepRunHistoryView: every run of the dataset,
 * the chosen ones overlaid against steps, epochs or wall time). The page owns the run
 * controller and the batch-size experiment (CepBatchSizeQueue: SGD, mini-batch, full batch in
 * one click), and the train.* actions and shortcuts, which call into those parts.
 */
#pragma once

#include <gtk/gtk.h>

#include "cep-session.h"
#include "cep-train-controller.h"

G_BEGIN_DECLS

#define CEP_TYPE_TRAIN_PAGE (cep_train_page_get_type ())
G_DECLARE_FINAL_TYPE (CepTrainPage, cep_train_page, CEP, TRAIN_PAGE, GtkWidget)

void                cep_train_page_set_session      (CepTrainPage *self,
                                                     CepSession   *session);
CepTrainController *cep_train_page_get_controller   (CepTrainPage *self);

/* Starts the session's experiment (what the Start button does); FALSE with the reason. */
gboolean            cep_train_page_start            (CepTrainPage *self,
                                                     GError      **error);
/* Re-reads the run folders (asynchronously); "history-loaded" follows. */
void                cep_train_page_refresh_history  (CepTrainPage *self);
guint               cep_train_page_get_n_history    (CepTrainPage *self);
/* Marks history run @index (newest first) for the comparison plot. */
void                cep_train_page_compare_run      (CepTrainPage *self,
                                                     guint         index,
                                                     gboolean      compared);
/* Runs queued by the batch-size experiment that have not started yet. */
guint               cep_train_page_get_n_queued     (CepTrainPage *self);
/* Times the page applied accumulated updates to its widgets (at most once per frame). */
guint64             cep_train_page_get_n_ui_updates (CepTrainPage *self);
/* "tiny: 1,423,914 parameters (limit 20,000,000)": what the Run group shows. */
const char         *cep_train_page_get_model_summary (CepTrainPage *self);
/* The y label of the comparison's accuracy panel (dev or training accuracy). */
const char         *cep_train_page_get_compared_accuracy_label (CepTrainPage *self);

G_END_DECLS
