/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-gemm-skinny.h: C = alpha·A·op(B) + beta·C when C has only a few columns.
 *
 * OpenBLAS is slow on products like {10000, 784} × {784, 10} or a classifier layer's
 * {1024, 512} × {512, 40}: its blocking is built for wide outputs. This kernel packs op(B)
 * column by column (it is small), then streams A once: each small group of A rows is
 * multiplied with every packed column while the partial sums stay in registers. x86-64 only,
 * AVX2+FMA or AVX-512F chosen at run time; elsewhere cep_gemm_skinny_detect() answers
 * CEP_GEMM_SKINNY_NONE and the caller uses another GEMM.
 */
#pragma once

#include "cep-backend.h"
#include "cep-workers.h"

G_BEGIN_DECLS

/* The widest C the kernel handles. */
#define CEP_GEMM_SKINNY_MAX_N 64

typedef enum
{
  CEP_GEMM_SKINNY_NONE,     /* no usable instruction set: never use the kernel */
  CEP_GEMM_SKINNY_AVX2,
  CEP_GEMM_SKINNY_AVX512,
} CepGemmSkinnyIsa;

/* What this CPU runs (CEP_GEMM_SKINNY_NONE off x86-64). */
CepGemmSkinnyIsa cep_gemm_skinny_detect (void);
const char      *cep_gemm_skinny_isa_name (CepGemmSkinnyIsa isa);

/* A = [m × k] not transposed with row stride @lda; op(B) [k × n] is B [k × n] (stride @ldb)
 * or, with @trans_b, B [n × k]. Rows of C are split over @workers (NULL: the caller only).
 * @isa must not be CEP_GEMM_SKINNY_NONE; 1 <= n <= CEP_GEMM_SKINNY_MAX_N. */
void cep_gemm_skinny (CepGemmSkinnyIsa isa,
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
                      guint            ldc);

G_END_DECLS
