/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-translation.c: the window comes up in German under LANGUAGE=de (the shipped po/de.po,
 * compiled into the build's locale folder): template strings, strings from C, plurals, and
 * every page drawn for a look.
 */
#include <glib/gi18n.h>
#include <locale.h>

#include "cep-application.h"
#include "cep-i18n.h"
#include "cep-ui-test-util.h"
#include "cep-window.h"

static CepApplication *app;

static gboolean
dataset_loaded (gpointer data)
{
  CepSession *session = cep_window_get_session (data);

  return cep_session_get_dataset (session) != NULL && !cep_session_get_loading (session);
}

/* A page's named widget, in the page's template or in one of its parts'. */
static gpointer
template_child (CepWindow  *window,
                const char *page,
                const char *name)
{
  return cep_ui_test_find_child (cep_window_get_page (window, page), name);
}

static void
test_german_window (void)
{
  CepWindow *window = cep_window_new (GTK_APPLICATION (app));
  static const char *pages[] = { "data", "model", "train", "analyze", "backends" };

  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));
  cep_window_open_default (window);
  g_assert_true (cep_ui_test_wait_for (dataset_loaded, window, 60000));
  /* From a template (.ui) and from C. */
  g_assert_cmpstr (gtk_label_get_label (template_child (window, "train", "status_label")), ==,
                   "Bereit");
  g_assert_cmpstr (adw_preferences_row_get_title (template_child (window, "train", "model_row")),
                   ==, "Modell");
  g_assert_cmpstr (adw_status_page_get_title (template_child (window, "backends",
                                                              "empty_status")),
                   ==, "Noch keine Messungen");
  g_assert_cmpstr (_("Loading cancelled"), ==, "Laden abgebrochen");
  /* Plural forms come from the catalogue's header. */
  g_assert_cmpstr (g_dngettext (NULL, "Skipped %u file that could not be read",
                                "Skipped %u files that could not be read", 3),
                   ==, "%u nicht lesbare Dateien übersprungen");
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("page-%s-de", pages[i]);
      cairo_surface_t *shot;

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s",
                                                 pages[i]));
      cep_ui_test_run_for (300);
      shot = cep_ui_test_screenshot (GTK_WIDGET (window), name,
                                     cep_window_get_page (window, pages[i]), NULL);
      cairo_surface_destroy (shot);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  int status;

  cep_ui_test_init (&argc, &argv);
  /* gtk_test_init() pins an English locale; LANGUAGE only counts under a locale that is not
   * plain "C", and C.UTF-8 is always there. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "de", TRUE);
  cep_i18n_init ();
  app = cep_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_application_hold (G_APPLICATION (app));
  g_test_add_func ("/ui/translation/german-window", test_german_window);
  status = g_test_run ();
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
