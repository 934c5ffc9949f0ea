/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-train.c: training and inference throughput of a CepNetwork — the time of
 * cep_network_train_step() on batches already in host memory (the batch producer runs ahead
 * of it in a real run), and of cep_network_forward_eval(). Prints samples/s as the median of
 * several timed rounds, and the GEMM-equivalent GFLOP/s (samples/s × the spec's training GEMM
 * FLOPs per sample). Never fails on timing.
 *
 *   bench-train [--preset tiny|full|baseline] [--backend blas] [--threads 2] [--batch 1024]
 *               [--steps 20] [--rounds 5] [--json]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cep-model-presets.h"
#include "cep-network.h"

typedef struct
{
  char     *preset;
  char     *backend;
  int       threads;
  int       batch;
  int       steps;
  int       rounds;
  gboolean  json;
} Options;

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* A few distinct batches, so the timing does not run on one cached batch. */
#define N_BATCHES 4

typedef struct
{
  float  *inputs[N_BATCHES];
  gint32 *labels[N_BATCHES];
} Batches;

static void
make_batches (Batches *batches,
              guint    rows,
              guint    dim,
              guint    classes)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);

  for (guint b = 0; b < N_BATCHES; b++)
    {
      batches->inputs[b] = g_new (float, (gsize) rows * dim);
      batches->labels[b] = g_new (gint32, rows);
      for (gsize i = 0; i < (gsize) rows * dim; i++)
        batches->inputs[b][i] = (float) g_rand_double_range (rand, -2.0, 2.0);
      for (guint r = 0; r < rows; r++)
        batches->labels[b][r] = g_rand_int_range (rand, 0, (gint32) classes);
    }
}

static void
free_batches (Batches *batches)
{
  for (guint b = 0; b < N_BATCHES; b++)
    {
      g_free (batches->inputs[b]);
      g_free (batches->labels[b]);
    }
}

/* Samples per second of @steps training steps. */
static double
time_training (CepNetwork    *network,
               const Batches *batches,
               guint          rows,
               guint          steps,
               guint64       *step)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < steps; i++, (*step)++)
    if (!cep_network_train_step (network, batches->inputs[*step % N_BATCHES],
                                 batches->labels[*step % N_BATCHES], rows, *step, 1e-4, NULL,
                                 &error))
      g_error ("step %" G_GUINT64_FORMAT ": %s", *step, error->message);
  return (double) rows * steps * 1e6 / (g_get_monotonic_time () - start);
}

static double
time_inference (CepNetwork    *network,
                const Batches *batches,
                guint          rows,
                guint          steps,
                float         *logits)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < steps; i++)
    if (!cep_network_forward_eval (network, batches->inputs[i % N_BATCHES], rows, logits,
                                   &error))
      g_error ("%s", error->message);
  return (double) rows * steps * 1e6 / (g_get_monotonic_time () - start);
}

static void
run (const Options *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CepModelSpec) spec = cep_model_preset_new (options->preset, 28, 42, &error);
  CepBackendOptions backend_options = { (guint) options->threads };
  g_autoptr (CepBackend) backend = NULL;
  g_autoptr (CepNetwork) network = NULL;
  g_autofree float *logits = NULL;
  g_autofree double *train = g_new (double, options->rounds);
  g_autofree double *infer = g_new (double, options->rounds);
  guint rows = (guint) options->batch, dim;
  double gemm_flops, train_rate, infer_rate;
  guint64 step = 0;
  Batches batches;

  if (spec == NULL || (backend = cep_backend_new (options->backend, &backend_options,
                                                  &error)) == NULL ||
      (network = cep_network_new (spec, backend, rows, &error)) == NULL)
    g_error ("%s", error->message);
  dim = cep_network_get_input_dim (network);
  cep_network_init_parameters (network, 1);
  make_batches (&batches, rows, dim, cep_network_get_n_classes (network));
  logits = g_new (float, (gsize) rows * cep_network_get_n_classes (network));
  time_training (network, &batches, rows, 2, &step);   /* warm-up */
  for (int r = 0; r < options->rounds; r++)
    {
      train[r] = time_training (network, &batches, rows, (guint) options->steps, &step);
      infer[r] = time_inference (network, &batches, rows, (guint) options->steps, logits);
    }
  train_rate = median (train, (guint) options->rounds);
  infer_rate = median (infer, (guint) options->rounds);
  gemm_flops = (double) cep_model_spec_count_train_gemm_flops (spec);
  if (options->json)
    printf ("{\"preset\": \"%s\", \"backend\": \"%s\", \"threads\": %u, \"batch\": %u, "
            "\"train_samples_per_second\": %.1f, \"train_gemm_gflops\": %.2f, "
            "\"inference_samples_per_second\": %.1f}\n",
            options->preset, cep_backend_get_name (backend), cep_backend_get_threads (backend),
            rows, train_rate, train_rate * gemm_flops / 1e9, infer_rate);
  else
    printf ("%s on %s, batch %u: training %.0f samples/s (%.1f GEMM-equivalent GFLOP/s), "
            "inference %.0f samples/s\n", options->preset,
            cep_backend_get_description (backend), rows, train_rate,
            train_rate * gemm_flops / 1e9, infer_rate);
  free_batches (&batches);
}

int
main (int    argc,
      char **argv)
{
  Options options = { NULL, NULL, 2, 1024, 20, 5, FALSE };
  GOptionEntry entries[] = {
    { "preset", 0, 0, G_OPTION_ARG_STRING, &options.preset, "tiny, full or baseline", "NAME" },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &options.backend, "backend (blas)", "NAME" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &options.threads, "backend threads (2)", "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &options.batch, "rows per step (1024)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &options.steps, "steps per round (20)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &options.rounds, "timed rounds (5)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options.json, "one JSON object per line", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("- CepNetwork throughput");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (options.batch < 2 || options.steps < 1 || options.rounds < 1 || options.threads < 0)
    g_error ("--batch must be >= 2, --steps and --rounds >= 1");
  if (options.backend == NULL)
    options.backend = g_strdup ("blas");
  if (options.preset != NULL)
    run (&options);
  else
    for (const char *const *name = (const char *const[]) { "tiny", "full", NULL }; *name;
         name++)
      {
        options.preset = g_strdup (*name);
        run (&options);
        g_clear_pointer (&options.preset, g_free);
      }
  g_free (options.preset);
  g_free (options.backend);
  return 0;
}
