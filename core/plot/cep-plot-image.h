/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-image.h: matrices as images, and painting them with crisp cells.
 *
 * Heatmaps and spectrograms become one ARGB32 pixel per cell (cheap to build, cheap to cache
 * in a widget) and are then scaled onto the plot area: nearest-neighbour when cells are larger
 * than pixels (sharp cell edges), box-filtered when there are more cells than pixels (no
 * aliasing), and, for vector targets (SVG/PDF) whose viewers smooth images, pre-scaled into a
 * fine bitmap so cells stay sharp there too.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "cep-plot-style.h"

G_BEGIN_DECLS

/* Cairo's largest image edge. */
#define CEP_PLOT_IMAGE_MAX_SIZE 32767

/* An ARGB32 image of @columns x @rows pixels, or NULL (with a warning) if cairo refuses. */
cairo_surface_t *cep_plot_image_new         (int                columns,
                                             int                rows);
/* Pointer to the pixels of @row (flushes nothing; call cairo_surface_mark_dirty() after). */
guint32         *cep_plot_image_row         (cairo_surface_t   *image,
                                             int                row);
/* Paints the @source_columns x @source_rows region of @image starting at (@source_x,
 * @source_y) so that it exactly fills @area. */
void             cep_plot_image_paint       (cairo_t           *cr,
                                             cairo_surface_t   *image,
                                             int                source_x,
                                             int                source_y,
                                             int                source_columns,
                                             int                source_rows,
                                             const CepPlotRect *area);

G_END_DECLS
