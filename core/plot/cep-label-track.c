/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-label-track.c: phoneme label tracks.
 *
 * Owns segment merging, segment colours, fitting names and the mistake strip. Must not know
 * where the track sits in a figure.
 */
#define G_LOG_DOMAIN "cepstra-label-track"

#include "cep-label-track.h"

#include <math.h>

#include "cep-colormap.h"

#define NO_LABEL 255
/* Room a name needs beyond its ink to be printed in a segment. */
#define NAME_MARGIN 4.0
#define MISTAKE_STRIP 3.0

CepRgba
cep_label_track_color (const CepPlotStyle *style,
                       guint8              id)
{
  if (id == NO_LABEL)
    return style->missing;
  return cep_palette_get_color (id);
}

double
cep_label_track_get_height (CepPlotText *text)
{
  return round (cep_plot_text_line_height (text, CEP_PLOT_FONT_SMALL) + 6.0);
}

/* End (exclusive) of the run of labels equal to the one at @start. */
static guint
run_end (const CepLabelTrack *track,
         guint                start,
         guint                end)
{
  guint8 id = track->labels[start];
  guint i = start + 1;

  while (i < end && track->labels[i] == id)
    i++;
  return i;
}

static void
draw_segment_name (const CepLabelTrack *track,
                   CepPlotText         *text,
                   guint8               id,
                   const CepRgba       *fill,
                   double               x0,
                   double               x1,
                   const CepPlotRect   *area)
{
  CepRgba ink = cep_rgba_contrasting_text (fill);
  const char *name;
  double width;

  if (id == NO_LABEL || track->names == NULL || id >= track->n_names)
    return;
  name = track->names[id];
  if (name == NULL)
    return;
  cep_plot_text_measure (text, CEP_PLOT_FONT_SMALL, name, &width, NULL);
  if (width + NAME_MARGIN <= x1 - x0)
    cep_plot_text_draw (text, CEP_PLOT_FONT_SMALL, &ink, name, (x0 + x1) / 2,
                        area->y + (area->height - (track->reference ? MISTAKE_STRIP : 0)) / 2,
                        0.5, 0.5, 0.0);
}

static void
draw_segments (const CepLabelTrack *track,
               cairo_t             *cr,
               CepPlotText         *text,
               const CepPlotStyle  *style,
               const CepPlotAxis   *x_axis,
               const CepPlotRect   *area)
{
  guint end = track->first_frame + track->n_frames;

  for (guint start = track->first_frame; start < end;)
    {
      guint stop = run_end (track, start, end);
      guint8 id = track->labels[start];
      double x0 = cep_plot_axis_to_pixel (x_axis, start);
      double x1 = cep_plot_axis_to_pixel (x_axis, stop);
      CepRgba fill = cep_label_track_color (style, id);

      cep_rgba_set_source (&fill, cr);
      cairo_rectangle (cr, x0, area->y, x1 - x0, area->height);
      cairo_fill (cr);
      /* A hairline of background between segments keeps equal-looking colours apart. */
      if (start > track->first_frame && x1 - x0 >= 3.0)
        {
          cep_rgba_set_source (&style->background, cr);
          cairo_rectangle (cr, x0, area->y, 1.0, area->height);
          cairo_fill (cr);
        }
      draw_segment_name (track, text, id, &fill, x0, x1, area);
      start = stop;
    }
}

static void
draw_mistakes (const CepLabelTrack *track,
               cairo_t             *cr,
               const CepPlotAxis   *x_axis,
               const CepPlotRect   *area)
{
  guint end = track->first_frame + track->n_frames;

  cairo_set_source_rgb (cr, 0xe0 / 255.0, 0x1b / 255.0, 0x24 / 255.0);
  for (guint f = track->first_frame; f < end; f++)
    {
      guint stop = f;

      if (track->labels[f] == track->reference[f])
        continue;
      while (stop < end && track->labels[stop] != track->reference[stop])
        stop++;
      cairo_rectangle (cr, cep_plot_axis_to_pixel (x_axis, f),
                       area->y + area->height - MISTAKE_STRIP,
                       cep_plot_axis_to_pixel (x_axis, stop) - cep_plot_axis_to_pixel (x_axis, f),
                       MISTAKE_STRIP);
      f = stop;
    }
  cairo_fill (cr);
}

void
cep_label_track_draw (const CepLabelTrack *track,
                      cairo_t             *cr,
                      CepPlotText         *text,
                      const CepPlotStyle  *style,
                      const CepPlotAxis   *x_axis,
                      const CepPlotRect   *area)
{
  g_return_if_fail (track != NULL && track->labels != NULL && cr != NULL);

  if (style == NULL)
    style = cep_plot_style_get_default ();
  cairo_save (cr);
  cairo_rectangle (cr, area->x, area->y, area->width, area->height);
  cairo_clip (cr);
  draw_segments (track, cr, text, style, x_axis, area);
  if (track->reference != NULL)
    draw_mistakes (track, cr, x_axis, area);
  cairo_restore (cr);
}
