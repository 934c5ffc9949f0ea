/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-colorbar.c: colour bars and swatch legends.
 *
 * Owns the key that explains a heatmap's colours. Must not choose the scale; it shows the one
 * the heatmap or spectrogram used.
 */
#define G_LOG_DOMAIN "cepstra-colorbar"

#include "cep-colorbar.h"

#include "cep-plot-frame.h"

#define TITLE_GAP 6.0
#define SWATCH_GAP 6.0

static void
colorbar_axis (const CepColorScale *scale,
               const CepPlotRect   *bar,
               CepPlotAxis         *axis)
{
  cep_plot_axis_init (axis, scale->min, scale->max, bar->y + bar->height, bar->y);
}

double
cep_colorbar_get_width (CepPlotText         *text,
                        const CepColorScale *scale,
                        const char          *title,
                        double               height)
{
  CepPlotRect bar = { 0, 0, CEP_COLORBAR_BAR_WIDTH, height };
  CepPlotAxis axis;
  CepPlotTicks ticks;
  double width;

  colorbar_axis (scale, &bar, &axis);
  cep_plot_fit_ticks (text, &axis, CEP_PLOT_EDGE_RIGHT, &ticks);
  width = CEP_COLORBAR_BAR_WIDTH + cep_plot_ticks_extent (text, &axis, &ticks,
                                                          CEP_PLOT_EDGE_RIGHT);
  if (title != NULL && *title != '\0')
    width += TITLE_GAP + cep_plot_text_line_height (text, CEP_PLOT_FONT_LABEL);
  return width;
}

/* The 256 entries as a 1 x 256 image, top row = largest value. */
static cairo_surface_t *
colorbar_image (CepColormap colormap)
{
  cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, CEP_COLORMAP_SIZE);
  guint8 *data = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);

  cairo_surface_flush (image);
  for (int row = 0; row < CEP_COLORMAP_SIZE; row++)
    {
      double t = (CEP_COLORMAP_SIZE - 1 - row + 0.5) / CEP_COLORMAP_SIZE;
      guint32 *pixel = (guint32 *) (gpointer) (data + row * stride);

      *pixel = cep_colormap_get_argb (colormap, t);
    }
  cairo_surface_mark_dirty (image);
  return image;
}

static void
draw_bar (cairo_t             *cr,
          const CepColorScale *scale,
          const CepPlotRect   *bar)
{
  cairo_surface_t *image = colorbar_image (scale->colormap);

  cairo_save (cr);
  cairo_rectangle (cr, bar->x, bar->y, bar->width, bar->height);
  cairo_clip (cr);
  cairo_translate (cr, bar->x, bar->y);
  cairo_scale (cr, bar->width, bar->height / CEP_COLORMAP_SIZE);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (image);
}

void
cep_colorbar_draw (cairo_t             *cr,
                   CepPlotText         *text,
                   const CepPlotStyle  *style,
                   const CepColorScale *scale,
                   const char          *title,
                   const CepPlotRect   *strip)
{
  CepPlotRect bar = { strip->x, strip->y, CEP_COLORBAR_BAR_WIDTH, strip->height };
  CepPlotAxis axis;
  CepPlotTicks ticks;

  if (style == NULL)
    style = cep_plot_style_get_default ();
  draw_bar (cr, scale, &bar);
  cep_plot_draw_outline (cr, &style->frame, &bar);
  colorbar_axis (scale, &bar, &axis);
  cep_plot_fit_ticks (text, &axis, CEP_PLOT_EDGE_RIGHT, &ticks);
  cep_plot_draw_ticks (cr, text, style, &axis, &ticks, &bar, CEP_PLOT_EDGE_RIGHT, TRUE);
  cep_plot_draw_axis_title (text, style, title, &bar, CEP_PLOT_EDGE_RIGHT,
                            cep_plot_ticks_extent (text, &axis, &ticks, CEP_PLOT_EDGE_RIGHT)
                            + TITLE_GAP);
}

double
cep_swatch_legend_get_width (CepPlotText        *text,
                             const char * const *labels,
                             guint               n)
{
  double widest = 0.0;

  for (guint i = 0; i < n; i++)
    {
      double width;

      cep_plot_text_measure (text, CEP_PLOT_FONT_LABEL, labels[i] != NULL ? labels[i] : "",
                             &width, NULL);
      widest = MAX (widest, width);
    }
  return CEP_COLORBAR_BAR_WIDTH + SWATCH_GAP + widest;
}

void
cep_swatch_legend_draw (cairo_t            *cr,
                        CepPlotText        *text,
                        const CepPlotStyle *style,
                        const CepRgba      *colors,
                        const char * const *labels,
                        guint               n,
                        const CepPlotRect  *strip)
{
  double line = cep_plot_text_line_height (text, CEP_PLOT_FONT_LABEL);

  if (style == NULL)
    style = cep_plot_style_get_default ();
  for (guint i = 0; i < n; i++)
    {
      CepPlotRect swatch = { strip->x, strip->y + i * (line + SWATCH_GAP),
                             CEP_COLORBAR_BAR_WIDTH, line };

      cairo_save (cr);
      cep_rgba_set_source (&colors[i], cr);
      cairo_rectangle (cr, swatch.x, swatch.y, swatch.width, swatch.height);
      cairo_fill (cr);
      cairo_restore (cr);
      cep_plot_draw_outline (cr, &style->frame, &swatch);
      cep_plot_text_draw (text, CEP_PLOT_FONT_LABEL, &style->foreground, labels[i],
                          swatch.x + swatch.width + SWATCH_GAP, swatch.y + line / 2, 0.0, 0.5, 0.0);
    }
}
