/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-label-track.h: a strip of coloured segments, one per run of equal frame labels.
 *
 * Each class id has its categorical palette colour; a name is printed where the segment is
 * wide enough. Given reference labels, frames that disagree with them (prediction mistakes)
 * are marked by a red strip along the bottom of the track.
 */
#pragma once

#include <cairo.h>

#include "cep-plot-axis.h"
#include "cep-plot-style.h"
#include "cep-plot-text.h"

G_BEGIN_DECLS

typedef struct
{
  const guint8       *labels;       /* class id per frame, 255 = none */
  const guint8       *reference;    /* labels to compare with, or NULL */
  guint               first_frame;  /* the frames [first_frame, first_frame + n_frames) */
  guint               n_frames;
  const char * const *names;        /* by class id, may be NULL */
  guint               n_names;
} CepLabelTrack;

/* Height of a track for the style: one line of small text plus air. */
double cep_label_track_get_height (CepPlotText        *text);
/* Draws the track into @area; @x_axis maps frame indices (frame f spans [f, f + 1)). */
void   cep_label_track_draw       (const CepLabelTrack *track,
                                   cairo_t             *cr,
                                   CepPlotText         *text,
                                   const CepPlotStyle  *style,
                                   const CepPlotAxis   *x_axis,
                                   const CepPlotRect   *area);
/* Colour of class @id in every track (style->missing for 255). */
CepRgba cep_label_track_color     (const CepPlotStyle  *style,
                                   guint8               id);

G_END_DECLS
