/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-demo-generator.c: the whole recipe on a handful of utterances: the HW1P2 layout and a
 * byte-identical second run, agreement with the committed dataset (when the
 * installed espeak-ng is the version that made it), cancellation and errors. Skipped where
 * espeak-ng or its en-us voices are not installed.
 */
#include <string.h>

#include "cep-demo-espeak.h"
#include "cep-demo-generator.h"
#include "cep-npy.h"
#include "demo-test-util.h"

static const char *const small_prompts =
  "id\tvoice\trate\tpartition\ttext\n"
  "0000-000001-000\ten-us\t180\ttrain-clean-100\tA person who talks when you wish him to listen.\n"
  "0005-000002-000\ten-us+Annie\t140\ttrain-clean-100\tThe narrative ended abruptly, at the point.\n"
  "0004-000003-000\ten-us+f1\t210\tdev-clean\tTo commit an indiscretion without temptation.\n"
  "0004-000004-001\ten-us+f1\t160\ttest-clean\tEnabling distant objects to plague us.\n";

typedef struct
{
  char *dir;
  char *prompts;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = demo_test_make_dir ();
  fixture->prompts = g_build_filename (fixture->dir, "prompts.tsv", NULL);
  g_assert_true (g_file_set_contents (fixture->prompts, small_prompts, -1, NULL));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  demo_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->prompts);
}

static gboolean
skip_without_voices (void)
{
  const char *voices[] = { "en-us", "en-us+Annie", "en-us+f1" };
  static const char *missing = NULL;
  static gboolean checked = FALSE;

  for (guint i = 0; !checked && i < G_N_ELEMENTS (voices); i++)
    if (missing == NULL
        && (!cep_demo_espeak_init (NULL) || !cep_demo_espeak_has_voice (voices[i])))
      missing = voices[i];
  checked = TRUE;
  if (missing != NULL)
    g_test_skip_printf ("espeak-ng voice %s is not available", missing);
  return missing != NULL;
}

static void
count_progress (gsize    done,
                gsize    total,
                gpointer data)
{
  guint *calls = data;

  g_assert_cmpuint (done, ==, *calls + 1);
  g_assert_cmpuint (total, ==, 4);
  (*calls)++;
}

static char *
generate (Fixture    *fixture,
          const char *name)
{
  g_autoptr(GError) error = NULL;
  char *out = g_build_filename (fixture->dir, name, NULL);
  CepDemoOptions options;
  guint calls = 0;

  cep_demo_options_init (&options);
  options.prompts_path = fixture->prompts;
  g_assert_true (cep_demo_generate (&options, out, NULL, count_progress, &calls, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (calls, ==, 4);
  return out;
}

static void
assert_utterance (const char *out,
                  const char *partition,
                  const char *name,
                  gsize       frames)
{
  g_autofree char *mfcc = g_strdup_printf ("%s/%s/mfcc/%s.npy", out, partition, name);
  g_autofree char *transcript = g_strdup_printf ("%s/%s/transcript/%s.npy", out, partition,
                                                 name);
  g_autoptr(GError) error = NULL;
  g_autoptr(CepNpy) features = cep_npy_open (mfcc, &error);
  g_autoptr(CepNpy) labels = NULL;
  g_auto(GStrv) strings = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (cep_npy_get_descr (features), ==, "<f4");
  g_assert_cmpuint (cep_npy_get_n_dims (features), ==, 2);
  g_assert_cmpuint (cep_npy_get_shape (features)[0], ==, frames);
  g_assert_cmpuint (cep_npy_get_shape (features)[1], ==, 28);
  if (g_str_equal (partition, "test-clean"))
    {
      g_assert_false (g_file_test (transcript, G_FILE_TEST_EXISTS));
      return;
    }
  labels = cep_npy_open (transcript, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_npy_get_descr (labels), ==, "<U5");
  strings = cep_npy_read_strings (labels, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (strings), ==, frames + 2);
  g_assert_cmpstr (strings[0], ==, "[SOS]");
  g_assert_cmpstr (strings[1], ==, "[SIL]");          /* the lead-in */
  g_assert_cmpstr (strings[frames], ==, "[SIL]");     /* espeak-ng's end pause */
  g_assert_cmpstr (strings[frames + 1], ==, "[EOS]");
}

static void
assert_layout (const char *out)
{
  g_autofree char *manifest_path = g_build_filename (out, "manifest.tsv", NULL);
  g_autoptr(DemoManifest) manifest = demo_manifest_load (manifest_path);
  g_autoptr(GPtrArray) files = demo_test_list_files (out);

  g_assert_cmpstr (manifest->espeak_version, ==, cep_demo_espeak_get_version ());
  g_assert_cmpuint (manifest->rows->len, ==, 4);
  for (guint i = 0; i < manifest->rows->len; i++)
    {
      const DemoManifestRow *row = g_ptr_array_index (manifest->rows, i);

      g_assert_cmpuint (row->seed, ==, CEP_DEMO_DEFAULT_SEED + i);
      g_assert_cmpuint (row->frames, >, 150);
      assert_utterance (out, row->partition, row->name, row->frames);
    }
  /* the manifest, two training utterances, one dev, one test without a transcript */
  g_assert_cmpuint (files->len, ==, 1 + 2 * 2 + 2 + 1);
}

static void
test_repeatable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr(GPtrArray) files_a = NULL;
  g_autoptr(GPtrArray) files_b = NULL;

  if (skip_without_voices ())
    return;
  a = generate (fixture, "a");
  b = generate (fixture, "b");
  assert_layout (a);
  files_a = demo_test_list_files (a);
  files_b = demo_test_list_files (b);
  g_assert_cmpuint (files_a->len, ==, files_b->len);
  for (guint i = 0; i < files_a->len; i++)
    {
      g_autofree char *path_a = g_build_filename (a, g_ptr_array_index (files_a, i), NULL);
      g_autofree char *path_b = g_build_filename (b, g_ptr_array_index (files_b, i), NULL);

      g_assert_cmpstr (g_ptr_array_index (files_a, i), ==, g_ptr_array_index (files_b, i));
      demo_test_assert_same_file (path_a, path_b);
    }
}

static const char *
committed_dir (void)
{
  const char *dir = g_getenv ("CEPSTRA_DEMO_DIR");

  return dir != NULL ? dir : CEP_DEMO_DATASET_DIR;
}

/* The first utterances of the default recipe are the committed files, byte for byte. */
static void
test_matches_committed (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *committed_manifest = g_build_filename (committed_dir (), "manifest.tsv",
                                                          NULL);
  g_autoptr(DemoManifest) manifest = demo_manifest_load (committed_manifest);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (fixture->dir, "default", NULL);
  CepDemoOptions options;

  if (!cep_demo_espeak_init (NULL)
      || g_strcmp0 (manifest->espeak_version, cep_demo_espeak_get_version ()) != 0)
    {
      g_test_skip_printf ("the committed dataset was made with espeak-ng %s",
                          manifest->espeak_version);
      return;
    }
  cep_demo_options_init (&options);
  options.max_utterances = 3;
  g_assert_true (cep_demo_generate (&options, out, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < options.max_utterances; i++)
    {
      const DemoManifestRow *row = g_ptr_array_index (manifest->rows, i);
      const char *folders[] = { "mfcc", "transcript" };

      for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
        {
          g_autofree char *name = g_strconcat (row->name, ".npy", NULL);
          g_autofree char *ours = g_build_filename (out, row->partition, folders[f], name, NULL);
          g_autofree char *theirs = g_build_filename (committed_dir (), row->partition,
                                                      folders[f], name, NULL);

          demo_test_assert_same_file (ours, theirs);
        }
    }
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (fixture->dir, "c", NULL);
  CepDemoOptions options;

  if (skip_without_voices ())
    return;
  cep_demo_options_init (&options);
  options.prompts_path = fixture->prompts;
  g_cancellable_cancel (cancellable);
  g_assert_false (cep_demo_generate (&options, out, cancellable, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_bad_voice (Fixture       *fixture,
                gconstpointer  data)
{
  const char *prompts = "id\tvoice\trate\tpartition\ttext\n"
                        "u-1\ten-us\t150\ttrain-clean-100\tOne two three.\n"
                        "u-2\txx-nosuchvoice\t150\ttrain-clean-100\tFour five six.\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (fixture->dir, "d", NULL);
  CepDemoOptions options;

  if (skip_without_voices ())
    return;
  g_assert_true (g_file_set_contents (fixture->prompts, prompts, -1, NULL));
  cep_demo_options_init (&options);
  options.prompts_path = fixture->prompts;
  g_assert_false (cep_demo_generate (&options, out, NULL, NULL, NULL, &error));
  g_assert_error (error, CEP_DEMO_ESPEAK_ERROR, CEP_DEMO_ESPEAK_ERROR_VOICE);
  g_assert_true (g_str_has_prefix (error->message, "u-2: "));
}

static void
test_bad_prompts_path (void)
{
  g_autoptr(GError) error = NULL;
  CepDemoOptions options;

  cep_demo_options_init (&options);
  options.prompts_path = "/nonexistent/prompts.tsv";
  g_assert_false (cep_demo_generate (&options, "/nonexistent/out", NULL, NULL, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/demo/generator/layout-and-repeatable", test_repeatable);
  ADD ("/demo/generator/matches-committed", test_matches_committed);
  ADD ("/demo/generator/cancelled", test_cancelled);
  ADD ("/demo/generator/bad-voice", test_bad_voice);
#undef ADD
  g_test_add_func ("/demo/generator/bad-prompts-path", test_bad_prompts_path);
  return g_test_run ();
}
