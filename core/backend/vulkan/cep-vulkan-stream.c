/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-stream.c: command recording — two frames (command buffer, fence, descriptor
 * pools, staging area) used in turn, the barriers between recorded commands, and the
 * transfers (uploads through staging, downloads through a readback buffer, fills, copies).
 *
 * Operations are recorded in call order into the current frame's command buffer and submitted
 * only when the caller synchronizes, a download needs results, the staging area is full or a
 * frame holds many commands; meanwhile the other frame may still run on the device, which is
 * the double buffering of uploads. A barrier is recorded only where a command touches a range
 * an earlier command of the same frame wrote (or writes a range one read); each new command
 * buffer starts with one full barrier, which also orders it after every earlier submission.
 * It must not know what the commands compute.
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include <string.h>

#include "cep-vulkan-private.h"

#define STAGING_BYTES   ((VkDeviceSize) 16 << 20)
#define READBACK_BYTES  ((VkDeviceSize) 4 << 20)
#define POOL_SETS       256

static const VkPipelineStageFlags work_stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT |
                                               VK_PIPELINE_STAGE_TRANSFER_BIT;
static const VkAccessFlags write_access = VK_ACCESS_SHADER_WRITE_BIT |
                                          VK_ACCESS_TRANSFER_WRITE_BIT;
static const VkAccessFlags any_access = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                                        VK_ACCESS_TRANSFER_READ_BIT |
                                        VK_ACCESS_TRANSFER_WRITE_BIT;

/* Frames */

static gboolean
frame_init (CepVulkanContext *ctx,
            CepVulkanFrame   *frame,
            GError          **error)
{
  VkCommandPoolCreateInfo pool = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
    .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
    .queueFamilyIndex = ctx->queue_family,
  };
  VkFenceCreateInfo fence = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
  VkResult result;

  frame->descriptor_pools = g_array_new (FALSE, FALSE, sizeof (VkDescriptorPool));
  result = ctx->vk.CreateCommandPool (ctx->device, &pool, NULL, &frame->pool);
  if (result == VK_SUCCESS)
    {
      VkCommandBufferAllocateInfo info = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = frame->pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
      };
      result = ctx->vk.AllocateCommandBuffers (ctx->device, &info, &frame->cmd);
    }
  if (result == VK_SUCCESS)
    result = ctx->vk.CreateFence (ctx->device, &fence, NULL, &frame->fence);
  if (result != VK_SUCCESS)
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: cannot create command buffers (%s)",
                   _cep_vulkan_result_string (result));
      return FALSE;
    }
  return _cep_vulkan_host_buffer_init (ctx, STAGING_BYTES, &frame->staging, error);
}

static void
frame_clear (CepVulkanContext *ctx,
             CepVulkanFrame   *frame)
{
  if (frame->descriptor_pools != NULL)
    {
      for (guint i = 0; i < frame->descriptor_pools->len; i++)
        ctx->vk.DestroyDescriptorPool (ctx->device,
                                       g_array_index (frame->descriptor_pools,
                                                      VkDescriptorPool, i), NULL);
      g_clear_pointer (&frame->descriptor_pools, g_array_unref);
    }
  if (frame->fence != VK_NULL_HANDLE)
    ctx->vk.DestroyFence (ctx->device, frame->fence, NULL);
  if (frame->pool != VK_NULL_HANDLE)
    ctx->vk.DestroyCommandPool (ctx->device, frame->pool, NULL);
  _cep_vulkan_host_buffer_clear (ctx, &frame->staging);
}

gboolean
_cep_vulkan_stream_init (CepVulkanContext *ctx,
                         GError          **error)
{
  ctx->pending_reads = g_array_new (FALSE, FALSE, sizeof (CepVulkanAccess));
  ctx->pending_writes = g_array_new (FALSE, FALSE, sizeof (CepVulkanAccess));
  for (guint i = 0; i < CEP_VULKAN_FRAMES; i++)
    if (!frame_init (ctx, &ctx->frames[i], error))
      return FALSE;
  return _cep_vulkan_host_buffer_init (ctx, READBACK_BYTES, &ctx->readback, error);
}

void
_cep_vulkan_stream_clear (CepVulkanContext *ctx)
{
  if (ctx->device == VK_NULL_HANDLE)
    return;
  ctx->vk.DeviceWaitIdle (ctx->device);
  _cep_vulkan_profile_clear (ctx);
  for (guint i = 0; i < CEP_VULKAN_FRAMES; i++)
    frame_clear (ctx, &ctx->frames[i]);
  _cep_vulkan_host_buffer_clear (ctx, &ctx->readback);
  g_clear_pointer (&ctx->pending_reads, g_array_unref);
  g_clear_pointer (&ctx->pending_writes, g_array_unref);
}

static gboolean
frame_wait (CepVulkanContext *ctx,
            CepVulkanFrame   *frame)
{
  gint64 start;
  gboolean ok;

  if (!frame->in_flight)
    return TRUE;
  frame->in_flight = FALSE;
  start = g_get_monotonic_time ();
  ok = _cep_vulkan_check (ctx, ctx->vk.WaitForFences (ctx->device, 1, &frame->fence, VK_TRUE,
                                                      G_MAXUINT64), "vkWaitForFences");
  if (ok)
    _cep_vulkan_profile_collect (ctx, frame - ctx->frames,
                                 (g_get_monotonic_time () - start) * 1e-6);
  return ok;
}

static gboolean
frame_begin (CepVulkanContext *ctx,
             CepVulkanFrame   *frame)
{
  VkCommandBufferBeginInfo begin = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
    .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
  };

  if (!frame_wait (ctx, frame) ||
      !_cep_vulkan_check (ctx, ctx->vk.ResetCommandPool (ctx->device, frame->pool, 0),
                          "vkResetCommandPool"))
    return FALSE;
  for (guint i = 0; i < frame->descriptor_pools->len; i++)
    ctx->vk.ResetDescriptorPool (ctx->device,
                                 g_array_index (frame->descriptor_pools, VkDescriptorPool, i),
                                 0);
  frame->pool_index = 0;
  frame->pool_sets = 0;
  frame->staging_used = 0;
  frame->n_commands = 0;
  if (!_cep_vulkan_check (ctx, ctx->vk.BeginCommandBuffer (frame->cmd, &begin),
                          "vkBeginCommandBuffer"))
    return FALSE;
  frame->recording = TRUE;
  _cep_vulkan_profile_begin_frame (ctx, frame - ctx->frames);
  ctx->needs_full_barrier = TRUE;
  g_array_set_size (ctx->pending_reads, 0);
  g_array_set_size (ctx->pending_writes, 0);
  return TRUE;
}

VkCommandBuffer
_cep_vulkan_begin (CepVulkanContext *ctx)
{
  CepVulkanFrame *frame = &ctx->frames[ctx->current];

  if (_cep_vulkan_failed (ctx))
    return VK_NULL_HANDLE;
  if (frame->recording && frame->n_commands >= CEP_VULKAN_FLUSH_COMMANDS)
    {
      _cep_vulkan_flush (ctx);
      frame = &ctx->frames[ctx->current];
    }
  if (!frame->recording && !frame_begin (ctx, frame))
    return VK_NULL_HANDLE;
  frame->n_commands++;
  return frame->cmd;
}

void
_cep_vulkan_flush (CepVulkanContext *ctx)
{
  CepVulkanFrame *frame = &ctx->frames[ctx->current];

  if (!frame->recording)
    return;
  frame->recording = FALSE;
  if (!_cep_vulkan_check (ctx, ctx->vk.EndCommandBuffer (frame->cmd), "vkEndCommandBuffer") ||
      frame->n_commands == 0)
    return;
  VkSubmitInfo submit = {
    .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
    .commandBufferCount = 1,
    .pCommandBuffers = &frame->cmd,
  };
  if (!_cep_vulkan_check (ctx, ctx->vk.ResetFences (ctx->device, 1, &frame->fence),
                          "vkResetFences") ||
      !_cep_vulkan_check (ctx, ctx->vk.QueueSubmit (ctx->queue, 1, &submit, frame->fence),
                          "vkQueueSubmit"))
    return;
  frame->in_flight = TRUE;
  ctx->submits++;
  ctx->current = (ctx->current + 1) % CEP_VULKAN_FRAMES;
}

void
_cep_vulkan_wait_idle (CepVulkanContext *ctx)
{
  _cep_vulkan_flush (ctx);
  for (guint i = 0; i < CEP_VULKAN_FRAMES; i++)
    frame_wait (ctx, &ctx->frames[i]);
}

/* Barriers */

static gboolean
accesses_overlap (const CepVulkanAccess *a,
                  const CepVulkanAccess *b)
{
  return a->buffer == b->buffer && a->start < b->end && b->start < a->end;
}

static gboolean
overlaps_any (const CepVulkanAccess *access,
              GArray                *pending)
{
  for (guint i = 0; i < pending->len; i++)
    if (accesses_overlap (access, &g_array_index (pending, CepVulkanAccess, i)))
      return TRUE;
  return FALSE;
}

/* Read after write, write after write, write after read. */
static gboolean
has_hazard (CepVulkanContext      *ctx,
            const CepVulkanAccess *accesses,
            guint                  n_accesses)
{
  for (guint i = 0; i < n_accesses; i++)
    if (overlaps_any (&accesses[i], ctx->pending_writes) ||
        (accesses[i].write && overlaps_any (&accesses[i], ctx->pending_reads)))
      return TRUE;
  return FALSE;
}

static void
full_barrier (CepVulkanContext *ctx,
              VkCommandBuffer   cmd)
{
  VkMemoryBarrier barrier = {
    .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
    .srcAccessMask = write_access,
    .dstAccessMask = any_access,
  };
  ctx->vk.CmdPipelineBarrier (cmd, work_stages, work_stages, 0, 1, &barrier, 0, NULL, 0, NULL);
}

/* Makes every pending write visible to what follows (and orders it after pending reads). */
static void
buffer_barriers (CepVulkanContext *ctx,
                 VkCommandBuffer   cmd)
{
  guint n = ctx->pending_writes->len;
  g_autofree VkBufferMemoryBarrier *barriers = g_new0 (VkBufferMemoryBarrier, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      const CepVulkanAccess *w = &g_array_index (ctx->pending_writes, CepVulkanAccess, i);
      barriers[i] = (VkBufferMemoryBarrier) {
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
        .srcAccessMask = write_access,
        .dstAccessMask = any_access,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .buffer = w->buffer,
        .offset = w->start,
        .size = w->end - w->start,
      };
    }
  ctx->vk.CmdPipelineBarrier (cmd, work_stages, work_stages, 0, 0, NULL, n, barriers, 0, NULL);
}

void
_cep_vulkan_track (CepVulkanContext      *ctx,
                   const CepVulkanAccess *accesses,
                   guint                  n_accesses)
{
  VkCommandBuffer cmd = ctx->frames[ctx->current].cmd;

  if (ctx->needs_full_barrier)
    full_barrier (ctx, cmd);
  else if (has_hazard (ctx, accesses, n_accesses))
    buffer_barriers (ctx, cmd);
  else
    goto note;
  ctx->needs_full_barrier = FALSE;
  g_array_set_size (ctx->pending_reads, 0);
  g_array_set_size (ctx->pending_writes, 0);
note:
  for (guint i = 0; i < n_accesses; i++)
    g_array_append_val (accesses[i].write ? ctx->pending_writes : ctx->pending_reads,
                        accesses[i]);
}

/* Descriptor sets: POOL_SETS per pool, a new pool when the frame's pools are used up. */

static VkDescriptorPool
frame_pool (CepVulkanContext *ctx,
            CepVulkanFrame   *frame)
{
  if (frame->pool_index < frame->descriptor_pools->len)
    return g_array_index (frame->descriptor_pools, VkDescriptorPool, frame->pool_index);

  VkDescriptorPoolSize size = {
    .type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
    .descriptorCount = POOL_SETS * CEP_VULKAN_MAX_BINDINGS,
  };
  VkDescriptorPoolCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
    .maxSets = POOL_SETS,
    .poolSizeCount = 1,
    .pPoolSizes = &size,
  };
  VkDescriptorPool pool = VK_NULL_HANDLE;
  if (!_cep_vulkan_check (ctx, ctx->vk.CreateDescriptorPool (ctx->device, &info, NULL, &pool),
                          "vkCreateDescriptorPool"))
    return VK_NULL_HANDLE;
  g_array_append_val (frame->descriptor_pools, pool);
  return pool;
}

VkDescriptorSet
_cep_vulkan_descriptor_set (CepVulkanContext     *ctx,
                            VkDescriptorSetLayout layout)
{
  CepVulkanFrame *frame = &ctx->frames[ctx->current];
  VkDescriptorSet set = VK_NULL_HANDLE;

  /* Counted here so that a pool is never over-drawn. */
  if (frame->pool_sets == POOL_SETS)
    {
      frame->pool_index++;
      frame->pool_sets = 0;
    }
  frame->pool_sets++;
  VkDescriptorPool pool = frame_pool (ctx, frame);
  if (pool == VK_NULL_HANDLE)
    return VK_NULL_HANDLE;
  VkDescriptorSetAllocateInfo info = {
    .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
    .descriptorPool = pool,
    .descriptorSetCount = 1,
    .pSetLayouts = &layout,
  };
  if (!_cep_vulkan_check (ctx, ctx->vk.AllocateDescriptorSets (ctx->device, &info, &set),
                          "vkAllocateDescriptorSets"))
    return VK_NULL_HANDLE;
  return set;
}

/* Transfers */

static CepVulkanAccess
view_access (CepView  view,
             gsize    n_words,
             gboolean write)
{
  CepVulkanAllocation *allocation = cep_vulkan_allocation (view.buffer);
  VkDeviceSize start = allocation->offset + view.offset * 4;

  return (CepVulkanAccess) { allocation->block->buffer, start, start + n_words * 4, write };
}

/* Room for @n_words in the current frame's staging area: the words that fit (0 when the
 * frame must be submitted first). */
static gsize
staging_room (CepVulkanFrame *frame,
              gsize           n_words)
{
  gsize room = (frame->staging.size - frame->staging_used) / 4;

  if (room < n_words && frame->staging_used > 0)
    return 0;
  return MIN (room, n_words);
}

void
_cep_vulkan_upload (CepVulkanContext *ctx,
                    CepBuffer        *buffer,
                    gsize             offset,
                    const void       *data,
                    gsize             n_words)
{
  gsize done = 0;

  while (done < n_words)
    {
      VkCommandBuffer cmd = _cep_vulkan_begin (ctx);
      if (cmd == VK_NULL_HANDLE)
        return;
      CepVulkanFrame *frame = &ctx->frames[ctx->current];
      gsize chunk = staging_room (frame, n_words - done);
      if (chunk == 0)
        {
          _cep_vulkan_flush (ctx);
          continue;
        }
      CepVulkanAccess access = view_access (cep_view (buffer, offset + done), chunk, TRUE);
      VkBufferCopy region = { frame->staging_used, access.start, chunk * 4 };
      memcpy (frame->staging.map + frame->staging_used, (const guint32 *) data + done,
              chunk * 4);
      _cep_vulkan_track (ctx, &access, 1);
      ctx->vk.CmdCopyBuffer (cmd, frame->staging.buffer, access.buffer, 1, &region);
      _cep_vulkan_profile_mark (ctx, CEP_VULKAN_MARK_UPLOAD);
      frame->staging_used += (chunk * 4 + 15) / 16 * 16;
      done += chunk;
    }
}

/* Records the copy of @n_words at @view into the readback buffer, submits and waits. */
static gboolean
read_back (CepVulkanContext *ctx,
           CepView           view,
           gsize             n_words)
{
  VkCommandBuffer cmd = _cep_vulkan_begin (ctx);
  CepVulkanFrame *frame = &ctx->frames[ctx->current];

  if (cmd == VK_NULL_HANDLE)
    return FALSE;
  CepVulkanAccess access = view_access (view, n_words, FALSE);
  VkBufferCopy region = { access.start, 0, n_words * 4 };
  VkMemoryBarrier to_host = {
    .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
    .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
    .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
  };
  _cep_vulkan_track (ctx, &access, 1);
  ctx->vk.CmdCopyBuffer (cmd, access.buffer, ctx->readback.buffer, 1, &region);
  _cep_vulkan_profile_mark (ctx, CEP_VULKAN_MARK_DOWNLOAD);
  ctx->vk.CmdPipelineBarrier (cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                              0, 1, &to_host, 0, NULL, 0, NULL);
  _cep_vulkan_flush (ctx);
  return frame_wait (ctx, frame) && !_cep_vulkan_failed (ctx);
}

void
_cep_vulkan_download (CepVulkanContext *ctx,
                      CepBuffer        *buffer,
                      gsize             offset,
                      void             *data,
                      gsize             n_words)
{
  gsize done = 0;

  while (done < n_words)
    {
      gsize chunk = MIN (n_words - done, ctx->readback.size / 4);
      if (!read_back (ctx, cep_view (buffer, offset + done), chunk))
        {
          /* NaN words: whatever reads them sees that they are not results. */
          memset ((guint32 *) data + done, 0xff, (n_words - done) * 4);
          return;
        }
      memcpy ((guint32 *) data + done, ctx->readback.map, chunk * 4);
      done += chunk;
    }
}

void
_cep_vulkan_fill_words (CepVulkanContext *ctx,
                        CepView           dst,
                        gsize             n_words,
                        guint32           value)
{
  VkCommandBuffer cmd = _cep_vulkan_begin (ctx);

  if (cmd == VK_NULL_HANDLE || n_words == 0)
    return;
  CepVulkanAccess access = view_access (dst, n_words, TRUE);
  _cep_vulkan_track (ctx, &access, 1);
  ctx->vk.CmdFillBuffer (cmd, access.buffer, access.start, n_words * 4, value);
  _cep_vulkan_profile_mark (ctx, CEP_VULKAN_MARK_FILL);
}

void
_cep_vulkan_copy_words (CepVulkanContext *ctx,
                        CepView           src,
                        CepView           dst,
                        gsize             n_words)
{
  VkCommandBuffer cmd = _cep_vulkan_begin (ctx);

  if (cmd == VK_NULL_HANDLE || n_words == 0)
    return;
  CepVulkanAccess accesses[2] = {
    view_access (src, n_words, FALSE),
    view_access (dst, n_words, TRUE),
  };
  VkBufferCopy region = { accesses[0].start, accesses[1].start, n_words * 4 };
  _cep_vulkan_track (ctx, accesses, 2);
  ctx->vk.CmdCopyBuffer (cmd, accesses[0].buffer, accesses[1].buffer, 1, &region);
  _cep_vulkan_profile_mark (ctx, CEP_VULKAN_MARK_COPY);
}
