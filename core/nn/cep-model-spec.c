/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-model-spec.c: model specs, their validation, counts and checkpoint tensor names.
 *
 * Owns the meaning of a spec: which block sequences are valid, how parameters and FLOPs are
 * counted, how tensors are named and how initial weights are drawn. It must not know about
 * presets (cep-model-presets.c) or files (cep-experiment.c).
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-model-spec.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "cep-rng.h"

G_DEFINE_QUARK (cep-model-spec-error-quark, cep_model_spec_error)

static const char *const block_kind_names[] = {
  [CEP_BLOCK_LINEAR] = "linear",
  [CEP_BLOCK_BATCH_NORM] = "batch_norm",
  [CEP_BLOCK_ACTIVATION] = "activation",
  [CEP_BLOCK_DROPOUT] = "dropout",
};

static const char *const init_names[CEP_INIT_COUNT] = {
  [CEP_INIT_GLOROT_UNIFORM] = "glorot_uniform",
  [CEP_INIT_KAIMING_UNIFORM] = "kaiming_uniform",
  [CEP_INIT_KAIMING_NORMAL] = "kaiming_normal",
  [CEP_INIT_NORMAL] = "normal",
  [CEP_INIT_TORCH_DEFAULT] = "torch_default",
};

/* torch's module names, for descriptions and the PyTorch snippet. */
static const char *const torch_activation_names[CEP_ACTIVATION_COUNT] = {
  [CEP_ACTIVATION_IDENTITY] = "Identity",
  [CEP_ACTIVATION_RELU] = "ReLU",
  [CEP_ACTIVATION_LEAKY_RELU] = "LeakyReLU",
  [CEP_ACTIVATION_GELU] = "GELU",
  [CEP_ACTIVATION_SILU] = "SiLU",
  [CEP_ACTIVATION_MISH] = "Mish",
  [CEP_ACTIVATION_SIGMOID] = "Sigmoid",
  [CEP_ACTIVATION_TANH] = "Tanh",
};

const char *
cep_block_kind_get_name (CepBlockKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (block_kind_names), NULL);
  return block_kind_names[kind];
}

const char *
cep_init_get_name (CepInit init)
{
  g_return_val_if_fail ((guint) init < CEP_INIT_COUNT, NULL);
  return init_names[init];
}

gboolean
cep_init_from_name (const char *name,
                    CepInit    *init)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < CEP_INIT_COUNT; i++)
    if (strcmp (name, init_names[i]) == 0)
      {
        *init = (CepInit) i;
        return TRUE;
      }
  return FALSE;
}

static CepBlock
block_defaults (CepBlockKind kind)
{
  CepBlock block = {
    .kind = kind,
    .width = 0,
    .init = CEP_INIT_GLOROT_UNIFORM,
    .init_std = 0.01,
    .bias = TRUE,
    .eps = 1e-5,
    .momentum = 0.1,
    .activation = CEP_ACTIVATION_RELU,
    .slope = CEP_LEAKY_RELU_DEFAULT_SLOPE,
    .p = 0.0,
  };
  return block;
}

CepBlock
cep_block_linear (guint width)
{
  CepBlock block = block_defaults (CEP_BLOCK_LINEAR);

  block.width = width;
  return block;
}

CepBlock
cep_block_batch_norm (void)
{
  return block_defaults (CEP_BLOCK_BATCH_NORM);
}

CepBlock
cep_block_activation (CepActivation activation)
{
  CepBlock block = block_defaults (CEP_BLOCK_ACTIVATION);

  block.activation = activation;
  return block;
}

CepBlock
cep_block_dropout (double p)
{
  CepBlock block = block_defaults (CEP_BLOCK_DROPOUT);

  block.p = p;
  return block;
}

/* Compares the fields that mean something for the block's kind. */
static gboolean
block_equal (const CepBlock *a,
             const CepBlock *b)
{
  if (a->kind != b->kind)
    return FALSE;
  switch (a->kind)
    {
    case CEP_BLOCK_LINEAR:
      return a->width == b->width && a->init == b->init && a->bias == b->bias
             && (a->init != CEP_INIT_NORMAL || a->init_std == b->init_std);
    case CEP_BLOCK_BATCH_NORM:
      return a->eps == b->eps && a->momentum == b->momentum;
    case CEP_BLOCK_ACTIVATION:
      return a->activation == b->activation
             && (a->activation != CEP_ACTIVATION_LEAKY_RELU || a->slope == b->slope);
    case CEP_BLOCK_DROPOUT:
      return a->p == b->p;
    default:
      return FALSE;
    }
}

CepModelSpec *
cep_model_spec_new (guint context,
                    guint feature_dim,
                    guint n_classes)
{
  CepModelSpec *spec = g_new0 (CepModelSpec, 1);

  spec->context = context;
  spec->feature_dim = feature_dim;
  spec->blocks = g_array_new (FALSE, TRUE, sizeof (CepBlock));
  spec->head = cep_block_linear (n_classes);
  spec->label_smoothing = 0.0;
  spec->param_limit = CEP_MODEL_DEFAULT_PARAM_LIMIT;
  return spec;
}

CepModelSpec *
cep_model_spec_copy (const CepModelSpec *spec)
{
  CepModelSpec *copy;

  g_return_val_if_fail (spec != NULL, NULL);

  copy = g_new0 (CepModelSpec, 1);
  *copy = *spec;
  copy->name = g_strdup (spec->name);
  copy->blocks = g_array_copy (spec->blocks);
  return copy;
}

void
cep_model_spec_free (CepModelSpec *spec)
{
  if (spec == NULL)
    return;
  g_array_unref (spec->blocks);
  g_free (spec->name);
  g_free (spec);
}

gboolean
cep_model_spec_equal (const CepModelSpec *a,
                      const CepModelSpec *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (g_strcmp0 (a->name, b->name) != 0 || a->context != b->context
      || a->feature_dim != b->feature_dim || a->blocks->len != b->blocks->len
      || !block_equal (&a->head, &b->head) || a->label_smoothing != b->label_smoothing
      || a->param_limit != b->param_limit)
    return FALSE;
  for (guint i = 0; i < a->blocks->len; i++)
    if (!block_equal (&g_array_index (a->blocks, CepBlock, i),
                      &g_array_index (b->blocks, CepBlock, i)))
      return FALSE;
  return TRUE;
}

void
cep_model_spec_set_name (CepModelSpec *spec,
                         const char   *name)
{
  g_return_if_fail (spec != NULL);

  g_free (spec->name);
  spec->name = g_strdup (name);
}

void
cep_model_spec_add (CepModelSpec *spec,
                    CepBlock      block)
{
  g_return_if_fail (spec != NULL);
  g_array_append_val (spec->blocks, block);
}

guint
cep_model_spec_get_input_dim (const CepModelSpec *spec)
{
  g_return_val_if_fail (spec != NULL, 0);
  return (2 * spec->context + 1) * spec->feature_dim;
}

guint
cep_model_spec_get_n_classes (const CepModelSpec *spec)
{
  g_return_val_if_fail (spec != NULL, 0);
  return spec->head.width;
}

guint
cep_model_spec_get_n_blocks (const CepModelSpec *spec)
{
  g_return_val_if_fail (spec != NULL, 0);
  return spec->blocks->len;
}

const CepBlock *
cep_model_spec_get_block (const CepModelSpec *spec,
                          guint               index)
{
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (index <= spec->blocks->len, NULL);

  if (index == spec->blocks->len)
    return &spec->head;
  return &g_array_index (spec->blocks, CepBlock, index);
}

guint
cep_model_spec_get_block_input_width (const CepModelSpec *spec,
                                      guint               index)
{
  guint width;

  g_return_val_if_fail (spec != NULL, 0);
  g_return_val_if_fail (index <= spec->blocks->len, 0);

  width = cep_model_spec_get_input_dim (spec);
  for (guint i = 0; i < index; i++)
    {
      const CepBlock *block = &g_array_index (spec->blocks, CepBlock, i);
      if (block->kind == CEP_BLOCK_LINEAR)
        width = block->width;
    }
  return width;
}

static gboolean
fail (GError     **error,
      const char  *where,
      const char  *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError     **error,
      const char  *where,
      const char  *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CEP_MODEL_SPEC_ERROR, CEP_MODEL_SPEC_ERROR_INVALID, "%s: %s", where,
               message);
  return FALSE;
}

static gboolean
validate_linear (const CepBlock  *block,
                 const char      *where,
                 guint            max_width,
                 GError         **error)
{
  if (block->width == 0 || block->width > max_width)
    return fail (error, where, "linear width %u is not in [1, %u]", block->width, max_width);
  if ((guint) block->init >= CEP_INIT_COUNT)
    return fail (error, where, "unknown initialization %d", block->init);
  if (block->init == CEP_INIT_NORMAL && !(isfinite (block->init_std) && block->init_std > 0))
    return fail (error, where, "normal initialization needs a positive std, not %g",
                 block->init_std);
  return TRUE;
}

static gboolean
validate_block (const CepBlock  *block,
                const char      *where,
                gboolean         after_linear,
                GError         **error)
{
  switch (block->kind)
    {
    case CEP_BLOCK_LINEAR:
      return validate_linear (block, where, CEP_MODEL_MAX_WIDTH, error);
    case CEP_BLOCK_BATCH_NORM:
      if (!after_linear)
        return fail (error, where, "batch_norm before any linear layer");
      if (!(isfinite (block->eps) && block->eps > 0))
        return fail (error, where, "batch_norm eps %g is not positive", block->eps);
      if (!(block->momentum >= 0 && block->momentum <= 1))
        return fail (error, where, "batch_norm momentum %g is not in [0, 1]", block->momentum);
      return TRUE;
    case CEP_BLOCK_ACTIVATION:
      if (!after_linear)
        return fail (error, where, "activation before any linear layer");
      if ((guint) block->activation >= CEP_ACTIVATION_COUNT)
        return fail (error, where, "unknown activation %d", block->activation);
      if (!isfinite (block->slope))
        return fail (error, where, "leaky_relu slope is not a finite number");
      return TRUE;
    case CEP_BLOCK_DROPOUT:
      if (!(block->p >= 0 && block->p < 1))
        return fail (error, where, "dropout p %g is not in [0, 1)", block->p);
      return TRUE;
    default:
      return fail (error, where, "unknown block kind %d", block->kind);
    }
}

static gboolean
validate_shape (const CepModelSpec  *spec,
                GError             **error)
{
  if (spec->context > CEP_MODEL_MAX_CONTEXT)
    return fail (error, "context", "%u is above %d", spec->context, CEP_MODEL_MAX_CONTEXT);
  if (spec->feature_dim == 0 || spec->feature_dim > CEP_MODEL_MAX_FEATURE_DIM)
    return fail (error, "feature_dim", "%u is not in [1, %d]", spec->feature_dim,
                 CEP_MODEL_MAX_FEATURE_DIM);
  if (spec->blocks->len > CEP_MODEL_MAX_BLOCKS)
    return fail (error, "blocks", "%u blocks, at most %d are allowed", spec->blocks->len,
                 CEP_MODEL_MAX_BLOCKS);
  if (!(spec->label_smoothing >= 0 && spec->label_smoothing < 1))
    return fail (error, "label_smoothing", "%g is not in [0, 1)", spec->label_smoothing);
  return TRUE;
}

gboolean
cep_model_spec_validate (const CepModelSpec  *spec,
                         GError             **error)
{
  gboolean after_linear = FALSE;

  g_return_val_if_fail (spec != NULL, FALSE);

  if (!validate_shape (spec, error))
    return FALSE;
  for (guint i = 0; i < spec->blocks->len; i++)
    {
      const CepBlock *block = &g_array_index (spec->blocks, CepBlock, i);
      g_autofree char *where = g_strdup_printf ("blocks[%u]", i);

      if (!validate_block (block, where, after_linear, error))
        return FALSE;
      after_linear |= block->kind == CEP_BLOCK_LINEAR;
    }
  if (spec->head.kind != CEP_BLOCK_LINEAR)
    return fail (error, "head", "the head must be a linear layer");
  if (spec->head.width < 2 || spec->head.width > CEP_MODEL_MAX_CLASSES)
    return fail (error, "head", "%u classes is not in [2, %d]", spec->head.width,
                 CEP_MODEL_MAX_CLASSES);
  return validate_linear (&spec->head, "head", CEP_MODEL_MAX_CLASSES, error);
}

static guint64
linear_params (const CepBlock *block,
               guint64         in)
{
  return in * block->width + (block->bias ? block->width : 0);
}

guint64
cep_model_spec_count_params (const CepModelSpec *spec)
{
  guint64 width, total = 0;

  g_return_val_if_fail (spec != NULL, 0);

  width = cep_model_spec_get_input_dim (spec);
  for (guint i = 0; i < spec->blocks->len; i++)
    {
      const CepBlock *block = &g_array_index (spec->blocks, CepBlock, i);

      if (block->kind == CEP_BLOCK_LINEAR)
        {
          total += linear_params (block, width);
          width = block->width;
        }
      else if (block->kind == CEP_BLOCK_BATCH_NORM)
        total += 2 * width;
    }
  return total + linear_params (&spec->head, width);
}

static guint64
block_flops (const CepBlock *block,
             guint64         in)
{
  switch (block->kind)
    {
    case CEP_BLOCK_LINEAR:
      return 2 * in * block->width + (block->bias ? block->width : 0);
    case CEP_BLOCK_BATCH_NORM:
      return 2 * in;
    case CEP_BLOCK_ACTIVATION:
      return in;
    case CEP_BLOCK_DROPOUT:
    default:
      return 0;
    }
}

guint64
cep_model_spec_count_flops (const CepModelSpec *spec)
{
  guint64 width, total = 0;

  g_return_val_if_fail (spec != NULL, 0);

  width = cep_model_spec_get_input_dim (spec);
  for (guint i = 0; i < spec->blocks->len; i++)
    {
      const CepBlock *block = &g_array_index (spec->blocks, CepBlock, i);

      total += block_flops (block, width);
      if (block->kind == CEP_BLOCK_LINEAR)
        width = block->width;
    }
  return total + block_flops (&spec->head, width);
}

guint64
cep_model_spec_count_train_gemm_flops (const CepModelSpec *spec)
{
  guint64 width, total = 0;
  gboolean first = TRUE;

  g_return_val_if_fail (spec != NULL, 0);

  width = cep_model_spec_get_input_dim (spec);
  for (guint i = 0; i <= spec->blocks->len; i++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, i);

      if (block->kind != CEP_BLOCK_LINEAR)
        continue;
      total += (first ? 4 : 6) * width * block->width;
      width = block->width;
      first = FALSE;
    }
  return total;
}

/* 18864938 -> "18,864,938". */
static char *
format_count (guint64 value)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, value);
  gsize length = strlen (digits);
  GString *text = g_string_new (NULL);

  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && (length - i) % 3 == 0)
        g_string_append_c (text, ',');
      g_string_append_c (text, digits[i]);
    }
  return g_string_free (text, FALSE);
}

char *
cep_model_spec_check_param_limit (const CepModelSpec *spec)
{
  guint64 params;
  g_autofree char *have = NULL;
  g_autofree char *limit = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  params = cep_model_spec_count_params (spec);
  if (spec->param_limit == 0 || params <= spec->param_limit)
    return NULL;
  have = format_count (params);
  limit = format_count (spec->param_limit);
  return g_strdup_printf ("%s parameters: above the limit of %s", have, limit);
}

static void
describe_block (GString        *text,
                const CepBlock *block,
                guint           in)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  switch (block->kind)
    {
    case CEP_BLOCK_LINEAR:
      g_string_append_printf (text, "Linear(%u, %u%s)", in, block->width,
                              block->bias ? "" : ", bias=False");
      break;
    case CEP_BLOCK_BATCH_NORM:
      g_string_append_printf (text, "BatchNorm1d(%u)", in);
      break;
    case CEP_BLOCK_ACTIVATION:
      g_string_append (text, torch_activation_names[block->activation]);
      if (block->activation == CEP_ACTIVATION_LEAKY_RELU)
        g_string_append_printf (text, "(negative_slope=%s)",
                                g_ascii_formatd (number, sizeof number, "%g", block->slope));
      else
        g_string_append (text, "()");
      break;
    case CEP_BLOCK_DROPOUT:
      g_string_append_printf (text, "Dropout(p=%s)",
                              g_ascii_formatd (number, sizeof number, "%g", block->p));
      break;
    default:
      g_assert_not_reached ();
    }
}

char *
cep_model_spec_describe (const CepModelSpec *spec)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (spec != NULL, NULL);

  for (guint i = 0; i <= spec->blocks->len; i++)
    {
      describe_block (text, cep_model_spec_get_block (spec, i),
                      cep_model_spec_get_block_input_width (spec, i));
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

static void
tensor_info_clear (gpointer data)
{
  CepTensorInfo *info = data;

  g_free (info->name);
}

static void
add_tensor (GArray        *tensors,
            guint          block,
            CepTensorRole  role,
            gsize          length,
            gboolean       is_parameter)
{
  static const char *const suffixes[] = {
    [CEP_TENSOR_WEIGHT] = "weight",
    [CEP_TENSOR_BIAS] = "bias",
    [CEP_TENSOR_RUNNING_MEAN] = "running_mean",
    [CEP_TENSOR_RUNNING_VAR] = "running_var",
    [CEP_TENSOR_NUM_BATCHES_TRACKED] = "num_batches_tracked",
  };
  CepTensorInfo info = {
    .name = g_strdup_printf (CEP_MODEL_TENSOR_PREFIX ".%u.%s", block, suffixes[role]),
    .block = block,
    .role = role,
    .n_dims = role == CEP_TENSOR_NUM_BATCHES_TRACKED ? 0 : 1,
    .shape = { length, 0 },
    .n_elements = role == CEP_TENSOR_NUM_BATCHES_TRACKED ? 1 : length,
    .is_parameter = is_parameter,
  };
  g_array_append_val (tensors, info);
}

static void
add_block_tensors (GArray         *tensors,
                   const CepBlock *block,
                   guint           index,
                   guint           in)
{
  CepTensorInfo *weight;

  if (block->kind == CEP_BLOCK_LINEAR)
    {
      add_tensor (tensors, index, CEP_TENSOR_WEIGHT, block->width, TRUE);
      weight = &g_array_index (tensors, CepTensorInfo, tensors->len - 1);
      weight->n_dims = 2;
      weight->shape[1] = in;
      weight->n_elements = (gsize) block->width * in;
      if (block->bias)
        add_tensor (tensors, index, CEP_TENSOR_BIAS, block->width, TRUE);
    }
  else if (block->kind == CEP_BLOCK_BATCH_NORM)
    {
      add_tensor (tensors, index, CEP_TENSOR_WEIGHT, in, TRUE);
      add_tensor (tensors, index, CEP_TENSOR_BIAS, in, TRUE);
      add_tensor (tensors, index, CEP_TENSOR_RUNNING_MEAN, in, FALSE);
      add_tensor (tensors, index, CEP_TENSOR_RUNNING_VAR, in, FALSE);
      add_tensor (tensors, index, CEP_TENSOR_NUM_BATCHES_TRACKED, 1, FALSE);
    }
}

GArray *
cep_model_spec_list_tensors (const CepModelSpec *spec)
{
  GArray *tensors;

  g_return_val_if_fail (spec != NULL, NULL);

  tensors = g_array_new (FALSE, TRUE, sizeof (CepTensorInfo));
  g_array_set_clear_func (tensors, tensor_info_clear);
  for (guint i = 0; i <= spec->blocks->len; i++)
    add_block_tensors (tensors, cep_model_spec_get_block (spec, i), i,
                       cep_model_spec_get_block_input_width (spec, i));
  return tensors;
}

/* Standard normal from two uniforms (Box-Muller); 1 - u keeps the logarithm finite. */
static double
normal_draw (CepRng *rng)
{
  double u1 = 1.0 - cep_rng_uniform (rng);
  double u2 = cep_rng_uniform (rng);

  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static void
fill_values (CepRng *rng,
             float  *values,
             gsize   n,
             gboolean normal,
             double  scale)
{
  for (gsize i = 0; i < n; i++)
    {
      double unit = normal ? normal_draw (rng) : 2.0 * cep_rng_uniform (rng) - 1.0;
      values[i] = (float) (unit * scale);
    }
}

void
cep_model_spec_init_linear (const CepModelSpec *spec,
                            guint               index,
                            guint64             seed,
                            float              *weight,
                            float              *bias)
{
  const CepBlock *block;
  double in, out, scale = 0.0;
  gboolean normal = FALSE;
  CepRng rng;

  g_return_if_fail (spec != NULL && weight != NULL);
  block = cep_model_spec_get_block (spec, index);
  g_return_if_fail (block != NULL && block->kind == CEP_BLOCK_LINEAR);

  in = cep_model_spec_get_block_input_width (spec, index);
  out = block->width;
  switch (block->init)
    {
    case CEP_INIT_GLOROT_UNIFORM: scale = sqrt (6.0 / (in + out)); break;
    case CEP_INIT_KAIMING_UNIFORM: scale = sqrt (6.0 / in); break;
    case CEP_INIT_KAIMING_NORMAL: scale = sqrt (2.0 / in); normal = TRUE; break;
    case CEP_INIT_NORMAL: scale = block->init_std; normal = TRUE; break;
    case CEP_INIT_TORCH_DEFAULT: scale = 1.0 / sqrt (in); break;
    default: g_return_if_reached ();
    }
  cep_rng_init (&rng, seed, CEP_RNG_STREAM_INIT, index, 0);
  fill_values (&rng, weight, (gsize) block->width * (gsize) in, normal, scale);
  if (bias == NULL || !block->bias)
    return;
  if (block->init == CEP_INIT_TORCH_DEFAULT)
    {
      cep_rng_init (&rng, seed, CEP_RNG_STREAM_INIT, index, 1);
      fill_values (&rng, bias, block->width, FALSE, scale);
    }
  else
    memset (bias, 0, block->width * sizeof (float));
}
