/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * backend-ops-candidates.h: the backends test-backend-ops compares against ref — ref itself,
 * blas with 1, 2 and 3 threads and with OpenBLAS products, and vulkan in a Vulkan build — and
 * the fixture every op case runs in.
 *
 * Every case is registered once per backend, as /backend-ops/BACKEND/CASE, and runs against
 * all configurations of that backend. A backend this machine cannot open (vulkan without a
 * device) has its cases skipped, each naming why. Vulkan runs under the Khronos validation
 * layer where it is installed (vulkan-test-util.h): a validation message is a fatal warning,
 * and the fixture's tear-down asserts that none came and the device reported no error.
 */
#pragma once

#include "backend-test-util.h"

G_BEGIN_DECLS

/* Tolerances, as normalized errors ||x − ref|| / ||ref||. */
#define OPS_TOL_FLOAT     1e-5   /* products, reductions, transcendental functions */
#define OPS_TOL_OPTIMIZER 1e-6   /* optimizer steps where they need not be bit-identical */

typedef struct
{
  const char   *backend_name;
  guint         threads;            /* 0: the backend has no thread setting */
  CepGemmChoice gemm;
  /* Optimizer steps are the same float operations everywhere; on the CPU they are
   * bit-identical to ref (0 here), a GPU's division and square root may differ by an ulp. */
  double        optimizer_tolerance;
  CepBackend   *backend;            /* opened by the fixture, kept for the whole run */
} OpsCandidate;

typedef struct
{
  CepBackend *ref;
  GPtrArray  *candidates;   /* OpsCandidate *, of the backend the test path names; NULL: skipped */
} OpsFixture;

typedef void (*OpsCaseFunc) (OpsFixture    *fixture,
                             gconstpointer  backend_name);

/* The backends compared against ref in this build, NULL-terminated. */
const char *const *ops_backend_names        (void);
/* FALSE for a device backend, which has only the operations training needs. */
gboolean           ops_backend_has_host_memory (const char *backend_name);
/* Registers @func as /backend-ops/@backend_name/@case_name. */
void               ops_add_case             (const char   *backend_name,
                                             const char   *case_name,
                                             OpsCaseFunc   func);
/* TRUE when the fixture's backend cannot open here (the test is already marked skipped). */
gboolean           ops_fixture_skipped      (OpsFixture   *fixture);
/* "blas(2, OpenBLAS) gemm DETAIL": what a failure message names (g_free). */
char              *ops_candidate_label      (const OpsCandidate *candidate,
                                             const char   *op,
                                             const char   *detail);
/* Asserts @got and @want hold the same @n words, naming @what and the first that differs. */
void               ops_assert_identical     (const char   *what,
                                             const void   *got,
                                             const void   *want,
                                             gsize         n);
/* Frees every backend opened, after asserting the device ones clean. */
void               ops_candidates_close     (void);

G_END_DECLS
