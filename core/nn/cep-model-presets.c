/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-model-presets.c: the named models and the budget-filling shapes.
 *
 * Owns the preset tables (the seed notebook's tiny and full, HW1P2's baseline) and the width
 * solver of the shape archetypes. It must not change what a spec means (cep-model-spec.c).
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-model-presets.h"

#include <math.h>
#include <string.h>

typedef struct
{
  guint    width;
  gboolean batch_norm;
  double   dropout;
} PresetLayer;

/* Each layer is Linear(width) → [BatchNorm] → GELU → Dropout(p), as in the seed notebook. */
static const PresetLayer tiny_layers[] = {
  { 512, TRUE, 0.35 },
  { 512, FALSE, 0.3 },
  { 512, TRUE, 0.25 },
};

static const PresetLayer full_layers[] = {
  { 2048, TRUE, 0.35 },
  { 2048, FALSE, 0.3 },
  { 2048, TRUE, 0.25 },
  { 2048, FALSE, 0.2 },
  { 1024, TRUE, 0.15 },
  { 512, FALSE, 0.1 },
  { 256, TRUE, 0.05 },
};

/* A TDNN front end: each layer is Conv1d(out, kernel, dilation) → GELU over the frames of the
 * window, then one max pooling (kernel 3, stride 2) before the Linear layers read the
 * frames one after another. */
typedef struct
{
  guint out_channels;
  guint kernel;
  guint dilation;
} PresetConv;

/* 31 frames → 27 → 23 → 17 → pooled to 8 frames of 256: 1,501,482 parameters with 42
 * classes, about tiny's. */
static const PresetConv tdnn_convs[] = {
  { 256, 5, 1 },
  { 256, 3, 2 },
  { 256, 3, 3 },
};

static const PresetLayer tdnn_layers[] = {
  { 512, TRUE, 0.25 },
};

/* 61 frames → 57 → 53 → 47 → 47 → pooled to 23 frames of 512: 14,516,778 parameters. */
static const PresetConv tdnn_full_convs[] = {
  { 512, 5, 1 },
  { 512, 3, 2 },
  { 512, 3, 3 },
  { 512, 1, 1 },
};

static const PresetLayer tdnn_full_layers[] = {
  { 1024, TRUE, 0.25 },
  { 512, FALSE, 0.15 },
};

typedef struct
{
  const char        *name;
  guint              context;
  const PresetLayer *layers;
  guint              n_layers;
  const PresetConv  *convs;
  guint              n_convs;
} Preset;

static const Preset presets[] = {
  { "tiny", 30, tiny_layers, G_N_ELEMENTS (tiny_layers), NULL, 0 },
  { "full", 30, full_layers, G_N_ELEMENTS (full_layers), NULL, 0 },
  { "baseline", 20, NULL, 0, NULL, 0 },
  { "tdnn", 15, tdnn_layers, G_N_ELEMENTS (tdnn_layers), tdnn_convs,
    G_N_ELEMENTS (tdnn_convs) },
  { "tdnn-full", 30, tdnn_full_layers, G_N_ELEMENTS (tdnn_full_layers), tdnn_full_convs,
    G_N_ELEMENTS (tdnn_full_convs) },
};

static const char *const preset_names[] = {
  "tiny", "full", "baseline", "tdnn", "tdnn-full", NULL,
};

const char * const *
cep_model_preset_list (void)
{
  return preset_names;
}

static void
add_hidden_layer (CepModelSpec  *spec,
                  guint          width,
                  CepInit        init,
                  gboolean       batch_norm,
                  CepActivation  activation,
                  double         slope,
                  double         dropout)
{
  CepBlock linear = cep_block_linear (width);
  CepBlock act = cep_block_activation (activation);

  linear.init = init;
  act.slope = slope;
  cep_model_spec_add (spec, linear);
  if (batch_norm)
    cep_model_spec_add (spec, cep_block_batch_norm ());
  cep_model_spec_add (spec, act);
  if (dropout > 0)
    cep_model_spec_add (spec, cep_block_dropout (dropout));
}

static void
add_conv_front_end (CepModelSpec     *spec,
                    const PresetConv *convs,
                    guint             n_convs)
{
  for (guint i = 0; i < n_convs; i++)
    {
      CepBlock conv = cep_block_conv1d (convs[i].out_channels, convs[i].kernel);

      conv.dilation = convs[i].dilation;
      cep_model_spec_add (spec, conv);
      cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_GELU));
    }
  if (n_convs > 0)
    cep_model_spec_add (spec, cep_block_pool1d (CEP_BLOCK_MAX_POOL1D, 3, 2));
}

CepModelSpec *
cep_model_preset_new (const char  *name,
                      guint        feature_dim,
                      guint        n_classes,
                      GError     **error)
{
  g_autoptr(CepModelSpec) spec = NULL;
  const Preset *preset = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (strcmp (name, presets[i].name) == 0)
      preset = &presets[i];
  if (preset == NULL)
    {
      g_set_error (error, CEP_MODEL_SPEC_ERROR, CEP_MODEL_SPEC_ERROR_PRESET,
                   "no model preset called “%s” (try tiny, full, baseline, tdnn or tdnn-full)",
                   name);
      return NULL;
    }
  spec = cep_model_spec_new (preset->context, feature_dim, n_classes);
  cep_model_spec_set_name (spec, preset->name);
  add_conv_front_end (spec, preset->convs, preset->n_convs);
  for (guint i = 0; i < preset->n_layers; i++)
    add_hidden_layer (spec, preset->layers[i].width, CEP_INIT_GLOROT_UNIFORM,
                      preset->layers[i].batch_norm, CEP_ACTIVATION_GELU,
                      CEP_LEAKY_RELU_DEFAULT_SLOPE, preset->layers[i].dropout);
  if (!cep_model_spec_validate (spec, error))
    return NULL;
  return g_steal_pointer (&spec);
}

static const char *const shape_names[CEP_SHAPE_COUNT] = {
  [CEP_SHAPE_CYLINDER] = "cylinder",
  [CEP_SHAPE_PYRAMID] = "pyramid",
  [CEP_SHAPE_INVERSE_PYRAMID] = "inverse_pyramid",
  [CEP_SHAPE_DIAMOND] = "diamond",
};

const char *
cep_shape_get_name (CepShape shape)
{
  g_return_val_if_fail ((guint) shape < CEP_SHAPE_COUNT, NULL);
  return shape_names[shape];
}

gboolean
cep_shape_from_name (const char *name,
                     CepShape   *shape)
{
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (name != NULL, FALSE);

  canonical = g_strdelimit (g_strdup (name), "-", '_');
  for (guint i = 0; i < CEP_SHAPE_COUNT; i++)
    if (strcmp (canonical, shape_names[i]) == 0)
      {
        *shape = (CepShape) i;
        return TRUE;
      }
  return FALSE;
}

double
cep_shape_profile (CepShape shape,
                   guint    layer,
                   guint    depth,
                   double   min_ratio)
{
  double t;

  g_return_val_if_fail (layer < depth, 1.0);

  if (depth == 1)
    return 1.0;
  t = (double) layer / (double) (depth - 1);
  switch (shape)
    {
    case CEP_SHAPE_CYLINDER:
      return 1.0;
    case CEP_SHAPE_PYRAMID:
      return pow (min_ratio, t);
    case CEP_SHAPE_INVERSE_PYRAMID:
      return pow (min_ratio, 1.0 - t);
    case CEP_SHAPE_DIAMOND:
      return pow (min_ratio, fabs (2.0 * t - 1.0));
    default:
      g_return_val_if_reached (1.0);
    }
}

void
cep_shape_options_init (CepShapeOptions *options,
                        CepShape         shape)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->shape = shape;
  options->context = 30;
  options->context_past = CEP_CONTEXT_SAME;
  options->context_future = CEP_CONTEXT_SAME;
  options->feature_dim = CEP_MODEL_DEFAULT_FEATURE_DIM;
  options->n_classes = CEP_MODEL_DEFAULT_CLASSES;
  options->depth = 6;
  options->budget = CEP_MODEL_DEFAULT_PARAM_LIMIT;
  options->activation = CEP_ACTIVATION_GELU;
  options->slope = CEP_LEAKY_RELU_DEFAULT_SLOPE;
  options->batch_norm = TRUE;
  options->dropout = 0.2;
  options->min_ratio = 0.25;
  options->multiple = 64;
  options->init = CEP_INIT_GLOROT_UNIFORM;
}

static guint
shape_width (const CepShapeOptions *options,
             guint                  layer,
             guint                  base)
{
  double r = cep_shape_profile (options->shape, layer, options->depth, options->min_ratio);
  double units = round (base * r / options->multiple);
  guint max_units = CEP_MODEL_MAX_WIDTH / options->multiple;

  return (guint) CLAMP (units, 1.0, (double) max_units) * options->multiple;
}

static CepModelSpec *
build_shape (const CepShapeOptions *options,
             guint                  base)
{
  CepModelSpec *spec = cep_model_spec_new (options->context, options->feature_dim,
                                           options->n_classes);
  g_autofree char *name = g_strdup_printf ("%s-%u", shape_names[options->shape],
                                           options->depth);

  cep_model_spec_set_context_window (spec,
                                     cep_context_side (options->context_past, options->context),
                                     cep_context_side (options->context_future, options->context));
  cep_model_spec_set_name (spec, name);
  spec->head.init = options->init;
  for (guint i = 0; i < options->depth; i++)
    add_hidden_layer (spec, shape_width (options, i, base), options->init,
                      options->batch_norm, options->activation, options->slope,
                      options->dropout);
  return spec;
}

static gboolean
fits_budget (const CepShapeOptions *options,
             guint                  base)
{
  g_autoptr(CepModelSpec) spec = build_shape (options, base);

  return cep_model_spec_count_params (spec) <= options->budget;
}

static gboolean
validate_options (const CepShapeOptions  *options,
                  GError                **error)
{
  const char *problem = NULL;

  if ((guint) options->shape >= CEP_SHAPE_COUNT)
    problem = "unknown shape";
  else if (options->depth == 0 || options->depth > CEP_MODEL_MAX_BLOCKS / 4)
    problem = "depth must be in [1, 64]";
  else if (options->multiple == 0 || options->multiple > 4096)
    problem = "the width multiple must be in [1, 4096]";
  else if (!(options->min_ratio > 0 && options->min_ratio <= 1))
    problem = "min_ratio must be in (0, 1]";
  else if (!(options->dropout >= 0 && options->dropout < 1))
    problem = "dropout must be in [0, 1)";
  if (problem != NULL)
    g_set_error (error, CEP_MODEL_SPEC_ERROR, CEP_MODEL_SPEC_ERROR_INVALID, "shape: %s",
                 problem);
  return problem == NULL;
}

/* The largest base width whose model fits the budget, by bisection (fits_budget is monotone:
 * every width is a non-decreasing function of base). */
static gboolean
solve_base (const CepShapeOptions  *options,
            guint                  *base,
            GError                **error)
{
  guint lo = options->multiple, hi = CEP_MODEL_MAX_WIDTH;

  if (!fits_budget (options, lo))
    {
      g_autoptr(CepModelSpec) smallest = build_shape (options, lo);
      g_set_error (error, CEP_MODEL_SPEC_ERROR, CEP_MODEL_SPEC_ERROR_BUDGET,
                   "a %s of depth %u needs at least %" G_GUINT64_FORMAT " parameters (widths "
                   "of %u), above the budget of %" G_GUINT64_FORMAT,
                   shape_names[options->shape], options->depth,
                   cep_model_spec_count_params (smallest), options->multiple, options->budget);
      return FALSE;
    }
  if (fits_budget (options, hi))
    lo = hi;
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;
      if (fits_budget (options, mid))
        lo = mid;
      else
        hi = mid;
    }
  *base = lo;
  return TRUE;
}

CepModelSpec *
cep_model_shape_new (const CepShapeOptions  *options,
                     GError                **error)
{
  g_autoptr(CepModelSpec) spec = NULL;
  guint base = 0;

  g_return_val_if_fail (options != NULL, NULL);

  if (!validate_options (options, error))
    return NULL;
  spec = build_shape (options, options->multiple);
  if (!cep_model_spec_validate (spec, error) || !solve_base (options, &base, error))
    return NULL;
  g_clear_pointer (&spec, cep_model_spec_free);
  /* The limit stays the default: a budget above it still warns, as the course rule would. */
  return build_shape (options, base);
}
