/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-compare.c: `cepstra-cli compare`, runs overlaid on one axis (the Train page's run
 * comparison): loss, accuracy or learning rate against steps, epochs or seconds, as PNG, SVG
 * or CSV, smoothed (--smooth) or grouped by a hyperparameter (--group-by); with --preset batch-size it first trains the batch-size comparison of Programming
 * Machine Learning ch. 13 (cep-cli-train.c) and then compares its three runs.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-cli-number.h"
#include "cep-hyperparameters.h"
#include "cep-plot-file.h"
#include "cep-run.h"
#include "cep-training-comparison.h"

#include <glib/gi18n.h>
#include <stdio.h>

typedef struct
{
  char *x;
  char *metric;
  char *png;
  char *svg;
  char *csv;
  char *preset;
  char *data;
  char *out;
  char *smooth;
  char *group_by;
  int   width;
  int   height;
} CompareFlags;

static CepTrainingCurves *
load_curves (const char  *run_dir,
             GError     **error)
{
  g_autofree char *metrics = g_build_filename (run_dir, CEP_RUN_METRICS_FILE, NULL);

  if (!g_file_test (run_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, _("%s: no such run directory"),
                   run_dir);
      return NULL;
    }
  return cep_training_curves_load (metrics, error);
}

/* The run's value of the --group-by hyperparameter, from its experiment.json. */
static char *
load_group (const char  *run_dir,
            const char  *key,
            GError     **error)
{
  g_autofree char *path = g_build_filename (run_dir, CEP_RUN_EXPERIMENT_FILE, NULL);
  g_autoptr (CepExperiment) experiment = cep_experiment_load (path, NULL, error);
  g_autoptr (CepHyperparameter) parameter = NULL;
  g_autoptr (GError) lookup_error = NULL;

  if (experiment == NULL)
    return NULL;
  parameter = cep_hyperparameters_lookup (experiment, key, &lookup_error);
  if (parameter == NULL)
    {
      g_set_error (error, lookup_error->domain, lookup_error->code, "%s: %s", path,
                   lookup_error->message);
      return NULL;
    }
  return g_strdup (parameter->value);
}

/* "train.optimizer = adamw: run-a, run-b" for each group, in the figure's order. */
static void
print_groups (CepComparison *comparison,
              const char    *key,
              GPtrArray     *names,
              GPtrArray     *groups)
{
  CepCurveOverlay *overlay = cep_comparison_get_overlay (comparison);

  for (guint g = 0; g < cep_curve_overlay_get_n_groups (overlay); g++)
    {
      const char *value = cep_curve_overlay_get_group (overlay, g);
      g_autoptr (GString) runs = g_string_new (NULL);

      for (guint i = 0; i < names->len; i++)
        if (g_str_equal (g_ptr_array_index (groups, i), value))
          g_string_append_printf (runs, "%s%s", runs->len > 0 ? ", " : "",
                                  (const char *) g_ptr_array_index (names, i));
      /* Translators: a group of runs: the hyperparameter, its value, the runs' names. */
      printf (_("%s = %s: %s\n"), key, value, runs->str);
    }
}

static gboolean
write_outputs (CepComparison       *comparison,
               const CompareFlags  *flags,
               GError             **error)
{
  const CepLinePlot *plot = cep_comparison_get_plot (comparison);

  if (flags->png != NULL
      && !cep_plot_save_png (flags->png, flags->width, flags->height, cep_line_plot_draw_func,
                             (gpointer) plot, error))
    return FALSE;
  if (flags->svg != NULL
      && !cep_plot_save_svg (flags->svg, flags->width, flags->height, cep_line_plot_draw_func,
                             (gpointer) plot, error))
    return FALSE;
  return flags->csv == NULL || cep_comparison_write_csv (comparison, flags->csv, error);
}

static int
run_compare (char               **runs,
             const CompareFlags  *flags)
{
  g_autoptr(GPtrArray) curves = g_ptr_array_new_with_free_func (
    (GDestroyNotify) cep_training_curves_free);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CepComparison) comparison = NULL;
  g_autoptr(GError) error = NULL;
  CepComparisonAxis axis = CEP_COMPARISON_X_STEPS;
  CepComparisonMetric metric = CEP_COMPARISON_LOSS;
  double smoothing = 0;

  if (flags->x != NULL && !cep_comparison_axis_from_name (flags->x, &axis))
    return cep_cli_usage_error ("compare", "%s", _("--x must be steps, epochs or seconds"));
  if (flags->metric != NULL && !cep_comparison_metric_from_name (flags->metric, &metric))
    return cep_cli_usage_error ("compare", "%s", _("--metric must be loss, accuracy or lr"));
  if (flags->smooth != NULL
      && !cep_cli_number_double ("--smooth", flags->smooth, 0, TRUE, 0.999, TRUE, &smoothing,
                                 &error))
    return cep_cli_usage_error ("compare", "%s", error->message);
  comparison = cep_comparison_new (axis, metric);
  cep_comparison_set_smoothing (comparison, smoothing);
  for (guint i = 0; runs[i] != NULL; i++)
    {
      CepTrainingCurves *run = load_curves (runs[i], &error);
      char *group = NULL;

      if (run == NULL)
        return cep_cli_fail ("compare", error, CEP_CLI_EXIT_INVALID_DATA);
      g_ptr_array_add (curves, run);
      g_ptr_array_add (names, g_path_get_basename (runs[i]));
      if (flags->group_by != NULL && (group = load_group (runs[i], flags->group_by,
                                                          &error)) == NULL)
        return cep_cli_fail ("compare", error, CEP_CLI_EXIT_INVALID_DATA);
      g_ptr_array_add (groups, group);
      cep_comparison_add_grouped (comparison, g_ptr_array_index (names, i), group, run);
    }
  if (!write_outputs (comparison, flags, &error))
    return cep_cli_fail ("compare", error, CEP_CLI_EXIT_OUTPUT);
  if (flags->group_by != NULL)
    {
      print_groups (comparison, flags->group_by, names, groups);
      return CEP_CLI_EXIT_OK;
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      if (metric == CEP_COMPARISON_ACCURACY && cep_comparison_is_training_accuracy (comparison,
                                                                                    i))
        printf (_("%s: training accuracy (no dev evaluation)\n"), name);
      else
        printf ("%s\n", name);
    }
  return CEP_CLI_EXIT_OK;
}

static int
run_batch_size_preset (const CompareFlags *flags)
{
  g_auto(GStrv) runs = NULL;
  g_autoptr(GError) error = NULL;
  CompareFlags shown = *flags;

  runs = cep_cli_train_batch_size_experiment (flags->data, flags->out, &error);
  if (runs == NULL)
    return cep_cli_fail ("compare", error, CEP_CLI_EXIT_INVALID_DATA);
  /* The chapter's picture: loss against seconds of training. */
  if (shown.x == NULL)
    shown.x = "seconds";
  return run_compare (runs, &shown);
}

static int
check_and_run (char              **rest,
               const CompareFlags *flags)
{
  if (flags->png == NULL && flags->svg == NULL && flags->csv == NULL)
    return cep_cli_usage_error ("compare", "%s", _("--png, --svg or --csv is required"));
  if (flags->width < 100 || flags->height < 100 || flags->width > 10000
      || flags->height > 10000)
    return cep_cli_usage_error ("compare", "%s", _("--width and --height must be 100 to 10000"));
  if (flags->preset != NULL && !g_str_equal (flags->preset, "batch-size"))
    return cep_cli_usage_error ("compare", _("unknown --preset “%s” (batch-size)"),
                                flags->preset);
  if (flags->preset != NULL && rest != NULL)
    return cep_cli_usage_error ("compare", "%s", _("--preset trains its own runs: give no RUNDIR"));
  if (flags->preset == NULL && (flags->data != NULL || flags->out != NULL))
    return cep_cli_usage_error ("compare", "%s", _("--data and --out go with --preset"));
  if (flags->preset != NULL)
    return run_batch_size_preset (flags);
  if (rest == NULL)
    return cep_cli_usage_error ("compare", "%s", _("expected one or more RUNDIRs"));
  return run_compare (rest, flags);
}

int
cep_cli_compare_run (int    argc,
                     char **argv)
{
  CompareFlags flags = { .width = 1000, .height = 600 };
  g_auto(GStrv) rest = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "x", 'x', 0, G_OPTION_ARG_STRING, &flags.x,
      N_("Horizontal axis: steps, epochs or seconds (default steps)"), "AXIS" },
    { "metric", 'm', 0, G_OPTION_ARG_STRING, &flags.metric,
      N_("loss, accuracy (dev; training without dev) or lr (default loss)"), "METRIC" },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &flags.png, N_("Write a PNG"), "OUT" },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &flags.svg, N_("Write an SVG"), "OUT" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &flags.csv,
      N_("Write the plotted points (run,source,x,value)"), "OUT" },
    { "smooth", 0, 0, G_OPTION_ARG_STRING, &flags.smooth,
      N_("Smooth the curves as TensorBoard does (exponential moving average of weight 0 to "
         "0.999, 0 = off); the raw curves stay faint beneath"), "W" },
    { "group-by", 0, 0, G_OPTION_ARG_STRING, &flags.group_by,
      N_("Group the runs by a setting of experiment.json (e.g. train.optimizer, "
         "train.optimizer.lr): one colour, mean line and min–max band per value"), "KEY" },
    { "width", 0, 0, G_OPTION_ARG_INT, &flags.width, N_("Width in pixels (default 1000)"), "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &flags.height, N_("Height in pixels (default 600)"), "H" },
    { "preset", 0, 0, G_OPTION_ARG_STRING, &flags.preset,
      N_("Train and compare a preset set of runs: batch-size (SGD, mini-batch 128 and full "
         "batch on 2,048 frames)"), "NAME" },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &flags.data,
      N_("With --preset: the dataset (default: the demo dataset)"), "DIR" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &flags.out,
      N_("With --preset: the folder for the runs (default: the runs folder)"), "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (cep_cli_parse_options ("compare", "RUNDIR…",
                             N_("Runs without dev evaluation are compared by training accuracy, "
                                "and their legend entry says so.\nExit status: 0 written, 1 usage "
                                "error, 2 invalid run or data, 3 file not written."),
                             entries, &argc, &argv, &exit_code))
    exit_code = check_and_run (rest, &flags);
  g_free (flags.x);
  g_free (flags.metric);
  g_free (flags.png);
  g_free (flags.svg);
  g_free (flags.csv);
  g_free (flags.preset);
  g_free (flags.data);
  g_free (flags.out);
  g_free (flags.smooth);
  g_free (flags.group_by);
  return exit_code;
}
