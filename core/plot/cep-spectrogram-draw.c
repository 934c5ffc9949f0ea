/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-spectrogram-draw.c: drawing the spectrogram view from its layout.
 *
 * Owns the matrix painting, the mask overlay, label tracks, axes and colour bar. Must not
 * change the layout or the data.
 */
#define G_LOG_DOMAIN "cepstra-spectrogram-plot"

#include "cep-spectrogram-private.h"

#include <math.h>

#include "cep-colorbar.h"
#include "cep-label-track.h"
#include "cep-plot-frame.h"
#include "cep-plot-image.h"

/* Masks veil what they cover: lighter on sequential maps (mostly dark), darker on diverging
 * maps (whose centre is a light grey), so the bands read as "removed" either way. */
#define MASK_LIGHTEN_ALPHA 0.55
#define MASK_DARKEN_ALPHA 0.45

static void
draw_matrix (const CepSpectrogramPlot   *plot,
             const CepSpectrogramLayout *layout,
             cairo_t                    *cr)
{
  cairo_surface_t *image;
  guint columns;

  if (plot->image != NULL || plot->n_frames <= CEP_PLOT_IMAGE_MAX_SIZE)
    {
      image = plot->image != NULL ? cairo_surface_reference (plot->image)
                                  : cep_spectrogram_plot_create_image (plot);
      if (image != NULL)
        cep_plot_image_paint (cr, image, layout->first_frame, 0, layout->n_visible,
                              plot->n_coefficients, &layout->matrix);
      cairo_surface_destroy (image);
      return;
    }
  /* Longer than cairo's images (over five minutes of frames): just the visible window. */
  columns = MIN (layout->n_visible, CEP_PLOT_IMAGE_MAX_SIZE);
  image = _cep_spectrogram_build_image (plot, layout->first_frame, layout->n_visible, columns);
  if (image != NULL)
    cep_plot_image_paint (cr, image, 0, 0, columns, plot->n_coefficients, &layout->matrix);
  cairo_surface_destroy (image);
}

/* The band of @mask in figure coordinates; FALSE if it misses the visible window. */
static gboolean
mask_rect (const CepSpectrogramPlot   *plot,
           const CepSpectrogramLayout *layout,
           const CepSpectrogramMask   *mask,
           CepPlotRect                *rect)
{
  guint window_end = layout->first_frame + layout->n_visible;
  guint frame_start, frame_end, coefficient_start, coefficient_end;
  CepPlotAxis time, coefficients;

  if (mask->kind == CEP_SPECTROGRAM_MASK_TIME)
    {
      frame_start = mask->start;
      frame_end = mask->start + mask->width;
      coefficient_start = 0;
      coefficient_end = plot->n_coefficients;
    }
  else
    {
      frame_start = mask->frame_start;
      frame_end = mask->frame_start + mask->n_frames;
      coefficient_start = MIN (mask->start, plot->n_coefficients);
      coefficient_end = MIN (mask->start + mask->width, plot->n_coefficients);
    }
  frame_start = MAX (frame_start, layout->first_frame);
  frame_end = MIN (frame_end, window_end);
  if (frame_start >= frame_end || coefficient_start >= coefficient_end)
    return FALSE;
  _cep_spectrogram_time_axis (plot, layout, &time);
  _cep_spectrogram_coefficient_axis (plot, layout, &coefficients);
  rect->x = cep_plot_axis_to_pixel (&time, frame_start);
  rect->width = cep_plot_axis_to_pixel (&time, frame_end) - rect->x;
  rect->y = cep_plot_axis_to_pixel (&coefficients, coefficient_end - 0.5);
  rect->height = cep_plot_axis_to_pixel (&coefficients, coefficient_start - 0.5) - rect->y;
  return TRUE;
}

static void
set_mask_veil (const CepSpectrogramPlot *plot,
               cairo_t                  *cr)
{
  if (cep_colormap_is_diverging (plot->colormap))
    cairo_set_source_rgba (cr, 0.0, 0.0, 0.0, MASK_DARKEN_ALPHA);
  else
    cairo_set_source_rgba (cr, 1.0, 1.0, 1.0, MASK_LIGHTEN_ALPHA);
}

static void
draw_masks (const CepSpectrogramPlot   *plot,
            const CepSpectrogramLayout *layout,
            cairo_t                    *cr)
{
  double dashes[] = { 3.0, 2.0 };

  cairo_save (cr);
  cairo_rectangle (cr, layout->matrix.x, layout->matrix.y, layout->matrix.width,
                   layout->matrix.height);
  cairo_clip (cr);
  cairo_set_line_width (cr, 1.0);
  if (plot->zero_masked)
    cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0.0);
  for (guint i = 0; i < plot->n_masks; i++)
    {
      CepPlotRect rect;

      if (!mask_rect (plot, layout, &plot->masks[i], &rect))
        continue;
      /* Zeroed values already show the mask; an outline says where it came from. */
      if (!plot->zero_masked)
        {
          set_mask_veil (plot, cr);
          cairo_rectangle (cr, rect.x, rect.y, rect.width, rect.height);
          cairo_fill (cr);
        }
      cairo_set_source_rgba (cr, 1.0, 1.0, 1.0, 0.9);
      cairo_rectangle (cr, rect.x + 0.5, rect.y + 0.5, MAX (rect.width - 1.0, 0.0),
                       MAX (rect.height - 1.0, 0.0));
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static void
draw_track (const CepSpectrogramPlot   *plot,
            const CepSpectrogramLayout *layout,
            CepPlotText                *text,
            cairo_t                    *cr,
            gboolean                    predicted)
{
  const CepPlotStyle *style = _cep_spectrogram_get_style (plot);
  const CepPlotRect *area = predicted ? &layout->predicted : &layout->labels;
  CepLabelTrack track = {
    .labels = predicted ? plot->predicted : plot->labels,
    .reference = predicted ? plot->labels : NULL,
    .first_frame = layout->first_frame,
    .n_frames = layout->n_visible,
    .names = plot->label_names,
    .n_names = plot->n_label_names,
  };
  CepPlotAxis time;

  if (track.labels == NULL)
    return;
  _cep_spectrogram_time_axis (plot, layout, &time);
  cep_label_track_draw (&track, cr, text, style, &time, area);
  cep_plot_text_draw (text, CEP_PLOT_FONT_SMALL, &style->secondary,
                      predicted ? plot->predicted_title : plot->labels_title,
                      area->x - _cep_spectrogram_padding (plot), area->y + area->height / 2,
                      1.0, 0.5, 0.0);
}

/* The lowest of matrix and tracks: where the time axis goes. */
static CepPlotRect
time_axis_area (const CepSpectrogramLayout *layout)
{
  CepPlotRect area = layout->matrix;
  double bottom = MAX (area.y + area.height,
                       MAX (layout->labels.y + layout->labels.height,
                            layout->predicted.y + layout->predicted.height));

  area.height = bottom - area.y;
  return area;
}

static void
draw_axes (const CepSpectrogramPlot   *plot,
           const CepSpectrogramLayout *layout,
           CepPlotText                *text,
           cairo_t                    *cr)
{
  const CepPlotStyle *style = _cep_spectrogram_get_style (plot);
  CepPlotRect below = time_axis_area (layout);
  double gap = _cep_spectrogram_padding (plot) / 2;
  CepPlotAxis time, coefficients;
  CepPlotTicks time_ticks, coefficient_ticks;

  _cep_spectrogram_time_axis (plot, layout, &time);
  _cep_spectrogram_coefficient_axis (plot, layout, &coefficients);
  cep_plot_fit_ticks (text, &time, CEP_PLOT_EDGE_BOTTOM, &time_ticks);
  cep_plot_fit_ticks (text, &coefficients, CEP_PLOT_EDGE_LEFT, &coefficient_ticks);
  cep_plot_draw_outline (cr, &style->frame, &layout->matrix);
  cep_plot_draw_ticks (cr, text, style, &time, &time_ticks, &below, CEP_PLOT_EDGE_BOTTOM, TRUE);
  cep_plot_draw_ticks (cr, text, style, &coefficients, &coefficient_ticks, &layout->matrix,
                       CEP_PLOT_EDGE_LEFT, TRUE);
  cep_plot_draw_axis_title (text, style, "Time (s)", &below, CEP_PLOT_EDGE_BOTTOM,
                            cep_plot_ticks_extent (text, &time, &time_ticks,
                                                   CEP_PLOT_EDGE_BOTTOM) + gap);
  cep_plot_draw_axis_title (text, style, "Coefficient", &layout->matrix, CEP_PLOT_EDGE_LEFT,
                            cep_plot_ticks_extent (text, &coefficients, &coefficient_ticks,
                                                   CEP_PLOT_EDGE_LEFT) + gap);
}

void
cep_spectrogram_plot_draw_with_layout (const CepSpectrogramPlot   *plot,
                                       const CepSpectrogramLayout *layout,
                                       cairo_t                    *cr)
{
  const CepPlotStyle *style;
  g_autoptr(CepPlotText) text = NULL;

  g_return_if_fail (plot != NULL && layout != NULL && cr != NULL);
  g_return_if_fail (plot->values != NULL && plot->n_frames > 0 && plot->n_coefficients > 0);

  style = _cep_spectrogram_get_style (plot);
  text = cep_plot_text_new (cr, style);
  cep_plot_style_paint_background (style, cr, layout->width, layout->height);
  draw_matrix (plot, layout, cr);
  if (plot->n_masks > 0)
    draw_masks (plot, layout, cr);
  draw_track (plot, layout, text, cr, FALSE);
  draw_track (plot, layout, text, cr, TRUE);
  draw_axes (plot, layout, text, cr);
  cep_colorbar_draw (cr, text, style, &layout->scale, plot->colorbar_label, &layout->colorbar);
  cep_plot_text_draw (text, CEP_PLOT_FONT_TITLE, &style->foreground, plot->title,
                      layout->matrix.x + layout->matrix.width / 2,
                      _cep_spectrogram_padding (plot), 0.5, 0.0, 0.0);
}

void
cep_spectrogram_plot_draw (const CepSpectrogramPlot *plot,
                           cairo_t                  *cr,
                           double                    width,
                           double                    height)
{
  CepSpectrogramLayout layout;

  cep_spectrogram_plot_compute_layout (plot, cr, width, height, &layout);
  cep_spectrogram_plot_draw_with_layout (plot, &layout, cr);
}

void
cep_spectrogram_plot_draw_func (cairo_t *cr,
                                double   width,
                                double   height,
                                gpointer plot)
{
  cep_spectrogram_plot_draw (plot, cr, width, height);
}
