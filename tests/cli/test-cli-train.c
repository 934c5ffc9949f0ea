/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `cepstra-cli train` end to end on a small generated dataset: a run from flags, from an
 * experiment file, resumed, and refused for bad input with the documented exit codes.
 */
#include "cep-config.h"

#include "cep-cli.h"
#include "cep-cli-test-util.h"
#include "cep-experiment.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#define DIM 13

typedef struct
{
  char *root;    /* the dataset */
  char *work;    /* run folders and files of one test */
} Fixture;

static void
write_partition (const char *root,
                 const char *name,
                 guint       n_utterances,
                 gsize       n_frames,
                 gboolean    labelled)
{
  g_autofree char *dir = g_build_filename (root, name, NULL);

  for (guint u = 0; u < n_utterances; u++)
    {
      g_autofree char *utterance = g_strdup_printf ("%s-%04u", name, u);

      cep_cli_test_write_utterance (dir, utterance, n_frames + 7 * u, DIM, labelled);
    }
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->root = g_dir_make_tmp ("cepstra-train-data-XXXXXX", NULL);
  fixture->work = g_dir_make_tmp ("cepstra-train-runs-XXXXXX", NULL);
  write_partition (fixture->root, "train-clean-100", 4, 90, TRUE);
  write_partition (fixture->root, "dev-clean", 2, 50, TRUE);
  write_partition (fixture->root, "test-clean", 2, 40, FALSE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cep_cli_test_remove_tree (fixture->root);
  cep_cli_test_remove_tree (fixture->work);
  g_free (fixture->root);
  g_free (fixture->work);
}

static gboolean
exists_in (const char *dir,
           const char *relative)
{
  g_autofree char *path = g_build_filename (dir, relative, NULL);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static guint
count_lines_with (const char *path,
                  const char *fragment)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    n += strstr (lines[i], fragment) != NULL;
  return n;
}

static void
test_train_from_flags (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *run = g_build_filename (fixture->work, "run", NULL);
  g_autofree char *metrics = g_build_filename (run, "metrics.jsonl", NULL);
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  double accuracy;

  result = cep_cli_test_run ("train", "--data", fixture->root, "--preset", "tiny", "--context",
                             "4", "--epochs", "2", "--batch", "64", "--seed", "3", "--backend",
                             "blas", "--threads", "1", "--out", run, "--json", NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  root = cep_cli_result_get_json (result);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "run_dir"), ==, run);
  g_assert_cmpint (json_object_get_int_member (object, "epochs"), ==, 2);
  accuracy = json_object_get_double_member (object, "dev_accuracy");
  g_assert_cmpfloat (accuracy, >=, 0);
  g_assert_cmpfloat (accuracy, <=, 1);
  g_assert_true (json_object_has_member (object, "best_dev_accuracy"));
  g_assert_true (json_object_has_member (object, "samples_per_second"));
  /* One line per epoch on stderr. */
  g_assert_nonnull (strstr (result->err, "epoch 1/2: train loss"));
  g_assert_nonnull (strstr (result->err, "epoch 2/2: train loss"));
  g_assert_true (exists_in (run, "experiment.json"));
  g_assert_true (exists_in (run, "checkpoints/best.safetensors"));
  g_assert_true (exists_in (run, "checkpoints/last.safetensors"));
  g_assert_cmpuint (count_lines_with (metrics, "\"event\": \"epoch\""), ==, 2);
  /* The model took the data's feature dimension and the flags' context. */
  {
    g_autofree char *experiment = g_build_filename (run, "experiment.json", NULL);

    g_assert_cmpuint (count_lines_with (experiment, "\"context\": 4"), ==, 1);
    g_assert_cmpuint (count_lines_with (experiment, "\"feature_dim\": 13"), ==, 1);
  }
}

static void
test_train_text_output (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *run = g_build_filename (fixture->work, "text", NULL);
  g_autoptr(CepCliResult) result = NULL;

  result = cep_cli_test_run ("train", "--data", fixture->root, "--preset", "baseline",
                             "--context", "2", "--epochs", "1", "--batch", "32", "--backend",
                             "ref", "--out", run, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_true (g_str_has_prefix (result->out, "run: "));
  g_assert_nonnull (strstr (result->out, run));
  g_assert_nonnull (strstr (result->out, "dev accuracy: "));
}

static void
test_train_from_experiment (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->work, "experiment.json", NULL);
  g_autofree char *run = g_build_filename (fixture->work, "from-file", NULL);
  g_autofree char *saved = g_build_filename (run, "experiment.json", NULL);
  g_autofree char *text = g_strdup_printf (
    "{\"format\": \"cepstra-experiment\", \"version\": 1, \"name\": \"file\","
    " \"data\": {\"root\": \"%s\"},"
    " \"model\": {\"preset\": \"baseline\", \"context\": 3, \"feature_dim\": %d},"
    " \"train\": {\"epochs\": 1, \"batch_size\": 32, \"backend\": \"ref\", \"threads\": 1},"
    " \"seed\": 9}", fixture->root, DIM);
  g_autoptr(CepCliResult) result = NULL;
  g_autofree char *written = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  result = cep_cli_test_run ("train", "--experiment", path, "--out", run, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_true (g_file_get_contents (saved, &written, NULL, NULL));
  g_assert_nonnull (strstr (written, "\"seed\": 9"));
  g_assert_nonnull (strstr (written, "\"context\": 3"));
}

static void
test_train_resume (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *resumed = g_build_filename (fixture->work, "resumed", NULL);
  g_autofree char *straight = g_build_filename (fixture->work, "straight", NULL);
  g_autofree char *metrics = g_build_filename (resumed, "metrics.jsonl", NULL);
  const char *common[] = { "--data", fixture->root, "--preset", "tiny", "--context", "3",
                           "--batch", "64", "--backend", "blas", "--threads", "1", "--json" };
  g_autoptr(CepCliResult) first = NULL;
  g_autoptr(CepCliResult) second = NULL;
  g_autoptr(CepCliResult) whole = NULL;
  g_autoptr(JsonNode) second_json = NULL;
  g_autoptr(JsonNode) whole_json = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, (gpointer) "train");
  for (guint i = 0; i < G_N_ELEMENTS (common); i++)
    g_ptr_array_add (args, (gpointer) common[i]);
  g_ptr_array_add (args, (gpointer) "--epochs");
  g_ptr_array_add (args, (gpointer) "1");
  g_ptr_array_add (args, (gpointer) "--out");
  g_ptr_array_add (args, resumed);
  g_ptr_array_add (args, NULL);
  first = cep_cli_test_runv ((const char * const *) args->pdata);
  g_assert_cmpint (first->exit_code, ==, CEP_CLI_EXIT_OK);
  second = cep_cli_test_run ("train", "--resume", resumed, "--epochs", "2", "--json", NULL);
  g_assert_cmpint (second->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_cmpuint (count_lines_with (metrics, "\"event\": \"epoch\""), ==, 2);

  /* Resuming continues the same curve: two epochs at once end at the same numbers. */
  args->pdata[args->len - 4] = (gpointer) "2";
  args->pdata[args->len - 2] = straight;
  whole = cep_cli_test_runv ((const char * const *) args->pdata);
  g_assert_cmpint (whole->exit_code, ==, CEP_CLI_EXIT_OK);
  second_json = cep_cli_result_get_json (second);
  whole_json = cep_cli_result_get_json (whole);
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (second_json),
                                                    "dev_accuracy"), ==,
                     json_object_get_double_member (json_node_get_object (whole_json),
                                                    "dev_accuracy"));
}

static void
expect_failure (int         exit_code,
                const char *fragment,
                const char *first_arg,
                ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(CepCliResult) result = NULL;
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  result = cep_cli_test_runv ((const char * const *) args->pdata);
  g_assert_cmpint (result->exit_code, ==, exit_code);
  if (strstr (result->err, fragment) == NULL)
    g_error ("stderr “%s” lacks “%s”", result->err, fragment);
}

static void
test_train_bad_input (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *bad = g_build_filename (fixture->work, "bad.json", NULL);
  g_autofree char *run = g_build_filename (fixture->work, "run", NULL);
  g_autofree char *missing = g_build_filename (fixture->work, "no-such-data", NULL);

  g_autofree char *deep = g_build_filename (fixture->work, "deep.json", NULL);
  g_autofree char *brackets = g_strnfill (200000, '[');

  g_assert_true (g_file_set_contents (bad, "{ not json", -1, NULL));
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "bad.json", "train", "--experiment", bad, "--out",
                  run, NULL);
  /* Without its transcript/ folder the training partition is not one: the message says
   * which folder is missing, where. */
  {
    g_autofree char *unlabelled = g_build_filename (fixture->work, "unlabelled", NULL);
    g_autofree char *partition = g_build_filename (unlabelled, "train-clean-100", NULL);
    g_autofree char *transcript = g_build_filename (partition, "transcript", NULL);

    write_partition (unlabelled, "train-clean-100", 2, 40, FALSE);
    expect_failure (CEP_CLI_EXIT_INVALID_DATA, transcript, "train", "--data", unlabelled,
                    "--preset", "tiny", "--out", run, NULL);
    expect_failure (CEP_CLI_EXIT_INVALID_DATA, "is missing (a training partition needs its "
                    "labels", "train", "--data", unlabelled, "--preset", "tiny", "--out", run,
                    NULL);
  }
  /* json-glib recurses: this overflowed the stack before the depth bound. */
  g_assert_true (g_file_set_contents (deep, brackets, -1, NULL));
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "deep.json: the JSON is nested more than 64 levels",
                  "train", "--experiment", deep, "--out", run, NULL);
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "no-such-data", "train", "--data", missing,
                  "--out", run, NULL);
  expect_failure (CEP_CLI_EXIT_USAGE, "huge", "train", "--data", fixture->root, "--preset",
                  "huge", "--out", run, NULL);
  expect_failure (CEP_CLI_EXIT_USAGE, "--resume", "train", "--resume", run, "--preset", "tiny",
                  NULL);
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "experiment.json", "train", "--resume", missing,
                  NULL);
  expect_failure (CEP_CLI_EXIT_USAGE, "--subset", "train", "--subset", "2", NULL);
  expect_failure (CEP_CLI_EXIT_USAGE, "--context-future", "train", "--context-future", "129",
                  NULL);
  expect_failure (CEP_CLI_EXIT_USAGE, "--context-past", "train", "--context-past", "two", NULL);
  expect_failure (CEP_CLI_EXIT_USAGE, "unexpected argument", "train", "extra", NULL);
  expect_failure (CEP_CLI_EXIT_USAGE, "blas", "train", "--data", fixture->root, "--backend",
                  "quantum", "--epochs", "1", "--out", run, NULL);
}

/* The window's Model, Train and mask settings as flags: a shape filling a parameter budget
 * (counts printed), optimizer, schedule, label smoothing and every mask option, all in the
 * run's experiment.json; a model over --param-limit is refused. */
static void
test_train_experiment_flags (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *run = g_build_filename (fixture->work, "shaped", NULL);
  g_autofree char *over = g_build_filename (fixture->work, "over", NULL);
  g_autofree char *saved = g_build_filename (run, "experiment.json", NULL);
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(CepExperiment) experiment = NULL;
  guint64 params;

  result = cep_cli_test_run ("train", "--data", fixture->root, "--shape", "pyramid",
                             "--budget", "200k", "--depth", "3", "--context", "4",
                             "--label-smoothing", "0.1", "--optimizer", "sgd", "--momentum",
                             "0.9", "--nesterov", "--clip", "5", "--schedule", "step",
                             "--step-size", "2", "--gamma", "0.5", "--warmup", "3",
                             "--freq-masks", "1", "--freq-width-min", "2", "--freq-width-max",
                             "3", "--time-masks", "1", "--time-width-min", "2",
                             "--time-width-max", "5", "--mask-prob", "0.5", "--mask-per-batch",
                             "--epochs", "1", "--batch", "64", "--threads", "1", "--out", run,
                             "--json", NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  experiment = cep_experiment_load (saved, NULL, NULL);
  g_assert_nonnull (experiment);
  params = cep_model_spec_count_params (experiment->model);
  g_assert_cmpuint (params, <=, 200000);
  g_assert_cmpuint (params, >, 150000);
  g_assert_cmpuint (experiment->model->context, ==, 4);
  g_assert_cmpuint (experiment->model->feature_dim, ==, DIM);
  g_assert_cmpfloat (experiment->model->label_smoothing, ==, 0.1);
  g_assert_cmpint (experiment->train.optimizer.kind, ==, CEP_EXPERIMENT_OPTIMIZER_SGD);
  g_assert_cmpfloat (experiment->train.optimizer.momentum, ==, 0.9);
  g_assert_true (experiment->train.optimizer.nesterov);
  g_assert_cmpfloat (experiment->train.grad_clip_norm, ==, 5);
  g_assert_cmpint (experiment->train.schedule.kind, ==, CEP_EXPERIMENT_SCHEDULE_STEP);
  g_assert_cmpuint (experiment->train.schedule.step_size, ==, 2);
  g_assert_cmpfloat (experiment->train.schedule.gamma, ==, 0.5);
  g_assert_cmpuint (experiment->train.schedule.warmup_steps, ==, 3);
  g_assert_true (experiment->augment.enabled);
  g_assert_cmpuint (experiment->augment.freq_masks_max, ==, 1);
  g_assert_cmpuint (experiment->augment.freq_width_max, ==, 3);
  g_assert_cmpuint (experiment->augment.time_width_max, ==, 5);
  g_assert_cmpfloat (experiment->augment.probability, ==, 0.5);
  g_assert_true (experiment->augment.per_batch);
  /* The counts, printed and in the JSON. */
  g_assert_nonnull (strstr (result->err, "parameters (limit 20000000)"));
  g_assert_nonnull (strstr (result->err, "FLOPs per sample"));
  {
    g_autoptr(JsonNode) root = cep_cli_result_get_json (result);

    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "parameters"),
                     ==, (gint64) params);
  }
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "above the limit of", "train", "--data",
                  fixture->root, "--shape", "cylinder", "--budget", "300k", "--param-limit",
                  "100k", "--epochs", "1", "--out", over, NULL);
  g_assert_false (g_file_test (over, G_FILE_TEST_EXISTS));
  expect_failure (CEP_CLI_EXIT_USAGE, "--budget", "train", "--data", fixture->root, "--shape",
                  "pyramid", "--budget", "2Q", "--out", over, NULL);
  expect_failure (CEP_CLI_EXIT_USAGE, "--shape", "train", "--data", fixture->root, "--shape",
                  "cone", "--out", over, NULL);
  expect_failure (CEP_CLI_EXIT_USAGE, "--optimizer", "train", "--data", fixture->root,
                  "--optimizer", "lion", "--out", over, NULL);
  expect_failure (CEP_CLI_EXIT_USAGE, "--budget", "train", "--data", fixture->root,
                  "--budget", "2M", "--out", over, NULL);
  expect_failure (CEP_CLI_EXIT_USAGE, "--resume", "train", "--resume", run, "--optimizer",
                  "sgd", NULL);
}

/* compare: runs overlaid as CSV, PNG and SVG on each axis and metric; a run without dev is
 * compared by training accuracy and says so. */
static void
test_compare (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *a = g_build_filename (fixture->work, "a", NULL);
  g_autofree char *b = g_build_filename (fixture->work, "b", NULL);
  g_autofree char *csv = g_build_filename (fixture->work, "compare.csv", NULL);
  g_autofree char *png = g_build_filename (fixture->work, "compare.png", NULL);
  g_autofree char *svg = g_build_filename (fixture->work, "compare.svg", NULL);
  g_autofree char *metrics = g_build_filename (fixture->work, "metrics.csv", NULL);
  g_autofree char *steps = g_build_filename (fixture->work, "metrics-steps.csv", NULL);
  g_autoptr(CepCliResult) result = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CepCliResult) trained = cep_cli_test_run (
        "train", "--data", fixture->root, "--preset", "baseline", "--context", "2", "--epochs",
        "2", "--batch", i == 0 ? "32" : "128", "--threads", "1", "--out", i == 0 ? a : b,
        NULL);

      g_assert_cmpint (trained->exit_code, ==, CEP_CLI_EXIT_OK);
    }
  result = cep_cli_test_run ("compare", a, b, "--x", "epochs", "--metric", "accuracy", "--csv",
                             csv, "--png", png, "--svg", svg, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "run,source,epochs,accuracy");
  g_assert_true (g_str_has_prefix (lines[1], "a,dev,1,"));
  g_assert_true (g_str_has_prefix (lines[3], "b,dev,1,"));
  g_assert_cmpuint (g_strv_length (lines), ==, 6);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (svg, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&result, cep_cli_result_free);

  /* The learning-rate curve against seconds, one point per step. */
  result = cep_cli_test_run ("compare", a, "--x", "seconds", "--metric", "lr", "--csv", csv,
                             NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "run,source,seconds,lr\na,train,"));
  g_clear_pointer (&result, cep_cli_result_free);

  /* Metrics as CSV, per epoch and per step. */
  result = cep_cli_test_run ("plot", a, "--csv", metrics, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (metrics, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "epoch,step,elapsed,train_loss,train_accuracy,"
                                         "dev_loss,dev_accuracy\n1,"));
  g_assert_true (g_file_test (steps, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&result, cep_cli_result_free);

  result = cep_cli_test_run ("compare", a, "--x", "hours", "--csv", csv, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_USAGE);
  g_clear_pointer (&result, cep_cli_result_free);
  result = cep_cli_test_run ("compare", a, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_USAGE);
  g_clear_pointer (&result, cep_cli_result_free);
  result = cep_cli_test_run ("compare", fixture->root, "--csv", csv, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
}

/* compare --preset batch-size trains the three runs without dev evaluation and compares them
 * by loss against seconds; by accuracy it says the accuracy is training accuracy. */
static void
test_compare_batch_size (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *runs = g_build_filename (fixture->work, "batch", NULL);
  g_autofree char *csv = g_build_filename (fixture->work, "batch.csv", NULL);
  g_autofree char *sgd = g_build_filename (runs, "mini-batch-128", "experiment.json", NULL);
  g_autoptr(CepCliResult) result = NULL;
  g_autofree char *text = NULL;

  result = cep_cli_test_run ("compare", "--preset", "batch-size", "--data", fixture->root,
                             "--out", runs, "--metric", "accuracy", "--csv", csv, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_true (g_file_test (sgd, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (strstr (result->out, "sgd: training accuracy (no dev evaluation)"));
  g_assert_nonnull (strstr (result->out, "full-batch: training accuracy"));
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "run,source,seconds,accuracy\nsgd,train,"));
}

/* spectrogram: an utterance with its phoneme track, the masks of one sample's window as the
 * model sees them, and a run's predictions; PNG and SVG. */
static void
test_spectrogram (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *run = g_build_filename (fixture->work, "run", NULL);
  g_autofree char *png = g_build_filename (fixture->work, "utterance.png", NULL);
  g_autofree char *svg = g_build_filename (fixture->work, "utterance.svg", NULL);
  g_autoptr(CepCliResult) trained = NULL;
  g_autoptr(CepCliResult) result = NULL;

  result = cep_cli_test_run ("spectrogram", fixture->root, "--utterance",
                             "train-clean-100-0001", "--augment", "--context", "4",
                             "--freq-masks-are-not-a-flag", "--png", png, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_USAGE);
  g_clear_pointer (&result, cep_cli_result_free);
  result = cep_cli_test_run ("spectrogram", fixture->root, "--utterance",
                             "train-clean-100-0001", "--augment", "--context", "4",
                             "--model-view", "--raw", "--png", png, "--svg", svg, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_nonnull (strstr (result->out, "train-clean-100-0001, 97 frames"));
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (svg, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&result, cep_cli_result_free);

  trained = cep_cli_test_run ("train", "--data", fixture->root, "--preset", "baseline",
                              "--context", "2", "--epochs", "1", "--batch", "32", "--threads",
                              "1", "--out", run, NULL);
  g_assert_cmpint (trained->exit_code, ==, CEP_CLI_EXIT_OK);
  result = cep_cli_test_run ("spectrogram", "--run", run, "--utterance", "dev-clean-0000",
                             "--png", png, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_nonnull (strstr (result->out, "dev-clean-0000, 50 frames"));
  g_clear_pointer (&result, cep_cli_result_free);
  result = cep_cli_test_run ("spectrogram", "--run", run, "--utterance", "nobody", "--png",
                             png, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (result->err, "nobody"));
}

/* Ctrl-C (SIGINT) or SIGTERM in the middle of a long run: the run stops within a batch, says
 * so, keeps the checkpoints of the epochs it completed and exits 130. Sent after the first
 * epoch's checkpoint exists, so the signal lands while compute threads are busy. */
static void
test_train_signal (Fixture       *fixture,
                   gconstpointer  data)
{
  int signal_number = GPOINTER_TO_INT (data);
  g_autofree char *run = g_build_filename (fixture->work, "signalled", NULL);
  g_autofree char *metrics = g_build_filename (run, "metrics.jsonl", NULL);
  g_autofree char *last = g_build_filename (run, "checkpoints", "last.safetensors", NULL);
  const char *argv[] = { g_getenv ("CEPSTRA_CLI"), "train", "--data", fixture->root,
                         "--preset", "tiny", "--context", "2", "--epochs", "100000",
                         "--batch", "16", "--out", run, NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  while (!g_file_test (last, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  g_assert_true (g_file_test (last, G_FILE_TEST_EXISTS));
  g_subprocess_send_signal (process, signal_number);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, CEP_CLI_EXIT_CANCELLED);
  g_assert_nonnull (strstr (err, "cancelled"));
  g_assert_cmpuint (count_lines_with (metrics, "\"event\": \"cancelled\""), ==, 1);
  g_assert_true (g_file_test (last, G_FILE_TEST_IS_REGULAR));
}

/* --context-past/--context-future give the model an asymmetric window: trained with it, written
 * into experiment.json with both sides, and said on stderr. */
static void
test_train_asymmetric_context (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *run = g_build_filename (fixture->work, "streaming", NULL);
  g_autofree char *saved = g_build_filename (run, "experiment.json", NULL);
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(CepExperiment) experiment = NULL;

  result = cep_cli_test_run ("train", "--data", fixture->root, "--preset", "tiny", "--context",
                             "3", "--context-past", "4", "--context-future", "1", "--epochs",
                             "1", "--batch", "64", "--threads", "1", "--out", run, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_nonnull (strstr (result->err, "4 past + 1 future frames"));
  experiment = cep_experiment_load (saved, NULL, NULL);
  g_assert_nonnull (experiment);
  g_assert_cmpuint (cep_model_spec_get_context_past (experiment->model), ==, 4);
  g_assert_cmpuint (cep_model_spec_get_context_future (experiment->model), ==, 1);
  g_assert_cmpuint (count_lines_with (saved, "\"context_future\": 1"), ==, 1);
}

/* A model with residuals trains from its experiment file; its checkpoint names the body's
 * tensors as PyTorch nests them, and eval reads them back by those names. */
static void
test_train_residual (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->work, "residual.json", NULL);
  g_autofree char *run = g_build_filename (fixture->work, "residual", NULL);
  g_autofree char *best = g_build_filename (run, "checkpoints", "best.safetensors", NULL);
  g_autofree char *text = g_strdup_printf (
    "{\"format\": \"cepstra-experiment\", \"version\": 1, \"data\": {\"root\": \"%s\"},"
    " \"model\": {\"context\": 3, \"feature_dim\": %d, \"blocks\": ["
    "{\"type\": \"linear\", \"width\": 32}, {\"type\": \"gelu\"},"
    " {\"type\": \"residual\", \"blocks\": 2}, {\"type\": \"linear\", \"width\": 32},"
    " {\"type\": \"gelu\"}, {\"type\": \"residual\", \"blocks\": 1},"
    " {\"type\": \"layer_norm\"}]},"
    " \"train\": {\"epochs\": 1, \"batch_size\": 32, \"backend\": \"blas\", \"threads\": 1}}",
    fixture->root, DIM);
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(CepCliResult) evaluated = NULL;
  g_autofree char *checkpoint = NULL;
  const char *header;
  gsize length;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  result = cep_cli_test_run ("train", "--experiment", path, "--out", run, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_true (g_file_get_contents (best, &checkpoint, &length, NULL));
  g_assert_cmpuint (length, >, 8);
  /* The JSON header after the 8-byte length holds the names. */
  header = checkpoint + 8;
  g_assert_nonnull (g_strstr_len (header, length - 8, "\"layers.2.body.0.weight\""));
  g_assert_nonnull (g_strstr_len (header, length - 8, "\"layers.3.body.0.bias\""));
  g_assert_nonnull (g_strstr_len (header, length - 8, "\"layers.4.weight\""));
  g_assert_null (g_strstr_len (header, length - 8, "\"layers.3.weight\""));
  evaluated = cep_cli_test_run ("eval", run, "--threads", "1", "--json", NULL);
  g_assert_cmpint (evaluated->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_nonnull (strstr (evaluated->out, "\"accuracy\""));
}

/* `runs` lists a folder's runs as the window's history does: newest (by folder name) first,
 * each with its status, epochs and dataset; folders that are no run are skipped. */
static void
test_runs (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *runs = g_build_filename (fixture->work, "runs", NULL);
  g_autofree char *a = g_build_filename (runs, "20260101-000000-a", NULL);
  g_autofree char *b = g_build_filename (runs, "20260102-000000-b", NULL);
  g_autofree char *junk = g_build_filename (runs, "not-a-run", NULL);
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(CepCliResult) demo = NULL;
  g_autoptr(CepCliResult) table = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *list;
  JsonObject *first;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CepCliResult) trained = cep_cli_test_run (
        "train", "--data", fixture->root, "--preset", "tiny", "--context", "2", "--epochs", "1",
        "--threads", "1", "--out", i == 0 ? a : b, NULL);
      g_assert_cmpint (trained->exit_code, ==, CEP_CLI_EXIT_OK);
    }
  g_assert_cmpint (g_mkdir_with_parents (junk, 0755), ==, 0);
  result = cep_cli_test_run ("runs", runs, "--data", fixture->root, "--json", NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  root = cep_cli_result_get_json (result);
  list = json_object_get_array_member (json_node_get_object (root), "runs");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  first = json_array_get_object_element (list, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, "20260102-000000-b");
  g_assert_cmpstr (json_object_get_string_member (first, "status"), ==, "finished");
  g_assert_cmpint (json_object_get_int_member (first, "epochs_done"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (first, "accuracy_of"), ==, "dev");
  g_assert_false (json_object_get_boolean_member (first, "can_resume"));
  demo = cep_cli_test_run ("runs", runs, "--data", "demo", "--json", NULL);
  g_assert_cmpint (demo->exit_code, ==, CEP_CLI_EXIT_OK);
  {
    g_autoptr(JsonNode) none = cep_cli_result_get_json (demo);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (none), "runs")), ==, 0);
  }
  /* A copy of the dataset elsewhere still finds its runs (by the training data's
   * fingerprint); a dataset whose training files differ does not. */
  {
    g_autofree char *copy = g_build_filename (fixture->work, "copied-data", NULL);
    g_autofree char *command = g_strdup_printf ("cp -R '%s' '%s'", fixture->root, copy);
    g_autofree char *extra = NULL;
    g_autoptr(CepCliResult) copied = NULL;
    g_autoptr(CepCliResult) changed = NULL;
    g_autoptr(JsonNode) found = NULL;
    g_autoptr(JsonNode) none = NULL;
    int status;

    g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
    g_assert_cmpint (status, ==, 0);
    copied = cep_cli_test_run ("runs", runs, "--data", copy, "--json", NULL);
    found = cep_cli_result_get_json (copied);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (found), "runs")), ==, 2);
    extra = g_build_filename (copy, "train-clean-100", "mfcc", "zz-extra.npy", NULL);
    g_assert_true (g_file_set_contents (extra, "x", 1, NULL));
    changed = cep_cli_test_run ("runs", runs, "--data", copy, "--json", NULL);
    none = cep_cli_result_get_json (changed);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (none), "runs")), ==, 0);
  }
  table = cep_cli_test_run ("runs", runs, NULL);
  g_assert_nonnull (strstr (table->out, "20260101-000000-a"));
  g_assert_nonnull (strstr (table->out, "finished"));
  g_assert_null (strstr (table->out, "not-a-run"));
}

/* Used by the Vulkan tests only, which a build without Vulkan leaves out. */
G_GNUC_UNUSED static char *
read_experiment_of (const char *run)
{
  g_autofree char *path = g_build_filename (run, "experiment.json", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* --backend vulkan on a machine without Vulkan (here: a loader that cannot be found) trains on
 * blas and says so, rather than failing. */
static void
test_train_vulkan_fallback (Fixture       *fixture,
                            gconstpointer  data)
{
#if CEP_HAVE_VULKAN
  g_autofree char *run = g_build_filename (fixture->work, "fallback", NULL);
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(CepCliResult) listed = NULL;

  g_setenv ("CEPSTRA_VULKAN_LIBRARY", "libvulkan-not-installed.so.1", TRUE);
  result = cep_cli_test_run ("train", "--data", fixture->root, "--preset", "baseline",
                             "--context", "2", "--epochs", "1", "--backend", "vulkan",
                             "--out", run, NULL);
  /* Nor is it offered. */
  listed = cep_cli_test_run ("backends", NULL);
  g_unsetenv ("CEPSTRA_VULKAN_LIBRARY");
  g_assert_cmpint (listed->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_nonnull (strstr (listed->out, "blas"));
  g_assert_null (strstr (listed->out, "vulkan"));
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_nonnull (strstr (result->err, "vulkan backend is not available here"));
  g_assert_nonnull (strstr (result->err, "using blas instead"));
  g_assert_true (exists_in (run, "checkpoints/last.safetensors"));
  /* The run's record names the backend it trained on, not the one it asked for. */
  g_autofree char *experiment = read_experiment_of (run);
  g_assert_nonnull (strstr (experiment, "\"backend\": \"blas\""));
  g_assert_null (strstr (experiment, "vulkan"));
#else
  g_test_skip ("built without Vulkan");
#endif
}

/* --device picks the vulkan device; the run records the device it trained on (its full name,
 * which picks it again on --resume), and a device that is not here is a fallback whose notice
 * lists the devices there are. */
static void
test_train_vulkan_device (Fixture       *fixture,
                          gconstpointer  data)
{
#if CEP_HAVE_VULKAN
  g_autofree char *run = g_build_filename (fixture->work, "device", NULL);
  g_autofree char *missing = g_build_filename (fixture->work, "missing", NULL);
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(CepCliResult) absent = NULL;
  g_autofree char *experiment = NULL;
  g_autofree char *fallback_experiment = NULL;

  result = cep_cli_test_run ("train", "--data", fixture->root, "--preset", "baseline",
                             "--context", "2", "--epochs", "1", "--backend", "vulkan",
                             "--device", "0", "--out", run, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  experiment = read_experiment_of (run);
  if (strstr (result->err, "using blas instead") != NULL)
    {
      /* No Vulkan device on this machine: the run says so and records what it used. */
      g_assert_nonnull (strstr (experiment, "\"device\": null"));
      g_test_message ("no Vulkan device here: %s", result->err);
    }
  else
    {
      g_assert_nonnull (strstr (experiment, "\"backend\": \"vulkan\""));
      g_assert_null (strstr (experiment, "\"device\": null"));
      g_assert_null (strstr (experiment, "\"device\": \"0\""));
    }

  absent = cep_cli_test_run ("train", "--data", fixture->root, "--preset", "baseline",
                             "--context", "2", "--epochs", "1", "--backend", "vulkan",
                             "--device", "no such gpu 9000", "--out", missing, NULL);
  g_assert_cmpint (absent->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_nonnull (strstr (absent->err, "using blas instead"));
  fallback_experiment = read_experiment_of (missing);
  g_assert_nonnull (strstr (fallback_experiment, "\"backend\": \"blas\""));
  g_assert_nonnull (strstr (fallback_experiment, "\"device\": null"));
#else
  g_test_skip ("built without Vulkan");
#endif
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/train/flags", Fixture, NULL, fixture_set_up, test_train_from_flags,
              fixture_tear_down);
  g_test_add ("/cli/train/text", Fixture, NULL, fixture_set_up, test_train_text_output,
              fixture_tear_down);
  g_test_add ("/cli/train/experiment", Fixture, NULL, fixture_set_up,
              test_train_from_experiment, fixture_tear_down);
  g_test_add ("/cli/train/resume", Fixture, NULL, fixture_set_up, test_train_resume,
              fixture_tear_down);
  g_test_add ("/cli/train/experiment-flags", Fixture, NULL, fixture_set_up,
              test_train_experiment_flags, fixture_tear_down);
  g_test_add ("/cli/compare/runs", Fixture, NULL, fixture_set_up, test_compare,
              fixture_tear_down);
  g_test_add ("/cli/compare/batch-size", Fixture, NULL, fixture_set_up, test_compare_batch_size,
              fixture_tear_down);
  g_test_add ("/cli/spectrogram", Fixture, NULL, fixture_set_up, test_spectrogram,
              fixture_tear_down);
  g_test_add ("/cli/runs", Fixture, NULL, fixture_set_up, test_runs, fixture_tear_down);
  g_test_add ("/cli/train/asymmetric-context", Fixture, NULL, fixture_set_up,
              test_train_asymmetric_context, fixture_tear_down);
  g_test_add ("/cli/train/residual", Fixture, NULL, fixture_set_up, test_train_residual,
              fixture_tear_down);
  g_test_add ("/cli/train/bad-input", Fixture, NULL, fixture_set_up, test_train_bad_input,
              fixture_tear_down);
  g_test_add ("/cli/train/signal/interrupt", Fixture, GINT_TO_POINTER (SIGINT),
              fixture_set_up, test_train_signal, fixture_tear_down);
  g_test_add ("/cli/train/signal/terminate", Fixture, GINT_TO_POINTER (SIGTERM),
              fixture_set_up, test_train_signal, fixture_tear_down);
  g_test_add ("/cli/train/vulkan-fallback", Fixture, NULL, fixture_set_up,
              test_train_vulkan_fallback, fixture_tear_down);
  g_test_add ("/cli/train/vulkan-device", Fixture, NULL, fixture_set_up,
              test_train_vulkan_device, fixture_tear_down);
  return g_test_run ();
}
