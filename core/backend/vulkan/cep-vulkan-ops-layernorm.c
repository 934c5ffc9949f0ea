/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-ops-layernorm.c: layer normalization on [rows × cols] activations — the forward
 * (saving each row's mean and 1/std when asked) and the backward (parameter gradients, then
 * the input gradient, so dx may overwrite dy).
 *
 * Row reductions use one workgroup per row (shaders/layernorm-*.comp); the parameter
 * gradients one invocation per column. It must not change what an operation computes.
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include "cep-vulkan-private.h"

/* One workgroup per row, the shaders stride past the dispatch limit. */
static guint
row_groups (guint rows)
{
  return _cep_vulkan_groups (rows, 1);
}

static void
vulkan_layernorm_forward (CepBackend  *backend,
                          guint        rows,
                          guint        cols,
                          CepLayerNorm ln,
                          CepView      x,
                          CepView      y)
{
  gsize size = (gsize) rows * cols;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_LAYERNORM_FORWARD);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (x, size),
    CEP_VULKAN_OUT (y, size),
    CEP_VULKAN_IN (ln.gamma, cols),
    CEP_VULKAN_IN (ln.beta, cols),
    CEP_VULKAN_OUT (ln.saved_mean, rows),
    CEP_VULKAN_OUT (ln.saved_invstd, rows),
  };
  struct { guint32 offsets[6], rows, cols, has_gamma, has_beta, save; float eps; } push = {
    .rows = rows, .cols = cols, .has_gamma = cep_view_is_set (ln.gamma),
    .has_beta = cep_view_is_set (ln.beta), .save = cep_view_is_set (ln.saved_mean),
    .eps = ln.eps,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, row_groups (rows), 1);
}

static void
layernorm_backward_params (CepBackend         *backend,
                           guint               rows,
                           guint               cols,
                           const CepLayerNorm *ln,
                           CepView             x,
                           CepView             dy,
                           CepView             dgamma,
                           CepView             dbeta)
{
  gsize size = (gsize) rows * cols;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_LAYERNORM_BACKWARD_PARAMS);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (x, size),
    CEP_VULKAN_IN (dy, size),
    CEP_VULKAN_IN (ln->saved_mean, rows),
    CEP_VULKAN_IN (ln->saved_invstd, rows),
    CEP_VULKAN_OUT (dgamma, cols),
    CEP_VULKAN_OUT (dbeta, cols),
  };
  struct { guint32 offsets[6], rows, cols, has_dgamma, has_dbeta; } push = {
    .rows = rows, .cols = cols, .has_dgamma = cep_view_is_set (dgamma),
    .has_dbeta = cep_view_is_set (dbeta),
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, _cep_vulkan_groups (cols, 256), 1);
}

static void
layernorm_backward_dx (CepBackend         *backend,
                       guint               rows,
                       guint               cols,
                       const CepLayerNorm *ln,
                       CepView             x,
                       CepView             dy,
                       CepView             dx)
{
  gsize size = (gsize) rows * cols;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_LAYERNORM_BACKWARD_DX);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (x, size),
    CEP_VULKAN_IN (dy, size),
    CEP_VULKAN_OUT (dx, size),
    CEP_VULKAN_IN (ln->saved_mean, rows),
    CEP_VULKAN_IN (ln->saved_invstd, rows),
    CEP_VULKAN_IN (ln->gamma, cols),
  };
  struct { guint32 offsets[6], rows, cols, has_gamma; } push = {
    .rows = rows, .cols = cols, .has_gamma = cep_view_is_set (ln->gamma),
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, row_groups (rows), 1);
}

static void
vulkan_layernorm_backward (CepBackend  *backend,
                           guint        rows,
                           guint        cols,
                           CepLayerNorm ln,
                           CepView      x,
                           CepView      dy,
                           CepView      dx,
                           CepView      dgamma,
                           CepView      dbeta)
{
  if (rows == 0)
    return;
  if (cep_view_is_set (dgamma) || cep_view_is_set (dbeta))
    layernorm_backward_params (backend, rows, cols, &ln, x, dy, dgamma, dbeta);
  layernorm_backward_dx (backend, rows, cols, &ln, x, dy, dx);
}

void
_cep_vulkan_fill_layernorm_ops (CepBackendOps *ops)
{
  ops->layernorm_forward = vulkan_layernorm_forward;
  ops->layernorm_backward = vulkan_layernorm_backward;
}
