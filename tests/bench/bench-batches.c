/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-batches.c: how many samples per second the batch producer assembles.
 *
 * K = 30, D = 28, batch 1024, shuffled, SpecAugment masks on (the seed notebook's numbers,
 * per sample). Measures cep_batch_producer_fill() on the calling thread, and the producer
 * thread feeding a consumer that only touches each batch. The partition is generated with the
 * npy writer (300 utterances of 300..1500 frames) unless --partition names one.
 *
 *   bench-batches [--partition DIR] [--runs N] [--batches N]
 *
 * fill() is reported per wall second and per CPU second of the calling thread (steadier on
 * a shared machine); the threaded path per wall second. Timings are printed, never asserted.
 */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cep-batch-producer.h"
#include "cep-npy.h"
#include "cep-rng.h"

#define DIM 28
#define CONTEXT 30
#define BATCH 1024

static void
die_on_error (GError *error)
{
  if (error == NULL)
    return;
  fprintf (stderr, "bench-batches: %s\n", error->message);
  exit (1);
}

static void
generate (const char *partition,
          guint       n_utterances)
{
  g_autofree char *mfcc = g_build_filename (partition, "mfcc", NULL);
  g_autofree char *transcript = g_build_filename (partition, "transcript", NULL);
  CepRng rng;

  g_mkdir_with_parents (mfcc, 0755);
  g_mkdir_with_parents (transcript, 0755);
  cep_rng_init (&rng, 7, CEP_RNG_STREAM_DEMO, 0, 0);
  for (guint u = 0; u < n_utterances; u++)
    {
      gsize n = cep_rng_range (&rng, 300, 1500);
      g_autofree float *values = g_new (float, n * DIM);
      g_autofree gint64 *labels = g_new (gint64, n);
      g_autofree char *file = g_strdup_printf ("utt%05u.npy", u);
      g_autofree char *mfcc_path = g_build_filename (mfcc, file, NULL);
      g_autofree char *transcript_path = g_build_filename (transcript, file, NULL);
      gsize shape[2] = { n, DIM };
      GError *error = NULL;

      for (gsize i = 0; i < n * DIM; i++)
        values[i] = cep_rng_uniform (&rng) * 10.0f - 5.0f;
      for (gsize t = 0; t < n; t++)
        labels[t] = (gint64) ((t / 7 + u) % 40);
      cep_npy_write_float32 (mfcc_path, values, 2, shape, &error);
      die_on_error (error);
      cep_npy_write_int64 (transcript_path, labels, n, &error);
      die_on_error (error);
    }
}

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
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

static double
thread_cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

/* Samples per wall second (and per CPU second in @per_cpu) of fill() over @n_batches batches
 * of epoch @epoch. */
static double
run_fill (CepBatchProducer *producer,
          guint             epoch,
          guint64           n_batches,
          double           *per_cpu)
{
  CepBatch *batch = cep_batch_producer_batch_new (producer);
  guint64 samples = 0;

  /* The epoch's order is computed on first use; keep it out of the timing. */
  cep_batch_producer_fill (producer, epoch, 0, batch);
  gint64 start = g_get_monotonic_time ();
  double cpu_start = thread_cpu_seconds ();
  for (guint64 b = 0; b < n_batches; b++)
    {
      cep_batch_producer_fill (producer, epoch, b, batch);
      samples += batch->n_samples;
    }
  double seconds = (g_get_monotonic_time () - start) / 1e6;
  *per_cpu = samples / (thread_cpu_seconds () - cpu_start);
  cep_batch_producer_batch_free (batch);
  return samples / seconds;
}

/* Samples per second a consumer receives from the thread in steady state (the clock starts
 * at the first batch, after the epoch's shuffle); it reads one value per sample. */
static double
run_threaded (CepBatchProducer *producer,
              guint             epoch,
              guint64           n_batches,
              double           *checksum)
{
  guint64 samples = 0;
  gint64 start = 0;
  GError *error = NULL;
  CepBatch *batch;

  cep_batch_producer_start_epoch (producer, epoch);
  for (guint64 b = 0; b <= n_batches && (batch = cep_batch_producer_next (producer, NULL, &error));
       b++)
    {
      for (guint i = 0; i < batch->n_samples; i++)
        *checksum += batch->inputs[(gsize) i * batch->window_floats + CONTEXT * DIM];
      if (b == 0)
        start = g_get_monotonic_time ();
      else
        samples += batch->n_samples;
      cep_batch_producer_release (producer, batch);
    }
  die_on_error (error);
  return samples / ((g_get_monotonic_time () - start) / 1e6);
}

static void
bench_case (CepPartition *partition,
            const char   *label,
            gboolean      masks,
            gboolean      per_batch,
            guint         runs,
            guint64       max_batches)
{
  CepBatchOptions options;
  GError *error = NULL;
  double checksum = 0;

  cep_batch_options_init (&options);
  options.context = CONTEXT;
  options.batch_size = BATCH;
  options.seed = 42;
  options.augment.enabled = masks;
  options.augment.per_batch = per_batch;
  CepBatchProducer *producer = cep_batch_producer_new (partition, &options, &error);
  die_on_error (error);

  guint64 n_batches = MIN (max_batches, cep_batch_producer_get_n_batches (producer));
  g_autofree double *fill = g_new (double, runs);
  g_autofree double *fill_cpu = g_new (double, runs);
  g_autofree double *threaded = g_new (double, runs);
  for (guint r = 0; r < runs; r++)
    {
      fill[r] = run_fill (producer, r, n_batches, &fill_cpu[r]);
      threaded[r] = run_threaded (producer, r + 100, n_batches, &checksum);
    }
  printf ("%-17s fill: %8.0f /s wall, %8.0f /s cpu   threaded: %8.0f /s wall   (checksum %.1f)\n",
          label, median (fill, runs), median (fill_cpu, runs), median (threaded, runs),
          checksum);
  cep_batch_producer_free (producer);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *partition_dir = NULL;
  gint runs = 7, max_batches = 300;
  GOptionEntry entries[] = {
    { "partition", 0, 0, G_OPTION_ARG_FILENAME, &partition_dir, "Use this partition", "DIR" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Timed runs (default 7)", "N" },
    { "batches", 0, 0, G_OPTION_ARG_INT, &max_batches, "Batches per run (default 300)", "N" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- batch producer benchmark");
  g_autofree char *root = NULL;
  GError *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_parse (context, &argc, &argv, &error);
  die_on_error (error);
  if (partition_dir == NULL)
    {
      root = g_dir_make_tmp ("cep-bench-batches-XXXXXX", &error);
      die_on_error (error);
      partition_dir = g_build_filename (root, "train-clean-100", NULL);
      generate (partition_dir, 300);
    }

  CepLoadOptions load_options;
  cep_load_options_init (&load_options);
  load_options.context_max = CONTEXT;
  CepPartition *partition = cep_partition_load (partition_dir, &load_options, NULL, NULL, NULL,
                                                &error);
  die_on_error (error);
  printf ("partition: %u utterances, %" G_GSIZE_FORMAT " frames, K = %d, D = %u, batch %d;"
          " medians of %d runs of %d batches (samples per second)\n",
          cep_partition_get_n_utterances (partition), cep_partition_get_n_frames (partition),
          CONTEXT, cep_partition_get_feature_dim (partition), BATCH, runs, max_batches);

  bench_case (partition, "masks per sample", TRUE, FALSE, runs, max_batches);
  bench_case (partition, "masks per batch", TRUE, TRUE, runs, max_batches);
  bench_case (partition, "no masks", FALSE, FALSE, runs, max_batches);
  g_object_unref (partition);

  if (root != NULL)
    {
      g_autofree char *command = g_strdup_printf ("rm -rf '%s'", root);
      if (system (command) != 0)
        fprintf (stderr, "could not remove %s\n", root);
    }
  return 0;
}
