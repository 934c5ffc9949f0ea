/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-dependency-perturb.c: the perturbation passes of the bool and sensitivity modes.
 *
 * Pass 1 perturbs each analysed input frame in turn and asks the extraction for every output
 * window, noting which windows differ from the unperturbed ones (all of them in naive mode).
 * Only those outputs can change: in evaluation mode a row's logits are a function of its own
 * window. Pass 2 evaluates them. Because a window must be evaluated in its own row of the
 * layout (cep-dependency-baseline.c), perturbations whose changed windows occupy disjoint rows
 * share one evaluation: row j holds the window of output j as perturbation i made it, and the
 * rows nobody changed keep whatever window of their output they held: their logits are not
 * recorded, but compared with what they were, which proves on every evaluation that the other
 * rows of a batch do not affect a row (what makes the result exact). Packing is first-fit; for a context-K model it
 * needs about 2K + 1 evaluations of T rows instead of T of them, and a call whose rows are all
 * unperturbed is skipped. A leaky extraction changes more windows, which pass 1 sees, so it
 * is measured exactly as by the full recomputation.
 *
 * It must not assume which windows a perturbation reaches; that is what is being measured.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-dependency-private.h"
#include "cep-rng.h"

#include <math.h>
#include <string.h>

/* An output window that a perturbation changed, and where it starts in the work copy. */
typedef struct
{
  guint column;
  gsize offset;
} WindowChange;

/* Perturbations evaluated together, and the rows they occupy. */
typedef struct
{
  guint8 *occupied;   /* n_outputs flags */
  GArray *inputs;     /* guint: matrix rows of the perturbations */
} Evaluation;

typedef struct
{
  GArray *changes;    /* WindowChange, perturbation after perturbation */
  guint  *first;      /* n_inputs + 1: perturbation i's changes are [first[i], first[i + 1]) */
  GArray *evaluations;
} Plan;

static void
evaluation_clear (gpointer data)
{
  Evaluation *evaluation = data;

  g_free (evaluation->occupied);
  g_array_unref (evaluation->inputs);
}

static void
plan_init (Plan  *plan,
           guint  n_inputs)
{
  plan->changes = g_array_new (FALSE, FALSE, sizeof (WindowChange));
  plan->first = g_new0 (guint, n_inputs + 1);
  plan->evaluations = g_array_new (FALSE, FALSE, sizeof (Evaluation));
  g_array_set_clear_func (plan->evaluations, evaluation_clear);
}

static void
plan_clear (Plan *plan)
{
  g_array_unref (plan->changes);
  g_free (plan->first);
  g_array_unref (plan->evaluations);
}

static const WindowChange *
changes_of (const Plan *plan,
            guint       input,
            guint      *n)
{
  *n = plan->first[input + 1] - plan->first[input];
  return &g_array_index (plan->changes, WindowChange, plan->first[input]);
}

/* Perturbing */

/* Every coefficient of @frame in the work copy moves by 1 to 3 in a random direction. */
static void
perturb_frame (CepDependencyAnalysis *analysis,
               gsize                  frame)
{
  float *values = analysis->work + (analysis->pad + frame) * analysis->dim;
  CepRng rng;

  cep_rng_init (&rng, analysis->options->seed, CEP_RNG_STREAM_DEPENDENCY, (guint32) frame,
                (guint32) ((guint64) frame >> 32));
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

/* Pass 1 */

/* Whether window @offset (in floats, in the work copy) reads any of @frame's coefficients. */
static gboolean
window_reads_frame (const CepDependencyAnalysis *analysis,
                    gsize                        offset,
                    gsize                        frame)
{
  gsize first = (analysis->pad + frame) * analysis->dim;

  return offset < first + analysis->dim && first < offset + analysis->window_floats;
}

/* The work copy equals the base copy except @frame's coefficients, so a window the extraction
 * puts at the same place in both and that does not read @frame is the same bytes: only the
 * others need comparing. */
static gboolean
window_changed (const CepDependencyAnalysis *analysis,
                guint                        column,
                const float                 *window,
                gsize                        frame)
{
  gsize offset = (gsize) (window - analysis->work);

  if (analysis->options->naive)
    return TRUE;
  if (offset == (gsize) (analysis->base_windows[column] - analysis->base)
      && !window_reads_frame (analysis, offset, frame))
    return FALSE;
  return memcmp (window, analysis->base_windows[column],
                 analysis->window_floats * sizeof (float)) != 0;
}

static gboolean
note_changed_windows (CepDependencyAnalysis  *analysis,
                      Plan                   *plan,
                      gsize                   perturbed,
                      GError                **error)
{
  CepDependencyMatrix *matrix = analysis->matrix;

  for (guint j = 0; j < matrix->n_outputs; j++)
    {
      gsize frame = cep_dependency_matrix_get_output_frame (matrix, j);
      const float *window = _cep_dependency_extract (analysis, analysis->work, frame, error);
      WindowChange change;

      if (window == NULL)
        return FALSE;
      if (!window_changed (analysis, j, window, perturbed))
        continue;
      change = (WindowChange) { j, (gsize) (window - analysis->work) };
      g_array_append_val (plan->changes, change);
    }
  return TRUE;
}

/* First fit: the first evaluation none of whose occupied rows this perturbation needs. */
static void
place_perturbation (CepDependencyAnalysis *analysis,
                    Plan                  *plan,
                    guint                  input)
{
  guint n_changes;
  const WindowChange *changes = changes_of (plan, input, &n_changes);
  Evaluation *target = NULL;

  if (n_changes == 0)
    return;   /* nothing changed: the matrix's zeros already say so */
  for (guint e = 0; e < plan->evaluations->len && target == NULL; e++)
    {
      Evaluation *evaluation = &g_array_index (plan->evaluations, Evaluation, e);
      guint c = 0;

      while (c < n_changes && !evaluation->occupied[changes[c].column])
        c++;
      if (c == n_changes)
        target = evaluation;
    }
  if (target == NULL)
    {
      Evaluation fresh = { g_new0 (guint8, analysis->matrix->n_outputs),
                           g_array_new (FALSE, FALSE, sizeof (guint)) };

      g_array_append_val (plan->evaluations, fresh);
      target = &g_array_index (plan->evaluations, Evaluation, plan->evaluations->len - 1);
    }
  for (guint c = 0; c < n_changes; c++)
    target->occupied[changes[c].column] = 1;
  g_array_append_val (target->inputs, input);
}

static gboolean
plan_perturbations (CepDependencyAnalysis  *analysis,
                    Plan                   *plan,
                    GError                **error)
{
  CepDependencyMatrix *matrix = analysis->matrix;

  for (guint i = 0; i < matrix->n_inputs; i++)
    {
      gsize frame = cep_dependency_matrix_get_input_frame (matrix, i);
      gboolean ok;

      if (!_cep_dependency_check_cancelled (analysis, error))
        return FALSE;
      perturb_frame (analysis, frame);
      ok = note_changed_windows (analysis, plan, frame, error);
      restore_frame (analysis, frame);
      if (!ok)
        return FALSE;
      plan->first[i + 1] = plan->changes->len;
      place_perturbation (analysis, plan, i);
      _cep_dependency_report_progress (analysis, i + 1, 2 * (gsize) matrix->n_inputs);
    }
  return TRUE;
}

/* Pass 2 */

/* torch.allclose per logit (NaN counts as a change), and the L2 norm of the change. */
static void
record_change (CepDependencyAnalysis *analysis,
               guint                  input,
               guint                  column)
{
  CepDependencyMatrix *matrix = analysis->matrix;
  gsize cell = (gsize) input * matrix->n_outputs + column;
  const float *base = analysis->base_logits + (gsize) column * analysis->n_classes;
  const float *logits = analysis->logits + (gsize) column * analysis->n_classes;
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

/* Writes the windows perturbation @input changed into their rows, as pass 1 saw them. */
static void
load_perturbation (CepDependencyAnalysis *analysis,
                   const Plan            *plan,
                   guint                  input,
                   guint8                *active)
{
  gsize frame = cep_dependency_matrix_get_input_frame (analysis->matrix, input);
  guint n_changes;
  const WindowChange *changes = changes_of (plan, input, &n_changes);

  perturb_frame (analysis, frame);
  for (guint c = 0; c < n_changes; c++)
    {
      _cep_dependency_copy_window (analysis,
                                   analysis->rows
                                   + (gsize) changes[c].column * analysis->window_floats,
                                   analysis->work + changes[c].offset, changes[c].column);
      active[changes[c].column / analysis->call_rows] = 1;
    }
  restore_frame (analysis, frame);
}

/* Scratch space of pass 2. */
typedef struct
{
  guint8 *active;     /* n_calls flags: does the call hold a changed row */
  float  *previous;   /* n_outputs × n_classes: the logits before the evaluation */
} Scratch;

/* The rows an evaluation did not change but evaluated anyway (they share a call with changed
 * ones) hold the same windows as before, beside other neighbours: their logits must not have
 * moved by a bit. This checks, on every evaluation and for free, the one assumption that
 * makes the fast path exact. */
static gboolean
check_unchanged_rows (CepDependencyAnalysis  *analysis,
                      const Evaluation       *evaluation,
                      const Scratch          *scratch,
                      GError                **error)
{
  gsize c = analysis->n_classes;

  for (guint j = 0; j < analysis->matrix->n_outputs; j++)
    if (scratch->active[j / analysis->call_rows] && !evaluation->occupied[j]
        && !_cep_dependency_check_same_logits (analysis, j, scratch->previous + j * c,
                                               analysis->logits + j * c,
                                               CEP_DEPENDENCY_NEIGHBOURS, error))
      return FALSE;
  return TRUE;
}

/* The rows nobody changed keep the windows of earlier evaluations: nothing to restore. */
static gboolean
run_evaluation (CepDependencyAnalysis  *analysis,
                const Plan             *plan,
                const Evaluation       *evaluation,
                const Scratch          *scratch,
                GError                **error)
{
  memset (scratch->active, 0, analysis->n_calls);
  memcpy (scratch->previous, analysis->logits,
          (gsize) analysis->matrix->n_outputs * analysis->n_classes * sizeof (float));
  for (guint p = 0; p < evaluation->inputs->len; p++)
    load_perturbation (analysis, plan, g_array_index (evaluation->inputs, guint, p),
                       scratch->active);
  if (!_cep_dependency_forward_rows (analysis, scratch->active, error)
      || !check_unchanged_rows (analysis, evaluation, scratch, error))
    return FALSE;
  for (guint p = 0; p < evaluation->inputs->len; p++)
    {
      guint input = g_array_index (evaluation->inputs, guint, p);
      guint n_changes;
      const WindowChange *changes = changes_of (plan, input, &n_changes);

      for (guint c = 0; c < n_changes; c++)
        record_change (analysis, input, changes[c].column);
    }
  return TRUE;
}

gboolean
_cep_dependency_run_perturbations (CepDependencyAnalysis  *analysis,
                                   GError                **error)
{
  gsize n_inputs = analysis->matrix->n_inputs;
  g_autofree guint8 *active = g_new0 (guint8, analysis->n_calls);
  g_autofree float *previous = g_new (float, (gsize) analysis->matrix->n_outputs
                                             * analysis->n_classes);
  Scratch scratch = { active, previous };
  gsize done = 0;
  Plan plan;
  gboolean ok;

  plan_init (&plan, analysis->matrix->n_inputs);
  ok = plan_perturbations (analysis, &plan, error);
  for (guint e = 0; ok && e < plan.evaluations->len; e++)
    {
      const Evaluation *evaluation = &g_array_index (plan.evaluations, Evaluation, e);

      ok = _cep_dependency_check_cancelled (analysis, error)
           && run_evaluation (analysis, &plan, evaluation, &scratch, error);
      done += evaluation->inputs->len;
      _cep_dependency_report_progress (analysis, n_inputs + done, 2 * n_inputs);
    }
  if (ok && done < n_inputs)   /* perturbations that changed nothing needed no evaluation */
    _cep_dependency_report_progress (analysis, 2 * n_inputs, 2 * n_inputs);
  plan_clear (&plan);
  return ok;
}
