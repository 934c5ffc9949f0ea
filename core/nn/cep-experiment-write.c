/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-experiment-write.c: experiment.json as text.
 *
 * Owns the order of the objects and keys in a written file (format and version first, then
 * name, data, model, train, augment, seed; one block per line). Every key is written, so a
 * file documents its run completely. It must not decide values (cep-experiment.c).
 */
#define G_LOG_DOMAIN "cepstra-experiment"

#include "cep-experiment-private.h"
#include "cep-block-type.h"

static void
write_section (CepJsonWriter       *writer,
               const char          *key,
               const CepFieldTable *table,
               gconstpointer        base)
{
  cep_json_writer_member (writer, key);
  cep_json_writer_begin_object (writer);
  _cep_field_table_write (table, base, writer);
  cep_json_writer_end_object (writer);
}

/* {"type": "linear", "width": 512, ...} or {"type": "gelu"}, on one line. */
static void
write_block (CepJsonWriter  *writer,
             const CepBlock *block)
{
  cep_json_writer_begin_inline_object (writer);
  cep_json_writer_member (writer, "type");
  cep_json_writer_string (writer, cep_block_type_name_of (block));
  _cep_field_table_write (cep_block_type_fields_of (block), block, writer);
  cep_json_writer_end_object (writer);
}

static void
write_model (CepJsonWriter      *writer,
             const CepModelSpec *model)
{
  cep_json_writer_member (writer, "model");
  cep_json_writer_begin_object (writer);
  _cep_field_table_write (&_cep_experiment_model_fields, model, writer);
  cep_json_writer_member (writer, "blocks");
  cep_json_writer_begin_array (writer, FALSE);
  for (guint i = 0; i < model->blocks->len; i++)
    write_block (writer, &g_array_index (model->blocks, CepBlock, i));
  cep_json_writer_end_array (writer);
  cep_json_writer_member (writer, "head");
  cep_json_writer_begin_inline_object (writer);
  _cep_field_table_write (&_cep_experiment_head_fields, &model->head, writer);
  cep_json_writer_end_object (writer);
  cep_json_writer_end_object (writer);
}

static void
write_train (CepJsonWriter            *writer,
             const CepExperimentTrain *train)
{
  cep_json_writer_member (writer, "train");
  cep_json_writer_begin_object (writer);
  _cep_field_table_write (&_cep_experiment_train_fields, train, writer);
  write_section (writer, "optimizer", &_cep_experiment_optimizer_fields, &train->optimizer);
  write_section (writer, "schedule", &_cep_experiment_schedule_fields, &train->schedule);
  cep_json_writer_end_object (writer);
}

static void
write_top_field (CepJsonWriter       *writer,
                 const CepExperiment *experiment,
                 const char          *key)
{
  _cep_field_write (_cep_field_table_lookup (&_cep_experiment_top_fields, key), experiment,
                    writer);
}

char *
_cep_experiment_write (const CepExperiment *experiment)
{
  CepJsonWriter *writer = cep_json_writer_new (TRUE);

  cep_json_writer_begin_object (writer);
  cep_json_writer_member (writer, "format");
  cep_json_writer_string (writer, CEP_EXPERIMENT_FORMAT);
  cep_json_writer_member (writer, "version");
  cep_json_writer_uint (writer, CEP_EXPERIMENT_VERSION);
  write_top_field (writer, experiment, "name");
  /* Only annotated runs carry notes, so every other experiment.json stays as it was. */
  if (experiment->notes != NULL)
    write_top_field (writer, experiment, "notes");
  write_section (writer, "data", &_cep_experiment_data_fields, &experiment->data);
  write_model (writer, experiment->model);
  write_train (writer, &experiment->train);
  write_section (writer, "augment", &_cep_experiment_augment_fields, &experiment->augment);
  write_top_field (writer, experiment, "seed");
  cep_json_writer_end_object (writer);
  return cep_json_writer_finish (writer);
}
