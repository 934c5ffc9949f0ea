/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-resident.c: the resident input path on every backend available here — the frame
 * store kept in backend memory and windows gathered there from frame indices.
 *
 * The host path is the oracle: for the same (seed, epoch, batch, sample), the windows a
 * network gathers from its resident store must equal CepBatchProducer's host batches bit
 * for bit — masks on and off, a model context below the store's context_max, an asymmetric
 * window (more past than future frames), and the last, partial batch — and training through either path must give bit-identical losses and
 * parameters on the same backend (the step sees the same inputs). The trainer keeps the
 * host path on CPU backends (and says why through cep_trainer_get_input_note()).
 */
#include <string.h>

#include "cep-batch-producer.h"
#include "cep-network.h"
#include "cep-partition.h"
#include "cep-trainer.h"
#include "train-test-util.h"

#define CONTEXT_MAX 5
#define BATCH       48

typedef struct
{
  char         *root;
  CepPartition *train;
} Fixture;

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer data)
{
  g_autofree char *folder = NULL;
  g_autoptr (GError) error = NULL;
  CepLoadOptions options;

  fixture->root = train_test_make_dir ();
  train_test_write_toy_dataset (fixture->root, 9, 3, 0);
  folder = g_build_filename (fixture->root, "train-clean-100", NULL);
  cep_load_options_init (&options);
  options.context_max = CONTEXT_MAX;
  fixture->train = cep_partition_load (folder, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer data)
{
  g_clear_object (&fixture->train);
  train_test_remove_tree (fixture->root);
  g_free (fixture->root);
}

/* The toy model's window: 2 frames on each side unless a test skews it. */
typedef struct
{
  guint past;
  guint future;
} Window;

static const Window symmetric = { 2, 2 };

static CepBatchProducer *
new_producer_for (CepPartition *partition,
                  gboolean      masks,
                  gboolean      frames_only,
                  Window        window)
{
  g_autoptr (GError) error = NULL;
  CepBatchOptions options;

  cep_batch_options_init (&options);
  options.context = 2;
  options.context_past = window.past;
  options.context_future = window.future;
  options.batch_size = BATCH;
  options.seed = 7;
  options.frames_only = frames_only;
  options.augment.enabled = masks;
  options.augment.freq_width_min = 1;
  options.augment.freq_width_max = 2;
  options.augment.time_masks_max = 3;
  options.augment.time_width_min = 1;
  options.augment.time_width_max = 3;
  CepBatchProducer *producer = cep_batch_producer_new (partition, &options, &error);
  g_assert_no_error (error);
  return producer;
}

static CepBatchProducer *
new_producer (CepPartition *partition,
              gboolean      masks,
              gboolean      frames_only)
{
  return new_producer_for (partition, masks, frames_only, symmetric);
}

static CepNetwork *
new_network_for (const char   *backend_name,
                 CepBackend  **backend,
                 Window        window)
{
  g_autoptr (CepExperiment) experiment = train_test_toy_experiment (1);
  g_autoptr (GError) error = NULL;

  cep_model_spec_set_context_window (experiment->model, window.past, window.future);

  *backend = cep_backend_new (backend_name, NULL, &error);
  g_assert_no_error (error);
  CepNetwork *network = cep_network_new (experiment->model, *backend, BATCH, &error);
  g_assert_no_error (error);
  cep_network_init_parameters (network, 7);
  return network;
}

static CepNetwork *
new_network (const char   *backend_name,
             CepBackend  **backend)
{
  return new_network_for (backend_name, backend, symmetric);
}

/* Every batch of two epochs, gathered, against the host batches. */
static void
check_gathered_for (CepNetwork   *network,
                    CepPartition *partition,
                    gboolean      masks,
                    Window        window)
{
  g_autoptr (CepBatchProducer) host = new_producer_for (partition, masks, FALSE, window);
  g_autoptr (CepBatchProducer) frames = new_producer_for (partition, masks, TRUE, window);
  CepBatch *want = cep_batch_producer_batch_new (host);
  CepBatch *got = cep_batch_producer_batch_new (frames);
  guint input_dim = cep_network_get_input_dim (network);
  g_autofree float *gathered = g_new (float, (gsize) BATCH * input_dim);
  guint64 n_batches = cep_batch_producer_get_n_batches (host);
  gboolean saw_masked = FALSE;
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (cep_batch_producer_get_n_samples (host) % BATCH, !=, 0);
  g_assert_null (got->inputs);
  for (guint epoch = 0; epoch < 2; epoch++)
    for (guint64 b = 0; b < n_batches; b++)
      {
        cep_batch_producer_fill (host, epoch, b, want);
        cep_batch_producer_fill (frames, epoch, b, got);
        g_assert_cmpuint (got->n_samples, ==, want->n_samples);
        g_assert_cmpmem (got->frames, got->n_samples * sizeof (gsize), want->frames,
                         want->n_samples * sizeof (gsize));
        g_assert_cmpmem (got->labels, got->n_samples * 4, want->labels, want->n_samples * 4);
        g_assert_true (cep_network_gather_inputs (network, partition, got, gathered, &error));
        g_assert_no_error (error);
        g_assert_cmpmem (gathered, (gsize) got->n_samples * input_dim * 4, want->inputs,
                         (gsize) want->n_samples * input_dim * 4);
        for (guint i = 0; masks && i < got->n_samples; i++)
          saw_masked = saw_masked || got->masks[i].n_freq + got->masks[i].n_time > 0;
      }
  g_assert_true (saw_masked == masks);
  cep_batch_producer_batch_free (want);
  cep_batch_producer_batch_free (got);
}

static void
check_gathered (CepNetwork   *network,
                CepPartition *partition,
                gboolean      masks)
{
  check_gathered_for (network, partition, masks, symmetric);
}

/* 4 past and 1 future frame: the backend gathers from row − 4, as the host does. */
static void
test_gather_asymmetric (Fixture      *fixture,
                        gconstpointer data)
{
  static const Window skewed = { 4, 1 };

  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    {
      g_autoptr (CepBackend) backend = NULL;
      g_autoptr (GError) error = NULL;
      CepNetwork *network = new_network_for (*name, &backend, skewed);

      g_test_message ("backend %s", *name);
      g_assert_cmpuint (cep_network_get_input_dim (network), ==, 6 * TRAIN_TEST_TOY_DIM);
      g_assert_true (cep_network_make_resident (network, fixture->train, &error));
      g_assert_no_error (error);
      check_gathered_for (network, fixture->train, FALSE, skewed);
      check_gathered_for (network, fixture->train, TRUE, skewed);
      cep_network_free (network);
    }
}

static void
test_gather_identical (Fixture      *fixture,
                       gconstpointer data)
{
  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    {
      g_autoptr (CepBackend) backend = NULL;
      g_autoptr (GError) error = NULL;
      CepNetwork *network = new_network (*name, &backend);

      g_test_message ("backend %s", *name);
      g_assert_false (cep_network_is_resident (network, fixture->train));
      g_assert_true (cep_network_make_resident (network, fixture->train, &error));
      g_assert_no_error (error);
      g_assert_true (cep_network_make_resident (network, fixture->train, &error));
      g_assert_true (cep_network_is_resident (network, fixture->train));
      check_gathered (network, fixture->train, FALSE);
      check_gathered (network, fixture->train, TRUE);
      cep_network_free (network);
    }
}

/* Three steps per path on the same backend: the same losses and parameters, bit for bit. */
static void
train_steps (CepNetwork   *network,
             CepPartition *partition,
             gboolean      resident,
             double       *losses)
{
  g_autoptr (CepBatchProducer) producer = new_producer (partition, TRUE, resident);
  CepBatch *batch = cep_batch_producer_batch_new (producer);
  g_autoptr (GError) error = NULL;
  CepStepStats stats;

  for (guint64 step = 0; step < 3; step++)
    {
      cep_batch_producer_fill (producer, 0, step, batch);
      gboolean ok = resident
                    ? cep_network_train_step_batch (network, partition, batch, step, 0.01,
                                                    &stats, &error)
                    : cep_network_train_step (network, batch->inputs, batch->labels,
                                              batch->n_samples, step, 0.01, &stats, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
      losses[step] = stats.loss;
    }
  cep_batch_producer_batch_free (batch);
}

static void
test_train_identical (Fixture      *fixture,
                      gconstpointer data)
{
  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    {
      g_autoptr (CepBackend) host_backend = NULL, resident_backend = NULL;
      CepNetwork *host = new_network (*name, &host_backend);
      CepNetwork *resident = new_network (*name, &resident_backend);
      double host_losses[3], resident_losses[3];
      g_autoptr (GError) error = NULL;

      g_test_message ("backend %s", *name);
      g_assert_true (cep_network_make_resident (resident, fixture->train, &error));
      train_steps (host, fixture->train, FALSE, host_losses);
      train_steps (resident, fixture->train, TRUE, resident_losses);
      g_assert_cmpmem (resident_losses, sizeof resident_losses, host_losses,
                       sizeof host_losses);
      gsize n = cep_network_get_n_parameters (host);
      g_autofree float *want = train_test_download (cep_network_get_parameters (host), 0, n);
      g_autofree float *got = train_test_download (cep_network_get_parameters (resident), 0, n);
      g_assert_cmpmem (got, n * 4, want, n * 4);

      /* Evaluation through the resident store scores as through host windows. */
      CepEvalResult on_host, on_device;
      g_assert_true (cep_network_evaluate (host, fixture->train, NULL, &on_host, &error));
      g_assert_true (cep_network_evaluate (resident, fixture->train, NULL, &on_device,
                                           &error));
      g_assert_no_error (error);
      g_assert_cmpuint (on_device.correct, ==, on_host.correct);
      g_assert_cmpfloat (on_device.loss, ==, on_host.loss);
      cep_network_free (host);
      cep_network_free (resident);
    }
}

static void
test_not_resident (Fixture      *fixture,
                   gconstpointer data)
{
  g_autoptr (CepBackend) backend = NULL;
  g_autoptr (CepBatchProducer) producer = new_producer (fixture->train, FALSE, TRUE);
  CepNetwork *network = new_network ("ref", &backend);
  CepBatch *batch = cep_batch_producer_batch_new (producer);
  g_autoptr (GError) error = NULL;
  CepStepStats stats;

  cep_batch_producer_fill (producer, 0, 0, batch);
  g_assert_false (cep_network_train_step_batch (network, fixture->train, batch, 0, 0.01,
                                                &stats, &error));
  g_assert_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not resident"));
  cep_batch_producer_batch_free (batch);
  cep_network_free (network);
}

/* A model context above the store's context_max cannot use the store. */
static void
test_context_too_large (Fixture      *fixture,
                        gconstpointer data)
{
  g_autoptr (CepExperiment) experiment = train_test_toy_experiment (1);
  g_autoptr (CepBackend) backend = cep_backend_new ("ref", NULL, NULL);
  g_autoptr (GError) error = NULL;

  experiment->model->context = CONTEXT_MAX + 1;
  g_autoptr (CepNetwork) network = cep_network_new (experiment->model, backend, BATCH, &error);
  g_assert_no_error (error);
  g_assert_false (cep_network_make_resident (network, fixture->train, &error));
  g_assert_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "context_max 5"));
}

/* On a CPU backend the trainer keeps the host path and writes why. */
static void
test_trainer_host_path (Fixture      *fixture,
                        gconstpointer data)
{
  g_autoptr (CepExperiment) experiment = train_test_toy_experiment (1);
  g_autofree char *run_dir = g_build_filename (fixture->root, "run", NULL);
  g_autofree char *metrics = g_build_filename (run_dir, "metrics.jsonl", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  CepTrainerOptions options;

  cep_trainer_options_init (&options);
  g_autoptr (CepTrainer) trainer = cep_trainer_new (experiment, fixture->train, NULL, run_dir,
                                                    &options, &error);
  g_assert_no_error (error);
  g_assert_true (cep_trainer_start (trainer, &error));
  g_assert_true (cep_trainer_wait (trainer, &error));
  g_assert_no_error (error);
  g_assert_false (cep_trainer_is_resident (trainer));
  g_assert_nonnull (strstr (cep_trainer_get_input_note (trainer), "CPU backend"));
  g_assert_true (g_file_get_contents (metrics, &text, NULL, NULL));
  /* CPU runs keep their metrics lines as before: no input members. */
  g_assert_null (strstr (text, "\"input\""));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/resident/gather-identical", Fixture, NULL, fixture_set_up,
              test_gather_identical, fixture_tear_down);
  g_test_add ("/resident/gather-asymmetric", Fixture, NULL, fixture_set_up,
              test_gather_asymmetric, fixture_tear_down);
  g_test_add ("/resident/train-identical", Fixture, NULL, fixture_set_up,
              test_train_identical, fixture_tear_down);
  g_test_add ("/resident/not-resident", Fixture, NULL, fixture_set_up, test_not_resident,
              fixture_tear_down);
  g_test_add ("/resident/context-too-large", Fixture, NULL, fixture_set_up,
              test_context_too_large, fixture_tear_down);
  g_test_add ("/resident/trainer-host-path", Fixture, NULL, fixture_set_up,
              test_trainer_host_path, fixture_tear_down);
  return g_test_run ();
}
