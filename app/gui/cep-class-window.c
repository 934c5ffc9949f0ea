/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-class-window.c: the class table and the students' curves.
 *
 * The verification (core's cep_class_open) and reading each hand-in's run back run in a GTask;
 * progress reaches the window through a CepMainPost. Each hand-in becomes a CepRunItem whose
 * label is the student's name and which carries its class row (object data), so the runs
 * table and the comparison of the Train page show it; the row's columns are added here. The
 * class, and with it the hand-ins' extracted files, lives as long as the window.
 */
#define G_LOG_DOMAIN "cepstra-class-window"

#include "cep-class-window.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cep-class.h"
#include "cep-format.h"
#include "cep-gui-util.h"
#include "cep-main-post.h"
#include "cep-run-comparison-view.h"
#include "cep-run-item.h"
#include "cep-runs-table.h"

#define ROW_KEY "cep-class-row"

struct _CepClassWindow
{
  AdwWindow             parent_instance;

  char                 *folder;
  char                 *dataset_root;
  CepClass             *klass;       /* NULL until loaded */
  GListStore           *handins;     /* of CepRunItem */
  GCancellable         *cancellable;
  CepMainPost          *progress;
  gboolean              disposed;    /* closed while verifying: the worker's end is ignored */

  /* template */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkStack             *view_stack;
  GtkProgressBar       *progress_bar;
  AdwStatusPage        *error_page;
  GtkLabel             *summary_label;
  CepRunsTable         *runs_table;
  GtkLabel             *detail_label;
  CepRunComparisonView *comparison;
};

enum
{
  SIGNAL_OPEN_RUN,
  SIGNAL_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CepClassWindow, cep_class_window, ADW_TYPE_WINDOW)

static const CepClassRow *
class_row (CepRunItem *item)
{
  return g_object_get_data (G_OBJECT (item), ROW_KEY);
}

/* ---- the columns ---- */

static char *
describe_student (CepRunItem *item)
{
  return g_strdup (cep_run_item_get_label (item));
}

static char *
describe_model (CepRunItem *item)
{
  return g_strdup (class_row (item)->model != NULL ? class_row (item)->model : "–");
}

static double
count_parameters (CepRunItem *item)
{
  return class_row (item)->model != NULL ? (double) class_row (item)->parameters : NAN;
}

static char *
describe_parameters (CepRunItem *item)
{
  return class_row (item)->model != NULL ? cep_format_count (class_row (item)->parameters)
                                         : g_strdup ("–");
}

static char *
describe_optimizer (CepRunItem *item)
{
  const CepClassRow *row = class_row (item);

  if (row->optimizer == NULL)
    return g_strdup ("–");
  return g_strdup_printf ("%s %g, batch %u", row->optimizer, row->lr, row->batch_size);
}

static char *
describe_epochs (CepRunItem *item)
{
  return g_strdup_printf ("%u / %u", class_row (item)->epochs_done, class_row (item)->epochs);
}

static double
count_epochs (CepRunItem *item)
{
  return class_row (item)->epochs_done;
}

static char *
describe_context (CepRunItem *item)
{
  const CepClassRow *row = class_row (item);

  if (row->model == NULL)
    return g_strdup ("–");
  if (row->context_past == row->context_future)
    return g_strdup_printf ("%u", row->context_past);
  return g_strdup_printf ("%u + %u", row->context_past, row->context_future);
}

/* Accuracies in per cent; any other metric (a loss) as it is. */
static char *
describe_metric (const CepClassRow *row,
                 double             value)
{
  if (isnan (value))
    return g_strdup ("–");
  if (row->metric != NULL && g_str_has_suffix (row->metric, "accuracy"))
    return cep_format_percent (value);
  return g_strdup_printf ("%.4f", value);
}

static char *
describe_claimed (CepRunItem *item)
{
  return describe_metric (class_row (item), class_row (item)->claimed);
}

static double
get_claimed (CepRunItem *item)
{
  return class_row (item)->claimed;
}

static char *
describe_measured (CepRunItem *item)
{
  return describe_metric (class_row (item), class_row (item)->measured);
}

static double
get_measured (CepRunItem *item)
{
  return class_row (item)->measured;
}

static char *
describe_time (CepRunItem *item)
{
  return cep_format_duration (class_row (item)->training_seconds);
}

static double
get_time (CepRunItem *item)
{
  return class_row (item)->training_seconds;
}

static const char *
flag_label (CepClassFlags flag)
{
  switch (flag)
    {
    case CEP_CLASS_FLAG_UNREADABLE:
      return _("unreadable");
    case CEP_CLASS_FLAG_TAMPERED:
      return _("tampered");
    case CEP_CLASS_FLAG_OTHER_ASSIGNMENT:
      return _("other assignment");
    case CEP_CLASS_FLAG_RULE_BROKEN:
      return _("rule broken");
    case CEP_CLASS_FLAG_NOT_REPRODUCED:
      return _("metric does not reproduce");
    case CEP_CLASS_FLAG_DUPLICATE_STUDENT:
      return _("student twice");
    case CEP_CLASS_FLAG_NOT_MEASURED:
      return _("not measured");
    case CEP_CLASS_FLAG_NONE:
    default:
      return cep_class_flag_get_name (flag);
    }
}

static char *
describe_flags_of (const CepClassRow *row)
{
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint bit = 0; bit < 31; bit++)
    if (row->flags & (1u << bit))
      {
        const char *label = flag_label ((CepClassFlags) (1u << bit));

        g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "⚠ ",
                                label != NULL ? label : "?");
      }
  return g_strdup (text->str);
}

static char *
describe_flags (CepRunItem *item)
{
  return describe_flags_of (class_row (item));
}

/* Flagged rows first when sorted descending. */
static double
count_flags (CepRunItem *item)
{
  guint flags = class_row (item)->flags, count = 0;

  for (; flags != 0; flags &= flags - 1)
    count++;
  return count;
}

static char *
describe_reasons (CepRunItem *item)
{
  const CepClassRow *row = class_row (item);

  if (row->reasons == NULL || row->reasons[0] == NULL)
    return g_strdup (_("No problem found"));
  return g_strjoinv ("\n", row->reasons);
}

static void
add_columns (CepClassWindow *self)
{
  static const char * const shown_keys[] = { "model.name", "model.context",
                                             "model.context_past", "model.context_future",
                                             "model.params", "train.optimizer",
                                             "train.optimizer.lr", "train.batch_size",
                                             "train.epochs", NULL };
  CepRunsTable *table = self->runs_table;

  /* What a grade needs first: who, what is wrong, the metric claimed and measured. */
  cep_runs_table_add_column (table, _("Student"), describe_student, NULL, TRUE, 18);
  cep_runs_table_add_column (table, _("Flags"), describe_flags, count_flags, FALSE, 28);
  cep_runs_table_set_tooltip (table, _("Flags"), describe_reasons);
  cep_runs_table_add_column (table, _("Claimed"), describe_claimed, get_claimed, FALSE, 0);
  cep_runs_table_add_column (table, _("Re-measured"), describe_measured, get_measured, FALSE,
                             0);
  cep_runs_table_add_column (table, _("Model"), describe_model, NULL, FALSE, 14);
  cep_runs_table_add_column (table, _("Parameters"), describe_parameters, count_parameters,
                             FALSE, 0);
  cep_runs_table_add_column (table, _("Optimizer"), describe_optimizer, NULL, FALSE, 20);
  cep_runs_table_add_column (table, _("Context"), describe_context, NULL, FALSE, 0);
  cep_runs_table_add_column (table, _("Epochs"), describe_epochs, count_epochs, FALSE, 0);
  cep_runs_table_add_column (table, _("Training time"), describe_time, get_time, FALSE, 0);
  cep_runs_table_add_hyperparameter_columns (table, shown_keys);
}

/* ---- showing the class ---- */

static void
show_selected_reasons (CepClassWindow *self)
{
  CepRunItem *item = cep_runs_table_get_selected (self->runs_table);
  g_autofree char *reasons = NULL;
  g_autofree char *text = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "class.open-in-analyze",
                                 item != NULL && class_row (item)->handin != NULL);
  if (item == NULL)
    {
      gtk_label_set_label (self->detail_label, "");
      return;
    }
  reasons = describe_reasons (item);
  /* Translators: the hand-in's student, then what is wrong with it (or that nothing is). */
  text = g_strdup_printf (_("%s: %s"), cep_run_item_get_label (item), reasons);
  gtk_label_set_label (self->detail_label, text);
}

static void
show_summary (CepClassWindow *self)
{
  guint n = cep_class_get_n_rows (self->klass), flagged = cep_class_count_flagged (self->klass);
  g_autofree char *handins = g_strdup_printf (g_dngettext (NULL, "%u hand-in", "%u hand-ins",
                                                           n), n);
  g_autofree char *text = NULL;

  /* Translators: "5 hand-ins", then how many are flagged, then the partition's name. */
  text = g_strdup_printf (_("%s, %u flagged; metrics re-measured on %s"), handins, flagged,
                          cep_class_get_partition_name (self->klass));
  gtk_label_set_label (self->summary_label, text);
}

/* A row that could not be opened still gets an item: its file as the run, no curves. */
static CepRunInfo *
placeholder_info (const CepClassRow *row)
{
  CepRunInfo *info = g_new0 (CepRunInfo, 1);

  info->id = g_strdup (row->file);
  info->curves = cep_run_curves_new ();
  return info;
}

static void
show_class (CepClassWindow *self,
            GPtrArray      *infos)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = cep_class_get_n_rows (self->klass);

  for (guint i = 0; i < n; i++)
    {
      const CepClassRow *row = cep_class_get_row (self->klass, i);
      CepRunInfo *info = g_ptr_array_steal_index (infos, 0);
      CepRunItem *item = cep_run_item_new (info != NULL ? info : placeholder_info (row));

      cep_run_item_set_label (item, row->student != NULL ? row->student : row->file);
      g_object_set_data (G_OBJECT (item), ROW_KEY, (gpointer) row);
      cep_run_item_set_compared (item, info != NULL);
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (self->handins, 0, 0, items->pdata, items->len);
  cep_run_comparison_view_set_group_keys (self->comparison,
                                          cep_runs_table_get_varying_keys (self->runs_table));
  show_summary (self);
  show_selected_reasons (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "class.export-csv", TRUE);
  gtk_stack_set_visible_child_name (self->view_stack, "class");
}

/* ---- loading ---- */

typedef struct
{
  char         *folder;
  char         *dataset_root;
  CepMainPost  *progress;
} LoadJob;

typedef struct
{
  CepClass  *klass;
  GPtrArray *infos;    /* CepRunInfo or NULL, one per row */
} Loaded;

typedef struct
{
  gsize done;
  gsize total;
} Progress;

static void
load_job_free (LoadJob *job)
{
  g_free (job->folder);
  g_free (job->dataset_root);
  cep_main_post_unref (job->progress);
  g_free (job);
}

static void
loaded_free (Loaded *loaded)
{
  g_ptr_array_unref (loaded->infos);
  cep_class_free (loaded->klass);
  g_free (loaded);
}

static void
post_progress (gsize    done,
               gsize    total,
               gpointer data)
{
  CepMainPost *post = data;
  Progress *progress = cep_main_post_get_data (post);

  cep_main_post_lock (post);
  progress->done = done;
  progress->total = total;
  cep_main_post_unlock (post);
  cep_main_post_wake (post);
}

static void
apply_progress (gpointer     owner,
                CepMainPost *post)
{
  CepClassWindow *self = owner;
  Progress *progress = cep_main_post_get_data (post);
  g_autofree char *done_text = NULL;
  g_autofree char *total_text = NULL;
  g_autofree char *text = NULL;
  gsize done, total;

  cep_main_post_lock (post);
  done = progress->done;
  total = progress->total;
  cep_main_post_unlock (post);
  if (self->disposed || self->klass != NULL || total == 0)
    return;
  done_text = cep_format_count (done);
  total_text = cep_format_count (total);
  /* Translators: steps of the verification done, of all. */
  text = g_strdup_printf (_("%s of %s"), done_text, total_text);
  gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
load_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LoadJob *job = task_data;
  CepClassOptions options;
  GError *error = NULL;
  Loaded *loaded;
  CepClass *klass;

  cep_class_options_init (&options);
  options.dataset = job->dataset_root;
  klass = cep_class_open (job->folder, &options, cancellable, post_progress, job->progress,
                          &error);
  if (klass == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  loaded = g_new0 (Loaded, 1);
  loaded->klass = klass;
  loaded->infos = g_ptr_array_new_with_free_func ((GDestroyNotify) cep_run_info_free);
  for (guint i = 0; i < cep_class_get_n_rows (klass); i++)
    {
      const CepClassRow *row = cep_class_get_row (klass, i);

      /* The class already read and checked these files: a run that does not read back is
       * one more hand-in without curves, not a failure of the class. */
      g_ptr_array_add (loaded->infos,
                       row->handin != NULL
                       ? cep_run_info_load (cep_handin_get_run_dir (row->handin), NULL) : NULL);
    }
  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  CepClassWindow *self = CEP_CLASS_WINDOW (source);
  g_autoptr (GError) error = NULL;
  Loaded *loaded = g_task_propagate_pointer (G_TASK (result), &error);

  if (self->disposed)
    {
      g_clear_pointer (&loaded, loaded_free);
      return;
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "class.cancel", FALSE);
  g_clear_object (&self->cancellable);
  if (loaded == NULL)
    {
      gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      adw_status_page_set_title (self->error_page,
                                 cancelled ? _("Verification Cancelled")
                                           : _("Could Not Open the Hand-ins"));
      adw_status_page_set_description (self->error_page,
                                       cancelled ? _("Open the hand-ins again to see the class.")
                                                 : error->message);
      gtk_stack_set_visible_child_name (self->view_stack, "error");
    }
  else
    {
      self->klass = g_steal_pointer (&loaded->klass);
      show_class (self, loaded->infos);
      loaded_free (loaded);
    }
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

static void
start_loading (CepClassWindow *self)
{
  g_autoptr (GTask) task = NULL;
  LoadJob *job = g_new0 (LoadJob, 1);

  self->cancellable = g_cancellable_new ();
  job->folder = g_strdup (self->folder);
  job->dataset_root = g_strdup (self->dataset_root);
  job->progress = cep_main_post_ref (self->progress);
  task = g_task_new (self, self->cancellable, on_loaded, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  gtk_stack_set_visible_child_name (self->view_stack, "loading");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "class.cancel", TRUE);
  g_task_run_in_thread (task, load_in_thread);
}

CepClassWindow *
cep_class_window_new (GtkApplication *application,
                      const char     *folder,
                      const char     *dataset_root)
{
  CepClassWindow *self;

  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (CEP_TYPE_CLASS_WINDOW, "application", application, NULL);
  self->folder = g_strdup (folder);
  self->dataset_root = g_strdup (dataset_root);
  adw_window_title_set_subtitle (self->window_title, folder);
  start_loading (self);
  return self;
}

gboolean
cep_class_window_is_loading (CepClassWindow *self)
{
  g_return_val_if_fail (CEP_IS_CLASS_WINDOW (self), FALSE);
  return self->cancellable != NULL;
}

void
cep_class_window_cancel (CepClassWindow *self)
{
  g_return_if_fail (CEP_IS_CLASS_WINDOW (self));
  g_cancellable_cancel (self->cancellable);
}

GListModel *
cep_class_window_get_handins (CepClassWindow *self)
{
  g_return_val_if_fail (CEP_IS_CLASS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->handins);
}

char *
cep_class_window_describe_flags (CepClassWindow *self,
                                 guint           index)
{
  g_return_val_if_fail (CEP_IS_CLASS_WINDOW (self) && self->klass != NULL, NULL);
  g_return_val_if_fail (index < cep_class_get_n_rows (self->klass), NULL);
  return describe_flags_of (cep_class_get_row (self->klass, index));
}

gboolean
cep_class_window_write_csv (CepClassWindow  *self,
                            const char      *path,
                            GError         **error)
{
  g_return_val_if_fail (CEP_IS_CLASS_WINDOW (self) && self->klass != NULL, FALSE);
  return cep_class_write_csv (self->klass, path, error);
}

/* ---- actions ---- */

static gboolean
export_csv (const char  *path,
            gpointer     user_data,
            GError     **error)
{
  return cep_class_window_write_csv (user_data, path, error);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  cep_widget_export (widget, "class.csv", export_csv, g_object_ref (widget), g_object_unref);
}

static void
open_in_analyze_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  CepClassWindow *self = CEP_CLASS_WINDOW (widget);
  CepRunItem *item = cep_runs_table_get_selected (self->runs_table);

  if (item == NULL || class_row (item)->handin == NULL)
    return;
  g_signal_emit (self, signals[SIGNAL_OPEN_RUN], 0,
                 cep_handin_get_run_dir (class_row (item)->handin),
                 cep_run_item_get_label (item));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  cep_class_window_cancel (CEP_CLASS_WINDOW (widget));
}

/* The window reports like the main one (cep_widget_report), with toasts and dialogs of its
 * own. */
static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  adw_toast_overlay_add_toast (CEP_CLASS_WINDOW (widget)->toast_overlay,
                               adw_toast_new (g_variant_get_string (parameter, NULL)));
}

static void
show_error_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  const char *heading, *message;
  GtkWidget *dialog;

  g_variant_get (parameter, "(&s&s)", &heading, &message);
  dialog = adw_message_dialog_new (GTK_WINDOW (widget), heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- GObject ---- */

static void
cep_class_window_dispose (GObject *object)
{
  CepClassWindow *self = CEP_CLASS_WINDOW (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_CLASS_WINDOW);
  G_OBJECT_CLASS (cep_class_window_parent_class)->dispose (object);
}

static void
cep_class_window_finalize (GObject *object)
{
  CepClassWindow *self = CEP_CLASS_WINDOW (object);

  /* The items point into the class's rows: they go first. */
  g_clear_object (&self->handins);
  g_clear_pointer (&self->klass, cep_class_free);
  g_clear_pointer (&self->progress, cep_main_post_unref);
  g_free (self->folder);
  g_free (self->dataset_root);
  G_OBJECT_CLASS (cep_class_window_parent_class)->finalize (object);
}

static void
cep_class_window_class_init (CepClassWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cep_class_window_dispose;
  object_class->finalize = cep_class_window_finalize;
  g_type_ensure (CEP_TYPE_RUNS_TABLE);
  g_type_ensure (CEP_TYPE_RUN_COMPARISON_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/"
                                               "cep-class-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CepClassWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CepClassWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, CepClassWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CepClassWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CepClassWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, CepClassWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CepClassWindow, runs_table);
  gtk_widget_class_bind_template_child (widget_class, CepClassWindow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, CepClassWindow, comparison);
  gtk_widget_class_install_action (widget_class, "class.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "class.open-in-analyze", NULL,
                                   open_in_analyze_action);
  gtk_widget_class_install_action (widget_class, "class.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.show-error", "(ss)", show_error_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
  /* Open in Analyze: the run folder of the hand-in, and the student's name. */
  signals[SIGNAL_OPEN_RUN] = g_signal_new ("open-run", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* The verification ended: the class is shown, or why not. */
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
cep_class_window_init (CepClassWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->handins = g_list_store_new (CEP_TYPE_RUN_ITEM);
  self->progress = cep_main_post_new (self, G_PRIORITY_DEFAULT, apply_progress,
                                      g_new0 (Progress, 1), g_free);
  add_columns (self);
  cep_runs_table_set_fills_height (self->runs_table, TRUE);
  cep_runs_table_set_model (self->runs_table, G_LIST_MODEL (self->handins));
  cep_runs_table_set_accessible_label (self->runs_table, _("Hand-ins"));
  cep_runs_table_set_search_placeholder (self->runs_table, _("Filter hand-ins by any cell"));
  cep_run_comparison_view_set_model (self->comparison, G_LIST_MODEL (self->handins));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "class.export-csv", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "class.open-in-analyze", FALSE);
  g_signal_connect_swapped (self->runs_table, "notify::selected-run",
                            G_CALLBACK (show_selected_reasons), self);
}
