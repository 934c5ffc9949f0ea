/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-atomic-file.h: the one way Cepstra writes a whole file.
 *
 * Every output (checkpoints, .npy features, CSV and PNG exports, experiment.json) is written
 * to a temporary sibling, fsync'ed, renamed over the target and the folder fsync'ed, so a
 * crash, a full disk or a cancelled export never leaves a half-written file where a good one
 * was. The rule for what is at the path already:
 *   - nothing, or a regular file: replaced atomically, keeping the old file's permissions;
 *   - a symbolic link: followed, and its final target replaced atomically (the link stays);
 *   - anything else (a folder, a FIFO, a device, a socket): refused with an error naming the
 *     path and what it is, and nothing is written.
 * Temporary files are named ".NAME.XXXXXX.partial", so a folder's leftovers from a killed
 * writer can be recognised and removed (cep_atomic_file_remove_leftovers()).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CEP_ATOMIC_FILE_ERROR (cep_atomic_file_error_quark ())
GQuark cep_atomic_file_error_quark (void);

typedef enum
{
  /* The path names something that is not a regular file (or a link to one). */
  CEP_ATOMIC_FILE_ERROR_NOT_REGULAR,
  /* Creating, writing, syncing or renaming failed; the message carries strerror. */
  CEP_ATOMIC_FILE_ERROR_IO,
  /* As _IO, because the disk or the quota is full (ENOSPC, EDQUOT). */
  CEP_ATOMIC_FILE_ERROR_NO_SPACE,
} CepAtomicFileError;

typedef struct _CepAtomicFile CepAtomicFile;

/* Resolves @path by the rule above and opens a temporary sibling of the target. */
CepAtomicFile *cep_atomic_file_begin         (const char     *path,
                                              GError        **error);
/* The temporary file's descriptor, for writers that stream (it stays owned by @file). */
int            cep_atomic_file_get_fd        (CepAtomicFile  *file);
/* Appends @size bytes, in pieces write(2) accepts. */
gboolean       cep_atomic_file_write         (CepAtomicFile  *file,
                                              const void     *data,
                                              gsize           size,
                                              GError        **error);
/* Syncs, closes and renames the temporary file over the target, then syncs the folder.
 * Frees @file; on failure the temporary file is removed and the target is untouched. */
gboolean       cep_atomic_file_commit        (CepAtomicFile  *file,
                                              GError        **error);
/* Removes the temporary file and frees @file; the target is untouched. */
void           cep_atomic_file_abort         (CepAtomicFile  *file);

/* begin, write, commit. */
gboolean       cep_atomic_file_set_contents  (const char     *path,
                                              const void     *data,
                                              gsize           size,
                                              GError        **error);

/* Whether @basename is a temporary file of this writer. */
gboolean       cep_atomic_file_is_leftover   (const char     *basename);
/* Removes the temporary files a killed writer left in @folder (not recursive); returns how
 * many were removed. Only call it where no other writer can be active (a locked run). */
guint          cep_atomic_file_remove_leftovers (const char  *folder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepAtomicFile, cep_atomic_file_abort)

G_END_DECLS
