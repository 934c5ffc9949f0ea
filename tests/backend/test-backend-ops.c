/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-backend-ops.c: every operation of every backend against the ref backend.
 *
 * Inputs are seeded random tensors of awkward shapes (1, 3, 17, 129, sizes that are no
 * multiple of any vector or tile, padded leading dimensions); every tensor sits between guard
 * words that must survive the operation; outputs must be finite. Tolerances are normalized
 * errors ||x - ref|| / ||ref||: 1e-5 for products, reductions and transcendental activations
 * (float accumulation and the blas backend's vector math, a few ulp, against ref's double);
 * exact equality where both backends are specified to compute the same float operations
 * (dropout masks and values, optimizer steps, argmax). The blas backend runs with 1, 2 and 3
 * threads, which must agree with each other bit for bit outside GEMM.
 */
#include <math.h>
#include <string.h>

#include "backend-test-util.h"

#define TOL_FLOAT 1e-5

typedef struct
{
  const char   *name;
  guint         threads;
  CepGemmChoice gemm;
} Candidate;

/* Everything compared against ref. */
static const Candidate candidates[] = {
  { "blas", 2, CEP_GEMM_AUTO },
  { "blas", 1, CEP_GEMM_AUTO },
  { "blas", 3, CEP_GEMM_AUTO },
  { "blas", 2, CEP_GEMM_OPENBLAS },
  { "ref", 1, CEP_GEMM_AUTO },
};

static const guint odd_sizes[] = { 1, 3, 17, 129 };

/* Backends live for the whole run (creating one starts threads): borrowed, not freed. */
static CepBackend *candidate_cache[G_N_ELEMENTS (candidates)];
static CepBackend *ref_cache;

static CepBackend *
candidate_backend (const Candidate *c)
{
  gsize index = (gsize) (c - candidates);

  if (candidate_cache[index] == NULL)
    {
      g_autoptr (GError) error = NULL;
      CepBackendOptions options = { .threads = c->threads, .gemm = c->gemm };
      candidate_cache[index] = cep_backend_new (c->name, &options, &error);
      g_assert_no_error (error);
    }
  return candidate_cache[index];
}

static CepBackend *
ref_backend (void)
{
  if (ref_cache == NULL)
    ref_cache = test_backend_new ("ref", 1);
  return ref_cache;
}

static void
close_backends (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    g_clear_pointer (&candidate_cache[i], cep_backend_free);
  g_clear_pointer (&ref_cache, cep_backend_free);
}

static char *
label (const Candidate *c,
       const char      *op,
       const char      *detail)
{
  return g_strdup_printf ("%s(%u%s) %s %s", c->name, c->threads,
                          c->gemm == CEP_GEMM_OPENBLAS ? ", OpenBLAS" : "", op, detail);
}

/* GEMM */

typedef struct
{
  CepTranspose ta, tb;
  guint        m, n, k;
  guint        pad_a, pad_b, pad_c;
  float        alpha, beta;
} GemmCase;

static guint
gemm_lda (const GemmCase *g)
{
  return MAX (g->ta == CEP_TRANS ? g->m : g->k, 1) + g->pad_a;
}

static guint
gemm_ldb (const GemmCase *g)
{
  return MAX (g->tb == CEP_TRANS ? g->k : g->n, 1) + g->pad_b;
}

static gsize
gemm_a_size (const GemmCase *g)
{
  return (gsize) (g->ta == CEP_TRANS ? g->k : g->m) * gemm_lda (g);
}

static gsize
gemm_b_size (const GemmCase *g)
{
  return (gsize) (g->tb == CEP_TRANS ? g->n : g->k) * gemm_ldb (g);
}

static gsize
gemm_c_size (const GemmCase *g)
{
  return (gsize) g->m * (g->n + g->pad_c);
}

static float *
run_gemm (CepBackend     *backend,
          const GemmCase *g,
          const float    *a,
          const float    *b,
          const float    *c)
{
  g_autoptr (TestTensor) ta = test_tensor_new_from (backend, a, gemm_a_size (g));
  g_autoptr (TestTensor) tb = test_tensor_new_from (backend, b, gemm_b_size (g));
  g_autoptr (TestTensor) tc = test_tensor_new_from (backend, c, gemm_c_size (g));

  cep_backend_gemm (backend, g->ta, g->tb, g->m, g->n, g->k, g->alpha, ta->view, gemm_lda (g),
                    tb->view, gemm_ldb (g), g->beta, tc->view, g->n + g->pad_c);
  return test_tensor_floats (tc);
}

static void
check_gemm_case (CepBackend     *ref,
                 const GemmCase *g,
                 GRand          *rand)
{
  g_autofree float *a = test_random_floats (rand, gemm_a_size (g), -1.0f, 1.0f);
  g_autofree float *b = test_random_floats (rand, gemm_b_size (g), -1.0f, 1.0f);
  g_autofree float *c = test_random_floats (rand, gemm_c_size (g), -1.0f, 1.0f);
  g_autofree float *expected = run_gemm (ref, g, a, b, c);

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      CepBackend *backend = candidate_backend (&candidates[i]);
      g_autofree float *got = run_gemm (backend, g, a, b, c);
      g_autofree char *detail = g_strdup_printf ("%c%c m=%u n=%u k=%u alpha=%g beta=%g",
                                                 g->ta == CEP_TRANS ? 'T' : 'N',
                                                 g->tb == CEP_TRANS ? 'T' : 'N',
                                                 g->m, g->n, g->k, g->alpha, g->beta);
      g_autofree char *what = label (&candidates[i], "gemm", detail);
      test_assert_close (what, got, expected, gemm_c_size (g), TOL_FLOAT);
    }
}

static void
test_gemm_transposes (void)
{
  static const float scalars[][2] = { { 1.0f, 0.0f }, { 0.5f, -1.25f }, { -1.0f, 1.0f } };
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  CepBackend *ref = ref_backend ();

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
          check_gemm_case (ref, &g, rand);
        }
}

/* The shapes the blas backend sends to its few-columns kernel, and its edges. */
static void
test_gemm_skinny (void)
{
  static const guint ms[] = { 2, 17, 129, 1001 };
  static const guint ns[] = { 1, 10, 12, 13, 40, 42, 64, 65 };
  static const guint ks[] = { 16, 17, 31, 784 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (12);
  CepBackend *ref = ref_backend ();

  for (guint mi = 0; mi < G_N_ELEMENTS (ms); mi++)
    for (guint ni = 0; ni < G_N_ELEMENTS (ns); ni++)
      {
        guint ki = (mi + ni) % G_N_ELEMENTS (ks);
        GemmCase g = {
          .ta = CEP_NO_TRANS, .tb = ni % 2 ? CEP_TRANS : CEP_NO_TRANS,
          .m = ms[mi], .n = ns[ni], .k = ks[ki], .pad_a = mi % 2, .pad_b = 1, .pad_c = ni % 3,
          .alpha = mi % 2 ? 0.75f : 1.0f, .beta = ni % 2 ? 0.0f : 0.5f,
        };
        check_gemm_case (ref, &g, rand);
      }
}

/* Shapes that cross the tiled kernel's cache blocks (384 rows, 256 deep, 1024 columns) and
 * its thread split, for each transpose pair. */
static void
test_gemm_blocked (void)
{
  static const GemmCase cases[] = {
    { CEP_NO_TRANS, CEP_NO_TRANS, 389, 70, 263, 1, 0, 3, 1.0f, 0.0f },
    { CEP_NO_TRANS, CEP_TRANS, 203, 1037, 100, 0, 2, 0, 0.5f, 1.0f },
    { CEP_TRANS, CEP_NO_TRANS, 13, 1029, 300, 3, 0, 1, -1.0f, 0.25f },
    { CEP_TRANS, CEP_TRANS, 400, 45, 517, 0, 1, 0, 2.0f, -1.0f },
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (14);
  CepBackend *ref = ref_backend ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_gemm_case (ref, &cases[i], rand);
}

/* beta = 0 never reads C; alpha = 0 and k = 0 never read A or B (NaN must not leak). */
static void
test_gemm_blas_semantics (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      CepBackend *backend = candidate_backend (&candidates[i]);
      float a[6 * 5], b[5 * 4], c[6 * 4];
      for (guint j = 0; j < G_N_ELEMENTS (a); j++)
        a[j] = (float) j / 7.0f;
      for (guint j = 0; j < G_N_ELEMENTS (b); j++)
        b[j] = 1.0f - (float) j / 9.0f;

      for (guint j = 0; j < G_N_ELEMENTS (c); j++)
        c[j] = NAN;
      GemmCase g = { .m = 6, .n = 4, .k = 5, .alpha = 1.0f, .beta = 0.0f };
      g_autofree float *fresh = run_gemm (backend, &g, a, b, c);
      g_assert_true (test_all_finite (fresh, G_N_ELEMENTS (c)));

      for (guint j = 0; j < G_N_ELEMENTS (c); j++)
        c[j] = (float) j;
      a[7] = NAN;
      b[3] = INFINITY;
      GemmCase scale_only = { .m = 6, .n = 4, .k = 5, .alpha = 0.0f, .beta = 2.0f };
      g_autofree float *scaled = run_gemm (backend, &scale_only, a, b, c);
      for (guint j = 0; j < G_N_ELEMENTS (c); j++)
        g_assert_cmpfloat (scaled[j], ==, 2.0f * j);

      GemmCase empty = { .m = 6, .n = 4, .k = 0, .alpha = 1.0f, .beta = 0.0f };
      g_autofree float *zeros = run_gemm (backend, &empty, a, b, c);
      for (guint j = 0; j < G_N_ELEMENTS (c); j++)
        g_assert_cmpfloat (zeros[j], ==, 0.0f);
    }
}

/* A NaN in row r of A poisons exactly row r of C, on every path. */
static void
test_gemm_nan_propagates (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (13);

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    for (guint n = 8; n <= 80; n += 72)
      {
        CepBackend *backend = candidate_backend (&candidates[i]);
        GemmCase g = { .tb = CEP_TRANS, .m = 33, .n = n, .k = 40, .alpha = 1.0f };
        g_autofree float *a = test_random_floats (rand, gemm_a_size (&g), -1.0f, 1.0f);
        g_autofree float *b = test_random_floats (rand, gemm_b_size (&g), -1.0f, 1.0f);
        g_autofree float *c = g_new0 (float, gemm_c_size (&g));
        a[5 * 40 + 17] = NAN;
        g_autofree float *out = run_gemm (backend, &g, a, b, c);
        for (guint r = 0; r < g.m; r++)
          for (guint j = 0; j < n; j++)
            g_assert_cmpint (isnan (out[r * n + j]), ==, r == 5);
      }
}

/* Bias and activation */

typedef struct
{
  guint        rows, cols;
  CepActivation act;
  gboolean     with_bias;
  gboolean     in_place;
} ActCase;

static void
run_bias_act_forward (CepBackend    *backend,
                      const ActCase *ac,
                      const float   *pre,
                      const float   *bias,
                      float        **pre_out,
                      float        **out)
{
  gsize size = (gsize) ac->rows * ac->cols;
  g_autoptr (TestTensor) tp = test_tensor_new_from (backend, pre, size);
  g_autoptr (TestTensor) tb = test_tensor_new_from (backend, bias, ac->cols);
  g_autoptr (TestTensor) to = test_tensor_new (backend, size);
  TestTensor *target = ac->in_place ? tp : to;

  cep_backend_bias_act_forward (backend, ac->rows, ac->cols, ac->act, 0.03f,
                                ac->with_bias ? tb->view : CEP_VIEW_NONE, tp->view,
                                target->view);
  *pre_out = test_tensor_floats (tp);
  *out = test_tensor_floats (target);
}

static void
run_bias_act_backward (CepBackend    *backend,
                       const ActCase *ac,
                       const float   *pre,
                       const float   *dy,
                       float        **dpre,
                       float        **dbias)
{
  gsize size = (gsize) ac->rows * ac->cols;
  g_autoptr (TestTensor) tp = test_tensor_new_from (backend, pre, size);
  g_autoptr (TestTensor) tg = test_tensor_new_from (backend, dy, size);
  g_autoptr (TestTensor) td = test_tensor_new (backend, size);
  g_autoptr (TestTensor) tb = test_tensor_new (backend, ac->cols);
  TestTensor *target = ac->in_place ? tg : td;

  cep_backend_bias_act_backward (backend, ac->rows, ac->cols, ac->act, 0.03f, tp->view,
                                 tg->view, target->view,
                                 ac->with_bias ? tb->view : CEP_VIEW_NONE);
  *dpre = test_tensor_floats (target);
  *dbias = test_tensor_floats (tb);
}

static void
compare_bias_act (CepBackend    *ref,
                  const ActCase *ac,
                  GRand         *rand)
{
  gsize size = (gsize) ac->rows * ac->cols;
  g_autofree float *pre = test_random_floats (rand, size, -7.0f, 7.0f);
  g_autofree float *bias = test_random_floats (rand, ac->cols, -1.0f, 1.0f);
  g_autofree float *dy = test_random_floats (rand, size, -1.0f, 1.0f);
  g_autofree float *ref_pre = NULL, *ref_out = NULL, *ref_dpre = NULL, *ref_dbias = NULL;
  const char *act = cep_activation_get_name (ac->act);

  run_bias_act_forward (ref, ac, pre, bias, &ref_pre, &ref_out);
  run_bias_act_backward (ref, ac, pre, dy, &ref_dpre, &ref_dbias);
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      CepBackend *backend = candidate_backend (&candidates[i]);
      g_autofree float *got_pre = NULL, *got_out = NULL, *got_dpre = NULL, *got_dbias = NULL;
      g_autofree char *detail = g_strdup_printf ("%s %ux%u bias=%d in-place=%d", act,
                                                 ac->rows, ac->cols, ac->with_bias,
                                                 ac->in_place);
      g_autofree char *what = label (&candidates[i], "bias_act", detail);

      run_bias_act_forward (backend, ac, pre, bias, &got_pre, &got_out);
      run_bias_act_backward (backend, ac, pre, dy, &got_dpre, &got_dbias);
      if (!ac->in_place)
        test_assert_close (what, got_pre, ref_pre, size, 0.0);
      test_assert_close (what, got_out, ref_out, size, TOL_FLOAT);
      test_assert_close (what, got_dpre, ref_dpre, size, TOL_FLOAT);
      test_assert_close (what, got_dbias, ref_dbias, ac->cols, TOL_FLOAT);
    }
}

static void
test_bias_act (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (21);
  CepBackend *ref = ref_backend ();

  for (guint act = 0; act < CEP_ACTIVATION_COUNT; act++)
    for (guint r = 0; r < G_N_ELEMENTS (odd_sizes); r++)
      for (guint c = 0; c < G_N_ELEMENTS (odd_sizes); c++)
        {
          ActCase ac = {
            .rows = odd_sizes[r], .cols = odd_sizes[c] + (r == 3 && c == 2 ? 300 : 0),
            .act = (CepActivation) act, .with_bias = (r + c) % 2 == 0,
            .in_place = (r + c + act) % 3 == 0,
          };
          compare_bias_act (ref, &ac, rand);
        }
}

/* Extreme inputs (signed zeros, tiny values, values beyond exp's range) agree with ref to
 * 1e-6, absolute or relative. */
static void
test_bias_act_special_values (void)
{
  static const float specials[] = { 0.0f, -0.0f, 1e-30f, -1e-30f, 90.0f, -90.0f, 1e4f, -1e4f };
  CepBackend *ref = ref_backend ();
  guint n = G_N_ELEMENTS (specials);

  for (guint act = 0; act < CEP_ACTIVATION_COUNT; act++)
    for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
      {
        CepBackend *backend = candidate_backend (&candidates[i]);
        ActCase ac = { .rows = 1, .cols = n, .act = (CepActivation) act };
        g_autofree float *rp = NULL, *ro = NULL, *gp = NULL, *go = NULL;
        g_autofree char *what = label (&candidates[i], "bias_act special",
                                       cep_activation_get_name (ac.act));
        run_bias_act_forward (ref, &ac, specials, specials, &rp, &ro);
        run_bias_act_forward (backend, &ac, specials, specials, &gp, &go);
        for (guint j = 0; j < n; j++)
          if (!(fabsf (go[j] - ro[j]) <= 1e-6f * MAX (1.0f, fabsf (ro[j]))))
            g_error ("%s: f(%g) = %g, ref %g", what, specials[j], go[j], ro[j]);
      }
}

static void
test_column_sums (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (22);

  for (guint r = 0; r < G_N_ELEMENTS (odd_sizes); r++)
    for (guint c = 0; c < G_N_ELEMENTS (odd_sizes); c++)
      {
        guint rows = odd_sizes[r] * 3, cols = odd_sizes[c] + (c == 3 ? 400 : 0);
        float beta = (r + c) % 2 ? 0.0f : -0.5f;
        g_autofree float *x = test_random_floats (rand, (gsize) rows * cols, -1.0f, 1.0f);
        g_autofree float *start = test_random_floats (rand, cols, -1.0f, 1.0f);
        float *results[G_N_ELEMENTS (candidates) + 1] = { NULL };

        for (guint i = 0; i <= G_N_ELEMENTS (candidates); i++)
          {
            CepBackend *backend = i == 0 ? ref_backend ()
                                              : candidate_backend (&candidates[i - 1]);
            g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, (gsize) rows * cols);
            g_autoptr (TestTensor) to = test_tensor_new_from (backend, start, cols);
            cep_backend_column_sums (backend, rows, cols, tx->view, beta, to->view);
            results[i] = test_tensor_floats (to);
          }
        for (guint i = 1; i <= G_N_ELEMENTS (candidates); i++)
          {
            g_autofree char *detail = g_strdup_printf ("%ux%u beta=%g", rows, cols, beta);
            g_autofree char *what = label (&candidates[i - 1], "column_sums", detail);
            test_assert_close (what, results[i], results[0], cols, TOL_FLOAT);
          }
        for (guint i = 0; i <= G_N_ELEMENTS (candidates); i++)
          g_free (results[i]);
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
compare_batchnorm (CepBackend   *ref,
                   const BnCase *bc,
                   GRand        *rand)
{
  gsize size = (gsize) bc->rows * bc->cols, cols = bc->cols;
  g_autofree float *x = test_random_normal (rand, size, 3.0f, 2.0f);
  g_autofree float *dy = test_random_floats (rand, size, -1.0f, 1.0f);
  g_autofree float *vectors = test_random_floats (rand, 6 * cols, -1.0f, 1.0f);
  BnResults expected = { NULL }, got;

  for (gsize j = 0; j < cols; j++)
    {
      vectors[cols + j] = 0.5f + fabsf (vectors[cols + j]);       /* running var > 0 */
      vectors[4 * cols + j] = 1.0f + 0.5f * vectors[4 * cols + j];   /* gamma near 1 */
    }
  run_batchnorm (ref, bc, x, dy, vectors, &expected);
  /* dx is dy·invstd·gamma minus its projections: measure it against that size. */
  double dx_scale = 0.0;
  for (gsize j = 0; j < cols; j++)
    dx_scale = MAX (dx_scale, fabs (expected.saved[cols + j] *
                                    (bc->affine ? vectors[4 * cols + j] : 1.0f)));
  dx_scale *= test_norm (dy, size);
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      CepBackend *backend = candidate_backend (&candidates[i]);
      g_autofree char *detail = g_strdup_printf ("%ux%u affine=%d in-place=%d", bc->rows,
                                                 bc->cols, bc->affine, bc->in_place);
      g_autofree char *what = label (&candidates[i], "batchnorm", detail);
      g_autofree char *y = g_strconcat (what, " y", NULL);
      g_autofree char *running = g_strconcat (what, " running stats", NULL);
      g_autofree char *saved = g_strconcat (what, " saved stats", NULL);
      g_autofree char *eval_y = g_strconcat (what, " eval y", NULL);
      g_autofree char *dx = g_strconcat (what, " dx", NULL);
      g_autofree char *dgamma = g_strconcat (what, " dgamma", NULL);
      g_autofree char *dbeta = g_strconcat (what, " dbeta", NULL);
      run_batchnorm (backend, bc, x, dy, vectors, &got);
      test_assert_close (y, got.y, expected.y, size, TOL_FLOAT);
      test_assert_close (running, got.running, expected.running, 2 * cols, TOL_FLOAT);
      test_assert_close (saved, got.saved, expected.saved, 2 * cols, TOL_FLOAT);
      test_assert_close (eval_y, got.eval_y, expected.eval_y, size, TOL_FLOAT);
      test_assert_close_scaled (dx, got.dx, expected.dx, size, dx_scale, TOL_FLOAT);
      test_assert_close (dgamma, got.dgamma, expected.dgamma, cols, TOL_FLOAT);
      test_assert_close (dbeta, got.dbeta, expected.dbeta, cols, TOL_FLOAT);
      bn_results_clear (&got);
    }
  bn_results_clear (&expected);
}

static void
test_batchnorm (void)
{
  static const guint rows[] = { 2, 3, 17, 129 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (31);
  CepBackend *ref = ref_backend ();

  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (guint c = 0; c < G_N_ELEMENTS (odd_sizes); c++)
      {
        BnCase bc = {
          .rows = rows[r], .cols = odd_sizes[c] + (c == 3 ? 300 : 0),
          .affine = (r + c) % 3 != 0, .in_place = (r + c) % 2 == 1,
        };
        compare_batchnorm (ref, &bc, rand);
      }
}

/* Dropout */

typedef struct
{
  float   *y;
  guint32 *mask;
  float   *dx;
} DropoutResults;

static void
run_dropout (CepBackend    *backend,
             gsize          n,
             float          p,
             CepDropoutKey  key,
             gboolean       in_place,
             const float   *x,
             const float   *dy,
             DropoutResults *out)
{
  gsize words = CEP_DROPOUT_MASK_WORDS (n);
  g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, n);
  g_autoptr (TestTensor) ty = test_tensor_new (backend, n);
  g_autoptr (TestTensor) tm = test_tensor_new (backend, words);
  g_autoptr (TestTensor) tg = test_tensor_new_from (backend, dy, n);
  g_autoptr (TestTensor) td = test_tensor_new (backend, n);
  TestTensor *y = in_place ? tx : ty;
  TestTensor *dx = in_place ? tg : td;

  cep_backend_dropout_forward (backend, n, p, key, tx->view, y->view, tm->view);
  cep_backend_dropout_backward (backend, n, p, tm->view, tg->view, dx->view);
  out->y = test_tensor_floats (y);
  out->dx = test_tensor_floats (dx);
  out->mask = g_new (guint32, MAX (words, 1));
  test_tensor_download (tm, out->mask);
}

static void
dropout_results_clear (DropoutResults *r)
{
  g_free (r->y);
  g_free (r->mask);
  g_free (r->dx);
}

/* Masks, outputs and gradients are bit-identical on every backend and thread count. */
static void
test_dropout_identical (void)
{
  static const gsize sizes[] = { 1, 31, 32, 33, 127, 128, 129, 4095, 4097, 100003 };
  static const float ps[] = { 0.0f, 0.1f, 0.35f, 0.5f, 0.999f, 1.0f };
  g_autoptr (GRand) rand = g_rand_new_with_seed (41);
  CepBackend *ref = ref_backend ();

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      gsize n = sizes[s];
      float p = ps[s % G_N_ELEMENTS (ps)];
      CepDropoutKey key = { .seed = 0x1234567890abcdefull + s,
                            .step = s % 2 ? (G_GUINT64_CONSTANT (7) << 32) + s : s,
                            .layer = s };
      g_autofree float *x = test_random_floats (rand, n, -2.0f, 2.0f);
      g_autofree float *dy = test_random_floats (rand, n, -2.0f, 2.0f);
      DropoutResults expected;

      run_dropout (ref, n, p, key, FALSE, x, dy, &expected);
      for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
        {
          CepBackend *backend = candidate_backend (&candidates[i]);
          DropoutResults got;
          run_dropout (backend, n, p, key, (s + i) % 2 == 1, x, dy, &got);
          g_assert_cmpmem (got.mask, CEP_DROPOUT_MASK_WORDS (n) * 4,
                           expected.mask, CEP_DROPOUT_MASK_WORDS (n) * 4);
          g_assert_cmpmem (got.y, n * 4, expected.y, n * 4);
          g_assert_cmpmem (got.dx, n * 4, expected.dx, n * 4);
          dropout_results_clear (&got);
        }
      dropout_results_clear (&expected);
    }
}

/* The kept fraction is 1 - p, kept values are scaled by 1/(1 - p), bits past n are 0, and
 * different keys give different masks. */
static void
test_dropout_statistics (void)
{
  const gsize n = 200000;
  g_autofree float *x = g_new (float, n);
  g_autofree float *dy = g_new (float, n);
  g_autoptr (CepBackend) backend = test_backend_new ("blas", 2);

  for (gsize i = 0; i < n; i++)
    x[i] = dy[i] = 1.0f;
  for (guint layer = 0; layer < 3; layer++)
    {
      float p = 0.1f + 0.2f * layer;
      CepDropoutKey key = { .seed = 99, .step = 5, .layer = layer };
      DropoutResults r, other;
      run_dropout (backend, n, p, key, FALSE, x, dy, &r);
      key.step = 6;
      run_dropout (backend, n, p, key, FALSE, x, dy, &other);

      gsize kept = 0, same = 0;
      for (gsize i = 0; i < n; i++)
        {
          guint32 bit = (r.mask[i / 32] >> (i % 32)) & 1;
          kept += bit;
          same += bit == ((other.mask[i / 32] >> (i % 32)) & 1);
          g_assert_cmpfloat (r.y[i], ==, bit ? 1.0f / (float) (1.0 - p) : 0.0f);
        }
      g_assert_cmpfloat_with_epsilon ((double) kept / n, 1.0 - p, 0.005);
      g_assert_cmpuint (same, <, n * 0.9);
      dropout_results_clear (&r);
      dropout_results_clear (&other);
    }
}

/* Classification */

typedef struct
{
  guint rows, classes;
  float smoothing;
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

static void
test_softmax_ce (void)
{
  static const guint rows[] = { 1, 3, 129, 1000 };
  static const guint classes[] = { 1, 2, 40, 42, 129 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (51);
  CepBackend *ref = ref_backend ();

  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
      {
        CeCase cc = { rows[r], classes[c], (r + c) % 2 ? 0.1f : 0.0f, (r + c) % 3 == 0 };
        gsize size = (gsize) cc.rows * cc.classes;
        g_autofree float *logits = test_random_normal (rand, size, 0.0f, 3.0f);
        g_autofree gint32 *labels = g_new (gint32, cc.rows);
        g_autofree float *expected = NULL;
        float expected_loss;

        for (guint i = 0; i < cc.rows; i++)
          labels[i] = i % 7 == 5 ? (i % 2 ? -1 : (gint32) cc.classes)
                                 : g_rand_int_range (rand, 0, (gint32) cc.classes);
        run_softmax_ce (ref, &cc, logits, labels, &expected_loss, &expected);
        for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
          {
            CepBackend *backend = candidate_backend (&candidates[i]);
            g_autofree float *got = NULL;
            float got_loss;
            g_autofree char *detail = g_strdup_printf ("%ux%u eps=%g", cc.rows, cc.classes,
                                                       cc.smoothing);
            g_autofree char *what = label (&candidates[i], "softmax_ce", detail);
            run_softmax_ce (backend, &cc, logits, labels, &got_loss, &got);
            test_assert_close (what, &got_loss, &expected_loss, 1, TOL_FLOAT);
            test_assert_close (what, got, expected, size, TOL_FLOAT);
            for (guint row = 0; row < cc.rows; row++)
              if (labels[row] < 0 || labels[row] >= (gint32) cc.classes)
                for (guint k = 0; k < cc.classes; k++)
                  g_assert_cmpfloat (got[row * cc.classes + k], ==, 0.0f);
          }
      }
}

/* The operations only analyses use: softmax probabilities and evaluation-mode batch-norm
 * backward (in place and not). */
static void
test_analysis_ops (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (52);

  for (guint r = 0; r < G_N_ELEMENTS (odd_sizes); r++)
    for (guint c = 0; c < G_N_ELEMENTS (odd_sizes); c++)
      {
        guint rows = odd_sizes[r], cols = odd_sizes[c];
        gsize size = (gsize) rows * cols;
        gboolean in_place = (r + c) % 2;
        g_autofree float *x = test_random_normal (rand, size, 0.0f, 4.0f);
        g_autofree float *vectors = test_random_floats (rand, 4 * cols, 0.5f, 2.0f);
        float *results[2][2] = { { NULL } };

        for (guint i = 0; i <= G_N_ELEMENTS (candidates); i++)
          {
            CepBackend *backend = i == 0 ? ref_backend ()
                                              : candidate_backend (&candidates[i - 1]);
            g_autoptr (TestTensor) tv = test_tensor_new_from (backend, vectors, 4 * cols);
            g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, size);
            g_autoptr (TestTensor) ty = test_tensor_new (backend, size);
            g_autoptr (TestTensor) tz = test_tensor_new_from (backend, x, size);
            TestTensor *probabilities = in_place ? tx : ty;
            CepBatchNorm bn = {
              .gamma = tv->view, .beta = cep_view_at (tv->view, cols),
              .running_mean = cep_view_at (tv->view, 2 * cols),
              .running_var = cep_view_at (tv->view, 3 * cols), .eps = 1e-5f,
            };
            cep_backend_softmax (backend, rows, cols, tx->view, probabilities->view);
            cep_backend_batchnorm_backward_eval (backend, rows, cols, bn, tz->view, tz->view);
            guint slot = i == 0 ? 0 : 1;
            results[slot][0] = test_tensor_floats (probabilities);
            results[slot][1] = test_tensor_floats (tz);
            if (i > 0)
              {
                g_autofree char *detail = g_strdup_printf ("%ux%u", rows, cols);
                g_autofree char *what = label (&candidates[i - 1], "softmax/bn-eval-bwd",
                                               detail);
                test_assert_close (what, results[1][0], results[0][0], size, TOL_FLOAT);
                test_assert_close (what, results[1][1], results[0][1], size, TOL_FLOAT);
                g_clear_pointer (&results[1][0], g_free);
                g_clear_pointer (&results[1][1], g_free);
              }
          }
        g_free (results[0][0]);
        g_free (results[0][1]);
      }
}

static void
test_argmax (void)
{
  /* Row 0: tie (first wins); row 1: NaN counts as largest; row 2: all -Inf; row 3: plain. */
  const float logits[] = { 1.0f, 3.0f, 3.0f, -1.0f,
                           0.0f, 5.0f, NAN, 9.0f,
                           -INFINITY, -INFINITY, -INFINITY, -INFINITY,
                           0.5f, -2.0f, 0.25f, 0.75f };
  const gint32 labels[] = { 1, 3, 0, 2 };
  const gint32 expected[] = { 1, 2, 0, 3 };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      CepBackend *backend = candidate_backend (&candidates[i]);
      g_autoptr (TestTensor) tl = test_tensor_new_from (backend, logits, 16);
      g_autoptr (TestTensor) tlab = test_tensor_new_from (backend, labels, 4);
      g_autoptr (TestTensor) tp = test_tensor_new (backend, 4);
      gint32 start = 10, correct, predictions[4];
      g_autoptr (TestTensor) tc = test_tensor_new_from (backend, &start, 1);

      cep_backend_argmax (backend, 4, 4, tl->view, tlab->view, tp->view, tc->view);
      test_tensor_download (tp, predictions);
      test_tensor_download (tc, &correct);
      g_assert_cmpmem (predictions, sizeof predictions, expected, sizeof expected);
      g_assert_cmpint (correct, ==, 12);
    }
}

/* Optimizers */

static float *
run_optimizer (CepBackend  *backend,
               gboolean     adam,
               gsize        n,
               const float *state,
               guint        steps,
               gboolean     decoupled,
               gboolean     nesterov)
{
  g_autoptr (TestTensor) t = test_tensor_new_from (backend, state, 4 * n);
  CepView param = t->view, grad = cep_view_at (t->view, n);
  CepView m = cep_view_at (t->view, 2 * n), v = cep_view_at (t->view, 3 * n);

  for (guint step = 1; step <= steps; step++)
    {
      if (adam)
        {
          CepAdamParams p = { .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8,
                              .weight_decay = 0.01, .decoupled = decoupled, .step = step };
          cep_backend_adam_step (backend, n, p, param, grad, m, v);
        }
      else
        {
          CepSgdParams p = { .lr = 0.05, .momentum = 0.9, .dampening = nesterov ? 0.0 : 0.2,
                             .weight_decay = 1e-3, .nesterov = nesterov, .step = step };
          cep_backend_sgd_step (backend, n, p, param, grad, m);
        }
    }
  return test_tensor_floats (t);
}

/* Optimizer steps are the same float operations on every backend: bit-identical. */
static void
test_optimizers_identical (void)
{
  const gsize n = 70001;
  g_autoptr (GRand) rand = g_rand_new_with_seed (61);
  g_autofree float *state = test_random_floats (rand, 4 * n, -1.0f, 1.0f);
  CepBackend *ref = ref_backend ();

  for (gsize i = 3 * n; i < 4 * n; i++)
    state[i] = fabsf (state[i]) * 1e-3f;   /* v >= 0 */
  for (guint variant = 0; variant < 4; variant++)
    {
      gboolean adam = variant < 2, flag = variant % 2;
      g_autofree float *expected = run_optimizer (ref, adam, n, state, 3, flag, flag);
      for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
        {
          CepBackend *backend = candidate_backend (&candidates[i]);
          g_autofree float *got = run_optimizer (backend, adam, n, state, 3, flag, flag);
          g_assert_cmpmem (got, 4 * n * 4, expected, 4 * n * 4);
        }
    }
}

/* sum_squares accumulates; clip_scale with a max norm of a tenth of the norm shrinks x. */
static void
test_norms (void)
{
  static const gsize sizes[] = { 1, 17, 16385, 100003 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (71);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      gsize n = sizes[s];
      g_autofree float *x = test_random_floats (rand, n, -1.0f, 1.0f);
      g_autofree float *expected_x = NULL;
      float expected[2];
      double sum = 0.0;

      for (gsize i = 0; i < n; i++)
        sum += (double) x[i] * x[i];
      for (guint i = 0; i <= G_N_ELEMENTS (candidates); i++)
        {
          CepBackend *backend = i == 0 ? ref_backend ()
                                            : candidate_backend (&candidates[i - 1]);
          float got[2], start[2] = { 1.5f, 0.0f };
          g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, n);
          g_autoptr (TestTensor) ts = test_tensor_new_from (backend, start, 2);

          cep_backend_sum_squares (backend, n, tx->view, ts->view);
          cep_backend_sum_squares (backend, n, tx->view, cep_view_at (ts->view, 1));
          cep_backend_clip_scale (backend, n, cep_view_at (ts->view, 1),
                                  (float) (0.1 * sqrt (sum)), tx->view);
          test_tensor_download (ts, got);
          g_autofree float *scaled = test_tensor_floats (tx);
          if (i == 0)
            {
              memcpy (expected, got, sizeof expected);
              expected_x = g_steal_pointer (&scaled);
              g_assert_cmpfloat_with_epsilon (got[1], sum, 1e-6 * sum);
              g_assert_cmpfloat_with_epsilon (expected_x[0], 0.1 * x[0], 1e-5);
            }
          else
            {
              g_autofree char *what = label (&candidates[i - 1], "norms", "");
              test_assert_close (what, got, expected, 2, 1e-6);
              test_assert_close (what, scaled, expected_x, n, 1e-6);
            }
        }
    }
}

static void
test_utilities (void)
{
  const gsize n = 1031;
  g_autoptr (GRand) rand = g_rand_new_with_seed (81);
  g_autofree float *x = test_random_floats (rand, n, -1.0f, 1.0f);
  g_autofree float *y = test_random_floats (rand, n, -1.0f, 1.0f);

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      CepBackend *backend = candidate_backend (&candidates[i]);
      g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, n);
      g_autoptr (TestTensor) ty = test_tensor_new_from (backend, y, n);
      g_autoptr (TestTensor) tz = test_tensor_new (backend, n);

      cep_backend_axpy (backend, n, 2.0f, tx->view, ty->view);   /* y = 2x + y */
      cep_backend_scale (backend, n, -0.5f, ty->view);           /* y = -x - y/2 */
      cep_backend_copy (backend, n, ty->view, tz->view);
      cep_backend_fill (backend, 5, 7.0f, cep_view_at (tx->view, n - 5));
      g_autofree float *z = test_tensor_floats (tz);
      g_autofree float *filled = test_tensor_floats (tx);
      for (gsize j = 0; j < n; j++)
        {
          g_assert_cmpfloat (z[j], ==, -0.5f * (y[j] + 2.0f * x[j]));
          g_assert_cmpfloat (filled[j], ==, j >= n - 5 ? 7.0f : x[j]);
        }
    }
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

static void
test_gather_windows (void)
{
  const guint n = 41, store_rows = 97, out_rows = 38;
  g_autoptr (GRand) rand = g_rand_new_with_seed (83);
  g_autofree float *store = test_random_floats (rand, store_rows * GATHER_DIM, -1.0f, 1.0f);

  for (guint masked = 0; masked < 2; masked++)
    {
      guint sample_words = masked ? CEP_GATHER_SAMPLE_WORDS (2, 2) : 2;
      CepGatherShape shape = { GATHER_DIM, GATHER_START, GATHER_FRAMES, sample_words };
      g_autofree gint32 *samples = g_new0 (gint32, n * sample_words);
      g_autofree float *want = g_new (float, out_rows * GATHER_WINDOW);

      make_gather_samples (rand, samples, n, sample_words, store_rows, out_rows);
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
      for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
        {
          CepBackend *backend = candidate_backend (&candidates[i]);
          g_autoptr (TestTensor) tstore = test_tensor_new_from (backend, store,
                                                                store_rows * GATHER_DIM);
          g_autoptr (TestTensor) tsamples = test_tensor_new_from (backend, (float *) samples,
                                                                  n * sample_words);
          g_autoptr (TestTensor) tout = test_tensor_new (backend, out_rows * GATHER_WINDOW);
          cep_backend_fill (backend, out_rows * GATHER_WINDOW, 9.0f, tout->view);
          cep_backend_gather_windows (backend, n, shape, tstore->view, store_rows,
                                      tsamples->view, tout->view, out_rows);
          g_autofree float *got = test_tensor_floats (tout);
          g_assert_cmpmem (got, out_rows * GATHER_WINDOW * 4, want,
                           out_rows * GATHER_WINDOW * 4);
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
test_threads_agree (void)
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
        g_assert_cmpmem (out, n * 4, first, n_first * 4);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/backend-ops/gemm/transposes", test_gemm_transposes);
  g_test_add_func ("/backend-ops/gemm/skinny", test_gemm_skinny);
  g_test_add_func ("/backend-ops/gemm/blocked", test_gemm_blocked);
  g_test_add_func ("/backend-ops/gemm/blas-semantics", test_gemm_blas_semantics);
  g_test_add_func ("/backend-ops/gemm/nan-propagates", test_gemm_nan_propagates);
  g_test_add_func ("/backend-ops/bias-act/random", test_bias_act);
  g_test_add_func ("/backend-ops/bias-act/special-values", test_bias_act_special_values);
  g_test_add_func ("/backend-ops/column-sums", test_column_sums);
  g_test_add_func ("/backend-ops/batchnorm", test_batchnorm);
  g_test_add_func ("/backend-ops/dropout/identical", test_dropout_identical);
  g_test_add_func ("/backend-ops/dropout/statistics", test_dropout_statistics);
  g_test_add_func ("/backend-ops/softmax-ce", test_softmax_ce);
  g_test_add_func ("/backend-ops/analysis-ops", test_analysis_ops);
  g_test_add_func ("/backend-ops/argmax", test_argmax);
  g_test_add_func ("/backend-ops/optimizers/identical", test_optimizers_identical);
  g_test_add_func ("/backend-ops/norms", test_norms);
  g_test_add_func ("/backend-ops/utilities", test_utilities);
  g_test_add_func ("/backend-ops/gather-windows", test_gather_windows);
  g_test_add_func ("/backend-ops/threads-agree", test_threads_agree);

  int status = g_test_run ();
  close_backends ();
  return status;
}
