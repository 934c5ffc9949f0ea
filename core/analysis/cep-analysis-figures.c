/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-analysis-figures.c: analysis results described as core/plot figures. It must not draw.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-analysis-figures.h"

#include <math.h>
#include <string.h>

static GStrv
frame_labels (guint n,
              gsize first,
              guint stride)
{
  GStrv labels = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    labels[i] = g_strdup_printf ("%" G_GSIZE_FORMAT, first + (gsize) i * stride);
  return labels;
}

void
cep_dependency_matrix_init_figure (const CepDependencyMatrix *matrix,
                                   const char                *utterance,
                                   CepHeatmapFigure          *figure)
{
  CepHeatmap *heatmap = &figure->heatmap;
  gsize n_in = matrix->n_inputs, n_out = matrix->n_outputs;

  memset (figure, 0, sizeof *figure);
  cep_heatmap_init (heatmap);
  /* The matrix is inputs × outputs; the figure puts outputs on rows. */
  figure->values = g_new (float, n_in * n_out);
  for (gsize i = 0; i < n_in; i++)
    for (gsize j = 0; j < n_out; j++)
      {
        gsize cell = i * n_out + j;

        figure->values[j * n_in + i] = matrix->values != NULL ? matrix->values[cell]
                                                              : matrix->depends[cell];
      }
  figure->row_labels = frame_labels (matrix->n_outputs, matrix->start, 1);
  figure->column_labels = frame_labels (matrix->n_inputs, matrix->start, matrix->stride);
  figure->title = g_strdup_printf ("Dependency matrix (%s), %s, K = %u",
                                   cep_dependency_mode_get_name (matrix->mode),
                                   utterance != NULL ? utterance : "utterance", matrix->context);
  heatmap->n_rows = matrix->n_outputs;
  heatmap->n_columns = matrix->n_inputs;
  heatmap->values = figure->values;
  heatmap->row_labels = (const char * const *) figure->row_labels;
  heatmap->column_labels = (const char * const *) figure->column_labels;
  heatmap->origin_bottom = TRUE;
  heatmap->square_cells = matrix->stride == 1;
  heatmap->mode = matrix->mode == CEP_DEPENDENCY_MODE_BOOL ? CEP_HEATMAP_BOOLEAN
                                                           : CEP_HEATMAP_CONTINUOUS;
  heatmap->colormap = CEP_COLORMAP_MAGMA;
  heatmap->min = 0;
  heatmap->title = figure->title;
  heatmap->x_label = "input frame (perturbed)";
  heatmap->y_label = "output frame";
  heatmap->colorbar_label = matrix->mode == CEP_DEPENDENCY_MODE_GRADIENT
                            ? "‖∂logits/∂frame‖" : "‖Δ logits‖";
  heatmap->band_halfwidth = matrix->stride == 1 ? (int) matrix->context : -1;
}

void
cep_confusion_init_figure (CepConfusion     *confusion,
                           gboolean          normalize,
                           const char       *partition,
                           CepHeatmapFigure *figure)
{
  CepHeatmap *heatmap = &figure->heatmap;
  CepPhonemeTable *table = cep_confusion_get_phoneme_table (confusion);
  g_autofree guint *classes = g_new (guint, cep_confusion_get_n_classes (confusion));
  guint n = cep_confusion_get_active_classes (confusion, classes);

  memset (figure, 0, sizeof *figure);
  cep_heatmap_init (heatmap);
  figure->values = cep_confusion_to_floats (confusion, classes, n, normalize);
  figure->row_labels = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    figure->row_labels[i] = g_strdup (cep_phoneme_table_get_name (table, classes[i]));
  figure->column_labels = g_strdupv (figure->row_labels);
  figure->title = g_strdup_printf ("Confusion matrix, %s: accuracy %.2f %%",
                                   partition != NULL ? partition : "partition",
                                   100.0 * cep_confusion_get_accuracy (confusion));
  heatmap->n_rows = n;
  heatmap->n_columns = n;
  heatmap->values = figure->values;
  heatmap->cell_values = figure->values;
  heatmap->row_labels = (const char * const *) figure->row_labels;
  heatmap->column_labels = (const char * const *) figure->column_labels;
  heatmap->min = 0;
  if (normalize)
    heatmap->max = 100;
  heatmap->title = figure->title;
  heatmap->x_label = "predicted";
  heatmap->y_label = "true";
  heatmap->colorbar_label = normalize ? "% of the true class" : "frames";
}

void
cep_heatmap_figure_clear (CepHeatmapFigure *figure)
{
  g_clear_pointer (&figure->values, g_free);
  g_clear_pointer (&figure->row_labels, g_strfreev);
  g_clear_pointer (&figure->column_labels, g_strfreev);
  g_clear_pointer (&figure->title, g_free);
}

static void
add_series (CepTrainingFigure *figure,
            const char        *name,
            const GArray      *x,
            const GArray      *y,
            guint              panel,
            gboolean           markers)
{
  CepLineSeries *series = &figure->series[figure->plot.n_series++];

  memset (series, 0, sizeof *series);
  series->name = name;
  series->x = (const double *) x->data;
  series->y = (const double *) y->data;
  series->n = y->len;
  series->panel = panel;
  series->markers = markers;
  series->line_width = markers ? 0 : 1.0;
}

void
cep_training_curves_init_figure (const CepTrainingCurves *curves,
                                 const char              *run_name,
                                 CepTrainingFigure       *figure)
{
  CepLinePlot *plot = &figure->plot;

  memset (figure, 0, sizeof *figure);
  cep_line_plot_init_training (plot, TRUE);
  plot->series = figure->series;
  figure->title = g_strdup_printf ("Training curves, %s", run_name != NULL ? run_name : "run");
  plot->title = figure->title;
  plot->x_label = "optimizer step";
  add_series (figure, "train (batches)", curves->step, curves->step_loss, 0, FALSE);
  add_series (figure, "train (batches)", curves->step, curves->step_accuracy, 1, FALSE);
  add_series (figure, "train", curves->epoch_step, curves->train_loss, 0, TRUE);
  add_series (figure, "train", curves->epoch_step, curves->train_accuracy, 1, TRUE);
  if (curves->has_dev)
    {
      add_series (figure, "dev", curves->epoch_step, curves->dev_loss, 0, TRUE);
      add_series (figure, "dev", curves->epoch_step, curves->dev_accuracy, 1, TRUE);
    }
  plot->epoch_marks = (const double *) curves->epoch_step->data;
  plot->n_epoch_marks = curves->epoch_step->len;
}

void
cep_training_figure_clear (CepTrainingFigure *figure)
{
  g_clear_pointer (&figure->title, g_free);
}
