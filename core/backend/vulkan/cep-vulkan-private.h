/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-private.h: the state of a Vulkan backend and the internal interfaces between its
 * files — loader and device (cep-vulkan-device.c), memory (cep-vulkan-memory.c), pipelines
 * (cep-vulkan-pipelines.c), command recording (cep-vulkan-stream.c) and the operations
 * (cep-vulkan-ops*.c).
 *
 * Every Vulkan failure goes through _cep_vulkan_check(), which keeps the first one as the
 * backend's error; once set, recording stops and operations become no-ops.
 */
#pragma once

#include <gmodule.h>

#include "cep-backend-private.h"
#include "cep-backend-vulkan.h"
#include "cep-vulkan-functions.h"

G_BEGIN_DECLS

#define CEP_VULKAN_FRAMES        2
#define CEP_VULKAN_MAX_BINDINGS  8
#define CEP_VULKAN_MAX_SPEC      8
/* Commands per command buffer before it is submitted on its own. */
#define CEP_VULKAN_FLUSH_COMMANDS 512

/* Memory */

typedef struct
{
  VkDeviceSize offset;
  VkDeviceSize size;
} CepVulkanRange;

/* One VkDeviceMemory allocation with one VkBuffer over all of it; buffers are ranges. */
typedef struct
{
  VkDeviceMemory memory;
  VkBuffer       buffer;
  VkDeviceSize   size;
  GArray        *free_ranges;     /* CepVulkanRange, sorted, coalesced */
  guint          n_allocations;
  gboolean       dedicated;       /* made for one large buffer; released when empty */
} CepVulkanBlock;

/* What CepBuffer->device points to. */
typedef struct
{
  CepVulkanBlock *block;
  VkDeviceSize    offset;         /* bytes into the block */
  VkDeviceSize    size;
} CepVulkanAllocation;

/* A host-visible, coherent buffer mapped for its whole life (staging, readback). */
typedef struct
{
  VkBuffer       buffer;
  VkDeviceMemory memory;
  guint8        *map;
  VkDeviceSize   size;
} CepVulkanHostBuffer;

/* Recording */

/* A byte range a recorded command reads or writes, for the barriers between commands. */
typedef struct
{
  VkBuffer     buffer;
  VkDeviceSize start;
  VkDeviceSize end;
  gboolean     write;
} CepVulkanAccess;

typedef struct
{
  VkCommandPool       pool;
  VkCommandBuffer     cmd;
  VkFence             fence;
  GArray             *descriptor_pools;   /* VkDescriptorPool */
  guint               pool_index;         /* the pool sets are taken from */
  guint               pool_sets;          /* sets taken from it */
  CepVulkanHostBuffer staging;
  VkDeviceSize        staging_used;
  gboolean            recording;
  gboolean            in_flight;
  guint               n_commands;
} CepVulkanFrame;

/* Pipelines */

typedef enum
{
  CEP_SHADER_SCALE,
  CEP_SHADER_AXPY,
  CEP_SHADER_MATRIX_SCALE,
  CEP_SHADER_GEMM,
  CEP_SHADER_GEMM_VEC4,
  CEP_SHADER_GEMM_REDUCE,
  CEP_SHADER_GEMM_SKINNY,
  CEP_SHADER_BIAS_ACT_FORWARD,
  CEP_SHADER_BIAS_ACT_BACKWARD,
  CEP_SHADER_BIAS_ACT_BACKWARD_DBIAS,
  CEP_SHADER_COLUMN_SUMS,
  CEP_SHADER_BATCHNORM_STATS,
  CEP_SHADER_BATCHNORM_APPLY,
  CEP_SHADER_BATCHNORM_BACKWARD_SUMS,
  CEP_SHADER_BATCHNORM_BACKWARD_DX,
  CEP_SHADER_LAYERNORM_FORWARD,
  CEP_SHADER_LAYERNORM_BACKWARD_PARAMS,
  CEP_SHADER_LAYERNORM_BACKWARD_DX,
  CEP_SHADER_DROPOUT_FORWARD,
  CEP_SHADER_DROPOUT_BACKWARD,
  CEP_SHADER_SOFTMAX_CE_FORWARD,
  CEP_SHADER_SOFTMAX_CE_BACKWARD,
  CEP_SHADER_ARGMAX,
  CEP_SHADER_ADAM,
  CEP_SHADER_SGD,
  CEP_SHADER_SUM_SQUARES,
  CEP_SHADER_REDUCE_ADD,
  CEP_SHADER_CLIP_SCALE,
  CEP_SHADER_PEAK_FMA,
  CEP_SHADER_GATHER_WINDOWS,
  CEP_SHADER_CONV1D_UNFOLD,
  CEP_SHADER_CONV1D_FOLD,
  CEP_SHADER_MAX_POOL1D_FORWARD,
  CEP_SHADER_MAX_POOL1D_BACKWARD,
  CEP_SHADER_AVG_POOL1D_FORWARD,
  CEP_SHADER_AVG_POOL1D_BACKWARD,
  CEP_N_SHADERS,
} CepVulkanShaderId;

/* A shader's fixed facts: the pipeline table's rows (cep-vulkan-shaders.c). */
typedef struct
{
  const char     *name;
  const guint32  *spirv;
  gsize           spirv_bytes;
  guint           n_bindings;
  guint           push_bytes;     /* its push-constant block; binding offsets come first */
  guint           local_size;     /* invocations per workgroup when fixed in the shader; 0 when
                                   * set by specialization constant 0 */
} CepVulkanShader;

extern const CepVulkanShader cep_vulkan_shaders[CEP_N_SHADERS];

/* A pipeline: a shader with specialization constants 0..n_spec-1. */
typedef struct
{
  CepVulkanShaderId shader;
  guint             n_spec;
  guint32           spec[CEP_VULKAN_MAX_SPEC];
} CepVulkanKernel;

typedef struct
{
  CepVulkanKernel key;
  VkPipeline      pipeline;
} CepVulkanPipeline;

typedef struct
{
  VkDescriptorSetLayout set_layout;
  VkPipelineLayout      layout;
} CepVulkanLayout;

/* The backend */

typedef struct _CepVulkanProfile CepVulkanProfile;

typedef struct
{
  CepVulkanFunctions               vk;
  GModule                         *library;
  VkInstance                       instance;
  VkDebugUtilsMessengerEXT         messenger;
  guint                            validation_messages;

  VkPhysicalDevice                 physical;
  VkPhysicalDeviceProperties       properties;
  VkPhysicalDeviceMemoryProperties memory_properties;
  VkDevice                         device;
  VkQueue                          queue;
  guint32                          queue_family;
  guint32                          device_memory_type;
  guint32                          host_memory_type;
  VkDeviceSize                     max_allocation;
  VkDeviceSize                     max_binding;
  VkDeviceSize                     binding_alignment;

  GPtrArray                       *blocks;          /* CepVulkanBlock */
  guint64                          device_bytes;
  CepVulkanHostBuffer              readback;
  CepBuffer                       *dummy;           /* bound where a view is none */
  CepBuffer                       *scratch;         /* reduction partials */

  CepVulkanFrame                   frames[CEP_VULKAN_FRAMES];
  guint                            current;
  guint64                          submits;
  GArray                          *pending_reads;   /* CepVulkanAccess since the last barrier */
  GArray                          *pending_writes;
  gboolean                         needs_full_barrier;

  VkPipelineCache                  pipeline_cache;
  CepVulkanLayout                  layouts[CEP_N_SHADERS];
  GArray                          *pipelines;       /* CepVulkanPipeline */

  GError                          *error;           /* the first device error */

  /* Test aids, from the environment at creation: CEPSTRA_VULKAN_GEMM_TILE forces one GEMM
   * tile shape by name; CEPSTRA_VULKAN_GEMM_SPLITS splits every product along k;
   * CEPSTRA_VULKAN_MAX_BINDING (bytes) lowers the binding limit so chunking shows on small
   * tensors. */
  char                            *forced_gemm_tile;
  guint                            forced_gemm_splits;  /* CEPSTRA_VULKAN_GEMM_SPLITS */
  CepVulkanProfile                *profile;         /* NULL unless profiling */
} CepVulkanContext;

static inline CepVulkanContext *
cep_vulkan_context (CepBackend *backend)
{
  return backend->context;
}

static inline CepVulkanAllocation *
cep_vulkan_allocation (CepBuffer *buffer)
{
  return buffer->device;
}

/* Errors (cep-backend-vulkan.c) */

/* TRUE for VK_SUCCESS; otherwise records "@what: <result>" as the backend's error (the first
 * one wins) and returns FALSE. */
gboolean _cep_vulkan_check        (CepVulkanContext *ctx,
                                   VkResult          result,
                                   const char       *what);
gboolean _cep_vulkan_failed       (CepVulkanContext *ctx);
void     _cep_vulkan_fail         (CepVulkanContext *ctx,
                                   const char       *format,
                                   ...) G_GNUC_PRINTF (2, 3);
const char *_cep_vulkan_result_string (VkResult result);

/* Loader, instance and device (cep-vulkan-device.c) */

gboolean _cep_vulkan_open_loader  (CepVulkanFunctions *vk,
                                   GModule           **library,
                                   GError            **error);
gboolean _cep_vulkan_create_instance (CepVulkanContext   *ctx,
                                      CepVulkanValidation validation,
                                      GError            **error);
gboolean _cep_vulkan_create_device   (CepVulkanContext   *ctx,
                                      const char         *choice,
                                      GError            **error);
void     _cep_vulkan_destroy_device  (CepVulkanContext   *ctx);
char    *_cep_vulkan_describe_device (CepVulkanContext   *ctx);

/* Memory (cep-vulkan-memory.c) */

gboolean _cep_vulkan_memory_init     (CepVulkanContext    *ctx,
                                      GError             **error);
void     _cep_vulkan_memory_clear    (CepVulkanContext    *ctx);
gboolean _cep_vulkan_allocate        (CepVulkanContext    *ctx,
                                      VkDeviceSize         bytes,
                                      CepVulkanAllocation *allocation,
                                      GError             **error);
void     _cep_vulkan_release         (CepVulkanContext    *ctx,
                                      CepVulkanAllocation *allocation);
gboolean _cep_vulkan_host_buffer_init  (CepVulkanContext    *ctx,
                                        VkDeviceSize         bytes,
                                        CepVulkanHostBuffer *host,
                                        GError             **error);
void     _cep_vulkan_host_buffer_clear (CepVulkanContext    *ctx,
                                        CepVulkanHostBuffer *host);
/* A buffer the backend uses itself (not counted as the caller's). */
CepBuffer *_cep_vulkan_internal_buffer (CepBackend         *backend,
                                        gsize               n_words,
                                        GError            **error);
void       _cep_vulkan_internal_buffer_free (CepBuffer      *buffer);
/* The scratch buffer with at least @n_words words, grown as needed. */
CepBuffer *_cep_vulkan_scratch       (CepBackend          *backend,
                                      gsize                n_words);

/* Pipelines (cep-vulkan-pipelines.c) */

gboolean _cep_vulkan_pipelines_init  (CepVulkanContext    *ctx,
                                      GError             **error);
void     _cep_vulkan_pipelines_clear (CepVulkanContext    *ctx);
/* The pipeline of @kernel, created on first use; VK_NULL_HANDLE after a device error. */
VkPipeline _cep_vulkan_pipeline      (CepVulkanContext    *ctx,
                                      const CepVulkanKernel *kernel);

/* Recording (cep-vulkan-stream.c) */

gboolean _cep_vulkan_stream_init     (CepVulkanContext    *ctx,
                                      GError             **error);
void     _cep_vulkan_stream_clear    (CepVulkanContext    *ctx);
/* The command buffer being recorded, begun if needed (NULL after a device error). */
VkCommandBuffer _cep_vulkan_begin    (CepVulkanContext    *ctx);
/* Inserts the barrier @accesses need after the commands recorded so far, then notes them. */
void     _cep_vulkan_track           (CepVulkanContext    *ctx,
                                      const CepVulkanAccess *accesses,
                                      guint                n_accesses);
/* Submits what is recorded; _cep_vulkan_wait_idle also waits for it. */
void     _cep_vulkan_flush           (CepVulkanContext    *ctx);
void     _cep_vulkan_wait_idle       (CepVulkanContext    *ctx);
VkDescriptorSet _cep_vulkan_descriptor_set (CepVulkanContext     *ctx,
                                            VkDescriptorSetLayout layout);
void     _cep_vulkan_upload          (CepVulkanContext    *ctx,
                                      CepBuffer           *buffer,
                                      gsize                offset,
                                      const void          *data,
                                      gsize                n_words);
void     _cep_vulkan_download        (CepVulkanContext    *ctx,
                                      CepBuffer           *buffer,
                                      gsize                offset,
                                      void                *data,
                                      gsize                n_words);
void     _cep_vulkan_fill_words      (CepVulkanContext    *ctx,
                                      CepView              dst,
                                      gsize                n_words,
                                      guint32              value);
void     _cep_vulkan_copy_words      (CepVulkanContext    *ctx,
                                      CepView              src,
                                      CepView              dst,
                                      gsize                n_words);

/* Dispatching a kernel (cep-vulkan-dispatch.c) */

/* A tensor bound to a kernel: @n_words from @view, written or only read. */
typedef struct
{
  CepView  view;
  gsize    n_words;
  gboolean write;
} CepVulkanArg;

#define CEP_VULKAN_IN(v, n)  ((CepVulkanArg) { (v), (n), FALSE })
#define CEP_VULKAN_OUT(v, n) ((CepVulkanArg) { (v), (n), TRUE })

/* Records @kernel over @groups_x × @groups_y workgroups with @args bound in order (as many
 * as the shader has bindings). @push is the shader's push-constant block: its first words are
 * the word offsets of the bindings, which this fills in. */
void     _cep_vulkan_dispatch        (CepBackend            *backend,
                                      const CepVulkanKernel *kernel,
                                      const CepVulkanArg    *args,
                                      void                  *push,
                                      guint                  groups_x,
                                      guint                  groups_y);
/* TRUE when @view will be bound with a word offset that is a multiple of four, so a shader
 * may read it as vec4 (see bind_arg). */
gboolean _cep_vulkan_view_vec4_aligned (CepVulkanContext    *ctx,
                                        CepView              view);
/* A kernel without specialization constants. */
static inline CepVulkanKernel
cep_vulkan_kernel (CepVulkanShaderId shader)
{
  return (CepVulkanKernel) { .shader = shader };
}
/* Workgroups for a grid-stride loop over @n items, @per_group per workgroup. */
guint    _cep_vulkan_groups          (gsize                  n,
                                      guint                  per_group);
/* The most words one flat elementwise dispatch may cover (binding range), a multiple of 32. */
gsize    _cep_vulkan_chunk_words     (CepVulkanContext      *ctx);

/* Calls @func on consecutive pieces [start, start + count) of [0, n), each small enough for
 * one binding and a multiple of 32 words except the last (so dropout masks split on words). */
typedef void (*CepVulkanChunkFunc) (CepBackend *backend,
                                    gsize       start,
                                    gsize       count,
                                    gpointer    data);
void     _cep_vulkan_for_chunks      (CepBackend            *backend,
                                      gsize                  n,
                                      CepVulkanChunkFunc     func,
                                      gpointer               data);
/* Records target[0] += Σ partials[0..count) (the second stage of a two-stage sum). */
void     _cep_vulkan_reduce_add      (CepBackend            *backend,
                                      CepView                partials,
                                      guint                  count,
                                      CepView                target);

/* The context of a vulkan backend; NULL (with a critical) for any other backend. */
CepVulkanContext *_cep_vulkan_context_of (CepBackend *backend);

/* Profiling (cep-vulkan-profile.c): a timestamp after each recorded command, charged to its
 * mark — a shader id or one of the transfers below. All are no-ops unless profiling is on. */
enum
{
  CEP_VULKAN_MARK_UPLOAD = CEP_N_SHADERS,
  CEP_VULKAN_MARK_DOWNLOAD,
  CEP_VULKAN_MARK_FILL,
  CEP_VULKAN_MARK_COPY,
  CEP_VULKAN_N_MARKS,
};
void     _cep_vulkan_profile_begin_frame (CepVulkanContext *ctx,
                                          guint             frame);
void     _cep_vulkan_profile_mark        (CepVulkanContext *ctx,
                                          guint             mark);
void     _cep_vulkan_profile_collect     (CepVulkanContext *ctx,
                                          guint             frame,
                                          double            waited_seconds);
void     _cep_vulkan_profile_clear       (CepVulkanContext *ctx);

/* Operation tables (cep-vulkan-ops-*.c) fill the backend's ops. */
void     _cep_vulkan_fill_vector_ops (CepBackendOps         *ops);
void     _cep_vulkan_fill_gemm_ops   (CepBackendOps         *ops);
void     _cep_vulkan_fill_layer_ops  (CepBackendOps         *ops);
void     _cep_vulkan_fill_layernorm_ops (CepBackendOps      *ops);
void     _cep_vulkan_fill_output_ops (CepBackendOps         *ops);
void     _cep_vulkan_fill_gather_ops (CepBackendOps         *ops);
void     _cep_vulkan_fill_time_ops   (CepBackendOps         *ops);

G_END_DECLS
