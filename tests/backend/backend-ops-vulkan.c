/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * backend-ops-vulkan.c: what only the vulkan backend has, against ref. Every GEMM tile shape
 * (of the GPU and the CPU sets) is forced in turn (CEPSTRA_VULKAN_GEMM_TILE) so each is
 * checked on odd shapes, on whatever device this machine has (lavapipe in CI); the profile
 * counts which shader really ran. A backend with a tiny binding limit
 * (CEPSTRA_VULKAN_MAX_BINDING) checks the chunking of long vectors. Tolerances as every
 * backend's: OPS_TOL_FLOAT for products, OPS_TOL_OPTIMIZER for optimizer steps, bit-identical
 * dropout.
 */
#include <math.h>
#include <string.h>

#include "backend-ops-candidates.h"
#include "backend-ops-runners.h"
#include "backend-ops-vulkan.h"
#include "vulkan-test-util.h"

/* A fresh backend with @variable set to @value while it opens (NULL: the fixture's own). */
static CepBackend *
backend_with_setting (const char *variable,
                      const char *value)
{
  if (value == NULL)
    return NULL;
  g_setenv (variable, value, TRUE);
  CepBackend *backend = vulkan_test_backend_new (CEP_VULKAN_VALIDATION_STANDARD);
  g_unsetenv (variable);
  g_assert_nonnull (backend);
  return backend;
}

static void
check_gemm (CepBackend     *ref,
            CepBackend     *backend,
            const char     *tile,
            const GemmCase *g,
            GRand          *rand)
{
  g_autofree float *a = test_random_floats (rand, gemm_case_a_size (g), -1.0f, 1.0f);
  g_autofree float *b = test_random_floats (rand, gemm_case_b_size (g), -1.0f, 1.0f);
  g_autofree float *c = test_random_floats (rand, gemm_case_c_size (g), -1.0f, 1.0f);
  g_autofree float *expected = run_gemm (ref, g, a, b, c);
  g_autofree float *got = run_gemm (backend, g, a, b, c);
  g_autofree char *shape = gemm_case_describe (g);
  g_autofree char *what = g_strdup_printf ("vulkan gemm[%s] %s", tile, shape);

  test_assert_close (what, got, expected, gemm_case_c_size (g), OPS_TOL_FLOAT);
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
test_gemm_tiles (OpsFixture    *fixture,
                 gconstpointer  data)
{
  static const char *const tiles[] = { NULL, "gpu:large", "gpu:medium", "gpu:few-columns",
                                       "gpu:few-rows", "cpu:large", "cpu:few-columns",
                                       "cpu:few-rows", "skinny" };
  static const guint shapes[][3] = {
    { 1, 1, 1 }, { 3, 17, 5 }, { 17, 129, 33 }, { 129, 3, 130 }, { 200, 70, 9 }, { 33, 16, 300 },
  };
  static const float scalars[][2] = { { 1.0f, 0.0f }, { 0.5f, -1.25f }, { -1.0f, 1.0f } };
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);

  if (ops_fixture_skipped (fixture))
    return;
  for (guint t = 0; t < G_N_ELEMENTS (tiles); t++)
    {
      g_autoptr (CepBackend) forced = backend_with_setting ("CEPSTRA_VULKAN_GEMM_TILE",
                                                            tiles[t]);
      OpsCandidate *vulkan = g_ptr_array_index (fixture->candidates, 0);
      CepBackend *backend = forced != NULL ? forced : vulkan->backend;
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
            check_gemm (fixture->ref, backend, tiles[t] != NULL ? tiles[t] : "auto", &g, rand);
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
  g_autoptr (TestTensor) ta = aligned_tensor_new (backend, a, gemm_case_a_size (g));
  g_autoptr (TestTensor) tb = aligned_tensor_new (backend, b, gemm_case_b_size (g));
  g_autoptr (TestTensor) tc = aligned_tensor_new (backend, c, gemm_case_c_size (g));

  cep_backend_gemm (backend, g->ta, g->tb, g->m, g->n, g->k, g->alpha, ta->view,
                    gemm_case_lda (g), tb->view, gemm_case_ldb (g), g->beta, tc->view,
                    g->n + g->pad_c);
  return aligned_tensor_floats (tc);
}

/* Runs the aligned products of @shapes on @backend; how many have both sides over 16. */
static guint64
check_aligned_gemms (CepBackend  *ref,
                     CepBackend  *backend,
                     const char  *tile,
                     const guint  shapes[][3],
                     guint        n_shapes,
                     GRand       *rand)
{
  guint64 products = 0;

  for (guint s = 0; s < n_shapes; s++)
    for (guint tr = 0; tr < 4; tr++)
      {
        GemmCase g = {
          .ta = tr & 1 ? CEP_TRANS : CEP_NO_TRANS, .tb = tr & 2 ? CEP_TRANS : CEP_NO_TRANS,
          .m = shapes[s][0], .n = shapes[s][1], .k = shapes[s][2],
          .pad_a = 4 * ((s + tr) % 2), .pad_b = 4 * (s % 2), .pad_c = 4 * (tr % 2),
          .alpha = tr == 3 ? -0.5f : 1.0f, .beta = tr % 2 ? 1.0f : 0.0f,
        };
        g_autofree float *a = test_random_floats (rand, gemm_case_a_size (&g), -1.0f, 1.0f);
        g_autofree float *b = test_random_floats (rand, gemm_case_b_size (&g), -1.0f, 1.0f);
        g_autofree float *c = test_random_floats (rand, gemm_case_c_size (&g), -1.0f, 1.0f);
        g_autofree float *expected = run_gemm (ref, &g, a, b, c);
        g_autofree float *got = run_aligned_gemm (backend, &g, a, b, c);
        g_autofree char *what = g_strdup_printf ("vulkan gemm[%s] aligned %u %u×%u×%u", tile,
                                                 tr, g.m, g.n, g.k);
        test_assert_close (what, got, expected, gemm_case_c_size (&g), OPS_TOL_FLOAT);
        products += g.m > 16 && g.n > 16;
      }
  return products;
}

static void
test_gemm_vec4_tiles (OpsFixture    *fixture,
                      gconstpointer  data)
{
  static const char *const tiles[] = { NULL, "vec4-128x128", "vec4-128x64", "vec4-64x128",
                                       "vec4-64x64", "vec4-128x128-k16", "vec4-128x256",
                                       "vec4-256x128" };
  static const guint shapes[][3] = {
    { 4, 4, 4 }, { 132, 68, 20 }, { 64, 136, 36 }, { 260, 12, 8 }, { 8, 260, 132 },
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (13);
  g_autoptr (GError) error = NULL;

  if (ops_fixture_skipped (fixture))
    return;
  for (guint t = 0; t < G_N_ELEMENTS (tiles); t++)
    {
      g_autoptr (CepBackend) forced = backend_with_setting ("CEPSTRA_VULKAN_GEMM_TILE",
                                                            tiles[t]);
      OpsCandidate *vulkan = g_ptr_array_index (fixture->candidates, 0);
      CepBackend *backend = forced != NULL ? forced : vulkan->backend;
      const char *tile = tiles[t] != NULL ? tiles[t] : "auto";
      g_assert_true (cep_backend_vulkan_set_profiling (backend, TRUE, &error));
      g_assert_no_error (error);
      guint64 products = check_aligned_gemms (fixture->ref, backend, tile, shapes,
                                              G_N_ELEMENTS (shapes), rand);
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
test_gemm_split_k (OpsFixture    *fixture,
                   gconstpointer  data)
{
  static const guint shapes[][3] = {
    { 17, 9, 300 }, { 40, 44, 1030 }, { 3, 5, 20 }, { 64, 68, 512 },
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (14);
  g_autoptr (CepBackend) backend = NULL;

  if (ops_fixture_skipped (fixture))
    return;
  backend = backend_with_setting ("CEPSTRA_VULKAN_GEMM_SPLITS", "5");
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
        check_gemm (fixture->ref, backend, "split-k", &g, rand);
      }
  /* k = 20 is one 16-word piece and stays whole; the others were split. */
  g_assert_cmpuint (profiled_dispatches (backend, "gemm_reduce"), ==,
                    (G_N_ELEMENTS (shapes) - 1) * 4);
  vulkan_test_assert_clean (backend);
}

/* With a 64 KiB binding limit, long vectors run in pieces: results must not change. */
static void
test_chunked_vectors (OpsFixture    *fixture,
                      gconstpointer  data)
{
  const gsize n = 100003;
  g_autoptr (GRand) rand = g_rand_new_with_seed (91);
  g_autofree float *state = test_random_floats (rand, 4 * n, -1.0f, 1.0f);
  CepDropoutKey key = { .seed = 5, .step = 9, .layer = 2 };
  g_autoptr (CepBackend) small = NULL;
  DropoutResults want, got;

  if (ops_fixture_skipped (fixture))
    return;
  small = backend_with_setting ("CEPSTRA_VULKAN_MAX_BINDING", "65536");
  for (gsize i = 3 * n; i < 4 * n; i++)
    state[i] = fabsf (state[i]) * 1e-3f;
  for (guint variant = 0; variant < OPTIMIZER_VARIANTS; variant += 2)
    {
      g_autofree float *expected = run_optimizer (fixture->ref, variant, n, state);
      g_autofree float *result = run_optimizer (small, variant, n, state);
      g_autofree char *what = g_strdup_printf ("vulkan (64 KiB bindings) %s",
                                               optimizer_variant_name (variant));
      test_assert_close (what, result, expected, 4 * n, OPS_TOL_OPTIMIZER);
    }
  run_dropout (fixture->ref, n, 0.3f, key, FALSE, state, state + n, &want);
  run_dropout (small, n, 0.3f, key, TRUE, state, state + n, &got);
  ops_assert_identical ("vulkan (64 KiB bindings) dropout mask", got.mask, want.mask,
                        CEP_DROPOUT_MASK_WORDS (n));
  ops_assert_identical ("vulkan (64 KiB bindings) dropout y", got.y, want.y, n);
  ops_assert_identical ("vulkan (64 KiB bindings) dropout dx", got.dx, want.dx, n);
  dropout_results_clear (&want);
  dropout_results_clear (&got);
  vulkan_test_assert_clean (small);
}

void
backend_ops_add_vulkan_cases (void)
{
  ops_add_case ("vulkan", "gemm/tiles", test_gemm_tiles);
  ops_add_case ("vulkan", "gemm/vec4-tiles", test_gemm_vec4_tiles);
  ops_add_case ("vulkan", "gemm/split-k", test_gemm_split_k);
  ops_add_case ("vulkan", "chunked-vectors", test_chunked_vectors);
}
