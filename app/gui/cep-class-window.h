/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-class-window.h: the teacher's window — a folder of hand-ins verified and side by side.
 *
 * It opens the folder through core's class (cep-class.h: hashes, the assignment's rules, the
 * metric re-measured on the teacher's dev partition) in a worker, with progress and Cancel,
 * and shows the class as the run history shows runs: a CepRunsTable (student, model,
 * parameters, key settings, claimed and re-measured metric, training time, flags; the reasons
 * of the selected hand-in below it and in the flags' tooltip) and a CepRunComparisonView of
 * the students ticked. The table exports as CSV (core's writer); "Open in Analyze" asks the
 * main window, through the "open-run" signal, to analyze the selected hand-in's run.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CEP_TYPE_CLASS_WINDOW (cep_class_window_get_type ())
G_DECLARE_FINAL_TYPE (CepClassWindow, cep_class_window, CEP, CLASS_WINDOW, AdwWindow)

/* Starts verifying the hand-ins in @folder against the dataset at @dataset_root (NULL: the
 * demo dataset); the window shows the progress at once. */
CepClassWindow *cep_class_window_new           (GtkApplication *application,
                                                const char     *folder,
                                                const char     *dataset_root);
/* Whether the hand-ins are still being verified. */
gboolean        cep_class_window_is_loading    (CepClassWindow *self);
/* Stops the verification (the window then says it was cancelled). */
void            cep_class_window_cancel        (CepClassWindow *self);
/* The hand-ins (CepRunItem, their label the student's name), in the class's order. */
GListModel     *cep_class_window_get_handins   (CepClassWindow *self);
/* The flags of hand-in @index as the table shows them ("" when none). */
char           *cep_class_window_describe_flags (CepClassWindow *self,
                                                 guint           index);
/* Writes the class table as CSV to @path (core's writer). */
gboolean        cep_class_window_write_csv     (CepClassWindow *self,
                                                const char     *path,
                                                GError        **error);

G_END_DECLS
