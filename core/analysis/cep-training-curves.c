/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-training-curves.c: reading metrics.jsonl into curves. It must not draw.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-training-curves.h"
#include "cep-atomic-file.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cep-json-input.h"
#include "cep-run.h"

G_DEFINE_QUARK (cep-training-curves-error-quark, cep_training_curves_error)

static GArray *
double_array (void)
{
  return g_array_new (FALSE, FALSE, sizeof (double));
}

static CepTrainingCurves *
curves_new (void)
{
  CepTrainingCurves *curves = g_new0 (CepTrainingCurves, 1);
  GArray **arrays[] = {
    &curves->step, &curves->step_loss, &curves->step_accuracy, &curves->step_lr, &curves->step_elapsed,
    &curves->step_samples_per_second, &curves->epoch, &curves->epoch_step, &curves->train_loss,
    &curves->train_accuracy, &curves->dev_loss, &curves->dev_accuracy, &curves->epoch_elapsed,
  };

  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
    *arrays[i] = double_array ();
  return curves;
}

void
cep_training_curves_free (CepTrainingCurves *curves)
{
  if (curves == NULL)
    return;
  GArray *arrays[] = {
    curves->step, curves->step_loss, curves->step_accuracy, curves->step_lr, curves->step_elapsed,
    curves->step_samples_per_second, curves->epoch, curves->epoch_step, curves->train_loss,
    curves->train_accuracy, curves->dev_loss, curves->dev_accuracy, curves->epoch_elapsed,
  };

  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
    g_array_unref (arrays[i]);
  g_free (curves);
}

/* A number member: TRUE with NaN for null; FALSE when missing or not a number. */
static gboolean
read_number (JsonObject *object,
             const char *name,
             double     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (node))
    {
      *value = NAN;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || (json_node_get_value_type (node) != G_TYPE_DOUBLE
                                        && json_node_get_value_type (node) != G_TYPE_INT64))
    return FALSE;
  *value = json_node_get_double (node);
  return TRUE;
}

/* Reads the @n members named in @names into @values; the name of the first missing one, or
 * NULL. */
static const char *
read_numbers (JsonObject         *object,
              const char * const *names,
              double             *values,
              guint               n)
{
  for (guint i = 0; i < n; i++)
    if (!read_number (object, names[i], &values[i]))
      return names[i];
  return NULL;
}

static void
append (GArray *array,
        double  value)
{
  g_array_append_val (array, value);
}

static const char *
add_step (CepTrainingCurves *curves,
          JsonObject        *object)
{
  static const char *const names[] = { "step", "loss", "accuracy", "lr",
                                       "samples_per_second", "elapsed" };
  double v[G_N_ELEMENTS (names)];
  const char *missing = read_numbers (object, names, v, G_N_ELEMENTS (names));

  if (missing != NULL)
    return missing;
  append (curves->step, v[0]);
  append (curves->step_loss, v[1]);
  append (curves->step_accuracy, v[2]);
  append (curves->step_lr, v[3]);
  append (curves->step_samples_per_second, v[4]);
  append (curves->step_elapsed, v[5]);
  return NULL;
}

static const char *
add_epoch (CepTrainingCurves *curves,
           JsonObject        *object)
{
  static const char *const names[] = { "epoch", "step", "loss", "accuracy", "elapsed" };
  double v[G_N_ELEMENTS (names)];
  double dev_loss = NAN, dev_accuracy = NAN;
  const char *missing = read_numbers (object, names, v, G_N_ELEMENTS (names));

  if (missing != NULL)
    return missing;
  if (json_object_has_member (object, "dev_loss"))
    {
      if (!read_number (object, "dev_loss", &dev_loss))
        return "dev_loss";
      if (!read_number (object, "dev_accuracy", &dev_accuracy))
        return "dev_accuracy";
      curves->has_dev = TRUE;
    }
  append (curves->epoch, v[0] + 1);
  append (curves->epoch_step, v[1]);
  append (curves->train_loss, v[2]);
  append (curves->train_accuracy, v[3]);
  append (curves->epoch_elapsed, v[4]);
  append (curves->dev_loss, dev_loss);
  append (curves->dev_accuracy, dev_accuracy);
  return NULL;
}

static gboolean
add_line (CepTrainingCurves  *curves,
          JsonParser         *parser,
          const char         *line,
          const char         *name,
          guint               number,
          GError            **error)
{
  JsonNode *root;
  JsonObject *object;
  const char *event, *missing = NULL;

  g_autofree char *where = g_strdup_printf ("%s:%u", name, number);
  g_autoptr(GError) local_error = NULL;

  /* Bounded, and a member named twice is refused: the error says which. */
  if (!cep_json_input_load (parser, line, -1, where, CEP_JSON_MAX_DOCUMENT, &local_error)
      && !g_error_matches (local_error, CEP_JSON_INPUT_ERROR, CEP_JSON_INPUT_ERROR_SYNTAX))
    {
      g_set_error_literal (error, CEP_TRAINING_CURVES_ERROR, CEP_TRAINING_CURVES_ERROR_PARSE,
                           local_error->message);
      return FALSE;
    }
  if (local_error != NULL || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CEP_TRAINING_CURVES_ERROR, CEP_TRAINING_CURVES_ERROR_PARSE,
                   "%s: not a JSON object", where);
      return FALSE;
    }
  object = json_node_get_object (root);
  event = cep_json_string_member (object, "event", "");
  if (g_str_equal (event, "step"))
    missing = add_step (curves, object);
  else if (g_str_equal (event, "epoch"))
    missing = add_epoch (curves, object);
  if (missing == NULL)
    return TRUE;
  g_set_error (error, CEP_TRAINING_CURVES_ERROR, CEP_TRAINING_CURVES_ERROR_PARSE,
               "%s:%u: a %s line without a number \"%s\"", name, number, event, missing);
  return FALSE;
}

/* The trainer may be writing the last line (it has no newline yet): a reader during training
 * leaves out a last line that is within the bounds but does not parse, rather than failing
 * on it. An oversized or over-deep line is an error wherever it is. */
static gboolean
is_being_written (JsonParser *parser,
                  const char *line,
                  const char *name)
{
  return cep_json_input_check (line, -1, name, CEP_JSON_MAX_DOCUMENT, NULL)
         && !json_parser_load_from_data (parser, line, -1, NULL);
}

CepTrainingCurves *
cep_training_curves_new_from_text (const char  *text,
                                   const char  *name,
                                   GError     **error)
{
  g_autoptr(CepTrainingCurves) curves = curves_new ();
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_strstrip (lines[i])[0] == '\0')
        continue;
      if (lines[i + 1] == NULL && is_being_written (parser, lines[i], name))
        break;
      if (!add_line (curves, parser, lines[i], name, i + 1, error))
        return NULL;
    }
  return g_steal_pointer (&curves);
}

CepTrainingCurves *
cep_training_curves_load (const char  *metrics_path,
                          GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (metrics_path, &text, NULL, &local_error))
    {
      g_set_error_literal (error, CEP_TRAINING_CURVES_ERROR, CEP_TRAINING_CURVES_ERROR_IO,
                           local_error->message);
      return NULL;
    }
  return cep_training_curves_new_from_text (text, metrics_path, error);
}

/* ---- CSV ---- */

static void
append_cell (GString *text,
             double   value)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (text, ',');
  if (isfinite (value))
    g_string_append (text, g_ascii_dtostr (number, sizeof number, value));
}

#define AT(array, i) g_array_index ((array), double, (i))

static gboolean
write_text (const GString  *text,
            const char     *path,
            GError        **error)
{
  return cep_atomic_file_set_contents (path, text->str, text->len, error);
}

gboolean
cep_training_curves_write_csv (const CepTrainingCurves  *curves,
                               const char               *path,
                               GError                  **error)
{
  g_autoptr (GString) epochs = g_string_new ("epoch,step,elapsed,train_loss,train_accuracy,"
                                             "dev_loss,dev_accuracy\n");
  g_autoptr (GString) steps = g_string_new ("step,elapsed,loss,accuracy,lr\n");
  g_autofree char *second = cep_run_steps_csv_path (path);

  g_return_val_if_fail (curves != NULL && path != NULL, FALSE);

  for (guint i = 0; i < curves->epoch->len; i++)
    {
      g_string_append_printf (epochs, "%.0f", AT (curves->epoch, i));
      append_cell (epochs, AT (curves->epoch_step, i));
      append_cell (epochs, AT (curves->epoch_elapsed, i));
      append_cell (epochs, AT (curves->train_loss, i));
      append_cell (epochs, AT (curves->train_accuracy, i));
      append_cell (epochs, AT (curves->dev_loss, i));
      append_cell (epochs, AT (curves->dev_accuracy, i));
      g_string_append_c (epochs, '\n');
    }
  for (guint i = 0; i < curves->step->len; i++)
    {
      g_string_append_printf (steps, "%.0f", AT (curves->step, i));
      append_cell (steps, AT (curves->step_elapsed, i));
      append_cell (steps, AT (curves->step_loss, i));
      append_cell (steps, AT (curves->step_accuracy, i));
      append_cell (steps, AT (curves->step_lr, i));
      g_string_append_c (steps, '\n');
    }
  return write_text (epochs, path, error) && write_text (steps, second, error);
}
