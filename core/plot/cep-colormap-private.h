/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-colormap-private.h: the generated tables behind cep-colormap.c (see gen-colormaps.py).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CEP_PALETTE_SIZE 48

extern const guint8 cep_colormap_viridis_table[256][3];
extern const guint8 cep_colormap_magma_table[256][3];
extern const guint8 cep_colormap_coolwarm_table[256][3];
extern const guint8 cep_colormap_categorical_table[CEP_PALETTE_SIZE][3];

G_END_DECLS
