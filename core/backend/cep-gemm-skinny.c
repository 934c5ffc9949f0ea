/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-gemm-skinny.c: the few-columns GEMM kernel (see the header for why it exists).
 *
 * Layout: op(B) is packed into n rows of kp floats (k rounded up to a vector, zero-padded),
 * so column j of op(B) is one contiguous, aligned row. For each group of A rows (4 with
 * AVX-512, 2 with AVX2) and a block of up to 6 columns, the kernel keeps rows × columns vector
 * accumulators of partial dot products in registers, reads each A element once per block,
 * and reduces the accumulators at the end of the rows. The rows and the block width are
 * compile-time constants per instantiation (a switch picks one) so the accumulators never
 * spill. A is the only large operand and is read from memory exactly once, so the kernel
 * prefetches the next row groups while it computes. It must not be called for shapes it does
 * not claim to handle.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include <stdlib.h>
#include <string.h>

#include "cep-gemm-skinny.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define CEP_SKINNY_X86 1
#endif

/* FLOPs per part handed to a worker, at least, so that small products stay on one thread. */
#define MIN_FLOPS_PER_PART (1u << 20)

typedef struct
{
  const float *a;
  gsize        lda;
  const float *bt;          /* packed op(B): n rows of kp floats */
  gsize        kp;
  guint        m;
  guint        n;
  guint        k;
  float        alpha;
  float        beta;
  float       *c;
  gsize        ldc;
  CepGemmSkinnyIsa isa;
} SkinnyJob;

const char *
cep_gemm_skinny_isa_name (CepGemmSkinnyIsa isa)
{
  switch (isa)
    {
    case CEP_GEMM_SKINNY_AVX512:
      return "AVX-512";
    case CEP_GEMM_SKINNY_AVX2:
      return "AVX2+FMA";
    case CEP_GEMM_SKINNY_NONE:
    default:
      return "none";
    }
}

CepGemmSkinnyIsa
cep_gemm_skinny_detect (void)
{
#ifdef CEP_SKINNY_X86
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f"))
    return CEP_GEMM_SKINNY_AVX512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return CEP_GEMM_SKINNY_AVX2;
#endif
  return CEP_GEMM_SKINNY_NONE;
}

/* C's element from the finished dot product, BLAS beta semantics. */
static inline float
combine (const SkinnyJob *job,
         float            dot,
         const float     *c)
{
  return job->beta != 0.0f ? job->alpha * dot + job->beta * *c : job->alpha * dot;
}

#ifdef CEP_SKINNY_X86

#define TARGET_AVX512 __attribute__ ((target ("avx512f,avx2,fma")))
#define TARGET_AVX2   __attribute__ ((target ("avx2,fma")))
#define INLINE_KERNEL static inline __attribute__ ((always_inline))

/* How far ahead (in rows) A is prefetched: two row groups. */
#define PREFETCH_ROWS 8

/* Register budget: AVX-512 has 32 vector registers: 4 rows × 6 columns of accumulators, 4 A
 * vectors and a B vector. AVX2 has 16: 2 rows × 6 columns, 2 A vectors and a B vector. */
#define ROWS_512 4
#define NB_MAX_512 6
#define ROWS_256 2
#define NB_MAX_256 6

/* ROWS rows starting at @r, columns [j0, j0 + NB). */
INLINE_KERNEL TARGET_AVX512 void
block_avx512 (const SkinnyJob *job,
              gsize            r,
              guint            j0,
              const guint      ROWS,
              const guint      NB)
{
  __m512 acc[ROWS_512][NB_MAX_512];
  const float *rows[ROWS_512];
  const float *bt = job->bt + j0 * job->kp;
  gsize p = 0;

  for (guint i = 0; i < ROWS; i++)
    {
      rows[i] = job->a + (r + i) * job->lda;
      for (guint j = 0; j < NB; j++)
        acc[i][j] = _mm512_setzero_ps ();
    }
  for (; p + 16 <= job->k; p += 16)
    {
      __m512 x[ROWS_512];
      for (guint i = 0; i < ROWS; i++)
        x[i] = _mm512_loadu_ps (rows[i] + p);
      /* A streams from memory once: ask for the next group of rows while this one computes
       * (the first column block only; later blocks find these rows in L1). */
      if (j0 == 0)
        for (guint i = 0; i < ROWS; i++)
          _mm_prefetch ((const char *) (rows[i] + PREFETCH_ROWS * job->lda + p), _MM_HINT_T0);
      for (guint j = 0; j < NB; j++)
        {
          __m512 w = _mm512_load_ps (bt + j * job->kp + p);
          for (guint i = 0; i < ROWS; i++)
            acc[i][j] = _mm512_fmadd_ps (x[i], w, acc[i][j]);
        }
    }
  if (p < job->k)
    {
      __mmask16 tail = (__mmask16) ((1u << (job->k - p)) - 1);
      __m512 x[ROWS_512];
      for (guint i = 0; i < ROWS; i++)
        x[i] = _mm512_maskz_loadu_ps (tail, rows[i] + p);
      for (guint j = 0; j < NB; j++)
        {
          __m512 w = _mm512_load_ps (bt + j * job->kp + p);
          for (guint i = 0; i < ROWS; i++)
            acc[i][j] = _mm512_fmadd_ps (x[i], w, acc[i][j]);
        }
    }
  for (guint i = 0; i < ROWS; i++)
    {
      float *c_row = job->c + (r + i) * job->ldc + j0;
      for (guint j = 0; j < NB; j++)
        c_row[j] = combine (job, _mm512_reduce_add_ps (acc[i][j]), c_row + j);
    }
}

/* One instantiation per (rows, block width), so the accumulators live in registers. */
#define NB_CASES(CALL, ROWS) \
  CALL (ROWS, 1) CALL (ROWS, 2) CALL (ROWS, 3) CALL (ROWS, 4) CALL (ROWS, 5) CALL (ROWS, 6)

static TARGET_AVX512 void
block_avx512_dispatch (const SkinnyJob *job,
                       gsize            r,
                       guint            j0,
                       guint            rows,
                       guint            nb)
{
#define CASE_512(ROWS, NB)                                  \
  case (ROWS) * 8 + (NB):                                   \
    block_avx512 (job, r, j0, ROWS, NB);                    \
    break;
  switch (rows * 8 + nb)
    {
      NB_CASES (CASE_512, 1)
      NB_CASES (CASE_512, 2)
      NB_CASES (CASE_512, 3)
      NB_CASES (CASE_512, 4)
    default:
      g_assert_not_reached ();
    }
#undef CASE_512
}

TARGET_AVX2 static inline float
reduce_avx2 (__m256 v)
{
  __m128 s = _mm_add_ps (_mm256_castps256_ps128 (v), _mm256_extractf128_ps (v, 1));
  s = _mm_add_ps (s, _mm_movehl_ps (s, s));
  s = _mm_add_ss (s, _mm_movehdup_ps (s));
  return _mm_cvtss_f32 (s);
}

INLINE_KERNEL TARGET_AVX2 void
block_avx2 (const SkinnyJob *job,
            gsize            r,
            guint            j0,
            const guint      ROWS,
            const guint      NB)
{
  __m256 acc[2][NB_MAX_256];
  const float *a0 = job->a + r * job->lda;
  const float *a1 = ROWS == 2 ? a0 + job->lda : a0;
  const float *bt = job->bt + j0 * job->kp;
  gsize p = 0;

  for (guint j = 0; j < NB; j++)
    acc[0][j] = acc[1][j] = _mm256_setzero_ps ();
  for (; p + 8 <= job->k; p += 8)
    {
      __m256 x0 = _mm256_loadu_ps (a0 + p);
      __m256 x1 = ROWS == 2 ? _mm256_loadu_ps (a1 + p) : x0;
      if (j0 == 0 && p % 16 == 0)
        {
          _mm_prefetch ((const char *) (a0 + PREFETCH_ROWS * job->lda + p), _MM_HINT_T0);
          _mm_prefetch ((const char *) (a1 + PREFETCH_ROWS * job->lda + p), _MM_HINT_T0);
        }
      for (guint j = 0; j < NB; j++)
        {
          __m256 w = _mm256_load_ps (bt + j * job->kp + p);
          acc[0][j] = _mm256_fmadd_ps (x0, w, acc[0][j]);
          if (ROWS == 2)
            acc[1][j] = _mm256_fmadd_ps (x1, w, acc[1][j]);
        }
    }
  if (p < job->k)
    {
      /* Lanes below the remaining count are all-ones, the rest zero. */
      __m256i lane = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
      __m256i tail = _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) (job->k - p)), lane);
      __m256 x0 = _mm256_maskload_ps (a0 + p, tail);
      __m256 x1 = ROWS == 2 ? _mm256_maskload_ps (a1 + p, tail) : x0;
      for (guint j = 0; j < NB; j++)
        {
          __m256 w = _mm256_load_ps (bt + j * job->kp + p);
          acc[0][j] = _mm256_fmadd_ps (x0, w, acc[0][j]);
          if (ROWS == 2)
            acc[1][j] = _mm256_fmadd_ps (x1, w, acc[1][j]);
        }
    }
  for (guint i = 0; i < ROWS; i++)
    {
      float *c_row = job->c + (r + i) * job->ldc + j0;
      for (guint j = 0; j < NB; j++)
        c_row[j] = combine (job, reduce_avx2 (acc[i][j]), c_row + j);
    }
}

static TARGET_AVX2 void
block_avx2_dispatch (const SkinnyJob *job,
                     gsize            r,
                     guint            j0,
                     guint            rows,
                     guint            nb)
{
#define CASE_256(ROWS, NB)                                  \
  case (ROWS) * 8 + (NB):                                   \
    block_avx2 (job, r, j0, ROWS, NB);                      \
    break;
  switch (rows * 8 + nb)
    {
      NB_CASES (CASE_256, 1)
      NB_CASES (CASE_256, 2)
    default:
      g_assert_not_reached ();
    }
#undef CASE_256
}

#endif /* CEP_SKINNY_X86 */

/* Splits n columns into the fewest blocks of at most @nb_max, of near-equal widths. */
static void
column_blocks (guint  n,
               guint  nb_max,
               guint *n_blocks,
               guint *width)
{
  *n_blocks = (n + nb_max - 1) / nb_max;
  *width = (n + *n_blocks - 1) / *n_blocks;
}

static void
skinny_rows (const SkinnyJob *job,
             gsize            r0,
             gsize            r1)
{
#ifdef CEP_SKINNY_X86
  gboolean wide = job->isa == CEP_GEMM_SKINNY_AVX512;
  guint rows_max = wide ? ROWS_512 : ROWS_256;
  guint n_blocks, width;

  column_blocks (job->n, wide ? NB_MAX_512 : NB_MAX_256, &n_blocks, &width);
  for (gsize r = r0; r < r1; r += rows_max)
    {
      guint rows = (guint) MIN (rows_max, r1 - r);
      for (guint j0 = 0; j0 < job->n; j0 += width)
        {
          guint nb = MIN (width, job->n - j0);
          if (wide)
            block_avx512_dispatch (job, r, j0, rows, nb);
          else
            block_avx2_dispatch (job, r, j0, rows, nb);
        }
    }
#else
  g_assert_not_reached ();
#endif
}

static void
skinny_part (gpointer data,
             guint    part,
             guint    n_parts)
{
  const SkinnyJob *job = data;
  gsize r0, r1;

  cep_workers_split (job->m, part, n_parts, 4, &r0, &r1);
  skinny_rows (job, r0, r1);
}

/* op(B) as n contiguous rows of kp floats, zero beyond k. */
static float *
pack_columns (CepTranspose trans_b,
              guint        n,
              guint        k,
              const float *b,
              guint        ldb,
              gsize        kp)
{
  float *bt = NULL;

  if (posix_memalign ((void **) &bt, 64, MAX ((gsize) n * kp, 1) * sizeof (float)) != 0)
    g_error ("skinny GEMM: cannot allocate %u × %" G_GSIZE_FORMAT " floats", n, kp);
  for (gsize j = 0; j < n; j++)
    {
      float *row = bt + j * kp;
      if (trans_b == CEP_TRANS)
        memcpy (row, b + j * ldb, k * sizeof (float));
      else
        for (gsize p = 0; p < k; p++)
          row[p] = b[p * ldb + j];
      memset (row + k, 0, (kp - k) * sizeof (float));
    }
  return bt;
}

void
cep_gemm_skinny (CepGemmSkinnyIsa isa,
                 CepWorkers      *workers,
                 CepTranspose     trans_b,
                 guint            m,
                 guint            n,
                 guint            k,
                 float            alpha,
                 const float     *a,
                 guint            lda,
                 const float     *b,
                 guint            ldb,
                 float            beta,
                 float           *c,
                 guint            ldc)
{
  g_return_if_fail (isa != CEP_GEMM_SKINNY_NONE);
  g_return_if_fail (n >= 1 && n <= CEP_GEMM_SKINNY_MAX_N);

  gsize kp = ((gsize) k + 15) / 16 * 16;
  SkinnyJob job = {
    .a = a, .lda = lda, .kp = kp, .m = m, .n = n, .k = k,
    .alpha = alpha, .beta = beta, .c = c, .ldc = ldc, .isa = isa,
  };
  job.bt = pack_columns (trans_b, n, k, b, ldb, kp);

  guint n_parts = 1;
  if (workers != NULL)
    {
      double flops = 2.0 * m * n * (double) k;
      n_parts = (guint) MIN (cep_workers_get_n_threads (workers),
                             MAX (1.0, flops / MIN_FLOPS_PER_PART));
    }
  if (n_parts > 1)
    cep_workers_run (workers, skinny_part, &job, n_parts);
  else
    skinny_rows (&job, 0, m);
  free ((float *) job.bt);
}
