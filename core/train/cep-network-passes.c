/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-network-passes.c: forward, backward and the training step of a CepNetwork, as
 * sequences of backend operations.
 *
 * Nothing here reads or writes a parameter or an activation on the host: the host uploads
 * the batch and downloads the step's scalars, so a device backend runs a whole step without
 * a round trip. Layer semantics are torch's: Linear y = x·Wᵀ + b, BatchNorm1d (batch
 * statistics in training, running ones in evaluation), inverted dropout, mean softmax
 * cross-entropy with label smoothing.
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-network-private.h"

#include <math.h>

/* Uploads */

void
_cep_network_upload_inputs (CepNetwork  *self,
                            const float *inputs,
                            guint        n)
{
  /* The input tensor is the first one of the activation buffer. */
  cep_buffer_upload (self->acts, 0, inputs, (gsize) n * self->input_dim);
}

void
_cep_network_upload_labels (CepNetwork   *self,
                            const gint32 *labels,
                            guint         n)
{
  cep_buffer_upload (self->labels, 0, labels, n);
}

/* What a block's pass sees of the network (cep-block-type.h). */
static CepBlockPass
pass_of (CepNetwork *self,
         guint       n,
         gboolean    training,
         guint64     step)
{
  return (CepBlockPass) {
    .backend = self->backend,
    .params = self->params,
    .grads = self->grads,
    .stats = self->stats,
    .acts = self->acts,
    .work = self->work,
    .masks = self->masks,
    .zeros = self->zeros,
    .layers = self->layers,
    .n_layers = self->n_layers,
    .rows = n,
    .training = training,
    .seed = self->seed,
    .step = step,
    .grad_current = self->grad_a,
    .grad_other = self->grad_b,
  };
}

/* Forward */

void
_cep_network_forward (CepNetwork *self,
                      guint       n,
                      gboolean    training,
                      guint64     step)
{
  CepBlockPass pass = pass_of (self, n, training, step);

  cep_block_pass_forward_layers (&pass, 0, self->n_layers);
  /* BatchNorm's num_batches_tracked: every BatchNorm layer saw this batch once. */
  if (training && self->has_batch_norm)
    self->bn_batches++;
}

/* Backward. The activation gradient flows through the two ping-pong buffers grad_a and
 * grad_b (CepBlockPass); it starts in grad_a. */

CepBuffer *
_cep_network_backward (CepNetwork *self,
                       guint       n,
                       gboolean    training)
{
  CepBlockPass pass = pass_of (self, n, training, 0);

  cep_block_pass_backward_layers (&pass, 0, self->n_layers);
  return pass.grad_current;
}

/* The training step */

static void
optimizer_step (CepNetwork *self,
                double      lr)
{
  const CepOptimizerConfig *o = &self->optimizer;
  CepView params = cep_view (self->params, 0);
  CepView grads = cep_view (self->grads, 0);

  self->optimizer_steps++;
  if (o->kind == CEP_OPTIMIZER_KIND_SGD)
    {
      CepSgdParams p = { lr, o->momentum, o->dampening, o->weight_decay, o->nesterov,
                         self->optimizer_steps };
      cep_backend_sgd_step (self->backend, self->n_params, p, params, grads,
                            self->opt_m != NULL ? cep_view (self->opt_m, 0) : CEP_VIEW_NONE);
      return;
    }
  CepAdamParams p = { lr, o->beta1, o->beta2, o->eps, o->weight_decay,
                      o->kind == CEP_OPTIMIZER_KIND_ADAMW, self->optimizer_steps };
  cep_backend_adam_step (self->backend, self->n_params, p, params, grads,
                         cep_view (self->opt_m, 0), cep_view (self->opt_v, 0));
}

static void
clip_gradients (CepNetwork *self)
{
  CepView sum = cep_view (self->scalars, CEP_SCALAR_GRAD_NORM_SQ);
  CepView grads = cep_view (self->grads, 0);

  cep_backend_sum_squares (self->backend, self->n_params, grads, sum);
  cep_backend_clip_scale (self->backend, self->n_params, sum,
                          (float) self->optimizer.clip_norm, grads);
}

static gboolean
check_rows (CepNetwork *self,
            guint       n,
            gboolean    training,
            GError    **error)
{
  if (n > self->max_batch)
    {
      g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID,
                   "a batch of %u rows is larger than the network's %u", n, self->max_batch);
      return FALSE;
    }
  if (training && n < 2 && self->has_batch_norm)
    {
      g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID,
                   "batch normalization needs at least 2 rows in training, got %u", n);
      return FALSE;
    }
  return TRUE;
}

/* The loss and correct count of the logits against the uploaded labels, into the scalars. */
void
_cep_network_score (CepNetwork *self,
                    guint       n)
{
  CepView logits = cep_network_act (self, cep_network_logits_offset (self));
  CepView labels = cep_view (self->labels, 0);

  cep_backend_fill (self->backend, CEP_N_SCALARS, 0.0f, cep_view (self->scalars, 0));
  cep_backend_softmax_ce_forward (self->backend, n, self->n_classes,
                                  (float) self->spec->label_smoothing, logits, labels,
                                  cep_view (self->scalars, CEP_SCALAR_LOSS_SUM));
  cep_backend_argmax (self->backend, n, self->n_classes, logits, labels, CEP_VIEW_NONE,
                      cep_view (self->scalars, CEP_SCALAR_CORRECT));
}

void
_cep_network_read_score (CepNetwork *self,
                         double     *loss_sum,
                         guint      *correct)
{
  union { float f; gint32 i; } words[2];

  cep_buffer_download (self->scalars, CEP_SCALAR_LOSS_SUM, words, 2);
  *loss_sum = words[0].f;
  *correct = (guint) words[1].i;
}

static gboolean
check_loss (double   loss_sum,
            guint64  step,
            GError **error)
{
  if (isfinite (loss_sum))
    return TRUE;
  g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_NON_FINITE,
               "step %" G_GUINT64_FORMAT ": the loss is %s", step,
               isnan (loss_sum) ? "NaN" : "infinite");
  return FALSE;
}

/* Forward, loss and backward of a training step on the input tensor as it is; the scalars
 * stay on the backend. */
static void
run_gradients_on_inputs (CepNetwork   *self,
                         const gint32 *labels,
                         guint         n,
                         guint64       step)
{
  _cep_network_upload_labels (self, labels, n);
  _cep_network_forward (self, n, TRUE, step);
  _cep_network_score (self, n);
  cep_backend_softmax_ce_backward (self->backend, n, self->n_classes,
                                   (float) self->spec->label_smoothing, 1.0f / (float) n,
                                   cep_network_act (self, cep_network_logits_offset (self)),
                                   cep_view (self->labels, 0), cep_view (self->grad_a, 0));
  _cep_network_backward (self, n, TRUE);
}

static gboolean
run_gradients (CepNetwork   *self,
               const float  *inputs,
               const gint32 *labels,
               guint         n,
               guint64       step,
               GError      **error)
{
  if (!check_rows (self, n, TRUE, error))
    return FALSE;
  _cep_network_upload_inputs (self, inputs, n);
  run_gradients_on_inputs (self, labels, n, step);
  return TRUE;
}

static gboolean
finish_step (CepNetwork   *self,
             guint         n,
             guint64       step,
             CepStepStats *stats,
             GError      **error)
{
  double loss_sum;
  guint correct;

  _cep_network_read_score (self, &loss_sum, &correct);
  if (stats != NULL)
    *stats = (CepStepStats) { loss_sum / n, correct, n };
  return check_loss (loss_sum, step, error);
}

gboolean
cep_network_compute_gradients (CepNetwork   *self,
                               const float  *inputs,
                               const gint32 *labels,
                               guint         n,
                               guint64       step,
                               CepStepStats *stats,
                               GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (inputs != NULL && labels != NULL && n > 0, FALSE);

  return run_gradients (self, inputs, labels, n, step, error) &&
         finish_step (self, n, step, stats, error);
}

gboolean
_cep_network_check_rows (CepNetwork *self,
                         guint       n,
                         GError    **error)
{
  return check_rows (self, n, TRUE, error);
}

gboolean
_cep_network_train_on_inputs (CepNetwork   *self,
                              const gint32 *labels,
                              guint         n,
                              guint64       step,
                              double        lr,
                              CepStepStats *stats,
                              GError      **error)
{
  run_gradients_on_inputs (self, labels, n, step);
  if (self->optimizer.clip_norm > 0.0)
    clip_gradients (self);
  optimizer_step (self, lr);
  /* The only download of the step, after the whole step is queued. */
  return finish_step (self, n, step, stats, error);
}

gboolean
cep_network_train_step (CepNetwork   *self,
                        const float  *inputs,
                        const gint32 *labels,
                        guint         n,
                        guint64       step,
                        double        lr,
                        CepStepStats *stats,
                        GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (inputs != NULL && labels != NULL && n > 0, FALSE);

  if (!check_rows (self, n, TRUE, error))
    return FALSE;
  _cep_network_upload_inputs (self, inputs, n);
  return _cep_network_train_on_inputs (self, labels, n, step, lr, stats, error);
}

/* Host-to-host evaluation passes, chunked by max_batch */

gboolean
cep_network_forward_eval (CepNetwork  *self,
                          const float *inputs,
                          guint        n,
                          float       *logits,
                          GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (n == 0 || (inputs != NULL && logits != NULL), FALSE);

  for (guint start = 0; start < n; start += self->max_batch)
    {
      guint rows = MIN (self->max_batch, n - start);
      _cep_network_upload_inputs (self, inputs + (gsize) start * self->input_dim, rows);
      _cep_network_forward (self, rows, FALSE, 0);
      cep_buffer_download (self->acts, cep_network_logits_offset (self),
                           logits + (gsize) start * self->n_classes,
                           (gsize) rows * self->n_classes);
    }
  return TRUE;
}

gboolean
cep_network_input_gradient (CepNetwork  *self,
                            const float *inputs,
                            guint        n,
                            const float *dlogits,
                            float       *dinputs,
                            GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (n == 0 || (inputs != NULL && dlogits != NULL && dinputs != NULL),
                        FALSE);

  for (guint start = 0; start < n; start += self->max_batch)
    {
      guint rows = MIN (self->max_batch, n - start);
      CepBuffer *result;

      _cep_network_upload_inputs (self, inputs + (gsize) start * self->input_dim, rows);
      _cep_network_forward (self, rows, FALSE, 0);
      cep_buffer_upload (self->grad_a, 0, dlogits + (gsize) start * self->n_classes,
                         (gsize) rows * self->n_classes);
      result = _cep_network_backward (self, rows, FALSE);
      cep_buffer_download (result, 0, dinputs + (gsize) start * self->input_dim,
                           (gsize) rows * self->input_dim);
    }
  return TRUE;
}
