/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-model-presets.h: named models and shape archetypes that fill a parameter budget.
 *
 * Presets (K and the blocks fixed, D and the class count given):
 * - "tiny" and "full": the seed notebook's two models (reference/HW1P2.md), K = 30, so with
 *   D = 28 the input is 1708. Glorot-uniform weights, zero biases. Parameters at D = 28:
 *   tiny 1,423,914 (42 classes) or 1,422,888 (40); full 18,864,938 (42) or 18,864,424 (40).
 *   Both class counts print as the notebook's "1.42 M" and "18.86 M"; counting BatchNorm's
 *   running statistics as well (Keras's "total params") would give 18.88 M for full, so the
 *   notebook counted as torch does.
 * - "baseline": HW1P2's "very low cutoff" model, "no hidden layer, context 20, ReLU". With no
 *   hidden layer there is no place a ReLU could sit in front of the softmax without clipping
 *   the raw features or the logits, so the baseline is the linear softmax classifier
 *   Linear((2·20+1)·D → classes); the ReLU of the handout names the activation its larger
 *   models use and is not part of this one.
 *
 * Shapes: `depth` hidden blocks of Linear → [BatchNorm] → activation → [Dropout], whose widths
 * follow a profile r_i (i = 0 … depth−1, t = i/(depth−1), m = min_ratio):
 *   cylinder          1
 *   pyramid           m^t          (widest first, narrowest = m × widest)
 *   inverse_pyramid   m^(1−t)
 *   diamond           m^|2t−1|     (widest in the middle)
 * A depth of 1 is a cylinder. Width i = round(base · r_i / multiple) · multiple (at least
 * `multiple`, at most CEP_MODEL_MAX_WIDTH); base is the largest integer, found by bisection,
 * whose model has at most `budget` parameters (head and BatchNorm included). Widths grow
 * monotonically with base, so the result is the largest model of that shape within budget.
 */
#pragma once

#include "cep-model-spec.h"

G_BEGIN_DECLS

/* "tiny", "full", "baseline"; NULL-terminated. */
const char * const *cep_model_preset_list (void);
CepModelSpec       *cep_model_preset_new  (const char *name,
                                           guint       feature_dim,
                                           guint       n_classes,
                                           GError    **error);

typedef enum
{
  CEP_SHAPE_CYLINDER,
  CEP_SHAPE_PYRAMID,
  CEP_SHAPE_INVERSE_PYRAMID,
  CEP_SHAPE_DIAMOND,
} CepShape;

#define CEP_SHAPE_COUNT (CEP_SHAPE_DIAMOND + 1)

/* "cylinder", "pyramid", "inverse_pyramid", "diamond" ('-' accepted for '_'). */
const char *cep_shape_get_name  (CepShape    shape);
gboolean    cep_shape_from_name (const char *name,
                                 CepShape   *shape);
/* r_i of the profile above, in (0, 1]. */
double      cep_shape_profile   (CepShape    shape,
                                 guint       layer,
                                 guint       depth,
                                 double      min_ratio);

typedef struct
{
  CepShape      shape;
  guint         context;       /* K (default 30) */
  guint         context_past;  /* CEP_CONTEXT_SAME (default): K */
  guint         context_future;/* CEP_CONTEXT_SAME (default): K */
  guint         feature_dim;   /* D (default 28) */
  guint         n_classes;     /* default 42 */
  guint         depth;         /* hidden Linear layers, >= 1 (default 6) */
  guint64       budget;        /* parameters, head included (default 20 M) */
  CepActivation activation;    /* default GELU */
  double        slope;         /* LeakyReLU only */
  gboolean      batch_norm;    /* BatchNorm after every hidden Linear (default TRUE) */
  double        dropout;       /* Dropout p after every activation; 0 = none (default 0.2) */
  double        min_ratio;     /* (0, 1], default 0.25 */
  guint         multiple;      /* width granularity, >= 1 (default 64; 8 for small models) */
  CepInit       init;          /* default Glorot uniform */
} CepShapeOptions;

void          cep_shape_options_init (CepShapeOptions        *options,
                                      CepShape                shape);
/* CEP_MODEL_SPEC_ERROR_BUDGET when even widths of `multiple` exceed the budget;
 * CEP_MODEL_SPEC_ERROR_INVALID for inconsistent options. */
CepModelSpec *cep_model_shape_new    (const CepShapeOptions  *options,
                                      GError                **error);

G_END_DECLS
