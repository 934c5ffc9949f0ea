/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-window.h: the main window — header bar, the five pages, toasts and dialogs.
 *
 * A window owns one CepSession (the dataset and experiment its pages share), opens datasets
 * into it with a cancellable progress banner, remembers its size and the last dataset in
 * GSettings, and reports failures as dialogs or toasts that name the file and the problem.
 */
#pragma once

#include <adwaita.h>

#include "cep-session.h"

G_BEGIN_DECLS

#define CEP_TYPE_WINDOW (cep_window_get_type ())
G_DECLARE_FINAL_TYPE (CepWindow, cep_window, CEP, WINDOW, AdwApplicationWindow)

CepWindow  *cep_window_new              (GtkApplication *application);
/* Keyboard accelerators of the window actions (called once at application startup). */
void        cep_window_set_accels       (GtkApplication *application);

CepSession *cep_window_get_session      (CepWindow      *self);
/* Opens the last dataset when it still exists, else the demo dataset. */
void        cep_window_open_default     (CepWindow      *self);
/* Opens @root (NULL: the demo dataset) in the background. */
void        cep_window_open_dataset     (CepWindow      *self,
                                         const char     *root);

/* Loads @path (an experiment.json, a run's or hand-written) into the session, so every page
 * shows its settings and Start trains it again; opens its dataset when another is open. */
gboolean    cep_window_open_experiment  (CepWindow      *self,
                                         const char     *path,
                                         GError        **error);

/* Opens the assignment at @path: the banner, its rules on every row, its experiment in the
 * session. Refused while another is open and lockdown forbids leaving it. */
gboolean    cep_window_open_assignment  (CepWindow      *self,
                                         const char     *path,
                                         GError        **error);
/* A dialog listing every file the loader skipped, with its reason (the toast that reports
 * skipped files offers it). */
void        cep_window_show_skipped     (CepWindow      *self);

/* "data", "model", "train", "analyze", "backends". */
void        cep_window_show_page        (CepWindow      *self,
                                         const char     *name);
GtkWidget  *cep_window_get_page         (CepWindow      *self,
                                         const char     *name);
const char *cep_window_get_visible_page (CepWindow      *self);

void        cep_window_add_toast        (CepWindow      *self,
                                         const char     *message);
/* A dialog with @heading and @error's message (which names the file). */
void        cep_window_show_error       (CepWindow      *self,
                                         const char     *heading,
                                         const GError   *error);
/* The window a widget lives in, if it is a CepWindow. */
CepWindow  *cep_window_for_widget       (GtkWidget      *widget);

G_END_DECLS
