/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-colormap.h: colormaps, value-to-colour scales and the categorical palette.
 *
 * Sequential maps (viridis, magma) are perceptually uniform and readable in grey; the
 * diverging map (coolwarm) has a neutral centre for signed values such as MFCCs around zero.
 * A CepColorScale turns a value into a position on a map; NaN has no colour (the caller draws
 * its "missing" colour). The categorical palette gives class ids distinct colours.
 */
#pragma once

#include <glib.h>

#include "cep-plot-style.h"

G_BEGIN_DECLS

typedef enum
{
  CEP_COLORMAP_VIRIDIS,
  CEP_COLORMAP_MAGMA,
  CEP_COLORMAP_COOLWARM,   /* diverging: blue, neutral grey, red */
  CEP_N_COLORMAPS
} CepColormap;

#define CEP_COLORMAP_SIZE 256

const char *cep_colormap_get_name        (CepColormap  colormap);
/* "viridis", "magma", "coolwarm" (also "diverging"); FALSE if unknown. */
gboolean    cep_colormap_from_name       (const char  *name,
                                          CepColormap *colormap);
gboolean    cep_colormap_is_diverging    (CepColormap  colormap);
/* The 256 sRGB entries, 3 bytes each. */
const guint8 *cep_colormap_get_table     (CepColormap  colormap);
/* Entry for @t in [0, 1] (clamped; NaN gives entry 0). */
guint       cep_colormap_index           (double       t);
CepRgba     cep_colormap_get_color       (CepColormap  colormap,
                                          double       t);
/* Opaque colour as a cairo CAIRO_FORMAT_ARGB32 pixel. */
guint32     cep_colormap_get_argb        (CepColormap  colormap,
                                          double       t);

typedef struct
{
  CepColormap colormap;
  double      min;    /* value at t = 0 */
  double      max;    /* value at t = 1 */
} CepColorScale;

/* min == max is allowed: every finite value then maps to the middle. */
void        cep_color_scale_init         (CepColorScale *scale,
                                          CepColormap    colormap,
                                          double         min,
                                          double         max);
/* Fits the scale to the finite values of @values: [min, max], or [-m, m] with m the largest
 * magnitude when @symmetric (so that zero sits on a diverging map's neutral centre). */
void        cep_color_scale_fit_floats   (CepColorScale *scale,
                                          CepColormap    colormap,
                                          const float   *values,
                                          gsize          n,
                                          gboolean       symmetric);
/* Position of @value on the map, clamped to [0, 1]; NaN for NaN. */
double      cep_color_scale_position     (const CepColorScale *scale,
                                          double               value);
/* ARGB32 pixel of @value, or @missing for NaN. */
guint32     cep_color_scale_get_argb     (const CepColorScale *scale,
                                          double               value,
                                          guint32              missing);

/* Opaque ARGB32 pixel of a CepRgba (alpha ignored). */
guint32     cep_rgba_to_argb             (const CepRgba *color);

/* Colour of class @index; the palette repeats after cep_palette_get_size() colours. */
guint       cep_palette_get_size         (void);
CepRgba     cep_palette_get_color        (guint        index);
/* Colours for line series: a short, high-contrast qualitative list. */
CepRgba     cep_palette_get_series_color (guint        index);

G_END_DECLS
