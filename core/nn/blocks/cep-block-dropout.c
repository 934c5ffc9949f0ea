/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-dropout.c: inverted dropout (torch.nn.Dropout): in training each element is kept
 * with probability 1 − p and scaled by 1/(1 − p); evaluation passes the input through.
 *
 * It works in place (its output tensor is its input) and keeps its mask, drawn from the
 * counter-based generator keyed by (seed, step, block), for the backward. With p = 0 it does
 * nothing and has no mask.
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-block-type.h"

#include <stddef.h>

static const CepField dropout_fields[] = {
  { "p", CEP_FIELD_DOUBLE, offsetof (CepBlock, p), CEP_CHECK_UNIT_OPEN, NULL, NULL,
    CEP_N_ ("Probability"), 0, 0.95, 0.05 },
};
static const CepFieldTable dropout_table = CEP_FIELD_TABLE (dropout_fields);

CepBlock
cep_block_dropout (double p)
{
  CepBlock block = cep_block_defaults (CEP_BLOCK_DROPOUT);

  block.p = p;
  return block;
}

static CepBlock
dropout_defaults (void)
{
  return cep_block_dropout (0.0);
}

static const CepFieldTable *
dropout_fields_of (const CepBlock *block)
{
  return &dropout_table;
}

static gboolean
dropout_equal (const CepBlock *a,
               const CepBlock *b)
{
  return a->p == b->p;
}

static gboolean
dropout_validate (const CepBlock       *block,
                  const CepBlockShape  *in,
                  gboolean              after_trainable,
                  char                **message)
{
  if (!(block->p >= 0 && block->p < 1))
    *message = g_strdup_printf ("dropout p %g is not in [0, 1)", block->p);
  return *message == NULL;
}

static void
dropout_describe (const CepBlock      *block,
                  const CepBlockShape *in,
                  GString             *text)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (text, "Dropout(p=%s)",
                          g_ascii_formatd (number, sizeof number, "%g", block->p));
}

static void
dropout_layout (CepLayer        *layer,
                CepLayer        *previous,
                CepLayoutCursor *cursor)
{
  gsize size = (gsize) cursor->rows * layer->out;

  /* In place: the output tensor taken for it is given back. */
  cursor->acts -= size;
  layer->y = layer->x;
  if ((float) layer->block->p > 0.0f)
    layer->mask = cep_layout_take (&cursor->masks, CEP_DROPOUT_MASK_WORDS (size));
}

static void
dropout_forward (CepBlockPass   *pass,
                 const CepLayer *layer)
{
  CepDropoutKey key = { pass->seed, pass->step, layer->index };
  float p = (float) layer->block->p;

  if (pass->training && p > 0.0f)
    cep_backend_dropout_forward (pass->backend, (gsize) pass->rows * layer->out, p, key,
                                 cep_block_pass_act (pass, layer->x),
                                 cep_block_pass_act (pass, layer->y),
                                 cep_view (pass->masks, layer->mask));
}

static void
dropout_backward (CepBlockPass   *pass,
                  const CepLayer *layer)
{
  float p = (float) layer->block->p;
  CepView g = cep_view (pass->grad_current, 0);

  if (pass->training && p > 0.0f)
    cep_backend_dropout_backward (pass->backend, (gsize) pass->rows * layer->out, p,
                                  cep_view (pass->masks, layer->mask), g, g);
}

const CepBlockType cep_block_type_dropout = {
  .kind = CEP_BLOCK_DROPOUT,
  .name = "dropout",
  .label = CEP_N_ ("Dropout"),
  .short_label = CEP_N_ ("Drop"),
  .defaults = dropout_defaults,
  .fields = dropout_fields_of,
  .equal = dropout_equal,
  .output_shape = cep_block_same_shape,
  .validate = dropout_validate,
  .count_params = cep_block_count_nothing,
  .count_flops = cep_block_count_nothing,
  .describe = dropout_describe,
  .list_tensors = cep_block_no_tensors,
  .layout = dropout_layout,
  .tensor_place = cep_block_no_place,
  .forward = dropout_forward,
  .backward = dropout_backward,
};
