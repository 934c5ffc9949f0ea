/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-ops-output.c: dropout (with the CPU's Philox masks), softmax cross-entropy
 * forward and backward, and argmax with the correct count.
 *
 * Dropout passes the key's Philox counter words exactly as cep-backend-ref.c derives them,
 * and splits long tensors on mask words so every element keeps its global index. The loss
 * sum is a two-stage reduction (per-workgroup partials in the scratch buffer, then one
 * workgroup adds them), so no float atomics are needed. It must not change what an
 * operation computes.
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include "cep-rng.h"
#include "cep-vulkan-private.h"

#define MAX_PARTIALS 1024

/* Dropout */

typedef struct
{
  guint32       threshold;
  float         scale;
  CepDropoutKey key;
  CepView       x, y, mask;
} DropoutJob;

static void
dropout_forward_chunk (CepBackend *backend,
                       gsize       start,
                       gsize       count,
                       gpointer    data)
{
  DropoutJob *job = data;
  gsize words = CEP_DROPOUT_MASK_WORDS (count);
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_DROPOUT_FORWARD);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (cep_view_at (job->x, start), count),
    CEP_VULKAN_OUT (cep_view_at (job->y, start), count),
    CEP_VULKAN_OUT (cep_view_at (job->mask, start / 32), words),
  };
  struct
  {
    guint32 offsets[3], n, threshold;
    float   scale;
    guint32 key0, key1, c0, c1, c2, first_word;
  } push = {
    .n = (guint32) count, .threshold = job->threshold, .scale = job->scale,
    .key0 = (guint32) job->key.seed, .key1 = (guint32) (job->key.seed >> 32),
    .c0 = (guint32) job->key.step, .c1 = job->key.layer,
    .c2 = CEP_RNG_STREAM_DROPOUT | (((guint32) (job->key.step >> 32) & CEP_RNG_MAX_INDEX) << 8),
    .first_word = (guint32) (start / 32),
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, _cep_vulkan_groups (words, 256), 1);
}

static void
vulkan_dropout_forward (CepBackend   *backend,
                        gsize         n,
                        guint32       threshold,
                        float         scale,
                        CepDropoutKey key,
                        CepView       x,
                        CepView       y,
                        CepView       mask)
{
  DropoutJob job = { threshold, scale, key, x, y, mask };

  _cep_vulkan_for_chunks (backend, n, dropout_forward_chunk, &job);
}

static void
dropout_backward_chunk (CepBackend *backend,
                        gsize       start,
                        gsize       count,
                        gpointer    data)
{
  DropoutJob *job = data;   /* x = dy, y = dx */
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_DROPOUT_BACKWARD);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (cep_view_at (job->mask, start / 32), CEP_DROPOUT_MASK_WORDS (count)),
    CEP_VULKAN_IN (cep_view_at (job->x, start), count),
    CEP_VULKAN_OUT (cep_view_at (job->y, start), count),
  };
  struct { guint32 offsets[3], n; float scale; } push = {
    .n = (guint32) count, .scale = job->scale,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, _cep_vulkan_groups (count, 256), 1);
}

static void
vulkan_dropout_backward (CepBackend *backend,
                         gsize       n,
                         float       scale,
                         CepView     mask,
                         CepView     dy,
                         CepView     dx)
{
  DropoutJob job = { .scale = scale, .x = dy, .y = dx, .mask = mask };

  _cep_vulkan_for_chunks (backend, n, dropout_backward_chunk, &job);
}

/* Softmax cross-entropy */

static void
vulkan_softmax_ce_forward (CepBackend *backend,
                           guint       rows,
                           guint       classes,
                           float       smoothing,
                           CepView     logits,
                           CepView     labels,
                           CepView     loss_sum)
{
  guint groups = MIN (_cep_vulkan_groups (rows, 256), MAX_PARTIALS);
  CepBuffer *scratch = _cep_vulkan_scratch (backend, MAX_PARTIALS);
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_SOFTMAX_CE_FORWARD);

  if (scratch == NULL)
    return;
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (logits, (gsize) rows * classes),
    CEP_VULKAN_IN (labels, rows),
    CEP_VULKAN_OUT (cep_view (scratch, 0), groups),
  };
  struct { guint32 offsets[3], rows, classes; float smoothing; } push = {
    .rows = rows, .classes = classes, .smoothing = smoothing,
  };
  _cep_vulkan_dispatch (backend, &kernel, args, &push, groups, 1);
  _cep_vulkan_reduce_add (backend, cep_view (scratch, 0), groups, loss_sum);
}

static void
vulkan_softmax_ce_backward (CepBackend *backend,
                            guint       rows,
                            guint       classes,
                            float       smoothing,
                            float       grad_scale,
                            CepView     logits,
                            CepView     labels,
                            CepView     dlogits)
{
  gsize size = (gsize) rows * classes;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_SOFTMAX_CE_BACKWARD);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (logits, size),
    CEP_VULKAN_IN (labels, rows),
    CEP_VULKAN_OUT (dlogits, size),
  };
  struct { guint32 offsets[3], rows, classes; float smoothing, grad_scale; } push = {
    .rows = rows, .classes = classes, .smoothing = smoothing, .grad_scale = grad_scale,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, _cep_vulkan_groups (rows, 256), 1);
}

/* Argmax */

static void
vulkan_argmax (CepBackend *backend,
               guint       rows,
               guint       classes,
               CepView     logits,
               CepView     labels,
               CepView     predictions,
               CepView     correct)
{
  gboolean counting = cep_view_is_set (correct);
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_ARGMAX);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (logits, (gsize) rows * classes),
    CEP_VULKAN_IN (counting ? labels : CEP_VIEW_NONE, rows),
    CEP_VULKAN_OUT (predictions, rows),
    CEP_VULKAN_OUT (correct, 1),
  };
  struct { guint32 offsets[4], rows, classes, has_predictions, has_correct; } push = {
    .rows = rows, .classes = classes, .has_predictions = cep_view_is_set (predictions),
    .has_correct = counting,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, _cep_vulkan_groups (rows, 256), 1);
}

void
_cep_vulkan_fill_output_ops (CepBackendOps *ops)
{
  ops->dropout_forward = vulkan_dropout_forward;
  ops->dropout_backward = vulkan_dropout_backward;
  ops->softmax_ce_forward = vulkan_softmax_ce_forward;
  ops->softmax_ce_backward = vulkan_softmax_ce_backward;
  ops->argmax = vulkan_argmax;
}
