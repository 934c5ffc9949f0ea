/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-backend.c: timings of the backends' operations. Prints medians; never fails on them.
 *
 * 1. The seed notebook's product {10000, 784} × {784, 10} on ref, on blas, on OpenBLAS's
 *    sgemm directly and on the few-columns kernel directly (1 and N threads).
 * 2. GEMM GFLOP/s on the training shapes of the tiny and full models (batch 1024): forward
 *    Y = X·Wᵀ, backward dX = dY·W and dW = dYᵀ·X, through the blas backend and through
 *    OpenBLAS directly.
 * 3. Every elementwise operation of a training step at 1024 × 2048 and 1024 × 512, and the
 *    optimizer steps over the tiny (1.42 M) and full (18.86 M) parameter counts.
 * 4. A synthetic training step of the tiny and full seed models (batch 1024) made of backend
 *    calls only, as core/nn will issue them: forward, softmax-CE, backward, AdamW. It reports
 *    samples/s, the time inside GEMM calls, and GEMM-equivalent GFLOP/s.
 *
 * Usage: bench-backend [--runs N] [--threads T] [--quick] [--only seed|gemm|ops|step]
 */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cep-backend.h"
#include "cep-gemm-skinny.h"
#include "cep-workers.h"

static guint runs = 11;
static guint threads = 2;
static gboolean quick = FALSE;
static char *only = NULL;

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* CPU time of all the process's threads: on a machine shared with other work, wall time
 * measures the load as much as the code, CPU time much less. */
static double
cpu_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef void (*BenchFunc) (gpointer data);

/* The fastest run and the median CPU time of the last median_seconds() call: on a busy
 * machine the median moves with the load, the minimum and the CPU time much less. */
static double last_best;
static double last_cpu;

/* Median seconds of @runs calls after one warm-up call. */
static double
median_seconds (BenchFunc func,
                gpointer  data,
                guint     n_runs)
{
  g_autofree double *times = g_new (double, n_runs);
  g_autofree double *cpu = g_new (double, n_runs);

  func (data);
  for (guint i = 0; i < n_runs; i++)
    {
      double start = now_seconds (), cpu_start = cpu_seconds ();
      func (data);
      times[i] = now_seconds () - start;
      cpu[i] = cpu_seconds () - cpu_start;
    }
  qsort (times, n_runs, sizeof (double), compare_doubles);
  qsort (cpu, n_runs, sizeof (double), compare_doubles);
  last_best = times[0];
  last_cpu = cpu[n_runs / 2];
  return times[n_runs / 2];
}

static float *
random_floats (gsize n,
               guint seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  float *data = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    data[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  return data;
}

static CepBuffer *
random_buffer (CepBackend *backend,
               gsize       n,
               guint       seed)
{
  g_autofree float *data = random_floats (n, seed);
  CepBuffer *buffer = cep_buffer_new (backend, n, NULL);
  cep_buffer_upload (buffer, 0, data, n);
  return buffer;
}

/* GEMM through a backend */

typedef struct
{
  CepBackend  *backend;
  CepTranspose ta, tb;
  guint        m, n, k;
  CepBuffer   *a, *b, *c;
  const float *ha, *hb;
  float       *hc;
  CepGemmSkinnyIsa isa;
  CepWorkers  *workers;
} GemmBench;

static guint
lda_of (const GemmBench *g)
{
  return g->ta == CEP_TRANS ? g->m : g->k;
}

static guint
ldb_of (const GemmBench *g)
{
  return g->tb == CEP_TRANS ? g->k : g->n;
}

static void
gemm_backend (gpointer data)
{
  GemmBench *g = data;
  cep_backend_gemm (g->backend, g->ta, g->tb, g->m, g->n, g->k, 1.0f, cep_view (g->a, 0),
                    lda_of (g), cep_view (g->b, 0), ldb_of (g), 0.0f, cep_view (g->c, 0), g->n);
}

static void
gemm_openblas (gpointer data)
{
  GemmBench *g = data;
  cblas_sgemm (CblasRowMajor, g->ta == CEP_TRANS ? CblasTrans : CblasNoTrans,
               g->tb == CEP_TRANS ? CblasTrans : CblasNoTrans, (int) g->m, (int) g->n,
               (int) g->k, 1.0f, g->ha, (int) lda_of (g), g->hb, (int) ldb_of (g), 0.0f, g->hc,
               (int) g->n);
}

static void
gemm_skinny (gpointer data)
{
  GemmBench *g = data;
  cep_gemm_skinny (g->isa, g->workers, g->tb, g->m, g->n, g->k, 1.0f, g->ha, lda_of (g), g->hb,
                   ldb_of (g), 0.0f, g->hc, g->n);
}

static void
gemm_bench_init (GemmBench   *g,
                 CepBackend  *backend,
                 CepTranspose ta,
                 CepTranspose tb,
                 guint        m,
                 guint        n,
                 guint        k)
{
  memset (g, 0, sizeof *g);
  g->backend = backend;
  g->ta = ta;
  g->tb = tb;
  g->m = m;
  g->n = n;
  g->k = k;
  g->a = random_buffer (backend, (gsize) m * k, 1);
  g->b = random_buffer (backend, (gsize) k * n, 2);
  g->c = cep_buffer_new (backend, (gsize) m * n, NULL);
  g->ha = cep_buffer_get_host_data (g->a);
  g->hb = cep_buffer_get_host_data (g->b);
  g->hc = cep_buffer_get_host_data (g->c);
}

static void
gemm_bench_clear (GemmBench *g)
{
  cep_buffer_free (g->a);
  cep_buffer_free (g->b);
  cep_buffer_free (g->c);
}

static void
bench_seed_product (CepBackend *ref,
                    CepBackend *blas)
{
  GemmBench g;
  double flops = 2.0 * 10000 * 784 * 10;
  g_autoptr (CepWorkers) one = NULL;

  printf ("\n== Seed product {10000,784} x {784,10} (median of %u runs) ==\n", runs);
  printf ("%-38s %10s %10s %10s %10s\n", "path", "ms", "GFLOP/s", "best ms", "CPU ms");

  gemm_bench_init (&g, ref, CEP_NO_TRANS, CEP_NO_TRANS, 10000, 10, 784);
  double t = median_seconds (gemm_backend, &g, MIN (runs, 3));
  printf ("%-38s %10.3f %10.2f %10.3f %10.3f\n", "ref", t * 1e3, flops / t * 1e-9,
          last_best * 1e3, last_cpu * 1e3);
  gemm_bench_clear (&g);

  gemm_bench_init (&g, blas, CEP_NO_TRANS, CEP_NO_TRANS, 10000, 10, 784);
  t = median_seconds (gemm_backend, &g, runs);
  printf ("%-38s %10.3f %10.2f %10.3f %10.3f\n", "blas (auto: few-column kernel)", t * 1e3,
          flops / t * 1e-9, last_best * 1e3, last_cpu * 1e3);
  CepBackendOptions options = { .threads = threads, .gemm = CEP_GEMM_OPENBLAS };
  g_autoptr (CepBackend) openblas = cep_backend_new ("blas", &options, NULL);
  GemmBench o;
  gemm_bench_init (&o, openblas, CEP_NO_TRANS, CEP_NO_TRANS, 10000, 10, 784);
  t = median_seconds (gemm_backend, &o, runs);
  gemm_bench_clear (&o);
  g_autofree char *openblas_label = g_strdup_printf ("blas (OpenBLAS sgemm), %u threads",
                                                     threads);
  printf ("%-38s %10.3f %10.2f %10.3f %10.3f\n", openblas_label, t * 1e3, flops / t * 1e-9,
          last_best * 1e3, last_cpu * 1e3);

  g.isa = cep_gemm_skinny_detect ();
  if (g.isa != CEP_GEMM_SKINNY_NONE)
    {
      g_autoptr (CepWorkers) team = cep_workers_new (threads);
      for (guint variant = 0; variant < 2; variant++)
        {
          g.workers = variant == 0 ? NULL : team;
          t = median_seconds (gemm_skinny, &g, runs);
          g_autofree char *name = g_strdup_printf ("few-column kernel %s, %u thread%s",
                                                   cep_gemm_skinny_isa_name (g.isa),
                                                   variant == 0 ? 1 : threads,
                                                   variant == 0 ? "" : "s");
          printf ("%-38s %10.3f %10.2f %10.3f %10.3f\n", name, t * 1e3, flops / t * 1e-9,
                  last_best * 1e3, last_cpu * 1e3);
        }
      if (cep_gemm_skinny_detect () == CEP_GEMM_SKINNY_AVX512)
        {
          g.isa = CEP_GEMM_SKINNY_AVX2;
          g.workers = team;
          t = median_seconds (gemm_skinny, &g, runs);
          g_autofree char *name = g_strdup_printf ("few-column kernel AVX2, %u threads", threads);
          printf ("%-38s %10.3f %10.2f %10.3f %10.3f\n", name, t * 1e3, flops / t * 1e-9,
                  last_best * 1e3, last_cpu * 1e3);
        }
    }
  gemm_bench_clear (&g);
}

typedef struct
{
  guint in, out;
} LayerShape;

static void
bench_training_gemms (CepBackend *blas)
{
  static const LayerShape layers[] = {
    { 1708, 512 }, { 512, 512 }, { 512, 40 }, { 1708, 2048 }, { 2048, 2048 },
  };
  static const char *const kinds[] = { "fwd  Y=X·Wt ", "bwd dX=dY·W ", "bwd dW=dYt·X" };

  printf ("\n== GEMM on training shapes, batch 1024 (GFLOP/s, median of %u) ==\n", runs);
  printf ("GFLOP/s by wall time, and by CPU time per core (steadier on a shared machine)\n");
  printf ("%-14s %-12s %16s %9s %9s %9s %10s %10s\n", "layer in>out", "product", "M x N x K",
          "ms", "blas", "OpenBLAS", "blas/core", "OB/core");
  for (guint l = 0; l < G_N_ELEMENTS (layers); l++)
    for (guint kind = 0; kind < 3; kind++)
      {
        guint in = layers[l].in, out = layers[l].out;
        GemmBench g;
        if (kind == 0)
          gemm_bench_init (&g, blas, CEP_NO_TRANS, CEP_TRANS, 1024, out, in);
        else if (kind == 1)
          gemm_bench_init (&g, blas, CEP_NO_TRANS, CEP_NO_TRANS, 1024, in, out);
        else
          gemm_bench_init (&g, blas, CEP_TRANS, CEP_NO_TRANS, out, in, 1024);
        double flops = 2.0 * g.m * g.n * g.k;
        double t = median_seconds (gemm_backend, &g, quick ? 3 : runs);
        double cpu = last_cpu;
        double t_raw = median_seconds (gemm_openblas, &g, quick ? 3 : runs);
        double cpu_raw = last_cpu;
        g_autofree char *layer = g_strdup_printf ("%u>%u", in, out);
        g_autofree char *shape = g_strdup_printf ("%ux%ux%u", g.m, g.n, g.k);
        printf ("%-14s %-12s %16s %9.3f %9.1f %9.1f %10.1f %10.1f\n", layer, kinds[kind],
                shape, t * 1e3, flops / t * 1e-9, flops / t_raw * 1e-9, flops / cpu * 1e-9,
                flops / cpu_raw * 1e-9);
        gemm_bench_clear (&g);
      }
}

/* Elementwise operations */

typedef struct
{
  CepBackend   *backend;
  guint         rows, cols;
  CepActivation act;
  CepBuffer    *x, *y, *z, *vec, *mask, *labels, *scalar;
  gsize         n;
  guint64       step;
} OpBench;

static void
op_bias_act_forward (gpointer data)
{
  OpBench *o = data;
  cep_backend_bias_act_forward (o->backend, o->rows, o->cols, o->act, 0.01f,
                                cep_view (o->vec, 0), cep_view (o->x, 0), cep_view (o->y, 0));
}

static void
op_bias_act_backward (gpointer data)
{
  OpBench *o = data;
  cep_backend_bias_act_backward (o->backend, o->rows, o->cols, o->act, 0.01f,
                                 cep_view (o->x, 0), cep_view (o->y, 0), cep_view (o->z, 0),
                                 cep_view (o->vec, 0));
}

static CepBatchNorm
bench_batchnorm (OpBench *o)
{
  CepBatchNorm bn = {
    .gamma = cep_view (o->vec, 0), .beta = cep_view (o->vec, o->cols),
    .running_mean = cep_view (o->vec, 2 * o->cols), .running_var = cep_view (o->vec, 3 * o->cols),
    .saved_mean = cep_view (o->vec, 4 * o->cols), .saved_invstd = cep_view (o->vec, 5 * o->cols),
    .momentum = 0.1f, .eps = 1e-5f,
  };
  return bn;
}

static void
op_batchnorm_train (gpointer data)
{
  OpBench *o = data;
  cep_backend_batchnorm_forward_train (o->backend, o->rows, o->cols, bench_batchnorm (o),
                                       cep_view (o->x, 0), cep_view (o->y, 0));
}

static void
op_batchnorm_eval (gpointer data)
{
  OpBench *o = data;
  cep_backend_batchnorm_forward_eval (o->backend, o->rows, o->cols, bench_batchnorm (o),
                                      cep_view (o->x, 0), cep_view (o->y, 0));
}

static void
op_batchnorm_backward (gpointer data)
{
  OpBench *o = data;
  CepBatchNorm bn = bench_batchnorm (o);
  cep_backend_batchnorm_backward (o->backend, o->rows, o->cols, bn, cep_view (o->x, 0),
                                  cep_view (o->y, 0), cep_view (o->z, 0),
                                  cep_view (o->vec, 6 * o->cols), cep_view (o->vec, 7 * o->cols));
}

static void
op_dropout_forward (gpointer data)
{
  OpBench *o = data;
  CepDropoutKey key = { .seed = 42, .step = o->step++, .layer = 1 };
  cep_backend_dropout_forward (o->backend, o->n, 0.35f, key, cep_view (o->x, 0),
                               cep_view (o->y, 0), cep_view (o->mask, 0));
}

static void
op_dropout_backward (gpointer data)
{
  OpBench *o = data;
  cep_backend_dropout_backward (o->backend, o->n, 0.35f, cep_view (o->mask, 0),
                                cep_view (o->y, 0), cep_view (o->z, 0));
}

static void
op_column_sums (gpointer data)
{
  OpBench *o = data;
  cep_backend_column_sums (o->backend, o->rows, o->cols, cep_view (o->x, 0), 0.0f,
                           cep_view (o->vec, 0));
}

static void
op_softmax_ce (gpointer data)
{
  OpBench *o = data;
  cep_backend_softmax_ce_forward (o->backend, o->rows, o->cols, 0.1f, cep_view (o->x, 0),
                                  cep_view (o->labels, 0), cep_view (o->scalar, 0));
  cep_backend_softmax_ce_backward (o->backend, o->rows, o->cols, 0.1f, 1.0f / o->rows,
                                   cep_view (o->x, 0), cep_view (o->labels, 0),
                                   cep_view (o->y, 0));
  cep_backend_argmax (o->backend, o->rows, o->cols, cep_view (o->x, 0), cep_view (o->labels, 0),
                      CEP_VIEW_NONE, cep_view (o->scalar, 1));
}

static void
op_adamw (gpointer data)
{
  OpBench *o = data;
  CepAdamParams p = { .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8,
                      .weight_decay = 0.01, .decoupled = TRUE, .step = ++o->step };
  cep_backend_adam_step (o->backend, o->n, p, cep_view (o->x, 0), cep_view (o->y, 0),
                         cep_view (o->z, 0), cep_view (o->vec, 0));
}

static void
op_sgd (gpointer data)
{
  OpBench *o = data;
  CepSgdParams p = { .lr = 1e-2, .momentum = 0.9, .nesterov = TRUE, .weight_decay = 1e-4,
                     .step = ++o->step };
  cep_backend_sgd_step (o->backend, o->n, p, cep_view (o->x, 0), cep_view (o->y, 0),
                        cep_view (o->z, 0));
}

static void
op_grad_norm (gpointer data)
{
  OpBench *o = data;
  cep_backend_fill (o->backend, 1, 0.0f, cep_view (o->scalar, 0));
  cep_backend_sum_squares (o->backend, o->n, cep_view (o->y, 0), cep_view (o->scalar, 0));
  cep_backend_clip_scale (o->backend, o->n, cep_view (o->scalar, 0), 1e30f,
                          cep_view (o->y, 0));
}

static void
op_bench_init (OpBench    *o,
               CepBackend *backend,
               guint       rows,
               guint       cols,
               gsize       n)
{
  memset (o, 0, sizeof *o);
  o->backend = backend;
  o->rows = rows;
  o->cols = cols;
  o->n = n;
  o->x = random_buffer (backend, n, 3);
  o->y = random_buffer (backend, n, 4);
  o->z = random_buffer (backend, n, 5);
  o->vec = random_buffer (backend, MAX (8 * (gsize) cols, n), 6);
  o->mask = cep_buffer_new (backend, CEP_DROPOUT_MASK_WORDS (n), NULL);
  o->labels = cep_buffer_new (backend, rows, NULL);
  o->scalar = cep_buffer_new (backend, 2, NULL);
  /* Positive second moments and variances. */
  g_autofree float *ones = g_new (float, MAX (8 * (gsize) cols, n));
  for (gsize i = 0; i < MAX (8 * (gsize) cols, n); i++)
    ones[i] = 1.0f;
  cep_buffer_upload (o->vec, 0, ones, MAX (8 * (gsize) cols, n));
}

static void
op_bench_clear (OpBench *o)
{
  cep_buffer_free (o->x);
  cep_buffer_free (o->y);
  cep_buffer_free (o->z);
  cep_buffer_free (o->vec);
  cep_buffer_free (o->mask);
  cep_buffer_free (o->labels);
  cep_buffer_free (o->scalar);
}

static void
print_op (const char *name,
          BenchFunc   func,
          OpBench    *o,
          double      bytes)
{
  double t = median_seconds (func, o, runs);
  printf ("%-34s %10.3f %10.2f\n", name, t * 1e3, bytes / t * 1e-9);
}

static void
bench_elementwise (CepBackend *backend,
                   guint       rows,
                   guint       cols)
{
  static const CepActivation acts[] = {
    CEP_ACTIVATION_IDENTITY, CEP_ACTIVATION_RELU, CEP_ACTIVATION_LEAKY_RELU,
    CEP_ACTIVATION_GELU, CEP_ACTIVATION_SILU, CEP_ACTIVATION_MISH, CEP_ACTIVATION_SIGMOID,
    CEP_ACTIVATION_TANH,
  };
  gsize n = (gsize) rows * cols;
  double size = n * 4.0;
  OpBench o;

  printf ("\n== %s: elementwise ops at %u x %u (median of %u) ==\n",
          cep_backend_get_name (backend), rows, cols, runs);
  printf ("%-34s %10s %10s\n", "operation", "ms", "GB/s");
  op_bench_init (&o, backend, rows, cols, n);
  for (guint a = 0; a < G_N_ELEMENTS (acts); a++)
    {
      o.act = acts[a];
      g_autofree char *fwd = g_strdup_printf ("bias+%s forward", cep_activation_get_name (o.act));
      g_autofree char *bwd = g_strdup_printf ("bias+%s backward (+dbias)",
                                              cep_activation_get_name (o.act));
      print_op (fwd, op_bias_act_forward, &o, 3 * size);
      print_op (bwd, op_bias_act_backward, &o, 3 * size);
    }
  print_op ("column sums", op_column_sums, &o, size);
  print_op ("batchnorm forward (train)", op_batchnorm_train, &o, 3 * size);
  print_op ("batchnorm forward (eval)", op_batchnorm_eval, &o, 2 * size);
  print_op ("batchnorm backward", op_batchnorm_backward, &o, 5 * size);
  print_op ("dropout forward (p=0.35, mask)", op_dropout_forward, &o, 2 * size);
  print_op ("dropout backward", op_dropout_backward, &o, 2 * size);
  op_bench_clear (&o);

  op_bench_init (&o, backend, rows, 40, (gsize) rows * 40);
  print_op ("softmax-CE fwd+bwd+argmax (x40)", op_softmax_ce, &o, 2 * rows * 40 * 4.0);
  op_bench_clear (&o);
}

static void
bench_optimizers (CepBackend *backend)
{
  static const gsize counts[] = { 1420000, 18860000 };
  printf ("\n== %s: optimizer steps (median of %u) ==\n", cep_backend_get_name (backend), runs);
  printf ("%-34s %10s %10s\n", "operation", "ms", "GB/s");
  for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
    {
      OpBench o;
      gsize n = counts[c];
      op_bench_init (&o, backend, 1, 1, n);
      g_autofree char *adam = g_strdup_printf ("AdamW, %.2f M params", n * 1e-6);
      g_autofree char *sgd = g_strdup_printf ("SGD Nesterov, %.2f M params", n * 1e-6);
      g_autofree char *norm = g_strdup_printf ("grad norm + clip, %.2f M", n * 1e-6);
      print_op (adam, op_adamw, &o, 7 * n * 4.0);
      print_op (sgd, op_sgd, &o, 5 * n * 4.0);
      print_op (norm, op_grad_norm, &o, 2 * n * 4.0);
      op_bench_clear (&o);
    }
}

/* A synthetic training step */

typedef struct
{
  guint    out;
  gboolean bn;
  float    dropout;
} HiddenLayer;

static const HiddenLayer tiny_layers[] = {
  { 512, TRUE, 0.35f }, { 512, FALSE, 0.3f }, { 512, TRUE, 0.25f },
};

static const HiddenLayer full_layers[] = {
  { 2048, TRUE, 0.35f }, { 2048, FALSE, 0.3f }, { 2048, TRUE, 0.25f }, { 2048, FALSE, 0.2f },
  { 1024, TRUE, 0.15f }, { 512, FALSE, 0.1f }, { 256, TRUE, 0.05f },
};

#define STEP_INPUT 1708
#define STEP_CLASSES 40
#define STEP_BATCH 1024
#define STEP_MAX_LAYERS 9

/* Offsets of one layer's tensors: parameters and gradients in two flat buffers (so AdamW is
 * one call), activations in a third. */
typedef struct
{
  guint    in, out;
  gboolean bn, act;
  float    dropout;
  gsize    w, b, gamma, beta;                  /* in params / grads */
  gsize    z, pre, y, mask, mean, invstd;      /* in acts (y: output, dropout in place) */
  gsize    dz, dy;                             /* in acts */
  gsize    running;                            /* in stats: mean then var */
} StepLayer;

typedef struct
{
  CepBackend *backend;
  guint       n_layers;
  StepLayer   layers[STEP_MAX_LAYERS];
  gsize       n_params, n_acts, n_stats;
  CepBuffer  *params, *grads, *m, *v, *acts, *stats, *labels, *scalars;
  guint64     step;
  double      gemm_seconds;
  double      gemm_flops;
} StepBench;

static gsize
take (gsize *cursor,
      gsize  n)
{
  gsize at = *cursor;
  *cursor += (n + 15) / 16 * 16;
  return at;
}

static void
step_layout (StepBench         *sb,
             const HiddenLayer *hidden,
             guint              n_hidden)
{
  gsize p = 0, a = 0, st = 0;
  guint in = STEP_INPUT;
  gsize input = take (&a, (gsize) STEP_BATCH * STEP_INPUT);

  sb->n_layers = n_hidden + 1;
  for (guint l = 0; l < sb->n_layers; l++)
    {
      StepLayer *L = &sb->layers[l];
      gboolean last = l == n_hidden;
      L->in = in;
      L->out = last ? STEP_CLASSES : hidden[l].out;
      L->bn = !last && hidden[l].bn;
      L->act = !last;
      L->dropout = last ? 0.0f : hidden[l].dropout;
      L->w = take (&p, (gsize) L->out * L->in);
      L->b = take (&p, L->out);
      L->gamma = L->bn ? take (&p, L->out) : 0;
      L->beta = L->bn ? take (&p, L->out) : 0;
      L->z = l == 0 ? input : 0;   /* set below: the input of layer l is y of layer l-1 */
      L->pre = take (&a, (gsize) STEP_BATCH * L->out);
      L->y = take (&a, (gsize) STEP_BATCH * L->out);
      L->mask = take (&a, CEP_DROPOUT_MASK_WORDS ((gsize) STEP_BATCH * L->out));
      L->mean = take (&a, L->out);
      L->invstd = take (&a, L->out);
      L->dz = take (&a, (gsize) STEP_BATCH * L->out);
      L->dy = take (&a, (gsize) STEP_BATCH * L->out);
      L->running = take (&st, 2 * (gsize) L->out);
      in = L->out;
    }
  /* z holds the layer's input X; for a BN layer the GEMM writes into dz's twin "zbn". */
  for (guint l = 1; l < sb->n_layers; l++)
    sb->layers[l].z = sb->layers[l - 1].y;
  sb->n_params = p;
  sb->n_acts = a;
  sb->n_stats = st;
}

static double
timed_gemm (StepBench   *sb,
            CepTranspose ta,
            CepTranspose tb,
            guint        m,
            guint        n,
            guint        k,
            CepView      a,
            guint        lda,
            CepView      b,
            guint        ldb,
            CepView      c)
{
  double start = now_seconds ();
  cep_backend_gemm (sb->backend, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, n);
  double elapsed = now_seconds () - start;
  sb->gemm_seconds += elapsed;
  sb->gemm_flops += 2.0 * m * n * k;
  return elapsed;
}

static CepBatchNorm
step_batchnorm (StepBench *sb,
                StepLayer *L)
{
  CepBatchNorm bn = {
    .gamma = cep_view (sb->params, L->gamma), .beta = cep_view (sb->params, L->beta),
    .running_mean = cep_view (sb->stats, L->running),
    .running_var = cep_view (sb->stats, L->running + L->out),
    .saved_mean = cep_view (sb->acts, L->mean), .saved_invstd = cep_view (sb->acts, L->invstd),
    .momentum = 0.1f, .eps = 1e-5f,
  };
  return bn;
}

/* Linear (+bias) → [BN] → GELU → dropout, output in L->y; the classifier stops after bias. */
static void
step_forward_layer (StepBench *sb,
                    guint      l)
{
  StepLayer *L = &sb->layers[l];
  CepBackend *be = sb->backend;
  CepView x = cep_view (sb->acts, L->z), pre = cep_view (sb->acts, L->pre);
  CepView y = cep_view (sb->acts, L->y), bias = cep_view (sb->params, L->b);
  gsize size = (gsize) STEP_BATCH * L->out;

  if (!L->act)
    {
      timed_gemm (sb, CEP_NO_TRANS, CEP_TRANS, STEP_BATCH, L->out, L->in, x, L->in,
                  cep_view (sb->params, L->w), L->in, y);
      cep_backend_bias_act_forward (be, STEP_BATCH, L->out, CEP_ACTIVATION_IDENTITY, 0.0f,
                                    bias, y, y);
      return;
    }
  if (L->bn)
    {
      /* GEMM into dz (free during forward), bias in place, BN into pre. */
      CepView linear = cep_view (sb->acts, L->dz);
      timed_gemm (sb, CEP_NO_TRANS, CEP_TRANS, STEP_BATCH, L->out, L->in, x, L->in,
                  cep_view (sb->params, L->w), L->in, linear);
      cep_backend_bias_act_forward (be, STEP_BATCH, L->out, CEP_ACTIVATION_IDENTITY, 0.0f,
                                    bias, linear, linear);
      cep_backend_batchnorm_forward_train (be, STEP_BATCH, L->out, step_batchnorm (sb, L),
                                           linear, pre);
      cep_backend_bias_act_forward (be, STEP_BATCH, L->out, CEP_ACTIVATION_GELU, 0.0f,
                                    CEP_VIEW_NONE, pre, y);
    }
  else
    {
      timed_gemm (sb, CEP_NO_TRANS, CEP_TRANS, STEP_BATCH, L->out, L->in, x, L->in,
                  cep_view (sb->params, L->w), L->in, pre);
      cep_backend_bias_act_forward (be, STEP_BATCH, L->out, CEP_ACTIVATION_GELU, 0.0f, bias,
                                    pre, y);
    }
  CepDropoutKey key = { .seed = 1, .step = sb->step, .layer = l };
  cep_backend_dropout_forward (be, size, L->dropout, key, y, y,
                               cep_view (sb->acts, L->mask));
}

/* From dY of the layer's output (in L->dy) to the parameter gradients and dX (in the
 * previous layer's dy). BN layers keep the GEMM output in dz during forward: backward
 * recomputes nothing and reuses dz as scratch after BN backward has read it. */
static void
step_backward_layer (StepBench *sb,
                     guint      l)
{
  StepLayer *L = &sb->layers[l];
  CepBackend *be = sb->backend;
  CepView dy = cep_view (sb->acts, L->dy), pre = cep_view (sb->acts, L->pre);
  CepView dlinear = dy;
  gsize size = (gsize) STEP_BATCH * L->out;

  if (!L->act)
    cep_backend_column_sums (be, STEP_BATCH, L->out, dy, 0.0f, cep_view (sb->grads, L->b));
  else
    {
      cep_backend_dropout_backward (be, size, L->dropout, cep_view (sb->acts, L->mask), dy, dy);
      if (L->bn)
        {
          CepView linear = cep_view (sb->acts, L->dz);
          cep_backend_bias_act_backward (be, STEP_BATCH, L->out, CEP_ACTIVATION_GELU, 0.0f,
                                         pre, dy, dy, CEP_VIEW_NONE);
          cep_backend_batchnorm_backward (be, STEP_BATCH, L->out, step_batchnorm (sb, L),
                                          linear, dy, dy, cep_view (sb->grads, L->gamma),
                                          cep_view (sb->grads, L->beta));
          cep_backend_column_sums (be, STEP_BATCH, L->out, dy, 0.0f,
                                   cep_view (sb->grads, L->b));
        }
      else
        cep_backend_bias_act_backward (be, STEP_BATCH, L->out, CEP_ACTIVATION_GELU, 0.0f, pre,
                                       dy, dy, cep_view (sb->grads, L->b));
    }
  timed_gemm (sb, CEP_TRANS, CEP_NO_TRANS, L->out, L->in, STEP_BATCH, dlinear, L->out,
              cep_view (sb->acts, L->z), L->in, cep_view (sb->grads, L->w));
  if (l > 0)
    timed_gemm (sb, CEP_NO_TRANS, CEP_NO_TRANS, STEP_BATCH, L->in, L->out, dlinear, L->out,
                cep_view (sb->params, L->w), L->in, cep_view (sb->acts, sb->layers[l - 1].dy));
}

static void
training_step (gpointer data)
{
  StepBench *sb = data;
  CepBackend *be = sb->backend;
  StepLayer *last = &sb->layers[sb->n_layers - 1];
  CepView logits = cep_view (sb->acts, last->y);

  sb->step++;
  for (guint l = 0; l < sb->n_layers; l++)
    step_forward_layer (sb, l);
  cep_backend_fill (be, 2, 0.0f, cep_view (sb->scalars, 0));
  cep_backend_softmax_ce_forward (be, STEP_BATCH, STEP_CLASSES, 0.1f, logits,
                                  cep_view (sb->labels, 0), cep_view (sb->scalars, 0));
  cep_backend_argmax (be, STEP_BATCH, STEP_CLASSES, logits, cep_view (sb->labels, 0),
                      CEP_VIEW_NONE, cep_view (sb->scalars, 1));
  cep_backend_softmax_ce_backward (be, STEP_BATCH, STEP_CLASSES, 0.1f, 1.0f / STEP_BATCH,
                                   logits, cep_view (sb->labels, 0),
                                   cep_view (sb->acts, last->dy));
  for (guint l = sb->n_layers; l-- > 0;)
    step_backward_layer (sb, l);
  CepAdamParams adam = { .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8,
                         .weight_decay = 0.01, .decoupled = TRUE, .step = sb->step };
  cep_backend_adam_step (be, sb->n_params, adam, cep_view (sb->params, 0),
                         cep_view (sb->grads, 0), cep_view (sb->m, 0), cep_view (sb->v, 0));
  float scalars[2];
  cep_buffer_download (sb->scalars, 0, scalars, 2);
}

static void
bench_training_step (CepBackend        *backend,
                     const char        *name,
                     const HiddenLayer *hidden,
                     guint              n_hidden)
{
  StepBench sb = { .backend = backend };
  guint n_runs = quick ? 3 : runs;

  step_layout (&sb, hidden, n_hidden);
  sb.params = random_buffer (backend, sb.n_params, 7);
  cep_backend_scale (backend, sb.n_params, 0.05f, cep_view (sb.params, 0));
  sb.grads = cep_buffer_new (backend, sb.n_params, NULL);
  sb.m = cep_buffer_new (backend, sb.n_params, NULL);
  sb.v = cep_buffer_new (backend, sb.n_params, NULL);
  sb.acts = random_buffer (backend, sb.n_acts, 8);
  sb.stats = cep_buffer_new (backend, sb.n_stats, NULL);
  sb.labels = cep_buffer_new (backend, STEP_BATCH, NULL);
  sb.scalars = cep_buffer_new (backend, 2, NULL);
  cep_backend_fill (backend, sb.n_stats, 1.0f, cep_view (sb.stats, 0));

  training_step (&sb);
  sb.gemm_seconds = sb.gemm_flops = 0.0;
  g_autofree double *times = g_new (double, n_runs);
  double total = 0.0, cpu_start = cpu_seconds ();
  for (guint i = 0; i < n_runs; i++)
    {
      double start = now_seconds ();
      training_step (&sb);
      times[i] = now_seconds () - start;
      total += times[i];
    }
  double cpu = (cpu_seconds () - cpu_start) / n_runs;
  qsort (times, n_runs, sizeof (double), compare_doubles);
  double t = times[n_runs / 2], mean = total / n_runs;
  double gemm = sb.gemm_seconds / n_runs, flops = sb.gemm_flops / n_runs;
  printf ("%-6s %6.2f M params: median step %8.2f ms = %7.0f samples/s (best %7.0f); "
          "GEMM %5.1f%% of the time at %6.1f GFLOP/s, GEMM-equivalent %6.1f GFLOP/s; "
          "CPU %8.2f ms/step = %7.0f samples/s on %u uncontended cores\n",
          name, sb.n_params * 1e-6, t * 1e3, STEP_BATCH / t, STEP_BATCH / times[0],
          100.0 * gemm / mean, flops / gemm * 1e-9, flops / t * 1e-9, cpu * 1e3,
          STEP_BATCH / (cpu / cep_backend_get_threads (backend)),
          cep_backend_get_threads (backend));

  cep_buffer_free (sb.params);
  cep_buffer_free (sb.grads);
  cep_buffer_free (sb.m);
  cep_buffer_free (sb.v);
  cep_buffer_free (sb.acts);
  cep_buffer_free (sb.stats);
  cep_buffer_free (sb.labels);
  cep_buffer_free (sb.scalars);
}

static void
bench_training_steps (void)
{
  for (guint choice = 0; choice < 2; choice++)
    {
      CepBackendOptions options = {
        .threads = threads, .gemm = choice == 0 ? CEP_GEMM_AUTO : CEP_GEMM_OPENBLAS,
      };
      g_autoptr (CepBackend) backend = cep_backend_new ("blas", &options, NULL);
      printf ("\n== blas, GEMM %s: synthetic training step, batch %u (median of %u) ==\n",
              choice == 0 ? "auto" : "OpenBLAS only", STEP_BATCH, quick ? 3 : runs);
      bench_training_step (backend, "tiny", tiny_layers, G_N_ELEMENTS (tiny_layers));
      bench_training_step (backend, "full", full_layers, G_N_ELEMENTS (full_layers));
    }
}

static gboolean
wanted (const char *part)
{
  return only == NULL || g_strcmp0 (only, part) == 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Runs per measurement (median)", "N" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Backend threads", "T" },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick, "Fewer runs for GEMMs and steps", NULL },
    { "only", 'o', 0, G_OPTION_ARG_STRING, &only, "One part: seed, gemm, ops or step", "PART" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- time the backends");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  runs = MAX (runs, 1);

  CepBackendOptions options = { .threads = threads };
  g_autoptr (CepBackend) ref = cep_backend_new ("ref", NULL, &error);
  g_autoptr (CepBackend) blas = cep_backend_new ("blas", &options, &error);
  g_assert_no_error (error);

  printf ("%s\n%s\n", cep_backend_get_description (ref), cep_backend_get_description (blas));
  if (wanted ("seed"))
    bench_seed_product (ref, blas);
  if (wanted ("gemm"))
    bench_training_gemms (blas);
  if (wanted ("ops"))
    {
      bench_elementwise (blas, 1024, 2048);
      bench_elementwise (blas, 1024, 512);
      bench_optimizers (blas);
    }
  if (wanted ("step"))
    bench_training_steps ();
  g_free (only);
  return 0;
}
