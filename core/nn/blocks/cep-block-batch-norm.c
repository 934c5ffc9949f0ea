/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-batch-norm.c: BatchNorm1d over features (torch.nn.BatchNorm1d, affine).
 *
 * γ (weight) and β (bias) are parameters; running_mean, running_var and num_batches_tracked
 * are buffers. Training normalizes with the batch's statistics and updates the running ones
 * with torch's momentum (running = (1 − momentum)·running + momentum·batch); evaluation uses
 * the running ones.
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-block-type.h"

#include <math.h>
#include <stddef.h>

#define BLOCK(member) offsetof (CepBlock, member)
static const CepField batch_norm_fields[] = {
  { "eps", CEP_FIELD_DOUBLE, BLOCK (eps), CEP_CHECK_POSITIVE, NULL, NULL,
    CEP_N_ ("Epsilon"), 1e-12, 1, 1e-6 },
  { "momentum", CEP_FIELD_DOUBLE, BLOCK (momentum), CEP_CHECK_UNIT_CLOSED, NULL, NULL,
    CEP_N_ ("Momentum"), 0, 1, 0.01 },
};
static const CepFieldTable batch_norm_table = CEP_FIELD_TABLE (batch_norm_fields);

CepBlock
cep_block_batch_norm (void)
{
  return cep_block_defaults (CEP_BLOCK_BATCH_NORM);
}

static const CepFieldTable *
batch_norm_fields_of (const CepBlock *block)
{
  return &batch_norm_table;
}

static gboolean
batch_norm_equal (const CepBlock *a,
                  const CepBlock *b)
{
  return a->eps == b->eps && a->momentum == b->momentum;
}

static gboolean
batch_norm_validate (const CepBlock       *block,
                     const CepBlockShape  *in,
                     gboolean              after_trainable,
                     char                **message)
{
  if (!after_trainable)
    *message = g_strdup ("batch_norm before any linear layer");
  else if (!(isfinite (block->eps) && block->eps > 0))
    *message = g_strdup_printf ("batch_norm eps %g is not positive", block->eps);
  else if (!(block->momentum >= 0 && block->momentum <= 1))
    *message = g_strdup_printf ("batch_norm momentum %g is not in [0, 1]", block->momentum);
  return *message == NULL;
}

static guint64
batch_norm_count_params (const CepBlock      *block,
                         const CepBlockShape *in)
{
  return 2 * (guint64) cep_block_shape_width (in);
}

/* Scale and shift per feature, as folded at inference. */
static guint64
batch_norm_count_flops (const CepBlock      *block,
                        const CepBlockShape *in)
{
  return 2 * (guint64) cep_block_shape_width (in);
}

static void
batch_norm_describe (const CepBlock      *block,
                     const CepBlockShape *in,
                     GString             *text)
{
  g_string_append_printf (text, "BatchNorm1d(%u)", cep_block_shape_width (in));
}

static void
batch_norm_list_tensors (const CepBlock      *block,
                         guint                index,
                         const CepBlockShape *in,
                         GArray              *tensors)
{
  guint width = cep_block_shape_width (in);

  cep_block_add_tensor (tensors, index, CEP_TENSOR_WEIGHT, width, TRUE);
  cep_block_add_tensor (tensors, index, CEP_TENSOR_BIAS, width, TRUE);
  cep_block_add_tensor (tensors, index, CEP_TENSOR_RUNNING_MEAN, width, FALSE);
  cep_block_add_tensor (tensors, index, CEP_TENSOR_RUNNING_VAR, width, FALSE);
  cep_block_add_tensor (tensors, index, CEP_TENSOR_NUM_BATCHES_TRACKED, 1, FALSE);
}

/* γ and β in the parameters, running statistics in the statistics buffer, the batch's saved
 * mean and 1/std in the work buffer. */
static void
batch_norm_layout (CepLayer        *layer,
                   CepLayer        *previous,
                   CepLayoutCursor *cursor)
{
  layer->weight = cep_layout_take (&cursor->params, layer->out);
  layer->bias = cep_layout_take (&cursor->params, layer->out);
  layer->running_mean = cep_layout_take (&cursor->stats, layer->out);
  layer->running_var = cep_layout_take (&cursor->stats, layer->out);
  layer->saved_mean = cep_layout_take (&cursor->work, layer->out);
  layer->saved_invstd = cep_layout_take (&cursor->work, layer->out);
}

static gboolean
batch_norm_tensor_place (const CepLayer *layer,
                         CepTensorRole   role,
                         CepTensorPlace *place)
{
  switch (role)
    {
    case CEP_TENSOR_WEIGHT:
      *place = (CepTensorPlace) { layer->weight, layer->out, FALSE };
      return TRUE;
    case CEP_TENSOR_BIAS:
      *place = (CepTensorPlace) { layer->bias, layer->out, FALSE };
      return TRUE;
    case CEP_TENSOR_RUNNING_MEAN:
      *place = (CepTensorPlace) { layer->running_mean, layer->out, TRUE };
      return TRUE;
    case CEP_TENSOR_RUNNING_VAR:
      *place = (CepTensorPlace) { layer->running_var, layer->out, TRUE };
      return TRUE;
    default:
      return FALSE;   /* num_batches_tracked is a host counter */
    }
}

static void
fill_floats (float *data,
             gsize  n,
             float  value)
{
  for (gsize i = 0; i < n; i++)
    data[i] = value;
}

static void
batch_norm_init (const CepModelSpec *spec,
                 const CepLayer     *layer,
                 guint64             seed,
                 float              *params,
                 float              *stats)
{
  fill_floats (params + layer->weight, layer->out, 1.0f);
  fill_floats (params + layer->bias, layer->out, 0.0f);
  fill_floats (stats + layer->running_mean, layer->out, 0.0f);
  fill_floats (stats + layer->running_var, layer->out, 1.0f);
}

static CepBatchNorm
batch_norm_of (const CepBlockPass *pass,
               const CepLayer     *layer)
{
  return (CepBatchNorm) {
    .gamma = cep_view (pass->params, layer->weight),
    .beta = cep_view (pass->params, layer->bias),
    .running_mean = cep_view (pass->stats, layer->running_mean),
    .running_var = cep_view (pass->stats, layer->running_var),
    .saved_mean = cep_view (pass->work, layer->saved_mean),
    .saved_invstd = cep_view (pass->work, layer->saved_invstd),
    .momentum = (float) layer->block->momentum,
    .eps = (float) layer->block->eps,
  };
}

static void
batch_norm_forward (CepBlockPass   *pass,
                    const CepLayer *layer)
{
  CepBatchNorm bn = batch_norm_of (pass, layer);
  CepView x = cep_block_pass_act (pass, layer->x);
  CepView y = cep_block_pass_act (pass, layer->y);

  if (pass->training)
    cep_backend_batchnorm_forward_train (pass->backend, pass->rows, layer->out, bn, x, y);
  else
    cep_backend_batchnorm_forward_eval (pass->backend, pass->rows, layer->out, bn, x, y);
}

/* Evaluation-mode BatchNorm is y = (x − mean)·γ/√(var + ε) + β per column, so its input
 * gradient is dy·γ/√(var + ε): the same normalization applied to dy with mean 0, β 0. */
static void
batch_norm_backward (CepBlockPass   *pass,
                     const CepLayer *layer)
{
  CepBatchNorm bn = batch_norm_of (pass, layer);
  CepView g = cep_view (pass->grad_current, 0);

  if (pass->training)
    {
      cep_backend_batchnorm_backward (pass->backend, pass->rows, layer->out, bn,
                                      cep_block_pass_act (pass, layer->x), g, g,
                                      cep_block_pass_grad (pass, layer->weight),
                                      cep_block_pass_grad (pass, layer->bias));
      return;
    }
  bn.running_mean = cep_view (pass->work, pass->zeros);
  bn.beta = CEP_VIEW_NONE;
  cep_backend_batchnorm_forward_eval (pass->backend, pass->rows, layer->out, bn, g, g);
}

const CepBlockType cep_block_type_batch_norm = {
  .kind = CEP_BLOCK_BATCH_NORM,
  .name = "batch_norm",
  .label = CEP_N_ ("Batch norm"),
  .short_label = CEP_N_ ("BN"),
  .trainable = TRUE,
  .batch_statistics = TRUE,
  .defaults = cep_block_batch_norm,
  .fields = batch_norm_fields_of,
  .equal = batch_norm_equal,
  .output_shape = cep_block_same_shape,
  .validate = batch_norm_validate,
  .count_params = batch_norm_count_params,
  .count_flops = batch_norm_count_flops,
  .describe = batch_norm_describe,
  .list_tensors = batch_norm_list_tensors,
  .layout = batch_norm_layout,
  .tensor_place = batch_norm_tensor_place,
  .init = batch_norm_init,
  .forward = batch_norm_forward,
  .backward = batch_norm_backward,
};
