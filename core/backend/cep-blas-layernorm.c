/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-blas-layernorm.c: layer-norm loops for the blas backend, torch.nn.LayerNorm semantics.
 *
 * The forward and the input gradient work a range of rows at a time (each row is
 * independent: its statistics in double, then one elementwise pass); the parameter gradients
 * a range of columns at a time over all rows, so threads never share an accumulator. The
 * backward runs the parameter gradients first, since dx may overwrite dy.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include <math.h>

#include "cep-blas-kernels.h"

static inline float
gamma_of (const CepLayerNormHost *ln,
          gsize                   j)
{
  return ln->gamma != NULL ? ln->gamma[j] : 1.0f;
}

static inline float
beta_of (const CepLayerNormHost *ln,
         gsize                   j)
{
  return ln->beta != NULL ? ln->beta[j] : 0.0f;
}

/* The row's mean and 1/sqrt(biased variance + eps), the variance from centred values. */
static CEP_KERNEL_CLONES void
row_statistics (const float *x,
                gsize        cols,
                float        eps,
                float       *mean,
                float       *invstd)
{
  double sum = 0.0, squares = 0.0, m;

  for (gsize j = 0; j < cols; j++)
    sum += x[j];
  m = sum / cols;
  for (gsize j = 0; j < cols; j++)
    squares += (x[j] - m) * (x[j] - m);
  *mean = (float) m;
  *invstd = (float) (1.0 / sqrt (squares / cols + eps));
}

void
cep_kernel_layernorm_forward (const CepLayerNormHost *ln,
                              const float            *x,
                              float                  *y,
                              gsize                   cols,
                              gsize                   r0,
                              gsize                   r1)
{
  for (gsize i = r0; i < r1; i++)
    {
      const float *in = x + i * cols;
      float *out = y + i * cols;
      float mean, invstd;

      row_statistics (in, cols, ln->eps, &mean, &invstd);
      if (ln->saved_mean != NULL)
        {
          ln->saved_mean[i] = mean;
          ln->saved_invstd[i] = invstd;
        }
      for (gsize j = 0; j < cols; j++)
        out[j] = (in[j] - mean) * invstd * gamma_of (ln, j) + beta_of (ln, j);
    }
}

void
cep_kernel_layernorm_backward_params (const CepLayerNormHost *ln,
                                      const float            *x,
                                      const float            *dy,
                                      float                  *dgamma,
                                      float                  *dbeta,
                                      gsize                   rows,
                                      gsize                   cols,
                                      gsize                   c0,
                                      gsize                   c1)
{
  for (gsize j = c0; j < c1; j++)
    {
      double dot = 0.0, sum = 0.0;

      for (gsize i = 0; i < rows; i++)
        {
          float g = dy[i * cols + j];
          dot += g * ((x[i * cols + j] - ln->saved_mean[i]) * ln->saved_invstd[i]);
          sum += g;
        }
      if (dgamma != NULL)
        dgamma[j] = (float) dot;
      if (dbeta != NULL)
        dbeta[j] = (float) sum;
    }
}

/* dx = invstd·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·gamma, x̂ = (x − mean)·invstd. */
void
cep_kernel_layernorm_backward_dx (const CepLayerNormHost *ln,
                                  const float            *x,
                                  const float            *dy,
                                  float                  *dx,
                                  gsize                   cols,
                                  gsize                   r0,
                                  gsize                   r1)
{
  for (gsize i = r0; i < r1; i++)
    {
      const float *xr = x + i * cols, *gr = dy + i * cols;
      float *dr = dx + i * cols;
      float mean = ln->saved_mean[i], invstd = ln->saved_invstd[i];
      double sum_g = 0.0, sum_g_xhat = 0.0;
      float mean_g, mean_g_xhat;

      for (gsize j = 0; j < cols; j++)
        {
          float g = gr[j] * gamma_of (ln, j);
          sum_g += g;
          sum_g_xhat += g * ((xr[j] - mean) * invstd);
        }
      mean_g = (float) (sum_g / cols);
      mean_g_xhat = (float) (sum_g_xhat / cols);
      for (gsize j = 0; j < cols; j++)
        {
          float xhat = (xr[j] - mean) * invstd;
          dr[j] = invstd * (gr[j] * gamma_of (ln, j) - mean_g - xhat * mean_g_xhat);
        }
    }
}
