/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-chunked-eval.c: a partition evaluated under a chunk regime, frame by frame in order.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-chunked-eval.h"

#include <math.h>

typedef struct
{
  CepNetwork           *network;
  CepPartition         *partition;
  const CepChunkRegime *regime;
  const guint8         *labels;
  guint                 past;
  guint                 window_frames;
  guint                 dim;
  guint                 n_classes;
  double                smoothing;
  guint                 capacity;    /* rows per forward call */
  float                *inputs;      /* capacity × window */
  float                *logits;      /* capacity × n_classes */
  gsize                *frames;      /* capacity global frame indices */
  guint                 n;           /* rows filled */
  double                loss_sum;
  guint64               correct;
  guint64               n_frames;
} ChunkedEval;

static gboolean
check_partition (CepNetwork    *network,
                 CepPartition  *partition,
                 GError       **error)
{
  const CepModelSpec *spec = cep_network_get_spec (network);

  if (!cep_partition_is_labelled (partition))
    g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID,
                 "%s has no labels to evaluate against", cep_partition_get_name (partition));
  else if (cep_partition_get_feature_dim (partition) != spec->feature_dim
           || cep_partition_get_context_max (partition) < cep_model_spec_get_context_reach (spec))
    g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID,
                 "%s: %u features and context_max %u do not fit the model (%u features, "
                 "context %u)", cep_partition_get_name (partition),
                 cep_partition_get_feature_dim (partition),
                 cep_partition_get_context_max (partition), spec->feature_dim,
                 cep_model_spec_get_context_reach (spec));
  else
    return TRUE;
  return FALSE;
}

/* torch's cross_entropy with label_smoothing ε on one row of logits. */
static double
row_loss (const float *logits,
          guint        n_classes,
          guint        label,
          double       smoothing)
{
  double max = logits[0], sum = 0.0, mean_log_p = 0.0, log_z;

  for (guint c = 1; c < n_classes; c++)
    max = MAX (max, logits[c]);
  for (guint c = 0; c < n_classes; c++)
    sum += exp (logits[c] - max);
  log_z = max + log (sum);
  for (guint c = 0; c < n_classes; c++)
    mean_log_p += (logits[c] - log_z) / n_classes;
  return -(1.0 - smoothing) * (logits[label] - log_z) - smoothing * mean_log_p;
}

static guint
row_argmax (const float *logits,
            guint        n_classes)
{
  guint best = 0;

  for (guint c = 1; c < n_classes; c++)
    if (logits[c] > logits[best])
      best = c;
  return best;
}

static gboolean
flush (ChunkedEval  *eval,
       GError      **error)
{
  if (eval->n == 0)
    return TRUE;
  if (!cep_network_forward_eval (eval->network, eval->inputs, eval->n, eval->logits, error))
    return FALSE;
  for (guint i = 0; i < eval->n; i++)
    {
      const float *row = eval->logits + (gsize) i * eval->n_classes;
      guint label = eval->labels[eval->frames[i]];

      eval->loss_sum += row_loss (row, eval->n_classes, label, eval->smoothing);
      eval->correct += row_argmax (row, eval->n_classes) == label;
    }
  eval->n_frames += eval->n;
  eval->n = 0;
  return TRUE;
}

/* Adds frame @t of the utterance starting at global frame @first, @length frames long. */
static gboolean
add_frame (ChunkedEval  *eval,
           gsize         first,
           gsize         t,
           gsize         length,
           GError      **error)
{
  gsize window_floats = (gsize) eval->window_frames * eval->dim;
  float *row = eval->inputs + (gsize) eval->n * window_floats;

  memcpy (row, cep_partition_get_window (eval->partition, first + t, eval->past),
          window_floats * sizeof (float));
  cep_chunk_regime_cut_window (eval->regime, row, eval->past, eval->window_frames, eval->dim,
                               t, length);
  eval->frames[eval->n++] = first + t;
  return eval->n < eval->capacity || flush (eval, error);
}

static gboolean
evaluate_utterances (ChunkedEval   *eval,
                     GCancellable  *cancellable,
                     GError       **error)
{
  guint n_utterances = cep_partition_get_n_utterances (eval->partition);

  for (guint u = 0; u < n_utterances; u++)
    {
      gsize first = cep_partition_get_utterance_start (eval->partition, u);
      gsize length = cep_partition_get_utterance_length (eval->partition, u);

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_CANCELLED,
                       "evaluation cancelled");
          return FALSE;
        }
      for (gsize t = 0; t < length; t++)
        if (!add_frame (eval, first, t, length, error))
          return FALSE;
    }
  return flush (eval, error);
}

gboolean
cep_network_evaluate_chunked (CepNetwork           *network,
                              CepPartition         *partition,
                              const CepChunkRegime *regime,
                              GCancellable         *cancellable,
                              CepEvalResult        *result,
                              GError              **error)
{
  const CepModelSpec *spec;
  ChunkedEval eval = { 0 };
  gboolean ok;

  g_return_val_if_fail (network != NULL && CEP_IS_PARTITION (partition), FALSE);
  g_return_val_if_fail (regime != NULL && result != NULL, FALSE);

  if (!check_partition (network, partition, error))
    return FALSE;
  spec = cep_network_get_spec (network);
  eval = (ChunkedEval) {
    .network = network, .partition = partition, .regime = regime,
    .labels = cep_partition_get_labels (partition),
    .past = cep_model_spec_get_context_past (spec),
    .window_frames = cep_model_spec_get_window_frames (spec),
    .dim = spec->feature_dim, .n_classes = cep_network_get_n_classes (network),
    .smoothing = spec->label_smoothing,
    .capacity = MAX (cep_network_get_max_batch (network), 1),
  };
  eval.inputs = g_new (float, (gsize) eval.capacity * cep_model_spec_get_input_dim (spec));
  eval.logits = g_new (float, (gsize) eval.capacity * eval.n_classes);
  eval.frames = g_new (gsize, eval.capacity);
  ok = evaluate_utterances (&eval, cancellable, error);
  if (ok)
    *result = (CepEvalResult) {
      .frames = eval.n_frames, .correct = eval.correct,
      .loss = eval.n_frames > 0 ? eval.loss_sum / eval.n_frames : 0.0,
      .accuracy = eval.n_frames > 0 ? (double) eval.correct / eval.n_frames : 0.0,
    };
  g_free (eval.inputs);
  g_free (eval.logits);
  g_free (eval.frames);
  return ok;
}
