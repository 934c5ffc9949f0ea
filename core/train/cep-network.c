/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-network.c: building a CepNetwork — the buffer layout of a spec on a backend, parameter
 * initialization and the optimizer's configuration.
 *
 * It decides where every tensor lives (cep-network-private.h) and must not run a pass: the
 * passes are in cep-network-passes.c, checkpoints in cep-network-checkpoint.c.
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-network-private.h"

#include <string.h>

G_DEFINE_QUARK (cep-network-error-quark, cep_network_error)

void
cep_optimizer_config_init (CepOptimizerConfig *config)
{
  g_return_if_fail (config != NULL);

  *config = (CepOptimizerConfig) {
    .kind = CEP_OPTIMIZER_KIND_ADAMW,
    .beta1 = 0.9,
    .beta2 = 0.999,
    .eps = 1e-8,
    .weight_decay = 0.01,
    .momentum = 0.0,
    .dampening = 0.0,
    .nesterov = FALSE,
    .clip_norm = 0.0,
  };
}

/* Layout */

/* Running word counts of every buffer while the layers are laid out. */
typedef struct
{
  gsize params;
  gsize stats;
  gsize work;
  gsize masks;
  gsize acts;
} CepLayoutCursor;

static gsize
take (gsize *cursor,
      gsize  n_words)
{
  gsize offset = *cursor;
  *cursor += n_words;
  return offset;
}

static void
layout_linear (CepLayer        *layer,
               const CepBlock  *block,
               CepLayoutCursor *cursor)
{
  layer->weight = take (&cursor->params, (gsize) layer->out * layer->in);
  layer->bias = block->bias ? take (&cursor->params, layer->out) : CEP_NO_OFFSET;
}

static void
layout_batch_norm (CepLayer        *layer,
                   const CepBlock  *block,
                   CepLayoutCursor *cursor)
{
  layer->gamma = take (&cursor->params, layer->out);
  layer->beta = take (&cursor->params, layer->out);
  layer->running_mean = take (&cursor->stats, layer->out);
  layer->running_var = take (&cursor->stats, layer->out);
  layer->saved_mean = take (&cursor->work, layer->out);
  layer->saved_invstd = take (&cursor->work, layer->out);
  layer->eps = (float) block->eps;
  layer->momentum = (float) block->momentum;
}

static void
layout_layer (CepNetwork      *self,
              guint            index,
              gsize            x,
              gboolean         trainable_before,
              CepLayoutCursor *cursor)
{
  const CepBlock *block = cep_model_spec_get_block (self->spec, index);
  CepLayer *layer = &self->layers[index];
  gsize rows = self->max_batch;

  layer->kind = block->kind;
  layer->index = index;
  layer->in = cep_model_spec_get_block_input_width (self->spec, index);
  layer->out = block->kind == CEP_BLOCK_LINEAR ? block->width : layer->in;
  layer->weight = layer->bias = layer->gamma = layer->beta = CEP_NO_OFFSET;
  layer->mask = CEP_NO_OFFSET;
  layer->needs_dx = trainable_before;
  layer->x = x;
  layer->y = take (&cursor->acts, rows * layer->out);

  switch (block->kind)
    {
    case CEP_BLOCK_LINEAR:
      layout_linear (layer, block, cursor);
      break;
    case CEP_BLOCK_BATCH_NORM:
      layout_batch_norm (layer, block, cursor);
      break;
    case CEP_BLOCK_ACTIVATION:
      layer->activation = block->activation;
      layer->slope = (float) block->slope;
      layer->fused = index > 0 && self->layers[index - 1].kind == CEP_BLOCK_LINEAR;
      break;
    case CEP_BLOCK_DROPOUT:
      /* In place: the output is the input; the tensor taken above is given back. */
      cursor->acts -= rows * layer->out;
      layer->y = x;
      layer->p = (float) block->p;
      if (layer->p > 0.0f)
        layer->mask = take (&cursor->masks, CEP_DROPOUT_MASK_WORDS (rows * layer->out));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
layout_network (CepNetwork      *self,
                CepLayoutCursor *cursor)
{
  gsize x = take (&cursor->acts, (gsize) self->max_batch * self->input_dim);
  gboolean trainable_before = FALSE;

  self->max_width = self->input_dim;
  for (guint i = 0; i < self->n_layers; i++)
    {
      layout_layer (self, i, x, trainable_before, cursor);
      x = self->layers[i].y;
      self->max_width = MAX (self->max_width, self->layers[i].out);
      self->has_batch_norm |= self->layers[i].kind == CEP_BLOCK_BATCH_NORM;
      trainable_before = trainable_before || self->layers[i].kind == CEP_BLOCK_LINEAR ||
                         self->layers[i].kind == CEP_BLOCK_BATCH_NORM;
    }
  self->zeros = take (&cursor->work, self->max_width);
  self->n_params = cursor->params;
  self->n_stats = cursor->stats;
}

/* Buffers */

static CepBuffer *
new_buffer (CepNetwork *self,
            gsize       n_words,
            GError    **error)
{
  /* Zero-sized buffers are avoided so every view has a buffer behind it. */
  return cep_buffer_new (self->backend, MAX (n_words, 1), error);
}

static gboolean
alloc_buffers (CepNetwork      *self,
               CepLayoutCursor *cursor,
               GError         **error)
{
  gsize grad_words = (gsize) self->max_batch * self->max_width;

  return (self->params = new_buffer (self, cursor->params, error)) != NULL &&
         (self->grads = new_buffer (self, cursor->params, error)) != NULL &&
         (self->stats = new_buffer (self, cursor->stats, error)) != NULL &&
         (self->acts = new_buffer (self, cursor->acts, error)) != NULL &&
         (self->grad_a = new_buffer (self, grad_words, error)) != NULL &&
         (self->grad_b = new_buffer (self, grad_words, error)) != NULL &&
         (self->work = new_buffer (self, cursor->work, error)) != NULL &&
         (cursor->masks == 0 || (self->masks = new_buffer (self, cursor->masks, error))) &&
         (self->labels = new_buffer (self, self->max_batch, error)) != NULL &&
         (self->predictions = new_buffer (self, self->max_batch, error)) != NULL &&
         (self->scalars = new_buffer (self, CEP_N_SCALARS, error)) != NULL;
}

static void
free_buffer (CepBuffer **buffer)
{
  g_clear_pointer (buffer, cep_buffer_free);
}

/* Which state buffers an optimizer keeps: Adam's exp_avg and exp_avg_sq, SGD's momentum
 * buffer (only with momentum). */
static gboolean
needs_first_moment (const CepOptimizerConfig *config)
{
  return config->kind != CEP_OPTIMIZER_KIND_SGD || config->momentum != 0.0;
}

static gboolean
needs_second_moment (const CepOptimizerConfig *config)
{
  return config->kind != CEP_OPTIMIZER_KIND_SGD;
}

gboolean
_cep_network_alloc_optimizer_state (CepNetwork *self,
                                    GError    **error)
{
  free_buffer (&self->opt_m);
  free_buffer (&self->opt_v);
  g_clear_pointer (&self->host_m, g_free);
  g_clear_pointer (&self->host_v, g_free);
  self->optimizer_steps = 0;
  if (needs_first_moment (&self->optimizer) &&
      (self->opt_m = new_buffer (self, self->n_params, error)) == NULL)
    return FALSE;
  if (needs_second_moment (&self->optimizer) &&
      (self->opt_v = new_buffer (self, self->n_params, error)) == NULL)
    return FALSE;
  return TRUE;
}

/* Construction */

static gboolean
check_spec (const CepModelSpec *spec,
            guint               max_batch,
            GError            **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!cep_model_spec_validate (spec, &local_error))
    {
      g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID, "%s",
                   local_error->message);
      return FALSE;
    }
  if (max_batch == 0)
    {
      g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID,
                   "the largest batch must hold at least one row");
      return FALSE;
    }
  return TRUE;
}

CepNetwork *
cep_network_new (const CepModelSpec *spec,
                 CepBackend         *backend,
                 guint               max_batch,
                 GError            **error)
{
  g_autoptr (CepNetwork) self = NULL;
  CepLayoutCursor cursor = { 0 };

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (backend != NULL, NULL);

  if (!check_spec (spec, max_batch, error))
    return NULL;
  self = g_new0 (CepNetwork, 1);
  self->spec = cep_model_spec_copy (spec);
  self->backend = backend;
  self->max_batch = max_batch;
  self->input_dim = cep_model_spec_get_input_dim (spec);
  self->n_classes = cep_model_spec_get_n_classes (spec);
  self->n_layers = cep_model_spec_get_n_blocks (spec) + 1;
  self->layers = g_new0 (CepLayer, self->n_layers);
  layout_network (self, &cursor);
  cep_optimizer_config_init (&self->optimizer);
  if (!alloc_buffers (self, &cursor, error) ||
      !_cep_network_alloc_optimizer_state (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
cep_network_free (CepNetwork *self)
{
  if (self == NULL)
    return;
  free_buffer (&self->params);
  free_buffer (&self->grads);
  free_buffer (&self->stats);
  free_buffer (&self->opt_m);
  free_buffer (&self->opt_v);
  free_buffer (&self->acts);
  free_buffer (&self->grad_a);
  free_buffer (&self->grad_b);
  free_buffer (&self->work);
  free_buffer (&self->masks);
  free_buffer (&self->labels);
  free_buffer (&self->predictions);
  free_buffer (&self->scalars);
  g_free (self->host_params);
  g_free (self->host_stats);
  g_free (self->host_m);
  g_free (self->host_v);
  g_free (self->layers);
  g_clear_pointer (&self->spec, cep_model_spec_free);
  g_free (self);
}

/* Accessors */

const CepModelSpec *
cep_network_get_spec (CepNetwork *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->spec;
}

CepBackend *
cep_network_get_backend (CepNetwork *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->backend;
}

guint
cep_network_get_max_batch (CepNetwork *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->max_batch;
}

guint
cep_network_get_input_dim (CepNetwork *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->input_dim;
}

guint
cep_network_get_n_classes (CepNetwork *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_classes;
}

gsize
cep_network_get_n_parameters (CepNetwork *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_params;
}

guint64
cep_network_get_seed (CepNetwork *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->seed;
}

void
cep_network_set_seed (CepNetwork *self,
                      guint64     seed)
{
  g_return_if_fail (self != NULL);
  self->seed = seed;
}

CepBuffer *
cep_network_get_parameters (CepNetwork *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->params;
}

CepBuffer *
cep_network_get_gradients (CepNetwork *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->grads;
}

CepBuffer *
cep_network_get_statistics (CepNetwork *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->stats;
}

/* Optimizer */

void
cep_network_set_optimizer (CepNetwork               *self,
                           const CepOptimizerConfig *config)
{
  gboolean same_state;

  g_return_if_fail (self != NULL);
  g_return_if_fail (config != NULL);

  same_state = needs_first_moment (config) == needs_first_moment (&self->optimizer) &&
               needs_second_moment (config) == needs_second_moment (&self->optimizer) &&
               (config->kind == CEP_OPTIMIZER_KIND_SGD) ==
               (self->optimizer.kind == CEP_OPTIMIZER_KIND_SGD);
  self->optimizer = *config;
  if (!same_state && !_cep_network_alloc_optimizer_state (self, NULL))
    g_error ("out of memory for the optimizer state of %" G_GSIZE_FORMAT " parameters",
             self->n_params);
}

const CepOptimizerConfig *
cep_network_get_optimizer (CepNetwork *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->optimizer;
}

guint64
cep_network_get_optimizer_steps (CepNetwork *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->optimizer_steps;
}

/* Initialization */

float *
_cep_network_ensure_host_params (CepNetwork *self)
{
  if (self->host_params == NULL)
    self->host_params = g_new (float, MAX (self->n_params, 1));
  return self->host_params;
}

float *
_cep_network_ensure_host_stats (CepNetwork *self)
{
  if (self->host_stats == NULL)
    self->host_stats = g_new (float, MAX (self->n_stats, 1));
  return self->host_stats;
}

static void
fill_floats (float *data,
             gsize  n,
             float  value)
{
  for (gsize i = 0; i < n; i++)
    data[i] = value;
}

static void
init_layer (CepNetwork *self,
            CepLayer   *layer,
            guint64     seed,
            float      *params,
            float      *stats)
{
  if (layer->kind == CEP_BLOCK_LINEAR)
    cep_model_spec_init_linear (self->spec, layer->index, seed, params + layer->weight,
                                layer->bias != CEP_NO_OFFSET ? params + layer->bias : NULL);
  else if (layer->kind == CEP_BLOCK_BATCH_NORM)
    {
      fill_floats (params + layer->gamma, layer->out, 1.0f);
      fill_floats (params + layer->beta, layer->out, 0.0f);
      fill_floats (stats + layer->running_mean, layer->out, 0.0f);
      fill_floats (stats + layer->running_var, layer->out, 1.0f);
    }
}

void
_cep_network_reset_optimizer_state (CepNetwork *self)
{
  if (self->opt_m != NULL)
    cep_backend_fill (self->backend, self->n_params, 0.0f, cep_view (self->opt_m, 0));
  if (self->opt_v != NULL)
    cep_backend_fill (self->backend, self->n_params, 0.0f, cep_view (self->opt_v, 0));
  self->optimizer_steps = 0;
}

void
cep_network_init_parameters (CepNetwork *self,
                             guint64     seed)
{
  float *params, *stats;

  g_return_if_fail (self != NULL);

  params = _cep_network_ensure_host_params (self);
  stats = _cep_network_ensure_host_stats (self);
  for (guint i = 0; i < self->n_layers; i++)
    init_layer (self, &self->layers[i], seed, params, stats);
  cep_buffer_upload (self->params, 0, params, self->n_params);
  cep_buffer_upload (self->stats, 0, stats, self->n_stats);
  _cep_network_reset_optimizer_state (self);
  self->bn_batches = 0;
  self->seed = seed;
}

/* Where a tensor of a layer lives: a parameter (weight, bias; γ and β for BatchNorm) or a
 * running statistic. FALSE for a role the layer does not have (num_batches_tracked is a host
 * counter). */
gboolean
_cep_network_tensor_place (CepNetwork     *self,
                           guint           index,
                           CepTensorRole   role,
                           CepBuffer     **buffer,
                           gsize          *offset,
                           gsize          *n_words)
{
  const CepLayer *layer = &self->layers[index];
  gboolean bn = layer->kind == CEP_BLOCK_BATCH_NORM;
  gsize place = CEP_NO_OFFSET;

  if (layer->kind == CEP_BLOCK_LINEAR && role == CEP_TENSOR_WEIGHT)
    place = layer->weight;
  else if (layer->kind == CEP_BLOCK_LINEAR && role == CEP_TENSOR_BIAS)
    place = layer->bias;
  else if (bn && role == CEP_TENSOR_WEIGHT)
    place = layer->gamma;
  else if (bn && role == CEP_TENSOR_BIAS)
    place = layer->beta;
  else if (bn && role == CEP_TENSOR_RUNNING_MEAN)
    place = layer->running_mean;
  else if (bn && role == CEP_TENSOR_RUNNING_VAR)
    place = layer->running_var;
  if (place == CEP_NO_OFFSET)
    return FALSE;
  *buffer = role == CEP_TENSOR_WEIGHT || role == CEP_TENSOR_BIAS ? self->params : self->stats;
  *offset = place;
  *n_words = role == CEP_TENSOR_WEIGHT && !bn ? (gsize) layer->out * layer->in : layer->out;
  return TRUE;
}

static gboolean
role_from_name (const char    *name,
                CepTensorRole *role)
{
  static const char *const names[] = { "weight", "bias", "running_mean", "running_var" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (name, names[i]))
      {
        *role = (CepTensorRole) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
cep_network_lookup_tensor (CepNetwork  *self,
                           const char  *name,
                           CepBuffer  **buffer,
                           gsize       *offset,
                           gsize       *n_words)
{
  const char *prefix = CEP_MODEL_TENSOR_PREFIX ".";
  const char *rest;
  char *end;
  guint64 index;
  CepTensorRole role;
  CepBuffer *b;
  gsize o, n;

  g_return_val_if_fail (self != NULL && name != NULL, FALSE);

  if (!g_str_has_prefix (name, prefix))
    return FALSE;
  rest = name + strlen (prefix);
  index = g_ascii_strtoull (rest, &end, 10);
  if (end == rest || *end != '.' || index >= self->n_layers || !role_from_name (end + 1, &role))
    return FALSE;
  if (!_cep_network_tensor_place (self, (guint) index, role, &b, &o, &n))
    return FALSE;
  if (buffer != NULL)
    *buffer = b;
  if (offset != NULL)
    *offset = o;
  if (n_words != NULL)
    *n_words = n;
  return TRUE;
}
