/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `cepstra-cli features` and `cepstra-cli import` on WAV files the test writes.
 */
#include "cep-cli.h"
#include "cep-cli-test-util.h"
#include "cep-npy.h"

#include <glib/gstdio.h>

static char *
make_tmp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("cepstra-features-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
assert_npy_shape (const char *path,
                  gsize       rows,
                  gsize       cols)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepNpy) npy = cep_npy_open (path, &error);
  gsize n_rows, n_cols;

  g_assert_no_error (error);
  g_assert_true (cep_npy_get_matrix_shape (npy, &n_rows, &n_cols, &error));
  g_assert_cmpuint (n_rows, ==, rows);
  g_assert_cmpuint (n_cols, ==, cols);
}

static void
test_features_default (void)
{
  g_autofree char *dir = make_tmp ();
  g_autofree char *wav = g_build_filename (dir, "chirp.wav", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *npy = g_build_filename (out, "chirp.npy", NULL);
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonObject *file;

  cep_cli_test_write_wav (wav, 16000, 16000);
  result = cep_cli_test_run ("features", wav, "--out", out, "--json", NULL);
  g_assert_cmpint (result->exit_code, ==, 0);
  json = cep_cli_result_get_json (result);
  file = json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (json), "files"), 0);
  /* snip_edges: 1 + (16000 - 400) / 160 frames. */
  g_assert_cmpint (json_object_get_int_member (file, "frames"), ==, 98);
  g_assert_cmpstr (json_object_get_string_member (file, "output"), ==, npy);
  assert_npy_shape (npy, 98, 28);
  cep_cli_test_remove_tree (dir);
}

static void
test_features_resampled_and_options (void)
{
  g_autofree char *dir = make_tmp ();
  g_autofree char *wav = g_build_filename (dir, "fast.wav", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *npy = g_build_filename (out, "fast.npy", NULL);
  g_autoptr(CepCliResult) result = NULL;

  /* 22050 samples at 22.05 kHz are 16000 samples at 16 kHz. */
  cep_cli_test_write_wav (wav, 22050, 22050);
  result = cep_cli_test_run ("features", wav, "--out", out, "--num-ceps", "13", "--num-mel-bins",
                             "23", "--window", "hamming", NULL);
  g_assert_cmpint (result->exit_code, ==, 0);
  assert_npy_shape (npy, 98, 13);
  cep_cli_test_remove_tree (dir);
}

static void
test_features_not_audio (void)
{
  g_autofree char *dir = make_tmp ();
  g_autofree char *fake = g_build_filename (dir, "notes.wav", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autoptr(CepCliResult) result = NULL;

  g_assert_true (g_file_set_contents (fake, "these are not samples\n", -1, NULL));
  result = cep_cli_test_run ("features", fake, "--out", out, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
  g_assert_true (strstr (result->err, "notes.wav") != NULL);
  cep_cli_test_remove_tree (dir);
}

static void
test_features_name_clash (void)
{
  g_autofree char *dir = make_tmp ();
  g_autofree char *a = g_build_filename (dir, "a", NULL);
  g_autofree char *b = g_build_filename (dir, "b", NULL);
  g_autofree char *wav_a = g_build_filename (a, "x.wav", NULL);
  g_autofree char *wav_b = g_build_filename (b, "x.wav", NULL);
  g_autoptr(CepCliResult) result = NULL;

  g_mkdir (a, 0755);
  g_mkdir (b, 0755);
  cep_cli_test_write_wav (wav_a, 16000, 8000);
  cep_cli_test_write_wav (wav_b, 16000, 8000);
  result = cep_cli_test_run ("features", wav_a, wav_b, "--out", dir, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_USAGE);
  g_assert_true (strstr (result->err, "x.npy") != NULL);
  cep_cli_test_remove_tree (dir);
}

static void
test_features_unwritable (void)
{
  g_autofree char *dir = make_tmp ();
  g_autofree char *wav = g_build_filename (dir, "x.wav", NULL);
  g_autofree char *blocker = g_build_filename (dir, "file", NULL);
  g_autoptr(CepCliResult) result = NULL;

  cep_cli_test_write_wav (wav, 16000, 8000);
  g_assert_true (g_file_set_contents (blocker, "", -1, NULL));
  result = cep_cli_test_run ("features", wav, "--out", blocker, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_OUTPUT);
  g_assert_true (strstr (result->err, blocker) != NULL);
  cep_cli_test_remove_tree (dir);
}

static void
test_features_bad_window (void)
{
  g_autoptr(CepCliResult) result = cep_cli_test_run ("features", "x.wav", "--out", "/tmp",
                                                     "--window", "kaiser", NULL);

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_USAGE);
  g_assert_true (strstr (result->err, "kaiser") != NULL);
}

static void
test_import_with_alignments (void)
{
  g_autofree char *dir = make_tmp ();
  g_autofree char *audio = g_build_filename (dir, "audio", NULL);
  g_autofree char *partition = g_build_filename (dir, "my-partition", NULL);
  const char *names[] = { "utt-a", "utt-b" };
  g_autoptr(CepCliResult) result = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonObject *summary;

  g_mkdir (audio, 0755);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *wav_name = g_strconcat (names[i], ".wav", NULL);
      g_autofree char *lab_name = g_strconcat (names[i], ".lab", NULL);
      g_autofree char *wav = g_build_filename (audio, wav_name, NULL);
      g_autofree char *lab = g_build_filename (audio, lab_name, NULL);

      cep_cli_test_write_wav (wav, 16000, 16000);
      g_assert_true (g_file_set_contents (lab, "0.0\t0.3\t[SIL]\n0.3\t0.7\tAA\n0.7\t1.0\tB\n",
                                          -1, NULL));
    }
  result = cep_cli_test_run ("import", audio, "--out", partition, "--json", NULL);
  g_assert_cmpint (result->exit_code, ==, 0);
  json = cep_cli_result_get_json (result);
  summary = json_node_get_object (json);
  g_assert_cmpint (json_object_get_int_member (summary, "utterances"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (summary, "frames"), ==, 196);
  g_assert_true (json_object_get_boolean_member (summary, "labelled"));
  cep_cli_test_remove_tree (dir);
}

static void
test_import_bad_alignment (void)
{
  g_autofree char *dir = make_tmp ();
  g_autofree char *wav = g_build_filename (dir, "utt.wav", NULL);
  g_autofree char *lab = g_build_filename (dir, "utt.lab", NULL);
  g_autofree char *partition = g_build_filename (dir, "out", NULL);
  g_autoptr(CepCliResult) result = NULL;

  cep_cli_test_write_wav (wav, 16000, 16000);
  g_assert_true (g_file_set_contents (lab, "0.0\t1.0\tQQ\n", -1, NULL));
  result = cep_cli_test_run ("import", dir, "--out", partition, NULL);
  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_INVALID_DATA);
  g_assert_true (strstr (result->err, "utt.lab") != NULL);
  g_assert_true (strstr (result->err, "QQ") != NULL);
  cep_cli_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/features/default", test_features_default);
  g_test_add_func ("/cli/features/resampled-and-options", test_features_resampled_and_options);
  g_test_add_func ("/cli/features/not-audio", test_features_not_audio);
  g_test_add_func ("/cli/features/name-clash", test_features_name_clash);
  g_test_add_func ("/cli/features/unwritable", test_features_unwritable);
  g_test_add_func ("/cli/features/bad-window", test_features_bad_window);
  g_test_add_func ("/cli/import/alignments", test_import_with_alignments);
  g_test_add_func ("/cli/import/bad-alignment", test_import_bad_alignment);
  return g_test_run ();
}
