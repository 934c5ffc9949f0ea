/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-field-row.h: one editor row for one setting, bound to the property that holds it.
 *
 * The one generic row <-> property helper of the window: given a CepField (its type, label,
 * range and choices, as core describes a setting) and an object property that holds its value,
 * it builds the row people expect (a spin button for a number, a switch for a flag, a combo row
 * for a choice) and binds it both ways with g_object_bind_property, so the row is never written
 * by hand and never echoes its own edit. Numbers bind to a double (or integer) property, flags
 * to a boolean, choices to a guint index.
 */
#pragma once

#include <adwaita.h>

#include "cep-field.h"

G_BEGIN_DECLS

GtkWidget *cep_field_row_new (const CepField *field,
                              gpointer        object,
                              const char     *property);

G_END_DECLS
