/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-batch-producer.c: batches are a function of (options, seed, epoch, index): the thread
 * produces exactly what cep_batch_producer_fill() computes, every selected frame comes once
 * per epoch, orders and subsets follow the seed, and the thread stops cleanly on cancellation
 * and on free.
 */
#include <string.h>

#include "cep-batch-producer.h"
#include "data-test-util.h"

#define DIM 4
#define CONTEXT_MAX 5
#define N_UTTERANCES 23

typedef struct
{
  char         *root;
  CepPartition *partition;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  gboolean labelled = data == NULL;
  g_autoptr(GError) error = NULL;
  CepLoadOptions options;

  fixture->root = data_test_make_root ();
  g_autofree char *dir = g_build_filename (fixture->root, labelled ? "train-clean-100"
                                                                   : "test-clean", NULL);
  for (guint i = 0; i < N_UTTERANCES; i++)
    {
      g_autofree char *name = g_strdup_printf ("u%02u", i);
      data_test_write_utterance (dir, name, i, 1 + (i * 7) % 40, DIM, labelled);
    }
  cep_load_options_init (&options);
  options.context_max = CONTEXT_MAX;
  fixture->partition = cep_partition_load (dir, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->partition);
  data_test_remove_tree (fixture->root);
  g_free (fixture->root);
}

static CepBatchOptions
masked_options (void)
{
  CepBatchOptions options;

  cep_batch_options_init (&options);
  options.context = 3;
  options.batch_size = 37;
  options.seed = 1234;
  options.augment.enabled = TRUE;
  options.augment.freq_width_min = 1;
  options.augment.freq_width_max = 2;
  options.augment.time_width_min = 1;
  options.augment.time_width_max = 3;
  return options;
}

static CepBatchProducer *
producer_new (CepPartition          *partition,
              const CepBatchOptions *options)
{
  g_autoptr(GError) error = NULL;
  CepBatchProducer *producer = cep_batch_producer_new (partition, options, &error);

  g_assert_no_error (error);
  return producer;
}

/* All frames of @epoch as the thread delivers them, checked against fill() batch by batch. */
static GArray *
consume_epoch (CepBatchProducer *producer,
               guint             epoch)
{
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (gsize));
  CepBatch *expected = cep_batch_producer_batch_new (producer);
  g_autoptr(GError) error = NULL;
  guint64 index = 0;
  CepBatch *batch;

  cep_batch_producer_start_epoch (producer, epoch);
  while ((batch = cep_batch_producer_next (producer, NULL, &error)) != NULL)
    {
      g_assert_cmpuint (batch->epoch, ==, epoch);
      g_assert_cmpuint (batch->index, ==, index);
      cep_batch_producer_fill (producer, epoch, index, expected);
      g_assert_cmpuint (batch->n_samples, ==, expected->n_samples);
      g_assert_cmpint (memcmp (batch->inputs, expected->inputs,
                               (gsize) batch->n_samples * batch->window_floats * sizeof (float)),
                       ==, 0);
      g_assert_cmpint (memcmp (batch->frames, expected->frames,
                               batch->n_samples * sizeof (gsize)), ==, 0);
      if (batch->labels != NULL)
        g_assert_cmpint (memcmp (batch->labels, expected->labels,
                                 batch->n_samples * sizeof (gint32)), ==, 0);
      g_array_append_vals (frames, batch->frames, batch->n_samples);
      cep_batch_producer_release (producer, batch);
      index++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (index, ==, cep_batch_producer_get_n_batches (producer));
  /* The end stays the end. */
  g_assert_null (cep_batch_producer_next (producer, NULL, &error));
  g_assert_no_error (error);
  cep_batch_producer_batch_free (expected);
  return frames;
}

static void
assert_each_once (GArray *frames,
                  gsize   n_frames)
{
  g_autofree guint *seen = g_new0 (guint, n_frames);

  g_assert_cmpuint (frames->len, ==, n_frames);
  for (guint i = 0; i < frames->len; i++)
    {
      gsize frame = g_array_index (frames, gsize, i);
      g_assert_cmpuint (frame, <, n_frames);
      g_assert_cmpuint (seen[frame]++, ==, 0);
    }
}

static gboolean
same_frames (GArray *a,
             GArray *b)
{
  return a->len == b->len && memcmp (a->data, b->data, a->len * sizeof (gsize)) == 0;
}

static void
test_threaded_equals_fill (Fixture       *fixture,
                           gconstpointer  data)
{
  CepBatchOptions options = masked_options ();
  g_autoptr(CepBatchProducer) producer = producer_new (fixture->partition, &options);
  gsize n_frames = cep_partition_get_n_frames (fixture->partition);

  g_assert_cmpuint (cep_batch_producer_get_n_samples (producer), ==, n_frames);
  g_assert_cmpuint (cep_batch_producer_get_n_batches (producer), ==, (n_frames + 36) / 37);
  for (guint epoch = 0; epoch < 3; epoch++)
    {
      g_autoptr(GArray) frames = consume_epoch (producer, epoch);
      assert_each_once (frames, n_frames);
    }
}

/* Without masks a sample is its window; with them, the window with the reported bands zeroed. */
static void
test_contents (Fixture       *fixture,
               gconstpointer  data)
{
  for (int masked = 0; masked <= 1; masked++)
    {
      CepBatchOptions options = masked_options ();
      options.augment.enabled = masked;
      g_autoptr(CepBatchProducer) producer = producer_new (fixture->partition, &options);
      CepBatch *batch = cep_batch_producer_batch_new (producer);
      guint n_frames = 2 * options.context + 1;
      g_autofree float *expected = g_new (float, n_frames * DIM);
      const guint8 *labels = cep_partition_get_labels (fixture->partition);
      guint n_masked = 0;

      for (guint64 index = 0; index < cep_batch_producer_get_n_batches (producer); index++)
        {
          cep_batch_producer_fill (producer, 5, index, batch);
          for (guint i = 0; i < batch->n_samples; i++)
            {
              CepMaskSet masks;
              memcpy (expected, cep_partition_get_window (fixture->partition, batch->frames[i],
                                                          options.context),
                      n_frames * DIM * sizeof (float));
              cep_batch_producer_get_masks (producer, 5, index, i, &masks);
              g_assert_true (masked || masks.n_freq + masks.n_time == 0);
              n_masked += masks.n_freq + masks.n_time > 0;
              cep_augment_apply (&masks, expected, n_frames, DIM);
              g_assert_cmpint (memcmp (batch->inputs + i * batch->window_floats, expected,
                                       n_frames * DIM * sizeof (float)), ==, 0);
              g_assert_cmpint (batch->labels[i], ==, labels[batch->frames[i]]);
            }
        }
      if (masked)
        g_assert_cmpuint (n_masked, >, cep_partition_get_n_frames (fixture->partition) / 2);
      cep_batch_producer_batch_free (batch);
    }
}

static void
test_per_batch_masks (Fixture       *fixture,
                      gconstpointer  data)
{
  CepBatchOptions options = masked_options ();
  options.augment.per_batch = TRUE;
  g_autoptr(CepBatchProducer) producer = producer_new (fixture->partition, &options);

  for (guint64 index = 0; index < 4; index++)
    {
      CepMaskSet first, other;
      cep_batch_producer_get_masks (producer, 1, index, 0, &first);
      for (guint i = 1; i < options.batch_size; i++)
        {
          cep_batch_producer_get_masks (producer, 1, index, i, &other);
          g_assert_cmpint (memcmp (&first, &other, sizeof first), ==, 0);
        }
    }
}

static void
test_orders (Fixture       *fixture,
             gconstpointer  data)
{
  CepBatchOptions options = masked_options ();
  g_autoptr(CepBatchProducer) producer = producer_new (fixture->partition, &options);
  g_autoptr(CepBatchProducer) twin = producer_new (fixture->partition, &options);
  options.seed++;
  g_autoptr(CepBatchProducer) other_seed = producer_new (fixture->partition, &options);

  g_autoptr(GArray) epoch0 = consume_epoch (producer, 0);
  g_autoptr(GArray) epoch1 = consume_epoch (producer, 1);
  g_autoptr(GArray) twin0 = consume_epoch (twin, 0);
  g_autoptr(GArray) other0 = consume_epoch (other_seed, 0);
  g_autoptr(GArray) again0 = consume_epoch (producer, 0);

  g_assert_false (same_frames (epoch0, epoch1));
  g_assert_true (same_frames (epoch0, twin0));
  g_assert_true (same_frames (epoch0, again0));
  g_assert_false (same_frames (epoch0, other0));
}

static void
test_no_shuffle (Fixture       *fixture,
                 gconstpointer  data)
{
  CepBatchOptions options = masked_options ();
  options.shuffle = FALSE;
  g_autoptr(CepBatchProducer) producer = producer_new (fixture->partition, &options);
  g_autoptr(GArray) frames = consume_epoch (producer, 3);

  for (guint i = 0; i < frames->len; i++)
    g_assert_cmpuint (g_array_index (frames, gsize, i), ==, i);
  g_assert_cmpuint (frames->len, ==, cep_partition_get_n_frames (fixture->partition));
}

static int
compare_frames (gconstpointer a,
                gconstpointer b)
{
  gsize x = *(const gsize *) a, y = *(const gsize *) b;
  return (x > y) - (x < y);
}

static GArray *
sorted_copy (GArray *frames)
{
  GArray *copy = g_array_copy (frames);
  g_array_sort (copy, compare_frames);
  return copy;
}

/* A fraction keeps the same frames every epoch (in a different order each time). */
static void
test_subset_fraction (Fixture       *fixture,
                      gconstpointer  data)
{
  CepBatchOptions options = masked_options ();
  gsize n_frames = cep_partition_get_n_frames (fixture->partition);
  options.subset_fraction = 0.25;
  g_autoptr(CepBatchProducer) producer = producer_new (fixture->partition, &options);
  options.seed = 99;
  g_autoptr(CepBatchProducer) other_seed = producer_new (fixture->partition, &options);
  gsize expected = (gsize) (0.25 * n_frames + 0.5);

  g_assert_cmpuint (cep_batch_producer_get_n_samples (producer), ==, expected);
  g_autoptr(GArray) epoch0 = consume_epoch (producer, 0);
  g_autoptr(GArray) epoch1 = consume_epoch (producer, 1);
  g_autoptr(GArray) other = consume_epoch (other_seed, 0);
  g_autoptr(GArray) sorted0 = sorted_copy (epoch0);
  g_autoptr(GArray) sorted1 = sorted_copy (epoch1);
  g_autoptr(GArray) sorted_other = sorted_copy (other);

  g_assert_cmpuint (epoch0->len, ==, expected);
  g_assert_false (same_frames (epoch0, epoch1));
  g_assert_true (same_frames (sorted0, sorted1));
  g_assert_false (same_frames (sorted0, sorted_other));
  for (guint i = 1; i < sorted0->len; i++)
    g_assert_cmpuint (g_array_index (sorted0, gsize, i - 1), <, g_array_index (sorted0, gsize, i));
  /* Spread over the partition, not a prefix. */
  g_assert_cmpuint (g_array_index (sorted0, gsize, sorted0->len - 1), >, n_frames / 2);
}

static void
test_subset_every (Fixture       *fixture,
                   gconstpointer  data)
{
  CepBatchOptions options = masked_options ();
  gsize n_frames = cep_partition_get_n_frames (fixture->partition);
  options.subset_every = 3;
  g_autoptr(CepBatchProducer) every = producer_new (fixture->partition, &options);
  options.subset_fraction = 0.5;
  g_autoptr(CepBatchProducer) both = producer_new (fixture->partition, &options);

  g_autoptr(GArray) frames = consume_epoch (every, 0);
  g_autoptr(GArray) sorted = sorted_copy (frames);
  g_assert_cmpuint (frames->len, ==, (n_frames + 2) / 3);
  for (guint i = 0; i < sorted->len; i++)
    g_assert_cmpuint (g_array_index (sorted, gsize, i), ==, 3 * i);

  g_autoptr(GArray) half = consume_epoch (both, 0);
  g_assert_cmpuint (half->len, ==, (gsize) (0.5 * ((n_frames + 2) / 3) + 0.5));
  for (guint i = 0; i < half->len; i++)
    g_assert_cmpuint (g_array_index (half, gsize, i) % 3, ==, 0);
}

static void
test_drop_last (Fixture       *fixture,
                gconstpointer  data)
{
  CepBatchOptions options = masked_options ();
  gsize n_frames = cep_partition_get_n_frames (fixture->partition);
  options.drop_last = TRUE;
  g_autoptr(CepBatchProducer) producer = producer_new (fixture->partition, &options);

  g_assert_cmpuint (n_frames % 37, !=, 0);
  g_assert_cmpuint (cep_batch_producer_get_n_batches (producer), ==, n_frames / 37);
  g_assert_cmpuint (cep_batch_producer_get_n_samples (producer), ==, n_frames / 37 * 37);
  g_autoptr(GArray) frames = consume_epoch (producer, 0);
  g_assert_cmpuint (frames->len, ==, n_frames / 37 * 37);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (50 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

/* The consumer keeps every batch (never releases), so the thread runs out of buffers and the
 * next call would wait forever: only the cancellation can end it. */
static void
test_cancel_midway (Fixture       *fixture,
                    gconstpointer  data)
{
  CepBatchOptions options = masked_options ();
  options.batch_size = 8;
  options.queue_depth = 1;
  g_autoptr(CepBatchProducer) producer = producer_new (fixture->partition, &options);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  cep_batch_producer_start_epoch (producer, 0);
  g_assert_nonnull (cep_batch_producer_next (producer, cancellable, &error));
  g_assert_nonnull (cep_batch_producer_next (producer, cancellable, &error));
  g_assert_no_error (error);

  GThread *canceller = g_thread_new ("cancel", cancel_later, cancellable);
  gint64 start = g_get_monotonic_time ();
  g_assert_null (cep_batch_producer_next (producer, cancellable, &error));
  g_assert_error (error, CEP_BATCH_PRODUCER_ERROR, CEP_BATCH_PRODUCER_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_thread_join (canceller);

  /* Already cancelled: no wait at all, even with batches ready. */
  g_clear_error (&error);
  g_assert_null (cep_batch_producer_next (producer, cancellable, &error));
  g_assert_error (error, CEP_BATCH_PRODUCER_ERROR, CEP_BATCH_PRODUCER_ERROR_CANCELLED);
}

/* Free with the thread blocked on a full queue, and with a batch still held. */
static void
test_free_while_running (Fixture       *fixture,
                         gconstpointer  data)
{
  CepBatchOptions options = masked_options ();
  options.batch_size = 4;
  options.queue_depth = 2;

  for (guint round = 0; round < 20; round++)
    {
      CepBatchProducer *producer = producer_new (fixture->partition, &options);
      cep_batch_producer_start_epoch (producer, round);
      if (round % 2 == 0)
        g_assert_nonnull (cep_batch_producer_next (producer, NULL, NULL));
      cep_batch_producer_free (producer);
    }
}

/* A new epoch mid-way drops the old one's prepared batches and starts from index 0. */
static void
test_restart_epoch (Fixture       *fixture,
                    gconstpointer  data)
{
  CepBatchOptions options = masked_options ();
  g_autoptr(CepBatchProducer) producer = producer_new (fixture->partition, &options);
  g_autoptr(GError) error = NULL;

  g_assert_null (cep_batch_producer_next (producer, NULL, &error));
  g_assert_no_error (error);
  cep_batch_producer_start_epoch (producer, 0);
  CepBatch *held = cep_batch_producer_next (producer, NULL, &error);
  g_assert_nonnull (held);
  g_autoptr(GArray) frames = consume_epoch (producer, 1);
  cep_batch_producer_release (producer, held);
  assert_each_once (frames, cep_partition_get_n_frames (fixture->partition));
}

static void
test_unlabelled (Fixture       *fixture,
                 gconstpointer  data)
{
  CepBatchOptions options = masked_options ();
  options.shuffle = FALSE;
  g_autoptr(CepBatchProducer) producer = producer_new (fixture->partition, &options);
  g_autoptr(GError) error = NULL;

  g_assert_false (cep_partition_is_labelled (fixture->partition));
  cep_batch_producer_start_epoch (producer, 0);
  CepBatch *batch = cep_batch_producer_next (producer, NULL, &error);
  g_assert_nonnull (batch);
  g_assert_null (batch->labels);
  cep_batch_producer_release (producer, batch);
  g_autoptr(GArray) frames = consume_epoch (producer, 0);
  assert_each_once (frames, cep_partition_get_n_frames (fixture->partition));
}

static void
assert_invalid (CepPartition          *partition,
                const CepBatchOptions *options,
                const char            *message)
{
  g_autoptr(GError) error = NULL;
  CepBatchProducer *producer = cep_batch_producer_new (partition, options, &error);

  g_assert_null (producer);
  g_assert_error (error, CEP_BATCH_PRODUCER_ERROR, CEP_BATCH_PRODUCER_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_invalid_options (Fixture       *fixture,
                      gconstpointer  data)
{
  CepBatchOptions options = masked_options ();

  options.context = CONTEXT_MAX + 1;
  assert_invalid (fixture->partition, &options, "train-clean-100: context 6 is above the "
                  "partition's context_max 5 (reload it with a larger one)");
  options = masked_options ();
  options.batch_size = 0;
  assert_invalid (fixture->partition, &options, "train-clean-100: batch size 0 is not in "
                  "1..16777216");
  options = masked_options ();
  options.subset_fraction = 0.0;
  assert_invalid (fixture->partition, &options, "train-clean-100: subset fraction 0 is not in "
                  "(0, 1]");
  options = masked_options ();
  options.subset_every = 0;
  assert_invalid (fixture->partition, &options, "train-clean-100: subset_every must be at "
                  "least 1");
  options = masked_options ();
  options.augment.time_width_min = 9;
  assert_invalid (fixture->partition, &options, "train-clean-100: time mask width: minimum 9 "
                  "is above maximum 3");

  /* K = context_max is fine. */
  options = masked_options ();
  options.context = CONTEXT_MAX;
  g_autoptr(CepBatchProducer) producer = producer_new (fixture->partition, &options);
  g_assert_nonnull (producer);
}

/* An asymmetric window holds frames t − past .. t + future of the sample's own utterance,
 * zeros past its edges: checked frame by frame against the utterance, not the store. */
static void
test_asymmetric_window (Fixture       *fixture,
                        gconstpointer  data)
{
  CepBatchOptions options = masked_options ();
  options.augment.enabled = FALSE;
  options.context_past = 4;
  options.context_future = 1;
  g_autoptr(CepBatchProducer) producer = producer_new (fixture->partition, &options);
  CepBatch *batch = cep_batch_producer_batch_new (producer);
  static const float zeros[DIM] = { 0 };

  g_assert_cmpuint (batch->window_floats, ==, (4 + 1 + 1) * DIM);
  cep_batch_producer_fill (producer, 0, 0, batch);
  for (guint i = 0; i < batch->n_samples; i++)
    {
      gsize frame = batch->frames[i];
      guint utterance = cep_partition_find_utterance (fixture->partition, frame);
      gssize first = (gssize) cep_partition_get_utterance_start (fixture->partition, utterance);
      gssize end = first + (gssize) cep_partition_get_utterance_length (fixture->partition,
                                                                       utterance);

      for (gssize w = 0; w < 6; w++)
        {
          gssize source = (gssize) frame - 4 + w;
          const float *expected = source >= first && source < end
                                  ? cep_partition_get_frame (fixture->partition, source)
                                  : zeros;

          g_assert_cmpmem (batch->inputs + i * batch->window_floats + w * DIM,
                           DIM * sizeof (float), expected, DIM * sizeof (float));
        }
    }
  cep_batch_producer_batch_free (batch);

  /* Either side above context_max is refused, naming the wider side. */
  options.context_past = 1;
  options.context_future = CONTEXT_MAX + 2;
  assert_invalid (fixture->partition, &options, "train-clean-100: context 7 is above the "
                  "partition's context_max 5 (reload it with a larger one)");
}

static void
add_test (const char *path,
          void      (*func) (Fixture *, gconstpointer),
          gboolean    labelled)
{
  g_test_add (path, Fixture, labelled ? NULL : GINT_TO_POINTER (1), fixture_set_up, func,
              fixture_tear_down);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  add_test ("/batch-producer/threaded-equals-fill", test_threaded_equals_fill, TRUE);
  add_test ("/batch-producer/contents", test_contents, TRUE);
  add_test ("/batch-producer/per-batch-masks", test_per_batch_masks, TRUE);
  add_test ("/batch-producer/orders", test_orders, TRUE);
  add_test ("/batch-producer/no-shuffle", test_no_shuffle, TRUE);
  add_test ("/batch-producer/subset-fraction", test_subset_fraction, TRUE);
  add_test ("/batch-producer/subset-every", test_subset_every, TRUE);
  add_test ("/batch-producer/drop-last", test_drop_last, TRUE);
  add_test ("/batch-producer/cancel-midway", test_cancel_midway, TRUE);
  add_test ("/batch-producer/free-while-running", test_free_while_running, TRUE);
  add_test ("/batch-producer/restart-epoch", test_restart_epoch, TRUE);
  add_test ("/batch-producer/unlabelled", test_unlabelled, FALSE);
  add_test ("/batch-producer/invalid-options", test_invalid_options, TRUE);
  add_test ("/batch-producer/asymmetric-window", test_asymmetric_window, TRUE);

  return g_test_run ();
}
