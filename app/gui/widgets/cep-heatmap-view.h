/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-heatmap-view.h: a core/plot heatmap figure in a widget — confusion and dependency
 * matrices.
 *
 * Takes a CepHeatmapFigure (core/analysis describes the standard ones) and draws it; the
 * coloured cell image is built once per figure and reused while the figure is redrawn. The
 * cell under the pointer (or moved to with the arrow keys while the view has the focus) is
 * reported ("hover": row and column, G_MAXUINT outside) and outlined, and the text the page
 * gives for it (cep_heatmap_view_set_readout) is shown beside the cell.
 */
#pragma once

#include "cep-analysis-figures.h"
#include "cep-plot-widget.h"

G_BEGIN_DECLS

#define CEP_TYPE_HEATMAP_VIEW (cep_heatmap_view_get_type ())
G_DECLARE_FINAL_TYPE (CepHeatmapView, cep_heatmap_view, CEP, HEATMAP_VIEW, CepPlotWidget)

GtkWidget          *cep_heatmap_view_new          (void);

/* Takes over @figure's arrays (the struct is copied and @figure left empty); NULL clears. */
void                cep_heatmap_view_set_figure   (CepHeatmapView   *self,
                                                   CepHeatmapFigure *figure);
gboolean            cep_heatmap_view_has_figure   (CepHeatmapView   *self);
const CepHeatmap   *cep_heatmap_view_get_heatmap  (CepHeatmapView   *self);
/* The value of a cell (NaN outside), and its row and column labels. */
float               cep_heatmap_view_get_value    (CepHeatmapView   *self,
                                                   guint             row,
                                                   guint             column);
const char         *cep_heatmap_view_get_row_label    (CepHeatmapView *self,
                                                       guint           row);
const char         *cep_heatmap_view_get_column_label (CepHeatmapView *self,
                                                       guint           column);
/* The layout of the last draw, for tests (FALSE before one). */
gboolean            cep_heatmap_view_get_layout   (CepHeatmapView   *self,
                                                   CepHeatmapLayout *layout);
gboolean            cep_heatmap_view_cell_at      (CepHeatmapView   *self,
                                                   double            x,
                                                   double            y,
                                                   guint            *row,
                                                   guint            *column);
/* What the hovered cell holds, in words: drawn in a label beside the cell and given to
 * assistive technologies; NULL or "" hides it. Set it from a "hover" handler. */
void                cep_heatmap_view_set_readout  (CepHeatmapView   *self,
                                                   const char       *text);
const char         *cep_heatmap_view_get_readout  (CepHeatmapView   *self);
/* The hovered cell (G_MAXUINT for none). */
void                cep_heatmap_view_get_hover    (CepHeatmapView   *self,
                                                   guint            *row,
                                                   guint            *column);

G_END_DECLS
