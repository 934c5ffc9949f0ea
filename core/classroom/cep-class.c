/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-class.c: a folder of hand-ins opened, checked and re-measured. Opening and checking
 * run on the calling thread; the evaluations run on worker threads, each with its own
 * one-thread backend, over the one dev partition loaded for all.
 */
#define G_LOG_DOMAIN "cepstra-classroom"

#include "cep-class.h"

#include "cep-backend.h"
#include "cep-run.h"
#include "cep-run-data.h"
#include "cep-safetensors.h"

#include <math.h>
#include <string.h>

/* Rows evaluated in one forward pass. */
#define EVAL_BATCH 1024

G_DEFINE_QUARK (cep-class-error-quark, cep_class_error)

/* A row and what only the verification needs. */
typedef struct
{
  CepClassRow    row;       /* first: a row's address is its entry's */
  CepExperiment *trained;   /* the checkpoint's own experiment; NULL when unreadable */
  GPtrArray     *reasons;   /* of char*, moved into row.reasons at the end */
} ClassEntry;

struct _CepClass
{
  GPtrArray *entries;       /* of ClassEntry* */
  char      *partition_name;
};

/* What the workers share. */
typedef struct
{
  GPtrArray      *entries;
  CepPartition   *partition;
  GCancellable   *cancellable;
  CepProgressFunc progress;
  gpointer        progress_data;
  GMutex          lock;         /* progress calls, one at a time */
  gsize           done;
  gsize           total;
  gint            next;         /* the next entry to evaluate */
  double          tolerance;
} EvalJob;

static const char *flag_names[] = {
  "unreadable", "tampered", "other-assignment", "rule-broken", "not-reproduced",
  "duplicate-student", "not-measured",
};

const char *
cep_class_flag_get_name (CepClassFlags flag)
{
  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (flag == (CepClassFlags) (1u << i))
      return flag_names[i];
  return NULL;
}

void
cep_class_options_init (CepClassOptions *options)
{
  memset (options, 0, sizeof *options);
  options->tolerance = CEP_CLASS_DEFAULT_TOLERANCE;
}

static void
class_entry_free (ClassEntry *entry)
{
  CepClassRow *row = &entry->row;

  g_free (row->file);
  g_free (row->path);
  g_free (row->student);
  g_free (row->assignment_title);
  g_free (row->model);
  g_free (row->optimizer);
  g_free (row->metric);
  g_strfreev (row->reasons);
  g_clear_pointer (&row->handin, cep_handin_free);
  g_clear_pointer (&entry->trained, cep_experiment_free);
  g_clear_pointer (&entry->reasons, g_ptr_array_unref);
  g_free (entry);
}

static void
flag (ClassEntry    *entry,
      CepClassFlags  flag,
      const char    *format,
      ...) G_GNUC_PRINTF (3, 4);

static void
flag (ClassEntry    *entry,
      CepClassFlags  flag,
      const char    *format,
      ...)
{
  va_list args;

  entry->row.flags |= flag;
  va_start (args, format);
  g_ptr_array_add (entry->reasons, g_strdup_vprintf (format, args));
  va_end (args);
}

/* Flags @entry with @error's message, without the hand-in's path or its temporary folder in
 * front: the row names its file, and the folder is gone once the class is. */
static void
flag_error (ClassEntry    *entry,
            CepClassFlags  flags,
            const GError  *error)
{
  const char *message = error->message;
  const char *prefixes[] = { entry->row.path,
                             entry->row.handin != NULL
                             ? cep_handin_get_run_dir (entry->row.handin) : NULL };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      gsize length = prefixes[i] != NULL ? strlen (prefixes[i]) : 0;

      if (length > 0 && strncmp (message, prefixes[i], length) == 0
          && (message[length] == ':' || message[length] == G_DIR_SEPARATOR))
        message += length + (message[length] == ':' ? 2 : 1);
    }
  flag (entry, flags, "%s", message);
}

static void
report (EvalJob *job)
{
  g_mutex_lock (&job->lock);
  job->done++;
  if (job->progress != NULL)
    job->progress (job->done, job->total, job->progress_data);
  g_mutex_unlock (&job->lock);
}

/* ---- the claim, from metrics.jsonl ---- */

static double
array_at (GArray *array,
          guint   index)
{
  return index < array->len ? g_array_index (array, double, index) : NAN;
}

/* The epoch whose checkpoint is "best": the highest dev accuracy (training accuracy without
 * dev), the first of equals, as the trainer keeps it. */
static guint
best_epoch (const CepTrainingCurves *curves)
{
  GArray *accuracy = curves->has_dev ? curves->dev_accuracy : curves->train_accuracy;
  guint best = 0;

  for (guint i = 1; i < accuracy->len; i++)
    if (g_array_index (accuracy, double, i) > g_array_index (accuracy, double, best))
      best = i;
  return best;
}

static double
claimed_value (const CepTrainingCurves *curves,
               CepAssignmentMetric      metric)
{
  guint epoch;

  if (curves->epoch->len == 0)
    return NAN;
  epoch = best_epoch (curves);
  switch (metric)
    {
    case CEP_ASSIGNMENT_METRIC_DEV_ACCURACY: return array_at (curves->dev_accuracy, epoch);
    case CEP_ASSIGNMENT_METRIC_DEV_LOSS: return array_at (curves->dev_loss, epoch);
    case CEP_ASSIGNMENT_METRIC_TRAIN_ACCURACY: return array_at (curves->train_accuracy, epoch);
    case CEP_ASSIGNMENT_METRIC_TRAIN_LOSS: return array_at (curves->train_loss, epoch);
    default: return NAN;
    }
}

static gboolean
metric_is_dev (CepAssignmentMetric metric)
{
  return metric == CEP_ASSIGNMENT_METRIC_DEV_ACCURACY || metric == CEP_ASSIGNMENT_METRIC_DEV_LOSS;
}

/* ---- opening ---- */

static CepExperiment *
load_trained_experiment (const char  *checkpoint,
                         GError     **error)
{
  g_autoptr(CepSafetensors) tensors = cep_safetensors_open (checkpoint, error);
  const char *text;

  if (tensors == NULL)
    return NULL;
  if ((text = cep_safetensors_get_metadata (tensors, CEP_RUN_METADATA_EXPERIMENT)) == NULL)
    {
      g_set_error (error, CEP_HANDIN_ERROR, CEP_HANDIN_ERROR_INVALID,
                   "%s: no experiment in the checkpoint's metadata", checkpoint);
      return NULL;
    }
  return cep_experiment_new_from_json (text, -1, checkpoint, NULL, error);
}

static void
fill_from_experiment (CepClassRow         *row,
                      const CepExperiment *experiment)
{
  row->model = g_strdup (cep_experiment_get_display_name (experiment));
  row->parameters = cep_model_spec_count_params (experiment->model);
  row->optimizer = g_strdup (cep_experiment_optimizer_get_name (experiment->train.optimizer.kind));
  row->lr = experiment->train.optimizer.lr;
  row->batch_size = experiment->train.batch_size;
  row->epochs = experiment->train.epochs;
  row->context_past = cep_model_spec_get_context_past (experiment->model);
  row->context_future = cep_model_spec_get_context_future (experiment->model);
}

static void
fill_from_handin (ClassEntry          *entry,
                  CepAssignmentMetric  metric)
{
  CepHandin *handin = entry->row.handin;
  const CepTrainingCurves *curves = cep_handin_get_curves (handin);
  CepAssignment *assignment = cep_handin_get_assignment (handin);
  g_autoptr(GError) error = NULL;

  entry->row.student = g_strdup (cep_handin_get_student (handin));
  if (assignment != NULL)
    entry->row.assignment_title = g_strdup (cep_assignment_get_title (assignment));
  entry->row.epochs_done = curves->epoch->len;
  entry->row.claimed = claimed_value (curves, metric);
  entry->row.training_seconds = curves->epoch_elapsed->len > 0
    ? g_array_index (curves->epoch_elapsed, double, curves->epoch_elapsed->len - 1) : NAN;
  entry->trained = load_trained_experiment (cep_handin_get_checkpoint (handin), &error);
  if (entry->trained == NULL)
    {
      flag_error (entry, CEP_CLASS_FLAG_UNREADABLE, error);
      fill_from_experiment (&entry->row, cep_handin_get_experiment (handin));
      return;
    }
  /* What really trained is what counts. */
  fill_from_experiment (&entry->row, entry->trained);
  if (!cep_model_spec_equal (entry->trained->model, cep_handin_get_experiment (handin)->model))
    flag (entry, CEP_CLASS_FLAG_TAMPERED,
          "experiment.json describes another model than the checkpoint holds");
}

static ClassEntry *
open_entry (const char          *folder,
            const char          *file,
            CepAssignmentMetric  metric)
{
  ClassEntry *entry = g_new0 (ClassEntry, 1);
  g_autoptr(GError) error = NULL;

  entry->reasons = g_ptr_array_new_with_free_func (g_free);
  entry->row.file = g_strdup (file);
  entry->row.path = g_build_filename (folder, file, NULL);
  entry->row.metric = g_strdup (cep_assignment_metric_get_name (metric));
  entry->row.claimed = entry->row.measured = entry->row.training_seconds = NAN;
  entry->row.lr = NAN;
  entry->row.handin = cep_handin_open (entry->row.path, &error);
  if (entry->row.handin == NULL)
    {
      entry->row.student = cep_handin_peek_student (entry->row.path);
      flag_error (entry, g_error_matches (error, CEP_HANDIN_ERROR, CEP_HANDIN_ERROR_TAMPERED)
                         ? CEP_CLASS_FLAG_TAMPERED : CEP_CLASS_FLAG_UNREADABLE, error);
      return entry;
    }
  fill_from_handin (entry, metric);
  return entry;
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static GPtrArray *
list_handins (const char  *folder,
              GError     **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &local);
  GPtrArray *files;
  const char *name;

  if (dir == NULL)
    {
      g_set_error (error, CEP_CLASS_ERROR, CEP_CLASS_ERROR_NO_FOLDER, "%s: %s", folder,
                   local->message);
      return NULL;
    }
  files = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, CEP_HANDIN_SUFFIX))
      g_ptr_array_add (files, g_strdup (name));
  g_ptr_array_sort (files, compare_names);
  return files;
}

/* ---- checks across the class ---- */

static void
check_rules_on (ClassEntry          *entry,
                CepAssignment       *assignment,
                const CepExperiment *experiment,
                const char          *what)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rule = NULL;

  if (experiment != NULL
      && !cep_assignment_check_experiment_full (assignment, experiment, &rule, &error))
    flag (entry, CEP_CLASS_FLAG_RULE_BROKEN, "%s breaks the rule %s: %s", what,
          rule != NULL ? rule : "?", error->message);
}

/* The assignment every hand-in should answer: the teacher's, else the one most name. */
static CepAssignment *
expected_assignment (GPtrArray     *entries,
                     CepAssignment *teacher)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  CepAssignment *best = NULL;
  guint best_count = 0;

  if (teacher != NULL)
    return teacher;
  for (guint i = 0; i < entries->len; i++)
    {
      ClassEntry *entry = g_ptr_array_index (entries, i);
      CepAssignment *assignment = entry->row.handin != NULL
                                  ? cep_handin_get_assignment (entry->row.handin) : NULL;
      guint count;

      if (assignment == NULL)
        continue;
      count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, cep_assignment_get_hash (assignment))) + 1;
      g_hash_table_insert (counts, (gpointer) cep_assignment_get_hash (assignment),
                           GUINT_TO_POINTER (count));
      if (count > best_count)
        best = assignment, best_count = count;
    }
  return best;
}

static void
check_assignment (ClassEntry    *entry,
                  CepAssignment *expected)
{
  CepAssignment *answered;

  if (entry->row.handin == NULL || expected == NULL)
    return;
  answered = cep_handin_get_assignment (entry->row.handin);
  if (answered == NULL)
    flag (entry, CEP_CLASS_FLAG_OTHER_ASSIGNMENT, "it answers no assignment, not “%s”",
          cep_assignment_get_title (expected));
  else if (!g_str_equal (cep_assignment_get_hash (answered), cep_assignment_get_hash (expected)))
    flag (entry, CEP_CLASS_FLAG_OTHER_ASSIGNMENT,
          "it answers another assignment (“%s”, SHA-256 %.12s…), not “%s”",
          cep_assignment_get_title (answered), cep_assignment_get_hash (answered),
          cep_assignment_get_title (expected));
  check_rules_on (entry, expected, cep_handin_get_experiment (entry->row.handin),
                  "experiment.json");
  check_rules_on (entry, expected, entry->trained, "the checkpoint's experiment");
}

static char *
student_key (const char *student)
{
  g_autofree char *stripped = g_strstrip (g_strdup (student));

  return g_utf8_casefold (stripped, -1);
}

static void
check_duplicates (GPtrArray *entries)
{
  g_autoptr(GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; i < entries->len; i++)
    {
      ClassEntry *entry = g_ptr_array_index (entries, i);
      GPtrArray *same;
      char *key;

      if (entry->row.student == NULL)
        continue;
      key = student_key (entry->row.student);
      if ((same = g_hash_table_lookup (files, key)) == NULL)
        g_hash_table_insert (files, key, same = g_ptr_array_new ());
      else
        g_free (key);
      g_ptr_array_add (same, entry);
    }
  for (guint i = 0; i < entries->len; i++)
    {
      ClassEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *key = entry->row.student != NULL ? student_key (entry->row.student) : NULL;
      GPtrArray *same = key != NULL ? g_hash_table_lookup (files, key) : NULL;

      if (same != NULL && same->len > 1)
        flag (entry, CEP_CLASS_FLAG_DUPLICATE_STUDENT, "“%s” handed in %u times",
              entry->row.student, same->len);
    }
}

/* ---- the dev partition, once ---- */

static gboolean
can_evaluate (ClassEntry *entry)
{
  return entry->row.handin != NULL && entry->trained != NULL;
}

static CepDataset *
open_dataset (GPtrArray              *entries,
              const CepClassOptions  *options,
              GError                **error)
{
  g_autoptr(CepExperiment) shape = cep_experiment_new ();
  guint reach = 0;

  /* Opened as the assignment's experiment says (normalization, phonemes), as wide as the
   * widest context in the class. */
  if (options->assignment != NULL)
    {
      cep_experiment_free (shape);
      shape = cep_experiment_copy (cep_assignment_get_experiment (options->assignment));
    }
  for (guint i = 0; i < entries->len; i++)
    {
      ClassEntry *entry = g_ptr_array_index (entries, i);

      if (can_evaluate (entry))
        reach = MAX (reach, cep_model_spec_get_context_reach (entry->trained->model));
    }
  g_free (shape->data.root);
  shape->data.root = g_strdup (options->dataset);
  cep_model_spec_set_context_window (shape->model, reach, reach);
  return cep_experiment_open_dataset (shape, error);
}

static CepPartition *
load_partition (CepDataset             *dataset,
                const CepClassOptions  *options,
                GCancellable           *cancellable,
                GError                **error)
{
  const char *name = options->partition != NULL ? options->partition
                                                : cep_dataset_get_dev_name (dataset);
  CepPartition *partition;

  if (name == NULL)
    {
      g_set_error (error, CEP_CLASS_ERROR, CEP_CLASS_ERROR_DATASET,
                   "%s: no dev partition to re-measure the hand-ins on",
                   cep_dataset_get_root (dataset));
      return NULL;
    }
  partition = cep_dataset_load_partition (dataset, name, cancellable, NULL, NULL, error);
  if (partition != NULL && !cep_partition_is_labelled (partition))
    {
      g_set_error (error, CEP_CLASS_ERROR, CEP_CLASS_ERROR_DATASET,
                   "%s: %s has no labels to re-measure the hand-ins with",
                   cep_dataset_get_root (dataset), name);
      return NULL;
    }
  return partition;
}

/* The teacher's dataset must be the one the assignment names, or nothing re-measured on it
 * means anything. */
static gboolean
check_fingerprint (CepDataset     *dataset,
                   CepAssignment  *assignment,
                   GError        **error)
{
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) local = NULL;

  if (assignment == NULL || cep_assignment_get_dataset_fingerprint (assignment) == NULL)
    return TRUE;
  fingerprint = cep_dataset_get_fingerprint (dataset);
  if (fingerprint != NULL
      && cep_assignment_check_dataset_fingerprint (assignment, fingerprint, &local))
    return TRUE;
  g_set_error (error, CEP_CLASS_ERROR, CEP_CLASS_ERROR_DATASET, "%s: %s",
               cep_dataset_get_root (dataset),
               local != NULL ? local->message : "the dataset has no training partition to "
                                                "recognize it by");
  return FALSE;
}

/* ---- evaluation, on worker threads ---- */

static gboolean
measure (ClassEntry     *entry,
         CepPartition   *partition,
         GCancellable   *cancellable,
         CepEvalResult  *result,
         GError        **error)
{
  CepBackendOptions options = { .threads = 1 };
  CepBackend *backend = cep_backend_new ("blas", &options, error);
  CepNetwork *network = NULL;
  gboolean ok = FALSE;

  if (backend == NULL)
    return FALSE;
  network = cep_run_load_network (cep_handin_get_checkpoint (entry->row.handin), backend,
                                  EVAL_BATCH, NULL, error);
  if (network != NULL)
    ok = cep_network_evaluate (network, partition, cancellable, result, error);
  g_clear_pointer (&network, cep_network_free);
  cep_backend_free (backend);
  return ok;
}

static void
compare_claim (ClassEntry *entry,
               double      tolerance)
{
  CepClassRow *row = &entry->row;

  if (isnan (row->claimed))
    flag (entry, CEP_CLASS_FLAG_NOT_REPRODUCED,
          "metrics.jsonl claims no %s to hold the re-measured %.4f against", row->metric,
          row->measured);
  else if (fabs (row->claimed - row->measured) > tolerance)
    flag (entry, CEP_CLASS_FLAG_NOT_REPRODUCED,
          "the %s does not reproduce: metrics.jsonl claims %.4f, the checkpoint gives %.4f",
          row->metric, row->claimed, row->measured);
}

static void
evaluate_entry (EvalJob    *job,
                ClassEntry *entry)
{
  g_autoptr(GError) error = NULL;
  CepAssignmentMetric metric = CEP_ASSIGNMENT_METRIC_DEV_ACCURACY;
  CepEvalResult result;

  cep_assignment_metric_from_name (entry->row.metric, &metric);
  if (entry->trained->data.normalize != cep_partition_is_normalized (job->partition))
    {
      flag (entry, CEP_CLASS_FLAG_NOT_MEASURED, "it was trained %s per-utterance "
            "normalization, and the class's dev partition was loaded %s it",
            entry->trained->data.normalize ? "with" : "without",
            entry->trained->data.normalize ? "without" : "with");
      return;
    }
  if (!measure (entry, job->partition, job->cancellable, &result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        flag_error (entry, CEP_CLASS_FLAG_NOT_MEASURED, error);
      return;
    }
  entry->row.measured = metric == CEP_ASSIGNMENT_METRIC_DEV_LOSS
                        || metric == CEP_ASSIGNMENT_METRIC_TRAIN_LOSS
                        ? result.loss : result.accuracy;
  if (!metric_is_dev (metric))
    entry->row.measured = NAN;
  else
    compare_claim (entry, job->tolerance);
}

static gpointer
evaluate_worker (gpointer data)
{
  EvalJob *job = data;
  gint index;

  while ((index = g_atomic_int_add (&job->next, 1)) < (gint) job->entries->len)
    {
      ClassEntry *entry = g_ptr_array_index (job->entries, index);

      if (g_cancellable_is_cancelled (job->cancellable))
        break;
      if (can_evaluate (entry))
        evaluate_entry (job, entry);
      report (job);
    }
  return NULL;
}

static void
evaluate_all (EvalJob *job,
              guint    threads)
{
  g_autoptr(GPtrArray) workers = g_ptr_array_new ();
  guint n = MAX (1, MIN (threads, job->entries->len));

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (workers, g_thread_new ("cepstra-class", evaluate_worker, job));
  for (guint i = 0; i < n; i++)
    g_thread_join (g_ptr_array_index (workers, i));
}

/* ---- the class ---- */

static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const CepClassRow *x = &(*(ClassEntry * const *) a)->row;
  const CepClassRow *y = &(*(ClassEntry * const *) b)->row;
  int by_student = g_strcmp0 (x->student, y->student);

  return by_student != 0 ? by_student : g_strcmp0 (x->file, y->file);
}

static void
finish_rows (GPtrArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    {
      ClassEntry *entry = g_ptr_array_index (entries, i);

      g_ptr_array_add (entry->reasons, NULL);
      entry->row.reasons = (GStrv) g_ptr_array_free (g_steal_pointer (&entry->reasons), FALSE);
    }
  g_ptr_array_sort (entries, compare_entries);
}

static gboolean
any_to_evaluate (GPtrArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    if (can_evaluate (g_ptr_array_index (entries, i)))
      return TRUE;
  return FALSE;
}

/* Loads the partition and evaluates every hand-in that could be opened. */
static gboolean
re_measure (CepClass               *self,
            EvalJob                *job,
            const CepClassOptions  *options,
            GError                **error)
{
  g_autoptr(CepDataset) dataset = NULL;
  CepPartition *partition;   /* the dataset's */

  if (!any_to_evaluate (self->entries))
    {
      /* Nothing to load or evaluate: the progress ends all the same. */
      job->done = job->total - 1;
      report (job);
      return TRUE;
    }
  if ((dataset = open_dataset (self->entries, options, error)) == NULL
      || !check_fingerprint (dataset, options->assignment, error)
      || (partition = load_partition (dataset, options, job->cancellable, error)) == NULL)
    return FALSE;
  self->partition_name = g_strdup (cep_partition_get_name (partition));
  report (job);
  job->partition = partition;
  job->tolerance = options->tolerance > 0 ? options->tolerance : CEP_CLASS_DEFAULT_TOLERANCE;
  evaluate_all (job, options->threads > 0 ? options->threads : g_get_num_processors ());
  job->partition = NULL;
  return !g_cancellable_set_error_if_cancelled (job->cancellable, error);
}

static CepAssignmentMetric
class_metric (const CepClassOptions *options)
{
  return options->assignment != NULL ? cep_assignment_get_metric (options->assignment)
                                     : CEP_ASSIGNMENT_METRIC_DEV_ACCURACY;
}

CepClass *
cep_class_open (const char             *folder,
                const CepClassOptions  *options,
                GCancellable           *cancellable,
                CepProgressFunc         progress,
                gpointer                progress_data,
                GError                **error)
{
  g_autoptr(CepClass) self = g_new0 (CepClass, 1);
  g_autoptr(GPtrArray) files = list_handins (folder, error);
  EvalJob job = { .cancellable = cancellable, .progress = progress,
                  .progress_data = progress_data };
  CepAssignment *expected;
  gboolean ok;

  if (files == NULL)
    return NULL;
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) class_entry_free);
  job.entries = self->entries;
  job.total = 2 * files->len + 1;
  g_mutex_init (&job.lock);
  for (guint i = 0; i < files->len; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return g_mutex_clear (&job.lock), NULL;
      g_ptr_array_add (self->entries, open_entry (folder, g_ptr_array_index (files, i),
                                                  class_metric (options)));
      report (&job);
    }
  expected = expected_assignment (self->entries, options->assignment);
  for (guint i = 0; i < self->entries->len; i++)
    check_assignment (g_ptr_array_index (self->entries, i), expected);
  check_duplicates (self->entries);
  ok = re_measure (self, &job, options, error);
  g_mutex_clear (&job.lock);
  if (!ok)
    return NULL;
  finish_rows (self->entries);
  return g_steal_pointer (&self);
}

void
cep_class_free (CepClass *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_free (self->partition_name);
  g_free (self);
}

guint
cep_class_get_n_rows (CepClass *self)
{
  return self->entries->len;
}

const CepClassRow *
cep_class_get_row (CepClass *self,
                   guint     index)
{
  g_return_val_if_fail (index < self->entries->len, NULL);
  return &((ClassEntry *) g_ptr_array_index (self->entries, index))->row;
}

const char *
cep_class_get_partition_name (CepClass *self)
{
  return self->partition_name;
}

guint
cep_class_count_flagged (CepClass *self)
{
  guint n = 0;

  for (guint i = 0; i < self->entries->len; i++)
    n += cep_class_get_row (self, i)->flags != CEP_CLASS_FLAG_NONE;
  return n;
}
