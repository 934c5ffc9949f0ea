/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-runs.c: `cepstra-cli runs`, the window's run history for scripts — every run in
 * the runs folder (or one given), newest first, with its name, status, epochs, best accuracy
 * and dataset, read and filtered by core's run reader as the window does.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-cli-format.h"
#include "cep-run-history.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

/* The status as JSON's "status" has it; NC_ marks the words so the table can show them
 * translated (g_dpgettext2 with the same context) while JSON keeps them as they are. */
static const char *
status_word (CepRunStatus status)
{
  switch (status)
    {
    case CEP_RUN_STATUS_FINISHED:
      return NC_("run status", "finished");
    case CEP_RUN_STATUS_CANCELLED:
      return NC_("run status", "stopped");
    case CEP_RUN_STATUS_FAILED:
      return NC_("run status", "failed");
    case CEP_RUN_STATUS_UNKNOWN:
    default:
      return NC_("run status", "incomplete");
    }
}

static void
add_run_json (JsonBuilder      *builder,
              const CepRunInfo *info)
{
  double best = cep_run_curves_best_accuracy (info->curves);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, info->id);
  json_builder_set_member_name (builder, "dir");
  json_builder_add_string_value (builder, info->dir);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, cep_experiment_get_display_name (info->experiment));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, status_word (info->status));
  json_builder_set_member_name (builder, "epochs_done");
  json_builder_add_int_value (builder, info->epochs_done);
  json_builder_set_member_name (builder, "epochs");
  json_builder_add_int_value (builder, info->experiment->train.epochs);
  json_builder_set_member_name (builder, "best_accuracy");
  if (isnan (best))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, best);
  json_builder_set_member_name (builder, "accuracy_of");
  json_builder_add_string_value (builder, cep_run_curves_has_dev (info->curves) ? "dev"
                                                                                 : "train");
  json_builder_set_member_name (builder, "dataset");
  if (info->experiment->data.root != NULL)
    json_builder_add_string_value (builder, info->experiment->data.root);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "backend");
  if (info->backend != NULL)
    json_builder_add_string_value (builder, info->backend);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "can_resume");
  json_builder_add_boolean_value (builder, cep_run_info_can_resume (info));
  json_builder_end_object (builder);
}

static void
print_json (GPtrArray *runs)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "runs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < runs->len; i++)
    add_run_json (builder, g_ptr_array_index (runs, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

static void
print_heading (void)
{
  /* Translators: the headings of `cepstra-cli runs`' table. */
  const char *headings[] = { _("RUN"), _("NAME"), _("STATUS"), _("EPOCHS"), _("BEST ACC"),
                             _("DATASET") };
  const int widths[] = { -28, -20, -10, -7, -9, 0 };
  g_autofree char *row = cep_cli_format_row (headings, widths, G_N_ELEMENTS (headings));

  printf ("%s\n", row);
}

static void
print_table (GPtrArray *runs)
{
  print_heading ();
  for (guint i = 0; i < runs->len; i++)
    {
      const CepRunInfo *info = g_ptr_array_index (runs, i);
      double best = cep_run_curves_best_accuracy (info->curves);
      g_autofree char *epochs = g_strdup_printf ("%u/%u", info->epochs_done,
                                                 info->experiment->train.epochs);
      g_autofree char *accuracy = isnan (best) ? g_strdup ("-")
                                               : g_strdup_printf ("%.2f %%%s", 100 * best,
                                                                  cep_run_curves_has_dev (
                                                                    info->curves) ? "" : "*");

      g_autofree char *status = cep_cli_format_cell (g_dpgettext2 (NULL, "run status",
                                                                   status_word (info->status)),
                                                     -10);

      printf ("%-28s %-20s %s %-7s %-9s %s\n", info->id,
              cep_experiment_get_display_name (info->experiment), status, epochs, accuracy,
              info->experiment->data.root != NULL ? info->experiment->data.root : "demo");
    }
  if (runs->len == 0)
    printf ("%s\n", _("(no runs)"));
}

int
cep_cli_runs_run (int    argc,
                  char **argv)
{
  gboolean json = FALSE;
  g_autofree char *dataset = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *folder = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &dataset,
      N_("Only the runs of this dataset or a copy of it (\"demo\": the embedded one)"),
      "DATASET" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print JSON: runs[].{id, dir, name, status, epochs_done, epochs, best_accuracy, "
         "accuracy_of, dataset, backend, can_resume}"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("runs", "[RUNS_FOLDER]",
                              N_("The runs in RUNS_FOLDER (default: where the window and train "
                                 "keep them), newest first: name, status, epochs done, best "
                                 "accuracy (* : training accuracy, the run had no dev partition) "
                                 "and dataset.\nExit status: 0 listed, 1 usage error, 2 no such "
                                 "folder."),
                              entries, &argc, &argv, &exit_code))
    return exit_code;
  if (rest != NULL && g_strv_length (rest) > 1)
    return cep_cli_usage_error ("runs", "%s", _("expected at most one RUNS_FOLDER"));
  folder = rest != NULL ? g_strdup (rest[0]) : cep_run_history_get_root ();
  /* The default folder not existing yet is no error: nothing has been trained. */
  if (rest != NULL && !g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GError) error = g_error_new (G_FILE_ERROR, G_FILE_ERROR_NOENT,
                                             _("%s: no such folder"), folder);
      return cep_cli_fail ("runs", error, CEP_CLI_EXIT_INVALID_DATA);
    }
  /* With --data, the runs of that dataset or of a copy of it, as the window finds them. */
  runs = cep_run_history_list (folder, dataset == NULL,
                               dataset != NULL && !g_str_equal (dataset, "demo") ? dataset
                                                                                  : NULL,
                               cep_cli_get_cancellable ());
  if (json)
    print_json (runs);
  else
    print_table (runs);
  return CEP_CLI_EXIT_OK;
}
