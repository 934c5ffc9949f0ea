/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * comma-locale.c: see comma-locale.h.
 */
#include "comma-locale.h"

#include "data-test-util.h"

#include <locale.h>
#include <stdio.h>

#define COMMA_LOCALE "de_DE.UTF-8"

/* Switches LC_NUMERIC to German; returns the folder to hand to comma_locale_leave(). Fails
 * the test (it does not skip) when the locale cannot be made: a skip here would hide the
 * very bug the test is for. */
char *
comma_locale_enter (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cep-locale-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, COMMA_LOCALE, NULL);
  const char *argv[] = { "localedef", "-c", "-i", "de_DE", "-f", "UTF-8", path, NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  char number[16];

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, NULL, &error))
    g_error ("localedef: %s", error->message);
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    g_error ("localedef made no %s (are Debian's `locales` sources installed?): %s", path, err);
  g_setenv ("LOCPATH", dir, TRUE);
  if (setlocale (LC_NUMERIC, COMMA_LOCALE) == NULL)
    g_error ("cannot switch LC_NUMERIC to %s from %s", COMMA_LOCALE, dir);
  /* The premise of the test: printf now writes a comma. */
  g_snprintf (number, sizeof number, "%.1f", 0.5);
  g_assert_cmpstr (number, ==, "0,5");
  return g_steal_pointer (&dir);
}

void
comma_locale_leave (char *dir)
{
  setlocale (LC_NUMERIC, "C");
  g_unsetenv ("LOCPATH");
  data_test_remove_tree (dir);
  g_free (dir);
}
