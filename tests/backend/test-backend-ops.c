/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-backend-ops.c: every operation of every candidate backend against the ref backend —
 * ref itself, blas (1, 2 and 3 threads, and with OpenBLAS products) and, in a Vulkan build,
 * vulkan (backend-ops-candidates.h). Each case runs once per backend, as
 * /backend-ops/BACKEND/CASE; vulkan's are skipped, naming why, where there is no device, and
 * run under the Khronos validation layer where it is installed. The cases only vulkan has
 * (forced GEMM tiles, chunked vectors) are in backend-ops-vulkan.c.
 *
 * Inputs are seeded random tensors of awkward shapes (1, 3, 17, 129, sizes that are no
 * multiple of any vector, tile or workgroup, padded leading dimensions); every tensor sits
 * between guard words that must survive the operation; outputs must be finite. Tolerances are
 * normalized errors ||x - ref|| / ||ref||: 1e-5 for products, reductions and transcendental
 * activations (float accumulation, the blas backend's vector math and the shaders' own
 * erf/tanh, a few ulp, against ref's double); exact equality where backends are specified to
 * compute the same float operations (dropout masks and values, argmax, the plain utilities,
 * and optimizer steps on the CPU; a GPU's division and square root may differ by an ulp, so
 * vulkan's steps get 1e-6). The blas backend's 1, 2 and 3 threads must also agree with each
 * other bit for bit outside OpenBLAS.
 */
#include <math.h>
#include <string.h>

#include "cep-config.h"
#include "backend-ops-candidates.h"
#include "backend-ops-runners.h"
#include "backend-ops-time.h"
#if CEP_HAVE_VULKAN
#include "backend-ops-vulkan.h"
#endif

static const guint odd_sizes[] = { 1, 3, 17, 129 };

static OpsCandidate *
candidate_at (OpsFixture *fixture,
              guint       index)
{
  return g_ptr_array_index (fixture->candidates, index);
}

/* GEMM */

static void
check_gemm_case (OpsFixture     *fixture,
                 const GemmCase *g,
                 GRand          *rand)
{
  g_autofree float *a = test_random_floats (rand, gemm_case_a_size (g), -1.0f, 1.0f);
  g_autofree float *b = test_random_floats (rand, gemm_case_b_size (g), -1.0f, 1.0f);
  g_autofree float *c = test_random_floats (rand, gemm_case_c_size (g), -1.0f, 1.0f);
  g_autofree float *expected = run_gemm (fixture->ref, g, a, b, c);
  g_autofree char *shape = gemm_case_describe (g);

  for (guint i = 0; i < fixture->candidates->len; i++)
    {
      OpsCandidate *candidate = candidate_at (fixture, i);
      g_autofree float *got = run_gemm (candidate->backend, g, a, b, c);
      g_autofree char *what = ops_candidate_label (candidate, "gemm", shape);
      test_assert_close (what, got, expected, gemm_case_c_size (g), OPS_TOL_FLOAT);
    }
}

static void
test_gemm_transposes (OpsFixture    *fixture,
                      gconstpointer  data)
{
  static const float scalars[][2] = { { 1.0f, 0.0f }, { 0.5f, -1.25f }, { -1.0f, 1.0f } };
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint t = 0; t < 4; t++)
    for (guint mi = 0; mi < G_N_ELEMENTS (odd_sizes); mi++)
      for (guint ni = 0; ni < G_N_ELEMENTS (odd_sizes); ni++)
        {
          guint ki = (mi + ni + t) % G_N_ELEMENTS (odd_sizes);
          const float *s = scalars[(mi + 2 * ni + t) % G_N_ELEMENTS (scalars)];
          GemmCase g = {
            .ta = t & 1 ? CEP_TRANS : CEP_NO_TRANS, .tb = t & 2 ? CEP_TRANS : CEP_NO_TRANS,
            .m = odd_sizes[mi], .n = odd_sizes[ni], .k = odd_sizes[ki],
            .pad_a = (mi + t) % 3, .pad_b = ni % 2, .pad_c = (t + ni) % 2,
            .alpha = s[0], .beta = s[1],
          };
          check_gemm_case (fixture, &g, rand);
        }
}

/* The shapes the blas backend sends to its few-columns kernel (and vulkan to its skinny
 * shader), and their edges. */
static void
test_gemm_skinny (OpsFixture    *fixture,
                  gconstpointer  data)
{
  static const guint ms[] = { 2, 17, 129, 1001 };
  static const guint ns[] = { 1, 10, 12, 13, 40, 42, 64, 65 };
  static const guint ks[] = { 16, 17, 31, 784 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (12);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint mi = 0; mi < G_N_ELEMENTS (ms); mi++)
    for (guint ni = 0; ni < G_N_ELEMENTS (ns); ni++)
      {
        guint ki = (mi + ni) % G_N_ELEMENTS (ks);
        GemmCase g = {
          .ta = CEP_NO_TRANS, .tb = ni % 2 ? CEP_TRANS : CEP_NO_TRANS,
          .m = ms[mi], .n = ns[ni], .k = ks[ki], .pad_a = mi % 2, .pad_b = 1, .pad_c = ni % 3,
          .alpha = mi % 2 ? 0.75f : 1.0f, .beta = ni % 2 ? 0.0f : 0.5f,
        };
        check_gemm_case (fixture, &g, rand);
      }
}

/* Shapes that cross the tiled kernel's cache blocks (384 rows, 256 deep, 1024 columns) and
 * its thread split, for each transpose pair. */
static void
test_gemm_blocked (OpsFixture    *fixture,
                   gconstpointer  data)
{
  static const GemmCase cases[] = {
    { CEP_NO_TRANS, CEP_NO_TRANS, 389, 70, 263, 1, 0, 3, 1.0f, 0.0f },
    { CEP_NO_TRANS, CEP_TRANS, 203, 1037, 100, 0, 2, 0, 0.5f, 1.0f },
    { CEP_TRANS, CEP_NO_TRANS, 13, 1029, 300, 3, 0, 1, -1.0f, 0.25f },
    { CEP_TRANS, CEP_TRANS, 400, 45, 517, 0, 1, 0, 2.0f, -1.0f },
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (14);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_gemm_case (fixture, &cases[i], rand);
}

/* The training shapes of a small model and the seed product's shape. */
static void
test_gemm_training_shapes (OpsFixture    *fixture,
                           gconstpointer  data)
{
  static const GemmCase cases[] = {
    { CEP_NO_TRANS, CEP_TRANS, 256, 96, 183 },     /* Y = X·Wᵀ */
    { CEP_NO_TRANS, CEP_NO_TRANS, 256, 183, 96 },  /* dX = dY·W */
    { CEP_TRANS, CEP_NO_TRANS, 96, 183, 256 },     /* dW = dYᵀ·X */
    { CEP_NO_TRANS, CEP_TRANS, 256, 42, 96 },      /* logits */
    { CEP_TRANS, CEP_NO_TRANS, 42, 96, 256 },      /* the head's dW */
    { CEP_NO_TRANS, CEP_NO_TRANS, 1000, 10, 784 }, /* the seed product, shortened */
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (15);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GemmCase g = cases[i];
      g.alpha = 1.0f;
      g.beta = i % 2 ? 1.0f : 0.0f;
      check_gemm_case (fixture, &g, rand);
    }
}

/* beta = 0 never reads C; alpha = 0 and k = 0 never read A or B (NaN must not leak). */
static void
check_gemm_semantics (OpsCandidate *candidate,
                      guint         m,
                      guint         n,
                      guint         k)
{
  CepBackend *backend = candidate->backend;
  g_autofree float *a = g_new (float, m * k);
  g_autofree float *b = g_new (float, k * n);
  g_autofree float *c = g_new (float, m * n);
  g_autofree char *shape = g_strdup_printf ("%ux%ux%u", m, n, k);
  g_autofree char *what = ops_candidate_label (candidate, "gemm semantics", shape);

  for (guint j = 0; j < m * k; j++)
    a[j] = (float) (j % 13) / 7.0f;
  for (guint j = 0; j < k * n; j++)
    b[j] = 1.0f - (float) (j % 11) / 9.0f;
  for (guint j = 0; j < m * n; j++)
    c[j] = NAN;
  GemmCase fresh = { .m = m, .n = n, .k = k, .alpha = 1.0f, .beta = 0.0f };
  g_autofree float *out = run_gemm (backend, &fresh, a, b, c);
  if (!test_all_finite (out, m * n))
    g_error ("%s: beta = 0 read the NaN in C", what);

  for (guint j = 0; j < m * n; j++)
    c[j] = (float) j;
  a[7] = NAN;
  b[3] = INFINITY;
  GemmCase scale_only = { .m = m, .n = n, .k = k, .alpha = 0.0f, .beta = 2.0f };
  g_autofree float *scaled = run_gemm (backend, &scale_only, a, b, c);
  GemmCase empty = { .m = m, .n = n, .k = 0, .alpha = 1.0f, .beta = 0.0f };
  g_autofree float *zeros = run_gemm (backend, &empty, a, b, c);
  for (guint j = 0; j < m * n; j++)
    if (scaled[j] != 2.0f * j || zeros[j] != 0.0f)
      g_error ("%s: C[%u] = %g with alpha = 0 (want %g), %g with k = 0 (want 0)", what, j,
               scaled[j], 2.0f * j, zeros[j]);
}

static void
test_gemm_semantics (OpsFixture    *fixture,
                     gconstpointer  data)
{
  if (ops_fixture_skipped (fixture))
    return;
  for (guint i = 0; i < fixture->candidates->len; i++)
    {
      check_gemm_semantics (candidate_at (fixture, i), 6, 4, 5);
      check_gemm_semantics (candidate_at (fixture, i), 33, 20, 40);
    }
}

/* A NaN in row r of A poisons exactly row r of C, on every path. */
static void
test_gemm_nan_propagates (OpsFixture    *fixture,
                          gconstpointer  data)
{
  static const struct { CepTranspose tb; guint n; } shapes[] = {
    { CEP_TRANS, 8 }, { CEP_TRANS, 80 }, { CEP_NO_TRANS, 20 },
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (13);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint i = 0; i < fixture->candidates->len; i++)
    for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
      {
        OpsCandidate *candidate = candidate_at (fixture, i);
        GemmCase g = { .tb = shapes[s].tb, .m = 33, .n = shapes[s].n, .k = 40, .alpha = 1.0f };
        g_autofree float *a = test_random_floats (rand, gemm_case_a_size (&g), -1.0f, 1.0f);
        g_autofree float *b = test_random_floats (rand, gemm_case_b_size (&g), -1.0f, 1.0f);
        g_autofree float *c = g_new0 (float, gemm_case_c_size (&g));
        g_autofree char *shape = gemm_case_describe (&g);
        g_autofree char *what = ops_candidate_label (candidate, "gemm NaN in row 5 of A", shape);
        a[5 * 40 + 17] = NAN;
        g_autofree float *out = run_gemm (candidate->backend, &g, a, b, c);
        for (guint r = 0; r < g.m; r++)
          for (guint j = 0; j < g.n; j++)
            if ((isnan (out[r * g.n + j]) != 0) != (r == 5))
              g_error ("%s: C[%u][%u] = %g", what, r, j, out[r * g.n + j]);
      }
}

/* Bias and activation */

typedef struct
{
  guint         rows, cols;
  CepActivation act;
  gboolean      with_bias, in_place;
} ActCase;

typedef struct
{
  float *pre, *out, *dpre, *dbias;
} ActResults;

static void
act_results_clear (ActResults *r)
{
  g_free (r->pre);
  g_free (r->out);
  g_free (r->dpre);
  g_free (r->dbias);
}

/* Forward, then backward from the same pre-activations. In place, the output replaces the
 * pre-activations (which are then not returned) and dpre replaces dy. */
static void
run_bias_act (CepBackend    *backend,
              const ActCase *ac,
              const float   *pre,
              const float   *bias,
              const float   *dy,
              ActResults    *r)
{
  gsize size = (gsize) ac->rows * ac->cols;
  g_autoptr (TestTensor) tp = test_tensor_new_from (backend, pre, size);
  g_autoptr (TestTensor) tb = test_tensor_new_from (backend, bias, ac->cols);
  g_autoptr (TestTensor) to = test_tensor_new (backend, size);
  g_autoptr (TestTensor) tp2 = test_tensor_new_from (backend, pre, size);
  g_autoptr (TestTensor) tg = test_tensor_new_from (backend, dy, size);
  g_autoptr (TestTensor) td = test_tensor_new (backend, size);
  g_autoptr (TestTensor) tdb = test_tensor_new (backend, ac->cols);
  TestTensor *out = ac->in_place ? tp : to, *dpre = ac->in_place ? tg : td;

  cep_backend_bias_act_forward (backend, ac->rows, ac->cols, ac->act, 0.03f,
                                ac->with_bias ? tb->view : CEP_VIEW_NONE, tp->view, out->view);
  cep_backend_bias_act_backward (backend, ac->rows, ac->cols, ac->act, 0.03f, tp2->view,
                                 tg->view, dpre->view,
                                 ac->with_bias ? tdb->view : CEP_VIEW_NONE);
  r->pre = ac->in_place ? NULL : test_tensor_floats (tp);
  r->out = test_tensor_floats (out);
  r->dpre = test_tensor_floats (dpre);
  r->dbias = test_tensor_floats (tdb);
}

static void
compare_bias_act (OpsFixture    *fixture,
                  const ActCase *ac,
                  GRand         *rand)
{
  gsize size = (gsize) ac->rows * ac->cols;
  g_autofree float *pre = test_random_floats (rand, size, -7.0f, 7.0f);
  g_autofree float *bias = test_random_floats (rand, ac->cols, -1.0f, 1.0f);
  g_autofree float *dy = test_random_floats (rand, size, -1.0f, 1.0f);
  g_autofree char *detail = g_strdup_printf ("%s %ux%u bias=%d in-place=%d",
                                             cep_activation_get_name (ac->act), ac->rows,
                                             ac->cols, ac->with_bias, ac->in_place);
  ActResults want;

  run_bias_act (fixture->ref, ac, pre, bias, dy, &want);
  for (guint i = 0; i < fixture->candidates->len; i++)
    {
      OpsCandidate *candidate = candidate_at (fixture, i);
      g_autofree char *what = ops_candidate_label (candidate, "bias_act", detail);
      ActResults got;

      run_bias_act (candidate->backend, ac, pre, bias, dy, &got);
      if (!ac->in_place)
        test_assert_close (what, got.pre, want.pre, size, 0.0);
      test_assert_close (what, got.out, want.out, size, OPS_TOL_FLOAT);
      test_assert_close (what, got.dpre, want.dpre, size, OPS_TOL_FLOAT);
      test_assert_close (what, got.dbias, want.dbias, ac->cols, OPS_TOL_FLOAT);
      act_results_clear (&got);
    }
  act_results_clear (&want);
}

static void
test_bias_act (OpsFixture    *fixture,
               gconstpointer  data)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (21);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint act = 0; act < CEP_ACTIVATION_COUNT; act++)
    for (guint r = 0; r < G_N_ELEMENTS (odd_sizes); r++)
      for (guint c = 0; c < G_N_ELEMENTS (odd_sizes); c++)
        {
          ActCase ac = {
            .rows = odd_sizes[r], .cols = odd_sizes[c] + (r == 3 && c == 2 ? 300 : 0),
            .act = (CepActivation) act, .with_bias = (r + c) % 2 == 0,
            .in_place = (r + c + act) % 3 == 0,
          };
          compare_bias_act (fixture, &ac, rand);
        }
}

static gboolean
within_one_millionth (float got,
                      float want)
{
  return fabsf (got - want) <= 1e-6f * MAX (1.0f, fabsf (want));
}

/* Signed zeros, tiny values, values beyond exp's range: f and f' within 1e-6 of ref,
 * absolute or relative. */
static void
test_bias_act_special_values (OpsFixture    *fixture,
                              gconstpointer  data)
{
  static const float specials[] = { 0.0f, -0.0f, 1e-30f, -1e-30f, 1e-4f, -0.29f, 0.31f, 5.0f,
                                    -5.0f, 90.0f, -90.0f, 1e4f, -1e4f };
  guint n = G_N_ELEMENTS (specials);
  float ones[G_N_ELEMENTS (specials)];

  if (ops_fixture_skipped (fixture))
    return;
  for (guint j = 0; j < n; j++)
    ones[j] = 1.0f;
  for (guint act = 0; act < CEP_ACTIVATION_COUNT; act++)
    for (guint i = 0; i < fixture->candidates->len; i++)
      {
        OpsCandidate *candidate = candidate_at (fixture, i);
        ActCase ac = { .rows = 1, .cols = n, .act = (CepActivation) act };
        g_autofree char *what = ops_candidate_label (candidate, "bias_act special",
                                                     cep_activation_get_name (ac.act));
        ActResults want, got;

        run_bias_act (fixture->ref, &ac, specials, specials, ones, &want);
        run_bias_act (candidate->backend, &ac, specials, specials, ones, &got);
        for (guint j = 0; j < n; j++)
          {
            if (!within_one_millionth (got.out[j], want.out[j]))
              g_error ("%s: f(%g) = %.9g, ref %.9g", what, specials[j], got.out[j],
                       want.out[j]);
            if (!within_one_millionth (got.dpre[j], want.dpre[j]))
              g_error ("%s: f'(%g) = %.9g, ref %.9g", what, specials[j], got.dpre[j],
                       want.dpre[j]);
          }
        act_results_clear (&want);
        act_results_clear (&got);
      }
}

/* The derivatives of sigmoid and tanh in their tails, relative to their true value: the
 * gradient that flows back through a saturated unit is small but must not be zero or off by
 * half. (1 - tanh² in float is 0 past |x| ≈ 9, where the true value is still ~1e-7.) */
static void
test_bias_act_derivative_tails (OpsFixture    *fixture,
                                gconstpointer  data)
{
  static const float xs[] = { 4.0f, -4.0f, 7.5f, -7.5f, 9.0f, -9.0f, 12.0f, -12.0f, 16.0f,
                              -16.0f, 20.0f, -20.0f };
  static const CepActivation acts[] = { CEP_ACTIVATION_SIGMOID, CEP_ACTIVATION_TANH };
  guint n = G_N_ELEMENTS (xs);
  float ones[G_N_ELEMENTS (xs)];

  if (ops_fixture_skipped (fixture))
    return;
  for (guint j = 0; j < n; j++)
    ones[j] = 1.0f;
  for (guint a = 0; a < G_N_ELEMENTS (acts); a++)
    for (guint i = 0; i < fixture->candidates->len; i++)
      {
        OpsCandidate *candidate = candidate_at (fixture, i);
        ActCase ac = { .rows = 1, .cols = n, .act = acts[a] };
        g_autofree char *what = ops_candidate_label (candidate, "bias_act tails",
                                                     cep_activation_get_name (ac.act));
        ActResults got;

        run_bias_act (candidate->backend, &ac, xs, xs, ones, &got);
        for (guint j = 0; j < n; j++)
          {
            /* Closed forms in double: e/(1 + e)², e = exp(-|x|); 4e/(1 + e)², e = exp(-2|x|). */
            double e = exp ((acts[a] == CEP_ACTIVATION_TANH ? -2.0 : -1.0) * fabs (xs[j]));
            double want = (acts[a] == CEP_ACTIVATION_TANH ? 4.0 : 1.0) * e / ((1 + e) * (1 + e));

            if (!(fabs (got.dpre[j] - want) <= 1e-4 * want))
              g_error ("%s: f'(%g) = %.9g, want %.9g", what, xs[j], got.dpre[j], want);
          }
        act_results_clear (&got);
      }
}

static float *
run_column_sums (CepBackend  *backend,
                 guint        rows,
                 guint        cols,
                 const float *x,
                 const float *start,
                 float        beta)
{
  g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, (gsize) rows * cols);
  g_autoptr (TestTensor) to = test_tensor_new_from (backend, start, cols);

  cep_backend_column_sums (backend, rows, cols, tx->view, beta, to->view);
  return test_tensor_floats (to);
}

/* Short and long columns (a workgroup's reduction and several), narrow and wide rows. */
static void
test_column_sums (OpsFixture    *fixture,
                  gconstpointer  data)
{
  static const guint rows[] = { 1, 3, 9, 17, 51, 129, 387, 1000 };
  static const guint cols[] = { 1, 3, 17, 33, 129, 529, 700 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (22);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
      {
        float beta = (r + c) % 2 ? 0.0f : -0.5f;
        g_autofree float *x = test_random_floats (rand, (gsize) rows[r] * cols[c], -1, 1);
        g_autofree float *start = test_random_floats (rand, cols[c], -1.0f, 1.0f);
        g_autofree float *want = run_column_sums (fixture->ref, rows[r], cols[c], x, start,
                                                  beta);
        g_autofree char *detail = g_strdup_printf ("%ux%u beta=%g", rows[r], cols[c], beta);

        for (guint i = 0; i < fixture->candidates->len; i++)
          {
            OpsCandidate *candidate = candidate_at (fixture, i);
            g_autofree float *got = run_column_sums (candidate->backend, rows[r], cols[c], x,
                                                     start, beta);
            g_autofree char *what = ops_candidate_label (candidate, "column_sums", detail);
            test_assert_close (what, got, want, cols[c], OPS_TOL_FLOAT);
          }
      }
}

/* Batch normalization */

typedef struct
{
  guint    rows, cols;
  gboolean affine;
  gboolean in_place;
} BnCase;

/* Running mean, running var, saved mean, saved invstd, gamma, beta: 6 vectors in one buffer
 * (so views at offsets are exercised), then x, y, dy, dx, dgamma, dbeta. */
typedef struct
{
  float *y, *running, *saved, *eval_y, *dx, *dgamma, *dbeta;
} BnResults;

static void
bn_results_clear (BnResults *r)
{
  g_free (r->y);
  g_free (r->running);
  g_free (r->saved);
  g_free (r->eval_y);
  g_free (r->dx);
  g_free (r->dgamma);
  g_free (r->dbeta);
}

static void
run_batchnorm (CepBackend   *backend,
               const BnCase *bc,
               const float  *x,
               const float  *dy,
               const float  *vectors,
               BnResults    *out)
{
  gsize size = (gsize) bc->rows * bc->cols, cols = bc->cols;
  g_autoptr (TestTensor) tv = test_tensor_new_from (backend, vectors, 6 * cols);
  g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, size);
  g_autoptr (TestTensor) ty = test_tensor_new (backend, size);
  g_autoptr (TestTensor) tg = test_tensor_new_from (backend, dy, size);
  g_autoptr (TestTensor) td = test_tensor_new (backend, size);
  g_autoptr (TestTensor) tgrads = test_tensor_new (backend, 2 * cols);
  g_autoptr (TestTensor) te = test_tensor_new_from (backend, x, size);
  CepBatchNorm bn = {
    .running_mean = tv->view, .running_var = cep_view_at (tv->view, cols),
    .saved_mean = cep_view_at (tv->view, 2 * cols),
    .saved_invstd = cep_view_at (tv->view, 3 * cols),
    .gamma = bc->affine ? cep_view_at (tv->view, 4 * cols) : CEP_VIEW_NONE,
    .beta = bc->affine ? cep_view_at (tv->view, 5 * cols) : CEP_VIEW_NONE,
    .momentum = 0.1f, .eps = 1e-5f,
  };
  TestTensor *dx = bc->in_place ? tg : td;
  TestTensor *eval_y = bc->in_place ? te : ty;
  float *vec;

  cep_backend_batchnorm_forward_train (backend, bc->rows, bc->cols, bn, tx->view, ty->view);
  out->y = test_tensor_floats (ty);
  cep_backend_batchnorm_backward (backend, bc->rows, bc->cols, bn, tx->view, tg->view,
                                  dx->view, tgrads->view, cep_view_at (tgrads->view, cols));
  out->dx = test_tensor_floats (dx);
  vec = test_tensor_floats (tgrads);
  out->dgamma = g_memdup2 (vec, cols * sizeof (float));
  out->dbeta = g_memdup2 (vec + cols, cols * sizeof (float));
  g_free (vec);
  cep_backend_batchnorm_forward_eval (backend, bc->rows, bc->cols, bn, te->view, eval_y->view);
  out->eval_y = test_tensor_floats (eval_y);
  vec = test_tensor_floats (tv);
  out->running = g_memdup2 (vec, 2 * cols * sizeof (float));
  out->saved = g_memdup2 (vec + 2 * cols, 2 * cols * sizeof (float));
  g_free (vec);
}

static void
assert_batchnorm_close (const char      *what,
                        const BnResults *got,
                        const BnResults *want,
                        const BnCase    *bc,
                        double           dx_scale)
{
  gsize size = (gsize) bc->rows * bc->cols, cols = bc->cols;
  g_autofree char *y = g_strconcat (what, " y", NULL);
  g_autofree char *running = g_strconcat (what, " running stats", NULL);
  g_autofree char *saved = g_strconcat (what, " saved stats", NULL);
  g_autofree char *eval_y = g_strconcat (what, " eval y", NULL);
  g_autofree char *dx = g_strconcat (what, " dx", NULL);
  g_autofree char *dgamma = g_strconcat (what, " dgamma", NULL);
  g_autofree char *dbeta = g_strconcat (what, " dbeta", NULL);

  test_assert_close (y, got->y, want->y, size, OPS_TOL_FLOAT);
  test_assert_close (running, got->running, want->running, 2 * cols, OPS_TOL_FLOAT);
  test_assert_close (saved, got->saved, want->saved, 2 * cols, OPS_TOL_FLOAT);
  test_assert_close (eval_y, got->eval_y, want->eval_y, size, OPS_TOL_FLOAT);
  test_assert_close_scaled (dx, got->dx, want->dx, size, dx_scale, OPS_TOL_FLOAT);
  test_assert_close (dgamma, got->dgamma, want->dgamma, cols, OPS_TOL_FLOAT);
  test_assert_close (dbeta, got->dbeta, want->dbeta, cols, OPS_TOL_FLOAT);
}

static void
compare_batchnorm (OpsFixture   *fixture,
                   const BnCase *bc,
                   GRand        *rand)
{
  gsize size = (gsize) bc->rows * bc->cols, cols = bc->cols;
  g_autofree float *x = test_random_normal (rand, size, 3.0f, 2.0f);
  g_autofree float *dy = test_random_floats (rand, size, -1.0f, 1.0f);
  g_autofree float *vectors = test_random_floats (rand, 6 * cols, -1.0f, 1.0f);
  g_autofree char *detail = g_strdup_printf ("%ux%u affine=%d in-place=%d", bc->rows,
                                             bc->cols, bc->affine, bc->in_place);
  BnResults expected = { NULL };
  double dx_scale = 0.0;

  for (gsize j = 0; j < cols; j++)
    {
      vectors[cols + j] = 0.5f + fabsf (vectors[cols + j]);       /* running var > 0 */
      vectors[4 * cols + j] = 1.0f + 0.5f * vectors[4 * cols + j];   /* gamma near 1 */
    }
  run_batchnorm (fixture->ref, bc, x, dy, vectors, &expected);
  /* dx is dy·invstd·gamma minus its projections: measure it against that size. */
  for (gsize j = 0; j < cols; j++)
    dx_scale = MAX (dx_scale, fabs (expected.saved[cols + j] *
                                    (bc->affine ? vectors[4 * cols + j] : 1.0f)));
  dx_scale *= test_norm (dy, size);
  for (guint i = 0; i < fixture->candidates->len; i++)
    {
      OpsCandidate *candidate = candidate_at (fixture, i);
      g_autofree char *what = ops_candidate_label (candidate, "batchnorm", detail);
      BnResults got = { NULL };

      run_batchnorm (candidate->backend, bc, x, dy, vectors, &got);
      assert_batchnorm_close (what, &got, &expected, bc, dx_scale);
      bn_results_clear (&got);
    }
  bn_results_clear (&expected);
}

static void
test_batchnorm (OpsFixture    *fixture,
                gconstpointer  data)
{
  static const guint rows[] = { 2, 3, 17, 129 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (31);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (guint c = 0; c < G_N_ELEMENTS (odd_sizes); c++)
      {
        BnCase bc = {
          .rows = rows[r], .cols = odd_sizes[c] + (c == 3 ? 300 : 0),
          .affine = (r + c) % 3 != 0, .in_place = (r + c) % 2 == 1,
        };
        compare_batchnorm (fixture, &bc, rand);
      }
}

/* Layer normalization */

typedef struct
{
  guint    rows, cols;
  gboolean affine;
  gboolean in_place;
} LnCase;

typedef struct
{
  float *y, *saved, *eval_y, *dx, *dgamma, *dbeta;
} LnResults;

static void
ln_results_clear (LnResults *r)
{
  g_free (r->y);
  g_free (r->saved);
  g_free (r->eval_y);
  g_free (r->dx);
  g_free (r->dgamma);
  g_free (r->dbeta);
}

/* gamma and beta share a buffer with the saved statistics (views at offsets): gamma, beta,
 * then the saved mean and invstd of every row. The evaluation forward runs without saved
 * statistics (in place when the case says so). */
static void
run_layernorm (CepBackend   *backend,
               const LnCase *lc,
               const float  *x,
               const float  *dy,
               const float  *vectors,
               LnResults    *out)
{
  gsize size = (gsize) lc->rows * lc->cols, cols = lc->cols, rows = lc->rows;
  g_autoptr (TestTensor) tv = test_tensor_new_from (backend, vectors, 2 * cols + 2 * rows);
  g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, size);
  g_autoptr (TestTensor) ty = test_tensor_new (backend, size);
  g_autoptr (TestTensor) tg = test_tensor_new_from (backend, dy, size);
  g_autoptr (TestTensor) td = test_tensor_new (backend, size);
  g_autoptr (TestTensor) tgrads = test_tensor_new (backend, 2 * cols);
  g_autoptr (TestTensor) te = test_tensor_new_from (backend, x, size);
  CepLayerNorm ln = {
    .gamma = lc->affine ? tv->view : CEP_VIEW_NONE,
    .beta = lc->affine ? cep_view_at (tv->view, cols) : CEP_VIEW_NONE,
    .saved_mean = cep_view_at (tv->view, 2 * cols),
    .saved_invstd = cep_view_at (tv->view, 2 * cols + rows),
    .eps = 1e-5f,
  };
  CepLayerNorm eval = ln;
  TestTensor *dx = lc->in_place ? tg : td;
  TestTensor *eval_y = lc->in_place ? te : ty;
  float *vec;

  cep_backend_layernorm_forward (backend, lc->rows, lc->cols, ln, tx->view, ty->view);
  out->y = test_tensor_floats (ty);
  cep_backend_layernorm_backward (backend, lc->rows, lc->cols, ln, tx->view, tg->view,
                                  dx->view, lc->affine ? tgrads->view : CEP_VIEW_NONE,
                                  cep_view_at (tgrads->view, cols));
  out->dx = test_tensor_floats (dx);
  vec = test_tensor_floats (tgrads);
  out->dgamma = g_memdup2 (vec, cols * sizeof (float));
  out->dbeta = g_memdup2 (vec + cols, cols * sizeof (float));
  g_free (vec);
  eval.saved_mean = eval.saved_invstd = CEP_VIEW_NONE;
  cep_backend_layernorm_forward (backend, lc->rows, lc->cols, eval, te->view, eval_y->view);
  out->eval_y = test_tensor_floats (eval_y);
  vec = test_tensor_floats (tv);
  out->saved = g_memdup2 (vec + 2 * cols, 2 * rows * sizeof (float));
  g_free (vec);
}

static void
assert_layernorm_close (const char      *what,
                        const LnResults *got,
                        const LnResults *want,
                        const LnCase    *lc,
                        double           dx_scale)
{
  gsize size = (gsize) lc->rows * lc->cols, cols = lc->cols;
  g_autofree char *y = g_strconcat (what, " y", NULL);
  g_autofree char *saved = g_strconcat (what, " saved stats", NULL);
  g_autofree char *eval_y = g_strconcat (what, " eval y", NULL);
  g_autofree char *dx = g_strconcat (what, " dx", NULL);
  g_autofree char *dgamma = g_strconcat (what, " dgamma", NULL);
  g_autofree char *dbeta = g_strconcat (what, " dbeta", NULL);

  test_assert_close (y, got->y, want->y, size, OPS_TOL_FLOAT);
  test_assert_close (saved, got->saved, want->saved, 2 * (gsize) lc->rows, OPS_TOL_FLOAT);
  test_assert_close (eval_y, got->eval_y, want->eval_y, size, OPS_TOL_FLOAT);
  test_assert_close_scaled (dx, got->dx, want->dx, size, dx_scale, OPS_TOL_FLOAT);
  test_assert_close (dgamma, got->dgamma, want->dgamma, cols, OPS_TOL_FLOAT);
  test_assert_close (dbeta, got->dbeta, want->dbeta, cols, OPS_TOL_FLOAT);
}

static void
compare_layernorm (OpsFixture   *fixture,
                   const LnCase *lc,
                   GRand        *rand)
{
  gsize size = (gsize) lc->rows * lc->cols, cols = lc->cols;
  g_autofree float *x = test_random_normal (rand, size, 3.0f, 2.0f);
  g_autofree float *dy = test_random_floats (rand, size, -1.0f, 1.0f);
  g_autofree float *vectors = test_random_floats (rand, 2 * cols + 2 * lc->rows, -1.0f, 1.0f);
  g_autofree char *detail = g_strdup_printf ("%ux%u affine=%d in-place=%d", lc->rows,
                                             lc->cols, lc->affine, lc->in_place);
  LnResults expected = { NULL };
  double dx_scale = 0.0;

  for (gsize j = 0; j < cols; j++)
    vectors[j] = 1.0f + 0.5f * vectors[j];   /* gamma near 1 */
  run_layernorm (fixture->ref, lc, x, dy, vectors, &expected);
  /* dx is dy·invstd·gamma minus its projections: measure it against that size. */
  for (gsize i = 0; i < lc->rows; i++)
    dx_scale = MAX (dx_scale, 1.5 * fabs (expected.saved[lc->rows + i]));
  dx_scale *= test_norm (dy, size);
  for (guint i = 0; i < fixture->candidates->len; i++)
    {
      OpsCandidate *candidate = candidate_at (fixture, i);
      g_autofree char *what = ops_candidate_label (candidate, "layernorm", detail);
      LnResults got = { NULL };

      run_layernorm (candidate->backend, lc, x, dy, vectors, &got);
      assert_layernorm_close (what, &got, &expected, lc, dx_scale);
      ln_results_clear (&got);
    }
  ln_results_clear (&expected);
}

/* Rows of one feature (x̂ = 0), few and many features, wider than a workgroup. */
static void
test_layernorm (OpsFixture    *fixture,
                gconstpointer  data)
{
  static const guint rows[] = { 1, 3, 17, 129 };
  static const guint cols[] = { 1, 2, 7, 28, 301, 1031 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (37);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
      {
        LnCase lc = {
          .rows = rows[r], .cols = cols[c],
          .affine = (r + c) % 3 != 0, .in_place = (r + c) % 2 == 1,
        };
        compare_layernorm (fixture, &lc, rand);
      }
}

/* Dropout */

static void
assert_dropout_identical (const char           *what,
                          const DropoutResults *got,
                          const DropoutResults *want,
                          gsize                 n)
{
  g_autofree char *mask = g_strconcat (what, " mask", NULL);
  g_autofree char *y = g_strconcat (what, " y", NULL);
  g_autofree char *dx = g_strconcat (what, " dx", NULL);

  ops_assert_identical (mask, got->mask, want->mask, CEP_DROPOUT_MASK_WORDS (n));
  ops_assert_identical (y, got->y, want->y, n);
  ops_assert_identical (dx, got->dx, want->dx, n);
}

/* Masks (Philox4x32-10, in C and in GLSL), outputs and gradients are bit-identical on every
 * backend and thread count. */
static void
test_dropout_identical (OpsFixture    *fixture,
                        gconstpointer  data)
{
  static const gsize sizes[] = { 1, 31, 32, 33, 127, 128, 129, 4095, 4097, 100003 };
  static const float ps[] = { 0.0f, 0.1f, 0.35f, 0.5f, 0.999f, 1.0f };
  g_autoptr (GRand) rand = g_rand_new_with_seed (41);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      gsize n = sizes[s];
      float p = ps[s % G_N_ELEMENTS (ps)];
      CepDropoutKey key = { .seed = 0x1234567890abcdefull + s,
                            .step = s % 2 ? (G_GUINT64_CONSTANT (7) << 32) + s : s,
                            .layer = s };
      g_autofree float *x = test_random_floats (rand, n, -2.0f, 2.0f);
      g_autofree float *dy = test_random_floats (rand, n, -2.0f, 2.0f);
      g_autofree char *detail = g_strdup_printf ("n=%" G_GSIZE_FORMAT " p=%g", n, p);
      DropoutResults expected;

      run_dropout (fixture->ref, n, p, key, FALSE, x, dy, &expected);
      for (guint i = 0; i < fixture->candidates->len; i++)
        {
          OpsCandidate *candidate = candidate_at (fixture, i);
          g_autofree char *what = ops_candidate_label (candidate, "dropout", detail);
          DropoutResults got;

          run_dropout (candidate->backend, n, p, key, (s + i) % 2 == 1, x, dy, &got);
          assert_dropout_identical (what, &got, &expected, n);
          dropout_results_clear (&got);
        }
      dropout_results_clear (&expected);
    }
}

/* The kept fraction is 1 - p, kept values are scaled by 1/(1 - p), and different keys give
 * different masks. */
static void
check_dropout_statistics (OpsCandidate *candidate,
                          const float  *ones,
                          gsize         n)
{
  for (guint layer = 0; layer < 3; layer++)
    {
      float p = 0.1f + 0.2f * layer;
      CepDropoutKey key = { .seed = 99, .step = 5, .layer = layer };
      g_autofree char *detail = g_strdup_printf ("p=%g", p);
      g_autofree char *what = ops_candidate_label (candidate, "dropout statistics", detail);
      DropoutResults r, other;
      gsize kept = 0, same = 0;

      run_dropout (candidate->backend, n, p, key, FALSE, ones, ones, &r);
      key.step = 6;
      run_dropout (candidate->backend, n, p, key, FALSE, ones, ones, &other);
      for (gsize i = 0; i < n; i++)
        {
          guint32 bit = (r.mask[i / 32] >> (i % 32)) & 1;
          kept += bit;
          same += bit == ((other.mask[i / 32] >> (i % 32)) & 1);
          if (r.y[i] != (bit ? 1.0f / (float) (1.0 - p) : 0.0f))
            g_error ("%s: y[%" G_GSIZE_FORMAT "] = %g with mask bit %u", what, i, r.y[i], bit);
        }
      if (!(fabs ((double) kept / n - (1.0 - p)) <= 0.005))
        g_error ("%s: kept %.4f of the values", what, (double) kept / n);
      if (!(same < n * 0.9))
        g_error ("%s: the next step's mask repeats %.3f of this one", what, (double) same / n);
      dropout_results_clear (&r);
      dropout_results_clear (&other);
    }
}

static void
test_dropout_statistics (OpsFixture    *fixture,
                         gconstpointer  data)
{
  const gsize n = 200000;
  g_autofree float *ones = g_new (float, n);

  if (ops_fixture_skipped (fixture))
    return;
  for (gsize i = 0; i < n; i++)
    ones[i] = 1.0f;
  for (guint i = 0; i < fixture->candidates->len; i++)
    check_dropout_statistics (candidate_at (fixture, i), ones, n);
}

/* Classification */

typedef struct
{
  guint    rows, classes;
  float    smoothing;
  gboolean in_place;
} CeCase;

static void
run_softmax_ce (CepBackend   *backend,
                const CeCase *cc,
                const float  *logits,
                const gint32 *labels,
                float        *loss,
                float       **dlogits)
{
  gsize size = (gsize) cc->rows * cc->classes;
  float start = 0.25f;
  g_autoptr (TestTensor) tl = test_tensor_new_from (backend, logits, size);
  g_autoptr (TestTensor) tlab = test_tensor_new_from (backend, labels, cc->rows);
  g_autoptr (TestTensor) tloss = test_tensor_new_from (backend, &start, 1);
  g_autoptr (TestTensor) td = test_tensor_new (backend, size);
  TestTensor *target = cc->in_place ? tl : td;

  cep_backend_softmax_ce_forward (backend, cc->rows, cc->classes, cc->smoothing, tl->view,
                                  tlab->view, tloss->view);
  cep_backend_softmax_ce_backward (backend, cc->rows, cc->classes, cc->smoothing,
                                   1.0f / cc->rows, tl->view, tlab->view, target->view);
  test_tensor_download (tloss, loss);
  *dlogits = test_tensor_floats (target);
}

/* Rows whose label is out of range (ignored) get no gradient at all. */
static void
assert_ignored_rows_zero (const char   *what,
                          const CeCase *cc,
                          const gint32 *labels,
                          const float  *dlogits)
{
  for (guint row = 0; row < cc->rows; row++)
    if (labels[row] < 0 || labels[row] >= (gint32) cc->classes)
      for (guint k = 0; k < cc->classes; k++)
        if (dlogits[row * cc->classes + k] != 0.0f)
          g_error ("%s: row %u, label %d (ignored), has gradient %g", what, row, labels[row],
                   dlogits[row * cc->classes + k]);
}

static void
compare_softmax_ce (OpsFixture   *fixture,
                    const CeCase *cc,
                    GRand        *rand)
{
  gsize size = (gsize) cc->rows * cc->classes;
  g_autofree float *logits = test_random_normal (rand, size, 0.0f, 3.0f);
  g_autofree gint32 *labels = g_new (gint32, cc->rows);
  g_autofree float *expected = NULL;
  g_autofree char *detail = g_strdup_printf ("%ux%u eps=%g", cc->rows, cc->classes,
                                             cc->smoothing);
  float expected_loss;

  for (guint i = 0; i < cc->rows; i++)
    labels[i] = i % 7 == 5 ? (i % 2 ? -1 : (gint32) cc->classes)
                           : g_rand_int_range (rand, 0, (gint32) cc->classes);
  run_softmax_ce (fixture->ref, cc, logits, labels, &expected_loss, &expected);
  for (guint i = 0; i < fixture->candidates->len; i++)
    {
      OpsCandidate *candidate = candidate_at (fixture, i);
      g_autofree char *what = ops_candidate_label (candidate, "softmax_ce", detail);
      g_autofree float *got = NULL;
      float got_loss;

      run_softmax_ce (candidate->backend, cc, logits, labels, &got_loss, &got);
      test_assert_close (what, &got_loss, &expected_loss, 1, OPS_TOL_FLOAT);
      test_assert_close (what, got, expected, size, OPS_TOL_FLOAT);
      assert_ignored_rows_zero (what, cc, labels, got);
    }
}

static void
test_softmax_ce (OpsFixture    *fixture,
                 gconstpointer  data)
{
  static const guint rows[] = { 1, 3, 129, 1000 };
  static const guint classes[] = { 1, 2, 40, 42, 129 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (51);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
      {
        CeCase cc = { rows[r], classes[c], (r + c) % 2 ? 0.1f : 0.0f, (r + c) % 3 == 0 };
        compare_softmax_ce (fixture, &cc, rand);
      }
}

/* The operations only analyses use, on the host backends: softmax probabilities and
 * evaluation-mode batch-norm backward (in place and not). */
static void
run_analysis_ops (CepBackend  *backend,
                  guint        rows,
                  guint        cols,
                  gboolean     in_place,
                  const float *x,
                  const float *vectors,
                  float      **probabilities,
                  float      **bn_dx)
{
  gsize size = (gsize) rows * cols;
  g_autoptr (TestTensor) tv = test_tensor_new_from (backend, vectors, 4 * cols);
  g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, size);
  g_autoptr (TestTensor) ty = test_tensor_new (backend, size);
  g_autoptr (TestTensor) tz = test_tensor_new_from (backend, x, size);
  TestTensor *target = in_place ? tx : ty;
  CepBatchNorm bn = {
    .gamma = tv->view, .beta = cep_view_at (tv->view, cols),
    .running_mean = cep_view_at (tv->view, 2 * cols),
    .running_var = cep_view_at (tv->view, 3 * cols), .eps = 1e-5f,
  };

  cep_backend_softmax (backend, rows, cols, tx->view, target->view);
  cep_backend_batchnorm_backward_eval (backend, rows, cols, bn, tz->view, tz->view);
  *probabilities = test_tensor_floats (target);
  *bn_dx = test_tensor_floats (tz);
}

static void
test_analysis_ops (OpsFixture    *fixture,
                   gconstpointer  data)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (52);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint r = 0; r < G_N_ELEMENTS (odd_sizes); r++)
    for (guint c = 0; c < G_N_ELEMENTS (odd_sizes); c++)
      {
        guint rows = odd_sizes[r], cols = odd_sizes[c];
        gsize size = (gsize) rows * cols;
        gboolean in_place = (r + c) % 2;
        g_autofree float *x = test_random_normal (rand, size, 0.0f, 4.0f);
        g_autofree float *vectors = test_random_floats (rand, 4 * cols, 0.5f, 2.0f);
        g_autofree float *want_p = NULL, *want_dx = NULL;
        g_autofree char *detail = g_strdup_printf ("%ux%u", rows, cols);

        run_analysis_ops (fixture->ref, rows, cols, in_place, x, vectors, &want_p, &want_dx);
        for (guint i = 0; i < fixture->candidates->len; i++)
          {
            OpsCandidate *candidate = candidate_at (fixture, i);
            g_autofree float *got_p = NULL, *got_dx = NULL;
            g_autofree char *softmax = ops_candidate_label (candidate, "softmax", detail);
            g_autofree char *bn = ops_candidate_label (candidate, "batchnorm eval backward",
                                                       detail);
            run_analysis_ops (candidate->backend, rows, cols, in_place, x, vectors, &got_p,
                              &got_dx);
            test_assert_close (softmax, got_p, want_p, size, OPS_TOL_FLOAT);
            test_assert_close (bn, got_dx, want_dx, size, OPS_TOL_FLOAT);
          }
      }
}

/* Twice on the same count, the second time without predictions: the count accumulates. */
static void
run_argmax (CepBackend   *backend,
            guint         rows,
            guint         classes,
            const float  *logits,
            const gint32 *labels,
            gint32       *predictions,
            gint32       *correct)
{
  gint32 start = 10;
  g_autoptr (TestTensor) tl = test_tensor_new_from (backend, logits, (gsize) rows * classes);
  g_autoptr (TestTensor) tlab = test_tensor_new_from (backend, labels, rows);
  g_autoptr (TestTensor) tp = test_tensor_new (backend, rows);
  g_autoptr (TestTensor) tc = test_tensor_new_from (backend, &start, 1);

  cep_backend_argmax (backend, rows, classes, tl->view, tlab->view, tp->view, tc->view);
  cep_backend_argmax (backend, rows, classes, tl->view, tlab->view, CEP_VIEW_NONE, tc->view);
  test_tensor_download (tp, predictions);
  test_tensor_download (tc, correct);
}

static void
check_argmax_special (OpsCandidate *candidate)
{
  /* Row 0: tie (first wins); row 1: NaN counts as largest; row 2: all -Inf; row 3: plain. */
  static const float logits[] = { 1.0f, 3.0f, 3.0f, -1.0f,
                                  0.0f, 5.0f, NAN, 9.0f,
                                  -INFINITY, -INFINITY, -INFINITY, -INFINITY,
                                  0.5f, -2.0f, 0.25f, 0.75f };
  static const gint32 labels[] = { 1, 3, 0, 2 }, expected[] = { 1, 2, 0, 3 };
  g_autofree char *what = ops_candidate_label (candidate, "argmax", "ties, NaN, -Inf");
  gint32 predictions[4], correct;

  run_argmax (candidate->backend, 4, 4, logits, labels, predictions, &correct);
  ops_assert_identical (what, predictions, expected, 4);
  if (correct != 14)
    g_error ("%s: counted %d correct, want 10 + 2 + 2", what, correct);
}

static void
test_argmax (OpsFixture    *fixture,
             gconstpointer  data)
{
  const guint rows = 1337, classes = 42;
  g_autoptr (GRand) rand = g_rand_new_with_seed (52);
  g_autofree float *logits = test_random_normal (rand, (gsize) rows * classes, 0.0f, 1.0f);
  g_autofree gint32 *labels = g_new (gint32, rows);
  g_autofree gint32 *want = g_new (gint32, rows);
  gint32 want_correct;

  if (ops_fixture_skipped (fixture))
    return;
  for (guint i = 0; i < rows; i++)
    labels[i] = g_rand_int_range (rand, -1, classes);
  for (guint i = 0; i < rows; i += 3)
    logits[i * classes + MAX (labels[i], 0)] += 3.0f;
  run_argmax (fixture->ref, rows, classes, logits, labels, want, &want_correct);
  for (guint i = 0; i < fixture->candidates->len; i++)
    {
      OpsCandidate *candidate = candidate_at (fixture, i);
      g_autofree char *what = ops_candidate_label (candidate, "argmax", "1337x42");
      g_autofree gint32 *got = g_new (gint32, rows);
      gint32 correct;

      check_argmax_special (candidate);
      run_argmax (candidate->backend, rows, classes, logits, labels, got, &correct);
      ops_assert_identical (what, got, want, rows);
      if (correct != want_correct)
        g_error ("%s: counted %d correct, ref %d", what, correct, want_correct);
    }
}

/* Optimizers, norms, utilities */

static guint
count_differences (const float *a,
                   const float *b,
                   gsize        n)
{
  guint differences = 0;

  for (gsize i = 0; i < n; i++)
    differences += memcmp (&a[i], &b[i], sizeof (float)) != 0;
  return differences;
}

/* Three steps of each variant: bit-identical to ref on the CPU, within the candidate's
 * tolerance elsewhere (how many words differ is reported). */
static void
test_optimizers (OpsFixture    *fixture,
                 gconstpointer  data)
{
  const gsize n = 70001;
  g_autoptr (GRand) rand = g_rand_new_with_seed (61);
  g_autofree float *state = test_random_floats (rand, 4 * n, -1.0f, 1.0f);

  if (ops_fixture_skipped (fixture))
    return;
  for (gsize i = 3 * n; i < 4 * n; i++)
    state[i] = fabsf (state[i]) * 1e-3f;   /* v >= 0 */
  for (guint variant = 0; variant < OPTIMIZER_VARIANTS; variant++)
    {
      g_autofree float *expected = run_optimizer (fixture->ref, variant, n, state);
      for (guint i = 0; i < fixture->candidates->len; i++)
        {
          OpsCandidate *candidate = candidate_at (fixture, i);
          g_autofree float *got = run_optimizer (candidate->backend, variant, n, state);
          g_autofree char *what = ops_candidate_label (candidate, "optimizer",
                                                       optimizer_variant_name (variant));
          if (candidate->optimizer_tolerance == 0.0)
            ops_assert_identical (what, got, expected, 4 * n);
          else
            test_assert_close (what, got, expected, 4 * n, candidate->optimizer_tolerance);
          g_test_message ("%s: %u of %" G_GSIZE_FORMAT " words differ from ref in their bits",
                          what, count_differences (got, expected, 4 * n), 4 * n);
        }
    }
}

/* sum_squares accumulates onto what is there; clip_scale with a max norm of a tenth of the
 * norm shrinks x. */
static void
run_norms (CepBackend  *backend,
           const float *x,
           gsize        n,
           double       max_norm,
           float        sums[2],
           float      **scaled)
{
  float start[2] = { 1.5f, 0.0f };
  g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, n);
  g_autoptr (TestTensor) ts = test_tensor_new_from (backend, start, 2);

  cep_backend_sum_squares (backend, n, tx->view, ts->view);
  cep_backend_sum_squares (backend, n, tx->view, cep_view_at (ts->view, 1));
  cep_backend_clip_scale (backend, n, cep_view_at (ts->view, 1), (float) max_norm, tx->view);
  test_tensor_download (ts, sums);
  *scaled = test_tensor_floats (tx);
}

static void
test_norms (OpsFixture    *fixture,
            gconstpointer  data)
{
  static const gsize sizes[] = { 1, 17, 16385, 100003 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (71);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      gsize n = sizes[s];
      g_autofree float *x = test_random_floats (rand, n, -1.0f, 1.0f);
      g_autofree float *expected_x = NULL;
      g_autofree char *detail = g_strdup_printf ("n=%" G_GSIZE_FORMAT, n);
      float expected[2];
      double sum = 0.0;

      for (gsize i = 0; i < n; i++)
        sum += (double) x[i] * x[i];
      run_norms (fixture->ref, x, n, 0.1 * sqrt (sum), expected, &expected_x);
      g_assert_cmpfloat_with_epsilon (expected[1], sum, 1e-6 * sum);
      g_assert_cmpfloat_with_epsilon (expected_x[0], 0.1 * x[0], 1e-5);
      for (guint i = 0; i < fixture->candidates->len; i++)
        {
          OpsCandidate *candidate = candidate_at (fixture, i);
          g_autofree char *sums = ops_candidate_label (candidate, "sum_squares", detail);
          g_autofree char *clip = ops_candidate_label (candidate, "clip_scale", detail);
          g_autofree float *scaled = NULL;
          float got[2];

          run_norms (candidate->backend, x, n, 0.1 * sqrt (sum), got, &scaled);
          test_assert_close (sums, got, expected, 2, 1e-6);
          test_assert_close (clip, scaled, expected_x, n, 1e-6);
        }
    }
}

static void
check_utilities (OpsCandidate *candidate,
                 const float  *x,
                 const float  *y,
                 gsize         n)
{
  CepBackend *backend = candidate->backend;
  g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, n);
  g_autoptr (TestTensor) ty = test_tensor_new_from (backend, y, n);
  g_autoptr (TestTensor) tz = test_tensor_new (backend, n);
  g_autofree char *what = ops_candidate_label (candidate, "axpy, scale, copy, fill", "");

  cep_backend_axpy (backend, n, 2.0f, tx->view, ty->view);   /* y = 2x + y */
  cep_backend_scale (backend, n, -0.5f, ty->view);           /* y = -x - y/2 */
  cep_backend_copy (backend, n, ty->view, tz->view);
  cep_backend_fill (backend, 5, 7.0f, cep_view_at (tx->view, n - 5));
  g_autofree float *z = test_tensor_floats (tz);
  g_autofree float *filled = test_tensor_floats (tx);
  for (gsize j = 0; j < n; j++)
    if (z[j] != -0.5f * (y[j] + 2.0f * x[j]) || filled[j] != (j >= n - 5 ? 7.0f : x[j]))
      g_error ("%s: word %" G_GSIZE_FORMAT ": %g after axpy and scale, %g after fill", what,
               j, z[j], filled[j]);
}

static void
test_utilities (OpsFixture    *fixture,
                gconstpointer  data)
{
  const gsize n = 1031;
  g_autoptr (GRand) rand = g_rand_new_with_seed (81);
  g_autofree float *x = test_random_floats (rand, n, -1.0f, 1.0f);
  g_autofree float *y = test_random_floats (rand, n, -1.0f, 1.0f);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint i = 0; i < fixture->candidates->len; i++)
    check_utilities (candidate_at (fixture, i), x, y, n);
}

/* Context windows: every backend against an element-by-element reading of the operation's
 * contract (cep-backend.h), bit for bit: copied values, bands clipped to the window, windows
 * leaving the store written as zeros, output rows past the end skipped. */

#define GATHER_DIM     5
#define GATHER_START   (-3)
#define GATHER_FRAMES  7
#define GATHER_WINDOW  (GATHER_DIM * GATHER_FRAMES)

static gboolean
band_covers (guint32 band,
             guint   x)
{
  guint start = band & 0xffffu;
  return x >= start && x - start < (band >> 16);
}

static float
expected_window_value (const float  *store,
                       guint         store_rows,
                       const gint32 *d,
                       guint         sample_words,
                       guint         t,
                       guint         c)
{
  gint64 first = (gint64) d[0] + GATHER_START;
  if (first < 0 || first + GATHER_FRAMES > store_rows)
    return 0.0f;
  if (sample_words > 2)
    {
      guint n_freq = MIN ((guint32) d[2] & 0xffffu, sample_words - 3);
      guint n_time = MIN ((guint32) d[2] >> 16, sample_words - 3 - n_freq);
      for (guint b = 0; b < n_freq; b++)
        if (band_covers ((guint32) d[3 + b], c))
          return 0.0f;
      for (guint b = 0; b < n_time; b++)
        if (band_covers ((guint32) d[3 + n_freq + b], t))
          return 0.0f;
    }
  return store[(first + t) * GATHER_DIM + c];
}

static void
make_gather_samples (GRand  *rand,
                     gint32 *samples,
                     guint   n,
                     guint   sample_words,
                     guint   store_rows,
                     guint   out_rows)
{
  for (guint s = 0; s < n; s++)
    {
      gint32 *d = samples + s * sample_words;
      d[0] = g_rand_int_range (rand, 0, (gint32) store_rows + 4);
      d[1] = (gint32) ((s * 7) % (out_rows + 3));
      if (sample_words == 2)
        continue;
      guint n_freq = (guint) g_rand_int_range (rand, 0, 3);
      guint n_time = (guint) g_rand_int_range (rand, 0, 3);
      d[2] = (gint32) (n_freq | n_time << 16);
      for (guint b = 0; b < n_freq + n_time; b++)
        d[3 + b] = (gint32) ((guint) g_rand_int_range (rand, 0, 9) |
                             (guint) g_rand_int_range (rand, 0, 5) << 16);
    }
}


/* What the contract says every output row holds: 9 where no sample writes. */
static float *
expected_windows (const float  *store,
                  guint         store_rows,
                  const gint32 *samples,
                  guint         n,
                  guint         sample_words,
                  guint         out_rows)
{
  float *want = g_new (float, out_rows * GATHER_WINDOW);

  for (gsize j = 0; j < out_rows * GATHER_WINDOW; j++)
    want[j] = 9.0f;
  for (guint s = 0; s < n; s++)
    {
      const gint32 *d = samples + s * sample_words;
      for (guint j = 0; j < GATHER_WINDOW && (guint) d[1] < out_rows; j++)
        want[d[1] * GATHER_WINDOW + j] =
          expected_window_value (store, store_rows, d, sample_words, j / GATHER_DIM,
                                 j % GATHER_DIM);
    }
  return want;
}

static float *
run_gather_windows (CepBackend    *backend,
                    CepGatherShape shape,
                    const float   *store,
                    guint          store_rows,
                    const gint32  *samples,
                    guint          n,
                    guint          out_rows)
{
  g_autoptr (TestTensor) tstore = test_tensor_new_from (backend, store,
                                                        store_rows * GATHER_DIM);
  g_autoptr (TestTensor) tsamples = test_tensor_new_from (backend, samples,
                                                          n * shape.sample_words);
  g_autoptr (TestTensor) tout = test_tensor_new (backend, out_rows * GATHER_WINDOW);

  cep_backend_fill (backend, out_rows * GATHER_WINDOW, 9.0f, tout->view);
  cep_backend_gather_windows (backend, n, shape, tstore->view, store_rows, tsamples->view,
                              tout->view, out_rows);
  return test_tensor_floats (tout);
}

static void
test_gather_windows (OpsFixture    *fixture,
                     gconstpointer  data)
{
  const guint n = 41, store_rows = 97, out_rows = 38;
  g_autoptr (GRand) rand = g_rand_new_with_seed (83);
  g_autofree float *store = test_random_floats (rand, store_rows * GATHER_DIM, -1.0f, 1.0f);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint masked = 0; masked < 2; masked++)
    {
      guint sample_words = masked ? CEP_GATHER_SAMPLE_WORDS (2, 2) : 2;
      CepGatherShape shape = { GATHER_DIM, GATHER_START, GATHER_FRAMES, sample_words };
      g_autofree gint32 *samples = g_new0 (gint32, n * sample_words);
      g_autofree float *want = NULL;

      make_gather_samples (rand, samples, n, sample_words, store_rows, out_rows);
      want = expected_windows (store, store_rows, samples, n, sample_words, out_rows);
      for (guint i = 0; i < fixture->candidates->len; i++)
        {
          OpsCandidate *candidate = candidate_at (fixture, i);
          g_autofree char *what = ops_candidate_label (candidate, "gather_windows",
                                                       masked ? "masked" : "plain");
          g_autofree float *got = run_gather_windows (candidate->backend, shape, store,
                                                      store_rows, samples, n, out_rows);
          ops_assert_identical (what, got, want, out_rows * GATHER_WINDOW);
        }
    }
}


/* Outside OpenBLAS, the blas backend splits work along the axis it does not reduce over, so
 * 1, 2 and 3 threads give bit-identical results, its own GEMM kernels included. */
static void
run_thread_sensitive_ops (CepBackend  *backend,
                          const float *x,
                          const float *w,
                          float      **out,
                          gsize       *n_out)
{
  enum { ROWS = 384, COLS = 301, SIZE = ROWS * COLS, CE_ROWS = 3000, CLASSES = 37 };
  /* Output regions, one after the other. */
  enum {
    GELU = 0, MISH_BACK = GELU + SIZE, BN = MISH_BACK + SIZE, BN_BACK = BN + SIZE,
    CE_BACK = BN_BACK + SIZE, PRODUCT = CE_BACK + CE_ROWS * CLASSES,
    WIDE = PRODUCT + ROWS * 10, VECTORS = WIDE + ROWS * 300, TOTAL = VECTORS + 8 * COLS + 2,
  };
  g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, SIZE);
  g_autoptr (TestTensor) tw = test_tensor_new_from (backend, w, SIZE);
  g_autoptr (TestTensor) tout = test_tensor_new (backend, TOTAL);
  g_autoptr (TestTensor) labels = test_tensor_new (backend, CE_ROWS);
  CepView o = tout->view, v = cep_view_at (o, VECTORS);
  CepBatchNorm bn = {
    .running_mean = v, .running_var = cep_view_at (v, COLS),
    .saved_mean = cep_view_at (v, 2 * COLS), .saved_invstd = cep_view_at (v, 3 * COLS),
    .momentum = 0.1f, .eps = 1e-5f,
  };

  cep_backend_fill (backend, COLS, 1.0f, bn.running_var);
  cep_backend_bias_act_forward (backend, ROWS, COLS, CEP_ACTIVATION_GELU, 0.0f, CEP_VIEW_NONE,
                                tx->view, cep_view_at (o, GELU));
  cep_backend_bias_act_backward (backend, ROWS, COLS, CEP_ACTIVATION_MISH, 0.0f, tx->view,
                                 tw->view, cep_view_at (o, MISH_BACK), cep_view_at (v, 4 * COLS));
  cep_backend_batchnorm_forward_train (backend, ROWS, COLS, bn, tx->view, cep_view_at (o, BN));
  cep_backend_batchnorm_backward (backend, ROWS, COLS, bn, tx->view, tw->view,
                                  cep_view_at (o, BN_BACK), cep_view_at (v, 5 * COLS),
                                  cep_view_at (v, 6 * COLS));
  cep_backend_column_sums (backend, ROWS, COLS, tw->view, 0.0f, cep_view_at (v, 7 * COLS));
  cep_backend_sum_squares (backend, SIZE, tw->view, cep_view_at (v, 8 * COLS));
  cep_backend_softmax_ce_forward (backend, CE_ROWS, CLASSES, 0.1f, tx->view, labels->view,
                                  cep_view_at (v, 8 * COLS + 1));
  cep_backend_softmax_ce_backward (backend, CE_ROWS, CLASSES, 0.1f, 0.5f, tx->view,
                                   labels->view, cep_view_at (o, CE_BACK));
  cep_backend_gemm (backend, CEP_NO_TRANS, CEP_NO_TRANS, ROWS, 10, COLS, 1.0f, tx->view, COLS,
                    tw->view, 10, 0.0f, cep_view_at (o, PRODUCT), 10);
  /* And a wide one (the tiled kernel where the CPU has AVX-512): [ROWS × 270] · [300 × 270]ᵀ. */
  cep_backend_gemm (backend, CEP_NO_TRANS, CEP_TRANS, ROWS, 300, 270, 1.0f, tx->view, 270,
                    tw->view, 270, 0.0f, cep_view_at (o, WIDE), 300);
  *n_out = tout->n;
  *out = test_tensor_floats (tout);
}

static void
test_threads_agree (OpsFixture    *fixture,
                    gconstpointer  data)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (91);
  gsize size = 384 * 301, n_first = 0;
  g_autofree float *x = test_random_normal (rand, size, 0.0f, 2.0f);
  g_autofree float *w = test_random_floats (rand, size, -1.0f, 1.0f);
  g_autofree float *first = NULL;

  for (guint threads = 1; threads <= 3; threads++)
    {
      g_autoptr (CepBackend) backend = test_backend_new ("blas", threads);
      g_autofree float *out = NULL;
      gsize n;
      run_thread_sensitive_ops (backend, x, w, &out, &n);
      g_assert_true (test_all_finite (out, n));
      if (first == NULL)
        {
          first = g_steal_pointer (&out);
          n_first = n;
        }
      else
        {
          g_autofree char *what = g_strdup_printf ("blas(%u) against blas(1), outside OpenBLAS",
                                                   threads);
          g_assert_cmpuint (n, ==, n_first);
          ops_assert_identical (what, out, first, n);
        }
    }
}

/* The cases every candidate backend runs; those marked host-only test operations only
 * host-memory backends have (a device backend leaves their slots empty). */
static const struct
{
  const char  *name;
  OpsCaseFunc  func;
  gboolean     host_only;
} every_backend[] = {
  { "gemm/transposes", test_gemm_transposes },
  { "gemm/skinny", test_gemm_skinny },
  { "gemm/blocked", test_gemm_blocked },
  { "gemm/training-shapes", test_gemm_training_shapes },
  { "gemm/semantics", test_gemm_semantics },
  { "gemm/nan-propagates", test_gemm_nan_propagates },
  { "bias-act/random", test_bias_act },
  { "bias-act/special-values", test_bias_act_special_values },
  { "bias-act/derivative-tails", test_bias_act_derivative_tails },
  { "column-sums", test_column_sums },
  { "batchnorm", test_batchnorm },
  { "layernorm", test_layernorm },
  { "dropout/identical", test_dropout_identical },
  { "dropout/statistics", test_dropout_statistics },
  { "softmax-ce", test_softmax_ce },
  { "analysis-ops", test_analysis_ops, TRUE },
  { "argmax", test_argmax },
  { "optimizers", test_optimizers },
  { "norms", test_norms },
  { "utilities", test_utilities },
  { "gather-windows", test_gather_windows },
  { "conv1d-unfold-fold", test_conv1d_unfold_fold },
  { "max-pool1d", test_max_pool1d },
  { "avg-pool1d", test_avg_pool1d },
};

int
main (int    argc,
      char **argv)
{
  const char *const *backends = ops_backend_names ();
  int status;

  g_test_init (&argc, &argv, NULL);
  for (guint b = 0; backends[b] != NULL; b++)
    for (guint i = 0; i < G_N_ELEMENTS (every_backend); i++)
      if (!every_backend[i].host_only || ops_backend_has_host_memory (backends[b]))
        ops_add_case (backends[b], every_backend[i].name, every_backend[i].func);
  ops_add_case ("blas", "threads-agree", test_threads_agree);
#if CEP_HAVE_VULKAN
  backend_ops_add_vulkan_cases ();
#endif

  status = g_test_run ();
  ops_candidates_close ();
  return status;
}
