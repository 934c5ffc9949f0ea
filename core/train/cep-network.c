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

/* @previous is the layer whose output @index reads (an activation right after a block may be
 * applied by it); @x that output. */
static void
layout_layer (CepNetwork      *self,
              guint            index,
              CepLayer        *previous,
              gsize            x,
              gboolean         trainable_before,
              CepLayoutCursor *cursor)
{
  const CepBlock *block = cep_model_spec_get_block (self->spec, index);
  CepLayer *layer = &self->layers[index];

  layer->type = cep_block_type_of (block);
  layer->block = block;
  layer->index = index;
  layer->body = cep_model_spec_get_body_length (self->spec, index);
  cep_model_spec_get_block_input_shape (self->spec, index, &layer->in_shape);
  layer->type->output_shape (block, &layer->in_shape, &layer->out_shape);
  layer->in = cep_block_shape_width (&layer->in_shape);
  layer->out = cep_block_shape_width (&layer->out_shape);
  layer->weight = layer->bias = CEP_NO_OFFSET;
  layer->running_mean = layer->running_var = CEP_NO_OFFSET;
  layer->saved_mean = layer->saved_invstd = layer->mask = CEP_NO_OFFSET;
  layer->scratch = CEP_NO_OFFSET;
  layer->needs_dx = trainable_before;
  layer->x = x;
  layer->y = cep_layout_take (&cursor->acts, (gsize) cursor->rows * layer->out);
  layer->type->layout (layer, previous, cursor);
}

/* Each layer reads the output of the one before it, except around a body (a residual's,
 * validated to hold no body of its own): the body's first layer reads what its block reads,
 * and the layer after the body reads the block's output (the sum), not the body's. */
static void
layout_network (CepNetwork      *self,
                CepLayoutCursor *cursor)
{
  gsize x = cep_layout_take (&cursor->acts, (gsize) self->max_batch * self->input_dim);
  gboolean trainable_before = FALSE;
  CepLayer *previous = NULL;
  CepLayer *open = NULL;      /* the layer whose body is being laid out */

  self->max_width = self->input_dim;
  for (guint i = 0; i < self->n_layers; i++)
    {
      CepLayer *layer = &self->layers[i];

      layout_layer (self, i, previous, x, trainable_before, cursor);
      previous = layer;
      x = layer->body > 0 ? layer->x : layer->y;
      if (layer->body > 0)
        open = layer;
      else if (open != NULL && i == open->index + open->body)
        {
          previous = open;
          x = open->y;
          open = NULL;
        }
      self->max_width = MAX (self->max_width, layer->out);
      self->has_batch_norm |= layer->type->batch_statistics;
      trainable_before = trainable_before || layer->type->trainable;
    }
  self->zeros = cep_layout_take (&cursor->work, self->max_width);
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
  CepLayoutCursor cursor = { .rows = max_batch };

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
  _cep_network_resident_clear (self);
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

gboolean
cep_network_set_optimizer (CepNetwork               *self,
                           const CepOptimizerConfig *config,
                           GError                  **error)
{
  CepOptimizerConfig previous;
  g_autoptr (GError) local_error = NULL;
  gboolean same_state;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  same_state = needs_first_moment (config) == needs_first_moment (&self->optimizer) &&
               needs_second_moment (config) == needs_second_moment (&self->optimizer) &&
               (config->kind == CEP_OPTIMIZER_KIND_SGD) ==
               (self->optimizer.kind == CEP_OPTIMIZER_KIND_SGD);
  previous = self->optimizer;
  self->optimizer = *config;
  if (same_state || _cep_network_alloc_optimizer_state (self, &local_error))
    return TRUE;
  /* A failed allocation (a device out of memory, say) is the user's to see, not an abort. */
  self->optimizer = previous;
  g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_NO_MEMORY,
               "no memory for the optimizer state of %" G_GSIZE_FORMAT " parameters: %s",
               self->n_params, local_error != NULL ? local_error->message : "allocation failed");
  return FALSE;
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
init_layer (CepNetwork *self,
            CepLayer   *layer,
            guint64     seed,
            float      *params,
            float      *stats)
{
  if (layer->type->init != NULL)
    layer->type->init (self->spec, layer, seed, params, stats);
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
  CepTensorPlace place;

  if (!layer->type->tensor_place (layer, role, &place))
    return FALSE;
  *buffer = place.in_stats ? self->stats : self->params;
  *offset = place.offset;
  *n_words = place.n_words;
  return TRUE;
}

gboolean
cep_network_lookup_tensor (CepNetwork  *self,
                           const char  *name,
                           CepBuffer  **buffer,
                           gsize       *offset,
                           gsize       *n_words)
{
  g_autoptr (GArray) tensors = NULL;
  CepBuffer *b;
  gsize o, n;

  g_return_val_if_fail (self != NULL && name != NULL, FALSE);

  /* The spec's names, so a body's tensors ("layers.2.body.0.weight") are found as the
   * checkpoint names them. */
  tensors = cep_model_spec_list_tensors (self->spec);
  for (guint i = 0; i < tensors->len; i++)
    {
      const CepTensorInfo *info = &g_array_index (tensors, CepTensorInfo, i);

      if (!g_str_equal (info->name, name))
        continue;
      if (!_cep_network_tensor_place (self, info->block, info->role, &b, &o, &n))
        return FALSE;
      if (buffer != NULL)
        *buffer = b;
      if (offset != NULL)
        *offset = o;
      if (n_words != NULL)
        *n_words = n;
      return TRUE;
    }
  return FALSE;
}
