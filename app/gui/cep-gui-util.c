/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-gui-util.c: small GTK helpers the pages share.
 */
#define G_LOG_DOMAIN "cepstra-gui-util"

#include "cep-gui-util.h"

void
cep_widget_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

void
cep_widget_report (GtkWidget  *widget,
                   const char *message)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (!gtk_widget_activate_action (widget, "win.toast", "s", message))
    g_message ("%s", message);
}

void
cep_widget_report_error (GtkWidget    *widget,
                         const char   *heading,
                         const GError *error)
{
  const char *message = error != NULL ? error->message : "";

  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (!gtk_widget_activate_action (widget, "win.show-error", "(ss)", heading, message))
    g_message ("%s: %s", heading, message);
}
