/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-profile.c: where a step's device time goes, and the device's arithmetic peak.
 *
 * Profiling (off unless asked for): every recorded command is followed by a timestamp, so the
 * time between two timestamps is charged to the command between them — a dispatch by its
 * shader's name, or a transfer (upload, download, fill, copy). Commands are ordered by
 * barriers where they depend on each other, so the charges are exact for a step's chain of
 * dependent dispatches and approximate where independent ones overlap. The host's time spent
 * waiting on fences is counted beside them: wall time minus device time minus waits is the
 * host's own recording and copying. The peak is measured by shaders/peak-fma.comp.
 * It must not change what any command computes.
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include "cep-vulkan-private.h"

#define QUERIES_PER_FRAME (CEP_VULKAN_FLUSH_COMMANDS + 64)

static const char *const transfer_names[] = {
  [CEP_VULKAN_MARK_UPLOAD - CEP_N_SHADERS] = "upload",
  [CEP_VULKAN_MARK_DOWNLOAD - CEP_N_SHADERS] = "download",
  [CEP_VULKAN_MARK_FILL - CEP_N_SHADERS] = "fill",
  [CEP_VULKAN_MARK_COPY - CEP_N_SHADERS] = "copy",
};

struct _CepVulkanProfile
{
  VkQueryPool pools[CEP_VULKAN_FRAMES];
  guint16     labels[CEP_VULKAN_FRAMES][QUERIES_PER_FRAME];
  guint       n_queries[CEP_VULKAN_FRAMES];
  double      seconds[CEP_VULKAN_N_MARKS];
  guint64     counts[CEP_VULKAN_N_MARKS];
  double      host_wait_seconds;
  double      period_ns;
};

static double
monotonic_seconds (void)
{
  return g_get_monotonic_time () * 1e-6;
}

static void
profile_free (CepVulkanContext *ctx,
              CepVulkanProfile *profile)
{
  for (guint i = 0; i < CEP_VULKAN_FRAMES; i++)
    if (profile->pools[i] != VK_NULL_HANDLE)
      ctx->vk.DestroyQueryPool (ctx->device, profile->pools[i], NULL);
  g_free (profile);
}

static gboolean
queue_has_timestamps (CepVulkanContext *ctx)
{
  guint32 n = 0;
  g_autofree VkQueueFamilyProperties *families = NULL;

  if (ctx->properties.limits.timestampPeriod <= 0)
    return FALSE;
  ctx->vk.GetPhysicalDeviceQueueFamilyProperties (ctx->physical, &n, NULL);
  families = g_new0 (VkQueueFamilyProperties, n);
  ctx->vk.GetPhysicalDeviceQueueFamilyProperties (ctx->physical, &n, families);
  return ctx->queue_family < n && families[ctx->queue_family].timestampValidBits > 0;
}

static CepVulkanProfile *
profile_new (CepVulkanContext *ctx,
             GError          **error)
{
  CepVulkanProfile *profile = g_new0 (CepVulkanProfile, 1);
  VkQueryPoolCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
    .queryType = VK_QUERY_TYPE_TIMESTAMP,
    .queryCount = QUERIES_PER_FRAME,
  };

  profile->period_ns = ctx->properties.limits.timestampPeriod;
  for (guint i = 0; i < CEP_VULKAN_FRAMES; i++)
    {
      VkResult result = ctx->vk.CreateQueryPool (ctx->device, &info, NULL, &profile->pools[i]);
      if (result != VK_SUCCESS)
        {
          g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                       "vulkan: cannot create timestamp queries (%s)",
                       _cep_vulkan_result_string (result));
          profile_free (ctx, profile);
          return NULL;
        }
    }
  return profile;
}

void
_cep_vulkan_profile_clear (CepVulkanContext *ctx)
{
  if (ctx->profile == NULL)
    return;
  profile_free (ctx, ctx->profile);
  ctx->profile = NULL;
}

gboolean
cep_backend_vulkan_set_profiling (CepBackend *backend,
                                  gboolean    enabled,
                                  GError    **error)
{
  CepVulkanContext *ctx = _cep_vulkan_context_of (backend);

  g_return_val_if_fail (ctx != NULL, FALSE);
  /* Frames recorded before the switch have no queries; let them finish first. */
  _cep_vulkan_wait_idle (ctx);
  _cep_vulkan_profile_clear (ctx);
  if (!enabled)
    return TRUE;
  if (!queue_has_timestamps (ctx))
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: %s has no timestamps on its compute queue",
                   ctx->properties.deviceName);
      return FALSE;
    }
  ctx->profile = profile_new (ctx, error);
  return ctx->profile != NULL;
}

void
_cep_vulkan_profile_begin_frame (CepVulkanContext *ctx,
                                 guint             frame)
{
  CepVulkanProfile *profile = ctx->profile;
  VkCommandBuffer cmd = ctx->frames[frame].cmd;

  if (profile == NULL)
    return;
  ctx->vk.CmdResetQueryPool (cmd, profile->pools[frame], 0, QUERIES_PER_FRAME);
  ctx->vk.CmdWriteTimestamp (cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, profile->pools[frame], 0);
  profile->n_queries[frame] = 1;
}

void
_cep_vulkan_profile_mark (CepVulkanContext *ctx,
                          guint             mark)
{
  CepVulkanProfile *profile = ctx->profile;
  guint frame = ctx->current;
  guint query;

  if (profile == NULL || profile->n_queries[frame] == 0 ||
      profile->n_queries[frame] >= QUERIES_PER_FRAME)
    return;
  query = profile->n_queries[frame]++;
  profile->labels[frame][query] = (guint16) mark;
  ctx->vk.CmdWriteTimestamp (ctx->frames[frame].cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT,
                             profile->pools[frame], query);
}

void
_cep_vulkan_profile_collect (CepVulkanContext *ctx,
                             guint             frame,
                             double            waited_seconds)
{
  CepVulkanProfile *profile = ctx->profile;
  guint n;
  guint64 stamps[QUERIES_PER_FRAME];

  if (profile == NULL)
    return;
  profile->host_wait_seconds += waited_seconds;
  n = profile->n_queries[frame];
  profile->n_queries[frame] = 0;
  if (n < 2 || ctx->vk.GetQueryPoolResults (ctx->device, profile->pools[frame], 0, n,
                                            sizeof stamps, stamps, sizeof (guint64),
                                            VK_QUERY_RESULT_64_BIT) != VK_SUCCESS)
    return;
  for (guint q = 1; q < n; q++)
    {
      guint mark = profile->labels[frame][q];
      guint64 delta = stamps[q] > stamps[q - 1] ? stamps[q] - stamps[q - 1] : 0;
      profile->seconds[mark] += delta * profile->period_ns * 1e-9;
      profile->counts[mark]++;
    }
}

static const char *
mark_name (guint mark)
{
  if (mark < CEP_N_SHADERS)
    return cep_vulkan_shaders[mark].name;
  return transfer_names[mark - CEP_N_SHADERS];
}

static gint
compare_items (gconstpointer a,
               gconstpointer b)
{
  const CepVulkanProfileItem *x = a, *y = b;

  return x->seconds < y->seconds ? 1 : x->seconds > y->seconds ? -1 : 0;
}

GArray *
cep_backend_vulkan_get_profile (CepBackend *backend,
                                double     *host_wait_seconds)
{
  CepVulkanContext *ctx = _cep_vulkan_context_of (backend);
  GArray *items = g_array_new (FALSE, FALSE, sizeof (CepVulkanProfileItem));

  g_return_val_if_fail (ctx != NULL, items);
  _cep_vulkan_wait_idle (ctx);
  if (host_wait_seconds != NULL)
    *host_wait_seconds = ctx->profile != NULL ? ctx->profile->host_wait_seconds : 0;
  if (ctx->profile == NULL)
    return items;
  for (guint mark = 0; mark < CEP_VULKAN_N_MARKS; mark++)
    if (ctx->profile->counts[mark] > 0)
      {
        CepVulkanProfileItem item = { mark_name (mark), ctx->profile->seconds[mark],
                                      ctx->profile->counts[mark] };
        g_array_append_val (items, item);
      }
  g_array_sort (items, compare_items);
  return items;
}

/* The peak */

#define PEAK_GROUPS 2048
#define PEAK_RUNS   5

static double
time_peak_dispatch (CepBackend *backend,
                    CepBuffer  *out,
                    guint       iterations)
{
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_PEAK_FMA);
  CepVulkanArg args[] = { CEP_VULKAN_OUT (cep_view (out, 0), (gsize) PEAK_GROUPS * 256) };
  struct { guint32 off_out, iterations; float scale; } push = { .iterations = iterations,
                                                                .scale = 0.999f };
  double start = monotonic_seconds ();

  _cep_vulkan_dispatch (backend, &kernel, args, &push, PEAK_GROUPS, 1);
  _cep_vulkan_wait_idle (cep_vulkan_context (backend));
  return monotonic_seconds () - start;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

double
cep_backend_vulkan_measure_peak (CepBackend *backend,
                                 GError    **error)
{
  CepVulkanContext *ctx = _cep_vulkan_context_of (backend);
  /* Enough rounds that the dispatch outlasts a submit by far: ~0.5 TFLOP on a GPU, a few
   * GFLOP on a CPU implementation. */
  guint iterations = ctx->properties.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU ? 2 : 1024;
  CepBuffer *out = cep_buffer_new (backend, (gsize) PEAK_GROUPS * 256, error);
  double times[PEAK_RUNS];

  if (out == NULL)
    return 0;
  time_peak_dispatch (backend, out, iterations);
  for (guint i = 0; i < PEAK_RUNS; i++)
    times[i] = time_peak_dispatch (backend, out, iterations);
  cep_buffer_free (out);
  if (!cep_backend_vulkan_check (backend, error))
    return 0;
  qsort (times, PEAK_RUNS, sizeof (double), compare_doubles);
  return 512.0 * iterations * PEAK_GROUPS * 256 / times[PEAK_RUNS / 2] * 1e-9;
}
