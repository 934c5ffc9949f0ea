/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-atomic-file.c: the shared writer's rule for what is at the path (regular file:
 * replaced atomically with its permissions; link: its target replaced, the link kept;
 * folder, FIFO, device: refused, nothing written), its error codes, and the leftovers of a
 * killed writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cep-atomic-file.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = g_dir_make_tmp ("cep-atomic-XXXXXX", NULL);
  g_assert_nonnull (fixture->dir);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
in_dir (Fixture    *fixture,
        const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

static void
assert_contents (const char *path,
                 const char *expected)
{
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, expected);
}

static guint
count_entries (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  guint count = 0;

  while (g_dir_read_name (dir) != NULL)
    count++;
  return count;
}

static void
test_new_and_replaced (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *path = in_dir (fixture, "out.csv");
  g_autoptr(GError) error = NULL;
  struct stat info;

  g_assert_true (cep_atomic_file_set_contents (path, "one\n", 4, &error));
  g_assert_no_error (error);
  assert_contents (path, "one\n");
  /* Replacing keeps the permissions the user gave the file. */
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_true (cep_atomic_file_set_contents (path, "two\n", 4, &error));
  g_assert_no_error (error);
  assert_contents (path, "two\n");
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  g_assert_cmpuint (count_entries (fixture->dir), ==, 1);
}

static void
test_symlink_written_through (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *target = in_dir (fixture, "real.csv");
  g_autofree char *link = in_dir (fixture, "link.csv");
  g_autofree char *chain = in_dir (fixture, "chain.csv");
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (target, "old", -1, NULL));
  /* A relative link, and a link to that link. */
  g_assert_cmpint (symlink ("real.csv", link), ==, 0);
  g_assert_cmpint (symlink (link, chain), ==, 0);
  g_assert_true (cep_atomic_file_set_contents (chain, "new", 3, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  g_assert_true (g_file_test (chain, G_FILE_TEST_IS_SYMLINK));
  assert_contents (target, "new");
  g_assert_cmpuint (count_entries (fixture->dir), ==, 3);
}

static void
test_dangling_symlink_creates_target (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *target = in_dir (fixture, "later.csv");
  g_autofree char *link = in_dir (fixture, "link.csv");
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (symlink ("later.csv", link), ==, 0);
  g_assert_true (cep_atomic_file_set_contents (link, "x", 1, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  assert_contents (target, "x");
}

static void
test_symlink_loop (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *a = in_dir (fixture, "a");
  g_autofree char *b = in_dir (fixture, "b");
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (symlink ("b", a), ==, 0);
  g_assert_cmpint (symlink ("a", b), ==, 0);
  g_assert_false (cep_atomic_file_set_contents (a, "x", 1, &error));
  g_assert_error (error, CEP_ATOMIC_FILE_ERROR, CEP_ATOMIC_FILE_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, a));
  g_assert_nonnull (strstr (error->message, g_strerror (ELOOP)));
  g_assert_cmpuint (count_entries (fixture->dir), ==, 2);
}

static void
assert_refused (Fixture    *fixture,
                const char *path,
                const char *kind)
{
  g_autoptr(GError) error = NULL;
  guint before = count_entries (fixture->dir);

  g_assert_false (cep_atomic_file_set_contents (path, "x", 1, &error));
  g_assert_error (error, CEP_ATOMIC_FILE_ERROR, CEP_ATOMIC_FILE_ERROR_NOT_REGULAR);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, kind));
  g_assert_nonnull (strstr (error->message, "nothing was written"));
  g_assert_cmpuint (count_entries (fixture->dir), ==, before);
}

static void
test_not_regular_refused (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *fifo = in_dir (fixture, "pipe.csv");
  g_autofree char *folder = in_dir (fixture, "folder.csv");
  g_autofree char *to_fifo = in_dir (fixture, "to-pipe.csv");
  g_autofree char *to_device = in_dir (fixture, "to-null.csv");

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_cmpint (symlink ("pipe.csv", to_fifo), ==, 0);
  g_assert_cmpint (symlink ("/dev/null", to_device), ==, 0);
  assert_refused (fixture, fifo, "a FIFO");
  assert_refused (fixture, folder, "a folder");
  assert_refused (fixture, to_fifo, "a FIFO");
  assert_refused (fixture, to_device, "a character device");
  /* The device itself is never replaced (as root a rename would have removed it). */
  assert_refused (fixture, "/dev/null", "a character device");
  g_assert_true (g_file_test (fifo, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (to_device, G_FILE_TEST_IS_SYMLINK));
}

/* /dev/full answers every write with ENOSPC: the code says the disk is full. */
static void
test_disk_full_code (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = in_dir (fixture, "x");
  g_autoptr(CepAtomicFile) file = cep_atomic_file_begin (path, NULL);
  g_autoptr(GError) error = NULL;
  int full = open ("/dev/full", O_WRONLY);

  if (full < 0)
    {
      g_test_skip ("no /dev/full");
      return;
    }
  g_assert_nonnull (file);
  /* Writes go to /dev/full in place of the temporary file. */
  g_assert_cmpint (dup2 (full, cep_atomic_file_get_fd (file)), >=, 0);
  close (full);
  g_assert_false (cep_atomic_file_write (file, "abc", 3, &error));
  g_assert_error (error, CEP_ATOMIC_FILE_ERROR, CEP_ATOMIC_FILE_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (error->message, "the disk is full"));
  g_clear_pointer (&file, cep_atomic_file_abort);
  g_assert_cmpuint (count_entries (fixture->dir), ==, 0);
}

static void
test_abort_leaves_target (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *path = in_dir (fixture, "keep.npy");
  CepAtomicFile *file;

  g_assert_true (g_file_set_contents (path, "good", -1, NULL));
  file = cep_atomic_file_begin (path, NULL);
  g_assert_true (cep_atomic_file_write (file, "half", 4, NULL));
  g_assert_cmpuint (count_entries (fixture->dir), ==, 2);
  cep_atomic_file_abort (file);
  assert_contents (path, "good");
  g_assert_cmpuint (count_entries (fixture->dir), ==, 1);
}

/* What a writer killed mid-write leaves is recognised and removed; nothing else is. */
static void
test_leftovers (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = in_dir (fixture, "last.safetensors");
  g_autofree char *lookalike = in_dir (fixture, ".notes.partial");
  g_autofree char *folder = in_dir (fixture, ".dir.ABCDEF.partial");
  g_autofree char *leftover = NULL;
  CepAtomicFile *file;
  int fd;

  g_assert_true (g_file_set_contents (path, "good", -1, NULL));
  g_assert_true (g_file_set_contents (lookalike, "mine", -1, NULL));
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  file = cep_atomic_file_begin (path, NULL);
  /* "Kill" the writer: find its temporary file, then forget the handle without cleanup. */
  fd = cep_atomic_file_get_fd (file);
  g_assert_cmpint (write (fd, "half", 4), ==, 4);
  {
    g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (dir)) != NULL)
      if (g_str_has_prefix (name, ".last.safetensors."))
        leftover = g_strdup (name);
  }
  g_assert_nonnull (leftover);
  g_assert_true (cep_atomic_file_is_leftover (leftover));
  g_assert_false (cep_atomic_file_is_leftover (".notes.partial"));
  g_assert_false (cep_atomic_file_is_leftover ("last.safetensors"));
  g_assert_false (cep_atomic_file_is_leftover (".partial"));
  g_assert_cmpuint (cep_atomic_file_remove_leftovers (fixture->dir), ==, 1);
  assert_contents (path, "good");
  assert_contents (lookalike, "mine");
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
  /* The handle's own cleanup now finds its file gone, which is harmless. */
  cep_atomic_file_abort (file);
  g_assert_cmpuint (count_entries (fixture->dir), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/atomic-file/new-and-replaced", test_new_and_replaced);
  ADD ("/atomic-file/symlink-written-through", test_symlink_written_through);
  ADD ("/atomic-file/dangling-symlink-creates-target", test_dangling_symlink_creates_target);
  ADD ("/atomic-file/symlink-loop", test_symlink_loop);
  ADD ("/atomic-file/not-regular-refused", test_not_regular_refused);
  ADD ("/atomic-file/disk-full-code", test_disk_full_code);
  ADD ("/atomic-file/abort-leaves-target", test_abort_leaves_target);
  ADD ("/atomic-file/leftovers", test_leftovers);
#undef ADD
  return g_test_run ();
}
