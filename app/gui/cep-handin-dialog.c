/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-handin-dialog.c: the Hand In dialog and its worker. What a hand-in holds and which runs
 * are refused is core's (cep-handin.c); this asks for the name and the file.
 */
#define G_LOG_DOMAIN "cepstra-gui"

#include "cep-handin-dialog.h"

#include <glib/gi18n.h>

#include "cep-file-chooser.h"
#include "cep-handin.h"

typedef struct
{
  GtkWidget     *owner;       /* strong: the callback goes to it */
  char          *run_dir;
  char          *student;
  char          *path;
  gboolean       chosen;      /* picked in a file chooser, which asked before replacing */
  gboolean       choosing;    /* a file chooser is open: it frees a cancelled job */
  gboolean       cancelled;
  CepHandinDone  done;
  gpointer       user_data;
  AdwMessageDialog *dialog;   /* while it is open */
  GtkEditable   *student_row;
  AdwActionRow  *file_row;
} HandinJob;

static void
handin_job_free (HandinJob *job)
{
  g_clear_object (&job->owner);
  g_free (job->run_dir);
  g_free (job->student);
  g_free (job->path);
  g_free (job);
}

static void
write_handin (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  HandinJob *job = task_data;
  GError *error = NULL;

  if (cep_handin_write (job->run_dir, job->student, job->path, job->chosen, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  HandinJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  if (job->done != NULL)
    job->done (job->owner, error == NULL ? job->path : NULL, error, job->user_data);
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             HandinJob        *job)
{
  g_autoptr (GTask) task = NULL;

  if (!g_str_equal (response, "hand-in"))
    {
      job->dialog = NULL;
      job->cancelled = TRUE;
      if (!job->choosing)
        handin_job_free (job);
      return;
    }
  job->student = g_strstrip (g_strdup (gtk_editable_get_text (job->student_row)));
  job->dialog = NULL;
  /* A checkpoint of megabytes is hashed and copied: not on the main thread. */
  task = g_task_new (NULL, NULL, on_written, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) handin_job_free);
  g_task_run_in_thread (task, write_handin);
}

static void
on_student_changed (HandinJob *job)
{
  g_autofree char *student = g_strstrip (g_strdup (gtk_editable_get_text (job->student_row)));

  adw_message_dialog_set_response_enabled (job->dialog, "hand-in",
                                           cep_handin_student_is_valid (student));
}

static void
show_path (HandinJob *job)
{
  adw_action_row_set_subtitle (job->file_row, job->path);
}

static void
on_file_chosen (GPtrArray *files,
                gpointer   user_data)
{
  HandinJob *job = user_data;

  job->choosing = FALSE;
  if (job->cancelled)
    {
      handin_job_free (job);
      return;
    }
  if (files->len == 0)
    return;
  g_free (job->path);
  job->path = g_file_get_path (g_ptr_array_index (files, 0));
  job->chosen = TRUE;
  show_path (job);
}

static void
on_choose_clicked (HandinJob *job)
{
  g_autofree char *name = g_path_get_basename (job->path);

  job->choosing = TRUE;
  cep_choose_save (GTK_WINDOW (job->dialog), _("Hand In As"), name, on_file_chosen, job);
}

static GtkWidget *
form (HandinJob *job)
{
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *student_row = adw_entry_row_new ();
  GtkWidget *file_row = adw_action_row_new ();
  GtkWidget *choose = gtk_button_new_with_mnemonic (_("_Choose…"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (student_row), _("Your _name"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (student_row), TRUE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (file_row), _("File"));
  gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (choose, _("Choose where the hand-in is written"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (file_row), choose);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), student_row);
  gtk_list_box_append (GTK_LIST_BOX (list), file_row);
  job->student_row = GTK_EDITABLE (student_row);
  job->file_row = ADW_ACTION_ROW (file_row);
  show_path (job);
  g_signal_connect_swapped (student_row, "changed", G_CALLBACK (on_student_changed), job);
  g_signal_connect_swapped (choose, "clicked", G_CALLBACK (on_choose_clicked), job);
  return list;
}

static char *
default_path (const char *run_dir,
              const char *folder)
{
  g_autofree char *run = g_path_get_basename (run_dir);
  g_autofree char *name = g_strconcat (run, CEP_HANDIN_SUFFIX, NULL);
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);

  if (folder == NULL)
    folder = documents != NULL ? documents : g_get_home_dir ();
  return g_build_filename (folder, name, NULL);
}

AdwMessageDialog *
cep_handin_dialog_present (GtkWidget     *owner,
                           const char    *run_dir,
                           const char    *folder,
                           CepHandinDone  done,
                           gpointer       user_data)
{
  GtkRoot *root;
  HandinJob *job;
  g_autofree char *run = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (owner), NULL);
  g_return_val_if_fail (run_dir != NULL, NULL);

  root = gtk_widget_get_root (owner);
  run = g_path_get_basename (run_dir);
  job = g_new0 (HandinJob, 1);
  job->owner = g_object_ref (owner);
  job->run_dir = g_strdup (run_dir);
  job->path = default_path (run_dir, folder);
  job->done = done;
  job->user_data = user_data;
  job->dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root)
                                                            ? GTK_WINDOW (root) : NULL,
                                                            _("Hand In Run"), NULL));
  /* Translators: %s is the run's folder name. */
  adw_message_dialog_format_body (job->dialog,
                                  _("“%s” as one file for your teacher: its settings, curves, "
                                    "best checkpoint and figures, with your name. A run that "
                                    "breaks the assignment's rules is refused."), run);
  adw_message_dialog_set_extra_child (job->dialog, form (job));
  adw_message_dialog_add_responses (job->dialog, "cancel", _("_Cancel"), "hand-in",
                                    _("_Hand In"), NULL);
  adw_message_dialog_set_response_appearance (job->dialog, "hand-in", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (job->dialog, "hand-in");
  adw_message_dialog_set_close_response (job->dialog, "cancel");
  on_student_changed (job);
  g_signal_connect (job->dialog, "response", G_CALLBACK (on_response), job);
  gtk_window_present (GTK_WINDOW (job->dialog));
  return job->dialog;
}
