/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-ops-gather.c: context windows gathered from a resident frame store
 * (shaders/gather-windows.comp), and the limits a caller needs to place such a store: the
 * largest tensor one kernel can bind and the device memory still free.
 *
 * A store larger than one binding is the caller's to split (CepNetwork keeps it in pieces cut
 * at utterance boundaries); here one dispatch binds one piece whole. It must not change what
 * the operation computes (cep-backend.h and the ref backend define that).
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include "cep-vulkan-private.h"

/* Output floats per dispatch: the shader indexes them with 32-bit unsigned integers. */
#define MAX_DISPATCH_FLOATS ((gsize) 1 << 31)

static void
gather_dispatch (CepBackend    *backend,
                 guint          n,
                 CepGatherShape shape,
                 CepView        store,
                 gsize          store_rows,
                 CepView        samples,
                 CepView        out,
                 guint          out_rows)
{
  gsize window_floats = (gsize) shape.window_frames * shape.dim;
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_GATHER_WINDOWS);
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (store, store_rows * shape.dim),
    CEP_VULKAN_IN (samples, (gsize) n * shape.sample_words),
    CEP_VULKAN_OUT (out, out_rows * window_floats),
  };
  struct
  {
    guint32 offsets[3], n, dim;
    gint32  window_start;
    guint32 window_frames, sample_words, store_rows, out_rows;
  } push = {
    .n = n, .dim = shape.dim, .window_start = shape.window_start,
    .window_frames = shape.window_frames, .sample_words = shape.sample_words,
    .store_rows = (guint32) store_rows, .out_rows = out_rows,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push,
                        _cep_vulkan_groups ((gsize) n * window_floats, 256), 1);
}

static void
vulkan_gather_windows (CepBackend    *backend,
                       guint          n,
                       CepGatherShape shape,
                       CepView        store,
                       gsize          store_rows,
                       CepView        samples,
                       CepView        out,
                       guint          out_rows)
{
  gsize window_floats = (gsize) shape.window_frames * shape.dim;
  guint per_dispatch = (guint) MAX (MIN (MAX_DISPATCH_FLOATS / window_floats, G_MAXUINT), 1);

  for (guint start = 0; start < n; start += per_dispatch)
    gather_dispatch (backend, MIN (per_dispatch, n - start), shape, store, store_rows,
                     cep_view_at (samples, (gsize) start * shape.sample_words), out, out_rows);
}

static gsize
vulkan_max_tensor_words (CepBackend *backend)
{
  CepVulkanContext *ctx = cep_vulkan_context (backend);
  gsize allocation_words = (gsize) MIN (ctx->max_allocation / 4, (VkDeviceSize) G_MAXSIZE);

  return MIN (_cep_vulkan_chunk_words (ctx), allocation_words / 32 * 32);
}

/* The heap of device memory less what the backend's blocks hold. A test aid,
 * CEPSTRA_VULKAN_MEMORY_AVAILABLE (bytes), lowers it so a fallback shows on small data. */
static guint64
vulkan_memory_available (CepBackend *backend)
{
  CepVulkanContext *ctx = cep_vulkan_context (backend);
  guint32 heap = ctx->memory_properties.memoryTypes[ctx->device_memory_type].heapIndex;
  guint64 size = ctx->memory_properties.memoryHeaps[heap].size;
  guint64 available = size > ctx->device_bytes ? size - ctx->device_bytes : 0;
  const char *limit = g_getenv ("CEPSTRA_VULKAN_MEMORY_AVAILABLE");
  guint64 bytes;

  if (limit != NULL && g_ascii_string_to_unsigned (limit, 10, 0, G_MAXUINT64, &bytes, NULL))
    available = MIN (available, bytes);
  return available;
}

void
_cep_vulkan_fill_gather_ops (CepBackendOps *ops)
{
  ops->gather_windows = vulkan_gather_windows;
  ops->max_tensor_words = vulkan_max_tensor_words;
  ops->memory_available = vulkan_memory_available;
}
