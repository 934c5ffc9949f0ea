/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-handin-dialog.h: "Hand In…" — a student's run written as one file for the teacher,
 * through core's hand-in writer (cep-handin.h) in a worker thread.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Called on the main thread once the hand-in is written (@path) or failed (@error: a broken
 * rule is named in its message). Not called when the person cancels. */
typedef void (*CepHandinDone) (GtkWidget    *owner,
                               const char   *path,
                               const GError *error,
                               gpointer      user_data);

/* Asks for the student's name and the file (first suggested in @folder, NULL: the Documents
 * folder, as RUN.cepstra-handin) in a dialog over @owner's window, then hands in @run_dir.
 * Returns the dialog (owned by GTK) for tests. */
AdwMessageDialog *cep_handin_dialog_present (GtkWidget     *owner,
                                             const char    *run_dir,
                                             const char    *folder,
                                             CepHandinDone  done,
                                             gpointer       user_data);

G_END_DECLS
