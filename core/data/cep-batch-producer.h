/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-batch-producer.h: assembles training batches from a partition, ahead of the consumer.
 *
 * An epoch is a seeded permutation of the selected frames (all, a fixed random fraction, or every
 * n-th); batch b of epoch e holds the windows of permutation entries [b*B, (b+1)*B), masked by
 * cep_augment_draw (seed, e, b, i). Batch contents therefore depend only on the options, the
 * seed, the epoch and the index, never on thread timing. A producer thread fills batches into a
 * bounded queue; the consumer takes them in order and gives them back to be reused.
 */
#pragma once

#include <gio/gio.h>

#include "cep-augment.h"
#include "cep-partition.h"

G_BEGIN_DECLS

#define CEP_BATCH_PRODUCER_ERROR (cep_batch_producer_error_quark ())
GQuark cep_batch_producer_error_quark (void);

typedef enum
{
  CEP_BATCH_PRODUCER_ERROR_INVALID,    /* bad options (context above context_max, batch 0, ...) */
  CEP_BATCH_PRODUCER_ERROR_CANCELLED,
} CepBatchProducerError;

typedef struct
{
  guint          context;        /* K: windows of 2K+1 frames, unless the sides differ */
  guint          context_past;   /* frames before the current one; CEP_CONTEXT_SAME (default): K */
  guint          context_future; /* frames after it; CEP_CONTEXT_SAME (default): K */
  guint          batch_size;
  guint64        seed;
  gboolean       shuffle;        /* default TRUE; FALSE keeps frame order (evaluation) */
  double         subset_fraction;/* (0, 1]: fixed random subset chosen from the seed; 1 = all */
  guint          subset_every;   /* >= 1: keep frames with index % every == 0 (applied first) */
  gboolean       drop_last;      /* drop a final partial batch */
  guint          queue_depth;    /* batches prepared ahead (default 4) */
  CepAugmentSpec augment;
  gboolean       frames_only;    /* no window copies: batches carry frames, store rows, labels
                                  * and masks, and the consumer gathers the windows itself
                                  * (cep_backend_gather_windows() on a resident store) */
} CepBatchOptions;

void cep_batch_options_init (CepBatchOptions *options);

typedef struct
{
  guint    epoch;
  guint64  index;          /* batch index within the epoch */
  guint    n_samples;      /* <= batch_size (last batch may be short) */
  guint    window_floats;  /* (past + future + 1) * D */
  float   *inputs;         /* n_samples x window_floats; NULL with frames_only */
  gint32  *labels;         /* n_samples class ids, or NULL for unlabelled partitions */
  gsize   *frames;         /* n_samples global frame indices */
  gsize   *rows;           /* frames_only: n_samples store rows (cep_partition_get_store_row) */
  CepMaskSet *masks;       /* frames_only with augmentation: n_samples mask sets (the ones
                            * the host path applies); NULL otherwise */
} CepBatch;

typedef struct _CepBatchProducer CepBatchProducer;

/* INVALID for a context (either side) above the partition's context_max, a batch size of 0 or above 2^24,
 * a fraction outside (0, 1], subset_every or queue_depth 0, or a bad augment spec. The
 * producer keeps a ref on @partition. free() stops the thread and frees every batch,
 * including those the consumer still holds. */
CepBatchProducer *cep_batch_producer_new           (CepPartition           *partition,
                                                    const CepBatchOptions  *options,
                                                    GError                **error);
void              cep_batch_producer_free          (CepBatchProducer       *self);

gsize             cep_batch_producer_get_n_samples (CepBatchProducer       *self);
guint64           cep_batch_producer_get_n_batches (CepBatchProducer       *self);

/* Starts the producer thread on @epoch (stopping any previous epoch). */
void              cep_batch_producer_start_epoch   (CepBatchProducer       *self,
                                                    guint                   epoch);
/* Next batch of the running epoch in order, blocking until it is ready; NULL at the end of the
 * epoch (or before any epoch was started), or on cancellation (then @error is set, even if a
 * batch was ready). Give it back with _release(): the thread fills queue_depth batches ahead
 * and waits when the consumer holds more than one. One consumer thread at a time. */
CepBatch         *cep_batch_producer_next          (CepBatchProducer       *self,
                                                    GCancellable           *cancellable,
                                                    GError                **error);
void              cep_batch_producer_release       (CepBatchProducer       *self,
                                                    CepBatch               *batch);

/* Synchronous and thread-free: fills @batch (allocated with _batch_new) with batch @index of
 * @epoch exactly as the thread would. For tests, the CLI's dump and the GUI. */
CepBatch         *cep_batch_producer_batch_new     (CepBatchProducer       *self);
void              cep_batch_producer_batch_free    (CepBatch               *batch);
void              cep_batch_producer_fill          (CepBatchProducer       *self,
                                                    guint                   epoch,
                                                    guint64                 index,
                                                    CepBatch               *batch);
/* The masks applied to sample @sample of batch @index of @epoch. */
void              cep_batch_producer_get_masks     (CepBatchProducer       *self,
                                                    guint                   epoch,
                                                    guint64                 index,
                                                    guint                   sample,
                                                    CepMaskSet             *masks);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepBatchProducer, cep_batch_producer_free)

G_END_DECLS
