/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-tar.h: a strict, minimal POSIX ustar writer and reader, for hand-ins.
 *
 * The writer makes archives of regular files only (mode 0644, owner 0, time 0, so the same
 * files give the same bytes), through cep-atomic-file. The reader is for archives that came
 * from someone else: it accepts what the writer makes and refuses, with an error naming the
 * archive and the entry, everything else — a bad checksum or magic, a name that is absolute,
 * holds "..", an empty part or a character outside [A-Za-z0-9._-/], a link, a folder, a
 * device or any extension header, a name seen twice, data that ends before an entry's
 * declared size or before the end-of-archive marker, and anything but zeros after it.
 * Entries are extracted only below a folder the caller names (openat, O_NOFOLLOW, O_EXCL:
 * nothing there is followed or replaced). The reader must not decide what an archive should
 * contain; its caller (a hand-in's manifest) does.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CEP_TAR_ERROR (cep_tar_error_quark ())
GQuark cep_tar_error_quark (void);

typedef enum
{
  CEP_TAR_ERROR_INVALID,    /* not a ustar archive, or a header that is not well formed */
  CEP_TAR_ERROR_TRUNCATED,  /* the data ends inside an entry or before the end marker */
  CEP_TAR_ERROR_UNSAFE,     /* a name or entry type that could escape or alias: refused */
  CEP_TAR_ERROR_TOO_LARGE,  /* an entry or the archive beyond the caller's bound */
  CEP_TAR_ERROR_IO,         /* reading, or writing an extracted file, failed */
} CepTarError;

#define CEP_TAR_BLOCK 512
/* The longest entry name: ustar's 100-byte name field (the writer never uses the prefix). */
#define CEP_TAR_MAX_NAME 100
/* Entries one archive may hold; hand-ins have about ten. */
#define CEP_TAR_MAX_ENTRIES 1024

/* The bytes an entry of @size takes in an archive: its header and its padded data. */
guint64       cep_tar_entry_footprint     (guint64          size);
/* Whether @name is one the reader accepts (and so the writer may write). */
gboolean      cep_tar_name_is_valid       (const char      *name);

typedef struct _CepTarWriter CepTarWriter;

/* Starts an archive at @path (a temporary sibling until commit). */
CepTarWriter *cep_tar_writer_new          (const char      *path,
                                           GError         **error);
gboolean      cep_tar_writer_add          (CepTarWriter    *self,
                                           const char      *name,
                                           const void      *data,
                                           gsize            size,
                                           GError         **error);
/* Writes the end-of-archive marker and renames the archive into place; frees @self. */
gboolean      cep_tar_writer_commit       (CepTarWriter    *self,
                                           GError         **error);
/* Drops the temporary file; the path is untouched. */
void          cep_tar_writer_free         (CepTarWriter    *self);

typedef struct _CepTarReader CepTarReader;

/* Reads @stream (borrowed; a reference is kept); @display_name starts every error. */
CepTarReader *cep_tar_reader_new          (GInputStream    *stream,
                                           const char      *display_name);
void          cep_tar_reader_free         (CepTarReader    *self);
/* The next entry: TRUE with its name (owned by @self until the next call) and size; FALSE at
 * the end of the archive with no error, or with one. The previous entry's data is skipped
 * if it was not read. */
gboolean      cep_tar_reader_next         (CepTarReader    *self,
                                           const char     **name,
                                           guint64         *size,
                                           GError         **error);
/* The current entry's data, when it is at most @max_size bytes. */
GBytes       *cep_tar_reader_read_bytes   (CepTarReader    *self,
                                           gsize            max_size,
                                           GError         **error);
/* Writes the current entry's data to @folder/NAME, making NAME's folders inside @folder;
 * nothing at the path may exist yet. @sha256 (may be NULL) receives the data's SHA-256 in
 * lower-case hex. */
gboolean      cep_tar_reader_extract      (CepTarReader    *self,
                                           const char      *folder,
                                           char           **sha256,
                                           GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepTarWriter, cep_tar_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepTarReader, cep_tar_reader_free)

G_END_DECLS
