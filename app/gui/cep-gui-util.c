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
