/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-residual.c: a residual connection, y = x + body(x), around the blocks after it.
 *
 * The spec stays a flat list: {"type": "residual", "blocks": N} makes the N blocks after it
 * its body, so the Model page edits it as one whole-number field and old files need nothing.
 * In PyTorch it is one module of the Sequential, the README loader's
 * Residual(nn.Sequential(body...)), so the body's tensors are "layers.<i>.body.<j>.*" (the
 * spec names them: cep_model_spec_get_module_name()). The body must give back the shape it
 * was given, and bodies do not nest (the spec's validation checks both, with this kind's
 * message for the first).
 *
 * In a network the body's first layer reads the residual's input and the layer after the body
 * reads the residual's output, a tensor of its own (cep-network.c's layout), so the sum is
 * never the tensor a body's block works in, and an activation after the residual is never
 * applied by the body's last Linear. The residual runs its body itself: it copies x to its output first (a body that
 * starts with a dropout, working in place, overwrites x; no backward reads it again), runs the
 * body and adds the body's output (an axpy); backward keeps the incoming gradient (the skip
 * path's) in the work buffer, runs the body's backward and adds it back. No backend operation
 * of its own.
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-block-type.h"

#include <stddef.h>

static const CepField residual_fields[] = {
  { "blocks", CEP_FIELD_UINT, offsetof (CepBlock, body_blocks), CEP_CHECK_AT_LEAST_ONE, NULL,
    NULL, CEP_N_ ("Blocks in its body"), 1, CEP_MODEL_MAX_BLOCKS, 1 },
};
static const CepFieldTable residual_table = CEP_FIELD_TABLE (residual_fields);

CepBlock
cep_block_residual (guint body_blocks)
{
  CepBlock block = cep_block_defaults (CEP_BLOCK_RESIDUAL);

  block.body_blocks = body_blocks;
  return block;
}

/* A Linear and its activation: the smallest body that learns something. */
static CepBlock
residual_defaults (void)
{
  return cep_block_residual (2);
}

static const CepFieldTable *
residual_fields_of (const CepBlock *block)
{
  return &residual_table;
}

static gboolean
residual_equal (const CepBlock *a,
                const CepBlock *b)
{
  return a->body_blocks == b->body_blocks;
}

static guint
residual_body_length (const CepBlock *block)
{
  return block->body_blocks;
}

static gboolean
residual_validate (const CepBlock       *block,
                   const CepBlockShape  *in,
                   gboolean              after_trainable,
                   char                **message)
{
  if (block->body_blocks == 0)
    *message = g_strdup ("residual blocks 0 is not at least 1 (its body would be empty)");
  return *message == NULL;
}

/* "5 frames × 28 channels", "a flat vector of 64". */
static char *
describe_shape (const CepBlockShape *shape)
{
  if (shape->flat)
    return g_strdup_printf ("a flat vector of %u", cep_block_shape_width (shape));
  return g_strdup_printf ("%u frames × %u channels", shape->frames, shape->channels);
}

/* The sum needs the body's output to be its input's shape: the same width, and the same
 * frames and channels, so the blocks after it see one shape whichever path it came by. */
static gboolean
residual_check_body (const CepBlock       *block,
                     const CepBlockShape  *in,
                     const CepBlockShape  *body_out,
                     char                **message)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (in->frames == body_out->frames && in->channels == body_out->channels
      && in->flat == body_out->flat)
    return TRUE;
  from = describe_shape (in);
  to = describe_shape (body_out);
  *message = g_strdup_printf ("residual blocks %u turn its input of %s into %s: "
                              "x + body(x) needs the same shape out as in",
                              block->body_blocks, from, to);
  return FALSE;
}

/* One add per feature. */
static guint64
residual_count_flops (const CepBlock      *block,
                      const CepBlockShape *in)
{
  return cep_block_shape_width (in);
}

/* The README loader's module; the body's lines follow, indented, and a ")" closes it
 * (cep_model_spec_describe()). */
static void
residual_describe (const CepBlock      *block,
                   const CepBlockShape *in,
                   GString             *text)
{
  g_string_append (text, "Residual(");
}

/* The output (the sum) is a tensor of its own; the gradient of the skip path is kept in the
 * work buffer while the body's backward runs. */
static void
residual_layout (CepLayer        *layer,
                 CepLayer        *previous,
                 CepLayoutCursor *cursor)
{
  layer->scratch = cep_layout_take (&cursor->work, (gsize) cursor->rows * layer->out);
}

static void
residual_forward (CepBlockPass   *pass,
                  const CepLayer *layer)
{
  const CepLayer *last = layer + layer->body;
  gsize n = (gsize) pass->rows * layer->out;
  CepView y = cep_block_pass_act (pass, layer->y);

  /* x is kept before the body runs: a body that starts with a block working in place (a
   * dropout) overwrites it. */
  cep_backend_copy (pass->backend, n, cep_block_pass_act (pass, layer->x), y);
  cep_block_pass_forward_layers (pass, layer->index + 1, layer->index + 1 + layer->body);
  cep_backend_axpy (pass->backend, n, 1.0f, cep_block_pass_act (pass, last->y), y);
}

/* d(x + body(x))/dx = 1 + body'(x): the incoming gradient reaches the input twice. Where no
 * input gradient is wanted (training with nothing trainable before it) only the body's
 * parameter gradients are. */
static void
residual_backward (CepBlockPass   *pass,
                   const CepLayer *layer)
{
  gsize n = (gsize) pass->rows * layer->out;
  gboolean wants_dx = layer->needs_dx || !pass->training;
  CepView skip = cep_view (pass->work, layer->scratch);

  if (wants_dx)
    cep_backend_copy (pass->backend, n, cep_view (pass->grad_current, 0), skip);
  cep_block_pass_backward_layers (pass, layer->index + 1, layer->index + 1 + layer->body);
  if (wants_dx)
    cep_backend_axpy (pass->backend, n, 1.0f, skip, cep_view (pass->grad_current, 0));
}

const CepBlockType cep_block_type_residual = {
  .kind = CEP_BLOCK_RESIDUAL,
  .name = "residual",
  .label = CEP_N_ ("Residual"),
  .defaults = residual_defaults,
  .fields = residual_fields_of,
  .equal = residual_equal,
  .body_length = residual_body_length,
  .check_body = residual_check_body,
  .output_shape = cep_block_same_shape,
  .validate = residual_validate,
  .count_params = cep_block_count_nothing,
  .count_flops = residual_count_flops,
  .describe = residual_describe,
  .list_tensors = cep_block_no_tensors,
  .layout = residual_layout,
  .tensor_place = cep_block_no_place,
  .forward = residual_forward,
  .backward = residual_backward,
};
