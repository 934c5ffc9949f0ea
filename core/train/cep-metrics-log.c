/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-metrics-log.c: appending whole lines to metrics.jsonl and cutting it back on resume.
 */
#define G_LOG_DOMAIN "cepstra-train"

#include "cep-metrics-log.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <unistd.h>

struct _CepMetricsLog
{
  char    *path;
  int      fd;
  guint64  n_lines;
};

static gboolean
set_io_error (GError    **error,
              const char *path,
              const char *what,
              int         errsv)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s: %s: %s", path, what,
               g_strerror (errsv));
  return FALSE;
}

/* Byte length of the first @keep_lines lines of the open file, and how many it has. */
static gboolean
measure_lines (CepMetricsLog *log,
               guint64        keep_lines,
               off_t         *keep_bytes,
               GError       **error)
{
  char buffer[65536];
  off_t position = 0;
  ssize_t got;

  log->n_lines = 0;
  *keep_bytes = 0;
  while (log->n_lines < keep_lines && (got = pread (log->fd, buffer, sizeof buffer,
                                                    position)) != 0)
    {
      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        return set_io_error (error, log->path, "reading", errno);
      for (ssize_t i = 0; i < got && log->n_lines < keep_lines; i++)
        if (buffer[i] == '\n')
          {
            log->n_lines++;
            *keep_bytes = position + i + 1;
          }
      position += got;
    }
  return TRUE;
}

CepMetricsLog *
cep_metrics_log_open (const char  *path,
                      guint64      keep_lines,
                      GError     **error)
{
  g_autoptr (CepMetricsLog) log = g_new0 (CepMetricsLog, 1);
  off_t keep_bytes;

  g_return_val_if_fail (path != NULL, NULL);

  log->path = g_strdup (path);
  log->fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (log->fd < 0)
    {
      set_io_error (error, path, "cannot open", errno);
      return NULL;
    }
  if (!measure_lines (log, keep_lines, &keep_bytes, error))
    return NULL;
  /* A partial last line (a crash mid-write) is dropped too. */
  if (ftruncate (log->fd, keep_bytes) != 0 || lseek (log->fd, keep_bytes, SEEK_SET) < 0)
    {
      set_io_error (error, path, "cannot truncate", errno);
      return NULL;
    }
  return g_steal_pointer (&log);
}

void
cep_metrics_log_free (CepMetricsLog *log)
{
  if (log == NULL)
    return;
  if (log->fd >= 0)
    close (log->fd);
  g_free (log->path);
  g_free (log);
}

gboolean
cep_metrics_log_append (CepMetricsLog *log,
                        const char    *line,
                        GError       **error)
{
  g_autofree char *text = g_strconcat (line, "\n", NULL);
  gsize length = strlen (text);
  gsize done = 0;

  g_return_val_if_fail (log != NULL && line != NULL, FALSE);

  while (done < length)
    {
      ssize_t wrote = write (log->fd, text + done, length - done);
      if (wrote < 0 && errno == EINTR)
        continue;
      if (wrote < 0)
        return set_io_error (error, log->path, "cannot append", errno);
      done += (gsize) wrote;
    }
  log->n_lines++;
  return TRUE;
}

guint64
cep_metrics_log_get_n_lines (CepMetricsLog *log)
{
  g_return_val_if_fail (log != NULL, 0);
  return log->n_lines;
}

gboolean
cep_metrics_log_sync (CepMetricsLog *log,
                      GError       **error)
{
  g_return_val_if_fail (log != NULL, FALSE);

  if (fsync (log->fd) != 0)
    return set_io_error (error, log->path, "cannot sync", errno);
  return TRUE;
}
