/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-plot.c: `cepstra-cli plot`, the loss and accuracy curves of a run from its
 * metrics.jsonl, as PNG or SVG (works on a live run too: lines are appended whole).
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-analysis-figures.h"
#include "cep-plot-file.h"
#include "cep-run.h"

#include <glib/gi18n.h>
#include <stdio.h>

typedef struct
{
  char *png;
  char *svg;
  char *csv;
  int   width;
  int   height;
} PlotFlags;

static int
run_plot (const char      *run_dir,
          const PlotFlags *flags)
{
  g_autofree char *metrics = g_build_filename (run_dir, CEP_RUN_METRICS_FILE, NULL);
  g_autofree char *name = g_path_get_basename (run_dir);
  g_autoptr(CepTrainingCurves) curves = NULL;
  g_autoptr(GError) error = NULL;
  CepTrainingFigure figure;
  gboolean ok = TRUE;

  if (!g_file_test (run_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (&error, G_FILE_ERROR, G_FILE_ERROR_NOENT, _("%s: no such run directory"),
                   run_dir);
      return cep_cli_fail ("plot", error, CEP_CLI_EXIT_INVALID_DATA);
    }
  if ((curves = cep_training_curves_load (metrics, &error)) == NULL)
    return cep_cli_fail ("plot", error, CEP_CLI_EXIT_INVALID_DATA);
  if (flags->csv != NULL && !cep_training_curves_write_csv (curves, flags->csv, &error))
    return cep_cli_fail ("plot", error, CEP_CLI_EXIT_OUTPUT);
  cep_training_curves_init_figure (curves, name, &figure);
  if (flags->png != NULL)
    ok = cep_plot_save_png (flags->png, flags->width, flags->height, cep_line_plot_draw_func,
                            &figure.plot, &error);
  if (ok && flags->svg != NULL)
    ok = cep_plot_save_svg (flags->svg, flags->width, flags->height, cep_line_plot_draw_func,
                            &figure.plot, &error);
  cep_training_figure_clear (&figure);
  if (!ok)
    return cep_cli_fail ("plot", error, CEP_CLI_EXIT_OUTPUT);
  printf (_("%s: %u steps, %u epochs\n"), flags->png != NULL ? flags->png
                                        : flags->svg != NULL ? flags->svg : flags->csv,
          curves->step->len, curves->epoch->len);
  return CEP_CLI_EXIT_OK;
}

int
cep_cli_plot_run (int    argc,
                  char **argv)
{
  PlotFlags flags = { .width = 1000, .height = 700 };
  g_auto(GStrv) rest = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &flags.png, N_("Write a PNG"), "OUT" },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &flags.svg, N_("Write an SVG"), "OUT" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &flags.csv, N_("Write the metrics as CSV: one row per "
         "epoch in OUT, one per step in OUT-steps (before the extension)"), "OUT" },
    { "width", 0, 0, G_OPTION_ARG_INT, &flags.width, N_("Width in pixels (default 1000)"), "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &flags.height, N_("Height in pixels (default 700)"), "H" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("plot", "RUNDIR",
                              N_("Loss (log scale) and accuracy over optimizer steps: every batch, "
                                 "the epoch means of training, and dev.\nExit status: 0 written, "
                                 "1 usage error, 2 invalid run, 3 file not written."),
                              entries, &argc, &argv, &exit_code))
    goto out;
  if (rest == NULL || g_strv_length (rest) != 1)
    exit_code = cep_cli_usage_error ("plot", "%s", _("expected one RUNDIR"));
  else if (flags.png == NULL && flags.svg == NULL && flags.csv == NULL)
    exit_code = cep_cli_usage_error ("plot", "%s", _("--png, --svg or --csv is required"));
  else if (flags.width < 100 || flags.height < 100 || flags.width > 10000
           || flags.height > 10000)
    exit_code = cep_cli_usage_error ("plot", "%s", _("--width and --height must be 100 to 10000"));
  else
    exit_code = run_plot (rest[0], &flags);

out:
  g_free (flags.png);
  g_free (flags.svg);
  g_free (flags.csv);
  return exit_code;
}
