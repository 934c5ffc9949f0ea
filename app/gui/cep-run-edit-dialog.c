/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-run-edit-dialog.c: the run history's edit dialog and trash job. Owns the dialog's
 * widgets and the worker tasks; what may change about a run is core's (cep-run-edit.c).
 */
#define G_LOG_DOMAIN "cepstra-gui"

#include "cep-run-edit-dialog.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cep-run-edit.h"

typedef struct
{
  GtkWidget      *owner;      /* strong: the callback goes to it */
  char           *run_dir;
  char           *name;       /* NULL: trash instead of describe */
  char           *notes;
  gboolean        trash;
  CepRunEditDone  done;
  gpointer        user_data;
  GtkEditable    *name_entry; /* the dialog's, while it is open */
  GtkTextBuffer  *notes_buffer;
} EditJob;

static void
edit_job_free (EditJob *job)
{
  g_clear_object (&job->owner);
  g_free (job->run_dir);
  g_free (job->name);
  g_free (job->notes);
  g_clear_object (&job->notes_buffer);
  g_free (job);
}

static EditJob *
edit_job_new (GtkWidget      *owner,
              const char     *run_dir,
              CepRunEditDone  done,
              gpointer        user_data)
{
  EditJob *job = g_new0 (EditJob, 1);

  job->owner = g_object_ref (owner);
  job->run_dir = g_strdup (run_dir);
  job->done = done;
  job->user_data = user_data;
  return job;
}

static void
run_edit (GTask        *task,
          gpointer      source,
          gpointer      task_data,
          GCancellable *cancellable)
{
  EditJob *job = task_data;
  GError *error = NULL;
  gboolean ok = job->trash ? cep_run_edit_trash (job->run_dir, cancellable, &error)
                           : cep_run_edit_describe (job->run_dir, job->name, job->notes, &error);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_edit_finished (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  EditJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  if (job->done != NULL)
    job->done (job->owner, error, job->user_data);
}

/* The job's file work runs in a worker: fsync of experiment.json, or a folder moved to the
 * trash across a slow disk, must not hold the window. */
static void
start_job (EditJob *job)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, on_edit_finished, NULL);

  g_task_set_task_data (task, job, (GDestroyNotify) edit_job_free);
  g_task_run_in_thread (task, run_edit);
}

void
cep_run_edit_trash_async (GtkWidget      *owner,
                          const char     *run_dir,
                          CepRunEditDone  done,
                          gpointer        user_data)
{
  EditJob *job;

  g_return_if_fail (GTK_IS_WIDGET (owner));
  g_return_if_fail (run_dir != NULL);

  job = edit_job_new (owner, run_dir, done, user_data);
  job->trash = TRUE;
  start_job (job);
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             EditJob          *job)
{
  GtkTextIter start, end;

  if (!g_str_equal (response, "save"))
    {
      edit_job_free (job);
      return;
    }
  gtk_text_buffer_get_bounds (job->notes_buffer, &start, &end);
  job->name = g_strdup (gtk_editable_get_text (job->name_entry));
  job->notes = gtk_text_buffer_get_text (job->notes_buffer, &start, &end, FALSE);
  start_job (job);
}

static GtkWidget *
notes_view (GtkTextBuffer *buffer)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new_with_buffer (buffer);

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Notes"), -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 120);
  gtk_widget_add_css_class (scrolled, "card");
  return scrolled;
}

static GtkWidget *
form (EditJob    *job,
      const char *name,
      const char *notes_text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *name_row = adw_entry_row_new ();
  GtkWidget *notes_label = gtk_label_new_with_mnemonic (_("_Notes"));
  GtkWidget *notes = NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (name_row), _("Name"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (name_row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (name_row), name != NULL ? name : "");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), name_row);
  job->name_entry = GTK_EDITABLE (name_row);
  job->notes_buffer = gtk_text_buffer_new (NULL);
  gtk_text_buffer_set_text (job->notes_buffer, notes_text, -1);
  notes = notes_view (job->notes_buffer);
  gtk_label_set_xalign (GTK_LABEL (notes_label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (notes_label),
                                 gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (notes)));
  gtk_box_append (GTK_BOX (box), list);
  gtk_box_append (GTK_BOX (box), notes_label);
  gtk_box_append (GTK_BOX (box), notes);
  return box;
}

void
cep_run_edit_dialog_present (GtkWidget      *owner,
                             const char     *run_dir,
                             const char     *name,
                             const char     *notes,
                             CepRunEditDone  done,
                             gpointer        user_data)
{
  GtkRoot *root;
  AdwMessageDialog *dialog;
  EditJob *job;
  g_autofree char *folder = NULL;

  g_return_if_fail (GTK_IS_WIDGET (owner));
  g_return_if_fail (run_dir != NULL);

  root = gtk_widget_get_root (owner);
  folder = g_path_get_basename (run_dir);
  job = edit_job_new (owner, run_dir, done, user_data);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root)
                                                                           : NULL,
                                                       _("Rename and Annotate Run"), folder));
  adw_message_dialog_set_extra_child (dialog, form (job, name, notes != NULL ? notes : ""));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), job);
  gtk_window_present (GTK_WINDOW (dialog));
}
