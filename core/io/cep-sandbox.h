/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-sandbox.h: what a Flatpak sandbox changes about reaching files.
 *
 * Inside Flatpak, Cepstra sees its own folders and what the user shared with it (through the
 * file chooser, which hands over a document-portal path); any other host path simply does not
 * exist there. Errors for a missing folder say so, instead of leaving a student to wonder why
 * a folder they can see in their file manager is "not found".
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char    *cep_sandbox_explain_missing_path (const char *path,
                                           const char *flatpak_info_path);
gboolean cep_sandbox_is_document_path     (const char *path,
                                           const char *runtime_dir);

G_END_DECLS
