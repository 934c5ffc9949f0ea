/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-sandbox.c: see cep-sandbox.h.
 */
#include "cep-sandbox.h"

#include <string.h>

#define CEP_APP_ID "io.github.cepstra.Cepstra"
/* Flatpak writes this file at the root of every sandbox it starts. */
#define CEP_SANDBOX_FLATPAK_INFO "/.flatpak-info"

/* What to add to "PATH: no such folder" when the sandbox may be what hides PATH: a sentence
 * naming the two ways in (the Open dialog, or a filesystem override for the command line), or
 * an empty string outside a sandbox. FLATPAK_INFO_PATH is where the sandbox marker would be
 * (NULL: the real one); tests point it elsewhere. */
char *
cep_sandbox_explain_missing_path (const char *path,
                                  const char *flatpak_info_path)
{
  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (flatpak_info_path != NULL ? flatpak_info_path : CEP_SANDBOX_FLATPAK_INFO,
                    G_FILE_TEST_EXISTS))
    return g_strdup ("");
  return g_strdup_printf (" (Cepstra runs in a Flatpak sandbox and sees only the folders shared "
                          "with it: open the folder with Open Dataset… in the window, or share "
                          "it for the command line with `flatpak override --user "
                          "--filesystem=%s " CEP_APP_ID "`)", path);
}

/* Whether PATH is inside the document portal's mount, RUNTIME_DIR/doc/ID/… (NULL: this
 * user's runtime folder), where a file shared with a sandboxed app through the file chooser
 * is seen. Such a path lasts as long as the portal keeps the permission, but its ID part
 * means nothing to a person. */
gboolean
cep_sandbox_is_document_path (const char *path,
                              const char *runtime_dir)
{
  g_autofree char *prefix = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  prefix = g_strconcat (runtime_dir != NULL ? runtime_dir : g_get_user_runtime_dir (),
                        G_DIR_SEPARATOR_S "doc" G_DIR_SEPARATOR_S, NULL);
  return g_str_has_prefix (path, prefix) && strchr (path + strlen (prefix), '/') != NULL;
}
