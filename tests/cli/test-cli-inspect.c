/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `cepstra-cli inspect` on the demo dataset, on datasets the test writes, and on broken ones.
 */
#include "cep-cli.h"
#include "cep-cli-test-util.h"
#include "cep-npy.h"

#include <glib/gstdio.h>

static char *
make_dataset (void)
{
  g_autoptr(GError) error = NULL;
  char *root = g_dir_make_tmp ("cepstra-inspect-XXXXXX", &error);
  g_autofree char *train = g_build_filename (root, "train-clean-100", NULL);
  g_autofree char *dev = g_build_filename (root, "dev-clean", NULL);
  g_autofree char *test = g_build_filename (root, "test-clean", NULL);

  g_assert_no_error (error);
  cep_cli_test_write_utterance (train, "0001-000001-000", 50, 13, TRUE);
  cep_cli_test_write_utterance (train, "0001-000001-001", 70, 13, TRUE);
  cep_cli_test_write_utterance (train, "0002-000001-000", 31, 13, TRUE);
  cep_cli_test_write_utterance (dev, "0003-000001-000", 40, 13, TRUE);
  cep_cli_test_write_utterance (dev, "0003-000001-001", 45, 13, TRUE);
  cep_cli_test_write_utterance (test, "0004-000001-000", 20, 13, FALSE);
  return root;
}

static JsonObject *
find_partition (JsonNode   *root,
                const char *name)
{
  JsonArray *partitions = json_object_get_array_member (json_node_get_object (root), "partitions");

  for (guint i = 0; i < json_array_get_length (partitions); i++)
    {
      JsonObject *partition = json_array_get_object_element (partitions, i);

      if (g_str_equal (json_object_get_string_member (partition, "name"), name))
        return partition;
    }
  g_assert_not_reached ();
}

static gint64
sum_class_counts (JsonObject *partition)
{
  JsonObject *counts = json_object_get_object_member (partition, "class_counts");
  g_autoptr(GList) members = json_object_get_members (counts);
  gint64 sum = 0;

  for (GList *l = members; l != NULL; l = l->next)
    sum += json_object_get_int_member (counts, l->data);
  return sum;
}

static void
test_generated_json (void)
{
  g_autofree char *root = make_dataset ();
  g_autoptr(CepCliResult) result = cep_cli_test_run ("inspect", root, "--json", NULL);
  g_autoptr(JsonNode) json = NULL;
  JsonObject *train, *test;

  g_assert_cmpint (result->exit_code, ==, 0);
  json = cep_cli_result_get_json (result);
  train = find_partition (json, "train-clean-100");
  g_assert_cmpint (json_object_get_int_member (train, "utterances"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (train, "frames"), ==, 151);
  g_assert_cmpint (json_object_get_int_member (train, "feature_dim"), ==, 13);
  g_assert_true (json_object_get_boolean_member (train, "labelled"));
  g_assert_cmpint (sum_class_counts (train), ==, 151);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (train, "skipped")), ==, 0);
  g_assert_cmpint (json_object_get_int_member (find_partition (json, "dev-clean"), "frames"), ==,
                   85);
  test = find_partition (json, "test-clean");
  g_assert_false (json_object_get_boolean_member (test, "labelled"));
  g_assert_cmpint (json_object_get_int_member (test, "frames"), ==, 20);
  cep_cli_test_remove_tree (root);
}

static void
test_generated_text (void)
{
  g_autofree char *root = make_dataset ();
  g_autoptr(CepCliResult) result = cep_cli_test_run ("inspect", root, NULL);

  g_assert_cmpint (result->exit_code, ==, 0);
  g_assert_true (strstr (result->out, "train-clean-100") != NULL);
  g_assert_true (strstr (result->out, "test-clean") != NULL);
  g_assert_true (strstr (result->out, "[SIL]") != NULL);
  cep_cli_test_remove_tree (root);
}

/* A transcript two labels short: FAIL names it and exits 2, SKIP reports it and goes on. */
static char *
make_broken_dataset (void)
{
  char *root = make_dataset ();
  g_autofree char *dev = g_build_filename (root, "dev-clean", NULL);
  g_autofree char *bad_transcript = g_build_filename (dev, "transcript", "0003-000001-009.npy", NULL);
  const char *labels[] = { "[SOS]", "AA", "AA", "[EOS]" };
  g_autoptr(GError) error = NULL;

  cep_cli_test_write_utterance (dev, "0003-000001-009", 4, 13, FALSE);
  cep_npy_write_strings (bad_transcript, labels, G_N_ELEMENTS (labels), &error);
  g_assert_no_error (error);
  return root;
}

static void
test_invalid_fails (void)
{
  g_autofree char *root = make_broken_dataset ();
  g_autoptr(CepCliResult) result = cep_cli_test_run ("inspect", root, NULL);

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
  g_assert_true (strstr (result->err, "0003-000001-009.npy") != NULL);
  g_assert_true (strstr (result->err, "2 labels for 4 frames") != NULL);
  g_assert_true (strstr (result->err, "Trace") == NULL);
  cep_cli_test_remove_tree (root);
}

static void
test_invalid_skipped (void)
{
  g_autofree char *root = make_broken_dataset ();
  g_autoptr(CepCliResult) result = cep_cli_test_run ("inspect", root, "--skip-bad", "--json",
                                                     NULL);
  g_autoptr(JsonNode) json = NULL;
  JsonArray *skipped;
  JsonObject *dev, *entry;

  g_assert_cmpint (result->exit_code, ==, 0);
  json = cep_cli_result_get_json (result);
  dev = find_partition (json, "dev-clean");
  g_assert_cmpint (json_object_get_int_member (dev, "utterances"), ==, 2);
  skipped = json_object_get_array_member (dev, "skipped");
  g_assert_cmpint (json_array_get_length (skipped), ==, 1);
  entry = json_array_get_object_element (skipped, 0);
  g_assert_true (strstr (json_object_get_string_member (entry, "file"), "0003-000001-009") != NULL);
  g_assert_true (strstr (json_object_get_string_member (entry, "reason"), "2 labels for 4 frames")
                 != NULL);
  cep_cli_test_remove_tree (root);
}

static void
test_feature_dim_mismatch (void)
{
  g_autofree char *root = make_dataset ();
  g_autofree char *other = g_build_filename (root, "dev-other", NULL);
  g_autoptr(CepCliResult) result = NULL;

  cep_cli_test_write_utterance (other, "0009-000001-000", 30, 28, TRUE);
  result = cep_cli_test_run ("inspect", root, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
  g_assert_true (strstr (result->err, "dev-other") != NULL);
  cep_cli_test_remove_tree (root);
}

/* A FIFO named like a feature file is refused at once, naming it; opening it would have
 * waited for a writer forever. */
static void
test_fifo_refused (void)
{
  g_autofree char *root = make_dataset ();
  g_autofree char *fifo = g_build_filename (root, "dev-clean", "mfcc", "0003-000001-099.npy",
                                            NULL);
  g_autofree char *transcript = g_build_filename (root, "dev-clean", "transcript",
                                                  "0003-000001-099.npy", NULL);
  g_autoptr(CepCliResult) result = NULL;
  const char *labels[] = { "[SOS]", "AA", "[EOS]" };

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  cep_npy_write_strings (transcript, labels, G_N_ELEMENTS (labels), NULL);
  result = cep_cli_test_run ("inspect", root, NULL);
  g_assert_cmpint (result->exit_code, ==, 2);
  g_assert_nonnull (strstr (result->err, "mfcc/0003-000001-099.npy: not a regular file (a FIFO)"));
  cep_cli_test_remove_tree (root);
}

static void
test_missing_root (void)
{
  g_autoptr(CepCliResult) result = cep_cli_test_run ("inspect", "/nonexistent/cepstra", NULL);

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
  g_assert_true (strstr (result->err, "/nonexistent/cepstra") != NULL);
}

static void
test_unknown_partition (void)
{
  g_autofree char *root = make_dataset ();
  g_autoptr(CepCliResult) result = cep_cli_test_run ("inspect", root, "--partition", "nope", NULL);

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
  g_assert_true (strstr (result->err, "nope") != NULL);
  cep_cli_test_remove_tree (root);
}

/* With no path, the embedded demo dataset: the promise of the README's first command. */
static void
test_demo_dataset (void)
{
  g_autoptr(CepCliResult) result = cep_cli_test_run ("inspect", "--json", NULL);
  g_autoptr(JsonNode) json = NULL;
  JsonObject *train, *dev, *test;

  g_assert_cmpint (result->exit_code, ==, 0);
  json = cep_cli_result_get_json (result);
  train = find_partition (json, "train-clean-100");
  dev = find_partition (json, "dev-clean");
  test = find_partition (json, "test-clean");
  g_assert_true (json_object_get_boolean_member (train, "labelled"));
  g_assert_true (json_object_get_boolean_member (dev, "labelled"));
  g_assert_false (json_object_get_boolean_member (test, "labelled"));
  g_assert_cmpint (json_object_get_int_member (train, "feature_dim"), ==, 28);
  g_assert_cmpint (sum_class_counts (train), ==, json_object_get_int_member (train, "frames"));
  g_assert_cmpint (json_object_get_int_member (train, "utterances")
                   + json_object_get_int_member (dev, "utterances")
                   + json_object_get_int_member (test, "utterances"), >=, 300);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/inspect/json", test_generated_json);
  g_test_add_func ("/cli/inspect/text", test_generated_text);
  g_test_add_func ("/cli/inspect/invalid-fails", test_invalid_fails);
  g_test_add_func ("/cli/inspect/invalid-skipped", test_invalid_skipped);
  g_test_add_func ("/cli/inspect/fifo-refused", test_fifo_refused);
  g_test_add_func ("/cli/inspect/feature-dim-mismatch", test_feature_dim_mismatch);
  g_test_add_func ("/cli/inspect/missing-root", test_missing_root);
  g_test_add_func ("/cli/inspect/unknown-partition", test_unknown_partition);
  g_test_add_func ("/cli/inspect/demo", test_demo_dataset);
  return g_test_run ();
}
