/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-linear.c: the Linear block (torch.nn.Linear): y = x·Wᵀ + b.
 *
 * Weights are [out × in], biases [out], drawn by cep_model_spec_init_linear(). An activation
 * right after a Linear is applied by the Linear's bias operation (fused), and its backward
 * yields the bias gradient. The classifier head is a Linear too.
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-block-type.h"

#include <math.h>
#include <stddef.h>

static gboolean
is_normal_init (gconstpointer base)
{
  return ((const CepBlock *) base)->init == CEP_INIT_NORMAL;
}

#define BLOCK(member) offsetof (CepBlock, member)
static const CepField linear_fields[] = {
  { "width", CEP_FIELD_UINT, BLOCK (width), CEP_CHECK_AT_LEAST_ONE, NULL, NULL,
    CEP_N_ ("Width"), 1, CEP_MODEL_MAX_WIDTH, 1 },
  { "init", CEP_FIELD_ENUM, BLOCK (init), CEP_CHECK_ANY, cep_init_names, NULL,
    CEP_N_ ("Initialization"), 0, 0, 0, cep_init_labels },
  { "std", CEP_FIELD_DOUBLE, BLOCK (init_std), CEP_CHECK_POSITIVE, NULL, is_normal_init,
    CEP_N_ ("Standard deviation"), 1e-6, 10, 0.001 },
  { "bias", CEP_FIELD_BOOL, BLOCK (bias), CEP_CHECK_ANY, NULL, NULL, CEP_N_ ("Bias"),
    0, 0, 0 },
};
static const CepFieldTable linear_table = CEP_FIELD_TABLE (linear_fields);

CepBlock
cep_block_linear (guint width)
{
  CepBlock block = cep_block_defaults (CEP_BLOCK_LINEAR);

  block.width = width;
  return block;
}

static CepBlock
linear_defaults (void)
{
  return cep_block_linear (0);
}

static const CepFieldTable *
linear_fields_of (const CepBlock *block)
{
  return &linear_table;
}

static gboolean
linear_equal (const CepBlock *a,
              const CepBlock *b)
{
  return a->width == b->width && a->init == b->init && a->bias == b->bias
         && (a->init != CEP_INIT_NORMAL || a->init_std == b->init_std);
}

static void
linear_output_shape (const CepBlock      *block,
                     const CepBlockShape *in,
                     CepBlockShape       *out)
{
  *out = (CepBlockShape) { 1, block->width, TRUE };
}

static gboolean
linear_validate (const CepBlock       *block,
                 const CepBlockShape  *in,
                 gboolean              after_trainable,
                 char                **message)
{
  if (block->width == 0 || block->width > CEP_MODEL_MAX_WIDTH)
    *message = g_strdup_printf ("linear width %u is not in [1, %u]", block->width,
                                CEP_MODEL_MAX_WIDTH);
  else if ((guint) block->init >= CEP_INIT_COUNT)
    *message = g_strdup_printf ("unknown initialization %d", block->init);
  else if (block->init == CEP_INIT_NORMAL && !(isfinite (block->init_std)
                                               && block->init_std > 0))
    *message = g_strdup_printf ("normal initialization needs a positive std, not %g",
                                block->init_std);
  return *message == NULL;
}

static guint64
linear_count_params (const CepBlock      *block,
                     const CepBlockShape *in)
{
  return (guint64) cep_block_shape_width (in) * block->width + (block->bias ? block->width : 0);
}

static guint64
linear_count_flops (const CepBlock      *block,
                    const CepBlockShape *in)
{
  return 2 * (guint64) cep_block_shape_width (in) * block->width
         + (block->bias ? block->width : 0);
}

static guint64
linear_count_train_gemm_flops (const CepBlock      *block,
                               const CepBlockShape *in,
                               gboolean             first_trainable)
{
  return (first_trainable ? 4 : 6) * (guint64) cep_block_shape_width (in) * block->width;
}

static void
linear_describe (const CepBlock      *block,
                 const CepBlockShape *in,
                 GString             *text)
{
  g_string_append_printf (text, "Linear(%u, %u%s)", cep_block_shape_width (in), block->width,
                          block->bias ? "" : ", bias=False");
}

static void
linear_list_tensors (const CepBlock      *block,
                     guint                index,
                     const CepBlockShape *in,
                     GArray              *tensors)
{
  guint width = cep_block_shape_width (in);
  CepTensorInfo *weight = cep_block_add_tensor (tensors, index, CEP_TENSOR_WEIGHT,
                                                block->width, TRUE);

  weight->n_dims = 2;
  weight->shape[1] = width;
  weight->n_elements = (gsize) block->width * width;
  if (block->bias)
    cep_block_add_tensor (tensors, index, CEP_TENSOR_BIAS, block->width, TRUE);
}

static void
linear_layout (CepLayer        *layer,
               CepLayer        *previous,
               CepLayoutCursor *cursor)
{
  layer->weight = cep_layout_take (&cursor->params, (gsize) layer->out * layer->in);
  layer->bias = layer->block->bias ? cep_layout_take (&cursor->params, layer->out)
                                   : CEP_NO_OFFSET;
}

static gboolean
linear_tensor_place (const CepLayer *layer,
                     CepTensorRole   role,
                     CepTensorPlace *place)
{
  if (role == CEP_TENSOR_WEIGHT)
    *place = (CepTensorPlace) { layer->weight, (gsize) layer->out * layer->in, FALSE };
  else if (role == CEP_TENSOR_BIAS && layer->bias != CEP_NO_OFFSET)
    *place = (CepTensorPlace) { layer->bias, layer->out, FALSE };
  else
    return FALSE;
  return TRUE;
}

static void
linear_init (const CepModelSpec *spec,
             const CepLayer     *layer,
             guint64             seed,
             float              *params,
             float              *stats)
{
  cep_model_spec_init_linear (spec, layer->index, seed, params + layer->weight,
                              layer->bias != CEP_NO_OFFSET ? params + layer->bias : NULL);
}

/* The activation after @layer when it is applied here, else NULL. */
static const CepLayer *
fused_activation (const CepBlockPass *pass,
                  const CepLayer     *layer)
{
  return layer->index + 1 < pass->n_layers && layer[1].fused ? layer + 1 : NULL;
}

static void
linear_forward (CepBlockPass   *pass,
                const CepLayer *layer)
{
  const CepLayer *next = fused_activation (pass, layer);
  CepView y = cep_block_pass_act (pass, layer->y);
  guint n = pass->rows;

  cep_backend_gemm (pass->backend, CEP_NO_TRANS, CEP_TRANS, n, layer->out, layer->in, 1.0f,
                    cep_block_pass_act (pass, layer->x), layer->in,
                    cep_block_pass_param (pass, layer->weight), layer->in, 0.0f, y, layer->out);
  if (next != NULL)
    cep_backend_bias_act_forward (pass->backend, n, layer->out, next->block->activation,
                                  (float) next->block->slope,
                                  cep_block_pass_param (pass, layer->bias), y,
                                  cep_block_pass_act (pass, next->y));
  else if (layer->bias != CEP_NO_OFFSET)
    cep_backend_bias_act_forward (pass->backend, n, layer->out, CEP_ACTIVATION_IDENTITY, 0.0f,
                                  cep_block_pass_param (pass, layer->bias), y, y);
}

static void
linear_backward (CepBlockPass   *pass,
                 const CepLayer *layer)
{
  CepView g = cep_view (pass->grad_current, 0);
  guint n = pass->rows;

  /* A fused activation's backward has given the bias gradient already. */
  if (pass->training && layer->bias != CEP_NO_OFFSET && fused_activation (pass, layer) == NULL)
    cep_backend_column_sums (pass->backend, n, layer->out, g, 0.0f,
                             cep_block_pass_grad (pass, layer->bias));
  if (pass->training)
    cep_backend_gemm (pass->backend, CEP_TRANS, CEP_NO_TRANS, layer->out, layer->in, n, 1.0f,
                      g, layer->out, cep_block_pass_act (pass, layer->x), layer->in, 0.0f,
                      cep_block_pass_grad (pass, layer->weight), layer->in);
  if (layer->needs_dx || !pass->training)
    {
      cep_backend_gemm (pass->backend, CEP_NO_TRANS, CEP_NO_TRANS, n, layer->in, layer->out,
                        1.0f, g, layer->out, cep_block_pass_param (pass, layer->weight),
                        layer->in, 0.0f, cep_view (pass->grad_other, 0), layer->in);
      cep_block_pass_swap (pass);
    }
}

const CepBlockType cep_block_type_linear = {
  .kind = CEP_BLOCK_LINEAR,
  .name = "linear",
  .label = CEP_N_ ("Linear"),
  .trainable = TRUE,
  .fuses_activation = TRUE,
  .defaults = linear_defaults,
  .fields = linear_fields_of,
  .equal = linear_equal,
  .output_shape = linear_output_shape,
  .validate = linear_validate,
  .count_params = linear_count_params,
  .count_flops = linear_count_flops,
  .count_train_gemm_flops = linear_count_train_gemm_flops,
  .describe = linear_describe,
  .list_tensors = linear_list_tensors,
  .layout = linear_layout,
  .tensor_place = linear_tensor_place,
  .init = linear_init,
  .forward = linear_forward,
  .backward = linear_backward,
};
