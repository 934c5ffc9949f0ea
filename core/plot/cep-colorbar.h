/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-colorbar.h: a vertical colour bar with value ticks and a title, and a two-swatch legend
 * for boolean maps.
 *
 * The bar shows the scale's 256 colormap entries from min (bottom) to max (top). Callers ask
 * for the width first, reserve it at the right of their figure, then draw into that strip.
 */
#pragma once

#include <cairo.h>

#include "cep-colormap.h"
#include "cep-plot-text.h"

G_BEGIN_DECLS

/* Width of the coloured bar itself, in user units. */
#define CEP_COLORBAR_BAR_WIDTH 14.0

/* Total width of bar, ticks, labels and the rotated @title (may be NULL) for a bar of
 * @height. */
double cep_colorbar_get_width  (CepPlotText         *text,
                                const CepColorScale *scale,
                                const char          *title,
                                double               height);
/* Draws into @strip: the bar at its left edge, full height, labels and title to its right. */
void   cep_colorbar_draw       (cairo_t             *cr,
                                CepPlotText         *text,
                                const CepPlotStyle  *style,
                                const CepColorScale *scale,
                                const char          *title,
                                const CepPlotRect   *strip);

/* A legend of @n labelled colour swatches stacked at the top of a strip (the boolean map's
 * "independent" / "dependent"). */
double cep_swatch_legend_get_width (CepPlotText         *text,
                                    const char * const  *labels,
                                    guint                n);
void   cep_swatch_legend_draw      (cairo_t             *cr,
                                    CepPlotText         *text,
                                    const CepPlotStyle  *style,
                                    const CepRgba       *colors,
                                    const char * const  *labels,
                                    guint                n,
                                    const CepPlotRect   *strip);

G_END_DECLS
