/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-training-comparison.c: runs' curves overlaid on one axis, as a figure and as CSV.
 */
#define G_LOG_DOMAIN "cepstra-analysis"

#include "cep-training-comparison.h"
#include "cep-atomic-file.h"

#include <math.h>

#define AT(array, i) g_array_index ((array), double, (i))

typedef struct
{
  char   *name;       /* the legend entry: the run, "(training accuracy)" without dev */
  char   *run;
  gboolean training_accuracy;
  GArray *x;
  GArray *y;
} ComparedRun;

struct _CepComparison
{
  CepComparisonAxis   axis;
  CepComparisonMetric metric;
  GArray             *runs;     /* ComparedRun */
  GArray             *series;   /* CepLineSeries, rebuilt by get_plot */
  CepLinePlot         plot;
};

static const char *axis_names[] = { "steps", "epochs", "seconds" };
static const char *metric_names[] = { "loss", "accuracy", "lr" };

gboolean
cep_comparison_axis_from_name (const char        *name,
                               CepComparisonAxis *axis)
{
  for (guint i = 0; i < G_N_ELEMENTS (axis_names); i++)
    if (g_strcmp0 (name, axis_names[i]) == 0)
      {
        *axis = (CepComparisonAxis) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
cep_comparison_metric_from_name (const char          *name,
                                 CepComparisonMetric *metric)
{
  for (guint i = 0; i < G_N_ELEMENTS (metric_names); i++)
    if (g_strcmp0 (name, metric_names[i]) == 0)
      {
        *metric = (CepComparisonMetric) i;
        return TRUE;
      }
  return FALSE;
}

const char *
cep_comparison_axis_get_label (CepComparisonAxis axis)
{
  static const char *labels[] = { "Step", "Epoch", "Training time (s)" };

  return labels[MIN (axis, CEP_COMPARISON_X_SECONDS)];
}

const char *
cep_comparison_metric_get_label (CepComparisonMetric metric,
                                 gboolean            any_without_dev,
                                 gboolean            any_with_dev)
{
  if (metric == CEP_COMPARISON_LOSS)
    return "Loss";
  if (metric == CEP_COMPARISON_LR)
    return "Learning rate";
  if (!any_without_dev)
    return "Dev accuracy (%)";
  if (!any_with_dev)
    return "Training accuracy (%)";
  return "Accuracy (%): dev, else training";
}

static void
compared_run_clear (gpointer data)
{
  ComparedRun *run = data;

  g_free (run->name);
  g_free (run->run);
  g_array_unref (run->x);
  g_array_unref (run->y);
}

CepComparison *
cep_comparison_new (CepComparisonAxis   axis,
                    CepComparisonMetric metric)
{
  CepComparison *self = g_new0 (CepComparison, 1);

  self->axis = axis;
  self->metric = metric;
  self->runs = g_array_new (FALSE, TRUE, sizeof (ComparedRun));
  g_array_set_clear_func (self->runs, compared_run_clear);
  self->series = g_array_new (FALSE, TRUE, sizeof (CepLineSeries));
  return self;
}

void
cep_comparison_free (CepComparison *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->runs);
  g_array_unref (self->series);
  g_free (self);
}

static void
push (ComparedRun *run,
      double       x,
      double       y)
{
  g_array_append_val (run->x, x);
  g_array_append_val (run->y, y);
}

/* The per-step curve of the metric against steps or seconds. */
static void
add_step_points (ComparedRun             *run,
                 const CepTrainingCurves *c,
                 CepComparisonAxis        axis,
                 const GArray            *values)
{
  for (guint i = 0; i < c->step->len; i++)
    push (run, axis == CEP_COMPARISON_X_SECONDS ? AT (c->step_elapsed, i) : AT (c->step, i),
          AT (values, i));
}

/* The learning rate in force at the end of each epoch. */
static double
epoch_lr (const CepTrainingCurves *c,
          guint                    epoch)
{
  double lr = NAN;

  for (guint i = 0; i < c->step->len && AT (c->step, i) <= AT (c->epoch_step, epoch); i++)
    lr = AT (c->step_lr, i);
  return lr;
}

static double
epoch_x (const CepTrainingCurves *c,
         CepComparisonAxis        axis,
         guint                    epoch)
{
  if (axis == CEP_COMPARISON_X_EPOCHS)
    return AT (c->epoch, epoch);
  return axis == CEP_COMPARISON_X_SECONDS ? AT (c->epoch_elapsed, epoch)
                                          : AT (c->epoch_step, epoch);
}

static void
add_epoch_points (CepComparison           *self,
                  ComparedRun             *run,
                  const CepTrainingCurves *c)
{
  for (guint i = 0; i < c->epoch->len; i++)
    {
      double y;

      if (self->metric == CEP_COMPARISON_ACCURACY)
        y = run->training_accuracy ? AT (c->train_accuracy, i) : AT (c->dev_accuracy, i);
      else if (self->metric == CEP_COMPARISON_LR)
        y = epoch_lr (c, i);
      else
        y = AT (c->train_loss, i);
      push (run, epoch_x (c, self->axis, i), y);
    }
}

void
cep_comparison_add (CepComparison           *self,
                    const char              *name,
                    const CepTrainingCurves *curves)
{
  ComparedRun run = { 0 };

  g_return_if_fail (self != NULL && name != NULL && curves != NULL);

  run.run = g_strdup (name);
  run.training_accuracy = self->metric == CEP_COMPARISON_ACCURACY && !curves->has_dev;
  run.name = run.training_accuracy ? g_strdup_printf ("%s (training accuracy)", name)
                                   : g_strdup (name);
  run.x = g_array_new (FALSE, FALSE, sizeof (double));
  run.y = g_array_new (FALSE, FALSE, sizeof (double));
  if (self->metric == CEP_COMPARISON_ACCURACY || self->axis == CEP_COMPARISON_X_EPOCHS)
    add_epoch_points (self, &run, curves);
  else
    add_step_points (&run, curves, self->axis,
                     self->metric == CEP_COMPARISON_LR ? curves->step_lr : curves->step_loss);
  g_array_append_val (self->runs, run);
}

guint
cep_comparison_get_n_runs (CepComparison *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->runs->len;
}

gboolean
cep_comparison_is_training_accuracy (CepComparison *self,
                                     guint          index)
{
  g_return_val_if_fail (self != NULL && index < self->runs->len, FALSE);
  return g_array_index (self->runs, ComparedRun, index).training_accuracy;
}

static void
label_axes (CepComparison *self)
{
  gboolean without_dev = FALSE, with_dev = FALSE;
  CepLinePanel *panel = &self->plot.panels[0];

  for (guint i = 0; i < self->runs->len; i++)
    if (g_array_index (self->runs, ComparedRun, i).training_accuracy)
      without_dev = TRUE;
    else
      with_dev = TRUE;
  self->plot.x_label = cep_comparison_axis_get_label (self->axis);
  self->plot.x_kind = self->axis == CEP_COMPARISON_X_SECONDS ? CEP_PLOT_TICKS_NUMBER
                                                             : CEP_PLOT_TICKS_INTEGER;
  panel->y_label = cep_comparison_metric_get_label (self->metric, without_dev, with_dev);
  if (self->metric == CEP_COMPARISON_LOSS)
    panel->y_scale = CEP_PLOT_SCALE_LOG10;
  if (self->metric == CEP_COMPARISON_ACCURACY)
    panel->y_display_scale = 100;
}

const CepLinePlot *
cep_comparison_get_plot (CepComparison *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_array_set_size (self->series, 0);
  for (guint i = 0; i < self->runs->len; i++)
    {
      const ComparedRun *run = &g_array_index (self->runs, ComparedRun, i);
      CepLineSeries series = { 0 };

      series.name = run->name;
      series.x = (const double *) run->x->data;
      series.y = (const double *) run->y->data;
      series.n = run->y->len;
      series.markers = self->metric == CEP_COMPARISON_ACCURACY
                       || self->axis == CEP_COMPARISON_X_EPOCHS;
      g_array_append_val (self->series, series);
    }
  cep_line_plot_init (&self->plot);
  label_axes (self);
  self->plot.series = (const CepLineSeries *) self->series->data;
  self->plot.n_series = self->series->len;
  return &self->plot;
}

static void
append_number (GString *text,
               double   value)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (text, ',');
  if (isfinite (value))
    g_string_append (text, g_ascii_dtostr (number, sizeof number, value));
}

gboolean
cep_comparison_write_csv (CepComparison  *self,
                          const char     *path,
                          GError        **error)
{
  g_autoptr (GString) text = g_string_new (NULL);

  g_return_val_if_fail (self != NULL && path != NULL, FALSE);

  g_string_append_printf (text, "run,source,%s,%s\n", axis_names[self->axis],
                          metric_names[self->metric]);
  for (guint i = 0; i < self->runs->len; i++)
    {
      const ComparedRun *run = &g_array_index (self->runs, ComparedRun, i);
      const char *source = self->metric != CEP_COMPARISON_ACCURACY ? "train"
                           : run->training_accuracy ? "train" : "dev";

      for (guint j = 0; j < run->x->len; j++)
        {
          /* Run folder names are [A-Za-z0-9._-]: no quoting needed, but keep commas out. */
          g_autofree char *name = g_strdelimit (g_strdup (run->run), ",\n\"", '_');

          g_string_append_printf (text, "%s,%s", name, source);
          append_number (text, AT (run->x, j));
          append_number (text, AT (run->y, j));
          g_string_append_c (text, '\n');
        }
    }
  return cep_atomic_file_set_contents (path, text->str, text->len, error);
}
