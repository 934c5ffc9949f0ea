/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-network-checkpoint.c: a CepNetwork to and from safetensors.
 *
 * The model's tensors use cep_model_spec_list_tensors()'s names and shapes (torch's
 * nn.Sequential state_dict under "layers."); the optimizer state adds "optimizer.<state>.
 * <parameter name>" per parameter and "optimizer.step". The file format itself is
 * cep-safetensors.c's; this module only maps names onto buffers, through host mirrors
 * (one download or upload per buffer).
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-network-private.h"

#include <math.h>

#define OPTIMIZER_STEP "optimizer.step"

/* The optimizer state tensors: torch.optim's state names. */
static const char *
first_state_name (CepNetwork *self)
{
  return self->optimizer.kind == CEP_OPTIMIZER_KIND_SGD ? "momentum_buffer" : "exp_avg";
}

static float *
host_mirror (float **mirror,
             gsize   n)
{
  if (*mirror == NULL)
    *mirror = g_new (float, MAX (n, 1));
  return *mirror;
}

/* The host copy that holds tensor @info. */
static const float *
mirror_of (CepNetwork *self,
           CepBuffer  *buffer)
{
  return buffer == self->params ? self->host_params : self->host_stats;
}

static void
download_mirrors (CepNetwork *self,
                  gboolean    with_optimizer)
{
  cep_buffer_download (self->params, 0, _cep_network_ensure_host_params (self), self->n_params);
  cep_buffer_download (self->stats, 0, _cep_network_ensure_host_stats (self), self->n_stats);
  if (with_optimizer && self->opt_m != NULL)
    cep_buffer_download (self->opt_m, 0, host_mirror (&self->host_m, self->n_params),
                         self->n_params);
  if (with_optimizer && self->opt_v != NULL)
    cep_buffer_download (self->opt_v, 0, host_mirror (&self->host_v, self->n_params),
                         self->n_params);
}

static gboolean
add_model_tensor (CepNetwork           *self,
                  CepSafetensorsWriter *writer,
                  const CepTensorInfo  *info,
                  GError              **error)
{
  CepBuffer *buffer;
  gsize offset, n_words;

  if (info->role == CEP_TENSOR_NUM_BATCHES_TRACKED)
    {
      self->host_counters[0] = (gint64) self->bn_batches;
      return cep_safetensors_writer_add_i64 (writer, info->name, 0, NULL,
                                             &self->host_counters[0], error);
    }
  if (!_cep_network_tensor_place (self, info->block, info->role, &buffer, &offset, &n_words))
    g_error ("the spec lists %s, which the network does not hold", info->name);
  return cep_safetensors_writer_add_f32 (writer, info->name, info->n_dims, info->shape,
                                         mirror_of (self, buffer) + offset, error);
}

static gboolean
add_state_tensor (CepNetwork           *self,
                  CepSafetensorsWriter *writer,
                  const CepTensorInfo  *info,
                  const char           *state,
                  const float          *mirror,
                  GError              **error)
{
  g_autofree char *name = g_strdup_printf ("optimizer.%s.%s", state, info->name);
  CepBuffer *buffer;
  gsize offset, n_words;

  _cep_network_tensor_place (self, info->block, info->role, &buffer, &offset, &n_words);
  return cep_safetensors_writer_add_f32 (writer, name, info->n_dims, info->shape,
                                         mirror + offset, error);
}

static gboolean
add_optimizer_tensors (CepNetwork           *self,
                       CepSafetensorsWriter *writer,
                       GArray               *tensors,
                       GError              **error)
{
  for (guint i = 0; i < tensors->len; i++)
    {
      const CepTensorInfo *info = &g_array_index (tensors, CepTensorInfo, i);
      if (!info->is_parameter)
        continue;
      if (self->opt_m != NULL &&
          !add_state_tensor (self, writer, info, first_state_name (self), self->host_m, error))
        return FALSE;
      if (self->opt_v != NULL &&
          !add_state_tensor (self, writer, info, "exp_avg_sq", self->host_v, error))
        return FALSE;
    }
  self->host_counters[1] = (gint64) self->optimizer_steps;
  return cep_safetensors_writer_add_i64 (writer, OPTIMIZER_STEP, 0, NULL,
                                         &self->host_counters[1], error);
}

gboolean
cep_network_add_to_writer (CepNetwork           *self,
                           CepSafetensorsWriter *writer,
                           gboolean              with_optimizer,
                           GError              **error)
{
  g_autoptr (GArray) tensors = NULL;

  g_return_val_if_fail (self != NULL && writer != NULL, FALSE);

  download_mirrors (self, with_optimizer);
  tensors = cep_model_spec_list_tensors (self->spec);
  for (guint i = 0; i < tensors->len; i++)
    if (!add_model_tensor (self, writer, &g_array_index (tensors, CepTensorInfo, i), error))
      return FALSE;
  return !with_optimizer || add_optimizer_tensors (self, writer, tensors, error);
}

gboolean
cep_network_save (CepNetwork         *self,
                  const char         *path,
                  gboolean            with_optimizer,
                  const char * const *metadata,
                  GError            **error)
{
  g_autoptr (CepSafetensorsWriter) writer = cep_safetensors_writer_new ();

  g_return_val_if_fail (self != NULL && path != NULL, FALSE);

  for (guint i = 0; metadata != NULL && metadata[i] != NULL && metadata[i + 1] != NULL; i += 2)
    cep_safetensors_writer_set_metadata (writer, metadata[i], metadata[i + 1]);
  return cep_network_add_to_writer (self, writer, with_optimizer, error) &&
         cep_safetensors_writer_write (writer, path, error);
}

/* Loading */

static gboolean
checkpoint_error (GError    **error,
                  GError     *cause)
{
  g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_CHECKPOINT, "%s", cause->message);
  g_error_free (cause);
  return FALSE;
}

/* A NaN or infinity in a checkpoint (a diverged run saved by another tool, a damaged file)
 * would train or predict garbage without a word: refused, naming the tensor. */
static gboolean
check_finite (const CepSafetensors  *file,
              const char            *tensor,
              const float           *values,
              gsize                  n_values,
              GError               **error)
{
  for (gsize i = 0; i < n_values; i++)
    if (!isfinite (values[i]))
      {
        g_set_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_CHECKPOINT,
                     "%s: tensor “%s” holds %s at element %" G_GSIZE_FORMAT,
                     cep_safetensors_get_name (file), tensor,
                     isnan (values[i]) ? "NaN" : "an infinite value", i);
        return FALSE;
      }
  return TRUE;
}

static gboolean
read_model_tensor (CepNetwork           *self,
                   const CepSafetensors *file,
                   const CepTensorInfo  *info,
                   GError              **error)
{
  GError *local_error = NULL;
  CepBuffer *buffer;
  gsize offset, n_words;
  gint64 count;

  if (info->role == CEP_TENSOR_NUM_BATCHES_TRACKED)
    {
      if (!cep_safetensors_read_i64 (file, info->name, 0, NULL, &count, 1, &local_error))
        return checkpoint_error (error, local_error);
      self->host_counters[0] = MAX (count, 0);
      return TRUE;
    }
  _cep_network_tensor_place (self, info->block, info->role, &buffer, &offset, &n_words);
  if (!cep_safetensors_read_f32 (file, info->name, info->n_dims, info->shape,
                                 (float *) mirror_of (self, buffer) + offset, n_words,
                                 &local_error))
    return checkpoint_error (error, local_error);
  return check_finite (file, info->name, (float *) mirror_of (self, buffer) + offset, n_words,
                       error);
}

static gboolean
read_state_tensors (CepNetwork           *self,
                    const CepSafetensors *file,
                    GArray               *tensors,
                    const char           *state,
                    float                *mirror,
                    GError              **error)
{
  for (guint i = 0; i < tensors->len; i++)
    {
      const CepTensorInfo *info = &g_array_index (tensors, CepTensorInfo, i);
      g_autofree char *name = g_strdup_printf ("optimizer.%s.%s", state, info->name);
      GError *local_error = NULL;
      CepBuffer *buffer;
      gsize offset, n_words;

      if (!info->is_parameter)
        continue;
      _cep_network_tensor_place (self, info->block, info->role, &buffer, &offset, &n_words);
      if (!cep_safetensors_read_f32 (file, name, info->n_dims, info->shape, mirror + offset,
                                     n_words, &local_error))
        return checkpoint_error (error, local_error);
      if (!check_finite (file, name, mirror + offset, n_words, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_optimizer (CepNetwork           *self,
                const CepSafetensors *file,
                GArray               *tensors,
                GError              **error)
{
  GError *local_error = NULL;
  gint64 steps;

  if (cep_safetensors_lookup (file, OPTIMIZER_STEP, NULL) == NULL)
    {
      _cep_network_reset_optimizer_state (self);
      self->host_counters[1] = 0;
      return TRUE;
    }
  if (!cep_safetensors_read_i64 (file, OPTIMIZER_STEP, 0, NULL, &steps, 1, &local_error))
    return checkpoint_error (error, local_error);
  if (self->opt_m != NULL &&
      !read_state_tensors (self, file, tensors, first_state_name (self),
                           host_mirror (&self->host_m, self->n_params), error))
    return FALSE;
  if (self->opt_v != NULL &&
      !read_state_tensors (self, file, tensors, "exp_avg_sq",
                           host_mirror (&self->host_v, self->n_params), error))
    return FALSE;
  if (self->opt_m != NULL)
    cep_buffer_upload (self->opt_m, 0, self->host_m, self->n_params);
  if (self->opt_v != NULL)
    cep_buffer_upload (self->opt_v, 0, self->host_v, self->n_params);
  self->host_counters[1] = MAX (steps, 0);
  return TRUE;
}

gboolean
cep_network_load_tensors (CepNetwork           *self,
                          const CepSafetensors *file,
                          gboolean              with_optimizer,
                          GError              **error)
{
  g_autoptr (GArray) tensors = NULL;

  g_return_val_if_fail (self != NULL && file != NULL, FALSE);

  _cep_network_ensure_host_params (self);
  _cep_network_ensure_host_stats (self);
  self->host_counters[0] = 0;
  tensors = cep_model_spec_list_tensors (self->spec);
  for (guint i = 0; i < tensors->len; i++)
    if (!read_model_tensor (self, file, &g_array_index (tensors, CepTensorInfo, i), error))
      return FALSE;
  /* Only a complete read replaces anything. */
  if (with_optimizer && !read_optimizer (self, file, tensors, error))
    return FALSE;
  if (!with_optimizer)
    _cep_network_reset_optimizer_state (self);
  self->bn_batches = (guint64) self->host_counters[0];
  if (with_optimizer)
    self->optimizer_steps = (guint64) self->host_counters[1];
  cep_buffer_upload (self->params, 0, self->host_params, self->n_params);
  cep_buffer_upload (self->stats, 0, self->host_stats, self->n_stats);
  return TRUE;
}

gboolean
cep_network_load (CepNetwork  *self,
                  const char  *path,
                  gboolean     with_optimizer,
                  GError     **error)
{
  g_autoptr (CepSafetensors) file = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (self != NULL && path != NULL, FALSE);

  file = cep_safetensors_open (path, &local_error);
  if (file == NULL)
    return checkpoint_error (error, local_error);
  return cep_network_load_tensors (self, file, with_optimizer, error);
}
