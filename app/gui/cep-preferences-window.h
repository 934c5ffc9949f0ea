/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-preferences-window.h: the Preferences window (appearance, plots, training defaults).
 *
 * Every row is bound to a key of io.github.cepstra.Cepstra, so a change applies at once and is
 * remembered; there is no Apply button.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CEP_TYPE_PREFERENCES_WINDOW (cep_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (CepPreferencesWindow, cep_preferences_window, CEP, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *cep_preferences_window_new (void);

G_END_DECLS
