/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-block-conv1d.c: a convolution over the frames of the context window
 * (torch.nn.Conv1d): out channels, kernel, stride, dilation, padding valid | same, bias.
 *
 * Its input is frames × channels, frame-major (the network input is 2K+1 frames of D
 * coefficients, channels = D); its output frames_out × out channels, frame-major too, so a
 * Linear after it reads the frames one after another. The weight is torch's [out × in ×
 * kernel]; as a matrix [out × in·kernel] it multiplies the unfolded input (one row per output
 * frame: cep_backend_conv1d_unfold), so the forward is unfold + GEMM + bias and the backward
 * GEMMs + fold. The unfolded input is kept in the work buffer for the weight gradient, which
 * is taken before the buffer is reused for the input gradient's unfolded form. Its bias is
 * added by the bias operation over rows · frames_out rows of out channels; an activation
 * after it is not fused (a fused activation's bias gradient is per feature, not per channel).
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-block-type.h"

#include <math.h>
#include <stddef.h>

static const char *const padding_names[] = { "valid", "same", NULL };
static const char *const padding_labels[] = { CEP_N_ ("Valid"), CEP_N_ ("Same"), NULL };

static gboolean
is_normal_init (gconstpointer base)
{
  return ((const CepBlock *) base)->init == CEP_INIT_NORMAL;
}

#define BLOCK(member) offsetof (CepBlock, member)
static const CepField conv1d_fields[] = {
  { "out_channels", CEP_FIELD_UINT, BLOCK (width), CEP_CHECK_AT_LEAST_ONE, NULL, NULL,
    CEP_N_ ("Out channels"), 1, CEP_MODEL_MAX_WIDTH, 1 },
  { "kernel", CEP_FIELD_UINT, BLOCK (kernel), CEP_CHECK_AT_LEAST_ONE, NULL, NULL,
    CEP_N_ ("Kernel"), 1, 2 * CEP_MODEL_MAX_CONTEXT + 1, 1 },
  { "stride", CEP_FIELD_UINT, BLOCK (stride), CEP_CHECK_AT_LEAST_ONE, NULL, NULL,
    CEP_N_ ("Stride"), 1, 2 * CEP_MODEL_MAX_CONTEXT + 1, 1 },
  { "dilation", CEP_FIELD_UINT, BLOCK (dilation), CEP_CHECK_AT_LEAST_ONE, NULL, NULL,
    CEP_N_ ("Dilation"), 1, 2 * CEP_MODEL_MAX_CONTEXT, 1 },
  { "padding", CEP_FIELD_ENUM, BLOCK (padding), CEP_CHECK_ANY, padding_names, NULL,
    CEP_N_ ("Padding"), 0, 0, 0, padding_labels },
  { "init", CEP_FIELD_ENUM, BLOCK (init), CEP_CHECK_ANY, cep_init_names, NULL,
    CEP_N_ ("Initialization"), 0, 0, 0, cep_init_labels },
  { "std", CEP_FIELD_DOUBLE, BLOCK (init_std), CEP_CHECK_POSITIVE, NULL, is_normal_init,
    CEP_N_ ("Standard deviation"), 1e-6, 10, 0.001 },
  { "bias", CEP_FIELD_BOOL, BLOCK (bias), CEP_CHECK_ANY, NULL, NULL, CEP_N_ ("Bias"),
    0, 0, 0 },
};
static const CepFieldTable conv1d_table = CEP_FIELD_TABLE (conv1d_fields);

CepBlock
cep_block_conv1d (guint out_channels,
                  guint kernel)
{
  CepBlock block = cep_block_defaults (CEP_BLOCK_CONV1D);

  block.width = out_channels;
  block.kernel = kernel;
  return block;
}

static CepBlock
conv1d_defaults (void)
{
  return cep_block_conv1d (0, 3);
}

static const CepFieldTable *
conv1d_fields_of (const CepBlock *block)
{
  return &conv1d_table;
}

static gboolean
conv1d_equal (const CepBlock *a,
              const CepBlock *b)
{
  return a->width == b->width && a->kernel == b->kernel && a->stride == b->stride
         && a->dilation == b->dilation && a->padding == b->padding && a->init == b->init
         && a->bias == b->bias && (a->init != CEP_INIT_NORMAL || a->init_std == b->init_std);
}

/* Frames from the first tap to the last. */
static guint64
conv1d_reach (const CepBlock *block)
{
  return (guint64) block->dilation * (block->kernel - 1) + 1;
}

/* The backend's view of the convolution of @block over @in. */
static CepConv1dShape
conv1d_shape (const CepBlock      *block,
              const CepBlockShape *in)
{
  CepConv1dShape shape = {
    .frames = in->frames, .channels = in->channels, .kernel = block->kernel,
    .stride = block->stride, .dilation = block->dilation,
  };

  if (block->padding == CEP_PADDING_SAME)
    {
      shape.pad_left = (guint) ((conv1d_reach (block) - 1) / 2);
      shape.frames_out = in->frames;
    }
  else if (block->stride > 0 && conv1d_reach (block) <= in->frames)
    shape.frames_out = (guint) ((in->frames - conv1d_reach (block)) / block->stride + 1);
  return shape;
}

static void
conv1d_output_shape (const CepBlock      *block,
                     const CepBlockShape *in,
                     CepBlockShape       *out)
{
  CepConv1dShape shape = conv1d_shape (block, in);

  *out = (CepBlockShape) { shape.frames_out, block->width, FALSE };
}

static gboolean
conv1d_validate_init (const CepBlock  *block,
                      char           **message)
{
  if ((guint) block->init >= CEP_INIT_COUNT)
    *message = g_strdup_printf ("unknown initialization %d", block->init);
  else if (block->init == CEP_INIT_NORMAL && !(isfinite (block->init_std)
                                               && block->init_std > 0))
    *message = g_strdup_printf ("normal initialization needs a positive std, not %g",
                                block->init_std);
  return *message == NULL;
}

static gboolean
conv1d_validate (const CepBlock       *block,
                 const CepBlockShape  *in,
                 gboolean              after_trainable,
                 char                **message)
{
  if (block->width == 0 || block->width > CEP_MODEL_MAX_WIDTH)
    *message = g_strdup_printf ("conv1d out_channels %u is not in [1, %u]", block->width,
                                CEP_MODEL_MAX_WIDTH);
  else if (block->kernel == 0)
    *message = g_strdup ("conv1d kernel 0 is not at least 1");
  else if (block->stride == 0)
    *message = g_strdup ("conv1d stride 0 is not at least 1");
  else if (block->dilation == 0)
    *message = g_strdup ("conv1d dilation 0 is not at least 1");
  else if ((guint) block->padding > CEP_PADDING_SAME)
    *message = g_strdup_printf ("unknown conv1d padding %d", block->padding);
  else if (in->flat)
    *message = g_strdup ("conv1d needs frames, but its input is a flat vector "
                         "(it follows a linear layer)");
  else if (block->padding == CEP_PADDING_SAME && block->stride != 1)
    *message = g_strdup_printf ("conv1d padding same needs stride 1, not %u", block->stride);
  else if (conv1d_reach (block) > in->frames)
    *message = g_strdup_printf ("conv1d kernel %u (dilation %u) spans %" G_GUINT64_FORMAT
                                " frames, more than the %u frames of its input",
                                block->kernel, block->dilation, conv1d_reach (block),
                                in->frames);
  else
    conv1d_validate_init (block, message);
  return *message == NULL;
}

static guint64
conv1d_taps (const CepBlock      *block,
             const CepBlockShape *in)
{
  return (guint64) in->channels * block->kernel * block->width;
}

static guint64
conv1d_count_params (const CepBlock      *block,
                     const CepBlockShape *in)
{
  return conv1d_taps (block, in) + (block->bias ? block->width : 0);
}

static guint64
conv1d_count_flops (const CepBlock      *block,
                    const CepBlockShape *in)
{
  guint64 frames_out = conv1d_shape (block, in).frames_out;

  return frames_out * (2 * conv1d_taps (block, in) + (block->bias ? block->width : 0));
}

static guint64
conv1d_count_train_gemm_flops (const CepBlock      *block,
                               const CepBlockShape *in,
                               gboolean             first_trainable)
{
  guint64 frames_out = conv1d_shape (block, in).frames_out;

  return (first_trainable ? 4 : 6) * frames_out * conv1d_taps (block, in);
}

static void
conv1d_describe (const CepBlock      *block,
                 const CepBlockShape *in,
                 GString             *text)
{
  g_string_append_printf (text, "Conv1d(%u, %u, kernel_size=%u", in->channels, block->width,
                          block->kernel);
  if (block->stride != 1)
    g_string_append_printf (text, ", stride=%u", block->stride);
  if (block->padding == CEP_PADDING_SAME)
    g_string_append (text, ", padding='same'");
  if (block->dilation != 1)
    g_string_append_printf (text, ", dilation=%u", block->dilation);
  g_string_append_printf (text, "%s)", block->bias ? "" : ", bias=False");
}

static void
conv1d_list_tensors (const CepBlock      *block,
                     guint                index,
                     const CepBlockShape *in,
                     GArray              *tensors)
{
  CepTensorInfo *weight = cep_block_add_tensor (tensors, index, CEP_TENSOR_WEIGHT,
                                                block->width, TRUE);

  weight->n_dims = 3;
  weight->shape[1] = in->channels;
  weight->shape[2] = block->kernel;
  weight->n_elements = conv1d_taps (block, in);
  if (block->bias)
    cep_block_add_tensor (tensors, index, CEP_TENSOR_BIAS, block->width, TRUE);
}

static gsize
conv1d_weight_words (const CepLayer *layer)
{
  return (gsize) conv1d_taps (layer->block, &layer->in_shape);
}

/* Words of the unfolded input of one batch row. */
static gsize
conv1d_unfolded_words (const CepLayer *layer)
{
  return (gsize) layer->out_shape.frames * layer->in_shape.channels * layer->block->kernel;
}

static void
conv1d_layout (CepLayer        *layer,
               CepLayer        *previous,
               CepLayoutCursor *cursor)
{
  layer->weight = cep_layout_take (&cursor->params, conv1d_weight_words (layer));
  layer->bias = layer->block->bias ? cep_layout_take (&cursor->params, layer->block->width)
                                   : CEP_NO_OFFSET;
  layer->scratch = cep_layout_take (&cursor->work,
                                    (gsize) cursor->rows * conv1d_unfolded_words (layer));
}

static gboolean
conv1d_tensor_place (const CepLayer *layer,
                     CepTensorRole   role,
                     CepTensorPlace *place)
{
  if (role == CEP_TENSOR_WEIGHT)
    *place = (CepTensorPlace) { layer->weight, conv1d_weight_words (layer), FALSE };
  else if (role == CEP_TENSOR_BIAS && layer->bias != CEP_NO_OFFSET)
    *place = (CepTensorPlace) { layer->bias, layer->block->width, FALSE };
  else
    return FALSE;
  return TRUE;
}

static void
conv1d_init (const CepModelSpec *spec,
             const CepLayer     *layer,
             guint64             seed,
             float              *params,
             float              *stats)
{
  const CepBlock *block = layer->block;

  /* torch's fans of a Conv1d: in·kernel and out·kernel. */
  cep_model_spec_init_weights (spec, layer->index, seed,
                               (double) layer->in_shape.channels * block->kernel,
                               (double) block->width * block->kernel,
                               conv1d_weight_words (layer), params + layer->weight,
                               layer->bias != CEP_NO_OFFSET ? params + layer->bias : NULL);
}

static void
conv1d_forward (CepBlockPass   *pass,
                const CepLayer *layer)
{
  CepConv1dShape shape = conv1d_shape (layer->block, &layer->in_shape);
  guint taps = shape.channels * shape.kernel;
  guint frames = pass->rows * shape.frames_out;
  guint channels = layer->block->width;
  CepView cols = cep_view (pass->work, layer->scratch);
  CepView y = cep_block_pass_act (pass, layer->y);

  cep_backend_conv1d_unfold (pass->backend, pass->rows, shape,
                             cep_block_pass_act (pass, layer->x), cols);
  cep_backend_gemm (pass->backend, CEP_NO_TRANS, CEP_TRANS, frames, channels, taps, 1.0f,
                    cols, taps, cep_block_pass_param (pass, layer->weight), taps, 0.0f, y,
                    channels);
  if (layer->bias != CEP_NO_OFFSET)
    cep_backend_bias_act_forward (pass->backend, frames, channels, CEP_ACTIVATION_IDENTITY,
                                  0.0f, cep_block_pass_param (pass, layer->bias), y, y);
}

static void
conv1d_backward (CepBlockPass   *pass,
                 const CepLayer *layer)
{
  CepConv1dShape shape = conv1d_shape (layer->block, &layer->in_shape);
  guint taps = shape.channels * shape.kernel;
  guint frames = pass->rows * shape.frames_out;
  guint channels = layer->block->width;
  CepView cols = cep_view (pass->work, layer->scratch);
  CepView g = cep_view (pass->grad_current, 0);

  if (pass->training && layer->bias != CEP_NO_OFFSET)
    cep_backend_column_sums (pass->backend, frames, channels, g, 0.0f,
                             cep_block_pass_grad (pass, layer->bias));
  if (pass->training)
    cep_backend_gemm (pass->backend, CEP_TRANS, CEP_NO_TRANS, channels, taps, frames, 1.0f,
                      g, channels, cols, taps, 0.0f,
                      cep_block_pass_grad (pass, layer->weight), taps);
  if (!layer->needs_dx && pass->training)
    return;
  /* The unfolded input is spent: its place takes the unfolded input gradient. */
  cep_backend_gemm (pass->backend, CEP_NO_TRANS, CEP_NO_TRANS, frames, taps, channels, 1.0f,
                    g, channels, cep_block_pass_param (pass, layer->weight), taps, 0.0f, cols,
                    taps);
  cep_backend_conv1d_fold (pass->backend, pass->rows, shape, cols,
                           cep_view (pass->grad_other, 0));
  cep_block_pass_swap (pass);
}

const CepBlockType cep_block_type_conv1d = {
  .kind = CEP_BLOCK_CONV1D,
  .name = "conv1d",
  .label = CEP_N_ ("Convolution"),
  .short_label = CEP_N_ ("Conv"),
  .trainable = TRUE,
  .defaults = conv1d_defaults,
  .fields = conv1d_fields_of,
  .equal = conv1d_equal,
  .output_shape = conv1d_output_shape,
  .validate = conv1d_validate,
  .count_params = conv1d_count_params,
  .count_flops = conv1d_count_flops,
  .count_train_gemm_flops = conv1d_count_train_gemm_flops,
  .describe = conv1d_describe,
  .list_tensors = conv1d_list_tensors,
  .layout = conv1d_layout,
  .tensor_place = conv1d_tensor_place,
  .init = conv1d_init,
  .forward = conv1d_forward,
  .backward = conv1d_backward,
};
