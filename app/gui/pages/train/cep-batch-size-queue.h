/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-batch-size-queue.h: the batch-size experiment of Programming Machine Learning ch. 13
 * as a queue of runs — stochastic, mini-batch and full batch (core's
 * cep_batch_size_experiment_new()), trained one after the other.
 *
 * It holds the experiments still to train and the folders of those that finished, and says
 * when all three did; whoever trains them (the Train page) asks for the next one. A run that
 * ends any other way than finished ends the whole experiment. It trains nothing itself.
 */
#pragma once

#include <glib-object.h>

#include "cep-experiment.h"

G_BEGIN_DECLS

#define CEP_TYPE_BATCH_SIZE_QUEUE (cep_batch_size_queue_get_type ())
G_DECLARE_FINAL_TYPE (CepBatchSizeQueue, cep_batch_size_queue, CEP, BATCH_SIZE_QUEUE, GObject)

CepBatchSizeQueue *cep_batch_size_queue_new           (void);
/* Queues the three runs derived from @base for a training partition of @n_train_frames
 * frames, replacing any queued before. */
void               cep_batch_size_queue_begin         (CepBatchSizeQueue   *self,
                                                       const CepExperiment *base,
                                                       gsize                n_train_frames);
/* The next experiment to train (the caller owns it), or NULL when none is left. */
CepExperiment     *cep_batch_size_queue_pop           (CepBatchSizeQueue   *self);
/* A run of the experiment finished in @run_dir. */
void               cep_batch_size_queue_run_finished  (CepBatchSizeQueue   *self,
                                                       const char          *run_dir);
/* Forgets the experiment (stopped, failed, or done and shown): nothing queued, no run
 * recorded. */
void               cep_batch_size_queue_clear         (CepBatchSizeQueue   *self);
/* Runs queued that have not started yet. */
guint              cep_batch_size_queue_get_n_queued  (CepBatchSizeQueue   *self);
/* TRUE while the experiment has runs queued or under way. */
gboolean           cep_batch_size_queue_is_active     (CepBatchSizeQueue   *self);
/* The folders of the three runs once all finished (NULL-terminated, owned by the queue),
 * else NULL. */
const char * const *cep_batch_size_queue_get_finished (CepBatchSizeQueue   *self);

G_END_DECLS
