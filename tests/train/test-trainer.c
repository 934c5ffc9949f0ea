/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-trainer.c: CepTrainer on a toy dataset — the order of events and what lands in the
 * run directory, pause and unpause, cancel within a batch with the last checkpoint intact,
 * resume continuing the same curve, bit-for-bit reproducibility, NaN detection and failures
 * to write the run directory.
 */
#include "train-test-util.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cep-partition.h"
#include "cep-run.h"
#include "cep-safetensors.h"
#include "cep-trainer.h"

typedef struct
{
  char         *root;
  CepPartition *train;
  CepPartition *dev;
} Fixture;

static CepPartition *
load_partition (const char *root,
                const char *name)
{
  g_autofree char *folder = g_build_filename (root, name, NULL);
  g_autoptr (GError) error = NULL;
  CepLoadOptions options;
  CepPartition *partition;

  cep_load_options_init (&options);
  options.context_max = 4;
  partition = cep_partition_load (folder, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return partition;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->root = train_test_make_dir ();
  train_test_write_toy_dataset (fixture->root, 12, 4, 0);
  fixture->train = load_partition (fixture->root, "train-clean-100");
  fixture->dev = load_partition (fixture->root, "dev-clean");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->train);
  g_clear_object (&fixture->dev);
  train_test_remove_tree (fixture->root);
  g_free (fixture->root);
}

/* Events, copied on the trainer thread; read by the test after cep_trainer_wait(). */

typedef struct
{
  CepTrainerEventKind kind;
  guint               epoch;
  guint64             step;
  guint64             batch;
  guint64             n_batches;
  double              loss;
  double              dev_accuracy;
  gboolean            has_dev;
  gboolean            is_best;
  GError             *error;
} Seen;

typedef struct
{
  GArray     *events;         /* of Seen */
  CepTrainer *trainer;
  /* actions on the trainer thread */
  guint64     pause_at_step;  /* 0 = never */
  guint64     cancel_at_step;
  gint        steps_after_cancel;
  gboolean    cancelled;
  guint       sabotage_epoch; /* G_MAXUINT = never: turn checkpoints/ into a file */
  char       *run_dir;
  GBytes     *last_checkpoint; /* a copy of last.safetensors when it was written */
} Recorder;

static void
seen_clear (gpointer data)
{
  Seen *seen = data;
  g_clear_error (&seen->error);
}

static void
recorder_init (Recorder   *recorder,
               const char *run_dir)
{
  memset (recorder, 0, sizeof *recorder);
  recorder->events = g_array_new (FALSE, TRUE, sizeof (Seen));
  g_array_set_clear_func (recorder->events, seen_clear);
  recorder->sabotage_epoch = G_MAXUINT;
  recorder->run_dir = g_strdup (run_dir);
}

static void
recorder_clear (Recorder *recorder)
{
  g_array_unref (recorder->events);
  g_clear_pointer (&recorder->last_checkpoint, g_bytes_unref);
  g_free (recorder->run_dir);
}

static void
sabotage_checkpoints (const char *run_dir)
{
  g_autofree char *folder = g_build_filename (run_dir, CEP_RUN_CHECKPOINTS_DIR, NULL);
  g_autofree char *last = g_build_filename (run_dir, CEP_RUN_LAST_CHECKPOINT, NULL);
  g_autofree char *best = g_build_filename (run_dir, CEP_RUN_BEST_CHECKPOINT, NULL);

  g_unlink (last);
  g_unlink (best);
  g_assert_cmpint (g_rmdir (folder), ==, 0);
  g_assert_true (g_file_set_contents (folder, "not a folder", -1, NULL));
}

static void
on_event (const CepTrainerEvent *event,
          gpointer               user_data)
{
  Recorder *recorder = user_data;
  Seen seen = { event->kind, event->epoch, event->step, event->batch, event->n_batches,
                event->loss, event->dev_accuracy, event->has_dev, event->is_best,
                event->error != NULL ? g_error_copy (event->error) : NULL };

  g_array_append_val (recorder->events, seen);
  if (event->kind == CEP_TRAINER_EVENT_STEP && recorder->cancelled)
    recorder->steps_after_cancel++;
  if (event->kind == CEP_TRAINER_EVENT_STEP && event->step == recorder->pause_at_step)
    cep_trainer_pause (recorder->trainer);
  if (event->kind == CEP_TRAINER_EVENT_STEP && event->step == recorder->cancel_at_step)
    {
      cep_trainer_cancel (recorder->trainer);
      recorder->cancelled = TRUE;
    }
  if (event->kind == CEP_TRAINER_EVENT_EPOCH && event->epoch == recorder->sabotage_epoch)
    sabotage_checkpoints (recorder->run_dir);
  if (event->kind == CEP_TRAINER_EVENT_CHECKPOINT && !event->is_best)
    {
      g_clear_pointer (&recorder->last_checkpoint, g_bytes_unref);
      recorder->last_checkpoint = train_test_read_file (event->path);
    }
}

static CepTrainer *
new_trainer (Fixture             *fixture,
             const CepExperiment *experiment,
             const char          *run_dir,
             gboolean             resume,
             Recorder            *recorder)
{
  g_autoptr (GError) error = NULL;
  CepTrainerOptions options;
  CepTrainer *trainer;

  cep_trainer_options_init (&options);
  options.resume = resume;
  options.callback = on_event;
  options.user_data = recorder;
  trainer = cep_trainer_new (experiment, fixture->train, fixture->dev, run_dir, &options,
                             &error);
  g_assert_no_error (error);
  recorder->trainer = trainer;
  return trainer;
}

/* Runs to the end; returns the outcome's error (or NULL). */
static GError *
run_to_end (Fixture             *fixture,
            const CepExperiment *experiment,
            const char          *run_dir,
            gboolean             resume,
            Recorder            *recorder)
{
  g_autoptr (CepTrainer) trainer = new_trainer (fixture, experiment, run_dir, resume, recorder);
  GError *error = NULL;

  cep_trainer_start (trainer, &error);
  g_assert_no_error (error);
  cep_trainer_wait (trainer, &error);
  return error;
}

static char *
run_path (const char *run_dir,
          const char *file)
{
  return g_build_filename (run_dir, file, NULL);
}

/* metrics.jsonl without what depends on the clock, one string per line. */
static GPtrArray *
read_metrics (const char *run_dir,
              gboolean    only_curve)
{
  g_autofree char *path = run_path (run_dir, CEP_RUN_METRICS_FILE);
  g_autoptr (GBytes) bytes = train_test_read_file (path);
  g_auto (GStrv) lines = g_strsplit (g_bytes_get_data (bytes, NULL), "\n", -1);
  GPtrArray *result = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (JsonGenerator) generator = json_generator_new ();
      JsonObject *object;
      const char *event;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      object = json_node_get_object (json_parser_get_root (parser));
      event = json_object_get_string_member (object, "event");
      if (only_curve && !g_str_equal (event, "step") && !g_str_equal (event, "epoch"))
        continue;
      json_object_remove_member (object, "time");
      json_object_remove_member (object, "elapsed");
      json_object_remove_member (object, "samples_per_second");
      json_generator_set_root (generator, json_parser_get_root (parser));
      g_ptr_array_add (result, json_generator_to_data (generator, NULL));
    }
  return result;
}

static void
assert_same_lines (GPtrArray *a,
                   GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

static void
assert_same_file (const char *a,
                  const char *b)
{
  g_autoptr (GBytes) bytes_a = train_test_read_file (a);
  g_autoptr (GBytes) bytes_b = train_test_read_file (b);

  g_assert_true (g_bytes_equal (bytes_a, bytes_b));
}

/* Every tensor of two checkpoints has the same bytes. */
static void
assert_same_tensors (const char *a,
                     const char *b)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CepSafetensors) file_a = cep_safetensors_open (a, &error);
  g_autoptr (CepSafetensors) file_b = cep_safetensors_open (b, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (cep_safetensors_get_n_tensors (file_a), ==,
                    cep_safetensors_get_n_tensors (file_b));
  for (guint i = 0; i < cep_safetensors_get_n_tensors (file_a); i++)
    {
      const CepSafetensor *ta = cep_safetensors_get_tensor (file_a, i);
      const CepSafetensor *tb = cep_safetensors_lookup (file_b, ta->name, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (ta->data, ta->n_bytes, tb->data, tb->n_bytes);
    }
}

static char *
new_run_dir (Fixture    *fixture,
             const char *name)
{
  return g_build_filename (fixture->root, "runs", name, NULL);
}

/* Tests */

static void
test_events (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (CepExperiment) experiment = train_test_toy_experiment (3);
  g_autofree char *run_dir = new_run_dir (fixture, "events");
  g_autoptr (GPtrArray) metrics = NULL;
  Recorder recorder;
  GError *error;
  guint i = 0;
  guint64 step = 0;

  recorder_init (&recorder, run_dir);
  error = run_to_end (fixture, experiment, run_dir, FALSE, &recorder);
  g_assert_no_error (error);
  g_assert_cmpint (g_array_index (recorder.events, Seen, i++).kind, ==,
                   CEP_TRAINER_EVENT_STARTED);
  for (guint epoch = 0; epoch < 3; epoch++)
    {
      const Seen *seen;
      guint64 n_batches = g_array_index (recorder.events, Seen, i).n_batches;
      g_assert_cmpuint (n_batches, >, 1);
      for (guint64 batch = 0; batch < n_batches; batch++)
        {
          seen = &g_array_index (recorder.events, Seen, i++);
          g_assert_cmpint (seen->kind, ==, CEP_TRAINER_EVENT_STEP);
          g_assert_cmpuint (seen->epoch, ==, epoch);
          g_assert_cmpuint (seen->batch, ==, batch);
          g_assert_cmpuint (seen->step, ==, ++step);
        }
      seen = &g_array_index (recorder.events, Seen, i++);
      g_assert_cmpint (seen->kind, ==, CEP_TRAINER_EVENT_EPOCH);
      g_assert_true (seen->has_dev);
      g_test_message ("epoch %u: loss %.3f, dev accuracy %.3f", epoch, seen->loss,
                      seen->dev_accuracy);
      if (epoch == 2)
        g_assert_cmpfloat (seen->dev_accuracy, >, 0.8);
      /* Last first, then best when the epoch improved (a kill between them is resumable). */
      seen = &g_array_index (recorder.events, Seen, i++);
      g_assert_cmpint (seen->kind, ==, CEP_TRAINER_EVENT_CHECKPOINT);
      g_assert_false (seen->is_best);
      if (i < recorder.events->len
          && g_array_index (recorder.events, Seen, i).kind == CEP_TRAINER_EVENT_CHECKPOINT)
        g_assert_true (g_array_index (recorder.events, Seen, i++).is_best);
    }
  g_assert_cmpint (g_array_index (recorder.events, Seen, i++).kind, ==,
                   CEP_TRAINER_EVENT_FINISHED);
  g_assert_cmpuint (i, ==, recorder.events->len);
  /* One metrics line per event, with the same kinds. */
  metrics = read_metrics (run_dir, FALSE);
  g_assert_cmpuint (metrics->len, ==, recorder.events->len);
  g_assert_nonnull (strstr (g_ptr_array_index (metrics, 0), "\"event\":\"start\""));
  g_assert_nonnull (strstr (g_ptr_array_index (metrics, metrics->len - 1),
                            "\"event\":\"finished\""));
  for (const char *const *file = (const char *const[]) { CEP_RUN_EXPERIMENT_FILE,
                                                         CEP_RUN_LAST_CHECKPOINT,
                                                         CEP_RUN_BEST_CHECKPOINT, NULL };
       *file != NULL; file++)
    {
      g_autofree char *path = run_path (run_dir, *file);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
  recorder_clear (&recorder);
}

static void
check_reproducible (Fixture    *fixture,
                    const char *backend)
{
  g_autoptr (CepExperiment) experiment = train_test_toy_experiment (2);
  g_autofree char *name_a = g_strdup_printf ("%s-a", backend);
  g_autofree char *name_b = g_strdup_printf ("%s-b", backend);
  g_autofree char *dir_a = new_run_dir (fixture, name_a);
  g_autofree char *dir_b = new_run_dir (fixture, name_b);
  g_autoptr (GPtrArray) metrics_a = NULL;
  g_autoptr (GPtrArray) metrics_b = NULL;
  Recorder recorder_a, recorder_b;

  experiment->augment.enabled = TRUE;
  g_free (experiment->train.backend);
  experiment->train.backend = g_strdup (backend);
  experiment->train.threads = 2;
  recorder_init (&recorder_a, dir_a);
  recorder_init (&recorder_b, dir_b);
  g_assert_no_error (run_to_end (fixture, experiment, dir_a, FALSE, &recorder_a));
  g_assert_no_error (run_to_end (fixture, experiment, dir_b, FALSE, &recorder_b));
  metrics_a = read_metrics (dir_a, FALSE);
  metrics_b = read_metrics (dir_b, FALSE);
  assert_same_lines (metrics_a, metrics_b);
  for (const char *const *file = (const char *const[]) { CEP_RUN_LAST_CHECKPOINT,
                                                         CEP_RUN_BEST_CHECKPOINT,
                                                         CEP_RUN_EXPERIMENT_FILE, NULL };
       *file != NULL; file++)
    {
      g_autofree char *a = run_path (dir_a, *file);
      g_autofree char *b = run_path (dir_b, *file);
      assert_same_file (a, b);
    }
  recorder_clear (&recorder_a);
  recorder_clear (&recorder_b);
}

/* Two runs of one experiment (augmentation and dropout on) on one backend: the same
 * metrics (clock values aside) and byte-identical checkpoints. */
static void
test_reproducible (Fixture       *fixture,
                   gconstpointer  data)
{
  for (const char *const *name = train_test_backends (); *name != NULL; name++)
    check_reproducible (fixture, *name);
}

/* Two epochs straight, against: cancel in the middle of epoch 2, then resume. */
static void
test_cancel_and_resume (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr (CepExperiment) experiment = train_test_toy_experiment (2);
  g_autofree char *straight = new_run_dir (fixture, "straight");
  g_autofree char *stopped = new_run_dir (fixture, "stopped");
  g_autofree char *last = run_path (stopped, CEP_RUN_LAST_CHECKPOINT);
  g_autoptr (GPtrArray) metrics_straight = NULL;
  g_autoptr (GPtrArray) metrics_resumed = NULL;
  g_autoptr (GBytes) after_cancel = NULL;
  g_autofree char *last_straight = run_path (straight, CEP_RUN_LAST_CHECKPOINT);
  Recorder recorder, recorder_resumed, recorder_straight;
  GError *error;
  guint64 n_batches;

  experiment->train.schedule.kind = CEP_EXPERIMENT_SCHEDULE_COSINE;
  recorder_init (&recorder_straight, straight);
  g_assert_no_error (run_to_end (fixture, experiment, straight, FALSE, &recorder_straight));
  n_batches = g_array_index (recorder_straight.events, Seen, 1).n_batches;

  recorder_init (&recorder, stopped);
  recorder.cancel_at_step = n_batches + 3;
  error = run_to_end (fixture, experiment, stopped, FALSE, &recorder);
  g_assert_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_CANCELLED);
  g_clear_error (&error);
  /* Stopped right after the step that asked, and the last checkpoint is epoch 1's. */
  g_assert_cmpint (recorder.steps_after_cancel, ==, 0);
  g_assert_cmpint (g_array_index (recorder.events, Seen, recorder.events->len - 1).kind, ==,
                   CEP_TRAINER_EVENT_CANCELLED);
  after_cancel = train_test_read_file (last);
  g_assert_true (g_bytes_equal (after_cancel, recorder.last_checkpoint));

  recorder_init (&recorder_resumed, stopped);
  g_assert_no_error (run_to_end (fixture, experiment, stopped, TRUE, &recorder_resumed));
  g_assert_cmpint (g_array_index (recorder_resumed.events, Seen, 0).kind, ==,
                   CEP_TRAINER_EVENT_STARTED);
  g_assert_cmpuint (g_array_index (recorder_resumed.events, Seen, 1).step, ==, n_batches + 1);
  metrics_straight = read_metrics (straight, TRUE);
  metrics_resumed = read_metrics (stopped, TRUE);
  assert_same_lines (metrics_straight, metrics_resumed);
  assert_same_tensors (last_straight, last);
  recorder_clear (&recorder_straight);
  recorder_clear (&recorder);
  recorder_clear (&recorder_resumed);
}

static guint
count_steps (Recorder *recorder)
{
  guint n = 0;

  for (guint i = 0; i < recorder->events->len; i++)
    n += g_array_index (recorder->events, Seen, i).kind == CEP_TRAINER_EVENT_STEP;
  return n;
}

static void
test_pause (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr (CepExperiment) experiment = train_test_toy_experiment (1);
  g_autofree char *run_dir = new_run_dir (fixture, "paused");
  g_autoptr (CepTrainer) trainer = NULL;
  g_autoptr (GError) error = NULL;
  Recorder recorder;
  guint seen;

  recorder_init (&recorder, run_dir);
  recorder.pause_at_step = 2;
  trainer = new_trainer (fixture, experiment, run_dir, FALSE, &recorder);
  cep_trainer_start (trainer, &error);
  g_assert_no_error (error);
  while (!cep_trainer_is_paused (trainer))
    g_usleep (1000);
  /* The thread may finish the step that paused it, then nothing moves. */
  g_usleep (100000);
  seen = count_steps (&recorder);
  g_usleep (200000);
  g_assert_cmpuint (count_steps (&recorder), ==, seen);
  g_assert_cmpuint (seen, ==, 2);
  cep_trainer_unpause (trainer);
  g_assert_true (cep_trainer_wait (trainer, &error));
  g_assert_cmpuint (count_steps (&recorder), ==,
                    g_array_index (recorder.events, Seen, 1).n_batches);
  recorder_clear (&recorder);
}

static void
test_cancel_while_paused (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr (CepExperiment) experiment = train_test_toy_experiment (5);
  g_autofree char *run_dir = new_run_dir (fixture, "paused-cancelled");
  g_autoptr (CepTrainer) trainer = NULL;
  g_autoptr (GError) error = NULL;
  Recorder recorder;

  recorder_init (&recorder, run_dir);
  recorder.pause_at_step = 1;
  trainer = new_trainer (fixture, experiment, run_dir, FALSE, &recorder);
  cep_trainer_start (trainer, &error);
  g_assert_no_error (error);
  while (!cep_trainer_is_paused (trainer))
    g_usleep (1000);
  cep_trainer_cancel (trainer);
  g_assert_false (cep_trainer_wait (trainer, &error));
  g_assert_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_CANCELLED);
  g_assert_cmpuint (count_steps (&recorder), ==, 1);
  recorder_clear (&recorder);
}

/* The learning rate explodes in the second epoch (SGD, StepLR with gamma 1e30). */
static void
test_non_finite (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr (CepExperiment) experiment = train_test_toy_experiment (3);
  g_autofree char *run_dir = new_run_dir (fixture, "nan");
  g_autofree char *last = run_path (run_dir, CEP_RUN_LAST_CHECKPOINT);
  g_autoptr (GBytes) after = NULL;
  const Seen *final;
  Recorder recorder;
  GError *error;

  experiment->train.optimizer.kind = CEP_EXPERIMENT_OPTIMIZER_SGD;
  experiment->train.optimizer.weight_decay = 0.0;
  experiment->train.schedule.kind = CEP_EXPERIMENT_SCHEDULE_STEP;
  experiment->train.schedule.step_size = 1;
  experiment->train.schedule.gamma = 1e30;
  recorder_init (&recorder, run_dir);
  error = run_to_end (fixture, experiment, run_dir, FALSE, &recorder);
  g_assert_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_NON_FINITE);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  final = &g_array_index (recorder.events, Seen, recorder.events->len - 1);
  g_assert_cmpint (final->kind, ==, CEP_TRAINER_EVENT_FAILED);
  g_assert_error (final->error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_NON_FINITE);
  g_assert_cmpuint (final->epoch, ==, 1);
  /* Epoch 1's checkpoint is untouched. */
  after = train_test_read_file (last);
  g_assert_true (g_bytes_equal (after, recorder.last_checkpoint));
  recorder_clear (&recorder);
}

/* checkpoints/ turns into a file before the first save: the run fails with the writer's
 * error, and metrics.jsonl keeps everything up to the failure. */
static void
test_checkpoint_failure (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr (CepExperiment) experiment = train_test_toy_experiment (2);
  g_autofree char *run_dir = new_run_dir (fixture, "unwritable");
  g_autoptr (GPtrArray) metrics = NULL;
  const Seen *final;
  Recorder recorder;
  GError *error;

  recorder_init (&recorder, run_dir);
  recorder.sabotage_epoch = 0;
  error = run_to_end (fixture, experiment, run_dir, FALSE, &recorder);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  final = &g_array_index (recorder.events, Seen, recorder.events->len - 1);
  g_assert_cmpint (final->kind, ==, CEP_TRAINER_EVENT_FAILED);
  metrics = read_metrics (run_dir, FALSE);
  g_assert_cmpuint (metrics->len, ==, recorder.events->len);
  g_assert_nonnull (strstr (g_ptr_array_index (metrics, metrics->len - 1),
                            "\"event\":\"failed\""));
  recorder_clear (&recorder);
}

static void
test_run_dir_errors (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (CepExperiment) experiment = train_test_toy_experiment (1);
  g_autofree char *file = g_build_filename (fixture->root, "a-file", NULL);
  g_autofree char *below_file = g_build_filename (file, "run", NULL);
  g_autofree char *fresh = new_run_dir (fixture, "fresh");
  g_autoptr (CepTrainer) trainer = NULL;
  g_autoptr (GError) error = NULL;
  Recorder recorder;

  recorder_init (&recorder, below_file);
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  trainer = new_trainer (fixture, experiment, below_file, FALSE, &recorder);
  g_assert_false (cep_trainer_start (trainer, &error));
  g_assert_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_RUN_DIR);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_clear_pointer (&trainer, cep_trainer_free);
  /* Nothing to resume in a fresh folder. */
  g_assert_null (cep_trainer_new (experiment, fixture->train, fixture->dev, fresh,
                                  &(CepTrainerOptions) { .resume = TRUE }, &error));
  g_assert_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_RESUME);
  g_clear_error (&error);
  /* A finished run is not overwritten by a new one. */
  g_assert_no_error (run_to_end (fixture, experiment, fresh, FALSE, &recorder));
  g_assert_null (cep_trainer_new (experiment, fixture->train, fixture->dev, fresh, NULL,
                                  &error));
  g_assert_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_RUN_DIR);
  g_clear_error (&error);
  /* Nor trained on data of another shape. */
  experiment->model->feature_dim = 5;
  g_assert_null (cep_trainer_new (experiment, fixture->train, fixture->dev, NULL, NULL,
                                  &error));
  g_assert_error (error, CEP_TRAINER_ERROR, CEP_TRAINER_ERROR_INVALID);
  recorder_clear (&recorder);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add ("/train/trainer/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("events", test_events);
  ADD ("reproducible", test_reproducible);
  ADD ("cancel-and-resume", test_cancel_and_resume);
  ADD ("pause", test_pause);
  ADD ("cancel-while-paused", test_cancel_while_paused);
  ADD ("non-finite", test_non_finite);
  ADD ("checkpoint-failure", test_checkpoint_failure);
  ADD ("run-dir-errors", test_run_dir_errors);
#undef ADD
  return g_test_run ();
}
