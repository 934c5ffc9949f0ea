/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-file-chooser.h: asking for folders and files on every supported GTK.
 *
 * GtkFileDialog where GTK has it (4.10 and later), GtkFileChooserNative on 4.8 (Debian 12).
 * Both end in one callback on the main thread with the chosen files, or none when the user
 * cancelled; the callers never see which API ran.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* @files: the chosen files (GFile*), empty when cancelled; borrowed for the call. */
typedef void (*CepFilesChosenFunc) (GPtrArray *files,
                                    gpointer   user_data);

void cep_choose_folder   (GtkWindow           *parent,
                          const char          *title,
                          const char          *accept_label,
                          CepFilesChosenFunc   callback,
                          gpointer             user_data);
/* Audio files (WAV, FLAC, OGG), several at once. */
void cep_choose_audio    (GtkWindow           *parent,
                          const char          *title,
                          CepFilesChosenFunc   callback,
                          gpointer             user_data);
/* One file to write, suggested as @initial_name. */
void cep_choose_save     (GtkWindow           *parent,
                          const char          *title,
                          const char          *initial_name,
                          CepFilesChosenFunc   callback,
                          gpointer             user_data);

/* One experiment.json (or any .json) to open. */
void cep_choose_experiment (GtkWindow           *parent,
                            CepFilesChosenFunc   callback,
                            gpointer             user_data);

/* One *.cepstra-assignment to open, starting in @initial_folder (NULL: the chooser's). */
void cep_choose_assignment (GtkWindow           *parent,
                            const char          *initial_folder,
                            CepFilesChosenFunc   callback,
                            gpointer             user_data);

G_END_DECLS
