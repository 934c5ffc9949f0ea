/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-chunked-eval.c: the chunk regime (what is known when a frame is classified) against
 * cases worked out by hand, and chunked evaluation against windows cut by hand and pushed
 * through cep_network_forward_eval(), and against cep_network_evaluate() when nothing is cut.
 */
#include <math.h>
#include <string.h>

#include "cep-chunked-eval.h"
#include "train-test-util.h"

#define N_CLASSES 40

typedef struct
{
  char          *root;
  CepPartition  *dev;
  CepExperiment *experiment;
  CepBackend    *backend;
  CepNetwork    *network;
} Fixture;

static void
train_a_little (CepNetwork *network)
{
  guint dim = cep_network_get_input_dim (network);

  for (guint step = 0; step < 5; step++)
    {
      g_autofree float *inputs = train_test_random_floats (step, 16 * dim, 2.0f);
      g_autofree gint32 *labels = train_test_random_labels (step, 16, TRAIN_TEST_TOY_CLASSES);
      g_autoptr (GError) error = NULL;
      cep_network_train_step (network, inputs, labels, 16, step, 0.05, NULL, &error);
      g_assert_no_error (error);
    }
}

/* The toy model with 2 past and 3 future frames, on a dev partition of 5 utterances. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *folder = NULL;
  CepLoadOptions options;

  fixture->root = train_test_make_dir ();
  train_test_write_toy_dataset (fixture->root, 1, 5, 1);
  folder = g_build_filename (fixture->root, "dev-clean", NULL);
  cep_load_options_init (&options);
  options.context_max = 3;
  fixture->dev = cep_partition_load (folder, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  fixture->experiment = train_test_toy_experiment (1);
  cep_model_spec_set_context_window (fixture->experiment->model, 2, 3);
  fixture->backend = cep_backend_new ("ref", NULL, &error);
  g_assert_no_error (error);
  fixture->network = cep_network_new (fixture->experiment->model, fixture->backend, 37,
                                      &error);
  g_assert_no_error (error);
  cep_network_init_parameters (fixture->network, 3);
  train_a_little (fixture->network);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->network, cep_network_free);
  g_clear_pointer (&fixture->backend, cep_backend_free);
  g_clear_pointer (&fixture->experiment, cep_experiment_free);
  g_clear_object (&fixture->dev);
  train_test_remove_tree (fixture->root);
  g_free (fixture->root);
}

static void
test_known_end (void)
{
  const CepChunkRegime chunks4 = { 4, 2 }, offline = { 0, 0 }, frame_by_frame = { 1, 0 };

  /* Chunks [0, 4), [4, 8), [8, 10) of a 10-frame utterance, 2 frames of look-ahead. */
  g_assert_cmpuint (cep_chunk_regime_known_end (&chunks4, 0, 10), ==, 6);
  g_assert_cmpuint (cep_chunk_regime_known_end (&chunks4, 3, 10), ==, 6);
  g_assert_cmpuint (cep_chunk_regime_known_end (&chunks4, 4, 10), ==, 10);
  g_assert_cmpuint (cep_chunk_regime_known_end (&chunks4, 9, 10), ==, 10);
  g_assert_cmpuint (cep_chunk_regime_known_end (&chunks4, 4, 20), ==, 10);
  g_assert_cmpuint (cep_chunk_regime_known_end (&offline, 3, 10), ==, 10);
  g_assert_cmpuint (cep_chunk_regime_known_end (&frame_by_frame, 3, 10), ==, 4);
}

static void
test_cut_window (void)
{
  const CepChunkRegime chunks4 = { 4, 1 };
  float window[7];

  /* Frame 2 with 3 past and 3 future frames holds frames -1 .. 5; frames 5.. are unknown. */
  for (guint w = 0; w < 7; w++)
    window[w] = 1.0f + w;
  cep_chunk_regime_cut_window (&chunks4, window, 3, 7, 1, 2, 100);
  for (guint w = 0; w < 7; w++)
    g_assert_cmpfloat (window[w], ==, w < 6 ? 1.0f + w : 0.0f);
}

/* Frame @source of an utterance of @length frames is known when frame @t is classified with
 * chunks of @chunk frames and @lookahead frames after each: said without the regime's code. */
static gboolean
known_by_hand (gssize source,
               gsize  t,
               gsize  length,
               guint  chunk,
               guint  lookahead)
{
  gsize chunk_index = t / chunk;
  gssize last_known = (gssize) ((chunk_index + 1) * chunk + lookahead) - 1;

  return source >= 0 && source < (gssize) length && source <= last_known;
}

/* Correct count and mean loss of windows cut by hand. */
static void
evaluate_by_hand (Fixture       *fixture,
                  guint          chunk,
                  guint          lookahead,
                  CepEvalResult *result)
{
  guint dim = TRAIN_TEST_TOY_DIM, frames = 6, width = frames * dim;
  gsize n = cep_partition_get_n_frames (fixture->dev);
  g_autofree float *inputs = g_new0 (float, n * width);
  g_autofree float *logits = g_new (float, n * N_CLASSES);
  const guint8 *labels = cep_partition_get_labels (fixture->dev);
  double smoothing = fixture->experiment->model->label_smoothing, loss = 0.0;
  g_autoptr (GError) error = NULL;

  for (guint u = 0; u < cep_partition_get_n_utterances (fixture->dev); u++)
    {
      gsize first = cep_partition_get_utterance_start (fixture->dev, u);
      gsize length = cep_partition_get_utterance_length (fixture->dev, u);

      for (gsize t = 0; t < length; t++)
        for (guint w = 0; w < frames; w++)
          {
            gssize source = (gssize) t - 2 + w;

            if (known_by_hand (source, t, length, chunk, lookahead))
              memcpy (inputs + (first + t) * width + w * dim,
                      cep_partition_get_frame (fixture->dev, first + source),
                      dim * sizeof (float));
          }
    }
  cep_network_forward_eval (fixture->network, inputs, (guint) n, logits, &error);
  g_assert_no_error (error);
  result->correct = 0;
  for (gsize i = 0; i < n; i++)
    {
      const float *row = logits + i * N_CLASSES;
      guint best = 0;
      double max, sum = 0.0, mean_log = 0.0, log_z;

      for (guint c = 1; c < N_CLASSES; c++)
        best = row[c] > row[best] ? c : best;
      max = row[best];
      for (guint c = 0; c < N_CLASSES; c++)
        sum += exp (row[c] - max);
      log_z = max + log (sum);
      for (guint c = 0; c < N_CLASSES; c++)
        mean_log += (row[c] - log_z) / N_CLASSES;
      loss += -(1 - smoothing) * (row[labels[i]] - log_z) - smoothing * mean_log;
      result->correct += best == labels[i];
    }
  result->frames = n;
  result->loss = loss / n;
}

static void
test_equals_hand_cut_windows (Fixture       *fixture,
                              gconstpointer  data)
{
  static const CepChunkRegime regimes[] = { { 1, 0 }, { 3, 1 }, { 4, 0 }, { 7, 2 } };
  CepEvalResult offline;
  g_autoptr (GError) error = NULL;

  g_assert_true (cep_network_evaluate (fixture->network, fixture->dev, NULL, &offline, &error));
  g_assert_no_error (error);
  for (guint r = 0; r < G_N_ELEMENTS (regimes); r++)
    {
      CepEvalResult chunked, expected;

      g_assert_true (cep_network_evaluate_chunked (fixture->network, fixture->dev, &regimes[r],
                                                   NULL, &chunked, &error));
      g_assert_no_error (error);
      evaluate_by_hand (fixture, regimes[r].chunk, regimes[r].lookahead, &expected);
      g_assert_cmpuint (chunked.frames, ==, expected.frames);
      g_assert_cmpuint (chunked.correct, ==, expected.correct);
      g_assert_cmpfloat_with_epsilon (chunked.loss, expected.loss, 1e-9);
      /* Every one of these regimes hides part of some window. */
      g_assert_cmpfloat (fabs (chunked.loss - offline.loss), >, 1e-6);
    }
}

/* Chunks as long as any utterance with the model's 3 future frames of look-ahead, or the
 * whole utterance, cut nothing: cep_network_evaluate()'s result. */
static void
test_uncut_equals_evaluate (Fixture       *fixture,
                            gconstpointer  data)
{
  static const CepChunkRegime regimes[] = { { 0, 0 }, { 100000, 3 } };
  CepEvalResult offline;
  g_autoptr (GError) error = NULL;

  g_assert_true (cep_network_evaluate (fixture->network, fixture->dev, NULL, &offline, &error));
  for (guint r = 0; r < G_N_ELEMENTS (regimes); r++)
    {
      CepEvalResult chunked;

      g_assert_true (cep_network_evaluate_chunked (fixture->network, fixture->dev, &regimes[r],
                                                   NULL, &chunked, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (chunked.frames, ==, offline.frames);
      g_assert_cmpuint (chunked.correct, ==, offline.correct);
      g_assert_cmpfloat_with_epsilon (chunked.loss, offline.loss, 1e-5);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chunk-regime/known-end", test_known_end);
  g_test_add_func ("/chunk-regime/cut-window", test_cut_window);
  g_test_add ("/chunked-eval/equals-hand-cut-windows", Fixture, NULL, fixture_set_up,
              test_equals_hand_cut_windows, fixture_tear_down);
  g_test_add ("/chunked-eval/uncut-equals-evaluate", Fixture, NULL, fixture_set_up,
              test_uncut_equals_evaluate, fixture_tear_down);
  return g_test_run ();
}
