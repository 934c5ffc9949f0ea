/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-assignment-dialog.h: "Save as Assignment…" — the teacher picks, on the experiment being
 * set up, which settings are locked or hidden and which are bounded, gives a title and
 * instructions, and saves a .cepstra-assignment (core/classroom writes it).
 *
 * One row per setting of experiment.json (cep-experiment-paths.h) with Editable / Locked /
 * Hidden, and for numbers a minimum and a maximum; the parameter count can be bounded too.
 * Every rule goes through the same setters the CLI's flags do, so what the dialog accepts is
 * what `assignment new` accepts.
 */
#pragma once

#include <adwaita.h>

#include "cep-session.h"

G_BEGIN_DECLS

#define CEP_TYPE_ASSIGNMENT_DIALOG (cep_assignment_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CepAssignmentDialog, cep_assignment_dialog, CEP, ASSIGNMENT_DIALOG,
                      AdwPreferencesWindow)

CepAssignmentDialog *cep_assignment_dialog_new     (CepSession          *session);
/* Presents a new dialog, transient for and modal to @parent. */
void                 cep_assignment_dialog_present (GtkWindow           *parent,
                                                    CepSession          *session);

/* The assignment as the dialog stands (for Save, and for tests). */
CepAssignment       *cep_assignment_dialog_build   (CepAssignmentDialog *self,
                                                    GError             **error);
/* Sets @path's mode (0 editable, 1 locked, 2 hidden) and bounds (NULL: none), as a teacher
 * would with the rows (tests use it); FALSE for a path without a row. */
gboolean             cep_assignment_dialog_set_rule (CepAssignmentDialog *self,
                                                     const char          *path,
                                                     guint                mode,
                                                     const char          *min,
                                                     const char          *max);
void                 cep_assignment_dialog_set_text (CepAssignmentDialog *self,
                                                     const char          *title,
                                                     const char          *instructions);

G_END_DECLS
