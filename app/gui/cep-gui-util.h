/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-gui-util.h: small GTK helpers the pages share.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Unparents every child of @widget: what a GtkWidget subclass with a layout manager must do
 * in dispose for the children its template created. */
void cep_widget_unparent_children (GtkWidget *widget);

G_END_DECLS
