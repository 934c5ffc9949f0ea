/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-experiment-read.c: experiment.json to a CepExperiment.
 *
 * Owns how the objects nest and the reading policy: start from the defaults, overwrite what the
 * file gives, warn about keys nobody knows, and fail on the first value of the wrong type or
 * range with the file name and the JSON path. It must not decide defaults
 * (cep-experiment.c) or ranges (cep-experiment-fields.c).
 */
#define G_LOG_DOMAIN "cepstra-experiment"

#include "cep-experiment-private.h"
#include "cep-block-type.h"

#include <stdarg.h>
#include <string.h>

#include "cep-model-presets.h"

typedef struct
{
  const char *name;       /* the file, for messages */
  GPtrArray  *warnings;   /* of char*, may be NULL */
} Reader;

static gboolean
fail (Reader      *reader,
      GError     **error,
      int          code,
      const char  *path,
      const char  *format,
      ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail (Reader      *reader,
      GError     **error,
      int          code,
      const char  *path,
      const char  *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CEP_EXPERIMENT_ERROR, code, "%s: %s: %s", reader->name, path, message);
  return FALSE;
}

static void
warn_unknown (Reader     *reader,
              const char *path)
{
  if (reader->warnings != NULL)
    g_ptr_array_add (reader->warnings,
                     g_strdup_printf ("%s: %s: unknown key, ignored", reader->name, path));
}

static gboolean
read_field (Reader          *reader,
            const CepField  *field,
            JsonNode        *node,
            gpointer         base,
            const char      *path,
            GError         **error)
{
  g_autofree char *problem = NULL;
  g_autofree char *expected = NULL;

  if (_cep_field_read (field, node, base))
    {
      problem = _cep_field_validate (field, base);
      if (problem == NULL)
        return TRUE;
    }
  expected = _cep_field_expected (field);
  return fail (reader, error, CEP_EXPERIMENT_ERROR_INVALID, path, "expected %s", expected);
}

/* Reads every member of @object that @table knows into @base; members named in @nested are
 * the caller's, any other member is a warning. */
static gboolean
read_fields (Reader               *reader,
             JsonObject           *object,
             const char           *path,
             const CepFieldTable  *table,
             gpointer              base,
             const char * const   *nested,
             GError              **error)
{
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &key, &node))
    {
      const CepField *field = _cep_field_table_lookup (table, key);
      g_autofree char *where = _cep_field_path (path, key);

      if (field != NULL)
        {
          if (!read_field (reader, field, node, base, where, error))
            return FALSE;
        }
      else if (nested == NULL || !g_strv_contains (nested, key))
        warn_unknown (reader, where);
    }
  return TRUE;
}

/* The object at @key of @parent: NULL without error when absent. */
static gboolean
get_object (Reader       *reader,
            JsonObject   *parent,
            const char   *key,
            const char   *path,
            JsonObject  **object,
            GError      **error)
{
  JsonNode *node = json_object_get_member (parent, key);

  *object = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (reader, error, CEP_EXPERIMENT_ERROR_INVALID, path, "expected an object");
  *object = json_node_get_object (node);
  return TRUE;
}

static gboolean
read_section (Reader               *reader,
              JsonObject           *parent,
              const char           *key,
              const char           *path,
              const CepFieldTable  *table,
              gpointer              base,
              const char * const   *nested,
              JsonObject          **object,
              GError              **error)
{
  JsonObject *found = NULL;

  if (!get_object (reader, parent, key, path, &found, error))
    return FALSE;
  if (object != NULL)
    *object = found;
  return found == NULL || read_fields (reader, found, path, table, base, nested, error);
}

static gboolean
read_block (Reader      *reader,
            JsonNode    *node,
            const char  *path,
            CepBlock    *block,
            GError     **error)
{
  static const char * const nested[] = { "type", NULL };
  g_autofree char *type_path = _cep_field_path (path, "type");
  JsonObject *object;
  JsonNode *type;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (reader, error, CEP_EXPERIMENT_ERROR_INVALID, path, "expected an object");
  object = json_node_get_object (node);
  type = json_object_get_member (object, "type");
  if (type == NULL || !JSON_NODE_HOLDS_VALUE (type)
      || json_node_get_value_type (type) != G_TYPE_STRING
      || cep_block_type_parse (json_node_get_string (type), block) == NULL)
    {
      g_autofree char *choices = cep_block_type_list_names ();
      return fail (reader, error, CEP_EXPERIMENT_ERROR_INVALID, type_path, "expected one of %s",
                   choices);
    }
  return read_fields (reader, object, path, cep_block_type_fields_of (block), block, nested,
                      error);
}

static gboolean
read_blocks (Reader        *reader,
             JsonNode      *node,
             CepModelSpec  *model,
             GError       **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (reader, error, CEP_EXPERIMENT_ERROR_INVALID, "model.blocks",
                 "expected an array of blocks");
  array = json_node_get_array (node);
  g_array_set_size (model->blocks, 0);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("model.blocks[%u]", i);
      CepBlock block;

      if (!read_block (reader, json_array_get_element (array, i), path, &block, error))
        return FALSE;
      cep_model_spec_add (model, block);
    }
  return TRUE;
}

/* A whole number at @key within [min, max], or @fallback: only to build the preset a model
 * starts from. The real read (with its errors) comes after. */
static guint
peek_uint (JsonObject *object,
           const char *key,
           guint       min,
           guint       max,
           guint       fallback)
{
  JsonNode *node = json_object_get_member (object, key);
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  value = json_node_get_int (node);
  return value >= min && value <= max ? (guint) value : fallback;
}

/* The model the file's keys are applied to: its "preset" (default tiny) at its feature_dim
 * and classes. */
static CepModelSpec *
start_model (Reader      *reader,
             JsonObject  *object,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, "preset");
  const char *preset = "tiny";
  CepModelSpec *model;

  if (node != NULL)
    {
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        preset = json_node_get_string (node);
      else
        preset = "";
    }
  model = cep_model_preset_new (preset,
                                peek_uint (object, "feature_dim", 1, CEP_MODEL_MAX_FEATURE_DIM,
                                           CEP_MODEL_DEFAULT_FEATURE_DIM),
                                peek_uint (object, "classes", 2, CEP_MODEL_MAX_CLASSES,
                                           CEP_MODEL_DEFAULT_CLASSES), NULL);
  if (model == NULL)
    {
      g_autofree char *choices = g_strjoinv (", ", (char **) cep_model_preset_list ());
      fail (reader, error, CEP_EXPERIMENT_ERROR_INVALID, "model.preset", "expected one of %s",
            choices);
    }
  return model;
}

static gboolean
read_model_object (Reader        *reader,
                   JsonObject    *object,
                   CepModelSpec  *model,
                   GError       **error)
{
  static const char * const nested[] = { "preset", "blocks", "head", NULL };
  JsonNode *blocks = json_object_get_member (object, "blocks");

  if (!read_fields (reader, object, "model", &_cep_experiment_model_fields, model, nested,
                    error))
    return FALSE;
  /* "context_past"/"context_future" override K for their side; K becomes their maximum. */
  cep_model_spec_set_context_window (model, cep_model_spec_get_context_past (model),
                                     cep_model_spec_get_context_future (model));
  /* A block list of one's own is no longer the default preset: do not keep its name. */
  if (blocks != NULL && !json_object_has_member (object, "preset")
      && !json_object_has_member (object, "name"))
    cep_model_spec_set_name (model, NULL);
  if (blocks != NULL && !read_blocks (reader, blocks, model, error))
    return FALSE;
  return read_section (reader, object, "head", "model.head", &_cep_experiment_head_fields,
                       &model->head, NULL, NULL, error);
}

static gboolean
read_model (Reader         *reader,
            JsonObject     *root,
            CepExperiment  *experiment,
            GError        **error)
{
  JsonObject *object = NULL;
  CepModelSpec *model;

  if (!get_object (reader, root, "model", "model", &object, error))
    return FALSE;
  if (object == NULL)
    return TRUE;
  model = start_model (reader, object, error);
  if (model == NULL)
    return FALSE;
  cep_experiment_set_model (experiment, model);
  return read_model_object (reader, object, model, error);
}

static gboolean
read_train (Reader              *reader,
            JsonObject          *root,
            CepExperimentTrain  *train,
            GError             **error)
{
  static const char * const nested[] = { "optimizer", "schedule", NULL };
  JsonObject *object = NULL;

  if (!read_section (reader, root, "train", "train", &_cep_experiment_train_fields, train,
                     nested, &object, error))
    return FALSE;
  if (object == NULL)
    return TRUE;
  return read_section (reader, object, "optimizer", "train.optimizer",
                       &_cep_experiment_optimizer_fields, &train->optimizer, NULL, NULL, error)
         && read_section (reader, object, "schedule", "train.schedule",
                          &_cep_experiment_schedule_fields, &train->schedule, NULL, NULL,
                          error);
}

static gboolean
check_format (Reader      *reader,
              JsonObject  *root,
              GError     **error)
{
  JsonNode *format = json_object_get_member (root, "format");
  JsonNode *version = json_object_get_member (root, "version");
  gint64 number;

  if (format == NULL || !JSON_NODE_HOLDS_VALUE (format)
      || json_node_get_value_type (format) != G_TYPE_STRING
      || strcmp (json_node_get_string (format), CEP_EXPERIMENT_FORMAT) != 0)
    return fail (reader, error, CEP_EXPERIMENT_ERROR_FORMAT, "format",
                 "not a Cepstra experiment (expected \"format\": \"%s\")",
                 CEP_EXPERIMENT_FORMAT);
  if (version == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_INT64
      || (number = json_node_get_int (version)) < 1)
    return fail (reader, error, CEP_EXPERIMENT_ERROR_INVALID, "version",
                 "expected a whole number >= 1");
  if (number > CEP_EXPERIMENT_VERSION)
    return fail (reader, error, CEP_EXPERIMENT_ERROR_FORMAT, "version",
                 "%" G_GINT64_FORMAT " is newer than this Cepstra reads (%d)", number,
                 CEP_EXPERIMENT_VERSION);
  return TRUE;
}

/* Without its model or train section an experiment is most likely misspelt ("modle"), and
 * filling in defaults would train something else than the person wrote: both are required,
 * and "section": {} asks for the defaults. */
static gboolean
require_sections (Reader      *reader,
                  JsonObject  *root,
                  GError     **error)
{
  static const char * const required[] = { "model", "train" };

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (!json_object_has_member (root, required[i]))
      return fail (reader, error, CEP_EXPERIMENT_ERROR_INVALID, required[i],
                   "missing (write \"%s\": {} for the defaults)", required[i]);
  return TRUE;
}

static gboolean
read_root (Reader         *reader,
           JsonObject     *root,
           CepExperiment  *experiment,
           GError        **error)
{
  static const char * const nested[] = {
    "format", "version", "data", "model", "train", "augment", NULL
  };

  return check_format (reader, root, error)
         && require_sections (reader, root, error)
         && read_fields (reader, root, "", &_cep_experiment_top_fields, experiment, nested,
                         error)
         && read_section (reader, root, "data", "data", &_cep_experiment_data_fields,
                          &experiment->data, NULL, NULL, error)
         && read_model (reader, root, experiment, error)
         && read_train (reader, root, &experiment->train, error)
         && read_section (reader, root, "augment", "augment", &_cep_experiment_augment_fields,
                          &experiment->augment, NULL, NULL, error);
}

CepExperiment *
_cep_experiment_read (JsonNode    *root,
                      const char  *name,
                      GPtrArray   *warnings,
                      GError     **error)
{
  Reader reader = { name, warnings };
  g_autoptr(CepExperiment) experiment = cep_experiment_new ();
  g_autoptr(GError) local_error = NULL;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_FORMAT,
                   "%s: not a Cepstra experiment (not a JSON object)", name);
      return NULL;
    }
  if (!read_root (&reader, json_node_get_object (root), experiment, error))
    return NULL;
  /* What only the whole can tell: the model's structure, augment's and the optimizer's
   * combinations. */
  if (!cep_experiment_validate (experiment, &local_error))
    {
      g_set_error (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_INVALID, "%s: %s", name,
                   local_error->message);
      return NULL;
    }
  return g_steal_pointer (&experiment);
}
