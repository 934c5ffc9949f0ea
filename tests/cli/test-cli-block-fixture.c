/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-cli-block-fixture.c: a committed run stays byte-identical.
 *
 * tests/fixtures/blocks/run/ was made by `cepstra-cli train` (make-run-fixture.sh) before the
 * block kinds moved into the table of core/nn/blocks/. Training the same experiment again must
 * give the same experiment.json, the same checkpoints (last with optimizer state, best) and the
 * same metrics.jsonl (wall-clock members aside), and the gradient dependency matrix (the
 * evaluation-mode backward) the same CSV. Every old block kind and variant is in the model:
 * Linear with and without bias under four initializations, a Linear fused with its activation,
 * BatchNorm, an unfused LeakyReLU, Tanh, Dropout with p > 0 and p = 0. The test runs in the
 * source root, where the experiment's relative "data/demo/dataset" is found.
 */
#include "cep-cli-test-util.h"

#include <string.h>

#define FIXTURE_DIR "tests/fixtures/blocks"
#define UTTERANCE "0003-000004-001"

/* Members that differ from one run to the next: wall clock and throughput. */
static const char *const clock_members[] = { "time", "elapsed", "samples_per_second" };

static GBytes *
read_bytes (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
assert_same_file (const char *want_dir,
                  const char *got_dir,
                  const char *relative)
{
  g_autofree char *want_path = g_build_filename (want_dir, relative, NULL);
  g_autofree char *got_path = g_build_filename (got_dir, relative, NULL);
  g_autoptr (GBytes) want = read_bytes (want_path);
  g_autoptr (GBytes) got = read_bytes (got_path);

  if (!g_bytes_equal (want, got))
    g_error ("%s differs from the committed %s (%zu bytes, want %zu)", got_path, want_path,
             g_bytes_get_size (got), g_bytes_get_size (want));
}

/* One metrics.jsonl line without its clock members, re-serialized in order. */
static char *
strip_clock (const char *line)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  JsonObject *object;

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  for (guint i = 0; i < G_N_ELEMENTS (clock_members); i++)
    json_object_remove_member (object, clock_members[i]);
  json_generator_set_root (generator, json_parser_get_root (parser));
  return json_generator_to_data (generator, NULL);
}

static void
assert_same_metrics (const char *want_dir,
                     const char *got_dir)
{
  g_autofree char *want_path = g_build_filename (want_dir, "metrics.jsonl", NULL);
  g_autofree char *got_path = g_build_filename (got_dir, "metrics.jsonl", NULL);
  g_autofree char *want_text = NULL;
  g_autofree char *got_text = NULL;
  g_auto (GStrv) want = NULL;
  g_auto (GStrv) got = NULL;

  g_assert_true (g_file_get_contents (want_path, &want_text, NULL, NULL));
  g_assert_true (g_file_get_contents (got_path, &got_text, NULL, NULL));
  want = g_strsplit (want_text, "\n", -1);
  got = g_strsplit (got_text, "\n", -1);
  g_assert_cmpuint (g_strv_length (got), ==, g_strv_length (want));
  for (guint i = 0; want[i] != NULL; i++)
    {
      g_autofree char *w = want[i][0] != '\0' ? strip_clock (want[i]) : g_strdup ("");
      g_autofree char *g = got[i][0] != '\0' ? strip_clock (got[i]) : g_strdup ("");

      g_assert_cmpstr (g, ==, w);
    }
}

static void
test_run_is_byte_identical (void)
{
  g_autofree char *work = g_dir_make_tmp ("cepstra-block-fixture-XXXXXX", NULL);
  g_autofree char *run = g_build_filename (work, "run", NULL);
  g_autofree char *csv = g_build_filename (work, "depmatrix-gradient.csv", NULL);
  g_autoptr (CepCliResult) train = NULL;
  g_autoptr (CepCliResult) depmatrix = NULL;
  const char *want = FIXTURE_DIR "/run";

  train = cep_cli_test_run ("train", "--experiment", FIXTURE_DIR "/experiment-in.json",
                            "--out", run, NULL);
  g_assert_cmpint (train->exit_code, ==, 0);
  assert_same_file (want, run, "experiment.json");
  assert_same_file (want, run, "checkpoints/last.safetensors");
  assert_same_file (want, run, "checkpoints/best.safetensors");
  assert_same_metrics (want, run);

  depmatrix = cep_cli_test_run ("depmatrix", run, "-u", UTTERANCE, "-T", "24", "--mode",
                                "gradient", "-c", "last", "--csv", csv, NULL);
  g_assert_cmpint (depmatrix->exit_code, ==, 0);
  g_assert_cmpstr (depmatrix->err, ==, "");
  {
    g_autoptr (GBytes) want_csv = read_bytes (FIXTURE_DIR "/run/depmatrix-gradient.csv");
    g_autoptr (GBytes) got_csv = read_bytes (csv);

    g_assert_true (g_bytes_equal (want_csv, got_csv));
  }
  cep_cli_test_remove_tree (work);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/block-fixture/byte-identical", test_run_is_byte_identical);
  return g_test_run ();
}
