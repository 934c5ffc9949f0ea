/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-experiment.c: experiments: defaults, copies, comparison, validation, files.
 *
 * Owns the default values (the seed notebook's run) and the checks that involve more than one
 * field. It must not parse or print JSON itself (cep-experiment-read.c, -write.c).
 */
#define G_LOG_DOMAIN "cepstra-experiment"

#include "cep-experiment-private.h"
#include "cep-atomic-file.h"

#include "cep-json-input.h"
#include "cep-model-presets.h"

G_DEFINE_QUARK (cep-experiment-error-quark, cep_experiment_error)

static void
data_init_default (CepExperimentData *data)
{
  data->root = NULL;
  data->train_partition = NULL;
  data->dev_partition = NULL;
  data->phonemes = NULL;
  data->normalize = TRUE;
  data->subset_fraction = 1.0;
  data->subset_every = 1;
}

/* torch.optim.AdamW's defaults with the notebook's learning rate. */
static void
optimizer_init_default (CepExperimentOptimizer *optimizer)
{
  optimizer->kind = CEP_EXPERIMENT_OPTIMIZER_ADAMW;
  optimizer->lr = 1e-3;
  optimizer->beta1 = 0.9;
  optimizer->beta2 = 0.999;
  optimizer->eps = 1e-8;
  optimizer->weight_decay = 0.01;
  optimizer->momentum = 0.0;
  optimizer->dampening = 0.0;
  optimizer->nesterov = FALSE;
}

/* Constant; the other kinds' parameters at torch's defaults. */
static void
schedule_init_default (CepExperimentSchedule *schedule)
{
  schedule->kind = CEP_EXPERIMENT_SCHEDULE_CONSTANT;
  schedule->warmup_steps = 0;
  schedule->step_size = 1;
  schedule->gamma = 0.1;
  schedule->t_max = 0;
  schedule->eta_min = 0.0;
  schedule->monitor = CEP_EXPERIMENT_MONITOR_DEV_LOSS;
  schedule->factor = 0.1;
  schedule->patience = 10;
  schedule->threshold = 1e-4;
  schedule->min_lr = 0.0;
}

static void
train_init_default (CepExperimentTrain *train)
{
  train->epochs = 5;
  train->batch_size = 1024;
  optimizer_init_default (&train->optimizer);
  schedule_init_default (&train->schedule);
  train->grad_clip_norm = 0.0;
  train->backend = g_strdup ("blas");
  train->threads = 0;
}

CepExperiment *
cep_experiment_new (void)
{
  CepExperiment *experiment = g_new0 (CepExperiment, 1);

  experiment->name = NULL;
  data_init_default (&experiment->data);
  experiment->model = cep_model_preset_new ("tiny", CEP_MODEL_DEFAULT_FEATURE_DIM,
                                            CEP_MODEL_DEFAULT_CLASSES, NULL);
  train_init_default (&experiment->train);
  cep_augment_spec_init_default (&experiment->augment);
  experiment->seed = 0;
  return experiment;
}

CepExperiment *
cep_experiment_copy (const CepExperiment *experiment)
{
  CepExperiment *copy;

  g_return_val_if_fail (experiment != NULL, NULL);

  copy = g_new0 (CepExperiment, 1);
  *copy = *experiment;
  _cep_field_table_dup_strings (&_cep_experiment_top_fields, copy);
  _cep_field_table_dup_strings (&_cep_experiment_data_fields, &copy->data);
  _cep_field_table_dup_strings (&_cep_experiment_train_fields, &copy->train);
  copy->model = cep_model_spec_copy (experiment->model);
  return copy;
}

void
cep_experiment_free (CepExperiment *experiment)
{
  if (experiment == NULL)
    return;
  _cep_field_table_clear (&_cep_experiment_top_fields, experiment);
  _cep_field_table_clear (&_cep_experiment_data_fields, &experiment->data);
  _cep_field_table_clear (&_cep_experiment_train_fields, &experiment->train);
  g_clear_pointer (&experiment->model, cep_model_spec_free);
  g_free (experiment);
}

gboolean
cep_experiment_equal (const CepExperiment *a,
                      const CepExperiment *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return _cep_field_table_equal (&_cep_experiment_top_fields, a, b)
         && _cep_field_table_equal (&_cep_experiment_data_fields, &a->data, &b->data)
         && _cep_field_table_equal (&_cep_experiment_train_fields, &a->train, &b->train)
         && _cep_field_table_equal (&_cep_experiment_optimizer_fields, &a->train.optimizer,
                                    &b->train.optimizer)
         && _cep_field_table_equal (&_cep_experiment_schedule_fields, &a->train.schedule,
                                    &b->train.schedule)
         && _cep_field_table_equal (&_cep_experiment_augment_fields, &a->augment, &b->augment)
         && cep_model_spec_equal (a->model, b->model);
}

void
cep_experiment_set_model (CepExperiment *experiment,
                          CepModelSpec  *model)
{
  g_return_if_fail (experiment != NULL);
  g_return_if_fail (model != NULL);

  cep_model_spec_free (experiment->model);
  experiment->model = model;
}

/* Prefixes a GError of another domain with @path and turns it into ours. */
static gboolean
fail_with_path (GError     **error,
                GError      *cause,
                const char  *path)
{
  g_set_error (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_INVALID, "%s%s%s", path,
               path[0] != '\0' ? "." : "", cause->message);
  g_error_free (cause);
  return FALSE;
}

static gboolean
validate_combinations (const CepExperiment  *experiment,
                       GError              **error)
{
  const CepExperimentOptimizer *optimizer = &experiment->train.optimizer;
  GError *cause = NULL;

  if (optimizer->nesterov && !(optimizer->momentum > 0 && optimizer->dampening == 0))
    {
      g_set_error_literal (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_INVALID,
                           "train.optimizer.nesterov: needs momentum > 0 and dampening 0");
      return FALSE;
    }
  if (!cep_augment_spec_validate (&experiment->augment, &cause))
    {
      g_set_error (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_INVALID, "augment: %s",
                   cause->message);
      g_error_free (cause);
      return FALSE;
    }
  if (!cep_model_spec_validate (experiment->model, &cause))
    return fail_with_path (error, cause, "model");
  return TRUE;
}

gboolean
cep_experiment_validate (const CepExperiment  *experiment,
                         GError              **error)
{
  g_return_val_if_fail (experiment != NULL, FALSE);
  g_return_val_if_fail (experiment->model != NULL, FALSE);

  return _cep_field_table_validate (&_cep_experiment_top_fields, experiment, "", error)
         && _cep_field_table_validate (&_cep_experiment_data_fields, &experiment->data, "data",
                                       error)
         && _cep_field_table_validate (&_cep_experiment_model_fields, experiment->model,
                                       "model", error)
         && _cep_field_table_validate (&_cep_experiment_train_fields, &experiment->train,
                                       "train", error)
         && _cep_field_table_validate (&_cep_experiment_optimizer_fields,
                                       &experiment->train.optimizer, "train.optimizer", error)
         && _cep_field_table_validate (&_cep_experiment_schedule_fields,
                                       &experiment->train.schedule, "train.schedule", error)
         && _cep_field_table_validate (&_cep_experiment_augment_fields, &experiment->augment,
                                       "augment", error)
         && validate_combinations (experiment, error);
}

char *
cep_experiment_to_json (const CepExperiment *experiment)
{
  g_return_val_if_fail (experiment != NULL, NULL);
  return _cep_experiment_write (experiment);
}

gboolean
cep_experiment_check_param_limit (const CepExperiment  *experiment,
                                  GError              **error)
{
  g_autofree char *over = NULL;

  g_return_val_if_fail (experiment != NULL, FALSE);

  over = cep_model_spec_check_param_limit (experiment->model);
  if (over == NULL)
    return TRUE;
  g_set_error (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_INVALID,
               "model.param_limit: %s; make the model smaller or raise the limit", over);
  return FALSE;
}

const char *
cep_experiment_get_display_name (const CepExperiment *experiment)
{
  g_return_val_if_fail (experiment != NULL, NULL);

  if (experiment->name != NULL && *experiment->name != '\0')
    return experiment->name;
  if (experiment->model->name != NULL && *experiment->model->name != '\0')
    return experiment->model->name;
  return "run";
}

static char **
steal_warnings (GPtrArray *warnings)
{
  g_ptr_array_add (warnings, NULL);
  return (char **) g_ptr_array_free (warnings, FALSE);
}

CepExperiment *
cep_experiment_new_from_json (const char   *text,
                              gssize        length,
                              const char   *name,
                              char       ***warnings,
                              GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  CepExperiment *experiment;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (warnings != NULL)
    *warnings = NULL;
  if (!cep_json_input_load (parser, text, length, name, CEP_JSON_MAX_DOCUMENT, &local_error))
    {
      g_set_error_literal (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_PARSE,
                           local_error->message);
      return NULL;
    }
  experiment = _cep_experiment_read (json_parser_get_root (parser), name, found, error);
  if (experiment != NULL && warnings != NULL)
    *warnings = steal_warnings (g_steal_pointer (&found));
  return experiment;
}

CepExperiment *
cep_experiment_new_from_node (JsonNode     *node,
                              const char   *name,
                              char       ***warnings,
                              GError      **error)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  CepExperiment *experiment;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (warnings != NULL)
    *warnings = NULL;
  experiment = _cep_experiment_read (node, name, found, error);
  if (experiment != NULL && warnings != NULL)
    *warnings = steal_warnings (g_steal_pointer (&found));
  return experiment;
}

CepExperiment *
cep_experiment_load (const char   *path,
                     char       ***warnings,
                     GError      **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (warnings != NULL)
    *warnings = NULL;
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      /* GLib's message names the file. */
      g_set_error_literal (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_IO,
                           local_error->message);
      return NULL;
    }
  return cep_experiment_new_from_json (contents, (gssize) length, path, warnings, error);
}

gboolean
cep_experiment_save (const CepExperiment  *experiment,
                     const char           *path,
                     GError              **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (experiment != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!cep_experiment_validate (experiment, &local_error))
    {
      g_set_error (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_INVALID, "%s: %s", path,
                   local_error->message);
      return FALSE;
    }
  text = cep_experiment_to_json (experiment);
  if (!cep_atomic_file_set_contents (path, text, strlen (text), &local_error))
    {
      g_set_error_literal (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_IO,
                           local_error->message);
      return FALSE;
    }
  return TRUE;
}

const char *
cep_experiment_optimizer_get_name (CepExperimentOptimizerKind kind)
{
  g_return_val_if_fail ((guint) kind <= CEP_EXPERIMENT_OPTIMIZER_SGD, NULL);
  return _cep_experiment_optimizer_names[kind];
}

const char *
cep_experiment_schedule_get_name (CepExperimentScheduleKind kind)
{
  g_return_val_if_fail ((guint) kind <= CEP_EXPERIMENT_SCHEDULE_PLATEAU, NULL);
  return _cep_experiment_schedule_names[kind];
}

gboolean
cep_experiment_optimizer_from_name (const char                 *name,
                                    CepExperimentOptimizerKind *kind)
{
  for (guint i = 0; i <= CEP_EXPERIMENT_OPTIMIZER_SGD; i++)
    if (g_strcmp0 (name, _cep_experiment_optimizer_names[i]) == 0)
      {
        *kind = (CepExperimentOptimizerKind) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
cep_experiment_schedule_from_name (const char                *name,
                                   CepExperimentScheduleKind *kind)
{
  for (guint i = 0; i <= CEP_EXPERIMENT_SCHEDULE_PLATEAU; i++)
    if (g_strcmp0 (name, _cep_experiment_schedule_names[i]) == 0)
      {
        *kind = (CepExperimentScheduleKind) i;
        return TRUE;
      }
  return FALSE;
}
