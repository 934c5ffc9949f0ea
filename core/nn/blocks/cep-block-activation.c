/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-activation.c: an elementwise activation (ReLU, LeakyReLU, GELU, SiLU, Mish,
 * Sigmoid, Tanh, Identity) as torch.nn's modules compute them (cep-activation.h).
 *
 * In experiment.json an activation is written by its own name ({"type": "gelu"}); LeakyReLU
 * has a slope. Right after a block that fuses activations (a Linear) it is applied by that
 * block's bias operation and differentiated at that block's output, which also gives the
 * bias gradient.
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-block-type.h"

#include <math.h>
#include <stddef.h>

/* torch's module names, for descriptions and the PyTorch exporter. */
static const char *const torch_names[CEP_ACTIVATION_COUNT] = {
  [CEP_ACTIVATION_IDENTITY] = "Identity",
  [CEP_ACTIVATION_RELU] = "ReLU",
  [CEP_ACTIVATION_LEAKY_RELU] = "LeakyReLU",
  [CEP_ACTIVATION_GELU] = "GELU",
  [CEP_ACTIVATION_SILU] = "SiLU",
  [CEP_ACTIVATION_MISH] = "Mish",
  [CEP_ACTIVATION_SIGMOID] = "Sigmoid",
  [CEP_ACTIVATION_TANH] = "Tanh",
};

static const CepField leaky_relu_fields[] = {
  { "slope", CEP_FIELD_DOUBLE, offsetof (CepBlock, slope), CEP_CHECK_ANY, NULL, NULL,
    CEP_N_ ("Negative slope"), -10, 10, 0.01 },
};
static const CepFieldTable leaky_relu_table = CEP_FIELD_TABLE (leaky_relu_fields);
static const CepFieldTable no_fields = { NULL, 0 };

CepBlock
cep_block_activation (CepActivation activation)
{
  CepBlock block = cep_block_defaults (CEP_BLOCK_ACTIVATION);

  block.activation = activation;
  return block;
}

static CepBlock
activation_defaults (void)
{
  return cep_block_activation (CEP_ACTIVATION_RELU);
}

static gboolean
activation_parse_type (const char *type,
                       CepBlock   *block)
{
  CepActivation activation;

  if (!cep_activation_from_name (type, &activation))
    return FALSE;
  *block = cep_block_activation (activation);
  return TRUE;
}

static const char *
activation_type_name (const CepBlock *block)
{
  return cep_activation_get_name (block->activation);
}

static const char *
activation_variant_label (const CepBlock *block)
{
  return torch_names[block->activation];
}

static void
activation_list_types (GString *text)
{
  for (guint i = 0; i < CEP_ACTIVATION_COUNT; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", cep_activation_get_name (i));
}

static const CepFieldTable *
activation_fields_of (const CepBlock *block)
{
  return block->activation == CEP_ACTIVATION_LEAKY_RELU ? &leaky_relu_table : &no_fields;
}

static gboolean
activation_equal (const CepBlock *a,
                  const CepBlock *b)
{
  return a->activation == b->activation
         && (a->activation != CEP_ACTIVATION_LEAKY_RELU || a->slope == b->slope);
}

static gboolean
activation_validate (const CepBlock       *block,
                     const CepBlockShape  *in,
                     gboolean              after_trainable,
                     char                **message)
{
  if (!after_trainable)
    *message = g_strdup ("activation before any linear layer");
  else if ((guint) block->activation >= CEP_ACTIVATION_COUNT)
    *message = g_strdup_printf ("unknown activation %d", block->activation);
  else if (!isfinite (block->slope))
    *message = g_strdup ("leaky_relu slope is not a finite number");
  return *message == NULL;
}

/* One per feature whatever its real cost. */
static guint64
activation_count_flops (const CepBlock      *block,
                        const CepBlockShape *in)
{
  return cep_block_shape_width (in);
}

static void
activation_describe (const CepBlock      *block,
                     const CepBlockShape *in,
                     GString             *text)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (text, torch_names[block->activation]);
  if (block->activation == CEP_ACTIVATION_LEAKY_RELU)
    g_string_append_printf (text, "(negative_slope=%s)",
                            g_ascii_formatd (number, sizeof number, "%g", block->slope));
  else
    g_string_append (text, "()");
}

static void
activation_layout (CepLayer        *layer,
                   CepLayer        *previous,
                   CepLayoutCursor *cursor)
{
  layer->fused = previous != NULL && previous->type->fuses_activation;
}

static void
activation_forward (CepBlockPass   *pass,
                    const CepLayer *layer)
{
  if (layer->fused)
    return;
  cep_backend_bias_act_forward (pass->backend, pass->rows, layer->out,
                                layer->block->activation, (float) layer->block->slope,
                                CEP_VIEW_NONE, cep_block_pass_act (pass, layer->x),
                                cep_block_pass_act (pass, layer->y));
}

/* A fused activation differentiates at the fusing block's output and yields its bias
 * gradient. */
static void
activation_backward (CepBlockPass   *pass,
                     const CepLayer *layer)
{
  const CepLayer *fusing = layer->fused ? layer - 1 : NULL;
  CepView pre = cep_block_pass_act (pass, fusing != NULL ? fusing->y : layer->x);
  CepView dbias = pass->training && fusing != NULL ? cep_block_pass_grad (pass, fusing->bias)
                                                   : CEP_VIEW_NONE;
  CepView g = cep_view (pass->grad_current, 0);

  cep_backend_bias_act_backward (pass->backend, pass->rows, layer->out,
                                 layer->block->activation, (float) layer->block->slope,
                                 pre, g, g, dbias);
}

const CepBlockType cep_block_type_activation = {
  .kind = CEP_BLOCK_ACTIVATION,
  .name = "activation",
  .label = CEP_N_ ("Activation"),
  .defaults = activation_defaults,
  .parse_type = activation_parse_type,
  .type_name = activation_type_name,
  .list_types = activation_list_types,
  .variant_label = activation_variant_label,
  .fields = activation_fields_of,
  .equal = activation_equal,
  .output_shape = cep_block_same_shape,
  .validate = activation_validate,
  .count_params = cep_block_count_nothing,
  .count_flops = activation_count_flops,
  .describe = activation_describe,
  .list_tensors = cep_block_no_tensors,
  .layout = activation_layout,
  .tensor_place = cep_block_no_place,
  .forward = activation_forward,
  .backward = activation_backward,
};
