/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-cli-export.c: `cepstra-cli export torch` and `cepstra-cli import-run` without PyTorch —
 * the files written, the folders refused, and runs imported or refused with the file named.
 * Training the exported project is tests/export/test-export-torch.py.
 */
#include "cep-cli-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

static char *
fixture_run (void)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", "blocks", "run", NULL);
}

static char *
read_text (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static void
assert_same_file (const char *a,
                  const char *b)
{
  g_autofree char *x = read_text (a);
  g_autofree char *y = read_text (b);

  g_assert_cmpstr (x, ==, y);
}

static void
test_export_writes_project (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("cep-export-XXXXXX", NULL);
  g_autofree char *run = fixture_run ();
  g_autofree char *out = g_build_filename (tmp, "project", NULL);
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "..", "core", "export", "torch",
                                                   NULL);
  const char *copied[] = { "train.py", "data.py", "model.py", "cepstra_run.py", "README.md" };
  g_autoptr (CepCliResult) result = cep_cli_test_run ("export", "torch", run, "--out", out, NULL);

  g_assert_cmpint (result->exit_code, ==, 0);
  g_assert_nonnull (strstr (result->out, out));
  /* The Python files are the committed ones, byte for byte. */
  for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
    {
      g_autofree char *written = g_build_filename (out, copied[i], NULL);
      g_autofree char *committed = g_build_filename (source, copied[i], NULL);
      assert_same_file (written, committed);
    }
  {
    g_autofree char *phonemes = g_build_filename (out, "phonemes.txt", NULL);
    g_autofree char *text = read_text (phonemes);
    g_autofree char *experiment = g_build_filename (out, "experiment.json", NULL);
    g_autofree char *json = read_text (experiment);
    g_assert_nonnull (strstr (text, "[SIL] SIL\nAA\n"));
    g_assert_nonnull (strstr (text, "[EOS] <eos>\n"));
    g_assert_nonnull (strstr (json, "\"name\": \"blocks-fixture\""));
  }
  cep_cli_test_remove_tree (tmp);
}

static void
test_export_refuses_folders (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("cep-export-XXXXXX", NULL);
  g_autofree char *run = fixture_run ();
  g_autofree char *stranger = g_build_filename (tmp, "notes.txt", NULL);
  g_autofree char *project = g_build_filename (tmp, "project", NULL);
  g_autoptr (CepCliResult) refused = NULL;
  g_autoptr (CepCliResult) forced = NULL;
  g_autoptr (CepCliResult) first = NULL;
  g_autoptr (CepCliResult) again = NULL;

  g_assert_true (g_file_set_contents (stranger, "mine", -1, NULL));
  refused = cep_cli_test_run ("export", "torch", run, "--out", tmp, NULL);
  g_assert_cmpint (refused->exit_code, ==, 3);
  g_assert_nonnull (strstr (refused->err, "not empty and holds no earlier export"));
  forced = cep_cli_test_run ("export", "torch", run, "--out", tmp, "--force", NULL);
  g_assert_cmpint (forced->exit_code, ==, 0);
  {
    g_autofree char *text = read_text (stranger);
    g_assert_cmpstr (text, ==, "mine");
  }
  /* An earlier export may be written again. */
  first = cep_cli_test_run ("export", "torch", run, "--out", project, NULL);
  again = cep_cli_test_run ("export", "torch", run, "--out", project, NULL);
  g_assert_cmpint (first->exit_code, ==, 0);
  g_assert_cmpint (again->exit_code, ==, 0);
  cep_cli_test_remove_tree (tmp);
}

static void
test_export_bad_input (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("cep-export-XXXXXX", NULL);
  g_autofree char *run = fixture_run ();
  g_autofree char *experiment = g_build_filename (tmp, "experiment.json", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autofree char *missing = g_build_filename (tmp, "nowhere.txt", NULL);
  g_autofree char *empty = g_build_filename (tmp, "empty", NULL);
  g_autofree char *json = g_strdup_printf ("{\"format\": \"cepstra-experiment\", \"data\": "
                                           "{\"phonemes\": \"%s\"}, \"model\": {}, "
                                           "\"train\": {}}", missing);
  g_autoptr (CepCliResult) no_table = NULL;
  g_autoptr (CepCliResult) no_out = NULL;
  g_autoptr (CepCliResult) format = NULL;
  g_autoptr (CepCliResult) no_run = NULL;

  g_assert_true (g_file_set_contents (experiment, json, -1, NULL));
  no_table = cep_cli_test_run ("export", "torch", experiment, "--out", out, NULL);
  g_assert_cmpint (no_table->exit_code, ==, 2);
  g_assert_nonnull (strstr (no_table->err, "nowhere.txt"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  no_out = cep_cli_test_run ("export", "torch", run, NULL);
  g_assert_cmpint (no_out->exit_code, ==, 1);
  format = cep_cli_test_run ("export", "onnx", run, "--out", out, NULL);
  g_assert_cmpint (format->exit_code, ==, 1);
  /* A folder without experiment.json is no run. */
  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  no_run = cep_cli_test_run ("export", "torch", empty, "--out", out, NULL);
  g_assert_cmpint (no_run->exit_code, ==, 2);
  g_assert_nonnull (strstr (no_run->err, "experiment.json"));
  cep_cli_test_remove_tree (tmp);
}

static void
copy_tree_file (const char *from_dir,
                const char *to_dir,
                const char *relative)
{
  g_autofree char *from = g_build_filename (from_dir, relative, NULL);
  g_autofree char *to = g_build_filename (to_dir, relative, NULL);
  g_autofree char *folder = g_path_get_dirname (to);
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_assert_true (g_file_set_contents (to, contents, (gssize) length, NULL));
}

/* A copy of the fixture run at @dir (without its depmatrix CSV). */
static void
copy_fixture (const char *dir)
{
  g_autofree char *run = fixture_run ();
  const char *files[] = { "experiment.json", "metrics.jsonl", "checkpoints/last.safetensors",
                          "checkpoints/best.safetensors" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    copy_tree_file (run, dir, files[i]);
}

static char *
replaced (const char *text,
          const char *pattern,
          const char *replacement)
{
  g_autoptr (GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  char *result = g_regex_replace_literal (regex, text, -1, 0, replacement, 0, NULL);

  g_assert_cmpstr (result, !=, text);
  return result;
}

/* What the exported project writes into experiment.json: the backend that trained it. */
static void
as_trained_by_torch (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "experiment.json", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *torch = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  torch = replaced (contents, "\"backend\": \"ref\"", "\"backend\": \"torch\"");
  g_assert_true (g_file_set_contents (path, torch, -1, NULL));
}

static void
test_import_run (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("cep-import-XXXXXX", NULL);
  g_autofree char *source = g_build_filename (tmp, "from-cluster", NULL);
  g_autofree char *named = g_build_filename (tmp, "20260101-120000-mine", NULL);
  g_autofree char *runs = g_build_filename (tmp, "runs", NULL);
  g_autoptr (CepCliResult) imported = NULL;
  g_autoptr (CepCliResult) twice = NULL;
  g_autoptr (CepCliResult) kept = NULL;
  g_autoptr (CepCliResult) listing = NULL;
  g_autoptr (JsonNode) imported_json = NULL;
  g_autoptr (JsonNode) listing_json = NULL;
  const char *run;

  copy_fixture (source);
  copy_fixture (named);
  as_trained_by_torch (named);
  imported = cep_cli_test_run ("import-run", source, "--into", runs, "--json", NULL);
  g_assert_cmpint (imported->exit_code, ==, 0);
  imported_json = cep_cli_result_get_json (imported);
  run = json_object_get_string_member (json_node_get_object (imported_json), "run");
  /* Named after its first metrics line (local time) and its experiment. */
  g_assert_true (g_str_has_prefix (run, runs));
  g_assert_true (g_str_has_suffix (run, "-blocks-fixture"));
  {
    g_autofree char *last = g_build_filename (run, "checkpoints", "last.safetensors", NULL);
    g_autofree char *original = g_build_filename (source, "checkpoints", "last.safetensors",
                                                  NULL);
    assert_same_file (last, original);
  }
  twice = cep_cli_test_run ("import-run", source, "--into", runs, NULL);
  g_assert_cmpint (twice->exit_code, ==, 3);
  g_assert_nonnull (strstr (twice->err, "already"));
  kept = cep_cli_test_run ("import-run", named, "--into", runs, NULL);
  g_assert_cmpint (kept->exit_code, ==, 0);
  g_assert_nonnull (strstr (kept->out, "20260101-120000-mine"));
  /* A run the exported project trained names the backend torch: its checkpoint evaluates on
   * Cepstra's default backend (this is the round trip's Cepstra side, which the sanitized
   * build runs here rather than in tests/export). */
  {
    g_autofree char *kept_run = g_build_filename (runs, "20260101-120000-mine", NULL);
    g_autoptr (CepCliResult) evaluated = cep_cli_test_run ("eval", kept_run, "--json", NULL);
    g_autoptr (JsonNode) evaluated_json = NULL;

    if (evaluated->exit_code != 0)
      g_error ("eval of the imported torch run: %s", evaluated->err);
    evaluated_json = cep_cli_result_get_json (evaluated);
    g_assert_true (json_object_has_member (json_node_get_object (evaluated_json), "accuracy"));
  }
  listing = cep_cli_test_run ("runs", runs, "--json", NULL);
  g_assert_cmpint (listing->exit_code, ==, 0);
  listing_json = cep_cli_result_get_json (listing);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (listing_json), "runs")), ==, 2);
  cep_cli_test_remove_tree (tmp);
}

static void
test_import_refuses (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("cep-import-XXXXXX", NULL);
  g_autofree char *run = g_build_filename (tmp, "run", NULL);
  g_autofree char *runs = g_build_filename (tmp, "runs", NULL);
  g_autofree char *best = g_build_filename (run, "checkpoints", "best.safetensors", NULL);
  g_autofree char *last = g_build_filename (run, "checkpoints", "last.safetensors", NULL);
  g_autofree char *experiment = g_build_filename (run, "experiment.json", NULL);
  g_autofree char *missing = g_build_filename (tmp, "missing", NULL);
  g_autoptr (CepCliResult) no_folder = NULL;
  g_autoptr (CepCliResult) other_model = NULL;
  g_autoptr (CepCliResult) no_checkpoint = NULL;
  g_autoptr (CepCliResult) checked = NULL;
  g_autofree char *json = NULL;
  g_autofree char *changed = NULL;
  g_auto (GStrv) pieces = NULL;

  no_folder = cep_cli_test_run ("import-run", missing, "--into", runs, NULL);
  g_assert_cmpint (no_folder->exit_code, ==, 2);
  g_assert_nonnull (strstr (no_folder->err, "no such folder"));

  copy_fixture (run);
  checked = cep_cli_test_run ("import-run", run, "--check", NULL);
  g_assert_cmpint (checked->exit_code, ==, 0);
  /* experiment.json with another model than its checkpoints. */
  json = read_text (experiment);
  pieces = g_strsplit (json, "\"width\": 24", -1);
  changed = g_strjoinv ("\"width\": 25", pieces);
  g_assert_true (g_file_set_contents (experiment, changed, -1, NULL));
  other_model = cep_cli_test_run ("import-run", run, "--into", runs, NULL);
  g_assert_cmpint (other_model->exit_code, ==, 2);
  g_assert_nonnull (strstr (other_model->err, "last.safetensors: its model is not the one"));
  /* Nothing is created for a run that fails its checks. */
  g_assert_false (g_file_test (runs, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_set_contents (experiment, json, -1, NULL));
  g_assert_cmpint (g_remove (best), ==, 0);
  g_assert_cmpint (g_remove (last), ==, 0);
  no_checkpoint = cep_cli_test_run ("import-run", run, "--into", runs, NULL);
  g_assert_cmpint (no_checkpoint->exit_code, ==, 2);
  g_assert_nonnull (strstr (no_checkpoint->err, "no checkpoint"));
  cep_cli_test_remove_tree (tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/export/writes-project", test_export_writes_project);
  g_test_add_func ("/cli/export/refuses-folders", test_export_refuses_folders);
  g_test_add_func ("/cli/export/bad-input", test_export_bad_input);
  g_test_add_func ("/cli/import-run/copies", test_import_run);
  g_test_add_func ("/cli/import-run/refuses", test_import_refuses);
  return g_test_run ();
}
