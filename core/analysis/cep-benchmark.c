/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-benchmark.c: timing the seed product, training steps, inference and the bare sgemm
 * floor. It must not print or judge results.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-benchmark.h"
#include "cep-network.h"
#include "cep-rng.h"

#include <cblas.h>

#define WARMUP_RUNS 2u

typedef gboolean (*TimedFunc) (gpointer data, guint run, GError **error);

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Runs @func WARMUP_RUNS times untimed, then @runs times timed. */
static gboolean
time_runs (TimedFunc   func,
           gpointer    data,
           guint       runs,
           CepTiming  *timing,
           GError    **error)
{
  g_autofree double *seconds = g_new (double, MAX (runs, 1));

  runs = MAX (runs, 1);
  for (guint i = 0; i < WARMUP_RUNS; i++)
    if (!func (data, i, error))
      return FALSE;
  for (guint i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();

      if (!func (data, WARMUP_RUNS + i, error))
        return FALSE;
      seconds[i] = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
    }
  qsort (seconds, runs, sizeof (double), compare_doubles);
  timing->runs = runs;
  timing->fastest = seconds[0];
  timing->median = runs % 2 ? seconds[runs / 2]
                            : 0.5 * (seconds[runs / 2 - 1] + seconds[runs / 2]);
  return TRUE;
}

static void
fill_random (float *values,
             gsize  n,
             guint  c0)
{
  CepRng rng;

  cep_rng_init (&rng, 1, CEP_RNG_STREAM_BENCHMARK, c0, 0);
  for (gsize i = 0; i < n; i++)
    values[i] = 2.0f * cep_rng_uniform (&rng) - 1.0f;
}

static void
set_openblas_threads (guint threads)
{
  openblas_set_num_threads (threads != 0 ? (int) threads : (int) g_get_num_processors ());
}

/* The seed product */

double
cep_benchmark_seed_flops (void)
{
  return 2.0 * CEP_BENCHMARK_SEED_M * CEP_BENCHMARK_SEED_K * CEP_BENCHMARK_SEED_N;
}

typedef struct
{
  CepBackend *backend;
  CepBuffer  *buffer;     /* A, then B, then C */
  float      *host;       /* the same for cblas */
} SeedJob;

static gboolean
seed_on_backend (gpointer  data,
                 guint     run,
                 GError  **error)
{
  SeedJob *job = data;
  gsize b = (gsize) CEP_BENCHMARK_SEED_M * CEP_BENCHMARK_SEED_K;
  gsize c = b + (gsize) CEP_BENCHMARK_SEED_K * CEP_BENCHMARK_SEED_N;

  cep_backend_gemm (job->backend, CEP_NO_TRANS, CEP_NO_TRANS, CEP_BENCHMARK_SEED_M,
                    CEP_BENCHMARK_SEED_N, CEP_BENCHMARK_SEED_K, 1.0f,
                    cep_view (job->buffer, 0), CEP_BENCHMARK_SEED_K, cep_view (job->buffer, b),
                    CEP_BENCHMARK_SEED_N, 0.0f, cep_view (job->buffer, c),
                    CEP_BENCHMARK_SEED_N);
  cep_backend_synchronize (job->backend);
  return TRUE;
}

static gboolean
seed_on_openblas (gpointer  data,
                  guint     run,
                  GError  **error)
{
  SeedJob *job = data;
  float *a = job->host;
  float *b = a + (gsize) CEP_BENCHMARK_SEED_M * CEP_BENCHMARK_SEED_K;
  float *c = b + (gsize) CEP_BENCHMARK_SEED_K * CEP_BENCHMARK_SEED_N;

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, CEP_BENCHMARK_SEED_M,
               CEP_BENCHMARK_SEED_N, CEP_BENCHMARK_SEED_K, 1.0f, a, CEP_BENCHMARK_SEED_K, b,
               CEP_BENCHMARK_SEED_N, 0.0f, c, CEP_BENCHMARK_SEED_N);
  return TRUE;
}

gboolean
cep_benchmark_seed_product (CepBackend  *backend,
                            guint        threads,
                            guint        runs,
                            CepTiming   *timing,
                            GError     **error)
{
  gsize n_a = (gsize) CEP_BENCHMARK_SEED_M * CEP_BENCHMARK_SEED_K;
  gsize n_b = (gsize) CEP_BENCHMARK_SEED_K * CEP_BENCHMARK_SEED_N;
  gsize n_c = (gsize) CEP_BENCHMARK_SEED_M * CEP_BENCHMARK_SEED_N;
  g_autofree float *host = g_new (float, n_a + n_b + n_c);
  SeedJob job = { backend, NULL, host };
  gboolean ok;

  fill_random (host, n_a + n_b + n_c, 0);
  if (backend == NULL)
    {
      set_openblas_threads (threads);
      return time_runs (seed_on_openblas, &job, runs, timing, error);
    }
  job.buffer = cep_buffer_new (backend, n_a + n_b + n_c, error);
  if (job.buffer == NULL)
    return FALSE;
  cep_buffer_upload (job.buffer, 0, host, n_a + n_b + n_c);
  ok = time_runs (seed_on_backend, &job, runs, timing, error);
  cep_buffer_free (job.buffer);
  return ok;
}

/* Networks */

typedef struct
{
  CepNetwork *network;
  float      *inputs;
  gint32     *labels;
  float      *logits;
  guint       batch;
} NetworkJob;

static gboolean
network_job_init (NetworkJob          *job,
                  const CepModelSpec  *spec,
                  CepBackend          *backend,
                  guint                batch,
                  GError             **error)
{
  guint input_dim = cep_model_spec_get_input_dim (spec);
  guint n_classes = cep_model_spec_get_n_classes (spec);

  job->batch = batch;
  job->network = cep_network_new (spec, backend, batch, error);
  if (job->network == NULL)
    return FALSE;
  cep_network_init_parameters (job->network, 1);
  job->inputs = g_new (float, (gsize) batch * input_dim);
  fill_random (job->inputs, (gsize) batch * input_dim, 1);
  job->labels = g_new (gint32, batch);
  for (guint i = 0; i < batch; i++)
    job->labels[i] = (gint32) (i * 7 % n_classes);
  job->logits = g_new (float, (gsize) batch * n_classes);
  return TRUE;
}

static void
network_job_clear (NetworkJob *job)
{
  g_clear_pointer (&job->network, cep_network_free);
  g_free (job->inputs);
  g_free (job->labels);
  g_free (job->logits);
}

static gboolean
train_once (gpointer  data,
            guint     run,
            GError  **error)
{
  NetworkJob *job = data;
  CepStepStats stats;

  /* A small learning rate keeps the benchmark's steps from diverging. */
  return cep_network_train_step (job->network, job->inputs, job->labels, job->batch, run,
                                 1e-5f, &stats, error);
}

static gboolean
infer_once (gpointer  data,
            guint     run,
            GError  **error)
{
  NetworkJob *job = data;

  return cep_network_forward_eval (job->network, job->inputs, job->batch, job->logits, error);
}

static gboolean
time_network (const CepModelSpec  *spec,
              CepBackend          *backend,
              guint                batch,
              TimedFunc            func,
              guint                runs,
              CepTiming           *timing,
              GError             **error)
{
  NetworkJob job = { 0 };
  gboolean ok;

  ok = network_job_init (&job, spec, backend, batch, error)
       && time_runs (func, &job, runs, timing, error);
  network_job_clear (&job);
  return ok;
}

gboolean
cep_benchmark_train_step (const CepModelSpec  *spec,
                          CepBackend          *backend,
                          guint                batch,
                          guint                runs,
                          CepTiming           *timing,
                          GError             **error)
{
  return time_network (spec, backend, batch, train_once, runs, timing, error);
}

gboolean
cep_benchmark_inference (const CepModelSpec  *spec,
                         CepBackend          *backend,
                         guint                batch,
                         guint                runs,
                         CepTiming           *timing,
                         GError             **error)
{
  return time_network (spec, backend, batch, infer_once, runs, timing, error);
}

/* The bare GEMMs of a step */

typedef struct
{
  const CepModelSpec *spec;
  guint               batch;
  float              *activations;   /* batch × widest, read as X and dY */
  float              *weights;       /* widest × widest */
  float              *out;           /* batch × widest, written as Y, dX and dW */
} SgemmJob;

static guint
widest_layer (const CepModelSpec *spec)
{
  guint widest = cep_model_spec_get_input_dim (spec);

  for (guint i = 0; i <= cep_model_spec_get_n_blocks (spec); i++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, i);

      if (block->kind == CEP_BLOCK_LINEAR)
        widest = MAX (widest, block->width);
    }
  return widest;
}

/* Y = X·Wᵀ, dW = dYᵀ·X and (not for the first layer) dX = dY·W, as the blas backend calls them. */
static void
linear_gemms (const SgemmJob *job,
              guint           in,
              guint           out,
              gboolean        first)
{
  float *x = job->activations, *w = job->weights, *y = job->out;
  int b = (int) job->batch;

  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, b, (int) out, (int) in, 1.0f, x,
               (int) in, w, (int) in, 0.0f, y, (int) out);
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) out, (int) in, b, 1.0f, x,
               (int) out, x, (int) in, 0.0f, y, (int) in);
  if (!first)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, b, (int) in, (int) out, 1.0f, x,
                 (int) out, w, (int) in, 0.0f, y, (int) in);
}

static gboolean
sgemm_step_once (gpointer  data,
                 guint     run,
                 GError  **error)
{
  const SgemmJob *job = data;
  guint width = cep_model_spec_get_input_dim (job->spec);
  gboolean first = TRUE;

  for (guint i = 0; i <= cep_model_spec_get_n_blocks (job->spec); i++)
    {
      const CepBlock *block = cep_model_spec_get_block (job->spec, i);

      if (block->kind != CEP_BLOCK_LINEAR)
        continue;
      linear_gemms (job, width, block->width, first);
      width = block->width;
      first = FALSE;
    }
  return TRUE;
}

gboolean
cep_benchmark_sgemm_step (const CepModelSpec  *spec,
                          guint                batch,
                          guint                threads,
                          guint                runs,
                          CepTiming           *timing,
                          GError             **error)
{
  gsize widest = widest_layer (spec);
  SgemmJob job = {
    .spec = spec,
    .batch = batch,
    .activations = g_new (float, MAX (batch, widest) * widest),
    .weights = g_new (float, widest * widest),
    .out = g_new (float, MAX (batch, widest) * widest),
  };
  gboolean ok;

  fill_random (job.activations, MAX (batch, widest) * widest, 2);
  fill_random (job.weights, widest * widest, 3);
  set_openblas_threads (threads);
  ok = time_runs (sgemm_step_once, &job, runs, timing, error);
  g_free (job.activations);
  g_free (job.weights);
  g_free (job.out);
  return ok;
}

guint64
cep_benchmark_forward_gemm_flops (const CepModelSpec *spec)
{
  guint64 width = cep_model_spec_get_input_dim (spec), total = 0;

  for (guint i = 0; i <= cep_model_spec_get_n_blocks (spec); i++)
    {
      const CepBlock *block = cep_model_spec_get_block (spec, i);

      if (block->kind != CEP_BLOCK_LINEAR)
        continue;
      total += 2 * width * block->width;
      width = block->width;
    }
  return total;
}
