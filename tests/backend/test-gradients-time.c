/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-gradients-time.c: the convolution and pooling operations over time against finite
 * differences, on ref and blas, as test-gradients.c does for the other layer operations.
 *
 * The convolution is run as the conv1d block runs it (unfold, GEMM with the weight as
 * [out × in·kernel], bias; backward: bias sums, weight GEMM, input GEMM and fold); the loss
 * L = Σ G ⊙ y is computed here in double from torch.nn.Conv1d's definition (a direct sum
 * over taps, no unfolding), and differentiated by central differences with respect to the
 * input, the weight [out × in × kernel] and the bias. Pooling is checked the same way.
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
                 gsize         n)
{
  double diff = 0.0, norm = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
      norm += numeric[i] * numeric[i];
    }
  diff = sqrt (diff);
  norm = sqrt (norm);
  if (!test_all_finite (analytic, n) || !(diff <= TOLERANCE * norm))
    g_error ("%s: gradient error %.3g against norm %.3g", what, diff, norm);
  g_test_message ("%s: normalized gradient error %.2g", what, diff / norm);
}

/* Convolution */

typedef struct
{
  guint          rows, out;
  CepConv1dShape s;
  const double  *g;     /* [rows × frames_out × out] */
} ConvLoss;

/* params = x [rows × frames × in], W [out × in × kernel], b [out]; L = Σ G ⊙ conv(x). */
static double
conv_loss (gpointer data,
           double  *params)
{
  ConvLoss *l = data;
  const CepConv1dShape *s = &l->s;
  const double *x = params, *w = x + (gsize) l->rows * s->frames * s->channels;
  const double *b = w + (gsize) l->out * s->channels * s->kernel;
  double sum = 0.0;

  for (guint r = 0; r < l->rows; r++)
    for (guint t = 0; t < s->frames_out; t++)
      for (guint o = 0; o < l->out; o++)
        {
          double y = b[o];
          for (guint c = 0; c < s->channels; c++)
            for (guint k = 0; k < s->kernel; k++)
              {
                gint64 f = (gint64) t * s->stride + (gint64) k * s->dilation - s->pad_left;
                if (f >= 0 && f < s->frames)
                  y += x[((gsize) r * s->frames + f) * s->channels + c]
                       * w[((gsize) o * s->channels + c) * s->kernel + k];
              }
          sum += l->g[((gsize) r * s->frames_out + t) * l->out + o] * y;
        }
  return sum;
}

/* The conv1d block's forward and backward (cep-block-conv1d.c) on @backend: y, then dx, dW,
 * db into @grads (laid out as the parameters). */
static void
run_conv (CepBackend *backend,
          ConvLoss   *l,
          TestTensor *params,
          TestTensor *g,
          TestTensor *y,
          TestTensor *grads)
{
  const CepConv1dShape *s = &l->s;
  guint taps = s->channels * s->kernel, frames = l->rows * s->frames_out;
  gsize nx = (gsize) l->rows * s->frames * s->channels, nw = (gsize) l->out * taps;
  g_autoptr (TestTensor) cols = test_tensor_new (backend, (gsize) frames * taps);
  CepView x = params->view, w = cep_view_at (x, nx), b = cep_view_at (x, nx + nw);

  cep_backend_conv1d_unfold (backend, l->rows, *s, x, cols->view);
  cep_backend_gemm (backend, CEP_NO_TRANS, CEP_TRANS, frames, l->out, taps, 1.0f, cols->view,
                    taps, w, taps, 0.0f, y->view, l->out);
  cep_backend_bias_act_forward (backend, frames, l->out, CEP_ACTIVATION_IDENTITY, 0.0f, b,
                                y->view, y->view);
  cep_backend_column_sums (backend, frames, l->out, g->view, 0.0f,
                           cep_view_at (grads->view, nx + nw));
  cep_backend_gemm (backend, CEP_TRANS, CEP_NO_TRANS, l->out, taps, frames, 1.0f, g->view,
                    l->out, cols->view, taps, 0.0f, cep_view_at (grads->view, nx), taps);
  cep_backend_gemm (backend, CEP_NO_TRANS, CEP_NO_TRANS, frames, taps, l->out, 1.0f, g->view,
                    l->out, w, taps, 0.0f, cols->view, taps);
  cep_backend_conv1d_fold (backend, l->rows, *s, cols->view, grads->view);
}

static void
check_conv (const char    *backend_name,
            CepConv1dShape s,
            guint          rows,
            guint          out)
{
  g_autoptr (CepBackend) backend = test_backend_new (backend_name, 2);
  g_autoptr (GRand) rand = g_rand_new_with_seed (1320 + s.stride + 3 * s.dilation + s.pad_left);
  gsize nx = (gsize) rows * s.frames * s.channels, nw = (gsize) out * s.channels * s.kernel;
  gsize np = nx + nw + out, ny = (gsize) rows * s.frames_out * out;
  g_autofree float *host = test_random_floats (rand, np, -1.0f, 1.0f);
  g_autofree float *gf = test_random_floats (rand, ny, -1.0f, 1.0f);
  g_autofree double *gd = test_to_doubles (gf, ny);
  g_autofree double *params = test_to_doubles (host, np);
  ConvLoss loss = { rows, out, s, gd };
  g_autoptr (TestTensor) tp = test_tensor_new_from (backend, host, np);
  g_autoptr (TestTensor) tg = test_tensor_new_from (backend, gf, ny);
  g_autoptr (TestTensor) ty = test_tensor_new (backend, ny);
  g_autoptr (TestTensor) tgrad = test_tensor_new (backend, np);
  g_autofree char *what = g_strdup_printf ("%s conv1d kernel %u stride %u dilation %u pad %u",
                                           backend_name, s.kernel, s.stride, s.dilation,
                                           s.pad_left);
  double y_dot_g = 0.0;

  run_conv (backend, &loss, tp, tg, ty, tgrad);
  g_autofree float *y = test_tensor_floats (ty);
  for (gsize i = 0; i < ny; i++)
    y_dot_g += (double) y[i] * gf[i];
  g_assert_cmpfloat_with_epsilon (y_dot_g, conv_loss (&loss, params), 1e-4);
  g_autofree double *numeric = test_numeric_gradient (conv_loss, &loss, params, np, STEP);
  g_autofree float *grads = test_tensor_floats (tgrad);
  assert_gradient (what, grads, numeric, nx);
  assert_gradient (what, grads + nx, numeric + nx, nw);
  assert_gradient (what, grads + nx + nw, numeric + nx + nw, out);
}

static void
test_conv1d (void)
{
  /* frames, channels, kernel, stride, dilation, pad_left, frames_out */
  static const CepConv1dShape shapes[] = {
    { 9, 4, 3, 1, 1, 0, 7 },     /* valid */
    { 9, 4, 3, 1, 1, 1, 9 },     /* same */
    { 8, 3, 2, 1, 3, 1, 8 },     /* same, the odd padding frame after the end */
    { 11, 3, 3, 2, 2, 0, 4 },    /* strided and dilated */
  };

  for (guint b = 0; b < G_N_ELEMENTS (backend_names); b++)
    for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
      check_conv (backend_names[b], shapes[i], 3, 5);
}

/* Pooling */

typedef struct
{
  guint          rows;
  gboolean       max;
  CepPool1dShape s;
  const double  *g;
} PoolLoss;

static double
pool_loss (gpointer data,
           double  *x)
{
  PoolLoss *l = data;
  const CepPool1dShape *s = &l->s;
  double sum = 0.0;

  for (guint r = 0; r < l->rows; r++)
    for (guint t = 0; t < s->frames_out; t++)
      for (guint c = 0; c < s->channels; c++)
        {
          double acc = l->max ? -INFINITY : 0.0;
          for (guint k = 0; k < s->kernel; k++)
            {
              double v = x[((gsize) r * s->frames + t * s->stride + k) * s->channels + c];
              acc = l->max ? MAX (acc, v) : acc + v / s->kernel;
            }
          sum += l->g[((gsize) r * s->frames_out + t) * s->channels + c] * acc;
        }
  return sum;
}

static void
check_pool (const char    *backend_name,
            gboolean       max,
            CepPool1dShape s,
            guint          rows)
{
  g_autoptr (CepBackend) backend = test_backend_new (backend_name, 2);
  g_autoptr (GRand) rand = g_rand_new_with_seed (1330 + s.kernel + s.stride);
  gsize nx = (gsize) rows * s.frames * s.channels, ny = (gsize) rows * s.frames_out * s.channels;
  g_autofree float *xf = test_random_floats (rand, nx, -1.0f, 1.0f);
  g_autofree float *gf = test_random_floats (rand, ny, -1.0f, 1.0f);
  g_autofree double *gd = test_to_doubles (gf, ny);
  g_autofree double *xd = test_to_doubles (xf, nx);
  PoolLoss loss = { rows, max, s, gd };
  g_autoptr (TestTensor) tx = test_tensor_new_from (backend, xf, nx);
  g_autoptr (TestTensor) tg = test_tensor_new_from (backend, gf, ny);
  g_autoptr (TestTensor) ty = test_tensor_new (backend, ny);
  g_autoptr (TestTensor) ti = test_tensor_new (backend, ny);
  g_autoptr (TestTensor) tdx = test_tensor_new (backend, nx);
  g_autofree char *what = g_strdup_printf ("%s %s kernel %u stride %u", backend_name,
                                           max ? "max_pool1d" : "avg_pool1d", s.kernel,
                                           s.stride);
  double y_dot_g = 0.0;

  if (max)
    {
      cep_backend_max_pool1d_forward (backend, rows, s, tx->view, ty->view, ti->view);
      cep_backend_max_pool1d_backward (backend, rows, s, ti->view, tg->view, tdx->view);
    }
  else
    {
      cep_backend_avg_pool1d_forward (backend, rows, s, tx->view, ty->view);
      cep_backend_avg_pool1d_backward (backend, rows, s, tg->view, tdx->view);
    }
  g_autofree float *y = test_tensor_floats (ty);
  for (gsize i = 0; i < ny; i++)
    y_dot_g += (double) y[i] * gf[i];
  g_assert_cmpfloat_with_epsilon (y_dot_g, pool_loss (&loss, xd), 1e-4);
  g_autofree double *numeric = test_numeric_gradient (pool_loss, &loss, xd, nx, STEP);
  g_autofree float *dx = test_tensor_floats (tdx);
  assert_gradient (what, dx, numeric, nx);
}

static void
test_pool1d (void)
{
  /* frames, channels, kernel, stride, frames_out */
  static const CepPool1dShape shapes[] = {
    { 9, 4, 2, 2, 4 },      /* a frame unread */
    { 9, 4, 3, 1, 7 },      /* overlapping windows */
    { 7, 2, 7, 1, 1 },
  };

  for (guint b = 0; b < G_N_ELEMENTS (backend_names); b++)
    for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
      {
        check_pool (backend_names[b], TRUE, shapes[i], 3);
        check_pool (backend_names[b], FALSE, shapes[i], 3);
      }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gradients-time/conv1d", test_conv1d);
  g_test_add_func ("/gradients-time/pool1d", test_pool1d);

  return g_test_run ();
}
