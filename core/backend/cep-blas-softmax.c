/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-blas-softmax.c: softmax cross-entropy with label smoothing for the blas backend.
 *
 * One pass per row for the statistics (max, Σ exp, Σ logits) and, in backward, one more to
 * write the gradient; the per-row log runs in double. Rows are independent, so any split over
 * threads gives the same numbers; the loss sum is added up by the caller in row order.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include <math.h>

#include "cep-blas-kernels.h"
#include "cep-vmath.h"

static inline gboolean
label_valid (gint32 label,
             guint  classes)
{
  return label >= 0 && (guint32) label < classes;
}

CEP_ALWAYS_INLINE float
row_max (const float *row,
         guint        classes)
{
  float max = row[0];
#pragma omp simd reduction(max : max)
  for (guint c = 1; c < classes; c++)
    max = row[c] > max ? row[c] : max;
  return max;
}

/* log Σ exp(row), with the row's plain sum in @total. */
CEP_ALWAYS_INLINE double
row_log_sum_exp (const float *row,
                 guint        classes,
                 float       *total)
{
  float max = row_max (row, classes);
  float sum = 0.0f, plain = 0.0f;

#pragma omp simd reduction(+ : sum, plain)
  for (guint c = 0; c < classes; c++)
    {
      sum += cep_vm_exp (row[c] - max);
      plain += row[c];
    }
  *total = plain;
  return max + log ((double) sum);
}

CEP_KERNEL_CLONES void
cep_kernel_softmax_ce_forward (const float  *logits,
                               const gint32 *labels,
                               float         smoothing,
                               guint         classes,
                               double       *row_loss,
                               gsize         r0,
                               gsize         r1)
{
  for (gsize r = r0; r < r1; r++)
    {
      const float *row = logits + r * classes;
      float total;
      row_loss[r] = 0.0;
      if (!label_valid (labels[r], classes))
        continue;
      double lse = row_log_sum_exp (row, classes, &total);
      row_loss[r] = lse - (1.0 - smoothing) * row[labels[r]] -
                    (double) smoothing * total / classes;
    }
}

CEP_KERNEL_CLONES void
cep_kernel_softmax_ce_backward (const float  *logits,
                                const gint32 *labels,
                                float         smoothing,
                                float         grad_scale,
                                guint         classes,
                                float        *dlogits,
                                gsize         r0,
                                gsize         r1)
{
  float uniform = smoothing / (float) classes;

  for (gsize r = r0; r < r1; r++)
    {
      const float *row = logits + r * classes;
      float *d = dlogits + r * classes;
      float total;
      if (!label_valid (labels[r], classes))
        {
          for (guint c = 0; c < classes; c++)
            d[c] = 0.0f;
          continue;
        }
      float lse = (float) row_log_sum_exp (row, classes, &total);
      /* @dlogits may be @logits: each element is read before it is written. */
#pragma GCC ivdep
      for (guint c = 0; c < classes; c++)
        d[c] = grad_scale * (cep_vm_exp (row[c] - lse) - uniform);
      d[labels[r]] -= grad_scale * (1.0f - smoothing);
    }
}
