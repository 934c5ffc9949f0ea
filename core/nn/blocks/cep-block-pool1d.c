/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-pool1d.c: pooling over the frames of the context window — max_pool1d
 * (torch.nn.MaxPool1d) and avg_pool1d (torch.nn.AvgPool1d): kernel and stride, no padding,
 * floor mode, so frames_out = (frames − kernel) / stride + 1.
 *
 * The two kinds share their fields, shape and checks and differ only in their backend
 * operations, so both descriptors live here. Input and output are frames × channels,
 * frame-major, as the convolution's. Max pooling keeps the frame each maximum came from
 * (int32, in the work buffer) for the backward; evaluation mode keeps it too, because the
 * dependency analyses differentiate a model in evaluation mode.
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-block-type.h"

#include <stddef.h>

#define BLOCK(member) offsetof (CepBlock, member)
static const CepField pool1d_fields[] = {
  { "kernel", CEP_FIELD_UINT, BLOCK (kernel), CEP_CHECK_AT_LEAST_ONE, NULL, NULL,
    CEP_N_ ("Kernel"), 1, 2 * CEP_MODEL_MAX_CONTEXT + 1, 1 },
  { "stride", CEP_FIELD_UINT, BLOCK (stride), CEP_CHECK_AT_LEAST_ONE, NULL, NULL,
    CEP_N_ ("Stride"), 1, 2 * CEP_MODEL_MAX_CONTEXT + 1, 1 },
};
static const CepFieldTable pool1d_table = CEP_FIELD_TABLE (pool1d_fields);

CepBlock
cep_block_pool1d (CepBlockKind kind,
                  guint        kernel,
                  guint        stride)
{
  CepBlock block = cep_block_defaults (kind);

  block.kernel = kernel;
  block.stride = stride;
  return block;
}

/* torch's default stride is the kernel. */
static CepBlock
max_pool1d_defaults (void)
{
  return cep_block_pool1d (CEP_BLOCK_MAX_POOL1D, 2, 2);
}

static CepBlock
avg_pool1d_defaults (void)
{
  return cep_block_pool1d (CEP_BLOCK_AVG_POOL1D, 2, 2);
}

static const CepFieldTable *
pool1d_fields_of (const CepBlock *block)
{
  return &pool1d_table;
}

static gboolean
pool1d_equal (const CepBlock *a,
              const CepBlock *b)
{
  return a->kernel == b->kernel && a->stride == b->stride;
}

static CepPool1dShape
pool1d_shape (const CepBlock      *block,
              const CepBlockShape *in)
{
  CepPool1dShape shape = {
    .frames = in->frames, .channels = in->channels, .kernel = block->kernel,
    .stride = block->stride,
  };

  if (block->stride > 0 && block->kernel > 0 && block->kernel <= in->frames)
    shape.frames_out = (in->frames - block->kernel) / block->stride + 1;
  return shape;
}

static void
pool1d_output_shape (const CepBlock      *block,
                     const CepBlockShape *in,
                     CepBlockShape       *out)
{
  *out = (CepBlockShape) { pool1d_shape (block, in).frames_out, in->channels, FALSE };
}

static gboolean
pool1d_validate (const CepBlock       *block,
                 const CepBlockShape  *in,
                 gboolean              after_trainable,
                 char                **message)
{
  const char *name = cep_block_kind_get_name (block->kind);

  if (block->kernel == 0)
    *message = g_strdup_printf ("%s kernel 0 is not at least 1", name);
  else if (block->stride == 0)
    *message = g_strdup_printf ("%s stride 0 is not at least 1", name);
  else if (in->flat)
    *message = g_strdup_printf ("%s needs frames, but its input is a flat vector "
                                "(it follows a linear layer)", name);
  else if (block->kernel > in->frames)
    *message = g_strdup_printf ("%s kernel %u pools the %u frames of its input to none",
                                name, block->kernel, in->frames);
  return *message == NULL;
}

/* One per input element a window reads. */
static guint64
pool1d_count_flops (const CepBlock      *block,
                    const CepBlockShape *in)
{
  return (guint64) pool1d_shape (block, in).frames_out * in->channels * block->kernel;
}

static void
pool1d_describe (const CepBlock      *block,
                 const CepBlockShape *in,
                 GString             *text)
{
  g_string_append_printf (text, "%s(kernel_size=%u, stride=%u)",
                          block->kind == CEP_BLOCK_MAX_POOL1D ? "MaxPool1d" : "AvgPool1d",
                          block->kernel, block->stride);
}

static void
max_pool1d_layout (CepLayer        *layer,
                   CepLayer        *previous,
                   CepLayoutCursor *cursor)
{
  layer->scratch = cep_layout_take (&cursor->work, (gsize) cursor->rows * layer->out);
}

static void
avg_pool1d_layout (CepLayer        *layer,
                   CepLayer        *previous,
                   CepLayoutCursor *cursor)
{
}

static void
max_pool1d_forward (CepBlockPass   *pass,
                    const CepLayer *layer)
{
  cep_backend_max_pool1d_forward (pass->backend, pass->rows,
                                  pool1d_shape (layer->block, &layer->in_shape),
                                  cep_block_pass_act (pass, layer->x),
                                  cep_block_pass_act (pass, layer->y),
                                  cep_view (pass->work, layer->scratch));
}

static void
max_pool1d_backward (CepBlockPass   *pass,
                     const CepLayer *layer)
{
  cep_backend_max_pool1d_backward (pass->backend, pass->rows,
                                   pool1d_shape (layer->block, &layer->in_shape),
                                   cep_view (pass->work, layer->scratch),
                                   cep_view (pass->grad_current, 0),
                                   cep_view (pass->grad_other, 0));
  cep_block_pass_swap (pass);
}

static void
avg_pool1d_forward (CepBlockPass   *pass,
                    const CepLayer *layer)
{
  cep_backend_avg_pool1d_forward (pass->backend, pass->rows,
                                  pool1d_shape (layer->block, &layer->in_shape),
                                  cep_block_pass_act (pass, layer->x),
                                  cep_block_pass_act (pass, layer->y));
}

static void
avg_pool1d_backward (CepBlockPass   *pass,
                     const CepLayer *layer)
{
  cep_backend_avg_pool1d_backward (pass->backend, pass->rows,
                                   pool1d_shape (layer->block, &layer->in_shape),
                                   cep_view (pass->grad_current, 0),
                                   cep_view (pass->grad_other, 0));
  cep_block_pass_swap (pass);
}

const CepBlockType cep_block_type_max_pool1d = {
  .kind = CEP_BLOCK_MAX_POOL1D,
  .name = "max_pool1d",
  .label = CEP_N_ ("Max pooling"),
  .short_label = CEP_N_ ("MaxPool"),
  .defaults = max_pool1d_defaults,
  .fields = pool1d_fields_of,
  .equal = pool1d_equal,
  .output_shape = pool1d_output_shape,
  .validate = pool1d_validate,
  .count_params = cep_block_count_nothing,
  .count_flops = pool1d_count_flops,
  .describe = pool1d_describe,
  .list_tensors = cep_block_no_tensors,
  .layout = max_pool1d_layout,
  .tensor_place = cep_block_no_place,
  .forward = max_pool1d_forward,
  .backward = max_pool1d_backward,
};

const CepBlockType cep_block_type_avg_pool1d = {
  .kind = CEP_BLOCK_AVG_POOL1D,
  .name = "avg_pool1d",
  .label = CEP_N_ ("Average pooling"),
  .short_label = CEP_N_ ("AvgPool"),
  .defaults = avg_pool1d_defaults,
  .fields = pool1d_fields_of,
  .equal = pool1d_equal,
  .output_shape = pool1d_output_shape,
  .validate = pool1d_validate,
  .count_params = cep_block_count_nothing,
  .count_flops = pool1d_count_flops,
  .describe = pool1d_describe,
  .list_tensors = cep_block_no_tensors,
  .layout = avg_pool1d_layout,
  .tensor_place = cep_block_no_place,
  .forward = avg_pool1d_forward,
  .backward = avg_pool1d_backward,
};
