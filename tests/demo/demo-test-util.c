/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * demo-test-util.c: helpers shared by the demo dataset tests.
 */
#include "demo-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#define MANIFEST_COLUMNS "name\tpartition\tvoice\trate\tseed\tframes\tlead_in_ms\tnoise_db\ttext"

char *
demo_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("cepstra-demo-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
demo_test_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          demo_test_remove_tree (child);
        }
      g_dir_close (dir);
      g_rmdir (path);
      return;
    }
  g_remove (path);
}

static void
list_into (const char *root,
           const char *relative,
           GPtrArray  *files)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_ptr_array_add (files, g_strdup (relative));
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = relative[0] != '\0' ? g_build_filename (relative, name, NULL)
                                                   : g_strdup (name);

      list_into (root, child, files);
    }
  g_dir_close (dir);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
demo_test_list_files (const char *root)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  list_into (root, "", files);
  g_ptr_array_sort (files, compare_strings);
  return files;
}

void
demo_test_assert_same_file (const char *a,
                            const char *b)
{
  g_autofree char *contents_a = NULL;
  g_autofree char *contents_b = NULL;
  gsize size_a, size_b;

  g_assert_true (g_file_get_contents (a, &contents_a, &size_a, NULL));
  g_assert_true (g_file_get_contents (b, &contents_b, &size_b, NULL));
  if (size_a != size_b || memcmp (contents_a, contents_b, size_a) != 0)
    g_error ("%s and %s differ", a, b);
}

static void
manifest_row_free (gpointer data)
{
  DemoManifestRow *row = data;

  g_free (row->name);
  g_free (row->partition);
  g_free (row->voice);
  g_free (row->text);
  g_free (row);
}

static DemoManifestRow *
parse_row (const char *line,
           const char *where)
{
  g_auto(GStrv) fields = g_strsplit (line, "\t", -1);
  DemoManifestRow *row;
  guint64 rate, frames;

  if (g_strv_length (fields) != 9
      || !g_ascii_string_to_unsigned (fields[3], 10, 1, 1000, &rate, NULL)
      || !g_ascii_string_to_unsigned (fields[5], 10, 1, G_MAXUINT32, &frames, NULL))
    g_error ("%s: malformed manifest row", where);
  row = g_new0 (DemoManifestRow, 1);
  row->name = g_strdup (fields[0]);
  row->partition = g_strdup (fields[1]);
  row->voice = g_strdup (fields[2]);
  row->rate = (guint) rate;
  if (!g_ascii_string_to_unsigned (fields[4], 10, 0, G_MAXUINT64, &row->seed, NULL))
    g_error ("%s: bad seed", where);
  row->frames = (gsize) frames;
  row->text = g_strdup (fields[8]);
  return row;
}

DemoManifest *
demo_manifest_load (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  DemoManifest *manifest = g_new0 (DemoManifest, 1);
  gboolean header_seen = FALSE;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  manifest->rows = g_ptr_array_new_with_free_func (manifest_row_free);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *where = g_strdup_printf ("%s:%u", path, i + 1);

      if (g_str_has_prefix (lines[i], "# espeak-ng\t"))
        manifest->espeak_version = g_strdup (lines[i] + strlen ("# espeak-ng\t"));
      else if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      else if (!header_seen)
        {
          g_assert_cmpstr (lines[i], ==, MANIFEST_COLUMNS);
          header_seen = TRUE;
        }
      else
        g_ptr_array_add (manifest->rows, parse_row (lines[i], where));
    }
  g_assert_true (header_seen);
  g_assert_nonnull (manifest->espeak_version);
  return manifest;
}

void
demo_manifest_free (DemoManifest *manifest)
{
  if (manifest == NULL)
    return;
  g_free (manifest->espeak_version);
  g_ptr_array_unref (manifest->rows);
  g_free (manifest);
}
