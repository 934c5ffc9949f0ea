/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-experiment-paths.c: the settings of experiment.json by path, over the field tables.
 *
 * Owns how the tables nest into paths (the same nesting cep-experiment-write.c writes) and how
 * a value is found, printed and compared by its path. It must not know any rule about which
 * paths matter to whom (core/classroom decides that).
 */
#define G_LOG_DOMAIN "cepstra-experiment"

#include "cep-experiment-paths.h"
#include "cep-experiment-private.h"
#include "cep-block-type.h"

#include <string.h>

/* One table of settings, where it sits in the file and where its struct is. */
typedef struct
{
  const char          *prefix;   /* "" for the top level */
  const CepFieldTable *table;
  gconstpointer      (*base) (const CepExperiment *experiment);
} Group;

static gconstpointer top_base (const CepExperiment *e) { return e; }
static gconstpointer data_base (const CepExperiment *e) { return &e->data; }
static gconstpointer model_base (const CepExperiment *e) { return e->model; }
static gconstpointer head_base (const CepExperiment *e) { return &e->model->head; }
static gconstpointer train_base (const CepExperiment *e) { return &e->train; }
static gconstpointer optimizer_base (const CepExperiment *e) { return &e->train.optimizer; }
static gconstpointer schedule_base (const CepExperiment *e) { return &e->train.schedule; }
static gconstpointer augment_base (const CepExperiment *e) { return &e->augment; }

#define MODEL_BLOCKS "model.blocks"
#define MODEL_PARAMS "model.params"

/* A catalogue entry and the group whose table holds its field (settings only). */
typedef struct
{
  CepExperimentPath  public;
  const Group       *group;
} Entry;

typedef struct
{
  GArray *entries;   /* of Entry */
} Catalogue;

static const Group *
groups_get (guint *n_groups)
{
  static Group groups[8];

  /* The tables are extern constants of another unit, so the array is filled at run time;
   * g_once in catalogue_get() makes that happen once. */
  groups[0] = (Group) { "", &_cep_experiment_top_fields, top_base };
  groups[1] = (Group) { "data", &_cep_experiment_data_fields, data_base };
  groups[2] = (Group) { "model", &_cep_experiment_model_fields, model_base };
  groups[3] = (Group) { "model.head", &_cep_experiment_head_fields, head_base };
  groups[4] = (Group) { "train", &_cep_experiment_train_fields, train_base };
  groups[5] = (Group) { "train.optimizer", &_cep_experiment_optimizer_fields, optimizer_base };
  groups[6] = (Group) { "train.schedule", &_cep_experiment_schedule_fields, schedule_base };
  groups[7] = (Group) { "augment", &_cep_experiment_augment_fields, augment_base };
  *n_groups = G_N_ELEMENTS (groups);
  return groups;
}

static void
add_entry (GArray                *entries,
           char                  *path,
           CepExperimentPathKind  kind,
           const CepField        *field,
           const Group           *group)
{
  Entry entry = { { path, kind, field }, group };

  g_array_append_val (entries, entry);
}

static gpointer
catalogue_build (gpointer unused)
{
  Catalogue *catalogue = g_new0 (Catalogue, 1);
  guint n_groups = 0;
  const Group *groups = groups_get (&n_groups);

  catalogue->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  for (guint g = 0; g < n_groups; g++)
    {
      const Group *group = &groups[g];

      if (group->prefix[0] != '\0')
        add_entry (catalogue->entries, g_strdup (group->prefix), CEP_EXPERIMENT_PATH_OBJECT,
                   NULL, NULL);
      for (guint i = 0; i < group->table->n_fields; i++)
        add_entry (catalogue->entries,
                   _cep_field_path (group->prefix, group->table->fields[i].key),
                   CEP_EXPERIMENT_PATH_SETTING, &group->table->fields[i], group);
      if (strcmp (group->prefix, "model") == 0)
        {
          add_entry (catalogue->entries, g_strdup (MODEL_BLOCKS), CEP_EXPERIMENT_PATH_LIST,
                     NULL, NULL);
          add_entry (catalogue->entries, g_strdup (MODEL_PARAMS),
                     CEP_EXPERIMENT_PATH_COMPUTED, NULL, NULL);
        }
    }
  return catalogue;
}

static const Catalogue *
catalogue_get (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, catalogue_build, NULL);
}

guint
cep_experiment_paths_get_n (void)
{
  return catalogue_get ()->entries->len;
}

const CepExperimentPath *
cep_experiment_paths_get (guint index)
{
  const Catalogue *catalogue = catalogue_get ();

  g_return_val_if_fail (index < catalogue->entries->len, NULL);

  return &g_array_index (catalogue->entries, Entry, index).public;
}

static const Entry *
entry_lookup (const char *path)
{
  const Catalogue *catalogue = catalogue_get ();

  if (path == NULL)
    return NULL;
  for (guint i = 0; i < catalogue->entries->len; i++)
    {
      const Entry *entry = &g_array_index (catalogue->entries, Entry, i);
      if (strcmp (entry->public.path, path) == 0)
        return entry;
    }
  return NULL;
}

const CepExperimentPath *
cep_experiment_path_lookup (const char *path)
{
  const Entry *entry = entry_lookup (path);

  return entry != NULL ? &entry->public : NULL;
}

gboolean
cep_experiment_path_is_numeric (const CepExperimentPath *path)
{
  g_return_val_if_fail (path != NULL, FALSE);

  if (path->kind == CEP_EXPERIMENT_PATH_COMPUTED)
    return TRUE;
  return path->kind == CEP_EXPERIMENT_PATH_SETTING
         && (path->field->type == CEP_FIELD_UINT || path->field->type == CEP_FIELD_UINT64
             || path->field->type == CEP_FIELD_DOUBLE);
}

gboolean
cep_experiment_path_is_within (const char *path,
                               const char *ancestor)
{
  gsize length;

  g_return_val_if_fail (path != NULL && ancestor != NULL, FALSE);

  length = strlen (ancestor);
  return strncmp (path, ancestor, length) == 0 && (path[length] == '\0' || path[length] == '.');
}

#define CONST_AT(base, field, type) ((const type *) ((const guint8 *) (base) + (field)->offset))

/* The setting's struct in @experiment, or NULL when the file does not write it for this
 * experiment (a field whose relevant() says no). */
static gconstpointer
setting_base (const Entry         *entry,
              const CepExperiment *experiment)
{
  gconstpointer base = entry->group->base (experiment);
  const CepField *field = entry->public.field;

  if (field->relevant != NULL && !field->relevant (base))
    return NULL;
  return base;
}

gboolean
cep_experiment_get_number (const CepExperiment *experiment,
                           const char          *path,
                           double              *value)
{
  const Entry *entry = entry_lookup (path);
  gconstpointer base;
  const CepField *field;

  g_return_val_if_fail (experiment != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (entry == NULL || !cep_experiment_path_is_numeric (&entry->public))
    return FALSE;
  if (entry->public.kind == CEP_EXPERIMENT_PATH_COMPUTED)
    {
      *value = (double) cep_model_spec_count_params (experiment->model);
      return TRUE;
    }
  base = setting_base (entry, experiment);
  if (base == NULL)
    return FALSE;
  field = entry->public.field;
  if (field->type == CEP_FIELD_UINT)
    *value = *CONST_AT (base, field, guint);
  else if (field->type == CEP_FIELD_UINT64)
    *value = (double) *CONST_AT (base, field, guint64);
  else
    *value = *CONST_AT (base, field, double);
  return TRUE;
}

static char *
format_setting (const CepField *field,
                gconstpointer   base)
{
  char first[G_ASCII_DTOSTR_BUF_SIZE];
  char second[G_ASCII_DTOSTR_BUF_SIZE];
  const char *text;

  switch (field->type)
    {
    case CEP_FIELD_BOOL:
      return g_strdup (*CONST_AT (base, field, gboolean) ? "true" : "false");
    case CEP_FIELD_UINT:
      return g_strdup_printf ("%u", *CONST_AT (base, field, guint));
    case CEP_FIELD_UINT64:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, *CONST_AT (base, field, guint64));
    case CEP_FIELD_DOUBLE:
      return g_strdup (cep_json_format_double (*CONST_AT (base, field, double), first));
    case CEP_FIELD_DOUBLE_PAIR:
      return g_strdup_printf ("[%s, %s]",
                              cep_json_format_double (CONST_AT (base, field, double)[0], first),
                              cep_json_format_double (CONST_AT (base, field, double)[1],
                                                      second));
    case CEP_FIELD_STRING:
      text = *CONST_AT (base, field, char *);
      return g_strdup (text != NULL ? text : "null");
    case CEP_FIELD_ENUM:
      return g_strdup (field->choices[*CONST_AT (base, field, int)]);
    default:
      g_assert_not_reached ();
    }
}

char *
cep_experiment_get_text (const CepExperiment *experiment,
                         const char          *path)
{
  const Entry *entry = entry_lookup (path);
  gconstpointer base;

  g_return_val_if_fail (experiment != NULL, NULL);

  if (entry == NULL)
    return NULL;
  if (entry->public.kind == CEP_EXPERIMENT_PATH_COMPUTED)
    return g_strdup_printf ("%" G_GUINT64_FORMAT,
                            cep_model_spec_count_params (experiment->model));
  if (entry->public.kind != CEP_EXPERIMENT_PATH_SETTING)
    return NULL;
  base = setting_base (entry, experiment);
  return base != NULL ? format_setting (entry->public.field, base) : NULL;
}

static gboolean
settings_equal (const Entry         *entry,
                const CepExperiment *a,
                const CepExperiment *b)
{
  gconstpointer base_a = setting_base (entry, a);
  gconstpointer base_b = setting_base (entry, b);

  if (base_a == NULL || base_b == NULL)
    return base_a == base_b;
  return _cep_field_equal (entry->public.field, base_a, base_b);
}

static gboolean
blocks_equal (const CepModelSpec *a,
              const CepModelSpec *b)
{
  guint n = cep_model_spec_get_n_blocks (a);

  if (n != cep_model_spec_get_n_blocks (b))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      const CepBlock *block_a = cep_model_spec_get_block (a, i);
      const CepBlock *block_b = cep_model_spec_get_block (b, i);

      if (block_a->kind != block_b->kind
          || !cep_block_type_of (block_a)->equal (block_a, block_b))
        return FALSE;
    }
  return TRUE;
}

gboolean
cep_experiment_path_equal (const CepExperiment *a,
                           const CepExperiment *b,
                           const char          *path)
{
  const Catalogue *catalogue = catalogue_get ();
  const Entry *entry = entry_lookup (path);

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  switch (entry->public.kind)
    {
    case CEP_EXPERIMENT_PATH_SETTING:
      return settings_equal (entry, a, b);
    case CEP_EXPERIMENT_PATH_LIST:
      return blocks_equal (a->model, b->model);
    case CEP_EXPERIMENT_PATH_COMPUTED:
      return cep_model_spec_count_params (a->model) == cep_model_spec_count_params (b->model);
    case CEP_EXPERIMENT_PATH_OBJECT:
      for (guint i = 0; i < catalogue->entries->len; i++)
        {
          const Entry *inner = &g_array_index (catalogue->entries, Entry, i);
          if (inner->public.kind != CEP_EXPERIMENT_PATH_OBJECT && inner != entry
              && cep_experiment_path_is_within (inner->public.path, path)
              && !cep_experiment_path_equal (a, b, inner->public.path))
            return FALSE;
        }
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}
