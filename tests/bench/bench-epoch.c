/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench-epoch.c: one training epoch of a preset over a dataset's training partition, on one
 * backend, through the resident input path (the frame store on the backend, windows
 * gathered there from frame indices) and through the host path (the batch producer copies
 * every window and the step uploads it), side by side. Prints per path the samples/s of the
 * whole epoch and its split: time the trainer waited for the producer, time in the steps
 * (gather or upload, forward, backward, optimizer, the scalars read back), and the one-off
 * upload of the store. The load of the partition is timed once. Each path starts from the
 * same parameters, so its mean loss must match the other's (the inputs are bit-identical).
 * Never fails on timing.
 *
 * Make a dataset of HW1P2's size with tests/bench/make-hw1p2-dataset.py.
 *
 *   bench-epoch DATASET [--partition train-clean-100] [--preset tiny] [--backend vulkan]
 *               [--device NAME|INDEX] [--batch 1024] [--path both|resident|host]
 *               [--max-batches N] [--masks] [--threads N] [--json]
 */
#include <stdio.h>
#include <string.h>

#include "cep-batch-producer.h"
#include "cep-model-presets.h"
#include "cep-network.h"

typedef struct
{
  char     *partition;
  char     *preset;
  char     *backend;
  char     *device;
  char     *path;
  int       batch;
  int       max_batches;
  int       threads;
  gboolean  masks;
  gboolean  json;
} Options;

typedef struct
{
  const char *path;
  guint64     batches;
  guint64     samples;
  double      upload_s;      /* the store, once (resident path) */
  double      wait_s;        /* waiting for the producer */
  double      step_s;        /* inside the train step */
  double      total_s;       /* the epoch, waits included */
  double      loss;          /* mean over the epoch's steps */
} EpochTiming;

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

static CepPartition *
load_partition (const char *dataset,
                const char *name,
                guint       context,
                double     *seconds,
                GError    **error)
{
  g_autofree char *folder = g_build_filename (dataset, name, NULL);
  gint64 start = g_get_monotonic_time ();
  CepLoadOptions options;

  cep_load_options_init (&options);
  options.context_max = context;
  CepPartition *partition = cep_partition_load (folder, &options, NULL, NULL, NULL, error);
  *seconds = seconds_since (start);
  return partition;
}

static CepBatchProducer *
new_producer (CepPartition  *partition,
              const Options *options,
              guint          context,
              gboolean       frames_only,
              GError       **error)
{
  CepBatchOptions batch;

  cep_batch_options_init (&batch);
  batch.context = context;
  batch.batch_size = (guint) options->batch;
  batch.seed = 1;
  batch.drop_last = TRUE;   /* BatchNorm refuses a final batch of one row */
  batch.frames_only = frames_only;
  batch.augment.enabled = options->masks;
  return cep_batch_producer_new (partition, &batch, error);
}

/* One epoch (or its first max_batches batches) through one path. */
static gboolean
run_epoch (CepNetwork    *network,
           CepPartition  *partition,
           const Options *options,
           gboolean       resident,
           EpochTiming   *timing,
           GError       **error)
{
  guint context = cep_network_get_spec (network)->context;
  g_autoptr (CepBatchProducer) producer = new_producer (partition, options, context, resident,
                                                        error);
  double loss_sum = 0.0;
  CepBatch *batch;

  if (producer == NULL)
    return FALSE;
  /* Both paths start from the same parameters: equal inputs give equal mean losses. */
  cep_network_init_parameters (network, 1);
  *timing = (EpochTiming) { resident ? "resident" : "host" };
  gint64 start = g_get_monotonic_time ();
  if (resident && !cep_network_make_resident (network, partition, error))
    return FALSE;
  cep_backend_synchronize (cep_network_get_backend (network));
  timing->upload_s = seconds_since (start);

  start = g_get_monotonic_time ();
  cep_batch_producer_start_epoch (producer, 0);
  for (;;)
    {
      gint64 wait_start = g_get_monotonic_time ();
      if (options->max_batches > 0 && timing->batches >= (guint64) options->max_batches)
        break;
      batch = cep_batch_producer_next (producer, NULL, error);
      if (batch == NULL)
        break;
      gint64 step_start = g_get_monotonic_time ();
      CepStepStats stats;
      gboolean ok = resident
                    ? cep_network_train_step_batch (network, partition, batch, timing->batches,
                                                    1e-3, &stats, error)
                    : cep_network_train_step (network, batch->inputs, batch->labels,
                                              batch->n_samples, timing->batches, 1e-3, &stats,
                                              error);
      timing->wait_s += (step_start - wait_start) / 1e6;
      timing->step_s += seconds_since (step_start);
      timing->samples += batch->n_samples;
      timing->batches++;
      loss_sum += stats.loss;
      cep_batch_producer_release (producer, batch);
      if (!ok)
        return FALSE;
    }
  timing->total_s = seconds_since (start);
  timing->loss = timing->batches > 0 ? loss_sum / timing->batches : 0.0;
  cep_network_drop_resident (network);
  return error == NULL || *error == NULL;
}

static void
print_timing (const EpochTiming *t,
              const Options     *options,
              CepBackend        *backend,
              gboolean           json)
{
  double rate = t->total_s > 0 ? t->samples / t->total_s : 0.0;

  if (json)
    {
      printf ("{\"path\": \"%s\", \"preset\": \"%s\", \"backend\": \"%s\", \"device\": \"%s\", "
              "\"batch\": %d, \"masks\": %s, \"batches\": %" G_GUINT64_FORMAT ", \"samples\": %"
              G_GUINT64_FORMAT ", \"seconds\": %.3f, \"samples_per_second\": %.0f, "
              "\"wait_seconds\": %.3f, \"step_seconds\": %.3f, \"store_upload_seconds\": %.3f, "
              "\"mean_loss\": %.4f}\n", t->path, options->preset, cep_backend_get_name (backend),
              cep_backend_get_device_name (backend) ? cep_backend_get_device_name (backend) : "",
              options->batch, options->masks ? "true" : "false", t->batches, t->samples,
              t->total_s, rate, t->wait_s, t->step_s, t->upload_s, t->loss);
      fflush (stdout);
      return;
    }
  printf ("%-8s  %8" G_GUINT64_FORMAT " batches  %11" G_GUINT64_FORMAT " samples  %8.2f s  "
          "%10.0f samples/s  producer wait %7.2f s  steps %7.2f s  store upload %6.2f s  "
          "mean loss %.4f\n", t->path, t->batches, t->samples, t->total_s, rate, t->wait_s,
          t->step_s, t->upload_s, t->loss);
  fflush (stdout);
}

static gboolean
parse_options (int      *argc,
               char   ***argv,
               Options  *options)
{
  GOptionEntry entries[] = {
    { "partition", 0, 0, G_OPTION_ARG_STRING, &options->partition,
      "training partition (train-clean-100)", "NAME" },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &options->preset, "tiny, full or baseline", "NAME" },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &options->backend, "backend (vulkan)", "NAME" },
    { "device", 0, 0, G_OPTION_ARG_STRING, &options->device, "vulkan device", "NAME|INDEX" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &options->batch, "rows per step (1024)", "N" },
    { "path", 0, 0, G_OPTION_ARG_STRING, &options->path, "both, resident or host", "PATH" },
    { "max-batches", 0, 0, G_OPTION_ARG_INT, &options->max_batches,
      "stop each epoch after N batches (0: the whole epoch)", "N" },
    { "masks", 0, 0, G_OPTION_ARG_NONE, &options->masks, "SpecAugment masks on", NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &options->threads, "CPU backend threads", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json, "one JSON object per path", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("DATASET - one epoch, "
                                                             "resident and host input paths");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error) || *argc != 2 ||
      options->batch < 2)
    {
      fprintf (stderr, "bench-epoch: %s\n", error != NULL ? error->message
                                            : "give one DATASET folder (and a batch >= 2)");
      return FALSE;
    }
  return TRUE;
}

static gboolean
run (const char    *dataset,
     const Options *options,
     GError       **error)
{
  g_autoptr (CepModelSpec) probe = cep_model_preset_new (options->preset, 1, 40, error);
  CepBackendOptions backend_options = { .threads = (guint) options->threads,
                                        .device = options->device };
  double load_s;

  if (probe == NULL)
    return FALSE;
  guint context = probe->context;
  g_autoptr (CepPartition) partition = load_partition (dataset, options->partition, context,
                                                       &load_s, error);
  if (partition == NULL)
    return FALSE;
  g_autoptr (CepModelSpec) spec = cep_model_preset_new (options->preset,
                                                        cep_partition_get_feature_dim (partition),
                                                        40, error);
  g_autoptr (CepBackend) backend = cep_backend_new (options->backend, &backend_options, error);
  if (spec == NULL || backend == NULL)
    return FALSE;
  g_autoptr (CepNetwork) network = cep_network_new (spec, backend, (guint) options->batch,
                                                    error);
  if (network == NULL)
    return FALSE;
  if (!options->json)
    printf ("%s: %" G_GSIZE_FORMAT " frames × %u, store %.2f GB, loaded in %.1f s; %s on %s\n",
            options->partition, cep_partition_get_n_frames (partition),
            cep_partition_get_feature_dim (partition),
            cep_partition_get_store_size (partition) / 1e9, load_s, options->preset,
            cep_backend_get_description (backend));
  fflush (stdout);
  for (guint p = 0; p < 2; p++)
    {
      gboolean resident = p == 0;
      EpochTiming timing;
      if (g_strcmp0 (options->path, "both") != 0 &&
          g_strcmp0 (options->path, resident ? "resident" : "host") != 0)
        continue;
      if (!run_epoch (network, partition, options, resident, &timing, error))
        return FALSE;
      print_timing (&timing, options, backend, options->json);
    }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  Options options = { .batch = 1024 };
  g_autoptr (GError) error = NULL;

  if (!parse_options (&argc, &argv, &options))
    return 2;
  if (options.partition == NULL)
    options.partition = g_strdup ("train-clean-100");
  if (options.preset == NULL)
    options.preset = g_strdup ("tiny");
  if (options.backend == NULL)
    options.backend = g_strdup ("vulkan");
  if (options.path == NULL)
    options.path = g_strdup ("both");
  if (!run (argv[1], &options, &error))
    {
      fprintf (stderr, "bench-epoch: %s\n", error->message);
      return 1;
    }
  return 0;
}
