/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-tar.c: the ustar writer and reader of cep-tar — archives the writer makes read back
 * byte for byte (and are the same bytes every time); every hostile archive is refused naming
 * the archive and the problem, and nothing is ever written outside the extraction folder.
 */
#include "cep-tar.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* ---- archives built by hand, so each can be wrong in exactly one way ---- */

typedef struct
{
  const char *name;
  char        type;
  gint64      declared_size;  /* -1: the data's length */
  const char *data;
} Entry;

static void
set_checksum (guint8 *header)
{
  guint sum = 0;

  memset (header + 148, ' ', 8);
  for (guint i = 0; i < 512; i++)
    sum += header[i];
  g_snprintf ((char *) header + 148, 7, "%06o", sum);
  header[155] = ' ';
}

static void
append_entry (GByteArray  *archive,
              const Entry *entry)
{
  guint8 header[512] = { 0 };
  gsize length = strlen (entry->data);
  gint64 size = entry->declared_size >= 0 ? entry->declared_size : (gint64) length;
  static const guint8 zeros[512] = { 0 };

  memcpy (header, entry->name, MIN (strlen (entry->name), 100));
  g_snprintf ((char *) header + 100, 8, "%07o", 0644);
  g_snprintf ((char *) header + 124, 12, "%011" G_GINT64_MODIFIER "o", size);
  header[156] = (guint8) entry->type;
  memcpy (header + 257, "ustar\0" "00", 8);
  set_checksum (header);
  g_byte_array_append (archive, header, sizeof header);
  g_byte_array_append (archive, (const guint8 *) entry->data, (guint) length);
  g_byte_array_append (archive, zeros, (guint) ((512 - length % 512) % 512));
}

static GBytes *
build_archive (const Entry *entries,
               guint        n_entries,
               gboolean     with_end)
{
  GByteArray *archive = g_byte_array_new ();
  static const guint8 zeros[1024] = { 0 };

  for (guint i = 0; i < n_entries; i++)
    append_entry (archive, &entries[i]);
  if (with_end)
    g_byte_array_append (archive, zeros, sizeof zeros);
  return g_byte_array_free_to_bytes (archive);
}

/* Reads every entry of @archive into a fresh folder; the error of the first refusal. */
static gboolean
extract_all (GBytes      *archive,
             const char  *folder,
             guint       *n_entries,
             GError     **error)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (archive);
  g_autoptr(CepTarReader) reader = cep_tar_reader_new (stream, "hostile.tar");
  const char *name;
  guint64 size;

  *n_entries = 0;
  while (cep_tar_reader_next (reader, &name, &size, error))
    {
      if (!cep_tar_reader_extract (reader, folder, NULL, error))
        return FALSE;
      (*n_entries)++;
    }
  return error == NULL || *error == NULL;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        remove_tree (child);
      }
  g_remove (path);
}

static void
assert_refused (const Entry *entries,
                guint        n_entries,
                gboolean     with_end,
                int          code,
                const char  *phrase)
{
  g_autoptr(GBytes) archive = build_archive (entries, n_entries, with_end);
  g_autofree char *work = g_dir_make_tmp ("cepstra-tar-XXXXXX", NULL);
  g_autofree char *inside = g_build_filename (work, "inside", NULL);
  g_autofree char *outside = g_build_filename (work, "escaped", NULL);
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_cmpint (g_mkdir (inside, 0700), ==, 0);
  g_assert_false (extract_all (archive, inside, &n, &error));
  g_assert_error (error, CEP_TAR_ERROR, code);
  if (!g_str_has_prefix (error->message, "hostile.tar: ") || strstr (error->message, phrase) == NULL)
    g_error ("“%s” lacks “%s”", error->message, phrase);
  g_assert_false (g_file_test (outside, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test ("/tmp/cepstra-tar-escaped", G_FILE_TEST_EXISTS));
  remove_tree (work);
}

#define REFUSED(entries, with_end, code, phrase) \
  assert_refused (entries, G_N_ELEMENTS (entries), with_end, code, phrase)

static void
test_round_trip (void)
{
  g_autofree char *work = g_dir_make_tmp ("cepstra-tar-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (work, "a.tar", NULL);
  g_autofree char *path2 = g_build_filename (work, "b.tar", NULL);
  g_autofree char *out = g_build_filename (work, "out", NULL);
  g_autofree char *nested = g_build_filename (out, "checkpoints", "best.safetensors", NULL);
  g_autofree char *first = NULL, *second = NULL, *read_back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(CepTarReader) reader = NULL;
  g_autofree char *big = g_strnfill (1500, 'x');
  const char *name;
  guint64 size;
  gsize length1, length2;

  for (guint copy = 0; copy < 2; copy++)
    {
      CepTarWriter *writer = cep_tar_writer_new (copy == 0 ? path : path2, &error);

      g_assert_no_error (error);
      g_assert_true (cep_tar_writer_add (writer, "handin.json", "{}", 2, &error));
      g_assert_true (cep_tar_writer_add (writer, "empty", "", 0, &error));
      g_assert_true (cep_tar_writer_add (writer, "checkpoints/best.safetensors", big, 1500,
                                         &error));
      g_assert_true (cep_tar_writer_commit (writer, &error));
      g_assert_no_error (error);
    }
  g_assert_true (g_file_get_contents (path, &first, &length1, NULL));
  g_assert_true (g_file_get_contents (path2, &second, &length2, NULL));
  g_assert_cmpmem (first, length1, second, length2);
  g_assert_cmpuint (length1, ==, cep_tar_entry_footprint (2) + cep_tar_entry_footprint (0)
                    + cep_tar_entry_footprint (1500) + 1024);

  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, &error);
  g_assert_no_error (error);
  reader = cep_tar_reader_new (G_INPUT_STREAM (stream), "a.tar");
  g_assert_cmpint (g_mkdir (out, 0700), ==, 0);
  g_assert_true (cep_tar_reader_next (reader, &name, &size, &error));
  g_assert_cmpstr (name, ==, "handin.json");
  {
    g_autoptr(GBytes) bytes = cep_tar_reader_read_bytes (reader, 16, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "{}", 2);
  }
  /* Not read: skipped by the next call. */
  g_assert_true (cep_tar_reader_next (reader, &name, &size, &error));
  g_assert_cmpstr (name, ==, "empty");
  g_assert_true (cep_tar_reader_next (reader, &name, &size, &error));
  g_assert_cmpuint (size, ==, 1500);
  {
    g_autofree char *sha = NULL;
    g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256, big, 1500);

    g_assert_true (cep_tar_reader_extract (reader, out, &sha, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (sha, ==, expected);
  }
  g_assert_false (cep_tar_reader_next (reader, &name, &size, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (nested, &read_back, &length1, NULL));
  g_assert_cmpmem (read_back, length1, big, 1500);
  remove_tree (work);
}

static void
test_writer_refuses (void)
{
  g_autofree char *work = g_dir_make_tmp ("cepstra-tar-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (work, "a.tar", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CepTarWriter) writer = cep_tar_writer_new (path, &error);
  const char *bad[] = { "../x", "/etc/passwd", "a//b", "a/", ".", "a b", "" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (cep_tar_writer_add (writer, bad[i], "x", 1, &error));
      g_assert_error (error, CEP_TAR_ERROR, CEP_TAR_ERROR_INVALID);
      g_clear_error (&error);
    }
  g_assert_true (cep_tar_writer_add (writer, "a", "x", 1, &error));
  g_assert_false (cep_tar_writer_add (writer, "a", "y", 1, &error));
  g_assert_error (error, CEP_TAR_ERROR, CEP_TAR_ERROR_INVALID);
  g_clear_pointer (&writer, cep_tar_writer_free);
  /* Abandoned: nothing at the path. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  remove_tree (work);
}

static void
test_escaping_names (void)
{
  Entry dots[] = { { "../escaped", '0', -1, "x" } };
  Entry deep_dots[] = { { "a/../../escaped", '0', -1, "x" } };
  Entry absolute[] = { { "/tmp/cepstra-tar-escaped", '0', -1, "x" } };
  Entry empty_part[] = { { "a//b", '0', -1, "x" } };
  Entry backslash[] = { { "a\\b", '0', -1, "x" } };

  REFUSED (dots, TRUE, CEP_TAR_ERROR_UNSAFE, "“../escaped” is refused");
  REFUSED (deep_dots, TRUE, CEP_TAR_ERROR_UNSAFE, "holds “..”");
  REFUSED (absolute, TRUE, CEP_TAR_ERROR_UNSAFE, "absolute");
  REFUSED (empty_part, TRUE, CEP_TAR_ERROR_UNSAFE, "is refused");
  REFUSED (backslash, TRUE, CEP_TAR_ERROR_UNSAFE, "is refused");
}

static void
test_entry_types (void)
{
  Entry symlink[] = { { "link", '2', -1, "" } };
  Entry hardlink[] = { { "link", '1', -1, "" } };
  Entry device[] = { { "dev", '3', -1, "" } };
  Entry folder[] = { { "dir", '5', -1, "" } };
  Entry pax[] = { { "pax", 'x', -1, "30 path=../../escaped\n" } };

  REFUSED (symlink, TRUE, CEP_TAR_ERROR_UNSAFE, "“link” is a symbolic link");
  REFUSED (hardlink, TRUE, CEP_TAR_ERROR_UNSAFE, "a hard link");
  REFUSED (device, TRUE, CEP_TAR_ERROR_UNSAFE, "a character device");
  REFUSED (folder, TRUE, CEP_TAR_ERROR_UNSAFE, "a folder");
  REFUSED (pax, TRUE, CEP_TAR_ERROR_UNSAFE, "pax extended header");
}

static void
test_structure (void)
{
  Entry twice[] = { { "a", '0', -1, "x" }, { "a", '0', -1, "y" } };
  Entry short_data[] = { { "a", '0', 4000, "only a little" } };
  Entry one[] = { { "a", '0', -1, "x" } };
  Entry file_then_folder[] = { { "a", '0', -1, "x" }, { "a/b", '0', -1, "y" } };

  REFUSED (twice, TRUE, CEP_TAR_ERROR_UNSAFE, "“a” appears twice");
  REFUSED (short_data, TRUE, CEP_TAR_ERROR_TRUNCATED, "truncated");
  REFUSED (one, FALSE, CEP_TAR_ERROR_TRUNCATED, "no end-of-archive marker");
  REFUSED (file_then_folder, TRUE, CEP_TAR_ERROR_IO, "could not extract “a/b”");
}

/* Damages one byte (or appends some) of a good archive. */
static void
assert_damage_refused (gsize        offset,
                       guint8       value,
                       const char  *append,
                       int          code,
                       const char  *phrase)
{
  Entry one[] = { { "a", '0', -1, "x" } };
  g_autoptr(GBytes) good = build_archive (one, 1, TRUE);
  GByteArray *bytes = g_byte_array_new ();
  g_autoptr(GBytes) damaged = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *work = g_dir_make_tmp ("cepstra-tar-XXXXXX", NULL);
  guint n;

  g_byte_array_append (bytes, g_bytes_get_data (good, NULL), (guint) g_bytes_get_size (good));
  if (append != NULL)
    g_byte_array_append (bytes, (const guint8 *) append, (guint) strlen (append));
  else
    bytes->data[offset] = value;
  damaged = g_byte_array_free_to_bytes (bytes);
  g_assert_false (extract_all (damaged, work, &n, &error));
  g_assert_error (error, CEP_TAR_ERROR, code);
  if (strstr (error->message, phrase) == NULL)
    g_error ("“%s” lacks “%s”", error->message, phrase);
  remove_tree (work);
}

static void
test_damaged (void)
{
  assert_damage_refused (257, 'X', NULL, CEP_TAR_ERROR_INVALID, "no “ustar” magic");
  assert_damage_refused (0, 'b', NULL, CEP_TAR_ERROR_INVALID, "wrong checksum");
  assert_damage_refused (0, 0, "garbage after the end", CEP_TAR_ERROR_INVALID,
                         "data after the end of the archive");
  /* The second end block not zero. */
  assert_damage_refused (1024 + 512 + 3, 1, NULL, CEP_TAR_ERROR_INVALID, "lone zero block");
}

static void
test_extract_never_follows_links (void)
{
  Entry through_link[] = { { "link/escaped", '0', -1, "x" } };
  Entry onto_link[] = { { "file-link", '0', -1, "x" } };
  g_autoptr(GBytes) first = build_archive (through_link, 1, TRUE);
  g_autoptr(GBytes) second = build_archive (onto_link, 1, TRUE);
  g_autofree char *work = g_dir_make_tmp ("cepstra-tar-XXXXXX", NULL);
  g_autofree char *inside = g_build_filename (work, "inside", NULL);
  g_autofree char *outside = g_build_filename (work, "outside", NULL);
  g_autofree char *link = g_build_filename (inside, "link", NULL);
  g_autofree char *file_link = g_build_filename (inside, "file-link", NULL);
  g_autofree char *target = g_build_filename (outside, "target", NULL);
  g_autofree char *escaped = g_build_filename (outside, "escaped", NULL);
  g_autoptr(GError) error = NULL;
  guint n;

  g_assert_cmpint (g_mkdir (inside, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (outside, 0700), ==, 0);
  g_assert_cmpint (symlink (outside, link), ==, 0);
  g_assert_cmpint (symlink (target, file_link), ==, 0);
  g_assert_false (extract_all (first, inside, &n, &error));
  g_assert_error (error, CEP_TAR_ERROR, CEP_TAR_ERROR_IO);
  g_clear_error (&error);
  g_assert_false (extract_all (second, inside, &n, &error));
  g_assert_error (error, CEP_TAR_ERROR, CEP_TAR_ERROR_IO);
  g_assert_false (g_file_test (escaped, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  remove_tree (work);
}

static void
test_read_bytes_bound (void)
{
  Entry one[] = { { "a", '0', -1, "0123456789" } };
  g_autoptr(GBytes) archive = build_archive (one, 1, TRUE);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (archive);
  g_autoptr(CepTarReader) reader = cep_tar_reader_new (stream, "a.tar");
  g_autoptr(GError) error = NULL;
  const char *name;
  guint64 size;

  g_assert_true (cep_tar_reader_next (reader, &name, &size, &error));
  g_assert_null (cep_tar_reader_read_bytes (reader, 4, &error));
  g_assert_error (error, CEP_TAR_ERROR, CEP_TAR_ERROR_TOO_LARGE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tar/round-trip", test_round_trip);
  g_test_add_func ("/tar/writer-refuses", test_writer_refuses);
  g_test_add_func ("/tar/escaping-names", test_escaping_names);
  g_test_add_func ("/tar/entry-types", test_entry_types);
  g_test_add_func ("/tar/structure", test_structure);
  g_test_add_func ("/tar/damaged", test_damaged);
  g_test_add_func ("/tar/never-follows-links", test_extract_never_follows_links);
  g_test_add_func ("/tar/read-bytes-bound", test_read_bytes_bound);
  return g_test_run ();
}
