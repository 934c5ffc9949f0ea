/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-demo-dataset.c: the committed demo dataset (data/demo/dataset) is what its manifest and
 * README say: every manifest row has its files and no file lacks a row, frame counts match,
 * transcripts are '<U5' [SOS] + one HW1P2 target per frame + [EOS], test-clean has no
 * transcripts, and the partitions have the documented sizes and voices. Reads the files with
 * Cepstra's own .npy reader and loader; needs no espeak-ng.
 */
#include <math.h>
#include <string.h>

#include "cep-dataset.h"
#include "cep-npy.h"
#include "cep-phoneme-table.h"
#include "demo-test-util.h"

#define HELD_OUT_VOICE "en-us+m7"

static const char *
dataset_dir (void)
{
  const char *dir = g_getenv ("CEPSTRA_DEMO_DIR");

  return dir != NULL ? dir : CEP_DEMO_DATASET_DIR;
}

static DemoManifest *
load_manifest (void)
{
  g_autofree char *path = g_build_filename (dataset_dir (), "manifest.tsv", NULL);

  return demo_manifest_load (path);
}

static char *
utterance_path (const DemoManifestRow *row,
                const char            *folder)
{
  g_autofree char *name = g_strconcat (row->name, ".npy", NULL);

  return g_build_filename (dataset_dir (), row->partition, folder, name, NULL);
}

static void
check_features (const DemoManifestRow *row)
{
  g_autofree char *path = utterance_path (row, "mfcc");
  g_autoptr(GError) error = NULL;
  g_autoptr(CepNpy) npy = cep_npy_open (path, &error);
  g_autofree float *values = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (cep_npy_get_descr (npy), ==, "<f4");
  g_assert_false (cep_npy_is_fortran_order (npy));
  g_assert_cmpuint (cep_npy_get_n_dims (npy), ==, 2);
  if (cep_npy_get_shape (npy)[0] != row->frames || cep_npy_get_shape (npy)[1] != 28)
    g_error ("%s: shape (%zu, %zu), manifest says %zu frames of 28", path,
             cep_npy_get_shape (npy)[0], cep_npy_get_shape (npy)[1], row->frames);
  values = g_new (float, cep_npy_get_n_elements (npy));
  g_assert_true (cep_npy_read_float32 (npy, values, &error));
  for (gsize i = 0; i < cep_npy_get_n_elements (npy); i++)
    g_assert_true (isfinite (values[i]));
}

static void
check_transcript (const DemoManifestRow *row,
                  CepPhonemeTable       *table,
                  guint64               *class_counts)
{
  g_autofree char *path = utterance_path (row, "transcript");
  g_autoptr(GError) error = NULL;
  g_autoptr(CepNpy) npy = cep_npy_open (path, &error);
  g_auto(GStrv) labels = NULL;
  gsize n;

  g_assert_no_error (error);
  g_assert_cmpstr (cep_npy_get_descr (npy), ==, "<U5");
  g_assert_cmpuint (cep_npy_get_n_dims (npy), ==, 1);
  labels = cep_npy_read_strings (npy, &error);
  g_assert_no_error (error);
  n = g_strv_length (labels);
  if (n != row->frames + 2)
    g_error ("%s: %zu entries for %zu frames", path, n, row->frames);
  g_assert_cmpstr (labels[0], ==, "[SOS]");
  g_assert_cmpstr (labels[n - 1], ==, "[EOS]");
  for (gsize t = 1; t + 1 < n; t++)
    {
      int id = cep_phoneme_table_lookup (table, labels[t], -1);

      if (id < 0 || !cep_phoneme_table_is_target (table, id)
          || strcmp (cep_phoneme_table_get_name (table, id), labels[t]) != 0)
        g_error ("%s: label %zu is '%s', not an HW1P2 class", path, t, labels[t]);
      class_counts[id]++;
    }
}

/* Each row's files exist and agree with it. */
static void
test_rows_match_files (void)
{
  g_autoptr(DemoManifest) manifest = load_manifest ();
  g_autoptr(CepPhonemeTable) table = cep_phoneme_table_new_default ();
  guint64 counts[64] = { 0 };

  for (guint i = 0; i < manifest->rows->len; i++)
    {
      const DemoManifestRow *row = g_ptr_array_index (manifest->rows, i);
      g_autofree char *transcript = utterance_path (row, "transcript");

      check_features (row);
      if (g_str_equal (row->partition, "test-clean"))
        g_assert_false (g_file_test (transcript, G_FILE_TEST_EXISTS));
      else
        check_transcript (row, table, counts);
    }
  /* every class occurs, so a model trained on the demo sees all 40 */
  for (guint id = 0; id < cep_phoneme_table_get_n_classes (table); id++)
    if (counts[id] == 0)
      g_error ("class %s never occurs", cep_phoneme_table_get_name (table, id));
}

/* Every file in the dataset folder is the manifest, the README, or a row's file. */
static void
test_no_extra_files (void)
{
  g_autoptr(DemoManifest) manifest = load_manifest ();
  g_autoptr(GPtrArray) files = demo_test_list_files (dataset_dir ());
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          NULL);

  g_hash_table_add (expected, g_strdup ("manifest.tsv"));
  g_hash_table_add (expected, g_strdup ("README.md"));
  for (guint i = 0; i < manifest->rows->len; i++)
    {
      const DemoManifestRow *row = g_ptr_array_index (manifest->rows, i);

      g_hash_table_add (expected, g_strdup_printf ("%s/mfcc/%s.npy", row->partition,
                                                   row->name));
      if (!g_str_equal (row->partition, "test-clean"))
        g_hash_table_add (expected, g_strdup_printf ("%s/transcript/%s.npy", row->partition,
                                                     row->name));
    }
  for (guint i = 0; i < files->len; i++)
    if (!g_hash_table_remove (expected, g_ptr_array_index (files, i)))
      g_error ("%s is not in the manifest", (const char *) g_ptr_array_index (files, i));
  g_assert_cmpuint (g_hash_table_size (expected), ==, 0);
}

typedef struct
{
  guint       utterances;
  GHashTable *voices;   /* voice -> count */
} PartitionSummary;

static void
summarize (DemoManifest     *manifest,
           const char       *partition,
           PartitionSummary *summary)
{
  summary->utterances = 0;
  summary->voices = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < manifest->rows->len; i++)
    {
      const DemoManifestRow *row = g_ptr_array_index (manifest->rows, i);
      guint count;

      if (!g_str_equal (row->partition, partition))
        continue;
      count = GPOINTER_TO_UINT (g_hash_table_lookup (summary->voices, row->voice));
      g_hash_table_insert (summary->voices, row->voice, GUINT_TO_POINTER (count + 1));
      summary->utterances++;
      g_assert_cmpuint (row->rate, >=, 140);
      g_assert_cmpuint (row->rate, <=, 210);
    }
}

/* The sizes README.md documents: 7 voices x 40 for training, 40 + 40 of the held-out voice. */
static void
test_partition_sizes (void)
{
  g_autoptr(DemoManifest) manifest = load_manifest ();
  PartitionSummary train, dev, test;

  g_assert_cmpuint (manifest->rows->len, ==, 360);
  summarize (manifest, "train-clean-100", &train);
  summarize (manifest, "dev-clean", &dev);
  summarize (manifest, "test-clean", &test);
  g_assert_cmpuint (train.utterances, ==, 280);
  g_assert_cmpuint (g_hash_table_size (train.voices), ==, 7);
  g_assert_false (g_hash_table_contains (train.voices, HELD_OUT_VOICE));
  g_assert_cmpuint (dev.utterances, ==, 40);
  g_assert_cmpuint (test.utterances, ==, 40);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (dev.voices, HELD_OUT_VOICE)), ==, 40);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (test.voices, HELD_OUT_VOICE)), ==,
                    40);
  g_hash_table_unref (train.voices);
  g_hash_table_unref (dev.voices);
  g_hash_table_unref (test.voices);
}

/* Cepstra's own loader accepts the whole dataset with the strict policy. */
static void
test_loads_strictly (void)
{
  g_autoptr(DemoManifest) manifest = load_manifest ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CepDataset) dataset = NULL;
  CepLoadOptions options;
  gsize frames = 0, loaded = 0;

  cep_load_options_init (&options);
  dataset = cep_dataset_open (dataset_dir (), &options, &error);
  g_assert_no_error (error);
  g_assert_true (cep_dataset_load_all (dataset, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < manifest->rows->len; i++)
    frames += ((const DemoManifestRow *) g_ptr_array_index (manifest->rows, i))->frames;
  for (const char * const *name = cep_dataset_get_partition_names (dataset); *name; name++)
    {
      CepPartition *partition = cep_dataset_load_partition (dataset, *name, NULL, NULL, NULL,
                                                            &error);

      g_assert_no_error (error);
      g_assert_true (cep_partition_is_labelled (partition)
                     == !g_str_equal (*name, "test-clean"));
      loaded += cep_partition_get_n_frames (partition);
    }
  g_assert_cmpuint (loaded, ==, frames);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/demo/dataset/rows-match-files", test_rows_match_files);
  g_test_add_func ("/demo/dataset/no-extra-files", test_no_extra_files);
  g_test_add_func ("/demo/dataset/partition-sizes", test_partition_sizes);
  g_test_add_func ("/demo/dataset/loads-strictly", test_loads_strictly);
  return g_test_run ();
}
