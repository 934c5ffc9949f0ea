/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-ops-time.c: convolution and pooling over time on the device — unfold and fold
 * (the convolution's GEMMs are cep-vulkan-ops-gemm.c's), max and average pooling — one
 * shader each (the conv1d-, max-pool1d- and avg-pool1d- shaders).
 *
 * It must not change what the operations compute (cep-backend.h and the ref backend define
 * that).
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include "cep-vulkan-private.h"

typedef struct
{
  guint32 rows, frames, channels, kernel, stride, dilation, pad_left, frames_out;
} ConvPush;

typedef struct
{
  guint32 rows, frames, channels, kernel, stride, frames_out;
} PoolPush;

static ConvPush
conv_push (guint          rows,
           CepConv1dShape s)
{
  return (ConvPush) { rows, s.frames, s.channels, s.kernel, s.stride, s.dilation, s.pad_left,
                      s.frames_out };
}

static PoolPush
pool_push (guint          rows,
           CepPool1dShape s)
{
  return (PoolPush) { rows, s.frames, s.channels, s.kernel, s.stride, s.frames_out };
}

static void
vulkan_conv1d_unfold (CepBackend    *backend,
                      guint          rows,
                      CepConv1dShape shape,
                      CepView        x,
                      CepView        cols)
{
  gsize cols_size = (gsize) rows * shape.frames_out * shape.channels * shape.kernel;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_CONV1D_UNFOLD);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (x, (gsize) rows * shape.frames * shape.channels),
    CEP_VULKAN_OUT (cols, cols_size),
  };
  struct { guint32 offsets[2]; ConvPush p; } push = { .p = conv_push (rows, shape) };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, _cep_vulkan_groups (cols_size, 256), 1);
}

static void
vulkan_conv1d_fold (CepBackend    *backend,
                    guint          rows,
                    CepConv1dShape shape,
                    CepView        cols,
                    CepView        dx)
{
  gsize dx_size = (gsize) rows * shape.frames * shape.channels;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_CONV1D_FOLD);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (cols, (gsize) rows * shape.frames_out * shape.channels * shape.kernel),
    CEP_VULKAN_OUT (dx, dx_size),
  };
  struct { guint32 offsets[2]; ConvPush p; } push = { .p = conv_push (rows, shape) };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, _cep_vulkan_groups (dx_size, 256), 1);
}

static void
vulkan_max_pool1d_forward (CepBackend    *backend,
                           guint          rows,
                           CepPool1dShape shape,
                           CepView        x,
                           CepView        y,
                           CepView        indices)
{
  gsize out_size = (gsize) rows * shape.frames_out * shape.channels;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_MAX_POOL1D_FORWARD);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (x, (gsize) rows * shape.frames * shape.channels),
    CEP_VULKAN_OUT (y, out_size),
    CEP_VULKAN_OUT (indices, out_size),
  };
  struct { guint32 offsets[3]; PoolPush p; } push = { .p = pool_push (rows, shape) };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, _cep_vulkan_groups (out_size, 256), 1);
}

static void
vulkan_max_pool1d_backward (CepBackend    *backend,
                            guint          rows,
                            CepPool1dShape shape,
                            CepView        indices,
                            CepView        dy,
                            CepView        dx)
{
  gsize out_size = (gsize) rows * shape.frames_out * shape.channels;
  gsize dx_size = (gsize) rows * shape.frames * shape.channels;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_MAX_POOL1D_BACKWARD);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (indices, out_size),
    CEP_VULKAN_IN (dy, out_size),
    CEP_VULKAN_OUT (dx, dx_size),
  };
  struct { guint32 offsets[3]; PoolPush p; } push = { .p = pool_push (rows, shape) };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, _cep_vulkan_groups (dx_size, 256), 1);
}

static void
vulkan_avg_pool1d_forward (CepBackend    *backend,
                           guint          rows,
                           CepPool1dShape shape,
                           CepView        x,
                           CepView        y)
{
  gsize out_size = (gsize) rows * shape.frames_out * shape.channels;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_AVG_POOL1D_FORWARD);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (x, (gsize) rows * shape.frames * shape.channels),
    CEP_VULKAN_OUT (y, out_size),
  };
  struct { guint32 offsets[2]; PoolPush p; } push = { .p = pool_push (rows, shape) };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, _cep_vulkan_groups (out_size, 256), 1);
}

static void
vulkan_avg_pool1d_backward (CepBackend    *backend,
                            guint          rows,
                            CepPool1dShape shape,
                            CepView        dy,
                            CepView        dx)
{
  gsize dx_size = (gsize) rows * shape.frames * shape.channels;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_AVG_POOL1D_BACKWARD);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (dy, (gsize) rows * shape.frames_out * shape.channels),
    CEP_VULKAN_OUT (dx, dx_size),
  };
  struct { guint32 offsets[2]; PoolPush p; } push = { .p = pool_push (rows, shape) };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, _cep_vulkan_groups (dx_size, 256), 1);
}

void
_cep_vulkan_fill_time_ops (CepBackendOps *ops)
{
  ops->conv1d_unfold = vulkan_conv1d_unfold;
  ops->conv1d_fold = vulkan_conv1d_fold;
  ops->max_pool1d_forward = vulkan_max_pool1d_forward;
  ops->max_pool1d_backward = vulkan_max_pool1d_backward;
  ops->avg_pool1d_forward = vulkan_avg_pool1d_forward;
  ops->avg_pool1d_backward = vulkan_avg_pool1d_backward;
}
