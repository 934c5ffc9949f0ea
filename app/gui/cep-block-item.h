/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-item.h: one hidden block of the session's model, for a list of editor rows.
 *
 * CepModelSettings keeps one item per block, in order; an item answers what the row shows —
 * "title" (what people call the block: "Linear", "GELU"), "summary" (its fields in a line),
 * "position", "can-move-up"/"can-move-down", "variant" (for a kind with several types, such
 * as the activations: the index in cep_block_item_get_variants()) — and holds its fields as
 * CepBlockField objects (rebuilt, in the same list, when another variant brings other fields).
 * Everything is read from the spec when asked, so an item never holds
 * a stale copy; setting "variant" or a field writes the block through the settings object.
 */
#pragma once

#include <gio/gio.h>

#include "cep-block-type.h"

G_BEGIN_DECLS

typedef struct _CepModelSettings CepModelSettings;

#define CEP_TYPE_BLOCK_ITEM (cep_block_item_get_type ())
G_DECLARE_FINAL_TYPE (CepBlockItem, cep_block_item, CEP, BLOCK_ITEM, GObject)

CepBlockItem       *cep_block_item_new          (CepModelSettings *settings,
                                                 guint             position);
guint               cep_block_item_get_position (CepBlockItem     *self);
/* NULL once the settings object is gone. */
const CepBlock     *cep_block_item_get_block    (CepBlockItem     *self);
const CepBlockType *cep_block_item_get_type_info (CepBlockItem    *self);
/* The JSON types a kind offers ("relu", "gelu", ...; one for most kinds). */
const char * const *cep_block_item_get_variants (CepBlockItem     *self);
/* Of CepBlockField, one per field of the block's kind, in the kind's order. */
GListModel         *cep_block_item_get_fields   (CepBlockItem     *self);
void                cep_block_item_set_block    (CepBlockItem     *self,
                                                 const CepBlock   *block);
/* Whether the item's row can show @block: a block of another kind needs a new item. */
gboolean            cep_block_item_fits         (CepBlockItem     *self,
                                                 const CepBlock   *block);
/* The settings object calls these when the model changed. */
void                cep_block_item_refresh      (CepBlockItem     *self);
void                cep_block_item_detach       (CepBlockItem     *self);

G_END_DECLS
