/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-dependency-gradient.c: the gradient mode: ‖∂logits_j/∂frame_i‖ at the unperturbed input.
 *
 * For each output j and class c one row asks cep_network_input_gradient() for the gradient
 * of logit c with respect to window j. The gradient with respect to frame i is the sum over
 * every window position holding frame i (the chain rule; a correct window holds it once), and
 * the cell's value is the Frobenius norm over classes and coefficients. Which frame a window
 * position holds is read from where the extraction put the window, never assumed.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-dependency-private.h"

#include <math.h>
#include <string.h>

typedef struct
{
  guint  capacity;
  guint  n;
  float *inputs;      /* capacity × window_floats */
  float *dlogits;     /* capacity × n_classes one-hot rows */
  float *dinputs;     /* capacity × window_floats */
  guint *columns;     /* the output of each row */
  float *per_frame;   /* gradient summed per block frame over one window's span */
} GradientBatch;

static void
gradient_batch_init (GradientBatch               *batch,
                     const CepDependencyAnalysis *analysis)
{
  gsize w = analysis->window_floats;

  batch->capacity = CEP_DEPENDENCY_CALL_ROWS;
  batch->n = 0;
  batch->inputs = g_new (float, batch->capacity * w);
  batch->dlogits = g_new (float, (gsize) batch->capacity * analysis->n_classes);
  batch->dinputs = g_new (float, batch->capacity * w);
  batch->columns = g_new (guint, batch->capacity);
  /* A window spans at most 2K + 2 frames of the block (2K + 1 when frame-aligned). */
  batch->per_frame = g_new (float, (w / analysis->dim + 2) * analysis->dim);
}

static void
gradient_batch_clear (GradientBatch *batch)
{
  g_free (batch->inputs);
  g_free (batch->dlogits);
  g_free (batch->dinputs);
  g_free (batch->columns);
  g_free (batch->per_frame);
}

/* Adds the squared norm of the gradient of every analysed input frame in window @column's span
 * to the matrix. */
static void
accumulate_gradient (CepDependencyAnalysis *analysis,
                     float                 *per_frame,
                     guint                  column,
                     float                 *dwindow)
{
  CepDependencyMatrix *matrix = analysis->matrix;
  guint dim = analysis->dim;
  gsize offset = (gsize) (analysis->base_windows[column] - analysis->base);
  gsize first = offset / dim;
  gsize n_span = (offset + analysis->window_floats - 1) / dim - first + 1;

  /* Frames the chunk regime hides cannot change the output: their gradient is zero. */
  cep_chunk_regime_cut_window (&analysis->options->chunk, dwindow, analysis->k,
                               analysis->window_floats / dim, dim, matrix->start + column,
                               analysis->n_frames);
  memset (per_frame, 0, n_span * dim * sizeof (float));
  for (guint q = 0; q < analysis->window_floats; q++)
    per_frame[offset + q - first * dim] += dwindow[q];
  for (gsize s = 0; s < n_span; s++)
    {
      gssize frame = (gssize) (first + s) - (gssize) analysis->pad - (gssize) matrix->start;
      double sum_squares = 0;

      if (frame < 0 || frame % matrix->stride != 0
          || (gsize) frame / matrix->stride >= matrix->n_inputs)
        continue;
      for (guint d = 0; d < dim; d++)
        sum_squares += (double) per_frame[s * dim + d] * per_frame[s * dim + d];
      matrix->values[(gsize) frame / matrix->stride * matrix->n_outputs + column]
        += (float) sum_squares;
    }
}

static gboolean
flush_gradients (CepDependencyAnalysis  *analysis,
                 GradientBatch          *batch,
                 GError                **error)
{
  if (batch->n == 0)
    return TRUE;
  if (!cep_network_input_gradient (analysis->network, batch->inputs, batch->n, batch->dlogits,
                                   batch->dinputs, error))
    return FALSE;
  for (guint r = 0; r < batch->n; r++)
    accumulate_gradient (analysis, batch->per_frame, batch->columns[r],
                         batch->dinputs + (gsize) r * analysis->window_floats);
  analysis->matrix->rows_evaluated += batch->n;
  batch->n = 0;
  return TRUE;
}

/* One gradient row per class of output @column: its whole Jacobian. */
static gboolean
queue_output_jacobian (CepDependencyAnalysis  *analysis,
                       GradientBatch          *batch,
                       guint                   column,
                       GError                **error)
{
  guint c = analysis->n_classes;

  for (guint cls = 0; cls < c; cls++)
    {
      float *dlogits = batch->dlogits + (gsize) batch->n * c;

      memset (dlogits, 0, c * sizeof (float));
      dlogits[cls] = 1.0f;
      _cep_dependency_copy_window (analysis,
                                   batch->inputs + (gsize) batch->n * analysis->window_floats,
                                   analysis->base_windows[column], column);
      batch->columns[batch->n++] = column;
      if (batch->n == batch->capacity && !flush_gradients (analysis, batch, error))
        return FALSE;
    }
  return TRUE;
}

static void
finish_gradients (CepDependencyMatrix *matrix)
{
  gsize n = (gsize) matrix->n_inputs * matrix->n_outputs;

  for (gsize cell = 0; cell < n; cell++)
    {
      matrix->values[cell] = sqrtf (matrix->values[cell]);
      matrix->depends[cell] = matrix->values[cell] != 0.0f;
    }
}

gboolean
_cep_dependency_run_gradients (CepDependencyAnalysis  *analysis,
                               GError                **error)
{
  CepDependencyMatrix *matrix = analysis->matrix;
  GradientBatch batch;
  gboolean ok = TRUE;

  gradient_batch_init (&batch, analysis);
  for (guint j = 0; ok && j < matrix->n_outputs; j++)
    {
      ok = _cep_dependency_check_cancelled (analysis, error)
           && queue_output_jacobian (analysis, &batch, j, error);
      _cep_dependency_report_progress (analysis, j + 1, matrix->n_outputs);
    }
  ok = ok && flush_gradients (analysis, &batch, error);
  if (ok)
    finish_gradients (matrix);
  gradient_batch_clear (&batch);
  return ok;
}
