/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-blas-optim.c: optimizer steps, squared norms and scaling for the blas backend.
 *
 * The update formulas are the ref backend's, operation for operation (torch's order, one
 * rounding each, no contraction), so both backends give bit-identical parameters; only the
 * loops differ, written to vectorize. Squared norms are summed per fixed block in double.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include <math.h>

#include "cep-blas-kernels.h"

CEP_KERNEL_CLONES void
cep_kernel_adam (const CepAdamScalars *s,
                 float                *param,
                 const float          *grad,
                 float                *m,
                 float                *v,
                 gsize                 e0,
                 gsize                 e1)
{
  const CepAdamScalars k = *s;

  for (gsize i = e0; i < e1; i++)
    {
      float g = k.weight_decay != 0.0f ? grad[i] + k.weight_decay * param[i] : grad[i];
      float p = param[i] * k.lr_decay;
      float mi = m[i] * k.beta1 + k.one_minus_beta1 * g;
      float vi = v[i] * k.beta2 + k.one_minus_beta2 * g * g;
      float denom = sqrtf (vi) / k.bias_correction2_sqrt + k.eps;
      m[i] = mi;
      v[i] = vi;
      param[i] = p + k.neg_step_size * mi / denom;
    }
}

CEP_KERNEL_CLONES void
cep_kernel_sgd (const CepSgdScalars *s,
                float               *param,
                const float         *grad,
                float               *momentum_buffer,
                gsize                e0,
                gsize                e1)
{
  const CepSgdScalars k = *s;

  if (momentum_buffer == NULL)
    {
      for (gsize i = e0; i < e1; i++)
        {
          float d = k.weight_decay != 0.0f ? grad[i] + k.weight_decay * param[i] : grad[i];
          param[i] = param[i] + k.neg_lr * d;
        }
      return;
    }
  for (gsize i = e0; i < e1; i++)
    {
      float d = k.weight_decay != 0.0f ? grad[i] + k.weight_decay * param[i] : grad[i];
      float b = k.first_step ? d : momentum_buffer[i] * k.momentum + k.one_minus_dampening * d;
      momentum_buffer[i] = b;
      d = k.nesterov ? d + k.momentum * b : b;
      param[i] = param[i] + k.neg_lr * d;
    }
}

CEP_KERNEL_CLONES void
cep_kernel_sum_squares (const float *x,
                        double      *partials,
                        gsize        n,
                        gsize        e0,
                        gsize        e1)
{
  for (gsize start = e0; start < e1; start += CEP_KERNEL_SUM_BLOCK)
    {
      gsize end = MIN (start + CEP_KERNEL_SUM_BLOCK, n);
      double sum = 0.0;
#pragma omp simd reduction(+ : sum)
      for (gsize i = start; i < end; i++)
        sum += (double) x[i] * x[i];
      partials[start / CEP_KERNEL_SUM_BLOCK] = sum;
    }
}

CEP_KERNEL_CLONES void
cep_kernel_scale (float *x,
                  float  alpha,
                  gsize  e0,
                  gsize  e1)
{
  for (gsize i = e0; i < e1; i++)
    x[i] = alpha * x[i];
}
