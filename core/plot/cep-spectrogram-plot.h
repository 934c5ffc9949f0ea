/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-spectrogram-plot.h: an utterance's MFCC matrix over time, with label tracks and masks.
 *
 * Frames run left to right, coefficients bottom (0) to top; the x axis is in seconds (frame
 * index x frame shift), the y axis in coefficient index. Beneath the matrix one or two label
 * tracks show phonemes as coloured segments (equal neighbouring labels merged, names where
 * they fit); a second track (predictions) can mark the frames where it differs from the
 * first. SpecAugment masks are drawn as translucent bands over the frames they cover (a light
 * veil on sequential maps, a dark one on diverging maps), or the masked values are drawn as
 * zero ("as the model sees it"). A window (first frame, number of
 * frames) selects what is visible, for zoom and scroll.
 */
#pragma once

#include <cairo.h>

#include "cep-colormap.h"
#include "cep-plot-style.h"

G_BEGIN_DECLS

/* Frame label with no class; labels are guint8 class ids as CepPartition stores them. */
#define CEP_SPECTROGRAM_NO_LABEL 255

typedef enum
{
  CEP_SPECTROGRAM_MASK_FREQUENCY,   /* coefficients [start, start + width) */
  CEP_SPECTROGRAM_MASK_TIME,        /* frames [start, start + width) */
} CepSpectrogramMaskKind;

/* One band of a SpecAugment mask. A frequency band covers its coefficients over the frames
 * [frame_start, frame_start + n_frames) of the window it was drawn for; a time band covers
 * the frames [start, start + width) of every coefficient. Frames are absolute indices. */
typedef struct
{
  CepSpectrogramMaskKind kind;
  guint                  start;
  guint                  width;
  guint                  frame_start;   /* frequency bands only */
  guint                  n_frames;      /* frequency bands only */
} CepSpectrogramMask;

typedef enum
{
  CEP_SPECTROGRAM_SCALE_SYMMETRIC,  /* [-m, m], m = largest magnitude: zero in the middle */
  CEP_SPECTROGRAM_SCALE_MIN_MAX,    /* [min, max] of the data */
  CEP_SPECTROGRAM_SCALE_FIXED,      /* [min, max] as given */
} CepSpectrogramScaling;

typedef struct
{
  /* The matrix, n_frames x n_coefficients floats, frame-major (as in the .npy files). */
  const float              *values;
  guint                     n_frames;
  guint                     n_coefficients;
  double                    frame_shift;      /* seconds per frame; 0.01 by default */

  /* Visible window. */
  guint                     first_frame;
  guint                     n_visible;        /* 0 = to the end */

  /* Colours. */
  CepColormap               colormap;
  CepSpectrogramScaling     scaling;
  double                    min;              /* for CEP_SPECTROGRAM_SCALE_FIXED */
  double                    max;

  /* Label tracks: one class id per frame (CEP_SPECTROGRAM_NO_LABEL for none), names by id. */
  const guint8             *labels;
  const guint8             *predicted;        /* second track, or NULL */
  const char * const       *label_names;
  guint                     n_label_names;
  const char               *labels_title;     /* "Phonemes" */
  const char               *predicted_title;  /* "Predicted" */

  /* Masks. */
  const CepSpectrogramMask *masks;
  guint                     n_masks;
  gboolean                  zero_masked;      /* draw masked values as 0 instead of tinting */

  /* Text. */
  const char               *title;
  const char               *colorbar_label;
  const CepPlotStyle       *style;            /* NULL = light default */
  cairo_surface_t          *image;            /* cached cep_spectrogram_plot_create_image() */
} CepSpectrogramPlot;

typedef struct
{
  double        width;
  double        height;
  CepPlotRect   matrix;          /* the visible frames x coefficients */
  CepPlotRect   labels;          /* first label track (height 0 if none) */
  CepPlotRect   predicted;       /* second label track (height 0 if none) */
  CepPlotRect   colorbar;
  CepColorScale scale;
  guint         first_frame;     /* visible window, clipped to the data */
  guint         n_visible;
} CepSpectrogramLayout;

/* viridis, symmetric, 10 ms frames, everything visible, no labels or masks. */
void             cep_spectrogram_plot_init           (CepSpectrogramPlot         *plot);
/* The scale the plot uses (fitted over all frames, so scrolling keeps the colours). */
void             cep_spectrogram_plot_get_scale      (const CepSpectrogramPlot   *plot,
                                                      CepColorScale              *scale);
/* TRUE if (@frame, @coefficient) lies under one of the plot's masks. */
gboolean         cep_spectrogram_plot_is_masked      (const CepSpectrogramPlot   *plot,
                                                      guint                       frame,
                                                      guint                       coefficient);
/* All frames as one image (column = frame, top row = last coefficient), masked values zeroed
 * if the plot says so; a widget caches it and scrolls by changing first_frame only. NULL for
 * utterances longer than cairo's images (32767 frames, over five minutes): drawing then
 * builds the visible window by itself. */
cairo_surface_t *cep_spectrogram_plot_create_image   (const CepSpectrogramPlot   *plot);

void             cep_spectrogram_plot_compute_layout (const CepSpectrogramPlot   *plot,
                                                      cairo_t                    *cr,
                                                      double                      width,
                                                      double                      height,
                                                      CepSpectrogramLayout       *layout);
void             cep_spectrogram_plot_draw_with_layout (const CepSpectrogramPlot   *plot,
                                                        const CepSpectrogramLayout *layout,
                                                        cairo_t                    *cr);
void             cep_spectrogram_plot_draw           (const CepSpectrogramPlot   *plot,
                                                      cairo_t                    *cr,
                                                      double                      width,
                                                      double                      height);
/* cep_spectrogram_plot_draw() as a CepPlotDrawFunc (user_data = the CepSpectrogramPlot). */
void             cep_spectrogram_plot_draw_func      (cairo_t                    *cr,
                                                      double                      width,
                                                      double                      height,
                                                      gpointer                    plot);
/* Frame and coefficient under (x, y) in the matrix, for hover read-outs; FALSE outside. A
 * point over a label track gives its frame and coefficient G_MAXUINT. */
gboolean         cep_spectrogram_layout_locate       (const CepSpectrogramLayout *layout,
                                                      const CepSpectrogramPlot   *plot,
                                                      double                      x,
                                                      double                      y,
                                                      guint                      *frame,
                                                      guint                      *coefficient);

G_END_DECLS
