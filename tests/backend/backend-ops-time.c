/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * backend-ops-time.c: the convolution and pooling operations of every candidate backend
 * against ref, over shapes that exercise each edge: one frame out, strides that skip frames,
 * dilation, "same" padding on both sides, windows that overlap and ones that leave frames
 * unread, one channel and odd channel counts, one row and many. Unfold and max pooling move
 * values (and indices) only, so they must be identical; fold and the pooling averages and
 * backwards sum, so they are held to OPS_TOL_FLOAT.
 */
#include "backend-ops-time.h"

#include <string.h>

typedef struct
{
  guint rows;
  CepConv1dShape s;
} ConvCase;

/* frames, channels, kernel, stride, dilation, pad_left, frames_out */
static const ConvCase conv_cases[] = {
  { 3, { 11, 28, 3, 1, 1, 0, 9 } },      /* valid */
  { 2, { 11, 28, 3, 1, 1, 1, 11 } },     /* same */
  { 5, { 17, 3, 4, 1, 2, 3, 17 } },      /* same with even reach: more padding after */
  { 1, { 9, 1, 9, 1, 1, 0, 1 } },        /* the kernel spans the window */
  { 7, { 21, 5, 3, 2, 1, 0, 10 } },      /* strided */
  { 4, { 21, 17, 2, 3, 4, 0, 6 } },      /* strided and dilated: frames skipped */
  { 129, { 7, 13, 5, 1, 1, 2, 7 } },     /* many rows */
};

static float *
run_unfold (CepBackend     *backend,
            const ConvCase *c,
            const float    *x)
{
  gsize cols = (gsize) c->rows * c->s.frames_out * c->s.channels * c->s.kernel;
  g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x,
                                                    (gsize) c->rows * c->s.frames * c->s.channels);
  g_autoptr (TestTensor) tc = test_tensor_new (backend, cols);

  cep_backend_conv1d_unfold (backend, c->rows, c->s, tx->view, tc->view);
  return test_tensor_floats (tc);
}

static float *
run_fold (CepBackend     *backend,
          const ConvCase *c,
          const float    *cols)
{
  gsize dx = (gsize) c->rows * c->s.frames * c->s.channels;
  g_autoptr (TestTensor) tc = test_tensor_new_from (backend, cols,
                                                    (gsize) c->rows * c->s.frames_out
                                                    * c->s.channels * c->s.kernel);
  g_autoptr (TestTensor) tdx = test_tensor_new (backend, dx);

  /* Fold overwrites: a stale value must not survive. */
  cep_backend_fill (backend, dx, 7.0f, tdx->view);
  cep_backend_conv1d_fold (backend, c->rows, c->s, tc->view, tdx->view);
  return test_tensor_floats (tdx);
}

static char *
conv_case_describe (const ConvCase *c)
{
  return g_strdup_printf ("rows %u frames %u channels %u kernel %u stride %u dilation %u pad %u",
                          c->rows, c->s.frames, c->s.channels, c->s.kernel, c->s.stride,
                          c->s.dilation, c->s.pad_left);
}

static void
check_conv_case (OpsFixture     *fixture,
                 const ConvCase *c,
                 GRand          *rand)
{
  gsize x_size = (gsize) c->rows * c->s.frames * c->s.channels;
  gsize cols_size = (gsize) c->rows * c->s.frames_out * c->s.channels * c->s.kernel;
  g_autofree float *x = test_random_floats (rand, x_size, -1.0f, 1.0f);
  g_autofree float *g = test_random_floats (rand, cols_size, -1.0f, 1.0f);
  g_autofree float *want_cols = run_unfold (fixture->ref, c, x);
  g_autofree float *want_dx = run_fold (fixture->ref, c, g);
  g_autofree char *detail = conv_case_describe (c);

  for (guint i = 0; i < fixture->candidates->len; i++)
    {
      OpsCandidate *candidate = g_ptr_array_index (fixture->candidates, i);
      g_autofree float *cols = run_unfold (candidate->backend, c, x);
      g_autofree float *dx = run_fold (candidate->backend, c, g);
      g_autofree char *what_unfold = ops_candidate_label (candidate, "conv1d_unfold", detail);
      g_autofree char *what_fold = ops_candidate_label (candidate, "conv1d_fold", detail);

      ops_assert_identical (what_unfold, cols, want_cols, cols_size);
      test_assert_close (what_fold, dx, want_dx, x_size, OPS_TOL_FLOAT);
    }
}

/* ref's unfold is checked against the definition (x[t·stride + k·dilation − pad]) here, so
 * the comparisons above compare against something known right. */
static void
check_unfold_definition (const ConvCase *c,
                         const float    *x,
                         const float    *cols)
{
  const CepConv1dShape *s = &c->s;

  for (guint r = 0; r < c->rows; r++)
    for (guint t = 0; t < s->frames_out; t++)
      for (guint ch = 0; ch < s->channels; ch++)
        for (guint k = 0; k < s->kernel; k++)
          {
            gint64 f = (gint64) t * s->stride + (gint64) k * s->dilation - s->pad_left;
            float want = f < 0 || f >= s->frames
                         ? 0.0f : x[((gsize) r * s->frames + f) * s->channels + ch];
            gsize at = (((gsize) r * s->frames_out + t) * s->channels + ch) * s->kernel + k;
            g_assert_cmpfloat (cols[at], ==, want);
          }
}

void
test_conv1d_unfold_fold (OpsFixture    *fixture,
                         gconstpointer  data)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1311);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (conv_cases); i++)
    {
      const ConvCase *c = &conv_cases[i];
      g_autofree float *x = test_random_floats (rand, (gsize) c->rows * c->s.frames
                                                * c->s.channels, -1.0f, 1.0f);
      g_autofree float *cols = run_unfold (fixture->ref, c, x);

      check_unfold_definition (c, x, cols);
      check_conv_case (fixture, c, rand);
    }
}

/* Pooling */

typedef struct
{
  guint rows;
  CepPool1dShape s;
} PoolCase;

/* frames, channels, kernel, stride, frames_out */
static const PoolCase pool_cases[] = {
  { 3, { 9, 28, 2, 2, 4 } },     /* a frame left unread */
  { 2, { 11, 5, 3, 1, 9 } },     /* overlapping windows */
  { 5, { 7, 1, 7, 1, 1 } },      /* one window over everything */
  { 4, { 21, 17, 4, 3, 6 } },
  { 129, { 5, 3, 2, 1, 4 } },
};

typedef struct
{
  float  *y;
  gint32 *indices;
  float  *dx;
} PoolResults;

static void
pool_results_clear (PoolResults *r)
{
  g_free (r->y);
  g_free (r->indices);
  g_free (r->dx);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PoolResults, pool_results_clear)

static PoolResults
run_pool (CepBackend     *backend,
          const PoolCase *c,
          gboolean        max,
          const float    *x,
          const float    *dy)
{
  gsize in_size = (gsize) c->rows * c->s.frames * c->s.channels;
  gsize out_size = (gsize) c->rows * c->s.frames_out * c->s.channels;
  g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, in_size);
  g_autoptr (TestTensor) ty = test_tensor_new (backend, out_size);
  g_autoptr (TestTensor) ti = test_tensor_new (backend, out_size);
  g_autoptr (TestTensor) tdy = test_tensor_new_from (backend, dy, out_size);
  g_autoptr (TestTensor) tdx = test_tensor_new (backend, in_size);
  PoolResults r = { NULL, NULL, NULL };

  cep_backend_fill (backend, in_size, 7.0f, tdx->view);
  if (max)
    {
      cep_backend_max_pool1d_forward (backend, c->rows, c->s, tx->view, ty->view, ti->view);
      cep_backend_max_pool1d_backward (backend, c->rows, c->s, ti->view, tdy->view, tdx->view);
      r.indices = g_new (gint32, out_size);
      test_tensor_download (ti, r.indices);
    }
  else
    {
      cep_backend_avg_pool1d_forward (backend, c->rows, c->s, tx->view, ty->view);
      cep_backend_avg_pool1d_backward (backend, c->rows, c->s, tdy->view, tdx->view);
    }
  r.y = test_tensor_floats (ty);
  r.dx = test_tensor_floats (tdx);
  return r;
}

static void
check_pool_case (OpsFixture     *fixture,
                 const PoolCase *c,
                 gboolean        max,
                 GRand          *rand)
{
  gsize in_size = (gsize) c->rows * c->s.frames * c->s.channels;
  gsize out_size = (gsize) c->rows * c->s.frames_out * c->s.channels;
  g_autofree float *x = test_random_floats (rand, in_size, -1.0f, 1.0f);
  g_autofree float *dy = test_random_floats (rand, out_size, -1.0f, 1.0f);
  g_auto (PoolResults) want = { NULL, NULL, NULL };
  g_autofree char *detail = g_strdup_printf ("rows %u frames %u channels %u kernel %u stride %u",
                                             c->rows, c->s.frames, c->s.channels, c->s.kernel,
                                             c->s.stride);
  const char *op = max ? "max_pool1d" : "avg_pool1d";

  /* Ties: a max pool must take the first of equal values, as torch does. */
  if (max && in_size > 2 * c->s.channels)
    x[c->s.channels] = x[0];
  want = run_pool (fixture->ref, c, max, x, dy);
  for (guint i = 0; i < fixture->candidates->len; i++)
    {
      OpsCandidate *candidate = g_ptr_array_index (fixture->candidates, i);
      g_auto (PoolResults) got = run_pool (candidate->backend, c, max, x, dy);
      g_autofree char *what = ops_candidate_label (candidate, op, detail);

      if (max)
        {
          ops_assert_identical (what, got.y, want.y, out_size);
          ops_assert_identical (what, got.indices, want.indices, out_size);
        }
      else
        test_assert_close (what, got.y, want.y, out_size, OPS_TOL_FLOAT);
      test_assert_close (what, got.dx, want.dx, in_size, OPS_TOL_FLOAT);
    }
}

void
test_max_pool1d (OpsFixture    *fixture,
                 gconstpointer  data)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1312);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (pool_cases); i++)
    check_pool_case (fixture, &pool_cases[i], TRUE, rand);
}

void
test_avg_pool1d (OpsFixture    *fixture,
                 gconstpointer  data)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1313);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (pool_cases); i++)
    check_pool_case (fixture, &pool_cases[i], FALSE, rand);
}
