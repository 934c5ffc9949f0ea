/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-edit-dialog.h: "Rename and Annotate Run" and "Move Run to Trash" — the run history's
 * edits, done off the main thread through core's cep-run-edit.h.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called on the main thread once an edit is written (@error NULL) or failed. Not called when
 * the person cancels the dialog. */
typedef void (*CepRunEditDone) (GtkWidget    *owner,
                                const GError *error,
                                gpointer      user_data);

/* Asks for a new name and notes of the run at @run_dir (showing @name and @notes, either may
 * be NULL) in a dialog over @owner's window, and writes them. */
void cep_run_edit_dialog_present (GtkWidget      *owner,
                                  const char     *run_dir,
                                  const char     *name,
                                  const char     *notes,
                                  CepRunEditDone  done,
                                  gpointer        user_data);

/* Moves @run_dir to the trash in a worker thread, then calls @done. */
void cep_run_edit_trash_async    (GtkWidget      *owner,
                                  const char     *run_dir,
                                  CepRunEditDone  done,
                                  gpointer        user_data);

G_END_DECLS
