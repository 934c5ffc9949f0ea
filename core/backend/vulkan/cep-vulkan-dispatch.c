/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-dispatch.c: recording one kernel — binding each tensor as its own range of its
 * block (the binding starts at the nearest aligned byte at or before the view; the shader
 * gets the remaining word offset as a push constant), the barrier, and the dispatch.
 *
 * Binding per-tensor ranges rather than whole blocks keeps every binding under the device's
 * maxStorageBufferRange (128 MiB on lavapipe) and lets the barriers see which ranges a kernel
 * touches. It must not know what any kernel computes.
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include "cep-vulkan-private.h"

#define MAX_GROUPS 65535u

guint
_cep_vulkan_groups (gsize n,
                    guint per_group)
{
  gsize groups = (n + per_group - 1) / per_group;

  return (guint) CLAMP (groups, 1, MAX_GROUPS);
}

gsize
_cep_vulkan_chunk_words (CepVulkanContext *ctx)
{
  gsize words = (ctx->max_binding - ctx->binding_alignment) / 4;

  return MIN (words, (gsize) 1 << 30) / 32 * 32;
}

/* Where bind_arg starts @view's binding: the nearest aligned byte at or before it. */
static VkDeviceSize
binding_start (CepVulkanContext *ctx,
               VkDeviceSize      start)
{
  return start / ctx->binding_alignment * ctx->binding_alignment;
}

gboolean
_cep_vulkan_view_vec4_aligned (CepVulkanContext *ctx,
                               CepView           view)
{
  VkDeviceSize start = cep_vulkan_allocation (view.buffer)->offset + view.offset * 4;

  return (start - binding_start (ctx, start)) % 16 == 0;
}

typedef struct
{
  VkDescriptorBufferInfo info;
  CepVulkanAccess        access;
  guint32                word_offset;
} Binding;

static gboolean
bind_arg (CepBackend         *backend,
          const CepVulkanArg *arg,
          Binding            *binding)
{
  CepVulkanContext *ctx = cep_vulkan_context (backend);
  gboolean set = cep_view_is_set (arg->view);
  CepView view = set ? arg->view : cep_view (ctx->dummy, 0);
  CepVulkanAllocation *allocation = cep_vulkan_allocation (view.buffer);
  VkDeviceSize start = allocation->offset + view.offset * 4;
  VkDeviceSize bind = binding_start (ctx, start);
  VkDeviceSize range = start - bind + (set ? MAX (arg->n_words, 1) : 1) * 4;

  if (range > ctx->max_binding)
    {
      _cep_vulkan_fail (ctx, "vulkan: a tensor of %" G_GUINT64_FORMAT " MiB exceeds the "
                        "device's storage-binding limit of %" G_GUINT64_FORMAT " MiB",
                        (guint64) range >> 20, (guint64) ctx->max_binding >> 20);
      return FALSE;
    }
  binding->info = (VkDescriptorBufferInfo) { allocation->block->buffer, bind, range };
  binding->access = (CepVulkanAccess) { allocation->block->buffer, bind, bind + range,
                                        arg->write && set };
  binding->word_offset = (guint32) ((start - bind) / 4);
  return TRUE;
}

static void
write_set (CepVulkanContext *ctx,
           VkDescriptorSet   set,
           const Binding    *bindings,
           guint             n_bindings)
{
  VkWriteDescriptorSet writes[CEP_VULKAN_MAX_BINDINGS];

  for (guint i = 0; i < n_bindings; i++)
    writes[i] = (VkWriteDescriptorSet) {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstSet = set,
      .dstBinding = i,
      .descriptorCount = 1,
      .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
      .pBufferInfo = &bindings[i].info,
    };
  ctx->vk.UpdateDescriptorSets (ctx->device, n_bindings, writes, 0, NULL);
}

void
_cep_vulkan_dispatch (CepBackend            *backend,
                      const CepVulkanKernel *kernel,
                      const CepVulkanArg    *args,
                      void                  *push,
                      guint                  groups_x,
                      guint                  groups_y)
{
  CepVulkanContext *ctx = cep_vulkan_context (backend);
  const CepVulkanShader *shader = &cep_vulkan_shaders[kernel->shader];
  const CepVulkanLayout *layout = &ctx->layouts[kernel->shader];
  Binding bindings[CEP_VULKAN_MAX_BINDINGS];
  CepVulkanAccess accesses[CEP_VULKAN_MAX_BINDINGS];
  VkPipeline pipeline = _cep_vulkan_pipeline (ctx, kernel);
  VkCommandBuffer cmd = pipeline != VK_NULL_HANDLE ? _cep_vulkan_begin (ctx) : VK_NULL_HANDLE;

  if (cmd == VK_NULL_HANDLE)
    return;
  for (guint i = 0; i < shader->n_bindings; i++)
    {
      if (!bind_arg (backend, &args[i], &bindings[i]))
        return;
      accesses[i] = bindings[i].access;
      ((guint32 *) push)[i] = bindings[i].word_offset;
    }
  VkDescriptorSet set = _cep_vulkan_descriptor_set (ctx, layout->set_layout);
  if (set == VK_NULL_HANDLE)
    return;
  write_set (ctx, set, bindings, shader->n_bindings);
  _cep_vulkan_track (ctx, accesses, shader->n_bindings);
  ctx->vk.CmdBindPipeline (cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
  ctx->vk.CmdBindDescriptorSets (cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout->layout, 0, 1,
                                 &set, 0, NULL);
  ctx->vk.CmdPushConstants (cmd, layout->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0,
                            shader->push_bytes, push);
  ctx->vk.CmdDispatch (cmd, groups_x, groups_y, 1);
  _cep_vulkan_profile_mark (ctx, kernel->shader);
}

void
_cep_vulkan_for_chunks (CepBackend        *backend,
                        gsize              n,
                        CepVulkanChunkFunc func,
                        gpointer           data)
{
  gsize chunk = _cep_vulkan_chunk_words (cep_vulkan_context (backend));

  for (gsize start = 0; start < n; start += chunk)
    func (backend, start, MIN (chunk, n - start), data);
}

void
_cep_vulkan_reduce_add (CepBackend *backend,
                        CepView     partials,
                        guint       count,
                        CepView     target)
{
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_REDUCE_ADD);
  CepVulkanArg args[] = { CEP_VULKAN_IN (partials, count), CEP_VULKAN_OUT (target, 1) };
  struct { guint32 offsets[2], count; } push = { .count = count };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, 1, 1);
}
