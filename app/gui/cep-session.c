/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-session.c: the open dataset and the experiment shared by the pages.
 *
 * Owns the dataset load (a GTask on a worker thread that only calls core) and the hand-over of
 * its progress to the main thread. Must not touch GTK: pages observe it through properties.
 */
#define G_LOG_DOMAIN "cepstra-session"

#include "cep-session.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cep-main-post.h"

/* Windows of up to K = 50 frames (HW1P2's usual range) without reloading. */
#define SESSION_CONTEXT_MAX 50

struct _CepSession
{
  GObject        parent_instance;

  CepDataset    *dataset;
  char          *root;
  gboolean       is_demo;
  GPtrArray     *skipped;          /* CepSkippedFile*, borrowed from the partitions */
  CepExperiment *experiment;
  CepAssignment *assignment;       /* the assignment the experiment answers, or NULL */

  GCancellable  *load_cancellable; /* the load in flight, or NULL */
  double         progress;
  char          *status;
};

enum
{
  PROP_0,
  PROP_DATASET,
  PROP_LOADING,
  PROP_PROGRESS,
  PROP_STATUS,
  PROP_ASSIGNMENT,
  N_PROPS
};

enum
{
  SIGNAL_EXPERIMENT_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CepSession, cep_session, G_TYPE_OBJECT)

CepSession *
cep_session_new (void)
{
  return g_object_new (CEP_TYPE_SESSION, NULL);
}

CepDataset *
cep_session_get_dataset (CepSession *self)
{
  g_return_val_if_fail (CEP_IS_SESSION (self), NULL);
  return self->dataset;
}

const char *
cep_session_get_root (CepSession *self)
{
  g_return_val_if_fail (CEP_IS_SESSION (self), NULL);
  return self->root;
}

gboolean
cep_session_is_demo (CepSession *self)
{
  g_return_val_if_fail (CEP_IS_SESSION (self), FALSE);
  return self->is_demo;
}

CepPartition *
cep_session_get_partition (CepSession *self,
                           const char *name)
{
  g_return_val_if_fail (CEP_IS_SESSION (self), NULL);

  if (self->dataset == NULL || name == NULL)
    return NULL;
  /* Every partition was loaded by the task: this returns the cached one at once. */
  return cep_dataset_load_partition (self->dataset, name, NULL, NULL, NULL, NULL);
}

GPtrArray *
cep_session_get_skipped (CepSession *self)
{
  g_return_val_if_fail (CEP_IS_SESSION (self), NULL);
  return self->skipped;
}

gboolean
cep_session_get_loading (CepSession *self)
{
  g_return_val_if_fail (CEP_IS_SESSION (self), FALSE);
  return self->load_cancellable != NULL;
}

double
cep_session_get_progress (CepSession *self)
{
  g_return_val_if_fail (CEP_IS_SESSION (self), 0);
  return self->progress;
}

const char *
cep_session_get_status (CepSession *self)
{
  g_return_val_if_fail (CEP_IS_SESSION (self), NULL);
  return self->status;
}

static void
set_progress (CepSession *self,
              double      progress,
              const char *status)
{
  self->progress = progress;
  if (g_strcmp0 (status, self->status) != 0)
    {
      g_free (self->status);
      self->status = g_strdup (status);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

/* ---- the loading worker ---- */

/* What the worker reports (CepMainPost payload, under its lock): a fast loader costs one UI
 * update per main-loop turn. */
typedef struct
{
  GCancellable *cancellable;    /* the load it belongs to */
  double        progress;
  char         *partition;      /* being loaded */
} LoadProgress;

static void
load_progress_free (gpointer data)
{
  LoadProgress *progress = data;

  g_clear_object (&progress->cancellable);
  g_free (progress->partition);
  g_free (progress);
}

/* The worker's task data. */
typedef struct
{
  GCancellable *cancellable;
  char         *root;           /* the folder to open (the demo's for a demo load) */
  gboolean      is_demo;
  CepMainPost  *progress;       /* payload: LoadProgress */
} LoadJob;

static void
load_job_free (gpointer data)
{
  LoadJob *job = data;

  g_clear_object (&job->cancellable);
  g_free (job->root);
  cep_main_post_unref (job->progress);
  g_free (job);
}

static void apply_progress (gpointer     owner,
                            CepMainPost *post);

static LoadJob *
load_job_new (CepSession *self)
{
  LoadJob *job = g_new0 (LoadJob, 1);
  LoadProgress *progress = g_new0 (LoadProgress, 1);

  job->cancellable = g_cancellable_new ();
  progress->cancellable = g_object_ref (job->cancellable);
  job->progress = cep_main_post_new (self, G_PRIORITY_DEFAULT, apply_progress, progress,
                                     load_progress_free);
  return job;
}

static void
apply_progress (gpointer     owner,
                CepMainPost *post)
{
  CepSession *self = owner;
  LoadProgress *progress = cep_main_post_get_data (post);
  g_autofree char *status = NULL;
  double fraction;

  cep_main_post_lock (post);
  fraction = progress->progress;
  status = g_strdup_printf (_("Loading %s…"), progress->partition != NULL ? progress->partition
                                                                        : "dataset");
  cep_main_post_unlock (post);
  /* A newer load owns the progress state now. */
  if (self->load_cancellable == progress->cancellable)
    set_progress (self, fraction, status);
}

static void
post_progress (LoadJob    *job,
               double      fraction,
               const char *partition)
{
  LoadProgress *progress = cep_main_post_get_data (job->progress);

  cep_main_post_lock (job->progress);
  progress->progress = fraction;
  if (partition != NULL && g_strcmp0 (partition, progress->partition) != 0)
    {
      g_free (progress->partition);
      progress->partition = g_strdup (partition);
    }
  cep_main_post_unlock (job->progress);
  cep_main_post_wake (job->progress);
}

typedef struct
{
  LoadJob *job;
  guint    index;
  guint    n;
} PartitionProgress;

static void
on_partition_progress (gsize    done,
                       gsize    total,
                       gpointer user_data)
{
  PartitionProgress *p = user_data;
  double fraction = total > 0 ? (double) done / total : 1.0;

  post_progress (p->job, (p->index + fraction) / p->n, NULL);
}

static CepDataset *
load_dataset (LoadJob  *job,
              GError  **error)
{
  g_autoptr (CepDataset) dataset = NULL;
  CepLoadOptions options;
  const char * const *names;
  guint n;

  cep_load_options_init (&options);
  options.context_max = SESSION_CONTEXT_MAX;
  options.policy = CEP_LOAD_POLICY_SKIP;
  dataset = cep_dataset_open (job->root, &options, error);
  if (dataset == NULL)
    return NULL;
  names = cep_dataset_get_partition_names (dataset);
  n = g_strv_length ((char **) names);
  for (guint i = 0; i < n; i++)
    {
      PartitionProgress p = { job, i, n };

      post_progress (job, (double) i / n, names[i]);
      if (cep_dataset_load_partition (dataset, names[i], job->cancellable, on_partition_progress,
                                      &p, error) == NULL)
        return NULL;
    }
  if (!cep_dataset_load_all (dataset, job->cancellable, error))
    return NULL;
  return g_steal_pointer (&dataset);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadJob *job = task_data;
  GError *error = NULL;
  CepDataset *dataset = load_dataset (job, &error);

  if (dataset == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, dataset, g_object_unref);
}

/* ---- installing a loaded dataset (main thread) ---- */

static void
collect_skipped (CepSession *self)
{
  const char * const *names = cep_dataset_get_partition_names (self->dataset);

  g_ptr_array_set_size (self->skipped, 0);
  for (guint i = 0; names[i] != NULL; i++)
    {
      GPtrArray *skipped = cep_partition_get_skipped (cep_session_get_partition (self, names[i]));

      for (guint j = 0; j < skipped->len; j++)
        g_ptr_array_add (self->skipped, g_ptr_array_index (skipped, j));
    }
}

/* The experiment follows the data: its root, and the model's input width. */
static void
adapt_experiment (CepSession *self)
{
  const char *train = cep_dataset_get_train_name (self->dataset);
  CepPartition *partition = cep_session_get_partition (
    self, train != NULL ? train : cep_dataset_get_partition_names (self->dataset)[0]);

  g_free (self->experiment->data.root);
  self->experiment->data.root = self->is_demo ? NULL : g_strdup (self->root);
  if (partition != NULL)
    self->experiment->model->feature_dim = cep_partition_get_feature_dim (partition);
  cep_session_experiment_changed (self, CEP_SESSION_CHANGED_DATA | CEP_SESSION_CHANGED_MODEL);
}

static void
install_dataset (CepSession *self,
                 CepDataset *dataset,
                 const char *root,
                 gboolean    is_demo)
{
  g_set_object (&self->dataset, dataset);
  g_free (self->root);
  self->root = g_strdup (root);
  self->is_demo = is_demo;
  collect_skipped (self);
  adapt_experiment (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATASET]);
}

static void
finish_loading (CepSession *self)
{
  g_clear_object (&self->load_cancellable);
  set_progress (self, 0, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
on_load_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GTask) outer = user_data;
  CepSession *self = g_task_get_source_object (outer);
  LoadJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  g_autoptr (CepDataset) dataset = g_task_propagate_pointer (G_TASK (result), &error);

  /* A newer load superseded this one: it owns the progress state now. */
  if (self->load_cancellable == job->cancellable)
    finish_loading (self);
  /* Cancelled means cancelled, whatever the worker got to: nothing is installed. */
  if (g_cancellable_is_cancelled (job->cancellable))
    {
      g_clear_error (&error);
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Loading cancelled"));
      return;
    }
  if (dataset == NULL)
    {
      g_task_return_error (outer, error);
      return;
    }
  install_dataset (self, dataset, cep_dataset_get_root (dataset), job->is_demo);
  g_task_return_boolean (outer, TRUE);
}

static void
on_outer_cancelled (GCancellable *cancellable,
                    GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

void
cep_session_load_async (CepSession          *self,
                        const char          *root,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *outer;
  g_autoptr (GTask) inner = NULL;
  g_autofree char *folder = NULL;
  LoadJob *job;

  g_return_if_fail (CEP_IS_SESSION (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, cep_session_load_async);
  folder = root != NULL ? g_strdup (root) : cep_dataset_find_demo_root ();
  if (folder == NULL)
    {
      g_task_return_new_error (outer, CEP_DATASET_ERROR, CEP_DATASET_ERROR_NOT_FOUND,
                               _("The demo dataset is not installed (set CEPSTRA_DEMO_DIR)"));
      g_object_unref (outer);
      return;
    }
  cep_session_cancel_load (self);
  job = load_job_new (self);
  job->root = g_steal_pointer (&folder);
  /* The demo flag follows the caller's intent, not the path. */
  job->is_demo = root == NULL;
  self->load_cancellable = g_object_ref (job->cancellable);
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled),
                           g_object_ref (job->cancellable), g_object_unref);

  inner = g_task_new (self, job->cancellable, on_load_done, outer);
  g_task_set_task_data (inner, job, load_job_free);
  set_progress (self, 0, _("Loading dataset…"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  g_task_run_in_thread (inner, load_thread);
}

gboolean
cep_session_load_finish (CepSession    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
cep_session_cancel_load (CepSession *self)
{
  g_return_if_fail (CEP_IS_SESSION (self));

  if (self->load_cancellable == NULL)
    return;
  g_cancellable_cancel (self->load_cancellable);
  finish_loading (self);
}

/* ---- the experiment ---- */

CepExperiment *
cep_session_get_experiment (CepSession *self)
{
  g_return_val_if_fail (CEP_IS_SESSION (self), NULL);
  return self->experiment;
}

void
cep_session_experiment_changed (CepSession       *self,
                                CepSessionChange  what)
{
  g_return_if_fail (CEP_IS_SESSION (self));
  g_signal_emit (self, signals[SIGNAL_EXPERIMENT_CHANGED], 0, (guint) what);
}

void
cep_session_set_experiment (CepSession    *self,
                            CepExperiment *experiment)
{
  g_return_if_fail (CEP_IS_SESSION (self));
  g_return_if_fail (experiment != NULL);

  cep_experiment_free (self->experiment);
  self->experiment = experiment;
  cep_session_experiment_changed (self, CEP_SESSION_CHANGED_MODEL | CEP_SESSION_CHANGED_TRAIN
                                        | CEP_SESSION_CHANGED_AUGMENT);
}

/* ---- the assignment ---- */

CepAssignment *
cep_session_get_assignment (CepSession *self)
{
  g_return_val_if_fail (CEP_IS_SESSION (self), NULL);
  return self->assignment;
}

void
cep_session_set_assignment (CepSession    *self,
                            CepAssignment *assignment)
{
  CepExperiment *experiment;
  char *root;

  g_return_if_fail (CEP_IS_SESSION (self));

  if (assignment == self->assignment)
    return;
  g_clear_pointer (&self->assignment, cep_assignment_unref);
  if (assignment != NULL)
    {
      self->assignment = cep_assignment_ref (assignment);
      /* The teacher's experiment, on the student's dataset (the teacher's folder is theirs). */
      experiment = cep_experiment_copy (cep_assignment_get_experiment (assignment));
      root = g_steal_pointer (&experiment->data.root);
      g_free (root);
      experiment->data.root = g_strdup (self->experiment->data.root);
      cep_session_set_experiment (self, experiment);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ASSIGNMENT]);
}

gboolean
cep_session_get_field_rule (CepSession             *self,
                            const char             *path,
                            CepAssignmentFieldRule *rule)
{
  g_return_val_if_fail (CEP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (rule != NULL, FALSE);

  if (self->assignment == NULL)
    {
      memset (rule, 0, sizeof *rule);
      return FALSE;
    }
  return cep_assignment_get_field_rule (self->assignment, path, rule);
}

/* ---- GObject ---- */

static void
cep_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CepSession *self = CEP_SESSION (object);

  switch (prop_id)
    {
    case PROP_DATASET:
      g_value_set_object (value, self->dataset);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, cep_session_get_loading (self));
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_ASSIGNMENT:
      g_value_set_boxed (value, self->assignment);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cep_session_dispose (GObject *object)
{
  CepSession *self = CEP_SESSION (object);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->dataset);
  G_OBJECT_CLASS (cep_session_parent_class)->dispose (object);
}

static void
cep_session_finalize (GObject *object)
{
  CepSession *self = CEP_SESSION (object);

  g_ptr_array_unref (self->skipped);
  cep_experiment_free (self->experiment);
  g_clear_pointer (&self->assignment, cep_assignment_unref);
  g_free (self->root);
  g_free (self->status);
  G_OBJECT_CLASS (cep_session_parent_class)->finalize (object);
}

static void
cep_session_class_init (CepSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = cep_session_get_property;
  object_class->dispose = cep_session_dispose;
  object_class->finalize = cep_session_finalize;

  properties[PROP_DATASET] = g_param_spec_object ("dataset", NULL, NULL, CEP_TYPE_DATASET,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                                  | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                                   | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0, 1, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                                   | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL,
                                                 G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                                 | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ASSIGNMENT] = g_param_spec_boxed ("assignment", NULL, NULL,
                                                   CEP_TYPE_ASSIGNMENT,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS
                                                   | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_EXPERIMENT_CHANGED] = g_signal_new ("experiment-changed",
                                                     G_TYPE_FROM_CLASS (klass),
                                                     G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                     G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
cep_session_init (CepSession *self)
{
  self->skipped = g_ptr_array_new ();
  self->experiment = cep_experiment_new ();
}
