/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-backend-blas.c: the CPU backend for training — matrix products on OpenBLAS or, on CPUs
 * with AVX-512, on the tiled kernel (OpenBLAS 0.3.21 only has AVX2 kernels for AMD Zen), the
 * skinny kernel for products with few output columns, and vectorized loops for the rest.
 *
 * Owns the choice of kernel per call and the split of each operation over the backend's
 * threads (OpenBLAS threads for its GEMMs, a CepWorkers team for everything else). A split
 * never cuts the axis an operation reduces over, so results do not depend on the thread
 * count (OpenBLAS's own GEMMs aside).
 * Operations that cost nothing next to a GEMM (fill, copy, axpy, argmax) and those only the
 * analyses use (softmax probabilities, evaluation-mode batch-norm backward) are left to the
 * ref fallback. It must not change any numerical definition: those belong to cep-backend.h and
 * the ref backend.
 */
#define G_LOG_DOMAIN "cepstra-backend"

#include <cblas.h>
#include <math.h>

#include "cep-backend-private.h"
#include "cep-blas-kernels.h"
#include "cep-gemm-skinny.h"
#include "cep-gemm-tiled.h"
#include "cep-workers.h"

/* Below this many element-operations an operation runs on the calling thread only. */
#define PARALLEL_MIN_WORK (1u << 16)
/* Transcendental activations cost about this many simple operations per element. */
#define ACTIVATION_WORK 8

typedef struct
{
  CepWorkers      *workers;
  CepGemmSkinnyIsa skinny;     /* CEP_GEMM_SKINNY_NONE: not used */
  CepGemmTiled    *tiled;      /* NULL: OpenBLAS for the rest */
  guint            threads;
} BlasContext;

/* OpenBLAS's thread count is process-wide; remember what was last set. */
static gint openblas_threads_set = 0;

static BlasContext *
context_of (CepBackend *backend)
{
  return backend->context;
}

/* Splitting an operation into ranges */

typedef void (*RangeFunc) (gpointer op,
                           gsize    start,
                           gsize    end);

typedef struct
{
  RangeFunc func;
  gpointer  op;
  gsize     n;
  gsize     align;
} RangeJob;

static void
range_part (gpointer data,
            guint    part,
            guint    n_parts)
{
  RangeJob *job = data;
  gsize start, end;

  cep_workers_split (job->n, part, n_parts, job->align, &start, &end);
  if (start < end)
    job->func (job->op, start, end);
}

/* Runs @func over [0, n) in ranges aligned to @align, on all threads when @work pays. */
static void
run_ranges (CepBackend *backend,
            gsize       n,
            gsize       align,
            double      work,
            RangeFunc   func,
            gpointer    op)
{
  BlasContext *ctx = context_of (backend);
  guint parts = work >= PARALLEL_MIN_WORK ? ctx->threads : 1;
  gsize units = (n + align - 1) / align;

  parts = (guint) MIN ((gsize) parts, MAX (units, 1));
  if (parts <= 1)
    {
      func (op, 0, n);
      return;
    }
  RangeJob job = { func, op, n, align };
  cep_workers_run (ctx->workers, range_part, &job, parts);
}

/* GEMM */

static void
ensure_openblas_threads (BlasContext *ctx)
{
  if (g_atomic_int_get (&openblas_threads_set) != (gint) ctx->threads)
    {
      openblas_set_num_threads ((int) ctx->threads);
      g_atomic_int_set (&openblas_threads_set, (gint) ctx->threads);
    }
}

/* C = beta·C for the products that read neither A nor B. */
static void
scale_matrix (guint  m,
              guint  n,
              float  beta,
              float *c,
              guint  ldc)
{
  for (gsize i = 0; i < m; i++)
    for (gsize j = 0; j < n; j++)
      c[i * ldc + j] = beta != 0.0f ? beta * c[i * ldc + j] : 0.0f;
}

/* Few output columns and a plain A: where OpenBLAS's blocking wastes most of its time. */
static gboolean
skinny_pays (BlasContext *ctx,
             CepTranspose trans_a,
             guint        m,
             guint        n,
             guint        k)
{
  return ctx->skinny != CEP_GEMM_SKINNY_NONE && trans_a == CEP_NO_TRANS &&
         n <= CEP_GEMM_SKINNY_MAX_N && m >= 16 && k >= 16;
}

static void
blas_gemm (CepBackend  *backend,
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
  BlasContext *ctx = context_of (backend);
  float *cv = cep_view_floats (c);

  if (alpha == 0.0f || k == 0)
    scale_matrix (m, n, beta, cv, ldc);
  else if (skinny_pays (ctx, trans_a, m, n, k))
    cep_gemm_skinny (ctx->skinny, ctx->workers, trans_b, m, n, k, alpha, cep_view_floats (a),
                     lda, cep_view_floats (b), ldb, beta, cv, ldc);
  else if (ctx->tiled != NULL)
    cep_gemm_tiled_run (ctx->tiled, trans_a, trans_b, m, n, k, alpha, cep_view_floats (a), lda,
                        cep_view_floats (b), ldb, beta, cv, ldc);
  else
    {
      ensure_openblas_threads (ctx);
      cblas_sgemm (CblasRowMajor, trans_a == CEP_TRANS ? CblasTrans : CblasNoTrans,
                   trans_b == CEP_TRANS ? CblasTrans : CblasNoTrans, (int) m, (int) n, (int) k,
                   alpha, cep_view_floats (a), (int) lda, cep_view_floats (b), (int) ldb, beta,
                   cv, (int) ldc);
    }
}

/* Bias and activation */

static double
activation_work (CepActivation act,
                 gsize         size)
{
  gboolean cheap = act == CEP_ACTIVATION_IDENTITY || act == CEP_ACTIVATION_RELU ||
                   act == CEP_ACTIVATION_LEAKY_RELU;
  return (double) size * (cheap ? 1 : ACTIVATION_WORK);
}

typedef struct
{
  CepActivation act;
  float         slope;
  const float  *bias;
  float        *pre;
  float        *out;
  const float  *dy;
  float        *dbias;
  gsize         rows;
  gsize         cols;
} ActivationOp;

static void
bias_act_forward_range (gpointer data,
                        gsize    r0,
                        gsize    r1)
{
  ActivationOp *op = data;
  cep_kernel_bias_act_forward (op->act, op->slope, op->bias, op->pre, op->out, op->cols,
                               r0, r1);
}

static void
blas_bias_act_forward (CepBackend   *backend,
                       guint         rows,
                       guint         cols,
                       CepActivation act,
                       float         slope,
                       CepView       bias,
                       CepView       pre,
                       CepView       out)
{
  ActivationOp op = {
    .act = act, .slope = slope, .bias = cep_view_floats_or_null (bias),
    .pre = cep_view_floats (pre), .out = cep_view_floats (out), .rows = rows, .cols = cols,
  };
  if (op.bias == NULL && op.pre == op.out && act == CEP_ACTIVATION_IDENTITY)
    return;
  run_ranges (backend, rows, 1, activation_work (act, (gsize) rows * cols),
              bias_act_forward_range, &op);
}

static void
bias_act_backward_range (gpointer data,
                         gsize    c0,
                         gsize    c1)
{
  ActivationOp *op = data;
  cep_kernel_bias_act_backward (op->act, op->slope, op->pre, op->dy, op->out, op->dbias,
                                op->rows, op->cols, c0, c1);
}

static void
blas_bias_act_backward (CepBackend   *backend,
                        guint         rows,
                        guint         cols,
                        CepActivation act,
                        float         slope,
                        CepView       pre,
                        CepView       dy,
                        CepView       dpre,
                        CepView       dbias)
{
  ActivationOp op = {
    .act = act, .slope = slope, .pre = cep_view_floats (pre), .dy = cep_view_floats (dy),
    .out = cep_view_floats (dpre), .dbias = cep_view_floats_or_null (dbias),
    .rows = rows, .cols = cols,
  };
  run_ranges (backend, cols, 16, activation_work (act, (gsize) rows * cols),
              bias_act_backward_range, &op);
}

typedef struct
{
  const float *x;
  float        beta;
  float       *out;
  gsize        rows;
  gsize        cols;
} ColumnSumsOp;

static void
column_sums_range (gpointer data,
                   gsize    c0,
                   gsize    c1)
{
  ColumnSumsOp *op = data;
  cep_kernel_column_sums (op->x, op->beta, op->out, op->rows, op->cols, c0, c1);
}

static void
blas_column_sums (CepBackend *backend,
                  guint       rows,
                  guint       cols,
                  CepView     x,
                  float       beta,
                  CepView     out)
{
  ColumnSumsOp op = { cep_view_floats (x), beta, cep_view_floats (out), rows, cols };
  run_ranges (backend, cols, 16, (double) rows * cols, column_sums_range, &op);
}

/* Batch normalization */

typedef struct
{
  CepBatchNormHost bn;
  const float     *x;
  float           *y;
  const float     *dy;
  float           *dgamma;
  float           *dbeta;
  gsize            rows;
  gsize            cols;
} BatchNormOp;

static CepBatchNormHost
batchnorm_host (const CepBatchNorm *bn)
{
  CepBatchNormHost host = {
    .gamma = cep_view_floats_or_null (bn->gamma),
    .beta = cep_view_floats_or_null (bn->beta),
    .running_mean = cep_view_floats_or_null (bn->running_mean),
    .running_var = cep_view_floats_or_null (bn->running_var),
    .saved_mean = cep_view_floats_or_null (bn->saved_mean),
    .saved_invstd = cep_view_floats_or_null (bn->saved_invstd),
    .momentum = bn->momentum,
    .eps = bn->eps,
  };
  return host;
}

static void
batchnorm_train_range (gpointer data,
                       gsize    c0,
                       gsize    c1)
{
  BatchNormOp *op = data;
  cep_kernel_batchnorm_train (&op->bn, op->x, op->y, op->rows, op->cols, c0, c1);
}

static void
batchnorm_eval_range (gpointer data,
                      gsize    c0,
                      gsize    c1)
{
  BatchNormOp *op = data;
  cep_kernel_batchnorm_eval (&op->bn, op->x, op->y, op->rows, op->cols, c0, c1);
}

static void
batchnorm_backward_range (gpointer data,
                          gsize    c0,
                          gsize    c1)
{
  BatchNormOp *op = data;
  cep_kernel_batchnorm_backward (&op->bn, op->x, op->dy, op->y, op->dgamma, op->dbeta,
                                 op->rows, op->cols, c0, c1);
}

static void
blas_batchnorm_forward_train (CepBackend  *backend,
                              guint        rows,
                              guint        cols,
                              CepBatchNorm bn,
                              CepView      x,
                              CepView      y)
{
  BatchNormOp op = {
    .bn = batchnorm_host (&bn), .x = cep_view_floats (x), .y = cep_view_floats (y),
    .rows = rows, .cols = cols,
  };
  run_ranges (backend, cols, 16, 2.0 * rows * cols, batchnorm_train_range, &op);
}

static void
blas_batchnorm_forward_eval (CepBackend  *backend,
                             guint        rows,
                             guint        cols,
                             CepBatchNorm bn,
                             CepView      x,
                             CepView      y)
{
  BatchNormOp op = {
    .bn = batchnorm_host (&bn), .x = cep_view_floats (x), .y = cep_view_floats (y),
    .rows = rows, .cols = cols,
  };
  run_ranges (backend, cols, 16, (double) rows * cols, batchnorm_eval_range, &op);
}

static void
blas_batchnorm_backward (CepBackend  *backend,
                         guint        rows,
                         guint        cols,
                         CepBatchNorm bn,
                         CepView      x,
                         CepView      dy,
                         CepView      dx,
                         CepView      dgamma,
                         CepView      dbeta)
{
  BatchNormOp op = {
    .bn = batchnorm_host (&bn), .x = cep_view_floats (x), .dy = cep_view_floats (dy),
    .y = cep_view_floats (dx), .dgamma = cep_view_floats_or_null (dgamma),
    .dbeta = cep_view_floats_or_null (dbeta), .rows = rows, .cols = cols,
  };
  run_ranges (backend, cols, 16, 2.0 * rows * cols, batchnorm_backward_range, &op);
}

/* Layer normalization */

typedef struct
{
  CepLayerNormHost ln;
  const float     *x;
  const float     *dy;
  float           *y;        /* the forward's output, the backward's dx */
  float           *dgamma;
  float           *dbeta;
  gsize            rows;
  gsize            cols;
} LayerNormOp;

static LayerNormOp
layernorm_op (const CepLayerNorm *ln,
              guint               rows,
              guint               cols)
{
  return (LayerNormOp) {
    .ln = {
      .gamma = cep_view_floats_or_null (ln->gamma),
      .beta = cep_view_floats_or_null (ln->beta),
      .saved_mean = cep_view_floats_or_null (ln->saved_mean),
      .saved_invstd = cep_view_floats_or_null (ln->saved_invstd),
      .eps = ln->eps,
    },
    .rows = rows,
    .cols = cols,
  };
}

static void
layernorm_forward_range (gpointer data,
                         gsize    r0,
                         gsize    r1)
{
  LayerNormOp *op = data;
  cep_kernel_layernorm_forward (&op->ln, op->x, op->y, op->cols, r0, r1);
}

static void
layernorm_params_range (gpointer data,
                        gsize    c0,
                        gsize    c1)
{
  LayerNormOp *op = data;
  cep_kernel_layernorm_backward_params (&op->ln, op->x, op->dy, op->dgamma, op->dbeta,
                                        op->rows, op->cols, c0, c1);
}

static void
layernorm_dx_range (gpointer data,
                    gsize    r0,
                    gsize    r1)
{
  LayerNormOp *op = data;
  cep_kernel_layernorm_backward_dx (&op->ln, op->x, op->dy, op->y, op->cols, r0, r1);
}

static void
blas_layernorm_forward (CepBackend  *backend,
                        guint        rows,
                        guint        cols,
                        CepLayerNorm ln,
                        CepView      x,
                        CepView      y)
{
  LayerNormOp op = layernorm_op (&ln, rows, cols);

  op.x = cep_view_floats (x);
  op.y = cep_view_floats (y);
  run_ranges (backend, rows, 1, 3.0 * rows * cols, layernorm_forward_range, &op);
}

static void
blas_layernorm_backward (CepBackend  *backend,
                         guint        rows,
                         guint        cols,
                         CepLayerNorm ln,
                         CepView      x,
                         CepView      dy,
                         CepView      dx,
                         CepView      dgamma,
                         CepView      dbeta)
{
  LayerNormOp op = layernorm_op (&ln, rows, cols);

  op.x = cep_view_floats (x);
  op.dy = cep_view_floats (dy);
  op.y = cep_view_floats (dx);
  op.dgamma = cep_view_floats_or_null (dgamma);
  op.dbeta = cep_view_floats_or_null (dbeta);
  /* The parameter gradients first: dx may overwrite dy. */
  if (op.dgamma != NULL || op.dbeta != NULL)
    run_ranges (backend, cols, 16, 2.0 * rows * cols, layernorm_params_range, &op);
  run_ranges (backend, rows, 1, 3.0 * rows * cols, layernorm_dx_range, &op);
}

/* Dropout */

typedef struct
{
  CepDropoutKey key;
  guint32       threshold;
  float         scale;
  const float  *x;
  float        *y;
  guint32      *mask;
} DropoutOp;

static void
dropout_forward_range (gpointer data,
                       gsize    e0,
                       gsize    e1)
{
  DropoutOp *op = data;
  cep_kernel_dropout_forward (op->key, op->threshold, op->scale, op->x, op->y, op->mask,
                              e0, e1);
}

static void
dropout_backward_range (gpointer data,
                        gsize    e0,
                        gsize    e1)
{
  DropoutOp *op = data;
  cep_kernel_dropout_apply (op->mask, op->scale, op->x, op->y, e0, e1);
}

static void
blas_dropout_forward (CepBackend   *backend,
                      gsize         n,
                      guint32       threshold,
                      float         scale,
                      CepDropoutKey key,
                      CepView       x,
                      CepView       y,
                      CepView       mask)
{
  DropoutOp op = {
    .key = key, .threshold = threshold, .scale = scale, .x = cep_view_floats (x),
    .y = cep_view_floats (y), .mask = (guint32 *) cep_view_ints (mask),
  };
  run_ranges (backend, n, 128, 4.0 * n, dropout_forward_range, &op);
}

static void
blas_dropout_backward (CepBackend *backend,
                       gsize       n,
                       float       scale,
                       CepView     mask,
                       CepView     dy,
                       CepView     dx)
{
  DropoutOp op = {
    .scale = scale, .x = cep_view_floats (dy), .y = cep_view_floats (dx),
    .mask = (guint32 *) cep_view_ints (mask),
  };
  run_ranges (backend, n, 32, (double) n, dropout_backward_range, &op);
}

/* Classification */

typedef struct
{
  const float  *logits;
  const gint32 *labels;
  float         smoothing;
  float         grad_scale;
  guint         classes;
  double       *row_loss;
  float        *dlogits;
} SoftmaxOp;

static void
softmax_forward_range (gpointer data,
                       gsize    r0,
                       gsize    r1)
{
  SoftmaxOp *op = data;
  cep_kernel_softmax_ce_forward (op->logits, op->labels, op->smoothing, op->classes,
                                 op->row_loss, r0, r1);
}

static void
softmax_backward_range (gpointer data,
                        gsize    r0,
                        gsize    r1)
{
  SoftmaxOp *op = data;
  cep_kernel_softmax_ce_backward (op->logits, op->labels, op->smoothing, op->grad_scale,
                                  op->classes, op->dlogits, r0, r1);
}

static void
blas_softmax_ce_forward (CepBackend *backend,
                         guint       rows,
                         guint       classes,
                         float       smoothing,
                         CepView     logits,
                         CepView     labels,
                         CepView     loss_sum)
{
  g_autofree double *row_loss = g_new (double, rows);
  SoftmaxOp op = {
    .logits = cep_view_floats (logits), .labels = cep_view_ints (labels),
    .smoothing = smoothing, .classes = classes, .row_loss = row_loss,
  };
  double total = 0.0;

  run_ranges (backend, rows, 1, 4.0 * rows * classes, softmax_forward_range, &op);
  for (gsize r = 0; r < rows; r++)
    total += row_loss[r];
  float *sum = cep_view_floats (loss_sum);
  sum[0] = (float) (sum[0] + total);
}

static void
blas_softmax_ce_backward (CepBackend *backend,
                          guint       rows,
                          guint       classes,
                          float       smoothing,
                          float       grad_scale,
                          CepView     logits,
                          CepView     labels,
                          CepView     dlogits)
{
  SoftmaxOp op = {
    .logits = cep_view_floats (logits), .labels = cep_view_ints (labels),
    .smoothing = smoothing, .grad_scale = grad_scale, .classes = classes,
    .dlogits = cep_view_floats (dlogits),
  };
  run_ranges (backend, rows, 1, 4.0 * rows * classes, softmax_backward_range, &op);
}

/* Optimizers */

typedef struct
{
  CepAdamScalars adam;
  CepSgdScalars  sgd;
  float         *param;
  const float   *grad;
  float         *m;
  float         *v;
  double        *partials;
  float          alpha;
  gsize          n;
} VectorOp;

static void
adam_range (gpointer data,
            gsize    e0,
            gsize    e1)
{
  VectorOp *op = data;
  cep_kernel_adam (&op->adam, op->param, op->grad, op->m, op->v, e0, e1);
}

static void
blas_adam_step (CepBackend    *backend,
                gsize          n,
                CepAdamScalars s,
                CepView        param,
                CepView        grad,
                CepView        m,
                CepView        v)
{
  VectorOp op = {
    .adam = s, .param = cep_view_floats (param), .grad = cep_view_floats (grad),
    .m = cep_view_floats (m), .v = cep_view_floats (v),
  };
  run_ranges (backend, n, 16, 4.0 * n, adam_range, &op);
}

static void
sgd_range (gpointer data,
           gsize    e0,
           gsize    e1)
{
  VectorOp *op = data;
  cep_kernel_sgd (&op->sgd, op->param, op->grad, op->m, e0, e1);
}

static void
blas_sgd_step (CepBackend   *backend,
               gsize         n,
               CepSgdScalars s,
               CepView       param,
               CepView       grad,
               CepView       momentum_buffer)
{
  VectorOp op = {
    .sgd = s, .param = cep_view_floats (param), .grad = cep_view_floats (grad),
    .m = cep_view_floats_or_null (momentum_buffer),
  };
  run_ranges (backend, n, 16, 2.0 * n, sgd_range, &op);
}

static void
sum_squares_range (gpointer data,
                   gsize    e0,
                   gsize    e1)
{
  VectorOp *op = data;
  cep_kernel_sum_squares (op->grad, op->partials, op->n, e0, e1);
}

static void
blas_sum_squares (CepBackend *backend,
                  gsize       n,
                  CepView     x,
                  CepView     sum)
{
  gsize n_blocks = (n + CEP_KERNEL_SUM_BLOCK - 1) / CEP_KERNEL_SUM_BLOCK;
  g_autofree double *partials = g_new (double, n_blocks);
  VectorOp op = { .grad = cep_view_floats (x), .partials = partials, .n = n };
  double total = 0.0;

  run_ranges (backend, n, CEP_KERNEL_SUM_BLOCK, (double) n, sum_squares_range, &op);
  for (gsize b = 0; b < n_blocks; b++)
    total += partials[b];
  float *out = cep_view_floats (sum);
  out[0] = (float) (out[0] + total);
}

static void
scale_range (gpointer data,
             gsize    e0,
             gsize    e1)
{
  VectorOp *op = data;
  cep_kernel_scale (op->param, op->alpha, e0, e1);
}

static void
blas_scale (CepBackend *backend,
            gsize       n,
            float       alpha,
            CepView     x)
{
  VectorOp op = { .param = cep_view_floats (x), .alpha = alpha };
  run_ranges (backend, n, 16, (double) n, scale_range, &op);
}

static void
blas_clip_scale (CepBackend *backend,
                 gsize       n,
                 CepView     sum_squares,
                 float       max_norm,
                 CepView     x)
{
  float norm = sqrtf (cep_view_floats (sum_squares)[0]);
  float coef = max_norm / (norm + 1e-6f);

  if (coef < 1.0f)
    blas_scale (backend, n, coef, x);
}

static void
blas_destroy (CepBackend *backend)
{
  BlasContext *ctx = context_of (backend);
  cep_gemm_tiled_free (ctx->tiled);
  cep_workers_free (ctx->workers);
  g_free (ctx);
}

/* Context windows: samples split over the threads (each writes its own output rows). */

typedef struct
{
  const float   *store;
  gsize          store_rows;
  const gint32  *samples;
  float         *out;
  guint          out_rows;
  CepGatherShape shape;
} GatherOp;

static void
gather_range (gpointer data,
              gsize    start,
              gsize    end)
{
  GatherOp *op = data;

  _cep_gather_windows_range (op->store, op->store_rows, op->samples, op->out, op->out_rows,
                             op->shape, (guint) start, (guint) end);
}

static void
blas_gather_windows (CepBackend    *backend,
                     guint          n,
                     CepGatherShape shape,
                     CepView        store,
                     gsize          store_rows,
                     CepView        samples,
                     CepView        out,
                     guint          out_rows)
{
  GatherOp op = {
    cep_view_floats (store), store_rows, cep_view_ints (samples), cep_view_floats (out),
    out_rows, shape,
  };

  run_ranges (backend, n, 1, (double) n * shape.window_frames * shape.dim, gather_range, &op);
}

/* Convolution and pooling over time: rows split over the workers. */

typedef enum
{
  CONV_UNFOLD,
  CONV_FOLD,
  MAX_POOL_FORWARD,
  MAX_POOL_BACKWARD,
  AVG_POOL_FORWARD,
  AVG_POOL_BACKWARD,
} TimeOpKind;

typedef struct
{
  TimeOpKind     kind;
  CepConv1dShape conv;
  CepPool1dShape pool;
  const float   *in;
  float         *out;
  gint32        *indices;
} TimeOp;

static void
time_op_range (gpointer data,
               gsize    r0,
               gsize    r1)
{
  TimeOp *op = data;

  switch (op->kind)
    {
    case CONV_UNFOLD: _cep_conv1d_unfold_range (op->in, op->out, op->conv, r0, r1); break;
    case CONV_FOLD: _cep_conv1d_fold_range (op->in, op->out, op->conv, r0, r1); break;
    case MAX_POOL_FORWARD:
      _cep_max_pool1d_forward_range (op->in, op->out, op->indices, op->pool, r0, r1);
      break;
    case MAX_POOL_BACKWARD:
      _cep_max_pool1d_backward_range (op->indices, op->in, op->out, op->pool, r0, r1);
      break;
    case AVG_POOL_FORWARD:
      _cep_avg_pool1d_forward_range (op->in, op->out, op->pool, r0, r1);
      break;
    case AVG_POOL_BACKWARD:
      _cep_avg_pool1d_backward_range (op->in, op->out, op->pool, r0, r1);
      break;
    }
}

static void
blas_conv1d_unfold (CepBackend    *backend,
                    guint          rows,
                    CepConv1dShape shape,
                    CepView        x,
                    CepView        cols)
{
  TimeOp op = { CONV_UNFOLD, shape, { 0 }, cep_view_floats (x), cep_view_floats (cols), NULL };
  run_ranges (backend, rows, 1, (double) rows * shape.frames_out * shape.channels * shape.kernel,
              time_op_range, &op);
}

static void
blas_conv1d_fold (CepBackend    *backend,
                  guint          rows,
                  CepConv1dShape shape,
                  CepView        cols,
                  CepView        dx)
{
  TimeOp op = { CONV_FOLD, shape, { 0 }, cep_view_floats (cols), cep_view_floats (dx), NULL };
  run_ranges (backend, rows, 1, (double) rows * shape.frames * shape.channels * shape.kernel,
              time_op_range, &op);
}

/* Pooling costs about kernel operations per input element, whichever the direction. */
static double
pool1d_work (guint          rows,
             CepPool1dShape shape)
{
  return (double) rows * shape.frames * shape.channels * shape.kernel;
}

static void
blas_max_pool1d_forward (CepBackend    *backend,
                         guint          rows,
                         CepPool1dShape shape,
                         CepView        x,
                         CepView        y,
                         CepView        indices)
{
  TimeOp op = { MAX_POOL_FORWARD, { 0 }, shape, cep_view_floats (x), cep_view_floats (y),
                cep_view_ints (indices) };
  run_ranges (backend, rows, 1, pool1d_work (rows, shape), time_op_range, &op);
}

static void
blas_max_pool1d_backward (CepBackend    *backend,
                          guint          rows,
                          CepPool1dShape shape,
                          CepView        indices,
                          CepView        dy,
                          CepView        dx)
{
  TimeOp op = { MAX_POOL_BACKWARD, { 0 }, shape, cep_view_floats (dy), cep_view_floats (dx),
                cep_view_ints (indices) };
  run_ranges (backend, rows, 1, pool1d_work (rows, shape), time_op_range, &op);
}

static void
blas_avg_pool1d_forward (CepBackend    *backend,
                         guint          rows,
                         CepPool1dShape shape,
                         CepView        x,
                         CepView        y)
{
  TimeOp op = { AVG_POOL_FORWARD, { 0 }, shape, cep_view_floats (x), cep_view_floats (y), NULL };
  run_ranges (backend, rows, 1, pool1d_work (rows, shape), time_op_range, &op);
}

static void
blas_avg_pool1d_backward (CepBackend    *backend,
                          guint          rows,
                          CepPool1dShape shape,
                          CepView        dy,
                          CepView        dx)
{
  TimeOp op = { AVG_POOL_BACKWARD, { 0 }, shape, cep_view_floats (dy), cep_view_floats (dx),
                NULL };
  run_ranges (backend, rows, 1, pool1d_work (rows, shape), time_op_range, &op);
}

static const CepBackendOps blas_ops = {
  .buffer_init = _cep_host_buffer_init,
  .buffer_clear = _cep_host_buffer_clear,
  .upload = _cep_host_buffer_upload,
  .download = _cep_host_buffer_download,
  .destroy = blas_destroy,
  .scale = blas_scale,
  .gemm = blas_gemm,
  .bias_act_forward = blas_bias_act_forward,
  .bias_act_backward = blas_bias_act_backward,
  .column_sums = blas_column_sums,
  .batchnorm_forward_train = blas_batchnorm_forward_train,
  .batchnorm_forward_eval = blas_batchnorm_forward_eval,
  .batchnorm_backward = blas_batchnorm_backward,
  .layernorm_forward = blas_layernorm_forward,
  .layernorm_backward = blas_layernorm_backward,
  .dropout_forward = blas_dropout_forward,
  .dropout_backward = blas_dropout_backward,
  .softmax_ce_forward = blas_softmax_ce_forward,
  .softmax_ce_backward = blas_softmax_ce_backward,
  .adam_step = blas_adam_step,
  .sgd_step = blas_sgd_step,
  .sum_squares = blas_sum_squares,
  .clip_scale = blas_clip_scale,
  .gather_windows = blas_gather_windows,
  .conv1d_unfold = blas_conv1d_unfold,
  .conv1d_fold = blas_conv1d_fold,
  .max_pool1d_forward = blas_max_pool1d_forward,
  .max_pool1d_backward = blas_max_pool1d_backward,
  .avg_pool1d_forward = blas_avg_pool1d_forward,
  .avg_pool1d_backward = blas_avg_pool1d_backward,
};

/* openblas_get_config() builds its text in one static buffer on every call, so backends opened
 * on several threads at once (the class evaluates hand-ins side by side) read it while another
 * rewrites it: it is read once, and the copy kept. */
static const char *
openblas_config (void)
{
  static gsize once = 0;
  static char *config;

  if (g_once_init_enter (&once))
    {
      config = g_strstrip (g_strdup (openblas_get_config ()));
      g_once_init_leave (&once, 1);
    }
  return config;
}

static char *
describe (BlasContext *ctx)
{
  const char *config = openblas_config ();
  g_autofree char *products = NULL;

  if (ctx->tiled != NULL)
    products = g_strdup_printf ("AVX-512 tiles, few-column kernel %s",
                                cep_gemm_skinny_isa_name (ctx->skinny));
  else if (ctx->skinny != CEP_GEMM_SKINNY_NONE)
    products = g_strdup_printf ("OpenBLAS, few-column kernel %s",
                                cep_gemm_skinny_isa_name (ctx->skinny));
  else
    products = g_strdup ("OpenBLAS");
  return g_strdup_printf ("blas: %u threads, GEMM on %s; %s (core %s); dropout masks %s",
                          ctx->threads, products, config, openblas_get_corename (),
                          cep_kernel_dropout_isa ());
}

gboolean
_cep_backend_blas_setup (CepBackend              *backend,
                         const CepBackendOptions *options,
                         GError                 **error)
{
  BlasContext *ctx = g_new0 (BlasContext, 1);
  gboolean own_kernels = backend->gemm == CEP_GEMM_AUTO;

  ctx->threads = backend->threads;
  ctx->workers = cep_workers_new (ctx->threads);
  ctx->skinny = own_kernels ? cep_gemm_skinny_detect () : CEP_GEMM_SKINNY_NONE;
  if (own_kernels && cep_gemm_tiled_supported ())
    ctx->tiled = cep_gemm_tiled_new (ctx->workers);
  ensure_openblas_threads (ctx);

  backend->ops = &blas_ops;
  backend->context = ctx;
  backend->host_memory = TRUE;
  backend->description = describe (ctx);
  return TRUE;
}
