/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-atomic-file.c: temporary sibling, fsync, rename, fsync of the folder.
 */
#define G_LOG_DOMAIN "cepstra-io"

#include "cep-atomic-file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* write(2) moves at most about 2 GiB per call on Linux. */
#define CEP_ATOMIC_FILE_CHUNK (1u << 30)
/* Links followed before giving up, as the kernel's own limit. */
#define CEP_ATOMIC_FILE_MAX_LINKS 40
#define CEP_ATOMIC_FILE_SUFFIX ".partial"

struct _CepAtomicFile
{
  char    *path;      /* what the caller named, for messages */
  char    *target;    /* what is replaced: @path, or the end of its links */
  char    *temp;
  int      fd;
  gboolean keep_mode;
  mode_t   mode;
};

G_DEFINE_QUARK (cep-atomic-file-error-quark, cep_atomic_file_error)

static gboolean
set_io_error (GError     **error,
              const char  *path,
              const char  *what,
              int          saved_errno)
{
  g_autofree char *display = g_filename_display_name (path);
  gboolean full = saved_errno == ENOSPC || saved_errno == EDQUOT;

  g_set_error (error, CEP_ATOMIC_FILE_ERROR,
               full ? CEP_ATOMIC_FILE_ERROR_NO_SPACE : CEP_ATOMIC_FILE_ERROR_IO,
               "%s: could not %s: %s%s", display, what, full ? "the disk is full: " : "",
               g_strerror (saved_errno));
  return FALSE;
}

static const char *
describe_kind (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a folder";
  if (S_ISFIFO (mode))
    return "a FIFO (named pipe)";
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  if (S_ISSOCK (mode))
    return "a socket";
  return "not a regular file";
}

/* The path a link at @link points to, relative links taken from the link's folder; NULL
 * with errno set when it cannot be read. */
static char *
follow_link (const char *link)
{
  char contents[PATH_MAX];
  gssize length = readlink (link, contents, sizeof contents - 1);
  g_autofree char *folder = NULL;

  if (length < 0)
    return NULL;
  contents[length] = '\0';
  if (g_path_is_absolute (contents))
    return g_strdup (contents);
  folder = g_path_get_dirname (link);
  return g_build_filename (folder, contents, NULL);
}

/* Applies the header's rule to @path: the file to replace, or NULL with @error set. */
static char *
resolve_target (const char   *path,
                struct stat  *existing,
                gboolean     *exists,
                GError      **error)
{
  g_autofree char *target = g_strdup (path);

  for (guint links = 0; ; links++)
    {
      if (lstat (target, existing) != 0)
        {
          if (errno != ENOENT)
            return (set_io_error (error, path, "look at it", errno), NULL);
          *exists = FALSE;
          return g_steal_pointer (&target);
        }
      if (!S_ISLNK (existing->st_mode))
        break;
      if (links == CEP_ATOMIC_FILE_MAX_LINKS)
        return (set_io_error (error, path, "follow its links", ELOOP), NULL);
      g_autofree char *next = follow_link (target);
      if (next == NULL)
        return (set_io_error (error, path, "read the link", errno), NULL);
      g_free (target);
      target = g_steal_pointer (&next);
    }
  *exists = TRUE;
  if (!S_ISREG (existing->st_mode))
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, CEP_ATOMIC_FILE_ERROR, CEP_ATOMIC_FILE_ERROR_NOT_REGULAR,
                   "%s: is %s, not a regular file: nothing was written there", display,
                   describe_kind (existing->st_mode));
      return NULL;
    }
  return g_steal_pointer (&target);
}

static char *
temp_template (const char *target)
{
  g_autofree char *folder = g_path_get_dirname (target);
  g_autofree char *base = g_path_get_basename (target);
  g_autofree char *name = g_strdup_printf (".%s.XXXXXX" CEP_ATOMIC_FILE_SUFFIX, base);

  return g_build_filename (folder, name, NULL);
}

CepAtomicFile *
cep_atomic_file_begin (const char  *path,
                       GError     **error)
{
  g_autofree char *target = NULL;
  CepAtomicFile *file;
  struct stat existing;
  gboolean exists;

  g_return_val_if_fail (path != NULL && *path != '\0', NULL);

  target = resolve_target (path, &existing, &exists, error);
  if (target == NULL)
    return NULL;
  file = g_new0 (CepAtomicFile, 1);
  file->path = g_strdup (path);
  file->temp = temp_template (target);
  file->target = g_steal_pointer (&target);
  file->keep_mode = exists;
  file->mode = existing.st_mode & 07777;
  /* 0666 less the umask, as a new file made by open(2) would be. */
  file->fd = g_mkstemp_full (file->temp, O_WRONLY | O_CLOEXEC, 0666);
  if (file->fd < 0)
    {
      set_io_error (error, path, "create a temporary file next to it", errno);
      g_clear_pointer (&file->temp, g_free);
      cep_atomic_file_abort (file);
      return NULL;
    }
  return file;
}

int
cep_atomic_file_get_fd (CepAtomicFile *file)
{
  g_return_val_if_fail (file != NULL, -1);
  return file->fd;
}

gboolean
cep_atomic_file_write (CepAtomicFile  *file,
                       const void     *data,
                       gsize           size,
                       GError        **error)
{
  const char *bytes = data;

  g_return_val_if_fail (file != NULL && file->fd >= 0, FALSE);

  while (size > 0)
    {
      gssize written = write (file->fd, bytes, MIN (size, CEP_ATOMIC_FILE_CHUNK));
      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return set_io_error (error, file->path, "write", written < 0 ? errno : ENOSPC);
      bytes += written;
      size -= (gsize) written;
    }
  return TRUE;
}

/* Makes the rename itself durable. Failure here is not fatal: the data is already safe. */
static void
sync_folder (const char *target)
{
  g_autofree char *folder = g_path_get_dirname (target);
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return;
  if (fsync (fd) != 0)
    g_debug ("could not fsync %s: %s", folder, g_strerror (errno));
  close (fd);
}

static gboolean
sync_and_close (CepAtomicFile  *file,
                GError        **error)
{
  int fd = file->fd;

  file->fd = -1;
  if ((file->keep_mode && fchmod (fd, file->mode) != 0) || fsync (fd) != 0)
    {
      int saved_errno = errno;
      close (fd);
      return set_io_error (error, file->path, "write", saved_errno);
    }
  if (close (fd) != 0)
    return set_io_error (error, file->path, "write", errno);
  return TRUE;
}

gboolean
cep_atomic_file_commit (CepAtomicFile  *file,
                        GError        **error)
{
  g_return_val_if_fail (file != NULL && file->fd >= 0, FALSE);

  if (!sync_and_close (file, error))
    {
      cep_atomic_file_abort (file);
      return FALSE;
    }
  if (g_rename (file->temp, file->target) != 0)
    {
      set_io_error (error, file->path, "rename the temporary file onto it", errno);
      cep_atomic_file_abort (file);
      return FALSE;
    }
  sync_folder (file->target);
  /* The temporary file is the target now: only the handle is left to free. */
  g_clear_pointer (&file->temp, g_free);
  cep_atomic_file_abort (file);
  return TRUE;
}

void
cep_atomic_file_abort (CepAtomicFile *file)
{
  if (file == NULL)
    return;
  if (file->fd >= 0)
    close (file->fd);
  /* NULL once the temporary file has become the target (or was never made). */
  if (file->temp != NULL)
    g_unlink (file->temp);
  g_free (file->temp);
  g_free (file->target);
  g_free (file->path);
  g_free (file);
}

gboolean
cep_atomic_file_set_contents (const char  *path,
                              const void  *data,
                              gsize        size,
                              GError     **error)
{
  CepAtomicFile *file = cep_atomic_file_begin (path, error);

  if (file == NULL)
    return FALSE;
  if (!cep_atomic_file_write (file, data, size, error))
    {
      cep_atomic_file_abort (file);
      return FALSE;
    }
  return cep_atomic_file_commit (file, error);
}

gboolean
cep_atomic_file_is_leftover (const char *basename)
{
  gsize length;

  g_return_val_if_fail (basename != NULL, FALSE);
  length = strlen (basename);
  /* ".", at least one character of name, ".XXXXXX", ".partial" */
  return basename[0] == '.' && length >= 1 + 1 + 7 + strlen (CEP_ATOMIC_FILE_SUFFIX)
         && g_str_has_suffix (basename, CEP_ATOMIC_FILE_SUFFIX)
         && basename[length - strlen (CEP_ATOMIC_FILE_SUFFIX) - 7] == '.';
}

guint
cep_atomic_file_remove_leftovers (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint removed = 0;

  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat info;

      if (!cep_atomic_file_is_leftover (name))
        continue;
      path = g_build_filename (folder, name, NULL);
      if (lstat (path, &info) == 0 && S_ISREG (info.st_mode) && g_unlink (path) == 0)
        removed++;
    }
  return removed;
}
