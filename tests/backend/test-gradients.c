/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-gradients.c: every layer operation's backward against finite differences, and its
 * forward against an independent double-precision definition, on every backend.
 *
 * Each check builds a scalar loss L = Σ w ⊙ layer(inputs) (or the cross-entropy itself),
 * computes L in double in this file — written from the math, not from the backends — and
 * differentiates it by central differences (step 1e-5 in double: truncation and rounding
 * errors near 1e-10). The backend's backward, fed dy = w, must match with normalized error
 * <= 1e-5 (float arithmetic and the blas backend's vector math); batch-norm's dx, a small
 * difference of larger terms, is measured against the size of those terms. A final check
 * chains Linear → BatchNorm → GELU → Dropout → Linear → softmax-CE through backend calls and
 * differentiates the first weight matrix end to end.
 */
#include <math.h>
#include <string.h>

#include "backend-test-util.h"

#define TOLERANCE 1e-5
#define STEP 1e-5

static const char *const backend_names[] = { "ref", "blas" };

static void
assert_gradient (const char   *what,
                 const float  *analytic,
                 const double *numeric,
                 gsize         n,
                 double        scale)
{
  double diff = 0.0, norm = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
      norm += numeric[i] * numeric[i];
    }
  diff = sqrt (diff);
  norm = MAX (sqrt (norm), scale);
  if (!test_all_finite (analytic, n) || !(diff <= TOLERANCE * norm))
    g_error ("%s: gradient error %.3g against norm %.3g", what, diff, norm);
  g_test_message ("%s: normalized gradient error %.2g", what, diff / norm);
}

/* Bias + activation */

typedef struct
{
  CepActivation act;
  guint         rows, cols;
  const double *w;
} ActLoss;

/* params = x [rows × cols] then bias [cols]. */
static double
act_loss (gpointer data,
          double  *params)
{
  ActLoss *l = data;
  const double *bias = params + l->rows * l->cols;
  double sum = 0.0;

  for (guint i = 0; i < l->rows; i++)
    for (guint j = 0; j < l->cols; j++)
      sum += l->w[i * l->cols + j] *
             cep_activation_apply (l->act, 0.03, params[i * l->cols + j] + bias[j]);
  return sum;
}

static void
test_bias_act (void)
{
  const guint rows = 5, cols = 7;
  gsize size = rows * cols;

  for (guint b = 0; b < G_N_ELEMENTS (backend_names); b++)
    for (guint act = 0; act < CEP_ACTIVATION_COUNT; act++)
      {
        g_autoptr (CepBackend) backend = test_backend_new (backend_names[b], 2);
        g_autoptr (GRand) rand = g_rand_new_with_seed (100 + act);
        g_autofree float *x = test_random_floats (rand, size, -3.0f, 3.0f);
        g_autofree float *bias = test_random_floats (rand, cols, -0.5f, 0.5f);
        g_autofree float *w = test_random_floats (rand, size, -1.0f, 1.0f);
        g_autofree double *params = g_new (double, size + cols);
        g_autofree double *wd = test_to_doubles (w, size);
        ActLoss loss = { (CepActivation) act, rows, cols, wd };

        /* Keep away from the kinks of ReLU and LeakyReLU, where no derivative exists. */
        for (gsize i = 0; i < size; i++)
          if (fabsf (x[i] + bias[i % cols]) < 0.05f)
            x[i] += 0.2f;
        for (gsize i = 0; i < size; i++)
          params[i] = x[i];
        for (guint j = 0; j < cols; j++)
          params[size + j] = bias[j];

        g_autoptr (TestTensor) tpre = test_tensor_new_from (backend, x, size);
        g_autoptr (TestTensor) tbias = test_tensor_new_from (backend, bias, cols);
        g_autoptr (TestTensor) tout = test_tensor_new (backend, size);
        g_autoptr (TestTensor) tw = test_tensor_new_from (backend, w, size);
        g_autoptr (TestTensor) tdpre = test_tensor_new (backend, size);
        g_autoptr (TestTensor) tdbias = test_tensor_new (backend, cols);
        cep_backend_bias_act_forward (backend, rows, cols, (CepActivation) act, 0.03f,
                                      tbias->view, tpre->view, tout->view);
        cep_backend_bias_act_backward (backend, rows, cols, (CepActivation) act, 0.03f,
                                       tpre->view, tw->view, tdpre->view, tdbias->view);

        g_autofree float *out = test_tensor_floats (tout);
        g_autofree double *expected = g_new (double, size);
        for (gsize i = 0; i < size; i++)
          expected[i] = cep_activation_apply ((CepActivation) act, 0.03,
                                              params[i] + params[size + i % cols]);
        g_autofree double *numeric = test_numeric_gradient (act_loss, &loss, params,
                                                              size + cols, STEP);
        g_autofree float *dpre = test_tensor_floats (tdpre);
        g_autofree float *dbias = test_tensor_floats (tdbias);
        g_autofree char *what = g_strdup_printf ("%s %s", backend_names[b],
                                                 cep_activation_get_name ((CepActivation) act));
        g_assert_cmpfloat (test_normalized_error_d (out, expected, size), <=, TOLERANCE);
        assert_gradient (what, dpre, numeric, size, 0.0);
        assert_gradient (what, dbias, numeric + size, cols, 0.0);
      }
}

/* Batch normalization */

typedef struct
{
  guint         rows, cols;
  const double *w;
  double        eps;
} BnLoss;

/* y = (x - mean)/sqrt(var + eps)·gamma + beta with the batch's mean and biased variance;
 * params = x [rows × cols], gamma [cols], beta [cols]. Also the statistics if asked. */
static double
bn_forward (const BnLoss *l,
            const double *params,
            double       *y,
            double       *mean_out,
            double       *var_out)
{
  const double *gamma = params + l->rows * l->cols, *beta = gamma + l->cols;
  double sum = 0.0;

  for (guint j = 0; j < l->cols; j++)
    {
      double mean = 0.0, var = 0.0;
      for (guint i = 0; i < l->rows; i++)
        mean += params[i * l->cols + j] / l->rows;
      for (guint i = 0; i < l->rows; i++)
        var += pow (params[i * l->cols + j] - mean, 2) / l->rows;
      for (guint i = 0; i < l->rows; i++)
        {
          double value = (params[i * l->cols + j] - mean) / sqrt (var + l->eps) * gamma[j] +
                         beta[j];
          if (y != NULL)
            y[i * l->cols + j] = value;
          sum += l->w[i * l->cols + j] * value;
        }
      if (mean_out != NULL)
        mean_out[j] = mean;
      if (var_out != NULL)
        var_out[j] = var;
    }
  return sum;
}

static double
bn_loss (gpointer data,
         double  *params)
{
  return bn_forward (data, params, NULL, NULL, NULL);
}

static void
test_batchnorm (void)
{
  const guint rows = 6, cols = 4;
  gsize size = rows * cols;

  for (guint b = 0; b < G_N_ELEMENTS (backend_names); b++)
    {
      g_autoptr (CepBackend) backend = test_backend_new (backend_names[b], 2);
      g_autoptr (GRand) rand = g_rand_new_with_seed (200);
      g_autofree float *x = test_random_normal (rand, size, 1.0f, 2.0f);
      g_autofree float *vectors = test_random_floats (rand, 4 * cols, 0.5f, 1.5f);
      g_autofree float *w = test_random_floats (rand, size, -1.0f, 1.0f);
      g_autofree double *wd = test_to_doubles (w, size);
      g_autofree double *params = g_new (double, size + 2 * cols);
      BnLoss loss = { rows, cols, wd, 1e-5 };

      /* vectors: gamma, beta, running mean, running var. */
      for (gsize i = 0; i < size; i++)
        params[i] = x[i];
      for (guint j = 0; j < 2 * cols; j++)
        params[size + j] = vectors[j];

      g_autoptr (TestTensor) tv = test_tensor_new_from (backend, vectors, 4 * cols);
      g_autoptr (TestTensor) tsaved = test_tensor_new (backend, 2 * cols);
      g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, size);
      g_autoptr (TestTensor) ty = test_tensor_new (backend, size);
      g_autoptr (TestTensor) tw = test_tensor_new_from (backend, w, size);
      g_autoptr (TestTensor) tdx = test_tensor_new (backend, size);
      g_autoptr (TestTensor) tgrads = test_tensor_new (backend, 2 * cols);
      CepBatchNorm bn = {
        .gamma = tv->view, .beta = cep_view_at (tv->view, cols),
        .running_mean = cep_view_at (tv->view, 2 * cols),
        .running_var = cep_view_at (tv->view, 3 * cols),
        .saved_mean = tsaved->view, .saved_invstd = cep_view_at (tsaved->view, cols),
        .momentum = 0.1f, .eps = 1e-5f,
      };
      cep_backend_batchnorm_forward_train (backend, rows, cols, bn, tx->view, ty->view);
      cep_backend_batchnorm_backward (backend, rows, cols, bn, tx->view, tw->view, tdx->view,
                                      tgrads->view, cep_view_at (tgrads->view, cols));

      /* Forward values and torch's running-statistics update. */
      g_autofree double *y = g_new (double, size);
      double mean[4], var[4];
      bn_forward (&loss, params, y, mean, var);
      g_autofree float *got_y = test_tensor_floats (ty);
      g_autofree float *got_v = test_tensor_floats (tv);
      g_assert_cmpfloat (test_normalized_error_d (got_y, y, size), <=, TOLERANCE);
      for (guint j = 0; j < cols; j++)
        {
          double unbiased = var[j] * rows / (rows - 1);
          g_assert_cmpfloat_with_epsilon (got_v[2 * cols + j],
                                          0.9 * vectors[2 * cols + j] + 0.1 * mean[j], 1e-6);
          g_assert_cmpfloat_with_epsilon (got_v[3 * cols + j],
                                          0.9 * vectors[3 * cols + j] + 0.1 * unbiased, 1e-6);
        }

      g_autofree double *numeric = test_numeric_gradient (bn_loss, &loss, params,

                                                            size + 2 * cols, STEP);
      g_autofree float *dx = test_tensor_floats (tdx);
      g_autofree float *grads = test_tensor_floats (tgrads);
      double dx_scale = 0.0;
      for (guint j = 0; j < cols; j++)
        dx_scale = MAX (dx_scale, vectors[j] / sqrt (var[j] + 1e-5));
      dx_scale *= test_norm (w, size);
      g_autofree char *what = g_strdup_printf ("%s batchnorm", backend_names[b]);
      assert_gradient (what, dx, numeric, size, dx_scale);
      assert_gradient (what, grads, numeric + size, 2 * cols, 0.0);
    }
}

/* Layer normalization: L = Σ w ⊙ ((x − mean_row)/sqrt(var_row + eps)·gamma + beta), with
 * params = x, gamma, beta. */
typedef struct
{
  guint         rows, cols;
  const double *w;
  double        eps;
} LnLoss;

static double
ln_loss (gpointer data,
         double  *params)
{
  const LnLoss *l = data;
  const double *x = params, *gamma = params + l->rows * l->cols, *beta = gamma + l->cols;
  double total = 0.0;

  for (guint i = 0; i < l->rows; i++)
    {
      const double *xr = x + i * l->cols;
      double mean = 0.0, var = 0.0;

      for (guint j = 0; j < l->cols; j++)
        mean += xr[j] / l->cols;
      for (guint j = 0; j < l->cols; j++)
        var += (xr[j] - mean) * (xr[j] - mean) / l->cols;
      for (guint j = 0; j < l->cols; j++)
        total += l->w[i * l->cols + j] *
                 ((xr[j] - mean) / sqrt (var + l->eps) * gamma[j] + beta[j]);
    }
  return total;
}

static void
test_layernorm (void)
{
  const guint rows = 5, cols = 6;
  gsize size = rows * cols;

  for (guint b = 0; b < G_N_ELEMENTS (backend_names); b++)
    {
      g_autoptr (CepBackend) backend = test_backend_new (backend_names[b], 2);
      g_autoptr (GRand) rand = g_rand_new_with_seed (201);
      g_autofree float *x = test_random_normal (rand, size, 1.0f, 2.0f);
      g_autofree float *vectors = test_random_floats (rand, 2 * cols, 0.5f, 1.5f);
      g_autofree float *w = test_random_floats (rand, size, -1.0f, 1.0f);
      g_autofree double *wd = test_to_doubles (w, size);
      g_autofree double *params = g_new (double, size + 2 * cols);
      LnLoss loss = { rows, cols, wd, 1e-5 };

      for (gsize i = 0; i < size; i++)
        params[i] = x[i];
      for (guint j = 0; j < 2 * cols; j++)
        params[size + j] = vectors[j];

      g_autoptr (TestTensor) tv = test_tensor_new_from (backend, vectors, 2 * cols);
      g_autoptr (TestTensor) tsaved = test_tensor_new (backend, 2 * rows);
      g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, size);
      g_autoptr (TestTensor) ty = test_tensor_new (backend, size);
      g_autoptr (TestTensor) tw = test_tensor_new_from (backend, w, size);
      g_autoptr (TestTensor) tdx = test_tensor_new (backend, size);
      g_autoptr (TestTensor) tgrads = test_tensor_new (backend, 2 * cols);
      CepLayerNorm ln = {
        .gamma = tv->view, .beta = cep_view_at (tv->view, cols),
        .saved_mean = tsaved->view, .saved_invstd = cep_view_at (tsaved->view, rows),
        .eps = 1e-5f,
      };
      cep_backend_layernorm_forward (backend, rows, cols, ln, tx->view, ty->view);
      cep_backend_layernorm_backward (backend, rows, cols, ln, tx->view, tw->view, tdx->view,
                                      tgrads->view, cep_view_at (tgrads->view, cols));

      /* The forward against the definition, through L = Σ w ⊙ y. */
      g_autofree float *got_y = test_tensor_floats (ty);
      double got_loss = 0.0;
      for (gsize i = 0; i < size; i++)
        got_loss += w[i] * got_y[i];
      g_assert_cmpfloat (fabs (got_loss - ln_loss (&loss, params)), <=,
                         TOLERANCE * MAX (1.0, fabs (got_loss)));

      g_autofree double *numeric = test_numeric_gradient (ln_loss, &loss, params,

                                                            size + 2 * cols, STEP);
      g_autofree float *dx = test_tensor_floats (tdx);
      g_autofree float *grads = test_tensor_floats (tgrads);
      g_autofree float *saved = test_tensor_floats (tsaved);
      double dx_scale = 0.0;
      for (guint i = 0; i < rows; i++)
        dx_scale = MAX (dx_scale, 1.5 * saved[rows + i]);
      dx_scale *= test_norm (w, size);
      g_autofree char *what = g_strdup_printf ("%s layernorm", backend_names[b]);
      assert_gradient (what, dx, numeric, size, dx_scale);
      assert_gradient (what, grads, numeric + size, 2 * cols, 0.0);
    }
}

/* Evaluation mode uses the running statistics: y = (x - rm)/sqrt(rv + eps)·gamma + beta. */
static void
test_batchnorm_eval (void)
{
  const float x[6] = { 1.0f, -2.0f, 0.5f, 3.0f, 0.0f, 4.0f };
  const float vectors[12] = { 2.0f, 0.5f, 1.0f,     /* gamma */
                              0.1f, -0.2f, 0.0f,    /* beta */
                              0.5f, 1.0f, -1.0f,    /* running mean */
                              4.0f, 0.25f, 1.0f };  /* running var */

  for (guint b = 0; b < G_N_ELEMENTS (backend_names); b++)
    {
      g_autoptr (CepBackend) backend = test_backend_new (backend_names[b], 2);
      g_autoptr (TestTensor) tv = test_tensor_new_from (backend, vectors, 12);
      g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, 6);
      CepBatchNorm bn = {
        .gamma = tv->view, .beta = cep_view_at (tv->view, 3),
        .running_mean = cep_view_at (tv->view, 6), .running_var = cep_view_at (tv->view, 9),
        .eps = 1e-5f,
      };
      cep_backend_batchnorm_forward_eval (backend, 2, 3, bn, tx->view, tx->view);
      g_autofree float *y = test_tensor_floats (tx);
      for (guint i = 0; i < 6; i++)
        {
          guint j = i % 3;
          double expected = (x[i] - vectors[6 + j]) / sqrt (vectors[9 + j] + 1e-5) *
                            vectors[j] + vectors[3 + j];
          g_assert_cmpfloat_with_epsilon (y[i], expected, 1e-6);
        }
    }
}

/* Evaluation-mode backward: L = Σ w ⊙ y with y = (x - rm)/sqrt(rv + eps)·gamma + beta is
 * linear in x, so dL/dx = w·gamma/sqrt(rv + eps), by finite differences as everywhere. */
typedef struct
{
  guint         rows, cols;
  const double *w, *factor;
} EvalLoss;

static double
eval_loss (gpointer data,
           double  *x)
{
  EvalLoss *l = data;
  double sum = 0.0;
  for (guint i = 0; i < l->rows * l->cols; i++)
    sum += l->w[i] * x[i] * l->factor[i % l->cols];
  return sum;
}

static void
test_batchnorm_eval_backward (void)
{
  const guint rows = 3, cols = 5;

  for (guint b = 0; b < G_N_ELEMENTS (backend_names); b++)
    {
      g_autoptr (CepBackend) backend = test_backend_new (backend_names[b], 2);
      g_autoptr (GRand) rand = g_rand_new_with_seed (250);
      g_autofree float *vectors = test_random_floats (rand, 4 * cols, 0.5f, 2.0f);
      g_autofree float *x = test_random_floats (rand, rows * cols, -1.0f, 1.0f);
      g_autofree float *w = test_random_floats (rand, rows * cols, -1.0f, 1.0f);
      g_autofree double *wd = test_to_doubles (w, rows * cols);
      g_autofree double *xd = test_to_doubles (x, rows * cols);
      double factor[5];
      g_autoptr (TestTensor) tv = test_tensor_new_from (backend, vectors, 4 * cols);
      g_autoptr (TestTensor) tw = test_tensor_new_from (backend, w, rows * cols);
      CepBatchNorm bn = {
        .gamma = tv->view, .beta = cep_view_at (tv->view, cols),
        .running_mean = cep_view_at (tv->view, 2 * cols),
        .running_var = cep_view_at (tv->view, 3 * cols), .eps = 1e-5f,
      };

      for (guint j = 0; j < cols; j++)
        factor[j] = vectors[j] / sqrt (vectors[3 * cols + j] + 1e-5);
      EvalLoss loss = { rows, cols, wd, factor };
      cep_backend_batchnorm_backward_eval (backend, rows, cols, bn, tw->view, tw->view);
      g_autofree double *numeric = test_numeric_gradient (eval_loss, &loss, xd, rows * cols, STEP);
      g_autofree float *dx = test_tensor_floats (tw);
      g_autofree char *what = g_strdup_printf ("%s batchnorm eval backward", backend_names[b]);
      assert_gradient (what, dx, numeric, rows * cols, 0.0);
    }
}

/* Dropout with a fixed mask */

typedef struct
{
  gsize          n;
  const guint32 *mask;
  double         scale;
  const double  *w;
} DropoutLoss;

static double
dropout_loss (gpointer data,
              double  *params)
{
  DropoutLoss *l = data;
  double sum = 0.0;
  for (gsize i = 0; i < l->n; i++)
    if ((l->mask[i / 32] >> (i % 32)) & 1)
      sum += l->w[i] * params[i] * l->scale;
  return sum;
}

static void
test_dropout (void)
{
  const gsize n = 77;
  const float p = 0.3f;

  for (guint b = 0; b < G_N_ELEMENTS (backend_names); b++)
    {
      g_autoptr (CepBackend) backend = test_backend_new (backend_names[b], 2);
      g_autoptr (GRand) rand = g_rand_new_with_seed (300);
      g_autofree float *x = test_random_floats (rand, n, -2.0f, 2.0f);
      g_autofree float *w = test_random_floats (rand, n, -1.0f, 1.0f);
      g_autofree double *wd = test_to_doubles (w, n);
      g_autofree double *params = test_to_doubles (x, n);
      guint32 mask[3];
      CepDropoutKey key = { .seed = 5, .step = 17, .layer = 2 };

      g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, n);
      g_autoptr (TestTensor) ty = test_tensor_new (backend, n);
      g_autoptr (TestTensor) tm = test_tensor_new (backend, 3);
      g_autoptr (TestTensor) tw = test_tensor_new_from (backend, w, n);
      g_autoptr (TestTensor) tdx = test_tensor_new (backend, n);
      cep_backend_dropout_forward (backend, n, p, key, tx->view, ty->view, tm->view);
      cep_backend_dropout_backward (backend, n, p, tm->view, tw->view, tdx->view);
      test_tensor_download (tm, mask);

      DropoutLoss loss = { n, mask, 1.0 / (1.0 - p), wd };
      g_autofree float *y = test_tensor_floats (ty);
      for (gsize i = 0; i < n; i++)
        g_assert_cmpfloat_with_epsilon (y[i], (mask[i / 32] >> (i % 32)) & 1 ?
                                        x[i] * loss.scale : 0.0, 1e-6);
      g_autofree double *numeric = test_numeric_gradient (dropout_loss, &loss, params, n, STEP);
      g_autofree float *dx = test_tensor_floats (tdx);
      g_autofree char *what = g_strdup_printf ("%s dropout", backend_names[b]);
      assert_gradient (what, dx, numeric, n, 0.0);
    }
}

/* Softmax cross-entropy */

typedef struct
{
  guint         rows, classes;
  const gint32 *labels;
  double        smoothing;
} CeLoss;

/* Mean over all rows (ignored rows count in the mean, as grad_scale = 1/rows makes them). */
static double
ce_loss (gpointer data,
         double  *params)
{
  CeLoss *l = data;
  double total = 0.0;

  for (guint i = 0; i < l->rows; i++)
    {
      const double *row = params + i * l->classes;
      if (l->labels[i] < 0 || l->labels[i] >= (gint32) l->classes)
        continue;
      double max = row[0], sum = 0.0, mean_nll = 0.0;
      for (guint c = 1; c < l->classes; c++)
        max = MAX (max, row[c]);
      for (guint c = 0; c < l->classes; c++)
        sum += exp (row[c] - max);
      double lse = max + log (sum);
      for (guint c = 0; c < l->classes; c++)
        mean_nll += (lse - row[c]) / l->classes;
      total += (1.0 - l->smoothing) * (lse - row[l->labels[i]]) + l->smoothing * mean_nll;
    }
  return total / l->rows;
}

/* Probabilities: exp(x - logsumexp) per row, summing to one; in place. */
static void
test_softmax (void)
{
  const float logits[8] = { 1.0f, 2.0f, 3.0f, 4.0f, -100.0f, 0.0f, 100.0f, 0.5f };

  for (guint b = 0; b < G_N_ELEMENTS (backend_names); b++)
    {
      g_autoptr (CepBackend) backend = test_backend_new (backend_names[b], 2);
      g_autoptr (TestTensor) t = test_tensor_new_from (backend, logits, 8);
      cep_backend_softmax (backend, 2, 4, t->view, t->view);
      g_autofree float *p = test_tensor_floats (t);
      for (guint r = 0; r < 2; r++)
        {
          double max = -INFINITY, sum = 0.0, total = 0.0;
          for (guint c = 0; c < 4; c++)
            max = MAX (max, logits[r * 4 + c]);
          for (guint c = 0; c < 4; c++)
            sum += exp (logits[r * 4 + c] - max);
          for (guint c = 0; c < 4; c++)
            {
              double expected = exp (logits[r * 4 + c] - max) / sum;
              g_assert_cmpfloat_with_epsilon (p[r * 4 + c], expected, 1e-7);
              total += p[r * 4 + c];
            }
          g_assert_cmpfloat_with_epsilon (total, 1.0, 1e-6);
        }
    }
}

static void
test_softmax_ce (void)
{
  const guint rows = 5, classes = 7;
  const gint32 labels[5] = { 3, 0, -1, 6, 2 };
  gsize size = rows * classes;

  for (guint b = 0; b < G_N_ELEMENTS (backend_names); b++)
    for (guint s = 0; s < 2; s++)
      {
        g_autoptr (CepBackend) backend = test_backend_new (backend_names[b], 2);
        g_autoptr (GRand) rand = g_rand_new_with_seed (400 + s);
        g_autofree float *logits = test_random_normal (rand, size, 0.0f, 2.0f);
        g_autofree double *params = test_to_doubles (logits, size);
        float smoothing = s == 0 ? 0.0f : 0.1f, loss_sum = 0.0f;
        CeLoss loss = { rows, classes, labels, smoothing };

        g_autoptr (TestTensor) tl = test_tensor_new_from (backend, logits, size);
        g_autoptr (TestTensor) tlab = test_tensor_new_from (backend, labels, rows);
        g_autoptr (TestTensor) tloss = test_tensor_new (backend, 1);
        g_autoptr (TestTensor) td = test_tensor_new (backend, size);
        cep_backend_softmax_ce_forward (backend, rows, classes, smoothing, tl->view, tlab->view,
                                        tloss->view);
        cep_backend_softmax_ce_backward (backend, rows, classes, smoothing, 1.0f / rows,
                                         tl->view, tlab->view, td->view);
        test_tensor_download (tloss, &loss_sum);
        g_assert_cmpfloat_with_epsilon (loss_sum / rows, ce_loss (&loss, params), 1e-6);

        g_autofree double *numeric = test_numeric_gradient (ce_loss, &loss, params, size, STEP);
        g_autofree float *d = test_tensor_floats (td);
        g_autofree char *what = g_strdup_printf ("%s softmax-ce eps=%g", backend_names[b],
                                                 smoothing);
        assert_gradient (what, d, numeric, size, 0.0);
      }
}

/* A Linear layer assembled from gemm, bias and column sums */

typedef struct
{
  guint         batch, in, out;
  const double *g;
} LinearLoss;

/* params = X [batch × in], W [out × in], b [out]; L = Σ G ⊙ (X·Wᵀ + b). */
static double
linear_loss (gpointer data,
             double  *params)
{
  LinearLoss *l = data;
  const double *x = params, *w = x + l->batch * l->in, *b = w + l->out * l->in;
  double sum = 0.0;

  for (guint i = 0; i < l->batch; i++)
    for (guint o = 0; o < l->out; o++)
      {
        double y = b[o];
        for (guint k = 0; k < l->in; k++)
          y += x[i * l->in + k] * w[o * l->in + k];
        sum += l->g[i * l->out + o] * y;
      }
  return sum;
}

static void
test_linear (void)
{
  const guint batch = 5, in = 6, out = 4;
  gsize nx = batch * in, nw = out * in, ny = batch * out;

  for (guint b = 0; b < G_N_ELEMENTS (backend_names); b++)
    {
      g_autoptr (CepBackend) backend = test_backend_new (backend_names[b], 2);
      g_autoptr (GRand) rand = g_rand_new_with_seed (500);
      g_autofree float *host = test_random_floats (rand, nx + nw + out, -1.0f, 1.0f);
      g_autofree float *g = test_random_floats (rand, ny, -1.0f, 1.0f);
      g_autofree double *gd = test_to_doubles (g, ny);
      g_autofree double *params = test_to_doubles (host, nx + nw + out);
      LinearLoss loss = { batch, in, out, gd };

      /* One buffer for X, W, b (views at offsets), one for Y, G and the gradients. */
      g_autoptr (TestTensor) tp = test_tensor_new_from (backend, host, nx + nw + out);
      g_autoptr (TestTensor) tg = test_tensor_new_from (backend, g, ny);
      g_autoptr (TestTensor) ty = test_tensor_new (backend, ny);
      g_autoptr (TestTensor) tgrad = test_tensor_new (backend, nx + nw + out);
      CepView x = tp->view, w = cep_view_at (x, nx), bias = cep_view_at (x, nx + nw);
      CepView dx = tgrad->view, dw = cep_view_at (dx, nx), db = cep_view_at (dx, nx + nw);

      cep_backend_gemm (backend, CEP_NO_TRANS, CEP_TRANS, batch, out, in, 1.0f, x, in, w, in,
                        0.0f, ty->view, out);
      cep_backend_bias_act_forward (backend, batch, out, CEP_ACTIVATION_IDENTITY, 0.0f, bias,
                                    ty->view, ty->view);
      cep_backend_gemm (backend, CEP_NO_TRANS, CEP_NO_TRANS, batch, in, out, 1.0f, tg->view, out,
                        w, in, 0.0f, dx, in);
      cep_backend_gemm (backend, CEP_TRANS, CEP_NO_TRANS, out, in, batch, 1.0f, tg->view, out,
                        x, in, 0.0f, dw, in);
      cep_backend_column_sums (backend, batch, out, tg->view, 0.0f, db);

      g_autofree float *y = test_tensor_floats (ty);
      double y_dot_g = 0.0;
      for (gsize i = 0; i < ny; i++)
        y_dot_g += (double) y[i] * g[i];
      g_assert_cmpfloat_with_epsilon (y_dot_g, linear_loss (&loss, params), 1e-5);
      g_autofree double *numeric = test_numeric_gradient (linear_loss, &loss, params,
                                                            nx + nw + out, STEP);
      g_autofree float *grads = test_tensor_floats (tgrad);
      g_autofree char *what = g_strdup_printf ("%s linear", backend_names[b]);
      assert_gradient (what, grads, numeric, nx, 0.0);
      assert_gradient (what, grads + nx, numeric + nx, nw, 0.0);
      assert_gradient (what, grads + nx + nw, numeric + nx + nw, out, 0.0);
    }
}

/* A whole block: Linear(in→hidden) → BN → GELU → Dropout → Linear(hidden→classes) → CE */

#define MLP_BATCH 6
#define MLP_IN 5
#define MLP_HIDDEN 4
#define MLP_CLASSES 3

typedef struct
{
  const double  *x;           /* [batch × in] */
  const double  *w2;          /* [classes × hidden] */
  const gint32  *labels;
  const guint32 *mask;        /* dropout mask of the hidden layer */
  double         keep_scale;
} MlpLoss;

/* params = W1 [hidden × in]; no biases, BN without affine parameters. */
static double
mlp_loss (gpointer data,
          double  *w1)
{
  MlpLoss *l = data;
  double h[MLP_BATCH * MLP_HIDDEN], logits[MLP_BATCH * MLP_CLASSES];
  double zero_w[MLP_BATCH * MLP_HIDDEN] = { 0 };
  double bn_params[MLP_BATCH * MLP_HIDDEN + 2 * MLP_HIDDEN];
  BnLoss bn = { MLP_BATCH, MLP_HIDDEN, zero_w, 1e-5 };
  CeLoss ce = { MLP_BATCH, MLP_CLASSES, l->labels, 0.1 };

  for (guint i = 0; i < MLP_BATCH; i++)
    for (guint o = 0; o < MLP_HIDDEN; o++)
      {
        double sum = 0.0;
        for (guint k = 0; k < MLP_IN; k++)
          sum += l->x[i * MLP_IN + k] * w1[o * MLP_IN + k];
        bn_params[i * MLP_HIDDEN + o] = sum;
      }
  for (guint j = 0; j < MLP_HIDDEN; j++)
    {
      bn_params[MLP_BATCH * MLP_HIDDEN + j] = 1.0;
      bn_params[MLP_BATCH * MLP_HIDDEN + MLP_HIDDEN + j] = 0.0;
    }
  bn_forward (&bn, bn_params, h, NULL, NULL);
  for (guint e = 0; e < MLP_BATCH * MLP_HIDDEN; e++)
    {
      gboolean keep = (l->mask[e / 32] >> (e % 32)) & 1;
      h[e] = keep ? cep_activation_apply (CEP_ACTIVATION_GELU, 0.0, h[e]) * l->keep_scale : 0.0;
    }
  for (guint i = 0; i < MLP_BATCH; i++)
    for (guint c = 0; c < MLP_CLASSES; c++)
      {
        double sum = 0.0;
        for (guint k = 0; k < MLP_HIDDEN; k++)
          sum += h[i * MLP_HIDDEN + k] * l->w2[c * MLP_HIDDEN + k];
        logits[i * MLP_CLASSES + c] = sum;
      }
  return ce_loss (&ce, logits);
}

/* Offsets into one activation buffer of the block's tensors. */
enum
{
  MLP_X = 0,
  MLP_Z = MLP_X + MLP_BATCH * MLP_IN,            /* X·W1ᵀ */
  MLP_PRE = MLP_Z + MLP_BATCH * MLP_HIDDEN,      /* BN output = GELU input */
  MLP_H = MLP_PRE + MLP_BATCH * MLP_HIDDEN,      /* GELU, then dropout in place */
  MLP_LOGITS = MLP_H + MLP_BATCH * MLP_HIDDEN,
  MLP_DLOGITS = MLP_LOGITS + MLP_BATCH * MLP_CLASSES,
  MLP_DH = MLP_DLOGITS + MLP_BATCH * MLP_CLASSES,
  MLP_DZ = MLP_DH + MLP_BATCH * MLP_HIDDEN,
  MLP_SIZE = MLP_DZ + MLP_BATCH * MLP_HIDDEN,
};

static void
test_mlp_block (void)
{
  const gint32 labels[MLP_BATCH] = { 0, 2, 1, 1, 0, 2 };
  const float p = 0.25f;

  for (guint b = 0; b < G_N_ELEMENTS (backend_names); b++)
    {
      g_autoptr (CepBackend) backend = test_backend_new (backend_names[b], 2);
      g_autoptr (GRand) rand = g_rand_new_with_seed (600);
      g_autofree float *x = test_random_floats (rand, MLP_BATCH * MLP_IN, -1.0f, 1.0f);
      g_autofree float *w = test_random_floats (rand, MLP_HIDDEN * MLP_IN +
                                                MLP_CLASSES * MLP_HIDDEN, -1.0f, 1.0f);
      g_autoptr (TestTensor) acts = test_tensor_new (backend, MLP_SIZE);
      g_autoptr (TestTensor) params = test_tensor_new_from (backend, w, MLP_HIDDEN * MLP_IN +
                                                           MLP_CLASSES * MLP_HIDDEN);
      g_autoptr (TestTensor) state = test_tensor_new (backend, 4 * MLP_HIDDEN + 2);
      g_autoptr (TestTensor) mask = test_tensor_new (backend, 1);
      g_autoptr (TestTensor) lab = test_tensor_new_from (backend, labels, MLP_BATCH);
      g_autoptr (TestTensor) dw1 = test_tensor_new (backend, MLP_HIDDEN * MLP_IN);
      CepView a = acts->view, w1 = params->view;
      CepView w2 = cep_view_at (params->view, MLP_HIDDEN * MLP_IN);
      CepBatchNorm bn = {
        .running_mean = state->view, .running_var = cep_view_at (state->view, MLP_HIDDEN),
        .saved_mean = cep_view_at (state->view, 2 * MLP_HIDDEN),
        .saved_invstd = cep_view_at (state->view, 3 * MLP_HIDDEN),
        .momentum = 0.1f, .eps = 1e-5f,
      };
      CepDropoutKey key = { .seed = 77, .step = 3, .layer = 0 };

      cep_buffer_upload (acts->buffer, TEST_GUARD_WORDS + MLP_X, x, MLP_BATCH * MLP_IN);
      /* Forward. */
      cep_backend_gemm (backend, CEP_NO_TRANS, CEP_TRANS, MLP_BATCH, MLP_HIDDEN, MLP_IN, 1.0f,
                        cep_view_at (a, MLP_X), MLP_IN, w1, MLP_IN, 0.0f,
                        cep_view_at (a, MLP_Z), MLP_HIDDEN);
      cep_backend_batchnorm_forward_train (backend, MLP_BATCH, MLP_HIDDEN, bn,
                                           cep_view_at (a, MLP_Z), cep_view_at (a, MLP_PRE));
      cep_backend_bias_act_forward (backend, MLP_BATCH, MLP_HIDDEN, CEP_ACTIVATION_GELU, 0.0f,
                                    CEP_VIEW_NONE, cep_view_at (a, MLP_PRE),
                                    cep_view_at (a, MLP_H));
      cep_backend_dropout_forward (backend, MLP_BATCH * MLP_HIDDEN, p, key,
                                   cep_view_at (a, MLP_H), cep_view_at (a, MLP_H), mask->view);
      cep_backend_gemm (backend, CEP_NO_TRANS, CEP_TRANS, MLP_BATCH, MLP_CLASSES, MLP_HIDDEN,
                        1.0f, cep_view_at (a, MLP_H), MLP_HIDDEN, w2, MLP_HIDDEN, 0.0f,
                        cep_view_at (a, MLP_LOGITS), MLP_CLASSES);
      cep_backend_softmax_ce_forward (backend, MLP_BATCH, MLP_CLASSES, 0.1f,
                                      cep_view_at (a, MLP_LOGITS), lab->view,
                                      cep_view_at (state->view, 4 * MLP_HIDDEN));
      /* Backward, to dW1. */
      cep_backend_softmax_ce_backward (backend, MLP_BATCH, MLP_CLASSES, 0.1f, 1.0f / MLP_BATCH,
                                       cep_view_at (a, MLP_LOGITS), lab->view,
                                       cep_view_at (a, MLP_DLOGITS));
      cep_backend_gemm (backend, CEP_NO_TRANS, CEP_NO_TRANS, MLP_BATCH, MLP_HIDDEN, MLP_CLASSES,
                        1.0f, cep_view_at (a, MLP_DLOGITS), MLP_CLASSES, w2, MLP_HIDDEN, 0.0f,
                        cep_view_at (a, MLP_DH), MLP_HIDDEN);
      cep_backend_dropout_backward (backend, MLP_BATCH * MLP_HIDDEN, p, mask->view,
                                    cep_view_at (a, MLP_DH), cep_view_at (a, MLP_DH));
      cep_backend_bias_act_backward (backend, MLP_BATCH, MLP_HIDDEN, CEP_ACTIVATION_GELU, 0.0f,
                                     cep_view_at (a, MLP_PRE), cep_view_at (a, MLP_DH),
                                     cep_view_at (a, MLP_DH), CEP_VIEW_NONE);
      cep_backend_batchnorm_backward (backend, MLP_BATCH, MLP_HIDDEN, bn, cep_view_at (a, MLP_Z),
                                      cep_view_at (a, MLP_DH), cep_view_at (a, MLP_DZ),
                                      CEP_VIEW_NONE, CEP_VIEW_NONE);
      cep_backend_gemm (backend, CEP_TRANS, CEP_NO_TRANS, MLP_HIDDEN, MLP_IN, MLP_BATCH, 1.0f,
                        cep_view_at (a, MLP_DZ), MLP_HIDDEN, cep_view_at (a, MLP_X), MLP_IN,
                        0.0f, dw1->view, MLP_IN);

      guint32 bits;
      float loss_sum[2];
      test_tensor_download (mask, &bits);
      g_autofree float *st = test_tensor_floats (state);
      memcpy (loss_sum, st + 4 * MLP_HIDDEN, sizeof loss_sum);
      g_autofree double *xd = test_to_doubles (x, MLP_BATCH * MLP_IN);
      g_autofree double *w1d = test_to_doubles (w, MLP_HIDDEN * MLP_IN);
      g_autofree double *w2d = test_to_doubles (w + MLP_HIDDEN * MLP_IN, MLP_CLASSES * MLP_HIDDEN);
      MlpLoss loss = { xd, w2d, labels, &bits, 1.0 / (1.0 - p) };
      g_assert_cmpfloat_with_epsilon (loss_sum[0] / MLP_BATCH, mlp_loss (&loss, w1d), 1e-5);
      g_autofree double *numeric = test_numeric_gradient (mlp_loss, &loss, w1d,
                                                     MLP_HIDDEN * MLP_IN, STEP);
      g_autofree float *grad = test_tensor_floats (dw1);
      g_autofree char *what = g_strdup_printf ("%s mlp block dW1", backend_names[b]);
      assert_gradient (what, grad, numeric, MLP_HIDDEN * MLP_IN, 0.0);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gradients/bias-act", test_bias_act);
  g_test_add_func ("/gradients/batchnorm", test_batchnorm);
  g_test_add_func ("/gradients/batchnorm-eval", test_batchnorm_eval);
  g_test_add_func ("/gradients/batchnorm-eval-backward", test_batchnorm_eval_backward);
  g_test_add_func ("/gradients/layernorm", test_layernorm);
  g_test_add_func ("/gradients/dropout", test_dropout);
  g_test_add_func ("/gradients/softmax", test_softmax);
  g_test_add_func ("/gradients/softmax-ce", test_softmax_ce);
  g_test_add_func ("/gradients/linear", test_linear);
  g_test_add_func ("/gradients/mlp-block", test_mlp_block);

  return g_test_run ();
}
