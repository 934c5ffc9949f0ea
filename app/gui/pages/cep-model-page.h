/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-model-page.h: the Model page — edits the session experiment's model spec.
 *
 * A preset or a budget-filling shape is the starting point; the hidden blocks are then edited
 * one by one (each kind's fields, as core's block table describes them; added, removed,
 * reordered), or a whole layer at a time (a Linear and the blocks after it). The page
 * shows what core says about the result as it changes: parameters (with the limit's
 * warning), FLOPs per sample, input size, a diagram of the stack and the PyTorch modules.
 */
#pragma once

#include <gtk/gtk.h>

#include "cep-session.h"

G_BEGIN_DECLS

#define CEP_TYPE_MODEL_PAGE (cep_model_page_get_type ())
G_DECLARE_FINAL_TYPE (CepModelPage, cep_model_page, CEP, MODEL_PAGE, GtkWidget)

void        cep_model_page_set_session      (CepModelPage *self,
                                             CepSession   *session);

/* Index in the preset row: 0 custom, then the named presets, then the shapes. */
gboolean    cep_model_page_select_preset    (CepModelPage *self,
                                             const char   *name);
guint       cep_model_page_get_n_layers     (CepModelPage *self);
void        cep_model_page_add_layer        (CepModelPage *self);
void        cep_model_page_remove_layer     (CepModelPage *self,
                                             guint         index);
/* Moves layer @index one place up (@delta -1) or down (+1). */
void        cep_model_page_move_layer       (CepModelPage *self,
                                             guint         index,
                                             int           delta);
void        cep_model_page_set_layer_width  (CepModelPage *self,
                                             guint         index,
                                             guint         width);
guint       cep_model_page_get_layer_width  (CepModelPage *self,
                                             guint         index);
/* Hidden blocks of any kind (a layer is a Linear and the blocks after it). */
guint       cep_model_page_get_n_blocks     (CepModelPage *self);
/* The texts shown, for tests. */
const char *cep_model_page_get_params_text  (CepModelPage *self);
/* The parameter-limit warning, or NULL when there is none. */
const char *cep_model_page_get_warning      (CepModelPage *self);

G_END_DECLS
