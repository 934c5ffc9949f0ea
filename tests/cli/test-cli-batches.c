/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `cepstra-cli batches`: what it dumps is exactly the partition's windows, labels and masks.
 */
#include "cep-cli.h"
#include "cep-cli-test-util.h"
#include "cep-npy.h"
#include "cep-partition.h"

#include <glib/gstdio.h>

#define CONTEXT 3
#define DIM 13

typedef struct
{
  char         *root;
  char         *partition_dir;
  CepPartition *partition;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CepLoadOptions options;

  fixture->root = g_dir_make_tmp ("cepstra-batches-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->partition_dir = g_build_filename (fixture->root, "train-clean-100", NULL);
  cep_cli_test_write_utterance (fixture->partition_dir, "0001-000001-000", 9, DIM, TRUE);
  cep_cli_test_write_utterance (fixture->partition_dir, "0001-000001-001", 2, DIM, TRUE);
  cep_cli_test_write_utterance (fixture->partition_dir, "0001-000001-002", 14, DIM, TRUE);
  cep_load_options_init (&options);
  options.context_max = CONTEXT;
  fixture->partition = cep_partition_load (fixture->partition_dir, &options, NULL, NULL, NULL,
                                           &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  cep_cli_test_remove_tree (fixture->root);
  g_clear_object (&fixture->partition);
  g_free (fixture->partition_dir);
  g_free (fixture->root);
}

static float *
read_floats (const char *path,
             gsize       expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepNpy) npy = cep_npy_open (path, &error);
  float *values;

  g_assert_no_error (error);
  g_assert_cmpuint (cep_npy_get_n_elements (npy), ==, expected);
  values = g_new (float, expected);
  g_assert_true (cep_npy_read_float32 (npy, values, &error));
  return values;
}

static gint64 *
read_int64 (const char *path,
            gsize       expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CepNpy) npy = cep_npy_open (path, &error);
  gint64 *values;

  g_assert_no_error (error);
  g_assert_cmpuint (cep_npy_get_n_elements (npy), ==, expected);
  values = g_new (gint64, expected);
  g_assert_true (cep_npy_read_int64 (npy, values, &error));
  return values;
}

static gboolean
band_covers (JsonArray *bands,
             guint      index)
{
  for (guint b = 0; b < json_array_get_length (bands); b++)
    {
      JsonArray *band = json_array_get_array_element (bands, b);
      guint start = (guint) json_array_get_int_element (band, 0);
      guint width = (guint) json_array_get_int_element (band, 1);

      if (index >= start && index < start + width)
        return TRUE;
    }
  return FALSE;
}

/* Every value is the partition's window value, or zero where the dumped masks say so. */
static void
assert_sample_matches (Fixture     *fixture,
                       const float *sample,
                       gsize        frame,
                       JsonObject  *masks)
{
  const float *window = cep_partition_get_window (fixture->partition, frame, CONTEXT);
  JsonArray *freq = masks ? json_object_get_array_member (masks, "freq") : NULL;
  JsonArray *time = masks ? json_object_get_array_member (masks, "time") : NULL;

  for (guint t = 0; t < 2 * CONTEXT + 1; t++)
    for (guint d = 0; d < DIM; d++)
      {
        gboolean masked = masks && (band_covers (freq, d) || band_covers (time, t));

        g_assert_cmpfloat (sample[t * DIM + d], ==, masked ? 0.0f : window[t * DIM + d]);
      }
}

static void
run_and_check (Fixture    *fixture,
               const char *out,
               guint       n_samples,
               gboolean    augment,
               const char *first_extra,
               ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(CepCliResult) result = NULL;
  g_autofree char *frames_path = g_strconcat (out, ".frames.npy", NULL);
  g_autofree char *labels_path = g_strconcat (out, ".labels.npy", NULL);
  g_autofree char *masks_path = g_strconcat (out, ".masks.json", NULL);
  g_autofree char *npy_path = g_strconcat (out, ".npy", NULL);
  g_autofree float *inputs = NULL;
  g_autofree gint64 *frames = NULL;
  g_autofree gint64 *labels = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *masks;
  const guint8 *truth = cep_partition_get_labels (fixture->partition);
  va_list ap;

  g_ptr_array_add (args, (gpointer) "batches");
  g_ptr_array_add (args, fixture->root);
  va_start (ap, first_extra);
  for (const char *arg = first_extra; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, npy_path);
  g_ptr_array_add (args, NULL);
  result = cep_cli_test_runv ((const char * const *) args->pdata);
  g_assert_cmpint (result->exit_code, ==, 0);

  inputs = read_floats (npy_path, (gsize) n_samples * (2 * CONTEXT + 1) * DIM);
  frames = read_int64 (frames_path, n_samples);
  labels = read_int64 (labels_path, n_samples);
  json_parser_load_from_file (parser, masks_path, &error);
  g_assert_no_error (error);
  masks = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (masks), ==, n_samples);
  for (guint i = 0; i < n_samples; i++)
    {
      g_assert_cmpint (labels[i], ==, truth[frames[i]]);
      assert_sample_matches (fixture, inputs + (gsize) i * (2 * CONTEXT + 1) * DIM,
                             (gsize) frames[i],
                             augment ? json_array_get_object_element (masks, i) : NULL);
    }
}

static void
test_in_order (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *out = g_build_filename (fixture->root, "ordered", NULL);
  g_autofree gint64 *frames = NULL;
  g_autofree char *frames_path = NULL;

  run_and_check (fixture, out, 16, FALSE, "--context", "3", "--batch", "8", "--dump", "2",
                 "--no-shuffle", NULL);
  frames_path = g_strconcat (out, ".frames.npy", NULL);
  frames = read_int64 (frames_path, 16);
  for (guint i = 0; i < 16; i++)
    g_assert_cmpint (frames[i], ==, i);
}

static void
test_shuffled_with_masks (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *out = g_build_filename (fixture->root, "masked", NULL);

  run_and_check (fixture, out, 25, TRUE, "--context", "3", "--batch", "10", "--dump", "5",
                 "--seed", "11", "--augment", "--freq-width-max", "5", "--time-width-max", "4",
                 "--time-width-min", "1", NULL);
}

static void
test_reproducible (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *a = g_build_filename (fixture->root, "a.npy", NULL);
  g_autofree char *b = g_build_filename (fixture->root, "b.npy", NULL);
  g_autofree char *bytes_a = NULL, *bytes_b = NULL;
  gsize length_a, length_b;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CepCliResult) result = cep_cli_test_run ("batches", fixture->root, "-k", "3",
                                                         "-b", "4", "-n", "3", "--seed", "99",
                                                         "--augment", i ? b : a, NULL);
      g_assert_cmpint (result->exit_code, ==, 0);
    }
  g_assert_true (g_file_get_contents (a, &bytes_a, &length_a, NULL));
  g_assert_true (g_file_get_contents (b, &bytes_b, &length_b, NULL));
  g_assert_cmpmem (bytes_a, length_a, bytes_b, length_b);
}

static void
test_negative_context (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *out = g_build_filename (fixture->root, "x.npy", NULL);
  g_autoptr(CepCliResult) result = cep_cli_test_run ("batches", fixture->root, "--context",
                                                     "-2", out, NULL);

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_USAGE);
}

static void
test_bad_mask_spec (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *out = g_build_filename (fixture->root, "x.npy", NULL);
  g_autoptr(CepCliResult) result = cep_cli_test_run ("batches", fixture->root, "--freq-width-min",
                                                     "6", "--freq-width-max", "2", out, NULL);

  g_assert_cmpint (result->exit_code, ==, CEP_CLI_EXIT_USAGE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/batches/in-order", Fixture, NULL, fixture_set_up, test_in_order,
              fixture_tear_down);
  g_test_add ("/cli/batches/shuffled-with-masks", Fixture, NULL, fixture_set_up,
              test_shuffled_with_masks, fixture_tear_down);
  g_test_add ("/cli/batches/reproducible", Fixture, NULL, fixture_set_up, test_reproducible,
              fixture_tear_down);
  g_test_add ("/cli/batches/negative-context", Fixture, NULL, fixture_set_up,
              test_negative_context, fixture_tear_down);
  g_test_add ("/cli/batches/bad-mask-spec", Fixture, NULL, fixture_set_up, test_bad_mask_spec,
              fixture_tear_down);
  return g_test_run ();
}
