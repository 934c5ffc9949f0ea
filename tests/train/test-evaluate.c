/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-evaluate.c: a network over whole partitions — evaluation and prediction against the
 * same windows pushed through cep_network_forward_eval() by hand, submission.csv, and
 * getting a network back out of a run's checkpoint.
 */
#include "train-test-util.h"

#include <math.h>
#include <string.h>

#include "cep-partition.h"
#include "cep-run.h"
#include "cep-submission.h"

typedef struct
{
  char          *root;
  CepPartition  *dev;
  CepPartition  *test;
  CepExperiment *experiment;
  CepBackend    *backend;
  CepNetwork    *network;
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
  options.context_max = 3;
  partition = cep_partition_load (folder, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return partition;
}

/* A network that has moved away from its initialization, in evaluation mode. */
static void
train_a_little (CepNetwork *network)
{
  guint dim = cep_network_get_input_dim (network);

  for (guint step = 0; step < 5; step++)
    {
      g_autofree float *inputs = train_test_random_floats (step, 16 * dim, 2.0f);
      g_autofree gint32 *labels = train_test_random_labels (step, 16, TRAIN_TEST_TOY_CLASSES);
      g_autoptr (GError) error = NULL;
      cep_network_train_step (network, inputs, labels, 16, step, 0.05, NULL, &error);
      g_assert_no_error (error);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  fixture->root = train_test_make_dir ();
  train_test_write_toy_dataset (fixture->root, 1, 5, 3);
  fixture->dev = load_partition (fixture->root, "dev-clean");
  fixture->test = load_partition (fixture->root, "test-clean");
  fixture->experiment = train_test_toy_experiment (1);
  fixture->backend = cep_backend_new ("ref", NULL, &error);
  g_assert_no_error (error);
  /* A batch that does not divide the partitions. */
  fixture->network = cep_network_new (fixture->experiment->model, fixture->backend, 37,
                                      &error);
  g_assert_no_error (error);
  cep_network_init_parameters (fixture->network, 3);
  train_a_little (fixture->network);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->network, cep_network_free);
  g_clear_pointer (&fixture->backend, cep_backend_free);
  g_clear_pointer (&fixture->experiment, cep_experiment_free);
  g_clear_object (&fixture->dev);
  g_clear_object (&fixture->test);
  train_test_remove_tree (fixture->root);
  g_free (fixture->root);
}

/* The logits of every frame of @partition, window by window from the partition's store. */
static float *
logits_by_hand (Fixture      *fixture,
                CepPartition *partition)
{
  guint k = fixture->experiment->model->context;
  guint dim = cep_network_get_input_dim (fixture->network);
  gsize n = cep_partition_get_n_frames (partition);
  g_autofree float *inputs = g_new (float, n * dim);
  float *logits = g_new (float, n * 40);
  g_autoptr (GError) error = NULL;

  for (gsize t = 0; t < n; t++)
    memcpy (inputs + t * dim, cep_partition_get_window (partition, t, k), dim * sizeof (float));
  cep_network_forward_eval (fixture->network, inputs, (guint) n, logits, &error);
  g_assert_no_error (error);
  return logits;
}

static guint
argmax (const float *row)
{
  guint best = 0;

  for (guint c = 1; c < 40; c++)
    if (row[c] > row[best])
      best = c;
  return best;
}

static void
test_evaluate (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree float *logits = logits_by_hand (fixture, fixture->dev);
  const guint8 *labels = cep_partition_get_labels (fixture->dev);
  gsize n = cep_partition_get_n_frames (fixture->dev);
  double smoothing = fixture->experiment->model->label_smoothing, loss = 0.0;
  guint64 correct = 0;
  g_autoptr (GError) error = NULL;
  CepEvalResult result;

  for (gsize t = 0; t < n; t++)
    {
      const float *row = logits + t * 40;
      double max = row[argmax (row)], sum = 0.0, mean_log = 0.0;
      for (guint c = 0; c < 40; c++)
        sum += exp (row[c] - max);
      for (guint c = 0; c < 40; c++)
        mean_log += (row[c] - max - log (sum)) / 40;
      loss += -(1 - smoothing) * (row[labels[t]] - max - log (sum)) - smoothing * mean_log;
      correct += argmax (row) == labels[t];
    }
  g_assert_true (cep_network_evaluate (fixture->network, fixture->dev, NULL, &result, &error));
  g_assert_no_error (error);
  g_test_message ("dev: loss %.4f, accuracy %.4f over %" G_GUINT64_FORMAT " frames",
                  result.loss, result.accuracy, result.frames);
  g_assert_cmpuint (result.frames, ==, n);
  g_assert_cmpuint (result.correct, ==, correct);
  g_assert_cmpfloat_with_epsilon (result.accuracy, (double) correct / n, 1e-12);
  g_assert_cmpfloat_with_epsilon (result.loss, loss / n, 1e-5 * loss / n);
  /* The test partition has no labels to evaluate against. */
  g_assert_false (cep_network_evaluate (fixture->network, fixture->test, NULL, &result,
                                        &error));
  g_assert_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_INVALID);
}

static void
test_predict (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree float *logits = logits_by_hand (fixture, fixture->test);
  gsize n = cep_partition_get_n_frames (fixture->test);
  g_autofree guint8 *predictions = g_new (guint8, n);
  g_autoptr (GError) error = NULL;
  guint distinct = 0, seen[40] = { 0 };

  memset (predictions, 0xff, n);
  g_assert_true (cep_network_predict (fixture->network, fixture->test, NULL, predictions,
                                      &error));
  g_assert_no_error (error);
  for (gsize t = 0; t < n; t++)
    {
      g_assert_cmpuint (predictions[t], ==, argmax (logits + t * 40));
      distinct += seen[predictions[t]]++ == 0;
    }
  g_assert_cmpuint (distinct, >, 1);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  CepEvalResult result;

  g_cancellable_cancel (cancellable);
  g_assert_false (cep_network_evaluate (fixture->network, fixture->dev, cancellable, &result,
                                        &error));
  g_assert_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_CANCELLED);
}

static void
check_submission (const char   *path,
                  CepPartition *partition,
                  const guint8 *predictions,
                  gboolean      int_labels)
{
  g_autoptr (GBytes) bytes = train_test_read_file (path);
  g_auto (GStrv) lines = g_strsplit (g_bytes_get_data (bytes, NULL), "\n", -1);
  CepPhonemeTable *table = cep_partition_get_phoneme_table (partition);
  gsize n = cep_partition_get_n_frames (partition);

  g_assert_cmpstr (lines[0], ==, "id,label");
  for (gsize t = 0; t < n; t++)
    {
      g_autofree char *want = int_labels
        ? g_strdup_printf ("%" G_GSIZE_FORMAT ",%u", t, predictions[t])
        : g_strdup_printf ("%" G_GSIZE_FORMAT ",%s", t,
                           cep_phoneme_table_get_name (table, predictions[t]));
      g_assert_cmpstr (lines[t + 1], ==, want);
    }
  /* The file ends with the last row's newline. */
  g_assert_cmpstr (lines[n + 1], ==, "");
  g_assert_null (lines[n + 2]);
}

static void
test_submission (Fixture       *fixture,
                 gconstpointer  data)
{
  gsize n = cep_partition_get_n_frames (fixture->test);
  g_autofree guint8 *predictions = g_new (guint8, n);
  g_autofree char *path = g_build_filename (fixture->root, "submission.csv", NULL);
  g_autofree char *ints = g_build_filename (fixture->root, "submission-int.csv", NULL);
  g_autofree char *bad_dir = g_build_filename (fixture->root, "missing", "s.csv", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (cep_network_predict (fixture->network, fixture->test, NULL, predictions,
                                      &error));
  g_assert_true (cep_submission_write (path, fixture->test, predictions, FALSE, &error));
  g_assert_no_error (error);
  check_submission (path, fixture->test, predictions, FALSE);
  g_assert_true (cep_submission_write (ints, fixture->test, predictions, TRUE, &error));
  g_assert_no_error (error);
  check_submission (ints, fixture->test, predictions, TRUE);
  g_assert_false (cep_submission_write (bad_dir, fixture->test, predictions, FALSE, &error));
  g_assert_error (error, CEP_SUBMISSION_ERROR, CEP_SUBMISSION_ERROR_IO);
  g_clear_error (&error);
  predictions[n / 2] = 200;
  g_assert_false (cep_submission_write (path, fixture->test, predictions, FALSE, &error));
  g_assert_error (error, CEP_SUBMISSION_ERROR, CEP_SUBMISSION_ERROR_INVALID);
  /* The earlier file is untouched by the failed write. */
  predictions[n / 2] = 0;
  g_assert_true (cep_network_predict (fixture->network, fixture->test, NULL, predictions,
                                      NULL));
  check_submission (path, fixture->test, predictions, FALSE);
}

static void
test_run_checkpoint (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *run = g_build_filename (fixture->root, "run", NULL);
  g_autofree char *best = g_build_filename (run, CEP_RUN_BEST_CHECKPOINT, NULL);
  g_autofree char *checkpoints = g_path_get_dirname (best);
  g_autofree char *bare = g_build_filename (run, "bare.safetensors", NULL);
  g_autofree char *json = cep_experiment_to_json (fixture->experiment);
  g_autofree char *found = NULL;
  const char *metadata[] = { CEP_RUN_METADATA_EXPERIMENT, json, NULL };
  g_autoptr (CepExperiment) loaded = NULL;
  g_autoptr (CepNetwork) network = NULL;
  g_autoptr (GError) error = NULL;
  CepEvalResult want, got;

  g_assert_null (cep_run_find_checkpoint (run, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (g_mkdir_with_parents (checkpoints, 0755), ==, 0);
  cep_network_save (fixture->network, best, FALSE, metadata, &error);
  g_assert_no_error (error);
  found = cep_run_find_checkpoint (run, NULL, &error);
  g_assert_cmpstr (found, ==, best);
  g_assert_null (cep_run_find_checkpoint (run, "last", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  network = cep_run_load_network (best, fixture->backend, 64, &loaded, &error);
  g_assert_no_error (error);
  g_assert_true (cep_experiment_equal (loaded, fixture->experiment));
  cep_network_evaluate (fixture->network, fixture->dev, NULL, &want, &error);
  cep_network_evaluate (network, fixture->dev, NULL, &got, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got.correct, ==, want.correct);
  g_assert_cmpfloat_with_epsilon (got.loss, want.loss, 1e-6 * want.loss);
  /* A checkpoint without the experiment cannot say what network it holds. */
  cep_network_save (fixture->network, bare, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (cep_run_load_network (bare, fixture->backend, 8, NULL, &error));
  g_assert_error (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_CHECKPOINT);
}

static void
test_default_run_dir (void)
{
  g_autofree char *prefix = g_build_filename (g_get_user_data_dir (), "cepstra", "runs", NULL);
  g_autofree char *named = cep_run_dir_new_default ("my run/1");
  g_autofree char *unnamed = cep_run_dir_new_default (NULL);
  g_autofree char *dotted = cep_run_dir_new_default ("..");
  g_autofree char *leaf = g_path_get_basename (named);
  g_autofree char *parent = g_path_get_dirname (named);

  g_assert_true (g_str_has_prefix (named, prefix));
  g_assert_cmpstr (parent, ==, prefix);
  /* YYYYmmdd-HHMMSS-name */
  g_assert_cmpuint (strlen (leaf), ==, 15 + 1 + strlen ("my_run_1"));
  g_assert_true (g_ascii_isdigit (leaf[0]) && leaf[8] == '-' && leaf[15] == '-');
  g_assert_true (g_str_has_suffix (named, "-my_run_1"));
  g_assert_true (g_str_has_suffix (unnamed, "-run"));
  g_assert_true (g_str_has_suffix (dotted, "-run"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add ("/train/evaluate/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("evaluate", test_evaluate);
  ADD ("predict", test_predict);
  ADD ("cancelled", test_cancelled);
  ADD ("submission", test_submission);
  ADD ("run-checkpoint", test_run_checkpoint);
#undef ADD
  g_test_add_func ("/train/evaluate/default-run-dir", test_default_run_dir);
  return g_test_run ();
}
