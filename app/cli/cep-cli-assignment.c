/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-assignment.c: `cepstra-cli assignment new|show`, what the window's "Save as
 * Assignment…" writes and the banner shows. The flags only name rules; core/classroom checks
 * each one (an unknown path, a bound on text) and the starting experiment against them all.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-assignment.h"
#include "cep-cli-experiment-flags.h"
#include "cep-dataset.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  char     *from;
  char     *title;
  char     *instructions;
  GStrv     locks;
  GStrv     hides;
  GStrv     maxima;
  GStrv     minima;
  GStrv     allowed;
  char     *allowed_blocks;
  char     *seed;
  char     *dataset;
  char     *metric;
  char     *out;
  gboolean  force;
} NewFlags;

static void
new_flags_clear (NewFlags *flags)
{
  g_free (flags->from);
  g_free (flags->title);
  g_free (flags->instructions);
  g_strfreev (flags->locks);
  g_strfreev (flags->hides);
  g_strfreev (flags->maxima);
  g_strfreev (flags->minima);
  g_strfreev (flags->allowed);
  g_free (flags->allowed_blocks);
  g_free (flags->seed);
  g_free (flags->dataset);
  g_free (flags->metric);
  g_free (flags->out);
}

/* "PATH=VALUE" split at the first '='; FALSE (and a usage error) when there is none. */
static gboolean
split_assignment (const char  *flag,
                  const char  *text,
                  char       **path,
                  char       **value,
                  GError     **error)
{
  const char *equals = strchr (text, '=');

  if (equals == NULL || equals == text || equals[1] == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--%s “%s”: expected PATH=VALUE, such as train.epochs=10"), flag, text);
      return FALSE;
    }
  *path = g_strndup (text, (gsize) (equals - text));
  *value = g_strdup (equals + 1);
  return TRUE;
}

/* A bound: a count ("2M", "500k", "10") or any finite number ("0.05"). */
static gboolean
parse_bound (const char  *flag,
             const char  *text,
             double      *bound,
             GError     **error)
{
  guint64 count;
  char *end = NULL;

  if (cep_cli_parse_count (text, &count))
    {
      *bound = (double) count;
      return TRUE;
    }
  *bound = g_ascii_strtod (text, &end);
  if (end != text && *end == '\0' && isfinite (*bound))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--%s “%s”: expected a number, such as 10, 0.05 or 2M"), flag, text);
  return FALSE;
}

typedef gboolean (*PathRule) (CepAssignment *assignment, const char *path, GError **error);

static gboolean
add_paths (CepAssignment  *assignment,
           GStrv           paths,
           PathRule        add,
           GError        **error)
{
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    if (!add (assignment, paths[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
add_bounds (CepAssignment  *assignment,
            GStrv           bounds,
            gboolean        is_max,
            GError        **error)
{
  for (guint i = 0; bounds != NULL && bounds[i] != NULL; i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;
      double value;

      if (!split_assignment (is_max ? "max" : "min", bounds[i], &path, &text, error)
          || !parse_bound (is_max ? "max" : "min", text, &value, error)
          || !(is_max ? cep_assignment_set_max (assignment, path, value, error)
                      : cep_assignment_set_min (assignment, path, value, error)))
        return FALSE;
    }
  return TRUE;
}

static gboolean
add_allowed (CepAssignment  *assignment,
             GStrv           allowed,
             const char     *blocks,
             GError        **error)
{
  for (guint i = 0; allowed != NULL && allowed[i] != NULL; i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *list = NULL;
      g_auto(GStrv) values = NULL;

      if (!split_assignment ("allow", allowed[i], &path, &list, error))
        return FALSE;
      values = g_strsplit (list, ",", -1);
      if (!cep_assignment_set_allowed (assignment, path, (const char * const *) values, error))
        return FALSE;
    }
  if (blocks != NULL)
    {
      g_auto(GStrv) types = g_strsplit (blocks, ",", -1);
      if (!cep_assignment_set_allowed_blocks (assignment, (const char * const *) types, error))
        return FALSE;
    }
  return TRUE;
}

/* Everything the flags say but the files, in the order a reader of them would check. */
static gboolean
apply_rules (CepAssignment   *assignment,
             const NewFlags  *flags,
             GError         **error)
{
  CepAssignmentMetric metric;
  guint64 seed;

  if (flags->metric != NULL)
    {
      if (!cep_assignment_metric_from_name (flags->metric, &metric))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--metric “%s”: expected dev_accuracy, dev_loss, train_accuracy or "
                         "train_loss"), flags->metric);
          return FALSE;
        }
      cep_assignment_set_metric (assignment, metric);
    }
  if (flags->seed != NULL)
    {
      if (!cep_cli_parse_count (flags->seed, &seed) || strpbrk (flags->seed, ".kKmMeE") != NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--seed “%s”: expected a whole number >= 0"), flags->seed);
          return FALSE;
        }
      cep_assignment_set_seed (assignment, TRUE, seed);
    }
  return add_paths (assignment, flags->locks, cep_assignment_add_locked, error)
         && add_paths (assignment, flags->hides, cep_assignment_add_hidden, error)
         && add_bounds (assignment, flags->minima, FALSE, error)
         && add_bounds (assignment, flags->maxima, TRUE, error)
         && add_allowed (assignment, flags->allowed, flags->allowed_blocks, error);
}

/* The files the flags name: the starting experiment, the instructions and the dataset. */
static CepAssignment *
assignment_from_files (const NewFlags  *flags,
                       GError         **error)
{
  g_autoptr(CepExperiment) experiment = NULL;
  g_autoptr(CepAssignment) assignment = NULL;
  g_autofree char *instructions = NULL;
  g_auto(GStrv) warnings = NULL;

  experiment = flags->from != NULL ? cep_experiment_load (flags->from, &warnings, error)
                                   : cep_experiment_new ();
  if (experiment == NULL)
    return NULL;
  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    cep_cli_warn ("assignment new", warnings[i]);
  if (flags->instructions != NULL
      && !g_file_get_contents (flags->instructions, &instructions, NULL, error))
    return NULL;
  if (instructions != NULL && !g_utf8_validate (instructions, -1, NULL))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _("%s: not UTF-8 text"),
                   flags->instructions);
      return NULL;
    }
  assignment = cep_assignment_new (flags->title, experiment);
  cep_assignment_set_instructions (assignment, instructions);
  if (flags->dataset != NULL)
    {
      g_autoptr(CepDataset) dataset = cep_dataset_open (flags->dataset, NULL, error);
      g_autofree char *fingerprint = NULL;
      g_autofree char *name = NULL;

      if (dataset == NULL)
        return NULL;
      fingerprint = cep_dataset_get_fingerprint (dataset);
      if (fingerprint == NULL)
        {
          g_set_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_NO_PARTITION,
                       _("%s: no training partition to take a fingerprint of"), flags->dataset);
          return NULL;
        }
      name = g_path_get_basename (flags->dataset);
      cep_assignment_set_dataset (assignment, name, fingerprint);
    }
  return g_steal_pointer (&assignment);
}

static int
run_new (int    argc,
         char **argv)
{
  NewFlags flags = { 0 };
  g_autoptr(CepAssignment) assignment = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) rest = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &flags.from,
      N_("The starting experiment (default: Cepstra's default experiment)"), "FILE" },
    { "title", 0, 0, G_OPTION_ARG_STRING, &flags.title, N_("The assignment's title"), "TEXT" },
    { "instructions", 0, 0, G_OPTION_ARG_FILENAME, &flags.instructions,
      N_("Instructions for the students, Markdown (headings, emphasis, lists, code)"), "FILE" },
    { "lock", 0, 0, G_OPTION_ARG_STRING_ARRAY, &flags.locks,
      N_("Lock a setting or a group of them (shown, not editable); repeatable"), "PATH" },
    { "hide", 0, 0, G_OPTION_ARG_STRING_ARRAY, &flags.hides,
      N_("Hide a setting (and keep its value); repeatable"), "PATH" },
    { "max", 0, 0, G_OPTION_ARG_STRING_ARRAY, &flags.maxima,
      N_("An upper bound, such as model.params=2M or train.epochs=10; repeatable"),
      "PATH=N" },
    { "min", 0, 0, G_OPTION_ARG_STRING_ARRAY, &flags.minima,
      N_("A lower bound; repeatable"), "PATH=N" },
    { "allow", 0, 0, G_OPTION_ARG_STRING_ARRAY, &flags.allowed,
      N_("The values a choice may take, such as train.optimizer=adamw,sgd; repeatable"),
      "PATH=A,B" },
    { "allow-blocks", 0, 0, G_OPTION_ARG_STRING, &flags.allowed_blocks,
      N_("The block types a model may use, such as linear,batch_norm,gelu,dropout"), "LIST" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &flags.seed, N_("Fix the seed"), "N" },
    { "dataset", 0, 0, G_OPTION_ARG_FILENAME, &flags.dataset,
      N_("Expect this dataset (its name and fingerprint are recorded)"), "DIR" },
    { "metric", 0, 0, G_OPTION_ARG_STRING, &flags.metric, N_("The metric that counts: "
         "dev_accuracy (default), dev_loss, train_accuracy or train_loss"), "NAME" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &flags.out, N_("The assignment file to write"),
      "FILE" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &flags.force, N_("Replace FILE if it exists"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("assignment new", NULL,
                              N_("Write an assignment: a starting experiment and the rules a "
                                 "student's experiment must keep. PATHs are experiment.json's "
                                 "(train.epochs, train.optimizer, model.blocks; model.params "
                                 "is the parameter count).\n"
                                 "Exit status: 0 written, 1 usage error or a rule that cannot "
                                 "be, 2 invalid experiment, instructions or dataset, "
                                 "3 could not be written."),
                              entries, &argc, &argv, &exit_code))
    goto out;
  if (rest != NULL)
    exit_code = cep_cli_usage_error ("assignment new", _("unexpected argument “%s”"), rest[0]);
  else if (flags.title == NULL || flags.out == NULL)
    exit_code = cep_cli_usage_error ("assignment new", "%s", _("--title and --out are needed"));
  else if (!flags.force && g_file_test (flags.out, G_FILE_TEST_EXISTS))
    exit_code = cep_cli_usage_error ("assignment new", _("%s exists; give --force to replace "
                                                         "it"), flags.out);
  else if ((assignment = assignment_from_files (&flags, &error)) == NULL)
    exit_code = cep_cli_fail ("assignment new", error, CEP_CLI_EXIT_INVALID_DATA);
  else if (!apply_rules (assignment, &flags, &error))
    exit_code = cep_cli_usage_error ("assignment new", "%s", error->message);
  else if (!cep_assignment_save (assignment, flags.out, &error))
    exit_code = cep_cli_fail ("assignment new", error,
                              g_error_matches (error, CEP_ASSIGNMENT_ERROR,
                                               CEP_ASSIGNMENT_ERROR_IO)
                              ? CEP_CLI_EXIT_OUTPUT : CEP_CLI_EXIT_USAGE);
  else
    printf ("%s\n", flags.out);
out:
  new_flags_clear (&flags);
  return exit_code;
}

static JsonNode *
show_json (CepAssignment *assignment)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) rules = cep_assignment_list_rules (assignment);
  guint64 seed = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, cep_assignment_get_title (assignment));
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, cep_assignment_get_hash (assignment));
  json_builder_set_member_name (builder, "metric");
  json_builder_add_string_value (builder,
                                 cep_assignment_metric_get_name (
                                   cep_assignment_get_metric (assignment)));
  json_builder_set_member_name (builder, "seed");
  if (cep_assignment_get_seed (assignment, &seed))
    json_builder_add_int_value (builder, (gint64) seed);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "dataset");
  json_builder_add_string_value (builder, cep_assignment_get_dataset_name (assignment));
  json_builder_set_member_name (builder, "dataset_fingerprint");
  json_builder_add_string_value (builder, cep_assignment_get_dataset_fingerprint (assignment));
  json_builder_set_member_name (builder, "instructions");
  json_builder_add_string_value (builder, cep_assignment_get_instructions (assignment));
  json_builder_set_member_name (builder, "rules");
  json_builder_begin_array (builder);
  for (guint i = 0; rules[i] != NULL; i++)
    json_builder_add_string_value (builder, rules[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
show_text (CepAssignment *assignment)
{
  g_auto(GStrv) rules = cep_assignment_list_rules (assignment);
  const char *instructions = cep_assignment_get_instructions (assignment);
  guint64 seed = 0;

  printf ("%s\n", cep_assignment_get_title (assignment));
  printf (_("SHA-256: %s\n"), cep_assignment_get_hash (assignment));
  if (cep_assignment_get_dataset_fingerprint (assignment) != NULL)
    printf (_("Dataset: %s (fingerprint %s)\n"),
            cep_assignment_get_dataset_name (assignment) != NULL
            ? cep_assignment_get_dataset_name (assignment) : "?",
            cep_assignment_get_dataset_fingerprint (assignment));
  else
    printf ("%s\n", _("Dataset: any"));
  printf (_("Metric: %s\n"),
          cep_assignment_metric_get_name (cep_assignment_get_metric (assignment)));
  if (cep_assignment_get_seed (assignment, &seed))
    {
      g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, seed);
      printf (_("Seed: %s (fixed)\n"), number);
    }
  printf ("%s\n", rules[0] != NULL ? _("Rules:") : _("Rules: none"));
  for (guint i = 0; rules[i] != NULL; i++)
    printf ("  %s\n", rules[i]);
  if (instructions != NULL)
    printf ("\n%s\n", instructions);
}

static int
run_show (int    argc,
          char **argv)
{
  g_autoptr(CepAssignment) assignment = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) rest = NULL;
  gboolean json = FALSE;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print it as JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };

  if (!cep_cli_parse_options ("assignment show", "FILE",
                              N_("An assignment's title, hash, dataset, metric, rules and "
                                 "instructions.\n"
                                 "Exit status: 0 shown, 1 usage error, 2 not a valid "
                                 "assignment."),
                              entries, &argc, &argv, &exit_code))
    return exit_code;
  if (rest == NULL || g_strv_length (rest) != 1)
    return cep_cli_usage_error ("assignment show", "%s", _("expected one FILE"));
  assignment = cep_assignment_load (rest[0], &error);
  if (assignment == NULL)
    return cep_cli_fail ("assignment show", error, CEP_CLI_EXIT_INVALID_DATA);
  if (json)
    {
      g_autoptr(JsonNode) root = show_json (assignment);
      cep_cli_print_json (root, stdout);
    }
  else
    show_text (assignment);
  return CEP_CLI_EXIT_OK;
}

int
cep_cli_assignment_run (int    argc,
                        char **argv)
{
  const char *usage = _("Usage: cepstra-cli assignment new|show [OPTION…]\n\n"
                        "  new   write an assignment from an experiment and rules\n"
                        "  show  print an assignment's title, hash, rules and instructions\n\n"
                        "Run “cepstra-cli assignment new --help” for the options.\n"
                        "Exit status: 0 done, 1 usage error, 2 invalid assignment, experiment "
                        "or dataset, 3 could not be written.\n");

  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      fputs (usage, stdout);
      return CEP_CLI_EXIT_OK;
    }
  if (argc >= 2 && strcmp (argv[1], "new") == 0)
    return run_new (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "show") == 0)
    return run_show (argc - 1, argv + 1);
  fputs (usage, stderr);
  return CEP_CLI_EXIT_USAGE;
}
