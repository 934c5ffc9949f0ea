/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-model-presets.c: the named presets and the budget-filling shapes.
 *
 * Parameter counts were checked against torch 1.13's sum(p.numel() for p in
 * model.parameters()) on the equivalent nn.Sequential.
 */
#include <math.h>
#include <string.h>

#include "cep-model-presets.h"

typedef struct
{
  const char *name;
  guint       n_classes;
  guint64     params;
} PresetCount;

static const PresetCount preset_counts[] = {
  { "tiny", 42, 1423914 },
  { "tiny", 40, 1422888 },
  { "full", 42, 18864938 },
  { "full", 40, 18864424 },
  { "baseline", 42, 48258 },
  { "baseline", 40, 45960 },
  { "tdnn", 42, 1501482 },
  { "tdnn", 40, 1500456 },
  { "tdnn-full", 42, 14516778 },
  { "tdnn-full", 40, 14515752 },
};

static void
test_preset_param_counts (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (preset_counts); i++)
    {
      const PresetCount *c = &preset_counts[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(CepModelSpec) spec = cep_model_preset_new (c->name, 28, c->n_classes, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (spec->name, ==, c->name);
      g_assert_cmpuint (cep_model_spec_count_params (spec), ==, c->params);
      /* The notebook's rounded figures. */
      if (strcmp (c->name, "tiny") == 0)
        g_assert_cmpfloat (round (c->params / 1e4) / 100, ==, 1.42);
      if (strcmp (c->name, "full") == 0)
        g_assert_cmpfloat (round (c->params / 1e4) / 100, ==, 18.86);
    }
}

/* The conv front end as torch prints it (the describe strings the exporter reads). */
static void
test_tdnn_layout (void)
{
  g_autoptr(CepModelSpec) spec = cep_model_preset_new ("tdnn", 28, 42, NULL);
  g_autofree char *text = cep_model_spec_describe (spec);

  g_assert_cmpuint (spec->context, ==, 15);
  g_assert_cmpstr (text, ==,
                   "Conv1d(28, 256, kernel_size=5)\nGELU()\n"
                   "Conv1d(256, 256, kernel_size=3, dilation=2)\nGELU()\n"
                   "Conv1d(256, 256, kernel_size=3, dilation=3)\nGELU()\n"
                   "MaxPool1d(kernel_size=3, stride=2)\n"
                   "Linear(2048, 512)\nBatchNorm1d(512)\nGELU()\nDropout(p=0.25)\n"
                   "Linear(512, 42)\n");
}

static void
test_tiny_layout (void)
{
  g_autoptr(CepModelSpec) spec = cep_model_preset_new ("tiny", 28, 42, NULL);
  g_autofree char *text = cep_model_spec_describe (spec);

  g_assert_cmpuint (spec->context, ==, 30);
  g_assert_cmpuint (cep_model_spec_get_input_dim (spec), ==, 1708);
  g_assert_cmpstr (text, ==,
                   "Linear(1708, 512)\nBatchNorm1d(512)\nGELU()\nDropout(p=0.35)\n"
                   "Linear(512, 512)\nGELU()\nDropout(p=0.3)\n"
                   "Linear(512, 512)\nBatchNorm1d(512)\nGELU()\nDropout(p=0.25)\n"
                   "Linear(512, 42)\n");
  for (guint i = 0; i <= cep_model_spec_get_n_blocks (spec); i++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, i);
      if (block->kind == CEP_BLOCK_LINEAR)
        {
          g_assert_cmpint (block->init, ==, CEP_INIT_GLOROT_UNIFORM);
          g_assert_true (block->bias);
        }
    }
}

static void
test_full_layout (void)
{
  g_autoptr(CepModelSpec) spec = cep_model_preset_new ("full", 28, 40, NULL);
  const guint widths[] = { 2048, 2048, 2048, 2048, 1024, 512, 256, 40 };
  const gboolean batch_norm[] = { TRUE, FALSE, TRUE, FALSE, TRUE, FALSE, TRUE };
  const double dropout[] = { 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05 };
  guint layer = 0;

  for (guint i = 0; i <= cep_model_spec_get_n_blocks (spec); i++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, i);
      const CepBlock *next = i < cep_model_spec_get_n_blocks (spec)
                             ? cep_model_spec_get_block (spec, i + 1) : NULL;

      if (block->kind == CEP_BLOCK_LINEAR)
        {
          g_assert_cmpuint (block->width, ==, widths[layer]);
          if (next != NULL)
            g_assert_cmpint (next->kind == CEP_BLOCK_BATCH_NORM, ==, batch_norm[layer]);
          layer++;
        }
      else if (block->kind == CEP_BLOCK_DROPOUT)
        g_assert_cmpfloat (block->p, ==, dropout[layer - 1]);
      else if (block->kind == CEP_BLOCK_ACTIVATION)
        g_assert_cmpint (block->activation, ==, CEP_ACTIVATION_GELU);
    }
  g_assert_cmpuint (layer, ==, G_N_ELEMENTS (widths));
}

static void
test_baseline (void)
{
  g_autoptr(CepModelSpec) spec = cep_model_preset_new ("baseline", 28, 42, NULL);

  g_assert_cmpuint (spec->context, ==, 20);
  g_assert_cmpuint (cep_model_spec_get_n_blocks (spec), ==, 0);
  g_assert_cmpuint (cep_model_spec_get_input_dim (spec), ==, 41 * 28);
}

static void
test_unknown_preset (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepModelSpec) spec = cep_model_preset_new ("huge", 28, 42, &error);
  const char * const *names = cep_model_preset_list ();

  g_assert_null (spec);
  g_assert_error (error, CEP_MODEL_SPEC_ERROR, CEP_MODEL_SPEC_ERROR_PRESET);
  g_assert_cmpuint (g_strv_length ((char **) names), ==, 5);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(CepModelSpec) preset = cep_model_preset_new (names[i], 13, 40, NULL);
      g_assert_nonnull (preset);
    }
}

static void
collect_widths (const CepModelSpec *spec,
                GArray             *widths)
{
  for (guint i = 0; i < cep_model_spec_get_n_blocks (spec); i++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, i);
      if (block->kind == CEP_BLOCK_LINEAR)
        g_array_append_val (widths, block->width);
    }
}

static void
log_widths (const CepModelSpec *spec,
            GArray             *widths)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < widths->len; i++)
    g_string_append_printf (text, " %u", g_array_index (widths, guint, i));
  g_test_message ("%s:%s, %" G_GUINT64_FORMAT " parameters", spec->name, text->str,
                  cep_model_spec_count_params (spec));
}

static CepModelSpec *
make_shape (CepShape shape,
            guint    depth,
            guint64  budget,
            guint    multiple,
            GArray  *widths)
{
  CepShapeOptions options;
  g_autoptr(GError) error = NULL;
  CepModelSpec *spec;

  cep_shape_options_init (&options, shape);
  options.depth = depth;
  options.budget = budget;
  options.multiple = multiple;
  spec = cep_model_shape_new (&options, &error);
  g_assert_no_error (error);
  g_assert_true (cep_model_spec_validate (spec, NULL));
  collect_widths (spec, widths);
  log_widths (spec, widths);
  g_assert_cmpuint (widths->len, ==, depth);
  for (guint i = 0; i < widths->len; i++)
    g_assert_cmpuint (g_array_index (widths, guint, i) % multiple, ==, 0);
  return spec;
}

#define WIDTH(i) g_array_index (widths, guint, (i))

/* Fills the budget: within it, and within one width step of it (at depth 6 and widths near
 * 1700, one step of 64 in every layer costs about 6 % of 20 M; budget-is-tight checks that the
 * step is really the smallest). */
static void
assert_fills_budget (const CepModelSpec *spec,
                     guint64             budget)
{
  guint64 params = cep_model_spec_count_params (spec);

  g_assert_cmpuint (params, <=, budget);
  g_assert_cmpuint (params, >, budget * 92 / 100);
}

static void
test_cylinder (void)
{
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(CepModelSpec) spec = make_shape (CEP_SHAPE_CYLINDER, 6, 20000000, 64, widths);

  assert_fills_budget (spec, 20000000);
  for (guint i = 1; i < widths->len; i++)
    g_assert_cmpuint (WIDTH (i), ==, WIDTH (0));
  g_assert_cmpstr (spec->name, ==, "cylinder-6");
}

static void
test_pyramid (void)
{
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(CepModelSpec) spec = make_shape (CEP_SHAPE_PYRAMID, 7, 20000000, 64, widths);

  assert_fills_budget (spec, 20000000);
  for (guint i = 1; i < widths->len; i++)
    g_assert_cmpuint (WIDTH (i), <, WIDTH (i - 1));
  /* Narrowest = a quarter of the widest, up to rounding to 64. */
  g_assert_cmpfloat (fabs (WIDTH (6) - WIDTH (0) / 4.0), <=, 32);
}

static void
test_inverse_pyramid (void)
{
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(CepModelSpec) spec = make_shape (CEP_SHAPE_INVERSE_PYRAMID, 5, 20000000, 64,
                                             widths);

  assert_fills_budget (spec, 20000000);
  for (guint i = 1; i < widths->len; i++)
    g_assert_cmpuint (WIDTH (i), >, WIDTH (i - 1));
}

static void
test_diamond (void)
{
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(CepModelSpec) spec = make_shape (CEP_SHAPE_DIAMOND, 7, 20000000, 64, widths);

  assert_fills_budget (spec, 20000000);
  for (guint i = 1; i <= 3; i++)
    g_assert_cmpuint (WIDTH (i), >, WIDTH (i - 1));
  for (guint i = 4; i < 7; i++)
    g_assert_cmpuint (WIDTH (i), <, WIDTH (i - 1));
  g_assert_cmpuint (WIDTH (0), ==, WIDTH (6));
}

static void
test_small_budget_multiple_8 (void)
{
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(CepModelSpec) spec = make_shape (CEP_SHAPE_PYRAMID, 3, 500000, 8, widths);

  g_assert_cmpuint (cep_model_spec_count_params (spec), <=, 500000);
  /* One step of 8 in the first layer costs ~8 × 1708 weights = 2.7 % of 500 k. */
  g_assert_cmpuint (cep_model_spec_count_params (spec), >, 500000 * 95 / 100);
}

/* No base one step larger fits: growing every width by one multiple breaks the budget. */
static void
test_budget_is_tight (void)
{
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(CepModelSpec) spec = make_shape (CEP_SHAPE_CYLINDER, 4, 3000000, 8, widths);
  g_autoptr(CepModelSpec) wider = cep_model_spec_copy (spec);

  for (guint i = 0; i < wider->blocks->len; i++)
    {
      CepBlock *block = &g_array_index (wider->blocks, CepBlock, i);
      if (block->kind == CEP_BLOCK_LINEAR)
        block->width += 8;
    }
  g_assert_cmpuint (cep_model_spec_count_params (spec), <=, 3000000);
  g_assert_cmpuint (cep_model_spec_count_params (wider), >, 3000000);
}

static void
test_budget_too_small (void)
{
  CepShapeOptions options;
  g_autoptr(GError) error = NULL;
  g_autoptr(CepModelSpec) spec = NULL;

  cep_shape_options_init (&options, CEP_SHAPE_DIAMOND);
  options.budget = 10000;
  spec = cep_model_shape_new (&options, &error);
  g_assert_null (spec);
  g_assert_error (error, CEP_MODEL_SPEC_ERROR, CEP_MODEL_SPEC_ERROR_BUDGET);
  g_assert_nonnull (strstr (error->message, "above the budget of 10000"));
}

static void
test_bad_options (void)
{
  CepShapeOptions options;
  g_autoptr(GError) error = NULL;
  g_autoptr(CepModelSpec) spec = NULL;

  cep_shape_options_init (&options, CEP_SHAPE_CYLINDER);
  options.depth = 0;
  spec = cep_model_shape_new (&options, &error);
  g_assert_null (spec);
  g_assert_error (error, CEP_MODEL_SPEC_ERROR, CEP_MODEL_SPEC_ERROR_INVALID);
  g_clear_error (&error);

  cep_shape_options_init (&options, CEP_SHAPE_CYLINDER);
  options.n_classes = 1;
  spec = cep_model_shape_new (&options, &error);
  g_assert_null (spec);
  g_assert_error (error, CEP_MODEL_SPEC_ERROR, CEP_MODEL_SPEC_ERROR_INVALID);
}

static void
test_shape_options_carry_over (void)
{
  CepShapeOptions options;
  g_autoptr(CepModelSpec) spec = NULL;
  gboolean saw_bn = FALSE, saw_dropout = FALSE;

  cep_shape_options_init (&options, CEP_SHAPE_CYLINDER);
  options.depth = 2;
  options.budget = 2000000;
  options.batch_norm = FALSE;
  options.dropout = 0;
  options.activation = CEP_ACTIVATION_LEAKY_RELU;
  options.slope = 0.2;
  options.init = CEP_INIT_KAIMING_NORMAL;
  spec = cep_model_shape_new (&options, NULL);
  g_assert_nonnull (spec);
  for (guint i = 0; i <= cep_model_spec_get_n_blocks (spec); i++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, i);
      saw_bn |= block->kind == CEP_BLOCK_BATCH_NORM;
      saw_dropout |= block->kind == CEP_BLOCK_DROPOUT;
      if (block->kind == CEP_BLOCK_ACTIVATION)
        g_assert_cmpfloat (block->slope, ==, 0.2);
      if (block->kind == CEP_BLOCK_LINEAR)
        g_assert_cmpint (block->init, ==, CEP_INIT_KAIMING_NORMAL);
    }
  g_assert_false (saw_bn);
  g_assert_false (saw_dropout);
}

static void
test_shape_names_and_profiles (void)
{
  CepShape shape;

  g_assert_true (cep_shape_from_name ("inverse-pyramid", &shape));
  g_assert_cmpint (shape, ==, CEP_SHAPE_INVERSE_PYRAMID);
  g_assert_cmpstr (cep_shape_get_name (CEP_SHAPE_DIAMOND), ==, "diamond");
  g_assert_false (cep_shape_from_name ("cube", &shape));

  g_assert_cmpfloat (cep_shape_profile (CEP_SHAPE_PYRAMID, 0, 3, 0.25), ==, 1.0);
  g_assert_cmpfloat_with_epsilon (cep_shape_profile (CEP_SHAPE_PYRAMID, 1, 3, 0.25), 0.5,
                                  1e-12);
  g_assert_cmpfloat_with_epsilon (cep_shape_profile (CEP_SHAPE_PYRAMID, 2, 3, 0.25), 0.25,
                                  1e-12);
  g_assert_cmpfloat (cep_shape_profile (CEP_SHAPE_DIAMOND, 1, 3, 0.25), ==, 1.0);
  g_assert_cmpfloat (cep_shape_profile (CEP_SHAPE_DIAMOND, 0, 1, 0.25), ==, 1.0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model-presets/param-counts", test_preset_param_counts);
  g_test_add_func ("/model-presets/tiny", test_tiny_layout);
  g_test_add_func ("/model-presets/tdnn", test_tdnn_layout);
  g_test_add_func ("/model-presets/full", test_full_layout);
  g_test_add_func ("/model-presets/baseline", test_baseline);
  g_test_add_func ("/model-presets/unknown", test_unknown_preset);
  g_test_add_func ("/model-shapes/cylinder", test_cylinder);
  g_test_add_func ("/model-shapes/pyramid", test_pyramid);
  g_test_add_func ("/model-shapes/inverse-pyramid", test_inverse_pyramid);
  g_test_add_func ("/model-shapes/diamond", test_diamond);
  g_test_add_func ("/model-shapes/small-budget-multiple-8", test_small_budget_multiple_8);
  g_test_add_func ("/model-shapes/budget-is-tight", test_budget_is_tight);
  g_test_add_func ("/model-shapes/budget-too-small", test_budget_too_small);
  g_test_add_func ("/model-shapes/bad-options", test_bad_options);
  g_test_add_func ("/model-shapes/options-carry-over", test_shape_options_carry_over);
  g_test_add_func ("/model-shapes/names-and-profiles", test_shape_names_and_profiles);

  return g_test_run ();
}
