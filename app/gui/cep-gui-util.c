/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-gui-util.c: small GTK helpers the pages share.
 */
#define G_LOG_DOMAIN "cepstra-gui-util"

#include "cep-gui-util.h"

#include <glib/gi18n.h>

#include "cep-file-chooser.h"

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

GtkWindow *
cep_widget_get_window (GtkWidget *widget)
{
  GtkRoot *root;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  root = gtk_widget_get_root (widget);
  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

void
cep_widget_show_folder (GtkWidget  *widget,
                        const char *folder)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *uri = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (folder != NULL);

  file = g_file_new_for_path (folder);
  uri = g_file_get_uri (file);
  if (!g_app_info_launch_default_for_uri (uri, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf ("%s: %s", folder, error->message);

      cep_widget_report (widget, message);
    }
}

typedef struct
{
  GtkWidget      *widget;
  CepExportFunc   export;
  gpointer        user_data;
  GDestroyNotify  destroy;
} ExportRequest;

static void
export_request_free (ExportRequest *request)
{
  if (request->destroy != NULL)
    request->destroy (request->user_data);
  g_object_unref (request->widget);
  g_free (request);
}

static void
on_export_chosen (GPtrArray *files,
                  gpointer   user_data)
{
  ExportRequest *request = user_data;
  g_autofree char *path = files->len > 0 ? g_file_get_path (g_ptr_array_index (files, 0)) : NULL;
  g_autoptr (GError) error = NULL;

  /* No path: the person cancelled. */
  if (path != NULL && request->export (path, request->user_data, &error))
    cep_widget_report (request->widget, _("Exported"));
  else if (path != NULL)
    cep_widget_report_error (request->widget, _("Could Not Export"), error);
  export_request_free (request);
}

void
cep_widget_export (GtkWidget      *widget,
                   const char     *suggested_name,
                   CepExportFunc   export,
                   gpointer        user_data,
                   GDestroyNotify  destroy)
{
  ExportRequest *request;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (export != NULL);

  request = g_new0 (ExportRequest, 1);
  request->widget = g_object_ref (widget);
  request->export = export;
  request->user_data = user_data;
  request->destroy = destroy;
  cep_choose_save (cep_widget_get_window (widget), _("Export"), suggested_name, on_export_chosen,
                   request);
}
