/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-batch-size-experiment.c: the three runs of the batch-size comparison.
 */
#define G_LOG_DOMAIN "cepstra-nn"

#include "cep-batch-size-experiment.h"

static gboolean
has_batch_norm (const CepModelSpec *spec)
{
  for (guint i = 0; i < cep_model_spec_get_n_blocks (spec); i++)
    if (cep_model_spec_get_block (spec, i)->kind == CEP_BLOCK_BATCH_NORM)
      return TRUE;
  return FALSE;
}

static CepExperiment *
variant (const CepExperiment *base,
         const char          *name,
         guint                batch_size,
         guint                epochs,
         double               subset)
{
  CepExperiment *e = cep_experiment_copy (base);

  g_free (e->name);
  e->name = g_strdup (name);
  e->train.optimizer.kind = CEP_EXPERIMENT_OPTIMIZER_SGD;
  e->train.optimizer.lr = 0.05;
  e->train.optimizer.momentum = 0;
  e->train.optimizer.nesterov = FALSE;
  e->train.optimizer.weight_decay = 0;
  e->train.schedule.kind = CEP_EXPERIMENT_SCHEDULE_CONSTANT;
  e->train.schedule.warmup_steps = 0;
  e->train.batch_size = batch_size;
  e->train.epochs = epochs;
  e->data.subset_fraction = subset;
  e->data.subset_every = 1;
  e->augment.enabled = FALSE;
  return e;
}

GPtrArray *
cep_batch_size_experiment_new (const CepExperiment *base,
                               gsize                n_train_frames)
{
  GPtrArray *runs = g_ptr_array_new_with_free_func ((GDestroyNotify) cep_experiment_free);
  guint subset = (guint) MIN (n_train_frames, CEP_BATCH_SIZE_EXPERIMENT_FRAMES);
  double fraction = (double) subset / MAX (n_train_frames, 1);
  /* BatchNorm needs two rows to normalize over: the "stochastic" batch is then 2. */
  guint smallest = has_batch_norm (base->model) ? 2 : 1;

  g_return_val_if_fail (base != NULL, NULL);

  g_ptr_array_add (runs, variant (base, "sgd", smallest, 1, fraction));
  g_ptr_array_add (runs, variant (base, "mini-batch-128", 128, 8, fraction));
  g_ptr_array_add (runs, variant (base, "full-batch", MAX (subset, 2), 20, fraction));
  return runs;
}
