/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * backend-ops-candidates.c: the candidate table, opening each backend once, the per-test
 * fixture and its skips, and the failure messages that name backend and op.
 */
#include <string.h>

#include "cep-config.h"
#include "backend-ops-candidates.h"
#if CEP_HAVE_VULKAN
#include "vulkan-test-util.h"
#endif

/* Backends live for the whole run (creating one starts threads or compiles pipelines). */
static OpsCandidate candidates[] = {
  { "ref", 1, CEP_GEMM_AUTO, 0.0 },
  { "blas", 2, CEP_GEMM_AUTO, 0.0 },
  { "blas", 1, CEP_GEMM_AUTO, 0.0 },
  { "blas", 3, CEP_GEMM_AUTO, 0.0 },
  { "blas", 2, CEP_GEMM_OPENBLAS, 0.0 },
#if CEP_HAVE_VULKAN
  { "vulkan", 0, CEP_GEMM_AUTO, OPS_TOL_OPTIMIZER },
#endif
};

static const char *const backend_names[] = {
  "ref", "blas",
#if CEP_HAVE_VULKAN
  "vulkan",
#endif
  NULL,
};

static CepBackend *ref_backend;
/* Why a backend could not open, kept so each of its cases skips with the same reason. */
static char *unavailable[G_N_ELEMENTS (candidates)];

const char *const *
ops_backend_names (void)
{
  return backend_names;
}

gboolean
ops_backend_has_host_memory (const char *backend_name)
{
  return !g_str_equal (backend_name, "vulkan");
}

static CepBackend *
open_candidate (const OpsCandidate *candidate,
                GError            **error)
{
  CepBackendOptions options = { .threads = candidate->threads, .gemm = candidate->gemm };

#if CEP_HAVE_VULKAN
  if (g_str_equal (candidate->backend_name, "vulkan"))
    return vulkan_test_backend_open (CEP_VULKAN_VALIDATION_STANDARD, error);
#endif
  return cep_backend_new (candidate->backend_name, &options, error);
}

static void
assert_candidate_clean (const OpsCandidate *candidate)
{
#if CEP_HAVE_VULKAN
  if (g_str_equal (candidate->backend_name, "vulkan"))
    vulkan_test_assert_clean (candidate->backend);
#endif
}

/* The candidate at @index opened, or FALSE with the reason it cannot open here. */
static gboolean
ensure_open (guint index)
{
  OpsCandidate *candidate = &candidates[index];
  g_autoptr (GError) error = NULL;

  if (candidate->backend != NULL || unavailable[index] != NULL)
    return candidate->backend != NULL;
  candidate->backend = open_candidate (candidate, &error);
  if (candidate->backend != NULL)
    return TRUE;
  /* Only a device backend may be missing (a Vulkan build on a machine without a device). */
  g_assert_error (error, CEP_BACKEND_ERROR, CEP_BACKEND_ERROR_FAILED);
  g_assert_cmpstr (candidate->backend_name, ==, "vulkan");
  unavailable[index] = g_strdup_printf ("%s is not available here: %s", candidate->backend_name,
                                        error->message);
  return FALSE;
}

static void
fixture_set_up (OpsFixture    *fixture,
                gconstpointer  backend_name)
{
  if (ref_backend == NULL)
    ref_backend = test_backend_new ("ref", 1);
  fixture->ref = ref_backend;
  fixture->candidates = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      if (!g_str_equal (candidates[i].backend_name, backend_name))
        continue;
      if (!ensure_open (i))
        {
          g_test_skip (unavailable[i]);
          g_clear_pointer (&fixture->candidates, g_ptr_array_unref);
          return;
        }
      g_ptr_array_add (fixture->candidates, &candidates[i]);
    }
  g_assert_cmpuint (fixture->candidates->len, >, 0);
}

/* A device error or validation message is charged to the case that caused it. */
static void
fixture_tear_down (OpsFixture    *fixture,
                   gconstpointer  backend_name)
{
  for (guint i = 0; fixture->candidates != NULL && i < fixture->candidates->len; i++)
    assert_candidate_clean (g_ptr_array_index (fixture->candidates, i));
  g_clear_pointer (&fixture->candidates, g_ptr_array_unref);
}

void
ops_add_case (const char  *backend_name,
              const char  *case_name,
              OpsCaseFunc  func)
{
  g_autofree char *path = g_strdup_printf ("/backend-ops/%s/%s", backend_name, case_name);

  g_test_add (path, OpsFixture, backend_name, fixture_set_up, func, fixture_tear_down);
}

gboolean
ops_fixture_skipped (OpsFixture *fixture)
{
  return fixture->candidates == NULL;
}

char *
ops_candidate_label (const OpsCandidate *candidate,
                     const char         *op,
                     const char         *detail)
{
  g_autofree char *config = NULL;

  if (candidate->threads > 0)
    config = g_strdup_printf ("(%u%s)", candidate->threads,
                              candidate->gemm == CEP_GEMM_OPENBLAS ? ", OpenBLAS" : "");
  return g_strdup_printf ("%s%s %s%s%s", candidate->backend_name, config != NULL ? config : "",
                          op, *detail != '\0' ? " " : "", detail);
}

void
ops_assert_identical (const char *what,
                      const void *got,
                      const void *want,
                      gsize       n)
{
  const guint32 *a = got, *b = want;

  for (gsize i = 0; i < n; i++)
    if (a[i] != b[i])
      g_error ("%s: word %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " is 0x%08x, ref 0x%08x "
               "(bit-identical results expected)", what, i, n, a[i], b[i]);
}

void
ops_candidates_close (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      if (candidates[i].backend != NULL)
        assert_candidate_clean (&candidates[i]);
      g_clear_pointer (&candidates[i].backend, cep_backend_free);
      g_clear_pointer (&unavailable[i], g_free);
    }
  g_clear_pointer (&ref_backend, cep_backend_free);
}
