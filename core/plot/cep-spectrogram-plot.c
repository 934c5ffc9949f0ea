/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-spectrogram-plot.c: spectrogram defaults, colour scale, masks, image and layout.
 *
 * Owns what the spectrogram view computes: the scale over the whole utterance, which cells
 * masks cover, the frame image, where matrix, tracks and colour bar go, and pointer lookup.
 * Must not draw; cep-spectrogram-draw.c does.
 */
#define G_LOG_DOMAIN "cepstra-spectrogram-plot"

#include "cep-spectrogram-private.h"

#include <math.h>
#include <string.h>

#include "cep-colorbar.h"
#include "cep-label-track.h"
#include "cep-plot-frame.h"
#include "cep-plot-image.h"

#define TRACK_GAP 4.0

void
cep_spectrogram_plot_init (CepSpectrogramPlot *plot)
{
  g_return_if_fail (plot != NULL);

  memset (plot, 0, sizeof *plot);
  plot->frame_shift = 0.01;
  plot->colormap = CEP_COLORMAP_VIRIDIS;
  plot->scaling = CEP_SPECTROGRAM_SCALE_SYMMETRIC;
  plot->labels_title = "Phonemes";
  plot->predicted_title = "Predicted";
}

const CepPlotStyle *
_cep_spectrogram_get_style (const CepSpectrogramPlot *plot)
{
  return plot->style != NULL ? plot->style : cep_plot_style_get_default ();
}

double
_cep_spectrogram_padding (const CepSpectrogramPlot *plot)
{
  return round (_cep_spectrogram_get_style (plot)->font_size * 0.75);
}

void
cep_spectrogram_plot_get_scale (const CepSpectrogramPlot *plot,
                                CepColorScale            *scale)
{
  gsize n;

  g_return_if_fail (plot != NULL && scale != NULL);

  if (plot->scaling == CEP_SPECTROGRAM_SCALE_FIXED)
    {
      cep_color_scale_init (scale, plot->colormap, plot->min, plot->max);
      return;
    }
  n = (gsize) plot->n_frames * plot->n_coefficients;
  cep_color_scale_fit_floats (scale, plot->colormap, plot->values, n,
                              plot->scaling == CEP_SPECTROGRAM_SCALE_SYMMETRIC);
}

static gboolean
mask_covers (const CepSpectrogramMask *mask,
             guint                     frame,
             guint                     coefficient)
{
  if (mask->kind == CEP_SPECTROGRAM_MASK_TIME)
    return frame >= mask->start && frame - mask->start < mask->width;
  return coefficient >= mask->start && coefficient - mask->start < mask->width
         && frame >= mask->frame_start && frame - mask->frame_start < mask->n_frames;
}

gboolean
cep_spectrogram_plot_is_masked (const CepSpectrogramPlot *plot,
                                guint                     frame,
                                guint                     coefficient)
{
  g_return_val_if_fail (plot != NULL, FALSE);

  for (guint i = 0; i < plot->n_masks; i++)
    if (mask_covers (&plot->masks[i], frame, coefficient))
      return TRUE;
  return FALSE;
}

static float
cell_value (const CepSpectrogramPlot *plot,
            guint                     frame,
            guint                     coefficient)
{
  if (plot->zero_masked && plot->n_masks > 0
      && cep_spectrogram_plot_is_masked (plot, frame, coefficient))
    return 0.0f;
  return plot->values[(gsize) frame * plot->n_coefficients + coefficient];
}

cairo_surface_t *
_cep_spectrogram_build_image (const CepSpectrogramPlot *plot,
                              guint                     first_frame,
                              guint                     n_frames,
                              guint                     columns)
{
  guint32 missing = cep_rgba_to_argb (&_cep_spectrogram_get_style (plot)->missing);
  cairo_surface_t *image = cep_plot_image_new (columns, plot->n_coefficients);
  CepColorScale scale;

  if (image == NULL)
    return NULL;
  cep_spectrogram_plot_get_scale (plot, &scale);
  for (guint c = 0; c < plot->n_coefficients; c++)
    {
      /* Coefficient 0 at the bottom. */
      guint32 *row = cep_plot_image_row (image, plot->n_coefficients - 1 - c);

      for (guint column = 0; column < columns; column++)
        {
          guint frame = first_frame + (guint) ((guint64) column * n_frames / columns);

          row[column] = cep_color_scale_get_argb (&scale, cell_value (plot, frame, c), missing);
        }
    }
  cairo_surface_mark_dirty (image);
  return image;
}

cairo_surface_t *
cep_spectrogram_plot_create_image (const CepSpectrogramPlot *plot)
{
  g_return_val_if_fail (plot != NULL && plot->values != NULL, NULL);

  if (plot->n_frames > CEP_PLOT_IMAGE_MAX_SIZE)
    return NULL;
  return _cep_spectrogram_build_image (plot, 0, plot->n_frames, plot->n_frames);
}

/* ---- layout ---- */

static void
clip_window (const CepSpectrogramPlot *plot,
             CepSpectrogramLayout     *layout)
{
  layout->first_frame = MIN (plot->first_frame, plot->n_frames - 1);
  layout->n_visible = plot->n_frames - layout->first_frame;
  if (plot->n_visible > 0)
    layout->n_visible = MIN (layout->n_visible, plot->n_visible);
}

void
_cep_spectrogram_time_axis (const CepSpectrogramPlot   *plot,
                            const CepSpectrogramLayout *layout,
                            CepPlotAxis                *axis)
{
  cep_plot_axis_init (axis, layout->first_frame, layout->first_frame + layout->n_visible,
                      layout->matrix.x, layout->matrix.x + layout->matrix.width);
  axis->display_scale = plot->frame_shift > 0.0 ? plot->frame_shift : 0.01;
}

void
_cep_spectrogram_coefficient_axis (const CepSpectrogramPlot   *plot,
                                   const CepSpectrogramLayout *layout,
                                   CepPlotAxis                *axis)
{
  cep_plot_axis_init (axis, -0.5, plot->n_coefficients - 0.5,
                      layout->matrix.y + layout->matrix.height, layout->matrix.y);
  axis->kind = CEP_PLOT_TICKS_INTEGER;
}

static double
text_width (CepPlotText *text,
            CepPlotFont  font,
            const char  *string)
{
  double width = 0.0;

  if (string != NULL)
    cep_plot_text_measure (text, font, string, &width, NULL);
  return width;
}

/* Left margin: coefficient tick labels plus the axis title, or the track titles. */
static double
left_margin (const CepSpectrogramPlot *plot,
             CepPlotText              *text,
             CepSpectrogramLayout     *layout)
{
  double padding = _cep_spectrogram_padding (plot);
  double axis_part, tracks_part = 0.0;
  CepPlotAxis axis;
  CepPlotTicks ticks;

  _cep_spectrogram_coefficient_axis (plot, layout, &axis);
  cep_plot_fit_ticks (text, &axis, CEP_PLOT_EDGE_LEFT, &ticks);
  axis_part = cep_plot_ticks_extent (text, &axis, &ticks, CEP_PLOT_EDGE_LEFT)
              + padding / 2 + cep_plot_text_line_height (text, CEP_PLOT_FONT_LABEL);
  if (plot->labels != NULL)
    tracks_part = text_width (text, CEP_PLOT_FONT_SMALL, plot->labels_title);
  if (plot->predicted != NULL)
    tracks_part = MAX (tracks_part, text_width (text, CEP_PLOT_FONT_SMALL,
                                                plot->predicted_title));
  return padding + MAX (axis_part, tracks_part + padding);
}

static double
tracks_height (const CepSpectrogramPlot *plot,
               CepPlotText              *text)
{
  double track = cep_label_track_get_height (text);

  return (plot->labels != NULL ? TRACK_GAP + track : 0.0)
         + (plot->predicted != NULL ? TRACK_GAP + track : 0.0);
}

static void
place_tracks (const CepSpectrogramPlot *plot,
              CepPlotText              *text,
              CepSpectrogramLayout     *layout)
{
  double track = cep_label_track_get_height (text);
  double y = layout->matrix.y + layout->matrix.height;

  layout->labels = (CepPlotRect) { layout->matrix.x, y, layout->matrix.width, 0.0 };
  if (plot->labels != NULL)
    {
      layout->labels.y = y + TRACK_GAP;
      layout->labels.height = track;
      y = layout->labels.y + track;
    }
  layout->predicted = (CepPlotRect) { layout->matrix.x, y, layout->matrix.width, 0.0 };
  if (plot->predicted != NULL)
    {
      layout->predicted.y = y + TRACK_GAP;
      layout->predicted.height = track;
    }
}

static void
layout_vertical (const CepSpectrogramPlot *plot,
                 CepPlotText              *text,
                 CepSpectrogramLayout     *layout)
{
  double padding = _cep_spectrogram_padding (plot);
  double title = plot->title != NULL && *plot->title != '\0'
                 ? cep_plot_text_line_height (text, CEP_PLOT_FONT_TITLE) + padding / 2 : 0.0;
  double x_axis = CEP_PLOT_TICK_LENGTH + CEP_PLOT_TICK_GAP
                  + cep_plot_text_line_height (text, CEP_PLOT_FONT_BODY)
                  + padding / 2 + cep_plot_text_line_height (text, CEP_PLOT_FONT_LABEL);

  layout->matrix.y = round (padding + title);
  layout->matrix.height = round (MAX (1.0, layout->height - layout->matrix.y - padding - x_axis
                                           - tracks_height (plot, text)));
}

void
cep_spectrogram_plot_compute_layout (const CepSpectrogramPlot *plot,
                                     cairo_t                  *cr,
                                     double                    width,
                                     double                    height,
                                     CepSpectrogramLayout     *layout)
{
  g_autoptr(CepPlotText) text = NULL;
  double padding, bar_width;

  g_return_if_fail (plot != NULL && cr != NULL && layout != NULL);
  g_return_if_fail (plot->n_frames > 0 && plot->n_coefficients > 0);

  text = cep_plot_text_new (cr, _cep_spectrogram_get_style (plot));
  padding = _cep_spectrogram_padding (plot);
  layout->width = width;
  layout->height = height;
  clip_window (plot, layout);
  cep_spectrogram_plot_get_scale (plot, &layout->scale);
  layout_vertical (plot, text, layout);
  layout->matrix.x = round (left_margin (plot, text, layout));
  bar_width = cep_colorbar_get_width (text, &layout->scale, plot->colorbar_label,
                                      layout->matrix.height);
  layout->matrix.width = round (MAX (1.0, width - layout->matrix.x - 2 * padding - bar_width
                                          - padding));
  layout->colorbar = (CepPlotRect) { layout->matrix.x + layout->matrix.width + 2 * padding,
                                     layout->matrix.y, bar_width, layout->matrix.height };
  place_tracks (plot, text, layout);
}

gboolean
cep_spectrogram_layout_locate (const CepSpectrogramLayout *layout,
                               const CepSpectrogramPlot   *plot,
                               double                      x,
                               double                      y,
                               guint                      *frame,
                               guint                      *coefficient)
{
  CepPlotAxis time, coefficients;
  gboolean on_track = cep_plot_rect_contains (&layout->labels, x, y)
                      || cep_plot_rect_contains (&layout->predicted, x, y);
  double f;

  if (!on_track && !cep_plot_rect_contains (&layout->matrix, x, y))
    return FALSE;
  _cep_spectrogram_time_axis (plot, layout, &time);
  f = floor (cep_plot_axis_from_pixel (&time, x));
  if (frame != NULL)
    *frame = (guint) CLAMP (f, layout->first_frame, layout->first_frame + layout->n_visible - 1);
  if (coefficient == NULL)
    return TRUE;
  _cep_spectrogram_coefficient_axis (plot, layout, &coefficients);
  *coefficient = on_track ? G_MAXUINT
                          : (guint) CLAMP (floor (cep_plot_axis_from_pixel (&coefficients, y)
                                                  + 0.5),
                                           0, plot->n_coefficients - 1);
  return TRUE;
}
