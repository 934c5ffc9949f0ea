/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-application.c: application actions, command line, settings and the colour scheme.
 *
 * Owns what outlives a window. Must not open datasets itself: windows do, through their
 * session.
 */
#define G_LOG_DOMAIN "cepstra-application"

#include "cep-application.h"
#include "cep-assignment.h"

#include <glib/gi18n.h>

#include "cep-config.h"
#include "cep-preferences-window.h"
#include "cep-window.h"

#define MAX_RECENT 8

struct _CepApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (CepApplication, cep_application, ADW_TYPE_APPLICATION)

CepApplication *
cep_application_new (void)
{
  return g_object_new (CEP_TYPE_APPLICATION,
                       "application-id", CEP_APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/cepstra/Cepstra",
                       NULL);
}

GSettings *
cep_application_get_settings (CepApplication *self)
{
  g_return_val_if_fail (CEP_IS_APPLICATION (self), NULL);
  return self->settings;
}

void
cep_application_add_recent (CepApplication *self,
                            const char     *root)
{
  g_auto (GStrv) old = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) recent = NULL;
  guint n = 1;

  g_return_if_fail (CEP_IS_APPLICATION (self));
  g_return_if_fail (root != NULL);

  old = g_settings_get_strv (self->settings, "recent-datasets");
  g_strv_builder_add (builder, root);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (g_strcmp0 (old[i], root) != 0)
      {
        g_strv_builder_add (builder, old[i]);
        n++;
      }
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-datasets", (const char * const *) recent);
}

/* ---- colour scheme ---- */

static void
apply_color_scheme (CepApplication *self)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT, ADW_COLOR_SCHEME_FORCE_LIGHT, ADW_COLOR_SCHEME_FORCE_DARK,
  };
  guint scheme = (guint) g_settings_get_enum (self->settings, "color-scheme");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      schemes[MIN (scheme, G_N_ELEMENTS (schemes) - 1)]);
}

static void
on_color_scheme_changed (GSettings      *settings,
                         const char     *key,
                         CepApplication *self)
{
  apply_color_scheme (self);
}

/* ---- actions ---- */

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Closing windows lets each one save its size and stop its runs cleanly. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free (windows);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWidget *preferences = cep_preferences_window_new ();

  gtk_window_set_transient_for (GTK_WINDOW (preferences), gtk_application_get_active_window (app));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { _("The Cepstra developers"), NULL };
  GtkWidget *about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
    "application-name", "Cepstra",
    "application-icon", CEP_APPLICATION_ID,
    "version", PACKAGE_VERSION,
    "developer-name", _("The Cepstra developers"),
    "developers", developers,
    "license-type", GTK_LICENSE_GPL_3_0,
    "website", "https://github.com/cepstra/cepstra",
    "issue-url", "https://github.com/cepstra/cepstra/issues",
    "comments", _("A workbench for frame-level phoneme classifiers on MFCC features. "
                "The included demo dataset is synthesized speech (espeak-ng): it is far "
                "easier than recorded speech such as LibriSpeech."),
    "transient-for", gtk_application_get_active_window (app),
    NULL);

  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "preferences", preferences_activated },
  { "about", about_activated },
};

/* ---- GApplication ---- */

static CepWindow *
new_window (CepApplication *self)
{
  return cep_window_new (GTK_APPLICATION (self));
}

static void
cep_application_activate (GApplication *app)
{
  CepApplication *self = CEP_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      CepWindow *created = new_window (self);

      cep_window_open_default (created);
      window = GTK_WINDOW (created);
    }
  gtk_window_present (window);
}

static void
cep_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  CepApplication *self = CEP_APPLICATION (app);

  /* One window per dataset folder named on the command line; an assignment (a double-click
   * on one, or --assignment FILE) opens in a window of its own on the last dataset. */
  for (int i = 0; i < n_files; i++)
    {
      CepWindow *window = new_window (self);
      g_autofree char *path = g_file_get_path (files[i]);

      if (path != NULL && (g_str_has_suffix (path, CEP_ASSIGNMENT_SUFFIX)
                           || g_strcmp0 (hint, "assignment") == 0))
        {
          g_autoptr (GError) error = NULL;

          cep_window_open_default (window);
          gtk_window_present (GTK_WINDOW (window));
          if (!cep_window_open_assignment (window, path, &error))
            cep_window_show_error (window, _("Could Not Open the Assignment"), error);
          continue;
        }
      cep_window_open_dataset (window, path);
      gtk_window_present (GTK_WINDOW (window));
    }
}

/* --assignment FILE becomes an open of FILE with the hint "assignment", so a running Cepstra
 * opens it too (the remote instance gets the open, not the option). */
static int
cep_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  g_autofree char *assignment = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;

  if (!g_variant_dict_lookup (options, "assignment", "^ay", &assignment))
    return -1;
  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  file = g_file_new_for_commandline_arg (assignment);
  g_application_open (app, &file, 1, "assignment");
  return 0;
}

static void
cep_application_startup (GApplication *app)
{
  CepApplication *self = CEP_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (cep_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         preferences_accels);
  cep_window_set_accels (GTK_APPLICATION (app));
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (on_color_scheme_changed), self, 0);
  apply_color_scheme (self);
}

static void
cep_application_dispose (GObject *object)
{
  CepApplication *self = CEP_APPLICATION (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (cep_application_parent_class)->dispose (object);
}

static void
cep_application_class_init (CepApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = cep_application_dispose;
  app_class->startup = cep_application_startup;
  app_class->activate = cep_application_activate;
  app_class->open = cep_application_open;
  app_class->handle_local_options = cep_application_handle_local_options;
}

static void
cep_application_init (CepApplication *self)
{
  self->settings = g_settings_new (CEP_APPLICATION_ID);
  static const GOptionEntry options[] = {
    { "assignment", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Open an assignment (a .cepstra-assignment file) on the last dataset"), "FILE" },
    { NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), "[DATASET]");
  g_application_set_option_context_summary (G_APPLICATION (self),
    "Opens DATASET (a folder holding partitions such as train-clean-100/ with mfcc/ and "
    "transcript/), the last dataset, or the embedded demo dataset.");
}
