/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-history.c: reading run folders back into curves; curves from live events.
 *
 * Owns the metrics.jsonl reader and the curve arrays. Must not write runs (the trainer does)
 * nor touch GTK.
 */
#define G_LOG_DOMAIN "cepstra-run-history"

#include "cep-run-history.h"

#include <glib/gi18n.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cep-atomic-file.h"
#include "cep-dataset.h"
#include "cep-json-input.h"
#include "cep-run.h"
#include "cep-safetensors.h"

/* ---- curves ---- */

static GArray *
doubles (void)
{
  return g_array_new (FALSE, FALSE, sizeof (double));
}

CepRunCurves *
cep_run_curves_new (void)
{
  CepRunCurves *curves = g_new0 (CepRunCurves, 1);

  curves->step = doubles ();
  curves->step_time = doubles ();
  curves->step_loss = doubles ();
  curves->step_lr = doubles ();
  curves->epoch_step = doubles ();
  curves->epoch_time = doubles ();
  curves->epoch_loss = doubles ();
  curves->epoch_accuracy = doubles ();
  curves->dev_loss = doubles ();
  curves->dev_accuracy = doubles ();
  return curves;
}

void
cep_run_curves_clear (CepRunCurves *curves)
{
  g_return_if_fail (curves != NULL);

  g_array_set_size (curves->step, 0);
  g_array_set_size (curves->step_time, 0);
  g_array_set_size (curves->step_loss, 0);
  g_array_set_size (curves->step_lr, 0);
  g_array_set_size (curves->epoch_step, 0);
  g_array_set_size (curves->epoch_time, 0);
  g_array_set_size (curves->epoch_loss, 0);
  g_array_set_size (curves->epoch_accuracy, 0);
  g_array_set_size (curves->dev_loss, 0);
  g_array_set_size (curves->dev_accuracy, 0);
}

void
cep_run_curves_free (CepRunCurves *curves)
{
  if (curves == NULL)
    return;
  g_array_unref (curves->step);
  g_array_unref (curves->step_time);
  g_array_unref (curves->step_loss);
  g_array_unref (curves->step_lr);
  g_array_unref (curves->epoch_step);
  g_array_unref (curves->epoch_time);
  g_array_unref (curves->epoch_loss);
  g_array_unref (curves->epoch_accuracy);
  g_array_unref (curves->dev_loss);
  g_array_unref (curves->dev_accuracy);
  g_free (curves);
}

#define AT(array, i) g_array_index ((array), double, (i))

/* Moves step point @from to position @to (to <= from). */
static void
keep_point (CepRunCurves *curves,
            guint         from,
            guint         to)
{
  AT (curves->step, to) = AT (curves->step, from);
  AT (curves->step_time, to) = AT (curves->step_time, from);
  AT (curves->step_loss, to) = AT (curves->step_loss, from);
  AT (curves->step_lr, to) = AT (curves->step_lr, from);
}

/* The older half, four points at a time, down to each group's lowest and highest loss. */
static void
thin_steps (CepRunCurves *curves)
{
  guint old = (curves->step->len / 2) & ~3u;
  guint out = 0;

  for (guint group = 0; group < old; group += 4)
    {
      guint low = group, high = group;

      for (guint i = group + 1; i < group + 4; i++)
        {
          if (AT (curves->step_loss, i) < AT (curves->step_loss, low))
            low = i;
          if (AT (curves->step_loss, i) > AT (curves->step_loss, high))
            high = i;
        }
      keep_point (curves, MIN (low, high), out++);
      if (low != high)
        keep_point (curves, MAX (low, high), out++);
    }
  for (guint i = old; i < curves->step->len; i++)
    keep_point (curves, i, out++);
  g_array_set_size (curves->step, out);
  g_array_set_size (curves->step_time, out);
  g_array_set_size (curves->step_loss, out);
  g_array_set_size (curves->step_lr, out);
}

static void
append (GArray *array,
        double  value)
{
  g_array_append_val (array, value);
}

static void
add_step (CepRunCurves *curves,
          double        step,
          double        time,
          double        loss,
          double        lr)
{
  if (curves->step->len >= CEP_RUN_CURVES_MAX_STEPS)
    thin_steps (curves);
  append (curves->step, step);
  append (curves->step_time, time);
  append (curves->step_loss, loss);
  append (curves->step_lr, lr);
}

static void
add_epoch (CepRunCurves *curves,
           double        step,
           double        time,
           double        loss,
           double        accuracy,
           double        dev_loss,
           double        dev_accuracy)
{
  append (curves->epoch_step, step);
  append (curves->epoch_time, time);
  append (curves->epoch_loss, loss);
  append (curves->epoch_accuracy, accuracy);
  append (curves->dev_loss, dev_loss);
  append (curves->dev_accuracy, dev_accuracy);
}

void
cep_run_curves_add_event (CepRunCurves          *curves,
                          const CepTrainerEvent *event)
{
  g_return_if_fail (curves != NULL && event != NULL);

  if (event->kind == CEP_TRAINER_EVENT_STEP)
    add_step (curves, event->step, event->elapsed, event->loss, event->lr);
  else if (event->kind == CEP_TRAINER_EVENT_EPOCH)
    add_epoch (curves, event->step, event->elapsed, event->loss, event->accuracy,
               event->has_dev ? event->dev_loss : NAN,
               event->has_dev ? event->dev_accuracy : NAN);
}

gboolean
cep_run_curves_has_dev (const CepRunCurves *curves)
{
  g_return_val_if_fail (curves != NULL, FALSE);

  for (guint i = 0; i < curves->dev_accuracy->len; i++)
    if (!isnan (AT (curves->dev_accuracy, i)))
      return TRUE;
  return FALSE;
}

double
cep_run_curves_best_accuracy (const CepRunCurves *curves)
{
  double best = NAN;

  g_return_val_if_fail (curves != NULL, NAN);

  for (guint i = 0; i < curves->epoch_step->len; i++)
    {
      double value = isnan (AT (curves->dev_accuracy, i)) ? AT (curves->epoch_accuracy, i)
                                                           : AT (curves->dev_accuracy, i);

      if (isnan (best) || value > best)
        best = value;
    }
  return best;
}

/* ---- CSV ---- */

static void
append_number (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (out, ',');
  if (!isnan (value))
    g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, value));
}

static char *
epochs_csv (const CepRunCurves *curves)
{
  GString *out = g_string_new (
    "epoch,step,time,train_loss,train_accuracy,dev_loss,dev_accuracy\n");

  for (guint i = 0; i < curves->epoch_step->len; i++)
    {
      g_string_append_printf (out, "%u", i + 1);
      append_number (out, AT (curves->epoch_step, i));
      append_number (out, AT (curves->epoch_time, i));
      append_number (out, AT (curves->epoch_loss, i));
      append_number (out, AT (curves->epoch_accuracy, i));
      append_number (out, AT (curves->dev_loss, i));
      append_number (out, AT (curves->dev_accuracy, i));
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static char *
steps_csv (const CepRunCurves *curves)
{
  GString *out = g_string_new ("step,time,loss,lr\n");

  for (guint i = 0; i < curves->step->len; i++)
    {
      g_string_append_printf (out, "%.0f", AT (curves->step, i));
      append_number (out, AT (curves->step_time, i));
      append_number (out, AT (curves->step_loss, i));
      append_number (out, AT (curves->step_lr, i));
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static gboolean
write_text (const char  *path,
            const char  *text,
            GError     **error)
{
  return cep_atomic_file_set_contents (path, text, strlen (text), error);
}

gboolean
cep_run_curves_write_csv (const CepRunCurves  *curves,
                          const char          *path,
                          GError             **error)
{
  g_autofree char *epochs = NULL, *steps = NULL, *second = NULL;

  g_return_val_if_fail (curves != NULL && path != NULL, FALSE);

  epochs = epochs_csv (curves);
  steps = steps_csv (curves);
  second = cep_run_steps_csv_path (path);
  return write_text (path, epochs, error) && write_text (second, steps, error);
}

/* ---- run folders ---- */

const char *
cep_run_status_get_label (CepRunStatus status)
{
  switch (status)
    {
    case CEP_RUN_STATUS_FINISHED:
      return _("Finished");
    case CEP_RUN_STATUS_CANCELLED:
      return _("Stopped");
    case CEP_RUN_STATUS_FAILED:
      return _("Failed");
    case CEP_RUN_STATUS_UNKNOWN:
    default:
      return _("Incomplete");
    }
}

void
cep_run_info_free (CepRunInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->dir);
  g_free (info->id);
  g_free (info->backend);
  g_free (info->fingerprint);
  if (info->experiment != NULL)
    cep_experiment_free (info->experiment);
  cep_run_curves_free (info->curves);
  g_free (info);
}

static double
member_double (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return NAN;
  return json_node_get_double (node);
}

/* Reading state: a resumed run's process starts its elapsed time at 0 again, so times after
 * each "start" are shifted to continue from the last time before it. */
typedef struct
{
  CepRunInfo *info;
  double      offset;
  double      last_time;
} Reader;

static void
read_start (Reader     *reader,
            JsonObject *object)
{
  CepRunInfo *info = reader->info;

  reader->offset = reader->last_time;
  g_free (info->backend);
  info->backend = g_strdup (cep_json_string_member (object, "backend", NULL));
  info->status = CEP_RUN_STATUS_UNKNOWN;
}

static void
read_event (Reader     *reader,
            JsonObject *object)
{
  CepRunInfo *info = reader->info;
  const char *event = cep_json_string_member (object, "event", "");
  double step = member_double (object, "step");
  double elapsed;

  if (g_str_equal (event, "start"))
    read_start (reader, object);
  elapsed = reader->offset + member_double (object, "elapsed");
  if (!isnan (elapsed))
    reader->last_time = elapsed;
  if (info->started == 0 && json_object_has_member (object, "time"))
    info->started = (gint64) member_double (object, "time");
  if (g_str_equal (event, "step"))
    add_step (info->curves, step, elapsed, member_double (object, "loss"),
              member_double (object, "lr"));
  else if (g_str_equal (event, "epoch"))
    {
      add_epoch (info->curves, step, elapsed, member_double (object, "loss"),
                 member_double (object, "accuracy"), member_double (object, "dev_loss"),
                 member_double (object, "dev_accuracy"));
      info->epochs_done = info->curves->epoch_step->len;
    }
  else if (g_str_equal (event, "finished"))
    info->status = CEP_RUN_STATUS_FINISHED;
  else if (g_str_equal (event, "cancelled"))
    info->status = CEP_RUN_STATUS_CANCELLED;
  else if (g_str_equal (event, "failed"))
    info->status = CEP_RUN_STATUS_FAILED;
}

/* One object per line; a line that does not parse (being written) ends the reading. */
static void
read_metrics (CepRunInfo *info,
              const char *path,
              guint64     max_lines)
{
  g_autofree char *text = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  Reader reader = { info, 0, 0 };
  char **lines;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && i < max_lines; i++)
    {
      JsonNode *root;

      if (lines[i][0] == '\0')
        continue;
      if (!cep_json_input_load (parser, lines[i], -1, path, CEP_JSON_MAX_DOCUMENT, NULL))
        break;
      root = json_parser_get_root (parser);
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        read_event (&reader, json_node_get_object (root));
    }
  g_strfreev (lines);
}

static char *
read_fingerprint (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, CEP_RUN_FINGERPRINT_FILE, NULL);
  char *text = NULL;
  GStatBuf info;

  /* 64 hex digits and a newline; anything larger is not ours, and is not read. */
  if (g_stat (path, &info) != 0 || !S_ISREG (info.st_mode) || info.st_size > 80
      || !g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return g_strstrip (text);
}

CepRunInfo *
cep_run_info_load (const char  *dir,
                   GError     **error)
{
  return cep_run_info_load_lines (dir, G_MAXUINT64, error);
}

CepRunInfo *
cep_run_info_load_lines (const char  *dir,
                         guint64      max_lines,
                         GError     **error)
{
  g_autofree char *experiment = g_build_filename (dir, CEP_RUN_EXPERIMENT_FILE, NULL);
  g_autofree char *metrics = g_build_filename (dir, CEP_RUN_METRICS_FILE, NULL);
  g_autoptr (CepRunInfo) info = g_new0 (CepRunInfo, 1);

  g_return_val_if_fail (dir != NULL, NULL);

  info->experiment = cep_experiment_load (experiment, NULL, error);
  if (info->experiment == NULL)
    return NULL;
  info->dir = g_strdup (dir);
  info->id = g_path_get_basename (dir);
  info->curves = cep_run_curves_new ();
  info->fingerprint = read_fingerprint (dir);
  read_metrics (info, metrics, max_lines);
  return g_steal_pointer (&info);
}

gboolean
cep_run_info_uses_dataset (const CepRunInfo *info,
                           const char       *root,
                           const char       *fingerprint)
{
  const char *trained_on;
  g_autofree char *canonical = NULL;
  g_autofree char *wanted = NULL;

  g_return_val_if_fail (info != NULL, FALSE);

  if (fingerprint != NULL && g_strcmp0 (info->fingerprint, fingerprint) == 0)
    return TRUE;
  trained_on = info->experiment->data.root;
  if (trained_on == NULL || root == NULL)
    return trained_on == root;
  /* "./data" and its absolute path are one dataset. */
  canonical = g_canonicalize_filename (trained_on, NULL);
  wanted = g_canonicalize_filename (root, NULL);
  return g_str_equal (canonical, wanted);
}

char *
cep_run_history_dataset_fingerprint (const char *root)
{
  g_autofree char *demo = root == NULL ? cep_dataset_find_demo_root () : NULL;
  const char *where = root != NULL ? root : demo;
  g_autoptr (CepDataset) dataset = where != NULL ? cep_dataset_open (where, NULL, NULL) : NULL;

  return dataset != NULL ? cep_dataset_get_fingerprint (dataset) : NULL;
}

gboolean
cep_run_info_can_resume (const CepRunInfo *info)
{
  g_autofree char *experiment = NULL;

  g_return_val_if_fail (info != NULL, FALSE);

  /* From its last checkpoint, or from the start when it was stopped or killed before its
   * first one (the trainer does either). */
  experiment = g_build_filename (info->dir, CEP_RUN_EXPERIMENT_FILE, NULL);
  return info->status != CEP_RUN_STATUS_FINISHED
         && g_file_test (experiment, G_FILE_TEST_IS_REGULAR);
}

guint64
cep_run_history_resume_point (const char *run_dir)
{
  g_autofree char *path = g_build_filename (run_dir, CEP_RUN_LAST_CHECKPOINT, NULL);
  g_autoptr (CepSafetensors) file = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *state;
  JsonNode *root;

  g_return_val_if_fail (run_dir != NULL, G_MAXUINT64);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return 0;
  file = cep_safetensors_open (path, NULL);
  state = file != NULL ? cep_safetensors_get_metadata (file, CEP_RUN_METADATA_STATE) : NULL;
  if (state == NULL
      || !cep_json_input_load (parser, state, -1, path, CEP_JSON_MAX_DOCUMENT, NULL))
    return G_MAXUINT64;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return G_MAXUINT64;
  return (guint64) json_object_get_int_member_with_default (json_node_get_object (root),
                                                             "metrics_lines", G_MAXINT64);
}

char *
cep_run_history_get_root (void)
{
  return g_build_filename (g_get_user_data_dir (), "cepstra", "runs", NULL);
}

typedef struct
{
  char *runs_root;
  char *root;
} ListJob;

static void
list_job_free (gpointer data)
{
  ListJob *job = data;

  g_free (job->runs_root);
  g_free (job->root);
  g_free (job);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const CepRunInfo *x = *(CepRunInfo * const *) a;
  const CepRunInfo *y = *(CepRunInfo * const *) b;

  return -g_strcmp0 (x->id, y->id);
}

GPtrArray *
cep_run_history_list (const char   *runs_root,
                      gboolean      every_dataset,
                      const char   *root,
                      GCancellable *cancellable)
{
  GPtrArray *runs = g_ptr_array_new_with_free_func ((GDestroyNotify) cep_run_info_free);
  g_autoptr (GDir) dir = NULL;
  g_autofree char *fingerprint = NULL;
  const char *name;

  g_return_val_if_fail (runs_root != NULL, runs);

  if (!every_dataset)
    fingerprint = cep_run_history_dataset_fingerprint (root);
  dir = g_dir_open (runs_root, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL
         && !g_cancellable_is_cancelled (cancellable))
    {
      g_autofree char *path = g_build_filename (runs_root, name, NULL);
      CepRunInfo *info = cep_run_info_load (path, NULL);

      if (info != NULL
          && (every_dataset || cep_run_info_uses_dataset (info, root, fingerprint)))
        g_ptr_array_add (runs, info);
      else
        cep_run_info_free (info);
    }
  g_ptr_array_sort (runs, compare_newest_first);
  return runs;
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ListJob *job = task_data;
  GPtrArray *runs = cep_run_history_list (job->runs_root, FALSE, job->root, cancellable);

  if (g_task_return_error_if_cancelled (task))
    g_ptr_array_unref (runs);
  else
    g_task_return_pointer (task, runs, (GDestroyNotify) g_ptr_array_unref);
}

void
cep_run_history_list_async (const char          *runs_root,
                            const char          *root,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  ListJob *job = g_new0 (ListJob, 1);

  job->runs_root = g_strdup (runs_root);
  job->root = g_strdup (root);
  g_task_set_source_tag (task, cep_run_history_list_async);
  g_task_set_task_data (task, job, list_job_free);
  g_task_run_in_thread (task, list_thread);
}

GPtrArray *
cep_run_history_list_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
