/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-vulkan-ops-gemm.c: the matrix product — which tile shape of shaders/gemm.comp each
 * call gets, and the empty products (alpha = 0 or k = 0) that only scale C.
 *
 * Tile shapes on GPUs: large (128 × 128 tiles, 8 × 8 per invocation) when the product has
 * enough tiles to fill the device, medium (64 × 64, 4 × 4) otherwise, and skinny shapes for
 * the products with few columns (the seed product {10000, 784} × {784, 10}) or few rows,
 * where a square tile would mostly compute padding. CPU implementations get their own set.
 * It must not change the product's semantics (cep-backend.h).
 */
#define G_LOG_DOMAIN "cepstra-vulkan"

#include "cep-vulkan-private.h"

typedef struct
{
  guint32 bm, bn, bk, tm, tn;
} GemmTile;

/* The tile shapes of one kind of device. */
typedef struct
{
  GemmTile large, medium, few_columns, few_rows;
} GemmTileSet;

/* GPUs: the classic shapes, 256 invocations each. */
static const GemmTileSet gpu_tiles = {
  .large = { 128, 128, 8, 8, 8 },
  .medium = { 64, 64, 16, 4, 4 },
  .few_columns = { 64, 16, 16, 4, 1 },
  .few_rows = { 16, 64, 16, 1, 4 },
};

/* CPU implementations (lavapipe) run a workgroup as a loop over SIMD batches, where shared
 * memory reads are gathers: more work per invocation pays (measured on lavapipe). */
static const GemmTileSet cpu_tiles = {
  .large = { 128, 128, 16, 8, 8 },
  .medium = { 128, 128, 16, 8, 8 },
  .few_columns = { 128, 16, 32, 8, 4 },
  .few_rows = { 16, 128, 16, 2, 8 },
};

/* Large tiles only pay when there are enough of them to occupy every compute unit. */
#define LARGE_TILES_MIN 64

static guint
tiles (guint           m,
       guint           n,
       const GemmTile *tile)
{
  return ((m + tile->bm - 1) / tile->bm) * ((n + tile->bn - 1) / tile->bn);
}

/* CEPSTRA_VULKAN_GEMM_TILE (tests) picks one shape by name, of this device's set or of the
 * one named by a "gpu:" or "cpu:" prefix, so every shape is tested on any device. */
static const GemmTile *
forced_tile (const GemmTileSet *set,
             const char        *name)
{
  if (name != NULL && g_str_has_prefix (name, "gpu:"))
    return forced_tile (&gpu_tiles, name + 4);
  if (name != NULL && g_str_has_prefix (name, "cpu:"))
    return forced_tile (&cpu_tiles, name + 4);
  if (g_strcmp0 (name, "large") == 0)
    return &set->large;
  if (g_strcmp0 (name, "medium") == 0)
    return &set->medium;
  if (g_strcmp0 (name, "few-columns") == 0)
    return &set->few_columns;
  if (g_strcmp0 (name, "few-rows") == 0)
    return &set->few_rows;
  return NULL;
}

static const GemmTile *
choose_tile (CepVulkanContext *ctx,
             guint             m,
             guint             n)
{
  gboolean cpu = ctx->properties.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
  const GemmTileSet *set = cpu ? &cpu_tiles : &gpu_tiles;
  const GemmTile *forced = forced_tile (set, ctx->forced_gemm_tile);

  if (forced != NULL)
    return forced;
  if (n <= 16)
    return &set->few_columns;
  if (m <= 16)
    return &set->few_rows;
  if (tiles (m, n, &set->large) >= LARGE_TILES_MIN)
    return &set->large;
  return &set->medium;
}

/* Words from a matrix view's first element to its last: @rows rows of @cols, stride @ld. */
static gsize
matrix_extent (guint rows,
               guint cols,
               guint ld)
{
  return (gsize) (rows - 1) * ld + cols;
}

static void
scale_only (CepBackend *backend,
            guint       m,
            guint       n,
            float       beta,
            CepView     c,
            guint       ldc)
{
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_MATRIX_SCALE);
  CepVulkanArg args[] = { CEP_VULKAN_OUT (c, matrix_extent (m, n, ldc)) };
  struct { guint32 off_c, m, n, ldc; float beta; } push = { .m = m, .n = n, .ldc = ldc,
                                                            .beta = beta };

  _cep_vulkan_dispatch (backend, &kernel, args, &push,
                        _cep_vulkan_groups ((gsize) m * n, 256), 1);
}

static CepVulkanKernel
gemm_kernel (const GemmTile *tile,
             CepTranspose    trans_a,
             CepTranspose    trans_b)
{
  guint32 threads = (tile->bm / tile->tm) * (tile->bn / tile->tn);

  return (CepVulkanKernel) {
    .shader = CEP_SHADER_GEMM,
    .n_spec = 8,
    .spec = { threads, tile->bm, tile->bn, tile->bk, tile->tm, tile->tn,
              trans_a == CEP_TRANS, trans_b == CEP_TRANS },
  };
}

static void
vulkan_gemm (CepBackend  *backend,
             CepTranspose trans_a,
             CepTranspose trans_b,
             guint        m,
             guint        n,
             guint        k,
             float        alpha,
             CepView      a,
             guint        lda,
             CepView      b,
             guint        ldb,
             float        beta,
             CepView      c,
             guint        ldc)
{
  if (alpha == 0.0f || k == 0)
    {
      scale_only (backend, m, n, beta, c, ldc);
      return;
    }
  const GemmTile *tile = choose_tile (cep_vulkan_context (backend), m, n);
  CepVulkanKernel kernel = gemm_kernel (tile, trans_a, trans_b);
  gboolean ta = trans_a == CEP_TRANS, tb = trans_b == CEP_TRANS;
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (a, ta ? matrix_extent (k, m, lda) : matrix_extent (m, k, lda)),
    CEP_VULKAN_IN (b, tb ? matrix_extent (n, k, ldb) : matrix_extent (k, n, ldb)),
    CEP_VULKAN_OUT (c, matrix_extent (m, n, ldc)),
  };
  struct { guint32 off_a, off_b, off_c, m, n, k, lda, ldb, ldc; float alpha, beta; } push = {
    .m = m, .n = n, .k = k, .lda = lda, .ldb = ldb, .ldc = ldc, .alpha = alpha, .beta = beta,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, (n + tile->bn - 1) / tile->bn,
                        (m + tile->bm - 1) / tile->bm);
}

void
_cep_vulkan_fill_gemm_ops (CepBackendOps *ops)
{
  ops->gemm = vulkan_gemm;
}
