/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-flatten.c: torch.nn.Flatten — a (frames × channels) input becomes one flat vector
 * of frames·channels features for the blocks after it.
 *
 * Activations are stored frame-major as the vector they already are, so flattening moves no
 * data: the block only changes the shape later blocks see (a LayerNorm after it normalizes
 * the whole vector instead of each frame). It works in place and has no backend operation.
 * Like torch, flattening an input that is already flat is allowed and changes nothing.
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-block-type.h"

static CepBlock
flatten_defaults (void)
{
  return cep_block_defaults (CEP_BLOCK_FLATTEN);
}

static const CepFieldTable *
flatten_fields_of (const CepBlock *block)
{
  static const CepFieldTable no_fields = { NULL, 0 };

  return &no_fields;
}

/* Flatten has no settings: any two are the same block. */
static gboolean
flatten_equal (const CepBlock *a,
               const CepBlock *b)
{
  return TRUE;
}

static void
flatten_output_shape (const CepBlock      *block,
                      const CepBlockShape *in,
                      CepBlockShape       *out)
{
  *out = (CepBlockShape) { 1, cep_block_shape_width (in), TRUE };
}

static gboolean
flatten_validate (const CepBlock       *block,
                  const CepBlockShape  *in,
                  gboolean              after_trainable,
                  char                **message)
{
  return TRUE;
}

static void
flatten_describe (const CepBlock      *block,
                  const CepBlockShape *in,
                  GString             *text)
{
  g_string_append (text, "Flatten()");
}

/* In place: the output tensor taken for it is given back, its output is its input. */
static void
flatten_layout (CepLayer        *layer,
                CepLayer        *previous,
                CepLayoutCursor *cursor)
{
  cursor->acts -= (gsize) cursor->rows * layer->out;
  layer->y = layer->x;
}

/* The data is already the flat vector, forward and backward alike (the gradient stays in
 * pass->grad_current). */
static void
flatten_moves_no_data (CepBlockPass   *pass,
                       const CepLayer *layer)
{
}

const CepBlockType cep_block_type_flatten = {
  .kind = CEP_BLOCK_FLATTEN,
  .name = "flatten",
  .label = CEP_N_ ("Flatten"),
  .short_label = CEP_N_ ("Flat"),
  .defaults = flatten_defaults,
  .fields = flatten_fields_of,
  .equal = flatten_equal,
  .output_shape = flatten_output_shape,
  .validate = flatten_validate,
  .count_params = cep_block_count_nothing,
  .count_flops = cep_block_count_nothing,
  .describe = flatten_describe,
  .list_tensors = cep_block_no_tensors,
  .layout = flatten_layout,
  .tensor_place = cep_block_no_place,
  .forward = flatten_moves_no_data,
  .backward = flatten_moves_no_data,
};
