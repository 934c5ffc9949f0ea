/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-vulkan.c: timings of the vulkan backend, next to blas on the same machine. Prints
 * medians; never fails on them.
 *
 * 1. The seed notebook's product {10000, 784} × {784, 10}: one GEMM and its wait, on the
 *    device's resident buffers (the upload is not timed).
 * 2. GEMM GFLOP/s on the training shapes of the tiny and full models: forward Y = X·Wᵀ,
 *    backward dX = dY·W and dW = dYᵀ·X, each layer at the batch size.
 * 3. Training throughput (samples/s) of tiny and full: whole steps (upload, forward,
 *    backward, AdamW, the scalars' download) through the network runtime.
 *
 * Every figure is the median of --runs timed repetitions after one warm-up. --quick lowers
 * the full model's batch and the repetitions for slow devices (lavapipe).
 *
 * Usage: bench-vulkan [--runs N] [--batch B] [--quick] [--device NAME|INDEX] [--no-blas]
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cep-backend-vulkan.h"
#include "cep-model-presets.h"
#include "cep-network.h"

static gint runs = 5;
static gint batch = 1024;
static gboolean quick = FALSE;
static gboolean no_blas = FALSE;
static char *device = NULL;

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

typedef void (*BenchFunc) (gpointer data);

/* Median seconds of @n_runs calls after one warm-up call. */
static double
median_seconds (BenchFunc func,
                gpointer  data,
                guint     n_runs)
{
  g_autofree double *times = g_new (double, n_runs);

  func (data);
  for (guint i = 0; i < n_runs; i++)
    {
      double start = now_seconds ();
      func (data);
      times[i] = now_seconds () - start;
    }
  qsort (times, n_runs, sizeof (double), compare_doubles);
  return times[n_runs / 2];
}

static CepBuffer *
random_buffer (CepBackend *backend,
               gsize       n,
               guint       seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  g_autofree float *data = g_new (float, n);
  CepBuffer *buffer = cep_buffer_new (backend, n, NULL);

  for (gsize i = 0; i < n; i++)
    data[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  cep_buffer_upload (buffer, 0, data, n);
  return buffer;
}

/* GEMM */

typedef struct
{
  CepBackend  *backend;
  CepTranspose ta, tb;
  guint        m, n, k;
  CepBuffer   *a, *b, *c;
} GemmBench;

static void
gemm_once (gpointer data)
{
  GemmBench *g = data;
  guint lda = g->ta == CEP_TRANS ? g->m : g->k, ldb = g->tb == CEP_TRANS ? g->k : g->n;

  cep_backend_gemm (g->backend, g->ta, g->tb, g->m, g->n, g->k, 1.0f, cep_view (g->a, 0), lda,
                    cep_view (g->b, 0), ldb, 0.0f, cep_view (g->c, 0), g->n);
  cep_backend_synchronize (g->backend);
}

/* Median seconds of one GEMM of that shape on @backend. */
static double
time_gemm (CepBackend  *backend,
           CepTranspose ta,
           CepTranspose tb,
           guint        m,
           guint        n,
           guint        k,
           guint        n_runs)
{
  GemmBench g = { backend, ta, tb, m, n, k };
  double seconds;

  g.a = random_buffer (backend, (gsize) m * k, 1);
  g.b = random_buffer (backend, (gsize) k * n, 2);
  g.c = cep_buffer_new (backend, (gsize) m * n, NULL);
  seconds = median_seconds (gemm_once, &g, n_runs);
  cep_buffer_free (g.a);
  cep_buffer_free (g.b);
  cep_buffer_free (g.c);
  return seconds;
}

static void
bench_seed (CepBackend *vulkan,
            CepBackend *blas)
{
  const guint m = 10000, k = 784, n = 10;
  double flops = 2.0 * m * k * n;

  printf ("\n1. Seed product {%u, %u} x {%u, %u}, median of %d\n", m, k, k, n, runs);
  for (guint i = 0; i < 2; i++)
    {
      CepBackend *backend = i == 0 ? vulkan : blas;
      if (backend == NULL)
        continue;
      double s = time_gemm (backend, CEP_NO_TRANS, CEP_NO_TRANS, m, n, k, runs);
      printf ("  %-7s %9.1f us  %7.2f GFLOP/s\n", cep_backend_get_name (backend), s * 1e6,
              flops / s * 1e-9);
    }
}

static void
bench_gemm_layer (CepBackend *vulkan,
                  CepBackend *blas,
                  guint       in,
                  guint       out,
                  guint       rows,
                  guint       n_runs)
{
  static const char *const names[] = { "Y = X.W^T", "dX = dY.W", "dW = dY^T.X" };
  double flops = 2.0 * rows * in * out;

  for (guint p = 0; p < 3; p++)
    {
      CepTranspose ta = p == 2 ? CEP_TRANS : CEP_NO_TRANS;
      CepTranspose tb = p == 0 ? CEP_TRANS : CEP_NO_TRANS;
      guint m = p == 2 ? out : rows, n = p == 1 ? in : (p == 0 ? out : in);
      guint k = p == 0 ? in : (p == 1 ? out : rows);
      double sv = time_gemm (vulkan, ta, tb, m, n, k, n_runs);
      double sb = blas != NULL ? time_gemm (blas, ta, tb, m, n, k, n_runs) : NAN;
      printf ("  %4u x %4u  %-12s vulkan %8.2f GFLOP/s   blas %8.2f GFLOP/s\n", in, out,
              names[p], flops / sv * 1e-9, flops / sb * 1e-9);
    }
}

static void
bench_gemm_shapes (CepBackend *vulkan,
                   CepBackend *blas,
                   const char *preset,
                   guint       rows)
{
  g_autoptr (CepModelSpec) spec = cep_model_preset_new (preset, CEP_MODEL_DEFAULT_FEATURE_DIM,
                                                          CEP_MODEL_DEFAULT_CLASSES, NULL);
  guint in = cep_model_spec_get_input_dim (spec);
  guint n_runs = quick ? 3 : (guint) runs;

  printf ("\n2. GEMM on %s's Linear shapes, batch %u, median of %u\n", preset, rows, n_runs);
  for (guint b = 0; b <= cep_model_spec_get_n_blocks (spec); b++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, b);
      if (block->kind != CEP_BLOCK_LINEAR)
        continue;
      bench_gemm_layer (vulkan, blas, in, block->width, rows, n_runs);
      in = block->width;
    }
}

/* Training throughput */

typedef struct
{
  CepNetwork   *network;
  const float  *inputs;
  const gint32 *labels;
  guint         rows;
  guint64       step;
} StepBench;

static void
train_once (gpointer data)
{
  StepBench *s = data;
  g_autoptr (GError) error = NULL;

  cep_network_train_step (s->network, s->inputs, s->labels, s->rows, ++s->step, 1e-4, NULL,
                          &error);
  if (error != NULL)
    g_error ("%s", error->message);
}

static double
samples_per_second (CepBackend   *backend,
                    CepModelSpec *spec,
                    guint         rows,
                    guint         n_runs)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CepNetwork) network = cep_network_new (spec, backend, rows, &error);
  guint dim = cep_model_spec_get_input_dim (spec);
  g_autoptr (GRand) rand = g_rand_new_with_seed (9);
  g_autofree float *inputs = g_new (float, (gsize) rows * dim);
  g_autofree gint32 *labels = g_new (gint32, rows);

  if (network == NULL)
    g_error ("%s", error->message);
  cep_network_init_parameters (network, 1);
  for (gsize i = 0; i < (gsize) rows * dim; i++)
    inputs[i] = (float) g_rand_double_range (rand, -1.0, 1.0);
  for (guint i = 0; i < rows; i++)
    labels[i] = (gint32) g_rand_int_range (rand, 0, cep_model_spec_get_n_classes (spec));
  StepBench s = { network, inputs, labels, rows, 0 };
  return rows / median_seconds (train_once, &s, n_runs);
}

static void
bench_training (CepBackend *vulkan,
                CepBackend *blas,
                const char *preset,
                guint       rows,
                guint       n_runs)
{
  g_autoptr (CepModelSpec) spec = cep_model_preset_new (preset, CEP_MODEL_DEFAULT_FEATURE_DIM,
                                                          CEP_MODEL_DEFAULT_CLASSES, NULL);
  double flops = (double) cep_model_spec_count_train_gemm_flops (spec);

  printf ("\n3. Training %s (%.2f M parameters), batch %u, median of %u steps\n", preset,
          cep_model_spec_count_params (spec) / 1e6, rows, n_runs);
  for (guint i = 0; i < 2; i++)
    {
      CepBackend *backend = i == 0 ? vulkan : blas;
      if (backend == NULL)
        continue;
      double sps = samples_per_second (backend, spec, rows, n_runs);
      printf ("  %-7s %10.0f samples/s  (%.2f GFLOP/s in its GEMMs)\n",
              cep_backend_get_name (backend), sps, sps * flops * 1e-9);
    }
}

static const GOptionEntry entries[] = {
  { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Timed repetitions (median)", "N" },
  { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, "Batch size of the training shapes", "B" },
  { "quick", 'q', 0, G_OPTION_ARG_NONE, &quick, "Smaller full-model runs (lavapipe)", NULL },
  { "device", 'd', 0, G_OPTION_ARG_STRING, &device, "Vulkan device (index or name)", "D" },
  { "no-blas", 0, 0, G_OPTION_ARG_NONE, &no_blas, "Skip the blas comparison", NULL },
  { NULL },
};

int
main (int    argc,
      char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("- Vulkan backend timings");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || runs < 1 || batch < 2)
    {
      fprintf (stderr, "%s\n", error != NULL ? error->message : "bad --runs or --batch");
      return 2;
    }
  CepVulkanOptions options = { device, CEP_VULKAN_VALIDATION_NONE };
  g_autoptr (CepBackend) vulkan = cep_backend_vulkan_new (&options, &error);
  if (vulkan == NULL)
    {
      printf ("no vulkan backend: %s\n", error->message);
      return 0;
    }
  g_autoptr (CepBackend) blas = no_blas ? NULL : cep_backend_new ("blas", NULL, NULL);
  printf ("%s\n%s\n", cep_backend_get_description (vulkan),
          blas != NULL ? cep_backend_get_description (blas) : "");
  bench_seed (vulkan, blas);
  bench_gemm_shapes (vulkan, blas, "tiny", (guint) batch);
  bench_gemm_shapes (vulkan, blas, "full", quick ? MIN ((guint) batch, 256) : (guint) batch);
  bench_training (vulkan, blas, "tiny", (guint) batch, (guint) runs);
  bench_training (vulkan, blas, "full", quick ? MIN ((guint) batch, 256) : (guint) batch,
                  quick ? 3 : (guint) runs);
  g_free (device);
  return 0;
}
