/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-batch-size-queue.c: the batch-size experiment's runs, queued.
 */
#define G_LOG_DOMAIN "cepstra-batch-size-queue"

#include "cep-batch-size-queue.h"

#include "cep-batch-size-experiment.h"

struct _CepBatchSizeQueue
{
  GObject    parent_instance;

  GQueue     queued;       /* CepExperiment*: runs to come */
  GPtrArray *finished;     /* run folders, NULL-terminated; NULL when no experiment is on */
  guint      n_runs;       /* how many the experiment has */
};

G_DEFINE_FINAL_TYPE (CepBatchSizeQueue, cep_batch_size_queue, G_TYPE_OBJECT)

CepBatchSizeQueue *
cep_batch_size_queue_new (void)
{
  return g_object_new (CEP_TYPE_BATCH_SIZE_QUEUE, NULL);
}

void
cep_batch_size_queue_clear (CepBatchSizeQueue *self)
{
  g_return_if_fail (CEP_IS_BATCH_SIZE_QUEUE (self));

  g_queue_clear_full (&self->queued, (GDestroyNotify) cep_experiment_free);
  g_clear_pointer (&self->finished, g_ptr_array_unref);
  self->n_runs = 0;
}

void
cep_batch_size_queue_begin (CepBatchSizeQueue   *self,
                            const CepExperiment *base,
                            gsize                n_train_frames)
{
  g_autoptr (GPtrArray) runs = NULL;

  g_return_if_fail (CEP_IS_BATCH_SIZE_QUEUE (self));
  g_return_if_fail (base != NULL);

  cep_batch_size_queue_clear (self);
  runs = cep_batch_size_experiment_new (base, n_train_frames);
  /* The queue takes the experiments over. */
  g_ptr_array_set_free_func (runs, NULL);
  for (guint i = 0; i < runs->len; i++)
    g_queue_push_tail (&self->queued, g_ptr_array_index (runs, i));
  self->n_runs = runs->len;
  self->finished = g_ptr_array_new_null_terminated (runs->len, g_free, TRUE);
}

CepExperiment *
cep_batch_size_queue_pop (CepBatchSizeQueue *self)
{
  g_return_val_if_fail (CEP_IS_BATCH_SIZE_QUEUE (self), NULL);
  return g_queue_pop_head (&self->queued);
}

void
cep_batch_size_queue_run_finished (CepBatchSizeQueue *self,
                                   const char        *run_dir)
{
  g_return_if_fail (CEP_IS_BATCH_SIZE_QUEUE (self));
  g_return_if_fail (run_dir != NULL);

  if (self->finished != NULL && self->finished->len < self->n_runs)
    g_ptr_array_add (self->finished, g_strdup (run_dir));
}

guint
cep_batch_size_queue_get_n_queued (CepBatchSizeQueue *self)
{
  g_return_val_if_fail (CEP_IS_BATCH_SIZE_QUEUE (self), 0);
  return self->queued.length;
}

gboolean
cep_batch_size_queue_is_active (CepBatchSizeQueue *self)
{
  g_return_val_if_fail (CEP_IS_BATCH_SIZE_QUEUE (self), FALSE);
  return self->finished != NULL;
}

const char * const *
cep_batch_size_queue_get_finished (CepBatchSizeQueue *self)
{
  g_return_val_if_fail (CEP_IS_BATCH_SIZE_QUEUE (self), NULL);

  if (self->finished == NULL || self->n_runs == 0 || self->finished->len < self->n_runs)
    return NULL;
  return (const char * const *) self->finished->pdata;
}

static void
cep_batch_size_queue_finalize (GObject *object)
{
  cep_batch_size_queue_clear (CEP_BATCH_SIZE_QUEUE (object));
  G_OBJECT_CLASS (cep_batch_size_queue_parent_class)->finalize (object);
}

static void
cep_batch_size_queue_class_init (CepBatchSizeQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cep_batch_size_queue_finalize;
}

static void
cep_batch_size_queue_init (CepBatchSizeQueue *self)
{
  g_queue_init (&self->queued);
}
