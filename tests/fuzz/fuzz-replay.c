/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fuzz-replay.c: runs a libFuzzer target over a corpus without libFuzzer.
 *
 * Every build links this main() with each fuzz target and replays the committed corpus as a
 * test (suite 'fuzz'), so the seeds and every crash ever added to them keep passing with gcc
 * and under the sanitizers. Arguments are files or folders (read one level deep, sorted).
 * Fails when it finds nothing to run, so a missing corpus cannot pass silently.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
replay_file (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
}

static int
compare_names (const void *a,
               const void *b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static guint
replay_folder (const char *folder)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (folder, 0, &error);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    g_error ("%s", error->message);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (paths, g_build_filename (folder, name, NULL));
  g_ptr_array_sort (paths, compare_names);
  for (guint i = 0; i < paths->len; i++)
    replay_file (g_ptr_array_index (paths, i));
  return paths->len;
}

int
main (int   argc,
      char *argv[])
{
  guint n_inputs = 0;

  for (int i = 1; i < argc; i++)
    {
      if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        n_inputs += replay_folder (argv[i]);
      else
        {
          replay_file (argv[i]);
          n_inputs++;
        }
    }
  if (n_inputs == 0)
    {
      fprintf (stderr, "usage: %s CORPUS_DIR_OR_FILE...: no inputs were given\n", argv[0]);
      return 1;
    }
  printf ("replayed %u inputs\n", n_inputs);
  return 0;
}
