/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-gui-schema.c: the build folder's schema as a fallback for uninstalled runs.
 *
 * Owns only the environment tweak; must run before GSettings is first used.
 */
#define G_LOG_DOMAIN "cepstra-schema"

#include "cep-gui-schema.h"

#include <gio/gio.h>

#include "cep-application.h"

static gboolean
directory_has_schema (const char *directory)
{
  g_autoptr (GSettingsSchemaSource) source = NULL;
  g_autoptr (GSettingsSchema) schema = NULL;

  source = g_settings_schema_source_new_from_directory (directory, NULL, FALSE, NULL);
  if (source == NULL)
    return FALSE;
  schema = g_settings_schema_source_lookup (source, CEP_APPLICATION_ID, FALSE);
  return schema != NULL;
}

/* Looks where GSettings looks, without building the default source (which would freeze the
 * environment before we could change it). */
static gboolean
schema_installed (void)
{
  const char * const *dirs = g_get_system_data_dirs ();
  g_autofree char *user = g_build_filename (g_get_user_data_dir (), "glib-2.0", "schemas", NULL);

  if (directory_has_schema (user))
    return TRUE;
  for (guint i = 0; dirs[i] != NULL; i++)
    {
      g_autofree char *dir = g_build_filename (dirs[i], "glib-2.0", "schemas", NULL);

      if (directory_has_schema (dir))
        return TRUE;
    }
  return FALSE;
}

gboolean
cep_gui_schema_ensure (void)
{
  g_autofree char *compiled = g_build_filename (CEP_GUI_BUILD_SCHEMA_DIR, "gschemas.compiled",
                                                NULL);

  if (g_getenv ("GSETTINGS_SCHEMA_DIR") != NULL || schema_installed ())
    return TRUE;
  if (!g_file_test (compiled, G_FILE_TEST_EXISTS))
    return FALSE;
  /* The default schema source is built once, on first use: this must come before it. */
  g_setenv ("GSETTINGS_SCHEMA_DIR", CEP_GUI_BUILD_SCHEMA_DIR, TRUE);
  return TRUE;
}
