/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-item.c: run-history list items and their column texts.
 *
 * Owns one CepRunInfo, the "compared" flag, the label and the hyperparameters (worked out on
 * first use). Must not read files (the history does).
 */
#define G_LOG_DOMAIN "cepstra-run-item"

#include "cep-run-item.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cep-format.h"

struct _CepRunItem
{
  GObject     parent_instance;

  CepRunInfo *info;
  gboolean    compared;
  char       *label;
  GHashTable *hyperparameters;   /* key → CepHyperparameter, NULL until asked */
};

enum
{
  PROP_0,
  PROP_COMPARED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CepRunItem, cep_run_item, G_TYPE_OBJECT)

CepRunItem *
cep_run_item_new (CepRunInfo *info)
{
  CepRunItem *self = g_object_new (CEP_TYPE_RUN_ITEM, NULL);

  self->info = info;
  return self;
}

const CepRunInfo *
cep_run_item_get_info (CepRunItem *self)
{
  g_return_val_if_fail (CEP_IS_RUN_ITEM (self), NULL);
  return self->info;
}

gboolean
cep_run_item_get_compared (CepRunItem *self)
{
  g_return_val_if_fail (CEP_IS_RUN_ITEM (self), FALSE);
  return self->compared;
}

void
cep_run_item_set_compared (CepRunItem *self,
                           gboolean    compared)
{
  g_return_if_fail (CEP_IS_RUN_ITEM (self));

  compared = !!compared;
  if (self->compared == compared)
    return;
  self->compared = compared;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPARED]);
}

static char *
default_label (const CepRunInfo *info)
{
  /* A run that was given a name shows it, with the folder's date and time to tell it apart. */
  if (info->experiment != NULL && info->experiment->name != NULL
      && !g_str_has_suffix (info->id, info->experiment->name))
    return g_strdup_printf ("%s · %.15s", info->experiment->name, info->id);
  return g_strdup (info->id);
}

const char *
cep_run_item_get_label (CepRunItem *self)
{
  g_return_val_if_fail (CEP_IS_RUN_ITEM (self), NULL);

  if (self->label == NULL)
    self->label = default_label (self->info);
  return self->label;
}

void
cep_run_item_set_label (CepRunItem *self,
                        const char *label)
{
  g_return_if_fail (CEP_IS_RUN_ITEM (self));

  g_free (self->label);
  self->label = g_strdup (label);
}

const CepHyperparameter *
cep_run_item_get_hyperparameter (CepRunItem *self,
                                 const char *key)
{
  g_return_val_if_fail (CEP_IS_RUN_ITEM (self) && key != NULL, NULL);

  if (self->info->experiment == NULL)
    return NULL;
  if (self->hyperparameters == NULL)
    {
      g_autoptr (GPtrArray) list = cep_hyperparameters_list (self->info->experiment);

      self->hyperparameters = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                     (GDestroyNotify) cep_hyperparameter_free);
      g_ptr_array_set_free_func (list, NULL);
      for (guint i = 0; i < list->len; i++)
        {
          CepHyperparameter *parameter = g_ptr_array_index (list, i);

          g_hash_table_replace (self->hyperparameters, parameter->key, parameter);
        }
    }
  return g_hash_table_lookup (self->hyperparameters, key);
}

double
cep_run_item_get_best_accuracy (CepRunItem *self)
{
  g_return_val_if_fail (CEP_IS_RUN_ITEM (self), NAN);
  return cep_run_curves_best_accuracy (self->info->curves);
}

static double
last_value (const GArray *values)
{
  for (guint i = values->len; i-- > 0;)
    if (isfinite (g_array_index (values, double, i)))
      return g_array_index (values, double, i);
  return NAN;
}

double
cep_run_item_get_final_loss (CepRunItem *self)
{
  g_return_val_if_fail (CEP_IS_RUN_ITEM (self), NAN);
  return last_value (self->info->curves->epoch_loss);
}

double
cep_run_item_get_training_time (CepRunItem *self)
{
  const CepRunCurves *curves;

  g_return_val_if_fail (CEP_IS_RUN_ITEM (self), NAN);

  curves = self->info->curves;
  return MAX (curves->step_time->len > 0 ? last_value (curves->step_time) : 0,
              curves->epoch_time->len > 0 ? last_value (curves->epoch_time) : 0);
}

double
cep_run_item_get_params (CepRunItem *self)
{
  g_return_val_if_fail (CEP_IS_RUN_ITEM (self), NAN);

  if (self->info->experiment == NULL)
    return NAN;
  return (double) cep_model_spec_count_params (self->info->experiment->model);
}

char *
cep_run_item_describe_loss (CepRunItem *self)
{
  double loss = cep_run_item_get_final_loss (self);

  return isfinite (loss) ? g_strdup_printf ("%.3f", loss) : g_strdup ("–");
}

char *
cep_run_item_describe_time (CepRunItem *self)
{
  return cep_format_duration (cep_run_item_get_training_time (self));
}

char *
cep_run_item_describe_model (CepRunItem *self)
{
  const CepModelSpec *model = self->info->experiment->model;
  g_autofree char *params = cep_format_short (cep_model_spec_count_params (model));

  return g_strdup_printf ("%s, K %u, %s", model->name != NULL ? model->name : "custom",
                          model->context, params);
}

char *
cep_run_item_describe_optimizer (CepRunItem *self)
{
  const CepExperimentTrain *train = &self->info->experiment->train;

  return g_strdup_printf ("%s %g, batch %u",
                          cep_experiment_optimizer_get_name (train->optimizer.kind),
                          train->optimizer.lr, train->batch_size);
}

char *
cep_run_item_describe_epochs (CepRunItem *self)
{
  return g_strdup_printf ("%u / %u", self->info->epochs_done,
                          self->info->experiment->train.epochs);
}

char *
cep_run_item_describe_accuracy (CepRunItem *self)
{
  g_autofree char *best = cep_format_percent (cep_run_curves_best_accuracy (self->info->curves));

  /* Without a dev evaluation the number is training accuracy: say so. */
  if (self->info->curves->epoch_step->len > 0 && !cep_run_curves_has_dev (self->info->curves))
    return g_strdup_printf (_("%s (training)"), best);
  return g_steal_pointer (&best);
}

static void
cep_run_item_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CepRunItem *self = CEP_RUN_ITEM (object);

  switch (prop_id)
    {
    case PROP_COMPARED:
      g_value_set_boolean (value, self->compared);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cep_run_item_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  CepRunItem *self = CEP_RUN_ITEM (object);

  switch (prop_id)
    {
    case PROP_COMPARED:
      cep_run_item_set_compared (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cep_run_item_finalize (GObject *object)
{
  CepRunItem *self = CEP_RUN_ITEM (object);

  cep_run_info_free (self->info);
  g_free (self->label);
  g_clear_pointer (&self->hyperparameters, g_hash_table_unref);
  G_OBJECT_CLASS (cep_run_item_parent_class)->finalize (object);
}

static void
cep_run_item_class_init (CepRunItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cep_run_item_get_property;
  object_class->set_property = cep_run_item_set_property;
  object_class->finalize = cep_run_item_finalize;
  properties[PROP_COMPARED] = g_param_spec_boolean ("compared", NULL, NULL, FALSE,
                                                    G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                                                    | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cep_run_item_init (CepRunItem *self)
{
}
