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

static CepView
param_view (CepNetwork *self,
            gsize       offset)
{
  return offset == CEP_NO_OFFSET ? CEP_VIEW_NONE : cep_view (self->params, offset);
}

static CepView
grad_view (CepNetwork *self,
           gsize       offset)
{
  return offset == CEP_NO_OFFSET ? CEP_VIEW_NONE : cep_view (self->grads, offset);
}

static CepBatchNorm
batch_norm_of (CepNetwork     *self,
               const CepLayer *layer)
{
  return (CepBatchNorm) {
    .gamma = cep_view (self->params, layer->gamma),
    .beta = cep_view (self->params, layer->beta),
    .running_mean = cep_view (self->stats, layer->running_mean),
    .running_var = cep_view (self->stats, layer->running_var),
    .saved_mean = cep_view (self->work, layer->saved_mean),
    .saved_invstd = cep_view (self->work, layer->saved_invstd),
    .momentum = layer->momentum,
    .eps = layer->eps,
  };
}

/* Forward */

static void
forward_linear (CepNetwork     *self,
                const CepLayer *layer,
                guint           n)
{
  const CepLayer *next = layer + 1;
  gboolean fuse = layer->index + 1 < self->n_layers && next->kind == CEP_BLOCK_ACTIVATION &&
                  next->fused;
  CepView y = cep_network_act (self, layer->y);

  cep_backend_gemm (self->backend, CEP_NO_TRANS, CEP_TRANS, n, layer->out, layer->in, 1.0f,
                    cep_network_act (self, layer->x), layer->in,
                    param_view (self, layer->weight), layer->in, 0.0f, y, layer->out);
  if (fuse)
    cep_backend_bias_act_forward (self->backend, n, layer->out, next->activation, next->slope,
                                  param_view (self, layer->bias), y,
                                  cep_network_act (self, next->y));
  else if (layer->bias != CEP_NO_OFFSET)
    cep_backend_bias_act_forward (self->backend, n, layer->out, CEP_ACTIVATION_IDENTITY, 0.0f,
                                  param_view (self, layer->bias), y, y);
}

static void
forward_batch_norm (CepNetwork     *self,
                    const CepLayer *layer,
                    guint           n,
                    gboolean        training)
{
  CepBatchNorm bn = batch_norm_of (self, layer);
  CepView x = cep_network_act (self, layer->x);
  CepView y = cep_network_act (self, layer->y);

  if (training)
    cep_backend_batchnorm_forward_train (self->backend, n, layer->out, bn, x, y);
  else
    cep_backend_batchnorm_forward_eval (self->backend, n, layer->out, bn, x, y);
}

static void
forward_layer (CepNetwork     *self,
               const CepLayer *layer,
               guint           n,
               gboolean        training,
               guint64         step)
{
  CepDropoutKey key = { self->seed, step, layer->index };
  gsize size = (gsize) n * layer->out;

  switch (layer->kind)
    {
    case CEP_BLOCK_LINEAR:
      forward_linear (self, layer, n);
      break;
    case CEP_BLOCK_BATCH_NORM:
      forward_batch_norm (self, layer, n, training);
      break;
    case CEP_BLOCK_ACTIVATION:
      if (!layer->fused)
        cep_backend_bias_act_forward (self->backend, n, layer->out, layer->activation,
                                      layer->slope, CEP_VIEW_NONE,
                                      cep_network_act (self, layer->x),
                                      cep_network_act (self, layer->y));
      break;
    case CEP_BLOCK_DROPOUT:
      if (training && layer->p > 0.0f)
        cep_backend_dropout_forward (self->backend, size, layer->p, key,
                                     cep_network_act (self, layer->x),
                                     cep_network_act (self, layer->y),
                                     cep_view (self->masks, layer->mask));
      break;
    default:
      g_assert_not_reached ();
    }
}

void
_cep_network_forward (CepNetwork *self,
                      guint       n,
                      gboolean    training,
                      guint64     step)
{
  for (guint i = 0; i < self->n_layers; i++)
    forward_layer (self, &self->layers[i], n, training, step);
  /* BatchNorm's num_batches_tracked: every BatchNorm layer saw this batch once. */
  if (training && self->has_batch_norm)
    self->bn_batches++;
}

/* Backward. The activation gradient flows through the two ping-pong buffers: every layer
 * works in place except a Linear's dx, which goes to the other buffer. */

typedef struct
{
  CepBuffer *current;
  CepBuffer *other;
} CepGradFlow;

static CepView
flow_view (CepGradFlow *flow)
{
  return cep_view (flow->current, 0);
}

static void
flow_swap (CepGradFlow *flow)
{
  CepBuffer *t = flow->current;
  flow->current = flow->other;
  flow->other = t;
}

static void
backward_linear (CepNetwork     *self,
                 const CepLayer *layer,
                 guint           n,
                 gboolean        training,
                 CepGradFlow    *flow)
{
  gboolean fused_bias = layer->index + 1 < self->n_layers && layer[1].fused;
  CepView g = flow_view (flow);

  if (training && layer->bias != CEP_NO_OFFSET && !fused_bias)
    cep_backend_column_sums (self->backend, n, layer->out, g, 0.0f,
                             grad_view (self, layer->bias));
  if (training)
    cep_backend_gemm (self->backend, CEP_TRANS, CEP_NO_TRANS, layer->out, layer->in, n, 1.0f,
                      g, layer->out, cep_network_act (self, layer->x), layer->in, 0.0f,
                      grad_view (self, layer->weight), layer->in);
  if (layer->needs_dx || !training)
    {
      cep_backend_gemm (self->backend, CEP_NO_TRANS, CEP_NO_TRANS, n, layer->in, layer->out,
                        1.0f, g, layer->out, param_view (self, layer->weight), layer->in, 0.0f,
                        cep_view (flow->other, 0), layer->in);
      flow_swap (flow);
    }
}

static void
backward_activation (CepNetwork     *self,
                     const CepLayer *layer,
                     guint           n,
                     gboolean        training,
                     CepGradFlow    *flow)
{
  /* A fused activation differentiates at the Linear's output and yields its bias gradient. */
  const CepLayer *linear = layer->fused ? layer - 1 : NULL;
  CepView pre = cep_network_act (self, linear != NULL ? linear->y : layer->x);
  CepView dbias = training && linear != NULL ? grad_view (self, linear->bias) : CEP_VIEW_NONE;
  CepView g = flow_view (flow);

  cep_backend_bias_act_backward (self->backend, n, layer->out, layer->activation,
                                 layer->slope, pre, g, g, dbias);
}

/* Evaluation-mode BatchNorm is y = (x − mean)·γ/√(var + ε) + β per column, so its input
 * gradient is dy·γ/√(var + ε): the same normalization applied to dy with mean 0, β 0. */
static void
backward_batch_norm_eval (CepNetwork     *self,
                          const CepLayer *layer,
                          guint           n,
                          CepView         g)
{
  CepBatchNorm bn = batch_norm_of (self, layer);

  bn.running_mean = cep_view (self->work, self->zeros);
  bn.beta = CEP_VIEW_NONE;
  cep_backend_batchnorm_forward_eval (self->backend, n, layer->out, bn, g, g);
}

static void
backward_layer (CepNetwork     *self,
                const CepLayer *layer,
                guint           n,
                gboolean        training,
                CepGradFlow    *flow)
{
  CepView g = flow_view (flow);

  switch (layer->kind)
    {
    case CEP_BLOCK_LINEAR:
      backward_linear (self, layer, n, training, flow);
      break;
    case CEP_BLOCK_BATCH_NORM:
      if (training)
        cep_backend_batchnorm_backward (self->backend, n, layer->out,
                                        batch_norm_of (self, layer),
                                        cep_network_act (self, layer->x), g, g,
                                        grad_view (self, layer->gamma),
                                        grad_view (self, layer->beta));
      else
        backward_batch_norm_eval (self, layer, n, g);
      break;
    case CEP_BLOCK_ACTIVATION:
      backward_activation (self, layer, n, training, flow);
      break;
    case CEP_BLOCK_DROPOUT:
      if (training && layer->p > 0.0f)
        cep_backend_dropout_backward (self->backend, (gsize) n * layer->out, layer->p,
                                      cep_view (self->masks, layer->mask), g, g);
      break;
    default:
      g_assert_not_reached ();
    }
}

CepBuffer *
_cep_network_backward (CepNetwork *self,
                       guint       n,
                       gboolean    training)
{
  CepGradFlow flow = { self->grad_a, self->grad_b };

  for (guint i = self->n_layers; i-- > 0;)
    {
      const CepLayer *layer = &self->layers[i];
      /* In training, layers before the first trainable one need no gradient. */
      if (training && !layer->needs_dx && layer->kind != CEP_BLOCK_LINEAR)
        break;
      backward_layer (self, layer, n, training, &flow);
    }
  return flow.current;
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

/* Forward, loss and backward of a training step; the scalars stay on the backend. */
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
  _cep_network_upload_labels (self, labels, n);
  _cep_network_forward (self, n, TRUE, step);
  _cep_network_score (self, n);
  cep_backend_softmax_ce_backward (self->backend, n, self->n_classes,
                                   (float) self->spec->label_smoothing, 1.0f / (float) n,
                                   cep_network_act (self, cep_network_logits_offset (self)),
                                   cep_view (self->labels, 0), cep_view (self->grad_a, 0));
  _cep_network_backward (self, n, TRUE);
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

  if (!run_gradients (self, inputs, labels, n, step, error))
    return FALSE;
  if (self->optimizer.clip_norm > 0.0)
    clip_gradients (self);
  optimizer_step (self, lr);
  /* The only download of the step, after the whole step is queued. */
  return finish_step (self, n, step, stats, error);
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
