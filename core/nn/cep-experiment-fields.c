/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-experiment-fields.c: the field tables of experiment.json and what can be done to one
 * field: read it from a JSON node, check its range, write it, compare it.
 *
 * Owns every key name, default-free type and range of the format. It must not know how the
 * objects nest (cep-experiment-read.c and -write.c) or what the defaults are
 * (cep-experiment.c).
 */
#define G_LOG_DOMAIN "cepstra-experiment"

#include "cep-experiment-private.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "cep-backend.h"

#define TABLE(fields) { fields, G_N_ELEMENTS (fields) }

const char * const _cep_experiment_optimizer_names[] = { "adamw", "adam", "sgd", NULL };
const char * const _cep_experiment_schedule_names[] = {
  "constant", "step", "cosine", "plateau", NULL
};
static const char * const monitor_names[] = { "dev_loss", "dev_accuracy", NULL };
static gboolean
is_normal_init (gconstpointer base)
{
  return ((const CepBlock *) base)->init == CEP_INIT_NORMAL;
}

/* A symmetric window is "context" alone, so runs made before the sides existed stay
 * byte-identical; only a window with sides of its own writes them. */
static gboolean
has_context_sides (gconstpointer base)
{
  return !cep_model_spec_is_symmetric (base);
}

static const CepField top_fields[] = {
  { "name", CEP_FIELD_STRING, offsetof (CepExperiment, name), CEP_CHECK_ANY, NULL, NULL },
  { "notes", CEP_FIELD_STRING, offsetof (CepExperiment, notes), CEP_CHECK_ANY, NULL, NULL },
  { "seed", CEP_FIELD_UINT64, offsetof (CepExperiment, seed), CEP_CHECK_ANY, NULL, NULL },
};

#define DATA(member) offsetof (CepExperimentData, member)
static const CepField data_fields[] = {
  { "root", CEP_FIELD_STRING, DATA (root), CEP_CHECK_ANY, NULL, NULL },
  { "train_partition", CEP_FIELD_STRING, DATA (train_partition), CEP_CHECK_ANY, NULL, NULL },
  { "dev_partition", CEP_FIELD_STRING, DATA (dev_partition), CEP_CHECK_ANY, NULL, NULL },
  { "phonemes", CEP_FIELD_STRING, DATA (phonemes), CEP_CHECK_ANY, NULL, NULL },
  { "normalize", CEP_FIELD_BOOL, DATA (normalize), CEP_CHECK_ANY, NULL, NULL },
  { "subset_fraction", CEP_FIELD_DOUBLE, DATA (subset_fraction), CEP_CHECK_FRACTION, NULL,
    NULL },
  { "subset_every", CEP_FIELD_UINT, DATA (subset_every), CEP_CHECK_AT_LEAST_ONE, NULL, NULL },
};

#define TRAIN(member) offsetof (CepExperimentTrain, member)
static const CepField train_fields[] = {
  { "epochs", CEP_FIELD_UINT, TRAIN (epochs), CEP_CHECK_AT_LEAST_ONE, NULL, NULL },
  { "batch_size", CEP_FIELD_UINT, TRAIN (batch_size), CEP_CHECK_AT_LEAST_ONE, NULL, NULL },
  { "grad_clip_norm", CEP_FIELD_DOUBLE, TRAIN (grad_clip_norm), CEP_CHECK_NON_NEGATIVE, NULL,
    NULL },
  { "backend", CEP_FIELD_STRING, TRAIN (backend), CEP_CHECK_NOT_NULL, NULL, NULL },
  { "device", CEP_FIELD_STRING, TRAIN (device), CEP_CHECK_ANY, NULL, NULL },
  { "threads", CEP_FIELD_UINT, TRAIN (threads), CEP_CHECK_THREADS, NULL, NULL },
};

#define OPT(member) offsetof (CepExperimentOptimizer, member)
static const CepField optimizer_fields[] = {
  { "type", CEP_FIELD_ENUM, OPT (kind), CEP_CHECK_ANY, _cep_experiment_optimizer_names, NULL },
  { "lr", CEP_FIELD_DOUBLE, OPT (lr), CEP_CHECK_POSITIVE, NULL, NULL },
  { "betas", CEP_FIELD_DOUBLE_PAIR, OPT (beta1), CEP_CHECK_UNIT_OPEN, NULL, NULL },
  { "eps", CEP_FIELD_DOUBLE, OPT (eps), CEP_CHECK_POSITIVE, NULL, NULL },
  { "weight_decay", CEP_FIELD_DOUBLE, OPT (weight_decay), CEP_CHECK_NON_NEGATIVE, NULL, NULL },
  { "momentum", CEP_FIELD_DOUBLE, OPT (momentum), CEP_CHECK_NON_NEGATIVE, NULL, NULL },
  { "dampening", CEP_FIELD_DOUBLE, OPT (dampening), CEP_CHECK_UNIT_CLOSED, NULL, NULL },
  { "nesterov", CEP_FIELD_BOOL, OPT (nesterov), CEP_CHECK_ANY, NULL, NULL },
};
G_STATIC_ASSERT (offsetof (CepExperimentOptimizer, beta2)
                 == offsetof (CepExperimentOptimizer, beta1) + sizeof (double));

#define SCHED(member) offsetof (CepExperimentSchedule, member)
static const CepField schedule_fields[] = {
  { "type", CEP_FIELD_ENUM, SCHED (kind), CEP_CHECK_ANY, _cep_experiment_schedule_names, NULL },
  { "warmup_steps", CEP_FIELD_UINT, SCHED (warmup_steps), CEP_CHECK_ANY, NULL, NULL },
  { "step_size", CEP_FIELD_UINT, SCHED (step_size), CEP_CHECK_AT_LEAST_ONE, NULL, NULL },
  { "gamma", CEP_FIELD_DOUBLE, SCHED (gamma), CEP_CHECK_POSITIVE, NULL, NULL },
  { "t_max", CEP_FIELD_UINT, SCHED (t_max), CEP_CHECK_ANY, NULL, NULL },
  { "eta_min", CEP_FIELD_DOUBLE, SCHED (eta_min), CEP_CHECK_NON_NEGATIVE, NULL, NULL },
  { "monitor", CEP_FIELD_ENUM, SCHED (monitor), CEP_CHECK_ANY, monitor_names, NULL },
  { "factor", CEP_FIELD_DOUBLE, SCHED (factor), CEP_CHECK_OPEN_INTERVAL, NULL, NULL },
  { "patience", CEP_FIELD_UINT, SCHED (patience), CEP_CHECK_ANY, NULL, NULL },
  { "threshold", CEP_FIELD_DOUBLE, SCHED (threshold), CEP_CHECK_NON_NEGATIVE, NULL, NULL },
  { "min_lr", CEP_FIELD_DOUBLE, SCHED (min_lr), CEP_CHECK_NON_NEGATIVE, NULL, NULL },
};

#define AUG(member) offsetof (CepAugmentSpec, member)
static const CepField augment_fields[] = {
  { "enabled", CEP_FIELD_BOOL, AUG (enabled), CEP_CHECK_ANY, NULL, NULL },
  { "freq_masks_max", CEP_FIELD_UINT, AUG (freq_masks_max), CEP_CHECK_ANY, NULL, NULL },
  { "freq_width_min", CEP_FIELD_UINT, AUG (freq_width_min), CEP_CHECK_ANY, NULL, NULL },
  { "freq_width_max", CEP_FIELD_UINT, AUG (freq_width_max), CEP_CHECK_ANY, NULL, NULL },
  { "time_masks_max", CEP_FIELD_UINT, AUG (time_masks_max), CEP_CHECK_ANY, NULL, NULL },
  { "time_width_min", CEP_FIELD_UINT, AUG (time_width_min), CEP_CHECK_ANY, NULL, NULL },
  { "time_width_max", CEP_FIELD_UINT, AUG (time_width_max), CEP_CHECK_ANY, NULL, NULL },
  { "probability", CEP_FIELD_DOUBLE, AUG (probability), CEP_CHECK_UNIT_CLOSED, NULL, NULL },
  { "per_batch", CEP_FIELD_BOOL, AUG (per_batch), CEP_CHECK_ANY, NULL, NULL },
};

#define MODEL(member) offsetof (CepModelSpec, member)
static const CepField model_fields[] = {
  { "name", CEP_FIELD_STRING, MODEL (name), CEP_CHECK_ANY, NULL, NULL },
  { "context", CEP_FIELD_UINT, MODEL (context), CEP_CHECK_ANY, NULL, NULL },
  /* A side is checked as it is read: CEP_CONTEXT_SAME (G_MAXUINT) is no value for a file. */
  { "context_past", CEP_FIELD_UINT, MODEL (context_past), CEP_CHECK_CONTEXT_SIDE, NULL,
    has_context_sides },
  { "context_future", CEP_FIELD_UINT, MODEL (context_future), CEP_CHECK_CONTEXT_SIDE, NULL,
    has_context_sides },
  { "feature_dim", CEP_FIELD_UINT, MODEL (feature_dim), CEP_CHECK_AT_LEAST_ONE, NULL, NULL },
  { "classes", CEP_FIELD_UINT, MODEL (head.width), CEP_CHECK_AT_LEAST_ONE, NULL, NULL },
  { "label_smoothing", CEP_FIELD_DOUBLE, MODEL (label_smoothing), CEP_CHECK_UNIT_OPEN, NULL,
    NULL },
  { "param_limit", CEP_FIELD_UINT64, MODEL (param_limit), CEP_CHECK_ANY, NULL, NULL },
};

/* The head is a Linear whose width is model.classes. */
#define BLOCK(member) offsetof (CepBlock, member)
static const CepField head_fields[] = {
  { "init", CEP_FIELD_ENUM, BLOCK (init), CEP_CHECK_ANY, cep_init_names, NULL },
  { "std", CEP_FIELD_DOUBLE, BLOCK (init_std), CEP_CHECK_POSITIVE, NULL, is_normal_init },
  { "bias", CEP_FIELD_BOOL, BLOCK (bias), CEP_CHECK_ANY, NULL, NULL },
};

const CepFieldTable _cep_experiment_top_fields = TABLE (top_fields);
const CepFieldTable _cep_experiment_data_fields = TABLE (data_fields);
const CepFieldTable _cep_experiment_train_fields = TABLE (train_fields);
const CepFieldTable _cep_experiment_optimizer_fields = TABLE (optimizer_fields);
const CepFieldTable _cep_experiment_schedule_fields = TABLE (schedule_fields);
const CepFieldTable _cep_experiment_augment_fields = TABLE (augment_fields);
const CepFieldTable _cep_experiment_model_fields = TABLE (model_fields);
const CepFieldTable _cep_experiment_head_fields = TABLE (head_fields);

#define AT(base, field, type) ((type *) ((guint8 *) (base) + (field)->offset))
#define CONST_AT(base, field, type) ((const type *) ((const guint8 *) (base) + (field)->offset))

const CepField *
_cep_field_table_lookup (const CepFieldTable *table,
                         const char          *key)
{
  for (guint i = 0; i < table->n_fields; i++)
    if (strcmp (table->fields[i].key, key) == 0)
      return &table->fields[i];
  return NULL;
}

char *
_cep_field_path (const char *path,
                 const char *key)
{
  if (path == NULL || path[0] == '\0')
    return g_strdup (key);
  return g_strconcat (path, ".", key, NULL);
}

static guint
count_choices (const char * const *choices)
{
  return g_strv_length ((char **) choices);
}

static const char *
number_phrase (CepFieldCheck check)
{
  switch (check)
    {
    case CEP_CHECK_POSITIVE: return "a positive number";
    case CEP_CHECK_NON_NEGATIVE: return "a number >= 0";
    case CEP_CHECK_UNIT_OPEN: return "a number in [0, 1)";
    case CEP_CHECK_UNIT_CLOSED: return "a number in [0, 1]";
    case CEP_CHECK_FRACTION: return "a number in (0, 1]";
    case CEP_CHECK_OPEN_INTERVAL: return "a number in (0, 1)";
    default: return "a finite number";
    }
}

static gboolean
number_passes (double        value,
               CepFieldCheck check)
{
  if (!isfinite (value))
    return FALSE;
  switch (check)
    {
    case CEP_CHECK_POSITIVE: return value > 0;
    case CEP_CHECK_NON_NEGATIVE: return value >= 0;
    case CEP_CHECK_UNIT_OPEN: return value >= 0 && value < 1;
    case CEP_CHECK_UNIT_CLOSED: return value >= 0 && value <= 1;
    case CEP_CHECK_FRACTION: return value > 0 && value <= 1;
    case CEP_CHECK_OPEN_INTERVAL: return value > 0 && value < 1;
    default: return TRUE;
    }
}

char *
_cep_field_expected (const CepField *field)
{
  g_autofree char *choices = NULL;

  switch (field->type)
    {
    case CEP_FIELD_BOOL:
      return g_strdup ("true or false");
    case CEP_FIELD_UINT:
      if (field->check == CEP_CHECK_THREADS)
        return g_strdup_printf ("a whole number in [0, %u] (0: one per core)",
                                CEP_BACKEND_MAX_THREADS);
      if (field->check == CEP_CHECK_CONTEXT_SIDE)
        return g_strdup_printf ("a whole number in [0, %d]", CEP_MODEL_MAX_CONTEXT);
      return g_strdup_printf ("a whole number %s", field->check == CEP_CHECK_AT_LEAST_ONE
                              ? "in [1, 4294967295]" : "in [0, 4294967295]");
    case CEP_FIELD_UINT64:
      return g_strdup ("a whole number in [0, 9223372036854775807]");
    case CEP_FIELD_DOUBLE:
      return g_strdup (number_phrase (field->check));
    case CEP_FIELD_DOUBLE_PAIR:
      return g_strdup_printf ("two numbers, each %s", number_phrase (field->check));
    case CEP_FIELD_STRING:
      return g_strdup (field->check == CEP_CHECK_NOT_NULL ? "a non-empty string"
                                                          : "a string or null");
    case CEP_FIELD_ENUM:
      choices = g_strjoinv (", ", (char **) field->choices);
      return g_strdup_printf ("one of %s", choices);
    default:
      g_assert_not_reached ();
    }
}

static gboolean
value_passes (const CepField *field,
              gconstpointer   base)
{
  const char *text;

  switch (field->type)
    {
    case CEP_FIELD_BOOL:
      return *CONST_AT (base, field, gboolean) == FALSE
             || *CONST_AT (base, field, gboolean) == TRUE;
    case CEP_FIELD_UINT:
      if (field->check == CEP_CHECK_THREADS)
        return *CONST_AT (base, field, guint) <= CEP_BACKEND_MAX_THREADS;
      /* A side is only written (and checked) when it is set: an unset side
       * (CEP_CONTEXT_SAME, G_MAXUINT) read from a file is out of range, not "same as K". */
      if (field->check == CEP_CHECK_CONTEXT_SIDE)
        return *CONST_AT (base, field, guint) <= CEP_MODEL_MAX_CONTEXT;
      return field->check != CEP_CHECK_AT_LEAST_ONE || *CONST_AT (base, field, guint) >= 1;
    case CEP_FIELD_UINT64:
      return *CONST_AT (base, field, guint64) <= G_MAXINT64;
    case CEP_FIELD_DOUBLE:
      return number_passes (*CONST_AT (base, field, double), field->check);
    case CEP_FIELD_DOUBLE_PAIR:
      return number_passes (CONST_AT (base, field, double)[0], field->check)
             && number_passes (CONST_AT (base, field, double)[1], field->check);
    case CEP_FIELD_STRING:
      text = *CONST_AT (base, field, char *);
      return (field->check != CEP_CHECK_NOT_NULL || (text != NULL && text[0] != '\0'))
             && (text == NULL || g_utf8_validate (text, -1, NULL));
    case CEP_FIELD_ENUM:
      return (guint) *CONST_AT (base, field, int) < count_choices (field->choices);
    default:
      g_assert_not_reached ();
    }
}

char *
_cep_field_validate (const CepField *field,
                     gconstpointer   base)
{
  return value_passes (field, base) ? NULL : _cep_field_expected (field);
}

static gboolean
node_to_double (JsonNode *node,
                double   *value)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

/* Integers, or doubles holding a whole number (5.0), within [0, @max]. */
static gboolean
node_to_whole (JsonNode *node,
               guint64   max,
               guint64  *value)
{
  double number;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 integer = json_node_get_int (node);
      if (integer < 0 || (guint64) integer > max)
        return FALSE;
      *value = (guint64) integer;
      return TRUE;
    }
  if (!node_to_double (node, &number) || !(number >= 0 && number <= (double) max)
      || number != floor (number))
    return FALSE;
  *value = (guint64) number;
  return TRUE;
}

static gboolean
read_pair (JsonNode *node,
           double   *pair)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  return json_array_get_length (array) == 2
         && node_to_double (json_array_get_element (array, 0), &pair[0])
         && node_to_double (json_array_get_element (array, 1), &pair[1]);
}

static gboolean
read_enum (const CepField *field,
           JsonNode       *node,
           int            *value)
{
  const char *text;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  text = json_node_get_string (node);
  for (guint i = 0; field->choices[i] != NULL; i++)
    if (strcmp (text, field->choices[i]) == 0)
      {
        *value = (int) i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
read_string (JsonNode  *node,
             char     **value)
{
  if (JSON_NODE_HOLDS_NULL (node))
    {
      g_clear_pointer (value, g_free);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  g_free (*value);
  *value = g_strdup (json_node_get_string (node));
  return TRUE;
}

gboolean
_cep_field_read (const CepField *field,
                 JsonNode       *node,
                 gpointer        base)
{
  guint64 whole = 0;

  switch (field->type)
    {
    case CEP_FIELD_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return FALSE;
      *AT (base, field, gboolean) = json_node_get_boolean (node) ? TRUE : FALSE;
      return TRUE;
    case CEP_FIELD_UINT:
      if (!node_to_whole (node, G_MAXUINT, &whole))
        return FALSE;
      *AT (base, field, guint) = (guint) whole;
      return TRUE;
    case CEP_FIELD_UINT64:
      if (!node_to_whole (node, G_MAXINT64, &whole))
        return FALSE;
      *AT (base, field, guint64) = whole;
      return TRUE;
    case CEP_FIELD_DOUBLE:
      return node_to_double (node, AT (base, field, double));
    case CEP_FIELD_DOUBLE_PAIR:
      return read_pair (node, AT (base, field, double));
    case CEP_FIELD_STRING:
      return read_string (node, AT (base, field, char *));
    case CEP_FIELD_ENUM:
      return read_enum (field, node, AT (base, field, int));
    default:
      g_assert_not_reached ();
    }
}

void
_cep_field_write (const CepField *field,
                  gconstpointer   base,
                  CepJsonWriter  *writer)
{
  cep_json_writer_member (writer, field->key);
  switch (field->type)
    {
    case CEP_FIELD_BOOL:
      cep_json_writer_boolean (writer, *CONST_AT (base, field, gboolean));
      break;
    case CEP_FIELD_UINT:
      cep_json_writer_uint (writer, *CONST_AT (base, field, guint));
      break;
    case CEP_FIELD_UINT64:
      cep_json_writer_uint (writer, *CONST_AT (base, field, guint64));
      break;
    case CEP_FIELD_DOUBLE:
      cep_json_writer_double (writer, *CONST_AT (base, field, double));
      break;
    case CEP_FIELD_DOUBLE_PAIR:
      cep_json_writer_begin_array (writer, TRUE);
      cep_json_writer_double (writer, CONST_AT (base, field, double)[0]);
      cep_json_writer_double (writer, CONST_AT (base, field, double)[1]);
      cep_json_writer_end_array (writer);
      break;
    case CEP_FIELD_STRING:
      cep_json_writer_string (writer, *CONST_AT (base, field, char *));
      break;
    case CEP_FIELD_ENUM:
      cep_json_writer_string (writer, field->choices[*CONST_AT (base, field, int)]);
      break;
    default:
      g_assert_not_reached ();
    }
}

gboolean
_cep_field_equal (const CepField *field,
                  gconstpointer   a,
                  gconstpointer   b)
{
  switch (field->type)
    {
    case CEP_FIELD_BOOL:
      return !*CONST_AT (a, field, gboolean) == !*CONST_AT (b, field, gboolean);
    case CEP_FIELD_UINT:
      return *CONST_AT (a, field, guint) == *CONST_AT (b, field, guint);
    case CEP_FIELD_UINT64:
      return *CONST_AT (a, field, guint64) == *CONST_AT (b, field, guint64);
    case CEP_FIELD_DOUBLE:
      return *CONST_AT (a, field, double) == *CONST_AT (b, field, double);
    case CEP_FIELD_DOUBLE_PAIR:
      return CONST_AT (a, field, double)[0] == CONST_AT (b, field, double)[0]
             && CONST_AT (a, field, double)[1] == CONST_AT (b, field, double)[1];
    case CEP_FIELD_STRING:
      return g_strcmp0 (*CONST_AT (a, field, char *), *CONST_AT (b, field, char *)) == 0;
    case CEP_FIELD_ENUM:
      return *CONST_AT (a, field, int) == *CONST_AT (b, field, int);
    default:
      g_assert_not_reached ();
    }
}

void
_cep_field_table_write (const CepFieldTable *table,
                        gconstpointer        base,
                        CepJsonWriter       *writer)
{
  for (guint i = 0; i < table->n_fields; i++)
    if (table->fields[i].relevant == NULL || table->fields[i].relevant (base))
      _cep_field_write (&table->fields[i], base, writer);
}

gboolean
_cep_field_table_equal (const CepFieldTable *table,
                        gconstpointer        a,
                        gconstpointer        b)
{
  for (guint i = 0; i < table->n_fields; i++)
    if (!_cep_field_equal (&table->fields[i], a, b))
      return FALSE;
  return TRUE;
}

gboolean
_cep_field_table_validate (const CepFieldTable *table,
                           gconstpointer        base,
                           const char          *path,
                           GError             **error)
{
  for (guint i = 0; i < table->n_fields; i++)
    {
      const CepField *field = &table->fields[i];
      g_autofree char *expected = NULL;
      g_autofree char *where = NULL;

      if (field->relevant != NULL && !field->relevant (base))
        continue;
      expected = _cep_field_validate (field, base);
      if (expected == NULL)
        continue;
      where = _cep_field_path (path, field->key);
      g_set_error (error, CEP_EXPERIMENT_ERROR, CEP_EXPERIMENT_ERROR_INVALID,
                   "%s: expected %s", where, expected);
      return FALSE;
    }
  return TRUE;
}

void
_cep_field_table_clear (const CepFieldTable *table,
                        gpointer             base)
{
  for (guint i = 0; i < table->n_fields; i++)
    if (table->fields[i].type == CEP_FIELD_STRING)
      g_clear_pointer (AT (base, &table->fields[i], char *), g_free);
}

void
_cep_field_table_dup_strings (const CepFieldTable *table,
                              gpointer             base)
{
  for (guint i = 0; i < table->n_fields; i++)
    if (table->fields[i].type == CEP_FIELD_STRING)
      {
        char **text = AT (base, &table->fields[i], char *);
        *text = g_strdup (*text);
      }
}
