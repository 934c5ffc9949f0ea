/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-dependency-baseline.c: what every pass of a dependency analysis stands on: window
 * extraction with a bounds check, the one layout of all evaluations, and the unperturbed
 * baseline with the determinism check that decides whether the analysis may run at all.
 *
 * The layout: every evaluation (baseline, checks, perturbations, naive or fast) runs T rows,
 * row j holding a window of output j, in calls of the same sizes. A backend may round a row
 * differently depending on where it sits in a call (OpenBLAS computes edge tiles with other
 * kernels than full ones) or on the call's size (blas sends few-row products to OpenBLAS and
 * larger ones to its own kernel), so a window keeps one place in every evaluation and gets
 * bit-identical logits wherever the same window is evaluated. What must not matter is the
 * content of the other rows: the fast method checks that on every evaluation (rows it did not
 * change must keep their logits), the naive one here; SpeechBrain's check that two identical
 * runs agree is made here for both.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-dependency-private.h"

#include <stdint.h>
#include <string.h>

gboolean
_cep_dependency_check_cancelled (CepDependencyAnalysis  *analysis,
                                 GError                **error)
{
  if (!g_cancellable_is_cancelled (analysis->cancellable))
    return TRUE;
  g_set_error (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_CANCELLED,
               "the dependency analysis was cancelled");
  return FALSE;
}

void
_cep_dependency_report_progress (CepDependencyAnalysis *analysis,
                                 gsize                  done,
                                 gsize                  total)
{
  if (analysis->options->progress != NULL)
    analysis->options->progress (done, total, analysis->options->progress_data);
}

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

gboolean
_cep_dependency_forward (CepDependencyAnalysis  *analysis,
                         const float            *inputs,
                         guint                   n,
                         float                  *logits,
                         GError                **error)
{
  const CepDependencyOptions *options = analysis->options;

  analysis->matrix->rows_evaluated += n;
  if (options->forward != NULL)
    return options->forward (analysis->network, inputs, n, logits, options->forward_data, error);
  return cep_network_forward_eval (analysis->network, inputs, n, logits, error);
}

gboolean
_cep_dependency_forward_rows (CepDependencyAnalysis  *analysis,
                              const guint8           *active,
                              GError                **error)
{
  guint n = analysis->matrix->n_outputs;

  for (guint call = 0; call < analysis->n_calls; call++)
    {
      guint first = call * analysis->call_rows;
      guint count = MIN (analysis->call_rows, n - first);

      if (active != NULL && !active[call])
        continue;
      if (!_cep_dependency_forward (analysis,
                                    analysis->rows + (gsize) first * analysis->window_floats,
                                    count, analysis->logits + (gsize) first * analysis->n_classes,
                                    error))
        return FALSE;
    }
  return TRUE;
}

void
_cep_dependency_copy_window (CepDependencyAnalysis *analysis,
                             float                 *dest,
                             const float           *window,
                             guint                  column)
{
  memcpy (dest, window, analysis->window_floats * sizeof (float));
  cep_chunk_regime_cut_window (&analysis->options->chunk, dest, analysis->k,
                               analysis->window_floats / analysis->dim, analysis->dim,
                               analysis->matrix->start + column, analysis->n_frames);
}

void
_cep_dependency_restore_row (CepDependencyAnalysis *analysis,
                             guint                  column)
{
  _cep_dependency_copy_window (analysis, analysis->rows + (gsize) column * analysis->window_floats,
                               analysis->base_windows[column], column);
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

gboolean
_cep_dependency_check_same_logits (CepDependencyAnalysis  *analysis,
                                   guint                   column,
                                   const float            *before,
                                   const float            *after,
                                   const char             *circumstance,
                                   GError                **error)
{
  gssize at = first_difference (before, after, analysis->n_classes);

  if (at < 0)
    return TRUE;
  g_set_error (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_NOT_DETERMINISTIC,
               "the model is not deterministic: frame %" G_GSIZE_FORMAT " gave logit %d = "
               "%.9g, then %.9g %s; the dependency matrix needs an evaluation-mode model "
               "whose outputs depend only on their own input",
               cep_dependency_matrix_get_output_frame (analysis->matrix, column), (int) at,
               before[at], after[at], circumstance);
  return FALSE;
}

/* Compares the latest run with the baseline on the rows of @parity (0 or 1; 2 = all). */
static gboolean
compare_with_baseline (CepDependencyAnalysis  *analysis,
                       guint                   parity,
                       const char             *circumstance,
                       GError                **error)
{
  gsize c = analysis->n_classes;

  for (guint j = 0; j < analysis->matrix->n_outputs; j++)
    if ((parity == 2 || j % 2 == parity)
        && !_cep_dependency_check_same_logits (analysis, j, analysis->base_logits + j * c,
                                               analysis->logits + j * c, circumstance, error))
      return FALSE;
  return TRUE;
}

/* The rows of @parity get other windows (those of the mirrored outputs); the other rows must
 * keep their logits. */
static gboolean
check_neighbours (CepDependencyAnalysis  *analysis,
                  guint                   parity,
                  GError                **error)
{
  guint n = analysis->matrix->n_outputs;
  gboolean ok;

  for (guint j = parity; j < n; j += 2)
    _cep_dependency_copy_window (analysis, analysis->rows + (gsize) j * analysis->window_floats,
                                 analysis->base_windows[n - 1 - j], n - 1 - j);
  ok = _cep_dependency_forward_rows (analysis, NULL, error)
       && compare_with_baseline (analysis, 1 - parity, CEP_DEPENDENCY_NEIGHBOURS, error);
  for (guint j = parity; j < n; j += 2)
    _cep_dependency_restore_row (analysis, j);
  return ok;
}

/* Extracts the unperturbed windows, evaluates them, and refuses to go on unless a second
 * identical run gives the same bits (SpeechBrain's check). The naive method also checks here
 * that changing the other rows of a batch changes nothing; the fast method checks that on
 * every evaluation instead, for free (cep-dependency-perturb.c). */
gboolean
_cep_dependency_run_baseline (CepDependencyAnalysis  *analysis,
                              GError                **error)
{
  CepDependencyMatrix *matrix = analysis->matrix;
  gsize logits_bytes = (gsize) matrix->n_outputs * analysis->n_classes * sizeof (float);

  for (guint j = 0; j < matrix->n_outputs; j++)
    {
      gsize frame = cep_dependency_matrix_get_output_frame (matrix, j);

      analysis->base_windows[j] = _cep_dependency_extract (analysis, analysis->base, frame,
                                                           error);
      if (analysis->base_windows[j] == NULL)
        return FALSE;
      _cep_dependency_restore_row (analysis, j);
    }
  if (!_cep_dependency_forward_rows (analysis, NULL, error))
    return FALSE;
  memcpy (analysis->base_logits, analysis->logits, logits_bytes);
  if (!_cep_dependency_forward_rows (analysis, NULL, error)
      || !compare_with_baseline (analysis, 2, "when the same batch was evaluated again", error))
    return FALSE;
  if (analysis->options->naive && matrix->n_outputs > 1
      && (!check_neighbours (analysis, 0, error) || !check_neighbours (analysis, 1, error)))
    return FALSE;
  /* Rows and their logits now agree again: the unperturbed windows and the baseline. */
  memcpy (analysis->logits, analysis->base_logits, logits_bytes);
  return TRUE;
}
