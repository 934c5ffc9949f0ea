/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-analyze-page.h: the Analyze page — what a trained run does on a partition.
 *
 * For a chosen run (its best checkpoint, opened by core/analysis exactly as training saw the
 * data) and partition: accuracy and loss, the confusion matrix (counts or per cent of the
 * true class, hover read-out, per-class accuracy), the predictions as a second label track
 * under the spectrogram with mistakes marked, the dependency matrix of an utterance (boolean,
 * sensitivity or gradient; stride; the ±K band), and submission.csv. Every job is a
 * cancellable GTask.
 */
#pragma once

#include <gtk/gtk.h>

#include "cep-session.h"

G_BEGIN_DECLS

#define CEP_TYPE_ANALYZE_PAGE (cep_analyze_page_get_type ())
G_DECLARE_FINAL_TYPE (CepAnalyzePage, cep_analyze_page, CEP, ANALYZE_PAGE, GtkWidget)

void        cep_analyze_page_set_session       (CepAnalyzePage *self,
                                                CepSession     *session);
/* Re-lists the runs of the session's dataset; "runs-loaded" follows. */
void        cep_analyze_page_refresh_runs      (CepAnalyzePage *self);
guint       cep_analyze_page_get_n_runs        (CepAnalyzePage *self);
/* Adds a run from outside the runs folder (a hand-in's, shown as "@label (hand-in)") to the
 * list, kept there across listings, and selects it. */
void        cep_analyze_page_open_run          (CepAnalyzePage *self,
                                                const char     *run_dir,
                                                const char     *label);
/* The folder of the selected run, or NULL. */
const char *cep_analyze_page_get_selected_run  (CepAnalyzePage *self);
gboolean    cep_analyze_page_select_partition  (CepAnalyzePage *self,
                                                const char     *name);
/* Starts the evaluation of the selected run on the selected partition; "job-done" follows. */
gboolean    cep_analyze_page_evaluate          (CepAnalyzePage *self);
/* Starts the dependency analysis of the selected utterance; "job-done" follows. */
gboolean    cep_analyze_page_compute_dependencies (CepAnalyzePage *self);
/* The streaming what-if of the evaluated run on the evaluated (labelled) partition: accuracy
 * for chunks of 1, 8, 32 and 128 frames with 0, 2, 5 and 10 frames of look-ahead against the
 * latency, at 10 ms a frame. FALSE when nothing labelled is evaluated or a job runs. */
gboolean    cep_analyze_page_compute_streaming    (CepAnalyzePage *self);
gboolean    cep_analyze_page_is_busy           (CepAnalyzePage *self);
/* Results of the last evaluation (NULL / NaN before one). */
const guint8 *cep_analyze_page_get_predictions (CepAnalyzePage *self);
CepPartition *cep_analyze_page_get_partition   (CepAnalyzePage *self);
double      cep_analyze_page_get_accuracy      (CepAnalyzePage *self);
/* Writes submission.csv of the last predictions. */
/* The partition a submission is for: the dataset's unlabelled test partition (or NULL). */
const char *cep_analyze_page_get_submission_partition (CepAnalyzePage *self);
/* Writes the submission of the shown test-partition predictions; an error otherwise. */
gboolean    cep_analyze_page_write_submission  (CepAnalyzePage *self,
                                                const char     *path,
                                                GError        **error);
/* What "Export Submission…" does once a file is chosen: predicts the test partition with the
 * selected run (unless its predictions are shown), writes @path and reports the partition
 * and row count. FALSE when there is no test partition or a job is running. */
gboolean    cep_analyze_page_export_submission (CepAnalyzePage *self,
                                                const char     *path);

G_END_DECLS
