/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-hyperparameters.c: an experiment as flat key → value pairs.
 *
 * Walks the experiment's own JSON (cep_experiment_to_json), so a setting added to
 * experiment.json is a key here with no change.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-hyperparameters.h"
#include "cep-json-writer.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (cep-hyperparameters-error-quark, cep_hyperparameters_error)

/* Not settings of the training: what the file is, and the student's words. */
static const char * const skipped_keys[] = { "format", "version", "name", "notes", NULL };
/* Where the data lies and how many threads ran it: differ between machines, not runs. */
static const char * const unvarying_prefixes[] = { "data.root", "data.phonemes", "train.threads",
                                                   "train.device", NULL };

void
cep_hyperparameter_free (CepHyperparameter *parameter)
{
  if (parameter == NULL)
    return;
  g_free (parameter->key);
  g_free (parameter->value);
  g_free (parameter);
}

static void
add (GPtrArray  *list,
     const char *key,
     char       *value,
     double      number)
{
  CepHyperparameter *parameter = g_new0 (CepHyperparameter, 1);

  parameter->key = g_strdup (key);
  parameter->value = value;
  parameter->number = number;
  g_ptr_array_add (list, parameter);
}

/* A scalar's text and number. */
static char *
describe_value (JsonNode *node,
                double   *number)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  GType type = json_node_get_value_type (node);

  *number = NAN;
  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");
  if (type == G_TYPE_BOOLEAN)
    {
      *number = json_node_get_boolean (node) ? 1 : 0;
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    }
  if (type == G_TYPE_INT64)
    {
      *number = (double) json_node_get_int (node);
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    }
  if (type == G_TYPE_DOUBLE)
    {
      *number = json_node_get_double (node);
      return g_strdup (cep_json_format_double (*number, buffer));
    }
  return g_strdup (json_node_get_string (node));
}

/* A list item: a scalar's text, an object's type (and width, for a linear block). */
static void
append_item (GString  *text,
             JsonNode *item)
{
  double unused;

  if (text->len > 0)
    g_string_append (text, JSON_NODE_HOLDS_OBJECT (item) ? " · " : ", ");
  if (JSON_NODE_HOLDS_OBJECT (item))
    {
      JsonObject *object = json_node_get_object (item);

      g_string_append (text, json_object_get_string_member_with_default (object, "type", "?"));
      if (json_object_has_member (object, "width"))
        g_string_append_printf (text, " %" G_GINT64_FORMAT,
                                json_object_get_int_member (object, "width"));
    }
  else if (JSON_NODE_HOLDS_VALUE (item) || JSON_NODE_HOLDS_NULL (item))
    {
      g_autofree char *value = describe_value (item, &unused);

      g_string_append (text, value);
    }
}

static char *
describe_array (JsonArray *array)
{
  g_autoptr (GString) text = g_string_new (NULL);
  gboolean objects = json_array_get_length (array) > 0
                     && JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, 0));

  for (guint i = 0; i < json_array_get_length (array); i++)
    append_item (text, json_array_get_element (array, i));
  return objects ? g_strdup (text->str) : g_strdup_printf ("[%s]", text->str);
}

static void walk_object (GPtrArray  *list,
                         const char *prefix,
                         JsonObject *object);

static void
walk_member (JsonObject  *object,
             const char  *name,
             JsonNode    *node,
             gpointer     user_data)
{
  GPtrArray *list = ((gpointer *) user_data)[0];
  const char *prefix = ((gpointer *) user_data)[1];
  g_autofree char *key = *prefix != '\0' ? g_strconcat (prefix, ".", name, NULL)
                                         : g_strdup (name);
  double number = NAN;

  /* An object's "type" is its own value already ("train.optimizer" = "adamw"). */
  if (g_strv_contains (skipped_keys, key) || (*prefix != '\0' && g_str_equal (name, "type")))
    return;
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *child = json_node_get_object (node);

      if (json_object_has_member (child, "type"))
        add (list, key, g_strdup (json_object_get_string_member (child, "type")), NAN);
      walk_object (list, key, child);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    add (list, key, describe_array (json_node_get_array (node)), NAN);
  else
    {
      char *value = describe_value (node, &number);

      add (list, key, value, number);
    }
}

static void
walk_object (GPtrArray  *list,
             const char *prefix,
             JsonObject *object)
{
  gpointer data[] = { list, (gpointer) prefix };

  json_object_foreach_member (object, walk_member, data);
}

/* "model.params" right after the model's other sizes. */
static void
insert_param_count (GPtrArray           *list,
                    const CepExperiment *experiment)
{
  guint64 params = cep_model_spec_count_params (experiment->model);
  CepHyperparameter *parameter = g_new0 (CepHyperparameter, 1);
  guint at = list->len;

  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (((CepHyperparameter *) g_ptr_array_index (list, i))->key, "model.classes"))
      at = i + 1;
  parameter->key = g_strdup ("model.params");
  parameter->value = g_strdup_printf ("%" G_GUINT64_FORMAT, params);
  parameter->number = (double) params;
  g_ptr_array_insert (list, at, parameter);
}

GPtrArray *
cep_hyperparameters_list (const CepExperiment *experiment)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;
  JsonNode *root;

  g_return_val_if_fail (experiment != NULL, NULL);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) cep_hyperparameter_free);
  json = cep_experiment_to_json (experiment);
  /* Our own writer's output: it parses, or the writer is broken. */
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    g_return_val_if_reached (g_steal_pointer (&list));
  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    walk_object (list, "", json_node_get_object (root));
  insert_param_count (list, experiment);
  return g_steal_pointer (&list);
}

static CepHyperparameter *
find (GPtrArray  *list,
      const char *key)
{
  for (guint i = 0; i < list->len; i++)
    {
      CepHyperparameter *parameter = g_ptr_array_index (list, i);

      if (g_str_equal (parameter->key, key))
        return parameter;
    }
  return NULL;
}

CepHyperparameter *
cep_hyperparameters_lookup (const CepExperiment  *experiment,
                            const char           *key,
                            GError              **error)
{
  g_autoptr (GPtrArray) list = NULL;
  guint index;

  g_return_val_if_fail (experiment != NULL && key != NULL, NULL);

  list = cep_hyperparameters_list (experiment);
  if (!g_ptr_array_find (list, find (list, key), &index))
    {
      g_set_error (error, CEP_HYPERPARAMETERS_ERROR, CEP_HYPERPARAMETERS_ERROR_UNKNOWN_KEY,
                   "unknown hyperparameter “%s” (keys are experiment.json's paths, e.g. "
                   "train.optimizer, train.optimizer.lr, train.batch_size, model.context, "
                   "model.params)", key);
      return NULL;
    }
  return g_ptr_array_steal_index (list, index);
}

static gboolean
may_vary (const char *key)
{
  for (guint i = 0; unvarying_prefixes[i] != NULL; i++)
    if (g_str_has_prefix (key, unvarying_prefixes[i]))
      return FALSE;
  return TRUE;
}

GStrv
cep_hyperparameters_varying (const CepExperiment * const *experiments,
                             guint                       n_experiments)
{
  g_autoptr (GStrvBuilder) keys = g_strv_builder_new ();
  g_autoptr (GPtrArray) lists = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                g_ptr_array_unref);
  GPtrArray *first;

  g_return_val_if_fail (n_experiments == 0 || experiments != NULL, NULL);

  for (guint i = 0; i < n_experiments; i++)
    g_ptr_array_add (lists, cep_hyperparameters_list (experiments[i]));
  first = n_experiments > 0 ? g_ptr_array_index (lists, 0) : NULL;
  for (guint k = 0; first != NULL && k < first->len; k++)
    {
      CepHyperparameter *parameter = g_ptr_array_index (first, k);

      if (!may_vary (parameter->key))
        continue;
      for (guint i = 1; i < n_experiments; i++)
        {
          CepHyperparameter *other = find (g_ptr_array_index (lists, i), parameter->key);

          if (other == NULL || !g_str_equal (other->value, parameter->value))
            {
              g_strv_builder_add (keys, parameter->key);
              break;
            }
        }
    }
  return g_strv_builder_end (keys);
}

int
cep_hyperparameter_compare (const CepHyperparameter *a,
                            const CepHyperparameter *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, 0);

  if (!isnan (a->number) && !isnan (b->number))
    return a->number < b->number ? -1 : a->number > b->number ? 1 : 0;
  return g_utf8_collate (a->value, b->value);
}
