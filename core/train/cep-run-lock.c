/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-lock.c: flock(2) on RUN/.cepstra-lock, with the owner written into it.
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-run-lock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

struct _CepRunLock
{
  int fd;
};

G_DEFINE_QUARK (cep-run-lock-error-quark, cep_run_lock_error)

/* "pid 1234 on HOST since 2026-12-05 07:30:00", or a plain phrase when unreadable. */
static char *
read_owner (int fd)
{
  char text[256] = { 0 };
  gssize n = pread (fd, text, sizeof text - 1, 0);

  if (n <= 0)
    return g_strdup ("another process");
  g_strchomp (text);
  return g_strdup (text);
}

static void
write_owner (int fd)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");
  g_autofree char *text = g_strdup_printf ("pid %d on %s since %s\n", (int) getpid (),
                                           g_get_host_name (), when);

  /* Only for messages: a failure here does not weaken the lock. */
  if (ftruncate (fd, 0) != 0 || pwrite (fd, text, strlen (text), 0) < 0)
    g_debug ("could not note the lock's owner: %s", g_strerror (errno));
}

static int
open_locked (const char  *run_dir,
             GError     **error)
{
  g_autofree char *path = g_build_filename (run_dir, CEP_RUN_LOCK_FILE, NULL);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);

  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, CEP_RUN_LOCK_ERROR, CEP_RUN_LOCK_ERROR_IO,
                   "%s: could not create the lock file: %s", run_dir, g_strerror (saved_errno));
      return -1;
    }
  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;
      if (saved_errno == EINTR)
        continue;
      if (saved_errno == EWOULDBLOCK)
        {
          g_autofree char *owner = read_owner (fd);
          g_set_error (error, CEP_RUN_LOCK_ERROR, CEP_RUN_LOCK_ERROR_BUSY,
                       "%s: another training is writing this run (%s); wait for it to end "
                       "or choose another folder", run_dir, owner);
        }
      else
        g_set_error (error, CEP_RUN_LOCK_ERROR, CEP_RUN_LOCK_ERROR_IO,
                     "%s: could not lock the run: %s", run_dir, g_strerror (saved_errno));
      close (fd);
      return -1;
    }
  return fd;
}

CepRunLock *
cep_run_lock_acquire (const char  *run_dir,
                      GError     **error)
{
  CepRunLock *lock;
  int fd;

  g_return_val_if_fail (run_dir != NULL, NULL);

  fd = open_locked (run_dir, error);
  if (fd < 0)
    return NULL;
  write_owner (fd);
  lock = g_new (CepRunLock, 1);
  lock->fd = fd;
  return lock;
}

void
cep_run_lock_release (CepRunLock *lock)
{
  if (lock == NULL)
    return;
  /* The owner's text is left: only a held lock's text is ever shown. */
  close (lock->fd);
  g_free (lock);
}

gboolean
cep_run_lock_check_free (const char  *run_dir,
                         GError     **error)
{
  g_autofree char *path = g_build_filename (run_dir, CEP_RUN_LOCK_FILE, NULL);
  int fd;

  g_return_val_if_fail (run_dir != NULL, FALSE);

  /* Never created: no writer ever held it (and checking must not create it). */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;
  fd = open_locked (run_dir, error);
  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}
