/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-vulkan-resident.c: the resident input path on the vulkan backend, under the Khronos
 * validation layer (any validation message fails the test).
 *
 * - The gather operation (shaders/gather-windows.comp) against ref, bit for bit: random
 *   stores and descriptors, masks on and off, bands reaching past the window, windows that
 *   leave the store (zeros) and output rows past the end (skipped).
 * - A store cut into pieces (a 4 KiB binding limit, CEPSTRA_VULKAN_MAX_BINDING): every
 *   gathered batch equals CepBatchProducer's host batch.
 * - The trainer on vulkan: resident, with per-step losses equal to the host path's on the
 *   same backend and within the parity tolerance of test-vulkan-training.c (2e-3 relative)
 *   of blas's; and the fallback to the host path, with its reason in metrics.jsonl, when the
 *   store does not fit (CEPSTRA_VULKAN_MEMORY_AVAILABLE).
 */
#include <math.h>
#include <string.h>

#include "backend-test-util.h"
#include "cep-batch-producer.h"
#include "cep-network.h"
#include "cep-trainer.h"
#include "train-test-util.h"
#include "vulkan-test-util.h"

#define CONTEXT_MAX 5
#define BATCH       32
#define LOSS_RTOL   2e-3

static CepBackend *ref_backend;

/* ---- the operation ------------------------------------------------------------------ */

typedef struct
{
  guint          n, store_rows, out_rows;
  CepGatherShape shape;
  float         *store;
  gint32        *samples;
} GatherCase;

static guint32
random_band (GRand *rand,
             guint  extent)
{
  guint start = (guint) g_rand_int_range (rand, 0, extent + 2);
  guint width = (guint) g_rand_int_range (rand, 0, extent + 1);
  return start | width << 16;
}

static void
gather_case_init (GatherCase *c,
                  guint32     seed,
                  guint       freq_slots,
                  guint       time_slots)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);

  c->n = 57;
  c->store_rows = 301;
  c->out_rows = 55;   /* two samples write past the end: skipped */
  c->shape = (CepGatherShape) { 7, -4, 9, CEP_GATHER_SAMPLE_WORDS (freq_slots, time_slots) };
  c->store = test_random_floats (rand, (gsize) c->store_rows * c->shape.dim, -2.0f, 2.0f);
  c->samples = g_new0 (gint32, (gsize) c->n * c->shape.sample_words);
  for (guint s = 0; s < c->n; s++)
    {
      gint32 *d = c->samples + (gsize) s * c->shape.sample_words;
      /* Rows 0..3 and the last ones leave the store. */
      d[0] = g_rand_int_range (rand, 0, (gint32) c->store_rows + 3);
      d[1] = (gint32) ((s * 31) % (c->out_rows + 2));
      if (c->shape.sample_words == 2)
        continue;
      guint n_freq = (guint) g_rand_int_range (rand, 0, freq_slots + 1);
      guint n_time = (guint) g_rand_int_range (rand, 0, time_slots + 1);
      d[2] = (gint32) (n_freq | n_time << 16);
      for (guint b = 0; b < n_freq; b++)
        d[3 + b] = (gint32) random_band (rand, c->shape.dim);
      for (guint b = 0; b < n_time; b++)
        d[3 + n_freq + b] = (gint32) random_band (rand, c->shape.window_frames);
    }
}

static void
gather_case_clear (GatherCase *c)
{
  g_free (c->store);
  g_free (c->samples);
}

static float *
run_gather (CepBackend       *backend,
            const GatherCase *c)
{
  gsize out_words = (gsize) c->out_rows * c->shape.window_frames * c->shape.dim;
  gsize store_words = (gsize) c->store_rows * c->shape.dim;
  gsize sample_words = (gsize) c->n * c->shape.sample_words;
  g_autoptr (CepBuffer) store = cep_buffer_new (backend, store_words + 3, NULL);
  g_autoptr (CepBuffer) samples = cep_buffer_new (backend, sample_words, NULL);
  g_autoptr (CepBuffer) out = cep_buffer_new (backend, out_words, NULL);
  float *result = g_new (float, out_words);

  cep_buffer_upload (store, 3, c->store, store_words);
  cep_buffer_upload (samples, 0, c->samples, sample_words);
  cep_backend_fill (backend, out_words, 42.0f, cep_view (out, 0));
  cep_backend_gather_windows (backend, c->n, c->shape, cep_view (store, 3), c->store_rows,
                              cep_view (samples, 0), cep_view (out, 0), c->out_rows);
  cep_buffer_download (out, 0, result, out_words);
  return result;
}

static void
test_gather_op (void)
{
  static const guint slots[][2] = { { 0, 0 }, { 2, 2 }, { 8, 8 }, { 3, 0 }, { 0, 5 } };
  CepBackend *vulkan = vulkan_test_backend (CEP_VULKAN_VALIDATION_STANDARD);

  if (vulkan == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      GatherCase c;
      gather_case_init (&c, 100 + i, slots[i][0], slots[i][1]);
      gsize out_words = (gsize) c.out_rows * c.shape.window_frames * c.shape.dim;
      g_autofree float *want = run_gather (ref_backend, &c);
      g_autofree float *got = run_gather (vulkan, &c);
      g_assert_cmpmem (got, out_words * 4, want, out_words * 4);
      gather_case_clear (&c);
    }
}

/* ---- a store in pieces ---------------------------------------------------------------- */

static CepPartition *
load_toy (const char *root,
          const char *name)
{
  g_autofree char *folder = g_build_filename (root, name, NULL);
  g_autoptr (GError) error = NULL;
  CepLoadOptions options;

  cep_load_options_init (&options);
  options.context_max = CONTEXT_MAX;
  CepPartition *partition = cep_partition_load (folder, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return partition;
}

static CepBatchProducer *
new_producer (CepPartition *partition,
              gboolean      frames_only)
{
  g_autoptr (GError) error = NULL;
  CepBatchOptions options;

  cep_batch_options_init (&options);
  options.context = 2;
  options.batch_size = BATCH;
  options.seed = 3;
  options.frames_only = frames_only;
  options.augment.enabled = TRUE;
  options.augment.freq_width_min = 1;
  options.augment.freq_width_max = 2;
  options.augment.time_width_min = 1;
  options.augment.time_width_max = 3;
  CepBatchProducer *producer = cep_batch_producer_new (partition, &options, &error);
  g_assert_no_error (error);
  return producer;
}

static void
test_pieces (void)
{
  g_autofree char *root = train_test_make_dir ();
  g_autoptr (CepExperiment) experiment = train_test_toy_experiment (1);
  g_autoptr (GError) error = NULL;

  train_test_write_toy_dataset (root, 12, 1, 0);
  g_autoptr (CepPartition) train = load_toy (root, "train-clean-100");
  /* A store of ~800 rows × 4 floats against bindings of ~1000 words: several pieces. */
  g_setenv ("CEPSTRA_VULKAN_MAX_BINDING", "4096", TRUE);
  g_autoptr (CepBackend) small = vulkan_test_backend_new (CEP_VULKAN_VALIDATION_STANDARD);
  g_unsetenv ("CEPSTRA_VULKAN_MAX_BINDING");
  if (small == NULL)
    return;
  g_assert_cmpuint (cep_backend_get_max_tensor_words (small), <, 1024);
  g_autoptr (CepNetwork) network = cep_network_new (experiment->model, small, BATCH, &error);
  g_assert_no_error (error);
  g_assert_true (cep_network_make_resident (network, train, &error));
  g_assert_no_error (error);

  g_autoptr (CepBatchProducer) host = new_producer (train, FALSE);
  g_autoptr (CepBatchProducer) frames = new_producer (train, TRUE);
  CepBatch *want = cep_batch_producer_batch_new (host);
  CepBatch *got = cep_batch_producer_batch_new (frames);
  guint input_dim = cep_network_get_input_dim (network);
  g_autofree float *gathered = g_new (float, (gsize) BATCH * input_dim);
  for (guint64 b = 0; b < cep_batch_producer_get_n_batches (host); b++)
    {
      cep_batch_producer_fill (host, 1, b, want);
      cep_batch_producer_fill (frames, 1, b, got);
      g_assert_true (cep_network_gather_inputs (network, train, got, gathered, &error));
      g_assert_cmpmem (gathered, (gsize) got->n_samples * input_dim * 4, want->inputs,
                       (gsize) want->n_samples * input_dim * 4);
    }
  cep_batch_producer_batch_free (want);
  cep_batch_producer_batch_free (got);
  g_clear_pointer (&network, cep_network_free);
  vulkan_test_assert_clean (small);
  train_test_remove_tree (root);
}

/* ---- the trainer ---------------------------------------------------------------------- */

typedef struct
{
  GArray *losses;
} Losses;

static void
collect_loss (const CepTrainerEvent *event,
              gpointer               data)
{
  if (event->kind == CEP_TRAINER_EVENT_STEP)
    g_array_append_val (((Losses *) data)->losses, event->loss);
}

/* Trains the toy experiment; returns the per-step losses and the start line's input. */
static GArray *
train (const char   *root,
       const char   *backend,
       gboolean      host_input,
       CepPartition *partition,
       gboolean     *resident,
       char        **note)
{
  g_autoptr (CepExperiment) experiment = train_test_toy_experiment (2);
  g_autofree char *run_dir = g_strdup_printf ("%s/run-%s-%d-%d", root, backend, host_input,
                                              g_random_int_range (0, 1 << 30));
  Losses losses = { g_array_new (FALSE, FALSE, sizeof (double)) };
  g_autoptr (GError) error = NULL;
  CepTrainerOptions options;

  experiment->augment.enabled = TRUE;
  experiment->augment.freq_width_min = 1;
  experiment->augment.freq_width_max = 2;
  cep_trainer_options_init (&options);
  options.backend = backend;
  options.host_input = host_input;
  options.callback = collect_loss;
  options.user_data = &losses;
  g_autoptr (CepTrainer) trainer = cep_trainer_new (experiment, partition, NULL, run_dir,
                                                    &options, &error);
  g_assert_no_error (error);
  g_assert_true (cep_trainer_start (trainer, &error));
  g_assert_true (cep_trainer_wait (trainer, &error));
  g_assert_no_error (error);
  *resident = cep_trainer_is_resident (trainer);
  *note = g_strdup (cep_trainer_get_input_note (trainer));

  /* A device run's start line names its input path and why; a CPU run's has neither. */
  g_autofree char *metrics = g_build_filename (run_dir, "metrics.jsonl", NULL);
  g_autofree char *text = NULL;
  g_autofree char *path = g_strdup_printf ("\"input\": \"%s\"", *resident ? "resident"
                                                                             : "host");
  g_assert_true (g_file_get_contents (metrics, &text, NULL, NULL));
  if (g_strcmp0 (backend, "vulkan") == 0)
    g_assert_nonnull (strstr (text, path));
  else
    g_assert_null (strstr (text, "\"input\""));
  return losses.losses;
}

static void
test_trainer (void)
{
  g_autofree char *root = train_test_make_dir ();
  g_autofree char *resident_note = NULL, *host_note = NULL, *blas_note = NULL;
  gboolean resident, host, on_blas;

  if (vulkan_test_backend (CEP_VULKAN_VALIDATION_STANDARD) == NULL)
    return;
  train_test_write_toy_dataset (root, 12, 1, 0);
  g_autoptr (CepPartition) partition = load_toy (root, "train-clean-100");
  g_autoptr (GArray) a = train (root, "vulkan", FALSE, partition, &resident, &resident_note);
  g_autoptr (GArray) b = train (root, "vulkan", TRUE, partition, &host, &host_note);
  g_autoptr (GArray) c = train (root, "blas", FALSE, partition, &on_blas, &blas_note);

  g_assert_true (resident);
  g_assert_nonnull (strstr (resident_note, "resident on vulkan"));
  g_assert_false (host);
  g_assert_nonnull (strstr (host_note, "asked for"));
  g_assert_false (on_blas);
  g_assert_cmpuint (a->len, ==, b->len);
  g_assert_cmpuint (a->len, ==, c->len);
  g_assert_cmpuint (a->len, >, 10);
  g_assert_cmpmem (a->data, a->len * sizeof (double), b->data, b->len * sizeof (double));
  for (guint i = 0; i < a->len; i++)
    {
      double got = g_array_index (a, double, i), want = g_array_index (c, double, i);
      g_assert_cmpfloat (fabs (got - want), <=, LOSS_RTOL * fabs (want));
    }
  train_test_remove_tree (root);
}

static void
test_trainer_fallback (void)
{
  g_autofree char *root = train_test_make_dir ();
  g_autofree char *note = NULL;
  gboolean resident;

  if (vulkan_test_backend (CEP_VULKAN_VALIDATION_STANDARD) == NULL)
    return;
  train_test_write_toy_dataset (root, 6, 1, 0);
  g_autoptr (CepPartition) partition = load_toy (root, "train-clean-100");
  g_setenv ("CEPSTRA_VULKAN_MEMORY_AVAILABLE", "1000", TRUE);
  g_autoptr (GArray) losses = train (root, "vulkan", FALSE, partition, &resident, &note);
  g_unsetenv ("CEPSTRA_VULKAN_MEMORY_AVAILABLE");
  g_assert_false (resident);
  g_assert_cmpuint (losses->len, >, 0);
  g_assert_nonnull (strstr (note, "gathered on the host"));
  g_assert_nonnull (strstr (note, "does not fit"));
  train_test_remove_tree (root);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  ref_backend = test_backend_new ("ref", 1);

  g_test_add_func ("/vulkan-resident/gather-op", test_gather_op);
  g_test_add_func ("/vulkan-resident/pieces", test_pieces);
  g_test_add_func ("/vulkan-resident/trainer", test_trainer);
  g_test_add_func ("/vulkan-resident/trainer-fallback", test_trainer_fallback);
  status = g_test_run ();
  cep_backend_free (ref_backend);
  vulkan_test_finish ();
  return status;
}
