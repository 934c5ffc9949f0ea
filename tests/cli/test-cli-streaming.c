/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cepstra-cli's streaming analyses end to end on one small run trained at the start on the
 * demo dataset (learnable, so what a shorter look-ahead costs shows): `eval --chunk
 * --lookahead` against plain `eval`, and bad input refused naming the flag.
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

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  train_run ();
  g_test_add_func ("/cli/eval/chunked", test_eval_chunked);
  g_test_add_func ("/cli/eval/chunked/bad-input", test_eval_chunked_bad_input);
  status = g_test_run ();
  cep_cli_test_remove_tree (work_dir);
  g_free (run_dir);
  g_free (work_dir);
  return status;
}
