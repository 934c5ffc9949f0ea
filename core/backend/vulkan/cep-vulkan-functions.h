/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-functions.h: the Vulkan entry points the backend calls, as X-macro lists.
 *
 * The loader library is opened at run time (cep-vulkan-loader.c), so a machine without
 * Vulkan still starts Cepstra and gets a clear error instead of a missing-library crash.
 * Entry points are grouped by the object they are resolved from; each becomes a member of
 * CepVulkanFunctions named without its "vk" prefix (vk->CmdDispatch).
 */
#pragma once

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

/* Resolved with a NULL instance. */
#define CEP_VULKAN_GLOBAL_FUNCTIONS(X) \
  X (CreateInstance) \
  X (EnumerateInstanceVersion) \
  X (EnumerateInstanceLayerProperties) \
  X (EnumerateInstanceExtensionProperties)

#define CEP_VULKAN_INSTANCE_FUNCTIONS(X) \
  X (DestroyInstance) \
  X (EnumeratePhysicalDevices) \
  X (EnumerateDeviceExtensionProperties) \
  X (GetPhysicalDeviceProperties) \
  X (GetPhysicalDeviceProperties2) \
  X (GetPhysicalDeviceFeatures) \
  X (GetPhysicalDeviceQueueFamilyProperties) \
  X (GetPhysicalDeviceMemoryProperties) \
  X (CreateDevice) \
  X (GetDeviceProcAddr)

/* Present only when VK_EXT_debug_utils is enabled (validation runs). */
#define CEP_VULKAN_DEBUG_FUNCTIONS(X) \
  X (CreateDebugUtilsMessengerEXT) \
  X (DestroyDebugUtilsMessengerEXT)

#define CEP_VULKAN_DEVICE_FUNCTIONS(X) \
  X (DestroyDevice) \
  X (GetDeviceQueue) \
  X (QueueSubmit) \
  X (DeviceWaitIdle) \
  X (AllocateMemory) \
  X (FreeMemory) \
  X (MapMemory) \
  X (UnmapMemory) \
  X (CreateBuffer) \
  X (DestroyBuffer) \
  X (GetBufferMemoryRequirements) \
  X (BindBufferMemory) \
  X (CreateCommandPool) \
  X (DestroyCommandPool) \
  X (AllocateCommandBuffers) \
  X (ResetCommandPool) \
  X (BeginCommandBuffer) \
  X (EndCommandBuffer) \
  X (CreateFence) \
  X (DestroyFence) \
  X (WaitForFences) \
  X (ResetFences) \
  X (CreateShaderModule) \
  X (DestroyShaderModule) \
  X (CreateDescriptorSetLayout) \
  X (DestroyDescriptorSetLayout) \
  X (CreatePipelineLayout) \
  X (DestroyPipelineLayout) \
  X (CreatePipelineCache) \
  X (DestroyPipelineCache) \
  X (CreateComputePipelines) \
  X (DestroyPipeline) \
  X (CreateDescriptorPool) \
  X (DestroyDescriptorPool) \
  X (ResetDescriptorPool) \
  X (AllocateDescriptorSets) \
  X (UpdateDescriptorSets) \
  X (CmdBindPipeline) \
  X (CmdBindDescriptorSets) \
  X (CmdPushConstants) \
  X (CmdDispatch) \
  X (CmdPipelineBarrier) \
  X (CmdCopyBuffer) \
  X (CmdFillBuffer) \
  X (CreateQueryPool) \
  X (DestroyQueryPool) \
  X (CmdResetQueryPool) \
  X (CmdWriteTimestamp) \
  X (GetQueryPoolResults)

#define CEP_VULKAN_DECLARE_MEMBER(name) PFN_vk##name name;

typedef struct
{
  PFN_vkGetInstanceProcAddr GetInstanceProcAddr;
  CEP_VULKAN_GLOBAL_FUNCTIONS (CEP_VULKAN_DECLARE_MEMBER)
  CEP_VULKAN_INSTANCE_FUNCTIONS (CEP_VULKAN_DECLARE_MEMBER)
  CEP_VULKAN_DEBUG_FUNCTIONS (CEP_VULKAN_DECLARE_MEMBER)
  CEP_VULKAN_DEVICE_FUNCTIONS (CEP_VULKAN_DECLARE_MEMBER)
} CepVulkanFunctions;
