/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-compare.c: `cepstra-cli compare`, runs overlaid on one axis (the Train page's run
 * comparison): loss, accuracy or learning rate against steps, epochs or seconds, as PNG, SVG
 * or CSV; with --preset batch-size it first trains the batch-size comparison of Programming
 * Machine Learning ch. 13 (cep-cli-train.c) and then compares its three runs.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
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
  g_autoptr(CepComparison) comparison = NULL;
  g_autoptr(GError) error = NULL;
  CepComparisonAxis axis = CEP_COMPARISON_X_STEPS;
  CepComparisonMetric metric = CEP_COMPARISON_LOSS;

  if (flags->x != NULL && !cep_comparison_axis_from_name (flags->x, &axis))
    return cep_cli_usage_error ("compare", "%s", _("--x must be steps, epochs or seconds"));
  if (flags->metric != NULL && !cep_comparison_metric_from_name (flags->metric, &metric))
    return cep_cli_usage_error ("compare", "%s", _("--metric must be loss, accuracy or lr"));
  comparison = cep_comparison_new (axis, metric);
  for (guint i = 0; runs[i] != NULL; i++)
    {
      CepTrainingCurves *run = load_curves (runs[i], &error);

      if (run == NULL)
        return cep_cli_fail ("compare", error, CEP_CLI_EXIT_INVALID_DATA);
      g_ptr_array_add (curves, run);
      g_ptr_array_add (names, g_path_get_basename (runs[i]));
      cep_comparison_add (comparison, g_ptr_array_index (names, i), run);
    }
  if (!write_outputs (comparison, flags, &error))
    return cep_cli_fail ("compare", error, CEP_CLI_EXIT_OUTPUT);
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
  return exit_code;
}
