/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-form.h: the Train page's form — what will train and how.
 *
 * Shows the session's model and dataset, and edits the training settings of its experiment:
 * every row is bound to a CepTrainSettings property (the backend row, whose list is built on
 * a worker, sets backend and device through it). It starts nothing and knows no run.
 */
#pragma once

#include <gtk/gtk.h>

#include "cep-session.h"

G_BEGIN_DECLS

#define CEP_TYPE_TRAIN_FORM (cep_train_form_get_type ())
G_DECLARE_FINAL_TYPE (CepTrainForm, cep_train_form, CEP, TRAIN_FORM, GtkWidget)

GtkWidget  *cep_train_form_new               (void);
/* The session whose experiment the form edits (NULL: none; the rows keep their values). */
void        cep_train_form_set_session       (CepTrainForm *self,
                                              CepSession   *session);
CepSession *cep_train_form_get_session       (CepTrainForm *self);
/* "tiny: 1,423,914 parameters (limit 20,000,000)": what the Run group shows. */
const char *cep_train_form_get_model_summary (CepTrainForm *self);

G_END_DECLS
