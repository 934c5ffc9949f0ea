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

/* @widget's window, or NULL when it is not in one (what dialogs are made transient for). */
GtkWindow *cep_widget_get_window  (GtkWidget    *widget);

/* Opens @folder in the file manager; a failure is reported as a toast naming the folder. */
void cep_widget_show_folder       (GtkWidget    *widget,
                                   const char   *folder);

/* Writes one file at @path; FALSE with @error set when it could not. */
typedef gboolean (*CepExportFunc) (const char  *path,
                                   gpointer     user_data,
                                   GError     **error);

/* Asks where to save (suggesting @suggested_name), calls @export there and reports the result
 * from @widget ("Exported", or an error dialog); nothing when the person cancels. @destroy
 * frees @user_data afterwards, whatever happened. */
void cep_widget_export            (GtkWidget      *widget,
                                   const char     *suggested_name,
                                   CepExportFunc   export,
                                   gpointer        user_data,
                                   GDestroyNotify  destroy);

G_END_DECLS
