/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fuzz-handin.c: libFuzzer target for opening a hand-in (cep_handin_open: the manifest, the
 * archive's size against it, extraction and hashes, the run's files).
 *
 * Every input is written to one file in a private folder and opened; it either opens, with a
 * student name a hand-in may carry, or fails with an error that starts with the file's path.
 * Nothing may be left behind but that file. Seeds in corpus/handin (the hostile hand-ins of
 * tests/hostile/handin and a real one).
 */
#include "cep-handin.h"

#include <glib/gstdio.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static char *folder;

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *path = NULL;
  g_autoptr(CepHandin) handin = NULL;
  g_autoptr(GError) error = NULL;

  if (folder == NULL)
    folder = g_dir_make_tmp ("cepstra-fuzz-handin-XXXXXX", NULL);
  g_assert_nonnull (folder);
  path = g_build_filename (folder, "fuzz.cepstra-handin", NULL);
  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) size, NULL));
  handin = cep_handin_open (path, &error);
  if (handin == NULL)
    g_assert_true (g_str_has_prefix (error->message, path));
  else
    g_assert_true (cep_handin_student_is_valid (cep_handin_get_student (handin)));
  g_clear_pointer (&handin, cep_handin_free);
  g_unlink (path);
  return 0;
}
