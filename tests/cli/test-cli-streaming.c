/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cepstra-cli's streaming analyses end to end on one small run trained at the start on the
 * demo dataset (learnable, so what a shorter look-ahead costs shows): `eval --chunk
 * --lookahead` against plain `eval`, the `streaming` what-if table (JSON, CSV, PNG), and bad
 * input refused naming the flag.
 */
#include "cep-cli.h"
#include "cep-cli-test-util.h"

#include <string.h>

/* The run every test reads: 5 frames of context on each side; made once in main(). */
static char *work_dir;
static char *run_dir;

static void
train_run (void)
{
  g_autoptr(CepCliResult) result = NULL;

  work_dir = g_dir_make_tmp ("cepstra-streaming-XXXXXX", NULL);
  run_dir = g_build_filename (work_dir, "run", NULL);
  result = cep_cli_test_run ("train", "--data", g_getenv ("CEPSTRA_DEMO_DIR"), "--shape",
                             "cylinder", "--budget", "100k", "--depth", "2", "--context", "5",
                             "--epochs", "2", "--batch", "128", "--threads", "1", "--out",
                             run_dir, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
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

/* @member of `eval RUNDIR --json`'s object, streamed with --chunk @chunk --lookahead
 * @lookahead unless @chunk is NULL. */
static double
eval_member (const char *member,
             const char *chunk,
             const char *lookahead)
{
  const char *args[] = { "eval", run_dir, "--threads", "1", "--json", chunk ? "--chunk" : NULL,
                         chunk, "--lookahead", lookahead, NULL };
  g_autoptr(CepCliResult) result = cep_cli_test_runv (args);
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  root = cep_cli_result_get_json (result);
  return json_object_get_double_member (json_node_get_object (root), member);
}

/* Chunks longer than any utterance with the model's 5 future frames of look-ahead hide
 * nothing: plain eval's correct count, exactly. Frame by frame without look-ahead the model
 * loses its right context and, trained with it, a good part of its accuracy. */
static void
test_eval_chunked (void)
{
  double offline = eval_member ("correct", NULL, NULL);
  double whole = eval_member ("correct", "100000", "5");
  double offline_accuracy = eval_member ("accuracy", NULL, NULL);
  double streamed_accuracy = eval_member ("accuracy", "1", "0");
  double some_lookahead = eval_member ("accuracy", "8", "2");

  g_assert_cmpfloat (whole, ==, offline);
  g_assert_cmpfloat (streamed_accuracy, <, offline_accuracy - 0.05);
  g_assert_cmpfloat (some_lookahead, >, streamed_accuracy);
  g_assert_cmpfloat (eval_member ("chunk", "8", "2"), ==, 8);
  g_assert_cmpfloat (eval_member ("lookahead", "8", "2"), ==, 2);
}

static void
test_eval_chunked_bad_input (void)
{
  const char *chunk_zero[] = { "eval", run_dir, "--chunk", "0", NULL };
  const char *lookahead_garbage[] = { "eval", run_dir, "--chunk", "4", "--lookahead", "2x",
                                      NULL };
  const char *lookahead_alone[] = { "eval", run_dir, "--lookahead", "2", NULL };

  expect_failure (CEP_CLI_EXIT_USAGE, "--chunk", chunk_zero);
  expect_failure (CEP_CLI_EXIT_USAGE, "--lookahead", lookahead_garbage);
  expect_failure (CEP_CLI_EXIT_USAGE, "--lookahead needs --chunk", lookahead_alone);
}

static JsonObject *
cell_at (JsonObject *object,
         guint       index)
{
  return json_array_get_object_element (json_object_get_array_member (object, "cells"), index);
}

/* Two chunk sizes × two look-aheads: the cells in that order with their latency at 10 ms a
 * frame, the receptive field as declared and measured (an MLP's is its window, so no flag),
 * chunks longer than any utterance with the model's look-ahead equal to offline, frame by
 * frame without look-ahead clearly worse, the look-aheads shorter than the model's reach
 * flagged; the CSV and PNG written. */
static void
test_streaming (void)
{
  g_autofree char *csv = g_build_filename (work_dir, "streaming.csv", NULL);
  g_autofree char *png = g_build_filename (work_dir, "streaming.png", NULL);
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(CepCliResult) text = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *table = NULL;
  g_autofree char *image = NULL;
  JsonObject *object;
  double offline;

  result = cep_cli_test_run ("streaming", run_dir, "--chunks", "1,100000", "--lookahead", "0,5",
                             "--threads", "1", "--csv", csv, "--png", png, "--json", NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  root = cep_cli_result_get_json (result);
  object = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (object, "context_future"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (object, "measured_future"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (object, "measured_past"), ==, 5);
  g_assert_false (json_object_get_boolean_member (object, "reaches_past_lookahead"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "cells")), ==,
                    4);
  offline = json_object_get_double_member (object, "offline_accuracy");
  g_assert_cmpint (json_object_get_int_member (cell_at (object, 1), "chunk"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (cell_at (object, 1), "lookahead"), ==, 5);
  g_assert_cmpfloat (json_object_get_double_member (cell_at (object, 1), "latency_ms"), ==, 60);
  g_assert_cmpfloat (json_object_get_double_member (cell_at (object, 3), "accuracy"), ==,
                     offline);
  g_assert_cmpfloat (json_object_get_double_member (cell_at (object, 0), "accuracy"), <,
                     offline - 0.05);
  /* The model reads 5 future frames: a look-ahead of 0 is flagged, one of 5 is not. */
  g_assert_true (json_object_get_boolean_member (cell_at (object, 0), "reaches_past_lookahead"));
  g_assert_false (json_object_get_boolean_member (cell_at (object, 1), "reaches_past_lookahead"));
  g_assert_true (json_object_get_boolean_member (cell_at (object, 2), "reaches_past_lookahead"));
  g_assert_false (json_object_get_boolean_member (cell_at (object, 3), "reaches_past_lookahead"));
  g_assert_true (g_file_get_contents (csv, &table, NULL, NULL));
  g_assert_true (g_str_has_prefix (table, "chunk,lookahead,chunk_ms,lookahead_ms,latency_ms,"
                                          "accuracy,loss\n0,0,0,0,0,"));
  g_assert_nonnull (strstr (table, "\n1,5,10,50,60,"));
  g_assert_true (g_file_get_contents (png, &image, NULL, NULL));
  g_assert_cmpmem (image, 8, "\x89PNG\r\n\x1a\n", 8);

  text = cep_cli_test_run ("streaming", run_dir, "--chunks", "8", "--lookahead", "2",
                           "--threads", "1", NULL);
  g_assert_cmpint (text->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_nonnull (strstr (text->out, "receptive field: 5 past + 5 future frames "
                                       "(dependency matrix: 5 + 5)"));
  g_assert_null (strstr (text->out, "WARNING"));
  /* 2 frames of look-ahead for a model that reads 5: the row is marked and explained. */
  g_assert_nonnull (strstr (text->out, " %  *\n"));
  g_assert_nonnull (strstr (text->out, "* the model reads 5 future frames, more than this "
                                       "look-ahead gives it"));
  g_clear_pointer (&text, cep_cli_result_free);
  text = cep_cli_test_run ("streaming", run_dir, "--chunks", "8", "--lookahead", "5",
                           "--threads", "1", NULL);
  g_assert_cmpint (text->exit_code, ==, CEP_CLI_EXIT_OK);
  g_assert_null (strstr (text->out, "*"));
}

/* Some utterance of the demo's dev partition (the alphabetically first). */
static char *
first_dev_utterance (void)
{
  g_autofree char *mfcc = g_build_filename (g_getenv ("CEPSTRA_DEMO_DIR"), "dev-clean", "mfcc",
                                            NULL);
  g_autoptr(GDir) dir = g_dir_open (mfcc, 0, NULL);
  const char *name;
  char *first = NULL;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".npy") && (first == NULL || strcmp (name, first) < 0))
      {
        g_free (first);
        first = g_strdup (name);
      }
  g_assert_nonnull (first);
  first[strlen (first) - strlen (".npy")] = '\0';
  return first;
}

/* The dependency matrix streamed in chunks of 8 with 2 frames of look-ahead is the model's
 * ±5 window cut into the block staircase: it matches that, not the offline band. */
static void
test_depmatrix_staircase (void)
{
  g_autofree char *utterance = first_dev_utterance ();
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object;
  const char *bad[] = { "depmatrix", run_dir, "--utterance", utterance, "--chunk", "0", NULL };
  const char *alone[] = { "depmatrix", run_dir, "--utterance", utterance, "--lookahead", "2",
                          NULL };

  result = cep_cli_test_run ("depmatrix", run_dir, "--utterance", utterance, "--frames", "40",
                             "--chunk", "8", "--lookahead", "2", "--threads", "1", "--json",
                             NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OK);
  root = cep_cli_result_get_json (result);
  object = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (object, "chunk"), ==, 8);
  g_assert_true (json_object_get_boolean_member (object, "matches_band"));
  g_assert_cmpint (json_object_get_int_member (object, "outside_band"), ==, 0);
  expect_failure (CEP_CLI_EXIT_USAGE, "--chunk", bad);
  expect_failure (CEP_CLI_EXIT_USAGE, "--lookahead needs --chunk", alone);
}

static void
test_streaming_bad_input (void)
{
  const char *chunk_zero[] = { "streaming", run_dir, "--chunks", "1,0", NULL };
  const char *lookahead_garbage[] = { "streaming", run_dir, "--lookahead", "0,two", NULL };
  const char *empty_item[] = { "streaming", run_dir, "--chunks", "8,,32", NULL };
  const char *shift_zero[] = { "streaming", run_dir, "--frame-shift", "0", NULL };
  const char *no_run[] = { "streaming", NULL };

  expect_failure (CEP_CLI_EXIT_USAGE, "--chunks", chunk_zero);
  expect_failure (CEP_CLI_EXIT_USAGE, "--lookahead", lookahead_garbage);
  expect_failure (CEP_CLI_EXIT_USAGE, "--chunks", empty_item);
  expect_failure (CEP_CLI_EXIT_USAGE, "--frame-shift", shift_zero);
  expect_failure (CEP_CLI_EXIT_USAGE, "RUNDIR", no_run);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  train_run ();
  g_test_add_func ("/cli/eval/chunked", test_eval_chunked);
  g_test_add_func ("/cli/eval/chunked/bad-input", test_eval_chunked_bad_input);
  g_test_add_func ("/cli/streaming", test_streaming);
  g_test_add_func ("/cli/streaming/bad-input", test_streaming_bad_input);
  g_test_add_func ("/cli/depmatrix/staircase", test_depmatrix_staircase);
  status = g_test_run ();
  cep_cli_test_remove_tree (work_dir);
  g_free (run_dir);
  g_free (work_dir);
  return status;
}
