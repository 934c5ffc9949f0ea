/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-edit.h: what a person changes about a finished run — its name and notes — and
 * moving it to the trash.
 *
 * The name and notes live in the run's experiment.json ("name", "notes"); nothing else in it
 * changes, so the run stays reproducible and its checkpoints untouched. Runs are moved to the
 * trash, never deleted: a run removed by mistake can be restored from the file manager.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Sets the run's name (NULL: unchanged; "" removes it, so the model's name shows) and notes
 * (NULL: unchanged; "" removes them) and rewrites experiment.json atomically. Errors name the
 * file. */
gboolean cep_run_edit_describe (const char    *run_dir,
                                const char    *name,
                                const char    *notes,
                                GError       **error);

/* Moves the run folder to the trash. Refuses a folder that is not a run (no experiment.json)
 * and reports a file system without a trash instead of deleting. */
gboolean cep_run_edit_trash    (const char    *run_dir,
                                GCancellable  *cancellable,
                                GError       **error);

G_END_DECLS
