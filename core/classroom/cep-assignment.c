/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-assignment.c: an assignment's contents, its rules and the check of an experiment.
 *
 * Owns what each rule means and the message that says one is broken. It must not read or
 * write the file (cep-assignment-read.c, cep-assignment-write.c).
 */
#define G_LOG_DOMAIN "cepstra-classroom"

#include "cep-assignment-private.h"

#include <math.h>
#include <string.h>

#include "cep-block-type.h"
#include "cep-experiment-paths.h"
#include "cep-json-writer.h"

G_DEFINE_QUARK (cep-assignment-error-quark, cep_assignment_error)
G_DEFINE_BOXED_TYPE (CepAssignment, cep_assignment, cep_assignment_ref, cep_assignment_unref)

static const char * const metric_names[] = {
  "dev_accuracy", "dev_loss", "train_accuracy", "train_loss", NULL
};

static void
bound_clear (gpointer data)
{
  CepAssignmentBound *bound = data;

  g_free (bound->path);
}

static void
allowed_clear (gpointer data)
{
  CepAssignmentAllowed *allowed = data;

  g_free (allowed->path);
  g_strfreev (allowed->values);
}

CepAssignment *
cep_assignment_new (const char          *title,
                    const CepExperiment *experiment)
{
  CepAssignment *assignment;

  g_return_val_if_fail (title != NULL, NULL);
  g_return_val_if_fail (experiment != NULL, NULL);

  assignment = g_new0 (CepAssignment, 1);
  g_ref_count_init (&assignment->ref_count);
  assignment->title = g_strdup (title);
  assignment->experiment = cep_experiment_copy (experiment);
  assignment->metric = CEP_ASSIGNMENT_METRIC_DEV_ACCURACY;
  assignment->locked = g_new0 (char *, 1);
  assignment->hidden = g_new0 (char *, 1);
  assignment->bounds = g_array_new (FALSE, TRUE, sizeof (CepAssignmentBound));
  g_array_set_clear_func (assignment->bounds, bound_clear);
  assignment->allowed = g_array_new (FALSE, TRUE, sizeof (CepAssignmentAllowed));
  g_array_set_clear_func (assignment->allowed, allowed_clear);
  return assignment;
}

CepAssignment *
cep_assignment_ref (CepAssignment *assignment)
{
  g_return_val_if_fail (assignment != NULL, NULL);

  g_ref_count_inc (&assignment->ref_count);
  return assignment;
}

void
cep_assignment_unref (CepAssignment *assignment)
{
  if (assignment == NULL || !g_ref_count_dec (&assignment->ref_count))
    return;
  g_free (assignment->title);
  g_free (assignment->instructions);
  cep_experiment_free (assignment->experiment);
  g_free (assignment->dataset_name);
  g_free (assignment->dataset_fingerprint);
  g_strfreev (assignment->locked);
  g_strfreev (assignment->hidden);
  g_array_unref (assignment->bounds);
  g_array_unref (assignment->allowed);
  g_strfreev (assignment->allowed_blocks);
  g_clear_pointer (&assignment->bytes, g_bytes_unref);
  g_free (assignment->hash);
  g_free (assignment->path);
  g_free (assignment);
}

void
_cep_assignment_changed (CepAssignment *assignment)
{
  g_clear_pointer (&assignment->bytes, g_bytes_unref);
  g_clear_pointer (&assignment->hash, g_free);
}

GBytes *
cep_assignment_get_bytes (CepAssignment *assignment)
{
  g_return_val_if_fail (assignment != NULL, NULL);

  if (assignment->bytes == NULL)
    {
      char *text = cep_assignment_to_json (assignment);
      assignment->bytes = g_bytes_new_take (text, strlen (text));
    }
  return assignment->bytes;
}

const char *
cep_assignment_get_hash (CepAssignment *assignment)
{
  g_return_val_if_fail (assignment != NULL, NULL);

  if (assignment->hash == NULL)
    assignment->hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256,
                                                     cep_assignment_get_bytes (assignment));
  return assignment->hash;
}

const char *
cep_assignment_get_path (CepAssignment *assignment)
{
  g_return_val_if_fail (assignment != NULL, NULL);

  return assignment->path;
}

const char *
cep_assignment_get_title (CepAssignment *assignment)
{
  g_return_val_if_fail (assignment != NULL, NULL);

  return assignment->title;
}

void
cep_assignment_set_title (CepAssignment *assignment,
                          const char    *title)
{
  g_return_if_fail (assignment != NULL);
  g_return_if_fail (title != NULL);

  g_free (assignment->title);
  assignment->title = g_strdup (title);
  _cep_assignment_changed (assignment);
}

const char *
cep_assignment_get_instructions (CepAssignment *assignment)
{
  g_return_val_if_fail (assignment != NULL, NULL);

  return assignment->instructions;
}

void
cep_assignment_set_instructions (CepAssignment *assignment,
                                 const char    *instructions)
{
  g_return_if_fail (assignment != NULL);

  g_free (assignment->instructions);
  assignment->instructions = g_strdup (instructions);
  _cep_assignment_changed (assignment);
}

const CepExperiment *
cep_assignment_get_experiment (CepAssignment *assignment)
{
  g_return_val_if_fail (assignment != NULL, NULL);

  return assignment->experiment;
}

void
cep_assignment_set_experiment (CepAssignment       *assignment,
                               const CepExperiment *experiment)
{
  g_return_if_fail (assignment != NULL);
  g_return_if_fail (experiment != NULL);

  cep_experiment_free (assignment->experiment);
  assignment->experiment = cep_experiment_copy (experiment);
  if (assignment->has_seed)
    assignment->experiment->seed = assignment->seed;
  _cep_assignment_changed (assignment);
}

const char *
cep_assignment_get_dataset_name (CepAssignment *assignment)
{
  g_return_val_if_fail (assignment != NULL, NULL);

  return assignment->dataset_name;
}

const char *
cep_assignment_get_dataset_fingerprint (CepAssignment *assignment)
{
  g_return_val_if_fail (assignment != NULL, NULL);

  return assignment->dataset_fingerprint;
}

void
cep_assignment_set_dataset (CepAssignment *assignment,
                            const char    *name,
                            const char    *fingerprint)
{
  g_return_if_fail (assignment != NULL);

  g_free (assignment->dataset_name);
  g_free (assignment->dataset_fingerprint);
  assignment->dataset_name = g_strdup (name);
  assignment->dataset_fingerprint = g_strdup (fingerprint);
  _cep_assignment_changed (assignment);
}

gboolean
cep_assignment_check_dataset_fingerprint (CepAssignment *assignment,
                                          const char    *fingerprint,
                                          GError       **error)
{
  g_return_val_if_fail (assignment != NULL, FALSE);

  if (assignment->dataset_fingerprint == NULL
      || g_strcmp0 (fingerprint, assignment->dataset_fingerprint) == 0)
    return TRUE;
  g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_DATASET,
               "not the dataset the assignment “%s” expects: it expects “%s” "
               "(fingerprint %.12s…), this one's fingerprint is %.12s…",
               assignment->title,
               assignment->dataset_name != NULL ? assignment->dataset_name : "?",
               assignment->dataset_fingerprint, fingerprint != NULL ? fingerprint : "none");
  return FALSE;
}

CepAssignmentMetric
cep_assignment_get_metric (CepAssignment *assignment)
{
  g_return_val_if_fail (assignment != NULL, CEP_ASSIGNMENT_METRIC_DEV_ACCURACY);

  return assignment->metric;
}

void
cep_assignment_set_metric (CepAssignment       *assignment,
                           CepAssignmentMetric  metric)
{
  g_return_if_fail (assignment != NULL);
  g_return_if_fail ((guint) metric < G_N_ELEMENTS (metric_names) - 1);

  assignment->metric = metric;
  _cep_assignment_changed (assignment);
}

const char *
cep_assignment_metric_get_name (CepAssignmentMetric metric)
{
  g_return_val_if_fail ((guint) metric < G_N_ELEMENTS (metric_names) - 1, NULL);

  return metric_names[metric];
}

gboolean
cep_assignment_metric_from_name (const char          *name,
                                 CepAssignmentMetric *metric)
{
  g_return_val_if_fail (metric != NULL, FALSE);

  for (guint i = 0; name != NULL && metric_names[i] != NULL; i++)
    if (strcmp (name, metric_names[i]) == 0)
      {
        *metric = (CepAssignmentMetric) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
cep_assignment_metric_higher_is_better (CepAssignmentMetric metric)
{
  return metric == CEP_ASSIGNMENT_METRIC_DEV_ACCURACY
         || metric == CEP_ASSIGNMENT_METRIC_TRAIN_ACCURACY;
}

gboolean
cep_assignment_get_seed (CepAssignment *assignment,
                         guint64       *seed)
{
  g_return_val_if_fail (assignment != NULL, FALSE);

  if (assignment->has_seed && seed != NULL)
    *seed = assignment->seed;
  return assignment->has_seed;
}

void
cep_assignment_set_seed (CepAssignment *assignment,
                         gboolean       fixed,
                         guint64        seed)
{
  g_return_if_fail (assignment != NULL);
  g_return_if_fail (seed <= G_MAXINT64);

  assignment->has_seed = fixed;
  assignment->seed = fixed ? seed : 0;
  if (fixed)
    assignment->experiment->seed = seed;
  _cep_assignment_changed (assignment);
}

/* Rules ------------------------------------------------------------------------------------ */

static const CepExperimentPath *
lookup_path (const char  *path,
             GError     **error)
{
  const CepExperimentPath *found = cep_experiment_path_lookup (path);

  if (found == NULL)
    g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                 "%s: experiment.json has no such setting", path != NULL ? path : "(null)");
  return found;
}

static gboolean
strv_contains (const char * const *strv,
               const char         *text)
{
  return strv != NULL && g_strv_contains (strv, text);
}

static void
strv_add (GStrv      *strv,
          const char *text)
{
  guint n = g_strv_length (*strv);

  if (strv_contains ((const char * const *) *strv, text))
    return;
  *strv = g_renew (char *, *strv, n + 2);
  (*strv)[n] = g_strdup (text);
  (*strv)[n + 1] = NULL;
}

static void
strv_remove (GStrv      *strv,
             const char *text)
{
  guint kept = 0;

  for (guint i = 0; (*strv)[i] != NULL; i++)
    if (strcmp ((*strv)[i], text) == 0)
      g_free ((*strv)[i]);
    else
      (*strv)[kept++] = (*strv)[i];
  (*strv)[kept] = NULL;
}

/* Settings that belong to the student's computer, not to the experiment: where the dataset
 * is, which GPU, how many threads. A lock on an object holding them leaves them free (the
 * dataset itself is told by its fingerprint). */
static const char * const machine_local_paths[] = {
  "data.root", "train.device", "train.threads", NULL
};

static gboolean
is_machine_local (const char *path)
{
  return g_strv_contains (machine_local_paths, path);
}

/* Whether @a and @b agree on everything a lock on @path fixes. */
static gboolean
locked_values_equal (const CepExperiment *a,
                     const CepExperiment *b,
                     const char          *path)
{
  if (cep_experiment_path_lookup (path)->kind != CEP_EXPERIMENT_PATH_OBJECT)
    return cep_experiment_path_equal (a, b, path);
  for (guint i = 0; i < cep_experiment_paths_get_n (); i++)
    {
      const CepExperimentPath *inner = cep_experiment_paths_get (i);

      if (inner->kind != CEP_EXPERIMENT_PATH_OBJECT && !is_machine_local (inner->path)
          && cep_experiment_path_is_within (inner->path, path)
          && !cep_experiment_path_equal (a, b, inner->path))
        return FALSE;
    }
  return TRUE;
}

/* A path a student can be kept from changing: anything but the computed parameter count and
 * the settings of the student's computer. */
static gboolean
check_fixable (const char  *path,
               const char  *rule,
               GError     **error)
{
  const CepExperimentPath *found = lookup_path (path, error);

  if (found == NULL)
    return FALSE;
  if (is_machine_local (path))
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                   "%s: belongs to the student's computer (the dataset's folder, the device, "
                   "the thread count) and cannot be %s", path, rule);
      return FALSE;
    }
  if (found->kind == CEP_EXPERIMENT_PATH_COMPUTED)
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                   "%s: is computed from the model and cannot be %s; bound it instead",
                   path, rule);
      return FALSE;
    }
  return TRUE;
}

gboolean
cep_assignment_add_locked (CepAssignment  *assignment,
                           const char     *path,
                           GError        **error)
{
  g_return_val_if_fail (assignment != NULL, FALSE);

  if (!check_fixable (path, "locked", error))
    return FALSE;
  strv_add (&assignment->locked, path);
  _cep_assignment_changed (assignment);
  return TRUE;
}

gboolean
cep_assignment_add_hidden (CepAssignment  *assignment,
                           const char     *path,
                           GError        **error)
{
  g_return_val_if_fail (assignment != NULL, FALSE);

  if (!check_fixable (path, "hidden", error))
    return FALSE;
  strv_add (&assignment->hidden, path);
  _cep_assignment_changed (assignment);
  return TRUE;
}

static CepAssignmentBound *
find_bound (CepAssignment *assignment,
            const char    *path)
{
  for (guint i = 0; i < assignment->bounds->len; i++)
    {
      CepAssignmentBound *bound = &g_array_index (assignment->bounds, CepAssignmentBound, i);
      if (strcmp (bound->path, path) == 0)
        return bound;
    }
  return NULL;
}

static CepAssignmentBound *
bound_for (CepAssignment  *assignment,
           const char     *path,
           double          value,
           GError        **error)
{
  const CepExperimentPath *found = lookup_path (path, error);
  CepAssignmentBound *bound;

  if (found == NULL)
    return NULL;
  if (!cep_experiment_path_is_numeric (found))
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                   "%s: is not a number, so it cannot be bounded", path);
      return NULL;
    }
  if (!isfinite (value))
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                   "%s: a bound must be a finite number", path);
      return NULL;
    }
  bound = find_bound (assignment, path);
  if (bound == NULL)
    {
      CepAssignmentBound fresh = { g_strdup (path), FALSE, 0, FALSE, 0 };
      g_array_append_val (assignment->bounds, fresh);
      bound = &g_array_index (assignment->bounds, CepAssignmentBound,
                              assignment->bounds->len - 1);
    }
  return bound;
}

static gboolean
check_bound_order (CepAssignmentBound  *bound,
                   GError             **error)
{
  g_autofree char *min = NULL;
  g_autofree char *max = NULL;

  if (!bound->has_min || !bound->has_max || bound->min <= bound->max)
    return TRUE;
  min = _cep_assignment_format_number (bound->min);
  max = _cep_assignment_format_number (bound->max);
  g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
               "%s: the minimum %s is above the maximum %s", bound->path, min, max);
  return FALSE;
}

gboolean
cep_assignment_set_min (CepAssignment  *assignment,
                        const char     *path,
                        double          min,
                        GError        **error)
{
  CepAssignmentBound *bound;
  CepAssignmentBound before;

  g_return_val_if_fail (assignment != NULL, FALSE);

  bound = bound_for (assignment, path, min, error);
  if (bound == NULL)
    return FALSE;
  before = *bound;
  bound->has_min = TRUE;
  bound->min = min;
  if (!check_bound_order (bound, error))
    {
      *bound = before;
      return FALSE;
    }
  _cep_assignment_changed (assignment);
  return TRUE;
}

gboolean
cep_assignment_set_max (CepAssignment  *assignment,
                        const char     *path,
                        double          max,
                        GError        **error)
{
  CepAssignmentBound *bound;
  CepAssignmentBound before;

  g_return_val_if_fail (assignment != NULL, FALSE);

  bound = bound_for (assignment, path, max, error);
  if (bound == NULL)
    return FALSE;
  before = *bound;
  bound->has_max = TRUE;
  bound->max = max;
  if (!check_bound_order (bound, error))
    {
      *bound = before;
      return FALSE;
    }
  _cep_assignment_changed (assignment);
  return TRUE;
}

/* The setting an allowed set applies to: @path itself, or an object's "type". */
static const CepExperimentPath *
allowed_target (const char  *path,
                GError     **error)
{
  const CepExperimentPath *found = lookup_path (path, error);

  if (found == NULL)
    return NULL;
  if (found->kind == CEP_EXPERIMENT_PATH_OBJECT)
    {
      g_autofree char *type_path = g_strconcat (path, ".type", NULL);
      const CepExperimentPath *type = cep_experiment_path_lookup (type_path);
      if (type != NULL)
        return type;
    }
  if (found->kind != CEP_EXPERIMENT_PATH_SETTING
      || (found->field->type != CEP_FIELD_ENUM && found->field->type != CEP_FIELD_STRING))
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                   "%s: only a choice or a text setting can have a set of allowed values",
                   path);
      return NULL;
    }
  return found;
}

static gboolean
check_allowed_values (const CepExperimentPath  *target,
                      const char * const       *values,
                      GError                  **error)
{
  if (values == NULL || values[0] == NULL)
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                   "%s: the set of allowed values is empty", target->path);
      return FALSE;
    }
  for (guint i = 0; values[i] != NULL; i++)
    {
      if (values[i][0] == '\0' || !g_utf8_validate (values[i], -1, NULL))
        {
          g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                       "%s: an allowed value is empty or not UTF-8", target->path);
          return FALSE;
        }
      if (target->field->type == CEP_FIELD_ENUM
          && !strv_contains (target->field->choices, values[i]))
        {
          g_autofree char *choices = g_strjoinv (", ", (char **) target->field->choices);
          g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                       "%s: “%s” is not one of %s", target->path, values[i], choices);
          return FALSE;
        }
    }
  return TRUE;
}

static CepAssignmentAllowed *
find_allowed (CepAssignment *assignment,
              const char    *path)
{
  for (guint i = 0; i < assignment->allowed->len; i++)
    {
      CepAssignmentAllowed *allowed = &g_array_index (assignment->allowed,
                                                      CepAssignmentAllowed, i);
      if (strcmp (allowed->path, path) == 0)
        return allowed;
    }
  return NULL;
}

gboolean
cep_assignment_set_allowed (CepAssignment       *assignment,
                            const char          *path,
                            const char * const  *values,
                            GError             **error)
{
  const CepExperimentPath *target;
  CepAssignmentAllowed *allowed;

  g_return_val_if_fail (assignment != NULL, FALSE);

  target = allowed_target (path, error);
  if (target == NULL || !check_allowed_values (target, values, error))
    return FALSE;
  allowed = find_allowed (assignment, target->path);
  if (allowed == NULL)
    {
      CepAssignmentAllowed fresh = { g_strdup (target->path), NULL };
      g_array_append_val (assignment->allowed, fresh);
      allowed = &g_array_index (assignment->allowed, CepAssignmentAllowed,
                                assignment->allowed->len - 1);
    }
  g_strfreev (allowed->values);
  allowed->values = g_strdupv ((char **) values);
  _cep_assignment_changed (assignment);
  return TRUE;
}

static gboolean
is_block_kind_name (const char *name)
{
  for (guint kind = 0; kind < CEP_BLOCK_KIND_COUNT; kind++)
    if (strcmp (cep_block_kind_get_name ((CepBlockKind) kind), name) == 0)
      return TRUE;
  return FALSE;
}

gboolean
cep_assignment_set_allowed_blocks (CepAssignment       *assignment,
                                   const char * const  *types,
                                   GError             **error)
{
  g_return_val_if_fail (assignment != NULL, FALSE);

  for (guint i = 0; types != NULL && types[i] != NULL; i++)
    {
      CepBlock block;

      if (cep_block_type_parse (types[i], &block) == NULL && !is_block_kind_name (types[i]))
        {
          g_autofree char *known = cep_block_type_list_names ();
          g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                       "allowed_blocks: “%s” is not a block type (known: %s)", types[i],
                       known);
          return FALSE;
        }
    }
  if (types != NULL && types[0] == NULL)
    {
      g_set_error_literal (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                           "allowed_blocks: the list is empty (no model could be built)");
      return FALSE;
    }
  g_strfreev (assignment->allowed_blocks);
  assignment->allowed_blocks = g_strdupv ((char **) types);
  _cep_assignment_changed (assignment);
  return TRUE;
}

void
cep_assignment_clear_rules (CepAssignment *assignment,
                            const char    *path)
{
  g_return_if_fail (assignment != NULL);
  g_return_if_fail (path != NULL);

  strv_remove (&assignment->locked, path);
  strv_remove (&assignment->hidden, path);
  for (guint i = assignment->bounds->len; i > 0; i--)
    if (strcmp (g_array_index (assignment->bounds, CepAssignmentBound, i - 1).path, path) == 0)
      g_array_remove_index (assignment->bounds, i - 1);
  for (guint i = assignment->allowed->len; i > 0; i--)
    if (strcmp (g_array_index (assignment->allowed, CepAssignmentAllowed, i - 1).path,
                path) == 0)
      g_array_remove_index (assignment->allowed, i - 1);
  _cep_assignment_changed (assignment);
}

const char * const *
cep_assignment_get_locked (CepAssignment *assignment)
{
  g_return_val_if_fail (assignment != NULL, NULL);

  return (const char * const *) assignment->locked;
}

const char * const *
cep_assignment_get_hidden (CepAssignment *assignment)
{
  g_return_val_if_fail (assignment != NULL, NULL);

  return (const char * const *) assignment->hidden;
}

const char * const *
cep_assignment_get_allowed_blocks (CepAssignment *assignment)
{
  g_return_val_if_fail (assignment != NULL, NULL);

  return (const char * const *) assignment->allowed_blocks;
}

/* Whether @path is one of @paths or lies inside one of them. */
static gboolean
covered_by (const char         *path,
            const char * const *paths)
{
  for (guint i = 0; paths[i] != NULL; i++)
    if (cep_experiment_path_is_within (path, paths[i]))
      return TRUE;
  return FALSE;
}

gboolean
cep_assignment_get_field_rule (CepAssignment          *assignment,
                               const char             *path,
                               CepAssignmentFieldRule *rule)
{
  const CepAssignmentBound *bound;
  const CepAssignmentAllowed *allowed;

  g_return_val_if_fail (assignment != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (rule != NULL, FALSE);

  memset (rule, 0, sizeof *rule);
  rule->hidden = !is_machine_local (path)
                 && covered_by (path, (const char * const *) assignment->hidden);
  rule->locked = rule->hidden
                 || (!is_machine_local (path)
                     && covered_by (path, (const char * const *) assignment->locked));
  if (g_strcmp0 (path, "seed") == 0 && assignment->has_seed)
    rule->locked = TRUE;
  bound = find_bound (assignment, path);
  if (bound != NULL)
    {
      rule->has_min = bound->has_min;
      rule->min = bound->min;
      rule->has_max = bound->has_max;
      rule->max = bound->max;
    }
  allowed = find_allowed (assignment, path);
  if (allowed != NULL)
    rule->allowed = (const char * const *) allowed->values;
  return rule->locked || rule->has_min || rule->has_max || rule->allowed != NULL;
}

char *
_cep_assignment_format_number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == floor (value) && fabs (value) < 1e15)
    return g_strdup_printf ("%.0f", value);
  return g_strdup (cep_json_format_double (value, buffer));
}

/* The rules one by one, named as cep_assignment_list_rules() names them; a broken one
 * stops the walk with its message. */
typedef struct
{
  CepAssignment       *assignment;
  const CepExperiment *experiment;   /* NULL: only list */
  GPtrArray           *names;        /* listing: every rule's name */
  char                *broken;       /* checking: the first broken rule's name */
  char                *message;      /* and why */
} RuleWalk;

/* Records @name; with an experiment and @why set, the rule is broken and the walk stops. */
static gboolean
rule_visit (RuleWalk *walk,
            char     *name,
            char     *why)
{
  if (why != NULL && walk->broken == NULL)
    {
      walk->broken = name;
      walk->message = why;
      return FALSE;
    }
  g_free (why);
  g_ptr_array_add (walk->names, name);
  return TRUE;
}

static char *
fixed_value_phrase (const CepExperiment *experiment,
                    const char          *path)
{
  g_autofree char *text = cep_experiment_get_text (experiment, path);

  if (text == NULL)
    return g_strdup ("the assignment's value");
  return g_strdup_printf ("%s", text);
}

static char *
why_locked (RuleWalk   *walk,
            const char *path,
            const char *verb)
{
  const CepExperiment *start = walk->assignment->experiment;
  g_autofree char *value = NULL;
  g_autofree char *fixed = NULL;

  if (walk->experiment == NULL || locked_values_equal (walk->experiment, start, path))
    return NULL;
  value = cep_experiment_get_text (walk->experiment, path);
  if (value == NULL)
    return g_strdup_printf ("%s differs from the assignment's, but the assignment “%s” %s it",
                            path, walk->assignment->title, verb);
  fixed = fixed_value_phrase (start, path);
  return g_strdup_printf ("%s is %s, but the assignment “%s” %s it at %s", path, value,
                          walk->assignment->title, verb, fixed);
}

static gboolean
walk_locked (RuleWalk *walk)
{
  for (guint i = 0; walk->assignment->hidden[i] != NULL; i++)
    {
      const char *path = walk->assignment->hidden[i];
      if (!rule_visit (walk, g_strdup_printf ("hidden %s", path),
                       why_locked (walk, path, "hides and fixes")))
        return FALSE;
    }
  for (guint i = 0; walk->assignment->locked[i] != NULL; i++)
    {
      const char *path = walk->assignment->locked[i];
      if (!rule_visit (walk, g_strdup_printf ("locked %s", path),
                       why_locked (walk, path, "fixes")))
        return FALSE;
    }
  return TRUE;
}

static gboolean
walk_seed (RuleWalk *walk)
{
  char *why = NULL;

  if (!walk->assignment->has_seed)
    return TRUE;
  if (walk->experiment != NULL && walk->experiment->seed != walk->assignment->seed)
    why = g_strdup_printf ("seed is %" G_GUINT64_FORMAT ", but the assignment “%s” fixes it "
                           "at %" G_GUINT64_FORMAT, walk->experiment->seed,
                           walk->assignment->title, walk->assignment->seed);
  return rule_visit (walk, g_strdup_printf ("seed = %" G_GUINT64_FORMAT,
                                            walk->assignment->seed), why);
}

static char *
why_out_of_bound (RuleWalk   *walk,
                  const char *path,
                  double      bound,
                  gboolean    is_max)
{
  g_autofree char *value_text = NULL;
  g_autofree char *bound_text = NULL;
  double value;

  if (walk->experiment == NULL
      || !cep_experiment_get_number (walk->experiment, path, &value)
      || (is_max ? value <= bound : value >= bound))
    return NULL;
  value_text = _cep_assignment_format_number (value);
  bound_text = _cep_assignment_format_number (bound);
  return g_strdup_printf ("%s is %s, but the assignment “%s” allows at %s %s", path,
                          value_text, walk->assignment->title, is_max ? "most" : "least",
                          bound_text);
}

static gboolean
walk_bounds (RuleWalk *walk)
{
  for (guint i = 0; i < walk->assignment->bounds->len; i++)
    {
      const CepAssignmentBound *bound = &g_array_index (walk->assignment->bounds,
                                                        CepAssignmentBound, i);
      if (bound->has_min)
        {
          g_autofree char *text = _cep_assignment_format_number (bound->min);
          if (!rule_visit (walk, g_strdup_printf ("%s >= %s", bound->path, text),
                           why_out_of_bound (walk, bound->path, bound->min, FALSE)))
            return FALSE;
        }
      if (bound->has_max)
        {
          g_autofree char *text = _cep_assignment_format_number (bound->max);
          if (!rule_visit (walk, g_strdup_printf ("%s <= %s", bound->path, text),
                           why_out_of_bound (walk, bound->path, bound->max, TRUE)))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
walk_allowed (RuleWalk *walk)
{
  for (guint i = 0; i < walk->assignment->allowed->len; i++)
    {
      const CepAssignmentAllowed *allowed = &g_array_index (walk->assignment->allowed,
                                                            CepAssignmentAllowed, i);
      g_autofree char *set = g_strjoinv (", ", allowed->values);
      g_autofree char *value = NULL;
      char *why = NULL;

      if (walk->experiment != NULL)
        value = cep_experiment_get_text (walk->experiment, allowed->path);
      if (value != NULL && !g_strv_contains ((const char * const *) allowed->values, value))
        why = g_strdup_printf ("%s is %s, but the assignment “%s” allows only %s",
                               allowed->path, value, walk->assignment->title, set);
      if (!rule_visit (walk, g_strdup_printf ("%s in {%s}", allowed->path, set), why))
        return FALSE;
    }
  return TRUE;
}

static char *
why_block_refused (RuleWalk *walk)
{
  const CepModelSpec *model;

  if (walk->experiment == NULL)
    return NULL;
  model = walk->experiment->model;
  for (guint i = 0; i < cep_model_spec_get_n_blocks (model); i++)
    {
      const CepBlock *block = cep_model_spec_get_block (model, i);
      const char *type = cep_block_type_name_of (block);
      const char *kind = cep_block_kind_get_name (block->kind);
      g_autofree char *set = NULL;

      if (g_strv_contains ((const char * const *) walk->assignment->allowed_blocks, type)
          || g_strv_contains ((const char * const *) walk->assignment->allowed_blocks, kind))
        continue;
      set = g_strjoinv (", ", walk->assignment->allowed_blocks);
      return g_strdup_printf ("model.blocks[%u] is a %s block, but the assignment “%s” allows "
                              "only %s", i, type, walk->assignment->title, set);
    }
  return NULL;
}

static gboolean
walk_blocks (RuleWalk *walk)
{
  g_autofree char *set = NULL;

  if (walk->assignment->allowed_blocks == NULL)
    return TRUE;
  set = g_strjoinv (", ", walk->assignment->allowed_blocks);
  return rule_visit (walk, g_strdup_printf ("blocks in {%s}", set), why_block_refused (walk));
}

static gboolean
walk_rules (RuleWalk *walk)
{
  return walk_locked (walk) && walk_seed (walk) && walk_bounds (walk) && walk_allowed (walk)
         && walk_blocks (walk);
}

char **
cep_assignment_list_rules (CepAssignment *assignment)
{
  RuleWalk walk = { assignment, NULL, g_ptr_array_new (), NULL, NULL };

  g_return_val_if_fail (assignment != NULL, NULL);

  walk_rules (&walk);
  g_ptr_array_add (walk.names, NULL);
  return (char **) g_ptr_array_free (walk.names, FALSE);
}

gboolean
cep_assignment_check_experiment_full (CepAssignment        *assignment,
                                      const CepExperiment  *experiment,
                                      char                **broken_rule,
                                      GError              **error)
{
  RuleWalk walk = { assignment, experiment, g_ptr_array_new_with_free_func (g_free), NULL,
                    NULL };
  gboolean kept;

  g_return_val_if_fail (assignment != NULL, FALSE);
  g_return_val_if_fail (experiment != NULL, FALSE);

  kept = walk_rules (&walk);
  g_ptr_array_unref (walk.names);
  if (broken_rule != NULL)
    *broken_rule = kept ? NULL : g_strdup (walk.broken);
  if (!kept)
    g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_RULE, "%s (rule %s)",
                 walk.message, walk.broken);
  g_free (walk.broken);
  g_free (walk.message);
  return kept;
}

gboolean
cep_assignment_check_experiment (CepAssignment        *assignment,
                                 const CepExperiment  *experiment,
                                 GError              **error)
{
  return cep_assignment_check_experiment_full (assignment, experiment, NULL, error);
}

gboolean
_cep_assignment_check_own_experiment (CepAssignment  *assignment,
                                      const char     *name,
                                      GError        **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!cep_experiment_validate (assignment->experiment, &local_error)
      || !cep_assignment_check_experiment (assignment, assignment->experiment, &local_error))
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                   "%s: the starting experiment breaks its own rules: %s", name,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}
