/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-backend-vulkan.c: the "vulkan" backend — construction and teardown, buffers, and the
 * device-error state.
 *
 * Owns the backend's life cycle (loader → instance → device → memory → recording →
 * pipelines, undone in reverse), the CepBuffer slots (zeroed on creation by a recorded fill,
 * uploads and downloads through cep-vulkan-stream.c) and the sticky first error. It must not
 * compute anything: operations live in cep-vulkan-ops*.c.
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include "cep-vulkan-private.h"

#define SCRATCH_WORDS 4096

/* Errors */

const char *
_cep_vulkan_result_string (VkResult result)
{
  switch (result)
    {
    case VK_SUCCESS:
      return "success";
    case VK_ERROR_OUT_OF_HOST_MEMORY:
      return "out of host memory";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
      return "out of device memory";
    case VK_ERROR_INITIALIZATION_FAILED:
      return "initialization failed";
    case VK_ERROR_DEVICE_LOST:
      return "device lost";
    case VK_ERROR_LAYER_NOT_PRESENT:
      return "layer not present";
    case VK_ERROR_EXTENSION_NOT_PRESENT:
      return "extension not present";
    case VK_ERROR_FEATURE_NOT_PRESENT:
      return "feature not present";
    case VK_ERROR_INCOMPATIBLE_DRIVER:
      return "incompatible driver";
    case VK_ERROR_TOO_MANY_OBJECTS:
      return "too many objects";
    case VK_ERROR_OUT_OF_POOL_MEMORY:
      return "out of pool memory";
    case VK_TIMEOUT:
      return "timeout";
    default:
      return "error";
    }
}

void
_cep_vulkan_fail (CepVulkanContext *ctx,
                  const char       *format,
                  ...)
{
  va_list args;

  if (ctx->error != NULL)
    return;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  ctx->error = g_error_new_literal (CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED, message);
  g_message ("%s", message);
}

gboolean
_cep_vulkan_check (CepVulkanContext *ctx,
                   VkResult          result,
                   const char       *what)
{
  if (result == VK_SUCCESS)
    return TRUE;
  _cep_vulkan_fail (ctx, "vulkan: %s failed on %s: %s (VkResult %d)", what,
                    ctx->properties.deviceName, _cep_vulkan_result_string (result), result);
  return FALSE;
}

gboolean
_cep_vulkan_failed (CepVulkanContext *ctx)
{
  return ctx->error != NULL;
}

/* Buffers */

static gboolean
vulkan_buffer_init (CepBackend *backend,
                    CepBuffer  *buffer,
                    GError    **error)
{
  CepVulkanContext *ctx = cep_vulkan_context (backend);
  CepVulkanAllocation *allocation = g_new0 (CepVulkanAllocation, 1);
  gsize n_words = MAX (buffer->n_words, 1);

  if (n_words > G_MAXUINT64 / 8 || !_cep_vulkan_allocate (ctx, n_words * 4, allocation, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_NO_MEMORY,
                     "vulkan: a buffer of %" G_GSIZE_FORMAT " words is too large", n_words);
      g_free (allocation);
      return FALSE;
    }
  buffer->device = allocation;
  _cep_vulkan_fill_words (ctx, cep_view (buffer, 0), n_words, 0);
  return TRUE;
}

static void
vulkan_buffer_clear (CepBackend *backend,
                     CepBuffer  *buffer)
{
  _cep_vulkan_release (cep_vulkan_context (backend), buffer->device);
  g_clear_pointer (&buffer->device, g_free);
}

static void
vulkan_upload (CepBackend *backend,
               CepBuffer  *buffer,
               gsize       offset,
               const void *data,
               gsize       n_words)
{
  _cep_vulkan_upload (cep_vulkan_context (backend), buffer, offset, data, n_words);
}

static void
vulkan_download (CepBackend *backend,
                 CepBuffer  *buffer,
                 gsize       offset,
                 void       *data,
                 gsize       n_words)
{
  _cep_vulkan_download (cep_vulkan_context (backend), buffer, offset, data, n_words);
}

static void
vulkan_synchronize (CepBackend *backend)
{
  _cep_vulkan_wait_idle (cep_vulkan_context (backend));
}

CepBuffer *
_cep_vulkan_internal_buffer (CepBackend *backend,
                             gsize       n_words,
                             GError    **error)
{
  CepBuffer *buffer = g_new0 (CepBuffer, 1);

  buffer->backend = backend;
  buffer->n_words = n_words;
  if (!vulkan_buffer_init (backend, buffer, error))
    g_clear_pointer (&buffer, g_free);
  return buffer;
}

void
_cep_vulkan_internal_buffer_free (CepBuffer *buffer)
{
  if (buffer == NULL)
    return;
  vulkan_buffer_clear (buffer->backend, buffer);
  g_free (buffer);
}

CepBuffer *
_cep_vulkan_scratch (CepBackend *backend,
                     gsize       n_words)
{
  CepVulkanContext *ctx = cep_vulkan_context (backend);
  g_autoptr (GError) error = NULL;

  if (ctx->scratch != NULL && ctx->scratch->n_words >= n_words)
    return ctx->scratch;
  CepBuffer *bigger = _cep_vulkan_internal_buffer (backend, MAX (n_words, 2 * SCRATCH_WORDS),
                                                   &error);
  if (bigger == NULL)
    {
      _cep_vulkan_fail (ctx, "%s", error->message);
      return NULL;
    }
  /* Commands recorded before still use the old range: it is only returned to the free list,
   * and later users of it are ordered after them by the barriers. */
  _cep_vulkan_internal_buffer_free (ctx->scratch);
  ctx->scratch = bigger;
  return bigger;
}

/* Construction */

static void
context_free (CepVulkanContext *ctx)
{
  if (ctx->device != VK_NULL_HANDLE)
    _cep_vulkan_wait_idle (ctx);
  g_clear_pointer (&ctx->scratch, _cep_vulkan_internal_buffer_free);
  g_clear_pointer (&ctx->dummy, _cep_vulkan_internal_buffer_free);
  _cep_vulkan_pipelines_clear (ctx);
  _cep_vulkan_stream_clear (ctx);
  _cep_vulkan_memory_clear (ctx);
  _cep_vulkan_destroy_device (ctx);
  g_clear_error (&ctx->error);
  g_free (ctx->forced_gemm_tile);
  g_free (ctx);
}

static void
vulkan_destroy (CepBackend *backend)
{
  context_free (cep_vulkan_context (backend));
  backend->context = NULL;
}

static const CepBackendOps *
vulkan_ops (void)
{
  static CepBackendOps ops;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      ops.buffer_init = vulkan_buffer_init;
      ops.buffer_clear = vulkan_buffer_clear;
      ops.upload = vulkan_upload;
      ops.download = vulkan_download;
      ops.synchronize = vulkan_synchronize;
      ops.destroy = vulkan_destroy;
      _cep_vulkan_fill_vector_ops (&ops);
      _cep_vulkan_fill_gemm_ops (&ops);
      _cep_vulkan_fill_layer_ops (&ops);
      _cep_vulkan_fill_layernorm_ops (&ops);
      _cep_vulkan_fill_output_ops (&ops);
      _cep_vulkan_fill_gather_ops (&ops);
      _cep_vulkan_fill_time_ops (&ops);
      g_once_init_leave (&initialized, 1);
    }
  return &ops;
}

static gboolean
context_open (CepBackend             *backend,
              CepVulkanContext       *ctx,
              const CepVulkanOptions *options,
              GError                **error)
{
  if (!_cep_vulkan_open_loader (&ctx->vk, &ctx->library, error) ||
      !_cep_vulkan_create_instance (ctx, options->validation, error) ||
      !_cep_vulkan_create_device (ctx, options->device, error) ||
      !_cep_vulkan_memory_init (ctx, error) ||
      !_cep_vulkan_stream_init (ctx, error) ||
      !_cep_vulkan_pipelines_init (ctx, error))
    return FALSE;
  ctx->dummy = _cep_vulkan_internal_buffer (backend, 4, error);
  return ctx->dummy != NULL;
}

static gboolean
vulkan_setup (CepBackend             *backend,
              const CepVulkanOptions *options,
              GError                **error)
{
  CepVulkanContext *ctx = g_new0 (CepVulkanContext, 1);

  backend->context = ctx;
  backend->ops = vulkan_ops ();
  backend->host_memory = FALSE;
  if (!context_open (backend, ctx, options, error))
    {
      context_free (ctx);
      backend->context = NULL;
      return FALSE;
    }
  ctx->forced_gemm_tile = g_strdup (g_getenv ("CEPSTRA_VULKAN_GEMM_TILE"));
  const char *splits = g_getenv ("CEPSTRA_VULKAN_GEMM_SPLITS");
  ctx->forced_gemm_splits = splits != NULL ? (guint) MIN (g_ascii_strtoull (splits, NULL, 10),
                                                          64) : 0;
  backend->threads = 1;
  backend->description = _cep_vulkan_describe_device (ctx);
  backend->device_name = g_strdup (ctx->properties.deviceName);
  return TRUE;
}

gboolean
_cep_backend_vulkan_setup (CepBackend              *backend,
                           const CepBackendOptions *options,
                           GError                 **error)
{
  CepVulkanOptions vulkan_options = {
    options != NULL ? options->device : NULL, CEP_VULKAN_VALIDATION_NONE
  };

  return vulkan_setup (backend, &vulkan_options, error);
}

CepBackend *
cep_backend_vulkan_new (const CepVulkanOptions *options,
                        GError                **error)
{
  CepVulkanOptions defaults = { NULL, CEP_VULKAN_VALIDATION_NONE };
  CepBackend *backend;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  backend = g_new0 (CepBackend, 1);
  backend->name = g_strdup ("vulkan");
  if (!vulkan_setup (backend, options != NULL ? options : &defaults, error))
    {
      g_free (backend->name);
      g_free (backend);
      return NULL;
    }
  return backend;
}

/* Queries */

CepVulkanContext *
_cep_vulkan_context_of (CepBackend *backend)
{
  g_return_val_if_fail (backend != NULL, NULL);
  g_return_val_if_fail (backend->ops == vulkan_ops (), NULL);
  return cep_vulkan_context (backend);
}

gboolean
cep_backend_vulkan_check (CepBackend *backend,
                          GError    **error)
{
  CepVulkanContext *ctx = _cep_vulkan_context_of (backend);

  g_return_val_if_fail (ctx != NULL, FALSE);
  if (ctx->error == NULL)
    return TRUE;
  g_propagate_error (error, g_error_copy (ctx->error));
  return FALSE;
}

guint
cep_backend_vulkan_get_validation_messages (CepBackend *backend)
{
  CepVulkanContext *ctx = _cep_vulkan_context_of (backend);

  return ctx != NULL ? ctx->validation_messages : 0;
}

guint64
cep_backend_vulkan_get_device_bytes (CepBackend *backend,
                                     guint      *n_allocations)
{
  CepVulkanContext *ctx = _cep_vulkan_context_of (backend);

  if (n_allocations != NULL)
    *n_allocations = ctx != NULL ? ctx->blocks->len : 0;
  return ctx != NULL ? ctx->device_bytes : 0;
}

guint64
cep_backend_vulkan_get_heap_bytes (CepBackend *backend)
{
  CepVulkanContext *ctx = _cep_vulkan_context_of (backend);
  guint32 heap;

  if (ctx == NULL)
    return 0;
  heap = ctx->memory_properties.memoryTypes[ctx->device_memory_type].heapIndex;
  return ctx->memory_properties.memoryHeaps[heap].size;
}

guint64
cep_backend_vulkan_get_submits (CepBackend *backend)
{
  CepVulkanContext *ctx = _cep_vulkan_context_of (backend);

  return ctx != NULL ? ctx->submits : 0;
}

void
cep_backend_vulkan_inject_error (CepBackend *backend,
                                 gint        vk_result)
{
  CepVulkanContext *ctx = _cep_vulkan_context_of (backend);

  if (ctx != NULL)
    _cep_vulkan_check (ctx, (VkResult) vk_result, "a simulated device call");
}
