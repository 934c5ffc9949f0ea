/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-layer-norm.c: torch.nn.LayerNorm over the last dimension — the features of a flat
 * vector, or the channels of each frame of a (frames × channels) input.
 *
 * Every sample (every frame) is normalized with its own mean and biased variance, so training
 * and evaluation compute the same thing and there are no running statistics. With
 * elementwise_affine (torch's default) a weight γ and a bias β per normalized feature follow,
 * named layers.<i>.weight and layers.<i>.bias as in nn.Sequential's state_dict. The per-row
 * mean and 1/std are saved in the work buffer by every forward, since a backward may follow in
 * either mode (the dependency matrix differentiates an evaluation pass).
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-block-type.h"

#include <math.h>
#include <stddef.h>

#define BLOCK(member) offsetof (CepBlock, member)
static const CepField layer_norm_fields[] = {
  { "eps", CEP_FIELD_DOUBLE, BLOCK (eps), CEP_CHECK_POSITIVE, NULL, NULL,
    CEP_N_ ("Epsilon"), 1e-12, 1, 1e-6 },
  { "elementwise_affine", CEP_FIELD_BOOL, BLOCK (elementwise_affine), CEP_CHECK_ANY, NULL,
    NULL, CEP_N_ ("Weight and bias"), 0, 0, 0 },
};
static const CepFieldTable layer_norm_table = CEP_FIELD_TABLE (layer_norm_fields);

CepBlock
cep_block_layer_norm (void)
{
  return cep_block_defaults (CEP_BLOCK_LAYER_NORM);
}

static const CepFieldTable *
layer_norm_fields_of (const CepBlock *block)
{
  return &layer_norm_table;
}

static gboolean
layer_norm_equal (const CepBlock *a,
                  const CepBlock *b)
{
  return a->eps == b->eps && !a->elementwise_affine == !b->elementwise_affine;
}

static gboolean
layer_norm_validate (const CepBlock       *block,
                     const CepBlockShape  *in,
                     gboolean              after_trainable,
                     char                **message)
{
  if (!(isfinite (block->eps) && block->eps > 0))
    *message = g_strdup_printf ("layer_norm eps %g is not positive", block->eps);
  else if (in->channels < 1)
    *message = g_strdup ("layer_norm over 0 features");
  return *message == NULL;
}

/* The normalized features: a flat vector's width is its channels (1 frame of them). */
static guint
normalized_features (const CepBlockShape *in)
{
  return in->channels;
}

static guint64
layer_norm_count_params (const CepBlock      *block,
                         const CepBlockShape *in)
{
  return block->elementwise_affine ? 2 * (guint64) normalized_features (in) : 0;
}

/* Per feature: 4 for the row's statistics and the normalization (sum, centre, square-add,
 * scale), 2 more for γ and β. */
static guint64
layer_norm_count_flops (const CepBlock      *block,
                        const CepBlockShape *in)
{
  return (block->elementwise_affine ? 6 : 4) * (guint64) cep_block_shape_width (in);
}

static void
layer_norm_describe (const CepBlock      *block,
                     const CepBlockShape *in,
                     GString             *text)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (text, "LayerNorm(%u, eps=%s%s)", normalized_features (in),
                          g_ascii_formatd (number, sizeof number, "%g", block->eps),
                          block->elementwise_affine ? "" : ", elementwise_affine=False");
}

static void
layer_norm_list_tensors (const CepBlock      *block,
                         guint                index,
                         const CepBlockShape *in,
                         GArray              *tensors)
{
  guint features = normalized_features (in);

  if (!block->elementwise_affine)
    return;
  cep_block_add_tensor (tensors, index, CEP_TENSOR_WEIGHT, features, TRUE);
  cep_block_add_tensor (tensors, index, CEP_TENSOR_BIAS, features, TRUE);
}

/* The rows normalized in a batch of @rows samples: one per frame. */
static guint
normalized_rows (const CepLayer *layer,
                 guint           rows)
{
  return rows * layer->in_shape.frames;
}

/* γ and β in the parameters, the saved per-row mean and 1/std in the work buffer; the output
 * is a tensor of its own (the backward reads the input). */
static void
layer_norm_layout (CepLayer        *layer,
                   CepLayer        *previous,
                   CepLayoutCursor *cursor)
{
  guint features = normalized_features (&layer->in_shape);

  if (layer->block->elementwise_affine)
    {
      layer->weight = cep_layout_take (&cursor->params, features);
      layer->bias = cep_layout_take (&cursor->params, features);
    }
  layer->saved_mean = cep_layout_take (&cursor->work, normalized_rows (layer, cursor->rows));
  layer->saved_invstd = cep_layout_take (&cursor->work, normalized_rows (layer, cursor->rows));
}

static gboolean
layer_norm_tensor_place (const CepLayer *layer,
                         CepTensorRole   role,
                         CepTensorPlace *place)
{
  guint features = normalized_features (&layer->in_shape);

  if (!layer->block->elementwise_affine)
    return FALSE;
  if (role == CEP_TENSOR_WEIGHT)
    *place = (CepTensorPlace) { layer->weight, features, FALSE };
  else if (role == CEP_TENSOR_BIAS)
    *place = (CepTensorPlace) { layer->bias, features, FALSE };
  else
    return FALSE;
  return TRUE;
}

/* torch's reset_parameters: γ = 1, β = 0. */
static void
layer_norm_init (const CepModelSpec *spec,
                 const CepLayer     *layer,
                 guint64             seed,
                 float              *params,
                 float              *stats)
{
  guint features = normalized_features (&layer->in_shape);

  if (!layer->block->elementwise_affine)
    return;
  for (guint j = 0; j < features; j++)
    {
      params[layer->weight + j] = 1.0f;
      params[layer->bias + j] = 0.0f;
    }
}

static CepLayerNorm
layer_norm_of (const CepBlockPass *pass,
               const CepLayer     *layer)
{
  return (CepLayerNorm) {
    .gamma = cep_block_pass_param (pass, layer->weight),
    .beta = cep_block_pass_param (pass, layer->bias),
    .saved_mean = cep_view (pass->work, layer->saved_mean),
    .saved_invstd = cep_view (pass->work, layer->saved_invstd),
    .eps = (float) layer->block->eps,
  };
}

static void
layer_norm_forward (CepBlockPass   *pass,
                    const CepLayer *layer)
{
  cep_backend_layernorm_forward (pass->backend, normalized_rows (layer, pass->rows),
                                 normalized_features (&layer->in_shape),
                                 layer_norm_of (pass, layer),
                                 cep_block_pass_act (pass, layer->x),
                                 cep_block_pass_act (pass, layer->y));
}

/* In training the parameter gradients too; an evaluation pass only propagates to the input. */
static void
layer_norm_backward (CepBlockPass   *pass,
                     const CepLayer *layer)
{
  CepView g = cep_view (pass->grad_current, 0);

  cep_backend_layernorm_backward (pass->backend, normalized_rows (layer, pass->rows),
                                  normalized_features (&layer->in_shape),
                                  layer_norm_of (pass, layer),
                                  cep_block_pass_act (pass, layer->x), g, g,
                                  pass->training ? cep_block_pass_grad (pass, layer->weight)
                                                 : CEP_VIEW_NONE,
                                  pass->training ? cep_block_pass_grad (pass, layer->bias)
                                                 : CEP_VIEW_NONE);
}

const CepBlockType cep_block_type_layer_norm = {
  .kind = CEP_BLOCK_LAYER_NORM,
  .name = "layer_norm",
  .label = CEP_N_ ("Layer norm"),
  .short_label = CEP_N_ ("LN"),
  .trainable = TRUE,
  .defaults = cep_block_layer_norm,
  .fields = layer_norm_fields_of,
  .equal = layer_norm_equal,
  .output_shape = cep_block_same_shape,
  .validate = layer_norm_validate,
  .count_params = layer_norm_count_params,
  .count_flops = layer_norm_count_flops,
  .describe = layer_norm_describe,
  .list_tensors = layer_norm_list_tensors,
  .layout = layer_norm_layout,
  .tensor_place = layer_norm_tensor_place,
  .init = layer_norm_init,
  .forward = layer_norm_forward,
  .backward = layer_norm_backward,
};
