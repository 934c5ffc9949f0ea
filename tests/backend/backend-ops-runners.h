/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * backend-ops-runners.h: one operation on one backend, from host arrays to host arrays
 * through guarded tensors — what the op cases of every backend (test-backend-ops.c) and the
 * Vulkan-only ones (backend-ops-vulkan.c) both run. Nothing here compares.
 */
#pragma once

#include "backend-test-util.h"

G_BEGIN_DECLS

/* A product C = alpha·op(A)·op(B) + beta·C whose leading dimensions are padded by pad_*. */
typedef struct
{
  CepTranspose ta, tb;
  guint        m, n, k;
  guint        pad_a, pad_b, pad_c;
  float        alpha, beta;
} GemmCase;

guint  gemm_case_lda    (const GemmCase *g);
guint  gemm_case_ldb    (const GemmCase *g);
gsize  gemm_case_a_size (const GemmCase *g);
gsize  gemm_case_b_size (const GemmCase *g);
gsize  gemm_case_c_size (const GemmCase *g);
/* "NT m=3 n=17 k=5 alpha=1 beta=0" (g_free). */
char  *gemm_case_describe (const GemmCase *g);
/* C after the product (g_free). */
float *run_gemm         (CepBackend     *backend,
                         const GemmCase *g,
                         const float    *a,
                         const float    *b,
                         const float    *c);

typedef struct
{
  float   *y, *dx;
  guint32 *mask;
} DropoutResults;

/* Forward and backward of dropout with @key; @in_place writes y over x and dx over dy. */
void   run_dropout            (CepBackend     *backend,
                               gsize           n,
                               float           p,
                               CepDropoutKey   key,
                               gboolean        in_place,
                               const float    *x,
                               const float    *dy,
                               DropoutResults *out);
void   dropout_results_clear  (DropoutResults *results);

/* The optimizer variants run_optimizer() knows. */
#define OPTIMIZER_VARIANTS 5

/* Three steps of variant @variant — AdamW, Adam (L2), SGD with dampening, Nesterov SGD,
 * plain SGD — on @state (param, grad, m, v; 4·@n words); the state after them (g_free). */
float *run_optimizer          (CepBackend     *backend,
                               guint           variant,
                               gsize           n,
                               const float    *state);
/* The variant's name for messages. */
const char *optimizer_variant_name (guint variant);

G_END_DECLS
