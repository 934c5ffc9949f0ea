/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-inspect.c: `cepstra-cli inspect`, a summary of a dataset and of what is wrong with it.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-cli-format.h"
#include "cep-cli-progress.h"
#include "cep-dataset.h"

#include <glib/gi18n.h>
#include <stdio.h>

typedef struct
{
  gboolean  json;
  gboolean  skip_bad;
  char     *partition;
  char     *phonemes;
} InspectOptions;

static JsonNode *
class_counts_to_json (CepPartition *partition)
{
  CepPhonemeTable *table = cep_partition_get_phoneme_table (partition);
  guint n_classes = cep_phoneme_table_get_n_classes (table);
  g_autofree guint64 *counts = g_new0 (guint64, n_classes);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  cep_partition_get_class_counts (partition, counts);
  json_builder_begin_object (builder);
  for (guint i = 0; i < n_classes; i++)
    {
      json_builder_set_member_name (builder, cep_phoneme_table_get_name (table, i));
      json_builder_add_int_value (builder, (gint64) counts[i]);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
skipped_to_json (CepPartition *partition)
{
  GPtrArray *skipped = cep_partition_get_skipped (partition);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < skipped->len; i++)
    {
      const CepSkippedFile *file = g_ptr_array_index (skipped, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, file->file);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, file->reason);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
partition_to_json (CepPartition *partition)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gboolean labelled = cep_partition_is_labelled (partition);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, cep_partition_get_name (partition));
  json_builder_set_member_name (builder, "folder");
  json_builder_add_string_value (builder, cep_partition_get_folder (partition));
  json_builder_set_member_name (builder, "utterances");
  json_builder_add_int_value (builder, cep_partition_get_n_utterances (partition));
  json_builder_set_member_name (builder, "frames");
  json_builder_add_int_value (builder, (gint64) cep_partition_get_n_frames (partition));
  json_builder_set_member_name (builder, "feature_dim");
  json_builder_add_int_value (builder, cep_partition_get_feature_dim (partition));
  json_builder_set_member_name (builder, "labelled");
  json_builder_add_boolean_value (builder, labelled);
  json_builder_set_member_name (builder, "class_counts");
  if (labelled)
    json_builder_add_value (builder, class_counts_to_json (partition));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "skipped");
  json_builder_add_value (builder, skipped_to_json (partition));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
print_json (CepDataset *dataset,
            GPtrArray  *partitions)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "root");
  json_builder_add_string_value (builder, cep_dataset_get_root (dataset));
  json_builder_set_member_name (builder, "partitions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < partitions->len; i++)
    json_builder_add_value (builder, partition_to_json (g_ptr_array_index (partitions, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

static void
print_class_counts (CepPartition *partition)
{
  CepPhonemeTable *table = cep_partition_get_phoneme_table (partition);
  guint n_classes = cep_phoneme_table_get_n_classes (table);
  g_autofree guint64 *counts = g_new0 (guint64, n_classes);
  gsize n_frames = cep_partition_get_n_frames (partition);

  cep_partition_get_class_counts (partition, counts);
  printf ("\n");
  printf (_("Classes in %s (%u):\n"), cep_partition_get_name (partition), n_classes);
  for (guint i = 0; i < n_classes; i++)
    {
      g_autofree char *count = cep_cli_format_count (counts[i]);

      printf ("  %-6s %9s %5.1f %%%s", cep_phoneme_table_get_name (table, i),
              count, n_frames ? 100.0 * counts[i] / n_frames : 0.0,
              (i % 4 == 3 || i + 1 == n_classes) ? "\n" : "");
    }
}

static void
print_skipped (CepPartition *partition)
{
  GPtrArray *skipped = cep_partition_get_skipped (partition);

  if (skipped->len == 0)
    return;
  printf ("\n");
  printf (g_dngettext (NULL, "Skipped %u file in %s:\n", "Skipped %u files in %s:\n",
                       skipped->len),
          skipped->len, cep_partition_get_name (partition));
  for (guint i = 0; i < skipped->len; i++)
    printf ("  %s\n", ((CepSkippedFile *) g_ptr_array_index (skipped, i))->reason);
}

static void
print_text (CepDataset *dataset,
            GPtrArray  *partitions)
{
  g_autofree char *partition_heading = cep_cli_format_cell (_("Partition"), -20);
  g_autofree char *utterances_heading = cep_cli_format_cell (_("Utterances"), 10);
  g_autofree char *frames_heading = cep_cli_format_cell (_("Frames"), 12);
  g_autofree char *dim_heading = cep_cli_format_cell (_("Dim"), 5);

  printf (_("Dataset: %s\n\n"), cep_dataset_get_root (dataset));
  printf ("%s %s %s %s  %s\n", partition_heading, utterances_heading, frames_heading,
          dim_heading, _("Labels"));
  for (guint i = 0; i < partitions->len; i++)
    {
      CepPartition *partition = g_ptr_array_index (partitions, i);
      guint n_utterances = cep_partition_get_n_utterances (partition);
      g_autofree char *utterances = cep_cli_format_count (n_utterances);
      g_autofree char *frames = cep_cli_format_count (cep_partition_get_n_frames (partition));

      printf ("%-20s %10s %12s %5u  %s\n", cep_partition_get_name (partition), utterances,
              frames, cep_partition_get_feature_dim (partition),
              cep_partition_is_labelled (partition) ? _("yes") : _("no"));
    }
  for (guint i = 0; i < partitions->len; i++)
    {
      CepPartition *partition = g_ptr_array_index (partitions, i);

      if (cep_partition_is_labelled (partition))
        print_class_counts (partition);
      print_skipped (partition);
    }
}

static gboolean
load_partitions (CepDataset            *dataset,
                 const InspectOptions  *options,
                 GPtrArray             *partitions,
                 GError               **error)
{
  const char * const *names = cep_dataset_get_partition_names (dataset);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(CepCliProgress) progress = NULL;
      CepPartition *partition;

      if (options->partition != NULL && !g_str_equal (options->partition, names[i]))
        continue;
      progress = cep_cli_progress_new (names[i], _("files"));
      partition = cep_dataset_load_partition (dataset, names[i], cep_cli_get_cancellable (),
                                              cep_cli_progress_func, progress, error);
      if (partition == NULL)
        return FALSE;
      g_ptr_array_add (partitions, partition);
    }
  if (options->partition != NULL && partitions->len == 0)
    {
      g_set_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_NO_PARTITION,
                   _("%s: no partition called “%s”"), cep_dataset_get_root (dataset),
                   options->partition);
      return FALSE;
    }
  /* The cross-partition checks only make sense when every partition is there. */
  return options->partition != NULL
         || cep_dataset_load_all (dataset, cep_cli_get_cancellable (), error);
}

static CepDataset *
open_dataset (const char            *path,
              const InspectOptions  *options,
              GError               **error)
{
  g_autoptr(CepPhonemeTable) table = NULL;
  g_autofree char *root = NULL;
  CepLoadOptions load_options;

  root = cep_cli_resolve_dataset (path, error);
  if (root == NULL)
    return NULL;
  if (options->phonemes != NULL)
    {
      table = cep_phoneme_table_new_from_file (options->phonemes, error);
      if (table == NULL)
        return NULL;
    }
  cep_load_options_init (&load_options);
  load_options.policy = options->skip_bad ? CEP_LOAD_POLICY_SKIP : CEP_LOAD_POLICY_FAIL;
  load_options.table = table;
  return cep_dataset_open (root, &load_options, error);
}

int
cep_cli_inspect_run (int    argc,
                     char **argv)
{
  InspectOptions options = { 0 };
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &options.json, N_("Print JSON instead of text"),
      NULL },
    { "skip-bad", 0, 0, G_OPTION_ARG_NONE, &options.skip_bad,
      N_("Skip invalid files and report them instead of failing"), NULL },
    { "partition", 'p', 0, G_OPTION_ARG_STRING, &options.partition,
      N_("Inspect only this partition"), "NAME" },
    { "phonemes", 0, 0, G_OPTION_ARG_FILENAME, &options.phonemes,
      N_("Phoneme table (one symbol per line; default: HW1P2's 42)"), "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    { NULL },
  };
  g_autoptr(CepDataset) dataset = NULL;
  g_autoptr(GPtrArray) partitions = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int exit_code = CEP_CLI_EXIT_OK;

  if (!cep_cli_parse_options ("inspect", "[DATASET]",
                              N_("Exit status: 0 valid, 1 usage error, 2 invalid data."),
                              entries, &argc, &argv, &exit_code))
    goto out;
  if (rest != NULL && g_strv_length (rest) > 1)
    {
      exit_code = cep_cli_usage_error ("inspect", "%s", _("expected one dataset folder"));
      goto out;
    }

  dataset = open_dataset (rest ? rest[0] : NULL, &options, &error);
  if (dataset == NULL || !load_partitions (dataset, &options, partitions, &error))
    {
      exit_code = cep_cli_fail ("inspect", error, CEP_CLI_EXIT_INVALID_DATA);
      goto out;
    }
  if (options.json)
    print_json (dataset, partitions);
  else
    print_text (dataset, partitions);

out:
  g_free (options.partition);
  g_free (options.phonemes);
  return exit_code;
}
