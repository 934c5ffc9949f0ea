/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cmvn.c: per-utterance CMVN in place.
 *
 * Owns the arithmetic only; it must not know about files or partitions. The loader calls it
 * on every utterance right after reading it, so it is written for speed: sums run over rows of
 * D floats four at a time (GCC/Clang vector extensions, which compile to plain SSE/NEON), in
 * float32 for blocks of 64 frames and in double across blocks, which keeps the statistics
 * within a few float ulps of a double-precision computation. A float overflow (values beyond
 * ~1e36) falls back to an all-double computation rather than producing Inf.
 */
#define G_LOG_DOMAIN "cepstra-cmvn"

#include "cep-cmvn.h"

#include <math.h>
#include <string.h>

#define BLOCK_FRAMES 64

#if defined(__GNUC__)
typedef float Vec4 __attribute__ ((vector_size (16)));

static inline Vec4
vec_load (const float *p)
{
  Vec4 v;
  memcpy (&v, p, sizeof v);
  return v;
}

static inline void
vec_store (float *p,
           Vec4   v)
{
  memcpy (p, &v, sizeof v);
}
#define VEC_WIDTH 4
#else
#define VEC_WIDTH 0
#endif

/* Vectorized part of a row of @dim floats: the first dim - dim % 4 of them. */
static inline guint
vector_span (guint dim)
{
  return VEC_WIDTH > 0 ? dim - dim % 4 : 0;
}

static inline void
row_add_shifted (float       *acc,
                 const float *row,
                 const float *pivot,
                 guint        dim)
{
  guint span = vector_span (dim);
#if VEC_WIDTH > 0
  for (guint d = 0; d < span; d += 4)
    vec_store (acc + d, vec_load (acc + d) + (vec_load (row + d) - vec_load (pivot + d)));
#endif
  for (guint d = span; d < dim; d++)
    acc[d] += row[d] - pivot[d];
}

static inline void
row_add_squared_deviation (float       *acc,
                           const float *row,
                           const float *mean,
                           guint        dim)
{
  guint span = vector_span (dim);
#if VEC_WIDTH > 0
  for (guint d = 0; d < span; d += 4)
    {
      Vec4 dev = vec_load (row + d) - vec_load (mean + d);
      vec_store (acc + d, vec_load (acc + d) + dev * dev);
    }
#endif
  for (guint d = span; d < dim; d++)
    acc[d] += (row[d] - mean[d]) * (row[d] - mean[d]);
}

/* (x - mean) / stddev with the mean split into a float and the float of its remainder, so
 * utterances with a large offset and a small spread keep their precision. */
static inline void
row_normalize (float       *row,
               const float *mean_high,
               const float *mean_low,
               const float *inverse_stddev,
               guint        dim)
{
  guint span = vector_span (dim);
#if VEC_WIDTH > 0
  for (guint d = 0; d < span; d += 4)
    {
      Vec4 centred = (vec_load (row + d) - vec_load (mean_high + d)) - vec_load (mean_low + d);
      vec_store (row + d, centred * vec_load (inverse_stddev + d));
    }
#endif
  for (guint d = span; d < dim; d++)
    row[d] = ((row[d] - mean_high[d]) - mean_low[d]) * inverse_stddev[d];
}

/* 0 * x is NaN exactly when x is NaN or infinite: one multiply-add per value tells whether a
 * block holds any non-finite value. */
static inline void
row_add_zeroed (float       *acc,
                const float *row,
                guint        dim)
{
  guint span = vector_span (dim);
#if VEC_WIDTH > 0
  for (guint d = 0; d < span; d += 4)
    vec_store (acc + d, vec_load (acc + d) + vec_load (row + d) * 0.0f);
#endif
  for (guint d = span; d < dim; d++)
    acc[d] += row[d] * 0.0f;
}

static gboolean
all_finite (const double *values,
            guint         n)
{
  for (guint i = 0; i < n; i++)
    if (!isfinite (values[i]))
      return FALSE;
  return TRUE;
}

typedef enum
{
  PASS_SUM,
  PASS_SQUARED_DEVIATION,
} Pass;

/* Column sums of (x - @center) (PASS_SUM) or (x - @center)^2 into @total, float within blocks
 * of BLOCK_FRAMES frames and double across them. Summing deviations from a nearby value rather
 * than the values keeps a large common offset out of the float sums. @scratch: dim floats. */
static void
column_sums (const float *frames,
             gsize        n_frames,
             guint        dim,
             Pass         pass,
             const float *center,
             float       *scratch,
             double      *total)
{
  memset (total, 0, dim * sizeof *total);
  for (gsize t0 = 0; t0 < n_frames; t0 += BLOCK_FRAMES)
    {
      gsize t1 = MIN (n_frames, t0 + BLOCK_FRAMES);
      memset (scratch, 0, dim * sizeof *scratch);
      for (gsize t = t0; t < t1; t++)
        {
          if (pass == PASS_SUM)
            row_add_shifted (scratch, frames + t * dim, center, dim);
          else
            row_add_squared_deviation (scratch, frames + t * dim, center, dim);
        }
      for (guint d = 0; d < dim; d++)
        total[d] += scratch[d];
    }
}

/* The slow path for values so large that float sums overflow: everything in double. */
static void
stats_in_double (const float *frames,
                 gsize        n_frames,
                 guint        dim,
                 double      *mean,
                 double      *variance)
{
  memset (mean, 0, dim * sizeof *mean);
  memset (variance, 0, dim * sizeof *variance);
  for (gsize t = 0; t < n_frames; t++)
    for (guint d = 0; d < dim; d++)
      mean[d] += frames[t * dim + d];
  for (guint d = 0; d < dim; d++)
    mean[d] /= (double) n_frames;
  for (gsize t = 0; t < n_frames; t++)
    for (guint d = 0; d < dim; d++)
      {
        double deviation = frames[t * dim + d] - mean[d];
        variance[d] += deviation * deviation;
      }
  for (guint d = 0; d < dim; d++)
    variance[d] /= (double) n_frames;
}

gssize
cep_cmvn_find_non_finite (const float *frames,
                          gsize        n_frames,
                          guint        dim)
{
  g_autofree float *scratch = g_new (float, dim);

  for (gsize t0 = 0; t0 < n_frames; t0 += BLOCK_FRAMES)
    {
      gsize t1 = MIN (n_frames, t0 + BLOCK_FRAMES);
      gboolean finite = TRUE;

      memset (scratch, 0, dim * sizeof *scratch);
      for (gsize t = t0; t < t1; t++)
        row_add_zeroed (scratch, frames + t * dim, dim);
      for (guint d = 0; d < dim; d++)
        finite &= scratch[d] == 0.0f;
      if (finite)
        continue;
      for (gsize t = t0; t < t1; t++)
        for (guint d = 0; d < dim; d++)
          if (!isfinite (frames[t * dim + d]))
            return (gssize) t;
    }
  return -1;
}

/* Mean and variance in double; FALSE if the fast float path overflowed or met a non-finite
 * value (the caller then checks which). The sums are taken around the first frame, then
 * around the float mean, whose rounding error is removed from the variance afterwards. */
static gboolean
fast_stats (const float *frames,
            gsize        n_frames,
            guint        dim,
            float       *scratch,
            float       *mean,
            double      *mean64,
            double      *variance)
{
  column_sums (frames, n_frames, dim, PASS_SUM, frames, scratch, mean64);
  if (!all_finite (mean64, dim))
    return FALSE;
  for (guint d = 0; d < dim; d++)
    {
      mean64[d] = frames[d] + mean64[d] / (double) n_frames;
      mean[d] = (float) mean64[d];
    }
  column_sums (frames, n_frames, dim, PASS_SQUARED_DEVIATION, mean, scratch, variance);
  if (!all_finite (variance, dim))
    return FALSE;
  for (guint d = 0; d < dim; d++)
    {
      double offset = mean64[d] - mean[d];
      variance[d] = MAX (variance[d] / (double) n_frames - offset * offset, 0.0);
    }
  return TRUE;
}

gboolean
cep_cmvn_normalize (float *frames,
                    gsize  n_frames,
                    guint  dim,
                    float *mean,
                    float *stddev,
                    gsize *bad_frame)
{
  g_return_val_if_fail (n_frames > 0 && dim > 0, FALSE);

  g_autofree double *mean64 = g_new (double, dim);
  g_autofree double *variance = g_new (double, dim);
  g_autofree float *scratch = g_new (float, 2 * dim);
  float *mean_low = scratch + dim;

  if (!fast_stats (frames, n_frames, dim, scratch, mean, mean64, variance))
    {
      gssize bad = cep_cmvn_find_non_finite (frames, n_frames, dim);
      if (bad >= 0)
        {
          if (bad_frame != NULL)
            *bad_frame = (gsize) bad;
          return FALSE;
        }
      stats_in_double (frames, n_frames, dim, mean64, variance);
      for (guint d = 0; d < dim; d++)
        mean[d] = (float) mean64[d];
    }

  /* scratch now holds 1 / stddev. */
  for (guint d = 0; d < dim; d++)
    {
      stddev[d] = MAX ((float) sqrt (variance[d]), CEP_CMVN_STDDEV_FLOOR);
      scratch[d] = 1.0f / stddev[d];
      mean_low[d] = (float) (mean64[d] - mean[d]);
    }
  for (gsize t = 0; t < n_frames; t++)
    row_normalize (frames + t * dim, mean, mean_low, scratch, dim);
  return TRUE;
}
