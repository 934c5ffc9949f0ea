/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-model-settings.h: the model part of the session's experiment as GObjects.
 *
 * Properties for the model's own settings — "context" (K: setting it makes the window
 * symmetric), "context-past" and "context-future" (one side each), "label-smoothing", "param-limit"
 * (in millions, 0 for none), "init" (the weight initialization of every Linear and of the
 * head, a CepInit), read-only "name" and "n-classes" — and "blocks", a GListModel of
 * CepBlockItem, one per hidden block, whose fields are CepBlockField properties. The Model page
 * binds its rows to them, so no row is written by hand from the experiment and no page guards
 * against its own echo; the experiment struct stays the one place the values live.
 *
 * Whoever changes the model (a row, a preset, another page, an opened experiment), the session
 * emits "experiment-changed" and this object notifies every property; the block list is
 * spliced only where the kinds of blocks changed, so an edited row keeps its focus; "changed"
 * follows, for what is worked out from the whole model (counts, diagrams). A change
 * made through this object is also announced by "edited" (detailed by the property name, or
 * "blocks"), which tells it apart from a change that arrived from elsewhere. Editing a block
 * names the model "custom": runs are named after what the page shows.
 */
#pragma once

#include <gio/gio.h>

#include "cep-session.h"

G_BEGIN_DECLS

#define CEP_TYPE_MODEL_SETTINGS (cep_model_settings_get_type ())
G_DECLARE_FINAL_TYPE (CepModelSettings, cep_model_settings, CEP, MODEL_SETTINGS, GObject)

CepModelSettings   *cep_model_settings_new            (CepSession         *session);
CepSession         *cep_model_settings_get_session    (CepModelSettings   *self);
/* The session experiment's model (NULL without one). */
const CepModelSpec *cep_model_settings_get_spec       (CepModelSettings   *self);
/* Of CepBlockItem. */
GListModel         *cep_model_settings_get_blocks     (CepModelSettings   *self);

/* Replaces the block at @position (named "custom"). */
void                cep_model_settings_set_block      (CepModelSettings   *self,
                                                       guint               position,
                                                       const CepBlock     *block);
/* A new block of @type (a JSON type: "linear", "gelu", ...) at @position; zero widths take
 * the width that reaches that place. FALSE for an unknown type. */
gboolean            cep_model_settings_insert_block   (CepModelSettings   *self,
                                                       guint               position,
                                                       const char         *type);
void                cep_model_settings_remove_block   (CepModelSettings   *self,
                                                       guint               position);
/* Moves the block one place up (@delta -1) or down (+1). */
void                cep_model_settings_move_block     (CepModelSettings   *self,
                                                       guint               position,
                                                       int                 delta);
/* Replaces the whole model (a preset, a shape, a group of edits), keeping its name. */
void                cep_model_settings_replace        (CepModelSettings   *self,
                                                       CepModelSpec       *spec);

G_END_DECLS
