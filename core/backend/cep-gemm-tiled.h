/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-gemm-tiled.h: a packed, cache-blocked AVX-512 SGEMM for CPUs where OpenBLAS leaves
 * FLOPs unused.
 *
 * Debian's OpenBLAS 0.3.21 runs its Haswell (AVX2) kernels on AMD Zen 4 and Zen 5; on Zen 5,
 * whose FMA units are 512 bits wide, that is half the machine's peak. This is the GotoBLAS
 * scheme with an AVX-512 micro-kernel: blocks of op(B) and op(A) are packed into contiguous
 * slivers, and a 12 × 32 tile of C stays in 24 vector registers while the kernel streams a
 * sliver of each. Threads split C into disjoint blocks (each packs what it reads), so results
 * do not depend on the thread count. x86-64 with AVX-512F only: elsewhere
 * cep_gemm_tiled_supported() is FALSE and the caller uses OpenBLAS.
 */
#pragma once

#include "cep-backend.h"
#include "cep-workers.h"

G_BEGIN_DECLS

typedef struct _CepGemmTiled CepGemmTiled;

/* Whether this CPU runs the kernel (AVX-512F on x86-64). */
gboolean      cep_gemm_tiled_supported (void);
/* Packing buffers for each thread of @workers (NULL: the caller only), kept between calls. */
CepGemmTiled *cep_gemm_tiled_new       (CepWorkers   *workers);
void          cep_gemm_tiled_free      (CepGemmTiled *self);
/* C = alpha·op(A)·op(B) + beta·C as cblas_sgemm (row-major), BLAS beta semantics. Requires
 * cep_gemm_tiled_supported(); alpha != 0 and k > 0 (the caller handles those). */
void          cep_gemm_tiled_run       (CepGemmTiled *self,
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
                                        guint         ldc);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepGemmTiled, cep_gemm_tiled_free)

G_END_DECLS
