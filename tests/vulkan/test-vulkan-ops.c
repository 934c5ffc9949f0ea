/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-vulkan-ops.c: every operation of the vulkan backend against the ref backend, under
 * the Khronos validation layer (any validation message fails the test).
 *
 * Inputs are seeded random tensors of awkward shapes (1, 3, 17, 129, sizes that are no
 * multiple of any tile or workgroup, padded leading dimensions); every tensor sits between
 * guard words that must survive (backend-test-util.h); outputs must be finite. Tolerances
 * are normalized errors ||x − ref|| / ||ref||: 1e-5 for products, reductions and
 * transcendental functions (float arithmetic and the shaders' own erf/tanh against ref's
 * double), 1e-6 for the optimizer steps (the same float operations; a GPU's division and
 * square root may differ by an ulp), and bit-identical results for dropout (masks, values,
 * gradients), argmax and the plain utilities. Every GEMM tile shape (of the GPU and the CPU
 * sets) is forced in turn (CEPSTRA_VULKAN_GEMM_TILE) so each is checked on odd shapes, and
 * a backend with a tiny binding limit (CEPSTRA_VULKAN_MAX_BINDING) checks the chunking of
 * long vectors.
 */
#include <math.h>
#include <string.h>

#include "backend-test-util.h"
#include "vulkan-test-util.h"

#define TOL_FLOAT 1e-5
#define TOL_OPTIMIZER 1e-6

static CepBackend *ref_backend;

static CepBackend *
vulkan (void)
{
  return vulkan_test_backend (CEP_VULKAN_VALIDATION_STANDARD);
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
check_gemm (CepBackend     *backend,
            const char     *tile,
            const GemmCase *g,
            GRand          *rand)
{
  g_autofree float *a = test_random_floats (rand, gemm_a_size (g), -1.0f, 1.0f);
  g_autofree float *b = test_random_floats (rand, gemm_b_size (g), -1.0f, 1.0f);
  g_autofree float *c = test_random_floats (rand, gemm_c_size (g), -1.0f, 1.0f);
  g_autofree float *expected = run_gemm (ref_backend, g, a, b, c);
  g_autofree float *got = run_gemm (backend, g, a, b, c);
  g_autofree char *what = g_strdup_printf ("gemm[%s] %c%c m=%u n=%u k=%u alpha=%g beta=%g",
                                           tile, g->ta == CEP_TRANS ? 'T' : 'N',
                                           g->tb == CEP_TRANS ? 'T' : 'N', g->m, g->n, g->k,
                                           g->alpha, g->beta);

  test_assert_close (what, got, expected, gemm_c_size (g), TOL_FLOAT);
}

static guint64 profiled_dispatches (CepBackend *backend,
                                    const char *shader);

/* A backend whose GEMMs all use @tile (NULL: chosen per shape). */
static CepBackend *
backend_with_tile (const char *tile)
{
  if (tile == NULL)
    return NULL;
  g_setenv ("CEPSTRA_VULKAN_GEMM_TILE", tile, TRUE);
  CepBackend *backend = vulkan_test_backend_new (CEP_VULKAN_VALIDATION_STANDARD);
  g_unsetenv ("CEPSTRA_VULKAN_GEMM_TILE");
  return backend;
}

static void
test_gemm_tiles (void)
{
  static const char *const tiles[] = { NULL, "gpu:large", "gpu:medium", "gpu:few-columns",
                                       "gpu:few-rows", "cpu:large", "cpu:few-columns",
                                       "cpu:few-rows", "skinny" };
  static const guint shapes[][3] = {
    { 1, 1, 1 }, { 3, 17, 5 }, { 17, 129, 33 }, { 129, 3, 130 }, { 200, 70, 9 }, { 33, 16, 300 },
  };
  static const float scalars[][2] = { { 1.0f, 0.0f }, { 0.5f, -1.25f }, { -1.0f, 1.0f } };
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);

  if (vulkan () == NULL)
    return;
  for (guint t = 0; t < G_N_ELEMENTS (tiles); t++)
    {
      g_autoptr (CepBackend) forced = backend_with_tile (tiles[t]);
      CepBackend *backend = forced != NULL ? forced : vulkan ();
      guint64 skinny = 0;
      if (forced != NULL)
        g_assert_true (cep_backend_vulkan_set_profiling (forced, TRUE, NULL));
      for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
        for (guint tr = 0; tr < 4; tr++)
          {
            skinny += shapes[s][1] <= 16 && !(tr & 1);
            const float *sc = scalars[(s + tr + t) % G_N_ELEMENTS (scalars)];
            GemmCase g = {
              .ta = tr & 1 ? CEP_TRANS : CEP_NO_TRANS, .tb = tr & 2 ? CEP_TRANS : CEP_NO_TRANS,
              .m = shapes[s][0], .n = shapes[s][1], .k = shapes[s][2],
              .pad_a = (s + tr) % 3, .pad_b = s % 2, .pad_c = (tr + s) % 2,
              .alpha = sc[0], .beta = sc[1],
            };
            check_gemm (backend, tiles[t] != NULL ? tiles[t] : "auto", &g, rand);
          }
      /* The skinny kernel takes every product of at most 16 columns with A not transposed. */
      if (g_strcmp0 (tiles[t], "skinny") == 0)
        g_assert_cmpuint (profiled_dispatches (forced, "gemm_skinny"), ==, skinny);
      if (forced != NULL)
        vulkan_test_assert_clean (forced);
    }
}

/* The vec4 GEMM (shaders/gemm-vec4.comp) runs only on aligned products: guarded tensors
 * start 37 words into their buffers, so these views start 3 words later (at a multiple of 4),
 * with 3 sentinel words in front that must survive. */
#define ALIGN_LEAD 3
#define LEAD_SENTINEL 1234.5f

static TestTensor *
aligned_tensor_new (CepBackend  *backend,
                    const float *data,
                    gsize        n)
{
  g_autofree float *payload = g_new (float, n + ALIGN_LEAD);

  for (guint i = 0; i < ALIGN_LEAD; i++)
    payload[i] = LEAD_SENTINEL;
  memcpy (payload + ALIGN_LEAD, data, n * sizeof (float));
  TestTensor *tensor = test_tensor_new_from (backend, payload, n + ALIGN_LEAD);
  tensor->view.offset += ALIGN_LEAD;
  return tensor;
}

/* The payload after the lead, the lead's sentinels checked. */
static float *
aligned_tensor_floats (TestTensor *tensor)
{
  tensor->view.offset -= ALIGN_LEAD;
  g_autofree float *payload = test_tensor_floats (tensor);
  for (guint i = 0; i < ALIGN_LEAD; i++)
    g_assert_cmpfloat (payload[i], ==, LEAD_SENTINEL);
  return g_memdup2 (payload + ALIGN_LEAD, (tensor->n - ALIGN_LEAD) * sizeof (float));
}

static float *
run_aligned_gemm (CepBackend     *backend,
                  const GemmCase *g,
                  const float    *a,
                  const float    *b,
                  const float    *c)
{
  g_autoptr (TestTensor) ta = aligned_tensor_new (backend, a, gemm_a_size (g));
  g_autoptr (TestTensor) tb = aligned_tensor_new (backend, b, gemm_b_size (g));
  g_autoptr (TestTensor) tc = aligned_tensor_new (backend, c, gemm_c_size (g));

  cep_backend_gemm (backend, g->ta, g->tb, g->m, g->n, g->k, g->alpha, ta->view, gemm_lda (g),
                    tb->view, gemm_ldb (g), g->beta, tc->view, g->n + g->pad_c);
  return aligned_tensor_floats (tc);
}

/* How many dispatches of @shader the profile counted. */
static guint64
profiled_dispatches (CepBackend *backend,
                     const char *shader)
{
  g_autoptr (GArray) items = cep_backend_vulkan_get_profile (backend, NULL);

  for (guint i = 0; i < items->len; i++)
    if (g_strcmp0 (g_array_index (items, CepVulkanProfileItem, i).name, shader) == 0)
      return g_array_index (items, CepVulkanProfileItem, i).count;
  return 0;
}

static void
test_gemm_vec4_tiles (void)
{
  static const char *const tiles[] = { NULL, "vec4-128x128", "vec4-128x64", "vec4-64x128",
                                       "vec4-64x64", "vec4-128x128-k16", "vec4-128x256",
                                       "vec4-256x128" };
  static const guint shapes[][3] = {
    { 4, 4, 4 }, { 132, 68, 20 }, { 64, 136, 36 }, { 260, 12, 8 }, { 8, 260, 132 },
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (13);
  g_autoptr (GError) error = NULL;

  if (vulkan () == NULL)
    return;
  for (guint t = 0; t < G_N_ELEMENTS (tiles); t++)
    {
      g_autoptr (CepBackend) forced = backend_with_tile (tiles[t]);
      CepBackend *backend = forced != NULL ? forced : vulkan ();
      guint64 products = 0;
      g_assert_true (cep_backend_vulkan_set_profiling (backend, TRUE, &error));
      g_assert_no_error (error);
      for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
        for (guint tr = 0; tr < 4; tr++)
          {
            GemmCase g = {
              .ta = tr & 1 ? CEP_TRANS : CEP_NO_TRANS, .tb = tr & 2 ? CEP_TRANS : CEP_NO_TRANS,
              .m = shapes[s][0], .n = shapes[s][1], .k = shapes[s][2],
              .pad_a = 4 * ((s + tr) % 2), .pad_b = 4 * (s % 2), .pad_c = 4 * (tr % 2),
              .alpha = tr == 3 ? -0.5f : 1.0f, .beta = tr % 2 ? 1.0f : 0.0f,
            };
            g_autofree float *a = test_random_floats (rand, gemm_a_size (&g), -1.0f, 1.0f);
            g_autofree float *b = test_random_floats (rand, gemm_b_size (&g), -1.0f, 1.0f);
            g_autofree float *c = test_random_floats (rand, gemm_c_size (&g), -1.0f, 1.0f);
            g_autofree float *expected = run_gemm (ref_backend, &g, a, b, c);
            g_autofree float *got = run_aligned_gemm (backend, &g, a, b, c);
            g_autofree char *what = g_strdup_printf ("gemm[%s] %u %u×%u×%u",
                                                     tiles[t] != NULL ? tiles[t] : "auto", tr,
                                                     g.m, g.n, g.k);
            test_assert_close (what, got, expected, gemm_c_size (&g), TOL_FLOAT);
            products += g.m > 16 && g.n > 16;
          }
      /* Every forced product, and every product the device's own choice leaves to the tiled
       * kernels (not the skinny ones) on a GPU, ran the vec4 shader. */
      guint64 vec4 = profiled_dispatches (backend, "gemm_vec4");
      gboolean cpu = vulkan_test_backend_is_cpu (backend);
      /* 128 × 128 with 16-deep slices needs 33 KiB of shared memory, more than lavapipe's
       * 32 KiB: there the forced shape is refused and lavapipe's own choice runs. */
      if (tiles[t] != NULL && cpu && g_str_has_suffix (tiles[t], "-k16"))
        g_assert_cmpuint (vec4, ==, 0);
      else if (tiles[t] != NULL)
        g_assert_cmpuint (vec4, ==, G_N_ELEMENTS (shapes) * 4);
      else
        g_assert_cmpuint (vec4, ==, cpu ? 0 : products);
      g_assert_true (cep_backend_vulkan_set_profiling (backend, FALSE, NULL));
      if (forced != NULL)
        vulkan_test_assert_clean (forced);
    }
}

/* Products split along k (CEPSTRA_VULKAN_GEMM_SPLITS, as GPUs do for few outputs and long
 * k): every transpose, scalars and odd or aligned shapes, a k that leaves a short last piece
 * and one shorter than the pieces asked for. */
static void
test_gemm_split_k (void)
{
  static const guint shapes[][3] = {
    { 17, 9, 300 }, { 40, 44, 1030 }, { 3, 5, 20 }, { 64, 68, 512 },
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (14);
  g_autoptr (CepBackend) backend = NULL;

  if (vulkan () == NULL)
    return;
  g_setenv ("CEPSTRA_VULKAN_GEMM_SPLITS", "5", TRUE);
  backend = vulkan_test_backend_new (CEP_VULKAN_VALIDATION_STANDARD);
  g_unsetenv ("CEPSTRA_VULKAN_GEMM_SPLITS");
  g_assert_true (cep_backend_vulkan_set_profiling (backend, TRUE, NULL));
  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    for (guint tr = 0; tr < 4; tr++)
      {
        GemmCase g = {
          .ta = tr & 1 ? CEP_TRANS : CEP_NO_TRANS, .tb = tr & 2 ? CEP_TRANS : CEP_NO_TRANS,
          .m = shapes[s][0], .n = shapes[s][1], .k = shapes[s][2],
          .pad_a = s % 2 ? 4 : 1, .pad_b = s % 2 ? 0 : 3, .pad_c = s % 2 ? 4 : 2,
          .alpha = tr == 2 ? 0.5f : 1.0f, .beta = tr % 2 ? -1.0f : 0.0f,
        };
        check_gemm (backend, "split-k", &g, rand);
      }
  /* k = 20 is one 16-word piece and stays whole; the others were split. */
  g_assert_cmpuint (profiled_dispatches (backend, "gemm_reduce"), ==,
                    (G_N_ELEMENTS (shapes) - 1) * 4);
  vulkan_test_assert_clean (backend);
}

/* The training shapes of a small model and the seed product's shape, tiles chosen per call. */
static void
test_gemm_training_shapes (void)
{
  static const GemmCase cases[] = {
    { CEP_NO_TRANS, CEP_TRANS, 256, 96, 183 },     /* Y = X·Wᵀ */
    { CEP_NO_TRANS, CEP_NO_TRANS, 256, 183, 96 },  /* dX = dY·W */
    { CEP_TRANS, CEP_NO_TRANS, 96, 183, 256 },     /* dW = dYᵀ·X */
    { CEP_NO_TRANS, CEP_TRANS, 256, 42, 96 },      /* logits */
    { CEP_TRANS, CEP_NO_TRANS, 42, 96, 256 },      /* the head's dW */
    { CEP_NO_TRANS, CEP_NO_TRANS, 1000, 10, 784 }, /* the seed product, shortened */
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (12);

  if (vulkan () == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GemmCase g = cases[i];
      g.alpha = 1.0f;
      g.beta = i % 2 ? 1.0f : 0.0f;
      check_gemm (vulkan (), "auto", &g, rand);
    }
}

/* beta = 0 never reads C; alpha = 0 and k = 0 never read A or B; a NaN in row r of A poisons
 * exactly row r of C. */
static void
test_gemm_semantics (void)
{
  CepBackend *backend = vulkan ();
  float a[33 * 40], b[40 * 20], c[33 * 20];

  if (backend == NULL)
    return;
  for (guint j = 0; j < G_N_ELEMENTS (a); j++)
    a[j] = (float) (j % 13) / 7.0f;
  for (guint j = 0; j < G_N_ELEMENTS (b); j++)
    b[j] = 1.0f - (float) (j % 11) / 9.0f;
  for (guint j = 0; j < G_N_ELEMENTS (c); j++)
    c[j] = NAN;
  GemmCase fresh = { .m = 33, .n = 20, .k = 40, .alpha = 1.0f, .beta = 0.0f };
  g_autofree float *out = run_gemm (backend, &fresh, a, b, c);
  g_assert_true (test_all_finite (out, G_N_ELEMENTS (c)));

  for (guint j = 0; j < G_N_ELEMENTS (c); j++)
    c[j] = (float) j;
  a[7] = NAN;
  b[3] = INFINITY;
  GemmCase scale_only = { .m = 33, .n = 20, .k = 40, .alpha = 0.0f, .beta = 2.0f };
  g_autofree float *scaled = run_gemm (backend, &scale_only, a, b, c);
  GemmCase empty = { .m = 33, .n = 20, .k = 0, .alpha = 1.0f, .beta = 0.0f };
  g_autofree float *zeros = run_gemm (backend, &empty, a, b, c);
  for (guint j = 0; j < G_N_ELEMENTS (c); j++)
    {
      g_assert_cmpfloat (scaled[j], ==, 2.0f * j);
      g_assert_cmpfloat (zeros[j], ==, 0.0f);
    }

  b[3] = 0.5f;
  a[7] = 1.0f;
  a[5 * 40 + 17] = NAN;
  GemmCase poisoned = { .m = 33, .n = 20, .k = 40, .alpha = 1.0f, .beta = 0.0f };
  g_autofree float *rows = run_gemm (backend, &poisoned, a, b, c);
  for (guint r = 0; r < 33; r++)
    for (guint j = 0; j < 20; j++)
      g_assert_cmpint (isnan (rows[r * 20 + j]), ==, r == 5);
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
check_bias_act (const ActCase *ac,
                GRand         *rand)
{
  gsize size = (gsize) ac->rows * ac->cols;
  g_autofree float *pre = test_random_floats (rand, size, -7.0f, 7.0f);
  g_autofree float *bias = test_random_floats (rand, ac->cols, -1.0f, 1.0f);
  g_autofree float *dy = test_random_floats (rand, size, -1.0f, 1.0f);
  g_autofree char *what = g_strdup_printf ("bias_act %s %ux%u bias=%d in-place=%d",
                                           cep_activation_get_name (ac->act), ac->rows,
                                           ac->cols, ac->with_bias, ac->in_place);
  ActResults want, got;

  run_bias_act (ref_backend, ac, pre, bias, dy, &want);
  run_bias_act (vulkan (), ac, pre, bias, dy, &got);
  if (!ac->in_place)
    test_assert_close (what, got.pre, want.pre, size, 0.0);
  test_assert_close (what, got.out, want.out, size, TOL_FLOAT);
  test_assert_close (what, got.dpre, want.dpre, size, TOL_FLOAT);
  test_assert_close (what, got.dbias, want.dbias, ac->cols, TOL_FLOAT);
  act_results_clear (&want);
  act_results_clear (&got);
}

static void
test_bias_act (void)
{
  static const guint shapes[][2] = { { 1, 1 }, { 3, 17 }, { 17, 300 }, { 129, 33 } };
  g_autoptr (GRand) rand = g_rand_new_with_seed (21);

  if (vulkan () == NULL)
    return;
  for (guint act = 0; act < CEP_ACTIVATION_COUNT; act++)
    for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
      {
        ActCase ac = {
          .rows = shapes[s][0], .cols = shapes[s][1], .act = (CepActivation) act,
          .with_bias = (s + act) % 2 == 0, .in_place = (s + act) % 3 == 0,
        };
        check_bias_act (&ac, rand);
      }
}

/* Signed zeros, tiny values, values beyond exp's range: within 1e-6 of ref, absolute or
 * relative, for f and f'. */
static void
test_bias_act_special_values (void)
{
  static const float specials[] = { 0.0f, -0.0f, 1e-30f, -1e-30f, 1e-4f, -0.29f, 0.31f, 5.0f,
                                    -5.0f, 90.0f, -90.0f, 1e4f, -1e4f };
  guint n = G_N_ELEMENTS (specials);
  float ones[G_N_ELEMENTS (specials)];

  if (vulkan () == NULL)
    return;
  for (guint i = 0; i < n; i++)
    ones[i] = 1.0f;
  for (guint act = 0; act < CEP_ACTIVATION_COUNT; act++)
    {
      ActCase ac = { .rows = 1, .cols = n, .act = (CepActivation) act };
      ActResults want, got;
      run_bias_act (ref_backend, &ac, specials, specials, ones, &want);
      run_bias_act (vulkan (), &ac, specials, specials, ones, &got);
      for (guint j = 0; j < n; j++)
        {
          if (!(fabsf (got.out[j] - want.out[j]) <= 1e-6f * MAX (1.0f, fabsf (want.out[j]))))
            g_error ("%s(%g) = %.9g, ref %.9g", cep_activation_get_name (ac.act), specials[j],
                     got.out[j], want.out[j]);
          if (!(fabsf (got.dpre[j] - want.dpre[j]) <= 1e-6f * MAX (1.0f, fabsf (want.dpre[j]))))
            g_error ("%s'(%g) = %.9g, ref %.9g", cep_activation_get_name (ac.act), specials[j],
                     got.dpre[j], want.dpre[j]);
        }
      act_results_clear (&want);
      act_results_clear (&got);
    }
}

/* The derivatives of sigmoid and tanh in their tails, relative to their true value: the
 * gradient that flows back through a saturated unit is small but must not be zero or off by
 * half. (1 - tanh² in float is 0 past |x| ≈ 9, where the true value is still ~1e-7.) */
static void
test_bias_act_derivative_tails (void)
{
  static const float xs[] = { 4.0f, -4.0f, 7.5f, -7.5f, 9.0f, -9.0f, 12.0f, -12.0f, 16.0f,
                              -16.0f, 20.0f, -20.0f };
  static const CepActivation acts[] = { CEP_ACTIVATION_SIGMOID, CEP_ACTIVATION_TANH };
  guint n = G_N_ELEMENTS (xs);
  float ones[G_N_ELEMENTS (xs)];

  if (vulkan () == NULL)
    return;
  for (guint i = 0; i < n; i++)
    ones[i] = 1.0f;
  for (guint a = 0; a < G_N_ELEMENTS (acts); a++)
    {
      ActCase ac = { .rows = 1, .cols = n, .act = acts[a] };
      ActResults got;

      run_bias_act (vulkan (), &ac, xs, xs, ones, &got);
      for (guint j = 0; j < n; j++)
        {
          /* Closed forms in double: e/(1 + e)², e = exp(-|x|); 4e/(1 + e)², e = exp(-2|x|). */
          double e = exp ((acts[a] == CEP_ACTIVATION_TANH ? -2.0 : -1.0) * fabs (xs[j]));
          double want = (acts[a] == CEP_ACTIVATION_TANH ? 4.0 : 1.0) * e / ((1 + e) * (1 + e));

          if (!(fabs (got.dpre[j] - want) <= 1e-4 * want))
            g_error ("%s'(%g) = %.9g, want %.9g", cep_activation_get_name (ac.act), xs[j],
                     got.dpre[j], want);
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

static void
test_column_sums (void)
{
  static const guint rows[] = { 1, 3, 17, 129, 1000 };
  static const guint cols[] = { 1, 3, 33, 129, 700 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (22);

  if (vulkan () == NULL)
    return;
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
      {
        float beta = (r + c) % 2 ? 0.0f : -0.5f;
        g_autofree float *x = test_random_floats (rand, (gsize) rows[r] * cols[c], -1, 1);
        g_autofree float *start = test_random_floats (rand, cols[c], -1.0f, 1.0f);
        g_autofree float *want = run_column_sums (ref_backend, rows[r], cols[c], x, start, beta);
        g_autofree float *got = run_column_sums (vulkan (), rows[r], cols[c], x, start, beta);
        g_autofree char *what = g_strdup_printf ("column_sums %ux%u beta=%g", rows[r], cols[c],
                                                 beta);
        test_assert_close (what, got, want, cols[c], TOL_FLOAT);
      }
}

/* Batch normalization */

typedef struct
{
  guint    rows, cols;
  gboolean affine, in_place;
} BnCase;

typedef struct
{
  float *y, *vectors, *eval_y, *dx, *grads;
} BnResults;

static void
bn_results_clear (BnResults *r)
{
  g_free (r->y);
  g_free (r->vectors);
  g_free (r->eval_y);
  g_free (r->dx);
  g_free (r->grads);
}

/* Running mean, running var, saved mean, saved invstd, gamma, beta live in one buffer. */
static void
run_batchnorm (CepBackend   *backend,
               const BnCase *bc,
               const float  *x,
               const float  *dy,
               const float  *vectors,
               BnResults    *r)
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
  TestTensor *dx = bc->in_place ? tg : td, *eval_y = bc->in_place ? te : ty;

  cep_backend_batchnorm_forward_train (backend, bc->rows, bc->cols, bn, tx->view, ty->view);
  r->y = test_tensor_floats (ty);
  cep_backend_batchnorm_backward (backend, bc->rows, bc->cols, bn, tx->view, tg->view,
                                  dx->view, bc->affine ? tgrads->view : CEP_VIEW_NONE,
                                  cep_view_at (tgrads->view, cols));
  cep_backend_batchnorm_forward_eval (backend, bc->rows, bc->cols, bn, te->view, eval_y->view);
  r->dx = test_tensor_floats (dx);
  r->grads = test_tensor_floats (tgrads);
  r->eval_y = test_tensor_floats (eval_y);
  r->vectors = test_tensor_floats (tv);
}

static void
check_batchnorm (const BnCase *bc,
                 GRand        *rand)
{
  gsize size = (gsize) bc->rows * bc->cols, cols = bc->cols;
  g_autofree float *x = test_random_normal (rand, size, 3.0f, 2.0f);
  g_autofree float *dy = test_random_floats (rand, size, -1.0f, 1.0f);
  g_autofree float *vectors = test_random_floats (rand, 6 * cols, -1.0f, 1.0f);
  g_autofree char *what = g_strdup_printf ("batchnorm %ux%u affine=%d in-place=%d", bc->rows,
                                           bc->cols, bc->affine, bc->in_place);
  BnResults want, got;
  double dx_scale = 0.0;

  for (gsize j = 0; j < cols; j++)
    {
      vectors[cols + j] = 0.5f + fabsf (vectors[cols + j]);
      vectors[4 * cols + j] = 1.0f + 0.5f * vectors[4 * cols + j];
    }
  run_batchnorm (ref_backend, bc, x, dy, vectors, &want);
  run_batchnorm (vulkan (), bc, x, dy, vectors, &got);
  /* dx is dy·invstd·gamma minus its projections: measured against that size. */
  for (gsize j = 0; j < cols; j++)
    dx_scale = MAX (dx_scale, fabs (want.vectors[3 * cols + j] *
                                    (bc->affine ? vectors[4 * cols + j] : 1.0f)));
  dx_scale *= test_norm (dy, size);
  test_assert_close (what, got.y, want.y, size, TOL_FLOAT);
  test_assert_close (what, got.vectors, want.vectors, 4 * cols, TOL_FLOAT);
  test_assert_close (what, got.eval_y, want.eval_y, size, TOL_FLOAT);
  test_assert_close_scaled (what, got.dx, want.dx, size, dx_scale, TOL_FLOAT);
  test_assert_close (what, got.grads, want.grads, 2 * cols, TOL_FLOAT);
  bn_results_clear (&want);
  bn_results_clear (&got);
}

static void
test_batchnorm (void)
{
  static const guint rows[] = { 2, 3, 17, 129 };
  static const guint cols[] = { 1, 3, 17, 429 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (31);

  if (vulkan () == NULL)
    return;
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
      {
        BnCase bc = { rows[r], cols[c], (r + c) % 3 != 0, (r + c) % 2 == 1 };
        check_batchnorm (&bc, rand);
      }
}

/* Dropout */

typedef struct
{
  float   *y, *dx;
  guint32 *mask;
} DropoutResults;

static void
dropout_results_clear (DropoutResults *r)
{
  g_free (r->y);
  g_free (r->dx);
  g_free (r->mask);
}

static void
run_dropout (CepBackend     *backend,
             gsize           n,
             float           p,
             CepDropoutKey   key,
             gboolean        in_place,
             const float    *x,
             const float    *dy,
             DropoutResults *r)
{
  gsize words = CEP_DROPOUT_MASK_WORDS (n);
  g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, n);
  g_autoptr (TestTensor) ty = test_tensor_new (backend, n);
  g_autoptr (TestTensor) tm = test_tensor_new (backend, words);
  g_autoptr (TestTensor) tg = test_tensor_new_from (backend, dy, n);
  g_autoptr (TestTensor) td = test_tensor_new (backend, n);
  TestTensor *y = in_place ? tx : ty, *dx = in_place ? tg : td;

  cep_backend_dropout_forward (backend, n, p, key, tx->view, y->view, tm->view);
  cep_backend_dropout_backward (backend, n, p, tm->view, tg->view, dx->view);
  r->y = test_tensor_floats (y);
  r->dx = test_tensor_floats (dx);
  r->mask = g_new (guint32, MAX (words, 1));
  test_tensor_download (tm, r->mask);
}

static void
check_dropout_identical (CepBackend *backend,
                         gsize       n,
                         guint       s,
                         GRand      *rand)
{
  static const float ps[] = { 0.0f, 0.1f, 0.35f, 0.5f, 0.999f, 1.0f };
  float p = ps[s % G_N_ELEMENTS (ps)];
  CepDropoutKey key = { .seed = 0x1234567890abcdefull + s,
                        .step = s % 2 ? (G_GUINT64_CONSTANT (7) << 32) + s : s, .layer = s };
  g_autofree float *x = test_random_floats (rand, n, -2.0f, 2.0f);
  g_autofree float *dy = test_random_floats (rand, n, -2.0f, 2.0f);
  DropoutResults want, got;

  run_dropout (ref_backend, n, p, key, FALSE, x, dy, &want);
  run_dropout (backend, n, p, key, s % 2 == 1, x, dy, &got);
  g_assert_cmpmem (got.mask, CEP_DROPOUT_MASK_WORDS (n) * 4, want.mask,
                   CEP_DROPOUT_MASK_WORDS (n) * 4);
  g_assert_cmpmem (got.y, n * 4, want.y, n * 4);
  g_assert_cmpmem (got.dx, n * 4, want.dx, n * 4);
  dropout_results_clear (&want);
  dropout_results_clear (&got);
}

/* Masks (Philox4x32-10 in GLSL), outputs and gradients are bit-identical to the CPU's. */
static void
test_dropout_identical (void)
{
  static const gsize sizes[] = { 1, 31, 32, 33, 127, 128, 129, 4095, 4097, 100003 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (41);

  if (vulkan () == NULL)
    return;
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    check_dropout_identical (vulkan (), sizes[s], s, rand);
}

/* Classification */

static void
run_softmax_ce (CepBackend   *backend,
                guint         rows,
                guint         classes,
                float         smoothing,
                gboolean      in_place,
                const float  *logits,
                const gint32 *labels,
                float        *loss,
                float       **dlogits)
{
  gsize size = (gsize) rows * classes;
  float start = 0.25f;
  g_autoptr (TestTensor) tl = test_tensor_new_from (backend, logits, size);
  g_autoptr (TestTensor) tlab = test_tensor_new_from (backend, labels, rows);
  g_autoptr (TestTensor) tloss = test_tensor_new_from (backend, &start, 1);
  g_autoptr (TestTensor) td = test_tensor_new (backend, size);
  TestTensor *target = in_place ? tl : td;

  cep_backend_softmax_ce_forward (backend, rows, classes, smoothing, tl->view, tlab->view,
                                  tloss->view);
  cep_backend_softmax_ce_backward (backend, rows, classes, smoothing, 1.0f / rows, tl->view,
                                   tlab->view, target->view);
  test_tensor_download (tloss, loss);
  *dlogits = test_tensor_floats (target);
}

static void
test_softmax_ce (void)
{
  static const guint rows[] = { 1, 3, 129, 1000 };
  static const guint classes[] = { 1, 2, 42, 129 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (51);

  if (vulkan () == NULL)
    return;
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (guint c = 0; c < G_N_ELEMENTS (classes); c++)
      {
        guint n = rows[r], k = classes[c];
        float smoothing = (r + c) % 2 ? 0.1f : 0.0f, want_loss, got_loss;
        g_autofree float *logits = test_random_normal (rand, (gsize) n * k, 0.0f, 3.0f);
        g_autofree gint32 *labels = g_new (gint32, n);
        g_autofree float *want = NULL, *got = NULL;
        g_autofree char *what = g_strdup_printf ("softmax_ce %ux%u eps=%g", n, k, smoothing);

        for (guint i = 0; i < n; i++)
          labels[i] = i % 7 == 5 ? (i % 2 ? -1 : (gint32) k) : g_rand_int_range (rand, 0, k);
        run_softmax_ce (ref_backend, n, k, smoothing, FALSE, logits, labels, &want_loss, &want);
        run_softmax_ce (vulkan (), n, k, smoothing, (r + c) % 3 == 0, logits, labels,
                        &got_loss, &got);
        test_assert_close (what, &got_loss, &want_loss, 1, TOL_FLOAT);
        test_assert_close (what, got, want, (gsize) n * k, TOL_FLOAT);
        for (guint i = 0; i < n; i++)
          if (labels[i] < 0 || labels[i] >= (gint32) k)
            for (guint j = 0; j < k; j++)
              g_assert_cmpfloat (got[i * k + j], ==, 0.0f);
      }
}

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
test_argmax (void)
{
  /* Row 0: tie (first wins); row 1: NaN counts as largest; row 2: all -Inf; row 3: plain. */
  const float special[] = { 1.0f, 3.0f, 3.0f, -1.0f, 0.0f, 5.0f, NAN, 9.0f,
                            -INFINITY, -INFINITY, -INFINITY, -INFINITY,
                            0.5f, -2.0f, 0.25f, 0.75f };
  const gint32 special_labels[] = { 1, 3, 0, 2 }, expected[] = { 1, 2, 0, 3 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (52);
  const guint rows = 1337, classes = 42;
  g_autofree float *logits = test_random_normal (rand, (gsize) rows * classes, 0.0f, 1.0f);
  g_autofree gint32 *labels = g_new (gint32, rows);
  g_autofree gint32 *want = g_new (gint32, rows), *got = g_new (gint32, rows);
  gint32 predictions[4], correct, want_correct;

  if (vulkan () == NULL)
    return;
  run_argmax (vulkan (), 4, 4, special, special_labels, predictions, &correct);
  g_assert_cmpmem (predictions, sizeof predictions, expected, sizeof expected);
  g_assert_cmpint (correct, ==, 14);
  for (guint i = 0; i < rows; i++)
    labels[i] = g_rand_int_range (rand, -1, classes);
  for (guint i = 0; i < rows; i += 3)
    logits[i * classes + MAX (labels[i], 0)] += 3.0f;
  run_argmax (ref_backend, rows, classes, logits, labels, want, &want_correct);
  run_argmax (vulkan (), rows, classes, logits, labels, got, &correct);
  g_assert_cmpmem (got, rows * 4, want, rows * 4);
  g_assert_cmpint (correct, ==, want_correct);
}

/* Optimizers, norms, utilities */

static float *
run_optimizer (CepBackend  *backend,
               guint        variant,
               gsize        n,
               const float *state)
{
  g_autoptr (TestTensor) t = test_tensor_new_from (backend, state, 4 * n);
  CepView param = t->view, grad = cep_view_at (t->view, n);
  CepView m = cep_view_at (t->view, 2 * n), v = cep_view_at (t->view, 3 * n);

  for (guint step = 1; step <= 3; step++)
    if (variant < 2)
      {
        CepAdamParams p = { .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8,
                            .weight_decay = 0.01, .decoupled = variant == 0, .step = step };
        cep_backend_adam_step (backend, n, p, param, grad, m, v);
      }
    else
      {
        CepSgdParams p = { .lr = 0.05, .momentum = variant == 4 ? 0.0 : 0.9,
                           .dampening = variant == 2 ? 0.2 : 0.0, .weight_decay = 1e-3,
                           .nesterov = variant == 3, .step = step };
        cep_backend_sgd_step (backend, n, p, param, grad, m);
      }
  return test_tensor_floats (t);
}

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

/* AdamW, Adam (L2), SGD with dampening, Nesterov, plain: three steps each. */
static void
test_optimizers (void)
{
  const gsize n = 70001;
  g_autoptr (GRand) rand = g_rand_new_with_seed (61);
  g_autofree float *state = test_random_floats (rand, 4 * n, -1.0f, 1.0f);

  if (vulkan () == NULL)
    return;
  for (gsize i = 3 * n; i < 4 * n; i++)
    state[i] = fabsf (state[i]) * 1e-3f;
  for (guint variant = 0; variant < 5; variant++)
    {
      g_autofree float *want = run_optimizer (ref_backend, variant, n, state);
      g_autofree float *got = run_optimizer (vulkan (), variant, n, state);
      g_autofree char *what = g_strdup_printf ("optimizer variant %u", variant);
      test_assert_close (what, got, want, 4 * n, TOL_OPTIMIZER);
      g_test_message ("%s: %u of %" G_GSIZE_FORMAT " words differ from ref in their bits",
                      what, count_differences (got, want, 4 * n), 4 * n);
    }
}

static void
test_norms (void)
{
  static const gsize sizes[] = { 1, 17, 16385, 100003 };
  g_autoptr (GRand) rand = g_rand_new_with_seed (71);

  if (vulkan () == NULL)
    return;
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      gsize n = sizes[s];
      g_autofree float *x = test_random_floats (rand, n, -1.0f, 1.0f);
      float results[2][2];
      float *scaled[2] = { NULL, NULL };
      double sum = 0.0;

      for (gsize i = 0; i < n; i++)
        sum += (double) x[i] * x[i];
      for (guint b = 0; b < 2; b++)
        {
          CepBackend *backend = b == 0 ? ref_backend : vulkan ();
          float start[2] = { 1.5f, 0.0f };
          g_autoptr (TestTensor) tx = test_tensor_new_from (backend, x, n);
          g_autoptr (TestTensor) ts = test_tensor_new_from (backend, start, 2);
          cep_backend_sum_squares (backend, n, tx->view, ts->view);
          cep_backend_sum_squares (backend, n, tx->view, cep_view_at (ts->view, 1));
          cep_backend_clip_scale (backend, n, cep_view_at (ts->view, 1),
                                  (float) (0.1 * sqrt (sum)), tx->view);
          test_tensor_download (ts, results[b]);
          scaled[b] = test_tensor_floats (tx);
        }
      test_assert_close ("sum_squares", results[1], results[0], 2, 1e-6);
      test_assert_close ("clip_scale", scaled[1], scaled[0], n, 1e-6);
      g_free (scaled[0]);
      g_free (scaled[1]);
    }
}

static void
test_utilities (void)
{
  const gsize n = 1031;
  g_autoptr (GRand) rand = g_rand_new_with_seed (81);
  g_autofree float *x = test_random_floats (rand, n, -1.0f, 1.0f);
  g_autofree float *y = test_random_floats (rand, n, -1.0f, 1.0f);
  CepBackend *backend = vulkan ();

  if (backend == NULL)
    return;
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

/* With a 64 KiB binding limit, long vectors run in pieces: results must not change. */
static void
test_chunked_vectors (void)
{
  const gsize n = 100003;
  g_autoptr (GRand) rand = g_rand_new_with_seed (91);
  g_autofree float *state = test_random_floats (rand, 4 * n, -1.0f, 1.0f);
  CepDropoutKey key = { .seed = 5, .step = 9, .layer = 2 };

  g_setenv ("CEPSTRA_VULKAN_MAX_BINDING", "65536", TRUE);
  g_autoptr (CepBackend) small = vulkan_test_backend_new (CEP_VULKAN_VALIDATION_STANDARD);
  g_unsetenv ("CEPSTRA_VULKAN_MAX_BINDING");
  if (small == NULL)
    return;
  for (gsize i = 3 * n; i < 4 * n; i++)
    state[i] = fabsf (state[i]) * 1e-3f;
  for (guint variant = 0; variant < 5; variant += 2)
    {
      g_autofree float *want = run_optimizer (ref_backend, variant, n, state);
      g_autofree float *got = run_optimizer (small, variant, n, state);
      test_assert_close ("chunked optimizer", got, want, 4 * n, TOL_OPTIMIZER);
    }
  DropoutResults want, got;
  run_dropout (ref_backend, n, 0.3f, key, FALSE, state, state + n, &want);
  run_dropout (small, n, 0.3f, key, TRUE, state, state + n, &got);
  g_assert_cmpmem (got.mask, CEP_DROPOUT_MASK_WORDS (n) * 4, want.mask,
                   CEP_DROPOUT_MASK_WORDS (n) * 4);
  g_assert_cmpmem (got.y, n * 4, want.y, n * 4);
  g_assert_cmpmem (got.dx, n * 4, want.dx, n * 4);
  dropout_results_clear (&want);
  dropout_results_clear (&got);
  vulkan_test_assert_clean (small);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  ref_backend = test_backend_new ("ref", 1);

  g_test_add_func ("/vulkan-ops/gemm/tiles", test_gemm_tiles);
  g_test_add_func ("/vulkan-ops/gemm/vec4-tiles", test_gemm_vec4_tiles);
  g_test_add_func ("/vulkan-ops/gemm/split-k", test_gemm_split_k);
  g_test_add_func ("/vulkan-ops/gemm/training-shapes", test_gemm_training_shapes);
  g_test_add_func ("/vulkan-ops/gemm/semantics", test_gemm_semantics);
  g_test_add_func ("/vulkan-ops/bias-act/random", test_bias_act);
  g_test_add_func ("/vulkan-ops/bias-act/special-values", test_bias_act_special_values);
  g_test_add_func ("/vulkan-ops/bias-act/derivative-tails", test_bias_act_derivative_tails);
  g_test_add_func ("/vulkan-ops/column-sums", test_column_sums);
  g_test_add_func ("/vulkan-ops/batchnorm", test_batchnorm);
  g_test_add_func ("/vulkan-ops/dropout/identical", test_dropout_identical);
  g_test_add_func ("/vulkan-ops/softmax-ce", test_softmax_ce);
  g_test_add_func ("/vulkan-ops/argmax", test_argmax);
  g_test_add_func ("/vulkan-ops/optimizers", test_optimizers);
  g_test_add_func ("/vulkan-ops/norms", test_norms);
  g_test_add_func ("/vulkan-ops/utilities", test_utilities);
  g_test_add_func ("/vulkan-ops/chunked-vectors", test_chunked_vectors);

  status = g_test_run ();
  vulkan_test_finish ();
  cep_backend_free (ref_backend);
  return status;
}
