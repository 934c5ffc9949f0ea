/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-dataset.c: partition discovery and order, roles, lazy and cached loading, and the
 * checks across partitions (feature dimension, leaked utterances).
 */
#include <glib/gstdio.h>
#include <string.h>

#include "cep-config.h"
#include "cep-dataset.h"
#include "data-test-util.h"

static char *
make_dataset (void)
{
  char *root = data_test_make_root ();
  g_autofree char *train = g_build_filename (root, "train-clean-100", NULL);
  g_autofree char *dev = g_build_filename (root, "dev-clean", NULL);
  g_autofree char *test = g_build_filename (root, "test-clean", NULL);

  data_test_write_utterance (train, "t1", 1, 9, 4, TRUE);
  data_test_write_utterance (train, "t2", 2, 5, 4, TRUE);
  data_test_write_utterance (dev, "d1", 3, 6, 4, TRUE);
  data_test_write_utterance (test, "e1", 4, 7, 4, FALSE);
  return root;
}

static void
add_folder (const char *root,
            const char *name,
            gboolean    with_mfcc)
{
  g_autofree char *path = g_build_filename (root, name, with_mfcc ? "mfcc" : NULL, NULL);
  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
}

static void
test_discovery_order (void)
{
  g_autofree char *root = make_dataset ();
  g_autoptr(GError) error = NULL;

  add_folder (root, "zzz-extra", TRUE);
  add_folder (root, "aaa-other", TRUE);
  add_folder (root, ".hidden", TRUE);
  add_folder (root, "docs", FALSE);
  g_autoptr(CepDataset) dataset = cep_dataset_open (root, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_dataset_get_root (dataset), ==, root);

  const char *const expected[] = {
    "train-clean-100", "dev-clean", "test-clean", "aaa-other", "zzz-extra", NULL,
  };
  const char *const *names = cep_dataset_get_partition_names (dataset);
  g_assert_cmpstrv (names, expected);
  g_assert_cmpstr (cep_dataset_get_train_name (dataset), ==, "train-clean-100");
  g_assert_cmpstr (cep_dataset_get_dev_name (dataset), ==, "dev-clean");
  g_assert_cmpstr (cep_dataset_get_test_name (dataset), ==, "test-clean");
  data_test_remove_tree (root);
}

static void
test_roles_by_prefix (void)
{
  g_autofree char *root = data_test_make_root ();
  g_autofree char *train_unlabelled = g_build_filename (root, "train-a", NULL);
  g_autofree char *train = g_build_filename (root, "train-b", NULL);
  g_autofree char *dev = g_build_filename (root, "dev-other", NULL);
  g_autoptr(GError) error = NULL;

  data_test_write_utterance (train_unlabelled, "a", 1, 3, 2, FALSE);
  data_test_write_utterance (train, "b", 2, 3, 2, TRUE);
  data_test_write_utterance (dev, "c", 3, 3, 2, TRUE);
  g_autoptr(CepDataset) dataset = cep_dataset_open (root, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_dataset_get_train_name (dataset), ==, "train-b");
  g_assert_cmpstr (cep_dataset_get_dev_name (dataset), ==, "dev-other");
  g_assert_null (cep_dataset_get_test_name (dataset));
  data_test_remove_tree (root);
}

static void
test_root_is_partition (void)
{
  g_autofree char *root = data_test_make_root ();
  g_autofree char *base = g_path_get_basename (root);
  g_autoptr(GError) error = NULL;

  data_test_write_utterance (root, "a", 1, 3, 2, TRUE);
  g_autoptr(CepDataset) dataset = cep_dataset_open (root, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cep_dataset_get_partition_names (dataset)[0], ==, base);
  g_assert_null (cep_dataset_get_partition_names (dataset)[1]);
  CepPartition *partition = cep_dataset_load_partition (dataset, base, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cep_partition_get_n_frames (partition), ==, 3);
  data_test_remove_tree (root);
}

static void
test_not_found (void)
{
  g_autofree char *root = data_test_make_root ();
  g_autofree char *missing = g_build_filename (root, "missing", NULL);
  g_autoptr(GError) error = NULL;
  CepDataset *dataset;

  dataset = cep_dataset_open (missing, NULL, &error);
  g_assert_null (dataset);
  g_assert_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "missing: no such folder"));
  g_clear_error (&error);

  add_folder (root, "docs", FALSE);
  dataset = cep_dataset_open (root, NULL, &error);
  g_assert_null (dataset);
  g_assert_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no partitions"));
  data_test_remove_tree (root);
}

/* Opening reads no feature file; a broken partition fails only when it is loaded, and a
 * failed load is not cached. */
static void
test_lazy_loading (void)
{
  g_autofree char *root = make_dataset ();
  g_autofree char *broken = g_build_filename (root, "dev-clean", "mfcc", "d1.npy", NULL);
  g_autoptr(GError) error = NULL;

  data_test_write_file (broken, "not an npy file", 15);
  g_autoptr(CepDataset) dataset = cep_dataset_open (root, NULL, &error);
  g_assert_no_error (error);

  CepPartition *train = cep_dataset_load_partition (dataset, "train-clean-100", NULL, NULL,
                                                    NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cep_dataset_load_partition (dataset, "train-clean-100", NULL, NULL, NULL,
                                             &error) == train);

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      CepPartition *dev = cep_dataset_load_partition (dataset, "dev-clean", NULL, NULL, NULL,
                                                      &error);
      g_assert_null (dev);
      g_assert_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_FILE);
      g_assert_true (g_str_has_prefix (error->message, "dev-clean/mfcc/d1.npy: "));
      g_clear_error (&error);
    }
  g_assert_false (cep_dataset_load_all (dataset, NULL, &error));
  g_assert_error (error, CEP_PARTITION_ERROR, CEP_PARTITION_ERROR_FILE);
  data_test_remove_tree (root);
}

static void
test_load_all (void)
{
  g_autofree char *root = make_dataset ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CepDataset) dataset = cep_dataset_open (root, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (cep_dataset_load_all (dataset, NULL, &error));
  g_assert_no_error (error);
  CepPartition *train = cep_dataset_load_partition (dataset, "train-clean-100", NULL, NULL,
                                                    NULL, &error);
  CepPartition *test = cep_dataset_load_partition (dataset, "test-clean", NULL, NULL, NULL,
                                                   &error);
  g_assert_cmpuint (cep_partition_get_n_frames (train), ==, 14);
  g_assert_false (cep_partition_is_labelled (test));
  /* One phoneme table for the whole dataset. */
  g_assert_true (cep_partition_get_phoneme_table (train) == cep_partition_get_phoneme_table (test));

  g_assert_null (cep_dataset_load_partition (dataset, "nope", NULL, NULL, NULL, &error));
  g_assert_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_NO_PARTITION);
  g_assert_nonnull (strstr (error->message, "no partition called 'nope'"));
  data_test_remove_tree (root);
}

static void
test_dimension_mismatch (void)
{
  g_autofree char *root = make_dataset ();
  g_autofree char *dev = g_build_filename (root, "dev-clean", NULL);
  g_autoptr(GError) error = NULL;

  data_test_write_utterance (dev, "d1", 3, 6, 5, TRUE);
  g_autoptr(CepDataset) dataset = cep_dataset_open (root, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (cep_dataset_load_all (dataset, NULL, &error));
  g_assert_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_MISMATCH);
  g_autofree char *expected = g_strdup_printf (
    "%s: dev-clean has 5 coefficients per frame, but train-clean-100 has 4", root);
  g_assert_cmpstr (error->message, ==, expected);
  data_test_remove_tree (root);
}

static void
test_duplicate_across_partitions (void)
{
  g_autofree char *root = make_dataset ();
  g_autofree char *dev = g_build_filename (root, "dev-clean", NULL);
  g_autoptr(GError) error = NULL;

  data_test_write_utterance (dev, "t2", 8, 4, 4, TRUE);
  g_autoptr(CepDataset) dataset = cep_dataset_open (root, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (cep_dataset_load_all (dataset, NULL, &error));
  g_assert_error (error, CEP_DATASET_ERROR, CEP_DATASET_ERROR_DUPLICATE);
  g_assert_cmpstr (error->message, ==, "train-clean-100/mfcc/t2.npy and dev-clean/mfcc/t2.npy: "
                   "utterance 't2' is in two partitions");
  data_test_remove_tree (root);
}

static void
test_options_apply (void)
{
  g_autofree char *root = make_dataset ();
  g_autoptr(GError) error = NULL;
  CepLoadOptions options;

  cep_load_options_init (&options);
  options.context_max = 7;
  options.normalize = FALSE;
  g_autoptr(CepDataset) dataset = cep_dataset_open (root, &options, &error);
  g_assert_no_error (error);
  CepPartition *dev = cep_dataset_load_partition (dataset, "dev-clean", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cep_partition_get_context_max (dev), ==, 7);
  g_assert_false (cep_partition_is_normalized (dev));
  g_assert_cmpfloat (cep_partition_get_frame (dev, 0)[1], ==, data_test_value (3, 0, 1));
  data_test_remove_tree (root);
}

typedef struct
{
  CepDataset   *dataset;
  CepPartition *result;
} LoadJob;

static gpointer
load_in_thread (gpointer data)
{
  LoadJob *job = data;
  job->result = cep_dataset_load_partition (job->dataset, "train-clean-100", NULL, NULL, NULL,
                                            NULL);
  return NULL;
}

static void
test_concurrent_load (void)
{
  g_autofree char *root = make_dataset ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CepDataset) dataset = cep_dataset_open (root, NULL, &error);
  LoadJob jobs[4];
  GThread *threads[4];

  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    {
      jobs[i] = (LoadJob) { dataset, NULL };
      threads[i] = g_thread_new ("load", load_in_thread, &jobs[i]);
    }
  for (guint i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  g_assert_nonnull (jobs[0].result);
  for (guint i = 1; i < 4; i++)
    g_assert_true (jobs[i].result == jobs[0].result);
  data_test_remove_tree (root);
}

static char *
first_existing_builtin (void)
{
  if (g_file_test (CEP_DEMO_INSTALL_DIR, G_FILE_TEST_IS_DIR))
    return g_strdup (CEP_DEMO_INSTALL_DIR);
  if (g_file_test (CEP_DEMO_SOURCE_DIR, G_FILE_TEST_IS_DIR))
    return g_strdup (CEP_DEMO_SOURCE_DIR);
  return NULL;
}

static void
test_find_demo_root (void)
{
  g_autofree char *root = data_test_make_root ();
  g_autofree char *saved = g_strdup (g_getenv ("CEPSTRA_DEMO_DIR"));

  g_setenv ("CEPSTRA_DEMO_DIR", root, TRUE);
  g_autofree char *found = cep_dataset_find_demo_root ();
  g_assert_cmpstr (found, ==, root);

  /* A variable naming nothing falls through to the installed copy, then the source tree. */
  g_setenv ("CEPSTRA_DEMO_DIR", "/nonexistent/cepstra-demo", TRUE);
  g_autofree char *fallback = cep_dataset_find_demo_root ();
  g_autofree char *builtin = first_existing_builtin ();
  g_assert_cmpstr (fallback, ==, builtin);

  g_unsetenv ("CEPSTRA_DEMO_DIR");
  g_autofree char *unset = cep_dataset_find_demo_root ();
  g_assert_cmpstr (unset, ==, builtin);
  if (saved != NULL)
    g_setenv ("CEPSTRA_DEMO_DIR", saved, TRUE);
  data_test_remove_tree (root);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dataset/discovery-order", test_discovery_order);
  g_test_add_func ("/dataset/roles-by-prefix", test_roles_by_prefix);
  g_test_add_func ("/dataset/root-is-partition", test_root_is_partition);
  g_test_add_func ("/dataset/not-found", test_not_found);
  g_test_add_func ("/dataset/lazy-loading", test_lazy_loading);
  g_test_add_func ("/dataset/load-all", test_load_all);
  g_test_add_func ("/dataset/dimension-mismatch", test_dimension_mismatch);
  g_test_add_func ("/dataset/duplicate-across-partitions", test_duplicate_across_partitions);
  g_test_add_func ("/dataset/options-apply", test_options_apply);
  g_test_add_func ("/dataset/concurrent-load", test_concurrent_load);
  g_test_add_func ("/dataset/find-demo-root", test_find_demo_root);

  return g_test_run ();
}
