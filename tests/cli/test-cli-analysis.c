/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cepstra-cli's analysis commands end to end — eval, predict, depmatrix, confusion, plot and
 * bench — on one small run trained at the start from a generated dataset: what they print
 * and write (JSON keys, CSV headers and rows, PNG and SVG files), and their exit codes for
 * bad input.
 */
#include "cep-config.h"
#include "cep-cli.h"
#include "cep-cli-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define DIM     13
#define CONTEXT 4

/* The run every test reads; made once in main(). */
static char *data_root;
static char *work_dir;
static char *run_dir;
static double best_dev_accuracy;

static void
write_partition (const char *name,
                 guint       n_utterances,
                 gsize       n_frames,
                 gboolean    labelled)
{
  g_autofree char *dir = g_build_filename (data_root, name, NULL);

  for (guint u = 0; u < n_utterances; u++)
    {
      g_autofree char *utterance = g_strdup_printf ("%s-%04u", name, u);

      cep_cli_test_write_utterance (dir, utterance, n_frames, DIM, labelled);
    }
}

static void
train_run (void)
{
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(JsonNode) root = NULL;

  data_root = g_dir_make_tmp ("cepstra-analysis-data-XXXXXX", NULL);
  work_dir = g_dir_make_tmp ("cepstra-analysis-work-XXXXXX", NULL);
  run_dir = g_build_filename (work_dir, "run", NULL);
  write_partition ("train-clean-100", 4, 80, TRUE);
  write_partition ("dev-clean", 2, 60, TRUE);
  write_partition ("test-clean", 3, 30, FALSE);
  result = cep_cli_test_run ("train", "--data", data_root, "--preset", "tiny", "--context",
                             G_STRINGIFY (CONTEXT), "--epochs", "2", "--batch", "64",
                             "--threads", "1", "--out", run_dir, "--json", NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  root = cep_cli_result_get_json (result);
  best_dev_accuracy = json_object_get_double_member (json_node_get_object (root),
                                                     "best_dev_accuracy");
}

static char *
work_path (const char *name)
{
  return g_build_filename (work_dir, name, NULL);
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
assert_magic (const char *path,
              const char *magic)
{
  g_autofree char *text = NULL;
  gsize size = 0;

  g_assert_true (g_file_get_contents (path, &text, &size, NULL));
  g_assert_cmpuint (size, >, strlen (magic));
  g_assert_cmpmem (text, strlen (magic), magic, strlen (magic));
}

#define PNG_MAGIC "\x89PNG\r\n\x1a\n"

static JsonObject *
object_of (JsonNode *node)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_node_get_object (node);
}

static void
expect_failure (int                 exit_code,
                const char         *fragment,
                const char * const *args)
{
  g_autoptr(CepCliResult) result = cep_cli_test_runv (args);

  g_assert_cmpint (result->exit_code, ==, exit_code);
  if (strstr (result->err, fragment) == NULL)
    g_error ("stderr “%s” lacks “%s”", result->err, fragment);
}

/* eval */

static void
test_eval (void)
{
  g_autoptr(CepCliResult) text = cep_cli_test_run ("eval", run_dir, NULL);
  g_autoptr(CepCliResult) json = cep_cli_test_run ("eval", run_dir, "--json", NULL);
  g_autoptr(CepCliResult) last = cep_cli_test_run ("eval", run_dir, "--checkpoint", "last",
                                                   "--partition", "train-clean-100", "--json",
                                                   NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) last_root = NULL;
  JsonObject *object;

  g_assert_cmpint (text->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_true (g_str_has_prefix (text->out, "dev-clean: accuracy "));
  g_assert_cmpint (json->exit_code, ==, CEP_CLI_EXIT_OK);
  root = cep_cli_result_get_json (json);
  object = object_of (root);
  g_assert_cmpint (json_object_get_int_member (object, "frames"), ==, 2 * 60);
  /* The best checkpoint is the one with the best dev accuracy seen while training. */
  g_assert_cmpfloat (json_object_get_double_member (object, "accuracy"), ==, best_dev_accuracy);
  g_assert_true (isfinite (json_object_get_double_member (object, "loss")));
  g_assert_cmpint (last->exit_code, ==, CEP_CLI_EXIT_OK);
  last_root = cep_cli_result_get_json (last);
  g_assert_cmpint (json_object_get_int_member (object_of (last_root), "frames"), ==, 4 * 80);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object_of (last_root),
                                                                  "checkpoint"),
                                   "last.safetensors"));
}

static double
accuracy_of (CepCliResult *result)
{
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  root = cep_cli_result_get_json (result);
  return json_object_get_double_member (object_of (root), "accuracy");
}

/* --device picks the vulkan device an analysis runs on; a device that is not here is a
 * fallback to blas that says so, with the same result as blas. */
static void
test_eval_device (void)
{
#if CEP_HAVE_VULKAN
  g_autoptr(CepCliResult) on_device = cep_cli_test_run ("eval", run_dir, "--backend", "vulkan",
                                                        "--device", "0", "--json", NULL);
  g_autoptr(CepCliResult) absent = cep_cli_test_run ("eval", run_dir, "--backend", "vulkan",
                                                     "--device", "no such gpu 9000", "--json",
                                                     NULL);

  /* Within one frame of blas's: float sums in another order may flip a near tie. */
  g_assert_cmpfloat (fabs (accuracy_of (on_device) - best_dev_accuracy), <=, 1.0 / 120 + 1e-9);
  if (strstr (on_device->err, "using blas instead") != NULL)
    g_test_message ("no Vulkan device here: %s", on_device->err);
  g_assert_cmpfloat (accuracy_of (absent), ==, best_dev_accuracy);
  g_assert_nonnull (strstr (absent->err, "no such gpu 9000"));
  g_assert_nonnull (strstr (absent->err, "using blas instead"));
#else
  g_test_skip ("built without Vulkan");
#endif
}

static void
test_eval_bad_input (void)
{
  g_autofree char *missing = work_path ("no-such-run");
  const char *no_run[] = { "eval", missing, NULL };
  const char *unlabelled[] = { "eval", run_dir, "--partition", "test-clean", NULL };
  const char *no_partition[] = { "eval", run_dir, "--partition", "train-other", NULL };
  const char *bad_checkpoint[] = { "eval", run_dir, "--checkpoint", "middle", NULL };
  const char *no_dir[] = { "eval", NULL };

  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "no such run directory", no_run);
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "no transcripts", unlabelled);
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "train-other", no_partition);
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "middle", bad_checkpoint);
  expect_failure (CEP_CLI_EXIT_USAGE, "RUNDIR", no_dir);
}

/* predict */

static void
test_predict (void)
{
  g_autofree char *csv = work_path ("submission.csv");
  g_autofree char *ints = work_path ("submission-int.csv");
  g_autoptr(CepCliResult) result = cep_cli_test_run ("predict", run_dir, "--partition",
                                                     "test-clean", "--csv", csv, NULL);
  g_autoptr(CepCliResult) int_result = cep_cli_test_run ("predict", run_dir, "--partition",
                                                         "test-clean", "--csv", ints,
                                                         "--int-labels", NULL);
  g_autofree char *text = NULL;
  g_autofree char *int_text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) int_lines = NULL;

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_cmpint (int_result->exit_code, ==, CEP_CLI_EXIT_OK);
  text = read_text (csv);
  int_text = read_text (ints);
  lines = g_strsplit (text, "\n", -1);
  int_lines = g_strsplit (int_text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "id,label");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 3 * 30 + 1);
  for (guint i = 1; i <= 3 * 30; i++)
    {
      g_auto(GStrv) row = g_strsplit (lines[i], ",", -1);
      g_auto(GStrv) int_row = g_strsplit (int_lines[i], ",", -1);
      g_autofree char *id = g_strdup_printf ("%u", i - 1);

      g_assert_cmpstr (row[0], ==, id);
      g_assert_cmpuint (strlen (row[1]), >, 0);
      g_assert_true (g_ascii_isdigit (int_row[1][0]));
    }
}

static void
test_predict_bad_input (void)
{
  g_autofree char *csv = work_path ("never.csv");
  const char *no_csv[] = { "predict", run_dir, "--partition", "test-clean", NULL };
  const char *unwritable[] = { "predict", run_dir, "--partition", "test-clean", "--csv",
                               "/nonexistent/dir/sub.csv", NULL };
  const char *no_partition[] = { "predict", run_dir, "--partition", "nope", "--csv", csv,
                                 NULL };

  expect_failure (CEP_CLI_EXIT_USAGE, "--csv", no_csv);
  expect_failure (CEP_CLI_EXIT_OUTPUT, "/nonexistent/dir", unwritable);
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "nope", no_partition);
  g_assert_false (g_file_test (csv, G_FILE_TEST_EXISTS));
}

/* depmatrix */

static void
test_depmatrix (void)
{
  g_autofree char *csv = work_path ("deps.csv");
  g_autofree char *png = work_path ("deps.png");
  g_autofree char *svg = work_path ("deps.svg");
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *object;

  result = cep_cli_test_run ("depmatrix", run_dir, "--utterance", "dev-clean-0001", "--start",
                             "5", "--frames", "40", "--csv", csv, "--png", png, "--svg", svg,
                             "--json", NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  root = cep_cli_result_get_json (result);
  object = object_of (root);
  g_assert_true (json_object_get_boolean_member (object, "matches_band"));
  g_assert_cmpint (json_object_get_int_member (object, "context"), ==, CONTEXT);
  g_assert_cmpint (json_object_get_int_member (object, "frames"), ==, 40);
  g_assert_cmpint (json_object_get_int_member (object, "start"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (object, "outside_band"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "mode"), ==, "bool");
  text = read_text (csv);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "input_frame,output_frame,depends");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 40 * 40 + 1);
  g_assert_cmpstr (lines[1], ==, "5,5,1");
  g_assert_cmpstr (lines[40], ==, "5,44,0");
  assert_magic (png, PNG_MAGIC);
  assert_magic (svg, "<?xml");
}

static void
test_depmatrix_modes (void)
{
  g_autofree char *csv = work_path ("sensitivity.csv");
  g_autoptr(CepCliResult) sensitivity = NULL;
  g_autoptr(CepCliResult) gradient = NULL;
  g_autoptr(CepCliResult) text = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *contents = NULL;

  sensitivity = cep_cli_test_run ("depmatrix", run_dir, "--utterance", "dev-clean-0000",
                                  "--mode", "sensitivity", "--stride", "2", "--csv", csv,
                                  "--json", NULL);
  g_assert_cmpint (sensitivity->exit_code, ==, CEP_CLI_EXIT_OK);
  root = cep_cli_result_get_json (sensitivity);
  /* The whole utterance (60 frames, under the default 200), every second input perturbed. */
  g_assert_cmpint (json_object_get_int_member (object_of (root), "frames"), ==, 60);
  g_assert_cmpint (json_object_get_int_member (object_of (root), "inputs"), ==, 30);
  contents = read_text (csv);
  g_assert_true (g_str_has_prefix (contents, "input_frame,output_frame,depends,sensitivity\n"));
  gradient = cep_cli_test_run ("depmatrix", run_dir, "--utterance", "dev-clean-0000",
                               "--mode", "gradient", "--frames", "20", NULL);
  g_assert_cmpint (gradient->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_nonnull (strstr (gradient->out, "gradient mode: matches the band"));
  text = cep_cli_test_run ("depmatrix", run_dir, "--utterance", "dev-clean-0000", "--naive",
                           "--frames", "12", NULL);
  g_assert_cmpint (text->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_nonnull (strstr (text->out, "matches the band |i − j| ≤ 4"));
}

static void
test_depmatrix_bad_input (void)
{
  const char *unknown[] = { "depmatrix", run_dir, "--utterance", "nobody", NULL };
  const char *no_utterance[] = { "depmatrix", run_dir, NULL };
  const char *bad_mode[] = { "depmatrix", run_dir, "--utterance", "dev-clean-0000", "--mode",
                             "fuzzy", NULL };
  const char *past_end[] = { "depmatrix", run_dir, "--utterance", "dev-clean-0000", "--start",
                             "60", NULL };
  const char *too_long[] = { "depmatrix", run_dir, "--utterance", "dev-clean-0000", "--start",
                             "50", "--frames", "11", NULL };
  const char *stride[] = { "depmatrix", run_dir, "--utterance", "dev-clean-0000", "--stride",
                           "0", NULL };

  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "no utterance “nobody”", unknown);
  expect_failure (CEP_CLI_EXIT_USAGE, "--utterance", no_utterance);
  expect_failure (CEP_CLI_EXIT_USAGE, "fuzzy", bad_mode);
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "past", past_end);
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "past the end", too_long);
  expect_failure (CEP_CLI_EXIT_USAGE, "--stride", stride);
}

/* confusion */

static void
test_confusion (void)
{
  g_autofree char *csv = work_path ("confusion.csv");
  g_autofree char *stats = work_path ("classes.csv");
  g_autofree char *png = work_path ("confusion.png");
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(CepCliResult) table = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *matrix_text = NULL;
  g_autofree char *stats_text = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *object;
  JsonArray *classes;

  result = cep_cli_test_run ("confusion", run_dir, "--csv", csv, "--stats-csv", stats, "--png",
                             png, "--normalize", "--json", NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  root = cep_cli_result_get_json (result);
  object = object_of (root);
  g_assert_cmpfloat (json_object_get_double_member (object, "accuracy"), ==, best_dev_accuracy);
  g_assert_cmpint (json_object_get_int_member (object, "frames"), ==, 120);
  classes = json_object_get_array_member (object, "classes");
  g_assert_cmpuint (json_array_get_length (classes), ==, 42);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (classes, 1),
                                                  "class"), ==, "AA");
  g_assert_true (json_object_has_member (json_array_get_object_element (classes, 1), "f1"));
  g_assert_true (json_object_has_member (object, "macro"));
  matrix_text = read_text (csv);
  lines = g_strsplit (matrix_text, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "true\\predicted,[SIL],AA,AE,"));
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 42 + 1);
  stats_text = read_text (stats);
  g_assert_true (g_str_has_prefix (stats_text, "class,support,predicted,correct,accuracy,"));
  assert_magic (png, PNG_MAGIC);
  table = cep_cli_test_run ("confusion", run_dir, NULL);
  g_assert_cmpint (table->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_nonnull (strstr (table->out, "dev-clean: accuracy"));
  g_assert_nonnull (strstr (table->out, "macro"));
}

static void
test_confusion_bad_input (void)
{
  g_autofree char *missing = work_path ("gone");
  const char *no_run[] = { "confusion", missing, NULL };
  const char *unlabelled[] = { "confusion", run_dir, "--partition", "test-clean", NULL };

  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "no such run directory", no_run);
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "no transcripts", unlabelled);
}

/* plot */

static void
test_plot (void)
{
  g_autofree char *png = work_path ("curves.png");
  g_autofree char *svg = work_path ("curves.svg");
  g_autoptr(CepCliResult) result = cep_cli_test_run ("plot", run_dir, "--png", png, "--svg",
                                                     svg, NULL);

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_nonnull (strstr (result->out, "2 epochs"));
  assert_magic (png, PNG_MAGIC);
  assert_magic (svg, "<?xml");
}

static void
test_plot_bad_input (void)
{
  g_autofree char *png = work_path ("never.png");
  g_autofree char *empty = work_path ("empty-run");
  g_autofree char *missing = work_path ("missing-run");
  const char *no_output[] = { "plot", run_dir, NULL };
  const char *no_metrics[] = { "plot", empty, "--png", png, NULL };
  const char *no_run[] = { "plot", missing, "--png", png, NULL };

  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  expect_failure (CEP_CLI_EXIT_USAGE, "--png, --svg or --csv", no_output);
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "metrics.jsonl", no_metrics);
  expect_failure (CEP_CLI_EXIT_INVALID_DATA, "no such run directory", no_run);
  g_rmdir (empty);
}

/* bench */

static void
test_bench (void)
{
  g_autoptr(CepCliResult) result = cep_cli_test_run ("bench", "--quick", "--backend", "blas",
                                                     "--model", "tiny", "--batch", "16",
                                                     "--threads", "1", "--json", NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *seed, *models;
  JsonObject *model;

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  root = cep_cli_result_get_json (result);
  seed = json_object_get_array_member (object_of (root), "seed_product");
  models = json_object_get_array_member (object_of (root), "models");
  g_assert_cmpuint (json_array_get_length (seed), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (seed, 0),
                                                  "backend"), ==, "blas");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (seed, 1),
                                                  "backend"), ==, "openblas-sgemm");
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (seed, 0),
                                                    "milliseconds"), >, 0);
  g_assert_cmpuint (json_array_get_length (models), ==, 1);
  model = json_array_get_object_element (models, 0);
  g_assert_cmpstr (json_object_get_string_member (model, "model"), ==, "tiny");
  g_assert_cmpstr (json_object_get_string_member (model, "backend"), ==, "blas");
  g_assert_cmpfloat (json_object_get_double_member (model, "train_samples_per_second"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (model, "train_gflops"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (model, "inference_gflops"), >, 0);
  g_assert_cmpfloat (json_object_get_double_member (model, "sgemm_gflops"), >, 0);
}

static void
test_bench_bad_input (void)
{
  const char *backend[] = { "bench", "--backend", "abacus", NULL };
  const char *batch[] = { "bench", "--batch", "1", NULL };
  const char *model[] = { "bench", "--model", "huge", NULL };

  expect_failure (CEP_CLI_EXIT_USAGE, "abacus", backend);
  expect_failure (CEP_CLI_EXIT_USAGE, "--batch", batch);
  expect_failure (CEP_CLI_EXIT_USAGE, "huge", model);
}

/* backends: blas first, every entry opens here and says so in its description, and the vulkan
 * backend appears once per usable device with the --device value that picks it. */
static void
test_backends (void)
{
  g_autoptr(CepCliResult) result = cep_cli_test_run ("backends", "--json", NULL);
  g_autoptr(CepCliResult) table = cep_cli_test_run ("backends", NULL);
  g_auto(GStrv) devices = cep_backend_list_devices ("vulkan", NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *backends;
  guint n_vulkan = 0;

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  root = cep_cli_result_get_json (result);
  backends = json_object_get_array_member (object_of (root), "backends");
  g_assert_cmpuint (json_array_get_length (backends), >=, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (backends, 0),
                                                  "backend"), ==, "blas");
  for (guint i = 0; i < json_array_get_length (backends); i++)
    {
      JsonObject *entry = json_array_get_object_element (backends, i);
      const char *name = json_object_get_string_member (entry, "backend");
      g_autofree char *prefix = g_strconcat (name, ":", NULL);
      gboolean on_device = !json_object_get_null_member (entry, "device");

      g_assert_true (g_str_has_prefix (json_object_get_string_member (entry, "description"),
                                       prefix));
      g_assert_cmpint (on_device, ==, !json_object_get_null_member (entry, "device_name"));
      if (g_str_equal (name, "vulkan"))
        {
          g_assert_true (on_device);
          g_assert_cmpstr (json_object_get_string_member (entry, "device"), ==,
                           devices[n_vulkan]);
          n_vulkan++;
        }
      else
        g_assert_false (on_device);
    }
  g_assert_cmpuint (n_vulkan, ==, devices != NULL ? g_strv_length (devices) : 0);
  g_assert_cmpint (table->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_true (g_str_has_prefix (table->out, "BACKEND"));
  g_assert_nonnull (strstr (table->out, "\nblas "));
}

static void
test_backends_bad_input (void)
{
  const char *extra[] = { "backends", "blas", NULL };

  expect_failure (CEP_CLI_EXIT_USAGE, "expected no arguments", extra);
}

/* A run's name and notes change in its experiment.json and nothing else: eval still reads it. */
static void
test_annotate (void)
{
  g_autofree char *experiment_path = g_build_filename (run_dir, "experiment.json", NULL);
  g_autofree char *notes_path = work_path ("notes.txt");
  g_autofree char *text = NULL;
  g_autoptr(CepCliResult) result = NULL;

  g_assert_true (g_file_set_contents (notes_path, "Dev plateaus at epoch 2.\n", -1, NULL));
  result = cep_cli_test_run ("annotate", run_dir, "--name", "first try, K 3",
                             "--notes-file", notes_path, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  text = read_text (experiment_path);
  g_assert_nonnull (strstr (text, "\"name\": \"first try, K 3\""));
  g_assert_nonnull (strstr (text, "\"notes\": \"Dev plateaus at epoch 2.\\n\""));
  g_clear_pointer (&result, cep_cli_result_free);
  result = cep_cli_test_run ("eval", run_dir, "--threads", "1", NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_clear_pointer (&result, cep_cli_result_free);
  /* "" removes the notes again. */
  result = cep_cli_test_run ("annotate", run_dir, "--notes", "", NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_clear_pointer (&text, g_free);
  text = read_text (experiment_path);
  g_assert_null (strstr (text, "\"notes\""));
}

static void
test_annotate_bad_input (void)
{
  g_autofree char *missing = work_path ("no-such-run");
  g_autoptr(CepCliResult) result = NULL;

  result = cep_cli_test_run ("annotate", run_dir, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_USAGE);
  g_assert_nonnull (strstr (result->err, "nothing to change"));
  g_clear_pointer (&result, cep_cli_result_free);
  result = cep_cli_test_run ("annotate", run_dir, "--notes", "a", "--notes-file", "-", NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_USAGE);
  g_clear_pointer (&result, cep_cli_result_free);
  result = cep_cli_test_run ("annotate", missing, "--name", "x", NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
  g_assert_nonnull (strstr (result->err, "no-such-run"));
}

/* A copy of the run goes to the trash (of a temporary data home, never the user's); a folder
 * that is not a run stays, with exit status 2. */
static void
test_trash (void)
{
  g_autofree char *copy = work_path ("run-copy");
  g_autofree char *copy_experiment = g_build_filename (copy, "experiment.json", NULL);
  g_autofree char *experiment_path = g_build_filename (run_dir, "experiment.json", NULL);
  g_autofree char *data_home = work_path ("data-home");
  g_autofree char *trashed = g_build_filename (data_home, "Trash", "files", "run-copy", NULL);
  g_autofree char *plain = work_path ("plain-folder");
  g_autofree char *text = read_text (experiment_path);
  g_autofree char *old_data_home = g_strdup (g_getenv ("XDG_DATA_HOME"));
  g_autoptr(CepCliResult) result = NULL;

  g_assert_cmpint (g_mkdir_with_parents (copy, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (plain, 0755), ==, 0);
  g_assert_true (g_file_set_contents (copy_experiment, text, -1, NULL));
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  result = cep_cli_test_run ("trash", copy, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (trashed, G_FILE_TEST_IS_DIR));
  g_clear_pointer (&result, cep_cli_result_free);
  result = cep_cli_test_run ("trash", plain, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
  g_assert_nonnull (strstr (result->err, "not a run folder"));
  g_assert_true (g_file_test (plain, G_FILE_TEST_IS_DIR));
  if (old_data_home != NULL)
    g_setenv ("XDG_DATA_HOME", old_data_home, TRUE);
  else
    g_unsetenv ("XDG_DATA_HOME");
}

/* A deeply nested metrics line or checkpoint header is refused with the limit, never a crash
 * (json-glib's recursion overflowed the stack on both). */
static void
test_deep_json (void)
{
  g_autofree char *copy = work_path ("deep-run");
  g_autofree char *checkpoints = g_build_filename (copy, "checkpoints", NULL);
  g_autofree char *metrics = g_build_filename (copy, "metrics.jsonl", NULL);
  g_autofree char *experiment = g_build_filename (copy, "experiment.json", NULL);
  g_autofree char *checkpoint = g_build_filename (checkpoints, "best.safetensors", NULL);
  g_autofree char *source_experiment = g_build_filename (run_dir, "experiment.json", NULL);
  g_autofree char *experiment_text = read_text (source_experiment);
  g_autofree char *png = work_path ("deep.png");
  g_autofree char *brackets = g_strnfill (150000, '[');
  g_autofree char *header = g_strdup_printf ("{\"a\":%s", brackets);
  g_autoptr(GByteArray) file = g_byte_array_new ();
  guint64 length = strlen (header);
  g_autoptr(CepCliResult) result = NULL;

  g_assert_cmpint (g_mkdir_with_parents (checkpoints, 0755), ==, 0);
  g_assert_true (g_file_set_contents (experiment, experiment_text, -1, NULL));
  g_assert_true (g_file_set_contents (metrics, brackets, -1, NULL));
  result = cep_cli_test_run ("plot", copy, "--png", png, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
  g_assert_nonnull (strstr (result->err, "metrics.jsonl"));
  g_clear_pointer (&result, cep_cli_result_free);
  /* safetensors: an 8-byte little-endian header length, then the header. */
  for (guint i = 0; i < 8; i++)
    g_byte_array_append (file, (const guint8 *) &(guint8) { (length >> (8 * i)) & 0xff }, 1);
  g_byte_array_append (file, (const guint8 *) header, length);
  g_assert_true (g_file_set_contents (checkpoint, (const char *) file->data, file->len, NULL));
  result = cep_cli_test_run ("eval", copy, "--threads", "1", NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
  g_assert_nonnull (strstr (result->err, "nested more than 64 levels"));
}

/* A copy of the run whose best checkpoint has @value written over the first element of its
 * first float32 tensor; returns the copy's folder and that tensor's name. */
static char *
copy_with_poisoned_weight (const char  *name,
                           float        value,
                           char       **tensor)
{
  g_autofree char *copy = work_path (name);
  g_autofree char *checkpoints = g_build_filename (copy, "checkpoints", NULL);
  g_autofree char *source = g_build_filename (run_dir, "checkpoints", "best.safetensors", NULL);
  g_autofree char *target = g_build_filename (checkpoints, "best.safetensors", NULL);
  g_autofree char *experiment = g_build_filename (copy, "experiment.json", NULL);
  g_autofree char *source_experiment = g_build_filename (run_dir, "experiment.json", NULL);
  g_autofree char *experiment_text = read_text (source_experiment);
  g_autofree char *data = NULL;
  g_autoptr(JsonNode) header = NULL;
  g_autoptr(GList) members = NULL;
  guint64 header_length;
  gsize length;

  g_assert_cmpint (g_mkdir_with_parents (checkpoints, 0755), ==, 0);
  g_assert_true (g_file_set_contents (experiment, experiment_text, -1, NULL));
  g_assert_true (g_file_get_contents (source, &data, &length, NULL));
  memcpy (&header_length, data, 8);
  header_length = GUINT64_FROM_LE (header_length);
  {
    g_autofree char *text = g_strndup (data + 8, header_length);
    header = json_from_string (text, NULL);
  }
  members = json_object_get_members (json_node_get_object (header));
  for (GList *member = members; member != NULL; member = member->next)
    {
      JsonObject *entry;
      if (g_str_equal (member->data, "__metadata__"))
        continue;
      entry = json_object_get_object_member (json_node_get_object (header), member->data);
      if (!g_str_equal (json_object_get_string_member (entry, "dtype"), "F32"))
        continue;
      memcpy (data + 8 + header_length
                + json_array_get_int_element (json_object_get_array_member (entry,
                                                                            "data_offsets"), 0),
              &value, sizeof value);
      *tensor = g_strdup (member->data);
      break;
    }
  g_assert_nonnull (*tensor);
  g_assert_true (g_file_set_contents (target, data, length, NULL));
  return g_steal_pointer (&copy);
}

/* NaN or infinite weights are refused, naming the file and the tensor. */
static void
test_non_finite_weights (void)
{
  const float values[] = { NAN, INFINITY };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *name = g_strdup_printf ("poisoned-%u", i);
      g_autofree char *tensor = NULL;
      g_autofree char *copy = copy_with_poisoned_weight (name, values[i], &tensor);
      g_autofree char *expected = g_strdup_printf ("best.safetensors: tensor “%s” holds %s at "
                                                   "element 0", tensor,
                                                   i == 0 ? "NaN" : "an infinite value");
      g_autoptr(CepCliResult) result = cep_cli_test_run ("eval", copy, "--threads", "1", NULL);

      g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
      g_assert_nonnull (strstr (result->err, expected));
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/eval", test_eval);
  g_test_add_func ("/cli/eval/bad-input", test_eval_bad_input);
  g_test_add_func ("/cli/eval/device", test_eval_device);
  g_test_add_func ("/cli/predict", test_predict);
  g_test_add_func ("/cli/predict/bad-input", test_predict_bad_input);
  g_test_add_func ("/cli/depmatrix", test_depmatrix);
  g_test_add_func ("/cli/depmatrix/modes", test_depmatrix_modes);
  g_test_add_func ("/cli/depmatrix/bad-input", test_depmatrix_bad_input);
  g_test_add_func ("/cli/confusion", test_confusion);
  g_test_add_func ("/cli/confusion/bad-input", test_confusion_bad_input);
  g_test_add_func ("/cli/plot", test_plot);
  g_test_add_func ("/cli/plot/bad-input", test_plot_bad_input);
  g_test_add_func ("/cli/bench", test_bench);
  g_test_add_func ("/cli/bench/bad-input", test_bench_bad_input);
  g_test_add_func ("/cli/backends", test_backends);
  g_test_add_func ("/cli/backends/bad-input", test_backends_bad_input);
  g_test_add_func ("/cli/annotate", test_annotate);
  g_test_add_func ("/cli/annotate/bad-input", test_annotate_bad_input);
  g_test_add_func ("/cli/trash", test_trash);
  g_test_add_func ("/cli/deep-json", test_deep_json);
  g_test_add_func ("/cli/eval/non-finite-weights", test_non_finite_weights);
  train_run ();
  status = g_test_run ();
  cep_cli_test_remove_tree (data_root);
  cep_cli_test_remove_tree (work_dir);
  g_free (data_root);
  g_free (work_dir);
  g_free (run_dir);
  return status;
}
