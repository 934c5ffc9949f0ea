/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-i18n.c: binding the message catalogue. Owns the choice of locale folder.
 */
#define G_LOG_DOMAIN "cepstra-io"

#include "cep-i18n.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "cep-config.h"

const char *
cep_i18n_get_locale_dir (void)
{
  const char *dir = g_getenv ("CEPSTRA_LOCALEDIR");

  return dir != NULL && *dir != '\0' ? dir : LOCALEDIR;
}

void
cep_i18n_init (void)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, cep_i18n_get_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
