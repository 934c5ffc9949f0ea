/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * data-test-util.c: temporary partitions for the core/data tests.
 */
#include "data-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cep-npy.h"

static const char *const phonemes[] = {
  "[SIL]", "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D",
  "DH", "EH", "ER", "EY", "F", "G", "HH", "IH", "IY", "JH",
  "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S",
  "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
};

/* The npy writer fsyncs every file, which on a busy disk costs far more than the tests
 * themselves: use a memory file system when there is one (fsync is free there). */
char *
data_test_make_root (void)
{
  g_autoptr(GError) error = NULL;
  char *root;

  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) && g_access ("/dev/shm", W_OK) == 0)
    {
      root = g_build_filename ("/dev/shm", "cep-data-test-XXXXXX", NULL);
      if (g_mkdtemp (root) != NULL)
        return root;
      g_free (root);
    }
  root = g_dir_make_tmp ("cep-data-test-XXXXXX", &error);
  g_assert_no_error (error);
  return root;
}

static void
remove_recursive (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)))
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));
      remove_recursive (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

void
data_test_remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  remove_recursive (file);
}

float
data_test_value (guint seed,
                 gsize t,
                 guint d)
{
  /* Offsets and spreads differ by coefficient, like real MFCCs (c0 is large). */
  double phase = 0.37 * (double) t * (d + 1) + seed * 1.7;
  return (float) (20.0 * d - 50.0 + (1.0 + d % 5) * 3.0 * sin (phase)
                  + 0.5 * cos (1.3 * phase + d));
}

guint
data_test_label (guint seed,
                 gsize t)
{
  return (guint) ((t / 3 + seed * 7) % 40);
}

float *
data_test_features (guint    seed,
                    gsize    n_frames,
                    guint    dim)
{
  float *values = g_new (float, MAX (n_frames * dim, 1));

  for (gsize t = 0; t < n_frames; t++)
    for (guint d = 0; d < dim; d++)
      values[t * dim + d] = data_test_value (seed, t, d);
  return values;
}

static void
make_dirs (const char *partition_dir,
           gboolean    labelled)
{
  g_autofree char *mfcc = g_build_filename (partition_dir, "mfcc", NULL);
  g_autofree char *transcript = g_build_filename (partition_dir, "transcript", NULL);

  g_assert_cmpint (g_mkdir_with_parents (mfcc, 0755), ==, 0);
  if (labelled)
    g_assert_cmpint (g_mkdir_with_parents (transcript, 0755), ==, 0);
}

void
data_test_write_symbols (const char         *path,
                         const char * const *symbols,
                         gsize               n)
{
  g_autoptr(GError) error = NULL;

  cep_npy_write_strings (path, symbols, n, &error);
  g_assert_no_error (error);
}

void
data_test_write_utterance (const char *partition_dir,
                           const char *name,
                           guint       seed,
                           gsize       n_frames,
                           guint       dim,
                           gboolean    labelled)
{
  g_autofree char *file = g_strconcat (name, ".npy", NULL);
  g_autofree char *mfcc = g_build_filename (partition_dir, "mfcc", file, NULL);
  g_autofree float *values = data_test_features (seed, n_frames, dim);
  gsize shape[2] = { n_frames, dim };
  g_autoptr(GError) error = NULL;

  make_dirs (partition_dir, labelled);
  cep_npy_write_float32 (mfcc, values, 2, shape, &error);
  g_assert_no_error (error);
  if (!labelled)
    return;

  g_autofree const char **symbols = g_new (const char *, n_frames + 2);
  symbols[0] = "[SOS]";
  for (gsize t = 0; t < n_frames; t++)
    symbols[t + 1] = phonemes[data_test_label (seed, t)];
  symbols[n_frames + 1] = "[EOS]";
  g_autofree char *transcript = g_build_filename (partition_dir, "transcript", file, NULL);
  data_test_write_symbols (transcript, symbols, n_frames + 2);
}

void
data_test_write_file (const char *path,
                      const void *data,
                      gsize       size)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, (gssize) size, &error);
  g_assert_no_error (error);
}

void
data_test_write_raw_npy (const char *path,
                         const char *dict,
                         const void *data,
                         gsize       size)
{
  gsize dict_length = strlen (dict);
  gsize header = (10 + dict_length + 1 + 63) / 64 * 64;
  GString *bytes = g_string_new (NULL);

  g_string_append_len (bytes, "\x93NUMPY\x01\x00", 8);
  g_string_append_c (bytes, (char) ((header - 10) & 0xff));
  g_string_append_c (bytes, (char) ((header - 10) >> 8));
  g_string_append (bytes, dict);
  while (bytes->len < header - 1)
    g_string_append_c (bytes, ' ');
  g_string_append_c (bytes, '\n');
  g_string_append_len (bytes, data, (gssize) size);
  data_test_write_file (path, bytes->str, bytes->len);
  g_string_free (bytes, TRUE);
}
