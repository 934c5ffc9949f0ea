/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-backend-ref.c: the reference backend — every operation as the plainest correct C.
 *
 * It is the oracle the other backends are tested against and the fallback for operations a
 * host backend leaves out, so clarity wins over speed: reductions and transcendental functions
 * run in double, loops follow the math. It must stay single-threaded and free of
 * approximations. Elementwise float formulas (optimizers, scaling) follow torch's order of
 * operations, one rounding per operation.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include <math.h>
#include <string.h>

#include "cep-augment.h"
#include "cep-backend-private.h"
#include "cep-rng.h"

/* Utilities */

static void
ref_fill (CepBackend *backend,
          gsize       n,
          float       value,
          CepView     dst)
{
  float *d = cep_view_floats (dst);
  for (gsize i = 0; i < n; i++)
    d[i] = value;
}

static void
ref_copy (CepBackend *backend,
          gsize       n,
          CepView     src,
          CepView     dst)
{
  memcpy (cep_view_floats (dst), cep_view_floats (src), n * sizeof (float));
}

static void
ref_scale (CepBackend *backend,
           gsize       n,
           float       alpha,
           CepView     x)
{
  float *v = cep_view_floats (x);
  for (gsize i = 0; i < n; i++)
    v[i] = alpha * v[i];
}

static void
ref_axpy (CepBackend *backend,
          gsize       n,
          float       alpha,
          CepView     x,
          CepView     y)
{
  const float *xv = cep_view_floats (x);
  float *yv = cep_view_floats (y);
  for (gsize i = 0; i < n; i++)
    yv[i] = yv[i] + alpha * xv[i];
}

/* GEMM */

typedef struct
{
  const float *data;
  gsize        ld;
  gboolean     trans;
} MatrixRef;

/* Element (row, col) of op(M). */
static inline double
op_at (const MatrixRef *mat,
       gsize            row,
       gsize            col)
{
  return mat->trans ? mat->data[col * mat->ld + row] : mat->data[row * mat->ld + col];
}

/* C = alpha·acc + beta·C, not reading C when beta is 0. */
static inline float
gemm_combine (double acc,
              float  alpha,
              float  beta,
              float  c)
{
  double result = (double) alpha * acc;
  if (beta != 0.0f)
    result += (double) beta * c;
  return (float) result;
}

/* Row i of op(A)·op(B) into @acc[n], walking op(B) by rows so that a plain B is read
 * contiguously. */
static void
gemm_row_by_rows (const MatrixRef *a,
                  const MatrixRef *b,
                  gsize            i,
                  guint            n,
                  guint            k,
                  double          *acc)
{
  memset (acc, 0, n * sizeof (double));
  for (gsize p = 0; p < k; p++)
    {
      double a_ip = op_at (a, i, p);
      const float *b_row = b->data + p * b->ld;
      for (gsize j = 0; j < n; j++)
        acc[j] += a_ip * b_row[j];
    }
}

/* The same as dot products, for a transposed B whose columns of op(B) are contiguous. */
static void
gemm_row_by_dots (const MatrixRef *a,
                  const MatrixRef *b,
                  gsize            i,
                  guint            n,
                  guint            k,
                  double          *acc)
{
  for (gsize j = 0; j < n; j++)
    {
      const float *b_col = b->data + j * b->ld;
      double sum = 0.0;
      for (gsize p = 0; p < k; p++)
        sum += op_at (a, i, p) * b_col[p];
      acc[j] = sum;
    }
}

static void
ref_gemm (CepBackend  *backend,
          CepTranspose trans_a,
          CepTranspose trans_b,
          guint        m,
          guint        n,
          guint        k,
          float        alpha,
          CepView      a,
          guint        lda,
          CepView      b,
          guint        ldb,
          float        beta,
          CepView      c,
          guint        ldc)
{
  MatrixRef ma = { cep_view_floats (a), lda, trans_a == CEP_TRANS };
  MatrixRef mb = { cep_view_floats (b), ldb, trans_b == CEP_TRANS };
  gboolean skip_product = alpha == 0.0f || k == 0;
  g_autofree double *acc = g_new0 (double, n);

  for (gsize i = 0; i < m; i++)
    {
      float *c_row = cep_view_floats (c) + i * ldc;
      if (!skip_product && mb.trans)
        gemm_row_by_dots (&ma, &mb, i, n, k, acc);
      else if (!skip_product)
        gemm_row_by_rows (&ma, &mb, i, n, k, acc);
      for (gsize j = 0; j < n; j++)
        c_row[j] = gemm_combine (acc[j], alpha, beta, c_row[j]);
    }
}

/* Bias and activation */

static void
ref_bias_act_forward (CepBackend   *backend,
                      guint         rows,
                      guint         cols,
                      CepActivation act,
                      float         slope,
                      CepView       bias,
                      CepView       pre,
                      CepView       out)
{
  const float *b = cep_view_floats_or_null (bias);
  float *z = cep_view_floats (pre);
  float *y = cep_view_floats (out);

  for (gsize i = 0; i < rows; i++)
    for (gsize j = 0; j < cols; j++)
      {
        gsize at = i * cols + j;
        float value = b != NULL ? z[at] + b[j] : z[at];
        z[at] = value;
        y[at] = (float) cep_activation_apply (act, slope, value);
      }
}

static void
ref_bias_act_backward (CepBackend   *backend,
                       guint         rows,
                       guint         cols,
                       CepActivation act,
                       float         slope,
                       CepView       pre,
                       CepView       dy,
                       CepView       dpre,
                       CepView       dbias)
{
  const float *z = cep_view_floats (pre);
  const float *g = cep_view_floats (dy);
  float *d = cep_view_floats (dpre);
  g_autofree double *sums = g_new0 (double, cols);

  for (gsize i = 0; i < rows; i++)
    for (gsize j = 0; j < cols; j++)
      {
        gsize at = i * cols + j;
        d[at] = (float) (g[at] * cep_activation_derivative (act, slope, z[at]));
        sums[j] += d[at];
      }
  if (cep_view_is_set (dbias))
    for (gsize j = 0; j < cols; j++)
      cep_view_floats (dbias)[j] = (float) sums[j];
}

static void
ref_column_sums (CepBackend *backend,
                 guint       rows,
                 guint       cols,
                 CepView     x,
                 float       beta,
                 CepView     out)
{
  const float *v = cep_view_floats (x);
  float *o = cep_view_floats (out);
  g_autofree double *sums = g_new0 (double, cols);

  for (gsize i = 0; i < rows; i++)
    for (gsize j = 0; j < cols; j++)
      sums[j] += v[i * cols + j];
  for (gsize j = 0; j < cols; j++)
    o[j] = (float) (beta != 0.0f ? sums[j] + (double) beta * o[j] : sums[j]);
}

/* Batch normalization */

static inline double
gamma_at (CepBatchNorm *bn,
          gsize         j)
{
  return cep_view_is_set (bn->gamma) ? cep_view_floats (bn->gamma)[j] : 1.0;
}

static inline double
beta_at (CepBatchNorm *bn,
         gsize         j)
{
  return cep_view_is_set (bn->beta) ? cep_view_floats (bn->beta)[j] : 0.0;
}

/* Column means and biased variances of [rows × cols], two passes in double. */
static void
column_moments (const float *x,
                guint        rows,
                guint        cols,
                double      *mean,
                double      *var)
{
  memset (mean, 0, cols * sizeof (double));
  memset (var, 0, cols * sizeof (double));
  for (gsize i = 0; i < rows; i++)
    for (gsize j = 0; j < cols; j++)
      mean[j] += x[i * cols + j];
  for (gsize j = 0; j < cols; j++)
    mean[j] /= rows;
  for (gsize i = 0; i < rows; i++)
    for (gsize j = 0; j < cols; j++)
      {
        double d = x[i * cols + j] - mean[j];
        var[j] += d * d;
      }
  for (gsize j = 0; j < cols; j++)
    var[j] /= rows;
}

static void
normalize_rows (CepBatchNorm *bn,
                const float  *x,
                float        *y,
                guint         rows,
                guint         cols,
                const double *mean,
                const double *invstd)
{
  for (gsize i = 0; i < rows; i++)
    for (gsize j = 0; j < cols; j++)
      {
        gsize at = i * cols + j;
        y[at] = (float) ((x[at] - mean[j]) * invstd[j] * gamma_at (bn, j) + beta_at (bn, j));
      }
}

static void
ref_batchnorm_forward_train (CepBackend  *backend,
                             guint        rows,
                             guint        cols,
                             CepBatchNorm bn,
                             CepView      x,
                             CepView      y)
{
  g_autofree double *mean = g_new (double, cols);
  g_autofree double *var = g_new (double, cols);
  g_autofree double *invstd = g_new (double, cols);
  float *running_mean = cep_view_floats (bn.running_mean);
  float *running_var = cep_view_floats (bn.running_var);
  double m = bn.momentum;

  column_moments (cep_view_floats (x), rows, cols, mean, var);
  for (gsize j = 0; j < cols; j++)
    {
      double unbiased = var[j] * rows / (rows - 1);
      invstd[j] = 1.0 / sqrt (var[j] + bn.eps);
      cep_view_floats (bn.saved_mean)[j] = (float) mean[j];
      cep_view_floats (bn.saved_invstd)[j] = (float) invstd[j];
      running_mean[j] = (float) (m * mean[j] + (1.0 - m) * running_mean[j]);
      running_var[j] = (float) (m * unbiased + (1.0 - m) * running_var[j]);
    }
  normalize_rows (&bn, cep_view_floats (x), cep_view_floats (y), rows, cols, mean, invstd);
}

static void
ref_batchnorm_forward_eval (CepBackend  *backend,
                            guint        rows,
                            guint        cols,
                            CepBatchNorm bn,
                            CepView      x,
                            CepView      y)
{
  g_autofree double *mean = g_new (double, cols);
  g_autofree double *invstd = g_new (double, cols);

  for (gsize j = 0; j < cols; j++)
    {
      mean[j] = cep_view_floats (bn.running_mean)[j];
      invstd[j] = 1.0 / sqrt ((double) cep_view_floats (bn.running_var)[j] + bn.eps);
    }
  normalize_rows (&bn, cep_view_floats (x), cep_view_floats (y), rows, cols, mean, invstd);
}

/* torch's batch_norm_backward (training): with xc = x - mean,
 * dx = (dy - Σdy/N - xc · Σ(xc·dy)·invstd²/N) · invstd · gamma,
 * dgamma = Σ(xc·dy)·invstd, dbeta = Σdy. */
static void
ref_batchnorm_backward (CepBackend  *backend,
                        guint        rows,
                        guint        cols,
                        CepBatchNorm bn,
                        CepView      x,
                        CepView      dy,
                        CepView      dx,
                        CepView      dgamma,
                        CepView      dbeta)
{
  const float *xv = cep_view_floats (x);
  const float *g = cep_view_floats (dy);
  const float *mean = cep_view_floats (bn.saved_mean);
  const float *invstd = cep_view_floats (bn.saved_invstd);
  float *d = cep_view_floats (dx);
  g_autofree double *sum_dy = g_new0 (double, cols);
  g_autofree double *dot = g_new0 (double, cols);

  for (gsize i = 0; i < rows; i++)
    for (gsize j = 0; j < cols; j++)
      {
        sum_dy[j] += g[i * cols + j];
        dot[j] += (xv[i * cols + j] - (double) mean[j]) * g[i * cols + j];
      }
  for (gsize j = 0; j < cols; j++)
    {
      if (cep_view_is_set (dgamma))
        cep_view_floats (dgamma)[j] = (float) (dot[j] * invstd[j]);
      if (cep_view_is_set (dbeta))
        cep_view_floats (dbeta)[j] = (float) sum_dy[j];
    }
  for (gsize i = 0; i < rows; i++)
    for (gsize j = 0; j < cols; j++)
      {
        gsize at = i * cols + j;
        double is = invstd[j];
        double proj = (xv[at] - (double) mean[j]) * dot[j] * is * is / rows;
        d[at] = (float) ((g[at] - sum_dy[j] / rows - proj) * is * gamma_at (&bn, j));
      }
}

static void
ref_batchnorm_backward_eval (CepBackend  *backend,
                             guint        rows,
                             guint        cols,
                             CepBatchNorm bn,
                             CepView      dy,
                             CepView      dx)
{
  const float *g = cep_view_floats (dy);
  float *d = cep_view_floats (dx);
  g_autofree double *factor = g_new (double, cols);

  for (gsize j = 0; j < cols; j++)
    {
      double var = cep_view_floats (bn.running_var)[j];
      factor[j] = gamma_at (&bn, j) / sqrt (var + bn.eps);
    }
  for (gsize i = 0; i < rows; i++)
    for (gsize j = 0; j < cols; j++)
      d[i * cols + j] = (float) (g[i * cols + j] * factor[j]);
}

/* Layer normalization */

static inline double
optional_at (CepView v,
             gsize   j,
             double  absent)
{
  return cep_view_is_set (v) ? cep_view_floats (v)[j] : absent;
}

static void
ref_layernorm_forward (CepBackend  *backend,
                       guint        rows,
                       guint        cols,
                       CepLayerNorm ln,
                       CepView      x,
                       CepView      y)
{
  for (gsize i = 0; i < rows; i++)
    {
      const float *xr = cep_view_floats (x) + i * cols;
      float *yr = cep_view_floats (y) + i * cols;
      double sum = 0, squares = 0, mean, invstd;

      for (gsize j = 0; j < cols; j++)
        sum += xr[j];
      mean = sum / cols;
      for (gsize j = 0; j < cols; j++)
        squares += (xr[j] - mean) * (xr[j] - mean);
      invstd = 1.0 / sqrt (squares / cols + ln.eps);
      if (cep_view_is_set (ln.saved_mean))
        {
          cep_view_floats (ln.saved_mean)[i] = (float) mean;
          cep_view_floats (ln.saved_invstd)[i] = (float) invstd;
        }
      for (gsize j = 0; j < cols; j++)
        yr[j] = (float) ((xr[j] - mean) * invstd * optional_at (ln.gamma, j, 1.0) +
                         optional_at (ln.beta, j, 0.0));
    }
}

/* dgamma = Σ dy·x̂, dbeta = Σ dy over the rows, with x̂ = (x − mean)·invstd. */
static void
ref_layernorm_parameter_gradients (guint        rows,
                                   guint        cols,
                                   CepLayerNorm ln,
                                   CepView      x,
                                   CepView      dy,
                                   CepView      dgamma,
                                   CepView      dbeta)
{
  for (gsize j = 0; j < cols; j++)
    {
      double dot = 0, sum = 0;

      for (gsize i = 0; i < rows; i++)
        {
          double xhat = (cep_view_floats (x)[i * cols + j] - cep_view_floats (ln.saved_mean)[i])
                        * (double) cep_view_floats (ln.saved_invstd)[i];
          dot += cep_view_floats (dy)[i * cols + j] * xhat;
          sum += cep_view_floats (dy)[i * cols + j];
        }
      if (cep_view_is_set (dgamma))
        cep_view_floats (dgamma)[j] = (float) dot;
      if (cep_view_is_set (dbeta))
        cep_view_floats (dbeta)[j] = (float) sum;
    }
}

/* torch's layer_norm_backward: with g = dy·gamma per row,
 * dx = invstd · (g − mean(g) − x̂ · mean(g·x̂)). */
static void
ref_layernorm_backward (CepBackend  *backend,
                        guint        rows,
                        guint        cols,
                        CepLayerNorm ln,
                        CepView      x,
                        CepView      dy,
                        CepView      dx,
                        CepView      dgamma,
                        CepView      dbeta)
{
  /* The parameter gradients first: dx may overwrite dy. */
  ref_layernorm_parameter_gradients (rows, cols, ln, x, dy, dgamma, dbeta);
  for (gsize i = 0; i < rows; i++)
    {
      const float *xr = cep_view_floats (x) + i * cols;
      const float *gr = cep_view_floats (dy) + i * cols;
      float *dr = cep_view_floats (dx) + i * cols;
      double mean = cep_view_floats (ln.saved_mean)[i];
      double invstd = cep_view_floats (ln.saved_invstd)[i];
      double sum_g = 0, sum_g_xhat = 0;

      for (gsize j = 0; j < cols; j++)
        {
          double g = gr[j] * optional_at (ln.gamma, j, 1.0);
          sum_g += g;
          sum_g_xhat += g * (xr[j] - mean) * invstd;
        }
      for (gsize j = 0; j < cols; j++)
        {
          double g = gr[j] * optional_at (ln.gamma, j, 1.0);
          double xhat = (xr[j] - mean) * invstd;
          dr[j] = (float) (invstd * (g - sum_g / cols - xhat * sum_g_xhat / cols));
        }
    }
}

/* Dropout */

/* The key's position in the dropout stream, as cep-backend.h defines it. */
static void
dropout_rng_init (CepRng       *rng,
                  CepDropoutKey key)
{
  cep_rng_init_indexed (rng, key.seed, CEP_RNG_STREAM_DROPOUT, (guint32) key.step, key.layer,
                        (guint32) (key.step >> 32) & CEP_RNG_MAX_INDEX);
}

static void
ref_dropout_forward (CepBackend   *backend,
                     gsize         n,
                     guint32       threshold,
                     float         scale,
                     CepDropoutKey key,
                     CepView       x,
                     CepView       y,
                     CepView       mask)
{
  const float *xv = cep_view_floats (x);
  float *yv = cep_view_floats (y);
  guint32 *bits = (guint32 *) cep_view_ints (mask);
  guint32 word = 0;
  CepRng rng;

  dropout_rng_init (&rng, key);
  memset (bits, 0, CEP_DROPOUT_MASK_WORDS (n) * sizeof (guint32));
  for (gsize e = 0; e < n; e++)
    {
      if (e % 2 == 0)
        word = cep_rng_next_u32 (&rng);
      guint32 half = e % 2 == 0 ? word & 0xffff : word >> 16;
      gboolean keep = half >= threshold;
      bits[e / 32] |= (guint32) keep << (e % 32);
      yv[e] = keep ? xv[e] * scale : 0.0f;
    }
}

static void
ref_dropout_backward (CepBackend *backend,
                      gsize       n,
                      float       scale,
                      CepView     mask,
                      CepView     dy,
                      CepView     dx)
{
  const guint32 *bits = (const guint32 *) cep_view_ints (mask);
  const float *g = cep_view_floats (dy);
  float *d = cep_view_floats (dx);

  for (gsize e = 0; e < n; e++)
    d[e] = (bits[e / 32] >> (e % 32)) & 1 ? g[e] * scale : 0.0f;
}

/* Classification */

static inline gboolean
label_valid (gint32 label,
             guint  classes)
{
  return label >= 0 && (guint32) label < classes;
}

/* log Σ exp(row) in double. */
static double
row_log_sum_exp (const float *row,
                 guint        classes)
{
  double max = row[0];
  for (guint c = 1; c < classes; c++)
    max = MAX (max, (double) row[c]);
  double sum = 0.0;
  for (guint c = 0; c < classes; c++)
    sum += exp (row[c] - max);
  return max + log (sum);
}

static void
ref_softmax_ce_forward (CepBackend *backend,
                        guint       rows,
                        guint       classes,
                        float       smoothing,
                        CepView     logits,
                        CepView     labels,
                        CepView     loss_sum)
{
  const gint32 *lab = cep_view_ints (labels);
  double total = 0.0;

  for (gsize i = 0; i < rows; i++)
    {
      const float *row = cep_view_floats (logits) + i * classes;
      if (!label_valid (lab[i], classes))
        continue;
      double lse = row_log_sum_exp (row, classes);
      double mean = 0.0;
      for (guint c = 0; c < classes; c++)
        mean += row[c];
      mean /= classes;
      total += lse - (1.0 - smoothing) * row[lab[i]] - smoothing * mean;
    }
  float *sum = cep_view_floats (loss_sum);
  sum[0] = (float) (sum[0] + total);
}

static void
ref_softmax_ce_backward (CepBackend *backend,
                         guint       rows,
                         guint       classes,
                         float       smoothing,
                         float       grad_scale,
                         CepView     logits,
                         CepView     labels,
                         CepView     dlogits)
{
  const gint32 *lab = cep_view_ints (labels);
  double uniform = (double) smoothing / classes;

  for (gsize i = 0; i < rows; i++)
    {
      const float *row = cep_view_floats (logits) + i * classes;
      float *d = cep_view_floats (dlogits) + i * classes;
      if (!label_valid (lab[i], classes))
        {
          memset (d, 0, classes * sizeof (float));
          continue;
        }
      double lse = row_log_sum_exp (row, classes);
      for (guint c = 0; c < classes; c++)
        {
          double target = uniform + (c == (guint) lab[i] ? 1.0 - smoothing : 0.0);
          d[c] = (float) (grad_scale * (exp (row[c] - lse) - target));
        }
    }
}

static void
ref_softmax (CepBackend *backend,
             guint       rows,
             guint       classes,
             CepView     logits,
             CepView     probabilities)
{
  for (gsize i = 0; i < rows; i++)
    {
      const float *row = cep_view_floats (logits) + i * classes;
      float *out = cep_view_floats (probabilities) + i * classes;
      double lse = row_log_sum_exp (row, classes);
      for (guint c = 0; c < classes; c++)
        out[c] = (float) exp (row[c] - lse);
    }
}

static guint
row_argmax (const float *row,
            guint        classes)
{
  guint best = 0;
  for (guint c = 1; c < classes && !isnan (row[best]); c++)
    if (isnan (row[c]) || row[c] > row[best])
      best = c;
  return best;
}

static void
ref_argmax (CepBackend *backend,
            guint       rows,
            guint       classes,
            CepView     logits,
            CepView     labels,
            CepView     predictions,
            CepView     correct)
{
  gint32 hits = 0;

  for (gsize i = 0; i < rows; i++)
    {
      guint best = row_argmax (cep_view_floats (logits) + i * classes, classes);
      if (cep_view_is_set (predictions))
        cep_view_ints (predictions)[i] = (gint32) best;
      if (cep_view_is_set (correct) && cep_view_ints (labels)[i] == (gint32) best)
        hits++;
    }
  if (cep_view_is_set (correct))
    cep_view_ints (correct)[0] += hits;
}

/* Optimizers */

static void
ref_adam_step (CepBackend    *backend,
               gsize          n,
               CepAdamScalars s,
               CepView        param,
               CepView        grad,
               CepView        m,
               CepView        v)
{
  float *p = cep_view_floats (param);
  const float *g = cep_view_floats (grad);
  float *mv = cep_view_floats (m);
  float *vv = cep_view_floats (v);

  for (gsize i = 0; i < n; i++)
    {
      float gi = s.weight_decay != 0.0f ? g[i] + s.weight_decay * p[i] : g[i];
      float pi = p[i] * s.lr_decay;
      mv[i] = mv[i] * s.beta1 + s.one_minus_beta1 * gi;
      vv[i] = vv[i] * s.beta2 + s.one_minus_beta2 * gi * gi;
      float denom = sqrtf (vv[i]) / s.bias_correction2_sqrt + s.eps;
      p[i] = pi + s.neg_step_size * mv[i] / denom;
    }
}

static void
ref_sgd_step (CepBackend   *backend,
              gsize         n,
              CepSgdScalars s,
              CepView       param,
              CepView       grad,
              CepView       momentum_buffer)
{
  float *p = cep_view_floats (param);
  const float *g = cep_view_floats (grad);
  float *buf = cep_view_floats_or_null (momentum_buffer);

  for (gsize i = 0; i < n; i++)
    {
      float d = s.weight_decay != 0.0f ? g[i] + s.weight_decay * p[i] : g[i];
      if (buf != NULL)
        {
          buf[i] = s.first_step ? d : buf[i] * s.momentum + s.one_minus_dampening * d;
          d = s.nesterov ? d + s.momentum * buf[i] : buf[i];
        }
      p[i] = p[i] + s.neg_lr * d;
    }
}

static void
ref_sum_squares (CepBackend *backend,
                 gsize       n,
                 CepView     x,
                 CepView     sum)
{
  const float *v = cep_view_floats (x);
  double total = 0.0;

  for (gsize i = 0; i < n; i++)
    total += (double) v[i] * v[i];
  float *out = cep_view_floats (sum);
  out[0] = (float) (out[0] + total);
}

static void
ref_clip_scale (CepBackend *backend,
                gsize       n,
                CepView     sum_squares,
                float       max_norm,
                CepView     x)
{
  float norm = sqrtf (cep_view_floats (sum_squares)[0]);
  float coef = max_norm / (norm + 1e-6f);

  if (coef < 1.0f)
    ref_scale (backend, n, coef, x);
}

/* Context windows */

/* The mask bands of one descriptor, counts clamped to the slots the descriptor has. */
static void
decode_masks (const gint32 *sample,
              guint         sample_words,
              CepMaskSet   *masks)
{
  guint32 counts = (guint32) sample[2];
  guint slots = sample_words - 3;
  guint n_freq = MIN (MIN (counts & 0xffffu, slots), CEP_AUGMENT_MAX_BANDS);
  guint n_time = MIN (MIN (counts >> 16, slots - n_freq), CEP_AUGMENT_MAX_BANDS);
  const guint32 *bands = (const guint32 *) sample + 3;

  memset (masks, 0, sizeof *masks);
  masks->n_freq = n_freq;
  masks->n_time = n_time;
  for (guint b = 0; b < n_freq; b++)
    masks->freq[b] = (CepMaskBand) { bands[b] & 0xffffu, bands[b] >> 16 };
  for (guint b = 0; b < n_time; b++)
    masks->time[b] = (CepMaskBand) { bands[n_freq + b] & 0xffffu, bands[n_freq + b] >> 16 };
}

void
_cep_gather_windows_range (const float    *store,
                           gsize           store_rows,
                           const gint32   *samples,
                           float          *out,
                           guint           out_rows,
                           CepGatherShape  shape,
                           guint           s0,
                           guint           s1)
{
  gsize window_floats = (gsize) shape.window_frames * shape.dim;

  for (guint s = s0; s < s1; s++)
    {
      const gint32 *sample = samples + (gsize) s * shape.sample_words;
      guint32 out_row = (guint32) sample[1];
      gint64 first = (gint64) (guint32) sample[0] + shape.window_start;
      if (out_row >= out_rows)
        continue;
      float *window = out + out_row * window_floats;
      if (first < 0 || (guint64) first + shape.window_frames > store_rows)
        {
          memset (window, 0, window_floats * sizeof (float));
          continue;
        }
      memcpy (window, store + (gsize) first * shape.dim, window_floats * sizeof (float));
      if (shape.sample_words > 2)
        {
          CepMaskSet masks;
          decode_masks (sample, shape.sample_words, &masks);
          cep_augment_apply (&masks, window, shape.window_frames, shape.dim);
        }
    }
}

static void
ref_gather_windows (CepBackend    *backend,
                    guint          n,
                    CepGatherShape shape,
                    CepView        store,
                    gsize          store_rows,
                    CepView        samples,
                    CepView        out,
                    guint          out_rows)
{
  _cep_gather_windows_range (cep_view_floats (store), store_rows, cep_view_ints (samples),
                             cep_view_floats (out), out_rows, shape, 0, n);
}

static void
ref_conv1d_unfold (CepBackend    *backend,
                   guint          rows,
                   CepConv1dShape shape,
                   CepView        x,
                   CepView        cols)
{
  _cep_conv1d_unfold_range (cep_view_floats (x), cep_view_floats (cols), shape, 0, rows);
}

static void
ref_conv1d_fold (CepBackend    *backend,
                 guint          rows,
                 CepConv1dShape shape,
                 CepView        cols,
                 CepView        dx)
{
  _cep_conv1d_fold_range (cep_view_floats (cols), cep_view_floats (dx), shape, 0, rows);
}

static void
ref_max_pool1d_forward (CepBackend    *backend,
                        guint          rows,
                        CepPool1dShape shape,
                        CepView        x,
                        CepView        y,
                        CepView        indices)
{
  _cep_max_pool1d_forward_range (cep_view_floats (x), cep_view_floats (y),
                                 cep_view_ints (indices), shape, 0, rows);
}

static void
ref_max_pool1d_backward (CepBackend    *backend,
                         guint          rows,
                         CepPool1dShape shape,
                         CepView        indices,
                         CepView        dy,
                         CepView        dx)
{
  _cep_max_pool1d_backward_range (cep_view_ints (indices), cep_view_floats (dy),
                                  cep_view_floats (dx), shape, 0, rows);
}

static void
ref_avg_pool1d_forward (CepBackend    *backend,
                        guint          rows,
                        CepPool1dShape shape,
                        CepView        x,
                        CepView        y)
{
  _cep_avg_pool1d_forward_range (cep_view_floats (x), cep_view_floats (y), shape, 0, rows);
}

static void
ref_avg_pool1d_backward (CepBackend    *backend,
                         guint          rows,
                         CepPool1dShape shape,
                         CepView        dy,
                         CepView        dx)
{
  _cep_avg_pool1d_backward_range (cep_view_floats (dy), cep_view_floats (dx), shape, 0, rows);
}

const CepBackendOps cep_backend_ref_ops = {
  .buffer_init = _cep_host_buffer_init,
  .buffer_clear = _cep_host_buffer_clear,
  .upload = _cep_host_buffer_upload,
  .download = _cep_host_buffer_download,
  .fill = ref_fill,
  .copy = ref_copy,
  .scale = ref_scale,
  .axpy = ref_axpy,
  .gemm = ref_gemm,
  .bias_act_forward = ref_bias_act_forward,
  .bias_act_backward = ref_bias_act_backward,
  .column_sums = ref_column_sums,
  .batchnorm_forward_train = ref_batchnorm_forward_train,
  .batchnorm_forward_eval = ref_batchnorm_forward_eval,
  .batchnorm_backward = ref_batchnorm_backward,
  .batchnorm_backward_eval = ref_batchnorm_backward_eval,
  .layernorm_forward = ref_layernorm_forward,
  .layernorm_backward = ref_layernorm_backward,
  .dropout_forward = ref_dropout_forward,
  .dropout_backward = ref_dropout_backward,
  .softmax_ce_forward = ref_softmax_ce_forward,
  .softmax_ce_backward = ref_softmax_ce_backward,
  .softmax = ref_softmax,
  .argmax = ref_argmax,
  .adam_step = ref_adam_step,
  .sgd_step = ref_sgd_step,
  .sum_squares = ref_sum_squares,
  .clip_scale = ref_clip_scale,
  .gather_windows = ref_gather_windows,
  .conv1d_unfold = ref_conv1d_unfold,
  .conv1d_fold = ref_conv1d_fold,
  .max_pool1d_forward = ref_max_pool1d_forward,
  .max_pool1d_backward = ref_max_pool1d_backward,
  .avg_pool1d_forward = ref_avg_pool1d_forward,
  .avg_pool1d_backward = ref_avg_pool1d_backward,
};

gboolean
_cep_backend_ref_setup (CepBackend              *backend,
                        const CepBackendOptions *options,
                        GError                 **error)
{
  backend->ops = &cep_backend_ref_ops;
  backend->host_memory = TRUE;
  backend->threads = 1;
  backend->description = g_strdup ("ref: plain C reference (double accumulation), 1 thread");
  return TRUE;
}
