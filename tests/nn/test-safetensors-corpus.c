/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-safetensors-corpus.c: replays the fuzz corpus of the safetensors reader.
 *
 * Every seed (and every crash ever added to tests/fuzz/corpus/safetensors) goes through the
 * libFuzzer target's own function in every build, with gcc and under the sanitizers. The seeds
 * are also checked to cover both sides: files the reader accepts and files it refuses.
 */
#include <glib.h>
#include <stdint.h>

#include "cep-safetensors.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
test_replay (gconstpointer data)
{
  const char *path = data;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpint (LLVMFuzzerTestOneInput ((const uint8_t *) contents, length), ==, 0);
}

static gboolean
seed_is_accepted (const char *name)
{
  g_autofree char *path = g_build_filename (CEP_CORPUS_DIR, name, NULL);
  g_autoptr(CepSafetensors) file = cep_safetensors_open (path, NULL);

  return file != NULL;
}

static void
test_seeds_cover_both_sides (void)
{
  g_assert_true (seed_is_accepted ("mixed.safetensors"));
  g_assert_true (seed_is_accepted ("empty-header.safetensors"));
  g_assert_true (seed_is_accepted ("unpadded.safetensors"));
  g_assert_false (seed_is_accepted ("overlap.safetensors"));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_test_init (&argc, &argv, NULL);

  dir = g_dir_open (CEP_CORPUS_DIR, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (paths, g_build_filename (CEP_CORPUS_DIR, name, NULL));
  g_ptr_array_sort (paths, compare_names);
  g_assert_cmpuint (paths->len, >, 0);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *test_name = g_strdup_printf ("/safetensors-corpus/%s", base);

      g_test_add_data_func (test_name, path, test_replay);
    }
  g_test_add_func ("/safetensors-corpus/seeds-cover-both-sides", test_seeds_cover_both_sides);
  return g_test_run ();
}
