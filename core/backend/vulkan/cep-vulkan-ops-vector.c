/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-ops-vector.c: the operations on flat vectors — fill, copy, scale, axpy, the
 * optimizer steps, and the gradient-norm pair (sum of squares, clip).
 *
 * Fills and copies are transfer commands; the rest are one elementwise kernel per piece of
 * at most one binding (cep_vulkan_for_chunks), so an optimizer step over any parameter count
 * works on devices with small binding limits. It must not change what an operation computes
 * (cep-backend.h and the ref backend define that).
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include <string.h>

#include "cep-vulkan-private.h"

/* Workgroups of the first stage of a sum; its partials fit the scratch buffer. */
#define MAX_PARTIALS 1024

static guint
elementwise_groups (gsize n)
{
  return _cep_vulkan_groups (n, 256);
}

static void
vulkan_fill (CepBackend *backend,
             gsize       n,
             float       value,
             CepView     dst)
{
  guint32 bits;

  memcpy (&bits, &value, sizeof bits);
  _cep_vulkan_fill_words (cep_vulkan_context (backend), dst, n, bits);
}

static void
vulkan_copy (CepBackend *backend,
             gsize       n,
             CepView     src,
             CepView     dst)
{
  _cep_vulkan_copy_words (cep_vulkan_context (backend), src, dst, n);
}

/* scale */

typedef struct
{
  float   alpha;
  CepView x;
} ScaleJob;

static void
scale_chunk (CepBackend *backend,
             gsize       start,
             gsize       count,
             gpointer    data)
{
  ScaleJob *job = data;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_SCALE);
  CepVulkanArg args[] = { CEP_VULKAN_OUT (cep_view_at (job->x, start), count) };
  struct { guint32 off_x, n; float alpha; } push = { .n = (guint32) count, .alpha = job->alpha };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, elementwise_groups (count), 1);
}

static void
vulkan_scale (CepBackend *backend,
              gsize       n,
              float       alpha,
              CepView     x)
{
  ScaleJob job = { alpha, x };

  _cep_vulkan_for_chunks (backend, n, scale_chunk, &job);
}

/* axpy */

typedef struct
{
  float   alpha;
  CepView x, y;
} AxpyJob;

static void
axpy_chunk (CepBackend *backend,
            gsize       start,
            gsize       count,
            gpointer    data)
{
  AxpyJob *job = data;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_AXPY);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (cep_view_at (job->x, start), count),
    CEP_VULKAN_OUT (cep_view_at (job->y, start), count),
  };
  struct { guint32 off_x, off_y, n; float alpha; } push = {
    .n = (guint32) count, .alpha = job->alpha,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, elementwise_groups (count), 1);
}

static void
vulkan_axpy (CepBackend *backend,
             gsize       n,
             float       alpha,
             CepView     x,
             CepView     y)
{
  AxpyJob job = { alpha, x, y };

  _cep_vulkan_for_chunks (backend, n, axpy_chunk, &job);
}

/* Adam */

typedef struct
{
  const CepAdamScalars *s;
  CepView               param, grad, m, v;
} AdamJob;

static void
adam_chunk (CepBackend *backend,
            gsize       start,
            gsize       count,
            gpointer    data)
{
  AdamJob *job = data;
  const CepAdamScalars *s = job->s;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_ADAM);
  CepVulkanArg args[] = {
    CEP_VULKAN_OUT (cep_view_at (job->param, start), count),
    CEP_VULKAN_IN (cep_view_at (job->grad, start), count),
    CEP_VULKAN_OUT (cep_view_at (job->m, start), count),
    CEP_VULKAN_OUT (cep_view_at (job->v, start), count),
  };
  struct
  {
    guint32 offsets[4], n;
    float   lr_decay, weight_decay, beta1, one_minus_beta1, beta2, one_minus_beta2,
            bias_correction2_sqrt, eps, neg_step_size;
  } push = {
    .n = (guint32) count, .lr_decay = s->lr_decay, .weight_decay = s->weight_decay,
    .beta1 = s->beta1, .one_minus_beta1 = s->one_minus_beta1, .beta2 = s->beta2,
    .one_minus_beta2 = s->one_minus_beta2, .bias_correction2_sqrt = s->bias_correction2_sqrt,
    .eps = s->eps, .neg_step_size = s->neg_step_size,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, elementwise_groups (count), 1);
}

static void
vulkan_adam_step (CepBackend    *backend,
                  gsize          n,
                  CepAdamScalars s,
                  CepView        param,
                  CepView        grad,
                  CepView        m,
                  CepView        v)
{
  AdamJob job = { &s, param, grad, m, v };

  _cep_vulkan_for_chunks (backend, n, adam_chunk, &job);
}

/* SGD */

typedef struct
{
  const CepSgdScalars *s;
  CepView              param, grad, momentum_buffer;
} SgdJob;

static void
sgd_chunk (CepBackend *backend,
           gsize       start,
           gsize       count,
           gpointer    data)
{
  SgdJob *job = data;
  const CepSgdScalars *s = job->s;
  gboolean has_buffer = cep_view_is_set (job->momentum_buffer);
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_SGD);
  CepVulkanArg args[] = {
    CEP_VULKAN_OUT (cep_view_at (job->param, start), count),
    CEP_VULKAN_IN (cep_view_at (job->grad, start), count),
    CEP_VULKAN_OUT (has_buffer ? cep_view_at (job->momentum_buffer, start) : CEP_VIEW_NONE,
                    count),
  };
  struct
  {
    guint32 offsets[3], n;
    float   weight_decay, momentum, one_minus_dampening, neg_lr;
    guint32 nesterov, first_step, has_buffer;
  } push = {
    .n = (guint32) count, .weight_decay = s->weight_decay, .momentum = s->momentum,
    .one_minus_dampening = s->one_minus_dampening, .neg_lr = s->neg_lr,
    .nesterov = s->nesterov != FALSE, .first_step = s->first_step != FALSE,
    .has_buffer = has_buffer,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, elementwise_groups (count), 1);
}

static void
vulkan_sgd_step (CepBackend   *backend,
                 gsize         n,
                 CepSgdScalars s,
                 CepView       param,
                 CepView       grad,
                 CepView       momentum_buffer)
{
  SgdJob job = { &s, param, grad, momentum_buffer };

  _cep_vulkan_for_chunks (backend, n, sgd_chunk, &job);
}

/* Gradient norm */

static void
sum_squares_chunk (CepBackend *backend,
                   gsize       start,
                   gsize       count,
                   gpointer    data)
{
  CepView *views = data;   /* x, sum */
  guint groups = MIN (_cep_vulkan_groups (count, 256 * 16), MAX_PARTIALS);
  CepBuffer *scratch = _cep_vulkan_scratch (backend, MAX_PARTIALS);
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_SUM_SQUARES);

  if (scratch == NULL)
    return;
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (cep_view_at (views[0], start), count),
    CEP_VULKAN_OUT (cep_view (scratch, 0), groups),
  };
  struct { guint32 off_x, off_partials, n; } push = { .n = (guint32) count };
  _cep_vulkan_dispatch (backend, &kernel, args, &push, groups, 1);
  _cep_vulkan_reduce_add (backend, cep_view (scratch, 0), groups, views[1]);
}

static void
vulkan_sum_squares (CepBackend *backend,
                    gsize       n,
                    CepView     x,
                    CepView     sum)
{
  CepView views[] = { x, sum };

  _cep_vulkan_for_chunks (backend, n, sum_squares_chunk, views);
}

typedef struct
{
  CepView sum_squares;
  float   max_norm;
  CepView x;
} ClipJob;

static void
clip_chunk (CepBackend *backend,
            gsize       start,
            gsize       count,
            gpointer    data)
{
  ClipJob *job = data;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_CLIP_SCALE);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (job->sum_squares, 1),
    CEP_VULKAN_OUT (cep_view_at (job->x, start), count),
  };
  struct { guint32 off_sum, off_x, n; float max_norm; } push = {
    .n = (guint32) count, .max_norm = job->max_norm,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, elementwise_groups (count), 1);
}

static void
vulkan_clip_scale (CepBackend *backend,
                   gsize       n,
                   CepView     sum_squares,
                   float       max_norm,
                   CepView     x)
{
  ClipJob job = { sum_squares, max_norm, x };

  _cep_vulkan_for_chunks (backend, n, clip_chunk, &job);
}

void
_cep_vulkan_fill_vector_ops (CepBackendOps *ops)
{
  ops->fill = vulkan_fill;
  ops->copy = vulkan_copy;
  ops->scale = vulkan_scale;
  ops->axpy = vulkan_axpy;
  ops->adam_step = vulkan_adam_step;
  ops->sgd_step = vulkan_sgd_step;
  ops->sum_squares = vulkan_sum_squares;
  ops->clip_scale = vulkan_clip_scale;
}
