/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * main.c: the cepstra executable — runs CepApplication and nothing else.
 */
#define G_LOG_DOMAIN "cepstra"

#include "cep-application.h"
#include "cep-gui-schema.h"
#include "cep-i18n.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (CepApplication) app = NULL;

  cep_i18n_init ();
  cep_gui_schema_ensure ();
  app = cep_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
