/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-heatmap-private.h: what cep-heatmap.c and cep-heatmap-layout.c share.
 */
#pragma once

#include "cep-heatmap.h"
#include "cep-plot-axis.h"
#include "cep-plot-frame.h"

G_BEGIN_DECLS

#define CEP_HEATMAP_LABEL_SIZE 64

const CepPlotStyle *_cep_heatmap_get_style         (const CepHeatmap       *heatmap);
/* Space between the figure edge and its content, and between blocks. */
double              _cep_heatmap_padding           (const CepHeatmap       *heatmap);
/* Index axes (integer ticks at cell centres) along the layout's cells. */
void                _cep_heatmap_column_axis       (const CepHeatmap       *heatmap,
                                                    const CepPlotRect      *cells,
                                                    CepPlotAxis            *axis);
void                _cep_heatmap_row_axis          (const CepHeatmap       *heatmap,
                                                    const CepPlotRect      *cells,
                                                    CepPlotAxis            *axis);
/* Index ticks: every @every-th index, or nice ones when @every is 0. */
void                _cep_heatmap_index_ticks       (CepPlotText            *text,
                                                    const CepPlotAxis      *axis,
                                                    CepPlotEdge             edge,
                                                    guint                   every,
                                                    CepPlotTicks           *ticks);
/* Text of cell number @value with the heatmap's decimals and suffix. */
void                _cep_heatmap_format_cell       (const CepHeatmap       *heatmap,
                                                    double                  value,
                                                    char                   *buffer,
                                                    gsize                   size);

G_END_DECLS
