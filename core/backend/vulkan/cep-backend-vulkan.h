/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-backend-vulkan.h: the Vulkan compute backend — CepBackend on a GPU (or any Vulkan
 * device), with the device choice, validation and device-error reporting that only this
 * backend has.
 *
 * cep_backend_new ("vulkan") picks a device by itself: CEPSTRA_VULKAN_DEVICE (an index into
 * cep_backend_vulkan_list_devices() or part of a device name, case-insensitive) when set,
 * otherwise the best kind present — discrete GPU, then integrated, virtual, CPU (lavapipe).
 * The loader library is opened at run time, so a machine without Vulkan gets a GError
 * (CEP_BACKEND_ERROR_FAILED) that callers answer by falling back to "blas". CEPSTRA_VULKAN_
 * LIBRARY names another loader library (tests use it to simulate a missing loader).
 *
 * Device errors (device lost, out of memory during a step) cannot be returned by the
 * operations themselves: the first one is kept, every later operation is skipped, downloads
 * then yield NaN words, and cep_backend_vulkan_check() returns the error so the caller ends
 * the run with its message.
 */
#pragma once

#include "cep-backend.h"

G_BEGIN_DECLS

typedef enum
{
  CEP_VULKAN_VALIDATION_NONE,
  CEP_VULKAN_VALIDATION_STANDARD,       /* VK_LAYER_KHRONOS_validation, messages counted */
  CEP_VULKAN_VALIDATION_GPU_ASSISTED,   /* the same plus GPU-assisted checks (bounds) */
} CepVulkanValidation;

typedef struct
{
  const char         *device;       /* NULL: CEPSTRA_VULKAN_DEVICE or the best device */
  CepVulkanValidation validation;   /* needs the layer installed, else the backend fails */
} CepVulkanOptions;

/* One device as cep_backend_vulkan_list_devices() reports it. */
typedef struct
{
  guint  index;
  char  *name;         /* "NVIDIA H100 80GB HBM3", "llvmpipe (LLVM 15.0.6, 256 bits)" */
  char  *kind;         /* "discrete", "integrated", "virtual", "cpu", "other" */
  guint  api_version;  /* VK_MAKE_API_VERSION */
  gboolean usable;     /* has a compute queue and Vulkan >= 1.1 */
} CepVulkanDevice;

void        cep_vulkan_device_free              (CepVulkanDevice        *device);

/* Every Vulkan device in enumeration order (the order indices refer to); an empty array when
 * the loader finds none, NULL with @error when there is no loader at all. */
GPtrArray  *cep_backend_vulkan_list_devices     (GError                **error);

/* A "vulkan" backend with explicit @options (may be NULL: as cep_backend_new). */
CepBackend *cep_backend_vulkan_new              (const CepVulkanOptions *options,
                                                 GError                **error);

/* FALSE, with the first device error, once the device failed. */
gboolean    cep_backend_vulkan_check            (CepBackend             *backend,
                                                 GError                **error);

/* Validation messages (any severity above info) received so far; with validation on, each
 * one is also logged as a warning, which a test run makes fatal. */
guint       cep_backend_vulkan_get_validation_messages (CepBackend      *backend);

/* Memory the backend holds in device allocations (bytes), and their count. */
guint64     cep_backend_vulkan_get_device_bytes (CepBackend             *backend,
                                                 guint                  *n_allocations);

/* The size of the memory heap buffers are allocated from (bytes). */
guint64     cep_backend_vulkan_get_heap_bytes   (CepBackend             *backend);

/* Command buffers submitted so far (for tests of the one-submit-per-step contract). */
guint64     cep_backend_vulkan_get_submits      (CepBackend             *backend);

/* One line of a profile: a shader (by its file name) or a transfer, the device seconds charged
 * to it and how many commands it recorded. */
typedef struct
{
  const char *name;
  double      seconds;
  guint64     count;
} CepVulkanProfileItem;

/* Switches timestamp profiling on (clearing what was counted) or off. FALSE where the
 * device's compute queue has no timestamps. */
gboolean    cep_backend_vulkan_set_profiling    (CepBackend             *backend,
                                                 gboolean                enabled,
                                                 GError                **error);
/* Waits for the device, then returns what was counted since profiling was switched on, the
 * longest first (CepVulkanProfileItem; empty when off), and the host's seconds spent waiting
 * for the device. */
GArray     *cep_backend_vulkan_get_profile      (CepBackend             *backend,
                                                 double                 *host_wait_seconds);
/* The device's fp32 peak in GFLOP/s, measured with independent multiply-add chains. */
double      cep_backend_vulkan_measure_peak     (CepBackend             *backend,
                                                 GError                **error);

/* Tests only: behave as if the device had just returned @vk_result (a VkResult such as
 * VK_ERROR_DEVICE_LOST = -4). */
void        cep_backend_vulkan_inject_error     (CepBackend             *backend,
                                                 gint                    vk_result);

/* The constructor cep_backend_new() calls (cep-backend-private.h's convention). */
gboolean    _cep_backend_vulkan_setup           (CepBackend              *backend,
                                                 const CepBackendOptions *options,
                                                 GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepVulkanDevice, cep_vulkan_device_free)

G_END_DECLS
