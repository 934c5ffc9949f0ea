/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-conv-kernels.c: convolution (unfold and fold) and pooling over time on host memory, for
 * a range of batch rows — the ref backend runs them over every row, blas splits the rows over
 * its workers. What they compute is defined in cep-backend.h; the conv1d and pool1d shaders of
 * shaders/ compute the same.
 *
 * Fold and the pooling backwards are written as gathers (each input element sums what reads
 * it) rather than scatters, so rows and elements are independent and the sums are taken in
 * the same order on every backend.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include "cep-backend-private.h"

#include <math.h>
#include <string.h>

/* The input frame tap @k of output frame @t reads (may be outside [0, frames)). */
static inline gint64
conv1d_source_frame (const CepConv1dShape *s,
                     guint                 t,
                     guint                 k)
{
  return (gint64) t * s->stride + (gint64) k * s->dilation - s->pad_left;
}

static void
unfold_output_frame (const float          *x_row,
                     float                *col,
                     const CepConv1dShape *s,
                     guint                 t)
{
  for (guint k = 0; k < s->kernel; k++)
    {
      gint64 f = conv1d_source_frame (s, t, k);
      gboolean inside = f >= 0 && f < s->frames;

      for (guint c = 0; c < s->channels; c++)
        col[(gsize) c * s->kernel + k] = inside ? x_row[f * s->channels + c] : 0.0f;
    }
}

void
_cep_conv1d_unfold_range (const float   *x,
                          float         *cols,
                          CepConv1dShape shape,
                          guint          r0,
                          guint          r1)
{
  gsize in_row = (gsize) shape.frames * shape.channels;
  gsize col_width = (gsize) shape.channels * shape.kernel;

  for (guint r = r0; r < r1; r++)
    for (guint t = 0; t < shape.frames_out; t++)
      unfold_output_frame (x + r * in_row, cols + ((gsize) r * shape.frames_out + t) * col_width,
                           &shape, t);
}

/* Σ over the taps that read frame @f, channel @c of one row's unfolded block @row_cols. */
static float
fold_element (const float          *row_cols,
              const CepConv1dShape *s,
              guint                 f,
              guint                 c)
{
  gsize col_width = (gsize) s->channels * s->kernel;
  float sum = 0.0f;

  for (guint k = 0; k < s->kernel; k++)
    {
      gint64 reach = (gint64) f + s->pad_left - (gint64) k * s->dilation;

      if (reach < 0 || reach % s->stride != 0 || reach / s->stride >= s->frames_out)
        continue;
      sum += row_cols[(reach / s->stride) * col_width + (gsize) c * s->kernel + k];
    }
  return sum;
}

void
_cep_conv1d_fold_range (const float   *cols,
                        float         *dx,
                        CepConv1dShape shape,
                        guint          r0,
                        guint          r1)
{
  gsize in_row = (gsize) shape.frames * shape.channels;
  gsize cols_row = (gsize) shape.frames_out * shape.channels * shape.kernel;

  for (guint r = r0; r < r1; r++)
    for (guint f = 0; f < shape.frames; f++)
      for (guint c = 0; c < shape.channels; c++)
        dx[r * in_row + (gsize) f * shape.channels + c] =
          fold_element (cols + r * cols_row, &shape, f, c);
}

void
_cep_max_pool1d_forward_range (const float   *x,
                               float         *y,
                               gint32        *indices,
                               CepPool1dShape shape,
                               guint          r0,
                               guint          r1)
{
  gsize in_row = (gsize) shape.frames * shape.channels;
  gsize out_row = (gsize) shape.frames_out * shape.channels;

  for (guint r = r0; r < r1; r++)
    for (guint t = 0; t < shape.frames_out; t++)
      for (guint c = 0; c < shape.channels; c++)
        {
          const float *column = x + r * in_row + c;
          guint first = t * shape.stride, best = first;
          gsize o = r * out_row + (gsize) t * shape.channels + c;

          /* torch's rule: a larger value or a NaN takes the place. */
          for (guint f = first + 1; f < first + shape.kernel; f++)
            if (column[(gsize) f * shape.channels] > column[(gsize) best * shape.channels]
                || isnan (column[(gsize) f * shape.channels]))
              best = f;
          y[o] = column[(gsize) best * shape.channels];
          indices[o] = (gint32) best;
        }
}

/* The output frames whose window holds input frame @f: [*t0, *t1). */
static void
pool1d_windows_of (const CepPool1dShape *s,
                   guint                 f,
                   guint                *t0,
                   guint                *t1)
{
  *t0 = f + 1 > s->kernel ? (f + 1 - s->kernel + s->stride - 1) / s->stride : 0;
  *t1 = MIN (f / s->stride + 1, s->frames_out);
}

void
_cep_max_pool1d_backward_range (const gint32  *indices,
                                const float   *dy,
                                float         *dx,
                                CepPool1dShape shape,
                                guint          r0,
                                guint          r1)
{
  gsize in_row = (gsize) shape.frames * shape.channels;
  gsize out_row = (gsize) shape.frames_out * shape.channels;

  for (guint r = r0; r < r1; r++)
    for (guint f = 0; f < shape.frames; f++)
      for (guint c = 0; c < shape.channels; c++)
        {
          guint t0, t1;
          float sum = 0.0f;

          pool1d_windows_of (&shape, f, &t0, &t1);
          for (guint t = t0; t < t1; t++)
            {
              gsize o = r * out_row + (gsize) t * shape.channels + c;
              if (indices[o] == (gint32) f)
                sum += dy[o];
            }
          dx[r * in_row + (gsize) f * shape.channels + c] = sum;
        }
}

void
_cep_avg_pool1d_forward_range (const float   *x,
                               float         *y,
                               CepPool1dShape shape,
                               guint          r0,
                               guint          r1)
{
  gsize in_row = (gsize) shape.frames * shape.channels;
  gsize out_row = (gsize) shape.frames_out * shape.channels;

  for (guint r = r0; r < r1; r++)
    for (guint t = 0; t < shape.frames_out; t++)
      for (guint c = 0; c < shape.channels; c++)
        {
          const float *column = x + r * in_row + c;
          float sum = 0.0f;

          for (guint k = 0; k < shape.kernel; k++)
            sum += column[(gsize) (t * shape.stride + k) * shape.channels];
          y[r * out_row + (gsize) t * shape.channels + c] = sum / (float) shape.kernel;
        }
}

void
_cep_avg_pool1d_backward_range (const float   *dy,
                                float         *dx,
                                CepPool1dShape shape,
                                guint          r0,
                                guint          r1)
{
  gsize in_row = (gsize) shape.frames * shape.channels;
  gsize out_row = (gsize) shape.frames_out * shape.channels;

  for (guint r = r0; r < r1; r++)
    for (guint f = 0; f < shape.frames; f++)
      for (guint c = 0; c < shape.channels; c++)
        {
          guint t0, t1;
          float sum = 0.0f;

          pool1d_windows_of (&shape, f, &t0, &t1);
          for (guint t = t0; t < t1; t++)
            sum += dy[r * out_row + (gsize) t * shape.channels + c];
          dx[r * in_row + (gsize) f * shape.channels + c] = sum / (float) shape.kernel;
        }
}
