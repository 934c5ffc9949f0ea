/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-assignment-banner.h: the strip under the header bar while an assignment is open — its
 * title, its instructions (the Markdown subset, rendered safely), a warning when the open
 * dataset is not the one it expects, and Leave Assignment (win.leave-assignment).
 *
 * It follows the session's "assignment" and "dataset" and is hidden without an assignment.
 * The dataset's fingerprint is computed on a worker (it lists the training partition).
 */
#pragma once

#include <gtk/gtk.h>

#include "cep-session.h"

G_BEGIN_DECLS

#define CEP_TYPE_ASSIGNMENT_BANNER (cep_assignment_banner_get_type ())
G_DECLARE_FINAL_TYPE (CepAssignmentBanner, cep_assignment_banner, CEP, ASSIGNMENT_BANNER,
                      GtkWidget)

GtkWidget *cep_assignment_banner_new          (void);
void       cep_assignment_banner_set_session  (CepAssignmentBanner *self,
                                               CepSession          *session);
/* The warning shown now ("" when the dataset is the expected one or none is expected). */
const char *cep_assignment_banner_get_warning (CepAssignmentBanner *self);

G_END_DECLS
