/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-gui-util.h: small GTK helpers the pages share.
 *
 * Pages never include the window: they report through the window's actions ("win.toast",
 * "win.show-error"), which any ancestor may provide (a test window installs its own).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Unparents every child of @widget: what a GtkWidget subclass with a layout manager must do
 * in dispose for the children its template created. */
void cep_widget_unparent_children (GtkWidget    *widget);

/* A toast with @message from @widget's window ("win.toast"); logged when none listens. */
void cep_widget_report            (GtkWidget    *widget,
                                   const char   *message);
/* An error dialog with @heading and @error's message ("win.show-error", "(ss)"); logged when
 * none listens. */
void cep_widget_report_error      (GtkWidget    *widget,
                                   const char   *heading,
                                   const GError *error);

G_END_DECLS
