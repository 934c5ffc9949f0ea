/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * backend-ops-runners.c: products, dropout and optimizer steps run on one backend.
 */
#include "backend-ops-runners.h"

guint
gemm_case_lda (const GemmCase *g)
{
  return MAX (g->ta == CEP_TRANS ? g->m : g->k, 1) + g->pad_a;
}

guint
gemm_case_ldb (const GemmCase *g)
{
  return MAX (g->tb == CEP_TRANS ? g->k : g->n, 1) + g->pad_b;
}

gsize
gemm_case_a_size (const GemmCase *g)
{
  return (gsize) (g->ta == CEP_TRANS ? g->k : g->m) * gemm_case_lda (g);
}

gsize
gemm_case_b_size (const GemmCase *g)
{
  return (gsize) (g->tb == CEP_TRANS ? g->n : g->k) * gemm_case_ldb (g);
}

gsize
gemm_case_c_size (const GemmCase *g)
{
  return (gsize) g->m * (g->n + g->pad_c);
}

char *
gemm_case_describe (const GemmCase *g)
{
  return g_strdup_printf ("%c%c m=%u n=%u k=%u alpha=%g beta=%g",
                          g->ta == CEP_TRANS ? 'T' : 'N', g->tb == CEP_TRANS ? 'T' : 'N',
                          g->m, g->n, g->k, g->alpha, g->beta);
}

float *
run_gemm (CepBackend     *backend,
          const GemmCase *g,
          const float    *a,
          const float    *b,
          const float    *c)
{
  g_autoptr (TestTensor) ta = test_tensor_new_from (backend, a, gemm_case_a_size (g));
  g_autoptr (TestTensor) tb = test_tensor_new_from (backend, b, gemm_case_b_size (g));
  g_autoptr (TestTensor) tc = test_tensor_new_from (backend, c, gemm_case_c_size (g));

  cep_backend_gemm (backend, g->ta, g->tb, g->m, g->n, g->k, g->alpha, ta->view,
                    gemm_case_lda (g), tb->view, gemm_case_ldb (g), g->beta, tc->view,
                    g->n + g->pad_c);
  return test_tensor_floats (tc);
}

void
run_dropout (CepBackend     *backend,
             gsize           n,
             float           p,
             CepDropoutKey   key,
             gboolean        in_place,
             const float    *x,
             const float    *dy,
             DropoutResults *out)
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
  out->y = test_tensor_floats (y);
  out->dx = test_tensor_floats (dx);
  out->mask = g_new (guint32, MAX (words, 1));
  test_tensor_download (tm, out->mask);
}

void
dropout_results_clear (DropoutResults *results)
{
  g_clear_pointer (&results->y, g_free);
  g_clear_pointer (&results->dx, g_free);
  g_clear_pointer (&results->mask, g_free);
}

static void
optimizer_step (CepBackend *backend,
                guint       variant,
                gsize       n,
                guint       step,
                CepView     state)
{
  CepView param = state, grad = cep_view_at (state, n);
  CepView m = cep_view_at (state, 2 * n), v = cep_view_at (state, 3 * n);

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
}

float *
run_optimizer (CepBackend  *backend,
               guint        variant,
               gsize        n,
               const float *state)
{
  g_autoptr (TestTensor) t = test_tensor_new_from (backend, state, 4 * n);

  g_assert_cmpuint (variant, <, OPTIMIZER_VARIANTS);
  for (guint step = 1; step <= 3; step++)
    optimizer_step (backend, variant, n, step, t->view);
  return test_tensor_floats (t);
}

const char *
optimizer_variant_name (guint variant)
{
  static const char *const names[OPTIMIZER_VARIANTS] = {
    "AdamW", "Adam (L2)", "SGD with dampening", "Nesterov SGD", "plain SGD",
  };

  g_assert_cmpuint (variant, <, OPTIMIZER_VARIANTS);
  return names[variant];
}
