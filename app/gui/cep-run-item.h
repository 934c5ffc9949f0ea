/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-item.h: a run of the history as a list item (GObject for GtkColumnView).
 *
 * Holds the CepRunInfo read from disk and whether it is chosen for the comparison plot.
 */
#pragma once

#include <glib-object.h>

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
/* Column texts. */
char             *cep_run_item_describe_model     (CepRunItem *self);
char             *cep_run_item_describe_optimizer (CepRunItem *self);
char             *cep_run_item_describe_epochs    (CepRunItem *self);
char             *cep_run_item_describe_accuracy  (CepRunItem *self);

G_END_DECLS
