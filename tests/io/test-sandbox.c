/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-sandbox.c: the explanation added to "no such folder" inside a Flatpak sandbox, and
 * only there. (The real sandbox is exercised by flatpak/test-sandbox.py.)
 */
#include <glib/gstdio.h>
#include <string.h>

#include "cep-sandbox.h"

static void
test_outside_a_sandbox (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-sandbox-XXXXXX", NULL);
  g_autofree char *marker = g_build_filename (dir, "flatpak-info", NULL);
  g_autofree char *why = cep_sandbox_explain_missing_path ("/home/student/data", marker);

  g_assert_cmpstr (why, ==, "");
  g_rmdir (dir);
}

static void
test_inside_a_sandbox (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-sandbox-XXXXXX", NULL);
  g_autofree char *marker = g_build_filename (dir, "flatpak-info", NULL);
  g_autofree char *why = NULL;

  g_assert_true (g_file_set_contents (marker, "[Application]\nname=x\n", -1, NULL));
  why = cep_sandbox_explain_missing_path ("/home/student/data", marker);
  /* Names the sandbox, the way in from the window, and the override for this very path. */
  g_assert_nonnull (strstr (why, "Flatpak sandbox"));
  g_assert_nonnull (strstr (why, "Open Dataset"));
  g_assert_nonnull (strstr (why, "--filesystem=/home/student/data io.github.cepstra.Cepstra"));
  g_unlink (marker);
  g_rmdir (dir);
}

static void
test_document_paths (void)
{
  /* The portal's mount holds one folder per document ID; the shared item is inside it. */
  g_assert_true (cep_sandbox_is_document_path ("/run/user/1000/doc/5f3a9c2e/demo", "/run/user/1000"));
  g_assert_true (cep_sandbox_is_document_path ("/run/user/1000/doc/5f3a9c2e/demo/dev-clean",
                                               "/run/user/1000"));
  /* The mount itself, an ID alone, another user's portal and ordinary folders are not. */
  g_assert_false (cep_sandbox_is_document_path ("/run/user/1000/doc", "/run/user/1000"));
  g_assert_false (cep_sandbox_is_document_path ("/run/user/1000/doc/5f3a9c2e", "/run/user/1000"));
  g_assert_false (cep_sandbox_is_document_path ("/run/user/1001/doc/5f3a9c2e/demo", "/run/user/1000"));
  g_assert_false (cep_sandbox_is_document_path ("/run/user/1000/docs/x/demo", "/run/user/1000"));
  g_assert_false (cep_sandbox_is_document_path ("/home/student/doc/x/demo", "/run/user/1000"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sandbox/outside", test_outside_a_sandbox);
  g_test_add_func ("/sandbox/inside", test_inside_a_sandbox);
  g_test_add_func ("/sandbox/document-paths", test_document_paths);
  return g_test_run ();
}
