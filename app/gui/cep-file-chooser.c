/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-file-chooser.c: folder, audio and save choosers over GtkFileDialog or
 * GtkFileChooserNative.
 *
 * Owns the version switch and nothing else: what the files are for is the caller's business.
 */
#define G_LOG_DOMAIN "cepstra-file-chooser"

#include "cep-file-chooser.h"

#include <glib/gi18n.h>

typedef enum
{
  CHOOSE_FOLDER,
  CHOOSE_AUDIO,
  CHOOSE_SAVE,
  CHOOSE_EXPERIMENT,
  CHOOSE_ASSIGNMENT,   /* initial_name is the folder to start in (may be NULL) */
} ChooseKind;

typedef struct
{
  CepFilesChosenFunc callback;
  gpointer           user_data;
} Request;

static void
deliver (Request   *request,
         GPtrArray *files)
{
  request->callback (files, request->user_data);
  g_ptr_array_unref (files);
  g_free (request);
}

static GtkFileFilter *
audio_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Audio (WAV, FLAC, OGG)"));
  gtk_file_filter_add_suffix (filter, "wav");
  gtk_file_filter_add_suffix (filter, "flac");
  gtk_file_filter_add_suffix (filter, "ogg");
  gtk_file_filter_add_mime_type (filter, "audio/x-wav");
  gtk_file_filter_add_mime_type (filter, "audio/flac");
  gtk_file_filter_add_mime_type (filter, "audio/ogg");
  return filter;
}

static GtkFileFilter *
experiment_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Experiments (experiment.json)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_filter_add_mime_type (filter, "application/json");
  return filter;
}

static GtkFileFilter *
assignment_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Assignments (.cepstra-assignment)"));
  gtk_file_filter_add_suffix (filter, "cepstra-assignment");
  gtk_file_filter_add_mime_type (filter, "application/x-cepstra-assignment");
  return filter;
}

#if GTK_CHECK_VERSION (4, 10, 0)

static void
on_dialog_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GtkFileDialog *dialog = GTK_FILE_DIALOG (source);
  Request *request = user_data;
  GPtrArray *files = g_ptr_array_new_with_free_func (g_object_unref);
  ChooseKind kind = GPOINTER_TO_INT (g_object_get_data (source, "cep-kind"));

  if (kind == CHOOSE_AUDIO)
    {
      g_autoptr (GListModel) list = gtk_file_dialog_open_multiple_finish (dialog, result, NULL);

      for (guint i = 0; list != NULL && i < g_list_model_get_n_items (list); i++)
        g_ptr_array_add (files, g_list_model_get_item (list, i));
    }
  else
    {
      GFile *file = kind == CHOOSE_FOLDER
                    ? gtk_file_dialog_select_folder_finish (dialog, result, NULL)
                    : kind == CHOOSE_EXPERIMENT || kind == CHOOSE_ASSIGNMENT
                    ? gtk_file_dialog_open_finish (dialog, result, NULL)
                    : gtk_file_dialog_save_finish (dialog, result, NULL);

      if (file != NULL)
        g_ptr_array_add (files, file);
    }
  deliver (request, files);
}

static void
choose (GtkWindow          *parent,
        ChooseKind          kind,
        const char         *title,
        const char         *accept_label,
        const char         *initial_name,
        CepFilesChosenFunc  callback,
        gpointer            user_data)
{
  g_autoptr (GtkFileDialog) dialog = gtk_file_dialog_new ();
  Request *request = g_new0 (Request, 1);

  request->callback = callback;
  request->user_data = user_data;
  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_modal (dialog, TRUE);
  if (accept_label != NULL)
    gtk_file_dialog_set_accept_label (dialog, accept_label);
  g_object_set_data (G_OBJECT (dialog), "cep-kind", GINT_TO_POINTER (kind));
  if (kind == CHOOSE_FOLDER)
    gtk_file_dialog_select_folder (dialog, parent, NULL, on_dialog_done, request);
  else if (kind == CHOOSE_AUDIO)
    {
      g_autoptr (GtkFileFilter) filter = audio_filter ();

      gtk_file_dialog_set_default_filter (dialog, filter);
      gtk_file_dialog_open_multiple (dialog, parent, NULL, on_dialog_done, request);
    }
  else if (kind == CHOOSE_EXPERIMENT)
    {
      g_autoptr (GtkFileFilter) filter = experiment_filter ();

      gtk_file_dialog_set_default_filter (dialog, filter);
      gtk_file_dialog_open (dialog, parent, NULL, on_dialog_done, request);
    }
  else if (kind == CHOOSE_ASSIGNMENT)
    {
      g_autoptr (GtkFileFilter) filter = assignment_filter ();
      g_autoptr (GFile) folder = initial_name != NULL ? g_file_new_for_path (initial_name) : NULL;

      gtk_file_dialog_set_default_filter (dialog, filter);
      gtk_file_dialog_set_initial_folder (dialog, folder);
      gtk_file_dialog_open (dialog, parent, NULL, on_dialog_done, request);
    }
  else
    {
      gtk_file_dialog_set_initial_name (dialog, initial_name);
      gtk_file_dialog_save (dialog, parent, NULL, on_dialog_done, request);
    }
}

#else /* GTK 4.8: GtkFileChooserNative */

static void
on_native_response (GtkNativeDialog *native,
                    int              response,
                    gpointer         user_data)
{
  Request *request = user_data;
  GPtrArray *files = g_ptr_array_new_with_free_func (g_object_unref);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GListModel) list = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (native));

      for (guint i = 0; i < g_list_model_get_n_items (list); i++)
        g_ptr_array_add (files, g_list_model_get_item (list, i));
    }
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
  deliver (request, files);
}

static void
choose (GtkWindow          *parent,
        ChooseKind          kind,
        const char         *title,
        const char         *accept_label,
        const char         *initial_name,
        CepFilesChosenFunc  callback,
        gpointer            user_data)
{
  static const GtkFileChooserAction actions[] = {
    GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, GTK_FILE_CHOOSER_ACTION_OPEN,
    GTK_FILE_CHOOSER_ACTION_SAVE, GTK_FILE_CHOOSER_ACTION_OPEN, GTK_FILE_CHOOSER_ACTION_OPEN,
  };
  GtkFileChooserNative *native;
  Request *request = g_new0 (Request, 1);

  request->callback = callback;
  request->user_data = user_data;
  native = gtk_file_chooser_native_new (title, parent, actions[kind], accept_label, "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (kind == CHOOSE_AUDIO)
    {
      g_autoptr (GtkFileFilter) filter = audio_filter ();

      gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (native), TRUE);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
    }
  if (kind == CHOOSE_EXPERIMENT)
    {
      g_autoptr (GtkFileFilter) filter = experiment_filter ();

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
    }
  if (kind == CHOOSE_ASSIGNMENT)
    {
      g_autoptr (GtkFileFilter) filter = assignment_filter ();
      g_autoptr (GFile) folder = initial_name != NULL ? g_file_new_for_path (initial_name) : NULL;

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
      if (folder != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);
    }
  if (kind == CHOOSE_SAVE && initial_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), initial_name);
  g_signal_connect (native, "response", G_CALLBACK (on_native_response), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

#endif

void
cep_choose_folder (GtkWindow          *parent,
                   const char         *title,
                   const char         *accept_label,
                   CepFilesChosenFunc  callback,
                   gpointer            user_data)
{
  choose (parent, CHOOSE_FOLDER, title, accept_label, NULL, callback, user_data);
}

void
cep_choose_audio (GtkWindow          *parent,
                  const char         *title,
                  CepFilesChosenFunc  callback,
                  gpointer            user_data)
{
  choose (parent, CHOOSE_AUDIO, title, "_Import", NULL, callback, user_data);
}

void
cep_choose_save (GtkWindow          *parent,
                 const char         *title,
                 const char         *initial_name,
                 CepFilesChosenFunc  callback,
                 gpointer            user_data)
{
  choose (parent, CHOOSE_SAVE, title, "_Save", initial_name, callback, user_data);
}

void
cep_choose_experiment (GtkWindow          *parent,
                       CepFilesChosenFunc  callback,
                       gpointer            user_data)
{
  choose (parent, CHOOSE_EXPERIMENT, _("Open Experiment"), "_Open", NULL, callback, user_data);
}

void
cep_choose_assignment (GtkWindow          *parent,
                       const char         *initial_folder,
                       CepFilesChosenFunc  callback,
                       gpointer            user_data)
{
  choose (parent, CHOOSE_ASSIGNMENT, _("Open Assignment"), "_Open", initial_folder, callback,
          user_data);
}
