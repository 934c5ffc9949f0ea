/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-network-evaluate.c: a CepNetwork over a whole partition — loss and accuracy, or the
 * predicted class of every frame.
 *
 * Batches come in frame order from a CepBatchProducer (no shuffle, no augmentation), so a
 * thread gathers windows while the backend computes — or, for a partition resident on the
 * backend, only lists frames and the backend gathers the windows itself. Per batch the host downloads the two
 * score words (or the predictions); sums are kept in double on the host so a partition of
 * millions of frames loses no precision.
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-network-private.h"

#include "cep-batch-producer.h"

static CepBatchProducer *
new_ordered_producer (CepNetwork   *self,
                      CepPartition *partition,
                      GError      **error)
{
  CepBatchOptions options;

  cep_batch_options_init (&options);
  /* A resident partition's windows are gathered by the backend. */
  options.frames_only = cep_network_is_resident (self, partition);
  options.context = self->spec->context;
  options.context_past = cep_model_spec_get_context_past (self->spec);
  options.context_future = cep_model_spec_get_context_future (self->spec);
  options.batch_size = self->max_batch;
  options.shuffle = FALSE;
  options.augment.enabled = FALSE;
  return cep_batch_producer_new (partition, &options, error);
}

static gboolean
check_partition (CepNetwork   *self,
                 CepPartition *partition,
                 gboolean      need_labels,
                 GError      **error)
{
  if (cep_partition_get_feature_dim (partition) != self->spec->feature_dim)
    {
      g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID,
                   "%s: %u features per frame, the model expects %u",
                   cep_partition_get_name (partition), cep_partition_get_feature_dim (partition),
                   self->spec->feature_dim);
      return FALSE;
    }
  if (need_labels && !cep_partition_is_labelled (partition))
    {
      g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID,
                   "%s has no labels to evaluate against", cep_partition_get_name (partition));
      return FALSE;
    }
  return TRUE;
}

/* Runs @visit on every batch of @partition in order after the evaluation-mode forward. */
typedef void (*CepBatchVisitor) (CepNetwork     *self,
                                 const CepBatch *batch,
                                 gpointer        data);

static gboolean
for_each_batch (CepNetwork      *self,
                CepPartition    *partition,
                GCancellable    *cancellable,
                CepBatchVisitor  visit,
                gpointer         data,
                GError         **error)
{
  g_autoptr (CepBatchProducer) producer = new_ordered_producer (self, partition, error);
  GError *local_error = NULL;
  CepBatch *batch;

  if (producer == NULL)
    return FALSE;
  cep_batch_producer_start_epoch (producer, 0);
  while ((batch = cep_batch_producer_next (producer, cancellable, &local_error)) != NULL)
    {
      if (batch->inputs != NULL)
        _cep_network_upload_inputs (self, batch->inputs, batch->n_samples);
      else if (!_cep_network_gather_batch (self, partition, batch, error))
        {
          cep_batch_producer_release (producer, batch);
          return FALSE;
        }
      if (batch->labels != NULL)
        _cep_network_upload_labels (self, batch->labels, batch->n_samples);
      _cep_network_forward (self, batch->n_samples, FALSE, 0);
      visit (self, batch, data);
      cep_batch_producer_release (producer, batch);
    }
  if (g_error_matches (local_error, CEP_BATCH_PRODUCER_ERROR,
                       CEP_BATCH_PRODUCER_ERROR_CANCELLED))
    {
      g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_CANCELLED, "%s",
                   local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  /* Anything else is reported as it is, never as a cancellation. */
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  double  loss_sum;
  guint64 correct;
  guint64 frames;
} CepScoreSums;

static void
score_batch (CepNetwork     *self,
             const CepBatch *batch,
             gpointer        data)
{
  CepScoreSums *sums = data;
  double loss_sum;
  guint correct;

  _cep_network_score (self, batch->n_samples);
  _cep_network_read_score (self, &loss_sum, &correct);
  sums->loss_sum += loss_sum;
  sums->correct += correct;
  sums->frames += batch->n_samples;
}

gboolean
cep_network_evaluate (CepNetwork    *self,
                      CepPartition  *partition,
                      GCancellable  *cancellable,
                      CepEvalResult *result,
                      GError       **error)
{
  CepScoreSums sums = { 0 };

  g_return_val_if_fail (self != NULL && CEP_IS_PARTITION (partition), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (!check_partition (self, partition, TRUE, error) ||
      !for_each_batch (self, partition, cancellable, score_batch, &sums, error))
    return FALSE;
  result->frames = sums.frames;
  result->correct = sums.correct;
  result->loss = sums.frames > 0 ? sums.loss_sum / sums.frames : 0.0;
  result->accuracy = sums.frames > 0 ? (double) sums.correct / sums.frames : 0.0;
  return TRUE;
}

typedef struct
{
  guint8 *predictions;
  gint32 *ids;     /* one batch of argmax ids */
} CepPredictState;

static void
predict_batch (CepNetwork     *self,
               const CepBatch *batch,
               gpointer        data)
{
  CepPredictState *state = data;
  CepView logits = cep_network_act (self, cep_network_logits_offset (self));

  cep_backend_argmax (self->backend, batch->n_samples, self->n_classes, logits, CEP_VIEW_NONE,
                      cep_view (self->predictions, 0), CEP_VIEW_NONE);
  cep_buffer_download (self->predictions, 0, state->ids, batch->n_samples);
  for (guint i = 0; i < batch->n_samples; i++)
    state->predictions[batch->frames[i]] = (guint8) state->ids[i];
}

gboolean
cep_network_predict (CepNetwork    *self,
                     CepPartition  *partition,
                     GCancellable  *cancellable,
                     guint8        *predictions,
                     GError       **error)
{
  g_autofree gint32 *ids = NULL;
  CepPredictState state;

  g_return_val_if_fail (self != NULL && CEP_IS_PARTITION (partition), FALSE);
  g_return_val_if_fail (predictions != NULL, FALSE);

  if (!check_partition (self, partition, FALSE, error))
    return FALSE;
  ids = g_new (gint32, self->max_batch);
  state = (CepPredictState) { predictions, ids };
  return for_each_batch (self, partition, cancellable, predict_batch, &state, error);
}
