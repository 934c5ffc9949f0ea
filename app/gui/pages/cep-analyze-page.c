/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-analyze-page.c: the Analyze page.
 *
 * Owns the choice of run, partition and utterance, the analysis jobs (GTasks over core:
 * CepRunData, cep_network_evaluate/predict, CepConfusion, the dependency matrix) and their
 * results on screen. Only one job runs at a time, because a job uses the run's network.
 */
#define G_LOG_DOMAIN "cepstra-analyze-page"

#include "cep-analyze-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "cep-analysis-figures.h"
#include "cep-curve-view.h"
#include "cep-confusion.h"
#include "cep-file-chooser.h"
#include "cep-format.h"
#include "cep-gui-util.h"
#include "cep-heatmap-view.h"
#include "cep-run-data.h"
#include "cep-run-history.h"
#include "cep-run.h"
#include "cep-spectrogram-view.h"
#include "cep-streaming-whatif.h"
#include "cep-submission.h"

struct _CepAnalyzePage
{
  GtkWidget           parent_instance;

  CepSession         *session;
  GPtrArray          *runs;              /* char*: run folders, in dropdown order */
  GtkStringList      *run_names;
  GtkStringList      *partition_names;
  GtkStringList      *utterance_names;
  GCancellable       *runs_cancellable;

  /* the last evaluation */
  CepRunData         *run_data;
  CepPartition       *partition;
  guint8             *predictions;
  CepConfusion       *confusion;
  CepEvalResult       eval;
  gboolean            has_eval;
  char               *submission_path;   /* to write once the test partition is predicted */

  /* the job in flight */
  GCancellable       *job;
  guint               pulse_id;
  gint                progress_done;     /* dependency progress, written by the worker */
  gint                progress_total;

  /* template */
  GtkDropDown        *run_dropdown;
  GtkDropDown        *partition_dropdown;
  GtkDropDown        *utterance_dropdown;
  GtkLabel           *summary_label;
  GtkProgressBar     *progress_bar;
  GtkWidget          *cancel_button;
  GtkStack           *view_stack;
  CepHeatmapView     *confusion_view;
  GtkSwitch          *normalize_switch;
  GtkListBox         *class_list;
  GtkLabel           *prediction_label;
  CepSpectrogramView *prediction_view;
  GtkScrollbar       *prediction_scrollbar;
  GtkDropDown        *mode_dropdown;
  GtkSpinButton      *frames_spin;
  GtkSpinButton      *stride_spin;
  GtkLabel           *dependency_label;
  CepHeatmapView     *dependency_view;
  GtkLabel           *streaming_label;
  CepCurveView       *streaming_view;
};

enum
{
  SIGNAL_RUNS_LOADED,
  SIGNAL_JOB_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CepAnalyzePage, cep_analyze_page, GTK_TYPE_WIDGET)

static void update_actions    (CepAnalyzePage *self);
static const char *selected_run (CepAnalyzePage *self);
static void write_pending_submission (CepAnalyzePage *self);
static void show_predictions  (CepAnalyzePage *self);

static void
report_error (CepAnalyzePage *self,
              const char     *heading,
              const GError   *error)
{
  cep_widget_report_error (GTK_WIDGET (self), heading, error);
}

gboolean
cep_analyze_page_is_busy (CepAnalyzePage *self)
{
  g_return_val_if_fail (CEP_IS_ANALYZE_PAGE (self), FALSE);
  return self->job != NULL;
}

const guint8 *
cep_analyze_page_get_predictions (CepAnalyzePage *self)
{
  g_return_val_if_fail (CEP_IS_ANALYZE_PAGE (self), NULL);
  return self->predictions;
}

CepPartition *
cep_analyze_page_get_partition (CepAnalyzePage *self)
{
  g_return_val_if_fail (CEP_IS_ANALYZE_PAGE (self), NULL);
  return self->partition;
}

double
cep_analyze_page_get_accuracy (CepAnalyzePage *self)
{
  g_return_val_if_fail (CEP_IS_ANALYZE_PAGE (self), NAN);
  return self->has_eval ? self->eval.accuracy : NAN;
}

static const char *
selected_string (GtkDropDown *dropdown)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

/* ---- job bookkeeping ---- */

static gboolean
pulse (gpointer data)
{
  CepAnalyzePage *self = data;
  int total = g_atomic_int_get (&self->progress_total);

  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   (double) g_atomic_int_get (&self->progress_done) / total);
  else
    gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static GCancellable *
begin_job (CepAnalyzePage *self)
{
  g_assert (self->job == NULL);
  self->job = g_cancellable_new ();
  g_atomic_int_set (&self->progress_done, 0);
  g_atomic_int_set (&self->progress_total, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  gtk_widget_set_visible (self->cancel_button, TRUE);
  self->pulse_id = g_timeout_add (100, pulse, self);
  update_actions (self);
  return self->job;
}

static void
end_job (CepAnalyzePage *self)
{
  g_clear_object (&self->job);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  gtk_widget_set_visible (self->cancel_button, FALSE);
  update_actions (self);
  g_signal_emit (self, signals[SIGNAL_JOB_DONE], 0);
}

static gboolean
report_job_error (CepAnalyzePage *self,
                  const char     *heading,
                  GError         *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_error_matches (error, CEP_NETWORK_ERROR, CEP_NETWORK_ERROR_CANCELLED)
      || g_error_matches (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_CANCELLED)
      || g_error_matches (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_CANCELLED))
    gtk_label_set_label (self->summary_label, _("Cancelled"));
  else
    report_error (self, heading, error);
  return FALSE;
}

/* ---- the evaluation job ---- */

typedef struct
{
  char         *run_dir;
  char         *partition_name;
  CepRunData   *run_data;
  CepPartition *partition;
  guint8       *predictions;
  CepConfusion *confusion;
  CepEvalResult eval;
  gboolean      labelled;
} EvaluateJob;

static void
evaluate_job_free (gpointer data)
{
  EvaluateJob *job = data;

  g_free (job->run_dir);
  g_free (job->partition_name);
  g_clear_pointer (&job->confusion, cep_confusion_free);
  g_clear_object (&job->partition);
  g_clear_pointer (&job->run_data, cep_run_data_free);
  g_free (job->predictions);
  g_free (job);
}

static gboolean
evaluate (EvaluateJob   *job,
          GCancellable  *cancellable,
          GError       **error)
{
  CepNetwork *network;
  CepPartition *partition;

  /* Evaluation batches of 1024 rows whatever batch the run trained with (an SGD run's 2
   * would make prediction crawl). */
  job->run_data = cep_run_data_open (job->run_dir, NULL, NULL, NULL, 0, 1024, error);
  if (job->run_data == NULL)
    return FALSE;
  partition = cep_run_data_load_partition (job->run_data, job->partition_name, FALSE,
                                           cancellable, NULL, NULL, error);
  if (partition == NULL)
    return FALSE;
  job->partition = g_object_ref (partition);
  network = cep_run_data_get_network (job->run_data);
  job->labelled = cep_partition_is_labelled (partition);
  job->predictions = g_new (guint8, cep_partition_get_n_frames (partition));
  if (!cep_network_predict (network, partition, cancellable, job->predictions, error))
    return FALSE;
  if (!job->labelled)
    return TRUE;
  if (!cep_network_evaluate (network, partition, cancellable, &job->eval, error))
    return FALSE;
  job->confusion = cep_confusion_new_for_partition (partition, job->predictions, error);
  return job->confusion != NULL;
}

static void
evaluate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;

  if (evaluate (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
clear_results (CepAnalyzePage *self)
{
  g_clear_pointer (&self->confusion, cep_confusion_free);
  g_clear_object (&self->partition);
  g_clear_pointer (&self->predictions, g_free);
  g_clear_pointer (&self->run_data, cep_run_data_free);
  self->has_eval = FALSE;
}

static void
take_results (CepAnalyzePage *self,
              EvaluateJob    *job)
{
  clear_results (self);
  self->run_data = g_steal_pointer (&job->run_data);
  self->partition = g_steal_pointer (&job->partition);
  self->predictions = g_steal_pointer (&job->predictions);
  self->confusion = g_steal_pointer (&job->confusion);
  self->eval = job->eval;
  self->has_eval = job->labelled;
}

static void
show_summary (CepAnalyzePage *self)
{
  g_autofree char *text = NULL;
  g_autofree char *frames = cep_format_count (cep_partition_get_n_frames (self->partition));
  const char *name = cep_partition_get_name (self->partition);

  if (self->has_eval)
    {
      g_autofree char *correct = cep_format_count (self->eval.correct);

      text = g_strdup_printf ("%s: accuracy %.2f %% (%s of %s frames), loss %.4f", name,
                              100 * self->eval.accuracy, correct, frames, self->eval.loss);
    }
  else
    text = g_strdup_printf ("%s: %s frames predicted (no labels to score them)", name, frames);
  gtk_label_set_label (self->summary_label, text);
}

/* ---- the confusion matrix ---- */

static GtkWidget *
class_row (CepPhonemeTable     *table,
           guint                class_id,
           const CepClassStats *stats)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name = gtk_label_new (cep_phoneme_table_get_name (table, class_id));
  GtkWidget *level = gtk_level_bar_new_for_interval (0, 1);
  g_autofree char *percent = cep_format_percent (stats->accuracy);
  g_autofree char *tooltip = NULL;
  GtkWidget *value = gtk_label_new (percent);

  gtk_label_set_width_chars (GTK_LABEL (name), 6);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (level), isnan (stats->accuracy) ? 0 : stats->accuracy);
  gtk_widget_set_hexpand (level, TRUE);
  gtk_widget_set_valign (level, GTK_ALIGN_CENTER);
  gtk_label_set_width_chars (GTK_LABEL (value), 7);
  gtk_label_set_xalign (GTK_LABEL (value), 1);
  gtk_widget_add_css_class (value, "numeric");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), level);
  gtk_box_append (GTK_BOX (box), value);
  tooltip = g_strdup_printf ("%" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT " right; "
                             "precision %.3f, F1 %.3f", stats->support, stats->correct,
                             stats->precision, stats->f1);
  gtk_widget_set_tooltip_text (box, tooltip);
  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  return box;
}

typedef struct
{
  guint         id;
  CepClassStats stats;
} ClassEntry;

static int
compare_accuracy (gconstpointer a,
                  gconstpointer b)
{
  const ClassEntry *x = a, *y = b;

  return (x->stats.accuracy > y->stats.accuracy) - (x->stats.accuracy < y->stats.accuracy);
}

static void
fill_class_list (CepAnalyzePage *self)
{
  CepPhonemeTable *table = cep_confusion_get_phoneme_table (self->confusion);
  guint n = cep_confusion_get_n_classes (self->confusion);
  g_autoptr (GArray) entries = g_array_new (FALSE, FALSE, sizeof (ClassEntry));
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->class_list))) != NULL)
    gtk_list_box_remove (self->class_list, child);
  for (guint id = 0; id < n; id++)
    {
      ClassEntry entry = { id };

      cep_confusion_get_class_stats (self->confusion, id, &entry.stats);
      if (entry.stats.support > 0)
        g_array_append_val (entries, entry);
    }
  g_array_sort (entries, compare_accuracy);
  for (guint i = 0; i < entries->len; i++)
    {
      const ClassEntry *entry = &g_array_index (entries, ClassEntry, i);

      gtk_list_box_append (self->class_list, class_row (table, entry->id, &entry->stats));
    }
}

static void
show_confusion (CepAnalyzePage *self)
{
  CepHeatmapFigure figure;

  if (self->confusion == NULL)
    {
      cep_heatmap_view_set_figure (self->confusion_view, NULL);
      return;
    }
  cep_confusion_init_figure (self->confusion, gtk_switch_get_active (self->normalize_switch),
                             cep_partition_get_name (self->partition), &figure);
  cep_heatmap_view_set_figure (self->confusion_view, &figure);
}

static void
on_normalize_changed (CepAnalyzePage *self)
{
  show_confusion (self);
}

static void
on_confusion_hover (CepHeatmapView *view,
                    guint           row,
                    guint           column,
                    CepAnalyzePage *self)
{
  const char *truth = cep_heatmap_view_get_row_label (view, row);
  const char *predicted = cep_heatmap_view_get_column_label (view, column);
  float value = cep_heatmap_view_get_value (view, row, column);
  g_autofree char *text = NULL;

  if (truth == NULL || predicted == NULL)
    return;
  if (gtk_switch_get_active (self->normalize_switch))
    /* Translators: a confusion matrix cell; the first and last %s are the same phoneme. */
    text = g_strdup_printf (_("True %s, predicted %s\n%.1f %% of the %s frames"), truth,
                            predicted, value, truth);
  else
    text = g_strdup_printf (_("True %s, predicted %s\n%.0f frames"), truth, predicted, value);
  cep_heatmap_view_set_readout (view, text);
}

/* Which frames a cell is about (by their numbers in the utterance), and what the chosen mode
 * measured there. */
static void
on_dependency_hover (CepHeatmapView *view,
                     guint           row,
                     guint           column,
                     CepAnalyzePage *self)
{
  const CepHeatmap *heatmap = cep_heatmap_view_get_heatmap (view);
  const char *output = cep_heatmap_view_get_row_label (view, row);
  const char *input = cep_heatmap_view_get_column_label (view, column);
  float value = cep_heatmap_view_get_value (view, row, column);
  g_autofree char *text = NULL;

  if (heatmap == NULL || output == NULL || input == NULL || isnan (value))
    return;
  if (heatmap->mode == CEP_HEATMAP_BOOLEAN)
    text = g_strdup_printf (value != 0.0f ? _("Output frame %s depends on input frame %s")
                                          : _("Output frame %s does not depend on input frame %s"),
                            output, input);
  else
    text = g_strdup_printf (_("Output frame %s, input frame %s\n%.3g"), output, input, value);
  cep_heatmap_view_set_readout (view, text);
}

/* ---- evaluation ---- */

static void
fill_utterances (CepAnalyzePage *self,
                 CepPartition   *partition)
{
  guint n = partition != NULL ? cep_partition_get_n_utterances (partition) : 0;
  g_autofree const char **names = g_new0 (const char *, n + 1);
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->utterance_names));
  guint selected = gtk_drop_down_get_selected (self->utterance_dropdown);

  for (guint i = 0; i < n; i++)
    names[i] = cep_partition_get_utterance_name (partition, i);
  gtk_string_list_splice (self->utterance_names, 0, old, names);
  gtk_drop_down_set_selected (self->utterance_dropdown, selected < n ? selected : 0);
}

static void
on_evaluated (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (CepAnalyzePage) self = user_data;
  g_autoptr (GError) error = NULL;

  end_job (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_clear_pointer (&self->submission_path, g_free);
      report_job_error (self, _("Could Not Evaluate the Run"), error);
      return;
    }
  take_results (self, g_task_get_task_data (G_TASK (result)));
  show_summary (self);
  show_confusion (self);
  if (self->confusion != NULL)
    fill_class_list (self);
  fill_utterances (self, self->partition);
  show_predictions (self);
  if (self->confusion == NULL)
    gtk_stack_set_visible_child_name (self->view_stack, "predictions");
  write_pending_submission (self);
  update_actions (self);
}

static const char *
selected_run (CepAnalyzePage *self)
{
  guint index = gtk_drop_down_get_selected (self->run_dropdown);

  if (index == GTK_INVALID_LIST_POSITION || index >= self->runs->len)
    return NULL;
  return g_ptr_array_index (self->runs, index);
}

gboolean
cep_analyze_page_evaluate (CepAnalyzePage *self)
{
  const char *run = selected_run (self);
  const char *partition = selected_string (self->partition_dropdown);
  g_autoptr (GTask) task = NULL;
  EvaluateJob *job;

  g_return_val_if_fail (CEP_IS_ANALYZE_PAGE (self), FALSE);

  if (run == NULL || partition == NULL || self->job != NULL)
    return FALSE;
  job = g_new0 (EvaluateJob, 1);
  job->run_dir = g_strdup (run);
  job->partition_name = g_strdup (partition);
  task = g_task_new (NULL, begin_job (self), on_evaluated, g_object_ref (self));
  g_task_set_task_data (task, job, evaluate_job_free);
  gtk_label_set_label (self->summary_label, _("Evaluating…"));
  g_task_run_in_thread (task, evaluate_thread);
  return TRUE;
}

/* ---- predictions under the spectrogram ---- */

static void
count_mistakes (const guint8 *labels,
                const guint8 *predicted,
                gsize         n,
                gsize        *mistakes)
{
  *mistakes = 0;
  for (gsize i = 0; i < n; i++)
    *mistakes += labels[i] != predicted[i];
}

static void
describe_predictions (CepAnalyzePage *self,
                      const guint8   *labels,
                      const guint8   *predicted,
                      gsize           length)
{
  g_autofree char *text = NULL;
  gsize mistakes;

  if (predicted == NULL)
    text = g_strdup (_("Evaluate the run to see its predictions"));
  else if (labels == NULL)
    text = g_strdup_printf ("%" G_GSIZE_FORMAT " frames predicted (no labels)", length);
  else
    {
      count_mistakes (labels, predicted, length, &mistakes);
      text = g_strdup_printf ("%" G_GSIZE_FORMAT " frames, %" G_GSIZE_FORMAT " mistakes "
                              "(%.1f %% right), marked in red under the prediction track",
                              length, mistakes, 100.0 * (length - mistakes) / MAX (length, 1));
    }
  gtk_label_set_label (self->prediction_label, text);
}

/* The utterance shown: from the evaluated partition when there is one, else the session's. */
static CepPartition *
shown_partition (CepAnalyzePage *self)
{
  if (self->partition != NULL)
    return self->partition;
  return self->session != NULL
         ? cep_session_get_partition (self->session, selected_string (self->partition_dropdown))
         : NULL;
}

static void
set_track_names (CepAnalyzePage *self,
                 CepPartition   *partition,
                 const guint8   *labels)
{
  CepPhonemeTable *table = cep_partition_get_phoneme_table (partition);
  guint n = cep_phoneme_table_get_n_symbols (table);
  g_autofree const char **names = g_new0 (const char *, n + 1);

  for (guint i = 0; i < n; i++)
    names[i] = cep_phoneme_table_get_name (table, i);
  cep_spectrogram_view_set_labels (self->prediction_view, labels, names, n);
}

static void
show_predictions (CepAnalyzePage *self)
{
  CepPartition *partition = shown_partition (self);
  guint utterance = gtk_drop_down_get_selected (self->utterance_dropdown);
  const guint8 *labels, *predicted = NULL;
  gsize start, length;

  if (partition == NULL || utterance >= cep_partition_get_n_utterances (partition))
    {
      cep_spectrogram_view_set_matrix (self->prediction_view, NULL, 0, 0);
      return;
    }
  start = cep_partition_get_utterance_start (partition, utterance);
  length = cep_partition_get_utterance_length (partition, utterance);
  labels = cep_partition_get_labels (partition);
  if (partition == self->partition && self->predictions != NULL)
    predicted = self->predictions + start;
  cep_spectrogram_view_set_matrix (self->prediction_view, cep_partition_get_frame (partition,
                                                                                   start),
                                   length, cep_partition_get_feature_dim (partition));
  cep_spectrogram_view_set_title (self->prediction_view,
                                  cep_partition_get_utterance_name (partition, utterance));
  /* Without labels the predictions are the only track. */
  set_track_names (self, partition, labels != NULL ? labels + start : predicted);
  if (labels != NULL)
    cep_spectrogram_view_set_predicted (self->prediction_view, predicted);
  describe_predictions (self, labels != NULL ? labels + start : NULL, predicted, length);
}

static void
on_utterance_selected (CepAnalyzePage *self)
{
  show_predictions (self);
}

/* ---- the dependency matrix ---- */

static void
on_dependency_progress (gsize    done,
                        gsize    total,
                        gpointer user_data)
{
  CepAnalyzePage *self = user_data;

  /* The worker thread: two atomics, read by the main thread's progress timer. */
  g_atomic_int_set (&self->progress_total, (gint) MIN (total, G_MAXINT));
  g_atomic_int_set (&self->progress_done, (gint) MIN (done, G_MAXINT));
}

/* An asymmetric model's window, j − past .. j + future, instead of a band. */
static char *
describe_window (const CepDependencyMatrix *matrix)
{
  guint64 leaks = 0, missing = 0;
  g_autofree char *outside = NULL, *inside = NULL;

  if (cep_dependency_matrix_matches_window (matrix, matrix->context_past,
                                            matrix->context_future, &leaks, &missing))
    return g_strdup_printf (_("Exactly its window: every output depends on the %u frames before "
                              "it, itself and the %u after it, and on nothing else."),
                            matrix->context_past, matrix->context_future);
  outside = cep_format_count (leaks);
  inside = cep_format_count (missing);
  /* Translators: counts of cells, then the window's past and future frames. */
  return g_strdup_printf (_("%s dependencies outside the window of %u past and %u future "
                            "frames, %s missing inside it."), outside, matrix->context_past,
                          matrix->context_future, inside);
}

static void
describe_band (CepAnalyzePage            *self,
               const CepDependencyMatrix *matrix)
{
  g_autofree char *text = NULL;
  guint64 leaks = 0, missing = 0;

  if (matrix->stride != 1)
    text = g_strdup_printf ("%u inputs × %u outputs (stride %u); K = %u", matrix->n_inputs,
                            matrix->n_outputs, matrix->stride, matrix->context);
  else if (matrix->context_past != matrix->context_future)
    text = describe_window (matrix);
  else if (cep_dependency_matrix_matches_band (matrix, matrix->context, &leaks, &missing))
    text = g_strdup_printf ("Exactly the ±%u band: every output depends on the %u frames "
                            "around it and on nothing else.", matrix->context,
                            2 * matrix->context + 1);
  else
    text = g_strdup_printf ("%" G_GUINT64_FORMAT " dependencies outside the ±%u band, %"
                            G_GUINT64_FORMAT " missing inside it.", leaks, matrix->context,
                            missing);
  gtk_label_set_label (self->dependency_label, text);
}

static void
on_dependencies_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr (CepAnalyzePage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CepDependencyMatrix) matrix = cep_dependency_matrix_compute_finish (result, &error);
  CepHeatmapFigure figure;

  end_job (self);
  if (matrix == NULL)
    {
      report_job_error (self, _("Could Not Compute the Dependency Matrix"), error);
      return;
    }
  cep_dependency_matrix_init_figure (matrix, selected_string (self->utterance_dropdown),
                                     &figure);
  cep_heatmap_view_set_figure (self->dependency_view, &figure);
  describe_band (self, matrix);
}

/* A matrix of another mode (boolean against sensitivity) must not stay under the new choice:
 * the view clears and says how to fill it. */
static void
on_dependency_mode_changed (CepAnalyzePage *self)
{
  cep_heatmap_view_set_figure (self->dependency_view, NULL);
  gtk_label_set_label (self->dependency_label, _("Compute the matrix in this mode."));
}

gboolean
cep_analyze_page_compute_dependencies (CepAnalyzePage *self)
{
  guint utterance = gtk_drop_down_get_selected (self->utterance_dropdown);
  CepDependencyOptions options;
  gsize length;

  g_return_val_if_fail (CEP_IS_ANALYZE_PAGE (self), FALSE);

  if (self->run_data == NULL || self->partition == NULL || self->job != NULL
      || utterance >= cep_partition_get_n_utterances (self->partition))
    return FALSE;
  length = cep_partition_get_utterance_length (self->partition, utterance);
  cep_dependency_options_init (&options);
  options.mode = (CepDependencyMode) gtk_drop_down_get_selected (self->mode_dropdown);
  options.n_frames = MIN (length, (gsize) gtk_spin_button_get_value_as_int (self->frames_spin));
  options.stride = gtk_spin_button_get_value_as_int (self->stride_spin);
  options.progress = on_dependency_progress;
  options.progress_data = self;
  gtk_label_set_label (self->dependency_label, _("Perturbing input frames…"));
  cep_dependency_matrix_compute_utterance_async (cep_run_data_get_network (self->run_data),
                                                 self->partition, utterance, &options,
                                                 begin_job (self), on_dependencies_done,
                                                 g_object_ref (self));
  return TRUE;
}

/* ---- streaming what-if ---- */

static const guint whatif_chunks[] = { 1, 8, 32, 128 };
static const guint whatif_lookaheads[] = { 0, 2, 5, 10 };
#define WHATIF_FRAME_SHIFT_MS 10.0

/* One line per chunk size: accuracy over latency, as the look-ahead grows. */
static void
show_whatif_curves (CepAnalyzePage           *self,
                    const CepStreamingWhatif *whatif)
{
  guint per_chunk = G_N_ELEMENTS (whatif_lookaheads);
  double x[G_N_ELEMENTS (whatif_lookaheads)], y[G_N_ELEMENTS (whatif_lookaheads)];
  double offline_x[2] = { 0, 0 }, offline_y[2];

  cep_curve_view_clear (self->streaming_view);
  for (guint first = 0; first + per_chunk <= whatif->cells->len; first += per_chunk)
    {
      const CepStreamingCell *cells = &g_array_index (whatif->cells, CepStreamingCell, first);
      g_autofree char *name = g_strdup_printf (_("chunk %u"), cells[0].regime.chunk);
      CepLineSeries series = { .name = name, .markers = TRUE };

      for (guint i = 0; i < per_chunk; i++)
        {
          x[i] = cells[i].latency_ms;
          y[i] = cells[i].result.accuracy;
          offline_x[1] = MAX (offline_x[1], x[i]);
        }
      cep_curve_view_add_series (self->streaming_view, &series, x, y, per_chunk);
    }
  offline_y[0] = offline_y[1] = whatif->offline.accuracy;
  cep_curve_view_add_series (self->streaming_view,
                             &(CepLineSeries) { .name = _("offline"), .dashed = TRUE },
                             offline_x, offline_y, 2);
}

/* "0, 2, 5": the look-aheads tried that are shorter than the model's reach, NULL if none. */
static char *
short_lookaheads (const CepStreamingWhatif *whatif)
{
  g_autoptr (GString) list = g_string_new (NULL);

  /* Cells are chunks outer, look-aheads inner: the first chunk's cells have every one. */
  for (guint i = 0; i < MIN (whatif->cells->len, G_N_ELEMENTS (whatif_lookaheads)); i++)
    {
      const CepStreamingCell *cell = &g_array_index (whatif->cells, CepStreamingCell, i);

      if (!cell->reaches_past_lookahead)
        continue;
      if (list->len > 0)
        g_string_append (list, ", ");
      g_string_append_printf (list, "%u", cell->regime.lookahead);
    }
  return list->len > 0 ? g_strdup (list->str) : NULL;
}

static void
describe_whatif (CepAnalyzePage           *self,
                 const CepStreamingWhatif *whatif)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *short_ones = short_lookaheads (whatif);

  g_string_printf (text, _("Receptive field: %u past + %u future frames (dependency matrix: "
                           "%u + %u). Offline accuracy %.2f %%; latency is chunk + "
                           "look-ahead at %.0f ms a frame."),
                   whatif->declared_past, whatif->declared_future,
                   whatif->measured_past, whatif->measured_future,
                   100 * whatif->offline.accuracy, whatif->frame_shift_ms);
  if (whatif->reaches_past_lookahead)
    g_string_append_printf (text, " %s", _("The model looks further ahead than its declared "
                                           "context."));
  if (short_ones != NULL)
    /* Translators: %u is a number of frames, %s a list of look-aheads ("0, 2, 5"). */
    g_string_append_printf (text, _(" It reads %u future frames, more than look-aheads of %s "
                                    "frames give it."), whatif->measured_future, short_ones);
  gtk_label_set_label (self->streaming_label, text->str);
}

static void
setup_streaming_view (CepAnalyzePage *self)
{
  CepLinePlot *plot = cep_curve_view_get_plot (self->streaming_view);

  cep_line_plot_init (plot);
  plot->x_label = _("Latency: chunk + look-ahead (ms)");
  plot->x_kind = CEP_PLOT_TICKS_NUMBER;
  plot->panels[0].y_label = _("Accuracy (%)");
  plot->panels[0].y_display_scale = 100;
  cep_curve_view_changed (self->streaming_view);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->streaming_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Streaming accuracy against latency"), -1);
}

static void
on_streaming_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (CepAnalyzePage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CepStreamingWhatif) whatif = cep_streaming_whatif_compute_finish (result, &error);

  end_job (self);
  if (whatif == NULL)
    {
      report_job_error (self, _("Could Not Compute the Streaming What-If"), error);
      return;
    }
  show_whatif_curves (self, whatif);
  describe_whatif (self, whatif);
}

gboolean
cep_analyze_page_compute_streaming (CepAnalyzePage *self)
{
  g_return_val_if_fail (CEP_IS_ANALYZE_PAGE (self), FALSE);

  if (self->run_data == NULL || self->partition == NULL || !self->has_eval
      || self->job != NULL)
    return FALSE;
  gtk_label_set_label (self->streaming_label, _("Evaluating every chunk size and look-ahead…"));
  cep_streaming_whatif_compute_async (cep_run_data_get_network (self->run_data),
                                      self->partition, whatif_chunks,
                                      G_N_ELEMENTS (whatif_chunks), whatif_lookaheads,
                                      G_N_ELEMENTS (whatif_lookaheads), WHATIF_FRAME_SHIFT_MS,
                                      begin_job (self), on_streaming_done, g_object_ref (self));
  return TRUE;
}

/* ---- submission ---- */

/* A submission is always for the dataset's unlabelled test partition, whatever was evaluated
 * last (a dev-clean submission.csv scores nothing on Kaggle). */
const char *
cep_analyze_page_get_submission_partition (CepAnalyzePage *self)
{
  CepDataset *dataset;

  g_return_val_if_fail (CEP_IS_ANALYZE_PAGE (self), NULL);

  dataset = self->session != NULL ? cep_session_get_dataset (self->session) : NULL;
  return dataset != NULL ? cep_dataset_get_test_name (dataset) : NULL;
}

static gboolean
has_submission_predictions (CepAnalyzePage *self)
{
  return self->predictions != NULL && self->partition != NULL
         && g_strcmp0 (cep_partition_get_name (self->partition),
                       cep_analyze_page_get_submission_partition (self)) == 0;
}

gboolean
cep_analyze_page_write_submission (CepAnalyzePage  *self,
                                   const char      *path,
                                   GError         **error)
{
  g_return_val_if_fail (CEP_IS_ANALYZE_PAGE (self), FALSE);

  if (!has_submission_predictions (self))
    {
      g_set_error (error, CEP_SUBMISSION_ERROR, CEP_SUBMISSION_ERROR_INVALID,
                   "%s: the predictions are not of the test partition (%s)", path,
                   cep_analyze_page_get_submission_partition (self) != NULL
                   ? cep_analyze_page_get_submission_partition (self) : "none");
      return FALSE;
    }
  return cep_submission_write (path, self->partition, self->predictions, FALSE, error);
}

static void
write_pending_submission (CepAnalyzePage *self)
{
  g_autofree char *path = g_steal_pointer (&self->submission_path);
  g_autoptr (GError) error = NULL;
  g_autofree char *rows = NULL, *message = NULL;

  if (path == NULL)
    return;
  if (!cep_analyze_page_write_submission (self, path, &error))
    {
      report_error (self, _("Could Not Write the Submission"), error);
      return;
    }
  rows = cep_format_count (cep_partition_get_n_frames (self->partition));
  message = g_strdup_printf (_("Wrote %s rows of %s predictions to %s"), rows,
                             cep_partition_get_name (self->partition), path);
  cep_widget_report (GTK_WIDGET (self), message);
}

gboolean
cep_analyze_page_export_submission (CepAnalyzePage *self,
                                    const char     *path)
{
  const char *test = cep_analyze_page_get_submission_partition (self);

  g_return_val_if_fail (CEP_IS_ANALYZE_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (test == NULL || self->job != NULL)
    return FALSE;
  g_free (self->submission_path);
  self->submission_path = g_strdup (path);
  if (has_submission_predictions (self))
    {
      write_pending_submission (self);
      return TRUE;
    }
  /* Predict the test partition first; on_evaluated writes the file. */
  if (cep_analyze_page_select_partition (self, test) && cep_analyze_page_evaluate (self))
    return TRUE;
  g_clear_pointer (&self->submission_path, g_free);
  return FALSE;
}

static void
on_submission_chosen (GPtrArray *files,
                      gpointer   user_data)
{
  g_autoptr (CepAnalyzePage) self = user_data;
  g_autofree char *path = files->len > 0 ? g_file_get_path (g_ptr_array_index (files, 0)) : NULL;

  if (path != NULL)
    cep_analyze_page_export_submission (self, path);
}

/* "Export Submission: test-clean, 1,937 rows": the dialog says what will be written. */
static char *
submission_dialog_title (CepAnalyzePage *self)
{
  const char *test = cep_analyze_page_get_submission_partition (self);
  CepPartition *partition = test != NULL ? cep_session_get_partition (self->session, test) : NULL;
  g_autofree char *rows = NULL;

  if (partition == NULL)
    return g_strdup (_("Export Submission"));
  rows = cep_format_count (cep_partition_get_n_frames (partition));
  return g_strdup_printf (_("Export Submission: %s, %s rows"), test, rows);
}

/* ---- runs and partitions ---- */

static void
on_runs_listed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (CepAnalyzePage) self = user_data;
  g_autoptr (GPtrArray) runs = cep_run_history_list_finish (result, NULL);
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->run_names));

  if (runs == NULL)
    return;
  g_ptr_array_set_size (self->runs, 0);
  gtk_string_list_splice (self->run_names, 0, old, NULL);
  for (guint i = 0; i < runs->len; i++)
    {
      const CepRunInfo *info = g_ptr_array_index (runs, i);
      g_autofree char *checkpoint = cep_run_find_checkpoint (info->dir, NULL, NULL);
      g_autofree char *best = cep_format_percent (cep_run_curves_best_accuracy (info->curves));
      g_autofree char *label = NULL;

      if (checkpoint == NULL)
        continue;
      label = g_strdup_printf ("%s (best %s)", info->id, best);
      g_ptr_array_add (self->runs, g_strdup (info->dir));
      gtk_string_list_append (self->run_names, label);
    }
  if (self->runs->len == 0)
    gtk_label_set_label (self->summary_label,
                         "No run of this dataset has a checkpoint yet: train one on the Train "
                         "page, then evaluate it here.");
  else if (self->predictions == NULL && self->job == NULL)
    gtk_label_set_label (self->summary_label, _("Choose a run and a partition, then Evaluate."));
  update_actions (self);
  g_signal_emit (self, signals[SIGNAL_RUNS_LOADED], 0);
}

void
cep_analyze_page_refresh_runs (CepAnalyzePage *self)
{
  g_autofree char *runs_root = cep_run_history_get_root ();

  g_return_if_fail (CEP_IS_ANALYZE_PAGE (self));

  if (self->session == NULL)
    return;
  g_cancellable_cancel (self->runs_cancellable);
  g_clear_object (&self->runs_cancellable);
  self->runs_cancellable = g_cancellable_new ();
  cep_run_history_list_async (runs_root, cep_session_get_experiment (self->session)->data.root,
                              self->runs_cancellable, on_runs_listed, g_object_ref (self));
}

guint
cep_analyze_page_get_n_runs (CepAnalyzePage *self)
{
  g_return_val_if_fail (CEP_IS_ANALYZE_PAGE (self), 0);
  return self->runs->len;
}

gboolean
cep_analyze_page_select_partition (CepAnalyzePage *self,
                                   const char     *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->partition_names));

  g_return_val_if_fail (CEP_IS_ANALYZE_PAGE (self), FALSE);

  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->partition_names, i), name) == 0)
      {
        gtk_drop_down_set_selected (self->partition_dropdown, i);
        return TRUE;
      }
  return FALSE;
}

/* Runs finish on the Train page while this one is hidden: list them again when shown. */
static void
on_map (CepAnalyzePage *self)
{
  if (self->job == NULL)
    cep_analyze_page_refresh_runs (self);
}

static void
on_partition_selected (CepAnalyzePage *self)
{
  /* Results belong to the evaluated partition; a new choice shows its utterances. */
  if (self->partition != NULL
      && g_strcmp0 (cep_partition_get_name (self->partition),
                    selected_string (self->partition_dropdown)) != 0)
    {
      clear_results (self);
      cep_heatmap_view_set_figure (self->confusion_view, NULL);
      cep_heatmap_view_set_figure (self->dependency_view, NULL);
      gtk_label_set_label (self->summary_label, _("Evaluate the run on this partition."));
    }
  fill_utterances (self, shown_partition (self));
  show_predictions (self);
  update_actions (self);
}

static void
fill_partitions (CepAnalyzePage *self)
{
  CepDataset *dataset = cep_session_get_dataset (self->session);
  const char * const *names = dataset != NULL ? cep_dataset_get_partition_names (dataset) : NULL;
  const char *dev = dataset != NULL ? cep_dataset_get_dev_name (dataset) : NULL;
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->partition_names));

  gtk_string_list_splice (self->partition_names, 0, old, names);
  if (dev == NULL || !cep_analyze_page_select_partition (self, dev))
    gtk_drop_down_set_selected (self->partition_dropdown, 0);
  on_partition_selected (self);
}

static void
on_dataset_changed (CepAnalyzePage *self)
{
  clear_results (self);
  fill_partitions (self);
  cep_analyze_page_refresh_runs (self);
}

static void
on_experiment_changed (CepSession     *session,
                       guint           what,
                       CepAnalyzePage *self)
{
  if (what & CEP_SESSION_CHANGED_DATA)
    on_dataset_changed (self);
}

void
cep_analyze_page_set_session (CepAnalyzePage *self,
                              CepSession     *session)
{
  g_return_if_fail (CEP_IS_ANALYZE_PAGE (self));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session == NULL)
    return;
  g_signal_connect (session, "experiment-changed", G_CALLBACK (on_experiment_changed), self);
  on_dataset_changed (self);
}

/* ---- actions ---- */

static void
update_actions (CepAnalyzePage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean idle = self->job == NULL;

  gtk_widget_action_set_enabled (widget, "analyze.evaluate",
                                 idle && self->runs->len > 0
                                 && selected_string (self->partition_dropdown) != NULL);
  gtk_widget_action_set_enabled (widget, "analyze.dependencies",
                                 idle && self->run_data != NULL);
  gtk_widget_action_set_enabled (widget, "analyze.streaming",
                                 idle && self->run_data != NULL && self->has_eval);
  gtk_widget_action_set_enabled (widget, "analyze.export-submission",
                                 idle && selected_run (self) != NULL
                                 && cep_analyze_page_get_submission_partition (self) != NULL);
  gtk_widget_action_set_enabled (widget, "analyze.cancel", !idle);
}

static void
evaluate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  cep_analyze_page_evaluate (CEP_ANALYZE_PAGE (widget));
}

static void
dependencies_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  cep_analyze_page_compute_dependencies (CEP_ANALYZE_PAGE (widget));
}

static void
streaming_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  cep_analyze_page_compute_streaming (CEP_ANALYZE_PAGE (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CepAnalyzePage *self = CEP_ANALYZE_PAGE (widget);

  g_cancellable_cancel (self->job);
}

static void
export_submission_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *title = submission_dialog_title (CEP_ANALYZE_PAGE (widget));

  cep_choose_save (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, title, "submission.csv",
                   on_submission_chosen, g_object_ref (widget));
}

/* ---- GObject ---- */

static void
cep_analyze_page_dispose (GObject *object)
{
  CepAnalyzePage *self = CEP_ANALYZE_PAGE (object);

  g_cancellable_cancel (self->job);
  g_cancellable_cancel (self->runs_cancellable);
  g_clear_object (&self->runs_cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->submission_path, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_ANALYZE_PAGE);
  cep_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->run_names);
  g_clear_object (&self->partition_names);
  g_clear_object (&self->utterance_names);
  G_OBJECT_CLASS (cep_analyze_page_parent_class)->dispose (object);
}

static void
cep_analyze_page_finalize (GObject *object)
{
  CepAnalyzePage *self = CEP_ANALYZE_PAGE (object);

  /* A job holds a reference to the page until it ends, so none is running here. */
  clear_results (self);
  g_clear_object (&self->job);
  g_ptr_array_unref (self->runs);
  G_OBJECT_CLASS (cep_analyze_page_parent_class)->finalize (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CepAnalyzePage, name)

static void
bind_template (GtkWidgetClass *widget_class)
{
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/cep-analyze-page.ui");
  BIND (run_dropdown);
  BIND (partition_dropdown);
  BIND (utterance_dropdown);
  BIND (summary_label);
  BIND (progress_bar);
  BIND (cancel_button);
  BIND (view_stack);
  BIND (confusion_view);
  BIND (normalize_switch);
  BIND (class_list);
  BIND (prediction_label);
  BIND (prediction_view);
  BIND (prediction_scrollbar);
  BIND (mode_dropdown);
  BIND (frames_spin);
  BIND (stride_spin);
  BIND (dependency_label);
  BIND (dependency_view);
  BIND (streaming_label);
  BIND (streaming_view);
  /* Not used by the code, but reachable for tests (gtk_widget_get_template_child). */
  gtk_widget_class_bind_template_child_full (widget_class, "evaluate_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "compute_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "streaming_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "export_button", FALSE, 0);
}

static void
cep_analyze_page_class_init (CepAnalyzePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cep_analyze_page_dispose;
  object_class->finalize = cep_analyze_page_finalize;
  g_type_ensure (CEP_TYPE_HEATMAP_VIEW);
  g_type_ensure (CEP_TYPE_SPECTROGRAM_VIEW);
  g_type_ensure (CEP_TYPE_CURVE_VIEW);
  bind_template (widget_class);
  gtk_widget_class_install_action (widget_class, "analyze.evaluate", NULL, evaluate_action);
  gtk_widget_class_install_action (widget_class, "analyze.dependencies", NULL,
                                   dependencies_action);
  gtk_widget_class_install_action (widget_class, "analyze.streaming", NULL, streaming_action);
  gtk_widget_class_install_action (widget_class, "analyze.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "analyze.export-submission", NULL,
                                   export_submission_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "analyze.evaluate", NULL);
  /* The runs were listed again. */
  signals[SIGNAL_RUNS_LOADED] = g_signal_new ("runs-loaded", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 0);
  /* An evaluation or dependency job ended (done, failed or cancelled). */
  signals[SIGNAL_JOB_DONE] = g_signal_new ("job-done", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
}

static void
setup_dropdown (GtkDropDown   *dropdown,
                GtkStringList *model)
{
  GtkExpression *expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL,
                                                           "string");

  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_expression (dropdown, expression);
  gtk_expression_unref (expression);
}

static void
cep_analyze_page_init (CepAnalyzePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->runs = g_ptr_array_new_with_free_func (g_free);
  self->run_names = gtk_string_list_new (NULL);
  self->partition_names = gtk_string_list_new (NULL);
  self->utterance_names = gtk_string_list_new (NULL);
  setup_dropdown (self->run_dropdown, self->run_names);
  setup_dropdown (self->partition_dropdown, self->partition_names);
  setup_dropdown (self->utterance_dropdown, self->utterance_names);
  gtk_scrollbar_set_adjustment (self->prediction_scrollbar,
                                cep_spectrogram_view_get_adjustment (self->prediction_view));
  g_signal_connect_swapped (self->partition_dropdown, "notify::selected",
                            G_CALLBACK (on_partition_selected), self);
  g_signal_connect_swapped (self->run_dropdown, "notify::selected",
                            G_CALLBACK (update_actions), self);
  g_signal_connect_swapped (self->utterance_dropdown, "notify::selected",
                            G_CALLBACK (on_utterance_selected), self);
  g_signal_connect_swapped (self->normalize_switch, "notify::active",
                            G_CALLBACK (on_normalize_changed), self);
  g_signal_connect_swapped (self->mode_dropdown, "notify::selected",
                            G_CALLBACK (on_dependency_mode_changed), self);
  g_signal_connect (self->confusion_view, "hover", G_CALLBACK (on_confusion_hover), self);
  g_signal_connect (self->dependency_view, "hover", G_CALLBACK (on_dependency_hover), self);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
  setup_streaming_view (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->confusion_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Confusion matrix"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dependency_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Dependency matrix"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->prediction_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Predictions"), -1);
  update_actions (self);
}
