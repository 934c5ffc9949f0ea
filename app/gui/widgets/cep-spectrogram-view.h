/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-spectrogram-view.h: an utterance's features over time with its label tracks and masks.
 *
 * Draws core/plot's spectrogram (matrix, colour bar, ticks in seconds and coefficient index,
 * phoneme track, optional prediction track, mask bands). The coloured matrix image is built
 * once per data change and reused while scrolling; zoom and scroll change only the visible
 * window, exposed as a GtkAdjustment over frames for a scrollbar. The pointer position is
 * reported as a frame and coefficient (the "hover" signal) so that the page can show a
 * read-out; a click reports the frame ("frame-activated").
 */
#pragma once

#include "cep-plot-widget.h"
#include "cep-spectrogram-plot.h"

G_BEGIN_DECLS

#define CEP_TYPE_SPECTROGRAM_VIEW (cep_spectrogram_view_get_type ())
G_DECLARE_FINAL_TYPE (CepSpectrogramView, cep_spectrogram_view, CEP, SPECTROGRAM_VIEW,
                      CepPlotWidget)

GtkWidget     *cep_spectrogram_view_new             (void);

/* Copies @n_frames x @n_coefficients floats (frame-major); NULL clears the view. Resets the
 * masks, the predictions and the zoom. */
void           cep_spectrogram_view_set_matrix      (CepSpectrogramView       *self,
                                                     const float              *values,
                                                     guint                     n_frames,
                                                     guint                     n_coefficients);
/* Copies one class id per frame (or NULL) and the class names. */
void           cep_spectrogram_view_set_labels      (CepSpectrogramView       *self,
                                                     const guint8             *labels,
                                                     const char * const       *names,
                                                     guint                     n_names);
/* A second track (predictions, one id per frame) with mistakes marked; NULL removes it. */
void           cep_spectrogram_view_set_predicted   (CepSpectrogramView       *self,
                                                     const guint8             *predicted);
/* Mask bands in absolute frames; @zero_masked draws the masked values as 0. */
void           cep_spectrogram_view_set_masks       (CepSpectrogramView       *self,
                                                     const CepSpectrogramMask *masks,
                                                     guint                     n_masks,
                                                     gboolean                  zero_masked);
/* Outlines frames [first, first + n) (a model's context window); n = 0 removes it. */
void           cep_spectrogram_view_set_highlight   (CepSpectrogramView       *self,
                                                     guint                     first,
                                                     guint                     n);
void           cep_spectrogram_view_set_colormap    (CepSpectrogramView       *self,
                                                     CepColormap               colormap);
void           cep_spectrogram_view_set_title       (CepSpectrogramView       *self,
                                                     const char               *title);

guint          cep_spectrogram_view_get_n_frames    (CepSpectrogramView       *self);
guint          cep_spectrogram_view_get_n_coefficients (CepSpectrogramView    *self);
/* The value shown at (@frame, @coefficient): zero where masked in "as the model sees it". */
float          cep_spectrogram_view_get_value       (CepSpectrogramView       *self,
                                                     guint                     frame,
                                                     guint                     coefficient);
/* Class id of @frame on the label track (CEP_SPECTROGRAM_NO_LABEL if none). */
guint8         cep_spectrogram_view_get_label       (CepSpectrogramView       *self,
                                                     guint                     frame);
guint8         cep_spectrogram_view_get_predicted   (CepSpectrogramView       *self,
                                                     guint                     frame);
const char    *cep_spectrogram_view_get_label_name  (CepSpectrogramView       *self,
                                                     guint8                    id);

/* Time window: value = first visible frame, page size = visible frames. */
GtkAdjustment *cep_spectrogram_view_get_adjustment  (CepSpectrogramView       *self);
/* Zooms by @factor (> 1 shows fewer frames) keeping @anchor_frame in place. */
void           cep_spectrogram_view_zoom            (CepSpectrogramView       *self,
                                                     double                    factor,
                                                     double                    anchor_frame);
void           cep_spectrogram_view_zoom_fit        (CepSpectrogramView       *self);
void           cep_spectrogram_view_scroll_to       (CepSpectrogramView       *self,
                                                     guint                     first_frame);
guint          cep_spectrogram_view_get_first_frame (CepSpectrogramView       *self);
guint          cep_spectrogram_view_get_n_visible   (CepSpectrogramView       *self);

/* The last layout drawn (matrix and track rectangles), for tests. FALSE before a draw. */
gboolean       cep_spectrogram_view_get_layout      (CepSpectrogramView       *self,
                                                     CepSpectrogramLayout     *layout);
/* Frame and coefficient at widget point (@x, @y); FALSE outside (coefficient G_MAXUINT over
 * a label track). */
gboolean       cep_spectrogram_view_locate          (CepSpectrogramView       *self,
                                                     double                    x,
                                                     double                    y,
                                                     guint                    *frame,
                                                     guint                    *coefficient);

G_END_DECLS
