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
  char   *group;      /* NULL when not grouped */
  gboolean training_accuracy;
  GArray *x;
  GArray *y;
} ComparedRun;

struct _CepComparison
{
  CepComparisonAxis   axis;
  CepComparisonMetric metric;
  GArray             *runs;     /* ComparedRun */
  double              smoothing;
  CepCurveOverlay    *overlay;  /* the series of the plot, rebuilt by get_plot */
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
  g_free (run->group);
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
  return self;
}

void
cep_comparison_free (CepComparison *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->runs);
  cep_curve_overlay_free (self->overlay);
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
  cep_comparison_add_grouped (self, name, NULL, curves);
}

void
cep_comparison_add_grouped (CepComparison           *self,
                            const char              *name,
                            const char              *group,
                            const CepTrainingCurves *curves)
{
  ComparedRun run = { 0 };

  g_return_if_fail (self != NULL && name != NULL && curves != NULL);
  g_return_if_fail (self->runs->len == 0
                    || (g_array_index (self->runs, ComparedRun, 0).group != NULL)
                       == (group != NULL));

  run.run = g_strdup (name);
  run.group = g_strdup (group);
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

void
cep_comparison_set_smoothing (CepComparison *self,
                              double         weight)
{
  g_return_if_fail (self != NULL);
  self->smoothing = isfinite (weight) ? CLAMP (weight, 0.0, 0.999) : 0.0;
}

CepCurveOverlay *
cep_comparison_get_overlay (CepComparison *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->overlay;
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
  gboolean markers;
  const CepLineSeries *series;
  guint n_series;

  g_return_val_if_fail (self != NULL, NULL);

  markers = self->metric == CEP_COMPARISON_ACCURACY || self->axis == CEP_COMPARISON_X_EPOCHS;
  cep_curve_overlay_free (self->overlay);
  self->overlay = cep_curve_overlay_new (self->smoothing);
  for (guint i = 0; i < self->runs->len; i++)
    {
      const ComparedRun *run = &g_array_index (self->runs, ComparedRun, i);
      guint index = cep_curve_overlay_add_run (self->overlay, run->name, run->group);

      cep_curve_overlay_add_curve (self->overlay, index, 0, (const double *) run->x->data,
                                   (const double *) run->y->data, run->y->len, markers);
    }
  series = cep_curve_overlay_get_series (self->overlay, &n_series);
  cep_line_plot_init (&self->plot);
  label_axes (self);
  self->plot.series = series;
  self->plot.n_series = n_series;
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

static void
append_run_rows (CepComparison *self,
                 GString       *text)
{
  g_string_append_printf (text, "run,source,%s,%s%s\n", axis_names[self->axis],
                          metric_names[self->metric], self->smoothing > 0 ? ",smoothed" : "");
  for (guint i = 0; i < self->runs->len; i++)
    {
      const ComparedRun *run = &g_array_index (self->runs, ComparedRun, i);
      const char *source = self->metric != CEP_COMPARISON_ACCURACY ? "train"
                           : run->training_accuracy ? "train" : "dev";
      /* Run folder names are [A-Za-z0-9._-]: no quoting needed, but keep commas out. */
      g_autofree char *name = g_strdelimit (g_strdup (run->run), ",\n\"", '_');
      g_autoptr (GArray) smoothed = cep_curve_smooth_array (run->y, self->smoothing);

      for (guint j = 0; j < run->x->len; j++)
        {
          g_string_append_printf (text, "%s,%s", name, source);
          append_number (text, AT (run->x, j));
          append_number (text, AT (run->y, j));
          if (self->smoothing > 0)
            append_number (text, AT (smoothed, j));
          g_string_append_c (text, '\n');
        }
    }
}

static void
append_group_rows (CepComparison *self,
                   GString       *text)
{
  CepCurveOverlay *overlay = self->overlay;

  g_string_append_printf (text, "group,runs,%s,mean,min,max\n", axis_names[self->axis]);
  for (guint g = 0; g < cep_curve_overlay_get_n_groups (overlay); g++)
    {
      const CepCurveBand *band = cep_curve_overlay_get_band (overlay, g, 0);
      g_autofree char *group = g_strdelimit (g_strdup (cep_curve_overlay_get_group (overlay, g)),
                                             ",\n\"", '_');

      for (guint j = 0; band != NULL && j < band->x->len; j++)
        {
          g_string_append_printf (text, "%s,%u", group,
                                  g_array_index (band->count, guint, j));
          append_number (text, AT (band->x, j));
          append_number (text, AT (band->mean, j));
          append_number (text, AT (band->min, j));
          append_number (text, AT (band->max, j));
          g_string_append_c (text, '\n');
        }
    }
}

gboolean
cep_comparison_write_csv (CepComparison  *self,
                          const char     *path,
                          GError        **error)
{
  g_autoptr (GString) text = g_string_new (NULL);

  g_return_val_if_fail (self != NULL && path != NULL, FALSE);

  if (self->runs->len > 0 && g_array_index (self->runs, ComparedRun, 0).group != NULL)
    {
      cep_comparison_get_plot (self);
      append_group_rows (self, text);
    }
  else
    append_run_rows (self, text);
  return cep_atomic_file_set_contents (path, text->str, text->len, error);
}
