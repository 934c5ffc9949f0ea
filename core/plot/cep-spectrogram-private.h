/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-spectrogram-private.h: what the spectrogram's layout and drawing files share.
 */
#pragma once

#include "cep-plot-axis.h"
#include "cep-spectrogram-plot.h"

G_BEGIN_DECLS

const CepPlotStyle *_cep_spectrogram_get_style        (const CepSpectrogramPlot   *plot);
double              _cep_spectrogram_padding          (const CepSpectrogramPlot   *plot);
/* Frame index (frame f spans [f, f + 1)) across the matrix, shown in seconds. */
void                _cep_spectrogram_time_axis        (const CepSpectrogramPlot   *plot,
                                                       const CepSpectrogramLayout *layout,
                                                       CepPlotAxis                *axis);
/* Coefficient index, 0 at the bottom, ticks at row centres. */
void                _cep_spectrogram_coefficient_axis (const CepSpectrogramPlot   *plot,
                                                       const CepSpectrogramLayout *layout,
                                                       CepPlotAxis                *axis);

/* Image of frames [first_frame, first_frame + n_frames) in @columns columns (a column shows
 * the frame at its start when there are fewer columns than frames). */
cairo_surface_t    *_cep_spectrogram_build_image      (const CepSpectrogramPlot   *plot,
                                                       guint                       first_frame,
                                                       guint                       n_frames,
                                                       guint                       columns);

G_END_DECLS
