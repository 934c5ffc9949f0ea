/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-class.c: `cepstra-cli class`, a folder of hand-ins verified and re-measured
 * (core/classroom/cep-class.h) and shown as a table, JSON or CSV, with the students' dev
 * accuracy curves overlaid as a figure.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-cli-format.h"
#include "cep-backend.h"
#include "cep-cli-number.h"
#include "cep-cli-progress.h"
#include "cep-class.h"
#include "cep-plot-file.h"
#include "cep-training-comparison.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define FIGURE_WIDTH  1000
#define FIGURE_HEIGHT 600

typedef struct
{
  char     *dataset;
  char     *assignment;
  char     *partition;
  char     *tolerance_text;
  char     *threads_text;
  gboolean  csv;
  char     *csv_path;       /* NULL with csv: standard output */
  char     *png;
  gboolean  json;
} ClassFlags;

static void
class_flags_clear (ClassFlags *flags)
{
  g_free (flags->dataset);
  g_free (flags->assignment);
  g_free (flags->partition);
  g_free (flags->tolerance_text);
  g_free (flags->threads_text);
  g_free (flags->csv_path);
  g_free (flags->png);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ClassFlags, class_flags_clear)

static ClassFlags *parsing_flags;

/* --csv alone writes to standard output, --csv=FILE to FILE. */
static gboolean
parse_csv (const char  *option,
           const char  *value,
           gpointer     data,
           GError     **error)
{
  parsing_flags->csv = TRUE;
  g_free (parsing_flags->csv_path);
  parsing_flags->csv_path = g_strdup (value);
  return TRUE;
}

static char *
format_metric (double value)
{
  return isnan (value) ? g_strdup ("—") : g_strdup_printf ("%.4f", value);
}

static char *
format_hyperparameters (const CepClassRow *row)
{
  if (row->optimizer == NULL)
    return g_strdup ("—");
  /* Translators: key hyperparameters of a hand-in: "adamw 0.001, batch 1024, 5/5 epochs, K 15/15". */
  return g_strdup_printf (_("%s %g, batch %u, %u/%u epochs, K %u/%u"), row->optimizer, row->lr,
                          row->batch_size, row->epochs_done, row->epochs, row->context_past,
                          row->context_future);
}

static char *
format_flags (CepClassFlags flags)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (flags == CEP_CLASS_FLAG_NONE)
    return g_strdup (_("ok"));
  for (guint bit = 0; bit < 32; bit++)
    if (flags & (1u << bit))
      g_string_append_printf (text, "%s%s", text->len > 0 ? "," : "",
                              cep_class_flag_get_name ((CepClassFlags) (1u << bit)));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
print_row (const CepClassRow *row,
           const int         *widths)
{
  g_autofree char *params = row->parameters > 0 ? cep_cli_format_count (row->parameters)
                                                : g_strdup ("—");
  g_autofree char *hyper = format_hyperparameters (row);
  g_autofree char *claimed = format_metric (row->claimed);
  g_autofree char *measured = format_metric (row->measured);
  g_autofree char *seconds = isnan (row->training_seconds) ? g_strdup ("—")
                             : g_strdup_printf ("%.1f", row->training_seconds);
  g_autofree char *flags = format_flags (row->flags);
  const char *cells[] = { row->student != NULL ? row->student : "?",
                          row->model != NULL ? row->model : "—", params, hyper, claimed,
                          measured, seconds, flags };
  g_autofree char *line = cep_cli_format_row (cells, widths, G_N_ELEMENTS (cells));

  printf ("%s\n", line);
  for (guint i = 0; row->reasons[i] != NULL; i++)
    printf ("    %s: %s\n", row->file, row->reasons[i]);
}

static void
print_table (CepClass *class)
{
  const char *headings[] = { _("student"), _("model"), _("parameters"), _("hyperparameters"),
                             _("claimed"), _("measured"), _("seconds"), _("flags") };
  const int widths[] = { -16, -16, 10, -40, 8, 8, 8, -1 };
  g_autofree char *heading = cep_cli_format_row (headings, widths, G_N_ELEMENTS (headings));
  guint n = cep_class_get_n_rows (class);

  if (n > 0)
    /* Translators: "dev_accuracy, re-measured on dev-clean:". */
    printf (_("%s, re-measured on %s:\n"), cep_class_get_row (class, 0)->metric,
            cep_class_get_partition_name (class) != NULL
            ? cep_class_get_partition_name (class) : "—");
  printf ("%s\n", heading);
  for (guint i = 0; i < n; i++)
    print_row (cep_class_get_row (class, i), widths);
  /* Translators: "3 hand-ins, 1 flagged". */
  printf (_("%u hand-ins, %u flagged\n"), n, cep_class_count_flagged (class));
}

static void
add_number (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, value);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_row_json (JsonBuilder       *builder,
              const CepClassRow *row)
{
  json_builder_begin_object (builder);
  add_string (builder, "file", row->file);
  add_string (builder, "student", row->student);
  add_string (builder, "assignment", row->assignment_title);
  add_string (builder, "model", row->model);
  add_int (builder, "parameters", (gint64) row->parameters);
  add_string (builder, "optimizer", row->optimizer);
  add_number (builder, "lr", row->lr);
  add_int (builder, "batch_size", row->batch_size);
  add_int (builder, "epochs", row->epochs);
  add_int (builder, "epochs_done", row->epochs_done);
  add_int (builder, "context_past", row->context_past);
  add_int (builder, "context_future", row->context_future);
  add_string (builder, "metric", row->metric);
  add_number (builder, "claimed", row->claimed);
  add_number (builder, "measured", row->measured);
  add_number (builder, "training_seconds", row->training_seconds);
  json_builder_set_member_name (builder, "flags");
  json_builder_begin_array (builder);
  for (guint bit = 0; bit < 32; bit++)
    if (row->flags & (1u << bit))
      json_builder_add_string_value (builder,
                                     cep_class_flag_get_name ((CepClassFlags) (1u << bit)));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "reasons");
  json_builder_begin_array (builder);
  for (guint i = 0; row->reasons[i] != NULL; i++)
    json_builder_add_string_value (builder, row->reasons[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
print_json (CepClass *class)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_string (builder, "partition", cep_class_get_partition_name (class));
  json_builder_set_member_name (builder, "handins");
  json_builder_begin_array (builder);
  for (guint i = 0; i < cep_class_get_n_rows (class); i++)
    add_row_json (builder, cep_class_get_row (class, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

/* The students' dev accuracy curves over epochs, overlaid as the Train page compares runs. */
static gboolean
write_figure (CepClass    *class,
              const char  *path,
              GError     **error)
{
  g_autoptr(CepComparison) comparison = cep_comparison_new (CEP_COMPARISON_X_EPOCHS,
                                                            CEP_COMPARISON_ACCURACY);

  for (guint i = 0; i < cep_class_get_n_rows (class); i++)
    {
      const CepClassRow *row = cep_class_get_row (class, i);

      if (row->handin != NULL)
        cep_comparison_add (comparison, row->student, cep_handin_get_curves (row->handin));
    }
  return cep_plot_save_png (path, FIGURE_WIDTH, FIGURE_HEIGHT, cep_line_plot_draw_func,
                            (gpointer) cep_comparison_get_plot (comparison), error);
}

/* One line on standard error per flagged hand-in, so a script sees them without the table. */
static void
warn_flagged (CepClass *class)
{
  for (guint i = 0; i < cep_class_get_n_rows (class); i++)
    {
      const CepClassRow *row = cep_class_get_row (class, i);
      g_autofree char *reasons = NULL;
      g_autofree char *line = NULL;

      if (row->flags == CEP_CLASS_FLAG_NONE)
        continue;
      reasons = g_strjoinv ("; ", row->reasons);
      line = g_strdup_printf ("%s: %s", row->path, reasons);
      cep_cli_warn ("class", line);
    }
}

static gboolean
parse_numbers (ClassFlags       *flags,
               CepClassOptions  *options,
               GError          **error)
{
  guint64 threads = 0;

  if (flags->tolerance_text != NULL
      && !cep_cli_number_double ("--tolerance", flags->tolerance_text, 0, FALSE, 1, TRUE,
                                 &options->tolerance, error))
    return FALSE;
  if (flags->threads_text != NULL
      && !cep_cli_number_uint ("--threads", flags->threads_text, 0, CEP_BACKEND_MAX_THREADS,
                               &threads, error))
    return FALSE;
  options->threads = (guint) threads;
  return TRUE;
}

static int
open_class (const char     *folder,
            ClassFlags     *flags,
            CepClass      **class)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepAssignment) assignment = NULL;
  g_autoptr(CepCliProgress) progress = NULL;
  g_autofree char *dataset = NULL;
  CepClassOptions options;

  cep_class_options_init (&options);
  if (!parse_numbers (flags, &options, &error))
    return cep_cli_usage_error ("class", "%s", error->message);
  if (flags->assignment != NULL
      && (assignment = cep_assignment_load (flags->assignment, &error)) == NULL)
    return cep_cli_fail ("class", error, CEP_CLI_EXIT_INVALID_DATA);
  if ((dataset = cep_cli_resolve_dataset (flags->dataset, &error)) == NULL)
    return cep_cli_fail ("class", error, CEP_CLI_EXIT_INVALID_DATA);
  options.dataset = dataset;
  options.partition = flags->partition;
  options.assignment = assignment;
  progress = cep_cli_progress_new (_("verifying"), _("steps"));
  *class = cep_class_open (folder, &options, cep_cli_get_cancellable (), cep_cli_progress_func,
                           progress, &error);
  if (*class == NULL)
    return cep_cli_fail ("class", error, CEP_CLI_EXIT_INVALID_DATA);
  return CEP_CLI_EXIT_OK;
}

static int
run_class (const char *folder,
           ClassFlags *flags)
{
  g_autoptr(CepClass) class = NULL;
  g_autoptr(GError) error = NULL;
  int exit_code = open_class (folder, flags, &class);

  if (exit_code != CEP_CLI_EXIT_OK)
    return exit_code;
  if (flags->png != NULL && !write_figure (class, flags->png, &error))
    return cep_cli_fail ("class", error, CEP_CLI_EXIT_OUTPUT);
  if (flags->csv && flags->csv_path != NULL
      && !cep_class_write_csv (class, flags->csv_path, &error))
    return cep_cli_fail ("class", error, CEP_CLI_EXIT_OUTPUT);
  if (flags->json)
    print_json (class);
  else if (flags->csv && flags->csv_path == NULL)
    {
      g_autofree char *csv = cep_class_to_csv (class);

      fputs (csv, stdout);
    }
  else
    print_table (class);
  warn_flagged (class);
  return cep_class_count_flagged (class) > 0 ? CEP_CLI_EXIT_INVALID_DATA : CEP_CLI_EXIT_OK;
}

int
cep_cli_class_run (int    argc,
                   char **argv)
{
  g_auto(ClassFlags) flags = { 0 };
  g_auto(GStrv) rest = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "dataset", 'd', 0, G_OPTION_ARG_FILENAME, &flags.dataset,
      N_("The teacher's copy of the dataset (default: the embedded demo dataset)"), "DATASET" },
    { "assignment", 'a', 0, G_OPTION_ARG_FILENAME, &flags.assignment,
      N_("The assignment every hand-in must answer (default: the one most of them name)"),
      "FILE" },
    { "partition", 'p', 0, G_OPTION_ARG_STRING, &flags.partition,
      N_("Labelled partition to re-measure on (default: the dev partition)"), "NAME" },
    { "tolerance", 0, 0, G_OPTION_ARG_STRING, &flags.tolerance_text,
      N_("How far the re-measured metric may be from the claimed one (default 0.005)"), "T" },
    { "threads", 0, 0, G_OPTION_ARG_STRING, &flags.threads_text,
      N_("Hand-ins evaluated at once (default 0: one per core)"), "N" },
    { "csv", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, parse_csv,
      N_("The table as CSV, on standard output or (--csv=FILE) into FILE"), "FILE" },
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &flags.png,
      N_("The students' dev accuracy curves overlaid, as a PNG"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &flags.json, N_("Print JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  parsing_flags = &flags;
  if (!cep_cli_parse_options ("class", "DIR",
                              N_("Verify a folder of hand-ins (*.cepstra-handin) and show them "
                                 "side by side: each checkpoint is re-evaluated on the "
                                 "teacher's dev partition and held against its claimed metric; "
                                 "a hand-in that is damaged, tampered with, for another "
                                 "assignment, breaking a rule or from a student twice is "
                                 "flagged with the reason.\n"
                                 "Exit status: 0 every hand-in verified, 1 usage error, 2 a "
                                 "hand-in flagged (the table says why) or the dataset invalid, "
                                 "3 an output could not be written."),
                              entries, &argc, &argv, &exit_code))
    return exit_code;
  parsing_flags = NULL;
  if (rest == NULL || g_strv_length (rest) != 1)
    return cep_cli_usage_error ("class", "%s", _("expected one DIR"));
  if (flags.json && flags.csv && flags.csv_path == NULL)
    return cep_cli_usage_error ("class", "%s", _("--json and --csv without a FILE both "
                                                 "print on standard output"));
  return run_class (rest[0], &flags);
}
