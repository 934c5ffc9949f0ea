/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-model-spec.c: model specs: validation, counts, descriptions, tensor names, init.
 *
 * Expected parameter counts were checked against torch 1.13's
 * sum(p.numel() for p in model.parameters()) on the equivalent nn.Sequential.
 */
#include <math.h>
#include <string.h>

#include "cep-model-presets.h"
#include "cep-model-spec.h"
#include "cep-block-type.h"

/* Linear(1708, 512) BN GELU Dropout, Linear(512, 512) GELU Dropout, Linear(512, 512) BN GELU
 * Dropout, head: tiny built by hand, so these tests do not depend on the preset code. */
static CepModelSpec *
make_tiny_by_hand (guint n_classes)
{
  CepModelSpec *spec = cep_model_spec_new (30, 28, n_classes);
  const double dropouts[] = { 0.35, 0.3, 0.25 };

  for (guint i = 0; i < 3; i++)
    {
      cep_model_spec_add (spec, cep_block_linear (512));
      if (i != 1)
        cep_model_spec_add (spec, cep_block_batch_norm ());
      cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_GELU));
      cep_model_spec_add (spec, cep_block_dropout (dropouts[i]));
    }
  return spec;
}

static void
test_dimensions (void)
{
  g_autoptr(CepModelSpec) spec = make_tiny_by_hand (42);

  g_assert_cmpuint (cep_model_spec_get_input_dim (spec), ==, 1708);
  g_assert_cmpuint (cep_model_spec_get_n_classes (spec), ==, 42);
  g_assert_cmpuint (cep_model_spec_get_n_blocks (spec), ==, 11);
  g_assert_cmpint (cep_model_spec_get_block (spec, 11)->kind, ==, CEP_BLOCK_LINEAR);
  g_assert_true (cep_model_spec_get_block (spec, 11) == &spec->head);
  g_assert_cmpuint (cep_model_spec_get_block_input_width (spec, 0), ==, 1708);
  g_assert_cmpuint (cep_model_spec_get_block_input_width (spec, 1), ==, 512);
  g_assert_cmpuint (cep_model_spec_get_block_input_width (spec, 11), ==, 512);
}

/* The input is past + future + 1 frames; equal sides collapse to K again. */
static void
test_asymmetric_window (void)
{
  g_autoptr(CepModelSpec) spec = make_tiny_by_hand (42);
  g_autoptr(CepModelSpec) copy = NULL;
  CepBlockShape shape;

  cep_model_spec_set_context_window (spec, 30, 5);
  g_assert_cmpuint (cep_model_spec_get_window_frames (spec), ==, 36);
  g_assert_cmpuint (cep_model_spec_get_input_dim (spec), ==, 36 * 28);
  g_assert_cmpuint (cep_model_spec_get_context_reach (spec), ==, 30);
  cep_model_spec_get_block_input_shape (spec, 0, &shape);
  g_assert_cmpuint (shape.frames, ==, 36);
  g_assert_false (cep_model_spec_is_symmetric (spec));
  copy = cep_model_spec_copy (spec);
  cep_model_spec_set_context_window (copy, 30, 6);
  g_assert_false (cep_model_spec_equal (spec, copy));
  cep_model_spec_set_context_window (copy, 8, 8);
  g_assert_true (cep_model_spec_is_symmetric (copy));
  g_assert_cmpuint (copy->context, ==, 8);
  g_assert_cmpuint (copy->context_past, ==, CEP_CONTEXT_SAME);
  g_assert_cmpuint (cep_model_spec_get_input_dim (copy), ==, 17 * 28);
}

static void
test_param_count (void)
{
  g_autoptr(CepModelSpec) tiny42 = make_tiny_by_hand (42);
  g_autoptr(CepModelSpec) tiny40 = make_tiny_by_hand (40);
  g_autoptr(CepModelSpec) linear = cep_model_spec_new (0, 10, 3);
  CepBlock no_bias = cep_block_linear (4);

  g_assert_cmpuint (cep_model_spec_count_params (tiny42), ==, 1423914);
  g_assert_cmpuint (cep_model_spec_count_params (tiny40), ==, 1422888);

  /* 10 -> 4 without bias (40), BN(4) (8), head 4 -> 3 with bias (15). */
  no_bias.bias = FALSE;
  cep_model_spec_add (linear, no_bias);
  cep_model_spec_add (linear, cep_block_batch_norm ());
  g_assert_cmpuint (cep_model_spec_count_params (linear), ==, 40 + 8 + 15);
}

static void
test_flops (void)
{
  g_autoptr(CepModelSpec) spec = make_tiny_by_hand (42);
  guint64 gemm = 1708 * 512 + 512 * 512 + 512 * 512 + 512 * 42;
  guint64 bias = 3 * 512 + 42;
  guint64 elementwise = 2 * 512 * 2 /* BN */ + 3 * 512 /* GELU */;

  g_assert_cmpuint (cep_model_spec_count_flops (spec), ==, 2 * gemm + bias + elementwise);
  /* 6 per weight, but only 4 for the first layer (no input gradient). */
  g_assert_cmpuint (cep_model_spec_count_train_gemm_flops (spec), ==,
                    6 * gemm - 2 * 1708 * 512);
}

static void
test_param_limit (void)
{
  g_autoptr(CepModelSpec) spec = make_tiny_by_hand (42);
  g_autofree char *warning = NULL;

  g_assert_cmpuint (spec->param_limit, ==, 20000000);
  g_assert_null (cep_model_spec_check_param_limit (spec));

  spec->param_limit = 1000000;
  warning = cep_model_spec_check_param_limit (spec);
  g_assert_cmpstr (warning, ==, "1,423,914 parameters: above the limit of 1,000,000");

  spec->param_limit = 1423914;
  g_assert_null (cep_model_spec_check_param_limit (spec));
  spec->param_limit = 0;
  g_assert_null (cep_model_spec_check_param_limit (spec));
}

static void
test_describe (void)
{
  g_autoptr(CepModelSpec) spec = cep_model_spec_new (1, 2, 5);
  CepBlock leaky = cep_block_activation (CEP_ACTIVATION_LEAKY_RELU);
  CepBlock no_bias = cep_block_linear (8);
  g_autofree char *text = NULL;

  leaky.slope = 0.2;
  no_bias.bias = FALSE;
  cep_model_spec_add (spec, no_bias);
  cep_model_spec_add (spec, cep_block_batch_norm ());
  cep_model_spec_add (spec, leaky);
  cep_model_spec_add (spec, cep_block_dropout (0.35));
  cep_model_spec_add (spec, cep_block_linear (4));
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_MISH));
  text = cep_model_spec_describe (spec);
  g_assert_cmpstr (text, ==,
                   "Linear(6, 8, bias=False)\n"
                   "BatchNorm1d(8)\n"
                   "LeakyReLU(negative_slope=0.2)\n"
                   "Dropout(p=0.35)\n"
                   "Linear(8, 4)\n"
                   "Mish()\n"
                   "Linear(4, 5)\n");
}

static void
test_tensor_list (void)
{
  g_autoptr(CepModelSpec) spec = make_tiny_by_hand (42);
  g_autoptr(GArray) tensors = cep_model_spec_list_tensors (spec);
  const char *expected_names[] = {
    "layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
    "layers.1.running_mean", "layers.1.running_var", "layers.1.num_batches_tracked",
    "layers.4.weight", "layers.4.bias", "layers.7.weight", "layers.7.bias", "layers.8.weight",
    "layers.8.bias", "layers.8.running_mean", "layers.8.running_var",
    "layers.8.num_batches_tracked", "layers.11.weight", "layers.11.bias",
  };
  guint64 n_params = 0;
  const CepTensorInfo *first, *counter, *head;

  g_assert_cmpuint (tensors->len, ==, G_N_ELEMENTS (expected_names));
  for (guint i = 0; i < tensors->len; i++)
    {
      const CepTensorInfo *info = &g_array_index (tensors, CepTensorInfo, i);
      g_assert_cmpstr (info->name, ==, expected_names[i]);
      if (info->is_parameter)
        n_params += info->n_elements;
    }
  g_assert_cmpuint (n_params, ==, cep_model_spec_count_params (spec));

  first = &g_array_index (tensors, CepTensorInfo, 0);
  g_assert_cmpuint (first->n_dims, ==, 2);
  g_assert_cmpuint (first->shape[0], ==, 512);
  g_assert_cmpuint (first->shape[1], ==, 1708);
  counter = &g_array_index (tensors, CepTensorInfo, 6);
  g_assert_cmpint (counter->role, ==, CEP_TENSOR_NUM_BATCHES_TRACKED);
  g_assert_cmpuint (counter->n_dims, ==, 0);
  g_assert_false (counter->is_parameter);
  head = &g_array_index (tensors, CepTensorInfo, 16);
  g_assert_cmpuint (head->block, ==, 11);
  g_assert_cmpuint (head->shape[0], ==, 42);
  g_assert_cmpuint (head->shape[1], ==, 512);
}

static void
test_copy_and_equal (void)
{
  g_autoptr(CepModelSpec) spec = make_tiny_by_hand (42);
  g_autoptr(CepModelSpec) copy = cep_model_spec_copy (spec);
  CepBlock *block;

  cep_model_spec_set_name (spec, "tiny");
  g_assert_false (cep_model_spec_equal (spec, copy));
  cep_model_spec_set_name (copy, "tiny");
  g_assert_true (cep_model_spec_equal (spec, copy));

  block = &g_array_index (copy->blocks, CepBlock, 3);
  block->p = 0.5;
  g_assert_false (cep_model_spec_equal (spec, copy));
  block->p = 0.35;
  g_assert_true (cep_model_spec_equal (spec, copy));

  /* A field that does not belong to the block's kind does not matter. */
  block->width = 77;
  g_assert_true (cep_model_spec_equal (spec, copy));

  copy->label_smoothing = 0.1;
  g_assert_false (cep_model_spec_equal (spec, copy));
}

typedef struct
{
  const char *what;
  void      (*break_spec) (CepModelSpec *spec);
  const char *message;
} InvalidCase;

static CepBlock *
block_at (CepModelSpec *spec,
          guint         index)
{
  return &g_array_index (spec->blocks, CepBlock, index);
}

static void width_zero (CepModelSpec *s) { block_at (s, 4)->width = 0; }
static void width_huge (CepModelSpec *s) { block_at (s, 4)->width = CEP_MODEL_MAX_WIDTH + 1; }
static void p_one (CepModelSpec *s) { block_at (s, 3)->p = 1.0; }
static void p_negative (CepModelSpec *s) { block_at (s, 3)->p = -0.1; }
static void p_nan (CepModelSpec *s) { block_at (s, 3)->p = NAN; }
static void bn_first (CepModelSpec *s) { *block_at (s, 0) = cep_block_batch_norm (); }
static void gelu_first (CepModelSpec *s) { *block_at (s, 0) = cep_block_activation (0); }
static void bn_eps (CepModelSpec *s) { block_at (s, 1)->eps = 0; }
static void bn_momentum (CepModelSpec *s) { block_at (s, 1)->momentum = 1.5; }
static void normal_std (CepModelSpec *s)
{
  block_at (s, 0)->init = CEP_INIT_NORMAL;
  block_at (s, 0)->init_std = 0;
}
static void bad_init (CepModelSpec *s) { block_at (s, 0)->init = CEP_INIT_COUNT; }
static void bad_activation (CepModelSpec *s) { block_at (s, 2)->activation = 99; }
static void slope_inf (CepModelSpec *s) { block_at (s, 2)->slope = INFINITY; }
static void one_class (CepModelSpec *s) { s->head.width = 1; }
static void many_classes (CepModelSpec *s) { s->head.width = 256; }
static void smoothing (CepModelSpec *s) { s->label_smoothing = 1.0; }
static void context (CepModelSpec *s) { s->context = CEP_MODEL_MAX_CONTEXT + 1; }
static void context_future (CepModelSpec *s) { cep_model_spec_set_context_window (s, 30, 129); }
static void context_past (CepModelSpec *s) { cep_model_spec_set_context_window (s, 130, 2); }
static void feature_dim (CepModelSpec *s) { s->feature_dim = 0; }
static void head_kind (CepModelSpec *s) { s->head.kind = CEP_BLOCK_DROPOUT; }

static const InvalidCase invalid_cases[] = {
  { "width-0", width_zero, "blocks[4]: linear width 0 is not in [1, 65536]" },
  { "width-huge", width_huge, "blocks[4]: linear width 65537 is not in [1, 65536]" },
  { "p-eq-1", p_one, "blocks[3]: dropout p 1 is not in [0, 1)" },
  { "p-lt-0", p_negative, "blocks[3]: dropout p -0.1 is not in [0, 1)" },
  { "p-nan", p_nan, "blocks[3]: dropout p nan is not in [0, 1)" },
  { "bn-first", bn_first, "blocks[0]: batch_norm before any linear layer" },
  { "activation-first", gelu_first, "blocks[0]: activation before any linear layer" },
  { "bn-eps", bn_eps, "blocks[1]: batch_norm eps 0 is not positive" },
  { "bn-momentum", bn_momentum, "blocks[1]: batch_norm momentum 1.5 is not in [0, 1]" },
  { "normal-std", normal_std, "blocks[0]: normal initialization needs a positive std, not 0" },
  { "unknown-init", bad_init, "blocks[0]: unknown initialization 5" },
  { "unknown-activation", bad_activation, "blocks[2]: unknown activation 99" },
  { "slope", slope_inf, "blocks[2]: leaky_relu slope is not a finite number" },
  { "one-class", one_class, "head: 1 classes is not in [2, 255]" },
  { "256-classes", many_classes, "head: 256 classes is not in [2, 255]" },
  { "label-smoothing", smoothing, "label_smoothing: 1 is not in [0, 1)" },
  { "context", context, "context: 129 is above 128" },
  { "context-future", context_future, "context_future: 129 is above 128" },
  { "context-past", context_past, "context_past: 130 is above 128" },
  { "feature-dim", feature_dim, "feature_dim: 0 is not in [1, 4096]" },
  { "head-kind", head_kind, "head: the head must be a linear layer" },
};

/* Conv front ends, on the tdnn preset (31 frames of 28; blocks 0, 2, 4 convolutions, 6 a max
 * pooling, 7 a Linear). */
static void conv_kernel_too_long (CepModelSpec *s) { block_at (s, 0)->kernel = 32; }
static void conv_dilated_too_far (CepModelSpec *s) { block_at (s, 2)->dilation = 14; }
static void conv_stride_0 (CepModelSpec *s) { block_at (s, 0)->stride = 0; }
static void conv_same_strided (CepModelSpec *s)
{
  block_at (s, 0)->padding = CEP_PADDING_SAME;
  block_at (s, 0)->stride = 2;
}
static void conv_channels_0 (CepModelSpec *s) { block_at (s, 4)->width = 0; }
static void pool_to_nothing (CepModelSpec *s) { block_at (s, 6)->kernel = 18; }
static void pool_stride_0 (CepModelSpec *s) { block_at (s, 6)->stride = 0; }
static void conv_after_linear (CepModelSpec *s) { *block_at (s, 8) = cep_block_conv1d (8, 1); }
static void avg_pool_after_linear (CepModelSpec *s)
{
  *block_at (s, 9) = cep_block_pool1d (CEP_BLOCK_AVG_POOL1D, 2, 2);
}

static const InvalidCase invalid_conv_cases[] = {
  { "conv-kernel", conv_kernel_too_long,
    "blocks[0]: conv1d kernel 32 (dilation 1) spans 32 frames, more than the 31 frames of "
    "its input" },
  { "conv-dilation", conv_dilated_too_far,
    "blocks[2]: conv1d kernel 3 (dilation 14) spans 29 frames, more than the 27 frames of "
    "its input" },
  { "conv-stride-0", conv_stride_0, "blocks[0]: conv1d stride 0 is not at least 1" },
  { "conv-same-strided", conv_same_strided,
    "blocks[0]: conv1d padding same needs stride 1, not 2" },
  { "conv-channels-0", conv_channels_0, "blocks[4]: conv1d out_channels 0 is not in [1, 65536]" },
  { "pool-to-nothing", pool_to_nothing,
    "blocks[6]: max_pool1d kernel 18 pools the 17 frames of its input to none" },
  { "pool-stride-0", pool_stride_0, "blocks[6]: max_pool1d stride 0 is not at least 1" },
  { "conv-after-linear", conv_after_linear,
    "blocks[8]: conv1d needs frames, but its input is a flat vector (it follows a linear "
    "layer)" },
  { "avg-pool-after-linear", avg_pool_after_linear,
    "blocks[9]: avg_pool1d needs frames, but its input is a flat vector (it follows a linear "
    "layer)" },
};

static void
test_invalid_conv (gconstpointer data)
{
  const InvalidCase *c = data;
  g_autoptr(CepModelSpec) spec = cep_model_preset_new ("tdnn", 28, 42, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (cep_model_spec_validate (spec, NULL));
  c->break_spec (spec);
  g_assert_false (cep_model_spec_validate (spec, &error));
  g_assert_error (error, CEP_MODEL_SPEC_ERROR, CEP_MODEL_SPEC_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, c->message);
}

static void
test_invalid (gconstpointer data)
{
  const InvalidCase *c = data;
  g_autoptr(CepModelSpec) spec = make_tiny_by_hand (42);
  g_autoptr(GError) error = NULL;

  g_assert_true (cep_model_spec_validate (spec, NULL));
  c->break_spec (spec);
  g_assert_false (cep_model_spec_validate (spec, &error));
  g_assert_error (error, CEP_MODEL_SPEC_ERROR, CEP_MODEL_SPEC_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, c->message);
}

static void
test_valid_unusual (void)
{
  g_autoptr(CepModelSpec) spec = cep_model_spec_new (0, 1, 2);
  g_autoptr(GError) error = NULL;

  /* Input dropout and an empty hidden stack are both legitimate. */
  g_assert_true (cep_model_spec_validate (spec, &error));
  cep_model_spec_add (spec, cep_block_dropout (0.1));
  g_assert_true (cep_model_spec_validate (spec, &error));
  g_assert_no_error (error);
}

static void ln_eps (CepModelSpec *s) { g_array_index (s->blocks, CepBlock, 1).eps = 0; }
static void ln_eps_negative (CepModelSpec *s) { g_array_index (s->blocks, CepBlock, 1).eps = -1; }

/* LayerNorm over each frame's channels, Flatten, LayerNorm over the flat vector, Linear. */
static CepModelSpec *
make_normed_by_hand (void)
{
  CepModelSpec *spec = cep_model_spec_new (2, 4, 3);

  cep_model_spec_add (spec, cep_block_layer_norm ());
  cep_model_spec_add (spec, cep_block_defaults (CEP_BLOCK_FLATTEN));
  cep_model_spec_add (spec, cep_block_layer_norm ());
  cep_model_spec_add (spec, cep_block_linear (6));
  return spec;
}

/* Shapes, counts, torch descriptions and tensor names of LayerNorm and Flatten, against
 * torch's nn.Sequential(LayerNorm(4), Flatten(), LayerNorm(20), Linear(20, 6), Linear(6, 3)). */
static void
test_layer_norm_and_flatten (void)
{
  g_autoptr(CepModelSpec) spec = make_normed_by_hand ();
  g_autoptr(GArray) tensors = NULL;
  g_autofree char *text = NULL;
  CepBlockShape shape;

  g_assert_true (cep_model_spec_validate (spec, NULL));
  cep_model_spec_get_block_input_shape (spec, 1, &shape);
  g_assert_cmpuint (shape.frames, ==, 5);
  g_assert_false (shape.flat);
  cep_model_spec_get_block_input_shape (spec, 2, &shape);
  g_assert_cmpuint (shape.frames, ==, 1);
  g_assert_cmpuint (shape.channels, ==, 20);
  g_assert_true (shape.flat);
  /* 2·4 + 2·20 + 20·6 + 6 + 6·3 + 3 */
  g_assert_cmpuint (cep_model_spec_count_params (spec), ==, 8 + 40 + 126 + 21);
  text = cep_model_spec_describe (spec);
  g_assert_nonnull (strstr (text, "LayerNorm(4, eps=1e-05)\nFlatten()\nLayerNorm(20, eps=1e-05)"));
  tensors = cep_model_spec_list_tensors (spec);
  g_assert_cmpuint (tensors->len, ==, 8);
  g_assert_cmpstr (g_array_index (tensors, CepTensorInfo, 0).name, ==, "layers.0.weight");
  g_assert_cmpuint (g_array_index (tensors, CepTensorInfo, 0).n_elements, ==, 4);
  g_assert_cmpstr (g_array_index (tensors, CepTensorInfo, 3).name, ==, "layers.2.bias");
  g_assert_cmpuint (g_array_index (tensors, CepTensorInfo, 3).n_elements, ==, 20);

  /* Without the affine part it has no tensors; flattening a flat vector changes nothing. */
  g_array_index (spec->blocks, CepBlock, 2).elementwise_affine = FALSE;
  cep_model_spec_add (spec, cep_block_defaults (CEP_BLOCK_FLATTEN));
  g_assert_true (cep_model_spec_validate (spec, NULL));
  g_assert_cmpuint (cep_model_spec_count_params (spec), ==, 8 + 126 + 21);
  g_assert_cmpuint (cep_model_spec_get_block_input_width (spec, 5), ==, 6);
}

static void
test_layer_norm_invalid (gconstpointer data)
{
  void (*break_spec) (CepModelSpec *) = data;
  g_autoptr(CepModelSpec) spec = make_normed_by_hand ();
  g_autoptr(GError) error = NULL;

  g_array_index (spec->blocks, CepBlock, 1) = cep_block_layer_norm ();
  break_spec (spec);
  g_assert_false (cep_model_spec_validate (spec, &error));
  g_assert_error (error, CEP_MODEL_SPEC_ERROR, CEP_MODEL_SPEC_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, break_spec == ln_eps
                   ? "blocks[1]: layer_norm eps 0 is not positive"
                   : "blocks[1]: layer_norm eps -1 is not positive");
}

static void
test_names (void)
{
  CepInit init;

  g_assert_cmpstr (cep_init_get_name (CEP_INIT_KAIMING_NORMAL), ==, "kaiming_normal");
  g_assert_true (cep_init_from_name ("torch_default", &init));
  g_assert_cmpint (init, ==, CEP_INIT_TORCH_DEFAULT);
  g_assert_false (cep_init_from_name ("xavier", &init));
  g_assert_cmpstr (cep_block_kind_get_name (CEP_BLOCK_BATCH_NORM), ==, "batch_norm");
}

/* Draws block 0 of a 64 -> 32 model with @init and returns mean, std, max |w|. */
static void
draw_stats (CepInit  init,
            guint64  seed,
            float   *weight,
            float   *bias,
            double  *mean,
            double  *std,
            double  *max_abs)
{
  g_autoptr(CepModelSpec) spec = cep_model_spec_new (0, 64, 10);
  CepBlock linear = cep_block_linear (32);
  double sum = 0, sum2 = 0;
  const gsize n = 32 * 64;

  linear.init = init;
  linear.init_std = 0.05;
  cep_model_spec_add (spec, linear);
  cep_model_spec_init_linear (spec, 0, seed, weight, bias);
  *max_abs = 0;
  for (gsize i = 0; i < n; i++)
    {
      sum += weight[i];
      sum2 += (double) weight[i] * weight[i];
      *max_abs = MAX (*max_abs, fabs (weight[i]));
    }
  *mean = sum / n;
  *std = sqrt (sum2 / n - *mean * *mean);
}

static void
test_init_distributions (void)
{
  float weight[32 * 64], again[32 * 64], bias[32];
  double mean, std, max_abs;
  const double glorot = sqrt (6.0 / 96.0), kaiming = sqrt (6.0 / 64.0);

  draw_stats (CEP_INIT_GLOROT_UNIFORM, 7, weight, bias, &mean, &std, &max_abs);
  g_assert_cmpfloat (max_abs, <=, glorot);
  g_assert_cmpfloat (max_abs, >, 0.99 * glorot);
  g_assert_cmpfloat_with_epsilon (std, glorot / sqrt (3.0), 0.05 * glorot);
  g_assert_cmpfloat_with_epsilon (mean, 0.0, 0.03 * glorot);
  for (guint i = 0; i < 32; i++)
    g_assert_cmpfloat (bias[i], ==, 0.0f);

  draw_stats (CEP_INIT_KAIMING_UNIFORM, 7, weight, bias, &mean, &std, &max_abs);
  g_assert_cmpfloat (max_abs, <=, kaiming);
  g_assert_cmpfloat (max_abs, >, 0.99 * kaiming);

  draw_stats (CEP_INIT_KAIMING_NORMAL, 7, weight, bias, &mean, &std, &max_abs);
  g_assert_cmpfloat_with_epsilon (std, sqrt (2.0 / 64.0), 0.05 * sqrt (2.0 / 64.0));
  g_assert_cmpfloat (max_abs, >, 2.5 * std);

  draw_stats (CEP_INIT_NORMAL, 7, weight, bias, &mean, &std, &max_abs);
  g_assert_cmpfloat_with_epsilon (std, 0.05, 0.0025);

  draw_stats (CEP_INIT_TORCH_DEFAULT, 7, weight, bias, &mean, &std, &max_abs);
  g_assert_cmpfloat (max_abs, <=, 1.0 / 8.0);
  g_assert_cmpfloat (fabs (bias[0]) + fabs (bias[1]), >, 0.0);
  for (guint i = 0; i < 32; i++)
    g_assert_cmpfloat (fabs (bias[i]), <=, 1.0 / 8.0);

  /* Same seed, same weights; another seed, other weights. */
  draw_stats (CEP_INIT_TORCH_DEFAULT, 7, again, bias, &mean, &std, &max_abs);
  g_assert_cmpmem (weight, sizeof weight, again, sizeof again);
  draw_stats (CEP_INIT_TORCH_DEFAULT, 8, again, bias, &mean, &std, &max_abs);
  g_assert_true (memcmp (weight, again, sizeof weight) != 0);
}

static void
test_init_layers_differ (void)
{
  g_autoptr(CepModelSpec) spec = cep_model_spec_new (0, 16, 16);
  float a[16 * 16], b[16 * 16];

  cep_model_spec_add (spec, cep_block_linear (16));
  cep_model_spec_init_linear (spec, 0, 1, a, NULL);
  cep_model_spec_init_linear (spec, 1, 1, b, NULL);   /* the head */
  g_assert_true (memcmp (a, b, sizeof a) != 0);
}

/* What a kind's default block makes of 7 frames of 4: a Linear its width, a convolution
 * (kernel 3, valid) 5 frames of its out channels, a pooling (kernel 2, stride 2) 3 frames;
 * the others keep the shape. */
static guint
default_output_width (const CepBlock      *block,
                      const CepBlockShape *in)
{
  switch ((int) block->kind)
    {
    case CEP_BLOCK_LINEAR: return block->width;
    case CEP_BLOCK_CONV1D: return 5 * block->width;
    case CEP_BLOCK_MAX_POOL1D:
    case CEP_BLOCK_AVG_POOL1D: return 3 * in->channels;
    default: return cep_block_shape_width (in);
    }
}

/* Linear 8 → residual (Linear 8 → GELU) → LayerNorm → residual (Linear 8) → head, on 3 frames of
 * 4: as torch's nn.Sequential(Linear(12, 8), Residual(Sequential(Linear(8, 8), GELU())),
 * LayerNorm(8), Residual(Sequential(Linear(8, 8))), Linear(8, 5)). */
static CepModelSpec *
make_residual_by_hand (void)
{
  CepModelSpec *spec = cep_model_spec_new (1, 4, 5);

  cep_model_spec_add (spec, cep_block_linear (8));
  cep_model_spec_add (spec, cep_block_residual (2));
  cep_model_spec_add (spec, cep_block_linear (8));
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_GELU));
  cep_model_spec_add (spec, cep_block_layer_norm ());
  cep_model_spec_add (spec, cep_block_residual (1));
  cep_model_spec_add (spec, cep_block_linear (8));
  return spec;
}

/* Shapes, counts, the torch description and the nested tensor names of residuals. */
static void
test_residual (void)
{
  g_autoptr(CepModelSpec) spec = make_residual_by_hand ();
  g_autoptr(GArray) tensors = NULL;
  g_autofree char *text = NULL;
  const char *expected_names[] = {
    "layers.0.weight", "layers.0.bias", "layers.1.body.0.weight", "layers.1.body.0.bias",
    "layers.2.weight", "layers.2.bias", "layers.3.body.0.weight", "layers.3.body.0.bias",
    "layers.4.weight", "layers.4.bias",
  };
  const guint tensor_blocks[] = { 0, 0, 2, 2, 4, 4, 6, 6, 7, 7 };
  const char *modules[] = { "layers.0", "layers.1", "layers.1.body.0", "layers.1.body.1",
                            "layers.2", "layers.3", "layers.3.body.0", "layers.4" };

  g_assert_true (cep_model_spec_validate (spec, NULL));
  g_assert_cmpuint (cep_model_spec_get_body_length (spec, 1), ==, 2);
  g_assert_cmpuint (cep_model_spec_get_body_length (spec, 2), ==, 0);
  g_assert_cmpuint (cep_model_spec_get_body_length (spec, 7), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      g_autofree char *module = cep_model_spec_get_module_name (spec, i);
      g_assert_cmpstr (module, ==, modules[i]);
    }
  /* 12·8 + 8, 8·8 + 8 twice, 2·8, 8·5 + 5: a residual has no parameters */
  g_assert_cmpuint (cep_model_spec_count_params (spec), ==, 104 + 72 + 16 + 72 + 45);
  /* Each residual adds one FLOP per feature to what its body costs. */
  {
    g_autoptr(CepModelSpec) without = make_residual_by_hand ();

    g_array_remove_index (without->blocks, 5);
    g_array_remove_index (without->blocks, 1);
    g_assert_cmpuint (cep_model_spec_count_flops (spec), ==,
                      cep_model_spec_count_flops (without) + 2 * 8);
  }
  text = cep_model_spec_describe (spec);
  g_assert_cmpstr (text, ==,
                   "Linear(12, 8)\n"
                   "Residual(\n"
                   "  Linear(8, 8)\n"
                   "  GELU()\n"
                   ")\n"
                   "LayerNorm(8, eps=1e-05)\n"
                   "Residual(\n"
                   "  Linear(8, 8)\n"
                   ")\n"
                   "Linear(8, 5)\n");
  tensors = cep_model_spec_list_tensors (spec);
  g_assert_cmpuint (tensors->len, ==, G_N_ELEMENTS (expected_names));
  for (guint i = 0; i < tensors->len; i++)
    {
      const CepTensorInfo *info = &g_array_index (tensors, CepTensorInfo, i);
      g_assert_cmpstr (info->name, ==, expected_names[i]);
      g_assert_cmpuint (info->block, ==, tensor_blocks[i]);
    }
}

/* On make_residual_by_hand (): blocks 1 and 5 are residuals, 2 and 6 Linear 8, 4 a LayerNorm. */
static void residual_past_end (CepModelSpec *s) { block_at (s, 5)->body_blocks = 3; }
static void residual_empty (CepModelSpec *s) { block_at (s, 5)->body_blocks = 0; }
static void residual_narrowing (CepModelSpec *s) { block_at (s, 2)->width = 6; }
static void residual_nested (CepModelSpec *s) { block_at (s, 1)->body_blocks = 5; }
static void residual_nested_first (CepModelSpec *s)
{
  *block_at (s, 0) = cep_block_residual (6);
  block_at (s, 1)->body_blocks = 1;
}
/* Around a Linear of the input's width: 3 frames of 4 in, a flat vector of 12 out. */
static void residual_frames_to_flat (CepModelSpec *s)
{
  *block_at (s, 0) = cep_block_residual (1);
  *block_at (s, 1) = cep_block_linear (12);
  g_array_remove_range (s->blocks, 2, s->blocks->len - 2);
}

static const InvalidCase invalid_residual_cases[] = {
  { "residual-past-end", residual_past_end,
    "blocks[5]: residual blocks 3 runs past the end of the block list (1 block comes after "
    "it)" },
  { "residual-empty", residual_empty,
    "blocks[5]: residual blocks 0 is not at least 1 (its body would be empty)" },
  { "residual-unequal-widths", residual_narrowing,
    "blocks[1]: residual blocks 2 turn its input of a flat vector of 8 into a flat vector of "
    "6: x + body(x) needs the same shape out as in" },
  { "residual-nested", residual_nested,
    "blocks[5]: a residual inside the body of blocks[1] (a residual): bodies do not nest" },
  { "residual-nested-first", residual_nested_first,
    "blocks[1]: a residual inside the body of blocks[0] (a residual): bodies do not nest" },
  { "residual-frames-to-flat", residual_frames_to_flat,
    "blocks[0]: residual blocks 1 turn its input of 3 frames × 4 channels into a flat vector "
    "of 12: x + body(x) needs the same shape out as in" },
};

/* The lines of @text that are @line once its indentation is dropped. */
static guint
count_lines (const char *text,
             const char *line)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint count = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    count += g_str_equal (g_strchug (lines[i]), line);
  return count;
}

static void
test_invalid_residual (gconstpointer data)
{
  const InvalidCase *c = data;
  g_autoptr(CepModelSpec) spec = make_residual_by_hand ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GArray) tensors = NULL;

  g_assert_true (cep_model_spec_validate (spec, NULL));
  c->break_spec (spec);
  g_assert_false (cep_model_spec_validate (spec, &error));
  g_assert_error (error, CEP_MODEL_SPEC_ERROR, CEP_MODEL_SPEC_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, c->message);
  /* What the Model page shows of an invalid spec still answers. */
  text = cep_model_spec_describe (spec);
  g_assert_cmpuint (count_lines (text, "Residual("), ==, count_lines (text, ")"));
  g_assert_true (g_str_has_suffix (text, "Linear(8, 5)\n")
                 || g_str_has_suffix (text, "Linear(12, 5)\n"));
  tensors = cep_model_spec_list_tensors (spec);
  g_assert_cmpuint (tensors->len, >, 0);
}

/* LayerNorm after a flatten of nothing: the pooling that leaves no frame is refused first, and
 * the LayerNorm refuses an input of no features itself. */
static void
test_layer_norm_of_nothing (void)
{
  g_autoptr(CepModelSpec) spec = cep_model_spec_new (1, 4, 5);
  g_autoptr(GError) error = NULL;
  const CepBlockType *norm = cep_block_type_get (CEP_BLOCK_LAYER_NORM);
  CepBlock block = cep_block_layer_norm ();
  g_autofree char *message = NULL;

  cep_model_spec_add (spec, cep_block_pool1d (CEP_BLOCK_AVG_POOL1D, 4, 1));
  cep_model_spec_add (spec, cep_block_defaults (CEP_BLOCK_FLATTEN));
  cep_model_spec_add (spec, cep_block_layer_norm ());
  g_assert_false (cep_model_spec_validate (spec, &error));
  g_assert_cmpstr (error->message, ==,
                   "blocks[0]: avg_pool1d kernel 4 pools the 3 frames of its input to none");
  g_assert_false (norm->validate (&block, &(CepBlockShape) { 1, 0, TRUE }, FALSE, &message));
  g_assert_cmpstr (message, ==, "layer_norm over 0 features");
}

/* Every registered kind has every hook the spec and the network call, a unique JSON type,
 * and parses back from the type it writes. */
static void
test_block_table (void)
{
  g_autofree char *names = cep_block_type_list_names ();

  for (guint k = 0; k < CEP_BLOCK_KIND_COUNT; k++)
    {
      const CepBlockType *type = cep_block_type_get (k);
      CepBlock block = type->defaults (), parsed;
      CepBlockShape in = { 7, 4, FALSE }, out;

      g_assert_cmpint (type->kind, ==, k);
      g_assert_nonnull (type->name);
      g_assert_nonnull (type->label);
      g_assert_true (type->output_shape && type->validate && type->count_params
                     && type->count_flops && type->describe && type->list_tensors
                     && type->layout && type->tensor_place && type->forward && type->backward
                     && type->equal && type->fields);
      g_assert_true (cep_block_type_of (&block) == type);
      g_assert_true (cep_block_type_parse (cep_block_type_name_of (&block), &parsed) == type);
      g_assert_true (type->equal (&block, &parsed));
      g_assert_nonnull (strstr (names, cep_block_type_name_of (&block)));
      type->output_shape (&block, &in, &out);
      g_assert_cmpuint (cep_block_shape_width (&out), ==, default_output_width (&block, &in));
      for (guint j = 0; j < cep_block_type_fields_of (&block)->n_fields; j++)
        g_assert_nonnull (cep_block_type_fields_of (&block)->fields[j].label);
    }
  g_assert_null (cep_block_type_parse ("conv2d", &(CepBlock) { 0 }));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model-spec/dimensions", test_dimensions);
  g_test_add_func ("/model-spec/asymmetric-window", test_asymmetric_window);
  g_test_add_func ("/model-spec/param-count", test_param_count);
  g_test_add_func ("/model-spec/flops", test_flops);
  g_test_add_func ("/model-spec/param-limit", test_param_limit);
  g_test_add_func ("/model-spec/describe", test_describe);
  g_test_add_func ("/model-spec/tensor-list", test_tensor_list);
  g_test_add_func ("/model-spec/copy-and-equal", test_copy_and_equal);
  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/model-spec/invalid/%s", invalid_cases[i].what);
      g_test_add_data_func (name, &invalid_cases[i], test_invalid);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid_conv_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/model-spec/invalid/%s",
                                               invalid_conv_cases[i].what);
      g_test_add_data_func (name, &invalid_conv_cases[i], test_invalid_conv);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid_residual_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/model-spec/invalid/%s",
                                               invalid_residual_cases[i].what);
      g_test_add_data_func (name, &invalid_residual_cases[i], test_invalid_residual);
    }
  g_test_add_func ("/model-spec/residual", test_residual);
  g_test_add_func ("/model-spec/layer-norm-of-nothing", test_layer_norm_of_nothing);
  g_test_add_func ("/model-spec/valid-unusual", test_valid_unusual);
  g_test_add_func ("/model-spec/names", test_names);
  g_test_add_func ("/model-spec/block-table", test_block_table);
  g_test_add_func ("/model-spec/layer-norm-and-flatten", test_layer_norm_and_flatten);
  g_test_add_data_func ("/model-spec/invalid/layer-norm-eps-0", ln_eps, test_layer_norm_invalid);
  g_test_add_data_func ("/model-spec/invalid/layer-norm-eps-negative", ln_eps_negative,
                        test_layer_norm_invalid);
  g_test_add_func ("/model-spec/init/distributions", test_init_distributions);
  g_test_add_func ("/model-spec/init/layers-differ", test_init_layers_differ);

  return g_test_run ();
}
