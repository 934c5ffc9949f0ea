/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-train-controller.c: a CepTrainer whose events arrive on the main loop.
 *
 * Owns the trainer, the event queue between the threads and the live curves. The trainer
 * thread only ever touches the queue (under its lock); everything else is main-thread state.
 */
#define G_LOG_DOMAIN "cepstra-train-controller"

#include "cep-train-controller.h"

#include <string.h>

#include "cep-run.h"

/* An event copied out of the trainer's callback (its pointers are only valid there). */
typedef struct
{
  CepTrainerEvent event;
  char           *path;
  GError         *error;
} QueuedEvent;

/* Shared by the trainer thread and the main thread; reference-counted so a controller can
 * go away while an idle is still pending. */
typedef struct
{
  gatomicrefcount  refs;
  GMutex           lock;
  GArray          *queue;         /* of QueuedEvent */
  gboolean         idle_pending;
  GWeakRef         controller;
} Mailbox;

struct _CepTrainController
{
  GObject           parent_instance;

  CepTrainer       *trainer;
  Mailbox          *mailbox;
  CepTrainState     state;
  CepExperiment    *experiment;
  char             *run_dir;
  CepTrainProgress  progress;
  CepRunCurves     *curves;
  guint64           n_events;
  guint64           n_drains;
  double            time_offset;   /* a resumed run's earlier training time */
};

enum
{
  SIGNAL_UPDATED,
  SIGNAL_FINISHED,
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
}

static Mailbox *
mailbox_new (CepTrainController *controller)
{
  Mailbox *mailbox = g_new0 (Mailbox, 1);

  g_atomic_ref_count_init (&mailbox->refs);
  g_mutex_init (&mailbox->lock);
  mailbox->queue = g_array_new (FALSE, TRUE, sizeof (QueuedEvent));
  g_array_set_clear_func (mailbox->queue, queued_event_clear);
  g_weak_ref_init (&mailbox->controller, controller);
  return mailbox;
}

static Mailbox *
mailbox_ref (Mailbox *mailbox)
{
  g_atomic_ref_count_inc (&mailbox->refs);
  return mailbox;
}

static void
mailbox_unref (gpointer data)
{
  Mailbox *mailbox = data;

  if (!g_atomic_ref_count_dec (&mailbox->refs))
    return;
  g_array_unref (mailbox->queue);
  g_mutex_clear (&mailbox->lock);
  g_weak_ref_clear (&mailbox->controller);
  g_free (mailbox);
}

static void drain (CepTrainController *self,
                   GArray             *events);

static gboolean
on_mail (gpointer data)
{
  Mailbox *mailbox = data;
  g_autoptr (CepTrainController) self = g_weak_ref_get (&mailbox->controller);
  GArray *events;

  g_mutex_lock (&mailbox->lock);
  events = mailbox->queue;
  mailbox->queue = g_array_new (FALSE, TRUE, sizeof (QueuedEvent));
  g_array_set_clear_func (mailbox->queue, queued_event_clear);
  mailbox->idle_pending = FALSE;
  g_mutex_unlock (&mailbox->lock);
  if (self != NULL)
    drain (self, events);
  g_array_unref (events);
  return G_SOURCE_REMOVE;
}

/* THE TRAINER THREAD: copy, queue, and wake the main loop once per batch of events. */
static void
on_trainer_event (const CepTrainerEvent *event,
                  gpointer               user_data)
{
  Mailbox *mailbox = user_data;
  QueuedEvent queued = { *event, g_strdup (event->path),
                         event->error != NULL ? g_error_copy (event->error) : NULL };
  gboolean post;

  queued.event.path = NULL;
  queued.event.error = NULL;
  g_mutex_lock (&mailbox->lock);
  g_array_append_val (mailbox->queue, queued);
  post = !mailbox->idle_pending;
  mailbox->idle_pending = TRUE;
  g_mutex_unlock (&mailbox->lock);
  if (post)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, on_mail, mailbox_ref (mailbox), mailbox_unref);
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
      const QueuedEvent *queued = &g_array_index (events, QueuedEvent, i);

      CepTrainerEvent event = queued->event;

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
  char *dir = cep_run_dir_new_default (experiment->name != NULL ? experiment->name
                                                                : experiment->model->name);

  /* Two runs started within a second would share a folder. */
  for (guint i = 2; g_file_test (dir, G_FILE_TEST_EXISTS); i++)
    {
      g_autofree char *base = g_steal_pointer (&dir);

      dir = g_strdup_printf ("%s-%u", base, i);
    }
  return dir;
}

/* A resumed run continues from its last checkpoint, written after its last complete epoch:
 * the trainer cuts metrics.jsonl back to that point, and the curves are cut the same way. */
static void
load_resumed_curves (CepTrainController *self,
                     const char         *run_dir)
{
  g_autoptr (CepRunInfo) info = cep_run_info_load (run_dir, NULL);
  CepRunCurves *curves;
  double last = 0;
  guint keep = 0;

  if (info == NULL)
    return;
  cep_run_curves_free (self->curves);
  self->curves = curves = g_steal_pointer (&info->curves);
  if (curves->epoch_step->len > 0)
    last = g_array_index (curves->epoch_step, double, curves->epoch_step->len - 1);
  while (keep < curves->step->len && g_array_index (curves->step, double, keep) <= last)
    keep++;
  g_array_set_size (curves->step, keep);
  g_array_set_size (curves->step_time, keep);
  g_array_set_size (curves->step_loss, keep);
  g_array_set_size (curves->step_lr, keep);
  if (curves->epoch_time->len > 0)
    self->time_offset = g_array_index (curves->epoch_time, double, curves->epoch_time->len - 1);
}

gboolean
cep_train_controller_start (CepTrainController   *self,
                            const CepExperiment  *experiment,
                            CepPartition         *train,
                            CepPartition         *dev,
                            const char           *run_dir,
                            const char           *backend,
                            gboolean              resume,
                            GError              **error)
{
  CepTrainerOptions options;
  g_autofree char *dir = NULL;
  CepTrainer *trainer;

  g_return_val_if_fail (CEP_IS_TRAIN_CONTROLLER (self), FALSE);
  g_return_val_if_fail (experiment != NULL && train != NULL, FALSE);
  g_return_val_if_fail (self->state == CEP_TRAIN_STATE_IDLE, FALSE);

  dir = run_dir != NULL ? g_strdup (run_dir) : unused_run_dir (experiment);
  cep_trainer_options_init (&options);
  options.backend = backend;
  options.resume = resume;
  options.callback = on_trainer_event;
  options.user_data = self->mailbox;
  trainer = cep_trainer_new (experiment, train, dev, dir, &options, error);
  if (trainer == NULL)
    return FALSE;
  cep_run_curves_clear (self->curves);
  self->time_offset = 0;
  if (resume)
    load_resumed_curves (self, dir);
  memset (&self->progress, 0, sizeof self->progress);
  self->progress.n_epochs = experiment->train.epochs;
  if (!cep_trainer_start (trainer, error))
    {
      cep_trainer_free (trainer);
      return FALSE;
    }
  self->trainer = trainer;
  g_free (self->run_dir);
  self->run_dir = g_strdup (cep_trainer_get_run_dir (trainer));
  g_clear_pointer (&self->experiment, cep_experiment_free);
  self->experiment = cep_experiment_copy (cep_trainer_get_experiment (trainer));
  set_state (self, CEP_TRAIN_STATE_RUNNING);
  return TRUE;
}

void
cep_train_controller_pause (CepTrainController *self)
{
  g_return_if_fail (CEP_IS_TRAIN_CONTROLLER (self));

  if (self->state != CEP_TRAIN_STATE_RUNNING)
    return;
  cep_trainer_pause (self->trainer);
  set_state (self, CEP_TRAIN_STATE_PAUSED);
}

void
cep_train_controller_unpause (CepTrainController *self)
{
  g_return_if_fail (CEP_IS_TRAIN_CONTROLLER (self));

  if (self->state != CEP_TRAIN_STATE_PAUSED)
    return;
  cep_trainer_unpause (self->trainer);
  set_state (self, CEP_TRAIN_STATE_RUNNING);
}

void
cep_train_controller_stop (CepTrainController *self)
{
  g_return_if_fail (CEP_IS_TRAIN_CONTROLLER (self));

  if (self->trainer == NULL || self->state == CEP_TRAIN_STATE_STOPPING
      || self->state == CEP_TRAIN_STATE_IDLE)
    return;
  cep_trainer_cancel (self->trainer);
  set_state (self, CEP_TRAIN_STATE_STOPPING);
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

  mailbox_unref (self->mailbox);
  cep_run_curves_free (self->curves);
  g_clear_pointer (&self->experiment, cep_experiment_free);
  g_free (self->run_dir);
  G_OBJECT_CLASS (cep_train_controller_parent_class)->finalize (object);
}

static void
cep_train_controller_class_init (CepTrainControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cep_train_controller_get_property;
  object_class->dispose = cep_train_controller_dispose;
  object_class->finalize = cep_train_controller_finalize;

  properties[PROP_STATE] = g_param_spec_uint ("state", NULL, NULL, 0, CEP_TRAIN_STATE_STOPPING,
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
}

static void
cep_train_controller_init (CepTrainController *self)
{
  self->mailbox = mailbox_new (self);
  self->curves = cep_run_curves_new ();
}
