/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-ops-layers.c: the per-layer operations on [rows × cols] activations — fused
 * bias and activation (forward, backward with or without the bias gradient), column sums,
 * and batch normalization (training statistics, normalization, backward).
 *
 * Column reductions use one workgroup per 32 columns (shaders/common/columns.glsl); the
 * batch-norm backward needs its column sums before the elementwise pass, so they go through
 * the scratch buffer. It must not change what an operation computes.
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include "cep-vulkan-private.h"

#define COLUMNS_PER_GROUP 32

static guint
column_groups (guint cols)
{
  return _cep_vulkan_groups (cols, COLUMNS_PER_GROUP);
}

static guint
elementwise_groups (gsize n)
{
  return _cep_vulkan_groups (n, 256);
}

/* Bias and activation */

static void
vulkan_bias_act_forward (CepBackend   *backend,
                         guint         rows,
                         guint         cols,
                         CepActivation act,
                         float         slope,
                         CepView       bias,
                         CepView       pre,
                         CepView       out)
{
  gsize size = (gsize) rows * cols;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_BIAS_ACT_FORWARD);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (bias, cols),
    CEP_VULKAN_OUT (pre, size),
    CEP_VULKAN_OUT (out, size),
  };
  struct { guint32 offsets[3], rows, cols, act; float slope; guint32 has_bias; } push = {
    .rows = rows, .cols = cols, .act = act, .slope = slope,
    .has_bias = cep_view_is_set (bias),
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, elementwise_groups (size), 1);
}

static void
bias_act_backward_only (CepBackend   *backend,
                        gsize         size,
                        CepActivation act,
                        float         slope,
                        CepView       pre,
                        CepView       dy,
                        CepView       dpre)
{
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_BIAS_ACT_BACKWARD);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (pre, size),
    CEP_VULKAN_IN (dy, size),
    CEP_VULKAN_OUT (dpre, size),
  };
  struct { guint32 offsets[3], n, act; float slope; } push = {
    .n = (guint32) size, .act = act, .slope = slope,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, elementwise_groups (size), 1);
}

static void
vulkan_bias_act_backward (CepBackend   *backend,
                          guint         rows,
                          guint         cols,
                          CepActivation act,
                          float         slope,
                          CepView       pre,
                          CepView       dy,
                          CepView       dpre,
                          CepView       dbias)
{
  gsize size = (gsize) rows * cols;

  if (!cep_view_is_set (dbias))
    {
      if (size > 0)
        bias_act_backward_only (backend, size, act, slope, pre, dy, dpre);
      return;
    }
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_BIAS_ACT_BACKWARD_DBIAS);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (pre, size),
    CEP_VULKAN_IN (dy, size),
    CEP_VULKAN_OUT (dpre, size),
    CEP_VULKAN_OUT (dbias, cols),
  };
  struct { guint32 offsets[4], rows, cols, act; float slope; } push = {
    .rows = rows, .cols = cols, .act = act, .slope = slope,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, column_groups (cols), 1);
}

static void
vulkan_column_sums (CepBackend *backend,
                    guint       rows,
                    guint       cols,
                    CepView     x,
                    float       beta,
                    CepView     out)
{
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_COLUMN_SUMS);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (x, (gsize) rows * cols),
    CEP_VULKAN_OUT (out, cols),
  };
  struct { guint32 off_x, off_out, rows, cols; float beta; } push = {
    .rows = rows, .cols = cols, .beta = beta,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, column_groups (cols), 1);
}

/* Batch normalization */

/* y = (x − mean) · invstd · gamma + beta, with @scale the invstd (training) or the running
 * variance (evaluation). */
static void
batchnorm_apply (CepBackend         *backend,
                 guint               rows,
                 guint               cols,
                 const CepBatchNorm *bn,
                 gboolean            eval,
                 CepView             x,
                 CepView             y)
{
  gsize size = (gsize) rows * cols;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_BATCHNORM_APPLY);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (x, size),
    CEP_VULKAN_OUT (y, size),
    CEP_VULKAN_IN (eval ? bn->running_mean : bn->saved_mean, cols),
    CEP_VULKAN_IN (eval ? bn->running_var : bn->saved_invstd, cols),
    CEP_VULKAN_IN (bn->gamma, cols),
    CEP_VULKAN_IN (bn->beta, cols),
  };
  struct { guint32 offsets[6], rows, cols, has_gamma, has_beta, eval; float eps; } push = {
    .rows = rows, .cols = cols, .has_gamma = cep_view_is_set (bn->gamma),
    .has_beta = cep_view_is_set (bn->beta), .eval = eval, .eps = bn->eps,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, elementwise_groups (size), 1);
}

static void
vulkan_batchnorm_forward_train (CepBackend  *backend,
                                guint        rows,
                                guint        cols,
                                CepBatchNorm bn,
                                CepView      x,
                                CepView      y)
{
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_BATCHNORM_STATS);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (x, (gsize) rows * cols),
    CEP_VULKAN_OUT (bn.running_mean, cols),
    CEP_VULKAN_OUT (bn.running_var, cols),
    CEP_VULKAN_OUT (bn.saved_mean, cols),
    CEP_VULKAN_OUT (bn.saved_invstd, cols),
  };
  struct { guint32 offsets[5], rows, cols; float momentum, eps; } push = {
    .rows = rows, .cols = cols, .momentum = bn.momentum, .eps = bn.eps,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, column_groups (cols), 1);
  if (rows > 0)
    batchnorm_apply (backend, rows, cols, &bn, FALSE, x, y);
}

static void
vulkan_batchnorm_forward_eval (CepBackend  *backend,
                               guint        rows,
                               guint        cols,
                               CepBatchNorm bn,
                               CepView      x,
                               CepView      y)
{
  batchnorm_apply (backend, rows, cols, &bn, TRUE, x, y);
}

static void
batchnorm_backward_sums (CepBackend         *backend,
                         guint               rows,
                         guint               cols,
                         const CepBatchNorm *bn,
                         CepView             x,
                         CepView             dy,
                         CepView             dgamma,
                         CepView             dbeta,
                         CepView             sums)
{
  gsize size = (gsize) rows * cols;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_BATCHNORM_BACKWARD_SUMS);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (x, size),
    CEP_VULKAN_IN (dy, size),
    CEP_VULKAN_IN (bn->saved_mean, cols),
    CEP_VULKAN_IN (bn->saved_invstd, cols),
    CEP_VULKAN_OUT (dgamma, cols),
    CEP_VULKAN_OUT (dbeta, cols),
    CEP_VULKAN_OUT (sums, 2 * (gsize) cols),
  };
  struct { guint32 offsets[7], rows, cols, has_dgamma, has_dbeta; } push = {
    .rows = rows, .cols = cols, .has_dgamma = cep_view_is_set (dgamma),
    .has_dbeta = cep_view_is_set (dbeta),
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, column_groups (cols), 1);
}

static void
batchnorm_backward_dx (CepBackend         *backend,
                       guint               rows,
                       guint               cols,
                       const CepBatchNorm *bn,
                       CepView             x,
                       CepView             dy,
                       CepView             dx,
                       CepView             sums)
{
  gsize size = (gsize) rows * cols;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_BATCHNORM_BACKWARD_DX);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (x, size),
    CEP_VULKAN_IN (dy, size),
    CEP_VULKAN_OUT (dx, size),
    CEP_VULKAN_IN (bn->saved_mean, cols),
    CEP_VULKAN_IN (bn->saved_invstd, cols),
    CEP_VULKAN_IN (bn->gamma, cols),
    CEP_VULKAN_IN (sums, 2 * (gsize) cols),
  };
  struct { guint32 offsets[7], rows, cols, has_gamma; } push = {
    .rows = rows, .cols = cols, .has_gamma = cep_view_is_set (bn->gamma),
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, elementwise_groups (size), 1);
}

static void
vulkan_batchnorm_backward (CepBackend  *backend,
                           guint        rows,
                           guint        cols,
                           CepBatchNorm bn,
                           CepView      x,
                           CepView      dy,
                           CepView      dx,
                           CepView      dgamma,
                           CepView      dbeta)
{
  CepBuffer *scratch = _cep_vulkan_scratch (backend, 2 * (gsize) cols);

  if (scratch == NULL)
    return;
  batchnorm_backward_sums (backend, rows, cols, &bn, x, dy, dgamma, dbeta,
                           cep_view (scratch, 0));
  batchnorm_backward_dx (backend, rows, cols, &bn, x, dy, dx, cep_view (scratch, 0));
}

void
_cep_vulkan_fill_layer_ops (CepBackendOps *ops)
{
  ops->bias_act_forward = vulkan_bias_act_forward;
  ops->bias_act_backward = vulkan_bias_act_backward;
  ops->column_sums = vulkan_column_sums;
  ops->batchnorm_forward_train = vulkan_batchnorm_forward_train;
  ops->batchnorm_forward_eval = vulkan_batchnorm_forward_eval;
  ops->batchnorm_backward = vulkan_batchnorm_backward;
}
