/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-pipelines.c: compute pipelines, created on first use from the pipeline table
 * (cep-vulkan-shaders.c) — one descriptor-set layout and pipeline layout per shader, one
 * pipeline per (shader, specialization constants), all through one VkPipelineCache.
 *
 * Creating lazily keeps a backend that runs three operations from compiling twenty-two
 * shaders (seconds on lavapipe). It must not record commands.
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include <string.h>

#include "cep-vulkan-private.h"

gboolean
_cep_vulkan_pipelines_init (CepVulkanContext *ctx,
                            GError          **error)
{
  VkPipelineCacheCreateInfo info = { .sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO };
  VkResult result;

  ctx->pipelines = g_array_new (FALSE, FALSE, sizeof (CepVulkanPipeline));
  result = ctx->vk.CreatePipelineCache (ctx->device, &info, NULL, &ctx->pipeline_cache);
  if (result != VK_SUCCESS)
    {
      g_set_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED,
                   "vulkan: cannot create a pipeline cache (%s)",
                   _cep_vulkan_result_string (result));
      return FALSE;
    }
  return TRUE;
}

void
_cep_vulkan_pipelines_clear (CepVulkanContext *ctx)
{
  if (ctx->device == VK_NULL_HANDLE)
    return;
  if (ctx->pipelines != NULL)
    {
      for (guint i = 0; i < ctx->pipelines->len; i++)
        ctx->vk.DestroyPipeline (ctx->device,
                                 g_array_index (ctx->pipelines, CepVulkanPipeline, i).pipeline,
                                 NULL);
      g_clear_pointer (&ctx->pipelines, g_array_unref);
    }
  for (guint i = 0; i < CEP_N_SHADERS; i++)
    {
      if (ctx->layouts[i].layout != VK_NULL_HANDLE)
        ctx->vk.DestroyPipelineLayout (ctx->device, ctx->layouts[i].layout, NULL);
      if (ctx->layouts[i].set_layout != VK_NULL_HANDLE)
        ctx->vk.DestroyDescriptorSetLayout (ctx->device, ctx->layouts[i].set_layout, NULL);
    }
  if (ctx->pipeline_cache != VK_NULL_HANDLE)
    ctx->vk.DestroyPipelineCache (ctx->device, ctx->pipeline_cache, NULL);
}

/* Storage buffers 0..n-1 and the push-constant block of @shader. */
static gboolean
ensure_layout (CepVulkanContext *ctx,
               CepVulkanShaderId id)
{
  const CepVulkanShader *shader = &cep_vulkan_shaders[id];
  CepVulkanLayout *layout = &ctx->layouts[id];
  VkDescriptorSetLayoutBinding bindings[CEP_VULKAN_MAX_BINDINGS];

  if (layout->layout != VK_NULL_HANDLE)
    return TRUE;
  for (guint i = 0; i < shader->n_bindings; i++)
    bindings[i] = (VkDescriptorSetLayoutBinding) {
      .binding = i,
      .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
      .descriptorCount = 1,
      .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
    };
  VkDescriptorSetLayoutCreateInfo set_info = {
    .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
    .bindingCount = shader->n_bindings,
    .pBindings = bindings,
  };
  VkPushConstantRange push = { VK_SHADER_STAGE_COMPUTE_BIT, 0, shader->push_bytes };
  VkPipelineLayoutCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
    .setLayoutCount = 1,
    .pSetLayouts = &layout->set_layout,
    .pushConstantRangeCount = 1,
    .pPushConstantRanges = &push,
  };
  return _cep_vulkan_check (ctx, ctx->vk.CreateDescriptorSetLayout (ctx->device, &set_info,
                                                                    NULL, &layout->set_layout),
                            "vkCreateDescriptorSetLayout") &&
         _cep_vulkan_check (ctx, ctx->vk.CreatePipelineLayout (ctx->device, &info, NULL,
                                                               &layout->layout),
                            "vkCreatePipelineLayout");
}

static VkPipeline
create_pipeline (CepVulkanContext      *ctx,
                 const CepVulkanKernel *kernel)
{
  const CepVulkanShader *shader = &cep_vulkan_shaders[kernel->shader];
  VkSpecializationMapEntry entries[CEP_VULKAN_MAX_SPEC];
  VkShaderModule module = VK_NULL_HANDLE;
  VkPipeline pipeline = VK_NULL_HANDLE;

  for (guint i = 0; i < kernel->n_spec; i++)
    entries[i] = (VkSpecializationMapEntry) { i, i * 4, 4 };
  VkSpecializationInfo spec = { kernel->n_spec, entries, kernel->n_spec * 4, kernel->spec };
  VkShaderModuleCreateInfo module_info = {
    .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
    .codeSize = shader->spirv_bytes,
    .pCode = shader->spirv,
  };
  if (!_cep_vulkan_check (ctx, ctx->vk.CreateShaderModule (ctx->device, &module_info, NULL,
                                                           &module), "vkCreateShaderModule"))
    return VK_NULL_HANDLE;
  VkComputePipelineCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
    .stage = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
      .stage = VK_SHADER_STAGE_COMPUTE_BIT,
      .module = module,
      .pName = "main",
      .pSpecializationInfo = kernel->n_spec > 0 ? &spec : NULL,
    },
    .layout = ctx->layouts[kernel->shader].layout,
  };
  _cep_vulkan_check (ctx, ctx->vk.CreateComputePipelines (ctx->device, ctx->pipeline_cache, 1,
                                                          &info, NULL, &pipeline),
                     shader->name);
  ctx->vk.DestroyShaderModule (ctx->device, module, NULL);
  return pipeline;
}

static gboolean
same_kernel (const CepVulkanKernel *a,
             const CepVulkanKernel *b)
{
  return a->shader == b->shader && a->n_spec == b->n_spec &&
         memcmp (a->spec, b->spec, a->n_spec * sizeof (guint32)) == 0;
}

VkPipeline
_cep_vulkan_pipeline (CepVulkanContext      *ctx,
                      const CepVulkanKernel *kernel)
{
  for (guint i = 0; i < ctx->pipelines->len; i++)
    {
      CepVulkanPipeline *known = &g_array_index (ctx->pipelines, CepVulkanPipeline, i);
      if (same_kernel (&known->key, kernel))
        return known->pipeline;
    }
  if (_cep_vulkan_failed (ctx) || !ensure_layout (ctx, kernel->shader))
    return VK_NULL_HANDLE;
  CepVulkanPipeline created = { *kernel, create_pipeline (ctx, kernel) };
  if (created.pipeline == VK_NULL_HANDLE)
    return VK_NULL_HANDLE;
  g_array_append_val (ctx->pipelines, created);
  return created.pipeline;
}
