/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cep-cli-batches.c: `cepstra-cli batches`, the first N batches exactly as training would see
 * them, written to .npy files so windows, labels and masks can be checked from outside.
 */
#define G_LOG_DOMAIN "cepstra-cli"

#include "cep-cli.h"
#include "cep-cli-mask-flags.h"
#include "cep-cli-progress.h"
#include "cep-batch-producer.h"
#include "cep-dataset.h"
#include "cep-npy.h"

#include <glib/gi18n.h>

typedef struct
{
  int       context;
  int       batch_size;
  int       dump;
  int       epoch;
  gint64    seed;
  char     *partition;
  gboolean  no_shuffle;
  gboolean  raw;
  double    subset;
  int       every;
  gboolean  augment;
  CepCliMaskFlags masks;
  gboolean  json;
} BatchesFlags;

/* What was gathered: samples of every dumped batch, back to back. */
typedef struct
{
  GArray *inputs;   /* float */
  GArray *labels;   /* gint64 */
  GArray *frames;   /* gint64 */
  GArray *masks;    /* CepMaskSet */
  guint   window_floats;
  guint   n_batches;
} Dump;

static void
dump_clear (Dump *dump)
{
  g_clear_pointer (&dump->inputs, g_array_unref);
  g_clear_pointer (&dump->labels, g_array_unref);
  g_clear_pointer (&dump->frames, g_array_unref);
  g_clear_pointer (&dump->masks, g_array_unref);
}

static gboolean
resolve_options (const BatchesFlags  *flags,
                 CepBatchOptions     *options,
                 GError             **error)
{
  CepAugmentSpec *spec = &options->augment;

  if (flags->context < 0 || flags->batch_size <= 0 || flags->dump <= 0 || flags->epoch < 0
      || flags->every <= 0 || !(flags->subset > 0 && flags->subset <= 1))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--context ≥ 0, --batch > 0, --dump > 0, --epoch ≥ 0, --every ≥ 1 and "
                     "0 < --subset ≤ 1 are required"));
      return FALSE;
    }
  cep_batch_options_init (options);
  options->context = (guint) flags->context;
  options->batch_size = (guint) flags->batch_size;
  options->seed = (guint64) flags->seed;
  options->shuffle = !flags->no_shuffle;
  options->subset_fraction = flags->subset;
  options->subset_every = (guint) flags->every;
  cep_augment_spec_init_default (spec);
  /* Any mask flag asks for masks; --augment alone takes the defaults. */
  spec->enabled = flags->augment;
  cep_cli_mask_flags_apply (&flags->masks, spec);
  return cep_augment_spec_validate (spec, error);
}

static void
collect_batch (CepBatchProducer *producer,
               const CepBatch   *batch,
               Dump             *dump)
{
  g_array_append_vals (dump->inputs, batch->inputs, (guint) batch->n_samples * batch->window_floats);
  for (guint i = 0; i < batch->n_samples; i++)
    {
      gint64 frame = (gint64) batch->frames[i];
      CepMaskSet masks;

      g_array_append_val (dump->frames, frame);
      if (batch->labels != NULL)
        {
          gint64 label = batch->labels[i];
          g_array_append_val (dump->labels, label);
        }
      cep_batch_producer_get_masks (producer, batch->epoch, batch->index, i, &masks);
      g_array_append_val (dump->masks, masks);
    }
  dump->n_batches++;
}

/* Uses the threaded producer, the same path training takes. */
static gboolean
gather (CepPartition           *partition,
        const CepBatchOptions  *options,
        const BatchesFlags     *flags,
        Dump                   *dump,
        GError                **error)
{
  g_autoptr(CepBatchProducer) producer = NULL;
  g_autoptr(CepCliProgress) progress = cep_cli_progress_new ("batches", _("batches"));

  producer = cep_batch_producer_new (partition, options, error);
  if (producer == NULL)
    return FALSE;
  dump->window_floats = (2 * options->context + 1) * cep_partition_get_feature_dim (partition);
  cep_batch_producer_start_epoch (producer, (guint) flags->epoch);
  while (dump->n_batches < (guint) flags->dump)
    {
      CepBatch *batch = cep_batch_producer_next (producer, cep_cli_get_cancellable (), error);

      if (batch == NULL)
        return *error == NULL;  /* the epoch ended before --dump batches */
      collect_batch (producer, batch, dump);
      cep_batch_producer_release (producer, batch);
      cep_cli_progress_update (progress, dump->n_batches, (gsize) flags->dump);
    }
  return TRUE;
}

static char *
sidecar_path (const char *out,
              const char *suffix)
{
  g_autofree char *stem = g_str_has_suffix (out, ".npy") ? g_strndup (out, strlen (out) - 4)
                                                          : g_strdup (out);

  return g_strconcat (stem, suffix, NULL);
}

static JsonNode *
bands_to_json (const CepMaskBand *bands,
               guint              n_bands)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < n_bands; i++)
    {
      JsonArray *band = json_array_new ();

      json_array_add_int_element (band, bands[i].start);
      json_array_add_int_element (band, bands[i].width);
      json_array_add_array_element (array, band);
    }
  return json_node_init_array (json_node_alloc (), array);
}

static gboolean
write_masks (const char  *path,
             const Dump  *dump,
             GError     **error)
{
  JsonArray *samples = json_array_new ();
  g_autoptr(JsonNode) root = json_node_init_array (json_node_alloc (), samples);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  for (guint i = 0; i < dump->masks->len; i++)
    {
      const CepMaskSet *masks = &g_array_index (dump->masks, CepMaskSet, i);
      JsonObject *sample = json_object_new ();

      json_object_set_member (sample, "freq", bands_to_json (masks->freq, masks->n_freq));
      json_object_set_member (sample, "time", bands_to_json (masks->time, masks->n_time));
      json_array_add_object_element (samples, sample);
    }
  json_generator_set_root (generator, root);
  return json_generator_to_file (generator, path, error);
}

static gboolean
write_dump (const char   *out,
            const Dump   *dump,
            guint         n_frames,
            guint         dim,
            GError      **error)
{
  gsize n_samples = dump->frames->len;
  gsize shape[3] = { n_samples, n_frames, dim };
  g_autofree char *frames_path = sidecar_path (out, ".frames.npy");
  g_autofree char *labels_path = sidecar_path (out, ".labels.npy");
  g_autofree char *masks_path = sidecar_path (out, ".masks.json");

  if (!cep_npy_write_float32 (out, (float *) dump->inputs->data, 3, shape, error)
      || !cep_npy_write_int64 (frames_path, (gint64 *) dump->frames->data, n_samples, error))
    return FALSE;
  if (dump->labels->len > 0
      && !cep_npy_write_int64 (labels_path, (gint64 *) dump->labels->data, n_samples, error))
    return FALSE;
  return write_masks (masks_path, dump, error);
}

static void
print_summary (const char   *out,
               const Dump   *dump,
               CepPartition *partition,
               guint         n_frames,
               gboolean      json)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  guint dim = cep_partition_get_feature_dim (partition);

  if (!json)
    {
      printf (_("%s: %u batches, %u samples of %u × %u from %s\n"), out, dump->n_batches,
              dump->frames->len, n_frames, dim, cep_partition_get_name (partition));
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "output");
  json_builder_add_string_value (builder, out);
  json_builder_set_member_name (builder, "partition");
  json_builder_add_string_value (builder, cep_partition_get_name (partition));
  json_builder_set_member_name (builder, "batches");
  json_builder_add_int_value (builder, dump->n_batches);
  json_builder_set_member_name (builder, "samples");
  json_builder_add_int_value (builder, dump->frames->len);
  json_builder_set_member_name (builder, "window_frames");
  json_builder_add_int_value (builder, n_frames);
  json_builder_set_member_name (builder, "feature_dim");
  json_builder_add_int_value (builder, dim);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  cep_cli_print_json (root, stdout);
}

static CepPartition *
load_partition (const char          *path,
                const BatchesFlags  *flags,
                GError             **error)
{
  g_autoptr(CepDataset) dataset = NULL;
  g_autofree char *root = NULL;
  CepLoadOptions load_options;
  const char *name;

  root = cep_cli_resolve_dataset (path, error);
  if (root == NULL)
    return NULL;
  cep_load_options_init (&load_options);
  load_options.normalize = !flags->raw;
  load_options.context_max = (guint) flags->context;
  dataset = cep_dataset_open (root, &load_options, error);
  if (dataset == NULL)
    return NULL;
  name = flags->partition ? flags->partition : cep_dataset_get_train_name (dataset);
  if (name == NULL)
    name = cep_dataset_get_partition_names (dataset)[0];
  CepPartition *partition = cep_dataset_load_partition (dataset, name, cep_cli_get_cancellable (),
                                                        NULL, NULL, error);
  return partition ? g_object_ref (partition) : NULL;
}

static int
run_batches (const char          *path,
             const char          *out,
             const BatchesFlags  *flags)
{
  g_autoptr(CepPartition) partition = NULL;
  g_autoptr(GError) error = NULL;
  CepBatchOptions options;
  Dump dump = {
    .inputs = g_array_new (FALSE, FALSE, sizeof (float)),
    .labels = g_array_new (FALSE, FALSE, sizeof (gint64)),
    .frames = g_array_new (FALSE, FALSE, sizeof (gint64)),
    .masks = g_array_new (FALSE, FALSE, sizeof (CepMaskSet)),
  };
  int exit_code = CEP_CLI_EXIT_OK;
  guint n_frames = 2 * (guint) flags->context + 1;

  if (!resolve_options (flags, &options, &error))
    exit_code = cep_cli_usage_error ("batches", "%s", error->message);
  else if ((partition = load_partition (path, flags, &error)) == NULL)
    exit_code = cep_cli_fail ("batches", error, CEP_CLI_EXIT_INVALID_DATA);
  else if (!gather (partition, &options, flags, &dump, &error))
    exit_code = cep_cli_fail ("batches", error, CEP_CLI_EXIT_INVALID_DATA);
  else if (!write_dump (out, &dump, n_frames, cep_partition_get_feature_dim (partition), &error))
    exit_code = cep_cli_fail ("batches", error, CEP_CLI_EXIT_OUTPUT);
  else
    print_summary (out, &dump, partition, n_frames, flags->json);
  dump_clear (&dump);
  return exit_code;
}

int
cep_cli_batches_run (int    argc,
                     char **argv)
{
  BatchesFlags flags = {
    .context = 30, .batch_size = 1024, .dump = 1, .seed = 0, .subset = 1.0, .every = 1,
  };
  g_auto(GStrv) rest = NULL;
  int exit_code = CEP_CLI_EXIT_OK;
  const GOptionEntry entries[] = {
    { "context", 'k', 0, G_OPTION_ARG_INT, &flags.context, N_("Context K: windows of 2K+1 frames "
         "(default 30)"), "K" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &flags.batch_size, N_("Batch size (default 1024)"), "B" },
    { "dump", 'n', 0, G_OPTION_ARG_INT, &flags.dump, N_("Number of batches to write (default 1)"),
      "N" },
    { "partition", 'p', 0, G_OPTION_ARG_STRING, &flags.partition,
      N_("Partition (default: the training partition)"), "NAME" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &flags.seed, N_("Seed (default 0)"), "S" },
    { "epoch", 0, 0, G_OPTION_ARG_INT, &flags.epoch, N_("Epoch (default 0)"), "E" },
    { "no-shuffle", 0, 0, G_OPTION_ARG_NONE, &flags.no_shuffle, N_("Keep frame order"), NULL },
    { "raw", 0, 0, G_OPTION_ARG_NONE, &flags.raw, N_("No per-utterance normalization"), NULL },
    { "subset", 0, 0, G_OPTION_ARG_DOUBLE, &flags.subset,
      N_("Use a fixed random fraction of the frames (default 1)"), "F" },
    { "every", 0, 0, G_OPTION_ARG_INT, &flags.every, N_("Use every N-th frame (default 1)"), "N" },
    { "augment", 'a', 0, G_OPTION_ARG_NONE, &flags.augment,
      N_("SpecAugment masks (defaults: 0-2 freq bands of 3-4, 0-2 time bands of 3-8)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &flags.json, N_("Print JSON instead of text"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
  };
  g_autoptr(GArray) all = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  g_autoptr(GError) error = NULL;

  cep_cli_mask_flags_init (&flags.masks);
  g_array_append_vals (all, entries, G_N_ELEMENTS (entries));
  cep_cli_mask_flags_add_entries (&flags.masks, all);

  if (!cep_cli_parse_options ("batches", "[DATASET] OUT.npy",
                              N_("Writes OUT.npy (samples × 2K+1 × D, float32), OUT.frames.npy "
                                 "and OUT.labels.npy (int64: frame index and class of each "
                                 "sample) and OUT.masks.json\n(the [start, width] bands masked in "
                                 "each sample).\nExit status: 0 done, 1 usage error, 2 invalid "
                                 "data, 3 output not written."),
                              (const GOptionEntry *) all->data, &argc, &argv, &exit_code))
    goto out;
  if (rest == NULL || g_strv_length (rest) > 2)
    exit_code = cep_cli_usage_error ("batches", "%s", _("expected [DATASET] OUT.npy"));
  else if (!cep_cli_mask_flags_parse (&flags.masks, &error))
    exit_code = cep_cli_usage_error ("batches", "%s", error->message);
  else
    exit_code = run_batches (g_strv_length (rest) == 2 ? rest[0] : NULL,
                             rest[g_strv_length (rest) - 1], &flags);

out:
  g_free (flags.partition);
  cep_cli_mask_flags_clear (&flags.masks);
  return exit_code;
}
