/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-lock.h: one writer per run folder.
 *
 * A training (from the CLI or the window) holds RUN/.cepstra-lock for as long as it may write
 * the folder; a second training of the same folder, or moving it to the trash meanwhile, gets
 * CEP_RUN_LOCK_ERROR_BUSY naming the owner (pid, host, start time). The lock is flock(2), so
 * the kernel drops it when its owner dies however it dies: a crash never leaves a stale lock
 * (the file stays, and its text is only read to name a live owner).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CEP_RUN_LOCK_FILE ".cepstra-lock"

#define CEP_RUN_LOCK_ERROR (cep_run_lock_error_quark ())
GQuark cep_run_lock_error_quark (void);

typedef enum
{
  CEP_RUN_LOCK_ERROR_BUSY,   /* another writer holds the folder */
  CEP_RUN_LOCK_ERROR_IO,     /* the lock file cannot be created or locked */
} CepRunLockError;

typedef struct _CepRunLock CepRunLock;

/* Takes @run_dir's lock without waiting; the folder must exist. */
CepRunLock *cep_run_lock_acquire  (const char  *run_dir,
                                   GError     **error);
void        cep_run_lock_release  (CepRunLock  *lock);
/* Whether a writer holds @run_dir now (FALSE with @error naming it when one does). */
gboolean    cep_run_lock_check_free (const char  *run_dir,
                                     GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CepRunLock, cep_run_lock_release)

G_END_DECLS
