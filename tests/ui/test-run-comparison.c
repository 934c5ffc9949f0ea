/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-run-comparison.c: the run history compared like the trackers, on four runs written
 * into the runs folder with curves of their own — the runs table's columns of differing
 * settings, sorting (numbers as numbers), the search filter, the check column picking the
 * runs drawn, smoothing (raw curves kept), and grouping by a hyperparameter; screenshots of
 * the table and of the grouped comparison.
 */
#include "cep-curve-view.h"
#include "cep-run-comparison-view.h"
#include "cep-run-history-view.h"
#include "cep-runs-table.h"
#include "cep-ui-test-util.h"

#include <math.h>

#define STEPS_PER_EPOCH 20
#define EPOCHS          3

typedef struct
{
  const char                *id;
  CepExperimentOptimizerKind optimizer;
  double                     lr;
  double                     clip;
  double                     speed;    /* how fast its loss falls */
} RunSpec;

/* Newest last: the history lists the newest first. */
static const RunSpec run_specs[] = {
  { "20240101-000000-alpha", CEP_EXPERIMENT_OPTIMIZER_ADAMW, 0.001, 10, 1.0 },
  { "20240102-000000-beta", CEP_EXPERIMENT_OPTIMIZER_ADAMW, 0.01, 2, 1.6 },
  { "20240103-000000-gamma", CEP_EXPERIMENT_OPTIMIZER_SGD, 0.05, 1.5, 0.6 },
  { "20240104-000000-delta", CEP_EXPERIMENT_OPTIMIZER_SGD, 0.1, 2, 0.8 },
};

static gpointer
child (gpointer    root,
       const char *name)
{
  GObject *object = cep_ui_test_find_child (GTK_WIDGET (root), name);

  g_assert_nonnull (object);
  return object;
}

static double
accuracy_at (const RunSpec *spec,
             double         epoch)
{
  return 0.2 + 0.5 * (1 - exp (-spec->speed * epoch / 2));
}

/* A noisy falling loss per step, and per epoch its mean and a rising accuracy. */
static char *
make_metrics (const RunSpec *spec)
{
  GString *text = g_string_new (NULL);
  double epoch_sum = 0;

  g_string_append (text, "{\"event\": \"start\", \"time\": 1, \"elapsed\": 0, \"epoch\": 0, "
                         "\"step\": 0, \"backend\": \"ref\", \"resumed\": false}\n");
  for (guint step = 1; step <= STEPS_PER_EPOCH * EPOCHS; step++)
    {
      guint epoch = (step - 1) / STEPS_PER_EPOCH;
      double loss = 3.0 * exp (-spec->speed * step / 25.0) + 0.4 + 0.2 * sin (step * 1.7);
      char number[G_ASCII_DTOSTR_BUF_SIZE], elapsed[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_dtostr (number, sizeof number, loss);
      g_ascii_dtostr (elapsed, sizeof elapsed, step * 0.05 / spec->speed);
      g_string_append_printf (text, "{\"event\": \"step\", \"time\": 1, \"elapsed\": %s, "
                              "\"epoch\": %u, \"step\": %u, \"lr\": 0.01, \"loss\": %s, "
                              "\"accuracy\": 0.3, \"samples_per_second\": 1000, "
                              "\"batch\": %u}\n", elapsed, epoch, step, number,
                              (step - 1) % STEPS_PER_EPOCH);
      epoch_sum += loss;
      if (step % STEPS_PER_EPOCH == 0)
        {
          char mean[G_ASCII_DTOSTR_BUF_SIZE], train[G_ASCII_DTOSTR_BUF_SIZE];
          char dev[G_ASCII_DTOSTR_BUF_SIZE];

          g_ascii_dtostr (mean, sizeof mean, epoch_sum / STEPS_PER_EPOCH);
          g_ascii_dtostr (train, sizeof train, accuracy_at (spec, epoch + 1));
          g_ascii_dtostr (dev, sizeof dev, 0.9 * accuracy_at (spec, epoch + 1));
          g_string_append_printf (text, "{\"event\": \"epoch\", \"time\": 1, \"elapsed\": %s, "
                                  "\"epoch\": %u, \"step\": %u, \"lr\": 0.01, \"loss\": %s, "
                                  "\"accuracy\": %s, \"samples_per_second\": 1000, "
                                  "\"dev_loss\": %s, \"dev_accuracy\": %s}\n", elapsed, epoch,
                                  step, mean, train, mean, dev);
          epoch_sum = 0;
        }
    }
  g_string_append_printf (text, "{\"event\": \"finished\", \"time\": 1, \"elapsed\": 3, "
                          "\"epoch\": %u, \"step\": %u}\n", EPOCHS, STEPS_PER_EPOCH * EPOCHS);
  return g_string_free (text, FALSE);
}

static void
write_run (const RunSpec *spec,
           const char    *dataset_root)
{
  g_autofree char *runs_root = cep_run_history_get_root ();
  g_autofree char *dir = g_build_filename (runs_root, spec->id, NULL);
  g_autofree char *experiment_path = g_build_filename (dir, "experiment.json", NULL);
  g_autofree char *metrics_path = g_build_filename (dir, "metrics.jsonl", NULL);
  g_autofree char *metrics = make_metrics (spec);
  g_autoptr (CepExperiment) experiment = cep_experiment_new ();
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  experiment->data.root = g_strdup (dataset_root);
  experiment->train.optimizer.kind = spec->optimizer;
  experiment->train.optimizer.lr = spec->lr;
  experiment->train.grad_clip_norm = spec->clip;
  experiment->train.epochs = EPOCHS;
  g_assert_true (cep_experiment_save (experiment, experiment_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (metrics_path, metrics, -1, &error));
  g_assert_no_error (error);
}

static void
on_loaded (CepRunHistoryView *view,
           gboolean          *loaded)
{
  *loaded = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

typedef struct
{
  CepRunHistoryView    *view;
  CepRunsTable         *table;
  CepRunComparisonView *comparison;
  CepCurveView         *plot;
  GtkWindow            *window;
  char                 *dataset;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  gboolean loaded = FALSE;
  gulong handler;

  fixture->dataset = g_dir_make_tmp ("cepstra-compare-dataset-XXXXXX", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (run_specs); i++)
    write_run (&run_specs[i], fixture->dataset);
  fixture->view = CEP_RUN_HISTORY_VIEW (cep_run_history_view_new ());
  fixture->window = cep_ui_test_window_new (GTK_WIDGET (fixture->view), 1000, 760);
  fixture->table = child (fixture->view, "runs_table");
  fixture->comparison = child (fixture->view, "comparison");
  fixture->plot = child (fixture->view, "compare_view");
  handler = g_signal_connect (fixture->view, "loaded", G_CALLBACK (on_loaded), &loaded);
  cep_run_history_view_list (fixture->view, fixture->dataset);
  g_assert_true (cep_ui_test_wait_for (is_true, &loaded, 20000));
  g_signal_handler_disconnect (fixture->view, handler);
  g_assert_cmpuint (cep_run_history_view_get_n_runs (fixture->view), ==, 4);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  g_free (fixture->dataset);
}

/* The id of the run shown at @position in the table. */
static const char *
shown_id (Fixture *fixture,
          guint    position)
{
  GListModel *shown = cep_runs_table_get_shown (fixture->table);
  g_autoptr (CepRunItem) item = g_list_model_get_item (shown, position);

  g_assert_nonnull (item);
  /* The history's store keeps the item alive. */
  return cep_run_item_get_info (item)->id;
}

static guint
n_shown (Fixture *fixture)
{
  return g_list_model_get_n_items (cep_runs_table_get_shown (fixture->table));
}

/* The settings that differ become columns, unless a first column shows them already; sorting
 * by one orders its numbers as numbers; the metrics sort too. */
static void
test_columns_and_sorting (Fixture       *fixture,
                          gconstpointer  data)
{
  const char * const *varying = cep_runs_table_get_varying_keys (fixture->table);
  cairo_surface_t *image;

  g_assert_true (g_strv_contains (varying, "train.grad_clip_norm"));
  g_assert_false (g_strv_contains (varying, "train.optimizer"));
  g_assert_false (g_strv_contains (varying, "train.optimizer.lr"));
  g_assert_false (g_strv_contains (varying, "data.root"));

  /* Newest first until sorted. */
  g_assert_cmpstr (shown_id (fixture, 0), ==, "20240104-000000-delta");
  /* 1.5 < 2 < 2 < 10: as text "10" would come before "2". */
  g_assert_true (cep_runs_table_sort_by (fixture->table, "train.grad_clip_norm",
                                         GTK_SORT_ASCENDING));
  g_assert_cmpstr (shown_id (fixture, 0), ==, "20240103-000000-gamma");
  g_assert_cmpstr (shown_id (fixture, 3), ==, "20240101-000000-alpha");
  g_assert_true (cep_runs_table_sort_by (fixture->table, "train.grad_clip_norm",
                                         GTK_SORT_DESCENDING));
  g_assert_cmpstr (shown_id (fixture, 0), ==, "20240101-000000-alpha");
  /* The fastest learner has the best accuracy, the slowest the worst. */
  g_assert_true (cep_runs_table_sort_by (fixture->table, "Best accuracy", GTK_SORT_DESCENDING));
  g_assert_cmpstr (shown_id (fixture, 0), ==, "20240102-000000-beta");
  g_assert_cmpstr (shown_id (fixture, 3), ==, "20240103-000000-gamma");
  g_assert_false (cep_runs_table_sort_by (fixture->table, "No such column",
                                          GTK_SORT_ASCENDING));
  image = cep_ui_test_screenshot (GTK_WIDGET (fixture->window), "runs-table-sorted",
                                  child (fixture->view, "column_view"), NULL);
  cairo_surface_destroy (image);
}

static gboolean
shows_n (gpointer data)
{
  Fixture *fixture = ((gpointer *) data)[0];

  return n_shown (fixture) == GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

static void
search (Fixture    *fixture,
        const char *text,
        guint       expected)
{
  gpointer data[] = { fixture, GUINT_TO_POINTER (expected) };

  gtk_editable_set_text (GTK_EDITABLE (child (fixture->table, "search_entry")), text);
  /* The entry reports a search after a short pause. */
  g_assert_true (cep_ui_test_wait_for (shows_n, data, 5000));
}

/* Every word typed must appear in some cell, whatever its case. */
static void
test_filter (Fixture       *fixture,
             gconstpointer  data)
{
  search (fixture, "sgd", 2);
  g_assert_cmpstr (shown_id (fixture, 0), ==, "20240104-000000-delta");
  search (fixture, "SGD 0.05", 1);
  g_assert_cmpstr (shown_id (fixture, 0), ==, "20240103-000000-gamma");
  search (fixture, "adamw 1.5", 0);
  search (fixture, "beta", 1);
  search (fixture, "", 4);
}

/* A GtkCheckButton in @widget's subtree (the first row's, the rows being in order). */
static GtkWidget *
find_check (GtkWidget *widget)
{
  if (GTK_IS_CHECK_BUTTON (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_check (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The check column picks the runs drawn: two panels per run, doubled by the faint raw curves
 * while smoothing is on. */
static void
test_overlay_and_smoothing (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkWidget *check;

  cep_run_comparison_view_set_smoothing (fixture->comparison, 0);
  g_assert_cmpuint (cep_curve_view_get_n_series (fixture->plot), ==, 2);
  for (guint i = 0; i < 4; i++)
    cep_run_history_view_compare_run (fixture->view, i, TRUE);
  g_assert_cmpuint (cep_curve_view_get_n_series (fixture->plot), ==, 8);
  cep_run_comparison_view_set_smoothing (fixture->comparison, 0.6);
  g_assert_cmpuint (cep_curve_view_get_n_series (fixture->plot), ==, 16);

  /* Unticking the first row's box takes its run out of the plot. */
  cep_ui_test_run_for (100);
  check = find_check (child (fixture->view, "column_view"));
  g_assert_nonnull (check);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), FALSE);
  g_assert_false (cep_run_item_get_compared (cep_run_history_view_get_run (fixture->view, 0)));
  g_assert_cmpuint (cep_curve_view_get_n_series (fixture->plot), ==, 12);
}

/* Grouped by the optimizer: two groups of two runs, each a mean line over its band (and its
 * raw mean, faint, while smoothing); keys not offered are refused. */
static void
test_grouping (Fixture       *fixture,
               gconstpointer  data)
{
  cairo_surface_t *image;

  for (guint i = 0; i < 4; i++)
    cep_run_history_view_compare_run (fixture->view, i, TRUE);
  cep_run_comparison_view_set_smoothing (fixture->comparison, 0.6);
  g_assert_true (cep_run_comparison_view_set_group_by (fixture->comparison, "train.optimizer"));
  g_assert_cmpuint (cep_run_comparison_view_get_n_groups (fixture->comparison), ==, 2);
  g_assert_cmpuint (cep_curve_view_get_n_series (fixture->plot), ==, 8);
  cep_run_comparison_view_set_smoothing (fixture->comparison, 0);
  g_assert_cmpuint (cep_curve_view_get_n_series (fixture->plot), ==, 4);
  /* A run left out leaves its group with one. */
  cep_run_history_view_compare_run (fixture->view, 0, FALSE);
  g_assert_cmpuint (cep_run_comparison_view_get_n_groups (fixture->comparison), ==, 2);
  cep_run_history_view_compare_run (fixture->view, 0, TRUE);
  /* Offered: the differing settings, then the usual ones. */
  g_assert_true (cep_run_comparison_view_set_group_by (fixture->comparison,
                                                       "train.grad_clip_norm"));
  g_assert_cmpuint (cep_run_comparison_view_get_n_groups (fixture->comparison), ==, 3);
  g_assert_false (cep_run_comparison_view_set_group_by (fixture->comparison, "no.such.key"));
  g_assert_true (cep_run_comparison_view_set_group_by (fixture->comparison, "train.optimizer"));
  cep_run_comparison_view_set_smoothing (fixture->comparison, 0.6);
  cep_run_history_view_set_axis (fixture->view, CEP_RUN_COMPARE_STEPS);
  image = cep_ui_test_screenshot (GTK_WIDGET (fixture->window), "run-comparison-groups",
                                  GTK_WIDGET (fixture->plot),
                                  child (fixture->view, "column_view"), NULL);
  cairo_surface_destroy (image);
  g_assert_true (cep_run_comparison_view_set_group_by (fixture->comparison, NULL));
  g_assert_cmpuint (cep_run_comparison_view_get_n_groups (fixture->comparison), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  cep_ui_test_init (&argc, &argv);
  g_test_add ("/ui/run-comparison/columns-and-sorting", Fixture, NULL, fixture_set_up,
              test_columns_and_sorting, fixture_tear_down);
  g_test_add ("/ui/run-comparison/filter", Fixture, NULL, fixture_set_up, test_filter,
              fixture_tear_down);
  g_test_add ("/ui/run-comparison/overlay-and-smoothing", Fixture, NULL, fixture_set_up,
              test_overlay_and_smoothing, fixture_tear_down);
  g_test_add ("/ui/run-comparison/grouping", Fixture, NULL, fixture_set_up, test_grouping,
              fixture_tear_down);
  return g_test_run ();
}
