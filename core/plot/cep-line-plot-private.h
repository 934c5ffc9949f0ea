/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-line-plot-private.h: what the line plot's layout and drawing files share.
 */
#pragma once

#include <math.h>

#include "cep-line-plot.h"
#include "cep-plot-axis.h"
#include "cep-plot-text.h"

G_BEGIN_DECLS

/* Sample line of a legend entry, and the gaps around its parts. */
#define CEP_LINE_PLOT_LEGEND_SAMPLE 22.0
#define CEP_LINE_PLOT_LEGEND_GAP     6.0
#define CEP_LINE_PLOT_LEGEND_SPACING 20.0

const CepPlotStyle *_cep_line_plot_get_style       (const CepLinePlot *plot);
double              _cep_line_plot_padding         (const CepLinePlot *plot);
/* TRUE if series @index is the first of its name (the one that gets a legend entry). */
gboolean            _cep_line_plot_is_legend_entry (const CepLinePlot *plot,
                                                    guint              index);
gboolean            _cep_line_plot_has_legend      (const CepLinePlot *plot);
/* Width of the whole legend row. */
double              _cep_line_plot_legend_width    (const CepLinePlot *plot,
                                                    CepPlotText       *text);
/* Label of epoch mark @i ("epoch 3" or "3"), whichever fits @room; NULL if neither. */
const char         *_cep_line_plot_epoch_label     (CepPlotText       *text,
                                                    guint              i,
                                                    double             room,
                                                    char              *buffer,
                                                    gsize              size);

/* Draws the line of @series with the source, width and dash already set on @cr (clipped to
 * its panel by the caller). */
void                _cep_line_series_draw_path     (const CepLineSeries *series,
                                                    cairo_t             *cr,
                                                    const CepPlotAxis   *x_axis,
                                                    const CepPlotAxis   *y_axis,
                                                    double               line_width);

/* Fills the band of @series (cep_line_plot.h) on @cr with the source already set. */
void                _cep_line_series_fill_band     (const CepLineSeries *series,
                                                    cairo_t             *cr,
                                                    const CepPlotAxis   *x_axis,
                                                    const CepPlotAxis   *y_axis);

static inline gboolean
_cep_line_series_has_band (const CepLineSeries *series)
{
  return series->band_low != NULL && series->band_high != NULL;
}

/* Inline: both run once per point of 100k-point series on every redraw. */

/* x of point @i of @series (its index when the series has no x array). */
static inline double
_cep_line_series_x (const CepLineSeries *series,
                    gsize                i)
{
  return series->x != NULL ? series->x[i] : (double) i;
}

/* TRUE if a point can be drawn on @y_axis (finite, and positive on a log axis). */
static inline gboolean
_cep_line_point_visible (const CepPlotAxis *y_axis,
                         double             x,
                         double             y)
{
  if (!isfinite (x) || !isfinite (y))
    return FALSE;
  return y_axis->scale != CEP_PLOT_SCALE_LOG10 || y > 0.0;
}

G_END_DECLS
