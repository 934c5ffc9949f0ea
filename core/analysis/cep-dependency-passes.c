/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-dependency-passes.c: the passes of a dependency analysis: the unperturbed baseline with
 * its determinism check, the perturbations (fast or naive), and the input gradients.
 *
 * It owns the numerics of the analysis; it must not know what model or extraction it runs
 * (both are called through their interfaces) and must not assume which windows a
 * perturbation can reach: that is what is being measured.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-dependency-private.h"
#include "cep-rng.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* A Philox stream of its own, so perturbations never share numbers with shuffles, masks or
 * dropout drawn from the same seed (the well-known streams of cep-rng.h stay below 16). */
#define DEPENDENCY_RNG_STREAM 16u

const float *
_cep_dependency_extract (CepDependencyAnalysis  *analysis,
                         const float            *block,
                         gsize                   frame,
                         GError                **error)
{
  const CepDependencyOptions *options = analysis->options;
  const float *window;
  uintptr_t low = (uintptr_t) block;
  uintptr_t high = low + analysis->block_floats * sizeof (float);
  uintptr_t at;

  window = options->window (block, analysis->pad, analysis->dim, frame, analysis->k,
                            options->window_data);
  at = (uintptr_t) window;
  if (window == NULL || at < low || (at - low) % sizeof (float) != 0
      || at + analysis->window_floats * sizeof (float) > high)
    {
      g_set_error (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_WINDOW,
                   "the window extraction of frame %" G_GSIZE_FORMAT " points outside the "
                   "utterance and its %u padding frames", frame, analysis->pad);
      return NULL;
    }
  return window;
}

static gboolean
check_cancelled (CepDependencyAnalysis  *analysis,
                 GError                **error)
{
  if (!g_cancellable_is_cancelled (analysis->cancellable))
    return TRUE;
  g_set_error (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_CANCELLED,
               "the dependency analysis was cancelled");
  return FALSE;
}

static void
report_progress (CepDependencyAnalysis *analysis,
                 gsize                  done,
                 gsize                  total)
{
  if (analysis->options->progress != NULL)
    analysis->options->progress (done, total, analysis->options->progress_data);
}

/* Baseline and determinism */

static gboolean
analysis_forward (CepDependencyAnalysis  *analysis,
                  const float            *inputs,
                  guint                   n,
                  float                  *logits,
                  GError                **error)
{
  const CepDependencyOptions *options = analysis->options;

  if (options->forward != NULL)
    return options->forward (analysis->network, inputs, n, logits, options->forward_data, error);
  return cep_network_forward_eval (analysis->network, inputs, n, logits, error);
}

static void
gather_base_windows (CepDependencyAnalysis *analysis,
                     float                 *inputs,
                     gboolean               reversed)
{
  guint n = analysis->matrix->n_outputs;

  for (guint j = 0; j < n; j++)
    memcpy (inputs + (gsize) (reversed ? n - 1 - j : j) * analysis->window_floats,
            analysis->base_windows[j], analysis->window_floats * sizeof (float));
}

/* The unperturbed windows in reverse order, first one row alone and then the rest: other
 * places in the batch and other batch sizes than the in-order run. */
static gboolean
forward_reversed (CepDependencyAnalysis  *analysis,
                  float                  *inputs,
                  float                  *logits,
                  GError                **error)
{
  guint n = analysis->matrix->n_outputs;

  gather_base_windows (analysis, inputs, TRUE);
  if (!analysis_forward (analysis, inputs, 1, logits, error))
    return FALSE;
  return n == 1 || analysis_forward (analysis, inputs + analysis->window_floats, n - 1,
                                     logits + analysis->n_classes, error);
}

/* Index of the first logit that differs bit for bit, or -1. */
static gssize
first_difference (const float *a,
                  const float *b,
                  gsize        n)
{
  if (memcmp (a, b, n * sizeof (float)) == 0)
    return -1;
  for (gsize i = 0; i < n; i++)
    if (memcmp (a + i, b + i, sizeof (float)) != 0)
      return (gssize) i;
  return -1;
}

static gboolean
compare_runs (CepDependencyAnalysis  *analysis,
              const float            *other,
              gboolean                reversed,
              GError                **error)
{
  guint n = analysis->matrix->n_outputs;
  guint c = analysis->n_classes;

  for (guint j = 0; j < n; j++)
    {
      const float *mine = analysis->base_logits + (gsize) j * c;
      const float *theirs = other + (gsize) (reversed ? n - 1 - j : j) * c;
      gssize at = first_difference (mine, theirs, c);

      if (at < 0)
        continue;
      g_set_error (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_NOT_DETERMINISTIC,
                   "the model is not deterministic: frame %" G_GSIZE_FORMAT " gave logit %d = "
                   "%.9g, then %.9g %s; the dependency matrix needs an evaluation-mode model "
                   "whose outputs depend only on their own input",
                   cep_dependency_matrix_get_output_frame (analysis->matrix, j), (int) at,
                   mine[at], theirs[at],
                   reversed ? "when evaluated at another place in a batch of another size"
                            : "when the same batch was evaluated again");
      return FALSE;
    }
  return TRUE;
}

/* Extracts the unperturbed windows, evaluates them, and refuses to go on unless a second
 * identical run and a reordered run give the same bits. */
gboolean
_cep_dependency_run_baseline (CepDependencyAnalysis  *analysis,
                              GError                **error)
{
  CepDependencyMatrix *matrix = analysis->matrix;
  guint n = matrix->n_outputs;
  g_autofree float *inputs = g_new (float, (gsize) n * analysis->window_floats);
  g_autofree float *again = g_new (float, (gsize) n * analysis->n_classes);

  for (guint j = 0; j < n; j++)
    {
      gsize frame = cep_dependency_matrix_get_output_frame (matrix, j);

      analysis->base_windows[j] = _cep_dependency_extract (analysis, analysis->base, frame,
                                                           error);
      if (analysis->base_windows[j] == NULL)
        return FALSE;
    }
  gather_base_windows (analysis, inputs, FALSE);
  if (!analysis_forward (analysis, inputs, n, analysis->base_logits, error)
      || !analysis_forward (analysis, inputs, n, again, error)
      || !compare_runs (analysis, again, FALSE, error)
      || !forward_reversed (analysis, inputs, again, error)
      || !compare_runs (analysis, again, TRUE, error))
    return FALSE;
  matrix->rows_evaluated += 3 * (guint64) n;
  return TRUE;
}

/* Perturbations */

static void
perturb_frame (CepDependencyAnalysis *analysis,
               gsize                  frame)
{
  float *values = analysis->work + (analysis->pad + frame) * analysis->dim;
  CepRng rng;

  cep_rng_init (&rng, analysis->options->seed, DEPENDENCY_RNG_STREAM, (guint32) frame,
                (guint32) (frame >> 32));
  for (guint d = 0; d < analysis->dim; d++)
    {
      guint32 word = cep_rng_next_u32 (&rng);
      float magnitude = 1.0f + 2.0f * (float) (word >> 8) * (1.0f / 16777216.0f);

      values[d] += (word & 1) ? magnitude : -magnitude;
    }
}

static void
restore_frame (CepDependencyAnalysis *analysis,
               gsize                  frame)
{
  gsize offset = (analysis->pad + frame) * analysis->dim;

  memcpy (analysis->work + offset, analysis->base + offset, analysis->dim * sizeof (float));
}

/* torch.allclose per logit (NaN counts as a change), and the L2 norm of the change. */
static void
record_change (CepDependencyAnalysis *analysis,
               guint                  cell,
               const float           *logits)
{
  CepDependencyMatrix *matrix = analysis->matrix;
  const float *base = analysis->base_logits + (gsize) (cell % matrix->n_outputs)
                                              * analysis->n_classes;
  gboolean changed = FALSE;
  double sum_squares = 0;

  for (guint c = 0; c < analysis->n_classes; c++)
    {
      double delta = (double) logits[c] - (double) base[c];
      double tolerance = analysis->options->atol + analysis->options->rtol * fabs (base[c]);

      if (!(fabs (delta) <= tolerance))
        changed = TRUE;
      sum_squares += delta * delta;
    }
  matrix->depends[cell] = changed;
  if (matrix->values != NULL)
    matrix->values[cell] = (float) sqrt (sum_squares);
}

static gboolean
flush_forward (CepDependencyAnalysis  *analysis,
               GError                **error)
{
  if (analysis->batch_n == 0)
    return TRUE;
  if (!analysis_forward (analysis, analysis->batch_inputs, analysis->batch_n,
                         analysis->batch_outputs, error))
    return FALSE;
  for (guint r = 0; r < analysis->batch_n; r++)
    record_change (analysis, analysis->batch_cells[r],
                   analysis->batch_outputs + (gsize) r * analysis->n_classes);
  analysis->matrix->rows_evaluated += analysis->batch_n;
  analysis->batch_n = 0;
  return TRUE;
}

static gboolean
queue_window (CepDependencyAnalysis  *analysis,
              guint                   cell,
              const float            *window,
              GError                **error)
{
  memcpy (analysis->batch_inputs + (gsize) analysis->batch_n * analysis->window_floats,
          window, analysis->window_floats * sizeof (float));
  analysis->batch_cells[analysis->batch_n++] = cell;
  return analysis->batch_n < analysis->batch_capacity || flush_forward (analysis, error);
}

/* Queues the outputs of perturbed row @input that need a forward pass: those whose window
 * differs from the unperturbed one (all of them in naive mode). The rest keep the baseline's
 * logits, which the zero-filled matrix already encodes (no change, not dependent). */
static gboolean
queue_changed_outputs (CepDependencyAnalysis  *analysis,
                       guint                   input,
                       GError                **error)
{
  CepDependencyMatrix *matrix = analysis->matrix;
  gsize bytes = analysis->window_floats * sizeof (float);

  for (guint j = 0; j < matrix->n_outputs; j++)
    {
      gsize frame = cep_dependency_matrix_get_output_frame (matrix, j);
      const float *window = _cep_dependency_extract (analysis, analysis->work, frame, error);

      if (window == NULL)
        return FALSE;
      if (!analysis->options->naive && memcmp (window, analysis->base_windows[j], bytes) == 0)
        continue;
      if (!queue_window (analysis, input * matrix->n_outputs + j, window, error))
        return FALSE;
    }
  /* The reference method evaluates each perturbation on its own, as one in-order batch of
   * all T windows, exactly like the baseline run. */
  return !analysis->options->naive || flush_forward (analysis, error);
}

gboolean
_cep_dependency_run_perturbations (CepDependencyAnalysis  *analysis,
                                   GError                **error)
{
  CepDependencyMatrix *matrix = analysis->matrix;

  for (guint i = 0; i < matrix->n_inputs; i++)
    {
      gsize frame = cep_dependency_matrix_get_input_frame (matrix, i);
      gboolean ok;

      if (!check_cancelled (analysis, error))
        return FALSE;
      perturb_frame (analysis, frame);
      ok = queue_changed_outputs (analysis, i, error);
      restore_frame (analysis, frame);
      if (!ok)
        return FALSE;
      report_progress (analysis, i + 1, matrix->n_inputs);
    }
  return flush_forward (analysis, error);
}

/* Gradients */

/* Adds the squared gradient norm of every analysed input frame that window @column's row
 * reaches to the matrix: the gradient of frame i is summed over all window positions holding
 * it (the chain rule) before it is squared. */
static void
accumulate_gradient (CepDependencyAnalysis *analysis,
                     guint                  column,
                     const float           *dwindow,
                     float                 *per_frame)
{
  CepDependencyMatrix *matrix = analysis->matrix;
  gsize offset = (gsize) (analysis->base_windows[column] - analysis->base);
  gsize first = offset / analysis->dim;
  gsize last = (offset + analysis->window_floats - 1) / analysis->dim;
  gsize n_span = last - first + 1;

  memset (per_frame, 0, n_span * analysis->dim * sizeof (float));
  for (guint q = 0; q < analysis->window_floats; q++)
    per_frame[offset + q - first * analysis->dim] += dwindow[q];
  for (gsize s = 0; s < n_span; s++)
    {
      gssize frame = (gssize) (first + s) - (gssize) analysis->pad - (gssize) matrix->start;
      double sum_squares = 0;

      if (frame < 0 || frame % matrix->stride != 0
          || (gsize) frame / matrix->stride >= matrix->n_inputs)
        continue;
      for (guint d = 0; d < analysis->dim; d++)
        sum_squares += (double) per_frame[s * analysis->dim + d]
                       * per_frame[s * analysis->dim + d];
      matrix->values[(gsize) frame / matrix->stride * matrix->n_outputs + column]
        += (float) sum_squares;
    }
}

static gboolean
flush_gradients (CepDependencyAnalysis  *analysis,
                 float                  *per_frame,
                 GError                **error)
{
  guint c = analysis->n_classes;

  if (analysis->batch_n == 0)
    return TRUE;
  if (!cep_network_input_gradient (analysis->network, analysis->batch_inputs, analysis->batch_n,
                                   analysis->batch_dlogits, analysis->batch_outputs, error))
    return FALSE;
  for (guint r = 0; r < analysis->batch_n; r++)
    accumulate_gradient (analysis, analysis->batch_cells[r] / c,
                         analysis->batch_outputs + (gsize) r * analysis->window_floats,
                         per_frame);
  analysis->matrix->rows_evaluated += analysis->batch_n;
  analysis->batch_n = 0;
  return TRUE;
}

/* One gradient row per (output, class): the Jacobian of every logit of the output. */
static gboolean
queue_output_jacobian (CepDependencyAnalysis  *analysis,
                       guint                   column,
                       float                  *per_frame,
                       GError                **error)
{
  guint c = analysis->n_classes;

  for (guint cls = 0; cls < c; cls++)
    {
      float *dlogits = analysis->batch_dlogits + (gsize) analysis->batch_n * c;

      memset (dlogits, 0, c * sizeof (float));
      dlogits[cls] = 1.0f;
      memcpy (analysis->batch_inputs + (gsize) analysis->batch_n * analysis->window_floats,
              analysis->base_windows[column], analysis->window_floats * sizeof (float));
      analysis->batch_cells[analysis->batch_n++] = column * c + cls;
      if (analysis->batch_n == analysis->batch_capacity
          && !flush_gradients (analysis, per_frame, error))
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
  /* A window spans at most 2K + 2 frames of the block (2K + 1 when frame-aligned). */
  g_autofree float *per_frame = g_new (float, (gsize) (analysis->window_floats / analysis->dim
                                                       + 2) * analysis->dim);

  for (guint j = 0; j < matrix->n_outputs; j++)
    {
      if (!check_cancelled (analysis, error)
          || !queue_output_jacobian (analysis, j, per_frame, error))
        return FALSE;
      report_progress (analysis, j + 1, matrix->n_outputs);
    }
  if (!flush_gradients (analysis, per_frame, error))
    return FALSE;
  finish_gradients (matrix);
  return TRUE;
}
