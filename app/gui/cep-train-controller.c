/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-controller.c: a CepTrainer whose events arrive on the main loop.
 *
 * Owns the trainer, the event queue between the threads and the live curves. The trainer
 * thread only ever touches the queue (under its lock); everything else is main-thread state.
 */
#define G_LOG_DOMAIN "cepstra-train-controller"

#include "cep-train-controller.h"

#include <errno.h>
#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "cep-main-post.h"
#include "cep-run.h"

/* Nice value of the trainer's threads (see lower_priority). */
#define CEP_TRAIN_NICE 5

/* An event copied out of the trainer's callback (its pointers are only valid there). */
typedef struct
{
  CepTrainerEvent event;
  char           *path;
  GError         *error;
  CepRunCurves   *resumed;       /* not an event: the resumed run's curves, posted first */
  double          time_offset;
} QueuedEvent;

/* The events between the trainer thread and the main thread: a CepMainPost whose payload is
 * the queue of QueuedEvent (cep-main-post.h), so a controller can go away while an idle is
 * still pending. */
typedef CepMainPost Mailbox;

struct _CepTrainController
{
  GObject           parent_instance;

  CepTrainer       *trainer;
  CepAssignment    *assignment;   /* what the next run answers (kept in its folder) */
  Mailbox          *mailbox;
  CepTrainState     state;
  CepExperiment    *experiment;
  char             *run_dir;
  CepTrainProgress  progress;
  CepRunCurves     *curves;
  guint64           n_events;
  guint64           n_drains;
  double            time_offset;   /* a resumed run's earlier training time */
  gboolean          stop_requested;  /* while starting */
  gboolean          pause_requested;
  gboolean          finished_early;  /* the last event came before the start completed */
};

enum
{
  SIGNAL_UPDATED,
  SIGNAL_FINISHED,
  SIGNAL_START_FAILED,
  SIGNAL_NOTICE,
  N_SIGNALS
};

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static guint signals[N_SIGNALS];
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (CepTrainController, cep_train_controller, G_TYPE_OBJECT)

CepTrainController *
cep_train_controller_new (void)
{
  return g_object_new (CEP_TYPE_TRAIN_CONTROLLER, NULL);
}

/* ---- the mailbox ---- */

static void
queued_event_clear (gpointer data)
{
  QueuedEvent *queued = data;

  g_free (queued->path);
  g_clear_error (&queued->error);
  cep_run_curves_free (queued->resumed);
}

static GArray *
event_queue_new (void)
{
  GArray *queue = g_array_new (FALSE, TRUE, sizeof (QueuedEvent));

  g_array_set_clear_func (queue, queued_event_clear);
  return queue;
}

static void drain (CepTrainController *self,
                   GArray             *events);

/* The main thread: everything queued since the last turn, applied at once. */
static void
on_mail (gpointer     owner,
         CepMainPost *post)
{
  GArray **queue = cep_main_post_get_data (post);
  GArray *events;

  cep_main_post_lock (post);
  events = *queue;
  *queue = event_queue_new ();
  cep_main_post_unlock (post);
  drain (owner, events);
  g_array_unref (events);
}

static void
free_queue (gpointer data)
{
  GArray **queue = data;

  g_array_unref (*queue);
  g_free (queue);
}

static Mailbox *
mailbox_new (CepTrainController *controller)
{
  GArray **queue = g_new (GArray *, 1);

  *queue = event_queue_new ();
  return cep_main_post_new (controller, G_PRIORITY_DEFAULT_IDLE, on_mail, queue, free_queue);
}

static void
mailbox_post (Mailbox     *mailbox,
              QueuedEvent *queued_in)
{
  GArray **queue = cep_main_post_get_data (mailbox);
  QueuedEvent queued = *queued_in;

  cep_main_post_lock (mailbox);
  g_array_append_val (*queue, queued);
  cep_main_post_unlock (mailbox);
  cep_main_post_wake (mailbox);
}

/* THE TRAINER THREAD: copy, queue, and wake the main loop once per batch of events. */
static void
on_trainer_event (const CepTrainerEvent *event,
                  gpointer               user_data)
{
  QueuedEvent queued = { *event, g_strdup (event->path),
                         event->error != NULL ? g_error_copy (event->error) : NULL };

  queued.event.path = NULL;
  queued.event.error = NULL;
  mailbox_post (user_data, &queued);
}

/* ---- the main thread ---- */

static void
set_state (CepTrainController *self,
           CepTrainState       state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
update_progress (CepTrainController    *self,
                 const CepTrainerEvent *event)
{
  self->progress.epoch = event->epoch;
  self->progress.n_epochs = event->n_epochs;
  self->progress.step = event->step;
  self->progress.elapsed = event->elapsed;
  if (event->kind == CEP_TRAINER_EVENT_STEP)
    {
      self->progress.batch = event->batch + 1;
      self->progress.n_batches = event->n_batches;
      self->progress.samples_per_second = event->samples_per_second;
      self->progress.lr = event->lr;
      self->progress.loss = event->loss;
    }
}

/* The thread has posted its last event and is ending: joining it may take a moment (the
 * backend shuts its workers down), so it happens on a worker, never on the main loop. */
static void
free_trainer_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  cep_trainer_free (task_data);
  g_task_return_boolean (task, TRUE);
}

static void
release_trainer (CepTrainController *self)
{
  g_autoptr (GTask) task = NULL;

  if (self->trainer == NULL)
    return;
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_task_data (task, g_steal_pointer (&self->trainer), NULL);
  g_task_run_in_thread (task, free_trainer_thread);
}

static CepRunStatus
final_status (CepTrainerEventKind kind)
{
  switch (kind)
    {
    case CEP_TRAINER_EVENT_FINISHED:
      return CEP_RUN_STATUS_FINISHED;
    case CEP_TRAINER_EVENT_CANCELLED:
      return CEP_RUN_STATUS_CANCELLED;
    case CEP_TRAINER_EVENT_FAILED:
      return CEP_RUN_STATUS_FAILED;
    default:
      return CEP_RUN_STATUS_UNKNOWN;
    }
}

static void
finish (CepTrainController *self,
        const QueuedEvent  *queued)
{
  if (self->trainer == NULL)
    self->finished_early = TRUE;
  release_trainer (self);
  set_state (self, CEP_TRAIN_STATE_IDLE);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, (guint) final_status (queued->event.kind),
                 queued->error);
}

static void
drain (CepTrainController *self,
       GArray             *events)
{
  const QueuedEvent *final = NULL;

  for (guint i = 0; i < events->len; i++)
    {
      QueuedEvent *queued = &g_array_index (events, QueuedEvent, i);
      CepTrainerEvent event = queued->event;

      if (queued->resumed != NULL)
        {
          cep_run_curves_free (self->curves);
          self->curves = g_steal_pointer (&queued->resumed);
          self->time_offset = queued->time_offset;
          continue;
        }
      /* A resumed process counts its elapsed time from 0; the curves continue the run's. */
      event.elapsed += self->time_offset;
      self->n_events++;
      cep_run_curves_add_event (self->curves, &event);
      update_progress (self, &event);
      if (final_status (queued->event.kind) != CEP_RUN_STATUS_UNKNOWN)
        final = queued;
    }
  self->n_drains++;
  g_signal_emit (self, signals[SIGNAL_UPDATED], 0);
  if (final != NULL)
    finish (self, final);
}

/* ---- control ---- */

static char *
unused_run_dir (const CepExperiment *experiment)
{
  char *dir = cep_run_dir_new_default (cep_experiment_get_display_name (experiment));

  /* Two runs started within a second would share a folder. */
  for (guint i = 2; g_file_test (dir, G_FILE_TEST_EXISTS); i++)
    {
      g_autofree char *base = g_steal_pointer (&dir);

      dir = g_strdup_printf ("%s-%u", base, i);
    }
  return dir;
}

/* A resumed run's curves continue from its checkpoint, exactly where its metrics will. */
static CepRunCurves *
load_resumed_curves (const char *run_dir,
                     double     *time_offset)
{
  guint64 keep = cep_run_history_resume_point (run_dir);
  g_autoptr (CepRunInfo) info = cep_run_info_load_lines (run_dir, keep, NULL);
  CepRunCurves *curves;

  *time_offset = 0;
  if (info == NULL)
    return cep_run_curves_new ();
  curves = g_steal_pointer (&info->curves);
  if (curves->epoch_time->len > 0)
    *time_offset = g_array_index (curves->epoch_time, double, curves->epoch_time->len - 1);
  return curves;
}

/* Setting a run up (backend, network, batch producer, run folder with a synced
 * experiment.json) takes a noticeable moment: it happens on a worker, like the run. */
typedef struct
{
  CepExperiment *experiment;
  CepPartition  *train;
  CepPartition  *dev;
  char          *run_dir;
  char          *backend;
  gboolean       resume;
  Mailbox       *mailbox;
  CepTrainer    *trainer;
  CepAssignment *assignment;   /* the run keeps a copy, or NULL */
} StartJob;

static void
start_job_free (gpointer data)
{
  StartJob *job = data;

  cep_experiment_free (job->experiment);
  g_clear_object (&job->train);
  g_clear_object (&job->dev);
  g_free (job->run_dir);
  g_free (job->backend);
  cep_main_post_unref (job->mailbox);
  g_clear_pointer (&job->trainer, cep_trainer_free);
  g_clear_pointer (&job->assignment, cep_assignment_unref);
  g_free (job);
}

static gboolean
start_trainer (StartJob  *job,
               GError   **error)
{
  CepTrainerOptions options;

  cep_trainer_options_init (&options);
  options.backend = job->backend;
  options.resume = job->resume;
  options.callback = on_trainer_event;
  options.user_data = job->mailbox;
  if (job->assignment != NULL)
    cep_assignment_attach_to_trainer (job->assignment, &options);
  if (job->resume)
    {
      /* Ahead of the run's first event in the same queue, so no event is drawn without it. */
      QueuedEvent queued = { { 0 } };

      queued.resumed = load_resumed_curves (job->run_dir, &queued.time_offset);
      mailbox_post (job->mailbox, &queued);
    }
  job->trainer = cep_trainer_new (job->experiment, job->train, job->dev, job->run_dir, &options,
                                  error);
  return job->trainer != NULL && cep_trainer_start (job->trainer, error);
}

/* The trainer, its batch producer and its backend's workers are created by the thread that
 * sets the run up, and inherit its scheduling priority. A slightly nicer value keeps the
 * window responsive when the run and the main loop compete for the same cores; on an
 * otherwise idle machine it costs the run nothing. */
static void
lower_priority (void)
{
#ifdef __linux__
  if (setpriority (PRIO_PROCESS, (id_t) gettid (), CEP_TRAIN_NICE) != 0)
    g_debug ("could not lower the trainer's priority: %s", g_strerror (errno));
#endif
}

typedef struct
{
  StartJob *job;
  GError   *error;
} SetupData;

static gpointer
setup_thread (gpointer data)
{
  SetupData *setup = data;

  lower_priority ();
  return GINT_TO_POINTER (start_trainer (setup->job, &setup->error));
}

static void
start_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SetupData setup = { task_data, NULL };
  /* Its own short-lived thread, so the pool thread keeps its priority. */
  GThread *thread = g_thread_new ("cep-train-setup", setup_thread, &setup);

  if (GPOINTER_TO_INT (g_thread_join (thread)))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, setup.error);
}

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (CepTrainController) self = user_data;
  StartJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      set_state (self, CEP_TRAIN_STATE_IDLE);
      g_signal_emit (self, signals[SIGNAL_START_FAILED], 0, error);
      return;
    }
  self->trainer = g_steal_pointer (&job->trainer);
  if (cep_trainer_get_backend_notice (self->trainer) != NULL)
    g_signal_emit (self, signals[SIGNAL_NOTICE], 0,
                   cep_trainer_get_backend_notice (self->trainer));
  if (self->finished_early)
    {
      /* The whole run (a tiny one, or one stopped at once) ended before this callback. */
      release_trainer (self);
      return;
    }
  if (self->stop_requested)
    cep_trainer_cancel (self->trainer);
  else if (self->pause_requested)
    cep_trainer_pause (self->trainer);
  set_state (self, self->stop_requested ? CEP_TRAIN_STATE_STOPPING
                   : self->pause_requested ? CEP_TRAIN_STATE_PAUSED : CEP_TRAIN_STATE_RUNNING);
}

gboolean
cep_train_controller_start (CepTrainController   *self,
                            const CepExperiment  *experiment,
                            CepPartition         *train,
                            CepPartition         *dev,
                            const char           *run_dir,
                            const char           *backend,
                            gboolean              resume)
{
  g_autoptr (GTask) task = NULL;
  StartJob *job;

  g_return_val_if_fail (CEP_IS_TRAIN_CONTROLLER (self), FALSE);
  g_return_val_if_fail (experiment != NULL && train != NULL, FALSE);

  if (self->state != CEP_TRAIN_STATE_IDLE)
    return FALSE;
  job = g_new0 (StartJob, 1);
  job->experiment = cep_experiment_copy (experiment);
  job->train = g_object_ref (train);
  job->dev = dev != NULL ? g_object_ref (dev) : NULL;
  job->run_dir = run_dir != NULL ? g_strdup (run_dir) : unused_run_dir (experiment);
  job->backend = g_strdup (backend);
  job->resume = resume;
  job->mailbox = cep_main_post_ref (self->mailbox);
  /* The assignment's bytes are made here, on the main thread, before the worker reads them. */
  if (self->assignment != NULL)
    {
      job->assignment = cep_assignment_ref (self->assignment);
      cep_assignment_get_bytes (job->assignment);
    }
  /* The run's identity is known now; its curves start over (or from the resumed run's). */
  g_free (self->run_dir);
  self->run_dir = g_strdup (job->run_dir);
  g_clear_pointer (&self->experiment, cep_experiment_free);
  self->experiment = cep_experiment_copy (experiment);
  cep_run_curves_clear (self->curves);
  self->time_offset = 0;
  memset (&self->progress, 0, sizeof self->progress);
  self->progress.n_epochs = experiment->train.epochs;
  self->stop_requested = self->pause_requested = self->finished_early = FALSE;
  task = g_task_new (NULL, NULL, on_started, g_object_ref (self));
  g_task_set_task_data (task, job, start_job_free);
  set_state (self, CEP_TRAIN_STATE_STARTING);
  g_task_run_in_thread (task, start_thread);
  return TRUE;
}

void
cep_train_controller_set_assignment (CepTrainController *self,
                                     CepAssignment      *assignment)
{
  g_return_if_fail (CEP_IS_TRAIN_CONTROLLER (self));

  if (assignment != NULL)
    cep_assignment_ref (assignment);
  g_clear_pointer (&self->assignment, cep_assignment_unref);
  self->assignment = assignment;
}

void
cep_train_controller_pause (CepTrainController *self)
{
  g_return_if_fail (CEP_IS_TRAIN_CONTROLLER (self));

  if (self->state == CEP_TRAIN_STATE_STARTING)
    self->pause_requested = TRUE;
  else if (self->state == CEP_TRAIN_STATE_RUNNING)
    {
      cep_trainer_pause (self->trainer);
      set_state (self, CEP_TRAIN_STATE_PAUSED);
    }
}

void
cep_train_controller_unpause (CepTrainController *self)
{
  g_return_if_fail (CEP_IS_TRAIN_CONTROLLER (self));

  if (self->state == CEP_TRAIN_STATE_STARTING)
    self->pause_requested = FALSE;
  else if (self->state == CEP_TRAIN_STATE_PAUSED)
    {
      cep_trainer_unpause (self->trainer);
      set_state (self, CEP_TRAIN_STATE_RUNNING);
    }
}

void
cep_train_controller_stop (CepTrainController *self)
{
  g_return_if_fail (CEP_IS_TRAIN_CONTROLLER (self));

  if (self->state == CEP_TRAIN_STATE_STARTING)
    self->stop_requested = TRUE;
  else if (self->state == CEP_TRAIN_STATE_RUNNING || self->state == CEP_TRAIN_STATE_PAUSED)
    {
      cep_trainer_cancel (self->trainer);
      set_state (self, CEP_TRAIN_STATE_STOPPING);
    }
}

CepTrainState
cep_train_controller_get_state (CepTrainController *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_CONTROLLER (self), CEP_TRAIN_STATE_IDLE);
  return self->state;
}

const char *
cep_train_controller_get_run_dir (CepTrainController *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_CONTROLLER (self), NULL);
  return self->run_dir;
}

const CepExperiment *
cep_train_controller_get_experiment (CepTrainController *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_CONTROLLER (self), NULL);
  return self->experiment;
}

const CepTrainProgress *
cep_train_controller_get_progress (CepTrainController *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_CONTROLLER (self), NULL);
  return &self->progress;
}

CepRunCurves *
cep_train_controller_get_curves (CepTrainController *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_CONTROLLER (self), NULL);
  return self->curves;
}

guint64
cep_train_controller_get_n_events (CepTrainController *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_CONTROLLER (self), 0);
  return self->n_events;
}

guint64
cep_train_controller_get_n_drains (CepTrainController *self)
{
  g_return_val_if_fail (CEP_IS_TRAIN_CONTROLLER (self), 0);
  return self->n_drains;
}

/* ---- GObject ---- */

static void
cep_train_controller_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CepTrainController *self = CEP_TRAIN_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cep_train_controller_dispose (GObject *object)
{
  CepTrainController *self = CEP_TRAIN_CONTROLLER (object);

  /* Closing the window stops the run; the checkpoints of finished epochs stay. */
  if (self->trainer != NULL)
    {
      cep_trainer_cancel (self->trainer);
      g_clear_pointer (&self->trainer, cep_trainer_free);
    }
  G_OBJECT_CLASS (cep_train_controller_parent_class)->dispose (object);
}

static void
cep_train_controller_finalize (GObject *object)
{
  CepTrainController *self = CEP_TRAIN_CONTROLLER (object);

  cep_main_post_unref (self->mailbox);
  cep_run_curves_free (self->curves);
  g_clear_pointer (&self->experiment, cep_experiment_free);
  g_free (self->run_dir);
  g_clear_pointer (&self->assignment, cep_assignment_unref);
  G_OBJECT_CLASS (cep_train_controller_parent_class)->finalize (object);
}

static void
cep_train_controller_class_init (CepTrainControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cep_train_controller_get_property;
  object_class->dispose = cep_train_controller_dispose;
  object_class->finalize = cep_train_controller_finalize;

  properties[PROP_STATE] = g_param_spec_uint ("state", NULL, NULL, 0, CEP_TRAIN_STATE_STARTING,
                                              CEP_TRAIN_STATE_IDLE,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                              | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* New events were applied to the progress and the curves. */
  signals[SIGNAL_UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  /* The run ended: a CepRunStatus and, for a failure, the error. */
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_ERROR);
  /* The run could not be set up (the error names the partition or folder); it never ran. */
  signals[SIGNAL_START_FAILED] = g_signal_new ("start-failed", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* Something the user should know about a run that did start (it runs on another backend
   * than the one chosen). */
  signals[SIGNAL_NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
cep_train_controller_init (CepTrainController *self)
{
  self->mailbox = mailbox_new (self);
  self->curves = cep_run_curves_new ();
}
