/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-line-plot-draw.c: drawing a line plot from its layout.
 *
 * Owns markers, epoch markers, axes, legend and titles, and the order of drawing (a series'
 * band under its line); the series lines and bands themselves come from
 * cep-line-plot-path.c. Must not change the layout.
 */
#define G_LOG_DOMAIN "cepstra-line-plot"

#include "cep-line-plot-private.h"

#include <math.h>

#include "cep-plot-frame.h"

#define EPOCH_LABEL_SIZE 32
#define BAND_OPACITY     0.2

static double
series_line_width (const CepLinePlot   *plot,
                   const CepLineSeries *series)
{
  return series->line_width > 0.0 ? series->line_width
                                   : _cep_line_plot_get_style (plot)->line_width;
}

static void
set_series_stroke (const CepLinePlot *plot,
                   guint              index,
                   cairo_t           *cr)
{
  const CepLineSeries *series = &plot->series[index];
  double width = series_line_width (plot, series);
  double dashes[] = { 4.0 * width, 2.5 * width };
  CepRgba color = cep_line_plot_series_color (plot, index);

  cep_rgba_set_source (&color, cr);
  cairo_set_line_width (cr, width);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_dash (cr, dashes, series->dashed ? G_N_ELEMENTS (dashes) : 0, 0.0);
}

static void
draw_markers (const CepLinePlot       *plot,
              const CepLineSeries     *series,
              const CepPlotAxis       *x_axis,
              const CepPlotAxis       *y_axis,
              cairo_t                 *cr)
{
  double radius = series_line_width (plot, series) + 1.5;

  for (gsize i = 0; i < series->n; i++)
    {
      double x = _cep_line_series_x (series, i), y = series->y[i];

      if (!_cep_line_point_visible (y_axis, x, y))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, cep_plot_axis_to_pixel (x_axis, x), cep_plot_axis_to_pixel (y_axis, y),
                 radius, 0, 2 * G_PI);
    }
  cairo_set_dash (cr, NULL, 0, 0.0);
  cairo_fill (cr);
}

/* A band is the series' colour at a fifth of its opacity, so lines of other groups drawn
 * over it stay readable where bands overlap. */
static void
fill_band (const CepLinePlot       *plot,
           const CepLinePlotLayout *layout,
           guint                    index,
           cairo_t                 *cr)
{
  const CepLineSeries *series = &plot->series[index];
  CepRgba color = cep_line_plot_series_color (plot, index);

  color.alpha *= BAND_OPACITY;
  cep_rgba_set_source (&color, cr);
  _cep_line_series_fill_band (series, cr, &layout->x_axis, &layout->y_axes[series->panel]);
}

static void
draw_series (const CepLinePlot       *plot,
             const CepLinePlotLayout *layout,
             guint                    index,
             cairo_t                 *cr)
{
  const CepLineSeries *series = &plot->series[index];
  const CepPlotAxis *y_axis = &layout->y_axes[series->panel];

  cairo_save (cr);
  cairo_rectangle (cr, layout->areas[series->panel].x, layout->areas[series->panel].y,
                   layout->areas[series->panel].width, layout->areas[series->panel].height);
  cairo_clip (cr);
  if (_cep_line_series_has_band (series))
    fill_band (plot, layout, index, cr);
  set_series_stroke (plot, index, cr);
  cairo_new_path (cr);
  _cep_line_series_draw_path (series, cr, &layout->x_axis, y_axis,
                              series_line_width (plot, series));
  if (series->markers)
    draw_markers (plot, series, &layout->x_axis, y_axis, cr);
  cairo_restore (cr);
}

static void
draw_epoch_lines (const CepLinePlot       *plot,
                  const CepLinePlotLayout *layout,
                  cairo_t                 *cr)
{
  const CepPlotStyle *style = _cep_line_plot_get_style (plot);
  const CepPlotRect *top = &layout->areas[0];
  double dashes[] = { 2.0, 3.0 };

  cairo_save (cr);
  cep_rgba_set_source (&style->frame, cr);
  cairo_set_line_width (cr, 1.0);
  cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0.0);
  for (guint i = 0; i < plot->n_epoch_marks; i++)
    {
      double x = cep_plot_axis_to_pixel (&layout->x_axis, plot->epoch_marks[i]);

      if (!isfinite (x) || x < top->x || x > top->x + top->width)
        continue;
      x = cep_plot_snap (x, 1.0);
      for (guint p = 0; p < layout->n_panels; p++)
        {
          cairo_move_to (cr, x, layout->areas[p].y);
          cairo_line_to (cr, x, layout->areas[p].y + layout->areas[p].height);
        }
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Each epoch's number, centred over the span it covers, above the top panel. */
static void
draw_epoch_labels (const CepLinePlot       *plot,
                   const CepLinePlotLayout *layout,
                   CepPlotText             *text)
{
  const CepPlotStyle *style = _cep_line_plot_get_style (plot);
  const CepPlotRect *top = &layout->areas[0];
  double start = top->x, y = top->y - 2.0;
  char buffer[EPOCH_LABEL_SIZE];

  for (guint i = 0; i < plot->n_epoch_marks; i++)
    {
      double end = cep_plot_axis_to_pixel (&layout->x_axis, plot->epoch_marks[i]);
      const char *label;

      if (!isfinite (end) || end <= start || end > top->x + top->width + 0.5)
        continue;
      label = _cep_line_plot_epoch_label (text, i, end - start, buffer, sizeof buffer);
      if (label != NULL)
        cep_plot_text_draw (text, CEP_PLOT_FONT_SMALL, &style->secondary, label,
                            (start + end) / 2, y, 0.5, 1.0, 0.0);
      start = end;
    }
}

static void
draw_panel_frame (const CepLinePlot       *plot,
                  const CepLinePlotLayout *layout,
                  guint                    panel,
                  CepPlotText             *text,
                  cairo_t                 *cr)
{
  const CepPlotStyle *style = _cep_line_plot_get_style (plot);
  const CepPlotRect *area = &layout->areas[panel];
  CepPlotTicks x_ticks, y_ticks;
  double padding = _cep_line_plot_padding (plot);

  cep_plot_fit_ticks (text, &layout->x_axis, CEP_PLOT_EDGE_BOTTOM, &x_ticks);
  cep_plot_fit_ticks (text, &layout->y_axes[panel], CEP_PLOT_EDGE_LEFT, &y_ticks);
  cep_plot_draw_grid (cr, style, &layout->x_axis, &x_ticks, area, TRUE);
  cep_plot_draw_grid (cr, style, &layout->y_axes[panel], &y_ticks, area, FALSE);
  cep_plot_draw_outline (cr, &style->frame, area);
  cep_plot_draw_ticks (cr, text, style, &layout->y_axes[panel], &y_ticks, area,
                       CEP_PLOT_EDGE_LEFT, TRUE);
  cep_plot_draw_ticks (cr, text, style, &layout->x_axis, &x_ticks, area, CEP_PLOT_EDGE_BOTTOM,
                       panel == layout->n_panels - 1);
  /* Titles of both panels share one column at the figure's left edge. */
  cep_plot_draw_axis_title (text, style, plot->panels[panel].y_label, area, CEP_PLOT_EDGE_LEFT,
                            area->x - padding
                            - cep_plot_text_line_height (text, CEP_PLOT_FONT_LABEL));
  if (panel == layout->n_panels - 1)
    cep_plot_draw_axis_title (text, style, plot->x_label, area, CEP_PLOT_EDGE_BOTTOM,
                              cep_plot_ticks_extent (text, &layout->x_axis, &x_ticks,
                                                     CEP_PLOT_EDGE_BOTTOM) + padding / 2);
}

static void
draw_legend_entry (const CepLinePlot *plot,
                   guint              index,
                   CepPlotText       *text,
                   cairo_t           *cr,
                   double             x,
                   double             y)
{
  const CepPlotStyle *style = _cep_line_plot_get_style (plot);

  cairo_save (cr);
  set_series_stroke (plot, index, cr);
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + CEP_LINE_PLOT_LEGEND_SAMPLE, y);
  cairo_stroke (cr);
  if (plot->series[index].markers)
    {
      cairo_arc (cr, x + CEP_LINE_PLOT_LEGEND_SAMPLE / 2, y,
                 series_line_width (plot, &plot->series[index]) + 1.5, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  cairo_restore (cr);
  cep_plot_text_draw (text, CEP_PLOT_FONT_LABEL, &style->foreground, plot->series[index].name,
                      x + CEP_LINE_PLOT_LEGEND_SAMPLE + CEP_LINE_PLOT_LEGEND_GAP, y, 0.0, 0.5,
                      0.0);
}

static void
draw_legend (const CepLinePlot       *plot,
             const CepLinePlotLayout *layout,
             CepPlotText             *text,
             cairo_t                 *cr)
{
  const CepPlotRect *top = &layout->areas[0];
  double x = top->x + MAX (0.0, (top->width - _cep_line_plot_legend_width (plot, text)) / 2);

  if (!_cep_line_plot_has_legend (plot))
    return;
  for (guint i = 0; i < plot->n_series; i++)
    {
      double width;

      if (!_cep_line_plot_is_legend_entry (plot, i))
        continue;
      draw_legend_entry (plot, i, text, cr, x, layout->legend_y);
      cep_plot_text_measure (text, CEP_PLOT_FONT_LABEL, plot->series[i].name, &width, NULL);
      x += CEP_LINE_PLOT_LEGEND_SAMPLE + CEP_LINE_PLOT_LEGEND_GAP + width
           + CEP_LINE_PLOT_LEGEND_SPACING;
    }
}

static void
draw_title (const CepLinePlot       *plot,
            const CepLinePlotLayout *layout,
            CepPlotText             *text)
{
  const CepPlotStyle *style = _cep_line_plot_get_style (plot);
  const CepPlotRect *top = &layout->areas[0];

  cep_plot_text_draw (text, CEP_PLOT_FONT_TITLE, &style->foreground, plot->title,
                      top->x + top->width / 2, _cep_line_plot_padding (plot), 0.5, 0.0, 0.0);
}

void
cep_line_plot_draw_with_layout (const CepLinePlot       *plot,
                                const CepLinePlotLayout *layout,
                                cairo_t                 *cr)
{
  const CepPlotStyle *style;
  g_autoptr(CepPlotText) text = NULL;

  g_return_if_fail (plot != NULL && layout != NULL && cr != NULL);

  style = _cep_line_plot_get_style (plot);
  text = cep_plot_text_new (cr, style);
  cep_plot_style_paint_background (style, cr, layout->width, layout->height);
  for (guint p = 0; p < layout->n_panels; p++)
    draw_panel_frame (plot, layout, p, text, cr);
  draw_epoch_lines (plot, layout, cr);
  draw_epoch_labels (plot, layout, text);
  for (guint i = 0; i < plot->n_series; i++)
    if (plot->series[i].panel < layout->n_panels && plot->series[i].y != NULL)
      draw_series (plot, layout, i, cr);
  draw_legend (plot, layout, text, cr);
  draw_title (plot, layout, text);
}
