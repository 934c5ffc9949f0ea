/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-blas-activation.c: fused bias + activation loops and column sums for the blas backend.
 *
 * Forward adds the bias and applies the activation in one pass over a row; backward
 * multiplies by the derivative and accumulates the bias gradient in the same pass, walking a
 * chunk of columns over all rows so each column's sum has a fixed order. One specialized,
 * multi-versioned loop per activation keeps the inner loops branch-free.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include "cep-blas-kernels.h"
#include "cep-vmath.h"

CEP_ALWAYS_INLINE void
forward_rows (CepActivation act,
              float         slope,
              const float  *bias,
              float        *pre,
              float        *out,
              gsize         cols,
              gsize         r0,
              gsize         r1)
{
  for (gsize i = r0; i < r1; i++)
    {
      float *z = pre + i * cols;
      float *y = out + i * cols;
      if (bias != NULL)
        {
          /* @out may be @pre: each element is read before it is written. */
#pragma GCC ivdep
          for (gsize j = 0; j < cols; j++)
            {
              float v = z[j] + bias[j];
              z[j] = v;
              y[j] = cep_vm_activation (act, slope, v);
            }
        }
      else
        {
#pragma GCC ivdep
          for (gsize j = 0; j < cols; j++)
            y[j] = cep_vm_activation (act, slope, z[j]);
        }
    }
}

CEP_ALWAYS_INLINE void
backward_columns (CepActivation act,
                  float         slope,
                  const float  *pre,
                  const float  *dy,
                  float        *dpre,
                  float        *dbias,
                  gsize         rows,
                  gsize         cols,
                  gsize         c0,
                  gsize         c1)
{
  double sums[CEP_KERNEL_COLUMN_CHUNK];

  for (gsize j0 = c0; j0 < c1; j0 += CEP_KERNEL_COLUMN_CHUNK)
    {
      gsize width = MIN (CEP_KERNEL_COLUMN_CHUNK, c1 - j0);
      for (gsize j = 0; j < width; j++)
        sums[j] = 0.0;
      for (gsize i = 0; i < rows; i++)
        {
          const float *z = pre + i * cols + j0;
          const float *g = dy + i * cols + j0;
          float *d = dpre + i * cols + j0;
          /* @dpre may be @dy. */
#pragma GCC ivdep
          for (gsize j = 0; j < width; j++)
            {
              float value = g[j] * cep_vm_activation_derivative (act, slope, z[j]);
              d[j] = value;
              sums[j] += value;
            }
        }
      if (dbias != NULL)
        for (gsize j = 0; j < width; j++)
          dbias[j0 + j] = (float) sums[j];
    }
}

#define ACTIVATION_VARIANTS(NAME, ACT)                                                       \
  static CEP_KERNEL_CLONES void                                                              \
  forward_##NAME (float slope, const float *bias, float *pre, float *out, gsize cols,        \
                  gsize r0, gsize r1)                                                        \
  {                                                                                          \
    forward_rows (ACT, slope, bias, pre, out, cols, r0, r1);                                 \
  }                                                                                          \
  static CEP_KERNEL_CLONES void                                                              \
  backward_##NAME (float slope, const float *pre, const float *dy, float *dpre,              \
                   float *dbias, gsize rows, gsize cols, gsize c0, gsize c1)                 \
  {                                                                                          \
    backward_columns (ACT, slope, pre, dy, dpre, dbias, rows, cols, c0, c1);                 \
  }

ACTIVATION_VARIANTS (identity, CEP_ACTIVATION_IDENTITY)
ACTIVATION_VARIANTS (relu, CEP_ACTIVATION_RELU)
ACTIVATION_VARIANTS (leaky_relu, CEP_ACTIVATION_LEAKY_RELU)
ACTIVATION_VARIANTS (gelu, CEP_ACTIVATION_GELU)
ACTIVATION_VARIANTS (silu, CEP_ACTIVATION_SILU)
ACTIVATION_VARIANTS (mish, CEP_ACTIVATION_MISH)
ACTIVATION_VARIANTS (sigmoid, CEP_ACTIVATION_SIGMOID)
ACTIVATION_VARIANTS (tanh, CEP_ACTIVATION_TANH)

void
cep_kernel_bias_act_forward (CepActivation act,
                             float         slope,
                             const float  *bias,
                             float        *pre,
                             float        *out,
                             gsize         cols,
                             gsize         r0,
                             gsize         r1)
{
  switch (act)
    {
    case CEP_ACTIVATION_IDENTITY:
      forward_identity (slope, bias, pre, out, cols, r0, r1);
      break;
    case CEP_ACTIVATION_RELU:
      forward_relu (slope, bias, pre, out, cols, r0, r1);
      break;
    case CEP_ACTIVATION_LEAKY_RELU:
      forward_leaky_relu (slope, bias, pre, out, cols, r0, r1);
      break;
    case CEP_ACTIVATION_GELU:
      forward_gelu (slope, bias, pre, out, cols, r0, r1);
      break;
    case CEP_ACTIVATION_SILU:
      forward_silu (slope, bias, pre, out, cols, r0, r1);
      break;
    case CEP_ACTIVATION_MISH:
      forward_mish (slope, bias, pre, out, cols, r0, r1);
      break;
    case CEP_ACTIVATION_SIGMOID:
      forward_sigmoid (slope, bias, pre, out, cols, r0, r1);
      break;
    case CEP_ACTIVATION_TANH:
      forward_tanh (slope, bias, pre, out, cols, r0, r1);
      break;
    default:
      g_assert_not_reached ();
    }
}

void
cep_kernel_bias_act_backward (CepActivation act,
                              float         slope,
                              const float  *pre,
                              const float  *dy,
                              float        *dpre,
                              float        *dbias,
                              gsize         rows,
                              gsize         cols,
                              gsize         c0,
                              gsize         c1)
{
  switch (act)
    {
    case CEP_ACTIVATION_IDENTITY:
      backward_identity (slope, pre, dy, dpre, dbias, rows, cols, c0, c1);
      break;
    case CEP_ACTIVATION_RELU:
      backward_relu (slope, pre, dy, dpre, dbias, rows, cols, c0, c1);
      break;
    case CEP_ACTIVATION_LEAKY_RELU:
      backward_leaky_relu (slope, pre, dy, dpre, dbias, rows, cols, c0, c1);
      break;
    case CEP_ACTIVATION_GELU:
      backward_gelu (slope, pre, dy, dpre, dbias, rows, cols, c0, c1);
      break;
    case CEP_ACTIVATION_SILU:
      backward_silu (slope, pre, dy, dpre, dbias, rows, cols, c0, c1);
      break;
    case CEP_ACTIVATION_MISH:
      backward_mish (slope, pre, dy, dpre, dbias, rows, cols, c0, c1);
      break;
    case CEP_ACTIVATION_SIGMOID:
      backward_sigmoid (slope, pre, dy, dpre, dbias, rows, cols, c0, c1);
      break;
    case CEP_ACTIVATION_TANH:
      backward_tanh (slope, pre, dy, dpre, dbias, rows, cols, c0, c1);
      break;
    default:
      g_assert_not_reached ();
    }
}

CEP_KERNEL_CLONES void
cep_kernel_column_sums (const float *x,
                        float        beta,
                        float       *out,
                        gsize        rows,
                        gsize        cols,
                        gsize        c0,
                        gsize        c1)
{
  double sums[CEP_KERNEL_COLUMN_CHUNK];

  for (gsize j0 = c0; j0 < c1; j0 += CEP_KERNEL_COLUMN_CHUNK)
    {
      gsize width = MIN (CEP_KERNEL_COLUMN_CHUNK, c1 - j0);
      for (gsize j = 0; j < width; j++)
        sums[j] = 0.0;
      for (gsize i = 0; i < rows; i++)
        {
          const float *row = x + i * cols + j0;
          for (gsize j = 0; j < width; j++)
            sums[j] += row[j];
        }
      for (gsize j = 0; j < width; j++)
        out[j0 + j] = (float) (beta != 0.0f ? sums[j] + (double) beta * out[j0 + j] : sums[j]);
    }
}
