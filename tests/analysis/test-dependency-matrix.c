/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-dependency-matrix.c: the dependency matrix on real networks with random weights: the
 * exact band of a correct context-K MLP, a leaky extraction caught, the fast path equal to the
 * full recomputation bit for bit, the gradient mode against finite differences, the refusal
 * of a non-deterministic model, and bad requests.
 */
#include "cep-dependency-matrix.h"
#include "comma-locale.h"
#include "cep-model-presets.h"
#include "cep-npy.h"
#include "cep-rng.h"
#include "cep-context-window.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define DIM      5
#define CLASSES  7

typedef struct
{
  CepBackend *backend;
  CepNetwork *network;
  float      *frames;
  gsize       n_frames;
} Fixture;

/* Linear 24 → BatchNorm → GELU → Dropout → Linear 16 → Tanh → head: every block kind, with
 * non-trivial running statistics so evaluation mode is what is tested. */
static CepModelSpec *
small_spec (guint k)
{
  CepModelSpec *spec = cep_model_spec_new (k, DIM, CLASSES);

  cep_model_spec_add (spec, cep_block_linear (24));
  cep_model_spec_add (spec, cep_block_batch_norm ());
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_GELU));
  cep_model_spec_add (spec, cep_block_dropout (0.3));
  cep_model_spec_add (spec, cep_block_linear (16));
  cep_model_spec_add (spec, cep_block_activation (CEP_ACTIVATION_TANH));
  return spec;
}

static float *
random_frames (guint64 seed,
               gsize   n_frames,
               guint   dim)
{
  float *frames = g_new (float, n_frames * dim);
  CepRng rng;

  cep_rng_init (&rng, seed, 200, 0, 0);
  for (gsize i = 0; i < n_frames * dim; i++)
    frames[i] = 2.0f * cep_rng_uniform (&rng) - 1.0f;
  return frames;
}

/* A few training steps so BatchNorm's running statistics are not the initial 0 and 1. */
static void
train_a_little (CepNetwork *network,
                guint       k)
{
  guint input_dim = cep_network_get_input_dim (network);
  g_autofree float *inputs = random_frames (7, 32 * input_dim / DIM + 1, DIM);
  gint32 labels[32];
  CepStepStats stats;

  for (guint i = 0; i < 32; i++)
    labels[i] = (gint32) (i % CLASSES);
  for (guint step = 0; step < 3; step++)
    g_assert_true (cep_network_train_step (network, inputs, labels, 32, step, 1e-2f, &stats,
                                           NULL));
}

static void
fixture_init_spec (Fixture            *fixture,
                   const char         *backend,
                   const CepModelSpec *spec,
                   gsize               n_frames)
{
  g_autoptr(GError) error = NULL;
  guint k = spec->context;

  fixture->backend = cep_backend_new (backend, NULL, &error);
  g_assert_no_error (error);
  fixture->network = cep_network_new (spec, fixture->backend, 64, &error);
  g_assert_no_error (error);
  cep_network_init_parameters (fixture->network, 42);
  train_a_little (fixture->network, k);
  fixture->n_frames = n_frames;
  fixture->frames = random_frames (1, n_frames, DIM);
}

static void
fixture_init (Fixture    *fixture,
              const char *backend,
              guint       k,
              gsize       n_frames)
{
  g_autoptr(CepModelSpec) spec = small_spec (k);

  fixture_init_spec (fixture, backend, spec, n_frames);
}

static void
fixture_clear (Fixture *fixture)
{
  cep_network_free (fixture->network);
  cep_backend_free (fixture->backend);
  g_free (fixture->frames);
}

static CepDependencyMatrix *
analyse (Fixture                    *fixture,
         const CepDependencyOptions *options)
{
  g_autoptr(GError) error = NULL;
  CepDependencyMatrix *matrix;

  matrix = cep_dependency_matrix_compute (fixture->network, fixture->frames, fixture->n_frames,
                                          DIM, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (matrix);
  return matrix;
}

/* Every cell equals "input frame - output frame is in [low, high]". */
static void
assert_band (const CepDependencyMatrix *matrix,
             int                        low,
             int                        high)
{
  for (guint i = 0; i < matrix->n_inputs; i++)
    for (guint j = 0; j < matrix->n_outputs; j++)
      {
        int delta = (int) cep_dependency_matrix_get_input_frame (matrix, i)
                    - (int) cep_dependency_matrix_get_output_frame (matrix, j);
        gboolean expected = delta >= low && delta <= high;

        if (cep_dependency_matrix_depends (matrix, i, j) != expected)
          g_error ("input %u output %u: expected %d", i, j, expected);
      }
}

/* The leaky extraction: the window of frame t is shifted three frames into the future, so it
 * reads frames up to t + K + 3. */
static const float *
leaky_window (const float *padded,
              guint        pad,
              guint        dim,
              gsize        t,
              guint        k,
              gpointer     user_data)
{
  return cep_context_window_start (padded, pad, dim, t, k) + 3 * dim;
}

/* A window of 4 past and 1 future frames skews the band: output j depends on inputs
 * j − 4 .. j + 1 and nothing else, which the symmetric band of either side does not match. */
static void
test_asymmetric_window (void)
{
  g_autoptr(CepModelSpec) spec = small_spec (4);
  Fixture fixture;
  CepDependencyOptions options;

  cep_model_spec_set_context_window (spec, 4, 1);
  fixture_init_spec (&fixture, "ref", spec, 24);
  cep_dependency_options_init (&options);
  {
    g_autoptr(CepDependencyMatrix) matrix = analyse (&fixture, &options);

    g_assert_cmpuint (matrix->context_past, ==, 4);
    g_assert_cmpuint (matrix->context_future, ==, 1);
    assert_band (matrix, -4, 1);
    g_assert_true (cep_dependency_matrix_matches_window (matrix, 4, 1, NULL, NULL));
    g_assert_false (cep_dependency_matrix_matches_band (matrix, 4, NULL, NULL));
    g_assert_false (cep_dependency_matrix_matches_band (matrix, 1, NULL, NULL));
  }
  fixture_clear (&fixture);
}

/* Streamed in chunks of 4 frames with 1 frame of look-ahead, a model of 3 past and 2 future
 * frames shows the block staircase: output j sees inputs j − 3 .. j + 2 that its chunk's end
 * plus one frame has reached. Every mode agrees, the fast path equals the naive one, and the
 * offline band no longer matches. */
static void
test_chunk_staircase (void)
{
  static const CepChunkRegime regime = { 4, 1 };
  g_autoptr(CepModelSpec) spec = small_spec (3);
  Fixture fixture;
  CepDependencyOptions options;

  cep_model_spec_set_context_window (spec, 3, 2);
  fixture_init_spec (&fixture, "ref", spec, 24);
  cep_dependency_options_init (&options);
  options.chunk = regime;
  for (int mode = CEP_DEPENDENCY_MODE_BOOL; mode <= CEP_DEPENDENCY_MODE_GRADIENT; mode++)
    {
      g_autoptr(CepDependencyMatrix) matrix = NULL;
      g_autoptr(CepDependencyMatrix) naive = NULL;
      guint past, future;

      options.mode = mode;
      options.naive = FALSE;
      matrix = analyse (&fixture, &options);
      g_assert_true (cep_dependency_matrix_matches_regime (matrix, 3, 2, &regime, NULL, NULL));
      g_assert_false (cep_dependency_matrix_matches_window (matrix, 3, 2, NULL, NULL));
      /* Frame 3 ends chunk 0: frame 4 (look-ahead) is known, frame 5 is not. */
      g_assert_true (cep_dependency_matrix_depends (matrix, 4, 3));
      g_assert_false (cep_dependency_matrix_depends (matrix, 5, 3));
      /* Frame 0 starts it: frames 1 and 2 of its window are known. */
      g_assert_true (cep_dependency_matrix_depends (matrix, 2, 0));
      cep_dependency_matrix_get_reach (matrix, &past, &future);
      g_assert_cmpuint (past, ==, 3);
      g_assert_cmpuint (future, ==, 2);
      if (mode == CEP_DEPENDENCY_MODE_GRADIENT)
        continue;
      options.naive = TRUE;
      naive = analyse (&fixture, &options);
      g_assert_cmpmem (matrix->depends, (gsize) matrix->n_inputs * matrix->n_outputs,
                       naive->depends, (gsize) naive->n_inputs * naive->n_outputs);
    }
  {
    CepChunkRegime frame_by_frame = { 1, 0 };
    g_autoptr(CepDependencyMatrix) matrix = NULL;
    guint past, future;

    options.mode = CEP_DEPENDENCY_MODE_BOOL;
    options.naive = FALSE;
    options.chunk = frame_by_frame;
    matrix = analyse (&fixture, &options);
    cep_dependency_matrix_get_reach (matrix, &past, &future);
    g_assert_cmpuint (future, ==, 0);
    g_assert_true (cep_dependency_matrix_matches_regime (matrix, 3, 2, &frame_by_frame, NULL,
                                                         NULL));
  }
  fixture_clear (&fixture);
}

static void
test_band_of_correct_model (void)
{
  const guint k = 3;
  Fixture fixture;
  CepDependencyOptions options;
  guint64 leaks, missing;

  fixture_init (&fixture, "ref", k, 30);
  cep_dependency_options_init (&options);
  {
    g_autoptr(CepDependencyMatrix) matrix = analyse (&fixture, &options);

    g_assert_cmpuint (matrix->n_inputs, ==, 30);
    g_assert_cmpuint (matrix->n_outputs, ==, 30);
    g_assert_cmpuint (matrix->context, ==, k);
    g_assert_null (matrix->values);
    assert_band (matrix, -(int) k, (int) k);
    g_assert_true (cep_dependency_matrix_matches_band (matrix, k, &leaks, &missing));
    g_assert_cmpuint (leaks, ==, 0);
    g_assert_cmpuint (missing, ==, 0);
    /* Clipped at the edges: frame 0's output sees frames 0..K only. */
    g_assert_true (cep_dependency_matrix_depends (matrix, k, 0));
    g_assert_false (cep_dependency_matrix_depends (matrix, k + 1, 0));
    g_assert_false (cep_dependency_matrix_matches_band (matrix, k - 1, NULL, NULL));
  }
  /* A sub-range with a stride: rows are frames 6, 8, ..., columns 6 .. 18. */
  options.start = 6;
  options.n_frames = 13;
  options.stride = 2;
  {
    g_autoptr(CepDependencyMatrix) matrix = analyse (&fixture, &options);

    g_assert_cmpuint (matrix->n_inputs, ==, 7);
    g_assert_cmpuint (matrix->n_outputs, ==, 13);
    g_assert_cmpuint (cep_dependency_matrix_get_input_frame (matrix, 6), ==, 18);
    assert_band (matrix, -(int) k, (int) k);
  }
  fixture_clear (&fixture);
}

static void
test_leaky_extraction_caught (void)
{
  const guint k = 3;
  Fixture fixture;
  CepDependencyOptions options;
  guint64 leaks, missing;

  fixture_init (&fixture, "ref", k, 30);
  cep_dependency_options_init (&options);
  options.window = leaky_window;
  for (guint naive = 0; naive < 2; naive++)
    {
      g_autoptr(CepDependencyMatrix) matrix = NULL;
      guint past, future;

      options.naive = naive;
      matrix = analyse (&fixture, &options);
      /* Output j now depends on frames j - K + 3 .. j + K + 3. */
      assert_band (matrix, 3 - (int) k, (int) k + 3);
      /* The measured receptive field reaches 3 frames past the declared look-ahead. */
      cep_dependency_matrix_get_reach (matrix, &past, &future);
      g_assert_cmpuint (future, ==, k + 3);
      g_assert_cmpuint (past, ==, 0);
      g_assert_false (cep_dependency_matrix_matches_band (matrix, k, &leaks, &missing));
      /* Three diagonals outside the band, clipped at the last frames. */
      g_assert_cmpuint (leaks, ==, 3 * 30 - (k + 1 + k + 2 + k + 3));
      g_assert_cmpuint (missing, >, 0);
    }
  fixture_clear (&fixture);
}

static void
assert_same_matrix (const CepDependencyMatrix *a,
                    const CepDependencyMatrix *b)
{
  gsize n = (gsize) a->n_inputs * a->n_outputs;

  g_assert_cmpuint (a->n_inputs, ==, b->n_inputs);
  g_assert_cmpuint (a->n_outputs, ==, b->n_outputs);
  g_assert_cmpmem (a->depends, n, b->depends, n);
  g_assert_true ((a->values == NULL) == (b->values == NULL));
  if (a->values != NULL)
    g_assert_cmpmem (a->values, n * sizeof (float), b->values, n * sizeof (float));
}

/* The fast path against the full recomputation on T = 40 frames of a longer utterance, for
 * both modes that perturb, a correct and a leaky extraction, and both CPU backends. */
static void
test_fast_equals_naive (gconstpointer data)
{
  const char *backend = data;
  const guint k = 4;
  Fixture fixture;
  CepDependencyOptions options;

  fixture_init (&fixture, backend, k, 60);
  cep_dependency_options_init (&options);
  options.start = 10;
  options.n_frames = 40;
  for (guint variant = 0; variant < 4; variant++)
    {
      g_autoptr(CepDependencyMatrix) fast = NULL;
      g_autoptr(CepDependencyMatrix) naive = NULL;

      options.mode = variant % 2 ? CEP_DEPENDENCY_MODE_SENSITIVITY : CEP_DEPENDENCY_MODE_BOOL;
      options.window = variant / 2 ? leaky_window : cep_dependency_dataset_window;
      options.naive = FALSE;
      fast = analyse (&fixture, &options);
      options.naive = TRUE;
      naive = analyse (&fixture, &options);
      assert_same_matrix (fast, naive);
      /* The fast path skips most of the 40 × 40 outputs; the naive one runs them all. */
      g_assert_cmpuint (naive->rows_evaluated, ==, 4 * 40 + 40 * 40);
      g_assert_cmpuint (fast->rows_evaluated, ==, 2 * 40 + (2 * k + 1) * 40);
    }
  fixture_clear (&fixture);
}

static void
test_sensitivity_values (void)
{
  const guint k = 3;
  Fixture fixture;
  CepDependencyOptions options;
  g_autoptr(CepDependencyMatrix) matrix = NULL;

  fixture_init (&fixture, "ref", k, 20);
  cep_dependency_options_init (&options);
  options.mode = CEP_DEPENDENCY_MODE_SENSITIVITY;
  matrix = analyse (&fixture, &options);
  assert_band (matrix, -(int) k, (int) k);
  for (gsize cell = 0; cell < (gsize) matrix->n_inputs * matrix->n_outputs; cell++)
    {
      g_assert_true (isfinite (matrix->values[cell]));
      g_assert_true ((matrix->values[cell] > 0) == (matrix->depends[cell] != 0));
    }
  fixture_clear (&fixture);
}

/* ‖∂logits_j/∂frame_i‖ by central differences of the evaluation-mode forward. */
static double
numeric_jacobian_norm (Fixture *fixture,
                       guint    k,
                       gsize    input,
                       gsize    output)
{
  guint pad = k;
  guint input_dim = cep_network_get_input_dim (fixture->network);
  g_autofree float *padded = g_new0 (float, (fixture->n_frames + 2 * pad) * DIM);
  g_autofree float *window = g_new (float, input_dim);
  float plus[CLASSES], minus[CLASSES];
  const float h = 1e-2f;
  double sum = 0;

  memcpy (padded + pad * DIM, fixture->frames, fixture->n_frames * DIM * sizeof (float));
  for (guint d = 0; d < DIM; d++)
    {
      float *value = padded + (pad + input) * DIM + d;
      float saved = *value;

      *value = saved + h;
      memcpy (window, cep_context_window_start (padded, pad, DIM, output, k), input_dim * sizeof (float));
      g_assert_true (cep_network_forward_eval (fixture->network, window, 1, plus, NULL));
      *value = saved - h;
      memcpy (window, cep_context_window_start (padded, pad, DIM, output, k), input_dim * sizeof (float));
      g_assert_true (cep_network_forward_eval (fixture->network, window, 1, minus, NULL));
      *value = saved;
      for (guint c = 0; c < CLASSES; c++)
        sum += pow ((plus[c] - minus[c]) / (2.0 * h), 2);
    }
  return sqrt (sum);
}

static void
test_gradient_mode (void)
{
  const guint k = 3;
  Fixture fixture;
  CepDependencyOptions options;
  g_autoptr(CepDependencyMatrix) matrix = NULL;
  g_autoptr(CepDependencyMatrix) leaky = NULL;

  fixture_init (&fixture, "ref", k, 16);
  cep_dependency_options_init (&options);
  options.mode = CEP_DEPENDENCY_MODE_GRADIENT;
  matrix = analyse (&fixture, &options);
  assert_band (matrix, -(int) k, (int) k);
  for (gsize out = 0; out < 16; out += 5)
    for (gsize in = out > k ? out - k : 0; in <= out + k && in < 16; in++)
      {
        double expected = numeric_jacobian_norm (&fixture, k, in, out);
        double got = matrix->values[in * 16 + out];

        g_assert_cmpfloat_with_epsilon (got, expected, 2e-2 * expected + 1e-4);
      }
  options.window = leaky_window;
  leaky = analyse (&fixture, &options);
  assert_band (leaky, 3 - (int) k, (int) k + 3);
  fixture_clear (&fixture);
}

/* A forward that drifts by one ulp from its second call on: a non-deterministic model. */
static gboolean
drifting_forward (CepNetwork   *network,
                  const float  *inputs,
                  guint         n,
                  float        *logits,
                  gpointer      user_data,
                  GError      **error)
{
  guint *calls = user_data;

  if (!cep_network_forward_eval (network, inputs, n, logits, error))
    return FALSE;
  if ((*calls)++ > 0)
    logits[n / 2] = nextafterf (logits[n / 2], INFINITY);
  return TRUE;
}

/* A forward whose first row's result depends on what the second row holds. */
static gboolean
neighbour_dependent_forward (CepNetwork   *network,
                             const float  *inputs,
                             guint         n,
                             float        *logits,
                             gpointer      user_data,
                             GError      **error)
{
  guint input_dim = cep_network_get_input_dim (network);
  double sum = 0;

  if (!cep_network_forward_eval (network, inputs, n, logits, error))
    return FALSE;
  for (guint q = 0; n >= 2 && q < input_dim; q++)
    sum += inputs[input_dim + q];
  logits[0] += (float) (1e-3 * sum);
  return TRUE;
}

/* A forward that rounds row 0 of every call differently: allowed, as a window keeps its row. */
static gboolean
place_dependent_forward (CepNetwork   *network,
                         const float  *inputs,
                         guint         n,
                         float        *logits,
                         gpointer      user_data,
                         GError      **error)
{
  if (!cep_network_forward_eval (network, inputs, n, logits, error))
    return FALSE;
  logits[0] = nextafterf (logits[0], INFINITY);
  return TRUE;
}

static void
test_refuses_non_deterministic (void)
{
  Fixture fixture;
  CepDependencyOptions options;
  g_autoptr(GError) error = NULL;
  CepDependencyMatrix *matrix;
  guint calls = 0;

  fixture_init (&fixture, "ref", 2, 12);
  cep_dependency_options_init (&options);
  options.forward = drifting_forward;
  options.forward_data = &calls;
  matrix = cep_dependency_matrix_compute (fixture.network, fixture.frames, 12, DIM, &options,
                                          NULL, &error);
  g_assert_null (matrix);
  g_assert_error (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_NOT_DETERMINISTIC);
  g_assert_nonnull (strstr (error->message, "not deterministic"));
  g_assert_nonnull (strstr (error->message, "evaluated again"));
  g_clear_error (&error);

  /* Caught while the fast path runs, and up front by the naive one. */
  options.forward = neighbour_dependent_forward;
  for (guint naive = 0; naive < 2; naive++)
    {
      options.naive = naive;
      matrix = cep_dependency_matrix_compute (fixture.network, fixture.frames, 12, DIM,
                                              &options, NULL, &error);
      g_assert_null (matrix);
      g_assert_error (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_NOT_DETERMINISTIC);
      g_assert_nonnull (strstr (error->message, "other rows of its batch"));
      g_clear_error (&error);
    }
  options.naive = FALSE;
  /* Rounding by place in the batch is accepted, and the band still comes out. */
  options.forward = place_dependent_forward;
  matrix = cep_dependency_matrix_compute (fixture.network, fixture.frames, 12, DIM, &options,
                                          NULL, &error);
  g_assert_no_error (error);
  assert_band (matrix, -2, 2);
  cep_dependency_matrix_free (matrix);
  fixture_clear (&fixture);
}

static const float *
wild_window (const float *padded,
             guint        pad,
             guint        dim,
             gsize        t,
             guint        k,
             gpointer     user_data)
{
  return cep_context_window_start (padded, pad, dim, t, k) + (gsize) (pad + 2) * dim;
}

static void
expect_invalid (Fixture                    *fixture,
                const CepDependencyOptions *options,
                guint                       dim,
                int                         code)
{
  g_autoptr(GError) error = NULL;
  CepDependencyMatrix *matrix;

  matrix = cep_dependency_matrix_compute (fixture->network, fixture->frames, fixture->n_frames,
                                          dim, options, NULL, &error);
  g_assert_null (matrix);
  g_assert_error (error, CEP_DEPENDENCY_ERROR, code);
}

static void
test_bad_requests (void)
{
  Fixture fixture;
  CepDependencyOptions options;

  fixture_init (&fixture, "ref", 2, 12);
  cep_dependency_options_init (&options);
  expect_invalid (&fixture, &options, DIM + 1, CEP_DEPENDENCY_ERROR_INVALID);
  options.start = 12;
  expect_invalid (&fixture, &options, DIM, CEP_DEPENDENCY_ERROR_INVALID);
  options.start = 4;
  options.n_frames = 9;
  expect_invalid (&fixture, &options, DIM, CEP_DEPENDENCY_ERROR_INVALID);
  options.n_frames = 8;
  options.stride = 0;
  expect_invalid (&fixture, &options, DIM, CEP_DEPENDENCY_ERROR_INVALID);
  options.stride = 1;
  options.rtol = NAN;
  expect_invalid (&fixture, &options, DIM, CEP_DEPENDENCY_ERROR_INVALID);
  options.rtol = 1e-5;
  options.window = wild_window;
  expect_invalid (&fixture, &options, DIM, CEP_DEPENDENCY_ERROR_WINDOW);
  fixture_clear (&fixture);
}

static void
cancel_on_progress (gsize    done,
                    gsize    total,
                    gpointer user_data)
{
  if (done == 2)
    g_cancellable_cancel (user_data);
}

static void
test_cancel (void)
{
  Fixture fixture;
  CepDependencyOptions options;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CepDependencyMatrix *matrix;

  fixture_init (&fixture, "ref", 2, 12);
  cep_dependency_options_init (&options);
  options.progress = cancel_on_progress;
  options.progress_data = cancellable;
  matrix = cep_dependency_matrix_compute (fixture.network, fixture.frames, 12, DIM, &options,
                                          cancellable, &error);
  g_assert_null (matrix);
  g_assert_error (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_CANCELLED);
  fixture_clear (&fixture);
}

static char *
read_text (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* Sensitivities of outputs 2, 5 over 6 input frames: a 6 x 2 matrix with values. */
static CepDependencyMatrix *
sensitivity_matrix (Fixture *fixture)
{
  CepDependencyOptions options;

  cep_dependency_options_init (&options);
  options.mode = CEP_DEPENDENCY_MODE_SENSITIVITY;
  options.start = 2;
  options.n_frames = 6;
  options.stride = 3;
  return analyse (fixture, &options);
}

/* MATRIX as cep_dependency_matrix_write_csv() writes it, under a decimal-comma LC_NUMERIC
 * if COMMA_LOCALE. */
static char *
csv_of (const CepDependencyMatrix *matrix,
        gboolean                   comma_locale)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cep-depmatrix-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "deps.csv", NULL);
  char *locale_dir = comma_locale ? comma_locale_enter () : NULL;
  char *text = NULL;

  g_assert_true (cep_dependency_matrix_write_csv (matrix, path, &error));
  if (locale_dir != NULL)
    comma_locale_leave (locale_dir);
  g_assert_no_error (error);
  text = read_text (path);
  g_unlink (path);
  g_rmdir (dir);
  return text;
}

static void
test_csv_and_floats (void)
{
  Fixture fixture;
  g_autoptr(CepDependencyMatrix) matrix = NULL;
  g_autofree char *text = NULL;
  g_autofree float *floats = NULL;
  g_auto(GStrv) lines = NULL;

  fixture_init (&fixture, "ref", 2, 12);
  matrix = sensitivity_matrix (&fixture);
  text = csv_of (matrix, FALSE);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "input_frame,output_frame,depends,sensitivity");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 2 * 6 + 1);   /* a final empty piece */
  g_assert_true (g_str_has_prefix (lines[1], "2,2,1,"));
  g_assert_true (g_str_has_prefix (lines[12], "5,7,1,"));
  floats = cep_dependency_matrix_to_floats (matrix);
  g_assert_cmpfloat (floats[11], ==, matrix->values[11]);
  fixture_clear (&fixture);
}

/* Under a German LC_NUMERIC every row still has four fields and its value a decimal point. */
static void
test_csv_in_a_comma_locale (void)
{
  Fixture fixture;
  g_autoptr(CepDependencyMatrix) matrix = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint with_point = 0;

  fixture_init (&fixture, "ref", 2, 12);
  matrix = sensitivity_matrix (&fixture);
  text = csv_of (matrix, TRUE);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 2 * 6 + 1);
  for (guint i = 1; *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ",", -1);

      g_assert_cmpuint (g_strv_length (fields), ==, 4);
      with_point += strchr (fields[3], '.') != NULL;
    }
  g_assert_cmpuint (with_point, >, 0);
  fixture_clear (&fixture);
}

/* Through a partition's frame store: the stored (normalized) utterance gives the band, and
 * the same matrix as handing its frames over directly. */
static void
test_partition_utterance (void)
{
  const guint k = 2;
  Fixture fixture;
  CepDependencyOptions options;
  CepLoadOptions load;
  g_autofree char *root = g_dir_make_tmp ("cep-depmatrix-XXXXXX", NULL);
  g_autofree char *mfcc = g_build_filename (root, "mfcc", NULL);
  g_autoptr(CepPartition) partition = NULL;
  g_autoptr(CepDependencyMatrix) stored = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { "a", "b" };

  fixture_init (&fixture, "ref", k, 15);
  g_assert_cmpint (g_mkdir (mfcc, 0755), ==, 0);
  for (guint u = 0; u < 2; u++)
    {
      g_autofree char *file = g_strdup_printf ("%s/%s.npy", mfcc, names[u]);
      g_autofree float *values = random_frames (10 + u, 9 + 6 * u, DIM);
      gsize shape[2] = { 9 + 6 * u, DIM };

      g_assert_true (cep_npy_write_float32 (file, values, 2, shape, &error));
    }
  cep_load_options_init (&load);
  partition = cep_partition_load (root, &load, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cep_dependency_options_init (&options);
  stored = cep_dependency_matrix_compute_utterance (fixture.network, partition, 1, &options,
                                                    NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->n_outputs, ==, 15);
  assert_band (stored, -(int) k, (int) k);
  g_assert_null (cep_dependency_matrix_compute_utterance (fixture.network, partition, 2,
                                                          &options, NULL, &error));
  g_assert_error (error, CEP_DEPENDENCY_ERROR, CEP_DEPENDENCY_ERROR_INVALID);
  for (guint u = 0; u < 2; u++)
    {
      g_autofree char *file = g_strdup_printf ("%s/%s.npy", mfcc, names[u]);
      g_unlink (file);
    }
  g_rmdir (mfcc);
  g_rmdir (root);
  fixture_clear (&fixture);
}

static void
on_computed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  CepDependencyMatrix **matrix = user_data;
  g_autoptr(GError) error = NULL;

  *matrix = cep_dependency_matrix_compute_finish (result, &error);
  g_assert_no_error (error);
}

/* The GTask variant gives the same matrix as the synchronous call. */
static void
test_async (void)
{
  Fixture fixture;
  CepDependencyOptions options;
  CepLoadOptions load;
  g_autofree char *root = g_dir_make_tmp ("cep-depmatrix-XXXXXX", NULL);
  g_autofree char *mfcc = g_build_filename (root, "mfcc", NULL);
  g_autofree char *file = g_build_filename (mfcc, "u.npy", NULL);
  g_autoptr(CepPartition) partition = NULL;
  g_autoptr(CepDependencyMatrix) sync = NULL;
  CepDependencyMatrix *async = NULL;
  g_autoptr(GError) error = NULL;
  gsize shape[2] = { 25, DIM };

  fixture_init (&fixture, "ref", 3, 25);
  g_assert_cmpint (g_mkdir (mfcc, 0755), ==, 0);
  g_assert_true (cep_npy_write_float32 (file, fixture.frames, 2, shape, &error));
  cep_load_options_init (&load);
  partition = cep_partition_load (root, &load, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cep_dependency_options_init (&options);
  options.mode = CEP_DEPENDENCY_MODE_SENSITIVITY;
  sync = cep_dependency_matrix_compute_utterance (fixture.network, partition, 0, &options, NULL,
                                                  &error);
  g_assert_no_error (error);
  cep_dependency_matrix_compute_utterance_async (fixture.network, partition, 0, &options, NULL,
                                                 on_computed, &async);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);
  assert_same_matrix (sync, async);
  cep_dependency_matrix_free (async);
  g_unlink (file);
  g_rmdir (mfcc);
  g_rmdir (root);
  fixture_clear (&fixture);
}

static void
test_mode_names (void)
{
  CepDependencyMode mode;

  for (mode = CEP_DEPENDENCY_MODE_BOOL; mode <= CEP_DEPENDENCY_MODE_GRADIENT; mode++)
    {
      CepDependencyMode back = CEP_DEPENDENCY_MODE_BOOL;

      g_assert_true (cep_dependency_mode_from_name (cep_dependency_mode_get_name (mode), &back));
      g_assert_cmpint (back, ==, mode);
    }
  g_assert_false (cep_dependency_mode_from_name ("boolean", &mode));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dependency/band", test_band_of_correct_model);
  g_test_add_func ("/dependency/asymmetric-window", test_asymmetric_window);
  g_test_add_func ("/dependency/chunk-staircase", test_chunk_staircase);
  g_test_add_func ("/dependency/leaky-extraction", test_leaky_extraction_caught);
  g_test_add_data_func ("/dependency/fast-equals-naive/ref", "ref", test_fast_equals_naive);
  g_test_add_data_func ("/dependency/fast-equals-naive/blas", "blas", test_fast_equals_naive);
  g_test_add_func ("/dependency/sensitivity", test_sensitivity_values);
  g_test_add_func ("/dependency/gradient", test_gradient_mode);
  g_test_add_func ("/dependency/non-deterministic", test_refuses_non_deterministic);
  g_test_add_func ("/dependency/bad-requests", test_bad_requests);
  g_test_add_func ("/dependency/cancel", test_cancel);
  g_test_add_func ("/dependency/csv", test_csv_and_floats);
  g_test_add_func ("/dependency/csv-comma-locale", test_csv_in_a_comma_locale);
  g_test_add_func ("/dependency/partition", test_partition_utterance);
  g_test_add_func ("/dependency/async", test_async);
  g_test_add_func ("/dependency/mode-names", test_mode_names);
  return g_test_run ();
}
