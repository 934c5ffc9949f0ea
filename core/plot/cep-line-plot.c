/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-line-plot.c: line plot defaults, series colours and the layout.
 *
 * Owns the ranges (fitted per panel, nice on linear axes), the margins measured from the tick
 * labels, and the stacking of panels. Must not draw; cep-line-plot-draw.c does.
 */
#define G_LOG_DOMAIN "cepstra-line-plot"

#include "cep-line-plot-private.h"

#include <math.h>
#include <string.h>

#include "cep-colormap.h"
#include "cep-plot-frame.h"

void
cep_line_plot_init (CepLinePlot *plot)
{
  g_return_if_fail (plot != NULL);

  memset (plot, 0, sizeof *plot);
  plot->x_kind = CEP_PLOT_TICKS_INTEGER;
  plot->x_display_scale = 1.0;
  plot->x_min = NAN;
  plot->x_max = NAN;
  plot->n_panels = 1;
  for (guint i = 0; i < CEP_LINE_PLOT_MAX_PANELS; i++)
    {
      plot->panels[i].y_scale = CEP_PLOT_SCALE_LINEAR;
      plot->panels[i].y_min = NAN;
      plot->panels[i].y_max = NAN;
      plot->panels[i].y_display_scale = 1.0;
    }
  plot->show_legend = TRUE;
}

void
cep_line_plot_init_training (CepLinePlot *plot,
                             gboolean     log_loss)
{
  cep_line_plot_init (plot);
  plot->n_panels = 2;
  plot->panels[0].y_label = "Loss";
  plot->panels[0].y_scale = log_loss ? CEP_PLOT_SCALE_LOG10 : CEP_PLOT_SCALE_LINEAR;
  plot->panels[1].y_label = "Accuracy (%)";
  plot->panels[1].y_display_scale = 100.0;
}

const CepPlotStyle *
_cep_line_plot_get_style (const CepLinePlot *plot)
{
  return plot->style != NULL ? plot->style : cep_plot_style_get_default ();
}

double
_cep_line_plot_padding (const CepLinePlot *plot)
{
  return round (_cep_line_plot_get_style (plot)->font_size * 0.75);
}

static gboolean
same_name (const char *a,
           const char *b)
{
  return a != NULL && b != NULL && strcmp (a, b) == 0;
}

gboolean
_cep_line_plot_is_legend_entry (const CepLinePlot *plot,
                                guint              index)
{
  if (plot->series[index].name == NULL)
    return FALSE;
  for (guint i = 0; i < index; i++)
    if (same_name (plot->series[i].name, plot->series[index].name))
      return FALSE;
  return TRUE;
}

gboolean
_cep_line_plot_has_legend (const CepLinePlot *plot)
{
  if (!plot->show_legend)
    return FALSE;
  for (guint i = 0; i < plot->n_series; i++)
    if (plot->series[i].name != NULL)
      return TRUE;
  return FALSE;
}

/* Position of a series' name among the distinct names, so "train" in both panels gets one
 * colour. */
static guint
name_rank (const CepLinePlot *plot,
           guint              index)
{
  guint rank = 0;

  for (guint i = 0; i < plot->n_series; i++)
    {
      gboolean first = plot->series[i].name == NULL || _cep_line_plot_is_legend_entry (plot, i);

      if (i == index || same_name (plot->series[i].name, plot->series[index].name))
        return rank;
      rank += first ? 1 : 0;
    }
  return rank;
}

/* A translucent series (the raw per-step loss under its smoothed line) is meant to be faint,
 * not gone: over a dark background the same alpha nearly vanishes, so it is doubled there. */
static CepRgba
faint_on_dark (const CepLinePlot *plot,
               CepRgba            color)
{
  const CepPlotStyle *style = _cep_line_plot_get_style (plot);

  if (color.alpha < 1.0 && cep_rgba_luminance (&style->foreground) > 0.5)
    color.alpha = MIN (1.0, 2.0 * color.alpha);
  return color;
}

CepRgba
cep_line_plot_series_color (const CepLinePlot *plot,
                            guint              index)
{
  g_return_val_if_fail (plot != NULL && index < plot->n_series, cep_rgba_from_hex (0, 1.0));

  if (plot->series[index].color.alpha > 0.0)
    return faint_on_dark (plot, plot->series[index].color);
  return cep_palette_get_series_color (name_rank (plot, index));
}

double
_cep_line_plot_legend_width (const CepLinePlot *plot,
                             CepPlotText       *text)
{
  double total = 0.0;

  for (guint i = 0; i < plot->n_series; i++)
    {
      double width;

      if (!_cep_line_plot_is_legend_entry (plot, i))
        continue;
      cep_plot_text_measure (text, CEP_PLOT_FONT_LABEL, plot->series[i].name, &width, NULL);
      total += (total > 0.0 ? CEP_LINE_PLOT_LEGEND_SPACING : 0.0) + CEP_LINE_PLOT_LEGEND_SAMPLE
               + CEP_LINE_PLOT_LEGEND_GAP + width;
    }
  return total;
}

const char *
_cep_line_plot_epoch_label (CepPlotText *text,
                            guint        i,
                            double       room,
                            char        *buffer,
                            gsize        size)
{
  double width;

  g_snprintf (buffer, size, "epoch %u", i + 1);
  cep_plot_text_measure (text, CEP_PLOT_FONT_SMALL, buffer, &width, NULL);
  if (width + 4.0 <= room)
    return buffer;
  g_snprintf (buffer, size, "%u", i + 1);
  cep_plot_text_measure (text, CEP_PLOT_FONT_SMALL, buffer, &width, NULL);
  return width + 4.0 <= room ? buffer : NULL;
}

/* ---- ranges ---- */

static void
include_range (double *low,
               double *high,
               double  value,
               gboolean positive_only)
{
  if (!isfinite (value) || (positive_only && value <= 0.0))
    return;
  *low = MIN (*low, value);
  *high = MAX (*high, value);
}

static void
fit_x_range (const CepLinePlot *plot,
             double            *low,
             double            *high)
{
  *low = INFINITY;
  *high = -INFINITY;
  for (guint s = 0; s < plot->n_series; s++)
    {
      const CepLineSeries *series = &plot->series[s];

      /* Implicit x (0, 1, 2, ...) spans its ends; only given x need the scan. */
      if (series->x == NULL && series->n > 0)
        {
          include_range (low, high, 0.0, FALSE);
          include_range (low, high, (double) (series->n - 1), FALSE);
          continue;
        }
      for (gsize i = 0; i < series->n; i++)
        include_range (low, high, _cep_line_series_x (series, i), FALSE);
    }
  if (*low > *high)
    {
      *low = 0.0;
      *high = 1.0;
    }
  if (!isnan (plot->x_min))
    *low = plot->x_min;
  if (!isnan (plot->x_max))
    *high = plot->x_max;
}

static void
fit_y_range (const CepLinePlot *plot,
             guint              panel,
             double            *low,
             double            *high)
{
  gboolean log = plot->panels[panel].y_scale == CEP_PLOT_SCALE_LOG10;

  *low = INFINITY;
  *high = -INFINITY;
  for (guint s = 0; s < plot->n_series; s++)
    {
      const CepLineSeries *series = &plot->series[s];

      if (series->panel != panel || series->y == NULL)
        continue;
      for (gsize i = 0; i < series->n; i++)
        include_range (low, high, series->y[i], log);
      for (gsize i = 0; _cep_line_series_has_band (series) && i < series->n; i++)
        {
          include_range (low, high, series->band_low[i], log);
          include_range (low, high, series->band_high[i], log);
        }
    }
  if (*low > *high)
    {
      *low = log ? 0.1 : 0.0;
      *high = 1.0;
    }
}

/* Rounds the fitted ends of a linear axis out to its ticks; ends the caller fixed stay. */
static void
expand_fitted_ends (CepPlotAxis        *axis,
                    const CepLinePanel *spec,
                    double              min_spacing)
{
  double low = axis->min, high = axis->max;

  cep_plot_axis_expand_to_ticks (axis, cep_plot_axis_max_ticks (axis, min_spacing));
  if (!isnan (spec->y_min))
    axis->min = low;
  if (!isnan (spec->y_max))
    axis->max = high;
}

static void
init_y_axis (const CepLinePlot *plot,
             guint              panel,
             const CepPlotRect *area,
             double             min_spacing,
             CepPlotAxis       *axis)
{
  const CepLinePanel *spec = &plot->panels[panel];
  double low, high;

  fit_y_range (plot, panel, &low, &high);
  if (spec->y_scale == CEP_PLOT_SCALE_LOG10)
    {
      /* A little air in log space instead of whole decades, which would flatten the curve. */
      double pad = pow (10.0, 0.05 * MAX (log10 (high / low), 0.2));

      low /= pad;
      high *= pad;
    }
  cep_plot_axis_init (axis, isnan (spec->y_min) ? low : spec->y_min,
                      isnan (spec->y_max) ? high : spec->y_max, area->y + area->height, area->y);
  axis->display_scale = spec->y_display_scale > 0.0 ? spec->y_display_scale : 1.0;
  if (spec->y_scale == CEP_PLOT_SCALE_LOG10)
    cep_plot_axis_set_log (axis);
  else if (isnan (spec->y_min) || isnan (spec->y_max))
    expand_fitted_ends (axis, spec, min_spacing);
}

/* ---- layout ---- */

static double
optional_line (CepPlotText *text,
               CepPlotFont  font,
               gboolean     present,
               double       gap)
{
  return present ? cep_plot_text_line_height (text, font) + gap : 0.0;
}

static gboolean
has_text (const char *string)
{
  return string != NULL && *string != '\0';
}

/* Stacks the panels between the title/legend/epoch rows and the x axis labels. */
static void
layout_vertical (const CepLinePlot *plot,
                 CepPlotText       *text,
                 CepLinePlotLayout *layout)
{
  double padding = _cep_line_plot_padding (plot);
  double title = optional_line (text, CEP_PLOT_FONT_TITLE, has_text (plot->title), padding / 2);
  double legend = optional_line (text, CEP_PLOT_FONT_LABEL, _cep_line_plot_has_legend (plot),
                                 padding / 2);
  double epochs = optional_line (text, CEP_PLOT_FONT_SMALL, plot->n_epoch_marks > 0, 2.0);
  double x_labels = CEP_PLOT_TICK_LENGTH + CEP_PLOT_TICK_GAP
                    + cep_plot_text_line_height (text, CEP_PLOT_FONT_BODY);
  double x_title = optional_line (text, CEP_PLOT_FONT_LABEL, has_text (plot->x_label),
                                  padding / 2);
  double gap = 1.5 * cep_plot_text_line_height (text, CEP_PLOT_FONT_BODY);
  double top = padding + title + legend + epochs;
  double panel_height = (layout->height - top - x_labels - x_title - padding
                         - gap * (layout->n_panels - 1)) / layout->n_panels;

  layout->legend_y = padding + title
                     + cep_plot_text_line_height (text, CEP_PLOT_FONT_LABEL) / 2;
  for (guint p = 0; p < layout->n_panels; p++)
    {
      layout->areas[p].y = round (top + p * (panel_height + gap));
      layout->areas[p].height = round (MAX (panel_height, 1.0));
    }
}

static double
left_margin (const CepLinePlot *plot,
             CepPlotText       *text,
             CepLinePlotLayout *layout)
{
  double padding = _cep_line_plot_padding (plot);
  double widest = 0.0, titles = 0.0;

  for (guint p = 0; p < layout->n_panels; p++)
    {
      CepPlotTicks ticks;

      cep_plot_fit_ticks (text, &layout->y_axes[p], CEP_PLOT_EDGE_LEFT, &ticks);
      widest = MAX (widest, cep_plot_ticks_extent (text, &layout->y_axes[p], &ticks,
                                                   CEP_PLOT_EDGE_LEFT));
      titles = MAX (titles, optional_line (text, CEP_PLOT_FONT_LABEL,
                                           has_text (plot->panels[p].y_label), padding / 2));
    }
  return padding + titles + widest;
}

static void
init_x_axis (const CepLinePlot *plot,
             double             left,
             double             right,
             CepPlotAxis       *axis)
{
  double low, high;

  fit_x_range (plot, &low, &high);
  cep_plot_axis_init (axis, low, high, left, right);
  axis->kind = plot->x_kind;
  axis->display_scale = plot->x_display_scale > 0.0 ? plot->x_display_scale : 1.0;
}

void
cep_line_plot_compute_layout (const CepLinePlot *plot,
                              cairo_t           *cr,
                              double             width,
                              double             height,
                              CepLinePlotLayout *layout)
{
  g_autoptr(CepPlotText) text = NULL;
  double spacing, left, right;

  g_return_if_fail (plot != NULL && cr != NULL && layout != NULL);
  g_return_if_fail (plot->n_panels >= 1 && plot->n_panels <= CEP_LINE_PLOT_MAX_PANELS);

  text = cep_plot_text_new (cr, _cep_line_plot_get_style (plot));
  spacing = 3.0 * cep_plot_text_line_height (text, CEP_PLOT_FONT_BODY);
  layout->width = width;
  layout->height = height;
  layout->n_panels = plot->n_panels;
  layout_vertical (plot, text, layout);
  for (guint p = 0; p < layout->n_panels; p++)
    init_y_axis (plot, p, &layout->areas[p], spacing, &layout->y_axes[p]);
  left = round (left_margin (plot, text, layout));
  /* Room for half of the last x label, which is centred on the right edge. */
  right = round (width - _cep_line_plot_padding (plot)
                 - 1.5 * cep_plot_text_line_height (text, CEP_PLOT_FONT_BODY));
  for (guint p = 0; p < layout->n_panels; p++)
    {
      layout->areas[p].x = left;
      layout->areas[p].width = MAX (right - left, 1.0);
    }
  init_x_axis (plot, left, left + layout->areas[0].width, &layout->x_axis);
}

void
cep_line_plot_draw (const CepLinePlot *plot,
                    cairo_t           *cr,
                    double             width,
                    double             height)
{
  CepLinePlotLayout layout;

  cep_line_plot_compute_layout (plot, cr, width, height, &layout);
  cep_line_plot_draw_with_layout (plot, &layout, cr);
}

void
cep_line_plot_draw_func (cairo_t *cr,
                         double   width,
                         double   height,
                         gpointer plot)
{
  cep_line_plot_draw (plot, cr, width, height);
}
