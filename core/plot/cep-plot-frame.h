/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-plot-frame.h: the decorations around a plot area: tick marks and labels on an edge,
 * grid lines, the outline, axis titles.
 *
 * Renderers first ask how much room the labels of an edge need (so margins follow the fonts
 * and the numbers, never a constant), then lay out their areas, then draw.
 */
#pragma once

#include <cairo.h>

#include "cep-plot-axis.h"
#include "cep-plot-style.h"
#include "cep-plot-text.h"

G_BEGIN_DECLS

typedef enum
{
  CEP_PLOT_EDGE_LEFT,
  CEP_PLOT_EDGE_RIGHT,
  CEP_PLOT_EDGE_BOTTOM,
  CEP_PLOT_EDGE_TOP,
} CepPlotEdge;

/* Length of a tick mark and the gap between it and its label, in user units. */
#define CEP_PLOT_TICK_LENGTH 4.0
#define CEP_PLOT_TICK_GAP    3.0

/* Chooses the densest nice ticks whose labels do not collide along @edge (a horizontal axis
 * keeps a gap of about one line height between labels, a vertical one three line heights
 * between ticks). */
void   cep_plot_fit_ticks       (CepPlotText        *text,
                                 const CepPlotAxis  *axis,
                                 CepPlotEdge         edge,
                                 CepPlotTicks       *ticks);
/* Room the tick marks and labels of @ticks need outside an edge: the widest label plus tick
 * and gap for left/right edges, a line height plus tick and gap for top/bottom. */
double cep_plot_ticks_extent    (CepPlotText        *text,
                                 const CepPlotAxis  *axis,
                                 const CepPlotTicks *ticks,
                                 CepPlotEdge         edge);
/* Tick marks and labels outside @area on @edge; the axis must run along that edge. */
void   cep_plot_draw_ticks      (cairo_t            *cr,
                                 CepPlotText        *text,
                                 const CepPlotStyle *style,
                                 const CepPlotAxis  *axis,
                                 const CepPlotTicks *ticks,
                                 const CepPlotRect  *area,
                                 CepPlotEdge         edge,
                                 gboolean            with_labels);
/* Grid lines across @area at the ticks of a horizontal (@vertical_lines) or vertical axis. */
void   cep_plot_draw_grid       (cairo_t            *cr,
                                 const CepPlotStyle *style,
                                 const CepPlotAxis  *axis,
                                 const CepPlotTicks *ticks,
                                 const CepPlotRect  *area,
                                 gboolean            vertical_lines);
/* One-unit outline just outside @area. */
void   cep_plot_draw_outline    (cairo_t            *cr,
                                 const CepRgba      *color,
                                 const CepPlotRect  *area);
/* Axis title centred along @edge, @offset units outside the area (beyond the tick labels). */
void   cep_plot_draw_axis_title (CepPlotText        *text,
                                 const CepPlotStyle *style,
                                 const char         *title,
                                 const CepPlotRect  *area,
                                 CepPlotEdge         edge,
                                 double              offset);

G_END_DECLS
