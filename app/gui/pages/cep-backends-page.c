/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-backends-page.c: the Backends page.
 *
 * Owns the benchmark job (a GTask calling core/analysis's cep-benchmark functions) and the
 * table and chart of its results. The worker posts each backend's timings to the main loop
 * as they are done; the page only divides them for display (GFLOP/s, samples/s, speedup).
 */
#define G_LOG_DOMAIN "cepstra-backends-page"

#include "cep-backends-page.h"

#include <glib/gi18n.h>

#include <string.h>

#include "cep-backend.h"
#include "cep-bar-chart.h"
#include "cep-benchmark.h"
#include "cep-colormap.h"
#include "cep-format.h"
#include "cep-gui-util.h"

/* Small enough that the plain-C reference finishes a training step in seconds. */
#define BENCH_BATCH 256
#define OPENBLAS_ROW "OpenBLAS directly"

typedef struct
{
  char      *name;
  char      *description;
  gboolean   has_seed;
  CepTiming  seed;
  gboolean   has_model;
  CepTiming  train;
  CepTiming  inference;
  char      *error;
} BenchRow;

/* Shared by the worker and the rows it posts; the page is reached through the weak ref, on
 * the main thread only. */
typedef struct
{
  GStrv          names;
  CepModelSpec  *spec;
  GWeakRef       page;
  GCancellable  *cancellable;
  guint          repeat;         /* timed runs per measurement (the ref backend's fewer) */
  gint           done;
  gint           total;
} BenchJob;

typedef struct
{
  BenchJob *job;
  BenchRow  row;
} PostedRow;

struct _CepBackendsPage
{
  GtkWidget       parent_instance;

  CepSession     *session;
  GArray         *rows;             /* of BenchRow */
  BenchJob       *job;              /* running, or NULL */
  guint           progress_id;
  guint           repeat;

  /* template */
  GtkProgressBar *progress_bar;
  GtkLabel       *model_label;
  GtkWidget      *table_heading;
  GtkGrid        *table;
  CepBarChart    *throughput_chart;
  GtkWidget      *empty_status;
  GtkWidget      *chart_options;
};

enum
{
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CepBackendsPage, cep_backends_page, GTK_TYPE_WIDGET)

static void update_actions (CepBackendsPage *self);

static void
bench_row_clear (gpointer data)
{
  BenchRow *row = data;

  g_free (row->name);
  g_free (row->description);
  g_free (row->error);
}

static BenchJob *
bench_job_new (CepBackendsPage *page,
               const CepModelSpec *spec)
{
  BenchJob *job = g_atomic_rc_box_new0 (BenchJob);

  job->names = g_strdupv ((char **) cep_backend_list_available ());
  job->spec = cep_model_spec_copy (spec);
  g_weak_ref_init (&job->page, page);
  job->cancellable = g_cancellable_new ();
  job->total = 1 + 3 * g_strv_length (job->names);
  return job;
}

static void
bench_job_clear (gpointer data)
{
  BenchJob *job = data;

  g_strfreev (job->names);
  cep_model_spec_free (job->spec);
  g_weak_ref_clear (&job->page);
  g_object_unref (job->cancellable);
}

static void
bench_job_unref (gpointer job)
{
  g_atomic_rc_box_release_full (job, bench_job_clear);
}

/* ---- the table ---- */

static const BenchRow *
find_row (CepBackendsPage *self,
          const char      *name)
{
  for (guint i = 0; i < self->rows->len; i++)
    if (g_str_equal (g_array_index (self->rows, BenchRow, i).name, name))
      return &g_array_index (self->rows, BenchRow, i);
  return NULL;
}

static void
attach_label (CepBackendsPage *self,
              const char      *text,
              int              column,
              int              row,
              gboolean         heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column <= 1 ? 0 : 1);
  gtk_label_set_selectable (GTK_LABEL (label), !heading);
  if (column == 1)
    {
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 34);
      gtk_widget_set_tooltip_text (label, text);
      gtk_widget_set_hexpand (label, TRUE);
    }
  gtk_widget_add_css_class (label, heading ? "heading" : "numeric");
  gtk_grid_attach (self->table, label, column, row, 1, 1);
}

static char *
format_rate (double samples,
             double seconds)
{
  g_autofree char *count = cep_format_count ((guint64) (samples / seconds));

  return g_strdup (count);
}

static void
attach_row (CepBackendsPage *self,
            const BenchRow  *row,
            const BenchRow  *reference,
            int              line)
{
  g_autofree char *time = NULL, *gflops = NULL, *speedup = NULL, *train = NULL, *infer = NULL;

  attach_label (self, row->name, 0, line, FALSE);
  attach_label (self, row->error != NULL ? row->error : row->description, 1, line, FALSE);
  if (row->has_seed)
    {
      time = g_strdup_printf ("%.3f ms", 1e3 * row->seed.median);
      gflops = g_strdup_printf ("%.1f", cep_benchmark_seed_flops () / row->seed.median / 1e9);
      speedup = reference != NULL && reference->has_seed
                ? g_strdup_printf ("%.1f×", reference->seed.median / row->seed.median)
                : g_strdup ("–");
    }
  if (row->has_model)
    {
      train = format_rate (BENCH_BATCH, row->train.median);
      infer = format_rate (BENCH_BATCH, row->inference.median);
    }
  attach_label (self, time != NULL ? time : "–", 2, line, FALSE);
  attach_label (self, gflops != NULL ? gflops : "–", 3, line, FALSE);
  attach_label (self, speedup != NULL ? speedup : "–", 4, line, FALSE);
  attach_label (self, train != NULL ? train : "–", 5, line, FALSE);
  attach_label (self, infer != NULL ? infer : "–", 6, line, FALSE);
}

static void
rebuild_table (CepBackendsPage *self)
{
  static const char *headings[] = {
    N_("Backend"), N_("Device"), N_("Seed product"), N_("GFLOP/s"), N_("vs ref"),
    N_("Training (samples/s)"), N_("Inference (samples/s)"),
  };
  const BenchRow *reference = find_row (self, "ref");
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->table))) != NULL)
    gtk_grid_remove (self->table, child);
  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    attach_label (self, _(headings[i]), i, 0, TRUE);
  for (guint i = 0; i < self->rows->len; i++)
    attach_row (self, &g_array_index (self->rows, BenchRow, i), reference, i + 1);
  /* Until the first backend reports, a status page says what the button does instead of an
   * empty table and chart. */
  gtk_widget_set_visible (self->empty_status, self->rows->len == 0);
  gtk_widget_set_visible (self->table_heading, self->rows->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->table), self->rows->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->throughput_chart), self->rows->len > 0);
  gtk_widget_set_visible (self->chart_options, self->rows->len > 0);
}

static void
rebuild_chart (CepBackendsPage *self)
{
  g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();
  g_autoptr (GArray) colors = g_array_new (FALSE, FALSE, sizeof (CepRgba));

  for (guint i = 0; i < self->rows->len; i++)
    {
      const BenchRow *row = &g_array_index (self->rows, BenchRow, i);
      double rate;
      CepRgba color = cep_palette_get_series_color (i);

      if (!row->has_model)
        continue;
      rate = BENCH_BATCH / row->train.median;
      g_array_append_val (values, rate);
      g_ptr_array_add (labels, row->name);
      g_array_append_val (colors, color);
    }
  cep_bar_chart_set_data (self->throughput_chart, (const double *) values->data,
                          (const char * const *) labels->pdata,
                          (const CepRgba *) colors->data, values->len);
}

guint
cep_backends_page_get_n_rows (CepBackendsPage *self)
{
  g_return_val_if_fail (CEP_IS_BACKENDS_PAGE (self), 0);
  return self->rows->len;
}

/* ---- the worker ---- */

static gboolean
on_row_posted (gpointer data)
{
  PostedRow *posted = data;
  g_autoptr (CepBackendsPage) self = g_weak_ref_get (&posted->job->page);

  if (self == NULL || self->job != posted->job)
    return G_SOURCE_REMOVE;
  g_array_append_val (self->rows, posted->row);
  memset (&posted->row, 0, sizeof posted->row);
  rebuild_table (self);
  rebuild_chart (self);
  return G_SOURCE_REMOVE;
}

static void
posted_row_free (gpointer data)
{
  PostedRow *posted = data;

  bench_row_clear (&posted->row);
  bench_job_unref (posted->job);
  g_free (posted);
}

/* THE WORKER THREAD: hands a finished row over to the main loop. */
static void
post_row (BenchJob *job,
          BenchRow *row)
{
  PostedRow *posted = g_new0 (PostedRow, 1);

  posted->job = g_atomic_rc_box_acquire (job);
  posted->row = *row;
  memset (row, 0, sizeof *row);
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, on_row_posted, posted, posted_row_free);
}

static void
step_done (BenchJob *job)
{
  g_atomic_int_inc (&job->done);
}

static void
measure_openblas (BenchJob *job)
{
  BenchRow row = { g_strdup (OPENBLAS_ROW), g_strdup ("cblas_sgemm, no backend around it") };
  g_autoptr (GError) error = NULL;

  row.has_seed = cep_benchmark_seed_product (NULL, 0, job->repeat * 4, &row.seed, &error);
  if (!row.has_seed)
    row.error = g_strdup (error->message);
  step_done (job);
  post_row (job, &row);
}

static void
measure_backend (BenchJob   *job,
                 const char *name)
{
  BenchRow row = { g_strdup (name) };
  g_autoptr (GError) error = NULL;
  CepBackend *backend = cep_backend_new (name, NULL, &error);
  /* The plain-C oracle is slow by design: fewer repetitions. */
  guint runs = g_str_equal (name, "ref") ? MAX (job->repeat / 2, 1) : job->repeat;

  if (backend != NULL)
    {
      row.description = g_strdup (cep_backend_get_description (backend));
      row.has_seed = cep_benchmark_seed_product (backend, 0, runs * 4, &row.seed, &error);
      step_done (job);
      row.has_model = row.has_seed && !g_cancellable_is_cancelled (job->cancellable)
                      && cep_benchmark_train_step (job->spec, backend, BENCH_BATCH, runs,
                                                   &row.train, &error);
      step_done (job);
      row.has_model = row.has_model
                      && cep_benchmark_inference (job->spec, backend, BENCH_BATCH, runs,
                                                  &row.inference, &error);
      step_done (job);
      cep_backend_free (backend);
    }
  if (error != NULL)
    row.error = g_strdup (error->message);
  post_row (job, &row);
}

static void
bench_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  BenchJob *job = task_data;

  measure_openblas (job);
  for (guint i = 0; job->names[i] != NULL && !g_cancellable_is_cancelled (cancellable); i++)
    measure_backend (job, job->names[i]);
  g_task_return_boolean (task, !g_cancellable_is_cancelled (cancellable));
}

/* ---- running ---- */

static gboolean
show_progress (gpointer data)
{
  CepBackendsPage *self = data;
  int done = g_atomic_int_get (&self->job->done);
  g_autofree char *text = g_strdup_printf ("%d of %d measurements", done, self->job->total);

  gtk_progress_bar_set_fraction (self->progress_bar, (double) done / self->job->total);
  gtk_progress_bar_set_text (self->progress_bar, text);
  return G_SOURCE_CONTINUE;
}

static void
on_bench_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (CepBackendsPage) self = user_data;
  gboolean completed = g_task_propagate_boolean (G_TASK (result), NULL);

  g_clear_handle_id (&self->progress_id, g_source_remove);
  g_clear_pointer (&self->job, bench_job_unref);
  gtk_progress_bar_set_fraction (self->progress_bar, completed ? 1.0 : 0.0);
  gtk_progress_bar_set_text (self->progress_bar, completed ? _("Done") : _("Cancelled"));
  update_actions (self);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

void
cep_backends_page_set_repeat (CepBackendsPage *self,
                              guint            repeat)
{
  g_return_if_fail (CEP_IS_BACKENDS_PAGE (self));
  self->repeat = MAX (repeat, 1);
}

gboolean
cep_backends_page_is_running (CepBackendsPage *self)
{
  g_return_val_if_fail (CEP_IS_BACKENDS_PAGE (self), FALSE);
  return self->job != NULL;
}

gboolean
cep_backends_page_run (CepBackendsPage *self)
{
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (CEP_IS_BACKENDS_PAGE (self), FALSE);

  if (self->job != NULL || self->session == NULL)
    return FALSE;
  g_array_set_size (self->rows, 0);
  rebuild_table (self);
  rebuild_chart (self);
  self->job = bench_job_new (self, cep_session_get_experiment (self->session)->model);
  self->job->repeat = self->repeat;
  task = g_task_new (NULL, self->job->cancellable, on_bench_done, g_object_ref (self));
  g_task_set_task_data (task, g_atomic_rc_box_acquire (self->job), bench_job_unref);
  g_task_run_in_thread (task, bench_thread);
  self->progress_id = g_timeout_add (100, show_progress, self);
  show_progress (self);
  update_actions (self);
  return TRUE;
}

/* ---- the session ---- */

static void
describe_model (CepBackendsPage *self)
{
  const CepModelSpec *spec = cep_session_get_experiment (self->session)->model;
  g_autofree char *params = cep_format_count (cep_model_spec_count_params (spec));
  g_autofree char *text = g_strdup_printf (
    "The seed product is the seed notebook's {10000 × 784} · {784 × 10} matrix product. "
    "Training and inference use the model of the Model page (%s, %s parameters) on batches "
    "of %u windows.", spec->name != NULL ? spec->name : "custom", params, BENCH_BATCH);

  gtk_label_set_label (self->model_label, text);
}

static void
on_experiment_changed (CepSession      *session,
                       guint            what,
                       CepBackendsPage *self)
{
  if (what & CEP_SESSION_CHANGED_MODEL)
    describe_model (self);
}

void
cep_backends_page_set_session (CepBackendsPage *self,
                               CepSession      *session)
{
  g_return_if_fail (CEP_IS_BACKENDS_PAGE (self));

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session == NULL)
    return;
  g_signal_connect (session, "experiment-changed", G_CALLBACK (on_experiment_changed), self);
  describe_model (self);
  update_actions (self);
}

/* ---- actions ---- */

static void
update_actions (CepBackendsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backends.run",
                                 self->job == NULL && self->session != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "backends.cancel", self->job != NULL);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  cep_backends_page_run (CEP_BACKENDS_PAGE (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CepBackendsPage *self = CEP_BACKENDS_PAGE (widget);

  if (self->job != NULL)
    g_cancellable_cancel (self->job->cancellable);
}

/* ---- GObject ---- */

static void
cep_backends_page_dispose (GObject *object)
{
  CepBackendsPage *self = CEP_BACKENDS_PAGE (object);

  if (self->job != NULL)
    g_cancellable_cancel (self->job->cancellable);
  g_clear_handle_id (&self->progress_id, g_source_remove);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), CEP_TYPE_BACKENDS_PAGE);
  cep_widget_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (cep_backends_page_parent_class)->dispose (object);
}

static void
cep_backends_page_finalize (GObject *object)
{
  CepBackendsPage *self = CEP_BACKENDS_PAGE (object);

  g_clear_pointer (&self->job, bench_job_unref);
  g_array_unref (self->rows);
  G_OBJECT_CLASS (cep_backends_page_parent_class)->finalize (object);
}

static void
cep_backends_page_class_init (CepBackendsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cep_backends_page_dispose;
  object_class->finalize = cep_backends_page_finalize;
  g_type_ensure (CEP_TYPE_BAR_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cepstra/Cepstra/cep-backends-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CepBackendsPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CepBackendsPage, model_label);
  gtk_widget_class_bind_template_child (widget_class, CepBackendsPage, table_heading);
  gtk_widget_class_bind_template_child (widget_class, CepBackendsPage, table);
  gtk_widget_class_bind_template_child (widget_class, CepBackendsPage, throughput_chart);
  gtk_widget_class_bind_template_child (widget_class, CepBackendsPage, empty_status);
  gtk_widget_class_bind_template_child (widget_class, CepBackendsPage, chart_options);
  /* Not used by the code, but reachable for tests (gtk_widget_get_template_child). */
  gtk_widget_class_bind_template_child_full (widget_class, "run_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "log_switch", FALSE, 0);
  gtk_widget_class_install_action (widget_class, "backends.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "backends.cancel", NULL, cancel_action);
  /* The measurements ended (completed or cancelled). */
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
}

static void
cep_backends_page_init (CepBackendsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_array_new (FALSE, TRUE, sizeof (BenchRow));
  self->repeat = 5;
  g_array_set_clear_func (self->rows, bench_row_clear);
  cep_bar_chart_set_title (self->throughput_chart, _("Training throughput (samples/s)"));
  cep_bar_chart_set_y_label (self->throughput_chart, _("samples/s"));
  /* Translators: a bar's value; the ' groups thousands as the locale does. */
  cep_bar_chart_set_value_format (self->throughput_chart, _("%'.0f samples/s"));
  cep_bar_chart_set_show_values (self->throughput_chart, TRUE);
  rebuild_table (self);
  update_actions (self);
}
