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
  const char       *name;
  CepVulkanShaderId shader;
  guint32           bm, bn, bk, tm, tn;
} GemmTile;

/* The scalar tile shapes of one kind of device (shaders/gemm.comp). */
typedef struct
{
  GemmTile large, medium, few_columns, few_rows;
} GemmTileSet;

/* GPUs: the classic shapes, 256 invocations each. */
static const GemmTileSet gpu_tiles = {
  .large = { "large", CEP_SHADER_GEMM, 128, 128, 8, 8, 8 },
  .medium = { "medium", CEP_SHADER_GEMM, 64, 64, 16, 4, 4 },
  .few_columns = { "few-columns", CEP_SHADER_GEMM, 64, 16, 16, 4, 1 },
  .few_rows = { "few-rows", CEP_SHADER_GEMM, 16, 64, 16, 1, 4 },
};

/* CPU implementations (lavapipe) run a workgroup as a loop over SIMD batches, where shared
 * memory reads are gathers: more work per invocation pays (measured on lavapipe). */
static const GemmTileSet cpu_tiles = {
  .large = { "large", CEP_SHADER_GEMM, 128, 128, 16, 8, 8 },
  .medium = { "medium", CEP_SHADER_GEMM, 128, 128, 16, 8, 8 },
  .few_columns = { "few-columns", CEP_SHADER_GEMM, 128, 16, 32, 8, 4 },
  .few_rows = { "few-rows", CEP_SHADER_GEMM, 16, 128, 16, 2, 8 },
};

/* GPUs, products whose every dimension, leading dimension and offset is a multiple of four
 * floats (shaders/gemm-vec4.comp), largest first: the first shape that yields
 * VEC4_TILES_MIN workgroups is taken, else the last. 256 invocations each; a shape needs
 * BM·BK and BN·BK to be multiples of 1024 (one vec4 load per invocation and operand).
 * Measured on an NVIDIA H200 over every Linear product of tiny and full at batch 1024 and
 * 4096 (tests/bench/README.md): 128 × 128 with 16-deep slices is the fastest shape wherever
 * it makes about one workgroup per compute unit, and 64 × 64 wherever it does not, except
 * for the weight gradients of tiny's first layer, where 128 × 64 wins. */
static const GemmTile vec4_tiles[] = {
  { "vec4-128x128-k16", CEP_SHADER_GEMM_VEC4, 128, 128, 16, 8, 8 },
  { "vec4-128x64", CEP_SHADER_GEMM_VEC4, 128, 64, 16, 8, 4 },
  { "vec4-64x64", CEP_SHADER_GEMM_VEC4, 64, 64, 16, 4, 4 },
};

/* Shapes only the benchmark and the tests ask for by name (slower on the H200). */
static const GemmTile vec4_extra_tiles[] = {
  { "vec4-128x128", CEP_SHADER_GEMM_VEC4, 128, 128, 8, 8, 8 },
  { "vec4-64x128", CEP_SHADER_GEMM_VEC4, 64, 128, 16, 4, 8 },
  { "vec4-128x256", CEP_SHADER_GEMM_VEC4, 128, 256, 8, 8, 16 },
  { "vec4-256x128", CEP_SHADER_GEMM_VEC4, 256, 128, 8, 16, 8 },
};

/* Products of at most 16 columns with A not transposed, on GPUs (shaders/gemm-skinny.comp):
 * 8 rows of 32 lanes a workgroup. The seed product ran 143 µs a call with the scalar
 * few-columns tile on the H200. */
#define SKINNY_LANES 32
static const GemmTile skinny_tile = { "skinny", CEP_SHADER_GEMM_SKINNY, 256 / SKINNY_LANES,
                                      16, 0, 0, 0 };

/* Large tiles only pay when there are enough of them to occupy every compute unit. */
#define LARGE_TILES_MIN 64
#define VEC4_TILES_MIN 96

/* A product with fewer workgroups than this is split along k (when k is long enough), each
 * split into its own partial product, and the partials are summed by shaders/gemm-reduce:
 * the weight gradients (few outputs, k = the batch) otherwise leave most of a GPU idle. */
#define SPLIT_TARGET_GROUPS 256
#define SPLIT_MIN_K 256
#define SPLIT_MAX 16

static guint
tiles (guint           m,
       guint           n,
       const GemmTile *tile)
{
  return ((m + tile->bm - 1) / tile->bm) * ((n + tile->bn - 1) / tile->bn);
}

static const GemmTile *
find_tile (const GemmTile *table,
           guint           n_tiles,
           const char     *name)
{
  for (guint i = 0; i < n_tiles; i++)
    if (g_strcmp0 (table[i].name, name) == 0)
      return &table[i];
  return NULL;
}

/* CEPSTRA_VULKAN_GEMM_TILE (tests, benchmarks) picks one shape by name: of this device's
 * scalar set, of the one named by a "gpu:" or "cpu:" prefix, or a vec4 shape (used only where
 * the product is aligned for it), so every shape is tested on any device. */
static const GemmTile *
forced_tile (const GemmTileSet *set,
             const char        *name)
{
  const GemmTile *vec4;

  if (name == NULL)
    return NULL;
  if (g_str_has_prefix (name, "gpu:"))
    return forced_tile (&gpu_tiles, name + 4);
  if (g_str_has_prefix (name, "cpu:"))
    return forced_tile (&cpu_tiles, name + 4);
  if (g_strcmp0 (name, skinny_tile.name) == 0)
    return &skinny_tile;
  vec4 = find_tile (vec4_tiles, G_N_ELEMENTS (vec4_tiles), name);
  if (vec4 == NULL)
    vec4 = find_tile (vec4_extra_tiles, G_N_ELEMENTS (vec4_extra_tiles), name);
  if (vec4 != NULL)
    return vec4;
  return find_tile ((const GemmTile *) set, sizeof *set / sizeof (GemmTile), name);
}

/* Shared memory of a vec4 shape: two slices of each operand, rows padded by one vec4. */
static gsize
vec4_shared_bytes (const GemmTile *tile)
{
  return 2 * tile->bk * ((tile->bm / 4 + 1) + (tile->bn / 4 + 1)) * 16;
}

static gboolean
tile_fits (CepVulkanContext *ctx,
           const GemmTile   *tile,
           guint             n,
           gboolean          trans_a,
           gboolean          aligned)
{
  if (tile->shader == CEP_SHADER_GEMM_SKINNY)
    return n <= skinny_tile.bn && !trans_a;
  if (tile->shader != CEP_SHADER_GEMM_VEC4)
    return TRUE;
  return aligned &&
         vec4_shared_bytes (tile) <= ctx->properties.limits.maxComputeSharedMemorySize;
}

static const GemmTile *
choose_vec4_tile (guint m,
                  guint n)
{
  for (guint i = 0; i + 1 < G_N_ELEMENTS (vec4_tiles); i++)
    if (tiles (m, n, &vec4_tiles[i]) >= VEC4_TILES_MIN)
      return &vec4_tiles[i];
  return &vec4_tiles[G_N_ELEMENTS (vec4_tiles) - 1];
}

static const GemmTile *
choose_tile (CepVulkanContext *ctx,
             guint             m,
             guint             n,
             gboolean          trans_a,
             gboolean          aligned)
{
  gboolean cpu = ctx->properties.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
  const GemmTileSet *set = cpu ? &cpu_tiles : &gpu_tiles;
  const GemmTile *forced = forced_tile (set, ctx->forced_gemm_tile);

  if (forced != NULL && tile_fits (ctx, forced, n, trans_a, aligned))
    return forced;
  if (n <= skinny_tile.bn && !trans_a && !cpu)
    return &skinny_tile;
  if (n <= 16)
    return &set->few_columns;
  if (m <= 16)
    return &set->few_rows;
  if (aligned && !cpu)
    return choose_vec4_tile (m, n);
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
  if (tile->shader == CEP_SHADER_GEMM_SKINNY)
    return (CepVulkanKernel) { .shader = CEP_SHADER_GEMM_SKINNY, .n_spec = 2,
                               .spec = { SKINNY_LANES, trans_b == CEP_TRANS } };

  guint32 threads = (tile->bm / tile->tm) * (tile->bn / tile->tn);

  return (CepVulkanKernel) {
    .shader = tile->shader,
    .n_spec = 8,
    .spec = { threads, tile->bm, tile->bn, tile->bk, tile->tm, tile->tn,
              trans_a == CEP_TRANS, trans_b == CEP_TRANS },
  };
}

typedef struct
{
  CepTranspose trans_a, trans_b;
  guint        m, n, k;
  float        alpha;
  CepView      a;
  guint        lda;
  CepView      b;
  guint        ldb;
  float        beta;
  CepView      c;
  guint        ldc;
} GemmCall;

static gboolean
call_is_aligned (CepVulkanContext *ctx,
                 const GemmCall   *g)
{
  return g->m % 4 == 0 && g->n % 4 == 0 && g->k % 4 == 0 && g->lda % 4 == 0 &&
         g->ldb % 4 == 0 && g->ldc % 4 == 0 && _cep_vulkan_view_vec4_aligned (ctx, g->a) &&
         _cep_vulkan_view_vec4_aligned (ctx, g->b) && _cep_vulkan_view_vec4_aligned (ctx, g->c);
}

static void
dispatch_gemm (CepBackend     *backend,
               const GemmTile *tile,
               const GemmCall *g)
{
  CepVulkanKernel kernel = gemm_kernel (tile, g->trans_a, g->trans_b);
  gboolean ta = g->trans_a == CEP_TRANS, tb = g->trans_b == CEP_TRANS;
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (g->a, ta ? matrix_extent (g->k, g->m, g->lda)
                            : matrix_extent (g->m, g->k, g->lda)),
    CEP_VULKAN_IN (g->b, tb ? matrix_extent (g->n, g->k, g->ldb)
                            : matrix_extent (g->k, g->n, g->ldb)),
    CEP_VULKAN_OUT (g->c, matrix_extent (g->m, g->n, g->ldc)),
  };
  struct { guint32 off_a, off_b, off_c, m, n, k, lda, ldb, ldc; float alpha, beta; } push = {
    .m = g->m, .n = g->n, .k = g->k, .lda = g->lda, .ldb = g->ldb, .ldc = g->ldc,
    .alpha = g->alpha, .beta = g->beta,
  };

  if (tile->shader == CEP_SHADER_GEMM_SKINNY)
    _cep_vulkan_dispatch (backend, &kernel, args, &push, _cep_vulkan_groups (g->m, tile->bm),
                          1);
  else
    _cep_vulkan_dispatch (backend, &kernel, args, &push, (g->n + tile->bn - 1) / tile->bn,
                          (g->m + tile->bm - 1) / tile->bm);
}

/* How many pieces of k a product is split into: CEPSTRA_VULKAN_GEMM_SPLITS (tests) or, on
 * GPUs, enough for SPLIT_TARGET_GROUPS workgroups, each piece at least SPLIT_MIN_K long. */
static guint
choose_splits (CepVulkanContext *ctx,
               const GemmTile   *tile,
               const GemmCall   *g)
{
  guint groups = tiles (g->m, g->n, tile);

  if (ctx->forced_gemm_splits > 0)
    return MIN (ctx->forced_gemm_splits, MAX (g->k / 16, 1));
  if (ctx->properties.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU ||
      groups >= SPLIT_TARGET_GROUPS)
    return 1;
  guint wanted = (SPLIT_TARGET_GROUPS + groups - 1) / groups;
  return CLAMP (MIN (wanted, g->k / SPLIT_MIN_K), 1, SPLIT_MAX);
}

static void
reduce_splits (CepBackend     *backend,
               CepView         partials,
               guint           splits,
               const GemmCall *g)
{
  CepVulkanKernel kernel = cep_vulkan_kernel (CEP_SHADER_GEMM_REDUCE);
  gsize size = (gsize) g->m * g->n;
  CepVulkanArg args[] = {
    CEP_VULKAN_IN (partials, size * splits),
    CEP_VULKAN_OUT (g->c, matrix_extent (g->m, g->n, g->ldc)),
  };
  struct { guint32 off_p, off_c, m, n, ldc, splits; float alpha, beta; } push = {
    .m = g->m, .n = g->n, .ldc = g->ldc, .splits = splits, .alpha = g->alpha, .beta = g->beta,
  };

  _cep_vulkan_dispatch (backend, &kernel, args, &push, _cep_vulkan_groups (size, 256), 1);
}

/* Piece s covers k in [s·piece, (s+1)·piece); pieces are multiples of 16 so every piece's
 * operands stay as aligned as the whole product's. The pieces write disjoint partials, so
 * no barrier orders them: they run side by side. */
static void
split_gemm (CepBackend     *backend,
            const GemmCall *g,
            guint           splits)
{
  CepVulkanContext *ctx = cep_vulkan_context (backend);
  gsize size = (gsize) g->m * g->n;
  guint piece = ((g->k + splits - 1) / splits + 15) / 16 * 16;
  CepBuffer *scratch;

  splits = (g->k + piece - 1) / piece;
  scratch = _cep_vulkan_scratch (backend, size * splits);
  if (scratch == NULL)
    return;
  for (guint s = 0; s < splits; s++)
    {
      guint start = s * piece;
      GemmCall part = *g;
      part.k = MIN (piece, g->k - start);
      part.a.offset += g->trans_a == CEP_TRANS ? (gsize) start * g->lda : start;
      part.b.offset += g->trans_b == CEP_TRANS ? start : (gsize) start * g->ldb;
      part.alpha = 1.0f;
      part.beta = 0.0f;
      part.c = cep_view (scratch, s * size);
      part.ldc = g->n;
      dispatch_gemm (backend, choose_tile (ctx, g->m, g->n, g->trans_a == CEP_TRANS,
                                           call_is_aligned (ctx, &part)), &part);
    }
  reduce_splits (backend, cep_view (scratch, 0), splits, g);
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
  CepVulkanContext *ctx = cep_vulkan_context (backend);
  GemmCall g = { trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc };

  if (alpha == 0.0f || k == 0)
    {
      scale_only (backend, m, n, beta, c, ldc);
      return;
    }
  const GemmTile *tile = choose_tile (ctx, m, n, trans_a == CEP_TRANS,
                                      call_is_aligned (ctx, &g));
  guint splits = choose_splits (ctx, tile, &g);
  if (splits > 1)
    split_gemm (backend, &g, splits);
  else
    dispatch_gemm (backend, tile, &g);
}

void
_cep_vulkan_fill_gemm_ops (CepBackendOps *ops)
{
  ops->gemm = vulkan_gemm;
}
