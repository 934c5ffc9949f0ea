/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-assignment-write.c: an assignment's JSON text, its file, and its copy in a run.
 *
 * Owns the order and layout of the members (cep-assignment.h shows them). It must not
 * decide what a rule means (cep-assignment.c).
 */
#define G_LOG_DOMAIN "cepstra-classroom"

#include "cep-assignment-private.h"

#include <string.h>

#include "cep-atomic-file.h"
#include "cep-json-writer.h"

static void
write_strv (CepJsonWriter      *writer,
            const char         *member,
            const char * const *values)
{
  cep_json_writer_member (writer, member);
  if (values == NULL)
    {
      cep_json_writer_null (writer);
      return;
    }
  cep_json_writer_begin_array (writer, TRUE);
  for (guint i = 0; values[i] != NULL; i++)
    cep_json_writer_string (writer, values[i]);
  cep_json_writer_end_array (writer);
}

/* Whole bounds (epochs, parameters) are written as integers, the others as numbers. */
static void
write_number (CepJsonWriter *writer,
              const char    *member,
              double         value)
{
  cep_json_writer_member (writer, member);
  if (value == (double) (gint64) value && value > -9e15 && value < 9e15)
    cep_json_writer_int (writer, (gint64) value);
  else
    cep_json_writer_double (writer, value);
}

static void
write_rules (CepJsonWriter *writer,
             CepAssignment *assignment)
{
  cep_json_writer_member (writer, "rules");
  cep_json_writer_begin_object (writer);
  write_strv (writer, "locked", (const char * const *) assignment->locked);
  write_strv (writer, "hidden", (const char * const *) assignment->hidden);
  cep_json_writer_member (writer, "bounds");
  cep_json_writer_begin_object (writer);
  for (guint i = 0; i < assignment->bounds->len; i++)
    {
      const CepAssignmentBound *bound = &g_array_index (assignment->bounds,
                                                        CepAssignmentBound, i);
      cep_json_writer_member (writer, bound->path);
      cep_json_writer_begin_inline_object (writer);
      if (bound->has_min)
        write_number (writer, "min", bound->min);
      if (bound->has_max)
        write_number (writer, "max", bound->max);
      cep_json_writer_end_object (writer);
    }
  cep_json_writer_end_object (writer);
  cep_json_writer_member (writer, "allowed");
  cep_json_writer_begin_object (writer);
  for (guint i = 0; i < assignment->allowed->len; i++)
    {
      const CepAssignmentAllowed *allowed = &g_array_index (assignment->allowed,
                                                            CepAssignmentAllowed, i);
      write_strv (writer, allowed->path, (const char * const *) allowed->values);
    }
  cep_json_writer_end_object (writer);
  write_strv (writer, "allowed_blocks", (const char * const *) assignment->allowed_blocks);
  cep_json_writer_end_object (writer);
}

char *
cep_assignment_to_json (CepAssignment *assignment)
{
  g_autoptr(CepJsonWriter) writer = cep_json_writer_new (TRUE);
  g_autofree char *experiment = NULL;

  g_return_val_if_fail (assignment != NULL, NULL);

  cep_json_writer_begin_object (writer);
  cep_json_writer_member (writer, "format");
  cep_json_writer_string (writer, CEP_ASSIGNMENT_FORMAT);
  cep_json_writer_member (writer, "version");
  cep_json_writer_int (writer, CEP_ASSIGNMENT_VERSION);
  cep_json_writer_member (writer, "title");
  cep_json_writer_string (writer, assignment->title);
  cep_json_writer_member (writer, "instructions");
  cep_json_writer_string (writer, assignment->instructions);
  cep_json_writer_member (writer, "dataset");
  if (assignment->dataset_fingerprint == NULL)
    cep_json_writer_null (writer);
  else
    {
      cep_json_writer_begin_inline_object (writer);
      cep_json_writer_member (writer, "name");
      cep_json_writer_string (writer, assignment->dataset_name);
      cep_json_writer_member (writer, "fingerprint");
      cep_json_writer_string (writer, assignment->dataset_fingerprint);
      cep_json_writer_end_object (writer);
    }
  cep_json_writer_member (writer, "metric");
  cep_json_writer_string (writer, cep_assignment_metric_get_name (assignment->metric));
  cep_json_writer_member (writer, "seed");
  if (assignment->has_seed)
    cep_json_writer_uint (writer, assignment->seed);
  else
    cep_json_writer_null (writer);
  write_rules (writer, assignment);
  cep_json_writer_member (writer, "experiment");
  experiment = cep_experiment_to_json (assignment->experiment);
  cep_json_writer_embed (writer, experiment);
  cep_json_writer_end_object (writer);
  return cep_json_writer_finish (g_steal_pointer (&writer));
}

gboolean
cep_assignment_save (CepAssignment  *assignment,
                     const char     *path,
                     GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  char *text;
  gsize length;

  g_return_val_if_fail (assignment != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!_cep_assignment_check_own_experiment (assignment, path, error))
    return FALSE;
  text = cep_assignment_to_json (assignment);
  length = strlen (text);
  if (!cep_atomic_file_set_contents (path, text, length, &local_error))
    {
      g_free (text);
      g_set_error_literal (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_IO,
                           local_error->message);
      return FALSE;
    }
  _cep_assignment_changed (assignment);
  assignment->bytes = g_bytes_new_take (text, length);
  g_free (assignment->path);
  assignment->path = g_strdup (path);
  return TRUE;
}

gboolean
cep_assignment_record_in_run (CepAssignment  *assignment,
                              const char     *run_dir,
                              GError        **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  GBytes *bytes;

  g_return_val_if_fail (assignment != NULL, FALSE);
  g_return_val_if_fail (run_dir != NULL, FALSE);

  path = g_build_filename (run_dir, CEP_ASSIGNMENT_RUN_FILE, NULL);
  bytes = cep_assignment_get_bytes (assignment);
  if (!cep_atomic_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                     g_bytes_get_size (bytes), &local_error))
    {
      g_set_error_literal (error, CEP_ASSIGNMENT_ERROR, CEP_ASSIGNMENT_ERROR_IO,
                           local_error->message);
      return FALSE;
    }
  return TRUE;
}

void
cep_assignment_attach_to_trainer (CepAssignment     *assignment,
                                  CepTrainerOptions *options)
{
  g_return_if_fail (assignment != NULL);
  g_return_if_fail (options != NULL);

  options->attachment_name = CEP_ASSIGNMENT_RUN_FILE;
  options->attachment = cep_assignment_get_bytes (assignment);
}
