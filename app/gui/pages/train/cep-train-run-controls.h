/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-run-controls.h: Start, Pause and Stop, the progress bar and the status line of the
 * current run.
 *
 * Everything it shows follows a CepTrainController: the progress (epoch, batch, step,
 * throughput, ETA, loss, learning rate) at most once per frame, the state (setting up, paused,
 * stopping) and how the run ended. The buttons activate the page's train.start, train.pause
 * and train.stop; it never starts or stops anything itself.
 */
#pragma once

#include <gtk/gtk.h>

#include "cep-train-controller.h"

G_BEGIN_DECLS

#define CEP_TYPE_TRAIN_RUN_CONTROLS (cep_train_run_controls_get_type ())
G_DECLARE_FINAL_TYPE (CepTrainRunControls, cep_train_run_controls, CEP, TRAIN_RUN_CONTROLS,
                      GtkWidget)

GtkWidget          *cep_train_run_controls_new            (void);
void                cep_train_run_controls_set_controller (CepTrainRunControls *self,
                                                           CepTrainController  *controller);
CepTrainController *cep_train_run_controls_get_controller (CepTrainRunControls *self);
/* The status line ("Epoch …", "Paused", an error's message). */
const char         *cep_train_run_controls_get_status     (CepTrainRunControls *self);

G_END_DECLS
