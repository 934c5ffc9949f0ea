/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-blas-batchnorm.c: batch-norm loops for the blas backend, torch.nn.BatchNorm1d semantics.
 *
 * A chunk of columns at a time over all rows: one pass gathers the statistics (double
 * accumulators, shifted by the first row so one pass is exact enough), one pass writes
 * y = x·alpha + beta' with per-column alpha and beta' derived as torch does (in float from
 * the saved statistics). Backward likewise: one pass for Σdy and Σ(x-mean)·dy, one for dx.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include <math.h>

#include "cep-blas-kernels.h"

#define CHUNK CEP_KERNEL_COLUMN_CHUNK

static inline float
gamma_of (const CepBatchNormHost *bn,
          gsize                   j)
{
  return bn->gamma != NULL ? bn->gamma[j] : 1.0f;
}

static inline float
beta_of (const CepBatchNormHost *bn,
         gsize                   j)
{
  return bn->beta != NULL ? bn->beta[j] : 0.0f;
}

/* y = x·alpha + shift over rows, columns [j0, j0 + width). */
static CEP_KERNEL_CLONES void
affine_columns (const float *x,
                float       *y,
                const float *alpha,
                const float *shift,
                gsize        rows,
                gsize        cols,
                gsize        j0,
                gsize        width)
{
  for (gsize i = 0; i < rows; i++)
    {
      const float *in = x + i * cols + j0;
      float *out = y + i * cols + j0;
#pragma GCC ivdep
      for (gsize j = 0; j < width; j++)
        out[j] = in[j] * alpha[j] + shift[j];
    }
}

/* Sums of d and d² with d = x - x[0] per column, in double. */
static CEP_KERNEL_CLONES void
shifted_moments (const float *x,
                 gsize        rows,
                 gsize        cols,
                 gsize        j0,
                 gsize        width,
                 double      *s1,
                 double      *s2)
{
  const float *first = x + j0;

  for (gsize j = 0; j < width; j++)
    s1[j] = s2[j] = 0.0;
  for (gsize i = 1; i < rows; i++)
    {
      const float *row = x + i * cols + j0;
      for (gsize j = 0; j < width; j++)
        {
          double d = (double) row[j] - (double) first[j];
          s1[j] += d;
          s2[j] += d * d;
        }
    }
}

void
cep_kernel_batchnorm_train (const CepBatchNormHost *bn,
                            const float            *x,
                            float                  *y,
                            gsize                   rows,
                            gsize                   cols,
                            gsize                   c0,
                            gsize                   c1)
{
  double s1[CHUNK], s2[CHUNK];
  float alpha[CHUNK], shift[CHUNK];
  double m = bn->momentum;

  for (gsize j0 = c0; j0 < c1; j0 += CHUNK)
    {
      gsize width = MIN (CHUNK, c1 - j0);
      shifted_moments (x, rows, cols, j0, width, s1, s2);
      for (gsize j = 0; j < width; j++)
        {
          gsize c = j0 + j;
          double mean_shifted = s1[j] / rows;
          double var = MAX (s2[j] / rows - mean_shifted * mean_shifted, 0.0);
          double mean = x[c] + mean_shifted;
          bn->saved_mean[c] = (float) mean;
          bn->saved_invstd[c] = (float) (1.0 / sqrt (var + bn->eps));
          bn->running_mean[c] = (float) (m * mean + (1.0 - m) * bn->running_mean[c]);
          bn->running_var[c] = (float) (m * var * rows / (rows - 1) +
                                        (1.0 - m) * bn->running_var[c]);
          alpha[j] = bn->saved_invstd[c] * gamma_of (bn, c);
          shift[j] = beta_of (bn, c) - bn->saved_mean[c] * alpha[j];
        }
      affine_columns (x, y, alpha, shift, rows, cols, j0, width);
    }
}

void
cep_kernel_batchnorm_eval (const CepBatchNormHost *bn,
                           const float            *x,
                           float                  *y,
                           gsize                   rows,
                           gsize                   cols,
                           gsize                   c0,
                           gsize                   c1)
{
  float alpha[CHUNK], shift[CHUNK];

  for (gsize j0 = c0; j0 < c1; j0 += CHUNK)
    {
      gsize width = MIN (CHUNK, c1 - j0);
      for (gsize j = 0; j < width; j++)
        {
          gsize c = j0 + j;
          float invstd = 1.0f / sqrtf (bn->running_var[c] + bn->eps);
          alpha[j] = invstd * gamma_of (bn, c);
          shift[j] = beta_of (bn, c) - bn->running_mean[c] * alpha[j];
        }
      affine_columns (x, y, alpha, shift, rows, cols, j0, width);
    }
}

/* Σdy and Σ(x - mean)·dy per column, in double. */
static CEP_KERNEL_CLONES void
backward_sums (const float *x,
               const float *dy,
               const float *mean,
               gsize        rows,
               gsize        cols,
               gsize        j0,
               gsize        width,
               double      *sum_dy,
               double      *dot)
{
  for (gsize j = 0; j < width; j++)
    sum_dy[j] = dot[j] = 0.0;
  for (gsize i = 0; i < rows; i++)
    {
      const float *in = x + i * cols + j0;
      const float *g = dy + i * cols + j0;
      for (gsize j = 0; j < width; j++)
        {
          sum_dy[j] += g[j];
          dot[j] += ((double) in[j] - (double) mean[j]) * g[j];
        }
    }
}

/* dx = (dy - grad_mean - (x - mean)·proj)·grad_scale; @dx may be @dy. */
static CEP_KERNEL_CLONES void
backward_dx (const float *x,
             const float *dy,
             float       *dx,
             const float *mean,
             const float *grad_mean,
             const float *proj,
             const float *grad_scale,
             gsize        rows,
             gsize        cols,
             gsize        j0,
             gsize        width)
{
  for (gsize i = 0; i < rows; i++)
    {
      const float *in = x + i * cols + j0;
      const float *g = dy + i * cols + j0;
      float *d = dx + i * cols + j0;
#pragma GCC ivdep
      for (gsize j = 0; j < width; j++)
        d[j] = (g[j] - grad_mean[j] - (in[j] - mean[j]) * proj[j]) * grad_scale[j];
    }
}

void
cep_kernel_batchnorm_backward (const CepBatchNormHost *bn,
                               const float            *x,
                               const float            *dy,
                               float                  *dx,
                               float                  *dgamma,
                               float                  *dbeta,
                               gsize                   rows,
                               gsize                   cols,
                               gsize                   c0,
                               gsize                   c1)
{
  double sum_dy[CHUNK], dot[CHUNK];
  float grad_mean[CHUNK], proj[CHUNK], grad_scale[CHUNK];

  for (gsize j0 = c0; j0 < c1; j0 += CHUNK)
    {
      gsize width = MIN (CHUNK, c1 - j0);
      const float *mean = bn->saved_mean + j0;
      backward_sums (x, dy, mean, rows, cols, j0, width, sum_dy, dot);
      for (gsize j = 0; j < width; j++)
        {
          double invstd = bn->saved_invstd[j0 + j];
          grad_mean[j] = (float) (sum_dy[j] / rows);
          proj[j] = (float) (dot[j] * invstd * invstd / rows);
          grad_scale[j] = (float) (invstd * gamma_of (bn, j0 + j));
          if (dgamma != NULL)
            dgamma[j0 + j] = (float) (dot[j] * invstd);
          if (dbeta != NULL)
            dbeta[j0 + j] = (float) sum_dy[j];
        }
      backward_dx (x, dy, dx, mean, grad_mean, proj, grad_scale, rows, cols, j0, width);
    }
}
