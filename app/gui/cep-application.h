/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-application.h: the Cepstra GTK application.
 *
 * Owns the GSettings of the app, the application-wide actions (preferences, about, quit) and
 * the command line: `cepstra [DATASET]` opens a dataset folder; without one the last dataset
 * (or the embedded demo) opens.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CEP_APPLICATION_ID "io.github.cepstra.Cepstra"

#define CEP_TYPE_APPLICATION (cep_application_get_type ())
G_DECLARE_FINAL_TYPE (CepApplication, cep_application, CEP, APPLICATION, AdwApplication)

CepApplication *cep_application_new          (void);
/* The app's settings (io.github.cepstra.Cepstra). */
GSettings      *cep_application_get_settings (CepApplication *self);

/* Remembers @root as the most recent dataset (front of the list, at most 8 entries). */
void            cep_application_add_recent   (CepApplication *self,
                                              const char     *root);

G_END_DECLS
