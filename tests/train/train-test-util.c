/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * train-test-util.c: shared helpers of the core/train tests.
 */
#include "train-test-util.h"

#include <gio/gio.h>
#include <math.h>

#include "cep-npy.h"

const char *const *
train_test_backends (void)
{
  static GPtrArray *usable;

  if (usable != NULL)
    return (const char *const *) usable->pdata;
  usable = g_ptr_array_new ();
  for (const char *const *name = cep_backend_list_available (); *name != NULL; name++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CepBackend) backend = cep_backend_new (*name, NULL, &error);
      if (backend != NULL)
        g_ptr_array_add (usable, (gpointer) *name);
      else
        g_test_message ("backend %s left out: %s", *name, error->message);
    }
  g_ptr_array_add (usable, NULL);
  return (const char *const *) usable->pdata;
}

char *
train_test_make_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("cep-train-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_recursive (GFile *file)
{
  g_autoptr (GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)))
    {
      g_autoptr (GFile) child = g_file_get_child (file, g_file_info_get_name (info));
      remove_recursive (child);
      g_object_unref (info);
    }
  g_file_delete (file, NULL, NULL);
}

void
train_test_remove_tree (const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  remove_recursive (file);
}

float *
train_test_random_floats (guint32 seed,
                          gsize   n,
                          float   scale)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  float *values = g_new (float, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    values[i] = (float) g_rand_double_range (rand, -scale, scale);
  return values;
}

gint32 *
train_test_random_labels (guint32 seed,
                          gsize   n,
                          guint   n_classes)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  gint32 *labels = g_new (gint32, MAX (n, 1));

  for (gsize i = 0; i < n; i++)
    labels[i] = g_rand_int_range (rand, 0, (gint32) n_classes);
  return labels;
}

/* Toy dataset */

static const char *const toy_symbols[TRAIN_TEST_TOY_CLASSES] = { "[SIL]", "AA", "AE", "AH" };

static void
write_toy_utterance (const char *partition_dir,
                     guint       index,
                     GRand      *rand,
                     gboolean    labelled)
{
  g_autofree char *name = g_strdup_printf ("utt-%03u.npy", index);
  g_autofree char *mfcc = g_build_filename (partition_dir, "mfcc", name, NULL);
  g_autofree char *transcript = g_build_filename (partition_dir, "transcript", name, NULL);
  gsize n_frames = (gsize) g_rand_int_range (rand, 40, 80);
  g_autofree float *features = g_new (float, n_frames * TRAIN_TEST_TOY_DIM);
  g_autofree const char **symbols = g_new (const char *, n_frames + 2);
  gsize shape[2] = { n_frames, TRAIN_TEST_TOY_DIM };
  g_autoptr (GError) error = NULL;
  guint label = 0;

  symbols[0] = "[SOS]";
  symbols[n_frames + 1] = "[EOS]";
  for (gsize t = 0; t < n_frames; t++)
    {
      if (t % 5 == 0)
        label = (guint) g_rand_int_range (rand, 0, TRAIN_TEST_TOY_CLASSES);
      symbols[t + 1] = toy_symbols[label];
      for (guint d = 0; d < TRAIN_TEST_TOY_DIM; d++)
        features[t * TRAIN_TEST_TOY_DIM + d] =
          (d == label ? 2.0f : 0.0f) + (float) g_rand_double_range (rand, -0.6, 0.6);
    }
  cep_npy_write_float32 (mfcc, features, 2, shape, &error);
  g_assert_no_error (error);
  if (labelled)
    cep_npy_write_strings (transcript, symbols, n_frames + 2, &error);
  g_assert_no_error (error);
}

static void
write_toy_partition (const char *root,
                     const char *name,
                     guint       n_utterances,
                     guint32     seed,
                     gboolean    labelled)
{
  g_autofree char *dir = g_build_filename (root, name, NULL);
  g_autofree char *mfcc = g_build_filename (dir, "mfcc", NULL);
  g_autofree char *transcript = g_build_filename (dir, "transcript", NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);

  g_assert_cmpint (g_mkdir_with_parents (mfcc, 0755), ==, 0);
  if (labelled)
    g_assert_cmpint (g_mkdir_with_parents (transcript, 0755), ==, 0);
  for (guint i = 0; i < n_utterances; i++)
    write_toy_utterance (dir, i, rand, labelled);
}

void
train_test_write_toy_dataset (const char *root,
                              guint       n_train,
                              guint       n_dev,
                              guint       n_test)
{
  write_toy_partition (root, "train-clean-100", n_train, 11, TRUE);
  write_toy_partition (root, "dev-clean", n_dev, 22, TRUE);
  if (n_test > 0)
    write_toy_partition (root, "test-clean", n_test, 33, FALSE);
}

CepExperiment *
train_test_toy_experiment (guint epochs)
{
  CepExperiment *experiment = cep_experiment_new ();
  CepModelSpec *spec = cep_model_spec_new (2, TRAIN_TEST_TOY_DIM, 40);

  cep_model_spec_set_name (spec, "toy");
  cep_model_spec_add (spec, cep_block_linear (16));
  cep_model_spec_add (spec, cep_block_batch_norm ());
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_RELU));
  cep_model_spec_add (spec, cep_block_dropout (0.1));
  spec->label_smoothing = 0.1;
  cep_experiment_set_model (experiment, spec);
  g_free (experiment->name);
  experiment->name = g_strdup ("toy");
  experiment->train.epochs = epochs;
  experiment->train.batch_size = 64;
  experiment->train.optimizer.lr = 0.01;
  g_free (experiment->train.backend);
  experiment->train.backend = g_strdup ("ref");
  experiment->train.threads = 1;
  experiment->seed = 7;
  return experiment;
}

/* Checks */

void
train_test_assert_close (const char  *what,
                         const float *got,
                         const float *want,
                         gsize        n,
                         double       rtol,
                         double       atol)
{
  gsize worst = 0;
  double worst_excess = -INFINITY;

  for (gsize i = 0; i < n; i++)
    {
      double limit = atol + rtol * fabs ((double) want[i]);
      double excess = fabs ((double) got[i] - (double) want[i]) - limit;
      if (isnan (got[i]) != isnan (want[i]))
        excess = INFINITY;
      if (excess > worst_excess)
        worst_excess = excess, worst = i;
    }
  if (n > 0 && worst_excess > 0.0)
    {
      g_test_message ("%s[%" G_GSIZE_FORMAT "]: got %.9g, want %.9g (rtol %g, atol %g)", what,
                      worst, got[worst], want[worst], rtol, atol);
      g_test_fail ();
    }
}

GBytes *
train_test_read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

float *
train_test_download (CepBuffer *buffer,
                     gsize      offset,
                     gsize      n_words)
{
  float *data = g_new (float, MAX (n_words, 1));

  cep_buffer_download (buffer, offset, data, n_words);
  return data;
}

float *
train_test_get_tensor (CepNetwork *network,
                       const char *name,
                       gsize      *n_words)
{
  CepBuffer *buffer;
  gsize offset, n;

  if (!cep_network_lookup_tensor (network, name, &buffer, &offset, &n))
    g_error ("the network has no tensor %s", name);
  if (n_words != NULL)
    *n_words = n;
  return train_test_download (buffer, offset, n);
}
