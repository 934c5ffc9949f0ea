/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-tar.c: ustar headers written and checked field by field; extraction through openat.
 */
#define G_LOG_DOMAIN "cepstra-io"

#include "cep-tar.h"

#include "cep-atomic-file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Offsets and lengths of the ustar header fields used here (POSIX.1-1988). */
#define NAME_OFFSET      0
#define MODE_OFFSET    100
#define UID_OFFSET     108
#define GID_OFFSET     116
#define SIZE_OFFSET    124
#define MTIME_OFFSET   136
#define CHKSUM_OFFSET  148
#define TYPE_OFFSET    156
#define MAGIC_OFFSET   257
#define PREFIX_OFFSET  345
#define PREFIX_LENGTH  155
#define CHKSUM_LENGTH    8
#define SIZE_LENGTH     12
/* "ustar\0" then version "00". */
#define MAGIC "ustar\0" "00"
#define MAGIC_LENGTH     8
/* Eleven octal digits: the largest size a plain ustar header holds (8 GiB − 1). */
#define MAX_ENTRY_SIZE ((G_GUINT64_CONSTANT (1) << 33) - 1)
/* Zeros accepted after the end marker: tar pads archives to 10 KiB records. */
#define MAX_TRAILING_ZEROS (64 * 1024)
#define COPY_CHUNK (64 * 1024)

G_DEFINE_QUARK (cep-tar-error-quark, cep_tar_error)

guint64
cep_tar_entry_footprint (guint64 size)
{
  return CEP_TAR_BLOCK + (size + CEP_TAR_BLOCK - 1) / CEP_TAR_BLOCK * CEP_TAR_BLOCK;
}

static gboolean
name_part_is_valid (const char *part,
                    gsize       length)
{
  if (length == 0 || (length == 1 && part[0] == '.')
      || (length == 2 && part[0] == '.' && part[1] == '.'))
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (part[i]) && part[i] != '.' && part[i] != '_' && part[i] != '-')
      return FALSE;
  return TRUE;
}

gboolean
cep_tar_name_is_valid (const char *name)
{
  const char *part = name;
  gsize length = strlen (name);

  if (length == 0 || length > CEP_TAR_MAX_NAME)
    return FALSE;
  for (;;)
    {
      const char *slash = strchr (part, '/');
      gsize part_length = slash != NULL ? (gsize) (slash - part) : strlen (part);

      if (!name_part_is_valid (part, part_length))
        return FALSE;
      if (slash == NULL)
        return TRUE;
      part = slash + 1;
    }
}

/* ---- writer ---- */

struct _CepTarWriter
{
  CepAtomicFile *file;
  GHashTable    *names;
};

CepTarWriter *
cep_tar_writer_new (const char  *path,
                    GError     **error)
{
  CepAtomicFile *file = cep_atomic_file_begin (path, error);
  CepTarWriter *self;

  if (file == NULL)
    return NULL;
  self = g_new0 (CepTarWriter, 1);
  self->file = file;
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
cep_tar_writer_free (CepTarWriter *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->file, cep_atomic_file_abort);
  g_hash_table_unref (self->names);
  g_free (self);
}

static void
put_octal (guint8  *header,
           gsize    offset,
           gsize    length,
           guint64  value)
{
  g_snprintf ((char *) header + offset, length, "%0*" G_GINT64_MODIFIER "o", (int) length - 1,
              value);
}

static guint
header_checksum (const guint8 *header)
{
  guint sum = 0;

  for (gsize i = 0; i < CEP_TAR_BLOCK; i++)
    sum += (i >= CHKSUM_OFFSET && i < CHKSUM_OFFSET + CHKSUM_LENGTH) ? ' ' : header[i];
  return sum;
}

static void
fill_header (guint8     *header,
             const char *name,
             guint64     size)
{
  memset (header, 0, CEP_TAR_BLOCK);
  memcpy (header + NAME_OFFSET, name, strlen (name));
  put_octal (header, MODE_OFFSET, 8, 0644);
  put_octal (header, UID_OFFSET, 8, 0);
  put_octal (header, GID_OFFSET, 8, 0);
  put_octal (header, SIZE_OFFSET, SIZE_LENGTH, size);
  put_octal (header, MTIME_OFFSET, 12, 0);
  header[TYPE_OFFSET] = '0';
  memcpy (header + MAGIC_OFFSET, MAGIC, MAGIC_LENGTH);
  /* Six digits, NUL, space: the layout tar itself writes. */
  g_snprintf ((char *) header + CHKSUM_OFFSET, 7, "%06o", header_checksum (header));
  header[CHKSUM_OFFSET + 7] = ' ';
}

gboolean
cep_tar_writer_add (CepTarWriter  *self,
                    const char    *name,
                    const void    *data,
                    gsize          size,
                    GError       **error)
{
  guint8 header[CEP_TAR_BLOCK];
  static const guint8 zeros[CEP_TAR_BLOCK] = { 0 };
  gsize padding = (CEP_TAR_BLOCK - size % CEP_TAR_BLOCK) % CEP_TAR_BLOCK;

  g_return_val_if_fail (self != NULL && self->file != NULL, FALSE);
  if (!cep_tar_name_is_valid (name) || size > MAX_ENTRY_SIZE)
    {
      g_set_error (error, CEP_TAR_ERROR, CEP_TAR_ERROR_INVALID,
                   "“%s” cannot be stored in a hand-in archive (name or size)", name);
      return FALSE;
    }
  if (!g_hash_table_add (self->names, g_strdup (name)))
    {
      g_set_error (error, CEP_TAR_ERROR, CEP_TAR_ERROR_INVALID, "“%s” was added twice", name);
      return FALSE;
    }
  fill_header (header, name, size);
  return cep_atomic_file_write (self->file, header, sizeof header, error)
         && cep_atomic_file_write (self->file, data, size, error)
         && cep_atomic_file_write (self->file, zeros, padding, error);
}

gboolean
cep_tar_writer_commit (CepTarWriter  *self,
                       GError       **error)
{
  static const guint8 zeros[2 * CEP_TAR_BLOCK] = { 0 };
  CepAtomicFile *file = g_steal_pointer (&self->file);
  gboolean ok;

  ok = cep_atomic_file_write (file, zeros, sizeof zeros, error);
  if (ok)
    ok = cep_atomic_file_commit (file, error);
  else
    cep_atomic_file_abort (file);
  cep_tar_writer_free (self);
  return ok;
}

/* ---- reader ---- */

struct _CepTarReader
{
  GInputStream *stream;
  char         *display_name;
  GHashTable   *names;
  char          name[CEP_TAR_MAX_NAME + 1];
  guint64       remaining;   /* data bytes of the current entry not yet read */
  guint64       padding;     /* zeros after them up to the next block */
  guint64       offset;      /* bytes read so far, for messages */
  gboolean      done;
};

CepTarReader *
cep_tar_reader_new (GInputStream *stream,
                    const char   *display_name)
{
  CepTarReader *self = g_new0 (CepTarReader, 1);

  self->stream = g_object_ref (stream);
  self->display_name = g_strdup (display_name);
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

void
cep_tar_reader_free (CepTarReader *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->stream);
  g_free (self->display_name);
  g_hash_table_unref (self->names);
  g_free (self);
}

/* Reads up to @size bytes; *@got says how many came before the end of the stream. */
static gboolean
read_some (CepTarReader  *self,
           void          *buffer,
           gsize          size,
           gsize         *got,
           GError       **error)
{
  g_autoptr(GError) local = NULL;

  if (!g_input_stream_read_all (self->stream, buffer, size, got, NULL, &local))
    {
      g_set_error (error, CEP_TAR_ERROR, CEP_TAR_ERROR_IO, "%s: could not read: %s",
                   self->display_name, local->message);
      return FALSE;
    }
  self->offset += *got;
  return TRUE;
}

static gboolean
read_exact (CepTarReader  *self,
            void          *buffer,
            gsize          size,
            const char    *what,
            GError       **error)
{
  gsize got = 0;

  if (!read_some (self, buffer, size, &got, error))
    return FALSE;
  if (got < size)
    {
      g_set_error (error, CEP_TAR_ERROR, CEP_TAR_ERROR_TRUNCATED,
                   "%s: truncated: the file ends at byte %" G_GUINT64_FORMAT " inside %s",
                   self->display_name, self->offset, what);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_zero (const guint8 *data,
         gsize         size)
{
  for (gsize i = 0; i < size; i++)
    if (data[i] != 0)
      return FALSE;
  return TRUE;
}

static gboolean
parse_octal (const guint8 *field,
             gsize         length,
             guint64      *value)
{
  gsize i = 0;

  *value = 0;
  for (; i < length && field[i] >= '0' && field[i] <= '7'; i++)
    {
      if (*value > (G_MAXUINT64 >> 3))
        return FALSE;
      *value = (*value << 3) | (guint64) (field[i] - '0');
    }
  /* At least one digit, then only NULs and spaces to the end of the field. */
  if (i == 0)
    return FALSE;
  for (; i < length; i++)
    if (field[i] != '\0' && field[i] != ' ')
      return FALSE;
  return TRUE;
}

static gboolean
fail (CepTarReader  *self,
      GError       **error,
      CepTarError    code,
      const char    *format,
      ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (CepTarReader  *self,
      GError       **error,
      CepTarError    code,
      const char    *format,
      ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CEP_TAR_ERROR, code, "%s: %s", self->display_name, message);
  return FALSE;
}

static const char *
describe_type (guint8 type)
{
  switch (type)
    {
    case '1': return "a hard link";
    case '2': return "a symbolic link";
    case '3': return "a character device";
    case '4': return "a block device";
    case '5': return "a folder";
    case '6': return "a FIFO";
    case 'x': case 'g': return "a pax extended header";
    case 'L': case 'K': return "a GNU long-name header";
    default: return "an entry of an unknown type";
    }
}

/* The header's name (its text up to the first NUL in the 100-byte field), when it is safe. */
static gboolean
read_header_name (CepTarReader  *self,
                  const guint8  *header,
                  GError       **error)
{
  gsize length = 0;

  while (length < CEP_TAR_MAX_NAME && header[NAME_OFFSET + length] != '\0')
    length++;
  memcpy (self->name, header + NAME_OFFSET, length);
  self->name[length] = '\0';
  if (!is_zero (header + PREFIX_OFFSET, PREFIX_LENGTH))
    return fail (self, error, CEP_TAR_ERROR_UNSAFE,
                 "the entry “%s…” uses a name prefix (names longer than %u bytes are "
                 "refused)", self->name, CEP_TAR_MAX_NAME);
  if (!cep_tar_name_is_valid (self->name))
    {
      g_autofree char *shown = g_strescape (self->name, NULL);
      return fail (self, error, CEP_TAR_ERROR_UNSAFE,
                   "the entry name “%s” is refused: it is empty, absolute, holds “..” or an "
                   "empty part, or a character other than letters, digits, “.”, “_”, “-” "
                   "and “/”", shown);
    }
  return TRUE;
}

static gboolean
check_header (CepTarReader  *self,
              const guint8  *header,
              guint64       *size,
              GError       **error)
{
  guint64 checksum;

  if (memcmp (header + MAGIC_OFFSET, MAGIC, MAGIC_LENGTH) != 0)
    return fail (self, error, CEP_TAR_ERROR_INVALID,
                 "not a ustar archive (no “ustar” magic in the header at byte %" G_GUINT64_FORMAT
                 ")", self->offset - CEP_TAR_BLOCK);
  if (!parse_octal (header + CHKSUM_OFFSET, CHKSUM_LENGTH, &checksum)
      || checksum != header_checksum (header))
    return fail (self, error, CEP_TAR_ERROR_INVALID,
                 "the header at byte %" G_GUINT64_FORMAT " has a wrong checksum",
                 self->offset - CEP_TAR_BLOCK);
  if (!read_header_name (self, header, error))
    return FALSE;
  if (header[TYPE_OFFSET] != '0' && header[TYPE_OFFSET] != '\0')
    return fail (self, error, CEP_TAR_ERROR_UNSAFE,
                 "the entry “%s” is %s; only regular files are accepted", self->name,
                 describe_type (header[TYPE_OFFSET]));
  if (!parse_octal (header + SIZE_OFFSET, SIZE_LENGTH, size))
    return fail (self, error, CEP_TAR_ERROR_INVALID, "the entry “%s” has no valid size",
                 self->name);
  if (!g_hash_table_add (self->names, g_strdup (self->name)))
    return fail (self, error, CEP_TAR_ERROR_UNSAFE, "the entry “%s” appears twice",
                 self->name);
  if (g_hash_table_size (self->names) > CEP_TAR_MAX_ENTRIES)
    return fail (self, error, CEP_TAR_ERROR_TOO_LARGE, "more than %u entries",
                 CEP_TAR_MAX_ENTRIES);
  return TRUE;
}

/* Consumes @count bytes of the stream, which must exist. */
static gboolean
skip_bytes (CepTarReader  *self,
            guint64        count,
            GError       **error)
{
  guint8 buffer[COPY_CHUNK];

  while (count > 0)
    {
      gsize piece = (gsize) MIN (count, sizeof buffer);

      if (!read_exact (self, buffer, piece, self->name, error))
        return FALSE;
      count -= piece;
    }
  return TRUE;
}

/* After the first zero block: a second one, then at most MAX_TRAILING_ZEROS more zeros. */
static gboolean
read_end (CepTarReader  *self,
          GError       **error)
{
  guint8 buffer[CEP_TAR_BLOCK];
  gsize got = 0;
  guint64 trailing = 0;

  if (!read_exact (self, buffer, sizeof buffer, "the end-of-archive marker", error))
    return FALSE;
  if (!is_zero (buffer, sizeof buffer))
    return fail (self, error, CEP_TAR_ERROR_INVALID,
                 "a lone zero block at byte %" G_GUINT64_FORMAT " (a damaged archive)",
                 self->offset - 2 * CEP_TAR_BLOCK);
  do
    {
      if (!read_some (self, buffer, sizeof buffer, &got, error))
        return FALSE;
      if (!is_zero (buffer, got))
        return fail (self, error, CEP_TAR_ERROR_INVALID,
                     "data after the end of the archive (near byte %" G_GUINT64_FORMAT ")",
                     self->offset - got);
      trailing += got;
      if (trailing > MAX_TRAILING_ZEROS)
        return fail (self, error, CEP_TAR_ERROR_TOO_LARGE,
                     "more than %u zero bytes after the end of the archive",
                     MAX_TRAILING_ZEROS);
    }
  while (got == sizeof buffer);
  self->done = TRUE;
  return TRUE;
}

gboolean
cep_tar_reader_next (CepTarReader  *self,
                     const char   **name,
                     guint64       *size,
                     GError       **error)
{
  guint8 header[CEP_TAR_BLOCK];

  if (self->done)
    return FALSE;
  if (!skip_bytes (self, self->remaining + self->padding, error))
    return FALSE;
  self->remaining = self->padding = 0;
  if (!read_exact (self, header, sizeof header, "an entry header (no end-of-archive marker)",
                   error))
    return FALSE;
  if (is_zero (header, sizeof header))
    {
      /* The end: FALSE either way, with an error only when the end is damaged. */
      read_end (self, error);
      return FALSE;
    }
  if (!check_header (self, header, size, error))
    return FALSE;
  self->remaining = *size;
  self->padding = (CEP_TAR_BLOCK - *size % CEP_TAR_BLOCK) % CEP_TAR_BLOCK;
  *name = self->name;
  return TRUE;
}

GBytes *
cep_tar_reader_read_bytes (CepTarReader  *self,
                           gsize          max_size,
                           GError       **error)
{
  g_autofree guint8 *data = NULL;
  gsize size = (gsize) self->remaining;

  if (self->remaining > max_size)
    {
      fail (self, error, CEP_TAR_ERROR_TOO_LARGE,
            "the entry “%s” holds %" G_GUINT64_FORMAT " bytes, more than the %" G_GSIZE_FORMAT
            " allowed", self->name, self->remaining, max_size);
      return NULL;
    }
  data = g_malloc (MAX (size, 1));
  if (!read_exact (self, data, size, self->name, error))
    return NULL;
  self->remaining = 0;
  return g_bytes_new_take (g_steal_pointer (&data), size);
}

static gboolean
fail_errno (CepTarReader  *self,
            GError       **error,
            const char    *what,
            int            saved_errno)
{
  return fail (self, error, CEP_TAR_ERROR_IO, "could not extract “%s”: %s: %s", self->name,
               what, g_strerror (saved_errno));
}

/* Opens (making it when missing) each folder of the current name below @folder_fd, never
 * following a link; returns the descriptor of the last one and its final part. */
static int
open_parent (CepTarReader  *self,
             int            folder_fd,
             const char   **leaf,
             GError       **error)
{
  g_auto(GStrv) parts = g_strsplit (self->name, "/", -1);
  guint n = g_strv_length (parts);
  int fd = dup (folder_fd);

  for (guint i = 0; fd >= 0 && i + 1 < n; i++)
    {
      int next;

      if (mkdirat (fd, parts[i], 0700) < 0 && errno != EEXIST)
        {
          fail_errno (self, error, "making a folder", errno);
          close (fd);
          return -1;
        }
      next = openat (fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      close (fd);
      fd = next;
    }
  if (fd < 0)
    {
      fail_errno (self, error, "opening its folder", errno);
      return -1;
    }
  *leaf = self->name + strlen (self->name) - strlen (parts[n - 1]);
  return fd;
}

static gboolean
copy_data (CepTarReader  *self,
           int            fd,
           GChecksum     *checksum,
           GError       **error)
{
  guint8 buffer[COPY_CHUNK];

  while (self->remaining > 0)
    {
      gsize piece = (gsize) MIN (self->remaining, sizeof buffer);
      gsize written = 0;

      if (!read_exact (self, buffer, piece, self->name, error))
        return FALSE;
      self->remaining -= piece;
      g_checksum_update (checksum, buffer, piece);
      while (written < piece)
        {
          gssize n = write (fd, buffer + written, piece - written);

          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            return fail_errno (self, error, "writing", errno);
          written += (gsize) n;
        }
    }
  return TRUE;
}

gboolean
cep_tar_reader_extract (CepTarReader  *self,
                        const char    *folder,
                        char         **sha256,
                        GError       **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *leaf = NULL;
  int folder_fd, parent_fd, fd;
  gboolean ok;

  folder_fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder_fd < 0)
    return fail_errno (self, error, "opening the destination", errno);
  parent_fd = open_parent (self, folder_fd, &leaf, error);
  close (folder_fd);
  if (parent_fd < 0)
    return FALSE;
  fd = openat (parent_fd, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  close (parent_fd);
  if (fd < 0)
    return fail_errno (self, error, "creating it", errno);
  ok = copy_data (self, fd, checksum, error);
  if (close (fd) < 0 && ok)
    ok = fail_errno (self, error, "closing it", errno);
  if (ok && sha256 != NULL)
    *sha256 = g_strdup (g_checksum_get_string (checksum));
  return ok;
}
