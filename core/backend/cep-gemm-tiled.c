/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-gemm-tiled.c: the blocked AVX-512 SGEMM (see the header for why it exists).
 *
 * Loop nest (GotoBLAS): for each NC-column block of C, for each KC-deep slice of the
 * product, pack op(B)[KC × NC] into slivers of NR columns (k-major, so one sliver row is two
 * aligned vectors); for each MC-row block, pack op(A)[MC × KC] into slivers of MR rows
 * (k-major, one scalar per row); then run the MR × NR micro-kernel over every pair of
 * slivers. A B sliver (KC · NR floats, 32 KiB) stays in L1 while the A slivers of the block
 * (MC · KC floats, 384 KiB) stream from L2. Slivers past the matrix edge are zero-padded and
 * their tiles stored with masks, so any shape works. It must not be called without AVX-512F.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include <stdlib.h>
#include <string.h>

#include "cep-gemm-tiled.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define CEP_TILED_X86 1
#endif

#define MR 12     /* rows of the C tile: one broadcast A scalar each */
#define NR 32     /* columns of the C tile: two vectors */
#define KC 256
#define MC (MR * 32)
#define NC (NR * 32)

/* Below this many FLOPs a product stays on the calling thread. */
#define MIN_FLOPS_PER_PART 4e6

typedef struct
{
  float *a_pack;   /* MC × KC */
  float *b_pack;   /* KC × NC */
} Scratch;

struct _CepGemmTiled
{
  CepWorkers *workers;
  guint       n_scratch;
  Scratch    *scratch;
};

/* One thread's share: C[m × n] = alpha·op(A)·op(B) + beta·C, pointers already offset. */
typedef struct
{
  CepTranspose ta, tb;
  guint        m, n, k;
  float        alpha, beta;
  const float *a;
  gsize        lda;
  const float *b;
  gsize        ldb;
  float       *c;
  gsize        ldc;
} Block;

gboolean
cep_gemm_tiled_supported (void)
{
#ifdef CEP_TILED_X86
  __builtin_cpu_init ();
  return __builtin_cpu_supports ("avx512f");
#else
  return FALSE;
#endif
}

static float *
aligned_floats (gsize n)
{
  float *p = NULL;
  if (posix_memalign ((void **) &p, 64, n * sizeof (float)) != 0)
    g_error ("tiled GEMM: cannot allocate %" G_GSIZE_FORMAT " floats", n);
  return p;
}

CepGemmTiled *
cep_gemm_tiled_new (CepWorkers *workers)
{
  CepGemmTiled *self = g_new0 (CepGemmTiled, 1);

  self->workers = workers;
  self->n_scratch = workers != NULL ? cep_workers_get_n_threads (workers) : 1;
  self->scratch = g_new0 (Scratch, self->n_scratch);
  for (guint i = 0; i < self->n_scratch; i++)
    {
      self->scratch[i].a_pack = aligned_floats (MC * KC);
      self->scratch[i].b_pack = aligned_floats (KC * NC);
    }
  return self;
}

void
cep_gemm_tiled_free (CepGemmTiled *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_scratch; i++)
    {
      free (self->scratch[i].a_pack);
      free (self->scratch[i].b_pack);
    }
  g_free (self->scratch);
  g_free (self);
}

/* Packing */

#ifdef CEP_TILED_X86

#define TARGET_AVX512 __attribute__ ((target ("avx512f,avx2,fma")))

/* Transposes 16 vectors in place: v[i] lane j becomes v[j] lane i. */
TARGET_AVX512 static inline void
transpose_16x16 (__m512 v[16])
{
  __m512 t[16];

  for (guint i = 0; i < 16; i += 2)
    {
      t[i] = _mm512_unpacklo_ps (v[i], v[i + 1]);
      t[i + 1] = _mm512_unpackhi_ps (v[i], v[i + 1]);
    }
  for (guint i = 0; i < 16; i += 4)
    for (guint j = 0; j < 2; j++)
      {
        __m512d a = _mm512_castps_pd (t[i + j]), b = _mm512_castps_pd (t[i + j + 2]);
        v[i + 2 * j] = _mm512_castpd_ps (_mm512_unpacklo_pd (a, b));
        v[i + 2 * j + 1] = _mm512_castpd_ps (_mm512_unpackhi_pd (a, b));
      }
  for (guint i = 0; i < 16; i += 8)
    for (guint j = 0; j < 4; j++)
      {
        t[i + j] = _mm512_shuffle_f32x4 (v[i + j], v[i + j + 4], _MM_SHUFFLE (2, 0, 2, 0));
        t[i + j + 4] = _mm512_shuffle_f32x4 (v[i + j], v[i + j + 4], _MM_SHUFFLE (3, 1, 3, 1));
      }
  for (guint j = 0; j < 8; j++)
    {
      v[j] = _mm512_shuffle_f32x4 (t[j], t[j + 8], _MM_SHUFFLE (2, 0, 2, 0));
      v[j + 8] = _mm512_shuffle_f32x4 (t[j], t[j + 8], _MM_SHUFFLE (3, 1, 3, 1));
    }
}

/* 16 columns [p, p + 16) of @n_rows (<= 16) rows spaced @stride apart, transposed: v[q] holds
 * column p + q, lane r from row r (zero past n_rows). */
TARGET_AVX512 static inline void
load_transposed (const float *src,
                 gsize        stride,
                 guint        n_rows,
                 __m512       v[16])
{
  for (guint r = 0; r < 16; r++)
    v[r] = r < n_rows ? _mm512_loadu_ps (src + r * stride) : _mm512_setzero_ps ();
  transpose_16x16 (v);
}

/* pack_a for a plain (row-major) A: 16 × 16 register transposes instead of scalar copies. */
TARGET_AVX512 static void
pack_a_rows_avx512 (const float *a,
                    gsize        lda,
                    guint        rows,
                    guint        kc,
                    float       *sliver)
{
  guint p = 0;
  __m512 v[16];

  for (; p + 16 <= kc; p += 16)
    {
      load_transposed (a + p, lda, rows, v);
      for (guint q = 0; q < 16; q++)
        _mm512_mask_storeu_ps (sliver + (gsize) (p + q) * MR, 0x0fff, v[q]);
    }
  for (; p < kc; p++)
    for (guint r = 0; r < MR; r++)
      sliver[(gsize) p * MR + r] = r < rows ? a[r * lda + p] : 0.0f;
}

/* pack_a for a transposed A (stored [k × m]): each k gives MR contiguous values. */
TARGET_AVX512 static void
pack_a_columns_avx512 (const float *a,
                       gsize        lda,
                       guint        rows,
                       guint        kc,
                       float       *sliver)
{
  __mmask16 valid = (__mmask16) ((1u << rows) - 1);

  for (guint p = 0; p < kc; p++)
    _mm512_mask_storeu_ps (sliver + (gsize) p * MR, 0x0fff,
                           _mm512_maskz_loadu_ps (valid, a + (gsize) p * lda));
}

/* pack_b for a transposed B (stored [n × k]): columns of op(B) are rows of B. */
TARGET_AVX512 static void
pack_b_columns_avx512 (const float *b,
                       gsize        ldb,
                       guint        cols,
                       guint        kc,
                       float       *sliver)
{
  __m512 v[16];
  guint p = 0;

  for (; p + 16 <= kc; p += 16)
    for (guint half = 0; half < NR; half += 16)
      {
        guint n = cols > half ? MIN (16, cols - half) : 0;
        load_transposed (b + half * ldb + p, ldb, n, v);
        for (guint q = 0; q < 16; q++)
          _mm512_store_ps (sliver + (gsize) (p + q) * NR + half, v[q]);
      }
  for (; p < kc; p++)
    for (guint c = 0; c < NR; c++)
      sliver[(gsize) p * NR + c] = c < cols ? b[c * ldb + p] : 0.0f;
}

/* One row of the tile: c = alpha·acc + beta·c under the column masks (beta 0: c not read). */
TARGET_AVX512 static inline void
store_row (float    *c,
           __m512    acc0,
           __m512    acc1,
           __m512    alpha,
           float     beta,
           __mmask16 mask0,
           __mmask16 mask1)
{
  __m512 x0 = _mm512_mul_ps (acc0, alpha);
  __m512 x1 = _mm512_mul_ps (acc1, alpha);
  if (beta != 0.0f)
    {
      __m512 vb = _mm512_set1_ps (beta);
      x0 = _mm512_add_ps (x0, _mm512_mul_ps (vb, _mm512_maskz_loadu_ps (mask0, c)));
      x1 = _mm512_add_ps (x1, _mm512_mul_ps (vb, _mm512_maskz_loadu_ps (mask1, c + 16)));
    }
  _mm512_mask_storeu_ps (c, mask0, x0);
  _mm512_mask_storeu_ps (c + 16, mask1, x1);
}

/* C[rows × cols] tile (rows <= MR, cols <= NR) from an A sliver and a B sliver of depth kc. */
TARGET_AVX512 static void
micro_kernel (gsize        kc,
              const float *ap,
              const float *bp,
              float       *c,
              gsize        ldc,
              float        alpha,
              float        beta,
              guint        rows,
              guint        cols)
{
  __m512 acc[MR][2];

  for (guint r = 0; r < MR; r++)
    {
      acc[r][0] = acc[r][1] = _mm512_setzero_ps ();
      if (r < rows)
        {
          _mm_prefetch ((const char *) (c + r * ldc), _MM_HINT_T0);
          _mm_prefetch ((const char *) (c + r * ldc + 16), _MM_HINT_T0);
        }
    }
#pragma GCC unroll 4
  for (gsize p = 0; p < kc; p++)
    {
      __m512 b0 = _mm512_load_ps (bp);
      __m512 b1 = _mm512_load_ps (bp + 16);
      for (guint r = 0; r < MR; r++)
        {
          __m512 a = _mm512_set1_ps (ap[r]);
          acc[r][0] = _mm512_fmadd_ps (a, b0, acc[r][0]);
          acc[r][1] = _mm512_fmadd_ps (a, b1, acc[r][1]);
        }
      ap += MR;
      bp += NR;
    }

  __mmask16 mask0 = cols >= 16 ? 0xffff : (__mmask16) ((1u << cols) - 1);
  __mmask16 mask1 = cols >= 32 ? 0xffff : cols > 16 ? (__mmask16) ((1u << (cols - 16)) - 1) : 0;
  __m512 va = _mm512_set1_ps (alpha);
  for (guint r = 0; r < MR; r++)
    if (r < rows)
      store_row (c + r * ldc, acc[r][0], acc[r][1], va, beta, mask0, mask1);
}

/* op(A) rows [i0, i0 + mc), columns [p0, p0 + kc) into slivers of MR rows: element (r, p) of
 * sliver s at out[s·MR·kc + p·MR + r]; rows past mc are zero. */
static void
pack_a (const Block *blk,
        guint        i0,
        guint        mc,
        guint        p0,
        guint        kc,
        float       *out)
{
  for (guint s = 0; s * MR < mc; s++)
    {
      float *sliver = out + (gsize) s * MR * kc;
      guint r0 = i0 + s * MR, rows = MIN (MR, i0 + mc - r0);
      if (blk->ta == CEP_NO_TRANS)
        {
          pack_a_rows_avx512 (blk->a + (gsize) r0 * blk->lda + p0, blk->lda, rows, kc, sliver);
          continue;
        }
      pack_a_columns_avx512 (blk->a + (gsize) p0 * blk->lda + r0, blk->lda, rows, kc, sliver);
    }
}

/* op(B) rows [p0, p0 + kc), columns [j0, j0 + nc) into slivers of NR columns: element (p, c)
 * of sliver s at out[s·NR·kc + p·NR + c]; columns past nc are zero. */
static void
pack_b (const Block *blk,
        guint        p0,
        guint        kc,
        guint        j0,
        guint        nc,
        float       *out)
{
  for (guint s = 0; s * NR < nc; s++)
    {
      float *sliver = out + (gsize) s * NR * kc;
      guint c0 = j0 + s * NR, cols = MIN (NR, j0 + nc - c0);
      if (blk->tb == CEP_TRANS)
        {
          pack_b_columns_avx512 (blk->b + (gsize) c0 * blk->ldb + p0, blk->ldb, cols, kc, sliver);
          continue;
        }
      if (cols < NR)
        memset (sliver, 0, (gsize) NR * kc * sizeof (float));
      for (guint p = 0; p < kc; p++)
        memcpy (sliver + (gsize) p * NR, blk->b + (gsize) (p0 + p) * blk->ldb + c0,
                cols * sizeof (float));
    }
}

/* All tiles of one packed (MC × KC) × (KC × NC) block pair. */
static void
multiply_packed (const Block *blk,
                 const float *a_pack,
                 const float *b_pack,
                 guint        i0,
                 guint        mc,
                 guint        j0,
                 guint        nc,
                 guint        kc,
                 float        beta)
{
  for (guint jr = 0; jr < nc; jr += NR)
    for (guint ir = 0; ir < mc; ir += MR)
      micro_kernel (kc, a_pack + (gsize) ir * kc, b_pack + (gsize) jr * kc,
                    blk->c + (gsize) (i0 + ir) * blk->ldc + j0 + jr, blk->ldc, blk->alpha, beta,
                    MIN (MR, mc - ir), MIN (NR, nc - jr));
}

static void
run_block (const Block *blk,
           Scratch     *scratch)
{
  for (guint jc = 0; jc < blk->n; jc += NC)
    {
      guint nc = MIN (NC, blk->n - jc);
      for (guint pc = 0; pc < blk->k; pc += KC)
        {
          guint kc = MIN (KC, blk->k - pc);
          /* The first slice applies beta; later slices accumulate. */
          float beta = pc == 0 ? blk->beta : 1.0f;
          pack_b (blk, pc, kc, jc, nc, scratch->b_pack);
          for (guint ic = 0; ic < blk->m; ic += MC)
            {
              guint mc = MIN (MC, blk->m - ic);
              pack_a (blk, ic, mc, pc, kc, scratch->a_pack);
              multiply_packed (blk, scratch->a_pack, scratch->b_pack, ic, mc, jc, nc, kc, beta);
            }
        }
    }
}

typedef struct
{
  CepGemmTiled *self;
  Block         whole;
  gboolean      split_rows;   /* split C's rows (else its columns) between parts */
} TiledJob;

/* Part @part's share of C, aligned to whole tiles. */
static void
tiled_part (gpointer data,
            guint    part,
            guint    n_parts)
{
  TiledJob *job = data;
  Block blk = job->whole;
  gsize start, end;

  if (job->split_rows)
    {
      cep_workers_split (blk.m, part, n_parts, MR, &start, &end);
      blk.m = (guint) (end - start);
      blk.a += blk.ta == CEP_NO_TRANS ? start * blk.lda : start;
      blk.c += start * blk.ldc;
    }
  else
    {
      cep_workers_split (blk.n, part, n_parts, NR, &start, &end);
      blk.n = (guint) (end - start);
      blk.b += blk.tb == CEP_NO_TRANS ? start : start * blk.ldb;
      blk.c += start;
    }
  if (blk.m > 0 && blk.n > 0)
    run_block (&blk, &job->self->scratch[part]);
}

#endif /* CEP_TILED_X86 */

void
cep_gemm_tiled_run (CepGemmTiled *self,
                    CepTranspose  trans_a,
                    CepTranspose  trans_b,
                    guint         m,
                    guint         n,
                    guint         k,
                    float         alpha,
                    const float  *a,
                    guint         lda,
                    const float  *b,
                    guint         ldb,
                    float         beta,
                    float        *c,
                    guint         ldc)
{
  g_return_if_fail (alpha != 0.0f && k > 0);
#ifndef CEP_TILED_X86
  g_assert_not_reached ();
#else
  TiledJob job = {
    .self = self,
    .whole = { trans_a, trans_b, m, n, k, alpha, beta, a, lda, b, ldb, c, ldc },
    /* Each part packs the operand it shares in full: split so that is the smaller one. */
    .split_rows = m >= n,
  };
  double flops = 2.0 * m * n * (double) k;
  guint n_parts = (guint) MIN (self->n_scratch, MAX (1.0, flops / MIN_FLOPS_PER_PART));

  if (n_parts > 1)
    cep_workers_run (self->workers, tiled_part, &job, n_parts);
  else
    run_block (&job.whole, &self->scratch[0]);
#endif
}
