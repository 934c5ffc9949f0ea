/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-gui-schema.h: finding the GSettings schema when Cepstra runs from its build folder.
 *
 * An installed Cepstra finds io.github.cepstra.Cepstra in the system schema directories.
 * Run from a build folder (./run.sh), it is not installed: then the schema compiled into the
 * build folder is used, so the program starts instead of aborting in g_settings_new().
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE when the schema can be found (possibly after pointing GSETTINGS_SCHEMA_DIR at the
 * build folder's copy). Call before any GSettings object exists. */
gboolean cep_gui_schema_ensure (void);

G_END_DECLS
