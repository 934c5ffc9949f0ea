/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-run-lock.c: one writer per run folder. A second taker is refused with the owner named;
 * releasing frees the folder; an owner killed with SIGKILL leaves no stale lock; checking a
 * folder that never had a writer creates nothing.
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cep-run-lock.h"

static void
remove_run (const char *dir)
{
  g_autofree char *lock = g_build_filename (dir, CEP_RUN_LOCK_FILE, NULL);

  g_unlink (lock);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_second_writer_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-run-lock-XXXXXX", NULL);
  g_autofree char *pid = g_strdup_printf ("pid %d on ", (int) getpid ());
  g_autoptr(GError) error = NULL;
  CepRunLock *first;
  CepRunLock *again;

  g_assert_true (cep_run_lock_check_free (dir, &error));
  first = cep_run_lock_acquire (dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  /* Another open of the file is another owner, even in this process (the window trains in
   * the same process that moves runs to the trash). */
  g_assert_null (cep_run_lock_acquire (dir, &error));
  g_assert_error (error, CEP_RUN_LOCK_ERROR, CEP_RUN_LOCK_ERROR_BUSY);
  g_assert_true (g_str_has_prefix (error->message, dir));
  g_assert_nonnull (strstr (error->message, "another training is writing this run"));
  g_assert_nonnull (strstr (error->message, pid));
  g_clear_error (&error);
  g_assert_false (cep_run_lock_check_free (dir, &error));
  g_assert_error (error, CEP_RUN_LOCK_ERROR, CEP_RUN_LOCK_ERROR_BUSY);
  g_clear_error (&error);
  cep_run_lock_release (first);
  again = cep_run_lock_acquire (dir, &error);
  g_assert_no_error (error);
  cep_run_lock_release (again);
  remove_run (dir);
}

/* The owner dies without releasing: the kernel drops the lock with it. */
static void
test_killed_owner_leaves_no_stale_lock (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-run-lock-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  int ready[2];
  char byte;
  pid_t child;
  CepRunLock *lock;

  g_assert_cmpint (pipe (ready), ==, 0);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      CepRunLock *held = cep_run_lock_acquire (dir, NULL);
      byte = held != NULL ? 'y' : 'n';
      if (write (ready[1], &byte, 1) != 1)
        _exit (2);
      for (;;)
        pause ();
    }
  g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
  g_assert_cmpint (byte, ==, 'y');
  g_assert_null (cep_run_lock_acquire (dir, &error));
  g_assert_error (error, CEP_RUN_LOCK_ERROR, CEP_RUN_LOCK_ERROR_BUSY);
  {
    g_autofree char *owner = g_strdup_printf ("pid %d on ", (int) child);
    g_assert_nonnull (strstr (error->message, owner));
  }
  g_clear_error (&error);
  g_assert_cmpint (kill (child, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (child, NULL, 0), ==, child);
  lock = cep_run_lock_acquire (dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lock);
  cep_run_lock_release (lock);
  close (ready[0]);
  close (ready[1]);
  remove_run (dir);
}

static void
test_check_creates_nothing (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-run-lock-XXXXXX", NULL);
  g_autofree char *lock = g_build_filename (dir, CEP_RUN_LOCK_FILE, NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-run", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (cep_run_lock_check_free (dir, NULL));
  g_assert_false (g_file_test (lock, G_FILE_TEST_EXISTS));
  /* A folder that is not there cannot be locked: the error names it. */
  g_assert_null (cep_run_lock_acquire (missing, &error));
  g_assert_error (error, CEP_RUN_LOCK_ERROR, CEP_RUN_LOCK_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, missing));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/run-lock/second-writer-refused", test_second_writer_refused);
  g_test_add_func ("/run-lock/killed-owner-leaves-no-stale-lock",
                   test_killed_owner_leaves_no_stale_lock);
  g_test_add_func ("/run-lock/check-creates-nothing", test_check_creates_nothing);
  return g_test_run ();
}
