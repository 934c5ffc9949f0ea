/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-model-spec.c: model specs, their validation, counts and checkpoint tensor names.
 *
 * Owns the meaning of a spec as a whole: the input shape and how it flows through the blocks,
 * the checks of the whole (bounds, the head), totals of parameters and FLOPs, the tensor list
 * and how initial weights are drawn. What one block kind means is its descriptor's
 * (cep-block-type.h, blocks/): this file walks the table and never switches on a kind. It must
 * not know about presets (cep-model-presets.c) or files (cep-experiment.c).
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-model-spec.h"
#include "cep-block-type.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "cep-rng.h"

G_DEFINE_QUARK (cep-model-spec-error-quark, cep_model_spec_error)

const char *const cep_init_names[CEP_INIT_COUNT + 1] = {
  [CEP_INIT_GLOROT_UNIFORM] = "glorot_uniform",
  [CEP_INIT_KAIMING_UNIFORM] = "kaiming_uniform",
  [CEP_INIT_KAIMING_NORMAL] = "kaiming_normal",
  [CEP_INIT_NORMAL] = "normal",
  [CEP_INIT_TORCH_DEFAULT] = "torch_default",
  NULL,
};

const char *const cep_init_labels[CEP_INIT_COUNT + 1] = {
  [CEP_INIT_GLOROT_UNIFORM] = CEP_N_ ("Glorot uniform"),
  [CEP_INIT_KAIMING_UNIFORM] = CEP_N_ ("Kaiming uniform"),
  [CEP_INIT_KAIMING_NORMAL] = CEP_N_ ("Kaiming normal"),
  [CEP_INIT_NORMAL] = CEP_N_ ("Normal"),
  [CEP_INIT_TORCH_DEFAULT] = CEP_N_ ("PyTorch default"),
  NULL,
};

const char *
cep_block_kind_get_name (CepBlockKind kind)
{
  g_return_val_if_fail ((guint) kind < CEP_BLOCK_KIND_COUNT, NULL);
  return cep_block_type_get (kind)->name;
}

const char *
cep_init_get_name (CepInit init)
{
  g_return_val_if_fail ((guint) init < CEP_INIT_COUNT, NULL);
  return cep_init_names[init];
}

gboolean
cep_init_from_name (const char *name,
                    CepInit    *init)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < CEP_INIT_COUNT; i++)
    if (strcmp (name, cep_init_names[i]) == 0)
      {
        *init = (CepInit) i;
        return TRUE;
      }
  return FALSE;
}

CepBlock
cep_block_defaults (CepBlockKind kind)
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
    .elementwise_affine = TRUE,
    .kernel = 3,
    .stride = 1,
    .dilation = 1,
    .padding = CEP_PADDING_VALID,
    .body_blocks = 2,
  };
  return block;
}

/* Compares the fields that mean something for the block's kind. */
static gboolean
block_equal (const CepBlock *a,
             const CepBlock *b)
{
  const CepBlockType *type = cep_block_type_of (a);

  return a->kind == b->kind && type != NULL && type->equal (a, b);
}

CepModelSpec *
cep_model_spec_new (guint context,
                    guint feature_dim,
                    guint n_classes)
{
  CepModelSpec *spec = g_new0 (CepModelSpec, 1);

  spec->context = context;
  spec->context_past = CEP_CONTEXT_SAME;
  spec->context_future = CEP_CONTEXT_SAME;
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
      || cep_model_spec_get_context_past (a) != cep_model_spec_get_context_past (b)
      || cep_model_spec_get_context_future (a) != cep_model_spec_get_context_future (b)
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
cep_model_spec_get_context_past (const CepModelSpec *spec)
{
  g_return_val_if_fail (spec != NULL, 0);
  return cep_context_side (spec->context_past, spec->context);
}

guint
cep_model_spec_get_context_future (const CepModelSpec *spec)
{
  g_return_val_if_fail (spec != NULL, 0);
  return cep_context_side (spec->context_future, spec->context);
}

guint
cep_model_spec_get_window_frames (const CepModelSpec *spec)
{
  return cep_context_window_frames (cep_model_spec_get_context_past (spec),
                                    cep_model_spec_get_context_future (spec));
}

guint
cep_model_spec_get_context_reach (const CepModelSpec *spec)
{
  return MAX (cep_model_spec_get_context_past (spec), cep_model_spec_get_context_future (spec));
}

gboolean
cep_model_spec_is_symmetric (const CepModelSpec *spec)
{
  return cep_model_spec_get_context_past (spec) == cep_model_spec_get_context_future (spec);
}

void
cep_model_spec_set_context_window (CepModelSpec *spec,
                                   guint         past,
                                   guint         future)
{
  g_return_if_fail (spec != NULL);

  spec->context = MAX (past, future);
  spec->context_past = past == future ? CEP_CONTEXT_SAME : past;
  spec->context_future = past == future ? CEP_CONTEXT_SAME : future;
}

guint
cep_model_spec_get_input_dim (const CepModelSpec *spec)
{
  g_return_val_if_fail (spec != NULL, 0);
  return cep_model_spec_get_window_frames (spec) * spec->feature_dim;
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

static CepBlockShape
input_shape (const CepModelSpec *spec)
{
  return (CepBlockShape) { cep_model_spec_get_window_frames (spec), spec->feature_dim, FALSE };
}

/* The shape after @block; a block of an unknown kind passes its input on. */
static void
next_shape (const CepBlock *block,
            CepBlockShape  *shape)
{
  const CepBlockType *type = cep_block_type_of (block);
  CepBlockShape in = *shape;

  if (type != NULL)
    type->output_shape (block, &in, shape);
}

void
cep_model_spec_get_block_input_shape (const CepModelSpec *spec,
                                      guint               index,
                                      CepBlockShape      *shape)
{
  g_return_if_fail (spec != NULL && shape != NULL);
  g_return_if_fail (index <= spec->blocks->len);

  *shape = input_shape (spec);
  for (guint i = 0; i < index; i++)
    next_shape (&g_array_index (spec->blocks, CepBlock, i), shape);
}

guint
cep_model_spec_get_block_input_width (const CepModelSpec *spec,
                                      guint               index)
{
  CepBlockShape shape;

  g_return_val_if_fail (spec != NULL, 0);
  g_return_val_if_fail (index <= spec->blocks->len, 0);

  cep_model_spec_get_block_input_shape (spec, index, &shape);
  return cep_block_shape_width (&shape);
}

guint
cep_model_spec_get_body_length (const CepModelSpec *spec,
                                guint               index)
{
  const CepBlock *block;
  const CepBlockType *type;

  g_return_val_if_fail (spec != NULL, 0);
  g_return_val_if_fail (index <= spec->blocks->len, 0);

  block = cep_model_spec_get_block (spec, index);
  type = cep_block_type_of (block);
  return type != NULL && type->body_length != NULL ? type->body_length (block) : 0;
}

/* The body of block @index as far as the list goes: a body that runs past it (refused by
 * validation) still names and describes what there is. */
static guint
body_within_list (const CepModelSpec *spec,
                  guint               index)
{
  guint after = index < spec->blocks->len ? spec->blocks->len - index - 1 : 0;

  return MIN (cep_model_spec_get_body_length (spec, index), after);
}

char *
cep_model_spec_get_module_name (const CepModelSpec *spec,
                                guint               index)
{
  guint module = 0;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (index <= spec->blocks->len, NULL);

  /* Walk the top-level modules; a block with a body takes its body's blocks with it. */
  for (guint i = 0; i < spec->blocks->len; module++)
    {
      guint body = body_within_list (spec, i);

      if (index > i && index <= i + body)
        return g_strdup_printf (CEP_MODEL_TENSOR_PREFIX ".%u.body.%u", module, index - i - 1);
      if (index == i)
        break;
      i += 1 + body;
    }
  return g_strdup_printf (CEP_MODEL_TENSOR_PREFIX ".%u", module);
}

gboolean
cep_model_spec_uses_batch_statistics (const CepModelSpec *spec)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  for (guint i = 0; i < spec->blocks->len; i++)
    {
      const CepBlockType *type = cep_block_type_of (&g_array_index (spec->blocks, CepBlock, i));

      if (type != NULL && type->batch_statistics)
        return TRUE;
    }
  return FALSE;
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

/* Checks @block against its input shape @in (and then moves @in on to its output). */
static gboolean
validate_block (const CepBlock  *block,
                const char      *where,
                gboolean         after_trainable,
                CepBlockShape   *in,
                GError         **error)
{
  const CepBlockType *type = cep_block_type_of (block);
  g_autofree char *message = NULL;

  if (type == NULL)
    return fail (error, where, "unknown block kind %d", block->kind);
  if (!type->validate (block, in, after_trainable, &message))
    return fail (error, where, "%s", message);
  next_shape (block, in);
  return TRUE;
}

static gboolean
validate_shape (const CepModelSpec  *spec,
                GError             **error)
{
  /* A side given on its own is named on its own: K is only their maximum then. */
  if (spec->context_past != CEP_CONTEXT_SAME && spec->context_past > CEP_MODEL_MAX_CONTEXT)
    return fail (error, "context_past", "%u is above %d", spec->context_past,
                 CEP_MODEL_MAX_CONTEXT);
  if (spec->context_future != CEP_CONTEXT_SAME && spec->context_future > CEP_MODEL_MAX_CONTEXT)
    return fail (error, "context_future", "%u is above %d", spec->context_future,
                 CEP_MODEL_MAX_CONTEXT);
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

/* Checks that the body of block @index (a residual's) lies within the list and holds no body
 * of its own. */
static gboolean
validate_body_extent (const CepModelSpec  *spec,
                      guint                index,
                      const char          *where,
                      GError             **error)
{
  const CepBlock *block = &g_array_index (spec->blocks, CepBlock, index);
  guint body = cep_model_spec_get_body_length (spec, index);
  guint after = spec->blocks->len - index - 1;
  const char *name = cep_block_kind_get_name (block->kind);

  if (body > after)
    return fail (error, where, "%s blocks %u runs past the end of the block list (%u %s after "
                 "it)", name, body, after, after == 1 ? "block comes" : "blocks come");
  for (guint j = index + 1; j <= index + body; j++)
    if (cep_model_spec_get_body_length (spec, j) > 0)
      {
        g_autofree char *inner = g_strdup_printf ("blocks[%u]", j);

        return fail (error, inner, "a %s inside the body of blocks[%u] (a %s): bodies do not "
                     "nest", cep_block_kind_get_name (
                       g_array_index (spec->blocks, CepBlock, j).kind), index, name);
      }
  return TRUE;
}

gboolean
cep_model_spec_validate (const CepModelSpec  *spec,
                         GError             **error)
{
  gboolean after_trainable = FALSE;
  CepBlockShape shape;
  /* The block whose body is being walked, and the shape it was given. */
  guint open = G_MAXUINT;
  CepBlockShape open_in = { 0 };

  g_return_val_if_fail (spec != NULL, FALSE);

  if (!validate_shape (spec, error))
    return FALSE;
  shape = input_shape (spec);
  for (guint i = 0; i < spec->blocks->len; i++)
    {
      const CepBlock *block = &g_array_index (spec->blocks, CepBlock, i);
      g_autofree char *where = g_strdup_printf ("blocks[%u]", i);
      CepBlockShape in = shape;

      if (!validate_block (block, where, after_trainable, &shape, error))
        return FALSE;
      after_trainable |= cep_block_type_of (block)->trainable;
      if (cep_model_spec_get_body_length (spec, i) > 0)
        {
          if (!validate_body_extent (spec, i, where, error))
            return FALSE;
          open = i;
          open_in = in;
        }
      if (open != G_MAXUINT && i == open + cep_model_spec_get_body_length (spec, open))
        {
          const CepBlock *owner = &g_array_index (spec->blocks, CepBlock, open);
          g_autofree char *message = NULL;
          g_autofree char *owner_where = g_strdup_printf ("blocks[%u]", open);

          if (!cep_block_type_of (owner)->check_body (owner, &open_in, &shape, &message))
            return fail (error, owner_where, "%s", message);
          open = G_MAXUINT;
        }
    }
  if (spec->head.kind != CEP_BLOCK_LINEAR)
    return fail (error, "head", "the head must be a linear layer");
  if (spec->head.width < 2 || spec->head.width > CEP_MODEL_MAX_CLASSES)
    return fail (error, "head", "%u classes is not in [2, %d]", spec->head.width,
                 CEP_MODEL_MAX_CLASSES);
  return validate_block (&spec->head, "head", TRUE, &shape, error);
}

/* The sum of @count over every block (the head included), each at its input shape. */
static guint64
sum_over_blocks (const CepModelSpec *spec,
                 guint64           (*count) (const CepBlockType  *type,
                                             const CepBlock      *block,
                                             const CepBlockShape *in,
                                             gboolean            *first))
{
  CepBlockShape shape = input_shape (spec);
  gboolean first = TRUE;
  guint64 total = 0;

  for (guint i = 0; i <= spec->blocks->len; i++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, i);
      const CepBlockType *type = cep_block_type_of (block);

      if (type != NULL)
        total += count (type, block, &shape, &first);
      next_shape (block, &shape);
    }
  return total;
}

static guint64
params_of (const CepBlockType  *type,
           const CepBlock      *block,
           const CepBlockShape *in,
           gboolean            *first)
{
  return type->count_params (block, in);
}

static guint64
flops_of (const CepBlockType  *type,
          const CepBlock      *block,
          const CepBlockShape *in,
          gboolean            *first)
{
  return type->count_flops (block, in);
}

/* The first trainable block needs no input gradient. */
static guint64
train_gemm_flops_of (const CepBlockType  *type,
                     const CepBlock      *block,
                     const CepBlockShape *in,
                     gboolean            *first)
{
  guint64 flops = type->count_train_gemm_flops != NULL
                  ? type->count_train_gemm_flops (block, in, *first) : 0;

  if (type->trainable)
    *first = FALSE;
  return flops;
}

guint64
cep_model_spec_count_params (const CepModelSpec *spec)
{
  g_return_val_if_fail (spec != NULL, 0);
  return sum_over_blocks (spec, params_of);
}

guint64
cep_model_spec_count_flops (const CepModelSpec *spec)
{
  g_return_val_if_fail (spec != NULL, 0);
  return sum_over_blocks (spec, flops_of);
}

guint64
cep_model_spec_count_train_gemm_flops (const CepModelSpec *spec)
{
  g_return_val_if_fail (spec != NULL, 0);
  return sum_over_blocks (spec, train_gemm_flops_of);
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

char *
cep_model_spec_describe (const CepModelSpec *spec)
{
  GString *text = g_string_new (NULL);
  /* The last block of each body being described, innermost last: bodies do not nest in a
   * valid spec, but an invalid one is described too (the Model page shows it). */
  g_autoptr (GArray) ends = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (spec != NULL, NULL);

  for (guint i = 0; i <= spec->blocks->len; i++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, i);
      CepBlockShape in;

      cep_model_spec_get_block_input_shape (spec, i, &in);
      for (guint d = 0; d < ends->len; d++)
        g_string_append (text, "  ");
      cep_block_type_of (block)->describe (block, &in, text);
      g_string_append_c (text, '\n');
      /* A kind with a body opens one even when it is empty (refused by validation). */
      if (i < spec->blocks->len && cep_block_type_of (block)->body_length != NULL)
        {
          guint end = i + body_within_list (spec, i);

          if (ends->len > 0)
            end = MIN (end, g_array_index (ends, guint, ends->len - 1));
          g_array_append_val (ends, end);
        }
      while (ends->len > 0 && g_array_index (ends, guint, ends->len - 1) == i)
        {
          g_array_set_size (ends, ends->len - 1);
          for (guint d = 0; d < ends->len; d++)
            g_string_append (text, "  ");
          g_string_append (text, ")\n");
        }
    }
  return g_string_free (text, FALSE);
}

static void
tensor_info_clear (gpointer data)
{
  CepTensorInfo *info = data;

  g_free (info->name);
}

GArray *
cep_model_spec_list_tensors (const CepModelSpec *spec)
{
  GArray *tensors;

  g_return_val_if_fail (spec != NULL, NULL);

  tensors = g_array_new (FALSE, TRUE, sizeof (CepTensorInfo));
  g_array_set_clear_func (tensors, tensor_info_clear);
  for (guint i = 0; i <= spec->blocks->len; i++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, i);
      g_autofree char *module = cep_model_spec_get_module_name (spec, i);
      guint first = tensors->len;
      CepBlockShape in;

      cep_model_spec_get_block_input_shape (spec, i, &in);
      cep_block_type_of (block)->list_tensors (block, i, &in, tensors);
      /* The kinds name their tensors by position; a body's and those after a body are named
       * by their module in the nested Sequential. */
      for (guint t = first; t < tensors->len; t++)
        {
          CepTensorInfo *info = &g_array_index (tensors, CepTensorInfo, t);

          g_free (info->name);
          info->name = g_strdup_printf ("%s.%s", module, cep_tensor_role_get_name (info->role));
        }
    }
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
cep_model_spec_init_weights (const CepModelSpec *spec,
                             guint               index,
                             guint64             seed,
                             double              in,
                             double              out,
                             gsize               n_weights,
                             float              *weight,
                             float              *bias)
{
  const CepBlock *block;
  double scale = 0.0;
  gboolean normal = FALSE;
  CepRng rng;

  g_return_if_fail (spec != NULL && weight != NULL);
  block = cep_model_spec_get_block (spec, index);
  g_return_if_fail (block != NULL);

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
  fill_values (&rng, weight, n_weights, normal, scale);
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

void
cep_model_spec_init_linear (const CepModelSpec *spec,
                            guint               index,
                            guint64             seed,
                            float              *weight,
                            float              *bias)
{
  const CepBlock *block;
  guint in;

  g_return_if_fail (spec != NULL && weight != NULL);
  block = cep_model_spec_get_block (spec, index);
  g_return_if_fail (block != NULL && block->kind == CEP_BLOCK_LINEAR);

  in = cep_model_spec_get_block_input_width (spec, index);
  cep_model_spec_init_weights (spec, index, seed, in, block->width,
                               (gsize) block->width * in, weight, bias);
}
