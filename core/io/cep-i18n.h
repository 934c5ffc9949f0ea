/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-i18n.h: Cepstra's message catalogue, bound once by each program (the window, the CLI,
 * tests) before the first translated string is looked up.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets the locale from the environment and binds the "cepstra" domain (UTF-8) to
 * $CEPSTRA_LOCALEDIR when set (an uninstalled build: build/po), else to the installed
 * locale folder, and makes it the default domain (what GtkBuilder templates use). */
void        cep_i18n_init           (void);
/* The folder the domain is bound to. */
const char *cep_i18n_get_locale_dir (void);

G_END_DECLS
