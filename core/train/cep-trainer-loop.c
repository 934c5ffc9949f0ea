/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-trainer-loop.c: what a trainer thread does — set up (fresh or resumed), the epoch loop,
 * events and their metrics.jsonl lines, checkpoints, and the one final event.
 *
 * Everything here runs on the trainer thread and touches only the thread's own state plus
 * the (immutable) experiment and partitions; pause and cancel come in through
 * cep-trainer.c's lock and the GCancellable.
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-trainer-private.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cep-json-writer.h"
#include "cep-json-input.h"
#include "cep-run.h"

/* Errors */

static gboolean
set_cancelled (GError **error)
{
  g_set_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_CANCELLED, "training was cancelled");
  return FALSE;
}

static gboolean
check_cancelled (CepTrainer *self,
                 GError    **error)
{
  return g_cancellable_is_cancelled (self->cancellable) ? set_cancelled (error) : TRUE;
}

/* Events */

/* Microseconds of training: the monotonic clock less the time spent paused, so rates and
 * elapsed times after a resume leave the pause out. Read on the trainer thread, which is the
 * one that adds to paused_for. */
static gint64
active_time (CepTrainer *self)
{
  return g_get_monotonic_time () - self->paused_for;
}

static double
elapsed_seconds (CepTrainer *self)
{
  return (g_get_monotonic_time () - self->started_at - self->paused_for) / 1e6;
}

static void
init_event (CepTrainer          *self,
            CepTrainerEvent     *event,
            CepTrainerEventKind  kind)
{
  memset (event, 0, sizeof *event);
  event->kind = kind;
  event->wall_time = g_get_real_time () / 1e6;
  event->elapsed = elapsed_seconds (self);
  event->epoch = self->epoch;
  event->n_epochs = self->experiment->train.epochs;
  event->step = self->step;
  event->n_batches = cep_batch_producer_get_n_batches (self->producer);
  event->lr = cep_schedule_get_lr (&self->schedule, self->epoch, self->step);
}

static const char *
event_name (CepTrainerEventKind kind)
{
  static const char *const names[] = {
    [CEP_TRAINER_EVENT_STARTED] = "start",
    [CEP_TRAINER_EVENT_STEP] = "step",
    [CEP_TRAINER_EVENT_EPOCH] = "epoch",
    [CEP_TRAINER_EVENT_CHECKPOINT] = "checkpoint",
    [CEP_TRAINER_EVENT_FINISHED] = "finished",
    [CEP_TRAINER_EVENT_CANCELLED] = "cancelled",
    [CEP_TRAINER_EVENT_FAILED] = "failed",
  };
  return names[kind];
}

static void
write_member_double (CepJsonWriter *json,
                     const char    *name,
                     double         value)
{
  cep_json_writer_member (json, name);
  cep_json_writer_double (json, value);
}

static void
write_event_details (CepTrainer            *self,
                     CepJsonWriter         *json,
                     const CepTrainerEvent *event)
{
  switch (event->kind)
    {
    case CEP_TRAINER_EVENT_STARTED:
      cep_json_writer_member (json, "backend");
      cep_json_writer_string (json, cep_backend_get_description (self->backend));
      cep_json_writer_member (json, "resumed");
      cep_json_writer_boolean (json, self->options.resume);
      /* Only device backends choose an input path; CPU runs keep their lines as they were. */
      if (cep_backend_is_host_memory (self->backend))
        break;
      cep_json_writer_member (json, "input");
      cep_json_writer_string (json, self->resident ? "resident" : "host");
      cep_json_writer_member (json, "input_note");
      cep_json_writer_string (json, self->input_note);
      break;
    case CEP_TRAINER_EVENT_STEP:
      cep_json_writer_member (json, "batch");
      cep_json_writer_uint (json, event->batch);
      break;
    case CEP_TRAINER_EVENT_EPOCH:
      if (event->has_dev)
        {
          write_member_double (json, "dev_loss", event->dev_loss);
          write_member_double (json, "dev_accuracy", event->dev_accuracy);
        }
      break;
    case CEP_TRAINER_EVENT_CHECKPOINT:
      cep_json_writer_member (json, "path");
      cep_json_writer_string (json, event->is_best ? CEP_RUN_BEST_CHECKPOINT
                                                   : CEP_RUN_LAST_CHECKPOINT);
      cep_json_writer_member (json, "best");
      cep_json_writer_boolean (json, event->is_best);
      break;
    case CEP_TRAINER_EVENT_FAILED:
      cep_json_writer_member (json, "message");
      cep_json_writer_string (json, event->error->message);
      break;
    default:
      break;
    }
}

/* One metrics.jsonl line (cep-trainer.h documents the members). */
static char *
event_to_json (CepTrainer            *self,
               const CepTrainerEvent *event)
{
  CepJsonWriter *json = cep_json_writer_new (FALSE);
  gboolean scored = event->kind == CEP_TRAINER_EVENT_STEP ||
                    event->kind == CEP_TRAINER_EVENT_EPOCH;

  cep_json_writer_begin_object (json);
  cep_json_writer_member (json, "event");
  cep_json_writer_string (json, event_name (event->kind));
  write_member_double (json, "time", event->wall_time);
  write_member_double (json, "elapsed", event->elapsed);
  cep_json_writer_member (json, "epoch");
  cep_json_writer_uint (json, event->epoch);
  cep_json_writer_member (json, "step");
  cep_json_writer_uint (json, event->step);
  if (scored)
    {
      write_member_double (json, "lr", event->lr);
      write_member_double (json, "loss", event->loss);
      write_member_double (json, "accuracy", event->accuracy);
      write_member_double (json, "samples_per_second", event->samples_per_second);
    }
  write_event_details (self, json, event);
  cep_json_writer_end_object (json);
  return cep_json_writer_finish (json);
}

/* A write into the run folder failed (a full disk, a folder made read-only): whatever the
 * writer's own domain, it is CEP_TRAINER_ERROR_RUN_DIR, which callers report as an output
 * error rather than as bad data. Takes @local. */
static gboolean
run_dir_failure (GError **error,
                 GError  *local)
{
  g_set_error_literal (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_RUN_DIR, local->message);
  g_error_free (local);
  return FALSE;
}

static gboolean
sync_metrics (CepTrainer  *self,
              GError     **error)
{
  GError *local = NULL;

  return cep_metrics_log_sync (self->metrics, &local) || run_dir_failure (error, local);
}

/* Writes the event's line (when @log) and hands the event to the callback. */
static gboolean
emit (CepTrainer            *self,
      const CepTrainerEvent *event,
      gboolean               log,
      GError               **error)
{
  if (log && self->metrics != NULL)
    {
      g_autofree char *line = event_to_json (self, event);
      GError *local = NULL;
      if (!cep_metrics_log_append (self->metrics, line, &local))
        return run_dir_failure (error, local);
    }
  if (self->options.callback != NULL)
    self->options.callback (event, self->options.user_data);
  return TRUE;
}

/* Trainer state in checkpoints/last.safetensors */

static char *
state_to_json (CepTrainer *self,
               guint64     metrics_lines)
{
  CepJsonWriter *json = cep_json_writer_new (FALSE);

  cep_json_writer_begin_object (json);
  cep_json_writer_member (json, "epochs_done");
  cep_json_writer_uint (json, self->epoch);
  cep_json_writer_member (json, "step");
  cep_json_writer_uint (json, self->step);
  cep_json_writer_member (json, "best_accuracy");
  if (self->has_best)
    cep_json_writer_double (json, self->best_accuracy);
  else
    cep_json_writer_null (json);
  /* ±inf (no epoch yet) has no JSON form: null. */
  write_member_double (json, "plateau_lr", self->schedule.plateau_lr);
  write_member_double (json, "plateau_best", self->schedule.best);
  cep_json_writer_member (json, "best_is_last");
  cep_json_writer_boolean (json, self->best_is_last);
  cep_json_writer_member (json, "plateau_bad_epochs");
  cep_json_writer_uint (json, self->schedule.bad_epochs);
  cep_json_writer_member (json, "metrics_lines");
  cep_json_writer_uint (json, metrics_lines);
  cep_json_writer_end_object (json);
  return cep_json_writer_finish (json);
}

static gboolean
resume_error (GError    **error,
              const char *path,
              const char *what)
{
  g_set_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_RESUME,
               "%s: the trainer state is unreadable (%s)", path, what);
  return FALSE;
}

static gboolean
read_state_member (JsonObject *object,
                   const char *name,
                   JsonNode  **node)
{
  *node = json_object_get_member (object, name);
  return *node != NULL && JSON_NODE_HOLDS_VALUE (*node);
}

static gboolean
state_from_json (CepTrainer *self,
                 const char *text,
                 const char *path,
                 guint64    *metrics_lines,
                 GError    **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonNode *node;

  if (text == NULL
      || !cep_json_input_load (parser, text, -1, path, CEP_JSON_MAX_DOCUMENT, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return resume_error (error, path, "no JSON object");
  object = json_node_get_object (json_parser_get_root (parser));
  if (!read_state_member (object, "epochs_done", &node))
    return resume_error (error, path, "epochs_done");
  self->epoch = (guint) json_node_get_int (node);
  if (!read_state_member (object, "step", &node))
    return resume_error (error, path, "step");
  self->step = (guint64) json_node_get_int (node);
  if (!read_state_member (object, "metrics_lines", &node))
    return resume_error (error, path, "metrics_lines");
  *metrics_lines = (guint64) json_node_get_int (node);
  self->has_best = read_state_member (object, "best_accuracy", &node);
  self->best_accuracy = self->has_best ? json_node_get_double (node) : 0.0;
  if (read_state_member (object, "plateau_lr", &node))
    self->schedule.plateau_lr = json_node_get_double (node);
  if (read_state_member (object, "plateau_best", &node))
    self->schedule.best = json_node_get_double (node);
  self->best_is_last = read_state_member (object, "best_is_last", &node)
                       && json_node_get_value_type (node) == G_TYPE_BOOLEAN
                       && json_node_get_boolean (node);
  if (read_state_member (object, "plateau_bad_epochs", &node))
    self->schedule.bad_epochs = (guint) json_node_get_int (node);
  return TRUE;
}

/* Set-up */

static gboolean
resume_from_last (CepTrainer *self,
                  guint64    *metrics_lines,
                  GError    **error)
{
  g_autofree char *path = g_build_filename (self->run_dir, CEP_RUN_LAST_CHECKPOINT, NULL);
  g_autoptr (CepSafetensors) file = cep_safetensors_open (path, error);
  g_autoptr (GError) local_error = NULL;

  if (file == NULL)
    return FALSE;
  if (!state_from_json (self, cep_safetensors_get_metadata (file, CEP_RUN_METADATA_STATE),
                        path, metrics_lines, error))
    return FALSE;
  if (!cep_network_load_tensors (self->network, file, TRUE, &local_error))
    {
      g_set_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_RESUME, "%s: %s", path,
                   local_error->message);
      return FALSE;
    }
  cep_network_set_seed (self->network, self->experiment->seed);
  return TRUE;
}

static gboolean
prepare (CepTrainer *self,
         GError    **error)
{
  const CepExperimentTrain *train = &self->experiment->train;
  g_autofree char *metrics = g_build_filename (self->run_dir, CEP_RUN_METRICS_FILE, NULL);
  g_autofree char *last = g_build_filename (self->run_dir, CEP_RUN_LAST_CHECKPOINT, NULL);
  /* Without a last checkpoint (killed in the first epoch) a resume starts over. */
  gboolean from_last = self->options.resume && g_file_test (last, G_FILE_TEST_IS_REGULAR);
  guint64 keep_lines = 0;

  self->best_is_last = FALSE;

  cep_schedule_init (&self->schedule, &train->schedule, train->optimizer.lr, train->epochs);
  if (from_last && !resume_from_last (self, &keep_lines, error))
    return FALSE;
  if (!from_last)
    cep_network_init_parameters (self->network, self->experiment->seed);
  self->metrics = cep_metrics_log_open (metrics, keep_lines, error);
  return self->metrics != NULL && _cep_trainer_choose_input (self, error);
}

/* Steps */

/* Samples per second over the last CEP_TRAINER_RATE_WINDOW steps, data waits included:
 * samples of those steps over the time since the step before them ended. */
static double
record_rate (CepTrainer *self,
             gint64      step_start,
             guint       samples)
{
  const guint ring = CEP_TRAINER_RATE_WINDOW + 1;
  gint64 now = active_time (self);
  guint64 count, total = 0;
  guint intervals;

  self->step_ends[self->n_timed % ring] = now;
  self->step_samples[self->n_timed % ring] = samples;
  count = ++self->n_timed;
  if (count == 1)
    return now > step_start ? samples * 1e6 / (now - step_start) : 0.0;
  intervals = (guint) MIN (count - 1, CEP_TRAINER_RATE_WINDOW);
  for (guint i = 0; i < intervals; i++)
    total += self->step_samples[(count - 1 - i) % ring];
  now -= self->step_ends[(count - 1 - intervals) % ring];
  return now > 0 ? total * 1e6 / now : 0.0;
}

typedef struct
{
  double  loss_sum;       /* Σ batch mean loss × rows */
  guint64 correct;
  guint64 samples;
  gint64  started;        /* monotonic µs */
} CepEpochSums;

static gboolean
non_finite_error (CepTrainer *self,
                  GError     *cause,
                  GError    **error)
{
  g_set_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_NON_FINITE,
               "epoch %u, %s; training stopped (checkpoints keep the last completed epoch)",
               self->epoch + 1, cause->message);
  g_error_free (cause);
  return FALSE;
}

static gboolean
train_batch (CepTrainer     *self,
             const CepBatch *batch,
             CepEpochSums   *sums,
             GError        **error)
{
  double lr = cep_schedule_get_lr (&self->schedule, self->epoch, self->step);
  gint64 start = active_time (self);
  GError *local_error = NULL;
  CepTrainerEvent event;
  CepStepStats stats;

  gboolean ok = batch->inputs != NULL
                ? cep_network_train_step (self->network, batch->inputs, batch->labels,
                                          batch->n_samples, self->step, lr, &stats,
                                          &local_error)
                : cep_network_train_step_batch (self->network, self->train, batch, self->step,
                                                lr, &stats, &local_error);
  if (!ok)
    return non_finite_error (self, local_error, error);
  self->step++;
  sums->loss_sum += stats.loss * stats.n;
  sums->correct += stats.correct;
  sums->samples += stats.n;
  init_event (self, &event, CEP_TRAINER_EVENT_STEP);
  event.batch = batch->index;
  event.lr = lr;
  event.loss = stats.loss;
  event.accuracy = (double) stats.correct / stats.n;
  event.samples_per_second = record_rate (self, start, stats.n);
  return emit (self, &event, self->step % self->options.log_every == 0, error);
}

static gboolean
train_epoch (CepTrainer   *self,
             CepEpochSums *sums,
             GError      **error)
{
  gboolean skip_single = cep_model_spec_uses_batch_statistics (self->experiment->model);
  GError *local_error = NULL;
  CepBatch *batch;
  gboolean ok = TRUE;

  cep_batch_producer_start_epoch (self->producer, self->epoch);
  while (ok && (batch = cep_batch_producer_next (self->producer, self->cancellable,
                                                 &local_error)) != NULL)
    {
      /* torch refuses BatchNorm on one row; such a last batch is skipped. */
      if (!(skip_single && batch->n_samples < 2))
        ok = _cep_trainer_wait_unpaused (self) ? train_batch (self, batch, sums, error)
                                               : set_cancelled (error);
      cep_batch_producer_release (self->producer, batch);
      ok = ok && check_cancelled (self, error);
    }
  if (g_error_matches (local_error, CEP_BATCH_PRODUCER_ERROR,
                       CEP_BATCH_PRODUCER_ERROR_CANCELLED))
    {
      g_error_free (local_error);
      return set_cancelled (error);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return ok;
}

/* End of an epoch */

static gboolean
save_checkpoint (CepTrainer *self,
                 gboolean    best,
                 GError    **error)
{
  g_autofree char *path = g_build_filename (self->run_dir, best ? CEP_RUN_BEST_CHECKPOINT
                                                                : CEP_RUN_LAST_CHECKPOINT, NULL);
  /* The last checkpoint's line is counted: a resume keeps it. */
  g_autofree char *state = best ? NULL : state_to_json (self,
                                                         cep_metrics_log_get_n_lines (
                                                           self->metrics) + 1);
  g_autofree char *step = g_strdup_printf ("%" G_GUINT64_FORMAT, self->step);
  /* The state goes last: NULL for best ends the list there. */
  const char *metadata[] = {
    CEP_RUN_METADATA_FORMAT, "pt",
    CEP_RUN_METADATA_EXPERIMENT, self->experiment_json,
    CEP_RUN_METADATA_STEP, step,
    CEP_RUN_METADATA_STATE, state,
    NULL,
  };
  CepTrainerEvent event;
  GError *local = NULL;

  if (!cep_network_save (self->network, path, !best, metadata, &local))
    return run_dir_failure (error, local);
  init_event (self, &event, CEP_TRAINER_EVENT_CHECKPOINT);
  event.epoch = self->epoch - 1;
  event.path = path;
  event.is_best = best;
  return emit (self, &event, TRUE, error);
}

/* Whether best.safetensors was written at this step (a resume after a kill between last and
 * best finds it older, or missing). */
static gboolean
best_is_current (CepTrainer *self)
{
  g_autofree char *path = g_build_filename (self->run_dir, CEP_RUN_BEST_CHECKPOINT, NULL);
  g_autoptr (CepSafetensors) file = cep_safetensors_open (path, NULL);
  g_autofree char *step = g_strdup_printf ("%" G_GUINT64_FORMAT, self->step);

  return file != NULL
         && g_strcmp0 (cep_safetensors_get_metadata (file, CEP_RUN_METADATA_STEP), step) == 0;
}

static gboolean
evaluate_dev (CepTrainer      *self,
              CepTrainerEvent *event,
              GError         **error)
{
  CepEvalResult result;
  GError *local = NULL;

  if (self->dev == NULL)
    return TRUE;
  if (!cep_network_evaluate (self->network, self->dev, self->cancellable, &result, &local))
    {
      /* A failure while evaluating (a device error, a file gone) is reported as it is. */
      if (!g_error_matches (local, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_CANCELLED))
        {
          g_propagate_prefixed_error (error, local, "evaluating %s: ",
                                      cep_partition_get_name (self->dev));
          return FALSE;
        }
      g_error_free (local);
      return set_cancelled (error);
    }
  event->has_dev = TRUE;
  event->dev_loss = result.loss;
  event->dev_accuracy = result.accuracy;
  return TRUE;
}

static gboolean
end_epoch (CepTrainer         *self,
           const CepEpochSums *sums,
           GError            **error)
{
  CepTrainerEvent event;
  double score;

  init_event (self, &event, CEP_TRAINER_EVENT_EPOCH);
  event.step = self->step;
  event.lr = cep_schedule_get_lr (&self->schedule, self->epoch, MAX (self->step, 1) - 1);
  event.loss = sums->samples > 0 ? sums->loss_sum / sums->samples : NAN;
  event.accuracy = sums->samples > 0 ? (double) sums->correct / sums->samples : 0.0;
  event.samples_per_second = sums->samples * 1e6 /
                             MAX (active_time (self) - sums->started, 1);
  if (!evaluate_dev (self, &event, error))
    return FALSE;
  cep_schedule_epoch_end (&self->schedule, event.has_dev ? event.dev_loss : event.loss,
                          event.has_dev ? event.dev_accuracy : event.accuracy);
  if (!emit (self, &event, TRUE, error))
    return FALSE;
  self->epoch++;
  score = event.has_dev ? event.dev_accuracy : event.accuracy;
  self->best_is_last = !self->has_best || score > self->best_accuracy;
  if (self->best_is_last)
    {
      self->has_best = TRUE;
      self->best_accuracy = score;
    }
  /* Last before best: whenever the process dies, last holds the newest complete epoch, and
   * its state says whether best still has to be written from the same weights. */
  if (!save_checkpoint (self, FALSE, error))
    return FALSE;
  if (self->best_is_last && !save_checkpoint (self, TRUE, error))
    return FALSE;
  return sync_metrics (self, error);
}

static gboolean
run_epoch (CepTrainer *self,
           GError    **error)
{
  CepEpochSums sums = { 0.0, 0, 0, active_time (self) };

  return train_epoch (self, &sums, error) && end_epoch (self, &sums, error);
}

/* The thread */

static void
finish (CepTrainer *self,
        GError     *error)
{
  CepTrainerEvent event;
  gboolean cancelled = g_error_matches (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_CANCELLED);

  init_event (self, &event, error == NULL ? CEP_TRAINER_EVENT_FINISHED
                            : cancelled ? CEP_TRAINER_EVENT_CANCELLED
                                        : CEP_TRAINER_EVENT_FAILED);
  event.error = error;
  /* The end is logged (a failure to log it cannot change the outcome any more) and the folder
   * released before anyone hears of it: a listener that resumes or trashes the run at once
   * finds it free, even while the window keeps this trainer to show its run. */
  if (self->metrics != NULL)
    {
      g_autofree char *line = event_to_json (self, &event);

      cep_metrics_log_append (self->metrics, line, NULL);
      cep_metrics_log_sync (self->metrics, NULL);
    }
  g_clear_pointer (&self->metrics, cep_metrics_log_free);
  g_clear_pointer (&self->run_lock, cep_run_lock_release);
  emit (self, &event, FALSE, NULL);
  g_mutex_lock (&self->lock);
  self->outcome = error;
  g_mutex_unlock (&self->lock);
}

gpointer
_cep_trainer_run (gpointer data)
{
  CepTrainer *self = data;
  GError *error = NULL;
  CepTrainerEvent event;

  self->started_at = g_get_monotonic_time ();
  if (prepare (self, &error))
    {
      init_event (self, &event, CEP_TRAINER_EVENT_STARTED);
      /* Resumed from a last whose best was never written (killed between the two): best is
       * written now, from the same weights. */
      if (emit (self, &event, TRUE, &error)
          && (!self->best_is_last || best_is_current (self)
              || save_checkpoint (self, TRUE, &error)))
        while (self->epoch < self->experiment->train.epochs && run_epoch (self, &error))
          ;
    }
  finish (self, error);
  return NULL;
}
