/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-preferences-window.c: rows bound to GSettings.
 *
 * Owns the mapping between combo rows and enum or string keys; nothing else.
 */
#define G_LOG_DOMAIN "cepstra-preferences"

#include "cep-preferences-window.h"

#include <glib/gi18n.h>

#include "cep-application.h"
#include "cep-backend.h"

struct _CepPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  GtkStringList        *backends;

  /* template */
  AdwComboRow          *style_row;
  AdwComboRow          *colormap_row;
  AdwComboRow          *backend_row;
  GtkSpinButton        *smoothing_spin;
  GtkSwitch            *log_loss_switch;
};

G_DEFINE_FINAL_TYPE (CepPreferencesWindow, cep_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

GtkWidget *
cep_preferences_window_new (void)
{
  return g_object_new (CEP_TYPE_PREFERENCES_WINDOW, NULL);
}

/* Enum keys store nicks; the combo rows list the enum's values in order. */
static gboolean
enum_to_selected (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_str_equal (nicks[i], nick))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
selected_to_enum (const GValue       *value,
                  const GVariantType *type,
                  gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint selected = g_value_get_uint (value);

  if (selected >= g_strv_length ((char **) nicks))
    return NULL;
  return g_variant_new_string (nicks[selected]);
}

static const char *style_nicks[] = { "default", "light", "dark", NULL };
static const char *colormap_nicks[] = { "viridis", "magma", "coolwarm", NULL };

static void
bind_enum (CepPreferencesWindow *self,
           const char           *key,
           AdwComboRow          *row,
           const char          **nicks)
{
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                enum_to_selected, selected_to_enum, nicks, NULL);
}

/* The backend row lists _("Automatic") (empty key) and the backends this build has. */
static void
setup_backends (CepPreferencesWindow *self)
{
  const char * const *available = cep_backend_list_available ();
  g_autofree char *current = g_settings_get_string (self->settings, "default-backend");

  self->backends = gtk_string_list_new (NULL);
  gtk_string_list_append (self->backends, _("Automatic"));
  for (guint i = 0; available[i] != NULL; i++)
    gtk_string_list_append (self->backends, available[i]);
  adw_combo_row_set_model (self->backend_row, G_LIST_MODEL (self->backends));
  if (*current != '\0')
    for (guint i = 0; available[i] != NULL; i++)
      if (g_str_equal (available[i], current))
        adw_combo_row_set_selected (self->backend_row, i + 1);
}

static void
on_backend_selected (AdwComboRow          *row,
                     GParamSpec           *pspec,
                     CepPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (row);
  const char *name = selected == 0 || selected == GTK_INVALID_LIST_POSITION
                     ? "" : gtk_string_list_get_string (self->backends, selected);

  g_settings_set_string (self->settings, "default-backend", name);
}

static void
cep_preferences_window_dispose (GObject *object)
{
  CepPreferencesWindow *self = CEP_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->backends);
  G_OBJECT_CLASS (cep_preferences_window_parent_class)->dispose (object);
}

static void
cep_preferences_window_class_init (CepPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cep_preferences_window_dispose;
  gtk_widget_class_set_template_from_resource (
    widget_class, "/io/github/cepstra/Cepstra/cep-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CepPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, CepPreferencesWindow, colormap_row);
  gtk_widget_class_bind_template_child (widget_class, CepPreferencesWindow, backend_row);
  gtk_widget_class_bind_template_child (widget_class, CepPreferencesWindow, smoothing_spin);
  gtk_widget_class_bind_template_child (widget_class, CepPreferencesWindow, log_loss_switch);
}

static void
cep_preferences_window_init (CepPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (CEP_APPLICATION_ID);
  bind_enum (self, "color-scheme", self->style_row, style_nicks);
  bind_enum (self, "colormap", self->colormap_row, colormap_nicks);
  setup_backends (self);
  g_signal_connect (self->backend_row, "notify::selected", G_CALLBACK (on_backend_selected),
                    self);
  g_settings_bind (self->settings, "loss-smoothing",
                   gtk_spin_button_get_adjustment (self->smoothing_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "log-loss-axis", self->log_loss_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}
