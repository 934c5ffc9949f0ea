/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-field.h: one field of one block of the model, as a notifying property.
 *
 * A block kind declares its fields in core (CepField: key, type, range, label); this object
 * holds one of them for one block of the session's model, so a row can be bound to it
 * (cep_field_row_new). Numbers are "value" (a double, whatever the field's C type), flags
 * "active", choices "selected"; "relevant" says whether the field applies (a normal
 * initialization's standard deviation only with that initialization). Setting a property
 * writes the block through its CepBlockItem.
 */
#pragma once

#include <glib-object.h>

#include "cep-field.h"

G_BEGIN_DECLS

typedef struct _CepBlockItem CepBlockItem;

#define CEP_TYPE_BLOCK_FIELD (cep_block_field_get_type ())
G_DECLARE_FINAL_TYPE (CepBlockField, cep_block_field, CEP, BLOCK_FIELD, GObject)

CepBlockField  *cep_block_field_new          (CepBlockItem  *item,
                                              const CepField *field);
const CepField *cep_block_field_get_field    (CepBlockField *self);
/* The property a row binds to: "value", "active" or "selected". */
const char     *cep_block_field_get_property_name (CepBlockField *self);
/* Notifies every property: the block may have changed elsewhere. */
void            cep_block_field_refresh      (CepBlockField *self);

G_END_DECLS
