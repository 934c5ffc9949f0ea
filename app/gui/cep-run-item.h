/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-item.h: a run of the history as a list item (GObject for GtkColumnView).
 *
 * Holds the CepRunInfo read from disk, whether it is chosen for the comparison plot, the name
 * it is shown under (the run's, or what the owner gives: the class window's student) and its
 * settings as hyperparameters (read once, for the runs table and grouping).
 */
#pragma once

#include <glib-object.h>

#include "cep-hyperparameters.h"
#include "cep-run-history.h"

G_BEGIN_DECLS

#define CEP_TYPE_RUN_ITEM (cep_run_item_get_type ())
G_DECLARE_FINAL_TYPE (CepRunItem, cep_run_item, CEP, RUN_ITEM, GObject)

/* Takes ownership of @info. */
CepRunItem       *cep_run_item_new          (CepRunInfo *info);
const CepRunInfo *cep_run_item_get_info     (CepRunItem *self);
gboolean          cep_run_item_get_compared (CepRunItem *self);
void              cep_run_item_set_compared (CepRunItem *self,
                                             gboolean    compared);
/* The name in tables and legends: set by the owner, else the run's name and folder. */
const char       *cep_run_item_get_label    (CepRunItem *self);
void              cep_run_item_set_label    (CepRunItem *self,
                                             const char *label);
/* The setting @key of the run's experiment (cep-hyperparameters.h), NULL if it has none. */
const CepHyperparameter *cep_run_item_get_hyperparameter (CepRunItem *self,
                                                          const char *key);
/* Numbers the columns sort by (NaN when the run has none). */
double            cep_run_item_get_best_accuracy (CepRunItem *self);
double            cep_run_item_get_final_loss    (CepRunItem *self);
double            cep_run_item_get_training_time (CepRunItem *self);
double            cep_run_item_get_params        (CepRunItem *self);
/* Column texts. */
char             *cep_run_item_describe_model     (CepRunItem *self);
char             *cep_run_item_describe_optimizer (CepRunItem *self);
char             *cep_run_item_describe_epochs    (CepRunItem *self);
char             *cep_run_item_describe_accuracy  (CepRunItem *self);
char             *cep_run_item_describe_loss      (CepRunItem *self);
char             *cep_run_item_describe_time      (CepRunItem *self);

G_END_DECLS
