/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-analysis-figures.h: the standard figures of an analysis, described for core/plot's
 * renderers — the dependency matrix and the confusion matrix as heatmaps, the training curves
 * as a two-panel line plot — so the CLI and the GUI draw the same pictures.
 *
 * A figure owns the arrays its renderer description points into; it borrows the result it was
 * made from only while being built. It must not draw or write files (core/plot does).
 */
#pragma once

#include "cep-confusion.h"
#include "cep-dependency-matrix.h"
#include "cep-heatmap.h"
#include "cep-line-plot.h"
#include "cep-training-curves.h"

G_BEGIN_DECLS

typedef struct
{
  CepHeatmap  heatmap;
  float      *values;
  GStrv       row_labels;
  GStrv       column_labels;
  char       *title;
} CepHeatmapFigure;

/* Input frames on x, output frames on y (row 0 at the bottom), as SpeechBrain plots it: red and
 * white in bool mode, a colour scale with a bar otherwise; the |i − j| <= K band of a correct
 * model outlined when every input frame is a row (stride 1). @utterance names the title. */
void cep_dependency_matrix_init_figure (const CepDependencyMatrix *matrix,
                                        const char                *utterance,
                                        CepHeatmapFigure          *figure);
/* True class on y, predicted on x, over the active classes; counts, or with @normalize per
 * cent of each true class. */
void cep_confusion_init_figure         (CepConfusion              *confusion,
                                        gboolean                   normalize,
                                        const char                *partition,
                                        CepHeatmapFigure          *figure);
void cep_heatmap_figure_clear          (CepHeatmapFigure          *figure);

#define CEP_TRAINING_FIGURE_MAX_SERIES 6

typedef struct
{
  CepLinePlot   plot;
  CepLineSeries series[CEP_TRAINING_FIGURE_MAX_SERIES];
  char         *title;
} CepTrainingFigure;

/* Loss (top, log scale) and accuracy (bottom) over optimizer steps: the per-step training
 * curve as a thin line, the epoch means of training and dev as marked lines, epoch ends as
 * vertical marks. The figure points into @curves, which must outlive it. */
void cep_training_curves_init_figure   (const CepTrainingCurves   *curves,
                                        const char                *run_name,
                                        CepTrainingFigure         *figure);
void cep_training_figure_clear         (CepTrainingFigure         *figure);

G_END_DECLS
