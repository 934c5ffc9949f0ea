/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-npy.c: opening .npy files and holding their data.
 *
 * Owns the CepNpy lifetime and how element bytes get from the file into memory. Opening is
 * cheap on purpose (one open, one fstat, one small pread for the header): a dataset is
 * thousands of small files. The data is loaded only when a conversion needs it; the float32
 * fast path skips even that and preads straight into the caller's buffer. Small data is read,
 * large data is memory-mapped (measured: on the VMs we run on, faulting in a mapping of a
 * 100 KB file costs several times more than reading it).
 *
 * It must not parse headers (cep-npy-header.c) nor convert elements (cep-npy-convert.c).
 */
#define G_LOG_DOMAIN "cepstra-io"

#include "cep-npy-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Most headers fit in the first pread; longer ones cost a second one. */
#define CEP_NPY_PEEK_SIZE  512
/* Data up to this size is read into memory, larger data is mapped. */
#define CEP_NPY_MAP_THRESHOLD  (4 * 1024 * 1024)

G_DEFINE_QUARK (cep-npy-error-quark, cep_npy_error)

static const guint8 empty_data[1];

void
_cep_npy_set_error (GError      **error,
                    CepNpyError   code,
                    const char   *name,
                    const char   *format,
                    ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CEP_NPY_ERROR, code, "%s: %s", name, message);
}

static void
set_io_error (GError     **error,
              const char  *name,
              const char  *action,
              int          saved_errno)
{
  _cep_npy_set_error (error, CEP_NPY_ERROR_IO, name, "could not %s: %s",
                      action, g_strerror (saved_errno));
}

/* Reads up to @size bytes at @offset, retrying short reads; the count read, or -1. */
static gssize
pread_full (int      fd,
            void    *buffer,
            gsize    size,
            goffset  offset)
{
  gsize done = 0;

  while (done < size)
    {
      gssize n = pread (fd, (guint8 *) buffer + done, MIN (size - done, (gsize) G_MAXSSIZE),
                        offset + (goffset) done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      done += (gsize) n;
    }
  return (gssize) done;
}

static gboolean
pread_exact (int          fd,
             void        *buffer,
             gsize        size,
             goffset      offset,
             const char  *name,
             GError     **error)
{
  gssize n = pread_full (fd, buffer, size, offset);

  if (n < 0)
    {
      set_io_error (error, name, "read", errno);
      return FALSE;
    }
  if ((gsize) n < size)
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_IO, name,
                          "could not read: the file is shorter than when it was opened");
      return FALSE;
    }
  return TRUE;
}

static CepNpy *
cep_npy_new (const char       *name,
             char             *descr,
             const CepNpyInfo *info)
{
  CepNpy *npy = g_new0 (CepNpy, 1);

  npy->path = g_strdup (name);
  npy->descr = descr;
  npy->info = *info;
  npy->fd = -1;
  g_mutex_init (&npy->lock);
  return npy;
}

CepNpy *
cep_npy_new_from_data (const void  *data,
                       gsize        size,
                       const char  *name,
                       GError     **error)
{
  CepNpyInfo info;
  char *descr = NULL;
  CepNpy *npy;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_cep_npy_parse_header (data, size, size, name, &info, &descr, error))
    return NULL;
  npy = cep_npy_new (name, descr, &info);
  npy->owned = g_memdup2 ((const guint8 *) data + info.data_offset, info.data_size);
  npy->data = info.data_size > 0 ? npy->owned : empty_data;
  npy->loaded = TRUE;
  return npy;
}

/* Pipes cannot be preaded or mapped: take their bytes as they come. */
static CepNpy *
open_stream (int          fd,
             const char  *path,
             GError     **error)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  guint8 chunk[65536];
  gssize n;

  while ((n = read (fd, chunk, sizeof chunk)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_io_error (error, path, "read", errno);
          return NULL;
        }
      g_byte_array_append (bytes, chunk, (guint) n);
    }
  return cep_npy_new_from_data (bytes->data, bytes->len, path, error);
}

/* Reads and validates the header of the open file @fd of @file_size bytes. */
static gboolean
read_header (int          fd,
             guint64      file_size,
             const char  *path,
             CepNpyInfo  *info,
             char       **descr,
             GError     **error)
{
  guint8 peek[CEP_NPY_PEEK_SIZE];
  g_autofree guint8 *whole = NULL;
  gssize n = pread_full (fd, peek, sizeof peek, 0);
  gsize data_offset;

  if (n < 0)
    {
      set_io_error (error, path, "read", errno);
      return FALSE;
    }
  if (!_cep_npy_parse_preamble (peek, (gsize) n, file_size, path, &data_offset, error))
    return FALSE;
  if (data_offset <= (gsize) n)
    return _cep_npy_parse_header (peek, (gsize) n, file_size, path, info, descr, error);
  whole = g_malloc (data_offset);
  if (!pread_exact (fd, whole, data_offset, 0, path, error))
    return FALSE;
  return _cep_npy_parse_header (whole, data_offset, file_size, path, info, descr, error);
}

/* Opens @path; a regular file leaves its header in @info, a pipe comes back in @stream_npy,
 * already read. Directories and devices are refused. */
static int
open_file (const char  *path,
           CepNpyInfo  *info,
           char       **descr,
           CepNpy     **stream_npy,
           GError     **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;

  if (fd < 0)
    {
      set_io_error (error, path, "open", errno);
      return -1;
    }
  if (fstat (fd, &st) != 0)
    set_io_error (error, path, "stat", errno);
  else if (S_ISFIFO (st.st_mode))
    *stream_npy = open_stream (fd, path, error);
  else if (!S_ISREG (st.st_mode))
    _cep_npy_set_error (error, CEP_NPY_ERROR_IO, path, "could not open: not a regular file");
  else if (read_header (fd, (guint64) st.st_size, path, info, descr, error))
    return fd;
  close (fd);
  return -1;
}

CepNpy *
cep_npy_open (const char  *path,
              GError     **error)
{
  CepNpyInfo info;
  char *descr = NULL;
  CepNpy *stream_npy = NULL;
  CepNpy *npy;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  fd = open_file (path, &info, &descr, &stream_npy, error);
  if (fd < 0)
    return stream_npy;
  npy = cep_npy_new (path, descr, &info);
  npy->fd = fd;
  return npy;
}

gboolean
cep_npy_read_info (const char  *path,
                   CepNpyInfo  *info,
                   GError     **error)
{
  g_autoptr (CepNpy) stream_npy = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fd = open_file (path, info, NULL, &stream_npy, error);
  if (fd >= 0)
    close (fd);
  else if (stream_npy != NULL)
    *info = stream_npy->info;
  return fd >= 0 || stream_npy != NULL;
}

/* Reads small data, maps large data (falling back to reading where mapping fails). */
static gboolean
load_from_file (CepNpy   *npy,
                GError  **error)
{
  gsize end = npy->info.data_offset + npy->info.data_size;

  if (npy->info.data_size > CEP_NPY_MAP_THRESHOLD)
    {
      gpointer map = mmap (NULL, end, PROT_READ, MAP_PRIVATE, npy->fd, 0);
      if (map != MAP_FAILED)
        {
          npy->map = map;
          npy->map_size = end;
          npy->data = (const guint8 *) map + npy->info.data_offset;
          return TRUE;
        }
    }
  npy->owned = g_try_malloc (npy->info.data_size);
  if (npy->owned == NULL)
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_IO, npy->path, "could not allocate %"
                          G_GSIZE_FORMAT " bytes for the data", npy->info.data_size);
      return FALSE;
    }
  npy->data = npy->owned;
  return pread_exact (npy->fd, npy->owned, npy->info.data_size,
                      (goffset) npy->info.data_offset, npy->path, error);
}

/* A file that shrank since the header was checked would make a mapping fault (SIGBUS). */
static gboolean
check_unchanged (const CepNpy  *npy,
                 GError       **error)
{
  struct stat st;

  if (fstat (npy->fd, &st) != 0)
    {
      set_io_error (error, npy->path, "stat", errno);
      return FALSE;
    }
  if ((guint64) st.st_size != npy->info.data_offset + npy->info.data_size)
    {
      _cep_npy_set_error (error, CEP_NPY_ERROR_IO, npy->path,
                          "the file changed size since it was opened");
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_locked (CepNpy   *npy,
             GError  **error)
{
  gboolean ok = TRUE;

  if (npy->info.data_size == 0)
    npy->data = empty_data;
  else
    ok = check_unchanged (npy, error) && load_from_file (npy, error);
  if (!ok)
    {
      g_clear_pointer (&npy->owned, g_free);
      npy->data = NULL;
      return FALSE;
    }
  close (npy->fd);
  npy->fd = -1;
  npy->loaded = TRUE;
  return TRUE;
}

const guint8 *
_cep_npy_get_data (const CepNpy  *npy,
                   GError       **error)
{
  /* Loading is the one mutation behind the const API; the lock makes it happen once. */
  CepNpy *self = (CepNpy *) npy;
  gboolean ok = TRUE;

  g_mutex_lock (&self->lock);
  if (!self->loaded)
    ok = load_locked (self, error);
  g_mutex_unlock (&self->lock);
  return ok ? self->data : NULL;
}

gboolean
_cep_npy_copy_data (const CepNpy  *npy,
                    void          *dest,
                    GError       **error)
{
  CepNpy *self = (CepNpy *) npy;
  gboolean ok = TRUE;

  if (npy->info.data_size == 0)
    return TRUE;
  g_mutex_lock (&self->lock);
  if (!self->loaded)
    ok = pread_exact (self->fd, dest, self->info.data_size, (goffset) self->info.data_offset,
                      self->path, error);
  else
    memcpy (dest, self->data, self->info.data_size);
  g_mutex_unlock (&self->lock);
  return ok;
}

void
cep_npy_free (CepNpy *npy)
{
  if (npy == NULL)
    return;
  if (npy->map != NULL)
    munmap (npy->map, npy->map_size);
  if (npy->fd >= 0)
    close (npy->fd);
  g_mutex_clear (&npy->lock);
  g_free (npy->owned);
  g_free (npy->descr);
  g_free (npy->path);
  g_free (npy);
}

const char *
cep_npy_get_path (const CepNpy *npy)
{
  g_return_val_if_fail (npy != NULL, NULL);
  return npy->path;
}

const CepNpyInfo *
cep_npy_get_info (const CepNpy *npy)
{
  g_return_val_if_fail (npy != NULL, NULL);
  return &npy->info;
}

CepNpyKind
cep_npy_get_kind (const CepNpy *npy)
{
  g_return_val_if_fail (npy != NULL, CEP_NPY_KIND_FLOAT);
  return npy->info.kind;
}

gsize
cep_npy_get_itemsize (const CepNpy *npy)
{
  g_return_val_if_fail (npy != NULL, 0);
  return npy->info.itemsize;
}

guint
cep_npy_get_n_dims (const CepNpy *npy)
{
  g_return_val_if_fail (npy != NULL, 0);
  return npy->info.n_dims;
}

const gsize *
cep_npy_get_shape (const CepNpy *npy)
{
  g_return_val_if_fail (npy != NULL, NULL);
  return npy->info.shape;
}

gsize
cep_npy_get_n_elements (const CepNpy *npy)
{
  g_return_val_if_fail (npy != NULL, 0);
  return npy->info.n_elements;
}

gboolean
cep_npy_is_fortran_order (const CepNpy *npy)
{
  g_return_val_if_fail (npy != NULL, FALSE);
  return npy->info.fortran_order;
}

gboolean
cep_npy_is_big_endian (const CepNpy *npy)
{
  g_return_val_if_fail (npy != NULL, FALSE);
  return npy->info.big_endian;
}

const char *
cep_npy_get_descr (const CepNpy *npy)
{
  g_return_val_if_fail (npy != NULL, NULL);
  return npy->descr;
}

const void *
cep_npy_get_raw_data (const CepNpy *npy)
{
  g_autoptr (GError) error = NULL;
  const guint8 *data;

  g_return_val_if_fail (npy != NULL, NULL);
  data = _cep_npy_get_data (npy, &error);
  if (data == NULL)
    g_debug ("%s", error->message);
  return data;
}

gboolean
cep_npy_get_matrix_shape (const CepNpy  *npy,
                          gsize         *n_rows,
                          gsize         *n_cols,
                          GError       **error)
{
  const CepNpyInfo *info;

  g_return_val_if_fail (npy != NULL, FALSE);
  info = &npy->info;
  if (info->n_dims > 2)
    {
      g_autofree char *shape = _cep_npy_format_shape (info->shape, info->n_dims);
      _cep_npy_set_error (error, CEP_NPY_ERROR_SHAPE, npy->path,
                          "expected a matrix (at most 2 dimensions), found shape %s", shape);
      return FALSE;
    }
  if (n_rows != NULL)
    *n_rows = info->n_dims >= 1 ? info->shape[0] : 1;
  if (n_cols != NULL)
    *n_cols = info->n_dims == 2 ? info->shape[1] : 1;
  return TRUE;
}
