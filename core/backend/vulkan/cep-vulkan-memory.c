/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-memory.c: device memory — a few large VkDeviceMemory blocks, each with one
 * VkBuffer over all of it, handed out as aligned ranges (first fit, coalescing frees), and
 * the host-visible buffers used for staging and readback.
 *
 * Owns the memory-type choice and the sub-allocator. Buffers larger than half a block get a
 * block of their own, released (after the device is idle) when they are freed; shared blocks
 * live as long as the backend. It must not record commands: zeroing a new buffer is the
 * caller's (cep-backend-vulkan.c).
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include "cep-vulkan-private.h"

#define BLOCK_BYTES      ((VkDeviceSize) 64 << 20)
#define RANGE_ALIGNMENT  ((VkDeviceSize) 256)

static const VkBufferUsageFlags device_usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT |
                                               VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                               VK_BUFFER_USAGE_TRANSFER_DST_BIT;

static VkDeviceSize
align_up (VkDeviceSize value,
          VkDeviceSize alignment)
{
  return (value + alignment - 1) / alignment * alignment;
}

/* The first memory type allowed by @bits that has all of @wanted, or G_MAXUINT32. */
static guint32
find_memory_type (CepVulkanContext     *ctx,
                  guint32               bits,
                  VkMemoryPropertyFlags wanted)
{
  for (guint32 i = 0; i < ctx->memory_properties.memoryTypeCount; i++)
    if ((bits & (1u << i)) &&
        (ctx->memory_properties.memoryTypes[i].propertyFlags & wanted) == wanted)
      return i;
  return G_MAXUINT32;
}

static guint32
buffer_memory_bits (CepVulkanContext  *ctx,
                    VkBufferUsageFlags usage)
{
  VkBufferCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
    .size = 4096,
    .usage = usage,
    .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
  };
  VkMemoryRequirements req = { 0 };
  VkBuffer probe = VK_NULL_HANDLE;

  if (ctx->vk.CreateBuffer (ctx->device, &info, NULL, &probe) != VK_SUCCESS)
    return 0;
  ctx->vk.GetBufferMemoryRequirements (ctx->device, probe, &req);
  ctx->vk.DestroyBuffer (ctx->device, probe, NULL);
  return req.memoryTypeBits;
}

gboolean
_cep_vulkan_memory_init (CepVulkanContext *ctx,
                         GError          **error)
{
  const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                     VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  guint32 device_bits = buffer_memory_bits (ctx, device_usage);
  guint32 host_bits = buffer_memory_bits (ctx, VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                               VK_BUFFER_USAGE_TRANSFER_DST_BIT);

  ctx->blocks = g_ptr_array_new ();
  ctx->device_memory_type = find_memory_type (ctx, device_bits,
                                              VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  if (ctx->device_memory_type == G_MAXUINT32)
    ctx->device_memory_type = find_memory_type (ctx, device_bits, 0);
  ctx->host_memory_type = find_memory_type (ctx, host_bits,
                                            host | VK_MEMORY_PROPERTY_HOST_CACHED_BIT);
  if (ctx->host_memory_type == G_MAXUINT32)
    ctx->host_memory_type = find_memory_type (ctx, host_bits, host);
  if (ctx->device_memory_type == G_MAXUINT32 || ctx->host_memory_type == G_MAXUINT32)
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: %s has no memory type for storage or staging buffers",
                   ctx->properties.deviceName);
      return FALSE;
    }
  return TRUE;
}

static VkDeviceSize
device_heap_size (CepVulkanContext *ctx)
{
  guint32 heap = ctx->memory_properties.memoryTypes[ctx->device_memory_type].heapIndex;
  return ctx->memory_properties.memoryHeaps[heap].size;
}

static void
no_memory (GError     **error,
           const char  *what,
           VkDeviceSize bytes,
           VkResult     result)
{
  g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_NO_MEMORY,
               "vulkan: cannot allocate %" G_GUINT64_FORMAT " MiB of %s (%s)",
               (guint64) (bytes + (1 << 20) - 1) >> 20, what,
               _cep_vulkan_result_string (result));
}

/* A VkBuffer of @bytes bound to fresh memory of @memory_type. */
static VkResult
create_bound_buffer (CepVulkanContext  *ctx,
                     VkDeviceSize       bytes,
                     VkBufferUsageFlags usage,
                     guint32            memory_type,
                     VkBuffer          *buffer,
                     VkDeviceMemory    *memory)
{
  VkBufferCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
    .size = bytes,
    .usage = usage,
    .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
  };
  VkMemoryRequirements req;
  VkResult result;

  *memory = VK_NULL_HANDLE;
  result = ctx->vk.CreateBuffer (ctx->device, &info, NULL, buffer);
  if (result != VK_SUCCESS)
    return result;
  ctx->vk.GetBufferMemoryRequirements (ctx->device, *buffer, &req);
  VkMemoryAllocateInfo alloc = {
    .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
    .allocationSize = req.size,
    .memoryTypeIndex = memory_type,
  };
  result = ctx->vk.AllocateMemory (ctx->device, &alloc, NULL, memory);
  if (result == VK_SUCCESS)
    result = ctx->vk.BindBufferMemory (ctx->device, *buffer, *memory, 0);
  if (result != VK_SUCCESS)
    {
      ctx->vk.DestroyBuffer (ctx->device, *buffer, NULL);
      if (*memory != VK_NULL_HANDLE)
        ctx->vk.FreeMemory (ctx->device, *memory, NULL);
      *buffer = VK_NULL_HANDLE;
      *memory = VK_NULL_HANDLE;
    }
  return result;
}

/* Blocks */

static CepVulkanBlock *
block_new (CepVulkanContext *ctx,
           VkDeviceSize      bytes,
           gboolean          dedicated,
           GError          **error)
{
  CepVulkanBlock *block = g_new0 (CepVulkanBlock, 1);
  CepVulkanRange all = { 0, bytes };
  VkResult result;

  if (bytes > ctx->max_allocation || bytes > device_heap_size (ctx))
    {
      no_memory (error, "device memory (larger than the device allows)", bytes,
                 VK_ERROR_OUT_OF_DEVICE_MEMORY);
      g_free (block);
      return NULL;
    }
  result = create_bound_buffer (ctx, bytes, device_usage, ctx->device_memory_type,
                                &block->buffer, &block->memory);
  if (result != VK_SUCCESS)
    {
      no_memory (error, "device memory", bytes, result);
      g_free (block);
      return NULL;
    }
  block->size = bytes;
  block->dedicated = dedicated;
  block->free_ranges = g_array_new (FALSE, FALSE, sizeof (CepVulkanRange));
  g_array_append_val (block->free_ranges, all);
  ctx->device_bytes += bytes;
  g_ptr_array_add (ctx->blocks, block);
  return block;
}

static void
block_free (CepVulkanContext *ctx,
            CepVulkanBlock   *block)
{
  ctx->vk.DestroyBuffer (ctx->device, block->buffer, NULL);
  ctx->vk.FreeMemory (ctx->device, block->memory, NULL);
  ctx->device_bytes -= block->size;
  g_array_unref (block->free_ranges);
  g_free (block);
}

/* First fit: takes @bytes from the first free range that holds them. */
static gboolean
block_take (CepVulkanBlock *block,
            VkDeviceSize    bytes,
            VkDeviceSize   *offset)
{
  for (guint i = 0; i < block->free_ranges->len; i++)
    {
      CepVulkanRange *range = &g_array_index (block->free_ranges, CepVulkanRange, i);
      if (range->size < bytes)
        continue;
      *offset = range->offset;
      range->offset += bytes;
      range->size -= bytes;
      if (range->size == 0)
        g_array_remove_index (block->free_ranges, i);
      block->n_allocations++;
      return TRUE;
    }
  return FALSE;
}

/* Returns [offset, offset + bytes) to the free list, merging with its neighbours. */
static void
block_give_back (CepVulkanBlock *block,
                 VkDeviceSize    offset,
                 VkDeviceSize    bytes)
{
  GArray *ranges = block->free_ranges;
  guint i = 0;

  while (i < ranges->len && g_array_index (ranges, CepVulkanRange, i).offset < offset)
    i++;
  CepVulkanRange freed = { offset, bytes };
  g_array_insert_val (ranges, i, freed);
  if (i + 1 < ranges->len)
    {
      CepVulkanRange *next = &g_array_index (ranges, CepVulkanRange, i + 1);
      CepVulkanRange *cur = &g_array_index (ranges, CepVulkanRange, i);
      if (cur->offset + cur->size == next->offset)
        {
          cur->size += next->size;
          g_array_remove_index (ranges, i + 1);
        }
    }
  if (i > 0)
    {
      CepVulkanRange *prev = &g_array_index (ranges, CepVulkanRange, i - 1);
      CepVulkanRange *cur = &g_array_index (ranges, CepVulkanRange, i);
      if (prev->offset + prev->size == cur->offset)
        {
          prev->size += cur->size;
          g_array_remove_index (ranges, i);
        }
    }
  block->n_allocations--;
}

gboolean
_cep_vulkan_allocate (CepVulkanContext    *ctx,
                      VkDeviceSize         bytes,
                      CepVulkanAllocation *allocation,
                      GError             **error)
{
  VkDeviceSize size = align_up (MAX (bytes, 4), RANGE_ALIGNMENT);
  VkDeviceSize block_bytes = MIN (BLOCK_BYTES, ctx->max_allocation);
  CepVulkanBlock *block;

  if (size <= block_bytes / 2)
    for (guint i = 0; i < ctx->blocks->len; i++)
      {
        block = ctx->blocks->pdata[i];
        if (!block->dedicated && block_take (block, size, &allocation->offset))
          {
            allocation->block = block;
            allocation->size = size;
            return TRUE;
          }
      }
  gboolean dedicated = size > block_bytes / 2;
  block = block_new (ctx, dedicated ? size : block_bytes, dedicated, error);
  if (block == NULL)
    return FALSE;
  block_take (block, size, &allocation->offset);
  allocation->block = block;
  allocation->size = size;
  return TRUE;
}

void
_cep_vulkan_release (CepVulkanContext    *ctx,
                     CepVulkanAllocation *allocation)
{
  CepVulkanBlock *block = allocation->block;

  if (block == NULL)
    return;
  block_give_back (block, allocation->offset, allocation->size);
  allocation->block = NULL;
  if (block->dedicated && block->n_allocations == 0)
    {
      /* Commands in flight may still use it. */
      _cep_vulkan_wait_idle (ctx);
      g_ptr_array_remove_fast (ctx->blocks, block);
      block_free (ctx, block);
    }
}

void
_cep_vulkan_memory_clear (CepVulkanContext *ctx)
{
  if (ctx->blocks == NULL)
    return;
  for (guint i = 0; i < ctx->blocks->len; i++)
    block_free (ctx, ctx->blocks->pdata[i]);
  g_clear_pointer (&ctx->blocks, g_ptr_array_unref);
}

/* Host-visible buffers */

gboolean
_cep_vulkan_host_buffer_init (CepVulkanContext    *ctx,
                              VkDeviceSize         bytes,
                              CepVulkanHostBuffer *host,
                              GError             **error)
{
  VkResult result = create_bound_buffer (ctx, bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                                                     VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                         ctx->host_memory_type, &host->buffer, &host->memory);
  void *map = NULL;

  if (result == VK_SUCCESS)
    result = ctx->vk.MapMemory (ctx->device, host->memory, 0, VK_WHOLE_SIZE, 0, &map);
  if (result != VK_SUCCESS)
    {
      no_memory (error, "host-visible memory", bytes, result);
      _cep_vulkan_host_buffer_clear (ctx, host);
      return FALSE;
    }
  host->map = map;
  host->size = bytes;
  return TRUE;
}

void
_cep_vulkan_host_buffer_clear (CepVulkanContext    *ctx,
                               CepVulkanHostBuffer *host)
{
  if (host->buffer != VK_NULL_HANDLE)
    ctx->vk.DestroyBuffer (ctx->device, host->buffer, NULL);
  if (host->memory != VK_NULL_HANDLE)
    ctx->vk.FreeMemory (ctx->device, host->memory, NULL);
  *host = (CepVulkanHostBuffer) { 0 };
}
