/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-batch-producer.c: training batches from a partition, assembled ahead on a thread.
 *
 * Owns frame selection (every n-th, then a fixed random subset), the per-epoch order, filling
 * batches (windows copied from the partition's store, masks applied, labels and frame indices
 * alongside) and the hand-off between one producer thread and one consumer through a bounded
 * set of reusable buffers. It must not decide anything from timing: the contents of batch b of
 * epoch e are a function of the options, the seed, e and b only, which is what lets
 * cep_batch_producer_fill() reproduce any batch without the thread.
 *
 * Randomness: the subset is drawn from (seed, CEP_RNG_STREAM_SUBSET) by selection sampling
 * (Knuth's algorithm S, so it comes out in frame order and is the same every epoch); the
 * order of epoch e is a Fisher-Yates shuffle drawn from (seed, CEP_RNG_STREAM_SHUFFLE, e);
 * masks come from cep_augment_draw().
 */
#define G_LOG_DOMAIN "cepstra-batch-producer"

#include "cep-batch-producer.h"

#include <math.h>
#include <string.h>

#include "cep-context-window.h"
#include "cep-rng.h"

G_DEFINE_QUARK (cep-batch-producer-error-quark, cep_batch_producer_error)

/* How often a long shuffle looks at the stop flag. */
#define STOP_CHECK_INTERVAL 65536

/* The order of one epoch: shared by the thread and cep_batch_producer_fill(). */
typedef struct
{
  gint     ref_count;
  guint    epoch;
  guint32 *frames;   /* n_selected frame indices */
} EpochOrder;

struct _CepBatchProducer
{
  CepPartition    *partition;
  CepBatchOptions  options;
  guint            dim;
  guint            window_frames;
  guint            window_floats;
  const guint8    *partition_labels;

  guint32         *selected;      /* selected frames, ascending */
  gsize            n_selected;
  guint64          n_batches;

  GMutex           order_lock;
  EpochOrder      *cached_order;

  /* Producer and consumer state, under @lock. */
  GMutex           lock;
  GCond            cond;
  GThread         *thread;
  gint             stop;          /* atomic: the thread must finish */
  gboolean         running;       /* an epoch was started and not stopped */
  gboolean         finished;      /* the thread produced the epoch's last batch */
  guint            epoch;
  guint64          next_index;    /* next batch the thread will fill */
  GQueue           ready;         /* filled batches, in index order */
  GQueue           idle;          /* buffers free for the thread */
  GPtrArray       *buffers;       /* every buffer, for free() */
};

void
cep_batch_options_init (CepBatchOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->context = 30;
  options->context_past = CEP_CONTEXT_SAME;
  options->context_future = CEP_CONTEXT_SAME;
  options->batch_size = 1024;
  options->seed = 0;
  options->shuffle = TRUE;
  options->subset_fraction = 1.0;
  options->subset_every = 1;
  options->drop_last = FALSE;
  options->queue_depth = 4;
  cep_augment_spec_init_default (&options->augment);
}

/* ---- options and frame selection ----------------------------------------------------- */

static guint
context_past (const CepBatchOptions *options)
{
  return cep_context_side (options->context_past, options->context);
}

static guint
context_future (const CepBatchOptions *options)
{
  return cep_context_side (options->context_future, options->context);
}

/* The padding a window needs on either side of its frame. */
static guint
context_reach (const CepBatchOptions *options)
{
  return MAX (context_past (options), context_future (options));
}

static gboolean
validate_options (const CepBatchOptions  *options,
                  CepPartition           *partition,
                  GError                **error)
{
  const char *problem = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(GError) augment_error = NULL;

  if (context_reach (options) > cep_partition_get_context_max (partition))
    detail = g_strdup_printf ("context %u is above the partition's context_max %u (reload it "
                              "with a larger one)", context_reach (options),
                              cep_partition_get_context_max (partition));
  else if (options->batch_size == 0 || options->batch_size > CEP_RNG_MAX_INDEX + 1)
    detail = g_strdup_printf ("batch size %u is not in 1..%u", options->batch_size,
                              CEP_RNG_MAX_INDEX + 1);
  else if (!(options->subset_fraction > 0.0 && options->subset_fraction <= 1.0))
    detail = g_strdup_printf ("subset fraction %g is not in (0, 1]", options->subset_fraction);
  else if (options->subset_every > 0 && options->subset_fraction < 1.0
           && round (options->subset_fraction
                     * (double) ((cep_partition_get_n_frames (partition)
                                  + options->subset_every - 1) / options->subset_every)) < 1.0)
    /* Training on a frame that rounding made up would look like a run and mean nothing. */
    detail = g_strdup_printf ("subset fraction %g of %" G_GSIZE_FORMAT " frames keeps none",
                              options->subset_fraction, cep_partition_get_n_frames (partition));
  else if (options->subset_every == 0)
    problem = "subset_every must be at least 1";
  else if (options->queue_depth == 0)
    problem = "queue depth must be at least 1";
  else if (cep_partition_get_n_frames (partition) > G_MAXUINT32)
    problem = "partitions of more than 2^32 frames are not supported";
  else if (!cep_augment_spec_validate (&options->augment, &augment_error))
    problem = augment_error->message;

  if (problem == NULL && detail == NULL)
    return TRUE;
  g_set_error (error, CEP_BATCH_PRODUCER_ERROR, CEP_BATCH_PRODUCER_ERROR_INVALID, "%s: %s",
               cep_partition_get_name (partition), detail != NULL ? detail : problem);
  return FALSE;
}

/* How many frames a fraction keeps: rounded, at least one. */
static gsize
subset_size (gsize  n_candidates,
             double fraction)
{
  double kept = round (fraction * (double) n_candidates);
  return fraction >= 1.0 ? n_candidates : MAX ((gsize) kept, (gsize) 1);
}

/* Frames with index % every == 0, then exactly subset_size() of them by selection sampling:
 * candidate i is kept with probability (still needed) / (still available). */
static void
select_frames (CepBatchProducer *self)
{
  gsize n_frames = cep_partition_get_n_frames (self->partition);
  guint every = self->options.subset_every;
  gsize n_candidates = (n_frames + every - 1) / every;
  gsize wanted = subset_size (n_candidates, self->options.subset_fraction);
  gsize kept = 0;
  CepRng rng;

  self->selected = g_new (guint32, MAX (wanted, 1));
  cep_rng_init (&rng, self->options.seed, CEP_RNG_STREAM_SUBSET, 0, 0);
  for (gsize i = 0; i < n_candidates && kept < wanted; i++)
    {
      gboolean keep = wanted == n_candidates
                      || cep_rng_range (&rng, 0, (guint32) (n_candidates - i - 1)) < wanted - kept;
      if (keep)
        self->selected[kept++] = (guint32) (i * every);
    }
  self->n_selected = kept;
}

/* ---- epoch orders -------------------------------------------------------------------- */

static void
epoch_order_unref (EpochOrder *order)
{
  if (order != NULL && g_atomic_int_dec_and_test (&order->ref_count))
    {
      g_free (order->frames);
      g_free (order);
    }
}

/* Fisher-Yates over the selected frames; NULL if @stop was raised meanwhile. */
static EpochOrder *
epoch_order_new (CepBatchProducer *self,
                 guint             epoch,
                 const gint       *stop)
{
  EpochOrder *order = g_new0 (EpochOrder, 1);
  guint32 *frames = g_memdup2 (self->selected, self->n_selected * sizeof (guint32));
  CepRng rng;

  order->ref_count = 1;
  order->epoch = epoch;
  order->frames = frames;
  cep_rng_init (&rng, self->options.seed, CEP_RNG_STREAM_SHUFFLE, epoch, 0);
  for (gsize i = self->n_selected - 1; i > 0; i--)
    {
      if (stop != NULL && i % STOP_CHECK_INTERVAL == 0 && g_atomic_int_get (stop))
        {
          epoch_order_unref (order);
          return NULL;
        }
      guint32 j = cep_rng_range (&rng, 0, (guint32) i);
      guint32 swap = frames[i];
      frames[i] = frames[j];
      frames[j] = swap;
    }
  return order;
}

/* The order of @epoch, computed once and shared while it stays the latest one asked for. */
static EpochOrder *
get_order (CepBatchProducer *self,
           guint             epoch,
           const gint       *stop)
{
  EpochOrder *order = NULL;

  g_mutex_lock (&self->order_lock);
  if (self->cached_order != NULL && self->cached_order->epoch == epoch)
    {
      order = self->cached_order;
      g_atomic_int_inc (&order->ref_count);
    }
  g_mutex_unlock (&self->order_lock);
  if (order != NULL)
    return order;

  order = epoch_order_new (self, epoch, stop);
  if (order == NULL)
    return NULL;
  g_mutex_lock (&self->order_lock);
  epoch_order_unref (self->cached_order);
  self->cached_order = order;
  g_atomic_int_inc (&order->ref_count);
  g_mutex_unlock (&self->order_lock);
  return order;
}

/* ---- filling ------------------------------------------------------------------------- */

CepBatch *
cep_batch_producer_batch_new (CepBatchProducer *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  CepBatch *batch = g_new0 (CepBatch, 1);
  gsize n = self->options.batch_size;

  batch->window_floats = self->window_floats;
  batch->frames = g_new0 (gsize, n);
  if (self->options.frames_only)
    batch->rows = g_new0 (gsize, n);
  else
    batch->inputs = g_new0 (float, n * self->window_floats);
  if (self->options.frames_only && self->options.augment.enabled)
    batch->masks = g_new0 (CepMaskSet, n);
  if (self->partition_labels != NULL)
    batch->labels = g_new0 (gint32, n);
  return batch;
}

void
cep_batch_producer_batch_free (CepBatch *batch)
{
  if (batch == NULL)
    return;
  g_free (batch->inputs);
  g_free (batch->frames);
  g_free (batch->labels);
  g_free (batch->rows);
  g_free (batch->masks);
  g_free (batch);
}

/* frames_only: the store row and the masks, no copy. */
static void
fill_sample_frame (CepBatchProducer *self,
                   CepBatch         *batch,
                   guint             sample,
                   gsize             frame)
{
  batch->rows[sample] = cep_partition_get_store_row (self->partition, frame);
  if (batch->masks != NULL)
    cep_augment_draw (&self->options.augment, self->options.seed, batch->epoch, batch->index,
                      sample, self->window_frames, self->dim, &batch->masks[sample]);
  batch->frames[sample] = frame;
  if (batch->labels != NULL)
    batch->labels[sample] = self->partition_labels[frame];
}

static void
fill_sample (CepBatchProducer *self,
             CepBatch         *batch,
             guint             sample,
             gsize            frame)
{
  if (self->options.frames_only)
    {
      fill_sample_frame (self, batch, sample, frame);
      return;
    }

  float *window = batch->inputs + (gsize) sample * self->window_floats;
  const float *source = cep_partition_get_window (self->partition, frame,
                                                  context_past (&self->options));

  memcpy (window, source, self->window_floats * sizeof (float));
  if (self->options.augment.enabled)
    {
      CepMaskSet masks;
      cep_augment_draw (&self->options.augment, self->options.seed, batch->epoch, batch->index,
                        sample, self->window_frames, self->dim, &masks);
      cep_augment_apply (&masks, window, self->window_frames, self->dim);
    }
  batch->frames[sample] = frame;
  if (batch->labels != NULL)
    batch->labels[sample] = self->partition_labels[frame];
}

static guint
batch_n_samples (CepBatchProducer *self,
                 guint64           index)
{
  gsize first = (gsize) index * self->options.batch_size;

  if (index >= self->n_batches)
    return 0;
  return (guint) MIN ((gsize) self->options.batch_size, self->n_selected - first);
}

static void
fill_from_order (CepBatchProducer *self,
                 const guint32    *order,
                 guint             epoch,
                 guint64           index,
                 CepBatch         *batch)
{
  gsize first = (gsize) index * self->options.batch_size;

  batch->epoch = epoch;
  batch->index = index;
  batch->n_samples = batch_n_samples (self, index);
  batch->window_floats = self->window_floats;
  for (guint i = 0; i < batch->n_samples; i++)
    fill_sample (self, batch, i, order[first + i]);
}

void
cep_batch_producer_fill (CepBatchProducer *self,
                         guint             epoch,
                         guint64           index,
                         CepBatch         *batch)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (batch != NULL);

  if (!self->options.shuffle)
    {
      fill_from_order (self, self->selected, epoch, index, batch);
      return;
    }
  EpochOrder *order = get_order (self, epoch, NULL);
  fill_from_order (self, order->frames, epoch, index, batch);
  epoch_order_unref (order);
}

void
cep_batch_producer_get_masks (CepBatchProducer *self,
                              guint             epoch,
                              guint64           index,
                              guint             sample,
                              CepMaskSet       *masks)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (masks != NULL);

  cep_augment_draw (&self->options.augment, self->options.seed, epoch, index, sample,
                    self->window_frames, self->dim, masks);
}

/* ---- the producer thread ------------------------------------------------------------- */

/* Waits for an idle buffer; NULL when told to stop. Called with @lock held. */
static CepBatch *
take_idle_buffer (CepBatchProducer *self)
{
  while (g_queue_is_empty (&self->idle) && !g_atomic_int_get (&self->stop))
    g_cond_wait (&self->cond, &self->lock);
  return g_atomic_int_get (&self->stop) ? NULL : g_queue_pop_head (&self->idle);
}

static void
producer_finish (CepBatchProducer *self)
{
  g_mutex_lock (&self->lock);
  self->finished = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gpointer
producer_thread (gpointer data)
{
  CepBatchProducer *self = data;
  guint epoch = self->epoch;
  EpochOrder *order = self->options.shuffle ? get_order (self, epoch, &self->stop) : NULL;
  const guint32 *frames = order != NULL ? order->frames : self->selected;

  while (frames != NULL)
    {
      g_mutex_lock (&self->lock);
      CepBatch *batch = self->next_index < self->n_batches ? take_idle_buffer (self) : NULL;
      guint64 index = self->next_index++;
      g_mutex_unlock (&self->lock);
      if (batch == NULL)
        break;

      fill_from_order (self, frames, epoch, index, batch);
      g_mutex_lock (&self->lock);
      g_queue_push_tail (&self->ready, batch);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
    }
  epoch_order_unref (order);
  producer_finish (self);
  return NULL;
}

/* Stops the thread (if any) and takes back the batches it prepared. */
static void
stop_thread (CepBatchProducer *self)
{
  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->lock);
  g_atomic_int_set (&self->stop, 1);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);
  self->thread = NULL;

  g_mutex_lock (&self->lock);
  while (!g_queue_is_empty (&self->ready))
    g_queue_push_tail (&self->idle, g_queue_pop_head (&self->ready));
  self->running = FALSE;
  g_mutex_unlock (&self->lock);
}

void
cep_batch_producer_start_epoch (CepBatchProducer *self,
                                guint             epoch)
{
  g_return_if_fail (self != NULL);

  stop_thread (self);
  g_mutex_lock (&self->lock);
  self->epoch = epoch;
  self->next_index = 0;
  self->finished = FALSE;
  self->running = TRUE;
  g_atomic_int_set (&self->stop, 0);
  g_mutex_unlock (&self->lock);
  self->thread = g_thread_new ("cep-batch-producer", producer_thread, self);
}

static void
wake_consumer (GCancellable *cancellable,
               gpointer      data)
{
  CepBatchProducer *self = data;

  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

CepBatch *
cep_batch_producer_next (CepBatchProducer  *self,
                         GCancellable      *cancellable,
                         GError           **error)
{
  CepBatch *batch = NULL;
  gulong handler = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Connected before taking the lock: the handler takes it to wake the wait below. */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_consumer), self, NULL);
  g_mutex_lock (&self->lock);
  while (batch == NULL)
    {
      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (!g_queue_is_empty (&self->ready))
        batch = g_queue_pop_head (&self->ready);
      else if (!self->running || self->finished)
        break;
      else
        g_cond_wait (&self->cond, &self->lock);
    }
  g_mutex_unlock (&self->lock);
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  if (batch == NULL && g_cancellable_is_cancelled (cancellable))
    g_set_error (error, CEP_BATCH_PRODUCER_ERROR, CEP_BATCH_PRODUCER_ERROR_CANCELLED,
                 "%s: batch production was cancelled", cep_partition_get_name (self->partition));
  return batch;
}

void
cep_batch_producer_release (CepBatchProducer *self,
                            CepBatch         *batch)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (batch != NULL);

  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->idle, batch);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* ---- life cycle ---------------------------------------------------------------------- */

/* The thread fills queue_depth batches ahead; one more is with the consumer. */
static void
allocate_buffers (CepBatchProducer *self)
{
  self->buffers = g_ptr_array_new_with_free_func ((GDestroyNotify) cep_batch_producer_batch_free);
  for (guint i = 0; i < self->options.queue_depth + 1; i++)
    {
      CepBatch *batch = cep_batch_producer_batch_new (self);
      g_ptr_array_add (self->buffers, batch);
      g_queue_push_tail (&self->idle, batch);
    }
}

CepBatchProducer *
cep_batch_producer_new (CepPartition           *partition,
                        const CepBatchOptions  *options,
                        GError                **error)
{
  CepBatchOptions defaults;

  g_return_val_if_fail (CEP_IS_PARTITION (partition), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    {
      cep_batch_options_init (&defaults);
      options = &defaults;
    }
  if (!validate_options (options, partition, error))
    return NULL;

  CepBatchProducer *self = g_new0 (CepBatchProducer, 1);
  self->partition = g_object_ref (partition);
  self->options = *options;
  self->dim = cep_partition_get_feature_dim (partition);
  self->window_frames = cep_context_window_frames (context_past (options),
                                                  context_future (options));
  self->window_floats = self->window_frames * self->dim;
  self->partition_labels = cep_partition_get_labels (partition);
  g_mutex_init (&self->order_lock);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->ready);
  g_queue_init (&self->idle);

  select_frames (self);
  self->n_batches = options->drop_last ? self->n_selected / options->batch_size
                    : (self->n_selected + options->batch_size - 1) / options->batch_size;
  allocate_buffers (self);
  return self;
}

void
cep_batch_producer_free (CepBatchProducer *self)
{
  if (self == NULL)
    return;
  stop_thread (self);
  g_queue_clear (&self->ready);
  g_queue_clear (&self->idle);
  g_ptr_array_unref (self->buffers);
  epoch_order_unref (self->cached_order);
  g_free (self->selected);
  g_mutex_clear (&self->order_lock);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_object_unref (self->partition);
  g_free (self);
}

gsize
cep_batch_producer_get_n_samples (CepBatchProducer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->options.drop_last ? (gsize) self->n_batches * self->options.batch_size
                                 : self->n_selected;
}

guint64
cep_batch_producer_get_n_batches (CepBatchProducer *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_batches;
}
