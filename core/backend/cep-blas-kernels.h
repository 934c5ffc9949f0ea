/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-blas-kernels.h: the blas backend's loops on plain pointers.
 *
 * Each kernel works on a range (rows, columns or elements) so that cep-backend-blas.c can
 * split an operation over threads; ranges never change a result, because every reduction
 * runs over a fixed axis in a fixed order (column sums over all rows of a column range,
 * scalar sums over fixed-size blocks). Kernels are compiled for AVX-512, AVX2 and baseline
 * x86-64 (function multi-versioning) and written so gcc vectorizes them; the dropout mask
 * generator uses intrinsics. None of them allocates or threads.
 */
#pragma once

#include <glib.h>

#include "cep-backend-private.h"

G_BEGIN_DECLS

/* Clang before 16 names the dispatcher of a C function "NAME.ifunc", so callers in other
 * files do not link (the fuzz build uses clang 14); it gets the baseline loops instead. */
#if defined(__x86_64__) && defined(__linux__) && defined(__GNUC__) && \
    (!defined(__clang__) || __clang_major__ >= 16)
#define CEP_KERNEL_CLONES \
  __attribute__ ((target_clones ("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CEP_KERNEL_CLONES
#endif

/* Width of the column chunks whose accumulators stay in L1: wide enough that a chunk of a
 * row is a long contiguous run (narrow chunks of long rows thrash the cache sets). */
#define CEP_KERNEL_COLUMN_CHUNK 2048
/* Elements per partial sum of a scalar reduction (fixed, so results do not depend on the
 * number of threads). */
#define CEP_KERNEL_SUM_BLOCK 16384

/* Rows [r0, r1) of a [rows × cols] tensor: pre += bias (if non-NULL), out = act(pre). */
void   cep_kernel_bias_act_forward  (CepActivation act,
                                     float         slope,
                                     const float  *bias,
                                     float        *pre,
                                     float        *out,
                                     gsize         cols,
                                     gsize         r0,
                                     gsize         r1);
/* Columns [c0, c1) over all rows: dpre = dy·act'(pre), dbias (if non-NULL) = column sums. */
void   cep_kernel_bias_act_backward (CepActivation act,
                                     float         slope,
                                     const float  *pre,
                                     const float  *dy,
                                     float        *dpre,
                                     float        *dbias,
                                     gsize         rows,
                                     gsize         cols,
                                     gsize         c0,
                                     gsize         c1);
/* Columns [c0, c1): out = beta·out + Σ_rows x (beta 0: out not read). */
void   cep_kernel_column_sums       (const float  *x,
                                     float         beta,
                                     float        *out,
                                     gsize         rows,
                                     gsize         cols,
                                     gsize         c0,
                                     gsize         c1);

/* A CepLayerNorm's vectors as host pointers (gamma/beta NULL: 1 and 0; saved statistics
 * NULL: not saved). */
typedef struct
{
  const float *gamma;
  const float *beta;
  float       *saved_mean;
  float       *saved_invstd;
  float        eps;
} CepLayerNormHost;

/* Layer normalization (cep-blas-layernorm.c): forward and input gradient over rows [r0, r1),
 * parameter gradients over columns [c0, c1) (dgamma or dbeta may be NULL). */
void   cep_kernel_layernorm_forward (const CepLayerNormHost *ln,
                                     const float            *x,
                                     float                  *y,
                                     gsize                   cols,
                                     gsize                   r0,
                                     gsize                   r1);
void   cep_kernel_layernorm_backward_params (const CepLayerNormHost *ln,
                                             const float            *x,
                                             const float            *dy,
                                             float                  *dgamma,
                                             float                  *dbeta,
                                             gsize                   rows,
                                             gsize                   cols,
                                             gsize                   c0,
                                             gsize                   c1);
void   cep_kernel_layernorm_backward_dx (const CepLayerNormHost *ln,
                                         const float            *x,
                                         const float            *dy,
                                         float                  *dx,
                                         gsize                   cols,
                                         gsize                   r0,
                                         gsize                   r1);

/* A CepBatchNorm's vectors as host pointers (gamma/beta NULL: 1 and 0). */
typedef struct
{
  const float *gamma;
  const float *beta;
  float       *running_mean;
  float       *running_var;
  float       *saved_mean;
  float       *saved_invstd;
  float        momentum;
  float        eps;
} CepBatchNormHost;

/* Batch normalization over columns [c0, c1). */
void   cep_kernel_batchnorm_train   (const CepBatchNormHost *bn,
                                     const float  *x,
                                     float        *y,
                                     gsize         rows,
                                     gsize         cols,
                                     gsize         c0,
                                     gsize         c1);
void   cep_kernel_batchnorm_eval    (const CepBatchNormHost *bn,
                                     const float  *x,
                                     float        *y,
                                     gsize         rows,
                                     gsize         cols,
                                     gsize         c0,
                                     gsize         c1);
void   cep_kernel_batchnorm_backward (const CepBatchNormHost *bn,
                                      const float  *x,
                                      const float  *dy,
                                      float        *dx,
                                      float        *dgamma,
                                      float        *dbeta,
                                      gsize         rows,
                                      gsize         cols,
                                      gsize         c0,
                                      gsize         c1);

/* Rows [r0, r1): each row's loss into @row_loss[r] (0 for ignored rows). */
void   cep_kernel_softmax_ce_forward  (const float  *logits,
                                       const gint32 *labels,
                                       float         smoothing,
                                       guint         classes,
                                       double       *row_loss,
                                       gsize         r0,
                                       gsize         r1);
void   cep_kernel_softmax_ce_backward (const float  *logits,
                                       const gint32 *labels,
                                       float         smoothing,
                                       float         grad_scale,
                                       guint         classes,
                                       float        *dlogits,
                                       gsize         r0,
                                       gsize         r1);

/* Elements [e0, e1) of the dropout mask (e0 a multiple of 32): mask words and y. */
void   cep_kernel_dropout_forward   (CepDropoutKey key,
                                     guint32       threshold,
                                     float         scale,
                                     const float  *x,
                                     float        *y,
                                     guint32      *mask,
                                     gsize         e0,
                                     gsize         e1);
void   cep_kernel_dropout_apply     (const guint32 *mask,
                                     float          scale,
                                     const float   *x,
                                     float         *y,
                                     gsize          e0,
                                     gsize          e1);
/* The mask generator's instruction set, for descriptions. */
const char *cep_kernel_dropout_isa  (void);

/* Elements [e0, e1) of the optimizer steps (scalars as in cep-backend-private.h). */
void   cep_kernel_adam              (const CepAdamScalars *s,
                                     float        *param,
                                     const float  *grad,
                                     float        *m,
                                     float        *v,
                                     gsize         e0,
                                     gsize         e1);
void   cep_kernel_sgd               (const CepSgdScalars *s,
                                     float        *param,
                                     const float  *grad,
                                     float        *momentum_buffer,
                                     gsize         e0,
                                     gsize         e1);
/* Σ x² over [e0, e1), e0 a multiple of CEP_KERNEL_SUM_BLOCK: one partial per block into
 * @partials[block index]. */
void   cep_kernel_sum_squares       (const float  *x,
                                     double       *partials,
                                     gsize         n,
                                     gsize         e0,
                                     gsize         e1);
void   cep_kernel_scale             (float        *x,
                                     float         alpha,
                                     gsize         e0,
                                     gsize         e1);

G_END_DECLS
