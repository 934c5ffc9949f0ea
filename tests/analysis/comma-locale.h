/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * comma-locale.h: run a test under a locale that writes numbers with a decimal comma.
 *
 * Files meant for other programs (CSV, JSON) must write "0.5" whatever the user's locale; a
 * student in Germany runs with LC_NUMERIC=de_DE. The locale is compiled with localedef into a
 * temporary LOCPATH, so the test needs only Debian's `locales` sources, not a generated
 * system locale.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *comma_locale_enter (void);
void  comma_locale_leave (char *dir);

G_END_DECLS
