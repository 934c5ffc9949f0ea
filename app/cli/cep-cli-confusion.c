/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-confusion.c: `cepstra-cli confusion`, the confusion matrix of a run's model on a
 * labelled partition, per-class accuracy, precision, recall and F1, as a table, CSV files and
 * a heatmap.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-cli-format.h"
#include "cep-analysis-figures.h"
#include "cep-plot-file.h"
#include "cep-run-data.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#define FIGURE_WIDTH  1100
#define FIGURE_HEIGHT 1000

typedef struct
{
  CepCliRunFlags  run;
  char           *csv;
  char           *stats_csv;
  char           *png;
  char           *svg;
  gboolean        normalize;
  gboolean        json;
} ConfusionFlags;

static gboolean
write_outputs (CepConfusion          *confusion,
               CepPartition          *partition,
               const ConfusionFlags  *flags,
               GError               **error)
{
  CepHeatmapFigure figure;
  gboolean ok = TRUE;

  if ((flags->csv != NULL && !cep_confusion_write_csv (confusion, flags->csv, error))
      || (flags->stats_csv != NULL
          && !cep_confusion_write_stats_csv (confusion, flags->stats_csv, error)))
    return FALSE;
  if (flags->png == NULL && flags->svg == NULL)
    return TRUE;
  cep_confusion_init_figure (confusion, flags->normalize, cep_partition_get_name (partition),
                             &figure);
  if (flags->png != NULL)
    ok = cep_plot_save_png (flags->png, FIGURE_WIDTH, FIGURE_HEIGHT, cep_heatmap_draw_func,
                            &figure.heatmap, error);
  if (ok && flags->svg != NULL)
    ok = cep_plot_save_svg (flags->svg, FIGURE_WIDTH, FIGURE_HEIGHT, cep_heatmap_draw_func,
                            &figure.heatmap, error);
  cep_heatmap_figure_clear (&figure);
  return ok;
}

static void
print_percent (double value)
{
  if (isnan (value))
    printf ("       –");
  else
    printf (" %7.2f", 100 * value);
}

static void
print_counts (const char *name,
              guint64     support,
              guint64     predicted)
{
  g_autofree char *support_text = cep_cli_format_count (support);
  g_autofree char *predicted_text = cep_cli_format_count (predicted);

  printf ("%-7s %9s %9s", name, support_text, predicted_text);
}

static void
print_heading (void)
{
  /* Translators: the headings of `cepstra-cli confusion`'s table: a phoneme class, its frames,
   * the frames predicted as it, and accuracy, precision and F1 in per cent. */
  const char *headings[] = { _("class"), _("frames"), _("predicted"), _("acc %"), _("prec %"),
                             _("F1 %") };
  const int widths[] = { -7, 9, 9, 8, 8, 8 };
  g_autofree char *row = cep_cli_format_row (headings, widths, G_N_ELEMENTS (headings));

  printf ("%s\n", row);
}

static void
print_table (CepConfusion *confusion,
             CepPartition *partition)
{
  CepPhonemeTable *table = cep_confusion_get_phoneme_table (confusion);
  CepClassStats s;

  g_autofree char *total = cep_cli_format_count (cep_confusion_get_total (confusion));

  printf (_("%s: accuracy %.2f %% over %s frames\n\n"),
          cep_partition_get_name (partition), 100 * cep_confusion_get_accuracy (confusion),
          total);
  print_heading ();
  for (guint c = 0; c < cep_confusion_get_n_classes (confusion); c++)
    {
      cep_confusion_get_class_stats (confusion, c, &s);
      if (s.support == 0 && s.predicted == 0)
        continue;
      print_counts (cep_phoneme_table_get_name (table, c), s.support, s.predicted);
      print_percent (s.accuracy);
      print_percent (s.precision);
      print_percent (s.f1);
      printf ("\n");
    }
  cep_confusion_get_macro_stats (confusion, &s);
  /* Translators: the row of the averages over the classes in `cepstra-cli confusion`. */
  print_counts (_("macro"), s.support, s.predicted);
  print_percent (s.accuracy);
  print_percent (s.precision);
  print_percent (s.f1);
  printf ("\n");
}

static void
add_stats (JsonBuilder         *builder,
           const CepClassStats *s)
{
  const char *names[] = { "accuracy", "precision", "recall", "f1" };
  double values[] = { s->accuracy, s->precision, s->recall, s->f1 };

  json_builder_set_member_name (builder, "frames");
  json_builder_add_int_value (builder, (gint64) s->support);
  json_builder_set_member_name (builder, "predicted");
  json_builder_add_int_value (builder, (gint64) s->predicted);
  json_builder_set_member_name (builder, "correct");
  json_builder_add_int_value (builder, (gint64) s->correct);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      json_builder_set_member_name (builder, names[i]);
      if (isnan (values[i]))
        json_builder_add_null_value (builder);
      else
        json_builder_add_double_value (builder, values[i]);
    }
}

static void
print_json (CepConfusion *confusion,
            CepPartition *partition)
{
  CepPhonemeTable *table = cep_confusion_get_phoneme_table (confusion);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  CepClassStats s;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "partition");
  json_builder_add_string_value (builder, cep_partition_get_name (partition));
  json_builder_set_member_name (builder, "accuracy");
  json_builder_add_double_value (builder, cep_confusion_get_accuracy (confusion));
  json_builder_set_member_name (builder, "frames");
  json_builder_add_int_value (builder, (gint64) cep_confusion_get_total (confusion));
  json_builder_set_member_name (builder, "classes");
  json_builder_begin_array (builder);
  for (guint c = 0; c < cep_confusion_get_n_classes (confusion); c++)
    {
      cep_confusion_get_class_stats (confusion, c, &s);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "class");
      json_builder_add_string_value (builder, cep_phoneme_table_get_name (table, c));
      add_stats (builder, &s);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  cep_confusion_get_macro_stats (confusion, &s);
  json_builder_set_member_name (builder, "macro");
  json_builder_begin_object (builder);
  add_stats (builder, &s);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

static int
run_confusion (const char     *run_dir,
               ConfusionFlags *flags)
{
  g_autoptr(CepRunData) run = NULL;
  g_autoptr(CepPartition) partition = NULL;
  g_autoptr(CepConfusion) confusion = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *predictions = NULL;
  int exit_code;

  exit_code = cep_cli_open_run ("confusion", run_dir, &flags->run, TRUE, &run, &partition);
  if (exit_code != CEP_CLI_EXIT_OK)
    return exit_code;
  predictions = g_new (guint8, MAX (cep_partition_get_n_frames (partition), 1));
  if (!cep_network_predict (cep_run_data_get_network (run), partition,
                            cep_cli_get_cancellable (), predictions, &error)
      || (confusion = cep_confusion_new_for_partition (partition, predictions, &error)) == NULL)
    return cep_cli_fail ("confusion", error, CEP_CLI_EXIT_INVALID_DATA);
  if (!write_outputs (confusion, partition, flags, &error))
    return cep_cli_fail ("confusion", error, CEP_CLI_EXIT_OUTPUT);
  if (flags->json)
    print_json (confusion, partition);
  else
    print_table (confusion, partition);
  return CEP_CLI_EXIT_OK;
}

int
cep_cli_confusion_run (int    argc,
                       char **argv)
{
  ConfusionFlags flags = { 0 };
  g_auto(GStrv) rest = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "partition", 'p', 0, G_OPTION_ARG_STRING, &flags.run.partition,
      N_("Labelled partition (default: the dev partition)"), "NAME" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &flags.csv,
      N_("Write the matrix (true × predicted counts) as CSV"), "OUT" },
    { "stats-csv", 0, 0, G_OPTION_ARG_FILENAME, &flags.stats_csv,
      N_("Write per-class accuracy, precision, recall and F1 as CSV"), "OUT" },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &flags.png, N_("Draw the matrix as PNG"), "OUT" },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &flags.svg, N_("Draw the matrix as SVG"), "OUT" },
    { "normalize", 0, 0, G_OPTION_ARG_NONE, &flags.normalize,
      N_("Draw each row in per cent of its true class"), NULL },
    { "checkpoint", 'c', 0, G_OPTION_ARG_STRING, &flags.run.checkpoint,
      N_("best or last (default: best if saved)"), "WHICH" },
    { "backend", 0, 0, G_OPTION_ARG_STRING, &flags.run.backend,
      N_("Backend (default: the run's)"), "NAME" },
    { "device", 0, 0, G_OPTION_ARG_STRING, &flags.run.device,
      N_("The vulkan backend's device, an index or part of its name (default: the run's)"),
      "DEVICE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &flags.run.threads,
      N_("Compute threads (default: the run's)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &flags.json, N_("Print JSON instead of the table"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("confusion", "RUNDIR",
                              N_("Per-class accuracy is the recall of the class: the share of "
                                 "its frames predicted correctly.\nExit status: 0 done, 1 usage "
                                 "error, 2 invalid run or data, 3 file not written."),
                              entries, &argc, &argv, &exit_code))
    goto out;
  if (rest == NULL || g_strv_length (rest) != 1)
    exit_code = cep_cli_usage_error ("confusion", "%s", _("expected one RUNDIR"));
  else
    exit_code = run_confusion (rest[0], &flags);

out:
  cep_cli_run_flags_clear (&flags.run);
  g_free (flags.csv);
  g_free (flags.stats_csv);
  g_free (flags.png);
  g_free (flags.svg);
  return exit_code;
}
