/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-dependency-matrix.c: the dependency matrix's options, setup, result and CSV file.
 *
 * It prepares an analysis (checks the request against the model, builds the private padded
 * copy of the utterance) and hands it to the passes in cep-dependency-passes.c; it must not
 * compute anything itself.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-dependency-private.h"
#include "cep-atomic-file.h"
#include "cep-context-window.h"

#include <string.h>

G_DEFINE_QUARK (cep-dependency-error-quark, cep_dependency_error)

static const char *const mode_names[] = { "bool", "sensitivity", "gradient" };

const char *
cep_dependency_mode_get_name (CepDependencyMode mode)
{
  g_return_val_if_fail (mode <= CEP_DEPENDENCY_MODE_GRADIENT, NULL);
  return mode_names[mode];
}

gboolean
cep_dependency_mode_from_name (const char        *name,
                               CepDependencyMode *mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    if (g_strcmp0 (name, mode_names[i]) == 0)
      {
        *mode = (CepDependencyMode) i;
        return TRUE;
      }
  return FALSE;
}

const float *
cep_dependency_dataset_window (const float *padded,
                               guint        pad,
                               guint        dim,
                               gsize        t,
                               guint        k,
                               gpointer     user_data)
{
  return cep_context_window_start (padded, pad, dim, t, k);
}

void
cep_dependency_options_init (CepDependencyOptions *options)
{
  *options = (CepDependencyOptions) {
    .mode = CEP_DEPENDENCY_MODE_BOOL,
    .stride = 1,
    .rtol = 1e-5,
    .atol = 1e-8,
    .window = cep_dependency_dataset_window,
  };
}

/* Setup */

static gboolean
check_request (CepNetwork                 *network,
               gsize                       n_frames,
               guint                       dim,
               const CepDependencyOptions *options,
               GError                    **error)
{
  const CepModelSpec *spec = cep_network_get_spec (network);
  const char *problem = NULL;

  if (dim != spec->feature_dim)
    problem = "the frames' feature dimension is not the model's";
  else if (options->start >= n_frames)
    problem = "the first frame is past the end of the utterance";
  else if (options->n_frames > n_frames - options->start)
    problem = "the frame range runs past the end of the utterance";
  else if (options->stride == 0)
    problem = "the stride must be at least 1";
  else if (!(options->rtol >= 0) || !(options->atol >= 0))
    problem = "the tolerances must be non-negative numbers";
  else if (n_frames > G_MAXUINT32 / 2)
    problem = "the utterance is too long";
  if (problem == NULL)
    return TRUE;
  g_set_error (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_INVALID,
               "%s (frames %" G_GSIZE_FORMAT " + %u of %" G_GSIZE_FORMAT ", dimension %u, "
               "model dimension %u, stride %u)", problem, options->start, options->n_frames,
               n_frames, dim, spec->feature_dim, options->stride);
  return FALSE;
}

static CepDependencyMatrix *
matrix_new (const CepDependencyOptions *options,
            gsize                       n_frames,
            const CepModelSpec         *spec)
{
  CepDependencyMatrix *matrix = g_new0 (CepDependencyMatrix, 1);
  guint n_outputs = options->n_frames ? options->n_frames : (guint) (n_frames - options->start);
  gsize n_cells;

  matrix->mode = options->mode;
  matrix->start = options->start;
  matrix->stride = options->stride;
  matrix->context = spec->context;
  matrix->chunk = options->chunk;
  matrix->context_past = cep_model_spec_get_context_past (spec);
  matrix->context_future = cep_model_spec_get_context_future (spec);
  matrix->n_outputs = n_outputs;
  matrix->n_inputs = (n_outputs + options->stride - 1) / options->stride;
  n_cells = (gsize) matrix->n_inputs * n_outputs;
  matrix->depends = g_new0 (guint8, n_cells);
  if (options->mode != CEP_DEPENDENCY_MODE_BOOL)
    matrix->values = g_new0 (float, n_cells);
  return matrix;
}

static void
analysis_init (CepDependencyAnalysis      *analysis,
               CepNetwork                 *network,
               const float                *frames,
               gsize                       n_frames,
               const CepDependencyOptions *options)
{
  const CepModelSpec *spec = cep_network_get_spec (network);
  guint n_outputs;

  analysis->network = network;
  analysis->options = options;
  analysis->k = cep_model_spec_get_context_past (spec);
  analysis->dim = spec->feature_dim;
  analysis->window_floats = cep_model_spec_get_input_dim (spec);
  analysis->n_classes = cep_network_get_n_classes (network);
  analysis->n_frames = n_frames;
  analysis->pad = 2 * cep_model_spec_get_context_reach (spec) + CEP_DEPENDENCY_EXTRA_PAD;
  analysis->matrix = matrix_new (options, n_frames, spec);
  n_outputs = analysis->matrix->n_outputs;
  analysis->block_floats = (n_frames + 2 * (gsize) analysis->pad) * analysis->dim;
  analysis->base = g_new0 (float, analysis->block_floats);
  memcpy (analysis->base + (gsize) analysis->pad * analysis->dim, frames,
          n_frames * analysis->dim * sizeof (float));
  analysis->work = g_memdup2 (analysis->base, analysis->block_floats * sizeof (float));
  analysis->base_windows = g_new0 (const float *, n_outputs);
  analysis->base_logits = g_new (float, (gsize) n_outputs * analysis->n_classes);
  analysis->call_rows = MIN (CEP_DEPENDENCY_CALL_ROWS,
                             MAX (cep_network_get_max_batch (network), 1));
  analysis->n_calls = (n_outputs + analysis->call_rows - 1) / analysis->call_rows;
  analysis->rows = g_new (float, (gsize) n_outputs * analysis->window_floats);
  analysis->logits = g_new (float, (gsize) n_outputs * analysis->n_classes);
}

static void
analysis_clear (CepDependencyAnalysis *analysis)
{
  g_clear_pointer (&analysis->matrix, cep_dependency_matrix_free);
  g_free (analysis->base);
  g_free (analysis->work);
  g_free (analysis->base_windows);
  g_free (analysis->base_logits);
  g_free (analysis->rows);
  g_free (analysis->logits);
}

CepDependencyMatrix *
cep_dependency_matrix_compute (CepNetwork                  *network,
                               const float                 *frames,
                               gsize                        n_frames,
                               guint                        dim,
                               const CepDependencyOptions  *options,
                               GCancellable                *cancellable,
                               GError                     **error)
{
  CepDependencyAnalysis analysis = { 0 };
  CepDependencyOptions defaults;
  CepDependencyMatrix *result = NULL;
  gboolean ok;

  g_return_val_if_fail (network != NULL, NULL);
  g_return_val_if_fail (frames != NULL || n_frames == 0, NULL);
  if (options == NULL)
    {
      cep_dependency_options_init (&defaults);
      options = &defaults;
    }
  g_return_val_if_fail (options->window != NULL, NULL);
  if (!check_request (network, n_frames, dim, options, error))
    return NULL;

  analysis_init (&analysis, network, frames, n_frames, options);
  analysis.cancellable = cancellable;
  ok = _cep_dependency_run_baseline (&analysis, error);
  if (ok && options->mode == CEP_DEPENDENCY_MODE_GRADIENT)
    ok = _cep_dependency_run_gradients (&analysis, error);
  else if (ok)
    ok = _cep_dependency_run_perturbations (&analysis, error);
  if (ok)
    result = g_steal_pointer (&analysis.matrix);
  analysis_clear (&analysis);
  return result;
}

CepDependencyMatrix *
cep_dependency_matrix_compute_utterance (CepNetwork                  *network,
                                         CepPartition                *partition,
                                         guint                        utterance,
                                         const CepDependencyOptions  *options,
                                         GCancellable                *cancellable,
                                         GError                     **error)
{
  gsize first, n_frames;

  g_return_val_if_fail (CEP_IS_PARTITION (partition), NULL);
  if (utterance >= cep_partition_get_n_utterances (partition))
    {
      g_set_error (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_INVALID,
                   "%s: no utterance %u (it has %u)", cep_partition_get_name (partition),
                   utterance, cep_partition_get_n_utterances (partition));
      return NULL;
    }
  /* The store keeps an utterance's frames contiguous: frame 0's D floats start it. */
  first = cep_partition_get_utterance_start (partition, utterance);
  n_frames = cep_partition_get_utterance_length (partition, utterance);
  return cep_dependency_matrix_compute (network, cep_partition_get_frame (partition, first),
                                        n_frames, cep_partition_get_feature_dim (partition),
                                        options, cancellable, error);
}

typedef struct
{
  CepNetwork           *network;
  CepPartition         *partition;
  guint                 utterance;
  CepDependencyOptions  options;
} ComputeJob;

static void
compute_job_free (gpointer data)
{
  ComputeJob *job = data;

  g_object_unref (job->partition);
  g_free (job);
}

static void
compute_in_thread (GTask        *task,
                   gpointer      source,
                   gpointer      data,
                   GCancellable *cancellable)
{
  ComputeJob *job = data;
  GError *error = NULL;
  CepDependencyMatrix *matrix;

  matrix = cep_dependency_matrix_compute_utterance (job->network, job->partition,
                                                    job->utterance, &job->options, cancellable,
                                                    &error);
  if (matrix == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, matrix, (GDestroyNotify) cep_dependency_matrix_free);
}

void
cep_dependency_matrix_compute_utterance_async (CepNetwork                 *network,
                                               CepPartition               *partition,
                                               guint                       utterance,
                                               const CepDependencyOptions *options,
                                               GCancellable               *cancellable,
                                               GAsyncReadyCallback         callback,
                                               gpointer                    user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ComputeJob *job = g_new0 (ComputeJob, 1);

  g_return_if_fail (network != NULL && CEP_IS_PARTITION (partition));
  job->network = network;
  job->partition = g_object_ref (partition);
  job->utterance = utterance;
  if (options != NULL)
    job->options = *options;
  else
    cep_dependency_options_init (&job->options);
  g_task_set_source_tag (task, cep_dependency_matrix_compute_utterance_async);
  g_task_set_task_data (task, job, compute_job_free);
  g_task_run_in_thread (task, compute_in_thread);
}

CepDependencyMatrix *
cep_dependency_matrix_compute_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
cep_dependency_matrix_free (CepDependencyMatrix *matrix)
{
  if (matrix == NULL)
    return;
  g_free (matrix->depends);
  g_free (matrix->values);
  g_free (matrix);
}

/* Reading the result */

gsize
cep_dependency_matrix_get_input_frame (const CepDependencyMatrix *matrix,
                                       guint                      input)
{
  return matrix->start + (gsize) input * matrix->stride;
}

gsize
cep_dependency_matrix_get_output_frame (const CepDependencyMatrix *matrix,
                                        guint                      output)
{
  return matrix->start + output;
}

gboolean
cep_dependency_matrix_depends (const CepDependencyMatrix *matrix,
                               guint                      input,
                               guint                      output)
{
  g_return_val_if_fail (input < matrix->n_inputs && output < matrix->n_outputs, FALSE);
  return matrix->depends[(gsize) input * matrix->n_outputs + output] != 0;
}

gboolean
cep_dependency_matrix_matches_band (const CepDependencyMatrix *matrix,
                                    guint                      k,
                                    guint64                   *leaks,
                                    guint64                   *missing)
{
  return cep_dependency_matrix_matches_window (matrix, k, k, leaks, missing);
}

gboolean
cep_dependency_matrix_matches_window (const CepDependencyMatrix *matrix,
                                      guint                      past,
                                      guint                      future,
                                      guint64                   *leaks,
                                      guint64                   *missing)
{
  static const CepChunkRegime offline = { 0, 0 };

  return cep_dependency_matrix_matches_regime (matrix, past, future, &offline, leaks, missing);
}

void
cep_dependency_matrix_get_reach (const CepDependencyMatrix *matrix,
                                 guint                     *past,
                                 guint                     *future)
{
  gsize most_past = 0, most_future = 0;

  for (guint i = 0; i < matrix->n_inputs; i++)
    for (guint j = 0; j < matrix->n_outputs; j++)
      {
        gsize in = cep_dependency_matrix_get_input_frame (matrix, i);
        gsize out = cep_dependency_matrix_get_output_frame (matrix, j);

        if (!cep_dependency_matrix_depends (matrix, i, j))
          continue;
        if (in > out)
          most_future = MAX (most_future, in - out);
        else
          most_past = MAX (most_past, out - in);
      }
  *past = (guint) most_past;
  *future = (guint) most_future;
}

gboolean
cep_dependency_matrix_matches_regime (const CepDependencyMatrix *matrix,
                                      guint                      past,
                                      guint                      future,
                                      const CepChunkRegime      *regime,
                                      guint64                   *leaks,
                                      guint64                   *missing)
{
  guint64 n_leaks = 0, n_missing = 0;

  for (guint i = 0; i < matrix->n_inputs; i++)
    for (guint j = 0; j < matrix->n_outputs; j++)
      {
        gsize in = cep_dependency_matrix_get_input_frame (matrix, i);
        gsize out = cep_dependency_matrix_get_output_frame (matrix, j);
        gboolean in_band = (in > out ? in - out <= future : out - in <= past)
                           /* Inputs are frames of the utterance: only the chunk's end
                            * and look-ahead can hide them. */
                           && in < cep_chunk_regime_known_end (regime, out, G_MAXSIZE);
        gboolean dependent = cep_dependency_matrix_depends (matrix, i, j);

        n_leaks += dependent && !in_band;
        n_missing += !dependent && in_band;
      }
  if (leaks != NULL)
    *leaks = n_leaks;
  if (missing != NULL)
    *missing = n_missing;
  return n_leaks == 0 && n_missing == 0;
}

float *
cep_dependency_matrix_to_floats (const CepDependencyMatrix *matrix)
{
  gsize n = (gsize) matrix->n_inputs * matrix->n_outputs;
  float *values = g_new (float, n);

  for (gsize cell = 0; cell < n; cell++)
    values[cell] = matrix->values != NULL ? matrix->values[cell] : matrix->depends[cell];
  return values;
}

gboolean
cep_dependency_matrix_write_csv (const CepDependencyMatrix *matrix,
                                 const char                *path,
                                 GError                   **error)
{
  g_autoptr(GString) text = g_string_sized_new (64 + (gsize) matrix->n_inputs
                                                     * matrix->n_outputs * 16);

  g_string_append (text, "input_frame,output_frame,depends");
  if (matrix->values != NULL)
    g_string_append_printf (text, ",%s", cep_dependency_mode_get_name (matrix->mode));
  g_string_append_c (text, '\n');
  for (guint i = 0; i < matrix->n_inputs; i++)
    for (guint j = 0; j < matrix->n_outputs; j++)
      {
        gsize cell = (gsize) i * matrix->n_outputs + j;

        g_string_append_printf (text, "%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT ",%d",
                                cep_dependency_matrix_get_input_frame (matrix, i),
                                cep_dependency_matrix_get_output_frame (matrix, j),
                                matrix->depends[cell]);
        if (matrix->values != NULL)
          {
            /* A point whatever LC_NUMERIC says (CSV readers expect it). */
            char number[G_ASCII_DTOSTR_BUF_SIZE];

            g_string_append_printf (text, ",%s", g_ascii_formatd (number, sizeof number, "%.9g",
                                                                  matrix->values[cell]));
          }
        g_string_append_c (text, '\n');
      }
  return cep_atomic_file_set_contents (path, text->str, text->len, error);
}
