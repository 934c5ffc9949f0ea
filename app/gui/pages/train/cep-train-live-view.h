/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-live-view.h: the current run's curves — loss and accuracy per step and per epoch
 * (train and dev), and the learning rate.
 *
 * Follows a CepTrainController: its events redraw the curves at most once per frame however
 * many arrived. Exports the curves (PNG or SVG) and the metrics (CSV) and opens the run's
 * folder; it never starts or stops a run.
 */
#pragma once

#include <gtk/gtk.h>

#include "cep-train-controller.h"

G_BEGIN_DECLS

#define CEP_TYPE_TRAIN_LIVE_VIEW (cep_train_live_view_get_type ())
G_DECLARE_FINAL_TYPE (CepTrainLiveView, cep_train_live_view, CEP, TRAIN_LIVE_VIEW, GtkWidget)

GtkWidget          *cep_train_live_view_new            (void);
void                cep_train_live_view_set_controller (CepTrainLiveView   *self,
                                                        CepTrainController *controller);
CepTrainController *cep_train_live_view_get_controller (CepTrainLiveView   *self);
/* Times the curves were redrawn from accumulated events (at most once per frame). */
guint64             cep_train_live_view_get_n_updates  (CepTrainLiveView   *self);
/* Ask where to save, then write the curves as an image or the metrics as CSV. */
void                cep_train_live_view_export_plot    (CepTrainLiveView   *self);
void                cep_train_live_view_export_metrics (CepTrainLiveView   *self);
/* Shows the folder of the controller's latest run. */
void                cep_train_live_view_open_folder    (CepTrainLiveView   *self);

G_END_DECLS
