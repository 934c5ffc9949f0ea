/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-rule-row.h: a form row that follows the assignment's rule for its setting.
 *
 * The one place the window applies an assignment's rules to what people edit: a row is
 * attached once, with the control that edits it and the experiment.json path it holds, and
 * from then on it asks the session for that path's rule whenever the assignment changes —
 * hidden rows are gone, locked ones insensitive with a lock icon and a tooltip saying the
 * teacher fixed them, bounded spin buttons clamped with the bound in the row's subtitle,
 * choices with an allowed set list it there. Leaving the assignment gives the row back as it
 * was. Enforcement is core's (cep_assignment_check_experiment() before a run starts); this
 * only shows the rules.
 */
#pragma once

#include <adwaita.h>

#include "cep-session.h"

G_BEGIN_DECLS

/* @row: an AdwActionRow (an AdwComboRow included); @control: what edits the value (a
 * GtkSpinButton, a switch, or the combo row itself); @scale: the control's unit per unit of
 * the setting (100 for a fraction shown in per cent). The row keeps what it needs. */
void cep_rule_row_attach (GtkWidget  *row,
                          GtkWidget  *control,
                          CepSession *session,
                          const char *path,
                          double      scale);

G_END_DECLS
