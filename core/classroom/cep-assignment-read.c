/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-assignment-read.c: reading a *.cepstra-assignment file, strictly.
 *
 * Owns which members a version-1 file may hold and what each must be. Every message starts
 * with the file's name and names the member. A member this version does not know is an error,
 * never skipped: it could be a rule a newer Cepstra enforces and this one would not. The
 * rules themselves are set through the public setters, so a rule the file holds is checked
 * exactly as one the CLI or the window adds.
 */
#define G_LOG_DOMAIN "cepstra-classroom"

#include "cep-assignment-private.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cep-json-input.h"

typedef struct
{
  const char *name;    /* the file, for messages */
} Reader;

static gboolean
invalid (const Reader  *reader,
         GError       **error,
         const char    *format,
         ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (const Reader  *reader,
         GError       **error,
         const char    *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID, "%s: %s",
               reader->name, message);
  return FALSE;
}

/* A rule setter's error, with the file in front. */
static gboolean
prefix_error (const Reader  *reader,
              GError        *local_error,
              GError       **error)
{
  g_set_error (error, CEP_ASSIGNMENT_ERROR, local_error->code, "%s: rules: %s", reader->name,
               local_error->message);
  g_error_free (local_error);
  return FALSE;
}

static gboolean
only_known_members (const Reader        *reader,
                    JsonObject          *object,
                    const char          *where,
                    const char * const  *known,
                    GError             **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_autofree char *list = g_strjoinv (", ", (char **) known);
        return invalid (reader, error, "%s%s“%s” is not a member this version knows (%s); "
                        "was the file made by a newer Cepstra?", where,
                        where[0] != '\0' ? ": " : "", (const char *) l->data, list);
      }
  return TRUE;
}

static gboolean
is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static gboolean
is_null_or_absent (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

/* A string member that may be null or absent (*value stays NULL then). */
static gboolean
read_optional_string (const Reader  *reader,
                      JsonObject    *object,
                      const char    *member,
                      const char   **value,
                      GError       **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *value = NULL;
  if (is_null_or_absent (node))
    return TRUE;
  if (!is_string (node))
    return invalid (reader, error, "%s: expected a string or null", member);
  *value = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_header (const Reader  *reader,
             JsonObject    *root,
             GError       **error)
{
  JsonNode *format = json_object_get_member (root, "format");
  JsonNode *version = json_object_get_member (root, "version");
  gint64 number;

  if (!is_string (format) || strcmp (json_node_get_string (format), CEP_ASSIGNMENT_FORMAT) != 0)
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_FORMAT,
                   "%s: not a Cepstra assignment (format is not “%s”)", reader->name,
                   CEP_ASSIGNMENT_FORMAT);
      return FALSE;
    }
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version)
      || json_node_get_value_type (version) != G_TYPE_INT64)
    return invalid (reader, error, "version: expected a whole number");
  number = json_node_get_int (version);
  if (number > CEP_ASSIGNMENT_VERSION)
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_FORMAT,
                   "%s: assignment version %" G_GINT64_FORMAT " was made by a newer Cepstra "
                   "(this one reads version %d)", reader->name, number,
                   CEP_ASSIGNMENT_VERSION);
      return FALSE;
    }
  if (number < 1)
    return invalid (reader, error, "version: %" G_GINT64_FORMAT " is not a version", number);
  return TRUE;
}

static gboolean
read_dataset (const Reader   *reader,
              JsonObject     *root,
              CepAssignment  *assignment,
              GError        **error)
{
  static const char * const known[] = { "name", "fingerprint", NULL };
  JsonNode *node = json_object_get_member (root, "dataset");
  JsonObject *dataset;
  const char *name = NULL;
  const char *fingerprint = NULL;

  if (is_null_or_absent (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (reader, error, "dataset: expected an object or null");
  dataset = json_node_get_object (node);
  if (!only_known_members (reader, dataset, "dataset", known, error)
      || !read_optional_string (reader, dataset, "name", &name, error)
      || !read_optional_string (reader, dataset, "fingerprint", &fingerprint, error))
    return FALSE;
  if (fingerprint == NULL || fingerprint[0] == '\0')
    return invalid (reader, error, "dataset.fingerprint: expected a non-empty string");
  cep_assignment_set_dataset (assignment, name, fingerprint);
  return TRUE;
}

static gboolean
read_metric_and_seed (const Reader   *reader,
                      JsonObject     *root,
                      CepAssignment  *assignment,
                      GError        **error)
{
  JsonNode *seed = json_object_get_member (root, "seed");
  const char *metric_name = NULL;
  CepAssignmentMetric metric;

  if (!read_optional_string (reader, root, "metric", &metric_name, error))
    return FALSE;
  if (metric_name != NULL)
    {
      if (!cep_assignment_metric_from_name (metric_name, &metric))
        return invalid (reader, error, "metric: “%s” is not one of dev_accuracy, dev_loss, "
                        "train_accuracy, train_loss", metric_name);
      cep_assignment_set_metric (assignment, metric);
    }
  if (is_null_or_absent (seed))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (seed) || json_node_get_value_type (seed) != G_TYPE_INT64
      || json_node_get_int (seed) < 0)
    return invalid (reader, error, "seed: expected a whole number >= 0 or null");
  /* Only recorded here; the experiment is checked against it once read. */
  assignment->has_seed = TRUE;
  assignment->seed = (guint64) json_node_get_int (seed);
  return TRUE;
}

/* A JSON array of strings as a NULL-terminated vector; NULL (and an error) otherwise. */
static GStrv
read_string_array (const Reader  *reader,
                   JsonNode      *node,
                   const char    *where,
                   GError       **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      invalid (reader, error, "%s: expected a list of strings", where);
      return NULL;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      if (!is_string (item))
        {
          invalid (reader, error, "%s[%u]: expected a string", where, i);
          return NULL;
        }
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  return g_strv_builder_end (builder);
}

typedef gboolean (*PathRule) (CepAssignment *assignment, const char *path, GError **error);

static gboolean
read_path_list (const Reader   *reader,
                JsonObject     *rules,
                const char     *member,
                PathRule        add,
                CepAssignment  *assignment,
                GError        **error)
{
  JsonNode *node = json_object_get_member (rules, member);
  g_autofree char *where = g_strconcat ("rules.", member, NULL);
  g_auto(GStrv) paths = NULL;
  GError *local_error = NULL;

  if (is_null_or_absent (node))
    return TRUE;
  paths = read_string_array (reader, node, where, error);
  if (paths == NULL)
    return FALSE;
  for (guint i = 0; paths[i] != NULL; i++)
    if (!add (assignment, paths[i], &local_error))
      return prefix_error (reader, local_error, error);
  return TRUE;
}

static gboolean
read_bound (const Reader   *reader,
            const char     *path,
            JsonNode       *node,
            CepAssignment  *assignment,
            GError        **error)
{
  static const char * const known[] = { "min", "max", NULL };
  static const char * const sides[] = { "min", "max" };
  g_autofree char *where = g_strconcat ("rules.bounds.", path, NULL);
  GError *local_error = NULL;
  JsonObject *bound;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (reader, error, "%s: expected an object with min and/or max", where);
  bound = json_node_get_object (node);
  if (!only_known_members (reader, bound, where, known, error))
    return FALSE;
  if (json_object_get_size (bound) == 0)
    return invalid (reader, error, "%s: expected min and/or max", where);
  for (guint i = 0; i < G_N_ELEMENTS (sides); i++)
    {
      JsonNode *side = json_object_get_member (bound, sides[i]);
      GType type;
      double value;

      if (side == NULL)
        continue;
      type = JSON_NODE_HOLDS_VALUE (side) ? json_node_get_value_type (side) : G_TYPE_INVALID;
      if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
        return invalid (reader, error, "%s.%s: expected a number", where, sides[i]);
      value = type == G_TYPE_INT64 ? (double) json_node_get_int (side)
                                   : json_node_get_double (side);
      if (!(i == 0 ? cep_assignment_set_min (assignment, path, value, &local_error)
                   : cep_assignment_set_max (assignment, path, value, &local_error)))
        return prefix_error (reader, local_error, error);
    }
  return TRUE;
}

static gboolean
read_object_of (const Reader   *reader,
                JsonObject     *rules,
                const char     *member,
                gboolean        bounds,
                CepAssignment  *assignment,
                GError        **error)
{
  JsonNode *node = json_object_get_member (rules, member);
  g_autoptr(GList) paths = NULL;

  if (is_null_or_absent (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (reader, error, "rules.%s: expected an object", member);
  paths = json_object_get_members (json_node_get_object (node));
  for (GList *l = paths; l != NULL; l = l->next)
    {
      const char *path = l->data;
      JsonNode *value = json_object_get_member (json_node_get_object (node), path);
      g_autofree char *where = g_strconcat ("rules.allowed.", path, NULL);
      g_auto(GStrv) values = NULL;
      GError *local_error = NULL;

      if (bounds)
        {
          if (!read_bound (reader, path, value, assignment, error))
            return FALSE;
          continue;
        }
      values = read_string_array (reader, value, where, error);
      if (values == NULL)
        return FALSE;
      if (!cep_assignment_set_allowed (assignment, path, (const char * const *) values,
                                       &local_error))
        return prefix_error (reader, local_error, error);
    }
  return TRUE;
}

static gboolean
read_rules (const Reader   *reader,
            JsonObject     *root,
            CepAssignment  *assignment,
            GError        **error)
{
  static const char * const known[] = {
    "locked", "hidden", "bounds", "allowed", "allowed_blocks", NULL
  };
  JsonNode *node = json_object_get_member (root, "rules");
  JsonObject *rules;
  JsonNode *blocks;
  GError *local_error = NULL;

  if (is_null_or_absent (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (reader, error, "rules: expected an object");
  rules = json_node_get_object (node);
  if (!only_known_members (reader, rules, "rules", known, error)
      || !read_path_list (reader, rules, "locked", cep_assignment_add_locked, assignment, error)
      || !read_path_list (reader, rules, "hidden", cep_assignment_add_hidden, assignment, error)
      || !read_object_of (reader, rules, "bounds", TRUE, assignment, error)
      || !read_object_of (reader, rules, "allowed", FALSE, assignment, error))
    return FALSE;
  blocks = json_object_get_member (rules, "allowed_blocks");
  if (!is_null_or_absent (blocks))
    {
      g_auto(GStrv) types = read_string_array (reader, blocks, "rules.allowed_blocks", error);
      if (types == NULL)
        return FALSE;
      if (!cep_assignment_set_allowed_blocks (assignment, (const char * const *) types,
                                              &local_error))
        return prefix_error (reader, local_error, error);
    }
  return TRUE;
}

/* The embedded experiment, read by experiment.json's own reader. A key it does not know is
 * an error here (in an experiment.json it is a warning): the teacher's setting must not be
 * dropped without a word. */
static CepExperiment *
read_experiment (const Reader  *reader,
                 JsonObject    *root,
                 GError       **error)
{
  JsonNode *node = json_object_get_member (root, "experiment");
  g_autofree char *name = g_strconcat (reader->name, ": experiment", NULL);
  g_auto(GStrv) warnings = NULL;
  g_autoptr(GError) local_error = NULL;
  CepExperiment *experiment;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (reader, error, "experiment: expected the starting experiment (an object)");
      return NULL;
    }
  experiment = cep_experiment_new_from_node (node, name, &warnings, &local_error);
  if (experiment == NULL)
    {
      g_set_error_literal (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                           local_error->message);
      return NULL;
    }
  if (warnings != NULL && warnings[0] != NULL)
    {
      g_autofree char *warning = g_strdup (warnings[0]);
      char *ignored = g_strrstr (warning, ", ignored");

      /* In an experiment.json an unknown key is ignored; here it is refused. */
      if (ignored != NULL)
        *ignored = '\0';
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_INVALID,
                   "%s (an assignment's experiment may hold only keys this Cepstra knows)",
                   warning);
      cep_experiment_free (experiment);
      return NULL;
    }
  return experiment;
}

static CepAssignment *
read_root (const Reader  *reader,
           JsonNode      *node,
           GError       **error)
{
  static const char * const known[] = {
    "format", "version", "title", "instructions", "dataset", "metric", "seed", "rules",
    "experiment", NULL
  };
  g_autoptr(CepAssignment) assignment = NULL;
  CepExperiment *experiment;
  JsonObject *root;
  const char *title = NULL;
  const char *instructions = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_FORMAT,
                   "%s: not a Cepstra assignment (expected a JSON object)", reader->name);
      return NULL;
    }
  root = json_node_get_object (node);
  if (!read_header (reader, root, error)
      || !only_known_members (reader, root, "", known, error)
      || !read_optional_string (reader, root, "title", &title, error)
      || !read_optional_string (reader, root, "instructions", &instructions, error))
    return NULL;
  if (is_blank (title))
    {
      invalid (reader, error, "title: expected a non-empty string");
      return NULL;
    }
  experiment = read_experiment (reader, root, error);
  if (experiment == NULL)
    return NULL;
  assignment = cep_assignment_new (title, experiment);
  cep_experiment_free (experiment);
  cep_assignment_set_instructions (assignment, instructions);
  if (!read_dataset (reader, root, assignment, error)
      || !read_metric_and_seed (reader, root, assignment, error)
      || !read_rules (reader, root, assignment, error)
      || !_cep_assignment_check_own_experiment (assignment, reader->name, error))
    return NULL;
  return g_steal_pointer (&assignment);
}

CepAssignment *
cep_assignment_new_from_data (const char  *data,
                              gsize        length,
                              const char  *name,
                              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  Reader reader = { name };
  CepAssignment *assignment;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (length > CEP_ASSIGNMENT_MAX_BYTES)
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_PARSE,
                   "%s: %" G_GSIZE_FORMAT " bytes is too large for an assignment (at most %u)",
                   name, length, CEP_ASSIGNMENT_MAX_BYTES);
      return NULL;
    }
  if (!cep_json_input_load (parser, data != NULL ? data : "", (gssize) length, name,
                            CEP_ASSIGNMENT_MAX_BYTES, &local_error))
    {
      g_set_error_literal (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_PARSE,
                           local_error->message);
      return NULL;
    }
  assignment = read_root (&reader, json_parser_get_root (parser), error);
  if (assignment == NULL)
    return NULL;
  /* What was read is what the hash covers, whatever the writer would make of it now. */
  _cep_assignment_changed (assignment);
  assignment->bytes = g_bytes_new (data, length);
  return assignment;
}

/* The file's bytes, refusing anything but a regular file and anything over the limit before
 * reading it (a FIFO would block, a huge file would fill memory). */
static GBytes *
read_file (const char  *path,
           GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf info;
  gsize length = 0;

  if (g_stat (path, &info) != 0)
    {
      int saved = errno;
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_IO, "%s: %s", path,
                   g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (info.st_mode))
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_IO,
                   "%s: not a regular file", path);
      return NULL;
    }
  if ((guint64) info.st_size > CEP_ASSIGNMENT_MAX_BYTES)
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_PARSE,
                   "%s: %" G_GUINT64_FORMAT " bytes is too large for an assignment "
                   "(at most %u)", path, (guint64) info.st_size, CEP_ASSIGNMENT_MAX_BYTES);
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error_literal (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_IO,
                           local_error->message);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&data), length);
}

CepAssignment *
cep_assignment_load (const char  *path,
                     GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  CepAssignment *assignment;
  gsize length = 0;
  const char *data;

  g_return_val_if_fail (path != NULL, NULL);

  bytes = read_file (path, error);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &length);
  assignment = cep_assignment_new_from_data (data, length, path, error);
  if (assignment != NULL)
    assignment->path = g_strdup (path);
  return assignment;
}

CepAssignment *
cep_assignment_load_from_run (const char  *run_dir,
                              GError     **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (run_dir != NULL, NULL);

  path = g_build_filename (run_dir, CEP_ASSIGNMENT_RUN_FILE, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_set_error (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_NOT_FOUND,
                   "%s: was not trained under an assignment (it has no %s)", run_dir,
                   CEP_ASSIGNMENT_RUN_FILE);
      return NULL;
    }
  return cep_assignment_load (path, error);
}
